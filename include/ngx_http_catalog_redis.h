
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _NGX_HTTP_CATALOG_REDIS_H_INCLUDED_
#define _NGX_HTTP_CATALOG_REDIS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include <ngx_http_catalog_module.h>
#include <catalog_redis.h>


#define NGX_HTTP_CATALOG_REDIS_REPLY_MAX  (1024 * 1024)


/* catalog_redis: everything checked and resolved when the config loads */

struct ngx_http_catalog_redis_conf_s {
    ngx_str_t                     name;        /* as written, for logs */
    ngx_str_t                     host;        /* an IP address, or */
    ngx_str_t                     path;        /* a unix socket */
    int                           port;
    ngx_int_t                     db;
    ngx_str_t                     prefix;
    ngx_str_t                     password;    /* never logged */
    ngx_str_t                     user;
    ngx_str_t                     node;
    ngx_msec_t                    connect_timeout;
    ngx_msec_t                    timeout;
    ngx_msec_t                    interval;

    ngx_str_t                     file;        /* where it is written */
    ngx_uint_t                    line;
};


/*
 * One hiredis context on nginx's events.  The fd is hiredis's: it is
 * wrapped in an ngx_connection_t (level-triggered, so that replies over
 * 16 KiB never stall) that is given back, not closed, when hiredis frees
 * the context.  One timer serves the connect timeout, then the command
 * timeout: armed while replies are due, pushed back by each reply.
 */

typedef struct ngx_http_catalog_redis_conn_s  ngx_http_catalog_redis_conn_t;

typedef void (*ngx_http_catalog_redis_conn_pt)(
    ngx_http_catalog_redis_conn_t *rc, const char *reason);

struct ngx_http_catalog_redis_conn_s {
    redisAsyncContext            *ac;          /* NULL: closed */
    ngx_connection_t             *connection;
    ngx_event_t                   timer;
    ngx_event_t                   later;       /* a failure, deferred */
    ngx_uint_t                    due;         /* replies awaited */
    ngx_msec_t                    timeout;
    ngx_log_t                    *log;
    ngx_str_t                    *name;        /* the address, for logs */
    const char                   *what;        /* "command", "pub/sub" */

    ngx_http_catalog_redis_conn_pt  connected;   /* reason NULL */
    ngx_http_catalog_redis_conn_pt  failed;      /* once, after closing */
    void                         *data;
    const char                   *reason;      /* to fail with, later */

    unsigned                      up:1;        /* the socket connected */
    unsigned                      hard:1;      /* failed for an error */
};


ngx_int_t ngx_http_catalog_redis_conn_open(ngx_http_catalog_redis_conn_t *rc,
    ngx_http_catalog_redis_conf_t *rcf);
void ngx_http_catalog_redis_conn_close(ngx_http_catalog_redis_conn_t *rc);

/* a command whose reply counts against the command timeout */
ngx_int_t ngx_http_catalog_redis_conn_send(ngx_http_catalog_redis_conn_t *rc,
    redisCallbackFn *fn, void *privdata, int argc, const char **argv,
    const size_t *argvlen);

/*
 * The first call of every reply callback of a counted command: the
 * connection, or NULL when the reply is none (the context is being
 * freed) and the callback is to do nothing
 */
ngx_http_catalog_redis_conn_t *ngx_http_catalog_redis_conn_reply(
    redisAsyncContext *ac, void *reply);

/* closes the connection and calls rc->failed(reason) */
void ngx_http_catalog_redis_conn_fail(ngx_http_catalog_redis_conn_t *rc,
    const char *reason);

/* the same from a timer: for the connected handler, a hiredis callback */
void ngx_http_catalog_redis_conn_fail_later(
    ngx_http_catalog_redis_conn_t *rc, const char *reason);


char *ngx_http_catalog_redis(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_catalog_redis_check(ngx_conf_t *cf,
    ngx_http_catalog_main_conf_t *mcf);

ngx_int_t ngx_http_catalog_redis_init_process(ngx_cycle_t *cycle);
void ngx_http_catalog_redis_exit_process(ngx_cycle_t *cycle);

/* the "redis" report and the "fleet" JSON (from pool), for the status */
void ngx_http_catalog_redis_report(ngx_http_catalog_main_conf_t *mcf,
    catalog_redis_report_t *rep);
ngx_int_t ngx_http_catalog_redis_fleet(ngx_http_catalog_main_conf_t *mcf,
    ngx_pool_t *pool, ngx_str_t *json, ngx_uint_t *nodes,
    ngx_uint_t *drift);


#endif /* _NGX_HTTP_CATALOG_REDIS_H_INCLUDED_ */
