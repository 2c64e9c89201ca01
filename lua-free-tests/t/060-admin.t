# The admin API (catalog_admin, catalog_admin_tokens): every request and
# every error, and what a status change does to the router and to the
# public catalog API.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/060-admin.t
#
# Three tokens (Dukcapil's, Imigrasi's and a "*" one) are written as
# SHA-256 hashes to the tokens file; the plain tokens must never show up
# in the error log, which every block checks.  The catalog, the nginx
# configuration, the expected JSON of each service and the helpers of the
# --- perl sections are written once below, before __DATA__.

use lib 'lib';
use Test::Catalog;

use Digest::SHA ();
use JSON::PP ();
use MIME::Base64 ();
use POSIX ();
use Time::Local ();

our (%TOK, %AUTH, $TOKENS, $CATALOG, $HTTP_CONFIG, $HTTP_NO_TOKENS, $CONFIG,
     %SVC, $NO_TOKEN_IN_LOG);

%TOK = (
    dukcapil => 'ktk-dukcapil-7f3a9c1e5b2d4f60a8e1',
    imigrasi => 'ktk-imigrasi-0b9d8c7a6e5f4a3b2c1d',
    root     => 'ktk-root-4e1f2a3b5c6d7e8f9a0b',
);
%AUTH = map { $_ => "Authorization: Bearer $TOK{$_}" } keys %TOK;

$TOKENS = ">>> tokens.json\n" . JSON::PP->new->canonical->pretty->encode({
    tokens => [
        { sha256 => Digest::SHA::sha256_hex($TOK{dukcapil}),
          agency => 'dukcapil', name => 'ops-dukcapil' },
        { sha256 => Digest::SHA::sha256_hex($TOK{imigrasi}),
          agency => 'imigrasi', name => 'ops-imigrasi' },
        { sha256 => uc Digest::SHA::sha256_hex($TOK{root}),
          agency => '*', name => 'ops-root' },
    ],
});

# what no error log may ever contain: any of the plain tokens
$NO_TOKEN_IN_LOG = [map { qr/\Q$_\E/ } values %TOK];

# Dukcapil: an active service, one in maintenance in its manifest (with a
# message), a retired one; Imigrasi: one active service.

$CATALOG = <<'_EOC_';
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Dukcapil"},
  "services": [
    {"id": "ktp-elektronik", "name": "KTP Elektronik",
     "description": "Pengajuan dan cek status KTP-el.",
     "category": "kependudukan", "tags": ["ktp"],
     "routes": [{"path": "/dukcapil/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "kartu-keluarga", "name": "Kartu Keluarga",
     "category": "kependudukan",
     "routes": [{"path": "/dukcapil/kk"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
     "status": "maintenance",
     "maintenance_message": "Sistem KK sedang diperbarui."},
    {"id": "ktp-lama", "name": "KTP Lama", "category": "kependudukan",
     "routes": [{"path": "/dukcapil/ktp-lama"}],
     "status": "retired", "successor": "dukcapil/ktp-elektronik"}
  ]
}
>>> imigrasi.json
{
  "agency": {"id": "imigrasi", "name": "Direktorat Jenderal Imigrasi"},
  "services": [
    {"id": "paspor", "name": "Paspor", "category": "keimigrasian",
     "routes": [{"path": "/imigrasi/paspor"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
_EOC_

$HTTP_NO_TOKENS = <<'_EOC_';
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
_EOC_

$HTTP_CONFIG = $HTTP_NO_TOKENS . <<'_EOC_';
    catalog_admin_tokens $TEST_NGINX_HTML_DIR/tokens.json;
_EOC_

$CONFIG = <<'_EOC_';
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
    location /api/catalog/ {
        catalog_api;
    }
    location /-/catalog/admin/ {
        catalog_admin;
    }
_EOC_

# The services as the API writes them; @STATUS@ stands for "status",
# "status_message" and "status_until".

$SVC{ktp} = '{"id": "dukcapil/ktp-elektronik", "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Dukcapil"}, "name": "KTP Elektronik", "description": "Pengajuan dan cek status KTP-el.", "category": "kependudukan", "tags": ["ktp"], @STATUS@, "url": "/dukcapil/ktp", "routes": [{"path": "/dukcapil/ktp", "match": "prefix"}], "docs_url": null, "contact": null, "version": null}';
$SVC{kk} = '{"id": "dukcapil/kartu-keluarga", "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Dukcapil"}, "name": "Kartu Keluarga", "description": "", "category": "kependudukan", "tags": [], @STATUS@, "url": "/dukcapil/kk", "routes": [{"path": "/dukcapil/kk", "match": "prefix"}], "docs_url": null, "contact": null, "version": null}';
$SVC{lama} = '{"id": "dukcapil/ktp-lama", "agency": {"id": "dukcapil", "name": "Direktorat Jenderal Dukcapil"}, "name": "KTP Lama", "description": "", "category": "kependudukan", "tags": [], @STATUS@, "url": "/dukcapil/ktp-lama", "routes": [{"path": "/dukcapil/ktp-lama", "match": "prefix"}], "docs_url": null, "contact": null, "version": null}';
$SVC{paspor} = '{"id": "imigrasi/paspor", "agency": {"id": "imigrasi", "name": "Direktorat Jenderal Imigrasi"}, "name": "Paspor", "description": "", "category": "keimigrasian", "tags": [], @STATUS@, "url": "/imigrasi/paspor", "routes": [{"path": "/imigrasi/paspor", "match": "prefix"}], "docs_url": null, "contact": null, "version": null}';

our %ROUTE = (ktp => '/dukcapil/ktp', kk => '/dukcapil/kk',
              lama => '/dukcapil/ktp-lama', paspor => '/imigrasi/paspor');
our %KEY = (ktp => 'dukcapil/ktp-elektronik', kk => 'dukcapil/kartu-keluarga',
            lama => 'dukcapil/ktp-lama', paspor => 'imigrasi/paspor');

# the manifest's own state of each service
our %MANIFEST = (ktp => ['active'], paspor => ['active'],
                 kk => ['maintenance', 'Sistem KK sedang diperbarui.'],
                 lama => ['retired']);

sub jstr { my ($s) = @_; return defined $s ? "\"$s\"" : 'null' }

# svc('ktp'): as in the manifest; svc('ktp', 'maintenance', MSG, UNTIL)
# with MSG and UNTIL as the JSON text between the quotes, or undef
sub svc {
    my ($k, @st) = @_;
    @st = @{ $MANIFEST{$k} } unless @st;
    my ($status, $msg, $until) = @st;
    my $s = $SVC{$k};
    my $rep = "\"status\": \"$status\", \"status_message\": " . jstr($msg)
            . ", \"status_until\": " . jstr($until);
    $s =~ s/\@STATUS\@/$rep/;
    return $s;
}

# the override object, "updated_at" as @NOW@ (see norm_at())
sub ov {
    my ($status, $msg, $until, $by) = @_;
    return "{\"status\": \"$status\", \"message\": " . jstr($msg)
         . ", \"until\": " . jstr($until)
         . ", \"updated_at\": \"\@NOW\@\", \"updated_by\": \"$by\"}";
}

sub answer {
    my ($svc, $ov) = @_;
    return "{\"service\": $svc, \"override\": " . (defined $ov ? $ov : 'null')
         . '}';
}

sub err {
    my ($code, $msg) = @_;
    return "{\"error\": {\"code\": $code, \"message\": \"$msg\"}}";
}

sub utc { POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }
sub wib { POSIX::strftime('%Y-%m-%dT%H:%M:%S+07:00', gmtime($_[0] + 7 * 3600)) }

sub from_utc {
    my ($s) = @_;
    # updated_at is kept to the millisecond: "2026-12-01T01:00:00.123Z"
    $s =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d{3})?Z$/
        or return undef;
    return Time::Local::timegm($6, $5, $4, $3, $2 - 1, $1);
}

# admin(METHOD, 'services/...', as => 'dukcapil', body => ..., headers => [])
sub admin {
    my ($method, $rel, %o) = @_;
    my @h = @{ $o{headers} || [] };
    push @h, $AUTH{ $o{as} } if $o{as};
    return http_get("/-/catalog/admin/$rel", method => $method,
                    headers => \@h,
                    defined $o{body} ? (body => $o{body}) : ());
}

# the body with "updated_at" checked (a UTC time within 10 s of now) and
# replaced by @NOW@
sub norm_at {
    my ($body, $name) = @_;
    $body =~ s{"updated_at": "([^"]*)"}{
        my $t = from_utc($1);
        Test::More::ok(defined $t && abs($t - time) <= 10,
                       "$name: updated_at $1 is now");
        '"updated_at": "@NOW@"'
    }ge;
    return $body;
}

# is_resp(RESPONSE, CODE, BODY, NAME, HEADER => VALUE (undef: absent), ...);
# every admin answer, errors too, has Cache-Control: no-store
sub is_resp {
    my ($r, $code, $body, $name, %h) = @_;
    $h{'Cache-Control'} = 'no-store' unless exists $h{'Cache-Control'};
    Test::More::is($r->{status}, $code, "$name: status");
    Test::More::is(norm_at($r->{body}, $name), $body, "$name: body")
        if defined $body;
    for my $k (sort keys %h) {
        Test::More::is(scalar $r->header($k), $h{$k}, "$name: header $k");
    }
}

sub api_svc { my ($k) = @_; return http_get("/api/catalog/services/$KEY{$k}") }

# what an unchanged catalog answers: the manifest's state everywhere
sub unchanged {
    my ($name) = @_;
    for my $k (sort keys %KEY) {
        my $r = admin('GET', "services/$KEY{$k}", as => 'root');
        is_resp($r, 200, answer(svc($k)), "$name: $k unchanged (admin)");
        is_resp(api_svc($k), 200, svc($k), "$name: $k unchanged (API)",
                'Cache-Control' => 'no-cache');
    }
}

sub dump_log { Test::More::diag(error_log_text()) }


run_tests();

__DATA__

=== TEST 1: no catalog_admin_tokens: 403 for every request, with or without a token
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_NO_TOKENS
--- config eval: $::CONFIG
--- more_headers eval: $::AUTH{root}
--- request eval
["GET /-/catalog/admin/services/dukcapil/ktp-elektronik",
 "HEAD /-/catalog/admin/services/dukcapil/ktp-elektronik",
 "PUT /-/catalog/admin/services/dukcapil/ktp-elektronik/status\n{\"status\": \"maintenance\"}",
 "DELETE /-/catalog/admin/services/dukcapil/ktp-elektronik/status",
 "POST /-/catalog/admin/services/dukcapil/ktp-elektronik/status\n{}",
 "GET /-/catalog/admin/services/dukcapil/tidak-ada",
 "GET /-/catalog/admin/tidak-ada",
 "PUT /-/catalog/admin/services/dukcapil/ktp-lama/status\n{\"status\": \"active\"}"]
--- error_code eval
[(403) x 8]
--- response_body eval
my $e = ::err(403, 'the admin API is off: no catalog_admin_tokens');
[$e, '', ($e) x 6]
--- response_headers
Content-Type: application/json; charset=utf-8
Cache-Control: no-store
!WWW-Authenticate
!Allow
--- perl
for my $req (['GET', 'services/dukcapil/ktp-elektronik'],
             ['PUT', 'services/dukcapil/ktp-elektronik/status',
              '{"status": "maintenance"}'],
             ['DELETE', 'services/dukcapil/ktp-elektronik/status'],
             ['GET', 'services/imigrasi/paspor']) {
    my ($m, $rel, $body) = @$req;
    my $r = admin($m, $rel, defined $body ? (body => $body) : ());
    is_resp($r, 403, err(403, 'the admin API is off: no catalog_admin_tokens'),
            "no token: $m $rel", 'WWW-Authenticate' => undef);
}
is(http_get('/dukcapil/ktp/x')->{body}, "b1 /dukcapil/ktp/x\n",
   'the router still proxies');
like(api_svc('ktp')->{body}, qr/"status": "active"/, 'the API still says active');
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 2: no Authorization header: 401, WWW-Authenticate: Bearer, JSON error, nothing changed
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["GET /-/catalog/admin/services/dukcapil/ktp-elektronik",
 "HEAD /-/catalog/admin/services/dukcapil/ktp-elektronik",
 "PUT /-/catalog/admin/services/dukcapil/ktp-elektronik/status\n{\"status\": \"maintenance\"}",
 "DELETE /-/catalog/admin/services/dukcapil/ktp-elektronik/status",
 "POST /-/catalog/admin/services/dukcapil/ktp-elektronik/status\n{}",
 "GET /-/catalog/admin/services/dukcapil/tidak-ada",
 "GET /-/catalog/admin/tidak-ada",
 "PUT /-/catalog/admin/services/imigrasi/paspor/status\n{\"status\": \"maintenance\"}"]
--- error_code eval
[(401) x 8]
--- response_body eval
my $e = ::err(401, 'a bearer token is required');
[$e, '', ($e) x 6]
--- response_headers
Content-Type: application/json; charset=utf-8
Cache-Control: no-store
WWW-Authenticate: Bearer
!Allow
--- perl
unchanged('after 401s');
is(http_get('/dukcapil/ktp/x')->{status}, 200, 'the router proxies');
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 3: malformed Authorization headers and wrong tokens: 401; the scheme is case-insensitive
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $t = $::TOK{dukcapil};
my $required = err(401, 'a bearer token is required');
my $invalid = err(401, 'invalid token');
for my $case (
    ['Basic ' . MIME::Base64::encode_base64("ops:$t", ''), $required],
    ['Basic x', $required],
    ['Bearer', $required],
    ['Bearer   ', $required],
    ['Bearer:' . $t, $required],
    ['BearerX ' . $t, $required],
    ['Token ' . $t, $required],
    [$t, $required],
    ['', $required],
    ['Bearer wrong', $invalid],
    ['Bearer ' . $t . 'x', $invalid],
    ['Bearer ' . substr($t, 0, -1), $invalid],
    ['Bearer ' . uc $t, $invalid],
    ['Bearer ' . $t . ' ' . $t, $invalid],
    ['Bearer ' . Digest::SHA::sha256_hex($t), $invalid],
    ['Bearer ' . $::TOK{imigrasi} . 'x', $invalid],
) {
    my ($value, $body) = @$case;
    for my $m (['GET', 'services/dukcapil/ktp-elektronik'],
               ['PUT', 'services/dukcapil/ktp-elektronik/status',
                '{"status": "maintenance"}'],
               ['DELETE', 'services/dukcapil/ktp-elektronik/status']) {
        my ($method, $rel, $b) = @$m;
        my $r = admin($method, $rel, headers => ["Authorization: $value"],
                      defined $b ? (body => $b) : ());
        (my $shown = $value) =~ s/\Q$t\E/TOKEN/g;
        is_resp($r, 401, $body, "$method with \"Authorization: $shown\"",
                'WWW-Authenticate' => 'Bearer');
    }
}
unchanged('after malformed headers');
for my $value ("bearer $t", "BEARER $t", "Bearer    $t", "bEaReR $t") {
    my $r = admin('GET', 'services/dukcapil/ktp-elektronik',
                  headers => ["Authorization: $value"]);
    (my $shown = $value) =~ s/\Q$t\E/TOKEN/g;
    is_resp($r, 200, answer(svc('ktp')), "\"$shown\" accepted",
            'WWW-Authenticate' => undef);
}
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 4: a token of another agency: 403 for reading and changing, nothing changed, nothing logged
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $e = err(403, 'this token may not change the services of this agency');
for my $case (['imigrasi', 'dukcapil/ktp-elektronik'],
              ['imigrasi', 'dukcapil/kartu-keluarga'],
              ['imigrasi', 'dukcapil/ktp-lama'],
              ['dukcapil', 'imigrasi/paspor']) {
    my ($as, $key) = @$case;
    is_resp(admin('GET', "services/$key", as => $as), 403, $e,
            "$as: GET $key", 'WWW-Authenticate' => undef,
            'Content-Type' => 'application/json; charset=utf-8');
    is_resp(admin('HEAD', "services/$key", as => $as), 403, '',
            "$as: HEAD $key");
    is_resp(admin('PUT', "services/$key/status", as => $as,
                  body => '{"status": "maintenance", "message": "x"}'),
            403, $e, "$as: PUT $key");
    is_resp(admin('PUT', "services/$key/status", as => $as,
                  body => '{"status": "active"}'),
            403, $e, "$as: PUT active $key");
    is_resp(admin('DELETE', "services/$key/status", as => $as), 403, $e,
            "$as: DELETE $key");
    # the agency is checked before the method and the body
    is_resp(admin('POST', "services/$key/status", as => $as, body => '{'),
            403, $e, "$as: POST $key");
    is_resp(admin('PUT', "services/$key/status", as => $as,
                  body => '{"status": "nope"}'),
            403, $e, "$as: PUT with a bad body $key");
}
unchanged('after 403s');
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 5: the "*" token reads and changes the services of every agency
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
for my $k (qw(ktp paspor)) {
    my $key = $::KEY{$k};
    is_resp(admin('GET', "services/$key", as => 'root'), 200,
            answer(svc($k)), "root: GET $key");
    is_resp(admin('PUT', "services/$key/status", as => 'root',
                  body => '{"status": "maintenance", "message": "Root"}'),
            200, answer(svc($k, 'maintenance', 'Root'),
                        ov('maintenance', 'Root', undef, 'ops-root')),
            "root: PUT $key");
    is(http_get($::ROUTE{$k})->{status}, 503, "root: $key in maintenance");
    is_resp(admin('GET', "services/$key", as => 'root'), 200,
            answer(svc($k, 'maintenance', 'Root'),
                   ov('maintenance', 'Root', undef, 'ops-root')),
            "root: GET $key after PUT");
    is_resp(admin('DELETE', "services/$key/status", as => 'root'), 200,
            answer(svc($k)), "root: DELETE $key");
}
# each agency's own token, on its own service
is_resp(admin('PUT', 'services/imigrasi/paspor/status', as => 'imigrasi',
              body => '{"status": "maintenance"}'),
        200, answer(svc('paspor', 'maintenance'),
                    ov('maintenance', undef, undef, 'ops-imigrasi')),
        'imigrasi: PUT its own service');
is(http_get('/imigrasi/paspor')->{status}, 503, 'paspor in maintenance');
is_resp(admin('DELETE', 'services/imigrasi/paspor/status', as => 'imigrasi'),
        200, answer(svc('paspor')), 'imigrasi: DELETE its own service');
is(http_get('/imigrasi/paspor')->{body}, "b1 /imigrasi/paspor\n",
   'paspor proxied again');
unchanged('after the root changes');
--- error_log
catalog: "ops-root" set "dukcapil/ktp-elektronik": active -> maintenance,
catalog: "ops-root" cleared "dukcapil/ktp-elektronik": maintenance -> active,
catalog: "ops-root" set "imigrasi/paspor": active -> maintenance,
catalog: "ops-root" cleared "imigrasi/paspor": maintenance -> active,
catalog: "ops-imigrasi" set "imigrasi/paspor": active -> maintenance,
catalog: "ops-imigrasi" cleared "imigrasi/paspor": maintenance -> active,
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 6: unknown services and unknown admin paths: 404
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $svc = err(404, 'unknown service');
my $path = err(404, 'unknown admin path');
for my $case (
    ['GET', 'services/dukcapil/tidak-ada', $svc],
    ['PUT', 'services/dukcapil/tidak-ada/status', $svc],
    ['DELETE', 'services/dukcapil/tidak-ada/status', $svc],
    ['GET', 'services/tidak-ada/ktp-elektronik', $svc],
    ['GET', 'services/dukcapil', $svc],
    ['PUT', 'services/dukcapil/status', $svc],
    ['GET', 'services/DUKCAPIL/ktp-elektronik', $svc],
    ['GET', 'services/imigrasi/ktp-elektronik', $svc],
    ['GET', 'services/dukcapil/ktp-elektronik/status/x', $svc],
    ['GET', 'services/dukcapil/ktp-elektronik/x', $svc],
    ['DELETE', 'services/dukcapil/ktp-elektronik/statusx', $svc],
    ['GET', 'services/dukcapil/ktp-elektronik%20', $svc],
    ['GET', '', $path],
    ['GET', 'services', $path],
    ['GET', 'Services/dukcapil/ktp-elektronik', $path],
    ['GET', 'servicesx/dukcapil/ktp-elektronik', $path],
    ['GET', 'status', $path],
    ['PUT', 'dukcapil/ktp-elektronik/status', $path],
    ['GET', 'tidak/ada/sama/sekali', $path],
) {
    my ($m, $rel, $body) = @$case;
    my $r = admin($m, $rel, as => 'root',
                  $m eq 'PUT' ? (body => '{"status": "maintenance"}') : ());
    is_resp($r, 404, $body, "$m /-/catalog/admin/$rel",
            'Content-Type' => 'application/json; charset=utf-8',
            'WWW-Authenticate' => undef);
}
# the normalised URI is what counts, as in the catalog API
for my $rel ('services/dukcapil%2Fktp-elektronik',
             'services//dukcapil//ktp-elektronik',
             'x/../services/./dukcapil/ktp-elektronik',
             'services/dukcapil/ktp-elektronik?x=1') {
    is_resp(admin('GET', $rel, as => 'root'), 200, answer(svc('ktp')),
            "GET /-/catalog/admin/$rel");
}
unchanged('after 404s');
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 7: GET a service: the service as the API shows it, override null; HEAD
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- more_headers eval: $::AUTH{dukcapil}
--- request eval
["GET /-/catalog/admin/services/dukcapil/ktp-elektronik",
 "GET /-/catalog/admin/services/dukcapil/kartu-keluarga",
 "GET /-/catalog/admin/services/dukcapil/ktp-lama",
 "HEAD /-/catalog/admin/services/dukcapil/ktp-elektronik"]
--- response_body eval
[::answer(::svc('ktp')), ::answer(::svc('kk')), ::answer(::svc('lama')), '']
--- response_headers
Content-Type: application/json; charset=utf-8
Cache-Control: no-store
!ETag
!WWW-Authenticate
!Access-Control-Allow-Origin
--- perl
for my $k (qw(ktp kk lama)) {
    my $api = api_svc($k)->{body};
    is(admin('GET', "services/$::KEY{$k}", as => 'dukcapil')->{body},
       "{\"service\": $api, \"override\": null}",
       "$k: the service object is the catalog API's");
}
my $get = admin('GET', 'services/dukcapil/ktp-elektronik', as => 'dukcapil');
my $head = admin('HEAD', 'services/dukcapil/ktp-elektronik', as => 'dukcapil');
is(scalar $head->header('Content-Length'), length $get->{body},
   'HEAD: the Content-Length of GET');
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 8: PUT maintenance, the router, the page, the API, the ETag; DELETE and back
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $etag0 = api_svc('ktp')->header('ETag');
like($etag0, qr/^"[0-9a-f]{16}-\d+"$/, 'the ETag before');
is(http_get('/dukcapil/ktp/cek')->{body}, "b1 /dukcapil/ktp/cek\n",
   'proxied before');

# "until" in +07:00, a whole number of seconds ahead; answered in UTC
my $until = time + 7200;
my $body = '{"status": "maintenance", "message": "Pemeliharaan <server> & \"basis data\"", "until": "'
         . wib($until) . '"}';
my $msg_json = 'Pemeliharaan \u003cserver\u003e \u0026 \"basis data\"';
my $want = answer(svc('ktp', 'maintenance', $msg_json, utc($until)),
                  ov('maintenance', $msg_json, utc($until), 'ops-dukcapil'));
my $r = admin('PUT', 'services/dukcapil/ktp-elektronik/status',
              as => 'dukcapil', body => $body);
is_resp($r, 200, $want, 'PUT maintenance',
        'Content-Type' => 'application/json; charset=utf-8',
        'Cache-Control' => 'no-store');
is_resp(admin('GET', 'services/dukcapil/ktp-elektronik', as => 'dukcapil'),
        200, $want, 'GET after PUT: the same');
is_resp(admin('GET', 'services/dukcapil/ktp-elektronik', as => 'root'),
        200, $want, 'GET by root after PUT: the same');

# the router: 503, the message escaped, Retry-After
for my $path ('/dukcapil/ktp', '/dukcapil/ktp/cek?nomor=1') {
    my $p = http_get($path);
    is($p->{status}, 503, "$path: 503");
    is(scalar $p->header('Content-Type'), 'text/html; charset=utf-8',
       "$path: HTML");
    my $ra = $p->header('Retry-After');
    ok(defined $ra && $ra =~ /^\d+$/ && $ra <= 7200 && $ra >= 7200 - 10,
       "$path: Retry-After close to 7200") or diag("Retry-After: " . ($ra // 'none'));
    like($p->{body},
         qr{<p class="msg">Pemeliharaan &lt;server&gt; &amp; &quot;basis data&quot;</p>},
         "$path: the message, HTML-escaped");
    unlike($p->{body}, qr/<server>|"basis/, "$path: nothing raw");
    like($p->{body}, qr{<p>Perkiraan selesai: \Q${\ utc($until)}\E</p>},
         "$path: the end time");
    like($p->{body}, qr{<h1>Layanan sedang dalam pemeliharaan</h1>},
         "$path: the maintenance page");
}
my $p = http_get('/dukcapil/ktp', headers => ['Accept: application/json']);
is($p->{status}, 503, 'JSON page: 503');
is($p->{body}, '{"error": {"code": 503, "message": "' . $msg_json
   . '", "service": "dukcapil/ktp-elektronik", "until": "' . utc($until)
   . '"}}', 'JSON page: exact');
is(scalar $p->header('Content-Type'), 'application/json; charset=utf-8',
   'JSON page: type');
like(scalar $p->header('Retry-After'), qr/^7[12]\d\d$/, 'JSON page: Retry-After');

# other services are not touched
is(http_get('/imigrasi/paspor')->{status}, 200, 'paspor still proxied');

# the catalog API
my $a = api_svc('ktp');
is($a->{body}, svc('ktp', 'maintenance', $msg_json, utc($until)),
   'API: status, status_message, status_until');
my $etag1 = $a->header('ETag');
isnt($etag1, $etag0, 'API: the ETag changed');
is(http_get('/api/catalog/services/dukcapil/ktp-elektronik',
            headers => ["If-None-Match: $etag0"])->{status}, 200,
   'API: the old ETag gets 200');
is(http_get('/api/catalog/services/dukcapil/ktp-elektronik',
            headers => ["If-None-Match: $etag1"])->{status}, 304,
   'API: the new ETag gets 304');
my $list = http_get('/api/catalog/services?status=maintenance')->{body};
like($list, qr/^\{"total": 2, /, 'API: two services in maintenance');
like($list, qr/"id": "dukcapil\/ktp-elektronik"/, 'API: the status filter sees it');
like(http_get('/api/catalog/resolve?path=/dukcapil/ktp')->{body},
     qr/"outcome": "maintenance"/, 'API: resolve says maintenance');

# DELETE: back to the manifest's status
$r = admin('DELETE', 'services/dukcapil/ktp-elektronik/status',
           as => 'dukcapil');
is_resp($r, 200, answer(svc('ktp')), 'DELETE',
        'Cache-Control' => 'no-store');
my $b = http_get('/dukcapil/ktp/cek?nomor=1');
is($b->{status}, 200, 'after DELETE: proxied');
is($b->{body}, "b1 /dukcapil/ktp/cek?nomor=1\n", 'after DELETE: backend body');
is($b->header('Retry-After'), undef, 'after DELETE: no Retry-After');
$a = api_svc('ktp');
is($a->{body}, svc('ktp'), 'after DELETE: the API says active');
my $etag2 = $a->header('ETag');
isnt($etag2, $etag1, 'after DELETE: the ETag changed again');
isnt($etag2, $etag0, 'after DELETE: not the first ETag either');
like(http_get('/api/catalog/resolve?path=/dukcapil/ktp')->{body},
     qr/"outcome": "proxy"/, 'after DELETE: resolve says proxy');

# a DELETE without an override: nothing to clear, same answer
is_resp(admin('DELETE', 'services/dukcapil/ktp-elektronik/status',
              as => 'dukcapil'), 200, answer(svc('ktp')), 'DELETE again');
--- error_log
catalog: "ops-dukcapil" set "dukcapil/ktp-elektronik": active -> maintenance,
catalog: "ops-dukcapil" cleared "dukcapil/ktp-elektronik": maintenance -> active,
qr/\[notice\] .*catalog: "ops-dukcapil" set "dukcapil\/ktp-elektronik": active -> maintenance, client: 127\.0\.0\.1, .*request: "PUT \/-\/catalog\/admin\/services\/dukcapil\/ktp-elektronik\/status HTTP\/1\.1"/
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 9: a second PUT replaces the first; "until" optional; the manifest's message when none is given
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $until = time + 600;
is_resp(admin('PUT', 'services/dukcapil/ktp-elektronik/status',
              as => 'dukcapil',
              body => '{"status": "maintenance", "message": "Satu", "until": "'
                      . utc($until) . '"}'),
        200, answer(svc('ktp', 'maintenance', 'Satu', utc($until)),
                    ov('maintenance', 'Satu', utc($until), 'ops-dukcapil')),
        'first PUT');
is_resp(admin('PUT', 'services/dukcapil/ktp-elektronik/status',
              as => 'root', body => '{"status": "maintenance", "message": "Dua"}'),
        200, answer(svc('ktp', 'maintenance', 'Dua'),
                    ov('maintenance', 'Dua', undef, 'ops-root')),
        'second PUT: no until, another token');
my $p = http_get('/dukcapil/ktp');
is($p->{status}, 503, 'second PUT: 503');
is($p->header('Retry-After'), undef, 'no until: no Retry-After');
like($p->{body}, qr{<p class="msg">Dua</p>}, 'the second message');
unlike($p->{body}, qr/Satu|Perkiraan selesai/, 'nothing of the first');

# null is the same as leaving a key out
is_resp(admin('PUT', 'services/dukcapil/ktp-elektronik/status',
              as => 'dukcapil',
              body => '{"status": "maintenance", "message": null, "until": null}'),
        200, answer(svc('ktp', 'maintenance'),
                    ov('maintenance', undef, undef, 'ops-dukcapil')),
        'PUT with nulls');
$p = http_get('/dukcapil/ktp', headers => ['Accept: application/json']);
is($p->{body}, '{"error": {"code": 503, "message": "Layanan sedang dalam pemeliharaan", "service": "dukcapil/ktp-elektronik"}}',
   'no message: the JSON page has the title');
unlike(http_get('/dukcapil/ktp')->{body}, qr/class="msg"/,
       'no message: none on the HTML page');

# an empty message is no message
is_resp(admin('PUT', 'services/dukcapil/ktp-elektronik/status',
              as => 'dukcapil', body => '{"status": "maintenance", "message": ""}'),
        200, answer(svc('ktp', 'maintenance'),
                    ov('maintenance', undef, undef, 'ops-dukcapil')),
        'PUT with an empty message');

# the manifest's maintenance message stays when an override gives none
is_resp(admin('PUT', 'services/dukcapil/kartu-keluarga/status',
              as => 'dukcapil', body => '{"status": "maintenance", "until": "'
                                        . utc($until) . '"}'),
        200, answer(svc('kk', 'maintenance', 'Sistem KK sedang diperbarui.',
                        utc($until)),
                    ov('maintenance', undef, utc($until), 'ops-dukcapil')),
        'kk: PUT maintenance without a message');
$p = http_get('/dukcapil/kk');
is($p->{status}, 503, 'kk: 503');
like($p->{body}, qr{<p class="msg">Sistem KK sedang diperbarui\.</p>},
     "kk: the manifest's message");
like(scalar $p->header('Retry-After'), qr/^(?:59\d|600)$/, 'kk: Retry-After');
is_resp(admin('DELETE', 'services/dukcapil/kartu-keluarga/status',
              as => 'dukcapil'), 200, answer(svc('kk')), 'kk: DELETE');
$p = http_get('/dukcapil/kk');
is($p->{status}, 503, 'kk: still 503, as its manifest says');
is($p->header('Retry-After'), undef, 'kk: no Retry-After any more');
--- error_log
catalog: "ops-dukcapil" set "dukcapil/ktp-elektronik": active -> maintenance,
catalog: "ops-root" set "dukcapil/ktp-elektronik": maintenance -> maintenance,
catalog: "ops-dukcapil" set "dukcapil/kartu-keluarga": maintenance -> maintenance,
catalog: "ops-dukcapil" cleared "dukcapil/kartu-keluarga": maintenance -> maintenance,
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 10: PUT active on a service in maintenance in its manifest: proxied; DELETE: maintenance again
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
is(http_get('/dukcapil/kk/x')->{status}, 503, 'before: 503');
my $etag0 = api_svc('kk')->header('ETag');
is_resp(admin('PUT', 'services/dukcapil/kartu-keluarga/status',
              as => 'dukcapil', body => '{"status": "active"}'),
        200, answer(svc('kk', 'active'),
                    ov('active', undef, undef, 'ops-dukcapil')),
        'PUT active');
my $r = http_get('/dukcapil/kk/x?y=1');
is($r->{status}, 200, 'proxied');
is($r->{body}, "b1 /dukcapil/kk/x?y=1\n", 'backend body');
my $a = api_svc('kk');
is($a->{body}, svc('kk', 'active'), 'the API says active, no message');
isnt($a->header('ETag'), $etag0, 'the ETag changed');
is_resp(admin('DELETE', 'services/dukcapil/kartu-keluarga/status',
              as => 'dukcapil'), 200, answer(svc('kk')), 'DELETE');
$r = http_get('/dukcapil/kk/x');
is($r->{status}, 503, 'after DELETE: 503');
like($r->{body}, qr{<p class="msg">Sistem KK sedang diperbarui\.</p>},
     "after DELETE: the manifest's message");
is(api_svc('kk')->{body}, svc('kk'), 'after DELETE: the API as the manifest');
--- error_log
catalog: "ops-dukcapil" set "dukcapil/kartu-keluarga": maintenance -> active,
catalog: "ops-dukcapil" cleared "dukcapil/kartu-keluarga": active -> maintenance,
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 11: a retired service cannot be overridden: 409
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $until = utc(time + 600);
for my $as (qw(dukcapil root)) {
    for my $b ('{"status": "active"}', '{"status": "maintenance"}',
               "{\"status\": \"maintenance\", \"message\": \"m\", \"until\": \"$until\"}") {
        is_resp(admin('PUT', 'services/dukcapil/ktp-lama/status', as => $as,
                      body => $b),
                409, err(409, 'the service is retired in its manifest'),
                "$as: PUT $b", 'Content-Type' => 'application/json; charset=utf-8');
    }
    # a bad body is still a 400
    is_resp(admin('PUT', 'services/dukcapil/ktp-lama/status', as => $as,
                  body => '{"status": "retired"}'), 400,
            err(400, 'invalid status \"retired\": must be \"active\" or \"maintenance\"'),
            "$as: PUT retired");
}
is(http_get('/dukcapil/ktp-lama')->{status}, 410, 'still 410');
unchanged('after 409s');
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 12: bodies: every error, exact messages, nothing changed
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $past = utc(time - 60);
my $soon = utc(time + 600);
my $rfc = 'must be an RFC 3339 time like \"2026-12-01T08:00:00+07:00\"';
for my $case (
    # JSON
    ['', 'body is empty'],
    ['{', "line 1, column 1: invalid JSON: string or '}' expected near end of file"],
    ['{"status": "maintenance"', "line 1, column 24: invalid JSON: '}' expected near end of file"],
    ['{"status": "maintenance"} x', 'line 1, column 27: invalid JSON: end of file expected near \'x\''],
    ["{'status': 'maintenance'}", "line 1, column 2: invalid JSON: string or '}' expected near '''"],
    ['{"status": "maintenance", "status": "active"}', 'line 1, column 34: invalid JSON: duplicate object key near \'\"status\"\''],
    # shape
    ['[]', 'body must be a JSON object'],
    ['[{"status": "maintenance"}]', 'body must be a JSON object'],
    ['{}', '\"status\" is required'],
    ['{"status": null}', '\"status\" is required'],
    ['{"message": "x"}', '\"status\" is required'],
    # unknown fields, also with a good status
    ['{"status": "maintenance", "reason": "x"}', 'unknown key \"reason\"'],
    ['{"status": "maintenance", "Message": "x"}', 'unknown key \"Message\"'],
    ['{"status": "maintenance", "until": "' . $soon . '", "updated_by": "me"}', 'unknown key \"updated_by\"'],
    ['{"Status": "maintenance"}', 'unknown key \"Status\"'],
    ['{"status": "maintenance", "a\u0001b": 1}', 'unknown key \"a\\\\x01b\"'],
    ['{"status": "maintenance", "' . ('k' x 100) . '": 1}', 'unknown key \"' . ('k' x 64) . '...\"'],
    # types
    ['{"status": 1}', '\"status\" must be a string'],
    ['{"status": true}', '\"status\" must be a string'],
    ['{"status": ["maintenance"]}', '\"status\" must be a string'],
    ['{"status": "maintenance", "message": 5}', '\"message\" must be a string'],
    ['{"status": "maintenance", "message": ["a"]}', '\"message\" must be a string'],
    ['{"status": "maintenance", "message": {}}', '\"message\" must be a string'],
    ['{"status": "maintenance", "until": 1893456000}', '\"until\" must be a string'],
    ['{"status": "maintenance", "until": false}', '\"until\" must be a string'],
    # values
    ['{"status": "paused"}', 'invalid status \"paused\": must be \"active\" or \"maintenance\"'],
    ['{"status": "Maintenance"}', 'invalid status \"Maintenance\": must be \"active\" or \"maintenance\"'],
    ['{"status": ""}', 'invalid status \"\": must be \"active\" or \"maintenance\"'],
    ['{"status": "retired"}', 'invalid status \"retired\": must be \"active\" or \"maintenance\"'],
    ['{"status": "active", "message": "x"}', '\"message\" is only allowed with \"status\": \"maintenance\"'],
    ['{"status": "active", "until": "' . $soon . '"}', '\"until\" is only allowed with \"status\": \"maintenance\"'],
    # dates
    ['{"status": "maintenance", "until": "2026-13-01T08:00:00+07:00"}', "invalid \\\"until\\\" \\\"2026-13-01T08:00:00+07:00\\\": $rfc"],
    ['{"status": "maintenance", "until": "2099-02-30T08:00:00Z"}', "invalid \\\"until\\\" \\\"2099-02-30T08:00:00Z\\\": $rfc"],
    ['{"status": "maintenance", "until": "2099-12-01"}', "invalid \\\"until\\\" \\\"2099-12-01\\\": $rfc"],
    ['{"status": "maintenance", "until": "2099-12-01T08:00:00"}', "invalid \\\"until\\\" \\\"2099-12-01T08:00:00\\\": $rfc"],
    ['{"status": "maintenance", "until": "2099-12-01T08:00+07:00"}', "invalid \\\"until\\\" \\\"2099-12-01T08:00+07:00\\\": $rfc"],
    ['{"status": "maintenance", "until": "2099-12-01T24:00:00Z"}', "invalid \\\"until\\\" \\\"2099-12-01T24:00:00Z\\\": $rfc"],
    ['{"status": "maintenance", "until": "2099-12-01T08:00:00+0700"}', "invalid \\\"until\\\" \\\"2099-12-01T08:00:00+0700\\\": $rfc"],
    ['{"status": "maintenance", "until": "besok"}', "invalid \\\"until\\\" \\\"besok\\\": $rfc"],
    ['{"status": "maintenance", "until": ""}', "invalid \\\"until\\\" \\\"\\\": $rfc"],
    ['{"status": "maintenance", "until": "' . $past . '"}', "\\\"until\\\" \\\"$past\\\" is not in the future"],
    ['{"status": "maintenance", "until": "2020-01-01T00:00:00+07:00"}', '\"until\" \"2020-01-01T00:00:00+07:00\" is not in the future'],
    # messages
    ['{"status": "maintenance", "message": "a\u0001b"}', '\"message\" must not contain control characters other than tabs and line breaks'],
    ['{"status": "maintenance", "message": "a\u001fb"}', '\"message\" must not contain control characters other than tabs and line breaks'],
    ['{"status": "maintenance", "message": "a\u007fb"}', '\"message\" must not contain control characters other than tabs and line breaks'],
    ['{"status": "maintenance", "message": "a\u0085b"}', '\"message\" must not contain control characters other than tabs and line breaks'],
    ['{"status": "maintenance", "message": "a\u001bb"}', '\"message\" must not contain control characters other than tabs and line breaks'],
    ['{"status": "maintenance", "message": "' . ("\x{e9}" x 501) . '"}', '\"message\" is longer than 500 characters'],
    ['{"status": "maintenance", "message": "' . ("\x{1f6a7}" x 501) . '"}', '\"message\" is longer than 500 characters'],
    ['{"status": "maintenance", "message": "' . ('a' x 501) . '"}', '\"message\" is longer than 500 characters'],
) {
    my ($body, $msg) = @$case;
    utf8::encode($body);
    for my $k (qw(ktp kk)) {
        my $r = admin('PUT', "services/$::KEY{$k}/status", as => 'dukcapil',
                      body => $body);
        (my $shown = $body) =~ s/(.{60}).+/$1.../s;
        is_resp($r, 400, err(400, $msg), "$k: $shown",
                'Content-Type' => 'application/json; charset=utf-8');
    }
}
# bytes that are not valid JSON text
for my $body ("{\"status\": \"maintenance\", \"message\": \"a\x01b\"}",
              "{\"status\": \"maintenance\", \"message\": \"\xff\xfe\"}",
              "{\"status\": \"maintenance\", \"message\": \"a\\u0000b\"}",
              "\xef\xbb\xbf{\"status\": \"maintenance\"}",
              "\x00") {
    my $r = admin('PUT', 'services/dukcapil/ktp-elektronik/status',
                  as => 'dukcapil', body => $body);
    is($r->{status}, 400, 'bad JSON bytes: 400');
    like($r->{body}, qr/^\{"error": \{"code": 400, "message": "line \d+, column \d+: invalid JSON: (?:[^"\\\x00-\x1f]|\\["\\])*"\}\}$/,
         'bad JSON bytes: the JSON error');
}
unchanged('after 400s');
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 13: messages: 500 characters of any width, tabs and line breaks; shown escaped
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
for my $char ("\x{e9}", "\x{65e5}", "\x{1f6a7}", 'a') {
    my $msg = $char x 500;
    my $bytes = $msg;
    utf8::encode($bytes);
    my $r = admin('PUT', 'services/dukcapil/ktp-elektronik/status',
                  as => 'dukcapil',
                  body => "{\"status\": \"maintenance\", \"message\": \"$bytes\"}");
    my $n = length $bytes;
    is_resp($r, 200, answer(svc('ktp', 'maintenance', $bytes),
                            ov('maintenance', $bytes, undef, 'ops-dukcapil')),
            "500 characters of $n bytes");
    is(api_svc('ktp')->{body}, svc('ktp', 'maintenance', $bytes),
       "$n bytes: the API has it whole");
    my $p = http_get('/dukcapil/ktp');
    like($p->{body}, qr{<p class="msg">\Q$bytes\E</p>}, "$n bytes: the page has it whole");
    $p = http_get('/dukcapil/ktp', headers => ['Accept: application/json']);
    is($p->{body}, "{\"error\": {\"code\": 503, \"message\": \"$bytes\", \"service\": \"dukcapil/ktp-elektronik\"}}",
       "$n bytes: the JSON page has it whole");
}
# tabs and line breaks are allowed, and escaped in JSON
my $r = admin('PUT', 'services/dukcapil/ktp-elektronik/status', as => 'dukcapil',
              body => '{"status": "maintenance", "message": "Baris 1\nBaris 2\r\n\tBaris 3 <b>\u00e9</b>"}');
my $json = 'Baris 1\nBaris 2\r\n\tBaris 3 \u003cb\u003e' . "\xc3\xa9" . '\u003c/b\u003e';
is_resp($r, 200, answer(svc('ktp', 'maintenance', $json),
                        ov('maintenance', $json, undef, 'ops-dukcapil')),
        'tabs and line breaks');
like(http_get('/dukcapil/ktp')->{body},
     qr{<p class="msg">Baris 1\nBaris 2\r\n\tBaris 3 &lt;b&gt;\xc3\xa9&lt;/b&gt;</p>},
     'the page keeps the line breaks, escapes the rest');
# the answer to the agency decodes back to what was sent
my $j = JSON::PP->new->utf8->decode(
    admin('GET', 'services/dukcapil/ktp-elektronik', as => 'dukcapil')->{body});
is($j->{override}{message}, "Baris 1\nBaris 2\r\n\tBaris 3 <b>\x{e9}</b>",
   'the message decodes back');
is($j->{service}{status_message}, $j->{override}{message},
   'the service shows the same message');
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 14: bodies over 8 KiB: 413, with Content-Length and chunked; 8192 bytes are fine
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $e413 = err(413, 'the body is larger than 8192 bytes');
my $url = '/-/catalog/admin/services/dukcapil/ktp-elektronik/status';
my $auth = $::AUTH{dukcapil};

# a valid body padded with spaces to N bytes
my $pad = sub {
    my ($n, $msg) = @_;
    my $b = '{"status": "maintenance", "message": "' . $msg . '"}';
    return $b . (' ' x ($n - length $b));
};
my $chunked = sub {
    my ($body, $size) = @_;
    my $out = '';
    while (length $body) {
        my $c = substr $body, 0, $size, '';
        $out .= sprintf("%x\r\n", length $c) . $c . "\r\n";
    }
    return "PUT $url HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
         . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${out}0\r\n\r\n";
};

for my $n (8193, 9000, 65536, 200000) {
    my $r = admin('PUT', 'services/dukcapil/ktp-elektronik/status',
                  as => 'dukcapil', body => $pad->($n, 'besar'));
    is_resp($r, 413, $e413, "Content-Length: $n",
            'Content-Type' => 'application/json; charset=utf-8');
    for my $size (1000, 8192, 65536) {
        $r = http_request($chunked->($pad->($n, 'besar'), $size));
        is_resp($r, 413, $e413, "chunked $n bytes in chunks of $size",
                'Content-Type' => 'application/json; charset=utf-8');
    }
}
unchanged('after 413s');

my $r = admin('PUT', 'services/dukcapil/ktp-elektronik/status',
              as => 'dukcapil', body => $pad->(8192, 'pas'));
is_resp($r, 200, answer(svc('ktp', 'maintenance', 'pas'),
                        ov('maintenance', 'pas', undef, 'ops-dukcapil')),
        'Content-Length: 8192');
$r = http_request($chunked->($pad->(8192, 'pas chunked'), 1000));
is_resp($r, 200, answer(svc('ktp', 'maintenance', 'pas chunked'),
                        ov('maintenance', 'pas chunked', undef, 'ops-dukcapil')),
        'chunked, 8192 bytes');
$r = http_request($chunked->('{"status": "active"}', 3));
is_resp($r, 200, answer(svc('ktp', 'active'),
                        ov('active', undef, undef, 'ops-dukcapil')),
        'chunked, small chunks');
is(http_get('/dukcapil/ktp')->{status}, 200, 'proxied');
--- no_error_log eval
# nginx warns when it buffers a chunked body to a file: that is expected
[qr/\[error\]/, qr/\[warn\](?!.*a client request body is buffered to a temporary file)/,
 @$::NO_TOKEN_IN_LOG]



=== TEST 15: other methods: 405 with Allow
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $e = err(405, 'method not allowed');
for my $case (
    ['PUT', 'services/dukcapil/ktp-elektronik', 'GET, HEAD'],
    ['DELETE', 'services/dukcapil/ktp-elektronik', 'GET, HEAD'],
    ['POST', 'services/dukcapil/ktp-elektronik', 'GET, HEAD'],
    ['PATCH', 'services/dukcapil/ktp-elektronik', 'GET, HEAD'],
    ['OPTIONS', 'services/dukcapil/ktp-elektronik', 'GET, HEAD'],
    ['GET', 'services/dukcapil/ktp-elektronik/status', 'PUT, DELETE'],
    ['HEAD', 'services/dukcapil/ktp-elektronik/status', 'PUT, DELETE'],
    ['POST', 'services/dukcapil/ktp-elektronik/status', 'PUT, DELETE'],
    ['PATCH', 'services/dukcapil/ktp-elektronik/status', 'PUT, DELETE'],
    ['OPTIONS', 'services/dukcapil/ktp-elektronik/status', 'PUT, DELETE'],
    ['PROPFIND', 'services/dukcapil/ktp-elektronik/status', 'PUT, DELETE'],
    ['GET', 'services/dukcapil/ktp-lama/status', 'PUT, DELETE'],
    ['POST', 'services/imigrasi/paspor', 'GET, HEAD'],
) {
    my ($m, $rel, $allow) = @$case;
    for my $body (undef, '{"status": "maintenance"}') {
        next if defined $body && $m =~ /^(?:GET|HEAD|OPTIONS)$/;
        my $r = admin($m, $rel, as => 'root',
                      defined $body ? (body => $body) : ());
        is_resp($r, 405, $m eq 'HEAD' ? '' : $e,
                "$m $rel" . (defined $body ? ' with a body' : ''),
                Allow => $allow,
                'Content-Type' => 'application/json; charset=utf-8',
                'WWW-Authenticate' => undef);
    }
}
unchanged('after 405s');
--- no_error_log eval
[qr/catalog: "/, qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 16: keep-alive: several admin requests on one connection, bodies and errors
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
# refused requests with a body (413, 405, 401, 403, 400), a DELETE and a
# GET with a body, then a good PUT, on one connection: every body must be
# read or dropped, never taken for the next request
my $url = '/-/catalog/admin/services/dukcapil/ktp-elektronik';
my $auth = $::AUTH{dukcapil};
my $big = '{"status": "maintenance", "message": "' . ('x' x 9000) . '"}';
my $good = '{"status": "maintenance", "message": "ketiga"}';
my $other = $::AUTH{imigrasi};
my $raw = "PUT $url/status HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
        . "Content-Length: " . length($big) . "\r\n\r\n$big"
        . "POST $url/status HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
        . "Content-Length: 20\r\n\r\n{\"status\": \"active\"}"
        . "PUT $url/status HTTP/1.1\r\nHost: localhost\r\n"
        . "Content-Length: 20\r\n\r\n{\"status\": \"active\"}"
        . "PUT $url/status HTTP/1.1\r\nHost: localhost\r\n$other\r\n"
        . "Content-Length: 20\r\n\r\n{\"status\": \"active\"}"
        . "PUT $url/status HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
        . "Content-Length: 5\r\n\r\n{\"x\":"
        . "DELETE $url/status HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
        . "Content-Length: 20\r\n\r\n{\"status\": \"active\"}"
        . "GET $url HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
        . "Content-Length: 20\r\n\r\n{\"status\": \"active\"}"
        . "PUT $url/status HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
        . "Content-Length: " . length($good) . "\r\nConnection: close\r\n\r\n$good";
my $sock = IO::Socket::IP->new(PeerHost => '127.0.0.1',
                               PeerPort => server_port(), Proto => 'tcp')
    or die "connect: $@";
print {$sock} $raw;
my $all = '';
my $sel = IO::Select->new($sock);
while ($sel->can_read(5)) {
    my $n = sysread $sock, $all, 65536, length $all;
    last unless $n;
}
my @status = $all =~ m{HTTP/1\.1 (\d{3}) }g;
is("@status", '413 405 401 403 400 200 200 200',
   'eight answers on one connection: 413, 405, 401, 403, 400, 200, 200, 200')
    or diag($all);
like(http_get('/dukcapil/ktp')->{body}, qr{<p class="msg">ketiga</p>},
     'the third request was applied');
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 17: expiry: when "until" passes, the service is active again by itself
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 15
--- perl
my $until = time + 3;
my $r = admin('PUT', 'services/dukcapil/ktp-elektronik/status',
              as => 'dukcapil', body => '{"status": "maintenance", "message": "Sebentar", "until": "'
                                      . wib($until) . '"}');
is_resp($r, 200, answer(svc('ktp', 'maintenance', 'Sebentar', utc($until)),
                        ov('maintenance', 'Sebentar', utc($until), 'ops-dukcapil')),
        'PUT with until 3 s ahead');
# kk, in maintenance in its manifest, gets a short one with another
# message: when it ends, the manifest's maintenance and message are back
$r = admin('PUT', 'services/dukcapil/kartu-keluarga/status', as => 'dukcapil',
           body => '{"status": "maintenance", "message": "Sebentar KK", "until": "' . utc($until) . '"}');
is($r->{status}, 200, 'kk: PUT with until 3 s ahead');

my $p = http_get('/dukcapil/ktp');
is($p->{status}, 503, 'during: 503');
like(scalar $p->header('Retry-After'), qr/^[123]$/, 'during: Retry-After 1 to 3');
my $a = api_svc('ktp');
is($a->{body}, svc('ktp', 'maintenance', 'Sebentar', utc($until)), 'during: the API');
my $etag = $a->header('ETag');

Time::HiRes::sleep(0.2) while time <= $until;
Time::HiRes::sleep(0.1);

$p = http_get('/dukcapil/ktp/lagi');
is($p->{status}, 200, 'after until: proxied');
is($p->{body}, "b1 /dukcapil/ktp/lagi\n", 'after until: the backend');
is($p->header('Retry-After'), undef, 'after until: no Retry-After');
is(api_svc('ktp')->{body}, svc('ktp'), 'after until: the API says active');
is_resp(admin('GET', 'services/dukcapil/ktp-elektronik', as => 'dukcapil'),
        200, answer(svc('ktp')), 'after until: the admin API has no override');
like(http_get('/api/catalog/resolve?path=/dukcapil/ktp')->{body},
     qr/"outcome": "proxy"/, 'after until: resolve says proxy');
unlike(http_get('/api/catalog/services?status=maintenance')->{body},
       qr/ktp-elektronik/, 'after until: not in the maintenance filter');

# kk: back to its manifest's maintenance and message
$p = http_get('/dukcapil/kk');
is($p->{status}, 503, 'kk after until: 503 as in the manifest');
like($p->{body}, qr{<p class="msg">Sistem KK sedang diperbarui\.</p>},
     "kk after until: the manifest's message");
is($p->header('Retry-After'), undef, 'kk after until: no Retry-After');

# a client that kept the ETag of the maintenance answer must not be told
# that nothing changed (the ETag "changes with every runtime change")
{
    # KNOWN BUG: the ETag is "VERSION-GENERATION" and an expiry does not
    # change the generation, so If-None-Match gets 304 and the stale
    is(http_get('/api/catalog/services/dukcapil/ktp-elektronik',
                headers => ["If-None-Match: $etag"])->{status}, 200,
       'after until: the ETag of the maintenance answer is stale');
    isnt(api_svc('ktp')->header('ETag'), $etag, 'after until: a new ETag');
}
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 18: every change logged at notice with the token's name, never the token; no change, no line
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $until = utc(time + 600);
my @seq = (
    ['dukcapil', 'PUT', 'ktp-elektronik', '{"status": "maintenance"}'],
    ['dukcapil', 'PUT', 'ktp-elektronik', "{\"status\": \"maintenance\", \"message\": \"m\", \"until\": \"$until\"}"],
    ['root', 'PUT', 'ktp-elektronik', '{"status": "active"}'],
    ['root', 'DELETE', 'ktp-elektronik'],
    ['dukcapil', 'PUT', 'kartu-keluarga', '{"status": "active"}'],
    ['dukcapil', 'DELETE', 'kartu-keluarga'],
);
for my $s (@seq) {
    my ($as, $m, $svc, $body) = @$s;
    my $r = admin($m, "services/dukcapil/$svc/status", as => $as,
                  defined $body ? (body => $body) : ());
    is($r->{status}, 200, "$as $m $svc");
}
# requests that change nothing log nothing
admin('GET', 'services/dukcapil/ktp-elektronik', as => 'dukcapil');
admin('PUT', 'services/dukcapil/ktp-elektronik/status', as => 'imigrasi',
      body => '{"status": "maintenance"}');
admin('PUT', 'services/dukcapil/ktp-elektronik/status', as => 'dukcapil',
      body => '{"status": "x"}');
admin('PUT', 'services/dukcapil/ktp-lama/status', as => 'dukcapil',
      body => '{"status": "maintenance"}');
my @lines = grep { /catalog: "/ } split /\n/, error_log_text();
is(scalar @lines, 6, 'six change lines') or diag(join "\n", @lines);
my @want = (
    'catalog: "ops-dukcapil" set "dukcapil/ktp-elektronik": active -> maintenance',
    'catalog: "ops-dukcapil" set "dukcapil/ktp-elektronik": maintenance -> maintenance',
    'catalog: "ops-root" set "dukcapil/ktp-elektronik": maintenance -> active',
    'catalog: "ops-root" cleared "dukcapil/ktp-elektronik": active -> active',
    'catalog: "ops-dukcapil" set "dukcapil/kartu-keluarga": maintenance -> active',
    'catalog: "ops-dukcapil" cleared "dukcapil/kartu-keluarga": active -> maintenance',
);
for my $i (0 .. $#want) {
    like($lines[$i] // '', qr/\[notice\] \d+#\d+: \*\d+ \Q$want[$i]\E, client: /,
         "line " . ($i + 1) . ": $want[$i]");
}
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 19: "until": RFC 3339 forms, normalised to UTC
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
for my $c (['2099-12-01T08:00:00+07:00', '2099-12-01T01:00:00Z'],
           ['2099-12-01t08:00:00z', '2099-12-01T08:00:00Z'],
           ['2099-12-01T08:00:00.999Z', '2099-12-01T08:00:00Z'],
           ['2099-12-01T08:00:00.5-03:30', '2099-12-01T11:30:00Z'],
           ['2099-12-31T23:30:00-01:00', '2100-01-01T00:30:00Z'],
           ['2100-01-01T05:00:00+07:00', '2099-12-31T22:00:00Z'],
           ['2028-02-29T12:00:00Z', '2028-02-29T12:00:00Z'],
           ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59Z']) {
    my ($in, $out) = @$c;
    my $r = admin('PUT', 'services/dukcapil/ktp-elektronik/status', as => 'dukcapil',
                  body => "{\"status\": \"maintenance\", \"until\": \"$in\"}");
    is_resp($r, 200, answer(svc('ktp', 'maintenance', undef, $out),
                            ov('maintenance', undef, $out, 'ops-dukcapil')),
            "until $in");
    like(http_get('/dukcapil/ktp')->{body}, qr{<p>Perkiraan selesai: \Q$out\E</p>},
         "until $in: on the page");
}
my $rfc = 'must be an RFC 3339 time like \"2026-12-01T08:00:00+07:00\"';
for my $bad ('2027-02-29T12:00:00Z', '2099-12-01T08:00:60Z', '2099-12-01T08:00:00.Z',
             '2099-12-01T08:00:00+24:00', '10000-01-01T00:00:00Z', ' 2099-12-01T08:00:00Z',
             '2099-12-01T08:00:00Z ', '2099-12-01 08:00:00Z', '2099-1-01T08:00:00Z') {
    is_resp(admin('PUT', 'services/dukcapil/ktp-elektronik/status', as => 'dukcapil',
                  body => "{\"status\": \"maintenance\", \"until\": \"$bad\"}"),
            400, err(400, "invalid \\\"until\\\" \\\"$bad\\\": $rfc"), "until $bad");
}
--- no_error_log eval
[qr/\[(?:warn|error)\]/, @$::NO_TOKEN_IN_LOG]



=== TEST 20: an access log with every $catalog_* variable: admin, API and routed requests log, no worker dies
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval
$::HTTP_CONFIG . <<'_EOC_';
    log_format vars 'uri=$uri service="$catalog_service" agency="$catalog_agency" '
                    'category="$catalog_category" status="$catalog_status" '
                    'route="$catalog_route_path" match="$catalog_match" '
                    'scheme="$catalog_backend_scheme" host="$catalog_backend_host"';
    access_log $TEST_NGINX_SERVROOT/logs/vars.log vars;
_EOC_
--- config eval: $::CONFIG
--- perl
# the admin API keeps its own context: the variables must read it as "no
# service routed", not as something else (a worker died on it once)
my @r = (admin('GET', 'services/dukcapil/ktp-elektronik', as => 'dukcapil'),
         admin('PUT', 'services/dukcapil/ktp-elektronik/status', as => 'dukcapil',
               body => '{"status": "maintenance", "message": "log"}'),
         admin('DELETE', 'services/dukcapil/ktp-elektronik/status', as => 'dukcapil'),
         admin('GET', 'services/nosuch/x', as => 'root'),
         http_get('/api/catalog/services/dukcapil/ktp-elektronik'),
         http_get('/dukcapil/ktp/x'));
is(join(' ', map { $_->{status} } @r), '200 200 200 404 200 200', 'every request answered');
my $log = '';
for (1 .. 50) {
    open my $fh, '<', servroot() . '/logs/vars.log' or last;
    local $/;
    $log = <$fh>;
    last if ($log =~ tr/\n//) >= 7;
    select undef, undef, undef, 0.05;
}
# the backend's server block logs its request too, with nothing routed
my @lines = split /\n/, $log;
is(scalar @lines, 7, 'seven lines logged: six requests, one of them proxied');
for my $i (0 .. 3) {
    is($lines[$i] =~ s/^uri=\S+ //r,
       'service="" agency="" category="" status="" route="" match="none" scheme="http" host=""',
       "admin request $i: no service routed");
}
my @routed = grep { /service="dukcapil/ } @lines;
is("@routed", 'uri=/dukcapil/ktp/x service="dukcapil/ktp-elektronik" agency="dukcapil" '
            . 'category="kependudukan" status="active" route="/dukcapil/ktp" match="prefix" '
            . 'scheme="http" host="127.0.0.1:' . backend_port() . '"',
   'a routed request, the only one with a service: every variable');
--- no_error_log eval
[qr/\[(?:alert|crit)\]/, qr/exited on signal/, @$::NO_TOKEN_IN_LOG]
