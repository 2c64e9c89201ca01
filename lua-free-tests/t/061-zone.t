# The shared zone (catalog_zone): the directive and its errors, a zone too
# small for a large catalog, every worker seeing a change at once, and
# runtime overrides surviving `nginx -s reload`.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/061-zone.t

use lib 'lib';
use Test::Catalog;

use Digest::SHA ();

our (%TOK, $TOKENS, $CATALOG, $HTTP_CONFIG, $CONFIG);

%TOK = (dukcapil => 'ktk-zone-dukcapil-6b6b6b', root => 'ktk-zone-root-7c7c7c');

$TOKENS = ">>> tokens.json\n{\"tokens\": ["
    . "{\"sha256\": \"" . Digest::SHA::sha256_hex($TOK{dukcapil})
    . "\", \"agency\": \"dukcapil\", \"name\": \"ops-dukcapil\"}, "
    . "{\"sha256\": \"" . Digest::SHA::sha256_hex($TOK{root})
    . "\", \"agency\": \"*\", \"name\": \"ops-root\"}]}\n";

$CATALOG = <<'_EOC_';
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "kependudukan",
     "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "kk", "name": "KK", "category": "kependudukan",
     "routes": [{"path": "/kk"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> imigrasi.json
{
  "agency": {"id": "imigrasi", "name": "Imigrasi"},
  "services": [
    {"id": "paspor", "name": "Paspor", "category": "keimigrasian",
     "routes": [{"path": "/paspor"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
_EOC_

# the test server again on BACKEND2_PORT with reuseport: the kernel then
# spreads new connections over the workers instead of waking one of them
$HTTP_CONFIG = <<'_EOC_';
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    catalog_admin_tokens $TEST_NGINX_HTML_DIR/tokens.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT reuseport;
        add_header X-Worker $pid always;
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
    location /-/catalog/admin/ {
        catalog_admin;
    }
_EOC_

sub spread { return (port => backend_port(2)) }

sub admin {
    my ($method, $rel, %o) = @_;
    return http_get("/-/catalog/admin/$rel", method => $method,
                    headers => ["Authorization: Bearer $TOK{$o{as} || 'root'}"],
                    defined $o{body} ? (body => $o{body}) : (),
                    $o{port} ? (port => $o{port}) : ());
}

# a generated catalog: N services, 100 per agency, one route each
sub big {
    my ($n) = @_;
    my @files;
    for my $a (0 .. int(($n + 99) / 100) - 1) {
        my @s;
        for my $i (0 .. 99) {
            last if $a * 100 + $i >= $n;
            push @s, "{\"id\": \"s$i\", \"name\": \"Layanan $a-$i\", \"category\": \"c\", "
                   . "\"routes\": [{\"path\": \"/a$a/s$i\"}], "
                   . "\"backends\": [\"127.0.0.1:\$TEST_NGINX_BACKEND_PORT\"]}";
        }
        push @files, [sprintf('a%04d.json', $a),
                      "{\"agency\": {\"id\": \"a$a\", \"name\": \"Instansi $a\"}, \"services\": [\n"
                      . join(",\n", @s) . "\n]}\n"];
    }
    return \@files;
}

run_tests();

__DATA__

=== TEST 1: catalog_zone size=1m for a small catalog: the admin API works
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: "    catalog_zone size=1m;\n" . $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $r = admin('PUT', 'services/dukcapil/ktp/status', body => '{"status": "maintenance"}');
is($r->{status}, 200, 'PUT');
is(http_get('/ktp')->{status}, 503, 'in maintenance');
--- no_error_log
[error]
[warn]



=== TEST 2: catalog_zone foo: invalid parameter
--- http_config
    catalog_zone foo;
--- must_die
--- error_log
qr/\[emerg\] \d+#\d+: .*"catalog_zone": invalid parameter "foo" in \S+\/conf\/nginx\.conf:\d+$/m



=== TEST 3: catalog_zone zone=1m: invalid parameter
--- http_config
    catalog_zone zone=1m;
--- must_die
--- error_log
invalid parameter "zone=1m"



=== TEST 4: catalog_zone size=1k: invalid zone size (below 8 pages)
--- http_config
    catalog_zone size=1k;
--- must_die
--- error_log
qr/\[emerg\] \d+#\d+: .*"catalog_zone": invalid zone size "size=1k" in \S+\/conf\/nginx\.conf:\d+$/m



=== TEST 5: catalog_zone size=abc, size=, size=-1m, size=1x: invalid zone size
--- perl
my $conf = servroot() . '/conf/nginx.conf';
for my $v ('size=abc', 'size=', 'size=-1m', 'size=1x', 'size=1 m', 'size=16k') {
    nginx_write_config(http_config => "    catalog_zone \"$v\";\n");
    my ($rc, $out) = nginx_test_config();
    isnt($rc, 0, "$v: nginx -t fails");
    like($out, qr/\[emerg\] \d+#\d+: .*invalid zone size "\Q$v\E" in \Q$conf\E:\d+$/m,
         "$v: invalid zone size");
}
# the smallest size the directive takes is eight pages (32k with 4k
# pages); any catalog, even an empty one, needs a megabyte
nginx_write_config(http_config => "    catalog_zone size=32k;\n");
my ($rc, $out) = nginx_test_config();
like($out, qr/\[emerg\] \d+#\d+: catalog_zone size=32k is too small for 0 services: it needs size=1024k or more in \Q$conf\E:\d+$/m,
     'size=32k is a size, too small for an empty catalog');
nginx_write_config(http_config => "    catalog_zone size=1m;\n");
($rc, $out) = nginx_test_config();
is($rc, 0, 'size=1m is enough for an empty catalog') or diag($out);



=== TEST 6: catalog_zone twice: duplicate
--- http_config
    catalog_zone size=1m;
    catalog_zone size=2m;
--- must_die
--- error_log
qr/"catalog_zone" directive is duplicate in \S+\/conf\/nginx\.conf:\d+/



=== TEST 7: catalog_zone takes one argument, in http only
--- perl
my $conf = servroot() . '/conf/nginx.conf';
for my $c (["    catalog_zone;\n", '', qr/invalid number of arguments in "catalog_zone" directive in \Q$conf\E:\d+/],
           ["    catalog_zone size=1m size=2m;\n", '', qr/invalid number of arguments in "catalog_zone" directive/],
           ['', "    catalog_zone size=1m;\n", qr/"catalog_zone" directive is not allowed here in \Q$conf\E:\d+/],
           ['', "    location / { catalog_zone size=1m; }\n", qr/"catalog_zone" directive is not allowed here/]) {
    my ($http, $srv, $re) = @$c;
    nginx_write_config(http_config => $http, config => $srv);
    my ($rc, $out) = nginx_test_config();
    isnt($rc, 0, 'nginx -t fails');
    like($out, $re, "message: $re");
}



=== TEST 8: a zone too small for its 4 services
--- manifests eval: $::CATALOG
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    catalog_zone size=32k;
--- must_die
--- error_log
qr/\[emerg\] \d+#\d+: catalog_zone size=32k is too small for 3 services: it needs size=1024k or more in \S+\/conf\/nginx\.conf:\d+$/m



=== TEST 9: 30,000 services: size=1m is too small, the size named is enough, 1m less is not
--- manifests eval: ::big(30000)
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 30
--- perl
my $conf = servroot() . '/conf/nginx.conf';
# without catalog_zone the size comes from the catalog: it started
my $r = http_get('/a299/s99/x');
is($r->{body}, "b1 /a299/s99/x\n", 'the last service is routed');

my $with = sub { nginx_write_config(http_config => "    catalog_zone size=$_[0];\n" . $::HTTP_CONFIG) };
$with->('1m');
my ($rc, $out) = nginx_test_config();
isnt($rc, 0, 'size=1m: nginx -t fails');
like($out, qr/\[emerg\] \d+#\d+: catalog_zone size=1024k is too small for 30000 services: it needs size=\d+k or more in \Q$conf\E:\d+$/m,
     'size=1m: the message names the size needed');
my ($need) = $out =~ /it needs size=(\d+)k or more/;
ok($need && $need % 1024 == 0 && $need > 1024, "needs ${\ ($need // '?')}k, whole megabytes");

$with->(($need - 1024) . 'k');
($rc, $out) = nginx_test_config();
isnt($rc, 0, 'one megabyte less: nginx -t fails');
like($out, qr/catalog_zone size=${\ ($need - 1024)}k is too small for 30000 services: it needs size=${need}k or more/,
     'one megabyte less: the same size needed');

$with->($need . 'k');
($rc, $out) = nginx_test_config();
is($rc, 0, "size=${need}k: nginx -t passes") or diag($out);

# and nginx runs with it: a new zone on reload (another size), every
# service has a slot
is(nginx_reload(timeout => 20), 1, "reload with size=${need}k");
for my $key ('a0/s0', 'a150/s42', 'a299/s99') {
    $r = admin('PUT', "services/$key/status",
               body => "{\"status\": \"maintenance\", \"message\": \"m $key\"}");
    is($r->{status}, 200, "PUT $key");
    my $p = http_get("/$key");
    is($p->{status}, 503, "$key in maintenance");
    like($p->{body}, qr/<p class="msg">m \Q$key\E<\/p>/, "$key: its message");
}
is(http_get('/a299/s98')->{status}, 200, 'its neighbour is not');
--- no_error_log
[error]
[warn]



=== TEST 10: two workers see every change at once (new connections spread over both)
--- workers: 2
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 10
--- perl
my %pids;
my $check = sub {
    my ($path, $status, $like, $what) = @_;
    my $bad = 0;
    for my $i (1 .. 20) {
        my $r = http_get($path, ::spread());
        $pids{ $r->header('X-Worker') // 'none' }++;
        $bad++ unless ($r->{status} // 0) == $status && $r->{body} =~ $like;
    }
    is($bad, 0, "$what: all 20 requests see it");
};
$check->('/ktp/a', 200, qr/^b1 \/ktp\/a$/, 'before');

# every change is made through one worker or the other (spread too)
for my $n (1 .. 6) {
    my $r = admin('PUT', 'services/dukcapil/ktp/status', port => backend_port(2),
                  body => "{\"status\": \"maintenance\", \"message\": \"pesan $n\"}");
    is($r->{status}, 200, "PUT $n");
    $pids{ $r->header('X-Worker') // 'none' }++;
    $check->('/ktp/a', 503, qr/<p class="msg">pesan $n<\/p>/, "message $n");
    my $api = http_get('/api/catalog/services/dukcapil/ktp', ::spread());
    like($api->{body}, qr/"status_message": "pesan $n"/, "the API has message $n");
}

# the ETag is the same from both workers
my %etags = map { (http_get('/api/catalog/services/dukcapil/ktp', ::spread())->header('ETag') => 1) } 1 .. 20;
is(scalar keys %etags, 1, 'one ETag on both workers');

my $r = admin('DELETE', 'services/dukcapil/ktp/status', port => backend_port(2));
is($r->{status}, 200, 'DELETE');
$check->('/ktp/a', 200, qr/^b1 \/ktp\/a$/, 'after DELETE');
my %etags2 = map { (http_get('/api/catalog/services/dukcapil/ktp', ::spread())->header('ETag') => 1) } 1 .. 20;
is(scalar keys %etags2, 1, 'one ETag on both workers after DELETE');
isnt((keys %etags2)[0], (keys %etags)[0], 'a new ETag');

delete $pids{none};
is(scalar keys %pids, 2, 'both workers answered') or diag(join ' ', %pids);
--- no_error_log
[error]
[warn]



=== TEST 11: overrides survive nginx -s reload, also one that changes the catalog
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- workers: 2
--- timeout: 10
--- perl
my $until = time + 3600;
my $r = admin('PUT', 'services/dukcapil/ktp/status', as => 'dukcapil',
              body => '{"status": "maintenance", "message": "Sebelum reload", "until": "'
                      . POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $until) . '"}');
is($r->{status}, 200, 'PUT ktp');
my $before = admin('GET', 'services/dukcapil/ktp')->{body};
$r = admin('PUT', 'services/imigrasi/paspor/status', body => '{"status": "maintenance"}');
is($r->{status}, 200, 'PUT paspor');
my $etag = http_get('/api/catalog/services/dukcapil/ktp')->header('ETag');

my $same = sub {
    my ($what) = @_;
    for my $i (1 .. 6) {
        my $p = http_get('/ktp', ::spread());
        is($p->{status}, 503, "$what: ktp 503 ($i)");
        like($p->{body}, qr/<p class="msg">Sebelum reload<\/p>/, "$what: the message ($i)");
        like(scalar $p->header('Retry-After'), qr/^3[56]\d\d$/, "$what: Retry-After ($i)");
        is(http_get('/paspor', ::spread())->{status}, 503, "$what: paspor 503 ($i)");
        is(http_get('/kk', ::spread())->{status}, 200, "$what: kk proxied ($i)");
    }
    is(admin('GET', 'services/dukcapil/ktp')->{body}, $before,
       "$what: the admin answer is the same (updated_at, updated_by)");
};

is(nginx_reload(), 1, 'reload with the same configuration');
$same->('after a plain reload');
is(http_get('/api/catalog/services/dukcapil/ktp')->header('ETag'), $etag,
   'after a plain reload: the same ETag');

# another manifest: a new service, kk removed
write_file('manifests/dukcapil.json', <<'JSON');
{"agency": {"id": "dukcapil", "name": "Dukcapil"}, "services": [
  {"id": "ktp", "name": "KTP", "category": "kependudukan", "routes": [{"path": "/ktp"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
  {"id": "akta", "name": "Akta", "category": "kependudukan", "routes": [{"path": "/akta"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
  {"id": "kk", "name": "KK", "category": "kependudukan", "routes": [{"path": "/kk"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}]}
JSON
is(nginx_reload(), 1, 'reload with a changed catalog');
$same->('after a catalog change');
isnt(http_get('/api/catalog/services/dukcapil/ktp')->header('ETag'), $etag,
     'after a catalog change: a new ETag');
is(http_get('/akta')->{status}, 200, 'the new service is routed');
$r = admin('PUT', 'services/dukcapil/akta/status', body => '{"status": "maintenance"}');
is($r->{status}, 200, 'the new service takes an override');
is(http_get('/akta', ::spread())->{status}, 503, 'the new service in maintenance');

# a change after the reload, then another reload
is(admin('DELETE', 'services/dukcapil/ktp/status')->{status}, 200, 'DELETE ktp');
is(nginx_reload(), 1, 'reload again');
for my $i (1 .. 6) {
    is(http_get('/ktp', ::spread())->{status}, 200, "ktp proxied after DELETE and reload ($i)");
    is(http_get('/akta', ::spread())->{status}, 503, "akta still in maintenance ($i)");
}
--- no_error_log
[error]
[warn]
[alert]



=== TEST 12: a service retired by a reload: 410 wins over its override, which cannot be set again
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 10
--- perl
is(admin('PUT', 'services/dukcapil/kk/status', body => '{"status": "maintenance", "message": "x"}')->{status},
   200, 'PUT kk');
is(http_get('/kk')->{status}, 503, 'kk in maintenance');
write_file('manifests/dukcapil.json', <<'JSON');
{"agency": {"id": "dukcapil", "name": "Dukcapil"}, "services": [
  {"id": "ktp", "name": "KTP", "category": "kependudukan", "routes": [{"path": "/ktp"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
  {"id": "kk", "name": "KK", "category": "kependudukan", "routes": [{"path": "/kk"}],
   "status": "retired"}]}
JSON
is(nginx_reload(), 1, 'reload: kk retired');
is(http_get('/kk')->{status}, 410, 'kk answers 410');
like(http_get('/api/catalog/services/dukcapil/kk')->{body},
     qr/"status": "retired", "status_message": null, "status_until": null/,
     'the API says retired, without the message');
my $r = admin('PUT', 'services/dukcapil/kk/status', body => '{"status": "maintenance"}');
is($r->{status}, 409, 'PUT on the retired service: 409');
like(admin('GET', 'services/dukcapil/kk')->{body}, qr/^\{"service": \{"id": "dukcapil\/kk", .*"status": "retired"/,
     'the admin API shows it retired');
--- no_error_log
[error]
[warn]



=== TEST 13: reloads that rename services fill the kept zone: the reload fails naming the size, the running catalog serves
--- manifests eval: ::big(400)
--- user_files eval: $::TOKENS
--- http_config eval: "    catalog_zone size=1m;\n" . $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 60
--- perl
# the zone keeps every service key it has seen (so that an override
# outlives a reload); the same 400 services under new ids each round
my ($round, $ok) = (0, 1);
while ($ok && $round < 20) {
    $round++;
    for my $a (0 .. 3) {
        write_file(sprintf('manifests/a%04d.json', $a),
                   "{\"agency\": {\"id\": \"a$a\", \"name\": \"Instansi $a\"}, \"services\": [\n"
                   . join(",\n", map {
                         "{\"id\": \"r$round-s$_\", \"name\": \"L\", \"category\": \"c\", "
                         . "\"routes\": [{\"path\": \"/a$a/s$_\"}], "
                         . "\"backends\": [\"127.0.0.1:\$TEST_NGINX_BACKEND_PORT\"]}"
                     } 0 .. 99)
                   . "\n]}\n");
    }
    $ok = nginx_reload(timeout => 20);
}
is($ok, 0, "a reload failed (round $round)");
ok($round > 1, 'the first renaming fits');
like(error_log_text(),
     qr/\[emerg\] \d+#\d+: catalog zone "catalog" is full: 400 services, 1048576 bytes; set catalog_zone size=\d+k$/m,
     'the message names the services, the size and the size to set');
my $prev = $round - 1;
is(http_get("/api/catalog/services/a3/r$prev-s99")->{status}, 200,
   'the catalog of the last good reload is served');
is(http_get("/api/catalog/services/a3/r$round-s99")->{status}, 404,
   'the failed one is not');
is(http_get('/a3/s99/x')->{body}, "b1 /a3/s99/x\n", 'routing goes on');
--- error_log
qr/\[emerg\] \d+#\d+: catalog zone "catalog" is full: 400 services, 1048576 bytes; set catalog_zone size=\d+k/
--- no_error_log
[crit]



=== TEST 14: maintenance messages fill a small zone: 500, logged, the changes made before kept
--- manifests eval: ::big(400)
--- user_files eval: $::TOKENS
--- http_config eval: "    catalog_zone size=1m;\n" . $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 60
--- perl
# a message takes CATALOG_MESSAGE_BYTES of the zone; the size asked
# for keeps room for one per eight services, and more fit
my ($n, $r, $key) = (0);
SERVICE: for my $a (0 .. 3) {
    for my $i (0 .. 99) {
        $key = "a$a/s$i";
        $r = admin('PUT', "services/$key/status",
                   body => "{\"status\": \"maintenance\", \"message\": \"Dirawat $key\"}");
        last SERVICE if $r->{status} != 200;
        $n++;
    }
}
is($r->{status}, 500, "the PUT after $n answers 500");
is($r->{body}, '{"error": {"code": 500, "message": "the change could not be stored"}}',
   'and says why');
ok($n >= 400 / 8 + 16, "$n messages fit, at least the room kept for them");
is(http_get("/$key")->{status}, 200, "$key is not in maintenance");
my $p = http_get('/a0/s0');
is($p->{status}, 503, 'the first change holds');
like($p->{body}, qr/<p class="msg">Dirawat a0\/s0<\/p>/, 'with its message');
is(admin('PUT', "services/$key/status", body => '{"status": "maintenance"}')->{status}, 200,
   'maintenance without a message needs no room');
--- error_log
qr/\[error\] .*catalog: no room in the zone to change "a\d+\/s\d+"/
--- no_error_log
[crit]
