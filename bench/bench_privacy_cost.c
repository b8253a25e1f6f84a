/*
 * bench_privacy_cost.c: the seed paper's "privacy cost per round" (N
 * encryptions plus N decryptions, FACTS.md §5) measured side by side in one
 * process with 2048-bit keys:
 *
 *   textbook   N x c = (1 + m n) r^n mod n^2, N x m = L(c^lambda mod n^2) mu
 *   paper      this implementation's paper mode: a fresh key pair, N
 *              DJN encryptions (djn.h, table built for this round's key),
 *              N CRT decryptions
 *
 * (The fast mode this benchmark also measured is retired; masked mode has
 * no encryption: bench/private_eigentrust.sh measures it.)
 *
 *   usage: bench_privacy_cost [N]     (default 1024)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "bench_common.h"
#include "paillier.h"
#include "djn.h"


static void
die(const char *what, const mpc_error *err)
{
	fprintf(stderr, "%s: %s\n", what, err->msg);
	exit(1);
}

int
main(int argc, char **argv)
{
	size_t		n = argc > 1 ? (size_t) atol(argv[1]) : 1024;
	pai_priv	sk;
	mpc_error	err;
	mpz_t	   *ct,
				m,
				r,
				d;
	double		t0,
				t_tb_enc,
				t_tb_dec,
				t_keygen,
				t_tab,
				t_p_enc,
				t_p_dec;
	pai_djn		djn;
	void	   *tab;
	size_t		tab_bytes;

	mpc_set_rng(rng);
	ct = calloc(n, sizeof(mpz_t));
	for (size_t i = 0; i < n; i++)
		mpz_init(ct[i]);
	mpz_inits(m, r, d, NULL);

	t0 = now();
	if (pai_keygen(&sk, 2048, 2048, &err) != MPC_OK)
		die("keygen", &err);
	t_keygen = now() - t0;

	/* textbook */
	t0 = now();
	for (size_t i = 0; i < n; i++)
	{
		mpz_set_ui(m, (unsigned long) (i * 977 + 1));
		if (pai_random_unit(&sk.pub, r, &err) != MPC_OK ||
			pai_encrypt_with_r(&sk.pub, ct[i], m, r, &err) != MPC_OK)
			die("textbook encrypt", &err);
	}
	t_tb_enc = now() - t0;
	t0 = now();
	for (size_t i = 0; i < n; i++)
	{
		if (pai_decrypt_textbook(&sk, d, ct[i], &err) != MPC_OK)
			die("textbook decrypt", &err);
		if (mpz_cmp_ui(d, (unsigned long) (i * 977 + 1)) != 0)
		{
			fprintf(stderr, "textbook decrypt: wrong value\n");
			return 1;
		}
	}
	t_tb_dec = now() - t0;

	/* paper mode: table for this round's key, N encryptions, N CRT decryptions */
	tab_bytes = pai_djn_table_bytes(&sk.pub, DJN_DEFAULT_WINDOW);
	tab = aligned_alloc(64, (tab_bytes + 63) / 64 * 64);
	t0 = now();
	if (pai_djn_init(&djn, &sk.pub, DJN_DEFAULT_WINDOW, tab, tab_bytes, &err) != MPC_OK)
		die("randomiser", &err);
	t_tab = now() - t0;
	t0 = now();
	for (size_t i = 0; i < n; i++)
	{
		mpz_set_ui(m, (unsigned long) (i * 977 + 1));
		if (pai_djn_encrypt(&sk.pub, &djn, ct[i], m, &err) != MPC_OK)
			die("encrypt", &err);
	}
	t_p_enc = now() - t0;
	t0 = now();
	for (size_t i = 0; i < n; i++)
	{
		if (pai_decrypt(&sk, d, ct[i], &err) != MPC_OK)
			die("decrypt", &err);
		if (mpz_cmp_ui(d, (unsigned long) (i * 977 + 1)) != 0)
		{
			fprintf(stderr, "decrypt: wrong value\n");
			return 1;
		}
	}
	t_p_dec = now() - t0;
	pai_djn_clear(&djn);
	free(tab);

	printf("privacy cost per round at N = %zu, 2048-bit keys (one process, one core)\n", n);
	printf("  textbook   %zu enc (r^n) %.3f s + %zu dec (c^lambda) %.3f s = %.3f s   [paper's Python figure: 16 s]\n",
		   n, t_tb_enc, n, t_tb_dec, t_tb_enc + t_tb_dec);
	printf("  paper mode keygen %.3f s + table %.3f s + %zu enc %.3f s + %zu CRT dec %.3f s = %.3f s   ratio %.1fx\n",
		   t_keygen, t_tab, n, t_p_enc, n, t_p_dec, t_keygen + t_tab + t_p_enc + t_p_dec,
		   (t_tb_enc + t_tb_dec) / (t_keygen + t_tab + t_p_enc + t_p_dec));
	printf("  per op: textbook enc %.2f ms, dec %.2f ms; fixed-base enc %.3f ms, CRT dec %.2f ms\n",
		   1e3 * t_tb_enc / n, 1e3 * t_tb_dec / n, 1e3 * t_p_enc / n, 1e3 * t_p_dec / n);
	for (size_t i = 0; i < n; i++)
		mpz_clear(ct[i]);
	free(ct);
	mpz_clears(m, r, d, NULL);
	pai_priv_clear(&sk);
	return 0;
}
