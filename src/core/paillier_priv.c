/*
 * paillier_priv.c: private keys and CRT decryption.
 *
 * pai_priv_check validates p and q once, when a key is generated or
 * imported (variable time: primality tests, gcd).  pai_priv_setup builds
 * the CRT constants of a key that passed it, and pai_decrypt decrypts; both
 * keep secrets in fixed-length limb arrays and use only constant-time code
 * (ct.h over GMP's mpn_sec_*, and mpc_powm_sec_limbs).  Sizes in limbs and
 * the bit lengths of p, q, p^2, q^2 are public.  test/ctgrind checks
 * pai_decrypt under valgrind with the key marked secret.
 */
#include "paillier.h"
#include "primes.h"

#include <string.h>

#include "ct.h"
#include "ifma.h"
#include "ifma8.h"

/* y[0, x2n) = (a mod x^2)^(x - 1) mod x^2, for x = p or q and a[0, an) a
 * unit mod x^2 */
static void
pow_x(mp_limb_t *y, const mp_limb_t *a, size_t an, const mpz_t x, const mpz_t x2,
	  const mpz_t xm1)
{
	size_t		xn = mpz_size(x),
				x2n = mpz_size(x2),
				en = mpc_max_sz(mpz_size(xm1), xn),
				xbits = mpz_sizeinbase(x, 2),
				x2bits = mpz_sizeinbase(x2, 2);
	mpc_scratch	s;
	mp_limb_t  *b = mpc_scratch_get(&s, x2n + en),
			   *e = b + x2n;

	/* bit lengths of p, p^2 (and q, q^2) are public */
	MPC_CT_DECLASSIFY(&xbits, sizeof(xbits));
	MPC_CT_DECLASSIFY(&x2bits, sizeof(x2bits));
	mpc_ct_mod(b, a, an, mpz_limbs_read(x2), x2n);
	mpc_limbs_of_mpz(e, xm1, en);
	/* b is a unit mod x^2, so b != 0 */
	mpc_powm_sec_limbs(y, b, e, xbits, mpz_limbs_read(x2), x2n, x2bits);
	mpc_scratch_free(&s);
}

/* l[0, xn) = L_x((a mod x^2)^(x - 1) mod x^2), for x = p or q and a[0, an) a
 * unit mod x^2 */
static void
l_of_pow(mp_limb_t *l, const mp_limb_t *a, size_t an, const mpz_t x, const mpz_t x2,
		 const mpz_t xm1)
{
	size_t		x2n = mpz_size(x2);
	mpc_scratch	s;
	mp_limb_t  *y = mpc_scratch_get(&s, x2n);

	pow_x(y, a, an, x, x2, xm1);
	mpc_ct_L(l, y, x2n, mpz_limbs_read(x), mpz_size(x));
	mpc_scratch_free(&s);
}

/* h = L_x((1 + n)^(x - 1) mod x^2)^-1 mod x, for x = p or q */
static int
crt_h(mpz_t h, const mpz_t n, const mpz_t x, const mpz_t x2, const mpz_t xm1)
{
	size_t		xn = mpz_size(x);
	mpc_scratch	s;
	mp_limb_t  *l = mpc_scratch_get(&s, xn);
	mpz_t		n1,
				lz;
	int			ok;

	mpz_inits(n1, lz, NULL);
	mpz_add_ui(n1, n, 1);		/* public */
	l_of_pow(l, mpz_limbs_read(n1), mpz_size(n1), x, x2, xm1);
	mpc_ct_mpz_set_limbs(lz, l, xn);
	ok = mpc_ct_invert(h, lz, x);
	mpc_wipe(lz->_mp_d, (size_t) lz->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(n1, lz, NULL);
	mpc_scratch_free(&s);
	return ok;
}

/* ---------------------------------------------------------------------
 * Private keys
 * --------------------------------------------------------------------- */

/* p, q in the order p > q */
static void
order_pq(mpz_t p, mpz_t q, const mpz_t p_in, const mpz_t q_in)
{
	if (mpz_cmp(p_in, q_in) >= 0)
	{
		mpz_set(p, p_in);
		mpz_set(q, q_in);
	}
	else
	{
		mpz_set(p, q_in);
		mpz_set(q, p_in);
	}
}

static mpc_status
check_sizes(const mpz_t p_in, const mpz_t q_in, mpc_error *err)
{
	if (mpz_cmp_ui(p_in, 3) < 0 || mpz_cmp_ui(q_in, 3) < 0)
		return mpc_fail(err, MPC_ERR_KEY, "primes p and q must be at least 3");
	if (mpz_sizeinbase(p_in, 2) > PAI_MAX_BITS || mpz_sizeinbase(q_in, 2) > PAI_MAX_BITS)
		return mpc_fail(err, MPC_ERR_KEY, "primes p and q are too large");
	return MPC_OK;
}

mpc_status
pai_priv_check(const mpz_t p_in, const mpz_t q_in, size_t min_bits, mpc_error *err)
{
	mpz_t		p, q, n, t, phi;
	size_t		pbits, qbits;
	mpc_status	st = check_sizes(p_in, q_in, err);
	pai_pub		pub;

	if (st != MPC_OK)
		return st;
	mpz_inits(p, q, n, t, phi, NULL);
	order_pq(p, q, p_in, q_in);
	pbits = mpz_sizeinbase(p, 2);
	qbits = mpz_sizeinbase(q, 2);

	if (mpz_cmp(p, q) == 0)
		st = mpc_fail(err, MPC_ERR_KEY, "primes p and q are equal");
	else if (pbits > qbits + 1)
		st = mpc_fail(err, MPC_ERR_KEY,
					  "primes p and q differ in length by more than one bit");
	else if (mpz_even_p(p) || mpz_even_p(q))
		st = mpc_fail(err, MPC_ERR_KEY, "p or q is even");
	if (st == MPC_OK)
	{
		/* |p - q| must not be small, or Fermat's method factors n */
		mpz_sub(t, p, q);
		if (mpz_sizeinbase(t, 2) + 100 < pbits)
			st = mpc_fail(err, MPC_ERR_KEY, "primes p and q are too close together");
	}
	if (st == MPC_OK && (!prime_probable(p) || !prime_probable(q)))
		st = mpc_fail(err, MPC_ERR_KEY, "p or q is not prime");
	if (st == MPC_OK)
	{
		mpz_mul(n, p, q);
		st = pai_pub_init(&pub, n, min_bits, err);
		if (st == MPC_OK)
			pai_pub_clear(&pub);
	}
	if (st == MPC_OK)
	{
		/* gcd(n, (p-1)(q-1)) = 1 */
		mpz_sub_ui(t, p, 1);
		mpz_sub_ui(phi, q, 1);
		mpz_mul(phi, phi, t);
		mpz_gcd(t, n, phi);
		if (mpz_cmp_ui(t, 1) != 0)
			st = mpc_fail(err, MPC_ERR_KEY, "gcd(n, (p-1)(q-1)) is not 1");
	}
	mpc_wipe(p->_mp_d, (size_t) p->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(q->_mp_d, (size_t) q->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(phi->_mp_d, (size_t) phi->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(p, q, n, t, phi, NULL);
	return st;
}

mpc_status
pai_priv_setup(pai_priv *sk, const mpz_t p_in, const mpz_t q_in, size_t min_bits,
			   mpc_error *err)
{
	mpz_t		p, q, n, t;
	size_t		pbits, qbits;
	mpc_status	st = check_sizes(p_in, q_in, err);

	if (st != MPC_OK)
		return st;
	mpz_inits(p, q, n, t, NULL);
	/* keep p > q so the CRT constants have one fixed shape */
	order_pq(p, q, p_in, q_in);
	pbits = mpz_sizeinbase(p, 2);
	qbits = mpz_sizeinbase(q, 2);
	/* the shape the constant-time code relies on (bit lengths are public) */
	if (pbits > qbits + 1 || mpz_even_p(p) || mpz_even_p(q))
		st = mpc_fail(err, MPC_ERR_KEY, "p and q do not have the shape of a Paillier key");
	if (st == MPC_OK)
	{
		mpz_mul(n, p, q);
		st = pai_pub_init(&sk->pub, n, min_bits, err);
	}
	if (st != MPC_OK)
	{
		mpz_clears(p, q, n, t, NULL);
		return st;
	}

	mpz_init_set(sk->p, p);
	mpz_init_set(sk->q, q);
	mpz_init(sk->p2);
	mpz_mul(sk->p2, p, p);
	mpz_init(sk->q2);
	mpz_mul(sk->q2, q, q);
	mpz_init(sk->pm1);
	mpz_sub_ui(sk->pm1, p, 1);
	mpz_init(sk->qm1);
	mpz_sub_ui(sk->qm1, q, 1);
	mpz_inits(sk->hp, sk->hq, sk->qinv, sk->q2inv, sk->ep, sk->eq, NULL);

	/* hp, hq, q^-1 mod p, q^-2 mod p^2: constant time (mpn_sec_*) */
	if (!crt_h(sk->hp, n, p, sk->p2, sk->pm1) || !crt_h(sk->hq, n, q, sk->q2, sk->qm1) ||
		!mpc_ct_invert(sk->qinv, q, p) || !mpc_ct_invert(sk->q2inv, sk->q2, sk->p2))
		st = mpc_fail(err, MPC_ERR_KEY, "key constants are not invertible");

	/* r^n mod p^2 = r^(n mod p(p-1)) mod p^2 for r coprime to p */
	mpz_mul(t, p, sk->pm1);
	mpc_ct_mod_mpz(sk->ep, n, t);
	mpz_mul(t, q, sk->qm1);
	mpc_ct_mod_mpz(sk->eq, n, t);

	mpc_wipe(p->_mp_d, (size_t) p->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(q->_mp_d, (size_t) q->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(t->_mp_d, (size_t) t->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(p, q, n, t, NULL);
	if (st != MPC_OK)
		pai_priv_clear(sk);
	return st;
}

mpc_status
pai_priv_init(pai_priv *sk, const mpz_t p, const mpz_t q, size_t min_bits, mpc_error *err)
{
	mpc_status	st = pai_priv_check(p, q, min_bits, err);

	if (st != MPC_OK)
		return st;
	return pai_priv_setup(sk, p, q, min_bits, err);
}

void
pai_priv_clear(pai_priv *sk)
{
	/* mpz_clear frees the limbs through the allocator, which inside the
	 * server wipes them; here we also zero them for standalone builds. */
	mpz_t	   *secret[] = {&sk->p, &sk->q, &sk->p2, &sk->q2, &sk->pm1, &sk->qm1,
	&sk->hp, &sk->hq, &sk->qinv, &sk->q2inv, &sk->ep, &sk->eq};
	size_t		i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
	{
		mpz_ptr		z = *secret[i];

		mpc_wipe(z->_mp_d, (size_t) z->_mp_alloc * sizeof(mp_limb_t));
		mpz_clear(z);
	}
	pai_pub_clear(&sk->pub);
	mpc_wipe(sk, sizeof(*sk));
}

/* mx[0, xn) = L_x(y) hx mod x, for x = p or q and y[0, x2n) = c^(x-1) mod x^2 */
static void
half_of_pow(mp_limb_t *mx, const mp_limb_t *y, const mpz_t x, const mpz_t x2, const mpz_t hx)
{
	size_t		xn = mpz_size(x);
	mpc_scratch	s;
	mp_limb_t  *l = mpc_scratch_get(&s, 2 * xn),
			   *h = l + xn;

	mpc_ct_L(l, y, mpz_size(x2), mpz_limbs_read(x), xn);
	mpc_limbs_of_mpz(h, hx, xn);
	mpc_ct_mulmod(mx, l, xn, h, xn, mpz_limbs_read(x), xn);
	mpc_scratch_free(&s);
}

/*
 * CRT decryption.  Every step on secrets is constant time: reductions mod
 * p^2 and q^2 and mod p, q with mpn_sec_div_r, the exponentiations with
 * mpc_powm_sec_limbs, L() with mpn_sec_sub_1 and mpn_sec_div_qr, products
 * with mpn_sec_mul, the recombination with fixed-length additions.  The
 * plaintext is public once computed.  test/ctgrind checks this.
 */
/* m = the plaintext whose powers mod p^2 and q^2 are yp = c^(p-1) and
 * yq = c^(q-1) (p2n and q2n limbs): L, times hp / hq, and the CRT */
static void
crt_finish(const pai_priv *sk, mpz_t m, const mp_limb_t *yp, const mp_limb_t *yq)
{
	size_t		pn = mpz_size(sk->p),
				qn = mpz_size(sk->q),
				mn = pn + qn;
	mpc_scratch	s;
	mp_limb_t  *buf,
			   *mp,
			   *mq,
			   *mq_p,
			   *d,
			   *qi,
			   *h,
			   *qq,
			   *r,
			   *mqw;

	/* p > q, so pn >= qn */
	buf = mpc_scratch_get(&s, pn + qn + 2 * (pn + 1) + 3 * pn + 2 * mn);
	mp = buf;
	mq = mp + pn;
	mq_p = mq + qn;				/* mq padded to pn + 1 limbs */
	d = mq_p + pn + 1;			/* pn + 1 */
	qi = d + pn + 1;
	h = qi + pn;
	qq = h + pn;				/* q padded to pn limbs */
	r = qq + pn;				/* mn */
	mqw = r + mn;				/* mq padded to mn limbs */

	half_of_pow(mp, yp, sk->p, sk->p2, sk->hp);
	half_of_pow(mq, yq, sk->q, sk->q2, sk->hq);

	/* h = (mp - mq) q^-1 mod p, from d = mp + p - mq in (0, 2p) */
	memcpy(mq_p, mq, qn * sizeof(mp_limb_t));
	memset(mq_p + qn, 0, (pn + 1 - qn) * sizeof(mp_limb_t));
	d[pn] = mpn_add_n(d, mp, mpz_limbs_read(sk->p), (mp_size_t) pn);
	mpn_sub_n(d, d, mq_p, (mp_size_t) (pn + 1));
	mpc_limbs_of_mpz(qi, sk->qinv, pn);
	mpc_ct_mulmod(h, d, pn + 1, qi, pn, mpz_limbs_read(sk->p), pn);

	/* m = mq + q h < n */
	mpc_limbs_of_mpz(qq, sk->q, pn);
	{
		size_t		tn = (size_t) mpn_sec_mul_itch((mp_size_t) pn, (mp_size_t) pn);
		mpc_scratch	s2;
		mp_limb_t  *prod = mpc_scratch_get(&s2, 2 * pn + tn);

		mpn_sec_mul(prod, h, (mp_size_t) pn, qq, (mp_size_t) pn, prod + 2 * pn);
		/* q h < q p = n fits mn limbs */
		memcpy(r, prod, mn * sizeof(mp_limb_t));
		mpc_scratch_free(&s2);
	}
	memcpy(mqw, mq, qn * sizeof(mp_limb_t));
	memset(mqw + qn, 0, (mn - qn) * sizeof(mp_limb_t));
	mpn_add_n(r, r, mqw, (mp_size_t) mn);

	/* the plaintext is the caller's to learn */
	MPC_CT_DECLASSIFY(r, mn * sizeof(mp_limb_t));
	mpc_ct_mpz_set_limbs(m, r, mn);
	mpc_scratch_free(&s);
}

mpc_status
pai_decrypt(const pai_priv *sk, mpz_t m, const mpz_t c, mpc_error *err)
{
	size_t		p2n = mpz_size(sk->p2),
				q2n = mpz_size(sk->q2);
	mpc_scratch	s;
	mp_limb_t  *yp,
			   *yq;
	mpc_status	st = pai_check_ciphertext(&sk->pub, c, 0, err);

	if (st != MPC_OK)
		return st;
	yp = mpc_scratch_get(&s, p2n + q2n);
	yq = yp + p2n;
	pow_x(yp, mpz_limbs_read(c), mpz_size(c), sk->p, sk->p2, sk->pm1);
	pow_x(yq, mpz_limbs_read(c), mpz_size(c), sk->q, sk->q2, sk->qm1);
	crt_finish(sk, m, yp, yq);
	mpc_scratch_free(&s);
	return MPC_OK;
}

/*
 * The same for count ciphertexts, eight at a time on the multi-buffer IFMA
 * exponentiation (ifma8.h: one ciphertext per lane, the lanes sharing p^2,
 * then q^2) when the CPU has IFMA; a last group of fewer than 4 is
 * decrypted one by one, as is everything without IFMA.  Every ciphertext is
 * checked before the first exponentiation.  The count and which ciphertext
 * sits in which lane are public; padding lanes repeat the group's first
 * ciphertext.
 */
mpc_status
pai_decrypt_many(const pai_priv *sk, mpz_t *m, const mpz_t *c, size_t count, mpc_error *err)
{
	size_t		p2n = mpz_size(sk->p2),
				q2n = mpz_size(sk->q2),
				pn = mpz_size(sk->p),
				qn = mpz_size(sk->q),
				p2bits = mpz_sizeinbase(sk->p2, 2),
				q2bits = mpz_sizeinbase(sk->q2, 2),
				pbits = mpz_sizeinbase(sk->p, 2),
				qbits = mpz_sizeinbase(sk->q, 2),
				i,
				l;
	mpc_scratch	s;
	mp_limb_t  *buf;
	mpc_status	st;

	for (i = 0; i < count; i++)
		if ((st = pai_check_ciphertext(&sk->pub, c[i], 0, err)) != MPC_OK)
			return st;
	MPC_CT_DECLASSIFY(&p2bits, sizeof(p2bits));
	MPC_CT_DECLASSIFY(&q2bits, sizeof(q2bits));
	MPC_CT_DECLASSIFY(&pbits, sizeof(pbits));
	MPC_CT_DECLASSIFY(&qbits, sizeof(qbits));
	if (!ifma_available() || ifma_digits(p2bits) == 0)
	{
		for (i = 0; i < count; i++)
			if ((st = pai_decrypt(sk, m[i], c[i], err)) != MPC_OK)
				return st;
		return MPC_OK;
	}
	/* per lane: c mod p^2, c mod q^2, yp, yq; then p - 1, q - 1 */
	buf = mpc_scratch_get(&s, IFMA8_LANES * 2 * (p2n + q2n) + pn + qn + 2);
	for (i = 0; i < count; i += IFMA8_LANES)
	{
		mp_limb_t  *bp[IFMA8_LANES], *bq[IFMA8_LANES], *yp[IFMA8_LANES], *yq[IFMA8_LANES];
		const mp_limb_t *ep[IFMA8_LANES], *eq[IFMA8_LANES], *mp2[IFMA8_LANES], *mq2[IFMA8_LANES];
		mp_limb_t  *pm1 = buf + IFMA8_LANES * 2 * (p2n + q2n),
				   *qm1 = pm1 + pn + 1;
		size_t		lanes = count - i < IFMA8_LANES ? count - i : IFMA8_LANES;

		if (lanes < 4)
		{
			for (; i < count; i++)
				if ((st = pai_decrypt(sk, m[i], c[i], err)) != MPC_OK)
					break;
			mpc_scratch_free(&s);
			return i < count ? st : MPC_OK;
		}
		mpc_limbs_of_mpz(pm1, sk->pm1, pn);
		mpc_limbs_of_mpz(qm1, sk->qm1, qn);
		for (l = 0; l < IFMA8_LANES; l++)
		{
			const mpz_srcptr cl = c[i + (l < lanes ? l : 0)];

			bp[l] = buf + l * 2 * (p2n + q2n);
			bq[l] = bp[l] + p2n;
			yp[l] = bq[l] + q2n;
			yq[l] = yp[l] + p2n;
			mpc_ct_mod(bp[l], mpz_limbs_read(cl), mpz_size(cl), mpz_limbs_read(sk->p2), p2n);
			mpc_ct_mod(bq[l], mpz_limbs_read(cl), mpz_size(cl), mpz_limbs_read(sk->q2), q2n);
			ep[l] = pm1;
			eq[l] = qm1;
			mp2[l] = mpz_limbs_read(sk->p2);
			mq2[l] = mpz_limbs_read(sk->q2);
		}
		if ((st = ifma8_powm_limbs(yp, (const mp_limb_t *const *) bp, ep, pbits, mp2, p2n, p2bits,
								   err)) != MPC_OK ||
			(st = ifma8_powm_limbs(yq, (const mp_limb_t *const *) bq, eq, qbits, mq2, q2n, q2bits,
								   err)) != MPC_OK)
		{
			mpc_scratch_free(&s);
			return st;
		}
		for (l = 0; l < lanes; l++)
			crt_finish(sk, m[i + l], yp[l], yq[l]);
	}
	mpc_wipe(buf, (IFMA8_LANES * 2 * (p2n + q2n) + pn + qn + 2) * sizeof(mp_limb_t));
	mpc_scratch_free(&s);
	return MPC_OK;
}
