
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The operators' reports (catalog_metrics.c): the bucket, class and
 * outcome arithmetic, the Prometheus text (label escaping, series by
 * agency or by service, never both, the histogram cumulative, Redis
 * series absent unless configured) and the status JSON (valid, exact
 * figures, the same keys with and without Redis).  Every report is
 * measured, then written into a buffer of exactly that length (ASan).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <catalog.h>
#include <catalog_metrics.h>

#include "unit.h"


static const char  *manifests[] = {

    "{'agency': {'id': 'dukcapil', 'name': 'Ditjen \\'Dukcapil\\' \\\\ "
    "Kemendagri'}, 'services': ["
    "{'id': 'ktp', 'name': 'KTP', 'category': 'c', "
    "'routes': [{'path': '/ktp'}, {'path': '/e-ktp'}], "
    "'backends': ['10.0.0.1:80']}, "
    "{'id': 'kk', 'name': 'KK', 'category': 'c', "
    "'routes': [{'path': '/kk'}], 'backends': ['10.0.0.1:80'], "
    "'status': 'maintenance'}]}",

    "{'agency': {'id': 'djp', 'name': 'DJP'}, 'services': ["
    "{'id': 'npwp', 'name': 'NPWP', 'category': 'c', "
    "'routes': [{'path': '/npwp'}], 'status': 'retired'}]}"
};


typedef struct {
    catalog_t                    *cat;
    catalog_stats_t               agencies[2];
    catalog_stats_t               services[3];
    catalog_stats_t               unmatched;
    unsigned                      statuses[2 * CATALOG_STATUSES];
    unsigned char                 service_status[3];
    catalog_redis_report_t        redis;
    catalog_report_t              report;
} fixture_t;


static int
setup(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    size_t      i;
    fixture_t  *f;

    f = calloc(1, sizeof(fixture_t));
    assert_non_null(f);

    f->cat = catalog_create();
    assert_non_null(f->cat);

    for (i = 0; i < sizeof(manifests) / sizeof(manifests[0]); i++) {
        unit_add_ok(f->cat, manifests[i]);
    }

    assert_int_equal(catalog_finish(f->cat, err, sizeof(err)), 0);

    /* dukcapil: 7 proxied (ktp), 2 maintenance (kk); 9 not found */

    f->agencies[0].requests[CATALOG_OUTCOME_PROXY] = 7;
    f->agencies[0].requests[CATALOG_OUTCOME_MAINTENANCE] = 2;
    f->agencies[0].responses[1] = 5;
    f->agencies[0].responses[4] = 1;
    f->agencies[0].failures = 1;
    f->agencies[0].latency[0] = 3;        /* <= 5 ms */
    f->agencies[0].latency[4] = 2;        /* <= 100 ms */
    f->agencies[0].latency[CATALOG_LATENCY_BOUNDS] = 1;   /* > 10 s */
    f->agencies[0].latency_ms = 12345;
    f->agencies[1].requests[CATALOG_OUTCOME_GONE] = 4;

    f->services[0] = f->agencies[0];
    f->services[0].requests[CATALOG_OUTCOME_MAINTENANCE] = 0;
    f->services[1].requests[CATALOG_OUTCOME_MAINTENANCE] = 2;
    f->services[2].requests[CATALOG_OUTCOME_GONE] = 4;

    f->unmatched.requests[CATALOG_OUTCOME_NOT_FOUND] = 9;

    f->statuses[0 * CATALOG_STATUSES + CATALOG_STATUS_ACTIVE] = 1;
    f->statuses[0 * CATALOG_STATUSES + CATALOG_STATUS_MAINTENANCE] = 1;
    f->statuses[1 * CATALOG_STATUSES + CATALOG_STATUS_RETIRED] = 1;

    f->service_status[0] = CATALOG_STATUS_ACTIVE;
    f->service_status[1] = CATALOG_STATUS_MAINTENANCE;
    f->service_status[2] = CATALOG_STATUS_RETIRED;

    f->report.catalog = f->cat;
    f->report.version.data = "00112233aabbccdd";
    f->report.version.len = 16;
    f->report.loaded_at = 1795824000;     /* 2026-11-28T00:00:00Z */
    f->report.generation = 42;
    f->report.zone_size = 1048576;
    f->report.zone_used = 65536;
    f->report.agencies = f->agencies;
    f->report.unmatched = &f->unmatched;
    f->report.statuses = f->statuses;
    f->report.redis = &f->redis;

    *state = f;

    return 0;
}


static int
teardown(void **state)
{
    fixture_t  *f = *state;

    catalog_free(f->cat);
    free(f);

    return 0;
}


typedef size_t (*writer_t)(char *dst, const catalog_report_t *r);


static char *
render(writer_t w, const catalog_report_t *r)
{
    char    *exact, *s;
    size_t   len;

    len = w(NULL, r);
    assert_true(len > 0);

    exact = malloc(len);
    assert_non_null(exact);
    assert_int_equal(w(exact, r), len);

    s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, exact, len);
    s[len] = '\0';
    free(exact);

    return s;
}


static void
has(const char *text, const char *line)
{
    const char  *p;
    size_t       n;

    n = strlen(line);

    for (p = text; (p = strstr(p, line)) != NULL; p++) {
        if ((p == text || p[-1] == '\n') && p[n] == '\n') {
            return;
        }
    }

    fail_msg("no line \"%s\" in:\n%s", line, text);
}


static void
lacks(const char *text, const char *part)
{
    if (strstr(text, part) != NULL) {
        fail_msg("\"%s\" should not be in:\n%s", part, text);
    }
}


static void
test_bucket(void **state)
{
    (void) state;

    assert_int_equal(catalog_metrics_bucket(0), 0);
    assert_int_equal(catalog_metrics_bucket(5), 0);
    assert_int_equal(catalog_metrics_bucket(6), 1);
    assert_int_equal(catalog_metrics_bucket(100), 4);
    assert_int_equal(catalog_metrics_bucket(101), 5);
    assert_int_equal(catalog_metrics_bucket(10000), 10);
    assert_int_equal(catalog_metrics_bucket(10001), CATALOG_LATENCY_BOUNDS);
    assert_int_equal(catalog_metrics_bucket(UINT64_MAX),
                     CATALOG_LATENCY_BOUNDS);
}


static void
test_class(void **state)
{
    (void) state;

    assert_int_equal(catalog_metrics_class(0), -1);
    assert_int_equal(catalog_metrics_class(99), -1);
    assert_int_equal(catalog_metrics_class(100), 0);
    assert_int_equal(catalog_metrics_class(204), 1);
    assert_int_equal(catalog_metrics_class(399), 2);
    assert_int_equal(catalog_metrics_class(404), 3);
    assert_int_equal(catalog_metrics_class(599), 4);
    assert_int_equal(catalog_metrics_class(600), -1);
    assert_int_equal(catalog_metrics_class(999), -1);
}


static void
test_outcome(void **state)
{
    (void) state;

    assert_int_equal(catalog_metrics_outcome(CATALOG_OUTCOME_PROXY),
                     CATALOG_OUTCOME_PROXY);
    assert_int_equal(catalog_metrics_outcome(
                         CATALOG_OUTCOME_METHOD_NOT_ALLOWED),
                     CATALOG_OUTCOME_METHOD_NOT_ALLOWED);
    assert_int_equal(catalog_metrics_outcome(CATALOG_OUTCOME_EMPTY),
                     CATALOG_OUTCOME_NOT_FOUND);
}


static void
test_stats_add(void **state)
{
    fixture_t        *f = *state;
    catalog_stats_t   sum;

    memset(&sum, 0, sizeof(sum));
    catalog_stats_add(&sum, &f->agencies[0]);
    catalog_stats_add(&sum, &f->agencies[0]);
    catalog_stats_add(&sum, &f->unmatched);

    assert_int_equal(sum.requests[CATALOG_OUTCOME_PROXY], 14);
    assert_int_equal(sum.requests[CATALOG_OUTCOME_NOT_FOUND], 9);
    assert_int_equal(sum.responses[1], 10);
    assert_int_equal(sum.failures, 2);
    assert_int_equal(sum.latency[CATALOG_LATENCY_BOUNDS], 2);
    assert_int_equal(sum.latency_ms, 24690);
}


static void
test_text_by_agency(void **state)
{
    fixture_t  *f = *state;
    char       *t;

    t = render(catalog_metrics_text, &f->report);

    /* every family with HELP and TYPE, in that order, first */
    assert_non_null(strstr(t, "# HELP catalog_requests_total Requests "
                              "routed, by outcome.\n# TYPE "
                              "catalog_requests_total counter\n"));
    assert_non_null(strstr(t, "# TYPE catalog_upstream_response_seconds "
                              "histogram\n"));

    has(t, "catalog_info{version=\"00112233aabbccdd\"} 1");
    has(t, "catalog_loaded_timestamp_seconds 1795824000");
    has(t, "catalog_agencies 2");
    has(t, "catalog_services 3");
    has(t, "catalog_routes 4");

    /* quote and backslash escaped in a label value */
    has(t, "catalog_agency_info{agency=\"dukcapil\","
           "name=\"Ditjen \\\"Dukcapil\\\" \\\\ Kemendagri\"} 1");

    has(t, "catalog_services_status{agency=\"dukcapil\","
           "status=\"maintenance\"} 1");
    has(t, "catalog_services_status{agency=\"djp\",status=\"retired\"} 1");
    has(t, "catalog_services_status{agency=\"djp\",status=\"active\"} 0");

    has(t, "catalog_requests_total{agency=\"dukcapil\",outcome=\"proxy\"} 7");
    has(t, "catalog_requests_total{agency=\"dukcapil\","
           "outcome=\"maintenance\"} 2");
    has(t, "catalog_requests_total{agency=\"dukcapil\","
           "outcome=\"redirect\"} 0");
    has(t, "catalog_requests_total{agency=\"djp\",outcome=\"gone\"} 4");
    has(t, "catalog_requests_total{agency=\"\",outcome=\"not_found\"} 9");

    /* not found goes with no agency, and only there */
    lacks(t, "agency=\"dukcapil\",outcome=\"not_found\"");
    lacks(t, "agency=\"\",outcome=\"proxy\"");
    lacks(t, "catalog_upstream_responses_total{agency=\"\"");

    has(t, "catalog_upstream_responses_total{agency=\"dukcapil\","
           "class=\"2xx\"} 5");
    has(t, "catalog_upstream_responses_total{agency=\"dukcapil\","
           "class=\"5xx\"} 1");
    has(t, "catalog_upstream_responses_total{agency=\"djp\","
           "class=\"1xx\"} 0");
    has(t, "catalog_upstream_failures_total{agency=\"dukcapil\"} 1");

    /* cumulative buckets, +Inf equal to the count, the sum in seconds */
    has(t, "catalog_upstream_response_seconds_bucket{agency=\"dukcapil\","
           "le=\"0.005\"} 3");
    has(t, "catalog_upstream_response_seconds_bucket{agency=\"dukcapil\","
           "le=\"0.05\"} 3");
    has(t, "catalog_upstream_response_seconds_bucket{agency=\"dukcapil\","
           "le=\"0.1\"} 5");
    has(t, "catalog_upstream_response_seconds_bucket{agency=\"dukcapil\","
           "le=\"10\"} 5");
    has(t, "catalog_upstream_response_seconds_bucket{agency=\"dukcapil\","
           "le=\"+Inf\"} 6");
    has(t, "catalog_upstream_response_seconds_sum{agency=\"dukcapil\"} "
           "12.345");
    has(t, "catalog_upstream_response_seconds_count{agency=\"dukcapil\"} 6");
    has(t, "catalog_upstream_response_seconds_sum{agency=\"djp\"} 0.000");

    has(t, "catalog_zone_size_bytes 1048576");
    has(t, "catalog_zone_used_bytes 65536");

    lacks(t, "service=");
    lacks(t, "catalog_redis");

    /* the text ends with a line break, and has no empty line */
    assert_int_equal(t[strlen(t) - 1], '\n');
    lacks(t, "\n\n");

    free(t);
}


static void
test_text_by_service(void **state)
{
    fixture_t  *f = *state;
    char       *t;

    f->report.services = f->services;
    f->report.service_status = f->service_status;

    t = render(catalog_metrics_text, &f->report);

    has(t, "catalog_requests_total{agency=\"dukcapil\",service=\"ktp\","
           "outcome=\"proxy\"} 7");
    has(t, "catalog_requests_total{agency=\"dukcapil\",service=\"kk\","
           "outcome=\"maintenance\"} 2");
    has(t, "catalog_requests_total{agency=\"djp\",service=\"npwp\","
           "outcome=\"gone\"} 4");
    has(t, "catalog_requests_total{agency=\"\",service=\"\","
           "outcome=\"not_found\"} 9");
    has(t, "catalog_upstream_responses_total{agency=\"dukcapil\","
           "service=\"ktp\",class=\"2xx\"} 5");
    has(t, "catalog_upstream_failures_total{agency=\"dukcapil\","
           "service=\"ktp\"} 1");
    has(t, "catalog_service_status{agency=\"dukcapil\",service=\"kk\","
           "status=\"maintenance\"} 1");
    has(t, "catalog_service_status{agency=\"djp\",service=\"npwp\","
           "status=\"retired\"} 1");

    /* never both label sets in one family; the histogram by agency */
    lacks(t, "catalog_requests_total{agency=\"dukcapil\",outcome");
    lacks(t, "catalog_upstream_responses_total{agency=\"dukcapil\",class");
    lacks(t, "catalog_upstream_response_seconds_bucket{agency=\"dukcapil\","
             "service");
    has(t, "catalog_upstream_response_seconds_count{agency=\"dukcapil\"} 6");
    lacks(t, "service=\"ktp\",outcome=\"not_found\"");

    free(t);
}


static void
test_text_redis(void **state)
{
    fixture_t  *f = *state;
    char       *t;

    f->redis.configured = 1;
    f->redis.connected = 0;
    f->redis.reconnects = 3;

    t = render(catalog_metrics_text, &f->report);

    has(t, "# TYPE catalog_redis_up gauge");
    has(t, "catalog_redis_up 0");
    has(t, "# TYPE catalog_redis_reconnects_total counter");
    has(t, "catalog_redis_reconnects_total 3");

    free(t);
}


static json_t *
status(fixture_t *f)
{
    char          *t;
    json_t        *j;
    json_error_t   e;

    t = render(catalog_status_json, &f->report);

    j = json_loads(t, 0, &e);
    if (j == NULL) {
        fail_msg("invalid JSON: %s: %s", e.text, t);
    }

    free(t);

    return j;
}


static void
test_status(void **state)
{
    fixture_t  *f = *state;
    char       *t;
    json_t     *j;

    t = render(catalog_status_json, &f->report);

    assert_string_equal(t,
        "{\"version\": \"00112233aabbccdd\", "
        "\"loaded_at\": \"2026-11-28T00:00:00Z\", \"generation\": 42, "
        "\"agencies\": 2, \"services\": 3, \"routes\": 4, "
        "\"statuses\": {\"active\": 1, \"maintenance\": 1, \"retired\": 1}, "
        "\"zone\": {\"size\": 1048576, \"used\": 65536}, "
        "\"redis\": {\"configured\": false, \"connected\": false, "
        "\"since\": null, \"last_sync\": null, \"version\": null, "
        "\"reconnects\": 0, \"errors\": 0}, "
        "\"requests\": {\"proxy\": 7, \"redirect\": 0, \"gone\": 4, "
        "\"maintenance\": 2, \"not_found\": 9, \"method_not_allowed\": 0}, "
        "\"upstream\": {\"responses\": {\"1xx\": 0, \"2xx\": 5, \"3xx\": 0, "
        "\"4xx\": 0, \"5xx\": 1}, \"failures\": 1}}");

    free(t);

    j = status(f);
    assert_true(json_is_object(j));
    json_decref(j);
}


static void
test_status_redis(void **state)
{
    fixture_t  *f = *state;
    json_t     *j, *r;

    f->redis.configured = 1;
    f->redis.connected = 1;
    f->redis.since = 1795824000;
    f->redis.last_sync = 1795824061;
    f->redis.version = 17;
    f->redis.reconnects = 2;
    f->redis.errors = 5;

    j = status(f);
    r = json_object_get(j, "redis");

    /* the same keys as without Redis, now with figures */
    assert_int_equal(json_object_size(r), 7);
    assert_true(json_is_true(json_object_get(r, "configured")));
    assert_true(json_is_true(json_object_get(r, "connected")));
    assert_string_equal(json_string_value(json_object_get(r, "since")),
                        "2026-11-28T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(r, "last_sync")),
                        "2026-11-28T00:01:01Z");
    assert_int_equal(json_integer_value(json_object_get(r, "version")), 17);
    assert_int_equal(json_integer_value(json_object_get(r, "reconnects")),
                     2);
    assert_int_equal(json_integer_value(json_object_get(r, "errors")), 5);

    json_decref(j);
}


static void
test_empty_catalog(void **state)
{
    char               err[CATALOG_ERROR_LEN];
    char              *t;
    catalog_t         *cat;
    catalog_stats_t    unmatched;
    catalog_report_t   r;

    (void) state;

    cat = catalog_create();
    assert_non_null(cat);
    assert_int_equal(catalog_finish(cat, err, sizeof(err)), 0);

    memset(&unmatched, 0, sizeof(unmatched));
    unmatched.requests[CATALOG_OUTCOME_NOT_FOUND] = 1;

    memset(&r, 0, sizeof(r));
    r.catalog = cat;
    r.unmatched = &unmatched;

    t = render(catalog_metrics_text, &r);
    has(t, "catalog_services 0");
    has(t, "catalog_requests_total{agency=\"\",outcome=\"not_found\"} 1");
    has(t, "catalog_info{version=\"\"} 1");
    free(t);

    t = render(catalog_status_json, &r);
    assert_non_null(strstr(t, "\"version\": null, \"loaded_at\": null"));
    assert_non_null(strstr(t, "\"not_found\": 1"));
    free(t);

    catalog_free(cat);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_class),
        cmocka_unit_test(test_outcome),
        cmocka_unit_test_setup_teardown(test_stats_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_by_agency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_by_service, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_text_redis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_redis, setup, teardown),
        cmocka_unit_test(test_empty_catalog),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
