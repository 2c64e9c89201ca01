# catalog_redis and nginx's processes: one worker holds the Redis
# connections (one for commands, one for pub/sub) whatever worker_processes
# says; a change made through any worker is shared; the owner killed, a
# reload and a quit, while connected and while Redis is down or hanging.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/083-redis-workers.t
#
# The owner worker is killed on node B (the second nginx), whose log this
# file checks itself: the harness fails any block whose log says "exited
# on signal".

use lib 'lib';
use Test::Catalog;
use Test::CatalogRedis;

use POSIX ();

redis_start();

# node A's test server again on BACKEND2_PORT with reuseport: the kernel
# spreads new connections over the workers
sub spread_server {
    return "    server {\n        listen 127.0.0.1:\$TEST_NGINX_BACKEND2_PORT reuseport;\n"
         . config_common() . "    }\n";
}
sub spread { return (port => backend_port(2)) }

sub ensure_redis { redis_restart() unless redis_running() }

# {pid => connections} of a master's workers, when exactly one worker
# holds exactly 2: (pid, 1); else (undef, 0)
sub one_owner {
    my ($master) = @_;
    my $c = redis_conns_of($master);
    my @p = keys %$c;
    return (@p == 1 && $c->{ $p[0] } == 2) ? ($p[0], 1) : (undef, 0);
}

# SIGHUP to $master; seconds until new workers run and none of the old
# ones is left (undef after $timeout)
sub reload_and_time {
    my ($master, $log, $workers, $timeout) = @_;
    my @old = children_of($master);
    my $off = length $log->();
    kill 'HUP', $master;
    return wait_until($timeout, sub {
        my $started = () = log_since($log->(), $off) =~ /start worker process \d+/g;
        my %now = map { $_ => 1 } children_of($master);
        return $started >= $workers && !grep { $now{$_} } @old;
    }, 0.01);
}

# every one of $n requests to PATH (on %port) is 503 with MESSAGE; the
# X-Worker pids seen
sub all_serve {
    my ($path, $msg, $n, %port) = @_;
    my (%pids, $bad);
    for (1 .. $n) {
        my $r = http_get($path, %port);
        $pids{ $r->header('X-Worker') // 'none' }++;
        $bad++ unless (page_message($r) // "\0") eq $msg;
    }
    return (!$bad, \%pids);
}

run_tests();

__DATA__

=== TEST 1: worker_processes 2: exactly 2 connections per node, from one worker; changes through any worker are shared
--- timeout: 40
--- perl
ensure_redis();
ok(defined start_a(workers => 2, extra_http => spread_server()), 'A synced');
ok(defined start_b(workers => 2), 'B synced');
my $t = wait_until(3, sub { (one_owner(master_pid_a()))[1] && (one_owner(node_b_pid()))[1] });
ok(defined $t, 'each node: one worker holds exactly 2 connections to Redis');
for my $n (['A', master_pid_a(), \&error_log_text], ['B', node_b_pid(), \&node_b_log]) {
    my ($name, $master, $log) = @$n;
    my $c = redis_conns_of($master);
    my ($owner) = keys %$c;
    is(scalar(keys %$c), 1, "$name: one pid holds Redis connections") or diag(Test::More::explain($c));
    is($c->{$owner}, 2, "$name: 2 connections");
    is(scalar(children_of($master)), 2, "$name: 2 workers");
    my %logged = map { $_ => 1 } connected_pids($log->());
    is(join(' ', sort keys %logged), $owner, "$name: the \"connected\" lines are from $owner");
    # which of the two is the subscriber
    my %ports = map { $_->{local_port} => 1 } grep { $_->{pid} == $owner } redis_conns();
    my @clients = grep { /addr=127\.0\.0\.1:(\d+) / && $ports{$1} } split /\n/, redis_cmd('CLIENT', 'LIST');
    is(scalar @clients, 2, "$name: CLIENT LIST shows both");
    my @sub = grep { /\bsub=[1-9]/ || /\bpsub=[1-9]/ } @clients;
    is(scalar @sub, 1, "$name: one of them is subscribed (pub/sub), the other is for commands")
        or diag(join "\n", @clients);
}

# a change through each of A's workers reaches both of B's
my $owner_a = (keys %{ redis_conns_of(master_pid_a()) })[0];
my %via;
for my $i (1 .. 12) {
    my $r = put_status('dukcapil/ktp', "Lewat pekerja $i", spread());
    is($r->{status}, 200, "PUT $i");
    my $w = $r->header('X-Worker') // 'none';
    $via{ $w eq $owner_a ? 'owner' : 'other' }++;
    my $tb = wait_served('/dukcapil/ktp', "Lewat pekerja $i", b(), timeout => 3);
    ok(defined $tb, "PUT $i through A's " . ($w eq $owner_a ? 'owner' : 'other') . " worker $w: B serves it after ${\ ($tb // 'never')} s");
    my ($all, $pids) = all_serve('/dukcapil/ktp', "Lewat pekerja $i", 8, b());
    ok($all, "PUT $i: every request to B serves it (workers " . join(' ', sort keys %$pids) . ')');
    last if $via{owner} && $via{other} && $i >= 4;
}
ok($via{other}, 'a PUT went through the worker that does not hold the connections');
# and a change through B reaches both of A's workers
is(put_status('imigrasi/paspor', 'Dari B', port => node_b_port())->{status}, 200, 'PUT through B');
ok(defined wait_served('/imigrasi/paspor', 'Dari B', spread(), timeout => 3), 'A serves it');
my ($all, $pids) = all_serve('/imigrasi/paspor', 'Dari B', 12, spread());
ok($all, 'every request to A serves it');
is(scalar(grep { $_ ne 'none' } keys %$pids), 2, 'through both workers') or diag(join ' ', %$pids);
finish_b();
--- no_error_log
[error]
[warn]



=== TEST 2: the owner worker killed (SIGKILL): another worker connects within 2 s and changes still propagate
--- timeout: 40
--- perl
ensure_redis();
ok(defined start_a(), 'A synced');
ok(defined start_b(workers => 2), 'B synced (2 workers)');
ok(defined wait_until(3, sub { (one_owner(node_b_pid()))[1] }), 'B: one owner');
my ($owner) = one_owner(node_b_pid());
my $off = length node_b_log();
kill 'KILL', $owner;
my $killed = Time::HiRes::time();
my $new;
my $t = wait_until(5, sub {
    my @p = grep { $_ != $owner } connected_pids(log_since(node_b_log(), $off));
    return 0 unless @p;
    my ($o, $ok) = one_owner(node_b_pid());
    return $ok && $o == $p[-1] && ($new = $o);
});
ok(defined $t, "another worker ($new) connected after ${\ ($t // 'never')} s");
cmp_ok($t // 99, '<', 2.5, 'within about 2 s');
is_deeply(redis_conns_of(node_b_pid()), { ($new // 0) => 2 }, 'B: 2 connections, from the new owner only');
ok(!grep({ $_->{pid} == $owner } redis_conns()), "nothing left of ${owner}'s connections");
ok(defined wait_synced(node_b_port(), 3), 'B synced again');
is(put_status('dukcapil/ktp', 'Setelah SIGKILL')->{status}, 200, 'PUT through A');
$t = wait_served('/dukcapil/ktp', 'Setelah SIGKILL', b(), timeout => 3);
ok(defined $t, "B serves it after ${\ ($t // 'never')} s");
my ($all, $pids) = all_serve('/dukcapil/ktp', 'Setelah SIGKILL', 10, b());
ok($all, 'every request to B serves it (' . join(' ', sort keys %$pids) . ')');
is(put_status('dukcapil/kk', 'Dari B setelah SIGKILL', port => node_b_port())->{status}, 200, 'PUT through B');
ok(defined wait_served('/dukcapil/kk', 'Dari B setelah SIGKILL', timeout => 3), 'A serves it');
like(node_b_log(), qr/worker process $owner exited on signal 9/, 'B: the master saw the kill');
finish_b(qr/worker process $owner exited on signal 9/);
--- no_error_log
[error]



=== TEST 3: nginx -s reload while connected, three times: old workers gone within 2 s, the new ones connect
--- timeout: 40
--- perl
ensure_redis();
ok(defined start_a(workers => 2, extra_http => spread_server()), 'A synced');
ok(defined start_b(workers => 2), 'B synced');
ok(defined wait_until(3, sub { (one_owner(master_pid_a()))[1] }), 'A: one owner');
my $master = master_pid_a();
for my $i (1 .. 3) {
    my @old = children_of($master);
    my $t = reload_and_time($master, \&error_log_text, 2, 5);
    ok(defined $t, "A reload $i: the old workers exited after ${\ ($t // 'never')} s");
    cmp_ok($t // 99, '<', 2, "A reload $i: within 2 s");
    my %old = map { $_ => 1 } @old;
    my $tc = wait_until(3, sub { my ($o, $ok) = one_owner($master); $ok && !$old{$o} });
    ok(defined $tc, "A reload $i: a new worker holds the 2 connections after ${\ ($tc // 'never')} s")
        or diag(Test::More::explain(redis_conns_of($master)));
    is(put_status('dukcapil/ktp', "Reload $i", port => node_b_port())->{status}, 200, "reload $i: PUT through B");
    ok(defined wait_served('/dukcapil/ktp', "Reload $i", spread(), timeout => 3), "reload $i: A serves it");
    my ($all) = all_serve('/dukcapil/ktp', "Reload $i", 8, spread());
    ok($all, "reload $i: on every worker");
    is(put_status('dukcapil/kk', "A reload $i", spread())->{status}, 200, "reload $i: PUT through A");
    ok(defined wait_served('/dukcapil/kk', "A reload $i", b(), timeout => 3), "reload $i: B serves it");
    my $tb = node_b_reload(timeout => 5);
    ok($tb, "B reload $i: done after ${\ ($tb // 'never')} s");
    cmp_ok($tb || 99, '<', 2, "B reload $i: within 2 s");
}
is(override_of('dukcapil/ktp')->{message}, 'Reload 3', 'A kept the last change');
my ($problem, $took) = (nginx_stop(2));
is($problem, '', 'A: nginx -s quit while connected: exits within 2 s');
my ($pb, $tb) = node_b_stop(2);
is($pb, '', sprintf('B: nginx -s quit while connected: exits within 2 s (%.3f s)', $tb // -1));
unlike(node_b_log(), qr/open socket #/, 'B: no "open socket #" left');
finish_b();
--- no_error_log
open socket #
[error]



=== TEST 4: reload and quit while Redis is down (reconnecting with backoff): old workers exit within 2 s
--- timeout: 40
--- perl
ensure_redis();
ok(defined start_a(workers => 2, extra_http => spread_server()), 'A synced');
ok(defined start_b(), 'B synced');
my $port = redis_port();
my $master = master_pid_a();
my ($offa, $offb) = (length error_log_text(), length node_b_log());
redis_kill();
my $down = qr/catalog redis: disconnected from 127\.0\.0\.1:$port/;
ok(defined wait_log(3, $down, \&error_log_text, $offa), 'A noticed');
ok(defined wait_log(3, $down, \&node_b_log, $offb), 'B noticed');
my $t = reload_and_time($master, \&error_log_text, 2, 5);
ok(defined $t, "A reload with Redis down: old workers exited after ${\ ($t // 'never')} s");
cmp_ok($t // 99, '<', 2, 'within 2 s');
my $tb = node_b_reload(timeout => 5);
ok($tb, "B reload with Redis down: done after ${\ ($tb // 'never')} s");
cmp_ok($tb || 99, '<', 2, 'within 2 s');
my $r = http_get('/dukcapil/ktp/x', spread());
is("$r->{status} $r->{body}", "200 b1 /dukcapil/ktp/x\n", 'A routes after the reload');
is(put_status('dukcapil/ktp', 'Selama Redis mati')->{status}, 200, 'PUT through A while Redis is down');

# Redis back: the new generation connects, the change reaches B
redis_start(port => $port);
my %old = map { $_ => 1 } connected_pids(substr(error_log_text(), 0, $offa));
$t = wait_until(12, sub { my ($o, $ok) = one_owner($master); $ok && !$old{$o} });
ok(defined $t, "A's new generation connected after ${\ ($t // 'never')} s");
ok(defined wait_served('/dukcapil/ktp', 'Selama Redis mati', b(), timeout => 12), 'B serves the change');

# down again, then nginx -s quit
($offa, $offb) = (length error_log_text(), length node_b_log());
redis_kill();
ok(defined wait_log(3, $down, \&error_log_text, $offa), 'A noticed again');
ok(defined wait_log(3, $down, \&node_b_log, $offb), 'B noticed again');
my ($t0) = Time::HiRes::time();
my $problem = nginx_stop(2);
my $took = Time::HiRes::time() - $t0;
is($problem, '', sprintf('A: nginx -s quit while Redis is down: exited after %.3f s (within 2 s)', $took));
my ($pb, $tbq) = node_b_stop(2);
is($pb, '', sprintf('B: nginx -s quit while Redis is down: exited after %.3f s', $tbq // -1));
unlike(node_b_log(), qr/open socket #/, 'B: no "open socket #" left');
finish_b();
redis_restart();
--- no_error_log
open socket #



=== TEST 5: reload and quit while a Redis connection hangs (the server never answers, timeout=10s)
--- timeout: 40
--- perl
my $fs = fake_server('silent');
start_a(workers => 2, flush => 0, wait => 0, extra_http => spread_server(),
        redis_opts => { addr => "127.0.0.1:$fs->{port}", timeout => '10s', connect_timeout => '10s' });
my $master = master_pid_a();
ok(defined wait_until(3, sub { fake_server_accepts($fs) >= 1 }), 'A connected to the silent server');
# the connection is open, a command is waiting for its answer
ok(defined wait_until(2, sub { my $c = redis_conns_of($master, $fs->{port}); scalar keys %$c }),
   'a worker holds a connection to it');
my $t = reload_and_time($master, \&error_log_text, 2, 5);
ok(defined $t, "reload: the old workers exited after ${\ ($t // 'never')} s");
cmp_ok($t // 99, '<', 2, 'within 2 s, not after the 10 s timeout');
ok(defined wait_until(3, sub { fake_server_accepts($fs) >= 2 }), 'the new generation connects again');
my $r = http_get('/dukcapil/ktp/x', spread());
is("$r->{status} $r->{body}", "200 b1 /dukcapil/ktp/x\n", 'routing answers meanwhile');
my $t0 = Time::HiRes::time();
my $problem = nginx_stop(2);
is($problem, '', sprintf('nginx -s quit: exited after %.3f s (within 2 s)', Time::HiRes::time() - $t0));
fake_server_stop($fs);
--- no_error_log
open socket #
