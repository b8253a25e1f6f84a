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

#endif
