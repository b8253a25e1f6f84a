/*
 * paillier_packed.c: the paillier_packed type (several values in one
 * ciphertext, packing.h) and its functions.
 *
 * Text form: pp1:<scale>:<slots>:<slot_bits>:<terms>:<max_terms>:<n>:<c>
 * with n and c in base64url (minimal big-endian), like paillier_ciphertext.
 */
#include "postgres.h"

#include <ctype.h>
#include <limits.h>

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "encoding.h"
#include "packing.h"
#include "paillier_glue.h"
#include "serial.h"

#define MAX_NBYTES (PAI_MAX_BITS / 8)


/* Structural checks of a stored value. */
static void
check_packed(const PaillierPacked *v)
{
	if (v->version != PAI_FORMAT_VERSION || v->flags != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported paillier_packed format version %d", v->version)));
	if (v->nbytes == 0 || v->nbytes > MAX_NBYTES || VARSIZE(v) != PACKED_SIZE(v->nbytes) ||
		v->scale < 0 || v->scale > PAI_MAX_SCALE || v->slots == 0 ||
		v->slot_bits < PACK_MIN_SLOT_BITS || v->slot_bits > PACK_MAX_SLOT_BITS ||
		v->terms == 0 || v->terms > v->max_terms || v->max_terms > PACK_MAX_TERMS)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_packed: header fields out of range")));
}

/* The validated key of a stored value. */
static const pai_pub *
packed_key(const PaillierPacked *v)
{
	const pai_pub *pk;

	check_packed(v);
	pk = mpc_pubkey_from_n(PACKED_N(v), v->nbytes);
	if (memcmp(pk->fp, v->fp, PAI_FP_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_packed: stored fingerprint does not match its modulus")));
	return pk;
}

static PaillierPacked *
make_packed(const pai_pub *pk, int scale, int slots, int slot_bits, uint32 terms,
			uint32 max_terms, const mpz_t c)
{
	PaillierPacked *v = palloc0(PACKED_SIZE(pk->nbytes));
	mpc_error	err;

	SET_VARSIZE(v, PACKED_SIZE(pk->nbytes));
	v->version = PAI_FORMAT_VERSION;
	v->scale = (int16) scale;
	v->nbytes = (uint32) pk->nbytes;
	v->slots = (uint16) slots;
	v->slot_bits = (uint16) slot_bits;
	v->terms = terms;
	v->max_terms = max_terms;
	memcpy(v->fp, pk->fp, PAI_FP_LEN);
	if (ser_to_bytes_fixed(pk->n, PACKED_N(v), pk->nbytes, &err) != MPC_OK ||
		ser_to_bytes_fixed(c, PACKED_C(v), 2 * pk->nbytes, &err) != MPC_OK)
		mpc_raise(&err, "paillier_packed");
	return v;
}

/* Validate the parts of a value from outside and build it. */
static PaillierPacked *
packed_from_parts(const pai_pub *pk, long scale, long slots, long slot_bits, long terms,
				  long max_terms, const mpz_t c, int sqlstate, const char *what)
{
	mpc_error	err;
	mpc_status	st;

	st = enc_check_scale(scale, &err);
	if (st == MPC_OK && (slots < 1 || slots > USHRT_MAX || slot_bits < 0 || slot_bits > USHRT_MAX))
		st = mpc_fail(&err, MPC_ERR_ARG, "slots or slot_bits out of range");
	if (st == MPC_OK)
		st = pack_check_layout(pk, (size_t) slots, (unsigned) slot_bits,
							   (unsigned long) Max(max_terms, 0), &err);
	if (st == MPC_OK && (terms < 1 || terms > max_terms))
		st = mpc_fail(&err, MPC_ERR_ARG, "terms must be between 1 and max_terms");
	if (st == MPC_OK)
		st = pai_check_ciphertext(pk, c, 1, &err);
	if (st != MPC_OK)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s", what),
				 errdetail("%s.", err.msg)));
	return make_packed(pk, (int) scale, (int) slots, (int) slot_bits, (uint32) terms,
					   (uint32) max_terms, c);
}

static long
parse_count(const char *s, const char *what)
{
	return mpc_text_count(s, "paillier_packed",
						  psprintf("Field %s is not a non-negative integer.", what));
}

MPC_FUNCTION(paillier_packed_in)
{
	char	   *s = pstrdup(PG_GETARG_CSTRING(0));
	char	   *parts[9];
	int			n;
	mpz_t		nz,
				c;
	mpc_error	err;
	long		f[5];
	int			i;
	static const char *const names[] = {"scale", "slots", "slot_bits", "terms", "max_terms"};

	n = mpc_split_colon(s, parts, 8);
	if (n != 8 || strcmp(parts[0], "pp1") != 0)
		mpc_bad_text("paillier_packed", "Expected \"pp1:<scale>:<slots>:<slot_bits>:<terms>:<max_terms>:<n>:<c>\".");
	for (i = 0; i < 5; i++)
		f[i] = parse_count(parts[i + 1], names[i]);
	mpz_inits(nz, c, NULL);
	if (ser_from_b64url(nz, parts[6], strlen(parts[6]), MAX_NBYTES, &err) != MPC_OK ||
		ser_from_b64url(c, parts[7], strlen(parts[7]), 2 * MAX_NBYTES, &err) != MPC_OK)
		mpc_bad_text("paillier_packed", psprintf("Field n or c: %s.", err.msg));
	PG_RETURN_POINTER(packed_from_parts(mpc_pubkey_from_mpz(nz), f[0], f[1], f[2], f[3], f[4], c,
										ERRCODE_INVALID_TEXT_REPRESENTATION,
										"input syntax for type paillier_packed"));
}

MPC_FUNCTION(paillier_packed_out)
{
	PaillierPacked *v = PG_GETARG_PAILLIER_PACKED_P(0);
	const pai_pub *pk = packed_key(v);
	mpz_t		c;

	mpz_init(c);
	ser_from_bytes(c, PACKED_C(v), 2 * (Size) v->nbytes);
	PG_RETURN_CSTRING(psprintf("pp1:%d:%u:%u:%u:%u:%s:%s", v->scale, v->slots, v->slot_bits,
							   v->terms, v->max_terms, mpc_b64_of(pk->n), mpc_b64_of(c)));
}

MPC_FUNCTION(paillier_packed_send)
{
	PaillierPacked *v = PG_GETARG_PAILLIER_PACKED_P(0);
	StringInfoData buf;

	check_packed(v);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, v->version);
	pq_sendbyte(&buf, v->flags);
	pq_sendint16(&buf, (uint16) v->scale);
	pq_sendint16(&buf, v->slots);
	pq_sendint16(&buf, v->slot_bits);
	pq_sendint32(&buf, v->terms);
	pq_sendint32(&buf, v->max_terms);
	pq_sendint32(&buf, v->nbytes);
	pq_sendbytes(&buf, (const char *) v->fp, PAI_FP_LEN);
	pq_sendbytes(&buf, (const char *) v->data, 3 * v->nbytes);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

MPC_FUNCTION(paillier_packed_recv)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version,
				flags;
	int16		scale;
	uint16		slots,
				slot_bits;
	uint32		terms,
				max_terms,
				nbytes;
	const char *fp,
			   *nd,
			   *cd;
	const pai_pub *pk;
	mpz_t		c;

	/* version, flags, scale, slots, slot_bits, terms, max_terms, nbytes */
	mpc_recv_need(buf, 1 + 1 + 2 + 2 + 2 + 4 + 4, "paillier_packed");
	version = pq_getmsgbyte(buf);
	flags = pq_getmsgbyte(buf);
	if (version != PAI_FORMAT_VERSION)
		mpc_bad_binary("paillier_packed", psprintf("Format version %d is not supported (expected %d).",
							version, PAI_FORMAT_VERSION));
	if (flags != 0)
		mpc_bad_binary("paillier_packed", "Reserved flags are not zero.");
	scale = (int16) pq_getmsgint(buf, 2);
	slots = (uint16) pq_getmsgint(buf, 2);
	slot_bits = (uint16) pq_getmsgint(buf, 2);
	terms = pq_getmsgint(buf, 4);
	max_terms = pq_getmsgint(buf, 4);
	nbytes = mpc_recv_len(buf, MAX_NBYTES, "paillier_packed", "n");
	mpc_recv_need(buf, PAI_FP_LEN + (Size) 3 * nbytes, "paillier_packed");
	if (max_terms > PACK_MAX_TERMS || terms > max_terms)
		mpc_bad_binary("paillier_packed", "terms or max_terms out of range.");
	fp = pq_getmsgbytes(buf, PAI_FP_LEN);
	nd = pq_getmsgbytes(buf, nbytes);
	cd = pq_getmsgbytes(buf, 2 * nbytes);
	if (nd[0] == 0)
		mpc_bad_binary("paillier_packed", "The modulus has a leading zero byte.");
	pk = mpc_pubkey_from_n((const uint8 *) nd, nbytes);
	if (memcmp(fp, pk->fp, PAI_FP_LEN) != 0)
		mpc_bad_binary("paillier_packed", "Fingerprint does not match the modulus.");
	mpz_init(c);
	ser_from_bytes(c, (const uint8 *) cd, 2 * (Size) nbytes);
	PG_RETURN_POINTER(packed_from_parts(pk, scale, slots, slot_bits, terms, max_terms, c,
										ERRCODE_INVALID_BINARY_REPRESENTATION,
										"binary value for type paillier_packed"));
}

/* ---------------------------------------------------------------------
 * Functions
 * --------------------------------------------------------------------- */
static void
layout_args(FunctionCallInfo fcinfo, int slot_arg, int terms_arg, int32 *slot_bits,
			int32 *max_terms, const char *what)
{
	*slot_bits = PG_GETARG_INT32(slot_arg);
	*max_terms = PG_GETARG_INT32(terms_arg);
	if (*slot_bits < PACK_MIN_SLOT_BITS || *slot_bits > PACK_MAX_SLOT_BITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: slot_bits must be between %d and %d, got %d",
						what, PACK_MIN_SLOT_BITS, PACK_MAX_SLOT_BITS, *slot_bits)));
	if (*max_terms < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: max_terms must be at least 1, got %d", what, *max_terms)));
}

/* A 1-D (or empty) array's elements; NULL elements are an error. */
static int
array_elems(ArrayType *arr, Datum **elems, const char *what)
{
	bool	   *nulls;
	int			n,
				i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: expected a one-dimensional array", what)));
	n = mpc_array_elements(arr, elems, &nulls);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the array is empty", what)));
	for (i = 0; i < n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: element %d is NULL", what, i + 1)));
	return n;
}

/* paillier_encrypt_packed(vals numeric[], key paillier_pubkey, scale integer DEFAULT 0,
 *   slot_bits integer DEFAULT 64, max_terms integer DEFAULT 1024) RETURNS paillier_packed */
MPC_FUNCTION(paillier_encrypt_packed)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	const pai_pub *pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(1));
	int32		scale = PG_GETARG_INT32(2);
	int32		slot_bits,
				max_terms;
	Datum	   *elems;
	int			n,
				i;
	mpz_t	   *v;
	mpz_t		m,
				c;
	mpc_error	err;
	PaillierPacked *res;

	layout_args(fcinfo, 3, 4, &slot_bits, &max_terms, "paillier_encrypt_packed");
	if (enc_check_scale(scale, &err) != MPC_OK)
		mpc_raise(&err, "paillier_encrypt_packed");
	n = array_elems(arr, &elems, "paillier_encrypt_packed");
	if (pack_check_layout(pk, (size_t) n, (unsigned) slot_bits, (unsigned long) max_terms,
						  &err) != MPC_OK)
		mpc_raise(&err, "paillier_encrypt_packed");
	v = palloc(sizeof(mpz_t) * n);
	for (i = 0; i < n; i++)
	{
		Numeric		num = DatumGetNumeric(elems[i]);

		mpz_init(v[i]);
		if (numeric_is_nan(num) || numeric_is_inf(num))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("paillier_encrypt_packed: cannot encrypt NaN or infinity")));
		if (mpc_numeric_at_scale(NumericGetDatum(num), scale, v[i], &err) != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("paillier_encrypt_packed: value %d: %s", i + 1, err.msg),
					 errhint("Encrypt at a larger scale, or round the values first.")));
	}
	mpz_inits(m, c, NULL);
	if (pack_encode(pk, m, (const mpz_t *) v, (size_t) n, (unsigned) slot_bits,
					(unsigned long) max_terms, &err) != MPC_OK)
		ereport(ERROR,
				(errcode(mpc_sqlstate(err.code)),
				 errmsg("paillier_encrypt_packed: %s", err.msg),
				 errhint("Use wider slots, fewer max_terms, or a smaller scale.")));
	if (mpc_encrypt_pub(pk, c, m, &err) != MPC_OK)
		mpc_raise(&err, "paillier_encrypt_packed");
	res = make_packed(pk, scale, n, slot_bits, 1, (uint32) max_terms, c);
	for (i = 0; i < n; i++)
		mpz_clear(v[i]);
	mpz_clears(m, c, NULL);
	PG_RETURN_POINTER(res);
}

/* paillier_decrypt_packed(packed paillier_packed, key paillier_privkey) RETURNS numeric[] */
MPC_FUNCTION(paillier_decrypt_packed)
{
	PaillierPacked *pv = PG_GETARG_PAILLIER_PACKED_P(0);
	PaillierPrivkey *skv = PG_GETARG_PAILLIER_PRIVKEY_P(1);
	const pai_priv *sk;
	mpz_t		c,
				m,
			   *v;
	mpc_error	err;
	Datum	   *out;
	int			i;

	check_packed(pv);
	mpc_check_privkey(skv);
	if (memcmp(pv->fp, skv->fp, PAI_FP_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("paillier_decrypt_packed: ciphertext was encrypted under a different key"),
				 errdetail("The ciphertext's key fingerprint does not match the private key's.")));
	sk = mpc_privkey_get(skv);
	mpz_inits(c, m, NULL);
	ser_from_bytes(c, PACKED_N(pv), pv->nbytes);
	if (mpz_cmp(c, sk->pub.n) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("paillier_decrypt_packed: ciphertext was encrypted under a different key"),
				 errdetail("The ciphertext's modulus differs from the private key's.")));
	ser_from_bytes(c, PACKED_C(pv), 2 * (Size) pv->nbytes);
	if (pai_decrypt(sk, m, c, &err) != MPC_OK)
		mpc_raise(&err, "paillier_decrypt_packed");
	v = palloc(sizeof(mpz_t) * pv->slots);
	for (i = 0; i < pv->slots; i++)
		mpz_init(v[i]);
	if (pack_decode(&sk->pub, v, m, pv->slots, pv->slot_bits, &err) != MPC_OK)
		mpc_raise(&err, "paillier_decrypt_packed");
	out = palloc(sizeof(Datum) * pv->slots);
	for (i = 0; i < pv->slots; i++)
		out[i] = mpc_numeric_from_scaled(v[i], pv->scale);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, pv->slots, NUMERICOID, -1, false, TYPALIGN_INT));
}

/* paillier_packed + paillier_packed: slot-wise sum */
MPC_FUNCTION(paillier_packed_add)
{
	PaillierPacked *a = PG_GETARG_PAILLIER_PACKED_P(0);
	PaillierPacked *b = PG_GETARG_PAILLIER_PACKED_P(1);
	const pai_pub *pk;
	mpz_t		ca,
				cb;

	check_packed(a);
	check_packed(b);
	mpc_require_same_key(a->fp, PACKED_N(a), a->nbytes, b->fp, PACKED_N(b), b->nbytes,
						 "paillier_packed +");
	if (a->slots != b->slots || a->slot_bits != b->slot_bits ||
		a->max_terms != b->max_terms || a->scale != b->scale)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("paillier_packed +: packing layouts differ"),
				 errdetail("Left has %u slots of %u bits, max_terms %u, scale %d; right has %u slots of %u bits, max_terms %u, scale %d.",
						   a->slots, a->slot_bits, a->max_terms, a->scale,
						   b->slots, b->slot_bits, b->max_terms, b->scale)));
	if ((uint64) a->terms + b->terms > a->max_terms)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("paillier_packed +: the sum would have %llu terms, more than max_terms %u",
						(unsigned long long) a->terms + b->terms, a->max_terms),
				 errdetail("Beyond max_terms additions a slot could overflow."),
				 errhint("Encrypt with a larger max_terms or wider slots.")));
	pk = packed_key(a);
	mpz_inits(ca, cb, NULL);
	ser_from_bytes(ca, PACKED_C(a), 2 * (Size) a->nbytes);
	ser_from_bytes(cb, PACKED_C(b), 2 * (Size) b->nbytes);
	pai_add(pk, ca, ca, cb);
	PG_RETURN_POINTER(make_packed(pk, a->scale, a->slots, a->slot_bits, a->terms + b->terms,
								  a->max_terms, ca));
}

/* paillier_pack(cts paillier_ciphertext[], slot_bits integer DEFAULT 64,
 *   max_terms integer DEFAULT 1) RETURNS paillier_packed */
MPC_FUNCTION(paillier_pack)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	int32		slot_bits,
				max_terms;
	Datum	   *elems;
	int			n,
				i;
	PaillierCiphertext *first;
	uint32		value_bits;
	pai_pub		key;
	mpz_t	   *cts,
				c;
	mpc_error	err;
	mpc_status	st;
	PaillierPacked *res;

	layout_args(fcinfo, 1, 2, &slot_bits, &max_terms, "paillier_pack");
	n = array_elems(arr, &elems, "paillier_pack");
	first = DatumGetPaillierCiphertextP(elems[0]);
	pai_pub_copy(&key, mpc_ct_key(first));
	if (pack_check_layout(&key, (size_t) n, (unsigned) slot_bits, (unsigned long) max_terms,
						  &err) != MPC_OK)
		mpc_raise(&err, "paillier_pack");
	value_bits = (uint32) slot_bits - 1 - pack_headroom_bits((unsigned long) max_terms);
	cts = palloc(sizeof(mpz_t) * n);
	for (i = 0; i < n; i++)
	{
		PaillierCiphertext *ct = DatumGetPaillierCiphertextP(elems[i]);

		mpc_check_ct(ct);
		mpc_require_same_key(CT_FP(first), CT_N(first), CT_NBYTES(first), CT_FP(ct), CT_N(ct),
							 CT_NBYTES(ct), "paillier_pack");
		if (CT_SCALE(ct) != CT_SCALE(first))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("paillier_pack: ciphertexts have different scales (%d and %d)",
							CT_SCALE(first), CT_SCALE(ct))));
		/* |v| <= 2^bound must fit the slot: 2^bound <= 2^value_bits - 1 */
		if (mpc_ct_bound(ct) >= value_bits)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("paillier_pack: ciphertext %d may not fit a slot: its magnitude bound is 2^%u, and a slot of %d bits with max_terms %d holds values below 2^%u",
							i + 1, mpc_ct_bound(ct), slot_bits, max_terms, value_bits),
					 errhint("Use wider slots or a smaller max_terms, or encrypt with a smaller max_abs.")));
		mpz_init(cts[i]);
		mpc_ct_get(ct, cts[i]);
	}
	mpz_init(c);
	CORE_CALL(st, pack_ciphertexts(&key, c, (const mpz_t *) cts, (size_t) n,
								   (unsigned) slot_bits, &err));
	if (st != MPC_OK)
		mpc_raise(&err, "paillier_pack");
	res = make_packed(&key, CT_SCALE(first), n, slot_bits, 1, (uint32) max_terms, c);
	pai_pub_clear(&key);
	PG_RETURN_POINTER(res);
}

MPC_FUNCTION(paillier_packed_slots)
{
	PaillierPacked *v = PG_GETARG_PAILLIER_PACKED_P(0);

	check_packed(v);
	PG_RETURN_INT32(v->slots);
}

MPC_FUNCTION(paillier_packed_terms)
{
	PaillierPacked *v = PG_GETARG_PAILLIER_PACKED_P(0);

	check_packed(v);
	PG_RETURN_INT32((int32) v->terms);
}

/* paillier_rerandomize(paillier_packed) RETURNS paillier_packed */
MPC_FUNCTION(paillier_packed_rerandomize)
{
	PaillierPacked *v = PG_GETARG_PAILLIER_PACKED_P(0);
	const pai_pub *pk = packed_key(v);
	mpz_t		c;

	mpz_init(c);
	ser_from_bytes(c, PACKED_C(v), 2 * (Size) v->nbytes);
	mpc_rerandomize(pk, c, c);
	PG_RETURN_POINTER(make_packed(pk, v->scale, v->slots, v->slot_bits, v->terms,
								  v->max_terms, c));
}
