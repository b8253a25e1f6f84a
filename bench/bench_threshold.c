/*
 * bench_threshold.c: threshold Paillier in the core against a plain CRT
 * decryption (pai_decrypt, constant time) measured in the same run.
 *
 *   bench/build/bench_threshold [bits] [keygens]     default: 2048 3
 *
 * CPU time of this thread (CLOCK_THREAD_CPUTIME_ID); each figure is the
 * median of single operations, and the CRT baseline is measured between
 * every two rows so a change in machine load shows up in both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmp.h>

#include "bench_common.h"
#include "ifma.h"
#include "paillier.h"
#include "threshold.h"

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
die(const char *what, const mpc_error *err)
{
	fprintf(stderr, "bench_threshold: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t) n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct world
{
	pai_priv	sk;
	mpz_t		c, m, out;
	thr_keyshare ks5[5], ks9[9];
	thr_decshare ds5[5], ds9[9];
	const thr_decshare *sel[9];
} world;

#define REPS 15

static double
crt_us(world *w)
{
	double		t[REPS];
	mpc_error	err;
	int			i;

	for (i = 0; i < REPS; i++)
	{
		double		t0 = cpu_now();

		if (pai_decrypt(&w->sk, w->m, w->c, &err) != MPC_OK)
			die("pai_decrypt", &err);
		t[i] = (cpu_now() - t0) * 1e6;
	}
	return median(t, REPS);
}

static void
row(world *w, const char *label, double us)
{
	double		base = crt_us(w);

	printf("%-44s %10.1f us   CRT decryption %8.1f us   ratio %6.2f\n", label, us, base, us / base);
}

int
main(int argc, char **argv)
{
	size_t		bits = argc > 1 ? (size_t) atoi(argv[1]) : 2048;
	int			keygens = argc > 2 ? atoi(argv[2]) : 3;
	world		w;
	mpc_error	err;
	double		t[REPS], kg[32];
	int			i, j;

	mpc_set_rng(rng);
	printf("bench_threshold: %zu-bit keys, IFMA %s, CPU time per operation (median of %d)\n",
		   bits, ifma_available() ? "on" : "off", REPS);

	/* safe-prime key generation: slow and variable, so a few runs */
	if (keygens > 32)
		keygens = 32;
	for (i = 0; i < keygens; i++)
	{
		pai_priv	k;
		double		t0 = cpu_now();

		if (thr_keygen_safe(&k, bits, bits, &err) != MPC_OK)
			die("thr_keygen_safe", &err);
		kg[i] = cpu_now() - t0;
		printf("safe-prime keygen run %d: %.2f s\n", i + 1, kg[i]);
		pai_priv_clear(&k);
	}
	if (keygens > 0)
	{
		double		t0 = cpu_now();
		pai_priv	k;

		if (pai_keygen(&k, bits, bits, &err) != MPC_OK)
			die("pai_keygen", &err);
		printf("safe-prime keygen median of %d: %.2f s (plain paillier keygen, one run: %.3f s)\n",
			   keygens, median(kg, keygens), cpu_now() - t0);
		pai_priv_clear(&k);
	}

	if (thr_keygen_safe(&w.sk, bits, bits, &err) != MPC_OK)
		die("thr_keygen_safe", &err);
	mpz_inits(w.c, w.m, w.out, NULL);
	mpz_set_ui(w.m, 123456789);
	if (pai_encrypt(&w.sk.pub, w.c, w.m, &err) != MPC_OK)
		die("pai_encrypt", &err);
	{
		double		t0 = cpu_now();

		if (thr_deal(&w.sk, 5, 3, w.ks5, &err) != MPC_OK)
			die("thr_deal", &err);
		printf("dealing 3-of-5 (5 verification keys): %.1f ms\n", (cpu_now() - t0) * 1e3);
		t0 = cpu_now();
		if (thr_deal(&w.sk, 9, 5, w.ks9, &err) != MPC_OK)
			die("thr_deal", &err);
		printf("dealing 5-of-9: %.1f ms\n", (cpu_now() - t0) * 1e3);
	}

	/* one decryption share with its proof */
	for (i = 0; i < REPS; i++)
	{
		thr_decshare d;
		double		t0 = cpu_now();

		if (thr_decrypt_share(&w.ks5[0], w.c, 0, &d, &err) != MPC_OK)
			die("thr_decrypt_share", &err);
		t[i] = (cpu_now() - t0) * 1e6;
		thr_decshare_clear(&d);
	}
	row(&w, "decryption share with proof (3-of-5)", median(t, REPS));

	/* the share value alone: c^(2 Delta s_i), no proof */
	{
		mpz_t		x;

		mpz_init(x);
		mpz_fac_ui(x, 5);
		mpz_mul(x, x, w.ks5[0].s);
		mpz_mul_2exp(x, x, 1);
		for (i = 0; i < REPS; i++)
		{
			double		t0 = cpu_now();

			mpc_powm_sec(w.out, w.c, x, mpz_sizeinbase(x, 2), w.sk.pub.n2);
			t[i] = (cpu_now() - t0) * 1e6;
		}
		row(&w, "share value c^(2 Delta s_i) alone, no proof", median(t, REPS));
		mpz_clear(x);
	}

	for (i = 0; i < 5; i++)
		if (thr_decrypt_share(&w.ks5[i], w.c, 0, &w.ds5[i], &err) != MPC_OK)
			die("thr_decrypt_share", &err);
	for (i = 0; i < 9; i++)
		if (thr_decrypt_share(&w.ks9[i], w.c, 0, &w.ds9[i], &err) != MPC_OK)
			die("thr_decrypt_share", &err);

	for (i = 0; i < REPS; i++)
	{
		double		t0 = cpu_now();

		if (thr_verify(&w.ds5[1], &err) != MPC_OK)
			die("thr_verify", &err);
		t[i] = (cpu_now() - t0) * 1e6;
	}
	row(&w, "verifying one proof", median(t, REPS));

	for (j = 0; j < 2; j++)
	{
		int			tt = j == 0 ? 3 : 5;
		thr_decshare *ds = j == 0 ? w.ds5 : w.ds9;
		char		label[96];
		int			verify;

		for (i = 0; i < tt; i++)
			w.sel[i] = &ds[i];
		for (verify = 0; verify <= 1; verify++)
		{
			for (i = 0; i < REPS; i++)
			{
				int			bad;
				double		t0 = cpu_now();

				if (thr_combine(w.sel, (size_t) tt, verify, w.out, &bad, &err) != MPC_OK)
					die("thr_combine", &err);
				t[i] = (cpu_now() - t0) * 1e6;
				if (mpz_cmp(w.out, w.m) != 0)
					die("thr_combine gave a wrong plaintext", NULL);
			}
			snprintf(label, sizeof(label), "combining %d-of-%d%s", tt, j == 0 ? 5 : 9,
					 verify ? ", proofs verified" : ", proofs not verified");
			row(&w, label, median(t, REPS));
		}
	}

	/* the same with a fixed-base table for v */
	{
		size_t		bytes = thr_vtable_bytes(&w.sk.pub, 5, 3);
		void	   *buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
		fb_table	vt;
		double		t0 = cpu_now();

		if (thr_vtable_init(&vt, buf, bytes, &w.sk.pub, w.ks5[0].v, 5, 3, &err) != MPC_OK)
			die("thr_vtable_init", &err);
		printf("building the v table (3-of-5): %.1f ms, %.1f MB\n", (cpu_now() - t0) * 1e3,
			   bytes / 1048576.0);
		for (i = 0; i < REPS; i++)
		{
			thr_decshare d;

			t0 = cpu_now();
			if (thr_decrypt_share_vt(&w.ks5[0], w.c, 0, &vt, &d, &err) != MPC_OK)
				die("thr_decrypt_share_vt", &err);
			t[i] = (cpu_now() - t0) * 1e6;
			thr_decshare_clear(&d);
		}
		row(&w, "decryption share with proof, v table", median(t, REPS));
		for (i = 0; i < 3; i++)
			w.sel[i] = &w.ds5[i];
		for (i = 0; i < REPS; i++)
		{
			int			bad;

			t0 = cpu_now();
			if (thr_combine_vt(w.sel, 3, 1, &vt, w.out, &bad, &err) != MPC_OK ||
				mpz_cmp(w.out, w.m) != 0)
				die("thr_combine_vt", &err);
			t[i] = (cpu_now() - t0) * 1e6;
		}
		row(&w, "combining 3-of-5, proofs verified, v table", median(t, REPS));
		free(buf);
	}

	/* 10,000 aggregates: measured on a sample, scaled linearly */
	{
		const int	sample = 40;
		double		share_s = 0, combine_s = 0, crt_s = 0;
		int			k;

		for (k = 0; k < sample; k++)
		{
			thr_decshare d[3];
			const thr_decshare *sel[3];
			int			bad;
			double		t0;

			mpz_set_ui(w.m, (unsigned long) k * 1000 + 7);
			if (pai_encrypt(&w.sk.pub, w.c, w.m, &err) != MPC_OK)
				die("pai_encrypt", &err);
			t0 = cpu_now();
			for (i = 0; i < 3; i++)
				if (thr_decrypt_share(&w.ks5[i + 1], w.c, 0, &d[i], &err) != MPC_OK)
					die("thr_decrypt_share", &err);
			share_s += cpu_now() - t0;
			for (i = 0; i < 3; i++)
				sel[i] = &d[i];
			t0 = cpu_now();
			if (thr_combine(sel, 3, 1, w.out, &bad, &err) != MPC_OK || mpz_cmp(w.out, w.m) != 0)
				die("thr_combine", &err);
			combine_s += cpu_now() - t0;
			t0 = cpu_now();
			if (pai_decrypt(&w.sk, w.out, w.c, &err) != MPC_OK)
				die("pai_decrypt", &err);
			crt_s += cpu_now() - t0;
			for (i = 0; i < 3; i++)
				thr_decshare_clear(&d[i]);
		}
		printf("10,000 aggregates, 3-of-5 (from %d, scaled): shares %.1f s total (%.1f s per steward), "
			   "combining with proofs %.1f s, all %.1f s; plain CRT decryption %.1f s; ratio %.1f\n",
			   sample, share_s * 10000 / sample, share_s * 10000 / sample / 3,
			   combine_s * 10000 / sample, (share_s + combine_s) * 10000 / sample,
			   crt_s * 10000 / sample, (share_s + combine_s) / crt_s);
	}

	for (i = 0; i < 5; i++)
	{
		thr_decshare_clear(&w.ds5[i]);
		thr_keyshare_clear(&w.ks5[i]);
	}
	for (i = 0; i < 9; i++)
	{
		thr_decshare_clear(&w.ds9[i]);
		thr_keyshare_clear(&w.ks9[i]);
	}
	pai_priv_clear(&w.sk);
	mpz_clears(w.c, w.m, w.out, NULL);
	return 0;
}
