# The admin tokens file (catalog_admin_tokens) and the admin directives:
# every error of the file at `nginx -t`, with its exact message; a token
# pasted where its hash belongs is never echoed; new tokens take effect on
# reload, and a bad file is refused by the reload.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/060-admin-tokens.t

use lib 'lib';
use Test::Catalog;

use Digest::SHA ();

our (%TOK, %HASH, $CATALOG, $HTTP_CONFIG, $CONFIG, $TOKENS);

%TOK = (
    dukcapil => 'ktk-dukcapil-51c0ffee77aa',
    baru     => 'ktk-dukcapil-baru-9911dd',
    root     => 'ktk-root-3e3e3e3e3e3e',
);
%HASH = map { $_ => Digest::SHA::sha256_hex($TOK{$_}) } keys %TOK;

sub tokens_json {
    my (@e) = @_;
    return '{"tokens": [' . join(', ', map {
        "{\"sha256\": \"$_->[0]\", \"agency\": \"$_->[1]\", \"name\": \"$_->[2]\"}"
    } @e) . "]}\n";
}

$TOKENS = ">>> tokens.json\n"
        . tokens_json([$HASH{dukcapil}, 'dukcapil', 'ops-dukcapil'],
                      [$HASH{root}, '*', 'ops-root']);

$CATALOG = <<'_EOC_';
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp", "name": "KTP", "category": "kependudukan",
     "routes": [{"path": "/ktp"}],
     "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
_EOC_

$HTTP_CONFIG = <<'_EOC_';
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    catalog_admin_tokens $TEST_NGINX_HTML_DIR/tokens.json;
    upstream catalog_backends {
        catalog_balancer;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1 $request_uri\n"; }
    }
_EOC_

$CONFIG = <<'_EOC_';
    location / {
        catalog_route;
        proxy_pass http://catalog_backends;
    }
    location /-/catalog/admin/ {
        catalog_admin;
    }
_EOC_

sub get_as {
    my ($token) = @_;
    return http_get('/-/catalog/admin/services/dukcapil/ktp',
                    defined $token
                    ? (headers => ["Authorization: Bearer $token"]) : ());
}

run_tests();

__DATA__

=== TEST 1: every error of the tokens file, with its exact nginx -t message
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $file = html_dir() . '/tokens.json';
my $conf = servroot() . '/conf/nginx.conf';
my ($d, $r) = ($::HASH{dukcapil}, $::HASH{root});
my $ok = sub { "{\"sha256\": \"$d\", \"agency\": \"dukcapil\", \"name\": \"ops\"}" };
my $secret = 'ktk-pasted-by-mistake-0042';
my $hexmsg = 'must be 64 hexadecimal digits, the SHA-256 of the token (never the token itself)';
my @cases = (
    # the hash
    [::tokens_json([$secret, 'dukcapil', 'ops']), "tokens[0].sha256: $hexmsg"],
    [::tokens_json([substr($d, 0, 63), 'dukcapil', 'ops']), "tokens[0].sha256: $hexmsg"],
    [::tokens_json([$d . '0', 'dukcapil', 'ops']), "tokens[0].sha256: $hexmsg"],
    [::tokens_json([substr($d, 0, 63) . 'g', 'dukcapil', 'ops']), "tokens[0].sha256: $hexmsg"],
    [::tokens_json([$d, 'dukcapil', 'ops'], [' ' . substr($d, 1), '*', 'root']), "tokens[1].sha256: $hexmsg"],
    [::tokens_json(['', 'dukcapil', 'ops']), "tokens[0].sha256: $hexmsg"],
    [::tokens_json([$d, 'dukcapil', 'ops'], [uc $d, '*', 'root']),
     'tokens[1].sha256: is the same as tokens[0].sha256'],
    ['{"tokens": [{"agency": "dukcapil", "name": "ops"}]}', 'tokens[0].sha256: is required'],
    ['{"tokens": [{"sha256": null, "agency": "dukcapil", "name": "ops"}]}', 'tokens[0].sha256: is required'],
    ['{"tokens": [{"sha256": 5, "agency": "dukcapil", "name": "ops"}]}', 'tokens[0].sha256: must be a string'],
    # the agency
    [::tokens_json([$d, 'Dukcapil', 'ops']),
     'tokens[0].agency: invalid agency "Dukcapil": must be "*" or match ^[a-z0-9][a-z0-9-]{0,62}$'],
    [::tokens_json([$d, '', 'ops']),
     'tokens[0].agency: invalid agency "": must be "*" or match ^[a-z0-9][a-z0-9-]{0,62}$'],
    [::tokens_json([$d, '**', 'ops']),
     'tokens[0].agency: invalid agency "**": must be "*" or match ^[a-z0-9][a-z0-9-]{0,62}$'],
    [::tokens_json([$d, 'dukcapil/ktp', 'ops']),
     'tokens[0].agency: invalid agency "dukcapil/ktp": must be "*" or match ^[a-z0-9][a-z0-9-]{0,62}$'],
    ["{\"tokens\": [{\"sha256\": \"$d\", \"name\": \"ops\"}]}", 'tokens[0].agency: is required'],
    ["{\"tokens\": [{\"sha256\": \"$d\", \"agency\": [\"dukcapil\"], \"name\": \"ops\"}]}", 'tokens[0].agency: must be a string'],
    # the name
    [::tokens_json([$d, 'dukcapil', '']), 'tokens[0].name: must not be empty'],
    [::tokens_json([$d, 'dukcapil', 'n' x 65]), 'tokens[0].name: is longer than 64 bytes'],
    [::tokens_json([$d, 'dukcapil', 'ops dukcapil']),
     'tokens[0].name: invalid name "ops dukcapil": must have only letters, digits, ".", "_" and "-"'],
    [::tokens_json([$d, 'dukcapil', 'ops\"x']),
     'tokens[0].name: invalid name "ops\"x": must have only letters, digits, ".", "_" and "-"'],
    [::tokens_json([$d, 'dukcapil', 'ops\nx']),
     'tokens[0].name: invalid name "ops\x0ax": must have only letters, digits, ".", "_" and "-"'],
    [::tokens_json([$d, 'dukcapil', 'ops'], [$r, '*', 'ops']),
     'tokens[1].name: "ops" is the same as tokens[0].name'],
    ["{\"tokens\": [{\"sha256\": \"$d\", \"agency\": \"dukcapil\"}]}", 'tokens[0].name: is required'],
    ["{\"tokens\": [{\"sha256\": \"$d\", \"agency\": \"dukcapil\", \"name\": 7}]}", 'tokens[0].name: must be a string'],
    # shape and unknown keys
    ["{\"tokens\": [" . $ok->() . ", {\"sha256\": \"$r\", \"agency\": \"*\", \"name\": \"root\", \"scope\": \"all\"}]}",
     'tokens[1]: unknown key "scope"'],
    ["{\"tokens\": [{\"hash\": \"$d\", \"agency\": \"dukcapil\", \"name\": \"ops\"}]}", 'tokens[0]: unknown key "hash"'],
    ['{"tokens": [], "token": []}', 'top level: unknown key "token"'],
    ['{"Tokens": []}', 'top level: unknown key "Tokens"'],
    ['{}', 'tokens: is required'],
    ['{"tokens": null}', 'tokens: is required'],
    ['{"tokens": {}}', 'tokens: must be an array'],
    ['{"tokens": "x"}', 'tokens: must be an array'],
    ['{"tokens": ["x"]}', 'tokens[0]: must be an object'],
    ['{"tokens": [' . $ok->() . ', null]}', 'tokens[1]: must be an object'],
    ['[]', 'top level: must be an object'],
    # JSON syntax
    ['{"tokens": [', "line 1, column 12: invalid JSON: ']' expected near end of file"],
    ['', "line 1, column 0: invalid JSON: '[' or '{' expected near end of file"],
    ['{"tokens": [], "tokens": []}', "line 1, column 23: invalid JSON: duplicate object key near '\"tokens\"'"],
);
for my $c (@cases) {
    my ($content, $msg) = @$c;
    write_file('html/tokens.json', $content);
    my ($rc, $out) = nginx_test_config();
    (my $shown = $content) =~ s/[0-9a-f]{64}/HASH/gi;
    $shown =~ s/\n\z//;
    isnt($rc, 0, "nginx -t fails: $shown");
    like($out, qr/\[emerg\] \d+#\d+: \Qtokens file "$file": $msg\E in \Q$conf\E:\d+$/m,
         "message: $msg");
    unlike($out, qr/\Q$secret\E/, 'a pasted token is never echoed');
    unlike($out, qr/[0-9a-f]{64}/i, 'no hash is echoed');
}

# the file itself
unlink $file;
my ($rc, $out) = nginx_test_config();
isnt($rc, 0, 'a missing file fails');
like($out, qr/\[emerg\] \d+#\d+: \Qtokens file "$file": cannot read: No such file or directory\E in \Q$conf\E:\d+$/m,
     'a missing file: its message');
mkdir $file or die "mkdir: $!";
($rc, $out) = nginx_test_config();
like($out, qr/\[emerg\] \d+#\d+: \Qtokens file "$file": is not a regular file\E in \Q$conf\E:\d+$/m,
     'a directory: its message');
rmdir $file;
symlink '/dev/null', $file or die "symlink: $!";
($rc, $out) = nginx_test_config();
like($out, qr/\[emerg\] \d+#\d+: \Qtokens file "$file": is not a regular file\E in \Q$conf\E:\d+$/m,
     'a device: its message');
unlink $file;

# accepted: a byte order mark, upper-case hex, an empty list
for my $content ("\xef\xbb\xbf" . ::tokens_json([$d, 'dukcapil', 'ops']),
                 ::tokens_json([uc $d, 'dukcapil', 'ops.dukcapil_1-A']),
                 '{"tokens": []}') {
    write_file('html/tokens.json', $content);
    ($rc, $out) = nginx_test_config();
    is($rc, 0, 'accepted: ' . substr($content, 0, 30)) or diag($out);
}
--- no_error_log eval
[qr/ktk-/]



=== TEST 2: a relative path is relative to the configuration directory
--- manifests eval: $::CATALOG
--- http_config
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    catalog_admin_tokens tidak-ada.json;
--- must_die
--- error_log
qr/\[emerg\] \d+#\d+: tokens file "\S+\/conf\/tidak-ada\.json": cannot read: No such file or directory in \S+\/conf\/nginx\.conf:\d+/



=== TEST 3: catalog_admin_tokens: once, in http only, one argument
--- http_config eval
$::HTTP_CONFIG . "    catalog_admin_tokens \$TEST_NGINX_HTML_DIR/tokens.json;\n"
--- user_files eval: $::TOKENS
--- manifests eval: $::CATALOG
--- must_die
--- error_log
qr/"catalog_admin_tokens" directive is duplicate in \S+nginx\.conf:\d+/



=== TEST 4: catalog_admin_tokens is not allowed in server
--- user_files eval: $::TOKENS
--- config
    catalog_admin_tokens $TEST_NGINX_HTML_DIR/tokens.json;
--- must_die
--- error_log
qr/"catalog_admin_tokens" directive is not allowed here in \S+nginx\.conf:\d+/



=== TEST 5: catalog_admin_tokens takes one argument
--- http_config
    catalog_admin_tokens a.json b.json;
--- must_die
--- error_log
qr/invalid number of arguments in "catalog_admin_tokens" directive in \S+nginx\.conf:\d+/



=== TEST 6: catalog_admin takes no argument
--- config
    location /-/catalog/admin/ { catalog_admin on; }
--- must_die
--- error_log
qr/invalid number of arguments in "catalog_admin" directive in \S+nginx\.conf:\d+/



=== TEST 7: catalog_admin is not allowed in http or server
--- http_config
    catalog_admin;
--- must_die
--- error_log
qr/"catalog_admin" directive is not allowed here in \S+nginx\.conf:\d+/



=== TEST 8: catalog_admin twice in a location
--- config
    location /-/catalog/admin/ { catalog_admin; catalog_admin; }
--- must_die
--- error_log
qr/"catalog_admin" directive is duplicate in \S+nginx\.conf:\d+/



=== TEST 9: an empty list of tokens: the admin API is on, every token is refused
--- manifests eval: $::CATALOG
--- user_files
>>> tokens.json
{"tokens": []}
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
for my $t (undef, $::TOK{dukcapil}, $::TOK{root}, '') {
    my $r = ::get_as($t);
    is($r->{status}, 401, 'empty list: 401 for ' . ($t // 'no token'));
    is(scalar $r->header('WWW-Authenticate'), 'Bearer', 'empty list: WWW-Authenticate');
}
is(::get_as($::TOK{dukcapil})->{body},
   '{"error": {"code": 401, "message": "invalid token"}}', 'empty list: invalid token');
--- no_error_log eval
[qr/\[(?:warn|error)\]/, qr/ktk-/]



=== TEST 10: the tokens file is read at reload: a new token works, a removed one is refused, a bad file is refused
--- manifests eval: $::CATALOG
--- user_files eval: $::TOKENS
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- timeout: 10
--- perl
is(::get_as($::TOK{dukcapil})->{status}, 200, 'the first token works');
is(::get_as($::TOK{baru})->{status}, 401, 'the new token not yet');

# rotation: the old Dukcapil token out, a new one in
write_file('html/tokens.json', ::tokens_json([$::HASH{baru}, 'dukcapil', 'ops-dukcapil-2'],
                                             [$::HASH{root}, '*', 'ops-root']));
is(nginx_reload(), 1, 'reload with the new tokens file');
is(::get_as($::TOK{baru})->{status}, 200, 'the new token works');
my $r = ::get_as($::TOK{dukcapil});
is($r->{status}, 401, 'the old token is refused');
is($r->{body}, '{"error": {"code": 401, "message": "invalid token"}}', 'invalid token');
$r = http_get('/-/catalog/admin/services/dukcapil/ktp/status', method => 'PUT',
              headers => ["Authorization: Bearer $::TOK{baru}"],
              body => '{"status": "maintenance"}');
is($r->{status}, 200, 'the new token changes a status');
is(http_get('/ktp')->{status}, 503, 'in maintenance');

# a bad file: the reload is refused, the tokens in force stay
write_file('html/tokens.json', ::tokens_json(['ktk-oops-not-a-hash', 'dukcapil', 'x']));
is(nginx_reload(), 0, 'reload with a bad tokens file refused');
like(error_log_text(), qr/\[emerg\] .*tokens file "\S+tokens\.json": tokens\[0\]\.sha256: must be 64 hexadecimal digits/,
     'the reload names the file and the entry');
is(::get_as($::TOK{baru})->{status}, 200, 'the new token still works');
is(::get_as($::TOK{dukcapil})->{status}, 401, 'the old token is still refused');
is(http_get('/ktp')->{status}, 503, 'the override survived both reloads');

# the file removed: the reload is refused too
unlink html_dir() . '/tokens.json';
is(nginx_reload(), 0, 'reload without the tokens file refused');
is(::get_as($::TOK{baru})->{status}, 200, 'the new token still works');
--- error_log eval
[qr/\[emerg\] .*tokens\[0\]\.sha256: must be 64 hexadecimal digits/,
 qr/\[emerg\] .*tokens file "\S+tokens\.json": cannot read: No such file or directory/,
 'catalog: "ops-dukcapil-2" set "dukcapil/ktp": active -> maintenance']
--- no_error_log eval
[qr/ktk-/]
