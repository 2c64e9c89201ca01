
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The JSON answers of the catalog API (catalog_json.c): exact strings for
 * a small catalog read with catalog_add_buffer, the measured length equal
 * to the written one (into a buffer of exactly that size, for ASan),
 * every answer valid JSON (jansson), hostile text escaped, null fields,
 * runtime states, and the paging arithmetic.
 *
 * The inline manifests are written with single quotes, which unit.c turns
 * into double quotes; a quote in a text is written \u0027.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <catalog.h>
#include <catalog_index.h>
#include <catalog_json.h>

#include "unit.h"


#define BACKEND  "'backends': ['10.0.0.1:8080']"


/* the catalog: three agencies, one without services */

static const char  *manifests[] = {

    "{'agency': {'id': 'dukcapil', "
    "'name': 'Direktorat Jenderal Kependudukan dan Pencatatan Sipil', "
    "'url': 'https://dukcapil.example.go.id', "
    "'contact': 'layanan@dukcapil.example.go.id'}, 'services': ["
    "{'id': 'ktp-elektronik', 'name': 'KTP Elektronik', "
    "'description': 'Pengajuan dan cek status KTP-el.', "
    "'category': 'kependudukan', 'tags': ['ktp', 'identitas'], "
    "'routes': [{'path': '/dukcapil/ktp', 'strip_prefix': true}, "
    "{'path': '/ktp/', 'match': 'exact', 'methods': ['GET']}], "
    "'backends': ['10.0.0.1:8080', '10.0.0.2:80'], "
    "'host_header': 'ktp.dukcapil.internal', "
    "'docs_url': 'https://dukcapil.example.go.id/docs/ktp', "
    "'version': '2.1'}, "
    "{'id': 'akta-lama', 'name': 'Akta (lama)', 'category': 'kependudukan', "
    "'routes': [{'path': '/dukcapil/akta-lama'}], "
    "'redirect': {'to': '/dukcapil/akta?v=2#isi', 'code': 308, "
    "'keep_path': true, 'keep_query': true}}, "
    "{'id': 'ktp-lama', 'name': 'KTP Lama', 'category': 'kependudukan', "
    "'routes': [{'path': '/dukcapil/ktp-lama'}], 'status': 'retired', "
    "'successor': 'dukcapil/ktp-elektronik'}, "
    "{'id': 'kk', 'name': 'Kartu Keluarga', 'category': 'keluarga', "
    "'routes': [{'path': '/dukcapil/kk'}], " BACKEND ", "
    "'status': 'maintenance', "
    "'maintenance_message': 'Pemeliharaan hingga 22.00 WIB.', "
    "'contact': 'kk@dukcapil.example.go.id'}"
    "]}",

    "{'agency': {'id': 'djp', 'name': 'Direktorat Jenderal Pajak'}, "
    "'services': ["
    "{'id': 'uji', 'name': 'Uji \\'A\\' <b> & \\u0027k\\u0027 \\\\ x', "
    "'description': 'satu\\ndua\\tTiga\\r; caf\\u00e9 \\u65e5 "
    "\\u2028 </script>', "
    "'category': 'pajak & <cukai>', 'tags': ['</script>', 'a\\'b'], "
    "'routes': [{'path': '/pajak/uji-\\u00e9'}], " BACKEND ", "
    "'docs_url': 'https://pajak.example.go.id/?a=1&b=\\'2\\'', "
    "'version': 'v<1>'}, "
    "{'id': 'kosong', 'name': 'K', 'category': 'pajak & <cukai>', "
    "'routes': [{'path': '/'}], 'status': 'maintenance', " BACKEND "}"
    "]}",

    "{'agency': {'id': 'aaa-kosong', 'name': 'Tanpa Layanan', "
    "'url': 'http://aaa.example.go.id/'}, 'services': []}"
};


/* the expected JSON of each service (manifest states) */

#define J_KTP                                                                 \
    "{\"id\": \"dukcapil/ktp-elektronik\", \"agency\": {\"id\": "             \
    "\"dukcapil\", \"name\": \"Direktorat Jenderal Kependudukan dan "         \
    "Pencatatan Sipil\"}, \"name\": \"KTP Elektronik\", \"description\": "    \
    "\"Pengajuan dan cek status KTP-el.\", \"category\": \"kependudukan\", "  \
    "\"tags\": [\"ktp\", \"identitas\"], \"status\": \"active\", "            \
    "\"status_message\": null, \"status_until\": null, \"url\": "             \
    "\"/dukcapil/ktp\", \"routes\": [{\"path\": \"/dukcapil/ktp\", "          \
    "\"match\": \"prefix\"}, {\"path\": \"/ktp\", \"match\": \"exact\"}], "   \
    "\"docs_url\": \"https://dukcapil.example.go.id/docs/ktp\", "             \
    "\"contact\": \"layanan@dukcapil.example.go.id\", \"version\": \"2.1\"}"

#define J_AKTA_LAMA                                                           \
    "{\"id\": \"dukcapil/akta-lama\", \"agency\": {\"id\": \"dukcapil\", "    \
    "\"name\": \"Direktorat Jenderal Kependudukan dan Pencatatan Sipil\"}, "  \
    "\"name\": \"Akta (lama)\", \"description\": \"\", \"category\": "        \
    "\"kependudukan\", \"tags\": [], \"status\": \"active\", "                \
    "\"status_message\": null, \"status_until\": null, \"url\": "             \
    "\"/dukcapil/akta-lama\", \"routes\": [{\"path\": "                       \
    "\"/dukcapil/akta-lama\", \"match\": \"prefix\"}], \"docs_url\": null, "  \
    "\"contact\": \"layanan@dukcapil.example.go.id\", \"version\": null}"

#define J_KTP_LAMA                                                            \
    "{\"id\": \"dukcapil/ktp-lama\", \"agency\": {\"id\": \"dukcapil\", "     \
    "\"name\": \"Direktorat Jenderal Kependudukan dan Pencatatan Sipil\"}, "  \
    "\"name\": \"KTP Lama\", \"description\": \"\", \"category\": "           \
    "\"kependudukan\", \"tags\": [], \"status\": \"retired\", "               \
    "\"status_message\": null, \"status_until\": null, \"url\": "             \
    "\"/dukcapil/ktp-lama\", \"routes\": [{\"path\": \"/dukcapil/ktp-lama\", "\
    "\"match\": \"prefix\"}], \"docs_url\": null, \"contact\": "              \
    "\"layanan@dukcapil.example.go.id\", \"version\": null}"

#define J_KK                                                                  \
    "{\"id\": \"dukcapil/kk\", \"agency\": {\"id\": \"dukcapil\", "           \
    "\"name\": \"Direktorat Jenderal Kependudukan dan Pencatatan Sipil\"}, "  \
    "\"name\": \"Kartu Keluarga\", \"description\": \"\", \"category\": "     \
    "\"keluarga\", \"tags\": [], \"status\": \"maintenance\", "               \
    "\"status_message\": \"Pemeliharaan hingga 22.00 WIB.\", "                \
    "\"status_until\": null, \"url\": \"/dukcapil/kk\", \"routes\": "         \
    "[{\"path\": \"/dukcapil/kk\", \"match\": \"prefix\"}], \"docs_url\": "   \
    "null, \"contact\": \"kk@dukcapil.example.go.id\", \"version\": null}"

/* '"' and '\\' escaped, '<', '>', '&' as \u00XX, controls escaped */

#define J_UJI                                                                 \
    "{\"id\": \"djp/uji\", \"agency\": {\"id\": \"djp\", \"name\": "          \
    "\"Direktorat Jenderal Pajak\"}, \"name\": \"Uji \\\"A\\\" \\u003cb\\u003e"\
    " \\u0026 'k' \\\\ x\", \"description\": \"satu\\ndua\\tTiga\\r; "        \
    "caf\xc3\xa9 \xe6\x97\xa5 \xe2\x80\xa8 \\u003c/script\\u003e\", "         \
    "\"category\": \"pajak \\u0026 \\u003ccukai\\u003e\", \"tags\": "         \
    "[\"\\u003c/script\\u003e\", \"a\\\"b\"], \"status\": \"active\", "       \
    "\"status_message\": null, \"status_until\": null, \"url\": "             \
    "\"/pajak/uji-\xc3\xa9\", \"routes\": [{\"path\": \"/pajak/uji-\xc3\xa9\","\
    " \"match\": \"prefix\"}], \"docs_url\": "                                \
    "\"https://pajak.example.go.id/?a=1\\u0026b=\\\"2\\\"\", \"contact\": "   \
    "null, \"version\": \"v\\u003c1\\u003e\"}"

#define J_KOSONG                                                              \
    "{\"id\": \"djp/kosong\", \"agency\": {\"id\": \"djp\", \"name\": "       \
    "\"Direktorat Jenderal Pajak\"}, \"name\": \"K\", \"description\": \"\", "\
    "\"category\": \"pajak \\u0026 \\u003ccukai\\u003e\", \"tags\": [], "     \
    "\"status\": \"maintenance\", \"status_message\": null, "                 \
    "\"status_until\": null, \"url\": \"/\", \"routes\": [{\"path\": \"/\", " \
    "\"match\": \"prefix\"}], \"docs_url\": null, \"contact\": null, "        \
    "\"version\": null}"


/* services in catalog order */

enum { S_KTP, S_AKTA_LAMA, S_KTP_LAMA, S_KK, S_UJI, S_KOSONG, S_N };

static const char  *expected[S_N] = {
    J_KTP, J_AKTA_LAMA, J_KTP_LAMA, J_KK, J_UJI, J_KOSONG
};


typedef struct {
    catalog_t                    *cat;
} fixture_t;


/* a runtime state for the tests of catalog_state_fn_t */

typedef struct {
    const char                   *key;        /* the service it applies to */
    catalog_status_e              status;
    const char                   *message;
    const char                   *until;
    unsigned                      calls;
} runtime_t;


/* helpers */


static catalog_t *
build(const char **m, size_t n)
{
    char        err[CATALOG_ERROR_LEN];
    size_t      i;
    catalog_t  *cat;

    cat = catalog_create();
    assert_non_null(cat);

    for (i = 0; i < n; i++) {
        unit_add_ok(cat, m[i]);
    }

    if (catalog_finish(cat, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }

    return cat;
}


static int
setup(void **state)
{
    fixture_t  *f;

    f = calloc(1, sizeof(fixture_t));
    if (f == NULL) {
        return -1;
    }

    f->cat = build(manifests, sizeof(manifests) / sizeof(manifests[0]));

    *state = f;

    return 0;
}


static int
teardown(void **state)
{
    fixture_t  *f = *state;

    catalog_free(f->cat);
    free(f);

    return 0;
}


/* the writers behind one signature, for render() */

typedef struct {
    int                           kind;
    const catalog_t              *cat;
    const catalog_service_t      *service;
    const catalog_hit_t          *hits;
    size_t                        nhits;
    unsigned                      page;
    unsigned                      per_page;
    const catalog_resolve_t      *resolve;
    const catalog_state_fn_t     *fn;
    unsigned                      code;
    const char                   *message;
} call_t;

enum { K_SERVICE, K_SERVICES, K_AGENCIES, K_CATEGORIES, K_RESOLVE, K_ERROR };


static size_t
call(char *dst, const call_t *c)
{
    switch (c->kind) {

    case K_SERVICE:
        return catalog_json_service(dst, c->service, c->fn);

    case K_SERVICES:
        return catalog_json_services(dst, c->cat, c->hits, c->nhits, c->page,
                                     c->per_page, c->fn);

    case K_AGENCIES:
        return catalog_json_agencies(dst, c->cat);

    case K_CATEGORIES:
        return catalog_json_categories(dst, c->cat);

    case K_RESOLVE:
        return catalog_json_resolve(dst, c->resolve, c->fn);

    default:
        return catalog_json_error(dst, c->code, c->message);
    }
}


/*
 * Measures, writes into a buffer of exactly that size (ASan catches one
 * byte more), checks both lengths and that the text is valid JSON, and
 * returns a NUL-terminated copy.
 */

static char *
render(const call_t *c)
{
    char          *buf, *s;
    size_t         n, m;
    json_t        *doc;
    json_error_t   jerr;

    n = call(NULL, c);
    assert_true(n > 0);

    buf = malloc(n);
    assert_non_null(buf);

    m = call(buf, c);
    assert_int_equal(m, n);

    s = malloc(n + 1);
    assert_non_null(s);

    memcpy(s, buf, n);
    s[n] = '\0';

    free(buf);

    doc = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);

    if (doc == NULL) {
        fail_msg("invalid JSON (%s at %d): %s", jerr.text, jerr.position, s);
    }

    json_decref(doc);

    /* never anything internal */

    if (strstr(s, "10.0.0.") || strstr(s, "internal")
        || strstr(s, "backend") || strstr(s, "host_header")
        || strstr(s, "successor") || strstr(s, "strip_prefix")
        || strstr(s, "methods") || strstr(s, "keep_path")
        || strstr(s, "?v=2") || strstr(s, "m.json"))
    {
        fail_msg("internal data in %s", s);
    }

    return s;
}


static void
check(const call_t *c, const char *want)
{
    char  *got;

    got = render(c);

    if (strcmp(got, want) != 0) {
        fail_msg("\n got: %s\nwant: %s", got, want);
    }

    free(got);
}


static void
check_service(const catalog_service_t *s, const catalog_state_fn_t *fn,
    const char *want)
{
    call_t  c;

    memset(&c, 0, sizeof(c));
    c.kind = K_SERVICE;
    c.service = s;
    c.fn = fn;

    check(&c, want);
}


static catalog_service_t *
service(fixture_t *f, const char *key)
{
    catalog_service_t  *s;

    s = catalog_find_service(f->cat, key, strlen(key));
    assert_non_null(s);

    return s;
}


static void
runtime_state(void *ctx, const catalog_service_t *s, catalog_state_t *st)
{
    runtime_t  *rt = ctx;

    rt->calls++;

    if (strlen(rt->key) == s->key.len
        && memcmp(rt->key, s->key.data, s->key.len) == 0)
    {
        st->status = rt->status;
        st->message.data = rt->message;
        st->message.len = strlen(rt->message);
        st->until.data = rt->until;
        st->until.len = strlen(rt->until);
        return;
    }

    catalog_state(NULL, s, st);
}


/* tests */


static void
test_service(void **state)
{
    unsigned    i;
    fixture_t  *f = *state;

    assert_int_equal(f->cat->nservices, S_N);

    for (i = 0; i < S_N; i++) {
        check_service(f->cat->services[i], NULL, expected[i]);
    }

    /* a state function without a handler is the manifest's state */

    {
        catalog_state_fn_t  none = { NULL, NULL };

        check_service(service(f, "dukcapil/kk"), &none, J_KK);
    }
}


static void
test_service_runtime(void **state)
{
    char                *want;
    size_t               n;
    fixture_t           *f = *state;
    runtime_t            rt;
    catalog_state_fn_t   fn;

    fn.handler = runtime_state;
    fn.ctx = &rt;

    /* an active service put in maintenance, with a hostile message */

    rt.key = "dukcapil/ktp-elektronik";
    rt.status = CATALOG_STATUS_MAINTENANCE;
    rt.message = "Pemeliharaan \"darurat\"\n<b>&</b>";
    rt.until = "2026-12-01T08:00:00+07:00";
    rt.calls = 0;

    n = strlen(J_KTP) + 200;
    want = malloc(n);
    assert_non_null(want);

    snprintf(want, n, "%.*s%s%s",
             (int) (strstr(J_KTP, "\"status\": ") - J_KTP), J_KTP,
             "\"status\": \"maintenance\", \"status_message\": "
             "\"Pemeliharaan \\\"darurat\\\"\\n\\u003cb\\u003e\\u0026"
             "\\u003c/b\\u003e\", \"status_until\": "
             "\"2026-12-01T08:00:00+07:00\", ",
             strstr(J_KTP, "\"url\": "));

    check_service(service(f, "dukcapil/ktp-elektronik"), &fn, want);
    assert_true(rt.calls >= 2);                  /* measured and written */

    /* a service in maintenance by its manifest, back to active: no message */

    rt.key = "dukcapil/kk";
    rt.status = CATALOG_STATUS_ACTIVE;
    rt.message = "";
    rt.until = "";

    snprintf(want, n, "%.*s%s%s",
             (int) (strstr(J_KK, "\"status\": ") - J_KK), J_KK,
             "\"status\": \"active\", \"status_message\": null, "
             "\"status_until\": null, ",
             strstr(J_KK, "\"url\": "));

    check_service(service(f, "dukcapil/kk"), &fn, want);

    /* other services keep the manifest's state */

    check_service(service(f, "dukcapil/ktp-elektronik"), &fn, J_KTP);

    free(want);
}


static void
test_services_paging(void **state)
{
    char            *want;
    size_t           i, n;
    call_t           c;
    fixture_t       *f = *state;
    catalog_hit_t    hits[S_N];

    /* hits in a chosen order: uji, ktp, kk, akta-lama, kosong, ktp-lama */

    static const unsigned  order[S_N] = {
        S_UJI, S_KTP, S_KK, S_AKTA_LAMA, S_KOSONG, S_KTP_LAMA
    };

    static const struct {
        unsigned     page;
        unsigned     per_page;
        unsigned     first;
        unsigned     count;
    } cases[] = {
        { 1, 20, 0, 6 },
        { 1, 6, 0, 6 },
        { 1, 5, 0, 5 },
        { 2, 5, 5, 1 },                 /* the last page, partly full */
        { 3, 5, 0, 0 },                 /* past the last page */
        { 1, 1, 0, 1 },
        { 4, 1, 3, 1 },
        { 6, 1, 5, 1 },
        { 7, 1, 0, 0 },
        { 2, 3, 3, 3 },
        { 3, 3, 0, 0 },
        { 1, 200, 0, 6 },
        { 2, 200, 0, 0 },
        { 1000000, 200, 0, 0 },         /* (page - 1) * per_page > 2^27 */
        { 1000000, 1, 0, 0 }
    };

    for (i = 0; i < S_N; i++) {
        hits[i].service = order[i];
        hits[i].score = (uint32_t) (100 - i);
    }

    memset(&c, 0, sizeof(c));
    c.kind = K_SERVICES;
    c.cat = f->cat;
    c.hits = hits;
    c.nhits = S_N;

    want = malloc(16384);
    assert_non_null(want);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned  k;

        c.page = cases[i].page;
        c.per_page = cases[i].per_page;

        n = (size_t) snprintf(want, 16384,
                              "{\"total\": 6, \"page\": %u, \"per_page\": %u, "
                              "\"services\": [", c.page, c.per_page);

        for (k = 0; k < cases[i].count; k++) {
            n += (size_t) snprintf(want + n, 16384 - n, "%s%s",
                                   k ? ", " : "",
                                   expected[order[cases[i].first + k]]);
        }

        snprintf(want + n, 16384 - n, "]}");

        check(&c, want);
    }

    /* no hit at all */

    c.nhits = 0;
    c.page = 1;
    c.per_page = 20;
    check(&c, "{\"total\": 0, \"page\": 1, \"per_page\": 20, "
              "\"services\": []}");

    c.page = 5;
    c.per_page = 1;
    check(&c, "{\"total\": 0, \"page\": 5, \"per_page\": 1, \"services\": []}");

    /* hits may name a service twice: written as given */

    hits[0].service = S_KTP;
    hits[1].service = S_KTP;
    c.nhits = 2;
    c.page = 1;
    c.per_page = 2;
    check(&c, "{\"total\": 2, \"page\": 1, \"per_page\": 2, \"services\": ["
              J_KTP ", " J_KTP "]}");

    free(want);
}


static void
test_services_runtime(void **state)
{
    char                *want;
    size_t               n;
    call_t               c;
    fixture_t           *f = *state;
    runtime_t            rt;
    const char          *at;
    catalog_hit_t        hits[2];
    catalog_state_fn_t   fn;

    /* one service retired at run time: its entry only changes */

    rt.key = "djp/uji";
    rt.status = CATALOG_STATUS_RETIRED;
    rt.message = "";
    rt.until = "";
    rt.calls = 0;

    fn.handler = runtime_state;
    fn.ctx = &rt;

    hits[0].service = S_KTP;
    hits[0].score = 0;
    hits[1].service = S_UJI;
    hits[1].score = 0;

    memset(&c, 0, sizeof(c));
    c.kind = K_SERVICES;
    c.cat = f->cat;
    c.hits = hits;
    c.nhits = 2;
    c.page = 1;
    c.per_page = 20;
    c.fn = &fn;

    n = strlen(J_KTP) + strlen(J_UJI) + 200;
    want = malloc(n);
    assert_non_null(want);

    at = strstr(J_UJI, "\"status\": \"active\"");
    assert_non_null(at);

    snprintf(want, n, "{\"total\": 2, \"page\": 1, \"per_page\": 20, "
             "\"services\": [%s, %.*s\"status\": \"retired\"%s]}", J_KTP,
             (int) (at - J_UJI), J_UJI, at + strlen("\"status\": \"active\""));

    check(&c, want);
    assert_int_equal(rt.calls, 4);               /* 2 services, 2 passes */

    free(want);
}


static void
test_agencies(void **state)
{
    call_t      c;
    fixture_t  *f = *state;

    memset(&c, 0, sizeof(c));
    c.kind = K_AGENCIES;
    c.cat = f->cat;

    /* by id, whatever the load order; url null when absent */

    check(&c,
          "[{\"id\": \"aaa-kosong\", \"name\": \"Tanpa Layanan\", \"url\": "
          "\"http://aaa.example.go.id/\", \"services\": 0}, "
          "{\"id\": \"djp\", \"name\": \"Direktorat Jenderal Pajak\", "
          "\"url\": null, \"services\": 2}, "
          "{\"id\": \"dukcapil\", \"name\": \"Direktorat Jenderal "
          "Kependudukan dan Pencatatan Sipil\", \"url\": "
          "\"https://dukcapil.example.go.id\", \"services\": 4}]");

    /* the catalog's own order is left as it was */

    assert_memory_equal(f->cat->agencies[0]->id.data, "dukcapil", 8);
}


static void
test_categories(void **state)
{
    call_t      c;
    fixture_t  *f = *state;

    memset(&c, 0, sizeof(c));
    c.kind = K_CATEGORIES;
    c.cat = f->cat;

    /* by id in byte order ("k" < "p"), each counted once per service */

    check(&c,
          "[{\"id\": \"keluarga\", \"services\": 1}, "
          "{\"id\": \"kependudukan\", \"services\": 3}, "
          "{\"id\": \"pajak \\u0026 \\u003ccukai\\u003e\", \"services\": 2}]");
}


static void
test_empty_catalog(void **state)
{
    call_t      c;
    catalog_t  *cat;

    (void) state;

    cat = build(NULL, 0);

    memset(&c, 0, sizeof(c));
    c.cat = cat;

    c.kind = K_AGENCIES;
    check(&c, "[]");

    c.kind = K_CATEGORIES;
    check(&c, "[]");

    c.kind = K_SERVICES;
    c.page = 1;
    c.per_page = 20;
    check(&c, "{\"total\": 0, \"page\": 1, \"per_page\": 20, "
              "\"services\": []}");

    catalog_free(cat);

    /* an agency without services only */

    {
        const char  *m[] = { manifests[2] };

        cat = build(m, 1);
        c.cat = cat;

        c.kind = K_AGENCIES;
        check(&c, "[{\"id\": \"aaa-kosong\", \"name\": \"Tanpa Layanan\", "
                  "\"url\": \"http://aaa.example.go.id/\", \"services\": 0}]");

        c.kind = K_CATEGORIES;
        check(&c, "[]");

        catalog_free(cat);
    }
}


static void
test_resolve(void **state)
{
    call_t              c;
    fixture_t          *f = *state;
    catalog_service_t  *s;
    catalog_resolve_t   res;

    memset(&c, 0, sizeof(c));
    c.kind = K_RESOLVE;
    c.resolve = &res;

    /* nothing matched: service and route null, no location, host null */

    memset(&res, 0, sizeof(res));
    res.path = "/tidak-ada";
    res.path_len = 10;
    res.method = "GET";
    res.method_len = 3;
    res.host = "";
    res.host_len = 0;
    res.outcome = "not_found";

    check(&c, "{\"path\": \"/tidak-ada\", \"method\": \"GET\", \"host\": null, "
              "\"outcome\": \"not_found\", "
              "\"service\": null, \"route\": null}");

    /* a proxied service, its exact route, a host */

    s = service(f, "dukcapil/ktp-elektronik");

    res.path = "/ktp/";
    res.path_len = 5;
    res.host = "layanan.example.go.id";
    res.host_len = 21;
    res.outcome = "proxy";
    res.route = &s->routes[1];

    check(&c, "{\"path\": \"/ktp/\", \"method\": \"GET\", \"host\": "
              "\"layanan.example.go.id\", \"outcome\": \"proxy\", \"service\": "
              J_KTP ", \"route\": {\"path\": \"/ktp\", \"match\": \"exact\"}}");

    /* method not allowed, the prefix route */

    res.path = "/dukcapil/ktp/x";
    res.path_len = 15;
    res.method = "DELETE";
    res.method_len = 6;
    res.host_len = 0;
    res.outcome = "method_not_allowed";
    res.route = &s->routes[0];

    check(&c, "{\"path\": \"/dukcapil/ktp/x\", \"method\": \"DELETE\", "
              "\"host\": "
              "null, \"outcome\": \"method_not_allowed\", \"service\": " J_KTP
              ", \"route\": {\"path\": \"/dukcapil/ktp\", \"match\": "
              "\"prefix\"}}");

    /* a redirect: the location last, escaped */

    s = service(f, "dukcapil/akta-lama");

    res.path = "/dukcapil/akta-lama/x";
    res.path_len = 21;
    res.method = "GET";
    res.method_len = 3;
    res.outcome = "redirect";
    res.route = &s->routes[0];
    res.location = "/dukcapil/akta/x?w=2#\"isi\"<&>";
    res.location_len = strlen(res.location);

    check(&c, "{\"path\": \"/dukcapil/akta-lama/x\", \"method\": \"GET\", "
              "\"host\": null, \"outcome\": \"redirect\", \"service\": "
              J_AKTA_LAMA ", \"route\": {\"path\": \"/dukcapil/akta-lama\", "
              "\"match\": \"prefix\"}, \"location\": "
              "\"/dukcapil/akta/x?w=2#\\\"isi\\\"\\u003c\\u0026\\u003e\"}");

    /* an empty location is still written for a redirect */

    res.location = "";
    res.location_len = 0;

    {
        char  *got;

        got = render(&c);
        assert_non_null(strstr(got, ", \"location\": \"\"}"));
        free(got);
    }

    /* hostile path, method and host as a client may send them */

    res.path = "/a\"b\\c\n<d>&\x01\x7f\xc3\xa9";
    res.path_len = strlen(res.path);
    res.method = "P\"T";
    res.method_len = 3;
    res.host = "h<o>st";
    res.host_len = 6;
    res.outcome = "not_found";
    res.route = NULL;
    res.location = NULL;
    res.location_len = 0;

    check(&c, "{\"path\": \"/a\\\"b\\\\c\\n\\u003cd\\u003e\\u0026\\u0001\\u007f"
              "\xc3\xa9\", \"method\": \"P\\\"T\", \"host\": "
              "\"h\\u003co\\u003est\", \"outcome\": \"not_found\", "
              "\"service\": null, \"route\": null}");

    /* the root path, a retired service with a runtime state */

    {
        runtime_t           rt;
        catalog_state_fn_t  fn;

        rt.key = "djp/kosong";
        rt.status = CATALOG_STATUS_MAINTENANCE;
        rt.message = "Sebentar";
        rt.until = "2026-01-01T00:00:00Z";
        fn.handler = runtime_state;
        fn.ctx = &rt;

        s = service(f, "djp/kosong");

        res.path = "/";
        res.path_len = 1;
        res.method = "GET";
        res.method_len = 3;
        res.host = "";
        res.host_len = 0;
        res.outcome = "maintenance";
        res.route = &s->routes[0];
        c.fn = &fn;

        check(&c, "{\"path\": \"/\", \"method\": \"GET\", \"host\": null, "
                  "\"outcome\": \"maintenance\", \"service\": {\"id\": "
                  "\"djp/kosong\", \"agency\": {\"id\": \"djp\", \"name\": "
                  "\"Direktorat Jenderal Pajak\"}, \"name\": \"K\", "
                  "\"description\": \"\", \"category\": \"pajak \\u0026 "
                  "\\u003ccukai\\u003e\", \"tags\": [], \"status\": "
                  "\"maintenance\", \"status_message\": \"Sebentar\", "
                  "\"status_until\": \"2026-01-01T00:00:00Z\", \"url\": \"/\", "
                  "\"routes\": [{\"path\": \"/\", \"match\": \"prefix\"}], "
                  "\"docs_url\": null, \"contact\": null, \"version\": null}, "
                  "\"route\": {\"path\": \"/\", \"match\": \"prefix\"}}");
    }
}


static void
test_error(void **state)
{
    call_t  c;

    (void) state;

    memset(&c, 0, sizeof(c));
    c.kind = K_ERROR;

    c.code = 404;
    c.message = "unknown service";
    check(&c, "{\"error\": {\"code\": 404, \"message\": \"unknown service\"}}");

    c.code = 400;
    c.message = "invalid \"page\": must be a whole number from 1 to 1000000";
    check(&c, "{\"error\": {\"code\": 400, "
              "\"message\": \"invalid \\\"page\\\": "
              "must be a whole number from 1 to 1000000\"}}");

    c.code = 405;
    c.message = "method not allowed";
    check(&c, "{\"error\": {\"code\": 405, \"message\": "
              "\"method not allowed\"}}");

    /* a message that carries client text */

    c.code = 400;
    c.message = "unknown parameter \"a\\b</script>&\t\"";
    check(&c, "{\"error\": {\"code\": 400, \"message\": \"unknown parameter "
              "\\\"a\\\\b\\u003c/script\\u003e\\u0026\\t\\\"\"}}");

    /* an empty message is an empty string, not null */

    c.code = 500;
    c.message = "";
    check(&c, "{\"error\": {\"code\": 500, \"message\": \"\"}}");
}


static void
test_every_control(void **state)
{
    char               path[40], want[400], *p;
    unsigned           i;
    call_t             c;
    catalog_resolve_t  res;

    static const char  *esc[32] = {
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005",
        "\\u0006", "\\u0007", "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r",
        "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012", "\\u0013",
        "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
        "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"
    };

    (void) state;

    memset(&c, 0, sizeof(c));
    c.kind = K_RESOLVE;
    c.resolve = &res;

    memset(&res, 0, sizeof(res));
    res.method = "GET";
    res.method_len = 3;
    res.host = "";
    res.outcome = "not_found";

    for (i = 0; i < 32; i++) {
        path[0] = '/';
        path[1] = (char) i;
        res.path = path;
        res.path_len = 2;

        p = want;
        p += sprintf(p, "{\"path\": \"/%s\", \"method\": \"GET\", \"host\": "
                     "null, \"outcome\": \"not_found\", \"service\": null, "
                     "\"route\": null}", esc[i]);

        check(&c, want);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_runtime, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_services_paging, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_services_runtime, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_agencies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_categories, setup, teardown),
        cmocka_unit_test(test_empty_catalog),
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test(test_error),
        cmocka_unit_test(test_every_control),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
