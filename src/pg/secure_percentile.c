/*
 * secure_percentile.c: SQL glue for the k-th ranked value across databases
 * (src/sql/63_secure_percentile.sql): the steps of the secure comparison of
 * src/core/percentile.h and the authenticated messages of
 * src/core/authmsg.h that carry them.  The protocol itself (who calls what,
 * in which order) lives in the SQL file.
 */
#include "postgres.h"

#include <gmp.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "mpc_pg.h"
#include "authmsg.h"
#include "paillier.h"
#include "paillier_glue.h"
#include "paillier_pg.h"
#include "percentile.h"
#include "zerosum.h"

#define PCT_MAX_PARTIES 1000

static void
raise_if(mpc_status st, const mpc_error *err, const char *what)
{
	if (st != MPC_OK)
		mpc_raise(err, what);
}

/* The bit length argument of the comparison steps. */
static int
get_lx(int32 lx, const char *what)
{
	if (lx < 1 || lx > PCT_MAX_LX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: lx must be between 1 and %d", what, PCT_MAX_LX),
				 errdetail("lx was %d.", lx)));
	return (int) lx;
}

/* A numeric that must be an integer, into v. */
static void
get_integer(Datum num, mpz_t v, const char *what, const char *arg)
{
	int			f;

	mpc_numeric_to_scaled(num, v, &f, what);
	if (f != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %s must be an integer", what, arg)));
}

/* A bytea of count ciphertexts under pk, into cts[0 .. count). */
static void
get_cts(bytea *b, const pai_pub *pk, mpz_t *cts, int count, const char *what)
{
	size_t		w = pct_ct_bytes(pk);
	const uint8 *p = (const uint8 *) VARDATA_ANY(b);
	mpc_error	err = {MPC_OK, ""};
	int			i;

	if ((size_t) VARSIZE_ANY_EXHDR(b) != w * (size_t) count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("%s: expected %d ciphertexts of %zu bytes", what, count, w),
				 errdetail("The message has %zu bytes.", (size_t) VARSIZE_ANY_EXHDR(b))));
	for (i = 0; i < count; i++)
		raise_if(pct_ct_get(pk, p + w * i, w, cts[i], &err), &err, what);
}

static bytea *
put_cts(const pai_pub *pk, mpz_t *cts, int count)
{
	size_t		w = pct_ct_bytes(pk);
	bytea	   *res = palloc(VARHDRSZ + w * count);
	int			i;

	SET_VARSIZE(res, VARHDRSZ + w * count);
	for (i = 0; i < count; i++)
		pct_ct_put(pk, cts[i], (uint8 *) VARDATA(res) + w * i);
	return res;
}

static mpz_t *
mpz_array(int count)
{
	mpz_t	   *a = palloc(sizeof(mpz_t) * count);
	int			i;

	for (i = 0; i < count; i++)
		mpz_init(a[i]);
	return a;
}

static void
mpz_array_free(mpz_t *a, int count)
{
	int			i;

	for (i = 0; i < count; i++)
		mpz_clear(a[i]);
	pfree(a);
}

static const pai_pub *
get_pub(FunctionCallInfo fcinfo, int argno)
{
	PaillierPubkey *pk = PG_GETARG_PAILLIER_PUBKEY_P(argno);

	mpc_check_pubkey(pk);
	return mpc_pubkey_key(pk);
}

static const pai_priv *
get_priv(FunctionCallInfo fcinfo, int argno)
{
	PaillierPrivkey *sk = PG_GETARG_PAILLIER_PRIVKEY_P(argno);

	mpc_check_privkey(sk);
	return mpc_privkey_get(sk);
}

/* ---- authenticated messages ---- */

/* secure_percentile_mac_keys(private_key bytea, self integer,
 *     public_keys bytea[], run_id text, purpose text DEFAULT 'mac') RETURNS bytea[]
 * The authmsg key ('mac' for tags, 'prg' for zero-sum masks) of party
 * 'self' with every party (1-based positions in public_keys, party ids
 * their decimal positions); its own slot is an empty bytea.  Refuses a
 * public_keys[self] that is not its own key. */
MPC_FUNCTION(secure_percentile_mac_keys)
{
	bytea	   *priv = PG_GETARG_BYTEA_PP(0);
	int32		self = PG_GETARG_INT32(1);
	ArrayType  *keys = PG_GETARG_ARRAYTYPE_P(2);
	text	   *run = PG_GETARG_TEXT_PP(3);
	char	   *purpose = text_to_cstring(PG_GETARG_TEXT_PP(4));
	const char *what = "secure_percentile_mac_keys";
	Datum	   *ke;
	bool	   *kn;
	int			nk,
				i;
	Datum	   *out;
	uint8_t		mine[ZS_PUB_LEN];
	char		self_id[16];
	mpc_error	err = {MPC_OK, ""};

	if (ARR_NDIM(keys) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: public_keys must be a one-dimensional array", what)));
	deconstruct_array(keys, BYTEAOID, -1, false, TYPALIGN_INT, &ke, &kn, &nk);
	if (nk < 2 || nk > PCT_MAX_PARTIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: between 2 and %d public keys are needed, not %d", what, PCT_MAX_PARTIES, nk)));
	if (self < 1 || self > nk)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: self must be between 1 and %d, not %d", what, nk, self)));
	if (VARSIZE_ANY_EXHDR(run) < 1 || VARSIZE_ANY_EXHDR(run) > AM_MAX_RUN_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: run_id must have 1 to %d bytes", what, AM_MAX_RUN_LEN)));
	if (strcmp(purpose, "mac") != 0 && strcmp(purpose, "prg") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: purpose must be mac or prg", what)));
	raise_if(zs_check_private((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv), &err), &err, what);
	raise_if(zs_public_key((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv), mine, &err), &err, what);
	for (i = 0; i < nk; i++)
		if (kn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: public keys must not be null", what)));
	{
		bytea	   *own = DatumGetByteaPP(ke[self - 1]);

		if (VARSIZE_ANY_EXHDR(own) != ZS_PUB_LEN ||
			memcmp(VARDATA_ANY(own), mine, ZS_PUB_LEN) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: public_keys[%d] is not this party's public key", what, self)));
	}
	snprintf(self_id, sizeof(self_id), "%d", self);
	out = palloc(sizeof(Datum) * nk);
	for (i = 0; i < nk; i++)
	{
		bytea	   *k = palloc(VARHDRSZ + AM_KEY_LEN);
		bytea	   *pub = DatumGetByteaPP(ke[i]);
		char		peer_id[16];
		zs_party	peer;

		if (i == self - 1)
		{
			SET_VARSIZE(k, VARHDRSZ);
			out[i] = PointerGetDatum(k);
			continue;
		}
		snprintf(peer_id, sizeof(peer_id), "%d", i + 1);
		peer.id = peer_id;
		peer.id_len = strlen(peer_id);
		peer.pub = (const uint8_t *) VARDATA_ANY(pub);
		peer.pub_len = VARSIZE_ANY_EXHDR(pub);
		raise_if(zs_check_public(peer.pub, peer.pub_len, &err), &err, what);
		SET_VARSIZE(k, VARHDRSZ + AM_KEY_LEN);
		raise_if(am_pair_key((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv), self_id,
							 strlen(self_id), &peer, VARDATA_ANY(run), VARSIZE_ANY_EXHDR(run), purpose,
							 (uint8_t *) VARDATA(k), &err), &err, what);
		out[i] = PointerGetDatum(k);
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(out, nk, BYTEAOID, -1, false, TYPALIGN_INT));
}

/* The common arguments of tag and verify, checked. */
static void
tag_args(FunctionCallInfo fcinfo, const char *what, uint8_t digest[AM_DIGEST_LEN],
		 bytea **key, text **run, char **label)
{
	int32		sender = PG_GETARG_INT32(3);
	int32		receiver = PG_GETARG_INT32(4);
	text	   *lab = PG_GETARG_TEXT_PP(5);
	bytea	   *payload = PG_GETARG_BYTEA_PP(6);

	*key = PG_GETARG_BYTEA_PP(0);
	*run = PG_GETARG_TEXT_PP(1);
	if (VARSIZE_ANY_EXHDR(*key) != AM_KEY_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a MAC key has %d bytes, not %d", what, AM_KEY_LEN,
						(int) VARSIZE_ANY_EXHDR(*key))));
	if (VARSIZE_ANY_EXHDR(*run) < 1 || VARSIZE_ANY_EXHDR(*run) > AM_MAX_RUN_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: run_id must have 1 to %d bytes", what, AM_MAX_RUN_LEN)));
	if (sender < 1 || receiver < 1 || sender == receiver)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: sender and receiver must be distinct positive party numbers", what)));
	if (VARSIZE_ANY_EXHDR(lab) < 1 || VARSIZE_ANY_EXHDR(lab) > AM_MAX_LABEL_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: label must have 1 to %d bytes", what, AM_MAX_LABEL_LEN)));
	*label = text_to_cstring(lab);
	am_digest(VARDATA_ANY(payload), VARSIZE_ANY_EXHDR(payload), digest);
}

/* secure_percentile_tag(key bytea, run_id text, round bigint, sender integer,
 *     receiver integer, label text, payload bytea) RETURNS bytea */
MPC_FUNCTION(secure_percentile_tag)
{
	const char *what = "secure_percentile_tag";
	uint8_t		digest[AM_DIGEST_LEN];
	bytea	   *key;
	text	   *run;
	char	   *label;
	bytea	   *res = palloc(VARHDRSZ + AM_TAG_LEN);
	mpc_error	err = {MPC_OK, ""};

	tag_args(fcinfo, what, digest, &key, &run, &label);
	SET_VARSIZE(res, VARHDRSZ + AM_TAG_LEN);
	raise_if(am_tag((const uint8_t *) VARDATA_ANY(key), VARDATA_ANY(run), VARSIZE_ANY_EXHDR(run),
					PG_GETARG_INT64(2), (uint32_t) PG_GETARG_INT32(3), (uint32_t) PG_GETARG_INT32(4),
					label, digest, (uint8_t *) VARDATA(res), &err), &err, what);
	PG_RETURN_BYTEA_P(res);
}

/* secure_percentile_verify(key bytea, run_id text, round bigint, sender integer,
 *     receiver integer, label text, payload bytea, tag bytea) RETURNS boolean
 * true, or an ERROR naming the message (never the key or the tag). */
MPC_FUNCTION(secure_percentile_verify)
{
	const char *what = "secure_percentile_verify";
	uint8_t		digest[AM_DIGEST_LEN];
	bytea	   *key;
	text	   *run;
	char	   *label;
	bytea	   *tag = PG_GETARG_BYTEA_PP(7);
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	tag_args(fcinfo, what, digest, &key, &run, &label);
	st = am_verify((const uint8_t *) VARDATA_ANY(key), VARDATA_ANY(run), VARSIZE_ANY_EXHDR(run),
				   PG_GETARG_INT64(2), (uint32_t) PG_GETARG_INT32(3), (uint32_t) PG_GETARG_INT32(4),
				   label, digest, (const uint8_t *) VARDATA_ANY(tag), VARSIZE_ANY_EXHDR(tag), &err);
	if (st != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: a message failed authentication", what),
				 errdetail("%s", err.msg),
				 errhint("The message was altered or replayed on its way, or comes from a party with another key: check the pinned public keys.")));
	PG_RETURN_BOOL(true);
}

/* secure_percentile_zero_mask(prg_keys bytea[], self integer, step bigint,
 *     key paillier_pubkey) RETURNS numeric
 * This party's zero-sum mask mod n for a step (pct_zero_mask). */
MPC_FUNCTION(secure_percentile_zero_mask)
{
	const char *what = "secure_percentile_zero_mask";
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	int32		self = PG_GETARG_INT32(1);
	int64		step = PG_GETARG_INT64(2);
	const pai_pub *pk = get_pub(fcinfo, 3);
	Datum	   *el;
	bool	   *nl;
	int			n,
				i;
	uint8	   *keys;
	mpz_t		m;
	mpc_error	err = {MPC_OK, ""};
	Datum		res;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: prg_keys must be a one-dimensional array", what)));
	deconstruct_array(arr, BYTEAOID, -1, false, TYPALIGN_INT, &el, &nl, &n);
	if (n < 2 || n > PCT_MAX_PARTIES || self < 1 || self > n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: self must be a position in a list of 2 to %d keys", what, PCT_MAX_PARTIES),
				 errdetail("self was %d, the list has %d keys.", self, n)));
	keys = mpc_secret_alloc((Size) n * AM_KEY_LEN);
	for (i = 0; i < n; i++)
	{
		bytea	   *k;

		if (i == self - 1)
			continue;
		if (nl[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: prg_keys must not hold nulls", what)));
		k = DatumGetByteaPP(el[i]);
		if (VARSIZE_ANY_EXHDR(k) != AM_KEY_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: a key has %d bytes, not %d", what, AM_KEY_LEN, (int) VARSIZE_ANY_EXHDR(k))));
		memcpy(keys + (size_t) i * AM_KEY_LEN, VARDATA_ANY(k), AM_KEY_LEN);
	}
	mpz_init(m);
	raise_if(pct_zero_mask(pk, keys, n, self, step, m, &err), &err, what);
	mpc_secret_free(keys);
	res = mpc_numeric_from_scaled(m, 0);
	mpz_clear(m);
	PG_RETURN_DATUM(res);
}

/* ---- the comparison ---- */

/* secure_percentile_encrypt(key paillier_pubkey, value numeric) RETURNS bytea */
MPC_FUNCTION(secure_percentile_encrypt)
{
	const char *what = "secure_percentile_encrypt";
	const pai_pub *pk = get_pub(fcinfo, 0);
	mpz_t		v,
				c;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	bytea	   *res;

	mpz_inits(v, c, NULL);
	get_integer(PG_GETARG_DATUM(1), v, what, "value");
	if (mpz_sizeinbase(v, 2) > pk->nbits + 128)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: value must be below 2^(bits of the key + 128) in absolute value", what)));
	st = pct_encrypt_mod(pk, mpc_encrypt_pub, v, c, &err);
	raise_if(st, &err, what);
	res = put_cts(pk, &c, 1);
	mpz_clears(v, c, NULL);
	PG_RETURN_BYTEA_P(res);
}

/* secure_percentile_mask_sum(key paillier_pubkey, ciphertexts bytea[],
 *     offset numeric, lx integer, OUT masked bytea, OUT mask numeric) */
MPC_FUNCTION(secure_percentile_mask_sum)
{
	const char *what = "secure_percentile_mask_sum";
	const pai_pub *pk = get_pub(fcinfo, 0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int			lx = get_lx(PG_GETARG_INT32(3), what);
	Datum	   *el;
	bool	   *nl;
	int			n,
				i;
	mpz_t	   *cts;
	mpz_t		off,
				out,
				R;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	TupleDesc	td;
	Datum		vals[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", what);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: ciphertexts must be a one-dimensional array", what)));
	deconstruct_array(arr, BYTEAOID, -1, false, TYPALIGN_INT, &el, &nl, &n);
	if (n < 1 || n > PCT_MAX_INPUTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: between 1 and %d ciphertexts are needed, not %d", what, PCT_MAX_INPUTS, n)));
	mpz_inits(off, out, R, NULL);
	get_integer(PG_GETARG_DATUM(2), off, what, "offset");
	if (mpz_sizeinbase(off, 2) > PCT_MAX_LX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: offset must be below 2^%d in absolute value", what, PCT_MAX_LX)));
	cts = mpz_array(n);
	for (i = 0; i < n; i++)
	{
		if (nl[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: ciphertexts must not be null", what)));
		get_cts(DatumGetByteaPP(el[i]), pk, &cts[i], 1, what);
	}
	CORE_CALL(st, pct_mask_sum(pk, (const mpz_t *) cts, n, off, lx, mpc_rerandomize_fast, out, R, &err));
	raise_if(st, &err, what);
	vals[0] = PointerGetDatum(put_cts(pk, &out, 1));
	vals[1] = mpc_numeric_from_scaled(R, 0);
	mpz_array_free(cts, n);
	mpz_clears(off, out, R, NULL);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), vals, nulls)));
}

/* secure_percentile_cmp_bits(key paillier_privkey, masked bytea, lx integer) RETURNS bytea */
MPC_FUNCTION(secure_percentile_cmp_bits)
{
	const char *what = "secure_percentile_cmp_bits";
	const pai_priv *sk = get_priv(fcinfo, 0);
	bytea	   *masked = PG_GETARG_BYTEA_PP(1);
	int			lx = get_lx(PG_GETARG_INT32(2), what);
	int			l = pct_cmp_len(lx);
	mpz_t	   *bits,
				c;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	bytea	   *res;

	mpz_init(c);
	get_cts(masked, &sk->pub, &c, 1, what);
	bits = mpz_array(l);
	CORE_CALL(st, pct_cmp_bits(sk, c, lx, mpc_encrypt_pub, bits, &err));
	raise_if(st, &err, what);
	res = put_cts(&sk->pub, bits, l);
	mpz_array_free(bits, l);
	mpz_clear(c);
	PG_RETURN_BYTEA_P(res);
}

/* secure_percentile_cmp_blind(key paillier_pubkey, bits bytea, threshold numeric,
 *     lx integer) RETURNS bytea */
MPC_FUNCTION(secure_percentile_cmp_blind)
{
	const char *what = "secure_percentile_cmp_blind";
	const pai_pub *pk = get_pub(fcinfo, 0);
	bytea	   *b = PG_GETARG_BYTEA_PP(1);
	int			lx = get_lx(PG_GETARG_INT32(3), what);
	int			l = pct_cmp_len(lx);
	mpz_t	   *bits,
			   *out,
				r;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	bytea	   *res;

	mpz_init(r);
	get_integer(PG_GETARG_DATUM(2), r, what, "threshold");
	if (mpz_sgn(r) < 0 || mpz_sizeinbase(r, 2) > (size_t) l)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: threshold must lie in [0, 2^%d)", what, l)));
	bits = mpz_array(l);
	out = mpz_array(l);
	get_cts(b, pk, bits, l, what);
	CORE_CALL(st, pct_cmp_blind(pk, (const mpz_t *) bits, lx, r, mpc_rerandomize_fast, out, &err));
	raise_if(st, &err, what);
	res = put_cts(pk, out, l);
	mpz_array_free(bits, l);
	mpz_array_free(out, l);
	mpz_clear(r);
	PG_RETURN_BYTEA_P(res);
}

/* secure_percentile_cmp_open(key paillier_privkey, blinded bytea, lx integer) RETURNS boolean */
MPC_FUNCTION(secure_percentile_cmp_open)
{
	const char *what = "secure_percentile_cmp_open";
	const pai_priv *sk = get_priv(fcinfo, 0);
	bytea	   *b = PG_GETARG_BYTEA_PP(1);
	int			lx = get_lx(PG_GETARG_INT32(2), what);
	int			l = pct_cmp_len(lx);
	mpz_t	   *cts;
	int			less = 0;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	cts = mpz_array(l);
	get_cts(b, &sk->pub, cts, l, what);
	CORE_CALL(st, pct_cmp_open(sk, (const mpz_t *) cts, lx, &less, &err));
	raise_if(st, &err, what);
	mpz_array_free(cts, l);
	PG_RETURN_BOOL(less != 0);
}
