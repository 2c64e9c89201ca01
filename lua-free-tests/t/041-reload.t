# Reload: a bad manifest is rejected by the reload and the old catalog
# keeps serving; a good changed one replaces it.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/041-reload.t

use lib 'lib';
use Test::Catalog;

run_tests();

__DATA__

=== TEST 1: bad manifest rejected, old catalog kept; good manifest applied
--- workers: 2
--- timeout: 10
--- manifests
>>> a.json
{
  "agency": {"id": "a", "name": "A"},
  "services": [
    {"id": "lama", "name": "Lama", "category": "c", "routes": [{"path": "/lama"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 4;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        location / { return 200 "b2 $request_uri\n"; }
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
--- perl
my $dir = manifest_dir();
my $check = sub {
    my ($path, $status, $body, $what) = @_;
    for my $i (1 .. 4) {    # both workers, most likely
        my $r = http_get($path);
        is($r->{status}, $status, "$what: $path status ($i)");
        is($r->{body}, $body, "$what: $path body ($i)") if defined $body;
    }
};

$check->('/lama/x', 200, "b1 /lama/x\n", 'before');
$check->('/baru/x', 404, undef, 'before');

# 1. a syntax error
write_file('manifests/a.json', <<'JSON');
{"agency": {"id": "a", "name": "A"}, "services": [
JSON
my ($rc, $out) = nginx_test_config();
isnt($rc, 0, 'nginx -t fails');
like($out, qr/manifest "\Q$dir\E\/a\.json": line \d+, column \d+: invalid JSON/,
     'nginx -t names the file and position');
is(nginx_reload(), 0, 'reload with a JSON error rejected');
like(error_log_text(), qr/\[emerg\] .*manifest "\Q$dir\E\/a\.json": line \d+, column \d+: invalid JSON/,
     'error log has the manifest error');
$check->('/lama/x', 200, "b1 /lama/x\n", 'after rejected reload 1');

# 2. valid JSON, a rule broken (unknown key), and a route that would be new
write_file('manifests/a.json', <<'JSON');
{"agency": {"id": "a", "name": "A"}, "services": [
  {"id": "baru", "name": "Baru", "category": "c", "routes": [{"path": "/baru"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT"], "colour": "red"}]}
JSON
is(nginx_reload(), 0, 'reload with an unknown key rejected');
like(error_log_text(), qr/\[emerg\] .*manifest "\Q$dir\E\/a\.json": services\[0\] \(service "baru"\): unknown key "colour"/,
     'error log names file, location, service, key');
$check->('/lama/x', 200, "b1 /lama/x\n", 'after rejected reload 2');
$check->('/baru/x', 404, undef, 'after rejected reload 2');

# 3. a backend that cannot be resolved
write_file('manifests/a.json', <<'JSON');
{"agency": {"id": "a", "name": "A"}, "services": [
  {"id": "baru", "name": "Baru", "category": "c", "routes": [{"path": "/baru"}],
   "backends": ["nonexistent.invalid:80"]}]}
JSON
is(nginx_reload(), 0, 'reload with an unresolvable backend rejected');
like(error_log_text(), qr/manifest "\Q$dir\E\/a\.json": services\[0\]\.backends\[0\] \(service "baru"\): backend "nonexistent\.invalid:80": host not found/,
     'error log names the backend');
$check->('/lama/x', 200, "b1 /lama/x\n", 'after rejected reload 3');

# 4. a good changed manifest, and a second agency in a new file
write_file('manifests/a.json', <<'JSON');
{"agency": {"id": "a", "name": "A"}, "services": [
  {"id": "baru", "name": "Baru", "category": "c", "routes": [{"path": "/baru"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND2_PORT"]}]}
JSON
write_file('manifests/b.json', <<'JSON');
{"agency": {"id": "b", "name": "B"}, "services": [
  {"id": "lain", "name": "Lain", "category": "c", "routes": [{"path": "/lain"}],
   "redirect": {"to": "/baru", "keep_path": true}}]}
JSON
is(nginx_reload(), 1, 'reload with good manifests accepted');
$check->('/baru/x', 200, "b2 /baru/x\n", 'after good reload');
$check->('/lama/x', 404, undef, 'after good reload');
my $r = http_get('/lain/y');
is($r->{status}, 301, 'new agency file loaded');
like(scalar $r->header('Location'), qr{/baru/y\z}, 'its redirect');

# 5. the file removed again: its routes are gone
unlink "$dir/b.json" or die $!;
is(nginx_reload(), 1, 'reload after removing a file accepted');
$check->('/lain/y', 404, undef, 'after removing b.json');
$check->('/baru/x', 200, "b2 /baru/x\n", 'after removing b.json');

# 6. every manifest removed: an empty catalog answers 503
unlink "$dir/a.json" or die $!;
is(nginx_reload(), 1, 'reload with no manifest accepted');
$check->('/baru/x', 503, undef, 'empty catalog');
--- error_log eval
[qr/\[emerg\] .*invalid JSON/,
 qr/\[emerg\] .*unknown key "colour"/,
 qr/\[emerg\] .*host not found/]
