# The $catalog_* variables: in "return" after catalog_route (rewrite
# phase), in proxy_set_header, and in an access log.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/030-variables.t

use lib 'lib';
use Test::Catalog;

run_tests();

__DATA__

=== TEST 1: every variable after a match, seen by "return" in the same location
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp-elektronik", "name": "KTP Elektronik", "category": "kependudukan",
     "routes": [{"path": "/dukcapil/ktp/", "strip_prefix": true},
                {"path": "/ktp", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"],
     "host_header": "ktp.dukcapil.internal"},
    {"id": "kk", "name": "KK", "category": "keluarga",
     "routes": [{"path": "/dukcapil/kk"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_service|$catalog_agency|$catalog_category|$catalog_status|$catalog_route_path|$catalog_match|$catalog_backend_scheme|$catalog_backend_host|$uri\n";
    }
--- request eval
["GET /dukcapil/ktp/cek?nik=1", "GET /ktp/", "GET /dukcapil/kk/anggota"]
--- response_body eval
["dukcapil/ktp-elektronik|dukcapil|kependudukan|active|/dukcapil/ktp|prefix|http|ktp.dukcapil.internal|/cek\n",
 "dukcapil/ktp-elektronik|dukcapil|kependudukan|active|/ktp|exact|http|ktp.dukcapil.internal|/ktp/\n",
 "dukcapil/kk|dukcapil|keluarga|active|/dukcapil/kk|prefix|http|127.0.0.1:$ENV{TEST_NGINX_BACKEND2_PORT}|/dukcapil/kk/anggota\n"]



=== TEST 2: variables in a location without catalog_route: empty, "none", "http"
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/"}],
     "backends": ["https://127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        return 200 "[$catalog_service|$catalog_agency|$catalog_category|$catalog_status|$catalog_route_path|$catalog_match|$catalog_backend_scheme|$catalog_backend_host|$catalog_outcome]\n";
    }
--- request
GET /x
--- response_body
[|||||none|http||]



=== TEST 3: $catalog_backend_host: as the first backend is written, default port left out
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "hp", "name": "S", "category": "c", "routes": [{"path": "/hp"}],
     "backends": ["localhost:8080", "127.0.0.1:9"]},
    {"id": "http80", "name": "S", "category": "c", "routes": [{"path": "/http80"}],
     "backends": ["http://localhost:80"]},
    {"id": "plain80", "name": "S", "category": "c", "routes": [{"path": "/plain80"}],
     "backends": ["127.0.0.1:80"]},
    {"id": "https443", "name": "S", "category": "c", "routes": [{"path": "/https443"}],
     "backends": ["https://localhost:443"]},
    {"id": "https8443", "name": "S", "category": "c", "routes": [{"path": "/https8443"}],
     "backends": ["https://LocalHost:8443"]},
    {"id": "https80", "name": "S", "category": "c", "routes": [{"path": "/https80"}],
     "backends": ["https://127.0.0.1:80"]},
    {"id": "v6", "name": "S", "category": "c", "routes": [{"path": "/v6"}],
     "backends": ["[::1]:8080"]},
    {"id": "hh", "name": "S", "category": "c", "routes": [{"path": "/hh"}],
     "backends": ["https://127.0.0.1:8443"], "host_header": "api.example.go.id"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_backend_scheme $catalog_backend_host\n";
    }
--- request eval
["GET /hp", "GET /http80", "GET /plain80", "GET /https443", "GET /https8443",
 "GET /https80", "GET /v6", "GET /hh"]
--- response_body eval
["http localhost:8080\n", "http localhost\n", "http 127.0.0.1\n",
 "https localhost\n", "https LocalHost:8443\n", "https 127.0.0.1:80\n",
 "http [::1]:8080\n", "https api.example.go.id\n"]



=== TEST 4: $catalog_route_path: no trailing slash, "/" for the root
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "root", "name": "S", "category": "c", "routes": [{"path": "/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "slash", "name": "S", "category": "c",
     "routes": [{"path": "/a/b/"}, {"path": "/e/", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "$catalog_route_path $catalog_match\n";
    }
--- request eval
["GET /", "GET /zzz", "GET /a/b/", "GET /a/b/c", "GET /e", "GET /e/", "GET /e/x"]
--- response_body eval
["/ prefix\n", "/ prefix\n", "/a/b prefix\n", "/a/b prefix\n", "/e exact\n", "/e exact\n",
 "/ prefix\n"]



=== TEST 5: through proxy_set_header: Host and X-Forwarded-Prefix at the backend
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "kependudukan",
     "routes": [{"path": "/dukcapil/ktp", "strip_prefix": true}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
     "host_header": "ktp.dukcapil.internal"},
    {"id": "kk", "name": "KK", "category": "keluarga",
     "routes": [{"path": "/dukcapil/kk/"}],
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
            return 200 "uri=$request_uri host=$http_host prefix=$http_x_forwarded_prefix svc=$http_x_catalog_service\n";
        }
    }
--- config
    location / {
        catalog_route;
        proxy_pass $catalog_backend_scheme://catalog_backends;
        proxy_set_header Host $catalog_backend_host;
        proxy_set_header X-Forwarded-Prefix $catalog_route_path;
        proxy_set_header X-Catalog-Service $catalog_service;
    }
--- request eval
["GET /dukcapil/ktp/status?id=1", "GET /dukcapil/kk/tambah"]
--- response_body eval
["uri=/status?id=1 host=ktp.dukcapil.internal prefix=/dukcapil/ktp svc=dukcapil/ktp\n",
 "uri=/dukcapil/kk/tambah host=127.0.0.1:$ENV{TEST_NGINX_BACKEND_PORT} prefix=/dukcapil/kk svc=dukcapil/kk\n"]
--- no_error_log
[error]



=== TEST 6: in an access log, for every outcome
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "proxy", "name": "P", "category": "cat-p", "routes": [{"path": "/proxy"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "redir", "name": "R", "category": "cat-r",
     "routes": [{"path": "/redir", "match": "exact"}],
     "redirect": {"to": "/proxy"}},
    {"id": "gone", "name": "G", "category": "cat-g", "routes": [{"path": "/gone"}],
     "status": "retired"},
    {"id": "maint", "name": "M", "category": "cat-m", "routes": [{"path": "/maint"}],
     "backends": ["https://localhost:8443"], "status": "maintenance"},
    {"id": "get", "name": "G", "category": "cat-x",
     "routes": [{"path": "/get", "methods": ["GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    log_format catalog '$request_method $uri $status '
                       'service="$catalog_service" agency="$catalog_agency" '
                       'category="$catalog_category" status="$catalog_status" '
                       'route="$catalog_route_path" match="$catalog_match" '
                       'scheme="$catalog_backend_scheme" host="$catalog_backend_host" '
                       'outcome="$catalog_outcome"';
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        access_log off;
        location / { return 200 "ok\n"; }
    }
--- config
    access_log $TEST_NGINX_SERVROOT/logs/catalog.log catalog;
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- request eval
["GET /proxy/x", "GET /redir", "GET /gone/x", "GET /maint", "DELETE /get", "GET /none"]
--- error_code eval
[200, 301, 410, 503, 405, 404]
--- perl
# nginx writes a line in the log phase, after the answer has gone: the
# last one may come a moment after the client has read its answer
my @lines;
for (1 .. 100) {
    open my $fh, '<', servroot() . '/logs/catalog.log' or die $!;
    @lines = <$fh>;
    last if @lines >= 6;
    select undef, undef, undef, 0.02;
}
chomp @lines;
my $b = $ENV{TEST_NGINX_BACKEND_PORT};
is_deeply(\@lines, [
    qq{GET /proxy/x 200 service="a/proxy" agency="a" category="cat-p" status="active" route="/proxy" match="prefix" scheme="http" host="127.0.0.1:$b" outcome="proxy"},
    qq{GET /redir 301 service="a/redir" agency="a" category="cat-r" status="active" route="/redir" match="exact" scheme="http" host="" outcome="redirect"},
    qq{GET /gone/x 410 service="a/gone" agency="a" category="cat-g" status="retired" route="/gone" match="prefix" scheme="http" host="" outcome="gone"},
    qq{GET /maint 503 service="a/maint" agency="a" category="cat-m" status="maintenance" route="/maint" match="prefix" scheme="https" host="localhost:8443" outcome="maintenance"},
    qq{DELETE /get 405 service="a/get" agency="a" category="cat-x" status="active" route="/get" match="prefix" scheme="http" host="127.0.0.1:$b" outcome="method_not_allowed"},
    qq{GET /none 404 service="" agency="" category="" status="" route="" match="none" scheme="http" host="" outcome="not_found"},
], 'one access log line per request, with the catalog variables');



=== TEST 7: "set" after catalog_route sees the match too
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        set $who "$catalog_agency:$catalog_match";
        if ($catalog_service = "a/s") {
            return 200 "if: $who\n";
        }
        return 200 "after: $who\n";
    }
--- request
GET /s/x
--- response_body
if: a:prefix
