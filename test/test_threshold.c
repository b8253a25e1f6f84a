/*
 * test_threshold.c: threshold Paillier in the core: dealing, decryption
 * shares, proofs, combination, refusals, and a fuzz of the two decoders.
 * Small keys (512 bits) keep safe-prime generation fast.
 */
#include "unit.h"
#include "paillier.h"
#include "serial.h"
#include "threshold.h"
#include "ifma.h"

#define BITS 512

static unsigned int
rnd(unsigned int bound)
{
	unsigned int v;

	unit_getrandom(&v, sizeof(v));
	return bound ? v % bound : v;
}

static int	stop_now = 0;
static int
interrupt_hook(void)
{
	return stop_now;
}

/* decryption shares of c for every steward */
static void
all_shares(thr_keyshare *ks, int l, const mpz_t c, thr_decshare *ds)
{
	mpc_error	err;
	int			i;

	for (i = 0; i < l; i++)
		CHECK_OK(thr_decrypt_share(&ks[i], c, 2, &ds[i], &err));
}

static int
combine_set(thr_decshare *ds, const int *which, int k, int verify, mpz_t m, int *bad,
			mpc_error *err)
{
	const thr_decshare *sel[THR_MAX_SHARES];
	int			i;

	for (i = 0; i < k; i++)
		sel[i] = &ds[which[i]];
	return thr_combine(sel, (size_t) k, verify, m, bad, err);
}

static void
test_params(void)
{
	mpc_error	err;

	CHECK_STATUS(thr_check_params(5, 3, &err), MPC_OK);
	CHECK_STATUS(thr_check_params(2, 2, &err), MPC_OK);
	CHECK_STATUS(thr_check_params(64, 64, &err), MPC_OK);
	CHECK_STATUS(thr_check_params(5, 1, &err), MPC_ERR_ARG);
	CHECK_STATUS(thr_check_params(3, 4, &err), MPC_ERR_ARG);
	CHECK_STATUS(thr_check_params(65, 3, &err), MPC_ERR_ARG);
	CHECK_STATUS(thr_check_params(0, 0, &err), MPC_ERR_ARG);
}

static void
test_lagrange(void)
{
	/* sum mu_i f(i) = Delta f(0) for f(x) = 7 + 3x + 5x^2 and S = {2, 4, 5} */
	int			idx[3] = {2, 4, 5};
	mpz_t		mu, acc, delta;
	int			i;

	mpz_inits(mu, acc, delta, NULL);
	for (i = 0; i < 3; i++)
	{
		long		x = idx[i];

		thr_lagrange(mu, idx, 3, idx[i], 5);
		mpz_mul_si(mu, mu, 7 + 3 * x + 5 * x * x);
		mpz_add(acc, acc, mu);
	}
	mpz_fac_ui(delta, 5);
	mpz_mul_ui(delta, delta, 7);
	CHECK(mpz_cmp(acc, delta) == 0);
	mpz_clears(mu, acc, delta, NULL);
}

static void
test_safe_key(pai_priv *sk)
{
	mpc_error	err;
	mpz_t		h;

	CHECK_OK(thr_keygen_safe(sk, BITS, BITS, &err));
	CHECK(sk->pub.nbits == BITS);
	CHECK(thr_key_is_safe(sk));
	mpz_init(h);
	mpz_fdiv_q_2exp(h, sk->pm1, 1);
	CHECK(mpz_probab_prime_p(h, 25) != 0);
	mpz_clear(h);
	CHECK_STATUS(thr_keygen_safe(sk, 256, 512, &err), MPC_ERR_ARG);

	/* the interrupt hook stops the search */
	mpc_set_interrupt(interrupt_hook);
	stop_now = 1;
	{
		mpz_t		p;

		mpz_init(p);
		CHECK_STATUS(thr_safe_prime(p, 1024, &err), MPC_ERR_INTERRUPTED);
		mpz_clear(p);
	}
	stop_now = 0;
	mpc_set_interrupt(NULL);
}

static void
test_three_of_five(const pai_priv *sk)
{
	thr_keyshare ks[5], other[5];
	thr_decshare ds[5], dx[5];
	mpc_error	err;
	mpz_t		m, c, c2, out;
	int			a, b, d, bad;
	int			subsets = 0, right = 0;

	mpz_inits(m, c, c2, out, NULL);
	CHECK_OK(thr_deal(sk, 5, 3, ks, &err));
	CHECK(ks[0].kind == THR_KIND_SAFE);
	for (a = 0; a < 5; a++)
	{
		CHECK_OK(thr_keyshare_check(&ks[a], &err));
		CHECK(ks[a].index == a + 1);
	}
	/* a share whose value was changed no longer matches its key */
	mpz_add_ui(ks[1].s, ks[1].s, 1);
	CHECK_STATUS(thr_keyshare_check(&ks[1], &err), MPC_ERR_KEY);
	mpz_sub_ui(ks[1].s, ks[1].s, 1);

	mpz_set_ui(m, 123456789);
	CHECK_OK(pai_encrypt(&sk->pub, c, m, &err));
	all_shares(ks, 5, c, ds);
	for (a = 0; a < 5; a++)
		CHECK_OK(thr_verify(&ds[a], &err));

	/* every 3-subset decrypts the same value */
	for (a = 0; a < 5; a++)
		for (b = a + 1; b < 5; b++)
			for (d = b + 1; d < 5; d++)
			{
				int			set[3] = {d, a, b};	/* order does not matter */

				subsets++;
				mpz_set_ui(out, 0);
				if (combine_set(ds, set, 3, 1, out, &bad, &err) == MPC_OK &&
					mpz_cmp(out, m) == 0)
					right++;
			}
	CHECK(subsets == 10 && right == 10);
	{
		int			all[5] = {4, 3, 2, 1, 0};

		CHECK_OK(combine_set(ds, all, 5, 1, out, &bad, &err));
		CHECK(mpz_cmp(out, m) == 0);
	}
	/* two shares are not enough */
	{
		int			two[2] = {0, 1};

		CHECK_STATUS(combine_set(ds, two, 2, 1, out, &bad, &err), MPC_ERR_ARG);
	}
	/* duplicates do not count twice */
	{
		int			dup[3] = {0, 1, 1};

		CHECK_STATUS(combine_set(ds, dup, 3, 1, out, &bad, &err), MPC_ERR_ARG);
	}
	/* a tampered share value is caught by its proof, which names it */
	{
		int			set[4] = {0, 1, 2, 3};

		mpz_mul(ds[2].ci, ds[2].ci, ds[2].ci);
		mpz_mod(ds[2].ci, ds[2].ci, sk->pub.n2);
		CHECK_STATUS(thr_verify(&ds[2], &err), MPC_ERR_CIPHERTEXT);
		CHECK_STATUS(combine_set(ds, set, 4, 1, out, &bad, &err), MPC_ERR_CIPHERTEXT);
		CHECK(bad == 3);
		/* an extra share beyond t is checked too: the bad one is the fourth */
		{
			int			extra[4] = {0, 1, 3, 2};

			bad = 0;
			CHECK_STATUS(combine_set(ds, extra, 4, 1, out, &bad, &err), MPC_ERR_CIPHERTEXT);
			CHECK(bad == 3);
		}
		/* without verification the wrong share gives no plaintext either */
		{
			int			set3[3] = {2, 0, 1};

			CHECK(combine_set(ds, set3, 3, 0, out, &bad, &err) != MPC_OK ||
				  mpz_cmp(out, m) != 0);
		}
	}
	/* tampered proof parts */
	mpz_add_ui(ds[3].z, ds[3].z, 1);
	CHECK_STATUS(thr_verify(&ds[3], &err), MPC_ERR_CIPHERTEXT);
	mpz_sub_ui(ds[3].z, ds[3].z, 1);
	CHECK_OK(thr_verify(&ds[3], &err));
	mpz_add_ui(ds[3].a, ds[3].a, 1);
	CHECK_STATUS(thr_verify(&ds[3], &err), MPC_ERR_CIPHERTEXT);
	mpz_sub_ui(ds[3].a, ds[3].a, 1);
	mpz_add_ui(ds[3].b, ds[3].b, 1);
	CHECK_STATUS(thr_verify(&ds[3], &err), MPC_ERR_CIPHERTEXT);
	mpz_sub_ui(ds[3].b, ds[3].b, 1);
	/* the batch test: valid sets pass, one bad member fails the batch */
	{
		const thr_decshare *good[3] = {&ds[0], &ds[1], &ds[3]};
		const thr_decshare *withbad[3] = {&ds[0], &ds[2], &ds[3]};

		CHECK_OK(thr_verify_batch(good, 3, &err));
		CHECK_STATUS(thr_verify_batch(withbad, 3, &err), MPC_ERR_CIPHERTEXT);
		/* c_i negated (an error of order 2): the challenge binds c_i */
		mpz_sub(ds[1].ci, sk->pub.n2, ds[1].ci);
		CHECK_STATUS(thr_verify_batch(good, 3, &err), MPC_ERR_CIPHERTEXT);
		CHECK_STATUS(thr_verify(&ds[1], &err), MPC_ERR_CIPHERTEXT);
		mpz_sub(ds[1].ci, sk->pub.n2, ds[1].ci);
		CHECK_OK(thr_verify(&ds[1], &err));
		/* a commitment changed by a non-square is caught by the batch */
		mpz_mul_ui(ds[3].a, ds[3].a, 3);
		mpz_mod(ds[3].a, ds[3].a, sk->pub.n2);
		CHECK_STATUS(thr_verify_batch(good, 3, &err), MPC_ERR_CIPHERTEXT);
		mpz_set_ui(out, 3);
		mpz_invert(out, out, sk->pub.n2);
		mpz_mul(ds[3].a, ds[3].a, out);
		mpz_mod(ds[3].a, ds[3].a, sk->pub.n2);
		CHECK_OK(thr_verify_batch(good, 3, &err));
		mpz_set_ui(m, 123456789);
	}

	/* shares of another ciphertext */
	mpz_set_ui(m, 5);
	CHECK_OK(pai_encrypt(&sk->pub, c2, m, &err));
	CHECK_OK(thr_decrypt_share(&ks[4], c2, 2, &dx[4], &err));
	{
		const thr_decshare *mix[3] = {&ds[0], &ds[1], &dx[4]};

		CHECK_STATUS(thr_combine(mix, 3, 1, out, &bad, &err), MPC_ERR_KEY_MISMATCH);
	}
	/* shares of the same ciphertext under another dealing of the key */
	CHECK_OK(thr_deal(sk, 5, 3, other, &err));
	CHECK_OK(thr_decrypt_share(&other[3], c, 2, &dx[3], &err));
	{
		const thr_decshare *mix[3] = {&ds[0], &ds[1], &dx[3]};

		CHECK_STATUS(thr_combine(mix, 3, 1, out, &bad, &err), MPC_ERR_KEY_MISMATCH);
	}
	/* a ciphertext that is not a unit is refused */
	CHECK_STATUS(thr_decrypt_share(&ks[0], sk->pub.n, 0, &dx[0], &err), MPC_ERR_CIPHERTEXT);

	thr_decshare_clear(&dx[3]);
	thr_decshare_clear(&dx[4]);
	for (a = 0; a < 5; a++)
	{
		thr_decshare_clear(&ds[a]);
		thr_keyshare_clear(&ks[a]);
		thr_keyshare_clear(&other[a]);
	}
	mpz_clears(m, c, c2, out, NULL);
}

static void
test_other_key(const pai_priv *sk)
{
	pai_priv	sk2;
	thr_keyshare ks[3], ks2[3];
	thr_decshare ds[3], ds2[3];
	mpc_error	err;
	mpz_t		m, c, c2, out;
	int			bad, i;

	mpz_inits(m, c, c2, out, NULL);
	CHECK_OK(pai_keygen(&sk2, BITS, BITS, &err));
	CHECK_OK(thr_deal(sk, 3, 2, ks, &err));
	CHECK_OK(thr_deal(&sk2, 3, 2, ks2, &err));
	mpz_set_ui(m, 77);
	CHECK_OK(pai_encrypt(&sk->pub, c, m, &err));
	CHECK_OK(pai_encrypt(&sk2.pub, c2, m, &err));
	all_shares(ks, 3, c, ds);
	all_shares(ks2, 3, c2, ds2);
	{
		const thr_decshare *mix[2] = {&ds[0], &ds2[1]};

		CHECK_STATUS(thr_combine(mix, 2, 1, out, &bad, &err), MPC_ERR_KEY_MISMATCH);
	}
	/* a share of one key applied to a ciphertext of another: range or
	 * unit check, or a combination that fails */
	{
		const thr_decshare *ok2[2] = {&ds2[2], &ds2[0]};

		CHECK_OK(thr_combine(ok2, 2, 1, out, &bad, &err));
		CHECK(mpz_cmp(out, m) == 0);
	}
	for (i = 0; i < 3; i++)
	{
		thr_decshare_clear(&ds[i]);
		thr_decshare_clear(&ds2[i]);
		thr_keyshare_clear(&ks[i]);
		thr_keyshare_clear(&ks2[i]);
	}
	pai_priv_clear(&sk2);
	mpz_clears(m, c, c2, out, NULL);
}

/* A key made by pai_keygen (primes not safe) split after the fact decrypts
 * a ciphertext made before the split. */
static void
test_split(void)
{
	pai_priv	sk;
	thr_keyshare ks[4];
	thr_decshare ds[4];
	mpc_error	err;
	mpz_t		m, c, out;
	int			bad, i;

	mpz_inits(m, c, out, NULL);
	CHECK_OK(pai_keygen(&sk, BITS, BITS, &err));
	mpz_set_str(m, "98765432109876543210", 10);
	CHECK_OK(pai_encrypt(&sk.pub, c, m, &err));
	CHECK_OK(thr_deal(&sk, 4, 2, ks, &err));
	CHECK(ks[0].kind == THR_KIND_SPLIT || thr_key_is_safe(&sk));
	all_shares(ks, 4, c, ds);
	{
		int			set[2] = {3, 1};

		CHECK_OK(combine_set(ds, set, 2, 1, out, &bad, &err));
		CHECK(mpz_cmp(out, m) == 0);
	}
	/* an error in the randomness component (here y^n, as a bad proof could
	 * hide only with a split key) is caught by the combination itself */
	{
		int			set[2] = {0, 2};
		mpz_t		y;

		mpz_init_set_ui(y, 12345);
		mpz_powm(y, y, sk.pub.n, sk.pub.n2);
		mpz_mul(ds[2].ci, ds[2].ci, y);
		mpz_mod(ds[2].ci, ds[2].ci, sk.pub.n2);
		CHECK_STATUS(combine_set(ds, set, 2, 0, out, &bad, &err), MPC_ERR_CIPHERTEXT);
		CHECK(bad == 0);
		CHECK_STATUS(combine_set(ds, set, 2, 1, out, &bad, &err), MPC_ERR_CIPHERTEXT);
		CHECK(bad == 3);
		mpz_clear(y);
	}
	/* the plain key still decrypts too */
	CHECK_OK(pai_decrypt(&sk, out, c, &err));
	CHECK(mpz_cmp(out, m) == 0);
	for (i = 0; i < 4; i++)
	{
		thr_decshare_clear(&ds[i]);
		thr_keyshare_clear(&ks[i]);
	}
	pai_priv_clear(&sk);
	mpz_clears(m, c, out, NULL);
}

/* The fixed-base table for v: the same shares and combinations. */
static void
test_vtable(const pai_priv *sk)
{
	thr_keyshare ks[5];
	thr_decshare ds[5];
	fb_table	vt;
	void	   *buf;
	size_t		bytes;
	mpc_error	err;
	mpz_t		m, c, out;
	int			i, bad;

	mpz_inits(m, c, out, NULL);
	mpz_set_ui(m, 4242);
	CHECK_OK(pai_encrypt(&sk->pub, c, m, &err));
	CHECK_OK(thr_deal(sk, 5, 3, ks, &err));
	bytes = thr_vtable_bytes(&sk->pub, 5, 3);
	CHECK(bytes > 0);
	buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
	CHECK_OK(thr_vtable_init(&vt, buf, bytes, &sk->pub, ks[0].v, 5, 3, &err));
	for (i = 0; i < 5; i++)
	{
		/* shares 0, 2, 4 with the table, 1, 3 without: all verify, alone and mixed */
		CHECK_OK(thr_decrypt_share_vt(&ks[i], c, 0, i % 2 ? NULL : &vt, &ds[i], &err));
		CHECK_OK(thr_verify(&ds[i], &err));
	}
	{
		int			set[5] = {4, 1, 2, 0, 3};
		const thr_decshare *sel[5];

		for (i = 0; i < 5; i++)
			sel[i] = &ds[set[i]];
		CHECK_OK(thr_combine_vt(sel, 5, 1, &vt, out, &bad, &err));
		CHECK(mpz_cmp(out, m) == 0);
		CHECK_OK(thr_combine_vt(sel, 3, 1, &vt, out, &bad, &err));
		CHECK(mpz_cmp(out, m) == 0);
		mpz_add_ui(ds[2].z, ds[2].z, 2);
		CHECK_STATUS(thr_combine_vt(sel, 5, 1, &vt, out, &bad, &err), MPC_ERR_CIPHERTEXT);
		CHECK(bad == 3);
	}
	free(buf);
	for (i = 0; i < 5; i++)
	{
		thr_decshare_clear(&ds[i]);
		thr_keyshare_clear(&ks[i]);
	}
	mpz_clears(m, c, out, NULL);
}

/* 2 of 64 and 64 of 64: the extremes of the parameters. */
static void
test_extremes(const pai_priv *sk)
{
	static thr_keyshare ks[64];
	static thr_decshare ds[64];
	mpc_error	err;
	mpz_t		m, c, out;
	int			bad, i, set[64];

	mpz_inits(m, c, out, NULL);
	mpz_set_ui(m, 31337);
	CHECK_OK(pai_encrypt(&sk->pub, c, m, &err));
	CHECK_OK(thr_deal(sk, 64, 64, ks, &err));
	for (i = 0; i < 64; i++)
	{
		CHECK_OK(thr_decrypt_share(&ks[i], c, 0, &ds[i], &err));
		set[i] = 63 - i;
	}
	CHECK_OK(combine_set(ds, set, 64, 1, out, &bad, &err));
	CHECK(mpz_cmp(out, m) == 0);
	CHECK_STATUS(combine_set(ds, set, 63, 1, out, &bad, &err), MPC_ERR_ARG);
	for (i = 0; i < 64; i++)
	{
		thr_decshare_clear(&ds[i]);
		thr_keyshare_clear(&ks[i]);
	}
	mpz_clears(m, c, out, NULL);
}

/* Mutations of valid encodings: nothing crashes, every truncation fails,
 * anything accepted re-encodes to the same bytes. */
static void
test_fuzz(const pai_priv *sk, int rounds)
{
	thr_keyshare ks[3], kx;
	thr_decshare ds, dx;
	mpc_error	err;
	mpz_t		m, c;
	uint8_t    *kbuf, *dbuf, *mut, *again;
	size_t		klen, dlen, i;
	int			r, accepted = 0, consistent = 1, trunc_ok = 1;

	mpz_inits(m, c, NULL);
	mpz_set_ui(m, 42);
	CHECK_OK(pai_encrypt(&sk->pub, c, m, &err));
	CHECK_OK(thr_deal(sk, 3, 2, ks, &err));
	CHECK_OK(thr_decrypt_share(&ks[0], c, 3, &ds, &err));
	klen = thr_keyshare_size(&ks[0]);
	dlen = thr_decshare_size(&ds);
	kbuf = malloc(klen);
	dbuf = malloc(dlen);
	mut = malloc(klen > dlen ? klen : dlen);
	again = malloc(2 * (klen > dlen ? klen : dlen));
	thr_keyshare_encode(&ks[0], kbuf);
	thr_decshare_encode(&ds, dbuf);

	/* round trips */
	CHECK_OK(thr_keyshare_decode(&kx, kbuf, klen, BITS, &err));
	thr_keyshare_encode(&kx, again);
	CHECK(memcmp(again, kbuf, klen) == 0);
	CHECK(mpz_cmp(kx.s, ks[0].s) == 0);
	thr_keyshare_clear(&kx);
	CHECK_OK(thr_decshare_decode(&dx, dbuf, dlen, BITS, &err));
	CHECK(dx.scale == 3);
	CHECK_OK(thr_verify(&dx, &err));
	thr_decshare_encode(&dx, again);
	CHECK(memcmp(again, dbuf, dlen) == 0);
	thr_decshare_clear(&dx);
	/* a key below the minimum size is refused */
	CHECK(thr_keyshare_decode(&kx, kbuf, klen, 2048, &err) != MPC_OK);

	for (i = 0; i < klen; i += 1 + i / 64)
		if (thr_keyshare_decode(&kx, kbuf, i, BITS, &err) == MPC_OK)
		{
			trunc_ok = 0;
			thr_keyshare_clear(&kx);
		}
	for (i = 0; i < dlen; i += 1 + i / 64)
		if (thr_decshare_decode(&dx, dbuf, i, BITS, &err) == MPC_OK)
		{
			trunc_ok = 0;
			thr_decshare_clear(&dx);
		}
	CHECK(trunc_ok);

	for (r = 0; r < rounds; r++)
	{
		int			which = r & 1;
		const uint8_t *src = which ? dbuf : kbuf;
		size_t		len = which ? dlen : klen;
		int			flips = 1 + (int) rnd(4), f;

		memcpy(mut, src, len);
		for (f = 0; f < flips; f++)
		{
			/* favour the header, where the lengths and counts live */
			size_t		pos = rnd(3) ? rnd(64) : rnd((unsigned) len);

			if (pos >= len)
				pos = len - 1;
			mut[pos] = rnd(2) ? (uint8_t) rnd(256) : (uint8_t) (mut[pos] ^ (1u << rnd(8)));
		}
		if (rnd(8) == 0)
			len = rnd((unsigned) len);
		if (which == 0)
		{
			if (thr_keyshare_decode(&kx, mut, len, BITS, &err) == MPC_OK)
			{
				accepted++;
				if (thr_keyshare_size(&kx) != len)
					consistent = 0;
				else
				{
					thr_keyshare_encode(&kx, again);
					consistent &= memcmp(again, mut, len) == 0;
				}
				thr_keyshare_clear(&kx);
			}
		}
		else
		{
			if (thr_decshare_decode(&dx, mut, len, BITS, &err) == MPC_OK)
			{
				accepted++;
				if (thr_decshare_size(&dx) != len)
					consistent = 0;
				else
				{
					thr_decshare_encode(&dx, again);
					consistent &= memcmp(again, mut, len) == 0;
				}
				/* whatever parses must not crash the verifier */
				(void) thr_verify(&dx, &err);
				thr_decshare_clear(&dx);
			}
		}
	}
	CHECK(consistent);
	printf("threshold fuzz: %d of %d mutations accepted (only changes to fields without a checksum, such as s, a, b or z, can be)\n",
		   accepted, rounds);

	/* arbitrary bytes */
	for (r = 0; r < rounds; r++)
	{
		size_t		len = rnd(400);

		unit_getrandom(mut, len);
		if (len > 0)
			mut[0] = THR_FORMAT_VERSION;
		CHECK(thr_keyshare_decode(&kx, mut, len, BITS, &err) != MPC_OK);
		CHECK(thr_decshare_decode(&dx, mut, len, BITS, &err) != MPC_OK);
	}

	free(kbuf);
	free(dbuf);
	free(mut);
	free(again);
	thr_decshare_clear(&ds);
	for (i = 0; i < 3; i++)
		thr_keyshare_clear(&ks[i]);
	mpz_clears(m, c, NULL);
}

int
main(void)
{
	pai_priv	sk;

	UNIT_INIT();
	test_params();
	test_lagrange();
	test_safe_key(&sk);
	test_three_of_five(&sk);
	test_other_key(&sk);
	test_split();
	test_vtable(&sk);
	test_extremes(&sk);
	test_fuzz(&sk, 3000);
	/* the portable path (GMP's mpz_powm_sec) gives the same results */
	if (ifma_available())
	{
		ifma_set_enabled(0);
		test_three_of_five(&sk);
		test_split();
		test_vtable(&sk);
		ifma_set_enabled(1);
	}
	pai_priv_clear(&sk);
	UNIT_DONE("test_threshold");
}
