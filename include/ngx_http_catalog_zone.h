
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _NGX_HTTP_CATALOG_ZONE_H_INCLUDED_
#define _NGX_HTTP_CATALOG_ZONE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <catalog_admin.h>
#include <catalog_metrics.h>


struct ngx_http_catalog_slot_s {
    ngx_atomic_t                  seq;         /* odd while written */
    u_char                       *key;         /* "agency/service" */
    size_t                        key_len;
    ngx_uint_t                    active;      /* an override is set */
    ngx_uint_t                    status;      /* catalog_status_e */
    int64_t                       until;
    int64_t                       updated_at;
    u_char                       *message;     /* CATALOG_MESSAGE_BYTES */
    size_t                        message_len;
    size_t                        updated_by_len;
    u_char                        updated_by[CATALOG_TOKEN_NAME_MAX];
    catalog_stats_t              *stats;       /* counters, never freed */
};


struct ngx_http_catalog_sh_s {
    ngx_atomic_t                  generation;  /* changes: the ETag */
    int64_t                       next_expiry; /* earliest "until" ahead */
    ngx_uint_t                    capacity;    /* slots, a power of two */
    ngx_uint_t                    used;
    ngx_uint_t                    nactive;     /* slots with an override */
    catalog_stats_t               unmatched;   /* no service matched */
    ngx_http_catalog_slot_t       slots[1];
};


typedef struct {
    const catalog_service_t      *service;
    catalog_state_t               state;
} ngx_http_catalog_state_seen_t;


/*
 * A request sees one state per service: the first read is kept, so that
 * an answer measured, then written, cannot change length in between.
 * The first service read is kept here, so that routing, which reads one,
 * allocates nothing.
 */

typedef struct {
    ngx_http_catalog_main_conf_t *mcf;
    ngx_pool_t                   *pool;        /* of the request */
    ngx_http_catalog_state_seen_t first;       /* service NULL: none yet */
    ngx_array_t                  *seen;        /* of state_seen_t */
} ngx_http_catalog_state_ctx_t;


size_t ngx_http_catalog_zone_need(ngx_uint_t nkeys);
char *ngx_http_catalog_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_catalog_zone_add(ngx_conf_t *cf,
    ngx_http_catalog_main_conf_t *mcf);

/* the override of a service in force now: 1 and *o filled, or 0 */
ngx_int_t ngx_http_catalog_zone_get(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, catalog_override_t *o);

/* sets (o) or clears (NULL) an override; every worker sees it at once */
ngx_int_t ngx_http_catalog_zone_set(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, const catalog_override_t *o);

ngx_uint_t ngx_http_catalog_zone_generation(
    ngx_http_catalog_main_conf_t *mcf);

/* the effective state of a service for a request: catalog_state_fn_t */
void ngx_http_catalog_zone_state(void *data, const catalog_service_t *s,
    catalog_state_t *st);
catalog_status_e ngx_http_catalog_zone_status(void *data,
    const catalog_service_t *s);
/* counters: an atomic add each, no lock */
void ngx_http_catalog_zone_count(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, ngx_uint_t outcome);
void ngx_http_catalog_zone_upstream(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, ngx_uint_t status, ngx_msec_t ms);

/* a copy of every counter and status, from the request pool */
ngx_int_t ngx_http_catalog_zone_report(ngx_http_catalog_main_conf_t *mcf,
    ngx_pool_t *pool, ngx_uint_t per_service, catalog_report_t *rep);

void ngx_http_catalog_state_fn(ngx_http_request_t *r,
    catalog_state_fn_t *fn, ngx_http_catalog_state_ctx_t *ctx);


#endif /* _NGX_HTTP_CATALOG_ZONE_H_INCLUDED_ */
