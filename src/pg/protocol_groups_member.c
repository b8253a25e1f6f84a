/*
 * protocol_groups_member.c: the member's side of groups-mode private
 * EigenTrust (docs/design.md, "Groups mode"): the check of the decryptor's
 * tag before any encryption, the rule that keeps a member's contributions
 * in one round from being differenced, the chain receipt and the member's
 * contribution.  The shared arguments and digests are in protocol_groups.c.
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
#include "grelease.h"
#include "mpc_pg.h"
#include "paillier_glue.h"
#include "paillier_pg.h"
#include "protocol_groups.h"
#include "protocol_pg.h"
#include "sha256.h"
#include "zerosum.h"

/* ---- the member ---- */

/*
 * What this member contributed to in the latest round of a run, in this
 * session: the decryptor, member set and key digest of every chain it
 * verified, and whether that chain's decryptor released it since.  A
 * contribution is refused unless the unreleased ones and it all have one
 * decryptor or all have one member set (gr_conflict): two aggregates over
 * different sets holding this party, decrypted by two decryptors, would
 * differ by this party's vector (docs/design.md, "Groups mode").  Rounds
 * only move forward: an earlier round than the one recorded is refused.
 */
#define PG_GROUPS_MAX_CONTRIB	256
#define PG_GROUPS_MAX_CHAINS	64	/* chains of one member in one round */
typedef struct contrib_rec
{
	char		run[PG_GROUPS_MAX_RUN + 1];
	int32		self;
	int32		round;
	int			n;
	gr_contrib	c[PG_GROUPS_MAX_CHAINS];	/* members in TopMemoryContext */
} contrib_rec;
static contrib_rec *contribs[PG_GROUPS_MAX_CONTRIB];
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

static void
contrib_clear(contrib_rec *r)
{
	for (int k = 0; k < r->n; k++)
		pfree((void *) r->c[k].members);
	r->n = 0;
}

/* this party's record for this run (NULL: none yet); forgets other runs' */
static contrib_rec *
contrib_find(groups_ctx *c)
{
	contrib_rec *r = NULL;
	int			w = 0;

	for (int k = 0; k < ncontribs; k++)
	{
		if (strcmp(contribs[k]->run, c->run) == 0)
		{
			contribs[w++] = contribs[k];
			continue;
		}
		contrib_clear(contribs[k]);
		pfree(contribs[k]);
	}
	ncontribs = w;
	for (int k = 0; k < ncontribs; k++)
		if (contribs[k]->self == c->self)
			r = contribs[k];
	return r;
}

/* ERROR 08P01 unless this member may contribute to (dec, members) in round;
 * then records it under the key digest kd */
static void
contrib_admit(groups_ctx *c, int32 dec, const int32 *members, int nm, const uint8 kd[AM_DIGEST_LEN],
			  const char *fn)
{
	int32	   *sorted = palloc(sizeof(int32) * nm);
	contrib_rec *r = contrib_find(c);
	gr_contrib *e;

	memcpy(sorted, members, sizeof(int32) * nm);
	qsort(sorted, nm, sizeof(int32), int32_cmp);
	if (r != NULL && c->round < r->round)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: party %d already contributed to round %d of this run; refusing a chain of round %d",
						fn, c->self, r->round, c->round),
				 errdetail("Rounds only move forward: a round redone after a later one could be decrypted twice.")));
	if (r != NULL && c->round == r->round)
	{
		int			x = gr_conflict(r->c, r->n, (uint32) dec, sorted, (uint32) nm);

		if (x >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("%s: party %d already contributed to round %d for decryptor %d with members %s; refusing a chain for decryptor %d with members %s",
							fn, c->self, c->round, r->c[x].dec, set_text(r->c[x].members, r->c[x].nm), dec,
							set_text(sorted, nm)),
					 errdetail("In one round a member's contributions go to one decryptor, unless the group is the same: two decryptors' aggregates over different groups holding this party would reveal the difference."),
					 errhint("A contribution counts no more once its chain's decryptor released that chain (private_eigentrust_groups_release).")));
		if (r->n >= PG_GROUPS_MAX_CHAINS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: party %d contributed to %d chains of round %d already", fn, c->self, r->n, c->round)));
	}
	else if (r != NULL)
		contrib_clear(r);		/* a later round replaces the record */
	else if (ncontribs >= PG_GROUPS_MAX_CONTRIB)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: this session records %d parties' contributions already", fn, ncontribs)));
	else
	{
		r = MemoryContextAllocZero(TopMemoryContext, sizeof(contrib_rec));
		strlcpy(r->run, c->run, sizeof(r->run));
		r->self = c->self;
		contribs[ncontribs++] = r;
	}
	r->round = c->round;
	e = &r->c[r->n];
	memset(e, 0, sizeof(*e));
	e->dec = (uint32) dec;
	e->nm = (uint32) nm;
	e->members = MemoryContextAlloc(TopMemoryContext, sizeof(int32) * nm);
	memcpy((void *) e->members, sorted, sizeof(int32) * nm);
	memcpy(e->kd, kd, AM_DIGEST_LEN);
	r->n++;
}

/*
 * private_eigentrust_groups_released(identity bytea, run_id text,
 *     round integer, grp integer, self integer, public_keys bytea[],
 *     decryptor integer, members integer[], key paillier_pubkey,
 *     release bytea) RETURNS integer
 * A member: release is the decryptor's tag (grelease.h) saying that it wiped
 * the key of group grp's chain (members in chain order, key) of round and
 * will never decrypt it; once it verifies, this party's contribution to
 * that chain no longer counts in the rule of contrib_admit.  Returns how
 * many contributions it released now (0: released already); ERROR XX001
 * when the tag does not verify, 08P01 when this party holds no contribution
 * of that round under that key.
 */
MPC_FUNCTION(private_eigentrust_groups_released)
{
	const char *fn = "private_eigentrust_groups_released";
	groups_ctx	c;
	int32		dec;
	int			nm;
	int32	   *members;
	bytea	   *rel;
	uint8		kd[AM_DIGEST_LEN],
				mk[AM_KEY_LEN];
	contrib_rec *r;
	int			got;
	mpc_error	err;
	mpc_status	st;

	pet_require_args(fcinfo, 10, 0, fn);
	groups_args(fcinfo, 0, &c, fn);
	dec = PG_GETARG_INT32(6);
	if (dec < 1 || dec > c.np || dec == c.self)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		groups_bad(fn, "the decryptor must be another party of this run");
	}
	PG_TRY();
	{
		members = groups_member_list(PG_GETARG_ARRAYTYPE_P(7), &nm, c.np, fn);
	}
	PG_CATCH();
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		PG_RE_THROW();
	}
	PG_END_TRY();
	rel = PG_GETARG_BYTEA_PP(9);
	groups_key_digest(c.grp, members, nm, PG_GETARG_PAILLIER_PUBKEY_P(8), kd);
	groups_pair_key(&c, dec, mk, fn);
	mpc_wipe(c.priv, sizeof(c.priv));
	st = gr_release_verify(mk, c.krun, strlen(c.krun), c.round, (uint32) dec, (uint32) c.self, kd,
						   (const uint8 *) VARDATA_ANY(rel), VARSIZE_ANY_EXHDR(rel), &err);
	mpc_wipe(mk, sizeof(mk));
	if (st != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s: the release of group %d of round %d is not authenticated by decryptor %d",
						fn, c.grp, c.round, dec),
				 errdetail("A release names one chain (its group, members in chain order and key) of one round, from its decryptor to one member. %s",
						   err.msg)));
	r = contrib_find(&c);
	got = (r == NULL || r->round != c.round) ? -1 : gr_release_apply(r->c, r->n, (uint32) dec, kd);
	if (got < 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: party %d holds no contribution to round %d under that key of decryptor %d",
						fn, c.self, c.round, dec),
				 errdetail("This session recorded no chain of group %d with those members and that key for this party.",
						   c.grp)));
	PG_RETURN_INT32(got);
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
	contrib_admit(&c, dec, members, nm, kd, fn);
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
