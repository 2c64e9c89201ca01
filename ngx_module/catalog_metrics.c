
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdint.h>
#include <string.h>

#include <catalog_metrics.h>
#include <catalog_admin.h>
#include <catalog_buf.h>


/*
 * Series are labelled by agency; with per-service labels (the report
 * carries service counters) by agency and service instead, never both,
 * so that a sum over a family counts every request once.  Requests that
 * match no service have agency="" (and service="").  The backend time
 * histogram is per agency in both cases: fourteen series per service
 * would be too many for a catalog of 27,000.
 */


typedef struct {
    const catalog_str_t          *agency;
    const catalog_str_t          *service;     /* NULL: agency labels */
    const catalog_stats_t        *stats;
} catalog_owner_t;


static int catalog_metrics_owner(const catalog_report_t *r, unsigned i,
    int by_service, catalog_owner_t *o);
static void catalog_metrics_family(catalog_buf_t *b, const char *name,
    const char *type, const char *help);
static void catalog_metrics_labels(catalog_buf_t *b, const char *name,
    const catalog_owner_t *o);
static void catalog_metrics_label(catalog_buf_t *b, const catalog_str_t *s);
static void catalog_metrics_seconds(catalog_buf_t *b, uint64_t ms);
static void catalog_metrics_totals(const catalog_report_t *r,
    catalog_stats_t *total);
static void catalog_status_time(catalog_buf_t *b, int64_t t);
static void catalog_status_counts(catalog_buf_t *b, const char **names,
    const catalog_counter_t *values, unsigned n);


static const char  *catalog_outcome_names[CATALOG_OUTCOMES] = {
    "proxy", "redirect", "gone", "maintenance", "not_found",
    "method_not_allowed"
};

static const char  *catalog_class_names[CATALOG_CLASSES] = {
    "1xx", "2xx", "3xx", "4xx", "5xx"
};

static const char  *catalog_status_names[CATALOG_STATUSES] = {
    "active", "maintenance", "retired"
};

/* Prometheus' default buckets, in milliseconds and as written in "le" */

static const unsigned  catalog_bounds_ms[CATALOG_LATENCY_BOUNDS] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};

static const char  *catalog_bounds_le[CATALOG_LATENCY_BOUNDS] = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
    "5", "10"
};

static const catalog_str_t  catalog_none = { 0, "" };


unsigned
catalog_metrics_outcome(catalog_outcome_e outcome)
{
    if (outcome >= CATALOG_OUTCOMES) {
        return CATALOG_OUTCOME_NOT_FOUND;
    }

    return outcome;
}


unsigned
catalog_metrics_bucket(uint64_t ms)
{
    unsigned  i;

    for (i = 0; i < CATALOG_LATENCY_BOUNDS; i++) {
        if (ms <= catalog_bounds_ms[i]) {
            return i;
        }
    }

    return CATALOG_LATENCY_BOUNDS;
}


int
catalog_metrics_class(unsigned status)
{
    if (status < 100 || status > 599) {
        return -1;
    }

    return (int) (status / 100) - 1;
}


void
catalog_stats_add(catalog_stats_t *a, const catalog_stats_t *b)
{
    unsigned  i;

    for (i = 0; i < CATALOG_OUTCOMES; i++) {
        a->requests[i] += b->requests[i];
    }

    for (i = 0; i < CATALOG_CLASSES; i++) {
        a->responses[i] += b->responses[i];
    }

    for (i = 0; i <= CATALOG_LATENCY_BOUNDS; i++) {
        a->latency[i] += b->latency[i];
    }

    a->failures += b->failures;
    a->latency_ms += b->latency_ms;
}


size_t
catalog_metrics_text(char *dst, const catalog_report_t *r)
{
    unsigned          i, k, a, status;
    uint64_t          cumulative, count;
    catalog_buf_t     buf, *b;
    int               by_service;
    catalog_owner_t   o;
    const catalog_t  *cat;

    buf.dst = dst;
    buf.len = 0;
    b = &buf;
    cat = r->catalog;
    by_service = (r->services != NULL);

    catalog_metrics_family(b, "catalog_info", "gauge",
                           "The loaded catalog: a hash of its manifests.");
    catalog_buf_literal(b, "catalog_info{version=\"");
    catalog_metrics_label(b, &r->version);
    catalog_buf_literal(b, "\"} 1\n");

    catalog_metrics_family(b, "catalog_loaded_timestamp_seconds", "gauge",
                           "When this node loaded its configuration.");
    catalog_buf_literal(b, "catalog_loaded_timestamp_seconds ");
    catalog_buf_number(b, (uint64_t) (r->loaded_at > 0 ? r->loaded_at : 0));
    catalog_buf_literal(b, "\n");

    catalog_metrics_family(b, "catalog_agencies", "gauge",
                           "Agencies in the catalog.");
    catalog_buf_literal(b, "catalog_agencies ");
    catalog_buf_number(b, cat->nagencies);
    catalog_buf_literal(b, "\n");

    catalog_metrics_family(b, "catalog_services", "gauge",
                           "Services in the catalog.");
    catalog_buf_literal(b, "catalog_services ");
    catalog_buf_number(b, cat->nservices);
    catalog_buf_literal(b, "\n");

    catalog_metrics_family(b, "catalog_routes", "gauge",
                           "Routes in the catalog.");
    catalog_buf_literal(b, "catalog_routes ");
    catalog_buf_number(b, cat->table.nroutes);
    catalog_buf_literal(b, "\n");

    catalog_metrics_family(b, "catalog_agency_info", "gauge",
                           "An agency of the catalog and its name.");

    for (a = 0; a < cat->nagencies; a++) {
        catalog_buf_literal(b, "catalog_agency_info{agency=\"");
        catalog_metrics_label(b, &cat->agencies[a]->id);
        catalog_buf_literal(b, "\",name=\"");
        catalog_metrics_label(b, &cat->agencies[a]->name);
        catalog_buf_literal(b, "\"} 1\n");
    }

    catalog_metrics_family(b, "catalog_services_status", "gauge",
                           "Services by effective status "
                           "(runtime overrides included).");

    for (a = 0; a < cat->nagencies; a++) {
        for (k = 0; k < CATALOG_STATUSES; k++) {
            catalog_buf_literal(b, "catalog_services_status{agency=\"");
            catalog_metrics_label(b, &cat->agencies[a]->id);
            catalog_buf_literal(b, "\",status=\"");
            catalog_buf_cstr(b, catalog_status_names[k]);
            catalog_buf_literal(b, "\"} ");
            catalog_buf_number(b, r->statuses[a * CATALOG_STATUSES + k]);
            catalog_buf_literal(b, "\n");
        }
    }

    if (r->services && r->service_status) {
        catalog_metrics_family(b, "catalog_service_status", "gauge",
                               "The effective status of each service.");

        for (i = 0; i < cat->nservices; i++) {
            o.agency = &cat->services[i]->agency->id;
            o.service = &cat->services[i]->id;
            catalog_metrics_labels(b, "catalog_service_status", &o);

            status = r->service_status[i];
            catalog_buf_literal(b, ",status=\"");
            catalog_buf_cstr(b, catalog_status_names[status
                                                     < CATALOG_STATUSES
                                                     ? status : 0]);
            catalog_buf_literal(b, "\"} 1\n");
        }
    }

    catalog_metrics_family(b, "catalog_requests_total", "counter",
                           "Requests routed, by outcome.");

    for (i = 0; catalog_metrics_owner(r, i, by_service, &o); i++) {
        for (k = 0; k < CATALOG_OUTCOMES; k++) {

            /* a request is not found exactly when it has no service */

            if ((o.agency->len == 0) != (k == CATALOG_OUTCOME_NOT_FOUND)) {
                continue;
            }

            catalog_metrics_labels(b, "catalog_requests_total", &o);
            catalog_buf_literal(b, ",outcome=\"");
            catalog_buf_cstr(b, catalog_outcome_names[k]);
            catalog_buf_literal(b, "\"} ");
            catalog_buf_number(b, o.stats->requests[k]);
            catalog_buf_literal(b, "\n");
        }
    }

    /* the upstream figures: nothing is proxied without a service */

    catalog_metrics_family(b, "catalog_upstream_responses_total", "counter",
                           "Responses backends sent, by status class.");

    for (i = 0; catalog_metrics_owner(r, i, by_service, &o) && o.agency->len;
         i++)
    {
        for (k = 0; k < CATALOG_CLASSES; k++) {
            catalog_metrics_labels(b, "catalog_upstream_responses_total",
                                   &o);
            catalog_buf_literal(b, ",class=\"");
            catalog_buf_cstr(b, catalog_class_names[k]);
            catalog_buf_literal(b, "\"} ");
            catalog_buf_number(b, o.stats->responses[k]);
            catalog_buf_literal(b, "\n");
        }
    }

    catalog_metrics_family(b, "catalog_upstream_failures_total", "counter",
                           "Attempts no backend answered "
                           "(refused, reset, timed out).");

    for (i = 0; catalog_metrics_owner(r, i, by_service, &o) && o.agency->len;
         i++)
    {
        catalog_metrics_labels(b, "catalog_upstream_failures_total", &o);
        catalog_buf_literal(b, "} ");
        catalog_buf_number(b, o.stats->failures);
        catalog_buf_literal(b, "\n");
    }

    catalog_metrics_family(b, "catalog_upstream_response_seconds",
                           "histogram",
                           "Time backends took to answer, "
                           "whole response.");

    for (i = 0; catalog_metrics_owner(r, i, 0, &o) && o.agency->len; i++) {
        cumulative = 0;

        for (k = 0; k <= CATALOG_LATENCY_BOUNDS; k++) {
            cumulative += o.stats->latency[k];

            catalog_metrics_labels(b, "catalog_upstream_response_seconds"
                                      "_bucket", &o);
            catalog_buf_literal(b, ",le=\"");
            catalog_buf_cstr(b, k < CATALOG_LATENCY_BOUNDS
                                ? catalog_bounds_le[k] : "+Inf");
            catalog_buf_literal(b, "\"} ");
            catalog_buf_number(b, cumulative);
            catalog_buf_literal(b, "\n");
        }

        count = cumulative;

        catalog_metrics_labels(b, "catalog_upstream_response_seconds_sum",
                               &o);
        catalog_buf_literal(b, "} ");
        catalog_metrics_seconds(b, o.stats->latency_ms);
        catalog_buf_literal(b, "\n");

        catalog_metrics_labels(b, "catalog_upstream_response_seconds_count",
                               &o);
        catalog_buf_literal(b, "} ");
        catalog_buf_number(b, count);
        catalog_buf_literal(b, "\n");
    }

    catalog_metrics_family(b, "catalog_zone_size_bytes", "gauge",
                           "Size of the shared zone.");
    catalog_buf_literal(b, "catalog_zone_size_bytes ");
    catalog_buf_number(b, r->zone_size);
    catalog_buf_literal(b, "\n");

    catalog_metrics_family(b, "catalog_zone_used_bytes", "gauge",
                           "Bytes of the shared zone in use.");
    catalog_buf_literal(b, "catalog_zone_used_bytes ");
    catalog_buf_number(b, r->zone_used);
    catalog_buf_literal(b, "\n");

    /* without Redis configured, its series are absent, not zero */

    if (r->redis && r->redis->configured) {
        catalog_metrics_family(b, "catalog_redis_up", "gauge",
                               "Whether Redis is connected.");
        catalog_buf_literal(b, "catalog_redis_up ");
        catalog_buf_number(b, r->redis->connected);
        catalog_buf_literal(b, "\n");

        catalog_metrics_family(b, "catalog_redis_reconnects_total",
                               "counter", "Connections made to Redis "
                               "after the first.");
        catalog_buf_literal(b, "catalog_redis_reconnects_total ");
        catalog_buf_number(b, r->redis->reconnects);
        catalog_buf_literal(b, "\n");

        catalog_metrics_family(b, "catalog_fleet_nodes", "gauge",
                               "Nodes publishing to the same Redis, this "
                               "one included.");
        catalog_buf_literal(b, "catalog_fleet_nodes ");
        catalog_buf_number(b, r->redis->fleet_nodes);
        catalog_buf_literal(b, "\n");

        catalog_metrics_family(b, "catalog_fleet_drift", "gauge",
                               "Whether the nodes serve different catalog "
                               "versions.");
        catalog_buf_literal(b, "catalog_fleet_drift ");
        catalog_buf_number(b, r->redis->fleet_drift);
        catalog_buf_literal(b, "\n");
    }

    return buf.len;
}


/* the i-th owner of series, the requests without a service last */

static int
catalog_metrics_owner(const catalog_report_t *r, unsigned i, int by_service,
    catalog_owner_t *o)
{
    unsigned                  n;
    const catalog_t          *cat;
    const catalog_service_t  *s;

    cat = r->catalog;
    n = by_service ? cat->nservices : cat->nagencies;

    if (i > n) {
        return 0;
    }

    if (i == n) {
        o->agency = &catalog_none;
        o->service = by_service ? &catalog_none : NULL;
        o->stats = r->unmatched;
        return 1;
    }

    if (by_service) {
        s = cat->services[i];
        o->agency = &s->agency->id;
        o->service = &s->id;
        o->stats = &r->services[i];
        return 1;
    }

    o->agency = &cat->agencies[i]->id;
    o->service = NULL;
    o->stats = &r->agencies[i];

    return 1;
}


static void
catalog_metrics_family(catalog_buf_t *b, const char *name, const char *type,
    const char *help)
{
    catalog_buf_literal(b, "# HELP ");
    catalog_buf_cstr(b, name);
    catalog_buf_literal(b, " ");
    catalog_buf_cstr(b, help);
    catalog_buf_literal(b, "\n# TYPE ");
    catalog_buf_cstr(b, name);
    catalog_buf_literal(b, " ");
    catalog_buf_cstr(b, type);
    catalog_buf_literal(b, "\n");
}


/* name{agency="..."[,service="..."] : the caller adds the rest */

static void
catalog_metrics_labels(catalog_buf_t *b, const char *name,
    const catalog_owner_t *o)
{
    catalog_buf_cstr(b, name);
    catalog_buf_literal(b, "{agency=\"");
    catalog_metrics_label(b, o->agency);
    catalog_buf_literal(b, "\"");

    if (o->service) {
        catalog_buf_literal(b, ",service=\"");
        catalog_metrics_label(b, o->service);
        catalog_buf_literal(b, "\"");
    }
}


/* a label value: backslash, double quote and line feed escaped */

static void
catalog_metrics_label(catalog_buf_t *b, const catalog_str_t *s)
{
    size_t       i, start;
    const char  *esc;

    start = 0;

    for (i = 0; i < s->len; i++) {

        switch (s->data[i]) {
        case '\\':
            esc = "\\\\";
            break;
        case '"':
            esc = "\\\"";
            break;
        case '\n':
            esc = "\\n";
            break;
        default:
            continue;
        }

        catalog_buf_add(b, s->data + start, i - start);
        catalog_buf_add(b, esc, 2);
        start = i + 1;
    }

    catalog_buf_add(b, s->data + start, s->len - start);
}


static void
catalog_metrics_seconds(catalog_buf_t *b, uint64_t ms)
{
    char  frac[4];

    catalog_buf_number(b, ms / 1000);

    frac[0] = '.';
    frac[1] = (char) ('0' + ms / 100 % 10);
    frac[2] = (char) ('0' + ms / 10 % 10);
    frac[3] = (char) ('0' + ms % 10);

    catalog_buf_add(b, frac, 4);
}


static void
catalog_metrics_totals(const catalog_report_t *r, catalog_stats_t *total)
{
    unsigned  a;

    memset(total, 0, sizeof(catalog_stats_t));

    for (a = 0; a < r->catalog->nagencies; a++) {
        catalog_stats_add(total, &r->agencies[a]);
    }

    catalog_stats_add(total, r->unmatched);
}


size_t
catalog_status_json(char *dst, const catalog_report_t *r)
{
    unsigned           a, k;
    catalog_buf_t      buf, *b;
    catalog_stats_t    total;
    const catalog_t   *cat;
    catalog_counter_t  statuses[CATALOG_STATUSES];

    static const catalog_redis_report_t  none;

    buf.dst = dst;
    buf.len = 0;
    b = &buf;
    cat = r->catalog;

    catalog_buf_literal(b, "{\"version\": ");
    catalog_buf_json_string(b, &r->version);
    catalog_buf_literal(b, ", \"loaded_at\": ");
    catalog_status_time(b, r->loaded_at);
    catalog_buf_literal(b, ", \"generation\": ");
    catalog_buf_number(b, r->generation);
    catalog_buf_literal(b, ", \"agencies\": ");
    catalog_buf_number(b, cat->nagencies);
    catalog_buf_literal(b, ", \"services\": ");
    catalog_buf_number(b, cat->nservices);
    catalog_buf_literal(b, ", \"routes\": ");
    catalog_buf_number(b, cat->table.nroutes);

    for (k = 0; k < CATALOG_STATUSES; k++) {
        statuses[k] = 0;

        for (a = 0; a < cat->nagencies; a++) {
            statuses[k] += r->statuses[a * CATALOG_STATUSES + k];
        }
    }

    catalog_buf_literal(b, ", \"statuses\": ");
    catalog_status_counts(b, catalog_status_names, statuses,
                          CATALOG_STATUSES);

    catalog_buf_literal(b, ", \"zone\": {\"size\": ");
    catalog_buf_number(b, r->zone_size);
    catalog_buf_literal(b, ", \"used\": ");
    catalog_buf_number(b, r->zone_used);

    /* the same keys whether Redis is configured or not */

    catalog_buf_literal(b, "}, \"redis\": {\"configured\": ");

    if (r->redis && r->redis->configured) {
        catalog_buf_literal(b, "true, \"connected\": ");

        if (r->redis->connected) {
            catalog_buf_literal(b, "true");
        } else {
            catalog_buf_literal(b, "false");
        }

        catalog_buf_literal(b, ", \"since\": ");
        catalog_status_time(b, r->redis->since);
        catalog_buf_literal(b, ", \"last_sync\": ");
        catalog_status_time(b, r->redis->last_sync);
        catalog_buf_literal(b, ", \"version\": ");
        catalog_buf_number(b, r->redis->version);

    } else {
        catalog_buf_literal(b, "false, \"connected\": false, \"since\": null, "
                               "\"last_sync\": null, \"version\": null");
    }

    catalog_buf_literal(b, ", \"reconnects\": ");
    catalog_buf_number(b, (r->redis ? r->redis : &none)->reconnects);
    catalog_buf_literal(b, ", \"errors\": ");
    catalog_buf_number(b, (r->redis ? r->redis : &none)->errors);

    catalog_buf_literal(b, "}");

    /* the fleet, only with Redis: {"nodes": [...], "drift": ...} */

    if (r->redis && r->redis->configured) {
        catalog_buf_literal(b, ", \"fleet\": ");

        if (r->redis->fleet.len) {
            catalog_buf_add(b, r->redis->fleet.data, r->redis->fleet.len);

        } else {
            catalog_buf_literal(b, "{\"nodes\": [], \"drift\": false}");
        }
    }

    catalog_metrics_totals(r, &total);

    catalog_buf_literal(b, ", \"requests\": ");
    catalog_status_counts(b, catalog_outcome_names, total.requests,
                          CATALOG_OUTCOMES);
    catalog_buf_literal(b, ", \"upstream\": {\"responses\": ");
    catalog_status_counts(b, catalog_class_names, total.responses,
                          CATALOG_CLASSES);
    catalog_buf_literal(b, ", \"failures\": ");
    catalog_buf_number(b, total.failures);
    catalog_buf_literal(b, "}}");

    return buf.len;
}


static void
catalog_status_time(catalog_buf_t *b, int64_t t)
{
    char  text[CATALOG_TIME_LEN + 1];

    if (t <= 0) {
        catalog_buf_literal(b, "null");
        return;
    }

    catalog_buf_literal(b, "\"");
    catalog_buf_add(b, text, catalog_time_format(t, text));
    catalog_buf_literal(b, "\"");
}


/* {"name": value, ...} */

static void
catalog_status_counts(catalog_buf_t *b, const char **names,
    const catalog_counter_t *values, unsigned n)
{
    unsigned  i;

    catalog_buf_literal(b, "{");

    for (i = 0; i < n; i++) {
        if (i) {
            catalog_buf_literal(b, ", ");
        }

        catalog_buf_literal(b, "\"");
        catalog_buf_cstr(b, names[i]);
        catalog_buf_literal(b, "\": ");
        catalog_buf_number(b, values[i]);
    }

    catalog_buf_literal(b, "}");
}
