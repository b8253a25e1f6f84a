/*
 * ifma_priv.h: what ifma.c, ifma_pow.c and ifma_acc.c share and nobody
 * else uses.
 */
#ifndef MPC_IFMA_PRIV_H
#define MPC_IFMA_PRIV_H

#include <stdint.h>

#include "ifma.h"

#define MASK52 ((UINT64_C(1) << 52) - 1)

static inline size_t
limbs_for_bits(size_t bits)
{
	return (bits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS;
}

static inline uint64_t *
align64(void *p)
{
	return (uint64_t *) (((uintptr_t) p + 63) & ~(uintptr_t) 63);
}

/* r = x R mod N (Montgomery form) for x[0, xn) < N */
void		ifma_to_mont_limbs(const ifma_ctx *c, uint64_t *r, const mp_limb_t *x, size_t xn);

/* rp[0, nlimbs) = a / R mod N, fully reduced, in constant time */
void		ifma_from_mont_limbs(const ifma_ctx *c, mp_limb_t *rp, const uint64_t *a);

#endif
