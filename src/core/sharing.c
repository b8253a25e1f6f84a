/*
 * sharing.c: Shamir sharing over F_P, P = 2^521 - 1.
 *
 * Everything that comes from outside is checked before GMP sees it: counts,
 * thresholds, points, and field membership of every value.
 */
#include "sharing.h"

#include <stdlib.h>
#include <string.h>

#include "serial.h"

void
shamir_prime(mpz_t p)
{
	mpz_set_ui(p, 0);
	mpz_setbit(p, SHAMIR_PRIME_BITS);
	mpz_sub_ui(p, p, 1);
}

int
shamir_in_field(const mpz_t y)
{
	/* 0 <= y < 2^521 - 1, i.e. at most 521 bits and not all ones */
	if (mpz_sgn(y) < 0)
		return 0;
	if (mpz_sizeinbase(y, 2) > SHAMIR_PRIME_BITS)
		return 0;
	if (mpz_sizeinbase(y, 2) == SHAMIR_PRIME_BITS &&
		mpz_scan0(y, 0) == SHAMIR_PRIME_BITS)
		return 0;
	return 1;
}

mpc_status
shamir_signed_to_field(const mpz_t v, mpz_t out, mpc_error *err)
{
	mpz_t		p;

	/* (P-1)/2 = 2^520 - 1: |v| fits iff it has at most 520 bits */
	if (mpz_sgn(v) != 0 && mpz_sizeinbase(v, 2) > SHAMIR_PRIME_BITS - 1)
		return mpc_fail(err, MPC_ERR_OVERFLOW,
						"value is outside the field: its absolute value must be at most 2^520 - 1");
	mpz_init(p);
	shamir_prime(p);
	mpz_mod(out, v, p);
	mpz_clear(p);
	return MPC_OK;
}

void
shamir_field_to_signed(const mpz_t y, mpz_t out)
{
	mpz_t		p;

	mpz_init(p);
	shamir_prime(p);
	/* y > (P-1)/2 = 2^520 - 1 iff bit 520 is set */
	if (mpz_sizeinbase(y, 2) > SHAMIR_PRIME_BITS - 1 && mpz_sgn(y) > 0)
		mpz_sub(out, y, p);
	else
		mpz_set(out, y);
	mpz_clear(p);
}

/* A uniform element of [0, P) from the random source. */
static mpc_status
random_field_element(mpz_t out, mpc_error *err)
{
	uint8_t		buf[SHAMIR_Y_BYTES];
	mpc_status	st;

	for (;;)
	{
		st = mpc_random_bytes(buf, sizeof(buf), err);
		if (st != MPC_OK)
			break;
		/* keep 521 bits: 65 whole bytes plus the low bit of the first */
		buf[0] &= 0x01;
		ser_from_bytes(out, buf, sizeof(buf));
		if (shamir_in_field(out))
			break;
		/* only 2^521 - 1 itself is rejected */
	}
	mpc_wipe(buf, sizeof(buf));
	return st;
}

mpc_status
shamir_split(const mpz_t secret, int n, int t, mpz_t *ys, mpc_error *err)
{
	mpz_t		p,
				acc;
	mpz_t	   *coef;
	mpc_status	st = MPC_OK;
	int			i,
				j;

	if (n < 1 || n > SHAMIR_MAX_N)
		return mpc_fail(err, MPC_ERR_ARG, "n must be between 1 and %d", SHAMIR_MAX_N);
	if (t < 1)
		return mpc_fail(err, MPC_ERR_ARG, "t must be at least 1");
	if (t > n)
		return mpc_fail(err, MPC_ERR_ARG, "t must not exceed n");
	if (!shamir_in_field(secret))
		return mpc_fail(err, MPC_ERR_OVERFLOW, "secret is outside the field");

	coef = malloc(sizeof(mpz_t) * (size_t) t);
	if (coef == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	mpz_inits(p, acc, NULL);
	shamir_prime(p);
	for (j = 0; j < t; j++)
		mpz_init(coef[j]);
	mpz_set(coef[0], secret);
	for (j = 1; j < t && st == MPC_OK; j++)
		st = random_field_element(coef[j], err);

	/* Horner: f(x) = (((a_{t-1} x + a_{t-2}) x + ...) x + a_0) mod P */
	for (i = 0; i < n && st == MPC_OK; i++)
	{
		if ((i & 63) == 63 && mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			break;
		}
		mpz_set(acc, coef[t - 1]);
		for (j = t - 2; j >= 0; j--)
		{
			mpz_mul_ui(acc, acc, (unsigned long) (i + 1));
			mpz_add(acc, acc, coef[j]);
			mpz_mod(acc, acc, p);
		}
		mpz_mod(ys[i], acc, p);
	}

	/* the coefficients determine the secret: clear them (mpz_clear alone
	 * does not wipe outside the server, where no wiping allocator runs) */
	for (j = 0; j < t; j++)
	{
		mpz_set_ui(coef[j], 0);
		mpc_wipe(coef[j]->_mp_d, sizeof(mp_limb_t) * (size_t) coef[j]->_mp_alloc);
		mpz_clear(coef[j]);
	}
	mpc_wipe(acc->_mp_d, sizeof(mp_limb_t) * (size_t) acc->_mp_alloc);
	mpz_clears(p, acc, NULL);
	free(coef);
	return st;
}

static int
cmp_int32(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a,
				y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

/*
 * f(u) for the polynomial through the first t shares, in barycentric form:
 * f(u) = L(u) * sum_j y_j w_j / (u - x_j), L(u) = prod_m (u - x_m), with u
 * not one of the points.  The t divisions share one inversion (prefix
 * products), so an evaluation costs O(t).  tmp holds t scratch values.
 */
static mpc_status
eval_at(int t, const int32_t *xs, mpz_t *ys, mpz_t *w, mpz_t *tmp, long u,
		const mpz_t p, mpz_t out, mpc_error *err)
{
	mpz_t		d,
				inv,
				lu,
				term;
	int			j;
	mpc_status	st = MPC_OK;

	mpz_inits(d, inv, lu, term, NULL);
	/* tmp[j] = prod_{m <= j} (u - x_m) */
	for (j = 0; j < t; j++)
	{
		mpz_set_si(d, u - (long) xs[j]);
		mpz_mod(d, d, p);
		if (j == 0)
			mpz_set(tmp[0], d);
		else
		{
			mpz_mul(tmp[j], tmp[j - 1], d);
			mpz_mod(tmp[j], tmp[j], p);
		}
	}
	mpz_set(lu, tmp[t - 1]);
	if (mpz_invert(inv, lu, p) == 0)
		st = mpc_fail(err, MPC_ERR_INTERNAL, "evaluation point coincides with a share point");
	mpz_set_ui(out, 0);
	for (j = t - 1; j >= 0 && st == MPC_OK; j--)
	{
		/* inv = 1 / prod_{m <= j} (u - x_m); 1/(u - x_j) = inv * tmp[j-1] */
		if (j > 0)
			mpz_mul(term, inv, tmp[j - 1]);
		else
			mpz_set(term, inv);
		mpz_mod(term, term, p);
		mpz_mul(term, term, w[j]);
		mpz_mod(term, term, p);
		mpz_mul(term, term, ys[j]);
		mpz_add(out, out, term);
		mpz_mod(out, out, p);
		mpz_set_si(d, u - (long) xs[j]);
		mpz_mod(d, d, p);
		mpz_mul(inv, inv, d);
		mpz_mod(inv, inv, p);
	}
	if (st == MPC_OK)
	{
		mpz_mul(out, out, lu);
		mpz_mod(out, out, p);
	}
	mpc_wipe(term->_mp_d, sizeof(mp_limb_t) * (size_t) term->_mp_alloc);
	mpz_clears(d, inv, lu, term, NULL);
	return st;
}

/*
 * Interpolate the first t of k checked shares: f(0) into secret, then
 * check that every further share lies on the same polynomial.
 */
static mpc_status
interpolate(int k, int t, const int32_t *xs, mpz_t *ys, mpz_t secret,
			mpc_error *err)
{
	mpz_t		p,
				den,
				diff,
				f0,
				fe;
	mpz_t	   *w,
			   *tmp;
	int			i,
				j,
				e;
	mpc_status	st = MPC_OK;

	w = malloc(sizeof(mpz_t) * (size_t) t);
	tmp = malloc(sizeof(mpz_t) * (size_t) t);
	if (w == NULL || tmp == NULL)
	{
		free(w);
		free(tmp);
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	}
	mpz_inits(p, den, diff, f0, fe, NULL);
	shamir_prime(p);
	for (j = 0; j < t; j++)
		mpz_inits(w[j], tmp[j], NULL);

	/* barycentric weights w_j = 1 / prod_{m != j} (x_j - x_m) */
	for (j = 0; j < t && st == MPC_OK; j++)
	{
		if ((j & 63) == 63 && mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			break;
		}
		mpz_set_ui(den, 1);
		for (i = 0; i < t; i++)
		{
			if (i == j)
				continue;
			mpz_set_si(diff, (long) xs[j] - (long) xs[i]);
			mpz_mul(den, den, diff);
			mpz_mod(den, den, p);
		}
		/* a product of non-zero values below P: invertible */
		if (mpz_invert(w[j], den, p) == 0)
			st = mpc_fail(err, MPC_ERR_INTERNAL, "Lagrange denominator is not invertible");
	}
	if (st == MPC_OK)
		st = eval_at(t, xs, ys, w, tmp, 0, p, f0, err);

	/* any t shares determine f; the others must agree with it */
	for (e = t; e < k && st == MPC_OK; e++)
	{
		if ((e & 63) == 63 && mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			break;
		}
		st = eval_at(t, xs, ys, w, tmp, (long) xs[e], p, fe, err);
		if (st == MPC_OK && mpz_cmp(fe, ys[e]) != 0)
			st = mpc_fail(err, MPC_ERR_ARG,
						  "shares are inconsistent: the %d shares given do not lie on one polynomial of degree %d",
						  k, t - 1);
	}
	if (st == MPC_OK)
		mpz_set(secret, f0);

	for (j = 0; j < t; j++)
	{
		mpc_wipe(tmp[j]->_mp_d, sizeof(mp_limb_t) * (size_t) tmp[j]->_mp_alloc);
		mpz_clears(w[j], tmp[j], NULL);
	}
	free(w);
	free(tmp);
	mpc_wipe(f0->_mp_d, sizeof(mp_limb_t) * (size_t) f0->_mp_alloc);
	mpc_wipe(fe->_mp_d, sizeof(mp_limb_t) * (size_t) fe->_mp_alloc);
	mpz_clears(p, den, diff, f0, fe, NULL);
	return st;
}

mpc_status
shamir_combine(int k, const int32_t *xs, const int32_t *ts, mpz_t *ys,
			   mpz_t secret, mpc_error *err)
{
	int32_t		t;
	int32_t    *sorted;
	int			i;
	mpc_status	st;

	if (k < 1)
		return mpc_fail(err, MPC_ERR_ARG, "no shares to combine");
	if (k > SHAMIR_MAX_N)
		return mpc_fail(err, MPC_ERR_ARG, "too many shares: at most %d can be combined", SHAMIR_MAX_N);
	t = ts[0];
	for (i = 0; i < k; i++)
	{
		if (ts[i] < 1 || ts[i] > SHAMIR_MAX_N)
			return mpc_fail(err, MPC_ERR_ARG, "share %d has an invalid threshold %d", i + 1, (int) ts[i]);
		if (ts[i] != t)
			return mpc_fail(err, MPC_ERR_ARG,
							"shares have different thresholds (%d and %d)", (int) t, (int) ts[i]);
		if (xs[i] < 1)
			return mpc_fail(err, MPC_ERR_ARG, "share %d has an invalid point x = %d", i + 1, (int) xs[i]);
		if (!shamir_in_field(ys[i]))
			return mpc_fail(err, MPC_ERR_OVERFLOW, "share %d is outside the field", i + 1);
	}
	if (k < t)
		return mpc_fail(err, MPC_ERR_ARG,
						"fewer than t shares: got %d, the threshold is %d", k, (int) t);

	sorted = malloc(sizeof(int32_t) * (size_t) k);
	if (sorted == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	memcpy(sorted, xs, sizeof(int32_t) * (size_t) k);
	qsort(sorted, (size_t) k, sizeof(int32_t), cmp_int32);
	for (i = 1; i < k; i++)
		if (sorted[i] == sorted[i - 1])
		{
			int32_t		dup = sorted[i];

			free(sorted);
			return mpc_fail(err, MPC_ERR_ARG, "duplicate share point x = %d", (int) dup);
		}
	free(sorted);

	st = interpolate(k, t, xs, ys, secret, err);
	return st;
}

mpc_status
shamir_add(int32_t x1, int32_t t1, const mpz_t y1,
		   int32_t x2, int32_t t2, const mpz_t y2,
		   mpz_t out, mpc_error *err)
{
	mpz_t		p;

	if (x1 != x2)
		return mpc_fail(err, MPC_ERR_KEY_MISMATCH,
						"cannot add shares at different points (x = %d and x = %d)", (int) x1, (int) x2);
	if (t1 != t2)
		return mpc_fail(err, MPC_ERR_KEY_MISMATCH,
						"cannot add shares with different thresholds (%d and %d)", (int) t1, (int) t2);
	if (!shamir_in_field(y1) || !shamir_in_field(y2))
		return mpc_fail(err, MPC_ERR_OVERFLOW, "share is outside the field");
	mpz_init(p);
	shamir_prime(p);
	mpz_add(out, y1, y2);
	if (mpz_cmp(out, p) >= 0)
		mpz_sub(out, out, p);
	mpz_clear(p);
	return MPC_OK;
}

