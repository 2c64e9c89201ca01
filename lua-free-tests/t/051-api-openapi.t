# The catalog API against its OpenAPI document (conf/openapi.yaml): nginx
# serves the example manifests of conf/catalog.d and
# lua-free-tests/openapi/check.js checks every answer (status, headers,
# body schema, member order, parameter rules) against the document.
#
#   (cd lua-free-tests/openapi && npm ci)      # once: ajv and yaml
#   lua-free-tests/run-prove.sh lua-free-tests/t/051-api-openapi.t
#
# Skipped when node or lua-free-tests/openapi/node_modules is missing.

use lib 'lib';
use Test::Catalog;

use Cwd ();
use File::Basename ();

my $root;

BEGIN {
    $root = Cwd::abs_path(File::Basename::dirname(__FILE__) . '/../..');
}

$ENV{TEST_NGINX_REPO_CONF} = "$root/conf";

my $openapi = "$root/lua-free-tests/openapi";

if (system('node --version >/dev/null 2>&1') != 0) {
    Test::More::plan(skip_all => 'node is not installed');
}

if (!-f "$openapi/node_modules/ajv/package.json"
    || !-f "$openapi/node_modules/yaml/package.json")
{
    Test::More::plan(skip_all => 'lua-free-tests/openapi/node_modules is '
                     . 'missing: run (cd lua-free-tests/openapi && npm ci)');
}

run_tests();

__DATA__

=== TEST 1: every answer of the example catalog matches conf/openapi.yaml
--- timeout: 60
--- http_config
    catalog_manifests $TEST_NGINX_REPO_CONF/catalog.d/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
--- config
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
    location /api/catalog/ {
        catalog_api;
    }
--- perl
my $repo = $ENV{TEST_NGINX_REPO_CONF};
$repo =~ s{/conf\z}{};
local $ENV{CATALOG_URL} = 'http://127.0.0.1:' . server_port() . '/api/catalog/';
local $ENV{CHECK_OUTCOMES} =
    'proxy,redirect,gone,maintenance,not_found,method_not_allowed';
local $ENV{CHECK_VERBOSE} = '1';
my $out = `node "$repo/lua-free-tests/openapi/check.js" 2>&1`;
my $rc = $? >> 8;
is($rc, 0, 'check.js exits 0');
my @failed = grep { /^(not ok|Bail out|#   )/ } split /\n/, $out;
is(scalar(grep { /^not ok/ } @failed), 0, 'no failed check')
    or diag(join "\n", @failed);
my ($summary) = $out =~ /^# (\d+ checks, \d+ failed.*)$/m;
ok(defined $summary && $summary =~ /^(\d+) checks/ && $1 > 300,
   'check.js made its checks: ' . ($summary // 'no summary'))
    or diag($out);
like($out, qr/^ok \d+ - resolve outcomes seen: gone, maintenance, method_not_allowed, not_found, proxy, redirect$/m,
     'every outcome of the router was resolved');
--- no_error_log
[error]
[warn]
