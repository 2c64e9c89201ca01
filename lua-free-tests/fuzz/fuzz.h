
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _FUZZ_H_INCLUDED_
#define _FUZZ_H_INCLUDED_


/*
 * Shared by the libFuzzer targets of lua-free-tests/fuzz: a check that
 * aborts (so that libFuzzer keeps the input as a crash), and the
 * measure-allocate-write pattern of catalog_json_* with a buffer of the
 * exact size, so that AddressSanitizer sees any byte written past it.
 */


#include <stdio.h>
#include <stdlib.h>


#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                   \
            abort();                                                          \
        }                                                                     \
    } while (0)


#define FUZZ_JSON(fn, ...)                                                    \
    do {                                                                      \
        size_t  fuzz_len;                                                     \
        char   *fuzz_buf;                                                     \
                                                                              \
        fuzz_len = fn(NULL, __VA_ARGS__);                                     \
        fuzz_buf = malloc(fuzz_len ? fuzz_len : 1);                           \
        FUZZ_CHECK(fuzz_buf != NULL);                                         \
        FUZZ_CHECK(fn(fuzz_buf, __VA_ARGS__) == fuzz_len);                    \
        free(fuzz_buf);                                                       \
    } while (0)


#endif /* _FUZZ_H_INCLUDED_ */
