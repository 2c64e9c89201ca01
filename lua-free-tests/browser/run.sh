#!/usr/bin/env bash
# Run the portal's browser tests in Debian's headless Chromium.
#
#   lua-free-tests/browser/run.sh [node --test arguments...]
#
# - installs Debian's chromium when it is missing (as root), never a
#   downloaded browser build;
# - installs the pinned npm packages from package-lock.json (npm ci) when
#   node_modules is missing or older than the lockfile;
# - with PORTAL_URL set, tests that gateway; without it, starts the demo
#   gateway (conf/demo/run.sh with build/ngx_http_catalog_module.so, on
#   http://127.0.0.1:8080) for the run and stops it afterwards.
#
# Environment: PORTAL_URL, CHROMIUM_PATH (default /usr/bin/chromium),
# MODULE (default build/ngx_http_catalog_module.so).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing Debian's chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core > /dev/null
    else
        echo "$0: $chromium not found: sudo apt-get install -y chromium" >&2
        exit 1
    fi
fi

if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
    echo "$0: node and npm are needed (Debian: apt-get install -y nodejs npm)" >&2
    exit 1
fi

cd "$here"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
fi

gateway_pid=
stop_gateway() {
    if [ -n "$gateway_pid" ]; then
        kill "$gateway_pid" 2> /dev/null || true
        wait "$gateway_pid" 2> /dev/null || true
    fi
    if [ -n "${demo_prefix:-}" ]; then
        rm -rf "$demo_prefix"
    fi
    return 0
}
trap stop_gateway EXIT

if [ -z "${PORTAL_URL:-}" ]; then
    module=${MODULE:-$root/build/ngx_http_catalog_module.so}
    if [ ! -f "$module" ]; then
        echo "$0: $module not found: run make first, or set PORTAL_URL" >&2
        exit 1
    fi
    if curl -s -o /dev/null --max-time 2 http://127.0.0.1:8080/; then
        echo "$0: something already listens on 127.0.0.1:8080;" \
             "stop it or set PORTAL_URL=http://127.0.0.1:8080 to test it" >&2
        exit 1
    fi
    demo_prefix=$(mktemp -d /tmp/catalog-browser.XXXXXX)
    PREFIX=$demo_prefix bash "$root/conf/demo/run.sh" "$module" \
        > "$demo_prefix/gateway.log" 2>&1 &
    gateway_pid=$!
    export PORTAL_URL=http://127.0.0.1:8080
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null --max-time 1 "$PORTAL_URL/api/catalog/categories"; then
            break
        fi
        if ! kill -0 "$gateway_pid" 2> /dev/null; then
            echo "$0: the demo gateway did not start:" >&2
            cat "$demo_prefix/gateway.log" >&2
            exit 1
        fi
        sleep 0.1
    done
fi

echo "portal tests against $PORTAL_URL (chromium: $chromium)"
cd "$root"
node --test "$@" lua-free-tests/browser/
