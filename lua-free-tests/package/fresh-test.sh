#!/usr/bin/env bash
# The README's promise on fresh systems: `make test` and `make run` work on
# a fresh Debian machine and install the Debian packages they need first.
# For each suite (default: bookworm trixie, that is Debian 12 and 13):
#
#  1. a minimal system, `debootstrap --variant=minbase SUITE`, with the
#     suite's updates and security sources; kept as a tarball in
#     $FRESH_CACHE (default /var/cache/ngx-catalog/fresh-SUITE.tar) for
#     later runs, but the system itself is new each run, unpacked from it
#     into a tmpfs mounted under /var/tmp;
#  2. `apt-get install make` in it, nothing else;
#  3. a copy of this checkout as it is (the files git knows of, committed
#     or not, without build/ or node_modules) in /root/ngx_catalog;
#  4. with /proc, /sys, /dev, /dev/pts, /dev/shm mounted and the host's
#     /etc/resolv.conf: `make test` as root in a chroot, then `make run`
#     in the background and one request (curl inside the chroot) to
#     http://127.0.0.1:8080/, which must answer 200 with the portal.
#
# Whatever happens, every process whose root is the chroot is killed and
# every mount under it is undone before the directory is removed.  Each
# phase's output goes to build/fresh/SUITE/PHASE.log (printed: the tail of
# the failing one) and its time is shown, per suite and in a summary.
#
#   lua-free-tests/package/fresh-test.sh [SUITE...]    (make fresh-test)
#
# The chroot is a tmpfs of its own (FRESH_TMPFS=no: a directory on disk;
# FRESH_TMPFS_SIZE, default 8g, its limit).
#
# Environment: FRESH_SUITES (when no SUITE is given), FRESH_CACHE,
# DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, FRESH_KEEP=1 (keep the chroot of
# a failed suite, its processes killed and /proc, /dev... unmounted, for a
# look).  The chroot shares the host's
# network: nothing else may listen on 127.0.0.1:8080 meanwhile.  Needs
# root (debootstrap, mount, chroot).

set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$src"

if [ $# -gt 0 ]; then
    suites=("$@")
else
    read -r -a suites <<< "${FRESH_SUITES:-bookworm trixie}"
fi
cache=${FRESH_CACHE:-/var/cache/ngx-catalog}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
logs=$src/build/fresh
inside=/root/ngx_catalog
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

if [ "$(id -u)" != 0 ]; then
    echo "$0: needs root (debootstrap, mount, chroot)" >&2
    exit 1
fi

need=(debootstrap curl)
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

# -- the chroot and its cleanup --------------------------------------------

root=           # the current suite's chroot (canonical path)
on_tmpfs=       # yes when it is a tmpfs of its own
mounts=()       # what is mounted under it, in order

# the processes whose root directory is the chroot
chroot_pids() {
    local p r
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2> /dev/null) || continue
        [ "$r" = "$root" ] && echo "${p#/proc/}"
    done
    return 0
}

# kill every process of the chroot: TERM, then KILL for what is left
stop_chroot() {
    local pids _
    [ -n "$root" ] || return 0
    pids=$(chroot_pids)
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2> /dev/null || true
    for _ in $(seq 50); do
        pids=$(chroot_pids)
        [ -n "$pids" ] || return 0
        sleep 0.1
    done
    echo "# $suite: killing what TERM left: $(tr '\n' ' ' <<< "$pids")"
    # shellcheck disable=SC2086
    kill -KILL $pids 2> /dev/null || true
    for _ in $(seq 50); do
        [ -n "$(chroot_pids)" ] || return 0
        sleep 0.1
    done
    echo "# $suite: processes left in the chroot: $(chroot_pids)" >&2
    return 1
}

# undo the mounts, the last first; then check that none is left under it
unmount_chroot() {
    local i m left
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        m=${mounts[i]}
        umount "$m" 2> /dev/null || umount -l "$m" \
            || echo "# $suite: cannot unmount $m" >&2
    done
    mounts=()
    left=$(awk -v r="$root/" 'index($5, r) == 1 { print $5 }' \
               /proc/self/mountinfo)
    if [ -n "$left" ]; then
        echo "# $suite: still mounted: $left" >&2
        return 1
    fi
}

# processes, mounts, then the directory: only once nothing is mounted in
# it (a bound /dev must never be removed), and on one file system
cleanup_chroot() {
    local ok=yes keep=${1:-}
    [ -n "$root" ] || return 0
    stop_chroot || ok=
    unmount_chroot || ok=
    if [ -z "$ok" ]; then
        echo "# $suite: $root left in place (see above)" >&2
    elif [ -n "$keep" ] && [ -n "${FRESH_KEEP:-}" ]; then
        echo "# $suite: chroot kept in $root${on_tmpfs:+ (a tmpfs:" \
             "umount $root when done)}"
    elif [ -n "$on_tmpfs" ]; then
        umount "$root" && rmdir "$root" || ok=
    else
        rm -rf --one-file-system "$root"
    fi
    root=
    on_tmpfs=
    [ -n "$ok" ]
}

# on an early exit (a signal, an error of this script)
on_exit() {
    [ -n "$root" ] || return 0
    echo "# ${suite:-fresh-test}: stopped early: cleaning up $root"
    cleanup_chroot
}

suite=
trap on_exit EXIT
trap 'exit 130' INT TERM

# mount_in TARGET MOUNT-ARGUMENTS...: a mount under the chroot, private so
# that nothing mounted under it shows up on the host
mount_in() {
    local target=$root$1
    shift
    mkdir -p "$target" && mount "$@" "$target" || return 1
    mounts+=("$target")
    mount --make-private "$target"
}

# /proc, /sys, /dev, /dev/pts and /dev/shm (chromium's shared memory)
mount_all() {
    {
        mount_in /proc -t proc proc \
            && mount_in /sys -t sysfs sysfs \
            && mount_in /dev --bind /dev \
            && mount_in /dev/pts --bind /dev/pts \
            && mount_in /dev/shm -t tmpfs -o mode=1777,nosuid,nodev tmpfs \
            && echo "mounted: ${mounts[*]}"
    } >> "$log_dir/base.log" 2>&1 && return 0
    echo "# $suite: mounts FAILED:"
    tail -n 5 "$log_dir/base.log" | sed 's/^/    /'
    result[$suite]="failed (mounts)"
    return 1
}

# in_chroot COMMAND...: as root in the chroot with a login's environment
# (no variable of this script or of CI), no standard input
in_chroot() {
    chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root \
        SHELL=/bin/bash PATH="$path" TERM=dumb "$@" < /dev/null
}

# -- phases ----------------------------------------------------------------

declare -A took     # SUITE:PHASE -> seconds
declare -A result   # SUITE -> ok | failed (PHASE)
phases=(base make copy test run cleanup)
# what the runners (cmocka, prove, node --test), make, the compilers and
# the sanitizers say of a failure
failures='\[  (FAILED|ERROR) +\]|^not ok|^# +Failed test|^#   at |Dubious|^Failed [0-9]|^Result: FAIL|^# fail [1-9]|error:|Error [0-9]|Sanitizer|command not found|No such file|Permission denied|^E: '

# phase NAME FUNCTION: runs it with its output in $log_dir/NAME.log,
# prints its time; on failure the tail of the log.  In a background
# subshell, where set -e holds (it would not in `f || rc=$?`, nor when
# phase itself is called in a condition or a && list): a phase changes
# nothing of this shell.  A failed one sets result[SUITE].
phase() {
    local name=$1 t0=$SECONDS rc=0
    shift
    echo "# $suite: $name ..."
    "$@" > "$log_dir/$name.log" 2>&1 < /dev/null &
    wait $! || rc=$?
    took[$suite:$name]=$((SECONDS - t0))
    if [ "$rc" != 0 ]; then
        echo "# $suite: $name FAILED (exit $rc, ${took[$suite:$name]} s)"
        echo "# the first failures in $log_dir/$name.log:"
        grep -n -E "$failures" "$log_dir/$name.log" | head -n 30 \
            | sed 's/^/    /' || true
        echo "# the end of $log_dir/$name.log:"
        tail -n 40 "$log_dir/$name.log" | sed 's/^/    /'
        result[$suite]="failed ($name)"
    else
        echo "# $suite: $name ok (${took[$suite:$name]} s)"
    fi
}

# the minimal system of $suite: the cached tarball, made first if missing
base() {
    local tarball=$cache/fresh-$suite.tar tmp
    if [ ! -s "$tarball" ]; then
        echo "debootstrap --variant=minbase $suite ($mirror)"
        mkdir -p "$cache"
        tmp=$(mktemp -d /var/tmp/ngx-catalog-debootstrap.XXXXXX)
        if ! debootstrap --variant=minbase "$suite" "$tmp" "$mirror"; then
            tail -n 30 "$tmp/debootstrap/debootstrap.log" 2> /dev/null || true
            rm -rf --one-file-system "$tmp"
            return 1
        fi
        # the sources of an installed system: security updates too; no
        # downloaded package or list kept
        rm -f "$tmp/etc/apt/sources.list"
        cat > "$tmp/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        # no daemon started by a package's postinst (there is no init in
        # a chroot; one would run on the host's network)
        printf '#!/bin/sh\nexit 101\n' > "$tmp/usr/sbin/policy-rc.d"
        chmod 755 "$tmp/usr/sbin/policy-rc.d"
        rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
        chmod 755 "$tmp"        # the root directory (mktemp made it 0700)
        tar -C "$tmp" --numeric-owner -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf --one-file-system "$tmp"
    fi
    echo "unpacking $tarball into $root"
    tar -C "$root" --numeric-owner -xf "$tarball"
    chmod 755 "$root"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    # the host's own certificate authorities, as its resolv.conf: on a
    # network whose TLS goes through a proxy of its own, the registry
    # (npm ci) is trusted only with them; ca-certificates, installed by
    # make deps, adds them to the system's store
    if compgen -G '/usr/local/share/ca-certificates/*' > /dev/null; then
        mkdir -p "$root/usr/local/share/ca-certificates"
        cp -r /usr/local/share/ca-certificates/. \
            "$root/usr/local/share/ca-certificates/"
        echo "the host's CA certificates:" \
            "$(cd /usr/local/share/ca-certificates && echo *)"
    fi
    grep -h VERSION= "$root/etc/os-release"
}

# make, and only make
install_make() {
    in_chroot apt-get update
    in_chroot apt-get install -y --no-install-recommends make
    in_chroot make --version | head -n 1
}

# the checkout as it is, without what a build or npm made
copy_checkout() {
    local f
    mkdir -p "$root$inside"
    if git -C "$src" rev-parse --git-dir > /dev/null 2>&1; then
        git -C "$src" ls-files -z --cached --others --exclude-standard \
            | while IFS= read -r -d '' f; do
                case /$f in
                    /build/* | */node_modules/*) continue ;;
                esac
                [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
            done > "$log_dir/files"
        tar -C "$src" --null -T "$log_dir/files" -cf - \
            | tar -C "$root$inside" -xf -
    else
        tar -C "$src" --exclude=./build --exclude=node_modules \
            --exclude='./build-*' -cf - . | tar -C "$root$inside" -xf -
    fi
    echo "$(find "$root$inside" -type f | wc -l) files in $inside"
}

# the README: make test; when each of its parts started (after deps) in
# $log_dir/parts
make_test() {
    local t0=$SECONDS line rc=0
    in_chroot bash -c "cd $inside && make test" 2>&1 \
        | while IFS= read -r line; do
            printf '%s\n' "$line"
            case $line in
                "make bench-smoke" | "make unit" | "make prove" \
                    | "make browser")
                    echo "$((SECONDS - t0)) ${line#make }" \
                        >> "$log_dir/parts" ;;
            esac
        done || rc=$?
    echo "$((SECONDS - t0)) end" >> "$log_dir/parts"
    return "$rc"
}

# what the test runners of make test counted
summary() {
    local f=$log_dir/test.log
    echo "# $suite: cmocka: $(grep -cE '^\[==========\] (tests: )?Running' "$f") programs," \
         "$(awk '/^\[  PASSED  \]/ { n += $4 } END { print n + 0 }' "$f")" \
         "tests passed"
    grep -E '^Files=|^Result:' "$f" | sed "s/^/# $suite: prove: /" || true
    echo "# $suite: node --test:" \
         "$(grep -E '^# (tests|pass|fail) ' "$f" | tr -d '#' | tr '\n' ',' \
                | sed 's/,$//')"
}

# make test's parts and their times, from $log_dir/parts
parts() {
    local t name prev=0 prev_name=deps out=
    [ -s "$log_dir/parts" ] || return 0
    while read -r t name; do
        out+=" $prev_name $((t - prev)) s,"
        prev=$t
        prev_name=$name
    done < "$log_dir/parts"
    echo "# $suite: make test:${out%,}"
}

# the README: make run, one request to the demo, then stopped
make_run() {
    local pid body code _ ok=
    if curl -s -o /dev/null --max-time 2 http://127.0.0.1:8080/; then
        echo "something already listens on 127.0.0.1:8080" >&2
        return 1
    fi
    setsid chroot "$root" /usr/bin/env -i HOME=/root USER=root \
        LOGNAME=root SHELL=/bin/bash PATH="$path" TERM=dumb \
        bash -c "cd $inside && exec make run" \
        > "$log_dir/make-run.log" 2>&1 < /dev/null &
    pid=$!
    for _ in $(seq 600); do
        code=$(in_chroot curl -s -o /tmp/fresh-demo.html -w '%{http_code}' \
                   --max-time 2 http://127.0.0.1:8080/) || code=
        [ -n "$code" ] && [ "$code" != 000 ] && break
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    body=$(cat "$root/tmp/fresh-demo.html" 2> /dev/null || true)
    echo "GET http://127.0.0.1:8080/ (curl in the chroot): ${code:-none}"
    if [ "$code" = 200 ] \
        && grep -qF '<title>Katalog Layanan Publik</title>' <<< "$body"; then
        ok=yes
        echo "the demo's portal page"
    else
        echo "not the demo's portal page: $(head -c 300 <<< "$body")"
    fi
    kill -TERM -- "-$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    echo "--- make run's output:"
    cat "$log_dir/make-run.log"
    [ -n "$ok" ]
}

# -- each suite ------------------------------------------------------------

passed=0
failed=0
for suite in "${suites[@]}"; do
    log_dir=$logs/$suite
    rm -rf "$log_dir"
    mkdir -p "$log_dir"
    root=$(mktemp -d "/var/tmp/ngx-catalog-fresh-$suite.XXXXXX")
    root=$(realpath "$root")
    # in memory by default: dpkg's many fsyncs cost nothing there, and the
    # chroot (about 2.5 GB at the end) goes with one umount
    if [ "${FRESH_TMPFS:-yes}" != no ]; then
        mount -t tmpfs -o "size=${FRESH_TMPFS_SIZE:-8g},mode=755" tmpfs "$root"
        on_tmpfs=yes
    fi
    chmod 755 "$root"
    mounts=()
    result[$suite]=ok
    t_suite=$SECONDS
    echo "# $suite: a fresh system in $root (logs in $log_dir)"
    phase base base
    if [ "${result[$suite]}" = ok ]; then
        mount_all || true
    fi
    for step in make:install_make copy:copy_checkout test:make_test \
                run:make_run; do
        if [ "${result[$suite]}" = ok ]; then
            phase "${step%%:*}" "${step#*:}"
        fi
    done
    if [ "${result[$suite]}" = ok ]; then
        summary
    fi
    parts
    t0=$SECONDS
    if [ "${result[$suite]}" = ok ]; then
        cleanup_chroot || result[$suite]="failed (cleanup)"
    else
        cleanup_chroot keep || true
    fi
    took[$suite:cleanup]=$((SECONDS - t0))
    took[$suite:total]=$((SECONDS - t_suite))
    if [ "${result[$suite]}" = ok ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
    echo "# $suite: ${result[$suite]} in ${took[$suite:total]} s"
done

echo "#"
printf '# %-10s' suite
printf '%-10s' "${phases[@]}" total
printf ' result\n'
for suite in "${suites[@]}"; do
    printf '# %-10s' "$suite"
    for p in "${phases[@]}" total; do
        printf '%-10s' "${took[$suite:$p]:--}${took[$suite:$p]:+ s}"
    done
    printf ' %s\n' "${result[$suite]}"
done
echo "fresh-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
