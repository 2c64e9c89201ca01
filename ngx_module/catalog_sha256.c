
/*
 * Copyright (C) ngx_catalog developers
 */


/*
 * SHA-256 as FIPS 180-4 describes it, for the hashes of admin tokens: no
 * OpenSSL, so that the module needs nothing beyond jansson and hiredis.
 * The running time depends on the length of the input only.
 */


#include <string.h>

#include <catalog_admin.h>


#define catalog_sha256_rotr(x, n)  (((x) >> (n)) | ((x) << (32 - (n))))

#define catalog_sha256_ch(x, y, z)   (((x) & (y)) ^ (~(x) & (z)))
#define catalog_sha256_maj(x, y, z)  (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))

#define catalog_sha256_s0(x)                                                  \
    (catalog_sha256_rotr(x, 2) ^ catalog_sha256_rotr(x, 13)                   \
     ^ catalog_sha256_rotr(x, 22))
#define catalog_sha256_s1(x)                                                  \
    (catalog_sha256_rotr(x, 6) ^ catalog_sha256_rotr(x, 11)                   \
     ^ catalog_sha256_rotr(x, 25))
#define catalog_sha256_g0(x)                                                  \
    (catalog_sha256_rotr(x, 7) ^ catalog_sha256_rotr(x, 18) ^ ((x) >> 3))
#define catalog_sha256_g1(x)                                                  \
    (catalog_sha256_rotr(x, 17) ^ catalog_sha256_rotr(x, 19) ^ ((x) >> 10))


typedef struct {
    uint32_t                      h[8];
    uint64_t                      bytes;       /* hashed so far */
    size_t                        used;        /* bytes in block */
    uint8_t                       block[64];
} catalog_sha256_ctx_t;


static void catalog_sha256_init(catalog_sha256_ctx_t *ctx);
static void catalog_sha256_update(catalog_sha256_ctx_t *ctx,
    const uint8_t *p, size_t len);
static void catalog_sha256_final(catalog_sha256_ctx_t *ctx,
    uint8_t out[CATALOG_SHA256_LEN]);
static void catalog_sha256_block(catalog_sha256_ctx_t *ctx,
    const uint8_t *p);


/*
 * FIPS 180-4, 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes
 */

static const uint32_t  catalog_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
    0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};


void
catalog_sha256(const void *data, size_t len, uint8_t out[CATALOG_SHA256_LEN])
{
    catalog_sha256_ctx_t  ctx;

    catalog_sha256_init(&ctx);
    catalog_sha256_update(&ctx, data, len);
    catalog_sha256_final(&ctx, out);
}


static void
catalog_sha256_init(catalog_sha256_ctx_t *ctx)
{
    /* FIPS 180-4, 5.3.3 */

    ctx->h[0] = 0x6a09e667;
    ctx->h[1] = 0xbb67ae85;
    ctx->h[2] = 0x3c6ef372;
    ctx->h[3] = 0xa54ff53a;
    ctx->h[4] = 0x510e527f;
    ctx->h[5] = 0x9b05688c;
    ctx->h[6] = 0x1f83d9ab;
    ctx->h[7] = 0x5be0cd19;

    ctx->bytes = 0;
    ctx->used = 0;
}


static void
catalog_sha256_update(catalog_sha256_ctx_t *ctx, const uint8_t *p,
    size_t len)
{
    size_t  n;

    ctx->bytes += len;

    if (ctx->used) {
        n = 64 - ctx->used;

        if (n > len) {
            n = len;
        }

        memcpy(ctx->block + ctx->used, p, n);
        ctx->used += n;
        p += n;
        len -= n;

        if (ctx->used < 64) {
            return;
        }

        catalog_sha256_block(ctx, ctx->block);
        ctx->used = 0;
    }

    while (len >= 64) {
        catalog_sha256_block(ctx, p);
        p += 64;
        len -= 64;
    }

    if (len) {
        memcpy(ctx->block, p, len);
        ctx->used = len;
    }
}


static void
catalog_sha256_final(catalog_sha256_ctx_t *ctx,
    uint8_t out[CATALOG_SHA256_LEN])
{
    size_t    i;
    uint64_t  bits;

    /* FIPS 180-4, 5.1.1: a 1 bit, zeros, and the length in bits */

    bits = ctx->bytes * 8;

    ctx->block[ctx->used++] = 0x80;

    if (ctx->used > 56) {
        memset(ctx->block + ctx->used, 0, 64 - ctx->used);
        catalog_sha256_block(ctx, ctx->block);
        ctx->used = 0;
    }

    memset(ctx->block + ctx->used, 0, 56 - ctx->used);

    for (i = 0; i < 8; i++) {
        ctx->block[56 + i] = (uint8_t) (bits >> (56 - 8 * i));
    }

    catalog_sha256_block(ctx, ctx->block);

    for (i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t) (ctx->h[i] >> 24);
        out[4 * i + 1] = (uint8_t) (ctx->h[i] >> 16);
        out[4 * i + 2] = (uint8_t) (ctx->h[i] >> 8);
        out[4 * i + 3] = (uint8_t) ctx->h[i];
    }
}


static void
catalog_sha256_block(catalog_sha256_ctx_t *ctx, const uint8_t *p)
{
    size_t    i;
    uint32_t  a, b, c, d, e, f, g, h, t1, t2;
    uint32_t  w[64];

    /* FIPS 180-4, 6.2.2 */

    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t) p[4 * i] << 24
               | (uint32_t) p[4 * i + 1] << 16
               | (uint32_t) p[4 * i + 2] << 8
               | (uint32_t) p[4 * i + 3];
    }

    for (i = 16; i < 64; i++) {
        w[i] = catalog_sha256_g1(w[i - 2]) + w[i - 7]
               + catalog_sha256_g0(w[i - 15]) + w[i - 16];
    }

    a = ctx->h[0];
    b = ctx->h[1];
    c = ctx->h[2];
    d = ctx->h[3];
    e = ctx->h[4];
    f = ctx->h[5];
    g = ctx->h[6];
    h = ctx->h[7];

    for (i = 0; i < 64; i++) {
        t1 = h + catalog_sha256_s1(e) + catalog_sha256_ch(e, f, g)
             + catalog_sha256_k[i] + w[i];
        t2 = catalog_sha256_s0(a) + catalog_sha256_maj(a, b, c);

        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }

    ctx->h[0] += a;
    ctx->h[1] += b;
    ctx->h[2] += c;
    ctx->h[3] += d;
    ctx->h[4] += e;
    ctx->h[5] += f;
    ctx->h[6] += g;
    ctx->h[7] += h;
}
