/*
 * ct.c: constant-time helpers on GMP limbs (ct.h).
 */
#include "ct.h"

#include <string.h>

int
mpc_ct_exceeds_bits(const mpz_t e, size_t bits)
{
	const mp_limb_t *d = mpz_limbs_read(e);
	size_t		n = mpz_size(e),
				i;
	mp_limb_t	acc = 0;
	int			over;

	for (i = 0; i < n; i++)
	{
		size_t		lo = i * GMP_NUMB_BITS;
		mp_limb_t	m;

		/* the mask of limb i's bits at or above 'bits': public positions */
		if (lo >= bits)
			m = ~(mp_limb_t) 0;
		else if (bits - lo >= GMP_NUMB_BITS)
			m = 0;
		else
			m = ~(mp_limb_t) 0 << (bits - lo);
		acc |= d[i] & m;
	}
	over = (int) (((acc | (0 - acc)) >> (GMP_NUMB_BITS - 1)) & 1);
	MPC_CT_DECLASSIFY(&over, sizeof(over));
	return over;
}

void
mpc_ct_mpz_set_limbs(mpz_t out, const mp_limb_t *p, size_t n)
{
	mp_limb_t  *d = mpz_limbs_write(out, (mp_size_t) (n > 0 ? n : 1));
	size_t		size = 0,
				i;

	memcpy(d, p, n * sizeof(mp_limb_t));
	for (i = 0; i < n; i++)
	{
		/* size = i + 1 when limb i is nonzero, without a branch */
		mp_limb_t	nz = (p[i] | (0 - p[i])) >> (GMP_NUMB_BITS - 1);
		size_t		mask = 0 - (size_t) nz;

		size = ((i + 1) & mask) | (size & ~mask);
	}
	MPC_CT_DECLASSIFY(&size, sizeof(size));
	/* mpz_limbs_finish would read the top limb to normalise; the size is
	 * already exact */
	out->_mp_size = (int) size;
}

void
mpc_limbs_of_mpz(mp_limb_t *r, const mpz_t x, size_t n)
{
	size_t		xn = mpz_size(x);

	if (xn > 0)
		memcpy(r, mpz_limbs_read(x), xn * sizeof(mp_limb_t));
	memset(r + xn, 0, (n - xn) * sizeof(mp_limb_t));
}

/* limb scratch from GMP's allocator (wiped and freed by mpc_scratch_free) */
mp_limb_t *
mpc_scratch_get(mpc_scratch *s, size_t n)
{
	mpz_init(s->z);
	s->n = n > 0 ? n : 1;
	return mpz_limbs_write(s->z, (mp_size_t) s->n);
}

void
mpc_scratch_free(mpc_scratch *s)
{
	mpc_wipe(mpz_limbs_modify(s->z, (mp_size_t) s->n), s->n * sizeof(mp_limb_t));
	mpz_clear(s->z);
}

size_t
mpc_max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* r[0, dn) = a[0, an) mod d[0, dn); d[dn - 1] != 0; r may not overlap a */
void
mpc_ct_mod(mp_limb_t *r, const mp_limb_t *a, size_t an, const mp_limb_t *d, size_t dn)
{
	size_t		bn = mpc_max_sz(an, dn);
	size_t		tn = (size_t) mpn_sec_div_r_itch((mp_size_t) bn, (mp_size_t) dn);
	mpc_scratch	s;
	mp_limb_t  *b = mpc_scratch_get(&s, bn + tn);

	memcpy(b, a, an * sizeof(mp_limb_t));
	memset(b + an, 0, (bn - an) * sizeof(mp_limb_t));
	mpn_sec_div_r(b, (mp_size_t) bn, d, (mp_size_t) dn, b + bn);
	memcpy(r, b, dn * sizeof(mp_limb_t));
	mpc_scratch_free(&s);
}

/* r[0, xn) = L_x(u) = (u - 1) / x for u[0, un) = 1 mod x, u < x^2 */
void
mpc_ct_L(mp_limb_t *r, const mp_limb_t *u, size_t un, const mp_limb_t *x, size_t xn)
{
	size_t		qn = un - xn;
	size_t		tn = mpc_max_sz((size_t) mpn_sec_div_qr_itch((mp_size_t) un, (mp_size_t) xn),
							(size_t) mpn_sec_sub_1_itch((mp_size_t) un));
	mpc_scratch	s;
	mp_limb_t  *b = mpc_scratch_get(&s, un + qn + 1 + tn),
			   *q = b + un,
			   *t = q + qn + 1;

	mpn_sec_sub_1(b, u, (mp_size_t) un, 1, t);
	q[qn] = mpn_sec_div_qr(q, b, (mp_size_t) un, x, (mp_size_t) xn, t);
	/* the quotient is below x, so it fits xn limbs */
	memset(r, 0, xn * sizeof(mp_limb_t));
	memcpy(r, q, (qn + 1 < xn ? qn + 1 : xn) * sizeof(mp_limb_t));
	mpc_scratch_free(&s);
}

/* r[0, mn) = a[0, an) * b[0, bn) mod m[0, mn); an >= bn */
void
mpc_ct_mulmod(mp_limb_t *r, const mp_limb_t *a, size_t an, const mp_limb_t *b, size_t bn,
		  const mp_limb_t *m, size_t mn)
{
	size_t		tn = (size_t) mpn_sec_mul_itch((mp_size_t) an, (mp_size_t) bn);
	mpc_scratch	s;
	mp_limb_t  *p = mpc_scratch_get(&s, an + bn + tn);

	mpn_sec_mul(p, a, (mp_size_t) an, b, (mp_size_t) bn, p + an + bn);
	mpc_ct_mod(r, p, an + bn, m, mn);
	mpc_scratch_free(&s);
}

/* out = a^-1 mod m for 0 <= a, odd m (secret values, public sizes);
 * returns 0 when a is not invertible */
int
mpc_ct_invert(mpz_t out, const mpz_t a, const mpz_t m)
{
	size_t		n = mpz_size(m),
				an = mpz_size(a);
	size_t		tn = (size_t) mpn_sec_invert_itch((mp_size_t) n);
	mpc_scratch	s;
	mp_limb_t  *ap = mpc_scratch_get(&s, 2 * n + tn),
			   *rp = ap + n;
	int			ok;

	if (an > n)
		mpc_ct_mod(ap, mpz_limbs_read(a), an, mpz_limbs_read(m), n);
	else
	{
		/* a < m is the caller's: reduce anyway, constant time */
		mpc_limbs_of_mpz(rp, a, n);
		mpc_ct_mod(ap, rp, n, mpz_limbs_read(m), n);
	}
	ok = mpn_sec_invert(rp, ap, mpz_limbs_read(m), (mp_size_t) n,
						(mp_bitcnt_t) (2 * n * GMP_NUMB_BITS), rp + n);
	MPC_CT_DECLASSIFY(&ok, sizeof(ok));
	if (ok)
		mpc_ct_mpz_set_limbs(out, rp, n);
	mpc_scratch_free(&s);
	return ok;
}

/* out = a mod m, constant time in both */
void
mpc_ct_mod_mpz(mpz_t out, const mpz_t a, const mpz_t m)
{
	size_t		n = mpz_size(m);
	mpc_scratch	s;
	mp_limb_t  *r = mpc_scratch_get(&s, n);

	mpc_ct_mod(r, mpz_limbs_read(a), mpz_size(a), mpz_limbs_read(m), n);
	mpc_ct_mpz_set_limbs(out, r, n);
	mpc_scratch_free(&s);
}
