/*
 * protocol_groups.c: private EigenTrust in mode 'groups' (the seed paper's
 * task groups, chains and delegated decryption; docs/design.md, "Groups
 * mode"): the arguments, pairwise keys and digests every party function
 * shares.  The member's side is protocol_groups_member.c, the decryptor's
 * protocol_groups_dec.c, the placement glue protocol_groups_place.c.
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
