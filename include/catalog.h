
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

/*
 * Called for every backend as its manifest is read, so that the embedder
 * can resolve it (and keep the result in backend->data).  Returns 0, or -1
 * with a reason in err, such as "host not found".
 */
typedef int (*catalog_backend_pt)(void *ctx, catalog_service_t *service,
    catalog_backend_t *backend, char *err, size_t errlen);


struct catalog_s {
    catalog_arena_t               arena;

    catalog_agency_t            **agencies;
    unsigned                      nagencies;
    unsigned                      agencies_cap;

    catalog_service_t           **services;
    unsigned                      nservices;
    unsigned                      services_cap;

    catalog_map_t                 agency_ids;  /* id -> catalog_agency_t */
    catalog_map_t                 service_keys;  /* key -> service */
    catalog_table_t               table;

    unsigned                      nfiles;
    uint64_t                      hash;        /* of every manifest read */

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

static inline void
catalog_lookup(const catalog_t *cat, const char *host, size_t hlen,
    const char *path, size_t plen, catalog_match_t *m)
{
    catalog_table_lookup(&cat->table, host, hlen, path, plen, m);
}

/* whether a route takes a method; GET brings HEAD along */
int catalog_route_allows(const catalog_route_t *route, const char *method,
    size_t len);


#endif /* _CATALOG_H_INCLUDED_ */
