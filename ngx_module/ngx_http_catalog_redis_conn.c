
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_redis.h>


/*
 * The hiredis adapter: hiredis's asynchronous API on nginx's events and
 * timers, nothing blocking (the address is an IP literal or a socket
 * path, resolved when the configuration loaded).  Written for hiredis
 * 0.14 and 1.x alike: their common API only, and nginx timers instead
 * of hiredis's own timeouts.
 *
 * hiredis owns the fd and closes it when it frees the context; the
 * cleanup hook gives the ngx_connection_t back without closing it.  After
 * a failed connect or a disconnect hiredis frees the context itself, so
 * rc->ac is set to NULL first, and a context is never freed twice.
 */


static void ngx_http_catalog_redis_add_read(void *data);
static void ngx_http_catalog_redis_del_read(void *data);
static void ngx_http_catalog_redis_add_write(void *data);
static void ngx_http_catalog_redis_del_write(void *data);
static void ngx_http_catalog_redis_cleanup(void *data);
static void ngx_http_catalog_redis_read_handler(ngx_event_t *ev);
static void ngx_http_catalog_redis_write_handler(ngx_event_t *ev);
static void ngx_http_catalog_redis_timer_handler(ngx_event_t *ev);
static void ngx_http_catalog_redis_later_handler(ngx_event_t *ev);
static void ngx_http_catalog_redis_on_connect(const redisAsyncContext *ac,
    int status);
static void ngx_http_catalog_redis_on_disconnect(const redisAsyncContext *ac,
    int status);
static void ngx_http_catalog_redis_detach(ngx_http_catalog_redis_conn_t *rc);


ngx_int_t
ngx_http_catalog_redis_conn_open(ngx_http_catalog_redis_conn_t *rc,
    ngx_http_catalog_redis_conf_t *rcf)
{
    const char         *reason;
    ngx_connection_t   *c;
    redisAsyncContext  *ac;

    if (rc->ac) {
        return NGX_OK;
    }

    rc->due = 0;
    rc->up = 0;
    rc->hard = 0;
    rc->reason = NULL;
    rc->name = &rcf->name;
    rc->timeout = rcf->timeout;

    rc->timer.handler = ngx_http_catalog_redis_timer_handler;
    rc->timer.data = rc;
    rc->timer.log = rc->log;
    rc->timer.cancelable = 1;

    if (rcf->path.len) {
        ac = redisAsyncConnectUnix((char *) rcf->path.data);

    } else {
        ac = redisAsyncConnect((char *) rcf->host.data, rcf->port);
    }

    if (ac == NULL) {
        ngx_http_catalog_redis_conn_fail(rc, "out of memory");
        return NGX_ERROR;
    }

    if (ac->err) {
        /* the connect failed at once: nothing is attached yet */
        ngx_log_error(NGX_LOG_NOTICE, rc->log, 0,
                      "catalog redis: %s connection: %s", rc->what,
                      ac->errstr);
        redisAsyncFree(ac);
        ngx_http_catalog_redis_conn_fail(rc, "cannot connect");
        return NGX_ERROR;
    }

    c = ngx_get_connection(ac->c.fd, rc->log);

    if (c == NULL) {
        redisAsyncFree(ac);
        ngx_http_catalog_redis_conn_fail(rc, "no free connection");
        return NGX_ERROR;
    }

    c->data = rc;
    c->log = rc->log;
    c->read->log = rc->log;
    c->write->log = rc->log;
    c->read->handler = ngx_http_catalog_redis_read_handler;
    c->write->handler = ngx_http_catalog_redis_write_handler;

    rc->ac = ac;
    rc->connection = c;

    ac->data = rc;
    ac->ev.data = c;
    ac->ev.addRead = ngx_http_catalog_redis_add_read;
    ac->ev.delRead = ngx_http_catalog_redis_del_read;
    ac->ev.addWrite = ngx_http_catalog_redis_add_write;
    ac->ev.delWrite = ngx_http_catalog_redis_del_write;
    ac->ev.cleanup = ngx_http_catalog_redis_cleanup;

    /* after the hooks: setting the connect callback arms the write */

    reason = NULL;

    if (redisAsyncSetConnectCallback(ac, ngx_http_catalog_redis_on_connect)
        != REDIS_OK
        || redisAsyncSetDisconnectCallback(ac,
                                       ngx_http_catalog_redis_on_disconnect)
           != REDIS_OK)
    {
        reason = "cannot set the callbacks";
    }

    if (reason) {
        ngx_http_catalog_redis_conn_fail(rc, reason);
        return NGX_ERROR;
    }

    ngx_add_timer(&rc->timer, rcf->connect_timeout);

    return NGX_OK;
}


void
ngx_http_catalog_redis_conn_close(ngx_http_catalog_redis_conn_t *rc)
{
    redisAsyncContext  *ac;

    if (rc->timer.timer_set) {
        ngx_del_timer(&rc->timer);
    }

    if (rc->later.timer_set) {
        ngx_del_timer(&rc->later);
    }

    ac = rc->ac;

    if (ac == NULL) {
        return;
    }

    /*
     * first detached: the callbacks that hiredis calls while it frees
     * the context (NULL replies, the disconnect) find rc->ac changed and
     * do nothing; inside a callback hiredis defers the free itself
     */

    rc->ac = NULL;
    rc->due = 0;
    rc->up = 0;

    redisAsyncFree(ac);
}


void
ngx_http_catalog_redis_conn_fail(ngx_http_catalog_redis_conn_t *rc,
    const char *reason)
{
    ngx_http_catalog_redis_conn_close(rc);

    if (rc->failed) {
        rc->failed(rc, reason);
    }
}


ngx_int_t
ngx_http_catalog_redis_conn_send(ngx_http_catalog_redis_conn_t *rc,
    redisCallbackFn *fn, void *privdata, int argc, const char **argv,
    const size_t *argvlen)
{
    if (rc->ac == NULL || rc->ac->err) {
        return NGX_ERROR;
    }

    if (redisAsyncCommandArgv(rc->ac, fn, privdata, argc, argv, argvlen)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    if (fn && rc->due++ == 0 && rc->up) {
        ngx_add_timer(&rc->timer, rc->timeout);
    }

    return NGX_OK;
}


ngx_http_catalog_redis_conn_t *
ngx_http_catalog_redis_conn_reply(redisAsyncContext *ac, void *reply)
{
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ac->data;

    if (rc == NULL || rc->ac != ac || reply == NULL) {
        return NULL;
    }

    if (rc->due) {
        rc->due--;
    }

    /* the command timeout: measured from the last reply */

    if (rc->due) {
        ngx_add_timer(&rc->timer, rc->timeout);

    } else if (rc->timer.timer_set) {
        ngx_del_timer(&rc->timer);
    }

    return rc;
}


static void
ngx_http_catalog_redis_on_connect(const redisAsyncContext *cac, int status)
{
    redisAsyncContext  *ac = (redisAsyncContext *) cac;

    ngx_http_catalog_redis_conn_t  *rc;

    rc = ac->data;

    if (rc == NULL || rc->ac != ac) {
        return;
    }

    if (status != REDIS_OK) {
        /* hiredis frees the context once this returns */
        ngx_http_catalog_redis_detach(rc);

        /* hiredis 0.14 copies the error into ac->err only later */

        if (rc->failed) {
            rc->failed(rc, ac->c.errstr[0] ? ac->c.errstr
                                           : "cannot connect");
        }

        return;
    }

    rc->up = 1;

    /* the connect timeout ends; the replies already due now run theirs */

    if (rc->timer.timer_set) {
        ngx_del_timer(&rc->timer);
    }

    if (rc->due) {
        ngx_add_timer(&rc->timer, rc->timeout);
    }

    /*
     * a failure in there must not free the context from this callback
     * (hiredis 0.14 does not defer it): it is failed from a timer
     */

    if (rc->connected) {
        rc->connected(rc, NULL);
    }
}


void
ngx_http_catalog_redis_conn_fail_later(ngx_http_catalog_redis_conn_t *rc,
    const char *reason)
{
    rc->reason = reason;

    rc->later.handler = ngx_http_catalog_redis_later_handler;
    rc->later.data = rc;
    rc->later.log = rc->log;
    rc->later.cancelable = 1;

    ngx_add_timer(&rc->later, 1);
}


static void
ngx_http_catalog_redis_later_handler(ngx_event_t *ev)
{
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ev->data;

    ngx_http_catalog_redis_conn_fail(rc, rc->reason);
}


static void
ngx_http_catalog_redis_on_disconnect(const redisAsyncContext *cac,
    int status)
{
    redisAsyncContext  *ac = (redisAsyncContext *) cac;

    ngx_http_catalog_redis_conn_t  *rc;

    rc = ac->data;

    if (rc == NULL || rc->ac != ac) {
        return;
    }

    /* hiredis frees the context once this returns */

    ngx_http_catalog_redis_detach(rc);

    /*
     * a peer that is no Redis, or an error reply that hiredis closed the
     * connection for (NOAUTH to SUBSCRIBE), is an error, not a network
     * event; LOADING and BUSY pass
     */

    rc->hard = (ac->err == REDIS_ERR_PROTOCOL
                || (ac->err == REDIS_ERR_OTHER
                    && ngx_strncmp(ac->errstr, "LOADING", 7) != 0
                    && ngx_strncmp(ac->errstr, "BUSY", 4) != 0));

    if (rc->failed) {
        rc->failed(rc, (status != REDIS_OK && ac->errstr[0])
                       ? ac->errstr : "closed by the server");
    }
}


static void
ngx_http_catalog_redis_detach(ngx_http_catalog_redis_conn_t *rc)
{
    if (rc->timer.timer_set) {
        ngx_del_timer(&rc->timer);
    }

    rc->ac = NULL;
    rc->due = 0;
    rc->up = 0;
}


static void
ngx_http_catalog_redis_read_handler(ngx_event_t *ev)
{
    size_t                          left;
    ngx_connection_t               *c;
    redisAsyncContext              *ac;
    ngx_http_catalog_redis_conn_t  *rc;

    c = ev->data;
    rc = c->data;
    ac = rc->ac;

    if (ac == NULL || rc->connection != c) {
        return;
    }

    redisAsyncHandleRead(ac);

    /* the context may be gone: a callback closed it, or an error did */

    if (rc->ac != ac) {
        return;
    }

    /*
     * hiredis keeps a reply that is not whole in its buffer, as long as
     * it grows: a reply past the bound closes the connection instead
     */

    left = ac->c.reader->len - ac->c.reader->pos;

    if (left > NGX_HTTP_CATALOG_REDIS_REPLY_MAX) {
        ngx_log_error(NGX_LOG_ERR, rc->log, 0,
                      "catalog redis: a reply from %V is larger than %d "
                      "bytes; closing the connection",
                      rc->name, NGX_HTTP_CATALOG_REDIS_REPLY_MAX);
        rc->hard = 1;
        ngx_http_catalog_redis_conn_fail(rc, "a reply too large");
    }
}


static void
ngx_http_catalog_redis_write_handler(ngx_event_t *ev)
{
    ngx_connection_t               *c;
    ngx_http_catalog_redis_conn_t  *rc;

    c = ev->data;
    rc = c->data;

    if (rc->ac == NULL || rc->connection != c) {
        return;
    }

    redisAsyncHandleWrite(rc->ac);
}


static void
ngx_http_catalog_redis_timer_handler(ngx_event_t *ev)
{
    ngx_http_catalog_redis_conn_t  *rc;

    rc = ev->data;

    ngx_http_catalog_redis_conn_fail(rc, rc->up ? "timed out"
                                                : "connect timed out");
}


/* the hooks: level-triggered, so that no byte is left unread */

static void
ngx_http_catalog_redis_add_read(void *data)
{
    ngx_connection_t  *c = data;

    if (!c->read->active) {
        if (ngx_add_event(c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, c->log, 0,
                          "catalog redis: cannot add a read event");
        }
    }
}


static void
ngx_http_catalog_redis_del_read(void *data)
{
    ngx_connection_t  *c = data;

    if (c->read->active) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, 0);
    }
}


static void
ngx_http_catalog_redis_add_write(void *data)
{
    ngx_connection_t  *c = data;

    if (!c->write->active) {
        if (ngx_add_event(c->write, NGX_WRITE_EVENT, NGX_LEVEL_EVENT)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, c->log, 0,
                          "catalog redis: cannot add a write event");
        }
    }
}


static void
ngx_http_catalog_redis_del_write(void *data)
{
    ngx_connection_t  *c = data;

    if (c->write->active) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }
}


static void
ngx_http_catalog_redis_cleanup(void *data)
{
    ngx_connection_t  *c = data;

    ngx_http_catalog_redis_conn_t  *rc;

    rc = c->data;

    ngx_http_catalog_redis_del_read(c);
    ngx_http_catalog_redis_del_write(c);

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    if (rc && rc->connection == c) {
        rc->connection = NULL;
    }

    /*
     * hiredis closes the fd itself, after this; freed first, as
     * ngx_close_connection() does, so that poll's table forgets the fd
     */

    ngx_free_connection(c);
    c->fd = (ngx_socket_t) -1;
}
