
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdlib.h>
#include <string.h>

#include <catalog.h>


catalog_service_more_t  catalog_service_none = {
    { 0, "" }, { 0, "" }, NULL, { 0, "" }, { 0, "" }
};


catalog_t *
catalog_create(void)
{
    catalog_t  *cat;

    cat = calloc(1, sizeof(catalog_t));
    if (cat == NULL) {
        return NULL;
    }

    catalog_arena_init(&cat->arena);
    catalog_arena_init(&cat->lines);
    catalog_arena_init(&cat->scratch);

    if (catalog_map_init(&cat->agency_ids, 16) != 0
        || catalog_table_init(&cat->table) != 0)
    {
        catalog_free(cat);
        return NULL;
    }

    cat->hash = CATALOG_HASH_INIT;

    return cat;
}


void
catalog_free(catalog_t *cat)
{
    if (cat == NULL) {
        return;
    }

    catalog_table_free(&cat->table);
    catalog_map_free(&cat->strings);
    catalog_map_free(&cat->backend_lists);
    catalog_map_free(&cat->tag_lists);
    catalog_map_free(&cat->agency_ids);
    free(cat->agencies);
    free(cat->services);
    catalog_arena_free(&cat->arena);
    catalog_arena_free(&cat->lines);
    catalog_arena_free(&cat->scratch);
    free(cat);
}


/*
 * "agency/service": the agency by its id, then a binary search in its
 * services sorted by id; a table of every key would take 6 MiB at
 * 100,000 services
 */

catalog_service_t *
catalog_find_service(const catalog_t *cat, const char *key, size_t len)
{
    int                  rc;
    size_t               alen, lo, hi, mid;
    const char          *slash, *id;
    catalog_agency_t    *a;
    catalog_service_t   *s;

    slash = memchr(key, '/', len);
    if (slash == NULL) {
        return NULL;
    }

    alen = (size_t) (slash - key);

    a = catalog_map_find(&cat->agency_ids,
                         catalog_hash(CATALOG_HASH_INIT, key, alen),
                         key, alen);
    if (a == NULL) {
        return NULL;
    }

    id = slash + 1;
    len -= alen + 1;

    lo = 0;
    hi = a->nservices;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        s = a->by_id[mid];

        rc = catalog_id_cmp(s->id.data, s->id.len, id, len);

        if (rc == 0) {
            return s;
        }

        if (rc < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


int
catalog_id_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int  rc;

    rc = memcmp(a, b, alen < blen ? alen : blen);

    if (rc) {
        return rc;
    }

    return (alen > blen) - (alen < blen);
}


int
catalog_route_allows(const catalog_route_t *route, const char *method,
    size_t len)
{
    unsigned  i;

    if (route->nmethods == 0) {
        return 1;
    }

    for (i = 0; i < route->nmethods; i++) {
        if (route->methods[i].len == len
            && memcmp(route->methods[i].data, method, len) == 0)
        {
            return 1;
        }

        if (len == 4 && memcmp(method, "HEAD", 4) == 0
            && route->methods[i].len == 3
            && memcmp(route->methods[i].data, "GET", 3) == 0)
        {
            return 1;
        }
    }

    return 0;
}


void
catalog_decide(const catalog_t *cat, const char *host, size_t hlen,
    const char *path, size_t plen, const char *method, size_t mlen,
    const catalog_state_fn_t *fn, catalog_decision_t *d)
{
    const catalog_service_t  *s;

    memset(d, 0, sizeof(catalog_decision_t));

    if (cat->nservices == 0) {
        d->outcome = CATALOG_OUTCOME_EMPTY;
        return;
    }

    catalog_table_lookup(&cat->table, host, hlen, path, plen, &d->match);

    if (d->match.route == NULL) {
        d->outcome = CATALOG_OUTCOME_NOT_FOUND;
        return;
    }

    s = d->match.route->service;

    /* $catalog_service and the logs read it later: ask for it now */

    catalog_prefetch(s->key.data);

    catalog_state(fn, s, &d->state);

    if (!catalog_route_allows(d->match.route, method, mlen)) {
        d->outcome = CATALOG_OUTCOME_METHOD_NOT_ALLOWED;

    } else if (d->state.status == CATALOG_STATUS_RETIRED) {
        d->outcome = CATALOG_OUTCOME_GONE;

    } else if (d->state.status == CATALOG_STATUS_MAINTENANCE) {
        d->outcome = CATALOG_OUTCOME_MAINTENANCE;

    } else if (s->redirect) {
        d->outcome = CATALOG_OUTCOME_REDIRECT;

    } else {
        d->outcome = CATALOG_OUTCOME_PROXY;
    }
}


void
catalog_state(const catalog_state_fn_t *fn, const catalog_service_t *s,
    catalog_state_t *st)
{
    if (fn && fn->handler) {
        fn->handler(fn->ctx, s, st);
        return;
    }

    st->status = s->status;
    st->until.data = "";
    st->until.len = 0;
    st->until_time = 0;

    if (s->status == CATALOG_STATUS_MAINTENANCE) {
        st->message = s->more->maintenance_message;

    } else {
        st->message.data = "";
        st->message.len = 0;
    }
}


const char *
catalog_status_name(catalog_status_e status)
{
    switch (status) {

    case CATALOG_STATUS_MAINTENANCE:
        return "maintenance";

    case CATALOG_STATUS_RETIRED:
        return "retired";

    default:
        return "active";
    }
}


const char *
catalog_outcome_name(catalog_outcome_e outcome)
{
    static const char  *names[] = {
        "proxy", "redirect", "gone", "maintenance", "not_found",
        "method_not_allowed", "empty"
    };

    return names[outcome];
}
