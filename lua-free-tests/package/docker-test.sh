#!/usr/bin/env bash
# docker/ without a Docker engine: builds docker/Dockerfile with podman and
# runs the image with buildah, both with chroot isolation (what works as
# root on a container-like machine), then
#
#  1. the image's gateway on the host's loopback (127.0.0.1:$DOCKER_TEST_PORT,
#     default 18471) with the example catalog baked into the image: routing
#     outcomes, the catalog API, the portal, the HEALTHCHECK command, the
#     workers' user; then the entrypoint's Redis settings (CATALOG_REDIS,
#     CATALOG_REDIS_OPTIONS, CATALOG_NODE, /etc/nginx/redis.pass): the
#     catalog-redis.conf it writes, nginx -t on it, bad values refused;
#  2. the topology of docker/compose.yaml, read from it: the two gateway
#     nodes (gateway, gateway-2) and the two agency backends with their
#     commands, environment and bind mounts, and the redis service, sharing
#     one private network namespace (compose's network_mode:
#     service:gateway), where the ports of the compose file cannot clash
#     with anything on the host; proxied requests reach the backends, both
#     nodes are connected to Redis and list each other in their fleet, and
#     a maintenance set through one node's admin API (a tokens file made
#     here, mounted where the compose file's commented line puts it) is
#     served by the other within 2 s, and its end too.
#
# The redis service's image (redis:7-bookworm) cannot be pulled here (no
# registry: every build and run is --pull=never): the host's own
# /usr/bin/redis-server (Debian's, from `make deps`) stands in for it, in
# the same network namespace on 127.0.0.1:6379, without persistence
# (--save '' --appendonly no) instead of the compose file's --appendonly
# yes.
#
# Not run: the compose engine itself (ports, volumes, restart, depends_on)
# and the redis image.
#
# The base image FROM debian:bookworm-slim is made with debootstrap
# --variant=minbase and kept as a tarball in $BASE_CACHE (default
# /var/cache/ngx-catalog), and in podman's storage: later runs skip it.
# DOCKER_TEST_KEEP=1 keeps the logs (the directory is printed at the end).
# Needs root.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

port=${DOCKER_TEST_PORT:-18471}
cache=${BASE_CACHE:-/var/cache/ngx-catalog}
base=docker.io/library/debian:bookworm-slim     # what FROM debian:bookworm-slim finds
image=localhost/ngx-catalog:test
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if [ "$(id -u)" != 0 ]; then
    echo "$0: needs root (podman, buildah, debootstrap, unshare)" >&2
    exit 1
fi

# -- tools -----------------------------------------------------------------

need=(podman buildah debootstrap curl iproute2 python3-yaml util-linux
      redis-server)
missing=()
for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2> /dev/null \
        | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "# installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
        install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

pass=0
fail=0
ok() {
    pass=$((pass + 1))
    echo "ok - $*"
}
not_ok() {
    fail=$((fail + 1))
    echo "not ok - $*"
}

work=$(mktemp -d /tmp/catalog-docker-test.XXXXXX)
containers=()
pids=()

cleanup() {
    local p c
    for p in "${pids[@]}"; do
        kill "$p" 2> /dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2> /dev/null || true
    done
    for c in "${containers[@]}"; do
        buildah rm "$c" > /dev/null 2>&1 || true
    done
    if [ -n "${DOCKER_TEST_KEEP:-}" ]; then
        echo "# logs kept in $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# -- the base image --------------------------------------------------------

t0=$SECONDS
if podman image exists "$base"; then
    echo "# base image $base: in podman's storage"
else
    tarball=$cache/debian-bookworm-minbase.tar
    if [ ! -s "$tarball" ]; then
        echo "# base image: debootstrap --variant=minbase bookworm"
        mkdir -p "$cache"
        rootfs=$work/rootfs
        debootstrap --variant=minbase bookworm "$rootfs" "$mirror" \
            > "$work/debootstrap.log" 2>&1 \
            || { tail -20 "$work/debootstrap.log"; exit 1; }
        # as Debian's official images: no downloaded packages or lists, and
        # no daemon started by a package's postinst
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb \
               "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
        printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
        # and their sources: security updates too, not only the release
        rm -f "$rootfs/etc/apt/sources.list"
        cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        chmod 755 "$rootfs/usr/sbin/policy-rc.d"
        tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$rootfs"
    fi
    echo "# base image: podman import $tarball"
    podman import -q "$tarball" "$base" > /dev/null
fi
echo "# base image ready in $((SECONDS - t0)) s"

# -- the image -------------------------------------------------------------

t0=$SECONDS
echo "# podman build -f docker/Dockerfile"
podman build --isolation chroot --pull=never --format docker \
    -f docker/Dockerfile -t "$image" . > "$work/build.log" 2>&1 \
    || { tail -40 "$work/build.log"; exit 1; }
echo "# image built in $((SECONDS - t0)) s"
ok "podman build docker/Dockerfile"

health=$(podman image inspect --format '{{json .HealthCheck}}' "$image")
if grep -q 'catalog-entrypoint' <<< "$health" \
    && grep -q '"health"' <<< "$health"; then
    ok "HEALTHCHECK in the image: $health"
else
    not_ok "HEALTHCHECK: $health"
fi

# new_container NAME: a working container of the image, in $ctr
new_container() {
    ctr=$(buildah from --pull-never --name "catalog-test-$1-$$" "$image")
    containers+=("$ctr")
}

# start NAME LOG [buildah run options] -- COMMAND...: in the background
start() {
    local name=$1 log=$2
    shift 2
    buildah run --isolation chroot "$@" > "$log" 2>&1 &
    pids+=($!)
}

# wait_http URL: until something answers at URL (10 s)
wait_http() {
    local _
    for _ in $(seq 100); do
        curl -s -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1
    done
    return 1
}

# request URL [curl options]: sets $status, $body, $headers
request() {
    local url=$1
    shift
    body=$(curl -sS -D "$work/headers" -o - --max-time 5 "$@" "$url") \
        || body=
    status=$(awk 'NR == 1 { print $2 }' "$work/headers")
    headers=$(tr -d '\r' < "$work/headers")
}
expect() {      # expect STATUS BODY-FRAGMENT DESCRIPTION
    if [ "$status" = "$1" ] && grep -qF -- "$2" <<< "$body"; then
        ok "$3"
    else
        not_ok "$3: got $status, body: $(head -c 300 <<< "$body")"
    fi
}

# -- 1. the gateway on the host's loopback ---------------------------------

u=http://127.0.0.1:$port
new_container gateway
gw=$ctr
start gateway "$work/gateway.log" -e "CATALOG_LISTEN=127.0.0.1:$port" \
    "$gw" -- catalog-entrypoint gateway
if wait_http "$u/api/catalog/categories"; then
    ok "the image's gateway answers on $u"
else
    cat "$work/gateway.log"
    not_ok "the image's gateway does not start"
    exit 1
fi

request "$u/dukcapil/akta-lama/cek?nomor=1"
if [ "$status" = 301 ] \
    && grep -qx "Location: $u/dukcapil/akta/cek?nomor=1" <<< "$headers"; then
    ok "routing: 301 from the example manifest"
else
    not_ok "routing 301: $status $headers"
fi
request "$u/dukcapil/ktp-lama"
expect 410 'Layanan sudah tidak tersedia' "routing: retired service, 410"
request "$u/tidak-ada" -H 'Accept: application/json'
expect 404 '"error"' "routing: no route, JSON 404"
request "$u/api/catalog/services?q=paspor"
expect 200 '"imigrasi/paspor"' "catalog API search"
request "$u/"
expect 200 '<title>Katalog Layanan Publik</title>' "portal page"
request "$u/portal/portal.js"
expect 200 'api/catalog' "portal script"

# operators' endpoints, from the loopback
request "$u/-/catalog/status"
expect 200 '"services"' "catalog_status"
request "$u/-/catalog/metrics"
expect 200 'catalog_services' "catalog_metrics"

# the HEALTHCHECK's command, run in the container as the engine would
if buildah run --isolation chroot -e "CATALOG_LISTEN=127.0.0.1:$port" \
        "$gw" -- catalog-entrypoint health; then
    ok "HEALTHCHECK command passes"
else
    not_ok "HEALTHCHECK command fails"
fi

# chroot isolation shares the host's process table: the master is root,
# its children (the workers) are www-data
mnt=$(buildah mount "$gw")
master=$(cat "$mnt/run/nginx.pid")
buildah umount "$gw" > /dev/null
users=$(ps -o user= --ppid "$master" | sort -u | tr '\n' ' ')
if [ "$(ps -o user= -p "$master")" = root ] && [ "$users" = "www-data " ]; then
    ok "master root, workers www-data"
else
    not_ok "users: master $(ps -o user= -p "$master"), workers $users"
fi

if grep -E '\[(alert|crit|emerg)\]' "$work/gateway.log"; then
    not_ok "gateway log has alerts"
else
    ok "no alert in the gateway's log"
fi
kill -QUIT "$master"

# -- 1b. the entrypoint's Redis settings -----------------------------------

new_container entrypoint
ep=$ctr
printf 'not-a-real-password\n' > "$work/redis.pass"

# ep_run [buildah run options] CONTAINER -- COMMAND...: output in $out,
# status in $rc.  The output goes through a file of a mounted directory:
# buildah run --isolation chroot loses the output of a short command now
# and then (about 1 run in 60 here: nothing, status 0).
mkdir "$work/ep"
ep_run() {
    local opts=()
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    rm -f "$work/ep/out"
    rc=0
    buildah run --isolation chroot -v "$work/ep:/tmp/docker-test" "${opts[@]}" \
        -- sh -c 'exec "$@" > /tmp/docker-test/out 2>&1' sh "$@" \
        < /dev/null > "$work/ep/buildah.log" 2>&1 || rc=$?
    out=$(cat "$work/ep/out" 2> /dev/null || true)
}

show_conf='cat /etc/nginx/catalog-redis.conf && nginx -t -q'
ep_run -e CATALOG_REDIS=127.0.0.1:6379 -e CATALOG_NODE=gw-9 \
    -e 'CATALOG_REDIS_OPTIONS= interval=1s  db=0 prefix=catalog: ' \
    "$ep" -- catalog-entrypoint sh -c "$show_conf"
want='catalog_zone size=16m;
catalog_redis 127.0.0.1:6379 node=gw-9 interval=1s db=0 prefix=catalog:;'
if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
    ok "entrypoint: CATALOG_REDIS, CATALOG_NODE, CATALOG_REDIS_OPTIONS; nginx -t"
else
    not_ok "entrypoint: CATALOG_REDIS: rc $rc: $out"
fi

ep_run -e CATALOG_REDIS=127.0.0.1:6379 \
    -v "$work/redis.pass:/etc/nginx/redis.pass:ro" \
    "$ep" -- catalog-entrypoint sh -c "$show_conf && uname -n"
want="catalog_zone size=16m;
catalog_redis 127.0.0.1:6379 node=$(tail -n 1 <<< "$out") password_file=/etc/nginx/redis.pass;"
if [ "$rc" = 0 ] && [ "$(head -n 2 <<< "$out")" = "$want" ]; then
    ok "entrypoint: /etc/nginx/redis.pass mounted, the host name as the node"
else
    not_ok "entrypoint: redis.pass: rc $rc: $out"
fi

ep_run "$ep" -- catalog-entrypoint \
    sh -c '! test -s /etc/nginx/catalog-redis.conf && nginx -t -q'
if [ "$rc" = 0 ] && [ -z "$out" ]; then
    ok "entrypoint: no CATALOG_REDIS, an empty catalog-redis.conf"
else
    not_ok "entrypoint: no CATALOG_REDIS: rc $rc: $out"
fi

# bad values: VARIABLE=VALUE, then what the error says
while IFS=$'\t' read -r var value message; do
    env=(-e "$var=$value")
    [ "$var" = CATALOG_REDIS ] || env+=(-e CATALOG_REDIS=127.0.0.1:6379)
    ep_run "${env[@]}" "$ep" -- catalog-entrypoint true
    if [ "$rc" != 0 ] \
        && grep -qF -- "catalog-entrypoint: error: $message" <<< "$out"; then
        ok "entrypoint: $var='$value' refused"
    else
        not_ok "entrypoint: $var='$value': rc $rc: $out"
    fi
done <<'EOF'
CATALOG_REDIS	127.0.0.1:6379;	CATALOG_REDIS: not a Redis address: '127.0.0.1:6379;'
CATALOG_REDIS	redis:6379 db=1	CATALOG_REDIS: not a Redis address: 'redis:6379 db=1'
CATALOG_REDIS	"redis:6379"	CATALOG_REDIS: not a Redis address: '"redis:6379"'
CATALOG_REDIS	redis:6379}	CATALOG_REDIS: not a Redis address: 'redis:6379}'
CATALOG_REDIS_OPTIONS	interval=1s;	CATALOG_REDIS_OPTIONS: not a catalog_redis parameter: 'interval=1s;'
CATALOG_REDIS_OPTIONS	prefix='x'	CATALOG_REDIS_OPTIONS: not a catalog_redis parameter: 'prefix='x''
CATALOG_REDIS_OPTIONS	db=0 {	CATALOG_REDIS_OPTIONS: not a catalog_redis parameter: '{'
CATALOG_REDIS_OPTIONS	node=gw-3	CATALOG_REDIS_OPTIONS: 'node=gw-3': set CATALOG_NODE instead
CATALOG_NODE	gw 1	CATALOG_NODE: not a node name: 'gw 1'
CATALOG_NODE	gw#1	CATALOG_NODE: not a node name: 'gw#1'
EOF

# -- 2. the compose topology in a private network namespace ----------------

# redis, gateway, gateway-2, agency-a, agency-b of docker/compose.yaml (in
# the order they start here): one line each, SERVICE, network_mode,
# "-e=K=V ...", "-v=SRC:DST:ro ...", COMMAND, PORTS, with the ASCII unit
# separator between fields (not a tab: read would merge empty fields)
python3 - docker/compose.yaml > "$work/services" <<'EOF'
import os, shlex, sys, yaml

path = sys.argv[1]
base = os.path.dirname(os.path.abspath(path))
spec = yaml.safe_load(open(path))
for name in ("redis", "gateway", "gateway-2", "agency-a", "agency-b"):
    s = spec["services"][name]
    env = s.get("environment") or {}
    envs = " ".join(shlex.quote("-e=%s=%s" % kv) for kv in env.items())
    mounts = []
    for v in s.get("volumes") or []:
        src, dst = v.split(":")[:2]
        if src.startswith("."):         # bind mounts; named volumes skipped
            src = os.path.normpath(os.path.join(base, src))
            if not os.path.exists(src):
                sys.exit("%s: %s: no such file" % (name, src))
            mounts.append(shlex.quote("-v=%s:%s:ro" % (src, dst)))
    print("\x1f".join([name, s.get("network_mode", ""), envs, " ".join(mounts),
                     " ".join(shlex.quote(c) for c in s["command"]),
                     " ".join(s.get("ports") or [])]))
EOF
ok "docker/compose.yaml: services read, bind mounts exist"

while IFS=$'\x1f' read -r name netmode _ _ cmd ports; do
    case $name in
        gateway)
            for p in 8080 8081; do
                if grep -qE "(^| )127\.0\.0\.1:$p:$p( |$)" <<< "$ports"; then
                    ok "compose: gateway publishes $p"
                else
                    not_ok "compose: gateway does not publish $p: '$ports'"
                fi
            done ;;
        *)
            if [ "$netmode" = "service:gateway" ]; then
                ok "compose: $name shares the gateway's network"
            else
                not_ok "compose: $name network_mode '$netmode'"
            fi ;;
    esac
    if [ "$name" = redis ]; then
        if [ "${cmd%% *}" = redis-server ]; then
            ok "compose: redis runs redis-server"
        else
            not_ok "compose: redis command: $cmd"
        fi
    fi
done < "$work/services"

for name in gateway gateway-2 agency-a agency-b; do
    new_container "compose-$name"
    echo "$ctr" > "$work/ctr-$name"
done

# the admin API's token for this run, its hash in the tokens file that both
# gateways get where the compose file's commented line mounts one
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf '{"tokens": [{"sha256": "%s", "agency": "*", "name": "docker-test"}]}\n' \
    "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" > "$work/tokens.json"
printf '%s\n' "$token" > "$work/token"
mkdir "$work/redis"

# The script that runs inside the namespace: the host's redis-server and
# the four containers, as the compose file says, then requests on the
# compose file's gateway ports.
cat > "$work/netns.sh" <<'EOF'
set -euo pipefail
work=$1
ip link set lo up
# On exit, stop every process of this namespace (all started here): the
# nginx masters and workers outlive a killed "buildah run".
netns=$(readlink /proc/self/ns/net)
stop_all() {
    local sig p
    # redis-server stops on TERM (QUIT is not its signal)
    if [ -n "$redis" ]; then
        kill -TERM "$redis" 2> /dev/null
        wait "$redis" 2> /dev/null
    fi
    for sig in QUIT KILL; do
        for p in /proc/[0-9]*; do
            p=${p#/proc/}
            [ "$p" = $$ ] && continue
            [ "$(readlink "/proc/$p/ns/net" 2> /dev/null)" = "$netns" ] \
                && kill -"$sig" "$p" 2> /dev/null
        done
        sleep 0.5
    done
    wait
}
trap stop_all EXIT
redis=
# redis: the host's redis-server for the compose file's image, first, as
# the gateways would otherwise wait for their first reconnect
while IFS=$'\x1f' read -r name _ envs mounts cmd _; do
    if [ "$name" = redis ]; then
        /usr/bin/redis-server --bind 127.0.0.1 --port 6379 --save '' \
            --appendonly no --dir "$work/redis" \
            > "$work/compose-redis.log" 2>&1 < /dev/null &
        redis=$!
        for _ in $(seq 50); do
            [ "$(redis-cli -p 6379 ping 2> /dev/null)" = PONG ] && break
            sleep 0.1
        done
        continue
    fi
    eval "opts=($envs $mounts)"
    eval "argv=($cmd)"
    case $name in
        gateway*)
            opts+=("-v=$work/tokens.json:/etc/nginx/catalog-tokens.json:ro") ;;
    esac
    buildah run --isolation chroot "${opts[@]}" "$(cat "$work/ctr-$name")" \
        -- catalog-entrypoint "${argv[@]}" > "$work/compose-$name.log" 2>&1 &
done < "$work/services"
u=http://127.0.0.1:8080
u2=http://127.0.0.1:8081
up=
# the backends first, then the gateways' portal: a proxied request sent
# while a backend is still starting would mark it failed for fail_timeout
# in the list of peers that every service on the same backends shares
for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 1 http://127.0.0.1:9101/ \
        && curl -s -o /dev/null --max-time 1 http://127.0.0.1:9102/ \
        && curl -s -o /dev/null --max-time 1 http://127.0.0.1:9103/ \
        && curl -s -o /dev/null --max-time 1 http://127.0.0.1:9104/ \
        && curl -s -o /dev/null --max-time 1 "$u/" \
        && curl -s -o /dev/null --max-time 1 "$u2/" \
        && { up=yes; break; }
    sleep 0.1
done
if [ -z "$up" ]; then
    tail -n 20 "$work"/compose-*.log
    exit 1
fi
# three requests for one service: with two workers, each with its own
# round robin, one of them answers two in a row, from both backends
for path in /pajak/peraturan /pajak/peraturan /pajak/peraturan \
            '/dukcapil/ktp/status?nomor=123' /bpjs-kesehatan/kepesertaan \
            /samsat /; do
    code=$(curl -s -o "$work/body" -w '%{http_code}' --max-time 20 "$u$path") \
        || true
    printf '%s\t%s\t%s\n' "$path" "$code" \
        "$(tr '\n' '|' < "$work/body" | head -c 400)"
done > "$work/answers"
code=$(curl -s -o "$work/body" -w '%{http_code}' --max-time 20 "$u2/samsat") \
    || true
printf '%s\t%s\t%s\n' /samsat "$code" \
    "$(tr '\n' '|' < "$work/body" | head -c 400)" > "$work/answers-gw-2"

# -- the fleet --
# fleet_ok NODE URL: its status says connected to Redis and lists both
# nodes (the status saved in status-NODE.json)
fleet_ok() {
    curl -s -o "$work/status-$1.json" --max-time 2 "$2/-/catalog/status" \
        || return 1
    python3 - "$work/status-$1.json" 2> /dev/null <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
r = s["redis"]
names = [n["name"] for n in s["fleet"]["nodes"]]
sys.exit(not (r["configured"] is True and r["connected"] is True
              and "gw-1" in names and "gw-2" in names))
PY
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(now_ms)
fleet=no
while [ $(($(now_ms) - t0)) -lt 10000 ]; do
    fleet_ok gw-1 "$u" && fleet_ok gw-2 "$u2" && { fleet=yes; break; }
    sleep 0.2
done
echo "fleet $fleet $(($(now_ms) - t0))" > "$work/fleet"

# wait_code URL CODE: until URL answers CODE, at most 2 s; the last code
# and the time taken (ms) in $code and $ms
wait_code() {
    local t0
    t0=$(now_ms)
    while :; do
        code=$(curl -s -o "$work/body" -w '%{http_code}' --max-time 1 "$1") \
            || true
        ms=$(($(now_ms) - t0))
        [ "$code" = "$2" ] && return 0
        [ "$ms" -lt 2000 ] || return 1
        sleep 0.02
    done
}
# admin METHOD URL [BODY]: the admin API's answer code
admin() {
    curl -s -o "$work/admin-body" -w '%{http_code}' --max-time 5 -X "$1" \
        -H "Authorization: Bearer $(cat "$work/token")" ${3:+-d "$3"} \
        "$2/-/catalog/admin/services/imigrasi/paspor/status" || true
}
path=/imigrasi/paspor
{
    wait_code "$u2$path" 200 || true
    echo "before $code"
    put=$(admin PUT "$u" '{"status": "maintenance", "message": "docker-test"}')
    cp "$work/admin-body" "$work/put-body"
    echo "put $put"
    wait_code "$u2$path" 503 || true
    cp "$work/body" "$work/maintenance-body"
    echo "maintenance $code $ms"
    del=$(admin DELETE "$u2")
    echo "delete $del $(tr '\n' ' ' < "$work/admin-body" | head -c 300)"
    wait_code "$u$path" 200 || true
    echo "active $code $ms"
} >> "$work/fleet"
EOF
unshare --net bash "$work/netns.sh" "$work" \
    || { not_ok "compose: the services do not start"; exit 1; }

# answer N: the Nth answer (path, code, body with | for newlines)
answer() { sed -n "${1}p" "$work/answers"; }
check_answer() {    # check_answer N CODE FRAGMENT DESCRIPTION
    local a
    a=$(answer "$1")
    if [ "$(cut -f2 <<< "$a")" = "$2" ] && grep -qF -- "$3" <<< "$a"; then
        ok "compose: $4"
    else
        not_ok "compose: $4: $a"
    fi
}
check_answer 1 200 'uri: /pajak/peraturan|' "proxied to an agency backend"
ports=$(for i in 1 2 3; do
            answer "$i" | grep -o 'backend [^|]*' | sed 's/.*://' || true
        done | sort -u | tr '\n' ' ')
if [ "$ports" = "9101 9102 " ]; then
    ok "compose: round robin over agency-a's two ports"
else
    not_ok "compose: round robin: $(answer 1) $(answer 2) $(answer 3)"
fi
check_answer 4 200 'uri: /status?nomor=123|' "strip_prefix"
check_answer 5 200 ':9103|' "dead backend 9199 skipped, agency-b answers"
check_answer 6 200 ':9104|' "agency-b's second port"
check_answer 7 200 'Katalog Layanan Publik' "portal from the bind-mounted conf/html"
a=$(cat "$work/answers-gw-2")
if [ "$(cut -f2 <<< "$a")" = 200 ] && grep -qF ':9104|' <<< "$a"; then
    ok "compose: gateway-2 (8081) proxies too"
else
    not_ok "compose: gateway-2: $a"
fi

# the fleet: what each node's /-/catalog/status said last
for node in gw-1 gw-2; do
    st=$(cat "$work/status-$node.json" 2> /dev/null || true)
    if grep -qF '"redis": {"configured": true, "connected": true' <<< "$st"
    then
        ok "compose: $node connected to Redis"
    else
        not_ok "compose: $node status: $(head -c 600 <<< "$st")"
    fi
    names=$(python3 -c '
import json, sys
print(" ".join(n["name"] for n in json.load(sys.stdin)["fleet"]["nodes"]))
' <<< "$st" 2> /dev/null || true)
    if [ "$names" = "gw-1 gw-2" ]; then
        ok "compose: $node's fleet: $names"
    else
        not_ok "compose: $node's fleet: '$names'"
    fi
done
# fleet_line WORD: the fields of the line WORD of $work/fleet
fleet_line() { grep "^$1 " "$work/fleet" | head -n 1 | cut -d' ' -f2-; }
echo "# fleet up in $(fleet_line fleet | cut -d' ' -f2) ms"
f=$(fleet_line before)
if [ "$f" = 200 ]; then
    ok "compose: gw-2 serves imigrasi/paspor"
else
    not_ok "compose: gw-2 imigrasi/paspor before: '$f'"
fi
f=$(fleet_line put)
if [ "$f" = 200 ] \
    && grep -qF '"status": "maintenance"' "$work/put-body"; then
    ok "compose: maintenance PUT through gw-1's admin API"
else
    not_ok "compose: PUT through gw-1: '$f' $(head -c 300 "$work/put-body")"
fi
f=$(fleet_line maintenance)
read -r code ms _ <<< "$f"
if [ "$code" = 503 ] && grep -qF 'docker-test' "$work/maintenance-body"
then
    ok "compose: gw-2 serves the maintenance (503) after $ms ms"
else
    not_ok "compose: gw-2 after the PUT on gw-1: '$f'" \
        "$(tr '\n' ' ' < "$work/maintenance-body" | head -c 300)"
fi
f=$(fleet_line delete)
if [ "${f%% *}" = 200 ]; then
    ok "compose: DELETE through gw-2's admin API"
else
    not_ok "compose: DELETE through gw-2: '$f'"
fi
f=$(fleet_line active)
read -r code ms _ <<< "$f"
if [ "$code" = 200 ]; then
    ok "compose: gw-1 serves imigrasi/paspor again after $ms ms"
else
    not_ok "compose: gw-1 after the DELETE on gw-2: '$f'"
fi

for name in gateway gateway-2 agency-a agency-b; do
    if grep -E '\[(alert|crit|emerg)\]' "$work/compose-$name.log"; then
        not_ok "compose: $name log has alerts"
    fi
done
if grep -F 'catalog redis: connected to 127.0.0.1:6379' \
        "$work/compose-gateway-2.log" | grep -qF 'node "gw-2"'; then
    ok "compose: gateway-2's log: connected as gw-2"
else
    not_ok "compose: gateway-2's log: $(grep -F 'catalog redis' \
        "$work/compose-gateway-2.log" | head -5)"
fi

echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
