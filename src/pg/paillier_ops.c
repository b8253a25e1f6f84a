/*
 * paillier_ops.c: key generation, encryption, decryption and key metadata.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "encoding.h"
#include "paillier_glue.h"
#include "serial.h"


/* paillier_keygen(bits integer DEFAULT 3072) RETURNS paillier_privkey */
MPC_FUNCTION(paillier_keygen)
{
	int32		bits = PG_GETARG_INT32(0);
	pai_priv	sk;
	mpc_error	err;
	mpc_status	st;
	PaillierPrivkey *v;

	if (bits < PAI_KEYGEN_MIN_BITS || bits > PAI_KEYGEN_MAX_BITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("paillier_keygen: key size must be between %d and %d bits, got %d",
						PAI_KEYGEN_MIN_BITS, PAI_KEYGEN_MAX_BITS, bits)));
	CORE_CALL(st, pai_keygen(&sk, (size_t) bits, PAI_KEYGEN_MIN_BITS, &err));
	if (st != MPC_OK)
		mpc_raise(&err, "paillier_keygen");
	v = mpc_make_privkey(&sk);
	pai_priv_clear(&sk);
	PG_RETURN_POINTER(v);
}

/* paillier_pubkey(paillier_privkey) RETURNS paillier_pubkey */
MPC_FUNCTION(paillier_pubkey_of_priv)
{
	const pai_priv *sk = mpc_privkey_get(PG_GETARG_PAILLIER_PRIVKEY_P(0));

	PG_RETURN_POINTER(mpc_make_pubkey(&sk->pub));
}

/* paillier_pubkey(paillier_ciphertext) RETURNS paillier_pubkey */
MPC_FUNCTION(paillier_pubkey_of_ct)
{
	PG_RETURN_POINTER(mpc_make_pubkey(mpc_ct_key(PG_GETARG_PAILLIER_CT_P(0))));
}

static int
get_scale_arg(FunctionCallInfo fcinfo, int argno)
{
	int32		scale = PG_GETARG_INT32(argno);
	mpc_error	err;

	if (enc_check_scale(scale, &err) != MPC_OK)
		mpc_raise(&err, "paillier_encrypt");
	return scale;
}

/* Turn the SQL value of argument 0 into v = value * 10^scale. */
typedef enum
{
	VAL_INT8,
	VAL_NUMERIC,
	VAL_FLOAT8
} ValKind;

static void
scaled_value(FunctionCallInfo fcinfo, ValKind kind, int scale, mpz_t v)
{
	mpc_error	err;

	switch (kind)
	{
		case VAL_INT8:
			if (enc_from_int64(PG_GETARG_INT64(0), scale, v, &err) != MPC_OK)
				mpc_raise(&err, "paillier_encrypt");
			break;
		case VAL_NUMERIC:
			{
				Numeric		num = PG_GETARG_NUMERIC(0);

				if (numeric_is_nan(num) || numeric_is_inf(num))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("paillier_encrypt: cannot encrypt NaN or infinity")));
				if (mpc_numeric_at_scale(NumericGetDatum(num), scale, v, &err) != MPC_OK)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("paillier_encrypt: %s", err.msg),
							 errhint("Encrypt at a larger scale, or round the value first.")));
				break;
			}
		case VAL_FLOAT8:
			if (enc_from_double(PG_GETARG_FLOAT8(0), scale, v, &err) != MPC_OK)
				mpc_raise(&err, "paillier_encrypt");
			break;
	}
}

/*
 * The declared range |value| <= max_abs of argument 3: NULL (or absent)
 * means the type's default, 2^63 for bigint and 2^128 for numeric and
 * double precision (fixedpoint.h).  The bound never depends on the value.
 */
static void
declared_max(FunctionCallInfo fcinfo, ValKind kind, mpz_t max_k, int *max_f)
{
	*max_f = 0;
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		mpc_numeric_to_scaled(PG_GETARG_DATUM(3), max_k, max_f, "paillier_encrypt: max_abs");
		if (mpz_sgn(max_k) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("paillier_encrypt: max_abs must not be negative")));
		return;
	}
	fx_default_max(max_k, kind == VAL_INT8 ? FX_DEFAULT_BITS_INT8 : FX_DEFAULT_BITS_NUMERIC);
}

/*
 * paillier_encrypt(value, key, scale DEFAULT 0, max_abs numeric DEFAULT NULL):
 * not STRICT because of max_abs, so NULL value, key or scale give NULL here.
 */
static Datum
encrypt_common(FunctionCallInfo fcinfo, ValKind kind, bool with_private)
{
	int			scale;
	const pai_priv *sk = NULL;
	const pai_pub *pk;
	mpz_t		v, m, max_k;
	int			max_f;
	fx_ct		x;
	mpc_error	err;
	mpc_status	st;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	scale = get_scale_arg(fcinfo, 2);
	if (with_private)
	{
		sk = mpc_privkey_get(PG_GETARG_PAILLIER_PRIVKEY_P(1));
		pk = &sk->pub;
	}
	else
		pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(1));
	mpz_inits(v, m, max_k, NULL);
	fx_init(&x);
	declared_max(fcinfo, kind, max_k, &max_f);
	scaled_value(fcinfo, kind, scale, v);
	if (fx_declared_bound(pk, scale, max_k, max_f, &x.bound, &err) != MPC_OK)
		mpc_raise_fx(&err, "paillier_encrypt");
	if (!fx_within_max(v, scale, max_k, max_f))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("paillier_encrypt: the value exceeds the declared max_abs"),
				 errdetail("The ciphertext's public magnitude bound comes from max_abs, never from the value; the default is 2^63 for bigint and 2^128 for numeric and double precision."),
				 errhint("Pass a larger max_abs.")));
	if (enc_to_residue(pk, m, v, &err) != MPC_OK)
		mpc_raise_fx(&err, "paillier_encrypt");
	st = sk ? pai_encrypt_crt(sk, x.c, m, &err) : mpc_encrypt_pub(pk, x.c, m, &err);
	if (st != MPC_OK)
		mpc_raise(&err, "paillier_encrypt");
	x.scale = scale;
	PG_RETURN_POINTER(mpc_make_fx(pk, &x));
}

MPC_FUNCTION(paillier_encrypt_int8)
{
	return encrypt_common(fcinfo, VAL_INT8, false);
}

MPC_FUNCTION(paillier_encrypt_numeric)
{
	return encrypt_common(fcinfo, VAL_NUMERIC, false);
}

MPC_FUNCTION(paillier_encrypt_float8)
{
	return encrypt_common(fcinfo, VAL_FLOAT8, false);
}

MPC_FUNCTION(paillier_encrypt_int8_priv)
{
	return encrypt_common(fcinfo, VAL_INT8, true);
}

MPC_FUNCTION(paillier_encrypt_numeric_priv)
{
	return encrypt_common(fcinfo, VAL_NUMERIC, true);
}

MPC_FUNCTION(paillier_encrypt_float8_priv)
{
	return encrypt_common(fcinfo, VAL_FLOAT8, true);
}

/*
 * paillier_encrypt_many(vals bigint[], key paillier_pubkey) RETURNS
 * paillier_ciphertext[]: paillier_encrypt(v, key) for every element (scale
 * 0, the bigint default bound 2^63), DJN eight at a time on the multi-buffer
 * IFMA products (mpc_encrypt_pub_many).  NULL elements stay NULL; the
 * result has the input's dimensions.
 */
MPC_FUNCTION(paillier_encrypt_many)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	const pai_pub *pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(1));
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				i;
	Datum	   *out;
	mpz_t		max_k;
	uint32		bound;
	mpc_error	err;
	Oid			ct_type;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (ARR_ELEMTYPE(arr) != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("paillier_encrypt_many: values must be a bigint[]")));
	deconstruct_array(arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &nelems);
	mpz_init(max_k);
	fx_default_max(max_k, FX_DEFAULT_BITS_INT8);
	if (fx_declared_bound(pk, 0, max_k, 0, &bound, &err) != MPC_OK)
		mpc_raise_fx(&err, "paillier_encrypt_many");
	mpz_clear(max_k);
	ct_type = get_element_type(get_fn_expr_rettype(fcinfo->flinfo));
	if (!OidIsValid(ct_type))
		elog(ERROR, "paillier_encrypt_many: cannot determine the ciphertext type");
	get_typlenbyvalalign(ct_type, &typlen, &typbyval, &typalign);
	if (nelems == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(ct_type));
	out = palloc(sizeof(Datum) * nelems);
	/* groups of up to 64 non-NULL values */
	i = 0;
	while (i < nelems)
	{
		mpz_t		ms[64], cs[64];
		int			idx[64],
					k = 0,
					j;

		for (; i < nelems && k < 64; i++)
		{
			if (nulls[i])
				continue;
			mpz_inits(ms[k], cs[k], NULL);
			mpz_set_si(ms[k], (long) DatumGetInt64(elems[i]));
			if (enc_to_residue(pk, ms[k], ms[k], &err) != MPC_OK)
				mpc_raise_fx(&err, "paillier_encrypt_many");
			idx[k++] = i;
		}
		CHECK_FOR_INTERRUPTS();
		if (mpc_encrypt_pub_many(pk, cs, (const mpz_t *) ms, (size_t) k, &err) != MPC_OK)
			mpc_raise(&err, "paillier_encrypt_many");
		for (j = 0; j < k; j++)
		{
			out[idx[j]] = PointerGetDatum(mpc_make_ct(pk, 0, bound, cs[j]));
			mpc_wipe(ms[j]->_mp_d, (size_t) ms[j]->_mp_alloc * sizeof(mp_limb_t));
			mpz_clears(ms[j], cs[j], NULL);
		}
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, nulls, ARR_NDIM(arr), ARR_DIMS(arr),
											 ARR_LBOUND(arr), ct_type, typlen, typbyval, typalign));
}

/*
 * The glue's one numeric <-> scaled integer pair, over the core's one parser
 * and formatter (encoding.h).  The text is wiped: the value may be a secret
 * (a share, a plaintext).  Callers report a failure in their own words.
 */
mpc_status
mpc_numeric_at_scale(Datum num, int scale, mpz_t v, mpc_error *err)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, num));
	mpc_status	st = enc_parse_decimal(s, scale, v, err);

	mpc_wipe(s, strlen(s));
	pfree(s);
	return st;
}

Datum
mpc_numeric_from_scaled(const mpz_t v, int scale)
{
	size_t		len = enc_decimal_len(v, scale);
	char	   *s = palloc(len);
	Datum		d;

	enc_format_decimal(v, scale, s);
	d = DirectFunctionCall3(numeric_in, CStringGetDatum(s),
							ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	mpc_wipe(s, len);
	pfree(s);
	return d;
}

/* Refuse a foreign ciphertext before any arithmetic with the key. */
static void
require_ct_of_key(const PaillierCiphertext *ct, const PaillierPrivkey *skv, const char *what)
{
	if (memcmp(CT_FP(ct), skv->fp, PAI_FP_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: ciphertext was encrypted under a different key", what),
				 errdetail("The ciphertext's key fingerprint does not match the private key's.")));
}

/* Refuse a ciphertext whose stored modulus is not the key's; then c = its c. */
static void
ct_of_key(const PaillierCiphertext *ct, const pai_priv *sk, mpz_t c, const char *what)
{
	ser_from_bytes(c, CT_N(ct), CT_NBYTES(ct));
	if (mpz_cmp(c, sk->pub.n) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: ciphertext was encrypted under a different key", what),
				 errdetail("The ciphertext's modulus differs from the private key's.")));
	mpc_ct_get(ct, c);
}

/* The numeric of a decrypted residue m at the ciphertext's scale. */
static Datum
numeric_of_residue(const pai_priv *sk, const mpz_t m, int scale, const char *what)
{
	mpz_t		v;
	mpc_error	err;
	Datum		d;

	mpz_init(v);
	if (enc_from_residue(&sk->pub, v, m, &err) != MPC_OK)
		mpc_raise(&err, what);
	d = mpc_numeric_from_scaled(v, scale);
	mpz_clear(v);
	return d;
}

/* Decrypt one checked ciphertext to a numeric at its scale. */
static Datum
decrypt_one(const PaillierCiphertext *ct, const pai_priv *sk, const char *what)
{
	mpz_t		c, m;
	mpc_error	err;
	Datum		d;

	mpz_inits(c, m, NULL);
	ct_of_key(ct, sk, c, what);
	if (pai_decrypt(sk, m, c, &err) != MPC_OK)
		mpc_raise(&err, what);
	d = numeric_of_residue(sk, m, CT_SCALE(ct), what);
	mpz_clears(c, m, NULL);
	return d;
}

/* paillier_decrypt(ciphertext paillier_ciphertext, key paillier_privkey) RETURNS numeric */
MPC_FUNCTION(paillier_decrypt)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);
	PaillierPrivkey *skv = PG_GETARG_PAILLIER_PRIVKEY_P(1);

	mpc_check_ct(ct);
	mpc_check_privkey(skv);
	require_ct_of_key(ct, skv, "paillier_decrypt");
	PG_RETURN_DATUM(decrypt_one(ct, mpc_privkey_get(skv), "paillier_decrypt"));
}


/* paillier_decrypt_many(ciphertexts paillier_ciphertext[], key paillier_privkey) RETURNS numeric[]
 * Every element is checked against the key before the first decryption;
 * NULL elements stay NULL; the result has the input's dimensions. */
MPC_FUNCTION(paillier_decrypt_many)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	PaillierPrivkey *skv = PG_GETARG_PAILLIER_PRIVKEY_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				i;
	const pai_priv *sk;
	Datum	   *out;

	mpc_check_privkey(skv);
	nelems = mpc_array_elements(arr, &elems, &nulls);
	if (nelems == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(NUMERICOID));
	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			continue;
		elems[i] = PointerGetDatum(DatumGetPaillierCiphertextP(elems[i]));
		mpc_check_ct((PaillierCiphertext *) DatumGetPointer(elems[i]));
		require_ct_of_key((PaillierCiphertext *) DatumGetPointer(elems[i]), skv,
						  "paillier_decrypt_many");
	}
	sk = mpc_privkey_get(skv);
	out = palloc(sizeof(Datum) * nelems);
	/* groups of up to 64 non-NULL elements: pai_decrypt_many runs them
	 * eight at a time on the multi-buffer IFMA path */
	i = 0;
	while (i < nelems)
	{
		mpz_t		cs[64], ms[64];
		int			idx[64],
					k = 0,
					j;
		mpc_error	err;

		for (; i < nelems && k < 64; i++)
		{
			if (nulls[i])
				continue;
			mpz_inits(cs[k], ms[k], NULL);
			ct_of_key((PaillierCiphertext *) DatumGetPointer(elems[i]), sk, cs[k],
					  "paillier_decrypt_many");
			idx[k++] = i;
		}
		CHECK_FOR_INTERRUPTS();
		if (pai_decrypt_many(sk, ms, (const mpz_t *) cs, (size_t) k, &err) != MPC_OK)
			mpc_raise(&err, "paillier_decrypt_many");
		for (j = 0; j < k; j++)
		{
			out[idx[j]] = numeric_of_residue(sk, ms[j],
											 CT_SCALE((PaillierCiphertext *) DatumGetPointer(elems[idx[j]])),
											 "paillier_decrypt_many");
			mpz_clears(cs[j], ms[j], NULL);
		}
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, nulls, ARR_NDIM(arr), ARR_DIMS(arr),
											 ARR_LBOUND(arr), NUMERICOID, -1, false,
											 TYPALIGN_INT));
}

/* The C name of paillier_decrypt_many in 0.1.0, which the frozen 0.1.0
 * install script still names: kept so that CREATE EXTENSION ... VERSION
 * '0.1.0' works with this library. */
MPC_FUNCTION(paillier_decrypt_array)
{
	return paillier_decrypt_many_body(fcinfo);
}

static text *
fp_text(const uint8 *fp)
{
	char		s[PAI_FP_HEX_LEN];

	pai_fingerprint_hex(fp, s);
	return cstring_to_text(s);
}

MPC_FUNCTION(paillier_fingerprint_pub)
{
	PG_RETURN_TEXT_P(fp_text(mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0))->fp));
}

MPC_FUNCTION(paillier_fingerprint_priv)
{
	PG_RETURN_TEXT_P(fp_text(mpc_privkey_get(PG_GETARG_PAILLIER_PRIVKEY_P(0))->pub.fp));
}

MPC_FUNCTION(paillier_fingerprint_ct)
{
	PG_RETURN_TEXT_P(fp_text(mpc_ct_key(PG_GETARG_PAILLIER_CT_P(0))->fp));
}

MPC_FUNCTION(paillier_bits)
{
	PG_RETURN_INT32((int32) mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0))->nbits);
}

MPC_FUNCTION(paillier_scale)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);

	mpc_check_ct(ct);
	PG_RETURN_INT32(CT_SCALE(ct));
}


/* paillier_bound(paillier_ciphertext) RETURNS integer */
MPC_FUNCTION(paillier_bound)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);

	mpc_check_ct(ct);
	PG_RETURN_INT32((int32) mpc_ct_bound(ct));
}


/* paillier_n(paillier_pubkey) RETURNS numeric */
MPC_FUNCTION(paillier_n)
{
	PG_RETURN_DATUM(mpc_numeric_from_scaled(mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0))->n, 0));
}
