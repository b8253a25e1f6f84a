/*
 * test_fast.c: every fast path against the textbook one: fixed-base tables
 * against mpz_powm, DJN ciphertexts through both decryptions, packing round
 * trips and headroom errors.
 */
#include "unit.h"
#include "djn.h"
#include "ifma.h"
#include "encoding.h"
#include "fixedbase.h"
#include "packing.h"
#include "paillier.h"

static void
test_fixedbase(void)
{
	gmp_randstate_t rs;
	mpz_t		mod, base, e, want, got;
	mpc_error	err;
	unsigned	k;
	size_t		modbits[] = {64, 130, 1000, 2048, 4096, 6144};
	size_t		mi;

	gmp_randinit_default(rs);
	gmp_randseed_ui(rs, 42);
	mpz_inits(mod, base, e, want, got, NULL);
	for (mi = 0; mi < sizeof(modbits) / sizeof(modbits[0]); mi++)
	{
		mpz_urandomb(mod, rs, modbits[mi]);
		mpz_setbit(mod, modbits[mi] - 1);
		mpz_setbit(mod, 0);
		mpz_urandomm(base, rs, mod);
		if (mpz_sgn(base) == 0)
			mpz_set_ui(base, 3);
		for (k = 1; k <= 8; k++)
		{
			size_t		maxbits = 1 + (size_t) (k * 37 + mi * 11) % 200;
			size_t		len = fb_table_bytes(modbits[mi], maxbits, k);
			mp_limb_t  *buf = malloc(len);
			fb_table	t;
			int			i,
						ok = 1;

			CHECK(len > 0 && buf != NULL);
			CHECK_OK(fb_table_init(&t, buf, len, base, mod, maxbits, k, &err));
			for (i = 0; i < 12; i++)
			{
				if (i == 0)
					mpz_set_ui(e, 0);
				else if (i == 1)
				{
					mpz_set_ui(e, 0);
					mpz_setbit(e, maxbits);
					mpz_sub_ui(e, e, 1);	/* all ones */
				}
				else
					mpz_urandomb(e, rs, maxbits);
				mpz_powm(want, base, e, mod);
				CHECK_OK(fb_pow(&t, got, e, &err));
				ok &= mpz_cmp(want, got) == 0;
				CHECK_OK(fb_pow_vartime(&t, got, e, &err));
				ok &= mpz_cmp(want, got) == 0;
			}
			CHECK(ok);
			/* an exponent one bit too long is refused */
			mpz_set_ui(e, 0);
			mpz_setbit(e, maxbits);
			CHECK_STATUS(fb_pow(&t, got, e, &err), MPC_ERR_ARG);
			mpz_set_si(e, -1);
			CHECK_STATUS(fb_pow(&t, got, e, &err), MPC_ERR_ARG);
			free(buf);
		}
	}
	/* bad parameters */
	{
		fb_table	t;
		mp_limb_t	buf[64];

		mpz_set_ui(mod, 1000);
		CHECK_STATUS(fb_table_init(&t, buf, sizeof(buf), base, mod, 8, 4, &err), MPC_ERR_ARG);
		mpz_set_ui(mod, 1001);
		CHECK_STATUS(fb_table_init(&t, buf, 8, base, mod, 8, 4, &err), MPC_ERR_ARG);
		mpz_set_ui(base, 0);
		CHECK_STATUS(fb_table_init(&t, buf, sizeof(buf), base, mod, 8, 4, &err), MPC_ERR_ARG);
		CHECK(fb_table_bytes(4096, 1024, 0) == 0);
		CHECK(fb_table_bytes(4096, 1024, FB_MAX_WINDOW + 1) == 0);
	}
	CHECK(fb_best_window(32, 1024, 12, 0.01) >= 4);
	mpz_clears(mod, base, e, want, got, NULL);
	gmp_randclear(rs);
}

/* fb_ct_mul against mpn_mul_n, with the sign cases of Karatsuba forced */
static void
test_ct_mul(void)
{
	size_t		sizes[] = {1, 16, 31, 32, 33, 48, 64, 96, 128};
	size_t		si;
	gmp_randstate_t rs;
	mpz_t		z;

	gmp_randinit_default(rs);
	gmp_randseed_ui(rs, 7);
	mpz_init(z);
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
	{
		size_t		n = sizes[si],
					h = n / 2,
					i;
		mp_limb_t  *a = malloc(n * sizeof(mp_limb_t)),
				   *b = malloc(n * sizeof(mp_limb_t)),
				   *want = malloc(2 * n * sizeof(mp_limb_t)),
				   *got = malloc(2 * n * sizeof(mp_limb_t)),
				   *scratch = malloc(fb_ct_mul_itch(n) * sizeof(mp_limb_t));
		int			round,
					ok = 1;

		for (round = 0; round < 40; round++)
		{
			mpz_urandomb(z, rs, 128 * n);
			for (i = 0; i < n; i++)
			{
				a[i] = mpz_getlimbn(z, i);
				b[i] = mpz_getlimbn(z, i + n);
			}
			switch (round % 8)
			{
				case 1:			/* a0 = a1 */
					memcpy(a, a + h, h * sizeof(mp_limb_t));
					break;
				case 2:			/* all ones */
					memset(a, 0xff, n * sizeof(mp_limb_t));
					memset(b, 0xff, n * sizeof(mp_limb_t));
					break;
				case 3:			/* zero */
					memset(b, 0, n * sizeof(mp_limb_t));
					break;
				case 4:			/* a0 < a1, b0 > b1: signs differ */
					a[h > 0 ? h - 1 : 0] = 0;
					b[n - 1] = 0;
					break;
				case 5:			/* both differences negative */
					a[h > 0 ? h - 1 : 0] = 0;
					b[h > 0 ? h - 1 : 0] = 0;
					break;
				default:
					break;
			}
			mpn_mul_n(want, a, b, (mp_size_t) n);
			fb_ct_mul(got, a, b, n, scratch);
			ok &= memcmp(want, got, 2 * n * sizeof(mp_limb_t)) == 0;
		}
		CHECK(ok);
		free(a);
		free(b);
		free(want);
		free(got);
		free(scratch);
	}
	mpz_clear(z);
	gmp_randclear(rs);
}

static void
test_djn(size_t bits, unsigned window)
{
	pai_priv	sk;
	pai_djn		d,
				d2;
	mpz_t		m, c, back, hs2, c2;
	mpc_error	err;
	void	   *buf = NULL;
	size_t		len = 0;
	int			i;

	mpz_inits(m, c, back, hs2, c2, NULL);
	CHECK_OK(pai_keygen(&sk, bits, 512, &err));
	if (window > 0)
	{
		len = pai_djn_table_bytes(&sk.pub, window);
		buf = malloc(len);
	}
	CHECK_OK(pai_djn_init(&d, &sk.pub, window, buf, len, &err));
	/* hs depends on n only: derived again, it is the same */
	CHECK_OK(pai_djn_base(&sk.pub, hs2, &err));
	CHECK(mpz_cmp(hs2, d.hs) == 0);
	/* hs is an n-th residue: L(hs^lambda) = 0, i.e. it encrypts 0 */
	CHECK_OK(pai_decrypt(&sk, back, d.hs, &err));
	CHECK(mpz_sgn(back) == 0);
	for (i = 0; i < 10; i++)
	{
		unsigned char rb[8];

		CHECK_OK(mpc_random_bytes(rb, sizeof(rb), &err));
		mpz_import(m, sizeof(rb), 1, 1, 1, 0, rb);
		if (i == 0)
			mpz_set_ui(m, 0);
		if (i == 1)
			mpz_sub_ui(m, sk.pub.n, 1);
		CHECK_OK(pai_djn_encrypt(&sk.pub, &d, c, m, &err));
		CHECK_OK(pai_check_ciphertext(&sk.pub, c, 1, &err));
		CHECK_OK(pai_decrypt(&sk, back, c, &err));
		CHECK(mpz_cmp(back, m) == 0);
		CHECK_OK(pai_decrypt_textbook(&sk, back, c, &err));
		CHECK(mpz_cmp(back, m) == 0);
		/* re-randomised: another ciphertext, same plaintext */
		CHECK_OK(pai_djn_rerandomize(&sk.pub, &d, c2, c, &err));
		CHECK(mpz_cmp(c2, c) != 0);
		CHECK_OK(pai_decrypt(&sk, back, c2, &err));
		CHECK(mpz_cmp(back, m) == 0);
		/* adds to a textbook ciphertext like any other */
		CHECK_OK(pai_encrypt(&sk.pub, c2, m, &err));
		pai_add(&sk.pub, c2, c2, c);
		CHECK_OK(pai_decrypt(&sk, back, c2, &err));
		mpz_mul_ui(m, m, 2);
		mpz_mod(m, m, sk.pub.n);
		CHECK(mpz_cmp(back, m) == 0);
	}
	mpz_set(m, sk.pub.n);
	CHECK_STATUS(pai_djn_encrypt(&sk.pub, &d, c, m, &err), MPC_ERR_ARG);
	mpz_set_ui(c, 0);
	CHECK_STATUS(pai_djn_rerandomize(&sk.pub, &d, c2, c, &err), MPC_ERR_CIPHERTEXT);
	/* a table-less context gives the same kind of ciphertexts */
	CHECK_OK(pai_djn_init(&d2, &sk.pub, 0, NULL, 0, &err));
	mpz_set_ui(m, 77);
	CHECK_OK(pai_djn_encrypt(&sk.pub, &d2, c, m, &err));
	CHECK_OK(pai_decrypt(&sk, back, c, &err));
	CHECK(mpz_cmp_ui(back, 77) == 0);
	/* the table added later (the SQL cache's second use of a key) */
	if (window > 0)
	{
		void	   *buf2 = malloc(len);

		CHECK_OK(pai_djn_add_table(&d2, &sk.pub, window, buf2, len, &err));
		CHECK(d2.has_table);
		for (i = 0; i < 4; i++)
		{
			mpz_set_ui(m, 1000 + i);
			if (i == 3)
				mpz_sub_ui(m, sk.pub.n, 1);
			CHECK_OK(pai_djn_encrypt(&sk.pub, &d2, c, m, &err));
			CHECK_OK(pai_decrypt(&sk, back, c, &err));
			CHECK(mpz_cmp(back, m) == 0);
		}
		CHECK_STATUS(pai_djn_add_table(&d2, &sk.pub, window, buf2, len, &err), MPC_ERR_ARG);
		pai_djn_clear(&d2);
		free(buf2);
	}
	else
		pai_djn_clear(&d2);
	/* hs on the other product path (IFMA power or mpz_powm) is the same */
	ifma_set_enabled(!ifma_available());
	CHECK_OK(pai_djn_base(&sk.pub, hs2, &err));
	ifma_set_enabled(1);
	CHECK(mpz_cmp(hs2, d.hs) == 0);
	pai_djn_clear(&d);
	free(buf);
	pai_priv_clear(&sk);
	mpz_clears(m, c, back, hs2, c2, NULL);
}

static void
test_packing(void)
{
	pai_priv	sk;
	mpz_t		v[40],
				w[40],
				m,
				c,
				c2,
				bound,
				cts[5];
	mpc_error	err;
	size_t		j,
				k;
	int			ok;

	CHECK_OK(pai_keygen(&sk, 1024, 512, &err));
	for (j = 0; j < 40; j++)
		mpz_inits(v[j], w[j], NULL);
	mpz_inits(m, c, c2, bound, NULL);
	k = pack_max_slots(&sk.pub, 64);
	CHECK(k == (1024 - 3) / 64);
	CHECK_OK(pack_check_layout(&sk.pub, k, 64, 1024, &err));
	CHECK_STATUS(pack_check_layout(&sk.pub, k + 1, 64, 1024, &err), MPC_ERR_ARG);
	CHECK_STATUS(pack_check_layout(&sk.pub, 0, 64, 1024, &err), MPC_ERR_ARG);
	CHECK_STATUS(pack_check_layout(&sk.pub, 2, 7, 1, &err), MPC_ERR_ARG);
	CHECK_OK(pack_check_layout(&sk.pub, 2, 8, 64, &err));
	CHECK_STATUS(pack_check_layout(&sk.pub, 2, 8, 128, &err), MPC_ERR_ARG);
	CHECK_STATUS(pack_check_layout(&sk.pub, 2, 64, 0, &err), MPC_ERR_ARG);
	CHECK(pack_headroom_bits(1) == 0 && pack_headroom_bits(2) == 1 &&
		  pack_headroom_bits(1024) == 10 && pack_headroom_bits(1025) == 11);

	/* extreme values in every slot, both signs, round trip through Paillier */
	pack_value_bound(bound, 64, 1024);
	CHECK(mpz_sizeinbase(bound, 2) == 53);
	for (j = 0; j < k; j++)
	{
		mpz_set(v[j], bound);
		if (j % 3 == 1)
			mpz_neg(v[j], v[j]);
		if (j % 3 == 2)
			mpz_set_si(v[j], (long) j - 7);
	}
	CHECK_OK(pack_encode(&sk.pub, m, (const mpz_t *) v, k, 64, 1024, &err));
	CHECK_OK(pai_encrypt(&sk.pub, c, m, &err));
	/* sum of 1024 copies: the worst case the layout allows */
	mpz_set_ui(m, 1024);
	CHECK_OK(pai_mul_scalar(&sk.pub, c2, c, m, &err));
	CHECK_OK(pai_decrypt(&sk, m, c2, &err));
	CHECK_OK(pack_decode(&sk.pub, w, m, k, 64, &err));
	ok = 1;
	for (j = 0; j < k; j++)
	{
		mpz_mul_ui(c, v[j], 1024);
		ok &= mpz_cmp(w[j], c) == 0;
	}
	CHECK(ok);
	/* one past the bound is refused at encryption */
	mpz_add_ui(v[0], bound, 1);
	CHECK_STATUS(pack_encode(&sk.pub, m, (const mpz_t *) v, k, 64, 1024, &err), MPC_ERR_OVERFLOW);
	/* a slot that overflows is detected on decoding (the top slot spills) */
	mpz_set_ui(m, 1);
	mpz_mul_2exp(m, m, 64 * 3);
	CHECK_STATUS(pack_decode(&sk.pub, w, m, 3, 64, &err), MPC_ERR_OVERFLOW);
	CHECK_OK(pack_decode(&sk.pub, w, m, 4, 64, &err));
	CHECK(mpz_cmp_ui(w[3], 1) == 0 && mpz_sgn(w[0]) == 0);

	/* packing existing ciphertexts equals packing the plaintexts */
	for (j = 0; j < 5; j++)
	{
		mpz_init(cts[j]);
		mpz_set_si(v[j], (long) (j * 1000) - 2500);
		CHECK_OK(enc_to_residue(&sk.pub, m, v[j], &err));
		CHECK_OK(pai_encrypt(&sk.pub, cts[j], m, &err));
	}
	CHECK_OK(pack_ciphertexts(&sk.pub, c, (const mpz_t *) cts, 5, 64, &err));
	CHECK_OK(pai_decrypt(&sk, m, c, &err));
	CHECK_OK(pack_decode(&sk.pub, w, m, 5, 64, &err));
	ok = 1;
	for (j = 0; j < 5; j++)
		ok &= mpz_cmp(w[j], v[j]) == 0;
	CHECK(ok);
	for (j = 0; j < 5; j++)
		mpz_clear(cts[j]);
	for (j = 0; j < 40; j++)
		mpz_clears(v[j], w[j], NULL);
	mpz_clears(m, c, c2, bound, NULL);
	pai_priv_clear(&sk);
}

int
main(void)
{
	int			path;

	UNIT_INIT();
	test_ct_mul();
	/* the tables and DJN on the portable path, then on IFMA if the CPU has it */
	for (path = 0; path < 2; path++)
	{
		ifma_set_enabled(path);
		if (path == 1 && !ifma_available())
		{
			printf("SKIP: no AVX-512 IFMA on this CPU, fixed-base tables tested on the portable path only\n");
			break;
		}
		test_fixedbase();
		test_djn(1024, 4);
		test_djn(1024, 0);
		test_djn(2048, DJN_DEFAULT_WINDOW);
	}
	ifma_set_enabled(1);
	test_packing();
	UNIT_DONE("test_fast");
}
