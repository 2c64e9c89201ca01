
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The body of a status change (catalog_admin_body.c): every rule and its
 * exact message, the limits at their edges, the override left untouched
 * by an error, and byte flips of a valid body.
 *
 * The bodies are written with single quotes, which body() turns into
 * double quotes, and copied into a buffer of exactly their length, so
 * that ASan sees a read past it.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog_admin.h>

#include "unit.h"


#define NOW        1796000000               /* 2026-11-30T00:53:20Z */
#define UNTIL      1796086800               /* 2026-12-01T01:00:00Z */

#define ONLY_MAINT  " is only allowed with \"status\": \"maintenance\""
#define TIME_RULE   "must be an RFC 3339 time like " \
                    "\"2026-12-01T08:00:00+07:00\""
#define CONTROLS    "\"message\" must not contain control characters " \
                    "other than tabs and line breaks"


static int body(const char *sq, int64_t now, catalog_override_t *o,
    char *err, size_t errlen);
static void expect_error(const char *sq, const char *msg);
static void expect_valid(const char *sq, catalog_override_t *o);
static const char *rep(const char *unit, size_t n);
static const char *fmt(const char *f, ...);


/* helpers */


static int
body(const char *sq, int64_t now, catalog_override_t *o, char *err,
    size_t errlen)
{
    int     rc;
    char   *buf;
    size_t  len;

    buf = unit_json(sq, &len, 0);

    rc = catalog_admin_body(buf, len, now, o, err, errlen);

    free(buf);

    return rc;
}


static void
expect_error(const char *sq, const char *msg)
{
    char                 err[CATALOG_ERROR_LEN];
    catalog_override_t   o, before;

    /* an error leaves the override as it was */

    memset(&o, 0x5a, sizeof(o));
    memcpy(&before, &o, sizeof(o));

    err[0] = '\0';

    if (body(sq, NOW, &o, err, sizeof(err)) == 0) {
        print_error("accepted: %s\n", sq);
        fail();
    }

    assert_string_equal(err, msg);
    assert_memory_equal(&o, &before, sizeof(o));
}


static void
expect_valid(const char *sq, catalog_override_t *o)
{
    char  err[CATALOG_ERROR_LEN];

    err[0] = '\0';

    memset(o, 0x5a, sizeof(*o));

    if (body(sq, NOW, o, err, sizeof(err)) != 0) {
        print_error("refused: %s\n%s\n", sq, err);
        fail();
    }
}


static const char *
rep(const char *unit, size_t n)
{
    static char  buf[4][16384];
    static int   k;
    char        *p;
    size_t       i, len;

    p = buf[k++ % 4];
    len = strlen(unit);

    assert_true(len * n < sizeof(buf[0]));

    for (i = 0; i < n; i++) {
        memcpy(p + i * len, unit, len);
    }

    p[len * n] = '\0';

    return p;
}


static const char *
fmt(const char *f, ...)
{
    static char  buf[4][16384];
    static int   k;
    char        *p;
    va_list      args;

    p = buf[k++ % 4];

    va_start(args, f);
    vsnprintf(p, sizeof(buf[0]), f, args);
    va_end(args);

    return p;
}


/* valid bodies */


static void
test_body_maintenance(void **state)
{
    catalog_override_t  o;

    (void) state;

    expect_valid("{'status': 'maintenance', 'message': 'Pemeliharaan "
                 "sistem.', 'until': '2026-12-01T08:00:00+07:00'}", &o);

    assert_int_equal(o.status, CATALOG_STATUS_MAINTENANCE);
    assert_int_equal(o.until, UNTIL);
    assert_int_equal(o.message_len, 20);
    assert_string_equal(o.message, "Pemeliharaan sistem.");

    /* the caller's fields are left alone */

    assert_int_equal(o.updated_at, (int64_t) 0x5a5a5a5a5a5a5a5aLL);
    assert_int_equal(o.updated_by_len, (size_t) 0x5a5a5a5a5a5a5a5aULL);
    assert_int_equal((unsigned char) o.updated_by[0], 0x5a);

    /* the keys in any order, "until" alone, nothing but the status */

    expect_valid("{'until': '2026-12-01T01:00:00Z', "
                 "'status': 'maintenance'}", &o);
    assert_int_equal(o.status, CATALOG_STATUS_MAINTENANCE);
    assert_int_equal(o.until, UNTIL);
    assert_int_equal(o.message_len, 0);
    assert_string_equal(o.message, "");

    expect_valid("{'status': 'maintenance'}", &o);
    assert_int_equal(o.until, 0);
    assert_int_equal(o.message_len, 0);

    /* null is absent, and so is an empty message */

    expect_valid("{'status': 'maintenance', 'message': null, "
                 "'until': null}", &o);
    assert_int_equal(o.until, 0);
    assert_int_equal(o.message_len, 0);

    expect_valid("{'status': 'maintenance', 'message': ''}", &o);
    assert_int_equal(o.message_len, 0);
    assert_string_equal(o.message, "");

    /* whitespace around, and a byte order mark is not JSON */

    expect_valid(" \n\t{ 'status' : 'maintenance' }\r\n ", &o);
    expect_error("\xef\xbb\xbf{'status': 'active'}",
                 "line 1, column 1: invalid JSON: '[' or '{' expected "
                 "near '\xef\xbb\xbf'");
}


static void
test_body_active(void **state)
{
    catalog_override_t  o;

    (void) state;

    expect_valid("{'status': 'active'}", &o);

    assert_int_equal(o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(o.until, 0);
    assert_int_equal(o.message_len, 0);
    assert_string_equal(o.message, "");

    expect_valid("{'status': 'active', 'message': null, 'until': null}",
                 &o);
    expect_valid("{'status': 'active', 'message': ''}", &o);
    assert_int_equal(o.status, CATALOG_STATUS_ACTIVE);
}


static void
test_body_message_text(void **state)
{
    catalog_override_t  o;

    (void) state;

    /* tabs and line breaks, quotes, escapes, UTF-8 */

    expect_valid("{'status': 'maintenance', 'message': 'a\\tb\\nc\\rd "
                 "\\\"q\\\" \\\\ \\u00e9 \xe2\x82\xac \\ud83d\\ude00'}", &o);

    assert_int_equal(o.message_len, 25);
    assert_memory_equal(o.message, "a\tb\nc\rd \"q\" \\ \xc3\xa9 \xe2\x82\xac "
                        "\xf0\x9f\x98\x80", 25);
}


static void
test_body_message_length(void **state)
{
    catalog_override_t  o;

    (void) state;

    /* 500 characters whatever their bytes; 501 is one too many */

    expect_valid(fmt("{'status': 'maintenance', 'message': '%s'}",
                     rep("x", 500)), &o);
    assert_int_equal(o.message_len, 500);
    assert_int_equal(o.message[500], '\0');

    expect_valid(fmt("{'status': 'maintenance', 'message': '%s'}",
                     rep("\xc3\xa9", 500)), &o);
    assert_int_equal(o.message_len, 1000);

    /* 2000 bytes fill the buffer exactly: no room for a NUL */

    expect_valid(fmt("{'status': 'maintenance', 'message': '%s'}",
                     rep("\xf0\x9f\x98\x80", 500)), &o);
    assert_int_equal(o.message_len, CATALOG_MESSAGE_BYTES);
    assert_memory_equal(o.message + 1996, "\xf0\x9f\x98\x80", 4);

    expect_valid(fmt("{'status': 'maintenance', 'message': '%s'}",
                     rep("\\ud83d\\ude00", 500)), &o);
    assert_int_equal(o.message_len, CATALOG_MESSAGE_BYTES);

    expect_error(fmt("{'status': 'maintenance', 'message': '%s'}",
                     rep("x", 501)),
                 "\"message\" is longer than 500 characters");
    expect_error(fmt("{'status': 'maintenance', 'message': '%s'}",
                     rep("\xf0\x9f\x98\x80", 501)),
                 "\"message\" is longer than 500 characters");
    expect_error(fmt("{'status': 'maintenance', 'message': '%s'}",
                     rep("\\u00e9", 501)),
                 "\"message\" is longer than 500 characters");
}


static void
test_body_message_controls(void **state)
{
    catalog_override_t  o;

    (void) state;

    expect_error("{'status': 'maintenance', 'message': 'a\\u0001b'}",
                 CONTROLS);
    expect_error("{'status': 'maintenance', 'message': '\\u001b[31m'}",
                 CONTROLS);
    expect_error("{'status': 'maintenance', 'message': 'a\\u000bb'}",
                 CONTROLS);
    expect_error("{'status': 'maintenance', 'message': 'a\\u007fb'}",
                 CONTROLS);
    expect_error("{'status': 'maintenance', 'message': 'a\\u0085b'}",
                 CONTROLS);
    expect_error("{'status': 'maintenance', 'message': 'a\\u009fb'}",
                 CONTROLS);

    /* a raw control character is not even JSON; NUL is refused by jansson */

    expect_error("{'status': 'maintenance', 'message': 'a\x01'}",
                 "line 1, column 39: invalid JSON: control character 0x1 "
                 "near '\"a'");
    expect_error("{'status': 'maintenance', 'message': 'a\\u0000b'}",
                 "line 1, column 47: invalid JSON: \\u0000 is not allowed "
                 "without JSON_ALLOW_NUL near '\"a\\u0000b\"'");

    /* U+00A0 is not a control character, U+0080 is */

    expect_valid("{'status': 'maintenance', 'message': '\\u00a0'}", &o);
    assert_int_equal(o.message_len, 2);

    expect_error("{'status': 'maintenance', 'message': '\\u00a0\\u0080'}",
                 CONTROLS);
}


static void
test_body_message_type(void **state)
{
    (void) state;

    expect_error("{'status': 'maintenance', 'message': 42}",
                 "\"message\" must be a string");
    expect_error("{'status': 'maintenance', 'message': ['a']}",
                 "\"message\" must be a string");
    expect_error("{'status': 'maintenance', 'message': {'id': 'a'}}",
                 "\"message\" must be a string");
    expect_error("{'status': 'maintenance', 'message': false}",
                 "\"message\" must be a string");
}


static void
test_body_message_active(void **state)
{
    (void) state;

    expect_error("{'status': 'active', 'message': 'Kembali normal.'}",
                 "\"message\"" ONLY_MAINT);
    expect_error("{'message': 'x', 'status': 'active'}",
                 "\"message\"" ONLY_MAINT);
}


/* "status" */


static void
test_body_status(void **state)
{
    (void) state;

    expect_error("{}", "\"status\" is required");
    expect_error("{'status': null}", "\"status\" is required");
    expect_error("{'message': 'x'}", "\"status\" is required");
    expect_error("{'status': 1}", "\"status\" must be a string");
    expect_error("{'status': true}", "\"status\" must be a string");
    expect_error("{'status': ['active']}", "\"status\" must be a string");

    expect_error("{'status': ''}", "invalid status \"\": must be "
                 "\"active\" or \"maintenance\"");
    expect_error("{'status': 'Active'}", "invalid status \"Active\": must "
                 "be \"active\" or \"maintenance\"");
    expect_error("{'status': 'retired'}", "invalid status \"retired\": "
                 "must be \"active\" or \"maintenance\"");
    expect_error("{'status': 'active '}", "invalid status \"active \": "
                 "must be \"active\" or \"maintenance\"");
    expect_error("{'status': 'maintenance\\u0000'}",
                 "line 1, column 30: invalid JSON: \\u0000 is not allowed "
                 "without JSON_ALLOW_NUL near '\"maintenance\\u0000\"'");
    expect_error("{'status': 'main\\ntenance'}", "invalid status "
                 "\"main\\x0atenance\": must be \"active\" or "
                 "\"maintenance\"");
    expect_error(fmt("{'status': '%s'}", rep("m", 100)),
                 fmt("invalid status \"%s...\": must be \"active\" or "
                     "\"maintenance\"", rep("m", 64)));
}


/* "until" */


static void
test_body_until(void **state)
{
    catalog_override_t  o;

    (void) state;

    expect_error("{'status': 'maintenance', 'until': 1796086800}",
                 "\"until\" must be a string");
    expect_error("{'status': 'maintenance', 'until': ['x']}",
                 "\"until\" must be a string");
    expect_error("{'status': 'maintenance', 'until': true}",
                 "\"until\" must be a string");

    expect_error("{'status': 'maintenance', 'until': ''}",
                 "invalid \"until\" \"\": " TIME_RULE);
    expect_error("{'status': 'maintenance', 'until': 'tomorrow'}",
                 "invalid \"until\" \"tomorrow\": " TIME_RULE);
    expect_error("{'status': 'maintenance', 'until': '2026-12-01'}",
                 "invalid \"until\" \"2026-12-01\": " TIME_RULE);
    expect_error("{'status': 'maintenance', "
                 "'until': '2026-12-01 08:00:00+07:00'}",
                 "invalid \"until\" \"2026-12-01 08:00:00+07:00\": "
                 TIME_RULE);
    expect_error("{'status': 'maintenance', "
                 "'until': '2027-02-29T08:00:00Z'}",
                 "invalid \"until\" \"2027-02-29T08:00:00Z\": " TIME_RULE);
    expect_error("{'status': 'maintenance', "
                 "'until': '2026-12-01T08:00:00'}",
                 "invalid \"until\" \"2026-12-01T08:00:00\": " TIME_RULE);
    expect_error("{'status': 'maintenance', "
                 "'until': '2026-12-01T08:00:00+07:00\\u001b'}",
                 "invalid \"until\" \"2026-12-01T08:00:00+07:00\\x1b\": "
                 TIME_RULE);
    expect_error(fmt("{'status': 'maintenance', 'until': '%s'}",
                     rep("9", 80)),
                 fmt("invalid \"until\" \"%s...\": " TIME_RULE,
                     rep("9", 64)));

    /* 2028 is a leap year */

    expect_valid("{'status': 'maintenance', "
                 "'until': '2028-02-29T08:00:00Z'}", &o);
    assert_int_equal(o.until, 1835424000);
}


static void
test_body_until_past(void **state)
{
    catalog_override_t  o;

    (void) state;

    expect_error("{'status': 'maintenance', "
                 "'until': '2020-01-01T00:00:00Z'}",
                 "\"until\" \"2020-01-01T00:00:00Z\" is not in the future");

    /* now itself is not after now; a second later is */

    expect_error("{'status': 'maintenance', "
                 "'until': '2026-11-30T00:53:20Z'}",
                 "\"until\" \"2026-11-30T00:53:20Z\" is not in the future");
    expect_error("{'status': 'maintenance', "
                 "'until': '2026-11-30T07:53:20+07:00'}",
                 "\"until\" \"2026-11-30T07:53:20+07:00\" is not in the "
                 "future");

    expect_valid("{'status': 'maintenance', "
                 "'until': '2026-11-30T00:53:21Z'}", &o);
    assert_int_equal(o.until, NOW + 1);
}


static void
test_body_until_active(void **state)
{
    (void) state;

    expect_error("{'status': 'active', 'until': '2026-12-01T08:00:00Z'}",
                 "\"until\"" ONLY_MAINT);

    /* the type is checked first */

    expect_error("{'status': 'active', 'until': 5}",
                 "\"until\" must be a string");
}


/* the body as a whole */


static void
test_body_unknown_key(void **state)
{
    (void) state;

    expect_error("{'status': 'maintenance', 'reason': 'x'}",
                 "unknown key \"reason\"");
    expect_error("{'Status': 'maintenance'}", "unknown key \"Status\"");
    expect_error("{'status': 'active', 'updated_by': 'me'}",
                 "unknown key \"updated_by\"");

    /* before anything else, and echoed safely */

    expect_error("{'x': 1}", "unknown key \"x\"");
    expect_error("{'': 1}", "unknown key \"\"");
    expect_error("{'a\\u0007\\\"\\\\b\\n': 1}",
                 "unknown key \"a\\x07\\\"\\\\b\\x0a\"");
    expect_error(fmt("{'%s': 1}", rep("k", 65)),
                 fmt("unknown key \"%s...\"", rep("k", 64)));
    expect_error(fmt("{'%s': 1}", rep("k", 64)),
                 fmt("unknown key \"%s\"", rep("k", 64)));

    /* a cut never splits a UTF-8 character */

    expect_error(fmt("{'%s': 1}", rep("\xc3\xa9", 40)),
                 fmt("unknown key \"%s...\"", rep("\xc3\xa9", 32)));
}


static void
test_body_not_object(void **state)
{
    (void) state;

    expect_error("[]", "body must be a JSON object");
    expect_error("[{'status': 'active'}]", "body must be a JSON object");

    /* jansson wants an array or an object at the top */

    expect_error("'active'", "line 1, column 8: invalid JSON: '[' or '{' "
                 "expected near '\"active\"'");
    expect_error("null", "line 1, column 4: invalid JSON: '[' or '{' "
                 "expected near 'null'");
    expect_error("1", "line 1, column 1: invalid JSON: '[' or '{' "
                 "expected near '1'");
}


static void
test_body_invalid_json(void **state)
{
    (void) state;

    expect_error("{", "line 1, column 1: invalid JSON: string or '}' "
                 "expected near end of file");
    expect_error("{'status': 'active',}", "line 1, column 21: invalid "
                 "JSON: string or '}' expected near '}'");
    expect_error("{status: 'active'}", "line 1, column 7: invalid JSON: "
                 "string or '}' expected near 'status'");
    expect_error("{'status': 'active'} {}", "line 1, column 22: invalid "
                 "JSON: end of file expected near '{'");
    expect_error("{'status': 'act\xff'}", "line 1, column 15: invalid "
                 "JSON: unable to decode byte 0xff near '\"act'");
    expect_error("{'status': 'active', 'status': 'maintenance'}",
                 "line 1, column 29: invalid JSON: duplicate object key "
                 "near '\"status\"'");
    expect_error("{\n'status':\n'active'\n", "line 4, column 0: invalid "
                 "JSON: '}' expected near end of file");
}


static void
test_body_empty(void **state)
{
    char                err[CATALOG_ERROR_LEN];
    catalog_override_t  o;

    (void) state;

    expect_error("", "body is empty");

    assert_int_equal(catalog_admin_body(NULL, 0, NOW, &o, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "body is empty");

    assert_int_equal(catalog_admin_body(NULL, 5, NOW, &o, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "body is empty");

    expect_error(" ", "line 1, column 1: invalid JSON: '[' or '{' expected "
                 "near end of file");
}


static void
test_body_size(void **state)
{
    char                 err[CATALOG_ERROR_LEN];
    char                *buf;
    size_t               len;
    catalog_override_t   o;
    const char           json[] = "{\"status\": \"active\"}";

    (void) state;

    /* 8192 bytes are fine, 8193 are not, however valid */

    buf = malloc(CATALOG_BODY_MAX + 1);
    assert_non_null(buf);

    memset(buf, ' ', CATALOG_BODY_MAX + 1);
    memcpy(buf, json, sizeof(json) - 1);

    len = CATALOG_BODY_MAX;
    assert_int_equal(catalog_admin_body(buf, len, NOW, &o, err, sizeof(err)),
                     0);

    len = CATALOG_BODY_MAX + 1;
    assert_int_equal(catalog_admin_body(buf, len, NOW, &o, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "body is larger than 8192 bytes");

    assert_int_equal(catalog_admin_body(buf, (size_t) -1, NOW, &o, err,
                                        sizeof(err)), -1);
    assert_string_equal(err, "body is larger than 8192 bytes");

    free(buf);
}


static void
test_body_error_buffer(void **state)
{
    char                err[32];
    catalog_override_t  o;

    (void) state;

    memset(err, 'z', sizeof(err));

    assert_int_equal(catalog_admin_body("[]", 2, NOW, &o, err, 5), -1);
    assert_string_equal(err, "body");
    assert_int_equal(err[5], 'z');

    assert_int_equal(catalog_admin_body("[]", 2, NOW, &o, err, 1), -1);
    assert_string_equal(err, "");

    assert_int_equal(catalog_admin_body("[]", 2, NOW, &o, err, 0), -1);
    assert_int_equal(catalog_admin_body("[]", 2, NOW, &o, NULL, 0), -1);
    assert_int_equal(catalog_admin_body("{", 1, NOW, &o, NULL, 0), -1);
}


static void
test_body_hostile_mutations(void **state)
{
    int                  rc;
    char                 err[CATALOG_ERROR_LEN];
    char                *copy;
    size_t               len, i, k, pos;
    uint32_t             seed;
    catalog_override_t   o;
    const char           valid[] = "{\"status\": \"maintenance\", "
                                   "\"message\": \"Pemeliharaan\\n"
                                   "\\u00e9\", \"until\": "
                                   "\"2026-12-01T08:00:00+07:00\"}";
    const char           bytes[] = "\"{}[]:,\\ 0aZ.-+tT\x01\xc3\xff\x80";

    (void) state;

    len = sizeof(valid) - 1;
    seed = 2026;

    for (i = 0; i < 20000; i++) {
        copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, valid, len);

        for (k = 0; k < 1 + i % 3; k++) {
            seed = seed * 1103515245 + 12345;
            pos = (seed >> 8) % len;
            seed = seed * 1103515245 + 12345;
            copy[pos] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
        }

        seed = seed * 1103515245 + 12345;

        rc = catalog_admin_body(copy, (seed >> 8) % 4 ? len : pos, NOW, &o,
                                err, sizeof(err));

        if (rc == 0) {
            assert_true(o.status == CATALOG_STATUS_ACTIVE
                        || o.status == CATALOG_STATUS_MAINTENANCE);
            assert_true(o.message_len <= CATALOG_MESSAGE_BYTES);
            assert_true(o.until == 0 || o.until > NOW);

        } else {
            assert_true(strlen(err) > 0);
        }

        free(copy);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_body_maintenance),
        cmocka_unit_test(test_body_active),
        cmocka_unit_test(test_body_message_text),
        cmocka_unit_test(test_body_message_length),
        cmocka_unit_test(test_body_message_controls),
        cmocka_unit_test(test_body_message_type),
        cmocka_unit_test(test_body_message_active),
        cmocka_unit_test(test_body_status),
        cmocka_unit_test(test_body_until),
        cmocka_unit_test(test_body_until_past),
        cmocka_unit_test(test_body_until_active),
        cmocka_unit_test(test_body_unknown_key),
        cmocka_unit_test(test_body_not_object),
        cmocka_unit_test(test_body_invalid_json),
        cmocka_unit_test(test_body_empty),
        cmocka_unit_test(test_body_size),
        cmocka_unit_test(test_body_error_buffer),
        cmocka_unit_test(test_body_hostile_mutations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
