/*
 * protocol_groups.c: private EigenTrust in mode 'groups' (the seed paper's
 * task groups, chains and delegated decryption; docs/design.md, "Groups
 * mode"): the arguments and pairwise keys every party function shares, and
 * the member's side.  The decryptor's side is protocol_groups_dec.c, the
 * placement glue protocol_groups_place.c.
 *
 * Every pair of parties shares a MAC key derived from their identity keys
 * (the masked mode's zerosum keys, pinned by each party's owner) by
 * authmsg.h, for the run "groups " || run_id.  Parties are numbered 1..np
 * in the coordinator's order; a party's authmsg id is its number.
 *
 * A member encrypts nothing before the decryptor's tag over (the group, its
 * chain, the key, Enc(t), the public inputs) verifies: the decryptor derived
 * t itself and encrypted it (protocol_groups_dec.c).  It then tags a receipt
 * of its chain step (digests of the message it got, of the message it passed
 * on and of Enc(t)) for the decryptor.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "authmsg.h"
#include "mpc_pg.h"
#include "paillier_glue.h"
#include "paillier_pg.h"
#include "protocol_groups.h"
#include "protocol_pg.h"
#include "sha256.h"
#include "zerosum.h"

/* ---- arguments ---- */

void
groups_bad(const char *fn, const char *msg)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: %s", fn, msg)));
}

/* bytea[] without NULLs, each exactly len bytes (len 0: any), as one buffer */
uint8 *
groups_bytea_list(ArrayType *a, int *n, size_t len, const char *what, const char *fn)
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
int32 *
groups_member_list(ArrayType *a, int *n, int np, const char *fn)
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
void
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
	c->pubs = groups_bytea_list(PG_GETARG_ARRAYTYPE_P(a0 + 5), &c->np, ZS_PUB_LEN, "public_keys", fn);
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
void
groups_require_pinned(groups_ctx *c, ArrayType *known, int k, const char *fn)
{
	int			nk;
	uint8	   *kk = groups_bytea_list(known, &nk, ZS_PUB_LEN, "known_keys", fn);

	for (int j = 0; j < nk; j++)
		if (memcmp(kk + (size_t) j * ZS_PUB_LEN, c->pubs + (size_t) (k - 1) * ZS_PUB_LEN, ZS_PUB_LEN) == 0)
			return;
	mpc_wipe(c->priv, sizeof(c->priv));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("%s: party %d's public key is not pinned by this party", fn, k),
			 errhint("The party's owner inserts the other parties' keys into masked_known_parties.")));
}

/* the MAC key this party shares with party k (itself: its own) */
void
groups_pair_key(groups_ctx *c, int k, uint8 key[AM_KEY_LEN], const char *fn)
{
	char		ids[2][16];
	zs_party	peer;
	uint8		seed[ZS_SEED_LEN];
	mpc_error	err;
	mpc_status	st;

	if (k == c->self)
	{
		/* a tag for itself (a decryptor reading its own aggregate in the
		 * next round): a key only this party can derive */
		static const char label[] = "mpc_eigentrust groups self v1";
		sha256_ctx	h;

		StaticAssertStmt(ZS_SEED_LEN == SHA256_DIGEST_LEN, "a seed is one SHA-256 digest");
		sha256_init(&h);
		sha256_update(&h, label, sizeof(label) - 1);
		sha256_update(&h, c->priv, ZS_PRIV_LEN);
		sha256_final(&h, seed);
		st = am_derive_key(seed, c->krun, strlen(c->krun), "mac", key, &err);
		mpc_wipe(seed, sizeof(seed));
		mpc_wipe(&h, sizeof(h));
		if (st != MPC_OK)
			mpc_raise(&err, fn);
		return;
	}
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
		mpc_wipe(c->priv, sizeof(c->priv));
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
void
groups_key_digest(int32 grp, const int32 *members, int nm, const PaillierPubkey *pk,
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
void
groups_step_digest(const uint8 kd[AM_DIGEST_LEN], const uint8 *din, const uint8 *dout,
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

void
groups_bytea_digest(bytea *b, uint8 out[AM_DIGEST_LEN])
{
	if (b == NULL)
		am_digest("", 0, out);
	else
		am_digest(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), out);
}

static void
put_be64(sha256_ctx *h, uint64 v)
{
	put_be32(h, (uint32) (v >> 32));
	put_be32(h, (uint32) v);
}

void
groups_t_digest(const uint8 kd[AM_DIGEST_LEN], const uint8 dt[AM_DIGEST_LEN],
				const uint8 pd[AM_DIGEST_LEN], uint8 out[AM_DIGEST_LEN])
{
	static const char label[] = "groups t";
	sha256_ctx	h;

	sha256_init(&h);
	sha256_update(&h, label, sizeof(label) - 1);
	sha256_update(&h, kd, AM_DIGEST_LEN);
	sha256_update(&h, dt, AM_DIGEST_LEN);
	sha256_update(&h, pd, AM_DIGEST_LEN);
	sha256_final(&h, out);
}

void
groups_t_values_digest(const int64 *t, int n, uint8 out[AM_DIGEST_LEN])
{
	sha256_ctx	h;

	sha256_init(&h);
	put_be32(&h, (uint32) n);
	for (int j = 0; j < n; j++)
		put_be64(&h, (uint64) t[j]);
	sha256_final(&h, out);
}

void
groups_public_args(FunctionCallInfo fcinfo, int a0, groups_ctx *c, groups_public *gp,
				   const char *fn)
{
	static const char label[] = "mpc_eigentrust groups public v1";
	sha256_ctx	h;
	uint64		ab;

	/* the identity is loaded already: wipe it when an argument is refused */
	PG_TRY();
	{
		gp->peers = pet_int8_array(PG_GETARG_ARRAYTYPE_P(a0), &gp->n, "peers");
		pet_check_peers(gp->peers, gp->n);
		gp->p = pet_pretrust(PG_ARGISNULL(a0 + 1) ? NULL : PG_GETARG_ARRAYTYPE_P(a0 + 1), gp->n);
		gp->alpha = PG_GETARG_FLOAT8(a0 + 2);
		if (!(gp->alpha > 0 && gp->alpha <= 1))
			groups_bad(fn, "alpha must be in (0, 1]");
	}
	PG_CATCH();
	{
		mpc_wipe(c->priv, sizeof(c->priv));
		PG_RE_THROW();
	}
	PG_END_TRY();
	sha256_init(&h);
	sha256_update(&h, label, sizeof(label) - 1);
	put_be32(&h, (uint32) strlen(c->krun));
	sha256_update(&h, c->krun, strlen(c->krun));
	put_be32(&h, (uint32) c->np);
	sha256_update(&h, c->pubs, (size_t) c->np * ZS_PUB_LEN);
	put_be32(&h, (uint32) gp->n);
	for (int j = 0; j < gp->n; j++)
		put_be64(&h, (uint64) gp->peers[j]);
	for (int j = 0; j < gp->n; j++)
		put_be64(&h, (uint64) gp->p[j]);
	memcpy(&ab, &gp->alpha, sizeof(ab));
	put_be64(&h, ab);
	sha256_final(&h, gp->digest);
}

/* ---- the member ---- */

/*
 * What this member contributed to in the latest round of a run, in this
 * session: the decryptor and member set of its first verified chain, and
 * whether every chain since had the same decryptor or the same member set.
 * A contribution that keeps neither is refused: two aggregates over
 * different sets holding this party, decrypted by two decryptors, would
 * differ by this party's vector (docs/design.md, "Groups mode").  Rounds
 * only move forward: an earlier round than the one recorded is refused.
 */
#define PG_GROUPS_MAX_CONTRIB	256
typedef struct contrib_rec
{
	char		run[PG_GROUPS_MAX_RUN + 1];
	int32		self;
	int32		round;
	int32		dec;			/* the first chain's decryptor */
	int			nm;
	int32	   *members;		/* its member set, sorted */
	bool		same_dec;		/* every chain since: that decryptor */
	bool		same_set;		/* every chain since: that member set */
} contrib_rec;
static contrib_rec contribs[PG_GROUPS_MAX_CONTRIB];
static int ncontribs = 0;

static int
int32_cmp(const void *a, const void *b)
{
	int32		x = *(const int32 *) a,
				y = *(const int32 *) b;

	return (x > y) - (x < y);
}

static char *
set_text(const int32 *m, int nm)
{
	StringInfoData b;

	initStringInfo(&b);
	appendStringInfoChar(&b, '{');
	for (int k = 0; k < nm; k++)
		appendStringInfo(&b, "%s%d", k ? "," : "", m[k]);
	appendStringInfoChar(&b, '}');
	return b.data;
}

/* ERROR 08P01 unless this member may contribute to (dec, members) in round */
static void
contrib_admit(groups_ctx *c, int32 dec, const int32 *members, int nm, const char *fn)
{
	int32	   *sorted = palloc(sizeof(int32) * nm);
	contrib_rec *r = NULL;
	int			w = 0;

	memcpy(sorted, members, sizeof(int32) * nm);
	qsort(sorted, nm, sizeof(int32), int32_cmp);
	/* another run in this session: forget the old one's records */
	for (int k = 0; k < ncontribs; k++)
	{
		if (strcmp(contribs[k].run, c->run) == 0)
		{
			contribs[w++] = contribs[k];
			continue;
		}
		pfree(contribs[k].members);
	}
	ncontribs = w;
	for (int k = 0; k < ncontribs; k++)
		if (contribs[k].self == c->self)
			r = &contribs[k];
	if (r != NULL && c->round < r->round)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: party %d already contributed to round %d of this run; refusing a chain of round %d",
						fn, c->self, r->round, c->round),
				 errdetail("Rounds only move forward: a round redone after a later one could be decrypted twice.")));
	if (r != NULL && c->round == r->round)
	{
		bool		sd = r->same_dec && r->dec == dec;
		bool		ss = r->same_set && r->nm == nm && memcmp(r->members, sorted, sizeof(int32) * nm) == 0;

		if (!sd && !ss)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("%s: party %d already contributed to round %d for decryptor %d with members %s; refusing a chain for decryptor %d with members %s",
							fn, c->self, c->round, r->dec, set_text(r->members, r->nm), dec, set_text(sorted, nm)),
					 errdetail("In one round a member's contributions go to one decryptor, unless the group is the same: two decryptors' aggregates over different groups holding this party would reveal the difference.")));
		r->same_dec = sd;
		r->same_set = ss;
		return;
	}
	if (r != NULL)
		pfree(r->members);		/* a later round replaces the record */
	else if (ncontribs >= PG_GROUPS_MAX_CONTRIB)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: this session records %d parties' contributions already", fn, ncontribs)));
	else
		r = &contribs[ncontribs++];
	strlcpy(r->run, c->run, sizeof(r->run));
	r->self = c->self;
	r->round = c->round;
	r->dec = dec;
	r->nm = nm;
	r->members = MemoryContextAlloc(TopMemoryContext, sizeof(int32) * nm);
	memcpy(r->members, sorted, sizeof(int32) * nm);
	r->same_dec = true;
	r->same_set = true;
}


/*
 * private_eigentrust_groups_check_key(identity bytea, run_id text,
 *     round integer, grp integer, self integer, public_keys bytea[],
 *     known_keys bytea[], decryptor integer, members integer[],
 *     key paillier_pubkey, tag bytea, min_group integer, enc_t bytea,
 *     peers bigint[], pretrust bigint[], alpha float8) RETURNS boolean
 * A member, before it encrypts anything under key: the decryptor is pinned
 * and outside the group, this party is in the group, the group has at least
 * max(2, min_group) members, and tag is the decryptor's for exactly this
 * group, chain, key, Enc(t) and these public inputs (pretrust may be NULL:
 * uniform); and, in this session, that this party's earlier chains of the
 * round all had this decryptor or all had this member set (contrib_admit).
 * true, or ERROR.
 */
MPC_FUNCTION(private_eigentrust_groups_check_key)
{
	const char *fn = "private_eigentrust_groups_check_key";
	groups_ctx	c;
	groups_public gp;
	int32		dec;
	int			nm;
	int32	   *members;
	bool		in = false;
	PaillierPubkey *pk;
	bytea	   *tag;
	uint8		kd[AM_DIGEST_LEN],
				dt[AM_DIGEST_LEN],
				td[AM_DIGEST_LEN],
				mk[AM_KEY_LEN];
	int32		min_group;
	mpc_error	err;
	mpc_status	st;

	pet_require_args(fcinfo, 16, 1u << 14, fn);
	groups_args(fcinfo, 0, &c, fn);
	dec = PG_GETARG_INT32(7);
	members = groups_member_list(PG_GETARG_ARRAYTYPE_P(8), &nm, c.np, fn);
	pk = PG_GETARG_PAILLIER_PUBKEY_P(9);
	tag = PG_GETARG_BYTEA_PP(10);
	min_group = Max(PG_GETARG_INT32(11), PG_GROUPS_MIN);
	groups_public_args(fcinfo, 13, &c, &gp, fn);
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
	groups_require_pinned(&c, PG_GETARG_ARRAYTYPE_P(6), dec, fn);
	mpc_check_pubkey(pk);
	groups_key_digest(c.grp, members, nm, pk, kd);
	groups_bytea_digest(PG_GETARG_BYTEA_PP(12), dt);
	groups_t_digest(kd, dt, gp.digest, td);
	groups_pair_key(&c, dec, mk, fn);
	mpc_wipe(c.priv, sizeof(c.priv));
	st = am_verify(mk, c.krun, strlen(c.krun), c.round, (uint32) dec, (uint32) c.self,
				   PG_LABEL_KEY, td, (const uint8 *) VARDATA_ANY(tag), VARSIZE_ANY_EXHDR(tag), &err);
	mpc_wipe(mk, sizeof(mk));
	if (st != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s: the key and Enc(t) of group %d in round %d are not authenticated by decryptor %d",
						fn, c.grp, c.round, dec),
				 errdetail("The decryptor derives t itself and tags the key, Enc(t) and the public inputs for each member; this party was shown another key, another Enc(t) or other public inputs. %s",
						   err.msg)));
	contrib_admit(&c, dec, members, nm, fn);
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
	members = groups_member_list(PG_GETARG_ARRAYTYPE_P(7), &nm, c.np, fn);
	if (dec < 1 || dec > c.np || dec == c.self)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		groups_bad(fn, "the decryptor must be another party of this run");
	}
	groups_key_digest(c.grp, members, nm, PG_GETARG_PAILLIER_PUBKEY_P(8), kd);
	out = palloc(VARHDRSZ + PG_RECEIPT_LEN);
	SET_VARSIZE(out, VARHDRSZ + PG_RECEIPT_LEN);
	o = (uint8 *) VARDATA(out);
	groups_bytea_digest(PG_ARGISNULL(10) ? NULL : PG_GETARG_BYTEA_PP(10), o);
	groups_bytea_digest(PG_GETARG_BYTEA_PP(11), o + AM_DIGEST_LEN);
	groups_bytea_digest(PG_GETARG_BYTEA_PP(9), o + 2 * AM_DIGEST_LEN);
	groups_step_digest(kd, o, o + AM_DIGEST_LEN, o + 2 * AM_DIGEST_LEN, sd);
	groups_pair_key(&c, dec, mk, fn);
	mpc_wipe(c.priv, sizeof(c.priv));
	st = am_tag(mk, c.krun, strlen(c.krun), c.round, (uint32) c.self, (uint32) dec,
				PG_LABEL_STEP, sd, o + 3 * AM_DIGEST_LEN, &err);
	mpc_wipe(mk, sizeof(mk));
	if (st != MPC_OK)
		mpc_raise(&err, fn);
	PG_RETURN_BYTEA_P(out);
}

/*
 * The member's rows live in its session for the run (as in paper mode):
 * read once, on the first round, not every round.
 */
typedef struct gm_party
{
	pet_session s;				/* first: context, run id, owner, phase */
	char	   *edges_sql;
	uint8		peers_digest[AM_DIGEST_LEN];
	pet_rows	rows;
} gm_party;

static gm_party *gm_cur = NULL;

static void
gm_forget(void)
{
	if (gm_cur == NULL)
		return;
	MemoryContextDelete(gm_cur->s.cxt);
	gm_cur = NULL;
}

typedef struct gm_peers
{
	const int64 *peers;
	int			n;
} gm_peers;

static Datum
gm_build(FunctionCallInfo fcinfo, void *state)
{
	const gm_peers *pp = state;
	pet_ratings rt;

	pet_read_ratings(gm_cur->edges_sql, NULL, gm_cur->s.cxt, &rt);
	pet_rows_over(&rt, pp->peers, (uint32) pp->n, gm_cur->s.cxt, &gm_cur->rows);
	return (Datum) 0;
}

/*
 * private_eigentrust_groups_contribution(edges_sql text, run_id text,
 *     key paillier_pubkey, peers bigint[], pretrust bigint[], enc_t bytea)
 *     RETURNS bytea
 *
 * A member's factor of its group's aggregation message: Enc(t_i)^(c_ij) for
 * its hosted trusters (and its dangling rows' pre-trust share), re-randomised
 * (the core's pet_party_vector, as in paper mode).  Called only by the
 * party's SECURITY DEFINER groups_step after the decryptor's tag has
 * checked; run by any other role it reads only what that role may read.
 * The rows are built on the run's first call in this session and kept.
 */
MPC_FUNCTION(private_eigentrust_groups_contribution)
{
	const char *fn = "private_eigentrust_groups_contribution";
	pai_pub		pk;
	int64	   *peers,
			   *p;
	int			n;
	char	   *edges,
			   *run;
	uint8		pd[AM_DIGEST_LEN];
	bytea	   *enc_t,
			   *out;
	size_t		vlen;
	mpc_status	st;
	mpc_error	err;

	/* pretrust (argument 5) may be NULL: uniform */
	pet_require_args(fcinfo, 6, 1u << 4, fn);
	edges = text_to_cstring(PG_GETARG_TEXT_PP(0));
	run = pet_run_arg(PG_GETARG_TEXT_PP(1));
	peers = pet_int8_array(PG_GETARG_ARRAYTYPE_P(3), &n, "peers");
	if (n < 1)
		groups_bad(fn, "peers must not be empty");
	pet_check_peers(peers, n);
	p = pet_pretrust(PG_ARGISNULL(4) ? NULL : PG_GETARG_ARRAYTYPE_P(4), n);
	enc_t = PG_GETARG_BYTEA_PP(5);
	groups_t_values_digest(peers, n, pd);
	if (gm_cur == NULL || strcmp(gm_cur->s.run, run) != 0 || gm_cur->s.owner != GetUserId() ||
		strcmp(gm_cur->edges_sql, edges) != 0 || !am_ct_equal(gm_cur->peers_digest, pd, AM_DIGEST_LEN))
	{
		gm_peers	pp = {peers, n};

		/* another run (or role, ratings query or peer list): rebuild */
		gm_forget();
		gm_cur = pet_session_new(sizeof(gm_party), run);
		gm_cur->edges_sql = MemoryContextStrdup(gm_cur->s.cxt, edges);
		memcpy(gm_cur->peers_digest, pd, AM_DIGEST_LEN);
		(void) pet_guarded(gm_build, fcinfo, &pp, gm_forget);
	}
	pai_pub_copy(&pk, mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(2)));
	vlen = pet_vec_bytes(&pk, (uint32) n);
	if (vlen == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: %d peers is too many for one vector", fn, n)));
	out = palloc(VARHDRSZ + vlen);
	SET_VARSIZE(out, VARHDRSZ + vlen);
	CORE_CALL(st, pet_party_vector(&pk, mpc_djn_get(&pk), gm_cur->rows.e, gm_cur->rows.kept,
								   gm_cur->rows.hosted, gm_cur->rows.dangling, gm_cur->rows.nrows,
								   (const unsigned char *) VARDATA_ANY(enc_t), VARSIZE_ANY_EXHDR(enc_t),
								   p, (uint32) n, (unsigned char *) VARDATA(out), &err));
	pai_pub_clear(&pk);
	if (st != MPC_OK)
		pet_protocol_raise(&err, fn);
	PG_RETURN_BYTEA_P(out);
}
