
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_zone.h>
#include <catalog_index.h>
#include <catalog_json.h>
#include <catalog_query.h>
#include <catalog_uri.h>


/*
 * catalog_api: the public, read-only JSON catalog.  Paths are relative to
 * the location: services, services/AGENCY/SERVICE, agencies, categories,
 * resolve.  Answers are written into the request pool; agencies and
 * categories are built once when the configuration loads.
 */


#define NGX_HTTP_CATALOG_RESOLVE_MAX  2048


static ngx_int_t ngx_http_catalog_api_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_catalog_api_services(ngx_http_request_t *r,
    ngx_http_catalog_main_conf_t *mcf);
static ngx_int_t ngx_http_catalog_api_service(ngx_http_request_t *r,
    ngx_http_catalog_main_conf_t *mcf, ngx_str_t *key);
static ngx_int_t ngx_http_catalog_api_resolve(ngx_http_request_t *r,
    ngx_http_catalog_main_conf_t *mcf);
static ngx_int_t ngx_http_catalog_api_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *message);
static ngx_int_t ngx_http_catalog_api_send(ngx_http_request_t *r,
    ngx_uint_t status, u_char *body, size_t len);
static ngx_int_t ngx_http_catalog_api_headers(ngx_http_request_t *r);
static ngx_int_t ngx_http_catalog_api_etag(ngx_http_request_t *r,
    ngx_str_t *etag);


char *
ngx_http_catalog_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_catalog_main_conf_t  *mcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_catalog_api_handler) {
        return "is duplicate";
    }

    clcf->handler = ngx_http_catalog_api_handler;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_catalog_module);
    mcf->api = 1;

    return NGX_CONF_OK;
}


ngx_int_t
ngx_http_catalog_api_init(ngx_conf_t *cf, ngx_http_catalog_main_conf_t *mcf)
{
    u_char     *p;
    size_t      len;
    catalog_t  *cat;

    cat = mcf->catalog;

    p = ngx_pnalloc(cf->pool, 2 * sizeof(uint64_t));
    if (p == NULL) {
        return NGX_ERROR;
    }

    mcf->version.data = p;
    mcf->version.len = ngx_sprintf(p, "%016uxL", cat->hash) - p;

    if (!mcf->api) {
        return NGX_OK;
    }

    cat->index = catalog_index_build(cat);
    if (cat->index == NULL) {
        return NGX_ERROR;
    }

    len = catalog_json_agencies(NULL, cat);

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL || len == 0) {
        return NGX_ERROR;
    }

    mcf->agencies.data = p;
    mcf->agencies.len = catalog_json_agencies((char *) p, cat);

    len = catalog_json_categories(NULL, cat);

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL || len == 0) {
        return NGX_ERROR;
    }

    mcf->categories.data = p;
    mcf->categories.len = catalog_json_categories((char *) p, cat);

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_api_handler(ngx_http_request_t *r)
{
    ngx_int_t                      rc;
    ngx_str_t                      path, etag, key;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_catalog_main_conf_t  *mcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {

        if (ngx_http_catalog_add_header(r, "Allow", (u_char *) "GET, HEAD",
                                        sizeof("GET, HEAD") - 1)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_catalog_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                          "method not allowed");
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);
    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    /* the path under the location: "services", "agencies", ... */

    if (r->uri.len < clcf->name.len
        || ngx_strncmp(r->uri.data, clcf->name.data, clcf->name.len) != 0)
    {
        return ngx_http_catalog_api_error(r, NGX_HTTP_NOT_FOUND,
                                          "unknown API path");
    }

    path.data = r->uri.data + clcf->name.len;
    path.len = r->uri.len - clcf->name.len;

    while (path.len && path.data[0] == '/') {
        path.data++;
        path.len--;
    }

    while (path.len && path.data[path.len - 1] == '/') {
        path.len--;
    }

    if (ngx_http_catalog_api_etag(r, &etag) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (path.len == sizeof("agencies") - 1
        && ngx_strncmp(path.data, "agencies", path.len) == 0)
    {
        return ngx_http_catalog_api_send(r, NGX_HTTP_OK, mcf->agencies.data,
                                         mcf->agencies.len);
    }

    if (path.len == sizeof("categories") - 1
        && ngx_strncmp(path.data, "categories", path.len) == 0)
    {
        return ngx_http_catalog_api_send(r, NGX_HTTP_OK,
                                         mcf->categories.data,
                                         mcf->categories.len);
    }

    if (path.len == sizeof("resolve") - 1
        && ngx_strncmp(path.data, "resolve", path.len) == 0)
    {
        return ngx_http_catalog_api_resolve(r, mcf);
    }

    if (path.len >= sizeof("services") - 1
        && ngx_strncmp(path.data, "services", sizeof("services") - 1) == 0)
    {
        if (path.len == sizeof("services") - 1) {

            return ngx_http_catalog_api_services(r, mcf);
        }

        if (path.data[sizeof("services") - 1] == '/') {
            key.data = path.data + sizeof("services/") - 1;
            key.len = path.len - (sizeof("services/") - 1);

            return ngx_http_catalog_api_service(r, mcf, &key);
        }
    }

    return ngx_http_catalog_api_error(r, NGX_HTTP_NOT_FOUND,
                                      "unknown API path");
}


static ngx_int_t
ngx_http_catalog_api_services(ngx_http_request_t *r,
    ngx_http_catalog_main_conf_t *mcf)
{
    char                          err[256], *scratch;
    u_char                       *p;
    size_t                        len, n;
    catalog_hit_t                *hits;
    catalog_query_t               q;
    catalog_state_fn_t            fn;
    catalog_status_fn_t           status;
    ngx_http_catalog_state_ctx_t  sctx;

    ngx_http_catalog_state_fn(r, &fn, &sctx);

    scratch = ngx_pnalloc(r->pool, 3 * r->args.len + 64);
    if (scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (catalog_query_parse(&q, (char *) r->args.data, r->args.len, scratch,
                            err, sizeof(err))
        != 0)
    {
        return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST, err);
    }

    n = catalog_index_bound(mcf->catalog->index, &q);

    hits = ngx_palloc(r->pool, (n + 1) * sizeof(catalog_hit_t));
    if (hits == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    status.handler = ngx_http_catalog_zone_status;
    status.ctx = mcf;

    n = catalog_index_run(mcf->catalog->index, &q, &status, hits);

    len = catalog_json_services(NULL, mcf->catalog, hits, n, q.page,
                                q.per_page, &fn);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = catalog_json_services((char *) p, mcf->catalog, hits, n, q.page,
                                q.per_page, &fn);

    return ngx_http_catalog_api_send(r, NGX_HTTP_OK, p, len);
}


static ngx_int_t
ngx_http_catalog_api_service(ngx_http_request_t *r,
    ngx_http_catalog_main_conf_t *mcf, ngx_str_t *key)
{
    u_char                        *p;
    size_t                         len;
    catalog_service_t             *s;
    catalog_state_fn_t             fn;
    ngx_http_catalog_state_ctx_t   sctx;

    ngx_http_catalog_state_fn(r, &fn, &sctx);

    s = catalog_find_service(mcf->catalog, (char *) key->data, key->len);

    if (s == NULL) {
        return ngx_http_catalog_api_error(r, NGX_HTTP_NOT_FOUND,
                                          "unknown service");
    }

    len = catalog_json_service(NULL, s, &fn);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = catalog_json_service((char *) p, s, &fn);

    return ngx_http_catalog_api_send(r, NGX_HTTP_OK, p, len);
}


static ngx_int_t
ngx_http_catalog_api_resolve(ngx_http_request_t *r,
    ngx_http_catalog_main_conf_t *mcf)
{
    int                            rc;
    char                          *raw, *path, *method, *host, *location;
    char                          *c;
    long                           plen;
    size_t                         rlen, mlen, hlen, llen, i;
    u_char                        *p;
    catalog_resolve_t              res;
    catalog_decision_t             d;
    catalog_redirect_t            *rd;
    catalog_state_fn_t             fn;
    ngx_http_catalog_state_ctx_t   sctx;

    ngx_http_catalog_state_fn(r, &fn, &sctx);

    if (r->args.len > NGX_HTTP_CATALOG_RESOLVE_MAX) {
        return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                                          "query string is too long");
    }

    raw = ngx_pnalloc(r->pool, 4 * r->args.len + 16);
    if (raw == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    path = raw + r->args.len + 1;
    method = path + r->args.len + 1;
    host = method + r->args.len + 1;

    rc = catalog_query_arg((char *) r->args.data, r->args.len, "path", raw,
                           &rlen, 0);

    if (rc != 1 || rlen == 0) {
        return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                   rc == -1 ? "invalid \"path\": given twice or badly encoded"
                            : "\"path\" is required");
    }

    for (i = 0; i < rlen; i++) {
        if ((u_char) raw[i] < 0x20 || raw[i] == 0x7f) {
            return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                       "invalid \"path\": must not contain control characters");
        }
    }

    if (!catalog_utf8_valid(raw, rlen)) {
        return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                                          "invalid \"path\": not valid UTF-8");
    }

    plen = catalog_path_normalize(path, raw, rlen);

    if (plen < 0) {
        return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                   "invalid \"path\": must start with \"/\" and stay under it");
    }

    rc = catalog_query_arg((char *) r->args.data, r->args.len, "method",
                           method, &mlen, 0);

    if (rc == -1) {
        return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                   "invalid \"method\": given twice or badly encoded");
    }

    if (rc == 0 || mlen == 0) {
        ngx_memcpy(method, "GET", 3);
        mlen = 3;
    }

    /* what nginx takes for a request method: "A-Z", "_" and "-" */

    for (i = 0; i < mlen; i++) {
        if (((method[i] < 'A' || method[i] > 'Z') && method[i] != '_'
             && method[i] != '-')
            || mlen > 32)
        {
            return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                       "invalid \"method\": must be an upper-case method name");
        }
    }

    rc = catalog_query_arg((char *) r->args.data, r->args.len, "host", host,
                           &hlen, 0);

    if (rc == -1) {
        return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                   "invalid \"host\": given twice or badly encoded");
    }

    if (rc == 0) {
        hlen = 0;
    }

    /* as nginx validates a Host: lowercase, without the port */

    c = memchr(host, ':', hlen);
    if (c) {
        hlen = c - host;
    }

    for (i = 0; i < hlen; i++) {
        host[i] = ngx_tolower(host[i]);

        if (!(host[i] >= 'a' && host[i] <= 'z') && host[i] != '.'
            && host[i] != '-' && host[i] != '_'
            && !(host[i] >= '0' && host[i] <= '9'))
        {
            return ngx_http_catalog_api_error(r, NGX_HTTP_BAD_REQUEST,
                                              "invalid \"host\"");
        }
    }

    if (hlen && host[hlen - 1] == '.') {
        hlen--;
    }

    catalog_decide(mcf->catalog, host, hlen, path, (size_t) plen, method,
                   mlen, &fn, &d);

    ngx_memzero(&res, sizeof(catalog_resolve_t));

    res.path = path;
    res.path_len = (size_t) plen;
    res.method = method;
    res.method_len = mlen;
    res.host = host;
    res.host_len = hlen;
    res.route = d.match.route;
    res.outcome = catalog_outcome_name(d.outcome == CATALOG_OUTCOME_EMPTY
                                       ? CATALOG_OUTCOME_NOT_FOUND
                                       : d.outcome);

    if (d.outcome == CATALOG_OUTCOME_REDIRECT) {
        rd = d.match.route->service->redirect;

        llen = catalog_redirect_location(NULL, rd, path + d.match.matched,
                                         (size_t) plen - d.match.matched,
                                         NULL, 0);

        location = ngx_pnalloc(r->pool, llen + 1);
        if (location == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        res.location = location;
        res.location_len = catalog_redirect_location(location, rd,
                                          path + d.match.matched,
                                          (size_t) plen - d.match.matched,
                                          NULL, 0);
    }

    rlen = catalog_json_resolve(NULL, &res, &fn);

    p = ngx_pnalloc(r->pool, rlen);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rlen = catalog_json_resolve((char *) p, &res, &fn);

    return ngx_http_catalog_api_send(r, NGX_HTTP_OK, p, rlen);
}


static ngx_int_t
ngx_http_catalog_api_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message)
{
    u_char  *p;
    size_t   len;

    len = catalog_json_error(NULL, status, message);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = catalog_json_error((char *) p, status, message);

    return ngx_http_catalog_api_send(r, status, p, len);
}


static ngx_int_t
ngx_http_catalog_api_send(ngx_http_request_t *r, ngx_uint_t status,
    u_char *body, size_t len)
{
    ngx_http_catalog_ctx_t  *ctx;

    if (ngx_http_catalog_api_headers(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* with an ETag, nginx's not_modified filter answers If-None-Match */

    if (status == NGX_HTTP_OK) {
        ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);

        r->headers_out.etag = ngx_http_catalog_add_header(r, "ETag",
                                                          ctx->etag.data,
                                                          ctx->etag.len);
        if (r->headers_out.etag == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return ngx_http_catalog_send(r, status,
                                 "application/json; charset=utf-8", body,
                                 len);
}


static ngx_int_t
ngx_http_catalog_api_headers(ngx_http_request_t *r)
{
    if (ngx_http_catalog_add_header(r, "Access-Control-Allow-Origin",
                                    (u_char *) "*", 1)
        == NULL)
    {
        return NGX_ERROR;
    }

    /* always revalidate: a runtime status change must show at once */

    if (ngx_http_catalog_add_header(r, "Cache-Control", (u_char *) "no-cache",
                                    sizeof("no-cache") - 1)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_api_etag(ngx_http_request_t *r, ngx_str_t *etag)
{
    u_char                        *p;
    ngx_http_catalog_ctx_t        *ctx;
    ngx_http_catalog_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_catalog_ctx_t));
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_http_set_ctx(r, ctx, ngx_http_catalog_module);

    p = ngx_pnalloc(r->pool, mcf->version.len + NGX_INT64_LEN + 4);
    if (p == NULL) {
        return NGX_ERROR;
    }

    etag->data = p;
    etag->len = ngx_sprintf(p, "\"%V-%ui\"", &mcf->version,
                            ngx_http_catalog_zone_generation(mcf))
                - p;

    ctx->etag = *etag;

    return NGX_OK;
}
