
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The status overrides as Redis holds them, without Redis: a status hash
 * read back is checked field by field like an admin body, since any
 * client of the Redis server may have written it; two values of one
 * service are ordered by "updated_at", then by their field texts, so
 * that every node keeps the same one; key names, SCAN patterns and the
 * reconnect backoff are plain arithmetic on bytes.
 */


#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <catalog_admin.h>
#include <catalog_check.h>
#include <catalog_manifest.h>
#include <catalog_query.h>
#include <catalog_redis.h>


#define CATALOG_REDIS_STATUS      0
#define CATALOG_REDIS_MESSAGE     1
#define CATALOG_REDIS_UNTIL       2
#define CATALOG_REDIS_UPDATED_AT  3
#define CATALOG_REDIS_UPDATED_BY  4
#define CATALOG_REDIS_TIES        4         /* fields of the tie break */

#define CATALOG_REDIS_QUOTE       64        /* bytes of an echoed value */
#define CATALOG_REDIS_QUOTE_LEN   512


static int catalog_redis_cmp(const catalog_str_t *a, const catalog_str_t *b);
static const char *catalog_redis_quote(char *dst, const char *s,
    size_t len);
static int catalog_redis_error(char *err, size_t errlen, const char *fmt,
    ...);


const char *const  catalog_redis_field_names[CATALOG_REDIS_FIELDS] = {
    "status", "message", "until", "updated_at", "updated_by"
};


/* the field texts compared at the same "updated_at", in this order */

static const unsigned  catalog_redis_tie_order[CATALOG_REDIS_TIES] = {
    CATALOG_REDIS_STATUS, CATALOG_REDIS_UNTIL, CATALOG_REDIS_MESSAGE,
    CATALOG_REDIS_UPDATED_BY
};


int
catalog_redis_value_parse(const catalog_redis_field_t *f, size_t n,
    int64_t now_ms, catalog_redis_value_t *v, char *err, size_t errlen)
{
    size_t              i, k, nlen;
    int64_t             until, updated_at;
    unsigned            seen, cleared;
    const char         *name;
    catalog_str_t      *x, fv[CATALOG_REDIS_FIELDS];
    catalog_status_e    st;
    char                quoted[CATALOG_REDIS_QUOTE_LEN];

    seen = 0;

    /* the five fields only, each at most once; an absent one is empty */

    for (k = 0; k < CATALOG_REDIS_FIELDS; k++) {
        fv[k].data = "";
        fv[k].len = 0;
    }

    for (i = 0; i < n; i++) {
        name = f[i].name ? f[i].name : "";
        nlen = f[i].name ? f[i].name_len : 0;

        for (k = 0; k < CATALOG_REDIS_FIELDS; k++) {
            if (nlen == strlen(catalog_redis_field_names[k])
                && memcmp(name, catalog_redis_field_names[k], nlen) == 0)
            {
                break;
            }
        }

        if (k == CATALOG_REDIS_FIELDS) {
            return catalog_redis_error(err, errlen, "unknown field \"%s\"",
                                       catalog_redis_quote(quoted, name,
                                                           nlen));
        }

        if (seen & (1u << k)) {
            return catalog_redis_error(err, errlen, "\"%s\" appears twice",
                                       catalog_redis_field_names[k]);
        }

        seen |= 1u << k;

        if (f[i].value) {
            fv[k].data = f[i].value;
            fv[k].len = f[i].value_len;
        }
    }

    /* "status": "" is the record of a cleared override */

    x = &fv[CATALOG_REDIS_STATUS];

    if (!(seen & (1u << CATALOG_REDIS_STATUS))) {
        return catalog_redis_error(err, errlen, "\"status\" is required");
    }

    cleared = 0;
    st = CATALOG_STATUS_ACTIVE;

    if (x->len == 0) {
        cleared = 1;

    } else if (x->len == 6 && memcmp(x->data, "active", 6) == 0) {
        st = CATALOG_STATUS_ACTIVE;

    } else if (x->len == 11 && memcmp(x->data, "maintenance", 11) == 0) {
        st = CATALOG_STATUS_MAINTENANCE;

    } else {
        return catalog_redis_error(err, errlen, "invalid \"status\" \"%s\"",
                                   catalog_redis_quote(quoted, x->data,
                                                       x->len));
    }

    /* "message", as the admin API has it */

    x = &fv[CATALOG_REDIS_MESSAGE];

    if (x->len) {
        if (st != CATALOG_STATUS_MAINTENANCE) {
            return catalog_redis_error(err, errlen,
                                       "\"message\" is only allowed with "
                                       "\"status\": \"maintenance\"");
        }

        if (!catalog_utf8_valid(x->data, x->len)) {
            return catalog_redis_error(err, errlen,
                                       "\"message\" is not valid UTF-8");
        }

        if (x->len > CATALOG_MESSAGE_BYTES
            || catalog_check_chars(x->data, x->len) > CATALOG_MESSAGE_MAX)
        {
            return catalog_redis_error(err, errlen,
                                       "\"message\" is longer than %d "
                                       "characters", CATALOG_MESSAGE_MAX);
        }

        if (catalog_check_has_controls(x->data, x->len, 1)) {
            return catalog_redis_error(err, errlen,
                                       "\"message\" must not contain "
                                       "control characters other than "
                                       "tabs and line breaks");
        }
    }

    /* "until": one in the past is kept, the zone ignores it */

    x = &fv[CATALOG_REDIS_UNTIL];

    until = 0;

    if (x->len) {
        if (st != CATALOG_STATUS_MAINTENANCE) {
            return catalog_redis_error(err, errlen,
                                       "\"until\" is only allowed with "
                                       "\"status\": \"maintenance\"");
        }

        until = catalog_time_parse(x->data, x->len);

        if (until == -1) {
            return catalog_redis_error(err, errlen,
                                       "invalid \"until\" \"%s\"",
                                       catalog_redis_quote(quoted, x->data,
                                                           x->len));
        }
    }

    /* "updated_at": a clock a little ahead is tolerated, no more */

    x = &fv[CATALOG_REDIS_UPDATED_AT];

    if (x->len == 0) {
        return catalog_redis_error(err, errlen,
                                   "\"updated_at\" is required");
    }

    updated_at = catalog_time_parse_ms(x->data, x->len);

    if (updated_at == -1) {
        return catalog_redis_error(err, errlen,
                                   "invalid \"updated_at\" \"%s\"",
                                   catalog_redis_quote(quoted, x->data,
                                                       x->len));
    }

    /* updated_at is within 1970..9999: the subtraction cannot overflow */

    if (now_ms < updated_at - CATALOG_REDIS_SKEW_MS) {
        return catalog_redis_error(err, errlen,
                                   "\"updated_at\" is in the future");
    }

    /* "updated_by" */

    x = &fv[CATALOG_REDIS_UPDATED_BY];

    if (x->len && !catalog_check_is_token_name(x->data, x->len)) {
        return catalog_redis_error(err, errlen,
                                   "invalid \"updated_by\" \"%s\"",
                                   catalog_redis_quote(quoted, x->data,
                                                       x->len));
    }

    /* all checked: only now is v changed */

    v->cleared = cleared;
    v->o.status = st;
    v->o.until = until;
    v->o.updated_at = updated_at;

    x = &fv[CATALOG_REDIS_MESSAGE];

    v->o.message_len = x->len;

    if (x->len) {
        memcpy(v->o.message, x->data, x->len);
    }

    if (x->len < CATALOG_MESSAGE_BYTES) {
        v->o.message[x->len] = '\0';
    }

    x = &fv[CATALOG_REDIS_UPDATED_BY];

    v->o.updated_by_len = x->len;

    if (x->len) {
        memcpy(v->o.updated_by, x->data, x->len);
    }

    if (x->len < CATALOG_TOKEN_NAME_MAX) {
        v->o.updated_by[x->len] = '\0';
    }

    return 0;
}


int
catalog_redis_newer(const catalog_redis_value_t *a,
    const catalog_redis_value_t *b)
{
    int                   c;
    size_t                i;
    unsigned              k;
    catalog_redis_text_t  ta, tb;

    if (a->o.updated_at != b->o.updated_at) {
        return a->o.updated_at > b->o.updated_at;
    }

    /* the same millisecond: the texts decide, as every node sees them */

    catalog_redis_value_text(a, &ta);
    catalog_redis_value_text(b, &tb);

    for (i = 0; i < CATALOG_REDIS_TIES; i++) {
        k = catalog_redis_tie_order[i];

        c = catalog_redis_cmp(&ta.field[k], &tb.field[k]);

        if (c != 0) {
            return c > 0;
        }
    }

    return 0;
}


void
catalog_redis_value_text(const catalog_redis_value_t *v,
    catalog_redis_text_t *t)
{
    int             maint;
    size_t          len;
    catalog_str_t  *f;

    f = t->field;

    maint = (!v->cleared && v->o.status == CATALOG_STATUS_MAINTENANCE);

    /* "status" */

    if (v->cleared) {
        f[CATALOG_REDIS_STATUS].data = "";
        f[CATALOG_REDIS_STATUS].len = 0;

    } else if (maint) {
        f[CATALOG_REDIS_STATUS].data = "maintenance";
        f[CATALOG_REDIS_STATUS].len = sizeof("maintenance") - 1;

    } else {
        f[CATALOG_REDIS_STATUS].data = "active";
        f[CATALOG_REDIS_STATUS].len = sizeof("active") - 1;
    }

    /* "message": only with "maintenance", as parse wants it */

    len = v->o.message_len;

    if (len > CATALOG_MESSAGE_BYTES) {
        len = CATALOG_MESSAGE_BYTES;
    }

    f[CATALOG_REDIS_MESSAGE].data = v->o.message;
    f[CATALOG_REDIS_MESSAGE].len = maint ? len : 0;

    /* "until", in seconds */

    t->until[0] = '\0';
    f[CATALOG_REDIS_UNTIL].data = t->until;
    f[CATALOG_REDIS_UNTIL].len = 0;

    if (maint && v->o.until > 0) {
        f[CATALOG_REDIS_UNTIL].len = catalog_time_format(v->o.until,
                                                         t->until);
    }

    /* "updated_at", to the millisecond */

    f[CATALOG_REDIS_UPDATED_AT].data = t->updated_at;
    f[CATALOG_REDIS_UPDATED_AT].len =
        catalog_time_format_ms(v->o.updated_at, t->updated_at);

    /* "updated_by" */

    len = v->o.updated_by_len;

    if (len > CATALOG_TOKEN_NAME_MAX) {
        len = CATALOG_TOKEN_NAME_MAX;
    }

    f[CATALOG_REDIS_UPDATED_BY].data = v->o.updated_by;
    f[CATALOG_REDIS_UPDATED_BY].len = len;
}


size_t
catalog_redis_key(char *buf, size_t size, const char *prefix, size_t plen,
    const char *kind, const char *name, size_t nlen)
{
    char    *p;
    size_t   klen, len;

    klen = strlen(kind);

    /* each part is checked first, so that the sum cannot wrap */

    if (plen > CATALOG_REDIS_KEY_MAX || klen > CATALOG_REDIS_KEY_MAX
        || nlen > CATALOG_REDIS_KEY_MAX)
    {
        goto failed;
    }

    len = plen + klen + nlen;

    if (len > CATALOG_REDIS_KEY_MAX || len >= size) {
        goto failed;
    }

    p = buf;

    if (plen) {
        memcpy(p, prefix, plen);
        p += plen;
    }

    memcpy(p, kind, klen);
    p += klen;

    if (nlen) {
        memcpy(p, name, nlen);
        p += nlen;
    }

    *p = '\0';

    return len;

failed:

    if (size) {
        buf[0] = '\0';
    }

    return 0;
}


size_t
catalog_redis_pattern(char *buf, size_t size, const char *prefix,
    size_t plen, const char *kind)
{
    char    *p, c;
    size_t   i, klen, len;

    klen = strlen(kind);

    if (plen > CATALOG_REDIS_KEY_MAX || klen > CATALOG_REDIS_KEY_MAX) {
        goto failed;
    }

    /* the length: two bytes for an escaped glob character */

    len = plen + klen + 1;

    for (i = 0; i < plen; i++) {
        c = prefix[i];

        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
            len++;
        }
    }

    if (len >= size) {
        goto failed;
    }

    p = buf;

    for (i = 0; i < plen; i++) {
        c = prefix[i];

        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
            *p++ = '\\';
        }

        *p++ = c;
    }

    memcpy(p, kind, klen);
    p += klen;

    *p++ = '*';
    *p = '\0';

    return len;

failed:

    if (size) {
        buf[0] = '\0';
    }

    return 0;
}


int
catalog_redis_is_prefix(const char *s, size_t len)
{
    size_t  i;

    if (s == NULL || len == 0 || len > CATALOG_REDIS_PREFIX_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (s[i] < '!' || s[i] > '~') {
            return 0;
        }
    }

    return 1;
}


unsigned
catalog_redis_backoff(unsigned attempt, uint32_t rnd)
{
    unsigned  i, d;

    /*
     * 500, 750, 1125 ... up to the cap: at most 9 steps, so that any
     * attempt count costs the same; then 90 % to 110 %, still capped
     */

    d = CATALOG_REDIS_BACKOFF_MIN;

    for (i = 0; i < attempt && d < CATALOG_REDIS_BACKOFF_MAX; i++) {
        d += d / 2;
    }

    if (d > CATALOG_REDIS_BACKOFF_MAX) {
        d = CATALOG_REDIS_BACKOFF_MAX;
    }

    d = d * (90 + rnd % 21) / 100;

    if (d > CATALOG_REDIS_BACKOFF_MAX) {
        d = CATALOG_REDIS_BACKOFF_MAX;
    }

    return d;
}


static int
catalog_redis_cmp(const catalog_str_t *a, const catalog_str_t *b)
{
    int     c;
    size_t  n;

    /* as bytes; a text that another starts with comes before it */

    n = (a->len < b->len) ? a->len : b->len;

    c = n ? memcmp(a->data, b->data, n) : 0;

    if (c != 0) {
        return c;
    }

    if (a->len == b->len) {
        return 0;
    }

    return (a->len < b->len) ? -1 : 1;
}


static const char *
catalog_redis_quote(char *dst, const char *s, size_t len)
{
    /* dst holds CATALOG_REDIS_QUOTE_LEN bytes */

    catalog_manifest_sanitize(dst, CATALOG_REDIS_QUOTE_LEN, s, len,
                              CATALOG_REDIS_QUOTE, 1);

    return dst;
}


static int
catalog_redis_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list  args;

    if (err == NULL || errlen == 0) {
        return -1;
    }

    va_start(args, fmt);

    if (vsnprintf(err, errlen, fmt, args) < 0) {
        err[0] = '\0';
    }

    va_end(args);

    return -1;
}
