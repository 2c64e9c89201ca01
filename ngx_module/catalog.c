
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdlib.h>
#include <string.h>

#include <catalog.h>


catalog_t *
catalog_create(void)
{
    catalog_t  *cat;

    cat = calloc(1, sizeof(catalog_t));
    if (cat == NULL) {
        return NULL;
    }

    catalog_arena_init(&cat->arena);

    if (catalog_map_init(&cat->agency_ids, 16) != 0
        || catalog_map_init(&cat->service_keys, 64) != 0
        || catalog_table_init(&cat->table) != 0)
    {
        catalog_free(cat);
        return NULL;
    }

    cat->hash = CATALOG_HASH_INIT;

    return cat;
}


void
catalog_free(catalog_t *cat)
{
    if (cat == NULL) {
        return;
    }

    catalog_table_free(&cat->table);
    catalog_map_free(&cat->service_keys);
    catalog_map_free(&cat->agency_ids);
    free(cat->agencies);
    free(cat->services);
    catalog_arena_free(&cat->arena);
    free(cat);
}


catalog_service_t *
catalog_find_service(const catalog_t *cat, const char *key, size_t len)
{
    return catalog_map_find(&cat->service_keys,
                            catalog_hash(CATALOG_HASH_INIT, key, len),
                            key, len);
}


int
catalog_route_allows(const catalog_route_t *route, const char *method,
    size_t len)
{
    unsigned  i;

    if (route->nmethods == 0) {
        return 1;
    }

    for (i = 0; i < route->nmethods; i++) {
        if (route->methods[i].len == len
            && memcmp(route->methods[i].data, method, len) == 0)
        {
            return 1;
        }

        if (len == 4 && memcmp(method, "HEAD", 4) == 0
            && route->methods[i].len == 3
            && memcmp(route->methods[i].data, "GET", 3) == 0)
        {
            return 1;
        }
    }

    return 0;
}
