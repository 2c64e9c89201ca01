#!/usr/bin/env bash
# Two demo nodes sharing one Redis, in the foreground, for `make fleet`:
#
#   conf/demo/fleet.sh build/ngx_http_catalog_module.so
#
# Starts redis-server on 127.0.0.1:6390 (no persistence, in the runtime
# directory) and two nginx nodes with the demo catalog, node "demo-1" on
# http://127.0.0.1:8081/ (with the demo backends) and node "demo-2" on
# http://127.0.0.1:8082/, both with catalog_redis, an admin API and a
# token made for this run.  It prints the commands that change a service
# on one node and show it on the other.  Ctrl-C stops all three.
#
# Environment: PREFIX (runtime directory, default build/fleet), NGINX_BIN
# or NGINX (default /usr/sbin/nginx), REDIS_PORT (6390).

set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 MODULE.so" >&2
    exit 2
fi

conf=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=$(dirname "$conf")
nginx=${NGINX_BIN:-${NGINX:-/usr/sbin/nginx}}
unset NGINX     # nginx itself reads $NGINX as inherited listening sockets
prefix=$(realpath -m -- "${PREFIX:-$root/build/fleet}")
redis_port=${REDIS_PORT:-6390}
module=$(realpath -- "$1")

for p in "$conf" "$prefix" "$module"; do
    # shellcheck disable=SC2101
    case $p in
        *[[:space:]\;\"\'{}#\$\|\&\\]*)
            echo "$0: unsupported character in path: $p" >&2
            exit 1 ;;
    esac
done

command -v redis-server > /dev/null \
    || { echo "$0: redis-server is missing (make deps)" >&2; exit 1; }

rm -rf "$prefix"
mkdir -p "$prefix/redis"

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do
        kill "$pid" 2> /dev/null || true
    done
    wait 2> /dev/null || true
}
trap stop INT TERM EXIT

redis-server --port "$redis_port" --bind 127.0.0.1 --save '' \
    --appendonly no --dir "$prefix/redis" --logfile "$prefix/redis/log" &
pids+=($!)

# a token for this run only: printed below, its hash in the tokens file
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
printf '{"tokens": [{"sha256": "%s", "agency": "*", "name": "demo"}]}\n' \
    "$hash" > "$prefix/tokens.json"

user=
if [ "$(id -u)" = 0 ]; then
    user="user root;"
fi

# a node: the demo's nginx.conf with the fleet's lines filled in
node() {
    local name=$1 port=$2 backends=$3 dir=$prefix/$1

    mkdir -p "$dir/logs" "$dir/tmp/body" "$dir/tmp/proxy" \
             "$dir/tmp/fastcgi" "$dir/tmp/uwsgi" "$dir/tmp/scgi"

    sed -e "s|@PREFIX@|$dir|g" \
        -e "s|@MODULE@|$module|g" \
        -e "s|@CONF@|$conf|g" \
        -e "s|@USER@|$user|g" \
        -e "s|listen 127.0.0.1:8080;|listen 127.0.0.1:$port;|" \
        -e "s|error_log stderr notice;|error_log $dir/logs/error.log notice;|" \
        -e "s|access_log /dev/stdout catalog;|access_log off;|" \
        -e "s|# @FLEET_HTTP@.*|catalog_zone size=4m;\n    catalog_state_file $dir/state.json;\n    catalog_admin_tokens $prefix/tokens.json;\n    catalog_redis 127.0.0.1:$redis_port node=$name interval=1s;|" \
        -e "s|# @FLEET_SERVER@.*|location /-/catalog/admin/ { catalog_admin; allow 127.0.0.1; deny all; }|" \
        "$conf/demo/nginx.conf.in" > "$dir/nginx.conf"

    if [ "$backends" = no ]; then
        sed -i -e '/# @BACKENDS_BEGIN@/,/# @BACKENDS_END@/d' "$dir/nginx.conf"
    fi

    "$nginx" -e stderr -p "$dir/" -c "$dir/nginx.conf" -t -q
    "$nginx" -e stderr -p "$dir/" -c "$dir/nginx.conf" &
    pids+=($!)
}

node demo-1 8081 yes
node demo-2 8082 no

a=http://127.0.0.1:8081
b=http://127.0.0.1:8082
s=bpjs-kesehatan/kepesertaan

cat <<EOF

ngx_catalog fleet demo: two nodes, one Redis (Ctrl-C to stop all)

  node demo-1   $a/     log: $prefix/demo-1/logs/error.log
  node demo-2   $b/     log: $prefix/demo-2/logs/error.log
  redis         redis-cli -p $redis_port

Maintenance through demo-1, served by demo-2:

  curl -X PUT -H 'Authorization: Bearer $token' \\
       -d '{"status": "maintenance", "message": "Pemeliharaan"}' \\
       $a/-/catalog/admin/services/$s/status
  curl -i $b/$s

Back to normal through demo-2, served by demo-1:

  curl -X DELETE -H 'Authorization: Bearer $token' \\
       $b/-/catalog/admin/services/$s/status
  curl -i $a/$s

What Redis holds, and the fleet as a node sees it:

  redis-cli -p $redis_port HGETALL catalog:status:$s
  curl -s $a/-/catalog/status

EOF

wait -n "${pids[@]}" || true
echo "$0: a process stopped; stopping the others" >&2
