
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdio.h>
#include <string.h>

#include <catalog_query.h>
#include <catalog_uri.h>
#include <catalog_index.h>


#define CATALOG_QUERY_ARG_MAX  200         /* bytes of a filter value */


typedef struct {
    const char                   *name;
    size_t                        len;
} catalog_query_param_t;


static int catalog_query_number(const catalog_str_t *v, unsigned min,
    unsigned max, unsigned *n);
static int catalog_query_text(const catalog_str_t *v, const char *name,
    catalog_str_t *dst, char *err, size_t errlen);


static const catalog_query_param_t  catalog_query_params[] = {
    { "q", 1 },
    { "agency", 6 },
    { "category", 8 },
    { "tag", 3 },
    { "status", 6 },
    { "page", 4 },
    { "per_page", 8 },
    { "sort", 4 },
    { NULL, 0 }
};


int
catalog_query_parse(catalog_query_t *q, const char *args, size_t len,
    char *scratch, char *err, size_t errlen)
{
    char                         *p;
    size_t                        k, n, flen;
    unsigned                      i, seen;
    catalog_str_t                 v[8], folded;
    const char                   *a, *end, *amp, *eq;
    const catalog_query_param_t  *param;

    memset(q, 0, sizeof(catalog_query_t));
    memset(v, 0, sizeof(v));

    q->status = -1;
    q->page = 1;
    q->per_page = CATALOG_PER_PAGE_DEFAULT;

    p = scratch;
    seen = 0;
    end = args + len;

    for (a = args; a < end; a = amp + 1) {

        amp = memchr(a, '&', (size_t) (end - a));
        if (amp == NULL) {
            amp = end;
        }

        if (amp == a) {
            continue;
        }

        eq = memchr(a, '=', (size_t) (amp - a));
        if (eq == NULL) {
            eq = amp;
        }

        for (param = catalog_query_params; param->name; param++) {
            if (param->len == (size_t) (eq - a)
                && memcmp(param->name, a, param->len) == 0)
            {
                break;
            }
        }

        if (param->name == NULL) {
            n = (size_t) (eq - a);
            snprintf(err, errlen, "unknown parameter \"%.*s\"",
                     (int) (n > 32 ? 32 : n), a);

            for (i = 0; err[i]; i++) {
                if ((unsigned char) err[i] < 0x20
                    || (unsigned char) err[i] >= 0x7f)
                {
                    err[i] = '?';
                }
            }

            return -1;
        }

        i = (unsigned) (param - catalog_query_params);

        if (seen & (1u << i)) {
            snprintf(err, errlen, "parameter \"%s\" is given twice",
                     param->name);
            return -1;
        }

        seen |= 1u << i;

        if (eq == amp) {
            continue;
        }

        if (catalog_uri_decode(eq + 1, (size_t) (amp - eq - 1), p, &n, 1)
            != 0)
        {
            snprintf(err, errlen, "invalid \"%s\": bad %%-encoding",
                     param->name);
            return -1;
        }

        if (!catalog_utf8_valid(p, n)) {
            snprintf(err, errlen, "invalid \"%s\": not valid UTF-8",
                     param->name);
            return -1;
        }

        for (k = 0; k < n; k++) {
            if ((unsigned char) p[k] < 0x20 || p[k] == 0x7f) {
                snprintf(err, errlen, "invalid \"%s\": must not contain "
                         "control characters", param->name);
                return -1;
            }
        }

        v[i].data = p;
        v[i].len = n;
        p += n;
    }

    /* q: folded and cut into words */

    if (v[0].len > CATALOG_QUERY_Q_MAX) {
        snprintf(err, errlen, "invalid \"q\": longer than %d bytes",
                 CATALOG_QUERY_Q_MAX);
        return -1;
    }

    q->q = v[0];

    if (v[0].len) {
        flen = catalog_text_fold(p, v[0].data, v[0].len);

        folded.data = p;
        folded.len = flen;
        p += flen;

        q->nwords = (unsigned) catalog_text_words(folded.data, folded.len,
                                                  q->words,
                                                  CATALOG_QUERY_WORDS_MAX);
    }

    if (catalog_query_text(&v[1], "agency", &q->agency, err, errlen) != 0
        || catalog_query_text(&v[2], "category", &q->category, err, errlen)
           != 0
        || catalog_query_text(&v[3], "tag", &q->tag, err, errlen) != 0)
    {
        return -1;
    }

    if (v[4].len) {
        if (v[4].len == 6 && memcmp(v[4].data, "active", 6) == 0) {
            q->status = CATALOG_STATUS_ACTIVE;

        } else if (v[4].len == 11
                   && memcmp(v[4].data, "maintenance", 11) == 0)
        {
            q->status = CATALOG_STATUS_MAINTENANCE;

        } else if (v[4].len == 7 && memcmp(v[4].data, "retired", 7) == 0) {
            q->status = CATALOG_STATUS_RETIRED;

        } else {
            snprintf(err, errlen, "invalid \"status\": must be \"active\", "
                     "\"maintenance\" or \"retired\"");
            return -1;
        }
    }

    if (v[5].len
        && catalog_query_number(&v[5], 1, CATALOG_PAGE_MAX, &q->page) != 0)
    {
        snprintf(err, errlen, "invalid \"page\": must be a whole number "
                 "from 1 to %d", CATALOG_PAGE_MAX);
        return -1;
    }

    if (v[6].len
        && catalog_query_number(&v[6], 1, CATALOG_PER_PAGE_MAX,
                                &q->per_page)
           != 0)
    {
        snprintf(err, errlen, "invalid \"per_page\": must be a whole number "
                 "from 1 to %d", CATALOG_PER_PAGE_MAX);
        return -1;
    }

    if (v[7].len) {
        if (v[7].len == 9 && memcmp(v[7].data, "relevance", 9) == 0) {
            q->sort = CATALOG_SORT_RELEVANCE;

        } else if (v[7].len == 4 && memcmp(v[7].data, "name", 4) == 0) {
            q->sort = CATALOG_SORT_NAME;

        } else if (v[7].len == 6 && memcmp(v[7].data, "agency", 6) == 0) {
            q->sort = CATALOG_SORT_AGENCY;

        } else {
            snprintf(err, errlen, "invalid \"sort\": must be \"relevance\", "
                     "\"name\" or \"agency\"");
            return -1;
        }
    }

    return 0;
}


int
catalog_query_arg(const char *args, size_t len, const char *name, char *dst,
    size_t *dlen, int plus)
{
    int          found;
    size_t       nlen;
    const char  *a, *end, *amp, *eq;

    found = 0;
    nlen = strlen(name);
    end = args + len;

    for (a = args; a < end; a = amp + 1) {

        amp = memchr(a, '&', (size_t) (end - a));
        if (amp == NULL) {
            amp = end;
        }

        eq = memchr(a, '=', (size_t) (amp - a));
        if (eq == NULL) {
            eq = amp;
        }

        if ((size_t) (eq - a) != nlen || memcmp(a, name, nlen) != 0) {
            continue;
        }

        if (found) {
            return -1;
        }

        found = 1;
        *dlen = 0;

        if (eq < amp
            && catalog_uri_decode(eq + 1, (size_t) (amp - eq - 1), dst,
                                    dlen, plus)
               != 0)
        {
            return -1;
        }
    }

    return found;
}


int
catalog_utf8_valid(const char *s, size_t len)
{
    size_t          i, n;
    uint32_t        c, min;
    unsigned char   b;

    for (i = 0; i < len; /* void */) {
        b = (unsigned char) s[i];

        if (b < 0x80) {
            i++;
            continue;
        }

        if ((b & 0xe0) == 0xc0) {
            n = 1; c = b & 0x1f; min = 0x80;

        } else if ((b & 0xf0) == 0xe0) {
            n = 2; c = b & 0x0f; min = 0x800;

        } else if ((b & 0xf8) == 0xf0) {
            n = 3; c = b & 0x07; min = 0x10000;

        } else {
            return 0;
        }

        if (len - i - 1 < n) {
            return 0;
        }

        for (i++; n; n--, i++) {
            b = (unsigned char) s[i];

            if ((b & 0xc0) != 0x80) {
                return 0;
            }

            c = (c << 6) | (b & 0x3f);
        }

        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
            return 0;
        }
    }

    return 1;
}


static int
catalog_query_number(const catalog_str_t *v, unsigned min, unsigned max,
    unsigned *n)
{
    size_t    i;
    uint64_t  x;

    if (v->len == 0 || v->len > 10) {
        return -1;
    }

    x = 0;

    for (i = 0; i < v->len; i++) {
        if (v->data[i] < '0' || v->data[i] > '9') {
            return -1;
        }

        x = x * 10 + (uint64_t) (v->data[i] - '0');
    }

    if (x < min || x > max) {
        return -1;
    }

    *n = (unsigned) x;

    return 0;
}


static int
catalog_query_text(const catalog_str_t *v, const char *name,
    catalog_str_t *dst, char *err, size_t errlen)
{
    if (v->len > CATALOG_QUERY_ARG_MAX) {
        snprintf(err, errlen, "invalid \"%s\": longer than %d bytes", name,
                 CATALOG_QUERY_ARG_MAX);
        return -1;
    }

    *dst = *v;

    return 0;
}
