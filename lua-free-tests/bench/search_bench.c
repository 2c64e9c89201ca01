
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * Times the search index: loads every DIR/ *.json manifest, builds the
 * index, then runs each query many times and prints the time per query.
 * Build and run from the repository top:
 *
 *   perl lua-free-tests/bench/gen-manifests.pl 27000 /tmp/m27k
 *   cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -Iinclude \
 *       -o /tmp/search_bench lua-free-tests/bench/search_bench.c \
 *       ngx_module/catalog*.c -ljansson
 *   /tmp/search_bench /tmp/m27k [RUNS] ["q" ...]
 *
 * RUNS defaults to 100000; the queries to "layanan izin" and "pajak 12".
 * Times are the process's CPU time (what a worker would spend), with the
 * wall clock time in parentheses.
 */


#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <catalog.h>
#include <catalog_index.h>


static double now(clockid_t clock);
static long faults(void);
static void bench(catalog_index_t *idx, size_t nservices, const char *text,
    long runs);


int
main(int argc, char **argv)
{
    int           i;
    long          runs;
    size_t        k;
    long          f1, f2;
    size_t        arena;
    double        t0, t1, t2, c1, c2;
    glob_t        g;
    catalog_t    *cat;
    const char   *defaults[] = { "layanan izin", "pajak 12" };
    catalog_index_t  *idx;
    char          pattern[4096], err[CATALOG_ERROR_LEN];

    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [RUNS] [QUERY...]\n", argv[0]);
        return 2;
    }

    runs = (argc > 2) ? atol(argv[2]) : 100000;

    if (runs <= 0) {
        runs = 1;
    }

    snprintf(pattern, sizeof(pattern), "%s/*.json", argv[1]);

    if (glob(pattern, 0, NULL, &g) != 0) {
        fprintf(stderr, "no manifests in %s\n", argv[1]);
        return 1;
    }

    cat = catalog_create();
    if (cat == NULL) {
        return 1;
    }

    t0 = now(CLOCK_MONOTONIC);

    for (k = 0; k < g.gl_pathc; k++) {
        if (catalog_add_file(cat, g.gl_pathv[k], err, sizeof(err)) != 0) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    }

    if (catalog_finish(cat, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    t1 = now(CLOCK_MONOTONIC);
    c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    f1 = faults();
    arena = cat->arena.total;

    idx = catalog_index_build(cat);
    if (idx == NULL) {
        fprintf(stderr, "catalog_index_build() failed\n");
        return 1;
    }

    f2 = faults();
    c2 = now(CLOCK_PROCESS_CPUTIME_ID);
    t2 = now(CLOCK_MONOTONIC);

    printf("%u services in %zu manifests: loaded in %.1f ms, "
           "index built in %.2f ms (%.2f ms, %ld page faults), "
           "arena %.1f MB of which the index %.1f MB\n",
           cat->nservices, g.gl_pathc, (t1 - t0) * 1e3, (c2 - c1) * 1e3,
           (t2 - t1) * 1e3, f2 - f1, cat->arena.total / 1048576.0,
           (cat->arena.total - arena) / 1048576.0);

    if (argc > 3) {
        for (i = 3; i < argc; i++) {
            bench(idx, cat->nservices, argv[i], runs);
        }

    } else {
        for (k = 0; k < sizeof(defaults) / sizeof(defaults[0]); k++) {
            bench(idx, cat->nservices, defaults[k], runs);
        }
    }

    globfree(&g);
    catalog_free(cat);

    return 0;
}


static double
now(clockid_t clock)
{
    struct timespec  ts;

    clock_gettime(clock, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static long
faults(void)
{
    struct rusage  ru;

    getrusage(RUSAGE_SELF, &ru);

    return ru.ru_minflt + ru.ru_majflt;
}


static void
bench(catalog_index_t *idx, size_t nservices, const char *text, long runs)
{
    long              r;
    size_t            n, bound, len;
    double            t0, t1, c0, c1;
    catalog_hit_t    *hits;
    catalog_query_t   q;
    char              folded[2 * CATALOG_QUERY_Q_MAX];

    len = strlen(text);

    if (len > CATALOG_QUERY_Q_MAX) {
        len = CATALOG_QUERY_Q_MAX;
    }

    memset(&q, 0, sizeof(catalog_query_t));

    len = catalog_text_fold(folded, text, len);
    q.nwords = (unsigned) catalog_text_words(folded, len, q.words,
                                             CATALOG_QUERY_WORDS_MAX);
    q.status = -1;
    q.sort = CATALOG_SORT_DEFAULT;

    hits = malloc((nservices + 1) * sizeof(catalog_hit_t));
    if (hits == NULL) {
        return;
    }

    n = 0;
    bound = 0;

    t0 = now(CLOCK_MONOTONIC);
    c0 = now(CLOCK_PROCESS_CPUTIME_ID);

    for (r = 0; r < runs; r++) {
        bound = catalog_index_bound(idx, &q);
        n = catalog_index_run(idx, &q, NULL, hits);
    }

    c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    t1 = now(CLOCK_MONOTONIC);

    printf("\"%s\": %zu hits (bound %zu), %.2f us per query (%.2f us), "
           "bound + run, %ld runs\n",
           text, n, bound, (c1 - c0) * 1e6 / runs, (t1 - t0) * 1e6 / runs,
           runs);

    free(hits);
}
