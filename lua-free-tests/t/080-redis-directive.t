# catalog_redis: what `nginx -t` says about the directive, its address and
# each of its parameters, and what it accepts.  No redis-server is needed:
# nothing here connects (nginx -t only, and one start against a closed
# port).
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/080-redis-directive.t
#
# Every message is checked whole, with the " in FILE:LINE" nginx adds, and
# the line is the line of the catalog_redis directive.

use lib 'lib';
use Test::Catalog;
use Test::CatalogRedis;

our $ZONE = "    catalog_zone size=1m;\n";

# nginx -t with http{} = catalog_zone + the directive(s) given; returns
# (exit code, output, path of nginx.conf, line of the first catalog_redis)
sub t_conf {
    my ($http, %o) = @_;
    nginx_write_config(http_config => $http, config => $o{config} || '');
    my ($rc, $out) = nginx_test_config();
    my $conf = servroot() . '/conf/nginx.conf';
    my $line;
    open my $fh, '<', $conf or die "$conf: $!";
    while (my $l = <$fh>) {
        if ($l =~ /^\s*(?:location \/ \{ )?catalog_redis\b/) { $line = $.; last }
    }
    close $fh;
    return ($rc, $out, $conf, $line);
}

# rejected(PARAMS, MESSAGE, WHAT, REASON_OK): catalog_redis PARAMS must
# fail nginx -t with [emerg] MESSAGE in CONF:LINE (LINE that of the
# directive); with REASON_OK a ": REASON" may follow MESSAGE
sub rejected {
    my ($params, $msg, $what, $reason_ok) = @_;
    $what //= "catalog_redis $params";
    my ($rc, $out, $conf, $line) = t_conf("$::ZONE    catalog_redis $params;\n");
    my $reason = $reason_ok ? qr/(?:: [^"]+)?/ : qr//;
    Test::More::isnt($rc, 0, "$what: nginx -t fails");
    Test::More::like($out, qr/\[emerg\] .*?\Q$msg\E$reason in \Q$conf\E:$line$/m,
                     "$what: $msg in nginx.conf:$line")
        or Test::More::diag($out);
    return $out;
}

sub accepted {
    my ($params, $what) = @_;
    $what //= "catalog_redis $params";
    my ($rc, $out) = t_conf("$::ZONE    catalog_redis $params;\n");
    Test::More::is($rc, 0, "$what: nginx -t passes") or Test::More::diag($out);
    Test::More::unlike($out, qr/\[(?:emerg|alert|crit|error|warn)\]/,
                       "$what: and says nothing worse than notice");
    return $out;
}

run_tests();

__DATA__

=== TEST 1: the module knows the directive: a valid one passes nginx -t (probe)
--- http_config
    catalog_zone size=1m;
    catalog_redis 127.0.0.1:6379;
--- config
    location / { return 200 "ok\n"; }
--- request
GET /
--- response_body
ok
--- no_error_log
[emerg]
[alert]
[crit]



=== TEST 2: without catalog_zone
--- http_config
    catalog_redis 127.0.0.1:6379;
--- must_die: 1
--- error_log
qr/\[emerg\] .*?"catalog_redis" requires "catalog_zone"(?: in \S+\/conf\/nginx\.conf:\d+)?$/m



=== TEST 3: "requires catalog_zone" names the file and line; catalog_zone after catalog_redis is fine
--- perl
my ($rc, $out, $conf, $line) = t_conf("    catalog_redis 127.0.0.1:6379;\n");
isnt($rc, 0, 'no catalog_zone: nginx -t fails');
like($out, qr/\[emerg\] .*?"catalog_redis" requires "catalog_zone" in \Q$conf\E:\d+$/m,
     'the message, with " in FILE:LINE"') or diag($out);
# a sysadmin does not expect the order of two http-level directives to
# matter
($rc, $out) = t_conf("    catalog_redis 127.0.0.1:6379;\n    catalog_zone size=1m;\n");
is($rc, 0, 'catalog_zone after catalog_redis: nginx -t passes') or diag($out);



=== TEST 4: invalid addresses
--- perl
for my $a ('127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:99999999999',
           '127.0.0.1:abc', '127.0.0.1:-1', 'unix:', 'redis://127.0.0.1:6379') {
    rejected($a, "\"catalog_redis\": invalid address \"$a\"", undef, 1);
}
rejected('nosuch.invalid:6379',
         '"catalog_redis": invalid address "nosuch.invalid:6379": host not found');
rejected('nosuch.invalid:6379 db=1',
         '"catalog_redis": invalid address "nosuch.invalid:6379": host not found',
         'host not found, with parameters after it');



=== TEST 5: valid addresses
--- perl
accepted($_) for '127.0.0.1:6379', '127.0.0.1:1', '127.0.0.1:65535',
                 'localhost:6379', '[::1]:6379',
                 'unix:/run/redis/redis-server.sock',
                 'unix:/tidak/ada/redis.sock';



=== TEST 6: invalid parameters
--- perl
for my $p ('foo=1', 'bar', 'db', 'DB=1', 'node', 'password=rahasia', 'prefix',
           'interval:1s') {
    rejected("127.0.0.1:6379 $p", "\"catalog_redis\": invalid parameter \"$p\"");
}
my $out = rejected('127.0.0.1:6379 db=1 foo=1 node=x',
                   '"catalog_redis": invalid parameter "foo=1"',
                   'an invalid parameter among valid ones');



=== TEST 7: invalid values of db, timeouts and interval
--- perl
for my $p ('db=x', 'db=-1', 'db=', 'db=1.5', 'db=2147483648', 'db=99999999999999999999',
           'db=1x',
           'timeout=0', 'timeout=', 'timeout=x', 'timeout=-1s', 'timeout=0ms',
           'connect_timeout=0', 'connect_timeout=abc', 'connect_timeout=',
           'interval=0', 'interval=abc', 'interval=', 'interval=0s') {
    rejected("127.0.0.1:6379 $p", "\"catalog_redis\": invalid value \"$p\"");
}



=== TEST 8: invalid values of prefix, node and user
--- perl
my $p65 = 'p' x 65;
my $n65 = 'n' x 65;
for my $p ('prefix=', "prefix=$p65", 'node=', "node=$n65", 'node=a/b',
           'node=a:b', "node=n\xc3\xb1", "prefix=kat\xc3\xa1log:", 'user=') {
    rejected("127.0.0.1:6379 $p", "\"catalog_redis\": invalid value \"$p\"");
}
# with a space: quoted in nginx.conf, named as it is
rejected('127.0.0.1:6379 "node=a b"', '"catalog_redis": invalid value "node=a b"');
rejected('127.0.0.1:6379 "prefix=a b"', '"catalog_redis": invalid value "prefix=a b"');
rejected("127.0.0.1:6379 \"prefix=a\tb\"", "\"catalog_redis\": invalid value \"prefix=a\tb\"");



=== TEST 9: valid values: the edges of each range, nginx times
--- perl
my $pw = html_dir() . '/redis-password';
write_file('html/redis-password', "rahasia-080\n");
accepted("127.0.0.1:6379 $_") for
    'db=0', 'db=15', 'db=16', 'db=2147483647',
    'prefix=' . ('p' x 64), 'prefix=a', 'prefix=catalog:prod:', '"prefix={catalog}:"',
    'prefix=a*b?[c]\\:',
    'node=' . ('n' x 64), 'node=gw-1.jakarta_2', 'node=A',
    'timeout=500ms', 'timeout=1', 'timeout=1s', 'timeout=2m',
    'connect_timeout=100ms', 'interval=1s', 'interval=250ms', 'interval=1h',
    "password_file=$pw", "user=catalog password_file=$pw",
    "password_file=$pw user=catalog";
accepted("127.0.0.1:6379 db=3 prefix=t: password_file=$pw user=u connect_timeout=1s timeout=1s interval=1s node=gw-a",
         'every parameter at once');
accepted("unix:/run/redis.sock db=1 node=x", 'a unix socket with parameters');



=== TEST 10: password_file: missing, empty, a directory; never its content in the output
--- perl
my $dir = html_dir();
my $missing = "$dir/tidak-ada";
rejected("127.0.0.1:6379 password_file=$missing",
         "\"catalog_redis\": cannot read password_file \"$missing\" (2: No such file or directory)");
write_file('html/empty', '');
rejected("127.0.0.1:6379 password_file=$dir/empty",
         "\"catalog_redis\": password_file \"$dir/empty\" is empty");
write_file('html/newline', "\n");
rejected("127.0.0.1:6379 password_file=$dir/newline",
         "\"catalog_redis\": password_file \"$dir/newline\" is empty",
         'a file with an empty first line');
# a directory: the contract names no message; any [emerg] naming the
# file at the directive's line will do
mkdir "$dir/adir";
my ($rc, $out, $conf, $line) = t_conf("$::ZONE    catalog_redis 127.0.0.1:6379 password_file=$dir/adir;\n");
isnt($rc, 0, 'a directory: nginx -t fails');
like($out, qr/\[emerg\] .*?"catalog_redis": (?:cannot read password_file "\Q$dir\E\/adir": Is a directory|password_file "\Q$dir\E\/adir" is not a regular file) in \Q$conf\E:$line$/m,
     'a directory: the file named') or diag($out);

# the password itself never shows, whatever else goes wrong
write_file('html/pw', "Rahasia-Sekali-080\nbaris kedua\n");
for my $params ("password_file=$dir/pw", "password_file=$dir/pw foo=1",
                "password_file=$dir/pw db=x", "password_file=$dir/pw user=",
                "password_file=$dir/pw node=a/b") {
    my ($rc, $out) = t_conf("$::ZONE    catalog_redis 127.0.0.1:6379 $params;\n");
    unlike($out, qr/Rahasia-Sekali|baris kedua/, "$params: no password in the nginx -t output");
}



=== TEST 11: user needs password_file
--- perl
rejected('127.0.0.1:6379 user=catalog', '"catalog_redis": "user" needs "password_file"');
rejected('127.0.0.1:6379 db=1 user=catalog node=x',
         '"catalog_redis": "user" needs "password_file"', 'among other parameters');



=== TEST 12: duplicate
--- http_config
    catalog_zone size=1m;
    catalog_redis 127.0.0.1:6379;
    catalog_redis 127.0.0.1:6380;
--- must_die: 1
--- error_log
qr/\[emerg\] .*?"catalog_redis" directive is duplicate in \S+\/conf\/nginx\.conf:\d+$/m



=== TEST 13: arguments and context
--- perl
my $conf = servroot() . '/conf/nginx.conf';
for my $c (["$::ZONE    catalog_redis;\n", '', qr/invalid number of arguments in "catalog_redis" directive in \Q$conf\E:\d+$/m],
           ["$::ZONE", "    catalog_redis 127.0.0.1:6379;\n", qr/"catalog_redis" directive is not allowed here in \Q$conf\E:\d+$/m],
           ["$::ZONE", "    location / { catalog_redis 127.0.0.1:6379; }\n", qr/"catalog_redis" directive is not allowed here in \Q$conf\E:\d+$/m]) {
    my ($http, $srv, $re) = @$c;
    my ($rc, $out) = t_conf($http, config => $srv);
    isnt($rc, 0, 'nginx -t fails');
    like($out, $re, "message: $re") or diag($out);
}



=== TEST 14: nginx starts with a Redis that is not there: routing answers, nothing worse than [error]
--- http_config eval
my $port = Test::CatalogRedis::free_port();
<<"_EOC_";
    catalog_zone size=1m;
    catalog_redis 127.0.0.1:$port connect_timeout=1s timeout=1s interval=1s node=t14;
    server {
        listen 127.0.0.1:\$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "b1\\n"; }
    }
_EOC_
--- config
    location / { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT; }
    location = /-/catalog/status { catalog_status; }
--- request eval
["GET /x", "GET /-/catalog/status"]
--- response_body_like eval
["^b1\n\\z", '"redis": \{"configured": true, "connected": false, '
             . '"since": (?:null|"\d{4}-\d\d-\d\dT[^"]+"), "last_sync": null']
--- no_error_log
[alert]
[crit]
[emerg]
