#!/bin/bash
#
# Tests conf/catalog-token, the script that creates admin tokens, in a
# temporary directory: the token is printed once and only on success, the
# file is valid and the module's own parser (catalog_tokens.c, compiled
# here into a small checker) accepts it and finds the printed token, the
# hash matches sha256sum, names are unique, bad agencies and names are
# refused without touching the file, modes are 0640 for a new file and
# kept for an old one.  Prints TAP; exits non-zero when a check fails.
#
#   bash lua-free-tests/unit/test_token_script.sh

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
script=$top/conf/catalog-token

tmp=$(mktemp -d /tmp/catalog-token-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}

not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
}

check() {
    local what=$1
    shift

    if "$@"; then
        ok "$what"
    else
        not_ok "$what"
    fi
}

# runs the script; stdout, stderr and the status in $out, $err, $rc
run() {
    out=$(cd "$tmp" && sh "$script" "$@" 2> "$tmp/stderr")
    rc=$?
    err=$(cat "$tmp/stderr")
}


# a checker built from the module's sources: reads a token on stdin (never
# in argv) and prints the name of the entry it matches, or the error

cat > "$tmp/check.c" << 'EOF'
#include <stdio.h>
#include <string.h>

#include <catalog_admin.h>

int
main(int argc, char **argv)
{
    char                    err[1024], token[256];
    size_t                  len;
    catalog_tokens_t        t;
    const catalog_token_t  *tok;

    if (argc != 2) {
        return 2;
    }

    if (catalog_tokens_load(&t, argv[1], err, sizeof(err)) != 0) {
        printf("%s\n", err);
        return 1;
    }

    len = fread(token, 1, sizeof(token), stdin);
    tok = catalog_tokens_check(&t, token, len);

    printf("%u %s %s\n", t.ntokens, tok ? tok->name.data : "-",
           tok ? tok->agency.data : "-");

    catalog_tokens_free(&t);

    return 0;
}
EOF

if ! cc -std=c99 -D_POSIX_C_SOURCE=200809L -I"$top/include" \
        -o "$tmp/check" "$tmp/check.c" "$top"/ngx_module/catalog*.c \
        -ljansson 2> "$tmp/cc.log"
then
    cat "$tmp/cc.log" >&2
    echo "Bail out! cannot build the checker"
    exit 1
fi

parsed() {
    # $1: file, $2: token; prints "COUNT NAME AGENCY"
    printf '%s' "$2" | "$tmp/check" "$1"
}

mode() {
    stat -c %a "$1"
}

leftovers() {
    # temporary files of the script left in the directory
    find "$tmp" -maxdepth 2 -name '.catalog-tokens.*' | grep -q .
}


# 1. a new file

f=$tmp/tokens.json

(umask 022 && cd "$tmp" && sh "$script" dukcapil ops-dukcapil "$f" \
    > "$tmp/out1" 2> "$tmp/err1")
rc=$?
token=$(cat "$tmp/out1")

check "a new token: exit 0" test "$rc" -eq 0
check "a new token: one line on stdout" test "$(wc -l < "$tmp/out1")" -eq 1
check "a new token: 43 base64url characters" \
    grep -Eqx '[A-Za-z0-9_-]{43}' "$tmp/out1"
check "a new token: the note says it is shown once" \
    grep -q 'only time the token is shown' "$tmp/err1"
check "a new token: printed once" \
    test "$(cat "$tmp/out1" "$tmp/err1" | grep -c -F -- "$token")" -eq 1
check "a new token: not in the file" \
    test "$(grep -c -F -- "$token" "$f")" -eq 0
check "a new file: mode 0640" test "$(mode "$f")" = 640
check "a new file: valid JSON" \
    perl -MJSON::PP -e 'local $/; JSON::PP->new->decode(<STDIN>)' < "$f"

hash=$(printf '%s' "$token" | sha256sum | cut -d ' ' -f 1)

check "the file holds sha256sum of the token" \
    grep -q "\"sha256\": \"$hash\"" "$f"
check "the module's parser accepts the file and finds the token" \
    test "$(parsed "$f" "$token")" = "1 ops-dukcapil dukcapil"
check "the module's parser does not take another token" \
    test "$(parsed "$f" "x$token")" = "1 - -"
check "no temporary file left" eval '! leftovers'


# 2. a second token, with a restrictive umask: still 0640

(umask 077 && cd "$tmp" && sh "$script" '*' root "$f" \
    > "$tmp/out2" 2> "$tmp/err2")
rc=$?
token2=$(cat "$tmp/out2")

check "a second token: exit 0" test "$rc" -eq 0
check "a second token differs from the first" test "$token2" != "$token"
check "a second token: \"*\" is named in the note" \
    grep -q 'every agency' "$tmp/err2"
check "both tokens are found" \
    test "$(parsed "$f" "$token")/$(parsed "$f" "$token2")" \
        = "2 ops-dukcapil dukcapil/2 root *"
check "the mode is kept at 0640" test "$(mode "$f")" = 640


# 3. refusals: no token printed, the file unchanged

cp "$f" "$tmp/before.json"

refused() {
    # $1: what; the rest: arguments
    local what=$1
    shift

    run "$@"

    if [ "$rc" -ne 0 ] && [ -z "$out" ] && cmp -s "$f" "$tmp/before.json"
    then
        ok "refused: $what"
    else
        not_ok "refused: $what (rc $rc, stdout \"$out\")"
    fi
}

refused "a duplicate name" kemenkes ops-dukcapil "$f"
check "the duplicate is named in the error" \
    grep -q 'a token named "ops-dukcapil" exists already' <<< "$err"

refused "agency in uppercase" Dukcapil ops-2 "$f"
check "the agency rule is in the error" \
    grep -q 'invalid agency: must be "\*" or match' <<< "$err"

refused "an empty agency" "" ops-2 "$f"
refused "an agency starting with -" -dukcapil ops-2 "$f"
refused "an agency with a space" "duk capil" ops-2 "$f"
refused "an agency with a slash" dukcapil/ktp ops-2 "$f"
refused "an agency with a line break" "$(printf 'a\nb')" ops-2 "$f"
refused "an agency of 64 bytes" "$(printf 'a%.0s' $(seq 64))" ops-2 "$f"
refused "\"**\" as agency" "**" ops-2 "$f"

refused "an empty name" dukcapil "" "$f"
check "the name rule is in the error" \
    grep -q 'invalid name: must be 1 to 64' <<< "$err"

refused "a name with a space" dukcapil "ops 2" "$f"
refused "a name with a quote" dukcapil 'ops"2' "$f"
refused "a name with a slash" dukcapil "ops/2" "$f"
refused "a name with a line break" dukcapil "$(printf 'ops\n2')" "$f"
refused "a name with a control character" dukcapil "$(printf 'ops\0332')" \
    "$f"
refused "a name of 65 bytes" dukcapil "$(printf 'n%.0s' $(seq 65))" "$f"

run dukcapil
check "one argument: usage, exit 2" test "$rc" -eq 2
check "one argument: no token" test -z "$out"

run dukcapil a b c
check "four arguments: usage, exit 2" test "$rc" -eq 2

check "no temporary file left after refusals" eval '! leftovers'


# 4. the limits that are valid

run "$(printf 'a%.0s' $(seq 63))" "$(printf 'n%.0s' $(seq 64))" "$f"
check "63-byte agency, 64-byte name: accepted" test "$rc" -eq 0
check "... and found by the module" \
    test "$(parsed "$f" "$out" | cut -d ' ' -f 1)" = 3

run a- Ops.Dukcapil_2 "$f"
check "agency \"a-\", name with . and _: accepted" test "$rc" -eq 0


# 5. other files

printf '{"tokens": [' > "$tmp/broken.json"
cp "$tmp/broken.json" "$tmp/broken.orig"

run dukcapil ops "$tmp/broken.json"
check "a broken file: refused, no token" \
    test "$rc" -ne 0 -a -z "$out"
check "a broken file: unchanged" cmp -s "$tmp/broken.json" "$tmp/broken.orig"
check "a broken file: the error says invalid JSON" \
    grep -q 'invalid JSON' <<< "$err"

printf '[]' > "$tmp/array.json"
run dukcapil ops "$tmp/array.json"
check "a top level that is not an object: refused" \
    test "$rc" -ne 0 -a -z "$out"

run dukcapil ops "$tmp/missing/tokens.json"
check "a missing directory: refused, no token" \
    test "$rc" -ne 0 -a -z "$out"

run dukcapil ops "$tmp"
check "a directory as the file: refused, no token" \
    test "$rc" -ne 0 -a -z "$out"

printf '{"tokens": []}\n' > "$tmp/private.json"
chmod 0600 "$tmp/private.json"
run dukcapil ops "$tmp/private.json"
check "an existing file keeps its mode (0600)" \
    test "$rc" -eq 0 -a "$(mode "$tmp/private.json")" = 600

printf '{"tokens": []}\n' > "$tmp/target.json"
ln -s target.json "$tmp/link.json"
run dukcapil ops "$tmp/link.json"
check "a link: the file it points to is changed, the link kept" \
    test "$rc" -eq 0 -a -L "$tmp/link.json" \
        -a "$(parsed "$tmp/target.json" "$out")" = "1 ops dukcapil"


echo "1..$n"

if [ "$failed" -ne 0 ]; then
    echo "# $failed of $n failed"
    exit 1
fi
