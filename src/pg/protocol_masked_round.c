/*
 * protocol_masked_round.c: masked private EigenTrust, the rounds at a party:
 * verify the vectors and answer with the unmask reply, verify the replies and
 * send the next vector, confirm the last round and publish the result
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "authmsg.h"
#include "masked.h"
#include "mpc_pg.h"
#include "protocol.h"
#include "protocol_masked.h"
#include "protocol_pg.h"
#include "sha256.h"
#include "zerosum.h"

/*
 * The coordinator must hand a party back its own message unchanged: the
 * party checks no tag on it, so it compares it with what it sent.
 */
static void
pm_check_own(const pm_run *r, const uint8 *const *msgs, const size_t *lens, const uint8 *mine,
			 const char *fn)
{
	uint8		d[AM_DIGEST_LEN];

	pem_digest(msgs[r->self], lens[r->self], d);
	if (memcmp(d, mine, AM_DIGEST_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the message in this party's own place (%u) is not the one it sent", fn, r->self + 1),
				 errdetail("The run is aborted: a message was altered, replayed, left out or shown differently to different parties.")));
}

/*
 * The vectors of r->round as the coordinator relays them: P vector heads and
 * the round's exact sum (P + 1 entries), or the P vectors themselves, of
 * which this party makes the heads and the sum as the coordinator would.
 * Sets hmsgs/hlens to the heads and summsg/sumlen to the sum message.
 */
static void
pm_relayed(pm_run *r, ArrayType *inbox, const uint8 ***hmsgs, size_t **hlens,
		   const uint8 **summsg, size_t *sumlen, const char *fn)
{
	const uint8 **msgs;
	size_t	   *lens;
	int			items = ArrayGetNItems(ARR_NDIM(inbox), ARR_DIMS(inbox));

	if (items == (int) r->parties + 1)
	{
		pm_bytea_args(inbox, items, &msgs, &lens, fn, true);
		if (msgs[r->parties] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("%s: the round's sum (entry %u of the inbox) is missing", fn, r->parties + 1)));
		*summsg = msgs[r->parties];
		*sumlen = lens[r->parties];
	}
	else if (items == (int) r->parties)
	{
		pem_ctx		c = pm_ctx(r);
		mpc_error	err;
		size_t		hl = pem_head_len(r->parties);
		uint8	   *heads = palloc((Size) r->parties * hl);
		uint8	   *sum = palloc(pem_msg_len(PEM_KIND_SUM, r->n, r->parties));
		unsigned char *present = palloc(r->parties);

		pm_bytea_args(inbox, items, &msgs, &lens, fn, true);
		/* the coordinator's relay, done here: shapes only, the tags are checked on the heads */
		c.mac = NULL;
		c.enc = NULL;
		c.self = r->parties;
		if (pem_relay(&c, r->round, r->n, msgs, lens, heads, present, sum, &err) != MPC_OK)
			pm_raise(&err, fn);
		for (uint32 k = 0; k < r->parties; k++)
		{
			msgs[k] = present[k] ? heads + (Size) k * hl : NULL;
			lens[k] = present[k] ? hl : 0;
		}
		*summsg = sum;
		*sumlen = pem_msg_len(PEM_KIND_SUM, r->n, r->parties);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the inbox has %d entries, not %u (the vectors) or %u (their heads and the sum)",
						fn, items, r->parties, r->parties + 1)));
	*hmsgs = msgs;
	*hlens = lens;
}

/*
 * Check the vectors of r->round (NULL for a party that dropped out or left),
 * keep their sum (not used before the sum check of the next step), and
 * answer with the unmask reply: the share of each present party's self-mask
 * seed, the round key with each missing one, and this party's check value.
 * The either-or rule: for no party does this party release both in a round,
 * and nothing at all after its round keys with a party were released.
 */
static bytea *
pm_unmask(pm_run *r, int32 round, ArrayType *inbox, const char *fn)
{
	const uint8 **msgs;
	size_t	   *lens;
	const uint8 *summsg;
	size_t		sumlen;
	pem_ctx		c = pm_ctx(r);
	mpc_error	err;
	size_t		len = pem_msg_len(PEM_KIND_UNMASK, 0, r->parties);
	uint8		vdigest[AM_DIGEST_LEN];
	uint8		check[PEM_CHECK];
	bytea	   *out;

	if (round != r->round)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: round %d asked for while this party is at round %lld", fn, round, (long long) r->round),
				 errdetail("The run is aborted: rounds are never repeated or skipped.")));
	pm_relayed(r, inbox, &msgs, &lens, &summsg, &sumlen, fn);
	if (pem_inbox_heads(&c, PEM_KIND_ROUND, r->round, r->n, msgs, lens, r->dprev, NULL, r->present,
						r->shares, r->dvecs, vdigest, &err) != MPC_OK)
		pm_raise(&err, fn);
	if (memcmp(r->dvecs + (Size) r->self * AM_DIGEST_LEN, r->myvec, AM_DIGEST_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the message in this party's own place (%u) is not the one it sent", fn, r->self + 1),
				 errdetail("The run is aborted: a message was altered, replayed, left out or shown differently to different parties.")));
	if (pem_sum_open(&c, r->round, r->n, summsg, sumlen, vdigest, r->sum, r->sigma, r->dround, &err) != MPC_OK)
		pm_raise(&err, fn);
	for (uint32 k = 0; k < r->parties; k++)
	{
		int			want;

		if (k == r->self || !r->active[k])
			continue;
		want = r->present[k] ? PEM_WHAT_SELF : PEM_WHAT_PAIR;
		if (r->released[k] == PEM_WHAT_PAIR ||
			(r->released[k] == PEM_WHAT_SELF && want == PEM_WHAT_PAIR && r->rel_round[k] == round))
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("%s: this party released %s for party %u in round %lld and does not release %s too",
							fn,
							r->released[k] == PEM_WHAT_SELF ? "its share of the self mask" : "its round key",
							k + 1, (long long) r->rel_round[k],
							want == PEM_WHAT_SELF ? "its share of that party's self mask" : "its round key with it"),
					 errdetail("The run is aborted: with both, the coordinator could unmask that party's vector.")));
	}
	for (uint32 k = 0; k < r->parties; k++)
		if (k != r->self && r->active[k])
		{
			r->released[k] = r->present[k] ? PEM_WHAT_SELF : PEM_WHAT_PAIR;
			r->rel_round[k] = round;
		}
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	pem_check_value(r->dround, r->n, r->myy, check);
	if (pem_reply_build(&c, round, r->present, r->shares, check, r->dround, (uint8 *) VARDATA(out), &err) != MPC_OK)
		pm_raise(&err, fn);
	mpc_wipe(r->shares, (Size) r->parties * PEM_SHARE);
	pem_digest(VARDATA(out), len, r->mine);
	r->phase = PM_UNMASKED;
	return out;
}

/*
 * Verify the unmask replies of r->round, recover the sum and derive t for
 * the next round: the common part of step and final.  The run moves to
 * round (its message is built next; any ERROR forgets the run): r->t is the
 * new t, r->dprev the replies' transcript E, r->residual the L1 change; the
 * active set becomes the parties that answered.
 */
static void
pm_advance(pm_run *r, int32 round, ArrayType *inbox, const char *fn)
{
	const uint8 **msgs;
	const uint8 **reps;
	size_t	   *lens;
	int64	   *sums,
			   *tn;
	pem_ctx		c = pm_ctx(r);
	mpc_error	err;
	unsigned char *answered = palloc(r->parties);
	int			departed = 0;

	if (round != r->round + 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: round %d asked for after round %lld", fn, round, (long long) r->round),
				 errdetail("The run is aborted: rounds are never repeated or skipped.")));
	pm_bytea_args(inbox, (int) r->parties, &msgs, &lens, fn, true);
	/* a party that sent its vector and no reply: its vector, for the sum check */
	reps = palloc(sizeof(uint8 *) * r->parties);
	for (uint32 k = 0; k < r->parties; k++)
		reps[k] = msgs[k] != NULL && lens[k] > 4 && msgs[k][4] == PEM_KIND_ROUND ? NULL : msgs[k];
	if (msgs[r->self] == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the unmask reply in this party's own place (%u) is missing", fn, r->self + 1),
				 errdetail("The run is aborted.")));
	pm_check_own(r, msgs, lens, r->mine, fn);
	sums = palloc(sizeof(int64) * r->n);
	tn = palloc(sizeof(int64) * r->n);
	if (pem_recover(&c, r->round, r->n, r->present, reps, lens, r->dround, r->sum, answered,
					r->dprev, &err) != MPC_OK ||
		pem_sum_verify(&c, r->round, r->n, r->present, answered, msgs, lens, r->dvecs, r->dround,
					   r->sigma, &err) != MPC_OK)
		pm_raise(&err, fn);
	for (uint32 k = 0; k < r->parties; k++)
		if (!r->active[k] || !r->present[k])
			departed = 1;
	if (pem_unmask(r->n, r->sum, sums, &err) != MPC_OK ||
		pem_next(r->n, sums, r->t, r->p, r->hmask, r->alpha, departed, tn, &r->residual, &err) != MPC_OK ||
		pem_check_t(r->n, tn, r->p, r->alpha, &err) != MPC_OK)
		pm_raise(&err, fn);
	memcpy(r->active, answered, r->parties);
	memcpy(r->t, tn, sizeof(int64) * r->n);
	r->round = round;
	pfree(sums);
	pfree(tn);
}

/* The four-argument party steps: check the arguments, find the run at
 * phase, run body on it and forget the run if body fails. */
static Datum
pm_guard(FunctionCallInfo fcinfo, int phase, const char *fn, pet_body_fn body)
{
	pm_run	   *r;

	pet_require_args(fcinfo, 4, 0, fn);
	r = pm_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)), phase, fn);
	return pet_guarded(body, fcinfo, r, pm_forget);
}

static Datum
pm_unmask_guarded(FunctionCallInfo fcinfo, void *state)
{
	pm_run	   *r = state;
	bytea	   *out;

	out = pm_unmask(r, PG_GETARG_INT32(2), PG_GETARG_ARRAYTYPE_P(3),
					"private_eigentrust_masked_unmask");
	PG_RETURN_BYTEA_P(out);
}

static Datum
pm_step_guarded(FunctionCallInfo fcinfo, void *state)
{
	pm_run	   *r = state;
	int32		round = PG_GETARG_INT32(2);

	if (round > r->max_iter)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private_eigentrust_masked_step: round %d is beyond max_iter %d", round, r->max_iter)));
	pm_advance(r, round, PG_GETARG_ARRAYTYPE_P(3), "private_eigentrust_masked_step");
	r->phase = PM_RUNNING;
	PG_RETURN_BYTEA_P(pm_message(r, round, r->t, r->dprev));
}

static Datum
pm_final_guarded(FunctionCallInfo fcinfo, void *state)
{
	pm_run	   *r = state;
	int32		round = PG_GETARG_INT32(2);
	pem_ctx		c;
	size_t		len = pem_msg_len(PEM_KIND_FINAL, 0, r->parties);
	mpc_error	err;
	bytea	   *out;

	pm_advance(r, round, PG_GETARG_ARRAYTYPE_P(3), "private_eigentrust_masked_final");
	if (!(r->residual < r->epsilon) && round - 1 < r->max_iter)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private_eigentrust_masked_final: the run has not converged after round %d (residual %g)",
						round - 1, r->residual),
				 errdetail("The run is aborted: the coordinator ended it early.")));
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	c = pm_ctx(r);
	if (pem_msg_build(&c, PEM_KIND_FINAL, round, NULL, 0, NULL, r->dprev, (uint8 *) VARDATA(out), &err) != MPC_OK)
		pm_raise(&err, "private_eigentrust_masked_final");
	pem_digest(VARDATA(out), len, r->mine);
	r->phase = PM_FINAL;
	PG_RETURN_BYTEA_P(out);
}

/*
 * private_eigentrust_masked_unmask(edges_sql text, run_id text, round integer,
 *     inbox bytea[]) RETURNS bytea: check round's vectors, return the unmask reply
 */
MPC_FUNCTION(private_eigentrust_masked_unmask)
{
	return pm_guard(fcinfo, PM_RUNNING, "private_eigentrust_masked_unmask", pm_unmask_guarded);
}

/*
 * private_eigentrust_masked_step(edges_sql text, run_id text, round integer,
 *     inbox bytea[]) RETURNS bytea: verify round - 1's messages, compute t
 *     for this round and return this round's message
 */
MPC_FUNCTION(private_eigentrust_masked_step)
{
	return pm_guard(fcinfo, PM_UNMASKED, "private_eigentrust_masked_step", pm_step_guarded);
}

/*
 * private_eigentrust_masked_final(edges_sql text, run_id text, round integer,
 *     inbox bytea[]) RETURNS bytea: verify the last round's messages, check
 *     convergence, return the final confirmation
 */
MPC_FUNCTION(private_eigentrust_masked_final)
{
	return pm_guard(fcinfo, PM_UNMASKED, "private_eigentrust_masked_final", pm_final_guarded);
}

/*
 * private_eigentrust_masked_result(edges_sql text, run_id text, inbox bytea[],
 *     OUT peer bigint, OUT trust float8, OUT dropped_ratings bigint) RETURNS SETOF:
 *     verify every party's final confirmation, return the result and end the run
 */
MPC_FUNCTION(private_eigentrust_masked_result)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	pm_run	   *r;
	TupleDesc	td;
	Tuplestorestate *volatile ts = NULL;
	MemoryContext old;

	pet_require_args(fcinfo, 3, 0, "private_eigentrust_masked_result");
	r = pm_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
			   PM_FINAL, "private_eigentrust_masked_result");
	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) || !(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("private_eigentrust_masked_result must be called in FROM")));
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	PG_TRY();
	{
		const uint8 **msgs;
		size_t	   *lens;
		pem_ctx		c = pm_ctx(r);
		mpc_error	err;
		long double total = 0;

		pm_bytea_args(PG_GETARG_ARRAYTYPE_P(2), (int) r->parties, &msgs, &lens,
					"private_eigentrust_masked_result", true);
		if (pem_inbox(&c, PEM_KIND_FINAL, r->round, 0, msgs, lens, r->dprev, NULL, NULL, NULL, NULL,
					  &err) != MPC_OK)
			pm_raise(&err, "private_eigentrust_masked_result");
		pm_check_own(r, msgs, lens, r->mine, "private_eigentrust_masked_result");
		for (uint32 j = 0; j < r->n; j++)
			total += r->t[j];
		old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
		td = CreateTupleDescCopy(td);
		ts = tuplestore_begin_heap(true, false, work_mem);
		MemoryContextSwitchTo(old);
		for (uint32 j = 0; j < r->n; j++)
		{
			Datum		v[3];
			bool		nl[3] = {false, false, false};

			v[0] = Int64GetDatum(r->peers[j]);
			v[1] = Float8GetDatum((double) ((long double) r->t[j] / total));
			v[2] = Int64GetDatum(r->dropped);
			tuplestore_putvalues(ts, td, v, nl);
		}
	}
	PG_CATCH();
	{
		pm_forget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	pm_forget();
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = ts;
	rsinfo->setDesc = td;
	return (Datum) 0;
}

