
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * libFuzzer target: another node's record read from Redis,
 * "PREFIX" "nodes:" "NODE" (catalog_fleet_node_parse), hostile since any
 * client of the server may have written it.  An accepted node is written
 * out again (catalog_fleet_node_json) and must parse back to the same
 * node; the status's "fleet" object of it twice (catalog_fleet_json)
 * must be written in the length it measures, be JSON and show no drift,
 * and that of it with another version and another "seen" must show
 * drift and sort them.
 */


#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <catalog_fleet.h>

#include "fuzz.h"


#define FUZZ_FILL   0xa5              /* what a refused node keeps */


static void fuzz_check_node(const catalog_fleet_node_t *n);
static void fuzz_check_same(const catalog_fleet_node_t *a,
    const catalog_fleet_node_t *b);
static char *fuzz_write(size_t (*fn)(char *, const catalog_fleet_node_t *),
    const catalog_fleet_node_t *n, size_t *len);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                    rc, c;
    char                   err[256], *buf, *out;
    size_t                 i, len, flen;
    json_t                *root, *nodes;
    json_error_t           je;
    catalog_fleet_node_t   n, before, back, two[2], three[3];

    /* a little past the limit, so that the limit itself is tried */

    if (size > CATALOG_FLEET_NODE_MAX + 16) {
        return 0;
    }

    buf = malloc(size ? size : 1);
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);

    memset(&n, FUZZ_FILL, sizeof(catalog_fleet_node_t));
    memcpy(&before, &n, sizeof(catalog_fleet_node_t));
    memset(err, FUZZ_FILL, sizeof(err));

    rc = catalog_fleet_node_parse(buf, size, &n, err, sizeof(err));

    free(buf);

    FUZZ_CHECK(rc == 0 || rc == -1);

    if (rc != 0) {
        /* a reason, and n as it was */

        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(memcmp(&n, &before, sizeof(catalog_fleet_node_t)) == 0);
        return 0;
    }

    FUZZ_CHECK(size <= CATALOG_FLEET_NODE_MAX);

    fuzz_check_node(&n);

    /* written out and read back: the same node */

    out = fuzz_write(catalog_fleet_node_json, &n, &len);

    FUZZ_CHECK(len <= CATALOG_FLEET_NODE_MAX);

    memset(&back, FUZZ_FILL, sizeof(catalog_fleet_node_t));

    if (catalog_fleet_node_parse(out, len, &back, err, sizeof(err)) != 0) {
        fprintf(stderr, "node_json() of an accepted node refused: %s\n%.*s\n",
                err, (int) len, out);
        FUZZ_CHECK(0);
    }

    free(out);

    fuzz_check_same(&n, &back);

    /* the "fleet" object of [node, node]: as measured, JSON, no drift */

    two[0] = n;
    two[1] = n;

    flen = catalog_fleet_json(NULL, two, 2);

    out = malloc(flen ? flen : 1);
    FUZZ_CHECK(out != NULL);
    FUZZ_CHECK(catalog_fleet_json(out, two, 2) == flen);

    fuzz_check_same(&two[0], &n);
    fuzz_check_same(&two[1], &n);
    FUZZ_CHECK(catalog_fleet_drift(two, 2) == 0);

    root = json_loadb(out, flen, JSON_REJECT_DUPLICATES, &je);

    if (root == NULL) {
        fprintf(stderr, "fleet_json() is not JSON: %s\n%.*s\n", je.text,
                (int) flen, out);
        FUZZ_CHECK(0);
    }

    nodes = json_object_get(root, "nodes");
    FUZZ_CHECK(json_is_array(nodes) && json_array_size(nodes) == 2);
    FUZZ_CHECK(json_is_false(json_object_get(root, "drift")));

    json_decref(root);
    free(out);

    /*
     * with another version and another "seen" of the same name: drift,
     * and sorted by name, version, then "seen"
     */

    three[0] = n;
    three[1] = n;
    three[2] = n;

    three[1].version[0] = (n.version[0] == 'x') ? 'y' : 'x';
    three[2].seen = (n.seen > 0) ? n.seen - 1 : n.seen + 1;

    flen = catalog_fleet_json(NULL, three, 3);

    out = malloc(flen ? flen : 1);
    FUZZ_CHECK(out != NULL);
    FUZZ_CHECK(catalog_fleet_json(out, three, 3) == flen);
    FUZZ_CHECK(catalog_fleet_drift(three, 3) == 1);

    for (i = 1; i < 3; i++) {
        c = memcmp(three[i - 1].version, three[i].version,
                   n.version_len + 1);

        FUZZ_CHECK(c < 0 || (c == 0 && three[i - 1].seen < three[i].seen));
    }

    root = json_loadb(out, flen, JSON_REJECT_DUPLICATES, &je);

    if (root == NULL) {
        fprintf(stderr, "fleet_json() is not JSON: %s\n%.*s\n", je.text,
                (int) flen, out);
        FUZZ_CHECK(0);
    }

    nodes = json_object_get(root, "nodes");
    FUZZ_CHECK(json_is_array(nodes) && json_array_size(nodes) == 3);
    FUZZ_CHECK(json_is_true(json_object_get(root, "drift")));

    json_decref(root);
    free(out);

    return 0;
}


static void
fuzz_check_node(const catalog_fleet_node_t *n)
{
    unsigned  i;

    FUZZ_CHECK(n->name_len >= 1 && n->name_len <= CATALOG_TOKEN_NAME_MAX);
    FUZZ_CHECK(n->name[n->name_len] == '\0');
    FUZZ_CHECK(catalog_fleet_is_node(n->name, n->name_len));
    FUZZ_CHECK(n->version_len >= 1
               && n->version_len <= CATALOG_FLEET_VERSION_MAX);
    FUZZ_CHECK(n->version[n->version_len] == '\0');
    FUZZ_CHECK(n->services <= (1ULL << 53));
    FUZZ_CHECK(n->seen >= 0);

    for (i = 0; i < CATALOG_OUTCOMES; i++) {
        FUZZ_CHECK(n->requests[i] <= (1ULL << 53));
    }
}


static void
fuzz_check_same(const catalog_fleet_node_t *a, const catalog_fleet_node_t *b)
{
    FUZZ_CHECK(a->name_len == b->name_len
               && memcmp(a->name, b->name, a->name_len) == 0);
    FUZZ_CHECK(a->version_len == b->version_len
               && memcmp(a->version, b->version, a->version_len) == 0);
    FUZZ_CHECK(a->services == b->services);
    FUZZ_CHECK(a->seen == b->seen);
    FUZZ_CHECK(memcmp(a->requests, b->requests, sizeof(a->requests)) == 0);
}


static char *
fuzz_write(size_t (*fn)(char *, const catalog_fleet_node_t *),
    const catalog_fleet_node_t *n, size_t *len)
{
    char  *buf;

    /* measure, then write into exactly as many bytes */

    *len = fn(NULL, n);

    buf = malloc(*len ? *len : 1);
    FUZZ_CHECK(buf != NULL);
    FUZZ_CHECK(fn(buf, n) == *len);

    return buf;
}
