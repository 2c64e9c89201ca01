
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit.h"


char *
unit_json(const char *sq, size_t *len, int nul)
{
    char    *buf;
    size_t   i, n;

    n = strlen(sq);

    buf = malloc((n + nul) ? n + nul : 1);
    assert_non_null(buf);

    for (i = 0; i < n; i++) {
        buf[i] = (sq[i] == '\'') ? '"' : sq[i];
    }

    if (nul) {
        buf[n] = '\0';
    }

    *len = n;

    return buf;
}


int
unit_add(catalog_t *cat, const char *name, const char *sq, char *err)
{
    int     rc;
    char   *buf;
    size_t  len;

    buf = unit_json(sq, &len, 1);

    rc = catalog_add_buffer(cat, name, buf, len, err, CATALOG_ERROR_LEN);

    free(buf);

    return rc;
}


void
unit_add_ok(catalog_t *cat, const char *sq)
{
    char  err[CATALOG_ERROR_LEN];

    if (unit_add(cat, "m.json", sq, err) != 0) {
        fail_msg("%s", err);
    }
}


catalog_t *
unit_load(const char *sq)
{
    catalog_t  *cat;

    cat = catalog_create();
    assert_non_null(cat);

    unit_add_ok(cat, sq);

    return cat;
}
