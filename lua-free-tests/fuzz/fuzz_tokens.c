
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * libFuzzer target: the tokens file of catalog_admin_tokens
 * (catalog_tokens_parse); every token it accepts is then looked up by a
 * presented token (catalog_tokens_check) and its agency checked
 * (catalog_token_allows).
 */


#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <catalog_admin.h>

#include "fuzz.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                    err[512], *buf;
    uint8_t                 hash[CATALOG_SHA256_LEN];
    unsigned                i;
    catalog_tokens_t        t;
    const catalog_token_t  *tok;

    buf = malloc(size ? size : 1);
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);

    memset(&t, 0, sizeof(catalog_tokens_t));

    if (catalog_tokens_parse(&t, "fuzz.json", buf, size, err, sizeof(err))
        != 0)
    {
        FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
        free(buf);
        return 0;
    }

    for (i = 0; i < t.ntokens; i++) {
        tok = &t.tokens[i];

        FUZZ_CHECK(tok->name.len > 0
                   && tok->name.len <= CATALOG_TOKEN_NAME_MAX);
        FUZZ_CHECK(catalog_token_allows(tok, tok->agency.data,
                                        tok->agency.len));
        (void) catalog_token_allows(tok, "dukcapil", 8);
    }

    /* the input as a presented token: no entry, or the one of its hash */

    tok = catalog_tokens_check(&t, buf, size);

    if (tok != NULL) {
        catalog_sha256(buf, size, hash);
        FUZZ_CHECK(memcmp(tok->sha256, hash, CATALOG_SHA256_LEN) == 0);
    }

    catalog_tokens_free(&t);
    free(buf);

    return 0;
}
