
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_TABLE_H_INCLUDED_
#define _CATALOG_TABLE_H_INCLUDED_


/*
 * The route table: one hash from (host, path) to the routes at that path.
 * The hash covers the host, the key is the path itself (the route's own
 * string, no copy), and a route found must belong to the host looked up
 * (its host string is the table's, compared by address).  An exact route
 * takes the key of its path; the prefix route at the same path, if any,
 * hangs on it as its twin.  A lookup hashes the request path once,
 * segment by segment, and probes at most one key per segment (bounded by
 * the deepest prefix route of the host) and one for the whole path, so its
 * cost depends on the request, never on the number of services.  A key
 * leads straight to its route: at random over a large catalog every
 * pointer followed is a cache miss, and the route and its path are
 * fetched side by side.
 */


#include <catalog_model.h>
#include <catalog_arena.h>
#include <catalog_map.h>


typedef struct {
    catalog_str_t                 host;        /* empty for host-less;
                                                  its routes' host */
    uint64_t                      hash;        /* "host\n": where the hash
                                                  of a path starts */
    unsigned                      max_depth;   /* segments of the deepest
                                                  prefix route */
    unsigned                      nroutes;
} catalog_table_host_t;


typedef struct {
    catalog_map_t                 paths;       /* catalog_route_t */
    catalog_map_t                 hosts;       /* catalog_table_host_t */
    catalog_table_host_t          any;         /* the host-less routes */
    unsigned                      nroutes;
} catalog_table_t;


typedef struct {
    catalog_route_t              *route;       /* NULL: no route */
    size_t                        matched;     /* bytes of the path the
                                                  route covers; the rest
                                                  starts at path + matched */
} catalog_match_t;


int catalog_table_init(catalog_table_t *t);
void catalog_table_free(catalog_table_t *t);

/*
 * Adds a route whose path and host are already normalised; the route's
 * host then points at the table's copy of it.  Returns NULL when added;
 * the route that already claims the same (host, path, match) when there
 * is one; and the route itself when out of memory.
 */
catalog_route_t *catalog_table_add(catalog_table_t *t, catalog_arena_t *a,
    catalog_route_t *route);

/*
 * The route claiming exactly (host, path, match), or NULL: the conflict
 * check of a manifest before any of its routes is added.
 */
catalog_route_t *catalog_table_find(const catalog_table_t *t,
    const catalog_str_t *host, const catalog_str_t *path, int exact);

/*
 * Looks up a request: host is lowercase without a port (length 0 when the
 * request has none), path is the decoded, normalised URI.  Routes of the
 * host come first; the host-less ones only when none of them matches.
 */
void catalog_table_lookup(const catalog_table_t *t, const char *host,
    size_t hlen, const char *path, size_t plen, catalog_match_t *m);

/* the number of segments of a normalised path: "/" 0, "/a/b" 2 */
unsigned catalog_path_depth(const char *path, size_t len);


#endif /* _CATALOG_TABLE_H_INCLUDED_ */
