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
 * out = a random prime of exactly 'bits' bits (>= 16) with its top two bits
 * set, from mpc_random_bytes: a random odd start, then the first candidate
 * start + delta with no prime factor below the sieve bound that passes the
 * primality test.  With IFMA, candidates are sieved eight at a time and the
 * test is prime_fermat2_many; without it, mpz_probab_prime_p(x, 30) each.
 * pai_keygen_with proves the primes with pai_priv_check afterwards.
 */
mpc_status	prime_random(mpz_t out, size_t bits, mpc_error *err);

/* prime_random with a batch of 'batch' candidates per Fermat call (1 .. 8):
 * batch 1 is the GMP path.  For tests and benchmarks. */
mpc_status	prime_random_batch(mpz_t out, size_t bits, int batch, mpc_error *err);

#endif
