#!/bin/sh
#
# catalog-entrypoint: the entry point of the ngx_catalog image.
#
#   gateway                 the catalog gateway (nginx in the foreground)
#   backend LISTEN...       a demo agency backend on each LISTEN
#   backend-check LISTEN... check the backend's configuration (nginx -t)
#   health                  the HEALTHCHECK: the catalog API answers
#   anything else           run as given, after the files below are written
#
# Environment:
#   CATALOG_LISTEN  the gateway's nginx `listen` address: PORT, HOST:PORT or
#                   [IPV6]:PORT (default 8080)
#   CATALOG_REDIS   the Redis that the nodes of a fleet share (catalog_redis):
#                   HOST:PORT, [IPV6]:PORT or unix:/PATH; a host name is
#                   resolved when nginx loads its configuration, so the name
#                   must resolve by then (default: none, one node alone)
#   CATALOG_REDIS_OPTIONS
#                   more catalog_redis parameters, separated by spaces:
#                   "interval=1s db=0 prefix=catalog: user=catalog
#                   timeout=2s connect_timeout=2s" (default: none)
#   CATALOG_NODE    this node's name in the fleet, 1 to 64 of A-Z a-z 0-9
#                   . _ - (default: the container's host name)
#
# nginx cannot read the environment, so the listen address goes into
# /etc/nginx/catalog-listen.conf, catalog_admin_tokens into
# /etc/nginx/catalog-admin.conf when a tokens file is mounted at
# /etc/nginx/catalog-tokens.json (without one the admin API answers 403),
# and, when CATALOG_REDIS is set, `catalog_zone size=16m;` and
# `catalog_redis CATALOG_REDIS node=CATALOG_NODE CATALOG_REDIS_OPTIONS;`
# into /etc/nginx/catalog-redis.conf (empty without it), with
# password_file=/etc/nginx/redis.pass when a Redis password file is mounted
# there (its first line is the password).  Every value is checked before
# it is written: a character that nginx.conf would read as syntax (`;`,
# braces, quotes, `#`, `$`, a space where none belongs) stops the
# container with an error.

set -eu

me=catalog-entrypoint
tokens=/etc/nginx/catalog-tokens.json
redis_password=/etc/nginx/redis.pass

die() {
    printf '%s: error: %s\n' "$me" "$*" >&2
    exit 1
}

# A listen address goes into nginx.conf as is: only the characters of
# PORT, HOST:PORT and [IPV6]:PORT.
check_listen() {
    case $1 in
        '' | *[!0-9A-Za-z.:\[\]-]*)
            die "not a listen address: '$1' (PORT, HOST:PORT, [IPV6]:PORT)" ;;
    esac
}

# A Redis address: HOST:PORT, [IPV6]:PORT or unix:/PATH, with only the
# characters of those (no space, `;`, quote, brace...).  nginx -t says
# whether the address itself is valid.
check_redis() {
    case $1 in
        '' | *[!0-9A-Za-z._:/\[\]-]*)
            die "CATALOG_REDIS: not a Redis address: '$1'" \
                "(HOST:PORT, [IPV6]:PORT, unix:/PATH)" ;;
    esac
}

# A node name, as catalog_redis node= takes it: [A-Za-z0-9._-]{1,64}.
check_node() {
    case $1 in
        '' | *[!0-9A-Za-z._-]*)
            die "$2: not a node name: '$1' (1 to 64 of A-Z a-z 0-9 . _ -)" ;;
    esac
    [ ${#1} -le 64 ] \
        || die "$2: not a node name: '$1' (1 to 64 of A-Z a-z 0-9 . _ -)"
}

# CATALOG_REDIS_OPTIONS: NAME=VALUE words separated by blanks, each of the
# characters of numbers, times, prefixes, user names and paths; node= is
# CATALOG_NODE's.  Sets $redis_options: the words joined by one space.
check_redis_options() {
    redis_options=
    set -f
    # shellcheck disable=SC2086     # split on blanks, no globbing
    set -- $1
    set +f
    for w in "$@"; do
        case $w in
            *=*) ;;
            *) bad_option "$w" ;;
        esac
        case ${w%%=*} in
            '' | *[!a-z_]*) bad_option "$w" ;;
            node) die "CATALOG_REDIS_OPTIONS: '$w': set CATALOG_NODE instead" ;;
        esac
        case ${w#*=} in
            *[!0-9A-Za-z._:/@%+,=-]*) bad_option "$w" ;;
        esac
        redis_options="$redis_options $w"
    done
}
bad_option() {
    die "CATALOG_REDIS_OPTIONS: not a catalog_redis parameter: '$1'" \
        "(NAME=VALUE, the value of A-Z a-z 0-9 . _ : / @ % + , = -)"
}

listen=${CATALOG_LISTEN:-8080}
check_listen "$listen"

printf 'listen %s;\n' "$listen" > /etc/nginx/catalog-listen.conf
if [ -f "$tokens" ]; then
    printf 'catalog_admin_tokens %s;\n' "$tokens" > /etc/nginx/catalog-admin.conf
else
    : > /etc/nginx/catalog-admin.conf
fi

if [ -n "${CATALOG_REDIS:-}" ]; then
    check_redis "$CATALOG_REDIS"
    if [ -n "${CATALOG_NODE:-}" ]; then
        node=$CATALOG_NODE
        check_node "$node" CATALOG_NODE
    else
        node=$(uname -n)
        check_node "$node" "the host name (set CATALOG_NODE)"
    fi
    check_redis_options "${CATALOG_REDIS_OPTIONS:-}"
    password=
    if [ -f "$redis_password" ]; then
        password=" password_file=$redis_password"
    fi
    printf 'catalog_zone size=16m;\ncatalog_redis %s node=%s%s%s;\n' \
        "$CATALOG_REDIS" "$node" "$password" "$redis_options" \
        > /etc/nginx/catalog-redis.conf
else
    [ -z "${CATALOG_REDIS_OPTIONS:-}" ] \
        || die "CATALOG_REDIS_OPTIONS is set, CATALOG_REDIS is not"
    : > /etc/nginx/catalog-redis.conf
fi

backend_listen() {
    [ $# -gt 0 ] || die "backend: give at least one listen address"
    : > /etc/nginx/backend-listen.conf
    for l in "$@"; do
        check_listen "$l"
        printf 'listen %s;\n' "$l" >> /etc/nginx/backend-listen.conf
    done
}

case ${1:-gateway} in
    gateway)
        exec nginx
        ;;
    backend)
        shift
        backend_listen "$@"
        exec nginx -c /etc/nginx/backend.conf
        ;;
    backend-check)
        shift
        backend_listen "$@"
        exec nginx -t -q -c /etc/nginx/backend.conf
        ;;
    health)
        # the address to ask: the listen address, a wildcard replaced by
        # the loopback
        case $listen in
            *:*) host=${listen%:*} port=${listen##*:} ;;
            *)   host=127.0.0.1 port=$listen ;;
        esac
        case $host in
            '*' | 0.0.0.0) host=127.0.0.1 ;;
            '[::]')        host='[::1]' ;;
        esac
        exec curl -fsS -o /dev/null --max-time 4 \
            "http://$host:$port/api/catalog/categories"
        ;;
    *)
        exec "$@"
        ;;
esac
