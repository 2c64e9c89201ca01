# catalog_balancer when backends reload, restart or close kept-alive
# connections (issue 17), and when every backend of a service is down.
#
#   TEST_NGINX_BINARY=/usr/sbin/nginx \
#   TEST_NGINX_LOAD_MODULES=$PWD/build/ngx_http_catalog_module.so \
#   prove -I lua-free-tests/lib lua-free-tests/t/043-balancer-reload.t
#
# The backends are nginx instances of their own (no module: plain nginx,
# each its own prefix under the servroot and its own port, `return 200
# "b1\n"` or "b2\n", keepalive_timeout left at its default), started,
# reloaded (SIGHUP) and stopped (SIGTERM) by the test; a "closed port" is
# a free port nothing listens on.  Load comes from wrk (Debian's) or from
# forked Perl clients that check every body.
#
# 1. Both backend nginx reloaded 10 times, every 0.6 s, under 6 s of wrk
#    load on a service of two backends, one of one, and one of a live
#    backend and a closed port: every answer 200, no socket error, no
#    "temporarily disabled" line for a live backend (one for the closed
#    port).  The same run through stock nginx's upstream with keepalive,
#    printed with diag() beside it, not asserted.
# 2. One of two backends stopped (SIGTERM) for 3 s and started again
#    under load: every answer 200, the stopped one is taken out (a refused
#    connection is a failure of the backend), and gets traffic again after
#    fail_timeout (2 s here, to keep the file short).
# 3. The gateway itself reloaded 10 times under wrk load, services of two
#    backends one of which is a closed port, the live one a backend nginx
#    or, as in the demo configuration, a server block of the gateway
#    itself (whose old workers, exiting, close connections that the new
#    workers have cached): no non-2xx and no socket error with
#    Connection: close, no live backend disabled; the keep-alive clients'
#    failures (nginx's own race on closing idle client connections) are
#    printed, not asserted (071-reload-load.t bounds them).
# 4. A backend that closes a kept-alive connection after reading a request
#    (a tiny Perl server: it answers the first request of a connection,
#    reads the second whole and closes without a word): a POST is not
#    repeated (502, the backend received it once) unless
#    `proxy_next_upstream ... non_idempotent` (200, received twice); a GET
#    is repeated on a new connection to the same backend (200), no
#    "temporarily disabled".  And when the backend closes the connection
#    while it is idle, nginx sees it before writing: the POST goes on a
#    new connection, 200, received once.
# 5. Panic: both backends of a service are closed ports: 502 after trying
#    both; one is started: the very next request answers 200, well within
#    fail_timeout (10 s).

use lib 'lib';
use Test::Catalog;

use IO::Select;
use IO::Socket::IP;
use POSIX ();
use Time::HiRes ();

our $RELOADS = 10;
our $EVERY = 0.6;           # seconds between two reloads
our $WRK_SECONDS = 6;

# test 3: a backend that is a server block of the gateway itself, as in
# the demo configuration (conf/demo/nginx.conf.in): reloaded with it
$ENV{TEST_NGINX_INNER_PORT} = free_port();

run_tests();

# ---------------------------------------------------------------------------
# helpers of the --- perl sections
# ---------------------------------------------------------------------------

sub now { Time::HiRes::time() }

sub slurp_file {
    my ($path) = @_;
    open my $fh, '<', $path or return '';
    local $/;
    my $data = <$fh>;
    return defined $data ? $data : '';
}

sub spew_file {
    my ($path, $data) = @_;
    open my $fh, '>', $path or die "cannot write $path: $!\n";
    print {$fh} $data;
    close $fh or die "cannot write $path: $!\n";
}

# polls $cond every 10 ms for $timeout seconds; true when it held
sub wait_until {
    my ($timeout, $cond) = @_;
    my $deadline = now() + $timeout;
    while (1) {
        return 1 if $cond->();
        return 0 if now() >= $deadline;
        Time::HiRes::sleep(0.01);
    }
}

# a free loopback port (bound to port 0 and closed again)
sub free_port {
    my $s = IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => 0,
                                Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or die "cannot bind a free port: $@\n";
    my $port = $s->sockport;
    close $s;
    return $port;
}

sub port_accepts {
    my ($port) = @_;
    return IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $port,
                               Proto => 'tcp', Timeout => 1) ? 1 : 0;
}

# --- nginx instances of our own: backends and the stock gateway ---------

my %Nginx;    # name => {pid, dir, port, http}

sub nginx_dir { Test::Catalog::servroot() . "/nginx-$_[0]" }

sub nginx_conf_text {
    my ($dir, $http) = @_;
    my $user = $> == 0 ? "user root;\n" : '';
    return <<"CONF";
${user}daemon off;
master_process on;
worker_processes 1;
error_log $dir/logs/error.log info;
pid $dir/logs/nginx.pid;

events {
    worker_connections 1024;
}

http {
    access_log off;
    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    default_type text/plain;

$http
}
CONF
}

# nginx_run(NAME, PORT, HTTP_TEXT, keep_log => 1): starts nginx (no
# module) in its own prefix with HTTP_TEXT in http{}; returns once its
# worker started and PORT accepts.  Its log is emptied unless keep_log.
sub nginx_run {
    my ($name, $port, $http, %o) = @_;
    my $dir = nginx_dir($name);
    mkdir $_ for $dir, "$dir/logs", "$dir/tmp";
    unless ($o{keep_log}) {
        spew_file("$dir/logs/$_", '') for qw(error.log stderr.log);
    }
    unlink "$dir/logs/nginx.pid";
    my $offset = -s "$dir/logs/error.log" || 0;
    spew_file("$dir/nginx.conf", nginx_conf_text($dir, $http));
    my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        $SIG{INT} = $SIG{TERM} = 'DEFAULT';
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$dir/logs/stderr.log";
        open STDERR, '>&', \*STDOUT;
        exec { $nginx } $nginx, '-p', "$dir/", '-c', "$dir/nginx.conf",
             '-e', 'stderr'
            or POSIX::_exit(127);
    }
    $Nginx{$name} = { pid => $pid, dir => $dir, port => $port,
                      http => $http };
    my $up = wait_until(5, sub {
        return 1 if waitpid($pid, POSIX::WNOHANG()) == $pid;
        # the port accepts once bound; the worker starts after that
        return slurp_file("$dir/logs/nginx.pid") =~ /^\s*$pid\s*$/
            && substr(slurp_file("$dir/logs/error.log"), $offset)
               =~ /start worker process \d+/
            && port_accepts($port);
    });
    unless ($up && kill 0, $pid) {
        my $log = nginx_log($name);
        delete $Nginx{$name};
        die "nginx $name did not start:\n$log\n";
    }
    return $pid;
}

# a backend: `return 200 "BODY\n"` on PORT
sub backend_run {
    my ($name, $port, %o) = @_;
    my $extra = $o{extra} || '';
    return nginx_run($name, $port, <<"HTTP", %o);
    server {
        listen 127.0.0.1:$port;
$extra
        location / { return 200 "$name\\n"; }
    }
HTTP
}

sub nginx_log {
    my ($name) = @_;
    my $dir = nginx_dir($name);
    return slurp_file("$dir/logs/stderr.log")
         . slurp_file("$dir/logs/error.log");
}


sub nginx_reload_async { kill 'HUP', $Nginx{ $_[0] }{pid} }

# nginx_halt(NAME, SIG): SIG (default QUIT), then TERM and KILL; '' for
# an exit with status 0
sub nginx_halt {
    my ($name, $sig) = @_;
    my $n = delete $Nginx{$name} or return '';
    my $problem = '';
    for my $step ([$sig || 'QUIT', 5], ['TERM', 2], ['KILL', 5]) {
        kill $step->[0], $n->{pid};
        if (wait_until($step->[1],
                       sub { waitpid($n->{pid}, POSIX::WNOHANG()) == $n->{pid} })) {
            $problem ||= "nginx $name exited with wait status $?" if $?;
            return $problem;
        }
        $problem ||= "nginx $name did not exit on $step->[0]";
    }
    return $problem;
}

# the number of generations of workers an nginx started (1 + reloads)
sub nginx_generations {
    my ($name) = @_;
    my $n = () = nginx_log($name) =~ /start worker process \d+/g;
    return $n;
}

# --- the Perl backend of test 4 ----------------------------------------

my @Servers;

# perl_backend(PORT, LOG, MODE): a forked server on PORT.  It answers the
# first request of each connection ("p METHOD PATH\n", keep-alive); with
# MODE 'drop' it reads the second request of a connection whole and then
# closes it without a word; with MODE 'idle' it closes each connection
# 0.3 s after its first answer (a keepalive_timeout).  Each request is a
# line of LOG: "CONN METHOD PATH answered|dropped".
sub perl_backend {
    my ($port, $log, $mode) = @_;
    my $l = IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => $port,
                                Proto => 'tcp', Listen => 16, ReuseAddr => 1)
        or die "perl backend: cannot listen on $port: $@\n";
    spew_file($log, '');
    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    if ($pid) {
        close $l;
        push @Servers, $pid;
        return $pid;
    }
    $SIG{INT} = $SIG{TERM} = 'DEFAULT';
    open my $lfh, '>>', $log or POSIX::_exit(1);
    $lfh->autoflush(1);
    my $sel = IO::Select->new($l);
    my (%c, $n);
    my $drop = sub {
        my ($s) = @_;
        $sel->remove($s);
        delete $c{ fileno $s };
        close $s;
    };
    while (1) {
        my $t = now();
        for my $fd (keys %c) {
            my $st = $c{$fd};
            next unless $st->{close_at} && $t >= $st->{close_at};
            print {$lfh} "$st->{id} - - idle-closed\n";
            $drop->($st->{sock});
        }
        for my $s ($sel->can_read(0.05)) {
            if ($s == $l) {
                my $a = $l->accept or next;
                binmode $a;
                $sel->add($a);
                $c{ fileno $a } = { id => ++$n, sock => $a, buf => '',
                                    reqs => 0 };
                next;
            }
            my $st = $c{ fileno $s };
            my $got = sysread $s, $st->{buf}, 65536, length $st->{buf};
            if (!$got) {
                $drop->($s);
                next;
            }
            while ($st->{buf} =~ /\A(.*?\r\n)\r\n/s) {
                my $head = $1;
                my $len = length($head) + 2;
                my $cl = $head =~ /^content-length:[ \t]*(\d+)/mi ? $1 : 0;
                last if length $st->{buf} < $len + $cl;
                substr($st->{buf}, 0, $len + $cl) = '';
                my ($m, $p) = $head =~ /\A(\S+) (\S+)/;
                if (++$st->{reqs} > 1 && $mode eq 'drop') {
                    print {$lfh} "$st->{id} $m $p dropped\n";
                    $drop->($s);
                    last;
                }
                # logged before the answer, which the test may read at once
                print {$lfh} "$st->{id} $m $p answered\n";
                my $body = "p $m $p\n";
                syswrite $s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                           . "Content-Length: " . length($body) . "\r\n"
                           . "Connection: keep-alive\r\n\r\n$body";
                $st->{close_at} = now() + 0.3 if $mode eq 'idle';
            }
        }
    }
}

sub perl_backend_stop {
    for my $pid (splice @Servers) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }
}

# the lines of a perl backend's log: [conn, method, path, what]
sub perl_backend_log {
    my ($log) = @_;
    return map { [split ' '] } grep { /\S/ } split /\n/, slurp_file($log);
}

# --- wrk (Debian's) ------------------------------------------------------

# wrk_start(URL, connections => 4, duration => 6, header => H,
#           script => PATH, args => [...]); wrk_wait($h) gives {requests,
# non2xx, errors => "connect a, read b, ...", nerrors, raw}
sub wrk_start {
    my ($url, %o) = @_;
    my $out = Test::Catalog::servroot() . '/wrk-' . int(now() * 1e6) . '.out';
    my @cmd = ('wrk', '-t1', '-c' . ($o{connections} || 4),
               '-d' . ($o{duration} || $WRK_SECONDS) . 's', '--timeout', '10s',
               $o{header} ? ('-H', $o{header}) : (),
               $o{script} ? ('-s', $o{script}) : (),
               $url, $o{args} ? ('--', @{ $o{args} }) : ());
    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        $SIG{INT} = $SIG{TERM} = 'DEFAULT';
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out;
        open STDERR, '>&', \*STDOUT;
        exec @cmd or POSIX::_exit(127);
    }
    return { pid => $pid, out => $out, cmd => "@cmd" };
}

sub wrk_wait {
    my ($h) = @_;
    waitpid $h->{pid}, 0;
    my $raw = slurp_file($h->{out});
    my %r = (raw => $raw, rc => $? >> 8, requests => 0, non2xx => 0,
             nerrors => 0, errors => 'none');
    $r{requests} = $1 if $raw =~ /(\d+) requests in /;
    $r{non2xx} = $1 if $raw =~ /Non-2xx or 3xx responses: (\d+)/;
    if ($raw =~ /Socket errors: (connect (\d+), read (\d+), write (\d+), timeout (\d+))/) {
        $r{errors} = $1;
        $r{nerrors} = $2 + $3 + $4 + $5;
    }
    return \%r;
}

sub wrk_line {
    my ($what, $r) = @_;
    return sprintf '%-28s %7d requests, %6d non-2xx (%5.1f %%), socket errors: %s',
        $what, $r->{requests}, $r->{non2xx},
        $r->{requests} ? 100 * $r->{non2xx} / $r->{requests} : 0,
        $r->{errors};
}

# a wrk script that asks for the paths given after "--" in turn
sub paths_script {
    my $path = Test::Catalog::servroot() . '/paths.lua';
    spew_file($path, <<'LUA');
local reqs, n, i = {}, 0, 0
function init(args)
    for k = 1, #args do reqs[k] = wrk.format(nil, args[k]) end
    n = #args
end
function request()
    i = i % n + 1
    return reqs[i]
end
LUA
    return $path;
}

# --- Perl load clients of test 2 ----------------------------------------

# client(PORT, [PATHS], STOP, OUT, PHASE): keep-alive GETs over PATHS in
# turn until the file STOP exists; each answer counted by phase (whether
# the file PHASE existed when the request was sent) and body; anything but
# a complete 200 is a failure.  Writes "ok PHASE BODY N" and "fail REASON
# N" lines to OUT.
sub client {
    my ($port, $paths, $stop, $out, $phase) = @_;
    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    return $pid if $pid;
    $SIG{INT} = $SIG{TERM} = 'DEFAULT';

    my (%ok, %fail, $sock);
    my $i = 0;
    my $failed = sub { $fail{ $_[0] }++; close $sock if $sock; undef $sock };
    while (!-e $stop) {
        my $path = $paths->[ $i++ % @$paths ];
        my $ph = -e $phase ? 1 : 0;
        $sock ||= IO::Socket::IP->new(PeerHost => '127.0.0.1',
                                      PeerPort => $port, Proto => 'tcp',
                                      Timeout => 5)
            or do { $failed->('connect'); next };
        binmode $sock;
        if (IO::Select->new($sock)->can_read(0)) {    # closed while idle
            close $sock;
            undef $sock;
            redo;
        }
        my $req = "GET $path HTTP/1.1\r\nHost: localhost\r\n\r\n";
        unless ((syswrite($sock, $req) // 0) == length $req) {
            $failed->('write');
            next;
        }
        my ($buf, $r) = ('');
        my $sel = IO::Select->new($sock);
        while ($sel->can_read(5)) {
            my $n = sysread $sock, $buf, 65536, length $buf;
            $r = Test::Catalog::parse_response($buf, 'GET', !$n);
            last if $r || !$n;
        }
        if (!$r || $r->{error}) {
            $failed->(!length $buf ? 'closed before an answer'
                      : $r ? $r->{error} : 'timed out');
            next;
        }
        if ($r->{status} ne '200') {
            $failed->("status $r->{status}");
            next;
        }
        (my $body = $r->{body}) =~ s/\n\z//;
        $ok{"$ph $body"}++;
        my $conn = $r->header('Connection');
        if (defined $conn && $conn =~ /close/i) {
            close $sock;
            undef $sock;
        }
    }
    if (open my $fh, '>', $out) {
        print {$fh} map { "ok $_ $ok{$_}\n" } sort keys %ok;
        print {$fh} map { "fail $_ $fail{$_}\n" } sort keys %fail;
        close $fh;
    }
    POSIX::_exit(0);
}

# --- the gateway's log ---------------------------------------------------

# the ports of the "temporarily disabled" lines of a log, with counts:
# the module's "... disabled: backend HOST:PORT of "AGENCY/SERVICE"",
# stock nginx's "... disabled while ..., upstream: "http://HOST:PORT/...""
sub disabled_ports {
    my ($log) = @_;
    my %p;
    for (grep { /upstream server temporarily disabled/ } split /\n/, $log) {
        $p{$1}++ if /temporarily disabled: backend 127\.0\.0\.1:(\d+) of "/
                 || /upstream: "http:\/\/127\.0\.0\.1:(\d+)/;
    }
    return \%p;
}

sub count_re {
    my ($log, $re) = @_;
    my $n = () = $log =~ /$re/g;
    return $n;
}

# failures on a backend connection, as nginx logs them: cached ones the
# backend had closed, fresh ones refused
sub upstream_failures {
    my ($log) = @_;
    return sprintf 'prematurely closed %d, reset %d, refused %d, '
                 . 'no live upstreams %d',
        count_re($log, qr/upstream prematurely closed connection/),
        count_re($log, qr/\(104: Connection reset by peer\)/),
        count_re($log, qr/\(111: Connection refused\)/),
        count_re($log, qr/no live upstreams/);
}

END {
    local $?;
    for my $name (keys %Nginx) {
        kill 'TERM', $Nginx{$name}{pid};
        waitpid $Nginx{$name}{pid}, 0;
    }
    for my $pid (@Servers) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }
}

__DATA__

=== TEST 1: backends reloaded 10 times under load: every answer 200, no live backend disabled (stock nginx printed beside)
--- workers: 2
--- timeout: 20
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "two", "name": "Two", "category": "c", "routes": [{"path": "/two"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "one", "name": "One", "category": "c", "routes": [{"path": "/one"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "half", "name": "Half", "category": "c", "routes": [{"path": "/half"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 16;
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my ($pa, $pb, $pc) = map { backend_port($_) } 1 .. 3;    # $pc: closed
my %port = (b1 => $pa, b2 => $pb);
main::backend_run($_, $port{$_}) for qw(b1 b2);

# the load on three services for 6 s, both backends reloaded 10 times
my $run = sub {
    my ($gw) = @_;
    my %w = map {
        $_ => main::wrk_start("http://127.0.0.1:$gw/$_/x")
    } qw(two one half);
    Time::HiRes::sleep(0.3);
    for my $i (1 .. $main::RELOADS) {
        main::nginx_reload_async($_) for qw(b1 b2);
        Time::HiRes::sleep($main::EVERY) if $i < $main::RELOADS;
    }
    return { map { $_ => main::wrk_wait($w{$_}) } keys %w };
};

# 1. the module

my $gen0 = { map { $_ => main::nginx_generations($_) } qw(b1 b2) };
my $mod = $run->(server_port());
my $log = error_log_text();
for my $b (qw(b1 b2)) {
    # a last reload may still be starting its workers
    main::wait_until(3, sub {
        main::nginx_generations($b) >= $gen0->{$b} + $main::RELOADS });
    is(main::nginx_generations($b) - $gen0->{$b}, $main::RELOADS,
       "backend $b reloaded $main::RELOADS times");
}
for my $s (qw(two one half)) {
    my $r = $mod->{$s};
    cmp_ok($r->{requests}, '>', 1000, "module /$s: wrk sent requests")
        or diag($r->{raw});
    is($r->{non2xx}, 0, "module /$s: every answer 2xx (200)");
    is($r->{nerrors}, 0, "module /$s: no socket error") or diag($r->{errors});
}
my $dis = main::disabled_ports($log);
is(join(',', grep { $dis->{$_} } $pa, $pb), '',
   'module: no live backend "temporarily disabled"')
    or diag(join "\n", grep { /temporarily disabled/ } split /\n/, $log);
ok($dis->{$pc}, 'module: the closed port was disabled, with the service named')
    and like($log, qr/upstream server temporarily disabled: backend 127\.0\.0\.1:$pc of "a\/half"/,
             'module: its line names backend and service');
diag('module: gateway log: ' . main::upstream_failures($log));

# 2. stock nginx: same binary, no module, same load and reloads

my $gw = main::free_port();
main::nginx_run('stock', $gw, <<"HTTP");
    upstream two  { server 127.0.0.1:$pa; server 127.0.0.1:$pb; keepalive 16; }
    upstream one  { server 127.0.0.1:$pa; keepalive 16; }
    upstream half { server 127.0.0.1:$pa; server 127.0.0.1:$pc; keepalive 16; }
    server {
        listen 127.0.0.1:$gw;
        location /two/  { proxy_pass http://two; }
        location /one/  { proxy_pass http://one; }
        location /half/ { proxy_pass http://half; }
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
HTTP
my $stock = eval { $run->($gw) };
my $err = $@;
my $slog = main::nginx_log('stock');
main::nginx_halt('stock');
main::nginx_halt($_) for qw(b1 b2);
die $err if $err;

diag("backends reloaded $main::RELOADS times every ${main::EVERY}s under"
     . " ${main::WRK_SECONDS}s of wrk -t1 -c4 per service:");
for my $s (qw(two one half)) {
    diag(main::wrk_line("module /$s", $mod->{$s}));
    diag(main::wrk_line("stock  /$s", $stock->{$s}));
}
my $sdis = main::disabled_ports($slog);
my %name = ($pa => 'b1', $pb => 'b2', $pc => 'closed port');
diag('stock: gateway log: ' . main::upstream_failures($slog)
     . '; temporarily disabled: '
     . join(', ', map { "$name{$_} x$sdis->{$_}" } sort keys %$sdis));
--- no_error_log
no live upstreams



=== TEST 2: one of two backends stopped for 3 s under load and started again: every answer 200, it gets traffic again
--- workers: 2
--- timeout: 20
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "two", "name": "Two", "category": "c", "routes": [{"path": "/two"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        # 2 s, not 10, so that the file stays short
        catalog_balancer fail_timeout=2s;
        keepalive 16;
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my ($pa, $pb) = map { backend_port($_) } 1, 2;
main::backend_run('b1', $pa);
main::backend_run('b2', $pb);

my $dir = servroot();
my ($stop, $phase) = ("$dir/clients-stop", "$dir/clients-restarted");
unlink $stop, $phase;
my @pids = map {
    main::client(server_port(), ["/two/$_"], $stop, "$dir/client$_", $phase)
} 1 .. 3;

my ($t_stop, $t_up, $problem);
eval {
    Time::HiRes::sleep(1);
    $t_stop = main::now();
    $problem = main::nginx_halt('b2', 'TERM');
    Time::HiRes::sleep(3 - (main::now() - $t_stop));
    main::backend_run('b2', $pb, keep_log => 1);
    $t_up = main::now();
    main::spew_file($phase, '');
    Time::HiRes::sleep(3);
    1;
} or do { my $e = $@; main::spew_file($stop, ''); waitpid $_, 0 for @pids; die $e };
main::spew_file($stop, '');
waitpid $_, 0 for @pids;
main::nginx_halt($_) for qw(b1 b2);
is($problem, '', 'b2 stopped by SIGTERM');

my (%ok, %fail);
for my $n (1 .. 3) {
    for (split /\n/, main::slurp_file("$dir/client$n")) {
        if (/^ok (\d) (.*) (\d+)$/) { $ok{"$1 $2"} += $3 }
        elsif (/^fail (.*) (\d+)$/) { $fail{$1} += $2 }
    }
}
my $answers = 0;
$answers += $_ for values %ok;
diag(sprintf 'b2 down %.1f s; answers: %s; failures: %s', $t_up - $t_stop,
     join(', ', map { "$_ x$ok{$_}" } sort keys %ok),
     join(', ', map { "$_ x$fail{$_}" } sort keys %fail) || 'none');
cmp_ok($answers, '>', 300, 'the clients got answers');
is(join(', ', map { "$_ x$fail{$_}" } sort keys %fail), '',
   'every answer 200, none lost');
is(join(', ', grep { !/^\d b[12]$/ } sort keys %ok), '',
   'every body is b1 or b2');
cmp_ok($ok{'0 b2'} || 0, '>', 0, 'b2 answered before it was stopped');
cmp_ok($ok{'1 b2'} || 0, '>', 10, 'b2 answers again after its restart');
cmp_ok($ok{'1 b1'} || 0, '>', 10, 'b1 kept answering');

my $log = error_log_text();
my $dis = main::disabled_ports($log);
ok($dis->{$pb}, 'the stopped backend was taken out (connections refused)');
ok(!$dis->{$pa}, 'the live backend never was')
    or diag(join "\n", grep { /temporarily disabled/ } split /\n/, $log);
diag('gateway log: ' . main::upstream_failures($log));
--- error_log
upstream server temporarily disabled
--- no_error_log
no live upstreams



=== TEST 3: the gateway reloaded 10 times under load: no non-2xx with Connection: close (keep-alive figures printed)
--- workers: 2
--- timeout: 20
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s1", "name": "S1", "category": "c", "routes": [{"path": "/s1"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]},
    {"id": "s2", "name": "S2", "category": "c", "routes": [{"path": "/s2"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND3_PORT", "127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "s3", "name": "S3", "category": "c", "routes": [{"path": "/s3"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]},
    {"id": "s4", "name": "S4", "category": "c", "routes": [{"path": "/s4"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "s5", "name": "S5", "category": "c", "routes": [{"path": "/s5"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "s6", "name": "S6", "category": "c", "routes": [{"path": "/s6"}],
     "backends": ["127.0.0.1:$TEST_NGINX_INNER_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]},
    {"id": "s7", "name": "S7", "category": "c", "routes": [{"path": "/s7"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND3_PORT", "127.0.0.1:$TEST_NGINX_INNER_PORT"]},
    {"id": "s8", "name": "S8", "category": "c", "routes": [{"path": "/s8"}],
     "backends": ["127.0.0.1:$TEST_NGINX_INNER_PORT", "127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 16;
    }
    # a backend in the gateway itself, as in the demo configuration: its
    # connections from the gateway are closed by old workers that exit
    server {
        listen 127.0.0.1:$TEST_NGINX_INNER_PORT;
        access_log off;
        location / { return 200 "inner\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my ($pa, $pb, $pc) = map { backend_port($_) } 1 .. 3;    # $pc: closed
main::backend_run('b1', $pa);
main::backend_run('b2', $pb);

my $root = servroot();
my $master = (main::slurp_file("$root/logs/nginx.pid") =~ /(\d+)/)[0];
my $script = main::paths_script();
my $pi = $ENV{TEST_NGINX_INNER_PORT};
my @paths = map { "/s$_/x" } 1 .. 8;
my $url = 'http://127.0.0.1:' . server_port();
my $close = main::wrk_start($url, connections => 8, script => $script,
                            args => \@paths, header => 'Connection: close');
my $keep = main::wrk_start($url, connections => 4, script => $script,
                           args => \@paths);
my $reloads = 0;
Time::HiRes::sleep(0.3);
for my $i (1 .. $main::RELOADS) {
    my $before = main::count_re(main::slurp_file("$root/logs/error.log"),
                                qr/start worker process/);
    kill 'HUP', $master;
    $reloads++ if main::wait_until(3, sub {
        main::count_re(main::slurp_file("$root/logs/error.log"),
                       qr/start worker process/) >= $before + 2 });
    Time::HiRes::sleep(0.4);
}
my $rc = main::wrk_wait($close);
my $rk = main::wrk_wait($keep);
main::nginx_halt($_) for qw(b1 b2);

is($reloads, $main::RELOADS, "$main::RELOADS reloads, each started new workers");
cmp_ok($rc->{requests}, '>', 1000, 'Connection: close: wrk sent requests')
    or diag($rc->{raw});
is($rc->{non2xx}, 0, 'Connection: close: every answer 2xx (200)');
is($rc->{nerrors}, 0, 'Connection: close: no socket error')
    or diag($rc->{errors});
diag("gateway reloaded $main::RELOADS times under wrk -t1 over 8 services:");
diag(main::wrk_line('Connection: close, -c8', $rc));
diag(main::wrk_line('keep-alive, -c4 (not asserted)', $rk));
my $log = error_log_text();
my $dis = main::disabled_ports($log);
is(join(',', grep { $dis->{$_} } $pa, $pb, $pi), '',
   'no live backend "temporarily disabled", nor the gateway\'s own')
    or diag(join "\n", grep { /temporarily disabled/ && !/:$pc of/ }
                       split /\n/, $log);
ok($dis->{$pc}, 'the closed port was (once per worker generation)');
diag('gateway log: ' . main::upstream_failures($log)
     . "; closed port disabled x" . ($dis->{$pc} || 0));
--- no_error_log
no live upstreams



=== TEST 4: a kept-alive connection the backend closes after reading the request: POST not repeated unless non_idempotent, GET repeated on the same backend
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "p", "name": "P", "category": "c", "routes": [{"path": "/p"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "ni", "name": "NI", "category": "c", "routes": [{"path": "/ni"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "pb", "name": "PB", "category": "c", "routes": [{"path": "/pb"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "idle", "name": "Idle", "category": "c", "routes": [{"path": "/idle"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 16;
    }
--- config
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
    location /ni/ {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_next_upstream error timeout non_idempotent;
    }
--- perl
my ($pp, $pb, $pi) = map { backend_port($_) } 1 .. 3;
my $root = servroot();
my ($plog, $ilog) = ("$root/perl-drop.log", "$root/perl-idle.log");
main::perl_backend($pp, $plog, 'drop');
main::perl_backend($pi, $ilog, 'idle');
main::backend_run('b2', $pb);

# what the drop backend received since the last call: "CONN METHOD PATH
# WHAT" joined by ", "
my $seen = 0;
my $news = sub {
    my @l = main::perl_backend_log($plog);
    my @new = @l[$seen .. $#l];
    $seen = @l;
    return join ', ', map { "@$_" } @new;
};
my $r;

# a POST on the reused connection, proxy_next_upstream default
$r = http_get('/p/1');
is("$r->{status} $r->{body}", "200 p GET /p/1\n", 'GET /p/1: 200, a connection cached');
$r = http_get('/p/2', method => 'POST', body => 'x=1');
is($r->{status}, 502, 'POST /p/2 on the cached connection it closed: 502');
is($news->(), '1 GET /p/1 answered, 1 POST /p/2 dropped',
   'the backend received the POST once: not repeated');

# the same with non_idempotent: repeated on a new connection
$r = http_get('/ni/3');
is("$r->{status} $r->{body}", "200 p GET /ni/3\n", 'GET /ni/3: 200, a connection cached');
$r = http_get('/ni/4', method => 'POST', body => 'x=2');
is("$r->{status} $r->{body}", "200 p POST /ni/4\n",
   'POST /ni/4 with non_idempotent: repeated, 200');
is($news->(), '2 GET /ni/3 answered, 2 POST /ni/4 dropped, 3 POST /ni/4 answered',
   'the backend received it twice, the second time on a new connection');

# a GET is repeated on a new connection
$r = http_get('/p/5');
is("$r->{status} $r->{body}", "200 p GET /p/5\n", 'GET /p/5 on a closed cached connection: 200');
is($news->(), '3 GET /p/5 dropped, 4 GET /p/5 answered',
   'repeated on a new connection to the same backend');

# two backends: the GET goes again to the same one, on a new connection
# (round robin: one of the two requests lands on the drop backend, whose
# connection 4 is cached)
my @b = map { http_get("/pb/$_") } 6, 7;
is(join('|', map { "$_->{status} $_->{body}" } @b),
   $b[0]{body} =~ /^b2/ ? "200 b2\n|200 p GET /pb/7\n" : "200 p GET /pb/6\n|200 b2\n",
   'GET /pb/6 and /pb/7: 200 from both backends');
my ($pbn) = map { $_->{body} =~ m{^p GET /pb/(\d)} ? $1 : () } @b;
is($news->(), "4 GET /pb/$pbn dropped, 5 GET /pb/$pbn answered",
   'the one that failed on the drop backend went again to it, not to b2');

my $log = error_log_text();
is(main::count_re($log, qr/upstream prematurely closed connection/), 4,
   'four requests failed on a cached connection');
unlike($log, qr/temporarily disabled/, 'no backend disabled');

# the backend closes the connection while it is idle (0.3 s after its
# answer): nginx sees it before it writes, the POST goes on a new
# connection, once
$r = http_get('/idle/1');
is("$r->{status} $r->{body}", "200 p GET /idle/1\n", 'GET /idle/1: 200');
ok(main::wait_until(2, sub { main::slurp_file($ilog) =~ /idle-closed/ }),
   'the idle backend closed the cached connection');
Time::HiRes::sleep(0.2);
$r = http_get('/idle/2', method => 'POST', body => 'x=3');
is("$r->{status} $r->{body}", "200 p POST /idle/2\n",
   'POST /idle/2 after the idle close: 200 on a new connection');
my @il = main::perl_backend_log($ilog);
splice @il, 3 if @il > 3;    # its later idle close of connection 2
is(join(', ', map { "@$_" } @il),
   '1 GET /idle/1 answered, 1 - - idle-closed, 2 POST /idle/2 answered',
   'the idle backend received the POST once');
main::nginx_halt('b2');
main::perl_backend_stop();
--- error_log
upstream prematurely closed connection
--- no_error_log
temporarily disabled
no live upstreams



=== TEST 5: panic: both backends down, 502 after trying both; one started: the next request answers 200 within fail_timeout
--- workers: 1
--- timeout: 10
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 16;
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my ($p2, $p3) = map { backend_port($_) } 2, 3;
my $t0 = main::now();
my $r = http_get('/s/1');
is($r->{status}, 502, 'both closed: 502');
my $log = error_log_text();
is(main::count_re($log, qr/\(111: Connection refused\) while connecting to upstream/), 2,
   'both were tried');
my $dis = main::disabled_ports($log);
is(join(',', sort keys %$dis), join(',', sort $p2, $p3),
   'both are marked down');

main::backend_run('b3', $p3);
$r = http_get('/s/2');
my $t = main::now() - $t0;
is("$r->{status} $r->{body}", "200 b3\n",
   'one started: the very next request answers 200');
cmp_ok($t, '<', 10, 'within fail_timeout (10 s)');
$r = http_get('/s/3');
is("$r->{status} $r->{body}", "200 b3\n", 'and the next one');
main::nginx_halt('b3');
--- error_log
upstream server temporarily disabled
--- no_error_log
no live upstreams
