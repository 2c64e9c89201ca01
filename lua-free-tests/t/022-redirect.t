# Redirect services: code, Location (keep_path, keep_query, the target's own
# query and fragment, absolute targets) and Cache-Control.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/022-redirect.t

use lib 'lib';
use Test::Catalog;

run_tests();

__DATA__

=== TEST 1: codes: 301 by default and 308 are cacheable, 302 and 307 are not
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "default", "name": "D", "category": "c", "routes": [{"path": "/lama"}],
     "redirect": {"to": "/baru"}},
    {"id": "c301", "name": "301", "category": "c", "routes": [{"path": "/c301"}],
     "redirect": {"to": "/baru", "code": 301}},
    {"id": "c302", "name": "302", "category": "c", "routes": [{"path": "/c302"}],
     "redirect": {"to": "/baru", "code": 302}},
    {"id": "c307", "name": "307", "category": "c", "routes": [{"path": "/c307"}],
     "redirect": {"to": "/baru", "code": 307}},
    {"id": "c308", "name": "308", "category": "c", "routes": [{"path": "/c308"}],
     "redirect": {"to": "/baru", "code": 308}}
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
["GET /lama/x?y=1", "GET /c301", "GET /c302/x?y=1", "POST /c307/x?y=1",
 "GET /c308/x?y=1", "HEAD /lama"]
--- error_code eval
[301, 301, 302, 307, 308, 301]
--- response_headers eval
["Location: /baru\nCache-Control: public, max-age=1800",
 "Location: /baru\nCache-Control: public, max-age=1800",
 "Location: /baru\n!Cache-Control",
 "Location: /baru\n!Cache-Control",
 "Location: /baru\nCache-Control: public, max-age=1800",
 "Location: /baru\nCache-Control: public, max-age=1800"]
--- response_body eval
[undef, undef, undef, undef, undef, ""]
--- response_body_like eval
[qr/301 Moved Permanently/, undef, qr/302 Found/, qr/307 Temporary Redirect/,
 qr/308 Permanent Redirect/, undef]
--- no_error_log
[error]



=== TEST 2: keep_path and keep_query, each alone and both
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "none", "name": "N", "category": "c", "routes": [{"path": "/kn"}],
     "redirect": {"to": "/baru", "keep_path": false, "keep_query": false}},
    {"id": "path", "name": "P", "category": "c", "routes": [{"path": "/kp"}],
     "redirect": {"to": "/baru", "keep_path": true}},
    {"id": "pathslash", "name": "PS", "category": "c", "routes": [{"path": "/kps"}],
     "redirect": {"to": "/baru/", "keep_path": true}},
    {"id": "query", "name": "Q", "category": "c", "routes": [{"path": "/kq"}],
     "redirect": {"to": "/baru", "keep_query": true}},
    {"id": "both", "name": "B", "category": "c", "routes": [{"path": "/kb"}],
     "redirect": {"to": "/baru", "keep_path": true, "keep_query": true}},
    {"id": "exact", "name": "E", "category": "c",
     "routes": [{"path": "/ex", "match": "exact"}],
     "redirect": {"to": "/baru", "keep_path": true, "keep_query": true}}
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
["GET /kn/a/b?x=1",
 "GET /kp", "GET /kp/a/b?x=1", "GET /kp/a/b/",
 "GET /kps", "GET /kps/a/b?x=1",
 "GET /kq", "GET /kq/a/b?x=1&y=2", "GET /kq?",
 "GET /kb", "GET /kb/a/b?x=1&y=%20z", "GET /kb?x=1",
 "GET /ex?x=1", "GET /ex/?x=1", "GET /ex/a"]
--- error_code eval
[301, 301, 301, 301, 301, 301, 301, 301, 301, 301, 301, 301, 301, 301, 404]
--- response_headers eval
["Location: /baru",
 "Location: /baru", "Location: /baru/a/b", "Location: /baru/a/b/",
 "Location: /baru/", "Location: /baru/a/b",
 "Location: /baru", "Location: /baru?x=1&y=2", "Location: /baru",
 "Location: /baru", "Location: /baru/a/b?x=1&y=%20z", "Location: /baru?x=1",
 "Location: /baru?x=1", "Location: /baru/?x=1", "!Location"]



=== TEST 3: the target's own query joins a kept query with "&", the fragment comes last
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "ownq", "name": "Q", "category": "c", "routes": [{"path": "/oq"}],
     "redirect": {"to": "/baru?src=lama", "keep_query": true}},
    {"id": "ownqp", "name": "QP", "category": "c", "routes": [{"path": "/oqp"}],
     "redirect": {"to": "/baru?src=lama", "keep_path": true, "keep_query": true}},
    {"id": "frag", "name": "F", "category": "c", "routes": [{"path": "/fr"}],
     "redirect": {"to": "/baru?src=lama#top", "keep_path": true, "keep_query": true}},
    {"id": "fragonly", "name": "FO", "category": "c", "routes": [{"path": "/fo"}],
     "redirect": {"to": "/baru#bagian-2", "keep_path": true, "keep_query": true}},
    {"id": "dropq", "name": "DQ", "category": "c", "routes": [{"path": "/dq"}],
     "redirect": {"to": "/baru?src=lama#top"}}
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
["GET /oq", "GET /oq?a=1&b=2", "GET /oq/x?a=1",
 "GET /oqp/x/y?a=1", "GET /oqp",
 "GET /fr", "GET /fr/x?a=1", "GET /fr/x",
 "GET /fo/x?a=1", "GET /fo",
 "GET /dq/x?a=1"]
--- error_code eval
[301, 301, 301, 301, 301, 301, 301, 301, 301, 301, 301]
--- response_headers eval
["Location: /baru?src=lama", "Location: /baru?src=lama&a=1&b=2", "Location: /baru?src=lama&a=1",
 "Location: /baru/x/y?src=lama&a=1", "Location: /baru?src=lama",
 "Location: /baru?src=lama#top", "Location: /baru/x?src=lama&a=1#top", "Location: /baru/x?src=lama#top",
 "Location: /baru/x?a=1#bagian-2", "Location: /baru#bagian-2",
 "Location: /baru?src=lama#top"]



=== TEST 4: absolute URL targets
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "abs", "name": "A", "category": "c", "routes": [{"path": "/ab"}],
     "redirect": {"to": "https://karirhub.example.go.id/", "code": 308,
                  "keep_path": true, "keep_query": true}},
    {"id": "abshost", "name": "AH", "category": "c", "routes": [{"path": "/ah"}],
     "redirect": {"to": "https://example.go.id", "code": 302, "keep_path": true}},
    {"id": "absq", "name": "AQ", "category": "c", "routes": [{"path": "/aq"}],
     "redirect": {"to": "http://lama.example.go.id:8080/app?v=2#x", "keep_query": true}},
    {"id": "plain", "name": "P", "category": "c", "routes": [{"path": "/ap"}],
     "redirect": {"to": "https://karirhub.example.go.id/cari"}}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached\n";
    }
--- request eval
["GET /ab/lowongan/1?q=x", "GET /ab", "GET /ah/x", "GET /ah",
 "GET /aq/x?a=b", "GET /ap/x?a=b"]
--- error_code eval
[308, 308, 302, 302, 301, 301]
--- response_headers eval
["Location: https://karirhub.example.go.id/lowongan/1?q=x\nCache-Control: public, max-age=1800",
 "Location: https://karirhub.example.go.id/",
 "Location: https://example.go.id/x\n!Cache-Control",
 "Location: https://example.go.id",
 "Location: http://lama.example.go.id:8080/app?v=2&a=b#x",
 "Location: https://karirhub.example.go.id/cari"]



=== TEST 5: the rest of the path is escaped
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "both", "name": "B", "category": "c", "routes": [{"path": "/kb"}],
     "redirect": {"to": "/baru", "keep_path": true, "keep_query": true}},
    {"id": "root", "name": "R", "category": "c", "routes": [{"path": "/kr"}],
     "redirect": {"to": "/", "keep_path": true}}
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
["GET /kb/a%20b/caf%c3%a9", "GET /kb/%3F?x", "GET /kb/a%23b", "GET /kb/x/%2e%2e/y",
 "GET /kb//evil.example", "GET /kr//evil.example/x", "GET /kr/x",
 "GET /kb/a%0d%0aSet-Cookie:%20x=1", "GET /kb/x?a=\"<b>\"&c={d}|e^f`g\\h",
 "GET /kb/x?q=%0d%0aX:%20y"]
--- error_code eval
[301, 301, 301, 301, 301, 301, 301, 301, 301, 301]
--- response_headers eval
["Location: /baru/a%20b/caf%C3%A9",
 "Location: /baru/%3F?x",
 "Location: /baru/a%23b",
 "Location: /baru/y",
 "Location: /baru/evil.example",
 "Location: /evil.example/x",
 "Location: /x",
 "Location: /baru/a%0D%0ASet-Cookie:%20x=1\n!Set-Cookie",
 "Location: /baru/x?a=%22%3Cb%3E%22&c=%7Bd%7D%7Ce%5Ef%60g%5Ch",
 "Location: /baru/x?q=%0d%0aX:%20y\n!X"]



=== TEST 6: with absolute_redirect on (nginx's default) a path target gets the host
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "both", "name": "B", "category": "c", "routes": [{"path": "/kb"}],
     "redirect": {"to": "/baru", "keep_path": true, "keep_query": true}},
    {"id": "abs", "name": "A", "category": "c", "routes": [{"path": "/ab"}],
     "redirect": {"to": "https://karirhub.example.go.id/", "keep_path": true}}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached\n";
    }
--- request eval
["GET /kb/x?a=1", "GET /ab/x?a=1"]
--- error_code eval
[301, 301]
--- response_headers eval
["Location: http://localhost:$ENV{TEST_NGINX_SERVER_PORT}/baru/x?a=1",
 "Location: https://karirhub.example.go.id/x"]



=== TEST 7: a redirect back into the same service is refused at nginx -t
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "loop", "name": "L", "category": "c", "routes": [{"path": "/lama"}],
     "redirect": {"to": "/lama/baru", "keep_path": true}}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/r\.json": services\[0\]\.redirect\.to \(service "loop"\): redirect to "\/lama\/baru" leads back to this service/m]



=== TEST 8: a redirect to another service's path is fine and ends there
--- manifests
>>> r.json
{
  "agency": {"id": "r", "name": "Redirects"},
  "services": [
    {"id": "lama", "name": "L", "category": "c", "routes": [{"path": "/akta-lama"}],
     "redirect": {"to": "/akta", "keep_path": true, "keep_query": true}},
    {"id": "akta", "name": "A", "category": "c", "routes": [{"path": "/akta"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    absolute_redirect off;
    location / {
        catalog_route;
        return 200 "$catalog_service\n";
    }
--- request eval
["GET /akta-lama/cetak?id=7", "GET /akta/cetak?id=7"]
--- error_code eval
[301, 200]
--- response_headers eval
["Location: /akta/cetak?id=7", "!Location"]
--- response_body eval
[undef, "r/akta\n"]
