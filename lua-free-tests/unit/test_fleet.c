
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The fleet (catalog_fleet.c): a node's JSON written to the byte, every
 * error of a hostile one with its exact text, the limits at their edges
 * (2^53, 64 bytes, CATALOG_FLEET_NODE_MAX), parse and write as a round
 * trip, and the status's "fleet" object: sorted by name, drift with no
 * node, one, two alike and two apart.  Each buffer given to the parser
 * is exactly its length, so that ASan sees a read past it.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog_fleet.h>

#include "unit.h"


#define SEEN      "'2026-12-01T01:00:00.123Z'"
#define REQUESTS  "{'proxy': 10, 'redirect': 0, 'gone': 0, "                 \
                  "'maintenance': 0, 'not_found': 2, "                        \
                  "'method_not_allowed': 0}"
#define GOOD      "{'name': 'gw-1', 'version': '9f2c', 'services': 1234, "    \
                  "'seen': " SEEN ", 'requests': " REQUESTS "}"
#define A32       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A64       A32 A32
#define MAX53     "9007199254740992"
#define RANGE     "must be a whole number from 0 to " MAX53


typedef struct {
    const char                   *sq;          /* ' for " */
    const char                   *err;
} error_case_t;


static int parse(const char *buf, size_t len, catalog_fleet_node_t *n,
    char *err);
static int parse_sq(const char *sq, catalog_fleet_node_t *n, char *err);
static void expect_error(const char *sq, const char *msg);
static void node(catalog_fleet_node_t *n, const char *name,
    const char *version, uint64_t services, int64_t seen);
static char *node_json(const catalog_fleet_node_t *n, size_t *len);
static char *fleet_json(catalog_fleet_node_t *nodes, size_t n);
static void expect_same(const catalog_fleet_node_t *a,
    const catalog_fleet_node_t *b);
static uint32_t next(uint32_t *seed);


static const error_case_t  error_cases[] = {

    /* the shape */

    { "[]", "node must be a JSON object" },
    { "[" GOOD "]", "node must be a JSON object" },
    { "{}", "\"name\" is required" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 1234, "
      "'seen': " SEEN ", 'requests': " REQUESTS ", 'x': 1}",
      "unknown key \"x\"" },
    { "{'Name': 'gw-1'}", "unknown key \"Name\"" },
    { "{'a\\'b\\\\c\\u0001': 1}", "unknown key \"a\\\"b\\\\c\\x01\"" },
    { "{'" A64 "bbbbbbbb': 1}", "unknown key \"" A64 "...\"" },

    /* the keys, each missing */

    { "{'version': '9f2c', 'services': 1234, 'seen': " SEEN ", "
      "'requests': " REQUESTS "}",
      "\"name\" is required" },
    { "{'name': 'gw-1', 'services': 1234, 'seen': " SEEN ", "
      "'requests': " REQUESTS "}",
      "\"version\" is required" },
    { "{'name': 'gw-1', 'version': '9f2c', 'seen': " SEEN ", "
      "'requests': " REQUESTS "}",
      "\"services\" is required" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 1234, "
      "'requests': " REQUESTS "}",
      "\"seen\" is required" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 1234, "
      "'seen': " SEEN "}",
      "\"requests\" is required" },

    /* "name" */

    { "{'name': 1}", "\"name\" must be a string" },
    { "{'name': null}", "\"name\" must be a string" },
    { "{'name': ['gw-1']}", "\"name\" must be a string" },
    { "{'name': ''}", "invalid \"name\" \"\"" },
    { "{'name': 'gw 1'}", "invalid \"name\" \"gw 1\"" },
    { "{'name': 'gw/1'}", "invalid \"name\" \"gw/1\"" },
    { "{'name': 'gw-\\u00e9'}", "invalid \"name\" \"gw-\xc3\xa9\"" },
    { "{'name': 'gw\\n1'}", "invalid \"name\" \"gw\\x0a1\"" },
    { "{'name': '" A64 "a'}", "invalid \"name\" \"" A64 "...\"" },

    /* "version" */

    { "{'name': 'gw-1', 'version': 9}", "\"version\" must be a string" },
    { "{'name': 'gw-1', 'version': ''}", "invalid \"version\" \"\"" },
    { "{'name': 'gw-1', 'version': '9f2c!'}",
      "invalid \"version\" \"9f2c!\"" },
    { "{'name': 'gw-1', 'version': 'a b'}", "invalid \"version\" \"a b\"" },
    { "{'name': 'gw-1', 'version': '" A64 "0'}",
      "invalid \"version\" \"" A64 "...\"" },

    /* "services" */

    { "{'name': 'gw-1', 'version': '9f2c', 'services': '1234'}",
      "\"services\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 1234.0}",
      "\"services\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 1e3}",
      "\"services\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': true}",
      "\"services\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': null}",
      "\"services\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': -1}",
      "\"services\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 9007199254740993}",
      "\"services\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', "
      "'services': 9223372036854775807}",
      "\"services\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', "
      "'services': -9223372036854775808}",
      "\"services\" " RANGE },

    /* "seen" */

    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, 'seen': 1}",
      "\"seen\" must be a string" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': 'yesterday'}",
      "invalid \"seen\" \"yesterday\"" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': '2026-12-01T01:00:00.123'}",
      "invalid \"seen\" \"2026-12-01T01:00:00.123\"" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': '1969-12-31T23:59:59.999Z'}",
      "invalid \"seen\" \"1969-12-31T23:59:59.999Z\"" },

    /* "requests" */

    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': []}",
      "\"requests\" must be an object" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': null}",
      "\"requests\" must be an object" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': 10}",
      "\"requests\" must be an object" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': {'proxy': 1, 'foo': 2}}",
      "unknown key \"foo\" in \"requests\"" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': {}}",
      "\"requests.proxy\" is required" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': {'proxy': 10, 'redirect': 0, "
      "'gone': 0, 'maintenance': 0, 'not_found': 2}}",
      "\"requests.method_not_allowed\" is required" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': {'proxy': 10, 'redirect': 0, "
      "'maintenance': 0, 'not_found': 2, 'method_not_allowed': 0}}",
      "\"requests.gone\" is required" },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': {'proxy': -1}}",
      "\"requests.proxy\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': {'proxy': 10, 'redirect': 0, "
      "'gone': 0, 'maintenance': 0.5, 'not_found': 2, "
      "'method_not_allowed': 0}}",
      "\"requests.maintenance\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': {'proxy': 10, 'redirect': 0, "
      "'gone': 0, 'maintenance': 0, 'not_found': 2, "
      "'method_not_allowed': 9007199254740993}}",
      "\"requests.method_not_allowed\" " RANGE },
    { "{'name': 'gw-1', 'version': '9f2c', 'services': 0, "
      "'seen': " SEEN ", 'requests': {'proxy': {}, 'redirect': 0, "
      "'gone': 0, 'maintenance': 0, 'not_found': 2, "
      "'method_not_allowed': 0}}",
      "\"requests.proxy\" " RANGE },

    /* what jansson refuses */

    { "1", "line 1, column 1: invalid JSON: '[' or '{' expected near '1'" },
    { "'gw-1'",
      "line 1, column 6: invalid JSON: '[' or '{' expected near '\"gw-1\"'" },
    { "{", "line 1, column 1: invalid JSON: string or '}' expected near "
      "end of file" },
    { GOOD "x", "line 1, column 202: invalid JSON: end of file expected "
      "near 'x'" },
    { "{'name': 'gw-1', 'name': 'gw-2'}",
      "line 1, column 23: invalid JSON: duplicate object key near "
      "'\"name\"'" },
    { "{'name': 'gw-1', 'requests': {'proxy': 1, 'proxy': 2}}",
      "line 1, column 49: invalid JSON: duplicate object key near "
      "'\"proxy\"'" },
    { "{'name': 'gw\\u0000'}",
      "line 1, column 19: invalid JSON: \\u0000 is not allowed without "
      "JSON_ALLOW_NUL near '\"gw\\u0000\"'" },
    { "{'services': 99999999999999999999}",
      "line 1, column 33: invalid JSON: too big integer near "
      "'99999999999999999999'" },
    { "{'name': 'gw\x01'}",
      "line 1, column 12: invalid JSON: control character 0x1 near "
      "'\"gw'" },
    { "{'name': 'gw\xc3('}",
      "line 1, column 12: invalid JSON: unable to decode byte 0xc3 near "
      "'\"gw'" }
};


/* helpers */


static int
parse(const char *buf, size_t len, catalog_fleet_node_t *n, char *err)
{
    int    rc;
    char  *p;

    /* exactly len bytes, no NUL after them */

    p = malloc(len ? len : 1);
    assert_non_null(p);

    if (len) {
        memcpy(p, buf, len);
    }

    rc = catalog_fleet_node_parse(p, len, n, err, CATALOG_ERROR_LEN);

    free(p);

    return rc;
}


static int
parse_sq(const char *sq, catalog_fleet_node_t *n, char *err)
{
    int     rc;
    char   *buf;
    size_t  len;

    buf = unit_json(sq, &len, 0);

    rc = catalog_fleet_node_parse(buf, len, n, err, CATALOG_ERROR_LEN);

    free(buf);

    return rc;
}


static void
expect_error(const char *sq, const char *msg)
{
    char                  err[CATALOG_ERROR_LEN];
    catalog_fleet_node_t  n, before;

    /* an error leaves n as it was */

    memset(&n, 0x5a, sizeof(n));
    memcpy(&before, &n, sizeof(n));

    err[0] = '\0';

    if (parse_sq(sq, &n, err) != -1) {
        fail_msg("accepted: %s", sq);
    }

    if (strcmp(err, msg) != 0) {
        print_error("%s\n", sq);
    }

    assert_string_equal(err, msg);
    assert_memory_equal(&n, &before, sizeof(n));
}


static void
node(catalog_fleet_node_t *n, const char *name, const char *version,
    uint64_t services, int64_t seen)
{
    unsigned  i;

    memset(n, 0, sizeof(*n));

    n->name_len = strlen(name);
    assert_true(n->name_len <= CATALOG_TOKEN_NAME_MAX);
    memcpy(n->name, name, n->name_len);

    n->version_len = strlen(version);
    assert_true(n->version_len <= CATALOG_FLEET_VERSION_MAX);
    memcpy(n->version, version, n->version_len);

    n->services = services;
    n->seen = seen;

    for (i = 0; i < CATALOG_OUTCOMES; i++) {
        n->requests[i] = i * 7;
    }
}


static char *
node_json(const catalog_fleet_node_t *n, size_t *len)
{
    char    *buf, *s;
    size_t   size;

    /* written into exactly the length measured; returned with a NUL */

    size = catalog_fleet_node_json(NULL, n);

    buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(catalog_fleet_node_json(buf, n), size);

    s = malloc(size + 1);
    assert_non_null(s);
    memcpy(s, buf, size);
    s[size] = '\0';

    free(buf);

    *len = size;

    return s;
}


static char *
fleet_json(catalog_fleet_node_t *nodes, size_t n)
{
    char    *buf, *s;
    size_t   size;

    size = catalog_fleet_json(NULL, nodes, n);

    buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(catalog_fleet_json(buf, nodes, n), size);

    s = malloc(size + 1);
    assert_non_null(s);
    memcpy(s, buf, size);
    s[size] = '\0';

    free(buf);

    return s;
}


static void
expect_same(const catalog_fleet_node_t *a, const catalog_fleet_node_t *b)
{
    unsigned  i;

    assert_int_equal(a->name_len, b->name_len);
    assert_memory_equal(a->name, b->name, a->name_len);
    assert_int_equal(a->version_len, b->version_len);
    assert_memory_equal(a->version, b->version, a->version_len);
    assert_int_equal(a->services, b->services);
    assert_int_equal(a->seen, b->seen);

    for (i = 0; i < CATALOG_OUTCOMES; i++) {
        assert_int_equal(a->requests[i], b->requests[i]);
    }
}


static uint32_t
next(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;

    return *seed >> 8;
}


/* a node */


static void
test_fleet_is_node(void **state)
{
    char  *p;

    (void) state;

    assert_true(catalog_fleet_is_node("gw-1", 4));
    assert_true(catalog_fleet_is_node("A.b_c-9", 7));

    p = malloc(65);
    assert_non_null(p);
    memset(p, 'n', 65);

    assert_true(catalog_fleet_is_node(p, 64));
    assert_false(catalog_fleet_is_node(p, 65));

    free(p);

    assert_false(catalog_fleet_is_node("", 0));
    assert_false(catalog_fleet_is_node(NULL, 0));
    assert_false(catalog_fleet_is_node(NULL, 4));
    assert_false(catalog_fleet_is_node("gw 1", 4));
    assert_false(catalog_fleet_is_node("gw:1", 4));
    assert_false(catalog_fleet_is_node("gw\0001", 4));
    assert_false(catalog_fleet_is_node("gw-\xc3\xa9", 5));
}


static void
test_fleet_node_json(void **state)
{
    char                  *s;
    size_t                 len;
    catalog_fleet_node_t   n;

    (void) state;

    node(&n, "gw-1", "9f2c", 1234, 1796086800123LL);
    n.requests[0] = 10;
    n.requests[1] = 0;
    n.requests[2] = 0;
    n.requests[3] = 0;
    n.requests[4] = 2;
    n.requests[5] = 0;

    s = node_json(&n, &len);
    assert_string_equal(s,
        "{\"name\": \"gw-1\", \"version\": \"9f2c\", \"services\": 1234, "
        "\"seen\": \"2026-12-01T01:00:00.123Z\", "
        "\"requests\": {\"proxy\": 10, \"redirect\": 0, \"gone\": 0, "
        "\"maintenance\": 0, \"not_found\": 2, "
        "\"method_not_allowed\": 0}}");
    assert_int_equal(len, strlen(s));
    free(s);

    /* each counter in its place; the largest figures */

    node(&n, A64, A64, 9007199254740992ULL, 253402300799999LL);
    n.requests[0] = 1;
    n.requests[1] = 2;
    n.requests[2] = 3;
    n.requests[3] = 4;
    n.requests[4] = 5;
    n.requests[5] = 9007199254740992ULL;

    s = node_json(&n, &len);
    assert_string_equal(s,
        "{\"name\": \"" A64 "\", \"version\": \"" A64 "\", "
        "\"services\": 9007199254740992, "
        "\"seen\": \"9999-12-31T23:59:59.999Z\", "
        "\"requests\": {\"proxy\": 1, \"redirect\": 2, \"gone\": 3, "
        "\"maintenance\": 4, \"not_found\": 5, "
        "\"method_not_allowed\": 9007199254740992}}");
    assert_true(len < CATALOG_FLEET_NODE_MAX);
    free(s);

    /* lengths past the buffers are cut to them */

    node(&n, "gw-1", "v1", 0, 0);
    n.name_len = 1000;
    n.version_len = 1000;
    n.name[4] = 'x';

    s = node_json(&n, &len);
    assert_non_null(strstr(s, "\"seen\": \"1970-01-01T00:00:00.000Z\""));
    free(s);
}


static void
test_fleet_parse(void **state)
{
    char                   err[CATALOG_ERROR_LEN];
    catalog_fleet_node_t   n;

    (void) state;

    if (parse_sq(GOOD, &n, err) != 0) {
        fail_msg("%s", err);
    }

    assert_string_equal(n.name, "gw-1");
    assert_int_equal(n.name_len, 4);
    assert_string_equal(n.version, "9f2c");
    assert_int_equal(n.version_len, 4);
    assert_int_equal(n.services, 1234);
    assert_int_equal(n.seen, 1796086800123LL);
    assert_int_equal(n.requests[0], 10);
    assert_int_equal(n.requests[1], 0);
    assert_int_equal(n.requests[2], 0);
    assert_int_equal(n.requests[3], 0);
    assert_int_equal(n.requests[4], 2);
    assert_int_equal(n.requests[5], 0);

    /* the header's layout, keys in any order, escapes, an offset */

    assert_int_equal(parse_sq(
        "{\n  'requests': {'method_not_allowed': 6, 'not_found': 5,\n"
        "                'maintenance': 4, 'gone': 3, 'redirect': 2,\n"
        "                'proxy': 1},\n"
        "  'seen': '2026-12-01T08:00:00.5+07:00',\n"
        "  'services': 0, 'version': '\\u0039f2c',\n"
        "  'name': '\\u0067w-1'\n}\n", &n, err), 0);

    assert_string_equal(n.name, "gw-1");
    assert_string_equal(n.version, "9f2c");
    assert_int_equal(n.services, 0);
    assert_int_equal(n.seen, 1796086800500LL);
    assert_int_equal(n.requests[0], 1);
    assert_int_equal(n.requests[1], 2);
    assert_int_equal(n.requests[2], 3);
    assert_int_equal(n.requests[3], 4);
    assert_int_equal(n.requests[4], 5);
    assert_int_equal(n.requests[5], 6);

    /* the edges: 2^53, 64 bytes */

    assert_int_equal(parse_sq(
        "{'name': '" A64 "', 'version': '" A64 "', "
        "'services': " MAX53 ", 'seen': '9999-12-31T23:59:59.999Z', "
        "'requests': {'proxy': " MAX53 ", 'redirect': " MAX53 ", "
        "'gone': " MAX53 ", 'maintenance': " MAX53 ", "
        "'not_found': " MAX53 ", 'method_not_allowed': " MAX53 "}}",
        &n, err), 0);

    assert_int_equal(n.name_len, 64);
    assert_int_equal(n.name[64], '\0');
    assert_int_equal(n.version_len, 64);
    assert_int_equal(n.version[64], '\0');
    assert_int_equal(n.services, 9007199254740992ULL);
    assert_int_equal(n.seen, 253402300799999LL);
    assert_int_equal(n.requests[5], 9007199254740992ULL);
}


static void
test_fleet_errors(void **state)
{
    size_t  i;

    (void) state;

    for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
        expect_error(error_cases[i].sq, error_cases[i].err);
    }
}


static void
test_fleet_size(void **state)
{
    char                   err[CATALOG_ERROR_LEN];
    char                  *buf;
    size_t                 len;
    catalog_fleet_node_t   n;

    (void) state;

    buf = unit_json(GOOD, &len, 0);

    /* CATALOG_FLEET_NODE_MAX bytes, spaces after the object; one more */

    buf = realloc(buf, CATALOG_FLEET_NODE_MAX + 1);
    assert_non_null(buf);
    memset(buf + len, ' ', CATALOG_FLEET_NODE_MAX + 1 - len);

    assert_int_equal(parse(buf, CATALOG_FLEET_NODE_MAX, &n, err), 0);
    assert_string_equal(n.name, "gw-1");

    assert_int_equal(parse(buf, CATALOG_FLEET_NODE_MAX + 1, &n, err), -1);
    assert_string_equal(err, "node is larger than 4096 bytes");

    assert_int_equal(catalog_fleet_node_parse(buf, SIZE_MAX, &n, err,
                                              sizeof(err)), -1);
    assert_string_equal(err, "node is larger than 4096 bytes");

    free(buf);

    /* nothing */

    assert_int_equal(parse("", 0, &n, err), -1);
    assert_string_equal(err, "node is empty");

    assert_int_equal(catalog_fleet_node_parse(NULL, 0, &n, err,
                                              sizeof(err)), -1);
    assert_string_equal(err, "node is empty");

    assert_int_equal(catalog_fleet_node_parse(NULL, 10, &n, err,
                                              sizeof(err)), -1);
    assert_string_equal(err, "node is empty");

    /* a short error buffer, or none */

    assert_int_equal(catalog_fleet_node_parse("[]", 2, &n, err, 5), -1);
    assert_string_equal(err, "node");

    assert_int_equal(catalog_fleet_node_parse("[]", 2, &n, NULL, 0), -1);
}


static void
test_fleet_round_trip(void **state)
{
    char                   err[CATALOG_ERROR_LEN];
    char                   name[CATALOG_TOKEN_NAME_MAX + 1];
    char                   version[CATALOG_FLEET_VERSION_MAX + 1];
    char                  *s, *again;
    size_t                 i, k, len, len2, nlen;
    uint32_t               seed;
    catalog_fleet_node_t   n, back;

    static const char      chars[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    (void) state;

    /* parse(node_json(n)) is n, and writing it again gives the same */

    seed = 53;

    for (i = 0; i < 20000; i++) {
        nlen = 1 + next(&seed) % CATALOG_TOKEN_NAME_MAX;

        for (k = 0; k < nlen; k++) {
            name[k] = chars[next(&seed) % (sizeof(chars) - 1)];
        }

        name[nlen] = '\0';

        nlen = 1 + next(&seed) % CATALOG_FLEET_VERSION_MAX;

        for (k = 0; k < nlen; k++) {
            version[k] = chars[next(&seed) % (sizeof(chars) - 1)];
        }

        version[nlen] = '\0';

        node(&n, name, version,
             (((uint64_t) next(&seed) << 24) ^ next(&seed))
             % (9007199254740992ULL + 1),
             (((int64_t) next(&seed) << 24) ^ next(&seed))
             % (253402300799999LL + 1));

        for (k = 0; k < CATALOG_OUTCOMES; k++) {
            n.requests[k] = (i % 3 == 0) ? 9007199254740992ULL - k
                                         : next(&seed) % 1000;
        }

        s = node_json(&n, &len);

        memset(&back, 0x5a, sizeof(back));

        if (parse(s, len, &back, err) != 0) {
            fail_msg("%s: %s", err, s);
        }

        expect_same(&n, &back);

        again = node_json(&back, &len2);
        assert_string_equal(again, s);

        free(again);
        free(s);
    }
}


static void
test_fleet_hostile(void **state)
{
    int                    rc;
    char                   err[CATALOG_ERROR_LEN];
    char                  *good, *s, *out;
    size_t                 i, len, n, pos, ok, olen;
    uint32_t               seed;
    catalog_fleet_node_t   nd, back;

    static const char      bytes[] = "{}[]:,\"\\ 0-9.eEaZ\x00\x01\x7f\xc3\xff";

    (void) state;

    good = unit_json(GOOD, &len, 0);

    /* every proper prefix fails */

    for (n = 0; n < len; n++) {
        err[0] = '\0';
        assert_int_equal(parse(good, n, &nd, err), -1);
        assert_true(err[0] != '\0');
    }

    assert_int_equal(parse(good, len, &nd, err), 0);

    /*
     * random damage: -1 with a message, or a node that is valid and
     * reads back the same
     */

    seed = 8080;
    ok = 0;

    s = malloc(len);
    assert_non_null(s);

    for (i = 0; i < 100000; i++) {
        memcpy(s, good, len);

        for (n = next(&seed) % 3 + 1; n; n--) {
            pos = next(&seed) % len;
            s[pos] = bytes[next(&seed) % (sizeof(bytes) - 1)];
        }

        err[0] = '\0';
        rc = parse(s, len, &nd, err);

        if (rc != 0) {
            assert_int_equal(rc, -1);
            assert_true(err[0] != '\0');
            continue;
        }

        ok++;

        assert_true(catalog_fleet_is_node(nd.name, nd.name_len));
        assert_true(catalog_fleet_is_node(nd.version, nd.version_len));
        assert_true(nd.services <= 9007199254740992ULL);

        out = node_json(&nd, &olen);
        assert_int_equal(parse(out, olen, &back, err), 0);
        expect_same(&nd, &back);
        free(out);
    }

    assert_true(ok > 1000);

    free(s);
    free(good);

    /* deep nesting, long strings, a NUL in the bytes */

    s = malloc(CATALOG_FLEET_NODE_MAX);
    assert_non_null(s);

    memset(s, '[', CATALOG_FLEET_NODE_MAX / 2);
    memset(s + CATALOG_FLEET_NODE_MAX / 2, ']', CATALOG_FLEET_NODE_MAX / 2);
    assert_int_equal(parse(s, CATALOG_FLEET_NODE_MAX, &nd, err), -1);

    memcpy(s, "{\"requests\": ", 13);
    memset(s + 13, '{', 1000);
    assert_int_equal(parse(s, 1013, &nd, err), -1);

    memcpy(s, "{\"name\": \"", 10);
    memset(s + 10, 'a', 3000);
    memcpy(s + 3010, "\"}", 2);
    assert_int_equal(parse(s, 3012, &nd, err), -1);
    assert_string_equal(err, "invalid \"name\" \"" A64 "...\"");

    memcpy(s, "{\"name\": \"gw\0\"}", 15);
    assert_int_equal(parse(s, 15, &nd, err), -1);
    assert_string_equal(err, "line 1, column 12: invalid JSON: control "
                        "character 0x0 near '\"gw'");

    memcpy(s, "{}\0", 3);
    assert_int_equal(parse(s, 3, &nd, err), -1);
    assert_string_equal(err, "line 1, column 3: invalid JSON: end of file "
                        "expected near end of file");

    free(s);
}


/* the fleet */


static void
test_fleet_drift(void **state)
{
    catalog_fleet_node_t  n[3];

    (void) state;

    node(&n[0], "gw-1", "v1", 0, 0);
    node(&n[1], "gw-2", "v1", 0, 0);
    node(&n[2], "gw-3", "v1", 0, 0);

    /* no node, one, all alike */

    assert_false(catalog_fleet_drift(NULL, 0));
    assert_false(catalog_fleet_drift(n, 0));
    assert_false(catalog_fleet_drift(n, 1));
    assert_false(catalog_fleet_drift(n, 2));
    assert_false(catalog_fleet_drift(n, 3));

    /* one apart, wherever it is; a version that starts another */

    node(&n[2], "gw-3", "v2", 0, 0);
    assert_false(catalog_fleet_drift(n, 2));
    assert_true(catalog_fleet_drift(n, 3));

    node(&n[0], "gw-1", "v2", 0, 0);
    node(&n[2], "gw-3", "v1", 0, 0);
    assert_true(catalog_fleet_drift(n, 2));
    assert_true(catalog_fleet_drift(n, 3));

    node(&n[0], "gw-1", "v1", 0, 0);
    node(&n[1], "gw-2", "v10", 0, 0);
    assert_true(catalog_fleet_drift(n, 2));

    node(&n[1], "gw-2", "V1", 0, 0);
    assert_true(catalog_fleet_drift(n, 2));

    /* only the version counts */

    node(&n[1], "gw-2", "v1", 99, 12345);
    n[1].requests[0] = 1000;
    assert_false(catalog_fleet_drift(n, 2));
}


static void
test_fleet_json_small(void **state)
{
    char                  *s, *one, *two;
    size_t                 len;
    catalog_fleet_node_t   n[2];

    (void) state;

    /* no node */

    s = fleet_json(NULL, 0);
    assert_string_equal(s, "{\"nodes\": [], \"drift\": false}");
    free(s);

    /* one */

    node(&n[0], "gw-1", "v1", 5, 1796086800123LL);
    one = node_json(&n[0], &len);

    s = fleet_json(n, 1);
    assert_int_equal(strlen(s), len + 29);
    assert_memory_equal(s, "{\"nodes\": [", 11);
    assert_memory_equal(s + 11, one, len);
    assert_string_equal(s + 11 + len, "], \"drift\": false}");
    free(s);

    /* two alike, given in the wrong order */

    node(&n[1], "gw-0", "v1", 6, 1796086800000LL);
    two = node_json(&n[1], &len);

    s = fleet_json(n, 2);
    assert_memory_equal(s, "{\"nodes\": [", 11);
    assert_memory_equal(s + 11, two, strlen(two));
    assert_memory_equal(s + 11 + strlen(two), ", ", 2);
    assert_memory_equal(s + 13 + strlen(two), one, strlen(one));
    assert_string_equal(s + 13 + strlen(two) + strlen(one),
                        "], \"drift\": false}");
    free(s);

    /* sorted in place */

    assert_string_equal(n[0].name, "gw-0");
    assert_string_equal(n[1].name, "gw-1");

    /* two apart */

    n[1].version[1] = '2';

    s = fleet_json(n, 2);
    assert_non_null(strstr(s, "\"version\": \"v2\""));
    assert_string_equal(s + strlen(s) - 17, "], \"drift\": true}");
    free(s);

    free(one);
    free(two);
}


static void
test_fleet_json_sorted(void **state)
{
    char                   name[16];
    char                  *s, *p, *q;
    size_t                 i, j, count;
    uint32_t               seed;
    catalog_fleet_node_t   t, *n;

    static const char     *names[] = {
        "gw-2", "gw-10", "gw-1", "GW-9", "gw-1a", "a", "gw.1", "gw_1"
    };

    static const char     *sorted[] = {
        "GW-9", "a", "gw-1", "gw-10", "gw-1a", "gw-2", "gw.1", "gw_1"
    };

    (void) state;

    n = malloc(300 * sizeof(catalog_fleet_node_t));
    assert_non_null(n);

    /* as bytes, a name that starts another first */

    for (i = 0; i < 8; i++) {
        node(&n[i], names[i], "v1", i, 0);
    }

    s = fleet_json(n, 8);

    for (i = 0; i < 8; i++) {
        assert_string_equal(n[i].name, sorted[i]);
    }

    q = s;

    for (i = 0; i < 8; i++) {
        snprintf(name, sizeof(name), "\"name\": \"%s\"", sorted[i]);
        p = strstr(q, name);
        assert_non_null(p);
        q = p + 1;
    }

    free(s);

    /* the same name: by version, then by time, whatever the input */

    node(&n[0], "gw-1", "v2", 0, 5);
    node(&n[1], "gw-1", "v1", 0, 9);
    node(&n[2], "gw-1", "v1", 0, 7);

    s = fleet_json(n, 3);

    assert_string_equal(n[0].version, "v1");
    assert_int_equal(n[0].seen, 7);
    assert_string_equal(n[1].version, "v1");
    assert_int_equal(n[1].seen, 9);
    assert_string_equal(n[2].version, "v2");
    assert_string_equal(s + strlen(s) - 17, "], \"drift\": true}");

    free(s);

    /*
     * 300 nodes in random order: the first CATALOG_FLEET_NODES_MAX by
     * name are reported, the drift is of them all
     */

    seed = 300;

    for (i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "gw-%03u", (unsigned) i);
        node(&n[i], name, "v1", i, 0);
    }

    for (i = 299; i > 0; i--) {
        j = next(&seed) % (i + 1);
        t = n[i];
        n[i] = n[j];
        n[j] = t;
    }

    for (i = 0; i < 300; i++) {
        if (strcmp(n[i].name, "gw-299") == 0) {
            n[i].version[1] = '2';
        }
    }

    s = fleet_json(n, 300);

    for (i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "gw-%03u", (unsigned) i);
        assert_string_equal(n[i].name, name);
    }

    count = 0;

    for (p = strstr(s, "\"name\": "); p; p = strstr(p + 1, "\"name\": ")) {
        count++;
    }

    assert_int_equal(count, CATALOG_FLEET_NODES_MAX);
    assert_non_null(strstr(s, "\"gw-255\""));
    assert_null(strstr(s, "\"gw-256\""));
    assert_string_equal(s + strlen(s) - 17, "], \"drift\": true}");

    free(s);
    free(n);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_fleet_is_node),
        cmocka_unit_test(test_fleet_node_json),
        cmocka_unit_test(test_fleet_parse),
        cmocka_unit_test(test_fleet_errors),
        cmocka_unit_test(test_fleet_size),
        cmocka_unit_test(test_fleet_round_trip),
        cmocka_unit_test(test_fleet_hostile),
        cmocka_unit_test(test_fleet_drift),
        cmocka_unit_test(test_fleet_json_small),
        cmocka_unit_test(test_fleet_json_sorted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
