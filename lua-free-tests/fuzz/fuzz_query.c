
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * libFuzzer target: the query string of "GET services" as the catalog
 * API handles it: catalog_query_parse with a scratch buffer of exactly
 * the size the API gives it, the search over the example catalog
 * (conf/catalog.d), and the JSON answer; then the three parameters of
 * "GET resolve" (catalog_query_arg) and the router's decision for them.
 */


#include <glob.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <catalog.h>
#include <catalog_index.h>
#include <catalog_json.h>
#include <catalog_query.h>
#include <catalog_uri.h>

#include "fuzz.h"


#ifndef FUZZ_CATALOG_DIR
#define FUZZ_CATALOG_DIR  "conf/catalog.d"
#endif


static void fuzz_services(const char *args, size_t len);
static void fuzz_resolve(const char *args, size_t len);


static catalog_t  *cat;


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char    err[CATALOG_ERROR_LEN];
    size_t  i;
    glob_t  g;

    (void) argc;
    (void) argv;

    cat = catalog_create();
    FUZZ_CHECK(cat != NULL);

    FUZZ_CHECK(glob(FUZZ_CATALOG_DIR "/*.json", 0, NULL, &g) == 0);

    for (i = 0; i < g.gl_pathc; i++) {
        if (catalog_add_file(cat, g.gl_pathv[i], err, sizeof(err)) != 0) {
            fprintf(stderr, "%s\n", err);
            abort();
        }
    }

    globfree(&g);

    FUZZ_CHECK(catalog_finish(cat, err, sizeof(err)) == 0);

    cat->index = catalog_index_build(cat);
    FUZZ_CHECK(cat->index != NULL);

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char  *args;

    /* a copy of its own size, as nginx gives no NUL after r->args */

    args = malloc(size ? size : 1);
    FUZZ_CHECK(args != NULL);
    memcpy(args, data, size);

    fuzz_services(args, size);
    fuzz_resolve(args, size);

    free(args);

    return 0;
}


static void
fuzz_services(const char *args, size_t len)
{
    char                      err[256], *scratch;
    size_t                    n, i;
    catalog_hit_t            *hits;
    catalog_query_t           q;
    const catalog_state_fn_t  fn = { NULL, NULL };

    scratch = malloc(3 * len + 64);
    FUZZ_CHECK(scratch != NULL);

    if (catalog_query_parse(&q, args, len, scratch, err, sizeof(err)) != 0) {
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
        free(scratch);
        return;
    }

    FUZZ_CHECK(q.nwords <= CATALOG_QUERY_WORDS_MAX);
    FUZZ_CHECK(q.page >= 1 && q.page <= CATALOG_PAGE_MAX);
    FUZZ_CHECK(q.per_page >= 1 && q.per_page <= CATALOG_PER_PAGE_MAX);
    FUZZ_CHECK(q.q.len <= CATALOG_QUERY_Q_MAX);

    n = catalog_index_bound(cat->index, &q);
    FUZZ_CHECK(n <= cat->nservices);

    hits = malloc((n + 1) * sizeof(catalog_hit_t));
    FUZZ_CHECK(hits != NULL);

    n = catalog_index_run(cat->index, &q, NULL, hits);

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(hits[i].service < cat->nservices);
    }

    FUZZ_JSON(catalog_json_services, cat, hits, n, q.page, q.per_page, &fn);

    free(hits);
    free(scratch);
}


static void
fuzz_resolve(const char *args, size_t len)
{
    int                       rc;
    char                     *raw, *path, *method, *host, *c;
    long                      plen;
    size_t                    rlen, mlen, hlen, i;
    catalog_decision_t        d;
    const catalog_state_fn_t  fn = { NULL, NULL };

    /* the buffers of the API's resolve, from one block of the same size */

    raw = malloc(4 * len + 16);
    FUZZ_CHECK(raw != NULL);

    path = raw + len + 1;
    method = path + len + 1;
    host = method + len + 1;

    rc = catalog_query_arg(args, len, "path", raw, &rlen, 0);
    if (rc != 1 || rlen == 0 || !catalog_utf8_valid(raw, rlen)) {
        goto done;
    }

    FUZZ_CHECK(rlen <= len);

    for (i = 0; i < rlen; i++) {
        if ((unsigned char) raw[i] < 0x20 || raw[i] == 0x7f) {
            goto done;
        }
    }

    plen = catalog_path_normalize(path, raw, rlen);
    if (plen < 0) {
        goto done;
    }

    FUZZ_CHECK((size_t) plen <= rlen + 1 && path[0] == '/');

    rc = catalog_query_arg(args, len, "method", method, &mlen, 0);
    if (rc == -1) {
        goto done;
    }

    if (rc == 0 || mlen == 0) {
        memcpy(method, "GET", 3);
        mlen = 3;
    }

    for (i = 0; i < mlen; i++) {
        if (method[i] < 'A' || method[i] > 'Z' || mlen > 32) {
            goto done;
        }
    }

    rc = catalog_query_arg(args, len, "host", host, &hlen, 0);
    if (rc == -1) {
        goto done;
    }

    if (rc == 0) {
        hlen = 0;
    }

    c = memchr(host, ':', hlen);
    if (c) {
        hlen = c - host;
    }

    for (i = 0; i < hlen; i++) {
        if (host[i] >= 'A' && host[i] <= 'Z') {
            host[i] |= 0x20;
        }
    }

    catalog_decide(cat, host, hlen, path, (size_t) plen, method, mlen, &fn,
                   &d);

    FUZZ_CHECK(d.outcome <= CATALOG_OUTCOME_EMPTY);

done:

    free(raw);
}
