# Reload under load: twenty `nginx -s reload` (SIGHUP) in a row, the
# manifest changed every other time, while clients keep sending requests
# through catalog_route and a keepalive upstream.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/071-reload-load.t
#
# - clients that open a connection per request (Connection: close) must
#   see no failure at all: every request answers 200 with the backend's
#   body;
# - keep-alive clients can lose a request that races an old worker closing
#   its idle connection, even on stock nginx.  The same keep-alive load
#   and the same reload sequence run against a stock nginx without the
#   module (a plain location and proxy_pass, its config changed every
#   other time instead of the manifest), and the module's failures must
#   not exceed stock's by more than $SLACK (see below), and must all be
#   that race: a connection closed before any answer;
# - after the last reload no old worker is left: the master's children are
#   exactly the workers of the last generation, none shutting down.
#
# The clients are forked processes (two of each kind per nginx) that count
# successes and failures until told to stop; they end with POSIX::_exit so
# that the harness's END block (which stops nginx) runs only here.

use lib 'lib';
use Test::Catalog;

use POSIX ();
use Time::HiRes ();

# Keep-alive failures the module may have above stock's.  The clients
# check an idle connection before reusing it, as curl and browsers do, so
# that what is left is the race between a request written and an old
# worker closing the connection before reading it; nothing the module
# does decides it.  Measured on the 2-core build machine, 9 runs of this
# file: 0 to 3 lost requests for either nginx (module 2 3 2 0 1 0 2 0 1,
# stock 1 2 0 1 3 0 0 2 2), module minus stock -2 to +2.  The slack is 3,
# the whole range one nginx shows alone; a module that lost requests on
# its own would lose one or more per reload (20 or more here).  Any other
# kind of keep-alive failure (an error status, a truncated answer, a
# timeout) fails the test whatever the count.  Other work on the
# machine (CI runs, a sanitizer build) widens the spread: 4 against
# stock's 0 was seen once under load, so the slack is 6, still far below
# the one per reload of a module at fault.  Under ASan (make asan) both
# nginx lose more and their counts scatter further apart: module 5 6 10,
# stock 5 9 3 in three runs; there the slack is 12, still below 20.
our $SLACK = $ENV{TEST_NGINX_SANITIZER} ? 12 : 6;

our $RELOADS = 20;
our $WORKERS = 2;

run_tests();

# ---------------------------------------------------------------------------
# helpers of the --- perl section
# ---------------------------------------------------------------------------

sub slurp_file {
    my ($path) = @_;
    open my $fh, '<', $path or return '';
    local $/;
    my $data = <$fh>;
    return defined $data ? $data : '';
}

# the pids whose parent is $ppid, from /proc
sub children_of {
    my ($ppid) = @_;
    my @pids;
    opendir my $dh, '/proc' or return;
    for my $p (grep { /^\d+$/ } readdir $dh) {
        my $stat = slurp_file("/proc/$p/stat");
        push @pids, $p if $stat =~ /\)\s+\S+\s+(\d+)/ && $1 == $ppid;
    }
    return sort { $a <=> $b } @pids;
}

# the pids of "start worker process" lines, oldest first
sub started_workers {
    my ($log) = @_;
    my @pids = slurp_file($log) =~ /start worker process (\d+)/g;
    return @pids;
}

sub nstarted {
    my @pids = started_workers(@_);
    return scalar @pids;
}

# One client, in a child process: GET $path on 127.0.0.1:$port until
# $stop exists; writes "ok fail reasons..." to $out.  $mode is "close"
# (a connection per request) or "keepalive" (one connection, reopened
# when the server closes it; a request that gets no complete answer
# counts as a failure).
sub client {
    my ($mode, $port, $path, $want, $stop, $out) = @_;
    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    return $pid if $pid;

    my ($ok, $fail, %why) = (0, 0);
    my $req = "GET $path HTTP/1.1\r\nHost: localhost\r\n"
            . ($mode eq 'close' ? "Connection: close\r\n" : '') . "\r\n";
    my $sock;
    my $failed = sub { $fail++; $why{ $_[0] }++; close $sock if $sock;
                       undef $sock };

    while (!-e $stop) {
        if ($mode eq 'close') {
            my $r = eval { http_request($req, port => $port, timeout => 5) };
            if (!$r) {
                $failed->('connect: ' . ($@ =~ s/\s+\z//r));
            } elsif ($r->{error}) {
                $failed->($r->{error});
            } elsif ($r->{status} ne '200' || $r->{body} ne $want) {
                $failed->("status $r->{status}");
            } else {
                $ok++;
            }
            next;
        }

        $sock ||= IO::Socket::IP->new(PeerHost => '127.0.0.1',
                                      PeerPort => $port, Proto => 'tcp',
                                      Timeout => 5)
            or do { $failed->('connect'); next };
        binmode $sock;
        # as curl and browsers do: an idle connection that the server has
        # closed meanwhile (readable: EOF) is not reused
        if (IO::Select->new($sock)->can_read(0)) {
            close $sock;
            undef $sock;
            next;
        }
        unless (syswrite($sock, $req) == length $req) {
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
        } elsif ($r->{status} ne '200' || $r->{body} ne $want) {
            $failed->("status $r->{status}");
        } else {
            $ok++;
            my $conn = $r->header('Connection');
            if (defined $conn && $conn =~ /close/i) {
                close $sock;
                undef $sock;
            }
        }
    }

    open my $fh, '>', $out or POSIX::_exit(1);
    print {$fh} join("\t", $ok, $fail,
                     map { "$_ x$why{$_}" } sort keys %why), "\n";
    close $fh;
    POSIX::_exit(0);
}

# Runs the load on $port while sending $RELOADS SIGHUPs to $master, with
# $change->($i) before every other one; then waits for the old workers to
# go.  Returns {close => [ok, fail, reasons], keepalive => [...],
# generations_ok => 1/0, leftover => "..."}.
sub reload_under_load {
    my (%a) = @_;
    my $dir = "$a{dir}/load";
    mkdir $dir;
    unlink "$dir/stop";

    my %pid;
    for my $mode (qw(close keepalive)) {
        for my $n (1, 2) {
            $pid{"$mode$n"} = client($mode, $a{port}, $a{path}, $a{want},
                                     "$dir/stop", "$dir/$mode$n");
        }
    }

    Time::HiRes::sleep(0.5);    # the clients are running

    my $gen_ok = 1;
    for my $i (1 .. $RELOADS) {
        $a{change}->($i) if $i % 2 == 0;
        my $before = nstarted($a{log});
        kill 'HUP', $a{master};
        my $deadline = Time::HiRes::time() + 5;
        my $started;
        while (Time::HiRes::time() < $deadline) {
            $started = nstarted($a{log});
            last if $started >= $before + $WORKERS;
            Time::HiRes::sleep(0.02);
        }
        if ($started < $before + $WORKERS) {
            $gen_ok = 0;
            Test::More::diag("$a{what}: reload $i started no new workers");
        }
        Time::HiRes::sleep(0.15);   # old and new generations overlap
    }

    # the last generation serves alone within a few seconds
    my @last = (started_workers($a{log}))[-$WORKERS .. -1];
    my $deadline = Time::HiRes::time() + 10;
    my @now;
    while (Time::HiRes::time() < $deadline) {
        @now = children_of($a{master});
        last if "@now" eq join ' ', sort { $a <=> $b } @last;
        Time::HiRes::sleep(0.05);
    }
    my $leftover = join ' ', map {
        (my $t = slurp_file("/proc/$_/cmdline")) =~ tr/\0/ /;
        "$_ ($t)"
    } @now;

    Time::HiRes::sleep(0.3);    # some load on the last generation too
    open my $fh, '>', "$dir/stop" or die $!;
    close $fh;

    my %res = (generations_ok => $gen_ok, leftover => $leftover,
               children => "@now",
               last => join(' ', sort { $a <=> $b } @last));
    for my $c (sort keys %pid) {
        waitpid $pid{$c}, 0;
        my ($ok, $fail, @why) = split /\t/, slurp_file("$dir/$c");
        chomp @why;
        (my $mode = $c) =~ s/\d+\z//;
        $res{$mode}[0] += $ok || 0;
        $res{$mode}[1] += $fail || 0;
        push @{ $res{$mode}[2] }, @why;
    }
    unlink "$dir/stop";
    return \%res;
}

# A stock nginx, no load_module, in its own prefix: the same backend as a
# server block of the same nginx, a keepalive upstream, plain proxy_pass.
sub stock_config {
    my ($dir, $port, $bport, $extra) = @_;
    my $user = $> == 0 ? "user root;\n" : '';
    return <<"CONF";
${user}daemon off;
master_process on;
worker_processes $WORKERS;
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

    upstream backends {
        server 127.0.0.1:$bport;
        keepalive 4;
    }

    server {
        listen 127.0.0.1:$bport;
        location / { return 200 "ok \$uri\\n"; }
    }

    server {
        listen 127.0.0.1:$port;
$extra
        location / {
            proxy_pass http://backends;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
CONF
}

__DATA__

=== TEST 1: 20 reloads under load: no failure with Connection: close, keep-alive no worse than stock nginx, no old worker left
--- workers: 2
--- timeout: 20
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/a"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 4;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "ok $uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my $root = servroot();
my $bport = backend_port();

# 1. the module: every other reload adds a service to the manifest

my $module = main::reload_under_load(
    what   => 'module',
    dir    => $root,
    port   => server_port(),
    master => (main::slurp_file("$root/logs/nginx.pid") =~ /(\d+)/)[0],
    log    => "$root/logs/error.log",
    path   => '/a/x',
    want   => "ok /a/x\n",
    change => sub {
        my ($i) = @_;
        my $extra = join '', map { <<"JSON" } grep { $_ % 2 == 0 } 2 .. $i;
    ,{"id": "n$_", "name": "N$_", "category": "c",
      "routes": [{"path": "/n$_"}], "backends": ["127.0.0.1:$bport"]}
JSON
        write_file('manifests/a.json', <<"JSON");
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S (reload $i)", "category": "c",
     "routes": [{"path": "/a"}], "backends": ["127.0.0.1:$bport"]}
$extra  ]
}
JSON
    },
);

ok($module->{generations_ok}, "module: each of $main::RELOADS reloads started new workers");
is($module->{children}, $module->{last},
   'module: only the last generation of workers is left')
    or diag("module: workers left: $module->{leftover}");
my $r = http_get("/n$main::RELOADS/y");
is("$r->{status} $r->{body}", "200 ok /n$main::RELOADS/y\n",
   'module: the last manifest is in force');

# 2. stock nginx, same load, same reloads, its config changed instead

my $sdir = "$root/stock";
mkdir $_ for $sdir, "$sdir/logs", "$sdir/tmp";
my $sport = backend_port(2);
my $sbport = backend_port(3);
my $write_stock = sub {
    my ($extra) = @_;
    open my $fh, '>', "$sdir/nginx.conf" or die $!;
    print {$fh} main::stock_config($sdir, $sport, $sbport, $extra);
    close $fh or die $!;
};
$write_stock->('');
my $spid = fork;
die "fork: $!" unless defined $spid;
if (!$spid) {
    open STDIN, '<', '/dev/null';
    open STDOUT, '>>', "$sdir/logs/stderr.log";
    open STDERR, '>&', \*STDOUT;
    exec '/usr/sbin/nginx', '-p', "$sdir/", '-c', "$sdir/nginx.conf",
         '-e', 'stderr'
        or POSIX::_exit(127);
}
my $deadline = Time::HiRes::time() + 5;
Time::HiRes::sleep(0.05)
    until Time::HiRes::time() > $deadline
          || (main::nstarted("$sdir/logs/error.log") >= $main::WORKERS
              && http_get('/a/x', port => $sport)->{status});

my $stock = eval {
    main::reload_under_load(
        what   => 'stock',
        dir    => $sdir,
        port   => $sport,
        master => $spid,
        log    => "$sdir/logs/error.log",
        path   => '/a/x',
        want   => "ok /a/x\n",
        change => sub {
            my ($i) = @_;
            $write_stock->(join '', map {
                "        location = /n$_ { return 200 \"n$_\\n\"; }\n"
            } grep { $_ % 2 == 0 } 2 .. $i);
        },
    );
};
my $err = $@;
kill 'QUIT', $spid;
waitpid $spid, 0;
die $err if $err;

ok($stock->{generations_ok}, "stock: each of $main::RELOADS reloads started new workers");
is($stock->{children}, $stock->{last},
   'stock: only the last generation of workers is left')
    or diag("stock: workers left: $stock->{leftover}");
unlike(main::slurp_file("$sdir/logs/error.log"),
       qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'stock: no alert or crash in its log');

# 3. the figures

for my $what (['module', $module], ['stock', $stock]) {
    my ($name, $res) = @$what;
    for my $mode (qw(close keepalive)) {
        my ($ok, $fail, $why) = @{ $res->{$mode} };
        diag(sprintf "%-6s %-9s: %5d ok, %3d failed%s", $name, $mode, $ok,
             $fail, @$why ? ' (' . join('; ', @$why) . ')' : '');
    }
}

cmp_ok($module->{close}[0], '>', 100, 'module: close clients got answers');
cmp_ok($module->{keepalive}[0], '>', 100,
       'module: keep-alive clients got answers');
cmp_ok($stock->{keepalive}[0], '>', 100,
       'stock: keep-alive clients got answers');
is($module->{close}[1], 0,
   'module: no failed request with a connection per request');
is(join('; ', grep { !/^closed before an answer x\d+\z/ }
                @{ $module->{keepalive}[2] }), '',
   'module: keep-alive failures are only the race (closed before an answer)');
cmp_ok($module->{keepalive}[1], '<=', $stock->{keepalive}[1] + $main::SLACK,
       "module: keep-alive failures at most stock's + $main::SLACK");
--- no_error_log
no live upstreams



=== TEST 2: a single backend whose cached connection was closed is retried on a new connection, as round robin does
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/a"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 4;
    }
    # the backend answers the first request of a connection and closes the
    # connection without a word at the second: what a backend worker that
    # shuts down on a reload, or a keepalive_timeout, does to a connection
    # that the proxy has cached
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            if ($connection_requests != 1) {
                return 444;
            }
            return 200 "ok $uri\n";
        }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- request eval
["GET /a/1", "GET /a/2", "GET /a/3", "GET /a/4"]
--- response_body eval
["ok /a/1\n", "ok /a/2\n", "ok /a/3\n", "ok /a/4\n"]
--- error_log
upstream prematurely closed connection
--- no_error_log
no live upstreams
