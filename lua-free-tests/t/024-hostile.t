# Hostile but valid requests: very deep paths, NUL, invalid UTF-8, odd
# hosts.  No crash, quick answers, the status nginx or the catalog owes.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/024-hostile.t

use lib 'lib';
use Test::Catalog;

run_tests();

__DATA__

=== TEST 1: a path of 4,000 segments: 404 quickly
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/svc/x/y/z"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    large_client_header_buffers 4 64k;
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- perl
use Time::HiRes ();
for my $path ('/a' x 4000, '/svc' . '/x' x 4000, '/' . 'b/' x 30000,
              '/' x 20000 . 'c', '/a' x 4000 . '/') {
    my $t0 = Time::HiRes::time();
    my $r = http_get($path, headers => ['Accept: application/json']);
    my $dt = Time::HiRes::time() - $t0;
    my $what = substr($path, 0, 12) . '... (' . length($path) . ' bytes)';
    is($r->{status}, 404, "$what: 404");
    like($r->{body}, qr/\A\{"error": \{"code": 404, /, "$what: JSON error");
    cmp_ok($dt, '<', 1, "$what: answered within a second");
}
my $r = http_get('/svc/x/y/z' . '/a' x 4000);
is($r->{body}, "a/s\n", 'a deep request under a route still matches it');
--- no_error_log
[error]



=== TEST 2: the deepest route allowed (512 bytes, 256 segments) and deeper requests
--- manifests eval
my $deep = '/a' x 256;
[["a.json", qq({"agency": {"id": "a", "name": "A"}, "services": [
  {"id": "deep", "name": "Deep", "category": "c", "routes": [{"path": "$deep"}],
   "backends": ["127.0.0.1:1"]},
  {"id": "top", "name": "Top", "category": "c", "routes": [{"path": "/a"}],
   "backends": ["127.0.0.1:1"]}]}\n)]]
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    large_client_header_buffers 4 64k;
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request eval
["GET " . ('/a' x 256),
 "GET " . ('/a' x 256) . "/",
 "GET " . ('/a' x 4000),
 "GET " . ('/a' x 255) . "/b",
 "GET " . ('/a' x 256) . "b",
 "GET /a/b"]
--- response_body eval
["a/deep\n", "a/deep\n", "a/deep\n", "a/top\n", "a/top\n", "a/top\n"]



=== TEST 3: NUL in the path: 400 from nginx, before routing
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/"}],
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
--- request eval
["GET /x%00y", "GET /x/%00", "GET /x/../../etc/passwd"]
--- error_code eval
[400, 400, 400]
--- no_error_log
[alert]



=== TEST 4: invalid UTF-8 in the path: 404, or routed under a route
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "x", "name": "X", "category": "c", "routes": [{"path": "/x"}],
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
        location / { return 200 "$request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- request_raw eval
["GET /\xff\xfe/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
 "GET /%ff%fe%c0%af HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
 "GET /x/\xc3\x28/%ed%a0%80 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
 "GET /x/%ff?q=%fe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"]
--- error_code eval
[404, 404, 200, 200]
--- response_body eval
[undef, undef, "/x/%C3(/%ED%A0%80\n", "/x/%FF?q=%fe\n"]
--- no_error_log
[error]



=== TEST 5: odd hosts: a long one, an IPv6 literal, one with a port only
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "h", "name": "H", "category": "c", "routes": [{"path": "/s", "host": "a.example"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    large_client_header_buffers 4 16k;
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request_raw eval
["GET /s HTTP/1.1\r\nHost: " . ('a' x 8000) . ".example\r\nConnection: close\r\n\r\n",
 "GET /s HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n",
 "GET /s HTTP/1.1\r\nHost: :80\r\nConnection: close\r\n\r\n",
 "GET /s HTTP/1.1\r\nHost: A.EXAMPLE.\r\nConnection: close\r\n\r\n",
 "GET /s HTTP/1.1\r\nHost: a.example/evil\r\nConnection: close\r\n\r\n"]
--- error_code eval
[200, 200, 400, 200, 400]
--- response_body eval
["a/s\n", "a/s\n", undef, "a/h\n", undef]



=== TEST 6: merge_slashes off: matching stays segment-aware
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "x", "name": "X", "category": "c", "routes": [{"path": "/x"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "xy", "name": "XY", "category": "c", "routes": [{"path": "/x/y"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    merge_slashes off;
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request eval
["GET /x/y", "GET /x//y", "GET //x/y", "GET /x/y//"]
--- error_code eval
[200, 200, 404, 200]
--- response_body eval
["a/xy\n", "a/x\n", undef, "a/xy\n"]
