# catalog_balancer: services that list the same backends (same scheme,
# host and port, in the same order) share one list of peers, so its round
# robin position and its failures, as the locations proxying to one
# upstream block share its servers; other lists have their own; each
# backend is resolved once however it is written.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/042-shared-backends.t
#
# The backends answer with their port, so that the body says which one
# served a request.  Nothing listens on a "dead" backend's port.

use lib 'lib';
use Test::Catalog;

# "connect() failed" lines for a port, of requests whose path starts with
# the prefix (all requests without one)
sub connect_failures {
    my ($port, $prefix) = @_;
    $prefix = '' unless defined $prefix;
    my @hits = error_log_text()
        =~ /connect\(\) failed .*request: "GET \Q$prefix\E[^"]*", upstream: "[^"]*127\.0\.0\.1:$port\//g;
    return scalar @hits;
}
{ no warnings 'once'; *main::connect_failures = \&connect_failures; }

# the backend's port of each answer, or the status when not 200
sub served_by {
    my ($r) = @_;
    return $r->{status} == 200 && $r->{body} =~ /^(\d+) / ? $1
                                                          : "status $r->{status}";
}
{ no warnings 'once'; *main::served_by = \&served_by; }

run_tests();

__DATA__

=== TEST 1: two agencies' services on the same two backends: one round robin
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "one", "name": "One", "category": "c", "routes": [{"path": "/a1"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "two", "name": "Two", "category": "c", "routes": [{"path": "/a2"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
  ]
}
>>> b.json
{
  "agency": {"id": "b", "name": "B"},
  "services": [
    {"id": "one", "name": "One", "category": "c", "routes": [{"path": "/b1"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        location / { return 200 "$server_port $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        add_header X-Service $catalog_service always;
    }
--- perl
my ($p1, $p2) = @ENV{qw(TEST_NGINX_BACKEND_PORT TEST_NGINX_BACKEND2_PORT)};
my @paths = qw(/a1/x /b1/y /a2/z /a1/w /b1/v /a2/u);
my %service = ('/a1' => 'a/one', '/a2' => 'a/two', '/b1' => 'b/one');
my @by;
for my $path (@paths) {
    my $r = http_get($path);
    is($r->{status}, 200, "$path: 200");
    like($r->{body}, qr/^\d+ \Q$path\E\n\z/, "$path: the backend got the path");
    (my $prefix = $path) =~ s{/[^/]*\z}{};
    is(scalar $r->header('X-Service'), $service{$prefix}, "$path: its service");
    push @by, served_by($r);
}
# one list: the services take turns on it; one list each would have
# given "p1 p1 p1 p2 p2 p2"
is("@by", "$p1 $p2 $p1 $p2 $p1 $p2",
   'one round robin across the three services');
--- no_error_log
[error]



=== TEST 2: a backend found down by one service is skipped by the others
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/a"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND3_PORT", "127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b.json
{
  "agency": {"id": "b", "name": "B"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/b"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND3_PORT", "127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "other", "name": "Other", "category": "c", "routes": [{"path": "/other"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND3_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer max_fails=1 fail_timeout=60s;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        location / { return 200 "$server_port $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
my ($p1, $p2, $p3) =
    @ENV{qw(TEST_NGINX_BACKEND_PORT TEST_NGINX_BACKEND2_PORT TEST_NGINX_BACKEND3_PORT)};

# a/s tries the dead backend first, marks it failed, is served by the other
my $r = http_get('/a/1');
is(served_by($r), $p1, '/a/1: served by the live backend');
is(connect_failures($p3, '/a/'), 1, '/a/1: the dead backend was tried');

# b/s lists the same backends: it never tries the dead one
for my $i (1 .. 4) {
    $r = http_get("/b/$i");
    is(served_by($r), $p1, "/b/$i: served by the live backend");
    is($r->{body}, "$p1 /b/$i\n", "/b/$i: the backend got the path");
}
is(connect_failures($p3, '/b/'), 0, 'b/s never tried the dead backend');
is(connect_failures($p3), 1, 'the dead backend was tried once in all');

# nor does a/s again
is(served_by(http_get("/a/$_")), $p1, "/a/$_: served by the live backend")
    for 2 .. 3;
is(connect_failures($p3), 1, 'still once');

# b/other lists it with another backend: its own list, its own failures,
# as with another upstream block
$r = http_get('/other/1');
is(served_by($r), $p2, '/other/1: served by its live backend');
is(connect_failures($p3, '/other/'), 1, '/other/1: tried the dead backend');
is(served_by(http_get('/other/2')), $p2, '/other/2: its live backend');
is(connect_failures($p3), 2, 'then skipped it too');
--- error_log
connect() failed
upstream server temporarily disabled



=== TEST 3: the same backends in another order, or one more: lists of their own
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "fwd", "name": "Fwd", "category": "c", "routes": [{"path": "/fwd"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "rev", "name": "Rev", "category": "c", "routes": [{"path": "/rev"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT", "127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b.json
{
  "agency": {"id": "b", "name": "B"},
  "services": [
    {"id": "extra", "name": "Extra", "category": "c", "routes": [{"path": "/extra"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT",
                  "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"]},
    {"id": "single", "name": "Single", "category": "c", "routes": [{"path": "/single"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        listen 127.0.0.1:$TEST_NGINX_BACKEND3_PORT;
        location / { return 200 "$server_port $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
my ($p1, $p2, $p3) =
    @ENV{qw(TEST_NGINX_BACKEND_PORT TEST_NGINX_BACKEND2_PORT TEST_NGINX_BACKEND3_PORT)};
my @paths = map { "/$_/x" }
    qw(fwd fwd rev rev extra extra extra extra single single);
my @by;
for my $path (@paths) {
    my $r = http_get($path);
    is($r->{body}, served_by($r) . " $path\n", "$path: 200, with its path");
    push @by, served_by($r);
}
# rev starts at its own first backend (p2), not where fwd's list is (p1);
# extra goes round its three backends from the first; single has one
is("@by", "$p1 $p2 $p2 $p1 $p1 $p2 $p3 $p1 $p2 $p2",
   'each list its own round robin');
--- no_error_log
[error]



=== TEST 4: one backend written in different ways is the same backend
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "bare", "name": "Bare", "category": "c", "routes": [{"path": "/bare"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "one", "name": "One", "category": "c", "routes": [{"path": "/one"}],
     "backends": ["http://127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b.json
{
  "agency": {"id": "b", "name": "B"},
  "services": [
    {"id": "scheme", "name": "Scheme", "category": "c", "routes": [{"path": "/scheme"}],
     "backends": ["http://127.0.0.1:$TEST_NGINX_BACKEND_PORT", "http://127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "mixed", "name": "Mixed", "category": "c", "routes": [{"path": "/mixed"}],
     "backends": ["http://127.0.0.1:$TEST_NGINX_BACKEND_PORT", "127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]},
    {"id": "two", "name": "Two", "category": "c", "routes": [{"path": "/two"}],
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
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        location / { return 200 "$server_port $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
my ($p1, $p2) = @ENV{qw(TEST_NGINX_BACKEND_PORT TEST_NGINX_BACKEND2_PORT)};
my @by;
for my $path (qw(/bare/1 /scheme/2 /mixed/3 /bare/4 /one/5 /two/6)) {
    my $r = http_get($path);
    is($r->{body}, served_by($r) . " $path\n", "$path: 200, with its path");
    push @by, served_by($r);
}
# "127.0.0.1:PORT" and "http://127.0.0.1:PORT" are one backend, so the
# three two-backend services share one list and one round robin
is("@by", "$p1 $p2 $p1 $p2 $p1 $p1", 'one list for the three spellings');
--- no_error_log
[error]



=== TEST 5: after a shared list, a list with an unresolvable backend still fails
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "ok", "name": "OK", "category": "c", "routes": [{"path": "/ok"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "same", "name": "Same", "category": "c", "routes": [{"path": "/same"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "bad", "name": "Bad", "category": "c", "routes": [{"path": "/bad"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT", "nonexistent.invalid:80"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
--- must_die
--- error_log eval
[qr/manifest "\Q$ENV{TEST_NGINX_MANIFEST_DIR}\E\/a\.json": services\[2\]\.backends\[1\] \(service "bad"\): backend "nonexistent\.invalid:80": host not found in \S+\/conf\/nginx\.conf:\d+$/m]



=== TEST 6: a host name in another case is the same backend
--- workers: 1
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/a"}],
     "backends": ["HTTP://LocalHost:$TEST_NGINX_BACKEND3_PORT", "127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
>>> b.json
{
  "agency": {"id": "b", "name": "B"},
  "services": [
    {"id": "s", "name": "S", "category": "c", "routes": [{"path": "/b"}],
     "backends": ["localhost:$TEST_NGINX_BACKEND3_PORT", "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer max_fails=1 fail_timeout=60s;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "$server_port $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
--- perl
my ($p1, $p3) = @ENV{qw(TEST_NGINX_BACKEND_PORT TEST_NGINX_BACKEND3_PORT)};

# "localhost" may also resolve to ::1: count the dead port's failures
# whatever the address
my $failures = sub {
    my ($prefix) = @_;
    my @hits = error_log_text()
        =~ /connect\(\) failed .*request: "GET \Q$prefix\E[^"]*", upstream: "[^"]*:$p3\//g;
    return scalar @hits;
};

is(served_by(http_get('/a/1')), $p1, '/a/1: served by the live backend');
ok($failures->('/a/') >= 1, '/a/1: the dead backend was tried');

# "LocalHost" and "localhost" are one backend: one list, so b/s knows
# it is down
for my $i (1 .. 3) {
    is(served_by(http_get("/b/$i")), $p1, "/b/$i: served by the live backend");
}
is($failures->('/b/'), 0, 'b/s never tried the dead backend');
--- error_log
connect() failed
