/* sha256.c: SHA-256 as specified in FIPS 180-4. */
#include "sha256.h"

#include <string.h>

#include "mpc_common.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
compress(uint32_t h[8], const uint8_t block[64])
{
	uint32_t	w[64];
	uint32_t	a, b, c, d, e, f, g, hh;
	int			i;

	for (i = 0; i < 16; i++)
		w[i] = ((uint32_t) block[4 * i] << 24) | ((uint32_t) block[4 * i + 1] << 16) |
			((uint32_t) block[4 * i + 2] << 8) | (uint32_t) block[4 * i + 3];
	for (i = 16; i < 64; i++)
	{
		uint32_t	s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t	s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (i = 0; i < 64; i++)
	{
		uint32_t	S1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
		uint32_t	ch = (e & f) ^ (~e & g);
		uint32_t	t1 = hh + S1 + ch + K[i] + w[i];
		uint32_t	S0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
		uint32_t	maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t	t2 = S0 + maj;

		hh = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
	mpc_wipe(w, sizeof(w));
}

void
sha256_init(sha256_ctx *ctx)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(ctx->h, iv, sizeof(iv));
	ctx->total = 0;
	ctx->used = 0;
}

void
sha256_update(sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	ctx->total += len;
	while (len > 0)
	{
		size_t		take = 64 - ctx->used;

		if (take > len)
			take = len;
		memcpy(ctx->buf + ctx->used, p, take);
		ctx->used += take;
		p += take;
		len -= take;
		if (ctx->used == 64)
		{
			compress(ctx->h, ctx->buf);
			ctx->used = 0;
		}
	}
}

void
sha256_final(sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN])
{
	uint64_t	bits = ctx->total * 8;
	uint8_t		pad = 0x80;
	uint8_t		zero = 0;
	uint8_t		lenbuf[8];
	int			i;

	sha256_update(ctx, &pad, 1);
	while (ctx->used != 56)
		sha256_update(ctx, &zero, 1);
	for (i = 0; i < 8; i++)
		lenbuf[i] = (uint8_t) (bits >> (56 - 8 * i));
	sha256_update(ctx, lenbuf, 8);
	for (i = 0; i < 8; i++)
	{
		out[4 * i] = (uint8_t) (ctx->h[i] >> 24);
		out[4 * i + 1] = (uint8_t) (ctx->h[i] >> 16);
		out[4 * i + 2] = (uint8_t) (ctx->h[i] >> 8);
		out[4 * i + 3] = (uint8_t) ctx->h[i];
	}
	mpc_wipe(ctx, sizeof(*ctx));
}

void
sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN])
{
	sha256_ctx	ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}

void
sha256_ctr_expand(const void *a, size_t alen, const void *b, size_t blen,
				  const void *c, size_t clen, uint8_t *out, size_t outlen)
{
	sha256_ctx	ctx;
	uint8_t		block[SHA256_DIGEST_LEN];
	uint32_t	ctr;
	size_t		off;

	for (off = 0, ctr = 0; off < outlen; off += SHA256_DIGEST_LEN, ctr++)
	{
		uint8_t		be[4] = {(uint8_t) (ctr >> 24), (uint8_t) (ctr >> 16),
			(uint8_t) (ctr >> 8), (uint8_t) ctr};
		size_t		take = outlen - off < SHA256_DIGEST_LEN ? outlen - off : SHA256_DIGEST_LEN;

		sha256_init(&ctx);
		sha256_update(&ctx, a, alen);
		sha256_update(&ctx, b, blen);
		sha256_update(&ctx, be, sizeof(be));
		sha256_update(&ctx, c, clen);
		sha256_final(&ctx, block);
		memcpy(out + off, block, take);
	}
	mpc_wipe(block, sizeof(block));
}

void
hmac_sha256_init(hmac_sha256_ctx *ctx, const void *key, size_t keylen)
{
	uint8_t		k[64];
	uint8_t		ipad[64];
	int			i;

	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k))
		sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < 64; i++)
	{
		ipad[i] = k[i] ^ 0x36;
		ctx->okey[i] = k[i] ^ 0x5c;
	}
	sha256_init(&ctx->inner);
	sha256_update(&ctx->inner, ipad, sizeof(ipad));
	mpc_wipe(k, sizeof(k));
	mpc_wipe(ipad, sizeof(ipad));
}

void
hmac_sha256_update(hmac_sha256_ctx *ctx, const void *data, size_t len)
{
	sha256_update(&ctx->inner, data, len);
}

void
hmac_sha256_final(hmac_sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN])
{
	uint8_t		ih[SHA256_DIGEST_LEN];
	sha256_ctx	outer;

	sha256_final(&ctx->inner, ih);
	sha256_init(&outer);
	sha256_update(&outer, ctx->okey, sizeof(ctx->okey));
	sha256_update(&outer, ih, sizeof(ih));
	sha256_final(&outer, out);
	mpc_wipe(ih, sizeof(ih));
	mpc_wipe(ctx, sizeof(*ctx));
}

void
hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
			uint8_t out[SHA256_DIGEST_LEN])
{
	hmac_sha256_ctx ctx;

	hmac_sha256_init(&ctx, key, keylen);
	hmac_sha256_update(&ctx, data, len);
	hmac_sha256_final(&ctx, out);
}
