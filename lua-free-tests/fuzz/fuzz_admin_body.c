
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * libFuzzer target: the body of "PUT services/AGENCY/SERVICE/status" on
 * the admin API (catalog_admin_body), at most CATALOG_BODY_MAX bytes as
 * nginx passes it; an accepted override is then written to a state file
 * and read back, and must come back the same.
 */


#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <catalog_admin.h>

#include "fuzz.h"


#define FUZZ_NOW  1764500000         /* 2025-11-30T10:53:20Z */


static int fuzz_each(void *ctx, const char *key, size_t key_len,
    const catalog_override_t *o);


static char  state_path[64];


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char  *dir;

    (void) argc;
    (void) argv;

    dir = getenv("TMPDIR");

    snprintf(state_path, sizeof(state_path), "%.32s/fuzz-admin-%ld.json",
             dir ? dir : "/tmp", (long) getpid());

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                   err[256], *buf;
    unsigned               skipped;
    catalog_override_t     o;
    catalog_state_entry_t  e;

    if (size > CATALOG_BODY_MAX) {
        return 0;
    }

    buf = malloc(size ? size : 1);
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);

    memset(&o, 0, sizeof(catalog_override_t));

    if (catalog_admin_body(buf, size, FUZZ_NOW, &o, err, sizeof(err)) != 0) {
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
        free(buf);
        return 0;
    }

    free(buf);

    FUZZ_CHECK(o.status == CATALOG_STATUS_ACTIVE
               || o.status == CATALOG_STATUS_MAINTENANCE);
    FUZZ_CHECK(o.message_len <= CATALOG_MESSAGE_BYTES);
    FUZZ_CHECK(o.until == 0 || o.until > FUZZ_NOW);

    /* what the admin handler adds before it keeps the override */

    o.updated_at = FUZZ_NOW;
    memcpy(o.updated_by, "fuzz", 4);
    o.updated_by_len = 4;

    e.key = "dukcapil/ktp-elektronik";
    e.key_len = sizeof("dukcapil/ktp-elektronik") - 1;
    e.override = &o;

    FUZZ_CHECK(catalog_state_write(state_path, &e, 1, err, sizeof(err))
               == 0);

    skipped = 0;

    FUZZ_CHECK(catalog_state_read(state_path, fuzz_each, &o, &skipped, err,
                                  sizeof(err))
               == 0);

    FUZZ_CHECK(skipped == 0);

    unlink(state_path);

    return 0;
}


static int
fuzz_each(void *ctx, const char *key, size_t key_len,
    const catalog_override_t *o)
{
    const catalog_override_t  *want = ctx;

    FUZZ_CHECK(key_len == sizeof("dukcapil/ktp-elektronik") - 1
               && memcmp(key, "dukcapil/ktp-elektronik", key_len) == 0);
    FUZZ_CHECK(o->status == want->status);
    FUZZ_CHECK(o->until == want->until);
    FUZZ_CHECK(o->updated_at == want->updated_at);
    FUZZ_CHECK(o->message_len == want->message_len
               && memcmp(o->message, want->message, o->message_len) == 0);

    return 0;
}
