
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_BUF_H_INCLUDED_
#define _CATALOG_BUF_H_INCLUDED_


/*
 * A writer that measures and writes with the same code: with dst == NULL
 * it only counts, so that the caller can allocate exactly the length
 * from its own pool (the request pool in nginx) and run it again.
 */


#include <stddef.h>

#include <catalog_model.h>


typedef struct {
    char                         *dst;         /* NULL: measure only */
    size_t                        len;
} catalog_buf_t;


#define catalog_buf_literal(b, s)  catalog_buf_add(b, s, sizeof(s) - 1)


void catalog_buf_add(catalog_buf_t *b, const char *s, size_t len);
void catalog_buf_cstr(catalog_buf_t *b, const char *s);
void catalog_buf_number(catalog_buf_t *b, uint64_t n);

/* text escaped for HTML */
void catalog_buf_html(catalog_buf_t *b, const catalog_str_t *s);

/* the body of a JSON string, escaped, without quotes */
void catalog_buf_json(catalog_buf_t *b, const catalog_str_t *s);

/* a quoted JSON string, or null when s is not set (len == 0) */
void catalog_buf_json_string(catalog_buf_t *b, const catalog_str_t *s);


#endif /* _CATALOG_BUF_H_INCLUDED_ */
