/*
 * shamir_agg.c: SQL glue for the shamir_combine aggregates
 * (src/sql/60_shamir.sql): transition, combine, serial and final functions.
 */
#include "postgres.h"

#include <gmp.h>
#include <limits.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/memutils.h"

#include "mpc_pg.h"
#include "encoding.h"
#include "paillier_glue.h"
#include "serial.h"
#include "sharing.h"
#include "zerosum.h"
#include "sharing_glue.h"

/* ---- the shamir_combine aggregates ---- */

/*
 * The transition state collects shares as fixed-size records in the
 * aggregate's memory context (amortised doubling), so a group of k shares
 * costs O(k) to collect.  Serialised for parallel plans as a version byte,
 * a count and the records (x and t as int32, y as 66 bytes).
 */
typedef struct ShareRec
{
	int32		x;
	int32		t;
	uint8		y[SHAMIR_Y_BYTES];
} ShareRec;

#define COMBINE_STATE_MAGIC 0x53434d31	/* "SCM1" */

typedef struct CombineState
{
	uint32		magic;			/* COMBINE_STATE_MAGIC: rejects foreign internal states */
	int			n;
	int			cap;
	ShareRec   *recs;
} CombineState;

#define COMBINE_STATE_VERSION 1
#define SHARE_REC_WIRE (4 + 4 + SHAMIR_Y_BYTES)

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return aggctx;
}

static CombineState *
state_new(MemoryContext ctx)
{
	CombineState *st = MemoryContextAllocZero(ctx, sizeof(CombineState));

	st->magic = COMBINE_STATE_MAGIC;
	st->cap = 8;
	st->recs = MemoryContextAlloc(ctx, sizeof(ShareRec) * st->cap);
	return st;
}

/*
 * The state arrives as 'internal'.  A user-defined aggregate could pair our
 * support functions with another aggregate's state; the magic number turns
 * that into an ERROR instead of a crash.  NULL for a NULL state.
 */
static CombineState *
combine_state_arg(FunctionCallInfo fcinfo, int argno, const char *fn)
{
	CombineState *st;

	if (PG_ARGISNULL(argno))
		return NULL;
	st = (CombineState *) PG_GETARG_POINTER(argno);
	if (st != NULL && st->magic != COMBINE_STATE_MAGIC)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the aggregate state is not a shamir_combine state", fn)));
	return st;
}

static ShareRec *
state_push(CombineState *st, MemoryContext ctx)
{
	if (st->n >= SHAMIR_MAX_N)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("shamir_combine: too many shares"),
				 errdetail("At most %d shares can be combined.", SHAMIR_MAX_N)));
	if (st->n == st->cap)
	{
		MemoryContext old = MemoryContextSwitchTo(ctx);

		st->cap = Min(st->cap * 2, SHAMIR_MAX_N);
		st->recs = repalloc(st->recs, sizeof(ShareRec) * st->cap);
		MemoryContextSwitchTo(old);
	}
	return &st->recs[st->n++];
}

/*
 * shamir_combine_transfn(internal, shamir_share) RETURNS internal
 * shamir_combine_transfn(internal, integer, shamir_share) RETURNS internal
 * NULL shares are skipped; with a point argument, it must match the share's.
 */
MPC_FUNCTION(shamir_combine_transfn)
{
	MemoryContext ctx = agg_context(fcinfo, "shamir_combine_transfn");
	CombineState *st = combine_state_arg(fcinfo, 0, "shamir_combine_transfn");
	int			sarg = PG_NARGS() - 1;
	ShamirShare *share;
	ShareRec   *r;

	if (PG_ARGISNULL(sarg))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	share = PG_GETARG_SHAMIR_SHARE_P(sarg);
	sharing_check_layout(share);
	if (sarg == 2)
	{
		if (PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("shamir_combine: the point of a share must not be null")));
		if (PG_GETARG_INT32(1) != share->x)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("shamir_combine: share for point x = %d was given with x = %d",
							share->x, PG_GETARG_INT32(1))));
	}
	if (st == NULL)
		st = state_new(ctx);
	r = state_push(st, ctx);
	r->x = share->x;
	r->t = share->t;
	memcpy(r->y, share->y, SHAMIR_Y_BYTES);
	PG_RETURN_POINTER(st);
}

/* shamir_combine_combinefn(internal, internal) RETURNS internal */
MPC_FUNCTION(shamir_combine_combinefn)
{
	MemoryContext ctx = agg_context(fcinfo, "shamir_combine_combinefn");
	CombineState *a = combine_state_arg(fcinfo, 0, "shamir_combine_combinefn");
	CombineState *b = combine_state_arg(fcinfo, 1, "shamir_combine_combinefn");

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = state_new(ctx);
	for (int i = 0; i < b->n; i++)
		*state_push(a, ctx) = b->recs[i];
	PG_RETURN_POINTER(a);
}

/* shamir_combine_serialfn(internal) RETURNS bytea */
MPC_FUNCTION(shamir_combine_serialfn)
{
	CombineState *st;
	StringInfoData buf;

	agg_context(fcinfo, "shamir_combine_serialfn");
	st = combine_state_arg(fcinfo, 0, "shamir_combine_serialfn");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, COMBINE_STATE_VERSION);
	pq_sendint32(&buf, st->n);
	for (int i = 0; i < st->n; i++)
	{
		pq_sendint32(&buf, st->recs[i].x);
		pq_sendint32(&buf, st->recs[i].t);
		pq_sendbytes(&buf, (const char *) st->recs[i].y, SHAMIR_Y_BYTES);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* shamir_combine_deserialfn(bytea, internal) RETURNS internal */
MPC_FUNCTION(shamir_combine_deserialfn)
{
	MemoryContext ctx = agg_context(fcinfo, "shamir_combine_deserialfn");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	CombineState *st;
	int			n;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < 5 || pq_getmsgbyte(&buf) != COMBINE_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shamir_combine: invalid aggregate state")));
	n = pq_getmsgint(&buf, 4);
	if (n < 0 || n > SHAMIR_MAX_N || buf.len - buf.cursor != (int64) n * SHARE_REC_WIRE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shamir_combine: invalid aggregate state")));
	st = state_new(ctx);
	for (int i = 0; i < n; i++)
	{
		ShareRec   *r = state_push(st, ctx);

		r->x = pq_getmsgint(&buf, 4);
		r->t = pq_getmsgint(&buf, 4);
		memcpy(r->y, pq_getmsgbytes(&buf, SHAMIR_Y_BYTES), SHAMIR_Y_BYTES);
	}
	PG_RETURN_POINTER(st);
}

/* shamir_combine_finalfn(internal) RETURNS numeric: NULL when no shares */
MPC_FUNCTION(shamir_combine_finalfn)
{
	CombineState *st;
	int32	   *xs,
			   *ts;
	mpz_t	   *ys;
	Datum		d;

	agg_context(fcinfo, "shamir_combine_finalfn");
	st = combine_state_arg(fcinfo, 0, "shamir_combine_finalfn");
	if (st == NULL)
		PG_RETURN_NULL();
	xs = palloc(sizeof(int32) * st->n);
	ts = palloc(sizeof(int32) * st->n);
	ys = palloc(sizeof(mpz_t) * st->n);
	for (int i = 0; i < st->n; i++)
	{
		xs[i] = st->recs[i].x;
		ts[i] = st->recs[i].t;
		mpz_init(ys[i]);
		ser_from_bytes(ys[i], st->recs[i].y, SHAMIR_Y_BYTES);
	}
	d = sharing_combine_common(st->n, xs, ts, ys);
	sharing_free_mpz_array(ys, st->n);
	PG_RETURN_DATUM(d);
}

