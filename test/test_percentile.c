/* test_percentile.c: the secure comparison of percentile.h, end to end. */
#include "unit.h"
#include "paillier.h"
#include "percentile.h"
#include "authmsg.h"

/* Run the whole comparison for x (as the sum of two ciphertexts minus an
 * offset) against L and return A's bit. */
static int
compare(const pai_priv *sk, long x, long L, int lx)
{
	const pai_pub *pk = &sk->pub;
	int			l = pct_cmp_len(lx);
	mpz_t		c[2],
				off,
				m,
				sum,
				R,
				r;
	mpz_t	   *bits = malloc(sizeof(mpz_t) * l),
			   *bl = malloc(sizeof(mpz_t) * l);
	mpc_error	err;
	int			less = -1;

	for (int i = 0; i < l; i++)
		mpz_init(bits[i]), mpz_init(bl[i]);
	mpz_inits(c[0], c[1], off, m, sum, R, r, NULL);
	/* x = (x + 7) + (-7 - 5) + 5: a negative share and an offset */
	mpz_set_si(m, x + 7);
	CHECK_OK(pai_encrypt(pk, c[0], m, &err));
	mpz_set_si(m, -12);
	mpz_mod(m, m, pk->n);
	CHECK_OK(pai_encrypt(pk, c[1], m, &err));
	mpz_set_si(off, 5);
	CHECK_OK(pct_mask_sum(pk, (const mpz_t *) c, 2, off, lx, pai_rerandomize, sum, R, &err));
	CHECK(mpz_sizeinbase(R, 2) <= (size_t) (lx + PCT_SIGMA));
	CHECK_OK(pct_cmp_bits(sk, sum, lx, pai_encrypt, bits, &err));
	mpz_add_ui(r, R, (unsigned long) L);
	CHECK_OK(pct_cmp_blind(pk, (const mpz_t *) bits, lx, r, pai_rerandomize, bl, &err));
	CHECK_OK(pct_cmp_open(sk, (const mpz_t *) bl, lx, &less, &err));
	for (int i = 0; i < l; i++)
		mpz_clear(bits[i]), mpz_clear(bl[i]);
	free(bits);
	free(bl);
	mpz_clears(c[0], c[1], off, m, sum, R, r, NULL);
	return less;
}

static void
test_compare(const pai_priv *sk)
{
	const int	lx = 12;
	const long	L = 1L << (lx - 1);
	long		xs[] = {0, 1, L - 2, L - 1, L, L + 1, 2 * L - 1, 3, 1500, 2047, 2049, 4095};

	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		CHECK(compare(sk, xs[i], L, lx) == (xs[i] < L));
	/* random x */
	for (int i = 0; i < 20; i++)
	{
		uint16_t	v;

		unit_getrandom(&v, sizeof(v));
		v &= (1 << lx) - 1;
		CHECK(compare(sk, v, L, lx) == (v < L));
	}
}

static void
test_errors(const pai_priv *sk)
{
	const pai_pub *pk = &sk->pub;
	mpc_error	err;
	mpz_t		c,
				off,
				out,
				R;
	mpz_t		bits[1];
	uint8_t		buf[8] = {0};
	int			less;

	mpz_inits(c, off, out, R, bits[0], NULL);
	mpz_set_ui(c, 0);			/* not a ciphertext */
	CHECK_STATUS(pct_mask_sum(pk, (const mpz_t *) &c, 1, off, 10, pai_rerandomize, out, R, &err),
				 MPC_ERR_CIPHERTEXT);
	mpz_set_ui(c, 2);
	CHECK_STATUS(pct_mask_sum(pk, (const mpz_t *) &c, 0, off, 10, pai_rerandomize, out, R, &err),
				 MPC_ERR_ARG);
	CHECK_STATUS(pct_mask_sum(pk, (const mpz_t *) &c, 1, off, 0, pai_rerandomize, out, R, &err),
				 MPC_ERR_ARG);
	CHECK_STATUS(pct_mask_sum(pk, (const mpz_t *) &c, 1, off, PCT_MAX_LX + 1, pai_rerandomize, out, R, &err),
				 MPC_ERR_ARG);
	CHECK_STATUS(pct_ct_get(pk, buf, sizeof(buf), c, &err), MPC_ERR_CIPHERTEXT);
	mpz_set_si(off, -1);
	CHECK_STATUS(pct_cmp_blind(pk, (const mpz_t *) bits, 10, off, pai_rerandomize, bits, &err),
				 MPC_ERR_ARG);
	mpz_set_ui(bits[0], 0);
	CHECK_STATUS(pct_cmp_open(sk, (const mpz_t *) bits, 10, &less, &err), MPC_ERR_CIPHERTEXT);
	mpz_clears(c, off, out, R, bits[0], NULL);
}

static void
test_serial(const pai_priv *sk)
{
	const pai_pub *pk = &sk->pub;
	mpz_t		c,
				back;
	mpc_error	err;
	size_t		len = pct_ct_bytes(pk);
	uint8_t    *buf = malloc(len);

	mpz_inits(c, back, NULL);
	mpz_set_ui(back, 42);
	CHECK_OK(pai_encrypt(pk, c, back, &err));
	pct_ct_put(pk, c, buf);
	CHECK_OK(pct_ct_get(pk, buf, len, back, &err));
	CHECK(mpz_cmp(c, back) == 0);
	CHECK_STATUS(pct_ct_get(pk, buf, len - 1, back, &err), MPC_ERR_CIPHERTEXT);
	free(buf);
	mpz_clears(c, back, NULL);
}

static void
test_zero_mask(const pai_priv *sk)
{
	const int	np = 4;
	uint8_t		keys[4][4][AM_KEY_LEN];	/* keys[i][j]: party i's key with j */
	mpz_t		m,
				sum;
	mpc_error	err;

	/* a symmetric set of pair keys */
	for (int i = 0; i < np; i++)
		for (int j = i + 1; j < np; j++)
		{
			unit_getrandom(keys[i][j], AM_KEY_LEN);
			memcpy(keys[j][i], keys[i][j], AM_KEY_LEN);
		}
	mpz_inits(m, sum, NULL);
	for (int i = 0; i < np; i++)
	{
		CHECK_OK(pct_zero_mask(&sk->pub, &keys[i][0][0], np, i + 1, 7, m, &err));
		CHECK(mpz_sgn(m) >= 0 && mpz_cmp(m, sk->pub.n) < 0);
		CHECK(mpz_sizeinbase(m, 2) > 400);	/* not a small number */
		mpz_add(sum, sum, m);
	}
	mpz_mod(sum, sum, sk->pub.n);
	CHECK(mpz_sgn(sum) == 0);
	/* another step gives other masks */
	CHECK_OK(pct_zero_mask(&sk->pub, &keys[0][0][0], np, 1, 8, sum, &err));
	CHECK(mpz_cmp(sum, m) != 0);
	CHECK_STATUS(pct_zero_mask(&sk->pub, &keys[0][0][0], np, 0, 7, m, &err), MPC_ERR_ARG);
	CHECK_STATUS(pct_zero_mask(&sk->pub, &keys[0][0][0], 1, 1, 7, m, &err), MPC_ERR_ARG);
	mpz_clears(m, sum, NULL);
}

int
main(void)
{
	pai_priv	sk;
	mpc_error	err;

	UNIT_INIT();
	CHECK_OK(pai_keygen(&sk, 512, 512, &err));
	test_serial(&sk);
	test_compare(&sk);
	test_errors(&sk);
	test_zero_mask(&sk);
	pai_priv_clear(&sk);
	UNIT_DONE("test_percentile");
}
