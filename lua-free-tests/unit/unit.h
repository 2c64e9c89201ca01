
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _UNIT_H_INCLUDED_
#define _UNIT_H_INCLUDED_


/*
 * What the unit tests share.  JSON in the tests is written with single
 * quotes, so that it needs no escaping in C strings: every ' becomes ".
 * Include after <cmocka.h>.
 */


#include <stddef.h>

#include <catalog.h>


/*
 * sq with its quotes turned, in a fresh allocation (free() it) of
 * exactly strlen(sq) bytes, so that ASan sees a read past them; with nul
 * set, one more for a '\0'
 */
char *unit_json(const char *sq, size_t *len, int nul);

/* catalog_add_buffer() of sq as the manifest "name"; its result */
int unit_add(catalog_t *cat, const char *name, const char *sq, char *err);

/* sq as "m.json": a manifest that must load, or the test fails */
void unit_add_ok(catalog_t *cat, const char *sq);

/* a new catalog of that one manifest */
catalog_t *unit_load(const char *sq);


#endif /* _UNIT_H_INCLUDED_ */
