/*
 * test_fixedpoint.c: the fixed-point rules and the magnitude bound.
 *
 * The property: whenever an operation succeeds, the decrypted result equals
 * the exact integer result and |v| <= 2^bound <= 2^fx_limit; an operation
 * whose bound would pass the budget fails with MPC_ERR_OVERFLOW.
 */
#include "unit.h"
#include "encoding.h"
#include "fixedpoint.h"
#include "paillier.h"

static pai_priv sk;

static void
encrypt_fx(fx_ct *x, const mpz_t v, int scale, uint32_t bound)
{
	mpz_t		m;
	mpc_error	err;

	mpz_init(m);
	CHECK_OK(enc_to_residue(&sk.pub, m, v, &err));
	CHECK_OK(pai_encrypt(&sk.pub, x->c, m, &err));
	x->scale = scale;
	x->bound = bound;
	mpz_clear(m);
}

/* decrypts to want, and want is within the bound */
static int
holds(const fx_ct *x, const mpz_t want)
{
	mpz_t		m, v, lim;
	mpc_error	err;
	int			ok;

	mpz_inits(m, v, lim, NULL);
	ok = pai_decrypt(&sk, m, x->c, &err) == MPC_OK &&
		enc_from_residue(&sk.pub, v, m, &err) == MPC_OK && mpz_cmp(v, want) == 0;
	mpz_setbit(lim, x->bound);
	ok = ok && mpz_cmpabs(want, lim) <= 0 && x->bound <= fx_limit(&sk.pub);
	mpz_clears(m, v, lim, NULL);
	return ok;
}

static void
test_helpers(void)
{
	mpz_t		a;

	mpz_init(a);
	mpz_set_ui(a, 0);
	CHECK(fx_ceil_log2(a) == 0);
	mpz_set_ui(a, 1);
	CHECK(fx_ceil_log2(a) == 0);
	mpz_set_si(a, -2);
	CHECK(fx_ceil_log2(a) == 1);
	mpz_set_ui(a, 3);
	CHECK(fx_ceil_log2(a) == 2);
	mpz_set_ui(a, 4);
	CHECK(fx_ceil_log2(a) == 2);
	mpz_set_ui(a, 9999);
	CHECK(fx_ceil_log2(a) == 14);
	CHECK(fx_ceil_log2_u64(1) == 0);
	CHECK(fx_ceil_log2_u64(2) == 1);
	CHECK(fx_ceil_log2_u64(3) == 2);
	CHECK(fx_ceil_log2_u64(10000) == 14);
	CHECK(fx_ceil_log2_u64(UINT64_MAX) == 64);
	CHECK(fx_pow10_bits(0) == 0);
	CHECK(fx_pow10_bits(1) == 4);
	CHECK(fx_pow10_bits(2) == 7);
	CHECK(fx_pow10_bits(1000) == 3322);
	CHECK(fx_limit_bits(2048) == 2045);
	CHECK(fx_legacy_bound(2048) == 1981);
	{
		mpc_error	err;
		mpz_t		w;

		CHECK_OK(enc_from_int64(INT64_MIN, 2, a, &err));
		mpz_init_set_str(w, "-922337203685477580800", 10);
		CHECK(mpz_cmp(a, w) == 0);
		CHECK_OK(enc_from_int64(INT64_MAX, 0, a, &err));
		mpz_set_str(w, "9223372036854775807", 10);
		CHECK(mpz_cmp(a, w) == 0);
		CHECK_STATUS(enc_from_int64(1, 1001, a, &err), MPC_ERR_ARG);
		mpz_clear(w);
	}
	mpz_clear(a);
}

static void
test_declared(void)
{
	mpz_t		max, v;
	uint32_t	b = 99;
	mpc_error	err;
	uint32_t	lim = fx_limit(&sk.pub);

	mpz_inits(max, v, NULL);
	fx_default_max(max, FX_DEFAULT_BITS_INT8);
	CHECK_OK(fx_declared_bound(&sk.pub, 0, max, 0, &b, &err));
	CHECK(b == 63);
	CHECK_OK(fx_declared_bound(&sk.pub, 2, max, 0, &b, &err));
	CHECK(b == 70);
	/* 99.99 at scale 2: 9999 */
	mpz_set_ui(max, 9999);
	CHECK_OK(fx_declared_bound(&sk.pub, 2, max, 2, &b, &err));
	CHECK(b == 14);
	mpz_set_si(v, -9999);
	CHECK(fx_within_max(v, 2, max, 2));
	mpz_set_si(v, -10000);
	CHECK(!fx_within_max(v, 2, max, 2));
	/* 2^limit fits exactly, one more does not */
	mpz_set_ui(max, 0);
	mpz_setbit(max, lim);
	CHECK_OK(fx_declared_bound(&sk.pub, 0, max, 0, &b, &err));
	CHECK(b == lim);
	mpz_add_ui(max, max, 1);
	CHECK_STATUS(fx_declared_bound(&sk.pub, 0, max, 0, &b, &err), MPC_ERR_OVERFLOW);
	mpz_set(max, sk.pub.max_int);
	CHECK_STATUS(fx_declared_bound(&sk.pub, 0, max, 0, &b, &err), MPC_ERR_OVERFLOW);
	mpz_set_si(max, -1);
	CHECK_STATUS(fx_declared_bound(&sk.pub, 0, max, 0, &b, &err), MPC_ERR_ARG);
	mpz_set_ui(max, 0);
	CHECK_OK(fx_declared_bound(&sk.pub, 100, max, 0, &b, &err));
	CHECK(b == 0);
	mpz_clears(max, v, NULL);
}

/* the reproductions of issue 14, at this key's size */
static void
test_reproductions(void)
{
	fx_ct		a, b, r;
	fx_sum		s;
	mpz_t		v, k, want;
	mpc_error	err;
	uint32_t	lim = fx_limit(&sk.pub);
	int			i;

	fx_init(&a);
	fx_init(&b);
	fx_init(&r);
	mpz_inits(v, k, want, NULL);
	/* three times the largest value summed */
	mpz_setbit(v, lim);
	encrypt_fx(&a, v, 0, lim);
	encrypt_fx(&b, v, 0, lim);
	CHECK_STATUS(fx_add(&sk.pub, &r, &a, &b, 0, &err), MPC_ERR_OVERFLOW);
	fx_sum_init(&s, lim, 0);
	CHECK_OK(fx_sum_add(&s, sk.pub.n2, a.c, 0, lim, 1, &err));
	CHECK_STATUS(fx_sum_add(&s, sk.pub.n2, b.c, 0, lim, 1, &err), MPC_ERR_OVERFLOW);
	fx_sum_clear(&s);
	/* half of it twice is fine, three times is not */
	mpz_set_ui(v, 0);
	mpz_setbit(v, lim - 1);
	encrypt_fx(&a, v, 0, lim - 1);
	encrypt_fx(&b, v, 0, lim - 1);
	CHECK_OK(fx_add(&sk.pub, &r, &a, &b, 0, &err));
	mpz_mul_ui(want, v, 2);
	CHECK(holds(&r, want));
	CHECK_STATUS(fx_add(&sk.pub, &r, &r, &a, 0, &err), MPC_ERR_OVERFLOW);
	/* Enc(3) * (floor(n/3) - 1) */
	mpz_set_ui(v, 3);
	encrypt_fx(&a, v, 0, 2);
	CHECK_STATUS(fx_mul_plain(&sk.pub, &r, &a, sk.pub.max_int, 0, &err), MPC_ERR_OVERFLOW);
	/* scale 1000 plus scale 0 */
	mpz_set_ui(v, 0);
	encrypt_fx(&a, v, 1000, 0);
	mpz_set_ui(v, 1);
	encrypt_fx(&b, v, 0, 63);
	CHECK_STATUS(fx_add(&sk.pub, &r, &a, &b, 0, &err), MPC_ERR_OVERFLOW);
	CHECK(b.scale == 0);		/* nothing was lifted */
	fx_sum_init(&s, lim, 1000);
	CHECK_OK(fx_sum_add(&s, sk.pub.n2, a.c, 1000, 0, 1, &err));
	CHECK_STATUS(fx_sum_add(&s, sk.pub.n2, b.c, 0, 63, 1, &err), MPC_ERR_OVERFLOW);
	fx_sum_clear(&s);
	/* Enc(10^80) * 10^80 on this small key */
	mpz_ui_pow_ui(v, 10, 80);
	encrypt_fx(&a, v, 0, fx_ceil_log2(v));
	CHECK_STATUS(fx_mul_plain(&sk.pub, &r, &a, v, 0, &err), MPC_ERR_OVERFLOW);
	/* the sum's bound grows with log2 of the count */
	fx_sum_init(&s, lim, 0);
	mpz_set_si(v, -7);
	for (i = 0; i < 1000; i++)
	{
		encrypt_fx(&a, v, 0, 3);
		CHECK_OK(fx_sum_add(&s, sk.pub.n2, a.c, 0, 3, 1, &err));
	}
	CHECK(fx_sum_bound(&s) == 3 + 10);
	mpz_set(r.c, s.acc);
	r.scale = s.scale;
	r.bound = fx_sum_bound(&s);
	mpz_set_si(want, -7000);
	CHECK(holds(&r, want));
	/* a partial sum of 24 more terms combines: 1024 terms, still 13 */
	CHECK_OK(fx_sum_add(&s, sk.pub.n2, a.c, 0, 3, 24, &err));
	CHECK(fx_sum_bound(&s) == 13);
	CHECK_STATUS(fx_sum_add(&s, sk.pub.n2, a.c, 0, 3, 0, &err), MPC_ERR_ARG);
	fx_sum_clear(&s);
	fx_clear(&a);
	fx_clear(&b);
	fx_clear(&r);
	mpz_clears(v, k, want, NULL);
}

/* random operations: whenever one succeeds, the result is exact */
static void
test_random_ops(void)
{
	fx_ct		a, b, r;
	mpz_t		va, vb, k, want, t;
	mpc_error	err;
	uint32_t	lim = fx_limit(&sk.pub);
	int			i,
				ok = 0,
				refused = 0;
	unsigned char rnd[16];

	fx_init(&a);
	fx_init(&b);
	fx_init(&r);
	mpz_inits(va, vb, k, want, t, NULL);
	for (i = 0; i < 300; i++)
	{
		uint32_t	ba, bb;
		int			sa, sb, f, op;
		mpc_status	st;

		CHECK(unit_getrandom(rnd, sizeof(rnd)) == 0);
		/* half the time near the budget, where refusals happen */
		ba = (rnd[11] & 1) ? lim - rnd[0] % 16 : rnd[0] % (lim + 1);
		bb = (rnd[11] & 2) ? lim - rnd[1] % 16 : rnd[1] % (lim + 1);
		sa = rnd[2] % 40;
		sb = rnd[3] % 40;
		f = rnd[4] % 30;
		op = rnd[5] % 4;
		/* values at their bounds' edges, either sign */
		mpz_set_ui(va, 0);
		mpz_setbit(va, ba);
		if (rnd[6] & 1)
			mpz_neg(va, va);
		mpz_set_ui(vb, 0);
		mpz_setbit(vb, bb);
		mpz_sub_ui(vb, vb, rnd[7] & 1);
		if (rnd[8] & 1)
			mpz_neg(vb, vb);
		encrypt_fx(&a, va, sa, ba);
		encrypt_fx(&b, vb, sb, bb);
		mpz_set_ui(k, 0);
		mpz_setbit(k, rnd[9] % 200);
		mpz_sub_ui(k, k, rnd[10]);
		switch (op)
		{
			case 0:
			case 1:
				st = fx_add(&sk.pub, &r, &a, &b, op, &err);
				/* want = va 10^(s - sa) +- vb 10^(s - sb) */
				{
					int			s = sa > sb ? sa : sb;

					mpz_ui_pow_ui(t, 10, (unsigned long) (s - sa));
					mpz_mul(want, va, t);
					mpz_ui_pow_ui(t, 10, (unsigned long) (s - sb));
					mpz_mul(t, t, vb);
					if (op)
						mpz_sub(want, want, t);
					else
						mpz_add(want, want, t);
				}
				break;
			case 2:
				st = fx_mul_plain(&sk.pub, &r, &a, k, f, &err);
				mpz_mul(want, va, k);
				break;
			default:
				st = fx_add_plain(&sk.pub, &r, &a, k, f, &err);
				{
					int			s = sa > f ? sa : f;

					mpz_ui_pow_ui(t, 10, (unsigned long) (s - sa));
					mpz_mul(want, va, t);
					mpz_ui_pow_ui(t, 10, (unsigned long) (s - f));
					mpz_addmul(want, t, k);
				}
				break;
		}
		if (st == MPC_OK)
		{
			CHECK(holds(&r, want));
			ok++;
		}
		else
		{
			CHECK(st == MPC_ERR_OVERFLOW);
			refused++;
		}
	}
	/* both outcomes happen */
	printf("random operations: %d exact, %d refused\n", ok, refused);
	CHECK(ok > 20);
	CHECK(refused > 20);
	fx_clear(&a);
	fx_clear(&b);
	fx_clear(&r);
	mpz_clears(va, vb, k, want, t, NULL);
}

/* one base, many scalars: table (both modes) and one by one agree */
static void
test_mul_many(void)
{
	enum { N = 9 };
	mpz_t		c, m, k[N], r[N], w;
	unsigned char skip[N] = {0, 0, 1, 0, 0, 0, 0, 0, 0};
	long		ks[N] = {0, 1, 5, -1, 123456789, -65536, 7, -3, 2};
	size_t		maxbits = 0, bytes;
	unsigned	window;
	int			mode, i;
	void	   *buf;
	mpc_error	err;

	mpz_inits(c, m, w, NULL);
	mpz_set_ui(m, 1234567);
	CHECK_OK(pai_encrypt(&sk.pub, c, m, &err));
	for (i = 0; i < N; i++)
	{
		mpz_init_set_si(k[i], ks[i]);
		mpz_init(r[i]);
		if (mpz_sizeinbase(k[i], 2) > maxbits)
			maxbits = mpz_sizeinbase(k[i], 2);
	}
	for (mode = 0; mode < 3; mode++)
	{
		bytes = mode == 2 ? 0 : fx_mul_many_bytes(&sk.pub, maxbits, N, mode, 1 << 26, &window);
		CHECK(mode == 2 || (bytes > 0 && window >= 1));
		buf = bytes ? aligned_alloc(64, (bytes + 63) / 64 * 64) : NULL;
		CHECK_OK(fx_mul_many(&sk.pub, c, (const mpz_t *) k, skip, N, mode, buf, bytes, window,
							 maxbits, r, &err));
		for (i = 0; i < N; i++)
		{
			if (skip[i])
				continue;
			CHECK_OK(pai_mul_scalar(&sk.pub, w, c, k[i], &err));
			CHECK(mpz_cmp(w, r[i]) == 0);
		}
		free(buf);
	}
	/* a scalar wider than maxbits is refused */
	CHECK_STATUS(fx_mul_many(&sk.pub, c, (const mpz_t *) k, skip, N, 1, NULL, 0, 0, 3, r, &err),
				 MPC_ERR_ARG);
	CHECK(fx_mul_many_bytes(&sk.pub, maxbits, 2, 1, 1 << 26, &window) == 0);
	for (i = 0; i < N; i++)
		mpz_clears(k[i], r[i], NULL);
	mpz_clears(c, m, w, NULL);
}

int
main(void)
{
	mpc_error	err;

	UNIT_INIT();
	CHECK_OK(pai_keygen(&sk, 512, 512, &err));
	test_helpers();
	test_declared();
	test_reproductions();
	test_random_ops();
	test_mul_many();
	pai_priv_clear(&sk);
	UNIT_DONE("test_fixedpoint");
}
