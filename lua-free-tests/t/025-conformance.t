# Conformance: cases taken from other routers' own test suites, translated
# to this module's contract (DESIGN.md, "Agency manifests" and "Routing").
# Each block names the suite it comes from; where the contract answers
# differently from that router, the comment says so and why.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/025-conformance.t

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

=== TEST 1: Ingress path rules, one host per rule set (k8s ingress conformance)
# kubernetes-sigs/ingress-controller-conformance, features/path_rules.feature.
# Differences, by contract: an exact route answers its path with a trailing
# slash too ("exact /ktp answers /ktp and /ktp/"), so exact /foo answers
# /foo/ and exact /foo/ answers /foo, where Ingress says 404.
--- manifests
>>> k8s.json
{
  "agency": {"id": "k8s", "name": "Ingress"},
  "services": [
    {"id": "foo-exact", "name": "x", "category": "c",
     "routes": [{"path": "/foo", "match": "exact", "host": "exact-path-rules"},
                {"path": "/foo", "match": "exact", "host": "mixed-path-rules"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "foo-prefix", "name": "x", "category": "c",
     "routes": [{"path": "/foo", "host": "prefix-path-rules"},
                {"path": "/foo", "host": "mixed-path-rules"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "aaa-bbb", "name": "x", "category": "c",
     "routes": [{"path": "/aaa/bbb", "host": "prefix-path-rules"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "aaa", "name": "x", "category": "c",
     "routes": [{"path": "/aaa", "host": "prefix-path-rules"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "aaa-bbb-slash", "name": "x", "category": "c",
     "routes": [{"path": "/aaa/bbb/", "host": "trailing-slash-path-rules"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "foo-slash-exact", "name": "x", "category": "c",
     "routes": [{"path": "/foo/", "match": "exact",
                 "host": "trailing-slash-path-rules"}],
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
            return 200 "$http_x_service $http_x_forwarded_prefix $request_uri\n";
        }
    }
--- config
    location / {
        catalog_route;
        proxy_set_header X-Service "$catalog_service:$catalog_match";
        proxy_set_header X-Forwarded-Prefix $catalog_route_path;
        proxy_pass http://catalog_backends;
    }
--- request_raw eval
[req('exact-path-rules', '/foo'),
 req('exact-path-rules', '/foo/'),
 req('exact-path-rules', '/FOO'),
 req('exact-path-rules', '/bar'),
 req('exact-path-rules', '/foo/bar'),
 req('prefix-path-rules', '/foo'),
 req('prefix-path-rules', '/foo/'),
 req('prefix-path-rules', '/FOO'),
 req('prefix-path-rules', '/aaa/bbb'),
 req('prefix-path-rules', '/aaa/bbb/ccc'),
 req('prefix-path-rules', '/aaa/ccc'),
 req('prefix-path-rules', '/aaaccc'),
 req('prefix-path-rules', '/aaa/bbbccc'),
 req('mixed-path-rules', '/foo'),
 req('mixed-path-rules', '/foo/bar'),
 req('trailing-slash-path-rules', '/aaa/bbb'),
 req('trailing-slash-path-rules', '/aaa/bbb/'),
 req('trailing-slash-path-rules', '/foo'),
 req('trailing-slash-path-rules', '/foo/'),
 req('unknown-host', '/foo')]
--- error_code eval
[200, 200, 404, 404, 404, 200, 200, 404, 200, 200, 200, 404, 200,
 200, 200, 200, 200, 200, 200, 404]
--- response_body eval
["k8s/foo-exact:exact /foo /foo\n",
 "k8s/foo-exact:exact /foo /foo/\n",
 undef, undef, undef,
 "k8s/foo-prefix:prefix /foo /foo\n",
 "k8s/foo-prefix:prefix /foo /foo/\n",
 undef,
 "k8s/aaa-bbb:prefix /aaa/bbb /aaa/bbb\n",
 "k8s/aaa-bbb:prefix /aaa/bbb /aaa/bbb/ccc\n",
 "k8s/aaa:prefix /aaa /aaa/ccc\n",
 undef,
 "k8s/aaa:prefix /aaa /aaa/bbbccc\n",
 "k8s/foo-exact:exact /foo /foo\n",
 "k8s/foo-prefix:prefix /foo /foo/bar\n",
 "k8s/aaa-bbb-slash:prefix /aaa/bbb /aaa/bbb\n",
 "k8s/aaa-bbb-slash:prefix /aaa/bbb /aaa/bbb/\n",
 "k8s/foo-slash-exact:exact /foo /foo\n",
 "k8s/foo-slash-exact:exact /foo /foo/\n",
 undef]
--- response_body_like eval
[undef, undef, qr/Halaman tidak ditemukan/, qr/Halaman tidak ditemukan/,
 qr/Halaman tidak ditemukan/, undef, undef, qr/Halaman tidak ditemukan/,
 undef, undef, undef, qr/Halaman tidak ditemukan/, undef, undef, undef,
 undef, undef, undef, undef, qr/Halaman tidak ditemukan/]
--- no_error_log
[error]



=== TEST 2: exact and prefix children of a prefix (GOV.UK router)
# alphagov/router, integration_tests/route_selection_test.go: "simple exact
# routes", "prefix route with children" (an exact child, a deeper prefix
# child), "prefix and exact route at the same level".  A child of an exact
# route falls back to the enclosing prefix; a child of an exact route with
# no enclosing prefix is a 404.
--- manifests
>>> gov.json
{
  "agency": {"id": "gov", "name": "GOV"},
  "services": [
    {"id": "outer", "name": "x", "category": "c",
     "routes": [{"path": "/foo"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "inner", "name": "x", "category": "c",
     "routes": [{"path": "/foo/bar", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "innerer", "name": "x", "category": "c",
     "routes": [{"path": "/foo/bar/baz"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "exact-only", "name": "x", "category": "c",
     "routes": [{"path": "/qux", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "same-prefix", "name": "x", "category": "c",
     "routes": [{"path": "/same"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "same-exact", "name": "x", "category": "c",
     "routes": [{"path": "/same", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service $catalog_match $catalog_route_path\n";
    }
--- request eval
["GET /foo", "GET /foo/baz", "GET /foo/bar.json",
 "GET /foo/bar", "GET /foo/bar/", "GET /foo/bar/wibble", "GET /foo/bar/baz.json",
 "GET /foo/bar/baz", "GET /foo/bar/baz/wibble",
 "GET /qux", "GET /qux/", "GET /qux/bar", "GET /qux.json", "GET /wibble", "GET /",
 "GET /same", "GET /same/", "GET /same/bar", "GET /samex"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200, 200,
 200, 200, 404, 404, 404, 404,
 200, 200, 200, 404]
--- response_body eval
["gov/outer prefix /foo\n", "gov/outer prefix /foo\n", "gov/outer prefix /foo\n",
 "gov/inner exact /foo/bar\n", "gov/inner exact /foo/bar\n",
 "gov/outer prefix /foo\n", "gov/outer prefix /foo\n",
 "gov/innerer prefix /foo/bar/baz\n", "gov/innerer prefix /foo/bar/baz\n",
 "gov/exact-only exact /qux\n", "gov/exact-only exact /qux\n",
 undef, undef, undef, undef,
 "gov/same-exact exact /same\n", "gov/same-exact exact /same\n",
 "gov/same-prefix prefix /same\n", undef]



=== TEST 3: routes at the root and double slashes (GOV.UK router)
# alphagov/router, route_selection_test.go: "routes at the root level" (an
# exact "/" answers "/" only) and "double slashes" (collapsed for the
# lookup).  By contract the backend receives the normalised path, so
# /foo//bar reaches it as /foo/bar, where GOV.UK's router passes it as is.
--- manifests
>>> gov.json
{
  "agency": {"id": "gov", "name": "GOV"},
  "services": [
    {"id": "root", "name": "x", "category": "c",
     "routes": [{"path": "/", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "other", "name": "x", "category": "c",
     "routes": [{"path": "/foo/bar"}],
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
        location / { return 200 "$http_x_service $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_set_header X-Service $catalog_service;
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /", "GET /?q=1", "GET //", "GET /bar", "GET /foo",
 "GET /foo//bar", "GET /foo/bar/baz//qux", "GET //foo/bar?x=1"]
--- error_code eval
[200, 200, 200, 404, 404, 200, 200, 200]
--- response_body eval
["gov/root /\n", "gov/root /?q=1\n", "gov/root /\n", undef, undef,
 "gov/other /foo/bar\n", "gov/other /foo/bar/baz/qux\n",
 "gov/other /foo/bar?x=1\n"]



=== TEST 4: exact beats prefix, case matters (nginx location tests)
# nginx/nginx-tests, http_location.t: "= /" beats "/", "= /foo" beats
# "/foo", "= /foo/" and "/foo/", and the /lowercase and /UPPERCASE
# locations of ticket #90.  Differences, by contract: prefixes are
# segment-aware, so /foobar is not under /foo (nginx's "/foo prefix"
# answers it), and /foo and /foo/ are one path.
--- manifests
>>> n.json
{
  "agency": {"id": "n", "name": "nginx"},
  "services": [
    {"id": "exactlyroot", "name": "x", "category": "c",
     "routes": [{"path": "/", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "root", "name": "x", "category": "c",
     "routes": [{"path": "/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "foo-exact", "name": "x", "category": "c",
     "routes": [{"path": "/foo", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "foo-prefix", "name": "x", "category": "c",
     "routes": [{"path": "/foo/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "images", "name": "x", "category": "c",
     "routes": [{"path": "/images/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "lowercase", "name": "x", "category": "c",
     "routes": [{"path": "/lowercase"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "uppercase", "name": "x", "category": "c",
     "routes": [{"path": "/UPPERCASE"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service $catalog_match\n";
    }
--- request eval
["GET /", "GET /x", "GET /images/t.gif", "GET /t.gif",
 "GET /foo", "GET /foobar", "GET /foo/", "GET /foo/bar",
 "GET /lowercase", "GET /UPPERCASE", "GET /LOWERCASE/x", "GET /uppercase"]
--- response_body eval
["n/exactlyroot exact\n", "n/root prefix\n", "n/images prefix\n",
 "n/root prefix\n",
 "n/foo-exact exact\n", "n/root prefix\n", "n/foo-exact exact\n",
 "n/foo-prefix prefix\n",
 "n/lowercase prefix\n", "n/uppercase prefix\n", "n/root prefix\n",
 "n/root prefix\n"]



=== TEST 5: dot segments, args, fragments, absolute request lines (nginx)
# nginx/nginx-tests, http_uri.t: "/foo/bar/." is /foo/bar/, "/foo/bar/.."
# is /foo/, also before "?args" and "#frag"; an absolute request line
# without a path is "/"; a bad escape is 400; an escaped control character
# is decoded.  The route sees nginx's normalised path and the backend
# receives it, escaped again, with the query as sent.
--- manifests
>>> n.json
{
  "agency": {"id": "n", "name": "nginx"},
  "services": [
    {"id": "foo", "name": "x", "category": "c", "routes": [{"path": "/foo"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "bar", "name": "x", "category": "c", "routes": [{"path": "/foo/bar"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "root", "name": "x", "category": "c",
     "routes": [{"path": "/", "match": "exact"}],
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
        location / { return 200 "$http_x_service $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_set_header X-Service $catalog_service;
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /foo/bar/.?args", "GET /foo/bar/.#frag", "GET /foo/bar/..?args",
 "GET /foo/bar/..#frag", "GET /foo/bar/.", "GET /foo/bar/..",
 "GET /foo/bar/x/../../bar/y", "GET /foo/%2e/bar/%2E%2E/bar",
 "GET http://localhost", "GET http://localhost/?args",
 "GET http://localhost:8080?args#frag", "GET http://localhost/foo/bar/z?a",
 "GET /foo/bar%", "GET /foo/bar%1", "GET /foo/%02"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 400, 200]
--- response_body eval
["n/bar /foo/bar/?args\n", "n/bar /foo/bar/\n", "n/foo /foo/?args\n",
 "n/foo /foo/\n", "n/bar /foo/bar/\n", "n/foo /foo/\n",
 "n/bar /foo/bar/y\n", "n/bar /foo/bar\n",
 "n/root /\n", "n/root /?args\n", "n/root /?args\n", "n/bar /foo/bar/z?a\n",
 undef, undef, "n/foo /foo/%02\n"]



=== TEST 6: merge_slashes off (nginx)
# nginx/nginx-tests, merge_slashes.t: with merge_slashes off,
# "/foo//../bar" is /foo/bar and "/foo///../bar" is /foo//bar.  The
# empty segment keeps /foo//bar out of the /foo/bar route.
--- manifests
>>> n.json
{
  "agency": {"id": "n", "name": "nginx"},
  "services": [
    {"id": "foo", "name": "x", "category": "c", "routes": [{"path": "/foo"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "bar", "name": "x", "category": "c", "routes": [{"path": "/foo/bar"}],
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
        merge_slashes off;
        location / { return 200 "$http_x_service $request_uri\n"; }
    }
--- config
    merge_slashes off;
    location / {
        catalog_route;
        proxy_set_header X-Service $catalog_service;
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /foo//../bar", "GET /foo///../bar"]
--- response_body eval
["n/bar /foo/bar\n", "n/foo /foo//bar\n"]



=== TEST 6b: strip_prefix never hands a backend a path starting with "//"
# What remains after the prefix starts with one "/": with merge_slashes
# off (or "/%2F") it could otherwise read as "//evil.example/", a host to
# a backend that builds URLs from its path.  Without strip_prefix the path
# goes as it is: it starts with the route's own segment.
--- manifests
>>> s.json
{
  "agency": {"id": "s", "name": "Strip"},
  "services": [
    {"id": "x", "name": "x", "category": "c",
     "routes": [{"path": "/x", "strip_prefix": true}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "y", "name": "y", "category": "c",
     "routes": [{"path": "/y"}],
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
        merge_slashes off;
        location / { return 200 "$http_x_service $request_uri\n"; }
    }
--- config
    merge_slashes off;
    location / {
        catalog_route;
        proxy_set_header X-Service $catalog_service;
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /x//evil.example/a", "GET /x///evil.example/", "GET /x/%2Fy?q=1",
 "GET /x//", "GET /y//evil.example/"]
--- response_body eval
["s/x /evil.example/a\n", "s/x /evil.example/\n", "s/x /y?q=1\n",
 "s/x /\n", "s/y /y//evil.example/\n"]



=== TEST 7: hosts: case, port, trailing dot, fallback (nginx, Traefik)
# nginx/nginx-tests, http_host.t (upper case, ":port", stray ":", ending
# dot, absolute request lines) and traefik/traefik,
# pkg/muxer/http/matcher_test.go TestHostMatcher (a rule ending with a
# dot, a rule in upper case, a puny-coded name).  A request whose host has
# no route of its own falls back to the host-less routes; HTTP/1.0 without
# Host sees only those.
--- manifests
>>> h.json
{
  "agency": {"id": "h", "name": "Hosts"},
  "services": [
    {"id": "com", "name": "x", "category": "c",
     "routes": [{"path": "/p", "host": "example.com"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "org", "name": "x", "category": "c",
     "routes": [{"path": "/p", "host": "EXAMPLE.ORG."}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "puny", "name": "x", "category": "c",
     "routes": [{"path": "/p", "host": "xn--9t9h.com"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "ip", "name": "x", "category": "c",
     "routes": [{"path": "/p", "host": "123.40.56.78"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "any", "name": "x", "category": "c",
     "routes": [{"path": "/p"}],
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
[req('example.com', '/p'),
 req('EXAMPLE.COM', '/p/path'),
 req('example.com:8080', '/p'),
 req('example.com.', '/p'),
 req('example.com.:88', '/p'),
 req('example.com:', '/p'),
 req('example.org', '/p'),
 req('Example.Org.', '/p'),
 req('xn--9t9h.com', '/p'),
 req('123.40.56.78:987', '/p'),
 req('123.40.56.78:', '/p'),
 req('www.example.com', '/p'),
 req('example.co', '/p'),
 req('[::1]:80', '/p'),
 "GET http://Example.COM:10/p HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n",
 "GET /p HTTP/1.0\r\n\r\n",
 "GET http://example.com/p HTTP/1.0\r\n\r\n",
 req('..example.com', '/p'),
 req('example.com/p', '/p')]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
 200, 200, 200, 400, 400]
--- response_body eval
["h/com\n", "h/com\n", "h/com\n", "h/com\n", "h/com\n", "h/com\n",
 "h/org\n", "h/org\n", "h/puny\n", "h/ip\n", "h/ip\n",
 "h/any\n", "h/any\n", "h/any\n",
 "h/com\n", "h/any\n", "h/com\n", undef, undef]



=== TEST 8: strip_prefix (Traefik StripPrefix middleware)
# traefik/traefik, pkg/middlewares/stripprefix/strip_prefix_test.go.
# Differences, by contract: the stripping is segment-aware (/status is not
# under /stat: Traefik strips it to /us), the backend receives the
# decoded path escaped again (/stat/a%2Fb reaches it as /a/b, where
# Traefik keeps the raw /a%2Fb), and the prefix forwarded through
# $catalog_route_path has no trailing slash.
--- manifests
>>> t.json
{
  "agency": {"id": "t", "name": "Traefik"},
  "services": [
    {"id": "stat", "name": "x", "category": "c",
     "routes": [{"path": "/stat", "strip_prefix": true}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "api", "name": "x", "category": "c",
     "routes": [{"path": "/api/", "strip_prefix": true}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "root", "name": "x", "category": "c",
     "routes": [{"path": "/", "strip_prefix": true}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "exact", "name": "x", "category": "c",
     "routes": [{"path": "/ex/a", "match": "exact", "strip_prefix": true}],
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
            return 200 "$http_x_service $http_x_forwarded_prefix $request_uri\n";
        }
    }
--- config
    location / {
        catalog_route;
        proxy_set_header X-Service $catalog_service;
        proxy_set_header X-Forwarded-Prefix $catalog_route_path;
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /stat", "GET /stat/", "GET /stat/us", "GET /status",
 "GET /stat/a%2Fb", "GET /st%61t/a%2Fb?x=%2F", "GET /ap%69/a%2Fb",
 "GET /api", "GET /api/", "GET /api/x/?q",
 "GET /api./foo", "GET /api../foo",
 "GET /", "GET /?a=b", "GET /a/b?c",
 "GET /ex/a", "GET /ex/a/?q=1", "GET /ex/a/b",
 "GET /stat/x/%2e%2e/y", "GET /stat/%2e%2e/api/z", "GET /stat%2Fq",
 "GET /stat/%7Bpath:css%7D"]
--- response_body eval
["t/stat /stat /\n", "t/stat /stat /\n", "t/stat /stat /us\n",
 "t/root / /status\n",
 "t/stat /stat /a/b\n", "t/stat /stat /a/b?x=%2F\n", "t/api /api /a/b\n",
 "t/api /api /\n", "t/api /api /\n", "t/api /api /x/?q\n",
 "t/root / /api./foo\n", "t/root / /api../foo\n",
 "t/root / /\n", "t/root / /?a=b\n", "t/root / /a/b?c\n",
 "t/exact /ex/a /\n", "t/exact /ex/a /?q=1\n", "t/root / /ex/a/b\n",
 "t/stat /stat /y\n", "t/api /api /z\n", "t/stat /stat /q\n",
 "t/stat /stat /%7Bpath:css%7D\n"]



=== TEST 9: an exact path (Traefik Path matcher)
# traefik/traefik, pkg/muxer/http/matcher_test.go TestPathMatcher and
# TestPathRegexpMatcher (escaped braces).  Difference, by contract: an
# exact route answers its path with a trailing slash (Traefik: 404).
--- manifests
>>> t.json
{
  "agency": {"id": "t", "name": "Traefik"},
  "services": [
    {"id": "css", "name": "x", "category": "c",
     "routes": [{"path": "/css", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "braces", "name": "x", "category": "c",
     "routes": [{"path": "/{path:js}"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service $catalog_match\n";
    }
--- request eval
["GET /", "GET /html", "GET /css", "GET /css/", "GET /css/main.css",
 "GET /CSS", "GET /css?x=1", "GET /c%73s",
 "GET /%7Bpath:js%7D", "GET /%7Bpath:js%7D/", "GET /%7bpath%3ajs%7d/x"]
--- error_code eval
[404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 200]
--- response_body eval
[undef, undef, "t/css exact\n", "t/css exact\n", undef, undef,
 "t/css exact\n", "t/css exact\n",
 "t/braces prefix\n", "t/braces prefix\n", "t/braces prefix\n"]



=== TEST 10: characters a path may hold, written decoded (RFC 3986, Kong)
# Kong normalises paths per RFC 3986 before matching (Kong/kong PR #6976):
# escapes of any character are decoded, so a route written with
# sub-delimiters answers the request that escapes them, and a request
# that differs by one character after the last segment does not match.
# /.well-known is a segment, not a dot segment.
--- manifests
>>> k.json
{
  "agency": {"id": "k", "name": "Kong"},
  "services": [
    {"id": "sub", "name": "x", "category": "c",
     "routes": [{"path": "/a+b:c@d~e!f$g&h'i(j)k*l,m;n=o"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "acme", "name": "x", "category": "c",
     "routes": [{"path": "/.well-known/acme-challenge", "strip_prefix": true}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "v1", "name": "x", "category": "c",
     "routes": [{"path": "/v1.0/items"}],
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
        location / { return 200 "$http_x_service $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_set_header X-Service $catalog_service;
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /a+b:c\@d~e!f\$g&h'i(j)k*l,m;n=o/z",
 "GET /a%2Bb%3Ac%40d%7Ee%21f%24g%26h%27i%28j%29k%2Al%2Cm%3Bn%3Do",
 "GET /a+b:c\@d~e!f\$g&h'i(j)k*l,m;n=ox",
 "GET /.well-known/acme-challenge/tok",
 "GET /%2Ewell-known/acme-challenge/t2",
 "GET /.well-known/acme-challenge",
 "GET /v1%2E0/items/1", "GET /v1.0/./items/2", "GET /v1.0/x/../items/3",
 "GET /v1.0/itemsx"]
--- error_code eval
[200, 200, 404, 200, 200, 200, 200, 200, 200, 404]
--- response_body eval
["k/sub /a+b:c\@d~e!f\$g&h'i(j)k*l,m;n=o/z\n",
 "k/sub /a+b:c\@d~e!f\$g&h'i(j)k*l,m;n=o\n",
 undef,
 "k/acme /tok\n", "k/acme /t2\n", "k/acme /\n",
 "k/v1 /v1.0/items/1\n", "k/v1 /v1.0/items/2\n", "k/v1 /v1.0/items/3\n",
 undef]



=== TEST 11: methods: 405 with Allow, HEAD only with GET, no fallback
# traefik/traefik, pkg/muxer/http/matcher_test.go TestMethodMatcher
# (Method(`GET`): GET matches, POST does not).  By contract a route that
# exists but refuses the method answers 405 with Allow (Traefik: 404),
# GET brings HEAD, nothing else does, and the exact route's 405 does not
# fall back to the prefix route at the same path.
--- manifests
>>> m.json
{
  "agency": {"id": "m", "name": "Methods"},
  "services": [
    {"id": "ex", "name": "x", "category": "c",
     "routes": [{"path": "/x", "match": "exact", "methods": ["GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "px", "name": "x", "category": "c", "routes": [{"path": "/x"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "head", "name": "x", "category": "c",
     "routes": [{"path": "/h", "methods": ["HEAD"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "opt", "name": "x", "category": "c",
     "routes": [{"path": "/opt", "methods": ["OPTIONS", "PATCH"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "gh", "name": "x", "category": "c",
     "routes": [{"path": "/gh", "methods": ["GET", "HEAD"]}],
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
        location / { return 200 "$request_method $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- request_raw eval
[req('localhost', '/x'), req('localhost', '/x', 'HEAD'),
 req('localhost', '/x', 'DELETE'), req('localhost', '/x/', 'PROPFIND'),
 req('localhost', '/x/y', 'DELETE'),
 req('localhost', '/h', 'HEAD'), req('localhost', '/h'),
 req('localhost', '/opt', 'OPTIONS'), req('localhost', '/opt', 'HEAD'),
 req('localhost', '/opt/1', 'GET'),
 req('localhost', '/gh', 'HEAD'), req('localhost', '/gh', 'PUT')]
--- error_code eval
[200, 200, 405, 405, 200, 200, 405, 200, 405, 405, 200, 405]
--- response_headers eval
["!Allow", "!Allow", "Allow: GET, HEAD", "Allow: GET, HEAD", "!Allow",
 "!Allow", "Allow: HEAD", "!Allow", "Allow: OPTIONS, PATCH",
 "Allow: OPTIONS, PATCH", "!Allow", "Allow: GET, HEAD"]
--- response_body eval
["GET /x\n", "", undef, undef, "DELETE /x/y\n",
 "", undef, "OPTIONS /opt\n", "", undef, "", undef]
--- response_body_like eval
[undef, undef, qr/Allowed methods: GET, HEAD/, qr/Allowed methods: GET, HEAD/,
 undef, undef, qr/Allowed methods: HEAD/, undef, undef,
 qr/Allowed methods: OPTIONS, PATCH/, undef, qr/Allowed methods: GET, HEAD/]



=== TEST 12: redirects (GOV.UK router)
# alphagov/router, integration_tests/redirect_test.go: exact, prefix and
# external redirects; the query is dropped unless asked for, the target's
# own query and fragment are kept, extra path sections are kept or not,
# an escaped target keeps its escapes, 30 minutes of caching.  GOV.UK
# keeps the path and query of prefix redirects by default; by contract
# both default to false.  Its _ga handling has no equivalent here.
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "foo", "name": "x", "category": "c",
     "routes": [{"path": "/foo", "match": "exact"}],
     "redirect": {"to": "/bar"}},
    {"id": "query-temp", "name": "x", "category": "c",
     "routes": [{"path": "/query-temp", "match": "exact"}],
     "redirect": {"to": "/bar?query=true", "code": 302}},
    {"id": "fragment", "name": "x", "category": "c",
     "routes": [{"path": "/fragment", "match": "exact"}],
     "redirect": {"to": "/bar#section", "code": 307}},
    {"id": "preserve-query", "name": "x", "category": "c",
     "routes": [{"path": "/preserve-query", "match": "exact"}],
     "redirect": {"to": "/qux", "keep_query": true, "code": 308}},
    {"id": "pfoo", "name": "x", "category": "c",
     "routes": [{"path": "/pfoo"}],
     "redirect": {"to": "/bar", "keep_path": true, "keep_query": true}},
    {"id": "pqux", "name": "x", "category": "c",
     "routes": [{"path": "/pqux"}],
     "redirect": {"to": "/baz"}},
    {"id": "special", "name": "x", "category": "c",
     "routes": [{"path": "/foo-bar"}],
     "redirect": {"to": "/bar%20baz", "keep_path": true}},
    {"id": "ext", "name": "x", "category": "c",
     "routes": [{"path": "/ext", "match": "exact"}],
     "redirect": {"to": "http://foo.example.com/baz", "keep_query": true}},
    {"id": "extp", "name": "x", "category": "c",
     "routes": [{"path": "/extp"}],
     "redirect": {"to": "http://bar.example.com/bar", "keep_path": true,
                  "keep_query": true}},
    {"id": "params", "name": "x", "category": "c",
     "routes": [{"path": "/query-paramed"}],
     "redirect": {"to": "https://param.example.go.id?included-param=true",
                  "keep_path": true, "keep_query": true}}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    absolute_redirect off;
    location / {
        catalog_route;
        return 200 "not reached\n";
    }
--- request eval
["GET /foo", "GET /foo?baz=qux", "GET /foo/?baz=qux", "GET /foo/x",
 "GET /query-temp?a=b", "GET /fragment/", "GET /preserve-query?foo=bar",
 "GET /pfoo", "GET /pfoo/baz", "GET /pfoo?baz=qux", "GET /pfoo/a/b/?c=d",
 "GET /pqux/quux?foo=bar",
 "GET /foo-bar/some%20thing", "GET /foo-bar/caf%C3%A9",
 "GET /ext?foo=qux", "GET /ext",
 "GET /extp/baz?a=1", "GET /extp",
 "GET /query-paramed?unwanted_param=blah&_ga=12345",
 "GET /query-paramed/x"]
--- error_code eval
[301, 301, 301, 404, 302, 307, 308, 301, 301, 301, 301, 301, 301, 301,
 301, 301, 301, 301, 301, 301]
--- response_headers eval
["Location: /bar\nCache-Control: public, max-age=1800",
 "Location: /bar",
 "Location: /bar",
 "!Location",
 "Location: /bar?query=true\n!Cache-Control",
 "Location: /bar#section\n!Cache-Control",
 "Location: /qux?foo=bar\nCache-Control: public, max-age=1800",
 "Location: /bar",
 "Location: /bar/baz",
 "Location: /bar?baz=qux",
 "Location: /bar/a/b/?c=d",
 "Location: /baz",
 "Location: /bar%20baz/some%20thing",
 "Location: /bar%20baz/caf%C3%A9",
 "Location: http://foo.example.com/baz?foo=qux",
 "Location: http://foo.example.com/baz",
 "Location: http://bar.example.com/bar/baz?a=1",
 "Location: http://bar.example.com/bar",
 "Location: https://param.example.go.id?included-param=true&unwanted_param=blah&_ga=12345",
 "Location: https://param.example.go.id/x?included-param=true"]
