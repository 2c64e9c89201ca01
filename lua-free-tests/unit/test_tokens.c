
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * The tokens file and the token check (catalog_tokens.c): every rule and
 * its exact message, the files in tokens/, reading errors, the check
 * finding the right entry among many, and byte flips of a valid file.
 *
 * The inline files are written with single quotes, which parse() turns
 * into double quotes.  The hashes are those of the test-only tokens in
 * tokens/README.
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
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catalog_admin.h>

#include "unit.h"


#define F  "tokens file \"t.json\": "

#define H_OPS   "5b6ad743944d206011a40dbf33d6aa29" \
                "c7ea6c99378a9c7005fbce51156cba66"
#define H_ROOT  "9143f1e7a5d04bb6d27b1748ceb49a23" \
                "3bd9ff2c687afb3c2a5ea4506256aac5"
#define H_KMK   "8a10294b3e6b6c453c659c7e9c16ca67" \
                "b1075e016a52c9a9d71f5691c43aba22"

/* a file of one entry with these keys */
#define ONE(keys)  "{'tokens': [{" keys "}]}"

#define E_SHA      "'sha256': '" H_OPS "'"
#define E_AGENCY   "'agency': 'dukcapil'"
#define E_NAME     "'name': 'ops-dukcapil'"

/* one entry: a hash, an agency, a name, one of them replaced */
#define WITH_SHA(v)     ONE("'sha256': " v ", " E_AGENCY ", " E_NAME)
#define WITH_AGENCY(v)  ONE(E_SHA ", 'agency': " v ", " E_NAME)
#define WITH_NAME(v)    ONE(E_SHA ", " E_AGENCY ", 'name': " v)

#define SHA_RULE   "must be 64 hexadecimal digits, the SHA-256 of the " \
                   "token (never the token itself)"
#define AGENCY_RULE  "must be \"*\" or match ^[a-z0-9][a-z0-9-]{0,62}$"
#define NAME_RULE  "must have only letters, digits, \".\", \"_\" and \"-\""


static int parse(catalog_tokens_t *t, const char *sq, char *err,
    size_t errlen);
static void expect_error(const char *sq, const char *msg);
static void expect_valid(const char *sq, unsigned n);
static const char *fixture(const char *name);
static char *tmpdir(void);
static const char *rep(char c, size_t n);
static const char *fmt(const char *f, ...);
static void hex(const char *token, char *out);


/* helpers */


static int
parse(catalog_tokens_t *t, const char *sq, char *err, size_t errlen)
{
    int     rc;
    char   *buf;
    size_t  len;

    buf = unit_json(sq, &len, 0);

    rc = catalog_tokens_parse(t, "t.json", buf, len, err, errlen);

    free(buf);

    return rc;
}


static void
expect_error(const char *sq, const char *msg)
{
    char              err[CATALOG_ERROR_LEN];
    catalog_tokens_t  t;

    err[0] = '\0';

    if (parse(&t, sq, err, sizeof(err)) == 0) {
        print_error("accepted: %s\n", sq);
        fail();
    }

    assert_string_equal(err, msg);

    /* nothing is left, and freeing again is harmless */

    assert_int_equal(t.ntokens, 0);
    assert_null(t.tokens);
    assert_int_equal(t.arena.total, 0);

    catalog_tokens_free(&t);
}


static void
expect_valid(const char *sq, unsigned n)
{
    char              err[CATALOG_ERROR_LEN];
    catalog_tokens_t  t;

    err[0] = '\0';

    if (parse(&t, sq, err, sizeof(err)) != 0) {
        print_error("refused: %s\n%s\n", sq, err);
        fail();
    }

    assert_int_equal(t.ntokens, n);

    catalog_tokens_free(&t);
}


static const char *
fixture(const char *name)
{
    static char   buf[4][1024];
    static int    n;
    char         *p;
    const char   *file, *slash;

    /* the tokens/ folder beside this file */

    p = buf[n++ % 4];

    file = __FILE__;
    slash = strrchr(file, '/');

    if (slash) {
        snprintf(p, sizeof(buf[0]), "%.*s/tokens/%s",
                 (int) (slash - file), file, name);

    } else {
        snprintf(p, sizeof(buf[0]), "tokens/%s", name);
    }

    return p;
}


static char *
tmpdir(void)
{
    char  *dir;

    dir = strdup("/tmp/catalog-tokens-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));

    return dir;
}


static const char *
rep(char c, size_t n)
{
    static char  buf[4][16384];
    static int   k;
    char        *p;

    assert_true(n < sizeof(buf[0]));

    p = buf[k++ % 4];
    memset(p, c, n);
    p[n] = '\0';

    return p;
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
hex(const char *token, char *out)
{
    size_t   i;
    uint8_t  h[CATALOG_SHA256_LEN];

    catalog_sha256(token, strlen(token), h);

    for (i = 0; i < CATALOG_SHA256_LEN; i++) {
        snprintf(out + 2 * i, 3, "%02x", h[i]);
    }
}


/* the file */


static void
test_tokens_fixture(void **state)
{
    char                    err[CATALOG_ERROR_LEN];
    const catalog_token_t  *tok;
    catalog_tokens_t        t;
    uint8_t                 h[CATALOG_SHA256_LEN];

    (void) state;

    assert_int_equal(catalog_tokens_load(&t, fixture("valid.json"), err,
                                         sizeof(err)), 0);
    assert_int_equal(t.ntokens, 3);

    assert_string_equal(t.tokens[0].agency.data, "dukcapil");
    assert_int_equal(t.tokens[0].agency.len, 8);
    assert_string_equal(t.tokens[0].name.data, "ops-dukcapil");
    assert_int_equal(t.tokens[0].name.len, 12);

    catalog_sha256("token-ops-dukcapil", 18, h);
    assert_memory_equal(t.tokens[0].sha256, h, CATALOG_SHA256_LEN);

    assert_string_equal(t.tokens[1].agency.data, "*");
    assert_string_equal(t.tokens[1].name.data, "root.catalog");

    /* the third hash is in uppercase */

    assert_string_equal(t.tokens[2].agency.data, "kemenkes");
    assert_string_equal(t.tokens[2].name.data, "Ops_Kemenkes-1");

    catalog_sha256("token-kemenkes-1", 16, h);
    assert_memory_equal(t.tokens[2].sha256, h, CATALOG_SHA256_LEN);

    tok = catalog_tokens_check(&t, "token-root", 10);
    assert_ptr_equal(tok, &t.tokens[1]);

    tok = catalog_tokens_check(&t, "token-kemenkes-1", 16);
    assert_ptr_equal(tok, &t.tokens[2]);

    catalog_tokens_free(&t);
    catalog_tokens_free(&t);
}


static void
test_tokens_bom_empty(void **state)
{
    char              err[CATALOG_ERROR_LEN];
    catalog_tokens_t  t;

    (void) state;

    /* a byte order mark is skipped; no tokens is valid: every try fails */

    assert_int_equal(catalog_tokens_load(&t, fixture("bom-empty.json"), err,
                                         sizeof(err)), 0);
    assert_int_equal(t.ntokens, 0);
    assert_null(catalog_tokens_check(&t, "token-root", 10));

    catalog_tokens_free(&t);
}


static void
test_tokens_syntax_error(void **state)
{
    char              err[CATALOG_ERROR_LEN];
    const char       *name;
    catalog_tokens_t  t;

    (void) state;

    name = fixture("syntax-error.json");

    assert_int_equal(catalog_tokens_load(&t, name, err, sizeof(err)), -1);
    assert_string_equal(err, fmt("tokens file \"%s\": line 7, column 9: "
                                 "invalid JSON: string or '}' expected "
                                 "near '}'", name));
    assert_int_equal(t.ntokens, 0);
}


static void
test_tokens_missing_file(void **state)
{
    char              err[CATALOG_ERROR_LEN];
    catalog_tokens_t  t;

    (void) state;

    assert_int_equal(catalog_tokens_load(&t, "/nonexistent/tokens.json",
                                         err, sizeof(err)), -1);
    assert_string_equal(err, "tokens file \"/nonexistent/tokens.json\": "
                             "cannot read: No such file or directory");
    assert_int_equal(t.ntokens, 0);

    /* a read error root gets too */

    assert_int_equal(catalog_tokens_load(&t, fixture("valid.json/x"),
                                         err, sizeof(err)), -1);
    assert_string_equal(err, fmt("tokens file \"%s\": cannot read: "
                                 "Not a directory", fixture("valid.json/x")));
}


static void
test_tokens_not_regular(void **state)
{
    char              err[CATALOG_ERROR_LEN], path[256];
    char             *dir;
    catalog_tokens_t  t;

    (void) state;

    dir = tmpdir();

    /* a directory, and a FIFO, which must not block */

    assert_int_equal(catalog_tokens_load(&t, dir, err, sizeof(err)), -1);
    assert_string_equal(err, fmt("tokens file \"%s\": is not a regular file",
                                 dir));

    snprintf(path, sizeof(path), "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);

    assert_int_equal(catalog_tokens_load(&t, path, err, sizeof(err)), -1);
    assert_string_equal(err, fmt("tokens file \"%s\": is not a regular file",
                                 path));

    unlink(path);
    rmdir(dir);
    free(dir);
}


static void
test_tokens_too_large(void **state)
{
    int               fd;
    char              err[CATALOG_ERROR_LEN], path[256];
    char             *dir;
    catalog_tokens_t  t;

    (void) state;

    dir = tmpdir();

    /* a sparse file one byte over 16 MiB: refused before reading it */

    snprintf(path, sizeof(path), "%s/big.json", dir);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd != -1);
    assert_int_equal(ftruncate(fd, 16 * 1024 * 1024 + 1), 0);
    close(fd);

    assert_int_equal(catalog_tokens_load(&t, path, err, sizeof(err)), -1);
    assert_string_equal(err, fmt("tokens file \"%s\": is larger than "
                                 "16777216 bytes", path));

    unlink(path);
    rmdir(dir);
    free(dir);
}


static void
test_tokens_unreadable(void **state)
{
    int               fd, status;
    char              err[CATALOG_ERROR_LEN], path[256];
    char             *dir;
    pid_t             pid;
    catalog_tokens_t  t;

    (void) state;

    dir = tmpdir();
    assert_int_equal(chmod(dir, 0755), 0);

    snprintf(path, sizeof(path), "%s/secret.json", dir);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd != -1);
    close(fd);
    assert_int_equal(chmod(path, 0000), 0);

    /* root reads anything: the load runs as "nobody" then */

    pid = fork();
    assert_true(pid != -1);

    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
            _exit(3);
        }

        if (catalog_tokens_load(&t, path, err, sizeof(err)) != -1) {
            _exit(1);
        }

        if (strcmp(err, fmt("tokens file \"%s\": cannot read: "
                            "Permission denied", path))
            != 0)
        {
            fprintf(stderr, "%s\n", err);
            _exit(2);
        }

        _exit(0);
    }

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    unlink(path);
    rmdir(dir);
    free(dir);
}


static void
test_tokens_invalid_json(void **state)
{
    (void) state;

    expect_error("", F "line 1, column 0: invalid JSON: '[' or '{' "
                 "expected near end of file");
    expect_error("{'tokens': [", F "line 1, column 12: invalid JSON: "
                 "']' expected near end of file");
    expect_error("{'tokens': []} x", F "line 1, column 16: invalid JSON: "
                 "end of file expected near 'x'");

    /* a control character in jansson's text is escaped */

    expect_error("{'tokens': [\x01]}", F "line 1, column 13: invalid JSON: "
                 "invalid token near '\\x01'");
}


static void
test_tokens_duplicate_key(void **state)
{
    (void) state;

    expect_error("{'tokens': [], 'tokens': []}",
                 F "line 1, column 23: invalid JSON: duplicate object key "
                 "near '\"tokens\"'");
    expect_error(ONE(E_SHA ", " E_AGENCY ", " E_NAME ", 'name': 'x'"),
                 F "line 1, column 143: invalid JSON: duplicate object key "
                 "near '\"name\"'");
}


static void
test_tokens_top_level(void **state)
{
    (void) state;

    expect_error("[]", F "top level: must be an object");
    expect_error("'tokens'", F "line 1, column 8: invalid JSON: '[' or '{' "
                 "expected near '\"tokens\"'");
    expect_error("{'tokens': [], 'keys': []}",
                 F "top level: unknown key \"keys\"");
    expect_error("{}", F "tokens: is required");
    expect_error("{'tokens': null}", F "tokens: is required");
    expect_error("{'tokens': {}}", F "tokens: must be an array");
    expect_error("{'tokens': '" H_OPS "'}", F "tokens: must be an array");
}


static void
test_tokens_entry_shape(void **state)
{
    (void) state;

    expect_error("{'tokens': [1]}", F "tokens[0]: must be an object");
    expect_error("{'tokens': [null]}", F "tokens[0]: must be an object");
    expect_error("{'tokens': [[]]}", F "tokens[0]: must be an object");
    expect_error(ONE(E_SHA ", " E_AGENCY ", " E_NAME ", 'token': 'abc'"),
                 F "tokens[0]: unknown key \"token\"");
    expect_error(ONE(E_SHA ", " E_AGENCY ", " E_NAME ", 'Name': 'abc'"),
                 F "tokens[0]: unknown key \"Name\"");

    /* the second entry is named */

    expect_error("{'tokens': [{" E_SHA ", " E_AGENCY ", " E_NAME "}, 7]}",
                 F "tokens[1]: must be an object");
}


static void
test_tokens_sha256(void **state)
{
    (void) state;

    expect_error(ONE(E_AGENCY ", " E_NAME), F "tokens[0].sha256: is required");
    expect_error(WITH_SHA("null"), F "tokens[0].sha256: is required");
    expect_error(WITH_SHA("42"), F "tokens[0].sha256: must be a string");
    expect_error(WITH_SHA("['" H_OPS "']"),
                 F "tokens[0].sha256: must be a string");
    expect_error(WITH_SHA("''"), F "tokens[0].sha256: " SHA_RULE);

    /* 63 and 65 digits, a non-hex digit, a space, a 0x prefix */

    expect_error(WITH_SHA("'" "5b6ad743944d206011a40dbf33d6aa29"
                          "c7ea6c99378a9c7005fbce51156cba6" "'"),
                 F "tokens[0].sha256: " SHA_RULE);
    expect_error(WITH_SHA("'" H_OPS "0'"), F "tokens[0].sha256: " SHA_RULE);
    expect_error(WITH_SHA("'" "5b6ad743944d206011a40dbf33d6aa29"
                          "c7ea6c99378a9c7005fbce51156cba6g" "'"),
                 F "tokens[0].sha256: " SHA_RULE);
    expect_error(WITH_SHA("'" "5b6ad743944d206011a40dbf33d6aa29"
                          "c7ea6c99378a9c7005fbce51156cba6 " "'"),
                 F "tokens[0].sha256: " SHA_RULE);
    expect_error(WITH_SHA("'0x" "5b6ad743944d206011a40dbf33d6aa29"
                          "c7ea6c99378a9c7005fbce51156cba" "'"),
                 F "tokens[0].sha256: " SHA_RULE);
    expect_error(WITH_SHA("'\\u0000" "5b6ad743944d206011a40dbf33d6aa29"
                          "c7ea6c99378a9c7005fbce51156cba6" "'"),
                 F "line 1, column 94: invalid JSON: \\u0000 is not "
                 "allowed without JSON_ALLOW_NUL");
}


static void
test_tokens_sha256_never_echoed(void **state)
{
    char              err[CATALOG_ERROR_LEN];
    const char       *token;
    catalog_tokens_t  t;

    (void) state;

    /* a token pasted where its hash belongs is not repeated in the error */

    token = "Zm9vYmFyLXNlY3JldC10b2tlbi1kby1ub3QtbG9nLWl0";

    assert_int_equal(parse(&t, fmt(WITH_SHA("'%s'"), token), err,
                           sizeof(err)), -1);
    assert_string_equal(err, F "tokens[0].sha256: " SHA_RULE);
    assert_null(strstr(err, "Zm9v"));
}


static void
test_tokens_duplicate_sha256(void **state)
{
    (void) state;

    /* the same hash in another case is the same hash */

    expect_error("{'tokens': [{" E_SHA ", " E_AGENCY ", " E_NAME "}, "
                 "{'sha256': '" H_ROOT "', 'agency': '*', 'name': 'root'}, "
                 "{'sha256': '" "5B6AD743944D206011A40DBF33D6AA29"
                 "C7EA6C99378A9C7005FBCE51156CBA66" "', "
                 "'agency': 'kemenkes', 'name': 'other'}]}",
                 F "tokens[2].sha256: is the same as tokens[0].sha256");
}


static void
test_tokens_agency(void **state)
{
    (void) state;

    expect_error(ONE(E_SHA ", " E_NAME), F "tokens[0].agency: is required");
    expect_error(WITH_AGENCY("null"), F "tokens[0].agency: is required");
    expect_error(WITH_AGENCY("true"), F "tokens[0].agency: must be a string");
    expect_error(WITH_AGENCY("['*']"),
                 F "tokens[0].agency: must be a string");

    expect_error(WITH_AGENCY("''"),
                 F "tokens[0].agency: invalid agency \"\": " AGENCY_RULE);
    expect_error(WITH_AGENCY("'Dukcapil'"),
                 F "tokens[0].agency: invalid agency \"Dukcapil\": "
                 AGENCY_RULE);
    expect_error(WITH_AGENCY("'-dukcapil'"),
                 F "tokens[0].agency: invalid agency \"-dukcapil\": "
                 AGENCY_RULE);
    expect_error(WITH_AGENCY("'duk capil'"),
                 F "tokens[0].agency: invalid agency \"duk capil\": "
                 AGENCY_RULE);
    expect_error(WITH_AGENCY("'dukcapil/ktp'"),
                 F "tokens[0].agency: invalid agency \"dukcapil/ktp\": "
                 AGENCY_RULE);
    expect_error(WITH_AGENCY("'**'"),
                 F "tokens[0].agency: invalid agency \"**\": " AGENCY_RULE);
    expect_error(WITH_AGENCY("' *'"),
                 F "tokens[0].agency: invalid agency \" *\": " AGENCY_RULE);
    expect_error(fmt(WITH_AGENCY("'%s'"), rep('a', 65)),
                 fmt(F "tokens[0].agency: invalid agency \"%s...\": "
                     AGENCY_RULE, rep('a', 64)));
    expect_error(WITH_AGENCY("'du\\u0001k'"),
                 F "tokens[0].agency: invalid agency \"du\\x01k\": "
                 AGENCY_RULE);
    expect_error(WITH_AGENCY("'d\\\"k'"),
                 F "tokens[0].agency: invalid agency \"d\\\"k\": "
                 AGENCY_RULE);

    expect_valid(WITH_AGENCY("'*'"), 1);
    expect_valid(WITH_AGENCY("'0'"), 1);
    expect_valid(WITH_AGENCY("'a-'"), 1);
    expect_valid(fmt(WITH_AGENCY("'%s'"), rep('a', 63)), 1);
}


static void
test_tokens_name(void **state)
{
    (void) state;

    expect_error(ONE(E_SHA ", " E_AGENCY), F "tokens[0].name: is required");
    expect_error(WITH_NAME("null"), F "tokens[0].name: is required");
    expect_error(WITH_NAME("1"), F "tokens[0].name: must be a string");
    expect_error(WITH_NAME("''"), F "tokens[0].name: must not be empty");
    expect_error(fmt(WITH_NAME("'%s'"), rep('n', 65)),
                 F "tokens[0].name: is longer than 64 bytes");

    expect_error(WITH_NAME("'ops dukcapil'"),
                 F "tokens[0].name: invalid name \"ops dukcapil\": "
                 NAME_RULE);
    expect_error(WITH_NAME("'ops/dukcapil'"),
                 F "tokens[0].name: invalid name \"ops/dukcapil\": "
                 NAME_RULE);
    expect_error(WITH_NAME("'ops\\\"x'"),
                 F "tokens[0].name: invalid name \"ops\\\"x\": " NAME_RULE);
    expect_error(WITH_NAME("'ops\\\\x'"),
                 F "tokens[0].name: invalid name \"ops\\\\x\": " NAME_RULE);
    expect_error(WITH_NAME("'ops\\nx'"),
                 F "tokens[0].name: invalid name \"ops\\x0ax\": " NAME_RULE);
    expect_error(WITH_NAME("'ops\\u001b[31m'"),
                 F "tokens[0].name: invalid name \"ops\\x1b[31m\": "
                 NAME_RULE);
    expect_error(WITH_NAME("'opérateur'"),
                 F "tokens[0].name: invalid name \"opérateur\": " NAME_RULE);
    expect_error(WITH_NAME("'ops\\u0085'"),
                 F "tokens[0].name: invalid name \"ops\\xc2\\x85\": "
                 NAME_RULE);

    expect_valid(WITH_NAME("'a'"), 1);
    expect_valid(WITH_NAME("'Ops.Dukcapil_2026-01'"), 1);
    expect_valid(fmt(WITH_NAME("'%s'"), rep('n', 64)), 1);
}


static void
test_tokens_duplicate_name(void **state)
{
    (void) state;

    /* names tell who made a change: they must be unique */

    expect_error("{'tokens': [{" E_SHA ", " E_AGENCY ", " E_NAME "}, "
                 "{'sha256': '" H_ROOT "', 'agency': '*', "
                 "'name': 'ops-dukcapil'}]}",
                 F "tokens[1].name: \"ops-dukcapil\" is the same as "
                 "tokens[0].name");

    /* names differ by case */

    expect_valid("{'tokens': [{" E_SHA ", " E_AGENCY ", " E_NAME "}, "
                 "{'sha256': '" H_ROOT "', 'agency': '*', "
                 "'name': 'OPS-dukcapil'}]}", 2);
}


static void
test_tokens_count(void **state)
{
    char              err[CATALOG_ERROR_LEN], h[2 * CATALOG_SHA256_LEN + 1];
    char             *buf, *p;
    size_t            size, i, n;
    catalog_tokens_t  t;

    (void) state;

    /* 10,000 tokens are fine, 10,001 are not */

    size = 10001 * 128 + 64;
    buf = malloc(size);
    assert_non_null(buf);

    for (n = 10000; n <= 10001; n++) {
        p = buf;
        p += sprintf(p, "{\"tokens\": [");

        for (i = 0; i < n; i++) {
            hex(fmt("token-%zu", i), h);
            p += sprintf(p, "%s{\"sha256\": \"%s\", \"agency\": \"*\", "
                         "\"name\": \"t%zu\"}", i ? "," : "", h, i);
        }

        p += sprintf(p, "]}");
        assert_true((size_t) (p - buf) < size);

        if (n == 10000) {
            assert_int_equal(catalog_tokens_parse(&t, "t.json", buf,
                                                  (size_t) (p - buf), err,
                                                  sizeof(err)), 0);
            assert_int_equal(t.ntokens, 10000);

            assert_ptr_equal(catalog_tokens_check(&t, "token-9999", 10),
                             &t.tokens[9999]);

            catalog_tokens_free(&t);

        } else {
            assert_int_equal(catalog_tokens_parse(&t, "t.json", buf,
                                                  (size_t) (p - buf), err,
                                                  sizeof(err)), -1);
            assert_string_equal(err, F "tokens: must have at most 10000 "
                                "entries");
        }
    }

    free(buf);
}


static void
test_tokens_echo(void **state)
{
    char              err[CATALOG_ERROR_LEN];
    catalog_tokens_t  t;

    (void) state;

    /* echoed keys are cut at 64 bytes */

    expect_error(ONE(E_SHA ", " E_AGENCY ", " E_NAME ", 'x': 1"),
                 F "tokens[0]: unknown key \"x\"");
    expect_error(fmt("{'tokens': [], '%s': 1}", rep('k', 100)),
                 fmt(F "top level: unknown key \"%s...\"", rep('k', 64)));

    /* control characters and quotes in a key */

    expect_error("{'tokens': [], 'a\\u0007\\\"\\\\b': 1}",
                 F "top level: unknown key \"a\\x07\\\"\\\\b\"");

    /* the file name is sanitized too */

    assert_int_equal(catalog_tokens_parse(&t, "bad\nname\"", "[]", 2, err,
                                          sizeof(err)), -1);
    assert_string_equal(err, "tokens file \"bad\\x0aname\\\"\": top level: "
                        "must be an object");
}


static void
test_tokens_error_buffer(void **state)
{
    char              err[32];
    catalog_tokens_t  t;

    (void) state;

    /* a short buffer is cut and terminated, none is left alone */

    memset(err, 'z', sizeof(err));

    assert_int_equal(catalog_tokens_parse(&t, "t.json", "[]", 2, err, 10),
                     -1);
    assert_string_equal(err, "tokens fi");
    assert_int_equal(err[10], 'z');

    assert_int_equal(catalog_tokens_parse(&t, "t.json", "[]", 2, err, 1),
                     -1);
    assert_string_equal(err, "");

    assert_int_equal(catalog_tokens_parse(&t, "t.json", "[]", 2, err, 0),
                     -1);
    assert_int_equal(catalog_tokens_parse(&t, "t.json", "[]", 2, NULL, 0),
                     -1);

    /* a long file name fills the prefix exactly */

    assert_int_equal(catalog_tokens_parse(&t, "abcd", "[]", 2, err, 20),
                     -1);
    assert_string_equal(err, "tokens file \"abcd\":");
}


/* the check */


static void
test_tokens_check_many(void **state)
{
    char                    err[CATALOG_ERROR_LEN];
    char                    h[2 * CATALOG_SHA256_LEN + 1];
    char                   *buf, *p, *tok;
    size_t                  i, len;
    catalog_tokens_t        t;
    const catalog_token_t  *found;

    (void) state;

    buf = malloc(1000 * 160 + 64);
    assert_non_null(buf);

    p = buf;
    p += sprintf(p, "{\"tokens\": [");

    for (i = 0; i < 1000; i++) {
        hex(fmt("secret-%zu-x", i), h);
        p += sprintf(p, "%s{\"sha256\": \"%s\", \"agency\": \"a%zu\", "
                     "\"name\": \"n%zu\"}", i ? "," : "", h, i % 7, i);
    }

    p += sprintf(p, "]}");

    assert_int_equal(catalog_tokens_parse(&t, "t.json", buf,
                                          (size_t) (p - buf), err,
                                          sizeof(err)), 0);
    free(buf);

    assert_int_equal(t.ntokens, 1000);

    for (i = 0; i < 1000; i++) {

        /* exactly its bytes, no NUL after them */

        len = strlen(fmt("secret-%zu-x", i));
        tok = malloc(len);
        assert_non_null(tok);
        memcpy(tok, fmt("secret-%zu-x", i), len);

        found = catalog_tokens_check(&t, tok, len);
        assert_ptr_equal(found, &t.tokens[i]);
        assert_string_equal(found->name.data, fmt("n%zu", i));

        /* one byte less, one byte more, one byte changed */

        assert_null(catalog_tokens_check(&t, tok, len - 1));

        tok[len - 1] ^= 1;
        assert_null(catalog_tokens_check(&t, tok, len));

        free(tok);
    }

    assert_null(catalog_tokens_check(&t, "secret-1000-x", 13));
    assert_null(catalog_tokens_check(&t, "secret-10-x ", 12));
    assert_null(catalog_tokens_check(&t, "SECRET-10-x", 11));

    catalog_tokens_free(&t);
}


static void
test_tokens_check_empty(void **state)
{
    char              err[CATALOG_ERROR_LEN];
    catalog_tokens_t  t;

    (void) state;

    /* the empty token never matches, even when the file has its hash */

    assert_int_equal(parse(&t, WITH_SHA("'e3b0c44298fc1c149afbf4c8996fb924"
                                        "27ae41e4649b934ca495991b7852b855'"),
                           err, sizeof(err)), 0);

    assert_null(catalog_tokens_check(&t, "", 0));
    assert_null(catalog_tokens_check(&t, NULL, 0));
    assert_null(catalog_tokens_check(&t, NULL, 5));
    assert_null(catalog_tokens_check(NULL, "x", 1));

    catalog_tokens_free(&t);

    /* nor does anything against no tokens */

    assert_null(catalog_tokens_check(&t, "token-root", 10));
}


static void
test_tokens_allows(void **state)
{
    char              err[CATALOG_ERROR_LEN];
    catalog_tokens_t  t;

    (void) state;

    assert_int_equal(catalog_tokens_load(&t, fixture("valid.json"), err,
                                         sizeof(err)), 0);

    /* "dukcapil" exactly */

    assert_true(catalog_token_allows(&t.tokens[0], "dukcapil", 8));
    assert_false(catalog_token_allows(&t.tokens[0], "dukcapi", 7));
    assert_false(catalog_token_allows(&t.tokens[0], "dukcapil2", 9));
    assert_false(catalog_token_allows(&t.tokens[0], "DUKCAPIL", 8));
    assert_false(catalog_token_allows(&t.tokens[0], "kemenkes", 8));
    assert_false(catalog_token_allows(&t.tokens[0], "", 0));
    assert_false(catalog_token_allows(&t.tokens[0], "*", 1));

    /* a prefix of the agency is not it: the length counts */

    assert_true(catalog_token_allows(&t.tokens[0], "dukcapil/ktp", 8));

    /* "*": every agency */

    assert_true(catalog_token_allows(&t.tokens[1], "dukcapil", 8));
    assert_true(catalog_token_allows(&t.tokens[1], "kemenkes", 8));
    assert_true(catalog_token_allows(&t.tokens[1], "x", 1));

    assert_true(catalog_token_allows(&t.tokens[2], "kemenkes", 8));
    assert_false(catalog_token_allows(&t.tokens[2], "dukcapil", 8));

    assert_false(catalog_token_allows(NULL, "dukcapil", 8));

    catalog_tokens_free(&t);
}


static void
test_tokens_hostile_mutations(void **state)
{
    int                rc;
    char               err[CATALOG_ERROR_LEN];
    char              *buf, *copy;
    FILE              *f;
    long               size;
    size_t             len, i, pos;
    uint32_t           seed;
    catalog_tokens_t   t;
    const char         bytes[] = "\"{}[]:,*\\ 0aZ.-\x01\xc3\xff";

    (void) state;

    f = fopen(fixture("valid.json"), "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size > 0);
    rewind(f);

    len = (size_t) size;
    buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, len, f), len);
    fclose(f);

    seed = 4321;

    for (i = 0; i < 5000; i++) {
        copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, buf, len);

        seed = seed * 1103515245 + 12345;
        pos = (seed >> 8) % len;
        seed = seed * 1103515245 + 12345;
        copy[pos] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];

        /* and sometimes cut short */

        seed = seed * 1103515245 + 12345;

        rc = catalog_tokens_parse(&t, "t.json", copy,
                                  (seed >> 8) % 4 ? len : pos, err,
                                  sizeof(err));

        if (rc == 0) {
            assert_true(t.ntokens <= 3);
            (void) catalog_tokens_check(&t, "token-root", 10);

        } else {
            assert_int_equal(t.ntokens, 0);
            assert_true(strncmp(err, F, sizeof(F) - 1) == 0);
        }

        catalog_tokens_free(&t);
        free(copy);
    }

    free(buf);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_tokens_fixture),
        cmocka_unit_test(test_tokens_bom_empty),
        cmocka_unit_test(test_tokens_syntax_error),
        cmocka_unit_test(test_tokens_missing_file),
        cmocka_unit_test(test_tokens_not_regular),
        cmocka_unit_test(test_tokens_too_large),
        cmocka_unit_test(test_tokens_unreadable),
        cmocka_unit_test(test_tokens_invalid_json),
        cmocka_unit_test(test_tokens_duplicate_key),
        cmocka_unit_test(test_tokens_top_level),
        cmocka_unit_test(test_tokens_entry_shape),
        cmocka_unit_test(test_tokens_sha256),
        cmocka_unit_test(test_tokens_sha256_never_echoed),
        cmocka_unit_test(test_tokens_duplicate_sha256),
        cmocka_unit_test(test_tokens_agency),
        cmocka_unit_test(test_tokens_name),
        cmocka_unit_test(test_tokens_duplicate_name),
        cmocka_unit_test(test_tokens_count),
        cmocka_unit_test(test_tokens_echo),
        cmocka_unit_test(test_tokens_error_buffer),
        cmocka_unit_test(test_tokens_check_many),
        cmocka_unit_test(test_tokens_check_empty),
        cmocka_unit_test(test_tokens_allows),
        cmocka_unit_test(test_tokens_hostile_mutations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
