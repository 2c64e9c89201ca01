
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <catalog_backend.h>


/*
 * catalog_balancer: the peers of an upstream are the backends of the
 * service that catalog_route matched.  Round robin over them, skipping a
 * backend that failed max_fails times for fail_timeout, as the round
 * robin balancer does; the state is per worker, as without "zone".
 * Services listing the same backends (https ones: for the same TLS
 * server name) share one list of peers, and each distinct backend is
 * resolved once, at load.  "keepalive" placed after
 * catalog_balancer caches the connections.
 *
 * Two differences from round robin, so that backends that reload do not
 * take a service down:
 *
 * - a kept-alive connection that fails before any byte of an answer
 *   (the backend closed it while it was idle: a reload, a restart) is no
 *   failure of the backend: it is not counted towards max_fails, and the
 *   request goes again to the same backend (nginx gives the extra try),
 *   on another connection; only a failure on a new connection, a timeout
 *   or an answer counts;
 * - when every backend of a service is marked down, they are tried all
 *   the same, in turn ("panic", as Envoy calls it): a backend marked down
 *   for a failure that has passed answers, where nginx would answer 502
 *   "no live upstreams" until fail_timeout ends.
 */


typedef struct {
    ngx_addr_t                   *addrs;
    ngx_uint_t                    naddrs;
} ngx_http_catalog_addrs_t;


typedef struct {
    ngx_http_catalog_peers_t     *peers;
    ngx_http_catalog_srv_conf_t  *conf;
    ngx_str_t                    *name;
    ngx_http_request_t           *request;
    ngx_uint_t                    current;
    ngx_uint_t                    again;       /* the same on a new one */
    uint64_t                      tried;
} ngx_http_catalog_peer_data_t;


static ngx_http_catalog_peers_t *ngx_http_catalog_find_peers(
    ngx_http_catalog_main_conf_t *mcf, catalog_service_t *service);
static ngx_http_catalog_addrs_t *ngx_http_catalog_resolve_addrs(
    ngx_http_catalog_main_conf_t *mcf, catalog_backend_t *backend, char *err,
    size_t errlen);
static u_char *ngx_http_catalog_key_buffer(ngx_http_catalog_main_conf_t *mcf,
    size_t len);
static ngx_int_t ngx_http_catalog_init_upstream(ngx_conf_t *cf,
    ngx_http_upstream_srv_conf_t *us);
static ngx_int_t ngx_http_catalog_init_peer(ngx_http_request_t *r,
    ngx_http_upstream_srv_conf_t *us);
static ngx_int_t ngx_http_catalog_get_peer(ngx_peer_connection_t *pc,
    void *data);
static void ngx_http_catalog_free_peer(ngx_peer_connection_t *pc, void *data,
    ngx_uint_t state);

#if (NGX_HTTP_SSL)
static ngx_int_t ngx_http_catalog_set_session(ngx_peer_connection_t *pc,
    void *data);
static void ngx_http_catalog_save_session(ngx_peer_connection_t *pc,
    void *data);
static void ngx_http_catalog_free_sessions(void *data);
#endif


char *
ngx_http_catalog_balancer(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_catalog_srv_conf_t  *cscf = conf;

    time_t                         t;
    ngx_int_t                      n;
    ngx_str_t                     *value, s;
    ngx_uint_t                     i;
    ngx_http_upstream_server_t    *server;
    ngx_http_upstream_srv_conf_t  *uscf;

    uscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_upstream_module);

    if (uscf->peer.init_upstream == ngx_http_catalog_init_upstream) {
        return "is duplicate";
    }

    if (uscf->peer.init_upstream) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_balancer\" must come before \"keepalive\""
                           " and replaces any other balancing method");
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "max_fails=", 10) == 0) {

            n = ngx_atoi(&value[i].data[10], value[i].len - 10);

            if (n == NGX_ERROR) {
                goto invalid;
            }

            cscf->max_fails = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "fail_timeout=", 13) == 0) {

            s.len = value[i].len - 13;
            s.data = &value[i].data[13];

            t = ngx_parse_time(&s, 1);

            if (t == (time_t) NGX_ERROR) {
                goto invalid;
            }

            cscf->fail_timeout = t;
            continue;
        }

        goto invalid;
    }

    uscf->peer.init_upstream = ngx_http_catalog_init_upstream;
    uscf->flags = NGX_HTTP_UPSTREAM_CREATE;

    /*
     * the peers come from the manifests; a placeholder server keeps the
     * upstream block's "no servers are inside upstream" check content
     */

    if (uscf->servers == NULL) {
        uscf->servers = ngx_array_create(cf->pool, 1,
                                         sizeof(ngx_http_upstream_server_t));
        if (uscf->servers == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    server = ngx_array_push(uscf->servers);
    if (server == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(server, sizeof(ngx_http_upstream_server_t));
    ngx_str_set(&server->name, "catalog_balancer");

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"catalog_balancer\": invalid parameter \"%V\"",
                       &value[i]);

    return NGX_CONF_ERROR;
}


int
ngx_http_catalog_resolve_backend(void *data, catalog_service_t *service,
    catalog_backend_t *backend, char *err, size_t errlen)
{
    ngx_http_catalog_main_conf_t  *mcf = data;

    ngx_uint_t                 i;
    ngx_http_catalog_peer_t   *peer;
    ngx_http_catalog_addrs_t  *addrs;
    ngx_http_catalog_peers_t  *peers;

    /*
     * called for each backend of a service in turn: at the first, the
     * service gets the list of an earlier service with the same backends,
     * or a new one that this call and those for its other backends fill
     */

    if (backend == &service->backends[0]) {
        service->data = ngx_http_catalog_find_peers(mcf, service);
        if (service->data == NULL) {
            return -1;
        }
    }

    peers = service->data;

    if (peers == NULL || peers != mcf->backends.building) {
        /* shared with an earlier service: complete */
        return 0;
    }

    addrs = ngx_http_catalog_resolve_addrs(mcf, backend, err, errlen);
    if (addrs == NULL) {
        return -1;
    }

    if (peers->peers.nelts + addrs->naddrs > NGX_HTTP_CATALOG_PEERS_MAX) {
        ngx_snprintf((u_char *) err, errlen,
                     "resolves to more than %d addresses in all%Z",
                     NGX_HTTP_CATALOG_PEERS_MAX);
        return -1;
    }

    for (i = 0; i < addrs->naddrs; i++) {
        peer = ngx_array_push(&peers->peers);
        if (peer == NULL) {
            return -1;
        }

        ngx_memzero(peer, sizeof(ngx_http_catalog_peer_t));

        peer->sockaddr = addrs->addrs[i].sockaddr;
        peer->socklen = addrs->addrs[i].socklen;
        peer->name = addrs->addrs[i].name;
    }

    return 0;
}


void
ngx_http_catalog_backends_done(ngx_http_catalog_main_conf_t *mcf)
{
    catalog_map_free(&mcf->backends.lists);
    catalog_map_free(&mcf->backends.addrs);

    mcf->backends.building = NULL;
}


static ngx_http_catalog_peers_t *
ngx_http_catalog_find_peers(ngx_http_catalog_main_conf_t *mcf,
    catalog_service_t *service)
{
    u_char                    *key, *p;
    size_t                     len;
    uint64_t                   hash;
    ngx_http_catalog_peers_t  *peers;
#if (NGX_HTTP_SSL)
    ngx_pool_cleanup_t        *cln;
#endif

    /*
     * services listing the same backends in the same order share one
     * list, and with it the round robin position and the failures, as
     * the locations proxying to one upstream block share its servers;
     * for https backends the TLS server name too, as the list keeps the
     * TLS sessions (catalog_backend.c)
     */

    key = ngx_http_catalog_key_buffer(mcf,
                                      catalog_backends_key_size(service));
    if (key == NULL) {
        return NULL;
    }

    len = catalog_backends_key((char *) key, service);
    hash = catalog_hash(CATALOG_HASH_INIT, (char *) key, len);

    peers = catalog_map_find(&mcf->backends.lists, hash, (char *) key, len);

    if (peers) {
        mcf->backends.building = NULL;
        return peers;
    }

    peers = ngx_pcalloc(mcf->pool, sizeof(ngx_http_catalog_peers_t));
    if (peers == NULL) {
        return NULL;
    }

    if (ngx_array_init(&peers->peers, mcf->pool, service->nbackends,
                       sizeof(ngx_http_catalog_peer_t))
        != NGX_OK)
    {
        return NULL;
    }

    p = ngx_pnalloc(mcf->pool, len);
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, key, len);

    if (catalog_map_insert(&mcf->backends.lists, hash, (char *) p, len, peers,
                           NULL)
        == -1)
    {
        return NULL;
    }

#if (NGX_HTTP_SSL)

    /*
     * the TLS sessions that a worker saves in the peers are OpenSSL's
     * memory, not the pool's: they are freed with the pool, when the
     * worker exits or a reload retires this configuration
     */

    if (mcf->peers == NULL) {
        cln = ngx_pool_cleanup_add(mcf->pool, 0);
        if (cln == NULL) {
            return NULL;
        }

        cln->handler = ngx_http_catalog_free_sessions;
        cln->data = mcf;
    }

    peers->link = mcf->peers;
    mcf->peers = peers;

#endif

    mcf->backends.building = peers;

    return peers;
}


static ngx_http_catalog_addrs_t *
ngx_http_catalog_resolve_addrs(ngx_http_catalog_main_conf_t *mcf,
    catalog_backend_t *backend, char *err, size_t errlen)
{
    u_char                    *key, *p;
    size_t                     len, scheme;
    uint64_t                   hash;
    ngx_url_t                  u;
    ngx_http_catalog_addrs_t  *addrs;

    /*
     * a backend is resolved once, however many services list it, as the
     * servers of an upstream block are for all the locations using it
     */

    key = ngx_http_catalog_key_buffer(mcf, CATALOG_BACKEND_KEY_LEN
                                           + backend->host.len);
    if (key == NULL) {
        return NULL;
    }

    len = catalog_backend_key((char *) key, backend);
    hash = catalog_hash(CATALOG_HASH_INIT, (char *) key, len);

    addrs = catalog_map_find(&mcf->backends.addrs, hash, (char *) key, len);
    if (addrs) {
        return addrs;
    }

    p = ngx_pnalloc(mcf->pool, len);
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, key, len);

    /* the key without its scheme is the URL to parse */

    scheme = backend->https ? sizeof("https://") - 1 : sizeof("http://") - 1;

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url.data = p + scheme;
    u.url.len = len - scheme;
    u.default_port = (in_port_t) backend->port;

    if (ngx_parse_url(mcf->pool, &u) != NGX_OK) {
        ngx_snprintf((u_char *) err, errlen - 1, "%s%Z",
                     u.err ? u.err : "cannot be resolved");
        err[errlen - 1] = '\0';
        return NULL;
    }

    if (u.naddrs == 0) {
        ngx_snprintf((u_char *) err, errlen, "host not found%Z");
        return NULL;
    }

    addrs = ngx_palloc(mcf->pool, sizeof(ngx_http_catalog_addrs_t));
    if (addrs == NULL) {
        return NULL;
    }

    addrs->addrs = u.addrs;
    addrs->naddrs = u.naddrs;

    if (catalog_map_insert(&mcf->backends.addrs, hash, (char *) p, len, addrs,
                           NULL)
        == -1)
    {
        return NULL;
    }

    return addrs;
}


static u_char *
ngx_http_catalog_key_buffer(ngx_http_catalog_main_conf_t *mcf, size_t len)
{
    u_char  *p;
    size_t   size;

    if (len <= mcf->backends.key_size) {
        return mcf->backends.key;
    }

    /* grows a few times at most: a key is at most some kilobytes */

    size = ngx_max(len, 2 * mcf->backends.key_size);
    size = ngx_max(size, 256);

    p = ngx_pnalloc(mcf->pool, size);
    if (p == NULL) {
        return NULL;
    }

    mcf->backends.key = p;
    mcf->backends.key_size = size;

    return p;
}


static ngx_int_t
ngx_http_catalog_init_upstream(ngx_conf_t *cf, ngx_http_upstream_srv_conf_t *us)
{
    /* our placeholder is the only server the upstream may have */

    if (us->servers->nelts > 1) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "upstream \"%V\" with \"catalog_balancer\" must not "
                      "have \"server\" lines in %s:%ui: the backends come "
                      "from the manifests", &us->host, us->file_name,
                      us->line);
        return NGX_ERROR;
    }

    us->peer.init = ngx_http_catalog_init_peer;

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_init_peer(ngx_http_request_t *r,
    ngx_http_upstream_srv_conf_t *us)
{
    ngx_http_catalog_ctx_t        *ctx;
    ngx_http_catalog_peer_data_t  *pd;

    ctx = ngx_http_get_module_ctx(r, ngx_http_catalog_module);

    if (ctx == NULL || ctx->service == NULL || ctx->service->data == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "catalog_balancer: no service with backends matched "
                      "\"%V\"; is \"catalog_route\" in this location?",
                      &r->uri);
        return NGX_ERROR;
    }

    pd = ngx_palloc(r->pool, sizeof(ngx_http_catalog_peer_data_t));
    if (pd == NULL) {
        return NGX_ERROR;
    }

    pd->peers = ctx->service->data;
    pd->conf = ngx_http_conf_upstream_srv_conf(us, ngx_http_catalog_module);
    pd->name = &us->host;
    pd->request = r;
    pd->current = NGX_CONF_UNSET_UINT;
    pd->again = NGX_CONF_UNSET_UINT;
    pd->tried = 0;

    r->upstream->peer.data = pd;
    r->upstream->peer.get = ngx_http_catalog_get_peer;
    r->upstream->peer.free = ngx_http_catalog_free_peer;
    r->upstream->peer.tries = pd->peers->peers.nelts;

#if (NGX_HTTP_SSL)
    r->upstream->peer.set_session = ngx_http_catalog_set_session;
    r->upstream->peer.save_session = ngx_http_catalog_save_session;
#endif

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_get_peer(ngx_peer_connection_t *pc, void *data)
{
    ngx_http_catalog_peer_data_t  *pd = data;

    time_t                     now;
    ngx_uint_t                 i, k, n, down;
    ngx_http_catalog_peer_t   *peer;
    ngx_http_catalog_peers_t  *peers;

    pc->cached = 0;
    pc->connection = NULL;

    peers = pd->peers;
    peer = peers->peers.elts;
    n = peers->peers.nelts;
    now = ngx_time();

    /* a kept-alive connection to it failed: the same backend again */

    if (pd->again != NGX_CONF_UNSET_UINT) {
        i = pd->again;
        pd->again = NGX_CONF_UNSET_UINT;
        goto found;
    }

    down = 0;

    for (k = 0; k < n; k++) {
        i = (peers->next + k) % n;

        /*
         * a single backend is taken again: the upstream asks once more
         * only after a cached keepalive connection failed (the backend
         * had closed it), and then round robin retries on a new one
         */

        if (n > 1 && (pd->tried & ((uint64_t) 1 << i))) {
            continue;
        }

        /* like round robin, a single backend is never taken out */

        if (n > 1
            && pd->conf->max_fails
            && peer[i].fails >= pd->conf->max_fails
            && now - peer[i].checked <= pd->conf->fail_timeout)
        {
            down++;
            continue;
        }

        goto found;
    }

    /*
     * every backend not tried yet is marked down: they are tried anyway,
     * in turn, rather than failing the request at once
     */

    if (down) {
        for (k = 0; k < n; k++) {
            i = (peers->next + k) % n;

            if (!(pd->tried & ((uint64_t) 1 << i))) {
                ngx_log_debug1(NGX_LOG_DEBUG_HTTP, pc->log, 0,
                               "catalog balancer: every backend is down, "
                               "trying peer %ui", i);
                goto found;
            }
        }
    }

    pc->name = pd->name;

    return NGX_BUSY;

found:

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, pc->log, 0,
                   "catalog balancer: peer %ui \"%V\"", i, &peer[i].name);

    peers->next = (i + 1) % n;

    pd->current = i;
    pd->tried |= (uint64_t) 1 << i;

    if (peer[i].fails >= pd->conf->max_fails) {
        /* fail_timeout has passed: this request probes the backend */
        peer[i].checked = now;
    }

    pc->sockaddr = peer[i].sockaddr;
    pc->socklen = peer[i].socklen;
    pc->name = &peer[i].name;

    return NGX_OK;
}


static void
ngx_http_catalog_free_peer(ngx_peer_connection_t *pc, void *data,
    ngx_uint_t state)
{
    ngx_http_catalog_peer_data_t  *pd = data;

    ngx_connection_t         *c;
    ngx_http_upstream_t      *u;
    ngx_http_catalog_ctx_t   *ctx;
    ngx_http_catalog_peer_t  *peer;

    if (pd->current == NGX_CONF_UNSET_UINT) {
        return;
    }

    peer = (ngx_http_catalog_peer_t *) pd->peers->peers.elts + pd->current;

    if (state & NGX_PEER_FAILED) {

        /*
         * a kept-alive connection that failed before any byte of an
         * answer, and not by a timeout: the backend had closed it
         */

        c = pc->connection;
        u = pd->request->upstream;

        if (pc->cached && c
            && !c->read->timedout && !c->write->timedout
            && u->headers_in.status_n == 0)
        {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, pc->log, 0,
                           "catalog balancer: kept-alive connection to "
                           "\"%V\" closed, not counted", &peer->name);

            pd->again = pd->current;
            pd->current = NGX_CONF_UNSET_UINT;

            if (pc->tries) {
                pc->tries--;
            }

            return;
        }

        peer->fails++;
        peer->accessed = ngx_time();
        peer->checked = peer->accessed;

        if (pd->conf->max_fails && peer->fails == pd->conf->max_fails) {
            ctx = ngx_http_get_module_ctx(pd->request,
                                          ngx_http_catalog_module);

            /* nginx's words first, for the alerts that look for them */

            ngx_log_error(NGX_LOG_WARN, pc->log, 0,
                          "upstream server temporarily disabled: "
                          "backend %V of \"%s\"", &peer->name,
                          ctx && ctx->service ? ctx->service->key.data
                                              : "");
        }

    } else if (peer->fails) {
        peer->fails = 0;
    }

    pd->current = NGX_CONF_UNSET_UINT;

    if (pc->tries) {
        pc->tries--;
    }
}


#if (NGX_HTTP_SSL)

static ngx_int_t
ngx_http_catalog_set_session(ngx_peer_connection_t *pc, void *data)
{
    ngx_http_catalog_peer_data_t  *pd = data;

    ngx_http_catalog_peer_t  *peer;

    if (pd->current == NGX_CONF_UNSET_UINT) {
        return NGX_OK;
    }

    peer = (ngx_http_catalog_peer_t *) pd->peers->peers.elts + pd->current;

    if (peer->ssl_session == NULL) {
        return NGX_OK;
    }

    return ngx_ssl_set_session(pc->connection, peer->ssl_session);
}


static void
ngx_http_catalog_save_session(ngx_peer_connection_t *pc, void *data)
{
    ngx_http_catalog_peer_data_t  *pd = data;

    ngx_ssl_session_t        *session, *old;
    ngx_http_catalog_peer_t  *peer;

    if (pd->current == NGX_CONF_UNSET_UINT) {
        return;
    }

    session = ngx_ssl_get_session(pc->connection);

    if (session == NULL) {
        return;
    }

    peer = (ngx_http_catalog_peer_t *) pd->peers->peers.elts + pd->current;

    old = peer->ssl_session;
    peer->ssl_session = session;

    if (old) {
        ngx_ssl_free_session(old);
    }
}


static void
ngx_http_catalog_free_sessions(void *data)
{
    ngx_http_catalog_main_conf_t  *mcf = data;

    ngx_uint_t                 i;
    ngx_http_catalog_peer_t   *peer;
    ngx_http_catalog_peers_t  *peers;

    for (peers = mcf->peers; peers; peers = peers->link) {
        peer = peers->peers.elts;

        for (i = 0; i < peers->peers.nelts; i++) {
            if (peer[i].ssl_session) {
                ngx_ssl_free_session(peer[i].ssl_session);
                peer[i].ssl_session = NULL;
            }
        }
    }
}

#endif
