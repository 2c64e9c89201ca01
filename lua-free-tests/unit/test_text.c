
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * Folding and words for search: catalog_text_fold and catalog_text_words.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog_index.h>


static const char *fold(const char *s);
static const char *fold_n(const char *s, size_t len);
static const char *words(const char *folded);
static int valid_utf8(const char *s, size_t len);


/* helpers */


static const char *
fold(const char *s)
{
    return fold_n(s, strlen(s));
}


static const char *
fold_n(const char *s, size_t len)
{
    static char   buf[4][4096];
    static int    n;
    char         *p;
    size_t        flen;

    assert_true(len * 2 < sizeof(buf[0]));

    p = buf[n++ % 4];

    /* a canary past the folded length: it must never pass len bytes */

    memset(p, '#', sizeof(buf[0]));

    flen = catalog_text_fold(p, s, len);

    assert_true(flen <= len);
    assert_int_equal(p[len], '#');

    p[flen] = '\0';

    return p;
}


/* the words, joined by '|' */

static const char *
words(const char *folded)
{
    static char     buf[4096];
    char           *p;
    size_t          i, n;
    catalog_str_t   w[64];

    n = catalog_text_words(folded, strlen(folded), w, 64);

    p = buf;

    for (i = 0; i < n; i++) {
        if (i) {
            *p++ = '|';
        }

        memcpy(p, w[i].data, w[i].len);
        p += w[i].len;
    }

    *p = '\0';

    return buf;
}


static int
valid_utf8(const char *s, size_t len)
{
    size_t          i, n, k;
    uint32_t        cp;
    unsigned char   c;

    for (i = 0; i < len; i += n) {
        c = (unsigned char) s[i];

        if (c < 0x80) {
            n = 1;
            continue;
        }

        if (c >= 0xc2 && c < 0xe0) {
            n = 2;
            cp = c & 0x1f;

        } else if (c >= 0xe0 && c < 0xf0) {
            n = 3;
            cp = c & 0x0f;

        } else if (c >= 0xf0 && c < 0xf5) {
            n = 4;
            cp = c & 0x07;

        } else {
            return 0;
        }

        if (i + n > len) {
            return 0;
        }

        for (k = 1; k < n; k++) {
            if (((unsigned char) s[i + k] & 0xc0) != 0x80) {
                return 0;
            }

            cp = (cp << 6) | ((unsigned char) s[i + k] & 0x3f);
        }

        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)
            || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        {
            return 0;
        }
    }

    return 1;
}


/* folding */


static void
test_fold_ascii(void **state)
{
    (void) state;

    assert_string_equal(fold("PASPOR Elektronik"), "paspor elektronik");
    assert_string_equal(fold("KTP-el, NIK: 3171 (baru)"),
                        "ktp-el, nik: 3171 (baru)");
    assert_string_equal(fold("a\tb\nc"), "a\tb\nc");
    assert_string_equal(fold(""), "");
    assert_string_equal(fold("@[`{"), "@[`{");
}


static void
test_fold_latin1(void **state)
{
    (void) state;

    assert_string_equal(fold("PÁSPOR"), "paspor");
    assert_string_equal(fold("àáâãäå ÀÁÂÃÄÅ"), "aaaaaa aaaaaa");
    assert_string_equal(fold("èéêë ìíîï òóôõö ùúûü ýÿ"),
                        "eeee iiii ooooo uuuu yy");
    assert_string_equal(fold("Ñandú Çedilla"), "nandu cedilla");
    assert_string_equal(fold("Straße"), "strasse");
    assert_string_equal(fold("Æsir æble"), "aesir aeble");
    assert_string_equal(fold("Øre ø"), "ore o");
    assert_string_equal(fold("Þór Ðað"), "thor dad");
    assert_string_equal(fold("ª º ¹²³"), "a o 123");
}


static void
test_fold_latin_extended(void **state)
{
    (void) state;

    assert_string_equal(fold("Łódź"), "lodz");
    assert_string_equal(fold("Œuvre"), "oeuvre");
    assert_string_equal(fold("Ĳssel"), "ijssel");
    assert_string_equal(fold("Đà Nẵng"), "da nang");
    assert_string_equal(fold("Tiếng Việt"), "tieng viet");
    assert_string_equal(fold("Şişli Ğ ı İ"), "sisli g i i");
    assert_string_equal(fold("București Țară"), "bucuresti tara");
    assert_string_equal(fold("Čeština Ř ž"), "cestina r z");
    assert_string_equal(fold("ẞ"), "ss");
    assert_string_equal(fold("ǅemal"), "dzemal");
}


static void
test_fold_other_scripts(void **state)
{
    (void) state;

    /* Greek and Cyrillic capitals lowercased, others kept */

    assert_string_equal(fold("ΑΘΗΝΑ"), "αθηνα");
    assert_string_equal(fold("ПАСПОРТ Ёж"), "паспорт ёж");
    assert_string_equal(fold("日本語"), "日本語");
    assert_string_equal(fold("ภาษาไทย"), "ภาษาไทย");
    assert_string_equal(fold("العربية"), "العربية");

    /* fullwidth ASCII */

    assert_string_equal(fold("ＰＡＳＰＯＲ１２"), "paspor12");
    assert_string_equal(fold("Ａ！Ｂ"), "a b");
}


static void
test_fold_separators(void **state)
{
    (void) state;

    /* spaces, punctuation and symbols become ' ' */

    assert_string_equal(fold("a\xc2\xa0" "b"), "a b");          /* NBSP */
    assert_string_equal(fold("a\xe2\x80\x94" "b"), "a b");      /* em dash */
    assert_string_equal(fold("«a» “b” ‘c’"), " a   b   c ");
    assert_string_equal(fold("a·b×c÷d"), "a b c d");
    assert_string_equal(fold("Rp€100"), "rp 100");
    assert_string_equal(fold("a→b"), "a b");
    assert_string_equal(fold("ok\xf0\x9f\x98\x80" "ya"), "ok ya");
    assert_string_equal(fold("a\xe3\x80\x80" "b"), "a b");      /* U+3000 */
    assert_string_equal(fold("a\xc2\x85" "b"), "a b");          /* C1 */

    /* invisible characters are dropped, the word stays whole */

    assert_string_equal(fold("Pas\xc2\xadpor"), "paspor");      /* SHY */
    assert_string_equal(fold("Pas\xe2\x80\x8bpor"), "paspor");  /* ZWSP */
    assert_string_equal(fold("\xef\xbb\xbfpaspor"), "paspor");  /* BOM */
    assert_string_equal(fold("\xe2\x9c\x88\xef\xb8\x8f"), " "); /* VS16 */
}


static void
test_fold_combining(void **state)
{
    (void) state;

    /* decomposed accents: the marks are dropped */

    assert_string_equal(fold("Pa\xcc\x81spor"), "paspor");
    assert_string_equal(fold("E\xcc\x81" "E\xcc\x80"), "ee");
}


static void
test_fold_invalid(void **state)
{
    (void) state;

    assert_string_equal(fold("a\xff" "b"), "ab");
    assert_string_equal(fold("a\x80\xbf" "b"), "ab");        /* stray */
    assert_string_equal(fold("a\xc3"), "a");                  /* cut */
    assert_string_equal(fold("a\xc3(b"), "a(b");              /* broken */
    assert_string_equal(fold("\xc0\xaf" "x"), "x");           /* overlong */
    assert_string_equal(fold("\xe0\x80\xaf" "x"), "x");       /* overlong */
    assert_string_equal(fold("\xed\xa0\x80" "x"), "x");       /* surrogate */
    assert_string_equal(fold("\xf4\x90\x80\x80" "x"), "x");   /* > 10FFFF */
    assert_string_equal(fold("\xe2\x82" "x"), "x");           /* cut */
    assert_string_equal(fold("\xf0\x9f\x98" "x"), "x");       /* cut */
    assert_string_equal(fold("\xf8\x88\x80\x80\x80"), "");
    assert_string_equal(fold_n("a\0b", 3), "a");
}


static void
test_fold_indonesian(void **state)
{
    (void) state;

    assert_string_equal(
        fold("Pelayanan Terpadu Satu Pintu (PTSP) – Izin Usaha Mikro "
             "& Kecil, Kab. Bandung"),
        "pelayanan terpadu satu pintu (ptsp)   izin usaha mikro "
        "& kecil, kab. bandung");

    assert_string_equal(words(fold("Pelayanan Terpadu Satu Pintu (PTSP) – "
                                   "Izin Usaha Mikro & Kecil, Kab. "
                                   "Bandung")),
                        "pelayanan|terpadu|satu|pintu|ptsp|izin|usaha|"
                        "mikro|kecil|kab|bandung");

    assert_string_equal(words(fold("Surat Keterangan Catatan Kepolisian "
                                   "(SKCK) Online — POLRI")),
                        "surat|keterangan|catatan|kepolisian|skck|online|"
                        "polri");

    assert_string_equal(words(fold("Kartu Tanda Penduduk elektronik "
                                   "(KTP-el) / NIK 16 digit")),
                        "kartu|tanda|penduduk|elektronik|ktp|el|nik|16|"
                        "digit");
}


static void
test_fold_length_bound(void **state)
{
    size_t              len, i, r, n, npieces;
    const char         *pc;
    unsigned int        seed;
    static const char  *pieces[] = {
        "a", "Z", " ", "-", "\xc3\xa9", "\xc3\x9f", "\xc3\x86",
        "\xc7\x85", "\xe1\xba\x9e", "\xc4\xb2", "\xc5\x89",
        "\xc2\xaa", "\xc2\xad", "\xcc\x81", "\xce\xa9", "\xd0\x96",
        "\xe6\x97\xa5", "\xef\xbd\x98", "\xef\xbc\x81",
        "\xe2\x80\x8b", "\xf0\x9f\x98\x80", "\xff", "\xc3",
        "\xe2\x82", "\xed\xa0\x80", "\xef\xbb\xbf", "\xc7\x84",
        "\xc7\xb2", "\xc6\x81", "\xc6\xb1", "\xc8\xbb", "\xc9\x8f",
        "\xe1\xbb\xbc", "\xe1\xbb\xbf", "\xc2\xbc", "\xc2\xb5"
    };
    char                src[2400], dst[2400], dst2[2400];

    (void) state;

    /*
     * Random bytes, and random mixes of the interesting characters: the
     * output is valid UTF-8, never longer than the input, and folding
     * again changes nothing.
     */

    npieces = sizeof(pieces) / sizeof(pieces[0]);

    seed = 12345;
    len = 600;

    for (r = 0; r < 2000; r++) {
        n = 0;

        for (i = 0; i < len / 4; i++) {
            seed = seed * 1103515245 + 12345;

            if (r % 2) {
                src[n++] = (char) (seed >> 16);

            } else {
                pc = pieces[(seed >> 16) % npieces];
                memcpy(src + n, pc, strlen(pc));
                n += strlen(pc);
            }
        }

        i = catalog_text_fold(dst, src, n);

        assert_true(i <= n);
        assert_true(valid_utf8(dst, i));

        assert_int_equal(catalog_text_fold(dst2, dst, i), i);
        assert_memory_equal(dst, dst2, i);
    }
}


static void
test_fold_every_code_point(void **state)
{
    char      src[4], dst[8], dst2[8];
    size_t    n, len;
    uint32_t  cp;

    (void) state;

    /* each code point alone: valid, no longer, idempotent */

    for (cp = 0x80; cp <= 0x10ffff; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff) {
            continue;
        }

        if (cp < 0x800) {
            src[0] = (char) (0xc0 | (cp >> 6));
            src[1] = (char) (0x80 | (cp & 0x3f));
            len = 2;

        } else if (cp < 0x10000) {
            src[0] = (char) (0xe0 | (cp >> 12));
            src[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
            src[2] = (char) (0x80 | (cp & 0x3f));
            len = 3;

        } else {
            src[0] = (char) (0xf0 | (cp >> 18));
            src[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
            src[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
            src[3] = (char) (0x80 | (cp & 0x3f));
            len = 4;
        }

        n = catalog_text_fold(dst, src, len);

        if (n > len || !valid_utf8(dst, n)) {
            fail_msg("U+%04X folds badly", (unsigned) cp);
        }

        if (catalog_text_fold(dst2, dst, n) != n
            || memcmp(dst, dst2, n) != 0)
        {
            fail_msg("U+%04X: folding twice differs", (unsigned) cp);
        }
    }
}


/* words */


static void
test_words_split(void **state)
{
    (void) state;

    assert_string_equal(words("ktp-el, paspor/visa 2024"),
                        "ktp|el|paspor|visa|2024");
    assert_string_equal(words("  a  b  "), "a|b");
    assert_string_equal(words("a_b.c'd"), "a|b|c|d");
    assert_string_equal(words("日本 語"), "日本|語");
    assert_string_equal(words("paspor日本x"), "paspor日本x");
    assert_string_equal(words("x1y2"), "x1y2");
    assert_string_equal(words(""), "");
    assert_string_equal(words(" ,.;:!?()[]{}<>/\\|@#$%^&*-+=~`'\""), "");
}


static void
test_words_max(void **state)
{
    size_t          n;
    catalog_str_t   w[3];

    (void) state;

    n = catalog_text_words("a b c d e", 9, w, 3);

    assert_int_equal(n, 3);
    assert_int_equal(w[2].len, 1);
    assert_memory_equal(w[2].data, "c", 1);

    assert_int_equal(catalog_text_words("a b", 3, w, 0), 0);
}


static void
test_words_long(void **state)
{
    size_t          n;
    char            buf[200];
    catalog_str_t   w[4];

    (void) state;

    /* cut at 64 bytes, the rest of the word dropped */

    memset(buf, 'a', 70);
    memcpy(buf + 70, " b", 3);

    n = catalog_text_words(buf, strlen(buf), w, 4);

    assert_int_equal(n, 2);
    assert_int_equal(w[0].len, CATALOG_TEXT_WORD_MAX);
    assert_int_equal(w[1].len, 1);
    assert_memory_equal(w[1].data, "b", 1);

    /* exactly 64 bytes stays whole */

    memset(buf, 'a', 64);
    buf[64] = '\0';

    n = catalog_text_words(buf, 64, w, 4);

    assert_int_equal(n, 1);
    assert_int_equal(w[0].len, 64);

    /* a character across the cut is left out whole */

    memset(buf, 'a', 63);
    memcpy(buf + 63, "жж", 5);

    n = catalog_text_words(buf, strlen(buf), w, 4);

    assert_int_equal(n, 1);
    assert_int_equal(w[0].len, 63);

    memset(buf, 'a', 62);
    memcpy(buf + 62, "жж", 5);

    n = catalog_text_words(buf, strlen(buf), w, 4);

    assert_int_equal(n, 1);
    assert_int_equal(w[0].len, 64);

    memset(buf, 'a', 61);
    memcpy(buf + 61, "日日", 7);

    n = catalog_text_words(buf, strlen(buf), w, 4);

    assert_int_equal(n, 1);
    assert_int_equal(w[0].len, 64);

    memset(buf, 'a', 62);
    memcpy(buf + 62, "日日", 7);

    n = catalog_text_words(buf, strlen(buf), w, 4);

    assert_int_equal(n, 1);
    assert_int_equal(w[0].len, 62);
}


static void
test_words_of_folded(void **state)
{
    (void) state;

    assert_string_equal(words(fold("PÁSPOR—Elektronik")),
                        "paspor|elektronik");
    assert_string_equal(words(fold("Café&Résto")), "cafe|resto");
    assert_string_equal(words(fold("«Izin»\xc2\xa0Usaha")), "izin|usaha");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_fold_ascii),
        cmocka_unit_test(test_fold_latin1),
        cmocka_unit_test(test_fold_latin_extended),
        cmocka_unit_test(test_fold_other_scripts),
        cmocka_unit_test(test_fold_separators),
        cmocka_unit_test(test_fold_combining),
        cmocka_unit_test(test_fold_invalid),
        cmocka_unit_test(test_fold_indonesian),
        cmocka_unit_test(test_fold_length_bound),
        cmocka_unit_test(test_fold_every_code_point),
        cmocka_unit_test(test_words_split),
        cmocka_unit_test(test_words_max),
        cmocka_unit_test(test_words_long),
        cmocka_unit_test(test_words_of_folded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
