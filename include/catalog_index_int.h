
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_INDEX_INT_H_INCLUDED_
#define _CATALOG_INDEX_INT_H_INCLUDED_


/*
 * The layout of the search index, private to catalog_index.c, which
 * builds it, and catalog_search.c, which runs the queries on it.
 */


#include <stddef.h>
#include <stdint.h>

#include <catalog_index.h>


#define CATALOG_INDEX_SHIFT   4
#define CATALOG_INDEX_FIELDS  0x0f
#define CATALOG_INDEX_NONE    0xffffffff


typedef struct {
    catalog_str_t                 value;
    uint32_t                     *ranks;       /* ascending */
    uint32_t                      n;
} catalog_index_list_t;


struct catalog_index_s {
    catalog_t                    *cat;
    uint32_t                      nservices;

    catalog_str_t                *words;       /* distinct, in byte order */
    uint32_t                      nwords;
    uint32_t                     *post_off;    /* nwords + 1 */
    uint32_t                     *posts;       /* rank << 4 | fields */

    uint32_t                     *own_off;     /* by rank, nservices + 1 */
    uint32_t                     *own;         /* word << 4 | fields */

    uint32_t                     *name_off;    /* by rank, nservices + 1 */
    uint32_t                     *name_words;  /* each name's, in order */

    uint32_t                     *by_name;     /* rank -> service */
    uint32_t                     *name_rank;   /* service -> rank */
    uint32_t                     *by_agency;   /* place -> service */
    uint32_t                     *agency_place;  /* rank -> place */
    unsigned                      rank_bits;

    uint32_t                     *agency;      /* rank -> agency->index */
    uint32_t                     *agency_off;  /* by agency->index */
    uint32_t                     *agency_ranks;
    uint32_t                      nagencies;

    catalog_index_list_t         *categories;  /* in byte order */
    uint32_t                      ncategories;
    uint32_t                     *category;    /* rank -> category */

    catalog_index_list_t         *tags;        /* in byte order */
    uint32_t                      ntags;

    /* scratch, private to each worker process once forked */

    uint32_t                      stamp;
    uint32_t                     *stamps;      /* seen by query "stamp" */
    uint32_t                     *scores;      /* by rank */
    uint32_t                     *hits;        /* ranks */
    uint64_t                     *keys;
    uint64_t                     *keys_tmp;
};


/*
 * Sorts n keys: insertion sort when few, else a radix sort by the bytes
 * from "from" to "to" (least significant first), skipping a byte all the
 * keys share.  Returns a or tmp, whichever holds the result.
 */
uint64_t *catalog_index_sort(uint64_t *a, uint64_t *tmp, size_t n,
    unsigned from, unsigned to);


#endif /* _CATALOG_INDEX_INT_H_INCLUDED_ */
