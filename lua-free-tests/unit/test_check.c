
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The syntax checkers of manifest values, called directly: tables of
 * valid and invalid values with the exact reason each one gets.  Every
 * value is copied into a buffer of exactly its length, so that ASan sees
 * any read past it.  The messages these reasons end up in are pinned in
 * test_manifest.c.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <catalog_check.h>


typedef int (*is_pt)(const char *s, size_t len);
typedef const char *(*check_pt)(const char *s, size_t len);


typedef struct {
    const char                   *s;
    size_t                        len;
    int                           valid;
} is_case_t;


typedef struct {
    const char                   *s;
    size_t                        len;
    const char                   *reason;      /* NULL: valid */
} check_case_t;


typedef struct {
    const char                   *s;
    size_t                        len;
    int                           multiline;
    int                           controls;
} controls_case_t;


typedef struct {
    const char                   *s;
    size_t                        len;
    const char                   *prefix;
    int                           match;
} prefix_case_t;


typedef struct {
    const char                   *s;
    size_t                        len;
    size_t                        chars;
} chars_case_t;


typedef struct {
    const char                   *s;
    size_t                        len;
    int                           backend;
    const char                   *reason;      /* NULL: valid */
    const char                   *host;
    unsigned                      port;
    unsigned                      https;
    unsigned                      ipv6;
} hostport_case_t;


static char *dup_exact(const char *s, size_t len);
static const char *rep(const char *unit, unsigned n);
static void key(char *buf, size_t a, size_t b);
static void check_is(const char *name, is_pt fn, const is_case_t *cases,
    size_t n);
static void check_one(const char *name, check_pt fn, const char *s,
    size_t len, const char *reason);
static void check_table(const char *name, check_pt fn,
    const check_case_t *cases, size_t n);
static void check_hostport(const hostport_case_t *c);
static uint32_t rnd(void);


#define Y(s)                  { s, sizeof(s) - 1, 1 }
#define N(s)                  { s, sizeof(s) - 1, 0 }
#define OK(s)                 { s, sizeof(s) - 1, NULL }
#define BAD(s, reason)        { s, sizeof(s) - 1, reason }
#define CTL(s, ml, controls)  { s, sizeof(s) - 1, ml, controls }
#define PFX(s, prefix, match) { s, sizeof(s) - 1, prefix, match }
#define UTF(s, chars)         { s, sizeof(s) - 1, chars }
#define NCASES(a)             (sizeof(a) / sizeof(a[0]))

/* host[:port] for a backend (B) or a host header (H) */
#define B_OK(s, host, port, https, ipv6)                                      \
    { s, sizeof(s) - 1, 1, NULL, host, port, https, ipv6 }
#define H_OK(s, host, port, ipv6)                                             \
    { s, sizeof(s) - 1, 0, NULL, host, port, 0, ipv6 }
#define B_BAD(s, reason)      { s, sizeof(s) - 1, 1, reason, NULL, 0, 0, 0 }
#define H_BAD(s, reason)      { s, sizeof(s) - 1, 0, reason, NULL, 0, 0, 0 }

#define CONTROLS   "must not contain control characters or spaces"
#define BACKSLASH  "must not contain \"\\\""
#define NOT_URL    "must be an absolute http or https URL"
#define NOT_NAME   "must be a host name or an IPv4 address"
#define NOT_TARGET "must be a path starting with \"/\" or an absolute "       \
                   "http or https URL"
#define BAD_HOST   "has an invalid host name"
#define BAD_IPV6   "has an invalid IPv6 address"
#define BAD_PORT   "port must be between 1 and 65535"
#define HAS_PATH   "must not have a path or query"


static uint32_t  rnd_state = 0x2545f491;


/* helpers */


static char *
dup_exact(const char *s, size_t len)
{
    char  *p;

    p = malloc(len ? len : 1);
    assert_non_null(p);

    if (len) {
        memcpy(p, s, len);
    }

    return p;
}


static const char *
rep(const char *unit, unsigned n)
{
    static char   buf[4][1024];
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


static void
key(char *buf, size_t a, size_t b)
{
    /* "aaa/bbb": a and b bytes long */

    memset(buf, 'a', a);
    buf[a] = '/';
    memset(buf + a + 1, 'b', b);
}


static void
check_is(const char *name, is_pt fn, const is_case_t *cases, size_t n)
{
    int     got;
    char   *s;
    size_t  i;

    for (i = 0; i < n; i++) {
        s = dup_exact(cases[i].s, cases[i].len);
        got = fn(s, cases[i].len);
        free(s);

        if (got != cases[i].valid) {
            fail_msg("%s(\"%.*s\"): %d, expected %d", name,
                     (int) cases[i].len, cases[i].s, got, cases[i].valid);
        }
    }
}


static void
check_one(const char *name, check_pt fn, const char *s, size_t len,
    const char *reason)
{
    char        *p;
    const char  *got;

    p = dup_exact(s, len);
    got = fn(p, len);
    free(p);

    if (got == reason || (got && reason && strcmp(got, reason) == 0)) {
        return;
    }

    fail_msg("%s(\"%.*s\"): \"%s\", expected \"%s\"", name, (int) len, s,
             got ? got : "(valid)", reason ? reason : "(valid)");
}


static void
check_table(const char *name, check_pt fn, const check_case_t *cases,
    size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        check_one(name, fn, cases[i].s, cases[i].len, cases[i].reason);
    }
}


static void
check_hostport(const hostport_case_t *c)
{
    int                        inside;
    char                      *s;
    size_t                     off;
    const char                *got;
    catalog_check_hostport_t   hp;

    s = dup_exact(c->s, c->len);

    memset(&hp, 0x5a, sizeof(catalog_check_hostport_t));

    got = catalog_check_hostport(s, c->len, c->backend, &hp);

    /* the host is a slice of the value, without brackets */

    inside = (got == NULL && hp.host >= s && hp.host + hp.hlen <= s + c->len);
    off = inside ? (size_t) (hp.host - s) : 0;

    free(s);

    if (c->reason) {
        if (got == NULL || strcmp(got, c->reason) != 0) {
            fail_msg("hostport(\"%.*s\", %d): \"%s\", expected \"%s\"",
                     (int) c->len, c->s, c->backend,
                     got ? got : "(valid)", c->reason);
        }

        return;
    }

    if (got) {
        fail_msg("hostport(\"%.*s\", %d): \"%s\", expected valid",
                 (int) c->len, c->s, c->backend, got);
    }

    assert_true(inside);
    assert_int_equal(hp.hlen, strlen(c->host));
    assert_memory_equal(c->s + off, c->host, hp.hlen);
    assert_int_equal(hp.port, c->port);
    assert_int_equal(hp.https, c->https);
    assert_int_equal(hp.ipv6, c->ipv6);
}


static uint32_t
rnd(void)
{
    /* xorshift32: the same values on every run */

    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;

    return rnd_state;
}


/* ids, methods, names */


static void
test_is_id(void **state)
{
    static const is_case_t  cases[] = {
        Y("a"), Y("0"), Y("dukcapil"), Y("a-b"), Y("a--b"), Y("a-"),
        Y("0a-9"), Y("kemnaker"),
        N(""), N("-a"), N("-"), N("A"), N("Dukcapil"), N("a_b"), N("a b"),
        N("a.b"), N("a/b"), N("a\0b"), N("\xc3\xa9"), N("a\n"), N("a:b"),
    };

    (void) state;

    check_is("is_id", catalog_check_is_id, cases, NCASES(cases));

    /* 63 bytes at most */

    assert_true(catalog_check_is_id(rep("a", 63), 63));
    assert_false(catalog_check_is_id(rep("a", 64), 64));

    /* the length counts, not a NUL */

    assert_true(catalog_check_is_id("ab!", 2));
}


static void
test_is_service_key(void **state)
{
    char                    buf[160];
    static const is_case_t  cases[] = {
        Y("a/b"), Y("kemnaker/karirhub"), Y("dukcapil/ktp-el"),
        N(""), N("/"), N("a"), N("a/"), N("/b"), N("a//b"), N("a/b/c"),
        N("a/B"), N("A/b"), N("-a/b"), N("a/-b"), N("a b/c"), N("a\0/b"),
        N("https://a.example/b"),
    };

    (void) state;

    check_is("is_service_key", catalog_check_is_service_key, cases,
             NCASES(cases));

    /* each part is an id of up to 63 bytes */

    key(buf, 63, 63);
    assert_true(catalog_check_is_service_key(buf, 127));

    key(buf, 64, 1);
    assert_false(catalog_check_is_service_key(buf, 66));

    key(buf, 1, 64);
    assert_false(catalog_check_is_service_key(buf, 66));
}


static void
test_is_method(void **state)
{
    static const is_case_t  cases[] = {
        Y("GET"), Y("HEAD"), Y("POST"), Y("PURGE"), Y("M-SEARCH"), Y("X"),
        Y("VERSION_CONTROL"), Y("-"), Y("_"),
        N("V2"), N("0"), N("!#$%&'*+.^`|~"), N("A.B"), N("G!"), N("G~"),
        N(""), N("get"), N("Get"), N("GE T"), N("GET\0"), N("\0"),
        N("G(ET"), N("G\"ET"), N("G,ET"), N("G:ET"), N("G/ET"), N("G@"),
        N("G[]"), N("G{}"), N("G=1"), N("G;"), N("G\\"), N("G\t"),
        N("G\x7f"), N("G\xc3\x89T"),
    };

    (void) state;

    check_is("is_method", catalog_check_is_method, cases, NCASES(cases));

    assert_true(catalog_check_is_method(rep("X", 32), 32));
    assert_false(catalog_check_is_method(rep("X", 33), 33));
}


static void
test_is_name(void **state)
{
    char                    buf[300];
    static const is_case_t  cases[] = {
        Y("a"), Y("a.example"), Y("A.Example.GO.ID"), Y("10.0.0.1"),
        Y("my_host"), Y("a-b.c_d"), Y("-a"), Y("1"), Y("localhost"),
        N(""), N("."), N("a."), N(".a"), N("a..b"), N("a b"), N("a:80"),
        N("[::1]"), N("::1"), N("a/b"), N("a\0b"), N("\xc3\xa9.example"),
        N("a*.example"), N("a\n"),
    };

    (void) state;

    check_is("is_name", catalog_check_is_name, cases, NCASES(cases));

    /* labels of 63 bytes at most */

    assert_true(catalog_check_is_name(rep("l", 63), 63));
    assert_false(catalog_check_is_name(rep("l", 64), 64));

    /* 253 bytes at most: four labels of 63 make 255 */

    memcpy(buf, rep("l", 63), 63);
    buf[63] = '.';
    memcpy(buf + 64, rep("l", 63), 63);
    buf[127] = '.';
    memcpy(buf + 128, rep("l", 63), 63);
    buf[191] = '.';
    memcpy(buf + 192, rep("l", 63), 63);

    assert_true(catalog_check_is_name(buf, 253 - 2));
    assert_true(catalog_check_is_name(buf, 253));
    assert_false(catalog_check_is_name(buf, 254));
    assert_false(catalog_check_is_name(buf, 255));
}


/* controls, prefixes, characters */


static void
test_has_controls(void **state)
{
    int                           got;
    char                         *s;
    size_t                        i;
    static const controls_case_t  cases[] = {
        CTL("", 0, 0),
        CTL("abc", 0, 0),
        CTL("a b", 0, 0),
        CTL("a\tb", 0, 1), CTL("a\tb", 1, 0),
        CTL("a\nb", 0, 1), CTL("a\nb", 1, 0),
        CTL("a\r\nb", 0, 1), CTL("a\r\nb", 1, 0),
        CTL("\0", 0, 1), CTL("\0", 1, 1),
        CTL("a\x01", 1, 1), CTL("\x1b[31m", 1, 1), CTL("\x1f", 1, 1),
        CTL("a\x7f", 0, 1), CTL("a\x7f", 1, 1),

        /* C1 controls U+0080..U+009F, also as a first byte */

        CTL("\xc2\x80", 1, 1), CTL("a\xc2\x85", 0, 1), CTL("\xc2\x9f", 1, 1),

        /* printable: U+00A0 onwards, U+2028; a lone 0xc2 at the end */

        CTL("\xc2\xa0", 0, 0), CTL("\xc3\xa9", 0, 0), CTL("\xe2\x80\xa8", 0, 0),
        CTL("a\xc2", 0, 0), CTL("\x80\x9f", 0, 0), CTL("\xff", 0, 0),
    };

    (void) state;

    for (i = 0; i < NCASES(cases); i++) {
        s = dup_exact(cases[i].s, cases[i].len);
        got = catalog_check_has_controls(s, cases[i].len,
                                         cases[i].multiline);
        free(s);

        if (got != cases[i].controls) {
            fail_msg("has_controls(case %u, multiline %d): %d, expected %d",
                     (unsigned) i, cases[i].multiline, got,
                     cases[i].controls);
        }
    }
}


static void
test_has_prefix(void **state)
{
    int                         got;
    char                       *s;
    size_t                      i;
    static const prefix_case_t  cases[] = {
        PFX("http://a", "http://", 1),
        PFX("HTTP://a", "http://", 1),
        PFX("HtTpS://a", "https://", 1),
        PFX("http://", "http://", 1),
        PFX("https://a", "http://", 0),
        PFX("http:/a", "http://", 0),
        PFX("http:", "http://", 0),
        PFX("", "http://", 0),
        PFX(" http://a", "http://", 0),
        PFX("http\0//a", "http://", 0),
        PFX("", "", 1),
        PFX("a", "", 1),
    };

    (void) state;

    for (i = 0; i < NCASES(cases); i++) {
        s = dup_exact(cases[i].s, cases[i].len);
        got = catalog_check_has_prefix(s, cases[i].len, cases[i].prefix);
        free(s);

        if (got != cases[i].match) {
            fail_msg("has_prefix(\"%.*s\", \"%s\"): %d, expected %d",
                     (int) cases[i].len, cases[i].s, cases[i].prefix, got,
                     cases[i].match);
        }
    }

    /* only len bytes count */

    assert_false(catalog_check_has_prefix("http://a", 6, "http://"));
    assert_true(catalog_check_has_prefix("http://a", 7, "http://"));
}


static void
test_chars(void **state)
{
    char                      *s;
    size_t                     i, got;
    static const chars_case_t  cases[] = {
        UTF("", 0),
        UTF("abc", 3),
        UTF("a\0b", 3),
        UTF("\xc3\xa9", 1),
        UTF("\xe2\x82\xac", 1),
        UTF("\xf0\x9f\x98\x80", 1),
        UTF("a\xc3\xa9z", 3),

        /* invalid UTF-8: stray continuation bytes count as nothing */

        UTF("\x80", 0),
        UTF("\x80\xbf", 0),
        UTF("\x80\x80" "a", 1),
        UTF("\xc3\xa9\xa9", 1),

        /* lead bytes count once, complete or not */

        UTF("\xc3", 1),
        UTF("\xe2\x82", 1),
        UTF("\xc3" "a", 2),
        UTF("\xf0\x9f\x98", 1),
        UTF("\xff\xfe", 2),
        UTF("\xc0\xaf", 1),
        UTF("\xed\xa0\x80", 1),
    };

    (void) state;

    for (i = 0; i < NCASES(cases); i++) {
        s = dup_exact(cases[i].s, cases[i].len);
        got = catalog_check_chars(s, cases[i].len);
        free(s);

        if (got != cases[i].chars) {
            fail_msg("chars(case %u): %u, expected %u", (unsigned) i,
                     (unsigned) got, (unsigned) cases[i].chars);
        }
    }

    /* 200 two-byte characters: 400 bytes */

    assert_int_equal(catalog_check_chars(rep("\xc3\xa9", 200), 400), 200);
}


/* paths, hosts, URLs, redirect targets */


static void
test_check_path(void **state)
{
    char                       buf[600];
    static const check_case_t  cases[] = {
        OK("/"), OK("/a"), OK("/a/"), OK("/ktp/baru"), OK("/.well-known"),
        OK("/a/..."), OK("/v1.2/..x"), OK("/a/.b"), OK("/a./b"),
        OK("/Layanan/\xc3\xa9-KTP"), OK("/a\\b"), OK("/a;b=c"),
        OK("/~user"), OK("/a+b"), OK("/a@b:c"),

        BAD("", "must start with \"/\""),
        BAD("a", "must start with \"/\""),
        BAD("ktp/", "must start with \"/\""),
        BAD(" /a", "must start with \"/\""),
        BAD("?/", "must start with \"/\""),

        BAD("/a b", CONTROLS),
        BAD("/a\tb", CONTROLS),
        BAD("/a\x7f", CONTROLS),
        BAD("/a\xc2\x80", CONTROLS),
        BAD("/a\0", CONTROLS),
        BAD("/a b?#%", CONTROLS),

        BAD("/a?b", "must not contain \"?\""),
        BAD("/?", "must not contain \"?\""),
        BAD("/a?#", "must not contain \"?\""),
        BAD("/a#b", "must not contain \"#\""),
        BAD("/a#%", "must not contain \"#\""),
        BAD("/a%20b", "must not contain \"%\" (write the path decoded)"),
        BAD("/a%2F/", "must not contain \"%\" (write the path decoded)"),

        BAD("//", "must not contain \"//\""),
        BAD("//a", "must not contain \"//\""),
        BAD("/a//b", "must not contain \"//\""),
        BAD("/a//", "must not contain \"//\""),

        BAD("/.", "must not contain a \".\" or \"..\" segment"),
        BAD("/..", "must not contain a \".\" or \"..\" segment"),
        BAD("/./", "must not contain a \".\" or \"..\" segment"),
        BAD("/a/./b", "must not contain a \".\" or \"..\" segment"),
        BAD("/a/..", "must not contain a \".\" or \"..\" segment"),
        BAD("/a/../", "must not contain a \".\" or \"..\" segment"),
        BAD("/../a/", "must not contain a \".\" or \"..\" segment"),
        BAD("/a/.", "must not contain a \".\" or \"..\" segment"),
    };

    (void) state;

    check_table("check_path", catalog_check_path, cases, NCASES(cases));

    /* 512 bytes at most, checked before the characters */

    buf[0] = '/';
    memcpy(buf + 1, rep("p", 511), 511);
    check_one("check_path", catalog_check_path, buf, 512, NULL);

    buf[512] = '?';
    check_one("check_path", catalog_check_path, buf, 513,
              "is longer than 512 bytes");
}


static void
test_check_host(void **state)
{
    static const check_case_t  cases[] = {
        OK("a"), OK("a.example"), OK("A.EXAMPLE"), OK("a.example."),
        OK("Layanan.Example.GO.ID."), OK("10.0.0.1"), OK("my_host"),

        BAD("a.example:8080", "must not have a port"),
        BAD("a:", "must not have a port"),
        BAD(":80", "must not have a port"),
        BAD("a.:8080", "must not have a port"),

        /* an IPv6 address is no host name, with or without brackets */

        BAD("[::1]", NOT_NAME),
        BAD("[::1]:80", NOT_NAME),
        BAD("::1", NOT_NAME),
        BAD("fe80::1", NOT_NAME),

        BAD("", NOT_NAME),
        BAD(".", NOT_NAME),
        BAD("..", NOT_NAME),
        BAD("a..", NOT_NAME),
        BAD("a..example", NOT_NAME),
        BAD(".a", NOT_NAME),
        BAD("a example", NOT_NAME),
        BAD("a.example/x", NOT_NAME),
        BAD("\xc3\xa9.example", NOT_NAME),
        BAD("a\0", NOT_NAME),
        BAD("a\n", NOT_NAME),

        /* a URL is named as one; another ":" is taken for a port */

        BAD("http://a", "must not have a scheme"),
        BAD("HTTPS://a.example:443", "must not have a scheme"),
        BAD("a://", "must not have a scheme"),
        BAD("x:a", "must not have a port"),
    };

    (void) state;

    check_table("check_host", catalog_check_host, cases, NCASES(cases));
}


static void
test_check_url(void **state)
{
    static const check_case_t  cases[] = {
        OK("http://a"), OK("https://a.example"), OK("https://a.example/"),
        OK("HTTPS://a.example/docs?x=1#y"), OK("http://10.0.0.1:8080/x"),
        OK("https://a:8080"), OK("https://u@a.example"),
        OK("https://u:p@a.example/x"), OK("https://[::1]/x"),
        OK("https://a.example/\xc3\xa9"), OK("http://a?"),

        BAD("", NOT_URL),
        BAD("a.example", NOT_URL),
        BAD("/docs", NOT_URL),
        BAD("//a.example/", NOT_URL),
        BAD("ftp://a.example", NOT_URL),
        BAD("javascript:alert(1)", NOT_URL),
        BAD("http:/a", NOT_URL),
        BAD("http://", NOT_URL),
        BAD("https://", NOT_URL),
        BAD("https:///x", NOT_URL),
        BAD("https://?x", NOT_URL),
        BAD("https://#x", NOT_URL),
        BAD("https://:80/", NOT_URL),
        BAD("https://u@/x", NOT_URL),
        BAD("https://u@:80", NOT_URL),

        BAD("https://a.example/x y", CONTROLS),
        BAD("https://a.example/\x01", CONTROLS),
        BAD("https://a.example/\r\n", CONTROLS),
        BAD("https://a.example/\xc2\x9b", CONTROLS),
        BAD("ftp://a b", CONTROLS),

        BAD("https://a.example\\@evil.example", BACKSLASH),
        BAD("https:\\\\a.example", BACKSLASH),
    };

    (void) state;

    check_table("check_url", catalog_check_url, cases, NCASES(cases));
}


static void
test_check_target(void **state)
{
    static const check_case_t  cases[] = {
        OK("/"), OK("/b"), OK("/new/?x=1&y=2#top"), OK("/c2?"),
        OK("/a?b#c"), OK("/%41"), OK("/a/../b"),
        OK("https://b.example/x#f?q"), OK("HTTP://a"),

        BAD("", NOT_TARGET),
        BAD("dukcapil/akta", NOT_TARGET),
        BAD("javascript:alert(1)", NOT_TARGET),
        BAD("ftp://a.example/", NOT_TARGET),
        BAD("?x", NOT_TARGET),
        BAD("#top", NOT_TARGET),
        BAD("b.example/x", NOT_TARGET),

        BAD("//", "must not start with \"//\""),
        BAD("//evil.example/", "must not start with \"//\""),
        BAD("///x", "must not start with \"//\""),

        BAD("/\\evil.example", BACKSLASH),
        BAD("/a\\b", BACKSLASH),
        BAD("https://a\\b", BACKSLASH),

        BAD("/a b", CONTROLS),
        BAD("/a\r\nSet-Cookie: x", CONTROLS),
        BAD("/a\0", CONTROLS),
        BAD("//a b", CONTROLS),
        BAD("/a\\ b", CONTROLS),

        /* an absolute URL gets the URL reasons */

        BAD("https://?x", NOT_URL),
        BAD("https://", NOT_URL),
        BAD("http://u@", NOT_URL),
    };

    (void) state;

    check_table("check_target", catalog_check_target, cases,
                NCASES(cases));
}


/* host[:port] */


static void
test_check_hostport_backend(void **state)
{
    char                          buf[80];
    size_t                        i;
    hostport_case_t               c;
    static const hostport_case_t  cases[] = {
        B_OK("a", "a", 80, 0, 0),
        B_OK("a.internal", "a.internal", 80, 0, 0),
        B_OK("http://B.Internal:8080", "B.Internal", 8080, 0, 0),
        B_OK("HTTP://c.internal.", "c.internal.", 80, 0, 0),
        B_OK("c.internal.:81", "c.internal.", 81, 0, 0),
        B_OK("10.0.0.1:81", "10.0.0.1", 81, 0, 0),
        B_OK("https://a.internal", "a.internal", 443, 1, 0),
        B_OK("https://b.internal:8443", "b.internal", 8443, 1, 0),
        B_OK("https://c.internal:80", "c.internal", 80, 1, 0),
        B_OK("http://a:443", "a", 443, 0, 0),
        B_OK("a:1", "a", 1, 0, 0),
        B_OK("a:65535", "a", 65535, 0, 0),
        B_OK("a:00080", "a", 80, 0, 0),
        B_OK("my_host:8080", "my_host", 8080, 0, 0),

        /* IPv6 in brackets, the host without them */

        B_OK("[::1]", "::1", 80, 0, 1),
        B_OK("[::1]:8080", "::1", 8080, 0, 1),
        B_OK("http://[fe80::1]", "fe80::1", 80, 0, 1),
        B_OK("https://[2001:db8::1]:8443", "2001:db8::1", 8443, 1, 1),
        B_OK("[::ffff:10.0.0.1]:81", "::ffff:10.0.0.1", 81, 0, 1),
        B_OK("[0:0:0:0:0:0:0:1]", "0:0:0:0:0:0:0:1", 80, 0, 1),

        B_BAD("ftp://a:21", "scheme must be \"http\" or \"https\""),
        B_BAD("a://b", "scheme must be \"http\" or \"https\""),
        B_BAD("http:///", HAS_PATH),
        B_BAD("http://http://a", HAS_PATH),
        B_BAD("http://u:p@a:80", "must not contain user info"),
        B_BAD("u@a", "must not contain user info"),
        B_BAD("http://a:80/", HAS_PATH),
        B_BAD("a/", HAS_PATH),
        B_BAD("a:80?x", HAS_PATH),
        B_BAD("a#x", HAS_PATH),
        B_BAD("[::1]/x", HAS_PATH),
        B_BAD("https://", "has no host"),
        B_BAD("http://", "has no host"),
        B_BAD("", "has no host"),
        B_BAD(":80", BAD_HOST),
        B_BAD("a..b:80", BAD_HOST),
        B_BAD(".a", BAD_HOST),
        B_BAD(".", BAD_HOST),
        B_BAD("a..", BAD_HOST),
        B_BAD("\xc3\xa9.example", BAD_HOST),
        B_BAD("a*b", BAD_HOST),
        B_BAD("a :80", CONTROLS),
        B_BAD("a\t", CONTROLS),
        B_BAD("a\0", CONTROLS),
        B_BAD("::1:8080", "an IPv6 address must be in brackets"),
        B_BAD("fe80::1", "an IPv6 address must be in brackets"),
        B_BAD("a:80:81", "an IPv6 address must be in brackets"),
        B_BAD("[::g]:80", BAD_IPV6),
        B_BAD("[::1", BAD_IPV6),
        B_BAD("[]:80", BAD_IPV6),
        B_BAD("[::1]80", BAD_IPV6),
        B_BAD("[10.0.0.1]", BAD_IPV6),
        B_BAD("[a.example]", BAD_IPV6),
        B_BAD("[::1]]", BAD_IPV6),
        B_BAD("a:0", BAD_PORT),
        B_BAD("a:65536", BAD_PORT),
        B_BAD("a:99999", BAD_PORT),
        B_BAD("a:", BAD_PORT),
        B_BAD("a:http", BAD_PORT),
        B_BAD("a:123456", BAD_PORT),
        B_BAD("a:-1", BAD_PORT),
        B_BAD("a:+80", BAD_PORT),
        B_BAD("[::1]:", BAD_PORT),
        B_BAD("[::1]:0", BAD_PORT),
    };

    (void) state;

    for (i = 0; i < NCASES(cases); i++) {
        check_hostport(&cases[i]);
    }

    /* longer than any IPv6 address: rejected before it is copied */

    buf[0] = '[';
    memcpy(buf + 1, rep("1", 60), 60);
    buf[61] = ']';

    memset(&c, 0, sizeof(hostport_case_t));
    c.s = buf;
    c.len = 62;
    c.backend = 1;
    c.reason = BAD_IPV6;

    check_hostport(&c);

    /* the longest IPv6 address, 45 bytes, fits */

    memcpy(buf, "[0000:0000:0000:0000:0000:ffff:255.255.255.255]", 47);
    c.len = 47;
    c.reason = NULL;
    c.host = "0000:0000:0000:0000:0000:ffff:255.255.255.255";
    c.port = 80;
    c.ipv6 = 1;

    check_hostport(&c);
}


static void
test_check_hostport_header(void **state)
{
    size_t                        i;
    static const hostport_case_t  cases[] = {
        H_OK("a", "a", 80, 0),
        H_OK("h", "h", 80, 0),
        H_OK("F.example:8443", "F.example", 8443, 0),
        H_OK("a.example.", "a.example.", 80, 0),
        H_OK("[::1]", "::1", 80, 1),
        H_OK("[::1]:8080", "::1", 8080, 1),

        /* no scheme at all, not even http or https */

        H_BAD("http://a", "must not have a scheme"),
        H_BAD("HTTPS://a", "must not have a scheme"),
        H_BAD("ftp://a", "must not have a scheme"),
        H_BAD("a://", "must not have a scheme"),

        H_BAD("a b", CONTROLS),
        H_BAD("a\r\nX: y", CONTROLS),
        H_BAD("a:99999", BAD_PORT),
        H_BAD("a:0", BAD_PORT),
        H_BAD("", "has no host"),
        H_BAD("a/b", HAS_PATH),
        H_BAD("u@a", "must not contain user info"),
        H_BAD("::1", "an IPv6 address must be in brackets"),
        H_BAD("[::1", BAD_IPV6),
        H_BAD("a..b", BAD_HOST),
    };

    (void) state;

    for (i = 0; i < NCASES(cases); i++) {
        check_hostport(&cases[i]);
    }
}


/* every checker on random bytes: consistent answers, no stray reads */


static void
test_random_values(void **state)
{
    char                      *s;
    size_t                     len, i, k;
    unsigned                   n;
    const char                *reason;
    catalog_check_hostport_t   hp;
    static const char          bytes[] = "aZ09-_./:@?#%[]\\ \t\x01\x7f"
                                         "\x80\xc2\xc3\xa9\xff" "hHtps";
    static const char         *prefixes[] = {
        "", "", "/", "//", "http://", "https://", "[::1]", "a.example",
    };

    (void) state;

    for (n = 0; n < 20000; n++) {
        k = rnd() % NCASES(prefixes);
        len = strlen(prefixes[k]) + rnd() % 12;

        s = malloc(len ? len : 1);
        assert_non_null(s);

        memcpy(s, prefixes[k], strlen(prefixes[k]));

        for (i = strlen(prefixes[k]); i < len; i++) {
            s[i] = bytes[rnd() % (sizeof(bytes) - 1)];
        }

        assert_true(catalog_check_chars(s, len) <= len);

        if (catalog_check_is_name(s, len)) {
            assert_null(catalog_check_host(s, len));
            assert_null(catalog_check_hostport(s, len, 0, &hp));
            assert_null(catalog_check_hostport(s, len, 1, &hp));
            assert_int_equal(hp.port, 80);
        }

        if (catalog_check_is_service_key(s, len)) {
            assert_non_null(memchr(s, '/', len));
        }

        if (catalog_check_url(s, len) == NULL) {
            assert_null(catalog_check_target(s, len));
        }

        if (catalog_check_path(s, len) == NULL) {
            assert_true(len > 0 && s[0] == '/');
            assert_false(catalog_check_has_controls(s, len, 1));
        }

        (void) catalog_check_is_id(s, len);
        (void) catalog_check_is_method(s, len);

        reason = catalog_check_hostport(s, len, rnd() & 1, &hp);

        if (reason == NULL) {
            assert_true(hp.host >= s && hp.host + hp.hlen <= s + len);
            assert_true(hp.hlen > 0);
            assert_true(hp.port >= 1 && hp.port <= 65535);
        }

        free(s);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_is_id),
        cmocka_unit_test(test_is_service_key),
        cmocka_unit_test(test_is_method),
        cmocka_unit_test(test_is_name),
        cmocka_unit_test(test_has_controls),
        cmocka_unit_test(test_has_prefix),
        cmocka_unit_test(test_chars),
        cmocka_unit_test(test_check_path),
        cmocka_unit_test(test_check_host),
        cmocka_unit_test(test_check_url),
        cmocka_unit_test(test_check_target),
        cmocka_unit_test(test_check_hostport_backend),
        cmocka_unit_test(test_check_hostport_header),
        cmocka_unit_test(test_random_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
