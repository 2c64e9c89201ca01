# catalog_balancer: round robin over the matched service's backends,
# failing backends skipped like max_fails/fail_timeout, 502 when all are
# down, keepalive connections, and https:// backends.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/040-balancer.t
#
# Nothing listens on the ports of the "dead" backends (the harness picks
# free ports and does not listen on them unless a server block does).

use lib 'lib';
use File::Temp ();

# a self-signed certificate for the https:// backend, as
# $TEST_NGINX_CERT_DIR/{cert,key}.pem
BEGIN {
    my $dir = File::Temp::tempdir('catalog-cert-XXXXXX', TMPDIR => 1,
                                  CLEANUP => 1);
    system('openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost'
           . " -days 1 -keyout $dir/key.pem -out $dir/cert.pem"
           . ' >/dev/null 2>&1') == 0
        or die "openssl req failed\n";
    $ENV{TEST_NGINX_CERT_DIR} = $dir;
}

use Test::Catalog;

# number of "connect() failed" lines for a port in the block's error log
sub connect_failures {
    my ($port) = @_;
    my @hits = error_log_text() =~ /connect\(\) failed .*upstream: "[^"]*127\.0\.0\.1:$port\//g;
    return scalar @hits;
}
{ no warnings 'once'; *main::connect_failures = \&connect_failures; }

run_tests();

__DATA__

=== TEST 1: one backend down among two: every request still 200, skipped after max_fails=1
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
for my $i (1 .. 6) {
    my $r = http_get("/s/$i");
    is($r->{status}, 200, "request $i: 200");
    is($r->{body}, "b1 /s/$i\n", "request $i: served by the live backend");
}
is(connect_failures($ENV{TEST_NGINX_BACKEND3_PORT}), 1,
   'the dead backend was tried once, then skipped');
--- error_log
connect() failed
upstream server temporarily disabled



=== TEST 2: max_fails=0 never takes a backend out
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer max_fails=0;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
for my $i (1 .. 6) {
    my $r = http_get("/s/$i");
    is("$r->{status} $r->{body}", "200 b1 /s/$i\n", "request $i");
}
# round robin with retries: the dead one is tried again and again (at
# least every other request); with max_fails=1 it would be tried once
cmp_ok(connect_failures($ENV{TEST_NGINX_BACKEND3_PORT}), '>=', 3,
       'the dead backend is never taken out');
--- error_log
connect() failed
--- no_error_log
upstream server temporarily disabled



=== TEST 3: max_fails=3: three failures, then skipped for fail_timeout
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer max_fails=3 fail_timeout=30s;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
for my $i (1 .. 10) {
    my $r = http_get("/s/$i");
    is("$r->{status} $r->{body}", "200 b1 /s/$i\n", "request $i");
}
is(connect_failures($ENV{TEST_NGINX_BACKEND3_PORT}), 3,
   'the dead backend was tried max_fails times');
--- error_log
upstream server temporarily disabled



=== TEST 4: after fail_timeout the failed backend is tried again
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer max_fails=1 fail_timeout=1s;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- timeout: 10
--- perl
my $port = $ENV{TEST_NGINX_BACKEND3_PORT};
is(http_get("/s/$_")->{status}, 200, "request $_") for 1 .. 4;
is(connect_failures($port), 1, 'one failure before fail_timeout');
select(undef, undef, undef, 2.5);
is(http_get("/s/$_")->{status}, 200, "request $_") for 5 .. 8;
is(connect_failures($port), 2, 'tried once more after fail_timeout');



=== TEST 5: all backends down: each request tries them all ("panic"), 502 when none answers
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT", "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]},
    {"id": "one", "name": "One", "category": "c", "routes": [{"path": "/one"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
my ($p2, $p3) = @ENV{qw(TEST_NGINX_BACKEND2_PORT TEST_NGINX_BACKEND3_PORT)};
my $r = http_get('/s/1');
is($r->{status}, 502, 'first request: 502');
is(connect_failures($p2) + connect_failures($p3), 2, 'both backends tried');
like(error_log_text(), qr/upstream server temporarily disabled: backend 127\.0\.0\.1:$p2 of "a\/s" while connecting to upstream/,
     'nginx\'s words, then the backend and the service');
$r = http_get('/s/2');
is($r->{status}, 502, 'second request: 502');
is(connect_failures($p2) + connect_failures($p3), 4,
   'second request: both are marked down, and both are tried anyway');
unlike(error_log_text(), qr/no live upstreams/,
       'never "no live upstreams" while a backend is left to try');
# a service with a single backend: never taken out, tried every time
$r = http_get("/one/$_") for 1 .. 3;
is($r->{status}, 502, 'single dead backend: 502');
my @one = error_log_text() =~ m{connect\(\) failed .*request: "GET /one/}g;
is(scalar @one, 3, 'a single backend is tried for every request');
--- error_log
connect() failed



=== TEST 6: keepalive: one backend connection for consecutive requests
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 8;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "$connection $connection_requests\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my @r = map { http_get("/s/$_")->{body} } 1 .. 4;
my @conn = map { /^(\d+) / ? $1 : 'none' } @r;
my @reqs = map { /^\d+ (\d+)$/ ? $1 : 'none' } @r;
is("@conn[1 .. 3]", CORE::join(' ', ($conn[0]) x 3), 'the same backend connection');
is("@reqs", '1 2 3 4', 'its request count grows');
--- no_error_log
[error]



=== TEST 7: keepalive with two backends: one connection each, round robin kept
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 8;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        location / { return 200 "$server_port $connection $connection_requests\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my @r = map { [split ' ', http_get("/s/$_")->{body}] } 1 .. 6;
isnt($r[0][0], $r[1][0], 'requests 1 and 2 on different backends');
for my $i (2 .. 5) {
    my $j = $i - 2;
    is($r[$i][0], $r[$j][0], "request " . ($i + 1) . ": same backend as " . ($j + 1));
    is($r[$i][1], $r[$j][1], "request " . ($i + 1) . ": same connection as " . ($j + 1));
}
is(CORE::join(' ', map { $_->[2] } @r), '1 1 2 2 3 3', 'request counts per connection');



=== TEST 8: without keepalive each request opens a new backend connection
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/s"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "$connection $connection_requests\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my @r = map { http_get("/s/$_")->{body} } 1 .. 3;
my %conn = map { /^(\d+) / ? ($1 => 1) : () } @r;
is(scalar keys %conn, 3, 'three backend connections');
is(CORE::join('', map { /^\d+ (\d+)$/ ? $1 : 'x' } @r), '111', 'one request each');



=== TEST 9: https:// backends through proxy_pass $catalog_backend_scheme://
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "tls", "name": "TLS", "category": "c", "routes": [{"path": "/tls"}],
     "backends": ["https://127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "sni", "name": "SNI", "category": "c", "routes": [{"path": "/sni"}],
     "backends": ["https://127.0.0.1:$TEST_NGINX_BACKEND3_PORT"],
     "host_header": "api.example.go.id"},
    {"id": "plain", "name": "Plain", "category": "c", "routes": [{"path": "/plain"}],
     "backends": ["http://127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 8;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "plain $scheme $http_host $request_uri\n"; }
    }
    server {
        # keepalive connections are cached by address: the service with
        # its own SNI name gets its own backend address
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT ssl;
        listen 127.0.0.1:$TEST_NGINX_BACKEND3_PORT ssl;
        ssl_certificate $TEST_NGINX_CERT_DIR/cert.pem;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/key.pem;
        location / {
            return 200 "tls $scheme $http_host sni=$ssl_server_name $request_uri c=$connection_requests\n";
        }
    }
--- config
    location / {
        catalog_route;
        proxy_pass $catalog_backend_scheme://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $catalog_backend_host;
        proxy_ssl_server_name on;
        proxy_ssl_name $catalog_backend_host;
    }
--- request eval
["GET /tls/a?x=1", "GET /plain/b?y=2", "GET /sni/c", "GET /tls/d"]
--- response_body eval
["tls https 127.0.0.1:$ENV{TEST_NGINX_BACKEND2_PORT} sni= /tls/a?x=1 c=1\n",
 "plain http 127.0.0.1:$ENV{TEST_NGINX_BACKEND_PORT} /plain/b?y=2\n",
 "tls https api.example.go.id sni=api.example.go.id /sni/c c=1\n",
 "tls https 127.0.0.1:$ENV{TEST_NGINX_BACKEND2_PORT} sni= /tls/d c=2\n"]
--- no_error_log
[error]



=== TEST 10: https:// backends with proxy_ssl_session_reuse off
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "tls", "name": "TLS", "category": "c", "routes": [{"path": "/tls"}],
     "backends": ["https://127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT ssl;
        ssl_certificate $TEST_NGINX_CERT_DIR/cert.pem;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/key.pem;
        location / { return 200 "tls $scheme $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass $catalog_backend_scheme://catalog_backends;
        proxy_ssl_session_reuse off;
    }
--- request eval
["GET /tls/a?x=1", "GET /tls/b"]
--- response_body eval
["tls https /tls/a?x=1\n", "tls https /tls/b\n"]
--- no_error_log
[error]



=== TEST 11: https:// backends: a TLS session is offered for its own server name only
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "one", "name": "One", "category": "c", "routes": [{"path": "/one"}],
     "backends": ["https://127.0.0.1:$TEST_NGINX_BACKEND2_PORT"],
     "host_header": "one.example.go.id"},
    {"id": "two", "name": "Two", "category": "c", "routes": [{"path": "/two"}],
     "backends": ["https://127.0.0.1:$TEST_NGINX_BACKEND2_PORT"],
     "host_header": "two.example.go.id"},
    {"id": "three", "name": "Three", "category": "c", "routes": [{"path": "/three"}],
     "backends": ["HTTPS://127.0.0.1:$TEST_NGINX_BACKEND2_PORT"],
     "host_header": "ONE.Example.go.id"}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT ssl;
        ssl_certificate $TEST_NGINX_CERT_DIR/cert.pem;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/key.pem;
        location / {
            return 200 "sni=$ssl_server_name reused=$ssl_session_reused\n";
        }
    }
--- config
    location / {
        catalog_route;
        proxy_pass $catalog_backend_scheme://catalog_backends;
        proxy_set_header Host $catalog_backend_host;
        proxy_ssl_server_name on;
        proxy_ssl_name $catalog_backend_host;
    }
--- perl
# without keepalive every request is a new TLS connection, which offers
# the session its list saved last
my @r = map { http_get($_)->{body} } qw(/one/1 /two/1 /one/2 /two/2 /three/1);
like($r[0], qr/^sni=one\.example\.go\.id reused=\.$/i, '/one/1: a new session');
like($r[1], qr/^sni=two\.example\.go\.id reused=\.$/i,
     "/two/1: another name, not offered one's session");
like($r[2], qr/^sni=one\.example\.go\.id reused=r$/i, "/one/2: its own session");
like($r[3], qr/^sni=two\.example\.go\.id reused=r$/i, "/two/2: its own session");
like($r[4], qr/^sni=one\.example\.go\.id reused=r$/i,
     "/three/1: one's name in another case, one's list and session");
--- no_error_log
[error]
