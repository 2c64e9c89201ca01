
/*
 * Copyright (C) ngx_catalog developers
 */


#ifndef _CATALOG_ADMIN_H_INCLUDED_
#define _CATALOG_ADMIN_H_INCLUDED_


/*
 * What the admin API needs that does not need nginx: SHA-256, the tokens
 * file, checking a presented token in constant time, the body of a status
 * change, RFC 3339 times, and the state file that keeps overrides across
 * restarts.  Everything read here (files, bodies) is treated as hostile.
 */


#include <stddef.h>
#include <stdint.h>

#include <catalog_model.h>
#include <catalog_arena.h>


#define CATALOG_SHA256_LEN        32
#define CATALOG_TOKEN_NAME_MAX    64       /* bytes of a token's name */
#define CATALOG_BODY_MAX          8192     /* bytes of an admin body */
#define CATALOG_MESSAGE_BYTES     2000     /* 500 characters of UTF-8 */
#define CATALOG_TIME_LEN          25       /* "2026-12-01T08:00:00+07:00" */


typedef struct {
    uint8_t                       sha256[CATALOG_SHA256_LEN];
    catalog_str_t                 agency;      /* an agency id, or "*" */
    catalog_str_t                 name;
} catalog_token_t;


typedef struct {
    catalog_arena_t               arena;
    catalog_token_t              *tokens;
    unsigned                      ntokens;
} catalog_tokens_t;


/* a runtime status override of one service */

typedef struct {
    catalog_status_e              status;      /* active or maintenance */
    int64_t                       until;       /* unix time; 0: none */
    int64_t                       updated_at;  /* ms since the epoch */
    size_t                        message_len;
    size_t                        updated_by_len;
    char                          message[CATALOG_MESSAGE_BYTES];
    char                          updated_by[CATALOG_TOKEN_NAME_MAX];
} catalog_override_t;


void catalog_sha256(const void *data, size_t len,
    uint8_t out[CATALOG_SHA256_LEN]);

/*
 * The tokens file: {"tokens": [{"sha256": "64 hex", "agency": "dukcapil"
 * or "*", "name": "ops-dukcapil"}]}; unknown keys, bad hex, bad agency
 * ids, empty or over-long names and duplicate hashes are errors, reported
 * as 'tokens file "FILE": tokens[2].sha256: REASON'.
 */
int catalog_tokens_load(catalog_tokens_t *t, const char *path, char *err,
    size_t errlen);
int catalog_tokens_parse(catalog_tokens_t *t, const char *name,
    const char *buf, size_t len, char *err, size_t errlen);
void catalog_tokens_free(catalog_tokens_t *t);

/*
 * The entry whose hash is the SHA-256 of token, or NULL.  Compares with
 * every entry in constant time, so that timing tells nothing.
 */
const catalog_token_t *catalog_tokens_check(const catalog_tokens_t *t,
    const char *token, size_t len);

/* whether a token may change a service of this agency */
int catalog_token_allows(const catalog_token_t *tok, const char *agency,
    size_t len);

/*
 * The body of PUT .../status: {"status": "maintenance" | "active",
 * "message": "...", "until": "RFC 3339"}, at most CATALOG_BODY_MAX bytes.
 * Unknown keys, wrong types, a message over 500 characters or with control
 * characters (but tabs and line breaks), a bad date or an "until" not
 * after now are errors with a message for the 400 answer.
 */
int catalog_admin_body(const char *buf, size_t len, int64_t now,
    catalog_override_t *o, char *err, size_t errlen);

/*
 * RFC 3339 ("2026-12-01T08:00:00+07:00", "...Z", optional fraction) to
 * unix time; -1 when invalid.  Formatting writes UTC with 'Z',
 * "2026-12-01T01:00:00Z", NUL-terminated, and returns its length.
 */
int64_t catalog_time_parse(const char *s, size_t len);
size_t catalog_time_format(int64_t t, char *buf);

/*
 * The same to the millisecond: parse keeps the first three digits of a
 * fraction (truncated), -1 when invalid; format writes
 * "2026-12-01T01:00:00.123Z", always with the three digits.
 */
int64_t catalog_time_parse_ms(const char *s, size_t len);
size_t catalog_time_format_ms(int64_t ms, char *buf);

/*
 * The state file: every override, written to PATH.tmp, fsync'ed and
 * renamed over PATH, so that a crash leaves the old or the new file,
 * never half of one:
 * {"version": 1, "overrides": [{"service": "a/s", "status": ...,
 *   "message": ..., "until": ..., "updated_at": ..., "updated_by": ...}]}
 */
typedef int (*catalog_state_each_pt)(void *ctx, const char *key,
    size_t key_len, const catalog_override_t *o);

typedef struct {
    const char                   *key;
    size_t                        key_len;
    const catalog_override_t     *override;
} catalog_state_entry_t;

int catalog_state_write(const char *path, const catalog_state_entry_t *e,
    size_t n, char *err, size_t errlen);

/*
 * With Redis, the file also keeps when overrides were cleared, so that a
 * node restarted while Redis is away does not take an older override back
 * from it: "cleared": [{"service": "a/s", "updated_at": ...,
 * "updated_by": ...}], written only when there is one
 */
typedef struct {
    const char                   *key;
    size_t                        key_len;
    int64_t                       updated_at;  /* ms */
    const char                   *updated_by;
    size_t                        updated_by_len;
} catalog_state_cleared_t;

typedef int (*catalog_state_cleared_pt)(void *ctx,
    const catalog_state_cleared_t *c);

int catalog_state_write_all(const char *path, const catalog_state_entry_t *e,
    size_t n, const catalog_state_cleared_t *c, size_t nc, char *err,
    size_t errlen);

/* fsyncs the directory of path, so that a rename into it lasts */
int catalog_state_sync(const char *path, char *err, size_t errlen);

/*
 * Reads a state file and calls each() per valid entry.  A missing file is
 * not an error (returns 0); a damaged file is (-1, reason in err) and
 * nothing is called.  Entries that fail validation are skipped and
 * counted in *skipped.
 */
int catalog_state_read(const char *path, catalog_state_each_pt each,
    void *ctx, unsigned *skipped, char *err, size_t errlen);

/* the same, with cleared() called per valid "cleared" entry (or NULL) */
int catalog_state_read_all(const char *path, catalog_state_each_pt each,
    catalog_state_cleared_pt cleared, void *ctx, unsigned *skipped,
    char *err, size_t errlen);


#endif /* _CATALOG_ADMIN_H_INCLUDED_ */
