# catalog_redis with a real redis-server shared by two nginx nodes: node A
# (the harness's nginx) and node B (a second nginx, Test::CatalogRedis):
# a change through either admin API reaches the other within a second,
# what the nodes write to Redis, changes written by another tool with
# redis-cli (with and without PUBLISH), concurrent changes, newest wins,
# hostile values, the fleet in the status JSON and the metrics.
#
#   lua-free-tests/run-prove.sh lua-free-tests/t/081-redis-fleet.t
#
# Every block starts its own nodes (start_a, start_b: FLUSHALL first,
# interval=1s timeout=1s connect_timeout=1s) and prints (diag) how long
# each propagation took.

use lib 'lib';
use Test::Catalog;
use Test::CatalogRedis;

use JSON::PP ();
use POSIX ();

redis_start(unixsocket => 1);

# the override of KEY on A and on B are one and the same, and Redis has it
sub same_everywhere {
    my ($key) = @_;
    my $a = override_of($key);
    my $b = override_of($key, b());
    my $h = hash_of($key);
    return 0 unless ref $a eq 'HASH' && ref $b eq 'HASH' && ref $h eq 'HASH';
    for my $f (qw(status message until updated_at updated_by)) {
        return 0 unless ($a->{$f} // '') eq ($b->{$f} // '');
    }
    return 0 unless ($h->{message} // '') eq ($a->{message} // '')
                 && ($h->{status} // '') eq $a->{status};
    my ($ha, $aa) = (parse_rfc3339($h->{updated_at}), parse_rfc3339($a->{updated_at}));
    return defined $ha && defined $aa && $ha == $aa;
}

# fire PUTs at once, each from its own process: [port, key, message, as]...
sub concurrent_puts {
    my (@puts) = @_;
    my $at = Time::HiRes::time() + 0.3;
    my @pids;
    for my $p (@puts) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if (!$pid) {
            Time::HiRes::sleep($at - Time::HiRes::time()) if $at > Time::HiRes::time();
            my $r = eval { put_status($p->[1], $p->[2], port => $p->[0], as => $p->[3]) };
            POSIX::_exit($r && ($r->{status} // 0) == 200 ? 0 : 1);
        }
        push @pids, $pid;
    }
    my $ok = 0;
    for (@pids) { waitpid $_, 0; $ok++ if $? == 0 }
    return $ok;
}

run_tests();

__DATA__

=== TEST 1: a PUT and a DELETE through A are served by B within a second; Redis keeps what A wrote
--- timeout: 30
--- perl
ok(defined start_a(), 'A connected and synced');
ok(defined start_b(), 'B connected and synced');
my $sub = redis_subscribe('catalog:events');
my $v0 = redis_cmd('GET', 'catalog:status:version') // 0;

is(http_get('/dukcapil/ktp/x', b())->{body}, "b1 /dukcapil/ktp/x\n", 'B proxies ktp before');
my $r = put_status('dukcapil/ktp', 'Pemeliharaan dari node A');
is($r->{status}, 200, 'PUT through A') or diag($r->{body});
my $t = wait_served('/dukcapil/ktp/x', 'Pemeliharaan dari node A', b(), timeout => 3);
ok(defined $t, 'B answers 503 with the message');
diag("PUT through A served by B after ${\ ($t // 'never')} s");
cmp_ok($t // 99, '<', 1, 'within a second');

my $p = http_get('/dukcapil/ktp/x', b());
is($p->{status}, 503, 'B: 503');
like(scalar $p->header('Content-Type') // '', qr{^text/html}, 'B: the maintenance page');
my $api = api_service('dukcapil/ktp', b());
is($api->{status}, 'maintenance', "B's catalog API: maintenance");
is($api->{status_message}, 'Pemeliharaan dari node A', "B's catalog API: the message");
my $oa = override_of('dukcapil/ktp');
my $ob = override_of('dukcapil/ktp', b());
is(ref $oa, 'HASH', "A's admin GET has the override");
is_deeply($ob, $oa, "B's admin GET: the same override (updated_at, updated_by too)");
is($ob->{updated_by}, 'ops-root', 'updated_by: the token of the PUT');

# what Redis holds: the five fields, updated_at to the millisecond, UTC
my $h = hash_of('dukcapil/ktp');
is(join(',', sort keys %$h), 'message,status,until,updated_at,updated_by',
   'HGETALL catalog:status:dukcapil/ktp: the five fields');
is($h->{status}, 'maintenance', 'status');
is($h->{message}, 'Pemeliharaan dari node A', 'message');
is($h->{until}, '', 'until ""');
is($h->{updated_by}, 'ops-root', 'updated_by');
like($h->{updated_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "updated_at $h->{updated_at}: milliseconds, UTC");
my $at1 = parse_rfc3339($h->{updated_at});
ok(defined $at1 && abs($at1 - now_ms()) < 10_000, 'updated_at is now');
is($oa->{updated_at}, $h->{updated_at}, 'the admin API shows the same updated_at, to the millisecond');
my $v1 = redis_cmd('GET', 'catalog:status:version');
like($v1 // '', qr/^\d+$/, "status:version is a counter ($v1)");
cmp_ok($v1 // 0, '>', $v0, 'status:version went up');
my $m = $sub->next_message(1);
is_deeply($m, ['catalog:events', 'dukcapil/ktp'], 'PUBLISH catalog:events dukcapil/ktp');
my $vs = wait_until(2, sub { ((redis_status_of() // {})->{version} // -1) == $v1 });
ok(defined $vs, "A's status: redis.version is $v1");

# DELETE through A: B proxies again, Redis keeps a cleared record
$r = delete_status('dukcapil/ktp');
is($r->{status}, 200, 'DELETE through A');
$t = wait_served('/dukcapil/ktp/x', undef, b(), timeout => 3);
ok(defined $t, 'B proxies ktp again');
diag("DELETE through A served by B after ${\ ($t // 'never')} s");
cmp_ok($t // 99, '<', 1, 'within a second');
is(override_of('dukcapil/ktp', b()), undef, "B's admin GET: no override");
is(api_service('dukcapil/ktp', b())->{status}, 'active', "B's catalog API: active");
$h = hash_of('dukcapil/ktp');
is($h->{status}, '', 'Redis: the hash remains, status ""');
is($h->{message} // '', '', 'Redis: no message');
like($h->{updated_at} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'Redis: updated_at in the ms form');
cmp_ok(parse_rfc3339($h->{updated_at}) // 0, '>', $at1, 'Redis: a newer updated_at');
cmp_ok(redis_cmd('GET', 'catalog:status:version'), '>', $v1, 'status:version went up again');
is_deeply($sub->next_message(1), ['catalog:events', 'dukcapil/ktp'], 'PUBLISHed again');

# and the other way: B to A, another token
$r = put_status('imigrasi/paspor', 'Dari node B', port => node_b_port());
is($r->{status}, 200, 'PUT through B');
$t = wait_served('/imigrasi/paspor', 'Dari node B', timeout => 3);
ok(defined $t, 'A answers 503 with the message');
diag("PUT through B served by A after ${\ ($t // 'never')} s");
cmp_ok($t // 99, '<', 1, 'within a second');
is_deeply(override_of('imigrasi/paspor'), override_of('imigrasi/paspor', b()),
          'the same override on both');
$r = put_status('dukcapil/kk', 'Token Dukcapil', port => node_b_port(), as => 'dukcapil');
ok(defined wait_served('/dukcapil/kk', 'Token Dukcapil', timeout => 3), 'A serves the change of the Dukcapil token');
is((override_of('dukcapil/kk') // {})->{updated_by}, 'ops-dukcapil', 'A: updated_by ops-dukcapil');
is(hash_of('dukcapil/kk')->{updated_by}, 'ops-dukcapil', 'Redis: updated_by ops-dukcapil');
finish_b();
--- no_error_log
[error]
[warn]



=== TEST 2: changes written with redis-cli: with PUBLISH at once, without within 2 x interval
--- timeout: 30
--- perl
ok(defined start_a(), 'A synced');
ok(defined start_b(), 'B synced');
my $until = time + 3600;
my $until_text = rfc3339($until);
redis_change('imigrasi/paspor', { message => 'Dari redis-cli', until => $until_text });
my $ta = wait_served('/imigrasi/paspor/x', 'Dari redis-cli', timeout => 3);
my $tb = wait_served('/imigrasi/paspor/x', 'Dari redis-cli', b(), timeout => 3);
ok(defined $ta, 'A serves it');
ok(defined $tb, 'B serves it');
diag("redis-cli HSET+INCR+PUBLISH: served by A after ${\ ($ta // 'never')} s, by B after ${\ ($tb // 'never')} s");
cmp_ok($ta // 99, '<', 1, 'A within a second');
cmp_ok($tb // 99, '<', 1, 'B within a second');
for my $n (['A'], ['B', b()]) {
    my ($name, @port) = @$n;
    my $api = api_service('imigrasi/paspor', @port);
    is($api->{status}, 'maintenance', "$name: API status");
    is($api->{status_message}, 'Dari redis-cli', "$name: API message");
    is($api->{status_until}, $until_text, "$name: API until");
    my $o = override_of('imigrasi/paspor', @port);
    is($o->{updated_by}, undef, "$name: admin GET: updated_by null (written by no token)");
    like(scalar http_get('/imigrasi/paspor', @port)->header('Retry-After') // '',
         qr/^3[56]\d\d$/, "$name: Retry-After from until");
}

# no PUBLISH: the version check finds it
redis_change('dukcapil/akta', { message => 'Tanpa PUBLISH' }, publish => 0);
my $t0 = Test::CatalogRedis::now();
$ta = wait_served('/dukcapil/akta', 'Tanpa PUBLISH', timeout => 4);
my $both = wait_served('/dukcapil/akta', 'Tanpa PUBLISH', b(), timeout => 4);
my $tboth = Test::CatalogRedis::now() - $t0;
ok(defined $ta && defined $both, 'A and B serve a change made without PUBLISH');
diag(sprintf "redis-cli HSET+INCR, no PUBLISH: A after %s s, both after %.3f s (interval=1s)",
     $ta // 'never', $tboth);
cmp_ok($tboth, '<', 2.5, 'within about 2 x interval');

# another tool's times: RFC 3339 without fraction, with an offset
my $wib = POSIX::strftime('%Y-%m-%dT%H:%M:%S+07:00', gmtime(time + 7 * 3600));
redis_change('dukcapil/kk', { message => 'Waktu WIB', updated_at => $wib });
ok(defined wait_served('/dukcapil/kk', 'Waktu WIB', timeout => 3), "A: an updated_at like $wib is taken");
ok(defined wait_served('/dukcapil/kk', 'Waktu WIB', b(), timeout => 3), 'B too');

# a clear written by the tool: back to the manifest everywhere
redis_change('imigrasi/paspor', { status => '' });
ok(defined wait_served('/imigrasi/paspor/x', undef, timeout => 3), 'A: cleared by redis-cli, proxied');
ok(defined wait_served('/imigrasi/paspor/x', undef, b(), timeout => 3), 'B: proxied');
is(override_of('imigrasi/paspor'), undef, 'A: no override');
is(override_of('imigrasi/paspor', b()), undef, 'B: no override');
# an "active" override from the tool
redis_change('dukcapil/akta', { status => 'active' });
ok(defined wait_served('/dukcapil/akta', undef, timeout => 3), 'A: active from redis-cli, proxied');
is((override_of('dukcapil/akta') // {})->{status}, 'active', 'A: an active override');
finish_b();
--- no_error_log
[error]
[warn]



=== TEST 3: a node that starts reads what Redis already holds
--- timeout: 30
--- perl
redis_flush();
redis_change('imigrasi/paspor', { message => 'Sudah di Redis' }, publish => 0);
redis_change('dukcapil/kk', { status => '' }, publish => 0);
redis_change('dukcapil/akta', { status => 'active', updated_by => 'ops-lain' }, publish => 0);
ok(defined start_a(flush => 0), 'A synced');
my $p = http_get('/imigrasi/paspor');
is($p->{status}, 503, 'paspor from Redis: 503 right after the first sync');
is(page_message($p), 'Sudah di Redis', 'its message');
is(http_get('/dukcapil/kk')->{status}, 200, 'kk: a cleared record is no override');
is(override_of('dukcapil/kk'), undef, 'kk: no override');
my $o = override_of('dukcapil/akta');
is($o->{status}, 'active', 'akta: active override');
is($o->{updated_by}, 'ops-lain', 'akta: updated_by as in Redis');
is(hash_of('imigrasi/paspor')->{message}, 'Sudah di Redis', 'Redis untouched');
my $s = redis_status_of();
ok($s->{connected}, 'status: connected');
like($s->{last_sync} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/, 'status: last_sync RFC 3339');
--- no_error_log
[error]
[warn]



=== TEST 4: two nodes changing one service at the same moment end with one value, everywhere
--- timeout: 40
--- perl
ok(defined start_a(), 'A synced');
ok(defined start_b(), 'B synced');
my @took;
for my $round (1 .. 6) {
    my $ok = concurrent_puts([server_port(), 'dukcapil/ktp', "A putaran $round", 'root'],
                             [node_b_port(), 'dukcapil/ktp', "B putaran $round", 'dukcapil']);
    is($ok, 2, "round $round: both PUTs 200");
    my $t = wait_until(3, sub { same_everywhere('dukcapil/ktp') });
    ok(defined $t, "round $round: A, B and Redis agree");
    push @took, $t // 'never';
    my $oa = override_of('dukcapil/ktp');
    like($oa->{message} // '', qr/^[AB] putaran $round$/, "round $round: one of the two ($oa->{message})");
    is(page_message(http_get('/dukcapil/ktp')), $oa->{message}, "round $round: A serves it");
    is(page_message(http_get('/dukcapil/ktp', b())), $oa->{message}, "round $round: B serves it");
    my $h = hash_of('dukcapil/ktp');
    is($h->{message}, $oa->{message}, "round $round: Redis holds it");
    is($h->{updated_by}, $oa->{updated_by} // '', "round $round: Redis: its updated_by");
}
diag("concurrent PUTs: A, B and Redis agreed after @took s");
# several services at once, both nodes
my $ok = concurrent_puts(map { ([server_port(), $_, "A $_", 'root'],
                                [node_b_port(), $_, "B $_", 'root']) }
                         qw(dukcapil/kk dukcapil/akta imigrasi/paspor));
is($ok, 6, 'six concurrent PUTs on three services');
for my $k (qw(dukcapil/kk dukcapil/akta imigrasi/paspor)) {
    my $t = wait_until(3, sub { same_everywhere($k) });
    ok(defined $t, "$k: A, B and Redis agree (after ${\ ($t // 'never')} s)");
}
finish_b();
--- no_error_log
[error]
[warn]



=== TEST 5: newest wins: an older value written to Redis changes nothing and is replaced by the node's
--- timeout: 40
--- perl
ok(defined start_a(), 'A synced');
ok(defined start_b(), 'B synced');
is(put_status('dukcapil/ktp', 'Baru dari A')->{status}, 200, 'PUT through A');
ok(defined wait_served('/dukcapil/ktp', 'Baru dari A', b(), timeout => 3), 'B has it');
my $h = hash_of('dukcapil/ktp');
my $at = parse_rfc3339($h->{updated_at});
ok($at, "A's updated_at in Redis: $h->{updated_at}");

for my $case (['with PUBLISH', 1], ['without PUBLISH (version check)', 0]) {
    my ($what, $publish) = @$case;
    redis_change('dukcapil/ktp', { message => 'Lama dari redis-cli',
                                   updated_at => rfc3339_ms($at - 60_000),
                                   updated_by => 'ops-lama' }, publish => $publish);
    my @seen;
    my $t = wait_until(4, sub {
        for my $port (server_port(), node_b_port()) {
            my $m = page_message(http_get('/dukcapil/ktp', port => $port));
            push @seen, "$port:" . ($m // 'proxied') unless ($m // '') eq 'Baru dari A';
        }
        return (hash_of('dukcapil/ktp')->{message} // '') eq 'Baru dari A';
    });
    ok(defined $t, "$what: Redis holds the node's newer value again");
    diag("$what: the older value in Redis was replaced after ${\ ($t // 'never')} s");
    is("@seen", '', "$what: neither node ever served the older value");
    my $h2 = hash_of('dukcapil/ktp');
    is($h2->{updated_at}, $h->{updated_at}, "$what: with the node's updated_at");
    is($h2->{updated_by}, 'ops-root', "$what: and updated_by");
    is(override_of('dukcapil/ktp')->{message}, 'Baru dari A', "$what: A's admin GET unchanged");
    is(override_of('dukcapil/ktp', b())->{message}, 'Baru dari A', "$what: B's admin GET unchanged");
}

# a newer value from the tool wins, of course
redis_change('dukcapil/ktp', { message => 'Lebih baru dari redis-cli' });
ok(defined wait_served('/dukcapil/ktp', 'Lebih baru dari redis-cli', timeout => 3), 'A: a newer value wins');
ok(defined wait_served('/dukcapil/ktp', 'Lebih baru dari redis-cli', b(), timeout => 3), 'B: a newer value wins');

# the same millisecond, another value: every node picks the same one
is(put_status('dukcapil/kk', 'Seri A')->{status}, 200, 'PUT kk through A');
ok(defined wait_served('/dukcapil/kk', 'Seri A', b(), timeout => 3), 'B has kk');
my $kk = hash_of('dukcapil/kk');
redis_change('dukcapil/kk', { message => 'Seri redis-cli', updated_at => $kk->{updated_at},
                               updated_by => 'ops-root' });
my $t = wait_until(4, sub {
    my $ma = page_message(http_get('/dukcapil/kk'));
    my $mb = page_message(http_get('/dukcapil/kk', b()));
    my $mr = hash_of('dukcapil/kk')->{message};
    return defined $ma && defined $mb && $ma eq $mb && $mb eq ($mr // '');
});
ok(defined $t, 'a tie at the same millisecond: A, B and Redis agree on one value');
diag('tie: A serves "' . (page_message(http_get('/dukcapil/kk')) // '') . '", Redis has "'
     . (hash_of('dukcapil/kk')->{message} // '') . "\" (agreed after ${\ ($t // 'never')} s)");
finish_b();
--- no_error_log
[error]



=== TEST 6: hostile values in Redis are skipped with a [warn] naming the key; nothing is served from them
--- timeout: 60
--- perl
ok(defined start_a(), 'A synced');
ok(defined start_b(), 'B synced');
# what a request answers, in short
my $short = sub {
    my ($r) = @_;
    my $m = page_message($r);
    return "$r->{status} " . (defined $m ? "maintenance page \"$m\"" : $r->{body} // '');
};
my $proxied = sub {
    my ($what, $path) = @_;
    $path //= '/dukcapil/ktp/x';
    for my $n (['A'], ['B', b()]) {
        my ($name, @port) = @$n;
        is($short->(http_get($path, @port)), "200 b1 $path\n", "$what: $name still proxies $path");
    }
    (my $key = $path) =~ s{^/([^/]+/[^/]+).*}{$1};
    is((api_service($key) // {})->{status}, 'active', "$what: A's API: $key active");
    my $o = override_of($key);
    ok(!defined $o, "$what: A: no override of $key") or diag(Test::More::explain($o));
};
# before each case: a valid clear of the key, newer than anything before,
# so that each case starts from "no override" on both nodes
my $clear = sub {
    my ($key) = @_;
    redis_cmd('DEL', "catalog:status:$key");
    redis_change($key, { status => '' });
    wait_until(2, sub { !defined override_of($key) && !defined override_of($key, b()) });
};
# one hostile write: HSET (or a raw command), INCR, PUBLISH; then the
# [warn] in A's log (and B's) after what was logged before
# the nodes log at most 20 "skipped" lines a second (then "N more keys
# skipped"): keep each case's line among the first ones of its second
my $room = sub {
    wait_until(1.5, sub {
        my $stamp = POSIX::strftime('%Y/%m/%d %H:%M:%S', localtime);
        for my $log (error_log_text(), node_b_log()) {
            my $n = () = $log =~ /^\Q$stamp\E \[warn\] [^\n]*skipped/mg;
            return 0 if $n >= 12;
        }
        return 1;
    });
};
my $hostile = sub {
    my ($what, $key, $write, $re, %o) = @_;
    $room->();
    $clear->($key) unless $o{no_clear};
    Time::HiRes::sleep(0.002);    # a later millisecond than the clear
    my $offa = length error_log_text();
    my $offb = length node_b_log();
    $write->();
    redis_cmd('INCR', 'catalog:status:version');
    redis_cmd('PUBLISH', 'catalog:events', $o{channel_key} // $key);
    # the first node to read it logs it and, holding a value of its own
    # (the clear), writes that back: the other may then read the repaired
    # value and have nothing to say
    my ($who, $t);
    $t = wait_until(3, sub {
        $who = log_since(error_log_text(), $offa) =~ $re ? 'A'
             : log_since(node_b_log(), $offb) =~ $re ? 'B' : undef;
    });
    ok(defined $t, "$what: a node logs $re" . ($who ? " ($who did)" : ''))
        or diag("A's log since:\n" . log_since(error_log_text(), $offa)
                . "\nB's log since:\n" . log_since(node_b_log(), $offb));
    $proxied->($what, $o{path} // "/$key/x");
    # a bad value whose updated_at reads as older than the nodes' own
    # (none, or not a time) is repaired by the first node to see it; one
    # from a later time is left alone, never served, and no node writes
    # over it: two nodes with clocks or rules apart would otherwise take
    # turns writing forever
    if ($o{repair}) {
        my $h;
        my $tr = wait_until(3, sub {
            $h = hash_of($key);
            ref $h eq 'HASH' && ($h->{status} // 'x') eq ''
                && join(',', sort keys %$h) eq 'message,status,until,updated_at,updated_by';
        });
        ok(defined $tr, "$what: Redis repaired: the nodes' cleared record is back in $key")
            or diag(Test::More::explain($h));
    } elsif ($o{left}) {
        my $v0 = redis_cmd('GET', 'catalog:status:version');
        my $h0 = hash_of($key);
        Time::HiRes::sleep(1.2);
        is(redis_cmd('GET', 'catalog:status:version'), $v0,
           "$what: left alone, from a later time: no node writes over it");
        is_deeply(hash_of($key), $h0, "$what: the hash as it was written");
    }
};
my %good = (status => 'maintenance', message => 'x', until => '', updated_by => '');
my $hset = sub {
    my ($k, %f) = @_;
    return sub {
        my %h = (%good, updated_at => rfc3339_ms(), %f);
        delete $h{$_} for grep { !defined $h{$_} } keys %h;
        # atomic: no moment without the key, for a node reading it
        redis_multi(['DEL', "catalog:status:$k"], ['HSET', "catalog:status:$k", %h]);
    };
};

$hostile->('status "paused"', 'dukcapil/ktp',
           $hset->('dukcapil/ktp', status => 'paused'),
           qr/\[warn\] \d+#\d+: catalog redis: key "catalog:status:dukcapil\/ktp" skipped: invalid "status" "paused"$/m,
           left => 1);
$hostile->('an unknown service', 'nosuch/x',
           $hset->('nosuch/x'),
           qr/\[warn\] \d+#\d+: catalog redis: key "catalog:status:nosuch\/x" skipped: unknown service$/m,
           path => '/dukcapil/ktp/x', no_clear => 1);
$hostile->('a string where a hash belongs', 'dukcapil/kk',
           sub { redis_cmd('DEL', 'catalog:status:dukcapil/kk'); redis_cmd('SET', 'catalog:status:dukcapil/kk', 'maintenance') },
           qr/\[warn\] \d+#\d+: catalog redis: key "catalog:status:dukcapil\/kk" skipped: not a hash$/m);
$hostile->('a list where a hash belongs', 'dukcapil/akta',
           sub { redis_cmd('DEL', 'catalog:status:dukcapil/akta'); redis_cmd('RPUSH', 'catalog:status:dukcapil/akta', 'maintenance') },
           qr/catalog redis: key "catalog:status:dukcapil\/akta" skipped: not a hash$/m);
$hostile->('a "backends" field', 'dukcapil/ktp',
           $hset->('dukcapil/ktp', backends => '10.0.0.1:80'),
           qr/\[warn\] \d+#\d+: catalog redis: key "catalog:status:dukcapil\/ktp" skipped: unknown field "backends"$/m,
           left => 1);
$hostile->('a "routes" field', 'dukcapil/ktp',
           $hset->('dukcapil/ktp', routes => '[{"path": "/"}]'),
           qr/catalog redis: key "catalog:status:dukcapil\/ktp" skipped: unknown field "routes"$/m,
           left => 1);
my $skipped = qr/\[warn\] \d+#\d+: catalog redis: key "catalog:status:dukcapil\/ktp" skipped: \S/;
for my $c (['a message with status active', status => 'active', message => 'aktif'],
           ['a message of 501 characters', message => 'm' x 501],
           ['updated_at an hour ahead', updated_at => rfc3339_ms(now_ms() + 3_600_000)],
           ['updated_at not a time', updated_at => 'kemarin'],
           ['updated_at empty', updated_at => ''],
           ['no updated_at', updated_at => undef],
           ['until not a time', until => 'besok'],
           ['a control character in the message', message => "a\x01b"],
           ['invalid UTF-8 in the message', message => "a\xff\xfeb"],
           ['an invalid updated_by', updated_by => 'ops root'],
           ['status in capitals', status => 'MAINTENANCE']) {
    my ($what, %f) = @$c;
    # no updated_at, or one that is no time: older than the nodes' own
    my $older = exists $f{updated_at} && ($f{updated_at} // '') !~ /^\d{4}-/;
    $hostile->($what, 'dukcapil/ktp', $hset->('dukcapil/ktp', %f), $skipped,
               $older ? (repair => 1) : (left => 1));
}
# a retired service stays gone whatever Redis says
$hset->('dukcapil/lama', status => 'active')->();
redis_cmd('INCR', 'catalog:status:version');
redis_cmd('PUBLISH', 'catalog:events', 'dukcapil/lama');
ok(defined wait_log(3, qr/catalog redis: key "catalog:status:dukcapil\/lama" skipped: /, \&error_log_text, 0),
   'a retired service: skipped');
is(http_get('/dukcapil/lama')->{status}, 410, 'a retired service: still 410 on A');
is(http_get('/dukcapil/lama', b())->{status}, 410, 'a retired service: still 410 on B');

# hostile messages on the channel: nothing happens, nobody crashes
$clear->('dukcapil/ktp');
my $offa = length error_log_text();
for my $msg ('', '../../etc/passwd', 'x' x 10_000, "dukcapil/ktp\r\nINCR x", "dukcapil/ktp\0",
             'dukcapil/', '/ktp', '*', 'dukcapil/ktp/extra', "\xff\xfe") {
    redis_cmd('PUBLISH', 'catalog:events', $msg);
}
# a marker after them: a valid change (log lines may be rate limited)
redis_change('imigrasi/paspor', { message => 'Penanda' });
ok(defined wait_served('/imigrasi/paspor', 'Penanda', timeout => 3),
   'hostile channel messages: A reads on (a valid change after them is served)');
ok(defined wait_served('/imigrasi/paspor', 'Penanda', b(), timeout => 3), 'B too');
$proxied->('hostile channel messages');
like(error_log_text(), qr/catalog redis: connected to /, 'A is connected');

# a valid change to the same key works after all this
redis_change('dukcapil/ktp', { message => 'Akhirnya sah' });
ok(defined wait_served('/dukcapil/ktp', 'Akhirnya sah', timeout => 3), 'A: a valid value afterwards is served');
ok(defined wait_served('/dukcapil/ktp', 'Akhirnya sah', b(), timeout => 3), 'B: too');
my $ts = status_json();
is($ts->{services}, 5, 'still 5 services (nothing added from Redis)');
is($ts->{routes}, 5, 'still 5 routes');
finish_b();
--- no_error_log
[error]



=== TEST 7: a node starting with hostile and valid keys in Redis takes the valid ones, skips the rest
--- timeout: 20
--- perl
redis_flush();
my $now = rfc3339_ms();
redis_ok('HSET', 'catalog:status:dukcapil/ktp', status => 'paused', message => '', until => '',
         updated_at => $now, updated_by => '');
redis_ok('HSET', 'catalog:status:nosuch/x', status => 'maintenance', message => '', until => '',
         updated_at => $now, updated_by => '');
redis_ok('SET', 'catalog:status:dukcapil/kk', 'maintenance');
redis_ok('HSET', 'catalog:status:dukcapil/akta', status => 'maintenance', message => 'Akta dari Redis',
         until => '', updated_at => $now, updated_by => '', backends => '10.0.0.1:80');
redis_ok('HSET', 'catalog:status:imigrasi/paspor', status => 'maintenance', message => 'Paspor dari Redis',
         until => '', updated_at => $now, updated_by => 'ops-root');
redis_ok('SET', 'catalog:status:version', '7');
ok(defined start_a(flush => 0), 'A synced');
my $log = error_log_text();
like($log, qr/\[warn\] \d+#\d+: catalog redis: key "catalog:status:dukcapil\/ktp" skipped: invalid "status" "paused"$/m, 'ktp skipped');
# (a key of a service this node does not have is not looked at by a
# resync, which reads the catalog's services: no line needed for it)
like($log, qr/\[warn\] \d+#\d+: catalog redis: key "catalog:status:dukcapil\/kk" skipped: not a hash$/m, 'kk skipped');
like($log, qr/\[warn\] \d+#\d+: catalog redis: key "catalog:status:dukcapil\/akta" skipped: unknown field "backends"$/m, 'akta skipped');
is(http_get('/dukcapil/ktp')->{status}, 200, 'ktp proxied');
is(http_get('/dukcapil/kk')->{status}, 200, 'kk proxied');
is(http_get('/dukcapil/akta')->{status}, 200, 'akta proxied');
is(page_message(http_get('/imigrasi/paspor')), 'Paspor dari Redis', 'paspor: the valid one is served');
is(redis_status_of()->{version}, 7, 'status: redis.version 7, as in status:version');
--- error_log
skipped: invalid "status" "paused"
--- no_error_log
[error]



=== TEST 8: the fleet: both nodes in the status JSON and the metrics, requests, TTL, a stopped node drops out, drift
--- timeout: 60
--- perl
ok(defined start_a(), 'A synced');
ok(defined start_b(), 'B synced');
my $fleet_names = sub {
    my $s = status_json(@_) or return '';
    return join ' ', map { $_->{name} // '?' } @{ ($s->{fleet} // {})->{nodes} // [] };
};
my $t = wait_until(3, sub { $fleet_names->() eq 'node-a node-b' && $fleet_names->(b()) eq 'node-a node-b' });
ok(defined $t, 'both nodes list node-a and node-b');
diag("fleet complete on both after ${\ ($t // 'never')} s");
cmp_ok($t // 99, '<', 2.5, 'within 2 x interval');

my $s = status_json();
my $version = $s->{version};
like($version, qr/^[0-9a-f]{16}$/, "A's catalog version $version");
is(status_json(b())->{version}, $version, 'B has the same catalog version');
is(join(',', sort keys %{ $s->{fleet} }), 'drift,nodes', 'fleet: nodes and drift');
ok(JSON::PP::is_bool($s->{fleet}{drift}) && !$s->{fleet}{drift}, 'fleet: drift false');
for my $n (@{ $s->{fleet}{nodes} }) {
    is(join(',', sort keys %$n), 'name,requests,seen,services,version', "$n->{name}: the fields");
    is($n->{version}, $version, "$n->{name}: version");
    is($n->{services}, 5, "$n->{name}: 5 services");
    my $seen = parse_rfc3339($n->{seen});
    ok(defined $seen && abs($seen - now_ms()) < 5000, "$n->{name}: seen $n->{seen} is recent");
    is(join(',', sort keys %{ $n->{requests} }),
       'gone,maintenance,method_not_allowed,not_found,proxy,redirect', "$n->{name}: requests per outcome");
}

# what each node writes: nodes:NODE, JSON, with a TTL of about 3 x interval
for my $node (qw(node-a node-b)) {
    my $raw = redis_cmd('GET', "catalog:nodes:$node");
    my $j = eval { JSON::PP->new->decode($raw // '') };
    is(ref $j, 'HASH', "catalog:nodes:$node is JSON");
    is($j->{name}, $node, "catalog:nodes:$node: name");
    is($j->{version}, $version, "catalog:nodes:$node: version");
    like($j->{seen} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "catalog:nodes:$node: seen to the ms");
    my $ttl = redis_cmd('PTTL', "catalog:nodes:$node");
    ok($ttl > 0 && $ttl <= 3000, "catalog:nodes:$node: a TTL ($ttl ms) of at most 3 x interval");
}

# requests through B show up in A's view of node-b
http_get('/dukcapil/ktp/x', b()) for 1 .. 3;
http_get('/tidak-ada', b()) for 1 .. 2;
$t = wait_until(3, sub {
    my ($nb) = grep { $_->{name} eq 'node-b' } @{ (status_json() // {})->{fleet}{nodes} // [] };
    return $nb && $nb->{requests}{proxy} >= 3 && $nb->{requests}{not_found} >= 2;
});
ok(defined $t, "A sees B's requests (proxy 3, not_found 2) after ${\ ($t // 'never')} s");

# redis in the status: a change first, so that there is a version
is(put_status('dukcapil/ktp', 'x')->{status}, 200, 'a PUT');
ok(defined wait_until(2, sub { ((redis_status_of() // {})->{version} // '') eq (redis_cmd('GET', 'catalog:status:version') // '-') }),
   'status: redis.version follows status:version');
my $r = redis_status_of();
is(join(',', sort keys %$r), 'configured,connected,errors,last_sync,reconnects,since,version',
   'status: the redis fields');
ok(JSON::PP::is_bool($r->{configured}) && $r->{configured}, 'configured true');
ok(JSON::PP::is_bool($r->{connected}) && $r->{connected}, 'connected true');
my $since = parse_rfc3339($r->{since});
ok(defined $since && $since <= now_ms() + 1000 && $since > now_ms() - 60_000, "since $r->{since}");
ok(defined parse_rfc3339($r->{last_sync}), "last_sync $r->{last_sync}");
is($r->{version}, redis_cmd('GET', 'catalog:status:version'), "version $r->{version}");
is($r->{reconnects}, 0, "reconnects 0: the first connection is no reconnect");
is($r->{errors}, 0, 'errors 0');

my $m = metrics_text();
is(metric($m, 'catalog_redis_up'), 1, 'catalog_redis_up 1');
is(metric($m, 'catalog_redis_reconnects_total'), 0, "catalog_redis_reconnects_total 0 after the first connection");
is(metric($m, 'catalog_fleet_nodes'), 2, 'catalog_fleet_nodes 2');
is(metric($m, 'catalog_fleet_drift'), 0, 'catalog_fleet_drift 0');
like($m, qr/^# TYPE catalog_redis_up gauge$/m, 'catalog_redis_up: a gauge');
like($m, qr/^# TYPE catalog_redis_reconnects_total counter$/m, 'catalog_redis_reconnects_total: a counter');

# hostile nodes: keys are not listed
redis_cmd('SET', 'catalog:nodes:evil', '{bukan json', 'EX', 30);
redis_cmd('SET', 'catalog:nodes:evil2', JSON::PP->new->canonical->encode({
    name => '<script>', version => $version, services => 5, seen => rfc3339_ms(),
    requests => { map { $_ => 0 } qw(proxy redirect gone maintenance not_found method_not_allowed) } }), 'EX', 30);
redis_cmd('SET', 'catalog:nodes:evil3', JSON::PP->new->canonical->encode({
    name => 'evil3', version => 'lain', services => 5, seen => rfc3339_ms(), backends => ['10.0.0.1'],
    requests => { map { $_ => 0 } qw(proxy redirect gone maintenance not_found method_not_allowed) } }), 'EX', 30);
redis_cmd('HSET', 'catalog:nodes:evil4', 'name', 'evil4');
my $seen0 = (grep { $_->{name} eq 'node-a' } @{ status_json()->{fleet}{nodes} })[0]{seen};
ok(defined wait_until(3, sub {
    my ($na) = grep { $_->{name} eq 'node-a' } @{ (status_json() // {})->{fleet}{nodes} // [] };
    return $na && $na->{seen} ne $seen0;
}), 'A read the fleet again');
is($fleet_names->(), 'node-a node-b', 'hostile nodes:* keys are not listed');
ok(!status_json()->{fleet}{drift}, 'and cause no drift');
is(metric(metrics_text(), 'catalog_fleet_nodes'), 2, 'catalog_fleet_nodes still 2');
redis_cmd('DEL', map { "catalog:nodes:evil$_" } '', 2, 3, 4);

# B stops: it drops out after its TTL
my $stopped = Test::CatalogRedis::now();
is(node_b_stop(), '', 'B stopped');
is(join("\n", node_b_log_problems()), '', 'B: no crash/alert/crit/emerg in its log');
$t = wait_until(6, sub { $fleet_names->() eq 'node-a' });
ok(defined $t, 'node-b dropped out of the fleet');
diag(sprintf "stopped node dropped out after %.3f s (TTL 3 x interval)", Test::CatalogRedis::now() - $stopped);
cmp_ok(Test::CatalogRedis::now() - $stopped, '<', 5, 'within TTL + interval');
is(metric(metrics_text(), 'catalog_fleet_nodes'), 1, 'catalog_fleet_nodes 1');

# B with another catalog: drift
my %other = (%Test::CatalogRedis::MANIFESTS, 'bpjs.json' => <<'JSON');
{"agency": {"id": "bpjs", "name": "BPJS"}, "services": [
  {"id": "antrean", "name": "Antrean", "category": "kesehatan",
   "routes": [{"path": "/bpjs/antrean"}],
   "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}]}
JSON
ok(defined start_b(manifests => \%other), 'B with another catalog synced');
isnt(status_json(b())->{version}, $version, 'B: another version');
$t = wait_until(3, sub { my $s = status_json(); $s && $s->{fleet}{drift} });
ok(defined $t, "A reports drift after ${\ ($t // 'never')} s");
ok(JSON::PP::is_bool(status_json()->{fleet}{drift}), 'drift is a JSON boolean');
my ($nb) = grep { $_->{name} eq 'node-b' } @{ status_json()->{fleet}{nodes} };
is($nb->{services}, 6, "A's view of node-b: 6 services");
isnt($nb->{version}, $version, "A's view of node-b: its version");
ok(status_json(b())->{fleet}{drift}, 'B reports drift too');
is(metric(metrics_text(), 'catalog_fleet_drift'), 1, 'catalog_fleet_drift 1');
finish_b();
--- no_error_log
[error]



=== TEST 9: a unix socket, a prefix and a db: the keys and the channel follow them
--- timeout: 30
--- perl
my $params = 'prefix=gw:prod: db=2';
ok(defined start_a(redis_opts => { addr => 'unix:$TEST_NGINX_REDIS_SOCKET', params => $params }),
   'A synced over the unix socket');
ok(defined start_b(redis_opts => { params => $params }), 'B synced over TCP');
like(error_log_text(), qr/\[notice\] \d+#\d+: catalog redis: connected to unix:\Q$ENV{TEST_NGINX_REDIS_SOCKET}\E/,
     'A: connected to unix:PATH');
my $sub = redis_subscribe('gw:prod:events');
is(put_status('dukcapil/ktp', 'Lewat soket unix')->{status}, 200, 'PUT through A');
my $t = wait_served('/dukcapil/ktp', 'Lewat soket unix', b(), timeout => 3);
ok(defined $t, "B serves it after ${\ ($t // 'never')} s");
is_deeply($sub->next_message(1), ['gw:prod:events', 'dukcapil/ktp'], 'PUBLISH gw:prod:events');
is(hash_of('dukcapil/ktp', prefix => 'gw:prod:', db => 2)->{message}, 'Lewat soket unix',
   'db 2: gw:prod:status:dukcapil/ktp');
ok(redis_cmd({ db => 2 }, 'EXISTS', 'gw:prod:nodes:node-a'), 'db 2: gw:prod:nodes:node-a');
ok(redis_cmd({ db => 2 }, 'GET', 'gw:prod:status:version'), 'db 2: gw:prod:status:version');
is_deeply(redis_cmd('KEYS', '*'), [], 'db 0: no key at all');
# a change under another prefix is not theirs
redis_change('dukcapil/kk', { message => 'Prefix lain' });
redis_cmd({ db => 2 }, 'HSET', 'gw:prod:status:dukcapil/akta', status => 'maintenance', message => 'Prefix benar',
          until => '', updated_at => rfc3339_ms(), updated_by => '');
redis_cmd({ db => 2 }, 'INCR', 'gw:prod:status:version');
redis_cmd('PUBLISH', 'gw:prod:events', 'dukcapil/akta');
ok(defined wait_served('/dukcapil/akta', 'Prefix benar', timeout => 3), 'A: a change under its prefix and db');
ok(defined wait_served('/dukcapil/akta', 'Prefix benar', b(), timeout => 3), 'B: too');
is(http_get('/dukcapil/kk')->{status}, 200, 'A: a change under catalog: in db 0 is not theirs');
is(http_get('/dukcapil/kk', b())->{status}, 200, 'B: neither');
finish_b();
--- no_error_log
[error]
[warn]
