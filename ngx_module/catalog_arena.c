
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
#include <unistd.h>

#include <catalog_arena.h>


/*
 * Chunks start at 64 KiB; once an arena holds more than 4 MiB (a catalog
 * of some thousands of services), it takes 2 MiB chunks aligned to 2 MiB
 * and asks the kernel for transparent huge pages there.  Touching fresh
 * memory one 4 KiB page at a time is what loading a large catalog mostly
 * spent its time on (100,000 services fill about 80 MiB): in a virtual
 * machine each first touch of a page costs tens of microseconds, a huge
 * page is one fault for 512 of them.
 *
 * Chunks and large blocks are mapped from the kernel, not taken from
 * malloc(): freed, they go back whole.  Left in malloc's heap, the memory
 * a load frees (parsed JSON, file buffers, an old catalog after a reload)
 * stays there as holes between the blocks that remain, which a worker
 * inherits: every request then pays for malloc() carving its pool out of
 * them (callgrind counted 50 to 360 instructions a request more than with
 * a clean heap, varying from start to start).
 */


#define CATALOG_ARENA_CHUNK  (64 * 1024)
#define CATALOG_ARENA_LARGE  (2 * 1024 * 1024)
#define CATALOG_ARENA_ALIGN  16

/* below this a large block comes from malloc(): a page would be wasted */
#define CATALOG_PAGES_MIN    (16 * 1024)


struct catalog_arena_chunk_s {
    catalog_arena_chunk_t        *next;
    size_t                        size;
};


static catalog_arena_chunk_t *catalog_arena_chunk(catalog_arena_t *a,
    size_t size);
static void catalog_arena_unmap(catalog_arena_chunk_t *c);


void
catalog_arena_init(catalog_arena_t *a)
{
    a->chunks = NULL;
    a->spare = NULL;
    a->pos = NULL;
    a->end = NULL;
    a->total = 0;
}


void
catalog_arena_free(catalog_arena_t *a)
{
    catalog_arena_unmap(a->chunks);
    catalog_arena_unmap(a->spare);

    catalog_arena_init(a);
}


void
catalog_arena_reset(catalog_arena_t *a)
{
    catalog_arena_chunk_t  *c, *next;

    for (c = a->chunks; c; c = next) {
        next = c->next;
        c->next = a->spare;
        a->spare = c;
    }

    a->chunks = NULL;
    a->pos = NULL;
    a->end = NULL;
}


static void
catalog_arena_unmap(catalog_arena_chunk_t *c)
{
    catalog_arena_chunk_t  *next;

    for ( /* void */ ; c; c = next) {
        next = c->next;
        catalog_free_large(c, c->size);
    }
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

        c = catalog_arena_chunk(a, catalog_pages_round(hdr + size));
        if (c == NULL) {
            return NULL;
        }

        if (a->chunks) {
            c->next = a->chunks->next;
            a->chunks->next = c;

        } else {
            c->next = NULL;
            a->chunks = c;
        }

        return (char *) c + hdr;
    }

    n = (a->total >= 2 * CATALOG_ARENA_LARGE) ? CATALOG_ARENA_LARGE
                                               : CATALOG_ARENA_CHUNK;

    c = catalog_arena_chunk(a, n);
    if (c == NULL) {
        return NULL;
    }

    c->next = a->chunks;
    a->chunks = c;

    p = (char *) c + hdr;
    a->pos = p + size;
    a->end = (char *) c + c->size;

    return p;
}


/* a spare chunk of at least size bytes, else a new one */

static catalog_arena_chunk_t *
catalog_arena_chunk(catalog_arena_t *a, size_t size)
{
    catalog_arena_chunk_t  *c, **prev;

    for (prev = &a->spare; *prev; prev = &(*prev)->next) {
        c = *prev;

        if (c->size >= size) {
            *prev = c->next;
            return c;
        }
    }

    c = catalog_alloc_large(size);
    if (c == NULL) {
        return NULL;
    }

    c->size = size;
    a->total += size;

    return c;
}


void *
catalog_alloc_large(size_t size)
{
    char    *p;
    size_t   head, map;

    if (size < CATALOG_PAGES_MIN) {
        return malloc(size);
    }

    size = catalog_pages_round(size);

    if (size < CATALOG_ARENA_LARGE) {
        p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        return (p == MAP_FAILED) ? NULL : p;
    }

    /* 2 MiB aligned, for huge pages: map more, unmap the edges */

    map = size + CATALOG_ARENA_LARGE;

    p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }

    head = (size_t) -(uintptr_t) p & (CATALOG_ARENA_LARGE - 1);

    if (head) {
        (void) munmap(p, head);
    }

    (void) munmap(p + head + size, map - head - size);

    p += head;

#ifdef MADV_HUGEPAGE
    /* a hint: without transparent huge pages it changes nothing */
    (void) madvise(p, size, MADV_HUGEPAGE);
#endif

    return p;
}


void
catalog_free_large(void *p, size_t size)
{
    if (p == NULL) {
        return;
    }

    if (size < CATALOG_PAGES_MIN) {
        free(p);
        return;
    }

    (void) munmap(p, catalog_pages_round(size));
}


size_t
catalog_pages_round(size_t size)
{
    long           n;
    static size_t  page;

    if (page == 0) {
        n = sysconf(_SC_PAGESIZE);
        page = (n > 0) ? (size_t) n : 4096;
    }

    return (size + page - 1) & ~(page - 1);
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
