# ngx_catalog: build the dynamic module against Debian's nginx-dev, run the
# demo gateway, run every test.
#
#   make          build/ngx_http_catalog_module.so
#   make run      the demo catalog on http://127.0.0.1:8080/
#   make fleet    two demo nodes sharing a local Redis (8081, 8082)
#   make test     cmocka unit tests, the nginx tests (prove), the portal
#                 in headless chromium, a smoke run of the benchmark
#   make bench    ngx_catalog against other ways of routing many services
#                 (BENCH_N="1000 27000 100000"; results in build/bench/)
#   make bench-redis  catalog_redis: propagation, cost, a full resync
#   make token    a token for the admin API (AGENCY=..., NAME=...)
#   make deb      build/libnginx-mod-http-catalog_*.deb (make deb-test)
#   make docker-test  the image of docker/, built and run with podman
#   make fresh-test   make test and make run on fresh Debian 12 and 13
#                 (FRESH_SUITES="bookworm trixie"), in chroots
#   make clean

SHELL      := /bin/bash
NGINX_SRC  ?= /usr/share/nginx/src
NGINX      ?= /usr/sbin/nginx
# nginx reads an NGINX environment variable as inherited sockets: keep a
# `make prove NGINX=...` from handing it to the nginx under test
unexport NGINX
BUILD      := $(CURDIR)/build
MODULE     := $(BUILD)/ngx_http_catalog_module.so
OBJS       := $(BUILD)/objs

SRCS       := $(wildcard ngx_module/*.c) $(wildcard include/*.h) config

# Debian packages the build, the demo and the tests need (on Debian 12
# and 13: make fresh-test); ca-certificates for npm ci over HTTPS, and
# Node.js and npm (deps below) when no npm is installed
DEB_BUILD  := nginx nginx-dev libhiredis-dev libjansson-dev gcc make
DEB_TEST   := libcmocka-dev libtest-base-perl libwww-perl libjson-perl \
              curl openssl ca-certificates chromium fonts-dejavu-core \
              prometheus redis-server
# the benchmark: wrk, the Lua module of its OpenResty-style peer, time,
# valgrind (instructions per request)
DEB_BENCH  := wrk libnginx-mod-http-lua time valgrind
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

all: $(MODULE)

$(MODULE): $(OBJS)/Makefile $(SRCS)
	$(MAKE) -s -f $(OBJS)/Makefile -C $(BUILD)/nginx-src modules
	cp $(OBJS)/ngx_http_catalog_module.so $@.tmp && mv -f $@.tmp $@

# configure a private copy of nginx-dev's tree with Debian's own flags, so
# that /usr/sbin/nginx accepts the module (same --with-compat signature)
$(OBJS)/Makefile: config
	rm -rf $(BUILD)/nginx-src $(OBJS)
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(BUILD)/nginx-src
	cd $(BUILD)/nginx-src && . ./conf_flags \
	    && ./configure --with-cc-opt='-g -O2 -fPIC $(CATALOG_CC_OPT)' \
	        --with-ld-opt='-fPIC $(CATALOG_LD_OPT)' \
	        "$${NGX_CONF_FLAGS[@]}" \
	        --add-dynamic-module=$(CURDIR) --builddir=$(OBJS) > $(BUILD)/configure.log \
	    || { tail -20 $(BUILD)/configure.log; exit 1; }

deps:
	@missing=$$(for p in $(DEB_BUILD) $(DEB_TEST) $(DEB_BENCH); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	        | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$(DEB_TEST)" ] && ! command -v npm > /dev/null; then \
	    missing="$$missing nodejs npm"; \
	fi; \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    $(SUDO) apt-get update -qq \
	    && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	        --no-install-recommends $$missing > /dev/null; \
	fi

run: deps $(MODULE)
	bash conf/demo/run.sh $(MODULE)

# two demo nodes and a local redis-server: a change on one, seen on the
# other (README: "Redis: one state for a fleet")
fleet: deps $(MODULE)
	bash conf/demo/fleet.sh $(MODULE)

unit: deps
	$(MAKE) -j2 -C lua-free-tests/unit all
	$(MAKE) -C lua-free-tests/unit check < /dev/null

# PROVE_T: the .t files (every one by default)
PROVE_T    ?= -r lua-free-tests/t

prove: deps $(MODULE)
	cd lua-free-tests/openapi && { [ node_modules -nt package-lock.json ] \
	    || npm ci --no-audit --no-fund --loglevel=error; }
	TEST_NGINX_BINARY=$(NGINX) TEST_NGINX_LOAD_MODULES=$(MODULE) \
	    prove -I lua-free-tests/lib $(PROVE_T)

# the module built with hiredis 1.2 (Debian 13's, from Debian's source
# package, linked in statically: build/hiredis-1.2) and the Redis tests
# against it; make test runs them with Debian 12's hiredis 0.14
HIREDIS12  := $(BUILD)/hiredis-1.2

hiredis12:
	$(MAKE) -s deps DEB_TEST='$(DEB_TEST) dpkg-dev'
	bash lua-free-tests/redis/hiredis.sh $(HIREDIS12)
	HIREDIS_INC=$(HIREDIS12)/include HIREDIS_LIB=$(HIREDIS12)/lib \
	    $(MAKE) $(CURDIR)/build-hiredis12/ngx_http_catalog_module.so \
	        BUILD=$(CURDIR)/build-hiredis12
	@! ldd build-hiredis12/ngx_http_catalog_module.so | grep -q libhiredis \
	    || { echo "hiredis12: the module links the system's hiredis"; \
	         exit 1; }
	$(MAKE) prove BUILD=$(CURDIR)/build-hiredis12 \
	    PROVE_T='$(wildcard lua-free-tests/t/08*.t)'

# a token for the admin API: make token AGENCY=dukcapil NAME=ops-dukcapil
TOKENS     ?= /etc/nginx/catalog-tokens.json

token:
	@test -n "$(AGENCY)" -a -n "$(NAME)" \
	    || { echo "usage: make token AGENCY=id|'*' NAME=name" \
	              "[TOKENS=$(TOKENS)]" >&2; exit 2; }
	@sh conf/catalog-token '$(AGENCY)' '$(NAME)' '$(TOKENS)'

# the portal in Debian's headless chromium (playwright-core, axe-core)
browser: deps $(MODULE)
	bash lua-free-tests/browser/run.sh

# the benchmark's smoke run first, so that the output ends with the test
# runners' summaries (cmocka, prove, node --test)
test: deps
	$(MAKE) bench-smoke
	$(MAKE) unit
	$(MAKE) prove
	$(MAKE) browser

# issue 7's comparison; see "Performance" in README.md
BENCH_N    ?= 1000 27000 100000

bench: deps $(MODULE)
	lua-free-tests/bench/compare.sh $(MODULE) $(BENCH_N)
	for n in $(BENCH_N); do \
	    lua-free-tests/bench/instructions.sh $(BUILD)/bench/$$n || exit 1; \
	done

# catalog_redis: propagation across two nodes, routing with and without
# it, a full resync of 100,000 overrides (results in build/bench-redis/)
bench-redis: deps $(MODULE)
	lua-free-tests/bench/redis.sh $(MODULE)

# the same scripts with 200 services and 1 s runs: every variant must
# answer right; the figures are not checked
bench-smoke: deps $(MODULE)
	SMOKE=1 OUT=$(BUILD)/bench-smoke lua-free-tests/bench/compare.sh \
	    $(MODULE) 200
	SECS=1 lua-free-tests/bench/instructions.sh $(BUILD)/bench-smoke/200
	SMOKE=1 OUT=$(BUILD)/bench-redis-smoke lua-free-tests/bench/redis.sh \
	    $(MODULE)

# The Debian package, built by Debian's nginx module tooling (debian/, the
# nginx dh addon of nginx-dev).  dpkg-buildpackage writes its output next
# to the source tree, so it runs on a copy under build/deb/ and the .deb
# is copied to build/.
DEB_PKG    := nginx nginx-dev libhiredis-dev libjansson-dev gcc make \
              dpkg-dev debhelper
DEB_SRC    := config ngx_module include conf debian README.md

deb:
	$(MAKE) -s deps DEB_BUILD='$(DEB_PKG)' DEB_TEST=
	rm -rf $(BUILD)/deb $(BUILD)/libnginx-mod-http-catalog_*.deb
	mkdir -p $(BUILD)/deb/src
	cp -r $(DEB_SRC) $(BUILD)/deb/src/
	cd $(BUILD)/deb/src && dpkg-buildpackage -b -us -uc \
	        > $(BUILD)/deb/build.log 2>&1 \
	    || { tail -30 $(BUILD)/deb/build.log; exit 1; }
	cp $(BUILD)/deb/libnginx-mod-http-catalog_*.deb $(BUILD)/
	@ls $(BUILD)/libnginx-mod-http-catalog_*.deb

# install the package with apt, load it into Debian's nginx on a private
# prefix and port, purge it
deb-test: deb
	bash lua-free-tests/package/deb-test.sh

# build docker/Dockerfile with podman on a debootstrapped base image and
# run the image's nginx on the loopback with buildah
docker-test:
	bash lua-free-tests/package/docker-test.sh

# the README's promise: make test and make run, as root, on a fresh
# Debian 12 and 13 (debootstrap --variant=minbase plus make, in a chroot)
FRESH_SUITES ?= bookworm trixie

fresh-test:
	FRESH_SUITES='$(FRESH_SUITES)' bash lua-free-tests/package/fresh-test.sh

# sanitizers, valgrind and fuzzing (README: "Sanitizers and fuzzing")
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all

# the whole nginx test suite against the module built with ASan + UBSan
# (build-asan/), in stock nginx with the sanitizer runtimes preloaded
asan: harden-deps
	$(MAKE) prove BUILD=$(CURDIR)/build-asan \
	    NGINX=$(CURDIR)/lua-free-tests/sanitize/nginx-asan \
	    CATALOG_CC_OPT='$(SAN_FLAGS)' CATALOG_LD_OPT='$(SAN_FLAGS)' \
	    TEST_NGINX_SANITIZER=asan

# what asan, valgrind and fuzz need besides deps
DEB_HARDEN := valgrind clang libclang-rt-14-dev

harden-deps:
	$(MAKE) deps DEB_TEST='$(DEB_TEST) $(DEB_HARDEN)'

# nginx under valgrind's memcheck (master and workers: valgrind follows
# the forks), with the .t files of routing, balancer (the TLS sessions
# saved for https backends), reload, API, admin, zone, state file and
# the Redis owner's connections across reloads, kills and quits;
# make valgrind VALGRIND_T=lua-free-tests/t for every file
VALGRIND_T ?= $(addprefix lua-free-tests/t/,020-routing.t 040-balancer.t \
              041-reload.t 050-api.t 060-admin-tokens.t 060-admin.t \
              061-zone.t 062-state.t 083-redis-workers.t)

valgrind: harden-deps $(MODULE)
	TEST_NGINX_BINARY=$(CURDIR)/lua-free-tests/sanitize/nginx-valgrind \
	    TEST_NGINX_LOAD_MODULES=$(MODULE) TEST_NGINX_TIMEOUT=30 \
	    prove -I lua-free-tests/lib -r $(VALGRIND_T)

# each libFuzzer target of lua-free-tests/fuzz for FUZZ_SECONDS (60)
FUZZ_SECONDS ?= 60

fuzz: harden-deps
	$(MAKE) -j2 -C lua-free-tests/fuzz all
	$(MAKE) -C lua-free-tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

.PHONY: asan harden-deps valgrind fuzz

clean:
	rm -rf $(BUILD) $(CURDIR)/build-asan $(CURDIR)/build-hiredis12
	$(MAKE) -C lua-free-tests/unit clean

.PHONY: all deps run unit prove browser test token clean deb deb-test \
        docker-test bench bench-smoke bench-redis hiredis12 fleet fresh-test
