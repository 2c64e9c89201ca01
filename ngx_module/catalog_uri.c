
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdint.h>
#include <string.h>

#include <catalog_uri.h>


static size_t catalog_escape(char *dst, const char *src, size_t len,
    const uint32_t *escape);
static size_t catalog_copy(char *dst, const char *src, size_t len);


static const char  catalog_hex[] = "0123456789ABCDEF";


/*
 * path: everything but unreserved, sub-delims, ":", "@" and "/"
 * (RFC 3986, "pchar" and "/"); so " ", "%", "?", "#", controls and
 * non-ASCII bytes among others
 */

static const uint32_t  catalog_path_escape[] = {
    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */

                /* ?>=< ;:98 7654 3210  /.-, +*)( '&%$ #"!  */
    0xd000002d, /* 1101 0000 0000 0000  0000 0000 0010 1101 */

                /* _^]\ [ZYX WVUT SRQP  ONML KJIH GFED CBA@ */
    0x78000000, /* 0111 1000 0000 0000  0000 0000 0000 0000 */

                /*  ~}| {zyx wvut srqp  onml kjih gfed cba` */
    0xb8000001, /* 1011 1000 0000 0000  0000 0000 0000 0001 */

    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */
    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */
    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */
    0xffffffff  /* 1111 1111 1111 1111  1111 1111 1111 1111 */
};


/*
 * query: controls, " ", DEL, non-ASCII, "#" and the characters RFC 3986
 * never allows: '"', "<", ">", "\", "^", "`", "{", "|", "}"; "%" stays,
 * the client has encoded the query already
 */

static const uint32_t  catalog_query_escape[] = {
    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */

                /* ?>=< ;:98 7654 3210  /.-, +*)( '&%$ #"!  */
    0x5000000d, /* 0101 0000 0000 0000  0000 0000 0000 1101 */

                /* _^]\ [ZYX WVUT SRQP  ONML KJIH GFED CBA@ */
    0x50000000, /* 0101 0000 0000 0000  0000 0000 0000 0000 */

                /*  ~}| {zyx wvut srqp  onml kjih gfed cba` */
    0xb8000001, /* 1011 1000 0000 0000  0000 0000 0000 0001 */

    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */
    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */
    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */
    0xffffffff  /* 1111 1111 1111 1111  1111 1111 1111 1111 */
};


size_t
catalog_escape_path(char *dst, const char *src, size_t len)
{
    return catalog_escape(dst, src, len, catalog_path_escape);
}


size_t
catalog_escape_query(char *dst, const char *src, size_t len)
{
    return catalog_escape(dst, src, len, catalog_query_escape);
}


static size_t
catalog_escape(char *dst, const char *src, size_t len,
    const uint32_t *escape)
{
    size_t         i, n;
    unsigned char  c;

    n = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) src[i];

        if (escape[c >> 5] & (1U << (c & 0x1f))) {
            if (dst) {
                dst[n] = '%';
                dst[n + 1] = catalog_hex[c >> 4];
                dst[n + 2] = catalog_hex[c & 0xf];
            }

            n += 3;
            continue;
        }

        if (dst) {
            dst[n] = (char) c;
        }

        n++;
    }

    return n;
}


static size_t
catalog_copy(char *dst, const char *src, size_t len)
{
    if (dst && len) {
        memcpy(dst, src, len);
    }

    return len;
}


size_t
catalog_redirect_location(char *dst, const catalog_redirect_t *rd,
    const char *rest, size_t rlen, const char *args, size_t alen)
{
    size_t       n, len;
    const char  *q;

    /*
     * the parts that come from the manifest are escaped as a query too:
     * that leaves a valid URI as it is and keeps a header line safe
     */

    n = catalog_escape_query(dst, rd->base.data, rd->base.len);

    if (rd->keep_path && rlen) {

        if (rd->base.len && rd->base.data[rd->base.len - 1] == '/') {

            /*
             * "/new/" and "/x" make "/new/x"; all the slashes go, so that
             * "/" and "//evil.example" never make "//evil.example"
             */

            while (rlen && *rest == '/') {
                rest++;
                rlen--;
            }

        } else if (*rest != '/') {

            /* the rest never joins the host or the last segment of "to" */

            n += catalog_copy(dst ? dst + n : NULL, "/", 1);
        }

        n += catalog_escape_path(dst ? dst + n : NULL, rest, rlen);
    }

    if (rd->has_query) {
        n += catalog_copy(dst ? dst + n : NULL, "?", 1);
        n += catalog_escape_query(dst ? dst + n : NULL, rd->query.data,
                                  rd->query.len);
    }

    if (rd->keep_query && alen) {

        if (!rd->has_query) {
            q = "?";

        } else if (rd->query.len
                   && rd->query.data[rd->query.len - 1] != '&')
        {
            q = "&";

        } else {
            q = "";
        }

        n += catalog_copy(dst ? dst + n : NULL, q, strlen(q));
        n += catalog_escape_query(dst ? dst + n : NULL, args, alen);
    }

    if (rd->fragment.len) {
        q = rd->fragment.data;
        len = rd->fragment.len;

        if (*q == '#') {
            q++;
            len--;
        }

        n += catalog_copy(dst ? dst + n : NULL, "#", 1);
        n += catalog_escape_query(dst ? dst + n : NULL, q, len);
    }

    return n;
}


size_t
catalog_escape_html(char *dst, const char *src, size_t len)
{
    size_t       i, n, k;
    const char  *s;

    n = 0;

    for (i = 0; i < len; i++) {

        switch (src[i]) {

        case '&':
            s = "&amp;";
            k = 5;
            break;

        case '<':
            s = "&lt;";
            k = 4;
            break;

        case '>':
            s = "&gt;";
            k = 4;
            break;

        case '"':
            s = "&quot;";
            k = 6;
            break;

        case '\'':
            s = "&#39;";
            k = 5;
            break;

        default:
            if (dst) {
                dst[n] = src[i];
            }

            n++;
            continue;
        }

        n += catalog_copy(dst ? dst + n : NULL, s, k);
    }

    return n;
}


size_t
catalog_escape_json(char *dst, const char *src, size_t len)
{
    char           e;
    size_t         i, n;
    unsigned char  c;

    n = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) src[i];

        switch (c) {

        case '"':
            e = '"';
            break;

        case '\\':
            e = '\\';
            break;

        case '\n':
            e = 'n';
            break;

        case '\r':
            e = 'r';
            break;

        case '\t':
            e = 't';
            break;

        case '\b':
            e = 'b';
            break;

        case '\f':
            e = 'f';
            break;

        default:

            /* controls, DEL, and "<", ">", "&" for JSON inside HTML */

            if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
                if (dst) {
                    memcpy(dst + n, "\\u00", 4);
                    dst[n + 4] = "0123456789abcdef"[c >> 4];
                    dst[n + 5] = "0123456789abcdef"[c & 0xf];
                }

                n += 6;
                continue;
            }

            if (dst) {
                dst[n] = (char) c;
            }

            n++;
            continue;
        }

        if (dst) {
            dst[n] = '\\';
            dst[n + 1] = e;
        }

        n += 2;
    }

    return n;
}


int
catalog_uri_plain(const char *path, size_t len)
{
    size_t                i;
    unsigned              bad;
    const unsigned char  *p;

    /* one table lookup a byte, no branch but the loop's */

    static const unsigned char  escaped[256] = {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */
        1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, /* 30 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 50 */
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, /* 70 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 90 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* a0 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* b0 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* c0 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* d0 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* e0 */
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* f0 */
    };

    p = (const unsigned char *) path;
    bad = 0;

    for (i = 0; i + 4 <= len; i += 4) {
        bad |= escaped[p[i]] | escaped[p[i + 1]] | escaped[p[i + 2]]
               | escaped[p[i + 3]];
    }

    for ( /* void */ ; i < len; i++) {
        bad |= escaped[p[i]];
    }

    return !bad;
}


int
catalog_uri_decode(const char *src, size_t len, char *dst, size_t *dlen,
    int plus)
{
    int          hi, lo;
    size_t       i, n;
    const char  *hex = "0123456789abcdef0123456789ABCDEF";
    const char  *h, *l;

    n = 0;

    for (i = 0; i < len; i++) {

        if (src[i] == '+' && plus) {
            dst[n++] = ' ';
            continue;
        }

        if (src[i] != '%') {
            dst[n++] = src[i];
            continue;
        }

        if (len - i < 3) {
            return -1;
        }

        h = memchr(hex, src[i + 1], 32);
        l = memchr(hex, src[i + 2], 32);

        if (h == NULL || l == NULL) {
            return -1;
        }

        hi = (int) ((h - hex) % 16);
        lo = (int) ((l - hex) % 16);

        dst[n++] = (char) (hi * 16 + lo);
        i += 2;
    }

    *dlen = n;

    return 0;
}

long
catalog_path_normalize(char *dst, const char *src, size_t len)
{
    size_t  i, n, seg;

    if (len == 0 || src[0] != '/') {
        return -1;
    }

    n = 0;

    for (i = 0; i < len; i = seg) {

        /* src[i] is '/': one segment up to the next '/' */

        for (seg = i + 1; seg < len && src[seg] != '/'; seg++) {
            /* void */
        }

        if (seg == i + 1) {

            /* an empty segment: "//" merges, a trailing '/' stays */

            if (seg == len && (n == 0 || dst[n - 1] != '/')) {
                dst[n++] = '/';
            }

            continue;
        }

        if (seg - i == 2 && src[i + 1] == '.') {

            if (seg == len && (n == 0 || dst[n - 1] != '/')) {
                dst[n++] = '/';
            }

            continue;
        }

        if (seg - i == 3 && src[i + 1] == '.' && src[i + 2] == '.') {

            if (n && dst[n - 1] == '/') {
                n--;
            }

            if (n == 0) {
                return -1;
            }

            while (n && dst[n - 1] != '/') {
                n--;
            }

            if (seg == len) {
                continue;
            }

            n--;
            continue;
        }

        memcpy(dst + n, src + i, seg - i);
        n += seg - i;
    }

    if (n == 0) {
        dst[n++] = '/';
    }

    return (long) n;
}

