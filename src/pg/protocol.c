/*
 * protocol.c: the vector utilities of paper-mode private EigenTrust
 * (docs/design.md, "Paper mode"): encrypt, combine, decrypt and inspect
 * ciphertext vectors in the layout of protocol.h, the coordinator's update,
 * and a password-free display of a connection string.  The roles
 * themselves are in protocol_paper.c (party) and protocol_paper_dec.c (key
 * holder and threshold decryptors); the arithmetic is in the core
 * (src/core/protocol*.c).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "libpq-fe.h"

#include "mpc_pg.h"
#include "paillier_glue.h"
#include "protocol.h"
#include "protocol_pg.h"
#include "threshold.h"

static void
raise_core(const mpc_error *err, const char *what)
{
	mpc_raise(err, what);
}

/* A bytea for a plain vector of count values under pk (header written). */
static bytea *
vec_alloc(const pai_pub *pk, uint32 count)
{
	Size		len = pet_vec_bytes(pk, count);
	bytea	   *v;

	if (len == 0 || len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("private eigentrust: ciphertext vector of %u values is too large", count)));
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	pet_vec_init((unsigned char *) VARDATA(v), pk, 0, count);
	return v;
}

/* Parse a vector's header against a key; a foreign key is ERROR 22000. */
static void
vec_read(const uint8 *v, size_t len, const pai_pub *pk, pet_vec_hdr *h, const char *what)
{
	mpc_error	err;

	if (pet_vec_read_hdr(h, v, len, pk, &err) != MPC_OK)
	{
		if (err.code == MPC_ERR_KEY_MISMATCH)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: %s", what, err.msg),
					 errdetail("Each round's ciphertexts must be under that round's public key.")));
		raise_core(&err, what);
	}
}

/* vec_read of a bytea */
static void
vec_read_b(const bytea *v, const pai_pub *pk, pet_vec_hdr *h, const char *what)
{
	vec_read((const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), pk, h, what);
}

/* ---------------------------------------------------------------------
 * Coordinator
 * --------------------------------------------------------------------- */

/* private_eigentrust_encrypt_vector(key paillier_pubkey, vals bigint[], scale integer) RETURNS bytea */
MPC_FUNCTION(private_eigentrust_encrypt_vector)
{
	pai_pub		pk;
	int			n;
	int64	   *v;
	bytea	   *out;
	const struct pai_djn *djn;
	mpc_status	st;
	mpc_error	err;

	pet_require_args(fcinfo, 3, 0, "private_eigentrust_encrypt_vector");
	v = pet_int8_array(PG_GETARG_ARRAYTYPE_P(1), &n, "vals");
	pai_pub_copy(&pk, mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0)));
	out = vec_alloc(&pk, (uint32) n);
	djn = mpc_djn_get_batch(&pk, (size_t) n);
	CORE_CALL(st, pet_vec_encrypt(&pk, djn, v, (uint32) n, PG_GETARG_INT32(2),
								  (unsigned char *) VARDATA(out), &err));
	pai_pub_clear(&pk);
	if (st != MPC_OK)
		raise_core(&err, "private_eigentrust_encrypt_vector");
	PG_RETURN_BYTEA_P(out);
}

/* private_eigentrust_combine(key paillier_pubkey, vecs bytea[]) RETURNS bytea:
 * the slot-wise homomorphic sum of vectors of the same shape under key */
MPC_FUNCTION(private_eigentrust_combine)
{
	pai_pub		pk;
	const uint8 **vecs;
	size_t	   *lens;
	int			nv;
	pet_vec_hdr h;
	bytea	   *out;
	mpc_status	st;
	mpc_error	err;

	pet_require_args(fcinfo, 2, 0, "private_eigentrust_combine");
	nv = pet_bytea_array(PG_GETARG_ARRAYTYPE_P(1), &vecs, &lens, "vecs");
	if (nv < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_combine: no vectors to combine")));
	for (int k = 0; k < nv; k++)
		if (vecs[k] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("private_eigentrust_combine: vector %d is NULL", k + 1)));
	pai_pub_copy(&pk, mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0)));
	for (int k = 0; k < nv; k++)
		vec_read(vecs[k], lens[k], &pk, &h, "private_eigentrust_combine");
	out = vec_alloc(&pk, h.count);
	CORE_CALL(st, pet_vec_product(&pk, vecs, lens, nv, (unsigned char *) VARDATA(out), &err));
	pai_pub_clear(&pk);
	if (st != MPC_OK)
		raise_core(&err, "private_eigentrust_combine");
	PG_RETURN_BYTEA_P(out);
}

/*
 * private_eigentrust_next(sums bigint[], t bigint[], pretrust bigint[],
 *     hosted boolean[], alpha float8, OUT t bigint[], OUT residual float8)
 */
MPC_FUNCTION(private_eigentrust_next)
{
	int			n,
				nt,
				nh;
	int64	   *sums;
	int64	   *t;
	int64	   *p;
	ArrayType  *ha;
	double		alpha;
	Datum	   *d;
	bool	   *nulls;
	unsigned char *hosted;
	int64	   *tn;
	double		residual;
	mpc_error	err;
	TupleDesc	td;
	Datum		values[2];
	bool		rnulls[2] = {false, false};

	/* pretrust (argument 3) may be NULL: uniform */
	pet_require_args(fcinfo, 5, 1u << 2, "private_eigentrust_next");
	sums = pet_int8_array(PG_GETARG_ARRAYTYPE_P(0), &n, "sums");
	t = pet_int8_array(PG_GETARG_ARRAYTYPE_P(1), &nt, "t");
	ha = PG_GETARG_ARRAYTYPE_P(3);
	alpha = PG_GETARG_FLOAT8(4);
	if (ARR_NDIM(ha) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("hosted must be a one-dimensional array")));
	deconstruct_array(ha, BOOLOID, 1, true, TYPALIGN_CHAR, &d, &nulls, &nh);
	if (nt != n || nh != n || n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("private_eigentrust_next: sums, t and hosted must have the same length")));
	if (!(alpha > 0 && alpha <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_next: alpha must be in (0, 1]")));
	for (int i = 0; i < n; i++)
		if (t[i] < 0 || t[i] > PET_ONE_T || sums[i] < 0 || sums[i] > 10 * PET_ONE_U)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private_eigentrust_next: t values must be between 0 and 10^12 and sums between 0 and 10^14")));
	p = pet_pretrust(PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2), n);
	hosted = palloc(n);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("hosted must not contain NULLs")));
		hosted[i] = DatumGetBool(d[i]);
	}
	tn = palloc(sizeof(int64) * n);
	if (pet_next((size_t) n, sums, t, p, hosted, alpha, tn, &residual, &err) != MPC_OK)
		raise_core(&err, "private_eigentrust_next");
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = PointerGetDatum(pet_int8_array_build(tn, n));
	values[1] = Float8GetDatum(residual);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, rnulls)));
}

/* private_eigentrust_vector_info(vec bytea, OUT kind text, OUT count integer,
 *     OUT ciphertexts integer, OUT scale integer, OUT fingerprint text) */
MPC_FUNCTION(private_eigentrust_vector_info)
{
	bytea	   *v;
	pet_vec_hdr h;
	mpc_error	err;
	TupleDesc	td;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	char		fp[2 * PAI_FP_LEN + 1];

	pet_require_args(fcinfo, 1, 0, "private_eigentrust_vector_info");
	v = PG_GETARG_BYTEA_PP(0);
	if (pet_vec_read_hdr(&h, (const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
						 NULL, &err) != MPC_OK)
		raise_core(&err, "private_eigentrust_vector_info");
	pai_fingerprint_hex(h.fp, fp);
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = CStringGetTextDatum(h.kind == PET_KIND_SLOTS ? "slots" : "plain");
	values[1] = Int32GetDatum((int32) h.count);
	values[2] = Int32GetDatum((int32) h.nct);
	values[3] = Int32GetDatum(h.scale);
	values[4] = CStringGetTextDatum(fp);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}

/* private_eigentrust_vector_slice(key paillier_pubkey, vec bytea, part integer,
 *     parts integer) RETURNS bytea */
MPC_FUNCTION(private_eigentrust_vector_slice)
{
	const pai_pub *pk;
	bytea	   *v;
	int32		part;
	int32		parts;
	pet_vec_hdr h;
	uint32		q0,
				q1,
				per,
				count;
	Size		csz,
				len;
	bytea	   *out;

	pet_require_args(fcinfo, 4, 0, "private_eigentrust_vector_slice");
	pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));
	v = PG_GETARG_BYTEA_PP(1);
	part = PG_GETARG_INT32(2);
	parts = PG_GETARG_INT32(3);
	vec_read_b(v, pk, &h, "private_eigentrust_vector_slice");
	if (h.kind != PET_KIND_PLAIN)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("private_eigentrust_vector_slice: only vectors of one value per ciphertext can be sliced"),
				 errdetail("The vector packs its values into slots.")));
	if (parts < 1 || part < 1 || part > parts || (uint32) parts > Max(h.nct, 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_vector_slice: part must be between 1 and parts, and parts at most the number of ciphertexts")));
	q0 = (uint32) (((uint64) h.nct * (part - 1)) / parts);
	q1 = (uint32) (((uint64) h.nct * part) / parts);
	per = 1;
	count = q1 == h.nct ? h.count - q0 * per : (q1 - q0) * per;
	csz = 2 * (Size) h.nbytes;
	len = PET_VEC_HDR + (q1 - q0) * csz;
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	h.count = count;
	h.nct = q1 - q0;
	pet_vec_write_hdr(&h, (unsigned char *) VARDATA(out));
	memcpy(VARDATA(out) + PET_VEC_HDR, VARDATA_ANY(v) + PET_VEC_HDR + q0 * csz, (q1 - q0) * csz);
	PG_RETURN_BYTEA_P(out);
}

/* ---------------------------------------------------------------------
 * Key holder
 * --------------------------------------------------------------------- */

/* private_eigentrust_decrypt_vector(vec bytea, key paillier_privkey,
 *     out_scale integer) RETURNS bigint[]: every value, rounded half away
 *     from zero to out_scale */
MPC_FUNCTION(private_eigentrust_decrypt_vector)
{
	bytea	   *v;
	const pai_priv *sk;
	pet_vec_hdr h;
	int64	   *vals;
	mpc_status	st;
	mpc_error	err;

	pet_require_args(fcinfo, 3, 0, "private_eigentrust_decrypt_vector");
	v = PG_GETARG_BYTEA_PP(0);
	sk = mpc_privkey_get(PG_GETARG_PAILLIER_PRIVKEY_P(1));
	vec_read((const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), &sk->pub, &h,
			 "private_eigentrust_decrypt_vector");
	vals = palloc(sizeof(int64) * Max(h.count, 1));
	/* the private key may be evicted from the cache by nothing here: this
	 * call loads no other key */
	CORE_CALL(st, pet_vec_decrypt(sk, (const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
								  PG_GETARG_INT32(2), vals, &err));
	if (st != MPC_OK)
		raise_core(&err, "private_eigentrust_decrypt_vector");
	PG_RETURN_ARRAYTYPE_P(pet_int8_array_build(vals, (int) h.count));
}

/* ---------------------------------------------------------------------
 * Messages
 * --------------------------------------------------------------------- */

/*
 * private_eigentrust_display(conn text) RETURNS text: a party named in a
 * message.  A connection string (or URI) is parsed by libpq itself and
 * rebuilt with every password replaced by ***; anything libpq does not
 * parse (a foreign server name) is returned as given, unless it holds an
 * '=' or '@', when only "(unparsable connection string)" is shown.
 */
MPC_FUNCTION(private_eigentrust_display)
{
	char	   *s;
	char	   *errmsg = NULL;
	PQconninfoOption *opts;
	StringInfoData out;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (strchr(s, '=') == NULL && strstr(s, "://") == NULL)
		PG_RETURN_TEXT_P(cstring_to_text(s));
	opts = PQconninfoParse(s, &errmsg);
	if (errmsg)
		PQfreemem(errmsg);
	if (opts == NULL)
		PG_RETURN_TEXT_P(cstring_to_text("(unparsable connection string)"));
	initStringInfo(&out);
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
	{
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		if (out.len > 0)
			appendStringInfoChar(&out, ' ');
		if (strcmp(o->keyword, "password") == 0)
			appendStringInfo(&out, "%s=***", o->keyword);
		else
			appendStringInfo(&out, "%s=%s", o->keyword, o->val);
	}
	PQconninfoFree(opts);
	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}

/* ---------------------------------------------------------------------
 * Threshold decryptors
 * --------------------------------------------------------------------- */

/*
 * private_eigentrust_vector_ciphertexts(key paillier_pubkey, vec bytea)
 *     RETURNS paillier_ciphertext[]: the vector's ciphertexts as ordinary
 *     ciphertexts at the vector's scale, so threshold decryption
 *     (paillier_decrypt_share, paillier_combine) can work on them.
 */
MPC_FUNCTION(private_eigentrust_vector_ciphertexts)
{
	const pai_pub *pk;
	bytea	   *v;
	pet_vec_hdr h;
	Oid			rettype,
				elemtype;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	mpz_t		c;
	mpc_error	err;

	pet_require_args(fcinfo, 2, 0, "private_eigentrust_vector_ciphertexts");
	pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));
	v = PG_GETARG_BYTEA_PP(1);
	vec_read_b(v, pk, &h, "private_eigentrust_vector_ciphertexts");
	if (h.kind != PET_KIND_PLAIN || h.nct != h.count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_vector_ciphertexts: only plain vectors (one value per ciphertext) are supported")));
	rettype = get_fn_expr_rettype(fcinfo->flinfo);
	elemtype = OidIsValid(rettype) ? get_element_type(rettype) : InvalidOid;
	if (!OidIsValid(elemtype))
		elog(ERROR, "private_eigentrust_vector_ciphertexts: cannot determine the element type");
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	elems = palloc(sizeof(Datum) * Max(h.nct, 1));
	mpz_init(c);
	for (uint32 q = 0; q < h.nct; q++)
	{
		pet_vec_get((const uint8 *) VARDATA_ANY(v), &h, q, c);
		if (pai_check_ciphertext(pk, c, 1, &err) != MPC_OK)
			raise_core(&err, "private_eigentrust_vector_ciphertexts");
		elems[q] = PointerGetDatum(mpc_make_ct(pk, h.scale, fx_limit(pk), c));
	}
	mpz_clear(c);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int) h.nct, elemtype, typlen, typbyval, typalign));
}

/*
 * private_eigentrust_threshold_decrypt(key paillier_pubkey, vec bytea,
 *     shares paillier_decshare[], threshold integer, out_scale integer)
 *     RETURNS bigint[]
 *
 * shares holds m answers of nct decryption shares each, answer after
 * answer (m = cardinality / nct).  For every ciphertext the shares are
 * taken in answer order: each must be under key and of exactly that
 * ciphertext, and its proof must verify; a share that fails is skipped
 * and named, and the first `threshold` good ones are combined.  Fewer than
 * threshold good shares is ERROR 22000 naming a bad share.
 */
MPC_FUNCTION(private_eigentrust_threshold_decrypt)
{
	const pai_pub *pk;
	bytea	   *v;
	ArrayType  *arr;
	int32		thr,
				out_scale;
	pet_vec_hdr h;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				m,
				first_bad = 0,
				nbad = 0;
	uint32		bad_ct = 0;
	thr_decshare *ds;
	int64	   *vals;
	mpc_error	err;
	mpc_status	st;

	pet_require_args(fcinfo, 5, 0, "private_eigentrust_threshold_decrypt");
	pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));
	v = PG_GETARG_BYTEA_PP(1);
	arr = PG_GETARG_ARRAYTYPE_P(2);
	thr = PG_GETARG_INT32(3);
	out_scale = PG_GETARG_INT32(4);
	vec_read_b(v, pk, &h, "private_eigentrust_threshold_decrypt");
	if (h.nct == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: only non-empty plain vectors (one value per ciphertext) are supported")));
	if (thr < 2 || thr > THR_MAX_SHARES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: threshold must be between 2 and %d, got %d",
						THR_MAX_SHARES, thr)));
	if (out_scale < 0 || out_scale > h.scale)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: out_scale must be between 0 and the vector's scale %d",
						h.scale)));
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("private_eigentrust_threshold_decrypt: shares must be a one-dimensional array")));
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &elems, &nulls, &nelems);
	if (nelems % h.nct != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: %d shares given for %u ciphertexts", nelems, h.nct),
				 errdetail("Each answer must hold one decryption share per ciphertext.")));
	m = nelems / (int) h.nct;
	if (m < thr)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: %d answers given, the key needs %d", m, thr)));
	ds = palloc0(sizeof(thr_decshare) * nelems);
	for (int k = 0; k < nelems; k++)
	{
		bytea	   *b;

		if (nulls[k])
			continue;
		b = DatumGetByteaPP(elems[k]);
		if (thr_decshare_decode(&ds[k], (const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b),
								PAI_MIN_BITS, &err) != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("private_eigentrust_threshold_decrypt: corrupted paillier_decshare in answer %d",
							k / (int) h.nct + 1),
					 errdetail("%s", err.msg)));
	}
	vals = palloc(sizeof(int64) * Max(h.count, 1));
	CORE_CALL(st, pet_vec_thr_decrypt(pk, (const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), ds, m,
									  thr, out_scale, vals, &first_bad, &nbad, &bad_ct, &err));
	for (int k = 0; k < nelems; k++)
		if (ds[k].index > 0)
			thr_decshare_clear(&ds[k]);
	if (st == MPC_ERR_CIPHERTEXT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("private eigentrust: decryption share %d is invalid", first_bad),
				 errdetail("Only %s; a share is refused when it is under another key or another dealing of it, of another ciphertext, or its proof fails.",
						   err.msg),
				 errhint("Check the decryptor holding share %d.", first_bad)));
	if (st != MPC_OK)
		raise_core(&err, "private_eigentrust_threshold_decrypt");
	if (nbad > 0)
		ereport(WARNING,
				(errmsg("private eigentrust: decryption share %d was invalid and left out", first_bad),
				 errdetail("%d invalid decryption shares were skipped; enough valid ones remained.", nbad)));
	PG_RETURN_ARRAYTYPE_P(pet_int8_array_build(vals, (int) h.count));
}

/*
 * The C entry point of 0.1.0's private_eigentrust_party_step, kept so the
 * frozen 0.1.0 install script loads (the upgrade to 0.2.0 drops the SQL
 * function).  It computed on whatever key and trust vector the coordinator
 * sent, so it only refuses.
 */
MPC_FUNCTION(private_eigentrust_party_step)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("private_eigentrust_party_step was retired"),
			 errdetail("It computed on any key and trust vector the coordinator sent."),
			 errhint("Run ALTER EXTENSION mpc_eigentrust UPDATE, then private_eigentrust_party_setup; paper mode now authenticates the key holder (docs/design.md).")));
	PG_RETURN_NULL();
}
