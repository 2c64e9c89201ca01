#!/usr/bin/env bash
# The Debian package as a sysadmin meets it: installs
# build/libnginx-mod-http-catalog_*.deb with apt, checks where its files
# went and that it depends on nginx's ABI, loads the module into Debian's
# /usr/sbin/nginx through the enabled modules-available file, routes
# requests from the packaged example manifests, creates an admin token with
# the packaged catalog-token, then purges the package.
#
#   lua-free-tests/package/deb-test.sh      (make deb-test builds it first)
#
# nginx runs on 127.0.0.1:$DEB_TEST_PORT (default 18461) with every
# writable path in a temporary directory; the system nginx is not touched.
# Needs root (apt-get, dpkg).

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

port=${DEB_TEST_PORT:-18461}
backend_port=$((port + 1))
pkg=libnginx-mod-http-catalog
doc=/usr/share/doc/$pkg
nginx=/usr/sbin/nginx
unset NGINX     # nginx reads $NGINX as inherited listening sockets

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

debs=(build/${pkg}_*.deb)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
    echo "$0: need exactly one build/${pkg}_*.deb (make deb)" >&2
    exit 1
fi
deb=./${debs[0]}

pass=0
fail=0
ok() {
    pass=$((pass + 1))
    echo "ok - $*"
}
not_ok() {
    fail=$((fail + 1))
    echo "not ok - $*"
}
check() {   # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}

dir=$(mktemp -d /tmp/catalog-deb-test.XXXXXX)
chmod 755 "$dir"        # the workers (www-data) read manifests from it
installed=

cleanup() {
    if [ -f "$dir/nginx.pid" ]; then
        kill -QUIT "$(cat "$dir/nginx.pid")" 2> /dev/null || true
        for _ in $(seq 50); do
            [ -f "$dir/nginx.pid" ] || break
            sleep 0.1
        done
    fi
    # Purged so that the machine is as before: other users of
    # /usr/sbin/nginx must not find the module enabled in
    # /etc/nginx/modules-enabled.
    if [ -n "$installed" ]; then
        $sudo apt-get -o DPkg::Lock::Timeout=300 purge -y -qq "$pkg" \
            > "$dir/purge.log" 2>&1 \
            || { cat "$dir/purge.log"; echo "$0: purge failed" >&2; }
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

# -- install ---------------------------------------------------------------

echo "# installing $deb"
installed=yes
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 \
    install -y -qq --no-install-recommends "$deb" > "$dir/install.log" 2>&1 \
    || { cat "$dir/install.log"; exit 1; }
ok "apt-get install $deb"

# -- files and metadata ----------------------------------------------------

so=/usr/lib/nginx/modules/ngx_http_catalog_module.so
avail=/usr/share/nginx/modules-available/mod-http-catalog.conf
enabled=/etc/nginx/modules-enabled/50-mod-http-catalog.conf

check "module in /usr/lib/nginx/modules" test -f "$so"
check "modules-available file loads it" \
    grep -qx 'load_module modules/ngx_http_catalog_module.so;' "$avail"
check "enabled by postinst as 50-mod-http-catalog.conf" \
    test "$(readlink "$enabled")" = "$avail"
for f in index.html portal.css portal.js favicon.svg; do
    check "portal /usr/share/nginx/catalog/$f" \
        cmp -s "conf/html/$f" "/usr/share/nginx/catalog/$f"
done
check "catalog-token in /usr/sbin, executable" test -x /usr/sbin/catalog-token
check "example nginx.conf" cmp -s conf/nginx.conf "$doc/examples/nginx.conf"
check "example tokens file" test -f "$doc/examples/catalog-tokens.example.json"
n=$(find "$doc/examples/catalog.d" -name '*.json' | wc -l)
check "example manifests ($n)" \
    test "$n" -eq "$(find conf/catalog.d -name '*.json' | wc -l)"
check "README and openapi.yaml in $doc" \
    test -f "$doc/README.md.gz" -a -f "$doc/openapi.yaml.gz"

# the ABI dependency that dh_nginx takes from nginx-dev, the one the
# installed nginx provides
abi=$(sed -n 's/^nginx:abi=//p' /usr/share/nginx/src/debian/libnginx-mod.abisubstvars)
depends=$(dpkg-query -W -f='${Depends}' "$pkg")
check "depends on $abi (Depends: $depends)" \
    grep -qw -- "$abi" <<< "$depends"
check "nginx provides $abi" \
    grep -qw -- "$abi" <<< "$(dpkg-query -W -f='${Provides}' nginx)"

# -- load it into Debian's nginx -------------------------------------------

# The shipped example is meant to become /etc/nginx/nginx.conf as is: it
# must pass the check with the package's modules-enabled link (nginx -t
# binds no port; it opens the example's log files under /var/log/nginx).
if "$nginx" -t -q -c "$doc/examples/nginx.conf" > "$dir/example.log" 2>&1
then
    ok "nginx -t -c $doc/examples/nginx.conf"
else
    not_ok "example nginx.conf fails nginx -t: $(cat "$dir/example.log")"
fi

cat > "$dir/uji.json" <<EOF
{
  "agency": { "id": "uji-paket", "name": "Uji Paket Debian" },
  "services": [
    { "id": "gema", "name": "Gema", "category": "uji",
      "routes": [ { "path": "/uji/gema", "strip_prefix": true } ],
      "backends": [ "127.0.0.1:$backend_port" ] }
  ]
}
EOF

# A new token for the admin API, made by the packaged tool; it prints the
# token alone on stdout.
token=$(/usr/sbin/catalog-token uji-paket ops-uji "$dir/tokens.json" \
            2> "$dir/token.log") \
    || { cat "$dir/token.log"; exit 1; }
check "catalog-token made a token and a tokens file" \
    test -n "$token" -a -s "$dir/tokens.json"
chmod 644 "$dir/tokens.json"

# No -p: "modules/" in the load_module line is relative to Debian's
# compiled-in prefix (/usr/share/nginx/modules -> /usr/lib/nginx/modules),
# as it is for the system nginx.  Every path nginx writes is in $dir.
cat > "$dir/nginx.conf" <<EOF
include $enabled;

pid $dir/nginx.pid;
error_log $dir/error.log notice;
worker_processes 1;

events {
    worker_connections 64;
}

http {
    include /etc/nginx/mime.types;
    access_log $dir/access.log;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;

    catalog_manifests $doc/examples/catalog.d/*.json;
    catalog_manifests $dir/uji.json;
    catalog_admin_tokens $dir/tokens.json;

    upstream catalog_backends {
        catalog_balancer;
        keepalive 4;
    }

    server {
        listen 127.0.0.1:$port;

        location / {
            catalog_route;
            proxy_pass \$catalog_backend_scheme://catalog_backends;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$catalog_backend_host;
            proxy_set_header X-Forwarded-Prefix \$catalog_route_path;
        }

        location = / {
            root /usr/share/nginx/catalog;
            try_files /index.html =404;
        }

        location /portal/ {
            alias /usr/share/nginx/catalog/;
        }

        location /api/catalog/ {
            catalog_api;
        }

        location /-/catalog/admin/ {
            allow 127.0.0.1;
            deny all;
            catalog_admin;
        }
    }

    # the backend of uji-paket/gema: says what it received
    server {
        listen 127.0.0.1:$backend_port;
        location / {
            return 200 "gema \$request_method \$request_uri \$http_x_forwarded_prefix\n";
        }
    }
}
EOF

"$nginx" -e "$dir/error.log" -c "$dir/nginx.conf" -t -q \
    || { cat "$dir/error.log"; exit 1; }
ok "nginx -t with the packaged module and example manifests"
"$nginx" -e "$dir/error.log" -c "$dir/nginx.conf" \
    || { cat "$dir/error.log"; exit 1; }
for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/api/catalog/categories" \
        && break
    sleep 0.1
done

# request METHOD PATH [curl options...]: sets $status, $body, $headers
request() {
    local method=$1 path=$2
    shift 2
    body=$(curl -sS -X "$method" -D "$dir/headers" -o - \
               "$@" "http://127.0.0.1:$port$path") || body=
    status=$(awk 'NR == 1 { print $2 }' "$dir/headers")
    headers=$(tr -d '\r' < "$dir/headers")
}
expect() {      # expect STATUS BODY-FRAGMENT DESCRIPTION
    if [ "$status" = "$1" ] && grep -qF -- "$2" <<< "$body"; then
        ok "$3"
    else
        not_ok "$3: got $status, body: $(head -c 300 <<< "$body")"
    fi
}

request GET '/uji/gema/halo?x=1'
expect 200 'gema GET /halo?x=1 /uji/gema' "proxied, strip_prefix"

request GET '/dukcapil/akta-lama/cek?nomor=1'
if [ "$status" = 301 ] \
    && grep -qx "Location: http://127.0.0.1:$port/dukcapil/akta/cek?nomor=1" \
        <<< "$headers"; then
    ok "example manifest: 301 keeping path and query"
else
    not_ok "example manifest redirect: $status $headers"
fi

request GET /dukcapil/ktp-lama
expect 410 'Layanan sudah tidak tersedia' "example manifest: retired, 410"

request GET /bpjs-kesehatan/antrean
expect 503 'sedang dalam pemeliharaan' "example manifest: maintenance, 503"

request GET /tidak-ada
expect 404 'Halaman tidak ditemukan' "no route: 404 page"

request GET '/api/catalog/services?agency=dukcapil'
expect 200 '"dukcapil/ktp-elektronik"' "catalog API"

request GET /
expect 200 '<title>Katalog Layanan Publik</title>' "portal page"

request GET /portal/portal.js
expect 200 'api/catalog' "portal script"

# the admin API with the token that catalog-token made
request PUT /-/catalog/admin/services/uji-paket/gema/status \
    -H "Authorization: Bearer $token" \
    -d '{"status": "maintenance", "message": "Uji pemeliharaan"}'
expect 200 '"maintenance"' "admin API accepts the catalog-token token"
request GET /uji/gema/halo
expect 503 'Uji pemeliharaan' "runtime maintenance: 503 with the message"
request GET /-/catalog/admin/services/uji-paket/gema \
    -H "Authorization: Bearer wrong$token"
expect 401 'error' "admin API refuses another token"

if grep -E '\[(alert|crit|emerg)\]' "$dir/error.log"; then
    not_ok "error log has alerts"
else
    ok "no alert in the error log"
fi

"$nginx" -e "$dir/error.log" -c "$dir/nginx.conf" -s quit
for _ in $(seq 50); do
    [ -f "$dir/nginx.pid" ] || break
    sleep 0.1
done

# -- purge -----------------------------------------------------------------

installed=
$sudo apt-get -o DPkg::Lock::Timeout=300 purge -y -qq "$pkg" \
    > "$dir/purge.log" 2>&1 || { cat "$dir/purge.log"; exit 1; }
check "purge removes the module" test ! -e "$so"
check "purge removes the modules-enabled link" \
    test ! -e "$enabled" -a ! -L "$enabled" -a ! -L "$enabled.removed"

echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
