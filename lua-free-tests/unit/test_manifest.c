
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * Agency manifests: every rule and every error message, pinned to its
 * exact text, and the model a valid manifest fills.  The syntax checkers
 * behind the rules are tested directly, value by value, in test_check.c.
 *
 * The inline manifests are written with single quotes, which unit.c turns
 * into double quotes (a literal ' or " inside a value is \u0027, \u0022).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog.h>

#include "unit.h"


#define F  "manifest \"m.json\": "

/* an error without a service, and one in services[0], "ktp" */
#define EA(loc, reason)  F loc ": " reason
#define ES(loc, reason)  F "services[0]" loc " (service \"ktp\"): " reason

#define AGENCY     "'agency': {'id': 'dukcapil', 'name': 'Dukcapil'}"
#define SVC_HEAD   "'id': 'ktp', 'name': 'KTP', 'category': 'kependudukan'"
#define BACKEND    "'backends': ['10.0.0.1:8080']"
#define ROUTE      "'routes': [{'path': '/ktp'}]"

#define MAN(svcs)  "{" AGENCY ", 'services': [" svcs "]}"
#define SVC(more)  "{" SVC_HEAD ", " more "}"

/* one service with these routes and a backend */
#define M_ROUTES(routes)  MAN(SVC("'routes': [" routes "], " BACKEND))
/* one proxied service with more fields */
#define M_SVC(more)       MAN(SVC(ROUTE ", " BACKEND ", " more))
/* one service with this outcome */
#define M_OUT(out)        MAN(SVC(ROUTE ", " out))

#define ID_RULE  "must match ^[a-z0-9][a-z0-9-]{0,62}$"


typedef struct {
    unsigned                      calls;
    catalog_service_t            *service[8];
    catalog_backend_t            *backend[8];
} handler_log_t;


static void expect_error(const char *sq, const char *msg);
static void expect_error_after(const char *first, const char *sq,
    const char *msg);
static const char *fmt(const char *f, ...);
static const char *rep(const char *unit, unsigned n);
static const char *fixture(const char *name);
static int handler(void *ctx, catalog_service_t *service,
    catalog_backend_t *backend, char *err, size_t errlen);


/* helpers */


static void
expect_nothing_added(catalog_t *cat, unsigned agencies, unsigned services,
    unsigned routes, uint64_t hash)
{
    unsigned            i;
    catalog_service_t  *s;

    assert_int_equal(cat->nagencies, agencies);
    assert_int_equal(cat->nservices, services);
    assert_int_equal(cat->table.nroutes, routes);
    assert_int_equal(cat->agency_ids.count, agencies);
    assert_int_equal(cat->nfiles, agencies);

    for (i = 0; i < cat->nservices; i++) {
        s = cat->services[i];
        assert_ptr_equal(catalog_find_service(cat, s->key.data, s->key.len),
                         s);
    }

    assert_true(cat->hash == hash);
}


static void
expect_error(const char *sq, const char *msg)
{
    char        err[CATALOG_ERROR_LEN];
    uint64_t    hash;
    catalog_t  *cat;

    cat = catalog_create();
    assert_non_null(cat);

    hash = cat->hash;

    assert_int_equal(unit_add(cat, "m.json", sq, err), -1);
    assert_string_equal(err, msg);

    expect_nothing_added(cat, 0, 0, 0, hash);

    catalog_free(cat);
}


static void
expect_error_after(const char *first, const char *sq, const char *msg)
{
    char        err[CATALOG_ERROR_LEN];
    unsigned    nservices, nroutes;
    uint64_t    hash;
    catalog_t  *cat;

    cat = catalog_create();
    assert_non_null(cat);

    if (unit_add(cat, "first.json", first, err) != 0) {
        fail_msg("%s", err);
    }

    hash = cat->hash;
    nservices = cat->nservices;
    nroutes = cat->table.nroutes;

    assert_int_equal(unit_add(cat, "m.json", sq, err), -1);
    assert_string_equal(err, msg);

    expect_nothing_added(cat, 1, nservices, nroutes, hash);

    catalog_free(cat);
}


static const char *
fmt(const char *f, ...)
{
    static char   buf[4][16384];
    static int    n;
    va_list       args;
    char         *p;

    p = buf[n++ % 4];

    va_start(args, f);
    vsnprintf(p, sizeof(buf[0]), f, args);
    va_end(args);

    return p;
}


static const char *
rep(const char *unit, unsigned n)
{
    static char   buf[4][8192];
    static int    k;
    char         *p;
    size_t        len;
    unsigned      i;

    p = buf[k++ % 4];
    len = strlen(unit);

    assert_true(len * n < sizeof(buf[0]));

    for (i = 0; i < n; i++) {
        memcpy(p + i * len, unit, len);
    }

    p[n * len] = '\0';

    return p;
}


static const char *
fixture(const char *name)
{
    static char   buf[4][1024];
    static int    n;
    char         *p;
    const char   *file, *slash;

    /* the manifests/ folder beside this file, or CATALOG_TEST_MANIFESTS */

    p = buf[n++ % 4];

    file = getenv("CATALOG_TEST_MANIFESTS");
    if (file) {
        snprintf(p, sizeof(buf[0]), "%s/%s", file, name);
        return p;
    }

    file = __FILE__;
    slash = strrchr(file, '/');

    if (slash) {
        snprintf(p, sizeof(buf[0]), "%.*s/manifests/%s",
                 (int) (slash - file), file, name);

    } else {
        snprintf(p, sizeof(buf[0]), "manifests/%s", name);
    }

    return p;
}


static int
handler(void *ctx, catalog_service_t *service, catalog_backend_t *backend,
    char *err, size_t errlen)
{
    handler_log_t  *log = ctx;

    if (log->calls < 8) {
        log->service[log->calls] = service;
        log->backend[log->calls] = backend;
    }

    log->calls++;

    if (strcmp(backend->host.data, "bad.internal") == 0) {
        snprintf(err, errlen, "host not found");
        return -1;
    }

    if (strcmp(backend->host.data, "quiet.internal") == 0) {
        return -1;
    }

    service->data = log;

    return 0;
}


/* JSON, files and the top level */


static void
test_json_syntax_error(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a',}}",
                 F "line 1, column 23: invalid JSON: string or '}' expected "
                 "near '}'");
}


static void
test_json_duplicate_key(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'id': 'b'}}",
                 F "line 1, column 27: invalid JSON: duplicate object key "
                 "near '\"id\"'");
}


static void
test_json_empty(void **state)
{
    (void) state;

    expect_error("", F "line 1, column 0: invalid JSON: '[' or '{' "
                 "expected near end of file");
}


static void
test_json_control_character_sanitized(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    catalog_t   *cat;
    const char   buf[] = "{\"a\x01\": 1}";

    (void) state;

    cat = catalog_create();

    assert_int_equal(catalog_add_buffer(cat, "m.json", buf, sizeof(buf) - 1,
                                        err, sizeof(err)),
                     -1);
    assert_string_equal(err, F "line 1, column 3: invalid JSON: control "
                        "character 0x1 near '\"a'");

    catalog_free(cat);
}


static void
test_json_too_deep(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    char       *buf;
    size_t      n;
    catalog_t  *cat;

    (void) state;

    n = 100000;
    buf = malloc(n);
    assert_non_null(buf);
    memset(buf, '[', n);

    cat = catalog_create();

    assert_int_equal(catalog_add_buffer(cat, "m.json", buf, n, err,
                                        sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "invalid JSON: maximum parsing depth"));

    catalog_free(cat);
    free(buf);
}


static void
test_json_byte_order_mark(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;
    const char  buf[] = "\xef\xbb\xbf{\"agency\": {\"id\": \"a\", "
                        "\"name\": \"A\"}, \"services\": []}";

    (void) state;

    cat = catalog_create();

    assert_int_equal(catalog_add_buffer(cat, "m.json", buf, sizeof(buf) - 1,
                                        err, sizeof(err)),
                     0);
    assert_int_equal(cat->nagencies, 1);

    catalog_free(cat);
}


static void
test_file_syntax_error(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    catalog_t   *cat;
    const char  *path;

    (void) state;

    cat = catalog_create();
    path = fixture("syntax-error.json");

    assert_int_equal(catalog_add_file(cat, path, err, sizeof(err)), -1);
    assert_string_equal(err, fmt("manifest \"%s\": line 6, column 16: "
                                 "invalid JSON: '}' expected near "
                                 "'\"backends\"'", path));

    assert_int_equal(cat->nagencies, 0);
    assert_int_equal(cat->nfiles, 0);

    catalog_free(cat);
}


static void
test_file_cannot_read(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    cat = catalog_create();

    assert_int_equal(catalog_add_file(cat, fixture("missing.json"), err,
                                      sizeof(err)),
                     -1);
    assert_string_equal(err, fmt("manifest \"%s\": cannot read: %s",
                                 fixture("missing.json"), strerror(ENOENT)));

    assert_int_equal(catalog_add_file(cat, fixture(""), err, sizeof(err)),
                     -1);
    assert_string_equal(err, fmt("manifest \"%s\": cannot read: %s",
                                 fixture(""), strerror(EISDIR)));

    catalog_free(cat);
}


static void
test_file_model(void **state)
{
    char                 err[CATALOG_ERROR_LEN];
    catalog_t           *cat;
    const char          *path;
    catalog_route_t     *r;
    catalog_agency_t    *a;
    catalog_service_t   *s;
    catalog_redirect_t  *rd;

    (void) state;

    cat = catalog_create();
    path = fixture("dukcapil.json");

    if (catalog_add_file(cat, path, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }

    assert_int_equal(catalog_finish(cat, err, sizeof(err)), 0);

    assert_int_equal(cat->nfiles, 1);
    assert_int_equal(cat->nagencies, 1);
    assert_int_equal(cat->nservices, 3);
    assert_int_equal(cat->table.nroutes, 4);

    a = cat->agencies[0];
    assert_string_equal(a->id.data, "dukcapil");
    assert_string_equal(a->name.data,
                        "Direktorat Jenderal Kependudukan dan Pencatatan "
                        "Sipil");
    assert_string_equal(a->url.data, "https://dukcapil.kemendagri.go.id");
    assert_string_equal(a->contact.data, "layanan@dukcapil.example.go.id");
    assert_string_equal(a->file.data, path);
    assert_int_equal(a->nservices, 3);
    assert_int_equal(a->index, 0);

    /* ktp-elektronik */

    s = cat->services[0];
    assert_ptr_equal(catalog_find_service(cat, "dukcapil/ktp-elektronik",
                                          23),
                     s);
    assert_string_equal(s->key.data, "dukcapil/ktp-elektronik");
    assert_int_equal(s->key.len, 23);
    assert_string_equal(s->id.data, "ktp-elektronik");
    assert_string_equal(s->name.data, "KTP Elektronik");
    assert_string_equal(s->description.data,
                        "Pengajuan, perubahan dan cek status KTP-el.");
    assert_string_equal(s->category.data, "kependudukan");
    assert_int_equal(s->ntags, 2);
    assert_string_equal(s->tags[0].data, "ktp");
    assert_string_equal(s->tags[1].data, "identitas");
    assert_ptr_equal(s->agency, a);
    assert_int_equal(s->status, CATALOG_STATUS_ACTIVE);
    assert_string_equal(s->more->docs_url.data,
                        "https://dukcapil.example.go.id/docs/ktp");
    assert_string_equal(s->more->version.data, "2.1");
    assert_ptr_not_equal(s->more, &catalog_service_none);
    assert_string_equal(s->contact.data, "layanan@dukcapil.example.go.id");
    assert_ptr_equal(s->agency, a);
    assert_int_equal(s->position, 0);
    assert_int_equal(s->index, 0);
    assert_null(s->redirect);

    assert_int_equal(s->nroutes, 2);
    r = &s->routes[0];
    assert_string_equal(r->path.data, "/dukcapil/ktp");
    assert_int_equal(r->exact, 0);
    assert_int_equal(r->strip_prefix, 1);
    assert_int_equal(r->host.len, 0);
    assert_int_equal(r->nmethods, 0);
    assert_null(r->methods);
    assert_ptr_equal(r->service, s);
    assert_null(r->twin);

    r = &s->routes[1];
    assert_string_equal(r->path.data, "/ktp");
    assert_int_equal(r->exact, 1);
    assert_int_equal(r->strip_prefix, 0);

    assert_int_equal(s->nbackends, 2);
    assert_string_equal(s->backends[0].text.data, "10.10.1.5:8080");
    assert_string_equal(s->backends[0].host.data, "10.10.1.5");
    assert_int_equal(s->backends[0].port, 8080);
    assert_string_equal(s->backends[1].host.data, "10.10.1.6");
    assert_int_equal(s->https, 0);
    assert_string_equal(s->backend_host.data, "ktp.dukcapil.internal");

    /* akta-lama: a redirect */

    s = cat->services[1];
    assert_string_equal(s->key.data, "dukcapil/akta-lama");
    assert_int_equal(s->position, 1);
    assert_int_equal(s->index, 1);
    assert_null(s->backends);
    assert_int_equal(s->description.len, 0);
    assert_string_equal(s->description.data, "");
    assert_int_equal(s->backend_host.len, 0);

    rd = s->redirect;
    assert_non_null(rd);
    assert_string_equal(rd->to.data, "/dukcapil/akta");
    assert_string_equal(rd->base.data, "/dukcapil/akta");
    assert_int_equal(rd->base.len, 14);
    assert_int_equal(rd->has_query, 0);
    assert_int_equal(rd->query.len, 0);
    assert_int_equal(rd->fragment.len, 0);
    assert_int_equal(rd->code, 301);
    assert_int_equal(rd->keep_path, 1);
    assert_int_equal(rd->keep_query, 1);

    /* kartu-kuning: retired, with a successor URL */

    s = cat->services[2];
    assert_int_equal(s->status, CATALOG_STATUS_RETIRED);
    assert_string_equal(s->more->successor.data,
                        "https://karirhub.example.go.id/");
    assert_null(s->more->successor_service);
    assert_null(s->backends);
    assert_null(s->redirect);

    catalog_free(cat);
}


static void
test_file_agency_defined_twice(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    cat = catalog_create();

    assert_int_equal(catalog_add_file(cat, fixture("dukcapil.json"), err,
                                      sizeof(err)),
                     0);
    assert_int_equal(catalog_add_file(cat, fixture("dukcapil-again.json"),
                                      err, sizeof(err)),
                     -1);
    assert_string_equal(err, fmt("manifest \"%s\": agency.id: agency "
                                 "\"dukcapil\" is already defined in \"%s\"",
                                 fixture("dukcapil-again.json"),
                                 fixture("dukcapil.json")));

    assert_int_equal(cat->nagencies, 1);
    assert_int_equal(cat->nfiles, 1);

    catalog_free(cat);
}


static void
test_file_route_conflict(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    uint64_t    hash;
    catalog_t  *cat;

    (void) state;

    cat = catalog_create();

    assert_int_equal(catalog_add_file(cat, fixture("dukcapil.json"), err,
                                      sizeof(err)),
                     0);

    hash = cat->hash;

    /* "/ktp/" exact is the same route as "/ktp" exact */

    assert_int_equal(catalog_add_file(cat, fixture("conflict.json"), err,
                                      sizeof(err)),
                     -1);
    assert_string_equal(err, fmt("manifest \"%s\": services[0].routes[1]."
                                 "path (service \"karirhub\"): route "
                                 "\"/ktp\" (exact) is already claimed by "
                                 "service \"dukcapil/ktp-elektronik\" in "
                                 "\"%s\"",
                                 fixture("conflict.json"),
                                 fixture("dukcapil.json")));

    /* nothing of kemnaker is visible, its first route included */

    expect_nothing_added(cat, 1, 3, 4, hash);
    assert_null(catalog_find_service(cat, "kemnaker/karirhub", 17));

    catalog_free(cat);
}


static void
test_top_level_not_object(void **state)
{
    (void) state;

    expect_error("[]", EA("top level", "must be an object"));
}


static void
test_top_level_unknown_key(void **state)
{
    (void) state;

    expect_error("{" AGENCY ", 'services': [], 'servics': []}",
                 EA("top level", "unknown key \"servics\""));
}


static void
test_agency_required(void **state)
{
    (void) state;

    expect_error("{'services': []}", EA("agency", "is required"));
    expect_error("{'agency': null, 'services': []}",
                 EA("agency", "is required"));
}


static void
test_agency_not_object(void **state)
{
    (void) state;

    expect_error("{'agency': 'dukcapil', 'services': []}",
                 EA("agency", "must be an object"));
}


static void
test_agency_unknown_key(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'name': 'A', 'fooo': 1}, "
                 "'services': []}",
                 EA("agency", "unknown key \"fooo\""));
}


static void
test_agency_id_required(void **state)
{
    (void) state;

    expect_error("{'agency': {'name': 'A'}, 'services': []}",
                 EA("agency.id", "is required"));
}


static void
test_agency_id_not_string(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 7, 'name': 'A'}, 'services': []}",
                 EA("agency.id", "must be a string"));
}


static void
test_agency_id_invalid(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'Dukcapil', 'name': 'A'}, "
                 "'services': []}",
                 EA("agency.id", "invalid id \"Dukcapil\": " ID_RULE));
    expect_error("{'agency': {'id': '-a', 'name': 'A'}, 'services': []}",
                 EA("agency.id", "invalid id \"-a\": " ID_RULE));
    expect_error("{'agency': {'id': '', 'name': 'A'}, 'services': []}",
                 EA("agency.id", "invalid id \"\": " ID_RULE));
    expect_error("{'agency': {'id': 'a_b', 'name': 'A'}, 'services': []}",
                 EA("agency.id", "invalid id \"a_b\": " ID_RULE));
}


static void
test_agency_id_length(void **state)
{
    catalog_t  *cat;

    (void) state;

    /* 63 characters pass, 64 do not (echoed cut at 64 bytes: whole) */

    cat = unit_load(fmt("{'agency': {'id': '%s', 'name': 'A'}, 'services': []}",
                        rep("a", 63)));
    catalog_free(cat);

    expect_error(fmt("{'agency': {'id': '%s', 'name': 'A'}, 'services': []}",
                     rep("a", 64)),
                 fmt(EA("agency.id", "invalid id \"%s\": " ID_RULE),
                     rep("a", 64)));
}


static void
test_agency_defined_twice(void **state)
{
    (void) state;

    expect_error_after("{" AGENCY ", 'services': []}",
                       "{" AGENCY ", 'services': []}",
                       EA("agency.id", "agency \"dukcapil\" is already "
                          "defined in \"first.json\""));
}


static void
test_agency_name_required(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a'}, 'services': []}",
                 EA("agency.name", "is required"));
}


static void
test_agency_name_empty(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'name': ''}, 'services': []}",
                 EA("agency.name", "must not be empty"));
}


static void
test_agency_name_not_string(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'name': ['A']}, 'services': []}",
                 EA("agency.name", "must be a string"));
}


static void
test_agency_name_length(void **state)
{
    catalog_t  *cat;

    (void) state;

    /* characters, not bytes: 200 two-byte characters pass */

    cat = unit_load(fmt("{'agency': {'id': 'a', 'name': '%s'}, 'services': []}",
                        rep("\xc3\xa9", 200)));
    assert_int_equal(cat->agencies[0]->name.len, 400);
    catalog_free(cat);

    expect_error(fmt("{'agency': {'id': 'a', 'name': '%s'}, 'services': []}",
                     rep("\xc3\xa9", 201)),
                 EA("agency.name", "is longer than 200 characters"));
}


static void
test_agency_name_control(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'name': 'A\\nB'}, 'services': []}",
                 EA("agency.name", "must not contain control characters"));
    expect_error("{'agency': {'id': 'a', 'name': 'A\\u0085B'}, "
                 "'services': []}",
                 EA("agency.name", "must not contain control characters"));
}


static void
test_agency_url_scheme(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'name': 'A', "
                 "'url': 'ftp://a.example'}, 'services': []}",
                 EA("agency.url", "invalid URL \"ftp://a.example\": must be "
                    "an absolute http or https URL"));
    expect_error("{'agency': {'id': 'a', 'name': 'A', "
                 "'url': 'https:///x'}, 'services': []}",
                 EA("agency.url", "invalid URL \"https:///x\": must be "
                    "an absolute http or https URL"));
    expect_error("{'agency': {'id': 'a', 'name': 'A', "
                 "'url': 'a.example'}, 'services': []}",
                 EA("agency.url", "invalid URL \"a.example\": must be "
                    "an absolute http or https URL"));
}


static void
test_agency_url_spaces(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'name': 'A', "
                 "'url': 'https://a.example/x y'}, 'services': []}",
                 EA("agency.url", "invalid URL \"https://a.example/x y\": "
                    "must not contain control characters or spaces"));
}


static void
test_agency_url_backslash(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'name': 'A', "
                 "'url': 'https://a.example\\\\@evil.example'}, "
                 "'services': []}",
                 EA("agency.url", "invalid URL "
                    "\"https://a.example\\\\@evil.example\": "
                    "must not contain \"\\\""));
}


static void
test_agency_url_length(void **state)
{
    (void) state;

    expect_error(fmt("{'agency': {'id': 'a', 'name': 'A', "
                     "'url': 'https://a.example/%s'}, 'services': []}",
                     rep("x", 2048)),
                 EA("agency.url", "is longer than 2048 bytes"));
}


static void
test_agency_url_not_string(void **state)
{
    (void) state;

    expect_error("{'agency': {'id': 'a', 'name': 'A', 'url': true}, "
                 "'services': []}",
                 EA("agency.url", "must be a string"));
}


static void
test_agency_contact_length(void **state)
{
    (void) state;

    expect_error(fmt("{'agency': {'id': 'a', 'name': 'A', 'contact': '%s'}, "
                     "'services': []}", rep("c", 201)),
                 EA("agency.contact", "is longer than 200 characters"));
}


static void
test_agency_no_services(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load("{" AGENCY ", 'services': []}");

    assert_int_equal(cat->nagencies, 1);
    assert_int_equal(cat->agencies[0]->nservices, 0);
    assert_int_equal(cat->nservices, 0);
    assert_int_equal(cat->nfiles, 1);

    catalog_free(cat);
}


static void
test_services_required(void **state)
{
    (void) state;

    expect_error("{" AGENCY "}", EA("services", "is required"));
}


static void
test_services_not_array(void **state)
{
    (void) state;

    expect_error("{" AGENCY ", 'services': {}}",
                 EA("services", "must be an array"));
}


/* services */


static void
test_service_not_object(void **state)
{
    (void) state;

    expect_error(MAN("'ktp'"), EA("services[0]", "must be an object"));
}


static void
test_service_id_required(void **state)
{
    (void) state;

    expect_error(MAN("{'name': 'KTP'}"), EA("services[0].id", "is required"));
}


static void
test_service_id_not_string(void **state)
{
    (void) state;

    expect_error(MAN("{'id': 1}"), EA("services[0].id", "must be a string"));
}


static void
test_service_id_invalid(void **state)
{
    (void) state;

    expect_error(MAN("{'id': 'KTP Elektronik'}"),
                 EA("services[0].id",
                    "invalid id \"KTP Elektronik\": " ID_RULE));
}


static void
test_service_defined_twice(void **state)
{
    (void) state;

    expect_error(MAN(SVC(ROUTE ", " BACKEND) ", "
                     SVC("'routes': [{'path': '/b'}], " BACKEND)),
                 EA("services[1].id", "service \"ktp\" is defined twice in "
                    "this manifest"));
}


static void
test_service_unknown_key(void **state)
{
    (void) state;

    expect_error(M_SVC("'bakends': []"), ES("", "unknown key \"bakends\""));
}


static void
test_service_name_required(void **state)
{
    (void) state;

    expect_error(MAN("{'id': 'ktp', 'category': 'c', " ROUTE ", "
                     BACKEND "}"),
                 ES(".name", "is required"));
}


static void
test_service_name_length(void **state)
{
    (void) state;

    expect_error(fmt(MAN("{'id': 'ktp', 'name': '%s', 'category': 'c', "
                         ROUTE ", " BACKEND "}"), rep("n", 201)),
                 ES(".name", "is longer than 200 characters"));
}


static void
test_service_description_length(void **state)
{
    (void) state;

    expect_error(fmt(M_SVC("'description': '%s'"), rep("d", 2001)),
                 ES(".description", "is longer than 2000 characters"));
}


static void
test_service_description_lines(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_SVC("'description': 'Satu.\\nDua.\\r\\n\\tTiga.'"));
    assert_string_equal(cat->services[0]->description.data,
                        "Satu.\nDua.\r\n\tTiga.");
    catalog_free(cat);

    expect_error(M_SVC("'description': 'a\\u0000b'"),
                 F "line 1, column 207: invalid JSON: \\u0000 is not "
                 "allowed without JSON_ALLOW_NUL near '\"a\\u0000b\"'");
    expect_error(M_SVC("'description': 'a\\u0007b'"),
                 ES(".description", "must not contain control characters "
                    "other than tabs and line breaks"));
}


static void
test_service_category_required(void **state)
{
    (void) state;

    expect_error(MAN("{'id': 'ktp', 'name': 'KTP', " ROUTE ", "
                     BACKEND "}"),
                 ES(".category", "is required"));
}


static void
test_service_category_empty(void **state)
{
    (void) state;

    expect_error(MAN("{'id': 'ktp', 'name': 'KTP', 'category': '', " ROUTE
                     ", " BACKEND "}"),
                 ES(".category", "must not be empty"));
}


static void
test_service_category_length(void **state)
{
    catalog_t  *cat;

    (void) state;

    /* any text, not a slug */

    cat = unit_load(MAN("{'id': 'ktp', 'name': 'KTP', 'category': "
                        "'Kependudukan & Sipil', " ROUTE ", " BACKEND "}"));
    assert_string_equal(cat->services[0]->category.data,
                        "Kependudukan & Sipil");
    catalog_free(cat);

    expect_error(fmt(MAN("{'id': 'ktp', 'name': 'KTP', 'category': '%s', "
                         ROUTE ", " BACKEND "}"), rep("c", 101)),
                 ES(".category", "is longer than 100 characters"));
}


static void
test_service_category_control(void **state)
{
    (void) state;

    expect_error(MAN("{'id': 'ktp', 'name': 'KTP', 'category': 'a\\tb', "
                     ROUTE ", " BACKEND "}"),
                 ES(".category", "must not contain control characters"));
}


static void
test_tags_not_array(void **state)
{
    (void) state;

    expect_error(M_SVC("'tags': 'ktp'"), ES(".tags", "must be an array"));
}


static void
test_tags_too_many(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_SVC("'tags': ['a','b','c','d','e','f','g','h','i','j',"
                          "'k','l','m','n','o','p','q','r','s','t']"));
    assert_int_equal(cat->services[0]->ntags, 20);
    assert_string_equal(cat->services[0]->tags[19].data, "t");
    catalog_free(cat);

    expect_error(M_SVC("'tags': ['a','b','c','d','e','f','g','h','i','j',"
                       "'k','l','m','n','o','p','q','r','s','t','u']"),
                 ES(".tags", "must have at most 20 tags"));
}


static void
test_tag_not_string(void **state)
{
    (void) state;

    expect_error(M_SVC("'tags': ['a', 2]"),
                 ES(".tags[1]", "must be a string"));
}


static void
test_tag_empty(void **state)
{
    (void) state;

    expect_error(M_SVC("'tags': ['']"), ES(".tags[0]", "must not be empty"));
}


static void
test_tag_length(void **state)
{
    (void) state;

    expect_error(fmt(M_SVC("'tags': ['%s']"), rep("t", 41)),
                 ES(".tags[0]", "is longer than 40 characters"));
}


static void
test_tag_control(void **state)
{
    (void) state;

    expect_error(M_SVC("'tags': ['a\\nb']"),
                 ES(".tags[0]", "must not contain control characters"));
}


static void
test_tag_duplicate(void **state)
{
    (void) state;

    expect_error(M_SVC("'tags': ['ktp', 'KTP', 'ktp']"),
                 ES(".tags[2]", "duplicate tag \"ktp\""));
}


static void
test_service_contact(void **state)
{
    catalog_t  *cat;

    (void) state;

    /* own contact, else the agency's, else none */

    cat = unit_load("{'agency': {'id': 'a', 'name': 'A', 'contact': 'x@a.id'}, "
                    "'services': [" SVC(ROUTE ", " BACKEND) ", "
                    "{'id': 'b', 'name': 'B', 'category': 'c', "
                    "'routes': [{'path': '/b'}], " BACKEND ", "
                    "'contact': 'b@a.id'}]}");
    assert_string_equal(cat->services[0]->contact.data, "x@a.id");
    assert_string_equal(cat->services[1]->contact.data, "b@a.id");
    catalog_free(cat);

    cat = unit_load(M_SVC("'contact': ''"));
    assert_int_equal(cat->services[0]->contact.len, 0);
    catalog_free(cat);

    expect_error(M_SVC("'contact': 1"), ES(".contact", "must be a string"));
}


static void
test_service_docs_url(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_SVC("'docs_url': 'HTTPS://a.example/docs?x=1#y'"));
    assert_string_equal(cat->services[0]->more->docs_url.data,
                        "HTTPS://a.example/docs?x=1#y");
    catalog_free(cat);

    expect_error(M_SVC("'docs_url': '/docs'"),
                 ES(".docs_url", "invalid URL \"/docs\": must be an "
                    "absolute http or https URL"));
}


static void
test_service_version(void **state)
{
    (void) state;

    expect_error(M_SVC("'version': 2.1"), ES(".version", "must be a string"));
    expect_error(fmt(M_SVC("'version': '%s'"), rep("1", 65)),
                 ES(".version", "is longer than 64 characters"));
}


static void
test_service_null_is_absent(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_SVC("'description': null, 'tags': null, 'status': null, "
                          "'host_header': null, 'redirect': null"));
    assert_int_equal(cat->services[0]->description.len, 0);
    assert_int_equal(cat->services[0]->status, CATALOG_STATUS_ACTIVE);
    assert_null(cat->services[0]->redirect);
    catalog_free(cat);
}


/* status, maintenance, successor */


static void
test_status_invalid(void **state)
{
    (void) state;

    expect_error(M_SVC("'status': 'Active'"),
                 ES(".status", "invalid status \"Active\": must be "
                    "\"active\", \"maintenance\" or \"retired\""));
}


static void
test_status_not_string(void **state)
{
    (void) state;

    expect_error(M_SVC("'status': 1"), ES(".status", "must be a string"));
}


static void
test_status_maintenance(void **state)
{
    catalog_t          *cat;
    catalog_service_t  *s;

    (void) state;

    cat = unit_load(M_SVC("'status': 'maintenance', "
                          "'maintenance_message': 'Pemeliharaan.\\nSampai "
                          "10.00'"));
    s = cat->services[0];
    assert_int_equal(s->status, CATALOG_STATUS_MAINTENANCE);
    assert_string_equal(s->more->maintenance_message.data,
                        "Pemeliharaan.\nSampai 10.00");
    assert_int_equal(s->nbackends, 1);
    catalog_free(cat);
}


static void
test_maintenance_message_length(void **state)
{
    (void) state;

    expect_error(fmt(M_SVC("'maintenance_message': '%s'"),
                     rep("m", 501)),
                 ES(".maintenance_message",
                    "is longer than 500 characters"));
}


static void
test_successor_needs_retired(void **state)
{
    (void) state;

    expect_error(M_SVC("'successor': 'https://b.example/'"),
                 ES(".successor", "is only allowed with \"status\": "
                    "\"retired\""));
}


static void
test_successor_invalid(void **state)
{
    (void) state;

    expect_error(M_OUT("'status': 'retired', 'successor': 'karirhub'"),
                 ES(".successor", "invalid successor \"karirhub\": must be "
                    "an http(s) URL or a service key \"agency/service\""));
    expect_error(M_OUT("'status': 'retired', 'successor': 'a/B'"),
                 ES(".successor", "invalid successor \"a/B\": must be "
                    "an http(s) URL or a service key \"agency/service\""));
}


static void
test_successor_url_invalid(void **state)
{
    (void) state;

    expect_error(M_OUT("'status': 'retired', 'successor': 'https://'"),
                 ES(".successor", "invalid URL \"https://\": must be "
                    "an absolute http or https URL"));
}


static void
test_successor_not_string(void **state)
{
    (void) state;

    expect_error(M_OUT("'status': 'retired', 'successor': {}"),
                 ES(".successor", "must be a string"));
}


static void
test_successor_key_resolved(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    /* the successor may come from a manifest read later */

    cat = unit_load(M_OUT("'status': 'retired', 'successor': "
                          "'kemnaker/karirhub'"));

    assert_int_equal(unit_add(cat, "k.json", "{'agency': {'id': 'kemnaker', "
                              "'name': 'K'}, 'services': [{'id': 'karirhub', "
                              "'name': 'K', 'category': 'c', 'routes': "
                              "[{'path': "
                              "'/karirhub'}], " BACKEND "}]}", err),
                     0);

    assert_null(cat->services[0]->more->successor_service);
    assert_int_equal(catalog_finish(cat, err, sizeof(err)), 0);
    assert_ptr_equal(cat->services[0]->more->successor_service,
                     cat->services[1]);

    catalog_free(cat);
}


static void
test_successor_unknown(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_OUT("'status': 'retired', 'successor': "
                          "'kemnaker/karirhub'"));

    assert_int_equal(catalog_finish(cat, err, sizeof(err)), -1);
    assert_string_equal(err, ES(".successor", "successor "
                                "\"kemnaker/karirhub\" is not a known "
                                "service"));

    catalog_free(cat);
}


static void
test_successor_itself(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_OUT("'status': 'retired', 'successor': 'dukcapil/ktp'"));

    assert_int_equal(catalog_finish(cat, err, sizeof(err)), -1);
    assert_string_equal(err, ES(".successor", "successor \"dukcapil/ktp\" "
                                "is the service itself"));

    catalog_free(cat);
}


/* outcome */


static void
test_outcome_none(void **state)
{
    (void) state;

    expect_error(MAN(SVC(ROUTE)),
                 ES("", "must have exactly one of \"backends\", \"redirect\" "
                    "or \"status\": \"retired\""));
}


static void
test_outcome_two(void **state)
{
    const char  *msg;

    (void) state;

    msg = ES("", "must have exactly one of \"backends\", \"redirect\" "
             "or \"status\": \"retired\"");

    expect_error(M_OUT(BACKEND ", 'redirect': {'to': '/b'}"), msg);
    expect_error(M_OUT(BACKEND ", 'status': 'retired'"), msg);
    expect_error(M_OUT("'redirect': {'to': '/b'}, 'status': 'retired'"), msg);
}


static void
test_outcome_retired(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_OUT("'status': 'retired'"));
    assert_int_equal(cat->services[0]->status, CATALOG_STATUS_RETIRED);
    assert_null(cat->services[0]->backends);
    assert_int_equal(cat->table.nroutes, 1);
    catalog_free(cat);
}


static void
test_outcome_maintenance_redirect(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_OUT("'status': 'maintenance', 'redirect': {'to': '/b'}"));
    assert_int_equal(cat->services[0]->status, CATALOG_STATUS_MAINTENANCE);
    assert_non_null(cat->services[0]->redirect);
    catalog_free(cat);
}


/* routes */


static void
test_routes_required(void **state)
{
    (void) state;

    expect_error(MAN(SVC(BACKEND)), ES(".routes", "is required"));
}


static void
test_routes_not_array(void **state)
{
    (void) state;

    expect_error(MAN(SVC("'routes': {'path': '/ktp'}, " BACKEND)),
                 ES(".routes", "must be an array"));
}


static void
test_routes_empty(void **state)
{
    (void) state;

    expect_error(MAN(SVC("'routes': [], " BACKEND)),
                 ES(".routes", "must have at least one route"));
}


static void
test_route_not_object(void **state)
{
    (void) state;

    expect_error(M_ROUTES("'/ktp'"), ES(".routes[0]", "must be an object"));
}


static void
test_route_unknown_key(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/ktp', 'strip': true}"),
                 ES(".routes[0]", "unknown key \"strip\""));
}


static void
test_path_required(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'match': 'exact'}"),
                 ES(".routes[0].path", "is required"));
}


static void
test_path_not_string(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': 1}"),
                 ES(".routes[0].path", "must be a string"));
}


static void
test_path_slash(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': 'ktp'}"),
                 ES(".routes[0].path", "must start with \"/\""));
    expect_error(M_ROUTES("{'path': ''}"),
                 ES(".routes[0].path", "must start with \"/\""));
}


static void
test_path_length(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load(fmt(M_ROUTES("{'path': '/%s'}"), rep("p", 511)));
    assert_int_equal(cat->services[0]->routes[0].path.len, 512);
    catalog_free(cat);

    expect_error(fmt(M_ROUTES("{'path': '/%s'}"), rep("p", 512)),
                 ES(".routes[0].path", "is longer than 512 bytes"));
}


static void
test_path_control(void **state)
{
    const char  *msg;

    (void) state;

    msg = ES(".routes[0].path",
             "must not contain control characters or spaces");

    expect_error(M_ROUTES("{'path': '/a b'}"), msg);
    expect_error(M_ROUTES("{'path': '/a\\tb'}"), msg);
    expect_error(M_ROUTES("{'path': '/a\\u007f'}"), msg);
    expect_error(M_ROUTES("{'path': '/a\\u0080'}"), msg);
}


static void
test_path_query(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a?b'}"),
                 ES(".routes[0].path", "must not contain \"?\""));
}


static void
test_path_fragment(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a#b'}"),
                 ES(".routes[0].path", "must not contain \"#\""));
}


static void
test_path_percent(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a%20b'}"),
                 ES(".routes[0].path", "must not contain \"%\" (write the "
                    "path decoded)"));
}


static void
test_path_double_slash(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a//b'}"),
                 ES(".routes[0].path", "must not contain \"//\""));
    expect_error(M_ROUTES("{'path': '//'}"),
                 ES(".routes[0].path", "must not contain \"//\""));
}


static void
test_path_dot_segment(void **state)
{
    const char  *msg;
    catalog_t   *cat;

    (void) state;

    msg = ES(".routes[0].path", "must not contain a \".\" or \"..\" segment");

    expect_error(M_ROUTES("{'path': '/.'}"), msg);
    expect_error(M_ROUTES("{'path': '/a/./b'}"), msg);
    expect_error(M_ROUTES("{'path': '/a/..'}"), msg);
    expect_error(M_ROUTES("{'path': '/../a/'}"), msg);

    /* dots inside a segment are fine */

    cat = unit_load(M_ROUTES("{'path': '/a/...'}, {'path': '/.well-known'}, "
                             "{'path': '/v1.2/..x'}"));
    assert_int_equal(cat->table.nroutes, 3);
    catalog_free(cat);
}


static void
test_path_normalised(void **state)
{
    catalog_t        *cat;
    catalog_route_t  *r;

    (void) state;

    cat = unit_load(M_ROUTES("{'path': '/'}, {'path': '/pajak/'}, "
                             "{'path': '/Layanan/\xc3\xa9-KTP'}, "
                             "{'path': '/ktp', 'match': 'exact'}"));

    r = cat->services[0]->routes;
    assert_string_equal(r[0].path.data, "/");
    assert_int_equal(r[0].path.len, 1);
    assert_string_equal(r[1].path.data, "/pajak");
    assert_int_equal(r[1].path.len, 6);
    assert_string_equal(r[2].path.data, "/Layanan/\xc3\xa9-KTP");
    assert_string_equal(r[3].path.data, "/ktp");
    assert_int_equal(r[3].exact, 1);

    catalog_free(cat);
}


static void
test_route_lookup_after_add(void **state)
{
    catalog_t        *cat;
    catalog_match_t   m;

    (void) state;

    cat = unit_load(M_ROUTES("{'path': '/pajak/'}, "
                             "{'path': '/pajak', 'host': 'Pajak.Example.'}"));

    catalog_lookup(cat, "", 0, "/pajak/spt", 10, &m);
    assert_ptr_equal(m.route, &cat->services[0]->routes[0]);
    assert_int_equal(m.matched, 6);

    catalog_lookup(cat, "pajak.example", 13, "/pajak", 6, &m);
    assert_ptr_equal(m.route, &cat->services[0]->routes[1]);

    catalog_free(cat);
}


static void
test_match_invalid(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'match': 'Exact'}"),
                 ES(".routes[0].match", "invalid match \"Exact\": must be "
                    "\"prefix\" or \"exact\""));
}


static void
test_match_not_string(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'match': true}"),
                 ES(".routes[0].match", "must be a string"));
}


static void
test_strip_prefix_not_boolean(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'strip_prefix': 'yes'}"),
                 ES(".routes[0].strip_prefix", "must be a boolean"));
}


static void
test_methods_not_array(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'methods': 'GET'}"),
                 ES(".routes[0].methods", "must be an array"));
}


static void
test_methods_empty(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'methods': []}"),
                 ES(".routes[0].methods", "must have at least one method"));
}


static void
test_methods_too_many(void **state)
{
    char         *p;
    unsigned      i;
    const char   *list;
    static char   buf[2048];

    (void) state;

    p = buf;

    for (i = 0; i < 33; i++) {
        p += sprintf(p, "%s'M%u'", i ? ", " : "", i);
    }

    list = buf;

    expect_error(fmt(M_ROUTES("{'path': '/a', 'methods': [%s]}"), list),
                 ES(".routes[0].methods", "must have at most 32 methods"));
}


static void
test_method_not_string(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'methods': ['GET', null]}"),
                 ES(".routes[0].methods[1]", "must be a string"));
}


static void
test_method_invalid(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'methods': ['get']}"),
                 ES(".routes[0].methods[0]", "invalid method \"get\""));
    expect_error(M_ROUTES("{'path': '/a', 'methods': ['GET', 'GE T']}"),
                 ES(".routes[0].methods[1]", "invalid method \"GE T\""));
    expect_error(M_ROUTES("{'path': '/a', 'methods': ['']}"),
                 ES(".routes[0].methods[0]", "invalid method \"\""));
    expect_error(fmt(M_ROUTES("{'path': '/a', 'methods': ['%s']}"),
                     rep("X", 33)),
                 fmt(ES(".routes[0].methods[0]", "invalid method \"%s\""),
                     rep("X", 33)));
}


static void
test_method_duplicate(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'methods': ['GET', 'POST', "
                          "'GET']}"),
                 ES(".routes[0].methods[2]", "duplicate method \"GET\""));
}


static void
test_layout(void **state)
{
    (void) state;

    /*
     * a catalog of 100,000 services holds as many of each: whole cache
     * lines (requests read them at random), no more
     */

    if (sizeof(void *) == 8) {
        assert_int_equal(sizeof(catalog_service_t), 192);
        assert_int_equal(sizeof(catalog_route_t), 64);
        assert_int_equal(sizeof(catalog_map_entry_t), 24);
    }
}


static void
test_find_service(void **state)
{
    size_t              i;
    catalog_t          *cat;
    catalog_service_t  *s;

    static const char  *ids[] = { "zeta", "a", "ab", "b", "a-b", "a1" };
    static const char  *none[] = {
        "dukcapil", "dukcapil/", "dukcapil/a-", "dukcapil/abc",
        "dukcapil/zeta/x", "dukcapil/Zeta", "dukcapi/a", "x/a", "/a", ""
    };

    (void) state;

    cat = unit_load(MAN("{'id': 'zeta', 'name': 'Z', 'category': 'c', "
                        "'routes': [{'path': '/z'}], " BACKEND "}, "
                        "{'id': 'a', 'name': 'A', 'category': 'c', "
                        "'routes': [{'path': '/a'}], " BACKEND "}, "
                        "{'id': 'ab', 'name': 'AB', 'category': 'c', "
                        "'routes': [{'path': '/ab'}], " BACKEND "}, "
                        "{'id': 'b', 'name': 'B', 'category': 'c', "
                        "'routes': [{'path': '/b'}], " BACKEND "}, "
                        "{'id': 'a-b', 'name': 'A-B', 'category': 'c', "
                        "'routes': [{'path': '/a-b'}], " BACKEND "}, "
                        "{'id': 'a1', 'name': 'A1', 'category': 'c', "
                        "'routes': [{'path': '/a1'}], " BACKEND "}"));

    /* services keep the manifest's order; the lookup finds each */

    for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        s = cat->services[i];
        assert_string_equal(s->id.data, ids[i]);
        assert_ptr_equal(catalog_find_service(cat, s->key.data, s->key.len),
                         s);
    }

    for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        assert_null(catalog_find_service(cat, none[i], strlen(none[i])));
    }

    /* nothing more than the usual: no room taken for it */

    assert_ptr_equal(cat->services[0]->more, &catalog_service_none);
    assert_int_equal(cat->services[0]->more->version.len, 0);
    assert_string_equal(cat->services[0]->more->successor.data, "");

    /* the length counts, not the NUL */

    assert_ptr_equal(catalog_find_service(cat, "dukcapil/abc", 11),
                     cat->services[2]);

    catalog_free(cat);
}


static void
test_backends_shared(void **state)
{
    catalog_t          *cat;
    catalog_service_t  *a, *b, *c;

    (void) state;

    cat = unit_load(MAN(SVC("'routes': [{'path': '/a'}], "
                            "'backends': ['10.0.0.1:80', '10.0.0.2']") ", "
                        "{'id': 'b', 'name': 'B', 'category': 'c', "
                        "'routes': [{'path': '/b'}], "
                        "'backends': ['10.0.0.1:80', '10.0.0.2']}, "
                        "{'id': 'c', 'name': 'C', 'category': 'c', "
                        "'routes': [{'path': '/c'}], "
                        "'backends': ['10.0.0.2', '10.0.0.1:80']}"));

    a = cat->services[0];
    b = cat->services[1];
    c = cat->services[2];

    /* the same list: one array; another order: another array */

    assert_ptr_equal(a->backends, b->backends);
    assert_int_equal(b->nbackends, 2);
    assert_string_equal(b->backends[1].host.data, "10.0.0.2");

    assert_ptr_not_equal(a->backends, c->backends);
    assert_string_equal(c->backends[0].host.data, "10.0.0.2");
    assert_int_equal(c->backends[1].port, 80);
    assert_ptr_equal(c->backends[0].text.data, a->backends[1].text.data);

    catalog_free(cat);
}


static void
test_methods_allow(void **state)
{
    catalog_t        *cat;
    catalog_route_t  *r;

    (void) state;

    cat = unit_load(M_ROUTES("{'path': '/a', 'methods': ['POST', 'GET']}, "
                             "{'path': '/b', 'methods': ['GET', 'HEAD']}, "
                             "{'path': '/c', 'methods': ['PURGE', "
                             "'M-SEARCH']}, "
                             "{'path': '/d', 'methods': ['HEAD', 'GET']}, "
                             "{'path': '/e'}"));

    r = cat->services[0]->routes;

    assert_string_equal(catalog_route_allow(&r[0])->data, "POST, GET, HEAD");
    assert_int_equal(catalog_route_allow(&r[0])->len, 15);
    assert_int_equal(r[0].nmethods, 2);
    assert_string_equal(r[0].methods[0].data, "POST");
    assert_string_equal(r[0].methods[1].data, "GET");
    assert_true(catalog_route_allows(&r[0], "HEAD", 4));
    assert_false(catalog_route_allows(&r[0], "PUT", 3));

    assert_string_equal(catalog_route_allow(&r[1])->data, "GET, HEAD");
    assert_string_equal(catalog_route_allow(&r[2])->data, "PURGE, M-SEARCH");
    assert_string_equal(catalog_route_allow(&r[3])->data, "HEAD, GET");
    assert_int_equal(r[4].nmethods, 0);
    assert_null(r[4].methods);

    /* a repeated method is stored once */

    assert_ptr_equal(r[1].methods[0].data, r[0].methods[1].data);

    catalog_free(cat);
}


static void
test_host_port(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'host': 'a.example:8080'}"),
                 ES(".routes[0].host", "invalid host \"a.example:8080\": "
                    "must not have a port"));

    /* a URL where a host name belongs is named as one */

    expect_error(M_ROUTES("{'path': '/a', 'host': 'https://a.example'}"),
                 ES(".routes[0].host", "invalid host \"https://a.example\": "
                    "must not have a scheme"));
}


static void
test_host_invalid(void **state)
{
    const char  *rule;

    (void) state;

    rule = "must be a host name or an IPv4 address";

    expect_error(M_ROUTES("{'path': '/a', 'host': ''}"),
                 fmt(ES(".routes[0].host", "invalid host \"\": %s"), rule));
    expect_error(M_ROUTES("{'path': '/a', 'host': 'a.example/x'}"),
                 fmt(ES(".routes[0].host", "invalid host \"a.example/x\": "
                        "%s"), rule));
    expect_error(M_ROUTES("{'path': '/a', 'host': 'a example'}"),
                 fmt(ES(".routes[0].host", "invalid host \"a example\": %s"),
                     rule));
    expect_error(M_ROUTES("{'path': '/a', 'host': '[::1]'}"),
                 fmt(ES(".routes[0].host", "invalid host \"[::1]\": %s"),
                     rule));
    expect_error(M_ROUTES("{'path': '/a', 'host': 'a..example'}"),
                 fmt(ES(".routes[0].host", "invalid host \"a..example\": "
                        "%s"), rule));
    expect_error(M_ROUTES("{'path': '/a', 'host': '.'}"),
                 fmt(ES(".routes[0].host", "invalid host \".\": %s"), rule));
}


static void
test_host_not_string(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'host': ['a']}"),
                 ES(".routes[0].host", "must be a string"));
}


static void
test_host_normalised(void **state)
{
    catalog_t        *cat;
    catalog_route_t  *r;

    (void) state;

    cat = unit_load(M_ROUTES("{'path': '/a', 'host': "
                             "'Layanan.Example.GO.ID.'}, "
                             "{'path': '/a', 'host': '10.0.0.1'}, "
                             "{'path': '/a', 'host': 'my_host'}, {'path': "
                             "'/a'}"));

    r = cat->services[0]->routes;
    assert_string_equal(r[0].host.data, "layanan.example.go.id");
    assert_int_equal(r[0].host.len, 21);
    assert_string_equal(r[1].host.data, "10.0.0.1");
    assert_string_equal(r[2].host.data, "my_host");
    assert_int_equal(r[3].host.len, 0);
    assert_int_equal(cat->table.nroutes, 4);

    catalog_free(cat);
}


/* route conflicts */


static void
test_conflict_in_manifest(void **state)
{
    (void) state;

    expect_error(MAN(SVC(ROUTE ", " BACKEND) ", "
                     "{'id': 'kk', 'name': 'KK', 'category': 'c', "
                     "'routes': [{'path': '/kk'}, {'path': '/ktp/'}], "
                     BACKEND "}"),
                 F "services[1].routes[1].path (service \"kk\"): route "
                 "\"/ktp\" (prefix) is already claimed by service "
                 "\"dukcapil/ktp\" in \"m.json\"");
}


static void
test_conflict_same_service(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/a', 'match': 'exact'}, "
                          "{'path': '/a/', 'match': 'exact'}"),
                 ES(".routes[1].path", "route \"/a\" (exact) is already "
                    "claimed by service \"dukcapil/ktp\" in \"m.json\""));
}


static void
test_conflict_host(void **state)
{
    (void) state;

    expect_error(M_ROUTES("{'path': '/ktp', 'host': 'a.example'}, "
                          "{'path': '/ktp/', 'host': 'A.EXAMPLE.'}"),
                 ES(".routes[1].path", "route \"/ktp\" (prefix, host "
                    "\"a.example\") is already claimed by service "
                    "\"dukcapil/ktp\" in \"m.json\""));
}


static void
test_conflict_other_manifest(void **state)
{
    const char  *first;

    (void) state;

    first = "{'agency': {'id': 'djp', 'name': 'DJP'}, 'services': ["
            "{'id': 'pajak', 'name': 'P', 'category': 'c', 'routes': ["
            "{'path': '/'}, {'path': '/ktp', 'match': 'exact'}, "
            "{'path': '/h', 'host': 'h.example'}], " BACKEND "}]}";

    expect_error_after(first,
                       M_ROUTES("{'path': '/ok'}, {'path': '/'}"),
                       ES(".routes[1].path", "route \"/\" (prefix) is "
                          "already claimed by service \"djp/pajak\" in "
                          "\"first.json\""));
    expect_error_after(first,
                       M_ROUTES("{'path': '/ktp/', 'match': 'exact'}"),
                       ES(".routes[0].path", "route \"/ktp\" (exact) is "
                          "already claimed by service \"djp/pajak\" in "
                          "\"first.json\""));
    expect_error_after(first,
                       M_ROUTES("{'path': '/h/', 'host': 'H.example'}"),
                       ES(".routes[0].path", "route \"/h\" (prefix, host "
                          "\"h.example\") is already claimed by service "
                          "\"djp/pajak\" in \"first.json\""));
}


static void
test_no_conflict(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    /*
     * exact and prefix at one path, a host route beside a host-less one,
     * nested prefixes, case: all distinct routes
     */

    cat = unit_load(M_ROUTES("{'path': '/ktp'}, {'path': '/ktp', 'match': "
                             "'exact'}, {'path': '/ktp', 'host': 'a.example'}, "
                             "{'path': '/ktp', 'host': 'b.example'}, "
                             "{'path': '/ktp/baru'}, {'path': '/KTP'}, "
                             "{'path': '/'}"));
    assert_int_equal(cat->table.nroutes, 7);

    assert_int_equal(unit_add(cat, "k.json", "{'agency': {'id': 'k', 'name': "
                                             "'K'}, "
                              "'services': [{'id': 'x', 'name': 'X', "
                              "'category': "
                              "'c', 'routes': [{'path': '/ktp/baru/x'}, "
                              "{'path': '/ktp/baru', 'match': 'exact'}, "
                              "{'path': '/ktp', 'host': 'c.example'}, "
                              "{'path': '/', 'match': 'exact'}, "
                              "{'path': '/', 'host': 'a.example'}], "
                              BACKEND "}]}", err),
                     0);
    assert_int_equal(cat->table.nroutes, 12);

    catalog_free(cat);
}


static void
test_conflict_table(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    catalog_t   *cat;
    const char  *first;

    (void) state;

    /*
     * against the routes of the catalog, only the same host, path and
     * match conflict: never a longer or shorter route that would take
     * the same requests
     */

    first = "{'agency': {'id': 'djp', 'name': 'DJP'}, 'services': ["
            "{'id': 'pajak', 'name': 'P', 'category': 'c', 'routes': ["
            "{'path': '/a/b/c'}, {'path': '/', 'match': 'exact'}, "
            "{'path': '/a', 'match': 'exact', 'host': 'h.example'}, "
            "{'path': '/x', 'host': 'h.example'}], " BACKEND "}]}";

    expect_error_after(first,
                       M_ROUTES("{'path': '/ok'}, {'path': '/a/b/c/'}"),
                       ES(".routes[1].path", "route \"/a/b/c\" (prefix) is "
                          "already claimed by service \"djp/pajak\" in "
                          "\"first.json\""));
    expect_error_after(first, M_ROUTES("{'path': '/', 'match': 'exact'}"),
                       ES(".routes[0].path", "route \"/\" (exact) is "
                          "already claimed by service \"djp/pajak\" in "
                          "\"first.json\""));
    expect_error_after(first,
                       M_ROUTES("{'path': '/a', 'match': 'exact', "
                                "'host': 'H.Example.'}"),
                       ES(".routes[0].path", "route \"/a\" (exact, host "
                          "\"h.example\") is already claimed by service "
                          "\"djp/pajak\" in \"first.json\""));
    expect_error_after(first,
                       M_ROUTES("{'path': '/x/', 'host': 'h.example'}"),
                       ES(".routes[0].path", "route \"/x\" (prefix, host "
                          "\"h.example\") is already claimed by service "
                          "\"djp/pajak\" in \"first.json\""));

    cat = unit_load(first);

    if (unit_add(cat, "k.json", "{'agency': {'id': 'k', 'name': 'K'}, "
                 "'services': [{'id': 'x', 'name': 'X', 'category': 'c', "
                 "'routes': [{'path': '/a/b'}, {'path': '/a/b/c/d'}, "
                 "{'path': '/a/b/c', 'match': 'exact'}, "
                 "{'path': '/a/b/c', 'host': 'h.example'}, "
                 "{'path': '/a/b/c', 'host': 'other.example'}, "
                 "{'path': '/'}, {'path': '/', 'match': 'exact', "
                 "'host': 'h.example'}, {'path': '/a'}, "
                 "{'path': '/a', 'host': 'h.example'}, {'path': '/x'}, "
                 "{'path': '/x', 'match': 'exact', 'host': 'h.example'}, "
                 "{'path': '/x/y', 'host': 'h.example'}], " BACKEND "}]}", err)
             != 0)
    {
        fail_msg("%s", err);
    }

    assert_int_equal(cat->table.nroutes, 4 + 12);

    catalog_free(cat);
}


/* backends */


static void
test_backends_not_array(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': '10.0.0.1:80'"),
                 ES(".backends", "must be an array"));
}


static void
test_backends_empty(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': []"),
                 ES(".backends", "must have at least one backend"));
}


static void
test_backends_too_many(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load(fmt(M_OUT("'backends': ['a'%s]"), rep(", 'a'", 31)));
    assert_int_equal(cat->services[0]->nbackends, 32);
    catalog_free(cat);

    expect_error(fmt(M_OUT("'backends': ['a'%s]"), rep(", 'a'", 32)),
                 ES(".backends", "must have at most 32 backends"));
}


static void
test_backend_not_string(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': ['a:80', 80]"),
                 ES(".backends[1]", "must be a string"));
}


static void
test_backend_scheme(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': ['ftp://a:21']"),
                 ES(".backends[0]", "invalid backend \"ftp://a:21\": "
                    "scheme must be \"http\" or \"https\""));
}


static void
test_backend_user_info(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': ['http://u:p@a:80']"),
                 ES(".backends[0]", "invalid backend \"http://u:p@a:80\": "
                    "must not contain user info"));
}


static void
test_backend_path(void **state)
{
    const char  *rule;

    (void) state;

    rule = "must not have a path or query";

    expect_error(M_OUT("'backends': ['http://a:80/']"),
                 fmt(ES(".backends[0]", "invalid backend \"http://a:80/\": "
                        "%s"), rule));
    expect_error(M_OUT("'backends': ['a:80?x']"),
                 fmt(ES(".backends[0]", "invalid backend \"a:80?x\": %s"),
                     rule));
    expect_error(M_OUT("'backends': ['a#x']"),
                 fmt(ES(".backends[0]", "invalid backend \"a#x\": %s"),
                     rule));
}


static void
test_backend_no_host(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': ['https://']"),
                 ES(".backends[0]", "invalid backend \"https://\": "
                    "has no host"));
    expect_error(M_OUT("'backends': ['']"),
                 ES(".backends[0]", "invalid backend \"\": has no host"));
}


static void
test_backend_host_invalid(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': [':80']"),
                 ES(".backends[0]", "invalid backend \":80\": has an "
                    "invalid host name"));
    expect_error(M_OUT("'backends': ['a..b:80']"),
                 ES(".backends[0]", "invalid backend \"a..b:80\": has an "
                    "invalid host name"));
    expect_error(M_OUT("'backends': ['\xc3\xa9.example']"),
                 ES(".backends[0]", "invalid backend \"\xc3\xa9.example\": "
                    "has an invalid host name"));
}


/*
 * a name of 253 bytes and its trailing dot passes the host name check,
 * but is one byte more than a Host header made of it may hold
 */

static void
test_backend_host_too_long(void **state)
{
    const char  *host;

    (void) state;

    host = fmt("%s.%s.%s.%s.", rep("a", 63), rep("b", 63), rep("c", 63),
               rep("d", 61));

    assert_int_equal(strlen(host), 254);

    expect_error(fmt(M_OUT("'backends': ['%s:8080']"), host),
                 ES(".backends[0]", "host is too long"));
}


static void
test_backend_spaces(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': ['a :80']"),
                 ES(".backends[0]", "invalid backend \"a :80\": must not "
                    "contain control characters or spaces"));
}


static void
test_backend_ipv6_brackets(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': ['::1:8080']"),
                 ES(".backends[0]", "invalid backend \"::1:8080\": an IPv6 "
                    "address must be in brackets"));
}


static void
test_backend_ipv6_invalid(void **state)
{
    const char  *rule;

    (void) state;

    rule = "has an invalid IPv6 address";

    expect_error(M_OUT("'backends': ['[::g]:80']"),
                 fmt(ES(".backends[0]", "invalid backend \"[::g]:80\": %s"),
                     rule));
    expect_error(M_OUT("'backends': ['[::1']"),
                 fmt(ES(".backends[0]", "invalid backend \"[::1\": %s"),
                     rule));
    expect_error(M_OUT("'backends': ['[]:80']"),
                 fmt(ES(".backends[0]", "invalid backend \"[]:80\": %s"),
                     rule));
    expect_error(M_OUT("'backends': ['[::1]80']"),
                 fmt(ES(".backends[0]", "invalid backend \"[::1]80\": %s"),
                     rule));
}


static void
test_backend_port(void **state)
{
    const char  *rule;

    (void) state;

    rule = "port must be between 1 and 65535";

    expect_error(M_OUT("'backends': ['a:0']"),
                 fmt(ES(".backends[0]", "invalid backend \"a:0\": %s"),
                     rule));
    expect_error(M_OUT("'backends': ['a:65536']"),
                 fmt(ES(".backends[0]", "invalid backend \"a:65536\": %s"),
                     rule));
    expect_error(M_OUT("'backends': ['a:']"),
                 fmt(ES(".backends[0]", "invalid backend \"a:\": %s"),
                     rule));
    expect_error(M_OUT("'backends': ['a:http']"),
                 fmt(ES(".backends[0]", "invalid backend \"a:http\": %s"),
                     rule));
    expect_error(M_OUT("'backends': ['a:123456']"),
                 fmt(ES(".backends[0]", "invalid backend \"a:123456\": %s"),
                     rule));
}


static void
test_backend_mixed_schemes(void **state)
{
    (void) state;

    expect_error(M_OUT("'backends': ['a:80', 'https://b']"),
                 ES(".backends[1]", "invalid backend \"https://b\": all "
                    "backends must use the same scheme"));
}


static void
test_backend_parsing(void **state)
{
    catalog_t          *cat;
    catalog_backend_t  *b;
    catalog_service_t  *s;

    (void) state;

    cat = unit_load(M_OUT("'backends': ['a.internal', "
                          "'http://B.Internal:8080', "
                          "'10.0.0.1:81', '[::1]:8080', 'http://[fe80::1]', "
                          "'HTTP://c.internal.']"));

    s = cat->services[0];
    b = s->backends;

    assert_int_equal(s->nbackends, 6);
    assert_int_equal(s->https, 0);

    assert_string_equal(b[0].text.data, "a.internal");
    assert_string_equal(b[0].host.data, "a.internal");
    assert_int_equal(b[0].port, 80);
    assert_int_equal(b[0].https, 0);
    assert_int_equal(b[0].ipv6, 0);

    assert_string_equal(b[1].text.data, "http://B.Internal:8080");
    assert_string_equal(b[1].host.data, "B.Internal");
    assert_int_equal(b[1].host.len, 10);
    assert_int_equal(b[1].port, 8080);

    assert_string_equal(b[2].host.data, "10.0.0.1");
    assert_int_equal(b[2].port, 81);

    assert_string_equal(b[3].text.data, "[::1]:8080");
    assert_string_equal(b[3].host.data, "::1");
    assert_int_equal(b[3].port, 8080);
    assert_int_equal(b[3].ipv6, 1);

    assert_string_equal(b[4].host.data, "fe80::1");
    assert_int_equal(b[4].port, 80);
    assert_int_equal(b[4].ipv6, 1);

    assert_string_equal(b[5].host.data, "c.internal.");
    assert_int_equal(b[5].port, 80);

    assert_string_equal(s->backend_host.data, "a.internal");

    catalog_free(cat);

    cat = unit_load(M_OUT("'backends': ['https://a.internal', "
                          "'https://b.internal:8443']"));

    s = cat->services[0];
    b = s->backends;

    assert_int_equal(s->https, 1);
    assert_int_equal(b[0].https, 1);
    assert_int_equal(b[0].port, 443);
    assert_int_equal(b[1].https, 1);
    assert_int_equal(b[1].port, 8443);

    catalog_free(cat);
}


static void
test_backend_host_header(void **state)
{
    catalog_t  *cat;

    (void) state;

    /* host[:port] of the first backend, the scheme's default port left out */

    cat = unit_load(MAN(SVC("'routes': [{'path': '/a'}], "
                            "'backends': ['A.Internal:80']") ", "
                        "{'id': 'b', 'name': 'B', 'category': 'c', "
                        "'routes': [{'path': '/b'}], "
                        "'backends': ['https://b.internal:443']}, "
                        "{'id': 'c', 'name': 'C', 'category': 'c', "
                        "'routes': [{'path': '/c'}], "
                        "'backends': ['https://c.internal:80']}, "
                        "{'id': 'd', 'name': 'D', 'category': 'c', "
                        "'routes': [{'path': '/d'}], "
                        "'backends': ['[::1]:8080', '[::2]']}, "
                        "{'id': 'e', 'name': 'E', 'category': 'c', "
                        "'routes': [{'path': '/e'}], "
                        "'backends': ['http://[::1]']}, "
                        "{'id': 'f', 'name': 'F', 'category': 'c', "
                        "'routes': [{'path': '/f'}], "
                        "'backends': ['10.0.0.1:8080'], "
                        "'host_header': 'F.example:8443'}"));

    assert_string_equal(cat->services[0]->backend_host.data, "A.Internal");
    assert_string_equal(cat->services[1]->backend_host.data, "b.internal");
    assert_string_equal(cat->services[2]->backend_host.data,
                        "c.internal:80");
    assert_string_equal(cat->services[3]->backend_host.data, "[::1]:8080");
    assert_string_equal(cat->services[4]->backend_host.data, "[::1]");
    assert_string_equal(cat->services[5]->backend_host.data,
                        "F.example:8443");

    /* a string that many services repeat is stored once */

    assert_ptr_equal(cat->services[1]->backends[0].host.data,
                     cat->services[1]->backend_host.data);

    catalog_free(cat);
}


static void
test_host_header_invalid(void **state)
{
    (void) state;

    expect_error(M_SVC("'host_header': 'a b'"),
                 ES(".host_header", "invalid host header \"a b\": must not "
                    "contain control characters or spaces"));
    expect_error(M_SVC("'host_header': 'http://a'"),
                 ES(".host_header", "invalid host header \"http://a\": "
                    "must not have a scheme"));
    expect_error(M_SVC("'host_header': 'a:99999'"),
                 ES(".host_header", "invalid host header \"a:99999\": "
                    "port must be between 1 and 65535"));
    expect_error(M_SVC("'host_header': ''"),
                 ES(".host_header", "invalid host header \"\": "
                    "has no host"));
}


static void
test_host_header_not_string(void **state)
{
    (void) state;

    expect_error(M_SVC("'host_header': 1"),
                 ES(".host_header", "must be a string"));
}


static void
test_host_header_needs_backends(void **state)
{
    (void) state;

    expect_error(M_OUT("'status': 'retired', 'host_header': 'a'"),
                 ES(".host_header", "is only allowed with \"backends\""));
}


static void
test_backend_handler(void **state)
{
    char            err[CATALOG_ERROR_LEN];
    catalog_t      *cat;
    handler_log_t   log;

    (void) state;

    memset(&log, 0, sizeof(handler_log_t));

    cat = catalog_create();
    cat->backend_handler = handler;
    cat->backend_ctx = &log;

    assert_int_equal(unit_add(cat, "m.json",
                              M_OUT("'backends': ['a.internal', "
                                    "'b.internal:81'], "
                                    "'host_header': 'h'"), err),
                     0);

    /* every backend, once the service is complete */

    assert_int_equal(log.calls, 2);
    assert_ptr_equal(log.service[0], cat->services[0]);
    assert_ptr_equal(log.backend[0], &cat->services[0]->backends[0]);
    assert_ptr_equal(log.backend[1], &cat->services[0]->backends[1]);
    assert_ptr_equal(cat->services[0]->data, &log);
    assert_string_equal(log.service[0]->key.data, "dukcapil/ktp");
    assert_string_equal(log.service[0]->backend_host.data, "h");

    catalog_free(cat);
}


static void
test_backend_handler_error(void **state)
{
    char            err[CATALOG_ERROR_LEN];
    catalog_t      *cat;
    handler_log_t   log;

    (void) state;

    memset(&log, 0, sizeof(handler_log_t));

    cat = catalog_create();
    cat->backend_handler = handler;
    cat->backend_ctx = &log;

    assert_int_equal(unit_add(cat, "m.json",
                              M_OUT("'backends': ['a.internal', "
                                    "'http://bad.internal:8080']"), err),
                     -1);
    assert_string_equal(err, ES(".backends[1]", "backend "
                                "\"http://bad.internal:8080\": host not "
                                "found"));

    assert_int_equal(unit_add(cat, "m.json", M_OUT("'backends': "
                                                   "['quiet.internal']"),
                              err),
                     -1);
    assert_string_equal(err, ES(".backends[0]", "backend \"quiet.internal\": "
                                "is not usable"));

    assert_int_equal(cat->nservices, 0);
    assert_int_equal(cat->table.nroutes, 0);

    catalog_free(cat);
}


/* redirect */


static void
test_redirect_not_object(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': '/b'"),
                 ES(".redirect", "must be an object"));
}


static void
test_redirect_unknown_key(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': '/b', 'status': 301}"),
                 ES(".redirect", "unknown key \"status\""));
}


static void
test_redirect_to_required(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'code': 302}"),
                 ES(".redirect.to", "is required"));
}


static void
test_redirect_to_not_string(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': 1}"),
                 ES(".redirect.to", "must be a string"));
}


static void
test_redirect_to_invalid(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': 'dukcapil/akta'}"),
                 ES(".redirect.to", "invalid redirect target "
                    "\"dukcapil/akta\": must be a path starting with \"/\" "
                    "or an absolute http or https URL"));
    expect_error(M_OUT("'redirect': {'to': 'javascript:alert(1)'}"),
                 ES(".redirect.to", "invalid redirect target "
                    "\"javascript:alert(1)\": must be a path starting with "
                    "\"/\" or an absolute http or https URL"));
    expect_error(M_OUT("'redirect': {'to': ''}"),
                 ES(".redirect.to", "invalid redirect target \"\": must be "
                    "a path starting with \"/\" or an absolute http or "
                    "https URL"));
}


static void
test_redirect_to_protocol_relative(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': '//evil.example/'}"),
                 ES(".redirect.to", "invalid redirect target "
                    "\"//evil.example/\": must not start with \"//\""));
}


static void
test_redirect_to_backslash(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': '/\\\\evil.example'}"),
                 ES(".redirect.to", "invalid redirect target "
                    "\"/\\\\evil.example\": must not contain \"\\\""));
}


static void
test_redirect_to_spaces(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': '/a b'}"),
                 ES(".redirect.to", "invalid redirect target \"/a b\": must "
                    "not contain control characters or spaces"));
    expect_error(M_OUT("'redirect': {'to': '/a\\r\\nSet-Cookie: x'}"),
                 ES(".redirect.to", "invalid redirect target "
                    "\"/a\\x0d\\x0aSet-Cookie: x\": must not contain "
                    "control characters or spaces"));
}


static void
test_redirect_to_url_invalid(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': 'https://?x'}"),
                 ES(".redirect.to", "invalid redirect target \"https://?x\": "
                    "must be an absolute http or https URL"));
}


static void
test_redirect_to_length(void **state)
{
    (void) state;

    expect_error(fmt(M_OUT("'redirect': {'to': '/%s'}"), rep("t", 2048)),
                 ES(".redirect.to", "is longer than 2048 bytes"));
}


static void
test_redirect_code_invalid(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': '/b', 'code': 303}"),
                 ES(".redirect.code", "invalid redirect code 303: must be "
                    "301, 302, 307 or 308"));
    expect_error(M_OUT("'redirect': {'to': '/b', 'code': -1}"),
                 ES(".redirect.code", "invalid redirect code -1: must be "
                    "301, 302, 307 or 308"));
}


static void
test_redirect_code_not_integer(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': '/b', 'code': '301'}"),
                 ES(".redirect.code", "must be an integer"));
    expect_error(M_OUT("'redirect': {'to': '/b', 'code': 301.0}"),
                 ES(".redirect.code", "must be an integer"));
}


static void
test_redirect_keep_not_boolean(void **state)
{
    (void) state;

    expect_error(M_OUT("'redirect': {'to': '/b', 'keep_path': 1}"),
                 ES(".redirect.keep_path", "must be a boolean"));
    expect_error(M_OUT("'redirect': {'to': '/b', 'keep_query': 'no'}"),
                 ES(".redirect.keep_query", "must be a boolean"));
}


static void
test_redirect_split(void **state)
{
    catalog_t           *cat;
    catalog_redirect_t  *rd;

    (void) state;

    cat = unit_load(MAN(SVC("'routes': [{'path': '/a'}], "
                            "'redirect': {'to': '/new/?x=1&y=2#top', "
                            "'code': 308, 'keep_query': true}") ", "
                        "{'id': 'b', 'name': 'B', 'category': 'c', "
                        "'routes': [{'path': '/b'}], "
                        "'redirect': {'to': 'https://b.example/x#f?q', "
                        "'code': 302}}, "
                        "{'id': 'c', 'name': 'C', 'category': 'c', "
                        "'routes': [{'path': '/c'}], "
                        "'redirect': {'to': '/c2?', 'code': 307}}"));

    rd = cat->services[0]->redirect;
    assert_string_equal(rd->to.data, "/new/?x=1&y=2#top");
    assert_int_equal(rd->base.len, 5);
    assert_memory_equal(rd->base.data, "/new/", 5);
    assert_int_equal(rd->has_query, 1);
    assert_int_equal(rd->query.len, 7);
    assert_memory_equal(rd->query.data, "x=1&y=2", 7);
    assert_string_equal(rd->fragment.data, "#top");
    assert_int_equal(rd->code, 308);
    assert_int_equal(rd->keep_path, 0);
    assert_int_equal(rd->keep_query, 1);

    rd = cat->services[1]->redirect;
    assert_int_equal(rd->base.len, 19);
    assert_memory_equal(rd->base.data, "https://b.example/x", 19);
    assert_int_equal(rd->has_query, 0);
    assert_int_equal(rd->query.len, 0);
    assert_string_equal(rd->fragment.data, "#f?q");
    assert_int_equal(rd->code, 302);

    rd = cat->services[2]->redirect;
    assert_int_equal(rd->base.len, 3);
    assert_int_equal(rd->has_query, 1);
    assert_int_equal(rd->query.len, 0);
    assert_int_equal(rd->fragment.len, 0);
    assert_int_equal(rd->code, 307);

    catalog_free(cat);
}


static void
test_redirect_loop(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    cat = unit_load(M_OUT("'redirect': {'to': '/ktp/baru?x=1', "
                          "'keep_path': true}"));

    assert_int_equal(catalog_finish(cat, err, sizeof(err)), -1);
    assert_string_equal(err, ES(".redirect.to", "redirect to "
                                "\"/ktp/baru?x=1\" leads back to this "
                                "service"));

    catalog_free(cat);

    /* read as a browser and nginx would: decoded, dot segments folded */

    cat = unit_load(M_OUT("'redirect': {'to': '/lain/%2E%2e/ktp/x'}"));

    assert_int_equal(catalog_finish(cat, err, sizeof(err)), -1);
    assert_string_equal(err, ES(".redirect.to", "redirect to "
                                "\"/lain/%2E%2e/ktp/x\" leads back to this "
                                "service"));

    catalog_free(cat);

    cat = unit_load(M_OUT("'redirect': {'to': '/./ktp//baru#a'}"));

    assert_int_equal(catalog_finish(cat, err, sizeof(err)), -1);
    assert_string_equal(err, ES(".redirect.to", "redirect to "
                                "\"/./ktp//baru#a\" leads back to this "
                                "service"));

    catalog_free(cat);

    cat = unit_load(M_OUT("'redirect': {'to': '/%6btp'}"));

    assert_int_equal(catalog_finish(cat, err, sizeof(err)), -1);

    catalog_free(cat);
}


static void
test_redirect_no_loop(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    /* a longer route of another service takes the target */

    cat = unit_load(MAN(SVC("'routes': [{'path': '/ktp'}], "
                            "'redirect': {'to': '/ktp/baru'}") ", "
                        "{'id': 'baru', 'name': 'B', 'category': 'c', "
                        "'routes': [{'path': '/ktp/baru'}], " BACKEND "}, "
                        "{'id': 'x', 'name': 'X', 'category': 'c', "
                        "'routes': [{'path': '/x', 'match': 'exact'}], "
                        "'redirect': {'to': '/x/y'}}, "
                        "{'id': 'h', 'name': 'H', 'category': 'c', "
                        "'routes': [{'path': '/h', 'host': 'a.example'}], "
                        "'redirect': {'to': 'https://a.example/h'}}, "
                        "{'id': 'up', 'name': 'U', 'category': 'c', "
                        "'routes': [{'path': '/up'}], "
                        "'redirect': {'to': '/up/%2e%2e/ktp/baru'}}, "
                        "{'id': 'root', 'name': 'R', 'category': 'c', "
                        "'routes': [{'path': '/r'}], "
                        "'redirect': {'to': '/r/../../r'}}"));

    assert_int_equal(catalog_finish(cat, err, sizeof(err)), 0);

    catalog_free(cat);
}


/* errors: echoed values, truncation, atomicity */


static void
test_echo_sanitized(void **state)
{
    (void) state;

    expect_error(MAN("{'id': 'a\\u0001\\u001b[31m\\u007f'}"),
                 EA("services[0].id",
                    "invalid id \"a\\x01\\x1b[31m\\x7f\": " ID_RULE));
    expect_error(MAN("{'id': 'a\\u0022b\\\\c'}"),
                 EA("services[0].id", "invalid id \"a\\\"b\\\\c\": " ID_RULE));
    expect_error(MAN("{'id': '\xe2\x80\xa8\xc2\x9b'}"),
                 EA("services[0].id",
                    "invalid id \"\xe2\x80\xa8\\xc2\\x9b\": " ID_RULE));
}


static void
test_echo_cut(void **state)
{
    (void) state;

    /* 64 bytes, never half a character */

    expect_error(fmt(MAN("{'id': '%s'}"), rep("x", 65)),
                 fmt(EA("services[0].id", "invalid id \"%s...\": " ID_RULE),
                     rep("x", 64)));
    expect_error(fmt(MAN("{'id': 'x%s'}"), rep("\xc3\xa9", 40)),
                 fmt(EA("services[0].id", "invalid id \"x%s...\": " ID_RULE),
                     rep("\xc3\xa9", 31)));
    expect_error(fmt(MAN("{'id': '%s'}"), rep("\\u0001", 30)),
                 fmt(EA("services[0].id", "invalid id \"%s\": " ID_RULE),
                     rep("\\x01", 30)));
}


static void
test_echo_file_name(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    cat = catalog_create();

    assert_int_equal(unit_add(cat, "a\"b\n.json", "[]", err), -1);
    assert_string_equal(err, "manifest \"a\\\"b\\x0a.json\": top level: "
                        "must be an object");

    catalog_free(cat);
}


static void
test_error_truncated(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    catalog_t  *cat;

    (void) state;

    cat = catalog_create();

    memset(err, 'z', sizeof(err));
    assert_int_equal(catalog_add_buffer(cat, "m.json", "[]", 2, err, 20),
                     -1);
    assert_string_equal(err, "manifest \"m.json\": ");
    assert_int_equal(err[20], 'z');

    assert_int_equal(catalog_add_buffer(cat, "m.json", "[]", 2, err, 1), -1);
    assert_string_equal(err, "");

    assert_int_equal(catalog_add_buffer(cat, "m.json", "[]", 2, NULL, 0),
                     -1);

    catalog_free(cat);
}


static void
test_failed_manifest_leaves_nothing(void **state)
{
    char             err[CATALOG_ERROR_LEN];
    uint64_t         hash;
    catalog_t       *cat;
    catalog_match_t  m;

    (void) state;

    cat = unit_load("{'agency': {'id': 'a', 'name': 'A'}, 'services': ["
                    "{'id': 'x', 'name': 'X', 'category': 'c', "
                    "'routes': [{'path': '/x'}], " BACKEND "}]}");

    hash = cat->hash;

    /* the second service fails after the first one was checked */

    assert_int_equal(unit_add(cat, "m.json", MAN(SVC(ROUTE ", " BACKEND) ", "
                                                 "{'id': 'kk'}"), err),
                     -1);
    assert_string_equal(err, F "services[1].name (service \"kk\"): "
                        "is required");

    expect_nothing_added(cat, 1, 1, 1, hash);
    assert_null(catalog_find_service(cat, "dukcapil/ktp", 12));

    catalog_lookup(cat, "", 0, "/ktp", 4, &m);
    assert_null(m.route);

    /* the agency was not registered: the fixed manifest goes in */

    assert_int_equal(unit_add(cat, "m.json", MAN(SVC(ROUTE ", " BACKEND)), err),
                     0);
    assert_int_equal(cat->nagencies, 2);
    assert_int_equal(cat->agencies[1]->index, 1);
    assert_int_equal(cat->services[1]->index, 1);
    assert_int_equal(cat->services[1]->position, 0);
    assert_ptr_equal(catalog_find_service(cat, "dukcapil/ktp", 12),
                     cat->services[1]);

    catalog_lookup(cat, "", 0, "/ktp", 4, &m);
    assert_ptr_equal(m.route, &cat->services[1]->routes[0]);

    catalog_free(cat);
}


/* the catalog */


static void
test_many_manifests(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    unsigned    i, j;
    catalog_t  *cat;

    (void) state;

    /* enough to grow the arrays and the maps */

    cat = catalog_create();

    for (i = 0; i < 40; i++) {
        assert_int_equal(unit_add(cat, "m.json",
                                  fmt("{'agency': {'id': 'a%u', 'name': 'A'}, "
                                      "'services': [{'id': 's1', 'name': 'S', "
                                      "'category': 'c', 'routes': [{'path': "
                                      "'/a%u/s1'}], " BACKEND "}, {'id': 's2', "
                                      "'name': 'S', 'category': 'c', 'routes': "
                                      "[{'path': '/a%u/s2'}], " BACKEND "}, "
                                      "{'id': 's3', 'name': 'S', 'category': "
                                      "'c', "
                                      "'routes': [{'path': '/a%u/s3'}], "
                                      BACKEND "}]}", i, i, i, i),
                                  err),
                         0);
    }

    assert_int_equal(cat->nagencies, 40);
    assert_int_equal(cat->nservices, 120);
    assert_int_equal(cat->nfiles, 40);
    assert_int_equal(cat->table.nroutes, 120);

    for (i = 0; i < cat->nagencies; i++) {
        assert_int_equal(cat->agencies[i]->index, i);
        assert_int_equal(cat->agencies[i]->nservices, 3);
    }

    for (j = 0; j < cat->nservices; j++) {
        assert_int_equal(cat->services[j]->index, j);
        assert_int_equal(cat->services[j]->position, j % 3);
        assert_ptr_equal(cat->services[j]->agency, cat->agencies[j / 3]);
        assert_int_equal(cat->services[j]->agency_index, j / 3);
    }

    assert_ptr_equal(catalog_find_service(cat, "a39/s3", 6),
                     cat->services[119]);
    assert_int_equal(catalog_finish(cat, err, sizeof(err)), 0);

    catalog_free(cat);
}


static void
test_hash(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    uint64_t     h0, h1, h2, h3;
    catalog_t   *cat;
    const char  *a, *b;

    (void) state;

    a = "{'agency': {'id': 'a', 'name': 'A'}, 'services': []}";
    b = "{'agency': {'id': 'b', 'name': 'A'}, 'services': []}";

    cat = unit_load(a);
    h1 = cat->hash;
    catalog_free(cat);

    cat = unit_load(a);
    assert_true(cat->hash == h1);
    catalog_free(cat);

    cat = unit_load(b);
    h2 = cat->hash;
    assert_true(h2 != h1);
    catalog_free(cat);

    /* a file added changes it; a failed one does not */

    cat = catalog_create();
    h0 = cat->hash;
    assert_int_equal(unit_add(cat, "m.json", a, err), 0);
    assert_true(cat->hash == h1);
    assert_true(h1 != h0);
    assert_int_equal(unit_add(cat, "m.json", a, err), -1);
    assert_true(cat->hash == h1);
    assert_int_equal(unit_add(cat, "n.json", b, err), 0);
    h3 = cat->hash;
    assert_true(h3 != h1 && h3 != h2);
    catalog_free(cat);
}


static void
test_hostile_mutations(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    char        *buf;
    FILE        *f;
    long         size;
    size_t       len, i, pos;
    uint32_t     seed;
    catalog_t   *cat;
    const char   bytes[] = "\"{}[]:,/\\ 0aZ.-?#%\x01\xc3\xff";

    (void) state;

    /* flip bytes of a valid manifest: errors, never a crash */

    f = fopen(fixture("dukcapil.json"), "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size > 0);
    rewind(f);

    len = (size_t) size;
    buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, len, f), len);
    fclose(f);

    seed = 12345;

    for (i = 0; i < 3000; i++) {
        char  *copy;

        copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, buf, len);

        seed = seed * 1103515245 + 12345;
        pos = (seed >> 8) % len;
        seed = seed * 1103515245 + 12345;
        copy[pos] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];

        cat = catalog_create();

        if (catalog_add_buffer(cat, "m.json", copy, len, err, sizeof(err))
            == 0)
        {
            (void) catalog_finish(cat, err, sizeof(err));

        } else {
            assert_int_equal(cat->nservices, 0);
            assert_true(strncmp(err, F, sizeof(F) - 1) == 0);
        }

        catalog_free(cat);
        free(copy);
    }

    free(buf);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_json_syntax_error),
        cmocka_unit_test(test_json_duplicate_key),
        cmocka_unit_test(test_json_empty),
        cmocka_unit_test(test_json_control_character_sanitized),
        cmocka_unit_test(test_json_too_deep),
        cmocka_unit_test(test_json_byte_order_mark),
        cmocka_unit_test(test_file_syntax_error),
        cmocka_unit_test(test_file_cannot_read),
        cmocka_unit_test(test_file_model),
        cmocka_unit_test(test_file_agency_defined_twice),
        cmocka_unit_test(test_file_route_conflict),
        cmocka_unit_test(test_top_level_not_object),
        cmocka_unit_test(test_top_level_unknown_key),
        cmocka_unit_test(test_agency_required),
        cmocka_unit_test(test_agency_not_object),
        cmocka_unit_test(test_agency_unknown_key),
        cmocka_unit_test(test_agency_id_required),
        cmocka_unit_test(test_agency_id_not_string),
        cmocka_unit_test(test_agency_id_invalid),
        cmocka_unit_test(test_agency_id_length),
        cmocka_unit_test(test_agency_defined_twice),
        cmocka_unit_test(test_agency_name_required),
        cmocka_unit_test(test_agency_name_empty),
        cmocka_unit_test(test_agency_name_not_string),
        cmocka_unit_test(test_agency_name_length),
        cmocka_unit_test(test_agency_name_control),
        cmocka_unit_test(test_agency_url_scheme),
        cmocka_unit_test(test_agency_url_spaces),
        cmocka_unit_test(test_agency_url_backslash),
        cmocka_unit_test(test_agency_url_length),
        cmocka_unit_test(test_agency_url_not_string),
        cmocka_unit_test(test_agency_contact_length),
        cmocka_unit_test(test_agency_no_services),
        cmocka_unit_test(test_services_required),
        cmocka_unit_test(test_services_not_array),
        cmocka_unit_test(test_service_not_object),
        cmocka_unit_test(test_service_id_required),
        cmocka_unit_test(test_service_id_not_string),
        cmocka_unit_test(test_service_id_invalid),
        cmocka_unit_test(test_service_defined_twice),
        cmocka_unit_test(test_service_unknown_key),
        cmocka_unit_test(test_service_name_required),
        cmocka_unit_test(test_service_name_length),
        cmocka_unit_test(test_service_description_length),
        cmocka_unit_test(test_service_description_lines),
        cmocka_unit_test(test_service_category_required),
        cmocka_unit_test(test_service_category_empty),
        cmocka_unit_test(test_service_category_length),
        cmocka_unit_test(test_service_category_control),
        cmocka_unit_test(test_tags_not_array),
        cmocka_unit_test(test_tags_too_many),
        cmocka_unit_test(test_tag_not_string),
        cmocka_unit_test(test_tag_empty),
        cmocka_unit_test(test_tag_length),
        cmocka_unit_test(test_tag_control),
        cmocka_unit_test(test_tag_duplicate),
        cmocka_unit_test(test_service_contact),
        cmocka_unit_test(test_service_docs_url),
        cmocka_unit_test(test_service_version),
        cmocka_unit_test(test_service_null_is_absent),
        cmocka_unit_test(test_status_invalid),
        cmocka_unit_test(test_status_not_string),
        cmocka_unit_test(test_status_maintenance),
        cmocka_unit_test(test_maintenance_message_length),
        cmocka_unit_test(test_successor_needs_retired),
        cmocka_unit_test(test_successor_invalid),
        cmocka_unit_test(test_successor_url_invalid),
        cmocka_unit_test(test_successor_not_string),
        cmocka_unit_test(test_successor_key_resolved),
        cmocka_unit_test(test_successor_unknown),
        cmocka_unit_test(test_successor_itself),
        cmocka_unit_test(test_outcome_none),
        cmocka_unit_test(test_outcome_two),
        cmocka_unit_test(test_outcome_retired),
        cmocka_unit_test(test_outcome_maintenance_redirect),
        cmocka_unit_test(test_routes_required),
        cmocka_unit_test(test_routes_not_array),
        cmocka_unit_test(test_routes_empty),
        cmocka_unit_test(test_route_not_object),
        cmocka_unit_test(test_route_unknown_key),
        cmocka_unit_test(test_path_required),
        cmocka_unit_test(test_path_not_string),
        cmocka_unit_test(test_path_slash),
        cmocka_unit_test(test_path_length),
        cmocka_unit_test(test_path_control),
        cmocka_unit_test(test_path_query),
        cmocka_unit_test(test_path_fragment),
        cmocka_unit_test(test_path_percent),
        cmocka_unit_test(test_path_double_slash),
        cmocka_unit_test(test_path_dot_segment),
        cmocka_unit_test(test_path_normalised),
        cmocka_unit_test(test_route_lookup_after_add),
        cmocka_unit_test(test_match_invalid),
        cmocka_unit_test(test_match_not_string),
        cmocka_unit_test(test_strip_prefix_not_boolean),
        cmocka_unit_test(test_methods_not_array),
        cmocka_unit_test(test_methods_empty),
        cmocka_unit_test(test_methods_too_many),
        cmocka_unit_test(test_method_not_string),
        cmocka_unit_test(test_method_invalid),
        cmocka_unit_test(test_method_duplicate),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_backends_shared),
        cmocka_unit_test(test_find_service),
        cmocka_unit_test(test_methods_allow),
        cmocka_unit_test(test_host_port),
        cmocka_unit_test(test_host_invalid),
        cmocka_unit_test(test_host_not_string),
        cmocka_unit_test(test_host_normalised),
        cmocka_unit_test(test_conflict_in_manifest),
        cmocka_unit_test(test_conflict_same_service),
        cmocka_unit_test(test_conflict_host),
        cmocka_unit_test(test_conflict_other_manifest),
        cmocka_unit_test(test_no_conflict),
        cmocka_unit_test(test_conflict_table),
        cmocka_unit_test(test_backends_not_array),
        cmocka_unit_test(test_backends_empty),
        cmocka_unit_test(test_backends_too_many),
        cmocka_unit_test(test_backend_not_string),
        cmocka_unit_test(test_backend_scheme),
        cmocka_unit_test(test_backend_user_info),
        cmocka_unit_test(test_backend_path),
        cmocka_unit_test(test_backend_no_host),
        cmocka_unit_test(test_backend_host_invalid),
        cmocka_unit_test(test_backend_host_too_long),
        cmocka_unit_test(test_backend_spaces),
        cmocka_unit_test(test_backend_ipv6_brackets),
        cmocka_unit_test(test_backend_ipv6_invalid),
        cmocka_unit_test(test_backend_port),
        cmocka_unit_test(test_backend_mixed_schemes),
        cmocka_unit_test(test_backend_parsing),
        cmocka_unit_test(test_backend_host_header),
        cmocka_unit_test(test_host_header_invalid),
        cmocka_unit_test(test_host_header_not_string),
        cmocka_unit_test(test_host_header_needs_backends),
        cmocka_unit_test(test_backend_handler),
        cmocka_unit_test(test_backend_handler_error),
        cmocka_unit_test(test_redirect_not_object),
        cmocka_unit_test(test_redirect_unknown_key),
        cmocka_unit_test(test_redirect_to_required),
        cmocka_unit_test(test_redirect_to_not_string),
        cmocka_unit_test(test_redirect_to_invalid),
        cmocka_unit_test(test_redirect_to_protocol_relative),
        cmocka_unit_test(test_redirect_to_backslash),
        cmocka_unit_test(test_redirect_to_spaces),
        cmocka_unit_test(test_redirect_to_url_invalid),
        cmocka_unit_test(test_redirect_to_length),
        cmocka_unit_test(test_redirect_code_invalid),
        cmocka_unit_test(test_redirect_code_not_integer),
        cmocka_unit_test(test_redirect_keep_not_boolean),
        cmocka_unit_test(test_redirect_split),
        cmocka_unit_test(test_redirect_loop),
        cmocka_unit_test(test_redirect_no_loop),
        cmocka_unit_test(test_echo_sanitized),
        cmocka_unit_test(test_echo_cut),
        cmocka_unit_test(test_echo_file_name),
        cmocka_unit_test(test_error_truncated),
        cmocka_unit_test(test_failed_manifest_leaves_nothing),
        cmocka_unit_test(test_many_manifests),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_hostile_mutations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
