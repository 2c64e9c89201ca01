#!/usr/bin/env bash
# Worker CPU time of catalog API requests with N services loaded, against
# a plain `return 200` in the same nginx (the baseline, same run): wrk
# drives one nginx worker, and the worker's own CPU time (utime + stime
# from /proc) is divided by the number of requests it answered.
#
#   lua-free-tests/bench/search-time.sh MODULE.so [N]

set -euo pipefail

module=$(realpath "$1")
n=${2:-27000}
secs=${SECS:-5}
nginx=${NGINX_BIN:-/usr/sbin/nginx}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
port=${PORT:-18480}

cleanup() {
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2> /dev/null
    sleep 0.5
    rm -rf "$work"
}
trap cleanup EXIT

perl "$here/gen-manifests.pl" "$n" "$work/m" > /dev/null

cat > "$work/nginx.conf" <<END
load_module $module;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    catalog_manifests $work/m/*.json;
    server {
        listen 127.0.0.1:$port;
        location = /baseline { return 200 "ok"; }
        location /api/catalog/ { catalog_api; }
    }
}
END

"$nginx" -p "$work/" -c "$work/nginx.conf" -e "$work/error.log"
sleep 1

worker=$(pgrep -P "$(cat "$work/nginx.pid")" | head -1)
tick=$(getconf CLK_TCK)

cpu() { awk '{print $14 + $15}' "/proc/$worker/stat"; }

measure() {
    local url=$1 c0 c1 reqs
    c0=$(cpu)
    reqs=$(wrk -t1 -c8 -d"${secs}s" "http://127.0.0.1:$port$url" \
           | awk '/requests in/ {print $1}')
    c1=$(cpu)
    awk -v c=$((c1 - c0)) -v r="$reqs" -v t="$tick" -v u="$url" \
        'BEGIN { printf "%-48s %9d req %8.1f us/req\n", u, r, c / t / r * 1e6 }'
}

echo "services: $n, one worker, wrk -c8 ${secs}s each"
measure "/baseline"
measure "/api/catalog/services?q=layanan+izin"
measure "/api/catalog/services?q=pajak+12"
measure "/api/catalog/services?q=kartu+instansi-00042"
measure "/api/catalog/services/instansi-00001/layanan-001"
measure "/api/catalog/services"
