
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_METRICS_H_INCLUDED_
#define _CATALOG_METRICS_H_INCLUDED_


/*
 * What operators see: the counters kept per agency and per service, and
 * the two reports written from a snapshot of them, the status JSON and
 * the Prometheus text exposition (version 0.0.4).  Plain C: the embedder
 * keeps the counters (nginx: in the shared zone, added to atomically)
 * and hands a snapshot over, so that measuring and writing see the same
 * figures.
 */


#include <stddef.h>
#include <stdint.h>

#include <catalog.h>


#define CATALOG_OUTCOMES         6     /* proxy .. method_not_allowed */
#define CATALOG_CLASSES          5     /* 1xx .. 5xx */
#define CATALOG_STATUSES         3     /* catalog_status_e */
#define CATALOG_LATENCY_BOUNDS   11    /* finite bucket bounds */


/* nginx's ngx_atomic_uint_t, so that the zone adds to it atomically */

typedef unsigned long  catalog_counter_t;


typedef struct {
    catalog_counter_t             requests[CATALOG_OUTCOMES];
    catalog_counter_t             responses[CATALOG_CLASSES];
    catalog_counter_t             failures;    /* no answer at all */

    /* backend time: per bucket (not cumulative), the last is +Inf */
    catalog_counter_t             latency[CATALOG_LATENCY_BOUNDS + 1];
    catalog_counter_t             latency_ms;  /* sum */
} catalog_stats_t;


/* Redis as the status reports it, and the fleet seen through it */

typedef struct {
    unsigned                      configured:1;
    unsigned                      connected:1;
    int64_t                       since;       /* 0: unknown */
    int64_t                       last_sync;   /* 0: never */
    uint64_t                      version;
    uint64_t                      reconnects;
    uint64_t                      errors;
    unsigned                      fleet_nodes;
    unsigned                      fleet_drift:1;
    catalog_str_t                 fleet;       /* the "fleet" JSON */
} catalog_redis_report_t;


typedef struct {
    const catalog_t              *catalog;
    catalog_str_t                 version;     /* hash of the manifests */
    int64_t                       loaded_at;
    uint64_t                      generation;
    size_t                        zone_size;
    size_t                        zone_used;

    const catalog_stats_t        *agencies;    /* by agency index */
    const catalog_stats_t        *services;    /* by service index: only
                                                  with per-service labels */
    const catalog_stats_t        *unmatched;   /* no service matched */

    /* effective statuses: [agency index * CATALOG_STATUSES + status] */
    const unsigned               *statuses;

    /* with per-service labels: the effective status by service index */
    const unsigned char          *service_status;

    const catalog_redis_report_t *redis;
} catalog_report_t;


/*
 * The counter an outcome of catalog_decide() goes to: an empty catalog
 * is counted as not_found (no service matched).
 */
unsigned catalog_metrics_outcome(catalog_outcome_e outcome);

/* the bucket of a backend time in milliseconds */
unsigned catalog_metrics_bucket(uint64_t ms);

/* the counter of an HTTP status: 0 for 1xx .. 4 for 5xx, -1 otherwise */
int catalog_metrics_class(unsigned status);

/* a + b, counter by counter */
void catalog_stats_add(catalog_stats_t *a, const catalog_stats_t *b);

/* measure (dst NULL) and write */
size_t catalog_metrics_text(char *dst, const catalog_report_t *r);
size_t catalog_status_json(char *dst, const catalog_report_t *r);


#endif /* _CATALOG_METRICS_H_INCLUDED_ */
