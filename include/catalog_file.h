
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_FILE_H_INCLUDED_
#define _CATALOG_FILE_H_INCLUDED_


#include <stddef.h>


#define CATALOG_FILE_NOT_REGULAR   -2
#define CATALOG_FILE_TOO_LARGE     -3


/*
 * Reads a whole file into *buf (malloc'ed, the caller frees it) and its
 * length into *len.  The file is opened without blocking (a FIFO would
 * wait for a writer) and must be a regular file (a FIFO or a device could
 * block or never end); it is read until its end, even when it grows while
 * being read, but never beyond max bytes.
 *
 * Returns 0; -1 with errno set; CATALOG_FILE_NOT_REGULAR, with errno set
 * to EISDIR for a directory and to EINVAL otherwise; or
 * CATALOG_FILE_TOO_LARGE, with errno set to EFBIG, when the file holds
 * more than max bytes.  Nothing is left allocated unless 0 is returned.
 */
int catalog_file_read(const char *path, size_t max, char **buf, size_t *len);


#endif /* _CATALOG_FILE_H_INCLUDED_ */
