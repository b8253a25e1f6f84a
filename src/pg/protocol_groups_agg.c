/*
 * protocol_groups_agg.c: the tagged group aggregates of groups-mode private
 * EigenTrust (docs/design.md, "Groups mode, who derives t"): their body, and
 * the decryptor's t.
 *
 * t_1 is the public pre-trust.  For r > 1 the decryptor takes the k group
 * aggregates of round r - 1, each in paper.h's envelope tagged for it by
 * the decryptor that decrypted it (pairwise groups keys, the public-inputs
 * digest), checks them, and updates t with the core's pet_next over their
 * sum, with the peers of parties no aggregate covers unhosted; t must keep
 * sum t = 1 and t_j >= alpha p_j (pem_check_t).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/array.h"

#include "authmsg.h"
#include "masked.h"
#include "mpc_pg.h"
#include "paper.h"
#include "protocol_groups.h"
#include "protocol_pg.h"

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

uint8 *
groups_agg_body(int32 grp, const int32 *members, int nm, const uint8 td[AM_DIGEST_LEN], int n,
				const int64 *sums, size_t *blen)
{
	uint8	   *b,
			   *o;

	*blen = 8 + 4 * (size_t) nm + AM_DIGEST_LEN + 4 + 8 * (size_t) n;
	b = o = palloc(*blen);
	put32(o, (uint32) grp);
	put32(o + 4, (uint32) nm);
	o += 8;
	for (int k = 0; k < nm; k++, o += 4)
		put32(o, (uint32) members[k]);
	memcpy(o, td, AM_DIGEST_LEN);
	o += AM_DIGEST_LEN;
	put32(o, (uint32) n);
	o += 4;
	for (int j = 0; j < n; j++, o += 8)
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

int64 *
groups_derive_t(groups_ctx *c, const groups_public *gp, ArrayType *known, ArrayType *owner_a,
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
