
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * Folding and words for search (catalog_index.h): UTF-8 is decoded, ASCII
 * is lowercased, Latin letters lose their accents, spaces, punctuation and
 * symbols become ' ', invisible marks and invalid bytes are dropped.
 */


#include <stddef.h>
#include <stdint.h>

#include <catalog_index.h>


#define catalog_text_word_char(c)  (catalog_text_word[(unsigned char) (c)])


static size_t catalog_text_decode(const unsigned char *p, size_t n,
    uint32_t *cp);
static char *catalog_text_fold_cp(char *d, uint32_t cp);
static char *catalog_text_encode(char *d, uint32_t cp);


/* 1 for the bytes of a word: ASCII letters and digits, non-ASCII */

static const unsigned char  catalog_text_word[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
};


/* ASCII lowercase */

static const unsigned char  catalog_text_lower[128] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
    0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
    0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
    0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
    0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
    0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
    0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f
};


/*
 * What each code point folds to, two bytes each: one or two ASCII
 * letters or digits (NUL-padded), a lowercase letter as UTF-8, " " for a
 * separator, or two NULs for "kept as is".  Derived from the Unicode
 * compatibility decompositions without the combining marks, lowercased,
 * plus the letters that have none: "ß" is "ss", "æ" "ae", "ø" "o", "đ"
 * and "ð" "d", "ł" "l", "þ" "th", "œ" "oe", "ı" "i", "ŋ" "n" and so on.
 */

/* U+00A0 to U+024F: Latin-1 Supplement, Latin Extended-A and B */

static const char  catalog_text_latin[] =
    /* U+00A0 */
    " \000 \000 \000 \000 \000 \000 \000 \000"
    " \000 \000a\000 \000 \000\000\000 \000 \000"
    " \000 \0002\0003\000 \000\302\265 \000 \000"
    " \0001\000o\000 \000\302\274\302\275\302\276 \000"
    "a\000a\000a\000a\000a\000a\000aec\000"
    "e\000e\000e\000e\000i\000i\000i\000i\000"
    "d\000n\000o\000o\000o\000o\000o\000 \000"
    "o\000u\000u\000u\000u\000y\000thss"
    /* U+00E0 */
    "a\000a\000a\000a\000a\000a\000aec\000"
    "e\000e\000e\000e\000i\000i\000i\000i\000"
    "d\000n\000o\000o\000o\000o\000o\000 \000"
    "o\000u\000u\000u\000u\000y\000thy\000"
    "a\000a\000a\000a\000a\000a\000c\000c\000"
    "c\000c\000c\000c\000c\000c\000d\000d\000"
    "d\000d\000e\000e\000e\000e\000e\000e\000"
    "e\000e\000e\000e\000g\000g\000g\000g\000"
    /* U+0120 */
    "g\000g\000g\000g\000h\000h\000h\000h\000"
    "i\000i\000i\000i\000i\000i\000i\000i\000"
    "i\000i\000ijijj\000j\000k\000k\000"
    "k\000l\000l\000l\000l\000l\000l\000\305\200"
    "\305\200l\000l\000n\000n\000n\000n\000n\000"
    "n\000n\000n\000n\000o\000o\000o\000o\000"
    "o\000o\000oeoer\000r\000r\000r\000"
    "r\000r\000s\000s\000s\000s\000s\000s\000"
    /* U+0160 */
    "s\000s\000t\000t\000t\000t\000t\000t\000"
    "u\000u\000u\000u\000u\000u\000u\000u\000"
    "u\000u\000u\000u\000w\000w\000y\000y\000"
    "y\000z\000z\000z\000z\000z\000z\000s\000"
    "b\000b\000b\000b\000\306\205\306\205\311\224c\000"
    "c\000d\000d\000d\000d\000\306\215e\000\311\231"
    "\311\233f\000f\000g\000\311\243hv\311\251i\000"
    "k\000k\000l\000\306\233\311\257\311\262n\000\311\265"
    /* U+01A0 */
    "o\000o\000oioip\000p\000\312\200\306\250"
    "\306\250\312\203\306\252\306\253t\000t\000\312\210u\000"
    "u\000\312\212v\000y\000y\000z\000z\000\312\222"
    "\306\271\306\271\306\272\306\273\306\275\306\275\306\276\306\277"
    "\307\200\307\201\307\202\307\203dzdzdzlj"
    "ljljnjnjnja\000a\000i\000"
    "i\000o\000o\000u\000u\000u\000u\000u\000"
    "u\000u\000u\000u\000u\000e\000a\000a\000"
    /* U+01E0 */
    "a\000a\000\307\243\307\243g\000g\000g\000g\000"
    "k\000k\000o\000o\000o\000o\000\307\257\307\257"
    "j\000dzdzdzg\000g\000hv\306\277"
    "n\000n\000a\000a\000\307\275\307\275\307\277\307\277"
    "a\000a\000a\000a\000e\000e\000e\000e\000"
    "i\000i\000i\000i\000o\000o\000o\000o\000"
    "r\000r\000r\000r\000u\000u\000u\000u\000"
    "s\000s\000t\000t\000\310\235\310\235h\000h\000"
    /* U+0220 */
    "n\000d\000ououz\000z\000a\000a\000"
    "e\000e\000o\000o\000o\000o\000o\000o\000"
    "o\000o\000y\000y\000l\000n\000t\000j\000"
    "dbqp\000\000c\000c\000l\000\000\000\310\277"
    "\311\200\311\202\311\202b\000\312\211\312\214e\000e\000"
    "j\000j\000\311\213\311\213r\000r\000y\000y\000"
    ;

/* U+1E00 to U+1EFF: Latin Extended Additional (Vietnamese and more) */

static const char  catalog_text_latin_add[] =
    /* U+1E00 */
    "a\000a\000b\000b\000b\000b\000b\000b\000"
    "c\000c\000d\000d\000d\000d\000d\000d\000"
    "d\000d\000d\000d\000e\000e\000e\000e\000"
    "e\000e\000e\000e\000e\000e\000f\000f\000"
    "g\000g\000h\000h\000h\000h\000h\000h\000"
    "h\000h\000h\000h\000i\000i\000i\000i\000"
    "k\000k\000k\000k\000k\000k\000l\000l\000"
    "l\000l\000l\000l\000l\000l\000m\000m\000"
    /* U+1E40 */
    "m\000m\000m\000m\000n\000n\000n\000n\000"
    "n\000n\000n\000n\000o\000o\000o\000o\000"
    "o\000o\000o\000o\000p\000p\000p\000p\000"
    "r\000r\000r\000r\000r\000r\000r\000r\000"
    "s\000s\000s\000s\000s\000s\000s\000s\000"
    "s\000s\000t\000t\000t\000t\000t\000t\000"
    "t\000t\000u\000u\000u\000u\000u\000u\000"
    "u\000u\000u\000u\000v\000v\000v\000v\000"
    /* U+1E80 */
    "w\000w\000w\000w\000w\000w\000w\000w\000"
    "w\000w\000x\000x\000x\000x\000y\000y\000"
    "z\000z\000z\000z\000z\000z\000h\000t\000"
    "w\000y\000a\000s\000s\000s\000ssd\000"
    "a\000a\000a\000a\000a\000a\000a\000a\000"
    "a\000a\000a\000a\000a\000a\000a\000a\000"
    "a\000a\000a\000a\000a\000a\000a\000a\000"
    "e\000e\000e\000e\000e\000e\000e\000e\000"
    /* U+1EC0 */
    "e\000e\000e\000e\000e\000e\000e\000e\000"
    "i\000i\000i\000i\000o\000o\000o\000o\000"
    "o\000o\000o\000o\000o\000o\000o\000o\000"
    "o\000o\000o\000o\000o\000o\000o\000o\000"
    "o\000o\000o\000o\000u\000u\000u\000u\000"
    "u\000u\000u\000u\000u\000u\000u\000u\000"
    "u\000u\000y\000y\000y\000y\000y\000y\000"
    "y\000y\000llllv\000v\000y\000y\000"
    ;


size_t
catalog_text_fold(char *dst, const char *src, size_t len)
{
    char                 *d;
    size_t                n;
    uint32_t              cp;
    const unsigned char  *p, *end;

    d = dst;
    p = (const unsigned char *) src;
    end = p + len;

    while (p < end) {

        if (*p < 0x80) {
            *d++ = (char) catalog_text_lower[*p++];
            continue;
        }

        n = catalog_text_decode(p, (size_t) (end - p), &cp);

        if (n == 0) {
            /* an invalid byte is dropped */
            p++;
            continue;
        }

        p += n;
        d = catalog_text_fold_cp(d, cp);
    }

    return (size_t) (d - dst);
}


size_t
catalog_text_words(const char *folded, size_t len, catalog_str_t *words,
    size_t max)
{
    size_t                n, i, start, wlen;
    const unsigned char  *p;

    p = (const unsigned char *) folded;
    n = 0;
    i = 0;

    while (n < max) {

        while (i < len && !catalog_text_word_char(p[i])) {
            i++;
        }

        if (i == len) {
            break;
        }

        start = i;

        while (i < len && catalog_text_word_char(p[i])) {
            i++;
        }

        wlen = i - start;

        if (wlen > CATALOG_TEXT_WORD_MAX) {
            wlen = CATALOG_TEXT_WORD_MAX;

            /* the byte after the cut must start a character */

            while (wlen && (p[start + wlen] & 0xc0) == 0x80) {
                wlen--;
            }

            if (wlen == 0) {
                continue;
            }
        }

        words[n].data = folded + start;
        words[n].len = wlen;
        n++;
    }

    return n;
}


static size_t
catalog_text_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned  c;

    c = p[0];

    if (c < 0xc2) {
        /* a continuation byte, or the lead of an overlong form */
        return 0;
    }

    if (c < 0xe0) {
        if (n < 2 || (p[1] & 0xc0) != 0x80) {
            return 0;
        }

        *cp = ((uint32_t) (c & 0x1f) << 6) | (p[1] & 0x3f);
        return 2;
    }

    if (c < 0xf0) {
        if (n < 3
            || (p[1] & 0xc0) != 0x80
            || (p[2] & 0xc0) != 0x80
            || (c == 0xe0 && p[1] < 0xa0)
            || (c == 0xed && p[1] >= 0xa0))
        {
            /* truncated, overlong, or a surrogate */
            return 0;
        }

        *cp = ((uint32_t) (c & 0x0f) << 12)
              | ((uint32_t) (p[1] & 0x3f) << 6)
              | (p[2] & 0x3f);
        return 3;
    }

    if (c < 0xf5) {
        if (n < 4
            || (p[1] & 0xc0) != 0x80
            || (p[2] & 0xc0) != 0x80
            || (p[3] & 0xc0) != 0x80
            || (c == 0xf0 && p[1] < 0x90)
            || (c == 0xf4 && p[1] >= 0x90))
        {
            /* truncated, overlong, or past U+10FFFF */
            return 0;
        }

        *cp = ((uint32_t) (c & 0x07) << 18)
              | ((uint32_t) (p[1] & 0x3f) << 12)
              | ((uint32_t) (p[2] & 0x3f) << 6)
              | (p[3] & 0x3f);
        return 4;
    }

    return 0;
}


static char *
catalog_text_fold_cp(char *d, uint32_t cp)
{
    const char  *t;

    /* never more bytes than the code point had in UTF-8 */

    if (cp < 0xa0) {
        /* C1 controls */
        *d++ = ' ';
        return d;
    }

    if (cp <= 0x24f) {

        if (cp == 0xad) {
            /* soft hyphen, invisible inside a word */
            return d;
        }

        t = &catalog_text_latin[(cp - 0xa0) * 2];
        goto table;
    }

    if (cp >= 0x300 && cp <= 0x36f) {
        /* combining marks: "e" followed by U+0301 is "e" */
        return d;
    }

    if ((cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2)
        || (cp >= 0x410 && cp <= 0x42f))
    {
        /* Greek and Cyrillic capitals */
        return catalog_text_encode(d, cp + 0x20);
    }

    if (cp >= 0x400 && cp <= 0x40f) {
        return catalog_text_encode(d, cp + 0x50);
    }

    if (cp >= 0x1e00 && cp <= 0x1eff) {
        t = &catalog_text_latin_add[(cp - 0x1e00) * 2];
        goto table;
    }

    if ((cp >= 0x200b && cp <= 0x200f)
        || (cp >= 0x202a && cp <= 0x202e)
        || (cp >= 0x2060 && cp <= 0x206f)
        || (cp >= 0xfe00 && cp <= 0xfe0f)
        || cp == 0xfeff
        || (cp >= 0xe0000 && cp <= 0xe01ef))
    {
        /* zero width characters, direction marks, variation selectors */
        return d;
    }

    if ((cp >= 0x2000 && cp <= 0x206f)
        || (cp >= 0x20a0 && cp <= 0x20cf)
        || (cp >= 0x2190 && cp <= 0x2bff)
        || (cp >= 0x3000 && cp <= 0x3003)
        || (cp >= 0x3008 && cp <= 0x3011)
        || (cp >= 0x3014 && cp <= 0x301f)
        || (cp >= 0x1f000 && cp <= 0x1faff))
    {
        /* spaces, punctuation, currency, arrows, symbols, emoji */
        *d++ = ' ';
        return d;
    }

    if (cp >= 0xff01 && cp <= 0xff5e) {

        /* fullwidth ASCII */

        cp -= 0xfee0;

        if (cp >= 'A' && cp <= 'Z') {
            cp |= 0x20;
        }

        *d++ = catalog_text_word_char(cp) ? (char) cp : ' ';
        return d;
    }

    return catalog_text_encode(d, cp);

table:

    if (t[0] == '\0') {
        return catalog_text_encode(d, cp);
    }

    *d++ = t[0];

    if (t[1] != '\0') {
        *d++ = t[1];
    }

    return d;
}


static char *
catalog_text_encode(char *d, uint32_t cp)
{
    if (cp < 0x800) {
        *d++ = (char) (0xc0 | (cp >> 6));
        *d++ = (char) (0x80 | (cp & 0x3f));
        return d;
    }

    if (cp < 0x10000) {
        *d++ = (char) (0xe0 | (cp >> 12));
        *d++ = (char) (0x80 | ((cp >> 6) & 0x3f));
        *d++ = (char) (0x80 | (cp & 0x3f));
        return d;
    }

    *d++ = (char) (0xf0 | (cp >> 18));
    *d++ = (char) (0x80 | ((cp >> 12) & 0x3f));
    *d++ = (char) (0x80 | ((cp >> 6) & 0x3f));
    *d++ = (char) (0x80 | (cp & 0x3f));

    return d;
}
