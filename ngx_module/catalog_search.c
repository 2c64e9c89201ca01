
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * Queries on the search index (catalog_index.h): the bound of a query
 * and its run.  The index itself, and how it lies in memory, is built by
 * catalog_index.c (see there and catalog_index_int.h).
 */


#include <stdlib.h>
#include <string.h>

#include <catalog_index.h>
#include <catalog_index_int.h>


#define CATALOG_INDEX_SCORE_MAX                                               \
    (2 * 2 * CATALOG_FIELD_NAME * CATALOG_QUERY_WORDS_MAX + 1)


typedef struct {
    uint32_t                      lo;          /* words [lo, hi) */
    uint32_t                      hi;
    uint32_t                      exact;       /* the word itself, or NONE */
    size_t                        cost;        /* postings of the range */
} catalog_index_word_t;


typedef struct {
    catalog_index_word_t          words[CATALOG_QUERY_WORDS_MAX];
    unsigned                      nwords;
    int                           driver;      /* a word, or -1 */
    const uint32_t               *list;        /* else candidates, or NULL */
    size_t                        nlist;
    uint32_t                      agency;      /* agency->index, or NONE */
    const catalog_index_list_t   *tag;
    uint32_t                      category;    /* or NONE */
    unsigned                      filters;     /* any filter set */
} catalog_index_plan_t;


static size_t catalog_index_plan(const catalog_index_t *idx,
    const catalog_query_t *q, catalog_index_plan_t *plan);
static void catalog_index_range(const catalog_index_t *idx,
    const catalog_str_t *w, catalog_index_word_t *word);
static const catalog_index_list_t *catalog_index_find(
    const catalog_index_list_t *lists, uint32_t n, const catalog_str_t *v);
static uint32_t catalog_index_match(const catalog_index_t *idx, uint32_t r,
    const catalog_index_word_t *word);
static int catalog_index_starts_name(const catalog_index_t *idx,
    uint32_t r, const catalog_index_plan_t *plan);
static int catalog_index_has_tag(const catalog_service_t *svc,
    const catalog_str_t *tag);
static int catalog_index_has_status(const catalog_service_t *svc,
    const catalog_status_fn_t *status, int want);


/* the weight of a word by the fields it is in: the best of them */

static const uint32_t  catalog_index_weight[16] = {
    0, 1, 2, 2, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8
};


size_t
catalog_index_bound(const catalog_index_t *idx, const catalog_query_t *q)
{
    catalog_index_plan_t  plan;

    return catalog_index_plan(idx, q, &plan);
}


size_t
catalog_index_run(catalog_index_t *idx, const catalog_query_t *q,
    const catalog_status_fn_t *status, catalog_hit_t *hits)
{
    size_t                 i, m, nc;
    uint32_t               r, t, w, k, mult, score, best, lo, hi, mask;
    uint64_t               top, *sorted;
    unsigned               j, nbytes, ordered;
    catalog_sort_e         sort;
    const uint32_t        *cand, *post, *end, *order;
    catalog_service_t     *svc, **services;
    catalog_index_word_t  *word;
    catalog_index_plan_t   plan;
    uint32_t               count[CATALOG_INDEX_SCORE_MAX + 2];

    if (catalog_index_plan(idx, q, &plan) == 0) {
        return 0;
    }

    services = idx->cat->services;

    sort = q->sort;

    if (sort == CATALOG_SORT_DEFAULT
        || (sort == CATALOG_SORT_RELEVANCE && plan.nwords == 0))
    {
        sort = plan.nwords ? CATALOG_SORT_RELEVANCE : CATALOG_SORT_NAME;
    }

    if (plan.nwords == 0 && !plan.filters) {

        /* the whole catalog, already in order */

        order = (sort == CATALOG_SORT_AGENCY) ? idx->by_agency : idx->by_name;
        m = 0;

        for (i = 0; i < idx->nservices; i++) {
            svc = services[order[i]];

            if (q->status >= 0
                && !catalog_index_has_status(svc, status, q->status))
            {
                continue;
            }

            hits[m].service = order[i];
            hits[m].score = 0;
            m++;
        }

        return m;
    }

    if (++idx->stamp == 0) {
        memset(idx->stamps, 0, idx->nservices * sizeof(uint32_t));
        idx->stamp = 1;
    }

    /*
     * Candidates: the postings of the driving word, in name order when it
     * is one word of the index; or a filter list; or every rank.
     */

    if (plan.driver >= 0) {
        word = &plan.words[plan.driver];
        ordered = (word->hi - word->lo == 1);
        nc = 0;

        for (t = word->lo; t < word->hi; t++) {
            mult = (t == word->exact) ? 2 : 1;
            post = idx->posts + idx->post_off[t];
            end = idx->posts + idx->post_off[t + 1];

            for ( /* void */ ; post < end; post++) {
                r = *post >> CATALOG_INDEX_SHIFT;
                w = catalog_index_weight[*post & CATALOG_INDEX_FIELDS] * mult;

                if (idx->stamps[r] != idx->stamp) {
                    idx->stamps[r] = idx->stamp;
                    idx->scores[r] = w;
                    idx->hits[nc++] = r;

                } else if (w > idx->scores[r]) {
                    idx->scores[r] = w;
                }
            }
        }

        if (!ordered && nc >= idx->nservices / 8) {

            /* many: in name order by a pass over the stamps, not a sort */

            nc = 0;

            for (r = 0; r < idx->nservices; r++) {
                if (idx->stamps[r] == idx->stamp) {
                    idx->hits[nc++] = r;
                }
            }

            ordered = 1;
        }

        cand = idx->hits;

    } else {
        ordered = 1;
        cand = plan.list;
        nc = plan.list ? plan.nlist : idx->nservices;
    }

    /* filters, the other words, the status; hits[] is reused in place */

    m = 0;
    lo = UINT32_MAX;
    hi = 0;

    for (i = 0; i < nc; i++) {
        r = cand ? cand[i] : (uint32_t) i;

        if (plan.agency != CATALOG_INDEX_NONE && idx->agency[r] != plan.agency)
        {
            continue;
        }

        if (plan.category != CATALOG_INDEX_NONE
            && idx->category[r] != plan.category)
        {
            continue;
        }

        svc = (plan.tag || q->status >= 0) ? services[idx->by_name[r]]
                                            : NULL;

        if (plan.tag && !catalog_index_has_tag(svc, &plan.tag->value)) {
            continue;
        }

        score = (plan.driver >= 0) ? idx->scores[r] : 0;

        for (j = 0; j < plan.nwords; j++) {
            if ((int) j == plan.driver) {
                continue;
            }

            best = catalog_index_match(idx, r, &plan.words[j]);
            if (best == 0) {
                break;
            }

            score += best;
        }

        if (j < plan.nwords) {
            continue;
        }

        if (q->status >= 0
            && !catalog_index_has_status(svc, status, q->status))
        {
            continue;
        }

        score *= 2;

        if (plan.nwords && catalog_index_starts_name(idx, r, &plan)) {
            score++;
        }

        idx->scores[r] = score;
        idx->hits[m++] = r;

        lo = score < lo ? score : lo;
        hi = score > hi ? score : hi;
    }

    if (m == 0) {
        return 0;
    }

    if (ordered && sort == CATALOG_SORT_NAME) {

        /* already in order */

        for (i = 0; i < m; i++) {
            r = idx->hits[i];
            hits[i].service = idx->by_name[r];
            hits[i].score = idx->scores[r];
        }

        return m;
    }

    if (ordered && sort == CATALOG_SORT_RELEVANCE) {

        /* a counting sort by score, best first, keeps the name order */

        memset(count, 0, (hi - lo + 2) * sizeof(uint32_t));

        for (i = 0; i < m; i++) {
            count[hi - idx->scores[idx->hits[i]] + 1]++;
        }

        for (k = 1; k <= hi - lo; k++) {
            count[k] += count[k - 1];
        }

        for (i = 0; i < m; i++) {
            r = idx->hits[i];
            k = count[hi - idx->scores[r]]++;
            hits[k].service = idx->by_name[r];
            hits[k].score = idx->scores[r];
        }

        return m;
    }

    /* sort keys: the best score first, then the rank; or the agency place */

    if (sort == CATALOG_SORT_RELEVANCE) {
        for (i = 0; i < m; i++) {
            r = idx->hits[i];
            idx->keys[i] = ((uint64_t) (hi - idx->scores[r]) << idx->rank_bits)
                           | r;
        }

        top = ((uint64_t) (hi - lo) << idx->rank_bits)
              | (((uint64_t) 1 << idx->rank_bits) - 1);
        order = idx->by_name;

    } else {
        for (i = 0; i < m; i++) {
            r = idx->hits[i];
            idx->keys[i] = (sort == CATALOG_SORT_AGENCY) ? idx->agency_place[r]
                                                         : r;
        }

        top = ((uint64_t) 1 << idx->rank_bits) - 1;
        order = (sort == CATALOG_SORT_AGENCY) ? idx->by_agency : idx->by_name;
    }

    nbytes = 1;

    while (nbytes < 8 && (top >> (nbytes * 8)) != 0) {
        nbytes++;
    }

    mask = (uint32_t) (((uint64_t) 1 << idx->rank_bits) - 1);

    sorted = catalog_index_sort(idx->keys, idx->keys_tmp, m, 0, nbytes);

    for (i = 0; i < m; i++) {
        hits[i].service = order[(uint32_t) sorted[i] & mask];
        hits[i].score = idx->scores[idx->name_rank[hits[i].service]];
    }

    return m;
}


/*
 * The plan of a query: the range of each word, the filters, and what
 * drives the candidates (the word or filter list with the fewest
 * entries).  Returns the most hits there can be, 0 when none.
 */

static size_t
catalog_index_plan(const catalog_index_t *idx, const catalog_query_t *q,
    catalog_index_plan_t *plan)
{
    size_t                       i, n, best;
    catalog_str_t                w;
    catalog_agency_t            *agency;
    const catalog_t             *cat;
    catalog_index_word_t        *word;
    const catalog_index_list_t  *list;

    cat = idx->cat;

    plan->nwords = 0;
    plan->driver = -1;
    plan->list = NULL;
    plan->nlist = 0;
    plan->agency = CATALOG_INDEX_NONE;
    plan->tag = NULL;
    plan->category = CATALOG_INDEX_NONE;
    plan->filters = 0;

    if (idx->nservices == 0) {
        return 0;
    }

    /*
     * A word drives unless its postings outnumber twice the services
     * (then every service is checked instead); a filter list drives when
     * it is shorter.
     */

    best = 2 * (size_t) idx->nservices + 1;

    n = q->nwords < CATALOG_QUERY_WORDS_MAX ? q->nwords
                                            : CATALOG_QUERY_WORDS_MAX;

    for (i = 0; i < n; i++) {

        /* the word as the index cut it; nothing if no letter or digit */

        if (catalog_text_words(q->words[i].data, q->words[i].len, &w, 1)
            == 0)
        {
            continue;
        }

        word = &plan->words[plan->nwords];

        catalog_index_range(idx, &w, word);

        if (word->cost == 0) {
            return 0;
        }

        if (word->cost < best) {
            best = word->cost;
            plan->driver = (int) plan->nwords;
        }

        plan->nwords++;
    }

    if (best > idx->nservices) {

        /* no word, or hits at most once each: the catalog's size */

        best = idx->nservices;
    }

    if (q->agency.len) {
        plan->filters = 1;

        agency = catalog_map_find(&cat->agency_ids,
                                  catalog_hash(CATALOG_HASH_INIT,
                                               q->agency.data, q->agency.len),
                                  q->agency.data, q->agency.len);

        if (agency == NULL
            || agency->index >= idx->nagencies
            || cat->agencies[agency->index] != agency)
        {
            return 0;
        }

        plan->agency = agency->index;

        n = idx->agency_off[agency->index + 1]
            - idx->agency_off[agency->index];

        if (n == 0) {
            return 0;
        }

        if (n < best) {
            best = n;
            plan->driver = -1;
            plan->list = idx->agency_ranks + idx->agency_off[agency->index];
            plan->nlist = n;
        }
    }

    if (q->category.len) {
        plan->filters = 1;

        list = catalog_index_find(idx->categories, idx->ncategories,
                                  &q->category);
        if (list == NULL) {
            return 0;
        }

        plan->category = (uint32_t) (list - idx->categories);

        if (list->n < best) {
            best = list->n;
            plan->driver = -1;
            plan->list = list->ranks;
            plan->nlist = list->n;
        }
    }

    if (q->tag.len) {
        plan->filters = 1;

        list = catalog_index_find(idx->tags, idx->ntags, &q->tag);
        if (list == NULL) {
            return 0;
        }

        plan->tag = list;

        if (list->n < best) {
            best = list->n;
            plan->driver = -1;
            plan->list = list->ranks;
            plan->nlist = list->n;
        }
    }

    return best;
}


static void
catalog_index_range(const catalog_index_t *idx, const catalog_str_t *w,
    catalog_index_word_t *word)
{
    int                   rc;
    uint32_t              lo, hi, mid;
    const catalog_str_t  *t;

    /* lo: the first word not below w */

    lo = 0;
    hi = idx->nwords;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        t = &idx->words[mid];

        rc = memcmp(t->data, w->data, t->len < w->len ? t->len : w->len);

        if (rc < 0 || (rc == 0 && t->len < w->len)) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    word->lo = lo;

    /* hi: the first word from lo that w is not a prefix of */

    hi = idx->nwords;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        t = &idx->words[mid];

        if (t->len >= w->len && memcmp(t->data, w->data, w->len) == 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    word->hi = lo;

    word->exact = (word->lo < word->hi && idx->words[word->lo].len == w->len)
                  ? word->lo : CATALOG_INDEX_NONE;

    word->cost = idx->post_off[word->hi] - idx->post_off[word->lo];
}


static const catalog_index_list_t *
catalog_index_find(const catalog_index_list_t *lists, uint32_t n,
    const catalog_str_t *v)
{
    int                   rc;
    uint32_t              lo, hi, mid;
    const catalog_str_t  *t;

    lo = 0;
    hi = n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        t = &lists[mid].value;

        rc = memcmp(t->data, v->data, t->len < v->len ? t->len : v->len);

        if (rc == 0) {
            rc = (t->len > v->len) - (t->len < v->len);
        }

        if (rc == 0) {
            return &lists[mid];
        }

        if (rc < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


/*
 * The score of a word on rank r: the best weight of the service's words
 * in the word's range, doubled for the word itself; 0 when none.
 */

static uint32_t
catalog_index_match(const catalog_index_t *idx, uint32_t r,
    const catalog_index_word_t *word)
{
    uint32_t        key, t, w, best;
    const uint32_t  *a, *end, *mid;
    size_t          n;

    a = idx->own + idx->own_off[r];
    end = idx->own + idx->own_off[r + 1];
    key = word->lo << CATALOG_INDEX_SHIFT;

    n = (size_t) (end - a);

    while (n) {
        mid = a + n / 2;

        if (*mid < key) {
            a = mid + 1;
            n -= n / 2 + 1;

        } else {
            n /= 2;
        }
    }

    best = 0;

    for ( /* void */ ; a < end; a++) {
        t = *a >> CATALOG_INDEX_SHIFT;

        if (t >= word->hi) {
            break;
        }

        w = catalog_index_weight[*a & CATALOG_INDEX_FIELDS]
            * ((t == word->exact) ? 2 : 1);

        if (w > best) {
            best = w;
        }
    }

    return best;
}


/*
 * Whether the query's words, in order, start rank r's name: the name's
 * words are the query's but for the last, which it only starts.  This is
 * the name's words joined by spaces starting with the query's so joined.
 */

static int
catalog_index_starts_name(const catalog_index_t *idx, uint32_t r,
    const catalog_index_plan_t *plan)
{
    unsigned         j, last;
    const uint32_t  *w;

    last = plan->nwords - 1;

    if (idx->name_off[r + 1] - idx->name_off[r] <= last) {
        return 0;
    }

    w = idx->name_words + idx->name_off[r];

    for (j = 0; j < last; j++) {
        if (w[j] != plan->words[j].exact) {
            return 0;
        }
    }

    return w[last] >= plan->words[last].lo && w[last] < plan->words[last].hi;
}


static int
catalog_index_has_tag(const catalog_service_t *svc, const catalog_str_t *tag)
{
    unsigned  i;

    for (i = 0; i < svc->ntags; i++) {
        if (svc->tags[i].len == tag->len
            && memcmp(svc->tags[i].data, tag->data, tag->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* the runtime status when the embedder knows it, else the manifest's */

static int
catalog_index_has_status(const catalog_service_t *svc,
    const catalog_status_fn_t *status, int want)
{
    catalog_status_e  st;

    if (status != NULL && status->handler != NULL) {
        st = status->handler(status->ctx, svc);

    } else {
        st = svc->status;
    }

    return (int) st == want;
}
