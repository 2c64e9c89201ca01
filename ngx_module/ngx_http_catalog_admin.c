
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_zone.h>
#include <catalog_admin.h>
#include <catalog_buf.h>
#include <catalog_json.h>


/*
 * catalog_admin: an agency switches its own services to maintenance and
 * back without a reload.  Bearer tokens are checked against SHA-256
 * hashes (catalog_admin_tokens), in constant time; without a tokens file
 * the admin API answers 403 to everything.  Paths, relative to the
 * location: services/AGENCY/SERVICE (GET) and
 * services/AGENCY/SERVICE/status (PUT, DELETE).
 */


static ngx_int_t ngx_http_catalog_admin_handler(ngx_http_request_t *r);
static void ngx_http_catalog_admin_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_catalog_admin_put(ngx_http_request_t *r,
    u_char *body, size_t len);
static ngx_int_t ngx_http_catalog_admin_change(ngx_http_request_t *r,
    catalog_override_t *o);
static ngx_int_t ngx_http_catalog_admin_answer(ngx_http_request_t *r,
    ngx_uint_t status);
static ngx_int_t ngx_http_catalog_admin_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *message);


/*
 * The module's context of the request: what the variables, the log phase
 * and the balancer read as ngx_http_catalog_ctx_t comes first, zeroed (no
 * service routed), then the admin API's own
 */

typedef struct {
    ngx_http_catalog_ctx_t        base;
    const catalog_token_t        *token;
    catalog_service_t            *service;
    ngx_uint_t                    status_path;  /* .../status */
} ngx_http_catalog_admin_ctx_t;


char *
ngx_http_catalog_admin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_catalog_admin_handler) {
        return "is duplicate";
    }

    clcf->handler = ngx_http_catalog_admin_handler;

    return NGX_CONF_OK;
}


static void
ngx_http_catalog_tokens_cleanup(void *data)
{
    catalog_tokens_free(data);
}


char *
ngx_http_catalog_admin_tokens(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_catalog_main_conf_t  *mcf = conf;

    char                 err[CATALOG_ERROR_LEN];
    ngx_str_t           *value, file;
    ngx_pool_cleanup_t  *cln;

    if (mcf->tokens) {
        return "is duplicate";
    }

    value = cf->args->elts;
    file = value[1];

    if (ngx_conf_full_name(cf->cycle, &file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, sizeof(catalog_tokens_t));
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    mcf->tokens = cln->data;
    ngx_memzero(mcf->tokens, sizeof(catalog_tokens_t));
    catalog_arena_init(&mcf->tokens->arena);

    cln->handler = ngx_http_catalog_tokens_cleanup;

    if (catalog_tokens_load(mcf->tokens, (char *) file.data, err, sizeof(err))
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_catalog_admin_handler(ngx_http_request_t *r)
{
    u_char                        *p, *last;
    ngx_int_t                      rc;
    ngx_str_t                      path, token;
    ngx_table_elt_t               *auth;
    catalog_service_t             *s;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_catalog_admin_ctx_t  *ctx;
    ngx_http_catalog_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);

    if (mcf->tokens == NULL) {
        return ngx_http_catalog_admin_error(r, NGX_HTTP_FORBIDDEN,
                   "the admin API is off: no catalog_admin_tokens");
    }

    /* Authorization: Bearer TOKEN */

    auth = r->headers_in.authorization;

    token.len = 0;
    token.data = NULL;

    if (auth && auth->value.len > 7
        && ngx_strncasecmp(auth->value.data, (u_char *) "Bearer ", 7) == 0)
    {
        p = auth->value.data + 7;
        last = auth->value.data + auth->value.len;

        while (p < last && *p == ' ') {
            p++;
        }

        token.data = p;
        token.len = last - p;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_catalog_admin_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (token.len) {
        ctx->token = catalog_tokens_check(mcf->tokens, (char *) token.data,
                                          token.len);
    }

    if (ctx->token == NULL) {

        if (ngx_http_catalog_add_header(r, "WWW-Authenticate",
                                        (u_char *) "Bearer",
                                        sizeof("Bearer") - 1)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_catalog_admin_error(r, NGX_HTTP_UNAUTHORIZED,
                   token.len ? "invalid token" : "a bearer token is required");
    }

    /* services/AGENCY/SERVICE[/status] under the location */

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (r->uri.len < clcf->name.len + sizeof("services/") - 1
        || ngx_strncmp(r->uri.data, clcf->name.data, clcf->name.len) != 0)
    {
        return ngx_http_catalog_admin_error(r, NGX_HTTP_NOT_FOUND,
                                            "unknown admin path");
    }

    path.data = r->uri.data + clcf->name.len;
    path.len = r->uri.len - clcf->name.len;

    if (path.len && path.data[0] == '/') {
        path.data++;
        path.len--;
    }

    if (path.len < sizeof("services/") - 1
        || ngx_strncmp(path.data, "services/", sizeof("services/") - 1) != 0)
    {
        return ngx_http_catalog_admin_error(r, NGX_HTTP_NOT_FOUND,
                                            "unknown admin path");
    }

    path.data += sizeof("services/") - 1;
    path.len -= sizeof("services/") - 1;

    if (path.len > sizeof("/status") - 1
        && ngx_strncmp(path.data + path.len - (sizeof("/status") - 1),
                       "/status", sizeof("/status") - 1) == 0)
    {
        ctx->status_path = 1;
        path.len -= sizeof("/status") - 1;
    }

    s = catalog_find_service(mcf->catalog, (char *) path.data, path.len);

    if (s == NULL) {
        return ngx_http_catalog_admin_error(r, NGX_HTTP_NOT_FOUND,
                                            "unknown service");
    }

    if (!catalog_token_allows(ctx->token, s->agency->id.data,
                              s->agency->id.len))
    {
        return ngx_http_catalog_admin_error(r, NGX_HTTP_FORBIDDEN,
                   "this token may not change the services of this agency");
    }

    ctx->service = s;
    ngx_http_set_ctx(r, ctx, ngx_http_catalog_module);

    if (!ctx->status_path) {

        if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
            goto not_allowed;
        }

        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_catalog_admin_answer(r, NGX_HTTP_OK);
    }

    if (r->method == NGX_HTTP_DELETE) {

        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_catalog_admin_change(r, NULL);
    }

    if (r->method != NGX_HTTP_PUT) {
        goto not_allowed;
    }

    if (r->headers_in.content_length_n > CATALOG_BODY_MAX) {
        return ngx_http_catalog_admin_error(r,
                   NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                   "the body is larger than 8192 bytes");
    }

    r->request_body_in_single_buf = 1;
    r->request_body_in_persistent_file = 0;

    rc = ngx_http_read_client_request_body(r, ngx_http_catalog_admin_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;

not_allowed:

    if (ngx_http_catalog_add_header(r, "Allow",
                                    (u_char *) (ctx->status_path
                                                ? "PUT, DELETE"
                                                : "GET, HEAD"),
                                    ctx->status_path ? 11 : 9)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_catalog_admin_error(r, NGX_HTTP_NOT_ALLOWED,
                                        "method not allowed");
}


static void
ngx_http_catalog_admin_body(ngx_http_request_t *r)
{
    u_char       *body, *p;
    size_t        len;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    /* the body, in memory or in a temporary file, at most 8 KiB */

    len = 0;

    for (cl = r->request_body ? r->request_body->bufs : NULL;
         cl;
         cl = cl->next)
    {
        len += ngx_buf_size(cl->buf);
    }

    if (len > CATALOG_BODY_MAX) {
        ngx_http_finalize_request(r, ngx_http_catalog_admin_error(r,
                                  NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                  "the body is larger than 8192 bytes"));
        return;
    }

    body = ngx_pnalloc(r->pool, len + 1);
    if (body == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    p = body;

    for (cl = r->request_body ? r->request_body->bufs : NULL;
         cl;
         cl = cl->next)
    {
        b = cl->buf;

        if (b->in_file) {
            n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                ngx_http_finalize_request(r,
                                          NGX_HTTP_INTERNAL_SERVER_ERROR);
                return;
            }

            p += n;

        } else if (b->last != b->pos) {
            /* not for the empty last buffer of a chunked body: pos NULL */
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    ngx_http_finalize_request(r, ngx_http_catalog_admin_put(r, body,
                                                            p - body));
}


static ngx_int_t
ngx_http_catalog_admin_put(ngx_http_request_t *r, u_char *body, size_t len)
{
    char                           err[256];
    catalog_override_t            *o;
    ngx_http_catalog_admin_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);

    o = ngx_pcalloc(r->pool, sizeof(catalog_override_t));
    if (o == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (catalog_admin_body((char *) body, len, (int64_t) ngx_time(), o, err,
                           sizeof(err))
        != 0)
    {
        return ngx_http_catalog_admin_error(r, NGX_HTTP_BAD_REQUEST, err);
    }

    if (ctx->service->status == CATALOG_STATUS_RETIRED) {
        return ngx_http_catalog_admin_error(r, NGX_HTTP_CONFLICT,
                   "the service is retired in its manifest");
    }

    return ngx_http_catalog_admin_change(r, o);
}


static ngx_int_t
ngx_http_catalog_admin_change(ngx_http_request_t *r, catalog_override_t *o)
{
    catalog_state_t                st;
    ngx_http_catalog_admin_ctx_t  *ctx;
    ngx_http_catalog_main_conf_t  *mcf;
    ngx_http_catalog_state_ctx_t   sctx;
    catalog_state_fn_t             fn;
    const char                    *old;

    ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);
    mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);

    ngx_http_catalog_state_fn(r, &fn, &sctx);
    catalog_state(&fn, ctx->service, &st);
    old = catalog_status_name(st.status);

    if (ngx_http_catalog_zone_change(mcf, ctx->service, o,
                                     ctx->token->name.data,
                                     ctx->token->name.len)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "catalog: no room in the zone to change \"%s\"",
                      ctx->service->key.data);
        return ngx_http_catalog_admin_error(r,
                   NGX_HTTP_INTERNAL_SERVER_ERROR,
                   "the change could not be stored");
    }

    /* the token's name, never the token */

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "catalog: \"%s\" %s \"%s\": %s -> %s",
                  ctx->token->name.data, o ? "set" : "cleared",
                  ctx->service->key.data, old,
                  o ? catalog_status_name(o->status)
                    : catalog_status_name(ctx->service->status));

    if (ngx_http_catalog_zone_save(mcf, r->pool, r->connection->log)
        != NGX_OK)
    {
        /* the next change that is written writes this one too */
        return ngx_http_catalog_admin_error(r,
                   NGX_HTTP_INTERNAL_SERVER_ERROR,
                   "the change is in force, but the state file could not "
                   "be written: a restart would lose it");
    }

    return ngx_http_catalog_admin_answer(r, NGX_HTTP_OK);
}


static ngx_int_t
ngx_http_catalog_admin_answer(ngx_http_request_t *r, ngx_uint_t status)
{
    u_char                        *p, *q;
    size_t                         len;
    catalog_buf_t                  cb;
    catalog_override_t            *o;
    catalog_state_fn_t             fn;
    ngx_http_catalog_admin_ctx_t  *ctx;
    ngx_http_catalog_main_conf_t  *mcf;
    ngx_http_catalog_state_ctx_t   sctx;
    char                           t1[CATALOG_TIME_LEN + 1];
    char                           t2[CATALOG_TIME_LEN + 1];
    catalog_str_t                  s;
    ngx_int_t                      active;

    ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);
    mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);

    ngx_http_catalog_state_fn(r, &fn, &sctx);

    o = ngx_palloc(r->pool, sizeof(catalog_override_t));
    if (o == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    active = ngx_http_catalog_zone_get(mcf, ctx->service, o);

    /* {"service": SERVICE, "override": null | {...}} */

    len = catalog_json_service(NULL, ctx->service, &fn)
          + 2 * CATALOG_MESSAGE_BYTES * 6 + 512;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    q = ngx_cpymem(p, "{\"service\": ", sizeof("{\"service\": ") - 1);
    q += catalog_json_service((char *) q, ctx->service, &fn);

    cb.dst = (char *) q;
    cb.len = 0;

    catalog_buf_literal(&cb, ", \"override\": ");

    if (!active) {
        catalog_buf_literal(&cb, "null}");

    } else {
        catalog_buf_literal(&cb, "{\"status\": \"");
        catalog_buf_cstr(&cb, catalog_status_name(o->status));
        catalog_buf_literal(&cb, "\", \"message\": ");
        s.data = o->message;
        s.len = o->message_len;
        catalog_buf_json_string(&cb, &s);
        catalog_buf_literal(&cb, ", \"until\": ");
        s.data = t1;
        s.len = o->until ? catalog_time_format(o->until, t1) : 0;
        catalog_buf_json_string(&cb, &s);
        catalog_buf_literal(&cb, ", \"updated_at\": ");
        s.data = t2;
        s.len = catalog_time_format_ms(o->updated_at, t2);
        catalog_buf_json_string(&cb, &s);
        catalog_buf_literal(&cb, ", \"updated_by\": ");
        s.data = o->updated_by;
        s.len = o->updated_by_len;
        catalog_buf_json_string(&cb, &s);
        catalog_buf_literal(&cb, "}}");
    }

    q += cb.len;

    if (ngx_http_catalog_add_header(r, "Cache-Control", (u_char *) "no-store",
                                    sizeof("no-store") - 1)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_catalog_send(r, status, "application/json; charset=utf-8",
                                 p, q - p);
}


static ngx_int_t
ngx_http_catalog_admin_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message)
{
    u_char     *p;
    size_t      len;
    ngx_int_t   rc;

    if (r->request_body == NULL) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    len = catalog_json_error(NULL, status, message);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = catalog_json_error((char *) p, status, message);

    /* errors are admin answers too: never kept by a cache */

    if (ngx_http_catalog_add_header(r, "Cache-Control", (u_char *) "no-store",
                                    sizeof("no-store") - 1)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_catalog_send(r, status, "application/json; charset=utf-8",
                                 p, len);
}
