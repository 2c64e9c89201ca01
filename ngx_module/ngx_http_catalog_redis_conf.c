
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_redis.h>
#include <catalog_fleet.h>


/*
 * catalog_redis HOST:PORT | unix:PATH [db=N] [prefix=P] [password_file=F]
 *     [user=U] [connect_timeout=T] [timeout=T] [interval=T] [node=NAME];
 *
 * Everything is checked and resolved here, while the configuration
 * loads: a worker never resolves a name nor reads a file for Redis.
 */


#define NGX_HTTP_CATALOG_REDIS_PASSWORD_MAX  512


static ngx_int_t ngx_http_catalog_redis_address(ngx_conf_t *cf,
    ngx_http_catalog_redis_conf_t *rcf, ngx_str_t *value);
static ngx_int_t ngx_http_catalog_redis_password(ngx_conf_t *cf,
    ngx_http_catalog_redis_conf_t *rcf, ngx_str_t *file);
static ngx_int_t ngx_http_catalog_redis_time(ngx_str_t *s, ngx_msec_t *t);


char *
ngx_http_catalog_redis(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_catalog_main_conf_t  *mcf = conf;

    ngx_int_t                       n;
    ngx_str_t                      *value, s, password_file;
    ngx_uint_t                      i;
    ngx_http_catalog_redis_conf_t  *rcf;

    if (mcf->redis) {
        return "is duplicate";
    }

    rcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_catalog_redis_conf_t));
    if (rcf == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    rcf->name = value[1];
    rcf->file = cf->conf_file->file.name;
    rcf->line = cf->conf_file->line;
    ngx_str_set(&rcf->prefix, "catalog:");
    rcf->connect_timeout = 2000;
    rcf->timeout = 2000;
    rcf->interval = 5000;

    ngx_str_null(&password_file);

    if (ngx_http_catalog_redis_address(cf, rcf, &value[1]) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "db=", 3) == 0) {
            s.data = value[i].data + 3;
            s.len = value[i].len - 3;

            n = ngx_atoi(s.data, s.len);
            if (n == NGX_ERROR || n > 0x7fffffff) {
                goto invalid;
            }

            rcf->db = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "prefix=", 7) == 0) {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            if (!catalog_redis_is_prefix((char *) s.data, s.len)) {
                goto invalid;
            }

            rcf->prefix = s;
            continue;
        }

        if (ngx_strncmp(value[i].data, "password_file=", 14) == 0) {
            password_file.data = value[i].data + 14;
            password_file.len = value[i].len - 14;

            if (password_file.len == 0) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "user=", 5) == 0) {
            s.data = value[i].data + 5;
            s.len = value[i].len - 5;

            if (!catalog_fleet_is_node((char *) s.data, s.len)) {
                goto invalid;
            }

            rcf->user = s;
            continue;
        }

        if (ngx_strncmp(value[i].data, "connect_timeout=", 16) == 0) {
            s.data = value[i].data + 16;
            s.len = value[i].len - 16;

            if (ngx_http_catalog_redis_time(&s, &rcf->connect_timeout)
                != NGX_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "timeout=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            if (ngx_http_catalog_redis_time(&s, &rcf->timeout) != NGX_OK) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "interval=", 9) == 0) {
            s.data = value[i].data + 9;
            s.len = value[i].len - 9;

            if (ngx_http_catalog_redis_time(&s, &rcf->interval) != NGX_OK) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "node=", 5) == 0) {
            s.data = value[i].data + 5;
            s.len = value[i].len - 5;

            if (!catalog_fleet_is_node((char *) s.data, s.len)) {
                goto invalid;
            }

            rcf->node = s;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_redis\": invalid parameter \"%V\"",
                           &value[i]);
        return NGX_CONF_ERROR;

    invalid:

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_redis\": invalid value \"%V\"",
                           &value[i]);
        return NGX_CONF_ERROR;
    }

    if (rcf->user.len && password_file.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_redis\": \"user\" needs "
                           "\"password_file\"");
        return NGX_CONF_ERROR;
    }

    if (password_file.len
        && ngx_http_catalog_redis_password(cf, rcf, &password_file)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (rcf->node.len == 0) {
        rcf->node = cf->cycle->hostname;

        if (!catalog_fleet_is_node((char *) rcf->node.data, rcf->node.len)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"catalog_redis\": the host name \"%V\" "
                               "is no node name: set \"node=\"",
                               &rcf->node);
            return NGX_CONF_ERROR;
        }
    }

    mcf->redis = rcf;

    return NGX_CONF_OK;
}


/* called once the http block is read: catalog_zone may come later */

ngx_int_t
ngx_http_catalog_redis_check(ngx_conf_t *cf,
    ngx_http_catalog_main_conf_t *mcf)
{
    ngx_http_catalog_redis_conf_t  *rcf;

    rcf = mcf->redis;

    if (rcf == NULL || mcf->zone_size != NGX_CONF_UNSET_SIZE) {
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "\"catalog_redis\" requires \"catalog_zone\" in %V:%ui",
                  &rcf->file, rcf->line);

    return NGX_ERROR;
}


static ngx_int_t
ngx_http_catalog_redis_address(ngx_conf_t *cf,
    ngx_http_catalog_redis_conf_t *rcf, ngx_str_t *value)
{
    u_char     *p;
    ngx_url_t   u;

    if (value->len > 5 && ngx_strncmp(value->data, "unix:", 5) == 0) {

        /* a NUL-terminated copy for hiredis */

        p = ngx_pnalloc(cf->pool, value->len - 5 + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        rcf->path.len = value->len - 5;
        rcf->path.data = p;
        ngx_cpystrn(p, value->data + 5, rcf->path.len + 1);

        if (rcf->path.len >= sizeof(((struct sockaddr_un *) 0)->sun_path)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"catalog_redis\": invalid address \"%V\": "
                               "the path is too long", value);
            return NGX_ERROR;
        }

        return NGX_OK;
    }

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = *value;

    /* a name is resolved here, blocking, once: never in a worker */

    if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.no_port || u.port == 0
        || u.naddrs == 0 || u.uri.len)
    {
        if (u.err) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"catalog_redis\": invalid address \"%V\": "
                               "%s", value, u.err);

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"catalog_redis\": invalid address \"%V\"",
                               value);
        }

        return NGX_ERROR;
    }

    /* the first address, as text without the port, for hiredis */

    p = ngx_pnalloc(cf->pool, NGX_SOCKADDR_STRLEN + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    rcf->host.len = ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen,
                                  p, NGX_SOCKADDR_STRLEN, 0);
    rcf->host.data = p;
    p[rcf->host.len] = '\0';

    /* "[::1]" is written "::1" to hiredis */

    if (rcf->host.len && p[0] == '[') {
        rcf->host.data++;
        rcf->host.len -= 2;
        p[rcf->host.len + 1] = '\0';
    }

    rcf->port = u.port;

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_redis_password(ngx_conf_t *cf,
    ngx_http_catalog_redis_conf_t *rcf, ngx_str_t *file)
{
    u_char           *p, *last;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_str_t         name;
    ngx_file_t        f;
    ngx_file_info_t   fi;

    name = *file;

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"catalog_redis\": cannot read password_file "
                           "\"%V\"", &name);
        return NGX_ERROR;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR || !ngx_is_file(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_redis\": password_file \"%V\" is not "
                           "a regular file", &name);
        (void) ngx_close_file(fd);
        return NGX_ERROR;
    }

    p = ngx_pnalloc(cf->pool, NGX_HTTP_CATALOG_REDIS_PASSWORD_MAX + 1);
    if (p == NULL) {
        (void) ngx_close_file(fd);
        return NGX_ERROR;
    }

    ngx_memzero(&f, sizeof(ngx_file_t));
    f.fd = fd;
    f.name = name;
    f.log = cf->log;

    n = ngx_read_file(&f, p, NGX_HTTP_CATALOG_REDIS_PASSWORD_MAX + 1, 0);

    (void) ngx_close_file(fd);

    if (n == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (n > NGX_HTTP_CATALOG_REDIS_PASSWORD_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_redis\": password_file \"%V\" is "
                           "longer than %d bytes", &name,
                           NGX_HTTP_CATALOG_REDIS_PASSWORD_MAX);
        return NGX_ERROR;
    }

    /* the first line, without its line break */

    last = ngx_strlchr(p, p + n, '\n');
    if (last == NULL) {
        last = p + n;
    }

    if (last > p && last[-1] == '\r') {
        last--;
    }

    if (last == p) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_redis\": password_file \"%V\" is "
                           "empty", &name);
        return NGX_ERROR;
    }

    rcf->password.data = p;
    rcf->password.len = last - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_redis_time(ngx_str_t *s, ngx_msec_t *t)
{
    ngx_int_t  n;

    n = ngx_parse_time(s, 0);

    /* at least 1 ms, at most a day */

    if (n == NGX_ERROR || n == 0 || n > 86400000) {
        return NGX_ERROR;
    }

    *t = (ngx_msec_t) n;

    return NGX_OK;
}
