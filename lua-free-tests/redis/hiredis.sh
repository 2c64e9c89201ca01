#!/usr/bin/env bash
# Builds hiredis 1.2 (Debian 13 "trixie"'s source package) into a private
# prefix, so that the module can be built and tested against hiredis 1.x as
# well as against Debian 12's 0.14.1:
#
#   lua-free-tests/redis/hiredis.sh [OUT]        (OUT: build/hiredis-1.2)
#   HIREDIS_INC=OUT/include HIREDIS_LIB=OUT/lib  (for the module's config)
#
# OUT/include/hiredis/  hiredis.h async.h read.h sds.h alloc.h sockcompat.h
#                       adapters/*.h, and hiredis_ssl.h when TLS was built
# OUT/lib/              libhiredis.a only (and libhiredis_ssl.a): no .so, so
#                       -L OUT/lib -lhiredis links hiredis into the module
#                       and stock nginx loads it without LD_LIBRARY_PATH
#                       (hiredis's Makefile always compiles with -fPIC)
# OUT/apt/              the private apt configuration, lists and download
# OUT/src/              the unpacked source tree
#
# The system's apt configuration is left untouched: the trixie deb-src line
# lives in OUT/apt/sources.list, and apt's lists and caches in OUT/apt too.
# The mirror is the one /etc/apt/sources.list* uses for Debian itself.
# Needs apt-get, dpkg-source (dpkg-dev), make and a C compiler; installs
# nothing.  Does nothing when OUT already holds the library and headers.
#
# Environment: HIREDIS_SUITE (trixie), DEBIAN_MIRROR (from /etc/apt),
# HIREDIS_SSL (auto: build libhiredis_ssl.a when libssl-dev is installed;
# 0: never; 1: fail without it).

set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/build/hiredis-1.2}
suite=${HIREDIS_SUITE:-trixie}
ssl=${HIREDIS_SSL:-auto}

mkdir -p "$out"
out=$(cd "$out" && pwd)

version() {
    awk '$1 == "#define" && $2 ~ /^HIREDIS_(MAJOR|MINOR|PATCH)$/ { v[$2] = $3 }
         END { print v["HIREDIS_MAJOR"] "." v["HIREDIS_MINOR"] "." \
                     v["HIREDIS_PATCH"] }' "$1"
}

if [ -f "$out/lib/libhiredis.a" ] && [ -f "$out/include/hiredis/hiredis.h" ]
then
    echo "hiredis $(version "$out/include/hiredis/hiredis.h") already in $out"
    exit 0
fi

for tool in apt-get dpkg-source make "${CC:-cc}"; do
    if ! command -v "$tool" > /dev/null; then
        case $tool in
        dpkg-source) hint="dpkg-dev (apt-get install dpkg-dev)" ;;
        apt-get)     hint="apt (a Debian or Ubuntu system)" ;;
        make)        hint="make" ;;
        *)           hint="a C compiler (apt-get install gcc)" ;;
        esac
        echo "$0: $tool not found: it comes with $hint" >&2
        exit 1
    fi
done

# the Debian mirror the machine uses: the first URI of a deb or deb-src
# entry whose path ends in /debian (not debian-security, not third parties),
# in one-line (*.list) or deb822 (*.sources) form
mirror=${DEBIAN_MIRROR:-$(
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
        /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk '/^[ \t]*#/ { next }
           $1 == "deb" || $1 == "deb-src" {
               i = 2
               if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
               print $i; next }
           tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' \
    | grep -E '^[a-z+]+://[^ ]*/debian/?$' | head -n 1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}

start=$EPOCHREALTIME

# fetch: a private apt configuration with just the suite's deb-src line

apt_dir=$out/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
         "$apt_dir/src"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed=
[ -f "$keyring" ] && signed="[signed-by=$keyring] "
echo "deb-src $signed$mirror $suite main" > "$apt_dir/sources.list"

apt_opts=(
    -o "Dir::Etc::sourcelist=$apt_dir/sources.list"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Get::List-Cleanup=0"
)

dsc=$(ls "$apt_dir/src"/hiredis_*.dsc 2> /dev/null | head -n 1 || true)

if [ -z "$dsc" ]; then
    echo "fetching the hiredis source package of $suite from $mirror"
    apt-get -q "${apt_opts[@]}" update
    # apt-get source writes into the current folder, which the _apt user
    # may not reach: download as root there, as apt would fall back to
    src_opts=()
    [ "$(id -u)" = 0 ] && src_opts=(-o "APT::Sandbox::User=root")
    (cd "$apt_dir/src" && apt-get -q "${apt_opts[@]}" "${src_opts[@]}" \
                                  source --download-only hiredis)
    dsc=$(ls "$apt_dir/src"/hiredis_*.dsc | head -n 1)
fi

fetched=$EPOCHREALTIME

# unpack (with Debian's patches) and build the static libraries

src=$out/src/hiredis
rm -rf "$src"
mkdir -p "$out/src"
# apt-get already checked the files against the signed Sources index; the
# .dsc's own signature cannot be checked without a keyring set up for it
dpkg-source -q -x "$dsc" "$src" 2>&1 \
    | grep -v -e '^gpgv:' -e 'cannot verify' >&2 || true
[ -f "$src/hiredis.h" ] || { echo "$0: unpacking $dsc failed" >&2; exit 1; }

jobs=$(nproc 2> /dev/null || echo 2)
make_opts=(OPTIMIZATION=-O2 DEBUG_FLAGS=-g)
[ -n "${CC:-}" ] && make_opts+=("CC=$CC")

make -s -C "$src" -j"$jobs" "${make_opts[@]}" libhiredis.a

ssl_built=no
ssl_note=

if [ "$ssl" != 0 ]; then
    if echo '#include <openssl/ssl.h>' \
        | "${CC:-cc}" -E -x c - > /dev/null 2>&1
    then
        if make -s -C "$src" -j"$jobs" "${make_opts[@]}" USE_SSL=1 \
                libhiredis_ssl.a
        then
            ssl_built=yes
        else
            ssl_note="building libhiredis_ssl.a with USE_SSL=1 failed"
        fi
    else
        ssl_note="libssl-dev is not installed"
    fi

    if [ -n "$ssl_note" ]; then
        if [ "$ssl" = 1 ]; then
            echo "$0: $ssl_note" >&2
            exit 1
        fi
        echo "$0: $ssl_note: skipping libhiredis_ssl.a (TLS)" >&2
    fi
fi

built=$EPOCHREALTIME

# install: the headers and the static libraries only, hiredis.h and
# libhiredis.a last, so that an interrupted run is redone next time

inc=$out/include/hiredis
mkdir -p "$inc/adapters" "$out/lib"
rm -f "$out"/lib/libhiredis*.so* "$out/lib/libhiredis_ssl.a" \
      "$inc/hiredis_ssl.h"

if [ $ssl_built = yes ]; then
    install -m 644 "$src/hiredis_ssl.h" "$inc/"
    install -m 644 "$src/libhiredis_ssl.a" "$out/lib/"
fi

install -m 644 "$src"/adapters/*.h "$inc/adapters/"
for h in async.h read.h sds.h alloc.h sockcompat.h; do
    # (sockcompat.h is new in hiredis 1.0)
    if [ -f "$src/$h" ]; then
        install -m 644 "$src/$h" "$inc/"
    fi
done
install -m 644 "$src/libhiredis.a" "$out/lib/"
install -m 644 "$src/hiredis.h" "$inc/"

echo "hiredis $(version "$inc/hiredis.h") ($(basename "$dsc" .dsc)," \
     "TLS: $ssl_built) in $out"
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
end=$EPOCHREALTIME
echo "seconds: $(secs "$start" "$end") (fetch $(secs "$start" "$fetched")," \
     "build $(secs "$fetched" "$built"))"
echo "use: HIREDIS_INC=$out/include HIREDIS_LIB=$out/lib"
