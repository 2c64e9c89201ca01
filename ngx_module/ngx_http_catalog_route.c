
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_zone.h>
#include <catalog_page.h>
#include <catalog_uri.h>


static ngx_int_t ngx_http_catalog_route_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_catalog_escape_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_catalog_proxy(ngx_http_request_t *r,
    ngx_http_catalog_ctx_t *ctx, size_t matched);
static ngx_int_t ngx_http_catalog_redirect(ngx_http_request_t *r,
    catalog_redirect_t *rd, size_t matched);
static ngx_int_t ngx_http_catalog_page(ngx_http_request_t *r,
    ngx_http_catalog_ctx_t *ctx, ngx_uint_t status);
static void ngx_http_catalog_successor(ngx_http_request_t *r,
    catalog_service_t *s, catalog_str_t *link);


ngx_int_t
ngx_http_catalog_route_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    /*
     * handlers of a phase run in reverse order of registration: added
     * after the rewrite module's, ours runs first, so that "return" and
     * "set" in the same location see the match
     */

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_catalog_route_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_catalog_escape_handler;

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_route_handler(ngx_http_request_t *r)
{
    u_char                        *p;
    catalog_str_t                 *allow;
    catalog_route_t               *route;
    catalog_state_fn_t             fn, *pfn;
    catalog_decision_t            *d;
    ngx_http_catalog_state_ctx_t   sctx;
    ngx_http_catalog_ctx_t        *ctx;
    ngx_http_catalog_loc_conf_t   *clcf;
    ngx_http_catalog_main_conf_t  *mcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_catalog_module);

    if (!clcf->route) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);

    if (ctx) {
        /* routed already in this location, e.g. after "rewrite ... last" */
        return NGX_DECLINED;
    }

    /* the decision is filled in whole below */

    ctx = ngx_palloc(r->pool, sizeof(ngx_http_catalog_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->service = NULL;
    ctx->route = NULL;
    ngx_str_null(&ctx->etag);
    ctx->escape = 0;

    ngx_http_set_ctx(r, ctx, ngx_http_catalog_module);

    mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);
    d = &ctx->decision;

    /* no override anywhere (the usual case): the manifest's state */

    pfn = NULL;

    if (mcf->sh && mcf->sh->nactive) {
        ngx_http_catalog_state_fn(r, &fn, &sctx);
        pfn = &fn;
    }

    catalog_decide(mcf->catalog, (char *) r->headers_in.server.data,
                   r->headers_in.server.len, (char *) r->uri.data,
                   r->uri.len, (char *) r->method_name.data,
                   r->method_name.len, pfn, d);

    route = d->match.route;

    ngx_http_catalog_zone_count(mcf, route ? route->service : NULL,
                                catalog_metrics_outcome(d->outcome));

    if (route) {
        ctx->route = route;
        ctx->service = route->service;

        ngx_log_debug4(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "catalog: \"%V\" matches route \"%s\" of \"%s\": %s",
                       &r->uri, route->path.data, route->service->key.data,
                       catalog_outcome_name(d->outcome));
    }

    switch (d->outcome) {

    case CATALOG_OUTCOME_EMPTY:
        return ngx_http_catalog_page(r, ctx, NGX_HTTP_SERVICE_UNAVAILABLE);

    case CATALOG_OUTCOME_NOT_FOUND:
        return ngx_http_catalog_page(r, ctx, NGX_HTTP_NOT_FOUND);

    case CATALOG_OUTCOME_METHOD_NOT_ALLOWED:

        allow = catalog_route_allow(route);

        if (ngx_http_catalog_add_header(r, "Allow", (u_char *) allow->data,
                                        allow->len)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_catalog_page(r, ctx, NGX_HTTP_NOT_ALLOWED);

    case CATALOG_OUTCOME_GONE:
        return ngx_http_catalog_page(r, ctx, 410);

    case CATALOG_OUTCOME_MAINTENANCE:

        if (d->state.until_time > (int64_t) ngx_time()) {
            p = ngx_pnalloc(r->pool, NGX_INT64_LEN);
            if (p == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (ngx_http_catalog_add_header(r, "Retry-After", p,
                                            ngx_sprintf(p, "%L",
                                                d->state.until_time
                                                - (int64_t) ngx_time())
                                            - p)
                == NULL)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }

        return ngx_http_catalog_page(r, ctx, NGX_HTTP_SERVICE_UNAVAILABLE);

    case CATALOG_OUTCOME_REDIRECT:
        return ngx_http_catalog_redirect(r, route->service->redirect,
                                         d->match.matched);

    default: /* CATALOG_OUTCOME_PROXY */
        return ngx_http_catalog_proxy(r, ctx, d->match.matched);
    }
}


static ngx_int_t
ngx_http_catalog_proxy(ngx_http_request_t *r, ngx_http_catalog_ctx_t *ctx,
    size_t matched)
{
    /*
     * The backend gets the normalised path that was matched, never the
     * raw request line: with an unparsed URI nginx would forward
     * "/a/%2e%2e/b" as sent, although it was routed as "/b".
     */

    r->valid_unparsed_uri = 0;
    ctx->escape = 1;

    if (ctx->route->strip_prefix) {

        if (ctx->route->exact || matched >= r->uri.len) {
            ngx_str_set(&r->uri, "/");

        } else {
            /*
             * the rest of a prefix match starts with "/", and with one
             * only: a backend could read "//host/..." as another host
             * (merge_slashes off, or an encoded "/%2F")
             */

            r->uri.data += matched;
            r->uri.len -= matched;

            while (r->uri.len > 1 && r->uri.data[1] == '/') {
                r->uri.data++;
                r->uri.len--;
            }
        }

        ngx_http_set_exten(r);
    }

    return NGX_DECLINED;
}


/*
 * The proxy module escapes r->uri again when quoted_uri is set, in two
 * passes and a copy.  nginx sets it when the request line held a '%';
 * else it is set here, just before the content handler, only when
 * escaping would change something (rare, and one pass tells): a request
 * answered in the rewrite phase ("return") pays nothing.  It is never
 * cleared: "rewrite" escapes its captures by it too.
 */

static ngx_int_t
ngx_http_catalog_escape_handler(ngx_http_request_t *r)
{
    ngx_http_catalog_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);

    if (ctx == NULL || !ctx->escape) {
        return NGX_DECLINED;
    }

    ctx->escape = 0;

    if (!r->quoted_uri
        && !catalog_uri_plain((char *) r->uri.data, r->uri.len))
    {
        r->quoted_uri = 1;
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_catalog_redirect(ngx_http_request_t *r, catalog_redirect_t *rd,
    size_t matched)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   rest;

    rest.data = r->uri.data + matched;
    rest.len = r->uri.len - matched;

    len = catalog_redirect_location(NULL, rd, (char *) rest.data, rest.len,
                                    (char *) r->args.data, r->args.len);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = catalog_redirect_location((char *) p, rd, (char *) rest.data,
                                    rest.len, (char *) r->args.data,
                                    r->args.len);

    ngx_http_clear_location(r);

    r->headers_out.location = ngx_http_catalog_add_header(r, "Location", p,
                                                          len);
    if (r->headers_out.location == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rd->code == NGX_HTTP_MOVED_PERMANENTLY
        || rd->code == NGX_HTTP_PERMANENT_REDIRECT)
    {
        if (ngx_http_catalog_add_header(r, "Cache-Control",
                                        (u_char *) "public, max-age=1800",
                                        sizeof("public, max-age=1800") - 1)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return rd->code;
}


static ngx_int_t
ngx_http_catalog_page(ngx_http_request_t *r, ngx_http_catalog_ctx_t *ctx,
    ngx_uint_t status)
{
    u_char                       *p;
    size_t                        len;
    ngx_int_t                     json;
    catalog_page_t                pg;
    ngx_http_catalog_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_catalog_module);

    ngx_memzero(&pg, sizeof(catalog_page_t));

    pg.status = status;
    pg.service = ctx->service;
    pg.portal.data = (char *) clcf->portal_url.data;
    pg.portal.len = clcf->portal_url.len;

    if (ctx->route && ctx->route->nmethods) {
        pg.allow = *catalog_route_allow(ctx->route);
    }

    if (ctx->service) {
        pg.message = ctx->decision.state.message;
        pg.until = ctx->decision.state.until;
        ngx_http_catalog_successor(r, ctx->service, &pg.successor);
    }

    json = ngx_http_catalog_wants_json(r);

    len = json ? catalog_page_json(NULL, &pg) : catalog_page_html(NULL, &pg);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = json ? catalog_page_json((char *) p, &pg)
               : catalog_page_html((char *) p, &pg);

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        r->keepalive = 0;
    }

    if (ngx_http_catalog_add_header(r, "Vary", (u_char *) "Accept",
                                    sizeof("Accept") - 1)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_catalog_send(r, status,
                                 json ? "application/json; charset=utf-8"
                                      : "text/html; charset=utf-8",
                                 p, len);
}


ngx_int_t
ngx_http_catalog_send(ngx_http_request_t *r, ngx_uint_t status,
    char *type, u_char *body, size_t len)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    r->headers_out.status = status;
    r->headers_out.content_length_n = len;

    r->headers_out.content_type.data = (u_char *) type;
    r->headers_out.content_type.len = ngx_strlen(type);
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = body;
    b->last = body + len;
    b->memory = len ? 1 : 0;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static void
ngx_http_catalog_successor(ngx_http_request_t *r, catalog_service_t *s,
    catalog_str_t *link)
{
    catalog_service_t  *succ;

    succ = s->more->successor_service;

    if (succ == NULL) {
        *link = s->more->successor;
        return;
    }

    /* a service key links that service's unified URL */

    *link = succ->routes[0].path;
}


ngx_int_t
ngx_http_catalog_wants_json(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == sizeof("Accept") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "Accept",
                               sizeof("Accept") - 1) == 0
            && catalog_page_accepts_json((char *) h[i].value.data,
                                         h[i].value.len))
        {
            return 1;
        }
    }

    return 0;
}


ngx_table_elt_t *
ngx_http_catalog_add_header(ngx_http_request_t *r, char *key, u_char *value,
    size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = value;
    h->value.len = len;
    h->lowcase_key = NULL;

#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return h;
}
