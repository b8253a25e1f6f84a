/*
 * paillier_threshold.c: SQL glue of threshold Paillier (core: threshold.h).
 *
 * Both types store the core's serialised form (big-endian, version byte
 * first) as their varlena payload, so send/recv are that form and every
 * value read back is decoded, which validates it again.
 *
 * Text forms:
 *   paillier_keyshare  output  "ks1 share I of L (threshold T) key FP [share value redacted]"
 *                      export  "ks1:<base64url of the binary form>"  (paillier_keyshare_export)
 *                      input   the export form only
 *   paillier_decshare  "ds1:<base64url of the binary form>" both ways
 *
 * A key share is a secret: the output function does not print it, so that
 * SELECT *, psql sessions, \copy to a terminal and logged results do not
 * spread it (docs/design.md, "Threshold decryption").
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "encoding.h"
#include "paillier_glue.h"
#include "serial.h"
#include "threshold.h"


#define KS_PREFIX "ks1:"
#define DS_PREFIX "ds1:"

/* "the value is truncated" -> "The value is truncated." */
static char *
sentence(const char *msg)
{
	char	   *s = psprintf("%s.", msg);

	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char) (s[0] - 'a' + 'A');
	return s;
}

static bytea *
bytes_varlena(Size len)
{
	bytea	   *v = palloc(VARHDRSZ + len);

	SET_VARSIZE(v, VARHDRSZ + len);
	return v;
}

static bytea *
keyshare_varlena(const thr_keyshare *ks)
{
	bytea	   *v = bytes_varlena(thr_keyshare_size(ks));

	thr_keyshare_encode(ks, (uint8 *) VARDATA(v));
	return v;
}

static bytea *
decshare_varlena(const thr_decshare *ds)
{
	bytea	   *v = bytes_varlena(thr_decshare_size(ds));

	thr_decshare_encode(ds, (uint8 *) VARDATA(v));
	return v;
}

/* A stored value: it was validated on the way in, so a failure here means
 * the bytes changed on disk. */
static void
keyshare_get(Datum d, thr_keyshare *ks)
{
	bytea	   *v = DatumGetByteaPP(d);
	mpc_error	err;

	if (thr_keyshare_decode(ks, (const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
							PAI_MIN_BITS, &err) != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_keyshare"),
				 errdetail("%s", sentence(err.msg))));
}

static void
decshare_get(Datum d, thr_decshare *ds)
{
	bytea	   *v = DatumGetByteaPP(d);
	mpc_error	err;

	if (thr_decshare_decode(ds, (const uint8 *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
							PAI_MIN_BITS, &err) != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_decshare"),
				 errdetail("%s", sentence(err.msg))));
}

/* Decode outside bytes into a key share, check that its value matches its
 * verification key, and return the canonical stored form. */
static bytea *
keyshare_from_bytes(const uint8 *b, Size len, int sqlstate, const char *what)
{
	thr_keyshare ks;
	mpc_error	err;
	bytea	   *v;

	if (thr_keyshare_decode(&ks, b, len, PAI_MIN_BITS, &err) != MPC_OK)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s paillier_keyshare", what),
				 errdetail("%s", sentence(err.msg))));
	if (thr_keyshare_check(&ks, &err) != MPC_OK)
	{
		thr_keyshare_clear(&ks);
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s paillier_keyshare", what),
				 errdetail("%s", sentence(err.msg))));
	}
	v = keyshare_varlena(&ks);
	thr_keyshare_clear(&ks);
	return v;
}

static bytea *
decshare_from_bytes(const uint8 *b, Size len, int sqlstate, const char *what)
{
	thr_decshare ds;
	mpc_error	err;
	bytea	   *v;

	if (thr_decshare_decode(&ds, b, len, PAI_MIN_BITS, &err) != MPC_OK)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s paillier_decshare", what),
				 errdetail("%s", sentence(err.msg))));
	v = decshare_varlena(&ds);
	thr_decshare_clear(&ds);
	return v;
}

/* base64url text after a prefix into bytes, 22P02 on any problem */
static uint8 *
text_payload(const char *s, const char *prefix, const char *type, const char *hint, Size *len)
{
	Size		plen = strlen(prefix);
	Size		tlen;
	uint8	   *raw;
	mpc_error	err;

	if (strncmp(s, prefix, plen) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", type),
				 errdetail("Expected \"%s\" followed by base64url.", prefix),
				 hint ? errhint("%s", hint) : 0));
	tlen = strlen(s + plen);
	if (tlen > 4 * (Size) MaxAllocSize / 3 - 8)
		mpc_bad_text(type, "The value is too long.");
	raw = palloc(b64url_decoded_max(tlen) + 1);
	if (b64url_decode(s + plen, tlen, raw, len, &err) != MPC_OK)
		mpc_bad_text(type, sentence(err.msg));
	return raw;
}

/* ---------------------------------------------------------------------
 * paillier_keyshare
 * --------------------------------------------------------------------- */
MPC_FUNCTION(paillier_keyshare_in)
{
	char	   *s = PG_GETARG_CSTRING(0);
	Size		len;
	uint8	   *raw;
	bytea	   *v;

	if (strncmp(s, "ks1 ", 4) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type paillier_keyshare"),
				 errdetail("This is the redacted display form, which does not carry the share value."),
				 errhint("Move key shares with paillier_keyshare_export() or COPY ... (FORMAT binary).")));
	raw = text_payload(s, KS_PREFIX, "paillier_keyshare",
					   "Key shares are read from the text that paillier_keyshare_export() writes.",
					   &len);
	v = keyshare_from_bytes(raw, len, ERRCODE_INVALID_TEXT_REPRESENTATION, "input syntax for type");
	mpc_wipe(raw, len);			/* the input string belongs to the caller */
	PG_RETURN_BYTEA_P(v);
}

MPC_FUNCTION(paillier_keyshare_out)
{
	thr_keyshare ks;
	char	   *out;
	char		fp[PAI_FP_HEX_LEN];

	keyshare_get(PG_GETARG_DATUM(0), &ks);
	pai_fingerprint_hex(ks.pub.fp, fp);
	out = psprintf("ks1 share %d of %d (threshold %d%s) key %s [share value redacted]",
				   ks.index, ks.l, ks.t, ks.kind == THR_KIND_SPLIT ? ", split key" : "", fp);
	thr_keyshare_clear(&ks);
	PG_RETURN_CSTRING(out);
}

MPC_FUNCTION(paillier_keyshare_export)
{
	bytea	   *v = PG_GETARG_BYTEA_PP(0);
	thr_keyshare ks;
	Size		len = VARSIZE_ANY_EXHDR(v);
	char	   *buf;
	text	   *result;

	keyshare_get(PointerGetDatum(v), &ks);	/* validates */
	thr_keyshare_clear(&ks);
	buf = palloc(strlen(KS_PREFIX) + b64url_encoded_len(len) + 1);
	strcpy(buf, KS_PREFIX);
	b64url_encode((const uint8 *) VARDATA_ANY(v), len, buf + strlen(KS_PREFIX));
	result = cstring_to_text(buf);
	mpc_wipe(buf, strlen(buf));
	PG_RETURN_TEXT_P(result);
}

MPC_FUNCTION(paillier_keyshare_send)
{
	bytea	   *v = PG_GETARG_BYTEA_PP(0);
	thr_keyshare ks;
	StringInfoData buf;

	keyshare_get(PointerGetDatum(v), &ks);
	thr_keyshare_clear(&ks);
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

MPC_FUNCTION(paillier_keyshare_recv)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Size		len = buf->len - buf->cursor;
	const char *b = pq_getmsgbytes(buf, len);

	PG_RETURN_BYTEA_P(keyshare_from_bytes((const uint8 *) b, len,
										  ERRCODE_INVALID_BINARY_REPRESENTATION,
										  "binary value for type"));
}

/* paillier_pubkey(paillier_keyshare) RETURNS paillier_pubkey */
MPC_FUNCTION(paillier_pubkey_of_keyshare)
{
	thr_keyshare ks;
	PaillierPubkey *pk;

	keyshare_get(PG_GETARG_DATUM(0), &ks);
	pk = mpc_make_pubkey(&ks.pub);
	thr_keyshare_clear(&ks);
	PG_RETURN_POINTER(pk);
}

/* ---------------------------------------------------------------------
 * paillier_decshare
 * --------------------------------------------------------------------- */
MPC_FUNCTION(paillier_decshare_in)
{
	char	   *s = PG_GETARG_CSTRING(0);
	Size		len;
	uint8	   *raw = text_payload(s, DS_PREFIX, "paillier_decshare", NULL, &len);

	PG_RETURN_BYTEA_P(decshare_from_bytes(raw, len, ERRCODE_INVALID_TEXT_REPRESENTATION,
										  "input syntax for type"));
}

MPC_FUNCTION(paillier_decshare_out)
{
	bytea	   *v = PG_GETARG_BYTEA_PP(0);
	thr_decshare ds;
	Size		len = VARSIZE_ANY_EXHDR(v);
	char	   *buf;

	decshare_get(PointerGetDatum(v), &ds);
	thr_decshare_clear(&ds);
	buf = palloc(strlen(DS_PREFIX) + b64url_encoded_len(len) + 1);
	strcpy(buf, DS_PREFIX);
	b64url_encode((const uint8 *) VARDATA_ANY(v), len, buf + strlen(DS_PREFIX));
	PG_RETURN_CSTRING(buf);
}

MPC_FUNCTION(paillier_decshare_send)
{
	bytea	   *v = PG_GETARG_BYTEA_PP(0);
	thr_decshare ds;
	StringInfoData buf;

	decshare_get(PointerGetDatum(v), &ds);
	thr_decshare_clear(&ds);
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

MPC_FUNCTION(paillier_decshare_recv)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Size		len = buf->len - buf->cursor;
	const char *b = pq_getmsgbytes(buf, len);

	PG_RETURN_BYTEA_P(decshare_from_bytes((const uint8 *) b, len,
										  ERRCODE_INVALID_BINARY_REPRESENTATION,
										  "binary value for type"));
}

/* ---------------------------------------------------------------------
 * Dealing
 * --------------------------------------------------------------------- */
static void
check_counts(int32 shares, int32 threshold, const char *what)
{
	if (threshold < 2 || shares < threshold || shares > THR_MAX_SHARES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: need 2 <= threshold <= shares <= %d, got threshold %d and shares %d",
						what, THR_MAX_SHARES, threshold, shares),
				 errhint("A threshold of 1 is an ordinary key: use paillier_keygen().")));
}

/* Deal the shares of sk and return them as rows (pubkey, share); every
 * share is wiped from core memory before return. */
static void
deal_rows(FunctionCallInfo fcinfo, const pai_priv *sk, int l, int t, const char *what)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	thr_keyshare *ks = palloc0(sizeof(thr_keyshare) * l);
	mpc_error	err;
	mpc_status	st;
	Datum		pk;
	int			i;

	st = thr_deal(sk, l, t, ks, &err);
	if (st != MPC_OK)
		mpc_raise(&err, what);
	PG_TRY();
	{
		InitMaterializedSRF(fcinfo, 0);
		pk = PointerGetDatum(mpc_make_pubkey(&sk->pub));
		for (i = 0; i < l; i++)
		{
			Datum		values[2];
			bool		nulls[2] = {false, false};
			bytea	   *v = keyshare_varlena(&ks[i]);

			values[0] = pk;
			values[1] = PointerGetDatum(v);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			mpc_wipe(VARDATA(v), VARSIZE(v) - VARHDRSZ);
			pfree(v);
		}
	}
	PG_FINALLY();
	{
		for (i = 0; i < l; i++)
			thr_keyshare_clear(&ks[i]);
	}
	PG_END_TRY();
	pfree(ks);
}

/* paillier_threshold_keygen(bits integer, shares integer, threshold integer)
 * RETURNS TABLE(pubkey paillier_pubkey, share paillier_keyshare) */
MPC_FUNCTION(paillier_threshold_keygen)
{
	int32		bits = PG_GETARG_INT32(0);
	int32		shares = PG_GETARG_INT32(1);
	int32		threshold = PG_GETARG_INT32(2);
	pai_priv	sk;
	mpc_error	err;
	mpc_status	st;

	if (bits < PAI_KEYGEN_MIN_BITS || bits > PAI_KEYGEN_MAX_BITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("paillier_threshold_keygen: key size must be between %d and %d bits, got %d",
						PAI_KEYGEN_MIN_BITS, PAI_KEYGEN_MAX_BITS, bits)));
	check_counts(shares, threshold, "paillier_threshold_keygen");
	/* a cancel throws from CORE_CALL's CHECK_FOR_INTERRUPTS; else search again */
	CORE_CALL(st, thr_keygen_safe(&sk, (size_t) bits, PAI_KEYGEN_MIN_BITS, &err));
	if (st != MPC_OK)
		mpc_raise(&err, "paillier_threshold_keygen");
	PG_TRY();
	{
		deal_rows(fcinfo, &sk, shares, threshold, "paillier_threshold_keygen");
	}
	PG_FINALLY();
	{
		pai_priv_clear(&sk);
	}
	PG_END_TRY();
	return (Datum) 0;
}

/* paillier_threshold_split(key paillier_privkey, shares integer, threshold integer)
 * RETURNS TABLE(pubkey paillier_pubkey, share paillier_keyshare) */
MPC_FUNCTION(paillier_threshold_split)
{
	PaillierPrivkey *skv = PG_GETARG_PAILLIER_PRIVKEY_P(0);
	int32		shares = PG_GETARG_INT32(1);
	int32		threshold = PG_GETARG_INT32(2);

	check_counts(shares, threshold, "paillier_threshold_split");
	deal_rows(fcinfo, mpc_privkey_get(skv), shares, threshold, "paillier_threshold_split");
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Decryption
 * --------------------------------------------------------------------- */

/*
 * One fixed-base table for the verification base v per backend: built on
 * the second use of a dealing (about 28 ms and 12 MB at 2048 bits), it saves
 * about 4 ms per decryption share and 5 ms per combination.  v is public,
 * so the table holds no secret.  Keys whose table would exceed
 * VT_MAX_BYTES go without.
 */
#define VT_MAX_BYTES ((Size) 64 * 1024 * 1024)

static struct
{
	bool		built;
	uint8		digest[THR_HASH_LEN];	/* the dealing the table is for */
	bool		seen_valid;
	uint8		seen[THR_HASH_LEN];		/* the dealing used last */
	void	   *buf;
	fb_table	vt;
}			vcache;

static const fb_table *
vtable_for(const pai_pub *pk, const uint8 *digest, const mpz_t v, int l, int t)
{
	Size		bytes;
	mpc_error	err;
	mpc_status	st;

	if (vcache.built && memcmp(vcache.digest, digest, THR_HASH_LEN) == 0)
		return &vcache.vt;
	if (!vcache.seen_valid || memcmp(vcache.seen, digest, THR_HASH_LEN) != 0)
	{
		memcpy(vcache.seen, digest, THR_HASH_LEN);
		vcache.seen_valid = true;
		return NULL;
	}
	bytes = thr_vtable_bytes(pk, l, t);
	if (bytes == 0 || bytes > VT_MAX_BYTES)
		return NULL;
	vcache.built = false;
	if (vcache.buf != NULL)
		pfree(vcache.buf);
	vcache.buf = MemoryContextAllocExtended(TopMemoryContext, bytes, MCXT_ALLOC_HUGE);
	CORE_CALL(st, thr_vtable_init(&vcache.vt, vcache.buf, bytes, pk, v, l, t, &err));
	if (st != MPC_OK)
		return NULL;
	memcpy(vcache.digest, digest, THR_HASH_LEN);
	vcache.built = true;
	return &vcache.vt;
}

/* paillier_decrypt_share(ciphertext paillier_ciphertext, share paillier_keyshare)
 * RETURNS paillier_decshare */
MPC_FUNCTION(paillier_decrypt_share)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);
	thr_keyshare ks;
	thr_decshare ds;
	mpc_error	err;
	mpz_t		c, n;
	bytea	   *v;
	bool		same;

	mpc_check_ct(ct);
	keyshare_get(PG_GETARG_DATUM(1), &ks);
	mpz_inits(c, n, NULL);
	ser_from_bytes(n, CT_N(ct), ct->nbytes);
	same = memcmp(ct->fp, ks.pub.fp, PAI_FP_LEN) == 0 && mpz_cmp(n, ks.pub.n) == 0;
	if (!same)
	{
		thr_keyshare_clear(&ks);
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("paillier_decrypt_share: ciphertext was encrypted under a different key"),
				 errdetail("The ciphertext's key fingerprint does not match the key share's.")));
	}
	mpc_ct_get(ct, c);
	if (thr_decrypt_share_vt(&ks, c, ct->scale, vtable_for(&ks.pub, ks.digest, ks.v, ks.l, ks.t),
							 &ds, &err) != MPC_OK)
	{
		thr_keyshare_clear(&ks);
		mpc_raise(&err, "paillier_decrypt_share");
	}
	thr_keyshare_clear(&ks);
	v = decshare_varlena(&ds);
	thr_decshare_clear(&ds);
	mpz_clears(c, n, NULL);
	PG_RETURN_BYTEA_P(v);
}

/* paillier_combine(shares paillier_decshare[]) RETURNS numeric; NULL
 * elements are skipped.  Also the final function of the aggregate
 * paillier_combine(paillier_decshare). */
MPC_FUNCTION(paillier_combine_array)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				i,
				k = 0,
				bad = 0;
	thr_decshare *ds;
	const thr_decshare **sel;
	mpc_error	err;
	mpc_status	st;
	mpz_t		m, v;
	Datum		result;

	nelems = mpc_array_elements(arr, &elems, &nulls);
	if (nelems > 4 * THR_MAX_SHARES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("paillier_combine: %d decryption shares given, at most %d are accepted",
						nelems, 4 * THR_MAX_SHARES)));
	ds = palloc0(sizeof(thr_decshare) * (nelems + 1));
	sel = palloc0(sizeof(thr_decshare *) * (nelems + 1));
	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			continue;
		decshare_get(elems[i], &ds[k]);
		sel[k] = &ds[k];
		k++;
	}
	mpz_inits(m, v, NULL);
	st = thr_combine_vt(sel, (size_t) k, 1,
						k > 0 ? vtable_for(&ds[0].pub, ds[0].digest, ds[0].v, ds[0].l, ds[0].t) : NULL,
						m, &bad, &err);
	if (st == MPC_ERR_CIPHERTEXT && bad > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("paillier_combine: decryption share %d has an invalid proof", bad),
				 errdetail("The share was not computed from this ciphertext with the key share it claims, or it was altered."),
				 errhint("Leave share %d out and combine the others, then ask its steward for a new one.", bad)));
	if (st == MPC_ERR_CIPHERTEXT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("paillier_combine: %s", err.msg),
				 errdetail("Every proof verified, so one of the shares is wrong in a way only a key split from an existing key (not made with safe primes) lets a proof hide."),
				 errhint("Combine other subsets of the shares to find the one that fails.")));
	if (st == MPC_ERR_ARG && k == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("paillier_combine: no decryption shares were given")));
	if (st != MPC_OK)
		mpc_raise(&err, "paillier_combine");
	if (enc_from_residue(&ds[0].pub, v, m, &err) != MPC_OK)
		mpc_raise(&err, "paillier_combine");
	result = mpc_numeric_from_scaled(v, ds[0].scale);
	for (i = 0; i < k; i++)
		thr_decshare_clear(&ds[i]);
	mpz_clears(m, v, NULL);
	PG_RETURN_DATUM(result);
}
