/* sha256.h: SHA-256 (FIPS 180-4), for key fingerprints and PRG expansion. */
#ifndef MPC_SHA256_H
#define MPC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

typedef struct sha256_ctx
{
	uint32_t	h[8];
	uint64_t	total;			/* bytes hashed so far */
	uint8_t		buf[64];
	size_t		used;
} sha256_ctx;

void		sha256_init(sha256_ctx *ctx);
void		sha256_update(sha256_ctx *ctx, const void *data, size_t len);
void		sha256_final(sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN]);
void		sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

/*
 * Counter-mode expander, the project's one PRG from a hash: block i (i = 0,
 * 1, ...) is SHA-256(a || b || be32(i) || c), and the first outlen bytes of
 * block 0 || block 1 || ... go to out.  DJN's base h and the zero-sum masks
 * use it; their stored and tested outputs depend on this exact layout.
 * Intermediate blocks are wiped.
 */
void		sha256_ctr_expand(const void *a, size_t alen, const void *b, size_t blen,
							  const void *c, size_t clen, uint8_t *out, size_t outlen);

/*
 * HMAC-SHA256 (RFC 2104), for authenticating protocol messages relayed through
 * a party that must not be able to alter them.  Keys longer than the block are
 * hashed first, as the RFC says.  The incremental form lets a caller MAC a
 * message made of several pieces without copying them together.
 */
typedef struct hmac_sha256_ctx
{
	sha256_ctx	inner;
	uint8_t		okey[64];		/* key XOR opad */
} hmac_sha256_ctx;

void		hmac_sha256_init(hmac_sha256_ctx *ctx, const void *key, size_t keylen);
void		hmac_sha256_update(hmac_sha256_ctx *ctx, const void *data, size_t len);
void		hmac_sha256_final(hmac_sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN]);
void		hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
						uint8_t out[SHA256_DIGEST_LEN]);

#endif
