# Host routes (their own table, tried before the host-less routes) and
# route methods (405 with Allow, no fall back to a shorter prefix).
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/021-hosts-methods.t

use lib 'lib';
use Test::Catalog;

sub req {
    my ($host, $path, $method) = @_;
    return ($method || 'GET') . " $path HTTP/1.1\r\n"
         . (defined $host ? "Host: $host\r\n" : '')
         . "Connection: close\r\n\r\n";
}
# eval sections run in the filter package
{ no warnings "once"; *Test::Base::Filter::req = \&req; }

run_tests();

__DATA__

=== TEST 1: host routes first, case-insensitive, port ignored; fall back to host-less
--- manifests
>>> h.json
{
  "agency": {"id": "h", "name": "Host routes"},
  "services": [
    {"id": "app", "name": "App", "category": "c",
     "routes": [{"path": "/app", "host": "Portal.Example.go.id"},
                {"path": "/only", "host": "portal.example.go.id"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "root", "name": "Root", "category": "c",
     "routes": [{"path": "/", "host": "root.example"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> n.json
{
  "agency": {"id": "n", "name": "Host-less routes"},
  "services": [
    {"id": "app", "name": "App", "category": "c", "routes": [{"path": "/app"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "other", "name": "Other", "category": "c", "routes": [{"path": "/other"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "deep", "name": "Deep", "category": "c", "routes": [{"path": "/app/deep/x"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service $catalog_route_path\n";
    }
--- request_raw eval
[req('portal.example.go.id', '/app'),
 req('PORTAL.Example.GO.ID:8080', '/app/x'),
 req('portal.example.go.id.', '/app'),
 req('localhost', '/app'),
 req('portal.example.go.id', '/other/y'),
 req('portal.example.go.id', '/app/deep/x/1'),
 req('localhost', '/app/deep/x/1'),
 req('localhost', '/only'),
 req('portal.example.go.id', '/only'),
 req('www.portal.example.go.id', '/only'),
 req('portal.example.go.id.evil', '/app'),
 req('root.example', '/anything'),
 req('root.example', '/other'),
 req('Root.Example:443', '/'),
 req('127.0.0.1', '/app')]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 404, 200, 404, 200, 200, 200, 200, 200]
--- response_body eval
["h/app /app\n",
 "h/app /app\n",
 "h/app /app\n",
 "n/app /app\n",
 "n/other /other\n",
 "h/app /app\n",
 "n/deep /app/deep/x\n",
 undef,
 "h/app /only\n",
 undef,
 "n/app /app\n",
 "h/root /\n",
 "h/root /\n",
 "h/root /\n",
 "n/app /app\n"]



=== TEST 2: HTTP/1.0 without Host sees only host-less routes
--- manifests
>>> h.json
{
  "agency": {"id": "h", "name": "Host routes"},
  "services": [
    {"id": "app", "name": "App", "category": "c",
     "routes": [{"path": "/app", "host": "portal.example.go.id"},
                {"path": "/only", "host": "portal.example.go.id"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "root", "name": "Root", "category": "c",
     "routes": [{"path": "/", "host": "localhost"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> n.json
{
  "agency": {"id": "n", "name": "Host-less routes"},
  "services": [
    {"id": "app", "name": "App", "category": "c", "routes": [{"path": "/app"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request_raw eval
["GET /app HTTP/1.0\r\n\r\n",
 "GET /only HTTP/1.0\r\n\r\n",
 "GET /x HTTP/1.0\r\n\r\n",
 "GET /app HTTP/1.0\r\nHost: portal.example.go.id\r\n\r\n",
 "GET /x HTTP/1.0\r\nHost: localhost\r\n\r\n"]
--- error_code eval
[200, 404, 404, 200, 200]
--- response_body eval
["n/app\n", undef, undef, "h/app\n", "h/root\n"]



=== TEST 3: the host of an absolute request line is the request's host
--- manifests
>>> h.json
{
  "agency": {"id": "h", "name": "Host routes"},
  "services": [
    {"id": "app", "name": "App", "category": "c",
     "routes": [{"path": "/app", "host": "portal.example.go.id"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "plain", "name": "Plain", "category": "c",
     "routes": [{"path": "/app"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request_raw eval
["GET http://portal.example.go.id/app/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
 "GET http://localhost/app/x HTTP/1.1\r\nHost: portal.example.go.id\r\nConnection: close\r\n\r\n"]
--- response_body eval
["h/app\n", "h/plain\n"]



=== TEST 4: methods: 405 with Allow, HEAD comes with GET, proxied otherwise
--- manifests
>>> m.json
{
  "agency": {"id": "m", "name": "Methods"},
  "services": [
    {"id": "get", "name": "Get only", "category": "c",
     "routes": [{"path": "/get", "methods": ["GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "post", "name": "Post", "category": "c",
     "routes": [{"path": "/post", "methods": ["POST", "PURGE"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "order", "name": "Order", "category": "c",
     "routes": [{"path": "/order", "methods": ["POST", "GET"]}],
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
        location / {
            add_header X-Backend b1;
            return 200 "$request_method $request_uri\n";
        }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- request_raw eval
[req('localhost', '/get/x'),
 req('localhost', '/get/x', 'HEAD'),
 "POST /get/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello",
 req('localhost', '/get', 'DELETE'),
 req('localhost', '/get', 'OPTIONS'),
 "POST /post HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
 req('localhost', '/post/cache', 'PURGE'),
 req('localhost', '/post'),
 req('localhost', '/post', 'HEAD'),
 req('localhost', '/order', 'PUT'),
 req('localhost', '/order/1', 'GET')]
--- error_code eval
[200, 200, 405, 405, 405, 200, 200, 405, 405, 405, 200]
--- response_headers eval
["X-Backend: b1\n!Allow",
 "X-Backend: b1\n!Allow",
 "Allow: GET, HEAD\n!X-Backend\nContent-Type: text/html; charset=utf-8\nVary: Accept",
 "Allow: GET, HEAD",
 "Allow: GET, HEAD",
 "X-Backend: b1",
 "X-Backend: b1",
 "Allow: POST, PURGE\n!X-Backend",
 "Allow: POST, PURGE",
 "Allow: POST, GET, HEAD",
 "X-Backend: b1"]
--- response_body eval
["GET /get/x\n", "", undef, undef, undef,
 "POST /post\n", "PURGE /post/cache\n", undef, "", undef, "GET /order/1\n"]
--- response_body_like eval
[undef, undef,
 qr{Metode tidak diizinkan.*Metode yang diizinkan: GET, HEAD.*Method not allowed.*Allowed methods: GET, HEAD}s,
 qr{Method not allowed}, qr{Method not allowed}, undef, undef,
 qr{Allowed methods: POST, PURGE}, undef, qr{Allowed methods: POST, GET, HEAD}, undef]



=== TEST 5: no fall back to a shorter prefix on 405
--- manifests
>>> m.json
{
  "agency": {"id": "m", "name": "Methods"},
  "services": [
    {"id": "any", "name": "Any", "category": "c", "routes": [{"path": "/svc"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "admin", "name": "Admin", "category": "c",
     "routes": [{"path": "/svc/admin", "methods": ["GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request_raw eval
[req('localhost', '/svc/admin/x', 'DELETE'),
 req('localhost', '/svc/admin', 'DELETE'),
 req('localhost', '/svc/admin/x', 'GET'),
 req('localhost', '/svc/x', 'DELETE'),
 req('localhost', '/svc/administrator', 'DELETE')]
--- error_code eval
[405, 405, 200, 200, 200]
--- response_headers eval
["Allow: GET, HEAD", "Allow: GET, HEAD", "!Allow", "!Allow", "!Allow"]
--- response_body eval
[undef, undef, "m/admin\n", "m/any\n", "m/any\n"]



=== TEST 6: 405 as JSON
--- manifests
>>> m.json
{
  "agency": {"id": "m", "name": "Methods"},
  "services": [
    {"id": "get", "name": "Get only", "category": "c",
     "routes": [{"path": "/get", "methods": ["GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request
DELETE /get
--- more_headers
Accept: application/json
--- error_code: 405
--- response_headers
Allow: GET, HEAD
Content-Type: application/json; charset=utf-8
Vary: Accept
--- response_body chomp
{"error": {"code": 405, "message": "Metode tidak diizinkan", "service": "m/get", "allow": "GET, HEAD"}}



=== TEST 7: host and methods together: the host route's methods apply
--- manifests
>>> m.json
{
  "agency": {"id": "m", "name": "Methods"},
  "services": [
    {"id": "ro", "name": "Read only", "category": "c",
     "routes": [{"path": "/api", "host": "ro.example", "methods": ["GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "rw", "name": "Read write", "category": "c",
     "routes": [{"path": "/api"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request_raw eval
[req('ro.example', '/api/x', 'DELETE'),
 req('ro.example', '/api/x', 'GET'),
 req('rw.example', '/api/x', 'DELETE')]
--- error_code eval
[405, 200, 200]
--- response_body eval
[undef, "m/ro\n", "m/rw\n"]
