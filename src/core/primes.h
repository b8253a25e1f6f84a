/*
 * primes.h: small primes, random primes for key generation, and the base-2
 * Fermat test of candidate primes, eight at a time on AVX-512 IFMA.
 */
#ifndef MPC_PRIMES_H
#define MPC_PRIMES_H

#include <gmp.h>

#include "mpc_common.h"

/* Does x have a prime factor below 2^16 (other than x itself)? */
int			prime_has_small_factor(const mpz_t x);

/* The first count odd primes (3, 5, 7, ...), from the one table of primes
 * below 2^16, for sieves; NULL when count is more than 6541 (the odd
 * primes below 2^16). */
const unsigned int *prime_small_odd(int count);

/*
 * passes[i] = 1 when 2^(x[i] - 1) mod x[i] = 1 (x[i] is a base-2 Fermat
 * probable prime), else 0, for count odd candidates x[i] > 3 of one bit
 * length (public).  Constant time in the candidates until each verdict:
 * eight per multi-buffer IFMA call (ifma8_powm_limbs) when ifma_available(),
 * else one mpc_powm_sec_limbs each.  Only the verdicts are declassified.
 * MPC_ERR_ARG when a candidate is even, below 5 or of another length.
 */
mpc_status	prime_fermat2_many(int *passes, const mpz_t *x, size_t count, mpc_error *err);

/*
 * Is x a probable prime?  The same verdict strength as GMP's
 * mpz_probab_prime_p(x, 32): a Baillie-PSW test (mpz_probab_prime_p(x, 24))
 * and then 8 Miller-Rabin rounds, here to bases derived from x by SHA-256
 * and all eight exponentiations in one multi-buffer IFMA call when
 * ifma_available() and x has at least 64 bits; otherwise GMP's own 8
 * rounds.  Variable time, like mpz_probab_prime_p: for checking a key once,
 * not per use.  1 = probably prime, 0 = composite (x <= 0 goes to GMP,
 * which tests |x|).
 */
int			prime_probable(const mpz_t x);

/* The 8 Miller-Rabin rounds of prime_probable alone, for tests: 1 when x
 * passes all, 0 when one shows x composite, -1 when the multi-buffer path
 * cannot run (no IFMA, x not positive, even, or below 64 bits). */
int			prime_miller_rabin8(const mpz_t x);

/*
 * out = a random prime of exactly 'bits' bits (>= 16) with its top two bits
 * set, from mpc_random_bytes: a random odd start, then the first candidate
 * start + delta with no prime factor below the sieve bound that passes the
 * test.  With IFMA, candidates are sieved eight at a time and the test is
 * the base-2 Fermat test of prime_fermat2_many alone: out is then a
 * probable prime, which pai_keygen_with proves with pai_priv_check (a
 * Fermat liar only costs a retry).  Without IFMA, mpz_probab_prime_p(x, 30)
 * each, as before.
 */
mpc_status	prime_random(mpz_t out, size_t bits, mpc_error *err);

/* x = a uniform odd number of exactly bits bits, top two bits set. */
mpc_status	prime_random_start(mpz_t x, size_t bits, mpc_error *err);

/* prime_random with a batch of 'batch' candidates per Fermat call (1 .. 8):
 * batch 1 is the GMP path.  For tests and benchmarks. */
mpc_status	prime_random_batch(mpz_t out, size_t bits, int batch, mpc_error *err);

#endif
