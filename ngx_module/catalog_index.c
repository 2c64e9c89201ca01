
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
 *
 * This file builds the index; catalog_search.c runs the queries.
 */


#include <stdlib.h>
#include <string.h>

#include <catalog_index.h>
#include <catalog_index_int.h>


#define CATALOG_INDEX_MAX     0x0fffffff    /* services or words */
#define CATALOG_INDEX_SMALL   32            /* insertion sort up to this */

/* the number of the k-th word of service s's name plus 1, or 0 */
#define catalog_index_name_word(ctx, s, k)                                    \
    (((ctx)->name_off[s] + (k) < (ctx)->name_off[(s) + 1])                    \
     ? (ctx)->name_words[(ctx)->name_off[s] + (k)] + 1 : 0)


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


/*
 * Sorts n keys: insertion sort when few, else a radix sort by the bytes
 * from "from" to "to" (least significant first), skipping a byte all the
 * keys share.  Returns a or tmp, whichever holds the result.
 */

uint64_t *
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
