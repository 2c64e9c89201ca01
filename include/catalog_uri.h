
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_URI_H_INCLUDED_
#define _CATALOG_URI_H_INCLUDED_


/*
 * Escaping and the Location of redirects.  Every function writes to dst
 * and returns the number of bytes written; with dst == NULL it writes
 * nothing and returns the number of bytes it would write, so that the
 * caller can size a buffer from its own pool first.
 */


#include <stddef.h>

#include <catalog_model.h>


/* percent-encodes every byte that is not a path character (RFC 3986) */
size_t catalog_escape_path(char *dst, const char *src, size_t len);

/*
 * percent-encodes the bytes a query string sent by a client may hold but
 * a URI in a response header must not: controls, space, DEL, non-ASCII,
 * '#', '"', '<', '>', '\\', '^', '`', '{', '|' and '}'; '%' stays
 */
size_t catalog_escape_query(char *dst, const char *src, size_t len);

/*
 * The Location of a redirect: base, then the rest of the request path
 * (escaped) when keep_path, then the redirect's own query joined with the
 * request's query when keep_query, then the fragment.
 */
size_t catalog_redirect_location(char *dst, const catalog_redirect_t *rd,
    const char *rest, size_t rlen, const char *args, size_t alen);

/* escapes '&', '<', '>', '"' and '\'' for HTML text and attributes */
size_t catalog_escape_html(char *dst, const char *src, size_t len);

/* escapes a JSON string body (no quotes added): '"', '\\', controls */
size_t catalog_escape_json(char *dst, const char *src, size_t len);


/*
 * 1 when escaping the path for a request line would change nothing: no
 * control, space, DEL or non-ASCII byte and none of '"', '#', '%', '<',
 * '>', '?', '\\', '^', '`', '{', '|', '}', the bytes nginx's proxy module
 * escapes in a decoded URI (NGX_ESCAPE_URI)
 */
int catalog_uri_plain(const char *path, size_t len);

/*
 * Decodes "%XX" escapes, and '+' as a space when plus is set, into dst
 * (len bytes at most).  Returns 0, or -1 when a '%' is not followed by
 * two hex digits.
 */
int catalog_uri_decode(const char *src, size_t len, char *dst, size_t *dlen,
    int plus);

/*
 * Normalises a decoded path as nginx does before routing: merges "//",
 * removes "." and ".." segments.  dst holds len bytes.  Returns the new
 * length, or -1 when the path does not start with '/' or a ".." climbs
 * above the root.
 */
long catalog_path_normalize(char *dst, const char *src, size_t len);


#endif /* _CATALOG_URI_H_INCLUDED_ */
