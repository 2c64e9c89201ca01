#!/usr/bin/env bash
# Instructions per request, counted by callgrind: the one figure of the
# benchmark that the machine's other load cannot move.  For a catalog
# compare.sh has set up in DIR (build/bench/N: its configurations, its
# manifests and paths), bare, catalog, proxy-plain and proxy-catalog each
# run as one process (no master) under valgrind --tool=callgrind, are
# warmed up, then counted over SECS of wrk asking for every service in
# turn (paths.lua).  Only user-space instructions count: the kernel's
# share of a request (the sockets, most of the time) is not in them, so
# they show what the module adds to a request, not a share of its time,
# and instructions are not time either (a cache miss costs none).  The
# count of the whole process moves by a few hundred from run to run (how
# the event loop batches); the module's own part does not.  Writes
# DIR/instructions.txt.
#
#   lua-free-tests/bench/instructions.sh DIR
#
# Environment: SECS (counted wrk run, 3).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=$(cd "$1" && pwd)
secs=${SECS:-3}
nginx=${NGINX_BIN:-/usr/sbin/nginx}

for tool in valgrind callgrind_control callgrind_annotate wrk curl; do
    command -v "$tool" > /dev/null \
        || { echo "$0: $tool is missing" >&2; exit 1; }
done

for v in bare catalog proxy-plain proxy-catalog backend; do
    [ -f "$dir/$v.conf" ] \
        || { echo "$0: no $dir/$v.conf: run compare.sh first" >&2; exit 1; }
done

pids=()
stop() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
    if [ -f "$dir/backend.pid" ]; then
        kill "$(cat "$dir/backend.pid")" 2> /dev/null || true
    fi
}
trap stop EXIT

port() { sed -n 's/.*listen 127\.0\.0\.1:\([0-9]*\);.*/\1/p' "$1" | head -1; }

answer() {
    local i
    for i in $(seq 600); do
        curl -s -o /dev/null "$1" && return
        sleep 0.2
    done
    echo "$0: no answer from $1" >&2
    exit 1
}

# writes "requests instructions own" of one variant to DIR/VARIANT.cg.count,
# own: the instructions in the module's code (its sources)
count() {
    local v=$1 conf=$dir/$v.cg.conf out=$dir/$v.callgrind url pid reqs ir
    url="http://127.0.0.1:$(port "$dir/$v.conf")"

    sed -e 's/^worker_processes 1;/daemon off; master_process off;/' \
        -e '/worker_cpu_affinity/d' \
        -e "s#^pid .*#pid $dir/$v.cg.pid;#" "$dir/$v.conf" > "$conf"

    rm -f "$out" "$out".*
    valgrind -q --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$out" \
        "$nginx" -p "$dir/" -c "$conf" -e "$dir/$v.cg.error.log" &
    pid=$!
    pids+=("$pid")

    answer "$url/"
    wrk -t1 -c8 -d1s -s "$here/paths.lua" "$url" -- "$dir/m/paths.txt" \
        > /dev/null
    callgrind_control -i on "$pid" > /dev/null 2>&1
    wrk -t1 -c1 -d"${secs}s" -s "$here/paths.lua" "$url" -- \
        "$dir/m/paths.txt" > "$dir/$v.cg.wrk"
    callgrind_control -i off "$pid" > /dev/null 2>&1
    callgrind_control -d "$pid" > /dev/null 2>&1

    # a TERM that arrives while callgrind is busy can be lost: repeat it
    while [ -d "/proc/$pid" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat"
    do
        kill "$pid" 2> /dev/null || true
        sleep 1
    done
    wait "$pid" 2> /dev/null || true

    if grep -q 'Non-2xx' "$dir/$v.cg.wrk"; then
        echo "$0: $v answered non-2xx responses" >&2
        exit 1
    fi

    reqs=$(awk '/requests in/ {print $1}' "$dir/$v.cg.wrk")
    ir=$(awk '/^totals:/ {print $2; exit}' "$out".1)
    [ -n "$reqs" ] && [ -n "$ir" ] \
        || { echo "$0: no count for $v" >&2; exit 1; }
    own=$(callgrind_annotate --auto=no --threshold=100 "$out".1 \
          | awk '/(ngx_module|include)\/(ngx_http_)?catalog[a-z_]*\.[ch]:/ {
                     gsub(",", "", $1); s += $1
                 } END {print s + 0}')
    echo "$reqs $ir $own" > "$dir/$v.cg.count"
}

"$nginx" -p "$dir/" -c "$dir/backend.conf" -e stderr

table=$dir/instructions.txt
{
    echo "| variant | requests counted | instructions per request" \
         "| over its reference | in the module's code |"
    echo "| --- | ---: | ---: | ---: | ---: |"
} > "$table"

declare -A per

for pair in bare:bare catalog:bare proxy-plain:proxy-plain \
            proxy-catalog:proxy-plain
do
    v=${pair%%:*}
    ref=${pair#*:}
    count "$v"
    read -r reqs ir own < "$dir/$v.cg.count"
    per[$v]=$((ir / reqs))
    awk -v v="$v" -v n="$reqs" -v p="${per[$v]}" -v r="$ref" \
        -v rp="${per[$ref]}" -v o=$((own / reqs)) \
        'BEGIN {printf "| %s | %d | %d | %s | %d |\n", v, n, p,
                v == r ? "" : sprintf("%+d (%s)", p - rp, r), o}' \
        >> "$table"
done

cat "$table"
