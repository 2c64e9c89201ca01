# Self-tests of the Test::Catalog harness against STOCK nginx: no module is
# loaded here, so a broken module build cannot make the harness look broken.
#
#   prove -I lua-free-tests/lib lua-free-tests/t/000-harness.t

use lib 'lib';
BEGIN { $ENV{TEST_NGINX_LOAD_MODULES} = '' }
use Test::Catalog;

run_tests();

__DATA__

=== TEST 1: exact body and headers
--- config
    location = /hi {
        add_header X-Test yes;
        return 200 "hi";
    }
--- request
GET /hi
--- error_code: 200
--- response_headers
Content-Type: text/plain
Content-Length: 2
X-Test: yes
!X-Absent
--- response_headers_like
Server: ^nginx/\d
--- response_body chomp
hi
--- no_error_log
[error]
[warn]



=== TEST 2: proxy_pass to a backend server block
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            return 200 "backend got $request_uri from $http_x_from\n";
        }
    }
--- config
    location /p/ {
        proxy_set_header X-From front;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/b/;
    }
--- request
GET /p/x?y=1
--- response_body
backend got /b/x?y=1 from front



=== TEST 3: 404 for a missing file, logged at [error]
--- config
    location / { }
--- request
GET /nope.html
--- error_code: 404
--- response_body_like: 404 Not Found
--- error_log
open() "
qr/\[error\] \d+#\d+: \*\d+ open\(\) ".*nope\.html" failed/
--- no_error_log
[crit]



=== TEST 4: unknown directive must die with its nginx -t message
--- config
    foo bar;
--- must_die
--- error_log
unknown directive "foo"
qr/nginx\.conf:\d+/



=== TEST 5: bad argument count, explicit exit code
--- config
    location / { return; }
--- must_die: 1
--- error_log
invalid number of arguments in "return" directive



=== TEST 6: two requests with per-request expectations
--- config
    location = /a { return 200 "A"; }
    location = /b { return 403; }
--- request eval
["GET /a", "GET /b HTTP/1.0"]
--- error_code eval
[200, 403]
--- response_body_like eval
["^A\\z", "403 Forbidden"]



=== TEST 7: POST body, more_headers, echoed back by a backend
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND2_PORT;
        location / { return 200 "len=$content_length x=$http_x_thing"; }
    }
--- config
    location / { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND2_PORT; }
--- request
POST /post
hello=world
--- more_headers
X-Thing: 42
--- response_body chomp
len=11 x=42



=== TEST 8: chunked response (sub_filter drops Content-Length)
--- config
    location = /c {
        sub_filter_types text/plain;
        sub_filter 'old' 'new';
        return 200 "some old text";
    }
--- request
GET /c
--- response_headers
Transfer-Encoding: chunked
!Content-Length
--- response_body chomp
some new text



=== TEST 9: HTTP/1.0, raw bad request, HEAD
--- config
    location / { return 200 "ok"; }
--- request_raw eval
["GET / HTTP/1.0\r\n\r\n",
 "BAD\x01REQUEST\r\n\r\n",
 "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]
--- error_code eval
[200, 400, 200]
--- response_body eval
["ok", undef, ""]
--- error_log
client sent invalid method



=== TEST 10: user_files, manifests and placeholders in them
--- user_files
>>> index.html
<p>port $TEST_NGINX_SERVER_PORT</p>
--- manifests
>>> svc.json
{"backend": "127.0.0.1:$TEST_NGINX_BACKEND3_PORT"}
--- config
    location = /m { alias $TEST_NGINX_MANIFEST_DIR/svc.json; }
--- request eval
["GET /index.html", "GET /m"]
--- response_body eval
["<p>port $ENV{TEST_NGINX_SERVER_PORT}</p>\n",
 "{\"backend\": \"127.0.0.1:$ENV{TEST_NGINX_BACKEND3_PORT}\"}\n"]



=== TEST 11: main_config lands at the top level (thread pool used in http)
--- main_config
    thread_pool catalog_tp threads=2;
--- config
    location / { aio threads=catalog_tp; }
--- user_files
>>> f.txt
file
--- request
GET /f.txt
--- response_body
file



=== TEST 11b: a skipped block is not run
--- config
    this is not valid;
--- must_die: 99
--- SKIP



=== TEST 12: two workers start
--- workers: 2
--- config
    location / { return 204; }
--- request
GET /
--- error_code: 204
--- response_body:
--- error_log eval
[qr/start worker process \d+\n(?s:.*)start worker process \d+/]



=== TEST 13: --- perl with nginx_reload (good and rejected config)
--- config
    location / { return 200 "v1"; }
--- perl
is(http_get('/')->{body}, 'v1', 'before reload');

nginx_write_config(config => 'location / { return 200 "v2"; }');
is(nginx_reload(), 1, 'reload accepted');
my $r = http_get('/x', headers => { 'X-A' => 'b' });
is($r->{status}, 200, 'status after reload');
is($r->{body}, 'v2', 'new config serves');

nginx_write_config(config => 'location / { bogus_directive; }');
my ($rc, $out) = nginx_test_config();
isnt($rc, 0, 'nginx -t rejects the bad config');
like($out, qr/unknown directive "bogus_directive"/, 'nginx -t message');
is(nginx_reload(), 0, 'reload rejected');
is(http_get('/')->{body}, 'v2', 'old config still serves');
--- error_log
unknown directive "bogus_directive"



=== TEST 14: the harness reports failures (runs a failing .t in a child)
--- perl
my $lib = $INC{'Test/Catalog.pm'};
$lib =~ s{/Test/Catalog\.pm\z}{};
my $dir = servroot() . '/meta';
mkdir $dir;
open my $fh, '>', "$dir/fail.t" or die $!;
# Lines are prefixed with | so that Test::Base does not read them as
# sections of this file.
(my $t = <<'T') =~ s/^\|//mg;
|use Test::Catalog;
|run_tests();
|__DATA__
|=== TEST 1: wrong body
|--- config
|    location / { return 200 "real"; }
|--- request
|GET /
|--- response_body chomp
|expected
|=== TEST 2: wrong status and header
|--- config
|    location / { return 200 "x"; }
|--- request
|GET /
|--- error_code: 404
|--- response_headers
|Content-Type: text/html
|--- response_headers_like
|Server: ^apache
|=== TEST 3: error_log / no_error_log / alert
|--- config
|    location / { }
|--- request
|GET /missing
|--- error_code: 404
|--- error_log
|this line is not in the log
|--- no_error_log
|[error]
|=== TEST 4: must_die on a valid config
|--- config
|    location / { return 200; }
|--- must_die
|=== TEST 5: regex body
|--- config
|    location / { return 200 "abc"; }
|--- request
|GET /
|--- response_body_like: ^xyz
|=== TEST 6: unknown section
|--- config
|--- respones_body
|typo
T
print $fh $t;
close $fh;
local %ENV = %ENV;
delete $ENV{$_} for grep { /^TEST_NGINX_/ && !/^TEST_NGINX_BINARY$/ } keys %ENV;
$ENV{TEST_NGINX_SERVROOT} = "$dir/servroot";    # removed with ours
my $out = `$^X -I$lib $dir/fail.t 2>&1`;
isnt($? >> 8, 0, 'failing .t exits non-zero');
like($out, qr/^not ok \d+ - TEST 1: wrong body - response body$/m, 'body');
like($out, qr/got: 'real'\n#\s+expected: 'expected'/, 'got/expected shown');
like($out, qr/^not ok \d+ - TEST 2: .* - status code$/m, 'status');
like($out, qr/^not ok \d+ - TEST 2: .* - header Content-Type$/m, 'header');
like($out, qr/^not ok \d+ - TEST 2: .* - header Server like$/m, 'header like');
like($out, qr/^not ok \d+ - TEST 3: .* - error_log has: this line/m, 'error_log');
like($out, qr/^not ok \d+ - TEST 3: .* - error_log has not: \[error\]/m, 'no_error_log');
like($out, qr/^not ok \d+ - TEST 4: .* - nginx should have died$/m, 'must_die');
like($out, qr/^not ok \d+ - TEST 5: .* - response body like$/m, 'body like');
like($out, qr/^not ok \d+ - TEST 6: .* - harness error$/m, 'typo');
like($out, qr/unknown section\(s\): respones_body/, 'typo named');
my $failed = () = $out =~ /^not ok/mg;
is($failed, 9, 'exactly the 9 planted failures')
    or diag($out);
--- timeout: 30
