
/*
 * Copyright (C) ngx_catalog developers
 */


#include <string.h>
#include <strings.h>

#include <catalog_buf.h>
#include <catalog_uri.h>
#include <catalog_page.h>


typedef enum {
    CATALOG_PAGE_NOT_FOUND = 0,
    CATALOG_PAGE_NOT_ALLOWED,
    CATALOG_PAGE_GONE,
    CATALOG_PAGE_MAINTENANCE,
    CATALOG_PAGE_EMPTY,
    CATALOG_PAGE_OTHER
} catalog_page_kind_e;


static catalog_page_kind_e catalog_page_kind(const catalog_page_t *pg);
static void catalog_page_section(catalog_buf_t *b,
    const catalog_page_t *pg, catalog_page_kind_e kind, unsigned en);
static void catalog_page_service(catalog_buf_t *b,
    const catalog_service_t *service, unsigned en);
static void catalog_page_link(catalog_buf_t *b, const catalog_str_t *url,
    const char *label);
static int catalog_page_link_safe(const catalog_str_t *url);
static unsigned catalog_page_range_json(const char *p, const char *end);
static const char *catalog_page_ows(const char *p, const char *end);
static void catalog_page_json_member(catalog_buf_t *b, const char *name,
    const catalog_str_t *value);


/* the titles in Bahasa Indonesia and in English, by kind */

static const char  *catalog_page_titles[][2] = {
    { "Halaman tidak ditemukan", "Page not found" },
    { "Metode tidak diizinkan", "Method not allowed" },
    { "Layanan sudah tidak tersedia", "This service has been retired" },
    { "Layanan sedang dalam pemeliharaan", "Service under maintenance" },
    { "Layanan belum tersedia", "No services are available yet" },
    { "Permintaan tidak dapat dilayani", "The request could not be served" }
};


static const char  catalog_page_head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"id\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "\n"
    "<meta name=\"robots\" content=\"noindex\">\n"
    "<title>";


static const char  catalog_page_style[] =
    "</title>\n"
    "<style>\n"
    "body{margin:0;padding:1rem;background:#f4f6f8;color:#1b1f24;"
    "font:1.0625rem/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "sans-serif}\n"
    "main{max-width:38rem;margin:1.5rem auto;padding:1.25rem 1.5rem;"
    "background:#fff;border:1px solid #d5dbe1;border-radius:.5rem}\n"
    "h1,h2{font-size:1.375rem;line-height:1.3;margin:0 0 .75rem}\n"
    "p{margin:0 0 .75rem}\n"
    ".code{color:#5a6470;font-size:.9375rem}\n"
    ".msg{margin:0 0 .75rem;padding:.5rem .75rem;white-space:pre-line;"
    "background:#fff8e1;border-left:4px solid #f0b400}\n"
    "a{color:#0b57d0}\n"
    "hr{border:0;border-top:1px solid #d5dbe1;margin:1.25rem 0}\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<main>\n"
    "<p class=\"code\">";


static const char  catalog_page_tail[] =
    "</section>\n"
    "</main>\n"
    "</body>\n"
    "</html>\n";


size_t
catalog_page_html(char *dst, const catalog_page_t *pg)
{
    catalog_buf_t   b;
    catalog_page_kind_e  kind;

    b.dst = dst;
    b.len = 0;

    kind = catalog_page_kind(pg);

    catalog_buf_literal(&b, catalog_page_head);
    catalog_buf_cstr(&b, catalog_page_titles[kind][0]);
    catalog_buf_literal(&b, " / ");
    catalog_buf_cstr(&b, catalog_page_titles[kind][1]);
    catalog_buf_literal(&b, catalog_page_style);
    catalog_buf_number(&b, pg->status);
    catalog_buf_literal(&b, "</p>\n<section>\n");

    catalog_page_section(&b, pg, kind, 0);

    catalog_buf_literal(&b, "</section>\n<hr>\n<section lang=\"en\">\n");

    catalog_page_section(&b, pg, kind, 1);

    catalog_buf_literal(&b, catalog_page_tail);

    return b.len;
}


static catalog_page_kind_e
catalog_page_kind(const catalog_page_t *pg)
{
    switch (pg->status) {

    case 404:
        return CATALOG_PAGE_NOT_FOUND;

    case 405:
        return CATALOG_PAGE_NOT_ALLOWED;

    case 410:
        return CATALOG_PAGE_GONE;

    case 503:
        return pg->service ? CATALOG_PAGE_MAINTENANCE : CATALOG_PAGE_EMPTY;

    default:
        return CATALOG_PAGE_OTHER;
    }
}


static void
catalog_page_section(catalog_buf_t *b, const catalog_page_t *pg,
    catalog_page_kind_e kind, unsigned en)
{
    catalog_buf_cstr(b, en ? "<h2>" : "<h1>");
    catalog_buf_cstr(b, catalog_page_titles[kind][en]);
    catalog_buf_cstr(b, en ? "</h2>\n" : "</h1>\n");

    switch (kind) {

    case CATALOG_PAGE_NOT_FOUND:
        catalog_buf_cstr(b, en
            ? "<p>This address is not in the service catalog.</p>\n"
            : "<p>Alamat ini tidak terdaftar di katalog layanan.</p>\n");
        break;

    case CATALOG_PAGE_NOT_ALLOWED:
        if (pg->service) {
            catalog_page_service(b, pg->service, en);
            catalog_buf_cstr(b, en
                ? " does not accept this request method.</p>\n"
                : " tidak menerima metode permintaan ini.</p>\n");

        } else {
            catalog_buf_cstr(b, en
                ? "<p>This address does not accept this request method."
                  "</p>\n"
                : "<p>Alamat ini tidak menerima metode permintaan ini."
                  "</p>\n");
        }

        if (pg->allow.len) {
            catalog_buf_cstr(b, en ? "<p>Allowed methods: "
                                    : "<p>Metode yang diizinkan: ");
            catalog_buf_html(b, &pg->allow);
            catalog_buf_literal(b, "</p>\n");
        }

        break;

    case CATALOG_PAGE_GONE:
        if (pg->service) {
            catalog_page_service(b, pg->service, en);
            catalog_buf_cstr(b, en ? " has been retired.</p>\n"
                                    : " sudah dihentikan.</p>\n");

        } else {
            catalog_buf_cstr(b, en
                ? "<p>The service at this address has been retired.</p>\n"
                : "<p>Layanan di alamat ini sudah dihentikan.</p>\n");
        }

        if (pg->successor.len) {
            catalog_buf_literal(b, "<p>");
            catalog_page_link(b, &pg->successor,
                              en ? "Use the replacement service"
                                 : "Gunakan layanan pengganti");
            catalog_buf_literal(b, "</p>\n");
        }

        break;

    case CATALOG_PAGE_MAINTENANCE:
        catalog_page_service(b, pg->service, en);
        catalog_buf_cstr(b, en
            ? " is under maintenance. Please try again later.</p>\n"
            : " sedang dalam pemeliharaan. Silakan coba lagi nanti.</p>\n");

        /* the message is the agency's own text: shown once, on top */

        if (pg->message.len && !en) {
            catalog_buf_literal(b, "<p class=\"msg\">");
            catalog_buf_html(b, &pg->message);
            catalog_buf_literal(b, "</p>\n");
        }

        if (pg->until.len) {
            catalog_buf_cstr(b, en ? "<p>Expected back: "
                                    : "<p>Perkiraan selesai: ");
            catalog_buf_html(b, &pg->until);
            catalog_buf_literal(b, "</p>\n");
        }

        break;

    case CATALOG_PAGE_EMPTY:
        catalog_buf_cstr(b, en
            ? "<p>The service catalog does not list any service yet. "
              "Please try again later.</p>\n"
            : "<p>Katalog belum memuat layanan apa pun. "
              "Silakan coba lagi nanti.</p>\n");
        break;

    default:
        break;
    }

    catalog_buf_literal(b, "<p>");
    catalog_page_link(b, &pg->portal, en ? "Search the service catalog"
                                         : "Cari layanan di portal");
    catalog_buf_literal(b, "</p>\n");
}


/* "<p>Layanan <strong>NAME</strong> dari AGENCY", the sentence goes on */

static void
catalog_page_service(catalog_buf_t *b, const catalog_service_t *service,
    unsigned en)
{
    const catalog_str_t  *name;

    catalog_buf_cstr(b, en ? "<p>The service <strong>"
                            : "<p>Layanan <strong>");

    name = service->name.len ? &service->name : &service->key;
    catalog_buf_html(b, name);

    catalog_buf_literal(b, "</strong>");

    if (service->agency == NULL) {
        return;
    }

    name = service->agency->name.len ? &service->agency->name
                                     : &service->agency->id;

    if (name->len) {
        catalog_buf_cstr(b, en ? " from " : " dari ");
        catalog_buf_html(b, name);
    }
}


static void
catalog_page_link(catalog_buf_t *b, const catalog_str_t *url,
    const char *label)
{
    if (catalog_page_link_safe(url)) {
        catalog_buf_literal(b, "<a href=\"");
        catalog_buf_html(b, url);
        catalog_buf_literal(b, "\">");
        catalog_buf_cstr(b, label);
        catalog_buf_literal(b, "</a>");
        return;
    }

    /* not a link a browser may follow: the address as text, if any */

    catalog_buf_cstr(b, label);

    if (url->len) {
        catalog_buf_literal(b, ": ");
        catalog_buf_html(b, url);
    }
}


/*
 * a link is "/path" (not "//host", nor "/\host" that browsers read as
 * "//host"), "http://..." or "https://...", with no control characters
 * (browsers drop tabs and newlines, "/\t/host" would become "//host")
 */

static int
catalog_page_link_safe(const catalog_str_t *url)
{
    size_t       i;
    const char  *p;

    p = url->data;

    if (url->len == 0) {
        return 0;
    }

    if (p[0] == '/') {
        if (url->len > 1 && (p[1] == '/' || p[1] == '\\')) {
            return 0;
        }

    } else if (!(url->len > 7 && strncasecmp(p, "http://", 7) == 0)
               && !(url->len > 8 && strncasecmp(p, "https://", 8) == 0))
    {
        return 0;
    }

    for (i = 0; i < url->len; i++) {
        if ((unsigned char) p[i] < 0x20 || p[i] == 0x7f) {
            return 0;
        }
    }

    return 1;
}


size_t
catalog_page_json(char *dst, const catalog_page_t *pg)
{
    catalog_str_t        message;
    catalog_buf_t   b;
    catalog_page_kind_e  kind;

    b.dst = dst;
    b.len = 0;

    kind = catalog_page_kind(pg);

    if (kind == CATALOG_PAGE_MAINTENANCE && pg->message.len) {
        message = pg->message;

    } else {
        message.data = catalog_page_titles[kind][0];
        message.len = strlen(message.data);
    }

    catalog_buf_literal(&b, "{\"error\": {\"code\": ");
    catalog_buf_number(&b, pg->status);
    catalog_page_json_member(&b, "message", &message);

    if (pg->service) {
        catalog_page_json_member(&b, "service", &pg->service->key);
    }

    if (kind == CATALOG_PAGE_NOT_ALLOWED && pg->allow.len) {
        catalog_page_json_member(&b, "allow", &pg->allow);
    }

    if (kind == CATALOG_PAGE_GONE && pg->successor.len) {
        catalog_page_json_member(&b, "successor", &pg->successor);
    }

    if (kind == CATALOG_PAGE_MAINTENANCE && pg->until.len) {
        catalog_page_json_member(&b, "until", &pg->until);
    }

    catalog_buf_literal(&b, "}}");

    return b.len;
}


/* ", \"name\": \"value\"" */

static void
catalog_page_json_member(catalog_buf_t *b, const char *name,
    const catalog_str_t *value)
{
    catalog_buf_literal(b, ", \"");
    catalog_buf_cstr(b, name);
    catalog_buf_literal(b, "\": \"");
    catalog_buf_json(b, value);
    catalog_buf_literal(b, "\"");
}


/*
 * Accept: a comma-separated list of media ranges, each with optional
 * ";name=value" parameters, "q" among them (RFC 9110, 12.5.1).  A range
 * is compared as a whole token, so that "application/jsonx" is not JSON,
 * and "q=0" refuses a type rather than asking for it.  Commas inside a
 * quoted parameter value are not looked for: no client sends them.
 */

unsigned
catalog_page_accepts_json(const char *p, size_t len)
{
    const char  *end, *comma;

    end = p + len;

    while (p < end) {
        comma = memchr(p, ',', (size_t) (end - p));
        if (comma == NULL) {
            comma = end;
        }

        if (catalog_page_range_json(p, comma)) {
            return 1;
        }

        p = comma + 1;
    }

    return 0;
}


static unsigned
catalog_page_range_json(const char *p, const char *end)
{
    unsigned  digits;

    p = catalog_page_ows(p, end);

    if ((size_t) (end - p) < sizeof("application/json") - 1
        || strncasecmp(p, "application/json", sizeof("application/json") - 1)
           != 0)
    {
        return 0;
    }

    p = catalog_page_ows(p + sizeof("application/json") - 1, end);

    while (p < end) {

        if (*p != ';') {
            return 0;    /* "application/json-seq" and the like */
        }

        p = catalog_page_ows(p + 1, end);

        if (end - p >= 2 && (*p == 'q' || *p == 'Q') && p[1] == '=') {

            /* a quality is "0" or "1" with up to three decimals */

            digits = 0;

            for (p = catalog_page_ows(p + 2, end); p < end; p++) {
                if (*p >= '1' && *p <= '9') {
                    return 1;
                }

                if (*p == '0') {
                    digits++;

                } else if (*p != '.') {
                    break;
                }
            }

            /*
             * "q=0", "q=0.000": refused; a quality with no digit is a
             * mistake of the client, not a refusal
             */

            return digits == 0;
        }

        while (p < end && *p != ';') {
            p++;
        }
    }

    return 1;
}


static const char *
catalog_page_ows(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    return p;
}
