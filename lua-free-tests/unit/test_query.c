
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The query string of "GET services" (catalog_query_parse) and of
 * "resolve" (catalog_query_arg): every parameter, every error message,
 * %-decoding and '+', UTF-8 edge cases, limits.  Every call gets buffers
 * of exactly the documented size, so that ASan sees one byte too many.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog_query.h>
#include <catalog_index.h>


#define NCASES(a)  (sizeof(a) / sizeof(a[0]))

#define ERR_PAGE                                                              \
    "invalid \"page\": must be a whole number from 1 to 1000000"
#define ERR_PER_PAGE                                                          \
    "invalid \"per_page\": must be a whole number from 1 to 200"
#define ERR_STATUS                                                            \
    "invalid \"status\": must be \"active\", \"maintenance\" or \"retired\""
#define ERR_SORT                                                              \
    "invalid \"sort\": must be \"relevance\", \"name\" or \"agency\""


/* one parse, with a scratch of exactly 3 * len + 64 bytes */

typedef struct {
    catalog_query_t               q;
    char                         *scratch;
    char                          err[256];
    int                           rc;
} parsed_t;


typedef struct {
    const char                   *args;
    const char                   *err;
} error_case_t;


static parsed_t *
parse_n(const char *args, size_t len)
{
    char      *copy;
    parsed_t  *p;

    p = calloc(1, sizeof(parsed_t));
    assert_non_null(p);

    /* the arguments too are exactly as long as said: no NUL after them */

    copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, args, len);

    p->scratch = malloc(3 * len + 64);
    assert_non_null(p->scratch);

    memset(p->err, 'X', sizeof(p->err) - 1);
    p->err[sizeof(p->err) - 1] = '\0';

    p->rc = catalog_query_parse(&p->q, copy, len, p->scratch, p->err,
                                sizeof(p->err));

    free(copy);

    return p;
}


static parsed_t *
parse(const char *args)
{
    return parse_n(args, strlen(args));
}


static void
done(parsed_t *p)
{
    free(p->scratch);
    free(p);
}


static void
check_str(catalog_str_t s, const char *want)
{
    size_t  n;

    n = strlen(want);

    if (s.len != n || (n && memcmp(s.data, want, n) != 0)) {
        fail_msg("got \"%.*s\" (%zu bytes), expected \"%s\"", (int) s.len,
                 s.data ? s.data : "", s.len, want);
    }
}


static void
check_ok(const char *args)
{
    parsed_t  *p;

    p = parse(args);

    if (p->rc != 0) {
        fail_msg("\"%s\": %s", args, p->err);
    }

    done(p);
}


static void
check_error_n(const char *args, size_t len, const char *err)
{
    parsed_t  *p;

    p = parse_n(args, len);

    if (p->rc != -1) {
        fail_msg("\"%.*s\": accepted, expected \"%s\"", (int) len, args, err);
    }

    if (strcmp(p->err, err) != 0) {
        fail_msg("\"%.*s\": \"%s\", expected \"%s\"", (int) len, args, p->err,
                 err);
    }

    done(p);
}


static void
check_error(const char *args, const char *err)
{
    check_error_n(args, strlen(args), err);
}


static void
check_errors(const error_case_t *cases, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        check_error(cases[i].args, cases[i].err);
    }
}


/* "name=" followed by n copies of unit */

static char *
repeat(const char *name, const char *unit, size_t n)
{
    char    *s, *p;
    size_t   i, len;

    len = strlen(name) + 1 + strlen(unit) * n;

    s = malloc(len + 1);
    assert_non_null(s);

    p = s + sprintf(s, "%s=", name);

    for (i = 0; i < n; i++) {
        p += sprintf(p, "%s", unit);
    }

    return s;
}


/* catalog_query_parse */


static void
test_defaults(void **state)
{
    size_t     i;
    parsed_t  *p;

    static const char  *empty[] = {
        "", "&", "&&&", "q=", "agency=", "category=", "tag=", "status=",
        "q", "agency", "category", "tag", "status",
        "q=&agency=&category=&tag=&status=", "&q=&&status=&"
    };

    (void) state;

    for (i = 0; i < NCASES(empty); i++) {
        p = parse(empty[i]);

        if (p->rc != 0) {
            fail_msg("\"%s\": %s", empty[i], p->err);
        }

        assert_int_equal(p->q.nwords, 0);
        assert_int_equal(p->q.q.len, 0);
        assert_int_equal(p->q.agency.len, 0);
        assert_int_equal(p->q.category.len, 0);
        assert_int_equal(p->q.tag.len, 0);
        assert_int_equal(p->q.status, -1);
        assert_int_equal(p->q.page, 1);
        assert_int_equal(p->q.per_page, CATALOG_PER_PAGE_DEFAULT);
        assert_int_equal(p->q.per_page, 20);
        assert_int_equal(p->q.sort, CATALOG_SORT_DEFAULT);

        done(p);
    }
}


static void
test_every_parameter(void **state)
{
    parsed_t  *p;

    (void) state;

    p = parse("q=KTP+Elektronik&agency=dukcapil&category=kependudukan"
              "&tag=ktp-el&status=maintenance&page=3&per_page=50&sort=agency");

    assert_int_equal(p->rc, 0);
    check_str(p->q.q, "KTP Elektronik");
    assert_int_equal(p->q.nwords, 2);
    check_str(p->q.words[0], "ktp");
    check_str(p->q.words[1], "elektronik");
    check_str(p->q.agency, "dukcapil");
    check_str(p->q.category, "kependudukan");
    check_str(p->q.tag, "ktp-el");
    assert_int_equal(p->q.status, CATALOG_STATUS_MAINTENANCE);
    assert_int_equal(p->q.page, 3);
    assert_int_equal(p->q.per_page, 50);
    assert_int_equal(p->q.sort, CATALOG_SORT_AGENCY);

    done(p);

    /* any order */

    p = parse("sort=name&per_page=1&page=1000000&status=retired&tag=a"
              "&category=b&agency=c&q=d");

    assert_int_equal(p->rc, 0);
    check_str(p->q.q, "d");
    check_str(p->q.agency, "c");
    check_str(p->q.category, "b");
    check_str(p->q.tag, "a");
    assert_int_equal(p->q.status, CATALOG_STATUS_RETIRED);
    assert_int_equal(p->q.page, 1000000);
    assert_int_equal(p->q.per_page, 1);
    assert_int_equal(p->q.sort, CATALOG_SORT_NAME);

    done(p);

    p = parse("status=active&sort=relevance");
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->q.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(p->q.sort, CATALOG_SORT_RELEVANCE);
    done(p);
}


static void
test_numbers(void **state)
{
    size_t     i;
    parsed_t  *p;

    static const struct {
        const char  *args;
        unsigned     page;
        unsigned     per_page;
    } ok[] = {
        { "page=1", 1, 20 },
        { "page=2", 2, 20 },
        { "page=01", 1, 20 },
        { "page=0000000001", 1, 20 },          /* 10 digits */
        { "page=0001000000", 1000000, 20 },
        { "page=999999", 999999, 20 },
        { "page=1000000", 1000000, 20 },
        { "page=%31%32", 12, 20 },             /* "12" %-encoded */
        { "per_page=1", 1, 1 },
        { "per_page=20", 1, 20 },
        { "per_page=199", 1, 199 },
        { "per_page=200", 1, 200 },
        { "per_page=0000000200", 1, 200 },
        { "page=7&per_page=7", 7, 7 }
    };

    static const error_case_t  bad[] = {
        { "page=0", ERR_PAGE },
        { "page=00", ERR_PAGE },
        { "page=-1", ERR_PAGE },
        { "page=+1", ERR_PAGE },
        { "page=%2B1", ERR_PAGE },
        { "page=%201", ERR_PAGE },
        { "page=1%20", ERR_PAGE },
        { "page=1.0", ERR_PAGE },
        { "page=1e3", ERR_PAGE },
        { "page=0x10", ERR_PAGE },
        { "page=abc", ERR_PAGE },
        { "page=1000001", ERR_PAGE },
        { "page=4294967296", ERR_PAGE },       /* 2^32: no wrap to 0 */
        { "page=4294967297", ERR_PAGE },       /* 2^32 + 1: no wrap to 1 */
        { "page=9999999999", ERR_PAGE },
        { "page=00000000001", ERR_PAGE },      /* 11 digits */
        { "page=18446744073709551617", ERR_PAGE },
        { "page=%EF%BC%91", ERR_PAGE },        /* fullwidth digit one */
        { "per_page=0", ERR_PER_PAGE },
        { "per_page=201", ERR_PER_PAGE },
        { "per_page=1000", ERR_PER_PAGE },
        { "per_page=-20", ERR_PER_PAGE },
        { "per_page=20x", ERR_PER_PAGE },
        { "per_page=4294967316", ERR_PER_PAGE }  /* 2^32 + 20 */
    };

    (void) state;

    for (i = 0; i < NCASES(ok); i++) {
        p = parse(ok[i].args);

        if (p->rc != 0) {
            fail_msg("\"%s\": %s", ok[i].args, p->err);
        }

        if (p->q.page != ok[i].page || p->q.per_page != ok[i].per_page) {
            fail_msg("\"%s\": page %u per_page %u", ok[i].args, p->q.page,
                     p->q.per_page);
        }

        done(p);
    }

    check_errors(bad, NCASES(bad));
}


static void
test_enums(void **state)
{
    static const error_case_t  bad[] = {
        { "status=x", ERR_STATUS },
        { "status=Active", ERR_STATUS },
        { "status=ACTIVE", ERR_STATUS },
        { "status=activ", ERR_STATUS },
        { "status=actives", ERR_STATUS },
        { "status=active+", ERR_STATUS },    /* '+' is not a space here */
        { "status=%20active", ERR_STATUS },
        { "status=retired,active", ERR_STATUS },
        { "sort=x", ERR_SORT },
        { "sort=NAME", ERR_SORT },
        { "sort=nam", ERR_SORT },
        { "sort=names", ERR_SORT },
        { "sort=-name", ERR_SORT },
        { "sort=name,agency", ERR_SORT },
        { "sort=relevancy", ERR_SORT }
    };

    (void) state;

    check_ok("status=%61ctive");               /* "active" %-encoded */
    check_ok("sort=%6E%61%6D%65");             /* "name" */

    check_errors(bad, NCASES(bad));
}


static void
test_unknown_and_twice(void **state)
{
    char        buf[128];
    parsed_t   *p;

    static const error_case_t  bad[] = {
        { "x=1", "unknown parameter \"x\"" },
        { "x", "unknown parameter \"x\"" },
        { "Q=ktp", "unknown parameter \"Q\"" },
        { "PAGE=1", "unknown parameter \"PAGE\"" },
        { "pages=2", "unknown parameter \"pages\"" },
        { "pag=2", "unknown parameter \"pag\"" },
        { "q_=1", "unknown parameter \"q_\"" },
        { "=1", "unknown parameter \"\"" },
        { "=", "unknown parameter \"\"" },
        { "q=a&=b", "unknown parameter \"\"" },
        { "p%61ge=1", "unknown parameter \"p%61ge\"" },   /* names raw */
        { "a+b=1", "unknown parameter \"a+b\"" },
        { "a\"b=1", "unknown parameter \"a\"b\"" },
        { "x=1&page=0", "unknown parameter \"x\"" },
        { "page=0&x=1", "unknown parameter \"x\"" },     /* before values */
        { "q=%FF&x=1", "invalid \"q\": not valid UTF-8" },
        { "q=a&limit=5", "unknown parameter \"limit\"" },
        { "k\xc3\xa9y=1", "unknown parameter \"k??y\"" },
        { "a\x01\x7f" "b=1", "unknown parameter \"a??b\"" },
        { "a\tb=1", "unknown parameter \"a?b\"" },
        { "q=1&q=2", "parameter \"q\" is given twice" },
        { "q=&q=", "parameter \"q\" is given twice" },
        { "q&q", "parameter \"q\" is given twice" },
        { "agency=a&agency=a", "parameter \"agency\" is given twice" },
        { "category=a&category=", "parameter \"category\" is given twice" },
        { "tag=a&tag=b", "parameter \"tag\" is given twice" },
        { "status=active&status=retired",
          "parameter \"status\" is given twice" },
        { "page=1&page=1", "parameter \"page\" is given twice" },
        { "per_page=5&q=x&per_page=5",
          "parameter \"per_page\" is given twice" },
        { "sort=name&sort=x", "parameter \"sort\" is given twice" },
        { "page=1&page=0&x=1", "parameter \"page\" is given twice" }
    };

    (void) state;

    check_errors(bad, NCASES(bad));

    /* a long name is cut to 32 bytes */

    check_error("abcdefghijklmnopqrstuvwxyz0123456789=1",
                "unknown parameter \"abcdefghijklmnopqrstuvwxyz012345\"");

    /* a NUL in a name ends it in the message (nginx refuses it anyway) */

    check_error_n("a\0b=1", 5, "unknown parameter \"a\"");

    /* a small error buffer: cut, still NUL-terminated */

    p = calloc(1, sizeof(parsed_t));
    assert_non_null(p);
    p->scratch = malloc(3 * 8 + 64);
    assert_non_null(p->scratch);

    memset(buf, 'X', sizeof(buf));

    assert_int_equal(catalog_query_parse(&p->q, "xxxxxx=1", 8, p->scratch,
                                         buf, 10),
                     -1);
    assert_string_equal(buf, "unknown p");
    assert_int_equal(buf[10], 'X');

    memset(buf, 'X', sizeof(buf));

    assert_int_equal(catalog_query_parse(&p->q, "page=0", 6, p->scratch,
                                         buf, 1),
                     -1);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'X');

    done(p);
}


static void
test_decoding(void **state)
{
    parsed_t  *p;

    (void) state;

    /* q: %XX in either case, '+' a space, %2B a plus */

    p = parse("q=%4b%54%50+el%2Bplus%20x");
    assert_int_equal(p->rc, 0);
    check_str(p->q.q, "KTP el+plus x");
    assert_int_equal(p->q.nwords, 4);
    check_str(p->q.words[0], "ktp");
    check_str(p->q.words[1], "el");
    check_str(p->q.words[2], "plus");
    check_str(p->q.words[3], "x");
    done(p);

    /* the filters: %XX decoded, '+' a space as forms send it */

    p = parse("agency=a+b&category=c%20d&tag=%3Ctag%3E%26%22");
    assert_int_equal(p->rc, 0);
    check_str(p->q.agency, "a b");
    check_str(p->q.category, "c d");
    check_str(p->q.tag, "<tag>&\"");
    done(p);

    /* "=" inside a value, ";" and other bytes as they are */

    p = parse("tag=a=b;c&agency=x/y?z");
    assert_int_equal(p->rc, 0);
    check_str(p->q.tag, "a=b;c");
    check_str(p->q.agency, "x/y?z");
    done(p);

    /* UTF-8 sent raw or %-encoded alike */

    p = parse("tag=caf\xc3\xa9&category=caf%C3%A9");
    assert_int_equal(p->rc, 0);
    check_str(p->q.tag, "caf\xc3\xa9");
    check_str(p->q.category, "caf\xc3\xa9");
    done(p);

    check_error("q=%", "invalid \"q\": bad %-encoding");
    check_error("q=%4", "invalid \"q\": bad %-encoding");
    check_error("q=a%", "invalid \"q\": bad %-encoding");
    check_error("q=100%", "invalid \"q\": bad %-encoding");
    check_error("q=%zz", "invalid \"q\": bad %-encoding");
    check_error("q=%4g", "invalid \"q\": bad %-encoding");
    check_error("q=%g4", "invalid \"q\": bad %-encoding");
    check_error("q=%%41", "invalid \"q\": bad %-encoding");
    check_error("q=%+4", "invalid \"q\": bad %-encoding");
    check_error("q=% 4", "invalid \"q\": bad %-encoding");
    check_error("agency=%G0", "invalid \"agency\": bad %-encoding");
    check_error("category=%", "invalid \"category\": bad %-encoding");
    check_error("tag=%-1", "invalid \"tag\": bad %-encoding");
    check_error("status=%", "invalid \"status\": bad %-encoding");
    check_error("page=%", "invalid \"page\": bad %-encoding");
    check_error("per_page=%2", "invalid \"per_page\": bad %-encoding");
    check_error("sort=%x", "invalid \"sort\": bad %-encoding");

    /* the decoding error is found before a later unknown parameter */

    check_error("q=%&x=1", "invalid \"q\": bad %-encoding");
}


static void
test_utf8(void **state)
{
    size_t  i;
    char    args[64];

    /* valid, with the boundaries of each length */

    static const char  *good[] = {
        "%7E",                         /* U+007E */
        "%C2%80",                      /* U+0080 */
        "%DF%BF",                      /* U+07FF */
        "%E0%A0%80",                   /* U+0800 */
        "%ED%9F%BF",                   /* U+D7FF */
        "%EE%80%80",                   /* U+E000 */
        "%EF%BF%BD",                   /* U+FFFD */
        "%EF%BF%BF",                   /* U+FFFF */
        "%F0%90%80%80",                /* U+10000 */
        "%F0%9F%98%80",                /* U+1F600 */
        "%F4%8F%BF%BF",                /* U+10FFFF */
        "%E6%97%A5%E6%9C%AC",          /* two CJK characters */
        "a%C3%A9b%C3%9F"
    };

    static const char  *bad[] = {
        "%80",                         /* lone continuation */
        "%BF",
        "a%80b",
        "%C0%80",                      /* overlong NUL */
        "%C0%AF",                      /* overlong '/' */
        "%C1%BF",                      /* overlong U+007F */
        "%E0%80%80",                   /* overlong, 3 bytes */
        "%E0%9F%BF",                   /* overlong U+07FF */
        "%F0%80%80%80",                /* overlong, 4 bytes */
        "%F0%8F%BF%BF",                /* overlong U+FFFF */
        "%ED%A0%80",                   /* U+D800, a surrogate */
        "%ED%AD%BF",                   /* U+DB7F */
        "%ED%B0%80",                   /* U+DC00 */
        "%ED%BF%BF",                   /* U+DFFF */
        "%ED%A0%BD%ED%B8%80",          /* CESU-8 pair of U+1F600 */
        "%F4%90%80%80",                /* U+110000 */
        "%F7%BF%BF%BF",                /* U+1FFFFF */
        "%F8%88%80%80%80",             /* 5 bytes */
        "%FC%84%80%80%80%80",          /* 6 bytes */
        "%FE",
        "%FF",
        "%C3",                         /* truncated at the end */
        "%E2%82",
        "%F0%9F%98",
        "%C3a",                        /* truncated by an ASCII byte */
        "%E2%82a",
        "%F0%9F%98a",
        "%C3%C3%A9",                   /* a lead byte for a continuation */
        "%E2%28%A1",
        "%F0%28%8C%28"
    };

    (void) state;

    for (i = 0; i < NCASES(good); i++) {
        snprintf(args, sizeof(args), "q=%s", good[i]);
        check_ok(args);
        snprintf(args, sizeof(args), "tag=%s", good[i]);
        check_ok(args);
    }

    for (i = 0; i < NCASES(bad); i++) {
        snprintf(args, sizeof(args), "q=%s", bad[i]);
        check_error(args, "invalid \"q\": not valid UTF-8");
        snprintf(args, sizeof(args), "agency=%s", bad[i]);
        check_error(args, "invalid \"agency\": not valid UTF-8");
        snprintf(args, sizeof(args), "category=%s", bad[i]);
        check_error(args, "invalid \"category\": not valid UTF-8");
        snprintf(args, sizeof(args), "tag=%s", bad[i]);
        check_error(args, "invalid \"tag\": not valid UTF-8");
        snprintf(args, sizeof(args), "status=%s", bad[i]);
        check_error(args, "invalid \"status\": not valid UTF-8");
        snprintf(args, sizeof(args), "page=%s", bad[i]);
        check_error(args, "invalid \"page\": not valid UTF-8");
        snprintf(args, sizeof(args), "per_page=%s", bad[i]);
        check_error(args, "invalid \"per_page\": not valid UTF-8");
        snprintf(args, sizeof(args), "sort=%s", bad[i]);
        check_error(args, "invalid \"sort\": not valid UTF-8");
    }

    /* raw bytes, not %-encoded */

    check_error("q=\xff", "invalid \"q\": not valid UTF-8");
    check_error("q=\xc3", "invalid \"q\": not valid UTF-8");
    check_error("q=\xed\xa0\x80", "invalid \"q\": not valid UTF-8");
    check_ok("q=\xf0\x9f\x98\x80");
}


static void
test_controls(void **state)
{
    char         args[32];
    unsigned     c;
    const char  *names[] = { "q", "agency", "category", "tag", "status",
                             "page", "per_page", "sort" };
    size_t       i;

    (void) state;

    for (c = 0; c < 0x20; c++) {
        snprintf(args, sizeof(args), "q=a%%%02Xb", c);
        check_error(args, "invalid \"q\": must not contain control "
                          "characters");
    }

    check_error("q=%7F", "invalid \"q\": must not contain control characters");
    check_error("q=a%0D%0Ab", "invalid \"q\": must not contain control "
                              "characters");

    for (i = 0; i < NCASES(names); i++) {
        char  err[80];

        snprintf(args, sizeof(args), "%s=%%00", names[i]);
        snprintf(err, sizeof(err),
                 "invalid \"%s\": must not contain control characters",
                 names[i]);
        check_error(args, err);
    }

    /* raw controls in a value, and a raw NUL */

    check_error("q=a\tb", "invalid \"q\": must not contain control "
                          "characters");
    check_error_n("q=a\0b", 5, "invalid \"q\": must not contain control "
                               "characters");

    /* not controls: U+0080..U+009F are C1 controls but valid UTF-8 */

    check_ok("q=%C2%85");
    check_ok("q=%20%21%7E");
}


static void
test_lengths(void **state)
{
    char      *s;
    parsed_t  *p;

    (void) state;

    /* q: 256 bytes once decoded */

    s = repeat("q", "a", 256);
    p = parse(s);
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->q.q.len, 256);
    assert_int_equal(p->q.nwords, 1);
    assert_int_equal(p->q.words[0].len, CATALOG_TEXT_WORD_MAX);
    done(p);
    free(s);

    s = repeat("q", "a", 257);
    check_error(s, "invalid \"q\": longer than 256 bytes");
    free(s);

    s = repeat("q", "%61", 256);               /* decoded: 256 bytes */
    check_ok(s);
    free(s);

    s = repeat("q", "%61", 257);
    check_error(s, "invalid \"q\": longer than 256 bytes");
    free(s);

    s = repeat("q", "%C3%A9", 128);            /* 256 bytes, 128 chars */
    check_ok(s);
    free(s);

    s = repeat("q", "%C3%A9", 129);            /* 258 bytes, 129 chars */
    check_error(s, "invalid \"q\": longer than 256 bytes");
    free(s);

    s = repeat("q", "a+", 128);                /* 256 bytes with spaces */
    check_ok(s);
    free(s);

    s = repeat("q", "+", 257);
    check_error(s, "invalid \"q\": longer than 256 bytes");
    free(s);

    /* "ß" folds to "ss": the scratch must hold twice q */

    s = repeat("q", "\xc3\x9f", 128);
    p = parse(s);
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->q.q.len, 256);
    assert_int_equal(p->q.nwords, 1);
    assert_int_equal(p->q.words[0].len, CATALOG_TEXT_WORD_MAX);
    assert_memory_equal(p->q.words[0].data, "ssssssss", 8);
    done(p);
    free(s);

    s = repeat("q", "%C3%9F+", 85);            /* 255 bytes, 85 words */
    p = parse(s);
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->q.nwords, CATALOG_QUERY_WORDS_MAX);
    check_str(p->q.words[15], "ss");
    done(p);
    free(s);

    /* filters: 200 bytes */

    s = repeat("agency", "a", 200);
    check_ok(s);
    free(s);

    s = repeat("agency", "a", 201);
    check_error(s, "invalid \"agency\": longer than 200 bytes");
    free(s);

    s = repeat("category", "%C3%A9", 100);
    check_ok(s);
    free(s);

    s = repeat("category", "%C3%A9", 101);
    check_error(s, "invalid \"category\": longer than 200 bytes");
    free(s);

    s = repeat("tag", "b", 200);
    check_ok(s);
    free(s);

    s = repeat("tag", "b", 201);
    check_error(s, "invalid \"tag\": longer than 200 bytes");
    free(s);

    /* long values of parameters without a length limit */

    s = repeat("status", "a", 1000);
    check_error(s, ERR_STATUS);
    free(s);

    s = repeat("page", "1", 1000);
    check_error(s, ERR_PAGE);
    free(s);
}


static void
test_words(void **state)
{
    parsed_t  *p;

    (void) state;

    /* folded: lower case, accents removed; cut at non-letters */

    p = parse("q=%C3%89L%C3%88VE+Caf%C3%A9,+KTP-el/NIK%3A123");
    assert_int_equal(p->rc, 0);
    check_str(p->q.q, "\xc3\x89L\xc3\x88VE Caf\xc3\xa9, KTP-el/NIK:123");
    assert_int_equal(p->q.nwords, 6);
    check_str(p->q.words[0], "eleve");
    check_str(p->q.words[1], "cafe");
    check_str(p->q.words[2], "ktp");
    check_str(p->q.words[3], "el");
    check_str(p->q.words[4], "nik");
    check_str(p->q.words[5], "123");
    done(p);

    /* nothing but punctuation: q is set, no word */

    p = parse("q=---+%2C%2C");
    assert_int_equal(p->rc, 0);
    check_str(p->q.q, "--- ,,");
    assert_int_equal(p->q.nwords, 0);
    done(p);

    /* CJK letters make words, kept as they are; an emoji is a symbol */

    p = parse("q=%E6%97%A5%E6%9C%AC+%F0%9F%98%80+x");
    assert_int_equal(p->rc, 0);
    check_str(p->q.q, "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 x");
    assert_int_equal(p->q.nwords, 2);
    check_str(p->q.words[0], "\xe6\x97\xa5\xe6\x9c\xac");
    check_str(p->q.words[1], "x");
    done(p);

    /* at most 16 words; the rest is dropped */

    p = parse("q=a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q+r+s+t");
    assert_int_equal(p->rc, 0);
    assert_int_equal(p->q.nwords, CATALOG_QUERY_WORDS_MAX);
    check_str(p->q.words[0], "a");
    check_str(p->q.words[15], "p");
    done(p);

    /* spaces around and between words */

    p = parse("q=++ktp+++baru++");
    assert_int_equal(p->rc, 0);
    check_str(p->q.q, "  ktp   baru  ");
    assert_int_equal(p->q.nwords, 2);
    check_str(p->q.words[1], "baru");
    done(p);
}


static void
test_first_error_wins(void **state)
{
    static const error_case_t  cases[] = {
        /* in the loop, parameter by parameter, as they come */
        { "q=%zz&page=0", "invalid \"q\": bad %-encoding" },
        { "page=0&q=%zz", "invalid \"q\": bad %-encoding" },
        { "tag=%01&agency=%FF", "invalid \"tag\": must not contain control "
                                "characters" },
        { "agency=%FF&tag=%01", "invalid \"agency\": not valid UTF-8" },
        /* then q's length, the filters', status, page, per_page, sort */
        { "sort=x&per_page=0&page=0&status=x&q=a",
          "invalid \"status\": must be \"active\", \"maintenance\" or "
          "\"retired\"" },
        { "sort=x&per_page=0&page=0", ERR_PAGE },
        { "sort=x&per_page=0", ERR_PER_PAGE },
        { "sort=x&page=2", ERR_SORT }
    };

    (void) state;

    check_errors(cases, NCASES(cases));
}


static void
test_scratch(void **state)
{
    char      *s;
    parsed_t  *p;

    (void) state;

    /* every decoded value and the folded q fit 3 * len + 64 (ASan) */

    s = malloc(4096);
    assert_non_null(s);

    snprintf(s, 4096, "q=%s&agency=%s&category=%s&tag=%s",
             "\xc3\x9f\xc3\x9f\xc3\x9f\xc3\x9f\xc3\x9f\xc3\x9f\xc3\x9f"
             "\xc3\x9f\xc3\x9f\xc3\x9f\xc3\x9f\xc3\x9f",
             "dukcapil", "kependudukan", "ktp");

    p = parse(s);
    assert_int_equal(p->rc, 0);
    check_str(p->q.words[0], "ssssssssssssssssssssssss");
    check_str(p->q.agency, "dukcapil");
    check_str(p->q.tag, "ktp");

    /* the strings point into the scratch */

    assert_true(p->q.q.data >= p->scratch
                && p->q.q.data + p->q.q.len <= p->scratch + 3 * strlen(s) + 64);
    assert_true(p->q.words[0].data >= p->scratch
                && p->q.words[0].data + p->q.words[0].len
                   <= p->scratch + 3 * strlen(s) + 64);
    assert_true(p->q.tag.data >= p->scratch);
    done(p);

    free(s);
}


/* catalog_query_arg */


typedef struct {
    int                           rc;
    size_t                        len;
    char                         *value;
} arg_t;


static arg_t
arg(const char *args, const char *name, int plus)
{
    char    *copy, *dst;
    size_t   len, dlen;
    arg_t    a;

    len = strlen(args);

    copy = malloc(len ? len : 1);
    dst = malloc(len ? len : 1);             /* the raw length is enough */
    assert_non_null(copy);
    assert_non_null(dst);

    memcpy(copy, args, len);

    dlen = 12345;

    a.rc = catalog_query_arg(copy, len, name, dst, &dlen, plus);
    a.len = (a.rc == 1) ? dlen : 0;

    a.value = malloc(a.len + 1);
    assert_non_null(a.value);
    memcpy(a.value, dst, a.len);
    a.value[a.len] = '\0';

    free(copy);
    free(dst);

    return a;
}


static void
check_arg(const char *args, const char *name, int plus, int rc,
    const char *value, size_t vlen)
{
    arg_t  a;

    a = arg(args, name, plus);

    if (a.rc != rc) {
        fail_msg("\"%s\" %s: %d, expected %d", args, name, a.rc, rc);
    }

    if (rc == 1 && (a.len != vlen || memcmp(a.value, value, vlen) != 0)) {
        fail_msg("\"%s\" %s: \"%s\" (%zu), expected \"%s\"", args, name,
                 a.value, a.len, value);
    }

    free(a.value);
}


static void
test_arg(void **state)
{
    (void) state;

    /* found, absent */

    check_arg("path=/ktp", "path", 0, 1, "/ktp", 4);
    check_arg("a=1&path=/ktp&b=2", "path", 0, 1, "/ktp", 4);
    check_arg("method=GET&path=/x", "method", 0, 1, "GET", 3);
    check_arg("", "path", 0, 0, NULL, 0);
    check_arg("&&", "path", 0, 0, NULL, 0);
    check_arg("paths=/x", "path", 0, 0, NULL, 0);
    check_arg("pat=/x", "path", 0, 0, NULL, 0);
    check_arg("PATH=/x", "path", 0, 0, NULL, 0);
    check_arg("xpath=/x&path2=/y", "path", 0, 0, NULL, 0);
    check_arg("p%61th=/x", "path", 0, 0, NULL, 0);

    /* empty, without "=", empty pieces */

    check_arg("path=", "path", 0, 1, "", 0);
    check_arg("path", "path", 0, 1, "", 0);
    check_arg("path&x=1", "path", 0, 1, "", 0);
    check_arg("&&path=/a&&", "path", 0, 1, "/a", 2);

    /* "=" in the value */

    check_arg("path=/a=b", "path", 0, 1, "/a=b", 4);

    /* decoding: %XX in either case, '+' only with plus */

    check_arg("path=/a%20b%2fc%2F", "path", 0, 1, "/a b/c/", 7);
    check_arg("path=/a+b", "path", 0, 1, "/a+b", 4);
    check_arg("path=/a+b", "path", 1, 1, "/a b", 4);
    check_arg("path=/a%2Bb", "path", 1, 1, "/a+b", 4);
    check_arg("path=%00", "path", 0, 1, "\0", 1);

    /* no UTF-8 check here: bytes as decoded */

    check_arg("path=/%FF%C3", "path", 0, 1, "/\xff\xc3", 3);

    /* twice, even when empty; badly encoded */

    check_arg("path=/a&path=/b", "path", 0, -1, NULL, 0);
    check_arg("path=/a&path=", "path", 0, -1, NULL, 0);
    check_arg("path&path", "path", 0, -1, NULL, 0);
    check_arg("path=/a&x=1&path", "path", 0, -1, NULL, 0);
    check_arg("path=%", "path", 0, -1, NULL, 0);
    check_arg("path=%4", "path", 0, -1, NULL, 0);
    check_arg("path=%zz", "path", 0, -1, NULL, 0);
    check_arg("path=/ok&method=%zz", "path", 0, 1, "/ok", 3);
    check_arg("path=/ok&method=%zz", "method", 0, -1, NULL, 0);

    /* other names are not looked at */

    check_arg("x=%zz&x=1&path=/a", "path", 0, 1, "/a", 2);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_parameter),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_unknown_and_twice),
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_scratch),
        cmocka_unit_test(test_arg),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
