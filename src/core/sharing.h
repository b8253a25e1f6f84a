/*
 * sharing.h: Shamir t-of-n secret sharing over the prime field F_P with
 * P = 2^521 - 1, and the exact decimal conversions the SQL layer needs.
 *
 * Why 2^521 - 1: it is a Mersenne prime (cheap to name and check), it is
 * comfortably above the 127 bits the issue asks for, and it holds a 256-bit
 * Diffie-Hellman exponent in one share, so the dropout recovery of the
 * zero-sum masks (zerosum.h) can share a private key without chunking.
 *
 * Secrets are signed integers s with |s| <= (P-1)/2, stored in the field as
 * s mod P; a reconstructed field element y is read back as y when
 * y <= (P-1)/2 and as y - P otherwise.  Share points x are 1..n.
 */
#ifndef MPC_SHARING_H
#define MPC_SHARING_H

#include <stddef.h>
#include <stdint.h>
#include <gmp.h>

#include "mpc_common.h"

#define SHAMIR_PRIME_BITS	521
#define SHAMIR_MAX_N		10000	/* bound on n, t and shares combined */
#define SHAMIR_Y_BYTES		66		/* a field element, big-endian, fixed */

/* P = 2^521 - 1; p must be initialised. */
void		shamir_prime(mpz_t p);

/* Signed integer -> field element.  Fails when |v| > (P-1)/2. */
mpc_status	shamir_signed_to_field(const mpz_t v, mpz_t out, mpc_error *err);
/* Field element in [0, P) -> signed integer in [-(P-1)/2, (P-1)/2]. */
void		shamir_field_to_signed(const mpz_t y, mpz_t out);
/* Is 0 <= y < P? */
int			shamir_in_field(const mpz_t y);

/*
 * Split a field element secret (0 <= secret < P) into n shares for the
 * points x = 1..n of a uniformly random polynomial of degree t-1 with
 * f(0) = secret.  ys must be an array of n initialised mpz_t; ys[i] gets
 * f(i+1).  1 <= t <= n <= SHAMIR_MAX_N.
 */
mpc_status	shamir_split(const mpz_t secret, int n, int t, mpz_t *ys, mpc_error *err);

/*
 * Reconstruct f(0) from k shares (xs[i], ts[i], ys[i]).  Every share must
 * carry the same threshold t; k >= t; points distinct and >= 1; values in
 * the field.  f(0) comes from the first t shares (any t determine f); every
 * further share must lie on the same polynomial, else MPC_ERR_ARG, so a
 * corrupted share is caught whenever more than t are given.  O(t^2 + k t).
 * secret gets the field element f(0).
 */
mpc_status	shamir_combine(int k, const int32_t *xs, const int32_t *ts,
						   mpz_t *ys, mpz_t secret, mpc_error *err);

/* Share-wise addition: both shares must have the same x and t. */
mpc_status	shamir_add(int32_t x1, int32_t t1, const mpz_t y1,
					   int32_t x2, int32_t t2, const mpz_t y2,
					   mpz_t out, mpc_error *err);

#endif
