
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The state file keeps the status overrides across restarts:
 *
 *     {"version": 1, "overrides": [{"service": "agency/service",
 *       "status": "maintenance", "message": "..." or null,
 *       "until": "RFC 3339" or null, "updated_at": "RFC 3339",
 *       "updated_by": "token name" or null}]}
 *
 * Writing goes to PATH.tmp, which is fsync'ed and renamed over PATH, and
 * then the directory is fsync'ed, so that after a crash PATH is the old
 * file or the new one, never a mix.  Reading treats the file as hostile:
 * a damaged file (bad JSON, wrong shape, another version) is an error and
 * nothing of it is used; an entry that fails the checks of the admin API
 * is skipped, counted, and the first one is described in err.  An "until"
 * in the past is accepted here: the caller ignores expired overrides.
 */


#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <catalog_admin.h>
#include <catalog_check.h>
#include <catalog_file.h>
#include <catalog_manifest.h>
#include <catalog_map.h>


#define CATALOG_STATE_VERSION      1
#define CATALOG_STATE_FILE_MAX     (64 * 1024 * 1024)
#define CATALOG_STATE_QUOTE        64       /* bytes of an echoed value */
#define CATALOG_STATE_QUOTE_FILE   200      /* bytes of an echoed file */
#define CATALOG_STATE_QUOTE_LEN    512
#define CATALOG_STATE_REASON_LEN   1024


typedef struct {
    const char                   *path;
    char                         *err;
    size_t                        errlen;
    char                          quoted[CATALOG_STATE_QUOTE_LEN];
    char                          reason[CATALOG_STATE_REASON_LEN];
} catalog_state_ctx_t;


static json_t *catalog_state_json(catalog_state_ctx_t *ctx,
    const catalog_state_entry_t *e, size_t n);
static json_t *catalog_state_json_entry(catalog_state_ctx_t *ctx,
    const catalog_state_entry_t *e, size_t i);
static int catalog_state_json_cleared(catalog_state_ctx_t *ctx,
    json_t *root, const catalog_state_cleared_t *c, size_t nc);
static int catalog_state_set(json_t *obj, const char *key, json_t *v);
static int catalog_state_save(catalog_state_ctx_t *ctx, const char *data,
    size_t len);
static int catalog_state_sync_dir(catalog_state_ctx_t *ctx);
static int catalog_state_root(catalog_state_ctx_t *ctx, json_t *root,
    json_t **overrides);
static int catalog_state_cleared(catalog_state_ctx_t *ctx, json_t *obj,
    catalog_state_cleared_t *c);
static int catalog_state_entry(catalog_state_ctx_t *ctx, json_t *obj,
    const char **key, size_t *key_len, catalog_override_t *o);
static int catalog_state_text(catalog_state_ctx_t *ctx, json_t *obj,
    const char *name, int required, const char **s, size_t *len);
static int catalog_state_time(catalog_state_ctx_t *ctx, json_t *obj,
    const char *name, int required, int64_t *t);
static const char *catalog_state_quote(catalog_state_ctx_t *ctx,
    const char *s, size_t len);
static const char *catalog_state_quote_path(catalog_state_ctx_t *ctx,
    const char *s);
static int catalog_state_reason(catalog_state_ctx_t *ctx,
    const char *fmt, ...);
static int catalog_state_error(catalog_state_ctx_t *ctx,
    const char *fmt, ...);


static const char *const  catalog_state_entry_keys[] = {
    "service", "status", "message", "until", "updated_at", "updated_by",
    NULL
};


int
catalog_state_write(const char *path, const catalog_state_entry_t *e,
    size_t n, char *err, size_t errlen)
{
    return catalog_state_write_all(path, e, n, NULL, 0, err, errlen);
}


int
catalog_state_write_all(const char *path, const catalog_state_entry_t *e,
    size_t n, const catalog_state_cleared_t *c, size_t nc, char *err,
    size_t errlen)
{
    int                   rc;
    char                 *data, *p;
    size_t                len;
    json_t               *root;
    catalog_state_ctx_t   ctx;

    ctx.path = path;
    ctx.err = err;
    ctx.errlen = errlen;

    root = catalog_state_json(&ctx, e, n);
    if (root == NULL) {
        return -1;
    }

    if (nc && catalog_state_json_cleared(&ctx, root, c, nc) != 0) {
        json_decref(root);
        return -1;
    }

    data = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    json_decref(root);

    if (data == NULL) {
        return catalog_state_error(&ctx, "out of memory");
    }

    /* a text file ends with a line break */

    len = strlen(data);

    p = realloc(data, len + 2);
    if (p == NULL) {
        free(data);
        return catalog_state_error(&ctx, "out of memory");
    }

    data = p;
    data[len++] = '\n';
    data[len] = '\0';

    rc = catalog_state_save(&ctx, data, len);

    free(data);

    return rc;
}


static json_t *
catalog_state_json(catalog_state_ctx_t *ctx, const catalog_state_entry_t *e,
    size_t n)
{
    json_t  *root, *arr, *obj;
    size_t   i;

    root = json_object();
    arr = json_array();

    if (root == NULL || arr == NULL
        || catalog_state_set(root, "version",
                             json_integer(CATALOG_STATE_VERSION)) != 0)
    {
        json_decref(root);
        json_decref(arr);
        catalog_state_error(ctx, "out of memory");
        return NULL;
    }

    if (catalog_state_set(root, "overrides", arr) != 0) {
        json_decref(root);
        catalog_state_error(ctx, "out of memory");
        return NULL;
    }

    for (i = 0; i < n; i++) {
        obj = catalog_state_json_entry(ctx, &e[i], i);

        if (obj == NULL) {
            json_decref(root);
            return NULL;
        }

        if (json_array_append_new(arr, obj) != 0) {
            json_decref(root);
            catalog_state_error(ctx, "out of memory");
            return NULL;
        }
    }

    return root;
}


static json_t *
catalog_state_json_entry(catalog_state_ctx_t *ctx,
    const catalog_state_entry_t *e, size_t i)
{
    int                        maint;
    char                       updated_at[CATALOG_TIME_LEN + 1];
    char                       until[CATALOG_TIME_LEN + 1];
    json_t                    *obj;
    const catalog_override_t  *o;

    /*
     * what could not be read back is refused: the caller has a bug, and
     * writing the file anyway would lose the entry at the next start
     */

    o = e->override;

    if (e->key == NULL || o == NULL
        || !catalog_check_is_service_key(e->key, e->key_len))
    {
        catalog_state_error(ctx, "overrides[%u]: invalid service key",
                            (unsigned) i);
        return NULL;
    }

    if ((o->status != CATALOG_STATUS_ACTIVE
         && o->status != CATALOG_STATUS_MAINTENANCE)
        || o->message_len > CATALOG_MESSAGE_BYTES
        || o->updated_by_len > CATALOG_TOKEN_NAME_MAX)
    {
        catalog_state_error(ctx, "overrides[%u]: invalid override",
                            (unsigned) i);
        return NULL;
    }

    catalog_time_format_ms(o->updated_at, updated_at);
    catalog_time_format(o->until, until);

    /* an active service has no message and nothing to end */

    maint = (o->status == CATALOG_STATUS_MAINTENANCE);

    obj = json_object();

    if (obj == NULL
        || catalog_state_set(obj, "service",
                             json_stringn(e->key, e->key_len)) != 0
        || catalog_state_set(obj, "status",
                             json_string(maint ? "maintenance" : "active"))
           != 0
        || catalog_state_set(obj, "message",
                             (maint && o->message_len)
                             ? json_stringn(o->message, o->message_len)
                             : json_null()) != 0
        || catalog_state_set(obj, "until",
                             (maint && o->until) ? json_string(until)
                                                 : json_null()) != 0
        || catalog_state_set(obj, "updated_at", json_string(updated_at)) != 0
        || catalog_state_set(obj, "updated_by",
                             o->updated_by_len
                             ? json_stringn(o->updated_by, o->updated_by_len)
                             : json_null()) != 0)
    {
        json_decref(obj);

        /* json_stringn() refuses invalid UTF-8, else memory ran out */

        catalog_state_error(ctx, "overrides[%u]: invalid UTF-8 or out of "
                            "memory", (unsigned) i);
        return NULL;
    }

    return obj;
}


static int
catalog_state_json_cleared(catalog_state_ctx_t *ctx, json_t *root,
    const catalog_state_cleared_t *c, size_t nc)
{
    char     updated_at[CATALOG_TIME_LEN + 1];
    size_t   i;
    json_t  *arr, *obj;

    arr = json_array();

    if (arr == NULL || catalog_state_set(root, "cleared", arr) != 0) {
        return catalog_state_error(ctx, "out of memory");
    }

    for (i = 0; i < nc; i++) {

        if (c[i].key == NULL
            || !catalog_check_is_service_key(c[i].key, c[i].key_len)
            || c[i].updated_by_len > CATALOG_TOKEN_NAME_MAX)
        {
            return catalog_state_error(ctx, "cleared[%u]: invalid entry",
                                       (unsigned) i);
        }

        catalog_time_format_ms(c[i].updated_at, updated_at);

        obj = json_object();

        if (obj == NULL
            || catalog_state_set(obj, "service",
                                 json_stringn(c[i].key, c[i].key_len)) != 0
            || catalog_state_set(obj, "updated_at", json_string(updated_at))
               != 0
            || catalog_state_set(obj, "updated_by",
                                 c[i].updated_by_len
                                 ? json_stringn(c[i].updated_by,
                                                c[i].updated_by_len)
                                 : json_null()) != 0
            || json_array_append_new(arr, obj) != 0)
        {
            json_decref(obj);
            return catalog_state_error(ctx, "cleared[%u]: invalid UTF-8 or "
                                       "out of memory", (unsigned) i);
        }
    }

    return 0;
}


static int
catalog_state_set(json_t *obj, const char *key, json_t *v)
{
    /* takes v, also when it is NULL after a failed allocation */

    if (v == NULL) {
        return -1;
    }

    return json_object_set_new(obj, key, v);
}


static int
catalog_state_save(catalog_state_ctx_t *ctx, const char *data, size_t len)
{
    int       fd, rc;
    char     *tmp;
    size_t    plen, done;
    ssize_t   n;

    plen = strlen(ctx->path);

    tmp = malloc(plen + sizeof(".tmp"));
    if (tmp == NULL) {
        return catalog_state_error(ctx, "out of memory");
    }

    memcpy(tmp, ctx->path, plen);
    memcpy(tmp + plen, ".tmp", sizeof(".tmp"));

    /* O_NOFOLLOW: a link planted as PATH.tmp does not redirect the write */

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
              0640);

    if (fd == -1) {
        catalog_state_error(ctx, "cannot open \"%s\": %s",
                            catalog_state_quote_path(ctx, tmp),
                            strerror(errno));
        free(tmp);
        return -1;
    }

    for (done = 0; done < len; done += (size_t) n) {
        n = write(fd, data + done, len - done);

        if (n == -1) {
            if (errno == EINTR) {
                n = 0;
                continue;
            }

            catalog_state_error(ctx, "cannot write \"%s\": %s",
                                catalog_state_quote_path(ctx, tmp),
                                strerror(errno));
            goto failed;
        }
    }

    if (fsync(fd) == -1) {
        catalog_state_error(ctx, "cannot fsync \"%s\": %s",
                            catalog_state_quote_path(ctx, tmp),
                            strerror(errno));
        goto failed;
    }

    rc = close(fd);
    fd = -1;

    if (rc == -1) {
        catalog_state_error(ctx, "cannot close \"%s\": %s",
                            catalog_state_quote_path(ctx, tmp),
                            strerror(errno));
        goto failed;
    }

    if (rename(tmp, ctx->path) == -1) {
        catalog_state_error(ctx, "cannot rename \"%s\": %s",
                            catalog_state_quote_path(ctx, tmp),
                            strerror(errno));
        goto failed;
    }

    free(tmp);

    return catalog_state_sync_dir(ctx);

failed:

    if (fd != -1) {
        close(fd);
    }

    unlink(tmp);
    free(tmp);

    return -1;
}


int
catalog_state_sync(const char *path, char *err, size_t errlen)
{
    catalog_state_ctx_t  ctx;

    ctx.path = path;
    ctx.err = err;
    ctx.errlen = errlen;

    return catalog_state_sync_dir(&ctx);
}


static int
catalog_state_sync_dir(catalog_state_ctx_t *ctx)
{
    int          fd, rc;
    char        *dir;
    size_t       len;
    const char  *slash;

    /* the rename lasts only once the directory is on disk */

    slash = strrchr(ctx->path, '/');

    if (slash == NULL) {
        dir = strdup(".");

    } else {
        len = (slash == ctx->path) ? 1 : (size_t) (slash - ctx->path);

        dir = malloc(len + 1);

        if (dir) {
            memcpy(dir, ctx->path, len);
            dir[len] = '\0';
        }
    }

    if (dir == NULL) {
        return catalog_state_error(ctx, "out of memory");
    }

    fd = open(dir, O_RDONLY | O_CLOEXEC);

    if (fd == -1) {
        catalog_state_error(ctx, "cannot open directory \"%s\": %s",
                            catalog_state_quote_path(ctx, dir),
                            strerror(errno));
        free(dir);
        return -1;
    }

    rc = fsync(fd);

    /* some file systems cannot sync a directory: EINVAL, nothing to do */

    if (rc == -1 && errno != EINVAL) {
        catalog_state_error(ctx, "cannot fsync directory \"%s\": %s",
                            catalog_state_quote_path(ctx, dir),
                            strerror(errno));
        close(fd);
        free(dir);
        return -1;
    }

    close(fd);
    free(dir);

    return 0;
}


int
catalog_state_read(const char *path, catalog_state_each_pt each, void *ctx,
    unsigned *skipped, char *err, size_t errlen)
{
    return catalog_state_read_all(path, each, NULL, ctx, skipped, err,
                                  errlen);
}


int
catalog_state_read_all(const char *path, catalog_state_each_pt each,
    catalog_state_cleared_pt cleared, void *ctx, unsigned *skipped,
    char *err, size_t errlen)
{
    int                       rc;
    char                     *buf;
    void                     *prev;
    json_t                   *root, *arr, *v;
    size_t                    len, i, n, key_len;
    unsigned                  nskipped;
    const char               *key;
    json_error_t              je;
    catalog_map_t             seen;
    catalog_override_t        o;
    catalog_state_ctx_t       sc;
    catalog_state_cleared_t   c;

    sc.path = path;
    sc.err = err;
    sc.errlen = errlen;

    if (skipped) {
        *skipped = 0;
    }

    if (err && errlen) {
        err[0] = '\0';
    }

    rc = catalog_file_read(path, CATALOG_STATE_FILE_MAX, NULL, &buf, &len);

    if (rc == CATALOG_FILE_TOO_LARGE) {
        return catalog_state_error(&sc, "is larger than %d bytes",
                                   CATALOG_STATE_FILE_MAX);
    }

    if (rc == CATALOG_FILE_NOT_REGULAR) {
        return catalog_state_error(&sc, "is not a regular file");
    }

    if (rc != 0) {
        if (errno == ENOENT) {
            /* no state yet: the first start */
            return 0;
        }

        return catalog_state_error(&sc, "cannot read: %s", strerror(errno));
    }

    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);

    free(buf);

    if (root == NULL) {
        catalog_manifest_sanitize(sc.quoted, sizeof(sc.quoted), je.text,
                                  strlen(je.text), sizeof(sc.quoted), 0);

        return catalog_state_error(&sc,
                                   "line %d, column %d: invalid JSON: %s",
                                   je.line, je.column, sc.quoted);
    }

    arr = NULL;

    if (catalog_state_root(&sc, root, &arr) != 0) {
        json_decref(root);
        return -1;
    }

    n = json_array_size(arr);

    if (catalog_map_init(&seen, n) != 0) {
        json_decref(root);
        return catalog_state_error(&sc, "out of memory");
    }

    nskipped = 0;
    rc = 0;

    for (i = 0; i < n; i++) {
        if (catalog_state_entry(&sc, json_array_get(arr, i), &key, &key_len,
                                &o)
            == 0)
        {
            /* the keys live in the JSON, kept until the end */

            switch (catalog_map_insert(&seen,
                                       catalog_hash(CATALOG_HASH_INIT, key,
                                                    key_len),
                                       key, key_len, (void *) (uintptr_t) i,
                                       &prev))
            {
            case 0:
                if (each(ctx, key, key_len, &o) != 0) {
                    catalog_state_error(&sc, "overrides[%u] (\"%s\"): "
                                        "cannot be applied", (unsigned) i,
                                        catalog_state_quote(&sc, key,
                                                            key_len));
                    rc = -1;
                    goto done;
                }

                continue;

            case 1:
                catalog_state_reason(&sc, "service \"%s\" is already in "
                                     "overrides[%u]",
                                     catalog_state_quote(&sc, key, key_len),
                                     (unsigned) (uintptr_t) prev);
                break;

            default:
                catalog_state_error(&sc, "out of memory");
                rc = -1;
                goto done;
            }
        }

        /* the first skipped entry is described, the rest only counted */

        if (nskipped++ == 0) {
            catalog_state_error(&sc, "overrides[%u]: skipped: %s",
                                (unsigned) i, sc.reason);
        }
    }

    /* when overrides were cleared: with Redis only */

    v = json_object_get(root, "cleared");
    n = json_array_size(v);

    for (i = 0; i < n; i++) {
        if (catalog_state_cleared(&sc, json_array_get(v, i), &c) == 0) {
            if (cleared && cleared(ctx, &c) != 0) {
                catalog_state_error(&sc, "cleared[%u]: cannot be applied",
                                    (unsigned) i);
                rc = -1;
                goto done;
            }

            continue;
        }

        if (nskipped++ == 0) {
            catalog_state_error(&sc, "cleared[%u]: skipped: %s",
                                (unsigned) i, sc.reason);
        }
    }

    if (skipped) {
        *skipped = nskipped;
    }

done:

    catalog_map_free(&seen);
    json_decref(root);

    return rc;
}


static int
catalog_state_root(catalog_state_ctx_t *ctx, json_t *root,
    json_t **overrides)
{
    void        *it;
    json_t      *v;
    const char  *key;

    if (!json_is_object(root)) {
        return catalog_state_error(ctx, "top level: must be an object");
    }

    for (it = json_object_iter(root); it; it = json_object_iter_next(root, it))
    {
        key = json_object_iter_key(it);

        if (strcmp(key, "version") != 0 && strcmp(key, "overrides") != 0
            && strcmp(key, "cleared") != 0)
        {
            return catalog_state_error(ctx, "top level: unknown key \"%s\"",
                                       catalog_state_quote(ctx, key,
                                                           strlen(key)));
        }
    }

    v = json_object_get(root, "version");

    if (v == NULL) {
        return catalog_state_error(ctx, "version: is required");
    }

    if (!json_is_integer(v)
        || json_integer_value(v) != CATALOG_STATE_VERSION)
    {
        return catalog_state_error(ctx, "version: must be %d",
                                   CATALOG_STATE_VERSION);
    }

    v = json_object_get(root, "overrides");

    if (v == NULL) {
        return catalog_state_error(ctx, "overrides: is required");
    }

    if (!json_is_array(v)) {
        return catalog_state_error(ctx, "overrides: must be an array");
    }

    *overrides = v;

    v = json_object_get(root, "cleared");

    if (v && !json_is_array(v)) {
        return catalog_state_error(ctx, "cleared: must be an array");
    }

    return 0;
}


static int
catalog_state_cleared(catalog_state_ctx_t *ctx, json_t *obj,
    catalog_state_cleared_t *c)
{
    void        *it;
    size_t       tlen;
    const char  *name, *t;

    if (!json_is_object(obj)) {
        return catalog_state_reason(ctx, "must be an object");
    }

    for (it = json_object_iter(obj); it; it = json_object_iter_next(obj, it))
    {
        name = json_object_iter_key(it);

        if (strcmp(name, "service") != 0 && strcmp(name, "updated_at") != 0
            && strcmp(name, "updated_by") != 0)
        {
            return catalog_state_reason(ctx, "unknown key \"%s\"",
                                        catalog_state_quote(ctx, name,
                                                            strlen(name)));
        }
    }

    if (catalog_state_text(ctx, obj, "service", 1, &c->key, &c->key_len)
        != 0)
    {
        return -1;
    }

    if (!catalog_check_is_service_key(c->key, c->key_len)) {
        return catalog_state_reason(ctx, "invalid service \"%s\"",
                                    catalog_state_quote(ctx, c->key,
                                                        c->key_len));
    }

    if (catalog_state_time(ctx, obj, "updated_at", 1, &c->updated_at) != 0) {
        return -1;
    }

    /* to the millisecond */

    if (catalog_state_text(ctx, obj, "updated_at", 1, &t, &tlen) != 0) {
        return -1;
    }

    c->updated_at = catalog_time_parse_ms(t, tlen);

    if (catalog_state_text(ctx, obj, "updated_by", 0, &c->updated_by,
                           &c->updated_by_len)
        != 0)
    {
        return -1;
    }

    if (c->updated_by_len
        && !catalog_check_is_token_name(c->updated_by, c->updated_by_len))
    {
        return catalog_state_reason(ctx, "invalid \"updated_by\" \"%s\"",
                                    catalog_state_quote(ctx, c->updated_by,
                                                        c->updated_by_len));
    }

    return 0;
}


static int
catalog_state_entry(catalog_state_ctx_t *ctx, json_t *obj, const char **key,
    size_t *key_len, catalog_override_t *o)
{
    void        *it;
    size_t       k, slen, mlen, blen;
    const char  *name, *s, *m, *b;

    /* -1 with the reason in ctx->reason when the entry is to be skipped */

    if (!json_is_object(obj)) {
        return catalog_state_reason(ctx, "must be an object");
    }

    for (it = json_object_iter(obj); it; it = json_object_iter_next(obj, it))
    {
        name = json_object_iter_key(it);

        for (k = 0; catalog_state_entry_keys[k]; k++) {
            if (strcmp(name, catalog_state_entry_keys[k]) == 0) {
                break;
            }
        }

        if (catalog_state_entry_keys[k] == NULL) {
            return catalog_state_reason(ctx, "unknown key \"%s\"",
                                        catalog_state_quote(ctx, name,
                                                            strlen(name)));
        }
    }

    if (catalog_state_text(ctx, obj, "service", 1, key, key_len) != 0) {
        return -1;
    }

    if (!catalog_check_is_service_key(*key, *key_len)) {
        return catalog_state_reason(ctx, "invalid service \"%s\"",
                                    catalog_state_quote(ctx, *key,
                                                        *key_len));
    }

    if (catalog_state_text(ctx, obj, "status", 1, &s, &slen) != 0) {
        return -1;
    }

    if (slen == 6 && memcmp(s, "active", 6) == 0) {
        o->status = CATALOG_STATUS_ACTIVE;

    } else if (slen == 11 && memcmp(s, "maintenance", 11) == 0) {
        o->status = CATALOG_STATUS_MAINTENANCE;

    } else {
        return catalog_state_reason(ctx, "invalid status \"%s\"",
                                    catalog_state_quote(ctx, s, slen));
    }

    /* "message" and "until", as the admin API has them */

    if (catalog_state_text(ctx, obj, "message", 0, &m, &mlen) != 0) {
        return -1;
    }

    if (mlen) {
        if (o->status != CATALOG_STATUS_MAINTENANCE) {
            return catalog_state_reason(ctx, "\"message\" is only allowed "
                                        "with \"status\": \"maintenance\"");
        }

        if (catalog_check_chars(m, mlen) > CATALOG_MESSAGE_MAX
            || mlen > CATALOG_MESSAGE_BYTES)
        {
            return catalog_state_reason(ctx, "\"message\" is longer than %d "
                                        "characters", CATALOG_MESSAGE_MAX);
        }

        if (catalog_check_has_controls(m, mlen, 1)) {
            return catalog_state_reason(ctx, "\"message\" must not contain "
                                        "control characters other than "
                                        "tabs and line breaks");
        }
    }

    if (catalog_state_time(ctx, obj, "until", 0, &o->until) != 0) {
        return -1;
    }

    if (o->until && o->status != CATALOG_STATUS_MAINTENANCE) {
        return catalog_state_reason(ctx, "\"until\" is only allowed with "
                                    "\"status\": \"maintenance\"");
    }

    if (catalog_state_time(ctx, obj, "updated_at", 1, &o->updated_at) != 0) {
        return -1;
    }

    /* to the millisecond */

    if (catalog_state_text(ctx, obj, "updated_at", 1, &s, &slen) != 0) {
        return -1;
    }

    o->updated_at = catalog_time_parse_ms(s, slen);

    if (catalog_state_text(ctx, obj, "updated_by", 0, &b, &blen) != 0) {
        return -1;
    }

    if (blen && !catalog_check_is_token_name(b, blen)) {
        return catalog_state_reason(ctx, "invalid \"updated_by\" \"%s\"",
                                    catalog_state_quote(ctx, b, blen));
    }

    o->message_len = mlen;

    if (mlen) {
        memcpy(o->message, m, mlen);
    }

    if (mlen < CATALOG_MESSAGE_BYTES) {
        o->message[mlen] = '\0';
    }

    o->updated_by_len = blen;

    if (blen) {
        memcpy(o->updated_by, b, blen);
    }

    if (blen < CATALOG_TOKEN_NAME_MAX) {
        o->updated_by[blen] = '\0';
    }

    return 0;
}


static int
catalog_state_text(catalog_state_ctx_t *ctx, json_t *obj, const char *name,
    int required, const char **s, size_t *len)
{
    json_t  *v;

    *s = "";
    *len = 0;

    v = json_object_get(obj, name);

    if (v == NULL || json_is_null(v)) {
        if (required) {
            return catalog_state_reason(ctx, "\"%s\" is required", name);
        }

        return 0;
    }

    if (!json_is_string(v)) {
        return catalog_state_reason(ctx, "\"%s\" must be a string", name);
    }

    *s = json_string_value(v);
    *len = json_string_length(v);

    return 0;
}


static int
catalog_state_time(catalog_state_ctx_t *ctx, json_t *obj, const char *name,
    int required, int64_t *t)
{
    size_t       len;
    const char  *s;

    *t = 0;

    if (catalog_state_text(ctx, obj, name, required, &s, &len) != 0) {
        return -1;
    }

    if (len == 0) {
        if (required) {
            return catalog_state_reason(ctx, "\"%s\" is required", name);
        }

        return 0;
    }

    *t = catalog_time_parse(s, len);

    if (*t == -1) {
        *t = 0;
        return catalog_state_reason(ctx, "invalid \"%s\" \"%s\"", name,
                                    catalog_state_quote(ctx, s, len));
    }

    return 0;
}



static const char *
catalog_state_quote(catalog_state_ctx_t *ctx, const char *s, size_t len)
{
    catalog_manifest_sanitize(ctx->quoted, sizeof(ctx->quoted), s, len,
                              CATALOG_STATE_QUOTE, 1);

    return ctx->quoted;
}


static const char *
catalog_state_quote_path(catalog_state_ctx_t *ctx, const char *s)
{
    catalog_manifest_sanitize(ctx->quoted, sizeof(ctx->quoted), s, strlen(s),
                              CATALOG_STATE_QUOTE_FILE, 1);

    return ctx->quoted;
}


static int
catalog_state_reason(catalog_state_ctx_t *ctx, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);

    if (vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, args) < 0) {
        ctx->reason[0] = '\0';
    }

    va_end(args);

    return -1;
}


static int
catalog_state_error(catalog_state_ctx_t *ctx, const char *fmt, ...)
{
    int      rc;
    char     file[CATALOG_STATE_QUOTE_LEN];
    size_t   n;
    va_list  args;

    if (ctx->err == NULL || ctx->errlen == 0) {
        return -1;
    }

    catalog_manifest_sanitize(file, sizeof(file), ctx->path,
                              strlen(ctx->path), CATALOG_STATE_QUOTE_FILE, 1);

    rc = snprintf(ctx->err, ctx->errlen, "state file \"%s\": ", file);

    if (rc < 0) {
        ctx->err[0] = '\0';
        return -1;
    }

    n = (size_t) rc;

    if (n >= ctx->errlen) {
        return -1;
    }

    va_start(args, fmt);
    rc = vsnprintf(ctx->err + n, ctx->errlen - n, fmt, args);
    va_end(args);

    if (rc < 0) {
        ctx->err[n] = '\0';
    }

    return -1;
}
