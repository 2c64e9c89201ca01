
/*
 * Copyright (C) ngx_catalog developers
 */


#include <string.h>

#include <catalog_table.h>


#define CATALOG_DEPTH_MAX  (CATALOG_PATH_MAX / 2 + 1)

#define CATALOG_WORD_MUL   0x9e3779b97f4a7c15ULL
#define CATALOG_BYTES_01   0x0101010101010101ULL
#define CATALOG_BYTES_7F   0x7f7f7f7f7f7f7f7fULL

/* the first n (< 8) bytes of a word */
#define catalog_word_head(w, n)  ((w) & ((1ULL << (8 * (n))) - 1))


static catalog_table_host_t *catalog_table_host(catalog_table_t *t,
    catalog_arena_t *a, const catalog_str_t *host);
static void catalog_table_match(const catalog_table_t *t,
    const catalog_table_host_t *th, const char *path, size_t plen,
    catalog_match_t *m);
static catalog_route_t *catalog_table_prefix(const catalog_table_t *t,
    const catalog_table_host_t *th, uint64_t hash, const char *path,
    size_t len);
static catalog_route_t *catalog_table_probe(const catalog_table_t *t,
    const catalog_table_host_t *th, uint64_t hash, const char *path,
    size_t len);


/*
 * Paths hash 8 bytes at a time: len / 8 whole words, then the rest, if
 * any, as one more word padded with zeros.  The hash of a prefix that ends
 * inside a word is then the hash of the words before it and of that
 * word's head: a lookup gets the hash of every prefix ending before a '/'
 * for one more multiplication each, on its one walk through the path.
 *
 * Each word is mixed in by a 64 x 64 -> 128 bit multiplication folded to
 * 64 bits, which carries every bit of the word into the low bits that
 * choose the slot, where FNV-1a needs one multiplication per byte.
 */

static inline uint64_t
catalog_word_hash(uint64_t h, uint64_t w)
{
#if defined(__SIZEOF_INT128__)
    unsigned __int128  m;

    m = (unsigned __int128) (h ^ w) * CATALOG_WORD_MUL;

    return (uint64_t) m ^ (uint64_t) (m >> 64);
#else
    h ^= w;
    h *= CATALOG_WORD_MUL;
    h ^= h >> 32;
    h *= CATALOG_WORD_MUL;

    return h ^ (h >> 29);
#endif
}


/* n bytes, little-endian whatever the CPU: compilers make it one load */

static inline uint64_t
catalog_word_load(const char *p, size_t n)
{
    size_t                i;
    uint64_t              w;
    const unsigned char  *u;

    u = (const unsigned char *) p;

    if (n == 8) {
        return (uint64_t) u[0] | (uint64_t) u[1] << 8
               | (uint64_t) u[2] << 16 | (uint64_t) u[3] << 24
               | (uint64_t) u[4] << 32 | (uint64_t) u[5] << 40
               | (uint64_t) u[6] << 48 | (uint64_t) u[7] << 56;
    }

    w = 0;

    for (i = 0; i < n; i++) {
        w |= (uint64_t) u[i] << (8 * i);
    }

    return w;
}


/* 0x80 in each byte of the word that is a '/', 0 in the others */

static inline uint64_t
catalog_word_slashes(uint64_t w)
{
    uint64_t  x, y;

    x = w ^ ('/' * CATALOG_BYTES_01);
    y = (x & CATALOG_BYTES_7F) + CATALOG_BYTES_7F;

    return ~(y | x | CATALOG_BYTES_7F);
}


static inline unsigned
catalog_word_first(uint64_t bits)
{
#if defined(__GNUC__)
    return (unsigned) __builtin_ctzll(bits) / 8;
#else
    unsigned  n;

    for (n = 0; (bits & 0xff) == 0; n++) {
        bits >>= 8;
    }

    return n;
#endif
}


/*
 * the last n (< 8) bytes of a path of len bytes as a word: the last 8
 * bytes shifted, one load, when the path has them
 */

static inline uint64_t
catalog_word_tail(const char *path, size_t len, size_t n)
{
    if (len >= 8) {
        return catalog_word_load(&path[len - 8], 8) >> (64 - 8 * n);
    }

    return catalog_word_load(&path[len - n], n);
}


static uint64_t
catalog_path_hash(uint64_t h, const char *path, size_t len)
{
    size_t  i;

    for (i = 0; i + 8 <= len; i += 8) {
        h = catalog_word_hash(h, catalog_word_load(&path[i], 8));
    }

    if (i < len) {
        h = catalog_word_hash(h, catalog_word_tail(path, len, len - i));
    }

    return h;
}


int
catalog_table_init(catalog_table_t *t)
{
    memset(t, 0, sizeof(catalog_table_t));

    if (catalog_map_init(&t->paths, 64) != 0) {
        return -1;
    }

    if (catalog_map_init(&t->hosts, 4) != 0) {
        catalog_map_free(&t->paths);
        return -1;
    }

    t->any.host.data = "";
    t->any.hash = catalog_hash(CATALOG_HASH_INIT, "\n", 1);

    return 0;
}


void
catalog_table_free(catalog_table_t *t)
{
    catalog_map_free(&t->paths);
    catalog_map_free(&t->hosts);
}


unsigned
catalog_path_depth(const char *path, size_t len)
{
    size_t    i;
    unsigned  depth;

    depth = 0;

    for (i = 0; i < len; i++) {
        if (path[i] == '/' && i + 1 < len && path[i + 1] != '/') {
            depth++;
        }
    }

    return depth;
}


catalog_route_t *
catalog_table_add(catalog_table_t *t, catalog_arena_t *a,
    catalog_route_t *route)
{
    char                  *key;
    size_t                 len;
    uint64_t               hash;
    unsigned               depth;
    catalog_route_t       *other;
    catalog_table_host_t  *th;

    /* the lookup keeps one slot per segment on its stack */

    len = route->path.len;

    if (len > CATALOG_PATH_MAX) {
        return route;
    }

    th = catalog_table_host(t, a, &route->host);
    if (th == NULL) {
        return route;
    }

    hash = catalog_path_hash(th->hash, route->path.data, len);

    other = catalog_table_probe(t, th, hash, route->path.data, len);

    if (other == NULL) {

        /*
         * the key is the route's path; copied only when it would cross
         * a cache line, where a lookup reads it whole
         */

        key = (char *) route->path.data;

        if (len <= CATALOG_CACHE_LINE
            && ((uintptr_t) key & (CATALOG_CACHE_LINE - 1)) + len
               > CATALOG_CACHE_LINE)
        {
            key = catalog_arena_calloc_line(a, len);
            if (key == NULL) {
                return route;
            }

            memcpy(key, route->path.data, len);
        }

        if (catalog_map_add(&t->paths, hash, key, len, route) != 0) {
            return route;
        }

    } else if (other->exact == route->exact) {
        return other;

    } else if (other->exact) {

        if (other->twin) {
            return other->twin;
        }

        other->twin = route;

    } else {

        /* the exact route takes the key, the prefix one hangs on it */

        if (catalog_map_replace(&t->paths, hash, other, route) != 0) {
            return route;
        }

        route->twin = other;
    }

    route->host.data = th->host.data;

    /* an exact route is only ever probed for the whole path */

    if (!route->exact) {
        depth = catalog_path_depth(route->path.data, len);

        if (depth > th->max_depth) {
            th->max_depth = depth;
        }
    }

    th->nroutes++;
    t->nroutes++;

    return NULL;
}


catalog_route_t *
catalog_table_find(const catalog_table_t *t, const catalog_str_t *host,
    const catalog_str_t *path, int exact)
{
    catalog_route_t             *route;
    const catalog_table_host_t  *th;

    th = &t->any;

    if (host->len) {
        th = catalog_map_find(&t->hosts,
                              catalog_hash(CATALOG_HASH_INIT, host->data,
                                           host->len),
                              host->data, host->len);
        if (th == NULL) {
            return NULL;
        }
    }

    route = catalog_table_probe(t, th,
                                catalog_path_hash(th->hash, path->data,
                                                  path->len),
                                path->data, path->len);

    if (route == NULL || route->exact == (unsigned) !!exact) {
        return route;
    }

    /* an exact route is in the table whenever there is one */

    return exact ? NULL : route->twin;
}


static catalog_table_host_t *
catalog_table_host(catalog_table_t *t, catalog_arena_t *a,
    const catalog_str_t *host)
{
    char                  *p;
    uint64_t               hash;
    catalog_table_host_t  *th;

    if (host->len == 0) {
        return &t->any;
    }

    hash = catalog_hash(CATALOG_HASH_INIT, host->data, host->len);

    th = catalog_map_find(&t->hosts, hash, host->data, host->len);
    if (th) {
        return th;
    }

    th = catalog_arena_calloc(a, sizeof(catalog_table_host_t));
    p = catalog_arena_alloc(a, host->len + 1);

    if (th == NULL || p == NULL) {
        return NULL;
    }

    memcpy(p, host->data, host->len);
    p[host->len] = '\0';

    th->host.data = p;
    th->host.len = host->len;
    th->hash = catalog_hash(hash, "\n", 1);

    if (catalog_map_insert(&t->hosts, hash, p, host->len, th, NULL) != 0) {
        return NULL;
    }

    return th;
}


void
catalog_table_lookup(const catalog_table_t *t, const char *host, size_t hlen,
    const char *path, size_t plen, catalog_match_t *m)
{
    const catalog_table_host_t  *th;

    m->route = NULL;
    m->matched = 0;

    if (hlen && t->hosts.count) {
        th = catalog_map_find(&t->hosts,
                              catalog_hash(CATALOG_HASH_INIT, host, hlen),
                              host, hlen);
        if (th) {
            catalog_table_match(t, th, path, plen, m);

            if (m->route) {
                return;
            }
        }
    }

    if (t->any.nroutes) {
        catalog_table_match(t, &t->any, path, plen, m);
    }
}


static void
catalog_table_match(const catalog_table_t *t, const catalog_table_host_t *th,
    const char *path, size_t plen, catalog_match_t *m)
{
    size_t            i, j, len, cut[CATALOG_DEPTH_MAX];
    uint64_t          h, w, slashes, hash[CATALOG_DEPTH_MAX];
    unsigned          b, n, depth, step;
    catalog_route_t  *route;

    /* the path without its trailing slashes; "/" stays "/" */

    len = plen;

    while (len > 1 && path[len - 1] == '/') {
        len--;
    }

    if (len == 0 || path[0] != '/') {
        return;
    }

    /*
     * hash the path once, and keep the hash of the path up to each of
     * its first max_depth segment ends: the only places a prefix route
     * can end
     */

    h = th->hash;
    n = 0;
    depth = 0;

    for (i = 0; i < len; i += step) {

        if (len - i >= 8) {
            step = 8;
            w = catalog_word_load(&path[i], 8);

        } else {
            step = (unsigned) (len - i);
            w = catalog_word_tail(path, len, step);
        }

        for (slashes = catalog_word_slashes(w);
             slashes && depth < th->max_depth;
             slashes &= slashes - 1)
        {
            b = catalog_word_first(slashes);
            j = i + b;

            if (j == 0 || path[j - 1] == '/') {
                continue;
            }

            depth++;

            cut[n] = j;
            hash[n] = b ? catalog_word_hash(h, catalog_word_head(w, b)) : h;

            catalog_map_prefetch(&t->paths, hash[n]);

            n++;
        }

        h = catalog_word_hash(h, w);
    }

    /* the whole path: its exact route, else its prefix one */

    route = catalog_table_probe(t, th, h, path, len);
    if (route) {
        m->route = route;
        m->matched = len;
        return;
    }

    /* the longest prefix ending at a segment boundary, "/" last */

    while (n--) {
        route = catalog_table_prefix(t, th, hash[n], path, cut[n]);
        if (route) {
            m->route = route;
            m->matched = cut[n];
            return;
        }
    }

    route = catalog_table_prefix(t, th, catalog_word_hash(th->hash, '/'),
                                 "/", 1);
    if (route) {
        m->route = route;
        m->matched = 0;
    }
}


/* the prefix route of the host at a path, if any */

static catalog_route_t *
catalog_table_prefix(const catalog_table_t *t, const catalog_table_host_t *th,
    uint64_t hash, const char *path, size_t len)
{
    catalog_route_t  *route;

    route = catalog_table_probe(t, th, hash, path, len);

    return (route && route->exact) ? route->twin : route;
}


/*
 * The route of the host at a path, if any: its exact one, if it has one.
 * The slot was asked for while the path was hashed, and the route is
 * asked for while its key is compared.
 */

static catalog_route_t *
catalog_table_probe(const catalog_table_t *t, const catalog_table_host_t *th,
    uint64_t hash, const char *path, size_t len)
{
    size_t                      i, mask;
    catalog_route_t            *route;
    const catalog_map_entry_t  *e;

    mask = t->paths.size - 1;

    for (i = hash & mask; /* void */ ; i = (i + 1) & mask) {
        e = &t->paths.entries[i];

        if (e->key == NULL) {
            return NULL;
        }

        if (e->hash != (uint32_t) hash || e->len != len) {
            continue;
        }

        route = e->value;
        catalog_prefetch(route);

        if (memcmp(e->key, path, len) == 0
            && route->host.data == th->host.data)
        {
            return route;
        }
    }
}
