
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The body of "PUT services/AGENCY/SERVICE/status":
 *
 *     {"status": "maintenance", "message": "...",
 *      "until": "2026-12-01T08:00:00+07:00"}
 *
 * "status" is required, "active" or "maintenance"; "message" and "until"
 * are optional and only allowed with "maintenance" (an active service
 * shows no message and has nothing to end).  null is the same as leaving
 * a key out, and so is an empty message.  The errors become the message
 * of the 400 answer, so they name the key and quote the value, cut at 64
 * bytes with control characters as \xNN.
 */


#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE  200809L
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <catalog_admin.h>
#include <catalog_check.h>
#include <catalog_manifest.h>


#define CATALOG_BODY_QUOTE      64          /* bytes of an echoed value */
#define CATALOG_BODY_QUOTE_LEN  512


static int catalog_admin_body_object(json_t *root, int64_t now,
    catalog_override_t *o, char *err, size_t errlen);
static json_t *catalog_admin_body_get(json_t *obj, const char *key);
static void catalog_admin_body_quote(char *dst, const char *s,
    size_t len);
static int catalog_admin_body_error(char *err, size_t errlen,
    const char *fmt, ...);


static const char *const  catalog_admin_body_keys[] = {
    "status", "message", "until", NULL
};


int
catalog_admin_body(const char *buf, size_t len, int64_t now,
    catalog_override_t *o, char *err, size_t errlen)
{
    int           rc;
    json_t       *root;
    json_error_t  je;
    char          quoted[CATALOG_BODY_QUOTE_LEN];

    /* the nginx glue answers 413 before this, but a caller may not */

    if (len > CATALOG_BODY_MAX) {
        return catalog_admin_body_error(err, errlen,
                                        "body is larger than %d bytes",
                                        CATALOG_BODY_MAX);
    }

    if (buf == NULL || len == 0) {
        return catalog_admin_body_error(err, errlen, "body is empty");
    }

    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);

    if (root == NULL) {
        catalog_manifest_sanitize(quoted, sizeof(quoted), je.text,
                                  strlen(je.text), sizeof(quoted), 0);

        return catalog_admin_body_error(err, errlen,
                                        "line %d, column %d: invalid JSON: "
                                        "%s", je.line, je.column, quoted);
    }

    rc = catalog_admin_body_object(root, now, o, err, errlen);

    json_decref(root);

    return rc;
}


static int
catalog_admin_body_object(json_t *root, int64_t now, catalog_override_t *o,
    char *err, size_t errlen)
{
    void              *it;
    json_t            *status, *message, *until;
    size_t             k, mlen, slen, ulen;
    int64_t            t;
    const char        *key, *s, *m, *u;
    catalog_status_e   st;
    char               quoted[CATALOG_BODY_QUOTE_LEN];

    if (!json_is_object(root)) {
        return catalog_admin_body_error(err, errlen,
                                        "body must be a JSON object");
    }

    for (it = json_object_iter(root); it; it = json_object_iter_next(root, it))
    {
        key = json_object_iter_key(it);

        for (k = 0; catalog_admin_body_keys[k]; k++) {
            if (strcmp(key, catalog_admin_body_keys[k]) == 0) {
                break;
            }
        }

        if (catalog_admin_body_keys[k] == NULL) {
            catalog_admin_body_quote(quoted, key, strlen(key));

            return catalog_admin_body_error(err, errlen,
                                            "unknown key \"%s\"", quoted);
        }
    }

    /* "status" */

    status = catalog_admin_body_get(root, "status");

    if (status == NULL) {
        return catalog_admin_body_error(err, errlen,
                                        "\"status\" is required");
    }

    if (!json_is_string(status)) {
        return catalog_admin_body_error(err, errlen,
                                        "\"status\" must be a string");
    }

    s = json_string_value(status);
    slen = json_string_length(status);

    if (slen == 6 && memcmp(s, "active", 6) == 0) {
        st = CATALOG_STATUS_ACTIVE;

    } else if (slen == 11 && memcmp(s, "maintenance", 11) == 0) {
        st = CATALOG_STATUS_MAINTENANCE;

    } else {
        catalog_admin_body_quote(quoted, s, slen);

        return catalog_admin_body_error(err, errlen,
                                        "invalid status \"%s\": must be "
                                        "\"active\" or \"maintenance\"",
                                        quoted);
    }

    /* "message" */

    m = NULL;
    mlen = 0;

    message = catalog_admin_body_get(root, "message");

    if (message) {
        if (!json_is_string(message)) {
            return catalog_admin_body_error(err, errlen,
                                            "\"message\" must be a string");
        }

        m = json_string_value(message);
        mlen = json_string_length(message);
    }

    if (mlen) {
        if (st != CATALOG_STATUS_MAINTENANCE) {
            return catalog_admin_body_error(err, errlen,
                                            "\"message\" is only allowed "
                                            "with \"status\": "
                                            "\"maintenance\"");
        }

        /* jansson has checked the UTF-8: 500 characters fit in 2000 bytes */

        if (catalog_check_chars(m, mlen) > CATALOG_MESSAGE_MAX
            || mlen > CATALOG_MESSAGE_BYTES)
        {
            return catalog_admin_body_error(err, errlen,
                                            "\"message\" is longer than %d "
                                            "characters",
                                            CATALOG_MESSAGE_MAX);
        }

        if (catalog_check_has_controls(m, mlen, 1)) {
            return catalog_admin_body_error(err, errlen,
                                            "\"message\" must not contain "
                                            "control characters other than "
                                            "tabs and line breaks");
        }
    }

    /* "until" */

    t = 0;

    until = catalog_admin_body_get(root, "until");

    if (until) {
        if (!json_is_string(until)) {
            return catalog_admin_body_error(err, errlen,
                                            "\"until\" must be a string");
        }

        if (st != CATALOG_STATUS_MAINTENANCE) {
            return catalog_admin_body_error(err, errlen,
                                            "\"until\" is only allowed with "
                                            "\"status\": \"maintenance\"");
        }

        u = json_string_value(until);
        ulen = json_string_length(until);

        t = catalog_time_parse(u, ulen);

        catalog_admin_body_quote(quoted, u, ulen);

        if (t == -1) {
            return catalog_admin_body_error(err, errlen,
                                            "invalid \"until\" \"%s\": must "
                                            "be an RFC 3339 time like "
                                            "\"2026-12-01T08:00:00+07:00\"",
                                            quoted);
        }

        if (t <= now) {
            return catalog_admin_body_error(err, errlen,
                                            "\"until\" \"%s\" is not in the "
                                            "future", quoted);
        }
    }

    /* all checked: only now is the override changed */

    o->status = st;
    o->until = t;
    o->message_len = mlen;

    if (mlen) {
        memcpy(o->message, m, mlen);
    }

    if (mlen < CATALOG_MESSAGE_BYTES) {
        o->message[mlen] = '\0';
    }

    return 0;
}


static json_t *
catalog_admin_body_get(json_t *obj, const char *key)
{
    json_t  *v;

    /* null is the same as leaving a key out */

    v = json_object_get(obj, key);

    return json_is_null(v) ? NULL : v;
}


static void
catalog_admin_body_quote(char *dst, const char *s, size_t len)
{
    /* dst holds CATALOG_BODY_QUOTE_LEN bytes */

    catalog_manifest_sanitize(dst, CATALOG_BODY_QUOTE_LEN, s, len,
                              CATALOG_BODY_QUOTE, 1);
}


static int
catalog_admin_body_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list  args;

    if (err == NULL || errlen == 0) {
        return -1;
    }

    va_start(args, fmt);

    if (vsnprintf(err, errlen, fmt, args) < 0) {
        err[0] = '\0';
    }

    va_end(args);

    return -1;
}
