
/*
 * Copyright (C) ngx_catalog developers
 */


/* posix_memalign(); madvise() and MADV_HUGEPAGE are not POSIX */

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <catalog_arena.h>


/*
 * Chunks start at 64 KiB; once an arena holds more than 4 MiB (a catalog
 * of some thousands of services), it takes 2 MiB chunks aligned to 2 MiB
 * and asks the kernel for transparent huge pages there.  Touching fresh
 * memory one 4 KiB page at a time is what loading a large catalog mostly
 * spent its time on (100,000 services fill about 80 MiB): in a virtual
 * machine each first touch of a page costs tens of microseconds, a huge
 * page is one fault for 512 of them.
 */

#define CATALOG_ARENA_CHUNK  (64 * 1024)
#define CATALOG_ARENA_LARGE  (2 * 1024 * 1024)
#define CATALOG_ARENA_ALIGN  16


struct catalog_arena_chunk_s {
    catalog_arena_chunk_t        *next;
    size_t                        size;
};


void
catalog_arena_init(catalog_arena_t *a)
{
    a->chunks = NULL;
    a->pos = NULL;
    a->end = NULL;
    a->total = 0;
}


void
catalog_arena_free(catalog_arena_t *a)
{
    catalog_arena_chunk_t  *c, *next;

    for (c = a->chunks; c; c = next) {
        next = c->next;
        free(c);
    }

    catalog_arena_init(a);
}


void *
catalog_arena_alloc(catalog_arena_t *a, size_t size)
{
    char                   *p;
    size_t                  n, hdr;
    catalog_arena_chunk_t  *c;

    size = (size + CATALOG_ARENA_ALIGN - 1)
           & ~(size_t) (CATALOG_ARENA_ALIGN - 1);

    /* strings leave pos unaligned; a chunk's end is aligned */

    a->pos = (char *) (((uintptr_t) a->pos + CATALOG_ARENA_ALIGN - 1)
                       & ~(uintptr_t) (CATALOG_ARENA_ALIGN - 1));

    if (size <= (size_t) (a->end - a->pos)) {
        p = a->pos;
        a->pos += size;
        return p;
    }

    hdr = (sizeof(catalog_arena_chunk_t) + CATALOG_ARENA_ALIGN - 1)
          & ~(size_t) (CATALOG_ARENA_ALIGN - 1);

    if (size > CATALOG_ARENA_CHUNK / 4) {

        /* a big block gets a chunk of its own; the current one stays */

        c = malloc(hdr + size);
        if (c == NULL) {
            return NULL;
        }

        c->size = hdr + size;
        a->total += c->size;

        if (a->chunks) {
            c->next = a->chunks->next;
            a->chunks->next = c;

        } else {
            c->next = NULL;
            a->chunks = c;
        }

        return (char *) c + hdr;
    }

    if (a->total >= 2 * CATALOG_ARENA_LARGE) {
        n = CATALOG_ARENA_LARGE;
        c = catalog_alloc_large(n);

    } else {
        n = CATALOG_ARENA_CHUNK;
        c = malloc(n);
    }

    if (c == NULL) {
        return NULL;
    }

    c->size = n;
    c->next = a->chunks;
    a->chunks = c;
    a->total += n;

    p = (char *) c + hdr;
    a->pos = p + size;
    a->end = (char *) c + n;

    return p;
}


void *
catalog_alloc_large(size_t size)
{
    void  *p;

    if (size < CATALOG_ARENA_LARGE) {
        return malloc(size);
    }

    if (posix_memalign(&p, CATALOG_ARENA_LARGE, size) != 0) {
        return NULL;
    }

#ifdef MADV_HUGEPAGE
    /* a hint: without transparent huge pages it changes nothing */
    (void) madvise(p, size, MADV_HUGEPAGE);
#endif

    return p;
}


void *
catalog_arena_calloc(catalog_arena_t *a, size_t size)
{
    void  *p;

    p = catalog_arena_alloc(a, size);
    if (p) {
        memset(p, 0, size);
    }

    return p;
}


void *
catalog_arena_calloc_line(catalog_arena_t *a, size_t size)
{
    char    *p;
    size_t   pad;

    pad = (size_t) -(uintptr_t) a->pos & (CATALOG_CACHE_LINE - 1);

    if (a->pos && pad + size <= (size_t) (a->end - a->pos)) {
        a->pos += pad;
        return catalog_arena_calloc(a, size);
    }

    /* a fresh chunk, or a block of its own: room to round up */

    p = catalog_arena_calloc(a, size + CATALOG_CACHE_LINE);
    if (p == NULL) {
        return NULL;
    }

    pad = (size_t) -(uintptr_t) p & (CATALOG_CACHE_LINE - 1);

    return p + pad;
}


int
catalog_arena_strdup(catalog_arena_t *a, catalog_str_t *dst, const char *src,
    size_t len)
{
    char  *p;

    /*
     * strings need no alignment: packed, they save a catalog of 100,000
     * services some megabytes of padding
     */

    if (a->pos && len + 1 <= (size_t) (a->end - a->pos)) {
        p = a->pos;
        a->pos += len + 1;

    } else {
        p = catalog_arena_alloc(a, len + 1);
        if (p == NULL) {
            return -1;
        }
    }

    if (len) {
        memcpy(p, src, len);
    }

    p[len] = '\0';

    dst->data = p;
    dst->len = len;

    return 0;
}
