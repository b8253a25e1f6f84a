/*
 * bench_percentile.c: CPU time of one secure_percentile comparison step
 * (src/core/percentile.h) for a 2048-bit key, beside one Paillier
 * decryption and one textbook encryption under the same key in the same
 * run (the baseline).  The comparison length is that of a median
 * (fraction 1/2: lx = 35, l = 76 bits); pass another lx as argv[1].
 *
 *   make bench/build/bench_percentile && bench/build/bench_percentile [lx] [reps]
 *
 * The SQL protocol adds dblink round trips and SQL overhead on top of this:
 * bench/secure_percentile.sh measures the whole run.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "djn.h"
#include "paillier.h"
#include "percentile.h"

/* The server encrypts with DJN and a per-key window table (paillier_fast.c);
 * so does this benchmark, for the comparer's bits and B's rerandomisation. */
static pai_djn djn;

static mpc_status
enc_djn(const pai_pub *pk, mpz_t c, const mpz_t m, mpc_error *err)
{
	return pai_djn_encrypt(pk, &djn, c, m, err);
}

static mpc_status
rerand_djn(const pai_pub *pk, mpz_t out, const mpz_t in, mpc_error *err)
{
	return pai_djn_rerandomize(pk, &djn, out, in, err);
}

int
main(int argc, char **argv)
{
	int			lx = argc > 1 ? atoi(argv[1]) : 35;
	int			reps = argc > 2 ? atoi(argv[2]) : 3;
	int			l = pct_cmp_len(lx);
	pai_priv	sk;
	mpc_error	err;
	mpz_t		m,
				c,
				sum,
				R,
				r,
				cts[3];
	mpz_t	   *bits = malloc(sizeof(mpz_t) * l),
			   *bl = malloc(sizeof(mpz_t) * l);
	double		t,
				t_dec = 0,
				t_enc = 0,
				t_mask = 0,
				t_bits = 0,
				t_blind = 0,
				t_open = 0;
	int			less = 0;

	mpc_set_rng(rng);
	if (lx < 1 || lx > PCT_MAX_LX || reps < 1)
	{
		fprintf(stderr, "usage: bench_percentile [lx 1..%d] [reps >= 1]\n", PCT_MAX_LX);
		return 2;
	}
	if (pai_keygen(&sk, 2048, 2048, &err) != MPC_OK)
	{
		fprintf(stderr, "keygen: %s\n", err.msg);
		return 1;
	}
	{
		size_t		tb = pai_djn_table_bytes(&sk.pub, DJN_DEFAULT_WINDOW);

		t = cpu_now();
		if (pai_djn_init(&djn, &sk.pub, DJN_DEFAULT_WINDOW, malloc(tb), tb, &err) != MPC_OK)
		{
			fprintf(stderr, "djn: %s\n", err.msg);
			return 1;
		}
		printf("DJN table for the run's key (once per run, at the comparer and at B): %.1f ms CPU\n",
			   1e3 * (cpu_now() - t));
	}
	for (int i = 0; i < l; i++)
		mpz_init(bits[i]), mpz_init(bl[i]);
	mpz_inits(m, c, sum, R, r, cts[0], cts[1], cts[2], NULL);
	for (int i = 0; i < 3; i++)
	{
		mpz_set_ui(m, 1000 + i);
		pai_encrypt(&sk.pub, cts[i], m, &err);
	}
	for (int k = 0; k < reps; k++)
	{
		t = cpu_now();
		pai_encrypt(&sk.pub, c, m, &err);
		t_enc += cpu_now() - t;
		t = cpu_now();
		pai_decrypt(&sk, m, c, &err);
		t_dec += cpu_now() - t;

		mpz_set_si(m, -3000);
		t = cpu_now();
		pct_mask_sum(&sk.pub, (const mpz_t *) cts, 3, m, lx, rerand_djn, sum, R, &err);
		t_mask += cpu_now() - t;
		t = cpu_now();
		pct_cmp_bits(&sk, sum, lx, enc_djn, bits, &err);
		t_bits += cpu_now() - t;
		mpz_add_ui(r, R, 4);
		t = cpu_now();
		pct_cmp_blind(&sk.pub, (const mpz_t *) bits, lx, r, rerand_djn, bl, &err);
		t_blind += cpu_now() - t;
		t = cpu_now();
		pct_cmp_open(&sk, (const mpz_t *) bl, lx, &less, &err);
		t_open += cpu_now() - t;
	}
	printf("secure comparison, 2048-bit key, lx = %d (l = %d bits), %d reps, CPU ms per step:\n", lx, l, reps);
	printf("  baseline: one encryption %.2f ms, one decryption %.2f ms\n",
		   1e3 * t_enc / reps, 1e3 * t_dec / reps);
	printf("  B mask_sum %.1f  A cmp_bits %.1f  B cmp_blind %.1f  A cmp_open %.1f\n",
		   1e3 * t_mask / reps, 1e3 * t_bits / reps, 1e3 * t_blind / reps, 1e3 * t_open / reps);
	printf("  total %.1f ms = %.0f decryptions\n",
		   1e3 * (t_mask + t_bits + t_blind + t_open) / reps,
		   (t_mask + t_bits + t_blind + t_open) / t_dec);
	return 0;
}
