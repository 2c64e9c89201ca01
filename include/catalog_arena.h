
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_ARENA_H_INCLUDED_
#define _CATALOG_ARENA_H_INCLUDED_


/*
 * A bump allocator for everything the catalog keeps for its lifetime:
 * built once when the configuration loads, freed at once with the
 * configuration.  Nothing is freed individually.
 */


#include <stddef.h>


#define CATALOG_CACHE_LINE  64

#include <catalog_model.h>


typedef struct catalog_arena_chunk_s  catalog_arena_chunk_t;

typedef struct {
    catalog_arena_chunk_t        *chunks;
    catalog_arena_chunk_t        *spare;       /* after a reset: taken
                                                  again before new ones */
    char                         *pos;
    char                         *end;
    size_t                        total;       /* bytes of its chunks */
} catalog_arena_t;


void catalog_arena_init(catalog_arena_t *a);
void catalog_arena_free(catalog_arena_t *a);

/*
 * Forgets everything allocated but keeps the chunks, whose pages are
 * then already there: a scratch arena used again and again
 */
void catalog_arena_reset(catalog_arena_t *a);
void *catalog_arena_alloc(catalog_arena_t *a, size_t size);
void *catalog_arena_calloc(catalog_arena_t *a, size_t size);

/* zeroed, and starting a cache line: for what requests read at random */
void *catalog_arena_calloc_line(catalog_arena_t *a, size_t size);
int catalog_arena_strdup(catalog_arena_t *a, catalog_str_t *dst,
    const char *src, size_t len);

/*
 * Blocks that live as long as a catalog or a load (arena chunks, hash
 * tables): mapped from the kernel from 16 KiB on, so that they leave no
 * hole in malloc's heap when freed, 2 MiB aligned and backed by huge pages
 * where the kernel allows from 2 MiB on; freed with catalog_free_large()
 * and the same size.
 */
void *catalog_alloc_large(size_t size);
void catalog_free_large(void *p, size_t size);

/* a size rounded up to whole pages */
size_t catalog_pages_round(size_t size);


#endif /* _CATALOG_ARENA_H_INCLUDED_ */
