
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The search index (catalog_index.h).
 *
 * Words are numbered in byte order, so the words a query word is a prefix
 * of form one range [lo, hi) found by two binary searches.
 *
 * Inside the index a service is its rank r, its place in the name order
 * (folded name, then key, which is unique): by_name[r] is the service's
 * index in cat->services, name_rank[] the reverse.  Each word has a
 * posting list of "r << 4 | fields" sorted by rank, and the posting lists
 * lie end to end, so the postings of a whole range are counted in O(1).
 * Each rank has the sorted list of its own "word << 4 | fields", where a
 * binary search tells whether it holds any word of a range.  The filter
 * lists are by rank too.
 *
 * So candidates from one word or from a filter list come in name order,
 * and so do many candidates from several words once the ranks seen are
 * marked and read back in order: sorting by name is then nothing and by
 * relevance a counting sort by score.  Otherwise hits are sorted as
 * integers (radix sort of 64-bit keys: score and rank, or the place in
 * the agency order).
 */


#include <stdlib.h>
#include <string.h>

#include <catalog_index.h>


#define CATALOG_INDEX_SHIFT   4
#define CATALOG_INDEX_FIELDS  0x0f
#define CATALOG_INDEX_MAX     0x0fffffff    /* services or words */
#define CATALOG_INDEX_NONE    0xffffffff
#define CATALOG_INDEX_SMALL   32            /* insertion sort up to this */
#define CATALOG_INDEX_SCORE_MAX                                               \
    (2 * 2 * CATALOG_FIELD_NAME * CATALOG_QUERY_WORDS_MAX + 1)

/* the number of the k-th word of service s's name plus 1, or 0 */
#define catalog_index_name_word(ctx, s, k)                                    \
    (((ctx)->name_off[s] + (k) < (ctx)->name_off[(s) + 1])                    \
     ? (ctx)->name_words[(ctx)->name_off[s] + (k)] + 1 : 0)


typedef struct {
    catalog_str_t                 value;
    uint32_t                     *ranks;       /* ascending */
    uint32_t                      n;
} catalog_index_list_t;


struct catalog_index_s {
    catalog_t                    *cat;
    uint32_t                      nservices;

    catalog_str_t                *words;       /* distinct, in byte order */
    uint32_t                      nwords;
    uint32_t                     *post_off;    /* nwords + 1 */
    uint32_t                     *posts;       /* rank << 4 | fields */

    uint32_t                     *own_off;     /* by rank, nservices + 1 */
    uint32_t                     *own;         /* word << 4 | fields */

    uint32_t                     *name_off;    /* by rank, nservices + 1 */
    uint32_t                     *name_words;  /* each name's, in order */

    uint32_t                     *by_name;     /* rank -> service */
    uint32_t                     *name_rank;   /* service -> rank */
    uint32_t                     *by_agency;   /* place -> service */
    uint32_t                     *agency_place;  /* rank -> place */
    unsigned                      rank_bits;

    uint32_t                     *agency;      /* rank -> agency->index */
    uint32_t                     *agency_off;  /* by agency->index */
    uint32_t                     *agency_ranks;
    uint32_t                      nagencies;

    catalog_index_list_t         *categories;  /* in byte order */
    uint32_t                      ncategories;
    uint32_t                     *category;    /* rank -> category */

    catalog_index_list_t         *tags;        /* in byte order */
    uint32_t                      ntags;

    /* scratch, private to each worker process once forked */

    uint32_t                      stamp;
    uint32_t                     *stamps;      /* seen by query "stamp" */
    uint32_t                     *scores;      /* by rank */
    uint32_t                     *hits;        /* ranks */
    uint64_t                     *keys;
    uint64_t                     *keys_tmp;
};


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


/* distinct strings, while building */

typedef struct {
    uint32_t                     *slots;       /* string number + 1 */
    size_t                        mask;
    catalog_str_t                *strs;
    size_t                        n;
    size_t                        cap;
} catalog_index_set_t;


typedef struct {
    const char                   *data;
    uint32_t                      len;
    uint32_t                      n;
} catalog_index_sorted_t;


typedef struct {
    const catalog_str_t          *key;
    uint32_t                      service;
} catalog_index_key_t;


typedef struct {
    catalog_index_t              *idx;
    catalog_index_set_t           words;
    uint32_t                     *occ;         /* word << 4 | field */
    size_t                        nocc;
    size_t                        occ_cap;
    uint32_t                     *occ_off;     /* nservices + 1 */
    uint32_t                     *agency_off;  /* agency names' words */
    uint32_t                     *name_words;  /* each name's words */
    uint32_t                     *name_off;    /* nservices + 1 */
    size_t                        name_cap;
    catalog_index_key_t          *ties;        /* names alike, by key */
    uint64_t                     *keys;
    uint64_t                     *keys_tmp;
    char                         *buf;         /* folded text */
    size_t                        buf_cap;
    catalog_str_t                *split;
    size_t                        split_cap;
} catalog_index_ctx_t;


static int catalog_index_add_text(catalog_index_ctx_t *ctx,
    const catalog_str_t *text, unsigned field);
static int catalog_index_reserve(catalog_index_ctx_t *ctx, size_t n);
static int catalog_index_words(catalog_index_ctx_t *ctx);
static int catalog_index_names(catalog_index_ctx_t *ctx);
static int catalog_index_postings(catalog_index_ctx_t *ctx);
static void catalog_index_sort_names(catalog_index_ctx_t *ctx,
    uint32_t *order, size_t n, size_t k);
static int catalog_index_agencies(catalog_index_t *idx);
static int catalog_index_values(catalog_index_t *idx, int tags);
static int catalog_index_scratch(catalog_index_t *idx);
static int catalog_index_set_init(catalog_index_set_t *set, size_t hint);
static void catalog_index_set_free(catalog_index_set_t *set);
static int64_t catalog_index_set_add(catalog_index_set_t *set,
    catalog_arena_t *a, const char *data, size_t len);
static uint32_t *catalog_index_set_sort(catalog_index_set_t *set,
    catalog_str_t *sorted);
static int catalog_index_cmp_sorted(const void *one, const void *two);
static int catalog_index_cmp_key(const void *one, const void *two);
static int catalog_index_cmp_agency(const void *one, const void *two);
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
static uint64_t *catalog_index_sort(uint64_t *a, uint64_t *tmp, size_t n,
    unsigned from, unsigned to);


/* the weight of a word by the fields it is in: the best of them */

static const uint32_t  catalog_index_weight[16] = {
    0, 1, 2, 2, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8
};


catalog_index_t *
catalog_index_build(catalog_t *cat)
{
    void                 *p;
    size_t                s, i, a, n;
    uint32_t             *occ;
    catalog_index_t      *idx;
    catalog_service_t    *svc;
    catalog_index_ctx_t   ctx;

    if (cat->nservices > CATALOG_INDEX_MAX) {
        return NULL;
    }

    idx = catalog_arena_calloc(&cat->arena, sizeof(catalog_index_t));
    if (idx == NULL) {
        return NULL;
    }

    idx->cat = cat;
    idx->nservices = cat->nservices;
    idx->nagencies = cat->nagencies;

    memset(&ctx, 0, sizeof(catalog_index_ctx_t));
    ctx.idx = idx;

    ctx.name_off = malloc((cat->nservices + 1) * sizeof(uint32_t));
    ctx.occ_off = malloc((cat->nservices + 1) * sizeof(uint32_t));
    ctx.agency_off = malloc((cat->nagencies + 1) * sizeof(uint32_t));

    if (ctx.name_off == NULL
        || ctx.occ_off == NULL
        || ctx.agency_off == NULL
        || catalog_index_set_init(&ctx.words, 1024) != 0
        || catalog_index_reserve(&ctx, cat->nservices * 16 + 1024) != 0)
    {
        goto failed;
    }

    /* the words of each agency's name, once */

    for (a = 0; a < cat->nagencies; a++) {
        ctx.agency_off[a] = (uint32_t) ctx.nocc;

        if (catalog_index_add_text(&ctx, &cat->agencies[a]->name,
                                   CATALOG_FIELD_AGENCY)
            != 0)
        {
            goto failed;
        }
    }

    ctx.agency_off[a] = (uint32_t) ctx.nocc;

    /* every word of every service, in service order, after those */

    ctx.name_off[0] = 0;

    for (s = 0; s < cat->nservices; s++) {
        svc = cat->services[s];

        ctx.occ_off[s] = (uint32_t) ctx.nocc;

        if (catalog_index_add_text(&ctx, &svc->name, CATALOG_FIELD_NAME) != 0)
        {
            goto failed;
        }

        /* the name's words in order, for the name order */

        n = ctx.nocc - ctx.occ_off[s];

        if (ctx.name_off[s] + n > ctx.name_cap) {
            ctx.name_cap = (ctx.name_off[s] + n) * 2 + 1024;
            p = realloc(ctx.name_words, ctx.name_cap * sizeof(uint32_t));
            if (p == NULL) {
                goto failed;
            }

            ctx.name_words = p;
        }

        occ = ctx.occ + ctx.occ_off[s];

        for (i = 0; i < n; i++) {
            ctx.name_words[ctx.name_off[s] + i] = occ[i] >> CATALOG_INDEX_SHIFT;
        }

        ctx.name_off[s + 1] = ctx.name_off[s] + (uint32_t) n;

        for (i = 0; i < svc->ntags; i++) {
            if (catalog_index_add_text(&ctx, &svc->tags[i], CATALOG_FIELD_TAG)
                != 0)
            {
                goto failed;
            }
        }

        if (svc->agency != NULL
            && svc->agency->index < cat->nagencies
            && cat->agencies[svc->agency->index] == svc->agency)
        {
            a = svc->agency->index;
            n = ctx.agency_off[a + 1] - ctx.agency_off[a];

            if (catalog_index_reserve(&ctx, n) != 0) {
                goto failed;
            }

            memcpy(&ctx.occ[ctx.nocc], &ctx.occ[ctx.agency_off[a]],
                   n * sizeof(uint32_t));
            ctx.nocc += n;
        }

        if (catalog_index_add_text(&ctx, &svc->description,
                                   CATALOG_FIELD_DESCRIPTION)
            != 0)
        {
            goto failed;
        }
    }

    ctx.occ_off[cat->nservices] = (uint32_t) ctx.nocc;

    if (catalog_index_words(&ctx) != 0
        || catalog_index_scratch(idx) != 0
        || catalog_index_names(&ctx) != 0
        || catalog_index_postings(&ctx) != 0
        || catalog_index_agencies(idx) != 0
        || catalog_index_values(idx, 0) != 0
        || catalog_index_values(idx, 1) != 0)
    {
        goto failed;
    }

    catalog_index_set_free(&ctx.words);
    free(ctx.occ);
    free(ctx.occ_off);
    free(ctx.agency_off);
    free(ctx.name_words);
    free(ctx.name_off);
    free(ctx.buf);
    free(ctx.split);

    cat->index = idx;

    return idx;

failed:

    catalog_index_set_free(&ctx.words);
    free(ctx.occ);
    free(ctx.occ_off);
    free(ctx.agency_off);
    free(ctx.name_words);
    free(ctx.name_off);
    free(ctx.buf);
    free(ctx.split);

    return NULL;
}


static int
catalog_index_add_text(catalog_index_ctx_t *ctx, const catalog_str_t *text,
    unsigned field)
{
    size_t          i, n, len, need;
    int64_t         w;
    catalog_str_t  *split;

    if (text->len == 0) {
        return 0;
    }

    need = text->len * 2 + 1;

    if (ctx->buf_cap < need) {
        free(ctx->buf);
        free(ctx->split);

        ctx->buf_cap = need < 4096 ? 4096 : need;
        ctx->split_cap = ctx->buf_cap / 2 + 1;

        ctx->buf = malloc(ctx->buf_cap);
        ctx->split = malloc(ctx->split_cap * sizeof(catalog_str_t));

        if (ctx->buf == NULL || ctx->split == NULL) {
            return -1;
        }
    }

    len = catalog_text_fold(ctx->buf, text->data, text->len);
    split = ctx->split;
    n = catalog_text_words(ctx->buf, len, split, ctx->split_cap);

    if (catalog_index_reserve(ctx, n) != 0) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        w = catalog_index_set_add(&ctx->words, &ctx->idx->cat->arena,
                                  split[i].data, split[i].len);
        if (w < 0) {
            return -1;
        }

        ctx->occ[ctx->nocc++] = ((uint32_t) w << CATALOG_INDEX_SHIFT) | field;
    }

    return 0;
}


static int
catalog_index_reserve(catalog_index_ctx_t *ctx, size_t n)
{
    size_t     cap;
    uint32_t  *occ;

    if (ctx->nocc + n <= ctx->occ_cap) {
        return 0;
    }

    if (n > (size_t) UINT32_MAX - ctx->nocc) {
        /* the offsets are 32-bit */
        return -1;
    }

    cap = ctx->occ_cap ? ctx->occ_cap * 2 : 1024;

    while (cap < ctx->nocc + n) {
        cap *= 2;
    }

    occ = realloc(ctx->occ, cap * sizeof(uint32_t));
    if (occ == NULL) {
        return -1;
    }

    ctx->occ = occ;
    ctx->occ_cap = cap;

    return 0;
}


static int
catalog_index_words(catalog_index_ctx_t *ctx)
{
    size_t            i, total;
    uint32_t         *remap, *occ;
    catalog_index_t  *idx;

    idx = ctx->idx;

    if (ctx->words.n > CATALOG_INDEX_MAX) {
        return -1;
    }

    idx->nwords = (uint32_t) ctx->words.n;
    idx->words = catalog_arena_alloc(&idx->cat->arena,
                                     (ctx->words.n + 1)
                                     * sizeof(catalog_str_t));
    if (idx->words == NULL) {
        return -1;
    }

    /* the words numbered in byte order, in the names and occurrences */

    remap = catalog_index_set_sort(&ctx->words, idx->words);
    if (remap == NULL) {
        return -1;
    }

    for (i = 0; i < ctx->name_off[idx->nservices]; i++) {
        ctx->name_words[i] = remap[ctx->name_words[i]];
    }

    occ = ctx->occ + ctx->occ_off[0];
    total = ctx->occ_off[idx->nservices] - ctx->occ_off[0];

    for (i = 0; i < total; i++) {
        occ[i] = (remap[occ[i] >> CATALOG_INDEX_SHIFT] << CATALOG_INDEX_SHIFT)
                 | (occ[i] & CATALOG_INDEX_FIELDS);
    }

    free(remap);

    return 0;
}


static int
catalog_index_names(catalog_index_ctx_t *ctx)
{
    size_t            r, s, n, k, len;
    catalog_arena_t  *a;
    catalog_index_t  *idx;

    idx = ctx->idx;
    a = &idx->cat->arena;
    n = idx->nservices;

    idx->name_rank = catalog_arena_alloc(a, (n + 1) * sizeof(uint32_t));
    idx->by_name = catalog_arena_alloc(a, (n + 1) * sizeof(uint32_t));
    idx->name_off = catalog_arena_alloc(a, (n + 1) * sizeof(uint32_t));
    idx->name_words = catalog_arena_alloc(a, (ctx->name_off[n] + 1)
                                             * sizeof(uint32_t));
    ctx->ties = malloc((n + 1) * sizeof(catalog_index_key_t));

    if (idx->name_rank == NULL || idx->by_name == NULL
        || idx->name_off == NULL || idx->name_words == NULL
        || ctx->ties == NULL)
    {
        free(ctx->ties);
        return -1;
    }

    /* the scratch arrays of queries serve the sort */

    ctx->keys = idx->keys;
    ctx->keys_tmp = idx->keys_tmp;

    for (s = 0; s < n; s++) {
        idx->by_name[s] = (uint32_t) s;
    }

    catalog_index_sort_names(ctx, idx->by_name, n, 0);

    free(ctx->ties);

    /* the names' words by rank */

    k = 0;

    for (r = 0; r < n; r++) {
        s = idx->by_name[r];
        idx->name_rank[s] = (uint32_t) r;
        idx->name_off[r] = (uint32_t) k;

        len = ctx->name_off[s + 1] - ctx->name_off[s];

        if (len) {
            memcpy(idx->name_words + k, ctx->name_words + ctx->name_off[s],
                   len * sizeof(uint32_t));
            k += len;
        }
    }

    idx->name_off[n] = (uint32_t) k;

    idx->rank_bits = 1;

    while (idx->rank_bits < 32 && ((uint64_t) 1 << idx->rank_bits) < n) {
        idx->rank_bits++;
    }

    return 0;
}


/*
 * The posting lists by a counting sort of the occurrences by word, taking
 * the services in name order: a service's second occurrence of a word is
 * then the last posting of the word, where its field is merged.  Then each
 * rank's own words, by another counting sort.
 */

static int
catalog_index_postings(catalog_index_ctx_t *ctx)
{
    size_t            r, s, i, n, total;
    uint32_t          v, w, *start, *end, *posts, *off;
    catalog_arena_t  *a;
    catalog_index_t  *idx;

    idx = ctx->idx;
    a = &idx->cat->arena;
    total = ctx->occ_off[idx->nservices] - ctx->occ_off[0];

    start = calloc(idx->nwords + 1, sizeof(uint32_t));
    end = malloc((idx->nwords + 1) * sizeof(uint32_t));

    idx->post_off = catalog_arena_alloc(a, (idx->nwords + 1)
                                           * sizeof(uint32_t));
    idx->own_off = catalog_arena_calloc(a, (idx->nservices + 2)
                                           * sizeof(uint32_t));
    posts = catalog_arena_alloc(a, (total + 1) * sizeof(uint32_t));

    if (start == NULL || end == NULL || idx->post_off == NULL
        || idx->own_off == NULL || posts == NULL)
    {
        goto failed;
    }

    for (i = ctx->occ_off[0]; i < ctx->occ_off[idx->nservices]; i++) {
        start[ctx->occ[i] >> CATALOG_INDEX_SHIFT]++;
    }

    n = 0;

    for (w = 0; w < idx->nwords; w++) {
        v = start[w];
        start[w] = (uint32_t) n;
        end[w] = (uint32_t) n;
        n += v;
    }

    for (r = 0; r < idx->nservices; r++) {
        s = idx->by_name[r];

        for (i = ctx->occ_off[s]; i < ctx->occ_off[s + 1]; i++) {
            v = ctx->occ[i];
            w = v >> CATALOG_INDEX_SHIFT;
            v = ((uint32_t) r << CATALOG_INDEX_SHIFT)
                | (v & CATALOG_INDEX_FIELDS);

            if (end[w] > start[w]
                && (posts[end[w] - 1] >> CATALOG_INDEX_SHIFT) == r)
            {
                posts[end[w] - 1] |= v;

            } else {
                posts[end[w]++] = v;
            }
        }
    }

    /* packed end to end, in place; the merged ones leave room at the end */

    n = 0;

    for (w = 0; w < idx->nwords; w++) {
        idx->post_off[w] = (uint32_t) n;

        memmove(posts + n, posts + start[w],
                (end[w] - start[w]) * sizeof(uint32_t));

        n += end[w] - start[w];
    }

    idx->post_off[w] = (uint32_t) n;
    idx->posts = posts;
    total = n;

    idx->own = catalog_arena_alloc(a, (total + 1) * sizeof(uint32_t));
    if (idx->own == NULL) {
        goto failed;
    }

    /* each rank's own words, in word order */

    off = idx->own_off;

    for (i = 0; i < total; i++) {
        off[(posts[i] >> CATALOG_INDEX_SHIFT) + 2]++;
    }

    for (r = 2; r < idx->nservices + 2; r++) {
        off[r] += off[r - 1];
    }

    /* off[r + 1] is where rank r's words start; after filling, end */

    for (w = 0; w < idx->nwords; w++) {
        for (i = idx->post_off[w]; i < idx->post_off[w + 1]; i++) {
            v = posts[i];
            r = v >> CATALOG_INDEX_SHIFT;
            idx->own[off[r + 1]++] = (w << CATALOG_INDEX_SHIFT)
                                     | (v & CATALOG_INDEX_FIELDS);
        }
    }

    free(start);
    free(end);

    return 0;

failed:

    free(start);
    free(end);

    return -1;
}


/*
 * Sorts services by the words of their names from the k-th on, a radix
 * sort by word number most significant word first: the words are
 * numbered in byte order, and a name that ends sorts first, which gives
 * the byte order of the names' words joined by spaces.  Names alike are
 * sorted by key.
 */

static void
catalog_index_sort_names(catalog_index_ctx_t *ctx, uint32_t *order,
    size_t n, size_t k)
{
    size_t     i, j, t;
    uint32_t   s, w;
    uint64_t  *sorted;

    /* word k + 1, or 0 when the name has no more words; then service */

    for (i = 0; i < n; i++) {
        s = order[i];
        ctx->keys[i] = ((uint64_t) catalog_index_name_word(ctx, s, k) << 32)
                       | s;
    }

    sorted = catalog_index_sort(ctx->keys, ctx->keys_tmp, n, 4, 8);

    for (i = 0; i < n; i++) {
        order[i] = (uint32_t) (sorted[i] & CATALOG_INDEX_MAX);
    }

    /* each run of one word k: by the next word, or by key once ended */

    for (i = 0; i < n; i = j) {
        w = catalog_index_name_word(ctx, order[i], k);

        for (j = i + 1;
             j < n && catalog_index_name_word(ctx, order[j], k) == w;
             j++)
        {
            /* void */
        }

        if (j - i < 2) {
            continue;
        }

        if (w) {
            catalog_index_sort_names(ctx, order + i, j - i, k + 1);
            continue;
        }

        for (t = i; t < j; t++) {
            ctx->ties[t - i].key = &ctx->idx->cat->services[order[t]]->key;
            ctx->ties[t - i].service = order[t];
        }

        qsort(ctx->ties, j - i, sizeof(catalog_index_key_t),
              catalog_index_cmp_key);

        for (t = i; t < j; t++) {
            order[t] = ctx->ties[t - i].service;
        }
    }
}


static int
catalog_index_agencies(catalog_index_t *idx)
{
    size_t              a, r, n, v, c;
    uint32_t           *order, *start;
    catalog_t          *cat;
    catalog_agency_t  **agencies;
    catalog_service_t  *svc;

    cat = idx->cat;
    n = idx->nagencies;

    idx->agency = catalog_arena_alloc(&cat->arena,
                                      (idx->nservices + 1) * sizeof(uint32_t));
    idx->agency_place = catalog_arena_alloc(&cat->arena,
                                            (idx->nservices + 1)
                                            * sizeof(uint32_t));
    idx->by_agency = catalog_arena_alloc(&cat->arena,
                                         (idx->nservices + 1)
                                         * sizeof(uint32_t));
    idx->agency_off = catalog_arena_calloc(&cat->arena,
                                           (n + 2) * sizeof(uint32_t));
    idx->agency_ranks = catalog_arena_alloc(&cat->arena,
                                            (idx->nservices + 1)
                                            * sizeof(uint32_t));
    agencies = malloc((n + 1) * sizeof(catalog_agency_t *));
    order = malloc((n + 2) * sizeof(uint32_t));
    start = calloc(n + 2, sizeof(uint32_t));

    if (idx->agency == NULL || idx->agency_place == NULL
        || idx->by_agency == NULL || idx->agency_off == NULL
        || idx->agency_ranks == NULL
        || agencies == NULL || order == NULL || start == NULL)
    {
        free(agencies);
        free(order);
        free(start);
        return -1;
    }

    /* each rank's agency: agency->index, or n when none */

    for (r = 0; r < idx->nservices; r++) {
        svc = cat->services[idx->by_name[r]];

        a = (svc->agency && svc->agency->index < n
             && cat->agencies[svc->agency->index] == svc->agency)
            ? svc->agency->index : n;

        idx->agency[r] = (a < n) ? (uint32_t) a : CATALOG_INDEX_NONE;
        idx->agency_off[a + 1]++;
    }

    /* order[agency->index]: the agency's place by id; n: no agency */

    for (a = 0; a < n; a++) {
        agencies[a] = cat->agencies[a];
    }

    qsort(agencies, n, sizeof(catalog_agency_t *), catalog_index_cmp_agency);

    for (a = 0; a <= n; a++) {
        order[a] = (uint32_t) n;
    }

    for (a = 0; a < n; a++) {
        if (agencies[a]->index < n) {
            order[agencies[a]->index] = (uint32_t) a;
        }
    }

    /* the agency order: by agency place, then by rank */

    for (a = 0; a <= n; a++) {
        start[order[a]] = idx->agency_off[a + 1];
    }

    v = 0;

    for (a = 0; a <= n; a++) {
        c = start[a];
        start[a] = (uint32_t) v;
        v += c;
    }

    for (r = 0; r < idx->nservices; r++) {
        a = (idx->agency[r] == CATALOG_INDEX_NONE) ? n : idx->agency[r];

        idx->agency_place[r] = start[order[a]]++;
        idx->by_agency[idx->agency_place[r]] = idx->by_name[r];
    }

    /* the ranks of each agency's services, by agency->index */

    for (a = 0; a < n; a++) {
        idx->agency_off[a + 1] += idx->agency_off[a];
    }

    memcpy(start, idx->agency_off, (n + 1) * sizeof(uint32_t));

    for (r = 0; r < idx->nservices; r++) {
        if (idx->agency[r] != CATALOG_INDEX_NONE) {
            idx->agency_ranks[start[idx->agency[r]]++] = (uint32_t) r;
        }
    }

    free(agencies);
    free(order);
    free(start);

    return 0;
}


static int
catalog_index_values(catalog_index_t *idx, int tags)
{
    size_t                 r, i, n, v, total;
    int64_t                id;
    uint32_t              *remap, *ids, *off, *list;
    catalog_t             *cat;
    catalog_str_t         *sorted;
    catalog_service_t     *svc;
    catalog_index_set_t    set;
    catalog_index_list_t  *lists;

    cat = idx->cat;

    total = 0;

    for (r = 0; r < idx->nservices; r++) {
        total += tags ? cat->services[r]->ntags : 1;
    }

    remap = NULL;
    sorted = NULL;
    ids = malloc((total + 1) * sizeof(uint32_t));

    if (ids == NULL || catalog_index_set_init(&set, 64) != 0) {
        free(ids);
        return -1;
    }

    /* the value numbers of each service, in name order */

    n = 0;

    for (r = 0; r < idx->nservices; r++) {
        svc = cat->services[idx->by_name[r]];

        for (i = 0; i < (tags ? svc->ntags : 1); i++) {
            if (tags) {
                id = catalog_index_set_add(&set, NULL, svc->tags[i].data,
                                           svc->tags[i].len);

            } else {
                id = catalog_index_set_add(&set, NULL, svc->category.data,
                                           svc->category.len);
            }

            if (id < 0) {
                goto failed;
            }

            ids[n++] = (uint32_t) id;
        }
    }

    sorted = malloc((set.n + 1) * sizeof(catalog_str_t));
    if (sorted == NULL) {
        goto failed;
    }

    remap = catalog_index_set_sort(&set, sorted);

    lists = catalog_arena_calloc(&cat->arena,
                                 (set.n + 1) * sizeof(catalog_index_list_t));
    list = catalog_arena_alloc(&cat->arena, (total + 1) * sizeof(uint32_t));

    if (remap == NULL || lists == NULL || list == NULL) {
        goto failed;
    }

    for (i = 0; i < total; i++) {
        ids[i] = remap[ids[i]];
        lists[ids[i]].n++;
    }

    v = 0;

    for (i = 0; i < set.n; i++) {
        lists[i].value = sorted[i];
        lists[i].ranks = list + v;
        v += lists[i].n;
        lists[i].n = 0;
    }

    /* the ranks of each value, ascending */

    n = 0;

    for (r = 0; r < idx->nservices; r++) {
        v = tags ? cat->services[idx->by_name[r]]->ntags : 1;

        for (i = 0; i < v; i++) {
            lists[ids[n]].ranks[lists[ids[n]].n++] = (uint32_t) r;
            n++;
        }
    }

    if (tags) {
        idx->tags = lists;
        idx->ntags = (uint32_t) set.n;

    } else {
        off = catalog_arena_alloc(&cat->arena,
                                  (idx->nservices + 1) * sizeof(uint32_t));
        if (off == NULL) {
            goto failed;
        }

        memcpy(off, ids, idx->nservices * sizeof(uint32_t));

        idx->categories = lists;
        idx->ncategories = (uint32_t) set.n;
        idx->category = off;
    }

    catalog_index_set_free(&set);
    free(sorted);
    free(remap);
    free(ids);

    return 0;

failed:

    catalog_index_set_free(&set);
    free(sorted);
    free(remap);
    free(ids);

    return -1;
}


static int
catalog_index_scratch(catalog_index_t *idx)
{
    size_t            n;
    catalog_arena_t  *a;

    a = &idx->cat->arena;
    n = idx->nservices + 1;

    idx->stamp = 0;
    idx->stamps = catalog_arena_calloc(a, n * sizeof(uint32_t));
    idx->scores = catalog_arena_alloc(a, n * sizeof(uint32_t));
    idx->hits = catalog_arena_alloc(a, n * sizeof(uint32_t));
    idx->keys = catalog_arena_alloc(a, n * sizeof(uint64_t));
    idx->keys_tmp = catalog_arena_alloc(a, n * sizeof(uint64_t));

    if (idx->stamps == NULL || idx->scores == NULL || idx->hits == NULL
        || idx->keys == NULL || idx->keys_tmp == NULL)
    {
        return -1;
    }

    return 0;
}


static int
catalog_index_set_init(catalog_index_set_t *set, size_t hint)
{
    size_t  size;

    size = 64;

    while (size < hint * 2) {
        size *= 2;
    }

    set->slots = calloc(size, sizeof(uint32_t));
    set->mask = size - 1;
    set->n = 0;
    set->cap = size / 2;
    set->strs = malloc(set->cap * sizeof(catalog_str_t));

    if (set->slots == NULL || set->strs == NULL) {
        catalog_index_set_free(set);
        return -1;
    }

    return 0;
}


static void
catalog_index_set_free(catalog_index_set_t *set)
{
    free(set->slots);
    free(set->strs);

    set->slots = NULL;
    set->strs = NULL;
}


/*
 * The number of a string in the set, added when new (copied to the arena
 * when a is set, else kept where it is).
 */

static int64_t
catalog_index_set_add(catalog_index_set_t *set, catalog_arena_t *a,
    const char *data, size_t len)
{
    size_t          i, j, size, mask;
    uint32_t        n, *slots;
    catalog_str_t  *strs, *s;

    mask = set->mask;

    for (i = catalog_hash(CATALOG_HASH_INIT, data, len) & mask;
         set->slots[i];
         i = (i + 1) & mask)
    {
        s = &set->strs[set->slots[i] - 1];

        if (s->len == len && memcmp(s->data, data, len) == 0) {
            return set->slots[i] - 1;
        }
    }

    if (set->n >= CATALOG_INDEX_MAX) {
        return -1;
    }

    if (set->n == set->cap) {

        /* grow: twice the slots, rehashed */

        size = (mask + 1) * 2;

        slots = calloc(size, sizeof(uint32_t));
        strs = realloc(set->strs, set->cap * 2 * sizeof(catalog_str_t));

        if (slots == NULL || strs == NULL) {
            free(slots);

            if (strs) {
                set->strs = strs;
            }

            return -1;
        }

        set->strs = strs;
        set->cap *= 2;
        mask = size - 1;

        for (n = 0; n < set->n; n++) {
            s = &set->strs[n];

            for (j = catalog_hash(CATALOG_HASH_INIT, s->data, s->len) & mask;
                 slots[j];
                 j = (j + 1) & mask)
            {
                /* void */
            }

            slots[j] = n + 1;
        }

        free(set->slots);
        set->slots = slots;
        set->mask = mask;

        for (i = catalog_hash(CATALOG_HASH_INIT, data, len) & mask;
             slots[i];
             i = (i + 1) & mask)
        {
            /* void */
        }
    }

    s = &set->strs[set->n];

    if (a) {
        if (catalog_arena_strdup(a, s, data, len) != 0) {
            return -1;
        }

    } else {
        s->data = data;
        s->len = len;
    }

    set->slots[i] = (uint32_t) ++set->n;

    return (int64_t) set->n - 1;
}


/*
 * Writes the strings of the set in byte order to sorted, and returns the
 * new number of each string (malloc'ed), or NULL.
 */

static uint32_t *
catalog_index_set_sort(catalog_index_set_t *set, catalog_str_t *sorted)
{
    size_t                   i;
    uint32_t                *remap;
    catalog_index_sorted_t  *a;

    a = malloc((set->n + 1) * sizeof(catalog_index_sorted_t));
    remap = malloc((set->n + 1) * sizeof(uint32_t));

    if (a == NULL || remap == NULL) {
        free(a);
        free(remap);
        return NULL;
    }

    for (i = 0; i < set->n; i++) {
        a[i].data = set->strs[i].data;
        a[i].len = (uint32_t) set->strs[i].len;
        a[i].n = (uint32_t) i;
    }

    qsort(a, set->n, sizeof(catalog_index_sorted_t),
          catalog_index_cmp_sorted);

    for (i = 0; i < set->n; i++) {
        sorted[i].data = a[i].data;
        sorted[i].len = a[i].len;
        remap[a[i].n] = (uint32_t) i;
    }

    free(a);

    return remap;
}


static int
catalog_index_cmp_sorted(const void *one, const void *two)
{
    int                            rc;
    const catalog_index_sorted_t  *a, *b;

    a = one;
    b = two;

    rc = memcmp(a->data, b->data, a->len < b->len ? a->len : b->len);

    if (rc != 0) {
        return rc;
    }

    return (a->len > b->len) - (a->len < b->len);
}


static int
catalog_index_cmp_key(const void *one, const void *two)
{
    int                         rc;
    const catalog_str_t        *x, *y;
    const catalog_index_key_t  *a, *b;

    a = one;
    b = two;
    x = a->key;
    y = b->key;

    rc = memcmp(x->data, y->data, x->len < y->len ? x->len : y->len);

    if (rc != 0) {
        return rc;
    }

    return (x->len > y->len) - (x->len < y->len);
}


static int
catalog_index_cmp_agency(const void *one, const void *two)
{
    int                      rc;
    size_t                   len;
    const catalog_agency_t  *a, *b;

    a = *(catalog_agency_t * const *) one;
    b = *(catalog_agency_t * const *) two;

    len = a->id.len < b->id.len ? a->id.len : b->id.len;

    rc = memcmp(a->id.data, b->id.data, len);

    if (rc != 0) {
        return rc;
    }

    return (a->id.len > b->id.len) - (a->id.len < b->id.len);
}


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


/*
 * Sorts n keys: insertion sort when few, else a radix sort by the bytes
 * from "from" to "to" (least significant first), skipping a byte all the
 * keys share.  Returns a or tmp, whichever holds the result.
 */

static uint64_t *
catalog_index_sort(uint64_t *a, uint64_t *tmp, size_t n, unsigned from,
    unsigned to)
{
    size_t     i, j, sum, c;
    uint64_t   v, *src, *dst, *t;
    unsigned   b, shift;
    uint32_t   count[8][256];

    if (n <= CATALOG_INDEX_SMALL) {
        for (i = 1; i < n; i++) {
            v = a[i];

            for (j = i; j > 0 && a[j - 1] > v; j--) {
                a[j] = a[j - 1];
            }

            a[j] = v;
        }

        return a;
    }

    memset(count[from], 0, (to - from) * sizeof(count[0]));

    for (i = 0; i < n; i++) {
        v = a[i] >> (from * 8);

        for (b = from; b < to; b++) {
            count[b][v & 0xff]++;
            v >>= 8;
        }
    }

    src = a;
    dst = tmp;

    for (b = from; b < to; b++) {
        shift = b * 8;

        if (count[b][(src[0] >> shift) & 0xff] == n) {
            continue;
        }

        sum = 0;

        for (i = 0; i < 256; i++) {
            c = count[b][i];
            count[b][i] = (uint32_t) sum;
            sum += c;
        }

        for (i = 0; i < n; i++) {
            v = src[i];
            dst[count[b][(v >> shift) & 0xff]++] = v;
        }

        t = src;
        src = dst;
        dst = t;
    }

    return src;
}
