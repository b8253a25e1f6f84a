/*
 * ct.h: constant-time helpers on GMP limbs.
 *
 * An mpz_t normalises itself (drops zero top limbs) and its functions branch
 * on the limbs' values; code that works on secrets therefore keeps them in
 * fixed-length limb arrays and goes through these helpers at the edges.
 * test/ctgrind checks the result under valgrind.
 */
#ifndef MPC_CT_H
#define MPC_CT_H

#include <gmp.h>
#include <stddef.h>

#include "mpc_common.h"

/* Nonzero when e (>= 0) has a bit at or above 'bits'.  Reads every limb
 * and branches only on the answer, which is public (a caller's bug). */
int			mpc_ct_exceeds_bits(const mpz_t e, size_t bits);

/* out = the number in p[0, n).  The count of zero top limbs, which every
 * mpz_t reveals through its size, is the only value-dependent quantity; it
 * is computed without branches and then treated as public. */
void		mpc_ct_mpz_set_limbs(mpz_t out, const mp_limb_t *p, size_t n);

/* r[0, n) = x, zero padded; x must have at most n limbs.  Copies by the
 * stored size of x, which is public. */
void		mpc_limbs_of_mpz(mp_limb_t *r, const mpz_t x, size_t n);

/*
 * Constant-time modular arithmetic on limbs (GMP's mpn_sec_* underneath).
 * Sizes in limbs are public; the limbs are not.
 */

/* limb scratch from GMP's allocator, wiped by mpc_scratch_free */
typedef struct mpc_scratch_s
{
	mpz_t		z;
	size_t		n;
} mpc_scratch;

mp_limb_t  *mpc_scratch_get(mpc_scratch *s, size_t n);
void		mpc_scratch_free(mpc_scratch *s);
size_t		mpc_max_sz(size_t a, size_t b);

/* r[0, dn) = a[0, an) mod d[0, dn); d[dn - 1] != 0; r may not overlap a */
void		mpc_ct_mod(mp_limb_t *r, const mp_limb_t *a, size_t an, const mp_limb_t *d,
					   size_t dn);
/* r[0, xn) = L_x(u) = (u - 1) / x for u[0, un) = 1 mod x, u < x^2 */
void		mpc_ct_L(mp_limb_t *r, const mp_limb_t *u, size_t un, const mp_limb_t *x,
					 size_t xn);
/* r[0, mn) = a[0, an) * b[0, bn) mod m[0, mn); an >= bn */
void		mpc_ct_mulmod(mp_limb_t *r, const mp_limb_t *a, size_t an, const mp_limb_t *b,
						  size_t bn, const mp_limb_t *m, size_t mn);
/* out = a^-1 mod m for a >= 0 and odd m; 0 when a is not invertible */
int			mpc_ct_invert(mpz_t out, const mpz_t a, const mpz_t m);
/* out = a mod m for a >= 0, m > 0 */
void		mpc_ct_mod_mpz(mpz_t out, const mpz_t a, const mpz_t m);

#endif
