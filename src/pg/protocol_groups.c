/*
 * protocol_groups.c: private EigenTrust in mode 'groups' (the seed paper's
 * task groups, chains and delegated decryption; docs/design.md, "Groups
 * mode"), the party-side checks and the decryptor's per-group keys, and the
 * SQL face of the placement core (placement.h).
 *
 * Every pair of parties shares a MAC key derived from their identity keys
 * (the masked mode's zerosum keys, pinned by each party's owner) by
 * authmsg.h, for the run "groups " || run_id.  Parties are numbered 1..np
 * in the coordinator's order; a party's authmsg id is its number.
 *
 * The decryptor of group g in round r makes a fresh Paillier key, keeps the
 * private half in this backend only (bound to the role that made it) and
 * tags the public key and the group's member list for each member.  A
 * member checks that tag before it encrypts anything under the key, then
 * tags a receipt of its chain step (digests of the message it got, of the
 * message it passed on and of Enc(t)).  The decryptor decrypts the group's
 * aggregate once, only when the receipts of every listed member verify and
 * link into one chain that ends in the aggregate; the key is then wiped.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "authmsg.h"
#include "mpc_pg.h"
#include "paillier_glue.h"
#include "paillier_pg.h"
#include "placement.h"
#include "protocol_pg.h"
#include "sha256.h"
#include "zerosum.h"

extern Datum paillier_keygen(PG_FUNCTION_ARGS);
extern Datum paillier_pubkey_of_priv(PG_FUNCTION_ARGS);
extern Datum private_eigentrust_decrypt_vector(PG_FUNCTION_ARGS);

#define PG_GROUPS_MIN		2	/* no decryptor ever sees fewer parties' sum */
#define PG_GROUPS_MAX_KEYS	256
#define PG_GROUPS_MAX_RUN	128
#define PG_RECEIPT_LEN		(3 * AM_DIGEST_LEN + AM_TAG_LEN)
#define PG_LABEL_KEY		"groups key"
#define PG_LABEL_STEP		"groups step"

/* ---- arguments ---- */

typedef struct groups_ctx
{
	const char *run;
	char		krun[PG_GROUPS_MAX_RUN + 8];
	int32		round;
	int32		grp;
	int32		self;			/* 1-based */
	int			np;
	uint8	   *pubs;			/* np * ZS_PUB_LEN */
	uint8		priv[ZS_PRIV_LEN];
} groups_ctx;

static void
groups_bad(const char *fn, const char *msg)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: %s", fn, msg)));
}

/* bytea[] without NULLs, each exactly len bytes (len 0: any), as one buffer */
static uint8 *
bytea_list(ArrayType *a, int *n, size_t len, const char *what, const char *fn)
{
	Datum	   *d;
	bool	   *nulls;
	uint8	   *out;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: %s must be a one-dimensional array", fn, what)));
	deconstruct_array(a, BYTEAOID, -1, false, TYPALIGN_INT, &d, &nulls, n);
	out = palloc(Max(len * (size_t) *n, 1));
	for (int k = 0; k < *n; k++)
	{
		bytea	   *b;

		if (nulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: %s must not contain NULLs", fn, what)));
		b = DatumGetByteaPP(d[k]);
		if (VARSIZE_ANY_EXHDR(b) != len)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: entry %d of %s has %zu bytes, expected %zu", fn, k + 1, what,
							(size_t) VARSIZE_ANY_EXHDR(b), len)));
		memcpy(out + (size_t) k * len, VARDATA_ANY(b), len);
	}
	return out;
}

/* int[] without NULLs, each in 1..np, distinct */
static int32 *
member_list(ArrayType *a, int *n, int np, const char *fn)
{
	Datum	   *d;
	bool	   *nulls;
	int32	   *out;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: members must be a one-dimensional array", fn)));
	deconstruct_array(a, INT4OID, 4, true, TYPALIGN_INT, &d, &nulls, n);
	out = palloc(sizeof(int32) * Max(*n, 1));
	for (int k = 0; k < *n; k++)
	{
		if (nulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: members must not contain NULLs", fn)));
		out[k] = DatumGetInt32(d[k]);
		if (out[k] < 1 || out[k] > np)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: member %d is not a party of this run (1..%d)", fn, out[k], np)));
		for (int j = 0; j < k; j++)
			if (out[j] == out[k])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: party %d is listed twice in the group", fn, out[k])));
	}
	return out;
}

/*
 * Common arguments: identity bytea, run text, round int, grp int, self int,
 * pubs bytea[] at positions a0..a0+5.  Checks that pubs[self] is the public
 * half of identity (so the caller's number is right).
 */
static void
groups_args(FunctionCallInfo fcinfo, int a0, groups_ctx *c, const char *fn)
{
	bytea	   *id = PG_GETARG_BYTEA_PP(a0);
	text	   *run = PG_GETARG_TEXT_PP(a0 + 1);
	uint8		pub[ZS_PUB_LEN];
	mpc_error	err;

	if (VARSIZE_ANY_EXHDR(id) != ZS_PRIV_LEN ||
		zs_check_private((const uint8 *) VARDATA_ANY(id), ZS_PRIV_LEN, &err) != MPC_OK)
		groups_bad(fn, "identity is not a party identity key");
	c->run = text_to_cstring(run);
	if (strlen(c->run) < 1 || strlen(c->run) > PG_GROUPS_MAX_RUN)
		groups_bad(fn, "run_id must have 1 to 128 bytes");
	snprintf(c->krun, sizeof(c->krun), "groups %s", c->run);
	c->round = PG_GETARG_INT32(a0 + 2);
	c->grp = PG_GETARG_INT32(a0 + 3);
	c->self = PG_GETARG_INT32(a0 + 4);
	if (c->round < 1 || c->grp < 1)
		groups_bad(fn, "round and group must be at least 1");
	c->pubs = bytea_list(PG_GETARG_ARRAYTYPE_P(a0 + 5), &c->np, ZS_PUB_LEN, "public_keys", fn);
	if (c->self < 1 || c->self > c->np)
		groups_bad(fn, "self must be a party number of this run");
	memcpy(c->priv, VARDATA_ANY(id), ZS_PRIV_LEN);
	if (zs_public_key(c->priv, ZS_PRIV_LEN, pub, &err) != MPC_OK)
	{
		mpc_wipe(c->priv, sizeof(c->priv));
		mpc_raise(&err, fn);
	}
	if (memcmp(pub, c->pubs + (size_t) (c->self - 1) * ZS_PUB_LEN, ZS_PUB_LEN) != 0)
	{
		mpc_wipe(c->priv, sizeof(c->priv));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: public key %d of the run is not this party's", fn, c->self),
				 errdetail("The coordinator must list every party's identity public key in party order.")));
	}
}

/* ERROR unless party k's key is one the owner pinned */
static void
require_pinned(const groups_ctx *c, ArrayType *known, int k, const char *fn)
{
	int			nk;
	uint8	   *kk = bytea_list(known, &nk, ZS_PUB_LEN, "known_keys", fn);

	for (int j = 0; j < nk; j++)
		if (memcmp(kk + (size_t) j * ZS_PUB_LEN, c->pubs + (size_t) (k - 1) * ZS_PUB_LEN, ZS_PUB_LEN) == 0)
			return;
	mpc_wipe((void *) c->priv, sizeof(c->priv));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("%s: party %d's public key is not pinned by this party", fn, k),
			 errhint("The party's owner inserts the other parties' keys into masked_known_parties.")));
}

/* the MAC key this party shares with party k */
static void
pair_key(const groups_ctx *c, int k, uint8 key[AM_KEY_LEN], const char *fn)
{
	char		ids[2][16];
	zs_party	peer;
	uint8		seed[ZS_SEED_LEN];
	mpc_error	err;
	mpc_status	st;

	snprintf(ids[0], sizeof(ids[0]), "%d", c->self);
	snprintf(ids[1], sizeof(ids[1]), "%d", k);
	peer.id = ids[1];
	peer.id_len = strlen(ids[1]);
	peer.pub = c->pubs + (size_t) (k - 1) * ZS_PUB_LEN;
	peer.pub_len = ZS_PUB_LEN;
	st = zs_pair_seed(c->priv, ZS_PRIV_LEN, ids[0], strlen(ids[0]), &peer, AM_SEED_ROUND, seed, &err);
	if (st == MPC_OK)
		st = am_derive_key(seed, c->krun, strlen(c->krun), "mac", key, &err);
	mpc_wipe(seed, sizeof(seed));
	if (st != MPC_OK)
	{
		mpc_wipe((void *) c->priv, sizeof(c->priv));
		mpc_raise(&err, fn);
	}
}

static void
put_be32(sha256_ctx *h, uint32 v)
{
	uint8		b[4] = {(uint8) (v >> 24), (uint8) (v >> 16), (uint8) (v >> 8), (uint8) v};

	sha256_update(h, b, 4);
}

/* what the decryptor's key tag covers: the group, its members in chain
 * order and the public key */
static void
key_digest(int32 grp, const int32 *members, int nm, const PaillierPubkey *pk,
		   uint8 out[AM_DIGEST_LEN])
{
	sha256_ctx	h;

	sha256_init(&h);
	sha256_update(&h, (const uint8 *) PG_LABEL_KEY, strlen(PG_LABEL_KEY));
	put_be32(&h, (uint32) grp);
	put_be32(&h, (uint32) nm);
	for (int k = 0; k < nm; k++)
		put_be32(&h, (uint32) members[k]);
	sha256_update(&h, (const uint8 *) VARDATA_ANY(pk), VARSIZE_ANY_EXHDR(pk));
	sha256_final(&h, out);
}

/* what a member's receipt tag covers */
static void
step_digest(const uint8 kd[AM_DIGEST_LEN], const uint8 *din, const uint8 *dout,
			const uint8 *dt, uint8 out[AM_DIGEST_LEN])
{
	sha256_ctx	h;

	sha256_init(&h);
	sha256_update(&h, (const uint8 *) PG_LABEL_STEP, strlen(PG_LABEL_STEP));
	sha256_update(&h, kd, AM_DIGEST_LEN);
	sha256_update(&h, dt, AM_DIGEST_LEN);
	sha256_update(&h, din, AM_DIGEST_LEN);
	sha256_update(&h, dout, AM_DIGEST_LEN);
	sha256_final(&h, out);
}

static void
bytea_digest(bytea *b, uint8 out[AM_DIGEST_LEN])
{
	if (b == NULL)
		am_digest("", 0, out);
	else
		am_digest(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), out);
}

/* ---- the decryptor's keys, in this backend only ---- */

typedef struct held_key
{
	char		run[PG_GROUPS_MAX_RUN + 1];
	int32		round;
	int32		grp;
	Oid			owner;
	int32	   *members;
	int			nm;
	PaillierPrivkey *sk;		/* NULL once used */
	PaillierPubkey *pk;
} held_key;

static held_key held[PG_GROUPS_MAX_KEYS];
static int nheld = 0;

static void
held_wipe(held_key *h)
{
	if (h->sk)
	{
		mpc_wipe(h->sk, VARSIZE(h->sk));
		pfree(h->sk);
		h->sk = NULL;
	}
}

/* drop every key of other runs (a new run started in this session) and of
 * this run's earlier rounds (rounds only move forward) */
static void
held_other_runs(const char *run, int32 round)
{
	int			w = 0;

	for (int k = 0; k < nheld; k++)
	{
		if (strcmp(held[k].run, run) == 0 && held[k].round >= round)
		{
			held[w++] = held[k];
			continue;
		}
		held_wipe(&held[k]);
		if (held[k].members)
			pfree(held[k].members);
		if (held[k].pk)
			pfree(held[k].pk);
	}
	nheld = w;
}

static held_key *
held_find(const char *run, int32 round, int32 grp)
{
	for (int k = 0; k < nheld; k++)
		if (held[k].round == round && held[k].grp == grp && strcmp(held[k].run, run) == 0)
			return &held[k];
	return NULL;
}

/*
 * private_eigentrust_groups_key(identity bytea, run_id text, round integer,
 *     grp integer, self integer, public_keys bytea[], known_keys bytea[],
 *     members integer[], bits integer, OUT key paillier_pubkey, OUT tags bytea[])
 * The decryptor: a fresh key for (run, round, group), kept here, and its tag
 * for each member (in the order of members).  Refuses a group it belongs
 * to, one with fewer than 2 members, an unpinned member, and a second key
 * for a (round, group) it already decrypted.
 */
MPC_FUNCTION(private_eigentrust_groups_key)
{
	const char *fn = "private_eigentrust_groups_key";
	groups_ctx	c;
	int			nm;
	int32	   *members;
	int32		bits;
	held_key   *h;
	Datum		skd,
				pkd;
	PaillierPubkey *pk;
	uint8		kd[AM_DIGEST_LEN];
	Datum	   *tags;
	TupleDesc	td;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	MemoryContext old;

	pet_require_args(fcinfo, 9, 0, fn);
	groups_args(fcinfo, 0, &c, fn);
	members = member_list(PG_GETARG_ARRAYTYPE_P(7), &nm, c.np, fn);
	bits = PG_GETARG_INT32(8);
	if (bits < PAI_KEYGEN_MIN_BITS || bits > PAI_KEYGEN_MAX_BITS)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: key size must be between %d and %d bits, got %d", fn,
						PAI_KEYGEN_MIN_BITS, PAI_KEYGEN_MAX_BITS, bits)));
	}
	if (nm < PG_GROUPS_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a group needs at least %d members, got %d", fn, PG_GROUPS_MIN, nm),
				 errdetail("A decryptor of a smaller group would learn one party's contributions.")));
	for (int k = 0; k < nm; k++)
	{
		if (members[k] == c.self)
			groups_bad(fn, "a decryptor must not belong to the group it decrypts");
		require_pinned(&c, PG_GETARG_ARRAYTYPE_P(6), members[k], fn);
	}
	held_other_runs(c.run, c.round);
	/* one aggregate per party and round: a second group sharing a member
	 * with one decrypted here this round would reveal differences */
	for (int q = 0; q < nheld; q++)
	{
		if (held[q].round != c.round || held[q].sk != NULL)
			continue;
		for (int a = 0; a < held[q].nm; a++)
			for (int b = 0; b < nm; b++)
				if (held[q].members[a] == members[b])
				{
					mpc_wipe(c.priv, sizeof(c.priv));
					ereport(ERROR,
							(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
							 errmsg("%s: party %d's contribution to round %d was already decrypted here", fn,
									members[b], c.round),
							 errdetail("A decryptor decrypts at most one aggregate holding a party's contributions per round; a redone round needs another decryptor.")));
				}
	}
	h = held_find(c.run, c.round, c.grp);
	if (h != NULL && h->sk == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s: group %d of round %d was already decrypted here", fn, c.grp, c.round),
				 errdetail("A decryptor decrypts each group once per round; a redone round needs another decryptor.")));
	if (h == NULL)
	{
		if (nheld >= PG_GROUPS_MAX_KEYS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: this session holds %d group keys already", fn, nheld)));
		h = &held[nheld++];
		memset(h, 0, sizeof(*h));
		strlcpy(h->run, c.run, sizeof(h->run));
		h->round = c.round;
		h->grp = c.grp;
	}
	held_wipe(h);
	if (h->members)
		pfree(h->members);
	if (h->pk)
		pfree(h->pk);
	h->members = NULL;
	h->pk = NULL;

	skd = DirectFunctionCall1(paillier_keygen, Int32GetDatum(bits));
	pkd = DirectFunctionCall1(paillier_pubkey_of_priv, skd);
	pk = (PaillierPubkey *) PG_DETOAST_DATUM(pkd);
	old = MemoryContextSwitchTo(TopMemoryContext);
	h->sk = (PaillierPrivkey *) palloc(VARSIZE((PaillierPrivkey *) DatumGetPointer(skd)));
	memcpy(h->sk, DatumGetPointer(skd), VARSIZE((PaillierPrivkey *) DatumGetPointer(skd)));
	h->pk = (PaillierPubkey *) palloc(VARSIZE(pk));
	memcpy(h->pk, pk, VARSIZE(pk));
	h->members = palloc(sizeof(int32) * nm);
	memcpy(h->members, members, sizeof(int32) * nm);
	MemoryContextSwitchTo(old);
	mpc_wipe(DatumGetPointer(skd), VARSIZE((PaillierPrivkey *) DatumGetPointer(skd)));
	h->nm = nm;
	h->owner = GetUserId();

	key_digest(c.grp, members, nm, pk, kd);
	tags = palloc(sizeof(Datum) * nm);
	for (int k = 0; k < nm; k++)
	{
		uint8		mk[AM_KEY_LEN];
		bytea	   *t = palloc(VARHDRSZ + AM_TAG_LEN);
		mpc_error	err;

		pair_key(&c, members[k], mk, fn);
		SET_VARSIZE(t, VARHDRSZ + AM_TAG_LEN);
		if (am_tag(mk, c.krun, strlen(c.krun), c.round, (uint32) c.self, (uint32) members[k],
				   PG_LABEL_KEY, kd, (uint8 *) VARDATA(t), &err) != MPC_OK)
		{
			mpc_wipe(mk, sizeof(mk));
			mpc_wipe(c.priv, sizeof(c.priv));
			mpc_raise(&err, fn);
		}
		mpc_wipe(mk, sizeof(mk));
		tags[k] = PointerGetDatum(t);
	}
	mpc_wipe(c.priv, sizeof(c.priv));
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fn);
	values[0] = PointerGetDatum(pk);
	values[1] = PointerGetDatum(construct_array(tags, nm, BYTEAOID, -1, false, TYPALIGN_INT));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}

/*
 * private_eigentrust_groups_check_key(identity bytea, run_id text,
 *     round integer, grp integer, self integer, public_keys bytea[],
 *     known_keys bytea[], decryptor integer, members integer[],
 *     key paillier_pubkey, tag bytea, min_group integer) RETURNS boolean
 * A member, before it encrypts anything under key: the decryptor is pinned
 * and outside the group, this party is in the group, the group has at least
 * max(2, min_group) members, and tag is the decryptor's for exactly this.
 * true, or ERROR.
 */
MPC_FUNCTION(private_eigentrust_groups_check_key)
{
	const char *fn = "private_eigentrust_groups_check_key";
	groups_ctx	c;
	int32		dec;
	int			nm;
	int32	   *members;
	bool		in = false;
	PaillierPubkey *pk;
	bytea	   *tag;
	uint8		kd[AM_DIGEST_LEN],
				mk[AM_KEY_LEN];
	int32		min_group;
	mpc_error	err;
	mpc_status	st;

	pet_require_args(fcinfo, 12, 0, fn);
	groups_args(fcinfo, 0, &c, fn);
	dec = PG_GETARG_INT32(7);
	members = member_list(PG_GETARG_ARRAYTYPE_P(8), &nm, c.np, fn);
	pk = PG_GETARG_PAILLIER_PUBKEY_P(9);
	tag = PG_GETARG_BYTEA_PP(10);
	min_group = Max(PG_GETARG_INT32(11), PG_GROUPS_MIN);
	if (dec < 1 || dec > c.np || dec == c.self)
		groups_bad(fn, "the decryptor must be another party of this run");
	for (int k = 0; k < nm; k++)
	{
		if (members[k] == dec)
			groups_bad(fn, "the decryptor must not belong to the group");
		in |= (members[k] == c.self);
	}
	if (!in)
		groups_bad(fn, "this party is not a member of the group");
	if (nm < min_group)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the group has %d members, this party requires at least %d", fn, nm, min_group),
				 errdetail("The decryptor learns the sum of the group's contributions.")));
	require_pinned(&c, PG_GETARG_ARRAYTYPE_P(6), dec, fn);
	mpc_check_pubkey(pk);
	key_digest(c.grp, members, nm, pk, kd);
	pair_key(&c, dec, mk, fn);
	mpc_wipe(c.priv, sizeof(c.priv));
	st = am_verify(mk, c.krun, strlen(c.krun), c.round, (uint32) dec, (uint32) c.self,
				   PG_LABEL_KEY, kd, (const uint8 *) VARDATA_ANY(tag), VARSIZE_ANY_EXHDR(tag), &err);
	mpc_wipe(mk, sizeof(mk));
	if (st != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s: the key of group %d in round %d is not authenticated by decryptor %d",
						fn, c.grp, c.round, dec),
				 errdetail("%s", err.msg)));
	PG_RETURN_BOOL(true);
}

/*
 * private_eigentrust_groups_receipt(identity bytea, run_id text,
 *     round integer, grp integer, self integer, public_keys bytea[],
 *     decryptor integer, members integer[], key paillier_pubkey,
 *     enc_t bytea, msg_in bytea, msg_out bytea) RETURNS bytea
 * A member's receipt of its chain step for the decryptor: SHA-256 of
 * msg_in (NULL: the empty message), of msg_out and of enc_t, then the tag.
 */
MPC_FUNCTION(private_eigentrust_groups_receipt)
{
	const char *fn = "private_eigentrust_groups_receipt";
	groups_ctx	c;
	int32		dec;
	int			nm;
	int32	   *members;
	uint8		kd[AM_DIGEST_LEN],
				sd[AM_DIGEST_LEN],
				mk[AM_KEY_LEN];
	bytea	   *out;
	uint8	   *o;
	mpc_error	err;
	mpc_status	st;

	pet_require_args(fcinfo, 12, 1u << 10, fn);
	groups_args(fcinfo, 0, &c, fn);
	dec = PG_GETARG_INT32(6);
	members = member_list(PG_GETARG_ARRAYTYPE_P(7), &nm, c.np, fn);
	if (dec < 1 || dec > c.np || dec == c.self)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		groups_bad(fn, "the decryptor must be another party of this run");
	}
	key_digest(c.grp, members, nm, PG_GETARG_PAILLIER_PUBKEY_P(8), kd);
	out = palloc(VARHDRSZ + PG_RECEIPT_LEN);
	SET_VARSIZE(out, VARHDRSZ + PG_RECEIPT_LEN);
	o = (uint8 *) VARDATA(out);
	bytea_digest(PG_ARGISNULL(10) ? NULL : PG_GETARG_BYTEA_PP(10), o);
	bytea_digest(PG_GETARG_BYTEA_PP(11), o + AM_DIGEST_LEN);
	bytea_digest(PG_GETARG_BYTEA_PP(9), o + 2 * AM_DIGEST_LEN);
	step_digest(kd, o, o + AM_DIGEST_LEN, o + 2 * AM_DIGEST_LEN, sd);
	pair_key(&c, dec, mk, fn);
	mpc_wipe(c.priv, sizeof(c.priv));
	st = am_tag(mk, c.krun, strlen(c.krun), c.round, (uint32) c.self, (uint32) dec,
				PG_LABEL_STEP, sd, o + 3 * AM_DIGEST_LEN, &err);
	mpc_wipe(mk, sizeof(mk));
	if (st != MPC_OK)
		mpc_raise(&err, fn);
	PG_RETURN_BYTEA_P(out);
}

/*
 * private_eigentrust_groups_decrypt(identity bytea, run_id text,
 *     round integer, grp integer, self integer, public_keys bytea[],
 *     receipts bytea[], msg bytea) RETURNS bigint[]
 * The decryptor: the receipts of the group's members, in chain order (the
 * members its key was made for), must each verify, all name the same
 * Enc(t), and link: the first member got the empty message, each next one
 * got what the one before passed on, the last passed on msg.  Then msg is
 * decrypted (sums at scale 13) and the key wiped: once per round.
 */
MPC_FUNCTION(private_eigentrust_groups_decrypt)
{
	const char *fn = "private_eigentrust_groups_decrypt";
	groups_ctx	c;
	held_key   *h;
	int			nr;
	uint8	   *rc;
	uint8		kd[AM_DIGEST_LEN],
				prev[AM_DIGEST_LEN],
				last[AM_DIGEST_LEN];
	bytea	   *msg;
	Datum		sums;

	pet_require_args(fcinfo, 8, 0, fn);
	groups_args(fcinfo, 0, &c, fn);
	h = held_find(c.run, c.round, c.grp);
	if (h == NULL || h->owner != GetUserId())
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s: this session holds no key for group %d of round %d", fn, c.grp, c.round),
				 errhint("The decryptor makes the key with private_eigentrust_groups_key in the same session.")));
	}
	if (h->sk == NULL)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s: group %d of round %d was already decrypted here", fn, c.grp, c.round),
				 errdetail("A decryptor decrypts each group once per round.")));
	}
	rc = bytea_list(PG_GETARG_ARRAYTYPE_P(6), &nr, PG_RECEIPT_LEN, "receipts", fn);
	if (nr != h->nm)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s: %d receipts for a group of %d members", fn, nr, h->nm),
				 errdetail("Every member of the group must have added its contribution.")));
	}
	msg = PG_GETARG_BYTEA_PP(7);
	key_digest(c.grp, h->members, h->nm, h->pk, kd);
	am_digest("", 0, prev);
	bytea_digest(msg, last);
	for (int k = 0; k < nr; k++)
	{
		const uint8 *r = rc + (size_t) k * PG_RECEIPT_LEN;
		uint8		sd[AM_DIGEST_LEN],
					mk[AM_KEY_LEN];
		mpc_error	err;
		mpc_status	st;

		if (!am_ct_equal(r, prev, AM_DIGEST_LEN) ||
			(k > 0 && !am_ct_equal(r + 2 * AM_DIGEST_LEN, rc + 2 * AM_DIGEST_LEN, AM_DIGEST_LEN)))
		{
			mpc_wipe(c.priv, sizeof(c.priv));
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("%s: the chain of group %d breaks at member %d (party %d)", fn, c.grp, k + 1,
							h->members[k]),
					 errdetail("Each member must get what the member before it passed on, and all must use the same Enc(t).")));
		}
		step_digest(kd, r, r + AM_DIGEST_LEN, r + 2 * AM_DIGEST_LEN, sd);
		pair_key(&c, h->members[k], mk, fn);
		st = am_verify(mk, c.krun, strlen(c.krun), c.round, (uint32) h->members[k], (uint32) c.self,
					   PG_LABEL_STEP, sd, r + 3 * AM_DIGEST_LEN, AM_TAG_LEN, &err);
		mpc_wipe(mk, sizeof(mk));
		if (st != MPC_OK)
		{
			mpc_wipe(c.priv, sizeof(c.priv));
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("%s: the receipt of party %d in group %d does not verify", fn, h->members[k], c.grp),
					 errdetail("%s", err.msg)));
		}
		memcpy(prev, r + AM_DIGEST_LEN, AM_DIGEST_LEN);
	}
	mpc_wipe(c.priv, sizeof(c.priv));
	if (!am_ct_equal(prev, last, AM_DIGEST_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s: the aggregate of group %d is not what its last member passed on", fn, c.grp)));
	/* the key is used up whatever the decryption does */
	{
		PaillierPrivkey *sk = h->sk;
		Datum		skd = PointerGetDatum(sk);

		PG_TRY();
		{
			sums = DirectFunctionCall3(private_eigentrust_decrypt_vector, PointerGetDatum(msg),
									   skd, Int32GetDatum(13));
		}
		PG_FINALLY();
		{
			held_wipe(h);
		}
		PG_END_TRY();
	}
	PG_RETURN_DATUM(sums);
}

/* ---- placement ---- */

static double *
rtt_matrix(ArrayType *a, int *n, const char *fn)
{
	Datum	   *d;
	bool	   *nulls;
	int			cnt;
	double	   *m;
	int			side;
	mpc_error	err;

	deconstruct_array(a, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &d, &nulls, &cnt);
	side = (int) floor(sqrt((double) cnt) + 0.5);
	if (cnt < 1 || side * side != cnt || (ARR_NDIM(a) == 2 && ARR_DIMS(a)[0] != side))
		groups_bad(fn, "rtt must be a square matrix (n x n, or n * n values row by row)");
	m = palloc(sizeof(double) * cnt);
	for (int k = 0; k < cnt; k++)
	{
		if (nulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: rtt must not contain NULLs", fn)));
		m[k] = DatumGetFloat8(d[k]);
	}
	if (placement_check_distances(m, (size_t) side, &err) != MPC_OK)
		mpc_raise(&err, fn);
	*n = side;
	return m;
}

static Datum
int4_array(const int32 *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int k = 0; k < n; k++)
		d[k] = Int32GetDatum(v[k]);
	return PointerGetDatum(construct_array(d, n, INT4OID, 4, true, TYPALIGN_INT));
}

/* groups and chain positions (both 1-based) from chains as placement.h's flat list */
static void
chains_to_columns(const size_t *members, const size_t *offsets, size_t nchains,
				  int32 *grp, int32 *pos)
{
	for (size_t c = 0; c < nchains; c++)
		for (size_t q = offsets[c]; q < offsets[c + 1]; q++)
		{
			grp[members[q]] = (int32) c + 1;
			pos[members[q]] = (int32) (q - offsets[c]) + 1;
		}
}

static Datum
two_columns(FunctionCallInfo fcinfo, const int32 *grp, const int32 *pos, int n, bool flag)
{
	TupleDesc	td;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = int4_array(grp, n);
	values[1] = int4_array(pos, n);
	values[2] = BoolGetDatum(flag);
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls));
}

/*
 * private_eigentrust_groups_place(rtt double precision[], k integer,
 *     method text, seed bigint, OUT grp integer[], OUT pos integer[])
 * Task groups of the parties from their round-trip times: method 'kmeans'
 * (classical MDS to 3-D, balanced k-means), 'random' (a random equal
 * partition) or 'greedy' (by each party's mean round-trip time, longest
 * first to the least loaded group); then each chain ordered by the MST
 * cycle.  grp[i] and pos[i] are party i's group and place in its chain.
 */
MPC_FUNCTION(private_eigentrust_groups_place)
{
	const char *fn = "private_eigentrust_groups_place";
	int			n;
	double	   *d;
	int32		k;
	char	   *method;
	uint64		seed;
	size_t	   *assign,
			   *members,
			   *offsets;
	int32	   *grp,
			   *pos;
	mpc_error	err;
	mpc_status	st;

	pet_require_args(fcinfo, 4, 0, fn);
	d = rtt_matrix(PG_GETARG_ARRAYTYPE_P(0), &n, fn);
	k = PG_GETARG_INT32(1);
	method = text_to_cstring(PG_GETARG_TEXT_PP(2));
	seed = (uint64) PG_GETARG_INT64(3);
	if (k < 1 || k > n)
		groups_bad(fn, "k must be between 1 and the number of parties");
	if (n > PLACEMENT_MAX_MDS)
		groups_bad(fn, "too many parties for placement");
	assign = palloc(sizeof(size_t) * n);
	if (strcmp(method, "kmeans") == 0)
	{
		double	   *pts = palloc(sizeof(double) * PLACEMENT_DIM * n);

		st = placement_mds(d, (size_t) n, pts, &err);
		if (st == MPC_OK)
			st = placement_kmeans(pts, (size_t) n, (size_t) k, seed, 1, 0, assign, NULL, NULL, &err);
	}
	else if (strcmp(method, "random") == 0)
		st = placement_random_partition((size_t) n, (size_t) k, seed, assign, &err);
	else if (strcmp(method, "greedy") == 0)
	{
		double	   *resp = palloc0(sizeof(double) * n);

		for (int i = 0; i < n; i++)
		{
			for (int j = 0; j < n; j++)
				resp[i] += d[i * n + j];
			resp[i] /= Max(n - 1, 1);
		}
		st = placement_greedy(resp, (size_t) n, (size_t) k, 1, assign, &err);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: unknown method \"%s\"", fn, method),
				 errhint("Use 'kmeans', 'random' or 'greedy'.")));
	if (st != MPC_OK)
		mpc_raise(&err, fn);
	/* members by group (ascending party number), then each chain MST-ordered */
	members = palloc(sizeof(size_t) * n);
	offsets = palloc0(sizeof(size_t) * (k + 1));
	for (int c = 0, q = 0; c < k; c++)
	{
		offsets[c] = q;
		for (int i = 0; i < n; i++)
			if (assign[i] == (size_t) c)
				members[q++] = (size_t) i;
		offsets[c + 1] = q;
		if (offsets[c + 1] > offsets[c] &&
			placement_order_subset(d, (size_t) n, members + offsets[c], offsets[c + 1] - offsets[c],
								   &err) != MPC_OK)
			mpc_raise(&err, fn);
	}
	grp = palloc0(sizeof(int32) * n);
	pos = palloc0(sizeof(int32) * n);
	chains_to_columns(members, offsets, (size_t) k, grp, pos);
	PG_RETURN_DATUM(two_columns(fcinfo, grp, pos, n, false));
}

/*
 * private_eigentrust_groups_adapt(grp integer[], pos integer[],
 *     seconds double precision[], min_size integer,
 *     OUT grp integer[], OUT pos integer[], OUT changed boolean)
 * Section 4.3's adaptive rule (placement_adapt, split 2x and merge 0.5x
 * the median) on the chains of the last round: grp/pos as from
 * private_eigentrust_groups_place (0 = not placed), seconds[c] the
 * circulation time of chain c.  Parties with group 0 stay out.
 */
MPC_FUNCTION(private_eigentrust_groups_adapt)
{
	const char *fn = "private_eigentrust_groups_adapt";
	int			n,
				n2,
				nc;
	int64	   *g64,
			   *p64;
	Datum	   *td;
	bool	   *tn;
	double	   *times;
	size_t	   *members,
			   *offsets,
			   *om,
			   *oo,
				onc;
	int			changed;
	int		   *comp,
			   *placed,
				nplaced = 0;
	int32	   *grp,
			   *pos;
	placement_adapt_params prm;
	mpc_error	err;
	ArrayType  *ga,
			   *pa;

	pet_require_args(fcinfo, 4, 0, fn);
	ga = PG_GETARG_ARRAYTYPE_P(0);
	pa = PG_GETARG_ARRAYTYPE_P(1);
	{
		Datum	   *d;
		bool	   *nl;

		deconstruct_array(ga, INT4OID, 4, true, TYPALIGN_INT, &d, &nl, &n);
		g64 = palloc(sizeof(int64) * Max(n, 1));
		for (int i = 0; i < n; i++)
		{
			if (nl[i])
				groups_bad(fn, "grp must not contain NULLs");
			g64[i] = DatumGetInt32(d[i]);
		}
		deconstruct_array(pa, INT4OID, 4, true, TYPALIGN_INT, &d, &nl, &n2);
		p64 = palloc(sizeof(int64) * Max(n2, 1));
		for (int i = 0; i < n2; i++)
		{
			if (nl[i])
				groups_bad(fn, "pos must not contain NULLs");
			p64[i] = DatumGetInt32(d[i]);
		}
	}
	if (n != n2 || n < 1)
		groups_bad(fn, "grp and pos must have one entry per party");
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &td, &tn, &nc);
	if (nc < 1)
		groups_bad(fn, "seconds must have one entry per chain");
	times = palloc(sizeof(double) * nc);
	for (int c = 0; c < nc; c++)
	{
		if (tn[c])
			groups_bad(fn, "seconds must not contain NULLs");
		times[c] = DatumGetFloat8(td[c]);
	}
	/* the chains as a flat list, checking grp/pos describe them exactly;
	 * the placed parties are numbered 0..placed-1 for the core */
	members = palloc0(sizeof(size_t) * n);
	comp = palloc0(sizeof(int) * n);
	placed = palloc0(sizeof(int) * n);
	for (int i = 0; i < n; i++)
		if (g64[i] > 0)
		{
			comp[i] = nplaced;
			placed[nplaced++] = i;
		}
	offsets = palloc0(sizeof(size_t) * (nc + 1));
	for (int i = 0; i < n; i++)
	{
		if (g64[i] < 0 || g64[i] > nc)
			groups_bad(fn, "every grp entry must be 0 or a chain number with a time in seconds");
		if (g64[i] > 0)
			offsets[g64[i]]++;
	}
	for (int c = 0; c < nc; c++)
	{
		if (offsets[c + 1] == 0)
			groups_bad(fn, "every chain must have a member");
		offsets[c + 1] += offsets[c];
	}
	{
		for (int i = 0; i < n; i++)
		{
			size_t		c,
						sz;

			if (g64[i] == 0)
				continue;
			c = (size_t) g64[i] - 1;
			sz = offsets[c + 1] - offsets[c];
			if (p64[i] < 1 || (size_t) p64[i] > sz || members[offsets[c] + p64[i] - 1] != 0)
				groups_bad(fn, "pos must number each chain's members 1..size, each once");
			members[offsets[c] + p64[i] - 1] = (size_t) comp[i] + 1;	/* +1: 0 marks free */
		}
		for (size_t q = 0; q < offsets[nc]; q++)
		{
			if (members[q] == 0)
				groups_bad(fn, "pos must number each chain's members 1..size, each once");
			members[q]--;
		}
	}
	placement_adapt_defaults(&prm);
	if (PG_GETARG_INT32(3) < 1)
		groups_bad(fn, "min_size must be at least 1");
	prm.min_size = (size_t) PG_GETARG_INT32(3);
	om = palloc(sizeof(size_t) * Max(offsets[nc], 1));
	oo = palloc(sizeof(size_t) * (2 * nc + 1));
	if (placement_adapt(members, offsets, (size_t) nc, times, &prm, om, oo, &onc, &changed, &err) != MPC_OK)
		mpc_raise(&err, fn);
	for (size_t q = 0; q < oo[onc]; q++)
		om[q] = (size_t) placed[om[q]];
	grp = palloc0(sizeof(int32) * n);
	pos = palloc0(sizeof(int32) * n);
	chains_to_columns(om, oo, onc, grp, pos);
	PG_RETURN_DATUM(two_columns(fcinfo, grp, pos, n, changed != 0));
}

/*
 * private_eigentrust_groups_contribution(edges_sql text, key paillier_pubkey,
 *     peers bigint[], pretrust bigint[], enc_t bytea) RETURNS bytea
 *
 * A member's factor of its group's aggregation message: Enc(t_i)^(c_ij) for
 * its hosted trusters (and its dangling rows' pre-trust share), re-randomised
 * (the core's pet_party_vector, as in paper mode).  Called only by the
 * party's SECURITY DEFINER groups_step after the key's tag has checked; run
 * by any other role it reads only what that role may read.
 */
MPC_FUNCTION(private_eigentrust_groups_contribution)
{
	pai_pub		pk;
	pet_ratings rt;
	pet_rows	rows;
	int64	   *peers,
			   *p;
	int			n;
	bytea	   *enc_t,
			   *out;
	size_t		vlen;
	mpc_status	st;
	mpc_error	err;

	/* pretrust (argument 4) may be NULL: uniform */
	pet_require_args(fcinfo, 5, 1u << 3, "private_eigentrust_groups_contribution");
	peers = pet_int8_array(PG_GETARG_ARRAYTYPE_P(2), &n, "peers");
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_groups_contribution: peers must not be empty")));
	p = pet_pretrust(PG_ARGISNULL(3) ? NULL : PG_GETARG_ARRAYTYPE_P(3), n);
	enc_t = PG_GETARG_BYTEA_PP(4);
	pai_pub_copy(&pk, mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(1)));
	pet_read_ratings(text_to_cstring(PG_GETARG_TEXT_PP(0)), NULL, CurrentMemoryContext, &rt);
	pet_rows_over(&rt, peers, (uint32) n, CurrentMemoryContext, &rows);
	vlen = pet_vec_bytes(&pk, (uint32) n);
	if (vlen == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("private_eigentrust_groups_contribution: %d peers is too many for one vector", n)));
	out = palloc(VARHDRSZ + vlen);
	SET_VARSIZE(out, VARHDRSZ + vlen);
	CORE_CALL(st, pet_party_vector(&pk, mpc_djn_get(&pk), rows.e, rows.kept, rows.hosted,
								   rows.dangling, rows.nrows,
								   (const unsigned char *) VARDATA_ANY(enc_t), VARSIZE_ANY_EXHDR(enc_t),
								   p, (uint32) n, (unsigned char *) VARDATA(out), &err));
	pai_pub_clear(&pk);
	if (st != MPC_OK)
		pet_protocol_raise(&err, "private_eigentrust_groups_contribution");
	PG_RETURN_BYTEA_P(out);
}
