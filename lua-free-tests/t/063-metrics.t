# catalog_status and catalog_metrics: every outcome driven a known number
# of times through two workers, the exact figures in both endpoints, what
# the backends answered (classes, failures, time), per-service labels,
# the figures kept across reloads, and promtool's opinion of the output.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/063-metrics.t

use lib 'lib';
use Test::Catalog;

use Digest::SHA ();
use JSON::PP ();

our ($CATALOG, $HTTP_CONFIG, $CONFIG, $FILES, $TOKENS);

$CATALOG = <<'_EOC_';
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Direktorat \"Dukcapil\" \\ Kemendagri"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "kependudukan",
     "routes": [{"path": "/ktp", "methods": ["GET"]}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "kk", "name": "KK", "category": "kependudukan",
     "routes": [{"path": "/kk"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
     "status": "maintenance", "maintenance_message": "Sedang dirawat"},
    {"id": "lama", "name": "Lama", "category": "kependudukan",
     "routes": [{"path": "/lama"}], "status": "retired"},
    {"id": "pindah", "name": "Pindah", "category": "kependudukan",
     "routes": [{"path": "/pindah"}],
     "redirect": {"to": "https://dukcapil.example.go.id/baru"}}
  ]
}
>>> imigrasi.json
{
  "agency": {"id": "imigrasi", "name": "Imigrasi"},
  "services": [
    {"id": "paspor", "name": "Paspor", "category": "keimigrasian",
     "routes": [{"path": "/paspor"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "mati", "name": "Mati", "category": "keimigrasian",
     "routes": [{"path": "/mati"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
_EOC_

# the test server again on BACKEND2_PORT with reuseport, so that new
# connections spread over both workers; nothing listens on BACKEND3_PORT
$HTTP_CONFIG = <<'_EOC_';
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
        location /paspor/err { return 500 "boom\n"; }
        location /paspor/missing { return 404 "no\n"; }
        location /paspor/slow {
            root $TEST_NGINX_HTML_DIR;
            limit_rate 4k;
            try_files /slow.txt =404;
        }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT reuseport;
        add_header X-Worker $pid always;
        location / {
            catalog_route;
            proxy_pass http://catalog_backends;
        }
    }
_EOC_

$CONFIG = <<'_EOC_';
    location = /-/catalog/status { catalog_status; }
    location = /-/catalog/metrics { catalog_metrics; }
    location = /-/catalog/metrics/services { catalog_metrics per_service; }
_EOC_

# 6 KiB at 4 KiB/s: a backend answer that takes about a second
$FILES = ">>> slow.txt\n" . ('x' x 6143) . "\n";

$TOKENS = ">>> tokens.json\n{\"tokens\": [{\"sha256\": \""
        . Digest::SHA::sha256_hex('metrics-token')
        . "\", \"agency\": \"*\", \"name\": \"ops\"}]}\n";

# every outcome a known number of times, through either worker
our %SENT = (
    'GET /ktp/a'        => [3, 200],
    'POST /ktp/a'       => [2, 405],
    'GET /kk'           => [4, 503],
    'GET /lama'         => [1, 410],
    'GET /pindah/x'     => [2, 301],
    'GET /tidak-ada'    => [5, 404],
    'GET /paspor/ok'    => [2, 200],
    'GET /paspor/err'   => [3, 500],
    'GET /paspor/missing' => [1, 404],
    'GET /paspor/slow'  => [1, 200],
    'GET /mati'         => [2, 502],
);

sub drive {
    my %pids;
    my $bad = 0;
    for my $req (sort keys %SENT) {
        my ($method, $path) = split / /, $req;
        my ($n, $status) = @{ $SENT{$req} };
        for (1 .. $n) {
            my $r = http_get($path, method => $method, port => backend_port(2),
                             $method eq 'POST' ? (body => 'x') : ());
            $pids{ $r->header('X-Worker') // 'none' }++;
            unless (($r->{status} // 0) == $status) {
                $bad++;
                Test::More::diag("$req: $r->{status}, expected $status");
            }
        }
    }
    Test::More::is($bad, 0, 'every request got the answer expected');
    return \%pids;
}

sub status_json {
    my $r = http_get('/-/catalog/status');
    Test::More::is($r->{status}, 200, 'status: 200');
    return JSON::PP->new->utf8->decode($r->{body});
}

# the samples of a metrics text: { 'name{labels}' => value }
sub samples {
    my ($text) = @_;
    my %s;
    for (split /\n/, $text) {
        next if /^#/;
        /^(\S+|\S+\{.*\}) (\S+)$/ or do { Test::More::fail("bad line: $_"); next };
        $s{$1} = $2;
    }
    return \%s;
}

sub metrics {
    my ($path) = @_;
    my $r = http_get($path // '/-/catalog/metrics');
    Test::More::is($r->{status}, 200, "$path: 200");
    return ($r, samples($r->{body}));
}

sub promtool_ok {
    my ($text, $what) = @_;
    my $file = servroot() . '/metrics.txt';
    open my $fh, '>', $file or die "$file: $!";
    print {$fh} $text;
    close $fh;
    my $out = `promtool check metrics < $file 2>&1`;
    Test::More::is($? >> 8, 0, "promtool check metrics: $what")
        or Test::More::diag($out);
    Test::More::is($out, '', "promtool has nothing to say: $what");
}

our %EXPECT = (
    'catalog_requests_total{agency="dukcapil",outcome="proxy"}' => 3,
    'catalog_requests_total{agency="dukcapil",outcome="method_not_allowed"}' => 2,
    'catalog_requests_total{agency="dukcapil",outcome="maintenance"}' => 4,
    'catalog_requests_total{agency="dukcapil",outcome="gone"}' => 1,
    'catalog_requests_total{agency="dukcapil",outcome="redirect"}' => 2,
    'catalog_requests_total{agency="dukcapil",outcome="not_found"}' => undef,
    'catalog_requests_total{agency="",outcome="proxy"}' => undef,
    'catalog_requests_total{agency="imigrasi",outcome="proxy"}' => 9,
    'catalog_requests_total{agency="imigrasi",outcome="redirect"}' => 0,
    'catalog_requests_total{agency="",outcome="not_found"}' => 5,
    'catalog_upstream_responses_total{agency="dukcapil",class="2xx"}' => 3,
    'catalog_upstream_responses_total{agency="dukcapil",class="5xx"}' => 0,
    'catalog_upstream_responses_total{agency="imigrasi",class="2xx"}' => 3,
    'catalog_upstream_responses_total{agency="imigrasi",class="4xx"}' => 1,
    'catalog_upstream_responses_total{agency="imigrasi",class="5xx"}' => 3,
    'catalog_upstream_responses_total{agency="imigrasi",class="1xx"}' => 0,
    'catalog_upstream_failures_total{agency="imigrasi"}' => 2,
    'catalog_upstream_failures_total{agency="dukcapil"}' => 0,
    'catalog_upstream_response_seconds_count{agency="imigrasi"}' => 7,
    'catalog_upstream_response_seconds_bucket{agency="imigrasi",le="+Inf"}' => 7,
    'catalog_upstream_response_seconds_bucket{agency="imigrasi",le="0.25"}' => 6,
    'catalog_upstream_response_seconds_count{agency="dukcapil"}' => 3,
    'catalog_services' => 6,
    'catalog_routes' => 6,
    'catalog_agencies' => 2,
    'catalog_services_status{agency="dukcapil",status="active"}' => 2,
    'catalog_services_status{agency="dukcapil",status="maintenance"}' => 1,
    'catalog_services_status{agency="dukcapil",status="retired"}' => 1,
    'catalog_services_status{agency="imigrasi",status="active"}' => 2,
    'catalog_agency_info{agency="dukcapil",name="Direktorat \"Dukcapil\" \\\\ Kemendagri"}' => 1,
);

sub check_figures {
    my ($s, $what) = @_;
    for my $k (sort keys %EXPECT) {
        Test::More::is($s->{$k}, $EXPECT{$k}, "$what: $k");
    }
}

sub check_status {
    my ($j, $what) = @_;
    Test::More::is_deeply($j->{requests}, {
        proxy => 12, redirect => 2, gone => 1, maintenance => 4,
        not_found => 5, method_not_allowed => 2 }, "$what: requests");
    Test::More::is_deeply($j->{upstream}, {
        responses => {'1xx' => 0, '2xx' => 6, '3xx' => 0, '4xx' => 1,
                      '5xx' => 3}, failures => 2 }, "$what: upstream");
}

run_tests();

__DATA__

=== TEST 1: N requests of each outcome through two workers: both endpoints say N
--- workers: 2
--- manifests eval: $::CATALOG
--- user_files eval: $::FILES
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 20
--- perl
my $pids = ::drive();
delete $pids->{none};
is(scalar keys %$pids, 2, 'both workers answered') or diag(join ' ', %$pids);

my ($r, $s) = ::metrics('/-/catalog/metrics');
is($r->header('Content-Type'), 'text/plain; version=0.0.4; charset=utf-8',
   'the Prometheus text format');
is($r->header('Cache-Control'), 'no-store', 'never cached');
::check_figures($s, 'metrics');
like($s->{'catalog_upstream_response_seconds_sum{agency="imigrasi"}'},
     qr/^[0-9]+\.[0-9]{3}$/, 'the sum is in seconds');
cmp_ok($s->{'catalog_upstream_response_seconds_sum{agency="imigrasi"}'}, '>=', 0.5,
       'the slow answer is in the sum');
ok(!exists $s->{'catalog_redis_up'}, 'no catalog_redis_up without Redis');
ok(!exists $s->{'catalog_redis_reconnects_total'}, 'no reconnects without Redis');
ok(!grep(/service=/, keys %$s), 'no service labels by default');
like($r->{body}, qr/^# HELP catalog_requests_total .+\n# TYPE catalog_requests_total counter\n/m,
     'HELP and TYPE before the samples');
like($r->{body}, qr/^# TYPE catalog_upstream_response_seconds histogram$/m, 'a histogram');

# the same figures from every worker
my %bodies;
for (1 .. 12) {
    my $x = http_get('/-/catalog/metrics');
    $bodies{$x->{body} =~ s/catalog_zone_used_bytes \d+//r}++;
}
is(scalar keys %bodies, 1, 'every answer has the same figures');

my $j = ::status_json();
::check_status($j, 'status');
is($j->{services}, 6, 'status: services');
is($j->{agencies}, 2, 'status: agencies');
is($j->{routes}, 6, 'status: routes');
is_deeply($j->{statuses}, {active => 4, maintenance => 1, retired => 1},
          'status: services by effective status');
like($j->{version}, qr/^[0-9a-f]{16}$/, 'status: version is the manifests hash');
like($j->{loaded_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'status: loaded_at');
ok($j->{zone}{size} >= 1024 * 1024, 'status: zone size');
ok($j->{zone}{used} > 0 && $j->{zone}{used} < $j->{zone}{size}, 'status: zone used');
is_deeply($j->{redis}, {configured => JSON::PP::false, connected => JSON::PP::false,
                        since => undef, last_sync => undef, version => undef,
                        reconnects => 0, errors => 0}, 'status: redis not configured');

::promtool_ok($r->{body}, 'by agency');



=== TEST 2: per_service: service labels instead of agency ones, the sums agree
--- manifests eval: $::CATALOG
--- user_files eval: $::FILES
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 20
--- perl
::drive();
my ($r, $s) = ::metrics('/-/catalog/metrics/services');
is($s->{'catalog_requests_total{agency="dukcapil",service="ktp",outcome="proxy"}'}, 3, 'ktp proxy');
is($s->{'catalog_requests_total{agency="dukcapil",service="ktp",outcome="method_not_allowed"}'}, 2, 'ktp 405');
is($s->{'catalog_requests_total{agency="dukcapil",service="kk",outcome="maintenance"}'}, 4, 'kk 503');
is($s->{'catalog_requests_total{agency="imigrasi",service="paspor",outcome="proxy"}'}, 7, 'paspor proxy');
is($s->{'catalog_requests_total{agency="imigrasi",service="mati",outcome="proxy"}'}, 2, 'mati proxy');
is($s->{'catalog_requests_total{agency="",service="",outcome="not_found"}'}, 5, 'unmatched');
is($s->{'catalog_upstream_responses_total{agency="imigrasi",service="paspor",class="5xx"}'}, 3, 'paspor 5xx');
is($s->{'catalog_upstream_failures_total{agency="imigrasi",service="mati"}'}, 2, 'mati failures');
is($s->{'catalog_upstream_response_seconds_count{agency="imigrasi"}'}, 7,
   'backend times per agency, also with per_service');
ok(!grep(/^catalog_upstream_response_seconds\S*service=/, keys %$s),
   'no backend time histogram per service');
ok(!grep(/service="[^"]+",outcome="not_found"/, keys %$s),
   'no not_found series for a service');
is($s->{'catalog_service_status{agency="dukcapil",service="kk",status="maintenance"}'}, 1, 'kk is in maintenance');
is($s->{'catalog_service_status{agency="dukcapil",service="lama",status="retired"}'}, 1, 'lama is retired');
ok(!exists $s->{'catalog_requests_total{agency="dukcapil",outcome="proxy"}'},
   'no agency-only series next to the service ones');

# a sum over the family counts each request once
my $sum = 0;
$sum += $s->{$_} for grep /^catalog_requests_total\{/, keys %$s;
is($sum, 26, 'the requests sum to what was sent');
::promtool_ok($r->{body}, 'per service');

# the default endpoint still labels by agency
my (undef, $a) = ::metrics('/-/catalog/metrics');
is($a->{'catalog_requests_total{agency="imigrasi",outcome="proxy"}'}, 9, 'by agency');



=== TEST 3: the figures survive reloads, also with a changed catalog
--- manifests eval: $::CATALOG
--- user_files eval: $::FILES
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 20
--- perl
::drive();
my $before = ::status_json();
ok(nginx_reload(), 'reload');
my (undef, $s) = ::metrics('/-/catalog/metrics');
::check_figures($s, 'after reload');
::check_status(::status_json(), 'after reload');

# a new service for Imigrasi: Imigrasi's figures go on, the new one is 0
my $m = $::CATALOG;
$m =~ s/("id": "mati")/"id": "visa", "name": "Visa", "category": "keimigrasian",
     "routes": [{"path": "\/visa"}],
     "backends": ["127.0.0.1:\$TEST_NGINX_BACKEND_PORT"]},
    {$1/;
for (split /^>>> /m, $m) {
    next unless length;
    my ($name, $body) = /^(\S+)\n(.*)\z/s;
    $body =~ s/\$(TEST_NGINX_\w+)/$ENV{$1}/g;
    write_file("manifests/$name", $body);
}
ok(nginx_reload(), 'reload with a new service');
my $after = ::status_json();
isnt($after->{version}, $before->{version}, 'a new version');
is($after->{services}, 7, 'seven services');
::check_status($after, 'after a changed catalog');
(undef, $s) = ::metrics('/-/catalog/metrics/services');
is($s->{'catalog_requests_total{agency="imigrasi",service="visa",outcome="proxy"}'}, 0,
   'the new service starts at 0');
is($s->{'catalog_requests_total{agency="imigrasi",service="paspor",outcome="proxy"}'}, 7,
   'paspor keeps its figures');
my $r = http_get('/visa/x', port => backend_port(2));
is($r->{status}, 200, 'the new service answers');
(undef, $s) = ::metrics('/-/catalog/metrics');
is($s->{'catalog_requests_total{agency="imigrasi",outcome="proxy"}'}, 10, 'counted');



=== TEST 4: a runtime maintenance shows in the status counts
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG . "    catalog_admin_tokens $ENV{TEST_NGINX_HTML_DIR}/tokens.json;\n"
--- user_files eval: $::TOKENS
--- config eval: $::CONFIG . "    location /-/catalog/admin/ { catalog_admin; }\n"
--- perl
my $token = 'metrics-token';
my $r = http_get('/-/catalog/admin/services/imigrasi/paspor/status', method => 'PUT',
                 headers => ["Authorization: Bearer $token"],
                 body => '{"status": "maintenance"}');
is($r->{status}, 200, 'PUT maintenance');
my (undef, $s) = ::metrics('/-/catalog/metrics');
is($s->{'catalog_services_status{agency="imigrasi",status="maintenance"}'}, 1,
   'imigrasi: one in maintenance');
is($s->{'catalog_services_status{agency="imigrasi",status="active"}'}, 1,
   'imigrasi: one active');
is_deeply(::status_json()->{statuses}, {active => 3, maintenance => 2, retired => 1},
          'status: two in maintenance');
$r = http_get('/paspor/x', port => backend_port(2));
is($r->{status}, 503, 'paspor answers 503');
(undef, $s) = ::metrics('/-/catalog/metrics');
is($s->{'catalog_requests_total{agency="imigrasi",outcome="maintenance"}'}, 1, 'counted as maintenance');



=== TEST 5: GET and HEAD only; other methods 405 with Allow
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- request eval
["POST /-/catalog/status\nx", "DELETE /-/catalog/metrics", "HEAD /-/catalog/metrics"]
--- error_code eval
[405, 405, 200]
--- response_headers eval
["Allow: GET, HEAD", "Allow: GET, HEAD", "Content-Type: text/plain; version=0.0.4; charset=utf-8"]



=== TEST 6: an empty catalog: zeros, and requests counted as not found
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location = /-/catalog/status { catalog_status; }
    location = /-/catalog/metrics { catalog_metrics; }
    location / { catalog_route; }
--- perl
is(http_get('/x')->{status}, 503, 'an empty catalog answers 503');
my (undef, $s) = ::metrics('/-/catalog/metrics');
is($s->{'catalog_services'}, 0, 'no services');
is($s->{'catalog_requests_total{agency="",outcome="not_found"}'}, 1, 'one unmatched');
is(::status_json()->{requests}{not_found}, 1, 'status: one not found');



=== TEST 7: catalog_metrics takes per_service and nothing else
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location = /m { catalog_metrics services; }
--- must_die
--- error_log
qr/\[emerg\] .*"catalog_metrics": invalid parameter "services", expected "per_service" in \S+nginx\.conf:\d+/



=== TEST 8: catalog_status takes no parameter
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location = /s { catalog_status on; }
--- must_die
--- error_log
qr/\[emerg\] .*invalid number of arguments in "catalog_status" directive in \S+nginx\.conf:\d+/



=== TEST 9: catalog_status twice in one location
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location = /s { catalog_status; catalog_status; }
--- must_die
--- error_log
qr/\[emerg\] .*"catalog_status" directive is duplicate in \S+nginx\.conf:\d+/



=== TEST 10: catalog_metrics twice in one location
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- config
    location = /m { catalog_metrics; catalog_metrics per_service; }
--- must_die
--- error_log
qr/\[emerg\] .*"catalog_metrics" directive is duplicate in \S+nginx\.conf:\d+/
