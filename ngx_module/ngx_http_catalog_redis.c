
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_zone.h>
#include <ngx_http_catalog_redis.h>
#include <catalog_check.h>
#include <catalog_fleet.h>
#include <catalog_manifest.h>


/*
 * The fleet's shared state in Redis.  One worker per node, the owner,
 * holds a lease in the shared zone and with it the two connections: one
 * for commands, one subscribed to the events channel.  The others never
 * open a socket to Redis; they see what the owner brings in through the
 * zone, as requests always do.
 *
 * Every key is synced the same way: its hash is read (by a script that
 * gives at most 16 fields and 8 KiB), checked as hostile input, and the
 * newest of it and the zone's last change wins: the zone takes Redis's,
 * or Redis gets the zone's through a script that writes only if the hash
 * is still what was read (a compare and set), then counts the change in
 * status:version and publishes the key on the events channel.  A key is
 * synced when its event comes, when a local change is made, and for every
 * service in a full resync: after each connect, and when status:version
 * says that changes were missed.
 */


#define NGX_HTTP_CATALOG_REDIS_LEASE_TICK   500
#define NGX_HTTP_CATALOG_REDIS_LEASE        1500
#define NGX_HTTP_CATALOG_REDIS_PENDING_TICK 20
#define NGX_HTTP_CATALOG_REDIS_RECHECK      250
#define NGX_HTTP_CATALOG_REDIS_SAVE         1000
#define NGX_HTTP_CATALOG_REDIS_STABLE       10000  /* ms connected */
#define NGX_HTTP_CATALOG_REDIS_CHUNK        256
#define NGX_HTTP_CATALOG_REDIS_TRIES        3
#define NGX_HTTP_CATALOG_REDIS_LOGS         20     /* skipped, a second */
#define NGX_HTTP_CATALOG_REDIS_SCANS        64     /* SCAN calls a tick */
#define NGX_HTTP_CATALOG_REDIS_FLEET_SIZE   (64 * 1024)
#define NGX_HTTP_CATALOG_REDIS_HASH_MAX     16     /* fields read */

/* privdata of a key's commands: the service index, the tries, a flag */
#define NGX_HTTP_CATALOG_REDIS_RESYNC       0x80000000
#define NGX_HTTP_CATALOG_REDIS_TRY_SHIFT    24
#define NGX_HTTP_CATALOG_REDIS_INDEX        0x00ffffff


typedef enum {
    NGX_HTTP_CATALOG_REDIS_IDLE = 0,
    NGX_HTTP_CATALOG_REDIS_CONNECTING,
    NGX_HTTP_CATALOG_REDIS_READY
} ngx_http_catalog_redis_state_e;


typedef struct {
    ngx_http_catalog_main_conf_t   *mcf;
    ngx_http_catalog_redis_conf_t  *rcf;
    ngx_http_catalog_redis_sh_t    *sh;
    ngx_log_t                      *log;

    ngx_http_catalog_redis_conn_t   cmd;
    ngx_http_catalog_redis_conn_t   sub;

    ngx_event_t                     lease_ev;
    ngx_event_t                     retry_ev;
    ngx_event_t                     tick_ev;
    ngx_event_t                     pending_ev;
    ngx_event_t                     resync_ev;
    ngx_event_t                     recheck_ev;
    ngx_event_t                     heartbeat_ev;
    ngx_event_t                     save_ev;

    ngx_http_catalog_redis_state_e  state;
    unsigned                        cmd_ready:1;
    unsigned                        sub_events:1;
    unsigned                        sub_heartbeat:1;
    unsigned                        exiting:1;
    unsigned                        resync:1;
    unsigned                        resync_again:1;
    unsigned                        mismatch:1;
    unsigned                        hard:1;        /* Redis said no */

    ngx_uint_t                      attempt;
    ngx_msec_t                      ready_at;
    ngx_atomic_uint_t               pending_out;

    ngx_uint_t                      resync_next;
    ngx_uint_t                      resync_due;
    ngx_uint_t                      resync_in;
    ngx_uint_t                      resync_out;
    ngx_msec_t                      resync_start;

    uint64_t                        base;          /* status:version */
    uint64_t                        messages;      /* events since */

    time_t                          logged_at;
    ngx_uint_t                      logged;
    ngx_uint_t                      unlogged;

    ngx_pool_t                     *fleet_pool;    /* while scanning */
    ngx_array_t                    *fleet_keys;    /* of ngx_str_t */
    ngx_uint_t                      fleet_scans;

    ngx_str_t                       version_key;
    ngx_str_t                       events;
    ngx_str_t                       heartbeat;
    ngx_str_t                       node_key;
    ngx_str_t                       nodes_pattern;
} ngx_http_catalog_redis_t;


static ngx_int_t ngx_http_catalog_redis_str(ngx_pool_t *pool,
    ngx_str_t *dst, ngx_http_catalog_redis_conf_t *rcf, const char *kind,
    u_char *name, size_t len);
static void ngx_http_catalog_redis_lease(ngx_event_t *ev);
static void ngx_http_catalog_redis_release(ngx_http_catalog_redis_t *rd);
static void ngx_http_catalog_redis_connect(ngx_http_catalog_redis_t *rd);
static void ngx_http_catalog_redis_retry(ngx_event_t *ev);
static void ngx_http_catalog_redis_stop(ngx_http_catalog_redis_t *rd);
static void ngx_http_catalog_redis_failed(ngx_http_catalog_redis_conn_t *rc,
    const char *reason);
static void ngx_http_catalog_redis_cmd_connected(
    ngx_http_catalog_redis_conn_t *rc, const char *reason);
static void ngx_http_catalog_redis_sub_connected(
    ngx_http_catalog_redis_conn_t *rc, const char *reason);
static ngx_int_t ngx_http_catalog_redis_auth(ngx_http_catalog_redis_t *rd,
    ngx_http_catalog_redis_conn_t *rc);
static void ngx_http_catalog_redis_hello(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_catalog_redis_message(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_catalog_redis_ready(ngx_http_catalog_redis_t *rd);
static ngx_http_catalog_redis_t *ngx_http_catalog_redis_answer(
    redisAsyncContext *ac, void *reply);
static ngx_uint_t ngx_http_catalog_redis_said(redisReply *reply,
    const char *word);
static ngx_uint_t ngx_http_catalog_redis_owner(ngx_http_catalog_redis_t *rd);
static ngx_int_t ngx_http_catalog_redis_refused(ngx_http_catalog_redis_t *rd,
    ngx_http_catalog_redis_conn_t *rc, redisReply *reply);
static ngx_int_t ngx_http_catalog_redis_command(ngx_http_catalog_redis_t *rd,
    redisCallbackFn *fn, void *privdata, int argc, const char **argv,
    const size_t *argvlen);
static void ngx_http_catalog_redis_get_version(ngx_http_catalog_redis_t *rd,
    redisCallbackFn *fn);
static void ngx_http_catalog_redis_tick(ngx_event_t *ev);
static void ngx_http_catalog_redis_recheck(ngx_event_t *ev);
static void ngx_http_catalog_redis_version(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_catalog_redis_heartbeat_lost(ngx_event_t *ev);
static void ngx_http_catalog_redis_pending(ngx_event_t *ev);
static void ngx_http_catalog_redis_resync_begin(
    ngx_http_catalog_redis_t *rd);
static void ngx_http_catalog_redis_resync_base(redisAsyncContext *ac,
    void *r, void *privdata);
static void ngx_http_catalog_redis_resync_chunk(ngx_event_t *ev);
static void ngx_http_catalog_redis_resync_end(ngx_http_catalog_redis_t *rd);
static ngx_int_t ngx_http_catalog_redis_read_key(
    ngx_http_catalog_redis_t *rd, ngx_uint_t index, ngx_uint_t flags);
static void ngx_http_catalog_redis_key_read(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_catalog_redis_key_sync(ngx_http_catalog_redis_t *rd,
    catalog_service_t *s, redisReply *reply, ngx_uint_t flags);
static ngx_int_t ngx_http_catalog_redis_write(ngx_http_catalog_redis_t *rd,
    catalog_service_t *s, const catalog_redis_value_t *v,
    catalog_redis_field_t *expect, ngx_uint_t flags);
static void ngx_http_catalog_redis_written(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_catalog_redis_skipped(ngx_http_catalog_redis_t *rd,
    catalog_str_t *key, const char *reason);
static void ngx_http_catalog_redis_save(ngx_event_t *ev);
static void ngx_http_catalog_redis_publish_node(ngx_http_catalog_redis_t *rd);
static void ngx_http_catalog_redis_scan(ngx_http_catalog_redis_t *rd,
    const char *cursor, size_t len);
static void ngx_http_catalog_redis_scanned(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_catalog_redis_nodes(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_catalog_redis_fleet_done(ngx_http_catalog_redis_t *rd);
static void ngx_http_catalog_redis_done(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_catalog_redis_timer(ngx_event_t *ev,
    ngx_event_handler_pt handler, ngx_http_catalog_redis_t *rd);


/*
 * The write: only if the hash is still what was read (absent fields
 * read as ""), then counted and published.  Unknown fields go: Redis
 * holds the five fields of the contract and nothing else.
 */

static const char  ngx_http_catalog_redis_cas[] =
    "local f = {'status', 'message', 'until', 'updated_at', 'updated_by'}\n"
    "local n = redis.call('GET', KEYS[2])\n"
    "if n and not tonumber(n) then\n"
    "  return redis.error_reply('ERR status:version is not a number')\n"
    "end\n"
    "local cur = redis.call('HMGET', KEYS[1], unpack(f))\n"
    "for i = 1, 5 do\n"
    "  if (cur[i] or '') ~= ARGV[i] then return 0 end\n"
    "end\n"
    "redis.call('DEL', KEYS[1])\n"
    "redis.call('HSET', KEYS[1], f[1], ARGV[6], f[2], ARGV[7], f[3], "
    "ARGV[8], f[4], ARGV[9], f[5], ARGV[10])\n"
    "local v = redis.call('INCR', KEYS[2])\n"
    "redis.call('PUBLISH', KEYS[3], ARGV[11])\n"
    "return v\n";


/*
 * The read: the whole hash, to tell unknown fields, but never more than a
 * few fields: a hash grown by another tool costs no memory here
 */

static const char  ngx_http_catalog_redis_get[] =
    "local n = redis.call('HLEN', KEYS[1])\n"
    "if n > 16 then return n end\n"
    "local h = redis.call('HGETALL', KEYS[1])\n"
    "local size = 0\n"
    "for i = 1, #h do size = size + #h[i] end\n"
    "if size > 8192 then return -1 end\n"
    "return h\n";


/* the nodes' records, each at most 4 KiB: a larger one reads as none */

static const char  ngx_http_catalog_redis_get_nodes[] =
    "local r = {}\n"
    "for i, k in ipairs(KEYS) do\n"
    "  local ok, v = pcall(redis.call, 'GET', k)\n"
    "  if ok and v and #v <= 4096 then r[i] = v else r[i] = false end\n"
    "end\n"
    "return r\n";


static ngx_http_catalog_redis_t  ngx_http_catalog_redis_worker;


ngx_int_t
ngx_http_catalog_redis_init_process(ngx_cycle_t *cycle)
{
    u_char                         *p;
    ngx_http_catalog_redis_t       *rd;
    ngx_http_catalog_main_conf_t   *mcf;
    ngx_http_catalog_redis_conf_t  *rcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    mcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_catalog_module);

    if (mcf == NULL || mcf->redis == NULL || mcf->sh == NULL) {
        return NGX_OK;
    }

    rcf = mcf->redis;
    rd = &ngx_http_catalog_redis_worker;

    ngx_memzero(rd, sizeof(ngx_http_catalog_redis_t));

    rd->mcf = mcf;
    rd->rcf = rcf;
    rd->sh = &mcf->sh->redis;
    rd->log = cycle->log;

    rd->cmd.log = cycle->log;
    rd->cmd.what = "command";
    rd->cmd.data = rd;
    rd->cmd.connected = ngx_http_catalog_redis_cmd_connected;
    rd->cmd.failed = ngx_http_catalog_redis_failed;

    rd->sub.log = cycle->log;
    rd->sub.what = "pub/sub";
    rd->sub.data = rd;
    rd->sub.connected = ngx_http_catalog_redis_sub_connected;
    rd->sub.failed = ngx_http_catalog_redis_failed;

    p = ngx_pnalloc(cycle->pool, NGX_INT_T_LEN + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_catalog_redis_str(cycle->pool, &rd->version_key, rcf,
                                   "status:", (u_char *) "version", 7)
        != NGX_OK
        || ngx_http_catalog_redis_str(cycle->pool, &rd->events, rcf,
                                      "events", NULL, 0)
           != NGX_OK
        || ngx_http_catalog_redis_str(cycle->pool, &rd->node_key, rcf,
                                      "nodes:", rcf->node.data,
                                      rcf->node.len)
           != NGX_OK
        || ngx_http_catalog_redis_str(cycle->pool, &rd->heartbeat, rcf,
                                      "heartbeat:", p,
                                      ngx_sprintf(p, "%P", ngx_pid) - p)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    p = ngx_pnalloc(cycle->pool, CATALOG_REDIS_KEY_MAX);
    if (p == NULL) {
        return NGX_ERROR;
    }

    rd->nodes_pattern.data = p;
    rd->nodes_pattern.len = catalog_redis_pattern((char *) p,
                                                  CATALOG_REDIS_KEY_MAX,
                                                  (char *) rcf->prefix.data,
                                                  rcf->prefix.len, "nodes:");

    /* a first look soon, spread so that the workers do not race */

    ngx_http_catalog_redis_timer(&rd->lease_ev, ngx_http_catalog_redis_lease,
                                 rd);
    ngx_add_timer(&rd->lease_ev, 10 + ngx_random() % 100);

    return NGX_OK;
}


void
ngx_http_catalog_redis_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_catalog_redis_t  *rd;

    rd = &ngx_http_catalog_redis_worker;

    if (rd->rcf == NULL) {
        return;
    }

    /* both contexts freed: no socket is left open at exit */

    rd->exiting = 1;

    /* what came from Redis and is not in the state file yet */

    if (rd->save_ev.timer_set) {
        ngx_del_timer(&rd->save_ev);
        ngx_http_catalog_redis_save(&rd->save_ev);
    }

    ngx_http_catalog_redis_stop(rd);
    ngx_http_catalog_redis_release(rd);
}


static ngx_int_t
ngx_http_catalog_redis_str(ngx_pool_t *pool, ngx_str_t *dst,
    ngx_http_catalog_redis_conf_t *rcf, const char *kind, u_char *name,
    size_t len)
{
    u_char  *p;

    p = ngx_pnalloc(pool, CATALOG_REDIS_KEY_MAX);
    if (p == NULL) {
        return NGX_ERROR;
    }

    dst->data = p;
    dst->len = catalog_redis_key((char *) p, CATALOG_REDIS_KEY_MAX,
                                 (char *) rcf->prefix.data, rcf->prefix.len,
                                 kind, (char *) name, len);

    return dst->len ? NGX_OK : NGX_ERROR;
}


static void
ngx_http_catalog_redis_timer(ngx_event_t *ev, ngx_event_handler_pt handler,
    ngx_http_catalog_redis_t *rd)
{
    ev->handler = handler;
    ev->data = rd;
    ev->log = rd->log;

    /* no timer of ours keeps an old worker from exiting */

    ev->cancelable = 1;
}


/* the lease: every worker looks every half second */

static void
ngx_http_catalog_redis_lease(ngx_event_t *ev)
{
    ngx_http_catalog_redis_t *rd = ev->data;

    ngx_pid_t                     owner;
    ngx_msec_t                    now;
    ngx_http_catalog_redis_sh_t  *sh;

    sh = rd->sh;

    if (ngx_exiting || ngx_quit || ngx_terminate) {
        rd->exiting = 1;
        ngx_http_catalog_redis_stop(rd);
        ngx_http_catalog_redis_release(rd);
        return;
    }

    now = ngx_current_msec;
    owner = (ngx_pid_t) sh->owner;

    if (owner == ngx_pid) {
        sh->lease = now + NGX_HTTP_CATALOG_REDIS_LEASE;

        if (rd->state == NGX_HTTP_CATALOG_REDIS_IDLE
            && !rd->retry_ev.timer_set)
        {
            ngx_http_catalog_redis_connect(rd);
        }

    } else {
        if (rd->state != NGX_HTTP_CATALOG_REDIS_IDLE
            || rd->retry_ev.timer_set)
        {
            /* the lease passed on while this worker was stalled */
            ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                          "catalog redis: worker %P owns the connections "
                          "now", owner);
            ngx_http_catalog_redis_stop(rd);
        }

        /*
         * taken when free, when it ran out, or when its owner is gone
         * (killed: the master has reaped it)
         */

        if (owner == 0
            || (ngx_msec_int_t) (now - sh->lease) > 0
            || (kill(owner, 0) == -1 && ngx_errno == NGX_ESRCH))
        {
            sh->lease = now + NGX_HTTP_CATALOG_REDIS_LEASE;

            if (ngx_atomic_cmp_set(&sh->owner, (ngx_atomic_uint_t) owner,
                                   (ngx_atomic_uint_t) ngx_pid))
            {
                ngx_log_error(NGX_LOG_INFO, rd->log, 0,
                              "catalog redis: this worker owns the "
                              "connections");
                rd->attempt = 0;
                ngx_http_catalog_redis_connect(rd);
            }
        }
    }

    ngx_add_timer(ev, NGX_HTTP_CATALOG_REDIS_LEASE_TICK
                      - 50 + ngx_random() % 100);
}


static void
ngx_http_catalog_redis_release(ngx_http_catalog_redis_t *rd)
{
    if (rd->sh->owner == (ngx_atomic_uint_t) ngx_pid) {
        (void) ngx_atomic_cmp_set(&rd->sh->owner, (ngx_atomic_uint_t) ngx_pid,
                                  0);
    }
}


static void
ngx_http_catalog_redis_connect(ngx_http_catalog_redis_t *rd)
{
    rd->state = NGX_HTTP_CATALOG_REDIS_CONNECTING;
    rd->cmd_ready = 0;
    rd->sub_events = 0;
    rd->sub_heartbeat = 0;
    rd->hard = 0;

    /* a failure calls ngx_http_catalog_redis_failed() at once */

    if (ngx_http_catalog_redis_conn_open(&rd->cmd, rd->rcf) != NGX_OK
        || rd->state != NGX_HTTP_CATALOG_REDIS_CONNECTING)
    {
        return;
    }

    (void) ngx_http_catalog_redis_conn_open(&rd->sub, rd->rcf);
}


static void
ngx_http_catalog_redis_retry(ngx_event_t *ev)
{
    ngx_http_catalog_redis_t *rd = ev->data;

    if (rd->exiting || rd->sh->owner != (ngx_atomic_uint_t) ngx_pid) {
        return;
    }

    ngx_http_catalog_redis_connect(rd);
}


/* both connections closed, every timer but the lease's gone */

static void
ngx_http_catalog_redis_stop(ngx_http_catalog_redis_t *rd)
{
    ngx_event_t  *ev[6];
    ngx_uint_t    i;

    if (rd->state == NGX_HTTP_CATALOG_REDIS_READY
        && ngx_http_catalog_redis_owner(rd))
    {
        rd->sh->connected = 0;
        rd->sh->since = ngx_time();
    }

    rd->state = NGX_HTTP_CATALOG_REDIS_IDLE;
    rd->resync = 0;

    ngx_http_catalog_redis_conn_close(&rd->cmd);
    ngx_http_catalog_redis_conn_close(&rd->sub);

    ev[0] = &rd->retry_ev;
    ev[1] = &rd->tick_ev;
    ev[2] = &rd->pending_ev;
    ev[3] = &rd->recheck_ev;
    ev[4] = &rd->heartbeat_ev;
    ev[5] = &rd->resync_ev;

    /* not the state file's: what came from Redis is still written */

    for (i = 0; i < 6; i++) {

        if (ev[i]->timer_set) {
            ngx_del_timer(ev[i]);
        }

        if (ev[i]->posted) {
            ngx_delete_posted_event(ev[i]);
        }
    }

    if (rd->fleet_pool) {
        ngx_destroy_pool(rd->fleet_pool);
        rd->fleet_pool = NULL;
    }
}


static void
ngx_http_catalog_redis_failed(ngx_http_catalog_redis_conn_t *rc,
    const char *reason)
{
    ngx_http_catalog_redis_t *rd = rc->data;

    ngx_msec_t                  delay;
    ngx_uint_t                  level;
    ngx_http_catalog_redis_state_e  was;

    if (rd->exiting || rd->state == NGX_HTTP_CATALOG_REDIS_IDLE) {
        return;
    }

    was = rd->state;

    /*
     * the backoff starts again only after a connection that lasted: a
     * server that fails each connection soon after it is made (a value
     * that cannot be read, a script refused) is not hammered
     */

    if (was == NGX_HTTP_CATALOG_REDIS_READY
        && ngx_current_msec - rd->ready_at >= NGX_HTTP_CATALOG_REDIS_STABLE)
    {
        rd->attempt = 0;
    }

    ngx_http_catalog_redis_stop(rd);

    if (!ngx_http_catalog_redis_owner(rd)) {
        return;
    }

    if (was != NGX_HTTP_CATALOG_REDIS_READY && rd->sh->since == 0) {
        rd->sh->since = ngx_time();
    }

    (void) ngx_atomic_fetch_add(&rd->sh->errors, 1);

    delay = catalog_redis_backoff(rd->attempt++, (uint32_t) ngx_random());

    level = (rd->hard || rc->hard) ? NGX_LOG_ERR : NGX_LOG_NOTICE;

    if (was == NGX_HTTP_CATALOG_REDIS_READY) {
        ngx_log_error(level, rd->log, 0,
                      "catalog redis: disconnected from %V: %s "
                      "(%s connection); next attempt in %M ms",
                      &rd->rcf->name, reason, rc->what, delay);

    } else {
        ngx_log_error(level, rd->log, 0,
                      "catalog redis: cannot connect to %V: %s "
                      "(%s connection); next attempt in %M ms",
                      &rd->rcf->name, reason, rc->what, delay);
    }

    ngx_http_catalog_redis_timer(&rd->retry_ev, ngx_http_catalog_redis_retry,
                                 rd);
    ngx_add_timer(&rd->retry_ev, delay);
}


/* connected: AUTH, SELECT, then a PING that says the rest went well */

static void
ngx_http_catalog_redis_cmd_connected(ngx_http_catalog_redis_conn_t *rc,
    const char *reason)
{
    ngx_http_catalog_redis_t *rd = rc->data;

    u_char       db[NGX_INT_T_LEN];
    size_t       len[2];
    const char  *argv[2];

    if (ngx_http_catalog_redis_auth(rd, rc) != NGX_OK) {
        goto failed;
    }

    if (rd->rcf->db) {
        argv[0] = "SELECT";
        len[0] = 6;
        argv[1] = (char *) db;
        len[1] = ngx_sprintf(db, "%i", rd->rcf->db) - db;

        if (ngx_http_catalog_redis_conn_send(rc,
                                             ngx_http_catalog_redis_hello,
                                             NULL, 2, argv, len)
            != NGX_OK)
        {
            goto failed;
        }
    }

    argv[0] = "PING";
    len[0] = 4;

    if (ngx_http_catalog_redis_conn_send(rc, ngx_http_catalog_redis_hello,
                                         &rd->cmd, 1, argv, len)
        != NGX_OK)
    {
        goto failed;
    }

    return;

failed:

    ngx_http_catalog_redis_conn_fail_later(rc, "cannot send");
}


static void
ngx_http_catalog_redis_sub_connected(ngx_http_catalog_redis_conn_t *rc,
    const char *reason)
{
    ngx_http_catalog_redis_t *rd = rc->data;

    size_t       len[2];
    const char  *argv[2];

    if (ngx_http_catalog_redis_auth(rd, rc) != NGX_OK) {
        goto failed;
    }

    /* one channel a command: each confirmation is one reply due */

    argv[0] = "SUBSCRIBE";
    len[0] = 9;
    argv[1] = (char *) rd->events.data;
    len[1] = rd->events.len;

    if (ngx_http_catalog_redis_conn_send(rc, ngx_http_catalog_redis_message,
                                         NULL, 2, argv, len)
        != NGX_OK)
    {
        goto failed;
    }

    argv[1] = (char *) rd->heartbeat.data;
    len[1] = rd->heartbeat.len;

    if (ngx_http_catalog_redis_conn_send(rc, ngx_http_catalog_redis_message,
                                         NULL, 2, argv, len)
        != NGX_OK)
    {
        goto failed;
    }

    return;

failed:

    ngx_http_catalog_redis_conn_fail_later(rc, "cannot send");
}


static ngx_int_t
ngx_http_catalog_redis_auth(ngx_http_catalog_redis_t *rd,
    ngx_http_catalog_redis_conn_t *rc)
{
    int           argc;
    size_t        len[3];
    const char   *argv[3];

    if (rd->rcf->password.len == 0) {
        return NGX_OK;
    }

    argc = 0;
    argv[argc] = "AUTH";
    len[argc++] = 4;

    if (rd->rcf->user.len) {
        argv[argc] = (char *) rd->rcf->user.data;
        len[argc++] = rd->rcf->user.len;
    }

    argv[argc] = (char *) rd->rcf->password.data;
    len[argc++] = rd->rcf->password.len;

    return ngx_http_catalog_redis_conn_send(rc, ngx_http_catalog_redis_hello,
                                            NULL, argc, argv, len);
}


/* a reply to AUTH, SELECT or the PING after them */

static void
ngx_http_catalog_redis_hello(redisAsyncContext *ac, void *r, void *privdata)
{
    ngx_http_catalog_redis_t  *rd;

    rd = ngx_http_catalog_redis_answer(ac, r);
    if (rd == NULL) {
        return;
    }

    if (privdata == &rd->cmd) {
        rd->cmd_ready = 1;
        ngx_http_catalog_redis_ready(rd);
    }
}


/*
 * an error reply to a command that must succeed: the connection goes,
 * with Redis's words; LOADING and BUSY are for a while only
 */

static ngx_int_t
ngx_http_catalog_redis_refused(ngx_http_catalog_redis_t *rd,
    ngx_http_catalog_redis_conn_t *rc, redisReply *reply)
{
    u_char  text[256];

    if (reply->type != REDIS_REPLY_ERROR) {
        return NGX_OK;
    }

    rd->hard = !ngx_http_catalog_redis_said(reply, "LOADING")
               && !ngx_http_catalog_redis_said(reply, "BUSY");

    /* Redis's words, never a password: Redis does not echo it */

    ngx_cpystrn(text, (u_char *) reply->str,
                ngx_min((size_t) reply->len + 1, sizeof(text)));

    ngx_http_catalog_redis_conn_fail(rc, (char *) text);

    return NGX_ERROR;
}


/*
 * whether an error reply says word: first, as Redis 7 has it, or after
 * "ERR Error running script ...", as Redis 5 and 6 have a script's
 */

/*
 * The first call of a reply callback whose command must succeed: the
 * worker's state, or NULL when there is nothing to do (no reply: the
 * context is being freed; an error: the connection is closed)
 */

static ngx_http_catalog_redis_t *
ngx_http_catalog_redis_answer(redisAsyncContext *ac, void *reply)
{
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ngx_http_catalog_redis_conn_reply(ac, reply);

    if (rc == NULL
        || ngx_http_catalog_redis_refused(rc->data, rc, reply) != NGX_OK)
    {
        return NULL;
    }

    return rc->data;
}


static ngx_uint_t
ngx_http_catalog_redis_said(redisReply *reply, const char *word)
{
    return reply->type == REDIS_REPLY_ERROR
           && ngx_strnstr((u_char *) reply->str, (char *) word, reply->len)
              != NULL;
}


/* a worker that lost the lease while stalled writes nothing shared */

static ngx_uint_t
ngx_http_catalog_redis_owner(ngx_http_catalog_redis_t *rd)
{
    return rd->sh->owner == (ngx_atomic_uint_t) ngx_pid;
}


static void
ngx_http_catalog_redis_message(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    u_char                          buf[CATALOG_REDIS_KEY_MAX];
    ngx_str_t                       channel;
    ngx_uint_t                      i;
    redisReply                    **e;
    catalog_service_t              *s;
    catalog_str_t                   key, name;
    ngx_http_catalog_redis_t       *rd;
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ac->data;

    if (rc == NULL || rc->ac != ac || reply == NULL) {
        return;
    }

    rd = rc->data;

    if (reply->type == REDIS_REPLY_ERROR) {
        (void) ngx_http_catalog_redis_conn_reply(ac, r);
        (void) ngx_http_catalog_redis_refused(rd, rc, reply);
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
        return;
    }

    e = reply->element;

    for (i = 0; i < 2; i++) {
        if (e[i]->type != REDIS_REPLY_STRING) {
            return;
        }
    }

    channel.data = (u_char *) e[1]->str;
    channel.len = e[1]->len;

    if (e[0]->len == 9 && ngx_strncmp(e[0]->str, "subscribe", 9) == 0) {

        (void) ngx_http_catalog_redis_conn_reply(ac, r);

        if (channel.len == rd->events.len
            && ngx_strncmp(channel.data, rd->events.data, channel.len) == 0)
        {
            rd->sub_events = 1;

        } else {
            rd->sub_heartbeat = 1;
        }

        ngx_http_catalog_redis_ready(rd);
        return;
    }

    if (e[0]->len != 7 || ngx_strncmp(e[0]->str, "message", 7) != 0
        || e[2]->type != REDIS_REPLY_STRING)
    {
        return;
    }

    if (channel.len == rd->heartbeat.len
        && ngx_strncmp(channel.data, rd->heartbeat.data, channel.len) == 0)
    {
        if (rd->heartbeat_ev.timer_set) {
            ngx_del_timer(&rd->heartbeat_ev);
        }

        return;
    }

    if (rd->state != NGX_HTTP_CATALOG_REDIS_READY) {
        return;
    }

    rd->messages++;

    key.data = e[2]->str;
    key.len = e[2]->len;

    if (!catalog_check_is_service_key(key.data, key.len)) {
        ngx_http_catalog_redis_skipped(rd, &key, "an event that names no "
                                       "service");
        return;
    }

    s = catalog_find_service(rd->mcf->catalog, key.data, key.len);

    /* the key, as it is in Redis */

    name.len = catalog_redis_key((char *) buf, sizeof(buf),
                                 (char *) rd->rcf->prefix.data,
                                 rd->rcf->prefix.len, "status:", key.data,
                                 key.len);
    name.data = (char *) buf;

    if (s == NULL) {
        ngx_http_catalog_redis_skipped(rd, &name, "unknown service");
        return;
    }

    if (s->status == CATALOG_STATUS_RETIRED) {
        ngx_http_catalog_redis_skipped(rd, &name, "the service is retired "
                                       "in its manifest");
        return;
    }

    (void) ngx_http_catalog_redis_read_key(rd, s->index, 0);
}


static void
ngx_http_catalog_redis_ready(ngx_http_catalog_redis_t *rd)
{
    ngx_http_catalog_redis_sh_t  *sh;

    if (rd->state != NGX_HTTP_CATALOG_REDIS_CONNECTING
        || !rd->cmd_ready || !rd->sub_events || !rd->sub_heartbeat)
    {
        return;
    }

    if (!ngx_http_catalog_redis_owner(rd)) {
        ngx_http_catalog_redis_stop(rd);
        return;
    }

    sh = rd->sh;

    rd->state = NGX_HTTP_CATALOG_REDIS_READY;
    rd->ready_at = ngx_current_msec;

    sh->connected = 1;
    sh->since = ngx_time();
    (void) ngx_atomic_fetch_add(&sh->connections, 1);

    if (rd->rcf->path.len) {
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "catalog redis: connected to %V (node \"%V\")",
                      &rd->rcf->name, &rd->rcf->node);

    } else {
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "catalog redis: connected to %V (%V:%d, db %i, "
                      "node \"%V\")", &rd->rcf->name, &rd->rcf->host,
                      rd->rcf->port, rd->rcf->db, &rd->rcf->node);
    }

    ngx_http_catalog_redis_timer(&rd->tick_ev, ngx_http_catalog_redis_tick,
                                 rd);
    ngx_http_catalog_redis_timer(&rd->pending_ev,
                                 ngx_http_catalog_redis_pending, rd);
    ngx_http_catalog_redis_timer(&rd->recheck_ev,
                                 ngx_http_catalog_redis_recheck, rd);
    ngx_http_catalog_redis_timer(&rd->heartbeat_ev,
                                 ngx_http_catalog_redis_heartbeat_lost, rd);
    ngx_http_catalog_redis_timer(&rd->resync_ev,
                                 ngx_http_catalog_redis_resync_chunk, rd);

    ngx_add_timer(&rd->pending_ev, NGX_HTTP_CATALOG_REDIS_PENDING_TICK);

    /* what was missed while away, both ways; then the node and fleet */

    ngx_http_catalog_redis_resync_begin(rd);

    ngx_add_timer(&rd->tick_ev, 1);
}


/* every interval: the version check, the heartbeat, node and fleet */

static void
ngx_http_catalog_redis_tick(ngx_event_t *ev)
{
    ngx_http_catalog_redis_t *rd = ev->data;

    size_t       len[3];
    const char  *argv[3];

    if (rd->state != NGX_HTTP_CATALOG_REDIS_READY) {
        return;
    }

    if (!ngx_http_catalog_redis_owner(rd)) {
        ngx_http_catalog_redis_stop(rd);
        return;
    }

    ngx_http_catalog_redis_recheck(&rd->recheck_ev);

    /* the pub/sub connection proves itself alive: its own message back */

    argv[0] = "PUBLISH";
    len[0] = 7;
    argv[1] = (char *) rd->heartbeat.data;
    len[1] = rd->heartbeat.len;
    argv[2] = "1";
    len[2] = 1;

    if (ngx_http_catalog_redis_command(rd, ngx_http_catalog_redis_done, NULL,
                                       3, argv, len)
        != NGX_OK)
    {
        return;
    }

    if (!rd->heartbeat_ev.timer_set) {
        ngx_add_timer(&rd->heartbeat_ev, rd->rcf->timeout);
    }

    ngx_http_catalog_redis_publish_node(rd);

    if (rd->state != NGX_HTTP_CATALOG_REDIS_READY) {
        return;
    }

    if (rd->fleet_pool == NULL) {
        ngx_http_catalog_redis_scan(rd, "0", 1);
    }

    if (rd->state == NGX_HTTP_CATALOG_REDIS_READY) {
        ngx_add_timer(ev, rd->rcf->interval);
    }
}


static void
ngx_http_catalog_redis_heartbeat_lost(ngx_event_t *ev)
{
    ngx_http_catalog_redis_t *rd = ev->data;

    ngx_http_catalog_redis_conn_fail(&rd->sub, "timed out");
}


/* GET status:version: changes missed when it moved more than the events */

static void
ngx_http_catalog_redis_recheck(ngx_event_t *ev)
{
    ngx_http_catalog_redis_t *rd = ev->data;

    if (rd->state != NGX_HTTP_CATALOG_REDIS_READY || rd->resync) {
        return;
    }

    ngx_http_catalog_redis_get_version(rd, ngx_http_catalog_redis_version);
}


/* a command on the command connection; a failure to send closes it */

static ngx_int_t
ngx_http_catalog_redis_command(ngx_http_catalog_redis_t *rd,
    redisCallbackFn *fn, void *privdata, int argc, const char **argv,
    const size_t *argvlen)
{
    if (ngx_http_catalog_redis_conn_send(&rd->cmd, fn, privdata, argc, argv,
                                         argvlen)
        != NGX_OK)
    {
        ngx_http_catalog_redis_conn_fail(&rd->cmd, "cannot send");
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_http_catalog_redis_get_version(ngx_http_catalog_redis_t *rd,
    redisCallbackFn *fn)
{
    size_t       len[2];
    const char  *argv[2];

    argv[0] = "GET";
    len[0] = 3;
    argv[1] = (char *) rd->version_key.data;
    len[1] = rd->version_key.len;

    (void) ngx_http_catalog_redis_command(rd, fn, NULL, 2, argv, len);
}


static uint64_t
ngx_http_catalog_redis_number(redisReply *reply)
{
    ngx_int_t  n;

    /* a missing counter is 0; anything but digits too */

    if (reply->type == REDIS_REPLY_INTEGER && reply->integer > 0) {
        return (uint64_t) reply->integer;
    }

    if (reply->type == REDIS_REPLY_STRING) {
        n = ngx_atoi((u_char *) reply->str, reply->len);
        return n == NGX_ERROR ? 0 : (uint64_t) n;
    }

    return 0;
}


static void
ngx_http_catalog_redis_version(redisAsyncContext *ac, void *r,
    void *privdata)
{
    uint64_t                   v;
    ngx_http_catalog_redis_t  *rd;

    rd = ngx_http_catalog_redis_answer(ac, r);
    if (rd == NULL) {
        return;
    }

    if (rd->resync) {
        return;
    }

    v = ngx_http_catalog_redis_number(r);
    rd->sh->version = v;

    if (v == rd->base + rd->messages) {
        rd->mismatch = 0;
        return;
    }

    /*
     * fewer changes than events (a PUBLISH without an INCR, or an event
     * counted twice across the two connections): nothing was missed
     */

    if (v < rd->base + rd->messages) {
        rd->base = v;
        rd->messages = 0;
        rd->mismatch = 0;
        return;
    }

    /*
     * an event may be on its way on the other connection: a second look
     * shortly after, then the resync
     */

    if (!rd->mismatch) {
        rd->mismatch = 1;
        ngx_add_timer(&rd->recheck_ev, NGX_HTTP_CATALOG_REDIS_RECHECK);
        return;
    }

    rd->mismatch = 0;

    ngx_log_error(NGX_LOG_INFO, rd->log, 0,
                  "catalog redis: status:version is %uL, %uL expected: "
                  "resync", v, rd->base + rd->messages);

    ngx_http_catalog_redis_resync_begin(rd);
}


/* local changes, sent within a few milliseconds */

static void
ngx_http_catalog_redis_pending(ngx_event_t *ev)
{
    ngx_http_catalog_redis_t *rd = ev->data;

    ngx_uint_t                    i;
    catalog_str_t                 key;
    catalog_service_t            *s;
    ngx_atomic_uint_t             in;
    ngx_http_catalog_redis_sh_t  *sh;

    if (rd->state != NGX_HTTP_CATALOG_REDIS_READY) {
        return;
    }

    if (!ngx_http_catalog_redis_owner(rd)) {
        ngx_http_catalog_redis_stop(rd);
        return;
    }

    sh = rd->sh;
    in = sh->pending_in;
    ngx_memory_barrier();

    if (in - rd->pending_out > NGX_HTTP_CATALOG_PENDING) {
        /* more than the ring holds: the resync sends them all */
        rd->pending_out = in;
        ngx_http_catalog_redis_resync_begin(rd);

    } else {
        while (rd->pending_out != in) {
            i = sh->pending[rd->pending_out % NGX_HTTP_CATALOG_PENDING];
            rd->pending_out++;

            if (ngx_http_catalog_zone_slot_key(rd->mcf, i, &key) != NGX_OK)
            {
                continue;
            }

            s = catalog_find_service(rd->mcf->catalog, key.data, key.len);

            if (s == NULL
                || ngx_http_catalog_redis_read_key(rd, s->index, 0)
                   != NGX_OK)
            {
                continue;
            }
        }

        /* writers that came round the ring meanwhile: entries lost */

        ngx_memory_barrier();

        if (sh->pending_in - in + (in - rd->pending_out)
            > NGX_HTTP_CATALOG_PENDING
            && rd->state == NGX_HTTP_CATALOG_REDIS_READY)
        {
            rd->pending_out = sh->pending_in;
            ngx_http_catalog_redis_resync_begin(rd);
        }
    }

    if (rd->state == NGX_HTTP_CATALOG_REDIS_READY) {
        ngx_add_timer(ev, NGX_HTTP_CATALOG_REDIS_PENDING_TICK);
    }
}


/*
 * The full resync: every service of the catalog, in chunks, each chunk
 * once the one before is answered, so that the worker serves requests
 * in between
 */

static void
ngx_http_catalog_redis_resync_begin(ngx_http_catalog_redis_t *rd)
{
    if (rd->resync) {
        rd->resync_again = 1;
        return;
    }

    rd->resync = 1;
    rd->resync_again = 0;
    rd->resync_next = 0;
    rd->resync_due = 0;
    rd->resync_in = 0;
    rd->resync_out = 0;
    rd->resync_start = ngx_current_msec;
    rd->mismatch = 0;

    /* the local changes so far are all in it */

    rd->pending_out = rd->sh->pending_in;

    ngx_http_catalog_redis_get_version(rd,
                                       ngx_http_catalog_redis_resync_base);
}


static void
ngx_http_catalog_redis_resync_base(redisAsyncContext *ac, void *r,
    void *privdata)
{
    ngx_http_catalog_redis_t  *rd;

    rd = ngx_http_catalog_redis_answer(ac, r);
    if (rd == NULL) {
        return;
    }

    rd->base = ngx_http_catalog_redis_number(r);
    rd->messages = 0;
    rd->sh->version = rd->base;

    ngx_http_catalog_redis_resync_chunk(&rd->resync_ev);
}


static void
ngx_http_catalog_redis_resync_chunk(ngx_event_t *ev)
{
    ngx_http_catalog_redis_t *rd = ev->data;

    ngx_uint_t          n;
    catalog_t          *cat;
    catalog_service_t  *s;

    if (rd->state != NGX_HTTP_CATALOG_REDIS_READY || !rd->resync) {
        return;
    }

    cat = rd->mcf->catalog;

    for (n = 0;
         rd->resync_next < cat->nservices
         && n < NGX_HTTP_CATALOG_REDIS_CHUNK;
         rd->resync_next++)
    {
        s = cat->services[rd->resync_next];

        if (s->status == CATALOG_STATUS_RETIRED) {
            continue;
        }

        if (ngx_http_catalog_redis_read_key(rd, s->index,
                                            NGX_HTTP_CATALOG_REDIS_RESYNC)
            != NGX_OK)
        {
            return;
        }

        rd->resync_due++;
        n++;
    }

    if (rd->resync_due == 0) {
        ngx_http_catalog_redis_resync_end(rd);
    }
}


static void
ngx_http_catalog_redis_resync_end(ngx_http_catalog_redis_t *rd)
{
    rd->resync = 0;
    rd->sh->last_sync = ngx_time();

    ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                  "catalog redis: resync done: %ui overrides in, %ui out, "
                  "%M ms", rd->resync_in, rd->resync_out,
                  ngx_current_msec - rd->resync_start);

    if (rd->resync_again) {
        ngx_http_catalog_redis_resync_begin(rd);
    }
}


static ngx_int_t
ngx_http_catalog_redis_read_key(ngx_http_catalog_redis_t *rd,
    ngx_uint_t index, ngx_uint_t flags)
{
    u_char              key[CATALOG_REDIS_KEY_MAX];
    size_t              len[4];
    catalog_service_t  *s;
    const char         *argv[4];

    s = rd->mcf->catalog->services[index];

    argv[0] = "EVAL";
    len[0] = 4;
    argv[1] = ngx_http_catalog_redis_get;
    len[1] = sizeof(ngx_http_catalog_redis_get) - 1;
    argv[2] = "1";
    len[2] = 1;
    argv[3] = (char *) key;
    len[3] = catalog_redis_key((char *) key, sizeof(key),
                               (char *) rd->rcf->prefix.data,
                               rd->rcf->prefix.len, "status:",
                               s->key.data, s->key.len);

    if (len[3] == 0) {
        ngx_http_catalog_redis_conn_fail(&rd->cmd, "a key too long");
        return NGX_ERROR;
    }

    return ngx_http_catalog_redis_command(rd, ngx_http_catalog_redis_key_read,
                                          (void *) (uintptr_t) (index | flags),
                                          4, argv, len);
}


static void
ngx_http_catalog_redis_key_read(redisAsyncContext *ac, void *r,
    void *privdata)
{
    ngx_uint_t                      flags, index;
    catalog_t                      *cat;
    ngx_http_catalog_redis_t       *rd;
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ngx_http_catalog_redis_conn_reply(ac, r);
    if (rc == NULL) {
        return;
    }

    rd = rc->data;
    cat = rd->mcf->catalog;

    if (!ngx_http_catalog_redis_owner(rd)) {
        ngx_http_catalog_redis_stop(rd);
        return;
    }

    flags = (uintptr_t) privdata;
    index = flags & NGX_HTTP_CATALOG_REDIS_INDEX;

    if (index < cat->nservices) {
        ngx_http_catalog_redis_key_sync(rd, cat->services[index], r,
                                        flags);
    }

    if (rd->state != NGX_HTTP_CATALOG_REDIS_READY
        || !(flags & NGX_HTTP_CATALOG_REDIS_RESYNC) || !rd->resync)
    {
        return;
    }

    if (--rd->resync_due) {
        return;
    }

    if (rd->resync_next < cat->nservices) {
        /* the next chunk after the events waiting now */
        ngx_post_event(&rd->resync_ev, &ngx_posted_events);
        return;
    }

    ngx_http_catalog_redis_resync_end(rd);
}


/* one key: Redis's value and the zone's, the newest of them to both */

static void
ngx_http_catalog_redis_key_sync(ngx_http_catalog_redis_t *rd,
    catalog_service_t *s, redisReply *reply, ngx_uint_t flags)
{
    char                    err[256];
    u_char                  key[CATALOG_REDIS_KEY_MAX];
    ngx_int_t               rc, local;
    ngx_uint_t              i, k, n;
    catalog_str_t           name;
    redisReply             *e, *v;
    catalog_redis_field_t   f[CATALOG_REDIS_FIELDS];
    catalog_redis_field_t   all[NGX_HTTP_CATALOG_REDIS_HASH_MAX];
    int64_t                 remote_at;
    catalog_redis_value_t   remote, mine;
    const char             *invalid;

    name.data = (char *) key;
    name.len = catalog_redis_key((char *) key, sizeof(key),
                                 (char *) rd->rcf->prefix.data,
                                 rd->rcf->prefix.len, "status:",
                                 s->key.data, s->key.len);

    if (reply->type == REDIS_REPLY_ERROR) {

        if (ngx_http_catalog_redis_said(reply, "WRONGTYPE")) {
            ngx_http_catalog_redis_skipped(rd, &name, "not a hash");
            return;
        }

        /* no right to read (an ACL): nothing works, the connection goes */

        if (ngx_http_catalog_redis_said(reply, "NOPERM")) {
            (void) ngx_http_catalog_redis_refused(rd, &rd->cmd, reply);
            return;
        }

        (void) ngx_atomic_fetch_add(&rd->sh->errors, 1);
        ngx_http_catalog_redis_skipped(rd, &name, reply->str);
        return;
    }

    if (reply->type == REDIS_REPLY_INTEGER) {
        ngx_http_catalog_redis_skipped(rd, &name,
                                       reply->integer < 0
                                       ? "larger than 8192 bytes"
                                       : "more than 16 fields");
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 2
        || reply->elements > 2 * NGX_HTTP_CATALOG_REDIS_HASH_MAX)
    {
        ngx_http_catalog_redis_skipped(rd, &name, "an unexpected reply");
        return;
    }

    /* the fields as they are, for the check; the five, for the write */

    n = reply->elements / 2;
    invalid = NULL;

    for (i = 0; i < CATALOG_REDIS_FIELDS; i++) {
        f[i].name = catalog_redis_field_names[i];
        f[i].name_len = ngx_strlen(catalog_redis_field_names[i]);
        f[i].value = "";
        f[i].value_len = 0;
    }

    for (i = 0; i < n; i++) {
        e = reply->element[2 * i];
        v = reply->element[2 * i + 1];

        if (e->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) {
            ngx_http_catalog_redis_skipped(rd, &name, "an unexpected reply");
            return;
        }

        all[i].name = e->str;
        all[i].name_len = e->len;
        all[i].value = v->str;
        all[i].value_len = v->len;

        for (k = 0; k < CATALOG_REDIS_FIELDS; k++) {
            if (f[k].name_len == (size_t) e->len
                && ngx_strncmp(f[k].name, e->str, e->len) == 0)
            {
                f[k].value = v->str;
                f[k].value_len = v->len;
            }
        }
    }

    if (n
        && catalog_redis_value_parse(all, n, ngx_http_catalog_now_ms(),
                                     &remote, err, sizeof(err))
           != 0)
    {
        ngx_http_catalog_redis_skipped(rd, &name, err);
        invalid = err;
    }

    local = ngx_http_catalog_zone_last(rd->mcf, s, &mine);

    if (n && invalid == NULL) {

        if (!local || catalog_redis_newer(&remote, &mine)) {
            rc = ngx_http_catalog_zone_merge(rd->mcf, s, &remote);

            if (rc == 1) {
                if (flags & NGX_HTTP_CATALOG_REDIS_RESYNC) {
                    rd->resync_in++;
                }

                if (rd->mcf->state_file.len && !rd->save_ev.timer_set) {
                    ngx_http_catalog_redis_timer(&rd->save_ev,
                                                 ngx_http_catalog_redis_save,
                                                 rd);
                    ngx_add_timer(&rd->save_ev,
                                  NGX_HTTP_CATALOG_REDIS_SAVE);
                }

            } else if (rc == NGX_ERROR) {
                ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                              "catalog redis: no room in the zone for "
                              "\"%s\"", s->key.data);
            }

            return;
        }

        if (!catalog_redis_newer(&mine, &remote)) {
            /* the same value */
            return;
        }
    }

    if (!local) {
        return;
    }

    /*
     * a value this node refuses, but from a later time than its own, is
     * left alone: a node whose clock is ahead, or with other rules (an
     * upgrade half done), would otherwise write it back, and the two
     * would take turns forever
     */

    if (invalid && f[3].value_len) {
        remote_at = catalog_time_parse_ms(f[3].value, f[3].value_len);

        if (remote_at >= mine.o.updated_at) {
            return;
        }
    }

    /* Redis has nothing, a bad value, or an older one: it gets ours */

    if (ngx_http_catalog_redis_write(rd, s, &mine, f, flags) == NGX_OK
        && (flags & NGX_HTTP_CATALOG_REDIS_RESYNC))
    {
        rd->resync_out++;
    }
}


static ngx_int_t
ngx_http_catalog_redis_write(ngx_http_catalog_redis_t *rd,
    catalog_service_t *s, const catalog_redis_value_t *v,
    catalog_redis_field_t *expect, ngx_uint_t flags)
{
    u_char                key[CATALOG_REDIS_KEY_MAX];
    size_t                len[20];
    ngx_uint_t            i, tries, index;
    const char           *argv[20];
    catalog_redis_text_t  t;

    tries = (flags >> NGX_HTTP_CATALOG_REDIS_TRY_SHIFT) & 0x7f;
    index = flags & NGX_HTTP_CATALOG_REDIS_INDEX;

    catalog_redis_value_text(v, &t);

    argv[0] = "EVAL";
    len[0] = 4;
    argv[1] = ngx_http_catalog_redis_cas;
    len[1] = sizeof(ngx_http_catalog_redis_cas) - 1;
    argv[2] = "3";
    len[2] = 1;
    argv[3] = (char *) key;
    len[3] = catalog_redis_key((char *) key, sizeof(key),
                               (char *) rd->rcf->prefix.data,
                               rd->rcf->prefix.len, "status:",
                               s->key.data, s->key.len);
    argv[4] = (char *) rd->version_key.data;
    len[4] = rd->version_key.len;
    argv[5] = (char *) rd->events.data;
    len[5] = rd->events.len;

    for (i = 0; i < CATALOG_REDIS_FIELDS; i++) {
        argv[6 + i] = expect[i].value;
        len[6 + i] = expect[i].value_len;
        argv[11 + i] = t.field[i].data;
        len[11 + i] = t.field[i].len;
    }

    argv[16] = s->key.data;
    len[16] = s->key.len;

    flags = index | (tries << NGX_HTTP_CATALOG_REDIS_TRY_SHIFT);

    if (len[3] == 0) {
        ngx_http_catalog_redis_conn_fail(&rd->cmd, "a key too long");
        return NGX_ERROR;
    }

    return ngx_http_catalog_redis_command(rd, ngx_http_catalog_redis_written,
                                          (void *) (uintptr_t) flags, 17,
                                          argv, len);
}


static void
ngx_http_catalog_redis_written(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    ngx_uint_t                      flags, tries, index;
    catalog_service_t              *s;
    ngx_http_catalog_redis_t       *rd;
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ngx_http_catalog_redis_conn_reply(ac, r);
    if (rc == NULL) {
        return;
    }

    rd = rc->data;
    flags = (uintptr_t) privdata;
    index = flags & NGX_HTTP_CATALOG_REDIS_INDEX;
    tries = (flags >> NGX_HTTP_CATALOG_REDIS_TRY_SHIFT) & 0x7f;

    if (index >= rd->mcf->catalog->nservices) {
        return;
    }

    s = rd->mcf->catalog->services[index];

    if (reply->type == REDIS_REPLY_ERROR) {
        (void) ngx_atomic_fetch_add(&rd->sh->errors, 1);

        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "catalog redis: cannot write \"%s\": %s",
                      s->key.data, reply->str);

        /*
         * a replica cannot take writes: find the master again; no right
         * to write (an ACL): nothing works, the connection goes
         */

        if (ngx_http_catalog_redis_said(reply, "READONLY")
            || ngx_http_catalog_redis_said(reply, "NOPERM"))
        {
            (void) ngx_http_catalog_redis_refused(rd, rc, reply);
        }

        return;
    }

    if (reply->type == REDIS_REPLY_INTEGER && reply->integer > 0) {
        return;
    }

    /* the hash changed since it was read: read it again */

    if (++tries < NGX_HTTP_CATALOG_REDIS_TRIES) {
        (void) ngx_http_catalog_redis_read_key(rd, index,
                                  tries << NGX_HTTP_CATALOG_REDIS_TRY_SHIFT);
        return;
    }

    ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                  "catalog redis: \"%s\" changes too fast to be written; "
                  "the next resync writes it", s->key.data);
}


static void
ngx_http_catalog_redis_skipped(ngx_http_catalog_redis_t *rd,
    catalog_str_t *key, const char *reason)
{
    u_char  text[CATALOG_REDIS_KEY_MAX * 4 + 1];

    /* at most a few lines a second */

    if (rd->logged_at != ngx_time()) {

        if (rd->unlogged) {
            ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                          "catalog redis: %ui more keys skipped",
                          rd->unlogged);
        }

        rd->logged_at = ngx_time();
        rd->logged = 0;
        rd->unlogged = 0;
    }

    if (rd->logged >= NGX_HTTP_CATALOG_REDIS_LOGS) {
        rd->unlogged++;
        return;
    }

    rd->logged++;

    /* a key from Redis may hold anything: quoted safely */

    catalog_manifest_sanitize((char *) text, sizeof(text), key->data,
                              key->len, CATALOG_REDIS_KEY_MAX, 1);

    ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                  "catalog redis: key \"%s\" skipped: %s", text, reason);
}


static void
ngx_http_catalog_redis_save(ngx_event_t *ev)
{
    ngx_http_catalog_redis_t *rd = ev->data;

    ngx_pool_t  *pool;

    /* a blocking write: once a resync is over, not in the middle of it */

    if (rd->resync && !rd->exiting) {
        ngx_add_timer(ev, NGX_HTTP_CATALOG_REDIS_SAVE);
        return;
    }

    pool = ngx_create_pool(16384, rd->log);
    if (pool == NULL) {
        return;
    }

    (void) ngx_http_catalog_zone_save(rd->mcf, pool, rd->log);

    ngx_destroy_pool(pool);
}


static void
ngx_http_catalog_redis_done(redisAsyncContext *ac, void *r, void *privdata)
{
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ngx_http_catalog_redis_conn_reply(ac, r);
    if (rc == NULL) {
        return;
    }

    (void) ngx_http_catalog_redis_refused(rc->data, rc, r);
}


/* nodes:NODE, with a TTL of three intervals */

static void
ngx_http_catalog_redis_publish_node(ngx_http_catalog_redis_t *rd)
{
    u_char                 *p, ttl[NGX_INT_T_LEN];
    size_t                  len[5];
    ngx_uint_t              a, k;
    ngx_pool_t             *pool;
    const char             *argv[5];
    catalog_report_t        rep;
    catalog_fleet_node_t    node;

    pool = ngx_create_pool(16384, rd->log);
    if (pool == NULL) {
        return;
    }

    ngx_memzero(&rep, sizeof(catalog_report_t));

    if (ngx_http_catalog_zone_report(rd->mcf, pool, 0, &rep) != NGX_OK) {
        ngx_destroy_pool(pool);
        return;
    }

    ngx_memzero(&node, sizeof(catalog_fleet_node_t));

    node.name_len = ngx_min(rd->rcf->node.len, CATALOG_TOKEN_NAME_MAX);
    ngx_memcpy(node.name, rd->rcf->node.data, node.name_len);
    node.version_len = ngx_min(rd->mcf->version.len,
                               CATALOG_FLEET_VERSION_MAX);
    ngx_memcpy(node.version, rd->mcf->version.data, node.version_len);
    node.services = rd->mcf->catalog->nservices;
    node.seen = ngx_http_catalog_now_ms();

    for (k = 0; k < CATALOG_OUTCOMES; k++) {
        node.requests[k] = rep.unmatched->requests[k];

        for (a = 0; a < rd->mcf->catalog->nagencies; a++) {
            node.requests[k] += rep.agencies[a].requests[k];
        }
    }

    p = ngx_pnalloc(pool, catalog_fleet_node_json(NULL, &node));
    if (p == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    argv[0] = "SET";
    len[0] = 3;
    argv[1] = (char *) rd->node_key.data;
    len[1] = rd->node_key.len;
    argv[2] = (char *) p;
    len[2] = catalog_fleet_node_json((char *) p, &node);
    argv[3] = "PX";
    len[3] = 2;
    argv[4] = (char *) ttl;
    len[4] = ngx_sprintf(ttl, "%M", 3 * rd->rcf->interval) - ttl;

    (void) ngx_http_catalog_redis_command(rd, ngx_http_catalog_redis_done,
                                          NULL, 5, argv, len);

    /* hiredis has its own copy of the command */

    ngx_destroy_pool(pool);
}


/* the fleet: SCAN for nodes:*, a few calls at most, then one read */

static void
ngx_http_catalog_redis_scan(ngx_http_catalog_redis_t *rd, const char *cursor,
    size_t n)
{
    size_t       len[6];
    const char  *argv[6];

    if (rd->fleet_pool == NULL) {
        rd->fleet_pool = ngx_create_pool(16384, rd->log);
        if (rd->fleet_pool == NULL) {
            return;
        }

        rd->fleet_keys = ngx_array_create(rd->fleet_pool, 16,
                                          sizeof(ngx_str_t));
        if (rd->fleet_keys == NULL) {
            ngx_destroy_pool(rd->fleet_pool);
            rd->fleet_pool = NULL;
            return;
        }

        rd->fleet_scans = 0;
    }

    rd->fleet_scans++;

    argv[0] = "SCAN";
    len[0] = 4;
    argv[1] = cursor;
    len[1] = n;
    argv[2] = "MATCH";
    len[2] = 5;
    argv[3] = (char *) rd->nodes_pattern.data;
    len[3] = rd->nodes_pattern.len;
    argv[4] = "COUNT";
    len[4] = 5;
    argv[5] = "100";
    len[5] = 3;

    (void) ngx_http_catalog_redis_command(rd, ngx_http_catalog_redis_scanned,
                                          NULL, 6, argv, len);
}


static void
ngx_http_catalog_redis_scanned(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    size_t                          i;
    ngx_str_t                      *key;
    redisReply                     *cursor, *keys, *e;
    ngx_http_catalog_redis_t       *rd;
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ngx_http_catalog_redis_conn_reply(ac, r);
    if (rc == NULL) {
        return;
    }

    rd = rc->data;

    if (rd->fleet_pool == NULL
        || ngx_http_catalog_redis_refused(rd, rc, reply) != NGX_OK)
    {
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2
        || reply->element[0]->type != REDIS_REPLY_STRING
        || reply->element[1]->type != REDIS_REPLY_ARRAY)
    {
        ngx_http_catalog_redis_fleet_done(rd);
        return;
    }

    cursor = reply->element[0];
    keys = reply->element[1];

    for (i = 0; i < keys->elements; i++) {
        e = keys->element[i];

        if (rd->fleet_keys->nelts >= CATALOG_FLEET_NODES_MAX) {
            break;
        }

        if (e->type != REDIS_REPLY_STRING || e->len == 0
            || e->len > CATALOG_REDIS_KEY_MAX)
        {
            continue;
        }

        key = ngx_array_push(rd->fleet_keys);
        if (key == NULL) {
            break;
        }

        key->data = ngx_pnalloc(rd->fleet_pool, e->len);
        if (key->data == NULL) {
            rd->fleet_keys->nelts--;
            break;
        }

        key->len = e->len;
        ngx_memcpy(key->data, e->str, e->len);
    }

    if (!(cursor->len == 1 && cursor->str[0] == '0')
        && rd->fleet_scans < NGX_HTTP_CATALOG_REDIS_SCANS
        && rd->fleet_keys->nelts < CATALOG_FLEET_NODES_MAX
        && cursor->len <= NGX_INT64_LEN)
    {
        ngx_http_catalog_redis_scan(rd, cursor->str, cursor->len);
        return;
    }

    if (rd->fleet_keys->nelts == 0) {
        ngx_http_catalog_redis_fleet_done(rd);
        return;
    }

    {
        size_t        *len;
        ngx_uint_t     k;
        const char   **argv;

        u_char        *nkeys;

        argv = ngx_palloc(rd->fleet_pool,
                          (rd->fleet_keys->nelts + 3) * sizeof(char *));
        len = ngx_palloc(rd->fleet_pool,
                         (rd->fleet_keys->nelts + 3) * sizeof(size_t));
        nkeys = ngx_pnalloc(rd->fleet_pool, NGX_INT_T_LEN);

        if (argv == NULL || len == NULL || nkeys == NULL) {
            ngx_http_catalog_redis_fleet_done(rd);
            return;
        }

        argv[0] = "EVAL";
        len[0] = 4;
        argv[1] = ngx_http_catalog_redis_get_nodes;
        len[1] = sizeof(ngx_http_catalog_redis_get_nodes) - 1;
        argv[2] = (char *) nkeys;
        len[2] = ngx_sprintf(nkeys, "%ui", rd->fleet_keys->nelts) - nkeys;
        key = rd->fleet_keys->elts;

        for (k = 0; k < rd->fleet_keys->nelts; k++) {
            argv[k + 3] = (char *) key[k].data;
            len[k + 3] = key[k].len;
        }

        if (ngx_http_catalog_redis_conn_send(rc,
                                             ngx_http_catalog_redis_nodes,
                                             NULL, k + 3, argv, len)
            != NGX_OK)
        {
            ngx_http_catalog_redis_conn_fail(rc, "cannot send");
        }
    }
}


static void
ngx_http_catalog_redis_nodes(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply  *reply = r;

    char                            err[256];
    u_char                         *p;
    size_t                          i, n, size;
    redisReply                     *e;
    ngx_atomic_t                    seq;
    catalog_fleet_node_t           *nodes;
    ngx_http_catalog_redis_t       *rd;
    ngx_http_catalog_redis_sh_t    *sh;
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ngx_http_catalog_redis_conn_reply(ac, r);
    if (rc == NULL) {
        return;
    }

    rd = rc->data;
    sh = rd->sh;

    if (rd->fleet_pool == NULL
        || ngx_http_catalog_redis_refused(rd, rc, reply) != NGX_OK)
    {
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY) {
        ngx_http_catalog_redis_fleet_done(rd);
        return;
    }

    nodes = ngx_palloc(rd->fleet_pool,
                       (reply->elements + 1) * sizeof(catalog_fleet_node_t));
    if (nodes == NULL) {
        ngx_http_catalog_redis_fleet_done(rd);
        return;
    }

    n = 0;

    for (i = 0; i < ngx_min(reply->elements, rd->fleet_keys->nelts); i++) {
        e = reply->element[i];

        /* gone since the SCAN: its TTL ran out */

        if (e->type != REDIS_REPLY_STRING) {
            continue;
        }

        if (catalog_fleet_node_parse(e->str, e->len, &nodes[n], err,
                                     sizeof(err))
            != 0)
        {
            catalog_str_t  key;
            ngx_str_t     *keys = rd->fleet_keys->elts;

            key.data = (char *) keys[i].data;
            key.len = keys[i].len;
            ngx_http_catalog_redis_skipped(rd, &key, err);
            continue;
        }

        n++;
    }

    /* the fleet JSON for the status, in the zone, as many as fit */

    if (sh->fleet == NULL) {
        sh->fleet = ngx_slab_alloc(rd->mcf->shpool,
                                   NGX_HTTP_CATALOG_REDIS_FLEET_SIZE);
        if (sh->fleet == NULL) {
            ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                          "catalog redis: no room in the zone for the "
                          "fleet");
            ngx_http_catalog_redis_fleet_done(rd);
            return;
        }

        sh->fleet_size = NGX_HTTP_CATALOG_REDIS_FLEET_SIZE;
    }

    while (n && (size = catalog_fleet_json(NULL, nodes, n))
                > sh->fleet_size)
    {
        n--;
    }

    p = ngx_pnalloc(rd->fleet_pool, catalog_fleet_json(NULL, nodes, n));
    if (p == NULL) {
        ngx_http_catalog_redis_fleet_done(rd);
        return;
    }

    size = catalog_fleet_json((char *) p, nodes, n);

    if (!ngx_http_catalog_redis_owner(rd)) {
        ngx_http_catalog_redis_fleet_done(rd);
        return;
    }

    /* even: a writer killed in the middle left it odd */

    seq = sh->fleet_seq & ~((ngx_atomic_uint_t) 1);
    sh->fleet_seq = seq + 1;
    ngx_memory_barrier();

    ngx_memcpy(sh->fleet, p, size);
    sh->fleet_len = size;
    sh->fleet_nodes = n;
    sh->fleet_drift = catalog_fleet_drift(nodes, n);

    ngx_memory_barrier();
    sh->fleet_seq = seq + 2;

    ngx_http_catalog_redis_fleet_done(rd);
}


static void
ngx_http_catalog_redis_fleet_done(ngx_http_catalog_redis_t *rd)
{
    if (rd->fleet_pool) {
        ngx_destroy_pool(rd->fleet_pool);
        rd->fleet_pool = NULL;
    }
}


void
ngx_http_catalog_redis_report(ngx_http_catalog_main_conf_t *mcf,
    catalog_redis_report_t *rep)
{
    ngx_http_catalog_redis_sh_t  *sh;

    ngx_memzero(rep, sizeof(catalog_redis_report_t));

    if (mcf->redis == NULL || mcf->sh == NULL) {
        return;
    }

    sh = &mcf->sh->redis;

    rep->configured = 1;
    rep->connected = sh->connected ? 1 : 0;
    rep->since = sh->since;
    rep->last_sync = sh->last_sync;
    rep->version = sh->version;
    rep->reconnects = sh->connections ? sh->connections - 1 : 0;
    rep->errors = sh->errors;
    rep->fleet_nodes = sh->fleet_nodes;
    rep->fleet_drift = sh->fleet_drift;
}


ngx_int_t
ngx_http_catalog_redis_fleet(ngx_http_catalog_main_conf_t *mcf,
    ngx_pool_t *pool, ngx_str_t *json, ngx_uint_t *nodes, ngx_uint_t *drift)
{
    u_char                       *p;
    size_t                        len;
    ngx_uint_t                    tries;
    ngx_atomic_t                  seq;
    ngx_http_catalog_redis_sh_t  *sh;

    ngx_str_null(json);
    *nodes = 0;
    *drift = 0;

    if (mcf->redis == NULL || mcf->sh == NULL) {
        return NGX_OK;
    }

    sh = &mcf->sh->redis;

    p = ngx_pnalloc(pool, NGX_HTTP_CATALOG_REDIS_FLEET_SIZE);
    if (p == NULL) {
        return NGX_ERROR;
    }

    for (tries = 0; tries < 1000; tries++) {
        seq = sh->fleet_seq;
        ngx_memory_barrier();

        if (seq & 1) {
            ngx_cpu_pause();
            continue;
        }

        if (sh->fleet == NULL) {
            return NGX_OK;
        }

        len = ngx_min(sh->fleet_len, NGX_HTTP_CATALOG_REDIS_FLEET_SIZE);
        ngx_memcpy(p, sh->fleet, len);
        *nodes = sh->fleet_nodes;
        *drift = sh->fleet_drift;

        ngx_memory_barrier();

        if (sh->fleet_seq == seq) {
            json->data = p;
            json->len = len;
            return NGX_OK;
        }
    }

    return NGX_OK;
}
