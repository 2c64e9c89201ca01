
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _NGX_HTTP_CATALOG_MODULE_H_INCLUDED_
#define _NGX_HTTP_CATALOG_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <catalog.h>
#include <catalog_admin.h>
#include <catalog_metrics.h>


typedef struct {
    struct sockaddr              *sockaddr;
    socklen_t                     socklen;
    ngx_str_t                     name;

    ngx_uint_t                    fails;
    time_t                        accessed;
    time_t                        checked;

#if (NGX_HTTP_SSL)
    ngx_ssl_session_t            *ssl_session;  /* reused on reconnect */
#endif
} ngx_http_catalog_peer_t;


#define NGX_HTTP_CATALOG_PEERS_MAX  64


typedef struct ngx_http_catalog_peers_s  ngx_http_catalog_peers_t;

struct ngx_http_catalog_peers_s {
    ngx_uint_t                    next;        /* round robin position */
    ngx_array_t                   peers;       /* ngx_http_catalog_peer_t */

#if (NGX_HTTP_SSL)
    ngx_http_catalog_peers_t     *link;        /* every list of the
                                                  configuration, for
                                                  freeing their sessions */
#endif
};


/*
 * What resolving the backends needs while the manifests load, freed once
 * they are loaded (ngx_http_catalog_backends_done()): the maps point to
 * keys and values in mcf->pool
 */

typedef struct {
    catalog_map_t                 lists;       /* backends -> peers */
    catalog_map_t                 addrs;       /* backend -> addresses */
    ngx_http_catalog_peers_t     *building;    /* the list being resolved */
    u_char                       *key;         /* room for a key */
    size_t                        key_size;
} ngx_http_catalog_backends_t;


typedef struct ngx_http_catalog_slot_s  ngx_http_catalog_slot_t;
typedef struct ngx_http_catalog_redis_conf_s  ngx_http_catalog_redis_conf_t;
typedef struct ngx_http_catalog_sh_s  ngx_http_catalog_sh_t;


typedef struct {
    catalog_t                    *catalog;
    ngx_pool_t                   *pool;        /* for resolved backends */
    ngx_http_catalog_backends_t   backends;    /* while loading */
#if (NGX_HTTP_SSL)
    ngx_http_catalog_peers_t     *peers;       /* every list, by "link" */
#endif
    catalog_state_fn_t            state;       /* effective status */
    ngx_str_t                     agencies;    /* API answers, built once */
    ngx_str_t                     categories;
    ngx_str_t                     version;     /* hash of the manifests */
    ngx_flag_t                    api;         /* catalog_api is used */

    size_t                        zone_size;
    ngx_shm_zone_t               *shm_zone;
    ngx_slab_pool_t              *shpool;
    ngx_http_catalog_sh_t        *sh;
    ngx_http_catalog_slot_t     **slots;       /* by service index */
    catalog_stats_t             **agency_stats;  /* by agency index */
    ngx_flag_t                    per_service;   /* counters per service */
    time_t                        loaded_at;

    catalog_tokens_t             *tokens;      /* catalog_admin_tokens */
    ngx_str_t                     state_file;

    ngx_http_catalog_redis_conf_t *redis;      /* catalog_redis */
} ngx_http_catalog_main_conf_t;


typedef struct {
    ngx_flag_t                    route;
    ngx_str_t                     portal_url;
    ngx_uint_t                    per_service;  /* catalog_metrics */
} ngx_http_catalog_loc_conf_t;


typedef struct {
    ngx_uint_t                    max_fails;
    time_t                        fail_timeout;
} ngx_http_catalog_srv_conf_t;


typedef struct {
    catalog_service_t            *service;     /* NULL: none matched */
    catalog_route_t              *route;
    catalog_decision_t            decision;
    ngx_str_t                     etag;        /* catalog_api */
    unsigned                      escape:1;    /* r->uri to be checked */
} ngx_http_catalog_ctx_t;


ngx_int_t ngx_http_catalog_route_init(ngx_conf_t *cf);
ngx_int_t ngx_http_catalog_status_init(ngx_conf_t *cf);
char *ngx_http_catalog_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_catalog_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_catalog_add_variables(ngx_conf_t *cf);
int ngx_http_catalog_resolve_backend(void *data, catalog_service_t *service,
    catalog_backend_t *backend, char *err, size_t errlen);
void ngx_http_catalog_backends_done(ngx_http_catalog_main_conf_t *mcf);
char *ngx_http_catalog_balancer(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_catalog_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_catalog_admin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_catalog_admin_tokens(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_catalog_api_init(ngx_conf_t *cf,
    ngx_http_catalog_main_conf_t *mcf);
ngx_int_t ngx_http_catalog_wants_json(ngx_http_request_t *r);
ngx_table_elt_t *ngx_http_catalog_add_header(ngx_http_request_t *r,
    char *key, u_char *value, size_t len);

/* sends a whole answer: status, Content-Type and Content-Length, body */
ngx_int_t ngx_http_catalog_send(ngx_http_request_t *r, ngx_uint_t status,
    char *type, u_char *body, size_t len);


extern ngx_module_t  ngx_http_catalog_module;


#endif /* _NGX_HTTP_CATALOG_MODULE_H_INCLUDED_ */
