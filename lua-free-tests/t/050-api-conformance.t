# The catalog API against the fine print of its contract (DESIGN.md,
# "Catalog API"; conf/openapi.yaml) and of HTTP: empty parameters, 304
# only for answers that would be 200, exact ETag comparison, UTF-8 in
# resolve, '+' as a space.
#
#   lua-free-tests/run-prove.sh -v lua-free-tests/t/050-api-conformance.t

use lib 'lib';
use Test::Catalog;

use Encode ();

our $TODO;

our $CATALOG = <<'_EOC_';
>>> dukcapil.json
{
  "agency": {"id": "dukcapil", "name": "Dukcapil"},
  "services": [
    {"id": "ktp-elektronik", "name": "KTP Elektronik", "category": "kependudukan",
     "tags": ["ktp", "kartu identitas"],
     "routes": [{"path": "/ktp"}], "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]},
    {"id": "kartu-keluarga", "name": "Kartu Keluarga", "category": "layanan keluarga",
     "routes": [{"path": "/kk"}], "backends": ["127.0.0.1:$TEST_NGINX_BACKEND_PORT"]}
  ]
}
_EOC_

our $HTTP_CONFIG = <<'_EOC_';
    catalog_manifests $TEST_NGINX_MANIFEST_DIR/*.json;
    upstream catalog_backends {
        catalog_balancer;
    }
_EOC_

our $CONFIG = <<'_EOC_';
    location /api/catalog/ {
        catalog_api;
    }
_EOC_

# strict UTF-8: no surrogates, no overlong forms, nothing above U+10FFFF
sub valid_utf8 {
    my ($bytes) = @_;
    return eval { Encode::decode('UTF-8', $bytes, Encode::FB_CROAK()); 1 } ? 1 : 0;
}

sub api { my ($rel, %o) = @_; return http_get("/api/catalog/$rel", %o) }

run_tests();

__DATA__

=== TEST 1: an empty value is as if absent, for page, per_page and sort too
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
# works already for q, agency, category, tag, status
for my $q ('q=', 'agency=', 'category=', 'tag=', 'status=', 'q') {
    is(api("services?$q")->{body}, api('services')->{body}, "services?$q is services");
}
{
    # catalog_query_parse checks "seen" instead of the length of the value
    for my $q ('page=', 'per_page=', 'sort=', 'page', 'page=&per_page=&sort=') {
        my $r = api("services?$q");
        is($r->{status}, 200, "services?$q: 200");
        is($r->{body}, api('services')->{body}, "services?$q is services");
    }
}



=== TEST 2: If-None-Match never turns an error into 304 (RFC 9110, 13.2.1)
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $etag = api('services')->header('ETag');
like($etag, qr/^"[0-9a-f]{16}-[0-9]+"$/, 'ETag');
# already right: errors that nginx's not_modified filter sees, and resolve
for my $c (['resolve?path=x', 400], ['resolve', 400], ['foo', 404]) {
    my ($rel, $status) = @$c;
    is(api($rel, headers => ["If-None-Match: $etag"])->{status}, $status,
       "$rel with If-None-Match: $status");
}
{
    # the handler answers 304 before it parses the query or finds the key
    for my $c (['services/dukcapil/tidak-ada', 404], ['services/x', 404],
               ['services?page=0', 400], ['services?x=1', 400],
               ['services?q=%FF', 400])
    {
        my ($rel, $status) = @$c;
        for my $inm ($etag, '*') {
            my $r = api($rel, headers => ["If-None-Match: $inm"]);
            is($r->{status}, $status, "$rel with If-None-Match: $inm: $status");
            like($r->{body}, qr/\A\{"error": /, "$rel with If-None-Match: $inm: the error");
        }
    }
}



=== TEST 3: entity tags are compared exactly (RFC 9110, 8.8.3.2), as for resolve
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
my $etag = api('services')->header('ETag');
my $upper = uc $etag;
SKIP: {
    skip 'the hash has no letter this time', 4 if $upper eq $etag;
    is(api('resolve?path=/ktp', headers => ["If-None-Match: $upper"])->{status}, 200,
       'resolve: another case is another tag (nginx not_modified filter)');
    for my $rel ('services', 'agencies', 'categories') {
        is(api($rel, headers => ["If-None-Match: $upper"])->{status}, 200,
           "$rel: another case is another tag");
    }
}



=== TEST 4: every answer is valid UTF-8 (resolve of a path with invalid UTF-8)
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
for my $q ('path=/%C3%A9', 'path=/%E6%97%A5') {
    my $r = api("resolve?$q");
    ok(valid_utf8($r->{body}), "resolve?$q: valid UTF-8");
}
{
    # catalog_escape_json copies bytes >= 0x80 as they are
    for my $q ('path=/%FF', 'path=/a%C3', 'path=/%ED%A0%80', 'path=/%C0%AF') {
        my $r = api("resolve?$q");
        ok(valid_utf8($r->{body}), "resolve?$q: valid UTF-8 (got $r->{status})");
    }
}



=== TEST 5: form encoding: "+" is a space in every parameter (URLSearchParams)
--- manifests eval: $::CATALOG
--- http_config eval: $::HTTP_CONFIG
--- config eval: $::CONFIG
--- perl
like(api('services?tag=kartu%20identitas')->{body}, qr/"total": 1,/, 'tag=kartu%20identitas');
like(api('services?category=layanan%20keluarga')->{body}, qr/"total": 1,/,
     'category=layanan%20keluarga');
like(api('services?q=kartu+keluarga')->{body}, qr/"total": 1,/, 'q=kartu+keluarga');
{
    # catalog_query_parse decodes "+" for q only (plus = i == 0)
    like(api('services?tag=kartu+identitas')->{body}, qr/"total": 1,/, 'tag=kartu+identitas');
    like(api('services?category=layanan+keluarga')->{body}, qr/"total": 1,/,
         'category=layanan+keluarga');
}
