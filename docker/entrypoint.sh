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
#
# nginx cannot read the environment, so the listen address goes into
# /etc/nginx/catalog-listen.conf, and catalog_admin_tokens into
# /etc/nginx/catalog-admin.conf when a tokens file is mounted at
# /etc/nginx/catalog-tokens.json (without one the admin API answers 403).

set -eu

me=catalog-entrypoint
tokens=/etc/nginx/catalog-tokens.json

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

listen=${CATALOG_LISTEN:-8080}
check_listen "$listen"

printf 'listen %s;\n' "$listen" > /etc/nginx/catalog-listen.conf
if [ -f "$tokens" ]; then
    printf 'catalog_admin_tokens %s;\n' "$tokens" > /etc/nginx/catalog-admin.conf
else
    : > /etc/nginx/catalog-admin.conf
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
