
/*
 * Copyright (C) ngx_catalog developers
 */


#include <string.h>

#include <catalog_backend.h>


/*
 * What is one backend, whatever its spelling:
 *
 *   - the scheme is case-insensitive and "host" is "http://host":
 *     catalog_check_hostport() has parsed them into b->https;
 *   - the port is a number, the scheme's default when none is written,
 *     so "host", "host:80" and "http://host:080" are one;
 *   - a host name, like an IPv6 address's hex digits, is
 *     case-insensitive (RFC 4343): the key has it in lowercase;
 *   - a trailing dot stays: "name." is an absolute name, which the
 *     resolver looks up as it is, while "name" may be looked up in the
 *     search domains of resolv.conf first, and $catalog_backend_host
 *     sends it as written.
 */


static size_t catalog_backend_lower(char *dst, const char *src, size_t len);
static size_t catalog_backend_port(char *dst, unsigned port);


size_t
catalog_backend_key(char *buf, const catalog_backend_t *b)
{
    char  *p;

    p = buf;

    if (b->https) {
        memcpy(p, "https://", sizeof("https://") - 1);
        p += sizeof("https://") - 1;

    } else {
        memcpy(p, "http://", sizeof("http://") - 1);
        p += sizeof("http://") - 1;
    }

    /* a host name has no ":", an IPv6 address goes in brackets */

    if (b->ipv6) {
        *p++ = '[';
    }

    p += catalog_backend_lower(p, b->host.data, b->host.len);

    if (b->ipv6) {
        *p++ = ']';
    }

    *p++ = ':';
    p += catalog_backend_port(p, b->port);

    return (size_t) (p - buf);
}


size_t
catalog_backends_key_size(const catalog_service_t *s)
{
    size_t    len;
    unsigned  i;

    len = 0;

    for (i = 0; i < s->nbackends; i++) {
        len += CATALOG_BACKEND_KEY_LEN + s->backends[i].host.len + 1;
    }

    if (s->https) {
        len += sizeof("tls \n") - 1 + s->backend_host.len;
    }

    return len;
}


size_t
catalog_backends_key(char *buf, const catalog_service_t *s)
{
    char      *p;
    unsigned   i;

    p = buf;

    for (i = 0; i < s->nbackends; i++) {
        p += catalog_backend_key(p, &s->backends[i]);
        *p++ = '\n';
    }

    /*
     * the TLS server name: with "proxy_ssl_name $catalog_backend_host",
     * as in the example configurations, a session saved for one name is
     * never offered for another
     */

    if (s->https) {
        memcpy(p, "tls ", sizeof("tls ") - 1);
        p += sizeof("tls ") - 1;

        p += catalog_backend_lower(p, s->backend_host.data,
                                   s->backend_host.len);
        *p++ = '\n';
    }

    return (size_t) (p - buf);
}


static size_t
catalog_backend_lower(char *dst, const char *src, size_t len)
{
    char    c;
    size_t  i;

    for (i = 0; i < len; i++) {
        c = src[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
    }

    return len;
}


static size_t
catalog_backend_port(char *dst, unsigned port)
{
    char    digits[sizeof("65535") - 1];
    size_t  n, i;

    /* 1-65535, as catalog_check_hostport() allows */

    n = 0;

    do {
        digits[n++] = (char) ('0' + port % 10);
        port /= 10;
    } while (port && n < sizeof(digits));

    for (i = 0; i < n; i++) {
        dst[i] = digits[n - 1 - i];
    }

    return n;
}
