/*
 * protocol_groups_dec.c: the decryptor of groups-mode private EigenTrust
 * (docs/design.md, "Groups mode").
 *
 * The decryptor of group g in round r derives t_r itself
 * (protocol_groups_agg.c), makes a fresh Paillier key, keeps the private
 * half in this backend only (bound to the role that made it), encrypts t
 * under it and tags the key, Enc(t) and the public inputs for each member.  It decrypts the group's
 * aggregate once, only when the receipts of every listed member verify,
 * name its own Enc(t) and link into one chain that ends in the aggregate;
 * the key is then wiped and the aggregate returned tagged for every party.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "authmsg.h"
#include "grelease.h"
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
	bool		decrypted;		/* its chain was decrypted (or tried) */
	bool		released;		/* its chain was released: never decrypted */
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

/*
 * One decryption per member and round, whatever the group label: ERROR 08P01
 * when a key of this run and round other than skip, already used to
 * decrypt, covers one of members.
 */
static void
held_require_unseen(groups_ctx *c, const int32 *members, int nm, const held_key *skip, const char *fn)
{
	for (int q = 0; q < nheld; q++)
	{
		if (&held[q] == skip || !held[q].decrypted || held[q].round != c->round ||
			strcmp(held[q].run, c->run) != 0)
			continue;
		for (int a = 0; a < held[q].nm; a++)
			for (int b = 0; b < nm; b++)
				if (held[q].members[a] == members[b])
				{
					mpc_wipe(c->priv, sizeof(c->priv));
					ereport(ERROR,
							(errcode(ERRCODE_PROTOCOL_VIOLATION),
							 errmsg("%s: party %d's contribution to round %d was already decrypted here (group %d)", fn,
									members[b], c->round, held[q].grp),
							 errdetail("A decryptor decrypts at most one chain holding a party's contributions per round, whatever its group number: two aggregates over overlapping groups would reveal their difference.")));
				}
	}
}

static held_key *
held_find(const char *run, int32 round, int32 grp)
{
	for (int k = 0; k < nheld; k++)
		if (held[k].round == round && held[k].grp == grp && strcmp(held[k].run, run) == 0)
			return &held[k];
	return NULL;
}

/* the key this session (and role) made for the group and round, or ERROR 55000 */
static held_key *
held_mine(groups_ctx *c, const char *fn)
{
	held_key   *h = held_find(c->run, c->round, c->grp);

	if (h == NULL || h->owner != GetUserId() || h->pk == NULL)
	{
		mpc_wipe(c->priv, sizeof(c->priv));
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s: this session holds no key for group %d of round %d", fn, c->grp, c->round),
				 errhint("The decryptor makes the key with private_eigentrust_groups_key in the same session.")));
	}
	return h;
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
 * previous round covers (a party that left does not come back), and, with
 * 08P01, a chain holding a member whose contribution to this round it
 * already decrypted (under any group number).
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
		t = groups_derive_t(&c, &gp, PG_GETARG_ARRAYTYPE_P(6), PG_GETARG_ARRAYTYPE_P(12),
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
	/* one aggregate per party and round (a second chain sharing a member
	 * with one decrypted here this round would reveal differences) */
	held_require_unseen(&c, members, nm, NULL, fn);
	h = held_find(c.run, c.round, c.grp);
	if (h != NULL && h->decrypted)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: group %d of round %d was already decrypted here", fn, c.grp, c.round),
				 errdetail("A decryptor decrypts each group once per round; a redone round needs another decryptor.")));
	}
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
	h->nm = 0;
	h->pk = NULL;
	h->released = false;

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
	h = held_mine(&c, fn);
	if (h->released)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the chain of group %d of round %d was released here", fn, c.grp, c.round),
				 errdetail("A decryptor that released a chain wiped its key and never decrypts it: its members may have contributed to another chain of the round since.")));
	}
	if (h->sk == NULL)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: group %d of round %d was already decrypted here", fn, c.grp, c.round),
				 errdetail("A decryptor decrypts each group once per round.")));
	}
	/* keys made for overlapping chains before either was decrypted: only
	 * the first one decrypts */
	held_require_unseen(&c, h->members, h->nm, h, fn);
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
	h->decrypted = true;
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
	body = groups_agg_body(h->grp, h->members, h->nm, h->td, h->n, sv, &blen);
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

/*
 * private_eigentrust_groups_release(identity bytea, run_id text,
 *     round integer, grp integer, self integer, public_keys bytea[],
 *     OUT members integer[], OUT tags bytea[])
 * The decryptor gives up the chain of group grp in round (the key it holds
 * for it, made by private_eigentrust_groups_key in this session): the
 * private key is wiped and the chain is never decrypted here (its
 * decryption is refused with 08P01); members is the chain's members in
 * chain order and tags[k] the release for members[k] (grelease.h) over the
 * group, the members and the key.  Refuses (08P01) a chain it decrypted.
 * Asking again returns the same releases.
 */
MPC_FUNCTION(private_eigentrust_groups_release)
{
	const char *fn = "private_eigentrust_groups_release";
	groups_ctx	c;
	held_key   *h;
	uint8		kd[AM_DIGEST_LEN];
	Datum	   *tags;
	TupleDesc	td;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	mpc_error	err;

	pet_require_args(fcinfo, 6, 0, fn);
	groups_args(fcinfo, 0, &c, fn);
	h = held_mine(&c, fn);
	if (h->decrypted)
	{
		mpc_wipe(c.priv, sizeof(c.priv));
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: group %d of round %d was already decrypted here; its chain cannot be released", fn,
						c.grp, c.round),
				 errdetail("A released member may contribute to another chain of the round; after a decryption that chain's aggregate would reveal a difference.")));
	}
	/* first the key goes, then the releases say so */
	held_wipe(h);
	h->released = true;
	groups_key_digest(c.grp, h->members, h->nm, h->pk, kd);
	tags = palloc(sizeof(Datum) * h->nm);
	for (int k = 0; k < h->nm; k++)
	{
		uint8		mk[AM_KEY_LEN];
		bytea	   *tg = palloc(VARHDRSZ + AM_TAG_LEN);
		mpc_status	st;

		SET_VARSIZE(tg, VARHDRSZ + AM_TAG_LEN);
		groups_pair_key(&c, h->members[k], mk, fn);
		st = gr_release_tag(mk, c.krun, strlen(c.krun), c.round, (uint32) c.self, (uint32) h->members[k], kd,
							(uint8 *) VARDATA(tg), &err);
		mpc_wipe(mk, sizeof(mk));
		if (st != MPC_OK)
		{
			mpc_wipe(c.priv, sizeof(c.priv));
			mpc_raise(&err, fn);
		}
		tags[k] = PointerGetDatum(tg);
	}
	mpc_wipe(c.priv, sizeof(c.priv));
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: return type must be a row type", fn);
	{
		Datum	   *md = palloc(sizeof(Datum) * h->nm);

		for (int k = 0; k < h->nm; k++)
			md[k] = Int32GetDatum(h->members[k]);
		values[0] = PointerGetDatum(construct_array(md, h->nm, INT4OID, 4, true, TYPALIGN_INT));
	}
	values[1] = PointerGetDatum(construct_array(tags, h->nm, BYTEAOID, -1, false, TYPALIGN_INT));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}
