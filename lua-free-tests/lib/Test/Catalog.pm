package Test::Catalog;

# Test::Catalog - a small data-driven nginx test harness for ngx_catalog.
#
# Modelled on OpenResty's Test::Nginx::Socket (same `=== TEST` / `--- section`
# block format, built on Test::Base), but self-contained: it needs only
# Debian's perl and libtest-base-perl.  See the POD after __END__ for the
# list of sections, placeholders and environment variables.
#
# NOTE ON STYLE: `use Test::Base -Base` turns on Spiffy's source filter for
# this whole file.  The filter inserts `my $self = shift;` into every named
# sub written as `sub name {`, and strips the empty prototype from subs
# written as `sub name () {`.  All named subs below are therefore written
# `sub name () {` and read their arguments from @_ as usual.

use Test::Base -Base;

use Cwd ();
use File::Path ();
use File::Temp ();
use IO::Select;
use IO::Socket::IP;
use POSIX ();
use Time::HiRes ();

our $VERSION = '0.01';

our @EXPORT = qw(
    run_tests done_testing
    http_get http_request
    nginx_start nginx_stop nginx_reload nginx_test_config nginx_write_config
    error_log_text write_file
    servroot server_port backend_port html_dir manifest_dir
);

# ---------------------------------------------------------------------------
# Global state (one nginx per test file)
# ---------------------------------------------------------------------------

my $Nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
my $Nginx_V;             # `nginx -V` output, to probe version and modules
my $Servroot;            # absolute path of the per-file server root
my $Servroot_is_temp;    # we created it, so we remove it at the end
my %Port;                # server, backend, backend2, backend3
my $Nginx_pid;           # pid of the master (our child; `daemon off`)
my $Exit_status;         # wait status of the last master that exited
my %Conf;                # sections the current nginx.conf was built from
my $Default_timeout = $ENV{TEST_NGINX_TIMEOUT} || 5;

# Sections a block may use; anything else is reported as a typo.
my %Known_section = map { $_ => 1 } qw(
    main_config http_config config manifests user_files workers timeout
    request request_raw more_headers ignore_response
    error_code response_headers response_headers_like
    response_body response_body_like
    error_log no_error_log must_die perl ONLY SKIP LAST
);

# Log lines that fail a block unless a `--- error_log` pattern expects them.
my $Bad_level_re = qr/\[(?:alert|crit|emerg)\]/;
# Log lines that always fail a block (crashes, sanitizer reports and
# memcheck errors framed by lua-free-tests/sanitize/nginx-valgrind).
my $Crash_re = qr/Sanitizer|runtime error|exited on signal|valgrind error/;

$SIG{PIPE} = 'IGNORE';    # a server closing early must not kill the test
$SIG{INT} = $SIG{TERM} = sub { exit 130 };    # so that END stops nginx

# ---------------------------------------------------------------------------
# Small utilities
# ---------------------------------------------------------------------------

sub now () { Time::HiRes::time() }

sub slurp () {
    my ($path) = @_;
    open my $fh, '<', $path or return '';
    local $/;
    my $data = <$fh>;
    return defined $data ? $data : '';
}

sub spew () {
    my ($path, $data) = @_;
    (my $dir = $path) =~ s{/[^/]*\z}{};
    File::Path::make_path($dir) if length $dir && !-d $dir;
    open my $fh, '>', $path or die "cannot write $path: $!\n";
    print {$fh} $data;
    close $fh or die "cannot write $path: $!\n";
}

# Run a command, return (exit code, combined stdout+stderr).
sub run_capture () {
    my @cmd = @_;
    my $pid = open(my $fh, '-|');
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        open STDERR, '>&', \*STDOUT;
        exec { $cmd[0] } @cmd or POSIX::_exit(127);
    }
    local $/;
    my $out = <$fh>;
    close $fh;
    return ($? >> 8, defined $out ? $out : '');
}

# Expand $TEST_NGINX_FOO / ${TEST_NGINX_FOO} from %ENV (the harness puts
# its own ports and directories there, see init()).
sub expand () {
    my ($text, $what) = @_;
    return $text if !defined $text || ref $text;
    $text =~ s{\$(\{)?(TEST_NGINX_[A-Za-z0-9_]+)(?(1)\})}{
        defined $ENV{$2} ? $ENV{$2}
            : die "$what: unknown placeholder \$$2 (not set in the environment)\n"
    }ge;
    return $text;
}

# Value of a block section: undef if absent, the single value, or an array
# ref when a filter (e.g. `eval` returning a list) produced several values.
sub section () {
    my ($block, $name) = @_;
    return undef unless exists $block->{$name};
    my @v = @{ $block->{$name} };
    return @v == 1 ? $v[0] : [@v];
}

# Expected value for the i-th request: element i of an array ref, else the
# scalar itself (applies to all requests).
sub nth () {
    my ($v, $i) = @_;
    return ref $v eq 'ARRAY' ? $v->[$i] : $v;
}

# ---------------------------------------------------------------------------
# Initialisation: binary, server root, ports
# ---------------------------------------------------------------------------

sub init () {
    return if defined $Servroot;
    die "TEST_NGINX_BINARY: $Nginx is not executable\n" unless -x $Nginx;
    (undef, $Nginx_V) = run_capture($Nginx, '-V');

    if ($ENV{TEST_NGINX_SERVROOT}) {
        $Servroot = Cwd::abs_path($ENV{TEST_NGINX_SERVROOT})
            || $ENV{TEST_NGINX_SERVROOT};
        File::Path::make_path($Servroot);
    } else {
        $Servroot = File::Temp::tempdir('catalog-t-XXXXXX', TMPDIR => 1);
        $Servroot_is_temp = 1;
    }
    $ENV{TEST_NGINX_SERVROOT}     = $Servroot;
    $ENV{TEST_NGINX_HTML_DIR}     = "$Servroot/html";
    $ENV{TEST_NGINX_MANIFEST_DIR} = "$Servroot/manifests";
    pick_ports();
}

# Bind four sockets to port 0 at once (so the ports differ), keep the ports.
sub pick_ports () {
    my @socks = map {
        IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => 0,
                            Proto => 'tcp', Listen => 1, ReuseAddr => 1)
            or die "cannot bind a free port: $@\n"
    } 1 .. 4;
    @Port{qw(server backend backend2 backend3)} = map { $_->sockport } @socks;
    close $_ for @socks;
    $ENV{TEST_NGINX_SERVER_PORT}   = $Port{server};
    $ENV{TEST_NGINX_BACKEND_PORT}  = $Port{backend};
    $ENV{TEST_NGINX_BACKEND2_PORT} = $Port{backend2};
    $ENV{TEST_NGINX_BACKEND3_PORT} = $Port{backend3};
}

sub servroot ()     { init(); $Servroot }
sub server_port ()  { init(); $Port{server} }
sub html_dir ()     { init(); "$Servroot/html" }
sub manifest_dir () { init(); "$Servroot/manifests" }

sub backend_port () {
    my ($n) = @_;
    init();
    return $Port{ (!$n || $n == 1) ? 'backend' : "backend$n" };
}

sub done_testing () { Test::More::done_testing(@_) }

# ---------------------------------------------------------------------------
# nginx.conf generation
# ---------------------------------------------------------------------------

sub load_modules () {
    my @mods = split ' ', (defined $ENV{TEST_NGINX_LOAD_MODULES}
                           ? $ENV{TEST_NGINX_LOAD_MODULES} : '');
    # nginx resolves relative paths against its prefix (the servroot), so
    # make them absolute against our cwd.
    return map { m{^/} ? $_ : Cwd::getcwd() . "/$_" } @mods;
}

sub nginx_has_module () {
    my ($mod) = @_;
    return $Nginx_V !~ /--without-http_${mod}_module/;
}

# Build nginx.conf text from %$s (main_config, http_config, config, workers).
sub make_config () {
    my ($s) = @_;
    my $root = $Servroot;
    my $what = "config of '" . ($s->{name} || 'nginx_start') . "'";
    my $main = expand(defined $s->{main_config} ? $s->{main_config} : '',
                      $what);
    my $http = expand(defined $s->{http_config} ? $s->{http_config} : '',
                      $what);
    my $srv  = expand(defined $s->{config} ? $s->{config} : '', $what);
    my $workers = $s->{workers} || $ENV{TEST_NGINX_WORKERS} || 1;

    my $load = join '', map { "load_module $_;\n" } load_modules();
    # As root, workers would run as "nobody" and could not read the
    # servroot, so run them as root unless the block chose a user.
    my $user = ($> == 0 && $main !~ /^\s*user\s/m) ? "user root;\n" : '';
    my $temp = join '', map { "    ${_}_temp_path $root/tmp/$_;\n" }
        'client_body', grep { nginx_has_module($_) } qw(proxy fastcgi uwsgi scgi);

    return <<"CONF";
# generated by Test::Catalog for: $what
$load${user}daemon off;
master_process on;
worker_processes $workers;
error_log $root/logs/error.log info;
pid $root/logs/nginx.pid;

$main

events {
    worker_connections 1024;
}

http {
    access_log $root/logs/access.log;
$temp    default_type text/plain;

$http

    server {
        listen 127.0.0.1:$Port{server};
        server_name localhost;

$srv
    }
}
CONF
}

# (Re)write conf/nginx.conf; sections given here override the current ones.
# Exported so that `--- perl` code can change the config before a reload.
sub nginx_write_config () {
    my (%s) = @_;
    init();
    %Conf = (%Conf, %s);
    spew("$Servroot/conf/nginx.conf", make_config(\%Conf));
}

# Write "$Servroot/$rel" (placeholders expanded); for --- perl code.
sub write_file () {
    my ($rel, $content) = @_;
    init();
    spew("$Servroot/$rel", expand($content, "write_file($rel)"));
}

# Write the files of a `>>> name` section (or an eval'd [[name, data]...]).
sub write_section_files () {
    my ($spec, $dir, $what) = @_;
    return unless defined $spec;
    my @files;
    if (ref $spec eq 'ARRAY') {
        @files = map { @$_ } @$spec;
    } else {
        for my $part (split /^>>>[ \t]*/m, $spec) {
            next unless $part =~ /\S/;
            my ($name, $data) = split /\n/, $part, 2;
            $name =~ s/\s+\z//;
            push @files, $name, defined $data ? $data : '';
        }
    }
    while (my ($name, $data) = splice @files, 0, 2) {
        die "$what: bad file name '$name'\n" if $name =~ m{(?:^|/)\.\.(?:/|$)};
        spew("$dir/$name", expand($data, "$what >>> $name"));
    }
}

# Fresh per-block directories; logs are truncated, not appended to.
sub reset_servroot () {
    for my $d (qw(conf html manifests tmp)) {
        File::Path::remove_tree("$Servroot/$d");
        File::Path::make_path("$Servroot/$d");
    }
    File::Path::make_path("$Servroot/logs");
    spew("$Servroot/logs/$_", '') for qw(error.log access.log stderr.log);
    unlink "$Servroot/logs/nginx.pid";
}

# ---------------------------------------------------------------------------
# Process management
# ---------------------------------------------------------------------------

sub nginx_args () {
    my @args = ('-p', "$Servroot/", '-c', "$Servroot/conf/nginx.conf");
    # -e (1.19.5+) keeps startup messages away from the compiled-in log path.
    if ($Nginx_V =~ m{nginx version: \S+?/(\d+)\.(\d+)\.(\d+)}) {
        push @args, '-e', 'stderr' if $1 * 1e6 + $2 * 1e3 + $3 >= 1019005;
    }
    return @args;
}

# nginx -t on the current config: returns (exit code, output) in list
# context, the exit code in scalar context.
sub nginx_test_config () {
    init();
    my ($rc, $out) = run_capture($Nginx, nginx_args(), '-t');
    return wantarray ? ($rc, $out) : $rc;
}

# Text of stderr (startup messages) + error.log since the block started.
sub error_log_text () {
    return slurp("$Servroot/logs/stderr.log")
         . slurp("$Servroot/logs/error.log");
}

# Start nginx with the current conf/nginx.conf.  Returns 1 once the master
# has written its pid file (i.e. all listeners are bound) and the main port
# accepts; returns 0 if nginx exited ($Exit_status holds its wait status)
# or did not come up within $timeout.
sub start_master () {
    my ($timeout) = @_;
    die "nginx is already running\n" if $Nginx_pid;
    unlink "$Servroot/logs/nginx.pid";
    my $pid = fork;
    die "fork: $!\n" unless defined $pid;
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$Servroot/logs/stderr.log";
        open STDERR, '>&', \*STDOUT;
        exec { $Nginx } $Nginx, nginx_args() or POSIX::_exit(127);
    }
    $Nginx_pid = $pid;
    my $deadline = now() + $timeout;
    while (now() < $deadline) {
        if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
            $Exit_status = $?;
            undef $Nginx_pid;
            return 0;
        }
        my $pidfile = slurp("$Servroot/logs/nginx.pid");
        if ($pidfile =~ /^\s*$pid\s*$/ && port_accepts($Port{server})) {
            return 1;
        }
        Time::HiRes::sleep(0.01);
    }
    return 0;
}

sub port_accepts () {
    my ($port) = @_;
    my $s = IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $port,
                                Proto => 'tcp', Timeout => 1);
    return $s ? 1 : 0;
}

# Stop nginx gracefully (QUIT), escalating to TERM/KILL.  Returns a string
# describing a problem, or '' for a clean exit with status 0.
sub stop_master () {
    my ($timeout) = @_;
    return '' unless $Nginx_pid;
    my $pid = $Nginx_pid;
    my $problem = '';
    for my $step (['QUIT', $timeout || $Default_timeout], ['TERM', 2],
                  ['KILL', 5]) {
        my ($sig, $wait) = @$step;
        kill $sig, $pid;
        my $deadline = now() + $wait;
        while (now() < $deadline) {
            if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
                $Exit_status = $?;
                undef $Nginx_pid;
                $problem ||= "nginx master exited with wait status $?" if $?;
                return $problem;
            }
            Time::HiRes::sleep(0.01);
        }
        $problem ||= "nginx did not stop gracefully within ${wait}s"
                   . " (stuck connections or timers?)";
    }
    undef $Nginx_pid;
    return $problem;
}

# For hand-written tests: write a config from %sections and start nginx.
sub nginx_start () {
    my (%s) = @_;
    init();
    stop_master();
    reset_servroot();
    %Conf = ();
    nginx_write_config(%s);
    start_master($s{timeout} || $Default_timeout)
        or die "nginx failed to start:\n" . error_log_text();
    return 1;
}

sub nginx_stop () { return stop_master(@_) }

# Pids of the master's children (workers, cache processes), from /proc.
sub worker_pids () {
    my @pids;
    opendir my $dh, '/proc' or return;
    for my $p (grep { /^\d+$/ } readdir $dh) {
        my $stat = slurp("/proc/$p/stat");
        push @pids, $p if $stat =~ /\)\s+\S+\s+(\d+)/ && $1 == $Nginx_pid;
    }
    return @pids;
}

# Send SIGHUP and wait for the outcome.  Returns 1 once the new workers have
# started and the old ones have exited, 0 if nginx rejected the new config
# (an [emerg] line; the old config keeps running).  Dies on timeout.
sub nginx_reload () {
    my (%opt) = @_;
    my $timeout = $opt{timeout} || $Default_timeout;
    die "nginx_reload: nginx is not running\n" unless $Nginx_pid;
    my $workers = $Conf{workers} || $ENV{TEST_NGINX_WORKERS} || 1;
    my @old = worker_pids();
    my $offset = -s "$Servroot/logs/error.log" || 0;
    kill 'HUP', $Nginx_pid;
    my $deadline = now() + $timeout;
    while (now() < $deadline) {
        my $log = substr slurp("$Servroot/logs/error.log"), $offset;
        return 0 if $log =~ /\[emerg\]/;
        my $started = () = $log =~ /start worker process \d+/g;
        if ($started >= $workers) {
            my %now = map { $_ => 1 } worker_pids();
            return 1 unless grep { $now{$_} } @old;
        }
        Time::HiRes::sleep(0.01);
    }
    die "nginx_reload: no new workers or old workers still alive after "
      . "${timeout}s\n";
}

# ---------------------------------------------------------------------------
# HTTP client
# ---------------------------------------------------------------------------

# Build a request from a request line, an optional body and header lines.
# Adds Host, Connection: close and Content-Length unless already given.
sub build_request () {
    my ($line, $body, @headers) = @_;
    $line =~ s/\s+\z//;
    my ($method) = split ' ', $line;
    $line .= ' HTTP/1.1' unless $line =~ m{\sHTTP/\d(?:\.\d)?\z};
    $body = '' unless defined $body;
    my %has = map { /^\s*([^:\s]+)\s*:/ ? (lc $1 => 1) : () } @headers;
    unshift @headers, 'Host: localhost' unless $has{host};
    push @headers, 'Connection: close' unless $has{connection};
    push @headers, 'Content-Length: ' . length $body
        if !$has{'content-length'} && !$has{'transfer-encoding'}
           && (length $body || $method =~ /^(?:POST|PUT|PATCH)$/);
    return join('', map { "$_\r\n" } $line, @headers) . "\r\n" . $body;
}

# http_get($path, headers => [...] | {...}, method =>, body =>, port =>,
#          timeout =>) -> response object (see http_request).
sub http_get () {
    my ($path, %opt) = @_;
    my $h = $opt{headers} || [];
    my @headers = ref $h eq 'HASH' ? map { "$_: $h->{$_}" } sort keys %$h
                                   : @$h;
    my $line = ($opt{method} || 'GET') . " $path "
             . ($opt{proto} || 'HTTP/1.1');
    return http_request(build_request($line, $opt{body}, @headers), %opt);
}

# Send raw bytes on a new connection and read the response.  Returns a
# Test::Catalog::Response hash: status, reason, proto, headers ([name,
# value] pairs), body, raw, and error (set if the response is incomplete).
sub http_request () {
    my ($raw, %opt) = @_;
    init();
    my $port = $opt{port} || $Port{server};
    my $timeout = $opt{timeout} || $Default_timeout;
    my $sock = IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $port,
                                   Proto => 'tcp', Timeout => $timeout)
        or die "cannot connect to 127.0.0.1:$port: $@\n";
    binmode $sock;
    my $off = 0;
    while ($off < length $raw) {
        my $n = syswrite $sock, $raw, length($raw) - $off, $off;
        last unless $n;    # peer closed early: read what it said
        $off += $n;
    }
    my ($method) = $raw =~ /\A\s*(\S+)/;
    my $sel = IO::Select->new($sock);
    my $buf = '';
    my $deadline = now() + $timeout;
    while (1) {
        my $left = $deadline - now();
        if ($left <= 0 || !$sel->can_read($left)) {
            my $r = parse_response($buf, $method, 1);
            $r->{error} = "timed out after ${timeout}s "
                . (!length $buf ? 'with no response'
                   : $r->{error} ? "($r->{error})"
                   : 'waiting for the connection to close');
            return $r;
        }
        my $n = sysread $sock, $buf, 65536, length $buf;
        last unless $n;    # EOF or reset
        my $r = parse_response($buf, $method, 0);
        return $r if $r;
    }
    return parse_response($buf, $method, 1);
}

# Parse $buf.  Returns undef if more data is needed (unless $eof), else a
# response object; with $eof a truncated response gets an `error`.
sub parse_response () {
    my ($buf, $method, $eof) = @_;
    my $r = bless { raw => $buf, headers => [], body => '' },
                  'Test::Catalog::Response';
    my $rest = $buf;
    while (1) {
        unless ($rest =~ s/\A(.*?)\r?\n\r?\n//s) {
            return undef unless $eof;
            $r->{error} = length $buf ? 'incomplete response header'
                                      : 'no response (connection closed)';
            return $r;
        }
        my ($status_line, @lines) = split /\r?\n/, $1;
        unless ($status_line =~ m{^(HTTP/\d\.\d)\s+(\d{3})(?:\s+(.*))?$}) {
            $r->{error} = "bad status line: $status_line";
            return $r;
        }
        @$r{qw(proto status reason)} = ($1, $2, defined $3 ? $3 : '');
        $r->{headers} = [];
        for (@lines) {
            if (/^[ \t]/ && @{ $r->{headers} }) {    # obsolete folding
                s/^\s+//;
                $r->{headers}[-1][1] .= " $_";
            } elsif (/^([^:]+):[ \t]*(.*?)[ \t]*$/) {
                push @{ $r->{headers} }, [$1, $2];
            }
        }
        last unless $r->{status} =~ /^1/ && $r->{status} != 101;
    }
    my $status = $r->{status};
    if (($method || '') eq 'HEAD' || $status =~ /^(?:1\d\d|204|304)$/) {
        return $r;
    }
    my $te = $r->header('Transfer-Encoding');
    my $cl = $r->header('Content-Length');
    if (defined $te && $te =~ /chunked/i) {
        my $body = '';
        pos($rest) = 0;
        while ($rest =~ /\G([0-9a-fA-F]+)[^\r\n]*\r\n/gc) {
            my $size = hex $1;
            if ($size == 0) {
                if ($rest =~ /\G(?:[^\r\n]+\r\n)*\r\n/gc) {
                    $r->{body} = $body;
                    return $r;
                }
                last;
            }
            my $at = pos $rest;
            last if length($rest) < $at + $size + 2;
            $body .= substr $rest, $at, $size;
            pos($rest) = $at + $size + 2;
        }
        return undef unless $eof;
        $r->{body} = $body;
        $r->{error} = 'truncated chunked body';
    } elsif (defined $cl && $cl =~ /^\d+$/) {
        if (length $rest >= $cl) {
            $r->{body} = substr $rest, 0, $cl;
            return $r;
        }
        return undef unless $eof;
        $r->{body} = $rest;
        $r->{error} = 'truncated body: got ' . length($rest)
                    . " of $cl bytes";
    } else {
        return undef unless $eof;    # body delimited by connection close
        $r->{body} = $rest;
    }
    return $r;
}

# ---------------------------------------------------------------------------
# Data-driven blocks
# ---------------------------------------------------------------------------

sub run_tests () {
    init();
    # No counting for test writers: default to no_plan (done_testing-like).
    Test::More::plan('no_plan') unless Test::Builder->new->has_plan;
    run_block($_) for Test::Base::blocks();
}

sub run_block () {
    my ($block) = @_;
    my $name = $block->name;
    my $ok = eval { run_block_checked($block, $name); 1 };
    unless ($ok) {
        Test::More::fail("$name - harness error");
        Test::More::diag("$name: $@");
    }
    stop_master();
}

# Requests of a block: list of [raw bytes, label].
sub block_requests () {
    my ($block, $name) = @_;
    my $kind = exists $block->{request_raw} ? 'request_raw' : 'request';
    my $spec = section($block, $kind);
    return () unless defined $spec;
    my @specs = ref $spec eq 'ARRAY' ? @$spec : ($spec);
    my @headers = grep { /\S/ }
        split /\n/, expand(section($block, 'more_headers') || '', $name);
    my @reqs;
    for my $s (@specs) {
        $s = expand($s, "$name --- $kind");
        if ($kind eq 'request_raw') {
            push @reqs, $s;
            next;
        }
        # First line: request line; the rest (after an optional blank
        # line, trailing newline chomped) is the body.
        my ($line, $body) = split /\n/, $s, 2;
        if (defined $body) { $body =~ s/\A\n//; chomp $body }
        push @reqs, build_request($line, $body, @headers);
    }
    my $n = 0;
    return map { [$_, @reqs > 1 ? "$name (request " . ++$n . ')' : $name] }
           @reqs;
}

sub run_block_checked () {
    my ($block, $name) = @_;
    my @unknown = grep { !$Known_section{$_} }
                  @{ $block->{_section_order}[0] || [] };
    die "unknown section(s): @unknown\n" if @unknown;
    die "both --- request and --- request_raw\n"
        if exists $block->{request} && exists $block->{request_raw};
    my @checks = grep { exists $block->{$_} } qw(error_code response_body
        response_body_like response_headers response_headers_like);
    die "@checks without --- request or --- request_raw\n"
        if @checks && !exists $block->{request}
                   && !exists $block->{request_raw};
    my $timeout = section($block, 'timeout') || $Default_timeout;
    $timeout =~ s/\s+//g;

    stop_master();
    # Prepare and start; retry with fresh ports if one was taken meanwhile.
    my $started;
    for my $attempt (1 .. 3) {
        reset_servroot();
        write_section_files(section($block, 'manifests'),
                            "$Servroot/manifests", "$name --- manifests");
        write_section_files(section($block, 'user_files'),
                            "$Servroot/html", "$name --- user_files");
        %Conf = (name => $name,
                 map { $_ => section($block, $_) }
                 qw(main_config http_config config workers));
        $Conf{workers} =~ s/\s+//g if defined $Conf{workers};
        nginx_write_config();
        return run_must_die($block, $name, $timeout)
            if exists $block->{must_die};
        $started = start_master($timeout);
        last if $started
             || error_log_text() !~ /Address already in use/;
        pick_ports();
    }
    unless ($started) {
        stop_master();
        Test::More::fail("$name - nginx started");
        Test::More::diag("$name: nginx failed to start; output:\n"
                         . error_log_text());
        return;
    }

    my @reqs = block_requests($block, $name);
    for my $i (0 .. $#reqs) {
        my ($raw, $label) = @{ $reqs[$i] };
        my $resp = eval { http_request($raw, timeout => $timeout) };
        $resp = { error => $@ } unless $resp;
        check_response($block, $label, $resp, $i);
    }

    if (defined(my $code = section($block, 'perl'))) {
        my $ok = eval "package main; use strict; use warnings;\n"
                    . "#line 1 \"$name --- perl\"\n$code\n;1";
        unless ($ok) {
            my $err = $@;
            Test::More::fail("$name - perl section died");
            Test::More::diag("$name --- perl: $err");
        }
    }

    my $problem = stop_master($timeout);
    Test::More::ok(!$problem, "$name - nginx stopped cleanly")
        or Test::More::diag("$name: $problem");
    check_log($block, $name, error_log_text(), 0);
}

sub check_response () {
    my ($block, $n, $resp, $i) = @_;
    return if exists $block->{ignore_response};
    if ($resp->{error}) {
        Test::More::fail("$n - got a complete response");
        Test::More::diag("$n: $resp->{error}; received:\n"
                         . (defined $resp->{raw} ? $resp->{raw} : ''));
        return;
    }
    my $code = nth(section($block, 'error_code'), $i);
    $code = 200 unless defined $code && $code =~ /\S/;
    $code =~ s/\s+//g;
    Test::More::is($resp->{status}, $code, "$n - status code");

    for my $sec (qw(response_headers response_headers_like)) {
        my $spec = nth(section($block, $sec), $i);
        next unless defined $spec;
        for my $line (grep { /\S/ } split /\n/, expand($spec, $n)) {
            if ($line =~ /^\s*!\s*([^:\s]+)\s*$/) {
                my @got = $resp->header($1);
                Test::More::ok(!@got, "$n - header $1 absent")
                    or Test::More::diag("$n: got $1: " . join(', ', @got));
                next;
            }
            $line =~ /^\s*([^:\s]+)\s*:\s?(.*?)\s*$/
                or die "bad $sec line '$line'\n";
            my ($h, $want) = ($1, $2);
            my @got = $resp->header($h);
            if ($sec eq 'response_headers') {
                my ($hit) = grep { $_ eq $want } @got;
                Test::More::is(defined $hit ? $hit
                               : @got ? join(', ', @got) : undef,
                               $want, "$n - header $h");
            } else {
                my ($hit) = grep { /$want/ } @got;
                Test::More::like(defined $hit ? $hit
                                 : @got ? join(', ', @got) : undef,
                                 qr/$want/, "$n - header $h like");
            }
        }
    }

    my $body = nth(section($block, 'response_body'), $i);
    Test::More::is($resp->{body}, $body, "$n - response body")
        if defined $body;
    my $like = nth(section($block, 'response_body_like'), $i);
    if (defined $like) {
        unless (ref $like eq 'Regexp') { chomp $like; $like = qr/$like/s }
        Test::More::like($resp->{body}, $like, "$n - response body like");
    }
}

# Expected error-log patterns of a section: strings (substrings) or qr//.
sub log_patterns () {
    my ($block, $sec, $name) = @_;
    my $spec = section($block, $sec);
    return () unless defined $spec;
    my @items = ref $spec eq 'ARRAY' ? @$spec : grep { /\S/ } split /\n/, $spec;
    return map {
        ref $_ ? $_
        : /^qr\// ? (eval "package main; $_" or die "$name --- $sec: $@")
        : expand($_, "$name --- $sec")
    } @items;
}

sub log_matches () {
    my ($text, $pat) = @_;
    return ref $pat ? $text =~ $pat : index($text, $pat) >= 0;
}

# error_log / no_error_log checks plus log hygiene (crashes, alerts).
sub check_log () {
    my ($block, $name, $log, $must_die) = @_;
    my @want = log_patterns($block, 'error_log', $name);
    my $shown;
    my $show_log = sub {
        return if $shown++;
        my @l = split /\n/, $log;
        splice @l, 0, @l - 40 if @l > 40;
        Test::More::diag("$name: error log (last 40 lines):\n"
                         . join("\n", @l));
    };
    for my $p (@want) {
        Test::More::ok(log_matches($log, $p), "$name - error_log has: $p")
            or $show_log->();
    }
    for my $p (log_patterns($block, 'no_error_log', $name)) {
        my @hits = grep { log_matches($_, $p) } split /\n/, $log;
        Test::More::ok(!@hits, "$name - error_log has not: $p")
            or Test::More::diag("$name: unexpected log line(s):\n"
                                . join("\n", @hits));
    }
    # Crash/sanitizer lines always fail; alert/crit/emerg lines fail unless
    # an --- error_log pattern of the block expects them.
    my @bad = grep {
        my $line = $_;
        $line =~ $Crash_re
        || (!$must_die && $line =~ $Bad_level_re
            && !grep { log_matches($line, $_) } @want)
    } split /\n/, $log;
    Test::More::ok(!@bad, "$name - no crash/alert/crit/emerg in error log")
        or Test::More::diag("$name: bad log line(s):\n" . join("\n", @bad));
    # the first sanitizer or valgrind report with its stack
    my @l = split /\n/, $log;
    my ($first) = grep { $l[$_] =~ $Crash_re } 0 .. $#l;
    Test::More::diag("$name: first report:\n"
                     . join("\n", @l[$first .. ($first + 40 > $#l ? $#l
                                                : $first + 40)]))
        if defined $first;
}

# --- must_die: the config must be rejected by `nginx -t`, or nginx must
# exit at startup.  The value, if any, is the expected exit code.
sub run_must_die () {
    my ($block, $name, $timeout) = @_;
    my $want = section($block, 'must_die');
    $want = '' unless defined $want;
    $want =~ s/\s+//g;
    my ($rc, $out) = nginx_test_config();
    my $how = 'nginx -t';
    if ($rc == 0) {
        $how = 'nginx startup';
        if (start_master($timeout)) {
            Test::More::fail("$name - nginx should have died");
            Test::More::diag("$name: nginx -t passed and nginx started;"
                             . " nginx -t said:\n$out");
            stop_master();
            return;
        }
        stop_master();    # in case it hung without accepting
        $rc = $Exit_status >> 8;
        $out = error_log_text();
    } else {
        $out .= slurp("$Servroot/logs/error.log");
    }
    if ($want =~ /^\d+$/) {
        Test::More::is($rc, $want, "$name - exit code of $how");
    } else {
        Test::More::isnt($rc, 0, "$name - $how failed");
    }
    check_log($block, $name, $out, 1);
}

END {
    local $?;    # keep Test::Builder's exit code
    stop_master() if $Nginx_pid;
    if ($Servroot_is_temp && -d $Servroot) {
        if ($ENV{TEST_NGINX_NO_CLEAN} || !Test::Builder->new->is_passing) {
            Test::More::diag("servroot kept: $Servroot");
        } else {
            File::Path::remove_tree($Servroot);
        }
    }
}

# ---------------------------------------------------------------------------
# Response object
# ---------------------------------------------------------------------------

package Test::Catalog::Response;

# $resp->header($name): list of values in list context, the values joined
# with ", " in scalar context (undef if absent).  Case-insensitive.
sub header () {
    my ($self, $name) = @_;
    my @v = map { $_->[1] } grep { lc $_->[0] eq lc $name }
            @{ $self->{headers} };
    return @v if wantarray;
    return @v ? join(', ', @v) : undef;
}

1;

__END__

=head1 NAME

Test::Catalog - data-driven nginx tests for ngx_catalog (no CPAN, no Lua)

=head1 SYNOPSIS

    use lib 'lib';
    use Test::Catalog;      # plan defaults to no_plan; `plan tests => N` ok

    run_tests();

    __DATA__

    === TEST 1: hello
    --- config
        location = /t { return 200 "hi"; }
    --- request
    GET /t
    --- response_body chomp
    hi
    --- no_error_log
    [error]

=head1 BLOCKS

Each block gets a fresh servroot layout (conf/ html/ manifests/ tmp/,
truncated logs/), its own nginx (`daemon off`, started by the harness and
stopped gracefully with SIGQUIT after the block), then the checks.

Config: main_config (top level), http_config (in http{}, before the test
server; put backend `server` blocks here), config (in the server that
listens on 127.0.0.1:$TEST_NGINX_SERVER_PORT), workers (worker_processes,
default $TEST_NGINX_WORKERS or 1), timeout (seconds, default
$TEST_NGINX_TIMEOUT or 5).

Files: manifests (written to $TEST_NGINX_MANIFEST_DIR) and user_files
(written to the html dir), as `>>> name` lines each followed by content.

Requests: request (first line is the request line, "HTTP/1.1" added when
missing; the rest is the body, one leading blank line and the final newline
removed; Host, Connection: close and Content-Length are added unless given
in more_headers), request_raw (bytes sent as they are; use `eval` to write
\r\n), more_headers (one "Name: value" per line).  With `eval` returning an
array ref, each element is sent on its own connection, in order.

Response checks: error_code (default 200), response_headers ("Name: value"
exact, "!Name" absent), response_headers_like ("Name: regex"),
response_body (exact; use the `chomp` filter for bodies without a final
newline), response_body_like (regex, /s).  With `eval` these may be array
refs, one element per request (undef skips a check).  ignore_response
skips them.

Log checks (stderr + error.log of the block, at `info` level): error_log
(each line a substring, or `qr/.../`), no_error_log.  Every block also
fails on "exited on signal", "Sanitizer", "runtime error" or "valgrind
error" lines and on [alert]/[crit]/[emerg] lines that no error_log
pattern of the block expects, and when nginx does not stop gracefully.

must_die: `nginx -t` (or, if that passes, startup) must fail; the value,
if any, is the expected exit code; error_log/no_error_log are matched
against the nginx -t output (or startup output) and error.log.

perl: Perl code run in package main after the requests, with the helpers
below and Test::More's is/like/ok available.

ONLY, SKIP, LAST: as in Test::Base.  Unknown section names fail the block.

Placeholders $TEST_NGINX_SERVER_PORT, $TEST_NGINX_BACKEND_PORT,
$TEST_NGINX_BACKEND2_PORT, $TEST_NGINX_BACKEND3_PORT (free ports picked at
start), $TEST_NGINX_SERVROOT, $TEST_NGINX_HTML_DIR,
$TEST_NGINX_MANIFEST_DIR and any other $TEST_NGINX_* environment variable
are expanded in config sections, files, requests, more_headers, header
checks and plain error_log lines.  They are also set in %ENV, so `eval`
sections can use $ENV{TEST_NGINX_SERVER_PORT}.

=head1 FUNCTIONS

http_get($path, headers => [...] or {...}, method =>, body =>, proto =>,
port =>, timeout =>) and http_request($raw_bytes, port =>, timeout =>)
return a response hash: {status, reason, proto, headers => [[name,
value]...], body, raw, error}; $resp->header($name) gives the value(s).

nginx_reload() sends SIGHUP and returns 1 when new workers run and the old
ones are gone, 0 when nginx rejected the config (excuse its [emerg] line
with --- error_log).  nginx_write_config(config => ..., ...) rewrites
nginx.conf with some sections replaced; write_file($relpath, $content)
writes under the servroot; nginx_test_config() runs `nginx -t` and returns
(exit code, output).  nginx_start(%sections) / nginx_stop() allow tests
without blocks (then call done_testing()).  servroot(), server_port(),
backend_port($n), html_dir(), manifest_dir(), error_log_text().

=head1 ENVIRONMENT

TEST_NGINX_BINARY (default /usr/sbin/nginx), TEST_NGINX_LOAD_MODULES
(space-separated .so paths, emitted as load_module lines),
TEST_NGINX_SERVROOT (default: a new /tmp/catalog-t-XXXXXX, removed at the
end unless TEST_NGINX_NO_CLEAN is set or a test failed),
TEST_NGINX_WORKERS, TEST_NGINX_TIMEOUT.

=cut
