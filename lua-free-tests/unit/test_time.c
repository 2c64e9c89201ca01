
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * RFC 3339 times (catalog_time.c): a table of valid and invalid strings,
 * each copied into a buffer of exactly its length so that ASan sees a
 * read past it; the calendar arithmetic cross-checked with the C
 * library's timegm() and gmtime_r(); format and parse as a round trip.
 * The same to the millisecond: the grammar is the same, the fraction's
 * first three digits are kept, format always writes three digits.
 */


#define _DEFAULT_SOURCE  1

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <catalog_admin.h>


#define TIME_MAX  253402300799LL           /* 9999-12-31T23:59:59Z */
#define MS_MAX    (TIME_MAX * 1000 + 999)


typedef struct {
    const char                   *s;
    int64_t                       t;           /* -1: invalid */
} time_case_t;


static int64_t parse(const char *s, size_t len);
static int64_t parse_ms(const char *s, size_t len);
static uint32_t next(uint32_t *seed);


static const time_case_t  time_cases[] = {

    /* valid */

    { "1970-01-01T00:00:00Z", 0 },
    { "1970-01-01T00:00:01Z", 1 },
    { "2026-12-01T08:00:00+07:00", 1796086800 },
    { "2026-12-01T01:00:00Z", 1796086800 },
    { "2026-12-01T08:00:00Z", 1796112000 },
    { "2026-12-01t08:00:00z", 1796112000 },
    { "2026-12-01T08:00:00+00:00", 1796112000 },
    { "2026-12-01T08:00:00-00:00", 1796112000 },
    { "2026-12-01T01:00:00-07:00", 1796112000 },
    { "2026-12-01T08:00:00.5Z", 1796112000 },
    { "2026-12-01T08:00:00.999999999+00:00", 1796112000 },
    { "2026-12-01T08:00:00.000000000000000000001Z", 1796112000 },
    { "2026-12-01T08:00:00+23:59", 1796112000 - 23 * 3600 - 59 * 60 },
    { "2026-12-01T08:00:00-23:59", 1796112000 + 23 * 3600 + 59 * 60 },
    { "2026-12-01T08:00:00+05:30", 1796112000 - 5 * 3600 - 30 * 60 },
    { "2024-02-29T12:00:00Z", 1709208000 },
    { "2000-02-29T00:00:00Z", 951782400 },
    { "1972-02-29T00:00:00Z", 68169600 },
    { "2024-12-31T23:59:59Z", 1735689599 },
    { "2026-01-01T00:00:00Z", 1767225600 },
    { "2038-01-19T03:14:08Z", 2147483648LL },
    { "9999-12-31T23:59:59Z", TIME_MAX },
    { "1970-01-01T01:00:00+01:00", 0 },
    { "1970-01-01T00:00:00-01:00", 3600 },

    /* invalid dates */

    { "2023-02-29T00:00:00Z", -1 },
    { "2100-02-29T00:00:00Z", -1 },
    { "1900-02-29T00:00:00Z", -1 },
    { "2024-02-30T00:00:00Z", -1 },
    { "2024-04-31T00:00:00Z", -1 },
    { "2024-06-31T00:00:00Z", -1 },
    { "2024-09-31T00:00:00Z", -1 },
    { "2024-11-31T00:00:00Z", -1 },
    { "2024-01-32T00:00:00Z", -1 },
    { "2024-00-10T00:00:00Z", -1 },
    { "2024-13-01T00:00:00Z", -1 },
    { "2024-01-00T00:00:00Z", -1 },
    { "0000-01-01T00:00:00Z", -1 },

    /* out of range */

    { "1969-12-31T23:59:59Z", -1 },
    { "1970-01-01T00:00:00+00:01", -1 },
    { "9999-12-31T23:59:59-00:01", -1 },
    { "10000-01-01T00:00:00Z", -1 },

    /* invalid times */

    { "2026-12-01T24:00:00Z", -1 },
    { "2026-12-01T23:60:00Z", -1 },
    { "2026-12-31T23:59:60Z", -1 },
    { "2026-12-01T99:00:00Z", -1 },

    /* invalid offsets */

    { "2026-12-01T08:00:00+24:00", -1 },
    { "2026-12-01T08:00:00+07:60", -1 },
    { "2026-12-01T08:00:00+0700", -1 },
    { "2026-12-01T08:00:00+07", -1 },
    { "2026-12-01T08:00:00+7:00", -1 },
    { "2026-12-01T08:00:00+07:00:00", -1 },
    { "2026-12-01T08:00:00+07:0", -1 },
    { "2026-12-01T08:00:00+07-00", -1 },
    { "2026-12-01T08:00:00 +07:00", -1 },
    { "2026-12-01T08:00:00", -1 },
    { "2026-12-01T08:00:00ZZ", -1 },
    { "2026-12-01T08:00:00Z ", -1 },
    { "2026-12-01T08:00:00UTC", -1 },
    { "2026-12-01T08:00:00GMT+7", -1 },

    /* invalid syntax */

    { "", -1 },
    { "2026", -1 },
    { "2026-12-01", -1 },
    { "2026-12-01T08:00Z", -1 },
    { "2026-12-01T08:00+07:00", -1 },
    { "2026-12-01 08:00:00Z", -1 },
    { "2026-12-01_08:00:00Z", -1 },
    { " 2026-12-01T08:00:00Z", -1 },
    { "2026-12-1T08:00:00Z", -1 },
    { "26-12-01T08:00:00Z", -1 },
    { "20261201T080000Z", -1 },
    { "2026/12/01T08:00:00Z", -1 },
    { "2026-12-01T08.00.00Z", -1 },
    { "2026-12-01T08:00:00.Z", -1 },
    { "2026-12-01T08:00:00.", -1 },
    { "2026-12-01T08:00:00,5Z", -1 },
    { "2026-12-01T08:00:00.5", -1 },
    { "2026-12-01T08:00:00.5a", -1 },
    { "+2026-12-01T08:00:00Z", -1 },
    { "-2026-12-01T08:00:00Z", -1 },
    { "2O26-12-01T08:00:00Z", -1 },
    { "2026-12-01T08:0a:00Z", -1 },
    { "2026-12-01T08:00:0-Z", -1 },
    { "\xef\xbc\x92" "026-12-01T08:00:00Z", -1 },
    { "2026-12-01T08:00:00\xc2\xa0", -1 },
    { "tomorrow", -1 },
    { "1796112000", -1 }
};


static const time_case_t  time_ms_cases[] = {

    /* the fraction: its first three digits, truncated, padded */

    { "2026-12-01T08:00:00Z", 1796112000000LL },
    { "2026-12-01T08:00:00.5Z", 1796112000500LL },
    { "2026-12-01T08:00:00.05Z", 1796112000050LL },
    { "2026-12-01T08:00:00.005Z", 1796112000005LL },
    { "2026-12-01T08:00:00.0005Z", 1796112000000LL },
    { "2026-12-01T08:00:00.0Z", 1796112000000LL },
    { "2026-12-01T08:00:00.000Z", 1796112000000LL },
    { "2026-12-01T08:00:00.12Z", 1796112000120LL },
    { "2026-12-01T08:00:00.123Z", 1796112000123LL },
    { "2026-12-01T08:00:00.1239Z", 1796112000123LL },
    { "2026-12-01T08:00:00.123456Z", 1796112000123LL },
    { "2026-12-01T08:00:00.999Z", 1796112000999LL },
    { "2026-12-01T08:00:00.999999999+00:00", 1796112000999LL },
    { "2026-12-01T08:00:00.000000000000000000001Z", 1796112000000LL },
    { "2026-12-01T08:00:00.99999999999999999999999Z", 1796112000999LL },
    { "2026-12-01T08:00:00.123+07:00", 1796086800123LL },
    { "2026-12-01T01:00:00.123-07:00", 1796112000123LL },
    { "2026-12-01t08:00:00.5z", 1796112000500LL },
    { "1970-01-01T00:00:00.000Z", 0 },
    { "1970-01-01T00:00:00.001Z", 1 },
    { "1970-01-01T01:00:00.5+01:00", 500 },
    { "9999-12-31T23:59:59.999Z", MS_MAX },
    { "9999-12-31T23:59:59Z", TIME_MAX * 1000 },

    /* what catalog_time_parse() refuses */

    { "1969-12-31T23:59:59.999Z", -1 },
    { "1970-01-01T00:59:59.999+01:00", -1 },
    { "2026-12-01T08:00:00.Z", -1 },
    { "2026-12-01T08:00:00.", -1 },
    { "2026-12-01T08:00:00.5", -1 },
    { "2026-12-01T08:00:00.5a", -1 },
    { "2026-12-01T08:00:00,5Z", -1 },
    { "2026-12-01T08:00:00.-5Z", -1 },
    { "2026-12-01T08:00:00..5Z", -1 },
    { "2026-12-01T08:00:00.5.5Z", -1 },
    { "2026-12-01T08:00:00.5 Z", -1 },
    { "2026-12-01T08:00:00.1e3Z", -1 },
    { "2026-12-31T23:59:60.5Z", -1 },
    { "2026-02-29T00:00:00.5Z", -1 },
    { "2026-12-01T08:00.5Z", -1 },
    { "", -1 },
    { "1796112000500", -1 }
};


/* helpers */


static int64_t
parse(const char *s, size_t len)
{
    char     *p;
    int64_t   t;

    /* exactly len bytes, no NUL after them */

    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    t = catalog_time_parse(p, len);

    free(p);

    return t;
}


static int64_t
parse_ms(const char *s, size_t len)
{
    char     *p;
    int64_t   t;

    p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, s, len);

    t = catalog_time_parse_ms(p, len);

    free(p);

    return t;
}


static uint32_t
next(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;

    return *seed >> 8;
}


/* tests */


static void
test_time_table(void **state)
{
    size_t   i;
    int64_t  t;

    (void) state;

    for (i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
        t = parse(time_cases[i].s, strlen(time_cases[i].s));

        if (t != time_cases[i].t) {
            print_error("\"%s\": %lld, expected %lld\n", time_cases[i].s,
                        (long long) t, (long long) time_cases[i].t);
        }

        assert_int_equal(t, time_cases[i].t);
    }
}


static void
test_time_null(void **state)
{
    (void) state;

    assert_int_equal(catalog_time_parse(NULL, 0), -1);
    assert_int_equal(catalog_time_parse(NULL, 20), -1);
}


static void
test_time_nul_inside(void **state)
{
    char  s[] = "2026-12-01T08:00:00Z";

    (void) state;

    /* a NUL anywhere makes it invalid, also where a digit belongs */

    s[3] = '\0';
    assert_int_equal(parse(s, sizeof(s) - 1), -1);

    s[3] = '6';
    s[19] = '\0';
    assert_int_equal(parse(s, sizeof(s) - 1), -1);

    /* the length is what counts, not a NUL: one byte short is invalid */

    s[19] = 'Z';
    assert_int_equal(parse(s, sizeof(s) - 2), -1);
    assert_int_equal(parse(s, sizeof(s) - 1), 1796112000);
}


static void
test_time_prefixes(void **state)
{
    size_t       len, n;
    const char  *s;

    (void) state;

    /* every proper prefix of a valid time but none is invalid */

    s = "2026-12-01T08:00:00.123+07:00";
    len = strlen(s);

    for (n = 0; n < len; n++) {
        assert_int_equal(parse(s, n), -1);
    }

    assert_int_not_equal(parse(s, len), -1);
}


static void
test_time_format(void **state)
{
    char  buf[CATALOG_TIME_LEN + 1];

    (void) state;

    assert_int_equal(catalog_time_format(0, buf), 20);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");

    assert_int_equal(catalog_time_format(1796086800, buf), 20);
    assert_string_equal(buf, "2026-12-01T01:00:00Z");

    assert_int_equal(catalog_time_format(1709208000, buf), 20);
    assert_string_equal(buf, "2024-02-29T12:00:00Z");

    assert_int_equal(catalog_time_format(951782399, buf), 20);
    assert_string_equal(buf, "2000-02-28T23:59:59Z");

    assert_int_equal(catalog_time_format(TIME_MAX, buf), 20);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");

    /* outside what parse accepts: clamped */

    assert_int_equal(catalog_time_format(-1, buf), 20);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");

    assert_int_equal(catalog_time_format(INT64_MIN, buf), 20);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");

    assert_int_equal(catalog_time_format(TIME_MAX + 1, buf), 20);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");

    assert_int_equal(catalog_time_format(INT64_MAX, buf), 20);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
}


static void
test_time_round_trip(void **state)
{
    char      buf[CATALOG_TIME_LEN + 1];
    size_t    len, i;
    int64_t   t;
    uint32_t  seed;

    (void) state;

    /* every day boundary of 1970..2100, then random times up to 9999 */

    for (t = 0; t < 4102444800LL; t += 86400) {
        len = catalog_time_format(t, buf);
        assert_int_equal(parse(buf, len), t);

        len = catalog_time_format(t + 86399, buf);
        assert_int_equal(parse(buf, len), t + 86399);
    }

    seed = 42;

    for (i = 0; i < 100000; i++) {
        t = ((int64_t) next(&seed) << 24 | next(&seed)) % (TIME_MAX + 1);

        len = catalog_time_format(t, buf);
        assert_int_equal(len, 20);
        assert_int_equal(parse(buf, len), t);
    }
}


static void
test_time_libc(void **state)
{
    char       buf[CATALOG_TIME_LEN + 1], want[64];
    size_t     i;
    time_t     tt;
    int64_t    t;
    uint32_t   seed;
    struct tm  tm;

    (void) state;

    /* format agrees with gmtime_r(), parse with timegm() */

    seed = 7;

    for (i = 0; i < 100000; i++) {
        t = ((int64_t) next(&seed) << 24 | next(&seed)) % (TIME_MAX + 1);

        tt = (time_t) t;
        assert_non_null(gmtime_r(&tt, &tm));
        strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);

        catalog_time_format(t, buf);
        assert_string_equal(buf, want);

        memset(&tm, 0, sizeof(tm));
        tm.tm_year = (int) (next(&seed) % 8030) + 70;
        tm.tm_mon = (int) (next(&seed) % 12);
        tm.tm_mday = (int) (next(&seed) % 28) + 1;
        tm.tm_hour = (int) (next(&seed) % 24);
        tm.tm_min = (int) (next(&seed) % 60);
        tm.tm_sec = (int) (next(&seed) % 60);

        snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);

        assert_int_equal(parse(want, strlen(want)), (int64_t) timegm(&tm));
    }
}


static void
test_time_last_days(void **state)
{
    int        year, month, mday, days;
    char       s[64];
    time_t     tt;
    struct tm  tm;

    (void) state;

    /*
     * the last day of every month of 1970..2400 is valid, the day after
     * it is not, and both agree with timegm()
     */

    for (year = 1970; year <= 2400; year++) {
        for (month = 1; month <= 12; month++) {
            memset(&tm, 0, sizeof(tm));
            tm.tm_year = year - 1900;
            tm.tm_mon = month;
            tm.tm_mday = 0;            /* the last day of "month" */
            tt = timegm(&tm);
            assert_non_null(gmtime_r(&tt, &tm));

            mday = tm.tm_mday;
            days = (int) (tt / 86400);

            snprintf(s, sizeof(s), "%04d-%02d-%02dT00:00:00Z", year, month,
                     mday);
            assert_int_equal(parse(s, strlen(s)), (int64_t) days * 86400);

            snprintf(s, sizeof(s), "%04d-%02d-%02dT00:00:00Z", year, month,
                     mday + 1);
            assert_int_equal(parse(s, strlen(s)), -1);
        }
    }
}


static void
test_time_hostile(void **state)
{
    char         s[40];
    size_t       i, len, pos;
    uint32_t     seed;
    const char   base[] = "2026-12-01T08:00:00.123+07:00";
    const char   bytes[] = "0123456789-:.+TtZz \x00\xff";

    (void) state;

    /* random bytes flipped and random lengths: -1 or a time, no crash */

    seed = 99;

    for (i = 0; i < 200000; i++) {
        memcpy(s, base, sizeof(base));

        pos = next(&seed) % (sizeof(base) - 1);
        s[pos] = bytes[next(&seed) % (sizeof(bytes) - 1)];

        pos = next(&seed) % (sizeof(base) - 1);
        s[pos] = bytes[next(&seed) % (sizeof(bytes) - 1)];

        len = next(&seed) % sizeof(base);

        (void) parse(s, len);
    }
}


static void
test_time_ms_table(void **state)
{
    size_t   i;
    int64_t  t;

    (void) state;

    for (i = 0; i < sizeof(time_ms_cases) / sizeof(time_ms_cases[0]); i++) {
        t = parse_ms(time_ms_cases[i].s, strlen(time_ms_cases[i].s));

        if (t != time_ms_cases[i].t) {
            print_error("\"%s\": %lld, expected %lld\n",
                        time_ms_cases[i].s, (long long) t,
                        (long long) time_ms_cases[i].t);
        }

        assert_int_equal(t, time_ms_cases[i].t);
    }
}


static void
test_time_ms_same_grammar(void **state)
{
    size_t       i;
    int64_t      t, ms;
    const char  *s;

    (void) state;

    /* what one accepts the other does, to the same second */

    for (i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
        s = time_cases[i].s;

        t = parse(s, strlen(s));
        ms = parse_ms(s, strlen(s));

        if (t == -1) {
            assert_int_equal(ms, -1);
            continue;
        }

        assert_true(ms >= 0);
        assert_int_equal(ms / 1000, t);
    }

    for (i = 0; i < sizeof(time_ms_cases) / sizeof(time_ms_cases[0]); i++) {
        s = time_ms_cases[i].s;

        t = parse(s, strlen(s));
        ms = time_ms_cases[i].t;

        assert_int_equal(t, (ms == -1) ? -1 : ms / 1000);
    }

    assert_int_equal(catalog_time_parse_ms(NULL, 0), -1);
    assert_int_equal(catalog_time_parse_ms(NULL, 24), -1);
}


static void
test_time_ms_prefixes(void **state)
{
    size_t       len, n;
    const char  *s;

    (void) state;

    s = "2026-12-01T08:00:00.123456+07:00";
    len = strlen(s);

    for (n = 0; n < len; n++) {
        assert_int_equal(parse_ms(s, n), -1);
    }

    assert_int_equal(parse_ms(s, len), 1796086800123LL);
}


static void
test_time_ms_format(void **state)
{
    char  buf[CATALOG_TIME_LEN + 1];

    (void) state;

    assert_int_equal(catalog_time_format_ms(0, buf), 24);
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");

    assert_int_equal(catalog_time_format_ms(1, buf), 24);
    assert_string_equal(buf, "1970-01-01T00:00:00.001Z");

    assert_int_equal(catalog_time_format_ms(1796086800123LL, buf), 24);
    assert_string_equal(buf, "2026-12-01T01:00:00.123Z");

    assert_int_equal(catalog_time_format_ms(1796086800000LL, buf), 24);
    assert_string_equal(buf, "2026-12-01T01:00:00.000Z");

    assert_int_equal(catalog_time_format_ms(1796086800050LL, buf), 24);
    assert_string_equal(buf, "2026-12-01T01:00:00.050Z");

    assert_int_equal(catalog_time_format_ms(1796086800999LL, buf), 24);
    assert_string_equal(buf, "2026-12-01T01:00:00.999Z");

    assert_int_equal(catalog_time_format_ms(1796086801000LL, buf), 24);
    assert_string_equal(buf, "2026-12-01T01:00:01.000Z");

    assert_int_equal(catalog_time_format_ms(1709208000100LL, buf), 24);
    assert_string_equal(buf, "2024-02-29T12:00:00.100Z");

    assert_int_equal(catalog_time_format_ms(MS_MAX, buf), 24);
    assert_string_equal(buf, "9999-12-31T23:59:59.999Z");

    /* outside what parse accepts: clamped */

    assert_int_equal(catalog_time_format_ms(-1, buf), 24);
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");

    assert_int_equal(catalog_time_format_ms(-999, buf), 24);
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");

    assert_int_equal(catalog_time_format_ms(INT64_MIN, buf), 24);
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");

    assert_int_equal(catalog_time_format_ms(MS_MAX + 1, buf), 24);
    assert_string_equal(buf, "9999-12-31T23:59:59.999Z");

    assert_int_equal(catalog_time_format_ms(INT64_MAX, buf), 24);
    assert_string_equal(buf, "9999-12-31T23:59:59.999Z");
}


static void
test_time_ms_round_trip(void **state)
{
    char      buf[CATALOG_TIME_LEN + 1], want[CATALOG_TIME_LEN + 1];
    size_t    len, i;
    int64_t   ms;
    uint32_t  seed;

    (void) state;

    /*
     * random milliseconds up to 9999: parse(format) is the identity, and
     * the text is catalog_time_format()'s with ".mmm" before the "Z"
     */

    seed = 2026;

    for (i = 0; i < 100000; i++) {
        ms = ((int64_t) next(&seed) << 24 | next(&seed)) % (MS_MAX + 1);

        len = catalog_time_format_ms(ms, buf);
        assert_int_equal(len, 24);
        assert_int_equal(strlen(buf), 24);
        assert_int_equal(parse_ms(buf, len), ms);
        assert_int_equal(parse(buf, len), ms / 1000);

        catalog_time_format(ms / 1000, want);
        snprintf(want + 19, sizeof(want) - 19, ".%03dZ",
                 (int) (ms % 1000));
        assert_string_equal(buf, want);
    }
}


static void
test_time_ms_hostile(void **state)
{
    char         s[40];
    size_t       i, len, pos;
    int64_t      t, ms;
    uint32_t     seed;
    const char   base[] = "2026-12-01T08:00:00.123+07:00";
    const char   bytes[] = "0123456789-:.+TtZz \x00\xff";

    (void) state;

    /* random damage: both parsers agree on what is valid */

    seed = 1234;

    for (i = 0; i < 200000; i++) {
        memcpy(s, base, sizeof(base));

        pos = next(&seed) % (sizeof(base) - 1);
        s[pos] = bytes[next(&seed) % (sizeof(bytes) - 1)];

        pos = next(&seed) % (sizeof(base) - 1);
        s[pos] = bytes[next(&seed) % (sizeof(bytes) - 1)];

        len = next(&seed) % sizeof(base);

        t = parse(s, len);
        ms = parse_ms(s, len);

        if (t == -1) {
            assert_int_equal(ms, -1);

        } else {
            assert_int_equal(ms / 1000, t);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_time_table),
        cmocka_unit_test(test_time_null),
        cmocka_unit_test(test_time_nul_inside),
        cmocka_unit_test(test_time_prefixes),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_time_round_trip),
        cmocka_unit_test(test_time_libc),
        cmocka_unit_test(test_time_last_days),
        cmocka_unit_test(test_time_hostile),
        cmocka_unit_test(test_time_ms_table),
        cmocka_unit_test(test_time_ms_same_grammar),
        cmocka_unit_test(test_time_ms_prefixes),
        cmocka_unit_test(test_time_ms_format),
        cmocka_unit_test(test_time_ms_round_trip),
        cmocka_unit_test(test_time_ms_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
