# Manifest errors fail nginx -t with a message that names the file, the
# JSON location, the service and the reason, followed by nginx's
# " in nginx.conf:LINE".  A handful of representative rules end to end;
# every rule is pinned by the cmocka unit tests.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/011-manifest-errors.t

use lib 'lib';
use Test::Catalog;

run_tests();

__DATA__

=== TEST 1: bad agency id
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "Dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die: 1
--- error_log eval
[qr/\[emerg\] .*manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": agency\.id: invalid id "Dukcapil": must match \^\[a-z0-9\]\[a-z0-9-\]\{0,62\}\$ in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 2: bad service id (the second service)
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "kk_baru", "name": "KK", "category": "c", "routes": [{"path": "/kk"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[1\]\.id: invalid id "kk_baru": must match .* in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 3: unknown key in a service (a typo must not pass silently)
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backend": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[0\] \(service "ktp"\): unknown key "backend" in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 4: unknown key in a route
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c",
     "routes": [{"path": "/ktp"}, {"path": "/ktp2", "mtach": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[0\]\.routes\[1\] \(service "ktp"\): unknown key "mtach" in /m]



=== TEST 5: bad route path: a ".." segment
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "kk", "name": "KK", "category": "c",
     "routes": [{"path": "/kk"}, {"path": "/kk/../admin"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[1\]\.routes\[1\]\.path \(service "kk"\): must not contain a "\." or "\.\." segment in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 6: bad route path: percent-encoded
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/k%20tp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[0\]\.routes\[0\]\.path \(service "ktp"\): must not contain "%"/m]



=== TEST 7: the same route in two files names both services and files
--- manifests
>>> a-dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b-imigrasi.json
{
  "agency": {"id": "imigrasi", "name": "Imigrasi"},
  "services": [
    {"id": "paspor", "name": "Paspor", "category": "c",
     "routes": [{"path": "/paspor"}, {"path": "/ktp/"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/b-imigrasi\.json": services\[0\]\.routes\[1\]\.path \(service "paspor"\): route "\/ktp" \(prefix\) is already claimed by service "dukcapil\/ktp" in "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/a-dukcapil\.json" in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 8: an exact and a prefix route at the same path are not a conflict
--- manifests
>>> a-dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b-imigrasi.json
{
  "agency": {"id": "imigrasi", "name": "Imigrasi"},
  "services": [
    {"id": "paspor", "name": "Paspor", "category": "c",
     "routes": [{"path": "/ktp", "match": "exact"},
                {"path": "/ktp", "host": "portal.example"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / { catalog_route; return 200 "$catalog_service\n"; }
--- request
GET /ktp
--- response_body
imigrasi/paspor



=== TEST 9: the same host route twice, host case and trailing slash ignored
--- manifests
>>> a.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c",
     "routes": [{"path": "/ktp", "match": "exact", "host": "Portal.Example.go.id"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "ktp2", "name": "KTP2", "category": "c",
     "routes": [{"path": "/ktp/", "match": "exact", "host": "portal.example.GO.ID"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/a\.json": services\[1\]\.routes\[0\]\.path \(service "ktp2"\): route "\/ktp" \(exact, host "portal\.example\.go\.id"\) is already claimed by service "dukcapil\/ktp" in "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/a\.json"/m]



=== TEST 10: one agency in two files names both files
--- manifests
>>> a.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil (lagi)"},
  "services": [
    {"id": "kk", "name": "KK", "category": "c", "routes": [{"path": "/kk"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/b\.json": agency\.id: agency "dukcapil" is already defined in "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/a\.json" in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 11: one agency in two files loaded by two directives
--- manifests
>>> one/a.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> two/a.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "kk", "name": "KK", "category": "c", "routes": [{"path": "/kk"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/one/*.json;
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/two/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/two\/a\.json": agency\.id: agency "dukcapil" is already defined in "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/one\/a\.json"/m]



=== TEST 12: JSON syntax error names line and column
--- manifests
>>> broken.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/\[emerg\] .*manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/broken\.json": line 5, column \d+: invalid JSON: \S.* in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 13: an empty file is a JSON error
--- manifests
>>> empty.json
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/empty\.json": line \d+, column \d+: invalid JSON: /m]



=== TEST 14: duplicate keys in one object are a JSON error
--- manifests
>>> dup.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil", "name": "Lagi"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dup\.json": line 2, column \d+: invalid JSON: .*name/m]



=== TEST 15: a backend host that cannot be resolved
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "nonexistent.invalid:80"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[0\]\.backends\[1\] \(service "ktp"\): backend "nonexistent\.invalid:80": host not found in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 16: a successor service key that is not in the catalog
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "ktp-lama", "name": "KTP lama", "category": "c",
     "routes": [{"path": "/ktp-lama"}],
     "status": "retired", "successor": "dukcapil/ktp-baru"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[1\]\.successor \(service "ktp-lama"\): successor "dukcapil\/ktp-baru" is not a known service in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 17: a successor key in another file is found (files read in any order)
--- manifests
>>> a.json
{
  "agency": {"id": "lama", "name": "Lama"},
  "services": [
    {"id": "kartu-kuning", "name": "Kartu Kuning", "category": "c",
     "routes": [{"path": "/kartu-kuning"}],
     "status": "retired", "successor": "kemnaker/karirhub"}
  ]
}
>>> b.json
{
  "agency": {"id": "kemnaker", "name": "Kemnaker"},
  "services": [
    {"id": "karirhub", "name": "Karirhub", "category": "c",
     "routes": [{"path": "/karirhub"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / { catalog_route; }
--- request
GET /kartu-kuning
--- error_code: 410
--- response_body_like: <a href="/karirhub">



=== TEST 18: a required key is missing
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[0\]\.category \(service "ktp"\): is required in /m]



=== TEST 19: a service with two outcomes (backends and redirect)
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
     "redirect": {"to": "/baru"}}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/dukcapil\.json": services\[0\] \(service "ktp"\): must have exactly one of "backends", "redirect" or "status": "retired" in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 20: the first bad file stops the load; the good one before it is not enough
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/a"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b.json
{"agency": {"id": "b", "name": "B"}, "services": [], "extra": true}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/b\.json": top level: unknown key "extra"/m]
