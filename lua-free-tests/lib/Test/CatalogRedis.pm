package Test::CatalogRedis;

# Test::CatalogRedis - what the Redis tests (lua-free-tests/t/08*.t) need
# on top of Test::Catalog: a real redis-server on a free loopback port, a
# second independent nginx ("node B") loading the same module, fake
# servers that answer garbage or nothing, a poll helper, and the fixtures
# (catalog, tokens, configurations) the Redis tests share.
#
#   use lib 'lib';
#   use Test::Catalog;
#   use Test::CatalogRedis;
#
#   redis_start();                    # before run_tests(): sets
#                                     # $TEST_NGINX_REDIS_PORT
#   run_tests();
#
# A plain Exporter module (no Spiffy filter): subs read @_ as usual.  The
# processes it starts (redis-server, node B, fake servers, wrk) are
# children of the test; END stops them, before Test::Catalog's END
# removes the servroot.  See the POD after __END__.

use strict;
use warnings;

use Cwd ();
use Exporter ();
use File::Path ();
use File::Temp ();
use IO::Select;
use IO::Socket::IP;
use IO::Socket::UNIX;
use JSON::PP ();
use POSIX ();
use Socket ();
use Time::HiRes ();

use Test::Catalog ();

our @ISA = ('Exporter');
our @EXPORT = qw(
    wait_until now_ms rfc3339_ms rfc3339 parse_rfc3339
    free_port children_of slurp_file spew_file

    redis_start redis_stop redis_kill redis_restart redis_pause
    redis_resume redis_pid redis_port redis_socket redis_dir redis_log
    redis_running redis_cli redis_cmd redis_ok redis_hgetall redis_flush
    redis_subscribe redis_error redis_conns redis_multi

    node_b_start node_b_stop node_b_reload node_b_pid node_b_port
    node_b_dir node_b_log node_b_worker_pids node_b_running
    node_b_log_problems node_b_write_config

    fake_server fake_server_stop fake_server_accepts

    log_problems connected_pids connected_lines worker_rss_kb
    owner_pid redis_conns_of master_pid_a

    wrk_start wrk_wait

    $TOKEN_ROOT $TOKEN_DUKCAPIL $TOKENS_JSON %MANIFESTS
    redis_line http_a config_common start_a start_b keep_dir
    admin put_status delete_status override_of api_service status_json
    metrics_text metric page_message wait_synced wait_served
    redis_status_of b finish_b redis_change hash_of log_since
    wait_log
);

my $json = JSON::PP->new->utf8->canonical;

$SIG{PIPE} = 'IGNORE';

# ---------------------------------------------------------------------------
# Small utilities
# ---------------------------------------------------------------------------

sub now { Time::HiRes::time() }

sub now_ms { int(Time::HiRes::time() * 1000) }

# "2026-12-01T01:00:00.123Z" for a time in milliseconds (default: now)
sub rfc3339_ms {
    my ($ms) = @_;
    $ms = now_ms() unless defined $ms;
    my $s = POSIX::floor($ms / 1000);
    return POSIX::strftime('%Y-%m-%dT%H:%M:%S', gmtime $s)
         . sprintf('.%03dZ', $ms - $s * 1000);
}

# "2026-12-01T01:00:00Z" for a time in seconds (default: now)
sub rfc3339 {
    my ($s) = @_;
    $s = time unless defined $s;
    return POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $s);
}

# milliseconds since the epoch of an RFC 3339 text (fraction and offset
# allowed), or undef
sub parse_rfc3339 {
    my ($t) = @_;
    return undef unless defined $t;
    $t =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/
        or return undef;
    require Time::Local;
    my $s = eval { Time::Local::timegm($6, $5, $4, $3, $2 - 1, $1) };
    return undef unless defined $s;
    my $frac = defined $7 ? substr($7 . '000', 0, 3) : 0;
    if ($8 ne 'Z') {
        my ($sign, $h, $m) = $8 =~ /([+-])(\d\d):(\d\d)/;
        $s -= ($sign eq '+' ? 1 : -1) * ($h * 3600 + $m * 60);
    }
    return $s * 1000 + $frac;
}

# wait_until($seconds, sub { ... }): calls the sub every 25 ms until it
# returns true or $seconds have passed.  Returns the elapsed time as a
# string with 3 decimals ("0.000" is true in Perl), or undef on timeout.
sub wait_until {
    my ($timeout, $cond, $every) = @_;
    $every ||= 0.025;
    my $t0 = now();
    my $deadline = $t0 + $timeout;
    while (1) {
        return sprintf('%.3f', now() - $t0) if $cond->();
        last if now() >= $deadline;
        Time::HiRes::sleep($every);
    }
    return undef;
}

sub slurp_file {
    my ($path) = @_;
    open my $fh, '<', $path or return undef;
    binmode $fh;
    local $/;
    my $data = <$fh>;
    return defined $data ? $data : '';
}

sub spew_file {
    my ($path, $data) = @_;
    (my $dir = $path) =~ s{/[^/]*\z}{};
    File::Path::make_path($dir) if length $dir && !-d $dir;
    open my $fh, '>', $path or die "cannot write $path: $!\n";
    binmode $fh;
    print {$fh} $data;
    close $fh or die "cannot write $path: $!\n";
}

# a free loopback TCP port (bound to port 0 and closed again)
sub free_port {
    my $s = IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => 0,
                                Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or die "cannot bind a free port: $@\n";
    my $port = $s->sockport;
    close $s;
    return $port;
}

# the pids whose parent is $ppid, from /proc
sub children_of {
    my ($ppid) = @_;
    my @pids;
    opendir my $dh, '/proc' or return;
    for my $p (grep { /^\d+$/ } readdir $dh) {
        my $stat = slurp_file("/proc/$p/stat");
        push @pids, $p if defined $stat && $stat =~ /\)\s+\S+\s+(\d+)/
                          && $1 == $ppid;
    }
    my @sorted = sort { $a <=> $b } @pids;
    return @sorted;
}

# run a command, return (exit code, stdout+stderr)
sub run_capture {
    my (@cmd) = @_;
    my $stdin;
    if (ref $cmd[0] eq 'HASH') {
        my $o = shift @cmd;
        $stdin = $o->{stdin};
    }
    my $in_file;
    if (defined $stdin) {
        my $fh;
        ($fh, $in_file) = File::Temp::tempfile('catalog-redis-in-XXXXXX',
                                               TMPDIR => 1, UNLINK => 1);
        binmode $fh;
        print {$fh} $stdin;
        close $fh;
    }
    my $pid = open(my $fh, '-|');
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        open STDERR, '>&', \*STDOUT;
        if (defined $in_file) { open STDIN, '<', $in_file }
        else { open STDIN, '<', '/dev/null' }
        exec { $cmd[0] } @cmd or POSIX::_exit(127);
    }
    binmode $fh;
    local $/;
    my $out = <$fh>;
    close $fh;
    my $rc = $? >> 8;
    unlink $in_file if defined $in_file;
    return ($rc, defined $out ? $out : '');
}

sub http_get { Test::Catalog::http_get(@_) }

# ---------------------------------------------------------------------------
# redis-server
# ---------------------------------------------------------------------------

my %R;            # the current redis-server: pid, port, dir, opts, ...
my $Redis_top;    # a temp dir for every redis-server of this test file

sub redis_dir {
    unless ($Redis_top) {
        $Redis_top = File::Temp::tempdir('catalog-redis-XXXXXX', TMPDIR => 1);
    }
    return $Redis_top;
}

sub redis_pid     { return $R{pid} }
sub redis_port    { return $R{port} }
sub redis_socket  { return $R{socket} }
sub redis_running { return $R{pid} && kill(0, $R{pid}) ? 1 : 0 }
sub redis_log     { return slurp_file(redis_dir() . '/redis.log') // '' }

# redis_start(port => P, requirepass => PW, acl => [LINE, ...],
#             unixsocket => 1, keep => 1, databases => N, conf => [LINE])
# Starts redis-server in redis_dir() (a new free port unless port =>, the
# previous one when restarting), with `save ""` and `appendonly no`;
# keep => 1 keeps dump.rdb from a previous SHUTDOWN SAVE (its data come
# back).  Sets $ENV{TEST_NGINX_REDIS_PORT} (and TEST_NGINX_REDIS_SOCKET).
# Returns the port; dies with redis-server's log if it does not come up.
sub redis_start {
    my (%o) = @_;
    die "redis_start: redis-server is already running (pid $R{pid})\n"
        if redis_running();
    my $dir = redis_dir();
    unlink "$dir/dump.rdb" unless $o{keep};
    my $port = $o{port} || free_port();
    my $sock = "$dir/redis.sock";
    my @conf = (
        "port $port",
        'bind 127.0.0.1',
        'daemonize no',
        "dir $dir",
        'dbfilename dump.rdb',
        'save ""',
        'appendonly no',
        "logfile $dir/redis.log",
        "pidfile $dir/redis.pid",
        'databases ' . ($o{databases} || 16),
        'loglevel notice',
        'tcp-keepalive 0',
    );
    if ($o{unixsocket}) {
        unlink $sock;
        push @conf, "unixsocket $sock", 'unixsocketperm 777';
    }
    push @conf, "requirepass $o{requirepass}" if defined $o{requirepass};
    push @conf, @{ $o{acl} } if $o{acl};
    push @conf, @{ $o{conf} } if $o{conf};
    spew_file("$dir/redis.conf", join("\n", @conf) . "\n");

    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        $SIG{INT} = $SIG{TERM} = 'DEFAULT';
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$dir/redis.stdout";
        open STDERR, '>&', \*STDOUT;
        exec 'redis-server', "$dir/redis.conf" or POSIX::_exit(127);
    }
    %R = (pid => $pid, port => $port, dir => $dir, opts => {%o},
          socket => $o{unixsocket} ? $sock : undef,
          password => $o{requirepass});
    $ENV{TEST_NGINX_REDIS_PORT} = $port;
    $ENV{TEST_NGINX_REDIS_SOCKET} = $sock;
    $ENV{TEST_NGINX_REDIS_DIR} = $dir;
    my $up = wait_until(10, sub {
        if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
            delete $R{pid};
            return 1;
        }
        my $r = eval { redis_cmd('PING') };
        return defined $r && !ref $r && $r eq 'PONG';
    });
    unless ($up && $R{pid}) {
        my $log = redis_log() . (slurp_file("$dir/redis.stdout") // '');
        kill 'KILL', $pid if $R{pid};
        waitpid $pid, 0 if $R{pid};
        %R = (port => $port, dir => $dir, opts => {%o});
        die "redis-server did not start on port $port:\n$log\n";
    }
    return $port;
}

# redis_stop(save => 1): SHUTDOWN SAVE (the data come back with
# redis_start(keep => 1)) or SHUTDOWN NOSAVE; waits for the process.
sub redis_stop {
    my (%o) = @_;
    return unless $R{pid};
    my $pid = $R{pid};
    kill 'CONT', $pid;
    eval { redis_cmd('SHUTDOWN', $o{save} ? 'SAVE' : 'NOSAVE') };
    my $gone = wait_until(10, sub { waitpid($pid, POSIX::WNOHANG()) == $pid });
    unless ($gone) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }
    delete $R{pid};
    return 1;
}

# SIGKILL: nothing saved
sub redis_kill {
    return unless $R{pid};
    my $pid = delete $R{pid};
    kill 'KILL', $pid;
    waitpid $pid, 0;
    return 1;
}

# redis_restart(keep => 1): stop (saving if keep) and start on the same
# port with the same options (overridden by the other arguments)
sub redis_restart {
    my (%o) = @_;
    my $keep = delete $o{keep};
    redis_stop(save => $keep) if redis_running();
    return redis_start(%{ $R{opts} || {} }, %o, port => $R{port},
                       keep => $keep);
}

sub redis_pause  { kill 'STOP', $R{pid} if $R{pid} }
sub redis_resume { kill 'CONT', $R{pid} if $R{pid} }

# redis-cli --no-auth-warning -h 127.0.0.1 -p PORT [-a PW] ARGS...:
# its output, without the final line break.  An option hash first:
# {stdin => DATA} feeds DATA to -x, {auth => 0} leaves the password out,
# {user => U, pass => P} logs in as an ACL user.
sub redis_cli {
    my (@args) = @_;
    my $o = ref $args[0] eq 'HASH' ? shift @args : {};
    my @cmd = ('redis-cli', '--no-auth-warning', '-h', '127.0.0.1',
               '-p', $R{port});
    if (defined $o->{user}) {
        push @cmd, '--user', $o->{user}, '--pass', $o->{pass};
    } elsif (defined $R{password} && !(exists $o->{auth} && !$o->{auth})) {
        push @cmd, '-a', $R{password};
    }
    push @cmd, '-x' if defined $o->{stdin};
    my ($rc, $out) = run_capture({ stdin => $o->{stdin} }, @cmd, @args);
    $out =~ s/\n\z//;
    return $out;
}

# --- a small RESP2 client: no size limit on arguments (redis-cli takes a
# value of some MiB only through -x), binary safe

package Test::CatalogRedis::Error;
use overload '""' => sub { '(error) ' . ${ $_[0] } }, fallback => 1;
sub message { ${ $_[0] } }

package Test::CatalogRedis::Conn;

sub new {
    my ($class, %o) = @_;
    my $sock;
    if ($o{path}) {
        $sock = IO::Socket::UNIX->new(Peer => $o{path},
                                      Type => Socket::SOCK_STREAM());
    } else {
        $sock = IO::Socket::IP->new(PeerHost => '127.0.0.1',
                                    PeerPort => $o{port}, Proto => 'tcp',
                                    Timeout => $o{timeout} || 5);
    }
    die "cannot connect to redis on " . ($o{path} || "127.0.0.1:$o{port}")
        . ": $!\n" unless $sock;
    binmode $sock;
    my $self = bless { sock => $sock, buf => '',
                       timeout => $o{timeout} || 5 }, $class;
    if (defined $o{password}) {
        my $r = $self->cmd('AUTH', defined $o{user} ? $o{user} : (),
                           $o{password});
        die "redis AUTH: $r\n" if ref $r;
    }
    return $self;
}

sub send_cmd {
    my ($self, @args) = @_;
    my $out = '*' . scalar(@args) . "\r\n";
    for my $a (@args) {
        my $b = defined $a ? "$a" : '';
        utf8::encode($b) if utf8::is_utf8($b);
        $out .= '$' . length($b) . "\r\n$b\r\n";
    }
    my $off = 0;
    while ($off < length $out) {
        my $n = syswrite $self->{sock}, $out, length($out) - $off, $off;
        die "redis: write failed: $!\n" unless $n;
        $off += $n;
    }
}

sub fill {
    my ($self, $want, $timeout) = @_;
    my $deadline = Time::HiRes::time() + ($timeout // $self->{timeout});
    my $sel = IO::Select->new($self->{sock});
    while (length($self->{buf}) < $want) {
        my $left = $deadline - Time::HiRes::time();
        return 0 if $left <= 0 || !$sel->can_read($left);
        my $n = sysread $self->{sock}, $self->{buf}, 1 << 20,
                        length $self->{buf};
        die "redis: connection closed\n" unless $n;
    }
    return 1;
}

sub line {
    my ($self, $timeout) = @_;
    while ((my $i = index $self->{buf}, "\r\n") < 0) {
        $self->fill(length($self->{buf}) + 1, $timeout) or return undef;
    }
    my $i = index $self->{buf}, "\r\n";
    my $l = substr $self->{buf}, 0, $i;
    substr($self->{buf}, 0, $i + 2) = '';
    return $l;
}

# one reply: a string, an integer, undef (nil), an array ref, or an
# Error object; dies on timeout unless $timeout is given (then returns
# the string "TIMEOUT")
sub reply {
    my ($self, $timeout) = @_;
    my $l = $self->line($timeout);
    unless (defined $l) {
        return 'TIMEOUT' if defined $timeout;
        die "redis: no reply within $self->{timeout}s\n";
    }
    my ($t, $rest) = (substr($l, 0, 1), substr($l, 1));
    return $rest if $t eq '+';
    return bless \$rest, 'Test::CatalogRedis::Error' if $t eq '-';
    return $rest + 0 if $t eq ':';
    if ($t eq '$') {
        return undef if $rest < 0;
        $self->fill($rest + 2) or die "redis: truncated bulk string\n";
        my $s = substr $self->{buf}, 0, $rest;
        substr($self->{buf}, 0, $rest + 2) = '';
        return $s;
    }
    if ($t eq '*') {
        return undef if $rest < 0;
        return [map { $self->reply } 1 .. $rest];
    }
    die "redis: bad reply line '$l'\n";
}

sub cmd {
    my ($self, @args) = @_;
    $self->send_cmd(@args);
    return $self->reply;
}

# pub/sub: the next message of a subscription as [channel, payload], or
# undef when none came within $timeout seconds
sub next_message {
    my ($self, $timeout) = @_;
    my $deadline = Time::HiRes::time() + $timeout;
    while (1) {
        my $left = $deadline - Time::HiRes::time();
        return undef if $left <= 0;
        my $r = $self->reply($left);
        return undef if !ref $r && $r eq 'TIMEOUT';
        next unless ref $r eq 'ARRAY';
        return [$r->[1], $r->[2]] if $r->[0] eq 'message';
        return [$r->[2], $r->[3]] if $r->[0] eq 'pmessage';
    }
}

# every message that came within $timeout seconds
sub messages {
    my ($self, $timeout) = @_;
    my @m;
    my $deadline = Time::HiRes::time() + $timeout;
    while (my $m = $self->next_message(
               List::Util::max(0.001, $deadline - Time::HiRes::time()))) {
        push @m, $m;
        last if Time::HiRes::time() >= $deadline;
    }
    return @m;
}

sub disconnect { my ($self) = @_; CORE::close($self->{sock}) if $self->{sock} }

package Test::CatalogRedis;

use List::Util ();

# redis_cmd(ARGS...): one command on a new connection (with the
# password of requirepass), its reply (see Conn::reply); an option hash
# first: {db => N, user => U, pass => P, auth => 0, timeout => S}
sub redis_cmd {
    my (@args) = @_;
    my $o = ref $args[0] eq 'HASH' ? shift @args : {};
    my $c = Test::CatalogRedis::Conn->new(
        port => $R{port}, timeout => $o->{timeout},
        defined $o->{user} ? (user => $o->{user}, password => $o->{pass})
        : (exists $o->{auth} && !$o->{auth}) ? ()
        : (password => $R{password}));
    if ($o->{db}) {
        my $r = $c->cmd('SELECT', $o->{db});
        die "redis SELECT $o->{db}: $r\n" if ref $r;
    }
    my $r = $c->cmd(@args);
    $c->disconnect;
    return $r;
}

# redis_multi([CMD, ARGS...], ...): the commands in one MULTI/EXEC on
# one connection (atomic: nobody sees a state between them); EXEC's reply
sub redis_multi {
    my (@cmds) = @_;
    my $c = Test::CatalogRedis::Conn->new(port => $R{port},
                                          password => $R{password});
    my $r = $c->cmd('MULTI');
    die "MULTI: $r\n" if ref $r;
    for my $cmd (@cmds) {
        $r = $c->cmd(@$cmd);
        die "@$cmd[0 .. 1]: $r\n" if ref $r;
    }
    $r = $c->cmd('EXEC');
    $c->disconnect;
    return $r;
}

sub redis_error { my ($r) = @_; return ref $r eq 'Test::CatalogRedis::Error' }

# redis_ok(ARGS...): redis_cmd that dies on an error reply
sub redis_ok {
    my $r = redis_cmd(@_);
    die "redis @_[0 .. ($#_ > 2 ? 2 : $#_)]...: $r\n" if redis_error($r);
    return $r;
}

# HGETALL as a hash ref ({} for a missing key; the Error object for a
# key of another type)
sub redis_hgetall {
    my (@args) = @_;
    my $o = ref $args[0] eq 'HASH' ? shift @args : {};
    my $r = redis_cmd($o, 'HGETALL', $args[0]);
    return $r if redis_error($r);
    return { @{ $r || [] } };
}

sub redis_flush { return redis_ok('FLUSHALL') }

# a subscriber connection: $sub->next_message($seconds) -> [channel, msg]
sub redis_subscribe {
    my (@channels) = @_;
    my $c = Test::CatalogRedis::Conn->new(port => $R{port},
                                          password => $R{password});
    $c->send_cmd('SUBSCRIBE', @channels);
    for (@channels) {
        my $r = $c->reply;
        die "SUBSCRIBE: $r\n" unless ref $r eq 'ARRAY';
    }
    return $c;
}

# the established TCP connections to the redis port (or $port), from
# `ss -tnp`: a list of {pid, process, local_port}; one entry per process
# holding the socket
sub redis_conns {
    my ($port) = @_;
    $port ||= $R{port};
    my ($rc, $out) = run_capture('ss', '-Htnp', 'state', 'established');
    my @c;
    for my $l (split /\n/, $out) {
        my @f = split ' ', $l;
        # Recv-Q Send-Q Local:Port Peer:Port Process
        next unless @f >= 4;
        my ($local, $peer) = @f[2, 3];
        next unless $peer =~ /:(\d+)\z/ && $1 == $port;
        my ($lport) = $local =~ /:(\d+)\z/;
        while ($l =~ /\("([^"]*)",pid=(\d+),fd=(\d+)\)/g) {
            push @c, { process => $1, pid => $2, fd => $3,
                       local_port => $lport };
        }
    }
    return @c;
}

# {pid => number of connections to redis} for the children of $master
sub redis_conns_of {
    my ($master, $port) = @_;
    my %kids = map { $_ => 1 } children_of($master);
    my %n;
    $n{ $_->{pid} }++ for grep { $kids{ $_->{pid} } } redis_conns($port);
    return \%n;
}

# ---------------------------------------------------------------------------
# Log helpers
# ---------------------------------------------------------------------------

# the pids of the "catalog redis: connected to" lines of a log, in order
sub connected_pids {
    my ($log) = @_;
    return $log =~ /\[notice\] (\d+)#\d+: catalog redis: connected to /g;
}

sub connected_lines {
    my ($log) = @_;
    return grep { /catalog redis: connected to / } split /\n/, $log;
}

# the pid of the worker holding the Redis connections of the nginx whose
# master is $master: the last "connected" pid that is still a child of
# $master and holds sockets to the redis port; undef if none
sub owner_pid {
    my ($master, $log) = @_;
    my $conns = redis_conns_of($master);
    my @pids = reverse connected_pids($log);
    for my $p (@pids) {
        return $p if $conns->{$p};
    }
    my @held = keys %$conns;
    return @held == 1 ? $held[0] : undef;
}

# lines of a log that fail a block: crashes, sanitizer reports, and
# alert/crit/emerg lines matching none of @excuse (strings or qr//)
sub log_problems {
    my ($log, @excuse) = @_;
    return grep {
        my $line = $_;
        ($line =~ /Sanitizer|runtime error|exited on signal|valgrind error/
         || $line =~ /\[(?:alert|crit|emerg)\]/)
        && !grep { ref $_ ? $line =~ $_ : index($line, $_) >= 0 } @excuse
    } split /\n/, $log;
}

sub worker_rss_kb {
    my ($pid) = @_;
    my $st = slurp_file("/proc/$pid/status") // '';
    return $st =~ /^VmRSS:\s+(\d+)\s+kB/m ? $1 : undef;
}

sub master_pid_a {
    my $t = slurp_file(Test::Catalog::servroot() . '/logs/nginx.pid') // '';
    return $t =~ /(\d+)/ ? $1 : undef;
}

# ---------------------------------------------------------------------------
# Node B: a second nginx with its own prefix, config and port
# ---------------------------------------------------------------------------

my %B;    # pid, port, dir, conf (sections), exit

sub node_b_dir {
    return $B{dir} ||= Test::Catalog::servroot() . '/node-b';
}

sub node_b_port {
    $B{port} ||= free_port();
    $ENV{TEST_NGINX_B_PORT} = $B{port};
    return $B{port};
}

sub node_b_pid     { return $B{pid} }
sub node_b_running { return $B{pid} && kill(0, $B{pid}) ? 1 : 0 }
sub node_b_log {
    my $d = node_b_dir();
    return (slurp_file("$d/logs/stderr.log") // '')
         . (slurp_file("$d/logs/error.log") // '');
}
sub node_b_worker_pids { return $B{pid} ? children_of($B{pid}) : () }

sub node_b_config_text {
    my (%s) = @_;
    my $dir = node_b_dir();
    my $port = node_b_port();
    $ENV{TEST_NGINX_B_DIR} = $dir;
    $ENV{TEST_NGINX_B_HTML_DIR} = "$dir/html";
    $ENV{TEST_NGINX_B_MANIFEST_DIR} = "$dir/manifests";
    my $x = sub { Test::Catalog::expand(defined $_[0] ? $_[0] : '',
                                        'node B config') };
    my $main = $x->($s{main_config});
    my $http = $x->($s{http_config});
    my $srv  = $x->($s{config});
    my $workers = $s{workers} || 1;
    my $load = join '', map { "load_module $_;\n" }
                        Test::Catalog::load_modules();
    my $user = ($> == 0 && $main !~ /^\s*user\s/m) ? "user root;\n" : '';
    my $temp = join '', map { "    ${_}_temp_path $dir/tmp/$_;\n" }
        'client_body',
        grep { Test::Catalog::nginx_has_module($_) } qw(proxy fastcgi uwsgi scgi);
    my $listen = $s{listen} || "127.0.0.1:$port reuseport";
    return <<"CONF";
# node B, written by Test::CatalogRedis
$load${user}daemon off;
master_process on;
worker_processes $workers;
error_log $dir/logs/error.log info;
pid $dir/logs/nginx.pid;

$main

events {
    worker_connections 1024;
}

http {
    access_log $dir/logs/access.log;
$temp    default_type text/plain;

$http

    server {
        listen $listen;
        server_name localhost;

$srv
    }
}
CONF
}

# (re)write node B's conf/nginx.conf; sections as node_b_start's
sub node_b_write_config {
    my (%s) = @_;
    $B{conf} = { %{ $B{conf} || {} }, %s };
    spew_file(node_b_dir() . '/conf/nginx.conf',
              node_b_config_text(%{ $B{conf} }));
}

# node_b_start(http_config =>, config =>, main_config =>, workers =>,
#              manifests => {name => text}, files => {relpath => text},
#              timeout =>): a fresh node-b/ directory under the servroot
# (placeholders expanded, also $TEST_NGINX_B_PORT, $TEST_NGINX_B_DIR,
# $TEST_NGINX_B_HTML_DIR, $TEST_NGINX_B_MANIFEST_DIR), nginx started with
# `daemon off` as our child; returns 1 once it accepts on its port, dies
# with its log otherwise.
sub node_b_start {
    my (%s) = @_;
    node_b_stop() if $B{pid};
    my $dir = node_b_dir();
    my $port = node_b_port();
    unless ($s{keep_files}) {
        File::Path::remove_tree("$dir/$_") for qw(conf html manifests tmp);
    }
    File::Path::make_path("$dir/$_") for qw(conf html manifests tmp logs);
    spew_file("$dir/logs/$_", '') for qw(error.log access.log stderr.log);
    unlink "$dir/logs/nginx.pid";
    $ENV{TEST_NGINX_B_DIR} = $dir;
    $ENV{TEST_NGINX_B_HTML_DIR} = "$dir/html";
    $ENV{TEST_NGINX_B_MANIFEST_DIR} = "$dir/manifests";
    for my $kind (['manifests', "$dir/manifests"], ['files', $dir]) {
        my $m = delete $s{ $kind->[0] } or next;
        for my $name (sort keys %$m) {
            spew_file("$kind->[1]/$name",
                      Test::Catalog::expand($m->{$name}, "node B $name"));
        }
    }
    my $timeout = delete $s{timeout} || 10;
    delete $s{keep_files};
    $B{conf} = {};
    node_b_write_config(%s);

    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        $SIG{INT} = $SIG{TERM} = 'DEFAULT';
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$dir/logs/stderr.log";
        open STDERR, '>&', \*STDOUT;
        exec { nginx_binary() } nginx_binary(), '-p', "$dir/", '-c', "$dir/conf/nginx.conf",
            '-e', 'stderr'
            or POSIX::_exit(127);
    }
    $B{pid} = $pid;
    my $up = wait_until($timeout, sub {
        if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
            $B{exit} = $?;
            delete $B{pid};
            return 1;
        }
        my $pf = slurp_file("$dir/logs/nginx.pid") // '';
        return $pf =~ /^\s*$pid\s*$/
            && IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $port,
                                   Proto => 'tcp', Timeout => 1);
    });
    unless ($up && $B{pid}) {
        my $log = node_b_log();
        node_b_stop();
        die "node B did not start:\n$log\n";
    }
    return 1;
}

sub nginx_binary { return $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx' }

# node_b_stop($seconds): QUIT, then TERM and KILL; returns '' for an exit
# within $seconds (default 5) with status 0, else a description.  In list
# context also the time the master took to exit after QUIT.
sub node_b_stop {
    my ($timeout) = @_;
    return wantarray ? ('', 0) : '' unless $B{pid};
    my $pid = $B{pid};
    my $problem = '';
    my $t0 = now();
    my $took;
    for my $step (['QUIT', $timeout || 5], ['TERM', 2], ['KILL', 5]) {
        my ($sig, $wait) = @$step;
        kill $sig, $pid;
        if (wait_until($wait, sub { waitpid($pid, POSIX::WNOHANG()) == $pid },
                       0.01)) {
            $took = now() - $t0;
            $B{exit} = $?;
            $problem ||= "node B master exited with wait status $?" if $?;
            last;
        }
        $problem ||= "node B did not stop gracefully within ${wait}s";
    }
    delete $B{pid};
    return wantarray ? ($problem, $took) : $problem;
}

# node_b_reload(timeout => S): SIGHUP; returns the seconds until the new
# workers ran and the old ones had exited, 0 when nginx rejected the
# config ([emerg]), undef on timeout
sub node_b_reload {
    my (%o) = @_;
    die "node_b_reload: node B is not running\n" unless $B{pid};
    my $dir = node_b_dir();
    my $workers = $B{conf}{workers} || 1;
    my @old = node_b_worker_pids();
    my $offset = -s "$dir/logs/error.log" || 0;
    kill 'HUP', $B{pid};
    my $emerg;
    my $t = wait_until($o{timeout} || 5, sub {
        my $log = substr(slurp_file("$dir/logs/error.log") // '', $offset);
        return $emerg = 1 if $log =~ /\[emerg\]/;
        my $started = () = $log =~ /start worker process \d+/g;
        return 0 unless $started >= $workers;
        my %now = map { $_ => 1 } node_b_worker_pids();
        return !grep { $now{$_} } @old;
    }, 0.01);
    return 0 if $emerg;
    return $t;
}

sub node_b_log_problems { return log_problems(node_b_log(), @_) }

# ---------------------------------------------------------------------------
# Fake servers
# ---------------------------------------------------------------------------

my @Fakes;

# fake_server('garbage' | 'silent'): a forked Perl server on a free
# loopback port.  'garbage' answers anything it receives with an HTTP
# error (not RESP), 'silent' accepts and never answers.  Each accept is
# written (time, one per line) to $fs->{accepts}.  Returns
# {pid, port, accepts}.
sub fake_server {
    my ($mode) = @_;
    my $l = IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => 0,
                                Proto => 'tcp', Listen => 64,
                                ReuseAddr => 1)
        or die "fake_server: cannot listen: $@\n";
    my $port = $l->sockport;
    my $file = redis_dir() . "/fake-$mode-$port.accepts";
    spew_file($file, '');
    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        $SIG{INT} = $SIG{TERM} = 'DEFAULT';
        my $sel = IO::Select->new($l);
        my %peer;
        while (1) {
            for my $s ($sel->can_read(1)) {
                if ($s == $l) {
                    my $c = $l->accept or next;
                    binmode $c;
                    $sel->add($c);
                    if (open my $fh, '>>', $file) {
                        printf {$fh} "%.6f\n", Time::HiRes::time();
                        close $fh;
                    }
                    next;
                }
                my $n = sysread $s, my $buf, 65536;
                if (!$n) {
                    $sel->remove($s);
                    close $s;
                    next;
                }
                next if $mode eq 'silent';
                syswrite $s, "HTTP/1.1 400 Bad Request\r\n"
                           . "Content-Type: text/html\r\n\r\n"
                           . "<html>not redis</html>\r\n";
            }
        }
    }
    close $l;
    my $fs = { pid => $pid, port => $port, accepts => $file, mode => $mode };
    push @Fakes, $fs;
    return $fs;
}

sub fake_server_stop {
    my ($fs) = @_;
    return unless $fs && $fs->{pid};
    kill 'KILL', $fs->{pid};
    waitpid $fs->{pid}, 0;
    delete $fs->{pid};
}

# the accept times of a fake server, in seconds (floats)
sub fake_server_accepts {
    my ($fs) = @_;
    return grep { length } split /\n/, slurp_file($fs->{accepts}) // '';
}


# ---------------------------------------------------------------------------
# wrk (Debian's, see DEB_BENCH in the Makefile)
# ---------------------------------------------------------------------------

# wrk_start(URL, threads => 1, connections => 8, duration => '3s'):
# runs `wrk --latency` in the background; wrk_wait($h) waits for it and
# returns {requests, non2xx3xx, socket_errors => {connect, read, write,
# timeout}, max_latency_ms, p99_ms, raw, rc}
sub wrk_start {
    my ($url, %o) = @_;
    my $out = redis_dir() . '/wrk-' . now_ms() . '.out';
    my @cmd = ('wrk', '-t' . ($o{threads} || 1), '-c' . ($o{connections} || 8),
               '-d' . ($o{duration} || '3s'), '--latency', $url);
    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        $SIG{INT} = $SIG{TERM} = 'DEFAULT';
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out;
        open STDERR, '>&', \*STDOUT;
        exec @cmd or POSIX::_exit(127);
    }
    return { pid => $pid, out => $out, cmd => "@cmd", started => now() };
}

sub wrk_time_ms {
    my ($v, $unit) = @_;
    return $v / 1000 if $unit eq 'us';
    return $v if $unit eq 'ms';
    return $v * 1000 if $unit eq 's';
    return $v * 60000 if $unit eq 'm';
    return undef;
}

sub wrk_wait {
    my ($h) = @_;
    waitpid $h->{pid}, 0;
    my $rc = $? >> 8;
    my $raw = slurp_file($h->{out}) // '';
    my %r = (raw => $raw, rc => $rc, non2xx3xx => 0,
             socket_errors => { connect => 0, read => 0, write => 0,
                                timeout => 0 });
    $r{requests} = $1 if $raw =~ /(\d+) requests in /;
    $r{non2xx3xx} = $1 if $raw =~ /Non-2xx or 3xx responses: (\d+)/;
    if ($raw =~ /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/) {
        @{ $r{socket_errors} }{qw(connect read write timeout)} = ($1, $2, $3, $4);
    }
    if ($raw =~ /^\s*Latency\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)/m) {
        $r{avg_latency_ms} = wrk_time_ms($1, $2);
        $r{max_latency_ms} = wrk_time_ms($5, $6);
    }
    $r{p99_ms} = wrk_time_ms($1, $2) if $raw =~ /^\s*99%\s+([\d.]+)(us|ms|s|m)/m;
    return \%r;
}

# ---------------------------------------------------------------------------
# Fixtures shared by the Redis tests
# ---------------------------------------------------------------------------

our $TOKEN_ROOT     = 'ktk-redis-root-3f9a1c7e5b2d';
our $TOKEN_DUKCAPIL = 'ktk-redis-dukcapil-8e7d6c5b4a39';

sub sha256_hex { require Digest::SHA; return Digest::SHA::sha256_hex(@_) }

our $TOKENS_JSON = '{"tokens": ['
    . '{"sha256": "' . sha256_hex($TOKEN_ROOT)
    . '", "agency": "*", "name": "ops-root"}, '
    . '{"sha256": "' . sha256_hex($TOKEN_DUKCAPIL)
    . '", "agency": "dukcapil", "name": "ops-dukcapil"}]}' . "\n";

# Dukcapil: ktp, kk, akta (active), lama (retired); Imigrasi: paspor.
# Every backend is the "b1" server of each node on BACKEND_PORT
# (reuseport: both nodes listen there).
our %MANIFESTS = (
    'dukcapil.json' => <<'JSON',
{"agency": {"id": "dukcapil", "name": "Dukcapil"}, "services": [
  {"id": "ktp", "name": "KTP", "category": "kependudukan",
   "routes": [{"path": "/dukcapil/ktp"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
  {"id": "kk", "name": "KK", "category": "kependudukan",
   "routes": [{"path": "/dukcapil/kk"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
  {"id": "akta", "name": "Akta", "category": "kependudukan",
   "routes": [{"path": "/dukcapil/akta"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
  {"id": "lama", "name": "Lama", "category": "kependudukan",
   "routes": [{"path": "/dukcapil/lama"}], "status": "retired"}]}
JSON
    'imigrasi.json' => <<'JSON',
{"agency": {"id": "imigrasi", "name": "Imigrasi"}, "services": [
  {"id": "paspor", "name": "Paspor", "category": "keimigrasian",
   "routes": [{"path": "/imigrasi/paspor"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}]}
JSON
);

# redis_line(node => 'node-a', addr => 'HOST:PORT' | 'unix:PATH',
#            params => 'db=1 ...', interval => '1s', timeout => '1s',
#            connect_timeout => '1s'): a catalog_redis directive
sub redis_line {
    my (%o) = @_;
    my $addr = $o{addr} || '127.0.0.1:$TEST_NGINX_REDIS_PORT';
    my @p = ($addr);
    push @p, "node=$o{node}" if defined $o{node} && length $o{node};
    for my $k (qw(connect_timeout timeout interval)) {
        my $v = exists $o{$k} ? $o{$k} : '1s';
        push @p, "$k=$v" if defined $v;
    }
    push @p, $o{params} if defined $o{params} && length $o{params};
    return "    catalog_redis @p;\n";
}

# the http{} part of a node: $dir holds manifests/ and tokens.json
sub http_a {
    my (%o) = @_;
    my $dir = $o{dir};
    my $http = "    catalog_manifests $dir/manifests/*.json;\n"
             . "    catalog_admin_tokens $dir/tokens.json;\n"
             . "    catalog_zone size=1m;\n";
    $http .= defined $o{redis} ? $o{redis}
           : redis_line(node => $o{node} || 'node-a', %{ $o{redis_opts} || {} });
    $http .= "    catalog_state_file $o{state};\n" if $o{state};
    $http .= <<'_EOC_';
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT reuseport;
        access_log off;
        location / { return 200 "b1 $request_uri\n"; }
    }
_EOC_
    $http .= $o{extra_http} if $o{extra_http};
    return $http;
}

# the locations of a node's test server
sub config_common {
    return <<'_EOC_';
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
    location = /-/catalog/status { catalog_status; }
    location = /-/catalog/metrics { catalog_metrics; }
_EOC_
}

# where A keeps its manifests, tokens and state file across restarts
# (nginx_start() empties the servroot's conf/, html/ and manifests/)
sub keep_dir { return Test::Catalog::servroot() . '/keep-a' }

# start_a(node =>, redis_opts => {...}, redis => LINE, state => PATH,
#         workers =>, extra_http =>, config_extra =>, manifests => {...},
#         flush => 1, wait => 1): (re)starts node A (the harness's
# nginx) with the shared catalog; with flush (default, when redis runs)
# FLUSHALL first; with wait (default) waits up to 5 s for its first sync
# (status redis.last_sync).  Returns the seconds that took, 0 without
# wait, undef when it did not sync.
sub start_a {
    my (%o) = @_;
    my $dir = keep_dir();
    File::Path::remove_tree("$dir/manifests");
    my $m = $o{manifests} || \%MANIFESTS;
    for my $name (sort keys %$m) {
        spew_file("$dir/manifests/$name",
                  Test::Catalog::expand($m->{$name}, "manifest $name"));
    }
    spew_file("$dir/tokens.json", $TOKENS_JSON);
    redis_flush() if (!exists $o{flush} || $o{flush}) && redis_running();
    Test::Catalog::nginx_stop();
    Test::Catalog::nginx_start(
        http_config => http_a(%o, dir => $dir),
        config => config_common() . ($o{config_extra} || ''),
        workers => $o{workers} || 1,
        main_config => $o{main_config} || '',
        timeout => 10);
    return 0 if exists $o{wait} && !$o{wait};
    return wait_synced(Test::Catalog::server_port(), $o{wait_timeout} || 5);
}

# start_b(...): node B with the same catalog (same text: same version)
# and tokens, node=node-b; the same options as start_a (manifests =>
# another set for drift).  Returns as start_a.
sub start_b {
    my (%o) = @_;
    my $dir = node_b_dir();
    my $m = $o{manifests} || \%MANIFESTS;
    node_b_start(
        manifests => { %$m },
        files => { 'tokens.json' => $TOKENS_JSON },
        http_config => http_a(node => 'node-b', %o, dir => $dir,
                              $o{state} ? (state => $o{state}) : ()),
        config => config_common() . ($o{config_extra} || ''),
        workers => $o{workers} || 1,
        timeout => 10);
    return 0 if exists $o{wait} && !$o{wait};
    return wait_synced(node_b_port(), $o{wait_timeout} || 5);
}

# b(): the port => of node B, for http_get and the helpers below
sub b { return (port => node_b_port()) }

sub decode {
    my ($text) = @_;
    return eval { $json->decode($text) };
}

# the status JSON of a node (port => P), undef if not JSON
sub status_json {
    my (%o) = @_;
    my $r = http_get('/-/catalog/status', %o);
    return undef unless ($r->{status} // 0) == 200;
    return decode($r->{body});
}

sub redis_status_of {
    my $s = status_json(@_) or return undef;
    return $s->{redis};
}

sub metrics_text {
    my (%o) = @_;
    return http_get('/-/catalog/metrics', %o)->{body} // '';
}

# metric($text, 'catalog_redis_up') -> its value, undef if absent
sub metric {
    my ($text, $name) = @_;
    return $text =~ /^\Q$name\E(?:\{\})? (\S+)$/m ? $1 : undef;
}

# waits until the node's status has redis.connected and redis.last_sync
sub wait_synced {
    my ($port, $timeout) = @_;
    return wait_until($timeout || 5, sub {
        my $r = redis_status_of(port => $port) or return 0;
        return $r->{connected} && defined $r->{last_sync};
    });
}

# admin(METHOD, 'services/...', port =>, as => 'root'|'dukcapil', body =>)
sub admin {
    my ($method, $rel, %o) = @_;
    my $tok = ($o{as} || 'root') eq 'dukcapil' ? $TOKEN_DUKCAPIL : $TOKEN_ROOT;
    return http_get("/-/catalog/admin/$rel", method => $method,
                    headers => ["Authorization: Bearer $tok"],
                    defined $o{body} ? (body => $o{body}) : (),
                    $o{port} ? (port => $o{port}) : ());
}

# put_status(KEY, MESSAGE, %opt): PUT maintenance with MESSAGE (undef:
# none; status => 'active' for an active override); the response
sub put_status {
    my ($key, $msg, %o) = @_;
    my $status = delete $o{status} || 'maintenance';
    my %b = (status => $status);
    $b{message} = $msg if defined $msg;
    $b{until} = delete $o{until} if $o{until};
    return admin('PUT', "services/$key/status", body => $json->encode(\%b),
                 %o);
}

sub delete_status {
    my ($key, %o) = @_;
    return admin('DELETE', "services/$key/status", %o);
}

# the override of KEY as a node's admin API shows it (port =>): a hash,
# undef for none, 'ERROR' when the answer is not what it should be
sub override_of {
    my ($key, %o) = @_;
    my $r = admin('GET', "services/$key", %o);
    return 'ERROR' unless ($r->{status} // 0) == 200;
    my $j = decode($r->{body}) or return 'ERROR';
    return $j->{override};
}

# the public API's service (port =>): a hash, undef when not 200 JSON
sub api_service {
    my ($key, %o) = @_;
    my $r = http_get("/api/catalog/services/$key", %o);
    return undef unless ($r->{status} // 0) == 200;
    return decode($r->{body});
}

# the message of a maintenance page, undef when there is none
sub page_message {
    my ($r) = @_;
    return undef unless ($r->{status} // 0) == 503;
    return $r->{body} =~ m{<p class="msg">(.*?)</p>}s ? $1 : '';
}

# wait_served(PATH, MESSAGE|undef, port =>, timeout =>): polls until PATH
# answers 503 with MESSAGE (a string; '' for a page without message) or,
# with MESSAGE undef, is proxied (200 "b1 PATH"); the elapsed time or
# undef
sub wait_served {
    my ($path, $msg, %o) = @_;
    my $timeout = delete $o{timeout} || 3;
    return wait_until($timeout, sub {
        my $r = http_get($path, %o, timeout => 2);
        return defined $msg
            ? defined(page_message($r)) && page_message($r) eq $msg
            : ($r->{status} // 0) == 200 && $r->{body} eq "b1 $path\n";
    });
}

# finish_b(@excuses): stops node B (if it runs) and checks its log as the
# harness checks A's: 2 tests
sub finish_b {
    my (@excuse) = @_;
    my $problem = node_b_stop(5);
    Test::More::is($problem, '', 'node B stopped cleanly');
    my @bad = node_b_log_problems(@excuse);
    Test::More::ok(!@bad, 'node B: no crash/alert/crit/emerg in its log')
        or Test::More::diag("node B: bad log line(s):\n" . join("\n", @bad));
}

# the status hash of AGENCY/SERVICE in Redis (prefix => 'catalog:',
# db => N)
sub hash_of {
    my ($key, %o) = @_;
    my $prefix = defined $o{prefix} ? $o{prefix} : 'catalog:';
    return redis_hgetall($o{db} ? { db => $o{db} } : (),
                         "${prefix}status:$key");
}

# redis_change(KEY, {field => value}, publish => 1, incr => 1, prefix =>):
# what another tool does with redis-cli: HSET the five fields (defaults:
# status maintenance, message, until and updated_by "", updated_at now to
# the millisecond, overridden by the hash), INCR status:version, PUBLISH
# events KEY.  Returns the updated_at written.
sub redis_change {
    my ($key, $f, %o) = @_;
    my $prefix = defined $o{prefix} ? $o{prefix} : 'catalog:';
    my %h = (status => 'maintenance', message => '', until => '',
             updated_at => rfc3339_ms(), updated_by => '', %{ $f || {} });
    my @args = map { ($_, $h{$_}) } grep { defined $h{$_} } sort keys %h;
    my $r = redis_cli('HSET', "${prefix}status:$key", @args);
    die "redis-cli HSET: $r\n" unless $r =~ /^\d+$/;
    redis_cli('INCR', "${prefix}status:version")
        unless exists $o{incr} && !$o{incr};
    redis_cli('PUBLISH', "${prefix}events", $key)
        unless exists $o{publish} && !$o{publish};
    return $h{updated_at};
}

# the part of a log after $offset bytes
sub log_since {
    my ($log, $offset) = @_;
    return length($log) > $offset ? substr($log, $offset) : '';
}

# wait_log($seconds, $re, sub { log text }, $offset): polls until the log
# (after $offset bytes) matches $re; the elapsed time or undef
sub wait_log {
    my ($timeout, $re, $log, $offset) = @_;
    return wait_until($timeout, sub {
        log_since($log->(), $offset || 0) =~ $re;
    });
}

# ---------------------------------------------------------------------------

END {
    local $?;
    node_b_stop(2) if $B{pid};
    if ($R{pid}) {
        kill 'CONT', $R{pid};
        kill 'KILL', $R{pid};
        waitpid $R{pid}, 0;
    }
    fake_server_stop($_) for @Fakes;
    if ($Redis_top && -d $Redis_top) {
        my $tb = Test::Builder->new;
        if ($ENV{TEST_NGINX_NO_CLEAN} || !$tb->is_passing) {
            $tb->diag("redis dir kept: $Redis_top");
        } else {
            File::Path::remove_tree($Redis_top);
        }
    }
}

1;

__END__

=head1 NAME

Test::CatalogRedis - redis-server, a second nginx and fake servers for the
ngx_catalog Redis tests

=head1 REDIS

redis_start(%opt) starts redis-server on a free loopback port (or port =>)
in a temp dir, `save ""`, `appendonly no`; options requirepass => PW,
acl => ["user NAME on >PW ~* &* +@all", ...], unixsocket => 1 (at
redis_socket()), databases => N, conf => [extra lines], keep => 1 (load the
dump.rdb of a previous redis_stop(save => 1)).  It sets
$TEST_NGINX_REDIS_PORT, $TEST_NGINX_REDIS_SOCKET and $TEST_NGINX_REDIS_DIR.
redis_stop(save => 0|1), redis_kill() (SIGKILL), redis_restart(keep => 0|1)
(same port, same options), redis_pause()/redis_resume() (SIGSTOP/SIGCONT),
redis_pid(), redis_port(), redis_running(), redis_log().

redis_cli(@args) runs redis-cli --no-auth-warning -h 127.0.0.1 -p PORT
(-a PW with requirepass) and returns its output without the final line
break; a hash ref first: {stdin => DATA} (-x), {auth => 0},
{user => U, pass => P}.  redis_cmd(@args) sends one command on a new RESP
connection and returns the reply (string, integer, undef, array ref or an
error object: redis_error($r); "$r" is "(error) MSG"); options as a hash ref
first: {db => N, user => U, pass => P, auth => 0}.  redis_ok() dies on an
error reply.  redis_hgetall(KEY) gives a hash ref.  redis_flush().
redis_subscribe(CHANNEL...) gives a connection whose next_message($s)
returns [channel, message] or undef.  redis_conns() lists the established
connections to the redis port from `ss -tnp` ({pid, process, local_port});
redis_conns_of($master) counts them per child of $master.

=head1 NODE B

node_b_start(http_config =>, config =>, main_config =>, workers =>,
manifests => {name => text}, files => {relpath => text}) starts a second
nginx in $servroot/node-b on its own port (node_b_port(), also
$TEST_NGINX_B_PORT), with the same load_module lines as the harness.
node_b_stop($seconds) returns '' for a clean exit (and the time taken in
list context); node_b_reload() returns the seconds a reload took;
node_b_log(), node_b_log_problems(@excuses), node_b_pid(),
node_b_worker_pids(), node_b_write_config(%sections).

=head1 OTHER HELPERS

wait_until($seconds, sub {...}) polls every 25 ms; returns the elapsed
time ("0.123", true even when 0) or undef.  fake_server('garbage' |
'silent') / fake_server_stop() / fake_server_accepts().  connected_pids(),
owner_pid($master, $log), worker_rss_kb($pid), log_problems($log,
@excuses), wrk_start($url, %opt) / wrk_wait($h), rfc3339_ms($ms),
parse_rfc3339($text).

Fixtures: %MANIFESTS, $TOKENS_JSON, redis_line(), http_a(), config_common(),
start_a(), start_b(), admin(), put_status(), delete_status(), override_of(),
api_service(), status_json(), metrics_text(), metric(), page_message(),
wait_synced(), wait_served().

=cut
