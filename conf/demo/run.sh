#!/usr/bin/env bash
# Run the ngx_catalog demo in the foreground on http://127.0.0.1:8080/
#
#   conf/demo/run.sh build/ngx_http_catalog_module.so
#
# Environment: PREFIX (runtime directory, default build/demo),
# NGINX_BIN or NGINX (the nginx binary, default /usr/sbin/nginx).

set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 MODULE.so" >&2
    exit 2
fi

conf=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=$(dirname "$conf")
nginx=${NGINX_BIN:-${NGINX:-/usr/sbin/nginx}}
unset NGINX     # nginx itself reads $NGINX as inherited listening sockets
prefix=${PREFIX:-$root/build/demo}
module=$1

if [ ! -f "$module" ]; then
    echo "$0: module not found: $module (run make first)" >&2
    exit 1
fi
module=$(realpath -- "$module")
prefix=$(realpath -m -- "$prefix")

# The paths go unquoted into nginx.conf.
for p in "$conf" "$prefix" "$module"; do
    # shellcheck disable=SC2101
    case $p in
        *[[:space:]\;\"\'{}#\$]*)
            echo "$0: unsupported character in path: $p" >&2
            exit 1 ;;
    esac
done

mkdir -p "$prefix/logs" "$prefix/tmp/body" "$prefix/tmp/proxy" \
         "$prefix/tmp/fastcgi" "$prefix/tmp/uwsgi" "$prefix/tmp/scgi"

esc() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# Started as root, nginx runs its workers as "nobody", which cannot read a
# checkout in a private directory (mktemp -d, a home): the demo's workers
# then run as the user who started it.  Never do this in production.
user=
if [ "$(id -u)" = 0 ]; then
    user="user root;"
fi

sed -e "s|@PREFIX@|$(esc "$prefix")|g" \
    -e "s|@MODULE@|$(esc "$module")|g" \
    -e "s|@CONF@|$(esc "$conf")|g" \
    -e "s|@USER@|$user|g" \
    "$conf/demo/nginx.conf.in" > "$prefix/nginx.conf"

"$nginx" -e stderr -p "$prefix/" -c "$prefix/nginx.conf" -t

u=http://127.0.0.1:8080
cat <<EOF

ngx_catalog demo: $u/   (config: $prefix/nginx.conf, Ctrl-C to stop)

  portal                $u/
  proxied, 2 backends   $u/pajak/peraturan
  strip_prefix          $u/dukcapil/ktp/status?nomor=123
  exact route           $u/ktp
  nested prefix         $u/imigrasi/paspor/jadwal
  segment-aware         $u/pajakbumi   (not /pajak)
  dead backend skipped  $u/bpjs-kesehatan/kepesertaan
  redirect 301          $u/dukcapil/akta-lama/cek?nomor=123
  redirect 302          $u/imigrasi/evisa
  retired (410)         $u/dukcapil/ktp-lama
  maintenance (503)     $u/bpjs-kesehatan/antrean
  not found (404)       $u/tidak-ada
  405                   curl -i -X POST $u/imigrasi/paspor/status
  host route            curl -i -H 'Host: pajak.localhost' $u/efiling/spt
                        (or http://pajak.localhost:8080/efiling/spt)
  JSON error            curl -i -H 'Accept: application/json' $u/tidak-ada
  status (operators)    $u/-/catalog/status
  Prometheus metrics    $u/-/catalog/metrics

EOF

exec "$nginx" -e stderr -p "$prefix/" -c "$prefix/nginx.conf"
