/*
 * test_protocol.c: the core of private EigenTrust (protocol.h): local rows,
 * the fixed-base randomiser, one-base-many-exponents, packing, the vector
 * header and the coordinator's update, checked against plain computations.
 */
#include <math.h>

#include "protocol.h"
#include "serial.h"
#include "unit.h"

static void
test_rows(void)
{
	/* truster 0: two ratings of 1 (summed: 3 + 1 = 4), one of 2 (-1: clipped), a self rating;
	 * truster 3: only negative -> dangling; truster 5: only a self rating -> dangling */
	pet_edge	e[] = {
		{0, 1, 3}, {0, 2, -1}, {3, 1, -5}, {0, 0, 7}, {0, 1, 1}, {5, 5, 2}, {0, 4, 4},
	};
	uint32_t	hosted[7];
	unsigned char dangling[7];
	size_t		kept,
				nrows;
	mpc_error	err;

	CHECK_OK(pet_rows_build(e, 7, &kept, hosted, dangling, &nrows, &err));
	CHECK(kept == 2);
	CHECK(nrows == 3);
	CHECK(hosted[0] == 0 && hosted[1] == 3 && hosted[2] == 5);
	CHECK(!dangling[0] && dangling[1] && dangling[2]);
	CHECK(e[0].i == 0 && e[0].j == 1 && fabs(e[0].w - 0.5) < 1e-15);
	CHECK(e[1].i == 0 && e[1].j == 4 && fabs(e[1].w - 0.5) < 1e-15);

	pet_edge	bad[] = {{0, 1, NAN}};

	CHECK_STATUS(pet_rows_build(bad, 1, &kept, hosted, dangling, &nrows, &err), MPC_ERR_ARG);
}

static void
test_pack(void)
{
	uint64_t	v[5] = {0, 1, 123456789012345ULL, (1ULL << 48) - 1, 42};
	uint64_t	w[5];
	mpz_t		m;
	mpc_error	err;

	mpz_init(m);
	CHECK_OK(pet_pack(m, v, 5, 48, &err));
	CHECK(mpz_sizeinbase(m, 2) <= 5 * 48);
	CHECK_OK(pet_unpack(m, w, 5, 48, &err));
	CHECK(memcmp(v, w, sizeof(v)) == 0);
	v[0] = 1ULL << 48;
	CHECK_STATUS(pet_pack(m, v, 5, 48, &err), MPC_ERR_OVERFLOW);
	CHECK(pet_slots(2048, 48) == 42);
	CHECK(pet_slots(2048, PET_SLOT_BITS) == 46);
	/* a wider value than the slots allow is refused on unpack */
	mpz_set_ui(m, 1);
	mpz_mul_2exp(m, m, 100);
	CHECK_STATUS(pet_unpack(m, w, 2, 48, &err), MPC_ERR_OVERFLOW);
	mpz_clear(m);
}

static void
test_crypto(void)
{
	pai_priv	sk;
	pet_rand	rnd;
	unsigned	w;
	size_t		entries = pet_rand_entries(1024, 10, &w);
	mpz_t	   *tab = calloc(entries, sizeof(mpz_t));
	mpz_t		m,
				c,
				d,
				z,
				base,
				got,
				want,
				ex;
	mpz_t		ptab[PET_POW_TAB];
	pet_pow		pw;
	mpc_error	err;
	uint64_t	vals[3] = {5, 0, 99999999999999ULL};
	uint64_t	sums[3];

	mpz_inits(m, c, d, z, base, got, want, ex, NULL);
	CHECK_OK(pai_keygen(&sk, 1024, 512, &err));
	CHECK(w >= 1 && w <= 8);
	CHECK_OK(pet_rand_init(&rnd, &sk.pub, tab, w, &err));

	/* encryption decrypts; the randomiser is an encryption of 0 */
	mpz_set_ui(m, 123456789);
	CHECK_OK(pet_encrypt(&sk.pub, &rnd, c, m, &err));
	CHECK_OK(pai_check_ciphertext(&sk.pub, c, 1, &err));
	CHECK_OK(pai_decrypt(&sk, d, c, &err));
	CHECK(mpz_cmp(d, m) == 0);
	CHECK_OK(pet_rand_zero(&rnd, z, &err));
	CHECK_OK(pai_decrypt(&sk, d, z, &err));
	CHECK(mpz_sgn(d) == 0);
	/* two encryptions of the same value differ */
	CHECK_OK(pet_encrypt(&sk.pub, &rnd, d, m, &err));
	CHECK(mpz_cmp(c, d) != 0);

	/* one base, many exponents = mpz_powm */
	mpz_set_ui(m, 777);
	CHECK_OK(pet_encrypt(&sk.pub, &rnd, base, m, &err));
	for (int q = 0; q < PET_POW_TAB; q++)
		mpz_init(ptab[q]);
	{
		uint64_t	es[] = {0, 1, 2, 1000000000000ULL, 999999999999ULL, 0xfffffffffULL};

		CHECK_OK(pet_pow_prepare(&pw, &sk.pub, ptab, base, 40, 6, &err));
		for (size_t k = 0; k < sizeof(es) / sizeof(es[0]); k++)
		{
			CHECK_OK(pet_pow_get(&pw, &sk.pub, got, es[k], &err));
			mpz_set_ui(ex, (unsigned long) (es[k] >> 32));
			mpz_mul_2exp(ex, ex, 32);
			mpz_add_ui(ex, ex, (unsigned long) (es[k] & 0xffffffffu));
			mpz_powm(want, base, ex, sk.pub.n2);
			CHECK(mpz_cmp(got, want) == 0);
		}
		CHECK_STATUS(pet_pow_get(&pw, &sk.pub, got, 1ULL << 41, &err), MPC_ERR_ARG);
		for (unsigned eb = 1; eb <= 64; eb += 21)
		{
			CHECK_OK(pet_pow_prepare(&pw, &sk.pub, ptab, base, eb, 1000, &err));
			CHECK_OK(pet_pow_get(&pw, &sk.pub, got, 1, &err));
			CHECK(mpz_cmp(got, base) == 0);
		}
	}
	for (int q = 0; q < PET_POW_TAB; q++)
		mpz_clear(ptab[q]);

	/* packed ciphertexts add slot-wise */
	{
		mpz_t		c1,
					c2;
		uint64_t	a[3] = {1, 2, 3};
		size_t		k = pet_slots(sk.pub.nbits, 48);

		CHECK(k == 21);
		mpz_inits(c1, c2, NULL);
		CHECK_OK(pet_pack(m, vals, 3, 48, &err));
		CHECK_OK(pet_encrypt(&sk.pub, &rnd, c1, m, &err));
		CHECK_OK(pet_pack(m, a, 3, 48, &err));
		CHECK_OK(pet_encrypt(&sk.pub, &rnd, c2, m, &err));
		pai_add(&sk.pub, c1, c1, c2);
		CHECK_OK(pai_decrypt(&sk, d, c1, &err));
		CHECK_OK(pet_unpack(d, sums, 3, 48, &err));
		CHECK(sums[0] == 6 && sums[1] == 2 && sums[2] == 99999999999999ULL + 3);
		mpz_clears(c1, c2, NULL);
	}

	/* vector header: round trip, foreign key, truncation */
	{
		unsigned char buf[PET_VEC_HDR + 2 * 128];
		pet_vec_hdr h = {PET_KIND_PLAIN, 0, 24, 1, 1, (uint32_t) sk.pub.nbytes, {0}};
		pet_vec_hdr g;
		pai_priv	other;

		memcpy(h.fp, sk.pub.fp, PAI_FP_LEN);
		CHECK(sk.pub.nbytes == 128);
		pet_vec_write_hdr(&h, buf);
		CHECK_OK(pet_vec_read_hdr(&g, buf, sizeof(buf), &sk.pub, &err));
		CHECK(g.kind == PET_KIND_PLAIN && g.scale == 24 && g.count == 1 && g.nct == 1);
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf) - 1, &sk.pub, &err), MPC_ERR_BINARY);
		CHECK_OK(pai_keygen(&other, 1024, 512, &err));
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf), &other.pub, &err), MPC_ERR_KEY_MISMATCH);
		buf[0] = 'X';
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf), NULL, &err), MPC_ERR_BINARY);
		pai_priv_clear(&other);
	}

	pet_rand_clear(&rnd);
	free(tab);
	pai_priv_clear(&sk);
	mpz_clears(m, c, d, z, base, got, want, ex, NULL);
}

static void
test_next(void)
{
	/* 3 peers, 0 and 1 hosted; sums at scale 13; uniform p at scale 12 */
	int64_t		t[3] = {500000000000LL, 300000000000LL, 200000000000LL};
	int64_t		p[3] = {333333333333LL, 333333333333LL, 333333333333LL};
	unsigned char hosted[3] = {1, 1, 0};
	/* hosted rows: 0 -> 1 fully, 1 -> 0 fully: sums = (0.3, 0.5, 0) */
	int64_t		sums[3] = {3000000000000LL, 5000000000000LL, 0};
	int64_t		tn[3];
	double		res;
	mpc_error	err;

	CHECK_OK(pet_next(3, sums, t, p, hosted, 0.15, tn, &res, &err));
	/* unhosted mass 0.2 spread by p: each + 0.0666..; then (1-a) x + a p */
	for (int j = 0; j < 3; j++)
	{
		double		x = (double) sums[j] / 1e13 + 0.2 * (double) p[j] / 1e12;
		double		want = 0.85 * x + 0.15 * (double) p[j] / 1e12;

		CHECK(llabs(tn[j] - (int64_t) llround(want * 1e12)) <= 1);
	}
	CHECK(res > 0 && res < 1);
	CHECK_STATUS(pet_next(3, sums, t, p, hosted, 0, tn, &res, &err), MPC_ERR_ARG);
}

/* Random and mutated headers never crash the parser, and whatever it
 * accepts is self-consistent. */
static void
test_hdr_fuzz(void)
{
	unsigned char buf[PET_VEC_HDR + 64];
	pet_vec_hdr h,
				g;
	mpc_error	err;
	int			accepted = 0;

	memset(&h, 0, sizeof(h));
	h.kind = PET_KIND_PLAIN;
	h.scale = 12;
	h.count = 1;
	h.nct = 1;
	h.nbytes = 32;
	for (int it = 0; it < 20000; it++)
	{
		size_t		len = (size_t) (it % (int) sizeof(buf));

		pet_vec_write_hdr(&h, buf);
		if (unit_getrandom(buf + (it % 7 == 0 ? 0 : 4), 8) != 0)
			break;
		if (pet_vec_read_hdr(&g, buf, len, NULL, &err) == MPC_OK)
		{
			accepted++;
			CHECK((g.kind == PET_KIND_PLAIN || g.kind == PET_KIND_PACKED) &&
				  g.scale >= 0 && g.scale <= 1000 && g.nbytes > 0 &&
				  PET_VEC_HDR + (uint64_t) g.nct * 2 * g.nbytes == len);
		}
	}
	CHECK(accepted >= 0);
}

int
main(void)
{
	UNIT_INIT();
	test_rows();
	test_pack();
	test_crypto();
	test_next();
	test_hdr_fuzz();
	UNIT_DONE("test_protocol");
}
