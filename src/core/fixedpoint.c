/* fixedpoint.c: scales and magnitude bounds of encrypted values. */
#include "fixedpoint.h"

#include "encoding.h"
#include "fixedbase.h"

void
fx_init(fx_ct *x)
{
	mpz_init(x->c);
	x->scale = 0;
	x->bound = 0;
}

void
fx_clear(fx_ct *x)
{
	mpz_clear(x->c);
}

uint32_t
fx_limit_bits(size_t nbits)
{
	return nbits > 3 ? (uint32_t) (nbits - 3) : 0;
}

uint32_t
fx_limit(const pai_pub *pk)
{
	return fx_limit_bits(pk->nbits);
}

uint32_t
fx_legacy_bound(size_t nbits)
{
	uint32_t	l = fx_limit_bits(nbits);

	return l > FX_LEGACY_HEADROOM ? l - FX_LEGACY_HEADROOM : 0;
}

uint32_t
fx_ceil_log2(const mpz_t a)
{
	mpz_t		t;
	uint32_t	b;

	if (mpz_cmpabs_ui(a, 1) <= 0)
		return 0;
	/* |a| <= 2^B  <=>  |a| - 1 < 2^B  <=>  bits(|a| - 1) <= B */
	mpz_init(t);
	mpz_abs(t, a);
	mpz_sub_ui(t, t, 1);
	b = (uint32_t) mpz_sizeinbase(t, 2);
	mpz_clear(t);
	return b;
}

uint32_t
fx_ceil_log2_u64(uint64_t n)
{
	uint32_t	b = 0;

	while (b < 64 && (n - 1) >> b != 0)
		b++;
	return n <= 1 ? 0 : b;
}

uint32_t
fx_pow10_bits(int d)
{
	mpz_t		p;
	uint32_t	b;

	if (d <= 0)
		return 0;
	mpz_init(p);
	mpz_ui_pow_ui(p, 10, (unsigned long) d);
	b = (uint32_t) mpz_sizeinbase(p, 2);
	mpz_clear(p);
	return b;
}

mpc_status
fx_check_bound(const pai_pub *pk, uint64_t bound, const char *what, mpc_error *err)
{
	if (bound > fx_limit(pk))
		return mpc_fail(err, MPC_ERR_OVERFLOW,
						"%s could overflow: its magnitude bound is 2^%llu, and a %zu-bit key holds at most 2^%u",
						what, (unsigned long long) bound, pk->nbits, fx_limit(pk));
	return MPC_OK;
}

void
fx_default_max(mpz_t max_k, unsigned bits)
{
	mpz_set_ui(max_k, 0);
	mpz_setbit(max_k, bits);
}

mpc_status
fx_declared_bound(const pai_pub *pk, int scale, const mpz_t max_k, int max_f, uint32_t *bound,
				  mpc_error *err)
{
	mpz_t		rhs, p;
	uint64_t	b;
	mpc_status	st;

	if (mpz_sgn(max_k) < 0)
		return mpc_fail(err, MPC_ERR_ARG, "max_abs must not be negative");
	if ((st = enc_check_scale(scale, err)) != MPC_OK ||
		(st = enc_check_scale(max_f, err)) != MPC_OK)
		return st;
	/* a range far wider than the key is refused before any big product:
	 * bits(max_k) - 1 - 4 max_f <= log2(max_abs) */
	if (mpz_sizeinbase(max_k, 2) > (size_t) fx_limit(pk) + 1 + 4 * (size_t) max_f)
		return mpc_fail(err, MPC_ERR_OVERFLOW,
						"the declared range max_abs does not fit a %zu-bit key", pk->nbits);
	mpz_inits(rhs, p, NULL);
	mpz_ui_pow_ui(p, 10, (unsigned long) max_f);
	mpz_ui_pow_ui(rhs, 10, (unsigned long) scale);
	mpz_mul(rhs, rhs, max_k);
	mpz_cdiv_q(rhs, rhs, p);
	b = fx_ceil_log2(rhs);
	mpz_clears(rhs, p, NULL);
	if (b > fx_limit(pk))
		return mpc_fail(err, MPC_ERR_OVERFLOW,
						"the declared range max_abs * 10^%d needs 2^%llu, and a %zu-bit key holds at most 2^%u",
						scale, (unsigned long long) b, pk->nbits, fx_limit(pk));
	*bound = (uint32_t) b;
	return MPC_OK;
}

int
fx_within_max(const mpz_t v, int scale, const mpz_t max_k, int max_f)
{
	mpz_t		lhs, rhs;
	int			ok;

	/* |v| <= max_k 10^scale / 10^max_f  <=>  |v| 10^max_f <= max_k 10^scale */
	mpz_inits(lhs, rhs, NULL);
	mpz_ui_pow_ui(lhs, 10, (unsigned long) max_f);
	mpz_mul(lhs, lhs, v);
	mpz_abs(lhs, lhs);
	mpz_ui_pow_ui(rhs, 10, (unsigned long) scale);
	mpz_mul(rhs, rhs, max_k);
	ok = mpz_cmp(lhs, rhs) <= 0;
	mpz_clears(lhs, rhs, NULL);
	return ok;
}

/* c^(10^d) mod n^2: the exponent is public. */
static void
pow10_mod(mpz_t c, int d, const mpz_t n2)
{
	mpz_t		e;

	if (d <= 0)
		return;
	mpz_init(e);
	mpz_ui_pow_ui(e, 10, (unsigned long) d);
	mpz_powm(c, c, e, n2);
	mpz_clear(e);
}

mpc_status
fx_lift(const pai_pub *pk, fx_ct *x, int new_scale, mpc_error *err)
{
	int			d = new_scale - x->scale;
	uint64_t	b;
	mpc_status	st;

	if (d <= 0)
		return MPC_OK;
	if ((st = enc_check_scale(new_scale, err)) != MPC_OK)
		return st;
	b = (uint64_t) x->bound + fx_pow10_bits(d);
	if ((st = fx_check_bound(pk, b, "lifting the scale", err)) != MPC_OK)
		return st;
	pow10_mod(x->c, d, pk->n2);
	x->scale = new_scale;
	x->bound = (uint32_t) b;
	return MPC_OK;
}

mpc_status
fx_add_result(const pai_pub *pk, int scale_a, uint32_t bound_a, int scale_b, uint32_t bound_b,
			  int sub, int *scale, uint32_t *bound, mpc_error *err)
{
	int			s = scale_a > scale_b ? scale_a : scale_b;
	uint64_t	ba = (uint64_t) bound_a + fx_pow10_bits(s - scale_a);
	uint64_t	bb = (uint64_t) bound_b + fx_pow10_bits(s - scale_b);
	uint64_t	b = (ba > bb ? ba : bb) + 1;
	mpc_status	st;

	if ((st = fx_check_bound(pk, b, sub ? "the difference" : "the sum", err)) != MPC_OK)
		return st;
	*scale = s;
	*bound = (uint32_t) b;
	return MPC_OK;
}

mpc_status
fx_add(const pai_pub *pk, fx_ct *out, fx_ct *a, fx_ct *b, int sub, mpc_error *err)
{
	int			scale;
	uint32_t	bound;
	mpc_status	st;

	/* check the result before lifting either operand */
	if ((st = fx_add_result(pk, a->scale, a->bound, b->scale, b->bound, sub, &scale, &bound,
							err)) != MPC_OK ||
		(st = fx_lift(pk, a, scale, err)) != MPC_OK ||
		(st = fx_lift(pk, b, scale, err)) != MPC_OK)
		return st;
	if (sub)
	{
		if ((st = pai_sub(pk, out->c, a->c, b->c, err)) != MPC_OK)
			return st;
	}
	else
		pai_add(pk, out->c, a->c, b->c);
	out->scale = scale;
	out->bound = bound;
	return MPC_OK;
}

mpc_status
fx_neg(const pai_pub *pk, fx_ct *out, const fx_ct *a, mpc_error *err)
{
	mpc_status	st;

	if ((st = pai_neg(pk, out->c, a->c, err)) != MPC_OK)
		return st;
	out->scale = a->scale;
	out->bound = a->bound;
	return MPC_OK;
}

mpc_status
fx_add_plain(const pai_pub *pk, fx_ct *out, fx_ct *a, const mpz_t k, int f, mpc_error *err)
{
	int			scale = a->scale > f ? a->scale : f;
	uint64_t	ba = (uint64_t) a->bound + fx_pow10_bits(scale - a->scale);
	uint64_t	bk,
				bound;
	mpz_t		kk, m;
	mpc_status	st;

	if ((st = enc_check_scale(f, err)) != MPC_OK)
		return st;
	/* the plaintext's own size is checked before it is scaled up */
	if (mpz_sizeinbase(k, 2) > (size_t) fx_limit(pk))
		return fx_check_bound(pk, (uint64_t) mpz_sizeinbase(k, 2), "the plaintext operand", err);
	mpz_inits(kk, m, NULL);
	mpz_ui_pow_ui(kk, 10, (unsigned long) (scale - f));
	mpz_mul(kk, kk, k);
	bk = fx_ceil_log2(kk);
	bound = (ba > bk ? ba : bk) + 1;
	if ((st = fx_check_bound(pk, bound, "the sum", err)) == MPC_OK &&
		(st = fx_lift(pk, a, scale, err)) == MPC_OK &&
		(st = enc_to_residue(pk, m, kk, err)) == MPC_OK)
	{
		pai_add_plain(pk, out->c, a->c, m);
		out->scale = scale;
		out->bound = (uint32_t) bound;
	}
	mpz_clears(kk, m, NULL);
	return st;
}

mpc_status
fx_mul_result(const pai_pub *pk, const fx_ct *a, uint32_t kbits, int f, int *scale,
			  uint32_t *bound, mpc_error *err)
{
	uint64_t	b = (uint64_t) a->bound + kbits;
	mpc_status	st;

	if (f < 0 || a->scale + f > PAI_MAX_SCALE)
		return mpc_fail(err, MPC_ERR_OVERFLOW, "result scale %d exceeds the maximum of %d",
						a->scale + f, PAI_MAX_SCALE);
	if ((st = fx_check_bound(pk, b, "the product", err)) != MPC_OK)
		return st;
	*scale = a->scale + f;
	*bound = (uint32_t) b;
	return MPC_OK;
}

mpc_status
fx_mul_plain(const pai_pub *pk, fx_ct *out, const fx_ct *a, const mpz_t k, int f,
			 mpc_error *err)
{
	int			scale;
	uint32_t	bound;
	size_t		kbits = mpz_sgn(k) == 0 ? 0 : mpz_sizeinbase(k, 2);
	mpc_status	st;

	if (kbits > (size_t) fx_limit(pk))
		return fx_check_bound(pk, (uint64_t) a->bound + kbits, "the product", err);
	if ((st = fx_mul_result(pk, a, (uint32_t) kbits, f, &scale, &bound, err)) != MPC_OK ||
		(st = pai_mul_scalar(pk, out->c, a->c, k, err)) != MPC_OK)
		return st;
	out->scale = scale;
	out->bound = bound;
	return MPC_OK;
}

void
fx_sum_init(fx_sum *s, uint32_t limit, int scale)
{
	mpz_init_set_ui(s->acc, 1);
	s->scale = scale;
	s->max_bound = 0;
	s->count = 0;
	s->limit = limit;
}

void
fx_sum_clear(fx_sum *s)
{
	mpz_clear(s->acc);
}

uint32_t
fx_sum_bound(const fx_sum *s)
{
	return s->max_bound + fx_ceil_log2_u64(s->count);
}

/* the bound and count of a sum that takes 'count' more terms, the largest
 * term bound becoming m: checked, then stored */
static mpc_status
sum_count(fx_sum *s, uint64_t m, uint64_t count, mpc_error *err)
{
	uint64_t	total,
				bound;

	if (count == 0 || s->count > UINT64_MAX - count)
		return mpc_fail(err, MPC_ERR_ARG, "bad count of terms");
	total = s->count + count;
	bound = m + fx_ceil_log2_u64(total);
	if (bound > s->limit)
		return mpc_fail(err, MPC_ERR_OVERFLOW,
						"the sum could overflow: %llu terms of magnitude up to 2^%llu need 2^%llu, and the key holds at most 2^%u",
						(unsigned long long) total, (unsigned long long) m,
						(unsigned long long) bound, s->limit);
	s->max_bound = (uint32_t) m;
	s->count = total;
	return MPC_OK;
}

mpc_status
fx_sum_account(fx_sum *s, int scale, uint32_t max_bound, uint64_t count, mpc_error *err)
{
	if (scale != s->scale)
		return mpc_fail(err, MPC_ERR_ARG, "term at scale %d, sum at scale %d", scale, s->scale);
	return sum_count(s, s->max_bound > max_bound ? s->max_bound : max_bound, count, err);
}

mpc_status
fx_sum_add(fx_sum *s, const mpz_t n2, mpz_t c, int scale, uint32_t max_bound, uint64_t count,
		   mpc_error *err)
{
	int			to = s->scale > scale ? s->scale : scale;
	uint64_t	ms = (uint64_t) s->max_bound + fx_pow10_bits(to - s->scale);
	uint64_t	mc = (uint64_t) max_bound + fx_pow10_bits(to - scale);
	mpc_status	st;

	if (to > PAI_MAX_SCALE)
		return mpc_fail(err, MPC_ERR_ARG, "scale %d exceeds the maximum of %d", to, PAI_MAX_SCALE);
	if ((st = sum_count(s, ms > mc ? ms : mc, count, err)) != MPC_OK)
		return st;
	pow10_mod(s->acc, to - s->scale, n2);
	pow10_mod(c, to - scale, n2);
	mpz_mul(s->acc, s->acc, c);
	mpz_mod(s->acc, s->acc, n2);
	s->scale = to;
	return MPC_OK;
}

mpc_status
fx_from_base16(const pai_pub *pk, mpz_t c, long e, int *scale, mpc_error *err)
{
	mpz_t		k;
	long		s = e >= 0 ? 0 : -4 * e;
	mpc_status	st;

	if (e > 64)
		return mpc_fail(err, MPC_ERR_ARG, "the exponent \"e\" is larger than 64");
	if (s > PAI_MAX_SCALE)
		return mpc_fail(err, MPC_ERR_ARG,
						"the exponent \"e\" = %ld needs a decimal scale beyond %d", e, PAI_MAX_SCALE);
	mpz_init(k);
	/* m 16^e for e >= 0; m 16^e = m 5^s / 10^s with s = -4e otherwise */
	if (e >= 0)
		mpz_ui_pow_ui(k, 16, (unsigned long) e);
	else
		mpz_ui_pow_ui(k, 5, (unsigned long) s);
	st = pai_mul_scalar(pk, c, c, k, err);
	mpz_clear(k);
	if (st == MPC_OK)
		*scale = (int) s;
	return st;
}

size_t
fx_mul_many_bytes(const pai_pub *pk, size_t maxbits, size_t count, int constant_time,
				  size_t max_bytes, unsigned *window)
{
	size_t		modbits = mpz_sizeinbase(pk->n2, 2);
	unsigned	w;

	*window = 0;
	if (count < FX_MANY_MIN_TABLE || maxbits == 0)
		return 0;				/* too few to pay for a table */
	w = fb_best_window(maxbits, count, 10, constant_time ? FX_MANY_SCAN_WEIGHT : 0.0);
	while (w > 1 && fb_table_bytes(modbits, maxbits, w) > max_bytes)
		w--;
	*window = w;
	return fb_table_bytes(modbits, maxbits, w);
}

mpc_status
fx_mul_many(const pai_pub *pk, const mpz_t c, const mpz_t *k, const unsigned char *skip,
			size_t n, int constant_time, void *buf, size_t bytes, unsigned window,
			size_t maxbits, mpz_t *out, mpc_error *err)
{
	fb_table	tab;
	mpz_t		a;
	size_t		i;
	mpc_status	st = MPC_OK;

	if ((st = pai_check_ciphertext(pk, c, 1, err)) != MPC_OK)
		return st;
	for (i = 0; i < n; i++)
		if (!skip[i] && mpz_sizeinbase(k[i], 2) > maxbits && mpz_sgn(k[i]) != 0)
			return mpc_fail(err, MPC_ERR_ARG, "scalar %zu has more than %zu bits", i + 1, maxbits);
	if (buf == NULL)
	{
		for (i = 0; i < n && st == MPC_OK; i++)
			if (!skip[i])
				st = pai_mul_scalar(pk, out[i], c, k[i], err);
		return st;
	}
	if ((st = fb_table_init(&tab, buf, bytes, c, pk->n2, maxbits, window, err)) != MPC_OK)
		return st;
	mpz_init(a);
	for (i = 0; i < n && st == MPC_OK; i++)
	{
		if (skip[i])
			continue;
		if (mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			break;
		}
		mpz_abs(a, k[i]);
		st = constant_time ? fb_pow(&tab, out[i], a, err) : fb_pow_vartime(&tab, out[i], a, err);
		/* Enc(v)^-|k|: the sign of a scalar is not hidden by timing */
		if (st == MPC_OK && mpz_sgn(k[i]) < 0)
			st = pai_neg(pk, out[i], out[i], err);
	}
	/* |k| is the caller's secret */
	mpc_wipe(a->_mp_d, (size_t) a->_mp_alloc * sizeof(mp_limb_t));
	mpz_clear(a);
	return st;
}
