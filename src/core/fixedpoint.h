/*
 * fixedpoint.h: the fixed-point rules of encrypted values and their public
 * magnitude bound.
 *
 * An encrypted value at scale s holds the integer v = x * 10^s (encoding.h).
 * Every value also carries a public bound B: |v| <= 2^B.  Encryption sets B
 * from a declared range (max_abs), never from the value; every operation
 * derives the bound of its result from the bounds of its operands:
 *
 *   a + b, a - b        max(Ba, Bb) + 1          (after lifting to one scale)
 *   -a                  Ba
 *   a * k               Ba + bits(|k|)
 *   lift by d digits    Ba + bits(10^d)           (c^(10^d))
 *   a + k (plaintext)   max(Ba, ceil_log2(|k|)) + 1
 *   sum of N values     max(B) + ceil_log2(N)
 *
 * A result whose bound exceeds the key's budget fx_limit(pk) = |n| - 3 could
 * wrap past n/3, so the operation fails with MPC_ERR_OVERFLOW before it
 * computes anything.  2^(|n| - 3) <= floor(n/3) - 1 for every n, so a value
 * within the budget always decrypts to itself.
 */
#ifndef MPC_FIXEDPOINT_H
#define MPC_FIXEDPOINT_H

#include <gmp.h>
#include <stdint.h>

#include "mpc_common.h"
#include "paillier.h"

/* Headroom of values whose bound is not known (format v1 ciphertexts):
 * they are taken to satisfy |v| <= 2^(fx_limit - FX_LEGACY_HEADROOM). */
#define FX_LEGACY_HEADROOM 64

/* Default declared ranges at encryption (|x| <= 2^bits before the scale). */
#define FX_DEFAULT_BITS_INT8	63
#define FX_DEFAULT_BITS_NUMERIC	128

/* An encrypted fixed-point value: c mod n^2, scale, bound. */
typedef struct fx_ct
{
	mpz_t		c;
	int			scale;
	uint32_t	bound;			/* |v| <= 2^bound */
} fx_ct;

void		fx_init(fx_ct *x);
void		fx_clear(fx_ct *x);

/* The largest bound a value of this key may have: |n| - 3. */
uint32_t	fx_limit(const pai_pub *pk);
/* The same from the bit length of n (for layouts that only store n). */
uint32_t	fx_limit_bits(size_t nbits);
/* The bound assumed for a value whose bound was never recorded. */
uint32_t	fx_legacy_bound(size_t nbits);

/* bits(10^d): the bound a lift by d digits adds (0 for d = 0). */
uint32_t	fx_pow10_bits(int d);
/* Smallest B with |a| <= 2^B (0 for |a| <= 1). */
uint32_t	fx_ceil_log2(const mpz_t a);
/* ceil(log2(n)) for a count n >= 1. */
uint32_t	fx_ceil_log2_u64(uint64_t n);

/* MPC_ERR_OVERFLOW when bound > fx_limit(pk); 'what' says which operation's
 * result would overflow. */
mpc_status	fx_check_bound(const pai_pub *pk, uint64_t bound, const char *what,
						   mpc_error *err);

/*
 * Encryption declares a range |x| <= max_k / 10^max_f (max_k >= 0); the
 * bound of v = x * 10^scale is ceil_log2(ceil(max_k * 10^scale / 10^max_f)).
 * MPC_ERR_OVERFLOW when that range does not fit the key.  The bound never
 * depends on the value; fx_within_max checks the value against the range
 * (scale and max_f as checked by fx_declared_bound).
 */
mpc_status	fx_declared_bound(const pai_pub *pk, int scale, const mpz_t max_k, int max_f,
							  uint32_t *bound, mpc_error *err);
int			fx_within_max(const mpz_t v, int scale, const mpz_t max_k, int max_f);
/* The default range of an integer type or a decimal type: 2^bits. */
void		fx_default_max(mpz_t max_k, unsigned bits);

/* The same value at a scale d >= 0 digits larger: c^(10^d). */
mpc_status	fx_lift(const pai_pub *pk, fx_ct *x, int new_scale, mpc_error *err);
/* The scale and bound of a +/- b (operands at scale_a / scale_b with bounds
 * bound_a / bound_b), checked against the key's range: what fx_add uses,
 * for callers that multiply the ciphertexts themselves (the IFMA path of
 * SQL ct + ct, at equal scales). */
mpc_status	fx_add_result(const pai_pub *pk, int scale_a, uint32_t bound_a, int scale_b,
						  uint32_t bound_b, int sub, int *scale, uint32_t *bound,
						  mpc_error *err);
/* out = a + b (sub = 0) or a - b (sub = 1) at the larger scale; out may be
 * a or b. */
mpc_status	fx_add(const pai_pub *pk, fx_ct *out, fx_ct *a, fx_ct *b, int sub, mpc_error *err);
/* out = -a. */
mpc_status	fx_neg(const pai_pub *pk, fx_ct *out, const fx_ct *a, mpc_error *err);
/* out = a + k / 10^f (a plaintext; k already signed) at scale max(s, f). */
mpc_status	fx_add_plain(const pai_pub *pk, fx_ct *out, fx_ct *a, const mpz_t k, int f,
						 mpc_error *err);
/* out = a * k / 10^f at scale s + f. */
mpc_status	fx_mul_plain(const pai_pub *pk, fx_ct *out, const fx_ct *a, const mpz_t k, int f,
						 mpc_error *err);
/* The scale and bound of a * k for scalars of at most kbits bits at scale f
 * (the checks of fx_mul_plain without the arithmetic, for batches). */
mpc_status	fx_mul_result(const pai_pub *pk, const fx_ct *a, uint32_t kbits, int f,
						  int *scale, uint32_t *bound, mpc_error *err);

/*
 * python-paillier's encoding x = m * 16^e: turn Enc(m) into Enc(x * 10^s)
 * in place, exactly (e >= 0: c^(16^e), s = 0; e < 0: c^(5^s), s = -4e).
 * The result's bound is the caller's declared range, not a propagation.
 */
mpc_status	fx_from_base16(const pai_pub *pk, mpz_t c, long e, int *scale, mpc_error *err);

/*
 * One ciphertext times many scalars (paillier_mul_many) through one
 * fixed-base table of c mod n^2.  fx_mul_many_bytes says how large a buffer
 * the table needs (0: too few scalars to pay for one, multiply one by one)
 * and which window, within max_bytes.  fx_mul_many fills out[i] = c^k[i]
 * for every i with !skip[i]; every |k[i]| < 2^maxbits.  With constant_time
 * the table scans and products do not depend on the magnitudes of the
 * scalars (the signs are not hidden); without, about twice as fast.
 * MPC_ERR_INTERRUPTED when the interrupt hook asks: the caller may retry.
 * The bound of the results is fx_mul_result's with the largest scalar.
 */
#define FX_MANY_MIN_TABLE	3
/* Cost of scanning one table entry relative to one modular multiplication,
 * measured with bench/bench_paillier (see docs/performance.md). */
#define FX_MANY_SCAN_WEIGHT	0.006

size_t		fx_mul_many_bytes(const pai_pub *pk, size_t maxbits, size_t count,
							  int constant_time, size_t max_bytes, unsigned *window);
mpc_status	fx_mul_many(const pai_pub *pk, const mpz_t c, const mpz_t *k,
						const unsigned char *skip, size_t n, int constant_time, void *buf,
						size_t bytes, unsigned window, size_t maxbits, mpz_t *out,
						mpc_error *err);

/*
 * A running encrypted sum (the state of sum()): the product of the terms
 * mod n^2, the largest scale so far, the largest term bound at that scale
 * and the count of terms.  Its bound is max_bound + ceil_log2(count).
 */
typedef struct fx_sum
{
	mpz_t		acc;
	int			scale;
	uint32_t	max_bound;
	uint64_t	count;
	uint32_t	limit;			/* fx_limit of the key */
} fx_sum;

/* An empty sum at 'scale' (acc = 1, the product of nothing). */
void		fx_sum_init(fx_sum *s, uint32_t limit, int scale);
void		fx_sum_clear(fx_sum *s);
uint32_t	fx_sum_bound(const fx_sum *s);
/* The bookkeeping of fx_sum_add alone, for a caller that keeps the product
 * itself (sum() on IFMA): 'count' terms at the sum's own scale, largest
 * term bound max_bound; checks the bound of the result.  s->acc is not
 * touched. */
mpc_status	fx_sum_account(fx_sum *s, int scale, uint32_t max_bound, uint64_t count,
						   mpc_error *err);
/* Add 'count' terms already multiplied into c (one row: count 1; a partial
 * sum from another worker: its count), whose scale is 'scale' and whose
 * largest term bound is max_bound.  c is clobbered.  Checks the bound of
 * the result before computing. */
mpc_status	fx_sum_add(fx_sum *s, const mpz_t n2, mpz_t c, int scale, uint32_t max_bound,
					   uint64_t count, mpc_error *err);

#endif
