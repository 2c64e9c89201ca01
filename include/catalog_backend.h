
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_BACKEND_H_INCLUDED_
#define _CATALOG_BACKEND_H_INCLUDED_


/*
 * The keys that tell backends, and services' lists of them, apart, so
 * that the embedder resolves each backend once and lets services with
 * the same list share it.  Plain C, no nginx headers.
 */


#include <stddef.h>

#include <catalog_model.h>


/* the longest key of a backend but for its host: "https://[" "]:65535" */
#define CATALOG_BACKEND_KEY_LEN  (sizeof("https://[]:65535") - 1)


/*
 * "scheme://host:port" of a parsed backend, the host in lowercase, the
 * port always written; not NUL-terminated.  Returns its length, at most
 * CATALOG_BACKEND_KEY_LEN + b->host.len.
 */
size_t catalog_backend_key(char *buf, const catalog_backend_t *b);

/* the room catalog_backends_key() needs for the service */
size_t catalog_backends_key_size(const catalog_service_t *s);

/*
 * The key of a service's list of backends: each backend's key followed
 * by a line feed, in order; for https backends then "tls ", the
 * service's backend_host in lowercase and a line feed, as the TLS
 * sessions saved with the list are those of that server name.  Returns
 * its length.
 */
size_t catalog_backends_key(char *buf, const catalog_service_t *s);


#endif /* _CATALOG_BACKEND_H_INCLUDED_ */
