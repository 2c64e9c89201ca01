
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_MANIFEST_H_INCLUDED_
#define _CATALOG_MANIFEST_H_INCLUDED_


/*
 * Private to the manifest reader, shared by its two files: catalog_manifest.c
 * reads a manifest, its agency and services, and words the errors;
 * catalog_manifest_route.c reads the routes, backends and redirect of a
 * service.  The rest of the module uses catalog.h.
 *
 * The functions that check a value return 0, or -1 with the error written
 * by catalog_manifest_error().
 */


#include <stddef.h>

#include <jansson.h>

#include <catalog.h>


#define CATALOG_QUOTE_LEN          1024
#define CATALOG_QUOTE_SLOTS        3
#define CATALOG_LOC_LEN            160

#define CATALOG_URL_MAX            2048


typedef struct {
    catalog_t                    *cat;
    const char                   *name;        /* the file, as given */
    char                         *err;
    size_t                        errlen;

    catalog_str_t                 file;        /* the file, in the arena */
    catalog_agency_t             *agency;
    catalog_service_t           **services;
    unsigned                      nservices;
    catalog_service_t            *service;     /* named in errors */

    catalog_map_t                 seen;        /* ids, routes: this file */
    catalog_arena_t              *tmp;         /* freed after the load:
                                                  keys of "seen", the JSON */

    size_t                        loclen;
    char                          loc[CATALOG_LOC_LEN];
    char                          quoted[CATALOG_QUOTE_SLOTS]
                                        [CATALOG_QUOTE_LEN];
} catalog_manifest_t;


extern const catalog_str_t  catalog_manifest_empty;


/* catalog_manifest_route.c: the parts of a service, in this order */

int catalog_manifest_routes(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s);
int catalog_manifest_backends(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s);
int catalog_manifest_redirect(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s);

/* the backends of a service, through the catalog's backend handler */
int catalog_manifest_resolve(catalog_manifest_t *m, catalog_service_t *s);


/* catalog_manifest.c: the value of a key, NULL when absent or null */
json_t *catalog_manifest_get(json_t *obj, const char *key);

/* that obj has no key but the known ones; where names it in the error */
int catalog_manifest_keys(catalog_manifest_t *m, json_t *obj,
    const char *const *known, const char *where);

/* an optional boolean, 0 when absent */
int catalog_manifest_bool(catalog_manifest_t *m, json_t *obj,
    const char *key, unsigned *dst);

/* a copy in the catalog's arena */
/*
 * for short strings that many services repeat (categories, tags, methods,
 * backends): one copy in the arena, shared
 */
int catalog_manifest_intern(catalog_manifest_t *m, catalog_str_t *dst,
    const char *src, size_t len);
/*
 * for an array (of shared strings) that many services repeat byte for
 * byte: one copy in the arena, shared; NULL on error, reported
 */
void *catalog_manifest_share(catalog_manifest_t *m, catalog_map_t *map,
    const void *a, size_t size);
int catalog_manifest_strdup(catalog_manifest_t *m, catalog_str_t *dst,
    const char *src, size_t len);

/*
 * the location named in errors, as "services[0].routes[1]": push appends
 * a part and returns the length before it, for pop to go back to
 */
size_t catalog_manifest_push(catalog_manifest_t *m, const char *fmt, ...);
void catalog_manifest_pop(catalog_manifest_t *m, size_t len);

/*
 * writes "manifest "file": location.field (service "id"): message" into
 * the caller's buffer and returns -1
 */
int catalog_manifest_error(catalog_manifest_t *m, const char *field,
    const char *fmt, ...);

/*
 * a value to echo in an error, sanitized into m->quoted[slot]; slot 1
 * holds file names, echoed longer
 */
const char *catalog_manifest_quote(catalog_manifest_t *m, unsigned slot,
    const char *s, size_t len);

/*
 * copies s into dst of size bytes: valid UTF-8 as it is, controls and stray
 * bytes as \xNN, with quotes '"' and '\' escaped, cut at cap bytes with
 * "..."; returns the length it would have had
 */
size_t catalog_manifest_sanitize(char *dst, size_t size, const char *s,
    size_t len, size_t cap, int quotes);


#endif /* _CATALOG_MANIFEST_H_INCLUDED_ */
