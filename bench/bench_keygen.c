/*
 * bench_keygen.c: Paillier key generation with its trial exponentiations
 * on the multi-buffer IFMA, in thread CPU time, against
 *   - "before": what pai_keygen did on this CPU before: the prime search
 *     with mpz_probab_prime_p(x, 30) per sieved candidate, pai_priv_check
 *     with mpz_probab_prime_p(x, 32), both on GMP, then pai_priv_setup
 *     (its CRT constants on IFMA);
 *   - "GMP path": pai_keygen with IFMA turned off (a CPU without IFMA);
 *   - "IFMA8": pai_keygen now: eight sieved candidates per base-2 Fermat
 *     call (prime_fermat2_many), and pai_priv_check's eight Miller-Rabin
 *     rounds in one call (prime_probable).
 *
 * Key generation time is random (how far the first prime is from a random
 * start), so each figure is a mean over many keys, with its standard error;
 * the paths alternate key by key so all see the same machine.  Also the
 * prime search alone (prime_random_batch, batch 1 against batch 8).
 *
 *   bench/build/bench_keygen [keys] [bits...]   (default: 20 keys, 2048 3072)
 *   bench/build/bench_keygen -s [count] [bits...]
 *       the threshold scheme's safe primes of bits/2 bits instead
 *       (thr_safe_prime: eight candidates per Fermat call against the
 *       one-at-a-time search, IFMA off), count of each, alternating
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "ifma.h"
#include "paillier.h"
#include "primes.h"
#include "threshold.h"

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

/* pai_keygen as it ran before the multi-buffer path (see the top) */
static mpc_status
keygen_before(pai_priv *sk, size_t bits, mpc_error *err)
{
	mpz_t		p,
				q;
	mpc_status	st;

	mpz_inits(p, q, NULL);
	do
	{
		ifma_set_enabled(0);
		st = prime_random_batch(p, (bits + 1) / 2, 1, err);
		if (st == MPC_OK)
			st = prime_random_batch(q, bits / 2, 1, err);
		if (st == MPC_OK)
			st = pai_priv_check(p, q, 512, err);
		ifma_set_enabled(1);
		if (st == MPC_OK)
			st = pai_priv_setup(sk, p, q, 512, err);
		if (st == MPC_OK && sk->pub.nbits != bits)
		{
			pai_priv_clear(sk);
			st = MPC_ERR_KEY;
		}
	} while (st == MPC_ERR_KEY);
	mpz_clears(p, q, NULL);
	return st;
}

static int
safe_primes(int count, const size_t *sizes, int nsizes)
{
	int			a,
				k,
				path;

	printf("safe primes per figure: %d; thread CPU time, mean +- standard error\n", count);
	printf("%6s  %14s %14s %7s\n", "bits", "GMP path ms", "IFMA8 ms", "ratio");
	for (a = 0; a < nsizes; a++)
	{
		stat		sp[2] = {{0}};
		mpc_error	err;
		mpz_t		p;

		mpz_init(p);
		for (k = 0; k < count; k++)
			for (path = 0; path < 2; path++)
			{
				double		t0;

				ifma_set_enabled(path);
				t0 = cpu_now();
				if (thr_safe_prime(p, sizes[a] / 2, &err) != MPC_OK)
				{
					fprintf(stderr, "thr_safe_prime: %s\n", err.msg);
					return 1;
				}
				add(&sp[path], cpu_now() - t0);
			}
		ifma_set_enabled(1);
		printf("%6zu  %7.0f +- %4.0f %7.0f +- %4.0f %6.2fx  (safe primes of %zu bits)\n", sizes[a],
			   1e3 * mean(&sp[0]), 1e3 * sem(&sp[0]), 1e3 * mean(&sp[1]), 1e3 * sem(&sp[1]),
			   mean(&sp[0]) / mean(&sp[1]), sizes[a] / 2);
		mpz_clear(p);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int			safe = argc > 1 && strcmp(argv[1], "-s") == 0;
	int			keys;
	size_t		sizes[8] = {2048, 3072};
	int			nsizes = 2,
				a,
				k;

	if (safe)
	{
		argv++;
		argc--;
	}
	keys = argc > 1 ? atoi(argv[1]) : (safe ? 4 : 20);
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
	if (safe)
		return safe_primes(keys, sizes, nsizes);
	printf("keys per figure: %d; thread CPU time, mean +- standard error\n", keys);
	printf("%6s  %-20s %14s %14s %14s %8s\n", "bits", "what", "before ms", "GMP path ms", "IFMA8 ms",
		   "before/IFMA8");
	for (a = 0; a < nsizes; a++)
	{
		size_t		bits = sizes[a];
		stat		kg[3] = {{0}},
					pr[3] = {{0}};
		mpc_error	err;
		mpz_t		p;

		mpz_init(p);
		for (k = 0; k < keys; k++)
		{
			int			path;

			/* 0: before, 1: GMP path, 2: IFMA8 */
			for (path = 0; path < 3; path++)
			{
				pai_priv	sk;
				double		t0;

				ifma_set_enabled(path == 2);
				t0 = cpu_now();
				if (path == 0 ? keygen_before(&sk, bits, &err) : pai_keygen(&sk, bits, 512, &err))
				{
					fprintf(stderr, "keygen: %s\n", err.msg);
					return 1;
				}
				add(&kg[path], cpu_now() - t0);
				pai_priv_clear(&sk);

				if (path == 0)
					continue;	/* the search of "before" is the GMP path's */
				t0 = cpu_now();
				if (prime_random_batch(p, bits / 2, path == 2 ? 8 : 1, &err) != MPC_OK)
				{
					fprintf(stderr, "prime: %s\n", err.msg);
					return 1;
				}
				add(&pr[path], cpu_now() - t0);
			}
		}
		ifma_set_enabled(1);
		printf("%6zu  %-20s %7.1f +- %4.1f %7.1f +- %4.1f %7.1f +- %4.1f %7.2fx\n", bits,
			   "pai_keygen", 1e3 * mean(&kg[0]), 1e3 * sem(&kg[0]), 1e3 * mean(&kg[1]),
			   1e3 * sem(&kg[1]), 1e3 * mean(&kg[2]), 1e3 * sem(&kg[2]), mean(&kg[0]) / mean(&kg[2]));
		printf("%6zu  %-20s %14s %7.1f +- %4.1f %7.1f +- %4.1f %7.2fx (GMP/IFMA8)\n", bits,
			   "one prime, bits/2", "(= GMP path)", 1e3 * mean(&pr[1]), 1e3 * sem(&pr[1]),
			   1e3 * mean(&pr[2]), 1e3 * sem(&pr[2]), mean(&pr[1]) / mean(&pr[2]));
		mpz_clear(p);
	}
	return 0;
}
