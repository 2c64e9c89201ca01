
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_zone.h>
#include <ngx_http_catalog_redis.h>


static void *ngx_http_catalog_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_catalog_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_catalog_create_srv_conf(ngx_conf_t *cf);
static void *ngx_http_catalog_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_catalog_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void ngx_http_catalog_cleanup(void *data);
static char *ngx_http_catalog_manifests(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_catalog_route(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_catalog_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_catalog_postconfiguration(ngx_conf_t *cf);


static ngx_command_t  ngx_http_catalog_commands[] = {

    { ngx_string("catalog_manifests"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_catalog_manifests,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_catalog_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_state_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_catalog_main_conf_t, state_file),
      NULL },

    { ngx_string("catalog_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_catalog_redis,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_admin_tokens"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_catalog_admin_tokens,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_admin"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_catalog_admin,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_route"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_catalog_route,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_balancer"),
      NGX_HTTP_UPS_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE12,
      ngx_http_catalog_balancer,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_catalog_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_catalog_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_http_catalog_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("catalog_portal_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_catalog_loc_conf_t, portal_url),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_catalog_module_ctx = {
    ngx_http_catalog_preconfiguration,     /* preconfiguration */
    ngx_http_catalog_postconfiguration,    /* postconfiguration */

    ngx_http_catalog_create_main_conf,     /* create main configuration */
    ngx_http_catalog_init_main_conf,       /* init main configuration */

    ngx_http_catalog_create_srv_conf,      /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_catalog_create_loc_conf,      /* create location configuration */
    ngx_http_catalog_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_catalog_module = {
    NGX_MODULE_V1,
    &ngx_http_catalog_module_ctx,          /* module context */
    ngx_http_catalog_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_catalog_redis_init_process,   /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_catalog_redis_exit_process,   /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_catalog_create_main_conf(ngx_conf_t *cf)
{
    ngx_pool_cleanup_t            *cln;
    ngx_http_catalog_main_conf_t  *mcf;

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_catalog_main_conf_t));
    if (mcf == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    mcf->catalog = catalog_create();
    if (mcf->catalog == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "catalog: out of memory");
        return NULL;
    }

    cln->handler = ngx_http_catalog_cleanup;
    cln->data = mcf;

    mcf->pool = cf->pool;
    mcf->zone_size = NGX_CONF_UNSET_SIZE;
    mcf->catalog->backend_handler = ngx_http_catalog_resolve_backend;
    mcf->catalog->backend_ctx = mcf;

    return mcf;
}


static void
ngx_http_catalog_cleanup(void *data)
{
    ngx_http_catalog_main_conf_t  *mcf = data;

    /* a configuration that failed before it was loaded still has them */

    ngx_http_catalog_backends_done(mcf);

    catalog_free(mcf->catalog);
}


static char *
ngx_http_catalog_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_catalog_main_conf_t  *mcf = conf;

    char  err[CATALOG_ERROR_LEN];

    /* every manifest is read: the backends are resolved */

    ngx_http_catalog_backends_done(mcf);

    if (catalog_finish(mcf->catalog, err, sizeof(err)) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err);
        return NGX_CONF_ERROR;
    }

    if (mcf->state_file.len
        && ngx_conf_full_name(cf->cycle, &mcf->state_file, 1) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    mcf->loaded_at = ngx_time();

    if (ngx_http_catalog_redis_check(cf, mcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_catalog_zone_add(cf, mcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_catalog_api_init(cf, mcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_catalog_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_catalog_srv_conf_t  *cscf;

    cscf = ngx_pcalloc(cf->pool, sizeof(ngx_http_catalog_srv_conf_t));
    if (cscf == NULL) {
        return NULL;
    }

    cscf->max_fails = 1;
    cscf->fail_timeout = 10;

    return cscf;
}


static void *
ngx_http_catalog_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_catalog_loc_conf_t  *clcf;

    clcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_catalog_loc_conf_t));
    if (clcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     clcf->portal_url = { 0, NULL };
     *     clcf->per_service = 0;
     */

    clcf->route = NGX_CONF_UNSET;

    return clcf;
}


static char *
ngx_http_catalog_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_catalog_loc_conf_t  *prev = parent;
    ngx_http_catalog_loc_conf_t  *conf = child;

    /* catalog_route is not inherited: it names the location it is in */

    if (conf->route == NGX_CONF_UNSET) {
        conf->route = 0;
    }

    ngx_conf_merge_str_value(conf->portal_url, prev->portal_url, "/");

    return NGX_CONF_OK;
}


static char *
ngx_http_catalog_manifests(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_catalog_main_conf_t  *mcf = conf;

    char        err[CATALOG_ERROR_LEN];
    ngx_str_t  *value, pattern, name;
    ngx_int_t   n;
    ngx_glob_t  gl;

    value = cf->args->elts;
    pattern = value[1];

    if (ngx_conf_full_name(cf->cycle, &pattern, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&gl, sizeof(ngx_glob_t));

    /* like "include": a pattern may match nothing, a plain file must be */

    gl.pattern = pattern.data;
    gl.log = cf->log;
    gl.test = (strpbrk((char *) pattern.data, "*?[") != NULL);

    if (ngx_open_glob(&gl) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_glob_n " \"%s\" failed", pattern.data);
        return NGX_CONF_ERROR;
    }

    for ( ;; ) {
        n = ngx_read_glob(&gl, &name);

        if (n != NGX_OK) {
            break;
        }

        if (catalog_add_file(mcf->catalog, (char *) name.data, err,
                             sizeof(err))
            != 0)
        {
            ngx_close_glob(&gl);
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err);
            return NGX_CONF_ERROR;
        }
    }

    ngx_close_glob(&gl);

    return NGX_CONF_OK;
}


static char *
ngx_http_catalog_route(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_catalog_loc_conf_t  *clcf = conf;

    if (clcf->route != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    clcf->route = 1;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_catalog_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_catalog_add_variables(cf);
}


static ngx_int_t
ngx_http_catalog_postconfiguration(ngx_conf_t *cf)
{
    if (ngx_http_catalog_route_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_catalog_status_init(cf);
}

