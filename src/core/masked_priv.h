/*
 * masked_priv.h: what masked.c (messages) and masked_mask.c (masks and
 * arithmetic) share; not part of the core's interface.
 */
#ifndef MPC_MASKED_PRIV_H
#define MPC_MASKED_PRIV_H

#include "masked.h"

/* tweaks: 0 pairwise masks, 1 self masks (mask_add), then share pads (am_prg_fill) */
#define TW_PAIR		0
#define TW_SELF		1
#define TW_SHARE(sender)	(((uint64_t) (sender) + 1) << 32 | 2)

static inline void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t) (v >> 24);
	b[1] = (uint8_t) (v >> 16);
	b[2] = (uint8_t) (v >> 8);
	b[3] = (uint8_t) v;
}

static inline void
put64(uint8_t *b, uint64_t v)
{
	put32(b, (uint32_t) (v >> 32));
	put32(b + 4, (uint32_t) v);
}

static inline uint32_t
get32(const uint8_t *b)
{
	return ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16) | ((uint32_t) b[2] << 8) | b[3];
}

static inline uint64_t
get64(const uint8_t *b)
{
	return ((uint64_t) get32(b) << 32) | get32(b + 4);
}

static inline int
is_active(const pem_ctx *c, uint32_t k)
{
	return c->active == NULL || c->active[k];
}

/*
 * Let libsodium pick its vectorised ChaCha20 and BLAKE2b (idempotent); if
 * it cannot initialise, its portable implementations run, with the same
 * output.
 */
void		pem_sodium(void);

/* y +/-= the pairwise term of party 'of' with party 'with' under round key rk */
void		pem_pair_term(const uint8_t rk[PEM_SEED_LEN], int64_t round, uint32_t of, uint32_t with,
						  uint32_t n, int sign, uint64_t *y);

#endif
