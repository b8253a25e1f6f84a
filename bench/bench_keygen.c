/*
 * bench_keygen.c: Paillier key generation with the trial exponentiations
 * of the prime search on the multi-buffer IFMA (eight candidates per
 * ifma8_powm_limbs call, prime_fermat2_many) against the GMP path
 * (mpz_probab_prime_p per candidate, IFMA turned off: the code key
 * generation ran before), in thread CPU time.
 *
 * Key generation time is random (how far the first prime is from a random
 * start), so each figure is a mean over many keys, with its standard error;
 * the two paths alternate key by key so both see the same machine.  Also
 * the prime search alone (prime_random_batch, batch 8 against batch 1),
 * which is the part the multi-buffer path changes; the rest of a key is
 * pai_priv_check (mpz_probab_prime_p(p, 32) on both primes) and the CRT
 * constants, the same on both paths.
 *
 *   bench/build/bench_keygen [keys] [bits...]   (default: 20 keys, 2048 3072)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "ifma.h"
#include "paillier.h"
#include "primes.h"

typedef struct
{
	double		sum,
				sum2;
	int			n;
} stat;

static void
add(stat *s, double x)
{
	s->sum += x;
	s->sum2 += x * x;
	s->n++;
}

static double
mean(const stat *s)
{
	return s->sum / s->n;
}

/* standard error of the mean */
static double
sem(const stat *s)
{
	double		m = mean(s),
				var = (s->sum2 - s->n * m * m) / (s->n > 1 ? s->n - 1 : 1);

	return sqrt(var > 0 ? var / s->n : 0);
}

int
main(int argc, char **argv)
{
	int			keys = argc > 1 ? atoi(argv[1]) : 20;
	size_t		sizes[8] = {2048, 3072};
	int			nsizes = 2,
				a,
				k;

	mpc_set_rng(rng);
	if (argc > 2)
	{
		nsizes = 0;
		for (a = 2; a < argc && nsizes < 8; a++)
			sizes[nsizes++] = (size_t) atol(argv[a]);
	}
	if (!ifma_available())
	{
		printf("no AVX-512 IFMA on this CPU: nothing to compare\n");
		return 0;
	}
	printf("keys per figure: %d; thread CPU time, mean +- standard error\n", keys);
	printf("%6s  %-22s %14s %14s %7s\n", "bits", "what", "GMP path ms", "IFMA8 ms", "ratio");
	for (a = 0; a < nsizes; a++)
	{
		size_t		bits = sizes[a];
		stat		kg[2] = {{0}},
					pr[2] = {{0}};
		mpc_error	err;
		mpz_t		p;

		mpz_init(p);
		for (k = 0; k < keys; k++)
		{
			int			path;

			for (path = 0; path < 2; path++)
			{
				pai_priv	sk;
				double		t0;

				ifma_set_enabled(path);
				t0 = cpu_now();
				if (pai_keygen(&sk, bits, 512, &err) != MPC_OK)
				{
					fprintf(stderr, "keygen: %s\n", err.msg);
					return 1;
				}
				add(&kg[path], cpu_now() - t0);
				pai_priv_clear(&sk);

				t0 = cpu_now();
				if (prime_random_batch(p, bits / 2, path ? 8 : 1, &err) != MPC_OK)
				{
					fprintf(stderr, "prime: %s\n", err.msg);
					return 1;
				}
				add(&pr[path], cpu_now() - t0);
			}
		}
		ifma_set_enabled(1);
		printf("%6zu  %-22s %7.1f +- %4.1f %7.1f +- %4.1f %6.2fx\n", bits, "pai_keygen",
			   1e3 * mean(&kg[0]), 1e3 * sem(&kg[0]), 1e3 * mean(&kg[1]), 1e3 * sem(&kg[1]),
			   mean(&kg[0]) / mean(&kg[1]));
		printf("%6zu  %-22s %7.1f +- %4.1f %7.1f +- %4.1f %6.2fx\n", bits, "one prime of bits/2",
			   1e3 * mean(&pr[0]), 1e3 * sem(&pr[0]), 1e3 * mean(&pr[1]), 1e3 * sem(&pr[1]),
			   mean(&pr[0]) / mean(&pr[1]));
		mpz_clear(p);
	}
	return 0;
}
