/*
 * protocol_groups_dec.c: the decryptor of groups-mode private EigenTrust
 * (docs/design.md, "Groups mode").
 *
 * The decryptor of group g in round r derives t_r itself: t_1 is the
 * public pre-trust; t_r for r > 1 comes from the k group aggregates of
 * round r - 1, each tagged for this party by the decryptor that decrypted
 * it (paper.h's envelope under the pairwise groups keys), by the core's
 * update pet_next with the hosted mask of the parties those aggregates
 * cover, and must keep sum t = 1 and t_j >= alpha p_j (pem_check_t).  It
 * makes a fresh Paillier key, keeps the private half in this backend only
 * (bound to the role that made it), encrypts t under it and tags the key,
 * Enc(t) and the public inputs for each member.  It decrypts the group's
 * aggregate once, only when the receipts of every listed member verify,
 * name its own Enc(t) and link into one chain that ends in the aggregate;
 * the key is then wiped and the aggregate returned tagged for every party.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "common/int.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "authmsg.h"
#include "masked.h"
#include "mpc_pg.h"
#include "paillier_glue.h"
#include "paillier_pg.h"
#include "paper.h"
#include "protocol_groups.h"
#include "protocol_pg.h"

extern Datum paillier_keygen(PG_FUNCTION_ARGS);
extern Datum paillier_pubkey_of_priv(PG_FUNCTION_ARGS);
extern Datum private_eigentrust_decrypt_vector(PG_FUNCTION_ARGS);

#define PG_GROUPS_MAX_KEYS	256

/* ---- the decryptor's keys, in this backend only ---- */

typedef struct held_key
{
	char		run[PG_GROUPS_MAX_RUN + 1];
	int32		round;
	int32		grp;
	Oid			owner;
	int32	   *members;
	int			nm;
	int			n;				/* peers */
	uint8		pd[AM_DIGEST_LEN];	/* the public inputs */
	uint8		td[AM_DIGEST_LEN];	/* t, as values */
	uint8		ed[AM_DIGEST_LEN];	/* Enc(t) */
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


/* ---- the tagged group aggregate ----
 * Body (big-endian): grp (u32), nm (u32), the members in chain order (u32
 * each), SHA-256 of the t it was computed under (groups_t_values_digest),
 * n (u32), the n sums at scale PET_SCALE_U (i64 each).  Envelope: paper.h's
 * PP_ROUND message from the decryptor to parties 1..np, whose tags cover
 * the run's public-inputs digest and the body.
 */
static void
put32(uint8 *p, uint32 v)
{
	v = pg_hton32(v);
	memcpy(p, &v, 4);
}

static uint32
get32(const uint8 *p)
{
	uint32		v;

	memcpy(&v, p, 4);
	return pg_ntoh32(v);
}

static uint8 *
agg_body(const held_key *h, const int64 *sums, size_t *blen)
{
	uint8	   *b,
			   *o;

	*blen = 8 + 4 * (size_t) h->nm + AM_DIGEST_LEN + 4 + 8 * (size_t) h->n;
	b = o = palloc(*blen);
	put32(o, (uint32) h->grp);
	put32(o + 4, (uint32) h->nm);
	o += 8;
	for (int k = 0; k < h->nm; k++, o += 4)
		put32(o, (uint32) h->members[k]);
	memcpy(o, h->td, AM_DIGEST_LEN);
	o += AM_DIGEST_LEN;
	put32(o, (uint32) h->n);
	o += 4;
	for (int j = 0; j < h->n; j++, o += 8)
	{
		put32(o, (uint32) ((uint64) sums[j] >> 32));
		put32(o + 4, (uint32) (uint64) sums[j]);
	}
	return b;
}

static void
agg_refuse(const char *fn, int k, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROTOCOL_VIOLATION),
			 errmsg("%s: aggregate %d of the previous round %s", fn, k + 1, what),
			 errdetail("A decryptor derives t only from every group aggregate of the previous round, each tagged by the decryptor that decrypted it.")));
}

/*
 * t for this round (palloc'd): the public pre-trust in round 1, else from
 * the previous round's tagged aggregates prev[] and prev_t.  present[]
 * (np + 1 entries) receives the parties those aggregates cover.
 */
static int64 *
derive_t(groups_ctx *c, const groups_public *gp, ArrayType *known, ArrayType *owner_a,
		 ArrayType *prev_t_a, ArrayType *prev_a, bool *present, const char *fn)
{
	const uint8 **msgs;
	size_t	   *lens;
	int			nprev,
				nt,
				no;
	int64	   *t = palloc(sizeof(int64) * gp->n),
			   *prev_t,
			   *sums = palloc0(sizeof(int64) * gp->n);
	int32	   *owner;
	bool	   *grp_seen;
	unsigned char *hosted;
	uint8		ptd[AM_DIGEST_LEN];
	double		res;
	mpc_error	err;

	nprev = pet_bytea_array(prev_a, &msgs, &lens, "previous");
	if (c->round == 1)
	{
		if (nprev != 0 || prev_t_a != NULL)
			groups_bad(fn, "round 1 has no previous round: its t is the pre-trust");
		memcpy(t, gp->p, sizeof(int64) * gp->n);
		for (int k = 1; k <= c->np; k++)
			present[k] = true;
		return t;
	}
	if (prev_t_a == NULL || nprev == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: round %d needs the previous round's t and its group aggregates", fn, c->round),
				 errdetail("A decryptor derives t only from every group aggregate of the previous round, each tagged by the decryptor that decrypted it.")));
	prev_t = pet_int8_array(prev_t_a, &nt, "previous t");
	if (nt != gp->n)
		groups_bad(fn, "the previous t must have one value per peer");
	groups_t_values_digest(prev_t, nt, ptd);
	{
		Datum	   *d;
		bool	   *nl;

		deconstruct_array(owner_a, INT4OID, 4, true, TYPALIGN_INT, &d, &nl, &no);
		if (ARR_NDIM(owner_a) > 1 || no != gp->n)
			groups_bad(fn, "owner must name one hosting party (0: none) per peer");
		owner = palloc(sizeof(int32) * no);
		for (int j = 0; j < no; j++)
		{
			if (nl[j] || DatumGetInt32(d[j]) < 0 || DatumGetInt32(d[j]) > c->np)
				groups_bad(fn, "owner must name one hosting party (0: none) per peer");
			owner[j] = DatumGetInt32(d[j]);
		}
	}
	grp_seen = palloc0(sizeof(bool) * (nprev + 1));
	for (int k = 1; k <= c->np; k++)
		present[k] = false;
	for (int k = 0; k < nprev; k++)
	{
		pp_env		e;
		uint8		mk[AM_KEY_LEN];
		const uint8 *b;
		uint32		g,
					nm;
		mpc_status	st;

		if (msgs[k] == NULL)
			agg_refuse(fn, k, "is missing");
		if (pp_env_peek(&e, msgs[k], lens[k], &err) != MPC_OK)
			agg_refuse(fn, k, "is not a tagged group aggregate");
		if (e.sender < 1 || e.sender > (uint32) c->np)
			agg_refuse(fn, k, "names no party of this run as its decryptor");
		if (e.sender != (uint32) c->self)
			groups_require_pinned(c, known, (int) e.sender, fn);
		groups_pair_key(c, (int) e.sender, mk, fn);
		st = pp_env_check(&e, PP_ROUND, c->round - 1, (uint32) c->self, mk, c->krun, gp->digest, &err);
		mpc_wipe(mk, sizeof(mk));
		if (st != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("%s: aggregate %d of round %d does not verify: %s", fn, k + 1, c->round - 1, err.msg),
					 errdetail("Each group aggregate must carry this party's tag from its decryptor, for this run, the previous round and these public inputs.")));
		b = e.body;
		if (e.blen < 8 || (nm = get32(b + 4)) < PG_GROUPS_MIN || nm > (uint32) c->np ||
			e.blen != 8 + 4 * (size_t) nm + AM_DIGEST_LEN + 4 + 8 * (size_t) gp->n ||
			get32(b + 8 + 4 * nm + AM_DIGEST_LEN) != (uint32) gp->n)
			agg_refuse(fn, k, "is malformed");
		g = get32(b);
		if (g < 1 || g > (uint32) nprev || grp_seen[g])
			agg_refuse(fn, k, "repeats a group or numbers it outside 1..groups");
		grp_seen[g] = true;
		for (uint32 q = 0; q < nm; q++)
		{
			uint32		m = get32(b + 8 + 4 * q);

			if (m < 1 || m > (uint32) c->np || present[m] || m == e.sender)
				agg_refuse(fn, k, "repeats a party, holds its own decryptor or names no party");
			present[m] = true;
		}
		if (!am_ct_equal(b + 8 + 4 * nm, ptd, AM_DIGEST_LEN))
			agg_refuse(fn, k, "was computed under another t than the previous t given");
		b += 8 + 4 * nm + AM_DIGEST_LEN + 4;
		for (int j = 0; j < gp->n; j++, b += 8)
		{
			int64		v = (int64) (((uint64) get32(b) << 32) | get32(b + 4));

			if (pg_add_s64_overflow(sums[j], v, &sums[j]))
				agg_refuse(fn, k, "overflows the sums");
		}
		CHECK_FOR_INTERRUPTS();
	}
	/* the peers of parties no aggregate covers are unhosted (they left) */
	hosted = palloc(gp->n);
	for (int j = 0; j < gp->n; j++)
		hosted[j] = owner[j] > 0 && present[owner[j]];
	if (pet_next((size_t) gp->n, sums, prev_t, gp->p, hosted, gp->alpha, t, &res, &err) != MPC_OK ||
		pem_check_t((uint32) gp->n, t, gp->p, gp->alpha, &err) != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the t derived from round %d's aggregates fails its check: %s", fn, c->round - 1, err.msg),
				 errdetail("The aggregates and the hosting parties given do not cover the same parties: a group was left out or a peer's host misnamed.")));
	return t;
}

/*
 * private_eigentrust_groups_key(identity bytea, run_id text, round integer,
 *     grp integer, self integer, public_keys bytea[], known_keys bytea[],
 *     members integer[], bits integer, peers bigint[], pretrust bigint[],
 *     alpha float8, owner integer[], prev_t bigint[], previous bytea[],
 *     OUT key paillier_pubkey, OUT enc_t bytea, OUT t bigint[], OUT tags bytea[])
 * The decryptor: t for this round derived here (derive_t), a fresh key for
 * (run, round, group), kept here, Enc(t) under it, and its tag over the
 * group, the chain, the key, Enc(t) and the public inputs for each member
 * (in the order of members).  Refuses a group it belongs to, one with fewer
 * than 2 members, an unpinned member, a member that no aggregate of the
 * previous round covers (a party that left does not come back), and a
 * second key for a (round, group) it already decrypted.
 */
MPC_FUNCTION(private_eigentrust_groups_key)
{
	const char *fn = "private_eigentrust_groups_key";
	groups_ctx	c;
	int			nm;
	int32	   *members;
	int32		bits;
	groups_public gp;
	int64	   *volatile t = NULL;
	bool	   *present;
	held_key   *h;
	Datum		skd,
				pkd;
	PaillierPubkey *pk;
	pai_pub		pub;
	bytea	   *enc;
	size_t		elen;
	mpc_status	st;
	mpc_error	err;
	uint8		kd[AM_DIGEST_LEN],
				tgd[AM_DIGEST_LEN];
	Datum	   *tags;
	TupleDesc	td;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	MemoryContext old;

	pet_require_args(fcinfo, 15, (1u << 10) | (1u << 13), fn);
	groups_args(fcinfo, 0, &c, fn);
	groups_public_args(fcinfo, 9, &c, &gp, fn);
	members = groups_member_list(PG_GETARG_ARRAYTYPE_P(7), &nm, c.np, fn);
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
		groups_require_pinned(&c, PG_GETARG_ARRAYTYPE_P(6), members[k], fn);
	}
	present = palloc0(sizeof(bool) * (c.np + 1));
	PG_TRY();
	{
		t = derive_t(&c, &gp, PG_GETARG_ARRAYTYPE_P(6), PG_GETARG_ARRAYTYPE_P(12),
					 PG_ARGISNULL(13) ? NULL : PG_GETARG_ARRAYTYPE_P(13), PG_GETARG_ARRAYTYPE_P(14),
					 present, fn);
	}
	PG_CATCH();
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		PG_RE_THROW();
	}
	PG_END_TRY();
	for (int k = 0; k < nm; k++)
		if (!present[members[k]])
		{
			mpc_wipe(c.priv, sizeof(c.priv));
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("%s: party %d is in no group aggregate of round %d", fn, members[k], c.round - 1),
					 errdetail("A party that left does not come back: its ratings left the computation.")));
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
	h->n = gp.n;
	h->owner = GetUserId();
	memcpy(h->pd, gp.digest, AM_DIGEST_LEN);
	groups_t_values_digest(t, gp.n, h->td);

	/* Enc(t) under the new key, by this decryptor */
	pai_pub_copy(&pub, mpc_pubkey_key(pk));
	elen = pet_vec_bytes(&pub, (uint32) gp.n);
	if (elen == 0)
		groups_bad(fn, "too many peers for one vector");
	enc = palloc(VARHDRSZ + elen);
	SET_VARSIZE(enc, VARHDRSZ + elen);
	CORE_CALL(st, pet_vec_encrypt(&pub, mpc_djn_get(&pub), t, (uint32) gp.n, PET_SCALE_T,
								  (unsigned char *) VARDATA(enc), &err));
	pai_pub_clear(&pub);
	if (st != MPC_OK)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		mpc_raise(&err, fn);
	}
	groups_bytea_digest(enc, h->ed);
	groups_key_digest(c.grp, members, nm, pk, kd);
	groups_t_digest(kd, h->ed, gp.digest, tgd);
	tags = palloc(sizeof(Datum) * nm);
	for (int k = 0; k < nm; k++)
	{
		uint8		mk[AM_KEY_LEN];
		bytea	   *tg = palloc(VARHDRSZ + AM_TAG_LEN);

		groups_pair_key(&c, members[k], mk, fn);
		SET_VARSIZE(tg, VARHDRSZ + AM_TAG_LEN);
		if (am_tag(mk, c.krun, strlen(c.krun), c.round, (uint32) c.self, (uint32) members[k],
				   PG_LABEL_KEY, tgd, (uint8 *) VARDATA(tg), &err) != MPC_OK)
		{
			mpc_wipe(mk, sizeof(mk));
			mpc_wipe(c.priv, sizeof(c.priv));
			mpc_raise(&err, fn);
		}
		mpc_wipe(mk, sizeof(mk));
		tags[k] = PointerGetDatum(tg);
	}
	mpc_wipe(c.priv, sizeof(c.priv));
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fn);
	values[0] = PointerGetDatum(pk);
	values[1] = PointerGetDatum(enc);
	values[2] = PointerGetDatum(pet_int8_array_build(t, gp.n));
	values[3] = PointerGetDatum(construct_array(tags, nm, BYTEAOID, -1, false, TYPALIGN_INT));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}

/*
 * private_eigentrust_groups_decrypt(identity bytea, run_id text,
 *     round integer, grp integer, self integer, public_keys bytea[],
 *     receipts bytea[], msg bytea, OUT sums bigint[], OUT aggregate bytea)
 * The decryptor: the receipts of the group's members, in chain order (the
 * members its key was made for), must each verify, all name the Enc(t) this
 * decryptor made, and link: the first member got the empty message, each
 * next one got what the one before passed on, the last passed on msg.  Then
 * msg is decrypted (sums at scale 13) and the key wiped: once per round.
 * aggregate is the sums with the group, its chain and the t they were
 * computed under, tagged for every party (the next round's decryptors).
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
	volatile Datum sums = (Datum) 0;
	int64	   *sv;
	int			ns;
	uint8		(*keys)[AM_KEY_LEN];
	uint8	   *body;
	size_t		blen,
				mlen;
	bytea	   *agg;
	TupleDesc	td;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	mpc_error	err;

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
	rc = groups_bytea_list(PG_GETARG_ARRAYTYPE_P(6), &nr, PG_RECEIPT_LEN, "receipts", fn);
	if (nr != h->nm)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s: %d receipts for a group of %d members", fn, nr, h->nm),
				 errdetail("Every member of the group must have added its contribution.")));
	}
	msg = PG_GETARG_BYTEA_PP(7);
	groups_key_digest(c.grp, h->members, h->nm, h->pk, kd);
	am_digest("", 0, prev);
	groups_bytea_digest(msg, last);
	for (int k = 0; k < nr; k++)
	{
		const uint8 *r = rc + (size_t) k * PG_RECEIPT_LEN;
		uint8		sd[AM_DIGEST_LEN],
					mk[AM_KEY_LEN];
		mpc_status	st;

		if (!am_ct_equal(r, prev, AM_DIGEST_LEN) || !am_ct_equal(r + 2 * AM_DIGEST_LEN, h->ed, AM_DIGEST_LEN))
		{
			mpc_wipe(c.priv, sizeof(c.priv));
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("%s: the chain of group %d breaks at member %d (party %d)", fn, c.grp, k + 1,
							h->members[k]),
					 errdetail("Each member must get what the member before it passed on, and all must use the Enc(t) this decryptor made.")));
		}
		groups_step_digest(kd, r, r + AM_DIGEST_LEN, r + 2 * AM_DIGEST_LEN, sd);
		groups_pair_key(&c, h->members[k], mk, fn);
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
	/* the keys for the aggregate's tags, while the identity is at hand */
	keys = palloc(sizeof(*keys) * c.np);
	for (int x = 1; x <= c.np; x++)
		groups_pair_key(&c, x, keys[x - 1], fn);
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
	sv = pet_int8_array(DatumGetArrayTypeP(sums), &ns, "sums");
	if (ns != h->n)
	{
		mpc_wipe(keys, sizeof(*keys) * c.np);
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the aggregate of group %d holds %d values for %d peers", fn, c.grp, ns, h->n)));
	}
	body = agg_body(h, sv, &blen);
	mlen = pp_env_size(blen, (uint32) c.np);
	agg = palloc(VARHDRSZ + mlen);
	SET_VARSIZE(agg, VARHDRSZ + mlen);
	if (pp_env_build((unsigned char *) VARDATA(agg), PP_ROUND, (uint32) c.self, c.round, 1, (uint32) c.np,
					 body, blen, (const uint8 (*)[AM_KEY_LEN]) keys, c.krun, h->pd, &err) != MPC_OK)
	{
		mpc_wipe(keys, sizeof(*keys) * c.np);
		mpc_raise(&err, fn);
	}
	mpc_wipe(keys, sizeof(*keys) * c.np);
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fn);
	values[0] = sums;
	values[1] = PointerGetDatum(agg);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}
