# Hostile requests, one table row per case with the exact status and the
# headers and body fragments that must (and must not) be there: encoded
# dot segments and slashes, NUL bytes, paths and queries around the
# request line limit, invalid UTF-8, header injection through every value
# that reaches a response header (redirects from the request, maintenance
# messages from the admin API, manifest values at nginx -t), and the admin
# API hammered with missing, wrong and malformed tokens while the worker
# must stay up and not grow.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/070-hostile.t
#
# Row format (see check_row): [name, request, status, {checks}] where the
# request is a path (sent as GET with Connection: close), or a raw
# request when it starts with a method and ends with "\r\n\r\n", or
# [path, option => value...] for http_get; checks are
#   h  => {Header => 'exact' or qr/regex/}     headers that must be there
#   no => ['Header', ...]                       headers that must be absent
#   b  => [qr/.../, ...]                        body fragments
#   nb => [qr/.../, ...]                        what the body must not hold

use lib 'lib';
use Test::Catalog;

use Digest::SHA ();
use JSON::PP ();

our ($TOKEN, $TOKENS, $HTTP_CONFIG, $CONFIG, $CATALOG);

$TOKEN = 'ktk-hostile-5d1c9e7a3b2f4e6a8c0d';

$TOKENS = ">>> tokens.json\n" . JSON::PP->new->canonical->encode({
    tokens => [{ sha256 => Digest::SHA::sha256_hex($TOKEN),
                 agency => '*', name => 'ops-root' }],
}) . "\n";

# ktp: a prefix with a backend; admin-web: the route a "../" aims at;
# lama and luar: redirects that keep the path and the query, to a path
# and to another site; kk: in maintenance in its manifest, with a message
# of several lines.
$CATALOG = <<'_EOC_';
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "c",
     "routes": [{"path": "/dukcapil/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "admin-web", "name": "Admin", "category": "c",
     "routes": [{"path": "/dukcapil/admin"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "lama", "name": "Lama", "category": "c",
     "routes": [{"path": "/lama"}],
     "redirect": {"to": "/baru", "keep_path": true, "keep_query": true}},
    {"id": "luar", "name": "Luar", "category": "c",
     "routes": [{"path": "/luar"}],
     "redirect": {"to": "https://x.example/a/", "code": 302,
                  "keep_path": true, "keep_query": true}},
    {"id": "kk", "name": "KK", "category": "c",
     "routes": [{"path": "/dukcapil/kk"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"],
     "status": "maintenance",
     "maintenance_message": "Baris satu\r\nSet-Cookie: kk=1\r\n\r\nbaris <b>tiga</b>"}
  ]
}
_EOC_

$HTTP_CONFIG = <<'_EOC_';
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    catalog_admin_tokens $TEST_NGINX_HTML_DIR/tokens.json;
    upstream catalog_backends {
        catalog_balancer;
        keepalive 4;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            return 200 "svc=$http_x_catalog_service req=$request_uri\n";
        }
    }
_EOC_

$CONFIG = <<'_EOC_';
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-Catalog-Service $catalog_service;
    }
    location /api/catalog/ {
        catalog_api;
    }
    location /-/catalog/admin/ {
        catalog_admin;
    }
_EOC_

sub check_row {
    my ($row) = @_;
    my ($name, $req, $status, $c) = @$row;
    $c ||= {};
    my $r;
    if (ref $req) {
        $r = http_get(@$req);
    } elsif ($req =~ /\A[A-Z]+ .*\r\n\r\n\z/s) {
        $r = http_request($req);
    } else {
        $r = http_get($req);
    }
    if ($r->{error}) {
        Test::More::fail("$name: a complete answer");
        Test::More::diag("$name: $r->{error}");
        return $r;
    }
    Test::More::is($r->{status}, $status, "$name: status $status");
    for my $h (sort keys %{ $c->{h} || {} }) {
        my $want = $c->{h}{$h};
        my $got = $r->header($h);
        if (ref $want) {
            Test::More::like($got, $want, "$name: $h");
        } else {
            Test::More::is($got, $want, "$name: $h");
        }
    }
    for my $h (@{ $c->{no} || [] }) {
        Test::More::ok(!defined $r->header($h), "$name: no $h header")
            or Test::More::diag("$name: $h: " . $r->header($h));
    }
    Test::More::like($r->{body}, $_, "$name: body has $_")
        for @{ $c->{b} || [] };
    Test::More::unlike($r->{body}, $_, "$name: body has not $_")
        for @{ $c->{nb} || [] };
    return $r;
}

sub raw {
    my ($line, @headers) = @_;
    return join '', map { "$_\r\n" } $line, 'Host: localhost', @headers,
                                     'Connection: close', '';
}

sub proxied {
    my ($svc, $req) = @_;
    return [qr/\Asvc=\Q$svc\E req=\Q$req\E\n\z/];
}

# RSS of a process in kB, from /proc
sub rss_kb {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/status" or return -1;
    while (<$fh>) {
        return $1 if /^VmRSS:\s+(\d+)\s+kB/;
    }
    return -1;
}

run_tests();

__DATA__

=== TEST 1: encoded dot segments, encoded slashes, NUL bytes: nginx normalises, the catalog routes what the backend gets
--- manifests eval: $main::CATALOG
--- user_files eval: $main::TOKENS
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- perl
my $json = ['/', headers => ['Accept: application/json']];
main::check_row($_) for
    # a ".." above the root is refused by nginx before any routing
    ['%2e%2e above the root', '/%2e%2e/', 400],
    ['%2E%2E deep above the root', '/dukcapil/ktp/%2E%2E/%2E%2E/%2E%2E/etc/passwd', 400],
    ['../ above the root', raw('GET /../x HTTP/1.1'), 400],
    # decoded and removed: the request is routed as what it names, and
    # the backend receives exactly that path, never the raw form
    ['%2e%2e out of an agency: no route',
     ['/dukcapil/%2e%2e/admin', headers => ['Accept: application/json']],
     404, {h => {'Content-Type' => 'application/json; charset=utf-8'},
           b => [qr/\A\{"error": \{"code": 404, /]}],
    ['%2e%2e into a sibling service', '/dukcapil/ktp/%2e%2e/admin/x', 200,
     {b => main::proxied('dukcapil/admin-web', '/dukcapil/admin/x')}],
    ['.%2e into a sibling service', '/dukcapil/ktp/.%2e/admin', 200,
     {b => main::proxied('dukcapil/admin-web', '/dukcapil/admin')}],
    ['%2e%2e%2f chain out of the agency', '/dukcapil/ktp/%2e%2e%2f%2e%2e%2fadmin', 404],
    ['%2F..%2F: decoded slashes count as segments', '/dukcapil/ktp/a%2F..%2F..%2Fadmin', 200,
     {b => main::proxied('dukcapil/admin-web', '/dukcapil/admin')}],
    ['%2F joins segments', '/dukcapil%2Fktp/x', 200,
     {b => main::proxied('dukcapil/ktp', '/dukcapil/ktp/x')}],
    ['%2F%2F merges like //', '/dukcapil%2F%2Fktp/x', 200,
     {b => main::proxied('dukcapil/ktp', '/dukcapil/ktp/x')}],
    # look-alikes that are not dot segments stay data, escaped again
    ['overlong UTF-8 dots are not dots', '/dukcapil/ktp/%c0%ae%c0%ae/admin', 200,
     {b => main::proxied('dukcapil/ktp', '/dukcapil/ktp/%C0%AE%C0%AE/admin')}],
    ['backslashes are not slashes', '/dukcapil/ktp/..%5c..%5cadmin', 200,
     {b => main::proxied('dukcapil/ktp', '/dukcapil/ktp/..%5C..%5Cadmin')}],
    # NUL: 400 from nginx in the path and in headers; in the query it goes
    # to the backend as sent, encoded
    ['%00 in the path', '/dukcapil/ktp/%00', 400],
    ['%00 then more in the path', '/dukcapil/ktp/a%00.json', 400],
    ['raw NUL in the path', raw("GET /dukcapil/ktp/a\0b HTTP/1.1"), 400],
    ['raw NUL in a header', raw('GET /dukcapil/ktp/x HTTP/1.1', "X-A: a\0b"), 400],
    ['%00 in the query', '/dukcapil/ktp/x?a=%00', 200,
     {b => main::proxied('dukcapil/ktp', '/dukcapil/ktp/x?a=%00')}],
    ['CR/LF decoded in the path reach the backend escaped', '/dukcapil/ktp/a%0d%0aX-Injected:%20b', 200,
     {b => main::proxied('dukcapil/ktp', '/dukcapil/ktp/a%0D%0AX-Injected:%20b')}];
--- no_error_log
[error]



=== TEST 2: request lines just under and beyond large_client_header_buffers (4 8k), invalid UTF-8 in the path and in the API
--- manifests eval: $main::CATALOG
--- user_files eval: $main::TOKENS
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- perl
# "GET " + target + " HTTP/1.1\r\n" must fit in one 8192-byte buffer
my $under = 8192 - length("GET  HTTP/1.1\r\n") - 100;
my $path_under = '/dukcapil/ktp/' . 'a' x ($under - length '/dukcapil/ktp/');
my $path_over = '/dukcapil/ktp/' . 'a' x 8200;
my $q_under = '/dukcapil/ktp/q?x=' . 'b' x ($under - length '/dukcapil/ktp/q?x=');
my $q_over = '/dukcapil/ktp/q?x=' . 'b' x 8200;
my $na = length($path_under) - length '/dukcapil/ktp/';
my $nb = length($q_under) - length '/dukcapil/ktp/q?x=';
main::check_row($_) for
    ['a path just under the limit', $path_under, 200,
     {b => [qr{\Asvc=dukcapil/ktp req=/dukcapil/ktp/a{$na}\n\z}]}],
    ['a path beyond the limit', $path_over, 414, {no => ['Location']}],
    ['a path of 64 KiB', '/dukcapil/ktp/' . 'a' x 65536, 414],
    ['a query just under the limit', $q_under, 200,
     {b => [qr{\Asvc=dukcapil/ktp req=/dukcapil/ktp/q\?x=b{$nb}\n\z}]}],
    ['a query beyond the limit', $q_over, 414],
    ['a redirect with a query just under the limit',
     '/lama/x?y=' . 'c' x ($under - length '/lama/x?y='), 301,
     {h => {Location => qr{/baru/x\?y=c{8000,}\z}}}],
    ['a header line beyond the limit',
     raw('GET /dukcapil/ktp/x HTTP/1.1', 'X-Long: ' . 'd' x 8300), 400],
    # invalid UTF-8 is data in a path: routed under a route, escaped
    ['invalid UTF-8 in a routed path', '/dukcapil/ktp/%ff%fe', 200,
     {b => main::proxied('dukcapil/ktp', '/dukcapil/ktp/%FF%FE')}],
    ['raw invalid UTF-8 in a routed path', raw("GET /dukcapil/ktp/\xc3\x28 HTTP/1.1"), 200,
     {b => main::proxied('dukcapil/ktp', '/dukcapil/ktp/%C3(')}],
    ['invalid UTF-8 outside any route', '/%ff%fe', 404],
    # ... and a bad parameter for the API
    ['API q: stray bytes', '/api/catalog/services?q=%ff%fe', 400,
     {h => {'Content-Type' => 'application/json; charset=utf-8'},
      b => [qr/\A\{"error": \{"code": 400, "message": "invalid \\"q\\": not valid UTF-8"\}\}\z/]}],
    ['API q: overlong "."', '/api/catalog/services?q=%c0%ae', 400,
     {b => [qr/not valid UTF-8/]}],
    ['API q: a UTF-16 surrogate', '/api/catalog/services?q=%ed%a0%80', 400,
     {b => [qr/not valid UTF-8/]}],
    ['API q: truncated sequence', '/api/catalog/services?q=ktp%e2%82', 400,
     {b => [qr/not valid UTF-8/]}],
    ['API q: raw bytes', raw("GET /api/catalog/services?q=\xff\xfe HTTP/1.1"), 400,
     {b => [qr/not valid UTF-8/]}],
    ['API q: NUL', '/api/catalog/services?q=a%00b', 400,
     {b => [qr/must not contain control characters/]}],
    ['API q: over 256 bytes', '/api/catalog/services?q=' . 'k' x 257, 400],
    ['API q: valid UTF-8 is fine', '/api/catalog/services?q=%C3%A9', 200,
     {b => [qr/"total": 0/]}],
    ['API resolve: stray bytes', '/api/catalog/resolve?path=/dukcapil/%ff', 400,
     {b => [qr/not valid UTF-8/]}],
    ['API resolve: above the root', '/api/catalog/resolve?path=/%2e%2e/admin', 400,
     {b => [qr/must start with \\"\/\\" and stay under it/]}],
    ['API resolve: dot segments resolved', '/api/catalog/resolve?path=/dukcapil/ktp/%2e%2e/admin', 200,
     {b => [qr/"service": \{"id": "dukcapil\/admin-web"/]}],
    ['API resolve: CR/LF in a path', '/api/catalog/resolve?path=/lama/%0d%0aX:y', 400,
     {b => [qr/must not contain control characters/]}];
--- no_error_log
[error]



=== TEST 3: header injection through redirects: CR/LF and friends from the path and the query never leave the Location value
--- manifests eval: $main::CATALOG
--- user_files eval: $main::TOKENS
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- perl
main::check_row($_) for
    ['%0d%0a in a kept path', '/lama/x%0d%0aSet-Cookie:%20a=b', 301,
     {h => {Location => qr{\Ahttp://localhost:\d+/baru/x%0D%0ASet-Cookie:%20a=b\z}},
      no => ['Set-Cookie']}],
    ['%0d%0a in a kept query', '/lama/x?a=%0d%0aSet-Cookie:b', 301,
     {h => {Location => qr{/baru/x\?a=%0d%0aSet-Cookie:b\z}},
      no => ['Set-Cookie']}],
    ['%0a%0d%0d%0a in both, to another site',
     '/luar/%0a%0d%0d%0aX-Injected:%20y?q=%0d%0aX-Injected:z', 302,
     {h => {Location => 'https://x.example/a/%0A%0D%0D%0AX-Injected:%20y?q=%0d%0aX-Injected:z'},
      no => ['X-Injected']}],
    ['%E5%98%8A%E5%98%8D (U+560A U+560D) in the path', '/lama/%E5%98%8A%E5%98%8DX-Injected:y', 301,
     {h => {Location => qr{/baru/%E5%98%8A%E5%98%8DX-Injected:y\z}},
      no => ['X-Injected']}],
    ['raw characters a URI never holds, in the query',
     raw("GET /lama/x?a=\"<>{}|\\^`\xc3\xa9 HTTP/1.1"), 301,
     {h => {Location => qr{/baru/x\?a=%22%3C%3E%7B%7D%7C%5C%5E%60%C3%A9\z}}}],
    ['raw CR in the request line', raw("GET /lama/x\rSet-Cookie:a HTTP/1.1"), 400,
     {no => ['Set-Cookie', 'Location']}],
    ['raw TAB in the query', raw("GET /lama/x?a=\tb HTTP/1.1"), 400,
     {no => ['Location']}],
    ['raw DEL in the query', raw("GET /lama/x?a=\x7f HTTP/1.1"), 400,
     {no => ['Location']}],
    ['"//host" from a kept path stays on the site', '/lama//evil.example', 301,
     {h => {Location => qr{\Ahttp://localhost:\d+/baru/evil\.example\z}}}],
    ['%2F%2Fhost from a kept path stays on the site', '/lama/%2F%2Fevil.example/x', 301,
     {h => {Location => qr{\Ahttp://localhost:\d+/baru/evil\.example/x\z}}}],
    ['a manifest message with CR/LF is text in the page, not headers',
     '/dukcapil/kk/x', 503,
     {no => ['Set-Cookie', 'Retry-After'],
      h => {'Content-Type' => 'text/html; charset=utf-8'},
      b => [qr/Set-Cookie: kk=1/, qr/baris &lt;b&gt;tiga&lt;\/b&gt;/],
      nb => [qr/<b>tiga/]}],
    ['the same message in JSON, escaped',
     ['/dukcapil/kk/x', headers => ['Accept: application/json']], 503,
     {no => ['Set-Cookie'],
      b => [qr/"message": "Baris satu\\r\\nSet-Cookie: kk=1\\r\\n\\r\\nbaris \\u003cb\\u003etiga/]}];
--- no_error_log
[error]



=== TEST 4: maintenance messages with CR/LF set through the admin API stay in the body; control characters are refused
--- manifests eval: $main::CATALOG
--- user_files eval: $main::TOKENS
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- perl
my $auth = "Authorization: Bearer $main::TOKEN";
my $put = sub {
    my ($body) = @_;
    return ['/-/catalog/admin/services/dukcapil/ktp/status', method => 'PUT',
            body => $body, headers => [$auth]];
};
my $until = do {
    my @t = gmtime(time + 3600);
    sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];
};
main::check_row($_) for
    ['PUT a message with CR/LF, a header and HTML',
     $put->(qq({"status": "maintenance", "until": "$until",
                "message": "Tutup\\r\\nSet-Cookie: evil=1\\r\\nLocation: https://evil.example/\\r\\n\\r\\n<script>alert(1)</script>"})),
     200, {no => ['Set-Cookie', 'Location'],
           h => {'Cache-Control' => 'no-store'},
           b => [qr/"status_message": "Tutup\\r\\nSet-Cookie: evil=1\\r\\nLocation: https:\/\/evil\.example\/\\r\\n\\r\\n\\u003cscript\\u003e/]}],
    ['the 503 page: the message as text, Retry-After a number',
     '/dukcapil/ktp/x', 503,
     {no => ['Set-Cookie', 'Location'],
      h => {'Retry-After' => qr/\A[1-9][0-9]{0,3}\z/, Vary => 'Accept'},
      b => [qr/Tutup\r\nSet-Cookie: evil=1/, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt;/],
      nb => [qr/<script>/]}],
    ['the 503 in JSON', ['/dukcapil/ktp/x', headers => ['Accept: application/json']], 503,
     {no => ['Set-Cookie', 'Location'],
      b => [qr/"message": "Tutup\\r\\nSet-Cookie: evil=1\\r\\n/]}],
    ['the API shows it escaped', '/api/catalog/services/dukcapil/ktp', 200,
     {no => ['Set-Cookie', 'Location'],
      b => [qr/"status_message": "Tutup\\r\\nSet-Cookie: evil=1/]}],
    # control characters other than tabs and line breaks: 400, and the
    # override above stays
    ['PUT a message with NUL', $put->('{"status": "maintenance", "message": "a\u0000b"}'), 400,
     {b => [qr/\\\\u0000 is not allowed/]}],
    ['PUT a message with ESC', $put->('{"status": "maintenance", "message": "a\u001b[2Jb"}'), 400,
     {b => [qr/control characters other than tabs and line breaks/]}],
    ['PUT a message with DEL', $put->('{"status": "maintenance", "message": "a\u007fb"}'), 400,
     {b => [qr/control characters other than tabs and line breaks/]}],
    ['PUT a message with a C1 control (NEL)', $put->('{"status": "maintenance", "message": "a\u0085b"}'), 400,
     {b => [qr/control characters other than tabs and line breaks/]}],
    ['PUT a message with a raw stray byte', $put->(qq({"status": "maintenance", "message": "a\xffb"})), 400,
     {b => [qr/invalid JSON/]}],
    ['PUT an until with CR/LF', $put->(qq({"status": "maintenance", "until": "$until\\r\\nX: y"})), 400,
     {no => ['X']}],
    ['the first message is still in force', '/dukcapil/ktp/x', 503,
     {b => [qr/Tutup\r\nSet-Cookie: evil=1/]}];
--- no_error_log
[error]



=== TEST 5: manifest values that reach a header are refused at nginx -t when they hold control characters
--- manifests eval: $main::CATALOG
--- user_files eval: $main::TOKENS
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- perl
# each row: a service's JSON members, where the error is, what it says
my @rows = (
    ['"status": "maintenance", "maintenance_message": "a\u001bb"',
     'maintenance_message', 'must not contain control characters other than tabs and line breaks'],
    ['"status": "maintenance", "maintenance_message": "a\u007fb"',
     'maintenance_message', 'must not contain control characters other than tabs and line breaks'],
    ['"status": "maintenance", "maintenance_message": "a\u0085b"',
     'maintenance_message', 'must not contain control characters other than tabs and line breaks'],
    ['"status": "maintenance", "maintenance_message": "a\u0000b"',
     undef, 'invalid JSON: \u0000 is not allowed'],
    ['"redirect": {"to": "/baru\r\nSet-Cookie: a=b"}', 'redirect.to',
     'invalid redirect target "/baru\x0d\x0aSet-Cookie: a=b": must not contain control characters or spaces'],
    ['"redirect": {"to": "https://x.example/\nX: y"}', 'redirect.to',
     'invalid redirect target "https://x.example/\x0aX: y": must not contain control characters or spaces'],
    ['"backends": ["127.0.0.1:1"], "host_header": "a.example\r\nX-Injected: y"', 'host_header',
     'invalid host header "a.example\x0d\x0aX-Injected: y": must not contain control characters or spaces'],
    ['"backends": ["127.0.0.1:1"], "routes": [{"path": "/x\r\nX: y"}]', 'routes[0].path',
     'must not contain control characters or spaces'],
    ['"backends": ["127.0.0.1:1"], "routes": [{"path": "/x", "methods": ["GET\r\nX: y"]}]',
     'routes[0].methods[0]', 'invalid method "GET\x0d\x0aX: y"'],
    ['"status": "retired", "successor": "https://x.example/\r\nX: y"', 'successor',
     'invalid URL "https://x.example/\x0d\x0aX: y": must not contain control characters or spaces'],
);
my $dir = manifest_dir();
for my $row (@rows) {
    my ($members, $where, $what) = @$row;
    my $routes = $members =~ /"routes"/ ? '' : '"routes": [{"path": "/x"}], ';
    write_file('manifests/z.json', <<"JSON");
{"agency": {"id": "z", "name": "Z"}, "services": [
  {"id": "s", "name": "S", "category": "c", $routes$members}]}
JSON
    my ($rc, $out) = nginx_test_config();
    isnt($rc, 0, "nginx -t refuses $members");
    my $loc = defined $where ? qr/services\[0\]\.\Q$where\E \(service "s"\): \Q$what\E in /
                             : qr/line \d+, column \d+: \Q$what\E/;
    like($out, qr/manifest "\Q$dir\E\/z\.json": $loc/,
         '... naming the file, ' . ($where || 'the position') . ' and why');
    # the value is echoed escaped: no line of the message is forged
    unlike($out, qr/\r|\n(?:X|Set-Cookie)/, '... on one line');
}
unlink "$dir/z.json" or die $!;



=== TEST 6: the admin API hammered: no token, wrong tokens, malformed Authorization, 600 times in a row; 401 each time, the same worker, no growth
--- manifests eval: $main::CATALOG
--- user_files eval: $main::TOKENS
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- perl
my $url = '/-/catalog/admin/services/dukcapil/ktp';
my $tok = $main::TOKEN;
my $e401 = sub {
    my ($msg) = @_;
    return {h => {'WWW-Authenticate' => 'Bearer', 'Cache-Control' => 'no-store',
                  'Content-Type' => 'application/json; charset=utf-8'},
            b => [qr/\A\{"error": \{"code": 401, "message": "\Q$msg\E"\}\}\z/]};
};
my $required = $e401->('a bearer token is required');
my $invalid = $e401->('invalid token');
my @rows = (
    ['no Authorization', [$url], 401, $required],
    ['"Bearer" alone', [$url, headers => ['Authorization: Bearer']], 401, $required],
    ['"Bearer" and spaces', [$url, headers => ['Authorization: Bearer    ']], 401, $required],
    ['Basic credentials', [$url, headers => ['Authorization: Basic b3BzOnJvb3Q=']], 401, $required],
    ['the token without "Bearer"', [$url, headers => ["Authorization: $tok"]], 401, $required],
    ['"Bearer" and a TAB', [$url, headers => ["Authorization: Bearer\t$tok"]], 401, $required],
    ['a wrong token', [$url, headers => ['Authorization: Bearer ktk-wrong']], 401, $invalid],
    ['the token and one more byte', [$url, headers => ["Authorization: Bearer ${tok}x"]], 401, $invalid],
    ['the token less its last byte', [$url, headers => ['Authorization: Bearer ' . substr($tok, 0, -1)]], 401, $invalid],
    ['the token in upper case', [$url, headers => ['Authorization: Bearer ' . uc $tok]], 401, $invalid],
    ["the token's SHA-256", [$url, headers => ['Authorization: Bearer ' . Digest::SHA::sha256_hex($tok)]], 401, $invalid],
    ['a token of 6,000 bytes', [$url, headers => ['Authorization: Bearer ' . 'k' x 6000]], 401, $invalid],
    ['invalid UTF-8 in the token', [$url, headers => ["Authorization: Bearer \xff\xfe\x80$tok"]], 401, $invalid],
    ['the token twice', [$url, headers => ["Authorization: Bearer $tok $tok"]], 401, $invalid],
    ['a wrong token on PUT with a body',
     ["$url/status", method => 'PUT', body => '{"status": "maintenance"}',
      headers => ['Authorization: Bearer ktk-wrong']], 401, $invalid],
    ['no token on PUT with a body over 8 KiB',
     ["$url/status", method => 'PUT', body => 'x' x 20000], 401, $required],
    ['a wrong token on DELETE', ["$url/status", method => 'DELETE',
      headers => ['Authorization: Bearer ktk-wrong']], 401, $invalid],
    # nginx itself refuses these before the admin API sees them (and logs
    # the header line at info level: no real token in these rows)
    ['two Authorization headers', [$url, headers => ['Authorization: Bearer a', 'Authorization: Bearer b']], 400, {no => ['WWW-Authenticate']}],
    ['an Authorization header over 8 KiB', [$url, headers => ['Authorization: Bearer ' . 'k' x 9000]], 400, {no => ['WWW-Authenticate']}],
    ['NUL in the Authorization header', main::raw("GET $url HTTP/1.1", "Authorization: Bearer ktk-x\0"), 400, {}],
);
main::check_row($_) for @rows;

# the tight loop: the same requests again and again on one worker
my @workers = Test::Catalog::worker_pids();
is(scalar @workers, 1, 'one worker');
my $send = sub {
    my ($n) = @_;
    my %bad;
    for my $i (1 .. $n) {
        my $row = $rows[$i % @rows];
        my $req = $row->[1];
        my $r = ref $req ? http_get(@$req) : http_request($req);
        $bad{$row->[0]}++ unless !$r->{error} && $r->{status} == $row->[2];
    }
    return join ', ', map { "$_ x$bad{$_}" } sort keys %bad;
};
is($send->(200), '', 'warming up: every answer as expected');
my $before = main::rss_kb($workers[0]);
is($send->(600), '', '600 more: every answer as expected');
my $after = main::rss_kb($workers[0]);
is(join(' ', Test::Catalog::worker_pids()), "@workers", 'the same worker, never respawned');
cmp_ok($before, '>', 0, "worker RSS before: $before kB");
SKIP: {
    # ASan keeps freed memory in quarantine: there RSS grows by design
    skip 'worker RSS: nginx runs under a sanitizer', 1
        if $ENV{TEST_NGINX_SANITIZER};
    cmp_ok($after - $before, '<=', 64, "worker RSS after 600 more: $after kB, at most 64 kB more");
}

main::check_row(['the right token still works', [$url, headers => ["Authorization: Bearer $tok"]], 200,
                 {b => [qr/"override": null\}\z/]}]);
--- no_error_log eval
[qr/\[error\]/, qr/\Q$main::TOKEN\E/]
