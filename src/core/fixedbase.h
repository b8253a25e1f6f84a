/*
 * fixedbase.h: fixed-base windowed exponentiation with a precomputed table.
 *
 * For a fixed base g and modulus N, the table holds
 *     T[w][d] = g^(d * 2^(k w)) mod N     for every window w and digit d < 2^k,
 * so g^e = prod_w T[w][digit_w(e)]: one modular multiplication per window and
 * no squarings.  Products are the AVX-512 IFMA products of ifma.h when the
 * CPU has them, else Montgomery products on a Karatsuba over GMP's
 * side-channel-silent mpn_sec_mul (fb_ct_mul) with a reduction that does not
 * branch on data, and every lookup
 * scans all 2^k entries of its window and keeps one with a mask, so neither
 * the memory addresses touched nor the branches taken depend on e.
 *
 * The table lives in one caller-provided buffer (fb_table_bytes()), so the
 * caller decides where it is allocated and for how long; the core keeps no
 * pointer to GMP-allocated memory inside it.
 */
#ifndef MPC_FIXEDBASE_H
#define MPC_FIXEDBASE_H

#include <gmp.h>

#include "ifma.h"
#include "mpc_common.h"

#define FB_MIN_WINDOW 1
#define FB_MAX_WINDOW 12

typedef struct fb_table
{
	size_t		nlimbs;			/* L: limbs of the modulus */
	size_t		stride;			/* limbs per entry: L rounded up to 8 */
	unsigned	window;			/* k: bits per window */
	size_t		windows;		/* ceil(maxbits / k) */
	size_t		maxbits;		/* exponents must be below 2^maxbits */
	mp_limb_t	ninv;			/* -N^-1 mod B (B = 2^GMP_NUMB_BITS) */
	mp_limb_t  *mod;			/* N, L limbs */
	mp_limb_t  *entries;		/* windows * 2^k entries of 'stride' limbs,
								 * in Montgomery form x B^L mod N except
								 * the last window's, in normal form */
	int			use_ifma;		/* built for the AVX-512 IFMA products
								 * (ifma.h): then the entries are 'digits'
								 * 52-bit digits each, all in Montgomery
								 * form, at idigits, and ic is the context */
	size_t		digits;
	ifma_ctx	ic;
	uint64_t   *idigits;
} fb_table;

/* Bytes of the buffer a table needs (0 if the parameters are out of range).
 * When ifma_available(), tables are built for the IFMA products, whose
 * entries are about 1.25 times larger; the answer follows that choice, so
 * call it right before fb_table_init. */
size_t		fb_table_bytes(size_t mod_bits, size_t maxbits, unsigned window);

/* Build the table for base^e mod N, 0 <= e < 2^maxbits, in buf (at least
 * fb_table_bytes() bytes, aligned for mp_limb_t).  N must be odd and > 1,
 * 0 < base < N.  Costs windows * (2^k - 1) modular multiplications. */
mpc_status	fb_table_init(fb_table *t, void *buf, size_t buflen, const mpz_t base,
						  const mpz_t mod, size_t maxbits, unsigned window, mpc_error *err);

/* out = base^e mod N for 0 <= e < 2^maxbits.  Time and memory accesses do not
 * depend on the value of e (only on maxbits).  out must not be e. */
mpc_status	fb_pow(const fb_table *t, mpz_t out, const mpz_t e, mpc_error *err);

/* Eight powers at once, out[l] = base^e[l] mod N, on the multi-buffer IFMA
 * products (ifma8.h), for a table built for IFMA (t->use_ifma; else
 * MPC_ERR_ARG).  Constant time in every e[l], as fb_pow. */
mpc_status	fb_pow8(const fb_table *t, mpz_t *out, const mpz_t *e, mpc_error *err);

/* The same with a direct table index and Karatsuba products: faster, but
 * its memory accesses and timing depend on e.  Only for public exponents;
 * the benchmark uses it to show what constant time costs. */
mpc_status	fb_pow_vartime(const fb_table *t, mpz_t out, const mpz_t e, mpc_error *err);

/* rp[0, 2n) = ap[0, n) * bp[0, n) in time that depends on n only: Karatsuba
 * with masked signs down to mpn_sec_mul.  s holds fb_ct_mul_itch(n) limbs;
 * rp must not overlap the inputs.  Exposed for the unit tests. */
size_t		fb_ct_mul_itch(size_t n);
void		fb_ct_mul(mp_limb_t *rp, const mp_limb_t *ap, const mp_limb_t *bp, size_t n,
					  mp_limb_t *s);

/* The window width that minimises the cost of 'count' exponentiations with
 * exponents of maxbits bits, table building included, among 1..max_window.
 * scan_weight is the relative cost of scanning one table entry against one
 * modular multiplication (measured; see docs/performance.md). */
unsigned	fb_best_window(size_t maxbits, size_t count, unsigned max_window,
						   double scan_weight);

#endif
