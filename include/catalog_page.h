
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_PAGE_H_INCLUDED_
#define _CATALOG_PAGE_H_INCLUDED_


/*
 * The pages citizens see when a request is not proxied: small HTML in
 * Bahasa Indonesia with English below, or the JSON error shape
 * {"error": {"code": N, "message": "..."}} for clients that ask for JSON.
 * Same measure-then-write convention as catalog_uri.h.
 */


#include <stddef.h>

#include <catalog_model.h>


typedef struct {
    unsigned                      status;      /* 404, 405, 410, 503 */
    const catalog_service_t      *service;     /* NULL: no service */
    catalog_str_t                 message;     /* maintenance message */
    catalog_str_t                 until;       /* end of maintenance */
    catalog_str_t                 successor;   /* link of a retired one */
    catalog_str_t                 portal;      /* link to the portal */
    catalog_str_t                 allow;       /* methods, for 405 */
} catalog_page_t;


size_t catalog_page_html(char *dst, const catalog_page_t *pg);
size_t catalog_page_json(char *dst, const catalog_page_t *pg);

/*
 * Whether the value of an Accept header asks for JSON: one of its media
 * ranges is application/json, as a whole token, with a quality above 0.
 */
unsigned catalog_page_accepts_json(const char *p, size_t len);


#endif /* _CATALOG_PAGE_H_INCLUDED_ */
