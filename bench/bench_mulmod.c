/*
 * bench_mulmod.c: the raw-GMP baseline for sum(paillier_ciphertext): N
 * modular multiplications mod n^2 of 2048-bit-key ciphertexts, the same
 * mpz_mul + mpz_mod the aggregate performs per row, in a plain C loop.
 *
 * Beside it, when the CPU has AVX-512 IFMA, the project's IFMA product chain
 * over the same ciphertexts: the accumulator sum() uses (ifma_acc_mul, one
 * almost-Montgomery product per factor, operands already in digits), with
 * the one correction at the end, checked against the GMP product.
 *
 *   bench/build/bench_mulmod [N] [bits]    prints CPU ns per multiplication
 *   (CLOCK_THREAD_CPUTIME_ID), "ifma_ns -1" without IFMA
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ifma.h"

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
	if (ifma_available() && ifma_digits(2 * (size_t) bits) != 0)
	{
		size_t		bytes = ifma_ctx_bytes(2 * (size_t) bits),
					D;
		void	   *cbuf = malloc(bytes);
		uint64_t   *digs,
				   *iacc;
		uint64_t	rexp;
		ifma_ctx	ctx;
		mpc_error	err;
		mpz_t		got;

		if (cbuf == NULL || ifma_ctx_init(&ctx, cbuf, bytes, n2, &err) != MPC_OK)
			return 1;
		D = ctx.digits;
		digs = malloc(64 * D * sizeof(uint64_t));
		iacc = malloc(D * sizeof(uint64_t));
		if (digs == NULL || iacc == NULL)
			return 1;
		for (i = 0; i < 64; i++)
			ifma_acc_set(&ctx, digs + i * D, &rexp, c[i]);
		ifma_acc_start(&ctx, iacc, &rexp);
		t0 = now();
		for (i = 0; i < n_ops; i++)
			ifma_acc_mul(&ctx, iacc, &rexp, digs + (i & 63) * D);
		t1 = now();
		mpz_init(got);
		ifma_acc_get(&ctx, got, iacc, rexp);
		printf("ifma_ns %.1f same %d\n", (t1 - t0) / n_ops * 1e9, mpz_cmp(got, acc) == 0);
		if (mpz_cmp(got, acc) != 0)
			return 1;
		{
			/* the C core of SQL ct + ct on IFMA: a b mod n^2 from big-endian
			 * bytes into big-endian bytes (ifma_mulmod_be), chained */
			size_t		len = (size_t) bits / 4;
			uint8_t    *be = malloc(65 * len),
					   *cur;
			mpz_t		want;

			if (be == NULL)
				return 1;
			for (i = 0; i < 64; i++)
				mpz_export(be + i * len, NULL, 1, 1, 1, 0, c[i]);	/* c < n^2: fits */
			for (i = 0; i < 64; i++)
			{
				/* left-pad: mpz_export wrote the minimal length */
				size_t		sz = (mpz_sizeinbase(c[i], 2) + 7) / 8;

				memmove(be + i * len + len - sz, be + i * len, sz);
				memset(be + i * len, 0, len - sz);
			}
			cur = be + 64 * len;
			memset(cur, 0, len);
			cur[len - 1] = 1;
			t0 = now();
			for (i = 0; i < n_ops; i++)
				ifma_mulmod_be(&ctx, cur, cur, be + (i & 63) * len, len);
			t1 = now();
			mpz_init(want);
			mpz_import(got, len, 1, 1, 1, 0, cur);
			printf("ifma_mulmod_be_ns %.1f same %d\n", (t1 - t0) / n_ops * 1e9,
				   mpz_cmp(got, acc) == 0);
			if (mpz_cmp(got, acc) != 0)
				return 1;
			free(be);
			mpz_clear(want);
		}
	}
	else
		printf("ifma_ns -1 same 0\n");
	return 0;
}
