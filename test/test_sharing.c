/* test_sharing.c: Shamir sharing, zero-sum masks, DH agreement, decimals. */
#include "unit.h"
#include "serial.h"
#include "encoding.h"
#include "sharing.h"
#include "zerosum.h"

#include "sha256.h"

static int
mpz_cmp_str(const mpz_t a, const char *dec)
{
	mpz_t		b;
	int			c;

	mpz_init_set_str(b, dec, 10);
	c = mpz_cmp(a, b);
	mpz_clear(b);
	return c;
}

static unsigned
rnd(unsigned bound)
{
	unsigned	v;

	unit_getrandom(&v, sizeof(v));
	return v % bound;
}

static void
random_signed(mpz_t v, int bits)
{
	uint8_t		b[80];
	size_t		len = (size_t) (bits + 7) / 8;

	unit_getrandom(b, len);
	ser_from_bytes(v, b, len);
	mpz_fdiv_r_2exp(v, v, (mp_bitcnt_t) bits);
	if (rnd(2))
		mpz_neg(v, v);
}

static void
test_primes(void)
{
	mpz_t		p,
				q,
				g,
				r;

	mpz_inits(p, q, g, r, NULL);
	shamir_prime(p);
	CHECK(mpz_sizeinbase(p, 2) == 521);
	CHECK(mpz_probab_prime_p(p, 20) > 0);

	zs_group_prime(p);
	CHECK(mpz_sizeinbase(p, 2) == 3072);
	/* RFC 3526: the top and bottom 64 bits are ones, then pi's digits */
	CHECK(mpz_scan0(p, 0) == 64);
	mpz_fdiv_q_2exp(q, p, 3072 - 96);
	CHECK(mpz_cmp_str(q, "79228162514264337592622242466") == 0);	/* FFFFFFFFFFFFFFFFC90FDAA2 */
	CHECK(mpz_probab_prime_p(p, 5) > 0);
	mpz_sub_ui(q, p, 1);
	mpz_fdiv_q_2exp(q, q, 1);
	CHECK(mpz_probab_prime_p(q, 5) > 0);
	mpz_set_ui(g, 2);
	mpz_powm(r, g, q, p);
	CHECK(mpz_cmp_ui(r, 1) == 0);
	/* the subgroup check by Jacobi symbol agrees with y^q = 1 */
	{
		uint8_t		yb[ZS_PUB_LEN];
		mpc_error	err;
		int			agree = 1;

		for (int i = 0; i < 12; i++)
		{
			unit_getrandom(yb, sizeof(yb));
			yb[0] &= 0x7f;		/* below p */
			ser_from_bytes(g, yb, sizeof(yb));
			mpz_powm(r, g, q, p);
			if ((zs_check_public(yb, sizeof(yb), &err) == MPC_OK) != (mpz_cmp_ui(r, 1) == 0))
				agree = 0;
		}
		CHECK(agree);
	}
	mpz_clears(p, q, g, r, NULL);
}

/*
 * Known answers for the documented seed and PRG layout (docs/design.md),
 * computed independently in Python from the closed form of RFC 3526 group 15:
 * private keys 01 02 .. 20 (alice) and 21 22 .. 40 (bob), round 7 and -3.
 */
static void
test_mask_kat(void)
{
	mpc_error	err;
	uint8_t		pa[ZS_PRIV_LEN],
				pb[ZS_PRIV_LEN],
				ya[ZS_PUB_LEN],
				yb[ZS_PUB_LEN],
				dig[32];
	char		hexd[65];
	zs_party	peer;
	mpz_t		m;

	for (int i = 0; i < ZS_PRIV_LEN; i++)
	{
		pa[i] = (uint8_t) (i + 1);
		pb[i] = (uint8_t) (i + 0x21);
	}
	mpz_init(m);
	CHECK_OK(zs_public_key(pa, ZS_PRIV_LEN, ya, &err));
	CHECK_OK(zs_public_key(pb, ZS_PRIV_LEN, yb, &err));
	sha256(ya, ZS_PUB_LEN, dig);
	for (int i = 0; i < 32; i++)
		sprintf(hexd + 2 * i, "%02x", dig[i]);
	CHECK(strcmp(hexd, "b74e630be90eb9d4b19affaa173864f62b7b5408127da1bbe6614ff3b3d96c4d") == 0);

	peer = (zs_party) {"bob", 3, yb, ZS_PUB_LEN};
	CHECK_OK(zs_mask(pa, ZS_PRIV_LEN, "alice", 5, 7, &peer, 1, m, &err));
	CHECK(mpz_cmp_str(m, "180778536045574135763103164933025975415") == 0);
	CHECK_OK(zs_mask(pa, ZS_PRIV_LEN, "alice", 5, -3, &peer, 1, m, &err));
	CHECK(mpz_cmp_str(m, "126949773878197053793419553389486769017") == 0);
	peer = (zs_party) {"alice", 5, ya, ZS_PUB_LEN};
	CHECK_OK(zs_mask(pb, ZS_PRIV_LEN, "bob", 3, 7, &peer, 1, m, &err));
	CHECK(mpz_cmp_str(m, "159503830875364327700271442498742236041") == 0);
	mpz_clear(m);
}

static void
test_shamir(void)
{
	mpc_error	err;
	mpz_t		s,
				f,
				back,
				out;
	mpz_t		ys[12],
				ys2[12],
				sel[12];
	int32_t		xs[12],
				ts[12];
	int			iter,
				i;

	mpz_inits(s, f, back, out, NULL);
	for (i = 0; i < 12; i++)
		mpz_inits(ys[i], ys2[i], sel[i], NULL);

	for (iter = 0; iter < 200; iter++)
	{
		int			n = 1 + (int) rnd(12);
		int			t = 1 + (int) rnd((unsigned) n);
		int			perm[12];

		random_signed(s, 1 + (int) rnd(520));
		CHECK_OK(shamir_signed_to_field(s, f, &err));
		CHECK_OK(shamir_split(f, n, t, ys, &err));
		/* a random subset of exactly t shares */
		for (i = 0; i < n; i++)
			perm[i] = i;
		for (i = n - 1; i > 0; i--)
		{
			int			j = (int) rnd((unsigned) i + 1),
						tmp = perm[i];

			perm[i] = perm[j];
			perm[j] = tmp;
		}
		for (i = 0; i < t; i++)
		{
			xs[i] = perm[i] + 1;
			ts[i] = t;
			mpz_set(sel[i], ys[perm[i]]);
		}
		CHECK_OK(shamir_combine(t, xs, ts, sel, out, &err));
		shamir_field_to_signed(out, back);
		CHECK(mpz_cmp(back, s) == 0);
		/* all n shares also work */
		for (i = 0; i < n; i++)
		{
			xs[i] = perm[i] + 1;
			ts[i] = t;
			mpz_set(sel[i], ys[perm[i]]);
		}
		CHECK_OK(shamir_combine(n, xs, ts, sel, out, &err));
		shamir_field_to_signed(out, back);
		CHECK(mpz_cmp(back, s) == 0);
		/* t - 1 shares are an error */
		if (t > 1)
			CHECK_STATUS(shamir_combine(t - 1, xs, ts, sel, out, &err), MPC_ERR_ARG);
	}

	/* linearity: shares of a plus shares of b are shares of a + b */
	for (iter = 0; iter < 50; iter++)
	{
		mpz_t		a,
					b,
					fa,
					fb,
					sum;
		int			n = 2 + (int) rnd(10);
		int			t = 1 + (int) rnd((unsigned) n);

		mpz_inits(a, b, fa, fb, sum, NULL);
		random_signed(a, 500);
		random_signed(b, 500);
		CHECK_OK(shamir_signed_to_field(a, fa, &err));
		CHECK_OK(shamir_signed_to_field(b, fb, &err));
		CHECK_OK(shamir_split(fa, n, t, ys, &err));
		CHECK_OK(shamir_split(fb, n, t, ys2, &err));
		for (i = 0; i < n; i++)
		{
			xs[i] = i + 1;
			ts[i] = t;
			CHECK_OK(shamir_add(i + 1, t, ys[i], i + 1, t, ys2[i], sel[i], &err));
		}
		CHECK_OK(shamir_combine(t, xs, ts, sel, out, &err));
		shamir_field_to_signed(out, back);
		mpz_add(sum, a, b);
		CHECK(mpz_cmp(back, sum) == 0);
		mpz_clears(a, b, fa, fb, sum, NULL);
	}

	/* bad inputs */
	mpz_set_ui(f, 42);
	CHECK_STATUS(shamir_split(f, 3, 4, ys, &err), MPC_ERR_ARG);
	CHECK_STATUS(shamir_split(f, 3, 0, ys, &err), MPC_ERR_ARG);
	CHECK_STATUS(shamir_split(f, 0, 1, ys, &err), MPC_ERR_ARG);
	CHECK_STATUS(shamir_split(f, SHAMIR_MAX_N + 1, 1, ys, &err), MPC_ERR_ARG);
	shamir_prime(f);
	CHECK_STATUS(shamir_split(f, 3, 2, ys, &err), MPC_ERR_OVERFLOW);
	mpz_set_si(f, -1);
	CHECK_STATUS(shamir_split(f, 3, 2, ys, &err), MPC_ERR_OVERFLOW);
	mpz_set_ui(f, 0);
	mpz_setbit(f, 520);
	CHECK_STATUS(shamir_signed_to_field(f, out, &err), MPC_ERR_OVERFLOW);
	mpz_sub_ui(f, f, 1);
	CHECK_OK(shamir_signed_to_field(f, out, &err));
	mpz_neg(f, f);
	CHECK_OK(shamir_signed_to_field(f, out, &err));
	shamir_field_to_signed(out, back);
	CHECK(mpz_cmp(back, f) == 0);

	mpz_set_ui(f, 7);
	CHECK_OK(shamir_split(f, 3, 2, ys, &err));
	xs[0] = 1; xs[1] = 1;
	ts[0] = 2; ts[1] = 2;
	mpz_set(sel[0], ys[0]);
	mpz_set(sel[1], ys[0]);
	CHECK_STATUS(shamir_combine(2, xs, ts, sel, out, &err), MPC_ERR_ARG);
	CHECK(strstr(err.msg, "duplicate") != NULL);
	xs[1] = 2;
	ts[1] = 3;
	CHECK_STATUS(shamir_combine(2, xs, ts, sel, out, &err), MPC_ERR_ARG);
	ts[1] = 2;
	xs[1] = 0;
	CHECK_STATUS(shamir_combine(2, xs, ts, sel, out, &err), MPC_ERR_ARG);
	xs[1] = 2;
	shamir_prime(sel[1]);
	CHECK_STATUS(shamir_combine(2, xs, ts, sel, out, &err), MPC_ERR_OVERFLOW);
	CHECK_STATUS(shamir_combine(0, xs, ts, sel, out, &err), MPC_ERR_ARG);
	CHECK_STATUS(shamir_add(1, 2, ys[0], 2, 2, ys[1], out, &err), MPC_ERR_KEY_MISMATCH);
	CHECK_STATUS(shamir_add(1, 2, ys[0], 1, 3, ys[1], out, &err), MPC_ERR_KEY_MISMATCH);

	/* with more than t shares, a corrupted one is caught wherever it is */
	mpz_set_ui(f, 123456789);
	CHECK_OK(shamir_split(f, 6, 3, ys, &err));
	for (i = 0; i < 6; i++)
	{
		xs[i] = i + 1;
		ts[i] = 3;
		mpz_set(sel[i], ys[i]);
	}
	CHECK_OK(shamir_combine(6, xs, ts, sel, out, &err));
	CHECK(mpz_cmp(out, f) == 0);
	for (int bad = 0; bad < 6; bad++)
	{
		mpz_add_ui(sel[bad], sel[bad], 1);
		CHECK_STATUS(shamir_combine(6, xs, ts, sel, out, &err), MPC_ERR_ARG);
		CHECK(strstr(err.msg, "inconsistent") != NULL);
		CHECK_STATUS(shamir_combine(4, xs, ts, sel, out, &err), bad < 4 ? MPC_ERR_ARG : MPC_OK);
		mpz_sub_ui(sel[bad], sel[bad], 1);
	}
	/* exactly t cannot tell: a corrupted share just gives another value */
	mpz_add_ui(sel[0], sel[0], 1);
	CHECK_OK(shamir_combine(3, xs, ts, sel, out, &err));
	CHECK(mpz_cmp(out, f) != 0);
	mpz_sub_ui(sel[0], sel[0], 1);

	/* t = 1: every share is the secret */
	mpz_set_ui(f, 99);
	CHECK_OK(shamir_split(f, 4, 1, ys, &err));
	for (i = 0; i < 4; i++)
		CHECK(mpz_cmp_ui(ys[i], 99) == 0);

	for (i = 0; i < 12; i++)
		mpz_clears(ys[i], ys2[i], sel[i], NULL);
	mpz_clears(s, f, back, out, NULL);
}

#define NP 6

static void
test_zerosum(void)
{
	mpc_error	err;
	uint8_t		priv[NP][ZS_PRIV_LEN],
				pub[NP][ZS_PUB_LEN];
	char		ids[NP][8];
	zs_party	peers[NP];
	mpz_t		mask[NP],
				total,
				v,
				vs,
				mv,
				out,
				p;
	int			i,
				j,
				iter;

	mpz_inits(total, v, vs, mv, out, p, NULL);
	for (i = 0; i < NP; i++)
	{
		mpz_init(mask[i]);
		snprintf(ids[i], sizeof(ids[i]), "p%d", (NP - i) * 7 % 11);	/* unsorted */
		CHECK_OK(zs_keygen(priv[i], &err));
		CHECK_OK(zs_public_key(priv[i], ZS_PRIV_LEN, pub[i], &err));
		CHECK_OK(zs_check_public(pub[i], ZS_PUB_LEN, &err));
	}

	/* two parties: masks are opposite, so the DH secrets agree */
	peers[0] = (zs_party) {ids[1], strlen(ids[1]), pub[1], ZS_PUB_LEN};
	CHECK_OK(zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), 5, peers, 1, mask[0], &err));
	peers[0] = (zs_party) {ids[0], strlen(ids[0]), pub[0], ZS_PUB_LEN};
	CHECK_OK(zs_mask(priv[1], ZS_PRIV_LEN, ids[1], strlen(ids[1]), 5, peers, 1, mask[1], &err));
	mpz_add(total, mask[0], mask[1]);
	mpz_fdiv_r_2exp(total, total, 128);
	CHECK(mpz_sgn(total) == 0);
	CHECK(mpz_sgn(mask[0]) != 0);

	/* n parties, several rounds: masks sum to 0 mod M, exact sums */
	for (iter = 0; iter < 3; iter++)
	{
		int64_t		round = (int64_t) iter * 1000003 - 7;

		mpz_set_ui(total, 0);
		mpz_set_ui(vs, 0);
		for (i = 0; i < NP; i++)
		{
			int			k = 0;

			for (j = 0; j < NP; j++)
				if (j != i)
					peers[k++] = (zs_party) {ids[j], strlen(ids[j]), pub[j], ZS_PUB_LEN};
			CHECK_OK(zs_mask(priv[i], ZS_PRIV_LEN, ids[i], strlen(ids[i]), round,
							 peers, NP - 1, mask[i], &err));
			random_signed(v, 100);
			mpz_add(vs, vs, v);
			CHECK_OK(zs_mask_value(v, mask[i], mv, &err));
			CHECK(mpz_sgn(mv) >= 0 && mpz_sizeinbase(mv, 2) <= 128);
			mpz_add(total, total, mv);
		}
		zs_unmask(total, out);
		CHECK(mpz_cmp(out, vs) == 0);
	}

	/* a mask alone hides the value: different rounds give different masks */
	{
		mpz_t		m2;
		int			k = 0;

		mpz_init(m2);
		for (j = 1; j < NP; j++)
			peers[k++] = (zs_party) {ids[j], strlen(ids[j]), pub[j], ZS_PUB_LEN};
		CHECK_OK(zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), 1, peers, NP - 1, mask[0], &err));
		CHECK_OK(zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), 2, peers, NP - 1, m2, &err));
		CHECK(mpz_cmp(mask[0], m2) != 0);
		mpz_clear(m2);
	}

	/* dropout: party 2 drops after the others masked; 3-of-5 key shares */
	{
		mpz_t		ks[NP - 1],
					rec;
		int32_t		kx[NP - 1],
					kt[NP - 1];
		zs_party	surv[NP];
		int			d = 2,
					ns = 0;
		int64_t		round = 77;

		mpz_init(rec);
		for (i = 0; i < NP - 1; i++)
			mpz_init(ks[i]);
		CHECK_OK(zs_key_split(priv[d], ZS_PRIV_LEN, NP - 1, 3, ks, &err));

		mpz_set_ui(total, 0);
		mpz_set_ui(vs, 0);
		for (i = 0; i < NP; i++)
		{
			int			k = 0;

			if (i == d)
				continue;
			surv[ns++] = (zs_party) {ids[i], strlen(ids[i]), pub[i], ZS_PUB_LEN};
			for (j = 0; j < NP; j++)
				if (j != i)
					peers[k++] = (zs_party) {ids[j], strlen(ids[j]), pub[j], ZS_PUB_LEN};
			CHECK_OK(zs_mask(priv[i], ZS_PRIV_LEN, ids[i], strlen(ids[i]), round,
							 peers, NP - 1, mask[i], &err));
			random_signed(v, 60);
			mpz_add(vs, vs, v);
			CHECK_OK(zs_mask_value(v, mask[i], mv, &err));
			mpz_add(total, total, mv);
		}
		zs_unmask(total, out);
		CHECK(mpz_cmp(out, vs) != 0);	/* the dropped party's pairs do not cancel */

		for (i = 0; i < 3; i++)
		{
			kx[i] = (i * 2) % 5 + 1;	/* shares 1, 3, 5 */
			kt[i] = 3;
		}
		{
			mpz_t		sel3[3];

			for (i = 0; i < 3; i++)
			{
				mpz_init(sel3[i]);
				mpz_set(sel3[i], ks[kx[i] - 1]);
			}
			CHECK_OK(zs_recover_mask(3, kx, kt, sel3, ids[d], strlen(ids[d]), pub[d], ZS_PUB_LEN,
									 round, surv, ns, rec, &err));
			mpz_add(total, total, rec);
			zs_unmask(total, out);
			CHECK(mpz_cmp(out, vs) == 0);

			/* two shares are not enough; a corrupted share is caught */
			CHECK_STATUS(zs_recover_mask(2, kx, kt, sel3, ids[d], strlen(ids[d]), pub[d], ZS_PUB_LEN,
										 round, surv, ns, rec, &err), MPC_ERR_ARG);
			mpz_add_ui(sel3[1], sel3[1], 1);
			CHECK_STATUS(zs_recover_mask(3, kx, kt, sel3, ids[d], strlen(ids[d]), pub[d], ZS_PUB_LEN,
										 round, surv, ns, rec, &err), MPC_ERR_KEY);
			CHECK(strstr(err.msg, "do not reconstruct") != NULL);
			for (i = 0; i < 3; i++)
				mpz_clear(sel3[i]);
		}
		for (i = 0; i < NP - 1; i++)
			mpz_clear(ks[i]);
		mpz_clear(rec);
	}

	/* bad inputs */
	{
		uint8_t		bad[ZS_PUB_LEN];
		uint8_t		badpriv[ZS_PRIV_LEN] = {0};

		memset(bad, 0, sizeof(bad));
		CHECK_STATUS(zs_check_public(bad, ZS_PUB_LEN, &err), MPC_ERR_KEY);
		bad[ZS_PUB_LEN - 1] = 1;
		CHECK_STATUS(zs_check_public(bad, ZS_PUB_LEN, &err), MPC_ERR_KEY);
		CHECK_STATUS(zs_check_public(pub[0], ZS_PUB_LEN - 1, &err), MPC_ERR_KEY);
		zs_group_prime(p);
		mpz_sub_ui(p, p, 1);
		CHECK_OK(ser_to_bytes_fixed(p, bad, ZS_PUB_LEN, &err));
		CHECK_STATUS(zs_check_public(bad, ZS_PUB_LEN, &err), MPC_ERR_KEY);
		mpz_sub_ui(p, p, 1);	/* -2 is a non-residue: p = 7 mod 8 */
		CHECK_OK(ser_to_bytes_fixed(p, bad, ZS_PUB_LEN, &err));
		CHECK_STATUS(zs_check_public(bad, ZS_PUB_LEN, &err), MPC_ERR_KEY);
		CHECK(strstr(err.msg, "subgroup") != NULL);

		CHECK_STATUS(zs_check_private(badpriv, ZS_PRIV_LEN, &err), MPC_ERR_KEY);
		CHECK_STATUS(zs_check_private(priv[0], ZS_PRIV_LEN - 1, &err), MPC_ERR_KEY);
		peers[0] = (zs_party) {ids[1], strlen(ids[1]), bad, ZS_PUB_LEN};
		CHECK_STATUS(zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), 1, peers, 1, out, &err), MPC_ERR_KEY);
		CHECK(strstr(err.msg, "peer 1") != NULL);
		peers[0] = (zs_party) {ids[0], strlen(ids[0]), pub[1], ZS_PUB_LEN};
		CHECK_STATUS(zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), 1, peers, 1, out, &err), MPC_ERR_ARG);
		peers[0] = (zs_party) {ids[1], strlen(ids[1]), pub[1], ZS_PUB_LEN};
		peers[1] = (zs_party) {ids[1], strlen(ids[1]), pub[2], ZS_PUB_LEN};
		CHECK_STATUS(zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), 1, peers, 2, out, &err), MPC_ERR_ARG);
		CHECK(strstr(err.msg, "duplicate") != NULL);
		peers[1] = (zs_party) {"", 0, pub[2], ZS_PUB_LEN};
		CHECK_STATUS(zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), 1, peers, 2, out, &err), MPC_ERR_ARG);
		CHECK_STATUS(zs_mask(priv[0], ZS_PRIV_LEN, ids[0], strlen(ids[0]), 1, peers, 0, out, &err), MPC_ERR_ARG);

		mpz_set_ui(v, 0);
		mpz_setbit(v, 127);
		mpz_set_ui(mv, 0);
		CHECK_STATUS(zs_mask_value(v, mv, out, &err), MPC_ERR_OVERFLOW);
		mpz_neg(v, v);
		CHECK_STATUS(zs_mask_value(v, mv, out, &err), MPC_ERR_OVERFLOW);
		mpz_add_ui(v, v, 1);
		CHECK_OK(zs_mask_value(v, mv, out, &err));
		zs_unmask(out, total);
		CHECK(mpz_cmp(total, v) == 0);
		mpz_set_ui(mv, 0);
		mpz_setbit(mv, 128);
		CHECK_STATUS(zs_mask_value(v, mv, out, &err), MPC_ERR_ARG);
	}

	for (i = 0; i < NP; i++)
		mpz_clear(mask[i]);
	mpz_clears(total, v, vs, mv, out, p, NULL);
}

static void
test_decimal(void)
{
	mpc_error	err;
	mpz_t		v;
	char		buf[256];
	static const struct
	{
		const char *in;
		int			scale;
		const char *out;
	}			ok[] = {
		{"0", 0, "0"}, {"-0", 2, "0.00"}, {"12.50", 2, "12.50"}, {"12.5", 3, "12.500"},
		{"-0.05", 2, "-0.05"}, {".5", 1, "0.5"}, {"5.", 0, "5"}, {"+7", 0, "7"},
		{"3.1400", 2, "3.14"}, {"-123456789012345678901234567890", 0, "-123456789012345678901234567890"},
	};

	mpz_init(v);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
	{
		CHECK_OK(enc_parse_decimal(ok[i].in, ok[i].scale, v, &err));
		CHECK(enc_decimal_len(v, ok[i].scale) <= sizeof(buf));
		enc_format_decimal(v, ok[i].scale, buf);
		if (strcmp(buf, ok[i].out) != 0)
			fprintf(stderr, "decimal %s at %d: got %s\n", ok[i].in, ok[i].scale, buf);
		CHECK(strcmp(buf, ok[i].out) == 0);
	}
	CHECK_STATUS(enc_parse_decimal("1.5", 0, v, &err), MPC_ERR_ARG);
	CHECK_STATUS(enc_parse_decimal("1.505", 2, v, &err), MPC_ERR_ARG);
	CHECK_STATUS(enc_parse_decimal("NaN", 0, v, &err), MPC_ERR_FORMAT);
	CHECK_STATUS(enc_parse_decimal("Infinity", 0, v, &err), MPC_ERR_FORMAT);
	CHECK_STATUS(enc_parse_decimal("", 0, v, &err), MPC_ERR_FORMAT);
	CHECK_STATUS(enc_parse_decimal("-", 0, v, &err), MPC_ERR_FORMAT);
	CHECK_STATUS(enc_parse_decimal("1e5", 0, v, &err), MPC_ERR_FORMAT);
	CHECK_STATUS(enc_parse_decimal("1", -1, v, &err), MPC_ERR_ARG);
	mpz_clear(v);
}

/* Random inputs to every parser and validator: no crash, no sanitizer
 * report, and only documented status codes. */
static void
test_random_inputs(void)
{
	static const char alphabet[] = "0123456789+-.eE NaInfity()x,";
	mpc_error	err;
	mpz_t		v,
				ys[8];
	int32_t		xs[8],
				ts[8];
	int			bad = 0;

	mpz_init(v);
	for (int i = 0; i < 8; i++)
		mpz_init(ys[i]);
	for (int iter = 0; iter < 20000; iter++)
	{
		char		buf[48];
		size_t		len = rnd(sizeof(buf));
		mpc_status	st;

		for (size_t i = 0; i < len; i++)
			buf[i] = alphabet[rnd(sizeof(alphabet) - 1)];
		buf[len] = '\0';
		st = enc_parse_decimal(buf, (int) rnd(6), v, &err);
		if (st != MPC_OK && st != MPC_ERR_FORMAT && st != MPC_ERR_ARG && st != MPC_ERR_OVERFLOW)
			bad++;
	}
	for (int iter = 0; iter < 3000; iter++)
	{
		int			k = 1 + (int) rnd(8);
		mpc_status	st;

		for (int i = 0; i < k; i++)
		{
			uint8_t		b[SHAMIR_Y_BYTES + 1];

			xs[i] = (int32_t) rnd(6) - 1;
			ts[i] = (int32_t) rnd(5);
			unit_getrandom(b, sizeof(b));
			ser_from_bytes(ys[i], b, 1 + rnd(sizeof(b)));
		}
		st = shamir_combine(k, xs, ts, ys, v, &err);
		if (st != MPC_OK && st != MPC_ERR_ARG && st != MPC_ERR_OVERFLOW)
			bad++;
	}
	for (int iter = 0; iter < 200; iter++)
	{
		uint8_t		b[ZS_PUB_LEN + 2];
		size_t		len = ZS_PUB_LEN - 1 + rnd(3);
		mpc_status	st;

		unit_getrandom(b, sizeof(b));
		st = zs_check_public(b, len, &err);
		if (st != MPC_OK && st != MPC_ERR_KEY)
			bad++;
		st = zs_check_private(b, 30 + rnd(4), &err);
		if (st != MPC_OK && st != MPC_ERR_KEY)
			bad++;
	}
	CHECK(bad == 0);
	for (int i = 0; i < 8; i++)
		mpz_clear(ys[i]);
	mpz_clear(v);
}

int
main(void)
{
	UNIT_INIT();
	test_primes();
	test_mask_kat();
	test_shamir();
	test_zerosum();
	test_decimal();
	test_random_inputs();
	UNIT_DONE("test_sharing");
}
