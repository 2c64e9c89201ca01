
/*
 * Copyright (C) ngx_catalog developers
 */


#include <stdint.h>
#include <string.h>

#include <catalog_buf.h>
#include <catalog_uri.h>


void
catalog_buf_add(catalog_buf_t *b, const char *s, size_t len)
{
    if (b->dst && len) {
        memcpy(b->dst + b->len, s, len);
    }

    b->len += len;
}


void
catalog_buf_cstr(catalog_buf_t *b, const char *s)
{
    catalog_buf_add(b, s, strlen(s));
}


void
catalog_buf_number(catalog_buf_t *b, uint64_t n)
{
    char  *p, buf[24];

    p = buf + sizeof(buf);

    do {
        *--p = (char) ('0' + n % 10);
        n /= 10;
    } while (n);

    catalog_buf_add(b, p, (size_t) (buf + sizeof(buf) - p));
}


void
catalog_buf_html(catalog_buf_t *b, const catalog_str_t *s)
{
    b->len += catalog_escape_html(b->dst ? b->dst + b->len : NULL, s->data,
                                  s->len);
}


void
catalog_buf_json(catalog_buf_t *b, const catalog_str_t *s)
{
    b->len += catalog_escape_json(b->dst ? b->dst + b->len : NULL, s->data,
                                  s->len);
}


void
catalog_buf_json_string(catalog_buf_t *b, const catalog_str_t *s)
{
    if (s->len == 0) {
        catalog_buf_literal(b, "null");
        return;
    }

    catalog_buf_literal(b, "\"");
    catalog_buf_json(b, s);
    catalog_buf_literal(b, "\"");
}
