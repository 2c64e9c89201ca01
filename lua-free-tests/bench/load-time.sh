#!/usr/bin/env bash
# Configuration load time of N services: `nginx -t` with the module and a
# generated catalog, against `nginx -t` of the same configuration without
# the catalog (the baseline, measured in the same run).  Prints the median
# of RUNS runs of each, in milliseconds.
#
#   lua-free-tests/bench/load-time.sh MODULE.so [N ...]

set -euo pipefail

module=$(realpath "$1"); shift
sizes=("${@:-1000 27000 100000}")
runs=${RUNS:-5}
nginx=${NGINX_BIN:-/usr/sbin/nginx}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_t() {
    local conf=$1 i s e
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s%N)
        "$nginx" -q -t -p "$work/" -c "$conf" -e stderr
        e=$(date +%s%N)
        echo $(( (e - s) / 1000000 ))
    done | median
}

printf '%-9s %12s %12s %12s\n' services 'nginx -t ms' 'baseline ms' 'catalog ms'

for n in ${sizes[*]}; do
    rm -rf "$work/m"
    perl "$here/gen-manifests.pl" "$n" "$work/m" > /dev/null

    for with in yes no; do
        {
            echo "load_module $module;"
            echo "pid $work/nginx.pid; events {}"
            echo "http {"
            [ $with = yes ] && echo "  catalog_manifests $work/m/*.json;"
            echo "  upstream b { catalog_balancer; keepalive 8; }"
            echo "  server { listen 127.0.0.1:1; location / { catalog_route;"
            echo "    proxy_pass http://b; } }"
            echo "}"
        } > "$work/$with.conf"
    done

    t=$(run_t "$work/yes.conf")
    b=$(run_t "$work/no.conf")
    printf '%-9s %12s %12s %12s\n' "$n" "$t" "$b" $((t - b))
done
