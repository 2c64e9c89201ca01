
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_H_INCLUDED_
#define _CATALOG_H_INCLUDED_


/*
 * A catalog: the agencies and services of every manifest loaded, and the
 * route table built from them.  Built once per configuration load, read
 * only afterwards.
 */


#include <catalog_model.h>
#include <catalog_arena.h>
#include <catalog_map.h>
#include <catalog_table.h>


typedef struct catalog_s  catalog_t;


/* the effective state of a service: the manifest's, or a runtime one */

typedef struct {
    catalog_status_e              status;
    catalog_str_t                 message;
    catalog_str_t                 until;       /* RFC 3339, or empty */
    int64_t                       until_time;  /* unix time, or 0 */
} catalog_state_t;


typedef void (*catalog_state_pt)(void *ctx, const catalog_service_t *s,
    catalog_state_t *st);


typedef struct {
    catalog_state_pt              handler;     /* NULL: the manifest's */
    void                         *ctx;
} catalog_state_fn_t;


/* what the router does with a request */

typedef enum {
    CATALOG_OUTCOME_PROXY = 0,
    CATALOG_OUTCOME_REDIRECT,
    CATALOG_OUTCOME_GONE,
    CATALOG_OUTCOME_MAINTENANCE,
    CATALOG_OUTCOME_NOT_FOUND,
    CATALOG_OUTCOME_METHOD_NOT_ALLOWED,
    CATALOG_OUTCOME_EMPTY
} catalog_outcome_e;


typedef struct {
    catalog_outcome_e             outcome;
    catalog_match_t               match;       /* route and its length */
    catalog_state_t               state;       /* of the matched service */
} catalog_decision_t;

/*
 * Called for every backend of a service, in order, as its manifest is
 * read, so that the embedder can resolve it (and keep the result in
 * service->data: services listing the same backends share one array of
 * them).  Returns 0, or -1 with a reason in err, such as "host not found".
 */
typedef int (*catalog_backend_pt)(void *ctx, catalog_service_t *service,
    catalog_backend_t *backend, char *err, size_t errlen);


struct catalog_s {
    catalog_arena_t               arena;
    catalog_arena_t               lines;       /* services, routes, table
                                                  entries: cache lines,
                                                  one after another */
    catalog_arena_t               scratch;     /* one manifest's file and
                                                  JSON while it is read;
                                                  gone after loading */

    catalog_agency_t            **agencies;
    unsigned                      nagencies;
    unsigned                      agencies_cap;

    catalog_service_t           **services;
    unsigned                      nservices;
    unsigned                      services_cap;

    catalog_map_t                 agency_ids;  /* id -> catalog_agency_t */
    catalog_map_t                 strings;     /* shared while loading */
    catalog_map_t                 backend_lists;
    catalog_map_t                 tag_lists;
    catalog_table_t               table;

    unsigned                      nfiles;
    uint64_t                      hash;        /* of every manifest read */

    struct catalog_index_s       *index;       /* search, once finished */

    catalog_backend_pt            backend_handler;
    void                         *backend_ctx;
};


catalog_t *catalog_create(void);
void catalog_free(catalog_t *cat);

/*
 * Reads one manifest and adds its agency and services.  On error returns
 * -1 with a message in err naming the file, the JSON location, the service
 * and the reason, and the catalog is left as it was before the call as far
 * as lookups are concerned (the caller fails the configuration anyway).
 */
int catalog_add_file(catalog_t *cat, const char *path, char *err,
    size_t errlen);
int catalog_add_buffer(catalog_t *cat, const char *name, const char *buf,
    size_t len, char *err, size_t errlen);

/*
 * Checks what needs every manifest (successor keys) once all are read.
 */
int catalog_finish(catalog_t *cat, char *err, size_t errlen);

catalog_service_t *catalog_find_service(const catalog_t *cat,
    const char *key, size_t len);

/* the order of ids: bytes, then length */
int catalog_id_cmp(const char *a, size_t alen, const char *b, size_t blen);

static inline void
catalog_lookup(const catalog_t *cat, const char *host, size_t hlen,
    const char *path, size_t plen, catalog_match_t *m)
{
    catalog_table_lookup(&cat->table, host, hlen, path, plen, m);
}

/*
 * The router's decision for a request, shared by catalog_route and the
 * API's "resolve": the route, then the method (405), the effective status
 * (410, 503), then redirect or proxy.
 */
void catalog_decide(const catalog_t *cat, const char *host, size_t hlen,
    const char *path, size_t plen, const char *method, size_t mlen,
    const catalog_state_fn_t *fn, catalog_decision_t *d);

/* the effective state of a service */
void catalog_state(const catalog_state_fn_t *fn, const catalog_service_t *s,
    catalog_state_t *st);

const char *catalog_status_name(catalog_status_e status);
const char *catalog_outcome_name(catalog_outcome_e outcome);

/* whether a route takes a method; GET brings HEAD along */
int catalog_route_allows(const catalog_route_t *route, const char *method,
    size_t len);


#endif /* _CATALOG_H_INCLUDED_ */
