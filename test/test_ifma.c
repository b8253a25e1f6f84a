/*
 * test_ifma.c: the AVX-512 IFMA products and exponentiation against GMP:
 * random moduli of many sizes, edge operands (0, 1, N - 1, all-ones
 * moduli, exponents 0 and 2^k - 1), the conversions in and out of
 * Montgomery form, the constant-time select, and Paillier decryption and
 * CRT encryption with the IFMA path on and off.  Skips, saying so, on a CPU
 * without IFMA.
 */
#include "unit.h"
#include "ifma.h"
#include "ifma8.h"
#include "paillier.h"
#include "djn.h"
#include "fixedbase.h"

static void
test_powm(gmp_randstate_t rs)
{
	size_t		sizes[] = {3, 64, 65, 100, 416, 521, 1024, 2046, 2048, 3072, 4096, 6144, 8192, 9982};
	size_t		si;
	mpz_t		N, b, e, want, got;
	mpc_error	err;

	mpz_inits(N, b, e, want, got, NULL);
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
	{
		size_t		bits = sizes[si];
		int			it,
					iters = bits > 4096 ? 3 : 12,
					bad = 0;

		for (it = 0; it < iters; it++)
		{
			size_t		eb = 1 + (bits / 2 + (size_t) it * 7) % 1100;

			mpz_urandomb(N, rs, bits);
			mpz_setbit(N, bits - 1);
			mpz_setbit(N, 0);
			if (it == 1)
			{					/* 2^bits - 1 */
				mpz_set_ui(N, 0);
				mpz_setbit(N, bits);
				mpz_sub_ui(N, N, 1);
			}
			mpz_urandomm(b, rs, N);
			if (it == 2)
				mpz_set_ui(b, 0);
			if (it == 3)
				mpz_sub_ui(b, N, 1);
			if (it == 4)
				mpz_set_ui(b, 1);
			mpz_urandomb(e, rs, eb);
			if (it == 5)
				mpz_set_ui(e, 0);
			if (it == 6)
			{
				mpz_set_ui(e, 0);
				mpz_setbit(e, eb);
				mpz_sub_ui(e, e, 1);
			}
			mpz_powm(want, b, e, N);
			CHECK_OK(ifma_powm_mod(got, b, e, eb, N, &err));
			if (mpz_cmp(want, got) != 0)
				bad++;
			/* the dispatching helper, base above N included */
			mpz_add(b, b, N);
			mpc_powm_sec(got, b, e, eb, N);
			if (mpz_cmp(want, got) != 0)
				bad++;
		}
		CHECK(bad == 0);
		if (bad)
			fprintf(stderr, "  %zu-bit moduli: %d wrong powers\n", bits, bad);
	}
	/* out-of-range arguments are errors, not wrong answers */
	mpz_set_ui(N, 1000003);
	mpz_set_ui(b, 5);
	mpz_set_ui(e, 1u << 20);
	CHECK_STATUS(ifma_powm_mod(got, b, e, 20, N, &err), MPC_ERR_ARG);
	mpz_set_ui(N, 1000000);
	CHECK_STATUS(ifma_powm_mod(got, b, e, 21, N, &err), MPC_ERR_ARG);
	mpz_set_ui(N, 0);
	mpz_setbit(N, 10000);
	mpz_add_ui(N, N, 1);
	CHECK(ifma_digits(10001) == 0);
	CHECK_STATUS(ifma_powm_mod(got, b, e, 21, N, &err), MPC_ERR_ARG);
	mpz_clears(N, b, e, want, got, NULL);
}

static void
test_mul_select(gmp_randstate_t rs)
{
	mpz_t		N, x, y, want, got, buf;
	ifma_ctx	c;
	mpc_error	err;
	uint64_t	xm[IFMA_MAX_DIGITS], ym[IFMA_MAX_DIGITS], zm[IFMA_MAX_DIGITS];
	uint64_t   *tab;
	size_t		bytes, D, j;
	int			it;

	mpz_inits(N, x, y, want, got, buf, NULL);
	mpz_urandomb(N, rs, 4096);
	mpz_setbit(N, 4095);
	mpz_setbit(N, 0);
	bytes = ifma_ctx_bytes(4096);
	CHECK_OK(ifma_ctx_init(&c, mpz_limbs_write(buf, (mp_size_t) (bytes / 8 + 1)), bytes, N, &err));
	D = c.digits;
	CHECK(D == 80);
	for (it = 0; it < 50; it++)
	{
		mpz_urandomm(x, rs, N);
		mpz_urandomm(y, rs, N);
		if (it == 0)
			mpz_sub_ui(x, N, 1);
		ifma_to_mont(&c, xm, x);
		ifma_to_mont(&c, ym, y);
		ifma_mul(&c, zm, xm, ym);
		ifma_mul(&c, xm, xm, xm);	/* aliasing: x^2 */
		ifma_from_mont(&c, got, zm);
		mpz_mul(want, x, y);
		mpz_mod(want, want, N);
		CHECK(mpz_cmp(want, got) == 0);
		ifma_from_mont(&c, got, xm);
		mpz_mul(want, x, x);
		mpz_mod(want, want, N);
		CHECK(mpz_cmp(want, got) == 0);
	}
	tab = malloc(16 * D * sizeof(uint64_t));
	for (j = 0; j < 16 * D; j++)
		tab[j] = j * 2654435761u;
	for (j = 0; j < 16; j++)
	{
		ifma_select(&c, zm, tab, 16, j);
		CHECK(memcmp(zm, tab + j * D, D * sizeof(uint64_t)) == 0);
	}
	free(tab);
	mpz_clears(N, x, y, want, got, buf, NULL);
}

/* big-endian bytes of x, exactly len of them */
static void
be_bytes(uint8_t *out, size_t len, const mpz_t x)
{
	size_t		cnt = 0;

	memset(out, 0, len);
	mpz_export(out + len - (mpz_sizeinbase(x, 256) <= len ? mpz_sizeinbase(x, 256) : len),
			   &cnt, 1, 1, 1, 0, x);
	if (mpz_sgn(x) == 0)
		memset(out, 0, len);
}

/*
 * The sum() accumulator: a chain of products without conversion to
 * Montgomery form, merged chains, and the one correction, against the
 * same products on GMP; factors read from big-endian bytes of every length
 * (word-aligned or not), edge operands 0, 1 and N - 1, moduli 2^k - 1.
 */
static void
test_acc(gmp_randstate_t rs)
{
	size_t		sizes[] = {64, 100, 1000, 2046, 2048, 3072, 4096, 4097, 8192};
	size_t		si;
	mpz_t		N, x, want, want2, got, buf;
	uint64_t	acc[IFMA_MAX_DIGITS], acc2[IFMA_MAX_DIGITS], xd[IFMA_MAX_DIGITS];
	uint8_t		be[IFMA_MAX_DIGITS * 8];
	mpc_error	err;

	mpz_inits(N, x, want, want2, got, buf, NULL);
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
	{
		size_t		bits = sizes[si],
					bytes = ifma_ctx_bytes(bits),
					len = (bits + 7) / 8;
		int			shape,
					bad = 0;

		for (shape = 0; shape < 3; shape++)
		{
			ifma_ctx	c;
			uint64_t	rexp,
						rexp2;
			int			i,
						nf = 40 + shape;

			mpz_urandomb(N, rs, bits);
			mpz_setbit(N, bits - 1);
			mpz_setbit(N, 0);
			if (shape == 1)
			{					/* 2^bits - 1 */
				mpz_set_ui(N, 0);
				mpz_setbit(N, bits);
				mpz_sub_ui(N, N, 1);
			}
			CHECK_OK(ifma_ctx_init(&c, mpz_limbs_write(buf, (mp_size_t) (bytes / 8 + 1)),
								   bytes, N, &err));
			ifma_acc_start(&c, acc, &rexp);
			ifma_acc_start(&c, acc2, &rexp2);
			mpz_set_ui(want, 1);
			mpz_set_ui(want2, 1);
			/* the empty product */
			ifma_acc_get(&c, got, acc, rexp);
			bad += mpz_cmp_ui(got, 1) != 0;
			for (i = 0; i < nf; i++)
			{
				int			second = i % 3 == 2;

				mpz_urandomm(x, rs, N);
				if (i == 1)
					mpz_sub_ui(x, N, 1);
				if (i == 4)
					mpz_set_ui(x, 1);
				if (shape == 2 && i == nf - 1)
					mpz_set_ui(x, 0);	/* 0 absorbs the product */
				be_bytes(be, len, x);
				ifma_digits_of_be(&c, xd, be, len);
				ifma_acc_mul(&c, second ? acc2 : acc, second ? &rexp2 : &rexp, xd);
				mpz_mul(second ? want2 : want, second ? want2 : want, x);
				mpz_mod(second ? want2 : want, second ? want2 : want, N);
				if (i == 5)
				{
					ifma_acc_get(&c, got, acc, rexp);
					bad += mpz_cmp(got, want) != 0;
				}
			}
			ifma_acc_get(&c, got, acc2, rexp2);
			bad += mpz_cmp(got, want2) != 0;
			ifma_acc_merge(&c, acc, &rexp, acc2, rexp2);
			mpz_mul(want, want, want2);
			mpz_mod(want, want, N);
			ifma_acc_get(&c, got, acc, rexp);
			bad += mpz_cmp(got, want) != 0;
			/* restart from a value, as the aggregate does after a scale change */
			ifma_acc_set(&c, acc, &rexp, want);
			mpz_urandomm(x, rs, N);
			be_bytes(be, len, x);
			ifma_digits_of_be(&c, xd, be, len);
			ifma_acc_mul(&c, acc, &rexp, xd);
			mpz_mul(want, want, x);
			mpz_mod(want, want, N);
			ifma_acc_get(&c, got, acc, rexp);
			bad += mpz_cmp(got, want) != 0;
			/* the product times a value kept outside, as the aggregate reads it;
			 * the output may be that value */
			mpz_urandomm(x, rs, N);
			mpz_mul(want, want, x);
			mpz_mod(want, want, N);
			ifma_acc_get_mul(&c, x, acc, rexp, x);
			bad += mpz_cmp(x, want) != 0;
			/* ct + ct: one product of two big-endian values, edge operands */
			for (i = 0; i < 8; i++)
			{
				uint8_t		be2[IFMA_MAX_DIGITS * 8],
							out[IFMA_MAX_DIGITS * 8],
							wantbe[IFMA_MAX_DIGITS * 8];

				mpz_urandomm(x, rs, N);
				mpz_urandomm(want2, rs, N);
				if (i == 1 || i == 2)
					mpz_sub_ui(x, N, 1);
				if (i == 2 || i == 3)
					mpz_sub_ui(want2, N, 1);
				if (i == 4)
					mpz_set_ui(x, 0);
				if (i == 5)
					mpz_set_ui(want2, 1);
				be_bytes(be, len, x);
				be_bytes(be2, len, want2);
				mpz_mul(want, x, want2);
				mpz_mod(want, want, N);
				be_bytes(wantbe, len, want);
				memset(out, 0xa5, sizeof(out));
				ifma_mulmod_be(&c, out, be, be2, len);
				bad += memcmp(out, wantbe, len) != 0;
			}
		}
		CHECK(bad == 0);
		if (bad)
			fprintf(stderr, "  %zu-bit moduli: %d wrong accumulated products\n", bits, bad);
	}
	mpz_clears(N, x, want, want2, got, buf, NULL);
}

/*
 * The multi-buffer products and exponentiation against GMP: eight lanes
 * with their own moduli (random, 2^k - 1, and lanes sharing a modulus
 * pointer), bases 0, 1, N - 1 and random, exponents 0, 1, 2^ebits - 1 and
 * random, at many sizes.
 */
static void
test_mb(gmp_randstate_t rs)
{
	size_t		sizes[] = {64, 100, 520, 1024, 2046, 2048, 3072, 4096};
	size_t		si;
	mpc_error	err;

	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
	{
		size_t		bits = sizes[si],
					n = (bits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS;
		size_t		ebits = 1 + (bits / 2 + si * 13) % 700;
		size_t		en = (ebits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS;
		mp_limb_t  *mem = calloc(8 * (5 * n + en + 2), sizeof(mp_limb_t));
		mp_limb_t  *mp[8], *bp[8], *ap[8], *rp[8], *ep[8], *rq[8];
		mpz_t		N[8], b[8], a[8], e[8], want, got;
		int			l,
					round,
					bad = 0;

		mpz_inits(want, got, NULL);
		for (round = 0; round < 3; round++)
		{
			for (l = 0; l < 8; l++)
			{
				mp_limb_t  *base = mem + l * (5 * n + en + 2);

				mp[l] = base;
				bp[l] = base + n;
				ap[l] = base + 2 * n;
				rp[l] = base + 3 * n;
				rq[l] = base + 4 * n;
				ep[l] = base + 5 * n;
				if (round == 0)
					mpz_inits(N[l], b[l], a[l], e[l], NULL);
				mpz_urandomb(N[l], rs, bits);
				mpz_setbit(N[l], bits - 1);
				mpz_setbit(N[l], 0);
				if (l == 1)
				{				/* 2^bits - 1 */
					mpz_set_ui(N[l], 0);
					mpz_setbit(N[l], bits);
					mpz_sub_ui(N[l], N[l], 1);
				}
				mpz_urandomm(b[l], rs, N[l]);
				mpz_urandomm(a[l], rs, N[l]);
				mpz_urandomb(e[l], rs, ebits);
				if (l == 2)
					mpz_set_ui(b[l], 0);
				if (l == 3)
					mpz_set_ui(b[l], 1);
				if (l == 4 || l == 1)
				{
					mpz_sub_ui(b[l], N[l], 1);
					mpz_sub_ui(a[l], N[l], 1);
				}
				if (l == 5)
					mpz_set_ui(e[l], round);	/* 0, 1, 2 */
				if (l == 6)
				{
					mpz_set_ui(e[l], 0);
					mpz_setbit(e[l], ebits);
					mpz_sub_ui(e[l], e[l], 1);
				}
				mpz_export(mp[l], NULL, -1, sizeof(mp_limb_t), 0, 0, N[l]);
				memset(bp[l], 0, n * sizeof(mp_limb_t));
				memset(ap[l], 0, n * sizeof(mp_limb_t));
				memset(ep[l], 0, en * sizeof(mp_limb_t));
				mpz_export(bp[l], NULL, -1, sizeof(mp_limb_t), 0, 0, b[l]);
				mpz_export(ap[l], NULL, -1, sizeof(mp_limb_t), 0, 0, a[l]);
				mpz_export(ep[l], NULL, -1, sizeof(mp_limb_t), 0, 0, e[l]);
			}
			if (round == 2)
			{
				/* one modulus for every lane, as CRT decryption uses it */
				for (l = 1; l < 8; l++)
				{
					mp[l] = mp[0];
					mpz_set(N[l], N[0]);
					mpz_mod(b[l], b[l], N[0]);
					mpz_mod(a[l], a[l], N[0]);
					memset(bp[l], 0, n * sizeof(mp_limb_t));
					memset(ap[l], 0, n * sizeof(mp_limb_t));
					mpz_export(bp[l], NULL, -1, sizeof(mp_limb_t), 0, 0, b[l]);
					mpz_export(ap[l], NULL, -1, sizeof(mp_limb_t), 0, 0, a[l]);
				}
			}
			CHECK_OK(ifma8_powm_limbs(rp, (const mp_limb_t *const *) bp,
									  (const mp_limb_t *const *) ep, ebits,
									  (const mp_limb_t *const *) mp, n, bits, &err));
			CHECK_OK(ifma8_mulmod_limbs(rq, (const mp_limb_t *const *) ap,
										(const mp_limb_t *const *) bp,
										(const mp_limb_t *const *) mp, n, bits, &err));
			for (l = 0; l < 8; l++)
			{
				mpz_powm(want, b[l], e[l], N[l]);
				mpz_import(got, n, -1, sizeof(mp_limb_t), 0, 0, rp[l]);
				bad += mpz_cmp(want, got) != 0;
				mpz_mul(want, a[l], b[l]);
				mpz_mod(want, want, N[l]);
				mpz_import(got, n, -1, sizeof(mp_limb_t), 0, 0, rq[l]);
				bad += mpz_cmp(want, got) != 0;
			}
		}
		CHECK(bad == 0);
		if (bad)
			fprintf(stderr, "  multi-buffer, %zu-bit moduli: %d wrong results\n", bits, bad);
		for (l = 0; l < 8; l++)
			mpz_clears(N[l], b[l], a[l], e[l], NULL);
		mpz_clears(want, got, NULL);
		free(mem);
	}
}

/*
 * Horner's rule on eight lanes against GMP: lanes with their own moduli and
 * one shared modulus, terms 0, 1, N - 1 and random, 1 to 5 terms, slots of
 * 1, 52 and 83 bits.
 */
static void
test_horner(gmp_randstate_t rs)
{
	size_t		sizes[] = {100, 2048, 4096};
	unsigned	slot_bits[] = {1, 52, 83};
	mpc_error	err;
	int			bad = 0;

	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
	{
		size_t		bits = sizes[si],
					n = (bits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS;
		mp_limb_t  *mem = calloc(8 * (7 * n), sizeof(mp_limb_t));
		mp_limb_t  *rp[8];
		const mp_limb_t *mp[8],
				   *xp[5 * 8];
		mpz_t		N[8], x[5][8], want, got;

		mpz_inits(want, got, NULL);
		for (int l = 0; l < 8; l++)
		{
			mp_limb_t  *base = mem + l * 7 * n;

			mpz_init(N[l]);
			mpz_urandomb(N[l], rs, bits);
			mpz_setbit(N[l], bits - 1);
			mpz_setbit(N[l], 0);
			if (l >= 6)
				mpz_set(N[l], N[5]);	/* lanes sharing a modulus */
			mpz_export(base, NULL, -1, sizeof(mp_limb_t), 0, 0, N[l]);
			mp[l] = l >= 6 ? mp[5] : base;
			rp[l] = base + n;
			for (int s = 0; s < 5; s++)
			{
				mpz_init(x[s][l]);
				mpz_urandomm(x[s][l], rs, N[l]);
				if (l == 1)
					mpz_set_ui(x[s][l], s % 2);
				if (l == 2)
					mpz_sub_ui(x[s][l], N[l], 1);
				mpz_export(base + (2 + s) * n, NULL, -1, sizeof(mp_limb_t), 0, 0, x[s][l]);
				xp[s * 8 + l] = base + (2 + s) * n;
			}
		}
		for (size_t count = 1; count <= 5; count++)
			for (size_t bi = 0; bi < 3; bi++)
			{
				CHECK_OK(ifma8_horner_limbs(rp, xp, count, slot_bits[bi], mp, n, bits, &err));
				for (int l = 0; l < 8; l++)
				{
					mpz_set_ui(want, 1);
					for (size_t s = count; s-- > 0;)
					{
						mpz_set_ui(got, 0);
						mpz_setbit(got, slot_bits[bi]);
						if (s + 1 < count)
							mpz_powm(want, want, got, N[l]);
						mpz_mul(want, want, x[s][l]);
						mpz_mod(want, want, N[l]);
					}
					mpz_import(got, n, -1, sizeof(mp_limb_t), 0, 0, rp[l]);
					bad += mpz_cmp(want, got) != 0;
				}
			}
		CHECK_STATUS(ifma8_horner_limbs(rp, xp, 0, 8, mp, n, bits, &err), MPC_ERR_ARG);
		for (int l = 0; l < 8; l++)
		{
			mpz_clear(N[l]);
			for (int s = 0; s < 5; s++)
				mpz_clear(x[s][l]);
		}
		mpz_clears(want, got, NULL);
		free(mem);
	}
	CHECK(bad == 0);
}

static void
test_paillier_paths(void)
{
	pai_priv	sk;
	mpz_t		m, c, got, textbook;
	mpc_error	err;
	int			i,
				path;

	mpz_inits(m, c, got, textbook, NULL);
	CHECK_OK(pai_keygen(&sk, 2048, 512, &err));
	for (i = 0; i < 8; i++)
	{
		mpz_set_si(m, 1234567 * (i + 1));
		if (i == 7)
			mpz_sub_ui(m, sk.pub.n, 1);
		for (path = 0; path < 2; path++)
		{
			ifma_set_enabled(path);
			CHECK_OK(pai_encrypt(&sk.pub, c, m, &err));
			CHECK_OK(pai_decrypt_textbook(&sk, textbook, c, &err));
			CHECK(mpz_cmp(textbook, m) == 0);
			ifma_set_enabled(!path);
			CHECK_OK(pai_decrypt(&sk, got, c, &err));
			CHECK(mpz_cmp(got, m) == 0);
			CHECK_OK(pai_encrypt_crt(&sk, c, m, &err));
			CHECK_OK(pai_decrypt_textbook(&sk, textbook, c, &err));
			CHECK(mpz_cmp(textbook, m) == 0);
		}
	}
	ifma_set_enabled(1);
	/* batches: 8 lanes, a padded group of 5, a tail of fewer than 4 done
	 * one by one; both paths; edge plaintexts 0, 1, n - 1 */
	{
		size_t		counts[] = {0, 1, 3, 4, 8, 13, 19};
		size_t		ci, k;
		mpz_t		ms[19], cs[19], outs[19];

		for (k = 0; k < 19; k++)
		{
			mpz_inits(ms[k], cs[k], outs[k], NULL);
			mpz_set_ui(ms[k], 1000003u * k);
			if (k == 2)
				mpz_sub_ui(ms[k], sk.pub.n, 1);
			if (k == 5)
				mpz_set_ui(ms[k], 1);
			CHECK_OK(pai_encrypt(&sk.pub, cs[k], ms[k], &err));
		}
		for (path = 0; path < 2; path++)
		{
			ifma_set_enabled(path);
			for (ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++)
			{
				int			bad = 0;

				for (k = 0; k < counts[ci]; k++)
					mpz_set_ui(outs[k], 77);
				CHECK_OK(pai_decrypt_many(&sk, outs, (const mpz_t *) cs, counts[ci], &err));
				for (k = 0; k < counts[ci]; k++)
					bad += mpz_cmp(outs[k], ms[k]) != 0;
				CHECK(bad == 0);
			}
			/* a ciphertext out of range: an error, not a wrong answer */
			mpz_set(textbook, cs[9]);
			mpz_set(cs[9], sk.pub.n2);
			CHECK_STATUS(pai_decrypt_many(&sk, outs, (const mpz_t *) cs, 13, &err), MPC_ERR_CIPHERTEXT);
			mpz_set(cs[9], textbook);
		}
		ifma_set_enabled(1);
		for (k = 0; k < 19; k++)
			mpz_clears(ms[k], cs[k], outs[k], NULL);
	}
	/* DJN encryption eight at a time (fb_pow8 on the key's IFMA table):
	 * every ciphertext decrypts right, and fb_pow8 matches GMP on edge
	 * exponents */
	{
		size_t		counts[] = {0, 1, 5, 8, 11, 16};
		size_t		bytes = pai_djn_table_bytes(&sk.pub, 4),
					ci, k;
		void	   *tbuf = aligned_alloc(64, (bytes + 63) / 64 * 64);
		pai_djn		d;
		mpz_t		ms[16], cs[16], es[8], xs[8];

		CHECK_OK(pai_djn_init(&d, &sk.pub, 4, tbuf, bytes, &err));
		CHECK(d.has_table && d.table.use_ifma);
		for (k = 0; k < 16; k++)
		{
			mpz_inits(ms[k], cs[k], NULL);
			mpz_set_ui(ms[k], 31337u * k);
			if (k == 3)
				mpz_sub_ui(ms[k], sk.pub.n, 1);
		}
		for (ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++)
		{
			int			bad = 0;

			CHECK_OK(pai_djn_encrypt_many(&sk.pub, &d, cs, (const mpz_t *) ms, counts[ci], &err));
			for (k = 0; k < counts[ci]; k++)
			{
				CHECK_OK(pai_decrypt_textbook(&sk, got, cs[k], &err));
				bad += mpz_cmp(got, ms[k]) != 0;
				bad += k > 0 && mpz_cmp(cs[k], cs[k - 1]) == 0;
			}
			CHECK(bad == 0);
		}
		mpz_set(textbook, ms[2]);
		mpz_set(ms[2], sk.pub.n);
		CHECK_STATUS(pai_djn_encrypt_many(&sk.pub, &d, cs, (const mpz_t *) ms, 8, &err), MPC_ERR_ARG);
		mpz_set(ms[2], textbook);
		for (k = 0; k < 8; k++)
		{
			mpz_inits(es[k], xs[k], NULL);
			mpz_set_ui(es[k], 1000003u * k);
		}
		mpz_set_ui(es[0], 0);
		mpz_set_ui(es[1], 1);
		mpz_set_ui(es[3], 0);
		mpz_setbit(es[3], d.abits);
		mpz_sub_ui(es[3], es[3], 1);	/* 2^abits - 1 */
		CHECK_OK(fb_pow8(&d.table, xs, (const mpz_t *) es, &err));
		{
			int			bad = 0;

			for (k = 0; k < 8; k++)
			{
				mpz_powm(got, d.hs, es[k], sk.pub.n2);
				bad += mpz_cmp(got, xs[k]) != 0;
			}
			CHECK(bad == 0);
		}
		mpz_setbit(es[5], d.abits);
		CHECK_STATUS(fb_pow8(&d.table, xs, (const mpz_t *) es, &err), MPC_ERR_ARG);
		for (k = 0; k < 8; k++)
			mpz_clears(es[k], xs[k], NULL);
		for (k = 0; k < 16; k++)
			mpz_clears(ms[k], cs[k], NULL);
		pai_djn_clear(&d);
		free(tbuf);
	}
	pai_priv_clear(&sk);
	mpz_clears(m, c, got, textbook, NULL);
}

/* ifma_digits_of_be against ifma_digits_of_limbs for every length from 0 to
 * the context's widest (short numbers, odd lengths, leading zero bytes),
 * with its OR of the digits; the bytes around the input are poisoned */
static void
test_digits_of_be(gmp_randstate_t rs)
{
	static const size_t bits[] = {64, 1000, 2048, 4096};
	size_t		b;

	for (b = 0; b < sizeof(bits) / sizeof(bits[0]); b++)
	{
		size_t		bytes = ifma_ctx_bytes(bits[b]);
		void	   *buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
		ifma_ctx	c;
		mpz_t		N,
					x;
		uint64_t	want[IFMA_MAX_DIGITS],
					got[IFMA_MAX_DIGITS],
					any;
		uint8_t		mem[8 + 2048 + 8];
		size_t		len,
					i,
					maxlen;
		int			bad = 0;

		mpz_inits(N, x, NULL);
		mpz_urandomb(N, rs, bits[b]);
		mpz_setbit(N, bits[b] - 1);
		mpz_setbit(N, 0);
		CHECK_OK(ifma_ctx_init(&c, buf, bytes, N, &e_));
		maxlen = (52 * c.digits) / 8;
		if (maxlen > 2048)
			maxlen = 2048;
		for (len = 0; len <= maxlen; len++)
		{
			memset(mem, 0xA5, sizeof(mem));
			mpz_urandomb(x, rs, 8 * len);
			if (len % 5 == 1 && len > 2)
				mpz_tdiv_r_2exp(x, x, 8 * (len - 2));	/* leading zero bytes */
			if (len == 3)
				mpz_set_ui(x, 0);
			be_bytes(mem + 8, len, x);
			ifma_digits_of_limbs(want, c.digits, mpz_limbs_read(x), mpz_size(x));
			any = ifma_digits_of_be(&c, got, mem + 8, len);
			for (i = 0; i < c.digits; i++)
				bad += got[i] != want[i];
			bad += (any != 0) != (mpz_sgn(x) != 0);
		}
		CHECK(bad == 0);
		mpz_clears(N, x, NULL);
		free(buf);
	}
}

int
main(void)
{
	gmp_randstate_t rs;

	UNIT_INIT();
	if (!ifma_available())
	{
		printf("SKIP: this CPU has no AVX-512 IFMA; the portable GMP path is tested by the other suites\n");
		UNIT_DONE("test_ifma");
	}
	gmp_randinit_default(rs);
	gmp_randseed_ui(rs, 20261121);
	test_powm(rs);
	test_mul_select(rs);
	test_acc(rs);
	test_digits_of_be(rs);
	test_mb(rs);
	test_horner(rs);
	test_paillier_paths();
	gmp_randclear(rs);
	UNIT_DONE("test_ifma");
}
