/*
 * percentile.h: the secure comparison behind secure_percentile (the k-th
 * ranked value across databases by bisection, docs/secure-sum.md).
 *
 * Two parties take part in every comparison: A, who holds a fresh Paillier
 * key, and B, who holds only the public key.  B has Enc(x) for a secret
 * integer 0 <= x < 2^lx and wants A and B to learn the single bit [x < L]
 * for a public L <= 2^(lx-1), nothing more:
 *
 *  1. B draws R uniform in [0, 2^(lx + PCT_SIGMA)) and sends A
 *     Enc(x + R) (pct_mask_sum, which also forms Enc(x) from the parties'
 *     ciphertexts and a public offset).  A decrypts d = x + R: R hides x
 *     statistically (2^-PCT_SIGMA).
 *  2. A sends Enc(d_i) for the l = lx + PCT_SIGMA + 1 bits of d
 *     (pct_cmp_bits).
 *  3. B knows r = R + L < 2^l.  For every bit position i it forms
 *       e_i = d_i - r_i + 1 + 3 * sum_{j > i} (d_j XOR r_j)
 *     under encryption (d_j XOR r_j is d_j or 1 - d_j since B knows r_j),
 *     multiplies each by a fresh uniform unit of Z_n, rerandomises, and
 *     shuffles the l ciphertexts (pct_cmp_blind).
 *  4. A decrypts them (pct_cmp_open): some e_i is 0 exactly when, at the
 *     highest bit where d and r differ, d has 0 and r has 1, i.e. d < r,
 *     i.e. x < L.  The other plaintexts are uniform units, and the shuffle
 *     hides where the zero was.
 *
 * Ciphertexts travel as fixed-width big-endian byte strings of 2 * |n|
 * bytes (pct_ct_bytes).
 */
#ifndef MPC_PERCENTILE_H
#define MPC_PERCENTILE_H

#include <stddef.h>
#include <stdint.h>
#include <gmp.h>

#include "mpc_common.h"
#include "paillier.h"

#define PCT_SIGMA		40		/* statistical hiding of x by R, in bits */
#define PCT_MAX_LX		256		/* largest bit length of x accepted */
#define PCT_MAX_INPUTS	10000	/* ciphertexts summed by pct_mask_sum */

/* Rerandomise a valid ciphertext (the glue passes its DJN fast path). */
typedef mpc_status (*pct_rerand_fn) (const pai_pub *pk, mpz_t out, const mpz_t in,
									 mpc_error *err);

/* Encrypt 0 <= m < n (the glue passes its DJN fast path). */
typedef mpc_status (*pct_encrypt_fn) (const pai_pub *pk, mpz_t c, const mpz_t m, mpc_error *err);

/* Bytes of one serialised ciphertext under pk. */
size_t		pct_ct_bytes(const pai_pub *pk);
/* Write c (0 < c < n^2) into out[0 .. pct_ct_bytes). */
void		pct_ct_put(const pai_pub *pk, const mpz_t c, uint8_t *out);
/* Read and validate one ciphertext (0 < c < n^2, gcd(c, n) = 1). */
mpc_status	pct_ct_get(const pai_pub *pk, const uint8_t *in, size_t len, mpz_t c,
					   mpc_error *err);

/*
 * The zero-sum mask of party 'self' (1-based) of np parties for one step:
 *   m_self = sum_{j > self} P_j - sum_{j < self} P_j  mod n,
 * with P_j the (|n| + 64)-bit number read from am_prg_fill(keys[j], step,
 * tweak 0) (the authmsg "prg" key of the pair), reduced mod n.  Both parties
 * of a pair read the same P, so the masks of all parties sum to 0 mod n and
 * the sum of the masked count terms is the sum of the terms; a single
 * masked term is statistically uniform (2^-64) to anyone without the pair
 * keys, the comparer included.  keys holds np * AM_KEY_LEN bytes; self's
 * slot is not read.
 */
mpc_status	pct_zero_mask(const pai_pub *pk, const uint8_t *keys, int np, int self, int64_t step,
						  mpz_t mask, mpc_error *err);

/* Bits of the comparison for lx: lx + PCT_SIGMA + 1. */
/* Enc(v mod n) with enc: a party's term of the sum, which may exceed the
 * key's fixed-point range (it is reduced mod n, as the protocol intends). */
mpc_status	pct_encrypt_mod(const pai_pub *pk, pct_encrypt_fn enc, const mpz_t v, mpz_t c,
							mpc_error *err);
int			pct_cmp_len(int lx);

/*
 * B's first step: out = Enc(sum of cts + offset + R) with R uniform in
 * [0, 2^(lx + PCT_SIGMA)), returned in R (a secret of B).  offset may be
 * negative; it is reduced mod n.  1 <= ncts <= PCT_MAX_INPUTS,
 * 1 <= lx <= PCT_MAX_LX, and n must exceed 2^(lx + PCT_SIGMA + 2).
 */
mpc_status	pct_mask_sum(const pai_pub *pk, const mpz_t *cts, int ncts, const mpz_t offset,
						 int lx, pct_rerand_fn rerand, mpz_t out, mpz_t R, mpc_error *err);

/* A's second step: decrypt ct to d, check d < 2^l (l = pct_cmp_len(lx)),
 * and encrypt its l bits, least significant first, into bits[0 .. l). */
mpc_status	pct_cmp_bits(const pai_priv *sk, const mpz_t ct, int lx, pct_encrypt_fn enc,
						 mpz_t *bits, mpc_error *err);

/* B's third step: from A's l bit ciphertexts and r (0 <= r < 2^l) the l
 * blinded, rerandomised and shuffled ciphertexts of the e_i. */
mpc_status	pct_cmp_blind(const pai_pub *pk, const mpz_t *bits, int lx, const mpz_t r,
						  pct_rerand_fn rerand, mpz_t *out, mpc_error *err);

/* A's last step: *less = 1 when one of the l ciphertexts decrypts to 0
 * (d < r), else 0.  Every ciphertext is tested, whatever is found.  The
 * test is modulo p only: c^(p-1) = 1 mod p^2 exactly when p divides the
 * plaintext, and a plaintext e * rho with 0 <= e < p and rho a unit is
 * divisible by p only when e = 0.  That is half a decryption. */
mpc_status	pct_cmp_open(const pai_priv *sk, const mpz_t *cts, int lx, int *less,
						 mpc_error *err);

#endif
