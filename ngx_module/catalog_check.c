
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <catalog_admin.h>
#include <catalog_check.h>


static const char *catalog_check_find(const char *p, const char *end,
    char c);


int
catalog_check_is_id(const char *s, size_t len)
{
    size_t  i;
    char    c;

    if (len == 0 || len > CATALOG_ID_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = s[i];

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            continue;
        }

        if (c == '-' && i > 0) {
            continue;
        }

        return 0;
    }

    return 1;
}


int
catalog_check_is_service_key(const char *s, size_t len)
{
    size_t  slash;

    for (slash = 0; slash < len && s[slash] != '/'; slash++) {
        /* void */
    }

    if (slash == len) {
        return 0;
    }

    return catalog_check_is_id(s, slash)
           && catalog_check_is_id(s + slash + 1, len - slash - 1);
}


int
catalog_check_is_method(const char *s, size_t len)
{
    size_t  i;
    char    c;

    /*
     * what nginx takes as a request method: "A-Z", '_' and '-'; a
     * method with other bytes (an RFC 9110 token may have them) gets 400
     * from nginx and could never reach its route
     */

    if (len == 0 || len > CATALOG_METHOD_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = s[i];

        if ((c < 'A' || c > 'Z') && c != '_' && c != '-') {
            return 0;
        }
    }

    return 1;
}


int
catalog_check_is_name(const char *s, size_t len)
{
    size_t  i, label;
    char    c;

    /* a host name or an IPv4 address: labels of letters, digits, - and _ */

    if (len == 0 || len > CATALOG_HOST_MAX) {
        return 0;
    }

    label = 0;

    for (i = 0; i < len; i++) {
        c = s[i];

        if (c == '.') {
            if (label == 0) {
                return 0;
            }

            label = 0;
            continue;
        }

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '_')
        {
            if (++label > CATALOG_LABEL_MAX) {
                return 0;
            }

            continue;
        }

        return 0;
    }

    return label > 0;
}


int
catalog_check_has_controls(const char *s, size_t len, int multiline)
{
    size_t          i;
    unsigned char   c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if (c < 0x20) {
            if (multiline && (c == '\t' || c == '\n' || c == '\r')) {
                continue;
            }

            return 1;
        }

        if (c == 0x7f) {
            return 1;
        }

        /* C1 controls, U+0080..U+009F */

        if (c == 0xc2 && i + 1 < len && (unsigned char) s[i + 1] < 0xa0) {
            return 1;
        }
    }

    return 0;
}


int
catalog_check_has_prefix(const char *s, size_t len, const char *prefix)
{
    size_t  i;
    char    c;

    /* case-insensitive, for URL schemes */

    for (i = 0; prefix[i]; i++) {
        if (i >= len) {
            return 0;
        }

        c = s[i];

        if (c >= 'A' && c <= 'Z') {
            c = (char) (c - 'A' + 'a');
        }

        if (c != prefix[i]) {
            return 0;
        }
    }

    return 1;
}


size_t
catalog_check_chars(const char *s, size_t len)
{
    size_t  i, n;

    /* UTF-8 characters: the bytes that are not continuation bytes */

    n = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char) s[i] & 0xc0) != 0x80) {
            n++;
        }
    }

    return n;
}


const char *
catalog_check_path(const char *s, size_t len)
{
    size_t  i, start, seg;

    if (len == 0 || s[0] != '/') {
        return "must start with \"/\"";
    }

    if (len > CATALOG_PATH_MAX) {
        return "is longer than 512 bytes";
    }

    if (catalog_check_has_controls(s, len, 0) || memchr(s, ' ', len)) {
        return "must not contain control characters or spaces";
    }

    if (memchr(s, '?', len)) {
        return "must not contain \"?\"";
    }

    if (memchr(s, '#', len)) {
        return "must not contain \"#\"";
    }

    if (memchr(s, '%', len)) {
        return "must not contain \"%\" (write the path decoded)";
    }

    for (i = 1; i < len; i++) {
        if (s[i] == '/' && s[i - 1] == '/') {
            return "must not contain \"//\"";
        }
    }

    for (start = 1; start <= len; start = i + 1) {
        for (i = start; i < len && s[i] != '/'; i++) {
            /* void */
        }

        seg = i - start;

        if ((seg == 1 && s[start] == '.')
            || (seg == 2 && s[start] == '.' && s[start + 1] == '.'))
        {
            return "must not contain a \".\" or \"..\" segment";
        }
    }

    return NULL;
}


const char *
catalog_check_host(const char *s, size_t len)
{
    size_t       i;
    const char  *colon;

    /* "http://a.example" is a URL, not a host with a port */

    for (i = 0; i + 3 <= len; i++) {
        if (memcmp(s + i, "://", 3) == 0) {
            return "must not have a scheme";
        }
    }

    colon = memchr(s, ':', len);

    if (colon && memchr(s, '[', len) == NULL
        && memchr(colon + 1, ':', len - (colon + 1 - s)) == NULL)
    {
        return "must not have a port";
    }

    if (len && s[len - 1] == '.') {
        len--;
    }

    if (!catalog_check_is_name(s, len)) {
        return "must be a host name or an IPv4 address";
    }

    return NULL;
}


const char *
catalog_check_url(const char *s, size_t len)
{
    const char  *p, *end, *host;

    if (catalog_check_has_controls(s, len, 0) || memchr(s, ' ', len)) {
        return "must not contain control characters or spaces";
    }

    if (memchr(s, '\\', len)) {
        return "must not contain \"\\\"";
    }

    if (catalog_check_has_prefix(s, len, "http://")) {
        p = s + 7;

    } else if (catalog_check_has_prefix(s, len, "https://")) {
        p = s + 8;

    } else {
        return "must be an absolute http or https URL";
    }

    /* a host after any user info, before any port */

    end = s + len;
    host = p;

    for ( /* void */ ; p < end && *p != '/' && *p != '?' && *p != '#'; p++) {
        if (*p == '@') {
            host = p + 1;
        }
    }

    if (host == p || *host == ':') {
        return "must be an absolute http or https URL";
    }

    return NULL;
}


const char *
catalog_check_target(const char *s, size_t len)
{
    if (catalog_check_has_controls(s, len, 0) || memchr(s, ' ', len)) {
        return "must not contain control characters or spaces";
    }

    if (memchr(s, '\\', len)) {
        return "must not contain \"\\\"";
    }

    if (len && s[0] == '/') {

        /* "//host" would leave the unified URL */

        if (len > 1 && s[1] == '/') {
            return "must not start with \"//\"";
        }

        return NULL;
    }

    if (catalog_check_has_prefix(s, len, "http://")
        || catalog_check_has_prefix(s, len, "https://"))
    {
        return catalog_check_url(s, len);
    }

    return "must be a path starting with \"/\" or an absolute http or "
           "https URL";
}


const char *
catalog_check_hostport(const char *s, size_t len, int backend,
    catalog_check_hostport_t *hp)
{
    char             addr[INET6_ADDRSTRLEN + 1];
    size_t           i, n;
    unsigned         port;
    const char      *p, *end, *q, *colon;
    struct in6_addr  a6;

    /*
     * "host[:port]", "[v6][:port]"; for a backend also with "http://" or
     * "https://" in front
     */

    memset(hp, 0, sizeof(catalog_check_hostport_t));

    if (catalog_check_has_controls(s, len, 0) || memchr(s, ' ', len)) {
        return "must not contain control characters or spaces";
    }

    p = s;
    end = s + len;

    if (catalog_check_has_prefix(s, len, "http://")) {
        p += 7;

    } else if (catalog_check_has_prefix(s, len, "https://")) {
        p += 8;
        hp->https = 1;
    }

    if (p != s && !backend) {
        return "must not have a scheme";
    }

    if (p == s) {
        for (i = 0; i + 3 <= len; i++) {
            if (memcmp(s + i, "://", 3) == 0) {
                return backend ? "scheme must be \"http\" or \"https\""
                               : "must not have a scheme";
            }
        }
    }

    for (q = p; q < end; q++) {
        if (*q == '/' || *q == '?' || *q == '#') {
            return "must not have a path or query";
        }
    }

    if (catalog_check_find(p, end, '@')) {
        return "must not contain user info";
    }

    if (p == end) {
        return "has no host";
    }

    if (*p == '[') {
        q = catalog_check_find(p, end, ']');

        if (q == NULL) {
            return "has an invalid IPv6 address";
        }

        n = (size_t) (q - p) - 1;

        if (n == 0 || n >= sizeof(addr)) {
            return "has an invalid IPv6 address";
        }

        memcpy(addr, p + 1, n);
        addr[n] = '\0';

        if (inet_pton(AF_INET6, addr, &a6) != 1) {
            return "has an invalid IPv6 address";
        }

        hp->host = p + 1;
        hp->hlen = n;
        hp->ipv6 = 1;

        p = q + 1;

        if (p < end && *p != ':') {
            return "has an invalid IPv6 address";
        }

    } else {
        colon = catalog_check_find(p, end, ':');

        if (colon && catalog_check_find(colon + 1, end, ':')) {
            return "an IPv6 address must be in brackets";
        }

        q = colon ? colon : end;

        if (!catalog_check_is_name(p, q - p)
            && !(q - p > 1 && q[-1] == '.'
                 && catalog_check_is_name(p, q - p - 1)))
        {
            return "has an invalid host name";
        }

        hp->host = p;
        hp->hlen = (size_t) (q - p);

        p = q;
    }

    if (p == end) {
        hp->port = hp->https ? 443 : 80;
        return NULL;
    }

    /* ":port" */

    p++;
    port = 0;

    if (p == end || end - p > 5) {
        return "port must be between 1 and 65535";
    }

    for ( /* void */ ; p < end; p++) {
        if (*p < '0' || *p > '9') {
            return "port must be between 1 and 65535";
        }

        port = port * 10 + (*p - '0');
    }

    if (port < 1 || port > 65535) {
        return "port must be between 1 and 65535";
    }

    hp->port = port;

    return NULL;
}


static const char *
catalog_check_find(const char *p, const char *end, char c)
{
    for ( /* void */ ; p < end; p++) {
        if (*p == c) {
            return p;
        }
    }

    return NULL;
}


int
catalog_check_is_token_name(const char *s, size_t len)
{
    char    c;
    size_t  i;

    if (len == 0 || len > CATALOG_TOKEN_NAME_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = s[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
        {
            continue;
        }

        return 0;
    }

    return 1;
}
