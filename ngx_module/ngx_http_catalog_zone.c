
/*
 * Copyright (C) ngx_catalog developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_catalog_module.h>
#include <ngx_http_catalog_zone.h>


/*
 * The shared zone: one slot per service key, holding its runtime status
 * override.  Readers (every request) never lock: a slot is a seqlock, its
 * sequence odd while a writer (the admin API, holding the slab mutex) is
 * inside.  A message buffer, once given to a slot, is never freed, so a
 * reader racing a writer reads stale bytes at worst and retries.  The
 * zone is kept across reloads (same size), its slots found again by key.
 *
 * Slots are keyed by service ("agency/service") and by agency ("agency"):
 * each has counters that requests add to atomically and that the status
 * and metrics handlers copy out.
 */


typedef char  ngx_http_catalog_counter_check_t
    [sizeof(catalog_counter_t) == sizeof(ngx_atomic_uint_t) ? 1 : -1];


#define NGX_HTTP_CATALOG_ZONE_NAME   "catalog"

/* a slot odd this long: its writer was killed inside */
#define NGX_HTTP_CATALOG_ZONE_SPINS  10000


static ngx_int_t ngx_http_catalog_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_http_catalog_slot_t *ngx_http_catalog_zone_slot(
    ngx_http_catalog_sh_t *sh, ngx_slab_pool_t *shpool, catalog_str_t *key);
static void ngx_http_catalog_zone_copy(ngx_http_catalog_slot_t *slot,
    catalog_override_t *o, ngx_int_t *active);
static void ngx_http_catalog_zone_load(ngx_shm_zone_t *shm_zone,
    ngx_http_catalog_main_conf_t *mcf);
static int ngx_http_catalog_zone_restore(void *data, const char *key,
    size_t key_len, const catalog_override_t *o);
static int ngx_http_catalog_zone_restore_cleared(void *data,
    const catalog_state_cleared_t *c);
static void ngx_http_catalog_zone_read(ngx_http_catalog_state_ctx_t *ctx,
    const catalog_service_t *s, catalog_state_t *st);
static void ngx_http_catalog_zone_copy_stats(catalog_stats_t *dst,
    catalog_stats_t *src);
static void ngx_http_catalog_zone_record(ngx_http_catalog_slot_t *slot,
    catalog_redis_value_t *v);
static ngx_int_t ngx_http_catalog_zone_write(
    ngx_http_catalog_main_conf_t *mcf, ngx_http_catalog_slot_t *slot,
    const catalog_override_t *o, ngx_uint_t cleared);


size_t
ngx_http_catalog_zone_need(ngx_uint_t nkeys)
{
    size_t      size, stats;
    ngx_uint_t  capacity;

    capacity = 64;

    while (capacity < nkeys * 2) {
        capacity *= 2;
    }

    /* the slab gives a power of two */

    for (stats = 8; stats < sizeof(catalog_stats_t); stats *= 2) {
        /* void */
    }

    /*
     * slots, keys (at most 128 bytes), counters, the slab's own pages,
     * and room for one maintenance message per eight keys
     */

    size = sizeof(ngx_http_catalog_sh_t)
           + 2 * capacity * sizeof(ngx_http_catalog_slot_t)
           + nkeys * (128 + stats)
           + (nkeys / 8 + 16) * CATALOG_MESSAGE_BYTES
           + 64 * ngx_pagesize;

    return ngx_align(size, 1024 * 1024);
}


char *
ngx_http_catalog_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_catalog_main_conf_t  *mcf = conf;

    ssize_t     size;
    ngx_str_t  *value, s;

    if (mcf->zone_size != NGX_CONF_UNSET_SIZE) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strncmp(value[1].data, "size=", 5) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_zone\": invalid parameter \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    s.data = value[1].data + 5;
    s.len = value[1].len - 5;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR || size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"catalog_zone\": invalid zone size \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    mcf->zone_size = size;

    return NGX_CONF_OK;
}


ngx_int_t
ngx_http_catalog_zone_add(ngx_conf_t *cf, ngx_http_catalog_main_conf_t *mcf)
{
    size_t           need;
    ngx_str_t        name;
    ngx_uint_t       nkeys;
    ngx_shm_zone_t  *shm_zone;

    nkeys = mcf->catalog->nservices + mcf->catalog->nagencies;
    need = ngx_http_catalog_zone_need(nkeys);

    if (mcf->zone_size == NGX_CONF_UNSET_SIZE) {

        /* without catalog_zone, room for the catalog to grow */

        mcf->zone_size = ngx_http_catalog_zone_need(nkeys + 1024);

    } else if (mcf->zone_size < need) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "catalog_zone size=%uzk is too small for %ui "
                           "services: it needs size=%uzk or more",
                           mcf->zone_size / 1024,
                           (ngx_uint_t) mcf->catalog->nservices,
                           need / 1024);
        return NGX_ERROR;
    }

    mcf->slots = ngx_pcalloc(cf->pool, (mcf->catalog->nservices + 1)
                                       * sizeof(ngx_http_catalog_slot_t *));
    if (mcf->slots == NULL) {
        return NGX_ERROR;
    }

    mcf->agency_stats = ngx_pcalloc(cf->pool, (mcf->catalog->nagencies + 1)
                                              * sizeof(catalog_stats_t *));
    if (mcf->agency_stats == NULL) {
        return NGX_ERROR;
    }

    ngx_str_set(&name, NGX_HTTP_CATALOG_ZONE_NAME);

    shm_zone = ngx_shared_memory_add(cf, &name, mcf->zone_size,
                                     &ngx_http_catalog_module);
    if (shm_zone == NULL) {
        return NGX_ERROR;
    }

    shm_zone->init = ngx_http_catalog_init_zone;
    shm_zone->data = mcf;

    mcf->shm_zone = shm_zone;

    return NGX_OK;
}


static ngx_int_t
ngx_http_catalog_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_catalog_main_conf_t  *omcf = data;

    size_t                         len;
    ngx_uint_t                     i, capacity;
    ngx_time_t                    *tp;
    catalog_t                     *cat;
    ngx_http_catalog_slot_t       *slot;
    ngx_slab_pool_t               *shpool;
    ngx_http_catalog_sh_t         *sh;
    ngx_http_catalog_main_conf_t  *mcf;

    mcf = shm_zone->data;
    cat = mcf->catalog;
    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (omcf) {
        /* a reload: the zone and its overrides stay */
        sh = omcf->sh;

    } else if (shm_zone->shm.exists) {
        sh = shpool->data;

    } else {
        /* the slots take at most half the zone */

        capacity = 64;

        while (2 * capacity * sizeof(ngx_http_catalog_slot_t)
               <= shm_zone->shm.size / 2)
        {
            capacity *= 2;
        }

        sh = ngx_slab_calloc(shpool, sizeof(ngx_http_catalog_sh_t)
                             + capacity * sizeof(ngx_http_catalog_slot_t));
        if (sh == NULL) {
            return NGX_ERROR;
        }

        sh->capacity = capacity;
        shpool->data = sh;

        /*
         * a new zone (a start, or a new size) must not hand out the
         * ETags of the one before: its generations start from the time
         */

        tp = ngx_timeofday();
        sh->generation = ((ngx_atomic_uint_t) tp->sec * 1000 + tp->msec)
                         * 1000;

        len = sizeof(" in catalog zone \"\"") + shm_zone->shm.name.len;

        shpool->log_ctx = ngx_slab_alloc(shpool, len);
        if (shpool->log_ctx == NULL) {
            return NGX_ERROR;
        }

        ngx_sprintf(shpool->log_ctx, " in catalog zone \"%V\"%Z",
                    &shm_zone->shm.name);

        /*
         * a full zone is said by its callers, with what to do about it
         * ("is full ... set catalog_zone size=", "no room to change"),
         * not by the slab's own "[crit] no memory" besides
         */

        shpool->log_nomem = 0;
    }

    mcf->sh = sh;
    mcf->shpool = shpool;

    /* find or make the slot of every service and agency */

    ngx_shmtx_lock(&shpool->mutex);

    for (i = 0; i < cat->nservices + cat->nagencies; i++) {

        if (i < cat->nservices) {
            slot = ngx_http_catalog_zone_slot(sh, shpool,
                                              &cat->services[i]->key);
            mcf->slots[i] = slot;

        } else {
            slot = ngx_http_catalog_zone_slot(sh, shpool,
                                   &cat->agencies[i - cat->nservices]->id);
            if (slot) {
                mcf->agency_stats[i - cat->nservices] = slot->stats;
            }
        }

        if (slot == NULL) {
            ngx_shmtx_unlock(&shpool->mutex);
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "catalog zone \"%V\" is full: %ui services, "
                          "%uz bytes; set catalog_zone size=%uzk",
                          &shm_zone->shm.name,
                          (ngx_uint_t) cat->nservices, shm_zone->shm.size,
                          ngx_http_catalog_zone_need(
                              2 * (cat->nservices + cat->nagencies))
                          / 1024);
            return NGX_ERROR;
        }
    }

    ngx_shmtx_unlock(&shpool->mutex);

    if (omcf == NULL && !shm_zone->shm.exists) {
        ngx_http_catalog_zone_load(shm_zone, mcf);
    }

    return NGX_OK;
}


static ngx_http_catalog_slot_t *
ngx_http_catalog_zone_slot(ngx_http_catalog_sh_t *sh, ngx_slab_pool_t *shpool,
    catalog_str_t *key)
{
    u_char                   *p;
    uint32_t                  hash;
    ngx_uint_t                i, mask;
    ngx_http_catalog_slot_t  *slot;

    if (sh->used * 2 >= sh->capacity) {
        return NULL;
    }

    hash = ngx_crc32_short((u_char *) key->data, key->len);
    mask = sh->capacity - 1;

    for (i = hash & mask; /* void */ ; i = (i + 1) & mask) {
        slot = &sh->slots[i];

        if (slot->key == NULL) {
            break;
        }

        if (slot->key_len == key->len
            && ngx_memcmp(slot->key, key->data, key->len) == 0)
        {
            return slot;
        }
    }

    p = ngx_slab_alloc_locked(shpool, key->len);
    if (p == NULL) {
        return NULL;
    }

    slot->stats = ngx_slab_calloc_locked(shpool, sizeof(catalog_stats_t));
    if (slot->stats == NULL) {
        ngx_slab_free_locked(shpool, p);
        return NULL;
    }

    ngx_memcpy(p, key->data, key->len);

    slot->key_len = key->len;
    slot->key = p;
    sh->used++;

    return slot;
}


ngx_int_t
ngx_http_catalog_zone_get(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, catalog_override_t *o)
{
    ngx_int_t                 active;
    ngx_http_catalog_slot_t  *slot;

    /*
     * without any override (the usual case) no slot is read: a slot is
     * a cache and TLB miss of its own in a large catalog
     */

    if (mcf->sh == NULL || mcf->sh->nactive == 0
        || (slot = mcf->slots[s->index]) == NULL)
    {
        return 0;
    }

    ngx_http_catalog_zone_copy(slot, o, &active);

    if (active && o->until && o->until <= (int64_t) ngx_time()) {
        /* the end time has passed: back to the manifest's status */
        return 0;
    }

    return active;
}


static void
ngx_http_catalog_zone_copy(ngx_http_catalog_slot_t *slot,
    catalog_override_t *o, ngx_int_t *active)
{
    size_t        len;
    ngx_uint_t    tries;
    ngx_atomic_t  seq;

    for (tries = 0; /* void */ ; tries++) {

        seq = slot->seq;
        ngx_memory_barrier();

        if (seq & 1) {
            /* a writer is inside: it holds the slot for a few copies */

            if (tries > NGX_HTTP_CATALOG_ZONE_SPINS) {
                /* or it was killed inside: the manifest's status */
                *active = 0;
                return;
            }

            if (tries > 64) {
                ngx_sched_yield();
            }

            ngx_cpu_pause();
            continue;
        }

        *active = slot->active;

        if (*active) {
            o->status = slot->status;
            o->until = slot->until;
            o->updated_at = slot->updated_at;

            len = ngx_min(slot->message_len, CATALOG_MESSAGE_BYTES);
            if (len) {
                ngx_memcpy(o->message, slot->message, len);
            }

            o->message_len = len;

            len = ngx_min(slot->updated_by_len, CATALOG_TOKEN_NAME_MAX);
            ngx_memcpy(o->updated_by, slot->updated_by, len);
            o->updated_by_len = len;
        }

        ngx_memory_barrier();

        if (slot->seq == seq) {
            return;
        }
    }
}


int64_t
ngx_http_catalog_now_ms(void)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return (int64_t) tp->sec * 1000 + tp->msec;
}


ngx_int_t
ngx_http_catalog_zone_change(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, catalog_override_t *o, const char *by,
    size_t by_len)
{
    int64_t                   now;
    ngx_uint_t                n;
    ngx_http_catalog_sh_t    *sh;
    ngx_http_catalog_slot_t  *slot;
    catalog_redis_value_t     v;

    if (mcf->slots == NULL || (slot = mcf->slots[s->index]) == NULL) {
        return NGX_ERROR;
    }

    sh = mcf->sh;

    if (o == NULL) {
        ngx_memzero(&v, sizeof(catalog_redis_value_t));
        v.cleared = 1;
        o = &v.o;
    }

    o->updated_by_len = ngx_min(by_len, CATALOG_TOKEN_NAME_MAX);
    ngx_memcpy(o->updated_by, by, o->updated_by_len);

    ngx_shmtx_lock(&mcf->shpool->mutex);

    /*
     * the change is the newest there is: a value from Redis may carry a
     * time a little ahead of this node's clock
     */

    now = ngx_http_catalog_now_ms();
    o->updated_at = ngx_max(now, slot->updated_at + 1);

    if (ngx_http_catalog_zone_write(mcf, slot, o, o == &v.o) != NGX_OK) {
        ngx_shmtx_unlock(&mcf->shpool->mutex);
        return NGX_ERROR;
    }

    /* for the Redis owner, which sends it on */

    n = sh->redis.pending_in;
    sh->redis.pending[n % NGX_HTTP_CATALOG_PENDING] = slot - sh->slots;
    ngx_memory_barrier();
    sh->redis.pending_in = n + 1;

    ngx_shmtx_unlock(&mcf->shpool->mutex);

    return NGX_OK;
}


ngx_int_t
ngx_http_catalog_zone_merge(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, const catalog_redis_value_t *v)
{
    ngx_http_catalog_slot_t  *slot;
    catalog_redis_value_t     cur;

    if (mcf->slots == NULL || (slot = mcf->slots[s->index]) == NULL) {
        return NGX_ERROR;
    }

    ngx_shmtx_lock(&mcf->shpool->mutex);

    /* writers hold the mutex: the slot is read as it is */

    if (slot->updated_at) {
        ngx_http_catalog_zone_record(slot, &cur);

        if (!catalog_redis_newer(v, &cur)) {
            ngx_shmtx_unlock(&mcf->shpool->mutex);
            return 0;
        }
    }

    if (ngx_http_catalog_zone_write(mcf, slot, &v->o, v->cleared)
        != NGX_OK)
    {
        ngx_shmtx_unlock(&mcf->shpool->mutex);
        return NGX_ERROR;
    }

    ngx_shmtx_unlock(&mcf->shpool->mutex);

    return 1;
}


ngx_int_t
ngx_http_catalog_zone_last(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, catalog_redis_value_t *v)
{
    ngx_uint_t                tries;
    ngx_atomic_t              seq;
    ngx_http_catalog_slot_t  *slot;

    if (mcf->slots == NULL || (slot = mcf->slots[s->index]) == NULL) {
        return 0;
    }

    for (tries = 0; /* void */ ; tries++) {

        seq = slot->seq;
        ngx_memory_barrier();

        if (seq & 1) {
            if (tries > NGX_HTTP_CATALOG_ZONE_SPINS) {
                /* a writer killed inside: read it as the writers do */
                ngx_http_catalog_zone_record(slot, v);
                break;
            }

            if (tries > 64) {
                ngx_sched_yield();
            }

            ngx_cpu_pause();
            continue;
        }

        ngx_http_catalog_zone_record(slot, v);

        ngx_memory_barrier();

        if (slot->seq == seq) {
            break;
        }
    }

    return v->o.updated_at != 0;
}


ngx_int_t
ngx_http_catalog_zone_slot_key(ngx_http_catalog_main_conf_t *mcf,
    ngx_uint_t i, catalog_str_t *key)
{
    ngx_http_catalog_slot_t  *slot;

    if (mcf->sh == NULL || i >= mcf->sh->capacity) {
        return NGX_ERROR;
    }

    slot = &mcf->sh->slots[i];

    if (slot->key == NULL) {
        return NGX_ERROR;
    }

    key->data = (char *) slot->key;
    key->len = slot->key_len;

    return NGX_OK;
}


/* a copy of the slot's last change; the caller makes it consistent */

static void
ngx_http_catalog_zone_record(ngx_http_catalog_slot_t *slot,
    catalog_redis_value_t *v)
{
    size_t  len;

    v->cleared = !slot->active;
    v->o.status = slot->active ? slot->status : CATALOG_STATUS_ACTIVE;
    v->o.until = slot->active ? slot->until : 0;
    v->o.updated_at = slot->updated_at;

    len = slot->active ? ngx_min(slot->message_len, CATALOG_MESSAGE_BYTES)
                       : 0;
    if (len) {
        ngx_memcpy(v->o.message, slot->message, len);
    }

    v->o.message_len = len;

    len = ngx_min(slot->updated_by_len, CATALOG_TOKEN_NAME_MAX);
    ngx_memcpy(v->o.updated_by, slot->updated_by, len);
    v->o.updated_by_len = len;
}


/* under the slab mutex */

static ngx_int_t
ngx_http_catalog_zone_write(ngx_http_catalog_main_conf_t *mcf,
    ngx_http_catalog_slot_t *slot, const catalog_override_t *o,
    ngx_uint_t cleared)
{
    ngx_http_catalog_sh_t  *sh;

    sh = mcf->sh;

    /* even: a writer killed between its two increments left it odd */

    slot->seq &= ~((ngx_atomic_uint_t) 1);

    if (!cleared && o->message_len && slot->message == NULL) {
        slot->message = ngx_slab_alloc_locked(mcf->shpool,
                                              CATALOG_MESSAGE_BYTES);
        if (slot->message == NULL) {
            return NGX_ERROR;
        }
    }

    if (!cleared && !slot->active) {
        sh->nactive++;

    } else if (cleared && slot->active) {
        sh->nactive--;
    }

    slot->seq++;
    ngx_memory_barrier();

    if (!cleared) {
        slot->active = 1;
        slot->status = o->status;
        slot->until = o->until;

        if (o->until
            && (sh->next_expiry == 0 || o->until < sh->next_expiry))
        {
            sh->next_expiry = o->until;
        }

        slot->message_len = ngx_min(o->message_len, CATALOG_MESSAGE_BYTES);

        if (slot->message_len) {
            ngx_memcpy(slot->message, o->message, slot->message_len);
        }

    } else {
        slot->active = 0;
        slot->message_len = 0;
    }

    slot->updated_at = o->updated_at;
    slot->updated_by_len = ngx_min(o->updated_by_len,
                                   CATALOG_TOKEN_NAME_MAX);
    ngx_memcpy(slot->updated_by, o->updated_by, slot->updated_by_len);

    ngx_memory_barrier();
    slot->seq++;

    sh->generation++;

    return NGX_OK;
}


ngx_uint_t
ngx_http_catalog_zone_generation(ngx_http_catalog_main_conf_t *mcf)
{
    time_t                    now;
    int64_t                   next;
    ngx_uint_t                i;
    ngx_http_catalog_sh_t    *sh;
    ngx_http_catalog_slot_t  *slot;

    sh = mcf->sh;

    if (sh == NULL) {
        return 0;
    }

    /*
     * an override whose end time passed changes what the API answers:
     * the first request after it moves the generation on, and looks for
     * the next end time (a walk of the slots, once per expiry)
     */

    now = ngx_time();

    if (sh->next_expiry == 0 || sh->next_expiry > (int64_t) now) {
        return sh->generation;
    }

    ngx_shmtx_lock(&mcf->shpool->mutex);

    if (sh->next_expiry && sh->next_expiry <= (int64_t) now) {
        next = 0;

        for (i = 0; i < sh->capacity; i++) {
            slot = &sh->slots[i];

            if (slot->active && slot->until > (int64_t) now
                && (next == 0 || slot->until < next))
            {
                next = slot->until;
            }
        }

        sh->next_expiry = next;
        sh->generation++;
    }

    ngx_shmtx_unlock(&mcf->shpool->mutex);

    return sh->generation;
}


void
ngx_http_catalog_zone_state(void *data, const catalog_service_t *s,
    catalog_state_t *st)
{
    ngx_http_catalog_state_ctx_t  *ctx = data;

    ngx_uint_t                      i;
    ngx_http_catalog_state_seen_t  *seen;

    if (ctx->first.service == s) {
        *st = ctx->first.state;
        return;
    }

    if (ctx->seen) {
        seen = ctx->seen->elts;

        for (i = 0; i < ctx->seen->nelts; i++) {
            if (seen[i].service == s) {
                *st = seen[i].state;
                return;
            }
        }
    }

    ngx_http_catalog_zone_read(ctx, s, st);

    if (ctx->first.service == NULL) {
        ctx->first.service = s;
        ctx->first.state = *st;
        return;
    }

    if (ctx->seen == NULL) {
        ctx->seen = ngx_array_create(ctx->pool, 4,
                                     sizeof(ngx_http_catalog_state_seen_t));
        if (ctx->seen == NULL) {
            return;
        }
    }

    seen = ngx_array_push(ctx->seen);
    if (seen) {
        seen->service = s;
        seen->state = *st;
    }
}


static void
ngx_http_catalog_zone_read(ngx_http_catalog_state_ctx_t *ctx,
    const catalog_service_t *s, catalog_state_t *st)
{
    char                *p;
    catalog_override_t   o;

    if (!ngx_http_catalog_zone_get(ctx->mcf, s, &o)
        || s->status == CATALOG_STATUS_RETIRED)
    {
        catalog_state(NULL, s, st);
        return;
    }

    st->status = o.status;
    st->message.data = "";
    st->message.len = 0;
    st->until.data = "";
    st->until.len = 0;
    st->until_time = 0;

    if (o.status != CATALOG_STATUS_MAINTENANCE) {
        return;
    }

    if (o.message_len) {
        p = ngx_pnalloc(ctx->pool, o.message_len);

        if (p) {
            ngx_memcpy(p, o.message, o.message_len);
            st->message.data = p;
            st->message.len = o.message_len;
        }

    } else {
        st->message = s->more->maintenance_message;
    }

    if (o.until) {
        p = ngx_pnalloc(ctx->pool, CATALOG_TIME_LEN + 1);

        if (p) {
            st->until.len = catalog_time_format(o.until, p);
            st->until.data = p;
            st->until_time = o.until;
        }
    }
}


void
ngx_http_catalog_state_fn(ngx_http_request_t *r, catalog_state_fn_t *fn,
    ngx_http_catalog_state_ctx_t *ctx)
{
    ctx->mcf = ngx_http_get_module_main_conf(r, ngx_http_catalog_module);
    ctx->pool = r->pool;
    ctx->first.service = NULL;
    ctx->seen = NULL;

    fn->handler = ngx_http_catalog_zone_state;
    fn->ctx = ctx;
}


catalog_status_e
ngx_http_catalog_zone_status(void *data, const catalog_service_t *s)
{
    ngx_http_catalog_main_conf_t  *mcf = data;

    catalog_override_t  o;

    if (s->status == CATALOG_STATUS_RETIRED
        || !ngx_http_catalog_zone_get(mcf, s, &o))
    {
        return s->status;
    }

    return o.status;
}


static void
ngx_http_catalog_zone_load(ngx_shm_zone_t *shm_zone,
    ngx_http_catalog_main_conf_t *mcf)
{
    char      err[CATALOG_ERROR_LEN];
    unsigned  skipped;

    if (mcf->state_file.len == 0) {
        return;
    }

    /* a damaged file is reported and ignored: nginx starts anyway */

    skipped = 0;

    if (catalog_state_read_all((char *) mcf->state_file.data,
                               ngx_http_catalog_zone_restore,
                               ngx_http_catalog_zone_restore_cleared, mcf,
                               &skipped, err, sizeof(err))
        != 0)
    {
        ngx_log_error(NGX_LOG_ERR, shm_zone->shm.log, 0,
                      "catalog: %s; starting without runtime overrides",
                      err);
        return;
    }

    /* err describes the first entry skipped: which one, and why */

    if (skipped) {
        ngx_log_error(NGX_LOG_WARN, shm_zone->shm.log, 0,
                      "catalog: %s; %ui invalid entries ignored", err,
                      (ngx_uint_t) skipped);
    }
}


static int
ngx_http_catalog_zone_restore(void *data, const char *key, size_t key_len,
    const catalog_override_t *o)
{
    ngx_http_catalog_main_conf_t  *mcf = data;

    catalog_service_t      *s;
    catalog_redis_value_t   v;

    s = catalog_find_service(mcf->catalog, key, key_len);

    /* a service no longer in the manifests keeps nothing */

    if (s == NULL || s->status == CATALOG_STATUS_RETIRED) {
        return 0;
    }

    v.cleared = 0;
    v.o = *o;

    (void) ngx_http_catalog_zone_merge(mcf, s, &v);

    return 0;
}


ngx_int_t
ngx_http_catalog_zone_save(ngx_http_catalog_main_conf_t *mcf,
    ngx_pool_t *pool, ngx_log_t *log)
{
    char                      err[CATALOG_ERROR_LEN];
    u_char                   *by, *tmp;
    uint64_t                  ticket;
    ngx_uint_t                i, n, nc;
    catalog_t                *cat;
    catalog_override_t       *o;
    catalog_redis_value_t     v;
    catalog_state_entry_t    *e;
    catalog_state_cleared_t  *c;

    if (mcf->state_file.len == 0) {
        return NGX_OK;
    }

    cat = mcf->catalog;

    e = ngx_palloc(pool, (cat->nservices + 1)
                         * sizeof(catalog_state_entry_t));
    o = ngx_palloc(pool, sizeof(catalog_override_t));

    if (e == NULL || o == NULL) {
        return NGX_ERROR;
    }

    c = NULL;

    if (mcf->redis) {
        c = ngx_palloc(pool, (cat->nservices + 1)
                             * sizeof(catalog_state_cleared_t));
        if (c == NULL) {
            return NGX_ERROR;
        }
    }

    /*
     * a blocking write, on purpose: changes are rare, and the file must
     * be on disk before the change is confirmed
     *
     * the overrides are read under the mutex, and numbered, so that a
     * writer cannot put an older view of them over a newer one that
     * another worker wrote meanwhile
     */

    ngx_shmtx_lock(&mcf->shpool->mutex);

    n = 0;
    nc = 0;

    for (i = 0; i < cat->nservices; i++) {

        /*
         * with Redis, a clear is kept too: an older override in Redis
         * must not come back after a restart
         */

        if (c && ngx_http_catalog_zone_last(mcf, cat->services[i], &v)
            && v.cleared)
        {
            by = ngx_pnalloc(pool, v.o.updated_by_len + 1);
            if (by == NULL) {
                ngx_shmtx_unlock(&mcf->shpool->mutex);
                return NGX_ERROR;
            }

            ngx_memcpy(by, v.o.updated_by, v.o.updated_by_len);

            c[nc].key = cat->services[i]->key.data;
            c[nc].key_len = cat->services[i]->key.len;
            c[nc].updated_at = v.o.updated_at;
            c[nc].updated_by = (char *) by;
            c[nc].updated_by_len = v.o.updated_by_len;
            nc++;
            continue;
        }

        if (!ngx_http_catalog_zone_get(mcf, cat->services[i], o)) {
            continue;
        }

        e[n].key = cat->services[i]->key.data;
        e[n].key_len = cat->services[i]->key.len;
        e[n].override = o;
        n++;

        o = ngx_palloc(pool, sizeof(catalog_override_t));
        if (o == NULL) {
            ngx_shmtx_unlock(&mcf->shpool->mutex);
            return NGX_ERROR;
        }
    }

    /*
     * the file is written outside the mutex (an fsync may take long, and
     * every worker takes the mutex to change the zone); each snapshot
     * has a ticket, and only a snapshot newer than the one in place is
     * renamed over it
     */

    ticket = ++mcf->sh->save_ticket;

    ngx_shmtx_unlock(&mcf->shpool->mutex);

    tmp = ngx_pnalloc(pool, mcf->state_file.len + NGX_INT64_LEN + 2);
    if (tmp == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(tmp, "%V.%P%Z", &mcf->state_file, ngx_pid);

    if (catalog_state_write_all((char *) tmp, e, n, c, nc, err, sizeof(err))
        != 0)
    {
        ngx_log_error(NGX_LOG_ERR, log, 0, "catalog: %s", err);
        (void) ngx_delete_file(tmp);
        return NGX_ERROR;
    }

    ngx_shmtx_lock(&mcf->shpool->mutex);

    if (ticket > mcf->sh->save_done) {
        if (ngx_rename_file(tmp, mcf->state_file.data) == NGX_FILE_ERROR) {
            ngx_shmtx_unlock(&mcf->shpool->mutex);
            ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                          "catalog: state file \"%V\": cannot rename "
                          "\"%s\"", &mcf->state_file, tmp);
            (void) ngx_delete_file(tmp);
            return NGX_ERROR;
        }

        mcf->sh->save_done = ticket;

    } else {
        /* a newer snapshot, with this change in it, is in place */
        (void) ngx_delete_file(tmp);
    }

    ngx_shmtx_unlock(&mcf->shpool->mutex);

    /* the rename lasts once the directory is on disk */

    if (catalog_state_sync((char *) mcf->state_file.data, err, sizeof(err))
        != 0)
    {
        ngx_log_error(NGX_LOG_ERR, log, 0, "catalog: %s", err);
        return NGX_ERROR;
    }

    return NGX_OK;
}


static int
ngx_http_catalog_zone_restore_cleared(void *data,
    const catalog_state_cleared_t *c)
{
    ngx_http_catalog_main_conf_t  *mcf = data;

    catalog_service_t      *s;
    catalog_redis_value_t   v;

    s = catalog_find_service(mcf->catalog, c->key, c->key_len);

    if (s == NULL || s->status == CATALOG_STATUS_RETIRED) {
        return 0;
    }

    ngx_memzero(&v, sizeof(catalog_redis_value_t));

    v.cleared = 1;
    v.o.updated_at = c->updated_at;
    v.o.updated_by_len = ngx_min(c->updated_by_len, CATALOG_TOKEN_NAME_MAX);
    ngx_memcpy(v.o.updated_by, c->updated_by, v.o.updated_by_len);

    (void) ngx_http_catalog_zone_merge(mcf, s, &v);

    return 0;
}


void
ngx_http_catalog_zone_count(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, ngx_uint_t outcome)
{
    catalog_stats_t          *st;
    ngx_http_catalog_slot_t  *slot;

    if (mcf->sh == NULL || outcome >= CATALOG_OUTCOMES) {
        return;
    }

    if (s == NULL) {
        (void) ngx_atomic_fetch_add(
                    (ngx_atomic_t *) &mcf->sh->unmatched.requests[outcome], 1);
        return;
    }

    st = mcf->agency_stats[s->agency_index];

    if (st) {
        (void) ngx_atomic_fetch_add((ngx_atomic_t *) &st->requests[outcome],
                                    1);
    }

    if (!mcf->per_service) {
        return;
    }

    slot = mcf->slots[s->index];

    if (slot) {
        (void) ngx_atomic_fetch_add(
                           (ngx_atomic_t *) &slot->stats->requests[outcome],
                           1);
    }
}


/* status 0: the attempt got no answer at all */

void
ngx_http_catalog_zone_upstream(ngx_http_catalog_main_conf_t *mcf,
    const catalog_service_t *s, ngx_uint_t status, ngx_msec_t ms)
{
    ngx_int_t                 class;
    ngx_uint_t                i, bucket;
    catalog_stats_t          *st[2];
    ngx_http_catalog_slot_t  *slot;

    if (mcf->sh == NULL) {
        return;
    }

    slot = mcf->per_service ? mcf->slots[s->index] : NULL;

    st[0] = mcf->agency_stats[s->agency_index];
    st[1] = slot ? slot->stats : NULL;

    class = catalog_metrics_class(status);
    bucket = catalog_metrics_bucket(ms);

    for (i = 0; i < 2; i++) {

        if (st[i] == NULL) {
            continue;
        }

        if (class < 0) {
            (void) ngx_atomic_fetch_add((ngx_atomic_t *) &st[i]->failures,
                                        1);
            continue;
        }

        (void) ngx_atomic_fetch_add(
                              (ngx_atomic_t *) &st[i]->responses[class], 1);

        if (i == 0) {
            /* the time histogram is kept per agency only */
            (void) ngx_atomic_fetch_add(
                              (ngx_atomic_t *) &st[i]->latency[bucket], 1);
            (void) ngx_atomic_fetch_add((ngx_atomic_t *) &st[i]->latency_ms,
                                        ms);
        }
    }
}


ngx_int_t
ngx_http_catalog_zone_report(ngx_http_catalog_main_conf_t *mcf,
    ngx_pool_t *pool, ngx_uint_t per_service, catalog_report_t *rep)
{
    ngx_uint_t                i, k;
    catalog_t                *cat;
    catalog_stats_t          *stats, *services;
    catalog_status_e          status;
    unsigned                 *statuses;
    unsigned char            *service_status;
    ngx_http_catalog_slot_t  *slot;

    cat = mcf->catalog;

    stats = ngx_pcalloc(pool, (cat->nagencies + 1) * sizeof(catalog_stats_t));
    statuses = ngx_pcalloc(pool, (cat->nagencies + 1) * CATALOG_STATUSES
                                 * sizeof(unsigned));
    if (stats == NULL || statuses == NULL) {
        return NGX_ERROR;
    }

    services = NULL;
    service_status = NULL;

    if (per_service) {
        services = ngx_pcalloc(pool, (cat->nservices + 1)
                                     * sizeof(catalog_stats_t));
        service_status = ngx_pcalloc(pool, cat->nservices + 1);
        if (services == NULL || service_status == NULL) {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < cat->nagencies; i++) {
        if (mcf->agency_stats[i]) {
            ngx_http_catalog_zone_copy_stats(&stats[i], mcf->agency_stats[i]);
        }
    }

    if (mcf->sh) {
        ngx_http_catalog_zone_copy_stats(&stats[cat->nagencies],
                                         &mcf->sh->unmatched);
    }

    for (i = 0; i < cat->nservices; i++) {
        status = ngx_http_catalog_zone_status(mcf, cat->services[i]);
        k = cat->services[i]->agency->index * CATALOG_STATUSES + status;
        statuses[k]++;

        if (per_service) {
            service_status[i] = (unsigned char) status;
            slot = mcf->slots[i];

            if (slot) {
                ngx_http_catalog_zone_copy_stats(&services[i], slot->stats);
            }
        }
    }

    rep->catalog = cat;
    rep->agencies = stats;
    rep->unmatched = &stats[cat->nagencies];
    rep->services = services;
    rep->service_status = service_status;
    rep->statuses = statuses;
    rep->generation = ngx_http_catalog_zone_generation(mcf);

    if (mcf->shm_zone) {
        rep->zone_size = mcf->shm_zone->shm.size;
        rep->zone_used = mcf->shpool
                         ? rep->zone_size - mcf->shpool->pfree * ngx_pagesize
                         : 0;
    }

    return NGX_OK;
}


/* counter by counter: each read is one aligned word, never torn */

static void
ngx_http_catalog_zone_copy_stats(catalog_stats_t *dst, catalog_stats_t *src)
{
    ngx_uint_t                  i, n;
    catalog_counter_t          *d;
    volatile catalog_counter_t *s;

    n = sizeof(catalog_stats_t) / sizeof(catalog_counter_t);
    d = (catalog_counter_t *) dst;
    s = (volatile catalog_counter_t *) src;

    for (i = 0; i < n; i++) {
        d[i] = s[i];
    }
}
