
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _NGX_HTTP_CATALOG_MODULE_H_INCLUDED_
#define _NGX_HTTP_CATALOG_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <catalog.h>


typedef enum {
    NGX_HTTP_CATALOG_NONE = 0,
    NGX_HTTP_CATALOG_PROXY,
    NGX_HTTP_CATALOG_REDIRECT,
    NGX_HTTP_CATALOG_GONE,
    NGX_HTTP_CATALOG_MAINTENANCE,
    NGX_HTTP_CATALOG_NOT_FOUND,
    NGX_HTTP_CATALOG_METHOD_NOT_ALLOWED,
    NGX_HTTP_CATALOG_EMPTY
} ngx_http_catalog_outcome_e;


typedef struct {
    struct sockaddr              *sockaddr;
    socklen_t                     socklen;
    ngx_str_t                     name;

    ngx_uint_t                    fails;
    time_t                        accessed;
    time_t                        checked;
} ngx_http_catalog_peer_t;


#define NGX_HTTP_CATALOG_PEERS_MAX  64


typedef struct {
    ngx_uint_t                    next;        /* round robin position */
    ngx_array_t                   peers;       /* ngx_http_catalog_peer_t */
} ngx_http_catalog_peers_t;


typedef struct {
    catalog_t                    *catalog;
    ngx_pool_t                   *pool;        /* for resolved backends */
} ngx_http_catalog_main_conf_t;


typedef struct {
    ngx_flag_t                    route;
    ngx_str_t                     portal_url;
} ngx_http_catalog_loc_conf_t;


typedef struct {
    ngx_uint_t                    max_fails;
    time_t                        fail_timeout;
} ngx_http_catalog_srv_conf_t;


typedef struct {
    catalog_service_t            *service;
    catalog_route_t              *route;
    ngx_http_catalog_outcome_e    outcome;
} ngx_http_catalog_ctx_t;


ngx_int_t ngx_http_catalog_route_init(ngx_conf_t *cf);
ngx_int_t ngx_http_catalog_add_variables(ngx_conf_t *cf);
int ngx_http_catalog_resolve_backend(void *data, catalog_service_t *service,
    catalog_backend_t *backend, char *err, size_t errlen);
char *ngx_http_catalog_balancer(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

const char *ngx_http_catalog_status_name(catalog_status_e status);


extern ngx_module_t  ngx_http_catalog_module;


#endif /* _NGX_HTTP_CATALOG_MODULE_H_INCLUDED_ */
