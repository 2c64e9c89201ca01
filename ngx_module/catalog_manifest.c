
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * Agency manifests: reads one JSON manifest, checks every rule of the
 * contract and adds its agency, services and routes to the catalog.
 *
 * A manifest is checked as a whole before anything of it is added: the
 * model is built in the arena first (and simply left there when the
 * manifest fails), route conflicts are looked up in the route table and in
 * a map of this manifest's own routes, and only a manifest without errors
 * is registered in the maps, the route table and the arrays.  So a failed
 * manifest leaves nothing visible, short of running out of memory while
 * registering, which fails the configuration anyway.
 *
 * The syntax of single values (ids, paths, hosts, URLs, backends) is
 * checked by catalog_check.c; this file reads the JSON, builds the model
 * of the agency and its services and words the errors, and
 * catalog_manifest_route.c reads the routes, backends and redirect of a
 * service.
 */


#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <catalog.h>
#include <catalog_check.h>
#include <catalog_file.h>
#include <catalog_manifest.h>
#include <catalog_uri.h>


#define CATALOG_QUOTE_MAX          64       /* bytes of an echoed value */
#define CATALOG_QUOTE_FILE         200      /* bytes of an echoed file */

#define CATALOG_CATEGORY_MAX       100
#define CATALOG_CONTACT_MAX        200
#define CATALOG_VERSION_MAX        64

#define CATALOG_TEXT_REQUIRED      0x01
#define CATALOG_TEXT_MULTILINE     0x02
#define CATALOG_TEXT_SHARED        0x04

#define CATALOG_ID_RULE            "must match ^[a-z0-9][a-z0-9-]{0,62}$"


static void catalog_manifest_init(catalog_manifest_t *m, catalog_t *cat,
    const char *name, char *err, size_t errlen);
static int catalog_manifest_loop(catalog_manifest_t *m,
    catalog_service_t *s);
static int catalog_manifest_by_id(const void *one, const void *two);
static int catalog_manifest_parse(catalog_manifest_t *m, json_t *root);
static int catalog_manifest_agency(catalog_manifest_t *m, json_t *obj);
static int catalog_manifest_service(catalog_manifest_t *m, json_t *obj,
    unsigned n);
static int catalog_manifest_service_id(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s);
static int catalog_manifest_tags(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s);
static int catalog_manifest_status(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s);
static int catalog_manifest_commit(catalog_manifest_t *m, const char *buf,
    size_t len);
static int catalog_manifest_load(catalog_t *cat, const char *name,
    const char *buf, size_t len, char *err, size_t errlen);
static void *catalog_manifest_json_alloc(size_t size);
static void catalog_manifest_json_free(void *p);

static int catalog_manifest_text(catalog_manifest_t *m, json_t *obj,
    const char *key, unsigned flags, size_t max, catalog_str_t *dst);
static int catalog_manifest_url(catalog_manifest_t *m, json_t *obj,
    const char *key, catalog_str_t *dst);

static void catalog_manifest_append(catalog_manifest_t *m, size_t *n,
    const char *fmt, ...);
static void catalog_manifest_put(char *dst, size_t size, size_t *o,
    const char *s, size_t n);


const catalog_str_t  catalog_manifest_empty = { 0, "" };
static const char    catalog_manifest_hex[] = "0123456789abcdef";


static const char *const  catalog_manifest_top_keys[] = {
    "agency", "services", NULL
};

static const char *const  catalog_manifest_agency_keys[] = {
    "id", "name", "url", "contact", NULL
};

static const char *const  catalog_manifest_service_keys[] = {
    "id", "name", "description", "category", "tags", "routes", "backends",
    "host_header", "status", "maintenance_message", "successor",
    "redirect", "docs_url", "version", "contact", NULL
};


/*
 * A manifest's file, its parsed JSON and what reading it needs come from
 * the catalog's scratch arena, emptied after each manifest (its pages stay
 * for the next one) and freed with the catalog's loading: none of it
 * stays in malloc's heap as a hole (catalog_arena.c says why that
 * matters).  jansson allocates from it through its allocation functions,
 * set for the parse only and put back before anything else runs.
 */

static catalog_arena_t  *catalog_manifest_json_arena;


int
catalog_add_file(catalog_t *cat, const char *path, char *err, size_t errlen)
{
    int                  rc, e;
    char                *buf;
    size_t               len;
    catalog_manifest_t   m;

    /* no size limit, and every failure is "cannot read" */

    if (catalog_file_read(path, SIZE_MAX, &cat->scratch, &buf, &len) != 0) {
        e = errno;
        catalog_arena_reset(&cat->scratch);

        catalog_manifest_init(&m, cat, path, err, errlen);
        return catalog_manifest_error(&m, NULL, "cannot read: %s",
                                      strerror(e));
    }

    rc = catalog_manifest_load(cat, path, buf, len, err, errlen);

    catalog_arena_reset(&cat->scratch);

    return rc;
}


int
catalog_add_buffer(catalog_t *cat, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
    int  rc;

    rc = catalog_manifest_load(cat, name, buf, len, err, errlen);

    catalog_arena_reset(&cat->scratch);

    return rc;
}


static int
catalog_manifest_load(catalog_t *cat, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
    int                  rc;
    json_t              *root;
    size_t               skip;
    json_error_t         je;
    json_free_t          free_fn;
    json_malloc_t        malloc_fn;
    catalog_manifest_t   m;

    catalog_manifest_init(&m, cat, name, err, errlen);

    m.tmp = &cat->scratch;

    /* a UTF-8 byte order mark, as some editors write, is skipped */

    skip = 0;

    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        skip = 3;
    }

    json_get_alloc_funcs(&malloc_fn, &free_fn);

    catalog_manifest_json_arena = &cat->scratch;
    json_set_alloc_funcs(catalog_manifest_json_alloc,
                         catalog_manifest_json_free);

    root = json_loadb(buf + skip, len - skip, JSON_REJECT_DUPLICATES, &je);

    if (root == NULL) {
        json_set_alloc_funcs(malloc_fn, free_fn);

        catalog_manifest_sanitize(m.quoted[0], CATALOG_QUOTE_LEN, je.text,
                                  strlen(je.text), CATALOG_QUOTE_LEN, 0);

        return catalog_manifest_error(&m, NULL,
                                      "line %d, column %d: invalid JSON: %s",
                                      je.line, je.column, m.quoted[0]);
    }

    rc = -1;

    if (catalog_map_init(&m.seen, 64) != 0) {
        catalog_manifest_error(&m, NULL, "out of memory");

    } else {
        rc = catalog_manifest_parse(&m, root);

        if (rc == 0) {
            rc = catalog_manifest_commit(&m, buf, len);
        }

        catalog_map_free(&m.seen);
    }

    json_decref(root);
    json_set_alloc_funcs(malloc_fn, free_fn);

    return rc;
}


static void *
catalog_manifest_json_alloc(size_t size)
{
    return catalog_arena_alloc(catalog_manifest_json_arena, size);
}


static void
catalog_manifest_json_free(void *p)
{
    /* the arena goes at once */

    (void) p;
}


int
catalog_finish(catalog_t *cat, char *err, size_t errlen)
{
    unsigned             i;
    catalog_str_t       *sk;
    catalog_service_t   *s, *succ;
    catalog_manifest_t   m;

    /* loading is over */

    catalog_arena_free(&cat->scratch);
    catalog_map_free(&cat->strings);
    catalog_map_free(&cat->backend_lists);
    catalog_map_free(&cat->tag_lists);

    for (i = 0; i < cat->nservices; i++) {
        s = cat->services[i];

        catalog_manifest_init(&m, cat, s->agency->file.data, err, errlen);
        catalog_manifest_push(&m, "services[%u]", s->position);
        m.service = s;

        /* a successor without "://" is a service key */

        sk = &s->more->successor;

        if (sk->len && memchr(sk->data, ':', sk->len) == NULL) {
            succ = catalog_find_service(cat, sk->data, sk->len);

            if (succ == NULL) {
                return catalog_manifest_error(&m, "successor",
                           "successor \"%s\" is not a known service",
                           catalog_manifest_quote(&m, 0, sk->data, sk->len));
            }

            if (succ == s) {
                return catalog_manifest_error(&m, "successor",
                           "successor \"%s\" is the service itself",
                           sk->data);
            }

            s->more->successor_service = succ;
        }

        if (s->redirect && catalog_manifest_loop(&m, s) != 0) {
            return -1;
        }
    }

    return 0;
}


/*
 * A redirect to a path that the service claims itself would send the
 * citizen round in circles.  The target is read as a browser and then
 * nginx would: "%XX" decoded, "." and ".." segments and "//" folded.
 */

static int
catalog_manifest_loop(catalog_manifest_t *m, catalog_service_t *s)
{
    char                 raw[CATALOG_URL_MAX], path[CATALOG_URL_MAX];
    long                 plen;
    size_t               rlen;
    unsigned             j;
    catalog_route_t     *r;
    catalog_match_t      match;
    catalog_redirect_t  *rd;

    rd = s->redirect;

    if (rd->base.len == 0 || rd->base.data[0] != '/'
        || rd->base.len > CATALOG_URL_MAX
        || catalog_uri_decode(rd->base.data, rd->base.len, raw, &rlen, 0)
           != 0)
    {
        return 0;
    }

    /* a path above the root gets 400 from nginx: no loop */

    plen = catalog_path_normalize(path, raw, rlen);
    if (plen < 0) {
        return 0;
    }

    for (j = 0; j < s->nroutes; j++) {
        r = &s->routes[j];

        catalog_lookup(m->cat, r->host.data, r->host.len, path, (size_t) plen,
                       &match);

        if (match.route && match.route->service == s) {
            return catalog_manifest_error(m, "redirect.to",
                       "redirect to \"%s\" leads back to this service",
                       catalog_manifest_quote(m, 0, rd->to.data,
                                              rd->to.len));
        }
    }

    return 0;
}


static void
catalog_manifest_init(catalog_manifest_t *m, catalog_t *cat,
    const char *name, char *err, size_t errlen)
{
    m->cat = cat;
    m->name = name ? name : "";
    m->err = err;
    m->errlen = errlen;

    m->file = catalog_manifest_empty;
    m->agency = NULL;
    m->services = NULL;
    m->nservices = 0;
    m->service = NULL;

    m->loclen = 0;
    m->loc[0] = '\0';

    if (err && errlen) {
        err[0] = '\0';
    }
}


static int
catalog_manifest_parse(catalog_manifest_t *m, json_t *root)
{
    json_t    *v;
    size_t     n, i;
    unsigned   max;

    if (!json_is_object(root)) {
        return catalog_manifest_error(m, "top level", "must be an object");
    }

    if (catalog_manifest_keys(m, root, catalog_manifest_top_keys,
                              "top level")
        != 0)
    {
        return -1;
    }

    if (catalog_manifest_strdup(m, &m->file, m->name, strlen(m->name))
        != 0)
    {
        return -1;
    }

    v = catalog_manifest_get(root, "agency");
    if (v == NULL) {
        return catalog_manifest_error(m, "agency", "is required");
    }

    if (catalog_manifest_agency(m, v) != 0) {
        return -1;
    }

    v = catalog_manifest_get(root, "services");
    if (v == NULL) {
        return catalog_manifest_error(m, "services", "is required");
    }

    if (!json_is_array(v)) {
        return catalog_manifest_error(m, "services", "must be an array");
    }

    n = json_array_size(v);
    max = (unsigned) -1;

    if (n > max - m->cat->nservices) {
        return catalog_manifest_error(m, "services", "has too many services");
    }

    m->services = catalog_arena_alloc(&m->cat->arena,
                                      (n ? n : 1) * sizeof(void *));
    if (m->services == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    for (i = 0; i < n; i++) {
        if (catalog_manifest_service(m, json_array_get(v, i), (unsigned) i)
            != 0)
        {
            return -1;
        }
    }

    m->agency->nservices = m->nservices;

    return 0;
}


static int
catalog_manifest_agency(catalog_manifest_t *m, json_t *obj)
{
    json_t            *v;
    size_t             len;
    uint64_t           hash;
    const char        *id;
    catalog_agency_t  *a, *other;

    catalog_manifest_push(m, "agency");

    if (!json_is_object(obj)) {
        return catalog_manifest_error(m, NULL, "must be an object");
    }

    if (catalog_manifest_keys(m, obj, catalog_manifest_agency_keys, NULL)
        != 0)
    {
        return -1;
    }

    v = catalog_manifest_get(obj, "id");
    if (v == NULL) {
        return catalog_manifest_error(m, "id", "is required");
    }

    if (!json_is_string(v)) {
        return catalog_manifest_error(m, "id", "must be a string");
    }

    id = json_string_value(v);
    len = json_string_length(v);

    if (!catalog_check_is_id(id, len)) {
        return catalog_manifest_error(m, "id",
                                      "invalid id \"%s\": " CATALOG_ID_RULE,
                                      catalog_manifest_quote(m, 0, id, len));
    }

    hash = catalog_hash(CATALOG_HASH_INIT, id, len);

    other = catalog_map_find(&m->cat->agency_ids, hash, id, len);
    if (other) {
        return catalog_manifest_error(m, "id",
                   "agency \"%s\" is already defined in \"%s\"", id,
                   catalog_manifest_quote(m, 1, other->file.data,
                                          other->file.len));
    }

    a = catalog_arena_calloc(&m->cat->arena, sizeof(catalog_agency_t));
    if (a == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    m->agency = a;

    a->file = m->file;
    a->index = m->cat->nagencies;

    if (catalog_manifest_strdup(m, &a->id, id, len) != 0
        || catalog_manifest_text(m, obj, "name", CATALOG_TEXT_REQUIRED,
                                 CATALOG_NAME_MAX, &a->name)
           != 0
        || catalog_manifest_url(m, obj, "url", &a->url) != 0
        || catalog_manifest_text(m, obj, "contact", 0, CATALOG_CONTACT_MAX,
                                 &a->contact)
           != 0)
    {
        return -1;
    }

    catalog_manifest_pop(m, 0);

    return 0;
}


static int
catalog_manifest_service(catalog_manifest_t *m, json_t *obj, unsigned n)
{
    int                      backends, redirect, retired;
    catalog_str_t            contact;
    catalog_service_t       *s;
    catalog_service_more_t  *more;

    catalog_manifest_push(m, "services[%u]", n);

    if (!json_is_object(obj)) {
        return catalog_manifest_error(m, NULL, "must be an object");
    }

    s = catalog_arena_calloc_line(&m->cat->lines, sizeof(catalog_service_t));
    if (s == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    s->key = catalog_manifest_empty;
    s->description = catalog_manifest_empty;
    s->backend_host = catalog_manifest_empty;
    /* parsed aside, kept only when the service has some of it */

    s->more = catalog_arena_alloc(m->tmp, sizeof(catalog_service_more_t));
    if (s->more == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    *s->more = catalog_service_none;

    s->agency = m->agency;
    s->position = n;
    s->index = m->cat->nservices + n;
    s->agency_index = m->agency->index;

    /* the id first: the errors that follow name the service */

    if (catalog_manifest_service_id(m, obj, s) != 0) {
        return -1;
    }

    m->service = s;

    if (catalog_manifest_keys(m, obj, catalog_manifest_service_keys, NULL)
        != 0)
    {
        return -1;
    }

    if (catalog_manifest_text(m, obj, "name", CATALOG_TEXT_REQUIRED,
                              CATALOG_NAME_MAX, &s->name)
        != 0
        || catalog_manifest_text(m, obj, "description",
                                 CATALOG_TEXT_MULTILINE,
                                 CATALOG_DESCRIPTION_MAX, &s->description)
           != 0
        || catalog_manifest_text(m, obj, "category",
                                 CATALOG_TEXT_REQUIRED|CATALOG_TEXT_SHARED,
                                 CATALOG_CATEGORY_MAX, &s->category)
           != 0
        || catalog_manifest_tags(m, obj, s) != 0
        || catalog_manifest_text(m, obj, "contact", CATALOG_TEXT_SHARED,
                                 CATALOG_CONTACT_MAX, &contact)
           != 0
        || catalog_manifest_url(m, obj, "docs_url", &s->more->docs_url) != 0
        || catalog_manifest_text(m, obj, "version", 0, CATALOG_VERSION_MAX,
                                 &s->more->version)
           != 0
        || catalog_manifest_status(m, obj, s) != 0
        || catalog_manifest_routes(m, obj, s) != 0)
    {
        return -1;
    }

    s->contact = contact.len ? contact : m->agency->contact;

    /* exactly one outcome */

    backends = catalog_manifest_get(obj, "backends") != NULL;
    redirect = catalog_manifest_get(obj, "redirect") != NULL;
    retired = (s->status == CATALOG_STATUS_RETIRED);

    if (backends + redirect + retired != 1) {
        return catalog_manifest_error(m, NULL,
                   "must have exactly one of \"backends\", \"redirect\" or "
                   "\"status\": \"retired\"");
    }

    if (!backends && catalog_manifest_get(obj, "host_header")) {
        return catalog_manifest_error(m, "host_header",
                                      "is only allowed with \"backends\"");
    }

    if (backends) {
        if (catalog_manifest_backends(m, obj, s) != 0) {
            return -1;
        }

    } else if (redirect) {
        if (catalog_manifest_redirect(m, obj, s) != 0) {
            return -1;
        }
    }

    if (catalog_manifest_resolve(m, s) != 0) {
        return -1;
    }

    more = s->more;

    if (more->maintenance_message.len == 0 && more->successor.len == 0
        && more->docs_url.len == 0 && more->version.len == 0)
    {
        s->more = &catalog_service_none;

    } else {
        s->more = catalog_arena_alloc(&m->cat->arena,
                                      sizeof(catalog_service_more_t));
        if (s->more == NULL) {
            return catalog_manifest_error(m, NULL, "out of memory");
        }

        *s->more = *more;
    }

    m->services[m->nservices++] = s;
    m->service = NULL;

    catalog_manifest_pop(m, 0);

    return 0;
}


static int
catalog_manifest_service_id(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s)
{
    int                rc;
    char              *key;
    json_t            *v;
    size_t             len;
    const char        *id;
    catalog_agency_t  *a;

    v = catalog_manifest_get(obj, "id");
    if (v == NULL) {
        return catalog_manifest_error(m, "id", "is required");
    }

    if (!json_is_string(v)) {
        return catalog_manifest_error(m, "id", "must be a string");
    }

    id = json_string_value(v);
    len = json_string_length(v);

    if (!catalog_check_is_id(id, len)) {
        return catalog_manifest_error(m, "id",
                                      "invalid id \"%s\": " CATALOG_ID_RULE,
                                      catalog_manifest_quote(m, 0, id, len));
    }

    /* "s" + id in the map of this manifest */

    key = catalog_arena_alloc(m->tmp, len + 1);
    if (key == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    key[0] = 's';
    memcpy(key + 1, id, len);

    rc = catalog_map_insert(&m->seen,
                            catalog_hash(CATALOG_HASH_INIT, key, len + 1),
                            key, len + 1, s, NULL);
    if (rc == 1) {
        return catalog_manifest_error(m, "id",
                   "service \"%s\" is defined twice in this manifest", id);
    }

    if (rc != 0) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    /* the catalog key: "agency/service"; the id is its end */

    a = m->agency;

    key = catalog_arena_alloc(&m->cat->arena, a->id.len + 1 + len + 1);
    if (key == NULL) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    memcpy(key, a->id.data, a->id.len);
    key[a->id.len] = '/';
    memcpy(key + a->id.len + 1, id, len);
    key[a->id.len + 1 + len] = '\0';

    s->key.data = key;
    s->key.len = a->id.len + 1 + len;

    s->id.data = key + a->id.len + 1;
    s->id.len = len;

    return 0;
}


static int
catalog_manifest_tags(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s)
{
    json_t      *v, *t;
    size_t       n, i, j, len, loc, item;
    const char  *p;

    v = catalog_manifest_get(obj, "tags");
    if (v == NULL) {
        return 0;
    }

    loc = catalog_manifest_push(m, "tags");

    if (!json_is_array(v)) {
        return catalog_manifest_error(m, NULL, "must be an array");
    }

    n = json_array_size(v);

    if (n > CATALOG_TAGS_MAX) {
        return catalog_manifest_error(m, NULL, "must have at most %d tags",
                                      CATALOG_TAGS_MAX);
    }

    s->tags = catalog_arena_calloc(m->tmp,
                                   (n ? n : 1) * sizeof(catalog_str_t));
    if (s->tags == NULL) {
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

        if (len == 0) {
            return catalog_manifest_error(m, NULL, "must not be empty");
        }

        if (catalog_check_chars(p, len) > CATALOG_TAG_MAX) {
            return catalog_manifest_error(m, NULL,
                                          "is longer than %d characters",
                                          CATALOG_TAG_MAX);
        }

        if (catalog_check_has_controls(p, len, 0)) {
            return catalog_manifest_error(m, NULL,
                                      "must not contain control characters");
        }

        for (j = 0; j < i; j++) {
            if (s->tags[j].len == len && memcmp(s->tags[j].data, p, len) == 0)
            {
                return catalog_manifest_error(m, NULL,
                           "duplicate tag \"%s\"",
                           catalog_manifest_quote(m, 0, p, len));
            }
        }

        if (catalog_manifest_intern(m, &s->tags[i], p, len) != 0) {
            return -1;
        }

        s->ntags++;

        catalog_manifest_pop(m, item);
    }

    catalog_manifest_pop(m, loc);

    /* the same tags in the same order: one array */

    s->tags = catalog_manifest_share(m, &m->cat->tag_lists, s->tags,
                                     (n ? n : 1) * sizeof(catalog_str_t));

    return s->tags ? 0 : -1;
}


static int
catalog_manifest_status(catalog_manifest_t *m, json_t *obj,
    catalog_service_t *s)
{
    json_t      *v;
    size_t       len;
    const char  *p, *reason;

    v = catalog_manifest_get(obj, "status");

    if (v) {
        if (!json_is_string(v)) {
            return catalog_manifest_error(m, "status", "must be a string");
        }

        p = json_string_value(v);

        if (strcmp(p, "active") == 0) {
            s->status = CATALOG_STATUS_ACTIVE;

        } else if (strcmp(p, "maintenance") == 0) {
            s->status = CATALOG_STATUS_MAINTENANCE;

        } else if (strcmp(p, "retired") == 0) {
            s->status = CATALOG_STATUS_RETIRED;

        } else {
            return catalog_manifest_error(m, "status",
                       "invalid status \"%s\": must be \"active\", "
                       "\"maintenance\" or \"retired\"",
                       catalog_manifest_quote(m, 0, p,
                                              json_string_length(v)));
        }
    }

    if (catalog_manifest_text(m, obj, "maintenance_message",
                              CATALOG_TEXT_MULTILINE, CATALOG_MESSAGE_MAX,
                              &s->more->maintenance_message)
        != 0)
    {
        return -1;
    }

    v = catalog_manifest_get(obj, "successor");
    if (v == NULL) {
        return 0;
    }

    if (s->status != CATALOG_STATUS_RETIRED) {
        return catalog_manifest_error(m, "successor",
                   "is only allowed with \"status\": \"retired\"");
    }

    if (!json_is_string(v)) {
        return catalog_manifest_error(m, "successor", "must be a string");
    }

    p = json_string_value(v);
    len = json_string_length(v);

    if (catalog_check_has_prefix(p, len, "http://")
        || catalog_check_has_prefix(p, len, "https://"))
    {
        return catalog_manifest_url(m, obj, "successor", &s->more->successor);
    }

    /* a service key "agency/service", resolved by catalog_finish() */

    if (!catalog_check_is_service_key(p, len)) {
        reason = "must be an http(s) URL or a service key \"agency/service\"";

        return catalog_manifest_error(m, "successor",
                                      "invalid successor \"%s\": %s",
                                      catalog_manifest_quote(m, 0, p, len),
                                      reason);
    }

    return catalog_manifest_strdup(m, &s->more->successor, p, len);
}


static int
catalog_manifest_commit(catalog_manifest_t *m, const char *buf, size_t len)
{
    int                 rc;
    void               *p;
    unsigned            i, j, cap;
    uint64_t            n;
    catalog_t          *cat;
    catalog_route_t    *r, *other;
    catalog_agency_t   *a;
    catalog_service_t  *s;
    unsigned char       size[8];

    cat = m->cat;
    a = m->agency;

    /* room in the arrays first: growing them changes nothing visible */

    if (cat->nagencies == cat->agencies_cap) {
        cap = cat->agencies_cap ? cat->agencies_cap * 2 : 16;

        p = realloc(cat->agencies, cap * sizeof(catalog_agency_t *));
        if (p == NULL) {
            return catalog_manifest_error(m, NULL, "out of memory");
        }

        cat->agencies = p;
        cat->agencies_cap = cap;
    }

    if (cat->services_cap - cat->nservices < m->nservices) {
        cap = cat->services_cap ? cat->services_cap : 64;

        while (cap - cat->nservices < m->nservices) {
            cap *= 2;
        }

        p = realloc(cat->services, (size_t) cap * sizeof(void *));
        if (p == NULL) {
            return catalog_manifest_error(m, NULL, "out of memory");
        }

        cat->services = p;
        cat->services_cap = cap;
    }

    /* the checks are done: only running out of memory can fail now */

    rc = catalog_map_insert(&cat->agency_ids,
                            catalog_hash(CATALOG_HASH_INIT, a->id.data,
                                         a->id.len),
                            a->id.data, a->id.len, a, NULL);
    if (rc != 0) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    for (i = 0; i < m->nservices; i++) {
        s = m->services[i];

        for (j = 0; j < s->nroutes; j++) {
            r = &s->routes[j];

            other = catalog_table_add(&cat->table, &cat->lines, r);

            if (other != NULL) {
                return catalog_manifest_error(m, NULL, "out of memory");
            }
        }
    }

    cat->agencies[cat->nagencies++] = a;

    for (i = 0; i < m->nservices; i++) {
        cat->services[cat->nservices++] = m->services[i];
    }

    /* the manifest's array, sorted, finds a service by its key */

    qsort(m->services, m->nservices, sizeof(catalog_service_t *),
          catalog_manifest_by_id);

    a->by_id = m->services;

    /* the length first, so that the files cannot shift into each other */

    n = len;

    for (i = 0; i < 8; i++) {
        size[i] = (unsigned char) (n >> (i * 8));
    }

    cat->hash = catalog_hash(cat->hash, (const char *) size, 8);
    cat->hash = catalog_hash(cat->hash, buf, len);
    cat->nfiles++;

    return 0;
}


static int
catalog_manifest_by_id(const void *one, const void *two)
{
    const catalog_service_t  *a, *b;

    a = *(const catalog_service_t *const *) one;
    b = *(const catalog_service_t *const *) two;

    return catalog_id_cmp(a->id.data, a->id.len, b->id.data, b->id.len);
}


json_t *
catalog_manifest_get(json_t *obj, const char *key)
{
    json_t  *v;

    /* null is the same as leaving a key out */

    v = json_object_get(obj, key);

    return json_is_null(v) ? NULL : v;
}


int
catalog_manifest_keys(catalog_manifest_t *m, json_t *obj,
    const char *const *known, const char *where)
{
    void        *it;
    size_t       i;
    const char  *key;

    for (it = json_object_iter(obj); it; it = json_object_iter_next(obj, it))
    {
        key = json_object_iter_key(it);

        for (i = 0; known[i]; i++) {
            if (strcmp(key, known[i]) == 0) {
                break;
            }
        }

        if (known[i] == NULL) {
            return catalog_manifest_error(m, where, "unknown key \"%s\"",
                                          catalog_manifest_quote(m, 0, key,
                                                                 strlen(key)));
        }
    }

    return 0;
}


static int
catalog_manifest_text(catalog_manifest_t *m, json_t *obj, const char *key,
    unsigned flags, size_t max, catalog_str_t *dst)
{
    json_t      *v;
    size_t       len;
    const char  *p;

    *dst = catalog_manifest_empty;

    v = catalog_manifest_get(obj, key);

    if (v == NULL) {
        if (flags & CATALOG_TEXT_REQUIRED) {
            return catalog_manifest_error(m, key, "is required");
        }

        return 0;
    }

    if (!json_is_string(v)) {
        return catalog_manifest_error(m, key, "must be a string");
    }

    p = json_string_value(v);
    len = json_string_length(v);

    if (len == 0) {
        if (flags & CATALOG_TEXT_REQUIRED) {
            return catalog_manifest_error(m, key, "must not be empty");
        }

        return 0;
    }

    if (catalog_check_chars(p, len) > max) {
        return catalog_manifest_error(m, key, "is longer than %u characters",
                                      (unsigned) max);
    }

    if (catalog_check_has_controls(p, len, flags & CATALOG_TEXT_MULTILINE))
    {
        return catalog_manifest_error(m, key,
                   (flags & CATALOG_TEXT_MULTILINE)
                   ? "must not contain control characters other than "
                     "tabs and line breaks"
                   : "must not contain control characters");
    }

    if (flags & CATALOG_TEXT_SHARED) {
        return catalog_manifest_intern(m, dst, p, len);
    }

    return catalog_manifest_strdup(m, dst, p, len);
}


static int
catalog_manifest_url(catalog_manifest_t *m, json_t *obj, const char *key,
    catalog_str_t *dst)
{
    json_t      *v;
    size_t       len;
    const char  *p, *reason;

    *dst = catalog_manifest_empty;

    v = catalog_manifest_get(obj, key);
    if (v == NULL) {
        return 0;
    }

    if (!json_is_string(v)) {
        return catalog_manifest_error(m, key, "must be a string");
    }

    p = json_string_value(v);
    len = json_string_length(v);

    if (len > CATALOG_URL_MAX) {
        return catalog_manifest_error(m, key, "is longer than %d bytes",
                                      CATALOG_URL_MAX);
    }

    reason = catalog_check_url(p, len);
    if (reason) {
        return catalog_manifest_error(m, key, "invalid URL \"%s\": %s",
                                      catalog_manifest_quote(m, 0, p, len),
                                      reason);
    }

    return catalog_manifest_strdup(m, dst, p, len);
}


int
catalog_manifest_bool(catalog_manifest_t *m, json_t *obj, const char *key,
    unsigned *dst)
{
    json_t  *v;

    *dst = 0;

    v = catalog_manifest_get(obj, key);
    if (v == NULL) {
        return 0;
    }

    if (!json_is_boolean(v)) {
        return catalog_manifest_error(m, key, "must be a boolean");
    }

    *dst = json_is_true(v);

    return 0;
}


int
catalog_manifest_intern(catalog_manifest_t *m, catalog_str_t *dst,
    const char *src, size_t len)
{
    char      *p;
    uint64_t   hash;

    hash = catalog_hash(CATALOG_HASH_INIT, src, len);

    p = catalog_map_find(&m->cat->strings, hash, src, len);

    if (p) {
        dst->data = p;
        dst->len = len;
        return 0;
    }

    if (catalog_manifest_strdup(m, dst, src, len) != 0) {
        return -1;
    }

    p = (char *) dst->data;

    if (catalog_map_insert(&m->cat->strings, hash, p, len, p, NULL) < 0) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    return 0;
}


void *
catalog_manifest_share(catalog_manifest_t *m, catalog_map_t *map,
    const void *a, size_t size)
{
    void      *p;
    uint64_t   hash;

    hash = catalog_hash(CATALOG_HASH_INIT, a, size);

    p = catalog_map_find(map, hash, a, size);

    if (p) {
        return p;
    }

    p = catalog_arena_alloc(&m->cat->arena, size);

    if (p == NULL
        || catalog_map_insert(map, hash, memcpy(p, a, size), size, p, NULL)
           < 0)
    {
        catalog_manifest_error(m, NULL, "out of memory");
        return NULL;
    }

    return p;
}


int
catalog_manifest_strdup(catalog_manifest_t *m, catalog_str_t *dst,
    const char *src, size_t len)
{
    if (catalog_arena_strdup(&m->cat->arena, dst, src, len) != 0) {
        return catalog_manifest_error(m, NULL, "out of memory");
    }

    return 0;
}


size_t
catalog_manifest_push(catalog_manifest_t *m, const char *fmt, ...)
{
    int      n;
    size_t   old, room;
    va_list  args;

    old = m->loclen;

    if (old && fmt[0] != '[' && old + 1 < CATALOG_LOC_LEN) {
        m->loc[m->loclen++] = '.';
    }

    room = CATALOG_LOC_LEN - m->loclen;

    va_start(args, fmt);
    n = vsnprintf(m->loc + m->loclen, room, fmt, args);
    va_end(args);

    if (n > 0) {
        m->loclen += ((size_t) n < room) ? (size_t) n : room - 1;
    }

    return old;
}


void
catalog_manifest_pop(catalog_manifest_t *m, size_t len)
{
    m->loclen = len;
    m->loc[len] = '\0';
}


int
catalog_manifest_error(catalog_manifest_t *m, const char *field,
    const char *fmt, ...)
{
    char     file[CATALOG_QUOTE_LEN];
    size_t   n, room;
    va_list  args;
    int      rc;

    if (m->err == NULL || m->errlen == 0) {
        return -1;
    }

    catalog_manifest_sanitize(file, sizeof(file), m->name, strlen(m->name),
                              CATALOG_QUOTE_FILE, 1);

    n = 0;

    catalog_manifest_append(m, &n, "manifest \"%s\": ", file);

    if (m->loclen || field) {
        catalog_manifest_append(m, &n, "%s%s%s", m->loc,
                                (m->loclen && field) ? "." : "",
                                field ? field : "");

        if (m->service) {
            catalog_manifest_append(m, &n, " (service \"%s\")",
                                    m->service->id.data);
        }

        catalog_manifest_append(m, &n, ": ");
    }

    room = m->errlen - n;

    va_start(args, fmt);
    rc = vsnprintf(m->err + n, room, fmt, args);
    va_end(args);

    if (rc < 0) {
        m->err[n] = '\0';
    }

    return -1;
}


static void
catalog_manifest_append(catalog_manifest_t *m, size_t *n,
    const char *fmt, ...)
{
    int      rc;
    size_t   room;
    va_list  args;

    room = m->errlen - *n;

    va_start(args, fmt);
    rc = vsnprintf(m->err + *n, room, fmt, args);
    va_end(args);

    if (rc < 0) {
        m->err[*n] = '\0';
        return;
    }

    *n += ((size_t) rc < room) ? (size_t) rc : room - 1;
}


const char *
catalog_manifest_quote(catalog_manifest_t *m, unsigned slot, const char *s,
    size_t len)
{
    size_t  cap;

    /* file names are echoed longer than values */

    cap = (slot == 1) ? CATALOG_QUOTE_FILE : CATALOG_QUOTE_MAX;

    catalog_manifest_sanitize(m->quoted[slot], CATALOG_QUOTE_LEN, s, len, cap,
                              1);

    return m->quoted[slot];
}


size_t
catalog_manifest_sanitize(char *dst, size_t size, const char *s, size_t len,
    size_t cap, int quotes)
{
    char            esc[8];
    size_t          i, k, n, seq, o;
    unsigned char   c;

    /*
     * echoes a value: valid UTF-8 as it is, control characters and stray
     * bytes as \xNN, '"' and '\' escaped; cut at "cap" bytes with "..."
     */

    o = 0;

    for (i = 0; i < len; i += n) {
        c = (unsigned char) s[i];

        if (c < 0x80) {
            seq = 1;

        } else if (c >= 0xc2 && c <= 0xdf) {
            seq = 2;

        } else if (c >= 0xe0 && c <= 0xef) {
            seq = 3;

        } else if (c >= 0xf0 && c <= 0xf4) {
            seq = 4;

        } else {
            seq = 0;
        }

        for (k = 1; seq && k < seq; k++) {
            if (i + k >= len || ((unsigned char) s[i + k] & 0xc0) != 0x80) {
                seq = 0;
            }
        }

        n = seq ? seq : 1;

        if (i + n > cap) {
            catalog_manifest_put(dst, size, &o, "...", 3);
            break;
        }

        if (seq == 0 || c < 0x20 || c == 0x7f
            || (c == 0xc2 && (unsigned char) s[i + 1] < 0xa0))
        {
            /* a control character (C0, DEL, C1) or a stray byte */

            for (k = 0; k < n; k++) {
                c = (unsigned char) s[i + k];

                esc[0] = '\\';
                esc[1] = 'x';
                esc[2] = catalog_manifest_hex[c >> 4];
                esc[3] = catalog_manifest_hex[c & 0x0f];

                catalog_manifest_put(dst, size, &o, esc, 4);
            }

            continue;
        }

        if (quotes && (c == '"' || c == '\\')) {
            catalog_manifest_put(dst, size, &o, "\\", 1);
        }

        catalog_manifest_put(dst, size, &o, s + i, n);
    }

    if (size) {
        dst[o < size ? o : size - 1] = '\0';
    }

    return o;
}


static void
catalog_manifest_put(char *dst, size_t size, size_t *o, const char *s,
    size_t n)
{
    while (n--) {
        if (*o + 1 < size) {
            dst[*o] = *s;
        }

        (*o)++;
        s++;
    }
}
