
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
#include <catalog_redis.h>


struct ngx_http_catalog_slot_s {
    ngx_atomic_t                  seq;         /* odd while written */
    u_char                       *key;         /* "agency/service" */
    size_t                        key_len;
    ngx_uint_t                    active;      /* an override is set */
    ngx_uint_t                    status;      /* catalog_status_e */
    int64_t                       until;
    int64_t                       updated_at;  /* ms, of the last change:
                                                  set or cleared; 0: none */
    u_char                       *message;     /* CATALOG_MESSAGE_BYTES */
    size_t                        message_len;
    size_t                        updated_by_len;
    u_char                        updated_by[CATALOG_TOKEN_NAME_MAX];
    catalog_stats_t              *stats;       /* counters, never freed */
};


/*
 * Local changes for the Redis owner to send: the indexes of their slots,
 * a ring written under the slab mutex; "in" counts every one written
 */

#define NGX_HTTP_CATALOG_PENDING  1024


/* Redis as the owner worker sees it, for the status and metrics */

typedef struct {
    ngx_atomic_t                  owner;       /* pid, or 0 */
    ngx_atomic_t                  lease;       /* ngx_current_msec, until */
    ngx_atomic_t                  connected;
    int64_t                       since;       /* s: connected or not */
    int64_t                       last_sync;   /* s */
    ngx_atomic_t                  version;     /* status:version seen */
    ngx_atomic_t                  connections; /* made */
    ngx_atomic_t                  errors;

    ngx_atomic_t                  pending_in;
    ngx_uint_t                    pending[NGX_HTTP_CATALOG_PENDING];

    ngx_atomic_t                  fleet_seq;   /* odd while written */
    ngx_uint_t                    fleet_nodes;
    ngx_uint_t                    fleet_drift;
    size_t                        fleet_len;
    u_char                       *fleet;       /* the "fleet" JSON */
    size_t                        fleet_size;
} ngx_http_catalog_redis_sh_t;


struct ngx_http_catalog_sh_s {
    ngx_atomic_t                  generation;  /* changes: the ETag */
    ngx_http_catalog_redis_sh_t   redis;
    int64_t                       next_expiry; /* earliest "until" ahead */
    ngx_uint_t                    capacity;    /* slots, a power of two */
    ngx_uint_t                    used;
    ngx_uint_t                    nactive;     /* slots with an override */
    uint64_t                      save_ticket; /* state file snapshots */
    uint64_t                      save_done;   /* the one in place */
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

/*
 * A change through the admin API: sets (o) or clears (NULL) an override
 * at now, or just after the last change if that is later; every worker
 * sees it at once, and the Redis owner is told to send it
 */
ngx_int_t ngx_http_catalog_zone_change(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, catalog_override_t *o, const char *by,
    size_t by_len);

/*
 * A value from elsewhere (Redis, the state file): taken only when newer
 * than the last change (catalog_redis_newer()); 1 taken, 0 not, or
 * NGX_ERROR when the zone has no room
 */
ngx_int_t ngx_http_catalog_zone_merge(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, const catalog_redis_value_t *v);

/* the last change of a service, set or cleared: 1 and *v, or 0 */
ngx_int_t ngx_http_catalog_zone_last(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, catalog_redis_value_t *v);

/* the service key of slot i, for the pending ring */
ngx_int_t ngx_http_catalog_zone_slot_key(ngx_http_catalog_main_conf_t *mcf,
    ngx_uint_t i, catalog_str_t *key);

/* writes catalog_state_file now (a blocking write), if it is set */
ngx_int_t ngx_http_catalog_zone_save(ngx_http_catalog_main_conf_t *mcf,
    ngx_pool_t *pool, ngx_log_t *log);

int64_t ngx_http_catalog_now_ms(void);

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
