# catalog_redis when Redis misbehaves: stopped (SIGSTOP) under load, killed
# and restarted, restarted empty, a server that answers garbage or nothing,
# wrong credentials (password, ACL user, db), a reply of several MiB, and
# a restart of a node with Redis down (the state file, then the merge).
# Requests never wait for Redis; the nodes log what went wrong and
# reconnect with backoff.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/082-redis-failures.t
#
# Every block starts from a fresh redis-server on the same port
# (fresh_redis) and its own nodes (start_a, start_b).

use lib 'lib';
use Test::Catalog;
use Test::CatalogRedis;

use File::Path ();
use JSON::PP ();
use POSIX ();

redis_start();

# an empty redis-server on the same port, with these options only
sub fresh_redis {
    my (%o) = @_;
    redis_stop() if redis_running();
    redis_start(port => redis_port(), %o);
}

sub elapsed {
    my ($code) = @_;
    my $t0 = Time::HiRes::time();
    my @r = $code->();
    return (Time::HiRes::time() - $t0, @r);
}

# a file under keep-a/ (kept across start_a)
sub keep_file {
    my ($name, $data) = @_;
    my $path = keep_dir() . "/$name";
    spew_file($path, $data);
    return $path;
}

# A's config with other redis options, and a reload: 1 when it took
sub reload_a_with {
    my (%o) = @_;
    nginx_write_config(http_config => http_a(dir => keep_dir(), %o));
    return nginx_reload(timeout => 10);
}

# none of @secrets in A's log, status and metrics
sub no_secret {
    my ($what, @secrets) = @_;
    my $status = http_get('/-/catalog/status')->{body} // '';
    my $metrics = metrics_text();
    my $log = error_log_text();
    for my $s (@secrets) {
        unlike($log, qr/\Q$s\E/, "$what: \"$s\" is not in the error log");
        unlike($status, qr/\Q$s\E/, "$what: \"$s\" is not in the status JSON");
        unlike($metrics, qr/\Q$s\E/, "$what: \"$s\" is not in the metrics");
    }
}

# A's log lines about Redis (for a failure's diagnostics)
sub redis_lines {
    my ($log) = @_;
    return join "\n", grep { /catalog redis/ } split /\n/, $log // error_log_text();
}

# accept times grouped by attempt: the connections of one attempt (one
# for commands, one for pub/sub) come within 100 ms
sub attempts {
    my @t = @_;
    my @a;
    for my $t (@t) {
        push @a, $t unless @a && $t - $a[-1] < 0.1;
    }
    return @a;
}

sub routing_works {
    my ($what, @port) = @_;
    my ($t, $r) = elapsed(sub { http_get('/dukcapil/kk/x', @port) });
    is("$r->{status} $r->{body}", "200 b1 /dukcapil/kk/x\n", "$what: routing answers");
    cmp_ok($t, '<', 0.5, "$what: at once (${\ sprintf '%.3f', $t} s)");
    my $api = api_service('dukcapil/kk', @port);
    is($api && $api->{id}, 'dukcapil/kk', "$what: the catalog API answers");
}

run_tests();

__DATA__

=== TEST 1: Redis stopped (SIGSTOP) while wrk drives requests through A: no error, no slow answer
--- timeout: 40
--- perl
ok(-x '/usr/bin/wrk' || grep({ -x "$_/wrk" } split /:/, $ENV{PATH} // ''),
   'wrk is installed (DEB_BENCH of the Makefile: make deps)');
fresh_redis();
ok(defined start_a(redis_opts => { timeout => '2s' }, config_extra => "    access_log off;\n"),
   'A synced (timeout=2s)');
ok(defined start_b(), 'B synced');
my $w = wrk_start('http://127.0.0.1:' . server_port() . '/dukcapil/ktp/x',
                  connections => 8, duration => '3s');
ok(defined wait_until(3, sub { ((status_json() // {})->{requests}{proxy} // 0) > 100 }),
   'wrk is running');
redis_pause();
my $paused = Time::HiRes::time();
# while Redis is stopped: the admin API, the status, the catalog API
my ($t, $r) = elapsed(sub { put_status('imigrasi/paspor', 'Saat Redis berhenti') });
is($r->{status}, 200, 'a PUT through A while Redis is stopped');
cmp_ok($t, '<', 0.5, sprintf('answered at once (%.3f s)', $t));
is(page_message(http_get('/imigrasi/paspor')), 'Saat Redis berhenti', 'A serves it at once');
($t, $r) = elapsed(sub { http_get('/-/catalog/status') });
is($r->{status}, 200, 'the status while Redis is stopped');
cmp_ok($t, '<', 0.5, sprintf('answered at once (%.3f s)', $t));
($t, $r) = elapsed(sub { http_get('/api/catalog/services') });
is($r->{status}, 200, 'the catalog API while Redis is stopped');
cmp_ok($t, '<', 0.5, sprintf('answered at once (%.3f s)', $t));
my $res = wrk_wait($w);
redis_resume();
diag(sprintf "Redis stopped for %.2f s; wrk: %s requests, max latency %s ms, p99 %s ms, non-2xx/3xx %d, socket errors %s",
     Time::HiRes::time() - $paused, $res->{requests} // '?', $res->{max_latency_ms} // '?',
     $res->{p99_ms} // '?', $res->{non2xx3xx},
     join(' ', map { "$_ $res->{socket_errors}{$_}" } sort keys %{ $res->{socket_errors} }));
is($res->{rc}, 0, 'wrk ran') or diag($res->{raw});
cmp_ok($res->{requests} // 0, '>', 1000, 'wrk got answers');
is($res->{non2xx3xx}, 0, 'no non-2xx/3xx answer');
is_deeply($res->{socket_errors}, { connect => 0, read => 0, write => 0, timeout => 0 }, 'no socket error');
cmp_ok($res->{max_latency_ms} // 1e9, '<', 500, 'max latency below 500 ms (Redis timeout 2 s)');
# back: the change made meanwhile reaches B
$t = wait_served('/imigrasi/paspor', 'Saat Redis berhenti', b(), timeout => 12);
ok(defined $t, "after SIGCONT B serves the change made while Redis was stopped (after ${\ ($t // 'never')} s)");
ok(defined wait_synced(server_port(), 12), 'A synced again');
is(hash_of('imigrasi/paspor')->{message}, 'Saat Redis berhenti', 'Redis has it');
my @lines = grep { /catalog redis:/ } split /\n/, error_log_text();
diag("A's log about Redis:\n" . join("\n", @lines));
finish_b();
--- no_error_log
[error]



=== TEST 2: Redis killed: A keeps routing and changing; the change reaches Redis when it is back, then B
--- timeout: 40
--- perl
fresh_redis();
ok(defined start_a(), 'A synced');
ok(defined start_b(), 'B synced');
my $port = redis_port();
is(put_status('dukcapil/ktp', 'Sebelum mati')->{status}, 200, 'PUT ktp');
ok(defined wait_served('/dukcapil/ktp', 'Sebelum mati', b(), timeout => 3), 'B has it');
my $off = length error_log_text();
my $killed = now_ms();
redis_kill();
my $t = wait_log(3, qr/\[notice\] \d+#\d+: catalog redis: disconnected from 127\.0\.0\.1:$port: \S/,
                 \&error_log_text, $off);
ok(defined $t, "A logs the disconnection at notice (after ${\ ($t // 'never')} s)")
    or diag(log_since(error_log_text(), $off));
my ($line) = grep { /disconnected from/ } split /\n/, log_since(error_log_text(), $off);
diag("A: $line") if $line;

routing_works('Redis killed');
my ($tp, $r) = elapsed(sub { put_status('imigrasi/paspor', 'Selama mati') });
is($r->{status}, 200, 'Redis killed: a PUT through A');
cmp_ok($tp, '<', 0.5, sprintf('Redis killed: answered at once (%.3f s)', $tp));
is(page_message(http_get('/imigrasi/paspor')), 'Selama mati', 'Redis killed: A serves it');
is(http_get('/imigrasi/paspor', b())->{status}, 200, 'Redis killed: B cannot know it');
my $s = redis_status_of();
ok(JSON::PP::is_bool($s->{connected}) && !$s->{connected}, 'status: connected false');
my $since = parse_rfc3339($s->{since});
ok(defined $since && $since >= $killed - 1500 && $since <= now_ms(), "status: since $s->{since} (when it went down)");
is(metric(metrics_text(), 'catalog_redis_up'), 0, 'catalog_redis_up 0');

# back, empty, on the same port
redis_start(port => $port);
my $back = Time::HiRes::time();
$t = wait_until(12, sub {
    (hash_of('imigrasi/paspor')->{message} // '') eq 'Selama mati'
    && (hash_of('dukcapil/ktp')->{message} // '') eq 'Sebelum mati';
});
ok(defined $t, "A wrote its overrides to the new Redis (after ${\ ($t // 'never')} s)");
$t = wait_served('/imigrasi/paspor', 'Selama mati', b(), timeout => 12);
ok(defined $t, sprintf('B serves the change made while Redis was down (%.3f s after Redis came back)',
                       Time::HiRes::time() - $back));
is_deeply(override_of('imigrasi/paspor', b()), override_of('imigrasi/paspor'), 'the same override on both');
ok(defined wait_synced(server_port(), 3), 'A connected');
$s = redis_status_of();
is($s->{reconnects}, 1, "status: reconnects 1 (connections after the first)");
ok((parse_rfc3339($s->{since}) // 0) >= int($back * 1000) - 1000, "status: since $s->{since} (connected again)");
my $m = metrics_text();
is(metric($m, 'catalog_redis_up'), 1, 'catalog_redis_up 1');
is(metric($m, 'catalog_redis_reconnects_total'), 1, "catalog_redis_reconnects_total 1");
my @pids = connected_pids(error_log_text());
cmp_ok(scalar @pids, '>=', 2, 'A logged a new "connected" line');
finish_b();
--- no_error_log
[error]



=== TEST 3: Redis restarted empty: every node writes its overrides back within a few seconds
--- timeout: 30
--- perl
fresh_redis();
ok(defined start_a(), 'A synced');
ok(defined start_b(), 'B synced');
is(put_status('dukcapil/ktp', 'Dari A')->{status}, 200, 'PUT ktp through A');
is(put_status('dukcapil/kk', 'Dari B', port => node_b_port(), as => 'dukcapil')->{status}, 200, 'PUT kk through B');
ok(defined wait_served('/dukcapil/kk', 'Dari B', timeout => 3), 'A has kk');
ok(defined wait_served('/dukcapil/ktp', 'Dari A', b(), timeout => 3), 'B has ktp');
my %before = map { $_ => hash_of($_) } qw(dukcapil/ktp dukcapil/kk);
redis_stop();
redis_start(port => redis_port());
my $t0 = Time::HiRes::time();
diag('keys right after the restart: ' . scalar(@{ redis_cmd('KEYS', '*') || [] }));
my $t = wait_until(10, sub {
    for my $k (keys %before) {
        my $h = hash_of($k);
        return 0 unless ($h->{updated_at} // '') eq $before{$k}{updated_at};
    }
    return 1;
});
ok(defined $t, "the overrides are back in Redis after ${\ ($t // 'never')} s");
cmp_ok($t // 99, '<', 5, 'within a few seconds');
is_deeply(hash_of($_), $before{$_}, "$_: exactly as before") for sort keys %before;
$t = wait_until(3, sub { redis_cmd('EXISTS', 'catalog:nodes:node-a') && redis_cmd('EXISTS', 'catalog:nodes:node-b') });
ok(defined $t, 'nodes:node-a and nodes:node-b are back');
is(page_message(http_get('/dukcapil/kk')), 'Dari B', 'A still serves kk');
is(page_message(http_get('/dukcapil/ktp', b())), 'Dari A', 'B still serves ktp');
# and the channel works again
is(put_status('imigrasi/paspor', 'Setelah kosong')->{status}, 200, 'a new PUT through A');
ok(defined wait_served('/imigrasi/paspor', 'Setelah kosong', b(), timeout => 3), 'reaches B');
finish_b();
--- no_error_log
[error]



=== TEST 4: a server that answers garbage: protocol error, reconnects with a growing backoff
--- timeout: 30
--- perl
my $fs = fake_server('garbage');
my $port = $fs->{port};
start_a(redis_opts => { addr => "127.0.0.1:$port" }, wait => 0, flush => 0);
my $t = wait_until(9, sub { attempts(fake_server_accepts($fs)) >= 5 });
my @acc = attempts(fake_server_accepts($fs));
ok(defined $t, '5 attempts within 9 s') or diag("accepts: @acc");
diag('connections per attempt: ' . sprintf('%.1f', scalar(fake_server_accepts($fs)) / (@acc || 1)));
my @gaps = map { $acc[$_] - $acc[$_ - 1] } 1 .. $#acc;
diag('reconnect gaps: ' . join(' ', map { sprintf '%.3f', $_ } @gaps) . ' s');
ok(@gaps >= 4, 'four gaps measured');
cmp_ok($gaps[0] // 0, '>=', 0.4, 'the first retry waits about 0.5 s');
cmp_ok($gaps[0] // 99, '<=', 1.0, 'not much more');
cmp_ok($gaps[3] // 0, '>', 2 * ($gaps[0] // 99), 'the backoff grows');
ok(!grep({ $_ > 11 } @gaps), 'never above 10 s');
my $log = error_log_text();
# "cannot connect" (the handshake failed) or "disconnected" (it had
# worked): either names the address and the reason
like($log, qr/\[error\] \d+#\d+: catalog redis: (?:disconnected from|cannot connect to) 127\.0\.0\.1:$port: .*protocol error/i,
     'an [error]: cannot connect / disconnected ... protocol error') or diag(redis_lines($log));
my $n = () = $log =~ /protocol error/gi;
my $all = fake_server_accepts($fs);
cmp_ok($n, '<=', $all + 1, "no flood: at most a line per connection ($n lines, $all connections, "
       . scalar(@acc) . ' attempts)');
routing_works('garbage server');
my $s = redis_status_of();
ok($s->{configured}, 'status: configured');
ok(!$s->{connected}, 'status: not connected');
is($s->{last_sync}, undef, 'status: never synced');
cmp_ok($s->{errors}, '>=', 1, "status: errors $s->{errors}");
is(metric(metrics_text(), 'catalog_redis_up'), 0, 'catalog_redis_up 0');
my ($ts, $problem) = elapsed(sub { nginx_stop(2) });
is($problem, '', sprintf('nginx -s quit while reconnecting to the garbage server: %.3f s', $ts));
fake_server_stop($fs);
--- error_log eval
[qr/protocol error/i]
--- no_error_log
open socket #



=== TEST 5: a server that accepts and never answers: timed out; a closed port: refused; routing is not held up
--- timeout: 30
--- perl
my $fs = fake_server('silent');
my $port = $fs->{port};
my $t0 = Time::HiRes::time();
start_a(redis_opts => { addr => "127.0.0.1:$port" }, wait => 0, flush => 0);
ok(defined wait_until(2, sub { fake_server_accepts($fs) >= 1 }), 'A connected to the silent server');
for my $i (1 .. 5) { routing_works("silent server ($i)") }
my $t = wait_log(4, qr/\[notice\] \d+#\d+: catalog redis: (?:disconnected from|cannot connect to) 127\.0\.0\.1:$port: .*timed out/,
                 \&error_log_text, 0);
ok(defined $t, 'a [notice]: cannot connect / disconnected ... timed out') or diag(redis_lines());
my $took = Time::HiRes::time() - $t0;
diag(sprintf 'timed out after %.3f s (timeout=1s)', $took);
cmp_ok($took, '<', 3.5, 'after about the timeout');
ok(defined wait_until(4, sub { fake_server_accepts($fs) >= 2 }), 'and tries again');
my $s = redis_status_of();
ok(!$s->{connected}, 'status: not connected');
is($s->{last_sync}, undef, 'status: never synced');
cmp_ok($s->{errors}, '>=', 1, "status: errors $s->{errors}");
fake_server_stop($fs);

# nothing listens
my $closed = free_port();
start_a(redis_opts => { addr => "127.0.0.1:$closed" }, wait => 0, flush => 0);
$t = wait_log(3, qr/catalog redis: .*127\.0\.0\.1:$closed.*(?:refused|Connection refused)/i, \&error_log_text, 0);
ok(defined $t, 'a closed port: "Connection refused" logged');
my ($line) = grep { /refused/i } split /\n/, error_log_text();
diag("closed port: $line") if $line;
unlike($line // '', qr/\[(?:alert|crit|emerg)\]/, 'not worse than [error]');
routing_works('closed port');
ok(!redis_status_of()->{connected}, 'status: not connected');
--- no_error_log
open socket #



=== TEST 6: passwords: none, wrong, right (the first line of password_file); never in the log, the status or the metrics
--- timeout: 40
--- perl
my @secrets = ('Benar-Rahasia-082', 'Salah-Rahasia-082', 'baris kedua bukan sandi');
fresh_redis(requirepass => 'Benar-Rahasia-082');
my $wrong = keep_file('pw-wrong', "Salah-Rahasia-082\n");
my $right = keep_file('pw-right', "Benar-Rahasia-082\nbaris kedua bukan sandi\n");

# no password_file at all
start_a(wait => 0);
my $t = wait_log(3, qr/\[error\] \d+#\d+: catalog redis: .*NOAUTH/, \&error_log_text, 0);
ok(defined $t, 'no password: an [error] with NOAUTH')
    or diag(join "\n", grep { /catalog redis/ } split /\n/, error_log_text());
routing_works('no password');

# the wrong one
my $off = length error_log_text();
ok(reload_a_with(redis_opts => { params => "password_file=$wrong" }), 'reload with the wrong password');
$t = wait_log(3, qr/\[error\] \d+#\d+: catalog redis: .*(?:WRONGPASS|invalid username-password pair)/,
              \&error_log_text, $off);
ok(defined $t, 'wrong password: an [error] with WRONGPASS')
    or diag(join "\n", grep { /catalog redis/ } split /\n/, error_log_text());
routing_works('wrong password');
my $s = redis_status_of();
ok(!$s->{connected}, 'wrong password: status: not connected');
is($s->{last_sync}, undef, 'wrong password: status: never synced');
cmp_ok($s->{errors}, '>=', 1, "wrong password: status: errors $s->{errors}");
no_secret('wrong password', @secrets);

# the right one, by a reload
ok(reload_a_with(redis_opts => { params => "password_file=$right" }), 'reload with the right password');
$t = wait_synced(server_port(), 5);
ok(defined $t, "right password: synced after ${\ ($t // 'never')} s");
is(put_status('dukcapil/ktp', 'Dengan sandi')->{status}, 200, 'PUT');
ok(defined wait_until(2, sub { (hash_of('dukcapil/ktp')->{message} // '') eq 'Dengan sandi' }),
   'right password: the change is in Redis');
my @clients = grep { /cmd=/ } split /\n/, redis_cmd('CLIENT', 'LIST');
diag("CLIENT LIST:\n" . join("\n", @clients));
no_secret('right password', @secrets);
--- no_error_log eval
[qr/Benar-Rahasia|Salah-Rahasia|baris kedua/]



=== TEST 7: ACL users: no right to EVAL/HGETALL (NOPERM), an unknown user, a good user
--- timeout: 40
--- perl
my @secrets = ('Terbatas-Rahasia-082', 'Pengguna-Rahasia-082', 'Admin-Rahasia-082');
fresh_redis(requirepass => 'Admin-Rahasia-082',
            acl => ['user catalog on >Pengguna-Rahasia-082 ~* &* +@all',
                    'user terbatas on >Terbatas-Rahasia-082 ~* &* +@all -eval -evalsha -hgetall -fcall']);
my $pw_lim = keep_file('pw-terbatas', "Terbatas-Rahasia-082\n");
my $pw_cat = keep_file('pw-catalog', "Pengguna-Rahasia-082\n");

start_a(redis_opts => { params => "user=terbatas password_file=$pw_lim" }, wait => 0);
# a status in Redis, so that a sync has something to read
redis_change('dukcapil/kk', { message => 'Untuk dibaca' });
my $t = wait_log(4, qr/\[error\] \d+#\d+: catalog redis: .*NOPERM/, \&error_log_text, 0);
ok(defined $t, 'a user without EVAL/HGETALL: an [error] with NOPERM')
    or diag(join "\n", grep { /catalog redis/ } split /\n/, error_log_text());
routing_works('NOPERM');
is(http_get('/dukcapil/kk')->{status}, 200, 'NOPERM: nothing read, kk proxied');
is(redis_status_of()->{last_sync}, undef, 'NOPERM: status: never synced');
no_secret('NOPERM', @secrets);

my $off = length error_log_text();
ok(reload_a_with(redis_opts => { params => "user=tidak-ada password_file=$pw_cat" }), 'reload with an unknown user');
$t = wait_log(3, qr/\[error\] \d+#\d+: catalog redis: .*(?:WRONGPASS|invalid username-password pair)/,
              \&error_log_text, $off);
ok(defined $t, 'an unknown user: an [error] with WRONGPASS');
routing_works('unknown user');

ok(reload_a_with(redis_opts => { params => "user=catalog password_file=$pw_cat" }), 'reload with the good user');
$t = wait_synced(server_port(), 5);
ok(defined $t, "the good user: synced after ${\ ($t // 'never')} s");
is(page_message(http_get('/dukcapil/kk')), 'Untuk dibaca', 'the good user: the status in Redis is read');
is(put_status('dukcapil/ktp', 'Sebagai catalog')->{status}, 200, 'PUT');
ok(defined wait_until(2, sub { (hash_of('dukcapil/ktp')->{message} // '') eq 'Sebagai catalog' }),
   'the good user: the change is in Redis');
my @mine = grep { /\buser=catalog\b/ } split /\n/, redis_cmd('CLIENT', 'LIST');
is(scalar @mine, 2, 'CLIENT LIST: two connections as user catalog') or diag(join "\n", @mine);
no_secret('the good user', @secrets);
--- no_error_log eval
[qr/Terbatas-Rahasia|Pengguna-Rahasia|Admin-Rahasia/]



=== TEST 8: db=99 on a Redis with 16 dbs: DB index is out of range; db=15 works
--- timeout: 30
--- perl
fresh_redis();
start_a(redis_opts => { params => 'db=99' }, wait => 0);
my $t = wait_log(3, qr/\[error\] \d+#\d+: catalog redis: .*DB index is out of range/, \&error_log_text, 0);
ok(defined $t, 'db=99: an [error] with "DB index is out of range"')
    or diag(join "\n", grep { /catalog redis/ } split /\n/, error_log_text());
routing_works('db=99');
ok(!redis_status_of()->{connected}, 'db=99: status: not connected');
is(put_status('dukcapil/ktp', 'db 99')->{status}, 200, 'db=99: the admin API works');
ok(reload_a_with(redis_opts => { params => 'db=15' }), 'reload with db=15');
ok(defined wait_synced(server_port(), 5), 'db=15: synced');
is(put_status('dukcapil/ktp', 'db 15')->{status}, 200, 'PUT');
ok(defined wait_until(2, sub { (hash_of('dukcapil/ktp', db => 15)->{message} // '') eq 'db 15' }),
   'db=15: the change is in db 15');
is(redis_cmd('EXISTS', 'catalog:status:dukcapil/ktp'), 0, 'and not in db 0');



=== TEST 9: a reply of several MiB: logged, the connection closed, memory does not grow, nothing served
--- timeout: 40
--- perl
fresh_redis();
ok(defined start_a(), 'A synced');
ok(defined start_b(), 'B synced');
my $port = redis_port();
my $owner = owner_pid(master_pid_a(), error_log_text());
ok($owner, "A's worker holding the Redis connections: $owner");
my $rss0 = worker_rss_kb($owner);
my $off = length error_log_text();
my $offb = length node_b_log();
my $big = qr/catalog redis: a reply from 127\.0\.0\.1:$port is larger than 1048576 bytes; closing the connection/;
# a node may also decline to fetch a value that large in the first place
my $big_or_skip = qr/$big|\[warn\] \d+#\d+: catalog redis: key "catalog:status:dukcapil\/ktp" skipped: larger than \d+ bytes/;
redis_ok('HSET', 'catalog:status:dukcapil/ktp', status => 'maintenance', message => 'x' x (6 << 20),
         until => '', updated_at => rfc3339_ms(), updated_by => '');
redis_ok('INCR', 'catalog:status:version');
redis_ok('PUBLISH', 'catalog:events', 'dukcapil/ktp');
my $t = wait_log(3, $big_or_skip, \&error_log_text, $off);
ok(defined $t, "A logs: a reply ... is larger than 1048576 bytes; closing the connection (or: skipped: larger than N bytes)")
    or diag(redis_lines(log_since(error_log_text(), $off)));
diag('A: ' . (log_since(error_log_text(), $off) =~ /^(.*$big_or_skip.*)$/m ? $1 : '-'));
ok(defined wait_log(3, $big_or_skip, \&node_b_log, $offb), 'B logs it too')
    or diag(redis_lines(log_since(node_b_log(), $offb)));
# whatever the node does next (resync, the same key again), watch its
# memory for a few rounds
my $max = $rss0;
my $t0 = Time::HiRes::time();
wait_until(5, sub {
    my $r = worker_rss_kb($owner) // 0;
    $max = $r if $r > $max;
    my $n = () = log_since(error_log_text(), $off) =~ /$big/g;
    # three rounds of closing and reconnecting, or 2.5 s (2 x interval
    # and more) of a node that does not fetch it again
    return $n >= 3 || ($n == 0 && Time::HiRes::time() - $t0 > 2.5);
});
my $n = () = log_since(error_log_text(), $off) =~ /$big/g;
diag("VmRSS of $owner: $rss0 kB before, at most $max kB after ($n large replies)");
cmp_ok($max - $rss0, '<', 20 * 1024, 'VmRSS grew by less than 20 MB');
ok(kill(0, $owner), 'the worker is alive');
for my $n (['A'], ['B', b()]) {
    my ($name, @port) = @$n;
    my $r = http_get('/dukcapil/ktp/x', @port);
    is("$r->{status} $r->{body}", "200 b1 /dukcapil/ktp/x\n", "$name: nothing served from it");
}
# gone again: the nodes recover
redis_ok('DEL', 'catalog:status:dukcapil/ktp');
is(put_status('dukcapil/kk', 'Setelah besar', port => node_b_port())->{status}, 200, 'a PUT through B');
$t = wait_served('/dukcapil/kk', 'Setelah besar', timeout => 12);
ok(defined $t, "A serves it after ${\ ($t // 'never')} s: it recovered");

# a channel message of 2 MiB
$off = length error_log_text();
redis_ok('PUBLISH', 'catalog:events', 'y' x (2 << 20));
$t = wait_log(3, $big, \&error_log_text, $off);
ok(defined $t, 'a message of 2 MiB on the channel: logged the same way');
$max = worker_rss_kb($owner) // 0;
cmp_ok($max - $rss0, '<', 20 * 1024, "VmRSS $max kB: still less than 20 MB above $rss0 kB");
is(put_status('dukcapil/akta', 'Setelah pesan besar', port => node_b_port())->{status}, 200, 'a PUT through B');
$t = wait_served('/dukcapil/akta', 'Setelah pesan besar', timeout => 12);
ok(defined $t, "A serves it after ${\ ($t // 'never')} s");
finish_b();
--- error_log eval
[qr/is larger than 1048576 bytes; closing the connection/]



=== TEST 10: A restarts with Redis down: the state file's overrides; then the merge, newest wins both ways
--- timeout: 60
--- perl
fresh_redis();
my $state = keep_dir() . '/state/catalog-state.json';
File::Path::remove_tree(keep_dir() . '/state');
File::Path::make_path(keep_dir() . '/state');
ok(defined start_a(state => $state), 'A synced (with catalog_state_file)');
ok(defined start_b(), 'B synced');
is(put_status('dukcapil/ktp', 'A1')->{status}, 200, 'PUT ktp A1 through A');
is(put_status('dukcapil/kk', 'A-kk')->{status}, 200, 'PUT kk A-kk through A');
ok(defined wait_served('/dukcapil/kk', 'A-kk', b(), timeout => 3), 'B has kk');
ok(defined wait_served('/dukcapil/ktp', 'A1', b(), timeout => 3), 'B has ktp');

# A stops; B changes ktp (newer than A's); Redis stops, saving
is(nginx_stop(), '', 'A stopped');
is(put_status('dukcapil/ktp', 'B-baru', port => node_b_port())->{status}, 200, 'PUT ktp B-baru through B');
ok(defined wait_until(2, sub { (hash_of('dukcapil/ktp')->{message} // '') eq 'B-baru' }), 'Redis has B-baru');
redis_stop(save => 1);

# A starts with Redis down: what its state file says
start_a(state => $state, flush => 0, wait => 0);
is(page_message(http_get('/dukcapil/ktp')), 'A1', 'Redis down: A serves ktp A1 from its state file');
is(page_message(http_get('/dukcapil/kk')), 'A-kk', 'Redis down: A serves kk A-kk');
ok(!redis_status_of()->{connected}, 'status: not connected');
# and changes kk and paspor meanwhile (newer than anything in Redis)
is(put_status('dukcapil/kk', 'A-kk-baru')->{status}, 200, 'PUT kk A-kk-baru through A');
is(put_status('imigrasi/paspor', 'A-paspor')->{status}, 200, 'PUT paspor through A');

# Redis comes back with its data
redis_start(port => redis_port(), keep => 1);
# Redis came back with the old kk (A-kk); A may already have written its
# newer one over it when this looks, so its data is not checked here:
# the merge below is, both ways
my $t0 = Time::HiRes::time();
my $t = wait_served('/dukcapil/ktp', 'B-baru', timeout => 12);
ok(defined $t, "A takes the newer ktp from Redis (B-baru) after ${\ ($t // 'never')} s");
$t = wait_until(12, sub {
    (hash_of('dukcapil/kk')->{message} // '') eq 'A-kk-baru'
    && (hash_of('imigrasi/paspor')->{message} // '') eq 'A-paspor';
});
ok(defined $t, "A's newer kk and its paspor replace Redis's (after ${\ ($t // 'never')} s)");
is(hash_of('dukcapil/ktp')->{message}, 'B-baru', 'Redis keeps the newer ktp');
for my $k (['dukcapil/kk', 'A-kk-baru'], ['imigrasi/paspor', 'A-paspor'], ['dukcapil/ktp', 'B-baru']) {
    my ($key, $msg) = @$k;
    ok(defined wait_served("/$key", $msg, b(), timeout => 12), "B serves $key: $msg");
    my $oa = override_of($key);
    is_deeply(override_of($key, b()), $oa, "$key: the same override on A and B");
    is(hash_of($key)->{updated_at}, $oa->{updated_at}, "$key: and in Redis");
}
diag(sprintf 'merge done %.3f s after Redis came back', Time::HiRes::time() - $t0);
# what A took from Redis is in its state file too
$t = wait_until(3, sub {
    my $j = eval { JSON::PP->new->decode(slurp_file($state) // '') } or return 0;
    my ($o) = grep { $_->{service} eq 'dukcapil/ktp' } @{ $j->{overrides} || [] };
    return $o && ($o->{message} // '') eq 'B-baru';
});
ok(defined $t, "A's state file has ktp B-baru (what it serves)");
finish_b();
