
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <catalog_uri.h>


typedef size_t (*escape_pt)(char *dst, const char *src, size_t len);


typedef struct {
    const char                   *in;
    size_t                        len;         /* 0: strlen(in) */
    const char                   *out;
    size_t                        olen;        /* 0: strlen(out) */
} escape_case_t;


static char *dup_exact(const char *s, size_t len);
static void check_escape(escape_pt fn, const char *in, size_t len,
    const char *out, size_t olen);
static void check_table(escape_pt fn, const escape_case_t *cases, size_t n);
static void make_redirect(catalog_redirect_t *rd, const char *to,
    unsigned keep_path, unsigned keep_query);
static char *location(const char *to, unsigned keep_path,
    unsigned keep_query, const char *rest, size_t rlen, const char *args,
    size_t alen);
static void check_location(const char *to, unsigned keep_path,
    unsigned keep_query, const char *rest, const char *args,
    const char *expected);
static uint32_t rnd(void);


#define CASE(in, out)         { in, 0, out, 0 }
#define CASE_LEN(in, out)     { in, sizeof(in) - 1, out, sizeof(out) - 1 }
#define NCASES(a)             (sizeof(a) / sizeof(a[0]))


static uint32_t  rnd_state = 0x2545f491;


/* a copy in a buffer of exactly len bytes: ASan sees any read past it */

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


static void
check_escape(escape_pt fn, const char *in, size_t len, const char *out,
    size_t olen)
{
    char    *src, *dst;
    size_t   n, m;

    src = dup_exact(in, len);

    n = fn(NULL, src, len);
    assert_int_equal(n, olen);

    dst = malloc(n ? n : 1);
    assert_non_null(dst);

    m = fn(dst, src, len);
    assert_int_equal(m, n);
    assert_memory_equal(dst, out, n);

    free(dst);
    free(src);
}


static void
check_table(escape_pt fn, const escape_case_t *cases, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        check_escape(fn, cases[i].in,
                     cases[i].len ? cases[i].len : strlen(cases[i].in),
                     cases[i].out,
                     cases[i].olen ? cases[i].olen : strlen(cases[i].out));
    }
}


static void
test_escape_path_table(void **state)
{
    static const escape_case_t  cases[] = {
        CASE("", ""),
        CASE("abcxyzABCXYZ0189", "abcxyzABCXYZ0189"),
        CASE("-._~", "-._~"),
        CASE("!$&'()*+,;=", "!$&'()*+,;="),
        CASE(":@/", ":@/"),
        CASE("/pajak/spt-2024", "/pajak/spt-2024"),
        CASE(" ", "%20"),
        CASE("%", "%25"),
        CASE("%41", "%2541"),
        CASE("?", "%3F"),
        CASE("#", "%23"),
        CASE("\"<>\\^`{|}[]", "%22%3C%3E%5C%5E%60%7B%7C%7D%5B%5D"),
        CASE("\r\n\t\x01\x1f\x7f", "%0D%0A%09%01%1F%7F"),
        CASE_LEN("a\0b", "a%00b"),
        CASE("\xc3\xa9", "%C3%A9"),
        CASE("/berkas/\xe6\x97\xa5\xe6\x9c\xac",
             "/berkas/%E6%97%A5%E6%9C%AC"),
        CASE("\x80\xff", "%80%FF"),
        CASE("/a b?c=d#e", "/a%20b%3Fc=d%23e"),
        CASE("/a\r\nSet-Cookie: x=1", "/a%0D%0ASet-Cookie:%20x=1")
    };

    (void) state;

    check_table(catalog_escape_path, cases, NCASES(cases));
}


static void
test_escape_path_every_byte(void **state)
{
    int          keep;
    char         in, out[4];
    unsigned     c;
    const char  *allowed;

    (void) state;

    allowed = "-._~!$&'()*+,;=:@/";

    for (c = 0; c < 256; c++) {
        in = (char) c;

        keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
               || (c >= '0' && c <= '9')
               || (c != 0 && strchr(allowed, (int) c) != NULL);

        if (keep) {
            out[0] = in;
            out[1] = '\0';

        } else {
            out[0] = '%';
            out[1] = "0123456789ABCDEF"[c >> 4];
            out[2] = "0123456789ABCDEF"[c & 0xf];
            out[3] = '\0';
        }

        check_escape(catalog_escape_path, &in, 1, out, strlen(out));
    }
}


static void
test_escape_query_table(void **state)
{
    static const escape_case_t  cases[] = {
        CASE("", ""),
        CASE("a=1&b=2", "a=1&b=2"),
        CASE("q=%20x&r=%E2%9C%93", "q=%20x&r=%E2%9C%93"),
        CASE("%", "%"),
        CASE("/?:@!$'()*+,;=-._~", "/?:@!$'()*+,;=-._~"),
        CASE("[]", "[]"),
        CASE("a b", "a%20b"),
        CASE("x#y", "x%23y"),
        CASE("\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D"),
        CASE("a=1\r\nX-Evil: y", "a=1%0D%0AX-Evil:%20y"),
        CASE_LEN("a\0b", "a%00b"),
        CASE("\t\x7f", "%09%7F"),
        CASE("q=\xc3\xa9", "q=%C3%A9")
    };

    (void) state;

    check_table(catalog_escape_query, cases, NCASES(cases));
}


static void
test_escape_query_every_byte(void **state)
{
    int          esc;
    char         in, out[4];
    unsigned     c;
    const char  *never;

    (void) state;

    never = "#\"<>\\^`{|}";

    for (c = 0; c < 256; c++) {
        in = (char) c;

        esc = c < 0x21 || c >= 0x7f || strchr(never, (int) c) != NULL;

        if (esc) {
            out[0] = '%';
            out[1] = "0123456789ABCDEF"[c >> 4];
            out[2] = "0123456789ABCDEF"[c & 0xf];
            out[3] = '\0';

        } else {
            out[0] = in;
            out[1] = '\0';
        }

        check_escape(catalog_escape_query, &in, 1, out, strlen(out));
    }
}


static void
test_escape_html_table(void **state)
{
    static const escape_case_t  cases[] = {
        CASE("", ""),
        CASE("KTP Elektronik", "KTP Elektronik"),
        CASE("&", "&amp;"),
        CASE("<", "&lt;"),
        CASE(">", "&gt;"),
        CASE("\"", "&quot;"),
        CASE("'", "&#39;"),
        CASE("&amp;", "&amp;amp;"),
        CASE("<script>alert('x')</script>",
             "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        CASE("\" onmouseover=\"x", "&quot; onmouseover=&quot;x"),
        CASE("Dinas Kependudukan & Capil", "Dinas Kependudukan &amp; Capil"),
        CASE("Pencatatan Sipil \xe2\x80\x94 \xc3\xa9",
             "Pencatatan Sipil \xe2\x80\x94 \xc3\xa9"),
        CASE_LEN("a\0<", "a\0&lt;")
    };

    (void) state;

    check_table(catalog_escape_html, cases, NCASES(cases));
}


static void
test_escape_json_table(void **state)
{
    static const escape_case_t  cases[] = {
        CASE("", ""),
        CASE("Halaman tidak ditemukan", "Halaman tidak ditemukan"),
        CASE("\"", "\\\""),
        CASE("\\", "\\\\"),
        CASE("\n\r\t\b\f", "\\n\\r\\t\\b\\f"),
        CASE("\x01", "\\u0001"),
        CASE("\x1b[31m", "\\u001b[31m"),
        CASE("\x1f", "\\u001f"),
        CASE_LEN("\0", "\\u0000"),
        CASE("\x7f", "\\u007f"),
        CASE("<>&", "\\u003c\\u003e\\u0026"),
        CASE("</script>", "\\u003c/script\\u003e"),
        CASE("'/", "'/"),
        CASE("Rp 10.000 \xe2\x80\x94 \xc3\xa9 \xf0\x9f\x87\xae",
             "Rp 10.000 \xe2\x80\x94 \xc3\xa9 \xf0\x9f\x87\xae"),
        CASE("a\"b\\c\nd", "a\\\"b\\\\c\\nd")
    };

    (void) state;

    check_table(catalog_escape_json, cases, NCASES(cases));
}


/* what jansson reads back from an escaped string is the original */

static void
test_escape_json_round_trip(void **state)
{
    char          in[64], *out;
    size_t        i, k, len, n;
    json_t       *j;
    const char   *u;
    json_error_t  err;

    static const char  *utf8[] = {
        "\xc3\xa9", "\xe2\x80\x94", "\xf0\x9f\x87\xae", "\xe2\x80\xa8"
    };

    (void) state;

    for (i = 0; i < 2000; i++) {
        len = 0;

        while (len < sizeof(in) - 5) {
            k = rnd() % 8;

            if (k == 0) {
                break;
            }

            if (k == 1) {
                u = utf8[rnd() % 4];
                memcpy(in + len, u, strlen(u));
                len += strlen(u);
                continue;
            }

            in[len++] = (char) (rnd() % 0x80);
        }

        n = catalog_escape_json(NULL, in, len);

        out = malloc(n + 3);
        assert_non_null(out);

        out[0] = '"';
        assert_int_equal(catalog_escape_json(out + 1, in, len), n);
        out[n + 1] = '"';
        out[n + 2] = '\0';

        j = json_loads(out, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
        assert_non_null(j);
        assert_true(json_is_string(j));
        assert_int_equal(json_string_length(j), len);
        assert_memory_equal(json_string_value(j), in, len);

        /* nothing that could end a <script> or start markup */

        assert_null(strchr(out, '<'));
        assert_null(strchr(out, '>'));
        assert_null(strchr(out, '&'));

        json_decref(j);
        free(out);
    }
}


/* splits "to" the way the manifest reader does */

static void
make_redirect(catalog_redirect_t *rd, const char *to, unsigned keep_path,
    unsigned keep_query)
{
    const char  *q, *f, *end;

    memset(rd, 0, sizeof(catalog_redirect_t));

    end = to + strlen(to);
    f = strchr(to, '#');

    if (f == NULL) {
        f = end;
    }

    q = memchr(to, '?', (size_t) (f - to));

    rd->to.data = to;
    rd->to.len = (size_t) (end - to);
    rd->base.data = to;
    rd->base.len = (size_t) ((q ? q : f) - to);

    if (q) {
        rd->has_query = 1;
        rd->query.data = q + 1;
        rd->query.len = (size_t) (f - q - 1);
    }

    rd->fragment.data = f;
    rd->fragment.len = (size_t) (end - f);
    rd->code = 301;
    rd->keep_path = keep_path;
    rd->keep_query = keep_query;
}


/* Location, written into a buffer of exactly the measured size */

static char *
location(const char *to, unsigned keep_path, unsigned keep_query,
    const char *rest, size_t rlen, const char *args, size_t alen)
{
    char                *r, *a, *buf, *s;
    size_t               n, m;
    catalog_redirect_t   rd;

    make_redirect(&rd, to, keep_path, keep_query);

    r = dup_exact(rest, rlen);
    a = dup_exact(args, alen);

    n = catalog_redirect_location(NULL, &rd, r, rlen, a, alen);

    buf = malloc(n ? n : 1);
    assert_non_null(buf);

    m = catalog_redirect_location(buf, &rd, r, rlen, a, alen);
    assert_int_equal(m, n);

    s = malloc(n + 1);
    assert_non_null(s);

    memcpy(s, buf, n);
    s[n] = '\0';

    free(buf);
    free(a);
    free(r);

    return s;
}


static void
check_location(const char *to, unsigned keep_path, unsigned keep_query,
    const char *rest, const char *args, const char *expected)
{
    char  *s;

    s = location(to, keep_path, keep_query, rest, strlen(rest), args,
                 strlen(args));

    assert_string_equal(s, expected);

    free(s);
}


static void
test_location_keep_flags(void **state)
{
    (void) state;

    /* neither: nothing the citizen typed goes along */

    check_location("/dukcapil/akta", 0, 0, "/x/y", "a=1&b=2",
                   "/dukcapil/akta");

    check_location("/dukcapil/akta", 1, 0, "/x/y", "a=1&b=2",
                   "/dukcapil/akta/x/y");

    check_location("/dukcapil/akta", 0, 1, "/x/y", "a=1&b=2",
                   "/dukcapil/akta?a=1&b=2");

    check_location("/dukcapil/akta", 1, 1, "/x/y", "a=1&b=2",
                   "/dukcapil/akta/x/y?a=1&b=2");

    check_location("https://karirhub.example.go.id", 1, 1, "/lowongan",
                   "kota=bandung",
                   "https://karirhub.example.go.id/lowongan?kota=bandung");
}


static void
test_location_empty_parts(void **state)
{
    (void) state;

    /* the request matched the whole route: no rest */

    check_location("/baru", 1, 1, "", "", "/baru");
    check_location("/baru", 1, 0, "", "a=1", "/baru");

    /* keep_query without args adds no "?" */

    check_location("/baru", 0, 1, "/x", "", "/baru");
    check_location("/baru?src=lama", 0, 1, "/x", "", "/baru?src=lama");
}


static void
test_location_own_query(void **state)
{
    (void) state;

    check_location("/baru?src=lama", 0, 0, "/x", "a=1", "/baru?src=lama");
    check_location("/baru?src=lama", 0, 1, "/x", "a=1",
                   "/baru?src=lama&a=1");
    check_location("/baru?src=lama", 1, 1, "/x", "a=1&b=2",
                   "/baru/x?src=lama&a=1&b=2");

    /* a query that already ends with "&" gets no second one */

    check_location("/baru?src=lama&", 0, 1, "", "a=1",
                   "/baru?src=lama&a=1");

    /* "to": "/x?" keeps its "?", the args follow it directly */

    check_location("/baru?", 0, 0, "", "a=1", "/baru?");
    check_location("/baru?", 0, 1, "", "a=1", "/baru?a=1");
    check_location("/baru?", 0, 1, "", "", "/baru?");
}


static void
test_location_fragment(void **state)
{
    (void) state;

    check_location("/baru#bagian-2", 0, 0, "/x", "a=1", "/baru#bagian-2");
    check_location("/baru#bagian-2", 1, 1, "/x", "a=1",
                   "/baru/x?a=1#bagian-2");
    check_location("/baru?s=1#top", 1, 1, "/x", "a=1",
                   "/baru/x?s=1&a=1#top");
    check_location("/baru?#top", 0, 1, "", "a=1", "/baru?a=1#top");
    check_location("/baru#", 0, 1, "", "a=1", "/baru?a=1#");

    /* a "#" in the request never starts a fragment of its own */

    check_location("/baru#top", 1, 1, "/a#b", "c#d", "/baru/a%23b?c%23d#top");
}


static void
test_location_slashes(void **state)
{
    (void) state;

    check_location("/baru/", 1, 0, "/x", "", "/baru/x");
    check_location("/baru/", 1, 0, "/x/", "", "/baru/x/");
    check_location("/baru/", 1, 0, "/", "", "/baru/");
    check_location("/baru/", 1, 0, "", "", "/baru/");
    check_location("/baru", 1, 0, "/", "", "/baru/");
    check_location("/", 1, 0, "/x", "", "/x");
    check_location("https://a.example/", 1, 0, "/x", "",
                   "https://a.example/x");

    /* never a protocol-relative "//host" */

    check_location("/", 1, 0, "//evil.example/x", "", "/evil.example/x");
    check_location("/", 1, 0, "///evil.example", "", "/evil.example");
    check_location("/", 1, 0, "/\\evil.example", "", "/%5Cevil.example");

    /* slashes inside the rest stay as they are */

    check_location("/baru", 1, 0, "//x//y", "", "/baru//x//y");

    /* a rest that does not start with "/" still starts a segment */

    check_location("/baru", 1, 0, "x", "", "/baru/x");
    check_location("https://a.example", 1, 0, "@evil.example", "",
                   "https://a.example/@evil.example");
}


static void
test_location_escaping(void **state)
{
    (void) state;

    check_location("/baru", 1, 1, "/berkas/\xc3\xbc", "q=\xc3\xbc",
                   "/baru/berkas/%C3%BC?q=%C3%BC");

    check_location("/baru", 1, 1, "/a b?c#d%e", "x=%41&y=a b",
                   "/baru/a%20b%3Fc%23d%25e?x=%41&y=a%20b");

    check_location("/baru", 1, 1, "/a\r\nSet-Cookie: x=1",
                   "a=1\r\nLocation: //evil",
                   "/baru/a%0D%0ASet-Cookie:%20x=1"
                   "?a=1%0D%0ALocation:%20//evil");

    /* the parts written in the manifest are made header-safe too */

    check_location("/a b?c d#e f", 0, 0, "", "", "/a%20b?c%20d#e%20f");
    check_location("/l\xc3\xa4ma", 0, 0, "", "", "/l%C3%A4ma");
}


static void
test_location_nul(void **state)
{
    char  *s;

    (void) state;

    s = location("/baru", 1, 1, "/a\0b", 4, "x\0y", 3);
    assert_string_equal(s, "/baru/a%00b?x%00y");
    free(s);

    s = location("/baru", 0, 0, "/a\0b", 4, "x\0y", 3);
    assert_string_equal(s, "/baru");
    free(s);
}


/* whatever the request holds, the Location is one safe header value */

static void
test_location_random(void **state)
{
    char          rest[48], args[48], *s;
    size_t        i, k, rlen, alen;
    unsigned      flags;
    const char   *to;

    static const char  *tos[] = {
        "/", "/baru", "/baru/", "/baru?s=1", "/baru?", "/baru#f",
        "/baru?s=1&#f", "https://a.example", "https://a.example/x/"
    };

    (void) state;

    for (i = 0; i < 20000; i++) {
        rlen = rnd() % sizeof(rest);
        alen = rnd() % sizeof(args);

        for (k = 0; k < rlen; k++) {
            rest[k] = (char) (rnd() % 4 ? rnd() % 0x80 : rnd() % 0x100);
        }

        for (k = 0; k < alen; k++) {
            args[k] = (char) (rnd() % 4 ? rnd() % 0x80 : rnd() % 0x100);
        }

        if (rlen && rnd() % 2) {
            rest[0] = '/';
        }

        to = tos[rnd() % NCASES(tos)];
        flags = rnd() % 4;

        s = location(to, flags & 1, flags >> 1, rest, rlen, args, alen);

        for (k = 0; s[k]; k++) {
            assert_true((unsigned char) s[k] > 0x20
                        && (unsigned char) s[k] < 0x7f);
        }

        assert_true(strncmp(s, "//", 2) != 0);
        assert_true(strncmp(s, "/\\", 2) != 0);

        /* at most the fragment of "to" holds a "#" */

        if (strchr(to, '#') == NULL) {
            assert_null(strchr(s, '#'));

        } else {
            assert_ptr_equal(strchr(s, '#'), strrchr(s, '#'));
        }

        free(s);
    }
}


static uint32_t
rnd(void)
{
    /* xorshift32: the same sequence on every run */

    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;

    return rnd_state;
}


/*
 * catalog_uri_plain() against the set nginx's proxy module escapes in a
 * decoded URI (NGX_ESCAPE_URI), written out here as that module's bitmap
 * of 256 bits: a byte the proxy would escape must never pass as plain
 */

static void
test_uri_plain_every_byte(void **state)
{
    char      path[16];
    unsigned  c, len, at;

    static const uint32_t  escape[] = {
        0xffffffff, 0xd000002d, 0x50000000, 0xb8000001,
        0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff
    };

    (void) state;

    assert_int_equal(catalog_uri_plain("", 0), 1);
    assert_int_equal(catalog_uri_plain("/a/b-c_d.e~f", 12), 1);
    assert_int_equal(catalog_uri_plain("/a&b+c=d!$'()*,:;@[]", 20), 1);

    for (c = 0; c < 256; c++) {

        /* the byte at every place of paths of 1 to 9 bytes */

        for (len = 1; len <= 9; len++) {
            for (at = 0; at < len; at++) {
                memset(path, 'a', sizeof(path));
                path[at] = (char) c;

                assert_int_equal(catalog_uri_plain(path, len),
                                 !(escape[c >> 5] & (1U << (c & 0x1f))));
            }
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_escape_path_table),
        cmocka_unit_test(test_escape_path_every_byte),
        cmocka_unit_test(test_escape_query_table),
        cmocka_unit_test(test_escape_query_every_byte),
        cmocka_unit_test(test_uri_plain_every_byte),
        cmocka_unit_test(test_escape_html_table),
        cmocka_unit_test(test_escape_json_table),
        cmocka_unit_test(test_escape_json_round_trip),
        cmocka_unit_test(test_location_keep_flags),
        cmocka_unit_test(test_location_empty_parts),
        cmocka_unit_test(test_location_own_query),
        cmocka_unit_test(test_location_fragment),
        cmocka_unit_test(test_location_slashes),
        cmocka_unit_test(test_location_escaping),
        cmocka_unit_test(test_location_nul),
        cmocka_unit_test(test_location_random)
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
