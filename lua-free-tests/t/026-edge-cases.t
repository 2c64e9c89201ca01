# Edge cases taken from other routers' own test suites (Envoy, APISIX,
# Kong, httprouter/gin, Traefik), run against this module's contract
# (DESIGN.md, "Agency manifests" and "Routing").  Each block names its
# source.  When the contract answers differently from that router, or
# says nothing, the comment says what this module does.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/026-edge-cases.t

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

=== TEST 1: a segment-aware prefix, query and fragment (Envoy)
# envoyproxy/envoy, test/common/router/config_impl_test.cc,
# path_separated_prefix: "/rest/api" matches itself, "/rest/api/", either
# with "?query" or "#fragment", and "/rest/api/1", never "/rest/api1",
# "/rest/apiX" or (case-sensitive) "/REST/API".  The backend gets the
# decoded path escaped again and the query as sent (a "#fragment" after
# it, which no browser sends, is cut off by nginx).  "..;" is no dot
# segment for nginx: "/rest/api/..;/x" stays under /rest/api.  An empty
# query ("?" alone) reaches the backend without its "?": nginx's proxy
# module writes "?" only before a non-empty $args (the contract is
# silent; stock proxy_pass without a URI would forward the raw "?").
--- manifests
>>> e.json
{
  "agency": {"id": "e", "name": "Envoy"},
  "services": [
    {"id": "rest", "name": "x", "category": "c",
     "routes": [{"path": "/rest/api"}],
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
["GET /rest/api", "GET /rest/api/", "GET /rest/api?param=true",
 "GET /rest/api/?param=true", "GET /rest/api#fragment",
 "GET /rest/api/#fragment", "GET /rest/api/1",
 "GET /rest/api1", "GET /rest/apiX", "GET /REST/API",
 "GET /rest/api?a=%20b+c&&d=%2F#f", "GET /rest/api/%3F?x",
 "GET /rest/api/%23", "GET /rest/api%2F1", "GET /rest/api;v=1",
 "GET /rest/api/..;/x", "GET /rest/api?"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 404, 404, 404,
 200, 200, 200, 200, 404, 200, 200]
--- response_body eval
["e/rest /rest/api\n", "e/rest /rest/api/\n",
 "e/rest /rest/api?param=true\n", "e/rest /rest/api/?param=true\n",
 "e/rest /rest/api\n", "e/rest /rest/api/\n", "e/rest /rest/api/1\n",
 undef, undef, undef,
 "e/rest /rest/api?a=%20b+c&&d=%2F\n", "e/rest /rest/api/%3F?x\n",
 "e/rest /rest/api/%23\n", "e/rest /rest/api/1\n", undef,
 "e/rest /rest/api/..;/x\n", "e/rest /rest/api\n"]
--- response_body_like eval
[undef, undef, undef, undef, undef, undef, undef,
 qr/Halaman tidak ditemukan/, qr/Halaman tidak ditemukan/,
 qr/Halaman tidak ditemukan/, undef, undef, undef, undef,
 qr/Halaman tidak ditemukan/, undef, undef]
--- no_error_log
[error]



=== TEST 2: host routes, then host-less ones (APISIX radixtree_host_uri)
# apache/apisix, t/router/radixtree-host-uri*.t: a route with a host is
# tried before the routes without one, and those are tried when the
# host's own routes have no match; a host with routes and a request
# path none of them matches falls back.  A host route that matches but
# refuses the method is a match: 405, no fall back (contract: "only when
# none of them matches").  APISIX's full match "/hello" is an exact
# route here.  HTTP/1.1 without Host is nginx's 400.
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "APISIX"},
  "services": [
    {"id": "h-root", "name": "x", "category": "c",
     "routes": [{"path": "/", "host": "foo.com"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "h-exact", "name": "x", "category": "c",
     "routes": [{"path": "/hello", "match": "exact", "host": "foo.com",
                 "methods": ["POST"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "any", "name": "x", "category": "c",
     "routes": [{"path": "/hello"},
                {"path": "/server_port", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "bar", "name": "x", "category": "c",
     "routes": [{"path": "/hello/world", "host": "bar.com"}],
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
--- request_raw eval
[req('foo.com', '/hello'), req('foo.com', '/hello', 'POST'),
 req('foo.com', '/hello/x'), req('bar.com', '/hello'),
 req('bar.com', '/hello/world/x'), req('bar.com', '/hello/worldx'),
 req('bar.com', '/server_port/'), req('baz.com', '/hello'),
 req('FOO.com:9080', '/x'), req('foo.com', '/'), req(undef, '/hello'),
 req('bar.com.', '/hello/world')]
--- error_code eval
[405, 200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 200]
--- response_headers eval
["Allow: POST", "!Allow", "!Allow", "!Allow", "!Allow", "!Allow",
 "!Allow", "!Allow", "!Allow", "!Allow", "!Allow", "!Allow"]
--- response_body eval
[undef, "a/h-exact exact /hello\n", "a/h-root prefix /\n",
 "a/any prefix /hello\n", "a/bar prefix /hello/world\n",
 "a/any prefix /hello\n", "a/any exact /server_port\n",
 "a/any prefix /hello\n", "a/h-root prefix /\n", "a/h-root prefix /\n",
 undef, "a/bar prefix /hello/world\n"]



=== TEST 3: strip_path (Kong)
# Kong/kong, spec/02-integration/05-proxy/02-router_spec.lua: strip_path
# of "/x/y/z" sends "/get" for "/x/y/z/get" and "/" for "/x/y/z"; the
# query goes as sent; a UTF-8 path ("/endeløst") matches its escaped
# request.  Differences, by contract: the prefix is segment-aware
# ("/x/y/zget" is not under "/x/y/z"), and the decoded path is escaped
# again ("%2F" becomes "/", "%c3%a9" "%C3%A9"), where Kong forwards the
# raw escapes; "%25" stays an escaped "%".
--- manifests
>>> k.json
{
  "agency": {"id": "k", "name": "Kong"},
  "services": [
    {"id": "xyz", "name": "x", "category": "c",
     "routes": [{"path": "/x/y/z", "strip_prefix": true}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "root", "name": "x", "category": "c",
     "routes": [{"path": "/", "strip_prefix": true}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "utf", "name": "x", "category": "c",
     "routes": [{"path": "/endeløst", "strip_prefix": true},
                {"path": "/foo/bar/", "strip_prefix": true}],
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
["GET /x/y/z/get", "GET /x/y/z", "GET /x/y/z/", "GET /x/y/zget",
 "GET /get?foo=bar&baz", "GET /endel%C3%B8st/x?q=%C3%B8",
 "GET /endeløst", "GET /foo/bar", "GET /foo/bar/baz/",
 "GET /x/y/z/get?a=1/2/3", "GET /x/y/z%2Fget",
 "GET /x/y/z/get%20me/..?x", "GET /x/y/z/a%25b", "GET /x/y/z/caf%c3%a9"]
--- response_body eval
["k/xyz /x/y/z /get\n", "k/xyz /x/y/z /\n", "k/xyz /x/y/z /\n",
 "k/root / /x/y/zget\n", "k/root / /get?foo=bar&baz\n",
 "k/utf /endeløst /x?q=%C3%B8\n", "k/utf /endeløst /\n",
 "k/utf /foo/bar /\n", "k/utf /foo/bar /baz/\n",
 "k/xyz /x/y/z /get?a=1/2/3\n", "k/xyz /x/y/z /get\n",
 "k/xyz /x/y/z /?x\n", "k/xyz /x/y/z /a%25b\n",
 "k/xyz /x/y/z /caf%C3%A9\n"]



=== TEST 4: cleaned paths (httprouter/gin CleanPath)
# julienschmidt/httprouter path_test.go and gin-gonic/gin path_test.go
# (cleanTests): ".", ".." and "//" are resolved before matching; nginx
# does it here.  Differences: a ".." above the root is nginx's 400, where
# CleanPath stops at "/"; "/abc/def/.." keeps nginx's trailing slash.
--- manifests
>>> g.json
{
  "agency": {"id": "g", "name": "gin"},
  "services": [
    {"id": "abc", "name": "x", "category": "c",
     "routes": [{"path": "/abc"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "def", "name": "x", "category": "c",
     "routes": [{"path": "/def", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "mno", "name": "x", "category": "c",
     "routes": [{"path": "/mno"}],
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
["GET /abc//def//ghi", "GET //abc", "GET ///abc//", "GET /abc/./def",
 "GET /./abc/def", "GET /abc/.", "GET /abc/def/ghi/../jkl",
 "GET /abc/def/../ghi/../jkl", "GET /abc/def/..", "GET /abc/./../def",
 "GET /abc//./../def", "GET /abc/.../def",
 "GET /abc/def/../../../ghi/jkl/../../../mno", "GET /abc/def/../../..",
 "GET /../abc"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 400,
 400]
--- response_body eval
["g/abc /abc/def/ghi\n", "g/abc /abc\n", "g/abc /abc/\n",
 "g/abc /abc/def\n", "g/abc /abc/def\n", "g/abc /abc/\n",
 "g/abc /abc/def/jkl\n", "g/abc /abc/jkl\n", "g/abc /abc/\n",
 "g/def /def\n", "g/def /def\n", "g/abc /abc/.../def\n",
 undef, undef, undef]



=== TEST 5: methods against the other outcomes (Traefik, Kong)
# traefik/traefik matcher_test.go TestMethodMatcher and Kong's methods
# routing: a method the route does not list is refused whatever the
# service's outcome.  By contract it is a 405 with Allow (Traefik and
# Kong: 404); the order (405 first, then retired, maintenance, redirect
# or proxy) is README's, as the contract is silent on it.  nginx takes
# methods with "-" and "_" (M-SEARCH), and so do manifests.
--- manifests
>>> m.json
{
  "agency": {"id": "m", "name": "Methods"},
  "services": [
    {"id": "ret", "name": "x", "category": "c", "status": "retired",
     "routes": [{"path": "/ret", "methods": ["GET"]}]},
    {"id": "mnt", "name": "x", "category": "c", "status": "maintenance",
     "routes": [{"path": "/mnt", "methods": ["GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "rd", "name": "x", "category": "c",
     "routes": [{"path": "/rd", "methods": ["GET", "POST"]}],
     "redirect": {"to": "/new", "keep_path": true, "keep_query": true}},
    {"id": "upnp", "name": "x", "category": "c",
     "routes": [{"path": "/p", "methods": ["PURGE", "M-SEARCH"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    absolute_redirect off;
    location / {
        catalog_route;
        return 200 "$catalog_service $catalog_status $catalog_outcome\n";
    }
--- request_raw eval
[req('l', '/ret', 'POST'), req('l', '/ret', 'HEAD'), req('l', '/mnt', 'DELETE'),
 req('l', '/mnt'), req('l', '/rd/a?b', 'POST'), req('l', '/rd/a?b', 'PUT'),
 req('l', '/p', 'PURGE'), req('l', '/p', 'M-SEARCH'), req('l', '/p/x', 'GET')]
--- error_code eval
[405, 410, 405, 503, 301, 405, 200, 200, 405]
--- response_headers eval
["Allow: GET, HEAD", "!Allow", "Allow: GET, HEAD", "!Allow",
 "Location: /new/a?b", "Allow: GET, HEAD, POST", "!Allow", "!Allow",
 "Allow: PURGE, M-SEARCH"]
--- response_body eval
[undef, "", undef, undef, undef, undef, "m/upnp active proxy\n",
 "m/upnp active proxy\n", undef]



=== TEST 6: redirects at the edges (GOV.UK router)
# alphagov/router, redirect_test.go, at the edges of this contract: a
# prefix redirect at "/" keeps the whole path; an exact route answers its
# path with a trailing slash, which a kept path keeps; a "to" without a
# path gets the rest after a "/"; a "to" ending in "/" takes the rest
# without doubling it; a "to" with an empty "?" keeps it; a kept query
# joins the target's own, the fragment last; UTF-8 in "to" is escaped;
# "//host" in a kept path never makes a protocol-relative Location.
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "root", "name": "x", "category": "c", "routes": [{"path": "/"}],
     "redirect": {"to": "https://new.example/", "keep_path": true,
                  "keep_query": true}},
    {"id": "ex", "name": "x", "category": "c",
     "routes": [{"path": "/ex", "match": "exact"}],
     "redirect": {"to": "/new", "keep_path": true, "keep_query": true}},
    {"id": "nohost", "name": "x", "category": "c", "routes": [{"path": "/nh"}],
     "redirect": {"to": "https://new.example", "keep_path": true}},
    {"id": "slash", "name": "x", "category": "c", "routes": [{"path": "/sl"}],
     "redirect": {"to": "/", "keep_path": true}},
    {"id": "q", "name": "x", "category": "c", "routes": [{"path": "/q"}],
     "redirect": {"to": "/n?", "keep_query": true}},
    {"id": "frag", "name": "x", "category": "c", "routes": [{"path": "/f"}],
     "redirect": {"to": "https://e.example/p?a=1#top", "keep_path": true,
                  "keep_query": true}},
    {"id": "utf", "name": "x", "category": "c", "routes": [{"path": "/u"}],
     "redirect": {"to": "/layanan/café", "keep_path": true}}
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
["GET /", "GET /?a=1", "GET /x/y?z", "GET /ex", "GET /ex/?k=v",
 "GET /nh", "GET /nh/", "GET /nh/a", "GET /sl", "GET /sl/a/b/",
 "GET /q?x=1", "GET /q", "GET /f/g?b=2", "GET /u/é?x",
 "GET /%2F%2Fevil.example", "GET /sl/%2F%2Fevil.example"]
--- error_code eval
[(301) x 16]
--- response_headers eval
["Location: https://new.example/", "Location: https://new.example/?a=1",
 "Location: https://new.example/x/y?z", "Location: /new",
 "Location: /new/?k=v", "Location: https://new.example",
 "Location: https://new.example/", "Location: https://new.example/a",
 "Location: /", "Location: /a/b/", "Location: /n?x=1", "Location: /n?",
 "Location: https://e.example/p/g?a=1&b=2#top",
 "Location: /layanan/caf%C3%A9/%C3%A9",
 "Location: https://new.example/evil.example", "Location: /evil.example"]



=== TEST 7: paths other routers read as patterns are literal here
# Kong and APISIX read "/api/*" as a wildcard and httprouter ":id" as a
# parameter; Traefik v2 "{path:...}" as a regexp.  Here a route path is
# a literal segment sequence: "*" and ":id" are characters, reached only
# by a request that sends them.  "...", ".well-known" and "a." are no dot
# segments; "\" is a plain character for nginx on Unix.  The contract is
# silent on such characters; they are accepted.
--- manifests
>>> l.json
{
  "agency": {"id": "l", "name": "Literal"},
  "services": [
    {"id": "star", "name": "x", "category": "c",
     "routes": [{"path": "/api/*"}, {"path": "/users/:id"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "dots", "name": "x", "category": "c",
     "routes": [{"path": "/..."}, {"path": "/a."}, {"path": "/b\\c"}],
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
--- request eval
["GET /api/*", "GET /api/%2A/x", "GET /api/v1", "GET /users/:id/x",
 "GET /users/42", "GET /.../x", "GET /a./b", "GET /a", "GET /b%5Cc/d",
 "GET /b/c"]
--- error_code eval
[200, 200, 404, 200, 404, 200, 200, 404, 200, 404]
--- response_body eval
["l/star /api/*\n", "l/star /api/*\n", undef, "l/star /users/:id\n",
 undef, "l/dots /...\n", "l/dots /a.\n", undef, "l/dots /b\\c\n", undef]



=== TEST 8: a route host written as a URL names the scheme (Traefik)
# traefik/traefik matcher_test.go TestHostMatcher: "Host(`/`)" and a
# non-ASCII host are errors.  Here a host written as a URL is refused
# for its scheme (it used to be "must not have a port").
--- manifests
>>> h.json
{
  "agency": {"id": "h", "name": "Hosts"},
  "services": [
    {"id": "x", "name": "x", "category": "c",
     "routes": [{"path": "/x", "host": "https://layanan.example.go.id"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/h\.json": services\[0\]\.routes\[0\]\.host \(service "x"\): invalid host "https:\/\/layanan\.example\.go\.id": must not have a scheme in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 9: a non-ASCII route host is refused (Traefik)
# traefik/traefik TestHostMatcher "invalid Host matcher (non-ASCII)":
# an internationalised name is written in its xn-- form (accepted, see
# 025-conformance.t TEST 7); browsers send that form.
--- manifests
>>> h.json
{
  "agency": {"id": "h", "name": "Hosts"},
  "services": [
    {"id": "x", "name": "x", "category": "c",
     "routes": [{"path": "/x", "host": "layanan.bücher.example"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/services\[0\]\.routes\[0\]\.host \(service "x"\): invalid host "layanan\.b.*\.example": must be a host name or an IPv4 address in /m]



=== TEST 10: one route, written with host case, a trailing dot and slash
# Kong's and APISIX's duplicate checks compare hosts as written; here a
# host's case and trailing dot, like a path's trailing slash, make no
# new route: the second claim is refused naming the first.
--- manifests
>>> h.json
{
  "agency": {"id": "h", "name": "Hosts"},
  "services": [
    {"id": "one", "name": "x", "category": "c",
     "routes": [{"path": "/x/", "host": "Layanan.Example.GO.ID"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "two", "name": "x", "category": "c",
     "routes": [{"path": "/x", "host": "layanan.example.go.id."}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/services\[1\]\.routes\[0\]\.path \(service "two"\): route "\/x" \(prefix, host "layanan\.example\.go\.id"\) is already claimed by service "h\/one" in "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/h\.json" in /m]



=== TEST 11: resolve takes the methods nginx takes
# The resolve API answers what the router would do: a method nginx
# accepts on a request line ("A-Z", "_" and "-", so M-SEARCH) and a route
# may list is a valid "method" there too; a lower-case or digit one,
# which nginx refuses with 400, is still a 400.
--- manifests
>>> m.json
{
  "agency": {"id": "m", "name": "Methods"},
  "services": [
    {"id": "upnp", "name": "x", "category": "c",
     "routes": [{"path": "/p", "methods": ["M-SEARCH", "GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location /api/catalog/ {
        catalog_api;
    }
--- request eval
["GET /api/catalog/resolve?path=/p&method=M-SEARCH",
 "GET /api/catalog/resolve?path=/p&method=HEAD",
 "GET /api/catalog/resolve?path=/p&method=X_Y",
 "GET /api/catalog/resolve?path=/p&method=-",
 "GET /api/catalog/resolve?path=/p&method=m-search",
 "GET /api/catalog/resolve?path=/p&method=G3T"]
--- error_code eval
[200, 200, 200, 200, 400, 400]
--- response_body_like eval
[qr/^\{"path": "\/p", "method": "M-SEARCH", "host": null, "outcome": "proxy", "service": \{"id": "m\/upnp"/,
 qr/^\{"path": "\/p", "method": "HEAD", "host": null, "outcome": "proxy", /,
 qr/^\{"path": "\/p", "method": "X_Y", "host": null, "outcome": "method_not_allowed", /,
 qr/^\{"path": "\/p", "method": "-", "host": null, "outcome": "method_not_allowed", /,
 qr/^\{"error": \{"code": 400, "message": "invalid \\"method\\": must be an upper-case method name"\}\}$/,
 qr/^\{"error": \{"code": 400, "message": "invalid \\"method\\": must be an upper-case method name"\}\}$/]
