# Routing: which service a request reaches and what its backend receives.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/020-routing.t

use lib 'lib';
use Test::Catalog;

run_tests();

__DATA__

=== TEST 1: round robin over two backends (one worker: strict alternation)
--- workers: 1
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT",
                  "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
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
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        location / { return 200 "b2 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
my @who;
for my $i (1 .. 6) {
    my $r = http_get("/ktp/x?i=$i");
    is($r->{status}, 200, "request $i status");
    like($r->{body}, qr{\Ab[12] /ktp/x\?i=$i\n\z}, "request $i body");
    push @who, substr($r->{body}, 0, 2);
}
isnt($who[0], $who[1], 'first two requests go to different backends');
is("@who[2, 4]", "$who[0] $who[0]", 'odd requests: same backend');
is("@who[3, 5]", "$who[1] $who[1]", 'even requests: the other backend');
--- no_error_log
[error]
[warn]



=== TEST 2: method, query and body reach the backend as sent
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
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
            return 200 "$request_method $request_uri len=$content_length x=$http_x_thing\n";
        }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- request
POST /ktp/ajukan?nik=3171%2F01&q=a+b&empty=
nama=budi
--- more_headers
X-Thing: 42
--- response_body
POST /ktp/ajukan?nik=3171%2F01&q=a+b&empty= len=9 x=42



=== TEST 3: strip_prefix sends the rest of the path, "/" when nothing is left
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c",
     "routes": [{"path": "/dukcapil/ktp", "strip_prefix": true},
                {"path": "/ktp", "match": "exact", "strip_prefix": true},
                {"path": "/ktp-el"}],
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
--- request eval
["GET /dukcapil/ktp/status/123?x=1&y=2",
 "GET /dukcapil/ktp",
 "GET /dukcapil/ktp/",
 "GET /dukcapil/ktp?x=1",
 "GET /dukcapil/ktp/?x=1",
 "GET /dukcapil/ktp/a/b/",
 "GET /dukcapil/ktp//a//b",
 "GET /ktp",
 "GET /ktp/?q=1",
 "GET /ktp-el/x?q=1",
 "GET /ktp-el",
 "GET /dukcapil/ktp/caf\xc3\xa9/a<b>?q=<",
 "GET /dukcapil/ktp/a&b+c=d!\$'()*,:;@~"]
--- response_body eval
["/status/123?x=1&y=2\n",
 "/\n",
 "/\n",
 "/?x=1\n",
 "/?x=1\n",
 "/a/b/\n",
 "/a/b\n",
 "/\n",
 "/?q=1\n",
 "/ktp-el/x?q=1\n",
 "/ktp-el\n",
 "/caf%C3%A9/a%3Cb%3E?q=<\n",
 "/a&b+c=d!\$'()*,:;@~\n"]



=== TEST 4: the backend gets the normalised path, escaped again
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "a", "name": "A", "category": "c", "routes": [{"path": "/a"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "b", "name": "B", "category": "c", "routes": [{"path": "/b"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
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
        location / { return 200 "b1 $request_uri\n"; }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        location / { return 200 "b2 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /a/%2e%2e/b",
 "GET /a/%2E%2E/b/rahasia?x=%2e%2e",
 "GET /a/./x/../../b/c",
 "GET /x/%20y",
 "GET /x/a%2Fb",
 "GET /x/%3Fnot-a-query?real=1",
 "GET /x/caf%c3%a9",
 "GET /x/%41%42c",
 "GET /x/a%23b",
 "GET /x/100%25",
 "GET /x//y///z",
 "GET /x/a;b=c,d~e",
 "GET /x/a%0d%0ab%09c%7f",
 "GET /x/a\"b<c>d{e}|f^g`h\\i",
 "GET /x/plain/path-1_a.b~c?q=%2e%2e&r",
 "GET /x/caf\xc3\xa9",
 "GET /a/%2e%2e/x/a&b+c=d!\$'()*,:;@[]~"]
--- response_body eval
["b2 /b\n",
 "b2 /b/rahasia?x=%2e%2e\n",
 "b2 /b/c\n",
 "b1 /x/%20y\n",
 "b1 /x/a/b\n",
 "b1 /x/%3Fnot-a-query?real=1\n",
 "b1 /x/caf%C3%A9\n",
 "b1 /x/ABc\n",
 "b1 /x/a%23b\n",
 "b1 /x/100%25\n",
 "b1 /x/y/z\n",
 "b1 /x/a;b=c,d~e\n",
 "b1 /x/a%0D%0Ab%09c%7F\n",
 "b1 /x/a%22b%3Cc%3Ed%7Be%7D%7Cf%5Eg%60h%5Ci\n",
 "b1 /x/plain/path-1_a.b~c?q=%2e%2e&r\n",
 "b1 /x/caf%C3%A9\n",
 "b1 /x/a&b+c=d!\$'()*,:;@[]~\n"]



=== TEST 5: an exact route beats a prefix route at the same path
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "prefix", "name": "P", "category": "c",
     "routes": [{"path": "/ktp", "match": "prefix"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "exact", "name": "E", "category": "c",
     "routes": [{"path": "/ktp", "match": "exact"}],
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
["GET /ktp", "GET /ktp/", "GET /ktp?a=b", "GET /ktp/x", "GET /ktp/x/", "GET /ktp//"]
--- response_body eval
["a/exact exact /ktp\n",
 "a/exact exact /ktp\n",
 "a/exact exact /ktp\n",
 "a/prefix prefix /ktp\n",
 "a/prefix prefix /ktp\n",
 "a/exact exact /ktp\n"]



=== TEST 6: an exact route answers /ktp and /ktp/ but not /ktp/x
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c",
     "routes": [{"path": "/svc/ktp", "match": "exact"}, {"path": "/ktp/", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "svc", "name": "Svc", "category": "c",
     "routes": [{"path": "/svc"}],
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
["GET /svc/ktp", "GET /svc/ktp/", "GET /svc/ktp/x", "GET /svc/ktpx",
 "GET /ktp", "GET /ktp/", "GET /ktp/x", "GET /ktpx"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 404, 404]
--- response_body eval
["a/ktp exact /svc/ktp\n",
 "a/ktp exact /svc/ktp\n",
 "a/svc prefix /svc\n",
 "a/svc prefix /svc\n",
 "a/ktp exact /ktp\n",
 "a/ktp exact /ktp\n",
 undef, undef]



=== TEST 7: the longest segment-aware prefix wins
--- manifests
>>> djp.json
{
  "agency": {"id": "djp", "name": "DJP"},
  "services": [
    {"id": "pajak", "name": "Pajak", "category": "c", "routes": [{"path": "/pajak"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "spt", "name": "SPT", "category": "c", "routes": [{"path": "/pajak/spt"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> bapenda.json
{
  "agency": {"id": "bapenda", "name": "Bapenda"},
  "services": [
    {"id": "pbb", "name": "PBB", "category": "c", "routes": [{"path": "/pajakbumi"}],
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
["GET /pajak", "GET /pajak/", "GET /pajak/info",
 "GET /pajakbumi", "GET /pajakbumi/bayar",
 "GET /pajak/spt", "GET /pajak/spt/", "GET /pajak/spt/2024/lapor",
 "GET /pajak/sptx", "GET /pajak/sp", "GET /pajak/info/spt",
 "GET /pajakb", "GET /paja", "GET /", "GET /x/pajak"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404, 404, 404, 404]
--- response_body eval
["djp/pajak /pajak\n", "djp/pajak /pajak\n", "djp/pajak /pajak\n",
 "bapenda/pbb /pajakbumi\n", "bapenda/pbb /pajakbumi\n",
 "djp/spt /pajak/spt\n", "djp/spt /pajak/spt\n", "djp/spt /pajak/spt\n",
 "djp/pajak /pajak\n", "djp/pajak /pajak\n", "djp/pajak /pajak\n",
 undef, undef, undef, undef]



=== TEST 8: nested prefixes, three levels deep, and a gap between them
--- manifests
>>> imigrasi.json
{
  "agency": {"id": "imigrasi", "name": "Imigrasi"},
  "services": [
    {"id": "baru", "name": "Paspor baru", "category": "c",
     "routes": [{"path": "/imigrasi/paspor/baru"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "portal", "name": "Imigrasi", "category": "c",
     "routes": [{"path": "/imigrasi"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "paspor", "name": "Paspor", "category": "c",
     "routes": [{"path": "/imigrasi/paspor"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "visa", "name": "Visa", "category": "c",
     "routes": [{"path": "/imigrasi/a/b/c/visa"}],
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
["GET /imigrasi", "GET /imigrasi/visa",
 "GET /imigrasi/paspor", "GET /imigrasi/paspor/perpanjang",
 "GET /imigrasi/paspor/baru", "GET /imigrasi/paspor/baru/form/1",
 "GET /imigrasi/paspor/barux",
 "GET /imigrasi/a/b/c/visa/x", "GET /imigrasi/a/b/c", "GET /imigrasi/a/b/c/visas"]
--- response_body eval
["imigrasi/portal\n", "imigrasi/portal\n",
 "imigrasi/paspor\n", "imigrasi/paspor\n",
 "imigrasi/baru\n", "imigrasi/baru\n",
 "imigrasi/paspor\n",
 "imigrasi/visa\n", "imigrasi/portal\n", "imigrasi/portal\n"]



=== TEST 9: the root route "/" catches what nothing longer matches
--- manifests
>>> a.json
{
  "agency": {"id": "portal", "name": "Portal"},
  "services": [
    {"id": "home", "name": "Home", "category": "c", "routes": [{"path": "/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
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
        location / { return 200 "$request_uri $http_x_prefix\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_set_header X-Prefix "$catalog_service $catalog_route_path $catalog_match";
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /", "GET /?q=1", "GET /anything/else", "GET /ktpx", "GET /ktp/a"]
--- response_body eval
["/ portal/home / prefix\n",
 "/?q=1 portal/home / prefix\n",
 "/anything/else portal/home / prefix\n",
 "/ktpx portal/home / prefix\n",
 "/ktp/a portal/ktp /ktp prefix\n"]



=== TEST 10: matching is case-sensitive
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "lower", "name": "L", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "upper", "name": "U", "category": "c", "routes": [{"path": "/KTP/Baru"}],
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
["GET /ktp", "GET /Ktp", "GET /KTP", "GET /KTP/Baru/x", "GET /KTP/baru", "GET /ktp/Baru"]
--- error_code eval
[200, 404, 404, 200, 404, 200]
--- response_body eval
["a/lower\n", undef, undef, "a/upper\n", undef, "a/lower\n"]



=== TEST 11: UTF-8 route paths match the decoded request
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "kafe", "name": "Kafe", "category": "c",
     "routes": [{"path": "/layanan/caf\u00e9"}],
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
["GET /layanan/caf%C3%A9/menu HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
 "GET /layanan/caf\xc3\xa9 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
 "GET /layanan/cafe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"]
--- error_code eval
[200, 200, 404]
--- response_body eval
["/layanan/caf%C3%A9/menu\n", "/layanan/caf%C3%A9\n", undef]



=== TEST 12: a trailing slash on the route does not matter
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "kk", "name": "KK", "category": "c",
     "routes": [{"path": "/dukcapil/kk/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "akta", "name": "Akta", "category": "c",
     "routes": [{"path": "/akta/", "match": "exact"}],
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
["GET /dukcapil/kk", "GET /dukcapil/kk/", "GET /dukcapil/kk/x",
 "GET /akta", "GET /akta/", "GET /akta/x"]
--- error_code eval
[200, 200, 200, 200, 200, 404]
--- response_body eval
["a/kk /dukcapil/kk\n", "a/kk /dukcapil/kk\n", "a/kk /dukcapil/kk\n",
 "a/akta /akta\n", "a/akta /akta\n", undef]



=== TEST 13: the query string never takes part in matching
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "admin", "name": "Admin", "category": "c", "routes": [{"path": "/ktp/admin"}],
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
["GET /ktp?/admin", "GET /ktp?path=/ktp/admin", "GET /nothing?/ktp"]
--- error_code eval
[200, 200, 404]
--- response_body eval
["a/ktp\n", "a/ktp\n", undef]



=== TEST 14: many services and routes: each still reaches its own
--- manifests eval
my @files;
for my $a (1 .. 20) {
    my @svc = map {
        qq({"id": "s$_", "name": "S$_", "category": "c",
            "routes": [{"path": "/ag$a/s$_"}, {"path": "/x/$a/$_", "match": "exact"}],
            "backends": ["127.0.0.1:1"]})
    } 1 .. 25;
    push @files, ["ag$a.json",
        qq({"agency": {"id": "ag$a", "name": "Agency $a"}, "services": [)
        . CORE::join(",\n", @svc) . "]}\n"];
}
\@files;
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service $catalog_match\n";
    }
--- request eval
["GET /ag1/s1", "GET /ag20/s25/deep/path", "GET /ag7/s13", "GET /x/7/13",
 "GET /x/7/13/more", "GET /ag7/s26", "GET /ag21/s1"]
--- error_code eval
[200, 200, 200, 200, 404, 404, 404]
--- response_body eval
["ag1/s1 prefix\n", "ag20/s25 prefix\n", "ag7/s13 prefix\n", "ag7/s13 exact\n",
 undef, undef, undef]
