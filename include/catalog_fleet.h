
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_FLEET_H_INCLUDED_
#define _CATALOG_FLEET_H_INCLUDED_


/*
 * The fleet: every node publishes what it serves under "PREFIX" "nodes:"
 * "NODE" (with a TTL), as JSON:
 *
 *     {"name": "gw-1", "version": "9f2c...", "services": 1234,
 *      "seen": "2026-12-01T01:00:00.123Z",
 *      "requests": {"proxy": 10, "redirect": 0, "gone": 0,
 *                   "maintenance": 0, "not_found": 2,
 *                   "method_not_allowed": 0}}
 *
 * and reads the others' to report them.  What is read is hostile: it is
 * parsed with limits and written out again from the parsed fields only.
 */


#include <stddef.h>
#include <stdint.h>

#include <catalog_model.h>
#include <catalog_admin.h>
#include <catalog_metrics.h>


#define CATALOG_FLEET_NODE_MAX     4096     /* bytes of one node's JSON */
#define CATALOG_FLEET_NODES_MAX    256      /* nodes reported */
#define CATALOG_FLEET_VERSION_MAX  64       /* bytes of a catalog version */


typedef struct {
    char                          name[CATALOG_TOKEN_NAME_MAX + 1];
    size_t                        name_len;
    char                          version[CATALOG_FLEET_VERSION_MAX + 1];
    size_t                        version_len;
    uint64_t                      services;
    int64_t                       seen;        /* ms since the epoch */
    uint64_t                      requests[CATALOG_OUTCOMES];
} catalog_fleet_node_t;


/* a node's name: [A-Za-z0-9._-]{1,64}, as a token's name */
int catalog_fleet_is_node(const char *s, size_t len);

/* a node's JSON, as above; measure with dst NULL */
size_t catalog_fleet_node_json(char *dst, const catalog_fleet_node_t *n);

/*
 * Parses a node's JSON (at most CATALOG_FLEET_NODE_MAX bytes): an object
 * with exactly the keys above, "name" a node name, "version" 1 to 64
 * bytes of [0-9A-Za-z._-], "services" and the six request counts
 * integers from 0 to 2^53, "seen" RFC 3339.  Returns 0, or -1 with the
 * reason in err.
 */
int catalog_fleet_node_parse(const char *buf, size_t len,
    catalog_fleet_node_t *n, char *err, size_t errlen);

/*
 * The status's "fleet" object: {"nodes": [NODE JSON, ...] sorted by name,
 * "drift": true | false}, drift when the nodes do not all have the same
 * version (no node, or one: false); measure with dst NULL
 */
size_t catalog_fleet_json(char *dst, catalog_fleet_node_t *nodes, size_t n);

/* whether the nodes do not all serve the same catalog version */
int catalog_fleet_drift(const catalog_fleet_node_t *nodes, size_t n);


#endif /* _CATALOG_FLEET_H_INCLUDED_ */
