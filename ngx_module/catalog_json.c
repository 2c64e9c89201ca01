
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdlib.h>
#include <string.h>

#include <catalog_buf.h>
#include <catalog_json.h>


typedef struct {
    catalog_str_t                 id;
    unsigned                      services;
} catalog_json_count_t;


static void catalog_json_write_service(catalog_buf_t *b,
    const catalog_service_t *s, const catalog_state_fn_t *fn);
static int catalog_json_agency_cmp(const void *one, const void *two);
static int catalog_json_count_cmp(const void *one, const void *two);
static int catalog_json_str_cmp(const catalog_str_t *a,
    const catalog_str_t *b);


size_t
catalog_json_service(char *dst, const catalog_service_t *s,
    const catalog_state_fn_t *fn)
{
    catalog_buf_t  b;

    b.dst = dst;
    b.len = 0;

    catalog_json_write_service(&b, s, fn);

    return b.len;
}


size_t
catalog_json_services(char *dst, const catalog_t *cat,
    const catalog_hit_t *hits, size_t nhits, unsigned page,
    unsigned per_page, const catalog_state_fn_t *fn)
{
    size_t         i, first, last;
    catalog_buf_t  b;

    b.dst = dst;
    b.len = 0;

    catalog_buf_literal(&b, "{\"total\": ");
    catalog_buf_number(&b, nhits);
    catalog_buf_literal(&b, ", \"page\": ");
    catalog_buf_number(&b, page);
    catalog_buf_literal(&b, ", \"per_page\": ");
    catalog_buf_number(&b, per_page);
    catalog_buf_literal(&b, ", \"services\": [");

    first = (size_t) (page - 1) * per_page;
    last = first + per_page;

    if (last > nhits) {
        last = nhits;
    }

    for (i = first; i < last; i++) {
        if (i > first) {
            catalog_buf_literal(&b, ", ");
        }

        catalog_json_write_service(&b, cat->services[hits[i].service], fn);
    }

    catalog_buf_literal(&b, "]}");

    return b.len;
}


size_t
catalog_json_agencies(char *dst, const catalog_t *cat)
{
    unsigned            i;
    catalog_buf_t       b;
    catalog_agency_t   *a, **sorted;

    /* at configuration time only, sorted by id */

    sorted = malloc((cat->nagencies + 1) * sizeof(catalog_agency_t *));
    if (sorted == NULL) {
        return 0;
    }

    if (cat->nagencies) {
        memcpy(sorted, cat->agencies,
               cat->nagencies * sizeof(catalog_agency_t *));
        qsort(sorted, cat->nagencies, sizeof(catalog_agency_t *),
              catalog_json_agency_cmp);
    }

    b.dst = dst;
    b.len = 0;

    catalog_buf_literal(&b, "[");

    for (i = 0; i < cat->nagencies; i++) {
        a = sorted[i];

        if (i) {
            catalog_buf_literal(&b, ", ");
        }

        catalog_buf_literal(&b, "{\"id\": ");
        catalog_buf_json_string(&b, &a->id);
        catalog_buf_literal(&b, ", \"name\": ");
        catalog_buf_json_string(&b, &a->name);
        catalog_buf_literal(&b, ", \"url\": ");
        catalog_buf_json_string(&b, &a->url);
        catalog_buf_literal(&b, ", \"services\": ");
        catalog_buf_number(&b, a->nservices);
        catalog_buf_literal(&b, "}");
    }

    catalog_buf_literal(&b, "]");

    free(sorted);

    return b.len;
}


size_t
catalog_json_categories(char *dst, const catalog_t *cat)
{
    int                    rc;
    void                  *found;
    unsigned               i, n;
    catalog_map_t          map;
    catalog_buf_t          b;
    catalog_str_t         *c;
    catalog_json_count_t  *counts, *cc;

    /* at configuration time only: the answer is kept and served as is */

    counts = calloc(cat->nservices + 1, sizeof(catalog_json_count_t));
    if (counts == NULL || catalog_map_init(&map, cat->nservices) != 0) {
        free(counts);
        return 0;
    }

    n = 0;

    for (i = 0; i < cat->nservices; i++) {
        c = &cat->services[i]->category;
        cc = &counts[n];

        rc = catalog_map_insert(&map, catalog_hash(CATALOG_HASH_INIT,
                                                   c->data, c->len),
                                c->data, c->len, cc, &found);
        if (rc == -1) {
            break;
        }

        if (rc == 1) {
            cc = found;

        } else {
            cc->id = *c;
            n++;
        }

        cc->services++;
    }

    qsort(counts, n, sizeof(catalog_json_count_t), catalog_json_count_cmp);

    b.dst = dst;
    b.len = 0;

    catalog_buf_literal(&b, "[");

    for (i = 0; i < n; i++) {
        if (i) {
            catalog_buf_literal(&b, ", ");
        }

        catalog_buf_literal(&b, "{\"id\": ");
        catalog_buf_json_string(&b, &counts[i].id);
        catalog_buf_literal(&b, ", \"services\": ");
        catalog_buf_number(&b, counts[i].services);
        catalog_buf_literal(&b, "}");
    }

    catalog_buf_literal(&b, "]");

    catalog_map_free(&map);
    free(counts);

    return b.len;
}


size_t
catalog_json_resolve(char *dst, const catalog_resolve_t *res,
    const catalog_state_fn_t *fn)
{
    catalog_buf_t  b;
    catalog_str_t  s;

    b.dst = dst;
    b.len = 0;

    catalog_buf_literal(&b, "{\"path\": \"");
    s.data = res->path;
    s.len = res->path_len;
    catalog_buf_json(&b, &s);

    catalog_buf_literal(&b, "\", \"method\": \"");
    s.data = res->method;
    s.len = res->method_len;
    catalog_buf_json(&b, &s);

    catalog_buf_literal(&b, "\", \"host\": ");
    s.data = res->host;
    s.len = res->host_len;
    catalog_buf_json_string(&b, &s);

    catalog_buf_literal(&b, ", \"outcome\": \"");
    catalog_buf_cstr(&b, res->outcome);
    catalog_buf_literal(&b, "\", \"service\": ");

    if (res->route) {
        catalog_json_write_service(&b, res->route->service, fn);
        catalog_buf_literal(&b, ", \"route\": {\"path\": ");
        catalog_buf_json_string(&b, &res->route->path);
        catalog_buf_literal(&b, ", \"match\": \"");
        catalog_buf_cstr(&b, res->route->exact ? "exact" : "prefix");
        catalog_buf_literal(&b, "\"}");

    } else {
        catalog_buf_literal(&b, "null, \"route\": null");
    }

    if (res->location) {
        catalog_buf_literal(&b, ", \"location\": \"");
        s.data = res->location;
        s.len = res->location_len;
        catalog_buf_json(&b, &s);
        catalog_buf_literal(&b, "\"");
    }

    catalog_buf_literal(&b, "}");

    return b.len;
}


size_t
catalog_json_error(char *dst, unsigned code, const char *message)
{
    catalog_buf_t  b;
    catalog_str_t  s;

    b.dst = dst;
    b.len = 0;

    s.data = message;
    s.len = strlen(message);

    catalog_buf_literal(&b, "{\"error\": {\"code\": ");
    catalog_buf_number(&b, code);
    catalog_buf_literal(&b, ", \"message\": \"");
    catalog_buf_json(&b, &s);
    catalog_buf_literal(&b, "\"}}");

    return b.len;
}


static void
catalog_json_write_service(catalog_buf_t *b, const catalog_service_t *s,
    const catalog_state_fn_t *fn)
{
    unsigned          i;
    catalog_state_t   st;

    catalog_state(fn, s, &st);

    catalog_buf_literal(b, "{\"id\": ");
    catalog_buf_json_string(b, &s->key);
    catalog_buf_literal(b, ", \"agency\": {\"id\": ");
    catalog_buf_json_string(b, &s->agency->id);
    catalog_buf_literal(b, ", \"name\": ");
    catalog_buf_json_string(b, &s->agency->name);
    catalog_buf_literal(b, "}, \"name\": ");
    catalog_buf_json_string(b, &s->name);
    catalog_buf_literal(b, ", \"description\": \"");
    catalog_buf_json(b, &s->description);
    catalog_buf_literal(b, "\", \"category\": ");
    catalog_buf_json_string(b, &s->category);
    catalog_buf_literal(b, ", \"tags\": [");

    for (i = 0; i < s->ntags; i++) {
        if (i) {
            catalog_buf_literal(b, ", ");
        }

        catalog_buf_json_string(b, &s->tags[i]);
    }

    catalog_buf_literal(b, "], \"status\": \"");
    catalog_buf_cstr(b, catalog_status_name(st.status));
    catalog_buf_literal(b, "\", \"status_message\": ");
    catalog_buf_json_string(b, &st.message);
    catalog_buf_literal(b, ", \"status_until\": ");
    catalog_buf_json_string(b, &st.until);
    catalog_buf_literal(b, ", \"url\": ");
    catalog_buf_json_string(b, &s->routes[0].path);
    catalog_buf_literal(b, ", \"routes\": [");

    for (i = 0; i < s->nroutes; i++) {
        if (i) {
            catalog_buf_literal(b, ", ");
        }

        catalog_buf_literal(b, "{\"path\": ");
        catalog_buf_json_string(b, &s->routes[i].path);
        catalog_buf_literal(b, ", \"match\": \"");
        catalog_buf_cstr(b, s->routes[i].exact ? "exact" : "prefix");
        catalog_buf_literal(b, "\"}");
    }

    catalog_buf_literal(b, "], \"docs_url\": ");
    catalog_buf_json_string(b, &s->more->docs_url);
    catalog_buf_literal(b, ", \"contact\": ");
    catalog_buf_json_string(b, &s->contact);
    catalog_buf_literal(b, ", \"version\": ");
    catalog_buf_json_string(b, &s->more->version);
    catalog_buf_literal(b, "}");
}


static int
catalog_json_agency_cmp(const void *one, const void *two)
{
    const catalog_agency_t  *a = *(catalog_agency_t * const *) one;
    const catalog_agency_t  *b = *(catalog_agency_t * const *) two;

    return catalog_json_str_cmp(&a->id, &b->id);
}


static int
catalog_json_count_cmp(const void *one, const void *two)
{
    const catalog_json_count_t  *a = one, *b = two;

    return catalog_json_str_cmp(&a->id, &b->id);
}


static int
catalog_json_str_cmp(const catalog_str_t *a, const catalog_str_t *b)
{
    int     rc;
    size_t  n;

    n = a->len < b->len ? a->len : b->len;

    rc = memcmp(a->data, b->data, n);

    if (rc) {
        return rc;
    }

    return (a->len > b->len) - (a->len < b->len);
}
