# The catalog API (catalog_api): every path, parameter and error, against
# a small realistic catalog of three agencies (Dukcapil, Imigrasi, DJP).
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/050-api.t
#
# The catalog, the nginx configuration and the expected JSON of each
# service are written once below, before __DATA__; blocks use them with
# `eval`.  Bodies are compared exactly wherever that is practical; long
# lists are compared by their keys, in order.

use lib 'lib';
use Test::Catalog;

use JSON::PP ();

our (%S, $CATALOG, $HTTP_CONFIG, $CONFIG);

# Twelve services: every outcome (proxy, redirect to a path and to a URL,
# retired, maintenance with and without a message, a route limited to GET,
# a route on a host), optional fields present and absent, hostile text.

$CATALOG = <<'_EOC_';
>>> dukcapil.json
{
  "agency": {
    "id": "dukcapil",
    "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil",
    "url": "https://dukcapil.example.go.id",
    "contact": "layanan@dukcapil.example.go.id"
  },
  "services": [
    {
      "id": "ktp-elektronik",
      "name": "KTP Elektronik",
      "description": "Pengajuan KTP-el baru, penggantian KTP-el yang rusak atau hilang, dan cek status pencetakan.",
      "category": "kependudukan",
      "tags": ["ktp", "identitas", "nik"],
      "routes": [
        {"path": "/dukcapil/ktp", "strip_prefix": true},
        {"path": "/ktp", "match": "exact"}
      ],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"],
      "host_header": "ktp.dukcapil.internal",
      "docs_url": "https://dukcapil.example.go.id/docs/ktp",
      "version": "2.1"
    },
    {
      "id": "kartu-keluarga",
      "name": "Kartu Keluarga",
      "description": "Penerbitan Kartu Keluarga baru dan perubahan data anggota keluarga.",
      "category": "kependudukan",
      "tags": ["kk", "keluarga", "nik"],
      "routes": [{"path": "/dukcapil/kk"}],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
      "contact": "kk@dukcapil.example.go.id"
    },
    {
      "id": "akta-kelahiran",
      "name": "Akta Kelahiran",
      "description": "Pencatatan kelahiran dan penerbitan kutipan akta kelahiran.",
      "category": "kependudukan",
      "tags": ["akta", "kelahiran"],
      "routes": [{"path": "/dukcapil/akta"}],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]
    },
    {
      "id": "akta-lama",
      "name": "Akta Kelahiran (alamat lama)",
      "category": "kependudukan",
      "routes": [{"path": "/dukcapil/akta-lama"}],
      "redirect": {"to": "/dukcapil/akta", "keep_path": true, "keep_query": true}
    },
    {
      "id": "ktp-lama",
      "name": "KTP Non-Elektronik",
      "description": "KTP kertas tidak lagi diterbitkan.",
      "category": "kependudukan",
      "tags": ["ktp"],
      "routes": [{"path": "/dukcapil/ktp-lama"}],
      "status": "retired",
      "successor": "dukcapil/ktp-elektronik"
    }
  ]
}
>>> imigrasi.json
{
  "agency": {
    "id": "imigrasi",
    "name": "Direktorat Jenderal Imigrasi",
    "url": "https://imigrasi.example.go.id"
  },
  "services": [
    {
      "id": "paspor",
      "name": "Paspor Baru",
      "description": "Permohonan paspor biasa untuk warga negara Indonesia, dengan jadwal wawancara daring.",
      "category": "keimigrasian",
      "tags": ["paspor", "perjalanan"],
      "routes": [
        {"path": "/imigrasi/paspor"},
        {"path": "/imigrasi/paspor/status", "match": "exact", "methods": ["GET"]}
      ],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
      "version": "3"
    },
    {
      "id": "evisa",
      "name": "Visa Elektronik (e-Visa)",
      "description": "Pendaftaran visa kunjungan untuk warga negara asing; pembayaran di kafé atau bank tidak diterima.",
      "category": "keimigrasian",
      "tags": ["visa", "perjalanan"],
      "routes": [{"path": "/imigrasi/evisa"}],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
      "status": "maintenance",
      "maintenance_message": "Pemeliharaan sistem hingga pukul 22.00 WIB."
    },
    {
      "id": "izin-tinggal",
      "name": "Izin Tinggal Terbatas",
      "category": "keimigrasian",
      "routes": [{"path": "/imigrasi/itas"}],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
      "status": "maintenance"
    },
    {
      "id": "visa-lama",
      "name": "Visa on Arrival (situs lama)",
      "category": "keimigrasian",
      "tags": ["visa"],
      "routes": [{"path": "/imigrasi/voa"}],
      "redirect": {"to": "https://evisa.imigrasi.example.go.id/voa?src=layanan#form", "code": 302, "keep_path": true}
    }
  ]
}
>>> djp.json
{
  "agency": {
    "id": "djp",
    "name": "Direktorat Jenderal Pajak",
    "contact": "pengaduan@pajak.example.go.id"
  },
  "services": [
    {
      "id": "efiling",
      "name": "e-Filing SPT Tahunan",
      "description": "Pelaporan SPT Tahunan Pajak Penghasilan secara daring.",
      "category": "perpajakan",
      "tags": ["spt", "pajak"],
      "routes": [
        {"path": "/pajak/efiling"},
        {"path": "/efiling", "host": "pajak.example.go.id"}
      ],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]
    },
    {
      "id": "npwp",
      "name": "Pendaftaran NPWP",
      "description": "Nomor Pokok Wajib Pajak untuk orang pribadi dan badan.",
      "category": "perpajakan",
      "tags": ["npwp", "pajak"],
      "routes": [{"path": "/pajak/npwp"}],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]
    },
    {
      "id": "uji-teks",
      "name": "Uji \"Teks\" <b>Aneh</b> & 'Kutip' \\ Garis",
      "description": "Baris satu\nBaris dua\tdengan tab; ünïcödé Ñ ß 日本 😀 </script><script>alert(1)</script>",
      "category": "perpajakan",
      "tags": ["<tag>", "a&b", "kutip\"ganda"],
      "routes": [{"path": "/pajak/uji-teks"}],
      "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
      "docs_url": "https://pajak.example.go.id/docs?a=1&b=<2>"
    }
  ]
}
_EOC_

$HTTP_CONFIG = <<'_EOC_';
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
_EOC_

$CONFIG = <<'_EOC_';
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
    location /api/catalog/ {
        catalog_api;
    }
_EOC_

# The expected JSON of each service, as the API writes it.

$S{ktp} = <<'_EOJ_';
{"id": "dukcapil/ktp-elektronik", "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil"}, "name": "KTP Elektronik", "description": "Pengajuan KTP-el baru, penggantian KTP-el yang rusak atau hilang, dan cek status pencetakan.", "category": "kependudukan", "tags": ["ktp", "identitas", "nik"], "status": "active", "status_message": null, "status_until": null, "url": "/dukcapil/ktp", "routes": [{"path": "/dukcapil/ktp", "match": "prefix"}, {"path": "/ktp", "match": "exact"}], "docs_url": "https://dukcapil.example.go.id/docs/ktp", "contact": "layanan@dukcapil.example.go.id", "version": "2.1"}
_EOJ_

$S{kk} = <<'_EOJ_';
{"id": "dukcapil/kartu-keluarga", "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil"}, "name": "Kartu Keluarga", "description": "Penerbitan Kartu Keluarga baru dan perubahan data anggota keluarga.", "category": "kependudukan", "tags": ["kk", "keluarga", "nik"], "status": "active", "status_message": null, "status_until": null, "url": "/dukcapil/kk", "routes": [{"path": "/dukcapil/kk", "match": "prefix"}], "docs_url": null, "contact": "kk@dukcapil.example.go.id", "version": null}
_EOJ_

$S{akta} = <<'_EOJ_';
{"id": "dukcapil/akta-kelahiran", "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil"}, "name": "Akta Kelahiran", "description": "Pencatatan kelahiran dan penerbitan kutipan akta kelahiran.", "category": "kependudukan", "tags": ["akta", "kelahiran"], "status": "active", "status_message": null, "status_until": null, "url": "/dukcapil/akta", "routes": [{"path": "/dukcapil/akta", "match": "prefix"}], "docs_url": null, "contact": "layanan@dukcapil.example.go.id", "version": null}
_EOJ_

$S{akta_lama} = <<'_EOJ_';
{"id": "dukcapil/akta-lama", "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil"}, "name": "Akta Kelahiran (alamat lama)", "description": "", "category": "kependudukan", "tags": [], "status": "active", "status_message": null, "status_until": null, "url": "/dukcapil/akta-lama", "routes": [{"path": "/dukcapil/akta-lama", "match": "prefix"}], "docs_url": null, "contact": "layanan@dukcapil.example.go.id", "version": null}
_EOJ_

$S{ktp_lama} = <<'_EOJ_';
{"id": "dukcapil/ktp-lama", "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil"}, "name": "KTP Non-Elektronik", "description": "KTP kertas tidak lagi diterbitkan.", "category": "kependudukan", "tags": ["ktp"], "status": "retired", "status_message": null, "status_until": null, "url": "/dukcapil/ktp-lama", "routes": [{"path": "/dukcapil/ktp-lama", "match": "prefix"}], "docs_url": null, "contact": "layanan@dukcapil.example.go.id", "version": null}
_EOJ_

$S{paspor} = <<'_EOJ_';
{"id": "imigrasi/paspor", "agency": {"id": "imigrasi", "name": "Direktorat Jenderal Imigrasi"}, "name": "Paspor Baru", "description": "Permohonan paspor biasa untuk warga negara Indonesia, dengan jadwal wawancara daring.", "category": "keimigrasian", "tags": ["paspor", "perjalanan"], "status": "active", "status_message": null, "status_until": null, "url": "/imigrasi/paspor", "routes": [{"path": "/imigrasi/paspor", "match": "prefix"}, {"path": "/imigrasi/paspor/status", "match": "exact"}], "docs_url": null, "contact": null, "version": "3"}
_EOJ_

$S{evisa} = <<'_EOJ_';
{"id": "imigrasi/evisa", "agency": {"id": "imigrasi", "name": "Direktorat Jenderal Imigrasi"}, "name": "Visa Elektronik (e-Visa)", "description": "Pendaftaran visa kunjungan untuk warga negara asing; pembayaran di kafé atau bank tidak diterima.", "category": "keimigrasian", "tags": ["visa", "perjalanan"], "status": "maintenance", "status_message": "Pemeliharaan sistem hingga pukul 22.00 WIB.", "status_until": null, "url": "/imigrasi/evisa", "routes": [{"path": "/imigrasi/evisa", "match": "prefix"}], "docs_url": null, "contact": null, "version": null}
_EOJ_

$S{itas} = <<'_EOJ_';
{"id": "imigrasi/izin-tinggal", "agency": {"id": "imigrasi", "name": "Direktorat Jenderal Imigrasi"}, "name": "Izin Tinggal Terbatas", "description": "", "category": "keimigrasian", "tags": [], "status": "maintenance", "status_message": null, "status_until": null, "url": "/imigrasi/itas", "routes": [{"path": "/imigrasi/itas", "match": "prefix"}], "docs_url": null, "contact": null, "version": null}
_EOJ_

$S{voa} = <<'_EOJ_';
{"id": "imigrasi/visa-lama", "agency": {"id": "imigrasi", "name": "Direktorat Jenderal Imigrasi"}, "name": "Visa on Arrival (situs lama)", "description": "", "category": "keimigrasian", "tags": ["visa"], "status": "active", "status_message": null, "status_until": null, "url": "/imigrasi/voa", "routes": [{"path": "/imigrasi/voa", "match": "prefix"}], "docs_url": null, "contact": null, "version": null}
_EOJ_

$S{efiling} = <<'_EOJ_';
{"id": "djp/efiling", "agency": {"id": "djp", "name": "Direktorat Jenderal Pajak"}, "name": "e-Filing SPT Tahunan", "description": "Pelaporan SPT Tahunan Pajak Penghasilan secara daring.", "category": "perpajakan", "tags": ["spt", "pajak"], "status": "active", "status_message": null, "status_until": null, "url": "/pajak/efiling", "routes": [{"path": "/pajak/efiling", "match": "prefix"}, {"path": "/efiling", "match": "prefix"}], "docs_url": null, "contact": "pengaduan@pajak.example.go.id", "version": null}
_EOJ_

$S{npwp} = <<'_EOJ_';
{"id": "djp/npwp", "agency": {"id": "djp", "name": "Direktorat Jenderal Pajak"}, "name": "Pendaftaran NPWP", "description": "Nomor Pokok Wajib Pajak untuk orang pribadi dan badan.", "category": "perpajakan", "tags": ["npwp", "pajak"], "status": "active", "status_message": null, "status_until": null, "url": "/pajak/npwp", "routes": [{"path": "/pajak/npwp", "match": "prefix"}], "docs_url": null, "contact": "pengaduan@pajak.example.go.id", "version": null}
_EOJ_

# quotes, backslash, line break, tab, "<", ">", "&" escaped; UTF-8 as is
$S{uji} = <<'_EOJ_';
{"id": "djp/uji-teks", "agency": {"id": "djp", "name": "Direktorat Jenderal Pajak"}, "name": "Uji \"Teks\" \u003cb\u003eAneh\u003c/b\u003e \u0026 'Kutip' \\ Garis", "description": "Baris satu\nBaris dua\tdengan tab; ünïcödé Ñ ß 日本 😀 \u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e", "category": "perpajakan", "tags": ["\u003ctag\u003e", "a\u0026b", "kutip\"ganda"], "status": "active", "status_message": null, "status_until": null, "url": "/pajak/uji-teks", "routes": [{"path": "/pajak/uji-teks", "match": "prefix"}], "docs_url": "https://pajak.example.go.id/docs?a=1\u0026b=\u003c2\u003e", "contact": "pengaduan@pajak.example.go.id", "version": null}
_EOJ_

chomp for values %S;

# every service, by name (the default order)
our @BY_NAME = qw(
    dukcapil/akta-kelahiran dukcapil/akta-lama djp/efiling
    imigrasi/izin-tinggal dukcapil/kartu-keluarga dukcapil/ktp-elektronik
    dukcapil/ktp-lama imigrasi/paspor djp/npwp djp/uji-teks imigrasi/evisa
    imigrasi/visa-lama
);

# --- helpers for --- perl sections

sub api { my ($rel, %o) = @_; return http_get("/api/catalog/$rel", %o) }

sub api_json {
    my ($rel) = @_;
    my $r = api($rel);
    my $j = eval { JSON::PP->new->utf8->decode($r->{body}) };
    Test::More::diag("$rel: $r->{status} $r->{body}") unless $j;
    return ($r, $j);
}

# "total page per_page: key key ..." of a services answer
sub page_of {
    my ($rel) = @_;
    my ($r, $j) = api_json($rel);
    return "$r->{status} $r->{body}" unless $j && $r->{status} == 200;
    return "$j->{total} $j->{page} $j->{per_page}: "
         . join(' ', map { $_->{id} } @{ $j->{services} });
}

sub etag_of { my ($r) = @_; return scalar $r->header('ETag') }

run_tests();

__DATA__

=== TEST 1: one service: every field in order, headers of the API
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request
GET /api/catalog/services/dukcapil/ktp-elektronik
--- response_body eval: $::S{ktp}
--- response_headers
Content-Type: application/json; charset=utf-8
Access-Control-Allow-Origin: *
Cache-Control: no-cache
!Allow
!Last-Modified
--- response_headers_like
ETag: ^"[0-9a-f]{16}-[0-9]+"$
Content-Length: ^\d+$
--- no_error_log
[error]
[warn]



=== TEST 2: every service by its key; optional fields null or empty
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
[map { "GET /api/catalog/services/$_" } qw(
    dukcapil/kartu-keluarga dukcapil/akta-kelahiran dukcapil/akta-lama
    dukcapil/ktp-lama imigrasi/paspor imigrasi/evisa imigrasi/izin-tinggal
    imigrasi/visa-lama djp/efiling djp/npwp)]
--- response_body eval
[@::S{qw(kk akta akta_lama ktp_lama paspor evisa itas voa efiling npwp)}]
--- response_headers
Content-Type: application/json; charset=utf-8



=== TEST 3: hostile text: quotes, backslash, controls, "<", ">", "&" escaped, UTF-8 kept
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request
GET /api/catalog/services/djp/uji-teks
--- response_body eval: $::S{uji}
--- perl
my ($r, $j) = api_json('services/djp/uji-teks');
is($j->{name}, "Uji \"Teks\" <b>Aneh</b> & 'Kutip' \\ Garis", 'name decodes back');
like($j->{description}, qr/\ABaris satu\nBaris dua\tdengan tab; \x{fc}n\x{ef}c\x{f6}d\x{e9} \x{d1} \x{df} \x{65e5}\x{672c} \x{1f600} <\/script>/,
     'description decodes back, UTF-8 intact');
unlike($r->{body}, qr/[<>&]/, 'no raw "<", ">" or "&" in the body');



=== TEST 4: the key through the normalised URI: trailing slash, %2F, //, dot segments
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["GET /api/catalog/services/dukcapil/ktp-elektronik/",
 "GET /api/catalog/services/dukcapil%2Fktp-elektronik",
 "GET /api/catalog//services//dukcapil//ktp-elektronik",
 "GET /api/catalog/x/../services/./dukcapil/ktp-elektronik",
 "GET /api/catalog/services/dukcapil/ktp-elektronik?page=0&unknown=1"]
--- response_body eval
[($::S{ktp}) x 5]



=== TEST 5: unknown service: 404 JSON error, no ETag
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["GET /api/catalog/services/dukcapil/tidak-ada",
 "GET /api/catalog/services/tidak-ada/ktp-elektronik",
 "GET /api/catalog/services/dukcapil",
 "GET /api/catalog/services/dukcapil/ktp-elektronik/status",
 "GET /api/catalog/services/DUKCAPIL/ktp-elektronik",
 "GET /api/catalog/services/imigrasi/ktp-elektronik",
 "GET /api/catalog/services/dukcapil/ktp-elektronik%20"]
--- error_code eval
[(404) x 7]
--- response_body eval
[('{"error": {"code": 404, "message": "unknown service"}}') x 7]
--- response_headers
Content-Type: application/json; charset=utf-8
Access-Control-Allow-Origin: *
Cache-Control: no-cache
!ETag
!Allow



=== TEST 6: agencies (by id; url null when absent) and categories (by id)
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["GET /api/catalog/agencies",
 "GET /api/catalog/agencies/",
 "GET /api/catalog/agencies?sort=name&x=1",
 "GET /api/catalog/categories",
 "GET /api/catalog/categories/?q=x"]
--- response_body eval
[('[{"id": "djp", "name": "Direktorat Jenderal Pajak", "url": null, "services": 3}, {"id": "dukcapil", "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil", "url": "https://dukcapil.example.go.id", "services": 5}, {"id": "imigrasi", "name": "Direktorat Jenderal Imigrasi", "url": "https://imigrasi.example.go.id", "services": 4}]') x 3,
 ('[{"id": "keimigrasian", "services": 4}, {"id": "kependudukan", "services": 5}, {"id": "perpajakan", "services": 3}]') x 2]
--- response_headers
Content-Type: application/json; charset=utf-8
Access-Control-Allow-Origin: *
Cache-Control: no-cache
--- response_headers_like
ETag: ^"[0-9a-f]{16}-[0-9]+"$



=== TEST 7: the list: defaults, name order, each entry equal to the service
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request
GET /api/catalog/services?per_page=1
--- response_body eval
qq{{"total": 12, "page": 1, "per_page": 1, "services": [$::S{akta}]}}
--- response_headers
Content-Type: application/json; charset=utf-8
Access-Control-Allow-Origin: *
Cache-Control: no-cache
--- perl
is(page_of('services'), "12 1 20: @::BY_NAME", 'defaults: page 1, 20 per page, by name');
is(page_of('services/'), "12 1 20: @::BY_NAME", 'trailing slash');
is(page_of('services?'), "12 1 20: @::BY_NAME", 'empty query string');
is(page_of('services?&&'), "12 1 20: @::BY_NAME", 'empty pieces are skipped');
my ($r, $j) = api_json('services');
my %want = (
    'dukcapil/ktp-elektronik' => $::S{ktp}, 'dukcapil/kartu-keluarga' => $::S{kk},
    'dukcapil/akta-kelahiran' => $::S{akta}, 'dukcapil/akta-lama' => $::S{akta_lama},
    'dukcapil/ktp-lama' => $::S{ktp_lama}, 'imigrasi/paspor' => $::S{paspor},
    'imigrasi/evisa' => $::S{evisa}, 'imigrasi/izin-tinggal' => $::S{itas},
    'imigrasi/visa-lama' => $::S{voa}, 'djp/efiling' => $::S{efiling},
    'djp/npwp' => $::S{npwp}, 'djp/uji-teks' => $::S{uji},
);
my $expected = '{"total": 12, "page": 1, "per_page": 20, "services": ['
             . join(', ', map { $want{$_} } @::BY_NAME) . ']}';
is($r->{body}, $expected, 'the whole default list, byte for byte');



=== TEST 8: filters alone and combined (exact, case-sensitive)
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my @cases = (
    'agency=djp' => '3 1 20: djp/efiling djp/npwp djp/uji-teks',
    'agency=imigrasi' => '4 1 20: imigrasi/izin-tinggal imigrasi/paspor imigrasi/evisa imigrasi/visa-lama',
    'agency=DJP' => '0 1 20: ',
    'agency=tidak-ada' => '0 1 20: ',
    'category=kependudukan' => '5 1 20: dukcapil/akta-kelahiran dukcapil/akta-lama dukcapil/kartu-keluarga dukcapil/ktp-elektronik dukcapil/ktp-lama',
    'category=keimigrasian' => '4 1 20: imigrasi/izin-tinggal imigrasi/paspor imigrasi/evisa imigrasi/visa-lama',
    'category=Perpajakan' => '0 1 20: ',
    'tag=ktp' => '2 1 20: dukcapil/ktp-elektronik dukcapil/ktp-lama',
    'tag=nik' => '2 1 20: dukcapil/kartu-keluarga dukcapil/ktp-elektronik',
    'tag=perjalanan' => '2 1 20: imigrasi/paspor imigrasi/evisa',
    'tag=%3Ctag%3E' => '1 1 20: djp/uji-teks',
    'tag=a%26b' => '1 1 20: djp/uji-teks',
    'tag=kt' => '0 1 20: ',
    'status=active' => '9 1 20: dukcapil/akta-kelahiran dukcapil/akta-lama djp/efiling dukcapil/kartu-keluarga dukcapil/ktp-elektronik imigrasi/paspor djp/npwp djp/uji-teks imigrasi/visa-lama',
    'status=maintenance' => '2 1 20: imigrasi/izin-tinggal imigrasi/evisa',
    'status=retired' => '1 1 20: dukcapil/ktp-lama',
    'agency=dukcapil&tag=ktp' => '2 1 20: dukcapil/ktp-elektronik dukcapil/ktp-lama',
    'agency=dukcapil&tag=ktp&status=active' => '1 1 20: dukcapil/ktp-elektronik',
    'agency=dukcapil&category=kependudukan&tag=ktp&status=retired' => '1 1 20: dukcapil/ktp-lama',
    'tag=perjalanan&status=maintenance' => '1 1 20: imigrasi/evisa',
    'category=keimigrasian&status=active' => '2 1 20: imigrasi/paspor imigrasi/visa-lama',
    'agency=djp&category=kependudukan' => '0 1 20: ',
    'agency=imigrasi&tag=visa&q=arrival' => '1 1 20: imigrasi/visa-lama',
    'agency=&category=&tag=&status=&q=' => "12 1 20: @::BY_NAME",
);
while (my ($q, $want) = splice @cases, 0, 2) {
    is(page_of("services?$q"), $want, "services?$q");
}



=== TEST 9: search: words AND, prefixes, case and accents, ranking, stable order
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my @cases = (
    'q=ktp' => '2 1 20: dukcapil/ktp-elektronik dukcapil/ktp-lama',
    'q=KTP' => '2 1 20: dukcapil/ktp-elektronik dukcapil/ktp-lama',
    'q=Ktp' => '2 1 20: dukcapil/ktp-elektronik dukcapil/ktp-lama',
    # prefixes
    'q=kt' => '2 1 20: dukcapil/ktp-elektronik dukcapil/ktp-lama',
    'q=pasp' => '1 1 20: imigrasi/paspor',
    # every word must match, in any order, "+" or %20 between them
    'q=akta+kelahiran' => '2 1 20: dukcapil/akta-kelahiran dukcapil/akta-lama',
    'q=kelahiran%20akta' => '2 1 20: dukcapil/akta-kelahiran dukcapil/akta-lama',
    'q=akta+lama' => '1 1 20: dukcapil/akta-lama',
    'q=akta+paspor' => '0 1 20: ',
    'q=%20%20paspor%20%20baru%20' => '1 1 20: imigrasi/paspor',
    # accents: "kafé" is found as "kafe", "KAFÉ" and "kafé"
    'q=kafe' => '1 1 20: imigrasi/evisa',
    'q=KAF%C3%89' => '1 1 20: imigrasi/evisa',
    'q=kaf%C3%A9' => '1 1 20: imigrasi/evisa',
    'q=unicode' => '1 1 20: djp/uji-teks',
    'q=%C3%9CN%C3%8FC%C3%96D%C3%89' => '1 1 20: djp/uji-teks',
    'q=ss' => '1 1 20: djp/uji-teks',
    'q=%E6%97%A5%E6%9C%AC' => '1 1 20: djp/uji-teks',
    # fields: tags, agency name, description
    'q=identitas' => '1 1 20: dukcapil/ktp-elektronik',
    'q=imigrasi' => '4 1 20: imigrasi/izin-tinggal imigrasi/paspor imigrasi/evisa imigrasi/visa-lama',
    'q=wawancara' => '1 1 20: imigrasi/paspor',
    # a word in the name ranks above the same word in a description
    'q=pendaftaran' => '2 1 20: djp/npwp imigrasi/evisa',
    # tag (efiling, npwp) above agency name (uji-teks), then by name
    'q=pajak' => '3 1 20: djp/efiling djp/npwp djp/uji-teks',
    # a name that starts with the words first
    'q=visa' => '2 1 20: imigrasi/evisa imigrasi/visa-lama',
    'q=elektronik' => '3 1 20: dukcapil/ktp-elektronik dukcapil/ktp-lama imigrasi/evisa',
    'q=e-visa' => '1 1 20: imigrasi/evisa',
    # punctuation only: no word, the whole catalog
    'q=---' => "12 1 20: @::BY_NAME",
    'q=zzzz' => '0 1 20: ',
);
while (my ($q, $want) = splice @cases, 0, 2) {
    is(page_of("services?$q"), $want, "services?$q");
}
my $a = api('services?q=a&per_page=200')->{body};
my $b = api('services?q=a&per_page=200')->{body};
is($a, $b, 'identical requests, identical answers');
like($a, qr/"total": [1-9]/, 'q=a finds something');
is(api('services?q=zzzz')->{body}, '{"total": 0, "page": 1, "per_page": 20, "services": []}',
   'nothing found: exact body');



=== TEST 10: paging: page 2, past the last page, per_page 1 and 200
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["GET /api/catalog/services?page=4&per_page=5",
 "GET /api/catalog/services?page=1000000&per_page=200",
 "GET /api/catalog/services?q=ktp&page=2",
 "GET /api/catalog/services?per_page=1&page=12",
 "GET /api/catalog/services?per_page=1&page=13"]
--- response_body eval
['{"total": 12, "page": 4, "per_page": 5, "services": []}',
 '{"total": 12, "page": 1000000, "per_page": 200, "services": []}',
 '{"total": 2, "page": 2, "per_page": 20, "services": []}',
 qq{{"total": 12, "page": 12, "per_page": 1, "services": [$::S{voa}]}},
 '{"total": 12, "page": 13, "per_page": 1, "services": []}']
--- perl
my @n = @::BY_NAME;
is(page_of('services?per_page=5'), "12 1 5: @n[0..4]", 'page 1 of 5');
is(page_of('services?per_page=5&page=2'), "12 2 5: @n[5..9]", 'page 2 of 5');
is(page_of('services?page=3&per_page=5'), "12 3 5: @n[10,11]", 'last page, partly full');
is(page_of('services?per_page=200'), "12 1 200: @n", 'per_page 200');
is(page_of('services?per_page=12'), "12 1 12: @n", 'per_page = total');
is(page_of('services?per_page=11&page=2'), "12 2 11: $n[11]", 'one on the last page');
for my $i (1 .. 12) {
    is(page_of("services?per_page=1&page=$i"), "12 $i 1: $n[$i - 1]", "per_page 1, page $i");
}
is(page_of('services?page=0001&per_page=0000000002'), "12 1 2: @n[0,1]", 'leading zeros');
is(page_of('services?q=visa&per_page=1&page=2'), '2 2 1: imigrasi/visa-lama', 'paging a search');



=== TEST 11: sorts: name, agency (id, then name), relevance (name without q)
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my @cases = (
    'sort=name' => "12 1 20: @::BY_NAME",
    'sort=relevance' => "12 1 20: @::BY_NAME",
    'sort=agency' => '12 1 20: djp/efiling djp/npwp djp/uji-teks dukcapil/akta-kelahiran dukcapil/akta-lama dukcapil/kartu-keluarga dukcapil/ktp-elektronik dukcapil/ktp-lama imigrasi/izin-tinggal imigrasi/paspor imigrasi/evisa imigrasi/visa-lama',
    'sort=agency&per_page=4&page=2' => '12 2 4: dukcapil/akta-lama dukcapil/kartu-keluarga dukcapil/ktp-elektronik dukcapil/ktp-lama',
    'q=pendaftaran' => '2 1 20: djp/npwp imigrasi/evisa',
    'q=pendaftaran&sort=relevance' => '2 1 20: djp/npwp imigrasi/evisa',
    'q=pendaftaran&sort=name' => '2 1 20: djp/npwp imigrasi/evisa',
    'q=pendaftaran&sort=agency' => '2 1 20: djp/npwp imigrasi/evisa',
    'q=perjalanan&sort=name' => '2 1 20: imigrasi/paspor imigrasi/evisa',
    'q=direktorat&sort=agency&per_page=3&page=2' => '12 2 3: dukcapil/akta-kelahiran dukcapil/akta-lama dukcapil/kartu-keluarga',
    'q=direktorat+jenderal+pajak' => '3 1 20: djp/efiling djp/npwp djp/uji-teks',
    'status=maintenance&sort=agency' => '2 1 20: imigrasi/izin-tinggal imigrasi/evisa',
    'q=visa&sort=name' => '2 1 20: imigrasi/evisa imigrasi/visa-lama',
    'q=nik&sort=relevance' => '2 1 20: dukcapil/kartu-keluarga dukcapil/ktp-elektronik',
);
while (my ($q, $want) = splice @cases, 0, 2) {
    is(page_of("services?$q"), $want, "services?$q");
}



=== TEST 12: resolve: every outcome, exact answers
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["GET /api/catalog/resolve?path=/ktp/",
 "GET /api/catalog/resolve?path=/imigrasi/voa/x%20y",
 "GET /api/catalog/resolve?path=/dukcapil/akta-lama/cek/../1&host=layanan.example.go.id",
 "GET /api/catalog/resolve?path=/dukcapil/ktp-lama",
 "GET /api/catalog/resolve?path=/imigrasi/evisa/x&method=POST",
 "GET /api/catalog/resolve?path=/imigrasi/itas",
 "GET /api/catalog/resolve?path=/imigrasi/paspor/status&method=DELETE",
 "GET /api/catalog/resolve?path=/pajakbumi",
 "GET /api/catalog/resolve?path=/efiling"]
--- response_body eval
[qq{{"path": "/ktp/", "method": "GET", "host": null, "outcome": "proxy", "service": $::S{ktp}, "route": {"path": "/ktp", "match": "exact"}}},
 qq{{"path": "/imigrasi/voa/x y", "method": "GET", "host": null, "outcome": "redirect", "service": $::S{voa}, "route": {"path": "/imigrasi/voa", "match": "prefix"}, "location": "https://evisa.imigrasi.example.go.id/voa/x%20y?src=layanan#form"}},
 qq{{"path": "/dukcapil/akta-lama/1", "method": "GET", "host": "layanan.example.go.id", "outcome": "redirect", "service": $::S{akta_lama}, "route": {"path": "/dukcapil/akta-lama", "match": "prefix"}, "location": "/dukcapil/akta/1"}},
 qq{{"path": "/dukcapil/ktp-lama", "method": "GET", "host": null, "outcome": "gone", "service": $::S{ktp_lama}, "route": {"path": "/dukcapil/ktp-lama", "match": "prefix"}}},
 qq{{"path": "/imigrasi/evisa/x", "method": "POST", "host": null, "outcome": "maintenance", "service": $::S{evisa}, "route": {"path": "/imigrasi/evisa", "match": "prefix"}}},
 qq{{"path": "/imigrasi/itas", "method": "GET", "host": null, "outcome": "maintenance", "service": $::S{itas}, "route": {"path": "/imigrasi/itas", "match": "prefix"}}},
 qq{{"path": "/imigrasi/paspor/status", "method": "DELETE", "host": null, "outcome": "method_not_allowed", "service": $::S{paspor}, "route": {"path": "/imigrasi/paspor/status", "match": "exact"}}},
 '{"path": "/pajakbumi", "method": "GET", "host": null, "outcome": "not_found", "service": null, "route": null}',
 '{"path": "/efiling", "method": "GET", "host": null, "outcome": "not_found", "service": null, "route": null}']
--- response_headers
Content-Type: application/json; charset=utf-8
Access-Control-Allow-Origin: *
Cache-Control: no-cache
--- response_headers_like
ETag: ^"[0-9a-f]{16}-[0-9]+"$



=== TEST 13: resolve: path normalised, method default, host lowercased without port
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
# path method host outcome service route
my @cases = (
    'path=/ktp' => '/ktp GET - proxy dukcapil/ktp-elektronik /ktp exact',
    'path=/ktp/x' => '/ktp/x GET - not_found - - -',
    'path=/KTP' => '/KTP GET - not_found - - -',
    'path=/dukcapil/ktp' => '/dukcapil/ktp GET - proxy dukcapil/ktp-elektronik /dukcapil/ktp prefix',
    'path=/dukcapil/ktp/status/1' => '/dukcapil/ktp/status/1 GET - proxy dukcapil/ktp-elektronik /dukcapil/ktp prefix',
    'path=/dukcapil/ktpx' => '/dukcapil/ktpx GET - not_found - - -',
    'path=/a/b/../../dukcapil/./kk//x' => '/dukcapil/kk/x GET - proxy dukcapil/kartu-keluarga /dukcapil/kk prefix',
    'path=/dukcapil/kk/..' => '/dukcapil/ GET - not_found - - -',
    'path=//dukcapil///kk' => '/dukcapil/kk GET - proxy dukcapil/kartu-keluarga /dukcapil/kk prefix',
    'path=%2Fdukcapil%2Fkk%2F.' => '/dukcapil/kk/ GET - proxy dukcapil/kartu-keluarga /dukcapil/kk prefix',
    'path=/' => '/ GET - not_found - - -',
    'path=/a+b' => '/a+b GET - not_found - - -',
    'path=/imigrasi/paspor/status' => '/imigrasi/paspor/status GET - proxy imigrasi/paspor /imigrasi/paspor/status exact',
    'path=/imigrasi/paspor/status&method=HEAD' => '/imigrasi/paspor/status HEAD - proxy imigrasi/paspor /imigrasi/paspor/status exact',
    'path=/imigrasi/paspor/status&method=POST' => '/imigrasi/paspor/status POST - method_not_allowed imigrasi/paspor /imigrasi/paspor/status exact',
    'path=/imigrasi/paspor/status/x&method=DELETE' => '/imigrasi/paspor/status/x DELETE - proxy imigrasi/paspor /imigrasi/paspor prefix',
    'path=/imigrasi/paspor&method=PURGE' => '/imigrasi/paspor PURGE - proxy imigrasi/paspor /imigrasi/paspor prefix',
    'path=/imigrasi/paspor&method=' => '/imigrasi/paspor GET - proxy imigrasi/paspor /imigrasi/paspor prefix',
    'path=/dukcapil/ktp-lama&method=DELETE' => '/dukcapil/ktp-lama DELETE - gone dukcapil/ktp-lama /dukcapil/ktp-lama prefix',
    'path=/efiling&host=pajak.example.go.id' => '/efiling GET pajak.example.go.id proxy djp/efiling /efiling prefix',
    'path=/efiling&host=PAJAK.Example.GO.ID:8443' => '/efiling GET pajak.example.go.id proxy djp/efiling /efiling prefix',
    'path=/efiling&host=pajak.example.go.id.' => '/efiling GET pajak.example.go.id proxy djp/efiling /efiling prefix',
    'path=/efiling&host=' => '/efiling GET - not_found - - -',
    'path=/efiling&host=lain.example.go.id' => '/efiling GET lain.example.go.id not_found - - -',
    'path=/pajak/efiling&host=pajak.example.go.id' => '/pajak/efiling GET pajak.example.go.id proxy djp/efiling /pajak/efiling prefix',
    'path=/ktp&other=1&path2=x' => '/ktp GET - proxy dukcapil/ktp-elektronik /ktp exact',
    'method=DELETE&path=/ktp&host=x' => '/ktp DELETE x proxy dukcapil/ktp-elektronik /ktp exact',
);
while (my ($q, $want) = splice @cases, 0, 2) {
    my ($r, $j) = api_json("resolve?$q");
    my $got = join ' ', map { defined $_ ? $_ : '-' }
        $j->{path}, $j->{method}, $j->{host}, $j->{outcome},
        ($j->{service} ? $j->{service}{id} : undef),
        ($j->{route} ? @{ $j->{route} }{qw(path match)} : (undef, undef));
    is($got, $want, "resolve?$q");
    is(exists $j->{location} ? 1 : 0, 0, "resolve?$q: no location");
}



=== TEST 14: resolve says what the router does with the same request
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my %status = (proxy => 200, redirect => 'redirect', gone => 410,
              maintenance => 503, not_found => 404, method_not_allowed => 405);
for my $c (['/ktp'], ['/ktp/x'], ['/dukcapil/ktp/a'], ['/dukcapil/kk'],
           ['/dukcapil/akta-lama/cek/1'], ['/dukcapil/akta-lama'],
           ['/imigrasi/voa/x'], ['/dukcapil/ktp-lama'], ['/imigrasi/evisa'],
           ['/imigrasi/itas/x', 'POST'], ['/imigrasi/paspor/status', 'DELETE'],
           ['/imigrasi/paspor/status', 'HEAD'], ['/imigrasi/paspor/status/x', 'DELETE'],
           ['/efiling'], ['/efiling', 'GET', 'pajak.example.go.id'],
           ['/pajakbumi'], ['/'])
{
    my ($path, $method, $host) = @$c;
    $method //= 'GET';
    my $q = "resolve?path=$path&method=$method" . ($host ? "&host=$host" : '');
    my ($r, $j) = api_json($q);
    my $real = http_get($path, method => $method,
                        $host ? (headers => ["Host: $host"]) : ());
    my $want = $status{ $j->{outcome} };
    if ($want eq 'redirect') {
        like($real->{status}, qr/^30[1278]$/, "$method $path: the router redirects");
        my $loc = $real->header('Location') // '';
        $loc =~ s{^http://[^/]+(?=/)}{};
        is($loc, $j->{location}, "$method $path: the same Location");
    } else {
        is($real->{status}, $want, "$method $path: router $real->{status}, resolve $j->{outcome}");
    }
}



=== TEST 15: resolve: bad requests
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["GET /api/catalog/resolve",
 "GET /api/catalog/resolve?path=",
 "GET /api/catalog/resolve?path",
 "GET /api/catalog/resolve?method=GET&host=a",
 "GET /api/catalog/resolve?path=ktp",
 "GET /api/catalog/resolve?path=%2E%2E",
 "GET /api/catalog/resolve?path=/..",
 "GET /api/catalog/resolve?path=/a/../..",
 "GET /api/catalog/resolve?path=/a/b/../../../c",
 "GET /api/catalog/resolve?path=/a&path=/b",
 "GET /api/catalog/resolve?path=/a&path=",
 "GET /api/catalog/resolve?path=/a%zz",
 "GET /api/catalog/resolve?path=/a%2",
 "GET /api/catalog/resolve?path=/a%0Ab",
 "GET /api/catalog/resolve?path=/a%00",
 "GET /api/catalog/resolve?path=/a%7F",
 "GET /api/catalog/resolve?path=/a&method=get",
 "GET /api/catalog/resolve?path=/a&method=G3T",
 "GET /api/catalog/resolve?path=/a&method=" . ('A' x 33),
 "GET /api/catalog/resolve?path=/a&method=GET&method=POST",
 "GET /api/catalog/resolve?path=/a&method=%G",
 "GET /api/catalog/resolve?path=/a&host=a%20b",
 "GET /api/catalog/resolve?path=/a&host=%5B::1%5D",
 "GET /api/catalog/resolve?path=/a&host=a/b",
 "GET /api/catalog/resolve?path=/a&host=a&host=b",
 "GET /api/catalog/resolve?path=/a&host=%",
 "GET /api/catalog/resolve?path=/" . ('a' x 2043)]
--- error_code eval
[(400) x 27]
--- response_body eval
[('{"error": {"code": 400, "message": "\"path\" is required"}}') x 4,
 ('{"error": {"code": 400, "message": "invalid \"path\": must start with \"/\" and stay under it"}}') x 5,
 ('{"error": {"code": 400, "message": "invalid \"path\": given twice or badly encoded"}}') x 4,
 ('{"error": {"code": 400, "message": "invalid \"path\": must not contain control characters"}}') x 3,
 ('{"error": {"code": 400, "message": "invalid \"method\": must be an upper-case method name"}}') x 3,
 ('{"error": {"code": 400, "message": "invalid \"method\": given twice or badly encoded"}}') x 2,
 ('{"error": {"code": 400, "message": "invalid \"host\""}}') x 3,
 ('{"error": {"code": 400, "message": "invalid \"host\": given twice or badly encoded"}}') x 2,
 '{"error": {"code": 400, "message": "query string is too long"}}']
--- response_headers
Content-Type: application/json; charset=utf-8
Access-Control-Allow-Origin: *
Cache-Control: no-cache
!ETag



=== TEST 16: resolve: the query string may be 2048 bytes
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
"GET /api/catalog/resolve?path=/" . ('a' x 2042)
--- response_body eval
'{"path": "/' . ('a' x 2042) . '", "method": "GET", "host": null, "outcome": "not_found", "service": null, "route": null}'



=== TEST 17: services: every bad parameter, exact messages
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my @cases = (
    # unknown names, as sent (cut to 32 bytes, non-printable as "?")
    'x=1' => 'unknown parameter \"x\"',
    'Q=ktp' => 'unknown parameter \"Q\"',
    'pages=2' => 'unknown parameter \"pages\"',
    'q=a&limit=5' => 'unknown parameter \"limit\"',
    '=1' => 'unknown parameter \"\"',
    'p%61ge=1' => 'unknown parameter \"p%61ge\"',
    'a%22b=1' => 'unknown parameter \"a%22b\"',
    ('x' x 40) . '=1' => 'unknown parameter \"' . ('x' x 32) . '\"',
    "k\xc3\xa9y=1" => 'unknown parameter \"k??y\"',
    'page=0&x=1' => 'unknown parameter \"x\"',
    # twice, even empty
    'page=1&page=2' => 'parameter \"page\" is given twice',
    'q=a&q=b' => 'parameter \"q\" is given twice',
    'agency=djp&agency=' => 'parameter \"agency\" is given twice',
    'sort=name&per_page=5&sort=name' => 'parameter \"sort\" is given twice',
    'status&status' => 'parameter \"status\" is given twice',
    # %-encoding
    'q=%zz' => 'invalid \"q\": bad %-encoding',
    'q=100%' => 'invalid \"q\": bad %-encoding',
    'q=%4' => 'invalid \"q\": bad %-encoding',
    'agency=%G1' => 'invalid \"agency\": bad %-encoding',
    'page=%' => 'invalid \"page\": bad %-encoding',
    # UTF-8
    'q=%FF' => 'invalid \"q\": not valid UTF-8',
    'q=%C3' => 'invalid \"q\": not valid UTF-8',
    'q=%C0%80' => 'invalid \"q\": not valid UTF-8',
    'q=%E0%80%80' => 'invalid \"q\": not valid UTF-8',
    'q=%ED%A0%80' => 'invalid \"q\": not valid UTF-8',
    'q=%F4%90%80%80' => 'invalid \"q\": not valid UTF-8',
    'q=%F8%88%80%80%80' => 'invalid \"q\": not valid UTF-8',
    'q=%80' => 'invalid \"q\": not valid UTF-8',
    "tag=\xff" => 'invalid \"tag\": not valid UTF-8',
    'category=%E2%82' => 'invalid \"category\": not valid UTF-8',
    # controls
    'q=%00' => 'invalid \"q\": must not contain control characters',
    'q=a%0Ab' => 'invalid \"q\": must not contain control characters',
    'q=a%09b' => 'invalid \"q\": must not contain control characters',
    'q=%7F' => 'invalid \"q\": must not contain control characters',
    'status=%0D' => 'invalid \"status\": must not contain control characters',
    # lengths
    'q=' . ('a' x 257) => 'invalid \"q\": longer than 256 bytes',
    'q=' . ('%C3%A9' x 129) => 'invalid \"q\": longer than 256 bytes',
    'q=' . ('a+' x 128) . 'b' => 'invalid \"q\": longer than 256 bytes',
    'agency=' . ('a' x 201) => 'invalid \"agency\": longer than 200 bytes',
    'category=' . ('a' x 201) => 'invalid \"category\": longer than 200 bytes',
    'tag=' . ('a' x 201) => 'invalid \"tag\": longer than 200 bytes',
    # values
    'status=x' => 'invalid \"status\": must be \"active\", \"maintenance\" or \"retired\"',
    'status=Active' => 'invalid \"status\": must be \"active\", \"maintenance\" or \"retired\"',
    'status=active+' => 'invalid \"status\": must be \"active\", \"maintenance\" or \"retired\"',
    'page=0' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=-1' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=%2B1' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=+1' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=1.0' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=1e3' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=abc' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=0x10' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=1000001' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=4294967297' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=99999999999999999999' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=00000000001' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'per_page=0' => 'invalid \"per_page\": must be a whole number from 1 to 200',
    'per_page=201' => 'invalid \"per_page\": must be a whole number from 1 to 200',
    'per_page=-5' => 'invalid \"per_page\": must be a whole number from 1 to 200',
    'per_page=20x' => 'invalid \"per_page\": must be a whole number from 1 to 200',
    'per_page=%2020' => 'invalid \"per_page\": must be a whole number from 1 to 200',
    'sort=x' => 'invalid \"sort\": must be \"relevance\", \"name\" or \"agency\"',
    'sort=NAME' => 'invalid \"sort\": must be \"relevance\", \"name\" or \"agency\"',
    'sort=name,agency' => 'invalid \"sort\": must be \"relevance\", \"name\" or \"agency\"',
    'sort=-name' => 'invalid \"sort\": must be \"relevance\", \"name\" or \"agency\"',
    # the first error found: parameters in order, then q, filters, status, page, per_page, sort
    'sort=x&page=0' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'per_page=0&page=0' => 'invalid \"page\": must be a whole number from 1 to 1000000',
    'page=0&status=x' => 'invalid \"status\": must be \"active\", \"maintenance\" or \"retired\"',
    'q=%FF&agency=%zz' => 'invalid \"q\": not valid UTF-8',
);
while (my ($q, $msg) = splice @cases, 0, 2) {
    my $r = api("services?$q");
    my $label = length $q > 60 ? substr($q, 0, 57) . '...' : $q;
    is($r->{status}, 400, "services?$label: 400");
    is($r->{body}, qq({"error": {"code": 400, "message": "$msg"}}), "services?$label: message");
    is(scalar $r->header('ETag'), undef, "services?$label: no ETag");
    is(scalar $r->header('Content-Type'), 'application/json; charset=utf-8',
       "services?$label: JSON");
}
# the limits themselves are fine
for my $q ('q=' . ('a' x 256), 'q=' . ('%C3%A9' x 128), 'agency=' . ('a' x 200),
           'page=1000000', 'per_page=200', 'per_page=1', 'page=0000000001',
           'status=active', 'status=maintenance', 'status=retired',
           'sort=relevance', 'sort=name', 'sort=agency', 'q=%F0%9F%98%80',
           'q=%F4%8F%BF%BF', 'q=%EF%BF%BF', 'q=%C2%80', 'q=%2B', 'tag=a+b')
{
    is(api("services?$q")->{status}, 200, 'services?' . substr($q, 0, 40) . ': 200');
}



=== TEST 18: unknown API paths
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["GET /api/catalog/",
 "GET /api/catalog/foo",
 "GET /api/catalog/servicesx",
 "GET /api/catalog/service",
 "GET /api/catalog/Services",
 "GET /api/catalog/agencies/djp",
 "GET /api/catalog/categories/perpajakan",
 "GET /api/catalog/resolvex?path=/",
 "GET /api/catalog/api/catalog/services",
 "GET /api/catalog/status"]
--- error_code eval
[(404) x 10]
--- response_body eval
[('{"error": {"code": 404, "message": "unknown API path"}}') x 10]
--- response_headers
Content-Type: application/json; charset=utf-8
Access-Control-Allow-Origin: *
Cache-Control: no-cache
!ETag



=== TEST 19: HEAD: the headers of GET, no body
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
for my $rel ('services', 'services?q=ktp&per_page=1', 'services/dukcapil/ktp-elektronik',
             'agencies', 'categories', 'resolve?path=/ktp', 'services?page=0',
             'services/dukcapil/x', 'resolve', 'foo')
{
    my $g = api($rel);
    my $h = api($rel, method => 'HEAD');
    is($h->{status}, $g->{status}, "HEAD $rel: status $g->{status}");
    is($h->{body}, '', "HEAD $rel: no body");
    for my $n (qw(Content-Type Content-Length ETag Cache-Control
                  Access-Control-Allow-Origin Allow))
    {
        is(scalar $h->header($n), scalar $g->header($n), "HEAD $rel: $n");
    }
    is(scalar $h->header('Content-Length'), length $g->{body},
       "HEAD $rel: Content-Length of the GET body");
}



=== TEST 20: other methods: 405 with Allow, on every path
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["POST /api/catalog/services\n\nq=ktp",
 "PUT /api/catalog/services/dukcapil/ktp-elektronik\n\n{\"status\": \"maintenance\"}",
 "DELETE /api/catalog/services/dukcapil/ktp-elektronik",
 "PATCH /api/catalog/agencies",
 "OPTIONS /api/catalog/categories",
 "POST /api/catalog/resolve?path=/ktp",
 "PROPFIND /api/catalog/services",
 "POST /api/catalog/tidak-ada",
 "POST /api/catalog/services?page=0"]
--- error_code eval
[(405) x 9]
--- response_body eval
[('{"error": {"code": 405, "message": "method not allowed"}}') x 9]
--- response_headers
Allow: GET, HEAD
Content-Type: application/json; charset=utf-8
Access-Control-Allow-Origin: *
Cache-Control: no-cache
!ETag



=== TEST 21: If-None-Match: 304 without a body for the current ETag
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $etag = etag_of(api('services'));
like($etag, qr/^"[0-9a-f]{16}-[0-9]+"$/, 'ETag: "hash-generation"');
for my $rel ('services', 'services?q=ktp&sort=name', 'services/dukcapil/ktp-elektronik',
             'agencies', 'categories', 'resolve?path=/ktp')
{
    for my $inm ($etag, "W/$etag", qq{"x", $etag}, qq{W/"x",$etag ,"y"}, '*') {
        for my $m ('GET', 'HEAD') {
            my $r = api($rel, method => $m, headers => ["If-None-Match: $inm"]);
            is($r->{status}, 304, "$m $rel, If-None-Match: $inm: 304");
            is($r->{body}, '', "$m $rel, If-None-Match: $inm: no body");
            is(etag_of($r), $etag, "$m $rel, If-None-Match: $inm: ETag");
            is(scalar $r->header('Cache-Control'), 'no-cache', "$m $rel: Cache-Control");
            is(scalar $r->header('Access-Control-Allow-Origin'), '*', "$m $rel: CORS");
        }
    }
    for my $inm ('"0000000000000000-0"', '"x"', ($etag =~ s/(\d+)"$/($1 + 1) . '"'/er),
                 substr($etag, 1, -1))
    {
        my $r = api($rel, headers => ["If-None-Match: $inm"]);
        is($r->{status}, 200, "GET $rel, If-None-Match: $inm: 200");
        isnt($r->{body}, '', "GET $rel, If-None-Match: $inm: a body");
    }
}
# a catalog answer does not depend on If-Modified-Since
is(api('agencies', headers => ['If-Modified-Since: Sat, 01 Jan 2050 00:00:00 GMT'])->{status},
   200, 'If-Modified-Since is ignored');



=== TEST 22: ETag: the same for every answer and request, changed by a manifest change
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- workers: 2
--- timeout: 10
--- perl
my $etag = etag_of(api('services'));
like($etag, qr/^"[0-9a-f]{16}-[0-9]+"$/, 'ETag');
for my $i (1 .. 4) {
    for my $rel ('services', 'services?q=ktp', 'agencies', 'categories',
                 'services/djp/npwp', 'resolve?path=/ktp')
    {
        is(etag_of(api($rel)), $etag, "ETag of $rel ($i)");
    }
}
my $body = api('services/djp/npwp')->{body};

# the same manifests again: same hash, same ETag
is(nginx_reload(), 1, 'reload with the same manifests');
is(etag_of(api('services')), $etag, 'same manifests, same ETag');

# one manifest changed: a new ETag everywhere, the old one no longer 304
my ($djp) = $::CATALOG =~ /^>>> djp\.json\n(.*?)(?=^>>> |\z)/ms;
$djp =~ s/"Pendaftaran NPWP"/"Pendaftaran NPWP Baru"/ or die;
write_file('manifests/djp.json', $djp);
is(nginx_reload(), 1, 'reload with a changed manifest');
my $new = etag_of(api('services'));
like($new, qr/^"[0-9a-f]{16}-[0-9]+"$/, 'new ETag');
isnt($new, $etag, 'a changed manifest changes the ETag');
for my $i (1 .. 4) {
    for my $rel ('services', 'agencies', 'categories', 'services/djp/npwp', 'resolve?path=/ktp') {
        is(etag_of(api($rel)), $new, "new ETag of $rel ($i)");
        is(api($rel, headers => ["If-None-Match: $etag"])->{status}, 200,
           "old ETag of $rel: 200 ($i)");
        is(api($rel, headers => ["If-None-Match: $new"])->{status}, 304,
           "new ETag of $rel: 304 ($i)");
    }
}
(my $want = $body) =~ s/"Pendaftaran NPWP"/"Pendaftaran NPWP Baru"/;
is(api('services/djp/npwp')->{body}, $want, 'the answer shows the change');
is(page_of('services?q=baru'),
   '4 1 20: imigrasi/paspor djp/npwp dukcapil/kartu-keluarga dukcapil/ktp-elektronik',
   'and the search too (names first, then descriptions)');

# a manifest removed: another ETag, its agency gone
unlink(manifest_dir() . '/djp.json') or die $!;
is(nginx_reload(), 1, 'reload without djp.json');
my $third = etag_of(api('agencies'));
ok($third ne $etag && $third ne $new, 'a removed manifest changes the ETag');
is(api('agencies')->{body}, '[{"id": "dukcapil", "name": "Direktorat Jenderal Kependudukan dan Pencatatan Sipil", "url": "https://dukcapil.example.go.id", "services": 5}, {"id": "imigrasi", "name": "Direktorat Jenderal Imigrasi", "url": "https://imigrasi.example.go.id", "services": 4}]',
   'agencies without djp');
is(api('services/djp/npwp')->{status}, 404, 'its services are gone');
--- no_error_log
[error]



=== TEST 23: no backend, host header, redirect target or internal field in any answer
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my @rels = ('services?per_page=200', 'agencies', 'categories',
            map({ "services/$_" } @::BY_NAME),
            map({ "resolve?path=$_" } qw(/ktp /dukcapil/kk /dukcapil/akta-lama
                /imigrasi/voa /dukcapil/ktp-lama /imigrasi/evisa /imigrasi/itas
                /pajak/efiling /pajak/npwp /pajak/uji-teks /x)),
            'resolve?path=/efiling&host=pajak.example.go.id',
            'resolve?path=/imigrasi/paspor/status&method=PUT');
my $b1 = $ENV{TEST_NGINX_BACKEND_PORT};
my $b2 = $ENV{TEST_NGINX_BACKEND2_PORT};
for my $rel (@rels) {
    my $r = api($rel);
    is($r->{status}, 200, "$rel: 200");
    unlike($r->{body}, qr/\Q127.0.0.1\E|:$b1\b|:$b2\b|ktp\.dukcapil\.internal/,
           "$rel: no backend or host header");
    unlike($r->{body}, qr/"(?:backends|host_header|backend_host|redirect|to|keep_path|keep_query|strip_prefix|methods|host|successor|maintenance_message|file|code)":/,
           "$rel: no internal member")
        unless $rel =~ /^resolve/;
    unlike($r->{body}, qr/"(?:backends|host_header|strip_prefix|methods|successor|file)":/,
           "$rel: no internal member") if $rel =~ /^resolve/;
    is(scalar $r->header('Access-Control-Allow-Origin'), '*', "$rel: CORS");
    is(scalar $r->header('Cache-Control'), 'no-cache', "$rel: Cache-Control");
    is(scalar $r->header('Content-Type'), 'application/json; charset=utf-8', "$rel: type");
}



=== TEST 24: an empty catalog: empty lists, resolve not_found
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
--- config eval: $::CONFIG
--- request eval
["GET /api/catalog/services",
 "GET /api/catalog/services?q=ktp&agency=djp&category=x&tag=y&status=active&sort=agency&page=3&per_page=1",
 "GET /api/catalog/agencies",
 "GET /api/catalog/categories",
 "GET /api/catalog/services/dukcapil/ktp-elektronik",
 "GET /api/catalog/resolve?path=/ktp&method=POST&host=Example.com",
 "GET /ktp"]
--- error_code eval
[200, 200, 200, 200, 404, 200, 503]
--- response_body_like eval
['\A\{"total": 0, "page": 1, "per_page": 20, "services": \[\]\}\z',
 '\A\{"total": 0, "page": 3, "per_page": 1, "services": \[\]\}\z',
 '\A\[\]\z',
 '\A\[\]\z',
 '\A\{"error": \{"code": 404, "message": "unknown service"\}\}\z',
 '\A\{"path": "/ktp", "method": "POST", "host": "example.com", "outcome": "not_found", "service": null, "route": null\}\z',
 '']
--- no_error_log
[error]



=== TEST 25: the API in another location, the router elsewhere
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config
    location /katalog/v1/ {
        catalog_api;
    }
--- request eval
["GET /katalog/v1/services/dukcapil/ktp-elektronik",
 "GET /katalog/v1/categories",
 "GET /katalog/v1/resolve?path=/ktp/x",
 "GET /katalog/v1/"]
--- error_code eval
[200, 200, 200, 404]
--- response_body eval
[$::S{ktp},
 '[{"id": "keimigrasian", "services": 4}, {"id": "kependudukan", "services": 5}, {"id": "perpajakan", "services": 3}]',
 '{"path": "/ktp/x", "method": "GET", "host": null, "outcome": "not_found", "service": null, "route": null}',
 '{"error": {"code": 404, "message": "unknown API path"}}']



=== TEST 26: catalog_api twice in one location
--- http_config eval: $::HTTP_CONFIG
--- config
    location /api/catalog/ {
        catalog_api;
        catalog_api;
    }
--- must_die
--- error_log
qr/\[emerg\] .*"catalog_api" directive is duplicate in \S+nginx\.conf:\d+/
