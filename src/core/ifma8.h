/*
 * ifma8.h: multi-buffer AVX-512 IFMA: eight numbers at once, one per
 * 64-bit lane.
 *
 * A number of D digits (52 bits each, as in ifma.h) is stored digit-major:
 * word 8 i + l is digit i of lane l, so one 512-bit vector holds digit i of
 * all eight numbers and every instruction works on the eight lanes alike.
 * Each lane has its own modulus (they may be equal), its own Montgomery
 * constant and its own exponent.  The product is the same almost Montgomery
 * product as ifma.h's (inputs below 2N, output below 2N, R = 2^(52 D) > 4N)
 * computed column by column (product scanning), so no lane ever needs a
 * shift across lanes and the per-lane q is one more vpmadd52luq.
 *
 * Nothing branches on or indexes memory by a digit, a modulus or an
 * exponent (test/ctgrind checks it); the table scan picks each lane's entry
 * with a compare mask.  Runs only when ifma_available().
 */
#ifndef MPC_IFMA8_H
#define MPC_IFMA8_H

#include <gmp.h>
#include <stdint.h>

#include "ifma.h"
#include "mpc_common.h"

#define IFMA8_LANES 8

/*
 * rp[l][0, n) = bp[l]^ep[l] mod mp[l] for the eight lanes l, constant time
 * in the bases, exponents and moduli: every mp[l] is odd, > 1, of n limbs
 * and exactly modbits bits (public); bp[l] < mp[l] (n limbs);
 * ep[l] < 2^ebits with ceil(ebits / GMP_NUMB_BITS) limbs (ebits public).
 * Lanes whose modulus pointer equals an earlier lane's share its constants
 * (a public fact about the call, not about the values).  Returns MPC_ERR_ARG
 * when IFMA is unavailable or the modulus is too large (callers then use
 * mpc_powm_sec_limbs per lane).
 */
mpc_status	ifma8_powm_limbs(mp_limb_t *const rp[IFMA8_LANES], const mp_limb_t *const bp[IFMA8_LANES],
							 const mp_limb_t *const ep[IFMA8_LANES], size_t ebits,
							 const mp_limb_t *const mp[IFMA8_LANES], size_t n, size_t modbits,
							 mpc_error *err);

/*
 * rp[l][0, n) = ap[l] bp[l] mod mp[l] for the eight lanes (same conditions
 * on the moduli; ap[l], bp[l] < mp[l]): two products per lane, the
 * multi-buffer counterpart of a modular multiplication.  For tests and
 * benchmarks of the product itself.
 */
mpc_status	ifma8_mulmod_limbs(mp_limb_t *const rp[IFMA8_LANES], const mp_limb_t *const ap[IFMA8_LANES],
							   const mp_limb_t *const bp[IFMA8_LANES],
							   const mp_limb_t *const mp[IFMA8_LANES], size_t n, size_t modbits,
							   mpc_error *err);

/*
 * Horner's rule on the eight lanes: rp[l][0, n) = prod_{s < count}
 * xp[s * 8 + l]^(2^(b s)) mod mp[l] (each xp[...] < mp[l], n limbs; the
 * same conditions on the moduli as above).  count - 1 runs of b squarings
 * and two products per term, in Montgomery form throughout: what packing
 * count values into slots of b bits costs on ciphertexts.  count and b are
 * public.
 */
mpc_status	ifma8_horner_limbs(mp_limb_t *const rp[IFMA8_LANES], const mp_limb_t *const *xp,
							   size_t count, unsigned b, const mp_limb_t *const mp[IFMA8_LANES],
							   size_t n, size_t modbits, mpc_error *err);

/*
 * Eight powers of one fixed base from its single-buffer IFMA table
 * (fixedbase.h: 'windows' rows of 2^k entries of ic->digits digits each,
 * Montgomery form for ic): rp[l][0, ic->nlimbs) = prod over windows w of
 * the entry of window w and the k-bit digit w of ep[l] (which needs a
 * spare limb above its top window).  One product per window; each lane's
 * entry is picked by scanning the whole row with a compare mask.
 */
mpc_status	ifma8_table_pow(const ifma_ctx *ic, const uint64_t *rows, size_t windows, unsigned k,
							const mp_limb_t *const ep[IFMA8_LANES], mp_limb_t *const rp[IFMA8_LANES],
							mpc_error *err);

#endif
