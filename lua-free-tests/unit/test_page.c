
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
#include <jansson.h>

#include <catalog_uri.h>
#include <catalog_page.h>


typedef size_t (*page_pt)(char *dst, const catalog_page_t *pg);


typedef struct {
    catalog_agency_t              agency;
    catalog_service_t             service;
    catalog_page_t                page;
} page_ctx_t;


static int setup(void **state);
static int teardown(void **state);
static catalog_str_t str(const char *s);
static char *render(page_pt fn, const catalog_page_t *pg);
static void check_has(const char *doc, const char *s);
static void check_lacks(const char *doc, const char *s);
static void check_order(const char *doc, const char *a, const char *b);
static void check_count(const char *doc, const char *s, unsigned n);
static void check_document(const char *doc);
static void check_json(const catalog_page_t *pg, const char *expected);
static char *html(page_ctx_t *ctx);
static unsigned accepts(const char *value);


static int
setup(void **state)
{
    page_ctx_t  *ctx;

    ctx = calloc(1, sizeof(page_ctx_t));
    if (ctx == NULL) {
        return -1;
    }

    ctx->agency.id = str("dukcapil");
    ctx->agency.name =
        str("Direktorat Jenderal Kependudukan dan Pencatatan Sipil");

    ctx->service.key = str("dukcapil/ktp-elektronik");
    ctx->service.id = str("ktp-elektronik");
    ctx->service.name = str("KTP Elektronik");
    ctx->service.agency = &ctx->agency;

    ctx->page.portal = str("/");

    *state = ctx;

    return 0;
}


static int
teardown(void **state)
{
    free(*state);

    return 0;
}


static catalog_str_t
str(const char *s)
{
    catalog_str_t  v;

    v.data = s;
    v.len = strlen(s);

    return v;
}


/*
 * renders into a buffer of exactly the measured size (ASan catches one
 * byte more), then returns a NUL-terminated copy
 */

static char *
render(page_pt fn, const catalog_page_t *pg)
{
    char    *buf, *s;
    size_t   n, m;

    n = fn(NULL, pg);
    assert_true(n > 0);

    buf = malloc(n);
    assert_non_null(buf);

    m = fn(buf, pg);
    assert_int_equal(m, n);

    s = malloc(n + 1);
    assert_non_null(s);

    memcpy(s, buf, n);
    s[n] = '\0';

    free(buf);

    /* no NUL inside: the length is the whole document */

    assert_int_equal(strlen(s), n);

    return s;
}


static void
check_has(const char *doc, const char *s)
{
    if (strstr(doc, s) == NULL) {
        fail_msg("\"%s\" not found in:\n%s", s, doc);
    }
}


static void
check_lacks(const char *doc, const char *s)
{
    if (strstr(doc, s) != NULL) {
        fail_msg("\"%s\" found in:\n%s", s, doc);
    }
}


static void
check_order(const char *doc, const char *a, const char *b)
{
    const char  *pa, *pb;

    pa = strstr(doc, a);
    pb = strstr(doc, b);

    if (pa == NULL || pb == NULL || pa >= pb) {
        fail_msg("\"%s\" is not before \"%s\" in:\n%s", a, b, doc);
    }
}


static void
check_count(const char *doc, const char *s, unsigned n)
{
    unsigned     k;
    const char  *p;

    k = 0;

    for (p = strstr(doc, s); p; p = strstr(p + 1, s)) {
        k++;
    }

    if (k != n) {
        fail_msg("\"%s\" found %u times, not %u, in:\n%s", s, k, n, doc);
    }
}


/* what every page holds: a complete HTML5 document, id first, then en */

static void
check_document(const char *doc)
{
    char         close[16];
    size_t       i, len;
    unsigned     n;
    const char  *p;

    static const char  *tags[] = {
        "html", "head", "title", "style", "body", "main", "section", "p",
        "a", "strong", "h1", "h2"
    };

    assert_true(strncmp(doc, "<!DOCTYPE html>\n<html lang=\"id\">\n", 33)
                == 0);

    check_has(doc, "<meta charset=\"utf-8\">");
    check_has(doc, "<meta name=\"viewport\" "
                   "content=\"width=device-width, initial-scale=1\">");
    check_has(doc, "<title>");
    check_has(doc, "<style>");
    check_has(doc, "<section lang=\"en\">");
    check_order(doc, "<h1>", "<section lang=\"en\">");
    check_order(doc, "<section lang=\"en\">", "<h2>");
    check_count(doc, "<h1>", 1);
    check_count(doc, "<h2>", 1);
    check_count(doc, "<hr>", 1);

    len = strlen(doc);
    assert_true(len > 20);
    assert_string_equal(doc + len - 8, "</html>\n");

    /* nothing runs, nothing is fetched */

    check_lacks(doc, "<script");
    check_lacks(doc, "<img");
    check_lacks(doc, "<iframe");
    check_lacks(doc, "<link");
    check_lacks(doc, "url(");
    check_lacks(doc, "@import");

    /* every element that opens is closed */

    for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        len = strlen(tags[i]);
        n = 0;

        for (p = strchr(doc, '<'); p; p = strchr(p + 1, '<')) {
            if (strncmp(p + 1, tags[i], len) == 0
                && (p[len + 1] == '>' || p[len + 1] == ' '))
            {
                n++;
            }
        }

        snprintf(close, sizeof(close), "</%s>", tags[i]);
        check_count(doc, close, n);
    }
}


static void
check_json(const catalog_page_t *pg, const char *expected)
{
    char          *doc;
    json_t        *j;
    json_error_t   err;

    doc = render(catalog_page_json, pg);

    assert_string_equal(doc, expected);

    j = json_loads(doc, 0, &err);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "error"), "code")),
                     pg->status);

    json_decref(j);
    free(doc);
}


static char *
html(page_ctx_t *ctx)
{
    char  *doc;

    doc = render(catalog_page_html, &ctx->page);
    check_document(doc);

    return doc;
}


static void
test_html_404(void **state)
{
    char        *doc;
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 404;

    doc = html(ctx);

    check_has(doc, "<title>Halaman tidak ditemukan / Page not found</title>");
    check_has(doc, "<p class=\"code\">404</p>");
    check_has(doc, "<h1>Halaman tidak ditemukan</h1>");
    check_has(doc, "<h2>Page not found</h2>");
    check_has(doc, "<a href=\"/\">Cari layanan di portal</a>");
    check_has(doc, "<a href=\"/\">Search the service catalog</a>");
    check_order(doc, "Cari layanan di portal", "<h2>Page not found");
    check_count(doc, "href=", 2);

    free(doc);
}


static void
test_html_portal(void **state)
{
    char        *doc;
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 404;
    ctx->page.portal = str("https://layanan.example.go.id/cari?a=1&b=2");

    doc = html(ctx);

    check_count(doc, "<a href=\"https://layanan.example.go.id/cari"
                     "?a=1&amp;b=2\">", 2);

    free(doc);

    /* no portal at all: the words without a link */

    ctx->page.portal = str("");

    doc = html(ctx);

    check_has(doc, "<p>Cari layanan di portal</p>");
    check_has(doc, "<p>Search the service catalog</p>");
    check_lacks(doc, "href");

    free(doc);
}


static void
test_html_405(void **state)
{
    char        *doc;
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 405;
    ctx->page.service = &ctx->service;
    ctx->page.allow = str("GET, HEAD");

    doc = html(ctx);

    check_has(doc, "<h1>Metode tidak diizinkan</h1>");
    check_has(doc, "<h2>Method not allowed</h2>");
    check_has(doc, "<p class=\"code\">405</p>");
    check_has(doc, "<p>Layanan <strong>KTP Elektronik</strong> dari "
                   "Direktorat Jenderal Kependudukan dan Pencatatan Sipil "
                   "tidak menerima metode permintaan ini.</p>");
    check_has(doc, "<p>The service <strong>KTP Elektronik</strong> from "
                   "Direktorat Jenderal Kependudukan dan Pencatatan Sipil "
                   "does not accept this request method.</p>");
    check_has(doc, "<p>Metode yang diizinkan: GET, HEAD</p>");
    check_has(doc, "<p>Allowed methods: GET, HEAD</p>");
    check_count(doc, "href=\"/\"", 2);

    free(doc);

    ctx->page.service = NULL;
    ctx->page.allow = str("");

    doc = html(ctx);

    check_has(doc, "<p>Alamat ini tidak menerima metode permintaan ini.</p>");
    check_has(doc, "<p>This address does not accept this request method."
                   "</p>");
    check_lacks(doc, "Metode yang diizinkan");
    check_lacks(doc, "Allowed methods");

    free(doc);
}


static void
test_html_410(void **state)
{
    char        *doc;
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 410;
    ctx->page.service = &ctx->service;
    ctx->page.successor = str("https://karirhub.example.go.id/");

    doc = html(ctx);

    check_has(doc, "<title>Layanan sudah tidak tersedia / "
                   "This service has been retired</title>");
    check_has(doc, "<h1>Layanan sudah tidak tersedia</h1>");
    check_has(doc, "<h2>This service has been retired</h2>");
    check_has(doc, "<p>Layanan <strong>KTP Elektronik</strong> dari "
                   "Direktorat Jenderal Kependudukan dan Pencatatan Sipil "
                   "sudah dihentikan.</p>");
    check_has(doc, "<p>The service <strong>KTP Elektronik</strong> from "
                   "Direktorat Jenderal Kependudukan dan Pencatatan Sipil "
                   "has been retired.</p>");
    check_has(doc, "<a href=\"https://karirhub.example.go.id/\">"
                   "Gunakan layanan pengganti</a>");
    check_has(doc, "<a href=\"https://karirhub.example.go.id/\">"
                   "Use the replacement service</a>");
    check_order(doc, "Gunakan layanan pengganti", "Cari layanan di portal");
    check_count(doc, "href=\"/\"", 2);

    free(doc);

    /* a successor that is a service: the caller gives its unified URL */

    ctx->page.successor = str("/kemnaker/karirhub");

    doc = html(ctx);

    check_count(doc, "<a href=\"/kemnaker/karirhub\">", 2);

    free(doc);

    ctx->page.successor = str("");

    doc = html(ctx);

    check_lacks(doc, "pengganti");
    check_lacks(doc, "replacement");
    check_count(doc, "href=", 2);

    free(doc);

    /* no service: the generic sentence */

    ctx->page.service = NULL;

    doc = html(ctx);

    check_has(doc, "<p>Layanan di alamat ini sudah dihentikan.</p>");
    check_has(doc, "<p>The service at this address has been retired.</p>");

    free(doc);
}


static void
test_html_links_safe(void **state)
{
    char        *doc, *text;
    size_t       i, n;
    page_ctx_t  *ctx;

    static const char  *bad[] = {
        "javascript:alert(1)", "JavaScript:alert(1)", " /x",
        "//evil.example/", "/\\evil.example", "/\t/evil.example",
        "/x\ny", "/x\x7f", "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox", "http://", "https://", "https:/x", "http:x",
        "ftp://a.example/", "karirhub.example.go.id", "#x", "?x", "\\x"
    };

    static const char  *good[] = {
        "/", "/x", "/x/y?z=1#w", "http://a.example", "https://a.example/x",
        "HTTPS://A.EXAMPLE/"
    };

    ctx = *state;
    ctx->page.status = 410;
    ctx->page.service = &ctx->service;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ctx->page.successor = str(bad[i]);

        doc = html(ctx);

        check_count(doc, "href=", 2);

        /* shown as text, escaped */

        check_has(doc, "<p>Gunakan layanan pengganti: ");
        check_has(doc, "<p>Use the replacement service: ");

        n = strlen(bad[i]) * 6 + 1;
        text = malloc(n);
        assert_non_null(text);

        text[catalog_escape_html(text, bad[i], strlen(bad[i]))] = '\0';
        check_count(doc, text, 2);

        free(text);
        free(doc);
    }

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ctx->page.successor = str(good[i]);

        doc = html(ctx);

        check_count(doc, "href=", 4);
        check_lacks(doc, "pengganti: ");

        free(doc);
    }

    /* the portal follows the same rule */

    ctx->page.successor = str("");
    ctx->page.portal = str("javascript:alert(1)");

    doc = html(ctx);

    check_lacks(doc, "href=");
    check_has(doc, "<p>Cari layanan di portal: javascript:alert(1)</p>");

    free(doc);
}


static void
test_html_503_maintenance(void **state)
{
    char        *doc;
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 503;
    ctx->page.service = &ctx->service;
    ctx->page.message = str("Pemeliharaan server hingga pukul 10.00 WIB.");
    ctx->page.until = str("2026-12-01T08:00:00+07:00");

    doc = html(ctx);

    check_has(doc, "<title>Layanan sedang dalam pemeliharaan / "
                   "Service under maintenance</title>");
    check_has(doc, "<p class=\"code\">503</p>");
    check_has(doc, "<h1>Layanan sedang dalam pemeliharaan</h1>");
    check_has(doc, "<h2>Service under maintenance</h2>");
    check_has(doc, "<p>Layanan <strong>KTP Elektronik</strong> dari "
                   "Direktorat Jenderal Kependudukan dan Pencatatan Sipil "
                   "sedang dalam pemeliharaan. Silakan coba lagi nanti.</p>");
    check_has(doc, "<p>The service <strong>KTP Elektronik</strong> from "
                   "Direktorat Jenderal Kependudukan dan Pencatatan Sipil "
                   "is under maintenance. Please try again later.</p>");
    check_has(doc, "<p class=\"msg\">Pemeliharaan server hingga pukul "
                   "10.00 WIB.</p>");
    check_count(doc, "Pemeliharaan server", 1);
    check_order(doc, "Pemeliharaan server", "<section lang=\"en\">");
    check_has(doc, "<p>Perkiraan selesai: 2026-12-01T08:00:00+07:00</p>");
    check_has(doc, "<p>Expected back: 2026-12-01T08:00:00+07:00</p>");
    check_order(doc, "Perkiraan selesai", "Expected back");
    check_count(doc, "href=\"/\"", 2);

    free(doc);

    ctx->page.message = str("");
    ctx->page.until = str("");

    doc = html(ctx);

    check_lacks(doc, "class=\"msg\"");
    check_lacks(doc, "Perkiraan selesai");
    check_lacks(doc, "Expected back");

    free(doc);
}


static void
test_html_503_empty(void **state)
{
    char        *doc;
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 503;

    doc = html(ctx);

    check_has(doc, "<title>Layanan belum tersedia / "
                   "No services are available yet</title>");
    check_has(doc, "<h1>Layanan belum tersedia</h1>");
    check_has(doc, "<h2>No services are available yet</h2>");
    check_has(doc, "Silakan coba lagi nanti.");
    check_has(doc, "Please try again later.");
    check_has(doc, "<a href=\"/\">Cari layanan di portal</a>");
    check_has(doc, "<a href=\"/\">Search the service catalog</a>");
    check_lacks(doc, "pemeliharaan");

    free(doc);
}


static void
test_html_other_status(void **state)
{
    char        *doc;
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 500;

    doc = html(ctx);

    check_has(doc, "<p class=\"code\">500</p>");
    check_has(doc, "<h1>Permintaan tidak dapat dilayani</h1>");
    check_has(doc, "<h2>The request could not be served</h2>");
    check_count(doc, "href=\"/\"", 2);

    free(doc);
}


static void
test_html_names(void **state)
{
    char        *doc;
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 410;
    ctx->page.service = &ctx->service;

    /* no name: the catalog key; no agency name: the agency id */

    ctx->service.name = str("");
    ctx->agency.name = str("");

    doc = html(ctx);

    check_has(doc, "<p>Layanan <strong>dukcapil/ktp-elektronik</strong> "
                   "dari dukcapil sudah dihentikan.</p>");

    free(doc);

    ctx->service.agency = NULL;

    doc = html(ctx);

    check_has(doc, "<p>Layanan <strong>dukcapil/ktp-elektronik</strong> "
                   "sudah dihentikan.</p>");
    check_has(doc, "<p>The service <strong>dukcapil/ktp-elektronik</strong> "
                   "has been retired.</p>");

    free(doc);
}


static void
test_html_hostile(void **state)
{
    char        *doc;
    unsigned     i;
    page_ctx_t  *ctx;

    static const unsigned  statuses[] = { 404, 405, 410, 503, 500 };

    ctx = *state;
    ctx->service.name = str("<script>alert(1)</script>");
    ctx->agency.name = str("Dinas \"A\" & 'B'");
    ctx->page.service = &ctx->service;
    ctx->page.message = str("<img src=x onerror=alert(1)>\n</p><script>");
    ctx->page.until = str("<i>besok</i>");
    ctx->page.allow = str("GET<b>");
    ctx->page.portal = str("/\"><script>alert(1)</script>");
    ctx->page.successor = str("/x\" onclick=\"alert(1)");

    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        ctx->page.status = statuses[i];

        doc = html(ctx);

        check_lacks(doc, "<script");
        check_lacks(doc, "<img");
        check_lacks(doc, "<i>");
        check_lacks(doc, "<b>");
        check_lacks(doc, "\" onclick");
        check_count(doc, "<a href=\"/&quot;&gt;&lt;script&gt;alert(1)"
                         "&lt;/script&gt;\">", 2);

        if (ctx->page.status == 405 || ctx->page.status == 410
            || ctx->page.status == 503)
        {
            check_count(doc, "<strong>&lt;script&gt;alert(1)&lt;/script&gt;"
                             "</strong>", 2);
            check_count(doc, "Dinas &quot;A&quot; &amp; &#39;B&#39;", 2);
        }

        if (ctx->page.status == 405) {
            check_count(doc, "GET&lt;b&gt;", 2);
        }

        if (ctx->page.status == 410) {
            check_count(doc, "<a href=\"/x&quot; onclick=&quot;alert(1)\">",
                        2);
        }

        if (ctx->page.status == 503) {
            check_has(doc, "<p class=\"msg\">&lt;img src=x "
                           "onerror=alert(1)&gt;\n&lt;/p&gt;&lt;script&gt;"
                           "</p>");
            check_count(doc, "&lt;i&gt;besok&lt;/i&gt;", 2);
        }

        free(doc);
    }
}


/* every combination: measured == written, exact buffers, valid JSON */

static void
test_sizes(void **state)
{
    char          *doc;
    json_t        *j, *e;
    unsigned       i, k, bits;
    page_ctx_t    *ctx;
    json_error_t   err;

    static const unsigned  statuses[] = { 200, 404, 405, 410, 500, 503 };

    ctx = *state;

    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        for (bits = 0; bits < 64; bits++) {
            ctx->page.status = statuses[i];
            ctx->page.service = (bits & 1) ? &ctx->service : NULL;
            ctx->page.message = str((bits & 2) ? "Sedang \"diperbaiki\"" : "");
            ctx->page.until = str((bits & 4) ? "2026-12-01T08:00:00Z" : "");
            ctx->page.successor = str((bits & 8) ? "/baru" : "");
            ctx->page.portal = str((bits & 16) ? "/portal/" : "");
            ctx->page.allow = str((bits & 32) ? "GET, HEAD, POST" : "");

            doc = html(ctx);
            free(doc);

            doc = render(catalog_page_json, &ctx->page);

            j = json_loads(doc, 0, &err);
            assert_non_null(j);
            assert_int_equal(json_object_size(j), 1);

            e = json_object_get(j, "error");
            assert_true(json_is_object(e));
            assert_int_equal(json_integer_value(json_object_get(e, "code")),
                             statuses[i]);
            assert_true(json_is_string(json_object_get(e, "message")));

            k = 2 + (ctx->page.service != NULL);
            k += statuses[i] == 405 && (bits & 32);
            k += statuses[i] == 410 && (bits & 8);
            k += statuses[i] == 503 && (bits & 1) && (bits & 4);
            assert_int_equal(json_object_size(e), k);

            json_decref(j);
            free(doc);
        }
    }
}


static void
test_json_shapes(void **state)
{
    page_ctx_t  *ctx;

    ctx = *state;

    ctx->page.status = 404;
    check_json(&ctx->page,
               "{\"error\": {\"code\": 404, "
               "\"message\": \"Halaman tidak ditemukan\"}}");

    ctx->page.status = 405;
    check_json(&ctx->page,
               "{\"error\": {\"code\": 405, "
               "\"message\": \"Metode tidak diizinkan\"}}");

    ctx->page.service = &ctx->service;
    ctx->page.allow = str("GET, HEAD");
    check_json(&ctx->page,
               "{\"error\": {\"code\": 405, "
               "\"message\": \"Metode tidak diizinkan\", "
               "\"service\": \"dukcapil/ktp-elektronik\", "
               "\"allow\": \"GET, HEAD\"}}");

    ctx->page.status = 410;
    ctx->page.allow = str("");
    check_json(&ctx->page,
               "{\"error\": {\"code\": 410, "
               "\"message\": \"Layanan sudah tidak tersedia\", "
               "\"service\": \"dukcapil/ktp-elektronik\"}}");

    ctx->page.successor = str("https://karirhub.example.go.id/");
    check_json(&ctx->page,
               "{\"error\": {\"code\": 410, "
               "\"message\": \"Layanan sudah tidak tersedia\", "
               "\"service\": \"dukcapil/ktp-elektronik\", "
               "\"successor\": \"https://karirhub.example.go.id/\"}}");

    ctx->page.status = 503;
    ctx->page.successor = str("");
    check_json(&ctx->page,
               "{\"error\": {\"code\": 503, "
               "\"message\": \"Layanan sedang dalam pemeliharaan\", "
               "\"service\": \"dukcapil/ktp-elektronik\"}}");

    ctx->page.message = str("Pemeliharaan hingga pukul 10.00 WIB");
    ctx->page.until = str("2026-12-01T08:00:00+07:00");
    check_json(&ctx->page,
               "{\"error\": {\"code\": 503, "
               "\"message\": \"Pemeliharaan hingga pukul 10.00 WIB\", "
               "\"service\": \"dukcapil/ktp-elektronik\", "
               "\"until\": \"2026-12-01T08:00:00+07:00\"}}");

    ctx->page.service = NULL;
    ctx->page.message = str("");
    ctx->page.until = str("");
    check_json(&ctx->page,
               "{\"error\": {\"code\": 503, "
               "\"message\": \"Layanan belum tersedia\"}}");

    ctx->page.status = 500;
    check_json(&ctx->page,
               "{\"error\": {\"code\": 500, "
               "\"message\": \"Permintaan tidak dapat dilayani\"}}");
}


/* members that do not belong to the status are left out */

static void
test_json_irrelevant(void **state)
{
    page_ctx_t  *ctx;

    ctx = *state;
    ctx->page.status = 404;
    ctx->page.message = str("x");
    ctx->page.until = str("y");
    ctx->page.successor = str("/z");
    ctx->page.allow = str("GET");

    check_json(&ctx->page,
               "{\"error\": {\"code\": 404, "
               "\"message\": \"Halaman tidak ditemukan\"}}");

    ctx->page.status = 503;
    check_json(&ctx->page,
               "{\"error\": {\"code\": 503, "
               "\"message\": \"Layanan belum tersedia\"}}");
}


static void
test_json_hostile(void **state)
{
    char          *doc;
    json_t        *j, *e;
    page_ctx_t    *ctx;
    json_error_t   err;

    ctx = *state;
    ctx->page.status = 503;
    ctx->page.service = &ctx->service;
    ctx->service.key = str("a\"b/c\\d");
    ctx->page.message = str("Sedang \"perbaikan\"\n<b>&</b>\\ \x01 \xc3\xa9");
    ctx->page.until = str("</script>");

    check_json(&ctx->page,
               "{\"error\": {\"code\": 503, "
               "\"message\": \"Sedang \\\"perbaikan\\\"\\n"
               "\\u003cb\\u003e\\u0026\\u003c/b\\u003e\\\\ \\u0001 "
               "\xc3\xa9\", "
               "\"service\": \"a\\\"b/c\\\\d\", "
               "\"until\": \"\\u003c/script\\u003e\"}}");

    doc = render(catalog_page_json, &ctx->page);

    j = json_loads(doc, 0, &err);
    assert_non_null(j);

    e = json_object_get(j, "error");
    assert_string_equal(json_string_value(json_object_get(e, "message")),
                        "Sedang \"perbaikan\"\n<b>&</b>\\ \x01 \xc3\xa9");
    assert_string_equal(json_string_value(json_object_get(e, "service")),
                        "a\"b/c\\d");
    assert_string_equal(json_string_value(json_object_get(e, "until")),
                        "</script>");

    json_decref(j);
    free(doc);
}


static unsigned
accepts(const char *value)
{
    return catalog_page_accepts_json(value, strlen(value));
}


static void
test_accept_json(void **state)
{
    char  value[] = "application/json, text/html";

    (void) state;

    assert_true(accepts("application/json"));
    assert_true(accepts("Application/JSON"));
    assert_true(accepts("application/json; charset=utf-8"));
    assert_true(accepts("application/json;q=0.5"));
    assert_true(accepts("application/json ; q=1.000"));
    assert_true(accepts("application/json;Q=0.001"));
    assert_true(accepts("application/json;q="));
    assert_true(accepts("text/html, application/json"));
    assert_true(accepts("application/json, text/plain, */*"));
    assert_true(accepts("text/html;q=0.9,\tapplication/json;q=0.8"));
    assert_true(accepts("application/json;v=\"1\";q=0.1"));
    assert_true(accepts("text/plain,,application/json"));

    assert_false(accepts(""));
    assert_false(accepts(" "));
    assert_false(accepts("*/*"));
    assert_false(accepts("application/*"));
    assert_false(accepts("text/html"));
    assert_false(accepts("application/jsonx"));
    assert_false(accepts("application/json-seq"));
    assert_false(accepts("application/problem+json"));
    assert_false(accepts("x-application/json"));
    assert_false(accepts("application/jso"));
    assert_false(accepts("application/json;q=0"));
    assert_false(accepts("application/json; q=0.000"));
    assert_false(accepts("application/json;charset=utf-8;q=0.0"));
    assert_false(accepts("text/html, application/json;q=0"));
    assert_false(accepts("text/html,application/xhtml+xml,"
                         "application/xml;q=0.9,*/*;q=0.8"));

    /* the length is honoured: no read past it */
    assert_true(catalog_page_accepts_json(value, 16));
    assert_false(catalog_page_accepts_json(value, 15));
    assert_false(catalog_page_accepts_json(value, 0));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_html_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_portal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_405, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_410, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_links_safe, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_503_maintenance, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_503_empty, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_other_status, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_irrelevant, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_json_hostile, setup, teardown),
        cmocka_unit_test(test_accept_json)
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
