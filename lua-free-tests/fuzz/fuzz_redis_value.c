
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * libFuzzer target: a status hash as HGETALL reads it from Redis
 * (catalog_redis_value_parse), hostile since any client of the server
 * may have written it; then the newest-wins order (catalog_redis_newer)
 * and the field texts written back (catalog_redis_value_text).
 *
 * The input: a field separator byte S, a record separator byte R, then
 * one or two records split by the first R (one when R == S); a record
 * is split by S into name, value, name, value ... (a name without a
 * value at the end is passed with value NULL), at most FUZZ_PAIRS
 * pairs.  Each name and value is copied to a buffer of its exact size,
 * so that AddressSanitizer sees any read past value_len, and freed
 * before the parsed value is used, so that it sees any pointer kept
 * into it.  Seeds use "\n" and "|":
 *
 *     \n|status\nactive\nupdated_at\n2025-11-30T10:00:00.000Z|status\n...
 *
 * A value accepted must come back the same from its texts, and the
 * order must be one: never both newer(a, b) and newer(b, a), and neither
 * only when both have the same "updated_at" and tie-break texts.
 */


#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <catalog_redis.h>

#include "fuzz.h"


#define FUZZ_NOW_MS  1764500000000LL  /* 2025-11-30T10:53:20.000Z */
#define FUZZ_PAIRS   16
#define FUZZ_FILL    0xa5             /* what a refused value keeps */


typedef struct {
    catalog_redis_field_t   f[FUZZ_PAIRS];
    size_t                  n;
} fuzz_record_t;


static int fuzz_split(fuzz_record_t *r, const uint8_t *p, size_t len,
    uint8_t sep);
static void fuzz_free(fuzz_record_t *r);
static char *fuzz_copy(const void *p, size_t len);
static int fuzz_parse(const fuzz_record_t *r, catalog_redis_value_t *v);
static void fuzz_check_value(const catalog_redis_value_t *v);
static void fuzz_check_text(const catalog_redis_value_t *v);
static int fuzz_same(const catalog_redis_value_t *a,
    const catalog_redis_value_t *b);
static int fuzz_str_eq(const catalog_str_t *a, const catalog_str_t *b);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                    ok[2];
    size_t                 i, nrec, len[2];
    uint8_t                sep, rsep;
    const uint8_t         *rec[2], *r;
    fuzz_record_t          fr[2];
    catalog_redis_value_t  v[2];

    if (size < 2) {
        return 0;
    }

    sep = data[0];
    rsep = data[1];
    data += 2;
    size -= 2;

    rec[0] = data;
    len[0] = size;
    nrec = 1;

    if (rsep != sep) {
        r = memchr(data, rsep, size);

        if (r != NULL) {
            len[0] = (size_t) (r - data);
            rec[1] = r + 1;
            len[1] = size - len[0] - 1;
            nrec = 2;
        }
    }

    memset(fr, 0, sizeof(fr));

    for (i = 0; i < nrec; i++) {
        if (fuzz_split(&fr[i], rec[i], len[i], sep) != 0) {
            fuzz_free(&fr[0]);
            fuzz_free(&fr[1]);
            return 0;
        }
    }

    for (i = 0; i < nrec; i++) {
        ok[i] = (fuzz_parse(&fr[i], &v[i]) == 0);
        fuzz_free(&fr[i]);

        if (ok[i]) {
            fuzz_check_value(&v[i]);
            fuzz_check_text(&v[i]);
        }
    }

    if (nrec == 2 && ok[0] && ok[1]) {

        /* one order: not both, and neither only for the same texts */

        FUZZ_CHECK(!(catalog_redis_newer(&v[0], &v[1])
                     && catalog_redis_newer(&v[1], &v[0])));

        if (!catalog_redis_newer(&v[0], &v[1])
            && !catalog_redis_newer(&v[1], &v[0]))
        {
            FUZZ_CHECK(fuzz_same(&v[0], &v[1]));
        }

        if (v[0].o.updated_at != v[1].o.updated_at) {
            FUZZ_CHECK(catalog_redis_newer(&v[0], &v[1])
                       == (v[0].o.updated_at > v[1].o.updated_at));
        }
    }

    return 0;
}


static int
fuzz_split(fuzz_record_t *r, const uint8_t *p, size_t len, uint8_t sep)
{
    int             name;
    size_t          tlen;
    const uint8_t  *end, *s;

    /* name, value, name, value ...; no bytes at all is no field */

    r->n = 0;

    if (len == 0) {
        return 0;
    }

    end = p + len;
    name = 1;

    for ( ;; ) {
        s = memchr(p, sep, (size_t) (end - p));
        tlen = s ? (size_t) (s - p) : (size_t) (end - p);

        if (name) {
            if (r->n == FUZZ_PAIRS) {
                return -1;
            }

            r->f[r->n].name = fuzz_copy(p, tlen);
            r->f[r->n].name_len = tlen;
            r->f[r->n].value = NULL;
            r->f[r->n].value_len = 0;
            r->n++;

        } else {
            r->f[r->n - 1].value = fuzz_copy(p, tlen);
            r->f[r->n - 1].value_len = tlen;
        }

        name = !name;

        if (s == NULL) {
            return 0;
        }

        p = s + 1;
    }
}


static void
fuzz_free(fuzz_record_t *r)
{
    size_t  i;

    for (i = 0; i < r->n; i++) {
        free((void *) r->f[i].name);
        free((void *) r->f[i].value);
        r->f[i].name = NULL;
        r->f[i].value = NULL;
    }

    r->n = 0;
}


static char *
fuzz_copy(const void *p, size_t len)
{
    char  *s;

    /* exactly len bytes: with ASan, malloc(0) is a pointer to none */

    s = malloc(len);
    FUZZ_CHECK(s != NULL || len == 0);

    if (len) {
        memcpy(s, p, len);
    }

    return s;
}


static int
fuzz_parse(const fuzz_record_t *r, catalog_redis_value_t *v)
{
    int                    rc;
    char                   err[256];
    catalog_redis_value_t  before;

    memset(v, FUZZ_FILL, sizeof(catalog_redis_value_t));
    memcpy(&before, v, sizeof(catalog_redis_value_t));
    memset(err, FUZZ_FILL, sizeof(err));

    rc = catalog_redis_value_parse(r->f, r->n, FUZZ_NOW_MS, v, err,
                                   sizeof(err));

    FUZZ_CHECK(rc == 0 || rc == -1);

    if (rc != 0) {
        /* a reason, and v as it was */

        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(memcmp(v, &before, sizeof(catalog_redis_value_t)) == 0);
    }

    return rc;
}


static void
fuzz_check_value(const catalog_redis_value_t *v)
{
    int  maint;

    maint = (!v->cleared && v->o.status == CATALOG_STATUS_MAINTENANCE);

    FUZZ_CHECK(v->o.status == CATALOG_STATUS_ACTIVE
               || v->o.status == CATALOG_STATUS_MAINTENANCE);
    FUZZ_CHECK(v->o.message_len <= CATALOG_MESSAGE_BYTES);
    FUZZ_CHECK(v->o.updated_by_len <= CATALOG_TOKEN_NAME_MAX);
    FUZZ_CHECK(v->o.updated_at >= 0);
    FUZZ_CHECK(v->o.updated_at <= FUZZ_NOW_MS + CATALOG_REDIS_SKEW_MS);
    FUZZ_CHECK(v->o.until >= 0);

    if (!maint) {
        FUZZ_CHECK(v->o.message_len == 0);
        FUZZ_CHECK(v->o.until == 0);
    }

    /* newer() is strict */

    FUZZ_CHECK(catalog_redis_newer(v, v) == 0);
}


static void
fuzz_check_text(const catalog_redis_value_t *v)
{
    char                   *copy[CATALOG_REDIS_FIELDS], err[256];
    size_t                  k;
    catalog_redis_text_t    t;
    catalog_redis_field_t   f[CATALOG_REDIS_FIELDS];
    catalog_redis_value_t   back;

    /* the texts as written to Redis, read back, in exact buffers */

    catalog_redis_value_text(v, &t);

    for (k = 0; k < CATALOG_REDIS_FIELDS; k++) {
        copy[k] = fuzz_copy(t.field[k].data, t.field[k].len);

        f[k].name = catalog_redis_field_names[k];
        f[k].name_len = strlen(catalog_redis_field_names[k]);
        f[k].value = copy[k];
        f[k].value_len = t.field[k].len;
    }

    /* "updated_at" is always there, to the millisecond */

    FUZZ_CHECK(t.field[3].len == sizeof("1970-01-01T00:00:00.000Z") - 1);

    memset(&back, FUZZ_FILL, sizeof(catalog_redis_value_t));

    if (catalog_redis_value_parse(f, CATALOG_REDIS_FIELDS, FUZZ_NOW_MS,
                                  &back, err, sizeof(err))
        != 0)
    {
        fprintf(stderr, "texts of an accepted value refused: %s\n", err);
        FUZZ_CHECK(0);
    }

    for (k = 0; k < CATALOG_REDIS_FIELDS; k++) {
        free(copy[k]);
    }

    FUZZ_CHECK(catalog_redis_newer(v, &back) == 0);
    FUZZ_CHECK(catalog_redis_newer(&back, v) == 0);

    /* the same value, field by field */

    FUZZ_CHECK(back.cleared == v->cleared);
    FUZZ_CHECK(back.o.updated_at == v->o.updated_at);
    FUZZ_CHECK(back.o.updated_by_len == v->o.updated_by_len
               && memcmp(back.o.updated_by, v->o.updated_by,
                         v->o.updated_by_len) == 0);

    if (!v->cleared) {
        FUZZ_CHECK(back.o.status == v->o.status);
        FUZZ_CHECK(back.o.until == v->o.until);
        FUZZ_CHECK(back.o.message_len == v->o.message_len
                   && memcmp(back.o.message, v->o.message,
                             v->o.message_len) == 0);
    }
}


static int
fuzz_same(const catalog_redis_value_t *a, const catalog_redis_value_t *b)
{
    size_t                k;
    catalog_redis_text_t  ta, tb;

    if (a->o.updated_at != b->o.updated_at) {
        return 0;
    }

    catalog_redis_value_text(a, &ta);
    catalog_redis_value_text(b, &tb);

    for (k = 0; k < CATALOG_REDIS_FIELDS; k++) {
        if (!fuzz_str_eq(&ta.field[k], &tb.field[k])) {
            return 0;
        }
    }

    return 1;
}


static int
fuzz_str_eq(const catalog_str_t *a, const catalog_str_t *b)
{
    return a->len == b->len
           && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}
