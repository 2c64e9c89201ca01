
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * libFuzzer target: one agency manifest, as catalog_manifests reads it
 * (catalog_add_buffer, then catalog_finish), and when it is valid what
 * the module builds from it: the search index, a lookup of every route
 * and the JSON of every service, agency and category.  Backends are not
 * resolved (no backend handler), so nothing leaves the process.
 */


#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <catalog.h>
#include <catalog_index.h>
#include <catalog_json.h>

#include "fuzz.h"


static void fuzz_json(const catalog_t *cat);
static void fuzz_routes(const catalog_t *cat);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    cat = catalog_create();
    if (cat == NULL) {
        return 0;
    }

    if (catalog_add_buffer(cat, "fuzz.json", (const char *) data, size,
                           err, sizeof(err))
        != 0
        || catalog_finish(cat, err, sizeof(err)) != 0)
    {
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
        catalog_free(cat);
        return 0;
    }

    cat->index = catalog_index_build(cat);
    FUZZ_CHECK(cat->index != NULL);

    fuzz_routes(cat);
    fuzz_json(cat);

    catalog_free(cat);

    return 0;
}


static void
fuzz_routes(const catalog_t *cat)
{
    unsigned                  i, j;
    catalog_route_t          *route;
    catalog_service_t        *s;
    catalog_decision_t        d;
    const catalog_state_fn_t  fn = { NULL, NULL };

    for (i = 0; i < cat->nservices; i++) {
        s = cat->services[i];

        for (j = 0; j < s->nroutes; j++) {
            route = &s->routes[j];

            catalog_decide(cat, route->host.data, route->host.len,
                           route->path.data, route->path.len, "GET", 3,
                           &fn, &d);

            FUZZ_CHECK(d.outcome != CATALOG_OUTCOME_NOT_FOUND);
        }
    }
}


static void
fuzz_json(const catalog_t *cat)
{
    size_t                     n, i;
    catalog_hit_t             *hits;
    catalog_query_t            q;
    const catalog_state_fn_t   fn = { NULL, NULL };

    for (i = 0; i < cat->nservices; i++) {
        FUZZ_JSON(catalog_json_service, cat->services[i], &fn);
    }

    FUZZ_JSON(catalog_json_agencies, cat);
    FUZZ_JSON(catalog_json_categories, cat);

    /* the default list: every service, by name */

    memset(&q, 0, sizeof(catalog_query_t));
    q.status = -1;
    q.page = 1;
    q.per_page = CATALOG_PER_PAGE_MAX;

    n = catalog_index_bound(cat->index, &q);

    hits = malloc((n + 1) * sizeof(catalog_hit_t));
    FUZZ_CHECK(hits != NULL);

    n = catalog_index_run(cat->index, &q, NULL, hits);
    FUZZ_CHECK(n == cat->nservices);

    FUZZ_JSON(catalog_json_services, cat, hits, n, q.page, q.per_page, &fn);

    free(hits);
}
