/*
 * protocol_paper_dec.c: the key holder and the threshold decryptors of
 * paper-mode private EigenTrust (docs/design.md, "Paper mode").  A run
 * lives in the session the coordinator opened; the round counter, the round
 * key and t live there too, never in a table the coordinator can name.
 *
 *   hello     identity public key and a fresh nonce
 *   setup     checks the public inputs (every party's key pinned by the
 *             owner), derives a MAC key with each party, sets t_1 = p and
 *             returns round 1's message, tagged for every party: a fresh
 *             key and Enc(t_1) (key holder) or t_1 (decryptor)
 *   decrypt   round r: takes exactly one vector from every party, each
 *             checked against the tag its party made for this participant
 *             and round, multiplies them and decrypts only that product,
 *             once.  The key holder derives t_{r+1} itself, makes round
 *             r+1's key, retires round r's and returns round r+1's message;
 *             a decryptor returns its decryption shares of the product
 *   advance   (decryptors) combines the shares of the product it computed
 *             itself, derives t_{r+1} and returns round r+1's message
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "mpc_pg.h"
#include "paillier_glue.h"
#include "paper.h"
#include "protocol.h"
#include "protocol_pg.h"
#include "threshold.h"

#define PD_HELLO	1
#define PD_VECTORS	2			/* waiting for round r's vectors */
#define PD_SHARES	3			/* decryptor: shares of round r given */

typedef struct pd_run
{
	pet_session s;				/* first: context, run id, owner, phase */
	char		krun[AM_MAX_RUN_LEN + 1];
	uint8		priv[ZS_PRIV_LEN];
	uint8		pub[ZS_PUB_LEN];
	uint8		nonce[PP_NONCE_LEN];
	pet_known	known;
	uint32		np,
				nd,
				self,			/* participant number np + d */
				n;
	unsigned char *hmask;
	int64	   *p;
	int64	   *t;				/* t_r */
	double		alpha;
	uint8		setup[AM_DIGEST_LEN];
	uint8		(*mac)[AM_KEY_LEN];	/* with party k at [k - 1] */
	int64		round;			/* r */
	int32		key_bits;
	bool		has_sk;
	pai_priv	sk;				/* key holder: round r's key */
	bool		has_ks;
	thr_keyshare ks;			/* decryptor: its share */
	unsigned char *prod;		/* decryptor: round r's product */
	size_t		prod_len;
} pd_run;

static pd_run *cur = NULL;

static void
pd_forget(void)
{
	if (cur == NULL)
		return;
	mpc_wipe(cur->priv, sizeof(cur->priv));
	if (cur->mac)
		mpc_wipe(cur->mac, sizeof(*cur->mac) * cur->np);
	if (cur->has_sk)
		pai_priv_clear(&cur->sk);
	if (cur->has_ks)
		thr_keyshare_clear(&cur->ks);
	MemoryContextDelete(cur->s.cxt);
	cur = NULL;
}

static pd_run *
pd_get(const char *run, const char *fn)
{
	pet_session_check(cur ? &cur->s : NULL, run, 0, fn);
	return cur;
}

static const pai_pub *
pd_key(pd_run *r)
{
	return r->has_sk ? &r->sk.pub : &r->ks.pub;
}

/* Round r's message: the key and Enc(t_r) or t_r, tagged for every party. */
static bytea *
pd_message(pd_run *r)
{
	const pai_pub *pk = pd_key(r);
	int			kind = r->has_sk ? PP_BODY_ENC : PP_BODY_PLAIN;
	size_t		blen = pp_body_size(pk, r->n, kind),
				mlen = pp_env_size(blen, r->np);
	unsigned char *body = palloc(blen);
	unsigned char *enc = NULL;
	bytea	   *out;
	mpc_status	st;
	mpc_error	err;

	if (kind == PP_BODY_ENC)
	{
		enc = palloc(pet_vec_bytes(pk, r->n));
		CORE_CALL(st, pet_vec_encrypt(pk, mpc_djn_get_batch(pk, r->n), r->t, r->n, PET_SCALE_T, enc, &err));
		if (st != MPC_OK)
			mpc_raise(&err, "private eigentrust");
	}
	if (pp_body_write(body, pk, kind, enc, r->t, r->n, &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	out = palloc(VARHDRSZ + mlen);
	SET_VARSIZE(out, VARHDRSZ + mlen);
	if (pp_env_build((unsigned char *) VARDATA(out), PP_ROUND, r->self, r->round, 1, r->np, body,
					 blen, (const uint8 (*)[AM_KEY_LEN]) r->mac, r->krun, r->setup, &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	return out;
}

/* A fresh round key (key holder), in the run's context. */
static void
pd_new_key(pd_run *r)
{
	MemoryContext old = MemoryContextSwitchTo(r->s.cxt);
	mpc_status	st;
	mpc_error	err;

	if (r->has_sk)
	{
		pai_priv_clear(&r->sk);
		r->has_sk = false;
	}
	CORE_CALL(st, pai_keygen(&r->sk, (size_t) r->key_bits, PAI_KEYGEN_MIN_BITS, &err));
	MemoryContextSwitchTo(old);
	if (st != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	r->has_sk = true;
}

/*
 * private_eigentrust_paper_dec_hello(run_id text, identity bytea,
 *     known_keys bytea[], OUT public_key bytea, OUT nonce bytea)
 */
static Datum
dec_hello(FunctionCallInfo fcinfo, void *state)
{
	pd_run	   *r = state;
	TupleDesc	td;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	pet_identity(PG_GETARG_BYTEA_PP(1), r->priv, r->pub);
	pet_known_keys(PG_GETARG_ARRAYTYPE_P(2), r->s.cxt, &r->known);
	pet_random(r->nonce, PP_NONCE_LEN);
	r->s.phase = PD_HELLO;
	values[0] = PointerGetDatum(pet_bytea(r->pub, ZS_PUB_LEN));
	values[1] = PointerGetDatum(pet_bytea(r->nonce, PP_NONCE_LEN));
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls));
}

MPC_FUNCTION(private_eigentrust_paper_dec_hello)
{
	char	   *run;

	pet_require_args(fcinfo, 3, 0, "private_eigentrust_paper_dec_hello");
	run = pet_run_arg(PG_GETARG_TEXT_PP(0));
	/* a new run ends any earlier one of this session */
	pd_forget();
	cur = pet_session_new(sizeof(pd_run), run);
	PG_RETURN_DATUM(pet_guarded(dec_hello, fcinfo, cur, pd_forget));
}

static Datum
pd_setup(FunctionCallInfo fcinfo, void *state)
{
	pd_run	   *r = state;
	pet_public	pub;
	int32		d = PG_GETARG_INT32(1);
	mpc_error	err;

	pet_public_args(fcinfo, 2, r->s.run, &pub, "private_eigentrust_paper_dec_setup");
	if (d < 1 || (uint32) d > pub.nd)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: decryptor number %d is not between 1 and %u", d, pub.nd)));
	r->self = pub.np + (uint32) d;
	pet_check_self(&pub, r->self, r->pub, r->nonce);
	pet_check_pinned(&pub, 1, pub.np, &r->known);
	r->np = pub.np;
	r->nd = pub.nd;
	r->n = pub.n;
	r->alpha = pub.alpha;
	r->hmask = MemoryContextAlloc(r->s.cxt, pub.n);
	memcpy(r->hmask, pub.hmask, pub.n);
	r->p = MemoryContextAlloc(r->s.cxt, sizeof(int64) * pub.n);
	memcpy(r->p, pub.p, sizeof(int64) * pub.n);
	r->t = MemoryContextAlloc(r->s.cxt, sizeof(int64) * pub.n);
	memcpy(r->t, pub.p, sizeof(int64) * pub.n);
	pet_setup_digest(&pub, r->krun, r->setup);
	r->mac = MemoryContextAllocZero(r->s.cxt, sizeof(*r->mac) * r->np);
	for (uint32 k = 1; k <= r->np; k++)
	{
		if (pp_pair_key(r->priv, r->self, k, pub.pubs, r->krun, r->mac[k - 1], &err) != MPC_OK)
			mpc_raise(&err, "private eigentrust");
		CHECK_FOR_INTERRUPTS();
	}
	mpc_wipe(r->priv, sizeof(r->priv));
	if (PG_ARGISNULL(12))
	{
		/* the key holder: a fresh key per round */
		if (pub.nd != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: a key holder works alone, %u decryptors were given", pub.nd)));
		r->key_bits = PG_GETARG_INT32(11);
		if (r->key_bits < PAI_KEYGEN_MIN_BITS || r->key_bits > PAI_KEYGEN_MAX_BITS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: key_bits must be between %d and %d",
							PAI_KEYGEN_MIN_BITS, PAI_KEYGEN_MAX_BITS)));
		pd_new_key(r);
	}
	else
	{
		bytea	   *b = PG_GETARG_BYTEA_PP(12);
		MemoryContext old = MemoryContextSwitchTo(r->s.cxt);
		mpc_status	st = thr_keyshare_decode(&r->ks, (const uint8 *) VARDATA_ANY(b),
											 VARSIZE_ANY_EXHDR(b), PAI_MIN_BITS, &err);

		MemoryContextSwitchTo(old);
		if (st != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("private eigentrust: corrupted paillier_keyshare"),
					 errdetail("%s", err.msg)));
		r->has_ks = true;
	}
	r->round = 1;
	r->s.phase = PD_VECTORS;
	return PointerGetDatum(pd_message(r));
}

/*
 * private_eigentrust_paper_dec_setup(run_id text, self integer,
 *     public_keys bytea[], nonces bytea[], parties integer, need integer,
 *     peers bigint[], hosted boolean[], pretrust bigint[], alpha float8,
 *     allow_two_parties boolean, key_bits integer, keyshare paillier_keyshare)
 *     RETURNS bytea
 */
MPC_FUNCTION(private_eigentrust_paper_dec_setup)
{
	char	   *run;

	pet_require_args(fcinfo, 12, (1u << 8) | (1u << 11), "private_eigentrust_paper_dec_setup");
	run = pet_run_arg(PG_GETARG_TEXT_PP(0));
	pet_session_check(cur ? &cur->s : NULL, run, PD_HELLO, "private_eigentrust_paper_dec_setup");
	PG_RETURN_DATUM(pet_guarded(pd_setup, fcinfo, cur, pd_forget));
}

/* The product of round r's vectors, one from every party, each checked. */
static void
pd_product(pd_run *r, int64 round, ArrayType *vectors)
{
	const uint8 **msgs;
	size_t	   *lens;
	int			nv = pet_bytea_array(vectors, &msgs, &lens, "vectors");
	const unsigned char **bodies = palloc0(sizeof(unsigned char *) * r->np);
	size_t	   *blens = palloc0(sizeof(size_t) * r->np);
	const pai_pub *pk = pd_key(r);
	pet_vec_hdr h;
	uint32		nct;
	mpc_status	st;
	mpc_error	err;

	if (r->s.phase != PD_VECTORS || round != r->round)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private eigentrust: vectors of round %lld refused, this %s expects round %lld's",
						(long long) round, r->has_sk ? "key holder" : "decryptor",
						(long long) (r->s.phase == PD_VECTORS ? r->round : r->round + 1)),
				 errdetail("Each round's product is decrypted once, rounds in order.")));
	if ((uint32) nv != r->np)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private eigentrust: %d vectors given, one from each of the %u parties is needed",
						nv, r->np),
				 errdetail("Only the product of every party's contribution is decrypted.")));
	for (int k = 0; k < nv; k++)
	{
		pp_env		e;

		if (msgs[k] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: vector %d is missing", k + 1)));
		if (pp_env_peek(&e, msgs[k], lens[k], &err) != MPC_OK)
			pet_protocol_raise(&err, "private eigentrust");
		if (e.sender < 1 || e.sender > r->np || bodies[e.sender - 1] != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: vector %d claims party %u, not a party that has not sent yet",
							k + 1, e.sender),
					 errdetail("Only the product of every party's contribution is decrypted.")));
		if (pp_env_check(&e, PP_VECTOR, round, r->self, r->mac[e.sender - 1], r->krun, r->setup,
						 &err) != MPC_OK)
			pet_protocol_raise(&err, "private eigentrust");
		bodies[e.sender - 1] = e.body;
		blens[e.sender - 1] = e.blen;
	}
	/* every party packs its partial sums into slots of pet_slot_bits(np)
	 * bits, which leave room for the sum over the parties */
	if (pet_vec_read_hdr(&h, bodies[0], blens[0], pk, &err) != MPC_OK)
		pet_protocol_raise(&err, "private eigentrust");
	if (h.kind != PET_KIND_SLOTS || h.slot_bits != (int) pet_slot_bits(r->np) ||
		h.count != r->n || h.scale != PET_SCALE_TC ||
		pet_slots_bytes(pk, r->n, pet_slot_bits(r->np), &nct) != blens[0] || h.nct != nct)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private eigentrust: party 1's vector holds %u values at scale %d in %u ciphertexts of %d-bit slots, not %u at scale %d in %u-bit slots",
						h.count, h.scale, h.nct, h.slot_bits, r->n, PET_SCALE_TC, pet_slot_bits(r->np))));
	r->prod_len = blens[0];
	r->prod = MemoryContextAlloc(r->s.cxt, r->prod_len);
	CORE_CALL(st, pet_vec_product(pk, bodies, blens, (int) r->np, r->prod, &err));
	if (st != MPC_OK)
		pet_protocol_raise(&err, "private eigentrust");
}

/* sums (scale PET_SCALE_U) -> t_{r+1}; round r+1's message and outputs */
static Datum
pd_next(FunctionCallInfo fcinfo, pd_run *r, const int64 *sums)
{
	TupleDesc	td;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int64	   *tn = palloc(sizeof(int64) * r->n);
	double		res;
	mpc_error	err;

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (pet_next(r->n, sums, r->t, r->p, r->hmask, r->alpha, tn, &res, &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	memcpy(r->t, tn, sizeof(int64) * r->n);
	pfree(r->prod);
	r->prod = NULL;
	r->round++;
	r->s.phase = PD_VECTORS;
	if (r->has_sk)
		pd_new_key(r);			/* round r's key is gone */
	values[0] = PointerGetDatum(pd_message(r));
	values[1] = PointerGetDatum(pet_int8_array_build(tn, (int) r->n));
	values[2] = Float8GetDatum(res);
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls));
}

/* This decryptor's shares of the product: be32 count, then be32 length and
 * the encoded share for each ciphertext. */
static bytea *
pd_shares(pd_run *r)
{
	pet_vec_hdr h;
	StringInfoData buf;
	thr_decshare ds;
	mpz_t		c;
	mpc_status	st;
	mpc_error	err;

	(void) pet_vec_read_hdr(&h, r->prod, r->prod_len, NULL, &err);
	initStringInfo(&buf);
	pq_sendint32(&buf, h.nct);
	mpz_init(c);
	for (uint32 q = 0; q < h.nct; q++)
	{
		size_t		len;
		char	   *p;

		pet_vec_get(r->prod, &h, q, c);
		CORE_CALL(st, thr_decrypt_share(&r->ks, c, h.scale, &ds, &err));
		if (st != MPC_OK)
			mpc_raise(&err, "private eigentrust");
		len = thr_decshare_size(&ds);
		pq_sendint32(&buf, (uint32) len);
		enlargeStringInfo(&buf, (int) len);
		p = buf.data + buf.len;
		thr_decshare_encode(&ds, (uint8 *) p);
		buf.len += (int) len;
		thr_decshare_clear(&ds);
	}
	mpz_clear(c);
	return pet_bytea(buf.data, buf.len);
}

/*
 * private_eigentrust_paper_decrypt(run_id text, round integer,
 *     vectors bytea[], OUT message bytea, OUT t bigint[], OUT residual float8)
 */
static Datum
dec_decrypt(FunctionCallInfo fcinfo, void *state)
{
	pd_run	   *r = state;
	TupleDesc	td;
	Datum		values[3] = {0, 0, 0};
	bool		nulls[3] = {false, true, true};

	pd_product(r, PG_GETARG_INT32(1), PG_GETARG_ARRAYTYPE_P(2));
	if (r->has_sk)
	{
		int64	   *sums = palloc(sizeof(int64) * r->n);
		mpc_status	st;
		mpc_error	err;

		CORE_CALL(st, pet_vec_decrypt(&r->sk, r->prod, r->prod_len, PET_SCALE_U, sums, &err));
		if (st != MPC_OK)
			mpc_raise(&err, "private eigentrust");
		return pd_next(fcinfo, r, sums);
	}
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = PointerGetDatum(pd_shares(r));
	r->s.phase = PD_SHARES;
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls));
}

MPC_FUNCTION(private_eigentrust_paper_decrypt)
{
	pet_require_args(fcinfo, 3, 0, "private_eigentrust_paper_decrypt");
	PG_RETURN_DATUM(pet_guarded(dec_decrypt, fcinfo,
								pd_get(pet_run_arg(PG_GETARG_TEXT_PP(0)), "private_eigentrust_paper_decrypt"),
								pd_forget));
}

/* Every answer's shares, decoded: ds[a * nct + q] (index 0 when missing). */
static thr_decshare *
pd_decode_answers(ArrayType *answers, uint32 nct, int *m)
{
	const uint8 **msgs;
	size_t	   *lens;
	thr_decshare *ds;
	mpc_error	err;

	*m = pet_bytea_array(answers, &msgs, &lens, "answers");
	ds = palloc0(sizeof(thr_decshare) * Max((Size) *m * nct, 1));
	for (int a = 0; a < *m; a++)
	{
		StringInfoData buf;

		if (msgs[a] == NULL)
			continue;
		buf.data = (char *) msgs[a];
		buf.len = (int) lens[a];
		buf.cursor = 0;
		/* an answer that does not parse counts as missing: the shares of
		 * the others may still reach the threshold */
		if (buf.len < 4 || pq_getmsgint(&buf, 4) != nct)
			continue;
		for (uint32 q = 0; q < nct; q++)
		{
			uint32		len;

			if (buf.len - buf.cursor < 4)
				break;
			len = pq_getmsgint(&buf, 4);
			if (len > (uint32) (buf.len - buf.cursor))
				break;
			if (thr_decshare_decode(&ds[(Size) a * nct + q], (const uint8 *) buf.data + buf.cursor,
									len, PAI_MIN_BITS, &err) != MPC_OK)
			{
				ds[(Size) a * nct + q].index = 0;	/* cleared by the decoder */
				break;
			}
			buf.cursor += (int) len;
		}
	}
	return ds;
}

/*
 * private_eigentrust_paper_advance(run_id text, round integer,
 *     answers bytea[], OUT message bytea, OUT t bigint[], OUT residual float8)
 */
static Datum
dec_advance(FunctionCallInfo fcinfo, void *state)
{
	pd_run	   *r = state;
	int64		round = PG_GETARG_INT32(1);
	int			m,
				first_bad,
				nbad;
	uint32		bad_ct = 0;
	pet_vec_hdr h;
	thr_decshare *ds;
	int64	   *sums = palloc(sizeof(int64) * r->n);
	mpc_status	st;
	mpc_error	err;

	if (r->s.phase != PD_SHARES || round != r->round)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private eigentrust: round %lld cannot advance here", (long long) round),
				 errdetail("A decryptor advances once per round, after giving its shares of that round.")));
	(void) pet_vec_read_hdr(&h, r->prod, r->prod_len, NULL, &err);
	ds = pd_decode_answers(PG_GETARG_ARRAYTYPE_P(2), h.nct, &m);
	CORE_CALL(st, pet_vec_thr_decrypt(&r->ks.pub, r->prod, r->prod_len, ds, m, r->ks.t,
									  PET_SCALE_U, sums, &first_bad, &nbad, &bad_ct, &err));
	for (Size k = 0; k < (Size) m * h.nct; k++)
		if (ds[k].index > 0)
			thr_decshare_clear(&ds[k]);
	if (st != MPC_OK)
		pet_protocol_raise(&err, "private eigentrust");
	return pd_next(fcinfo, r, sums);
}

MPC_FUNCTION(private_eigentrust_paper_advance)
{
	pet_require_args(fcinfo, 3, 0, "private_eigentrust_paper_advance");
	PG_RETURN_DATUM(pet_guarded(dec_advance, fcinfo,
								pd_get(pet_run_arg(PG_GETARG_TEXT_PP(0)), "private_eigentrust_paper_advance"),
								pd_forget));
}
