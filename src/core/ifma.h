/*
 * ifma.h: modular multiplication and exponentiation on AVX-512 IFMA.
 *
 * Numbers live in radix 2^52: D digits of 52 bits, each in its own 64-bit
 * lane, D a multiple of 8 (one 512-bit vector holds 8 digits).  The product
 * is an "almost Montgomery" multiplication (AMM): with R = 2^(52 D) > 4N,
 * inputs below 2N give a · b / R mod N, again below 2N, without the final
 * comparison and subtraction, so the product has no data-dependent branch or
 * memory address at all.  vpmadd52luq / vpmadd52huq do the 52 x 52-bit
 * products; the lanes carry 12 spare bits, so carries are propagated once
 * per product, not once per digit.
 *
 * Everything here runs only when the CPU reports AVX-512F and AVX-512 IFMA
 * (ifma_available()); callers keep the GMP path for every other machine, and
 * the unit tests check the two against each other.
 */
#ifndef MPC_IFMA_H
#define MPC_IFMA_H

#include <gmp.h>
#include <stdint.h>

#include "mpc_common.h"

#define IFMA_MAX_DIGITS 192		/* moduli up to 52 * 192 - 2 = 9982 bits */

typedef struct ifma_ctx
{
	size_t		digits;			/* D, a multiple of 8 */
	size_t		nlimbs;			/* GMP limbs of N */
	uint64_t	k0;				/* -N^-1 mod 2^52 */
	uint64_t   *n;				/* N in D digits */
	uint64_t   *rr;				/* R^2 mod N in D digits */
	mp_limb_t  *nl;				/* N in nlimbs limbs */
} ifma_ctx;

/* Nonzero when the CPU has AVX-512F + IFMA and ifma_set_enabled(0) was not
 * called.  The answer for the CPU is computed once; the environment variable
 * MPC_DISABLE_IFMA=1 makes it "no", so a machine with IFMA can run every
 * test as a machine without it would. */
int			ifma_available(void);
/* Turn the IFMA paths off (0) or back on (1): tests and a GUC use it to run
 * the portable path on a machine that has IFMA. */
void		ifma_set_enabled(int on);

/* d[0, D) = the D 52-bit digits of limbs[0, nl) (bits above 52 D dropped),
 * and back: limbs[0, nl) of normalised digits d[0, D).  Branch only on the
 * (public) lengths. */
void		ifma_digits_of_limbs(uint64_t *d, size_t D, const mp_limb_t *limbs, size_t nl);
void		ifma_limbs_of_digits(mp_limb_t *limbs, size_t nl, const uint64_t *d, size_t D);
/* The fixed window width for an exponent of ebits bits: fewest products. */
unsigned	ifma_pow_window(size_t ebits);

/* Digits for a modulus of mod_bits bits (0 if too large). */
size_t		ifma_digits(size_t mod_bits);
/* Bytes of the buffer a context needs, alignment slack included. */
size_t		ifma_ctx_bytes(size_t mod_bits);
/* Build a context for an odd N > 1 in buf.  R^2 mod N is computed with
 * mpn_sec_div_r, so N (which may be p^2) does not steer the timing. */
mpc_status	ifma_ctx_init(ifma_ctx *c, void *buf, size_t buflen, const mpz_t mod,
						  mpc_error *err);

/* The same from limbs: mod[0, L) odd, > 1, of 'bits' bits (public).  Reads
 * the limbs without branching on them, so the modulus may be secret. */
mpc_status	ifma_ctx_init_limbs(ifma_ctx *c, void *buf, size_t buflen, const mp_limb_t *mod,
								size_t L, size_t bits, mpc_error *err);

/* r = a b / R mod N for a, b < 2N (D digits each, 52-bit digits); r < 2N.
 * r may alias a or b.  Time depends on D only. */
void		ifma_mul(const ifma_ctx *c, uint64_t *r, const uint64_t *a, const uint64_t *b);
/* r = x R mod N (Montgomery form) for 0 <= x < N. */
void		ifma_to_mont(const ifma_ctx *c, uint64_t *r, const mpz_t x);
/* out = a / R mod N, fully reduced to [0, N). */
void		ifma_from_mont(const ifma_ctx *c, mpz_t out, const uint64_t *a);
/* out = entry idx of a table of count entries of D digits, reading every
 * entry (constant time in idx). */
void		ifma_select(const ifma_ctx *c, uint64_t *out, const uint64_t *tab, size_t count,
						uint64_t idx);

/* out = base^e mod N with a fixed window, constant time in e: every window
 * costs the same squarings, one table scan and one product, whatever its
 * digit.  e must satisfy 0 <= e < 2^ebits; ebits is public (e.g. the bit
 * length of p).  0 <= base < N. */
mpc_status	ifma_powm(const ifma_ctx *c, mpz_t out, const mpz_t base, const mpz_t e,
					  size_t ebits, mpc_error *err);

/* The same without a context: builds one for N on the way (a few products
 * more).  Returns MPC_ERR_ARG when N is too large for IFMA. */
mpc_status	ifma_powm_mod(mpz_t out, const mpz_t base, const mpz_t e, size_t ebits,
						  const mpz_t mod, mpc_error *err);

/* The k-bit digit of the exponent limbs e[] that starts at bit 'bit' (e must
 * have a limb to spare above it).  The position is public; only the bits
 * read are secret, and reading them does not branch on them. */
static inline mp_limb_t
mpc_window_digit(const mp_limb_t *e, size_t bit, unsigned k)
{
	size_t		li = bit / GMP_NUMB_BITS,
				sh = bit % GMP_NUMB_BITS;
	mp_limb_t	digit = e[li] >> sh;

	if (sh + k > GMP_NUMB_BITS)
		digit |= e[li + 1] << (GMP_NUMB_BITS - sh);
	return digit & (((mp_limb_t) 1 << k) - 1);
}

/* out = base^e mod N, constant time in e, for 0 <= e < 2^ebits (ebits a
 * public bound, such as the bit length of p for e = p - 1) and odd N: the
 * IFMA path when ifma_available(), else mpz_powm_sec.  base may be >= N. */
void		mpc_powm_sec(mpz_t out, const mpz_t base, const mpz_t e, size_t ebits,
						 const mpz_t mod);

/* The same on fixed-length limbs, for secret moduli too: rp, bp and mp have
 * n limbs, bp < mp, mp odd of modbits bits (public); ep has
 * ceil(ebits / GMP_NUMB_BITS) limbs, e > 0.  Nothing branches on or
 * indexes by the values (test/ctgrind checks it). */
void		mpc_powm_sec_limbs(mp_limb_t *rp, const mp_limb_t *bp, const mp_limb_t *ep,
							   size_t ebits, const mp_limb_t *mp, size_t n, size_t modbits);

/*
 * A product accumulator for sums of ciphertexts: digits acc with
 * acc = P R^-rexp mod N, where P is the product so far.  Each factor costs
 * one product (the factor is not converted to Montgomery form; the missing
 * powers of R are counted in rexp and put back once, in ifma_acc_get).
 * Factors and P are public (ciphertexts): nothing here is constant time.
 */
/* d = the big-endian number be[0, len), read a word at a time; it must be
 * below 2N (callers check it is below N).  Returns the OR of the digits:
 * 0 exactly when the number is 0. */
uint64_t	ifma_digits_of_be(const ifma_ctx *c, uint64_t *d, const uint8_t *be, size_t len);
/* out[0, len) = a b mod N, big-endian, for big-endian a, b < N of len bytes
 * (len <= 52 D / 8): two products, a b / R and then times R^2, and one
 * conditional subtraction.  Public operands (ciphertexts): ct + ct. */
void		ifma_mulmod_be(const ifma_ctx *c, uint8_t *out, const uint8_t *a, const uint8_t *b,
						   size_t len);
/* acc = 1 (the empty product), rexp = 0 */
void		ifma_acc_start(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp);
/* acc *= x for digits x < 2N: one product */
void		ifma_acc_mul(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp, const uint64_t *x);
/* acc *= the product held in (acc2, rexp2): one product */
void		ifma_acc_merge(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp, const uint64_t *acc2,
						   uint64_t rexp2);
/* out = P mod N, fully reduced: the one correction */
void		ifma_acc_get(const ifma_ctx *c, mpz_t out, const uint64_t *acc, uint64_t rexp);
/* out = (the accumulated product) * y mod N; out may be y */
void		ifma_acc_get_mul(const ifma_ctx *c, mpz_t out, const uint64_t *acc, uint64_t rexp,
							 const mpz_t y);
/* acc, rexp = x for 0 <= x < N (a product computed elsewhere) */
void		ifma_acc_set(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp, const mpz_t x);

#endif
