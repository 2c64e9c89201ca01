
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The keys of backends and of services' lists of them: one backend
 * however it is spelled, as far as the spellings are equivalent
 * (catalog_backend.c says which are), and the lists that may share
 * peers: for https backends only those with one TLS server name.  The
 * manifests are written with single quotes, which unit_load() turns into
 * double quotes.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog.h>
#include <catalog_backend.h>

#include "unit.h"


#define AGENCY  "'agency': {'id': 'a', 'name': 'A'}"

/* a service "id" on route "/id" with these backends and more fields */
#define SVC(id, backends, more)                                             \
    "{'id': '" id "', 'name': 'N', 'category': 'c', "                      \
    "'routes': [{'path': '/" id "'}], 'backends': [" backends "]" more "}"


static const char *backend_key(catalog_t *cat, const char *id,
    unsigned i);
static const char *backends_key(catalog_t *cat, const char *id);


/* the key of backend i of service "a/id", NUL-terminated */

static const char *
backend_key(catalog_t *cat, const char *id, unsigned i)
{
    static char         buf[2][512];
    static int          n;
    char               *p, key[64];
    size_t              len;
    catalog_backend_t  *b;
    catalog_service_t  *s;

    len = (size_t) snprintf(key, sizeof(key), "a/%s", id);

    s = catalog_find_service(cat, key, len);
    assert_non_null(s);
    assert_true(i < s->nbackends);

    b = &s->backends[i];
    p = buf[n++ % 2];

    assert_true(CATALOG_BACKEND_KEY_LEN + b->host.len < sizeof(buf[0]));

    /* the key is written within the room it is said to need */

    memset(p, '#', sizeof(buf[0]));
    len = catalog_backend_key(p, b);

    assert_true(len <= CATALOG_BACKEND_KEY_LEN + b->host.len);
    assert_int_equal(p[len], '#');
    p[len] = '\0';

    return p;
}


/* the key of the list of service "a/id", NUL-terminated */

static const char *
backends_key(catalog_t *cat, const char *id)
{
    static char         buf[2][2048];
    static int          n;
    char               *p, key[64];
    size_t              len, size;
    catalog_service_t  *s;

    len = (size_t) snprintf(key, sizeof(key), "a/%s", id);

    s = catalog_find_service(cat, key, len);
    assert_non_null(s);

    p = buf[n++ % 2];
    size = catalog_backends_key_size(s);

    assert_true(size < sizeof(buf[0]));

    memset(p, '#', sizeof(buf[0]));
    len = catalog_backends_key(p, s);

    assert_true(len <= size);
    assert_int_equal(p[len], '#');
    p[len] = '\0';

    return p;
}


static void
test_backend_key_spellings(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load("{" AGENCY ", 'services': ["
        SVC("lower", "'http://example.org'", "") ", "
        SVC("upper", "'HTTP://Example.ORG:80'", "") ", "
        SVC("bare", "'EXAMPLE.org'", "") ", "
        SVC("zero", "'example.org:080'", "") ", "
        SVC("dot", "'http://example.org.'", "") ", "
        SVC("dotup", "'HTTP://Example.ORG.:80'", "") ", "
        SVC("other", "'example.org:8080'", "") ", "
        SVC("tls", "'https://Example.org'", "") ", "
        SVC("tls443", "'HTTPS://example.ORG:443'", "") ", "
        SVC("v6", "'http://[2001:DB8::A]'", "") ", "
        SVC("v6low", "'[2001:db8::a]:80'", "") ", "
        SVC("v4", "'127.0.0.1:9000'", "")
        "]}");

    /* scheme and host in any case, the default port written or not */

    assert_string_equal(backend_key(cat, "lower", 0),
                        "http://example.org:80");
    assert_string_equal(backend_key(cat, "upper", 0),
                        "http://example.org:80");
    assert_string_equal(backend_key(cat, "bare", 0),
                        "http://example.org:80");
    assert_string_equal(backend_key(cat, "zero", 0),
                        "http://example.org:80");

    /* an absolute name stays another backend */

    assert_string_equal(backend_key(cat, "dot", 0),
                        "http://example.org.:80");
    assert_string_equal(backend_key(cat, "dotup", 0),
                        "http://example.org.:80");

    assert_string_equal(backend_key(cat, "other", 0),
                        "http://example.org:8080");
    assert_string_equal(backend_key(cat, "tls", 0),
                        "https://example.org:443");
    assert_string_equal(backend_key(cat, "tls443", 0),
                        "https://example.org:443");

    assert_string_equal(backend_key(cat, "v6", 0),
                        "http://[2001:db8::a]:80");
    assert_string_equal(backend_key(cat, "v6low", 0),
                        "http://[2001:db8::a]:80");
    assert_string_equal(backend_key(cat, "v4", 0),
                        "http://127.0.0.1:9000");

    catalog_free(cat);
}


static void
test_backends_key_lists(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load("{" AGENCY ", 'services': ["
        SVC("one", "'http://example.org', 'b.example.org:8080'", "") ", "
        SVC("two", "'Example.ORG:80', 'HTTP://B.Example.Org:8080'", "") ", "
        SVC("rev", "'b.example.org:8080', 'example.org'", "") ", "
        SVC("dot", "'example.org.', 'b.example.org:8080'", "") ", "
        SVC("max", "'HTTPS://" "A123456789.A123456789.A123456789.A123456789"
                   ".EXAMPLE:65535', 'https://[::FFFF:7F00:1]:65535'", "")
        "]}");

    assert_string_equal(backends_key(cat, "one"),
                        "http://example.org:80\n"
                        "http://b.example.org:8080\n");
    assert_string_equal(backends_key(cat, "two"), backends_key(cat, "one"));

    /* another order, an absolute name: other lists */

    assert_string_not_equal(backends_key(cat, "rev"),
                            backends_key(cat, "one"));
    assert_string_not_equal(backends_key(cat, "dot"),
                            backends_key(cat, "one"));

    /* the longest scheme and port: within catalog_backends_key_size() */

    assert_string_equal(backends_key(cat, "max"),
                        "https://a123456789.a123456789.a123456789.a123456789"
                        ".example:65535\n"
                        "https://[::ffff:7f00:1]:65535\n"
                        "tls a123456789.a123456789.a123456789.a123456789"
                        ".example:65535\n");

    catalog_free(cat);
}


static void
test_backends_key_tls(void **state)
{
    catalog_t  *cat;

    (void) state;

    cat = unit_load("{" AGENCY ", 'services': ["
        SVC("one", "'https://10.0.0.1'", ", 'host_header': 'one.example'")
        ", "
        SVC("two", "'https://10.0.0.1'", ", 'host_header': 'two.example'")
        ", "
        SVC("upper", "'HTTPS://10.0.0.1:443'",
            ", 'host_header': 'ONE.Example'") ", "
        SVC("port", "'https://10.0.0.1'",
            ", 'host_header': 'one.example:8443'") ", "
        SVC("none", "'https://Name.Example:8443', 'https://10.0.0.2'", "")
        ", "
        SVC("named", "'https://name.example:8443', 'https://10.0.0.2'",
            ", 'host_header': 'name.example:8443'") ", "
        SVC("plain1", "'http://10.0.0.1'", ", 'host_header': 'one.example'")
        ", "
        SVC("plain2", "'http://10.0.0.1'", ", 'host_header': 'two.example'")
        ", "
        SVC("plain3", "'http://10.0.0.1'", "")
        "]}");

    /* https: the server name is part of the list */

    assert_string_equal(backends_key(cat, "one"),
                        "https://10.0.0.1:443\n"
                        "tls one.example\n");
    assert_string_equal(backends_key(cat, "two"),
                        "https://10.0.0.1:443\n"
                        "tls two.example\n");
    assert_string_equal(backends_key(cat, "upper"), backends_key(cat, "one"));
    assert_string_equal(backends_key(cat, "port"),
                        "https://10.0.0.1:443\n"
                        "tls one.example:8443\n");

    /* without host_header, the first backend's host[:port] */

    assert_string_equal(backends_key(cat, "none"),
                        "https://name.example:8443\n"
                        "https://10.0.0.2:443\n"
                        "tls name.example:8443\n");
    assert_string_equal(backends_key(cat, "named"), backends_key(cat, "none"));

    /* http: no TLS session to keep apart */

    assert_string_equal(backends_key(cat, "plain1"), "http://10.0.0.1:80\n");
    assert_string_equal(backends_key(cat, "plain2"), "http://10.0.0.1:80\n");
    assert_string_equal(backends_key(cat, "plain3"), "http://10.0.0.1:80\n");

    catalog_free(cat);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backend_key_spellings),
        cmocka_unit_test(test_backends_key_lists),
        cmocka_unit_test(test_backends_key_tls),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
