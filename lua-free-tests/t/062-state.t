# The state file (catalog_state_file): every change written to it, its
# format, overrides back after a restart, and a damaged, missing or
# unwritable file.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/062-state.t
#
# A restart starts a new nginx: nginx_start() empties the servroot's
# conf/, html/ and manifests/, so every block here keeps its manifests,
# its tokens and its state file under $servroot/keep/ and starts nginx
# itself (start_nginx() below), twice or more.

use lib 'lib';
use Test::Catalog;

use Digest::SHA ();
use Fcntl ();
use JSON::PP ();
use POSIX ();

our (%TOK, %MANIFEST, $HTTP_CONFIG, $CONFIG);

%TOK = (dukcapil => 'ktk-state-dukcapil-1a2b3c4d',
        imigrasi => 'ktk-state-imigrasi-5e6f7a8b',
        root     => 'ktk-state-root-9c0d1e2f');

# Dukcapil: ktp, kk (maintenance in its manifest), lama (retired), s0..s9;
# Imigrasi: paspor
%MANIFEST = (
    'dukcapil.json' => '{"agency": {"id": "dukcapil", "name": "Dukcapil"}, "services": [
  {"id": "ktp", "name": "KTP", "category": "c", "routes": [{"path": "/ktp"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
  {"id": "kk", "name": "KK", "category": "c", "routes": [{"path": "/kk"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
   "status": "maintenance", "maintenance_message": "KK dari manifest"},
  {"id": "lama", "name": "Lama", "category": "c", "routes": [{"path": "/lama"}],
   "status": "retired"},
' . join(",\n", map {
    "  {\"id\": \"s$_\", \"name\": \"S$_\", \"category\": \"c\", \"routes\": [{\"path\": \"/s$_\"}],"
  . " \"backends\": [\"127.0.0.1:\$TEST_NGINX_BACKEND_PORT\"]}" } 0 .. 9) . ']}
',
    'imigrasi.json' => '{"agency": {"id": "imigrasi", "name": "Imigrasi"}, "services": [
  {"id": "paspor", "name": "Paspor", "category": "c", "routes": [{"path": "/paspor"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}]}
',
);

$HTTP_CONFIG = <<'_EOC_';
    catalog_manifests $TEST_NGINX_SERVROOT/keep/manifests/*.json;
    catalog_admin_tokens $TEST_NGINX_SERVROOT/keep/tokens.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT reuseport;
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

sub keep { return servroot() . '/keep' }
sub state_path { return keep() . '/state/catalog-state.json' }

sub slurp_file {
    my ($path) = @_;
    open my $fh, '<', $path or return undef;
    local $/;
    return scalar <$fh>;
}

sub spew_file {
    my ($path, $data) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print {$fh} $data;
    close $fh or die "$path: $!";
}

# (Re)start nginx with the manifests of %MANIFEST (or manifests =>
# {name => text}), the tokens, and state => PATH (default: state_path();
# undef: no catalog_state_file); extra_http => text; workers => N.
sub start_nginx {
    my (%o) = @_;
    my $m = $o{manifests} || \%MANIFEST;
    File::Path::remove_tree(keep() . '/manifests');
    write_file("keep/manifests/$_", $m->{$_}) for sort keys %$m;
    write_file('keep/tokens.json', '{"tokens": ['
        . join(', ', map {
              "{\"sha256\": \"" . Digest::SHA::sha256_hex($TOK{$_})
            . "\", \"agency\": \"" . ($_ eq 'root' ? '*' : $_)
            . "\", \"name\": \"ops-$_\"}" } sort keys %TOK) . "]}\n");
    my $state = exists $o{state} ? $o{state} : state_path();
    my $http = $HTTP_CONFIG
             . (defined $state ? "    catalog_state_file $state;\n" : '')
             . ($o{extra_http} || '');
    nginx_stop();
    nginx_start(http_config => $http, config => $CONFIG,
                workers => $o{workers} || 1, timeout => 10);
}

sub admin {
    my ($method, $rel, %o) = @_;
    return http_get("/-/catalog/admin/$rel", method => $method,
                    headers => ["Authorization: Bearer $TOK{$o{as} || 'root'}"],
                    defined $o{body} ? (body => $o{body}) : (),
                    $o{port} ? (port => $o{port}) : ());
}

sub put {
    my ($key, $body, %o) = @_;
    my $r = admin('PUT', "services/$key/status", body => $body, %o);
    Test::More::is($r->{status}, 200, "PUT $key $body")
        or Test::More::diag($r->{body});
    return $r;
}

sub utc { POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }
sub wib { POSIX::strftime('%Y-%m-%dT%H:%M:%S+07:00', gmtime($_[0] + 7 * 3600)) }

# the state file decoded, its overrides by service
sub state_of {
    my ($path) = @_;
    my $text = slurp_file($path // state_path());
    return undef unless defined $text;
    my $j = eval { JSON::PP->new->utf8->decode($text) };
    Test::More::diag("state file: $@\n$text") unless $j;
    return $j;
}

sub overrides_of {
    my $j = state_of(@_) or return {};
    return { map { $_->{service} => $_ } @{ $j->{overrides} || [] } };
}

# the override of a service as the admin API shows it, or undef
sub override_of {
    my ($key) = @_;
    my $r = admin('GET', "services/$key");
    my $j = eval { JSON::PP->new->utf8->decode($r->{body}) } or return 'ERROR';
    return $j->{override};
}

sub fresh_state {
    File::Path::remove_tree(keep() . '/state');
    File::Path::make_path(keep() . '/state');
}

run_tests();

__DATA__

=== TEST 1: every change is written; after a restart the overrides are back, exactly
--- timeout: 20
--- perl
fresh_state();
start_nginx();
ok(!-e state_path(), 'no state file before the first change');

my $until = time + 3600;
put('dukcapil/ktp', '{"status": "maintenance", "message": "Pemeliharaan \"basis data\" <malam>\nBaris 2 \u00e9", "until": "' . wib($until) . '"}', as => 'dukcapil');
put('dukcapil/kk', '{"status": "active"}', as => 'dukcapil');
put('imigrasi/paspor', '{"status": "maintenance"}', as => 'imigrasi');

# the file: JSON, version 1, one entry per override, no token, no hash
my $text = slurp_file(state_path());
ok(defined $text, 'the state file exists');
like($text, qr/\n\z/, 'it ends with a line break');
like($text, qr/\A\{\n  "version": 1,\n  "overrides": \[\n    \{\n      "service": "/,
     'version first, then overrides, indented');
for my $t (values %::TOK) {
    unlike($text, qr/\Q$t\E/, 'no token in the file');
    my $h = Digest::SHA::sha256_hex($t);
    unlike($text, qr/\Q$h\E/i, 'no token hash in the file');
}
ok(!(grep { -e } glob(state_path() . '.*')), 'no temporary file left');
is((stat state_path())[2] & 07777, 0640, 'mode 0640');

my $j = state_of();
is(join(',', sort keys %$j), 'overrides,version', 'top level: version, overrides');
is($j->{version}, 1, 'version 1');
my %o = map { $_->{service} => $_ } @{ $j->{overrides} };
is(join(' ', sort keys %o), 'dukcapil/kk dukcapil/ktp imigrasi/paspor', 'three overrides');
my @order = $text =~ /"(service|status|message|until|updated_at|updated_by)":/g;
is("@order[0 .. 5]", 'service status message until updated_at updated_by', 'the order of the keys');
is_deeply($o{'dukcapil/ktp'}, {
    service => 'dukcapil/ktp', status => 'maintenance',
    message => "Pemeliharaan \"basis data\" <malam>\nBaris 2 \x{e9}",
    until => utc($until), updated_at => $o{'dukcapil/ktp'}{updated_at},
    updated_by => 'ops-dukcapil' }, 'ktp: every field');
like($o{'dukcapil/ktp'}{updated_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ktp: updated_at in UTC, to the millisecond');
is_deeply($o{'dukcapil/kk'}, {
    service => 'dukcapil/kk', status => 'active', message => undef, until => undef,
    updated_at => $o{'dukcapil/kk'}{updated_at}, updated_by => 'ops-dukcapil' },
    'kk: active, message and until null');
is_deeply($o{'imigrasi/paspor'}, {
    service => 'imigrasi/paspor', status => 'maintenance', message => undef, until => undef,
    updated_at => $o{'imigrasi/paspor'}{updated_at}, updated_by => 'ops-imigrasi' },
    'paspor: maintenance without message and until');

# what the API says before the restart
my %before = map { $_ => admin('GET', "services/$_")->{body} }
             qw(dukcapil/ktp dukcapil/kk imigrasi/paspor dukcapil/s0);

start_nginx();
for my $k (sort keys %before) {
    is(admin('GET', "services/$k")->{body}, $before{$k},
       "after a restart: $k exactly as before (updated_at, updated_by too)");
}
my $p = http_get('/ktp/a');
is($p->{status}, 503, 'after a restart: ktp 503');
like($p->{body}, qr{<p class="msg">Pemeliharaan &quot;basis data&quot; &lt;malam&gt;\nBaris 2 \xc3\xa9</p>},
     'after a restart: its message');
like(scalar $p->header('Retry-After'), qr/^3[56]\d\d$/, 'after a restart: Retry-After');
is(http_get('/kk/a')->{body}, "b1 /kk/a\n", 'after a restart: kk proxied (active override)');
is(http_get('/paspor')->{status}, 503, 'after a restart: paspor 503');
is(http_get('/s0')->{status}, 200, 'after a restart: s0 untouched');
is(slurp_file(state_path()), $text, 'a start does not rewrite the file');

# DELETE: the file follows
is(admin('DELETE', 'services/dukcapil/ktp/status', as => 'dukcapil')->{status}, 200, 'DELETE ktp');
is(join(' ', sort keys %{ overrides_of() }), 'dukcapil/kk imigrasi/paspor', 'the file without ktp');
start_nginx();
is(http_get('/ktp/a')->{status}, 200, 'after another restart: ktp proxied');
is(override_of('dukcapil/ktp'), undef, 'after another restart: ktp has no override');
is(http_get('/paspor')->{status}, 503, 'after another restart: paspor still 503');

admin('DELETE', "services/$_/status") for qw(dukcapil/kk imigrasi/paspor);
$j = state_of();
is_deeply($j, {version => 1, overrides => []}, 'no override left: an empty list');
like(slurp_file(state_path()), qr/"overrides": \[\]/, 'written as []');
start_nginx();
is(http_get('/kk')->{status}, 503, 'after the last restart: kk as in its manifest');
is(http_get('/paspor')->{status}, 200, 'after the last restart: paspor proxied');
--- no_error_log eval
[qr/\[(?:warn|error)\]/, qr/ktk-/]



=== TEST 2: damaged state files: an [error] naming the file, nginx starts without overrides
--- timeout: 60
--- perl
fresh_state();
start_nginx();
put('dukcapil/ktp', '{"status": "maintenance", "message": "rusak"}');
put('dukcapil/s1', '{"status": "maintenance"}');
my $good = slurp_file(state_path());
my $path = state_path();
my $half = substr($good, 0, int(length($good) / 2));

for my $case (
    ["garbage", "bukan JSON sama sekali\n", qr/line 1, column 5: invalid JSON: '\[' or '\{' expected near 'bukan'/],
    ["truncated JSON", $half, qr/line \d+, column \d+: invalid JSON: /],
    ["an empty file", '', qr/line 1, column 0: invalid JSON: /],
    ["binary bytes", "\x00\xff\xfe{", qr/line 1, column \d+: invalid JSON: /],
    ["an array", "[]\n", qr/top level: must be an object/],
    ["no version", "{\"overrides\": []}\n", qr/version: is required/],
    ["version 2", "{\"version\": 2, \"overrides\": []}\n", qr/version: must be 1/],
    ["version \"1\"", "{\"version\": \"1\", \"overrides\": []}\n", qr/version: must be 1/],
    ["no overrides", "{\"version\": 1}\n", qr/overrides: is required/],
    ["overrides an object", "{\"version\": 1, \"overrides\": {}}\n", qr/overrides: must be an array/],
    ["an unknown key", "{\"version\": 1, \"overrides\": [], \"tokens\": []}\n", qr/top level: unknown key "tokens"/],
    ["a duplicate key", "{\"version\": 1, \"version\": 1, \"overrides\": []}\n", qr/line 1, column \d+: invalid JSON: duplicate object key/],
    ["JSON after JSON", $good . $good, qr/line \d+, column \d+: invalid JSON: end of file expected/],
) {
    my ($what, $content, $re) = @$case;
    nginx_stop();
    spew_file($path, $content);
    start_nginx();
    my $log = error_log_text();
    like($log, qr/\[error\] \d+#\d+: catalog: state file "\Q$path\E": $re.*; starting without runtime overrides$/m,
         "$what: [error] naming the file and the reason");
    unlike($log, qr/\[(?:emerg|alert|crit)\]/, "$what: nothing worse than [error]");
    my $r = http_get('/ktp/a');
    is($r->{status}, 200, "$what: nginx serves, ktp proxied");
    is(http_get('/s1')->{status}, 200, "$what: s1 proxied");
    is(http_get('/kk')->{status}, 503, "$what: kk as in its manifest");
    is(override_of('dukcapil/ktp'), undef, "$what: no override");
    is(slurp_file($path), $content, "$what: the damaged file is left as it was");
    # a new change writes a good file again
    put('dukcapil/s2', '{"status": "maintenance"}');
    is(join(' ', sort keys %{ overrides_of() }), 'dukcapil/s2', "$what: a new change rewrites the file");
    admin('DELETE', 'services/dukcapil/s2/status');
}

# not a file at all
nginx_stop();
unlink $path;
mkdir $path or die "mkdir: $!";
start_nginx();
like(error_log_text(), qr/\[error\] \d+#\d+: catalog: state file "\Q$path\E": is not a regular file; starting without runtime overrides$/m,
     'a directory: [error]');
is(http_get('/ktp')->{status}, 200, 'a directory: nginx serves');
rmdir $path;
--- error_log eval
[qr/\[error\] .*catalog: state file .*is not a regular file/]
--- no_error_log eval
[qr/ktk-/]



=== TEST 3: invalid entries are skipped with a [warn] and counted, the good ones restored
--- timeout: 20
--- perl
fresh_state();
my $now = time;
my $until = utc($now + 3600);
my $past = utc($now - 3600);
my $at = utc($now - 60);
my $e = sub {
    my (%f) = @_;
    my %d = (service => 'dukcapil/ktp', status => 'maintenance', message => undef,
             until => undef, updated_at => $at, updated_by => 'ops-root', %f);
    return '{' . join(', ', map {
        my $v = $d{$_};
        "\"$_\": " . (!defined $v ? 'null' : ref $v ? $$v : JSON::PP->new->encode([$v]) =~ s/^\[|\]$//gr)
    } grep { exists $d{$_} && !(ref $d{$_} && ${ $d{$_} } eq 'ABSENT') } sort keys %d) . '}';
};
my $ABSENT = \'ABSENT';
my @entries = (
    $e->(service => 'dukcapil/ktp', message => 'dipulihkan', until => $until),   # good
    $e->(service => 'dukcapil/s0', status => 'active'),                          # good
    $e->(service => 'dukcapil/s1', status => 'paused'),                           # bad status
    $e->(service => 'dukcapil/s2', colour => 'red'),                              # unknown key
    $e->(service => 'dukcapil/s3', message => 'x' x 501),                         # too long
    $e->(service => 'dukcapil/s4', until => 'besok'),                             # bad until
    $e->(service => 'dukcapil/s5', status => 'active', message => 'aktif'),       # message with active
    $e->(service => 'dukcapil/s6', updated_at => $ABSENT),                        # no updated_at
    $e->(service => 'dukcapil/s7', updated_by => 'ops dukcapil'),                 # bad name
    $e->(service => 'dukcapil/s8', message => "a\x01b"),                          # control character
    $e->(service => 'Dukcapil/S9'),                                               # bad key
    $e->(service => 'dukcapil/ktp', message => 'kedua'),                          # duplicate
    '"not an object"',                                                            # not an object
    $e->(service => 'dukcapil/s9', until => $past),                               # expired: fine, ignored
    $e->(service => 'dukcapil/hilang'),                                           # unknown service: dropped
    $e->(service => 'dukcapil/lama'),                                             # retired: dropped
    $e->(service => 'imigrasi/paspor', message => 'paspor', updated_by => $ABSENT), # good, no updated_by
);
spew_file(state_path(), "{\"version\": 1, \"overrides\": [\n" . join(",\n", @entries) . "\n]}\n");
start_nginx();
my $log = error_log_text();
like($log, qr/\[warn\] \d+#\d+: catalog: state file "\Q${\ state_path()}\E": overrides\[2\]: skipped: invalid status "paused"; 11 invalid entries ignored$/m,
     '[warn]: the first invalid entry described, 11 counted');
unlike($log, qr/\[error\]/, 'no [error]');

my $p = http_get('/ktp');
is($p->{status}, 503, 'ktp restored');
like($p->{body}, qr{<p class="msg">dipulihkan</p>}, 'ktp: its message, not the duplicate');
like(scalar $p->header('Retry-After'), qr/^3[56]\d\d$/, 'ktp: Retry-After');
my $o = override_of('dukcapil/ktp');
(my $at_ms = $at) =~ s/Z\z/.000Z/;
is($o->{updated_at}, $at_ms, 'ktp: updated_at as in the file, to the millisecond');
is($o->{updated_by}, 'ops-root', 'ktp: updated_by as in the file');
is(http_get('/s0')->{status}, 200, 's0 restored (active)');
is(override_of('dukcapil/s0')->{status}, 'active', 's0: an active override');
for my $n (1 .. 9) {
    is(http_get("/s$n")->{status}, 200, "s$n: not restored");
    is(override_of("dukcapil/s$n"), undef, "s$n: no override");
}
is(http_get('/lama')->{status}, 410, 'lama still retired');
$p = http_get('/paspor');
is($p->{status}, 503, 'paspor restored');
like($p->{body}, qr{<p class="msg">paspor</p>}, 'paspor: its message');
is(override_of('imigrasi/paspor')->{updated_by}, undef, 'paspor: updated_by null');

# the next change writes what is in force, nothing else
put('dukcapil/s1', '{"status": "maintenance"}');
is(join(' ', sort keys %{ overrides_of() }),
   'dukcapil/ktp dukcapil/s0 dukcapil/s1 imigrasi/paspor',
   'rewritten with the overrides in force only');
--- error_log
invalid entries ignored
--- no_error_log eval
[qr/\[error\]/, qr/ktk-/]



=== TEST 4: a missing state file is fine; a missing directory is an [error] and a 500 on every change
--- timeout: 20
--- perl
fresh_state();
start_nginx();
my $log = error_log_text();
unlike($log, qr/\[(?:warn|error)\]/, 'no state file: nothing logged at start');
like(error_log_text(), qr/start worker process/, 'nginx started');
is(http_get('/ktp')->{status}, 200, 'serves');
put('dukcapil/ktp', '{"status": "maintenance"}');
ok(-f state_path(), 'the first change creates the file');

# a directory that does not exist
my $nodir = keep() . '/tidak-ada/state.json';
start_nginx(state => $nodir);
unlike(error_log_text(), qr/\[(?:warn|error)\]/, 'a missing directory: nothing logged at start');
my $r = admin('PUT', 'services/dukcapil/s3/status', body => '{"status": "maintenance"}');
# each worker writes its own PATH.PID, then renames it over PATH
like(error_log_text(), qr/\[error\] \d+#\d+: \*\d+ catalog: state file "\Q$nodir\E\.\d+": cannot open "\Q$nodir\E\.\d+\.tmp": No such file or directory/,
     'the change: [error] naming the file');
is($r->{status}, 500, 'the client is told: 500');
is(scalar $r->header('Content-Type'), 'application/json; charset=utf-8',
   'as JSON');
is($r->{body}, '{"error": {"code": 500, "message": "the change is in '
    . 'force, but the state file could not be written: a restart would '
    . 'lose it"}}', 'saying what happened');
is(http_get('/s3')->{status}, 503, 'the change is in force all the same');
--- error_log eval
[qr/\[error\] .*cannot open ".*tidak-ada\/state\.json\.\d+\.tmp"/]
--- no_error_log eval
[qr/ktk-/]



=== TEST 5: two workers write one file: every change is in it after a restart
--- timeout: 30
--- perl
fresh_state();
start_nginx(workers => 2);
my $port = backend_port(2);   # reuseport: the changes go to both workers
for my $n (0 .. 9) {
    put("dukcapil/s$n", "{\"status\": \"maintenance\", \"message\": \"s$n\"}", port => $port);
}
is(join(' ', sort keys %{ overrides_of() }), join(' ', map { "dukcapil/s$_" } 0 .. 9),
   'ten overrides in the file');
admin('DELETE', "services/dukcapil/s$_/status", port => $port) for 0, 5;
start_nginx(workers => 2);
for my $n (0 .. 9) {
    my $p = http_get("/s$n");
    if ($n == 0 || $n == 5) {
        is($p->{status}, 200, "s$n: cleared before the restart");
    } else {
        is($p->{status}, 503, "s$n: restored");
        like($p->{body}, qr{<p class="msg">s$n</p>}, "s$n: its message");
    }
}
--- no_error_log eval
[qr/\[(?:warn|error)\]/, qr/ktk-/]



=== TEST 6: a restart with changed manifests: a removed or retired service loses its override
--- timeout: 20
--- perl
fresh_state();
start_nginx();
put('dukcapil/ktp', '{"status": "maintenance", "message": "tetap"}');
put('dukcapil/s0', '{"status": "maintenance", "message": "dihapus"}');
put('dukcapil/s1', '{"status": "maintenance", "message": "dipensiunkan"}');
my %m = %::MANIFEST;
$m{'dukcapil.json'} =~ s/\{"id": "s0"[^\n]*\n//;
$m{'dukcapil.json'} =~ s/("id": "s1",[^\n]*?)"backends": \[[^\]]*\]\}/$1"status": "retired"}/;
start_nginx(manifests => \%m);
is(http_get('/s0')->{status}, 404, 's0 is gone');
is(http_get('/s1')->{status}, 410, 's1 is retired');
like(http_get('/ktp')->{body}, qr{<p class="msg">tetap</p>}, 'ktp keeps its override');
unlike(error_log_text(), qr/\[(?:warn|error)\]/, 'nothing to warn about');
# the next change writes the overrides in force: s0 and s1 are not
put('dukcapil/s2', '{"status": "maintenance"}');
is(join(' ', sort keys %{ overrides_of() }), 'dukcapil/ktp dukcapil/s2',
   'the file keeps only the overrides in force');
--- no_error_log eval
[qr/\[(?:warn|error)\]/, qr/ktk-/]



=== TEST 7: an expired override in the file is ignored at start
--- timeout: 20
--- perl
fresh_state();
start_nginx();
my $until = time + 2;
put('dukcapil/ktp', '{"status": "maintenance", "until": "' . utc($until) . '"}');
nginx_stop();
Time::HiRes::sleep(0.2) while time <= $until;
start_nginx();
is(http_get('/ktp')->{status}, 200, 'the override expired while nginx was down');
is(override_of('dukcapil/ktp'), undef, 'no override');
--- no_error_log eval
[qr/\[(?:warn|error)\]/, qr/ktk-/]



=== TEST 8: a reload that makes a new zone (another size) restores the overrides from the state file
--- timeout: 20
--- perl
fresh_state();
start_nginx(extra_http => "    catalog_zone size=1m;\n");
put('dukcapil/ktp', '{"status": "maintenance", "message": "lewat berkas"}');
nginx_write_config(http_config => $::HTTP_CONFIG . "    catalog_state_file ${\ state_path()};\n"
                                . "    catalog_zone size=2m;\n");
is(nginx_reload(), 1, 'reload with catalog_zone size=2m');
my $p = http_get('/ktp');
is($p->{status}, 503, 'the override is back in the new zone');
like($p->{body}, qr{<p class="msg">lewat berkas</p>}, 'with its message');
is(override_of('dukcapil/ktp')->{message}, 'lewat berkas', 'the admin API has it');
--- no_error_log eval
[qr/\[(?:warn|error)\]/, qr/ktk-/]



=== TEST 9: catalog_state_file: once, in http only, one argument; relative to the configuration
--- perl
my $conf = servroot() . '/conf/nginx.conf';
for my $c (["    catalog_state_file a.json;\n    catalog_state_file b.json;\n", '',
            qr/"catalog_state_file" directive is duplicate in \Q$conf\E:\d+/],
           ['', "    catalog_state_file a.json;\n",
            qr/"catalog_state_file" directive is not allowed here in \Q$conf\E:\d+/],
           ["    catalog_state_file;\n", '',
            qr/invalid number of arguments in "catalog_state_file" directive/]) {
    my ($http, $srv, $re) = @$c;
    nginx_write_config(http_config => $http, config => $srv);
    my ($rc, $out) = nginx_test_config();
    isnt($rc, 0, 'nginx -t fails');
    like($out, $re, "message: $re");
}
# a relative path: under the configuration directory
fresh_state();
start_nginx(state => 'catalog-state.json');
put('dukcapil/ktp', '{"status": "maintenance"}');
ok(-f servroot() . '/conf/catalog-state.json', 'written next to nginx.conf');



=== TEST 10: concurrent changes through two workers: the file ends up with every override in force
--- timeout: 60
--- perl
fresh_state();
start_nginx(workers => 2);
my $port = backend_port(2);   # reuseport: the changes go to both workers
my @keys = ((map { "dukcapil/s$_" } 0 .. 9), 'dukcapil/ktp', 'imigrasi/paspor');
my $auth = "Authorization: Bearer $::TOK{root}";
my $bad = 0;
for my $round (1 .. 8) {
    # every request on its own connection, all sent before any answer is read
    my @socks;
    for my $i (0 .. $#keys) {
        my $key = $keys[$i];
        my $body = ($round + $i) % 3 == 0 ? '{"status": "active"}'
                 : "{\"status\": \"maintenance\", \"message\": \"r$round $key\"}";
        my $req = ($round + $i) % 4 == 0
            ? "DELETE /-/catalog/admin/services/$key/status HTTP/1.1\r\nHost: localhost\r\n$auth\r\nConnection: close\r\n\r\n"
            : "PUT /-/catalog/admin/services/$key/status HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
            . "Content-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body";
        my $s = IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $port, Proto => 'tcp')
            or die "connect: $@";
        push @socks, [$s, $req];
    }
    syswrite $_->[0], $_->[1] for @socks;
    for my $sk (@socks) {
        my $s = $sk->[0];
        my $all = '';
        my $sel = IO::Select->new($s);
        while ($sel->can_read(10)) { last unless sysread $s, $all, 65536, length $all }
        $bad++ unless $all =~ m{^HTTP/1\.1 200 };
    }
    # the file must say what the zone says
    my $file = ::overrides_of();
    for my $key (@keys) {
        my $zone = ::override_of($key);
        my $want = defined $zone ? "$zone->{status} " . ($zone->{message} // '-') : 'none';
        my $f = $file->{$key};
        my $got = defined $f ? "$f->{status} " . ($f->{message} // '-') : 'none';
        is($got, $want, "round $round: $key in the file as in force");
    }
}
is($bad, 0, 'every change answered 200');
--- no_error_log eval
[qr/\[(?:warn|error)\]/, qr/ktk-/]



=== TEST 11: an ETag of the catalog API is never reused for another state after a restart
--- timeout: 20
--- perl
# without a state file a restart starts from the manifests again
fresh_state();
start_nginx(state => undef);
put('dukcapil/kk', '{"status": "active"}');
my $r = http_get('/api/catalog/services/dukcapil/kk');
like($r->{body}, qr/"status": "active"/, 'kk active');
my $etag = $r->header('ETag');
start_nginx(state => undef);
put('dukcapil/ktp', '{"status": "maintenance"}');
$r = http_get('/api/catalog/services/dukcapil/kk');
like($r->{body}, qr/"status": "maintenance"/, 'after the restart kk is in maintenance again');
{
    # KNOWN BUG: the ETag is "VERSION-GENERATION" and the generation starts
    # at 0 in every new zone (restart, or a reload that changes its size),
    # so the first change after a restart brings back an ETag that meant
    isnt($r->header('ETag'), $etag, 'another state, another ETag');
    is(http_get('/api/catalog/services/dukcapil/kk',
                headers => ["If-None-Match: $etag"])->{status}, 200,
       'the old ETag does not get 304');
}
--- no_error_log eval
[qr/\[(?:warn|error)\]/, qr/ktk-/]
