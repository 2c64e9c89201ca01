
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The search index: words, prefixes, folding, relevance, filters, orders,
 * and a cross-check of random queries against a brute-force scan.
 *
 * The inline manifests are written with single quotes, which unit.c turns
 * into double quotes.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog.h>
#include <catalog_index.h>

#include "unit.h"


#define BACKEND  "'backends': ['10.0.0.1:8080']"

#define SVC(id, name, desc, cat, tags)                                        \
    "{'id': '" id "', 'name': '" name "', 'description': '" desc "', "        \
    "'category': '" cat "', 'tags': [" tags "], "                             \
    "'routes': [{'path': '/" id "'}], " BACKEND "}"

/* a service with only what is required */
#define SVC_AT(agency, id, name)                                              \
    "{'id': '" id "', 'name': '" name "', 'category': 'c', "                  \
    "'routes': [{'path': '/" agency "/" id "'}], " BACKEND "}"

#define AGENCY(id, name)                                                      \
    "{'agency': {'id': '" id "', 'name': '" name "'}, 'services': ["

#define NO_STATUS  -1

#define XC_AGENCIES   60
#define XC_PER        50
#define XC_SERVICES   (XC_AGENCIES * XC_PER)
#define XC_QUERIES    500
#define XC_TOKENS     64


typedef struct {
    catalog_t                    *cat;
    catalog_index_t              *idx;
} fixture_t;


typedef struct {
    const char                   *key;
    catalog_status_e              status;
} override_t;


typedef struct {
    const char                   *data;
    size_t                        len;
    unsigned                      field;
} xc_token_t;


typedef struct {
    char                         *joined;      /* name words, ' ' joined */
    xc_token_t                   *tokens;
    size_t                        ntokens;
    char                         *text;        /* the tokens' bytes */
} xc_service_t;


static catalog_index_t *build(catalog_t *cat);
static int setup_fixture(void **state);
static int teardown_fixture(void **state);
static void query(catalog_query_t *q, const char *text);
static const char *run(catalog_t *cat, catalog_query_t *q,
    const catalog_status_fn_t *status, int scores);
static const char *search(void **state, const char *text);
static const char *search_scored(void **state, const char *text);
static const char *search_by(void **state, const char *text,
    catalog_sort_e sort);
static const char *search_filtered(void **state, const char *text,
    const char *agency, const char *category, const char *tag, int status);
static catalog_status_e override_status(void *ctx,
    const catalog_service_t *service);
static unsigned xc_random(void);
static char *xc_manifest(unsigned a);
static void xc_tokens(xc_service_t *xs, const catalog_service_t *svc);
static void xc_add(xc_service_t *xs, char **p, const catalog_str_t *text,
    unsigned field);
static size_t xc_reference(catalog_t *cat, xc_service_t *xs,
    const catalog_query_t *q, const catalog_status_fn_t *status,
    catalog_hit_t *hits);
static int xc_compare(const void *one, const void *two);
static catalog_status_e xc_status(void *ctx,
    const catalog_service_t *service);


/* the fixture catalog */

static const char  *fixture_manifests[] = {

    AGENCY("dukcapil", "Direktorat Jenderal Kependudukan dan Pencatatan "
           "Sipil")
    SVC("ktp", "KTP Elektronik", "Pengajuan dan cek status KTP-el.",
        "kependudukan", "'ktp', 'identitas'") ", "
    SVC("akta", "Akta Kelahiran", "Penerbitan akta kelahiran anak.",
        "kependudukan", "'akta'") ", "
    "{'id': 'kk', 'name': 'Kartu Keluarga', 'description': 'Perubahan data "
    "kartu keluarga.', 'category': 'kependudukan', 'tags': ['kk'], "
    "'routes': [{'path': '/kk'}], " BACKEND ", 'status': 'maintenance'}"
    "]}",

    AGENCY("imigrasi", "Direktorat Jenderal Imigrasi")
    SVC("paspor", "Paspor Elektronik",
        "Permohonan paspor baru dan penggantian.",
        "perjalanan", "'paspor', 'perjalanan'") ", "
    SVC("visa", "Visa Kunjungan",
        "Visa untuk WNA; syarat: paspor yang berlaku.",
        "perjalanan", "'visa'") ", "
    SVC("izin-tinggal", "Izin Tinggal Terbatas",
        "KITAS bagi warga negara asing.", "perjalanan", "'izin'")
    "]}",

    AGENCY("djp", "Direktorat Jenderal Pajak")
    SVC("npwp", "Pendaftaran NPWP",
        "Nomor Pokok Wajib Pajak untuk orang pribadi.", "pajak",
        "'pajak', 'npwp'") ", "
    SVC("spt", "Lapor SPT Tahunan", "Pelaporan pajak penghasilan.", "pajak",
        "'pajak'") ", "
    "{'id': 'efaktur', 'name': 'e-Faktur Lama', 'description': 'Aplikasi "
    "e-Faktur desktop.', 'category': 'pajak', 'tags': ['pajak', "
    "'faktur'], 'routes': [{'path': '/efaktur'}], 'status': 'retired'}"
    "]}",

    AGENCY("bpn", "Badan Pertanahan Nasional")
    SVC("sertipikat", "Sertipikat Tanah Elektronik",
        "Cek sertipikat dan peta bidang tanah.", "pertanahan", "'tanah'")
    "]}",

    AGENCY("kemenkop", "Kementerian Koperasi dan UKM")
    SVC("resto", "Izin Café dan Restoran", "Perizinan usaha kuliner.",
        "usaha", "'izin', 'kuliner'")
    "]}"
};


/* the cross-check's state, and the words of its catalog */

static uint64_t        xc_seed = 20240601;
static catalog_t      *xc_cat;
static xc_service_t   *xc_services;
static catalog_sort_e  xc_sort;
static catalog_hit_t  *xc_hits;

static const char  *xc_words[] = {
    "layanan", "izin", "usaha", "pajak", "paspor", "visa", "kartu",
    "keluarga", "akta", "kelahiran", "surat", "keterangan", "pendaftaran",
    "permohonan", "data", "cek", "status", "tanah", "sertipikat", "bantuan",
    "sosial", "kesehatan", "pendidikan", "sekolah", "beasiswa", "nikah",
    "kendaraan", "bermotor", "pengaduan", "online", "elektronik", "digital",
    "terpadu", "pintu", "kota", "kabupaten", "desa", "Caf\xc3\xa9",
    "R\xc3\xa9sum\xc3\xa9", "\xc3\x89L\xc3\x88VE", "Stra\xc3\x9f" "e",
    "\xc5\x81\xc3\xb3" "d\xc5\xba", "perizinan", "izinkan", "pasp\xc3\xb2r",
    "\xe6\x97\xa5\xe6\x9c\xac", "KTP-el", "NIK", "e-KTP", "SIM"
};


/* helpers */


static catalog_index_t *
build(catalog_t *cat)
{
    char              err[CATALOG_ERROR_LEN];
    catalog_index_t  *idx;

    if (catalog_finish(cat, err, sizeof(err)) != 0) {
        fail_msg("%s", err);
    }

    idx = catalog_index_build(cat);
    assert_non_null(idx);
    assert_ptr_equal(cat->index, idx);

    return idx;
}


static int
setup_fixture(void **state)
{
    size_t      i;
    fixture_t  *f;

    f = calloc(1, sizeof(fixture_t));
    assert_non_null(f);

    f->cat = catalog_create();
    assert_non_null(f->cat);

    for (i = 0; i < sizeof(fixture_manifests) / sizeof(char *); i++) {
        unit_add_ok(f->cat, fixture_manifests[i]);
    }

    f->idx = build(f->cat);

    *state = f;

    return 0;
}


static int
teardown_fixture(void **state)
{
    fixture_t  *f;

    f = *state;

    catalog_free(f->cat);
    free(f);

    return 0;
}


/* a query of folded words, as the API's parser makes it */

static void
query(catalog_query_t *q, const char *text)
{
    static char  buf[2 * CATALOG_QUERY_Q_MAX + 1];
    size_t       len;

    memset(q, 0, sizeof(catalog_query_t));

    q->status = NO_STATUS;
    q->sort = CATALOG_SORT_DEFAULT;

    if (text == NULL) {
        return;
    }

    len = strlen(text);
    assert_true(len <= CATALOG_QUERY_Q_MAX);

    len = catalog_text_fold(buf, text, len);

    q->q.data = text;
    q->q.len = strlen(text);
    q->nwords = (unsigned) catalog_text_words(buf, len, q->words,
                                              CATALOG_QUERY_WORDS_MAX);
}


/*
 * Runs a query twice (the same answer both times, never more hits than
 * the bound) and returns the keys of the hits, comma separated, with
 * "=score" after each when scores is set.
 */

static const char *
run(catalog_t *cat, catalog_query_t *q, const catalog_status_fn_t *status,
    int scores)
{
    static char       out[65536];
    char             *p;
    size_t            i, n, n2, bound;
    catalog_hit_t    *hits, *hits2;
    catalog_str_t    *key;
    catalog_index_t  *idx;

    idx = cat->index;

    bound = catalog_index_bound(idx, q);

    /* exactly the bound: the sanitizer sees any write past it */

    hits = malloc((bound ? bound : 1) * sizeof(catalog_hit_t));
    hits2 = malloc((bound ? bound : 1) * sizeof(catalog_hit_t));
    assert_non_null(hits);
    assert_non_null(hits2);

    n = catalog_index_run(idx, q, status, hits);
    assert_true(n <= bound);

    n2 = catalog_index_run(idx, q, status, hits2);
    assert_int_equal(n, n2);

    if (n) {
        assert_memory_equal(hits, hits2, n * sizeof(catalog_hit_t));
    }

    p = out;
    *p = '\0';

    for (i = 0; i < n; i++) {
        assert_true(hits[i].service < cat->nservices);

        key = &cat->services[hits[i].service]->key;

        assert_true((size_t) (p - out) + key->len + 16 < sizeof(out));

        p += sprintf(p, "%s%s", i ? "," : "", key->data);

        if (scores) {
            p += sprintf(p, "=%u", (unsigned) hits[i].score);
        }
    }

    free(hits);
    free(hits2);

    return out;
}


static const char *
search(void **state, const char *text)
{
    catalog_query_t   q;
    fixture_t        *f;

    f = *state;
    query(&q, text);

    return run(f->cat, &q, NULL, 0);
}


static const char *
search_scored(void **state, const char *text)
{
    catalog_query_t   q;
    fixture_t        *f;

    f = *state;
    query(&q, text);

    return run(f->cat, &q, NULL, 1);
}


static const char *
search_by(void **state, const char *text, catalog_sort_e sort)
{
    catalog_query_t   q;
    fixture_t        *f;

    f = *state;
    query(&q, text);
    q.sort = sort;

    return run(f->cat, &q, NULL, 0);
}


static const char *
search_filtered(void **state, const char *text, const char *agency,
    const char *category, const char *tag, int status)
{
    catalog_query_t   q;
    fixture_t        *f;

    f = *state;
    query(&q, text);

    if (agency) {
        q.agency.data = agency;
        q.agency.len = strlen(agency);
    }

    if (category) {
        q.category.data = category;
        q.category.len = strlen(category);
    }

    if (tag) {
        q.tag.data = tag;
        q.tag.len = strlen(tag);
    }

    q.status = status;

    return run(f->cat, &q, NULL, 0);
}


/* the runtime status: the overrides listed in ctx, else active */

static catalog_status_e
override_status(void *ctx, const catalog_service_t *service)
{
    override_t  *o;

    for (o = ctx; o->key; o++) {
        if (strcmp(o->key, service->key.data) == 0) {
            return o->status;
        }
    }

    return CATALOG_STATUS_ACTIVE;
}


/* words */


static void
test_one_word(void **state)
{
    assert_string_equal(search(state, "elektronik"),
                        "dukcapil/ktp,imigrasi/paspor,bpn/sertipikat");
    assert_string_equal(search(state, "kuliner"), "kemenkop/resto");
}


static void
test_all_words_match(void **state)
{
    assert_string_equal(search(state, "izin"),
                        "kemenkop/resto,imigrasi/izin-tinggal");
    assert_string_equal(search(state, "izin tinggal"),
                        "imigrasi/izin-tinggal");
    assert_string_equal(search(state, "tinggal izin"),
                        "imigrasi/izin-tinggal");
    assert_string_equal(search(state, "izin paspor"), "");
    assert_string_equal(search(state, "elektronik paspor"),
                        "imigrasi/paspor");
    assert_string_equal(search(state, "elektronik tanah cek"),
                        "bpn/sertipikat");

    /* words may come from different fields */

    assert_string_equal(search(state, "imigrasi asing"),
                        "imigrasi/izin-tinggal");
    assert_string_equal(search(state, "identitas ktp status"),
                        "dukcapil/ktp");
}


static void
test_prefix(void **state)
{
    assert_string_equal(search(state, "pasp"),
                        "imigrasi/paspor,imigrasi/visa");
    assert_string_equal(search(state, "p"),
                        search(state, "p p"));
    assert_string_equal(search(state, "izin ting"),
                        "imigrasi/izin-tinggal");
    assert_string_equal(search(state, "kel"),
                        "dukcapil/akta,dukcapil/kk");

    /* a prefix, not a substring */

    assert_string_equal(search(state, "aspor"), "");
    assert_string_equal(search(state, "izinan"), "");

    /* the query word longer than any word */

    assert_string_equal(search(state, "paspore"), "");
}


static void
test_case_and_accents(void **state)
{
    const char  *paspor;

    paspor = "imigrasi/paspor,imigrasi/visa";

    assert_string_equal(search(state, "paspor"), paspor);
    assert_string_equal(search(state, "PASPOR"), paspor);
    assert_string_equal(search(state, "PÁSPOR"), paspor);
    assert_string_equal(search(state, "Pa\xcc\x81spor"), paspor);
    assert_string_equal(search(state, "ＰＡＳＰＯＲ"), paspor);

    /* an accent in the catalog, none in the query, and the reverse */

    assert_string_equal(search(state, "cafe"), "kemenkop/resto");
    assert_string_equal(search(state, "CAFÉ"), "kemenkop/resto");
    assert_string_equal(search(state, "café restoran"), "kemenkop/resto");
    assert_string_equal(search(state, "ÉLEKTRÖNIK TANAH"), "bpn/sertipikat");
}


static void
test_separators_in_query(void **state)
{
    /* words split at punctuation like the indexed text */

    assert_string_equal(search(state, "ktp-el"), "dukcapil/ktp");
    assert_string_equal(search(state, "e-faktur"), "djp/efaktur");
    assert_string_equal(search(state, "  izin,  tinggal!! "),
                        "imigrasi/izin-tinggal");
}


static void
test_no_match(void **state)
{
    catalog_query_t   q;
    fixture_t        *f;

    f = *state;

    assert_string_equal(search(state, "zzz"), "");
    assert_string_equal(search(state, "paspor zzz"), "");
    assert_string_equal(search(state, "zzz paspor"), "");
    assert_string_equal(search(state, "日本"), "");

    query(&q, "zzz");
    assert_int_equal(catalog_index_bound(f->idx, &q), 0);

    query(&q, "paspor zzz");
    assert_int_equal(catalog_index_bound(f->idx, &q), 0);
}


static void
test_no_words(void **state)
{
    const char  *all;

    all = "dukcapil/akta,djp/efaktur,kemenkop/resto,imigrasi/izin-tinggal,"
          "dukcapil/kk,dukcapil/ktp,djp/spt,imigrasi/paspor,djp/npwp,"
          "bpn/sertipikat,imigrasi/visa";

    /* nothing to match: every service, in name order */

    assert_string_equal(search(state, NULL), all);
    assert_string_equal(search(state, ""), all);
    assert_string_equal(search(state, " -- ! "), all);
    assert_string_equal(search_by(state, NULL, CATALOG_SORT_RELEVANCE), all);
}


static void
test_words_given_unfolded(void **state)
{
    catalog_query_t   q;
    fixture_t        *f;

    f = *state;

    /* a word with separators counts by its first word, "" not at all */

    query(&q, NULL);
    q.words[0].data = "paspor, visa";
    q.words[0].len = 12;
    q.words[1].data = "";
    q.words[1].len = 0;
    q.nwords = 2;

    assert_string_equal(run(f->cat, &q, NULL, 0),
                        "imigrasi/paspor,imigrasi/visa");
}


static void
test_many_words(void **state)
{
    /* the most words a query has, all of them to match */

    assert_string_equal(search(state, "e e e e e e e e e e e e e e e e"),
                        search(state, "e"));
    assert_string_equal(search(state, "v v v v v v v v v v v v v v v k"),
                        "imigrasi/visa");
}


static void
test_long_word(void **state)
{
    char              word[CATALOG_TEXT_WORD_MAX + 20];
    catalog_t        *cat;
    catalog_query_t   q;

    (void) state;

    /* both the catalog's and the query's words are cut at 64 bytes */

    cat = catalog_create();
    assert_non_null(cat);

    unit_add_ok(cat, AGENCY("a", "A")
                     SVC_AT("a", "s", "Kata "
                                      "abcdefghijabcdefghijabcdefghijabcdefghij"
                            "abcdefghijabcdefghijabcdefghij")
                     "]}");

    build(cat);

    memset(word, 'x', sizeof(word));
    memcpy(word, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
                 "abcdefghijabcdefghij", 70);

    query(&q, NULL);
    q.words[0].data = word;
    q.words[0].len = 70;
    q.nwords = 1;

    assert_string_equal(run(cat, &q, NULL, 0), "a/s");

    /* what is past the 64th byte does not count */

    q.words[0].len = 80;

    assert_string_equal(run(cat, &q, NULL, 0), "a/s");

    q.words[0].len = 64;

    assert_string_equal(run(cat, &q, NULL, 0), "a/s");

    word[63] = 'z';

    assert_string_equal(run(cat, &q, NULL, 0), "");

    catalog_free(cat);
}


/* relevance */


static void
test_name_beats_description(void **state)
{
    /* paspor: in the name; visa: in the description */

    assert_string_equal(search_scored(state, "paspor"),
                        "imigrasi/paspor=33,imigrasi/visa=4");
    assert_string_equal(search_scored(state, "pasp"),
                        "imigrasi/paspor=17,imigrasi/visa=2");

    /* akta: "kelahiran" in the name; "kel" prefixes keluarga in kk's */

    assert_string_equal(search_scored(state, "kelahiran"),
                        "dukcapil/akta=32");
    assert_string_equal(search_scored(state, "kartu"), "dukcapil/kk=33");
}


static void
test_scores(void **state)
{
    /*
     * Per word the best of name 8, tag 4, agency name 2, description 1,
     * doubled for the whole word; the sum doubled, plus one when the
     * query starts the name.
     */

    assert_string_equal(search_scored(state, "identitas"),
                        "dukcapil/ktp=16");
    assert_string_equal(search_scored(state, "identit"),
                        "dukcapil/ktp=8");
    assert_string_equal(search_scored(state, "imigrasi"),
                        "imigrasi/izin-tinggal=8,imigrasi/paspor=8,"
                        "imigrasi/visa=8");
    assert_string_equal(search_scored(state, "penggantian"),
                        "imigrasi/paspor=4");
    assert_string_equal(search_scored(state, "paspor elek"),
                        "imigrasi/paspor=49");
    assert_string_equal(search_scored(state, "elektronik paspor"),
                        "imigrasi/paspor=64");
    assert_string_equal(search_scored(state, "izin"),
                        "kemenkop/resto=33,imigrasi/izin-tinggal=33");

    assert_string_equal(search_scored(state, "pajak"),
                        "djp/efaktur=16,djp/spt=16,djp/npwp=16");
    assert_string_equal(search_scored(state, "tanah"),
                        "bpn/sertipikat=32");
}


static void
test_relevance_order(void **state)
{
    /* tag beats agency name beats description, ties by name */

    assert_string_equal(search_scored(state, "p"),
                        "imigrasi/paspor=17,djp/npwp=17,djp/efaktur=8,"
                        "djp/spt=8,dukcapil/akta=4,dukcapil/kk=4,"
                        "dukcapil/ktp=4,bpn/sertipikat=4,kemenkop/resto=2,"
                        "imigrasi/visa=2");
}


/* filters */


static void
test_filter_agency(void **state)
{
    assert_string_equal(search_filtered(state, NULL, "imigrasi", NULL, NULL,
                                        NO_STATUS),
                        "imigrasi/izin-tinggal,imigrasi/paspor,"
                        "imigrasi/visa");
    assert_string_equal(search_filtered(state, "izin", "imigrasi", NULL,
                                        NULL, NO_STATUS),
                        "imigrasi/izin-tinggal");
    assert_string_equal(search_filtered(state, "izin", "djp", NULL, NULL,
                                        NO_STATUS),
                        "");

    /* the id exactly */

    assert_string_equal(search_filtered(state, NULL, "Imigrasi", NULL, NULL,
                                        NO_STATUS),
                        "");
    assert_string_equal(search_filtered(state, NULL, "imig", NULL, NULL,
                                        NO_STATUS),
                        "");
}


static void
test_filter_category(void **state)
{
    assert_string_equal(search_filtered(state, NULL, NULL, "pajak", NULL,
                                        NO_STATUS),
                        "djp/efaktur,djp/spt,djp/npwp");
    assert_string_equal(search_filtered(state, "direktorat", NULL,
                                        "perjalanan", NULL, NO_STATUS),
                        "imigrasi/izin-tinggal,imigrasi/paspor,"
                        "imigrasi/visa");
    assert_string_equal(search_filtered(state, NULL, NULL, "paja", NULL,
                                        NO_STATUS),
                        "");
    assert_string_equal(search_filtered(state, NULL, NULL, "zzz", NULL,
                                        NO_STATUS),
                        "");
}


static void
test_filter_tag(void **state)
{
    assert_string_equal(search_filtered(state, NULL, NULL, NULL, "izin",
                                        NO_STATUS),
                        "kemenkop/resto,imigrasi/izin-tinggal");
    assert_string_equal(search_filtered(state, NULL, NULL, NULL, "Izin",
                                        NO_STATUS),
                        "");
    assert_string_equal(search_filtered(state, "direktorat", NULL, NULL,
                                        "pajak", NO_STATUS),
                        "djp/efaktur,djp/spt,djp/npwp");
    assert_string_equal(search_filtered(state, NULL, "djp", NULL, "faktur",
                                        NO_STATUS),
                        "djp/efaktur");
    assert_string_equal(search_filtered(state, NULL, "imigrasi", NULL,
                                        "pajak", NO_STATUS),
                        "");
}


static void
test_filter_status(void **state)
{
    assert_string_equal(search_filtered(state, NULL, NULL, NULL, NULL,
                                        CATALOG_STATUS_MAINTENANCE),
                        "dukcapil/kk");
    assert_string_equal(search_filtered(state, NULL, NULL, NULL, NULL,
                                        CATALOG_STATUS_RETIRED),
                        "djp/efaktur");
    assert_string_equal(search_filtered(state, "pajak", NULL, NULL, NULL,
                                        CATALOG_STATUS_ACTIVE),
                        "djp/spt,djp/npwp");
    assert_string_equal(search_filtered(state, NULL, "dukcapil", NULL, NULL,
                                        CATALOG_STATUS_ACTIVE),
                        "dukcapil/akta,dukcapil/ktp");
    assert_string_equal(search_filtered(state, NULL, NULL, NULL, NULL,
                                        CATALOG_STATUS_ACTIVE),
                        "dukcapil/akta,kemenkop/resto,imigrasi/izin-tinggal,"
                        "dukcapil/ktp,djp/spt,imigrasi/paspor,djp/npwp,"
                        "bpn/sertipikat,imigrasi/visa");
}


static void
test_filter_status_handler(void **state)
{
    fixture_t            *f;
    catalog_query_t       q;
    catalog_status_fn_t   fn;
    override_t            overrides[] = {
        { "imigrasi/visa", CATALOG_STATUS_MAINTENANCE },
        { "djp/spt", CATALOG_STATUS_RETIRED },
        { NULL, CATALOG_STATUS_ACTIVE }
    };

    f = *state;

    /* the runtime status replaces the manifest's */

    fn.handler = override_status;
    fn.ctx = overrides;

    query(&q, NULL);
    q.status = CATALOG_STATUS_MAINTENANCE;

    assert_string_equal(run(f->cat, &q, &fn, 0), "imigrasi/visa");

    query(&q, "pajak");
    q.status = CATALOG_STATUS_RETIRED;

    assert_string_equal(run(f->cat, &q, &fn, 0), "djp/spt");

    query(&q, NULL);
    q.status = CATALOG_STATUS_ACTIVE;
    q.category.data = "kependudukan";
    q.category.len = 12;

    assert_string_equal(run(f->cat, &q, &fn, 0),
                        "dukcapil/akta,dukcapil/kk,dukcapil/ktp");

    /* no handler: the manifest's status */

    fn.handler = NULL;

    assert_string_equal(run(f->cat, &q, &fn, 0),
                        "dukcapil/akta,dukcapil/ktp");

    /* no status filter: the handler is not asked */

    fn.handler = override_status;
    fn.ctx = NULL;
    q.status = NO_STATUS;

    assert_string_equal(run(f->cat, &q, &fn, 0),
                        "dukcapil/akta,dukcapil/kk,dukcapil/ktp");
}


static void
test_filters_combined(void **state)
{
    assert_string_equal(search_filtered(state, "direktorat", "djp", "pajak",
                                        "pajak", CATALOG_STATUS_ACTIVE),
                        "djp/spt,djp/npwp");
    assert_string_equal(search_filtered(state, "lapor", "djp", "pajak",
                                        "pajak", CATALOG_STATUS_ACTIVE),
                        "djp/spt");
    assert_string_equal(search_filtered(state, NULL, "djp", "perjalanan",
                                        NULL, NO_STATUS),
                        "");
}


static void
test_bound(void **state)
{
    catalog_query_t   q;
    fixture_t        *f;

    f = *state;

    /* nothing narrows: every service */

    query(&q, NULL);
    assert_int_equal(catalog_index_bound(f->idx, &q), 11);

    q.status = CATALOG_STATUS_RETIRED;
    assert_int_equal(catalog_index_bound(f->idx, &q), 11);

    /* the smallest list */

    query(&q, NULL);
    q.agency.data = "bpn";
    q.agency.len = 3;
    assert_int_equal(catalog_index_bound(f->idx, &q), 1);

    query(&q, "kuliner");
    assert_int_equal(catalog_index_bound(f->idx, &q), 1);

    /* unknown filter values: none */

    query(&q, NULL);
    q.agency.data = "zzz";
    q.agency.len = 3;
    assert_int_equal(catalog_index_bound(f->idx, &q), 0);

    query(&q, NULL);
    q.tag.data = "zzz";
    q.tag.len = 3;
    assert_int_equal(catalog_index_bound(f->idx, &q), 0);
}


/* orders */


static void
test_sort_name(void **state)
{
    assert_string_equal(search_by(state, "direktorat", CATALOG_SORT_NAME),
                        "dukcapil/akta,djp/efaktur,imigrasi/izin-tinggal,"
                        "dukcapil/kk,dukcapil/ktp,djp/spt,imigrasi/paspor,"
                        "djp/npwp,imigrasi/visa");
    assert_string_equal(search_by(state, "paspor", CATALOG_SORT_NAME),
                        "imigrasi/paspor,imigrasi/visa");
    assert_string_equal(search_by(state, "pasp", CATALOG_SORT_RELEVANCE),
                        "imigrasi/paspor,imigrasi/visa");
}


static void
test_sort_agency(void **state)
{
    /* agency id, then name */

    assert_string_equal(search_by(state, NULL, CATALOG_SORT_AGENCY),
                        "bpn/sertipikat,djp/efaktur,djp/spt,djp/npwp,"
                        "dukcapil/akta,dukcapil/kk,dukcapil/ktp,"
                        "imigrasi/izin-tinggal,imigrasi/paspor,"
                        "imigrasi/visa,kemenkop/resto");
    assert_string_equal(search_by(state, "izin", CATALOG_SORT_AGENCY),
                        "imigrasi/izin-tinggal,kemenkop/resto");
    assert_string_equal(search_by(state, "elektronik", CATALOG_SORT_AGENCY),
                        "bpn/sertipikat,dukcapil/ktp,imigrasi/paspor");
}


static void
test_sort_ties_by_key(void **state)
{
    catalog_t        *cat;
    catalog_query_t   q;

    (void) state;

    /* the same name in three agencies, added in no particular order */

    cat = catalog_create();
    assert_non_null(cat);

    unit_add_ok(cat, AGENCY("b", "B") SVC_AT("b", "s", "Izin Usaha") "]}");
    unit_add_ok(cat, AGENCY("c", "C") SVC_AT("c", "s", "Izin Usaha") ", "
                                      SVC_AT("c", "r", "Izin-Usaha") "]}");
    unit_add_ok(cat, AGENCY("a", "A") SVC_AT("a", "s", "izin usaha") ", "
                                      SVC_AT("a", "t", "Izin Usaha Baru") "]}");
    unit_add_ok(cat, AGENCY("a-b", "A") SVC_AT("a-b", "s", "IZIN USAHA") "]}");

    build(cat);

    query(&q, "izin usaha");

    /* "a-b/s" < "a/s": '-' sorts before '/' */

    assert_string_equal(run(cat, &q, NULL, 1),
                        "a-b/s=65,a/s=65,b/s=65,c/r=65,c/s=65,a/t=65");

    q.sort = CATALOG_SORT_AGENCY;

    /* agency "a" before "a-b" */

    assert_string_equal(run(cat, &q, NULL, 0),
                        "a/s,a/t,a-b/s,b/s,c/r,c/s");

    catalog_free(cat);
}


/* catalogs of other shapes */


static void
test_empty_catalog(void **state)
{
    catalog_t        *cat;
    catalog_query_t   q;

    (void) state;

    cat = catalog_create();
    assert_non_null(cat);

    build(cat);

    query(&q, NULL);
    assert_int_equal(catalog_index_bound(cat->index, &q), 0);
    assert_string_equal(run(cat, &q, NULL, 0), "");

    query(&q, "paspor");
    assert_int_equal(catalog_index_bound(cat->index, &q), 0);
    assert_string_equal(run(cat, &q, NULL, 0), "");

    q.agency.data = "a";
    q.agency.len = 1;
    q.status = CATALOG_STATUS_ACTIVE;
    assert_string_equal(run(cat, &q, NULL, 0), "");

    catalog_free(cat);
}


static void
test_sparse_services(void **state)
{
    catalog_t        *cat;
    catalog_query_t   q;

    (void) state;

    /* no description, no tags, a name without a letter or digit */

    cat = catalog_create();
    assert_non_null(cat);

    unit_add_ok(cat, "{'agency': {'id': 'a', 'name': 'Satu'}, 'services': ["
                     "{'id': 's', 'name': '---', 'category': 'c', "
                     "'routes': [{'path': '/s'}], " BACKEND "}, "
                     "{'id': 't', 'name': 'Dua', 'category': 'c', "
                     "'routes': [{'path': '/t'}], " BACKEND "}]}");

    build(cat);

    query(&q, "satu");
    assert_string_equal(run(cat, &q, NULL, 1), "a/s=8,a/t=8");

    query(&q, "dua");
    assert_string_equal(run(cat, &q, NULL, 1), "a/t=33");

    query(&q, NULL);
    assert_string_equal(run(cat, &q, NULL, 0), "a/s,a/t");

    catalog_free(cat);
}


static void
test_word_of_many_words(void **state)
{
    char             *m, *p;
    size_t            i;
    catalog_t        *cat;
    catalog_query_t   q;

    (void) state;

    /* 300 services, each with a word of its own: kode000 to kode299 */

    m = malloc(300 * 256 + 256);
    assert_non_null(m);

    p = m + sprintf(m, "{'agency': {'id': 'a', 'name': 'Instansi'}, "
                       "'services': [");

    for (i = 0; i < 300; i++) {
        p += sprintf(p, "%s{'id': 's%03u', 'name': 'Layanan %u', "
                     "'description': 'Kode kode%03u.', 'category': 'c', "
                     "'routes': [{'path': '/s%03u'}], " BACKEND "}",
                     i ? ", " : "", (unsigned) i, (unsigned) i, (unsigned) i,
                     (unsigned) i);
    }

    strcpy(p, "]}");

    cat = catalog_create();
    assert_non_null(cat);

    unit_add_ok(cat, m);
    free(m);

    build(cat);

    query(&q, "kode");
    assert_int_equal(catalog_index_bound(cat->index, &q) >= 300, 1);
    assert_int_equal(strlen(run(cat, &q, NULL, 0)), 300 * 7 - 1);

    query(&q, "kode1");
    assert_int_equal(strlen(run(cat, &q, NULL, 0)), 100 * 7 - 1);
    assert_memory_equal(run(cat, &q, NULL, 0), "a/s100,a/s101,", 14);

    query(&q, "kode2 layanan");
    assert_int_equal(strlen(run(cat, &q, NULL, 0)), 100 * 7 - 1);

    query(&q, "kode29 layanan 29");
    assert_string_equal(run(cat, &q, NULL, 0),
                        "a/s290,a/s291,a/s292,a/s293,a/s294,a/s295,a/s296,"
                        "a/s297,a/s298,a/s299");

    /* "1": the names' numbers 1, 10 to 19, 100 to 199 */

    query(&q, "1");
    assert_int_equal(strlen(run(cat, &q, NULL, 0)), 111 * 7 - 1);

    query(&q, "kode123");
    assert_string_equal(run(cat, &q, NULL, 1), "a/s123=4");

    catalog_free(cat);
}


/* the cross-check: random queries against a brute-force scan */


static unsigned
xc_random(void)
{
    xc_seed = xc_seed * 6364136223846793005ULL + 1442695040888963407ULL;

    return (unsigned) (xc_seed >> 33);
}


static char *
xc_manifest(unsigned a)
{
    char      *m, *p;
    size_t     nw;
    unsigned   s, i, n, t, tags[3];

    m = malloc(XC_PER * 1024 + 1024);
    assert_non_null(m);

    p = m;
    nw = sizeof(xc_words) / sizeof(char *);

    p += sprintf(p, "{\"agency\": {\"id\": \"%s%02u\", \"name\": "
                 "\"Instansi %s %u\"}, \"services\": [",
                 (a % 7) ? "ag" : "ag-", a, xc_words[xc_random() % nw],
                 a % 13);

    for (s = 0; s < XC_PER; s++) {
        p += sprintf(p, "%s{\"id\": \"s%02u\", \"name\": \"", s ? ", " : "",
                     s);

        /* names from few words, so that many are alike */

        n = 1 + xc_random() % 3;

        for (i = 0; i < n; i++) {
            p += sprintf(p, "%s%s", i ? " " : "",
                         xc_words[xc_random() % (nw / 4)]);
        }

        if (xc_random() % 2) {
            p += sprintf(p, " %u", xc_random() % 40);
        }

        p += sprintf(p, "\", ");

        n = xc_random() % 9;

        if (n) {
            p += sprintf(p, "\"description\": \"");

            for (i = 0; i < n; i++) {
                p += sprintf(p, "%s%s", i ? ((i % 3) ? " " : ", ") : "",
                             xc_words[xc_random() % nw]);
            }

            p += sprintf(p, ". Nomor %u.\", ", xc_random() % 1000);
        }

        p += sprintf(p, "\"category\": \"kat-%u\", \"tags\": [",
                     xc_random() % 10);

        n = xc_random() % 4;

        for (i = 0; i < n; i++) {
            do {
                tags[i] = xc_random() % 12;

                for (t = 0; t < i && tags[t] != tags[i]; t++) {
                    /* void */
                }

            } while (t < i);

            p += sprintf(p, "%s\"%s\"", i ? ", " : "", xc_words[tags[i]]);
        }

        p += sprintf(p, "], \"routes\": [{\"path\": \"/ag%02u/s%02u\"}], ",
                     a, s);

        switch (xc_random() % 6) {

        case 0:
            p += sprintf(p, "\"status\": \"retired\"}");
            break;

        case 1:
            p += sprintf(p, "\"status\": \"maintenance\", "
                         "\"backends\": [\"10.0.0.1:80\"]}");
            break;

        default:
            p += sprintf(p, "\"backends\": [\"10.0.0.1:80\"]}");
        }
    }

    sprintf(p, "]}");

    return m;
}


static void
xc_tokens(xc_service_t *xs, const catalog_service_t *svc)
{
    char      *p;
    size_t     i, len;

    len = svc->name.len + svc->description.len + svc->agency->name.len + 64;

    for (i = 0; i < svc->ntags; i++) {
        len += svc->tags[i].len + 1;
    }

    xs->text = malloc(len * 2);
    xs->tokens = malloc(XC_TOKENS * sizeof(xc_token_t));
    xs->joined = malloc(svc->name.len * 2 + 1);
    assert_non_null(xs->text);
    assert_non_null(xs->tokens);
    assert_non_null(xs->joined);

    xs->ntokens = 0;
    p = xs->text;

    xc_add(xs, &p, &svc->name, CATALOG_FIELD_NAME);

    /* the joined name: the name's tokens, one space between */

    xs->joined[0] = '\0';

    for (i = 0; i < xs->ntokens; i++) {
        if (i) {
            strcat(xs->joined, " ");
        }

        strncat(xs->joined, xs->tokens[i].data, xs->tokens[i].len);
    }

    for (i = 0; i < svc->ntags; i++) {
        xc_add(xs, &p, &svc->tags[i], CATALOG_FIELD_TAG);
    }

    xc_add(xs, &p, &svc->agency->name, CATALOG_FIELD_AGENCY);
    xc_add(xs, &p, &svc->description, CATALOG_FIELD_DESCRIPTION);
}


static void
xc_add(xc_service_t *xs, char **p, const catalog_str_t *text,
    unsigned field)
{
    size_t          i, n, len;
    catalog_str_t   w[XC_TOKENS];

    len = catalog_text_fold(*p, text->data, text->len);
    n = catalog_text_words(*p, len, w, XC_TOKENS);

    for (i = 0; i < n; i++) {
        assert_true(xs->ntokens < XC_TOKENS);

        xs->tokens[xs->ntokens].data = w[i].data;
        xs->tokens[xs->ntokens].len = w[i].len;
        xs->tokens[xs->ntokens].field = field;
        xs->ntokens++;
    }

    *p += len;
}


static size_t
xc_reference(catalog_t *cat, xc_service_t *xs, const catalog_query_t *q,
    const catalog_status_fn_t *status, catalog_hit_t *hits)
{
    char                 joined[CATALOG_QUERY_WORDS_MAX * 80];
    size_t               s, i, n, len;
    unsigned             j, best, w, score, st;
    xc_token_t          *t;
    catalog_service_t   *svc;
    const catalog_str_t *word;

    joined[0] = '\0';

    for (j = 0; j < q->nwords; j++) {
        if (j) {
            strcat(joined, " ");
        }

        strncat(joined, q->words[j].data, q->words[j].len);
    }

    len = strlen(joined);
    n = 0;

    for (s = 0; s < cat->nservices; s++) {
        svc = cat->services[s];

        if (q->agency.len
            && (svc->agency->id.len != q->agency.len
                || memcmp(svc->agency->id.data, q->agency.data,
                          q->agency.len) != 0))
        {
            continue;
        }

        if (q->category.len
            && (svc->category.len != q->category.len
                || memcmp(svc->category.data, q->category.data,
                          q->category.len) != 0))
        {
            continue;
        }

        if (q->tag.len) {
            for (i = 0; i < svc->ntags; i++) {
                if (svc->tags[i].len == q->tag.len
                    && memcmp(svc->tags[i].data, q->tag.data, q->tag.len)
                       == 0)
                {
                    break;
                }
            }

            if (i == svc->ntags) {
                continue;
            }
        }

        if (q->status >= 0) {
            st = (status && status->handler)
                 ? status->handler(status->ctx, svc) : svc->status;

            if ((int) st != q->status) {
                continue;
            }
        }

        score = 0;

        for (j = 0; j < q->nwords; j++) {
            word = &q->words[j];
            best = 0;

            for (i = 0; i < xs[s].ntokens; i++) {
                t = &xs[s].tokens[i];

                if (t->len < word->len
                    || memcmp(t->data, word->data, word->len) != 0)
                {
                    continue;
                }

                w = (t->field & CATALOG_FIELD_NAME) ? 8
                    : (t->field & CATALOG_FIELD_TAG) ? 4
                    : (t->field & CATALOG_FIELD_AGENCY) ? 2 : 1;

                if (t->len == word->len) {
                    w *= 2;
                }

                if (w > best) {
                    best = w;
                }
            }

            if (best == 0) {
                break;
            }

            score += best;
        }

        if (j < q->nwords) {
            continue;
        }

        score *= 2;

        if (len && strncmp(xs[s].joined, joined, len) == 0) {
            score++;
        }

        hits[n].service = (uint32_t) s;
        hits[n].score = score;
        n++;
    }

    xc_sort = q->sort;

    if (xc_sort == CATALOG_SORT_DEFAULT
        || (xc_sort == CATALOG_SORT_RELEVANCE && q->nwords == 0))
    {
        xc_sort = q->nwords ? CATALOG_SORT_RELEVANCE : CATALOG_SORT_NAME;
    }

    qsort(hits, n, sizeof(catalog_hit_t), xc_compare);

    return n;
}


static int
xc_compare(const void *one, const void *two)
{
    int                   rc;
    const catalog_hit_t  *a, *b;
    catalog_service_t    *x, *y;

    a = one;
    b = two;
    x = xc_cat->services[a->service];
    y = xc_cat->services[b->service];

    if (xc_sort == CATALOG_SORT_RELEVANCE && a->score != b->score) {
        return a->score > b->score ? -1 : 1;
    }

    if (xc_sort == CATALOG_SORT_AGENCY) {
        rc = strcmp(x->agency->id.data, y->agency->id.data);
        if (rc) {
            return rc;
        }
    }

    rc = strcmp(xc_services[a->service].joined,
                xc_services[b->service].joined);
    if (rc) {
        return rc;
    }

    return strcmp(x->key.data, y->key.data);
}


static catalog_status_e
xc_status(void *ctx, const catalog_service_t *service)
{
    (void) ctx;

    return (catalog_status_e) ((service->index * 7 + 3) % 3);
}


static void
test_cross_check(void **state)
{
    char                  text[CATALOG_QUERY_Q_MAX + 1], *m, *p;
    size_t                i, n, r, bound, k, len, found;
    unsigned              a, j, words;
    catalog_t            *cat;
    catalog_hit_t        *hits;
    xc_service_t         *xs, *x;
    catalog_query_t       q;
    catalog_service_t    *svc;
    catalog_status_fn_t   fn;
    const xc_token_t     *t;

    (void) state;

    cat = catalog_create();
    assert_non_null(cat);

    for (a = 0; a < XC_AGENCIES; a++) {
        m = xc_manifest(a);
        unit_add_ok(cat, m);
        free(m);
    }

    build(cat);
    assert_int_equal(cat->nservices, XC_SERVICES);

    xs = calloc(XC_SERVICES, sizeof(xc_service_t));
    xc_hits = malloc(XC_SERVICES * sizeof(catalog_hit_t));
    assert_non_null(xs);
    assert_non_null(xc_hits);

    for (i = 0; i < XC_SERVICES; i++) {
        xc_tokens(&xs[i], cat->services[i]);
    }

    xc_cat = cat;
    xc_services = xs;

    fn.handler = xc_status;
    fn.ctx = NULL;
    found = 0;

    for (r = 0; r < XC_QUERIES; r++) {

        /* 1 to 3 words, or none for some queries of filters only */

        words = (r % 10 == 9) ? 0 : 1 + xc_random() % 3;
        p = text;

        for (j = 0; j < words; j++) {
            if (j) {
                *p++ = ' ';
            }

            x = &xs[xc_random() % XC_SERVICES];
            k = xc_random() % 10;

            if (k < 6 && x->ntokens) {

                /* a prefix of a word of a service, or the whole word */

                t = &x->tokens[xc_random() % x->ntokens];
                len = (k < 4) ? 1 + xc_random() % t->len : t->len;

                while (len < t->len && (t->data[len] & 0xc0) == 0x80) {
                    len++;
                }

                memcpy(p, t->data, len);
                p += len;

            } else if (k < 9) {

                /* random letters */

                len = 1 + xc_random() % 3;

                for (i = 0; i < len; i++) {
                    *p++ = (char) ('a' + xc_random() % 26);
                }

            } else {
                p += sprintf(p, "%u", xc_random() % 50);
            }
        }

        *p = '\0';

        query(&q, text);

        if (xc_random() % 6 == 0) {
            svc = cat->services[xc_random() % XC_SERVICES];
            q.agency = svc->agency->id;

            if (xc_random() % 10 == 0) {
                q.agency.data = "ag99";
                q.agency.len = 4;
            }
        }

        if (xc_random() % 6 == 0) {
            svc = cat->services[xc_random() % XC_SERVICES];
            q.category = svc->category;
        }

        if (xc_random() % 6 == 0) {
            q.tag.data = xc_words[xc_random() % 14];
            q.tag.len = strlen(q.tag.data);
        }

        if (xc_random() % 5 == 0) {
            q.status = (int) (xc_random() % 3);
        }

        q.sort = (catalog_sort_e) (xc_random() % 4);

        bound = catalog_index_bound(cat->index, &q);

        hits = malloc((bound ? bound : 1) * sizeof(catalog_hit_t));
        assert_non_null(hits);

        n = catalog_index_run(cat->index, &q, (r % 2) ? &fn : NULL, hits);

        i = xc_reference(cat, xs, &q, (r % 2) ? &fn : NULL, xc_hits);

        if (n > bound || n != i
            || (n && memcmp(hits, xc_hits, n * sizeof(catalog_hit_t)) != 0))
        {
            fail_msg("query %u \"%s\" agency \"%.*s\" category \"%.*s\" "
                     "tag \"%.*s\" status %d sort %d: %u hits (bound %u), "
                     "expected %u",
                     (unsigned) r, text, (int) q.agency.len, q.agency.data,
                     (int) q.category.len, q.category.data,
                     (int) q.tag.len, q.tag.data, q.status, (int) q.sort,
                     (unsigned) n, (unsigned) bound, (unsigned) i);
        }

        found += (n != 0);

        free(hits);
    }

    /* most queries find something: the comparison is not void */

    assert_true(found > XC_QUERIES / 2);

    for (i = 0; i < XC_SERVICES; i++) {
        free(xs[i].text);
        free(xs[i].tokens);
        free(xs[i].joined);
    }

    free(xs);
    free(xc_hits);

    catalog_free(cat);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_one_word, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_all_words_match, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_prefix, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_case_and_accents, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_separators_in_query,
                                        setup_fixture, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_no_match, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_no_words, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_words_given_unfolded,
                                        setup_fixture, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_many_words, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test(test_long_word),
        cmocka_unit_test_setup_teardown(test_name_beats_description,
                                        setup_fixture, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_scores, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_relevance_order, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_filter_agency, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_filter_category, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_filter_tag, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_filter_status, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_filter_status_handler,
                                        setup_fixture, teardown_fixture),
        cmocka_unit_test_setup_teardown(test_filters_combined, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_bound, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_sort_name, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(test_sort_agency, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test(test_sort_ties_by_key),
        cmocka_unit_test(test_empty_catalog),
        cmocka_unit_test(test_sparse_services),
        cmocka_unit_test(test_word_of_many_words),
        cmocka_unit_test(test_cross_check),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
