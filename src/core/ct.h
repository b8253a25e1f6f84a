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

#endif
