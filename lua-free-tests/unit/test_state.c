
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The state file (catalog_state.c): a write read back gives the same
 * overrides, the exact text written, no PATH.tmp left behind, every way
 * a write can fail with its message, damaged files (truncated at every
 * byte, garbage, another version, another shape) refused with nothing
 * called, and broken entries skipped, counted and the first one named.
 * The same for the "cleared" list that catalog_state_write_all() adds
 * with Redis.  The files in state/ are described in state/README.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catalog_admin.h>


#define MAX_SEEN  16


typedef struct {
    char                          key[160];
    catalog_override_t            o;
} seen_t;


typedef struct {
    char                          key[160];
    int64_t                       updated_at;
    size_t                        updated_by_len;
    char                          updated_by[CATALOG_TOKEN_NAME_MAX + 1];
} seen_cleared_t;


typedef struct {
    unsigned                      calls;
    unsigned                      fail_at;     /* 0: never */
    seen_t                        seen[MAX_SEEN];
    unsigned                      ncleared;
    unsigned                      cleared_fail_at;     /* 0: never */
    seen_cleared_t                cleared[MAX_SEEN];
} collect_t;


typedef struct {
    const char                   *entry;
    const char                   *reason;
} skip_case_t;


/* a state file write that must fail, and the error it must give */

typedef struct {
    const char                   *path;
    const char                   *expect;
    catalog_state_entry_t        *entry;
    rlim_t                        fsize;     /* 0: no limit */
} write_fails_t;


static int collect(void *ctx, const char *key, size_t key_len,
    const catalog_override_t *o);
static int collect_cleared(void *ctx, const catalog_state_cleared_t *cl);
static void override(catalog_override_t *o, catalog_status_e status,
    const char *message, int64_t until, int64_t updated_at,
    const char *updated_by);
static void clear_entry(catalog_state_cleared_t *cl, const char *key,
    int64_t updated_at, const char *updated_by);
static const char *fixture(const char *name);
static char *tmpdir(void);
static const char *path_in(const char *dir, const char *name);
static void put_file(const char *path, const char *data, size_t len);
static char *get_file(const char *path, size_t *len);
static int exists(const char *path);
static void cleanup(const char *dir);
static const char *fmt(const char *f, ...);
static void expect_damaged(const char *path, const char *msg);
static int write_fails(write_fails_t *w);
static void expect_write_fails(write_fails_t *w);


/* helpers */


static int
collect(void *ctx, const char *key, size_t key_len,
    const catalog_override_t *o)
{
    collect_t  *c;

    c = ctx;

    assert_true(c->calls < MAX_SEEN);
    assert_true(key_len < sizeof(c->seen[0].key));

    memcpy(c->seen[c->calls].key, key, key_len);
    c->seen[c->calls].key[key_len] = '\0';
    memcpy(&c->seen[c->calls].o, o, sizeof(*o));

    c->calls++;

    return (c->fail_at && c->calls == c->fail_at) ? -1 : 0;
}


static int
collect_cleared(void *ctx, const catalog_state_cleared_t *cl)
{
    collect_t       *c;
    seen_cleared_t  *s;

    c = ctx;

    /* what is read points into the file: never NULL, "" when empty */

    assert_non_null(cl->key);
    assert_non_null(cl->updated_by);
    assert_true(c->ncleared < MAX_SEEN);
    assert_true(cl->key_len < sizeof(c->cleared[0].key));
    assert_true(cl->updated_by_len <= CATALOG_TOKEN_NAME_MAX);

    s = &c->cleared[c->ncleared++];

    memcpy(s->key, cl->key, cl->key_len);
    s->key[cl->key_len] = '\0';
    s->updated_at = cl->updated_at;
    s->updated_by_len = cl->updated_by_len;
    memcpy(s->updated_by, cl->updated_by, cl->updated_by_len);
    s->updated_by[cl->updated_by_len] = '\0';

    return (c->cleared_fail_at && c->ncleared == c->cleared_fail_at) ? -1 : 0;
}


static void
override(catalog_override_t *o, catalog_status_e status, const char *message,
    int64_t until, int64_t updated_at, const char *updated_by)
{
    memset(o, 0, sizeof(*o));

    o->status = status;
    o->until = until;
    o->updated_at = updated_at;

    o->message_len = strlen(message);
    memcpy(o->message, message, o->message_len);

    o->updated_by_len = strlen(updated_by);
    memcpy(o->updated_by, updated_by, o->updated_by_len);
}


static void
clear_entry(catalog_state_cleared_t *cl, const char *key, int64_t updated_at,
    const char *updated_by)
{
    /* updated_by may be NULL: no name */

    cl->key = key;
    cl->key_len = strlen(key);
    cl->updated_at = updated_at;
    cl->updated_by = updated_by;
    cl->updated_by_len = updated_by ? strlen(updated_by) : 0;
}


static const char *
fixture(const char *name)
{
    static char   buf[4][1024];
    static int    n;
    char         *p;
    const char   *file, *slash;

    /* the state/ folder beside this file */

    p = buf[n++ % 4];

    file = __FILE__;
    slash = strrchr(file, '/');

    if (slash) {
        snprintf(p, sizeof(buf[0]), "%.*s/state/%s",
                 (int) (slash - file), file, name);

    } else {
        snprintf(p, sizeof(buf[0]), "state/%s", name);
    }

    return p;
}


static char *
tmpdir(void)
{
    char  *dir;

    dir = strdup("/tmp/catalog-state-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));

    return dir;
}


static const char *
path_in(const char *dir, const char *name)
{
    static char  buf[4][1024];
    static int   n;
    char        *p;

    p = buf[n++ % 4];
    snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);

    return p;
}


static void
put_file(const char *path, const char *data, size_t len)
{
    FILE  *f;

    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}


static char *
get_file(const char *path, size_t *len)
{
    char   *buf;
    FILE   *f;
    long    size;

    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size >= 0);
    rewind(f);

    buf = malloc((size_t) size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t) size, f), (size_t) size);
    buf[size] = '\0';
    fclose(f);

    *len = (size_t) size;

    return buf;
}


static int
exists(const char *path)
{
    struct stat  st;

    return lstat(path, &st) == 0;
}


static void
cleanup(const char *dir)
{
    char  cmd[1200];

    /* only what tmpdir() made */

    assert_true(strncmp(dir, "/tmp/catalog-state-", 19) == 0);

    snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", dir,
             dir);
    assert_int_equal(system(cmd), 0);
}


static const char *
fmt(const char *f, ...)
{
    static char  buf[4][4096];
    static int   k;
    char        *p;
    va_list      args;

    p = buf[k++ % 4];

    va_start(args, f);
    vsnprintf(p, sizeof(buf[0]), f, args);
    va_end(args);

    return p;
}


static void
expect_damaged(const char *path, const char *msg)
{
    char       err[CATALOG_ERROR_LEN];
    unsigned   skipped;
    collect_t  c;

    memset(&c, 0, sizeof(c));
    skipped = 77;

    assert_int_equal(catalog_state_read(path, collect, &c, &skipped, err,
                                        sizeof(err)), -1);
    assert_string_equal(err, msg);
    assert_int_equal(c.calls, 0);
    assert_int_equal(skipped, 0);

    /* the same with cleared(): it is not called either */

    memset(&c, 0, sizeof(c));
    skipped = 77;

    assert_int_equal(catalog_state_read_all(path, collect, collect_cleared,
                                            &c, &skipped, err, sizeof(err)),
                     -1);
    assert_string_equal(err, msg);
    assert_int_equal(c.calls, 0);
    assert_int_equal(c.ncleared, 0);
    assert_int_equal(skipped, 0);
}


/* writing and reading back */


static void
test_state_round_trip(void **state)
{
    char                    err[CATALOG_ERROR_LEN];
    char                   *dir;
    size_t                  i;
    mode_t                  mask;
    unsigned                skipped;
    collect_t               c;
    struct stat             st;
    catalog_override_t      o[4];
    catalog_state_entry_t   e[4];
    char                    big[CATALOG_MESSAGE_BYTES + 1];

    (void) state;

    dir = tmpdir();

    /* 500 four-byte characters: a message that fills its buffer */

    for (i = 0; i < 500; i++) {
        memcpy(big + 4 * i, "\xf0\x9f\x98\x80", 4);
    }

    big[CATALOG_MESSAGE_BYTES] = '\0';

    override(&o[0], CATALOG_STATUS_MAINTENANCE,
             "Pemeliharaan \"sistem\"\n\tbaris \\ dua \xc3\xa9",
             1796086800, 1796000000000LL, "ops-dukcapil");
    override(&o[1], CATALOG_STATUS_ACTIVE, "", 0, 1796000001000LL, "");
    override(&o[2], CATALOG_STATUS_MAINTENANCE, big, 0, 0,
             "N.64-bytes_name_0123456789abcdefghij"
             "ABCDEFGHIJ0123456789abcdefgh");
    override(&o[3], CATALOG_STATUS_MAINTENANCE, "", 253402300799LL,
             1577836800, "root");

    assert_int_equal(o[2].updated_by_len, CATALOG_TOKEN_NAME_MAX);
    assert_int_equal(o[2].message_len, CATALOG_MESSAGE_BYTES);

    e[0].key = "dukcapil/ktp-elektronik";
    e[1].key = "kemenkes/vaksin";
    e[2].key = "a/b";
    e[3].key = "x-1/y-2";

    for (i = 0; i < 4; i++) {
        e[i].key_len = strlen(e[i].key);
        e[i].override = &o[i];
    }

    mask = umask(022);

    assert_int_equal(catalog_state_write(path_in(dir, "state.json"), e, 4,
                                         err, sizeof(err)), 0);

    umask(mask);

    /* no PATH.tmp left, the mode 0640 */

    assert_false(exists(path_in(dir, "state.json.tmp")));
    assert_int_equal(stat(path_in(dir, "state.json"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);

    memset(&c, 0, sizeof(c));
    skipped = 77;

    assert_int_equal(catalog_state_read(path_in(dir, "state.json"), collect,
                                        &c, &skipped, err, sizeof(err)), 0);
    assert_int_equal(skipped, 0);
    assert_string_equal(err, "");
    assert_int_equal(c.calls, 4);

    for (i = 0; i < 4; i++) {
        assert_string_equal(c.seen[i].key, e[i].key);
        assert_int_equal(c.seen[i].o.status, o[i].status);
        assert_int_equal(c.seen[i].o.until, o[i].until);
        assert_int_equal(c.seen[i].o.updated_at, o[i].updated_at);
        assert_int_equal(c.seen[i].o.message_len, o[i].message_len);
        assert_memory_equal(c.seen[i].o.message, o[i].message,
                            o[i].message_len);
        assert_int_equal(c.seen[i].o.updated_by_len, o[i].updated_by_len);
        assert_memory_equal(c.seen[i].o.updated_by, o[i].updated_by,
                            o[i].updated_by_len);
    }

    /* NUL-terminated where there is room */

    assert_string_equal(c.seen[0].o.updated_by, "ops-dukcapil");
    assert_string_equal(c.seen[1].o.message, "");

    cleanup(dir);
    free(dir);
}


static void
test_state_text(void **state)
{
    char                    err[CATALOG_ERROR_LEN];
    char                   *dir, *text;
    size_t                  len;
    catalog_override_t      o[2];
    catalog_state_entry_t   e[2];

    (void) state;

    dir = tmpdir();

    override(&o[0], CATALOG_STATUS_MAINTENANCE, "Tutup\nsementara",
             1796086800, 1796000000000LL, "ops-dukcapil");
    override(&o[1], CATALOG_STATUS_ACTIVE, "", 0, 1796000001000LL, "");

    e[0].key = "dukcapil/ktp";
    e[0].key_len = 12;
    e[0].override = &o[0];
    e[1].key = "kemenkes/vaksin";
    e[1].key_len = 15;
    e[1].override = &o[1];

    assert_int_equal(catalog_state_write(path_in(dir, "state.json"), e, 2,
                                         err, sizeof(err)), 0);

    text = get_file(path_in(dir, "state.json"), &len);

    assert_string_equal(text,
        "{\n"
        "  \"version\": 1,\n"
        "  \"overrides\": [\n"
        "    {\n"
        "      \"service\": \"dukcapil/ktp\",\n"
        "      \"status\": \"maintenance\",\n"
        "      \"message\": \"Tutup\\nsementara\",\n"
        "      \"until\": \"2026-12-01T01:00:00Z\",\n"
        "      \"updated_at\": \"2026-11-30T00:53:20.000Z\",\n"
        "      \"updated_by\": \"ops-dukcapil\"\n"
        "    },\n"
        "    {\n"
        "      \"service\": \"kemenkes/vaksin\",\n"
        "      \"status\": \"active\",\n"
        "      \"message\": null,\n"
        "      \"until\": null,\n"
        "      \"updated_at\": \"2026-11-30T00:53:21.000Z\",\n"
        "      \"updated_by\": null\n"
        "    }\n"
        "  ]\n"
        "}\n");

    free(text);

    /* a second write replaces the first; no entries is an empty list */

    assert_int_equal(catalog_state_write(path_in(dir, "state.json"), NULL, 0,
                                         err, sizeof(err)), 0);

    text = get_file(path_in(dir, "state.json"), &len);
    assert_string_equal(text, "{\n  \"version\": 1,\n  \"overrides\": []\n}\n");
    free(text);

    assert_false(exists(path_in(dir, "state.json.tmp")));

    cleanup(dir);
    free(dir);
}


static void
test_state_fixture(void **state)
{
    char       err[CATALOG_ERROR_LEN];
    unsigned   skipped;
    collect_t  c;

    (void) state;

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read(fixture("valid.json"), collect, &c,
                                        &skipped, err, sizeof(err)), 0);
    assert_int_equal(skipped, 0);
    assert_int_equal(c.calls, 3);

    assert_string_equal(c.seen[0].key, "dukcapil/ktp");
    assert_int_equal(c.seen[0].o.status, CATALOG_STATUS_MAINTENANCE);
    assert_string_equal(c.seen[0].o.message,
                        "Pemeliharaan sistem.\n"
                        "Mohon maaf atas ketidaknyamanannya.");
    assert_int_equal(c.seen[0].o.until, 1796086800);
    assert_int_equal(c.seen[0].o.updated_at, 1796032800000LL);
    assert_string_equal(c.seen[0].o.updated_by, "ops-dukcapil");

    assert_string_equal(c.seen[1].key, "kemenkes/vaksin");
    assert_int_equal(c.seen[1].o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(c.seen[1].o.message_len, 0);
    assert_int_equal(c.seen[1].o.until, 0);
    assert_int_equal(c.seen[1].o.updated_by_len, 0);

    /* an "until" in the past is read: the caller ignores it */

    assert_string_equal(c.seen[2].key, "bpjs/klaim");
    assert_int_equal(c.seen[2].o.until, 1577836800);

    /* its fraction of a second, ".5", is kept to the millisecond */

    assert_int_equal(c.seen[2].o.updated_at, 1577750400500LL);
    assert_int_equal(c.seen[2].o.message_len, 0);
    assert_int_equal(c.seen[2].o.updated_by_len, 0);

    /* skipped may be NULL */

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read(fixture("valid.json"), collect, &c,
                                        NULL, err, sizeof(err)), 0);
    assert_int_equal(c.calls, 3);
}


static void
test_state_missing(void **state)
{
    char       err[CATALOG_ERROR_LEN];
    char      *dir;
    unsigned   skipped;
    collect_t  c;

    (void) state;

    dir = tmpdir();

    memset(&c, 0, sizeof(c));
    skipped = 77;
    strcpy(err, "old");

    assert_int_equal(catalog_state_read(path_in(dir, "state.json"), collect,
                                        &c, &skipped, err, sizeof(err)), 0);
    assert_int_equal(c.calls, 0);
    assert_int_equal(skipped, 0);
    assert_string_equal(err, "");

    cleanup(dir);
    free(dir);
}


/* damaged files */


static void
test_state_truncated(void **state)
{
    const char  *path;

    (void) state;

    path = fixture("truncated.json");

    expect_damaged(path, fmt("state file \"%s\": line 10, column 29: "
                             "invalid JSON: premature end of input near "
                             "'\"ops-dukc'", path));
}


static void
test_state_every_prefix(void **state)
{
    int        rc;
    char       err[CATALOG_ERROR_LEN];
    char      *dir, *text;
    size_t     len, n;
    unsigned   skipped;
    collect_t  c;

    (void) state;

    /*
     * a file cut at any byte, as a plain write could leave it, is refused
     * and nothing of it is used; only the whole file (or the whole file
     * short of its final line break) is read
     */

    dir = tmpdir();
    text = get_file(fixture("valid.json"), &len);

    for (n = 0; n <= len; n++) {
        put_file(path_in(dir, "state.json"), text, n);

        memset(&c, 0, sizeof(c));

        rc = catalog_state_read(path_in(dir, "state.json"), collect, &c,
                                &skipped, err, sizeof(err));

        if (n >= len - 1) {
            assert_int_equal(rc, 0);
            assert_int_equal(c.calls, 3);

        } else {
            assert_int_equal(rc, -1);
            assert_int_equal(c.calls, 0);
            assert_true(strncmp(err, "state file \"", 12) == 0);
        }
    }

    free(text);
    cleanup(dir);
    free(dir);
}


static void
test_state_garbage(void **state)
{
    const char  *path;

    (void) state;

    path = fixture("garbage.bin");

    expect_damaged(path, fmt("state file \"%s\": line 1, column 1: invalid "
                             "JSON: '[' or '{' expected near 'D'", path));
}


static void
test_state_shapes(void **state)
{
    char  *dir;

    (void) state;

    dir = tmpdir();

#define DAMAGED(text, msg)                                                    \
    put_file(path_in(dir, "s.json"), text, strlen(text));                     \
    expect_damaged(path_in(dir, "s.json"),                                    \
                   fmt("state file \"%s\": " msg, path_in(dir, "s.json")))

    DAMAGED("", "line 1, column 0: invalid JSON: '[' or '{' expected near "
            "end of file");
    DAMAGED("{\"version\": 1, \"overrides\": []", "line 1, column 30: "
            "invalid JSON: '}' expected near end of file");
    DAMAGED("{\"version\": 1, \"version\": 1, \"overrides\": []}",
            "line 1, column 24: invalid JSON: duplicate object key near "
            "'\"version\"'");
    DAMAGED("[]", "top level: must be an object");
    DAMAGED("[{\"version\": 1, \"overrides\": []}]",
            "top level: must be an object");
    DAMAGED("{\"version\": 1, \"overrides\": [], \"nodes\": []}",
            "top level: unknown key \"nodes\"");
    DAMAGED("{\"overrides\": []}", "version: is required");
    DAMAGED("{\"version\": 2, \"overrides\": []}", "version: must be 1");
    DAMAGED("{\"version\": 0, \"overrides\": []}", "version: must be 1");
    DAMAGED("{\"version\": \"1\", \"overrides\": []}", "version: must be 1");
    DAMAGED("{\"version\": 1.0, \"overrides\": []}", "version: must be 1");
    DAMAGED("{\"version\": null, \"overrides\": []}", "version: must be 1");
    DAMAGED("{\"version\": 1}", "overrides: is required");
    DAMAGED("{\"version\": 1, \"overrides\": {}}",
            "overrides: must be an array");
    DAMAGED("{\"version\": 1, \"overrides\": null}",
            "overrides: must be an array");

    /* "cleared" may be missing, but when there it is a list */

    DAMAGED("{\"version\": 1, \"overrides\": [], \"cleared\": {}}",
            "cleared: must be an array");
    DAMAGED("{\"version\": 1, \"overrides\": [], \"cleared\": null}",
            "cleared: must be an array");
    DAMAGED("{\"version\": 1, \"overrides\": [], \"cleared\": \"a/b\"}",
            "cleared: must be an array");
    DAMAGED("{\"version\": 1, \"overrides\": [{\"service\": \"a/b\", "
            "\"status\": \"active\", \"updated_at\": "
            "\"2026-11-30T10:00:00Z\"}], \"cleared\": 0}",
            "cleared: must be an array");
    DAMAGED("{\"version\": 1, \"cleared\": []}", "overrides: is required");
    DAMAGED("{\"version\": 1, \"overrides\": [], \"cleared\": [], "
            "\"cleared\": []}", "line 1, column 56: invalid JSON: "
            "duplicate object key near '\"cleared\"'");

#undef DAMAGED

    expect_damaged(fixture("version-2.json"),
                   fmt("state file \"%s\": version: must be 1",
                       fixture("version-2.json")));

    cleanup(dir);
    free(dir);
}


static void
test_state_not_regular(void **state)
{
    int    fd;
    char  *dir;

    (void) state;

    dir = tmpdir();

    /* a directory, a FIFO (which must not block), a huge file */

    expect_damaged(dir, fmt("state file \"%s\": is not a regular file",
                            dir));

    assert_int_equal(mkfifo(path_in(dir, "fifo"), 0600), 0);
    expect_damaged(path_in(dir, "fifo"),
                   fmt("state file \"%s\": is not a regular file",
                       path_in(dir, "fifo")));

    fd = open(path_in(dir, "big.json"), O_WRONLY | O_CREAT, 0600);
    assert_true(fd != -1);
    assert_int_equal(ftruncate(fd, 64 * 1024 * 1024 + 1), 0);
    close(fd);

    expect_damaged(path_in(dir, "big.json"),
                   fmt("state file \"%s\": is larger than 67108864 bytes",
                       path_in(dir, "big.json")));

    /* a read error other than a missing file */

    put_file(path_in(dir, "file"), "x", 1);
    expect_damaged(path_in(dir, "file/state.json"),
                   fmt("state file \"%s\": cannot read: Not a directory",
                       path_in(dir, "file/state.json")));

    cleanup(dir);
    free(dir);
}


/* entries */


static void
test_state_mixed(void **state)
{
    char       err[CATALOG_ERROR_LEN];
    unsigned   skipped;
    collect_t  c;

    (void) state;

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read(fixture("mixed.json"), collect, &c,
                                        &skipped, err, sizeof(err)), 0);

    assert_int_equal(c.calls, 2);
    assert_string_equal(c.seen[0].key, "dukcapil/ktp");
    assert_string_equal(c.seen[1].key, "kemenkes/vaksin");

    assert_int_equal(skipped, 14);
    assert_string_equal(err, fmt("state file \"%s\": overrides[1]: "
                                 "skipped: must be an object",
                                 fixture("mixed.json")));
}


static void
test_state_skip_reasons(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    char        *dir;
    const char  *text;
    size_t       i;
    unsigned     skipped;
    collect_t    c;

#define AT  "\"updated_at\": \"2026-11-30T10:00:00Z\""

    static const skip_case_t  cases[] = {
        { "null", "must be an object" },
        { "[]", "must be an object" },
        { "\"dukcapil/ktp\"", "must be an object" },
        { "{\"service\": \"a/b\", \"status\": \"active\", " AT
          ", \"x\\u0001\": 1}", "unknown key \"x\\x01\"" },
        { "{\"status\": \"active\", " AT "}", "\"service\" is required" },
        { "{\"service\": null, \"status\": \"active\", " AT "}",
          "\"service\" is required" },
        { "{\"service\": 7, \"status\": \"active\", " AT "}",
          "\"service\" must be a string" },
        { "{\"service\": \"ab\", \"status\": \"active\", " AT "}",
          "invalid service \"ab\"" },
        { "{\"service\": \"a/b/c\", \"status\": \"active\", " AT "}",
          "invalid service \"a/b/c\"" },
        { "{\"service\": \"a/\", \"status\": \"active\", " AT "}",
          "invalid service \"a/\"" },
        { "{\"service\": \"a/B\", \"status\": \"active\", " AT "}",
          "invalid service \"a/B\"" },
        { "{\"service\": \"a/b\\n\", \"status\": \"active\", " AT "}",
          "invalid service \"a/b\\x0a\"" },
        { "{\"service\": \"a/b\", " AT "}", "\"status\" is required" },
        { "{\"service\": \"a/b\", \"status\": 1, " AT "}",
          "\"status\" must be a string" },
        { "{\"service\": \"a/b\", \"status\": \"retired\", " AT "}",
          "invalid status \"retired\"" },
        { "{\"service\": \"a/b\", \"status\": \"\", " AT "}",
          "invalid status \"\"" },
        { "{\"service\": \"a/b\", \"status\": \"active\", \"message\": 1, "
          AT "}", "\"message\" must be a string" },
        { "{\"service\": \"a/b\", \"status\": \"active\", \"message\": "
          "\"x\", " AT "}",
          "\"message\" is only allowed with \"status\": \"maintenance\"" },
        { "{\"service\": \"a/b\", \"status\": \"maintenance\", \"message\": "
          "\"\\u007f\", " AT "}",
          "\"message\" must not contain control characters other than "
          "tabs and line breaks" },
        { "{\"service\": \"a/b\", \"status\": \"active\", \"until\": 1, "
          AT "}", "\"until\" must be a string" },
        { "{\"service\": \"a/b\", \"status\": \"maintenance\", \"until\": "
          "\"2026-02-29T00:00:00Z\", " AT "}",
          "invalid \"until\" \"2026-02-29T00:00:00Z\"" },
        { "{\"service\": \"a/b\", \"status\": \"active\", \"until\": "
          "\"2026-12-01T00:00:00Z\", " AT "}",
          "\"until\" is only allowed with \"status\": \"maintenance\"" },
        { "{\"service\": \"a/b\", \"status\": \"active\"}",
          "\"updated_at\" is required" },
        { "{\"service\": \"a/b\", \"status\": \"active\", "
          "\"updated_at\": \"\"}", "\"updated_at\" is required" },
        { "{\"service\": \"a/b\", \"status\": \"active\", "
          "\"updated_at\": 1796000000}", "\"updated_at\" must be a string" },
        { "{\"service\": \"a/b\", \"status\": \"active\", "
          "\"updated_at\": \"yesterday\"}",
          "invalid \"updated_at\" \"yesterday\"" },
        { "{\"service\": \"a/b\", \"status\": \"active\", " AT
          ", \"updated_by\": 5}", "\"updated_by\" must be a string" },
        { "{\"service\": \"a/b\", \"status\": \"active\", " AT
          ", \"updated_by\": \"a b\"}", "invalid \"updated_by\" \"a b\"" },
        { "{\"service\": \"a/b\", \"status\": \"active\", " AT
          ", \"updated_by\": \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
          "nnnnnnnnnnnnnnnnnnnnnnnnn\"}",
          "invalid \"updated_by\" \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
          "nnnnnnnnnnnnnnnnnnnnnnnnnn...\"" },
    };

#undef AT

    (void) state;

    dir = tmpdir();

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        text = fmt("{\"version\": 1, \"overrides\": [%s]}", cases[i].entry);
        put_file(path_in(dir, "s.json"), text, strlen(text));

        memset(&c, 0, sizeof(c));

        assert_int_equal(catalog_state_read(path_in(dir, "s.json"), collect,
                                            &c, &skipped, err, sizeof(err)),
                         0);

        assert_int_equal(c.calls, 0);
        assert_int_equal(skipped, 1);
        assert_string_equal(err, fmt("state file \"%s\": overrides[0]: "
                                     "skipped: %s", path_in(dir, "s.json"),
                                     cases[i].reason));
    }

    cleanup(dir);
    free(dir);
}


static void
test_state_message_limit(void **state)
{
    char        err[CATALOG_ERROR_LEN];
    char       *dir, *text, *p;
    size_t      i, n;
    unsigned    skipped;
    collect_t   c;

    (void) state;

    dir = tmpdir();

    /* 500 characters are read, 501 are skipped */

    text = malloc(4096);
    assert_non_null(text);

    for (n = 500; n <= 501; n++) {
        p = text;
        p += sprintf(p, "{\"version\": 1, \"overrides\": [{\"service\": "
                     "\"a/b\", \"status\": \"maintenance\", \"updated_at\": "
                     "\"2026-11-30T10:00:00Z\", \"message\": \"");

        for (i = 0; i < n; i++) {
            memcpy(p, "\xc3\xa9", 2);
            p += 2;
        }

        p += sprintf(p, "\"}]}");

        put_file(path_in(dir, "s.json"), text, (size_t) (p - text));

        memset(&c, 0, sizeof(c));

        assert_int_equal(catalog_state_read(path_in(dir, "s.json"), collect,
                                            &c, &skipped, err, sizeof(err)),
                         0);

        if (n == 500) {
            assert_int_equal(c.calls, 1);
            assert_int_equal(c.seen[0].o.message_len, 1000);

        } else {
            assert_int_equal(c.calls, 0);
            assert_int_equal(skipped, 1);
            assert_string_equal(err, fmt("state file \"%s\": overrides[0]: "
                                         "skipped: \"message\" is longer "
                                         "than 500 characters",
                                         path_in(dir, "s.json")));
        }
    }

    free(text);
    cleanup(dir);
    free(dir);
}


static void
test_state_each_fails(void **state)
{
    char       err[CATALOG_ERROR_LEN];
    unsigned   skipped;
    collect_t  c;

    (void) state;

    /* the caller stops the reading: -1, and nothing after is called */

    memset(&c, 0, sizeof(c));
    c.fail_at = 2;

    assert_int_equal(catalog_state_read(fixture("valid.json"), collect, &c,
                                        &skipped, err, sizeof(err)), -1);
    assert_int_equal(c.calls, 2);
    assert_string_equal(err, fmt("state file \"%s\": overrides[1] "
                                 "(\"kemenkes/vaksin\"): cannot be applied",
                                 fixture("valid.json")));
}


static void
test_state_duplicate(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    char        *dir;
    unsigned     skipped;
    collect_t    c;
    const char  *text;

    (void) state;

    /* the first entry of a service is used, a repeat is skipped */

    dir = tmpdir();

    text = "{\"version\": 1, \"overrides\": ["
           "{\"service\": \"a/b\", \"status\": \"active\", "
           "\"updated_at\": \"2026-11-30T10:00:00Z\"}, "
           "{\"service\": \"c/d\", \"status\": \"active\", "
           "\"updated_at\": \"2026-11-30T10:00:00Z\"}, "
           "{\"service\": \"a/b\", \"status\": \"maintenance\", "
           "\"updated_at\": \"2026-11-30T11:00:00Z\"}]}";

    put_file(path_in(dir, "s.json"), text, strlen(text));

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read(path_in(dir, "s.json"), collect, &c,
                                        &skipped, err, sizeof(err)), 0);
    assert_int_equal(c.calls, 2);
    assert_int_equal(c.seen[0].o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(skipped, 1);
    assert_string_equal(err, fmt("state file \"%s\": overrides[2]: skipped: "
                                 "service \"a/b\" is already in "
                                 "overrides[0]", path_in(dir, "s.json")));

    cleanup(dir);
    free(dir);
}


static void
test_state_active_plain(void **state)
{
    char                    err[CATALOG_ERROR_LEN];
    char                   *dir;
    unsigned                skipped;
    collect_t               c;
    catalog_override_t      o;
    catalog_state_entry_t   e;

    (void) state;

    /* an active override is written without a message and an "until" */

    dir = tmpdir();

    override(&o, CATALOG_STATUS_ACTIVE, "stale", 1796086800, 1796000000,
             "ops");
    e.key = "a/b";
    e.key_len = 3;
    e.override = &o;

    assert_int_equal(catalog_state_write(path_in(dir, "s.json"), &e, 1, err,
                                         sizeof(err)), 0);

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read(path_in(dir, "s.json"), collect, &c,
                                        &skipped, err, sizeof(err)), 0);
    assert_int_equal(skipped, 0);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.seen[0].o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(c.seen[0].o.message_len, 0);
    assert_int_equal(c.seen[0].o.until, 0);
    assert_string_equal(c.seen[0].o.updated_by, "ops");

    cleanup(dir);
    free(dir);
}


/* writing errors */


/*
 * A write that must fail, run in a child: as "nobody" when the tests run
 * as root (root writes anywhere), under a file size limit when one is
 * given.  The child's exit status says what went wrong.
 */

static int
write_fails(write_fails_t *w)
{
    char           err[CATALOG_ERROR_LEN];
    struct rlimit  rl;

    if (w->fsize) {
        /* a write past the limit fails with EFBIG instead of a signal */

        signal(SIGXFSZ, SIG_IGN);
        rl.rlim_cur = w->fsize;
        rl.rlim_max = w->fsize;

        if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
            return 4;
        }
    }

    if (catalog_state_write(w->path, w->entry, 1, err, sizeof(err)) != -1) {
        return 1;
    }

    if (strcmp(err, w->expect) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }

    return 0;
}


static void
expect_write_fails(write_fails_t *w)
{
    int    status;
    pid_t  pid;

    pid = fork();
    assert_true(pid != -1);

    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
            _exit(3);
        }

        _exit(write_fails(w));
    }

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}


static void
test_state_write_errors(void **state)
{
    char                    err[CATALOG_ERROR_LEN];
    char                   *dir, *text;
    size_t                  len;
    catalog_override_t      o;
    catalog_state_entry_t   e;

    (void) state;

    dir = tmpdir();

    override(&o, CATALOG_STATUS_MAINTENANCE, "x", 0, 1796000000, "ops");
    e.key = "a/b";
    e.key_len = 3;
    e.override = &o;

    /* no such directory; a file where a directory should be */

    assert_int_equal(catalog_state_write(path_in(dir, "none/s.json"), &e, 1,
                                         err, sizeof(err)), -1);
    assert_string_equal(err, fmt("state file \"%s\": cannot open \"%s.tmp\": "
                                 "No such file or directory",
                                 path_in(dir, "none/s.json"),
                                 path_in(dir, "none/s.json")));

    put_file(path_in(dir, "file"), "x", 1);

    assert_int_equal(catalog_state_write(path_in(dir, "file/s.json"), &e, 1,
                                         err, sizeof(err)), -1);
    assert_string_equal(err, fmt("state file \"%s\": cannot open \"%s.tmp\": "
                                 "Not a directory",
                                 path_in(dir, "file/s.json"),
                                 path_in(dir, "file/s.json")));

    /* a directory where the file should be: the rename fails, no tmp left */

    assert_int_equal(mkdir(path_in(dir, "s.json"), 0700), 0);
    put_file(path_in(dir, "s.json/keep"), "x", 1);

    assert_int_equal(catalog_state_write(path_in(dir, "s.json"), &e, 1, err,
                                         sizeof(err)), -1);
    assert_string_equal(err, fmt("state file \"%s\": cannot rename "
                                 "\"%s.tmp\": Is a directory",
                                 path_in(dir, "s.json"),
                                 path_in(dir, "s.json")));
    assert_false(exists(path_in(dir, "s.json.tmp")));

    /* a link planted as PATH.tmp is not followed */

    put_file(path_in(dir, "target"), "keep", 4);
    assert_int_equal(symlink(path_in(dir, "target"),
                             path_in(dir, "t.json.tmp")), 0);

    assert_int_equal(catalog_state_write(path_in(dir, "t.json"), &e, 1, err,
                                         sizeof(err)), -1);
    assert_string_equal(err, fmt("state file \"%s\": cannot open \"%s.tmp\": "
                                 "Too many levels of symbolic links",
                                 path_in(dir, "t.json"),
                                 path_in(dir, "t.json")));

    text = get_file(path_in(dir, "target"), &len);
    assert_string_equal(text, "keep");
    free(text);

    /* a stale PATH.tmp from a crash is replaced */

    put_file(path_in(dir, "u.json.tmp"), "stale", 5);

    assert_int_equal(catalog_state_write(path_in(dir, "u.json"), &e, 1, err,
                                         sizeof(err)), 0);
    assert_false(exists(path_in(dir, "u.json.tmp")));

    cleanup(dir);
    free(dir);
}


static void
test_state_unwritable_dir(void **state)
{
    char                   *dir;
    write_fails_t           w;
    catalog_override_t      o;
    catalog_state_entry_t   e;

    (void) state;

    dir = tmpdir();
    assert_int_equal(chmod(dir, 0555), 0);

    override(&o, CATALOG_STATUS_ACTIVE, "", 0, 1796000000, "");
    e.key = "a/b";
    e.key_len = 3;
    e.override = &o;

    w.path = path_in(dir, "s.json");
    w.expect = fmt("state file \"%s\": cannot open \"%s.tmp\": "
                   "Permission denied", w.path, w.path);
    w.entry = &e;
    w.fsize = 0;

    expect_write_fails(&w);

    assert_false(exists(path_in(dir, "s.json")));

    cleanup(dir);
    free(dir);
}


/*
 * Errors after the open: a write cut short by the file size limit (the
 * tmp file goes), and a directory that cannot be opened for its fsync
 * (write and search only: the file is in place, and the caller says the
 * change is in force but not on disk).
 */

static void
test_state_write_late_errors(void **state)
{
    char                   *dir;
    write_fails_t           w;
    catalog_override_t      o;
    catalog_state_entry_t   e;

    (void) state;

    dir = tmpdir();
    assert_int_equal(chmod(dir, 0777), 0);
    assert_int_equal(mkdir(path_in(dir, "wx"), 0777), 0);
    assert_int_equal(chmod(path_in(dir, "wx"), 0333), 0);

    override(&o, CATALOG_STATUS_MAINTENANCE, "x", 0, 1796000000, "ops");
    e.key = "a/b";
    e.key_len = 3;
    e.override = &o;

    w.path = path_in(dir, "s.json");
    w.expect = fmt("state file \"%s\": cannot write \"%s.tmp\": "
                   "File too large", w.path, w.path);
    w.entry = &e;
    w.fsize = 16;

    expect_write_fails(&w);

    assert_false(exists(path_in(dir, "s.json")));
    assert_false(exists(path_in(dir, "s.json.tmp")));

    w.path = path_in(dir, "wx/s.json");
    w.expect = fmt("state file \"%s\": cannot open directory \"%s\": "
                   "Permission denied", w.path, path_in(dir, "wx"));
    w.fsize = 0;

    expect_write_fails(&w);

    assert_int_equal(chmod(path_in(dir, "wx"), 0700), 0);
    assert_true(exists(path_in(dir, "wx/s.json")));
    assert_false(exists(path_in(dir, "wx/s.json.tmp")));

    cleanup(dir);
    free(dir);
}


static void
test_state_write_invalid(void **state)
{
    char                    err[CATALOG_ERROR_LEN];
    char                   *dir;
    catalog_override_t      o[2];
    catalog_state_entry_t   e[2];

    (void) state;

    dir = tmpdir();

    override(&o[0], CATALOG_STATUS_ACTIVE, "", 0, 1796000000, "");
    override(&o[1], CATALOG_STATUS_MAINTENANCE, "x", 0, 1796000000, "");

    e[0].key = "a/b";
    e[0].key_len = 3;
    e[0].override = &o[0];
    e[1].key = "c/d";
    e[1].key_len = 3;
    e[1].override = &o[1];

#define REFUSED(msg)                                                          \
    assert_int_equal(catalog_state_write(path_in(dir, "s.json"), e, 2, err,   \
                                         sizeof(err)), -1);                   \
    assert_string_equal(err, fmt("state file \"%s\": " msg,                   \
                                 path_in(dir, "s.json")));                    \
    assert_false(exists(path_in(dir, "s.json")));                             \
    assert_false(exists(path_in(dir, "s.json.tmp")))

    /* what could not be read back is not written */

    e[1].key = "c/D";
    REFUSED("overrides[1]: invalid service key");

    e[1].key = "c/d/";
    e[1].key_len = 4;
    REFUSED("overrides[1]: invalid service key");

    e[1].key = NULL;
    REFUSED("overrides[1]: invalid service key");

    e[1].key = "c/d";
    e[1].key_len = 3;
    e[1].override = NULL;
    REFUSED("overrides[1]: invalid service key");

    e[1].override = &o[1];
    o[1].status = CATALOG_STATUS_RETIRED;
    REFUSED("overrides[1]: invalid override");

    o[1].status = CATALOG_STATUS_MAINTENANCE;
    o[1].message_len = CATALOG_MESSAGE_BYTES + 1;
    REFUSED("overrides[1]: invalid override");

    o[1].message_len = 1;
    o[1].updated_by_len = CATALOG_TOKEN_NAME_MAX + 1;
    REFUSED("overrides[1]: invalid override");

    o[1].updated_by_len = 0;
    o[1].message[0] = '\xff';
    REFUSED("overrides[1]: invalid UTF-8 or out of memory");

#undef REFUSED

    o[1].message[0] = 'x';

    assert_int_equal(catalog_state_write(path_in(dir, "s.json"), e, 2, err,
                                         sizeof(err)), 0);

    cleanup(dir);
    free(dir);
}


static void
test_state_error_buffer(void **state)
{
    char       err[32];
    collect_t  c;

    (void) state;

    memset(&c, 0, sizeof(c));
    memset(err, 'z', sizeof(err));

    assert_int_equal(catalog_state_read(fixture("garbage.bin"), collect, &c,
                                        NULL, err, 8), -1);
    assert_string_equal(err, "state f");
    assert_int_equal(err[8], 'z');

    assert_int_equal(catalog_state_read(fixture("garbage.bin"), collect, &c,
                                        NULL, err, 0), -1);
    assert_int_equal(catalog_state_read(fixture("garbage.bin"), collect, &c,
                                        NULL, NULL, 0), -1);
    assert_int_equal(catalog_state_read(fixture("mixed.json"), collect, &c,
                                        NULL, NULL, 0), 0);

    assert_int_equal(catalog_state_write("/nonexistent/s.json", NULL, 0,
                                         NULL, 0), -1);
}


static void
test_state_hostile_mutations(void **state)
{
    int         rc;
    char        err[CATALOG_ERROR_LEN];
    char       *dir, *text, *copy;
    size_t      len, i, k, pos;
    uint32_t    seed;
    unsigned    skipped;
    collect_t   c;
    const char  bytes[] = "\"{}[]:,\\ 0aZ.-+/tT\x01\xc3\xff\x80";

    (void) state;

    dir = tmpdir();
    text = get_file(fixture("valid.json"), &len);

    copy = malloc(len);
    assert_non_null(copy);

    seed = 1970;

    for (i = 0; i < 3000; i++) {
        memcpy(copy, text, len);

        for (k = 0; k < 1 + i % 3; k++) {
            seed = seed * 1103515245 + 12345;
            pos = (seed >> 8) % len;
            seed = seed * 1103515245 + 12345;
            copy[pos] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
        }

        put_file(path_in(dir, "s.json"), copy, len);

        memset(&c, 0, sizeof(c));

        rc = catalog_state_read(path_in(dir, "s.json"), collect, &c,
                                &skipped, err, sizeof(err));

        if (rc == 0) {
            assert_int_equal(c.calls + skipped, 3);

        } else {
            assert_int_equal(c.calls, 0);
        }
    }

    free(copy);
    free(text);
    cleanup(dir);
    free(dir);
}


/* the "cleared" list (with Redis) */


static void
test_state_cleared_text(void **state)
{
    char                      err[CATALOG_ERROR_LEN];
    char                     *dir, *text;
    size_t                    len;
    unsigned                  skipped;
    collect_t                 c;
    catalog_override_t        o[2];
    catalog_state_entry_t     e[2];
    catalog_state_cleared_t   cl[2];

    (void) state;

    dir = tmpdir();

    override(&o[0], CATALOG_STATUS_MAINTENANCE, "Tutup\nsementara",
             1796086800, 1796000000000LL, "ops-dukcapil");
    override(&o[1], CATALOG_STATUS_ACTIVE, "", 0, 1796000001000LL, "");

    e[0].key = "dukcapil/ktp";
    e[0].key_len = 12;
    e[0].override = &o[0];
    e[1].key = "kemenkes/vaksin";
    e[1].key_len = 15;
    e[1].override = &o[1];

    /* to the millisecond; no name is null */

    clear_entry(&cl[0], "bpjs/klaim", 1796000000123LL, "ops-bpjs");
    clear_entry(&cl[1], "kemenkes/obat", 1577836800005LL, NULL);

    assert_int_equal(catalog_state_write_all(path_in(dir, "state.json"), e,
                                             2, cl, 2, err, sizeof(err)), 0);

    assert_false(exists(path_in(dir, "state.json.tmp")));

    text = get_file(path_in(dir, "state.json"), &len);

    assert_string_equal(text,
        "{\n"
        "  \"version\": 1,\n"
        "  \"overrides\": [\n"
        "    {\n"
        "      \"service\": \"dukcapil/ktp\",\n"
        "      \"status\": \"maintenance\",\n"
        "      \"message\": \"Tutup\\nsementara\",\n"
        "      \"until\": \"2026-12-01T01:00:00Z\",\n"
        "      \"updated_at\": \"2026-11-30T00:53:20.000Z\",\n"
        "      \"updated_by\": \"ops-dukcapil\"\n"
        "    },\n"
        "    {\n"
        "      \"service\": \"kemenkes/vaksin\",\n"
        "      \"status\": \"active\",\n"
        "      \"message\": null,\n"
        "      \"until\": null,\n"
        "      \"updated_at\": \"2026-11-30T00:53:21.000Z\",\n"
        "      \"updated_by\": null\n"
        "    }\n"
        "  ],\n"
        "  \"cleared\": [\n"
        "    {\n"
        "      \"service\": \"bpjs/klaim\",\n"
        "      \"updated_at\": \"2026-11-30T00:53:20.123Z\",\n"
        "      \"updated_by\": \"ops-bpjs\"\n"
        "    },\n"
        "    {\n"
        "      \"service\": \"kemenkes/obat\",\n"
        "      \"updated_at\": \"2020-01-01T00:00:00.005Z\",\n"
        "      \"updated_by\": null\n"
        "    }\n"
        "  ]\n"
        "}\n");

    free(text);

    /* read back: the overrides through each(), the rest through cleared() */

    memset(&c, 0, sizeof(c));
    skipped = 77;
    strcpy(err, "old");

    assert_int_equal(catalog_state_read_all(path_in(dir, "state.json"),
                                            collect, collect_cleared, &c,
                                            &skipped, err, sizeof(err)),
                     0);
    assert_int_equal(skipped, 0);
    assert_string_equal(err, "");

    assert_int_equal(c.calls, 2);
    assert_string_equal(c.seen[0].key, "dukcapil/ktp");
    assert_int_equal(c.seen[0].o.status, CATALOG_STATUS_MAINTENANCE);
    assert_string_equal(c.seen[0].o.message, "Tutup\nsementara");
    assert_int_equal(c.seen[0].o.until, 1796086800);
    assert_int_equal(c.seen[0].o.updated_at, 1796000000000LL);
    assert_string_equal(c.seen[0].o.updated_by, "ops-dukcapil");
    assert_string_equal(c.seen[1].key, "kemenkes/vaksin");
    assert_int_equal(c.seen[1].o.status, CATALOG_STATUS_ACTIVE);
    assert_int_equal(c.seen[1].o.updated_at, 1796000001000LL);
    assert_int_equal(c.seen[1].o.updated_by_len, 0);

    assert_int_equal(c.ncleared, 2);
    assert_string_equal(c.cleared[0].key, "bpjs/klaim");
    assert_int_equal(c.cleared[0].updated_at, 1796000000123LL);
    assert_int_equal(c.cleared[0].updated_by_len, 8);
    assert_string_equal(c.cleared[0].updated_by, "ops-bpjs");
    assert_string_equal(c.cleared[1].key, "kemenkes/obat");
    assert_int_equal(c.cleared[1].updated_at, 1577836800005LL);
    assert_int_equal(c.cleared[1].updated_by_len, 0);
    assert_string_equal(c.cleared[1].updated_by, "");

    /* skipped may be NULL */

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read_all(path_in(dir, "state.json"),
                                            collect, collect_cleared, &c,
                                            NULL, err, sizeof(err)), 0);
    assert_int_equal(c.calls, 2);
    assert_int_equal(c.ncleared, 2);

    /* cleared entries without overrides */

    assert_int_equal(catalog_state_write_all(path_in(dir, "state.json"),
                                             NULL, 0, cl, 1, err,
                                             sizeof(err)), 0);

    text = get_file(path_in(dir, "state.json"), &len);

    assert_string_equal(text,
        "{\n"
        "  \"version\": 1,\n"
        "  \"overrides\": [],\n"
        "  \"cleared\": [\n"
        "    {\n"
        "      \"service\": \"bpjs/klaim\",\n"
        "      \"updated_at\": \"2026-11-30T00:53:20.123Z\",\n"
        "      \"updated_by\": \"ops-bpjs\"\n"
        "    }\n"
        "  ]\n"
        "}\n");

    free(text);

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read_all(path_in(dir, "state.json"),
                                            collect, collect_cleared, &c,
                                            &skipped, err, sizeof(err)),
                     0);
    assert_int_equal(c.calls, 0);
    assert_int_equal(c.ncleared, 1);
    assert_int_equal(skipped, 0);

    cleanup(dir);
    free(dir);
}


static void
test_state_cleared_none(void **state)
{
    char                      err[CATALOG_ERROR_LEN];
    char                     *dir, *text, *plain;
    size_t                    len, plen;
    catalog_override_t        o;
    catalog_state_entry_t     e;
    catalog_state_cleared_t   cl;

    (void) state;

    /* nc == 0: no "cleared" key, the text of catalog_state_write() */

    dir = tmpdir();

    override(&o, CATALOG_STATUS_MAINTENANCE, "x", 1796086800,
             1796000000000LL, "ops");
    e.key = "a/b";
    e.key_len = 3;
    e.override = &o;

    clear_entry(&cl, "c/d", 1796000000123LL, "ops");

    assert_int_equal(catalog_state_write(path_in(dir, "plain.json"), &e, 1,
                                         err, sizeof(err)), 0);
    plain = get_file(path_in(dir, "plain.json"), &plen);

    assert_null(strstr(plain, "cleared"));

    assert_int_equal(catalog_state_write_all(path_in(dir, "s.json"), &e, 1,
                                             &cl, 0, err, sizeof(err)), 0);
    text = get_file(path_in(dir, "s.json"), &len);
    assert_string_equal(text, plain);
    free(text);

    assert_int_equal(catalog_state_write_all(path_in(dir, "s.json"), &e, 1,
                                             NULL, 0, err, sizeof(err)), 0);
    text = get_file(path_in(dir, "s.json"), &len);
    assert_string_equal(text, plain);
    free(text);

    assert_int_equal(catalog_state_write_all(path_in(dir, "s.json"), NULL, 0,
                                             NULL, 0, err, sizeof(err)), 0);
    text = get_file(path_in(dir, "s.json"), &len);
    assert_string_equal(text, "{\n  \"version\": 1,\n  \"overrides\": []\n}\n");
    free(text);

    assert_false(exists(path_in(dir, "s.json.tmp")));

    free(plain);
    cleanup(dir);
    free(dir);
}


static void
test_state_cleared_read(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    char        *dir;
    unsigned     skipped;
    collect_t    c;
    const char  *text;

    (void) state;

    dir = tmpdir();

    /* another offset and four digits of a fraction: the first three kept */

    text = "{\"version\": 1, \"overrides\": ["
           "{\"service\": \"a/b\", \"status\": \"maintenance\", "
           "\"message\": \"x\", \"updated_at\": \"2026-11-30T10:00:00Z\"}], "
           "\"cleared\": ["
           "{\"service\": \"c/d\", "
           "\"updated_at\": \"2026-11-30T07:53:20.1239+07:00\", "
           "\"updated_by\": \"ops\"}, "
           "{\"updated_by\": null, \"updated_at\": \"2020-01-01T00:00:00Z\", "
           "\"service\": \"e/f\"}, "
           "{\"service\": \"g/h\", \"updated_at\": \"2020-01-01T00:00:00.5Z\", "
           "\"updated_by\": \"\"}]}";

    put_file(path_in(dir, "s.json"), text, strlen(text));

    /* the old reader: the overrides applied, the list read and ignored */

    memset(&c, 0, sizeof(c));
    skipped = 77;
    strcpy(err, "old");

    assert_int_equal(catalog_state_read(path_in(dir, "s.json"), collect, &c,
                                        &skipped, err, sizeof(err)), 0);
    assert_int_equal(skipped, 0);
    assert_string_equal(err, "");
    assert_int_equal(c.calls, 1);
    assert_string_equal(c.seen[0].key, "a/b");
    assert_string_equal(c.seen[0].o.message, "x");
    assert_int_equal(c.ncleared, 0);

    /* and with cleared() */

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read_all(path_in(dir, "s.json"), collect,
                                            collect_cleared, &c, &skipped,
                                            err, sizeof(err)), 0);
    assert_int_equal(skipped, 0);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.ncleared, 3);
    assert_string_equal(c.cleared[0].key, "c/d");
    assert_int_equal(c.cleared[0].updated_at, 1796000000123LL);
    assert_string_equal(c.cleared[0].updated_by, "ops");
    assert_string_equal(c.cleared[1].key, "e/f");
    assert_int_equal(c.cleared[1].updated_at, 1577836800000LL);
    assert_int_equal(c.cleared[1].updated_by_len, 0);
    assert_string_equal(c.cleared[2].key, "g/h");
    assert_int_equal(c.cleared[2].updated_at, 1577836800500LL);
    assert_int_equal(c.cleared[2].updated_by_len, 0);

    /* an empty list */

    text = "{\"version\": 1, \"overrides\": [], \"cleared\": []}";
    put_file(path_in(dir, "s.json"), text, strlen(text));

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read_all(path_in(dir, "s.json"), collect,
                                            collect_cleared, &c, &skipped,
                                            err, sizeof(err)), 0);
    assert_int_equal(skipped, 0);
    assert_int_equal(c.calls, 0);
    assert_int_equal(c.ncleared, 0);

    /* the old reader checks the list all the same: a broken entry counts */

    text = "{\"version\": 1, \"overrides\": [], \"cleared\": [7]}";
    put_file(path_in(dir, "s.json"), text, strlen(text));

    assert_int_equal(catalog_state_read(path_in(dir, "s.json"), collect, &c,
                                        &skipped, err, sizeof(err)), 0);
    assert_int_equal(skipped, 1);
    assert_string_equal(err, fmt("state file \"%s\": cleared[0]: skipped: "
                                 "must be an object",
                                 path_in(dir, "s.json")));

    cleanup(dir);
    free(dir);
}


static void
test_state_cleared_skip_reasons(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    char        *dir;
    const char  *text;
    size_t       i;
    unsigned     skipped;
    collect_t    c;

#define SV  "\"service\": \"x/y\""
#define AT  "\"updated_at\": \"2026-11-30T10:00:00Z\""

    static const skip_case_t  cases[] = {
        { "null", "must be an object" },
        { "[]", "must be an object" },
        { "7", "must be an object" },
        { "\"x/y\"", "must be an object" },
        { "{" SV ", " AT ", \"status\": \"active\"}",
          "unknown key \"status\"" },
        { "{" SV ", " AT ", \"message\": null}", "unknown key \"message\"" },
        { "{" SV ", " AT ", \"x\\u0001\": 1}", "unknown key \"x\\x01\"" },
        { "{" AT "}", "\"service\" is required" },
        { "{\"service\": null, " AT "}", "\"service\" is required" },
        { "{\"service\": 7, " AT "}", "\"service\" must be a string" },
        { "{\"service\": \"\", " AT "}", "invalid service \"\"" },
        { "{\"service\": \"xy\", " AT "}", "invalid service \"xy\"" },
        { "{\"service\": \"x/Y\", " AT "}", "invalid service \"x/Y\"" },
        { "{\"service\": \"x/y/z\", " AT "}", "invalid service \"x/y/z\"" },
        { "{\"service\": \"x/y\\n\", " AT "}",
          "invalid service \"x/y\\x0a\"" },
        { "{" SV "}", "\"updated_at\" is required" },
        { "{" SV ", \"updated_at\": null}", "\"updated_at\" is required" },
        { "{" SV ", \"updated_at\": \"\"}", "\"updated_at\" is required" },
        { "{" SV ", \"updated_at\": 1796000000}",
          "\"updated_at\" must be a string" },
        { "{" SV ", \"updated_at\": \"yesterday\"}",
          "invalid \"updated_at\" \"yesterday\"" },
        { "{" SV ", \"updated_at\": \"2026-02-29T00:00:00Z\"}",
          "invalid \"updated_at\" \"2026-02-29T00:00:00Z\"" },
        { "{" SV ", \"updated_at\": \"2026-11-30T10:00:60Z\"}",
          "invalid \"updated_at\" \"2026-11-30T10:00:60Z\"" },
        { "{" SV ", " AT ", \"updated_by\": 5}",
          "\"updated_by\" must be a string" },
        { "{" SV ", " AT ", \"updated_by\": \"a b\"}",
          "invalid \"updated_by\" \"a b\"" },
        { "{" SV ", " AT ", \"updated_by\": \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
          "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"}",
          "invalid \"updated_by\" \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
          "nnnnnnnnnnnnnnnnnnnnnnnnnn...\"" },
    };

    (void) state;

    /* a broken entry between two good ones, which are still delivered */

    dir = tmpdir();

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        text = fmt("{\"version\": 1, \"overrides\": [{\"service\": \"a/b\", "
                   "\"status\": \"active\", " AT "}], \"cleared\": ["
                   "{\"service\": \"c/d\", " AT "}, %s, "
                   "{\"service\": \"e/f\", " AT ", \"updated_by\": null}]}",
                   cases[i].entry);
        put_file(path_in(dir, "s.json"), text, strlen(text));

        memset(&c, 0, sizeof(c));

        assert_int_equal(catalog_state_read_all(path_in(dir, "s.json"),
                                                collect, collect_cleared, &c,
                                                &skipped, err, sizeof(err)),
                         0);

        assert_int_equal(c.calls, 1);
        assert_int_equal(c.ncleared, 2);
        assert_string_equal(c.cleared[0].key, "c/d");
        assert_string_equal(c.cleared[1].key, "e/f");
        assert_int_equal(skipped, 1);
        assert_string_equal(err, fmt("state file \"%s\": cleared[1]: "
                                     "skipped: %s", path_in(dir, "s.json"),
                                     cases[i].reason));
    }

    /* the first skipped entry is described, in overrides or in cleared */

    text = "{\"version\": 1, \"overrides\": [], \"cleared\": [{" SV ", " AT
           "}, null, {" SV "}, {" SV ", " AT "}]}";
    put_file(path_in(dir, "s.json"), text, strlen(text));

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read_all(path_in(dir, "s.json"), collect,
                                            collect_cleared, &c, &skipped,
                                            err, sizeof(err)), 0);
    assert_int_equal(c.ncleared, 2);
    assert_int_equal(skipped, 2);
    assert_string_equal(err, fmt("state file \"%s\": cleared[1]: skipped: "
                                 "must be an object",
                                 path_in(dir, "s.json")));

    text = "{\"version\": 1, \"overrides\": [{" SV "}], \"cleared\": [{" SV
           "}]}";
    put_file(path_in(dir, "s.json"), text, strlen(text));

    memset(&c, 0, sizeof(c));

    assert_int_equal(catalog_state_read_all(path_in(dir, "s.json"), collect,
                                            collect_cleared, &c, &skipped,
                                            err, sizeof(err)), 0);
    assert_int_equal(c.calls, 0);
    assert_int_equal(c.ncleared, 0);
    assert_int_equal(skipped, 2);
    assert_string_equal(err, fmt("state file \"%s\": overrides[0]: skipped: "
                                 "\"status\" is required",
                                 path_in(dir, "s.json")));

#undef SV
#undef AT

    cleanup(dir);
    free(dir);
}


static void
test_state_cleared_fails(void **state)
{
    char         err[CATALOG_ERROR_LEN];
    char        *dir;
    unsigned     skipped;
    collect_t    c;
    const char  *text;

    (void) state;

    /* the caller stops the reading: -1, and nothing after is called */

    dir = tmpdir();

#define AT  "\"updated_at\": \"2026-11-30T10:00:00Z\""

    text = "{\"version\": 1, \"overrides\": ["
           "{\"service\": \"a/b\", \"status\": \"active\", " AT "}, "
           "{\"service\": \"c/d\", \"status\": \"active\", " AT "}], "
           "\"cleared\": ["
           "{\"service\": \"e/f\", " AT "}, "
           "{\"service\": \"E/F\", " AT "}, "
           "{\"service\": \"g/h\", " AT "}, "
           "{\"service\": \"i/j\", " AT "}]}";

#undef AT

    put_file(path_in(dir, "s.json"), text, strlen(text));

    memset(&c, 0, sizeof(c));
    c.cleared_fail_at = 2;

    assert_int_equal(catalog_state_read_all(path_in(dir, "s.json"), collect,
                                            collect_cleared, &c, &skipped,
                                            err, sizeof(err)), -1);
    assert_int_equal(c.calls, 2);
    assert_int_equal(c.ncleared, 2);
    assert_string_equal(c.cleared[1].key, "g/h");
    assert_string_equal(err, fmt("state file \"%s\": cleared[2]: cannot be "
                                 "applied", path_in(dir, "s.json")));

    /* each() failing comes first: cleared() is not called */

    memset(&c, 0, sizeof(c));
    c.fail_at = 1;

    assert_int_equal(catalog_state_read_all(path_in(dir, "s.json"), collect,
                                            collect_cleared, &c, &skipped,
                                            err, sizeof(err)), -1);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.ncleared, 0);
    assert_string_equal(err, fmt("state file \"%s\": overrides[0] "
                                 "(\"a/b\"): cannot be applied",
                                 path_in(dir, "s.json")));

    cleanup(dir);
    free(dir);
}


static void
test_state_cleared_write_invalid(void **state)
{
    char                      err[CATALOG_ERROR_LEN];
    char                     *dir, *old, *text;
    size_t                    len;
    catalog_override_t        o;
    catalog_state_entry_t     e;
    catalog_state_cleared_t   cl[2];
    char                      name[CATALOG_TOKEN_NAME_MAX + 2];

    (void) state;

    dir = tmpdir();

    override(&o, CATALOG_STATUS_ACTIVE, "", 0, 1796000000000LL, "");
    e.key = "a/b";
    e.key_len = 3;
    e.override = &o;

    clear_entry(&cl[0], "c/d", 1796000000123LL, "ops");
    clear_entry(&cl[1], "e/f", 1796000000456LL, NULL);

    assert_int_equal(catalog_state_write_all(path_in(dir, "s.json"), &e, 1,
                                             cl, 1, err, sizeof(err)), 0);
    old = get_file(path_in(dir, "s.json"), &len);

    memset(name, 'n', sizeof(name));

    /* what could not be read back is not written: the old file stays */

#define REFUSED(msg)                                                          \
    assert_int_equal(catalog_state_write_all(path_in(dir, "s.json"), &e, 1,   \
                                             cl, 2, err, sizeof(err)), -1);   \
    assert_string_equal(err, fmt("state file \"%s\": " msg,                   \
                                 path_in(dir, "s.json")));                    \
    text = get_file(path_in(dir, "s.json"), &len);                            \
    assert_string_equal(text, old);                                           \
    free(text);                                                               \
    assert_false(exists(path_in(dir, "s.json.tmp")))

    cl[0].key = "c/D";
    REFUSED("cleared[0]: invalid entry");

    cl[0].key = "cd/";
    REFUSED("cleared[0]: invalid entry");

    cl[0].key = "c/d/";
    cl[0].key_len = 4;
    REFUSED("cleared[0]: invalid entry");

    cl[0].key = "c/d";
    cl[0].key_len = 2;
    REFUSED("cleared[0]: invalid entry");

    cl[0].key = NULL;
    cl[0].key_len = 3;
    REFUSED("cleared[0]: invalid entry");

    cl[0].key = "c/d";
    cl[1].updated_by = name;
    cl[1].updated_by_len = CATALOG_TOKEN_NAME_MAX + 1;
    REFUSED("cleared[1]: invalid entry");

    cl[1].updated_by = "\xff";
    cl[1].updated_by_len = 1;
    REFUSED("cleared[1]: invalid UTF-8 or out of memory");

    /* a bad override is named first */

    e.key = "A/b";
    cl[1].key = "E/f";
    REFUSED("overrides[0]: invalid service key");

#undef REFUSED

    free(old);

    /* fixed, the write goes through; a name of the longest length */

    e.key = "a/b";
    cl[1].key = "e/f";
    cl[1].updated_by = name;
    cl[1].updated_by_len = CATALOG_TOKEN_NAME_MAX;

    assert_int_equal(catalog_state_write_all(path_in(dir, "s.json"), &e, 1,
                                             cl, 2, err, sizeof(err)), 0);
    text = get_file(path_in(dir, "s.json"), &len);
    assert_non_null(strstr(text, "\"service\": \"e/f\""));
    free(text);

    cleanup(dir);
    free(dir);
}


static void
test_state_cleared_hostile(void **state)
{
    int                       rc;
    char                      err[CATALOG_ERROR_LEN];
    char                     *dir, *text, *copy;
    size_t                    len, n, i, k, pos;
    uint32_t                  seed;
    unsigned                  skipped;
    collect_t                 c;
    catalog_override_t        o[2];
    catalog_state_entry_t     e[2];
    catalog_state_cleared_t   cl[2];
    const char                bytes[] = "\"{}[]:,\\ 0aZ.-+/tT\x01\xc3\xff\x80";

    (void) state;

    /*
     * a file with both lists, cut at every byte or with bytes changed:
     * damaged, and nothing called, or every entry delivered or skipped
     */

    dir = tmpdir();

    override(&o[0], CATALOG_STATUS_MAINTENANCE, "Tutup", 1796086800,
             1796000000000LL, "ops");
    override(&o[1], CATALOG_STATUS_ACTIVE, "", 0, 1796000001000LL, "");

    e[0].key = "a/b";
    e[0].key_len = 3;
    e[0].override = &o[0];
    e[1].key = "c/d";
    e[1].key_len = 3;
    e[1].override = &o[1];

    clear_entry(&cl[0], "e/f", 1796000000123LL, "ops");
    clear_entry(&cl[1], "g/h", 1796000000456LL, NULL);

    assert_int_equal(catalog_state_write_all(path_in(dir, "w.json"), e, 2,
                                             cl, 2, err, sizeof(err)), 0);
    text = get_file(path_in(dir, "w.json"), &len);

    for (n = 0; n <= len; n++) {
        put_file(path_in(dir, "s.json"), text, n);

        memset(&c, 0, sizeof(c));

        rc = catalog_state_read_all(path_in(dir, "s.json"), collect,
                                    collect_cleared, &c, &skipped, err,
                                    sizeof(err));

        if (n >= len - 1) {
            assert_int_equal(rc, 0);
            assert_int_equal(c.calls, 2);
            assert_int_equal(c.ncleared, 2);

        } else {
            assert_int_equal(rc, -1);
            assert_int_equal(c.calls, 0);
            assert_int_equal(c.ncleared, 0);
            assert_true(strncmp(err, "state file \"", 12) == 0);
        }
    }

    copy = malloc(len);
    assert_non_null(copy);

    seed = 1970;

    for (i = 0; i < 3000; i++) {
        memcpy(copy, text, len);

        for (k = 0; k < 1 + i % 3; k++) {
            seed = seed * 1103515245 + 12345;
            pos = (seed >> 8) % len;
            seed = seed * 1103515245 + 12345;
            copy[pos] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
        }

        put_file(path_in(dir, "s.json"), copy, len);

        memset(&c, 0, sizeof(c));

        rc = catalog_state_read_all(path_in(dir, "s.json"), collect,
                                    collect_cleared, &c, &skipped, err,
                                    sizeof(err));

        if (rc == 0) {
            assert_int_equal(c.calls + c.ncleared + skipped, 4);

        } else {
            assert_int_equal(c.calls, 0);
            assert_int_equal(c.ncleared, 0);
        }
    }

    free(copy);
    free(text);
    cleanup(dir);
    free(dir);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_state_round_trip),
        cmocka_unit_test(test_state_text),
        cmocka_unit_test(test_state_fixture),
        cmocka_unit_test(test_state_missing),
        cmocka_unit_test(test_state_truncated),
        cmocka_unit_test(test_state_every_prefix),
        cmocka_unit_test(test_state_garbage),
        cmocka_unit_test(test_state_shapes),
        cmocka_unit_test(test_state_not_regular),
        cmocka_unit_test(test_state_mixed),
        cmocka_unit_test(test_state_skip_reasons),
        cmocka_unit_test(test_state_message_limit),
        cmocka_unit_test(test_state_each_fails),
        cmocka_unit_test(test_state_duplicate),
        cmocka_unit_test(test_state_active_plain),
        cmocka_unit_test(test_state_write_errors),
        cmocka_unit_test(test_state_unwritable_dir),
        cmocka_unit_test(test_state_write_late_errors),
        cmocka_unit_test(test_state_write_invalid),
        cmocka_unit_test(test_state_error_buffer),
        cmocka_unit_test(test_state_hostile_mutations),
        cmocka_unit_test(test_state_cleared_text),
        cmocka_unit_test(test_state_cleared_none),
        cmocka_unit_test(test_state_cleared_read),
        cmocka_unit_test(test_state_cleared_skip_reasons),
        cmocka_unit_test(test_state_cleared_fails),
        cmocka_unit_test(test_state_cleared_write_invalid),
        cmocka_unit_test(test_state_cleared_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
