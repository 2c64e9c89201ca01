
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_QUERY_H_INCLUDED_
#define _CATALOG_QUERY_H_INCLUDED_


/*
 * A catalog API query: the parameters of "GET services", parsed and
 * checked from the raw query string of the request (still %-encoded).
 * Plain C; strings point into a caller-provided scratch buffer.
 */


#include <stddef.h>

#include <catalog_model.h>


#define CATALOG_QUERY_Q_MAX       256     /* bytes of q, decoded */
#define CATALOG_QUERY_WORDS_MAX   16
#define CATALOG_PER_PAGE_DEFAULT  20
#define CATALOG_PER_PAGE_MAX      200
#define CATALOG_PAGE_MAX          1000000


typedef enum {
    CATALOG_SORT_DEFAULT = 0,      /* relevance with q, else name */
    CATALOG_SORT_RELEVANCE,
    CATALOG_SORT_NAME,
    CATALOG_SORT_AGENCY
} catalog_sort_e;


typedef struct {
    catalog_str_t                 words[CATALOG_QUERY_WORDS_MAX];  /* folded */
    unsigned                      nwords;

    catalog_str_t                 q;           /* decoded, as sent */
    catalog_str_t                 agency;
    catalog_str_t                 category;
    catalog_str_t                 tag;
    int                           status;      /* catalog_status_e or -1 */
    unsigned                      page;        /* from 1 */
    unsigned                      per_page;
    catalog_sort_e                sort;
} catalog_query_t;


/*
 * Parses args (the raw query string) of "GET services".  scratch must
 * hold at least 3 * len + 64 bytes; the strings of q point into it.
 * Returns 0, or -1 with a message for the 400 answer in err, such as
 * "invalid \"page\": must be a whole number from 1".
 */
int catalog_query_parse(catalog_query_t *q, const char *args, size_t len,
    char *scratch, char *err, size_t errlen);

/*
 * Decodes one parameter "name" of args into dst (at least its raw
 * length): %XX and, when plus is set, '+' as a space.  Returns 1 when
 * found, 0 when absent, -1 when given twice or badly encoded.
 */
int catalog_query_arg(const char *args, size_t len, const char *name,
    char *dst, size_t *dlen, int plus);


/* whether s is valid UTF-8: no overlong forms, surrogates or truncation */
int catalog_utf8_valid(const char *s, size_t len);


#endif /* _CATALOG_QUERY_H_INCLUDED_ */
