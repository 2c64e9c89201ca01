
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The status values as Redis holds them (catalog_redis.c): every error
 * of a hostile hash with its exact text, each field and value copied
 * into a buffer of exactly its length so that ASan sees a read past it;
 * the limits at their edges; newest wins with the tie break on each
 * field, and a strict total order on random values; the texts written
 * and read back; key names, SCAN patterns, prefixes and the backoff.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog_redis.h>


#define NOW      1796112000000LL            /* 2026-12-01T08:00:00.000Z */
#define NOW_S    "2026-12-01T08:00:00.000Z"
#define MAX_KV   16
#define NVALUES  64


/* a hash as name, value, name, value ..., NULL */

typedef struct {
    const char                   *kv[2 * MAX_KV + 1];
    const char                   *err;
} error_case_t;


static int parse_n(const char *const *names, const size_t *nlens,
    const char *const *values, const size_t *vlens, size_t n, int64_t now,
    catalog_redis_value_t *v, char *err);
static int parse_kv(const char *const *kv, int64_t now,
    catalog_redis_value_t *v, char *err);
static void expect_error(const char *const *kv, int64_t now,
    const char *msg);
static void expect_ok(const char *const *kv, int64_t now,
    catalog_redis_value_t *v);
static int parse_text(const catalog_redis_text_t *t, int64_t now,
    catalog_redis_value_t *v, char *err);
static void value(catalog_redis_value_t *v, int cleared,
    catalog_status_e status, const char *message, int64_t until,
    int64_t updated_at, const char *updated_by);
static int same_text(const catalog_redis_value_t *a,
    const catalog_redis_value_t *b);
static void random_value(catalog_redis_value_t *v, uint32_t *seed);
static const char *repeat(const char *s, size_t times);
static uint32_t next(uint32_t *seed);


static const error_case_t  error_cases[] = {

    /* the fields: the five only, each once */

    { { "foo", "x", "status", "active", "updated_at", NOW_S, NULL },
      "unknown field \"foo\"" },
    { { "status", "active", "updated_at", NOW_S, "Status", "active", NULL },
      "unknown field \"Status\"" },
    { { "status ", "active", "updated_at", NOW_S, NULL },
      "unknown field \"status \"" },
    { { "", "active", NULL },
      "unknown field \"\"" },
    { { "updated_at\"x", "", NULL },
      "unknown field \"updated_at\\\"x\"" },
    { { "x\x01y\xff", "", NULL },
      "unknown field \"x\\x01y\\xff\"" },
    { { "status", "active", "status", "active", "updated_at", NOW_S, NULL },
      "\"status\" appears twice" },
    { { "status", "maintenance", "message", "a", "message", "a",
        "updated_at", NOW_S, NULL },
      "\"message\" appears twice" },
    { { "status", "maintenance", "until", "", "until", "",
        "updated_at", NOW_S, NULL },
      "\"until\" appears twice" },
    { { "status", "active", "updated_at", NOW_S, "updated_at", NOW_S, NULL },
      "\"updated_at\" appears twice" },
    { { "status", "active", "updated_at", NOW_S, "updated_by", "a",
        "updated_by", "b", NULL },
      "\"updated_by\" appears twice" },

    /* the fields are checked before any value */

    { { "status", "paused", "foo", "", NULL },
      "unknown field \"foo\"" },
    { { "status", "paused", "status", "paused", NULL },
      "\"status\" appears twice" },

    /* "status" */

    { { NULL },
      "\"status\" is required" },
    { { "updated_at", NOW_S, NULL },
      "\"status\" is required" },
    { { "status", "paused", "updated_at", NOW_S, NULL },
      "invalid \"status\" \"paused\"" },
    { { "status", "Active", "updated_at", NOW_S, NULL },
      "invalid \"status\" \"Active\"" },
    { { "status", "active ", "updated_at", NOW_S, NULL },
      "invalid \"status\" \"active \"" },
    { { "status", "maintenanc", "updated_at", NOW_S, NULL },
      "invalid \"status\" \"maintenanc\"" },
    { { "status", "retired", "updated_at", NOW_S, NULL },
      "invalid \"status\" \"retired\"" },
    { { "status", "a\"b\\c", "updated_at", NOW_S, NULL },
      "invalid \"status\" \"a\\\"b\\\\c\"" },
    { { "status", "\x1b[31m\r\n", "updated_at", NOW_S, NULL },
      "invalid \"status\" \"\\x1b[31m\\x0d\\x0a\"" },
    { { "status", "\xc2\x85\xc3\xa9\xc3", "updated_at", NOW_S, NULL },
      "invalid \"status\" \"\\xc2\\x85\xc3\xa9\\xc3\"" },
    { { "status",
        "0123456789012345678901234567890123456789012345678901234567890123"
        "456789", "updated_at", NOW_S, NULL },
      "invalid \"status\" "
      "\"0123456789012345678901234567890123456789012345678901234567890123"
      "...\"" },

    /* "message" */

    { { "status", "active", "message", "m", "updated_at", NOW_S, NULL },
      "\"message\" is only allowed with \"status\": \"maintenance\"" },
    { { "status", "", "message", "m", "updated_at", NOW_S, NULL },
      "\"message\" is only allowed with \"status\": \"maintenance\"" },
    { { "status", "maintenance", "message", "a\xc3(", "updated_at", NOW_S,
        NULL },
      "\"message\" is not valid UTF-8" },
    { { "status", "maintenance", "message", "\xc0\xaf", "updated_at", NOW_S,
        NULL },
      "\"message\" is not valid UTF-8" },
    { { "status", "maintenance", "message", "\xed\xa0\x80",
        "updated_at", NOW_S, NULL },
      "\"message\" is not valid UTF-8" },
    { { "status", "maintenance", "message", "\x80", "updated_at", NOW_S,
        NULL },
      "\"message\" is not valid UTF-8" },
    { { "status", "maintenance", "message", "\xe2\x82", "updated_at", NOW_S,
        NULL },
      "\"message\" is not valid UTF-8" },
    { { "status", "maintenance", "message", "bell\x07", "updated_at", NOW_S,
        NULL },
      "\"message\" must not contain control characters other than tabs "
      "and line breaks" },
    { { "status", "maintenance", "message", "del\x7f", "updated_at", NOW_S,
        NULL },
      "\"message\" must not contain control characters other than tabs "
      "and line breaks" },
    { { "status", "maintenance", "message", "c1\xc2\x85",
        "updated_at", NOW_S, NULL },
      "\"message\" must not contain control characters other than tabs "
      "and line breaks" },
    { { "status", "maintenance", "message", "\x1b[2J", "updated_at", NOW_S,
        NULL },
      "\"message\" must not contain control characters other than tabs "
      "and line breaks" },

    /* "until" */

    { { "status", "active", "until", "2026-12-02T00:00:00Z",
        "updated_at", NOW_S, NULL },
      "\"until\" is only allowed with \"status\": \"maintenance\"" },
    { { "status", "", "until", "2026-12-02T00:00:00Z",
        "updated_at", NOW_S, NULL },
      "\"until\" is only allowed with \"status\": \"maintenance\"" },
    { { "status", "maintenance", "until", "tomorrow", "updated_at", NOW_S,
        NULL },
      "invalid \"until\" \"tomorrow\"" },
    { { "status", "maintenance", "until", "1796112000",
        "updated_at", NOW_S, NULL },
      "invalid \"until\" \"1796112000\"" },
    { { "status", "maintenance", "until", "2026-02-29T00:00:00Z",
        "updated_at", NOW_S, NULL },
      "invalid \"until\" \"2026-02-29T00:00:00Z\"" },
    { { "status", "maintenance", "until", "2026-12-01T08:00:00",
        "updated_at", NOW_S, NULL },
      "invalid \"until\" \"2026-12-01T08:00:00\"" },

    /* "updated_at" */

    { { "status", "active", NULL },
      "\"updated_at\" is required" },
    { { "status", "maintenance", "message", "m", NULL },
      "\"updated_at\" is required" },
    { { "status", "active", "updated_at", "", NULL },
      "\"updated_at\" is required" },
    { { "status", "active", "updated_at", "yesterday", NULL },
      "invalid \"updated_at\" \"yesterday\"" },
    { { "status", "active", "updated_at", "1796112000000", NULL },
      "invalid \"updated_at\" \"1796112000000\"" },
    { { "status", "active", "updated_at", "2026-12-01T08:00:00.Z", NULL },
      "invalid \"updated_at\" \"2026-12-01T08:00:00.Z\"" },
    { { "status", "active", "updated_at", "1969-12-31T23:59:59.999Z", NULL },
      "invalid \"updated_at\" \"1969-12-31T23:59:59.999Z\"" },
    { { "status", "active", "updated_at", "2026-12-01T08:05:00.001Z", NULL },
      "\"updated_at\" is in the future" },
    { { "status", "active", "updated_at", "2026-12-01T08:06:00Z", NULL },
      "\"updated_at\" is in the future" },
    { { "status", "active", "updated_at", "9999-12-31T23:59:59.999Z", NULL },
      "\"updated_at\" is in the future" },

    /* "updated_by" */

    { { "status", "active", "updated_at", NOW_S, "updated_by", "bad name",
        NULL },
      "invalid \"updated_by\" \"bad name\"" },
    { { "status", "active", "updated_at", NOW_S, "updated_by", "ops/x",
        NULL },
      "invalid \"updated_by\" \"ops/x\"" },
    { { "status", "active", "updated_at", NOW_S, "updated_by", "\xc3\xa9",
        NULL },
      "invalid \"updated_by\" \"\xc3\xa9\"" },
    { { "status", "active", "updated_at", NOW_S, "updated_by", "a\nb",
        NULL },
      "invalid \"updated_by\" \"a\\x0ab\"" },

    /* the first error in field order */

    { { "updated_by", "bad name", "updated_at", "x", "until", "x",
        "message", "\x07", "status", "maintenance", NULL },
      "\"message\" must not contain control characters other than tabs "
      "and line breaks" },
    { { "updated_by", "bad name", "updated_at", "x", "until", "x",
        "status", "maintenance", NULL },
      "invalid \"until\" \"x\"" },
    { { "updated_by", "bad name", "updated_at", "x", "status", "active",
        NULL },
      "invalid \"updated_at\" \"x\"" }
};


/* helpers */


static int
parse_n(const char *const *names, const size_t *nlens,
    const char *const *values, const size_t *vlens, size_t n, int64_t now,
    catalog_redis_value_t *v, char *err)
{
    int                     rc;
    size_t                  i;
    catalog_redis_field_t   f[MAX_KV];

    assert_true(n <= MAX_KV);

    /* each name and value in a buffer of exactly its length */

    for (i = 0; i < n; i++) {
        f[i].name = malloc(nlens[i] ? nlens[i] : 1);
        f[i].value = malloc(vlens[i] ? vlens[i] : 1);
        assert_non_null(f[i].name);
        assert_non_null(f[i].value);

        memcpy((char *) f[i].name, names[i], nlens[i]);
        memcpy((char *) f[i].value, values[i], vlens[i]);
        f[i].name_len = nlens[i];
        f[i].value_len = vlens[i];
    }

    rc = catalog_redis_value_parse(f, n, now, v, err, CATALOG_ERROR_LEN);

    for (i = 0; i < n; i++) {
        free((char *) f[i].name);
        free((char *) f[i].value);
    }

    return rc;
}


static int
parse_kv(const char *const *kv, int64_t now, catalog_redis_value_t *v,
    char *err)
{
    size_t       n, nlens[MAX_KV], vlens[MAX_KV];
    const char  *names[MAX_KV], *values[MAX_KV];

    for (n = 0; kv[2 * n]; n++) {
        assert_true(n < MAX_KV);

        names[n] = kv[2 * n];
        values[n] = kv[2 * n + 1];
        nlens[n] = strlen(names[n]);
        vlens[n] = strlen(values[n]);
    }

    return parse_n(names, nlens, values, vlens, n, now, v, err);
}


static void
expect_error(const char *const *kv, int64_t now, const char *msg)
{
    char                   err[CATALOG_ERROR_LEN];
    catalog_redis_value_t  v, before;

    /* an error leaves v as it was */

    memset(&v, 0x5a, sizeof(v));
    memcpy(&before, &v, sizeof(v));

    err[0] = '\0';

    assert_int_equal(parse_kv(kv, now, &v, err), -1);
    assert_string_equal(err, msg);
    assert_memory_equal(&v, &before, sizeof(v));
}


static void
expect_ok(const char *const *kv, int64_t now, catalog_redis_value_t *v)
{
    char  err[CATALOG_ERROR_LEN];

    memset(v, 0x5a, sizeof(*v));
    err[0] = '\0';

    if (parse_kv(kv, now, v, err) != 0) {
        fail_msg("%s", err);
    }
}


static int
parse_text(const catalog_redis_text_t *t, int64_t now,
    catalog_redis_value_t *v, char *err)
{
    size_t       i, nlens[CATALOG_REDIS_FIELDS], vlens[CATALOG_REDIS_FIELDS];
    const char  *values[CATALOG_REDIS_FIELDS];

    /* the hash as it would be written: the five fields in hash order */

    for (i = 0; i < CATALOG_REDIS_FIELDS; i++) {
        nlens[i] = strlen(catalog_redis_field_names[i]);
        values[i] = t->field[i].data;
        vlens[i] = t->field[i].len;
    }

    return parse_n(catalog_redis_field_names, nlens, values, vlens,
                   CATALOG_REDIS_FIELDS, now, v, err);
}


static void
value(catalog_redis_value_t *v, int cleared, catalog_status_e status,
    const char *message, int64_t until, int64_t updated_at,
    const char *updated_by)
{
    memset(v, 0, sizeof(*v));

    v->cleared = cleared ? 1 : 0;
    v->o.status = status;
    v->o.until = until;
    v->o.updated_at = updated_at;

    v->o.message_len = strlen(message);
    assert_true(v->o.message_len <= CATALOG_MESSAGE_BYTES);
    memcpy(v->o.message, message, v->o.message_len);

    v->o.updated_by_len = strlen(updated_by);
    assert_true(v->o.updated_by_len <= CATALOG_TOKEN_NAME_MAX);
    memcpy(v->o.updated_by, updated_by, v->o.updated_by_len);
}


static int
same_text(const catalog_redis_value_t *a, const catalog_redis_value_t *b)
{
    size_t                i;
    catalog_redis_text_t  ta, tb;

    catalog_redis_value_text(a, &ta);
    catalog_redis_value_text(b, &tb);

    for (i = 0; i < CATALOG_REDIS_FIELDS; i++) {
        if (ta.field[i].len != tb.field[i].len
            || memcmp(ta.field[i].data, tb.field[i].data, ta.field[i].len)
               != 0)
        {
            return 0;
        }
    }

    return 1;
}


static void
random_value(catalog_redis_value_t *v, uint32_t *seed)
{
    static const char  *messages[] = {
        "", "a", "ab", "b", "\xc3\xa9", "z", "a\nb"
    };

    static const char  *names[] = {
        "", "alice", "alice2", "bob", "Bob", "ops-dukcapil"
    };

    static const int64_t  untils[] = {
        0, 1, 1796112000, 1796112001, 253402300799LL
    };

    catalog_status_e  st;
    unsigned          pick;

    /* few choices per field, so that ties are common */

    pick = next(seed) % 3;
    st = (pick == 2) ? CATALOG_STATUS_MAINTENANCE : CATALOG_STATUS_ACTIVE;

    value(v, pick == 0, st,
          messages[next(seed) % (sizeof(messages) / sizeof(messages[0]))],
          untils[next(seed) % (sizeof(untils) / sizeof(untils[0]))],
          NOW + next(seed) % 3,
          names[next(seed) % (sizeof(names) / sizeof(names[0]))]);
}


static const char *
repeat(const char *s, size_t times)
{
    static char   buf[4][4 * CATALOG_MESSAGE_BYTES];
    static int    k;
    char         *p;
    size_t        i, len;

    p = buf[k++ % 4];
    len = strlen(s);

    assert_true(len * times < sizeof(buf[0]));

    for (i = 0; i < times; i++) {
        memcpy(p + i * len, s, len);
    }

    p[len * times] = '\0';

    return p;
}


static uint32_t
next(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;

    return *seed >> 8;
}


/* checking a hash */


static void
test_redis_errors(void **state)
{
    size_t  i;

    (void) state;

    for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
        expect_error(error_cases[i].kv, NOW, error_cases[i].err);
    }
}


static void
test_redis_field_names(void **state)
{
    (void) state;

    assert_string_equal(catalog_redis_field_names[0], "status");
    assert_string_equal(catalog_redis_field_names[1], "message");
    assert_string_equal(catalog_redis_field_names[2], "until");
    assert_string_equal(catalog_redis_field_names[3], "updated_at");
    assert_string_equal(catalog_redis_field_names[4], "updated_by");
}


static void
test_redis_maintenance(void **state)
{
    catalog_redis_value_t  v;
    const char            *kv[] = {
        "updated_by", "ops-dukcapil",
        "message", "Pemeliharaan \"sistem\"\n\tbaris dua \xc3\xa9\r\n",
        "until", "2026-12-02T08:00:00+07:00",
        "status", "maintenance",
        "updated_at", "2026-12-01T07:59:59.123456Z",
        NULL
    };

    (void) state;

    /* any order, tabs and line breaks in the message */

    expect_ok(kv, NOW, &v);

    assert_int_equal(v.cleared, 0);
    assert_int_equal(v.o.status, CATALOG_STATUS_MAINTENANCE);
    assert_int_equal(v.o.until, 1796173200);
    assert_int_equal(v.o.updated_at, 1796111999123LL);
    assert_int_equal(v.o.message_len, strlen(kv[3]));
    assert_string_equal(v.o.message, kv[3]);
    assert_int_equal(v.o.updated_by_len, 12);
    assert_string_equal(v.o.updated_by, "ops-dukcapil");
}


static void
test_redis_active(void **state)
{
    catalog_redis_value_t  v;
    const char            *kv[] = {
        "status", "active", "updated_at", "2026-12-01T08:00:00.5+07:00",
        NULL
    };
    const char            *empty[] = {
        "status", "active", "message", "", "until", "",
        "updated_at", "1970-01-01T00:00:00Z", "updated_by", "", NULL
    };

    (void) state;

    expect_ok(kv, NOW, &v);

    assert_int_equal(v.cleared, 0);
    assert_int_equal(v.o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(v.o.until, 0);
    assert_int_equal(v.o.updated_at, 1796086800500LL);
    assert_int_equal(v.o.message_len, 0);
    assert_string_equal(v.o.message, "");
    assert_int_equal(v.o.updated_by_len, 0);
    assert_string_equal(v.o.updated_by, "");

    /* empty fields are the same as absent ones; an old time is fine */

    expect_ok(empty, NOW, &v);

    assert_int_equal(v.cleared, 0);
    assert_int_equal(v.o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(v.o.until, 0);
    assert_int_equal(v.o.updated_at, 0);
    assert_int_equal(v.o.message_len, 0);
    assert_int_equal(v.o.updated_by_len, 0);
}


static void
test_redis_cleared(void **state)
{
    catalog_redis_value_t  v;
    const char            *kv[] = {
        "status", "", "message", "", "until", "",
        "updated_at", NOW_S, "updated_by", "root", NULL
    };
    const char            *bare[] = {
        "status", "", "updated_at", NOW_S, NULL
    };

    (void) state;

    expect_ok(kv, NOW, &v);

    assert_int_equal(v.cleared, 1);
    assert_int_equal(v.o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(v.o.until, 0);
    assert_int_equal(v.o.updated_at, NOW);
    assert_int_equal(v.o.message_len, 0);
    assert_string_equal(v.o.message, "");
    assert_int_equal(v.o.updated_by_len, 4);
    assert_string_equal(v.o.updated_by, "root");

    expect_ok(bare, NOW, &v);

    assert_int_equal(v.cleared, 1);
    assert_int_equal(v.o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(v.o.updated_by_len, 0);
}


static void
test_redis_until_past(void **state)
{
    catalog_redis_value_t  v;
    const char            *kv[] = {
        "status", "maintenance", "until", "1970-01-01T00:00:01Z",
        "updated_at", NOW_S, NULL
    };

    (void) state;

    /* an ended override is the zone's to ignore, not an error */

    expect_ok(kv, NOW, &v);

    assert_int_equal(v.o.status, CATALOG_STATUS_MAINTENANCE);
    assert_int_equal(v.o.until, 1);
}


static void
test_redis_message_limits(void **state)
{
    size_t                 i;
    catalog_redis_value_t  v;
    const char            *kv[] = {
        "status", "maintenance", "message", NULL, "updated_at", NOW_S, NULL
    };

    static const char     *chars[] = {
        "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"
    };

    (void) state;

    /* 500 characters of 1 to 4 bytes; 501 is too many */

    for (i = 0; i < 4; i++) {
        kv[3] = repeat(chars[i], 500);
        expect_ok(kv, NOW, &v);
        assert_int_equal(v.o.message_len, 500 * (i + 1));
        assert_memory_equal(v.o.message, kv[3], 500 * (i + 1));

        if (i < 3) {
            assert_int_equal(v.o.message[v.o.message_len], '\0');
        }

        kv[3] = repeat(chars[i], 501);
        expect_error(kv, NOW, "\"message\" is longer than 500 characters");
    }

    /* the message fills its buffer: no room for a NUL, none written */

    kv[3] = repeat("\xf0\x9f\x98\x80", 500);
    expect_ok(kv, NOW, &v);
    assert_int_equal(v.o.message_len, CATALOG_MESSAGE_BYTES);
    assert_memory_equal(v.o.message, kv[3], CATALOG_MESSAGE_BYTES);

    /* one character and far too many bytes, or bytes but UTF-8 */

    kv[3] = repeat("\xf0\x9f\x98\x80", 501);
    expect_error(kv, NOW, "\"message\" is longer than 500 characters");

    kv[3] = repeat("ab", 1000);
    expect_error(kv, NOW, "\"message\" is longer than 500 characters");

    /* line breaks and tabs count as characters */

    kv[3] = repeat("\t", 500);
    expect_ok(kv, NOW, &v);

    kv[3] = repeat("\r\n", 250);
    expect_ok(kv, NOW, &v);

    kv[3] = repeat("\n", 501);
    expect_error(kv, NOW, "\"message\" is longer than 500 characters");
}


static void
test_redis_message_nul(void **state)
{
    char                   err[CATALOG_ERROR_LEN];
    size_t                 nlens[3], vlens[3], i;
    catalog_redis_value_t  v;
    const char            *names[3], *values[3];

    (void) state;

    names[0] = "status";
    values[0] = "maintenance";
    names[1] = "message";
    values[1] = "a\0b";
    names[2] = "updated_at";
    values[2] = NOW_S;

    for (i = 0; i < 3; i++) {
        nlens[i] = strlen(names[i]);
        vlens[i] = strlen(values[i]);
    }

    vlens[1] = 3;

    /* a NUL is a control character, not the end of the value */

    assert_int_equal(parse_n(names, nlens, values, vlens, 3, NOW, &v, err),
                     -1);
    assert_string_equal(err, "\"message\" must not contain control "
                        "characters other than tabs and line breaks");

    /* nor of a status, a time or a name */

    values[1] = "";
    vlens[1] = 0;

    values[0] = "active\0";
    vlens[0] = 7;
    assert_int_equal(parse_n(names, nlens, values, vlens, 3, NOW, &v, err),
                     -1);
    assert_string_equal(err, "invalid \"status\" \"active\\x00\"");

    values[0] = "active";
    vlens[0] = 6;
    vlens[2] = 25;
    values[2] = NOW_S "\0";
    assert_int_equal(parse_n(names, nlens, values, vlens, 3, NOW, &v, err),
                     -1);
    assert_string_equal(err, "invalid \"updated_at\" "
                        "\"2026-12-01T08:00:00.000Z\\x00\"");

    /* and a NUL in a field's name */

    names[1] = "message\0";
    nlens[1] = 8;
    assert_int_equal(parse_n(names, nlens, values, vlens, 3, NOW, &v, err),
                     -1);
    assert_string_equal(err, "unknown field \"message\\x00\"");
}


static void
test_redis_skew(void **state)
{
    catalog_redis_value_t  v;
    const char            *kv[] = {
        "status", "active", "updated_at", NULL, NULL
    };

    (void) state;

    /* 300 s ahead of now is accepted, a millisecond more is not */

    kv[3] = "2026-12-01T08:05:00.000Z";
    expect_ok(kv, NOW, &v);
    assert_int_equal(v.o.updated_at, NOW + CATALOG_REDIS_SKEW_MS);

    kv[3] = "2026-12-01T08:05:00.001Z";
    expect_error(kv, NOW, "\"updated_at\" is in the future");

    kv[3] = "2026-12-01T08:05:00.0009Z";
    expect_ok(kv, NOW, &v);

    expect_ok(kv, NOW, &v);
    expect_error(kv, NOW - 1, "\"updated_at\" is in the future");

    /* any clock: no overflow at the ends */

    kv[3] = "9999-12-31T23:59:59.999Z";
    expect_ok(kv, INT64_MAX, &v);
    expect_error(kv, INT64_MIN, "\"updated_at\" is in the future");

    kv[3] = "1970-01-01T00:00:00.000Z";
    expect_ok(kv, INT64_MAX, &v);
    expect_ok(kv, -CATALOG_REDIS_SKEW_MS, &v);
    expect_error(kv, -CATALOG_REDIS_SKEW_MS - 1,
                 "\"updated_at\" is in the future");
    expect_error(kv, INT64_MIN, "\"updated_at\" is in the future");
}


static void
test_redis_updated_by_limits(void **state)
{
    char                   want[128];
    catalog_redis_value_t  v;
    const char            *kv[] = {
        "status", "active", "updated_at", NOW_S, "updated_by", NULL, NULL
    };

    (void) state;

    kv[5] = repeat("a", 64);
    expect_ok(kv, NOW, &v);
    assert_int_equal(v.o.updated_by_len, 64);
    assert_memory_equal(v.o.updated_by, kv[5], 64);

    kv[5] = "A.b_c-9";
    expect_ok(kv, NOW, &v);
    assert_string_equal(v.o.updated_by, "A.b_c-9");

    /* quoted cut at 64 bytes */

    snprintf(want, sizeof(want), "invalid \"updated_by\" \"%s...\"",
             repeat("a", 64));

    kv[5] = repeat("a", 65);
    expect_error(kv, NOW, want);
}


static void
test_redis_err_buffer(void **state)
{
    char                   err[8];
    catalog_redis_field_t  f[2];
    catalog_redis_value_t  v;

    (void) state;

    f[0].name = "status";
    f[0].name_len = 6;
    f[0].value = "paused";
    f[0].value_len = 6;

    /* a short buffer gets the start, NUL-terminated; none is fine */

    memset(err, 'x', sizeof(err));
    assert_int_equal(catalog_redis_value_parse(f, 1, NOW, &v, err,
                                               sizeof(err)), -1);
    assert_string_equal(err, "invalid");

    assert_int_equal(catalog_redis_value_parse(f, 1, NOW, &v, NULL, 0), -1);
    assert_int_equal(catalog_redis_value_parse(f, 1, NOW, &v, err, 0), -1);

    /* no fields at all; a value that is NULL is empty */

    assert_int_equal(catalog_redis_value_parse(NULL, 0, NOW, &v, err,
                                               sizeof(err)), -1);

    f[0].value = NULL;
    f[0].value_len = 0;
    f[1].name = "updated_at";
    f[1].name_len = 10;
    f[1].value = NOW_S;
    f[1].value_len = strlen(NOW_S);

    assert_int_equal(catalog_redis_value_parse(f, 2, NOW, &v, err,
                                               sizeof(err)), 0);
    assert_int_equal(v.cleared, 1);
}


static void
test_redis_hostile(void **state)
{
    int                     rc;
    char                    err[CATALOG_ERROR_LEN];
    char                    bufs[MAX_KV][32];
    size_t                  i, k, j, n, tmp, pos, ok;
    size_t                  nlens[MAX_KV], vlens[MAX_KV], perm[MAX_KV];
    uint32_t                seed;
    catalog_redis_value_t   v, back;
    catalog_redis_text_t    t;
    const char             *names[MAX_KV], *values[MAX_KV], *text;

    static const char      *base[CATALOG_REDIS_FIELDS] = {
        "maintenance", "Pemeliharaan", "2026-12-02T00:00:00Z",
        "2026-12-01T08:00:00.123Z", "ops-dukcapil"
    };

    static const char      *statuses[] = { "maintenance", "active", "" };

    static const char       bytes[] = "a0-:.Z \t\n\x00\x7f\x80\xc3\xff\"";

    (void) state;

    /*
     * the five fields shuffled, sometimes one left out or given twice,
     * their values damaged at random: -1 with a message, or a value that
     * reads back the same
     */

    seed = 31337;
    ok = 0;

    for (i = 0; i < 100000; i++) {
        for (k = 0; k < CATALOG_REDIS_FIELDS; k++) {
            perm[k] = k;
        }

        for (k = CATALOG_REDIS_FIELDS - 1; k > 0; k--) {
            j = next(&seed) % (k + 1);
            tmp = perm[k];
            perm[k] = perm[j];
            perm[j] = tmp;
        }

        n = CATALOG_REDIS_FIELDS;

        if (next(&seed) % 8 == 0) {
            n -= 1 + next(&seed) % 2;
        }

        if (next(&seed) % 8 == 0) {
            perm[n] = perm[next(&seed) % n];
            n++;
        }

        for (k = 0; k < n; k++) {
            names[k] = catalog_redis_field_names[perm[k]];
            nlens[k] = strlen(names[k]);

            text = base[perm[k]];

            if (perm[k] == 0) {
                text = statuses[next(&seed) % 4 % 3];
            }

            vlens[k] = strlen(text);
            memcpy(bufs[k], text, vlens[k] + 1);

            if (next(&seed) % 3 == 0) {
                pos = next(&seed) % (vlens[k] + 1);

                if (pos < vlens[k]) {
                    bufs[k][pos] = bytes[next(&seed) % (sizeof(bytes) - 1)];
                }

                if (next(&seed) % 4 == 0) {
                    vlens[k] = pos;
                }
            }

            values[k] = bufs[k];
        }

        err[0] = '\0';

        rc = parse_n(names, nlens, values, vlens, n, NOW, &v, err);

        if (rc != 0) {
            assert_int_equal(rc, -1);
            assert_true(err[0] != '\0');
            continue;
        }

        ok++;

        catalog_redis_value_text(&v, &t);

        assert_int_equal(parse_text(&t, NOW, &back, err), 0);
        assert_true(same_text(&v, &back));
        assert_false(catalog_redis_newer(&v, &back));
        assert_false(catalog_redis_newer(&back, &v));
    }

    /* both ways were taken, often */

    assert_true(ok > 10000);
    assert_true(ok < 90000);
}


/* newest wins */


static void
test_redis_newer_time(void **state)
{
    catalog_redis_value_t  a, b;

    (void) state;

    /* the later updated_at wins, whatever the texts say */

    value(&a, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW + 1, "");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "z", 1796112000, NOW, "zz");

    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 1, CATALOG_STATUS_ACTIVE, "", 0, 1, "");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "", 0, 0, "");

    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));
}


static void
test_redis_newer_ties(void **state)
{
    catalog_redis_value_t  a, b;

    (void) state;

    /* "status": "" before "active" before "maintenance" */

    value(&a, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW, "");
    value(&b, 1, CATALOG_STATUS_ACTIVE, "", 0, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "", 0, NOW, "");
    value(&b, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    /* the status decides before "until", "message" or "updated_by" */

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "", 0, NOW, "");
    value(&b, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW, "zzz");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    /* "until": "" first, then by time */

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "", 1796112000, NOW, "");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "", 0, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "", 1796112001, NOW, "");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "", 1796112000, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    /* "until" decides before "message" */

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "a", 1796112001, NOW, "a");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "b", 1796112000, NOW, "b");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    /* "message": as bytes, a prefix first */

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "b", 0, NOW, "");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "a", 0, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "ab", 0, NOW, "");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "a", 0, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "a", 0, NOW, "");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "", 0, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    /* bytes are unsigned: "\xc3\xa9" after "z" */

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "\xc3\xa9", 0, NOW, "");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "z", 0, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    /* "message" decides before "updated_by" */

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "b", 0, NOW, "a");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "a", 0, NOW, "b");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    /* "updated_by", also for cleared values */

    value(&a, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW, "bob");
    value(&b, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW, "alice");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 1, CATALOG_STATUS_ACTIVE, "", 0, NOW, "alice2");
    value(&b, 1, CATALOG_STATUS_ACTIVE, "", 0, NOW, "alice");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 1, CATALOG_STATUS_ACTIVE, "", 0, NOW, "a");
    value(&b, 1, CATALOG_STATUS_ACTIVE, "", 0, NOW, "");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW, "a");
    value(&b, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW, "B");
    assert_true(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));
}


static void
test_redis_newer_equal(void **state)
{
    catalog_redis_value_t  a, b;

    (void) state;

    value(&a, 0, CATALOG_STATUS_MAINTENANCE, "m", 1796112000, NOW, "x");
    value(&b, 0, CATALOG_STATUS_MAINTENANCE, "m", 1796112000, NOW, "x");

    assert_false(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));
    assert_false(catalog_redis_newer(&a, &a));

    /* what is not written does not count: the same texts are equal */

    value(&a, 0, CATALOG_STATUS_ACTIVE, "m", 1796112000, NOW, "x");
    value(&b, 0, CATALOG_STATUS_ACTIVE, "", 0, NOW, "x");

    assert_false(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));

    value(&a, 1, CATALOG_STATUS_MAINTENANCE, "m", 1796112000, NOW, "");
    value(&b, 1, CATALOG_STATUS_ACTIVE, "", 0, NOW, "");

    assert_false(catalog_redis_newer(&a, &b));
    assert_false(catalog_redis_newer(&b, &a));
}


static void
test_redis_newer_order(void **state)
{
    int                     ab, ba, bc, ac;
    size_t                  i, j, k;
    uint32_t                seed;
    catalog_redis_value_t  *v;

    (void) state;

    /*
     * on random values with many ties: exactly one of two distinct
     * values wins, equal ones neither, and the order is transitive
     */

    v = malloc(NVALUES * sizeof(catalog_redis_value_t));
    assert_non_null(v);

    seed = 4242;

    for (i = 0; i < NVALUES; i++) {
        random_value(&v[i], &seed);
    }

    for (i = 0; i < NVALUES; i++) {
        assert_false(catalog_redis_newer(&v[i], &v[i]));

        for (j = 0; j < NVALUES; j++) {
            ab = catalog_redis_newer(&v[i], &v[j]);
            ba = catalog_redis_newer(&v[j], &v[i]);

            assert_true(ab == 0 || ab == 1);
            assert_false(ab && ba);

            if (v[i].o.updated_at == v[j].o.updated_at
                && same_text(&v[i], &v[j]))
            {
                assert_false(ab || ba);

            } else {
                assert_true(ab || ba);
            }
        }
    }

    for (i = 0; i < NVALUES; i++) {
        for (j = 0; j < NVALUES; j++) {
            ab = catalog_redis_newer(&v[i], &v[j]);

            for (k = 0; k < NVALUES; k++) {
                bc = catalog_redis_newer(&v[j], &v[k]);
                ac = catalog_redis_newer(&v[i], &v[k]);

                if (ab && bc) {
                    assert_true(ac);
                }
            }
        }
    }

    free(v);
}


/* the texts */


static void
test_redis_text(void **state)
{
    catalog_redis_text_t   t;
    catalog_redis_value_t  v;

    (void) state;

    value(&v, 0, CATALOG_STATUS_MAINTENANCE, "Pemeliharaan", 1796173200,
          1796086800123LL, "ops-dukcapil");
    catalog_redis_value_text(&v, &t);

    assert_int_equal(t.field[0].len, 11);
    assert_memory_equal(t.field[0].data, "maintenance", 11);
    assert_int_equal(t.field[1].len, 12);
    assert_ptr_equal(t.field[1].data, v.o.message);
    assert_int_equal(t.field[2].len, 20);
    assert_ptr_equal(t.field[2].data, t.until);
    assert_string_equal(t.until, "2026-12-02T01:00:00Z");
    assert_int_equal(t.field[3].len, 24);
    assert_ptr_equal(t.field[3].data, t.updated_at);
    assert_string_equal(t.updated_at, "2026-12-01T01:00:00.123Z");
    assert_int_equal(t.field[4].len, 12);
    assert_ptr_equal(t.field[4].data, v.o.updated_by);

    /* active: no message and nothing to end, whatever v holds */

    value(&v, 0, CATALOG_STATUS_ACTIVE, "left over", 1796173200, 0, "");
    catalog_redis_value_text(&v, &t);

    assert_int_equal(t.field[0].len, 6);
    assert_memory_equal(t.field[0].data, "active", 6);
    assert_int_equal(t.field[1].len, 0);
    assert_int_equal(t.field[2].len, 0);
    assert_string_equal(t.until, "");
    assert_string_equal(t.updated_at, "1970-01-01T00:00:00.000Z");
    assert_int_equal(t.field[4].len, 0);

    /* maintenance without an end */

    value(&v, 0, CATALOG_STATUS_MAINTENANCE, "", 0, NOW, "");
    catalog_redis_value_text(&v, &t);

    assert_int_equal(t.field[1].len, 0);
    assert_int_equal(t.field[2].len, 0);
    assert_string_equal(t.updated_at, NOW_S);

    /* cleared: "updated_at" and "updated_by" only */

    value(&v, 1, CATALOG_STATUS_MAINTENANCE, "left over", 1796173200, NOW,
          "root");
    catalog_redis_value_text(&v, &t);

    assert_int_equal(t.field[0].len, 0);
    assert_non_null(t.field[0].data);
    assert_int_equal(t.field[1].len, 0);
    assert_int_equal(t.field[2].len, 0);
    assert_string_equal(t.updated_at, NOW_S);
    assert_int_equal(t.field[4].len, 4);
    assert_memory_equal(t.field[4].data, "root", 4);

    /* lengths past the buffers are cut to them */

    value(&v, 0, CATALOG_STATUS_MAINTENANCE, "", 0, NOW, "");
    v.o.message_len = CATALOG_MESSAGE_BYTES + 100;
    v.o.updated_by_len = CATALOG_TOKEN_NAME_MAX + 100;
    catalog_redis_value_text(&v, &t);

    assert_int_equal(t.field[1].len, CATALOG_MESSAGE_BYTES);
    assert_int_equal(t.field[4].len, CATALOG_TOKEN_NAME_MAX);
}


static void
test_redis_text_round_trip(void **state)
{
    char                   err[CATALOG_ERROR_LEN];
    size_t                 i;
    uint32_t               seed;
    catalog_redis_text_t   t;
    catalog_redis_value_t  v, back;

    (void) state;

    /* what is written reads back as the same value */

    seed = 77;

    for (i = 0; i < 10000; i++) {
        random_value(&v, &seed);
        catalog_redis_value_text(&v, &t);

        if (parse_text(&t, NOW, &back, err) != 0) {
            fail_msg("%s", err);
        }

        assert_true(same_text(&v, &back));
        assert_int_equal(back.cleared, v.cleared);
        assert_int_equal(back.o.updated_at, v.o.updated_at);
        assert_false(catalog_redis_newer(&v, &back));
        assert_false(catalog_redis_newer(&back, &v));
    }

    /* a full message and name */

    value(&v, 0, CATALOG_STATUS_MAINTENANCE,
          repeat("\xf0\x9f\x98\x80", 500), 253402300799LL,
          253402300799999LL, repeat("n", 64));
    catalog_redis_value_text(&v, &t);

    assert_int_equal(parse_text(&t, INT64_MAX, &back, err), 0);
    assert_int_equal(back.o.message_len, CATALOG_MESSAGE_BYTES);
    assert_memory_equal(back.o.message, v.o.message, CATALOG_MESSAGE_BYTES);
    assert_int_equal(back.o.until, 253402300799LL);
    assert_int_equal(back.o.updated_at, 253402300799999LL);
    assert_int_equal(back.o.updated_by_len, 64);
}


/* keys, patterns, prefixes */


static void
test_redis_key(void **state)
{
    char    buf[CATALOG_REDIS_KEY_MAX + 64];
    char   *exact;
    size_t  len;

    (void) state;

    assert_int_equal(catalog_redis_key(buf, sizeof(buf), "catalog:", 8,
                                       "status:", "dukcapil/ktp", 12), 27);
    assert_string_equal(buf, "catalog:status:dukcapil/ktp");

    assert_int_equal(catalog_redis_key(buf, sizeof(buf), "p:", 2, "nodes:",
                                       "gw-1", 4), 12);
    assert_string_equal(buf, "p:nodes:gw-1");

    /* the lengths count, not NULs: only plen bytes of the prefix */

    assert_int_equal(catalog_redis_key(buf, sizeof(buf), "abcdef", 3, "k:",
                                       "namexyz", 4), 9);
    assert_string_equal(buf, "abck:name");

    /* no prefix, no name */

    assert_int_equal(catalog_redis_key(buf, sizeof(buf), NULL, 0, "k:",
                                       NULL, 0), 2);
    assert_string_equal(buf, "k:");

    /* exactly the room with its NUL; one byte less does not fit */

    exact = malloc(28);
    assert_non_null(exact);

    assert_int_equal(catalog_redis_key(exact, 28, "catalog:", 8, "status:",
                                       "dukcapil/ktp", 12), 27);
    assert_string_equal(exact, "catalog:status:dukcapil/ktp");

    assert_int_equal(catalog_redis_key(exact, 27, "catalog:", 8, "status:",
                                       "dukcapil/ktp", 12), 0);
    assert_string_equal(exact, "");

    free(exact);

    assert_int_equal(catalog_redis_key(NULL, 0, "catalog:", 8, "status:",
                                       "a/b", 3), 0);

    /* CATALOG_REDIS_KEY_MAX bytes, and one more */

    memset(buf, 'x', sizeof(buf));

    len = catalog_redis_key(buf, sizeof(buf), repeat("p", 64), 64,
                            "status:", repeat("n", 185), 185);
    assert_int_equal(len, CATALOG_REDIS_KEY_MAX);
    assert_int_equal(strlen(buf), CATALOG_REDIS_KEY_MAX);

    assert_int_equal(catalog_redis_key(buf, sizeof(buf), repeat("p", 64), 64,
                                       "status:", repeat("n", 186), 186), 0);
    assert_string_equal(buf, "");

    /* lengths whose sum would wrap */

    assert_int_equal(catalog_redis_key(buf, sizeof(buf), "p", SIZE_MAX,
                                       "k:", "n", 2), 0);
    assert_int_equal(catalog_redis_key(buf, sizeof(buf), "p", 1, "k:", "n",
                                       SIZE_MAX - 2), 0);
}


static void
test_redis_pattern(void **state)
{
    char         buf[512];
    char        *exact;
    size_t       len;
    const char  *p;

    (void) state;

    assert_int_equal(catalog_redis_pattern(buf, sizeof(buf), "catalog:", 8,
                                           "status:"), 16);
    assert_string_equal(buf, "catalog:status:*");

    /* each glob character escaped, the others as they are */

    assert_int_equal(catalog_redis_pattern(buf, sizeof(buf), "*", 1, "k:"),
                     5);
    assert_string_equal(buf, "\\*k:*");

    assert_int_equal(catalog_redis_pattern(buf, sizeof(buf), "?", 1, "k:"),
                     5);
    assert_string_equal(buf, "\\?k:*");

    assert_int_equal(catalog_redis_pattern(buf, sizeof(buf), "[", 1, "k:"),
                     5);
    assert_string_equal(buf, "\\[k:*");

    assert_int_equal(catalog_redis_pattern(buf, sizeof(buf), "]", 1, "k:"),
                     5);
    assert_string_equal(buf, "\\]k:*");

    assert_int_equal(catalog_redis_pattern(buf, sizeof(buf), "\\", 1, "k:"),
                     5);
    assert_string_equal(buf, "\\\\k:*");

    p = "a*b?c[d]e\\f^g-h{i}j!";
    len = catalog_redis_pattern(buf, sizeof(buf), p, strlen(p), "nodes:");
    assert_string_equal(buf, "a\\*b\\?c\\[d\\]e\\\\f^g-h{i}j!nodes:*");
    assert_int_equal(len, strlen(buf));

    /* 64 glob characters: 128 bytes */

    len = catalog_redis_pattern(buf, sizeof(buf), repeat("*", 64), 64,
                                "status:");
    assert_int_equal(len, 128 + 7 + 1);
    assert_int_equal(strlen(buf), len);
    assert_memory_equal(buf, repeat("\\*", 64), 128);
    assert_string_equal(buf + 128, "status:*");

    /* exactly the room with its NUL; one byte less does not fit */

    exact = malloc(7);
    assert_non_null(exact);

    assert_int_equal(catalog_redis_pattern(exact, 7, "a*", 2, "k:"), 6);
    assert_string_equal(exact, "a\\*k:*");

    assert_int_equal(catalog_redis_pattern(exact, 6, "a*", 2, "k:"), 0);
    assert_string_equal(exact, "");

    free(exact);

    assert_int_equal(catalog_redis_pattern(NULL, 0, "a", 1, "k:"), 0);
    assert_int_equal(catalog_redis_pattern(buf, sizeof(buf), "a", SIZE_MAX,
                                           "k:"), 0);
}


static void
test_redis_is_prefix(void **state)
{
    char    c[1];
    int     b;
    char   *p;

    (void) state;

    assert_true(catalog_redis_is_prefix("catalog:", 8));
    assert_true(catalog_redis_is_prefix("!", 1));
    assert_true(catalog_redis_is_prefix("~", 1));
    assert_true(catalog_redis_is_prefix("a*b?[c]\\{d}", 11));

    /* 64 bytes, in a buffer of exactly that; 65 is too long */

    p = malloc(65);
    assert_non_null(p);
    memset(p, 'p', 65);

    assert_true(catalog_redis_is_prefix(p, 64));
    assert_false(catalog_redis_is_prefix(p, 65));

    free(p);

    assert_false(catalog_redis_is_prefix("", 0));
    assert_false(catalog_redis_is_prefix(NULL, 0));
    assert_false(catalog_redis_is_prefix(NULL, 8));
    assert_false(catalog_redis_is_prefix("a b", 3));
    assert_false(catalog_redis_is_prefix("ab ", 3));
    assert_false(catalog_redis_is_prefix("a\tb", 3));
    assert_false(catalog_redis_is_prefix("a\0b", 3));
    assert_false(catalog_redis_is_prefix("caf\xc3\xa9", 5));

    /* every byte: printable ASCII without the space */

    for (b = 0; b < 256; b++) {
        c[0] = (char) b;
        assert_int_equal(catalog_redis_is_prefix(c, 1), b > 0x20 && b < 0x7f);
    }
}


/* the backoff */


static void
test_redis_backoff_steps(void **state)
{
    unsigned  i;

    static const unsigned  mid[] = {
        500, 750, 1125, 1687, 2530, 3795, 5692, 8538, 10000, 10000
    };

    static const unsigned  low[] = {
        450, 675, 1012, 1518, 2277, 3415, 5122, 7684, 9000, 9000
    };

    static const unsigned  high[] = {
        550, 825, 1237, 1855, 2783, 4174, 6261, 9391, 10000, 10000
    };

    (void) state;

    /* rnd % 21: 10 is 100 %, 0 is 90 %, 20 is 110 % */

    for (i = 0; i < 10; i++) {
        assert_int_equal(catalog_redis_backoff(i, 10), mid[i]);
        assert_int_equal(catalog_redis_backoff(i, 21 + 10), mid[i]);
        assert_int_equal(catalog_redis_backoff(i, 0), low[i]);
        assert_int_equal(catalog_redis_backoff(i, 21), low[i]);
        assert_int_equal(catalog_redis_backoff(i, 20), high[i]);
        assert_int_equal(catalog_redis_backoff(i, 41), high[i]);
    }

    /* attempt counts far past the cap, any random number */

    assert_int_equal(catalog_redis_backoff(100, 10), 10000);
    assert_int_equal(catalog_redis_backoff(UINT_MAX, 10), 10000);
    assert_int_equal(catalog_redis_backoff(UINT_MAX, 0), 9000);
    assert_int_equal(catalog_redis_backoff(UINT_MAX, 20), 10000);

    /* 2^32 - 1 is 3 modulo 21: 93 % */

    assert_int_equal(catalog_redis_backoff(UINT_MAX, UINT32_MAX), 9300);
    assert_int_equal(catalog_redis_backoff(0, UINT32_MAX), 465);
}


static void
test_redis_backoff_bounds(void **state)
{
    unsigned  a, d, base, prev;
    uint32_t  r, seed;
    size_t    i;

    (void) state;

    /* for one random number, never shorter with more attempts */

    for (r = 0; r < 21; r++) {
        prev = 0;

        for (a = 0; a < 64; a++) {
            d = catalog_redis_backoff(a, r);
            assert_true(d >= prev);
            prev = d;
        }
    }

    /* within 90 % and 110 % of the step, 450 ms to 10 s */

    seed = 9;

    for (i = 0; i < 200000; i++) {
        r = (next(&seed) << 8) ^ next(&seed);
        a = (i % 2) ? next(&seed) % 40 : (next(&seed) << 8) ^ next(&seed);

        base = catalog_redis_backoff(a, 10);
        d = catalog_redis_backoff(a, r);

        assert_true(d >= 450);
        assert_true(d <= 10000);
        assert_true(d >= base * 90 / 100);
        assert_true(d <= base * 110 / 100 + 1);

        if (a > 0) {
            assert_true(d >= catalog_redis_backoff(a - 1, r));
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_redis_errors),
        cmocka_unit_test(test_redis_field_names),
        cmocka_unit_test(test_redis_maintenance),
        cmocka_unit_test(test_redis_active),
        cmocka_unit_test(test_redis_cleared),
        cmocka_unit_test(test_redis_until_past),
        cmocka_unit_test(test_redis_message_limits),
        cmocka_unit_test(test_redis_message_nul),
        cmocka_unit_test(test_redis_skew),
        cmocka_unit_test(test_redis_updated_by_limits),
        cmocka_unit_test(test_redis_err_buffer),
        cmocka_unit_test(test_redis_hostile),
        cmocka_unit_test(test_redis_newer_time),
        cmocka_unit_test(test_redis_newer_ties),
        cmocka_unit_test(test_redis_newer_equal),
        cmocka_unit_test(test_redis_newer_order),
        cmocka_unit_test(test_redis_text),
        cmocka_unit_test(test_redis_text_round_trip),
        cmocka_unit_test(test_redis_key),
        cmocka_unit_test(test_redis_pattern),
        cmocka_unit_test(test_redis_is_prefix),
        cmocka_unit_test(test_redis_backoff_steps),
        cmocka_unit_test(test_redis_backoff_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
