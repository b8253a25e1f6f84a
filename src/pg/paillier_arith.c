/*
 * paillier_arith.c: homomorphic operators on paillier_ciphertext.
 *
 * Scales: a ciphertext at scale s holds value * 10^s.  Combining two
 * ciphertexts first lifts the smaller scale exactly (a scalar
 * multiplication by 10^d).  A plaintext operand's scale is its count of
 * significant fractional digits.  Result scales:
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

void
mpc_rescale(const pai_pub *pk, mpz_t c, int d)
{
	mpz_t		e;

	if (d <= 0)
		return;
	mpz_init(e);
	mpz_ui_pow_ui(e, 10, (unsigned long) d);
	mpz_powm(c, c, e, pk->n2);
	mpz_clear(e);
}

static void
check_scale(int scale, const char *what)
{
	if (scale > PAI_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: result scale %d exceeds the maximum of %d", what, scale, PAI_MAX_SCALE)));
}

/* Both operands under one key, loaded and lifted to a common scale. */
static const pai_pub *
load_pair(PaillierCiphertext *a, PaillierCiphertext *b, mpz_t ca, mpz_t cb, int *scale,
		  const char *what)
{
	const pai_pub *pk;

	mpc_check_ct(a);
	mpc_check_ct(b);
	mpc_require_same_key(a->fp, CT_N(a), a->nbytes, b->fp, CT_N(b), b->nbytes, what);
	pk = mpc_ct_key(a);
	mpc_ct_get(a, ca);
	mpc_ct_get(b, cb);
	if (a->scale < b->scale)
		mpc_rescale(pk, ca, b->scale - a->scale);
	else
		mpc_rescale(pk, cb, a->scale - b->scale);
	*scale = Max(a->scale, b->scale);
	return pk;
}

/* paillier_ciphertext + paillier_ciphertext */
MPC_FUNCTION(paillier_ct_add)
{
	mpz_t		ca, cb;
	int			scale;
	const pai_pub *pk;

	mpz_inits(ca, cb, NULL);
	pk = load_pair(PG_GETARG_PAILLIER_CT_P(0), PG_GETARG_PAILLIER_CT_P(1), ca, cb, &scale,
				   "paillier_ciphertext + paillier_ciphertext");
	pai_add(pk, ca, ca, cb);
	PG_RETURN_POINTER(mpc_make_ct(pk, scale, ca));
}

/* paillier_ciphertext - paillier_ciphertext */
MPC_FUNCTION(paillier_ct_sub)
{
	mpz_t		ca, cb;
	int			scale;
	const pai_pub *pk;
	mpc_error	err;

	mpz_inits(ca, cb, NULL);
	pk = load_pair(PG_GETARG_PAILLIER_CT_P(0), PG_GETARG_PAILLIER_CT_P(1), ca, cb, &scale,
				   "paillier_ciphertext - paillier_ciphertext");
	if (pai_sub(pk, ca, ca, cb, &err) != MPC_OK)
		mpc_raise(&err, "paillier_ciphertext - paillier_ciphertext");
	PG_RETURN_POINTER(mpc_make_ct(pk, scale, ca));
}

/* - paillier_ciphertext */
MPC_FUNCTION(paillier_ct_neg)
{
	PaillierCiphertext *a = PG_GETARG_PAILLIER_CT_P(0);
	const pai_pub *pk = mpc_ct_key(a);
	mpz_t		c;
	mpc_error	err;

	mpz_init(c);
	mpc_ct_get(a, c);
	if (pai_neg(pk, c, c, &err) != MPC_OK)
		mpc_raise(&err, "- paillier_ciphertext");
	PG_RETURN_POINTER(mpc_make_ct(pk, a->scale, c));
}

/* ct + sign * k, with k a numeric */
static Datum
add_plain(PaillierCiphertext *a, Datum num, int sign, const char *what)
{
	const pai_pub *pk = mpc_ct_key(a);
	mpz_t		c, k, m;
	int			f,
				scale;
	mpc_error	err;

	mpz_inits(c, k, m, NULL);
	mpc_numeric_to_scaled(num, k, &f, what);
	if (sign < 0)
		mpz_neg(k, k);
	mpc_ct_get(a, c);
	scale = Max(a->scale, f);
	mpc_rescale(pk, c, scale - a->scale);
	if (scale > f)
	{
		mpz_t		p;

		mpz_init(p);
		mpz_ui_pow_ui(p, 10, (unsigned long) (scale - f));
		mpz_mul(k, k, p);
		mpz_clear(p);
	}
	/* the plaintext must itself be a valid signed value */
	if (enc_to_residue(pk, m, k, &err) != MPC_OK)
		mpc_raise(&err, what);
	pai_add_plain(pk, c, c, m);
	return PointerGetDatum(mpc_make_ct(pk, scale, c));
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
	const pai_pub *pk = mpc_ct_key(a);
	mpz_t		c, k;
	int			f;
	mpc_error	err;

	mpz_inits(c, k, NULL);
	mpc_numeric_to_scaled(num, k, &f, what);
	check_scale(a->scale + f, what);
	if (mpz_cmpabs(k, pk->max_int) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: scalar is out of range for this key", what)));
	mpc_ct_get(a, c);
	if (pai_mul_scalar(pk, c, c, k, &err) != MPC_OK)
		mpc_raise(&err, what);
	return PointerGetDatum(mpc_make_ct(pk, a->scale + f, c));
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
	PaillierCiphertext *a = PG_GETARG_PAILLIER_CT_P(0);
	const pai_pub *pk = mpc_ct_key(a);
	mpz_t		c;

	mpz_init(c);
	mpc_ct_get(a, c);
	mpc_rerandomize(pk, c, c);
	PG_RETURN_POINTER(mpc_make_ct(pk, a->scale, c));
}
