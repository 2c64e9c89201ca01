# The pages citizens see when a request is not proxied: 404, 410, 503
# (maintenance and empty catalog), in HTML (Bahasa Indonesia, English
# below) or as JSON for clients that ask for application/json.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/023-pages.t

use lib 'lib';
use Test::Catalog;

# a GET request with extra header lines, for request_raw eval sections
sub get {
    my ($path, @headers) = @_;
    return CORE::join("\r\n", "GET $path HTTP/1.1", "Host: localhost", @headers,
                      "Connection: close", "", "");
}
{ no warnings "once"; *Test::Base::Filter::get = \&get; }

run_tests();

__DATA__

=== TEST 1: 404 page: HTML, Indonesian first, links the portal at "/"
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached\n";
    }
--- request
GET /tidak/ada?x=1
--- error_code: 404
--- response_headers
Content-Type: text/html; charset=utf-8
Vary: Accept
!Location
--- response_body_like
\A<!DOCTYPE html>\n<html lang="id">.*<title>Halaman tidak ditemukan / Page not found</title>.*<h1>Halaman tidak ditemukan</h1>.*Alamat ini tidak terdaftar di katalog layanan\..*<a href="/">Cari layanan di portal</a>.*<section lang="en">\n<h2>Page not found</h2>.*This address is not in the service catalog\..*<a href="/">Search the service catalog</a>.*</html>\n\z
--- no_error_log
[error]
[warn]



=== TEST 2: 404 as JSON, exact
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached\n";
    }
--- request
GET /tidak/ada
--- more_headers
Accept: application/json
--- error_code: 404
--- response_headers
Content-Type: application/json; charset=utf-8
Vary: Accept
--- response_body_like
\A\{"error": \{"code": 404, "message": "Halaman tidak ditemukan"\}\}\z



=== TEST 3: Accept decides: browsers get HTML, API clients JSON
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
    }
--- request_raw eval
["GET /x HTTP/1.1\r\nHost: localhost\r\nAccept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\nConnection: close\r\n\r\n",
 "GET /x HTTP/1.1\r\nHost: localhost\r\nAccept: application/json, text/plain, */*\r\nConnection: close\r\n\r\n",
 "GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
 "GET /x HTTP/1.1\r\nHost: localhost\r\naccept: APPLICATION/JSON\r\nConnection: close\r\n\r\n"]
--- error_code eval
[404, 404, 404, 404]
--- response_headers eval
["Content-Type: text/html; charset=utf-8",
 "Content-Type: application/json; charset=utf-8",
 "Content-Type: text/html; charset=utf-8",
 "Content-Type: application/json; charset=utf-8"]
--- response_body_like eval
[qr/\A<!DOCTYPE html>/, qr/\A\{"error": \{"code": 404, /, qr/\A<!DOCTYPE html>/,
 qr/\A\{"error": \{"code": 404, /]



=== TEST 3b: Accept names application/json as a whole type, with a quality above 0
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
    }
--- request_raw eval
[map { "GET /x HTTP/1.1\r\nHost: localhost\r\nAccept: $_\r\nConnection: close\r\n\r\n" }
 "application/json;q=0", "text/html, application/json; q=0.000",
 "application/jsonx", "application/json-seq", "application/problem+json",
 "application/json;q=0.5", "text/html;q=0.9, application/json;q=0.1",
 "application/json; charset=utf-8"]
--- error_code eval
[404, 404, 404, 404, 404, 404, 404, 404]
--- response_headers eval
[("Content-Type: text/html; charset=utf-8\nVary: Accept") x 5,
 ("Content-Type: application/json; charset=utf-8\nVary: Accept") x 3]



=== TEST 4: HEAD of a page: headers only
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
    }
--- request
HEAD /x
--- error_code: 404
--- response_headers
Content-Type: text/html; charset=utf-8
Vary: Accept
--- response_headers_like
Content-Length: ^[1-9]\d+$
--- response_body:



=== TEST 5: catalog_portal_url is linked instead of "/"
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "lama", "name": "Lama", "category": "c", "routes": [{"path": "/lama"}],
     "status": "retired"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    catalog_portal_url https://layanan.example.go.id/cari?dari=404&x=<y>;
--- config
    location / {
        catalog_route;
    }
    location /lain/ {
        catalog_portal_url /portal/;
        catalog_route;
    }
--- request eval
["GET /x", "GET /lama", "GET /lain/x"]
--- error_code eval
[404, 410, 404]
--- response_body_like eval
[qr{<a href="https://layanan\.example\.go\.id/cari\?dari=404&amp;x=&lt;y&gt;">Cari layanan di portal</a>.*<a href="https://layanan\.example\.go\.id/cari\?dari=404&amp;x=&lt;y&gt;">Search the service catalog</a>}s,
 qr{<a href="https://layanan\.example\.go\.id/cari\?dari=404&amp;x=&lt;y&gt;">Cari layanan di portal</a>},
 qr{<a href="/portal/">Cari layanan di portal</a>}]



=== TEST 6: 410 for a retired service, linking a successor URL
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "kartu-kuning", "name": "Kartu Kuning Manual", "category": "c",
     "routes": [{"path": "/dukcapil/kartu-kuning"}],
     "status": "retired", "successor": "https://karirhub.example.go.id/"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached\n";
    }
--- request_raw eval
[get('/dukcapil/kartu-kuning/daftar'),
 get('/dukcapil/kartu-kuning', 'Accept: application/json')]
--- error_code eval
[410, 410]
--- response_headers eval
["Content-Type: text/html; charset=utf-8\nVary: Accept",
 "Content-Type: application/json; charset=utf-8\nVary: Accept"]
--- response_body_like eval
[qr{<title>Layanan sudah tidak tersedia / This service has been retired</title>.*<p>Layanan <strong>Kartu Kuning Manual</strong> dari Dukcapil sudah dihentikan\.</p>\n<p><a href="https://karirhub\.example\.go\.id/">Gunakan layanan pengganti</a></p>.*<a href="/">Cari layanan di portal</a>.*<a href="https://karirhub\.example\.go\.id/">Use the replacement service</a>}s,
 qr{\A\{"error": \{"code": 410, "message": "Layanan sudah tidak tersedia", "service": "dukcapil/kartu-kuning", "successor": "https://karirhub\.example\.go\.id/"\}\}\z}]



=== TEST 7: 410 linking a successor given as a service key
--- manifests
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp-lama", "name": "KTP Non-Elektronik", "category": "c",
     "routes": [{"path": "/dukcapil/ktp-lama"}],
     "status": "retired", "successor": "dukcapil/ktp-elektronik"},
    {"id": "ktp-elektronik", "name": "KTP Elektronik", "category": "c",
     "routes": [{"path": "/dukcapil/ktp", "strip_prefix": true}, {"path": "/ktp", "match": "exact"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
    }
--- request_raw eval
[get('/dukcapil/ktp-lama'),
 get('/dukcapil/ktp-lama', 'Accept: application/json')]
--- error_code eval
[410, 410]
--- response_body_like eval
[qr{tidak tersedia.*<a href="/dukcapil/ktp">Gunakan layanan pengganti</a>}s,
 qr{\A\{"error": \{"code": 410, "message": "Layanan sudah tidak tersedia", "service": "dukcapil/ktp-lama", "successor": "/dukcapil/ktp"\}\}\z}]



=== TEST 8: 410 without a successor has no replacement link
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "Agensi A"},
  "services": [
    {"id": "lama", "name": "Layanan Lama", "category": "c", "routes": [{"path": "/lama"}],
     "status": "retired"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
    }
--- request_raw eval
[get('/lama'),
 get('/lama', 'Accept: application/json')]
--- error_code eval
[410, 410]
--- response_body_like eval
[qr{\A(?!.*pengganti)(?!.*replacement).*<strong>Layanan Lama</strong> dari Agensi A sudah dihentikan\.}s,
 qr{\A\{"error": \{"code": 410, "message": "Layanan sudah tidak tersedia", "service": "a/lama"\}\}\z}]



=== TEST 9: 503 maintenance page with the message, HTML-escaped
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "Agensi A"},
  "services": [
    {"id": "pajak", "name": "Pajak & <Retribusi>", "category": "c",
     "routes": [{"path": "/pajak"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
     "status": "maintenance",
     "maintenance_message": "Perbaikan <server> & \"jaringan\" hingga pukul 10.00"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached\n";
    }
--- request_raw eval
[get('/pajak/bayar'),
 get('/pajak/bayar', 'Accept: application/json')]
--- error_code eval
[503, 503]
--- response_headers eval
["Content-Type: text/html; charset=utf-8\nVary: Accept\n!Retry-After",
 "Content-Type: application/json; charset=utf-8\nVary: Accept"]
--- response_body_like eval
[qr{\A(?!.*<server>)(?!.*<Retribusi>).*<title>Layanan sedang dalam pemeliharaan / Service under maintenance</title>.*<p>Layanan <strong>Pajak &amp; &lt;Retribusi&gt;</strong> dari Agensi A sedang dalam pemeliharaan\. Silakan coba lagi nanti\.</p>\n<p class="msg">Perbaikan &lt;server&gt; &amp; &quot;jaringan&quot; hingga pukul 10\.00</p>.*is under maintenance}s,
 qr{\A\{"error": \{"code": 503, "message": "Perbaikan \\u003cserver\\u003e \\u0026 \\"jaringan\\" hingga pukul 10\.00", "service": "a/pajak"\}\}\z}]



=== TEST 10: 503 maintenance without a message
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "Agensi A"},
  "services": [
    {"id": "pajak", "name": "Pajak", "category": "c",
     "routes": [{"path": "/pajak"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
     "status": "maintenance"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
    }
--- request_raw eval
[get('/pajak'),
 get('/pajak', 'Accept: application/json')]
--- error_code eval
[503, 503]
--- response_body_like eval
[qr{\A(?!.*class="msg").*<strong>Pajak</strong> dari Agensi A sedang dalam pemeliharaan}s,
 qr{\A\{"error": \{"code": 503, "message": "Layanan sedang dalam pemeliharaan", "service": "a/pajak"\}\}\z}]



=== TEST 11: empty catalog: 503 in HTML and JSON
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
        return 200 "not reached\n";
    }
--- request_raw eval
[get('/ktp'),
 get('/'),
 get('/ktp', 'Accept: application/json')]
--- error_code eval
[503, 503, 503]
--- response_headers eval
["Content-Type: text/html; charset=utf-8\nVary: Accept",
 "Content-Type: text/html; charset=utf-8",
 "Content-Type: application/json; charset=utf-8"]
--- response_body_like eval
[qr{<h1>Layanan belum tersedia</h1>\n<p>Katalog belum memuat layanan apa pun\..*<a href="/">}s,
 qr{No services are available yet},
 qr{\A\{"error": \{"code": 503, "message": "Layanan belum tersedia"\}\}\z}]



=== TEST 12: a POST with a body to a page: the body is read and dropped
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
    }
--- perl
# two requests on one connection: the second is answered too, so the
# body of the first did not end up parsed as a request line
my $body = 'x' x 3000;
my $raw = "POST /nope HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
        . length($body) . "\r\n\r\n$body"
        . "GET /ktp-no HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
        . "Connection: close\r\n\r\n";
my $sock = IO::Socket::IP->new(PeerHost => '127.0.0.1',
                               PeerPort => server_port(), Timeout => 5)
    or die "connect: $@";
print {$sock} $raw;
local $/;
my $all = <$sock>;
my @status = $all =~ m{^HTTP/1\.1 (\d{3})}mg;
is("@status", "404 404", 'both requests answered with 404');
like($all, qr/\{"error": \{"code": 404, "message": "Halaman tidak ditemukan"\}\}\z/,
     'the second answer is the JSON one');
--- no_error_log
client sent invalid method
[error]



=== TEST 13: maintenance applies to a redirect service too
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "Agensi A"},
  "services": [
    {"id": "lama", "name": "Lama", "category": "c", "routes": [{"path": "/lama"}],
     "redirect": {"to": "/baru"}, "status": "maintenance",
     "maintenance_message": "Sebentar"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location / {
        catalog_route;
    }
--- request
GET /lama
--- error_code: 503
--- response_headers
!Location
--- response_body_like: <p class="msg">Sebentar</p>



=== TEST 14: a catalog_portal_url that is not an http(s) or path link is not linked
--- http_config
    catalog_portal_url "javascript:alert(1)";
--- config
    location / {
        catalog_route;
    }
    location /proto/ {
        catalog_portal_url //evil.example/;
        catalog_route;
    }
--- request eval
["GET /x", "GET /proto/x"]
--- error_code eval
[503, 503]
--- response_body_like eval
[qr{\A(?!.*href="javascript).*Cari layanan di portal: javascript:alert\(1\)}s,
 qr{\A(?!.*href="//).*Cari layanan di portal: //evil\.example/}s]
