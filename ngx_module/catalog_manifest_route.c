
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The routes, backends and redirect of a service in an agency manifest,
 * read for catalog_manifest.c.  A route is claimed here: it conflicts
 * with a route of the catalog or of the same manifest that has the same
 * host, path and match.  The backends are then handed to the catalog's
 * backend handler, if any.  The syntax of the values is checked by
 * catalog_check.c.
 */


#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <catalog.h>
#include <catalog_check.h>
#include <catalog_manifest.h>


static int catalog_manifest_route(catalog_manifest_t *m, json_t *obj,
    catalog_route_t *r);
static int catalog_manifest_methods(catalog_manifest_t *m, json_t *obj,
    catalog_route_t *r);
static int catalog_manifest_claim(catalog_manifest_t *m,
    catalog_route_t *r);


static const char *const  catalog_manifest_route_keys[] = {
    "path", "match", "methods", "host", "strip_prefix", NULL
};

static const char *const  catalog_manifest_redirect_keys[] = {
    "to", "code", "keep_path", "keep_query", NULL
};


int
catalog_manifest_routes(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s)
{
    json_t  *v;
    size_t   n, i, loc;

    v = catalog_manifest_get(obj, "routes");
    if (v == NULL) {
        return catalog_manifest_error(m, "routes", "is required");
    }

    if (!json_is_array(v)) {
        return catalog_manifest_error(m, "routes", "must be an array");
    }

    n = json_array_size(v);

    if (n == 0) {
        return catalog_manifest_error(m, "routes",
                                      "must have at least one route");
    }

    s->routes = catalog_arena_calloc_line(&m->cat->lines,
                                          n * sizeof(catalog_route_t));
    if (s->routes == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    for (i = 0; i < n; i++) {
        loc = catalog_manifest_push(m, "routes[%u]", (unsigned) i);

        s->routes[i].service = s;

        if (catalog_manifest_route(m, json_array_get(v, i), &s->routes[i])
            != 0)
        {
            return -1;
        }

        s->nroutes++;

        catalog_manifest_pop(m, loc);
    }

    return 0;
}


static int
catalog_manifest_route(catalog_manifest_t *m, json_t *obj,
    catalog_route_t *r)
{
    char        *host;
    json_t      *v;
    size_t       len, i;
    unsigned     strip;
    const char  *p, *reason;

    if (!json_is_object(obj)) {
        return catalog_manifest_error(m, NULL, "must be an object");
    }

    if (catalog_manifest_keys(m, obj, catalog_manifest_route_keys, NULL)
        != 0)
    {
        return -1;
    }

    r->host = catalog_manifest_empty;

    /* path */

    v = catalog_manifest_get(obj, "path");
    if (v == NULL) {
        return catalog_manifest_error(m, "path", "is required");
    }

    if (!json_is_string(v)) {
        return catalog_manifest_error(m, "path", "must be a string");
    }

    p = json_string_value(v);
    len = json_string_length(v);

    reason = catalog_check_path(p, len);
    if (reason) {
        return catalog_manifest_error(m, "path", "%s", reason);
    }

    /* a trailing slash does not make a route different */

    if (len > 1 && p[len - 1] == '/') {
        len--;
    }

    if (catalog_manifest_strdup(m, &r->path, p, len) != 0) {
        return -1;
    }

    /* match */

    v = catalog_manifest_get(obj, "match");

    if (v) {
        if (!json_is_string(v)) {
            return catalog_manifest_error(m, "match", "must be a string");
        }

        p = json_string_value(v);

        if (strcmp(p, "exact") == 0) {
            r->exact = 1;

        } else if (strcmp(p, "prefix") != 0) {
            return catalog_manifest_error(m, "match",
                       "invalid match \"%s\": must be \"prefix\" or \"exact\"",
                       catalog_manifest_quote(m, 0, p,
                                              json_string_length(v)));
        }
    }

    if (catalog_manifest_methods(m, obj, r) != 0) {
        return -1;
    }

    /* host: lowercase, without one trailing dot */

    v = catalog_manifest_get(obj, "host");

    if (v) {
        if (!json_is_string(v)) {
            return catalog_manifest_error(m, "host", "must be a string");
        }

        p = json_string_value(v);
        len = json_string_length(v);

        reason = catalog_check_host(p, len);
        if (reason) {
            return catalog_manifest_error(m, "host", "invalid host \"%s\": %s",
                                          catalog_manifest_quote(m, 0, p, len),
                                          reason);
        }

        if (p[len - 1] == '.') {
            len--;
        }

        host = catalog_arena_alloc(&m->cat->arena, len + 1);
        if (host == NULL) {
            return catalog_manifest_error(m, NULL, "out of memory");
        }

        for (i = 0; i < len; i++) {
            host[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char) (p[i] | 0x20)
                                                   : p[i];
        }

        host[len] = '\0';

        r->host.data = host;
        r->host.len = len;
    }

    if (catalog_manifest_bool(m, obj, "strip_prefix", &strip) != 0) {
        return -1;
    }

    r->strip_prefix = strip;

    return catalog_manifest_claim(m, r);
}


static int
catalog_manifest_methods(catalog_manifest_t *m, json_t *obj,
    catalog_route_t *r)
{
    int          get, head;
    char        *a;
    json_t      *v, *t;
    size_t       n, i, j, len, size, loc, item;
    const char  *p;

    v = catalog_manifest_get(obj, "methods");
    if (v == NULL) {
        return 0;
    }

    loc = catalog_manifest_push(m, "methods");

    if (!json_is_array(v)) {
        return catalog_manifest_error(m, NULL, "must be an array");
    }

    n = json_array_size(v);

    if (n == 0) {
        return catalog_manifest_error(m, NULL,
                                      "must have at least one method");
    }

    if (n > CATALOG_METHODS_MAX) {
        return catalog_manifest_error(m, NULL, "must have at most %d methods",
                                      CATALOG_METHODS_MAX);
    }

    r->methods = catalog_arena_calloc(&m->cat->arena,
                                      (n + 1) * sizeof(catalog_str_t));
    if (r->methods == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    get = 0;
    head = 0;
    size = 0;

    for (i = 0; i < n; i++) {
        item = catalog_manifest_push(m, "[%u]", (unsigned) i);

        t = json_array_get(v, i);

        if (!json_is_string(t)) {
            return catalog_manifest_error(m, NULL, "must be a string");
        }

        p = json_string_value(t);
        len = json_string_length(t);

        if (!catalog_check_is_method(p, len)) {
            return catalog_manifest_error(m, NULL, "invalid method \"%s\"",
                                          catalog_manifest_quote(m, 0, p,
                                                                 len));
        }

        for (j = 0; j < i; j++) {
            if (r->methods[j].len == len
                && memcmp(r->methods[j].data, p, len) == 0)
            {
                return catalog_manifest_error(m, NULL,
                                              "duplicate method \"%s\"", p);
            }
        }

        if (catalog_manifest_intern(m, &r->methods[i], p, len) != 0) {
            return -1;
        }

        r->nmethods++;

        get |= (len == 3 && memcmp(p, "GET", 3) == 0);
        head |= (len == 4 && memcmp(p, "HEAD", 4) == 0);
        size += len + 2;

        catalog_manifest_pop(m, item);
    }

    /* the Allow header: the methods as written, HEAD right after GET */

    if (get && !head) {
        size += sizeof("HEAD, ") - 1;
    }

    a = catalog_arena_alloc(m->tmp, size + 1);
    if (a == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    len = 0;

    for (i = 0; i < n; i++) {
        if (i) {
            memcpy(a + len, ", ", 2);
            len += 2;
        }

        memcpy(a + len, r->methods[i].data, r->methods[i].len);
        len += r->methods[i].len;

        if (!head && r->methods[i].len == 3
            && memcmp(r->methods[i].data, "GET", 3) == 0)
        {
            memcpy(a + len, ", HEAD", 6);
            len += 6;
        }
    }

    a[len] = '\0';

    if (catalog_manifest_intern(m, catalog_route_allow(r), a, len) != 0) {
        return -1;
    }

    catalog_manifest_pop(m, loc);

    return 0;
}


static int
catalog_manifest_claim(catalog_manifest_t *m, catalog_route_t *r)
{
    int               rc;
    char             *key;
    void             *found;
    size_t            len;
    const char       *file;
    catalog_route_t  *other;

    /* a route of the catalog claiming the same (host, path, match) */

    other = catalog_table_find(&m->cat->table, &r->host, &r->path, r->exact);

    if (other) {
        goto conflict;
    }

    /* a route of this manifest: "r" host "\n" path "\n" match */

    len = 1 + r->host.len + 1 + r->path.len + 2;

    key = catalog_arena_alloc(m->tmp, len);
    if (key == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    key[0] = 'r';
    memcpy(key + 1, r->host.data, r->host.len);
    key[1 + r->host.len] = '\n';
    memcpy(key + 2 + r->host.len, r->path.data, r->path.len);
    key[len - 2] = '\n';
    key[len - 1] = r->exact ? 'e' : 'p';

    found = NULL;

    rc = catalog_map_insert(&m->seen,
                            catalog_hash(CATALOG_HASH_INIT, key, len),
                            key, len, r, &found);
    if (rc == 0) {
        return 0;
    }

    if (rc != 1) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    other = found;

conflict:

    file = catalog_manifest_quote(m, 1, other->service->agency->file.data,
                                  other->service->agency->file.len);

    if (r->host.len) {
        return catalog_manifest_error(m, "path",
                   "route \"%s\" (%s, host \"%s\") is already claimed by "
                   "service \"%s\" in \"%s\"",
                   catalog_manifest_quote(m, 0, r->path.data, r->path.len),
                   r->exact ? "exact" : "prefix", r->host.data,
                   other->service->key.data, file);
    }

    return catalog_manifest_error(m, "path",
               "route \"%s\" (%s) is already claimed by service \"%s\" "
               "in \"%s\"",
               catalog_manifest_quote(m, 0, r->path.data, r->path.len),
               r->exact ? "exact" : "prefix",
               other->service->key.data, file);
}


int
catalog_manifest_backends(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s)
{
    char                       h[CATALOG_HOST_MAX + sizeof("[]:65535")];
    json_t                    *v, *t;
    size_t                     n, i, len, loc, item;
    const char                *p, *reason;
    catalog_backend_t         *b;
    catalog_check_hostport_t   hp;

    v = catalog_manifest_get(obj, "backends");

    loc = catalog_manifest_push(m, "backends");

    if (!json_is_array(v)) {
        return catalog_manifest_error(m, NULL, "must be an array");
    }

    n = json_array_size(v);

    if (n == 0) {
        return catalog_manifest_error(m, NULL,
                                      "must have at least one backend");
    }

    if (n > CATALOG_BACKENDS_MAX) {
        return catalog_manifest_error(m, NULL,
                                      "must have at most %d backends",
                                      CATALOG_BACKENDS_MAX);
    }

    s->backends = catalog_arena_calloc(m->tmp,
                                       n * sizeof(catalog_backend_t));
    if (s->backends == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    for (i = 0; i < n; i++) {
        item = catalog_manifest_push(m, "[%u]", (unsigned) i);

        t = json_array_get(v, i);

        if (!json_is_string(t)) {
            return catalog_manifest_error(m, NULL, "must be a string");
        }

        p = json_string_value(t);
        len = json_string_length(t);

        reason = catalog_check_hostport(p, len, 1, &hp);

        if (reason == NULL && i > 0 && hp.https != s->https) {
            reason = "all backends must use the same scheme";
        }

        if (reason) {
            return catalog_manifest_error(m, NULL,
                                          "invalid backend \"%s\": %s",
                                          catalog_manifest_quote(m, 0, p,
                                                                 len),
                                          reason);
        }

        b = &s->backends[i];

        if (catalog_manifest_intern(m, &b->text, p, len) != 0
            || catalog_manifest_intern(m, &b->host, hp.host, hp.hlen) != 0)
        {
            return -1;
        }

        b->port = hp.port;
        b->https = hp.https;
        b->ipv6 = hp.ipv6;

        s->https = hp.https;
        s->nbackends++;

        catalog_manifest_pop(m, item);
    }

    catalog_manifest_pop(m, loc);

    /* services that list the same backends share one array of them */

    s->backends = catalog_manifest_share(m, &m->cat->backend_lists,
                                         s->backends,
                                         n * sizeof(catalog_backend_t));
    if (s->backends == NULL) {
        return -1;
    }

    /* host_header, else host[:port] of the first backend */

    v = catalog_manifest_get(obj, "host_header");

    if (v) {
        if (!json_is_string(v)) {
            return catalog_manifest_error(m, "host_header",
                                          "must be a string");
        }

        p = json_string_value(v);
        len = json_string_length(v);

        reason = catalog_check_hostport(p, len, 0, &hp);
        if (reason) {
            return catalog_manifest_error(m, "host_header",
                                          "invalid host header \"%s\": %s",
                                          catalog_manifest_quote(m, 0, p,
                                                                 len),
                                          reason);
        }

        return catalog_manifest_intern(m, &s->backend_host, p, len);
    }

    b = &s->backends[0];

    if (b->host.len > CATALOG_HOST_MAX) {
        return catalog_manifest_error(m, "backends[0]", "host is too long");
    }

    len = 0;

    if (b->ipv6) {
        h[len++] = '[';
    }

    memcpy(h + len, b->host.data, b->host.len);
    len += b->host.len;

    if (b->ipv6) {
        h[len++] = ']';
    }

    h[len] = '\0';

    if (b->port != (b->https ? 443u : 80u)) {
        len += (size_t) sprintf(h + len, ":%u", b->port);
    }

    return catalog_manifest_intern(m, &s->backend_host, h, len);
}


int
catalog_manifest_redirect(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s)
{
    json_t              *v;
    size_t               len, i, q, loc;
    unsigned             keep;
    json_int_t           code;
    const char          *p, *reason;
    catalog_redirect_t  *rd;

    v = catalog_manifest_get(obj, "redirect");

    loc = catalog_manifest_push(m, "redirect");

    if (!json_is_object(v)) {
        return catalog_manifest_error(m, NULL, "must be an object");
    }

    if (catalog_manifest_keys(m, v, catalog_manifest_redirect_keys, NULL)
        != 0)
    {
        return -1;
    }

    rd = catalog_arena_calloc(&m->cat->arena, sizeof(catalog_redirect_t));
    if (rd == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    obj = v;

    /* to */

    v = catalog_manifest_get(obj, "to");
    if (v == NULL) {
        return catalog_manifest_error(m, "to", "is required");
    }

    if (!json_is_string(v)) {
        return catalog_manifest_error(m, "to", "must be a string");
    }

    p = json_string_value(v);
    len = json_string_length(v);

    if (len > CATALOG_URL_MAX) {
        return catalog_manifest_error(m, "to", "is longer than %d bytes",
                                      CATALOG_URL_MAX);
    }

    reason = catalog_check_target(p, len);
    if (reason) {
        return catalog_manifest_error(m, "to",
                                      "invalid redirect target \"%s\": %s",
                                      catalog_manifest_quote(m, 0, p, len),
                                      reason);
    }

    if (catalog_manifest_strdup(m, &rd->to, p, len) != 0) {
        return -1;
    }

    /* base, then "?query", then "#fragment" */

    p = rd->to.data;

    for (i = 0; i < len && p[i] != '?' && p[i] != '#'; i++) {
        /* void */
    }

    rd->base.data = p;
    rd->base.len = i;
    rd->query = catalog_manifest_empty;
    rd->fragment = catalog_manifest_empty;

    if (i < len && p[i] == '?') {
        rd->has_query = 1;

        for (q = ++i; i < len && p[i] != '#'; i++) {
            /* void */
        }

        rd->query.data = p + q;
        rd->query.len = i - q;
    }

    if (i < len) {
        rd->fragment.data = p + i;
        rd->fragment.len = len - i;
    }

    /* code */

    v = catalog_manifest_get(obj, "code");

    if (v == NULL) {
        rd->code = 301;

    } else {
        if (!json_is_integer(v)) {
            return catalog_manifest_error(m, "code", "must be an integer");
        }

        code = json_integer_value(v);

        if (code != 301 && code != 302 && code != 307 && code != 308) {
            return catalog_manifest_error(m, "code",
                       "invalid redirect code %" JSON_INTEGER_FORMAT
                       ": must be 301, 302, 307 or 308", code);
        }

        rd->code = (unsigned) code;
    }

    if (catalog_manifest_bool(m, obj, "keep_path", &keep) != 0) {
        return -1;
    }

    rd->keep_path = keep;

    if (catalog_manifest_bool(m, obj, "keep_query", &keep) != 0) {
        return -1;
    }

    rd->keep_query = keep;

    s->redirect = rd;

    catalog_manifest_pop(m, loc);

    return 0;
}


int
catalog_manifest_resolve(catalog_manifest_t *m, catalog_service_t *s)
{
    char                msg[256];
    size_t              len;
    unsigned            i;
    catalog_t          *cat;
    catalog_backend_t  *b;

    cat = m->cat;

    if (cat->backend_handler == NULL) {
        return 0;
    }

    for (i = 0; i < s->nbackends; i++) {
        b = &s->backends[i];

        msg[0] = '\0';

        if (cat->backend_handler(cat->backend_ctx, s, b, msg, sizeof(msg))
            == 0)
        {
            continue;
        }

        msg[sizeof(msg) - 1] = '\0';
        len = strlen(msg);

        catalog_manifest_push(m, "backends[%u]", i);

        catalog_manifest_sanitize(m->quoted[1], CATALOG_QUOTE_LEN, msg, len,
                                  CATALOG_QUOTE_LEN, 0);

        return catalog_manifest_error(m, NULL, "backend \"%s\": %s",
                                      catalog_manifest_quote(m, 0,
                                                             b->text.data,
                                                             b->text.len),
                                      len ? m->quoted[1] : "is not usable");
    }

    return 0;
}
