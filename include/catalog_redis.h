
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_REDIS_H_INCLUDED_
#define _CATALOG_REDIS_H_INCLUDED_


/*
 * What sharing the status overrides through Redis needs that does not
 * need nginx: checking what is read from Redis (hostile: another tool,
 * or an attacker, may have written it), the newest-wins rule with its
 * tie break, the text of each field as written to Redis, key names, and
 * the reconnect backoff.
 *
 * A status hash, "PREFIX" "status:" "AGENCY/SERVICE", holds the fields
 * "status" ("active", "maintenance", or "" for a cleared override),
 * "message", "until" (RFC 3339 or ""), "updated_at" (RFC 3339, to the
 * millisecond) and "updated_by" (a token's name or "").
 */


#include <stddef.h>
#include <stdint.h>

#include <catalog_model.h>
#include <catalog_admin.h>


#define CATALOG_REDIS_PREFIX_MAX   64       /* bytes of "prefix=" */
#define CATALOG_REDIS_KEY_MAX      256      /* bytes of any key */
#define CATALOG_REDIS_SKEW_MS      300000   /* "updated_at" ahead of now */
#define CATALOG_REDIS_BACKOFF_MIN  500      /* ms */
#define CATALOG_REDIS_BACKOFF_MAX  10000    /* ms */
#define CATALOG_REDIS_FIELDS       5


/* one field of a hash as HGETALL gives it: not NUL-terminated */

typedef struct {
    const char                   *name;
    size_t                        name_len;
    const char                   *value;
    size_t                        value_len;
} catalog_redis_field_t;


/*
 * A status value: an override (cleared == 0) or the record that one was
 * cleared (cleared == 1: only o.updated_at and o.updated_by are kept).
 * o.updated_at is in milliseconds since the epoch, o.until in seconds.
 */

typedef struct {
    unsigned                      cleared:1;
    catalog_override_t            o;
} catalog_redis_value_t;


/* the five fields of a value as written to Redis, in hash order */

typedef struct {
    catalog_str_t                 field[CATALOG_REDIS_FIELDS];  /* values */
    char                          until[CATALOG_TIME_LEN + 1];
    char                          updated_at[CATALOG_TIME_LEN + 1];
} catalog_redis_text_t;


/* "status", "message", "until", "updated_at", "updated_by" */
extern const char *const  catalog_redis_field_names[CATALOG_REDIS_FIELDS];


/*
 * Checks a status hash read from Redis, like the admin API checks a
 * body: the five fields only, each at most once; "status" "active",
 * "maintenance" or "" (cleared); "message" at most 500 characters of
 * valid UTF-8 without controls but tabs and line breaks, and only with
 * "maintenance"; "until" RFC 3339 or "", only with "maintenance";
 * "updated_at" required, RFC 3339, not more than CATALOG_REDIS_SKEW_MS
 * after now_ms; "updated_by" a token's name or "".  Returns 0 and fills
 * v, or -1 with the reason in err ("invalid \"status\" \"paused\"").
 * An "until" in the past is accepted: the zone ignores ended overrides.
 */
int catalog_redis_value_parse(const catalog_redis_field_t *f, size_t n,
    int64_t now_ms, catalog_redis_value_t *v, char *err, size_t errlen);

/*
 * Newest wins: 1 when a is to replace b, else 0.  The later updated_at
 * wins; at the same millisecond the one whose field texts (status, until,
 * message, updated_by, in that order, compared as bytes, a shorter text
 * before a longer one it starts) are greater wins, so that every node
 * picks the same one.  Equal values: 0.
 */
int catalog_redis_newer(const catalog_redis_value_t *a,
    const catalog_redis_value_t *b);

/* the field texts of v, pointing into v and t */
void catalog_redis_value_text(const catalog_redis_value_t *v,
    catalog_redis_text_t *t);

/*
 * prefix + kind + name into buf (size bytes, NUL-terminated); returns the
 * length, or 0 when it does not fit
 */
size_t catalog_redis_key(char *buf, size_t size, const char *prefix,
    size_t plen, const char *kind, const char *name, size_t nlen);

/*
 * A SCAN MATCH pattern: prefix with glob characters ("*", "?", "[", "]",
 * "\") escaped by "\", then kind, then "*"; returns the length or 0
 */
size_t catalog_redis_pattern(char *buf, size_t size, const char *prefix,
    size_t plen, const char *kind);

/* a key prefix: 1 to 64 bytes, printable ASCII without spaces */
int catalog_redis_is_prefix(const char *s, size_t len);

/*
 * The delay before reconnect attempt n (0 for the first after a
 * failure): 500 ms growing by half each time up to 10 s, then +/- 10 %
 * from rnd (any 32-bit random number), never above 10 s
 */
unsigned catalog_redis_backoff(unsigned attempt, uint32_t rnd);


#endif /* _CATALOG_REDIS_H_INCLUDED_ */
