/*
 * paillier_arith.c: homomorphic operators on paillier_ciphertext.
 *
 * The fixed-point rules (result scales, lifting, magnitude bounds and the
 * overflow checks) are the core's (fixedpoint.h); this file converts the
 * operands, calls it and builds the result.  A plaintext operand's scale is
 * its count of significant fractional digits.  Result scales:
 *   ct + ct, ct - ct          max(s1, s2)
 *   - ct                      s
 *   ct + numeric, ct - numeric  max(s, f)
 *   ct * numeric              s + f
 * Results are deterministic functions of their inputs (these operators are
 * IMMUTABLE); call paillier_rerandomize() before a result leaves the party
 * that computed it.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/numeric.h"

#include "encoding.h"
#include "paillier_glue.h"


void
mpc_numeric_to_scaled(Datum num, mpz_t k, int *f, const char *what)
{
	Numeric		n = DatumGetNumeric(num);
	char	   *s;
	char	   *dot;
	mpc_error	err;
	int			frac = 0;

	if (numeric_is_nan(n) || numeric_is_inf(n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: NaN and infinity are not valid operands", what)));
	s = DatumGetCString(DirectFunctionCall1(numeric_out, num));
	dot = strchr(s, '.');
	if (dot != NULL)
	{
		char	   *end = s + strlen(s) - 1;

		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*dot = '\0';
		else
			frac = (int) (end - dot);
	}
	if (frac > PAI_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: operand has more than %d fractional digits", what, PAI_MAX_SCALE)));
	if (enc_parse_decimal(s, frac, k, &err) != MPC_OK)
		mpc_raise(&err, what);
	*f = frac;
}

void
mpc_rerandomize(const pai_pub *pk, mpz_t out, const mpz_t in)
{
	mpc_error	err;

	if (mpc_rerandomize_fast(pk, out, in, &err) != MPC_OK)
		mpc_raise(&err, "paillier_rerandomize");
}

/*
 * ct + ct at equal scales on IFMA: the product mod n^2 straight from the
 * stored big-endian bytes into the result's (ifma_mulmod_be), with the
 * key's n^2 context cached beside the key.  NULL when IFMA is off or a
 * stored c is not below n^2 (corrupted; the GMP path then handles it as it
 * always has).  Same key already checked.
 */
static PaillierCiphertext *
add_ct_ifma(PaillierCiphertext *a, PaillierCiphertext *b, const char *what)
{
	const pai_pub *pk = mpc_ct_key(a);
	const uint8 *n2be;
	const ifma_ctx *ictx = mpc_pub_ifma_n2(pk, &n2be);
	Size		len = 2 * CT_NBYTES(a);
	PaillierCiphertext *r;
	int			scale;
	uint32		bound;
	mpc_error	err;

	if (ictx == NULL || memcmp(CT_C(a), n2be, len) >= 0 || memcmp(CT_C(b), n2be, len) >= 0)
		return NULL;
	if (fx_add_result(pk, CT_SCALE(a), mpc_ct_bound(a), CT_SCALE(b), mpc_ct_bound(b), 0,
					  &scale, &bound, &err) != MPC_OK)
		mpc_raise_fx(&err, what);
	r = mpc_new_ct(pk, scale, bound);
	ifma_mulmod_be(ictx, (uint8 *) CT_C(r), CT_C(a), CT_C(b), len);
	return r;
}

/* ct + ct and ct - ct: both operands under one key */
static Datum
add_ct(PaillierCiphertext *a, PaillierCiphertext *b, int sub, const char *what)
{
	fx_ct		xa, xb;
	const pai_pub *pk;
	mpc_error	err;

	fx_init(&xa);
	fx_init(&xb);
	mpc_check_ct(a);
	mpc_check_ct(b);
	mpc_require_same_key(CT_FP(a), CT_N(a), CT_NBYTES(a), CT_FP(b), CT_N(b), CT_NBYTES(b), what);
	if (!sub && CT_SCALE(a) == CT_SCALE(b))
	{
		PaillierCiphertext *r = add_ct_ifma(a, b, what);

		if (r != NULL)
			return PointerGetDatum(r);
	}
	pk = mpc_ct_load(a, &xa);
	mpc_ct_load(b, &xb);
	if (fx_add(pk, &xa, &xa, &xb, sub, &err) != MPC_OK)
		mpc_raise_fx(&err, what);
	return PointerGetDatum(mpc_make_fx(pk, &xa));
}

/* paillier_ciphertext + paillier_ciphertext */
MPC_FUNCTION(paillier_ct_add)
{
	return add_ct(PG_GETARG_PAILLIER_CT_P(0), PG_GETARG_PAILLIER_CT_P(1), 0,
				  "paillier_ciphertext + paillier_ciphertext");
}

/* paillier_ciphertext - paillier_ciphertext */
MPC_FUNCTION(paillier_ct_sub)
{
	return add_ct(PG_GETARG_PAILLIER_CT_P(0), PG_GETARG_PAILLIER_CT_P(1), 1,
				  "paillier_ciphertext - paillier_ciphertext");
}

/* - paillier_ciphertext */
MPC_FUNCTION(paillier_ct_neg)
{
	fx_ct		x;
	const pai_pub *pk;
	mpc_error	err;

	fx_init(&x);
	pk = mpc_ct_load(PG_GETARG_PAILLIER_CT_P(0), &x);
	if (fx_neg(pk, &x, &x, &err) != MPC_OK)
		mpc_raise_fx(&err, "- paillier_ciphertext");
	PG_RETURN_POINTER(mpc_make_fx(pk, &x));
}

/* ct + sign * k, with k a numeric */
static Datum
add_plain(PaillierCiphertext *a, Datum num, int sign, const char *what)
{
	fx_ct		x;
	const pai_pub *pk;
	mpz_t		k;
	int			f;
	mpc_error	err;

	fx_init(&x);
	mpz_init(k);
	mpc_numeric_to_scaled(num, k, &f, what);
	if (sign < 0)
		mpz_neg(k, k);
	pk = mpc_ct_load(a, &x);
	if (fx_add_plain(pk, &x, &x, k, f, &err) != MPC_OK)
		mpc_raise_fx(&err, what);
	return PointerGetDatum(mpc_make_fx(pk, &x));
}

MPC_FUNCTION(paillier_ct_add_plain)
{
	return add_plain(PG_GETARG_PAILLIER_CT_P(0), PG_GETARG_DATUM(1), 1,
					 "paillier_ciphertext + numeric");
}

MPC_FUNCTION(paillier_plain_add_ct)
{
	return add_plain(PG_GETARG_PAILLIER_CT_P(1), PG_GETARG_DATUM(0), 1,
					 "numeric + paillier_ciphertext");
}

MPC_FUNCTION(paillier_ct_sub_plain)
{
	return add_plain(PG_GETARG_PAILLIER_CT_P(0), PG_GETARG_DATUM(1), -1,
					 "paillier_ciphertext - numeric");
}

/* ct * k: a fractional k adds its digits to the scale */
static Datum
mul_scalar(PaillierCiphertext *a, Datum num, const char *what)
{
	fx_ct		x;
	const pai_pub *pk;
	mpz_t		k;
	int			f;
	mpc_error	err;

	fx_init(&x);
	mpz_init(k);
	mpc_numeric_to_scaled(num, k, &f, what);
	pk = mpc_ct_load(a, &x);
	if (fx_mul_plain(pk, &x, &x, k, f, &err) != MPC_OK)
		mpc_raise_fx(&err, what);
	return PointerGetDatum(mpc_make_fx(pk, &x));
}

MPC_FUNCTION(paillier_ct_mul)
{
	return mul_scalar(PG_GETARG_PAILLIER_CT_P(0), PG_GETARG_DATUM(1),
					  "paillier_ciphertext * numeric");
}

MPC_FUNCTION(paillier_mul_ct)
{
	return mul_scalar(PG_GETARG_PAILLIER_CT_P(1), PG_GETARG_DATUM(0),
					  "numeric * paillier_ciphertext");
}

/* paillier_rerandomize(paillier_ciphertext) RETURNS paillier_ciphertext */
MPC_FUNCTION(paillier_rerandomize)
{
	fx_ct		x;
	const pai_pub *pk;

	fx_init(&x);
	pk = mpc_ct_load(PG_GETARG_PAILLIER_CT_P(0), &x);
	mpc_rerandomize(pk, x.c, x.c);
	PG_RETURN_POINTER(mpc_make_fx(pk, &x));
}
