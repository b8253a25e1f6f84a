/*
 * protocol_paper.c: the party role of paper-mode private EigenTrust
 * (docs/design.md, "Paper mode").  A run lives in the party's session, from
 * private_eigentrust_paper_hello to the last private_eigentrust_paper_step;
 * the coordinator's connection to the party is that session.
 *
 *   hello   reads the ratings and members (as the party owner: the SQL
 *           wrappers are SECURITY DEFINER), returns the identity public key,
 *           a fresh nonce and the hosted ids (trusters and members)
 *   setup   checks the run's public inputs (every identity key pinned by the
 *           owner), derives a MAC key with the key holder or each decryptor
 *           and builds the rows over the peer universe
 *   step    accepts round r's key and t only with a valid tag from the key
 *           holder (or from enough decryptors) for exactly round r, then
 *           returns Enc(its partial sums) tagged for the key holder
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "masked.h"
#include "mpc_pg.h"
#include "paillier_glue.h"
#include "paper.h"
#include "protocol.h"
#include "protocol_pg.h"

#define PP_HELLO	1
#define PP_RUNNING	2

typedef struct pp_party
{
	pet_session s;				/* first: context, run id, owner, phase */
	char		krun[AM_MAX_RUN_LEN + 1];
	char	   *edges_sql;
	uint8		priv[ZS_PRIV_LEN];
	uint8		pub[ZS_PUB_LEN];
	uint8		nonce[PP_NONCE_LEN];
	pet_known	known;
	pet_ratings rt;
	/* from setup */
	uint32		np,
				nd,
				need,
				self,
				n;
	int64	   *p;
	double		alpha;
	uint8		setup[AM_DIGEST_LEN];
	uint8		(*mac)[AM_KEY_LEN];	/* with decryptor d at [d] */
	pet_rows	rows;
	int64		round;			/* the last round this party answered */
	unsigned char tfp[PAI_FP_LEN];	/* the threshold key's fingerprint */
} pp_party;

static pp_party *cur = NULL;

static void
pp_forget(void)
{
	if (cur == NULL)
		return;
	mpc_wipe(cur->priv, sizeof(cur->priv));
	if (cur->mac)
		mpc_wipe(cur->mac, sizeof(*cur->mac) * cur->nd);
	MemoryContextDelete(cur->s.cxt);
	cur = NULL;
}

static pp_party *
pp_get(const char *edges_sql, const char *run, int phase, const char *fn)
{
	pet_session_check(cur ? &cur->s : NULL, run, phase, fn);
	if (strcmp(cur->edges_sql, edges_sql) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s: run \"%s\" belongs to another party", fn, run)));
	return cur;
}

/*
 * private_eigentrust_paper_hello(edges_sql text, members_sql text, run_id text,
 *     identity bytea, known_keys bytea[],
 *     OUT public_key bytea, OUT nonce bytea, OUT hosted bigint[])
 */
static Datum
party_hello(FunctionCallInfo fcinfo, void *state)
{
	pp_party   *r = state;
	TupleDesc	td;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	r->edges_sql = MemoryContextStrdup(r->s.cxt, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	pet_identity(PG_GETARG_BYTEA_PP(3), r->priv, r->pub);
	pet_known_keys(PG_GETARG_ARRAYTYPE_P(4), r->s.cxt, &r->known);
	pet_read_ratings(r->edges_sql, PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1)),
					 r->s.cxt, &r->rt);
	pet_random(r->nonce, PP_NONCE_LEN);
	r->s.phase = PP_HELLO;
	values[0] = PointerGetDatum(pet_bytea(r->pub, ZS_PUB_LEN));
	values[1] = PointerGetDatum(pet_bytea(r->nonce, PP_NONCE_LEN));
	values[2] = PointerGetDatum(pet_int8_array_build(r->rt.hosted, r->rt.nhosted));
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls));
}

MPC_FUNCTION(private_eigentrust_paper_hello)
{
	char	   *run;

	pet_require_args(fcinfo, 5, 1u << 1, "private_eigentrust_paper_hello");
	run = pet_run_arg(PG_GETARG_TEXT_PP(2));
	/* a new run ends any earlier one of this session */
	pp_forget();
	cur = pet_session_new(sizeof(pp_party), run);
	PG_RETURN_DATUM(pet_guarded(party_hello, fcinfo, cur, pp_forget));
}

static Datum
party_setup(FunctionCallInfo fcinfo, void *state)
{
	pp_party   *r = state;
	pet_public  pub;
	int32		self = PG_GETARG_INT32(2);
	mpc_error	err;

	pet_public_args(fcinfo, 3, r->s.run, &pub, "private_eigentrust_paper_setup");
	if (self < 1 || (uint32) self > pub.np)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: party number %d is not between 1 and %u", self, pub.np)));
	pet_check_self(&pub, (uint32) self, r->pub, r->nonce);
	/* the key holder or decryptors: their tags are what this party trusts */
	pet_check_pinned(&pub, pub.np + 1, pub.np + pub.nd, &r->known);
	r->np = pub.np;
	r->nd = pub.nd;
	r->need = pub.need;
	r->alpha = pub.alpha;
	r->self = (uint32) self;
	r->n = pub.n;
	r->p = MemoryContextAlloc(r->s.cxt, sizeof(int64) * pub.n);
	memcpy(r->p, pub.p, sizeof(int64) * pub.n);
	pet_setup_digest(&pub, r->krun, r->setup);
	/* this party's hosted ids must be hosted in the public mask */
	for (int k = 0; k < r->rt.nhosted; k++)
	{
		int			j = pet_peer_index(pub.peers, (int) pub.n, r->rt.hosted[k]);

		if (j < 0 || !pub.hmask[j])
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: peer %lld, which this party hosts, is not hosted in the run's public inputs",
							(long long) r->rt.hosted[k]),
					 errdetail("The run is aborted.")));
	}
	r->mac = MemoryContextAllocZero(r->s.cxt, sizeof(*r->mac) * r->nd);
	for (uint32 d = 0; d < r->nd; d++)
	{
		if (pp_pair_key(r->priv, r->self, r->np + 1 + d, pub.pubs, r->krun, r->mac[d], &err) != MPC_OK)
			mpc_raise(&err, "private eigentrust");
		CHECK_FOR_INTERRUPTS();
	}
	mpc_wipe(r->priv, sizeof(r->priv));
	pet_rows_over(&r->rt, pub.peers, pub.n, r->s.cxt, &r->rows);
	r->round = 0;
	r->s.phase = PP_RUNNING;
	return BoolGetDatum(true);
}

/*
 * private_eigentrust_paper_setup(edges_sql text, run_id text, self integer,
 *     public_keys bytea[], nonces bytea[], parties integer, need integer,
 *     peers bigint[], hosted boolean[], pretrust bigint[], alpha float8,
 *     allow_two_parties boolean) RETURNS boolean
 */
MPC_FUNCTION(private_eigentrust_paper_setup)
{
	pp_party   *r;

	pet_require_args(fcinfo, 12, 1u << 9, "private_eigentrust_paper_setup");
	r = pp_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), pet_run_arg(PG_GETARG_TEXT_PP(1)), PP_HELLO,
			   "private_eigentrust_paper_setup");
	PG_RETURN_DATUM(pet_guarded(party_setup, fcinfo, r, pp_forget));
}

/* The round's key and Enc(t) from the decryptors' messages, or ERROR. */
static void
pp_inbox(pp_party *r, int64 round, ArrayType *inbox, pai_pub *pk, unsigned char **enc_t,
		 size_t *enc_len)
{
	const uint8 **msgs;
	size_t	   *lens;
	int			nmsg;
	bool	   *seen = palloc0(sizeof(bool) * r->nd);
	pp_env		e,
				first = {0};
	uint32		valid = 0;
	pp_body		b;
	int64	   *t;
	mpc_status	st;
	mpc_error	err;

	nmsg = pet_bytea_array(inbox, &msgs, &lens, "inbox");
	for (int k = 0; k < nmsg; k++)
	{
		if (msgs[k] == NULL)
			continue;
		if (pp_env_peek(&e, msgs[k], lens[k], &err) != MPC_OK)
			pet_protocol_raise(&err, "private eigentrust");
		if (e.sender <= r->np || e.sender > r->np + r->nd || seen[e.sender - r->np - 1])
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: inbox message %d claims sender %u, not a new key holder or decryptor",
							k + 1, e.sender),
					 errdetail("The run is aborted.")));
		seen[e.sender - r->np - 1] = true;
		if (pp_env_check(&e, PP_ROUND, round, r->self, r->mac[e.sender - r->np - 1], r->krun,
						 r->setup, &err) != MPC_OK)
			pet_protocol_raise(&err, "private eigentrust");
		if (valid == 0)
			first = e;
		else if (e.blen != first.blen || memcmp(e.body, first.body, e.blen) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: decryptors %u and %u sent different round %lld messages",
							first.sender - r->np, e.sender - r->np, (long long) round),
					 errdetail("The run is aborted.")));
		valid++;
	}
	if (valid < r->need)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private eigentrust: round %lld needs %u authenticated messages from the %s, got %u",
						(long long) round, r->need, r->nd == 1 ? "key holder" : "decryptors", valid),
				 errdetail("A party accepts a round's key and trust vector only from the key holder or the decryptors.")));
	t = palloc(sizeof(int64) * r->n);
	if (pp_body_read(&b, first.body, first.blen, r->n, t, &err) != MPC_OK)
		pet_protocol_raise(&err, "private eigentrust");
	st = pai_pub_init(pk, b.n, PAI_MIN_BITS, &err);
	mpz_clear(b.n);
	if (st != MPC_OK)
		pet_protocol_raise(&err, "private eigentrust");
	if (b.kind == PP_BODY_PLAIN)
	{
		/* threshold: t in the clear, one key for the run; the party
		 * checks the invariants and encrypts t itself */
		if (round == 1)
			memcpy(r->tfp, pk->fp, PAI_FP_LEN);
		else if (memcmp(r->tfp, pk->fp, PAI_FP_LEN) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: the threshold key changed in round %lld", (long long) round),
					 errdetail("The run is aborted.")));
		if (pem_check_t(r->n, t, r->p, r->alpha, &err) != MPC_OK)
			pet_protocol_raise(&err, "private eigentrust");
		*enc_len = pet_vec_bytes(pk, r->n);
		*enc_t = palloc(*enc_len);
		CORE_CALL(st, pet_vec_encrypt(pk, mpc_djn_get_batch(pk, r->n), t, r->n, PET_SCALE_T, *enc_t, &err));
		if (st != MPC_OK)
			mpc_raise(&err, "private eigentrust");
	}
	else
	{
		*enc_t = (unsigned char *) b.enc_t;
		*enc_len = b.enc_len;
	}
}

static bytea *
pp_step(pp_party *r, int64 round, ArrayType *inbox)
{
	pai_pub		pk;
	unsigned char *enc_t;
	size_t		enc_len,
				vlen,
				mlen;
	uint32		nct;
	unsigned char *vec;
	bytea	   *out;
	mpc_status	st;
	mpc_error	err;

	if (round != r->round + 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private eigentrust: round %lld asked for, this party expects round %lld",
						(long long) round, (long long) (r->round + 1)),
				 errdetail("The run is aborted: a party answers each round once, rounds in order.")));
	pp_inbox(r, round, inbox, &pk, &enc_t, &enc_len);
	/* the partial sums packed into slots: the key holder decrypts, and this
	 * party re-randomises, one ciphertext per slot group */
	vlen = pet_slots_bytes(&pk, r->n, pet_slot_bits(r->np), &nct);
	if (vlen == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("private eigentrust: %u peers do not fit a vector under this key", r->n)));
	vec = palloc(vlen);
	CORE_CALL(st, pet_party_vector_packed(&pk, mpc_djn_get_batch(&pk, nct), r->rows.e, r->rows.kept,
										  r->rows.hosted, r->rows.dangling, r->rows.nrows, enc_t,
										  enc_len, r->p, r->n, r->np, vec, &err));
	if (st != MPC_OK)
		pet_protocol_raise(&err, "private eigentrust");
	mlen = pp_env_size(vlen, r->nd);
	out = palloc(VARHDRSZ + mlen);
	SET_VARSIZE(out, VARHDRSZ + mlen);
	if (pp_env_build((unsigned char *) VARDATA(out), PP_VECTOR, r->self, round, r->np + 1, r->nd,
					 vec, vlen, (const uint8 (*)[AM_KEY_LEN]) r->mac, r->krun, r->setup,
					 &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	pai_pub_clear(&pk);
	r->round = round;
	return out;
}

static Datum
party_step(FunctionCallInfo fcinfo, void *state)
{
	return PointerGetDatum(pp_step(state, PG_GETARG_INT32(2), PG_GETARG_ARRAYTYPE_P(3)));
}

/*
 * private_eigentrust_paper_step(edges_sql text, run_id text, round integer,
 *     inbox bytea[]) RETURNS bytea
 */
MPC_FUNCTION(private_eigentrust_paper_step)
{
	pp_party   *r;

	pet_require_args(fcinfo, 4, 0, "private_eigentrust_paper_step");
	r = pp_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), pet_run_arg(PG_GETARG_TEXT_PP(1)), PP_RUNNING,
			   "private_eigentrust_paper_step");
	PG_RETURN_DATUM(pet_guarded(party_step, fcinfo, r, pp_forget));
}
