/*
 * bench_mulmod.c: the raw-GMP baseline for sum(paillier_ciphertext): N
 * modular multiplications mod n^2 of 2048-bit-key ciphertexts, the same
 * mpz_mul + mpz_mod the aggregate performs per row, in a plain C loop.
 *
 *   bench/build/bench_mulmod [N] [bits]    prints ns per multiplication
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include <gmp.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	long		n_ops = argc > 1 ? atol(argv[1]) : 1000000;
	int			bits = argc > 2 ? atoi(argv[2]) : 2048;
	gmp_randstate_t rs;			/* benchmark operands only, not key material */
	unsigned long seed;
	mpz_t		n, n2, acc, c[64];
	double		t0, t1;
	long		i;

	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = 1;
	gmp_randinit_default(rs);
	gmp_randseed_ui(rs, seed);
	mpz_inits(n, n2, acc, NULL);
	mpz_urandomb(n, rs, bits);
	mpz_setbit(n, bits - 1);
	mpz_setbit(n, 0);
	mpz_mul(n2, n, n);
	for (i = 0; i < 64; i++)
	{
		mpz_init(c[i]);
		mpz_urandomm(c[i], rs, n2);
	}
	mpz_set_ui(acc, 1);
	t0 = now();
	for (i = 0; i < n_ops; i++)
	{
		mpz_mul(acc, acc, c[i & 63]);
		mpz_mod(acc, acc, n2);
	}
	t1 = now();
	/* print something derived from acc so the loop cannot be elided */
	printf("mulmod_ns %.1f ops %ld bits %d check %lu\n", (t1 - t0) / n_ops * 1e9, n_ops, bits,
		   mpz_fdiv_ui(acc, 1000));
	return 0;
}
