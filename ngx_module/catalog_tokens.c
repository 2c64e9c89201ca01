
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The tokens file of the admin API and the check of a presented token.
 *
 * The file holds SHA-256 hashes of tokens, never tokens: {"tokens":
 * [{"sha256": "64 hex digits", "agency": "dukcapil" or "*", "name":
 * "ops-dukcapil"}]}.  Every rule is checked and the first broken one is
 * reported with its place, 'tokens file "F": tokens[2].agency: ...'.  The
 * value of "sha256" is never echoed: whoever pastes a token there by
 * mistake must not find it in the error log.
 *
 * A presented token is hashed once and compared with every entry, all 32
 * bytes of each, without stopping at a match, so that the time taken says
 * nothing about which entry matched or how much of a hash did.
 */


#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <catalog_admin.h>
#include <catalog_check.h>
#include <catalog_file.h>
#include <catalog_manifest.h>
#include <catalog_map.h>


#define CATALOG_TOKENS_MAX         10000
#define CATALOG_TOKENS_FILE_MAX    (16 * 1024 * 1024)
#define CATALOG_TOKENS_QUOTE       64       /* bytes of an echoed value */
#define CATALOG_TOKENS_QUOTE_FILE  200      /* bytes of an echoed file */
#define CATALOG_TOKENS_QUOTE_LEN   512


typedef struct {
    catalog_tokens_t             *tokens;
    const char                   *name;        /* the file, as given */
    char                         *err;
    size_t                        errlen;
    catalog_map_t                 hashes;
    catalog_map_t                 names;
    char                          quoted[CATALOG_TOKENS_QUOTE_LEN];
} catalog_tokens_ctx_t;


static int catalog_tokens_root(catalog_tokens_ctx_t *ctx, json_t *root);
static int catalog_tokens_entry(catalog_tokens_ctx_t *ctx, json_t *obj,
    unsigned i);
static int catalog_tokens_sha256(catalog_tokens_ctx_t *ctx, json_t *obj,
    unsigned i, catalog_token_t *tok);
static int catalog_tokens_agency(catalog_tokens_ctx_t *ctx, json_t *obj,
    unsigned i, catalog_token_t *tok);
static int catalog_tokens_name(catalog_tokens_ctx_t *ctx, json_t *obj,
    unsigned i, catalog_token_t *tok);
static json_t *catalog_tokens_string(catalog_tokens_ctx_t *ctx, json_t *obj,
    unsigned i, const char *key);
static int catalog_tokens_hex(int c);
static const char *catalog_tokens_quote(catalog_tokens_ctx_t *ctx,
    const char *s, size_t len);
static int catalog_tokens_error(const char *name, char *err, size_t errlen,
    const char *fmt, ...);


static const char *const  catalog_tokens_entry_keys[] = {
    "sha256", "agency", "name", NULL
};


int
catalog_tokens_load(catalog_tokens_t *t, const char *path, char *err,
    size_t errlen)
{
    int     rc;
    char   *buf;
    size_t  len;

    catalog_arena_init(&t->arena);
    t->tokens = NULL;
    t->ntokens = 0;

    rc = catalog_file_read(path, CATALOG_TOKENS_FILE_MAX, NULL, &buf,
                           &len);

    if (rc == CATALOG_FILE_TOO_LARGE) {
        return catalog_tokens_error(path, err, errlen,
                                    "is larger than %d bytes",
                                    CATALOG_TOKENS_FILE_MAX);
    }

    if (rc == CATALOG_FILE_NOT_REGULAR) {
        return catalog_tokens_error(path, err, errlen,
                                    "is not a regular file");
    }

    if (rc != 0) {
        return catalog_tokens_error(path, err, errlen, "cannot read: %s",
                                    strerror(errno));
    }

    rc = catalog_tokens_parse(t, path, buf, len, err, errlen);

    free(buf);

    return rc;
}


int
catalog_tokens_parse(catalog_tokens_t *t, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
    int                    rc;
    json_t                *root;
    size_t                 skip;
    json_error_t           je;
    catalog_tokens_ctx_t   ctx;

    catalog_arena_init(&t->arena);
    t->tokens = NULL;
    t->ntokens = 0;

    ctx.tokens = t;
    ctx.name = name;
    ctx.err = err;
    ctx.errlen = errlen;

    /* a UTF-8 byte order mark, as some editors write, is skipped */

    skip = 0;

    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        skip = 3;
    }

    root = json_loadb(buf + skip, len - skip, JSON_REJECT_DUPLICATES, &je);

    if (root == NULL) {
        catalog_manifest_sanitize(ctx.quoted, sizeof(ctx.quoted), je.text,
                                  strlen(je.text), sizeof(ctx.quoted), 0);

        return catalog_tokens_error(name, err, errlen,
                                    "line %d, column %d: invalid JSON: %s",
                                    je.line, je.column, ctx.quoted);
    }

    ctx.hashes.entries = NULL;
    ctx.names.entries = NULL;

    rc = catalog_tokens_root(&ctx, root);

    json_decref(root);
    catalog_map_free(&ctx.hashes);
    catalog_map_free(&ctx.names);

    if (rc != 0) {
        catalog_tokens_free(t);
    }

    return rc;
}


void
catalog_tokens_free(catalog_tokens_t *t)
{
    catalog_arena_free(&t->arena);
    t->tokens = NULL;
    t->ntokens = 0;
}


const catalog_token_t *
catalog_tokens_check(const catalog_tokens_t *t, const char *token,
    size_t len)
{
    size_t   i, k, found, mask;
    uint8_t  diff;
    uint8_t  hash[CATALOG_SHA256_LEN];

    if (t == NULL || t->ntokens == 0 || token == NULL || len == 0) {
        return NULL;
    }

    catalog_sha256(token, len, hash);

    /*
     * every entry, every byte, no early exit; the index of the match (plus
     * one, 0: none) is chosen with a mask rather than a branch.  Hashes
     * are unique (the parser refuses duplicates), so at most one matches.
     */

    found = 0;

    for (i = 0; i < t->ntokens; i++) {
        diff = 0;

        for (k = 0; k < CATALOG_SHA256_LEN; k++) {
            diff |= hash[k] ^ t->tokens[i].sha256[k];
        }

        /* all ones when diff is 0, else 0 */

        mask = (size_t) 0 - ((((unsigned) diff) - 1) >> 8 & 1);

        found = (found & ~mask) | ((i + 1) & mask);
    }

    if (found == 0) {
        return NULL;
    }

    return &t->tokens[found - 1];
}


int
catalog_token_allows(const catalog_token_t *tok, const char *agency,
    size_t len)
{
    if (tok == NULL) {
        return 0;
    }

    if (tok->agency.len == 1 && tok->agency.data[0] == '*') {
        return 1;
    }

    return len != 0
           && tok->agency.len == len
           && memcmp(tok->agency.data, agency, len) == 0;
}


static int
catalog_tokens_root(catalog_tokens_ctx_t *ctx, json_t *root)
{
    void        *it;
    json_t      *arr, *v;
    size_t       n, i;
    const char  *key;

    if (!json_is_object(root)) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "top level: must be an object");
    }

    for (it = json_object_iter(root); it; it = json_object_iter_next(root, it))
    {
        key = json_object_iter_key(it);

        if (strcmp(key, "tokens") != 0) {
            return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                        "top level: unknown key \"%s\"",
                                        catalog_tokens_quote(ctx, key,
                                                             strlen(key)));
        }
    }

    arr = json_object_get(root, "tokens");

    if (arr == NULL || json_is_null(arr)) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens: is required");
    }

    if (!json_is_array(arr)) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens: must be an array");
    }

    n = json_array_size(arr);

    if (n > CATALOG_TOKENS_MAX) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens: must have at most %d entries",
                                    CATALOG_TOKENS_MAX);
    }

    if (n == 0) {
        return 0;
    }

    ctx->tokens->tokens = catalog_arena_calloc(&ctx->tokens->arena,
                                               n * sizeof(catalog_token_t));

    if (ctx->tokens->tokens == NULL
        || catalog_map_init(&ctx->hashes, n) != 0
        || catalog_map_init(&ctx->names, n) != 0)
    {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "out of memory");
    }

    for (i = 0; i < n; i++) {
        v = json_array_get(arr, i);

        if (catalog_tokens_entry(ctx, v, (unsigned) i) != 0) {
            return -1;
        }

        ctx->tokens->ntokens++;
    }

    return 0;
}


static int
catalog_tokens_entry(catalog_tokens_ctx_t *ctx, json_t *obj, unsigned i)
{
    void             *it;
    size_t            k;
    const char       *key;
    catalog_token_t  *tok;

    if (!json_is_object(obj)) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens[%u]: must be an object", i);
    }

    for (it = json_object_iter(obj); it; it = json_object_iter_next(obj, it))
    {
        key = json_object_iter_key(it);

        for (k = 0; catalog_tokens_entry_keys[k]; k++) {
            if (strcmp(key, catalog_tokens_entry_keys[k]) == 0) {
                break;
            }
        }

        if (catalog_tokens_entry_keys[k] == NULL) {
            return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                        "tokens[%u]: unknown key \"%s\"", i,
                                        catalog_tokens_quote(ctx, key,
                                                             strlen(key)));
        }
    }

    tok = &ctx->tokens->tokens[i];

    if (catalog_tokens_sha256(ctx, obj, i, tok) != 0
        || catalog_tokens_agency(ctx, obj, i, tok) != 0
        || catalog_tokens_name(ctx, obj, i, tok) != 0)
    {
        return -1;
    }

    return 0;
}


static int
catalog_tokens_sha256(catalog_tokens_ctx_t *ctx, json_t *obj, unsigned i,
    catalog_token_t *tok)
{
    int               rc, hi, lo;
    void             *prev;
    json_t           *v;
    size_t            k, len;
    const char       *p;
    catalog_token_t  *other;

    v = catalog_tokens_string(ctx, obj, i, "sha256");
    if (v == NULL) {
        return -1;
    }

    p = json_string_value(v);
    len = json_string_length(v);

    /* never echoed: it might be a token pasted in the wrong place */

    if (len != 2 * CATALOG_SHA256_LEN) {
        goto invalid;
    }

    for (k = 0; k < CATALOG_SHA256_LEN; k++) {
        hi = catalog_tokens_hex((unsigned char) p[2 * k]);
        lo = catalog_tokens_hex((unsigned char) p[2 * k + 1]);

        if (hi < 0 || lo < 0) {
            goto invalid;
        }

        tok->sha256[k] = (uint8_t) (hi << 4 | lo);
    }

    rc = catalog_map_insert(&ctx->hashes,
                            catalog_hash(CATALOG_HASH_INIT,
                                         (const char *) tok->sha256,
                                         CATALOG_SHA256_LEN),
                            (const char *) tok->sha256, CATALOG_SHA256_LEN,
                            tok, &prev);

    if (rc == -1) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "out of memory");
    }

    if (rc == 1) {
        other = prev;

        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens[%u].sha256: is the same as "
                                    "tokens[%u].sha256", i,
                                    (unsigned) (other
                                                - ctx->tokens->tokens));
    }

    return 0;

invalid:

    return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                "tokens[%u].sha256: must be 64 hexadecimal "
                                "digits, the SHA-256 of the token (never the "
                                "token itself)", i);
}


static int
catalog_tokens_agency(catalog_tokens_ctx_t *ctx, json_t *obj, unsigned i,
    catalog_token_t *tok)
{
    json_t      *v;
    size_t       len;
    const char  *p;

    v = catalog_tokens_string(ctx, obj, i, "agency");
    if (v == NULL) {
        return -1;
    }

    p = json_string_value(v);
    len = json_string_length(v);

    if (!(len == 1 && p[0] == '*') && !catalog_check_is_id(p, len)) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens[%u].agency: invalid agency "
                                    "\"%s\": must be \"*\" or match "
                                    "^[a-z0-9][a-z0-9-]{0,62}$", i,
                                    catalog_tokens_quote(ctx, p, len));
    }

    if (catalog_arena_strdup(&ctx->tokens->arena, &tok->agency, p, len)
        != 0)
    {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "out of memory");
    }

    return 0;
}


static int
catalog_tokens_name(catalog_tokens_ctx_t *ctx, json_t *obj, unsigned i,
    catalog_token_t *tok)
{
    int               rc;
    void             *prev;
    json_t           *v;
    size_t            len;
    const char       *p;
    catalog_token_t  *other;

    v = catalog_tokens_string(ctx, obj, i, "name");
    if (v == NULL) {
        return -1;
    }

    p = json_string_value(v);
    len = json_string_length(v);

    if (len == 0) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens[%u].name: must not be empty", i);
    }

    if (len > CATALOG_TOKEN_NAME_MAX) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens[%u].name: is longer than %d "
                                    "bytes", i, CATALOG_TOKEN_NAME_MAX);
    }

    if (!catalog_check_is_token_name(p, len)) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens[%u].name: invalid name \"%s\": "
                                    "must have only letters, digits, \".\", "
                                    "\"_\" and \"-\"", i,
                                    catalog_tokens_quote(ctx, p, len));
    }

    if (catalog_arena_strdup(&ctx->tokens->arena, &tok->name, p, len) != 0) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "out of memory");
    }

    /* names are what the log shows for a change: they must tell who */

    rc = catalog_map_insert(&ctx->names,
                            catalog_hash(CATALOG_HASH_INIT, tok->name.data,
                                         len),
                            tok->name.data, len, tok, &prev);

    if (rc == -1) {
        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "out of memory");
    }

    if (rc == 1) {
        other = prev;

        return catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                                    "tokens[%u].name: \"%s\" is the same as "
                                    "tokens[%u].name", i,
                                    catalog_tokens_quote(ctx, p, len),
                                    (unsigned) (other
                                                - ctx->tokens->tokens));
    }

    return 0;
}


static json_t *
catalog_tokens_string(catalog_tokens_ctx_t *ctx, json_t *obj, unsigned i,
    const char *key)
{
    json_t  *v;

    v = json_object_get(obj, key);

    if (v == NULL || json_is_null(v)) {
        catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                             "tokens[%u].%s: is required", i, key);
        return NULL;
    }

    if (!json_is_string(v)) {
        catalog_tokens_error(ctx->name, ctx->err, ctx->errlen,
                             "tokens[%u].%s: must be a string", i, key);
        return NULL;
    }

    return v;
}



static int
catalog_tokens_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


static const char *
catalog_tokens_quote(catalog_tokens_ctx_t *ctx, const char *s, size_t len)
{
    catalog_manifest_sanitize(ctx->quoted, sizeof(ctx->quoted), s, len,
                              CATALOG_TOKENS_QUOTE, 1);

    return ctx->quoted;
}


static int
catalog_tokens_error(const char *name, char *err, size_t errlen,
    const char *fmt, ...)
{
    int      rc;
    char     file[CATALOG_TOKENS_QUOTE_LEN];
    size_t   n;
    va_list  args;

    if (err == NULL || errlen == 0) {
        return -1;
    }

    catalog_manifest_sanitize(file, sizeof(file), name, strlen(name),
                              CATALOG_TOKENS_QUOTE_FILE, 1);

    rc = snprintf(err, errlen, "tokens file \"%s\": ", file);

    if (rc < 0) {
        err[0] = '\0';
        return -1;
    }

    n = (size_t) rc;

    if (n >= errlen) {
        return -1;
    }

    va_start(args, fmt);
    rc = vsnprintf(err + n, errlen - n, fmt, args);
    va_end(args);

    if (rc < 0) {
        err[n] = '\0';
    }

    return -1;
}
