
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_MAP_H_INCLUDED_
#define _CATALOG_MAP_H_INCLUDED_


/*
 * An open addressing hash map from byte strings to pointers, filled when
 * the configuration loads and only read afterwards.  The caller keeps the
 * key bytes alive (they live in the catalog arena) and computes the hash,
 * the same for the same key: catalog_hash(), which can be continued over
 * several pieces, or its own (the route table hashes paths a word at a
 * time).
 */


#include <stddef.h>
#include <stdint.h>


#define CATALOG_HASH_INIT  0xcbf29ce484222325ULL


/* 24 bytes: with 100,000 keys a table of 262,144 slots takes 6 MiB */

typedef struct {
    const char                   *key;
    void                         *value;
    uint32_t                      hash;        /* its low 32 bits */
    uint32_t                      len;
} catalog_map_entry_t;


typedef struct {
    catalog_map_entry_t          *entries;
    size_t                        size;        /* a power of two */
    size_t                        count;
} catalog_map_t;


static inline uint64_t
catalog_hash(uint64_t h, const char *p, size_t len)
{
    /* FNV-1a, 64 bit */

    while (len--) {
        h ^= (unsigned char) *p++;
        h *= 0x100000001b3ULL;
    }

    return h;
}


#if defined(__GNUC__)
#define catalog_prefetch(p)  __builtin_prefetch(p)
#else
#define catalog_prefetch(p)  (void) (p)
#endif


/*
 * asks the CPU for the slot a lookup of this hash starts at: lookups that
 * follow each other then wait for memory once, not once each
 */

static inline void
catalog_map_prefetch(const catalog_map_t *m, uint64_t hash)
{
    if (m->size) {
        catalog_prefetch(&m->entries[hash & (m->size - 1)]);
    }
}


int catalog_map_init(catalog_map_t *m, size_t hint);
void catalog_map_free(catalog_map_t *m);

/*
 * Inserts key -> value.  Returns 0 when added, 1 when the key is already
 * there (*existing is then its value and nothing changes), -1 when out of
 * memory.
 */
int catalog_map_insert(catalog_map_t *m, uint64_t hash, const char *key,
    size_t len, void *value, void **existing);

/*
 * Adds key -> value without looking for the key first: the caller knows
 * it is not there, or tells equal keys apart by their values.  Returns 0,
 * or -1 when out of memory.
 */
int catalog_map_add(catalog_map_t *m, uint64_t hash, const char *key,
    size_t len, void *value);

/*
 * gives the key of this hash that holds the value "old" the value "value";
 * -1 when there is none
 */
int catalog_map_replace(catalog_map_t *m, uint64_t hash, void *old,
    void *value);

void *catalog_map_find(const catalog_map_t *m, uint64_t hash,
    const char *key, size_t len);


#endif /* _CATALOG_MAP_H_INCLUDED_ */
