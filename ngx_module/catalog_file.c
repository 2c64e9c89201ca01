
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * Reading a whole file (catalog_file.h): manifests, the tokens file and
 * the state file.
 */


#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catalog_file.h>


static int catalog_file_fail(int fd, catalog_arena_t *a, char *p, int rc,
    int err);


int
catalog_file_read(const char *path, size_t max, catalog_arena_t *a,
    char **buf, size_t *len)
{
    int          fd;
    char        *p, *np;
    size_t       n, size, cap;
    ssize_t      r;
    struct stat  st;

    /* O_NONBLOCK: opening a FIFO would wait for a writer */

    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd == -1) {
        return -1;
    }

    if (fstat(fd, &st) == -1) {
        return catalog_file_fail(fd, a, NULL, -1, errno);
    }

    /* a FIFO or a device could block or never end */

    if (!S_ISREG(st.st_mode)) {
        return catalog_file_fail(fd, a, NULL, CATALOG_FILE_NOT_REGULAR,
                                 S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
    }

    if ((uintmax_t) st.st_size > (uintmax_t) max) {
        return catalog_file_fail(fd, a, NULL, CATALOG_FILE_TOO_LARGE, EFBIG);
    }

    /* at most max bytes and one more, to see that the file is larger */

    cap = (max < SIZE_MAX) ? max + 1 : SIZE_MAX;

    /* one byte more than the size, to see the end in one read */

    size = ((size_t) st.st_size < cap) ? (size_t) st.st_size + 1 : cap;
    n = 0;

    p = a ? catalog_arena_alloc(a, size) : malloc(size);
    if (p == NULL) {
        return catalog_file_fail(fd, a, NULL, -1, ENOMEM);
    }

    for ( ;; ) {
        if (n == size) {

            /* the file grew while being read */

            if (size > max || size == cap) {
                return catalog_file_fail(fd, a, p, CATALOG_FILE_TOO_LARGE,
                                         EFBIG);
            }

            size = (size <= cap / 2) ? size * 2 : cap;

            if (a) {
                np = catalog_arena_alloc(a, size);

                if (np) {
                    memcpy(np, p, n);
                }

            } else {
                np = realloc(p, size);
            }

            if (np == NULL) {
                return catalog_file_fail(fd, a, p, -1, ENOMEM);
            }

            p = np;
        }

        r = read(fd, p + n, size - n);

        if (r == -1) {
            if (errno == EINTR) {
                continue;
            }

            return catalog_file_fail(fd, a, p, -1, errno);
        }

        if (r == 0) {
            break;
        }

        n += (size_t) r;
    }

    close(fd);

    *buf = p;
    *len = n;

    return 0;
}


static int
catalog_file_fail(int fd, catalog_arena_t *a, char *p, int rc, int err)
{
    if (a == NULL) {
        free(p);
    }
    close(fd);

    errno = err;

    return rc;
}
