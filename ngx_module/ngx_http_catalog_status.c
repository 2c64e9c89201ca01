
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_zone.h>
#include <ngx_http_catalog_redis.h>
#include <catalog_metrics.h>


/*
 * catalog_status (JSON) and catalog_metrics (Prometheus text) for
 * operators, and the log phase handler that counts what backends
 * answered.  The counters live in the shared zone: every worker adds to
 * them, every worker reports the same figures, and they outlive a reload.
 */


static ngx_int_t ngx_http_catalog_status_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_catalog_metrics_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_catalog_report(ngx_http_request_t *r,
    ngx_uint_t per_service, catalog_report_t *rep);
static ngx_int_t ngx_http_catalog_report_send(ngx_http_request_t *r,
    char *type, size_t (*write)(char *dst, const catalog_report_t *r),
    catalog_report_t *rep);
static ngx_int_t ngx_http_catalog_log_handler(ngx_http_request_t *r);


ngx_int_t
ngx_http_catalog_status_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_catalog_log_handler;

    return NGX_OK;
}


char *
ngx_http_catalog_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_catalog_status_handler) {
        return "is duplicate";
    }

    clcf->handler = ngx_http_catalog_status_handler;

    return NGX_CONF_OK;
}


char *
ngx_http_catalog_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_catalog_loc_conf_t  *lcf = conf;

    ngx_str_t                     *value;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_catalog_main_conf_t  *mcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_catalog_metrics_handler) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2) {

        if (ngx_strcmp(value[1].data, "per_service") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"catalog_metrics\": invalid parameter "
                               "\"%V\", expected \"per_service\"",
                               &value[1]);
            return NGX_CONF_ERROR;
        }

        lcf->per_service = 1;

        /* services are counted only when someone reports them */

        mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_catalog_module);
        mcf->per_service = 1;
    }

    clcf->handler = ngx_http_catalog_metrics_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_catalog_status_handler(ngx_http_request_t *r)
{
    ngx_int_t         rc;
    catalog_report_t  rep;

    rc = ngx_http_catalog_report(r, 0, &rep);

    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_catalog_report_send(r, "application/json; charset=utf-8",
                                        catalog_status_json, &rep);
}


static ngx_int_t
ngx_http_catalog_metrics_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    catalog_report_t              rep;
    ngx_http_catalog_loc_conf_t  *lcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_catalog_module);

    rc = ngx_http_catalog_report(r, lcf->per_service, &rep);

    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_catalog_report_send(r,
                                  "text/plain; version=0.0.4; charset=utf-8",
                                  catalog_metrics_text, &rep);
}


static ngx_int_t
ngx_http_catalog_report(ngx_http_request_t *r, ngx_uint_t per_service,
    catalog_report_t *rep)
{
    ngx_int_t                      rc;
    ngx_http_catalog_main_conf_t  *mcf;

    ngx_str_t                      fleet;
    ngx_uint_t                     nodes, drift;
    catalog_redis_report_t        *redis;

    /* the method first: a refused request costs no snapshot */

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {

        if (ngx_http_catalog_add_header(r, "Allow", (u_char *) "GET, HEAD",
                                        sizeof("GET, HEAD") - 1)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);

    ngx_memzero(rep, sizeof(catalog_report_t));

    redis = ngx_palloc(r->pool, sizeof(catalog_redis_report_t));
    if (redis == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_catalog_zone_report(mcf, r->pool, per_service, rep)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rep->version.data = (char *) mcf->version.data;
    rep->version.len = mcf->version.len;
    rep->loaded_at = mcf->loaded_at;
    ngx_http_catalog_redis_report(mcf, redis);

    if (mcf->redis) {
        if (ngx_http_catalog_redis_fleet(mcf, r->pool, &fleet, &nodes,
                                         &drift)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        redis->fleet.data = (char *) fleet.data;
        redis->fleet.len = fleet.len;
    }

    rep->redis = redis;

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_report_send(ngx_http_request_t *r, char *type,
    size_t (*write)(char *dst, const catalog_report_t *r),
    catalog_report_t *rep)
{
    u_char  *p;
    size_t   len;

    /* the snapshot is taken: measuring and writing see the same figures */

    len = write(NULL, rep);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (write((char *) p, rep) != len) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_catalog_add_header(r, "Cache-Control", (u_char *) "no-store",
                                    sizeof("no-store") - 1)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_catalog_send(r, NGX_HTTP_OK, type, p, len);
}


/*
 * Every attempt a proxied request made: a response header from the
 * backend counts in its status class and the backend's time; an attempt
 * without one (refused, reset, timed out, no live backend) is a failure.
 * An attempt without a peer and with a header is a cache hit: not counted.
 */

static ngx_int_t
ngx_http_catalog_log_handler(ngx_http_request_t *r)
{
    ngx_msec_t                     ms;
    ngx_uint_t                     i;
    ngx_http_catalog_ctx_t        *ctx;
    ngx_http_upstream_state_t     *state;
    ngx_http_catalog_main_conf_t  *mcf;

    if (r->upstream_states == NULL || r->upstream_states->nelts == 0) {
        return NGX_OK;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);

    if (ctx == NULL || ctx->service == NULL
        || ctx->decision.outcome != CATALOG_OUTCOME_PROXY)
    {
        return NGX_OK;
    }

    mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);
    state = r->upstream_states->elts;

    for (i = 0; i < r->upstream_states->nelts; i++) {

        if (state[i].header_time == (ngx_msec_t) -1) {
            ngx_http_catalog_zone_upstream(mcf, ctx->service, 0, 0);
            continue;
        }

        if (state[i].peer == NULL || state[i].status == 0) {
            continue;
        }

        ms = state[i].response_time;

        if (ms == (ngx_msec_t) -1) {
            ms = state[i].header_time;
        }

        ngx_http_catalog_zone_upstream(mcf, ctx->service, state[i].status,
                                       ms);
    }

    return NGX_OK;
}
