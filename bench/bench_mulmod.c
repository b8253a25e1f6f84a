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

/* the thread's CPU time: time spent preempted on the shared machine is not
 * the loop's cost */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	long		n_ops = argc > 1 ? atol(argv[1]) : 1000000;
	int			bits = argc > 2 ? atoi(argv[2]) : 2048;
	unsigned char buf[2048];
	mpz_t		n, n2, acc, c[64];
	double		t0, t1;
	long		i;

	if (bits < 64 || bits > 8192)
		bits = 2048;
	mpz_inits(n, n2, acc, NULL);
	/* operands from getrandom, the project's only random source outside
	 * the server (a modulus shape is all that matters here) */
	if (getrandom(buf, (size_t) bits / 4, 0) != (ssize_t) bits / 4)
		return 1;
	mpz_import(n, (size_t) bits / 8, 1, 1, 1, 0, buf);
	mpz_setbit(n, bits - 1);
	mpz_setbit(n, 0);
	mpz_mul(n2, n, n);
	for (i = 0; i < 64; i++)
	{
		if (getrandom(buf, (size_t) bits / 4, 0) != (ssize_t) bits / 4)
			return 1;
		mpz_init(c[i]);
		mpz_import(c[i], (size_t) bits / 4, 1, 1, 1, 0, buf);
		mpz_mod(c[i], c[i], n2);
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
