
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <catalog.h>


#define NROUTES    2000
#define NREQUESTS  20000


typedef struct {
    catalog_arena_t               arena;
    catalog_table_t               table;
} table_ctx_t;


/* one row of a match matrix: a request and what it must find */

typedef struct {
    const char                   *host;
    const char                   *path;
    int                           route;       /* index, -1: none */
    size_t                        matched;
} table_case_t;


static int setup(void **state);
static int teardown(void **state);
static catalog_route_t *route_new(table_ctx_t *ctx, const char *host,
    const char *path, size_t len, unsigned exact);
static catalog_route_t *add(table_ctx_t *ctx, const char *host,
    const char *path, unsigned exact);
static void check(table_ctx_t *ctx, const char *host, const char *path,
    size_t plen, const catalog_route_t *route, size_t matched);
static void check_cases(table_ctx_t *ctx, catalog_route_t **routes,
    const table_case_t *cases, size_t n);
static void ref_lookup(catalog_route_t **routes, unsigned n,
    const char *host, size_t hlen, const char *path, size_t plen,
    catalog_match_t *m);
static void ref_match(catalog_route_t **routes, unsigned n,
    const char *host, size_t hlen, const char *path, size_t len,
    catalog_match_t *m);
static uint32_t rnd(void);


#define EXACT   1
#define PREFIX  0
#define NCASES(a)  (sizeof(a) / sizeof(a[0]))


static uint32_t  rnd_state = 0x9e3779b9;


static int
setup(void **state)
{
    table_ctx_t  *ctx;

    ctx = calloc(1, sizeof(table_ctx_t));
    if (ctx == NULL) {
        return -1;
    }

    catalog_arena_init(&ctx->arena);

    if (catalog_table_init(&ctx->table) != 0) {
        free(ctx);
        return -1;
    }

    *state = ctx;

    return 0;
}


static int
teardown(void **state)
{
    table_ctx_t  *ctx;

    ctx = *state;

    catalog_table_free(&ctx->table);
    catalog_arena_free(&ctx->arena);
    free(ctx);

    return 0;
}


static catalog_route_t *
route_new(table_ctx_t *ctx, const char *host, const char *path, size_t len,
    unsigned exact)
{
    catalog_route_t  *r;

    r = catalog_arena_calloc(&ctx->arena, sizeof(catalog_route_t));
    assert_non_null(r);

    assert_int_equal(catalog_arena_strdup(&ctx->arena, &r->path, path, len),
                     0);
    assert_int_equal(catalog_arena_strdup(&ctx->arena, &r->host, host,
                                          strlen(host)),
                     0);

    r->exact = exact;

    return r;
}


static catalog_route_t *
add(table_ctx_t *ctx, const char *host, const char *path, unsigned exact)
{
    catalog_route_t  *r;

    r = route_new(ctx, host, path, strlen(path), exact);

    assert_null(catalog_table_add(&ctx->table, &ctx->arena, r));

    return r;
}


/* looks up a copy of exactly plen bytes, so ASan sees any read past it */

static void
check(table_ctx_t *ctx, const char *host, const char *path, size_t plen,
    const catalog_route_t *route, size_t matched)
{
    char             *p, *h;
    size_t            hlen;
    catalog_match_t   m;

    hlen = strlen(host);

    p = malloc(plen ? plen : 1);
    h = malloc(hlen ? hlen : 1);
    assert_non_null(p);
    assert_non_null(h);

    memcpy(p, path, plen);
    memcpy(h, host, hlen);

    catalog_table_lookup(&ctx->table, h, hlen, p, plen, &m);

    free(h);
    free(p);

    if (m.route != route) {
        fail_msg("host \"%s\" path \"%.*s\": route \"%s\" instead of \"%s\"",
                 host, (int) plen, path,
                 m.route ? m.route->path.data : "(none)",
                 route ? route->path.data : "(none)");
    }

    if (route && m.matched != matched) {
        fail_msg("host \"%s\" path \"%.*s\": matched %zu instead of %zu",
                 host, (int) plen, path, m.matched, matched);
    }

    if (route == NULL) {
        assert_int_equal(m.matched, 0);
    }
}


static void
check_cases(table_ctx_t *ctx, catalog_route_t **routes,
    const table_case_t *cases, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        check(ctx, cases[i].host, cases[i].path, strlen(cases[i].path),
              cases[i].route < 0 ? NULL : routes[cases[i].route],
              cases[i].matched);
    }
}


static void
test_exact_and_prefix(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[2];

    /*
     * an exact and a prefix route at the same path: the exact one takes
     * the path itself (with any trailing slashes), the prefix its children
     */

    static const table_case_t  cases[] = {
        { "", "/ktp", 0, 4 },
        { "", "/ktp/", 0, 4 },
        { "", "/ktp//", 0, 4 },
        { "", "/ktp/x", 1, 4 },
        { "", "/ktp/x/", 1, 4 },
        { "", "/ktp/x/y/z", 1, 4 },
        { "", "/ktp//x", 1, 4 },
        { "", "/ktpx", -1, 0 },
        { "", "/kt", -1, 0 },
        { "", "/KTP", -1, 0 },
        { "", "/", -1, 0 },
        { "", "", -1, 0 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/ktp", EXACT);
    r[1] = add(ctx, "", "/ktp", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_exact_only(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[1];

    static const table_case_t  cases[] = {
        { "", "/ktp", 0, 4 },
        { "", "/ktp/", 0, 4 },
        { "", "/ktp///", 0, 4 },
        { "", "/ktp/x", -1, 0 },
        { "", "/ktp-x", -1, 0 },
        { "", "/kt", -1, 0 },
        { "", "/", -1, 0 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/ktp", EXACT);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_prefix_segments(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[1];

    static const table_case_t  cases[] = {
        { "", "/pajak", 0, 6 },
        { "", "/pajak/", 0, 6 },
        { "", "/pajak///", 0, 6 },
        { "", "/pajak/spt", 0, 6 },
        { "", "/pajak/spt/", 0, 6 },
        { "", "/pajak/spt/2024/lampiran", 0, 6 },
        { "", "/pajakbumi", -1, 0 },
        { "", "/pajak-bumi", -1, 0 },
        { "", "/pajakbumi/spt", -1, 0 },
        { "", "/Pajak", -1, 0 },
        { "", "/paja", -1, 0 },
        { "", "/paja/k", -1, 0 },
        { "", "pajak", -1, 0 },
        { "", "/x/pajak", -1, 0 },
        { "", "/", -1, 0 },
        { "", "", -1, 0 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/pajak", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_nested_prefixes(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[5];

    static const table_case_t  cases[] = {
        { "", "/imigrasi", 0, 9 },
        { "", "/imigrasi/", 0, 9 },
        { "", "/imigrasi/visa", 0, 9 },
        { "", "/imigrasi/paspor", 1, 16 },
        { "", "/imigrasi/paspor/", 1, 16 },
        { "", "/imigrasi/paspor/baru", 1, 16 },
        { "", "/imigrasi/paspor-baru", 0, 9 },
        { "", "/imigrasi/pasporx/y", 0, 9 },
        { "", "/imigrasi/paspo", 0, 9 },
        { "", "/imigrasix/paspor", -1, 0 },

        /* the longest of several, at any depth; a gap falls back */

        { "", "/a", 2, 2 },
        { "", "/a/b", 2, 2 },
        { "", "/a/b/c", 3, 6 },
        { "", "/a/b/c/d", 3, 6 },
        { "", "/a/b/c/d/e", 4, 10 },
        { "", "/a/b/c/d/e/f/g/h/i/j", 4, 10 },
        { "", "/a/b/c/dx/e", 3, 6 },
        { "", "/a/bx/c/d/e", 2, 2 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/imigrasi", PREFIX);
    r[1] = add(ctx, "", "/imigrasi/paspor", PREFIX);
    r[2] = add(ctx, "", "/a", PREFIX);
    r[3] = add(ctx, "", "/a/b/c", PREFIX);
    r[4] = add(ctx, "", "/a/b/c/d/e", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_exact_inside_prefix(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[3];

    /* an exact route deeper than a prefix one covers only its own path */

    static const table_case_t  cases[] = {
        { "", "/pajak/spt", 1, 10 },
        { "", "/pajak/spt/", 1, 10 },
        { "", "/pajak/spt/2024", 2, 15 },
        { "", "/pajak/spt/2024/x", 2, 15 },
        { "", "/pajak/spt/20", 0, 6 },
        { "", "/pajak/spt/20245", 0, 6 },
        { "", "/pajak/sp", 0, 6 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/pajak", PREFIX);
    r[1] = add(ctx, "", "/pajak/spt", EXACT);
    r[2] = add(ctx, "", "/pajak/spt/2024", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_root_prefix(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[2];

    /*
     * "/" catches everything else; for "/" itself it covers the one
     * byte, for any other path nothing (the rest keeps its "/")
     */

    static const table_case_t  cases[] = {
        { "", "/", 0, 1 },
        { "", "//", 0, 1 },
        { "", "///", 0, 1 },
        { "", "/x", 0, 0 },
        { "", "/x/", 0, 0 },
        { "", "/x/y/z", 0, 0 },
        { "", "//x", 0, 0 },
        { "", "/pajakbumi", 0, 0 },
        { "", "/PAJAK", 0, 0 },
        { "", "/pajak", 1, 6 },
        { "", "/pajak/spt", 1, 6 },
        { "", "", -1, 0 },
        { "", "x", -1, 0 },
        { "a.example", "/x", 0, 0 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/", PREFIX);
    r[1] = add(ctx, "", "/pajak", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_root_exact(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[2];

    static const table_case_t  only[] = {
        { "", "/", 0, 1 },
        { "", "//", 0, 1 },
        { "", "/x", -1, 0 },
        { "", "/x/", -1, 0 }
    };

    static const table_case_t  both[] = {
        { "", "/", 0, 1 },
        { "", "//", 0, 1 },
        { "", "/x", 1, 0 },
        { "", "/x/y", 1, 0 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/", EXACT);

    check_cases(ctx, r, only, NCASES(only));

    r[1] = add(ctx, "", "/", PREFIX);

    check_cases(ctx, r, both, NCASES(both));
}


static void
test_no_root(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[1];

    static const table_case_t  cases[] = {
        { "", "/", -1, 0 },
        { "", "//", -1, 0 },
        { "", "/b", -1, 0 },
        { "", "//a", -1, 0 },
        { "", "/a", 0, 2 }
    };

    ctx = *state;

    /* an empty table first */

    check(ctx, "", "/", 1, NULL, 0);
    check(ctx, "a.example", "/a", 2, NULL, 0);

    r[0] = add(ctx, "", "/a", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_hosts(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[7];

    static const table_case_t  cases[] = {

        /* the host's own routes first */

        { "a.example", "/x", 0, 2 },
        { "a.example", "/x/1", 0, 2 },
        { "a.example", "/y/z", 1, 4 },
        { "a.example", "/y/z/", 1, 4 },

        /* even when a host-less route is longer */

        { "a.example", "/x/panjang/1", 0, 2 },

        /* none of the host's matches: the host-less ones */

        { "a.example", "/y", 3, 2 },
        { "a.example", "/y/z/w", 3, 2 },
        { "a.example", "/zzz", 5, 0 },
        { "a.example", "/", 5, 1 },

        /* a request without a host sees only host-less routes */

        { "", "/x/1", 2, 2 },
        { "", "/x/panjang/1", 4, 10 },
        { "", "/y/z", 3, 2 },
        { "", "/zzz", 5, 0 },

        /* a host without routes of its own */

        { "c.example", "/x/1", 2, 2 },
        { "c.example", "/y/z", 3, 2 },

        /* the host is compared as given: the caller lowercases it */

        { "A.example", "/x", 2, 2 },
        { "a.example.", "/x", 2, 2 },
        { "a.exampl", "/x", 2, 2 },

        /* a host's root beats every host-less route */

        { "b.example", "/x/1", 6, 0 },
        { "b.example", "/", 6, 1 }
    };

    ctx = *state;

    r[0] = add(ctx, "a.example", "/x", PREFIX);
    r[1] = add(ctx, "a.example", "/y/z", EXACT);
    r[2] = add(ctx, "", "/x", PREFIX);
    r[3] = add(ctx, "", "/y", PREFIX);
    r[4] = add(ctx, "", "/x/panjang", PREFIX);
    r[5] = add(ctx, "", "/", PREFIX);
    r[6] = add(ctx, "b.example", "/", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_hosts_only(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[1];

    static const table_case_t  cases[] = {
        { "a.example", "/x", 0, 2 },
        { "a.example", "/y", -1, 0 },
        { "", "/x", -1, 0 },
        { "b.example", "/x", -1, 0 }
    };

    ctx = *state;

    r[0] = add(ctx, "a.example", "/x", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_duplicates(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[6], *d;

    ctx = *state;

    r[0] = add(ctx, "", "/x", PREFIX);
    r[1] = add(ctx, "", "/x", EXACT);
    r[2] = add(ctx, "a.example", "/x", PREFIX);
    r[3] = add(ctx, "a.example", "/x", EXACT);
    r[4] = add(ctx, "", "/", PREFIX);
    r[5] = add(ctx, "", "/", EXACT);

    assert_int_equal(ctx->table.nroutes, 6);

    d = route_new(ctx, "", "/x", 2, PREFIX);
    assert_ptr_equal(catalog_table_add(&ctx->table, &ctx->arena, d), r[0]);

    d = route_new(ctx, "", "/x", 2, EXACT);
    assert_ptr_equal(catalog_table_add(&ctx->table, &ctx->arena, d), r[1]);

    d = route_new(ctx, "a.example", "/x", 2, PREFIX);
    assert_ptr_equal(catalog_table_add(&ctx->table, &ctx->arena, d), r[2]);

    d = route_new(ctx, "a.example", "/x", 2, EXACT);
    assert_ptr_equal(catalog_table_add(&ctx->table, &ctx->arena, d), r[3]);

    d = route_new(ctx, "", "/", 1, PREFIX);
    assert_ptr_equal(catalog_table_add(&ctx->table, &ctx->arena, d), r[4]);

    d = route_new(ctx, "", "/", 1, EXACT);
    assert_ptr_equal(catalog_table_add(&ctx->table, &ctx->arena, d), r[5]);

    /* the rejected ones changed nothing */

    assert_int_equal(ctx->table.nroutes, 6);
    assert_int_equal(ctx->table.any.nroutes, 4);

    check(ctx, "", "/x", 2, r[1], 2);
    check(ctx, "", "/x/y", 4, r[0], 2);
    check(ctx, "a.example", "/x", 2, r[3], 2);
    check(ctx, "a.example", "/x/y", 4, r[2], 2);
    check(ctx, "", "/", 1, r[5], 1);
    check(ctx, "", "/y", 2, r[4], 0);
}


static void
test_double_slashes(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[2];

    /* merge_slashes off: "//" reaches the table as it is */

    static const table_case_t  cases[] = {
        { "", "/a//b", 0, 2 },
        { "", "/a//b/", 0, 2 },
        { "", "/a/b//c", 1, 4 },
        { "", "/a/b//", 1, 4 },
        { "", "/a//", 0, 2 },
        { "", "//a/b", -1, 0 },
        { "", "//a", -1, 0 },
        { "", "/a///b//c", 0, 2 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/a", PREFIX);
    r[1] = add(ctx, "", "/a/b", PREFIX);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_utf8(void **state)
{
    table_ctx_t      *ctx;
    catalog_route_t  *r[3];

    static const table_case_t  cases[] = {
        { "", "/layanan/\xc3\xa9", 0, 11 },
        { "", "/layanan/\xc3\xa9/", 0, 11 },
        { "", "/layanan/\xc3\xa9/x", 0, 11 },
        { "", "/layanan/\xc3\xa9x", -1, 0 },
        { "", "/layanan/\xc3", -1, 0 },
        { "", "/layanan/e", -1, 0 },
        { "", "/layanan/\xc3\x89", -1, 0 },
        { "", "/\xe6\x97\xa5\xe6\x9c\xac/\xe8\xaa\x9e", 1, 7 },
        { "", "/\xe6\x97\xa5\xe6\x9c\xac/\xe8\xaa\x9e/x", 1, 7 },
        { "", "/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", -1, 0 },
        { "", "/\xe6\x97\xa5", -1, 0 },
        { "", "/\xe6\x97\xa5\xe6\x9c\xac", 2, 7 }
    };

    ctx = *state;

    r[0] = add(ctx, "", "/layanan/\xc3\xa9", PREFIX);
    r[1] = add(ctx, "", "/\xe6\x97\xa5\xe6\x9c\xac", PREFIX);
    r[2] = add(ctx, "", "/\xe6\x97\xa5\xe6\x9c\xac", EXACT);

    check_cases(ctx, r, cases, NCASES(cases));
}


static void
test_hostile_paths(void **state)
{
    char             *path, deep[CATALOG_PATH_MAX + 1];
    size_t            i, len;
    table_ctx_t      *ctx;
    catalog_route_t  *a, *ab, *s, *root;

    ctx = *state;

    a = add(ctx, "", "/a", PREFIX);
    ab = add(ctx, "", "/a/b", EXACT);

    /* the deepest route a manifest may hold: 256 segments, 512 bytes */

    for (i = 0; i < CATALOG_PATH_MAX; i += 2) {
        deep[i] = '/';
        deep[i + 1] = 's';
    }

    deep[CATALOG_PATH_MAX] = '\0';

    s = add(ctx, "", deep, PREFIX);
    assert_int_equal(catalog_path_depth(deep, CATALOG_PATH_MAX), 256);
    assert_int_equal(ctx->table.any.max_depth, 256);

    /* 4000 segments */

    len = 8000;
    path = malloc(len + 2);
    assert_non_null(path);

    for (i = 0; i < len; i += 2) {
        path[i] = '/';
        path[i + 1] = 'a';
    }

    for (i = 0; i < 1000; i++) {
        check(ctx, "", path, len, a, 2);
    }

    path[3] = 'b';
    check(ctx, "", path, len, a, 2);
    check(ctx, "", path, 4, ab, 4);
    check(ctx, "", path, 5, ab, 4);

    for (i = 0; i < len; i += 2) {
        path[i + 1] = 's';
    }

    check(ctx, "", path, len, s, CATALOG_PATH_MAX);
    check(ctx, "", path, CATALOG_PATH_MAX, s, CATALOG_PATH_MAX);
    check(ctx, "", path, CATALOG_PATH_MAX - 2, NULL, 0);

    /* only slashes, and slashes with one byte at the end */

    memset(path, '/', len);

    check(ctx, "", path, len, NULL, 0);

    path[len] = 'a';
    check(ctx, "", path, len + 1, NULL, 0);

    root = add(ctx, "", "/", PREFIX);

    check(ctx, "", path, len, root, 1);
    check(ctx, "", path, len + 1, root, 0);

    /* 4000 segments of 8000 bytes of NULs and high bytes, for no crash */

    for (i = 0; i < len; i++) {
        path[i] = (i % 2) ? (char) (i % 256) : '/';
    }

    check(ctx, "", path, len, root, 0);

    free(path);
}


static void
test_deeper_than_routes(void **state)
{
    char              path[256];
    size_t            len;
    unsigned          i;
    table_ctx_t      *ctx;
    catalog_route_t  *r;

    ctx = *state;

    r = add(ctx, "", "/a/b", PREFIX);
    (void) add(ctx, "a.example", "/a", EXACT);

    len = 0;

    for (i = 0; i < 100; i++) {
        len += (size_t) snprintf(path + len, sizeof(path) - len, "/%c",
                                 i < 2 ? "ab"[i] : 'z');
    }

    check(ctx, "", path, len, r, 4);
    check(ctx, "a.example", path, len, r, 4);
}


/*
 * Paths hash 8 bytes at a time: a prefix must be found wherever its end
 * falls in a word, and whatever the length of what follows it.
 */

static void
test_word_edges(void **state)
{
    char              path[64];
    size_t            len, tail;
    table_ctx_t      *ctx;
    catalog_route_t  *one[24], *two[24];

    ctx = *state;

    /* "/x", "/xx", ... and under each, "/x.../q" */

    for (len = 2; len < 24; len++) {
        path[0] = '/';
        memset(path + 1, 'x', len - 1);
        path[len] = '\0';

        one[len] = add(ctx, "", path, PREFIX);

        memcpy(path + len, "/q", 3);

        two[len] = add(ctx, "", path, PREFIX);
    }

    for (len = 2; len < 24; len++) {
        path[0] = '/';
        memset(path + 1, 'x', len - 1);

        check(ctx, "", path, len, one[len], len);

        for (tail = 1; tail < 18; tail++) {

            /* "/xxx/yyyy": the first segment only */

            path[len] = '/';
            memset(path + len + 1, 'y', tail);
            check(ctx, "", path, len + 1 + tail, one[len], len);

            /* "/xxx/q/yyyy": both segments */

            memcpy(path + len, "/q/", 3);
            memset(path + len + 3, 'y', tail);
            check(ctx, "", path, len + 3 + tail, two[len], len + 2);
        }
    }
}


static void
test_path_depth(void **state)
{
    (void) state;

    assert_int_equal(catalog_path_depth("/", 1), 0);
    assert_int_equal(catalog_path_depth("/a", 2), 1);
    assert_int_equal(catalog_path_depth("/a/b", 4), 2);
    assert_int_equal(catalog_path_depth("/a/b/", 5), 2);
    assert_int_equal(catalog_path_depth("/\xc3\xa9/b", 5), 2);
}


static void
test_route_allows(void **state)
{
    catalog_str_t    methods[3];
    catalog_route_t  r;

    (void) state;

    memset(&r, 0, sizeof(catalog_route_t));

    /* no list: any method */

    assert_true(catalog_route_allows(&r, "GET", 3));
    assert_true(catalog_route_allows(&r, "PURGE", 5));
    assert_true(catalog_route_allows(&r, "", 0));

    methods[0].data = "GET";
    methods[0].len = 3;
    methods[1].data = "POST";
    methods[1].len = 4;
    methods[2].data = "PURGE";
    methods[2].len = 5;

    r.methods = methods;
    r.nmethods = 3;

    assert_true(catalog_route_allows(&r, "GET", 3));
    assert_true(catalog_route_allows(&r, "HEAD", 4));
    assert_true(catalog_route_allows(&r, "POST", 4));
    assert_true(catalog_route_allows(&r, "PURGE", 5));
    assert_false(catalog_route_allows(&r, "PUT", 3));
    assert_false(catalog_route_allows(&r, "DELETE", 6));
    assert_false(catalog_route_allows(&r, "get", 3));
    assert_false(catalog_route_allows(&r, "GE", 2));
    assert_false(catalog_route_allows(&r, "GETX", 4));
    assert_false(catalog_route_allows(&r, "POS", 3));
    assert_false(catalog_route_allows(&r, "", 0));

    /* the method is (pointer, length): what follows does not count */

    assert_true(catalog_route_allows(&r, "GETX", 3));
    assert_false(catalog_route_allows(&r, "HEADER", 6));

    /* GET brings HEAD, not the other way round */

    r.methods = &methods[1];
    r.nmethods = 1;

    assert_false(catalog_route_allows(&r, "HEAD", 4));
    assert_false(catalog_route_allows(&r, "GET", 3));

    methods[0].data = "HEAD";
    methods[0].len = 4;
    r.methods = methods;
    r.nmethods = 1;

    assert_true(catalog_route_allows(&r, "HEAD", 4));
    assert_false(catalog_route_allows(&r, "GET", 3));
}


/*
 * the reference: every route compared with the request, one by one, as
 * the design describes the rules
 */

static void
ref_lookup(catalog_route_t **routes, unsigned n, const char *host,
    size_t hlen, const char *path, size_t plen, catalog_match_t *m)
{
    size_t  len;

    m->route = NULL;
    m->matched = 0;

    len = plen;

    while (len > 1 && path[len - 1] == '/') {
        len--;
    }

    if (len == 0 || path[0] != '/') {
        return;
    }

    if (hlen) {
        ref_match(routes, n, host, hlen, path, len, m);

        if (m->route) {
            return;
        }
    }

    ref_match(routes, n, "", 0, path, len, m);
}


static void
ref_match(catalog_route_t **routes, unsigned n, const char *host,
    size_t hlen, const char *path, size_t len, catalog_match_t *m)
{
    size_t            rl, best;
    unsigned          i;
    catalog_route_t  *r, *exact, *whole, *prefix, *root;

    exact = NULL;
    whole = NULL;
    prefix = NULL;
    root = NULL;
    best = 0;

    for (i = 0; i < n; i++) {
        r = routes[i];
        rl = r->path.len;

        if (r->host.len != hlen || memcmp(r->host.data, host, hlen) != 0) {
            continue;
        }

        if (rl == len && memcmp(r->path.data, path, len) == 0) {
            if (r->exact) {
                exact = r;

            } else {
                whole = r;
            }

            continue;
        }

        if (r->exact) {
            continue;
        }

        if (rl == 1) {
            root = r;
            continue;
        }

        if (rl < len && path[rl] == '/' && rl > best
            && memcmp(r->path.data, path, rl) == 0)
        {
            prefix = r;
            best = rl;
        }
    }

    if (exact || whole) {
        m->route = exact ? exact : whole;
        m->matched = len;

    } else if (prefix) {
        m->route = prefix;
        m->matched = best;

    } else if (root) {
        m->route = root;
        m->matched = 0;
    }
}


static void
test_random(void **state)
{
    char              path[128], *p;
    size_t            len, hlen;
    unsigned          i, k, n, depth, exact, prefix, root, none;
    const char       *host, *seg;
    table_ctx_t      *ctx;
    catalog_route_t  *r, *found, **routes;
    catalog_match_t   m, ref;

    static const char  *segments[] = {
        "a", "b", "ab", "ba", "pajak", "pajakbumi", "\xc3\xa9", "x-1"
    };

    static const char  *other[] = {
        "", "zz", "a b", "\xc3", "A", "pajak.", "-"
    };

    static const char  *hosts[] = {
        "", "", "", "a.example", "a.example", "b.example", "c.example"
    };

    ctx = *state;

    routes = malloc(NROUTES * sizeof(catalog_route_t *));
    assert_non_null(routes);

    n = 0;

    for (i = 0; i < NROUTES; i++) {

        k = rnd() % 50;
        host = (k < 30) ? "" : (k < 48) ? "a.example" : "b.example";

        if (rnd() % 100 == 0) {

            /* a root route, for one host only: others may find nothing */

            host = "b.example";
            len = 1;
            path[0] = '/';

        } else {
            depth = 1 + rnd() % 4;
            len = 0;

            for (k = 0; k < depth; k++) {
                seg = segments[rnd() % NCASES(segments)];
                len += (size_t) snprintf(path + len, sizeof(path) - len,
                                         "/%s", seg);
            }
        }

        r = route_new(ctx, host, path, len, rnd() % 10 < 3);

        found = catalog_table_add(&ctx->table, &ctx->arena, r);

        if (found == NULL) {
            routes[n++] = r;
            continue;
        }

        /* a duplicate gets the first route that claimed the place */

        for (k = 0; k < n; k++) {
            if (routes[k]->exact == r->exact
                && routes[k]->path.len == r->path.len
                && memcmp(routes[k]->path.data, r->path.data, len) == 0
                && strcmp(routes[k]->host.data, r->host.data) == 0)
            {
                break;
            }
        }

        assert_true(k < n);
        assert_ptr_equal(found, routes[k]);
    }

    assert_int_equal(ctx->table.nroutes, n);
    assert_true(n > NROUTES / 2);

    exact = 0;
    prefix = 0;
    root = 0;
    none = 0;

    for (i = 0; i < NREQUESTS; i++) {

        if (rnd() % 2) {

            /* one of the routes, made longer, shorter or slashed */

            r = routes[rnd() % n];
            len = r->path.len;
            memcpy(path, r->path.data, len);

            if (rnd() % 3 == 0 && len > 1) {
                while (len > 1 && path[len - 1] != '/') {
                    len--;
                }
            }

        } else {
            len = 0;
        }

        depth = rnd() % 4;

        if (len == 0 && depth == 0) {
            path[len++] = '/';
        }

        for (k = 0; k < depth; k++) {
            seg = (rnd() % 8) ? segments[rnd() % NCASES(segments)]
                              : other[rnd() % NCASES(other)];

            if (len + 1 + strlen(seg) + 4 > sizeof(path)) {
                break;
            }

            /* an empty segment makes a "//" */

            if (len == 0 || path[len - 1] != '/' || seg[0] == '\0') {
                path[len++] = '/';
            }

            memcpy(path + len, seg, strlen(seg));
            len += strlen(seg);
        }

        for (k = rnd() % 6; k > 2 && len < sizeof(path); k--) {
            path[len++] = '/';
        }

        host = hosts[rnd() % NCASES(hosts)];
        hlen = strlen(host);

        p = malloc(len ? len : 1);
        assert_non_null(p);
        memcpy(p, path, len);

        catalog_table_lookup(&ctx->table, host, hlen, p, len, &m);
        ref_lookup(routes, n, host, hlen, p, len, &ref);

        if (m.route != ref.route || m.matched != ref.matched) {
            fail_msg("host \"%s\" path \"%.*s\": table \"%s\" %s %zu, "
                     "reference \"%s\" %s %zu",
                     host, (int) len, path,
                     m.route ? m.route->path.data : "(none)",
                     m.route ? (m.route->exact ? "exact" : "prefix") : "",
                     m.matched,
                     ref.route ? ref.route->path.data : "(none)",
                     ref.route ? (ref.route->exact ? "exact" : "prefix") : "",
                     ref.matched);
        }

        if (m.route == NULL) {
            none++;

        } else if (m.route->exact) {
            exact++;

        } else if (m.route->path.len == 1) {
            root++;

        } else {
            prefix++;
        }

        free(p);
    }

    print_message("exact %u prefix %u root %u none %u\n", exact, prefix,
                  root, none);

    /* every kind of answer is well represented */

    assert_true(exact > NREQUESTS / 20);
    assert_true(prefix > NREQUESTS / 5);
    assert_true(root > NREQUESTS / 100);
    assert_true(none > NREQUESTS / 100);

    free(routes);
}


static uint32_t
rnd(void)
{
    /* xorshift32: the same sequence on every run */

    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;

    return rnd_state;
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_exact_and_prefix, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_exact_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prefix_segments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nested_prefixes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_exact_inside_prefix, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_root_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hosts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hosts_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_slashes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_paths, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_deeper_than_routes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_word_edges, setup, teardown),
        cmocka_unit_test(test_path_depth),
        cmocka_unit_test(test_route_allows),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown)
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
