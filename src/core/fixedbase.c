/*
 * fixedbase.c: fixed-base windowed exponentiation (see fixedbase.h).
 *
 * Why Montgomery products on fb_ct_mul + mpn_addmul_1 rather than
 * mpz_mul + mpz_mod: mpz_mod divides with a quotient estimate that branches
 * on the data, and mpn_mul_n (Karatsuba at these sizes) branches on the sign
 * of differences of its operands.  fb_ct_mul (Karatsuba with masked signs
 * over the schoolbook mpn_sec_mul) and the reduction below take time that
 * depends on the lengths only.
 */
#include "fixedbase.h"

#include "ct.h"
#include "ifma8.h"

#include <string.h>

#define LIMB_BITS GMP_NUMB_BITS

#if defined(__GNUC__) || defined(__clang__)
#define FB_VECTOR 1
typedef mp_limb_t fb_v4 __attribute__((vector_size(4 * sizeof(mp_limb_t)), aligned(sizeof(mp_limb_t))));
#endif

static size_t
round8(size_t x)
{
	return (x + 7) & ~(size_t) 7;
}

/*
 * Constant-time Karatsuba over mpn_sec_mul.  GMP's own mpn_mul_n branches on
 * the sign of a0 - a1; here both differences are computed and one is kept
 * with a mask, the sign of the middle term is folded in the same way, and
 * every addition runs over a fixed length, so time depends on n only.
 */
#define KARA_MIN_LIMBS 32

size_t
fb_ct_mul_itch(size_t n)
{
	if (n % 2 == 0 && n >= KARA_MIN_LIMBS)
	{
		size_t		h = n / 2;

		/* da, db (h each), zm (2h), mid, tA, tS (2h + 1 each), midp (3h) */
		return 2 * h + 2 * h + 3 * (2 * h + 1) + 3 * h + fb_ct_mul_itch(h);
	}
	return (size_t) mpn_sec_mul_itch((mp_size_t) n, (mp_size_t) n);
}

/* |x - y| over h limbs into d, and the mask of x < y */
static mp_limb_t
ct_absdiff(mp_limb_t *d, const mp_limb_t *x, const mp_limb_t *y, size_t h, mp_limb_t *tmp)
{
	mp_limb_t	borrow = mpn_sub_n(d, x, y, (mp_size_t) h);
	mp_limb_t	neg = 0 - borrow;
	size_t		i;

	mpn_sub_n(tmp, y, x, (mp_size_t) h);
	for (i = 0; i < h; i++)
		d[i] = (tmp[i] & neg) | (d[i] & ~neg);
	return neg;
}

void
fb_ct_mul(mp_limb_t *rp, const mp_limb_t *ap, const mp_limb_t *bp, size_t n,
		  mp_limb_t *s)
{
	size_t		h,
				i;
	mp_limb_t  *da, *db, *zm, *mid, *tA, *tS, *midp, *next;
	mp_limb_t	sa, sb, sub;

	if (n % 2 != 0 || n < KARA_MIN_LIMBS)
	{
		mpn_sec_mul(rp, ap, (mp_size_t) n, bp, (mp_size_t) n, s);
		return;
	}
	h = n / 2;
	da = s;
	db = da + h;
	zm = db + h;
	mid = zm + 2 * h;
	tA = mid + 2 * h + 1;
	tS = tA + 2 * h + 1;
	midp = tS + 2 * h + 1;
	next = midp + 3 * h;

	/* z0 = a0 b0 into rp[0, 2h), z2 = a1 b1 into rp[2h, 4h) */
	fb_ct_mul(rp, ap, bp, h, next);
	fb_ct_mul(rp + 2 * h, ap + h, bp + h, h, next);
	/* zm = |a0 - a1| |b0 - b1|; (a0 - a1)(b0 - b1) = zm when the signs agree */
	sa = ct_absdiff(da, ap, ap + h, h, tA);
	sb = ct_absdiff(db, bp, bp + h, h, tA);
	fb_ct_mul(zm, da, db, h, next);
	sub = ~(sa ^ sb);			/* all ones: middle = z0 + z2 - zm */

	/* mid = z0 + z2 -/+ zm = a0 b1 + a1 b0 (2h + 1 limbs, never negative) */
	mid[2 * h] = mpn_add_n(mid, rp, rp + 2 * h, (mp_size_t) (2 * h));
	tA[2 * h] = mid[2 * h] + mpn_add_n(tA, mid, zm, (mp_size_t) (2 * h));
	tS[2 * h] = mid[2 * h] - mpn_sub_n(tS, mid, zm, (mp_size_t) (2 * h));
	for (i = 0; i <= 2 * h; i++)
		midp[i] = (tS[i] & sub) | (tA[i] & ~sub);
	for (i = 2 * h + 1; i < 3 * h; i++)
		midp[i] = 0;
	/* rp += mid B^h over a fixed length (the carry out is always 0) */
	mpn_add_n(rp + h, rp + h, midp, (mp_size_t) (3 * h));
}

static size_t
scratch_limbs(size_t L)
{
	/* t (2L), v (L), multiplication scratch */
	return 3 * L + fb_ct_mul_itch(L);
}

/*
 * Montgomery reduction: r = t / B^L mod N for t < N B^L (2L limbs, destroyed),
 * r < N.  Each step clears the lowest limb with q N, q = t_i (-N^-1) mod B,
 * and parks the carry in that limb; the parked carries are added at the end.
 * mpn_addmul_1 and mpn_add_n/mpn_sub_n run in time that depends on lengths
 * only, and the final correction is a masked select.
 */
static void
redc(const fb_table *t, mp_limb_t *r, mp_limb_t *tt, mp_limb_t *v)
{
	size_t		L = t->nlimbs,
				i;
	mp_limb_t	cy,
				borrow,
				take;

	for (i = 0; i < L; i++)
	{
		mp_limb_t	q = tt[i] * t->ninv;

		tt[i] = mpn_addmul_1(tt + i, t->mod, (mp_size_t) L, q);
	}
	cy = mpn_add_n(r, tt + L, tt, (mp_size_t) L);
	/* r + cy B^L < 2N: subtract N when cy is set or r >= N */
	borrow = mpn_sub_n(v, r, t->mod, (mp_size_t) L);
	take = 0 - (cy | (borrow ^ 1));
	for (i = 0; i < L; i++)
		r[i] = (v[i] & take) | (r[i] & ~take);
}

/* r = a b / B^L mod N (Montgomery product); r may alias a or b.  With ct
 * the product uses fb_ct_mul, whose time does not depend on the values;
 * otherwise the faster mpn_mul_n (tables of public values, vartime). */
static void
mont_mul(const fb_table *t, mp_limb_t *r, const mp_limb_t *a, const mp_limb_t *b,
		 mp_limb_t *s, int ct)
{
	size_t		L = t->nlimbs;
	mp_limb_t  *tt = s,
			   *v = s + 2 * L,
			   *tp = s + 3 * L;

	if (ct)
		fb_ct_mul(tt, a, b, L, tp);
	else
		mpn_mul_n(tt, a, b, (mp_size_t) L);
	redc(t, r, tt, v);
}

/* out = entry idx of a window of 'count' entries, reading every entry. */
static void
ct_select(mp_limb_t *out, const mp_limb_t *tab, size_t count, size_t stride, mp_limb_t idx)
{
	size_t		j,
				i;

	memset(out, 0, stride * sizeof(mp_limb_t));
	for (j = 0; j < count; j++)
	{
		mp_limb_t	mask = (mp_limb_t) mpc_ct_eq_mask((uint64_t) j, (uint64_t) idx);
		const mp_limb_t *e = tab + j * stride;

#ifdef FB_VECTOR
		for (i = 0; i < stride; i += 4)
		{
			fb_v4		acc,
						ent;

			memcpy(&acc, out + i, sizeof(acc));
			memcpy(&ent, e + i, sizeof(ent));
			acc |= ent & mask;
			memcpy(out + i, &acc, sizeof(acc));
		}
#else
		for (i = 0; i < stride; i++)
			out[i] |= e[i] & mask;
#endif
	}
}

/* Copy z (0 <= z, fits) into exactly len limbs. */
static void
limbs_of(mp_limb_t *dst, size_t len, const mpz_t z)
{
	size_t		sz = mpz_size(z);

	if (sz > len)
		sz = len;
	if (sz > 0)
		memcpy(dst, mpz_limbs_read(z), sz * sizeof(mp_limb_t));
	memset(dst + sz, 0, (len - sz) * sizeof(mp_limb_t));
}

static void
mpz_of_limbs(mpz_t z, const mp_limb_t *src, size_t len)
{
	mpc_ct_mpz_set_limbs(z, src, len);
}

static int
table_uses_ifma(size_t mod_bits)
{
	return ifma_available() && ifma_digits(mod_bits) != 0;
}

size_t
fb_table_bytes(size_t mod_bits, size_t maxbits, unsigned window)
{
	size_t		L = (mod_bits + LIMB_BITS - 1) / LIMB_BITS;
	size_t		windows;

	if (mod_bits < 2 || maxbits == 0 || window < FB_MIN_WINDOW || window > FB_MAX_WINDOW ||
		mod_bits > (1u << 20) || maxbits > (1u << 20))
		return 0;
	windows = (maxbits + window - 1) / window;
	if (table_uses_ifma(mod_bits))
		return ifma_ctx_bytes(mod_bits) + 64 +
			windows * ((size_t) 1 << window) * ifma_digits(mod_bits) * sizeof(uint64_t);
	return (L + windows * ((size_t) 1 << window) * round8(L)) * sizeof(mp_limb_t);
}

/* The table of fb_table_init for the IFMA products: every entry in
 * Montgomery form (R = 2^(52 D)), the window 0 row from the base, each next
 * row's g^(2^(k w)) from the previous row's last entry times its first. */
static mpc_status
ifma_table_init(fb_table *t, void *buf, size_t buflen, const mpz_t base, const mpz_t mod,
				mpc_error *err)
{
	size_t		bits = mpz_sizeinbase(mod, 2),
				cbytes = ifma_ctx_bytes(bits),
				D = ifma_digits(bits),
				count = (size_t) 1 << t->window,
				w,
				d;
	mpc_status	st;
	mpz_t		one;

	st = ifma_ctx_init(&t->ic, buf, cbytes, mod, err);
	if (st != MPC_OK)
		return st;
	t->use_ifma = 1;
	t->digits = D;
	t->idigits = (uint64_t *) (((uintptr_t) buf + cbytes + 63) & ~(uintptr_t) 63);
	if ((char *) (t->idigits + t->windows * count * D) > (char *) buf + buflen)
		return mpc_fail(err, MPC_ERR_INTERNAL, "fixed-base table layout overflows its buffer");
	mpz_init_set_ui(one, 1);
	for (w = 0; w < t->windows; w++)
	{
		uint64_t   *row = t->idigits + w * count * D;

		if (mpc_interrupted())
		{
			mpz_clear(one);
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		}
		ifma_to_mont(&t->ic, row, one);
		if (w == 0)
			ifma_to_mont(&t->ic, row + D, base);
		else
			ifma_mul(&t->ic, row + D, row - D, row - (count - 1) * D);
		for (d = 2; d < count; d++)
			ifma_mul(&t->ic, row + d * D, row + (d - 1) * D, row + D);
	}
	mpz_clear(one);
	return MPC_OK;
}

/* fb_pow on an IFMA table: one product per window after the first */
static void
ifma_table_pow(const fb_table *t, mpz_t out, const mp_limb_t *ebuf, int ct)
{
	size_t		D = t->digits,
				count = (size_t) 1 << t->window,
				w;
	uint64_t	acc[IFMA_MAX_DIGITS],
				sel[IFMA_MAX_DIGITS];

	for (w = 0; w < t->windows; w++)
	{
		mp_limb_t	digit = mpc_window_digit(ebuf, w * t->window, t->window);
		const uint64_t *row = t->idigits + w * count * D;

		if (ct)
			ifma_select(&t->ic, w == 0 ? acc : sel, row, count, digit);
		else if (w == 0)
			memcpy(acc, row + digit * D, D * sizeof(uint64_t));
		if (w > 0)
			ifma_mul(&t->ic, acc, acc, ct ? sel : row + digit * D);
	}
	ifma_from_mont(&t->ic, out, acc);
	mpc_wipe(acc, sizeof(acc));
	mpc_wipe(sel, sizeof(sel));
}

mpc_status
fb_table_init(fb_table *t, void *buf, size_t buflen, const mpz_t base, const mpz_t mod,
			  size_t maxbits, unsigned window, mpc_error *err)
{
	size_t		need = fb_table_bytes(mpz_sizeinbase(mod, 2), maxbits, window);
	size_t		L, stride, count, w, d;
	mpz_t		x, scratch;
	mp_limb_t  *s,
				inv,
				n0;
	int			i;

	if (mpz_cmp_ui(mod, 1) <= 0 || mpz_even_p(mod))
		return mpc_fail(err, MPC_ERR_ARG, "fixed-base modulus must be odd and greater than 1");
	if (need == 0)
		return mpc_fail(err, MPC_ERR_ARG, "fixed-base table parameters out of range");
	if (buf == NULL || buflen < need || ((uintptr_t) buf % sizeof(mp_limb_t)) != 0)
		return mpc_fail(err, MPC_ERR_ARG, "fixed-base table buffer is too small or misaligned");
	if (mpz_sgn(base) <= 0 || mpz_cmp(base, mod) >= 0)
		return mpc_fail(err, MPC_ERR_ARG, "fixed-base base must be in the range 0 < g < N");

	L = mpz_size(mod);
	stride = round8(L);
	count = (size_t) 1 << window;
	memset(t, 0, sizeof(*t));
	t->nlimbs = L;
	t->stride = stride;
	t->window = window;
	t->maxbits = maxbits;
	t->windows = (maxbits + window - 1) / window;
	memset(buf, 0, need);
	if (table_uses_ifma(mpz_sizeinbase(mod, 2)))
		return ifma_table_init(t, buf, buflen, base, mod, err);
	t->mod = (mp_limb_t *) buf;
	t->entries = t->mod + L;
	limbs_of(t->mod, L, mod);

	/* -N^-1 mod B by Newton's iteration (each step doubles the good bits) */
	n0 = t->mod[0];
	inv = n0;					/* right to 3 bits for odd n0 */
	for (i = 0; i < 6; i++)
		inv *= 2 - n0 * inv;
	t->ninv = 0 - inv;

	mpz_inits(x, scratch, NULL);
	s = mpz_limbs_write(scratch, (mp_size_t) scratch_limbs(L));
	for (w = 0; w < t->windows; w++)
	{
		mp_limb_t  *row = t->entries + w * count * stride;

		if (mpc_interrupted())
		{
			mpz_clears(x, scratch, NULL);
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		}
		/* entries are kept in Montgomery form x B^L mod N */
		mpz_set_ui(x, 1);
		mpz_mul_2exp(x, x, (mp_bitcnt_t) (L * LIMB_BITS));
		mpz_mod(x, x, mod);
		limbs_of(row, L, x);	/* g^0 */
		if (w == 0)
		{
			mpz_mul_2exp(x, base, (mp_bitcnt_t) (L * LIMB_BITS));
			mpz_mod(x, x, mod);
			limbs_of(row + stride, L, x);
		}
		else
		{
			const mp_limb_t *prev = row - count * stride;

			/* g^(2^(k w)) = g^((2^k - 1) 2^(k(w-1))) * g^(2^(k(w-1))) */
			mont_mul(t, row + stride, prev + (count - 1) * stride, prev + stride, s, 0);
		}
		for (d = 2; d < count; d++)
			mont_mul(t, row + d * stride, row + (d - 1) * stride, row + stride, s, 0);
	}
	/*
	 * The last window goes back to normal form: a Montgomery product of a
	 * Montgomery-form accumulator with a normal-form entry is in normal
	 * form, so fb_pow needs no final reduction.
	 */
	{
		mp_limb_t  *row = t->entries + (t->windows - 1) * count * stride;

		for (d = 0; d < count; d++)
		{
			memcpy(s, row + d * stride, L * sizeof(mp_limb_t));
			memset(s + L, 0, L * sizeof(mp_limb_t));
			redc(t, row + d * stride, s, s + 2 * L);
		}
	}
	mpz_clears(x, scratch, NULL);
	return MPC_OK;
}

static mpc_status
pow_common(const fb_table *t, mpz_t out, const mpz_t e, int ct, mpc_error *err)
{
	size_t		L = t->nlimbs,
				stride = t->stride,
				count = (size_t) 1 << t->window,
				elimbs = (t->maxbits + LIMB_BITS - 1) / LIMB_BITS + 1,
				w;
	/* an IFMA table needs only the exponent's limbs here */
	size_t		slimbs = elimbs + (t->use_ifma ? 0 : 2 * stride + scratch_limbs(L));
	mpz_t		scratch;
	mp_limb_t  *s, *acc, *sel, *ebuf, *ms;

	if (mpz_sgn(e) < 0 || mpc_ct_exceeds_bits(e, t->maxbits))
		return mpc_fail(err, MPC_ERR_ARG, "exponent has more than %zu bits", t->maxbits);
	mpz_init(scratch);
	s = mpz_limbs_write(scratch, (mp_size_t) slimbs);
	ebuf = s;
	acc = ebuf + elimbs;
	sel = acc + stride;
	ms = sel + stride;
	limbs_of(ebuf, elimbs, e);
	if (t->use_ifma)
	{
		ifma_table_pow(t, out, ebuf, ct);
		mpc_wipe(s, slimbs * sizeof(mp_limb_t));
		mpz_clear(scratch);
		return MPC_OK;
	}

	for (w = 0; w < t->windows; w++)
	{
		mp_limb_t	digit = mpc_window_digit(ebuf, w * t->window, t->window);
		const mp_limb_t *row = t->entries + w * count * stride;
		const mp_limb_t *ent;

		if (ct)
		{
			ct_select(w == 0 ? acc : sel, row, count, stride, digit);
			ent = sel;
		}
		else
			ent = row + digit * stride;
		if (w == 0)
		{
			if (!ct)
				memcpy(acc, ent, L * sizeof(mp_limb_t));
		}
		else
			mont_mul(t, acc, acc, ent, ms, ct);
	}
	/* the last window's entries are in normal form, so acc is too */
	mpz_of_limbs(out, acc, L);
	mpc_wipe(s, slimbs * sizeof(mp_limb_t));
	mpz_clear(scratch);
	return MPC_OK;
}

mpc_status
fb_pow(const fb_table *t, mpz_t out, const mpz_t e, mpc_error *err)
{
	return pow_common(t, out, e, 1, err);
}

mpc_status
fb_pow_vartime(const fb_table *t, mpz_t out, const mpz_t e, mpc_error *err)
{
	return pow_common(t, out, e, 0, err);
}

unsigned
fb_best_window(size_t maxbits, size_t count, unsigned max_window, double scan_weight)
{
	unsigned	k,
				best = 1;
	double		best_cost = -1;

	if (max_window > FB_MAX_WINDOW)
		max_window = FB_MAX_WINDOW;
	for (k = FB_MIN_WINDOW; k <= max_window; k++)
	{
		double		windows = (double) ((maxbits + k - 1) / k);
		double		entries = (double) ((size_t) 1 << k);
		double		cost = (double) count * windows * (1.0 + entries * scan_weight) +
			windows * (entries - 1.0);

		if (best_cost < 0 || cost < best_cost)
		{
			best_cost = cost;
			best = k;
		}
	}
	return best;
}

mpc_status
fb_pow8(const fb_table *t, mpz_t *out, const mpz_t *e, mpc_error *err)
{
	size_t		elimbs = (t->maxbits + LIMB_BITS - 1) / LIMB_BITS + 1,
				L = t->nlimbs,
				l;
	mpz_t		scratch;
	mp_limb_t  *s,
			   *ep[IFMA8_LANES],
			   *rp[IFMA8_LANES];
	mpc_status	st;

	if (!t->use_ifma)
		return mpc_fail(err, MPC_ERR_ARG, "the table is not built for the IFMA products");
	for (l = 0; l < IFMA8_LANES; l++)
		if (mpz_sgn(e[l]) < 0 || mpc_ct_exceeds_bits(e[l], t->maxbits))
			return mpc_fail(err, MPC_ERR_ARG, "exponent has more than %zu bits", t->maxbits);
	mpz_init(scratch);
	s = mpz_limbs_write(scratch, (mp_size_t) (IFMA8_LANES * (elimbs + L)));
	for (l = 0; l < IFMA8_LANES; l++)
	{
		ep[l] = s + l * (elimbs + L);
		rp[l] = ep[l] + elimbs;
		limbs_of(ep[l], elimbs, e[l]);
	}
	st = ifma8_table_pow(&t->ic, t->idigits, t->windows, t->window,
						 (const mp_limb_t *const *) ep, rp, err);
	if (st == MPC_OK)
		for (l = 0; l < IFMA8_LANES; l++)
			mpz_of_limbs(out[l], rp[l], L);
	mpc_wipe(s, IFMA8_LANES * (elimbs + L) * sizeof(mp_limb_t));
	mpz_clear(scratch);
	return st;
}
