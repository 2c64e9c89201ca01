
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * libFuzzer target: the state file of catalog_state_file, read at start
 * (catalog_state_read).  The input is written to a file of its own, as
 * the reader takes a path; every entry it accepts is written back with
 * catalog_state_write, which must take it, and read again.
 */


#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <catalog_admin.h>

#include "fuzz.h"


#define FUZZ_ENTRIES  64


typedef struct {
    catalog_state_entry_t         e[FUZZ_ENTRIES];
    catalog_override_t            o[FUZZ_ENTRIES];
    char                         *keys[FUZZ_ENTRIES];
    size_t                        n;
} fuzz_state_t;


static int fuzz_keep(void *ctx, const char *key, size_t key_len,
    const catalog_override_t *o);
static int fuzz_same(void *ctx, const char *key, size_t key_len,
    const catalog_override_t *o);


static char  in_path[64];
static char  out_path[64];


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char  *dir;

    (void) argc;
    (void) argv;

    dir = getenv("TMPDIR");

    snprintf(in_path, sizeof(in_path), "%.32s/fuzz-state-%ld.in",
             dir ? dir : "/tmp", (long) getpid());
    snprintf(out_path, sizeof(out_path), "%.32s/fuzz-state-%ld.json",
             dir ? dir : "/tmp", (long) getpid());

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int            fd;
    char           err[512];
    size_t         i;
    unsigned       skipped;
    fuzz_state_t  *st;

    fd = open(in_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FUZZ_CHECK(fd != -1);
    FUZZ_CHECK(write(fd, data, size) == (ssize_t) size);
    close(fd);

    st = calloc(1, sizeof(fuzz_state_t));
    FUZZ_CHECK(st != NULL);

    if (catalog_state_read(in_path, fuzz_keep, st, &skipped, err,
                           sizeof(err))
        != 0)
    {
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
        FUZZ_CHECK(st->n == 0);
        goto done;
    }

    if (st->n == 0) {
        goto done;
    }

    FUZZ_CHECK(catalog_state_write(out_path, st->e, st->n, err, sizeof(err))
               == 0);

    skipped = 0;
    st->n = 0;

    FUZZ_CHECK(catalog_state_read(out_path, fuzz_same, st, &skipped, err,
                                  sizeof(err))
               == 0);

    FUZZ_CHECK(skipped == 0);

done:

    for (i = 0; i < FUZZ_ENTRIES; i++) {
        free(st->keys[i]);
    }

    free(st);
    unlink(in_path);
    unlink(out_path);

    return 0;
}


static int
fuzz_keep(void *ctx, const char *key, size_t key_len,
    const catalog_override_t *o)
{
    fuzz_state_t  *st = ctx;

    FUZZ_CHECK(o->message_len <= CATALOG_MESSAGE_BYTES);
    FUZZ_CHECK(o->updated_by_len <= CATALOG_TOKEN_NAME_MAX);

    if (st->n == FUZZ_ENTRIES) {
        return 0;
    }

    /* a copy of the exact size: the key is read to its last byte */

    st->keys[st->n] = malloc(key_len ? key_len : 1);
    FUZZ_CHECK(st->keys[st->n] != NULL);
    memcpy(st->keys[st->n], key, key_len);

    st->o[st->n] = *o;
    st->e[st->n].key = st->keys[st->n];
    st->e[st->n].key_len = key_len;
    st->e[st->n].override = &st->o[st->n];
    st->n++;

    return 0;
}


static int
fuzz_same(void *ctx, const char *key, size_t key_len,
    const catalog_override_t *o)
{
    fuzz_state_t              *st = ctx;
    const catalog_override_t  *want;

    FUZZ_CHECK(st->n < FUZZ_ENTRIES);

    FUZZ_CHECK(st->e[st->n].key_len == key_len
               && memcmp(st->e[st->n].key, key, key_len) == 0);

    want = &st->o[st->n++];

    FUZZ_CHECK(o->status == want->status);
    FUZZ_CHECK(o->until == want->until);
    FUZZ_CHECK(o->updated_at == want->updated_at);
    FUZZ_CHECK(o->message_len == want->message_len
               && memcmp(o->message, want->message, o->message_len) == 0);
    FUZZ_CHECK(o->updated_by_len == want->updated_by_len
               && memcmp(o->updated_by, want->updated_by,
                         o->updated_by_len) == 0);

    return 0;
}
