
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>


typedef enum {
    NGX_HTTP_CATALOG_VAR_SERVICE = 0,
    NGX_HTTP_CATALOG_VAR_AGENCY,
    NGX_HTTP_CATALOG_VAR_CATEGORY,
    NGX_HTTP_CATALOG_VAR_STATUS,
    NGX_HTTP_CATALOG_VAR_ROUTE_PATH,
    NGX_HTTP_CATALOG_VAR_MATCH,
    NGX_HTTP_CATALOG_VAR_BACKEND_SCHEME,
    NGX_HTTP_CATALOG_VAR_BACKEND_HOST,
    NGX_HTTP_CATALOG_VAR_OUTCOME
} ngx_http_catalog_var_e;


static ngx_int_t ngx_http_catalog_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_catalog_vars[] = {

    { ngx_string("catalog_service"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_SERVICE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("catalog_agency"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_AGENCY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("catalog_category"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_CATEGORY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("catalog_status"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_STATUS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("catalog_route_path"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_ROUTE_PATH, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("catalog_match"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_MATCH, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("catalog_backend_scheme"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_BACKEND_SCHEME, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("catalog_backend_host"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_BACKEND_HOST, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("catalog_outcome"), NULL, ngx_http_catalog_variable,
      NGX_HTTP_CATALOG_VAR_OUTCOME, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_catalog_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_catalog_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char              *p;
    catalog_str_t            s;
    catalog_service_t       *svc;
    ngx_http_catalog_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);

    svc = ctx ? ctx->service : NULL;
    s.data = "";
    s.len = 0;

    switch (data) {

    case NGX_HTTP_CATALOG_VAR_MATCH:
        p = (ctx == NULL || ctx->route == NULL) ? "none"
            : ctx->route->exact ? "exact" : "prefix";
        s.data = p;
        s.len = ngx_strlen(p);
        break;

    case NGX_HTTP_CATALOG_VAR_OUTCOME:

        /* the outcome label of catalog_metrics; empty without routing */

        if (ctx) {
            p = catalog_outcome_name(
                       catalog_metrics_outcome(ctx->decision.outcome));
            s.data = p;
            s.len = ngx_strlen(p);
        }

        break;

    case NGX_HTTP_CATALOG_VAR_BACKEND_SCHEME:

        /* "http" without a match, so that proxy_pass stays valid */

        p = (svc && svc->https) ? "https" : "http";
        s.data = p;
        s.len = ngx_strlen(p);
        break;

    default:

        if (svc == NULL) {
            break;
        }

        switch (data) {

        case NGX_HTTP_CATALOG_VAR_SERVICE:
            s = svc->key;
            break;

        case NGX_HTTP_CATALOG_VAR_AGENCY:
            s = svc->agency->id;
            break;

        case NGX_HTTP_CATALOG_VAR_CATEGORY:
            s = svc->category;
            break;

        case NGX_HTTP_CATALOG_VAR_STATUS:
            p = catalog_status_name(ctx->decision.state.status);
            s.data = p;
            s.len = ngx_strlen(p);
            break;

        case NGX_HTTP_CATALOG_VAR_ROUTE_PATH:
            if (ctx->route) {
                s = ctx->route->path;
            }

            break;

        case NGX_HTTP_CATALOG_VAR_BACKEND_HOST:
            s = svc->backend_host;
            break;
        }
    }

    v->data = (u_char *) s.data;
    v->len = s.len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
