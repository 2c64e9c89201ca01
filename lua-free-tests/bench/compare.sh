#!/usr/bin/env bash
# ngx_catalog against the ways people route many services with nginx
# today, on one machine and in one run.  For each N, a generated catalog
# (gen-manifests.pl: routes one to four segments deep, exact and prefix)
# is served by one nginx per variant, each with ONE worker:
#
#   bare            return 200 with a constant body: the ceiling
#   locations       one location per service
#   map-regex       a map of $uri with one regex per service
#   map-fixed       a map on the first two path segments (one regex to cut
#                   them, then a hash lookup; a second map on the first
#                   segment for the one-segment prefixes)
#   lua             a Lua table lookup (Debian's libnginx-mod-http-lua)
#   catalog         catalog_route; return 200 $catalog_service;
#   proxy-plain     proxy_pass to a local backend with keepalive
#   proxy-catalog   catalog_route + catalog_balancer with keepalive, to the
#                   same backend
#
# and measured: `nginx -t` time (median of RUNS, wall and CPU), the time
# from starting nginx to its first answer, master and
# worker RSS/PSS after the runs, and requests per second with wrk spread
# over all services (paths.lua).  The machine is usually shared, so rps
# runs alternate with the reference (bare ... bare, v, bare, ...; for the
# proxies proxy-plain), each ratio is taken against the mean of the two
# reference runs around it, and the table shows medians over ROUNDS.  The
# worker's own CPU time per request (from /proc) is shown too: it suffers
# less from the neighbours.  Also a catalog search with two words: over
# HTTP (wrk asking catalog_api in an nginx of its own with the same
# catalog: the search index is the API's memory, not routing's; its
# memory is shown on the search line) and in the index alone
# (search_bench.c).  Before measuring, every variant must
# answer a sample of paths with 200 and the right body, and the search
# its hits; a wrong answer fails.
#
#   lua-free-tests/bench/compare.sh MODULE.so [N ...]
#
# Environment: SECS (per wrk run, 5), ROUNDS (5), RUNS (nginx -t, 3),
# CONNS (32), DEPTH (requests pipelined per wrk write, 1), PORT (the first
# of ten, default somewhere in 18000-19499),
# PIN (1: worker on the last CPU, wrk and backend on the others), OUT
# (build/bench), SMOKE (1: one short round, for `make bench-smoke`).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
module=$(realpath "$1"); shift
sizes=("${@:-1000 27000 100000}")
sizes=(${sizes[*]})

smoke=${SMOKE:-0}
if [ "$smoke" = 1 ]; then
    secs=${SECS:-1}; rounds=${ROUNDS:-1}; runs=${RUNS:-1}
else
    secs=${SECS:-5}; rounds=${ROUNDS:-5}; runs=${RUNS:-3}
fi
conns=${CONNS:-32}
depth=${DEPTH:-1}
port0=${PORT:-$((18000 + $$ % 150 * 10))}   # 10 ports from there
search_port=$((port0 + 9))                  # the catalog API
search_uri="/api/catalog/services?q=layanan+izin"

pin=${PIN:-1}
nginx=${NGINX_BIN:-/usr/sbin/nginx}
out=$(mkdir -p "${OUT:-$top/build/bench}" && cd "${OUT:-$top/build/bench}" \
      && pwd)
moddir=/usr/lib/nginx/modules

routing=(bare locations map-regex map-fixed lua catalog)
proxies=(proxy-plain proxy-catalog)
variants=("${routing[@]}" "${proxies[@]}")
bare_body=instansi-00000/layanan-000

for tool in wrk "$nginx" cc perl curl taskset /usr/bin/time; do
    command -v "$tool" > /dev/null || { echo "$0: $tool is missing" >&2; exit 1; }
done

for so in ndk_http_module.so ngx_http_lua_module.so; do
    [ -f "$moddir/$so" ] || {
        echo "$0: $moddir/$so is missing (libnginx-mod-http-lua)" >&2
        exit 1
    }
done

ncpu=$(nproc)
if [ "$pin" = 1 ] && [ "$ncpu" -ge 2 ]; then
    worker_cpu=$((ncpu - 1))
    affinity="worker_cpu_affinity $(printf '1%0*d' "$worker_cpu" 0);"
    others="0-$((ncpu - 2))"
    on_others=(taskset -c "$others")
else
    affinity=""
    on_others=()
fi

# nginx instances started by this script, stopped on exit

started=()

stop_all() {
    local pidf
    for pidf in "${started[@]}"; do
        [ -f "$pidf" ] && kill "$(cat "$pidf")" 2> /dev/null || true
    done
    started=()
    sleep 0.5
}
trap stop_all EXIT

fail() { echo "$0: $*" >&2; exit 1; }

median() { sort -g | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'; }

port_of() {
    local v=$1 i
    for i in "${!variants[@]}"; do
        [ "${variants[$i]}" = "$v" ] && { echo $((port0 + i)); return; }
    done
    echo $((port0 + ${#variants[@]}))    # the backend
}

# --- configurations ---------------------------------------------------

write_conf() {
    local v=$1 d=$2 m=$3 p
    p=$(port_of "$v")

    {
        case $v in
        lua)
            echo "load_module $moddir/ndk_http_module.so;"
            echo "load_module $moddir/ngx_http_lua_module.so;" ;;
        catalog|proxy-catalog)
            echo "load_module $module;" ;;
        esac

        cat <<END
worker_processes 1;
$affinity
pid $d/$v.pid;
error_log $d/$v.error.log;
events { worker_connections 1024; }
http {
    access_log off;
END
        case $v in
        map-regex)
            echo "    map \$uri \$svc {"
            awk '$2 == "exact" { printf "        \"~^%s/?$\" %s;\n", $3, $1 }
                 $2 == "prefix" { printf "        \"~^%s(/|$)\" %s;\n", $3, $1 }' \
                "$m/routes.txt"
            echo "    }" ;;
        map-fixed)
            echo "    map_hash_max_size 524288;"
            echo "    map_hash_bucket_size 128;"
            echo "    map \$uri \$seg2 { \"~^(?<s>/[^/]+/[^/]+)\" \$s; default \"\"; }"
            echo "    map \$uri \$seg1 { \"~^(?<s>/[^/]+)\" \$s; default \"\"; }"
            echo "    map \$seg2 \$svc {"
            echo "        default \$svc1;"
            awk 'split($3, s, "/") >= 3 { printf "        /%s/%s %s;\n", s[2], s[3], $1 }' \
                "$m/routes.txt"
            echo "    }"
            echo "    map \$seg1 \$svc1 {"
            awk 'split($3, s, "/") == 2 { printf "        %s %s;\n", $3, $1 }' \
                "$m/routes.txt"
            echo "    }" ;;
        lua)
            cat <<END
    init_by_lua_block {
        local exact, prefix = {}, {}
        for line in io.lines("$m/routes.txt") do
            local key, match, path = line:match("^(%S+) (%S+) (%S+)")
            if match == "exact" then exact[path] = key
            else prefix[path] = key end
        end
        function route(uri)
            if #uri > 1 and uri:sub(-1) == "/" then uri = uri:sub(1, -2) end
            local key = exact[uri]
            if key then return key end
            local p = uri
            while p ~= "" do
                key = prefix[p]
                if key then return key end
                p = p:match("^(.*)/[^/]*$")
            end
            return ""
        end
    }
END
            ;;
        catalog|proxy-catalog)
            echo "    catalog_manifests $m/*.json;" ;;
        esac

        case $v in
        proxy-plain)
            echo "    upstream backend {"
            echo "        server 127.0.0.1:$(port_of backend);"
            echo "        keepalive 64;"
            echo "    }" ;;
        proxy-catalog)
            echo "    upstream catalog_backends {"
            echo "        catalog_balancer;"
            echo "        keepalive 64;"
            echo "    }" ;;
        esac

        echo "    server {"
        echo "        listen 127.0.0.1:$p;"

        case $v in
        bare)
            echo "        location / { return 200 \"$bare_body\"; }" ;;
        locations)
            awk '$2 == "exact" { printf "        location = %s { return 200 \"%s\"; }\n", $3, $1 }
                 $2 == "prefix" { printf "        location = %s { return 200 \"%s\"; }\n", $3, $1
                                  printf "        location %s/ { return 200 \"%s\"; }\n", $3, $1 }' \
                "$m/routes.txt"
            echo "        location / { return 404; }" ;;
        map-regex|map-fixed)
            echo "        location / { return 200 \$svc; }" ;;
        lua)
            echo "        location / {"
            echo "            set_by_lua_block \$svc { return route(ngx.var.uri) }"
            echo "            return 200 \$svc;"
            echo "        }" ;;
        catalog)
            echo "        location / { catalog_route; return 200 \$catalog_service; }" ;;
        proxy-plain|proxy-catalog)
            echo "        location / {"
            if [ "$v" = proxy-catalog ]; then
                echo "            catalog_route;"
                echo "            proxy_pass http://catalog_backends;"
                echo "            proxy_set_header Host \$catalog_backend_host;"
            else
                echo "            proxy_pass http://backend;"
                echo "            proxy_set_header Host 127.0.0.1;"
            fi
            echo "            proxy_http_version 1.1;"
            echo "            proxy_set_header Connection \"\";"
            echo "        }" ;;
        esac

        echo "    }"
        echo "}"
    } > "$d/$v.conf"
}

# the catalog API of the same catalog, in an nginx of its own: the index
# it builds for the search is not routing's memory
write_search_conf() {
    local d=$1 m=$2
    cat > "$d/search.conf" <<END
load_module $module;
worker_processes 1;
$affinity
pid $d/search.pid;
error_log $d/search.error.log;
events { worker_connections 1024; }
http {
    access_log off;
    catalog_manifests $m/*.json;
    server {
        listen 127.0.0.1:$search_port;
        location /api/catalog/ { catalog_api; }
    }
}
END
}

write_backend_conf() {
    local d=$1
    cat > "$d/backend.conf" <<END
worker_processes 1;
pid $d/backend.pid;
error_log $d/backend.error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$(port_of backend);
        keepalive_requests 100000;
        location / { return 200 \$uri; }
    }
}
END
}

# starts an nginx (the caller adds PIDFILE to "started" first: this runs in
# a subshell); prints the milliseconds until it answered a request
# (init_by_lua, for one, runs at start and not at nginx -t)
start() {
    local conf=$1 pidf=$2 url=$3 i s e
    s=$(date +%s%N)
    "${on_others[@]}" "$nginx" -p "$(dirname "$conf")/" -c "$conf" -e stderr \
        || fail "cannot start $conf"
    for i in $(seq 1000); do
        if [ -s "$pidf" ] && pgrep -P "$(cat "$pidf")" > /dev/null \
           && curl -s -o /dev/null "$url"
        then
            e=$(date +%s%N)
            echo $(( (e - s) / 1000000 ))
            return
        fi
        sleep 0.02
    done
    fail "$conf: no answer"
}

worker_of() { pgrep -P "$(cat "$1/$2.pid")" | head -1; }

# --- measurements -----------------------------------------------------

# nginx -t: "wall_ms cpu_ms", medians of RUNS
load_time() {
    local conf=$1 i s e walls=() cpus=() tf
    tf=$(dirname "$conf")/time.txt
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s%N)
        /usr/bin/time -o "$tf" -f '%U %S' \
            "$nginx" -q -t -p "$(dirname "$conf")/" -c "$conf" -e stderr
        e=$(date +%s%N)
        walls+=($(( (e - s) / 1000000 )))
        cpus+=($(awk '{printf "%d", ($1 + $2) * 1000}' "$tf"))
    done
    echo "$(printf '%s\n' "${walls[@]}" | median)" \
         "$(printf '%s\n' "${cpus[@]}" | median)"
}

# RSS and PSS in MiB of a process, "rss pss"
memory() {
    awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2}
         END {printf "%.1f %.1f", r / 1024, p / 1024}' "/proc/$1/smaps_rollup"
}

# CPU time of a process in ns (the scheduler's count, finer than ticks)
cpu_ns() { awk '{print $1}' "/proc/$1/schedstat"; }

# one wrk run; appends "variant round rps us_per_req" to $d/rps.txt; the
# variant "search" is the catalog API's nginx asked for a search
wrk_run() {
    local d=$1 v=$2 round=$3 raw w c0 c1 reqs rps target
    raw="$d/wrk-$v-$round-$(date +%s%N).txt"
    if [ "$v" = search ]; then
        w=$(worker_of "$d" search)
        target=("http://127.0.0.1:$search_port$search_uri")
    else
        w=$(worker_of "$d" "$v")
        target=(-s "$here/paths.lua" "http://127.0.0.1:$(port_of "$v")"
                -- "$d/m/paths.txt" "$depth")
    fi
    c0=$(cpu_ns "$w")
    "${on_others[@]}" wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s \
        "${target[@]}" > "$raw" 2>&1 \
        || fail "wrk failed against $v: $(cat "$raw")"
    c1=$(cpu_ns "$w")
    if grep -q 'Non-2xx' "$raw"; then
        fail "$v answered non-2xx responses: $raw"
    fi
    reqs=$(awk '/requests in/ {print $1}' "$raw")
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$raw")
    [ -n "$reqs" ] && [ -n "$rps" ] || fail "no wrk figures in $raw"
    awk -v v="$v" -v r="$round" -v rps="$rps" -v c=$((c1 - c0)) -v n="$reqs" \
        'BEGIN {printf "%s %s %.0f %.2f\n", v, r, rps, n ? c / n / 1e3 : 0}' \
        >> "$d/rps.txt"
}

# the number of services the search finds, from the API's "total"
search_total() {
    local code
    code=$(curl -s -o "$1/search.json" -w '%{http_code}' \
           "http://127.0.0.1:$search_port$search_uri") || code=000
    [ "$code" = 200 ] || fail "search: $search_uri answered $code"
    sed -n 's/^{"total": *\([0-9]*\),.*/\1/p' "$1/search.json"
}

# the right answer for a sample of services, through every variant
check_answers() {
    local d=$1 v key match path request expect code body
    for v in "${variants[@]}"; do
        while read -r key match path request; do
            case $v in
            bare) expect=$bare_body ;;
            proxy-*) expect=$request ;;
            *) expect=$key ;;
            esac
            code=$(curl -s -o "$d/body" -w '%{http_code}' \
                   "http://127.0.0.1:$(port_of "$v")$request") || code=000
            body=$(cat "$d/body")
            [ "$code" = 200 ] && [ "$body" = "$expect" ] \
                || fail "$v: $request answered $code \"$body\", not 200 \"$expect\""
        done < <(awk -v k=$(( $(wc -l < "$d/m/routes.txt") / 40 + 1 )) \
                     'NR <= 8 || NR % k == 0' "$d/m/routes.txt")
    done
}

# median of column 3 (rps) or 4 (us/req) of variant v
stat_of() { awk -v v="$1" -v c="$3" '$1 == v {print $c}' "$2/rps.txt" | median; }

# median over rounds of v's rps divided by the mean of its neighbours
# (runs of the reference just before and after it, in the same round);
# with "cpu" as the fourth argument, the same for the worker's CPU time
# per request, inverted (the reference's over v's: a capacity ratio)
ratio_of() {
    awk -v v="$1" -v ref="$2" -v cpu="${4:-}" '
        { name[NR] = $1; x[NR] = cpu ? 1 / $4 : $3 }
        END {
            for (i = 2; i < NR; i++)
                if (name[i] == v && name[i - 1] == ref && name[i + 1] == ref)
                    printf "%.3f\n", x[i] / ((x[i - 1] + x[i + 1]) / 2)
        }' "$3/rps.txt" | median
}

search() {
    local d=$1 sb=$out/search_bench q
    if [ ! -x "$sb" ] || [ -n "$(find "$here/search_bench.c" "$top/ngx_module" \
                                    "$top/include" -newer "$sb" -name '*.[ch]')" ]
    then
        cc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -I"$top/include" -o "$sb" \
            "$here/search_bench.c" "$top"/ngx_module/catalog*.c -ljansson
    fi
    q=$([ "$smoke" = 1 ] && echo 50 || echo 2000)
    "$sb" "$d/m" "$q" "layanan izin" > "$d/search.txt"
    awk '/index built in/ { for (i = 1; i <= NF; i++) if ($i == "built") b = $(i + 2) }
         /us per query/ { for (i = 1; i <= NF; i++) if ($i == "us") u = $(i - 1);
                          h = $3 }
         END { printf "%s %s %s\n", b, u, h }' "$d/search.txt"
}

# --- one size ---------------------------------------------------------

results=$out/results.md
summary=$out/targets.txt
: > "$summary"

{
    echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///'), wrk -t1 -c$conns ${secs}s per run, $rounds rounds, pipelining depth $depth, nginx -t median of $runs"
    echo
} > "$results"

for n in "${sizes[@]}"; do
    d=$out/$n
    rm -rf "$d"
    mkdir -p "$d"
    echo "== $n services ($d)" >&2

    perl "$here/gen-manifests.pl" "$n" "$d/m" "127.0.0.1:$(port_of backend)" > /dev/null

    for v in "${variants[@]}"; do
        write_conf "$v" "$d" "$d/m"
    done
    write_backend_conf "$d"
    write_search_conf "$d" "$d/m"

    declare -A lt=()
    for v in "${variants[@]}"; do
        echo "   nginx -t $v" >&2
        "$nginx" -q -t -p "$d/" -c "$d/$v.conf" -e stderr \
            || fail "$v: nginx -t failed"
        lt[$v]=$(load_time "$d/$v.conf")
    done

    declare -A st=()
    started+=("$d/backend.pid")
    for v in "${variants[@]}"; do
        started+=("$d/$v.pid")
    done
    start "$d/backend.conf" "$d/backend.pid" \
        "http://127.0.0.1:$(port_of backend)/" > /dev/null
    for v in "${variants[@]}"; do
        echo "   start $v" >&2
        st[$v]=$(start "$d/$v.conf" "$d/$v.pid" \
                 "http://127.0.0.1:$(port_of "$v")/")
    done
    started+=("$d/search.pid")
    start "$d/search.conf" "$d/search.pid" \
        "http://127.0.0.1:$search_port/api/catalog/categories" > /dev/null

    check_answers "$d"

    # warm-up, not counted
    : > "$d/rps.txt"
    for v in "${variants[@]}"; do
        wrk_run "$d" "$v" 0
    done
    : > "$d/rps.txt"

    for ((r = 1; r <= rounds; r++)); do
        echo "   round $r/$rounds" >&2
        for v in "${routing[@]:1}"; do
            wrk_run "$d" bare "$r"
            wrk_run "$d" "$v" "$r"
        done
        wrk_run "$d" bare "$r"
        wrk_run "$d" proxy-plain "$r"
        wrk_run "$d" proxy-catalog "$r"
        wrk_run "$d" proxy-plain "$r"
    done

    declare -A mm=() mw=()
    for v in "${variants[@]}"; do
        mm[$v]=$(memory "$(cat "$d/$v.pid")")
        mw[$v]=$(memory "$(worker_of "$d" "$v")")
    done

    # the searches, on their own nginx once routing is measured
    for ((r = 0; r <= rounds; r++)); do
        wrk_run "$d" search "$r"
    done
    sed -i '/^search 0 /d' "$d/rps.txt"    # the warm-up
    msm=$(memory "$(cat "$d/search.pid")")
    msw=$(memory "$(worker_of "$d" search)")

    s=$(search "$d")
    hits=$(search_total "$d")
    [ "$hits" = "$(echo "$s" | cut -d' ' -f3)" ] \
        || fail "search: the API found \"$hits\" services, the index $s"

    stop_all

    bare_rss=${mw[bare]%% *}
    {
        echo "### $n services"
        echo
        echo "| variant | \`nginx -t\` ms (CPU ms) | start ms | master RSS / PSS MiB | worker RSS / PSS MiB | worker RSS over bare | rps | rps ratio | worker CPU µs/req | CPU ratio |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        for v in "${variants[@]}"; do
            case $v in
            bare|proxy-plain)
                ratio="1"; cratio="1" ;;
            proxy-catalog)
                ratio=$(ratio_of "$v" proxy-plain "$d")
                cratio=$(ratio_of "$v" proxy-plain "$d" cpu) ;;
            *)
                ratio=$(ratio_of "$v" bare "$d")
                cratio=$(ratio_of "$v" bare "$d" cpu) ;;
            esac
            set -- ${lt[$v]} ${mm[$v]} ${mw[$v]}
            printf '| %s | %s (%s) | %s | %s / %s | %s / %s | %+.1f | %s | %s | %s | %s |\n' \
                "$v" "$1" "$2" "${st[$v]}" "$3" "$4" "$5" "$6" \
                "$(awk -v a="$5" -v b="$bare_rss" 'BEGIN {print a - b}')" \
                "$(stat_of "$v" "$d" 3)" "$ratio" "$(stat_of "$v" "$d" 4)" \
                "$cratio"
        done
        set -- $s
        echo
        echo "search index (search_bench.c): built in $1 ms;" \
             "\"layanan izin\": $2 µs per query ($3 hits)"
        echo
        echo "search over HTTP (\`GET $search_uri\`, the first 20 of" \
             "$3 as JSON, from an nginx with the same catalog and" \
             "catalog_api): $(stat_of search "$d" 3) rps," \
             "$(stat_of search "$d" 4) µs worker CPU per request;" \
             "its master RSS / PSS $(echo "$msm" | sed 's| | / |') MiB," \
             "worker $(echo "$msw" | sed 's| | / |') MiB"
        echo
    } >> "$results"

    set -- ${lt[catalog]}
    {
        echo "$n route-rps $(ratio_of catalog bare "$d")"
        echo "$n route-cpu $(ratio_of catalog bare "$d" cpu)"
        echo "$n proxy-rps $(ratio_of proxy-catalog proxy-plain "$d")"
        echo "$n proxy-cpu $(ratio_of proxy-catalog proxy-plain "$d" cpu)"
        echo "$n load-ms $1"
        echo "$n search-rps $(stat_of search "$d" 3)"
        echo "$n worker-mib $(awk -v a="${mw[catalog]%% *}" -v b="$bare_rss" \
                             'BEGIN {print a - b}')"
        echo "$n worker-pss $(awk -v a="${mw[catalog]##* }" \
                                  -v b="${mw[bare]##* }" \
                                  'BEGIN {print a - b}')"
    } >> "$summary"
done

# --- targets (reported, never failed on) -------------------------------

{
    echo "targets of issue 7 (rps: ratio of wrk's rps; cpu: ratio of the"
    echo "worker's CPU time per request, inverted; both medians of rounds):"
    awk '
        function ok(c) { return c ? "met" : "MISSED" }
        $2 ~ /^route-/ {
            printf "  %6d  routing >= 0.97 of bare return 200 (%s): %s, %s\n",
                   $1, substr($2, 7), $3, ok($3 >= 0.97)
            r[$2, $1] = $3
        }
        $2 ~ /^proxy-/ {
            printf "  %6d  proxying >= 0.95 of proxy_pass (%s): %s, %s\n",
                   $1, substr($2, 7), $3, ok($3 >= 0.95)
        }
        $2 == "load-ms" && $1 == 27000 {
            printf "   27000  nginx -t <= 500 ms: %s ms, %s\n", $3, ok($3 <= 500)
        }
        $2 == "load-ms" && $1 == 100000 {
            printf "  100000  nginx -t <= 2000 ms: %s ms, %s\n", $3, ok($3 <= 2000)
        }
        $2 == "worker-mib" && $1 == 100000 {
            printf "  100000  worker RSS <= 64 MiB over bare: %s MiB, %s\n",
                   $3, ok($3 <= 64)
        }
        $2 == "worker-pss" && $1 == 100000 {
            printf "  100000  (worker PSS over bare, the pages shared with" \
                   " the master counted half: %s MiB)\n", $3
        }
        END {
            split("rps cpu", k, " ")
            for (i = 1; i <= 2; i++)
                if ((("route-" k[i]), 1000) in r && (("route-" k[i]), 100000) in r)
                    printf "  routing at 100k within 3%% of 1k (%s ratio): %s vs %s, %s\n",
                        k[i], r["route-" k[i], 100000], r["route-" k[i], 1000],
                        ok(r["route-" k[i], 100000] >= 0.97 * r["route-" k[i], 1000])
        }' "$summary"
} >> "$results"

cat "$results"
