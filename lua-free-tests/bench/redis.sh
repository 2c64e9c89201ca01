#!/usr/bin/env bash
# What catalog_redis costs and how fast it is, on one machine and in one
# run, with Debian's redis-server (its own, on a free loopback port,
# `--save "" --appendonly no`, in a temporary directory) and real nginx
# instances (/usr/sbin/nginx with the module; each its own prefix under
# OUT, one worker, error_log at notice).  Catalogs come from
# gen-manifests.pl, as in compare.sh.  Three parts:
#
#   1. propagation  nodes A and B, the same catalog (PROP_N services, 1000)
#                   and one Redis, interval=1s.  CHANGES (1000) changes
#                   through A's admin API, one at a time, over ten
#                   services: each first PUT into maintenance with a
#                   message of its own, ten changes later DELETEd, a
#                   random pause of 0 to PROP_PAUSE (50) ms before each
#                   (without it the changes fall into step with the owner
#                   worker's 20 ms tick that sends local changes).  After
#                   each, a poller (Perl, raw sockets, one keep-alive
#                   connection per node) asks B's catalog API for that
#                   service as fast as it can until B serves the change;
#                   the time from A's 200 to B's first right answer is the
#                   propagation time: p50, p99, max.  Contract 1 s, target
#                   p99 < 100 ms.  At the end both nodes' admin API must
#                   show the same override for every service touched.
#   2. routing      the same nginx with and without catalog_redis (Redis
#                   up; both with catalog_zone), at each of SIZES (1000
#                   100000): wrk -t1 -c32 --latency, SECS (10) per run,
#                   spread over every service (paths.lua), on a route that
#                   ends in `return 200 $catalog_service;` and on a route
#                   proxied (catalog_balancer, keepalive 64) to a backend
#                   server block (an nginx of its own, as in compare.sh).
#                   The two variants alternate (no-redis, redis, no-redis,
#                   ... ROUNDS (3) times each) and the table shows medians:
#                   rps, the ratio redis / no-redis, wrk's p99, and the
#                   worker's CPU time per request (/proc/PID/schedstat,
#                   which the neighbours on a shared machine move less).
#   3. resync       RESYNC_N (100000) services, an override on every one
#                   written straight into Redis (redis-cli --pipe: HSET
#                   catalog:status:KEY status maintenance message m until
#                   "" updated_at NOW updated_by bench, and SET
#                   catalog:status:version), then a node is started and,
#                   from the moment it listens until its worker logs
#                   "resync done" (at least RESYNC_SECS, 1), wrk -t1 -c8
#                   --latency drives that worker on the routing route (wrk
#                   is stopped with SIGINT, which makes it print its
#                   figures; the 200s among its answers show how much of
#                   the resync it saw).
#                   Reported: the resync's duration (from that line), wrk's
#                   p99 and max during it, and as baselines the same wrk
#                   run (as long) against the same worker once the resync
#                   is done (every service in maintenance: 503 pages) and
#                   against the node started again on an empty Redis (all
#                   200).  The worker's memory (RSS, the part of it in the
#                   zone, its private memory outside the zone): at the
#                   first answer, after the resync, and on the empty Redis.
#                   Every message takes a 2 KiB slab chunk of the zone
#                   (CATALOG_MESSAGE_BYTES, 2000), however short, so the
#                   zone is sized for RESYNC_N of them.
#
# Every answer checked is checked for its content (routing bodies, proxied
# URIs, API and admin JSON, maintenance pages, Redis' own replies); a wrong
# answer fails the run with a message, as does a change that B does not
# serve within PROP_TIMEOUT (10 s) or a wrk run with unexpected non-2xx
# answers.  Everything started here (redis-server, nginx, wrk) is stopped
# on exit, also on failure or ^C.  Results: OUT/results.md (the Markdown
# printed at the end), the raw wrk outputs, logs and samples in OUT/*/.
#
#   lua-free-tests/bench/redis.sh [MODULE.so]
#
# Environment: OUT (build/bench-redis), SMOKE (1: small N, short runs,
# only checks that every part answers right: SIZES "1000 5000", 40
# changes, RESYNC_N 5000, 1 s runs, 1 round), SIZES, PROP_N, CHANGES,
# PROP_PAUSE, RESYNC_N, SECS, RESYNC_SECS, ROUNDS, CONNS (32), PROP_TIMEOUT,
# PIN (1: the measured worker on the last CPU, wrk, Redis and the backend
# on the others; parts 2 and 3 only), NGINX_BIN (/usr/sbin/nginx),
# REDIS_SERVER (redis-server), PARTS ("1 2 3").

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
module=$(realpath "${1:-$top/build/ngx_http_catalog_module.so}")

smoke=${SMOKE:-0}
if [ "$smoke" = 1 ]; then
    sizes=(${SIZES:-1000 5000}); prop_n=${PROP_N:-1000}
    changes=${CHANGES:-40}; resync_n=${RESYNC_N:-5000}
    secs=${SECS:-1}; resync_secs=${RESYNC_SECS:-1}; rounds=${ROUNDS:-1}
else
    sizes=(${SIZES:-1000 100000}); prop_n=${PROP_N:-1000}
    changes=${CHANGES:-1000}; resync_n=${RESYNC_N:-100000}
    secs=${SECS:-10}; resync_secs=${RESYNC_SECS:-1}; rounds=${ROUNDS:-3}
fi
conns=${CONNS:-32}
prop_timeout=${PROP_TIMEOUT:-10}
prop_pause=${PROP_PAUSE:-50}
parts=" ${PARTS:-1 2 3} "
pin=${PIN:-1}
nginx=${NGINX_BIN:-/usr/sbin/nginx}
redis_server=${REDIS_SERVER:-redis-server}
out=$(mkdir -p "${OUT:-$top/build/bench-redis}" \
      && cd "${OUT:-$top/build/bench-redis}" && pwd)

for tool in wrk "$nginx" "$redis_server" redis-cli perl curl taskset \
            timeout sha256sum
do
    command -v "$tool" > /dev/null \
        || { echo "$0: $tool is missing" >&2; exit 1; }
done
[ -f "$module" ] || { echo "$0: no module $module (make)" >&2; exit 1; }
perl -MJSON::PP -MIO::Socket::INET -MTime::HiRes -e 1 \
    || { echo "$0: perl lacks JSON::PP or IO::Socket::INET" >&2; exit 1; }

ncpu=$(nproc)
if [ "$pin" = 1 ] && [ "$ncpu" -ge 2 ]; then
    affinity="worker_cpu_affinity $(printf '1%0*d' $((ncpu - 1)) 0);"
    on_others=(taskset -c "0-$((ncpu - 2))")
else
    affinity=""
    on_others=()
fi

fail() { echo "$0: $*" >&2; exit 1; }
note() { echo "$*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -g | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'; }

# --- processes started here, stopped on exit -----------------------------

tmp=$(mktemp -d /tmp/catalog-bench-redis.XXXXXX)
masters=()     # nginx master pids
bg=()          # redis-server, wrk and other background pids

stop_pid() {   # TERM, up to 10 s, then KILL (with its children)
    local p=$1 i kids
    [ -d "/proc/$p" ] || return 0
    kids=$(pgrep -P "$p" || true)
    kill "$p" 2> /dev/null || return 0
    for i in $(seq 100); do
        [ -d "/proc/$p" ] || break
        # a zombie child of this shell counts as gone
        grep -q '^[0-9]* ([^)]*) Z' "/proc/$p/stat" 2> /dev/null && break
        sleep 0.1
    done
    if [ -d "/proc/$p" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$p/stat" 2> /dev/null
    then
        kill -KILL "$p" $kids 2> /dev/null || true
    fi
    wait "$p" 2> /dev/null || true
}

cleanup() {
    local p
    trap - EXIT INT TERM
    for p in "${masters[@]}" "${bg[@]}"; do
        stop_pid "$p"
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "$0: interrupted" >&2; exit 130' INT TERM

# free loopback ports, all bound at once so that they differ
ports=($(perl -MIO::Socket::INET -e '
    my @s = map { IO::Socket::INET->new(LocalAddr => "127.0.0.1",
                                        LocalPort => 0, Listen => 1,
                                        ReuseAddr => 1)
                  or die "no free port: $!\n" } 1 .. $ARGV[0];
    print join(" ", map { $_->sockport } @s), "\n"' 10))
redis_port=${ports[0]}
port_a=${ports[1]}; port_b=${ports[2]}
port_backend=${ports[3]}
port_plain=${ports[4]}; port_plain_proxy=${ports[5]}
port_redis=${ports[6]}; port_redis_proxy=${ports[7]}
port_node=${ports[8]}

rcli() { timeout 60 redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }

redis_start() {
    local i pid
    "$redis_server" --port "$redis_port" --bind 127.0.0.1 \
        --save "" --appendonly no --dir "$tmp" --daemonize no \
        --logfile "$out/redis.log" --databases 1 > /dev/null 2>&1 &
    pid=$!
    bg+=("$pid")
    for i in $(seq 100); do
        [ "$(rcli ping 2> /dev/null)" = PONG ] && break
        [ -d "/proc/$pid" ] || fail "redis-server did not start: $(tail -3 "$out/redis.log")"
        sleep 0.1
    done
    # the server answering must be ours, not another one on that port
    [ "$(rcli info server | tr -d '\r' | sed -n 's/^process_id://p')" = "$pid" ] \
        || fail "port $redis_port answers, but not with our redis-server $pid"
    redis_pid=$pid
}

# redis_cpus all|others: the CPUs redis-server (all its threads) may use
redis_cpus() {
    [ ${#on_others[@]} -gt 0 ] || return 0
    if [ "$1" = all ]; then
        taskset -a -p -c "0-$((ncpu - 1))" "$redis_pid" > /dev/null
    else
        taskset -a -p -c "${on_others[2]}" "$redis_pid" > /dev/null
    fi
}

# --- nginx ---------------------------------------------------------------

# start_nginx DIR NAME URL: starts DIR/NAME.conf (prefix DIR), waits for
# URL to answer (any status); sets started_ms to the ms from start to that
# answer.  Not in a subshell: it records the master for the cleanup.  The
# master starts on the CPUs of "launch" (the others, or all of them).
# nginx_launch and nginx_wait are its two halves.
launch=()
start_nginx() {
    nginx_launch "$1" "$2"
    nginx_wait "$@"
}

nginx_launch() {
    local d=$1 name=$2
    rm -f "$d/$name.pid"
    launched_at=$(now_ms)
    "${launch[@]}" timeout 120 "$nginx" -p "$d/" -c "$d/$name.conf" \
        -e "$d/$name.error.log" \
        || fail "cannot start $d/$name.conf: $(tail -3 "$d/$name.error.log")"
    # the master daemonizes once its configuration is loaded
    [ -s "$d/$name.pid" ] && masters+=("$(cat "$d/$name.pid")")
    return 0
}

nginx_wait() {
    local d=$1 name=$2 url=$3 i s=$launched_at pid code
    for i in $(seq 3000); do
        if [ -s "$d/$name.pid" ]; then
            pid=$(cat "$d/$name.pid")
            case " ${masters[*]} " in *" $pid "*) ;; *) masters+=("$pid") ;; esac
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" \
                   || true)
            if [ "$code" != 000 ] && pgrep -P "$pid" > /dev/null; then
                started_ms=$(( $(now_ms) - s ))
                return
            fi
        fi
        sleep 0.01
    done
    fail "$d/$name.conf: no answer from $url in 30 s"
}

stop_nginx() {
    local d=$1 name=$2 pid
    [ -s "$d/$name.pid" ] || return 0
    pid=$(cat "$d/$name.pid")
    stop_pid "$pid"
    local keep=() m
    for m in "${masters[@]}"; do [ "$m" = "$pid" ] || keep+=("$m"); done
    masters=("${keep[@]}")
}

worker_of() { pgrep -P "$(cat "$1/$2.pid")" | head -1; }

# "RSS/ZONE/PRIVATE" of a process in MiB: its RSS, the part of it in
# shared mappings (the zone: its pages count once the worker touched them,
# and as private while no other process has), and its private memory
# outside them (heap and the like)
rss_mib() {
    awk '/^[0-9a-f]+-[0-9a-f]+ / {shm = ($2 ~ /s/)}
         /^Rss:/ {r += $2; if (shm) z += $2}
         /^Private_(Clean|Dirty):/ {if (!shm) p += $2}
         END {printf "%.1f/%.1f/%.1f", r / 1024, z / 1024, p / 1024}' \
        "/proc/$1/smaps"
}
slashes() { echo "${1//\// \/ }"; }   # 1.0/2.0 -> 1.0 / 2.0

cpu_ns() { awk '{print $1}' "/proc/$1/schedstat"; }

# crit, alert, emerg or a crash in a log: fails; errors are reported
check_log() {
    local f=$1 bad
    bad=$(grep -E '\[(emerg|alert|crit)\]|exited on signal|core dumped' "$f" || true)
    [ -z "$bad" ] || fail "$f: $bad"
    if grep -q '\[error\]' "$f"; then
        note "   note: $(grep -c '\[error\]' "$f") [error] line(s) in $f, the first:"
        note "     $(grep -m1 '\[error\]' "$f")"
        echo "$f: $(grep -c '\[error\]' "$f") [error] lines" >> "$out/log-notes.txt"
    fi
    return 0
}

# the "resync done" lines of a log, "IN OUT MS" each
resyncs() {
    sed -n 's/.*catalog redis: resync done: \([0-9]*\) overrides in, \([0-9]*\) out, \([0-9]*\) ms.*/\1 \2 \3/p' "$1"
}

wait_resync() {   # wait_resync LOG COUNT SECONDS: until COUNT resyncs done
    local f=$1 n=$2 t=$3 i
    for i in $(seq $((t * 20))); do
        [ "$(resyncs "$f" | wc -l)" -ge "$n" ] && return
        sleep 0.05
    done
    fail "$f: no \"resync done\" (number $n) within $t s"
}

# the Redis state of a node's status page: "configured connected"
redis_state_of() {
    curl -s --max-time 5 "$1" | perl -MJSON::PP -e '
        local $/; my $j = eval { decode_json(<STDIN>) } or exit 1;
        my $r = $j->{redis} or exit 1;
        print(($r->{configured} ? 1 : 0), " ", ($r->{connected} ? 1 : 0),
              " ", $j->{services} // "", " ",
              $j->{statuses}{maintenance} // "", "\n")'
}

# --- wrk -------------------------------------------------------------------

# milliseconds of a wrk time ("321.00us", "1.02ms", "2.00s", "1.00m")
wrk_ms() {
    awk -v t="$1" 'BEGIN {
        v = t + 0; u = t; sub(/^[0-9.]+/, "", u)
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000
        else if (u == "m") v *= 60000
        printf "%.2f", v }'
}

# wrk_figures RAW: "rps p50 p99 max non2xx requests errors"
wrk_figures() {
    local raw=$1 rps p50 p99 max non reqs errs
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$raw")
    reqs=$(awk '/requests in/ {print $1}' "$raw")
    max=$(awk '$1 == "Latency" && NF >= 5 {print $4; exit}' "$raw")
    p50=$(awk '$1 == "50%" {print $2}' "$raw")
    p99=$(awk '$1 == "99%" {print $2}' "$raw")
    non=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$raw")
    errs=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$raw")
    [ -n "$rps" ] && [ -n "$p99" ] && [ -n "$max" ] \
        || fail "no wrk figures in $raw: $(cat "$raw")"
    echo "$rps $(wrk_ms "$p50") $(wrk_ms "$p99") $(wrk_ms "$max")" \
         "${non:-0} $reqs ${errs:-0}"
}

# ============================================================================
# the catalogs and configuration pieces
# ============================================================================

token="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
token_sha=$(printf %s "$token" | sha256sum | cut -d' ' -f1)

# gen_catalog N DIR: DIR/m with N services proxied to the backend
gen_catalog() {
    mkdir -p "$2"
    perl "$here/gen-manifests.pl" "$1" "$2/m" "127.0.0.1:$port_backend" \
        > /dev/null || fail "gen-manifests.pl $1 failed"
    [ "$(wc -l < "$2/m/routes.txt")" = "$1" ] || fail "gen-manifests.pl: not $1 routes"
    printf '{"tokens": [{"sha256": "%s", "agency": "*", "name": "ops-root"}]}\n' \
        "$token_sha" > "$2/tokens.json"
}

# zone size in MiB for N services: what nginx -t asks for (about 1.4 KiB
# a service) with room; "full" for a message on every service too (each
# takes a 2 KiB slab chunk, and about 2.9 KiB of the zone in all: a zone
# of 1.4 + 2.2 KiB a service had no room for a tenth of them)
zone_mib() {
    if [ "${2:-}" = full ]; then
        echo $(( $1 * 5000 / 1048576 + 16 ))
    else
        echo $(( $1 * 1500 / 1048576 + 16 ))
    fi
}

# a node's configuration, DIR/NAME.conf, checked with nginx -t:
#   write_conf DIR NAME N REDIS_LINE AFFINITY ZONE_MIB, its server blocks
#   on stdin
write_conf() {
    local d=$1 name=$2 n=$3 redis=$4 aff=$5 zone=$6
    {
        cat <<END
load_module $module;
worker_processes 1;
$aff
pid $d/$name.pid;
error_log $d/$name.error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
    catalog_manifests $d/m/*.json;
    catalog_admin_tokens $d/tokens.json;
    catalog_zone size=${zone}m;
$redis
    upstream catalog_backends {
        catalog_balancer;
        keepalive 64;
    }
END
        cat
        echo "}"
    } > "$d/$name.conf"
    timeout 120 "$nginx" -q -t -p "$d/" -c "$d/$name.conf" -e stderr \
        || fail "nginx -t failed for $d/$name.conf"
}

redis_line() {   # redis_line NODE: the catalog_redis line
    echo "    catalog_redis 127.0.0.1:$redis_port connect_timeout=1s timeout=1s interval=1s node=$1;"
}

server_block() {   # server_block PORT KIND: routing, proxy or node
    local port=$1 kind=$2
    echo "    server {"
    echo "        listen 127.0.0.1:$port;"
    echo "        keepalive_requests 1000000;"
    echo "        location = /-/catalog/status { catalog_status; }"
    case $kind in
    routing)
        echo "        location / { catalog_route; return 200 \$catalog_service; }" ;;
    proxy)
        echo "        location / {"
        echo "            catalog_route;"
        echo "            proxy_pass http://catalog_backends;"
        echo "            proxy_set_header Host \$catalog_backend_host;"
        echo "            proxy_http_version 1.1;"
        echo "            proxy_set_header Connection \"\";"
        echo "        }" ;;
    node)
        echo "        location /api/catalog/ { catalog_api; }"
        echo "        location /-/catalog/admin/ { catalog_admin; }"
        echo "        location / { catalog_route; return 200 \$catalog_service; }" ;;
    esac
    echo "    }"
}

# a sample of routes.txt: the first 8 and about 40 spread over the rest
sample_routes() {
    awk -v k=$(( $(wc -l < "$1") / 40 + 1 )) 'NR <= 8 || NR % k == 0' "$1"
}

# check_routes DIR PORT KIND: the sample answers right (routing: 200 and
# the key; proxy: 200 and the request's URI from the backend)
check_routes() {
    local d=$1 port=$2 kind=$3 key match path request expect code body
    while read -r key match path request; do
        [ "$kind" = proxy ] && expect=$request || expect=$key
        code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 \
               "http://127.0.0.1:$port$request") || code=000
        body=$(cat "$tmp/body" 2> /dev/null || true)
        [ "$code" = 200 ] && [ "$body" = "$expect" ] \
            || fail "127.0.0.1:$port$request answered $code \"$body\", not 200 \"$expect\""
    done < <(sample_routes "$d/m/routes.txt")
}

# check_redis_state URL CONNECTED: a node's status says configured (1 for
# a node with catalog_redis) and connected as expected
check_redis_state() {
    local url=$1 want=$2 got
    got=$(redis_state_of "$url") || got="not JSON"
    set -- $got
    case $want in
    none) [ "${1:-}" = 0 ] || fail "$url: Redis configured, it should not be: $got" ;;
    up) [ "${1:-}" = 1 ] && [ "${2:-}" = 1 ] \
            || fail "$url: Redis not configured and connected: $got" ;;
    esac
}

machine="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
versions="nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///'), $("$redis_server" --version | awk '{print $1, $2, $3}' | sed 's/ v=/ /')"

redis_start
note "redis-server $redis_pid on 127.0.0.1:$redis_port ($tmp); results in $out"
: > "$out/log-notes.txt"
part_times=()

# ============================================================================
# 1. propagation A -> B
# ============================================================================

cat > "$out/propagate.pl" <<'PERL'
#!/usr/bin/perl
# The poller of redis.sh, part 1: CHANGES changes through node A's admin
# API, one at a time, over the services in KEYS_FILE (each PUT into
# maintenance with a message of its own, the next time DELETEd); after
# each, B's catalog API is asked for the service on a keep-alive
# connection, as fast as it answers, until it shows the change.  Writes
# one line per change to SAMPLES ("i kind key ms polls") and prints
# "count p50 p99 max mean put_p50 put_p99 delete_p50 delete_p99 polls".
# Between two changes it waits a random 0 to PAUSE ms, so that the changes
# do not fall into step with the owner worker's timers (its queue of local
# changes is flushed to Redis on a 20 ms tick; changes made right after
# the previous one arrived would all land just after a tick).
#
#   perl propagate.pl A_PORT B_PORT TOKEN CHANGES KEYS_FILE SAMPLES TIMEOUT PAUSE

use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use JSON::PP ();
use POSIX ();
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Time::HiRes qw(time);

my ($pa, $pb, $token, $n, $keys_file, $samples, $limit, $pause) = @ARGV;
die "usage: $0 A_PORT B_PORT TOKEN CHANGES KEYS_FILE SAMPLES TIMEOUT PAUSE\n"
    unless defined $pause;
srand(20261201);
$SIG{PIPE} = 'IGNORE';
my $json = JSON::PP->new->utf8->canonical;

open my $kf, '<', $keys_file or die "$keys_file: $!\n";
chomp(my @keys = grep { /\S/ } <$kf>);
die "no keys in $keys_file\n" unless @keys;

my %conn;       # port => [socket, buffer]

sub connect_to {
    my ($port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or die "cannot connect to 127.0.0.1:$port: $!\n";
    setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
    binmode $s;
    return [$s, ''];
}

# reads until $want bytes are buffered, or (with $want undef) until the
# buffer holds the end of the headers; false on EOF, error or 5 s
sub fill {
    my ($c, $cond) = @_;
    my $sel = IO::Select->new($c->[0]);
    my $deadline = time + 5;
    until ($cond->()) {
        my $left = $deadline - time;
        return 0 if $left <= 0 || !$sel->can_read($left);
        my $r = sysread($c->[0], $c->[1], 65536, length $c->[1]);
        return 0 unless $r;
    }
    return 1;
}

# one request on the kept-alive connection: (status, body); a connection
# the server closed is opened again and the request repeated once (all
# requests here are idempotent)
sub request {
    my ($port, $method, $path, $body) = @_;
    for my $try (1, 2) {
        my $c = $conn{$port} ||= connect_to($port);
        my $req = "$method $path HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        $req .= "Authorization: Bearer $token\r\n" if $path =~ m{^/-/};
        $req .= "Content-Type: application/json\r\n"
              . 'Content-Length: ' . length($body) . "\r\n" if defined $body;
        $req .= "\r\n" . (defined $body ? $body : '');
        my $w = syswrite($c->[0], $req);
        if (defined $w && $w == length $req) {
            my ($status, $resp, $close) = read_response($c);
            if (defined $status) {
                delete $conn{$port} if $close;
                return ($status, $resp);
            }
        }
        close $c->[0];
        delete $conn{$port};
    }
    die "no answer from 127.0.0.1:$port to $method $path\n";
}

sub read_response {
    my ($c) = @_;
    fill($c, sub { index($c->[1], "\r\n\r\n") >= 0 }) or return;
    my $end = index($c->[1], "\r\n\r\n");
    my $head = substr($c->[1], 0, $end);
    substr($c->[1], 0, $end + 4) = '';
    my ($status) = $head =~ m{^HTTP/1\.[01] (\d{3})} or return;
    my $close = $head =~ /^Connection:\s*close/mi ? 1 : 0;
    my $body = '';
    if ($head =~ /^Content-Length:\s*(\d+)/mi) {
        my $len = $1;
        fill($c, sub { length($c->[1]) >= $len }) or return;
        $body = substr($c->[1], 0, $len, '');
    } elsif ($head =~ /^Transfer-Encoding:\s*chunked/mi) {
        while (1) {
            fill($c, sub { index($c->[1], "\r\n") >= 0 }) or return;
            my $e = index($c->[1], "\r\n");
            my $size = hex substr($c->[1], 0, $e);
            fill($c, sub { length($c->[1]) >= $e + 2 + $size + 2 }) or return;
            $body .= substr($c->[1], $e + 2, $size);
            substr($c->[1], 0, $e + 2 + $size + 2) = '';
            last if $size == 0;
        }
    } else {
        return;     # nginx always sends one of the two here
    }
    return ($status, $body, $close);
}

sub decode {
    my ($what, $text) = @_;
    my $j = eval { $json->decode($text) };
    die "$what: not JSON: $text\n" unless ref $j eq 'HASH';
    return $j;
}

# what B's API must show after the change
sub served {
    my ($body, $put, $msg) = @_;
    return $put
        ? $body =~ /"status":\s*"maintenance",\s*"status_message":\s*"\Q$msg\E"/
        : $body =~ /"status":\s*"active",\s*"status_message":\s*null/;
}

# both nodes answer, and every service starts active without override
for my $k (@keys) {
    for my $p ($pa, $pb) {
        my ($st, $b) = request($p, 'GET', "/-/catalog/admin/services/$k");
        $st == 200 or die "127.0.0.1:$p admin GET $k: $st $b\n";
        my $j = decode("admin GET $k", $b);
        defined $j->{override}
            and die "127.0.0.1:$p: $k has an override before the run: $b\n";
        ($st, $b) = request($p, 'GET', "/api/catalog/services/$k");
        $st == 200 && served($b, 0)
            or die "127.0.0.1:$p: $k is not active before the run: $st $b\n";
    }
}

open my $out, '>', $samples or die "$samples: $!\n";
my (@all, @put, @del);
my $polls_total = 0;
my $K = @keys;

for my $i (0 .. $n - 1) {
    Time::HiRes::sleep(rand($pause) / 1000) if $pause > 0;
    my $key = $keys[$i % $K];
    my $put = int($i / $K) % 2 == 0;
    my $msg = sprintf 'bench change %d of %d (%d)', $i + 1, $n, $$;
    my $path = "/-/catalog/admin/services/$key/status";
    my ($st, $b) = $put
        ? request($pa, 'PUT', $path,
                  $json->encode({status => 'maintenance', message => $msg}))
        : request($pa, 'DELETE', $path);
    my $t0 = time;
    $st == 200 or die "A: " . ($put ? 'PUT' : 'DELETE') . " $key: $st $b\n";
    my $j = decode("A's answer to change $i", $b);
    if ($put) {
        ref $j->{override} eq 'HASH' && $j->{override}{status} eq 'maintenance'
            && $j->{override}{message} eq $msg
            or die "A: PUT $key answered $b\n";
    } else {
        defined $j->{override} and die "A: DELETE $key answered $b\n";
    }

    my ($polls, $t1) = (0);
    while (1) {
        my ($bs, $bb) = request($pb, 'GET', "/api/catalog/services/$key");
        $polls++;
        $bs == 200 or die "B: GET /api/catalog/services/$key: $bs $bb\n";
        if (served($bb, $put, $msg)) {
            $t1 = time;
            my $bj = decode("B's answer", $bb);
            $bj->{id} eq $key or die "B: asked for $key, answered $bj->{id}\n";
            last;
        }
        if (time - $t0 > $limit) {
            die "B did not serve change " . ($i + 1) . ' ('
                . ($put ? "PUT \"$msg\"" : 'DELETE') . " of $key) within"
                . " $limit s; it answers: $bb\n";
        }
    }
    my $ms = ($t1 - $t0) * 1000;
    printf $out "%d %s %s %.3f %d\n", $i + 1, $put ? 'put' : 'delete', $key,
        $ms, $polls;
    push @all, $ms;
    push @{ $put ? \@put : \@del }, $ms;
    $polls_total += $polls;
}
close $out;

# both nodes end with the same override (same time, same author) everywhere
for my $k (@keys) {
    my @o = map {
        my ($st, $b) = request($_, 'GET', "/-/catalog/admin/services/$k");
        $st == 200 or die "127.0.0.1:$_ admin GET $k: $st $b\n";
        my $o = decode("admin GET $k", $b)->{override};
        defined $o ? $json->encode($o) : 'null';
    } $pa, $pb;
    $o[0] eq $o[1] or die "A and B differ on $k: A $o[0], B $o[1]\n";
}

sub pct {   # nearest rank
    my ($p, @v) = @_;
    return 'n/a' unless @v;
    @v = sort { $a <=> $b } @v;
    my $r = POSIX::ceil($p / 100 * @v);
    $r = 1 if $r < 1;
    return sprintf '%.1f', $v[$r - 1];
}
my $sum = 0;
$sum += $_ for @all;
printf "%d %s %s %s %.1f %s %s %s %s %.1f\n", scalar @all, pct(50, @all),
    pct(99, @all), pct(100, @all), $sum / @all, pct(50, @put), pct(99, @put),
    pct(50, @del), pct(99, @del), $polls_total / @all;
PERL

if [[ $parts == *" 1 "* ]]; then
    t_part=$(now_ms)
    d=$out/propagation
    rm -rf "$d"
    launch=(); redis_cpus all
    note "== 1. propagation: $prop_n services, $changes changes A -> B ($d)"
    gen_catalog "$prop_n" "$d"
    for node in a b; do
        [ $node = a ] && p=$port_a || p=$port_b
        server_block "$p" node \
            | write_conf "$d" "node-$node" "$prop_n" "$(redis_line "bench-node-$node")" \
                         "" "$(zone_mib "$prop_n")"
    done
    rcli flushall > /dev/null
    start_nginx "$d" node-a "http://127.0.0.1:$port_a/-/catalog/status"
    start_nginx "$d" node-b "http://127.0.0.1:$port_b/-/catalog/status"
    wait_resync "$d/node-a.error.log" 1 10
    wait_resync "$d/node-b.error.log" 1 10
    check_redis_state "http://127.0.0.1:$port_a/-/catalog/status" up
    check_redis_state "http://127.0.0.1:$port_b/-/catalog/status" up
    check_routes "$d" "$port_a" routing
    check_routes "$d" "$port_b" routing
    # ten services spread over the catalog
    awk -v k=$(( prop_n >= 20 ? prop_n / 10 : 1 )) 'NR % k == 1 || k == 1 {print $1}' \
        "$d/m/routes.txt" \
        | head -10 > "$d/keys.txt"
    prop=$(timeout $(( changes * (prop_timeout + 1) + 120 )) \
           perl "$out/propagate.pl" "$port_a" "$port_b" "$token" "$changes" \
                "$d/keys.txt" "$d/samples.txt" "$prop_timeout" "$prop_pause") \
        || fail "propagation: the poller failed (see above)"
    echo "$prop" > "$d/summary.txt"
    # Redis holds what the nodes hold
    key=$(tail -1 "$d/samples.txt" | cut -d' ' -f3)
    [ "$(rcli hget "catalog:status:$key" updated_by)" = ops-root ] \
        || fail "Redis: catalog:status:$key is not ops-root's change"
    check_redis_state "http://127.0.0.1:$port_b/-/catalog/status" up
    stop_nginx "$d" node-a
    stop_nginx "$d" node-b
    check_log "$d/node-a.error.log"
    check_log "$d/node-b.error.log"
    part_times+=("1 $(( ($(now_ms) - t_part) / 1000 ))")
    note "   propagation: $prop"
fi

# ============================================================================
# 2. routing and proxying, with and without catalog_redis
# ============================================================================

# wrk_run DIR VARIANT KIND ROUND: appends "kind variant round rps p50 p99
# max us_per_req" to DIR/rps.txt (round 0 is a warm-up)
wrk_run() {
    local d=$1 v=$2 kind=$3 round=$4 port raw w c0 c1 f
    case $v-$kind in
    plain-routing) port=$port_plain ;;
    plain-proxy) port=$port_plain_proxy ;;
    redis-routing) port=$port_redis ;;
    redis-proxy) port=$port_redis_proxy ;;
    esac
    raw=$d/wrk-$kind-$v-$round.txt
    w=$(worker_of "$d" "$v")
    c0=$(cpu_ns "$w")
    "${on_others[@]}" timeout $((secs + 60)) wrk -t1 -c"$conns" -d"${secs}s" \
        --timeout 10s --latency -s "$here/paths.lua" "http://127.0.0.1:$port" \
        -- "$d/m/paths.txt" > "$raw" 2>&1 \
        || fail "wrk failed against $v $kind: $(cat "$raw")"
    c1=$(cpu_ns "$w")
    f=($(wrk_figures "$raw"))
    [ "${f[4]}" = 0 ] || fail "$v $kind answered ${f[4]} non-2xx responses: $raw"
    [ "${f[6]}" = 0 ] || fail "$v $kind: ${f[6]} socket errors: $raw"
    awk -v k="$kind" -v v="$v" -v r="$round" -v rps="${f[0]}" -v p50="${f[1]}" \
        -v p99="${f[2]}" -v max="${f[3]}" -v c=$((c1 - c0)) -v n="${f[5]}" \
        'BEGIN {printf "%s %s %s %s %s %s %s %.2f\n", k, v, r, rps, p50, p99,
                max, n ? c / n / 1e3 : 0}' >> "$d/rps.txt"
}

# stat KIND VARIANT COLUMN DIR: median over rounds
stat() { awk -v k="$1" -v v="$2" -v c="$3" '$1 == k && $2 == v && $3 > 0 {print $c}' "$4/rps.txt" | median; }

if [[ $parts == *" 2 "* ]]; then
    t_part=$(now_ms)
    : > "$out/routing.txt"
    for n in "${sizes[@]}"; do
        d=$out/routing-$n
        rm -rf "$d"
        launch=("${on_others[@]}"); redis_cpus others
        note "== 2. routing and proxying: $n services, no-redis vs redis ($d)"
        gen_catalog "$n" "$d"
        cat > "$d/backend.conf" <<END
worker_processes 1;
pid $d/backend.pid;
error_log $d/backend.error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$port_backend;
        keepalive_requests 1000000;
        location / { return 200 \$uri; }
    }
}
END
        { server_block "$port_plain" routing; server_block "$port_plain_proxy" proxy; } \
            | write_conf "$d" plain "$n" "" "$affinity" "$(zone_mib "$n")"
        { server_block "$port_redis" routing; server_block "$port_redis_proxy" proxy; } \
            | write_conf "$d" redis "$n" "$(redis_line "bench-route-$n")" \
                         "$affinity" "$(zone_mib "$n")"
        rcli flushall > /dev/null
        start_nginx "$d" backend "http://127.0.0.1:$port_backend/"
        start_nginx "$d" plain "http://127.0.0.1:$port_plain/-/catalog/status"
        start_nginx "$d" redis "http://127.0.0.1:$port_redis/-/catalog/status"
        wait_resync "$d/redis.error.log" 1 30
        check_redis_state "http://127.0.0.1:$port_plain/-/catalog/status" none
        check_redis_state "http://127.0.0.1:$port_redis/-/catalog/status" up
        for p in "$port_plain:routing" "$port_plain_proxy:proxy" \
                 "$port_redis:routing" "$port_redis_proxy:proxy"
        do
            check_routes "$d" "${p%%:*}" "${p#*:}"
        done

        : > "$d/rps.txt"
        for kind in routing proxy; do
            for v in plain redis; do
                wrk_run "$d" "$v" "$kind" 0
            done
            for ((r = 1; r <= rounds; r++)); do
                note "   $kind round $r/$rounds"
                for v in plain redis; do
                    wrk_run "$d" "$v" "$kind" "$r"
                done
            done
        done

        # still connected, still right, after the runs
        check_redis_state "http://127.0.0.1:$port_redis/-/catalog/status" up
        check_routes "$d" "$port_redis" routing
        mw_plain=$(rss_mib "$(worker_of "$d" plain)")
        mw_redis=$(rss_mib "$(worker_of "$d" redis)")
        for v in plain redis backend; do
            stop_nginx "$d" "$v"
            check_log "$d/$v.error.log"
        done

        for kind in routing proxy; do
            pr=$(stat "$kind" plain 4 "$d"); rr=$(stat "$kind" redis 4 "$d")
            echo "$n $kind $pr $rr" \
                 "$(awk -v a="$rr" -v b="$pr" 'BEGIN {printf "%.3f", a / b}')" \
                 "$(stat "$kind" plain 6 "$d") $(stat "$kind" redis 6 "$d")" \
                 "$(stat "$kind" plain 8 "$d") $(stat "$kind" redis 8 "$d")" \
                 "$mw_plain $mw_redis" >> "$out/routing.txt"
        done
    done
    part_times+=("2 $(( ($(now_ms) - t_part) / 1000 ))")
fi

# ============================================================================
# 3. a full resync of RESYNC_N overrides
# ============================================================================

# the overrides, as Redis' protocol, for redis-cli --pipe
write_overrides() {
    perl -e '
        use POSIX ();
        use Time::HiRes ();
        my ($routes, $prefix) = @ARGV;
        my $ms = int(Time::HiRes::time() * 1000);
        my $now = POSIX::strftime("%Y-%m-%dT%H:%M:%S", gmtime int($ms / 1000))
                . sprintf(".%03dZ", $ms % 1000);
        sub cmd { my $s = "*" . @_ . "\r\n";
                  $s .= "\$" . length($_) . "\r\n$_\r\n" for @_; $s }
        open my $f, "<", $routes or die "$routes: $!\n";
        my $n = 0;
        while (<$f>) {
            my ($key) = split;
            print cmd("HSET", "${prefix}status:$key", "status", "maintenance",
                      "message", "m", "until", "", "updated_at", $now,
                      "updated_by", "bench");
            $n++;
        }
        print cmd("SET", "${prefix}status:version", $n);
    ' "$1" catalog:
}

# resync_wrk DIR RUN SECS: wrk -c8 --latency on the node's routing route;
# prints "rps p50 p99 max non2xx requests errors"
resync_wrk() {
    local d=$1 run=$2 t=$3 raw
    raw=$d/wrk-$run.txt
    "${on_others[@]}" timeout $((t + 60)) wrk -t1 -c8 \
        -d"${t}s" --timeout 10s --latency -s "$here/paths.lua" \
        "http://127.0.0.1:$port_node" -- "$d/m/paths.txt" > "$raw" 2>&1 \
        || fail "wrk failed ($run): $(cat "$raw")"
    wrk_figures "$raw"
}

# check_maintenance DIR: the sample answers 503 with the message "m"
check_maintenance() {
    local d=$1 key match path request code
    while read -r key match path request; do
        code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 \
               "http://127.0.0.1:$port_node$request") || code=000
        [ "$code" = 503 ] && grep -q '<p class="msg">m</p>' "$tmp/body" \
            || fail "after the resync $request answered $code, not 503 with" \
                    "the message \"m\": $(head -c 300 "$tmp/body")"
    done < <(sample_routes "$d/m/routes.txt")
}

if [[ $parts == *" 3 "* ]]; then
    t_part=$(now_ms)
    d=$out/resync
    rm -rf "$d"
    launch=("${on_others[@]}"); redis_cpus others
    note "== 3. full resync: $resync_n overrides ($d)"
    gen_catalog "$resync_n" "$d"
    server_block "$port_node" routing \
        | write_conf "$d" node "$resync_n" "$(redis_line bench-resync)" \
                     "$affinity" "$(zone_mib "$resync_n" full)"
    url=http://127.0.0.1:$port_node/-/catalog/status

    # the overrides
    rcli flushall > /dev/null
    write_overrides "$d/m/routes.txt" > "$d/overrides.resp"
    rcli --pipe < "$d/overrides.resp" > "$d/pipe.txt" 2>&1 \
        || fail "redis-cli --pipe failed: $(cat "$d/pipe.txt")"
    grep -q "errors: 0, replies: $((resync_n + 1))" "$d/pipe.txt" \
        || fail "redis-cli --pipe: $(tail -1 "$d/pipe.txt")"
    [ "$(rcli dbsize)" = $((resync_n + 1)) ] \
        || fail "Redis holds $(rcli dbsize) keys, not $((resync_n + 1))"

    # the node, and wrk from the moment nginx listens (its master has
    # daemonized: the listening socket is open, connections wait in its
    # backlog until the worker accepts them; wrk itself needs some 0.3 s to
    # read and shuffle 100,000 paths) until the resync is done
    nginx_launch "$d" node
    t_wrk=$(now_ms)
    "${on_others[@]}" wrk -t1 -c8 -d600s --timeout 10s --latency \
        -s "$here/paths.lua" "http://127.0.0.1:$port_node" -- \
        "$d/m/paths.txt" > "$d/wrk-during.txt" 2>&1 &
    wrk_pid=$!
    bg+=("$wrk_pid")
    nginx_wait "$d" node "$url"
    start_ms=$started_ms
    w=$(worker_of "$d" node)
    rss_first=$(rss_mib "$w")
    done_at_first=$(resyncs "$d/node.error.log" | wc -l)
    wait_resync "$d/node.error.log" 1 300
    # at least RESYNC_SECS of wrk, however fast the resync was
    while [ $(( $(now_ms) - t_wrk )) -lt $(( resync_secs * 1000 )) ]; do
        sleep 0.05
    done
    kill -INT "$wrk_pid"
    wait "$wrk_pid" || fail "wrk failed during the resync: $(cat "$d/wrk-during.txt")"
    # wrk's own measure of its run ("in 2.71s," or "in 897.27ms,")
    during_secs=$(awk '/requests in/ {sub(/,$/, "", $4); print $4}' "$d/wrk-during.txt")
    during_secs=$(awk -v ms="$(wrk_ms "$during_secs")" 'BEGIN {printf "%.2f", ms / 1000}')
    wrk_during=$(wrk_figures "$d/wrk-during.txt")
    set -- $(resyncs "$d/node.error.log" | head -1)
    if [ "$1" != "$resync_n" ]; then
        grep -q 'no room in the zone' "$d/node.error.log" \
            && note "   the zone (catalog_zone size=$(zone_mib "$resync_n" full)m) was too small:" \
                    "$(grep -c 'no room in the zone' "$d/node.error.log") \"no room\" errors"
        fail "the resync brought $1 overrides in, not $resync_n"
    fi
    resync_in=$1; resync_out=$2; resync_ms=$3
    state=($(redis_state_of "$url"))
    [ "${state[1]}" = 1 ] && [ "${state[3]}" = "$resync_n" ] \
        || fail "after the resync the status shows ${state[*]}: not connected" \
                "with $resync_n services in maintenance"
    check_maintenance "$d"
    rss_after=$(rss_mib "$w")
    # the same run on the same worker, nothing to resync (all maintenance)
    resync_secs_run=$(awk -v s="$during_secs" 'BEGIN {s = int(s + 0.5); print s < 1 ? 1 : s}')
    wrk_after=$(resync_wrk "$d" after "$resync_secs_run")
    set -- $wrk_after
    [ "$5" = "$6" ] || fail "after the resync $(( $6 - $5 )) answers were 2xx, not 503"
    rss_end=$(rss_mib "$w")
    [ "$(resyncs "$d/node.error.log" | wc -l)" = 1 ] \
        || note "   note: more than one resync: $(resyncs "$d/node.error.log" | tr '\n' ';')"
    zone_used=$(curl -s --max-time 5 "$url" | perl -MJSON::PP -e '
        local $/; my $j = decode_json(<STDIN>);
        printf "%.0f/%.0f", $j->{zone}{used} / 1048576, $j->{zone}{size} / 1048576')
    stop_nginx "$d" node
    mv "$d/node.error.log" "$d/node-resync.error.log"
    check_log "$d/node-resync.error.log"
    [ "$done_at_first" = 0 ] || note "   note: the resync was done before the node's first answer"

    # the baseline: the same node with an empty Redis, nothing to resync
    rcli flushall > /dev/null
    start_nginx "$d" node "$url"
    wait_resync "$d/node.error.log" 1 300
    set -- $(resyncs "$d/node.error.log" | tail -1)
    [ "$1" = 0 ] || fail "resync from an empty Redis brought $1 overrides in"
    empty_ms=$3
    check_routes "$d" "$port_node" routing
    rss_empty=$(rss_mib "$(worker_of "$d" node)")
    wrk_empty=$(resync_wrk "$d" empty "$resync_secs_run")
    set -- $wrk_empty
    [ "$5" = 0 ] || fail "the node without overrides answered $5 non-2xx"
    stop_nginx "$d" node
    mv "$d/node.error.log" "$d/node-empty.error.log"
    check_log "$d/node-empty.error.log"

    echo "$resync_n $resync_in $resync_out $resync_ms $start_ms $done_at_first" \
         "$rss_empty $rss_first $rss_after $rss_end $empty_ms $during_secs" \
         "$resync_secs_run $zone_used" > "$d/summary.txt"
    echo "during $wrk_during" > "$d/wrk.txt"
    echo "after $wrk_after" >> "$d/wrk.txt"
    echo "empty $wrk_empty" >> "$d/wrk.txt"
    part_times+=("3 $(( ($(now_ms) - t_part) / 1000 ))")
fi

# ============================================================================
# the summary
# ============================================================================

fmt() { perl -e '$_ = shift; 1 while s/^(\d+)(\d{3})/$1,$2/; print' "$1"; }   # 100,000

results=$out/results.md
{
    echo "### catalog_redis"
    echo
    echo "$(date -u +%Y-%m-%d), $machine; $versions;" \
         "lua-free-tests/bench/redis.sh$([ "$smoke" = 1 ] && echo " (SMOKE=1: not figures to quote)")"
    echo

    if [ -f "$out/propagation/summary.txt" ] && [[ $parts == *" 1 "* ]]; then
        set -- $(cat "$out/propagation/summary.txt")
        echo "Propagation: two nodes, one Redis, $(fmt "$prop_n") services," \
             "\`interval=1s\`; $(fmt "$1") changes through A's admin API one" \
             "at a time (PUT maintenance with a message, DELETE, over 10" \
             "services, a random 0-$prop_pause ms pause between two), B's" \
             "catalog API polled on a keep-alive connection" \
             "(${10} requests per change on average); the time from A's 200" \
             "to B's first answer showing the change:"
        echo
        echo "| changes | p50 ms | p99 ms | max ms | mean ms | PUT p50 / p99 | DELETE p50 / p99 | contract 1 s | target p99 < 100 ms |"
        echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
        awk -v n="$1" -v p50="$2" -v p99="$3" -v max="$4" -v mean="$5" \
            -v pp50="$6" -v pp99="$7" -v dp50="$8" -v dp99="$9" 'BEGIN {
            printf "| %d | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s |\n",
                n, p50, p99, max, mean, pp50, pp99, dp50, dp99,
                max < 1000 ? "met" : "MISSED", p99 < 100 ? "met" : "MISSED" }'
        echo
    fi

    if [ -s "$out/routing.txt" ] && [[ $parts == *" 2 "* ]]; then
        echo "Routing and proxying with \`catalog_redis\` (Redis up) and" \
             "without (both with \`catalog_zone\`), one worker, wrk -t1" \
             "-c$conns ${secs} s per run over every service, the two" \
             "alternating, medians of $rounds; rps ratio: redis over" \
             "no-redis; CPU ratio: the worker's CPU time per request," \
             "no-redis over redis (below 1: redis costs more):"
        echo
        echo "| services | route | no-redis rps | redis rps | rps ratio | no-redis p99 ms | redis p99 ms | worker CPU µs/req no-redis / redis | CPU ratio |"
        echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        while read -r n kind pr rr ratio pp rp pc rc mp mr; do
            [ "$kind" = routing ] && what='`return 200 $catalog_service`' \
                                  || what='proxied, keepalive'
            printf '| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s |\n' \
                "$(fmt "$n")" "$what" "$pr" "$rr" "$ratio" "$pp" "$rp" "$pc" "$rc" \
                "$(awk -v a="$pc" -v b="$rc" 'BEGIN {printf "%.3f", a / b}')"
        done < "$out/routing.txt"
        echo
        echo "Worker RSS / in the zone / private outside it, MiB, after the runs, no-redis; redis:" \
             "$(awk '$2 == "routing" {gsub("/", " / ", $10); gsub("/", " / ", $11); printf "%s%s services %s; %s", s, $1, $10, $11; s = ", "}' \
                "$out/routing.txt")."
        echo
    fi

    if [ -f "$out/resync/summary.txt" ] && [[ $parts == *" 3 "* ]]; then
        set -- $(cat "$out/resync/summary.txt")
        echo "Full resync: $(fmt "$1") services, an override on every one" \
             "(with a message) written straight into Redis; a node started" \
             "(one worker, \`catalog_zone\` $(echo "${14}" | sed 's|.*/||') MiB)," \
             "wrk -t1 -c8 on its routing route from the moment it listened" \
             "(its first answer came $5 ms after start) until the resync" \
             "was done (${12} s of wrk)." \
             "The resync: **$(fmt "$4") ms** ($2 overrides in, $3 out, from" \
             "the worker's log)$([ "$6" = 0 ] || echo "; it was over before the first answer");" \
             "the same node's resync from an empty Redis: $(fmt "${11}") ms." \
             "The zone holds $(echo "${14}" | sed 's|/| of |') MiB after it." \
             "The baselines are the same wrk run (${13} s) without a resync."
        echo
        echo "| wrk run | rps | p50 ms | p99 ms | max ms | answers 200 / 503 | worker RSS / zone / private MiB |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
        rss_e=$7; rss_f=$8; rss_a=$9; rss_z=${10}
        while read -r run rps p50 p99 max non reqs errs; do
            case $run in
            empty) what="baseline: the node started again on an empty Redis (all 200)"; rss=$(slashes "$rss_e") ;;
            during) what="during the resync"; rss="$(slashes "$rss_f") at the first answer, $(slashes "$rss_a") after the resync" ;;
            after) what="baseline: the same worker after the resync (all 503, maintenance)"; rss=$(slashes "$rss_z") ;;
            esac
            printf '| %s | %s | %s | %s | %s | %s / %s | %s |\n' \
                "$what" "$rps" "$p50" "$p99" "$max" "$(fmt $((reqs - non)))" \
                "$(fmt "$non")" "$rss"
        done < "$out/resync/wrk.txt"
        echo
    fi

    echo "Time per part (s): $(printf '%s\n' "${part_times[@]}" \
          | awk '{printf "%s%s: %s", s, $1, $2; s = ", "}');" \
         "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
    if [ -s "$out/log-notes.txt" ]; then
        echo
        echo "Logs: $(tr '\n' ';' < "$out/log-notes.txt" | sed "s|$out/||g; s/;$//")."
    fi
} > "$results"

cat "$results"
