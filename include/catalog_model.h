
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_MODEL_H_INCLUDED_
#define _CATALOG_MODEL_H_INCLUDED_


/*
 * The catalog model: agencies, services, routes and backends as the
 * manifests describe them.  Plain C, no nginx headers: the same code is
 * compiled into the module and into the cmocka unit tests.
 *
 * Every string lives in the catalog's arena, is NUL-terminated and also
 * carries its length.  A string with len == 0 means "not set".
 */


#include <stddef.h>
#include <stdint.h>


#define CATALOG_ID_MAX           63
#define CATALOG_NAME_MAX         200
#define CATALOG_DESCRIPTION_MAX  2000
#define CATALOG_TAG_MAX          40
#define CATALOG_TAGS_MAX         20
#define CATALOG_MESSAGE_MAX      500
#define CATALOG_PATH_MAX         512
#define CATALOG_BACKENDS_MAX     32
#define CATALOG_METHODS_MAX      32
#define CATALOG_ERROR_LEN        1024


typedef struct {
    size_t                        len;
    const char                   *data;
} catalog_str_t;


typedef enum {
    CATALOG_STATUS_ACTIVE = 0,
    CATALOG_STATUS_MAINTENANCE,
    CATALOG_STATUS_RETIRED
} catalog_status_e;


typedef struct catalog_service_s  catalog_service_t;


typedef struct {
    catalog_str_t                 maintenance_message;
    catalog_str_t                 successor;   /* URL or service key */
    catalog_service_t            *successor_service;  /* when a key */
    catalog_str_t                 docs_url;
    catalog_str_t                 version;
} catalog_service_more_t;


typedef struct {
    catalog_str_t                 id;
    catalog_str_t                 name;
    catalog_str_t                 url;
    catalog_str_t                 contact;
    catalog_str_t                 file;        /* manifest path */
    catalog_service_t           **by_id;       /* its services, sorted */
    unsigned                      nservices;
    unsigned                      index;
} catalog_agency_t;


typedef struct {
    catalog_str_t                 text;        /* as written in the manifest */
    catalog_str_t                 host;        /* name or IP, no brackets */
    unsigned                      port;        /* explicit or scheme default */
    unsigned                      https:1;
    unsigned                      ipv6:1;
} catalog_backend_t;


typedef struct {
    catalog_str_t                 to;          /* as written */
    catalog_str_t                 base;        /* "to" before '?' and '#' */
    catalog_str_t                 query;       /* after '?', without it */
    catalog_str_t                 fragment;    /* from '#', with it */
    unsigned                      code;        /* 301, 302, 307, 308 */
    unsigned                      has_query:1;
    unsigned                      keep_path:1;
    unsigned                      keep_query:1;
} catalog_redirect_t;


typedef struct catalog_route_s  catalog_route_t;


struct catalog_route_s {
    /* what a routed request reads first, within one cache line */
    catalog_service_t            *service;
    catalog_str_t                *methods;     /* empty: any method;
                                                  then the Allow header */
    unsigned                      nmethods;
    unsigned                      exact:1;
    unsigned                      strip_prefix:1;
    catalog_route_t              *twin;        /* of an exact route: the
                                                  prefix route at the same
                                                  path and host, if any */

    catalog_str_t                 path;        /* no trailing '/' but "/" */
    catalog_str_t                 host;        /* lowercase; empty: any */
};


/* "GET, HEAD": the Allow header of a route that has methods */
#define catalog_route_allow(r)  (&(r)->methods[(r)->nmethods])


struct catalog_service_s {
    /*
     * what routing reads, within the first cache line (the arena puts a
     * service at the start of one): with 100,000 services a request
     * rarely finds its service in the cache
     */
    catalog_str_t                 key;         /* "agency/service" */
    catalog_agency_t             *agency;      /* and its manifest file */
    catalog_redirect_t           *redirect;    /* NULL unless redirected */
    void                         *data;        /* owned by the embedder */
    unsigned                      index;       /* in the whole catalog */
    unsigned                      nbackends;
    unsigned                      status:2;    /* as the manifest says */
    unsigned                      https:1;     /* scheme of every backend */
    unsigned                      ntags:5;     /* CATALOG_TAGS_MAX */
    unsigned                      agency_index;  /* agency->index: counting
                                                    a request reads no more
                                                    than this line */
    catalog_backend_t            *backends;    /* NULL unless proxied */

    /* the rest: three cache lines in all, 192 bytes */

    catalog_str_t                 backend_host;  /* host_header, else
                                                    host[:port] of the
                                                    first backend */
    catalog_str_t                 category;

    catalog_str_t                 id;
    catalog_str_t                 name;
    catalog_str_t                 description;
    catalog_str_t                *tags;

    catalog_route_t              *routes;
    unsigned                      nroutes;
    unsigned                      position;    /* index in "services" */

    catalog_str_t                 contact;     /* own, else the agency's */
    catalog_service_more_t       *more;        /* never NULL */
};


/* what few services have: none of it is catalog_service_none */

extern catalog_service_more_t  catalog_service_none;


#endif /* _CATALOG_MODEL_H_INCLUDED_ */
