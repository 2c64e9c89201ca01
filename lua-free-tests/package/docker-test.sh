#!/usr/bin/env bash
# docker/ without a Docker engine: builds docker/Dockerfile with podman and
# runs the image with buildah, both with chroot isolation (what works as
# root on a container-like machine), then
#
#  1. the image's gateway on the host's loopback (127.0.0.1:$DOCKER_TEST_PORT,
#     default 18471) with the example catalog baked into the image: routing
#     outcomes, the catalog API, the portal, the HEALTHCHECK command, the
#     workers' user;
#  2. the topology of docker/compose.yaml, read from it: the gateway and the
#     two agency backends with their commands, environment and bind mounts,
#     sharing one private network namespace (compose's network_mode:
#     service:gateway), where the ports of the compose file cannot clash
#     with anything on the host; proxied requests reach the backends.
#
# Not run: the compose engine itself (ports, volumes, restart, depends_on)
# and the redis service (the module does not use Redis yet).
#
# The base image FROM debian:bookworm-slim is made with debootstrap
# --variant=minbase and kept as a tarball in $BASE_CACHE (default
# /var/cache/ngx-catalog), and in podman's storage: later runs skip it.
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

need=(podman buildah debootstrap curl iproute2 python3-yaml util-linux)
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
    rm -rf "$work"
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

# -- 2. the compose topology in a private network namespace ----------------

# gateway, agency-a, agency-b of docker/compose.yaml: one line each,
# SERVICE, network_mode, "-e=K=V ...", "-v=SRC:DST:ro ...", COMMAND, with
# the ASCII unit separator between fields (not a tab: read would merge
# empty fields)
python3 - docker/compose.yaml > "$work/services" <<'EOF'
import os, shlex, sys, yaml

path = sys.argv[1]
base = os.path.dirname(os.path.abspath(path))
spec = yaml.safe_load(open(path))
for name in ("gateway", "agency-a", "agency-b"):
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
                     " ".join(shlex.quote(c) for c in s["command"])]))
EOF
ok "docker/compose.yaml: services read, bind mounts exist"

while IFS=$'\x1f' read -r name netmode _ _ _; do
    case $name in
        agency-*)
            if [ "$netmode" = "service:gateway" ]; then
                ok "compose: $name shares the gateway's network"
            else
                not_ok "compose: $name network_mode '$netmode'"
            fi ;;
    esac
done < "$work/services"

for name in gateway agency-a agency-b; do
    new_container "compose-$name"
    echo "$ctr" > "$work/ctr-$name"
done

# The script that runs inside the namespace: the three containers, as the
# compose file says, then requests on the compose file's gateway port.
cat > "$work/netns.sh" <<'EOF'
set -euo pipefail
work=$1
ip link set lo up
# On exit, stop every process of this namespace (all started here): the
# nginx masters and workers outlive a killed "buildah run".
netns=$(readlink /proc/self/ns/net)
stop_all() {
    local sig p
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
while IFS=$'\x1f' read -r name _ envs mounts cmd; do
    eval "opts=($envs $mounts)"
    eval "argv=($cmd)"
    buildah run --isolation chroot "${opts[@]}" "$(cat "$work/ctr-$name")" \
        -- catalog-entrypoint "${argv[@]}" > "$work/compose-$name.log" 2>&1 &
done < "$work/services"
u=http://127.0.0.1:8080
up=
# the backends first, then the gateway's portal: a proxied request sent
# while a backend is still starting would mark it failed for fail_timeout
# in the list of peers that every service on the same backends shares
for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 1 http://127.0.0.1:9101/ \
        && curl -s -o /dev/null --max-time 1 http://127.0.0.1:9102/ \
        && curl -s -o /dev/null --max-time 1 http://127.0.0.1:9103/ \
        && curl -s -o /dev/null --max-time 1 http://127.0.0.1:9104/ \
        && curl -s -o /dev/null --max-time 1 "$u/" \
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
EOF
unshare --net bash "$work/netns.sh" "$work" \
    || { not_ok "compose: the three services do not start"; exit 1; }

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
for name in gateway agency-a agency-b; do
    if grep -E '\[(alert|crit|emerg)\]' "$work/compose-$name.log"; then
        not_ok "compose: $name log has alerts"
    fi
done

echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
