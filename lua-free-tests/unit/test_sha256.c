
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * SHA-256 (catalog_sha256.c): the FIPS 180-2 / NIST example vectors, and
 * pseudo-random inputs of lengths around the block and padding edges,
 * whose hashes were computed with coreutils' sha256sum when this test
 * was written (the generator below was run in Python with the same
 * constants and its output piped to sha256sum).  Each input sits in a
 * buffer of exactly its length, so that ASan sees any read past it.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <catalog_admin.h>


typedef struct {
    size_t                        len;
    const char                   *hex;
} random_case_t;


static void expect_hash(const void *data, size_t len, const char *hex);
static char *lcg_bytes(size_t len);


/*
 * bytes from the LCG seed = seed * 1103515245 + 12345 (32 bits), byte =
 * bits 16..23, seeded with len * 2654435761; hashes from sha256sum
 */

static const random_case_t  random_cases[] = {
    {     1, "79bec7ff3e69d1b470eb8684f2005a86"
             "7a7980222474cbc1afd26a9a4f206d4a" },
    {     2, "e7b996ae641d327bdcc12f8f8f7ef513"
             "8f95995420db4873c1fd49b524644afd" },
    {     3, "14f90091bec0c2f72e7f5d80728fa263"
             "f0e36aa8c1b0dff0b0ce227e429961dd" },
    {    31, "7cae6c5d64aea325774f3ae2daa7aa7d"
             "de1f9c91452641577771d951f9673132" },
    {    32, "8d9d70022937faa10e65f498ab6bafe0"
             "babe21f8972deef97760f2a5818922ee" },
    {    33, "32da913fbe575b45bfbdfbbd60ec6971"
             "776e185b34d1f341fd87ff50e66cf81d" },
    {    54, "e898dcf8b4476d52045179b1a64407f5"
             "084f9a3382a7808ca8a4d9bb0366f699" },
    {    55, "c10d7de85e1e7f904707f40e7d97a0af"
             "1d32a2da20cd1bf74125ae43a5099348" },
    {    56, "2111a3a53bb4529bb1b9e18b387045ca"
             "f4b8e1342483cc3ac8590f1011d3415d" },
    {    57, "afddd067c2fb6e6aa74760d01c887e58"
             "ca60e1a4a900f75858c5bfbaefe2c367" },
    {    63, "10d54a0f6cc919ad2a1662371e9964d9"
             "18470894d1a48811ad6d06ef99c541d0" },
    {    64, "07e19900630af4a32a91855559d555eb"
             "75614b9f55e9cff7d64420be537e3ca7" },
    {    65, "3a49b22f744c4abdf7299a52db8d5d60"
             "92e75e19d2e0a65efe10b841db135cea" },
    {   100, "79d38551f1879e0ba3d5f12df602ebee"
             "2a88a1009b8a93dc024d5e3d75cbc9f3" },
    {   119, "40d829663a5a8bedaba06ad3d21bc312"
             "3367f3144fe39e988c6399f6311560a5" },
    {   120, "96c9e69a33f5266e91506b98b248900d"
             "bd7278764394e0811094e29332c1fa12" },
    {   127, "341931fbd2fd1a2d8ef77a692bff8e57"
             "4ed655ebd037c363c7dc67383d69256c" },
    {   128, "6955eb1c507a742e2396f09a04b3019c"
             "1b8dfbbd31f30891ea2be50569758a07" },
    {   129, "bc710ff33c49a5b8e5b6bcc3b0cb8e42"
             "5f0cffe84394536e480f74d18214e3a6" },
    {   191, "f550cc746108bca8429c8f1a194996c0"
             "a9a1b6e172f3315bbbe389ce0ca216ae" },
    {   192, "59a72f94f208c7dea17f0f495d70c73e"
             "9477c44b108ac94afcdc5b3f5c09cba7" },
    {   255, "27e5ac178407df061f382acb48624297"
             "66b0e0c1be6479397491cbefeb391015" },
    {   256, "d0c879a25e42521a4f3988a7f4cb59d6"
             "4cd930d76cb38231d9877d925d61d240" },
    {  1000, "6453c5408749776d346b08771784a2f9"
             "540b4f89206e0ad649890daa0d9fe975" },
    {  4095, "5d3bb19d1d64ec98fe8715d142731a68"
             "3b8753b7addd59bb1d49ef4bdc2dca45" },
    {  4096, "5a6799f06ddcbdbdf71276ba07b6d279"
             "37b505a36a5b28baf12369554482fabb" },
    {  4097, "7a894692e291f6ae9f7b4305dbf00a0a"
             "b60f8c0b553deccc86000c7bae32a465" },
    { 10007, "21f008ce80995531161b9d27e9efc724"
             "4a688f62fa1a306a363408d54c0d17e1" }
};


/* helpers */


static void
expect_hash(const void *data, size_t len, const char *hex)
{
    size_t   i;
    char     got[2 * CATALOG_SHA256_LEN + 1];
    uint8_t  out[CATALOG_SHA256_LEN];

    catalog_sha256(data, len, out);

    for (i = 0; i < CATALOG_SHA256_LEN; i++) {
        snprintf(got + 2 * i, 3, "%02x", out[i]);
    }

    assert_string_equal(got, hex);
}


static char *
lcg_bytes(size_t len)
{
    char      *p;
    size_t     i;
    uint32_t   seed;

    p = malloc(len ? len : 1);
    assert_non_null(p);

    seed = (uint32_t) (len * 2654435761u);

    for (i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (char) ((seed >> 16) & 0xff);
    }

    return p;
}


/* tests */


static void
test_sha256_empty(void **state)
{
    char  *p;

    (void) state;

    expect_hash("", 0,
                "e3b0c44298fc1c149afbf4c8996fb924"
                "27ae41e4649b934ca495991b7852b855");

    /* a NULL pointer with no bytes is an empty message too */

    p = NULL;
    expect_hash(p, 0,
                "e3b0c44298fc1c149afbf4c8996fb924"
                "27ae41e4649b934ca495991b7852b855");
}


static void
test_sha256_abc(void **state)
{
    char  *p;

    (void) state;

    p = malloc(3);
    assert_non_null(p);
    memcpy(p, "abc", 3);

    expect_hash(p, 3,
                "ba7816bf8f01cfea414140de5dae2223"
                "b00361a396177a9cb410ff61f20015ad");

    free(p);
}


static void
test_sha256_448_bits(void **state)
{
    char        *p;
    size_t       len;
    const char   msg[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    (void) state;

    len = sizeof(msg) - 1;
    assert_int_equal(len * 8, 448);

    p = malloc(len);
    assert_non_null(p);
    memcpy(p, msg, len);

    expect_hash(p, len,
                "248d6a61d20638b8e5c026930c3e6039"
                "a33ce45964ff2167f6ecedd419db06c1");

    free(p);
}


static void
test_sha256_896_bits(void **state)
{
    char        *p;
    size_t       len;
    const char   msg[] =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
        "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

    (void) state;

    len = sizeof(msg) - 1;
    assert_int_equal(len * 8, 896);

    p = malloc(len);
    assert_non_null(p);
    memcpy(p, msg, len);

    expect_hash(p, len,
                "cf5b16a778af8380036ce59e7b049237"
                "0b249b11e8f07a51afac45037afee9d1");

    free(p);
}


static void
test_sha256_million_a(void **state)
{
    char  *p;

    (void) state;

    p = malloc(1000000);
    assert_non_null(p);
    memset(p, 'a', 1000000);

    expect_hash(p, 1000000,
                "cdc76e5c9914fb9281a1c7e284d73e67"
                "f1809a48a497200e046d39ccc7112cd0");

    free(p);
}


static void
test_sha256_random(void **state)
{
    char    *p;
    size_t   i;

    (void) state;

    for (i = 0; i < sizeof(random_cases) / sizeof(random_cases[0]); i++) {
        p = lcg_bytes(random_cases[i].len);

        expect_hash(p, random_cases[i].len, random_cases[i].hex);

        free(p);
    }
}


static void
test_sha256_unaligned(void **state)
{
    char     *p;
    size_t    off;
    uint8_t   a[CATALOG_SHA256_LEN], b[CATALOG_SHA256_LEN];

    (void) state;

    /* the same bytes at every alignment give the same hash */

    p = malloc(1000 + 8);
    assert_non_null(p);

    memset(p, 'x', 1000 + 8);
    catalog_sha256(p, 1000, a);

    for (off = 1; off < 8; off++) {
        catalog_sha256(p + off, 1000, b);
        assert_memory_equal(a, b, CATALOG_SHA256_LEN);
    }

    free(p);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_sha256_empty),
        cmocka_unit_test(test_sha256_abc),
        cmocka_unit_test(test_sha256_448_bits),
        cmocka_unit_test(test_sha256_896_bits),
        cmocka_unit_test(test_sha256_million_a),
        cmocka_unit_test(test_sha256_random),
        cmocka_unit_test(test_sha256_unaligned),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
