
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_FILE_H_INCLUDED_
#define _CATALOG_FILE_H_INCLUDED_


#include <stddef.h>

#include <catalog_arena.h>


#define CATALOG_FILE_NOT_REGULAR   -2
#define CATALOG_FILE_TOO_LARGE     -3


/*
 * Reads a whole file into *buf and its length into *len.  The buffer comes
 * from the arena a, or, when a is NULL, from malloc() and the caller frees
 * it.  The file is opened without blocking (a FIFO would
 * wait for a writer) and must be a regular file (a FIFO or a device could
 * block or never end); it is read until its end, even when it grows while
 * being read, but never beyond max bytes.
 *
 * Returns 0; -1 with errno set; CATALOG_FILE_NOT_REGULAR, with errno set
 * to EISDIR for a directory and to EINVAL otherwise; or
 * CATALOG_FILE_TOO_LARGE, with errno set to EFBIG, when the file holds
 * more than max bytes.  Nothing is left allocated unless 0 is returned.
 */
int catalog_file_read(const char *path, size_t max, catalog_arena_t *a,
    char **buf, size_t *len);


#endif /* _CATALOG_FILE_H_INCLUDED_ */
