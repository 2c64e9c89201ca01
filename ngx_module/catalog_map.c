
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdlib.h>
#include <string.h>

#include <catalog_arena.h>
#include <catalog_map.h>


static int catalog_map_grow(catalog_map_t *m);
static catalog_map_entry_t *catalog_map_alloc(size_t size);


int
catalog_map_init(catalog_map_t *m, size_t hint)
{
    size_t  size;

    size = 16;

    while (size < hint * 2) {
        size *= 2;
    }

    m->entries = catalog_map_alloc(size);
    if (m->entries == NULL) {
        return -1;
    }

    m->size = size;
    m->count = 0;

    return 0;
}


void
catalog_map_free(catalog_map_t *m)
{
    catalog_free_large(m->entries, m->size * sizeof(catalog_map_entry_t));

    m->entries = NULL;
    m->size = 0;
    m->count = 0;
}


int
catalog_map_insert(catalog_map_t *m, uint64_t hash, const char *key,
    size_t len, void *value, void **existing)
{
    size_t                i, mask;
    catalog_map_entry_t  *e;

    mask = m->size - 1;

    for (i = hash & mask; m->size && m->entries[i].key; i = (i + 1) & mask) {
        e = &m->entries[i];

        if (e->hash == (uint32_t) hash && e->len == len
            && memcmp(e->key, key, len) == 0)
        {
            if (existing) {
                *existing = e->value;
            }

            return 1;
        }
    }

    return catalog_map_add(m, hash, key, len, value);
}


int
catalog_map_add(catalog_map_t *m, uint64_t hash, const char *key, size_t len,
    void *value)
{
    size_t                i, mask;
    catalog_map_entry_t  *e;

    /* the slot is hash & mask: tables stay far below 2^32 slots */

    if (len > UINT32_MAX) {
        return -1;
    }

    if ((m->count + 1) * 2 > m->size) {
        if (catalog_map_grow(m) != 0) {
            return -1;
        }
    }

    mask = m->size - 1;

    for (i = hash & mask; m->entries[i].key; i = (i + 1) & mask) {
        /* void */
    }

    e = &m->entries[i];

    e->hash = (uint32_t) hash;
    e->key = key;
    e->len = (uint32_t) len;
    e->value = value;

    m->count++;

    return 0;
}


int
catalog_map_replace(catalog_map_t *m, uint64_t hash, void *old, void *value)
{
    size_t                i, mask;
    catalog_map_entry_t  *e;

    if (m->size == 0) {
        return -1;
    }

    mask = m->size - 1;

    for (i = hash & mask; /* void */ ; i = (i + 1) & mask) {
        e = &m->entries[i];

        if (e->key == NULL) {
            return -1;
        }

        if (e->hash == (uint32_t) hash && e->value == old) {
            e->value = value;
            return 0;
        }
    }
}


void *
catalog_map_find(const catalog_map_t *m, uint64_t hash, const char *key,
    size_t len)
{
    size_t                     i, mask;
    const catalog_map_entry_t  *e;

    if (m->size == 0) {
        return NULL;
    }

    mask = m->size - 1;

    for (i = hash & mask; /* void */ ; i = (i + 1) & mask) {
        e = &m->entries[i];

        if (e->key == NULL) {
            return NULL;
        }

        if (e->hash == (uint32_t) hash && e->len == len
            && memcmp(e->key, key, len) == 0)
        {
            return e->value;
        }
    }
}


static int
catalog_map_grow(catalog_map_t *m)
{
    size_t                i, j, size, mask;
    catalog_map_entry_t  *entries, *e;

    size = m->size ? m->size * 2 : 16;

    entries = catalog_map_alloc(size);
    if (entries == NULL) {
        return -1;
    }

    mask = size - 1;

    for (i = 0; i < m->size; i++) {
        e = &m->entries[i];

        if (e->key == NULL) {
            continue;
        }

        for (j = e->hash & mask; entries[j].key; j = (j + 1) & mask) {
            /* void */
        }

        entries[j] = *e;
    }

    catalog_free_large(m->entries, m->size * sizeof(catalog_map_entry_t));

    m->entries = entries;
    m->size = size;

    return 0;
}


static catalog_map_entry_t *
catalog_map_alloc(size_t size)
{
    catalog_map_entry_t  *entries;

    /* the tables of a large catalog are megabytes: huge pages there */

    entries = catalog_alloc_large(size * sizeof(catalog_map_entry_t));
    if (entries == NULL) {
        return NULL;
    }

    memset(entries, 0, size * sizeof(catalog_map_entry_t));

    return entries;
}
