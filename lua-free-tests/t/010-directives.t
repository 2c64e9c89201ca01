# Directives of ngx_http_catalog_module: where they are allowed, their
# arguments, and the nginx -t messages for misuse.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/010-directives.t

use lib 'lib';
use Test::Catalog;

run_tests();

__DATA__

=== TEST 1: the directives load with a manifest and route a request
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "kependudukan",
     "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 8;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- request
GET /ktp/a?b=c
--- response_body
b1 /ktp/a?b=c
--- no_error_log
[error]
[warn]



=== TEST 2: catalog_manifests is not allowed in server
--- config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log
qr/"catalog_manifests" directive is not allowed here in \S+nginx\.conf:\d+/



=== TEST 3: catalog_manifests is not allowed in location
--- config
    location / { catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json; }
--- must_die
--- error_log
"catalog_manifests" directive is not allowed here



=== TEST 4: catalog_manifests takes exactly one argument
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/a.json $TEST_NGINX_MANIFEST_DIR/b.json;
--- must_die
--- error_log
qr/invalid number of arguments in "catalog_manifests" directive in \S+nginx\.conf:\d+/



=== TEST 5: a glob that matches no file is fine: empty catalog, 503
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/none-*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached";
    }
--- request
GET /ktp
--- error_code: 503
--- response_headers
Content-Type: text/html; charset=utf-8
--- response_body_like: Layanan belum tersedia
--- no_error_log
[error]
[warn]



=== TEST 6: no catalog_manifests at all: empty catalog, 503
--- config
    location / {
        catalog_route;
        return 200 "not reached";
    }
--- request
GET /
--- error_code: 503
--- response_body_like: No services are available yet
--- no_error_log
[error]



=== TEST 7: manifests with no services: empty catalog, 503
--- manifests
>>> a.json
{"agency": {"id": "a", "name": "A"}, "services": []}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached";
    }
--- request
GET /a
--- error_code: 503
--- response_body_like: Layanan belum tersedia



=== TEST 8: catalog_manifests may repeat; both globs are loaded
--- manifests
>>> a/one.json
{
  "agency": {"id": "one", "name": "One"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/one"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b/two.json
{
  "agency": {"id": "two", "name": "Two"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/two"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/a/*.json;
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/b/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request eval
["GET /one/x", "GET /two/x", "GET /three"]
--- error_code eval
[200, 200, 404]
--- response_body eval
["one/s\n", "two/s\n", undef]



=== TEST 9: a relative glob is relative to the conf directory
--- manifests
>>> one.json
{
  "agency": {"id": "one", "name": "One"},
  "services": [
    {"id": "rel", "name": "S", "category": "c", "routes": [{"path": "/rel"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests ../manifests/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request
GET /rel
--- response_body
one/rel



=== TEST 10: a plain file name (no wildcard) is loaded too
--- manifests
>>> one.json
{
  "agency": {"id": "one", "name": "One"},
  "services": [
    {"id": "plain", "name": "S", "category": "c", "routes": [{"path": "/p"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/one.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request
GET /p
--- response_body
one/plain



=== TEST 11: catalog_route is not allowed in server
--- config
    catalog_route;
--- must_die
--- error_log
qr/"catalog_route" directive is not allowed here in \S+nginx\.conf:\d+/



=== TEST 12: catalog_route takes no arguments
--- config
    location / { catalog_route on; }
--- must_die
--- error_log
qr/invalid number of arguments in "catalog_route" directive in \S+nginx\.conf:\d+/



=== TEST 13: catalog_route twice in one location
--- config
    location / {
        catalog_route;
        catalog_route;
    }
--- must_die
--- error_log
qr/"catalog_route" directive is duplicate in \S+nginx\.conf:\d+/



=== TEST 14: catalog_route is not inherited by a nested location
--- manifests
>>> one.json
{
  "agency": {"id": "one", "name": "One"},
  "services": [
    {"id": "s", "name": "S", "category": "c",
     "routes": [{"path": "/a"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "outer [$catalog_service] $catalog_match\n";

        location /inner/ {
            return 200 "inner [$catalog_service] $catalog_match\n";
        }
        location /a/inner/ {
            return 200 "a-inner [$catalog_service] $catalog_match\n";
        }
    }
--- request eval
["GET /a/x", "GET /inner/x", "GET /a/inner/x", "GET /b"]
--- error_code eval
[200, 200, 200, 404]
--- response_body eval
["outer [one/s] prefix\n", "inner [] none\n", "a-inner [] none\n", undef]



=== TEST 15: catalog_route in a nested location, not in its parent
--- manifests
>>> one.json
{
  "agency": {"id": "one", "name": "One"},
  "services": [
    {"id": "s", "name": "S", "category": "c",
     "routes": [{"path": "/svc"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        return 200 "outer [$catalog_service]\n";

        location /svc {
            catalog_route;
            return 200 "inner [$catalog_service]\n";
        }
    }
--- request eval
["GET /svc/x", "GET /other", "GET /svcx"]
--- error_code eval
[200, 200, 404]
--- response_body eval
["inner [one/s]\n", "outer []\n", undef]



=== TEST 16: catalog_balancer outside upstream
--- config
    location / { catalog_balancer; }
--- must_die
--- error_log
qr/"catalog_balancer" directive is not allowed here in \S+nginx\.conf:\d+/



=== TEST 17: catalog_balancer after keepalive
--- http_config
    upstream catalog_backends {
        keepalive 8;
        catalog_balancer;
    }
--- must_die
--- error_log
qr/"catalog_balancer" must come before "keepalive" and replaces any other balancing method in \S+nginx\.conf:\d+/



=== TEST 18: catalog_balancer after another balancing method
--- http_config
    upstream catalog_backends {
        least_conn;
        catalog_balancer;
    }
--- must_die
--- error_log
"catalog_balancer" must come before "keepalive" and replaces any other balancing method



=== TEST 19: catalog_balancer with an unknown parameter
--- http_config
    upstream catalog_backends {
        catalog_balancer foo=1;
    }
--- must_die
--- error_log
qr/"catalog_balancer": invalid parameter "foo=1" in \S+nginx\.conf:\d+/



=== TEST 20: catalog_balancer with a bad max_fails
--- http_config
    upstream catalog_backends {
        catalog_balancer max_fails=x;
    }
--- must_die
--- error_log
invalid parameter "max_fails=x"



=== TEST 21: catalog_balancer with a bad fail_timeout
--- http_config
    upstream catalog_backends {
        catalog_balancer max_fails=2 fail_timeout=soon;
    }
--- must_die
--- error_log
invalid parameter "fail_timeout=soon"



=== TEST 22: catalog_balancer with three parameters
--- http_config
    upstream catalog_backends {
        catalog_balancer max_fails=2 fail_timeout=5s max_fails=3;
    }
--- must_die
--- error_log
invalid number of arguments in "catalog_balancer" directive



=== TEST 23: catalog_balancer with both parameters is accepted
--- manifests
>>> one.json
{
  "agency": {"id": "one", "name": "One"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer max_fails=3 fail_timeout=30s;
        keepalive 4;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- request
GET /x
--- response_body
b1 /x
--- no_error_log
[error]



=== TEST 24: proxying to the catalog upstream without catalog_route: 500
--- manifests
>>> one.json
{
  "agency": {"id": "one", "name": "One"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
--- config
    location / {
        proxy_pass http://catalog_backends;
    }
--- request
GET /x
--- error_code: 500
--- error_log
catalog_balancer: no service with backends matched "/x"



=== TEST 25: catalog_portal_url takes one argument
--- config
    location / { catalog_route; catalog_portal_url; }
--- must_die
--- error_log
invalid number of arguments in "catalog_portal_url" directive



=== TEST 26: catalog_portal_url is allowed in http, server and location
--- http_config
    catalog_portal_url https://layanan.example.go.id/;
--- config
    catalog_portal_url /server/;
    location /loc/ {
        catalog_portal_url /location/;
        catalog_route;
    }
    location / {
        catalog_route;
    }
--- request eval
["GET /loc/x", "GET /x"]
--- error_code eval
[503, 503]
--- response_body_like eval
[qr{<a href="/location/">}, qr{<a href="/server/">}]



=== TEST 27: catalog_portal_url at http level only
--- http_config
    catalog_portal_url https://layanan.example.go.id/;
--- config
    location / {
        catalog_route;
    }
--- request
GET /x
--- error_code: 503
--- response_body_like: <a href="https://layanan\.example\.go\.id/">



=== TEST 28: a plain file name that does not exist fails, like "include"
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/none.json;
--- must_die
--- error_log
qr/\[emerg\] .*glob\(\) "\S+\/none\.json" failed \(2: No such file or directory\) in \S+nginx\.conf:\d+/



=== TEST 29: catalog_balancer twice in one upstream
--- http_config
    upstream catalog_backends {
        catalog_balancer;
        catalog_balancer;
    }
--- must_die
--- error_log
qr/"catalog_balancer" directive is duplicate in \S+nginx\.conf:\d+/



=== TEST 30: a catalog_balancer upstream with a server line, after it
--- http_config
    upstream catalog_backends {
        catalog_balancer;
        server 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- must_die
--- error_log
qr/\[emerg\] .*upstream "catalog_backends" with "catalog_balancer" must not have "server" lines in \S+nginx\.conf:\d+: the backends come from the manifests/



=== TEST 31: a catalog_balancer upstream with a server line, before it
--- http_config
    upstream catalog_backends {
        server 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        catalog_balancer;
    }
--- must_die
--- error_log
upstream "catalog_backends" with "catalog_balancer" must not have "server" lines



=== TEST 32: catalog_portal_url twice at one level
--- config
    location / {
        catalog_route;
        catalog_portal_url /a/;
        catalog_portal_url /b/;
    }
--- must_die
--- error_log
qr/"catalog_portal_url" directive is duplicate in \S+nginx\.conf:\d+/
