
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The fleet: what each node publishes about itself, and the "fleet"
 * object of the status that reports them all.  Another node's JSON is
 * hostile (anything that can write to the Redis server can write it):
 * it is parsed with a size limit and exact keys, and only the parsed
 * fields are ever written out again, never the text that was read.
 */


#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <catalog_buf.h>
#include <catalog_check.h>
#include <catalog_fleet.h>
#include <catalog_manifest.h>


#define CATALOG_FLEET_COUNT_MAX    9007199254740992LL   /* 2^53 */
#define CATALOG_FLEET_QUOTE        64       /* bytes of an echoed value */
#define CATALOG_FLEET_QUOTE_LEN    512

/* the lengths of a node's strings, never past their arrays */

#define catalog_fleet_name_len(n)                                             \
    (((n)->name_len > CATALOG_TOKEN_NAME_MAX) ? CATALOG_TOKEN_NAME_MAX        \
                                              : (n)->name_len)

#define catalog_fleet_version_len(n)                                          \
    (((n)->version_len > CATALOG_FLEET_VERSION_MAX)                           \
     ? CATALOG_FLEET_VERSION_MAX : (n)->version_len)


static int catalog_fleet_object(json_t *root, catalog_fleet_node_t *n,
    char *err, size_t errlen);
static int catalog_fleet_requests(json_t *obj, catalog_fleet_node_t *n,
    char *err, size_t errlen);
static int catalog_fleet_keys(json_t *obj, const char *const *keys,
    const char *in, char *err, size_t errlen);
static const char *catalog_fleet_string(json_t *obj, const char *key,
    size_t *len, char *err, size_t errlen);
static int catalog_fleet_count(json_t *obj, const char *key,
    const char *label, uint64_t *count, char *err, size_t errlen);
static void catalog_fleet_node(catalog_buf_t *b,
    const catalog_fleet_node_t *n);
static int catalog_fleet_cmp(const void *one, const void *two);
static int catalog_fleet_bytes(const char *a, size_t alen, const char *b,
    size_t blen);
static const char *catalog_fleet_quote(char *dst, const char *s,
    size_t len);
static int catalog_fleet_error(char *err, size_t errlen, const char *fmt,
    ...);


static const char *const  catalog_fleet_keys_node[] = {
    "name", "version", "services", "seen", "requests", NULL
};

/* the counters of catalog_stats_t.requests, in their order */

static const char *const  catalog_fleet_outcomes[CATALOG_OUTCOMES + 1] = {
    "proxy", "redirect", "gone", "maintenance", "not_found",
    "method_not_allowed", NULL
};


int
catalog_fleet_is_node(const char *s, size_t len)
{
    return s != NULL && catalog_check_is_token_name(s, len);
}


size_t
catalog_fleet_node_json(char *dst, const catalog_fleet_node_t *n)
{
    catalog_buf_t  b;

    b.dst = dst;
    b.len = 0;

    catalog_fleet_node(&b, n);

    return b.len;
}


int
catalog_fleet_node_parse(const char *buf, size_t len,
    catalog_fleet_node_t *n, char *err, size_t errlen)
{
    int                    rc;
    json_t                *root;
    json_error_t           je;
    catalog_fleet_node_t   node;
    char                   quoted[CATALOG_FLEET_QUOTE_LEN];

    if (len > CATALOG_FLEET_NODE_MAX) {
        return catalog_fleet_error(err, errlen,
                                   "node is larger than %d bytes",
                                   CATALOG_FLEET_NODE_MAX);
    }

    if (buf == NULL || len == 0) {
        return catalog_fleet_error(err, errlen, "node is empty");
    }

    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);

    if (root == NULL) {
        catalog_manifest_sanitize(quoted, sizeof(quoted), je.text,
                                  strlen(je.text), sizeof(quoted), 0);

        return catalog_fleet_error(err, errlen,
                                   "line %d, column %d: invalid JSON: %s",
                                   je.line, je.column, quoted);
    }

    memset(&node, 0, sizeof(node));

    rc = catalog_fleet_object(root, &node, err, errlen);

    json_decref(root);

    /* all checked: only now is n changed */

    if (rc == 0) {
        memcpy(n, &node, sizeof(node));
    }

    return rc;
}


size_t
catalog_fleet_json(char *dst, catalog_fleet_node_t *nodes, size_t n)
{
    size_t         i, shown;
    catalog_buf_t  b;

    b.dst = dst;
    b.len = 0;

    /* sorted in place: measuring and writing see the same order */

    if (n > 1) {
        qsort(nodes, n, sizeof(catalog_fleet_node_t), catalog_fleet_cmp);
    }

    shown = (n > CATALOG_FLEET_NODES_MAX) ? CATALOG_FLEET_NODES_MAX : n;

    catalog_buf_literal(&b, "{\"nodes\": [");

    for (i = 0; i < shown; i++) {
        if (i) {
            catalog_buf_literal(&b, ", ");
        }

        catalog_fleet_node(&b, &nodes[i]);
    }

    catalog_buf_literal(&b, "], \"drift\": ");

    if (catalog_fleet_drift(nodes, n)) {
        catalog_buf_literal(&b, "true}");

    } else {
        catalog_buf_literal(&b, "false}");
    }

    return b.len;
}


int
catalog_fleet_drift(const catalog_fleet_node_t *nodes, size_t n)
{
    size_t  i;

    for (i = 1; i < n; i++) {
        if (catalog_fleet_bytes(nodes[i].version,
                                catalog_fleet_version_len(&nodes[i]),
                                nodes[0].version,
                                catalog_fleet_version_len(&nodes[0]))
            != 0)
        {
            return 1;
        }
    }

    return 0;
}


static int
catalog_fleet_object(json_t *root, catalog_fleet_node_t *n, char *err,
    size_t errlen)
{
    size_t       len;
    json_t      *v;
    const char  *s;
    char         quoted[CATALOG_FLEET_QUOTE_LEN];

    if (!json_is_object(root)) {
        return catalog_fleet_error(err, errlen,
                                   "node must be a JSON object");
    }

    if (catalog_fleet_keys(root, catalog_fleet_keys_node, NULL, err, errlen)
        != 0)
    {
        return -1;
    }

    /* "name" */

    s = catalog_fleet_string(root, "name", &len, err, errlen);
    if (s == NULL) {
        return -1;
    }

    if (!catalog_fleet_is_node(s, len)) {
        return catalog_fleet_error(err, errlen, "invalid \"name\" \"%s\"",
                                   catalog_fleet_quote(quoted, s, len));
    }

    memcpy(n->name, s, len);
    n->name[len] = '\0';
    n->name_len = len;

    /* "version": the characters of a token's name, and as many */

    s = catalog_fleet_string(root, "version", &len, err, errlen);
    if (s == NULL) {
        return -1;
    }

    if (len > CATALOG_FLEET_VERSION_MAX
        || !catalog_check_is_token_name(s, len))
    {
        return catalog_fleet_error(err, errlen,
                                   "invalid \"version\" \"%s\"",
                                   catalog_fleet_quote(quoted, s, len));
    }

    memcpy(n->version, s, len);
    n->version[len] = '\0';
    n->version_len = len;

    /* "services" */

    if (catalog_fleet_count(root, "services", "services", &n->services, err,
                            errlen)
        != 0)
    {
        return -1;
    }

    /* "seen" */

    s = catalog_fleet_string(root, "seen", &len, err, errlen);
    if (s == NULL) {
        return -1;
    }

    n->seen = catalog_time_parse_ms(s, len);

    if (n->seen == -1) {
        return catalog_fleet_error(err, errlen, "invalid \"seen\" \"%s\"",
                                   catalog_fleet_quote(quoted, s, len));
    }

    /* "requests" */

    v = json_object_get(root, "requests");

    if (v == NULL) {
        return catalog_fleet_error(err, errlen, "\"requests\" is required");
    }

    if (!json_is_object(v)) {
        return catalog_fleet_error(err, errlen,
                                   "\"requests\" must be an object");
    }

    return catalog_fleet_requests(v, n, err, errlen);
}


static int
catalog_fleet_requests(json_t *obj, catalog_fleet_node_t *n, char *err,
    size_t errlen)
{
    char      label[64];
    unsigned  i;

    if (catalog_fleet_keys(obj, catalog_fleet_outcomes, "requests", err,
                           errlen)
        != 0)
    {
        return -1;
    }

    for (i = 0; i < CATALOG_OUTCOMES; i++) {
        snprintf(label, sizeof(label), "requests.%s",
                 catalog_fleet_outcomes[i]);

        if (catalog_fleet_count(obj, catalog_fleet_outcomes[i], label,
                                &n->requests[i], err, errlen)
            != 0)
        {
            return -1;
        }
    }

    return 0;
}


static int
catalog_fleet_keys(json_t *obj, const char *const *keys, const char *in,
    char *err, size_t errlen)
{
    void        *it;
    size_t       k;
    const char  *key;
    char         quoted[CATALOG_FLEET_QUOTE_LEN];

    /* every key of obj is one of keys; "in" names obj, NULL at the top */

    for (it = json_object_iter(obj); it; it = json_object_iter_next(obj, it))
    {
        key = json_object_iter_key(it);

        for (k = 0; keys[k]; k++) {
            if (strcmp(key, keys[k]) == 0) {
                break;
            }
        }

        if (keys[k] == NULL) {
            catalog_fleet_quote(quoted, key, strlen(key));

            if (in) {
                return catalog_fleet_error(err, errlen,
                                           "unknown key \"%s\" in \"%s\"",
                                           quoted, in);
            }

            return catalog_fleet_error(err, errlen, "unknown key \"%s\"",
                                       quoted);
        }
    }

    return 0;
}


static const char *
catalog_fleet_string(json_t *obj, const char *key, size_t *len, char *err,
    size_t errlen)
{
    json_t  *v;

    v = json_object_get(obj, key);

    if (v == NULL) {
        catalog_fleet_error(err, errlen, "\"%s\" is required", key);
        return NULL;
    }

    if (!json_is_string(v)) {
        catalog_fleet_error(err, errlen, "\"%s\" must be a string", key);
        return NULL;
    }

    *len = json_string_length(v);

    return json_string_value(v);
}


static int
catalog_fleet_count(json_t *obj, const char *key, const char *label,
    uint64_t *count, char *err, size_t errlen)
{
    json_t      *v;
    json_int_t   i;

    v = json_object_get(obj, key);

    if (v == NULL) {
        return catalog_fleet_error(err, errlen, "\"%s\" is required", label);
    }

    /* 2^53: what any JSON reader keeps exactly */

    if (!json_is_integer(v)) {
        goto invalid;
    }

    i = json_integer_value(v);

    if (i < 0 || i > CATALOG_FLEET_COUNT_MAX) {
        goto invalid;
    }

    *count = (uint64_t) i;

    return 0;

invalid:

    return catalog_fleet_error(err, errlen,
                               "\"%s\" must be a whole number from 0 to %lld",
                               label, (long long) CATALOG_FLEET_COUNT_MAX);
}


static void
catalog_fleet_node(catalog_buf_t *b, const catalog_fleet_node_t *n)
{
    char           seen[CATALOG_TIME_LEN + 1];
    unsigned       i;
    catalog_str_t  s;

    catalog_buf_literal(b, "{\"name\": \"");

    s.data = n->name;
    s.len = catalog_fleet_name_len(n);
    catalog_buf_json(b, &s);

    catalog_buf_literal(b, "\", \"version\": \"");

    s.data = n->version;
    s.len = catalog_fleet_version_len(n);
    catalog_buf_json(b, &s);

    catalog_buf_literal(b, "\", \"services\": ");
    catalog_buf_number(b, n->services);

    catalog_buf_literal(b, ", \"seen\": \"");
    catalog_buf_add(b, seen, catalog_time_format_ms(n->seen, seen));

    catalog_buf_literal(b, "\", \"requests\": {");

    for (i = 0; i < CATALOG_OUTCOMES; i++) {
        if (i) {
            catalog_buf_literal(b, ", ");
        }

        catalog_buf_literal(b, "\"");
        catalog_buf_cstr(b, catalog_fleet_outcomes[i]);
        catalog_buf_literal(b, "\": ");
        catalog_buf_number(b, n->requests[i]);
    }

    catalog_buf_literal(b, "}}");
}


static int
catalog_fleet_cmp(const void *one, const void *two)
{
    int                          rc;
    const catalog_fleet_node_t  *a, *b;

    a = one;
    b = two;

    /* by name; the rest only so that the order never depends on qsort() */

    rc = catalog_fleet_bytes(a->name, catalog_fleet_name_len(a), b->name,
                             catalog_fleet_name_len(b));

    if (rc == 0) {
        rc = catalog_fleet_bytes(a->version, catalog_fleet_version_len(a),
                                 b->version, catalog_fleet_version_len(b));
    }

    if (rc == 0 && a->seen != b->seen) {
        rc = (a->seen < b->seen) ? -1 : 1;
    }

    return rc;
}


static int
catalog_fleet_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    int  rc;

    /* as bytes; a text that another starts with comes before it */

    rc = memcmp(a, b, (alen < blen) ? alen : blen);

    if (rc != 0 || alen == blen) {
        return rc;
    }

    return (alen < blen) ? -1 : 1;
}


static const char *
catalog_fleet_quote(char *dst, const char *s, size_t len)
{
    /* dst holds CATALOG_FLEET_QUOTE_LEN bytes */

    catalog_manifest_sanitize(dst, CATALOG_FLEET_QUOTE_LEN, s, len,
                              CATALOG_FLEET_QUOTE, 1);

    return dst;
}


static int
catalog_fleet_error(char *err, size_t errlen, const char *fmt, ...)
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
