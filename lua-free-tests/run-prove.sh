#!/bin/sh
# Run the nginx integration tests (lua-free-tests/t) with prove.
#
#   lua-free-tests/run-prove.sh                      # all tests
#   lua-free-tests/run-prove.sh -v lua-free-tests/t/000-harness.t
#   TEST_NGINX_BINARY=/path/nginx lua-free-tests/run-prove.sh -j4
#
# Runs from the repository root.  TEST_NGINX_LOAD_MODULES defaults to the
# built module (build/ngx_http_catalog_module.so) when it exists; set it to
# an empty string to run against stock nginx.  Arguments are passed to
# prove; when none of them names a test file or directory, the whole
# lua-free-tests/t tree is run.
set -eu

cd "$(dirname "$0")/.."

if [ -z "${TEST_NGINX_LOAD_MODULES+set}" ] \
   && [ -f "$PWD/build/ngx_http_catalog_module.so" ]; then
    TEST_NGINX_LOAD_MODULES="$PWD/build/ngx_http_catalog_module.so"
    export TEST_NGINX_LOAD_MODULES
fi

have_tests=no
for arg in "$@"; do
    case "$arg" in
        -*) ;;
        *.t) have_tests=yes ;;
        *) [ -d "$arg" ] && have_tests=yes ;;
    esac
done

if [ "$have_tests" = no ]; then
    set -- "$@" -r lua-free-tests/t
fi

exec prove -I lua-free-tests/lib "$@"
