/*
 * bench_sharing.c: the cost of zero-sum masks and Shamir sharing in the core,
 * each beside a raw GMP baseline measured in the same run.
 *
 *   make bench && bench/build/bench_sharing
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "bench_common.h"
#include "serial.h"
#include "sharing.h"
#include "zerosum.h"


#define NPEERS 16

int
main(void)
{
	mpc_error	err;
	uint8_t		priv[NPEERS + 1][ZS_PRIV_LEN],
				pub[NPEERS + 1][ZS_PUB_LEN];
	char		ids[NPEERS + 1][8];
	zs_party	peers[NPEERS];
	mpz_t		p,
				g,
				x,
				y,
				mask;
	double		t0,
				t_raw,
				t_sec,
				t_pub,
				t_check,
				t_mask;
	int			i,
				reps;

	mpc_set_rng(rng);
	mpz_inits(p, g, x, y, mask, NULL);
	zs_group_prime(p);
	mpz_set_ui(g, 2);
	for (i = 0; i <= NPEERS; i++)
	{
		snprintf(ids[i], sizeof(ids[i]), "p%02d", i);
		zs_keygen(priv[i], &err);
		zs_public_key(priv[i], ZS_PRIV_LEN, pub[i], &err);
	}
	for (i = 0; i < NPEERS; i++)
		peers[i] = (zs_party) {ids[i + 1], strlen(ids[i + 1]), pub[i + 1], ZS_PUB_LEN};

	printf("zero-sum masks, RFC 3526 group 15 (3072-bit p), 256-bit exponents\n");
	reps = 200;
	ser_from_bytes(x, priv[0], ZS_PRIV_LEN);
	t0 = now();
	for (i = 0; i < reps; i++)
		mpz_powm(y, g, x, p);
	t_raw = (now() - t0) / reps;
	t0 = now();
	for (i = 0; i < reps; i++)
		mpz_powm_sec(y, g, x, p);
	t_sec = (now() - t0) / reps;
	t0 = now();
	for (i = 0; i < reps; i++)
		zs_public_key(priv[0], ZS_PRIV_LEN, pub[0], &err);
	t_pub = (now() - t0) / reps;
	t0 = now();
	for (i = 0; i < reps * 10; i++)
		zs_check_public(pub[1], ZS_PUB_LEN, &err);
	t_check = (now() - t0) / (reps * 10);
	{
		mpz_t		q;

		mpz_init(q);
		mpz_sub_ui(q, p, 1);
		mpz_fdiv_q_2exp(q, q, 1);
		ser_from_bytes(y, pub[1], ZS_PUB_LEN);
		t0 = now();
		for (i = 0; i < 20; i++)
			mpz_powm(x, y, q, p);
		printf("  %-44s %9.3f ms\n", "baseline: subgroup check y^q mod p (powm)", (now() - t0) / 20 * 1e3);
		mpz_clear(q);
		ser_from_bytes(x, priv[0], ZS_PRIV_LEN);
	}
	t0 = now();
	for (i = 0; i < reps / 10; i++)
		zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), i, peers, NPEERS, mask, &err);
	t_mask = (now() - t0) / (reps / 10);

	printf("  %-44s %9.3f ms\n", "baseline: mpz_powm 2^x, 256-bit x", t_raw * 1e3);
	printf("  %-44s %9.3f ms  (%.2fx baseline)\n", "mpz_powm_sec 2^x, 256-bit x", t_sec * 1e3, t_sec / t_raw);
	printf("  %-44s %9.3f ms  (%.2fx baseline)\n", "zs_public_key", t_pub * 1e3, t_pub / t_raw);
	printf("  %-44s %9.3f ms  (%.4fx baseline)\n", "zs_check_public (Jacobi symbol)", t_check * 1e3, t_check / t_raw);
	printf("  %-44s %9.3f ms  (%.2fx baseline)\n", "zs_mask, per peer (16 peers)", t_mask / NPEERS * 1e3,
		   t_mask / NPEERS / t_raw);

	printf("\nShamir over 2^521 - 1\n");
	{
		static const int cfg[][2] = {{4, 3}, {16, 9}, {100, 51}, {1000, 501}};

		for (size_t c = 0; c < sizeof(cfg) / sizeof(cfg[0]); c++)
		{
			int			n = cfg[c][0],
						t = cfg[c][1];
			mpz_t	   *ys = malloc(sizeof(mpz_t) * n);
			int32_t    *xs = malloc(sizeof(int32_t) * n),
					   *ts = malloc(sizeof(int32_t) * n);
			mpz_t		s,
						out,
						acc,
						prime;
			double		t_split,
						t_comb,
						t_all,
						t_base;
			int			r = n >= 1000 ? 2 : (n >= 100 ? 20 : 2000);

			mpz_inits(s, out, acc, prime, NULL);
			shamir_prime(prime);
			for (i = 0; i < n; i++)
			{
				mpz_init(ys[i]);
				xs[i] = i + 1;
				ts[i] = t;
			}
			mpz_set_ui(s, 123456789);
			t0 = now();
			for (i = 0; i < r; i++)
				shamir_split(s, n, t, ys, &err);
			t_split = (now() - t0) / r;
			t0 = now();
			for (i = 0; i < r; i++)
				shamir_combine(t, xs, ts, ys, out, &err);
			t_comb = (now() - t0) / r;
			if (mpz_cmp(out, s) != 0)
				printf("  MISMATCH\n");
			/* all n shares: the n - t extra ones are checked against f */
			t0 = now();
			for (i = 0; i < r; i++)
				shamir_combine(n, xs, ts, ys, out, &err);
			t_all = (now() - t0) / r;
			if (mpz_cmp(out, s) != 0)
				printf("  MISMATCH\n");
			/* baseline: the n*t multiply-adds mod P of the evaluation alone */
			t0 = now();
			for (i = 0; i < r; i++)
				for (int a = 0; a < n; a++)
				{
					mpz_set(acc, ys[0]);
					for (int b = 1; b < t; b++)
					{
						mpz_mul(acc, acc, ys[b]);
						mpz_add(acc, acc, ys[a]);
						mpz_mod(acc, acc, prime);
					}
				}
			t_base = (now() - t0) / r;
			printf("  n = %4d, t = %4d: split %8.3f ms, combine t %8.3f ms, combine all n %8.3f ms; "
				   "baseline n*t mulmods %8.3f ms\n",
				   n, t, t_split * 1e3, t_comb * 1e3, t_all * 1e3, t_base * 1e3);
			for (i = 0; i < n; i++)
				mpz_clear(ys[i]);
			free(ys);
			free(xs);
			free(ts);
			mpz_clears(s, out, acc, prime, NULL);
		}
	}
	mpz_clears(p, g, x, y, mask, NULL);
	return 0;
}
