
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_CHECK_H_INCLUDED_
#define _CATALOG_CHECK_H_INCLUDED_


/*
 * The syntax of manifest values: pure functions of their bytes, with no
 * state, no allocation and no JSON.  The is_ and has_ functions answer 1
 * or 0; the others return NULL for a valid value, else the reason as a
 * static string that the manifest error quotes after the value.
 */


#include <stddef.h>

#include <catalog_model.h>


#define CATALOG_METHOD_LEN         32       /* bytes of a method */
#define CATALOG_HOST_MAX           253      /* bytes of a host name */
#define CATALOG_LABEL_MAX          63       /* bytes of one of its labels */


typedef struct {
    const char                   *host;        /* no brackets, in s */
    size_t                        hlen;
    unsigned                      port;
    unsigned                      https:1;
    unsigned                      ipv6:1;
} catalog_check_hostport_t;


/* an id: ^[a-z0-9][a-z0-9-]{0,62}$ */
int catalog_check_is_id(const char *s, size_t len);

/* a service key "agency/service": two ids joined by one "/" */
int catalog_check_is_service_key(const char *s, size_t len);

/* a method: an RFC 9110 token of 1 to 32 bytes, letters in uppercase */
int catalog_check_is_method(const char *s, size_t len);

/* a token's name: [A-Za-z0-9._-]{1,64}, safe to write to a log as it is */
int catalog_check_is_token_name(const char *s, size_t len);

/*
 * a host name or an IPv4 address: labels of letters, digits, "-" and "_"
 * joined by single dots, no trailing dot; 253 bytes, labels 63
 */
int catalog_check_is_name(const char *s, size_t len);

/*
 * whether s holds a C0 control, DEL or a C1 control (UTF-8 U+0080 to
 * U+009F); with multiline, tabs, "\n" and "\r" are allowed
 */
int catalog_check_has_controls(const char *s, size_t len, int multiline);

/* whether s starts with prefix, ASCII case-insensitive; prefix lowercase */
int catalog_check_has_prefix(const char *s, size_t len, const char *prefix);

/*
 * the UTF-8 characters of s: the bytes that are not continuation bytes,
 * so a stray continuation byte counts as none and any other byte as one
 */
size_t catalog_check_chars(const char *s, size_t len);

/*
 * a route path: "/" and at most 512 bytes, no controls, spaces, "?", "#",
 * "%", "//", nor a "." or ".." segment
 */
const char *catalog_check_path(const char *s, size_t len);

/* a route host: catalog_check_is_name() with one trailing dot, no port */
const char *catalog_check_host(const char *s, size_t len);

/* an absolute http or https URL with a host; no controls, spaces or "\" */
const char *catalog_check_url(const char *s, size_t len);

/* a redirect target: a path ("/", but not "//") or catalog_check_url() */
const char *catalog_check_target(const char *s, size_t len);

/*
 * "host[:port]" or "[v6][:port]", for a backend also after "http://" or
 * "https://"; fills hp, the port 80 or 443 when s has none
 */
const char *catalog_check_hostport(const char *s, size_t len, int backend,
    catalog_check_hostport_t *hp);


#endif /* _CATALOG_CHECK_H_INCLUDED_ */
