
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_INDEX_H_INCLUDED_
#define _CATALOG_INDEX_H_INCLUDED_


/*
 * The search index of a catalog, built once when the configuration loads
 * (catalog_index_build) and read-only afterwards but for a scratch stamp
 * array private to each worker process.
 *
 * Words: the text of a service's name, description, tags and agency name
 * is folded (lowercase, accents removed: catalog_text_fold) and cut into
 * words at every character that is not a letter or a digit.  The index
 * keeps the sorted list of distinct words with, for each, the services
 * holding it and in which fields; a query word matches every indexed word
 * it is a prefix of, found by binary search.  A query runs from its
 * rarest word (the posting sizes are summed ahead) and checks the other
 * words on each candidate, so it never scans the whole catalog.
 */


#include <stddef.h>
#include <stdint.h>

#include <catalog.h>
#include <catalog_query.h>


/* field weights of a word, highest first */
#define CATALOG_FIELD_NAME         0x08
#define CATALOG_FIELD_TAG          0x04
#define CATALOG_FIELD_AGENCY       0x02
#define CATALOG_FIELD_DESCRIPTION  0x01

/* bytes of a word, longer ones are cut (at a character boundary) */
#define CATALOG_TEXT_WORD_MAX      64


typedef struct catalog_index_s  catalog_index_t;


typedef struct {
    uint32_t                      service;     /* index in cat->services */
    uint32_t                      score;
} catalog_hit_t;


/*
 * The status a query filters on, which only the embedder knows (runtime
 * overrides); NULL means each service's manifest status.
 */
typedef catalog_status_e (*catalog_status_pt)(void *ctx,
    const catalog_service_t *service);


typedef struct {
    catalog_status_pt             handler;
    void                         *ctx;
} catalog_status_fn_t;


catalog_index_t *catalog_index_build(catalog_t *cat);

/*
 * The most hits a query can have: the size of the buffer to give
 * catalog_index_run.
 */
size_t catalog_index_bound(const catalog_index_t *idx,
    const catalog_query_t *q);

/*
 * Runs a query: filters (agency, category, tag, status), words, and the
 * order (relevance: score, then name; name; agency then name; ties always
 * broken by the catalog key, so that identical requests answer alike).
 * Writes every hit, sorted, to hits and returns their number.
 *
 * Every word of the query must start a word of the service.  The score
 * of a word is the best field weight among the service's words it starts
 * (name 8, tag 4, agency name 2, description 1), doubled when it is the
 * whole word; a hit's score is twice the sum over the query's words, plus
 * one when the query's words, in order, start the name.  "name" is the
 * folded name's words joined by spaces, compared bytewise; "agency" is
 * the agency id.  Without words "relevance" is "name".
 */
size_t catalog_index_run(catalog_index_t *idx, const catalog_query_t *q,
    const catalog_status_fn_t *status, catalog_hit_t *hits);

/*
 * Folds UTF-8 text for search: lowercase, Latin accents removed ("é" to
 * "e"), invalid bytes dropped.  dst holds at least len * 2 bytes (a few
 * letters fold to two, "ß" to "ss"); the result is in fact never longer
 * than len.  Returns the folded length.
 */
size_t catalog_text_fold(char *dst, const char *src, size_t len);

/*
 * Splits folded text into words: the longest runs of ASCII letters and
 * digits and non-ASCII characters (folding turned spaces, punctuation
 * and symbols into ' '); every other byte separates words.  A word
 * longer than CATALOG_TEXT_WORD_MAX bytes keeps only its first bytes,
 * cut at a character boundary, just as the index keeps it.  Stores at
 * most max words, pointing into folded, and returns how many it stored.
 */
size_t catalog_text_words(const char *folded, size_t len,
    catalog_str_t *words, size_t max);


#endif /* _CATALOG_INDEX_H_INCLUDED_ */
