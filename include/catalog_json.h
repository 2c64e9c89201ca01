
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_JSON_H_INCLUDED_
#define _CATALOG_JSON_H_INCLUDED_


/*
 * The JSON answers of the catalog API, written without jansson so that a
 * request allocates from its own pool only: measure with dst == NULL,
 * allocate, write.  Backends, host headers and anything internal are
 * never written.
 */


#include <stddef.h>

#include <catalog.h>
#include <catalog_index.h>


typedef struct {
    const char                   *path;
    size_t                        path_len;
    const char                   *method;
    size_t                        method_len;
    const char                   *host;
    size_t                        host_len;
    const char                   *outcome;
    const catalog_route_t        *route;       /* NULL: none matched */
    const char                   *location;    /* redirect only */
    size_t                        location_len;
} catalog_resolve_t;


size_t catalog_json_service(char *dst, const catalog_service_t *s,
    const catalog_state_fn_t *fn);
size_t catalog_json_services(char *dst, const catalog_t *cat,
    const catalog_hit_t *hits, size_t nhits, unsigned page,
    unsigned per_page, const catalog_state_fn_t *fn);
size_t catalog_json_agencies(char *dst, const catalog_t *cat);
size_t catalog_json_categories(char *dst, const catalog_t *cat);
size_t catalog_json_resolve(char *dst, const catalog_resolve_t *res,
    const catalog_state_fn_t *fn);
size_t catalog_json_error(char *dst, unsigned code, const char *message);


#endif /* _CATALOG_JSON_H_INCLUDED_ */
