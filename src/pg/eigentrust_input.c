/*
 * eigentrust_input.c: the input side of eigentrust() (see eigentrust.c):
 * the edge and pre-trust queries run through SPI, read-only and with the
 * caller's privileges, and their rows go from the executor into the core
 * through a DestReceiver, in batches of ET_BATCH rows, with typed column
 * checks; the core's allocator (a private memory context) and its
 * interrupt poll.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/plancache.h"

#include "mpc_pg.h"
#include "eigentrust.h"
#include "eigentrust_input.h"

/* ---- core allocator: a private memory context ---- */

void *
et_palloc(void *ctx, size_t size)
{
	/* Too large is reported to the core as out of memory, not as an ERROR */
	if (size > MaxAllocHugeSize)
		return NULL;
	return MemoryContextAllocExtended((MemoryContext) ctx, size,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

void
et_pfree(void *ctx, void *ptr)
{
	pfree(ptr);
}

/*
 * The core's interrupt poll.  module.c's global hook reports InterruptPending,
 * which is also set by interrupts that do not cancel anything (messages from
 * parallel workers, barriers, ...).  An interruption poisons the core object,
 * so here the core stops only for what CHECK_FOR_INTERRUPTS() will turn into
 * an ERROR; everything else waits for the next CHECK_FOR_INTERRUPTS() in the
 * glue, between core calls.
 */
int
et_cancel_pending(void)
{
	return (QueryCancelPending || ProcDiePending) ? 1 : 0;
}

/* ---- column types ---- */

static bool
et_is_id_type(Oid t)
{
	return t == INT2OID || t == INT4OID || t == INT8OID;
}

static bool
et_is_score_type(Oid t)
{
	return et_is_id_type(t) || t == FLOAT4OID || t == FLOAT8OID || t == NUMERICOID;
}

static int64
et_get_id(Datum d, Oid t)
{
	switch (t)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}

static double
et_get_score(et_receiver *r, Datum d, Oid t)
{
	switch (t)
	{
		case INT2OID:
			return (double) DatumGetInt16(d);
		case INT4OID:
			return (double) DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case FLOAT4OID:
			return (double) DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		default:
			{
				/* numeric_float8 goes through text: keep its garbage short-lived */
				MemoryContext old = MemoryContextSwitchTo(r->rowcxt);
				double		v = DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));

				MemoryContextSwitchTo(old);
				MemoryContextReset(r->rowcxt);
				return v;
			}
	}
}

/* ---- the DestReceiver ---- */

/* Give the batched edge rows to the core. */
static void
et_flush(et_receiver *r)
{
	mpc_error	err;

	if (r->nbatch > 0 &&
		mpc_et_add_edges(r->et, (const int64_t *) r->bsrc, (const int64_t *) r->bdst,
						 r->bw, (size_t) r->nbatch, &err) != MPC_OK)
		mpc_raise(&err, "eigentrust");
	r->nbatch = 0;
}

static void
et_startup(DestReceiver *self, int operation, TupleDesc desc)
{
	et_receiver *r = (et_receiver *) self;

	if (desc->natts < r->ncols)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must return at least %d columns", r->argname, r->ncols),
				 errdetail("The query returns %d column%s.", desc->natts,
						   desc->natts == 1 ? "" : "s"),
				 r->kind == ET_EDGES
				 ? errhint("The first three columns are truster, trustee and score.")
				 : errhint("The first two columns are peer and weight.")));
	for (int i = 0; i < r->ncols; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			base = getBaseType(att->atttypid);
		bool		is_id = i < r->ncols - 1;

		if (is_id ? !et_is_id_type(base) : !et_is_score_type(base))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column %d (\"%s\") of %s has unsupported type %s",
							i + 1, NameStr(att->attname), r->argname,
							format_type_be(att->atttypid)),
					 is_id
					 ? errdetail("Peer ids must be smallint, integer or bigint.")
					 : errdetail("%s must be smallint, integer, bigint, real, double precision or numeric.",
								 r->kind == ET_EDGES ? "Scores" : "Weights"),
					 errhint("Cast the column in the query.")));
		r->types[i] = base;
	}
	r->started = true;
}

static bool
et_receive(TupleTableSlot *slot, DestReceiver *self)
{
	et_receiver *r = (et_receiver *) self;
	Datum	   *v;
	bool	   *isnull;
	mpc_error	err;

	r->rows++;
	CHECK_FOR_INTERRUPTS();
	slot_getsomeattrs(slot, r->ncols);
	v = slot->tts_values;
	isnull = slot->tts_isnull;
	for (int i = 0; i < r->ncols; i++)
		if (isnull[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s returned a null %s", r->argname,
							i < r->ncols - 1 ? "peer id" : (r->kind == ET_EDGES ? "score" : "weight")),
					 errdetail("Row " UINT64_FORMAT " has a null in column %d.", r->rows, i + 1)));

	if (r->kind == ET_EDGES)
	{
		int64		src = et_get_id(v[0], r->types[0]);
		int64		dst = et_get_id(v[1], r->types[1]);
		double		w = et_get_score(r, v[2], r->types[2]);

		if (!isfinite(w))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("edges_sql returned a score that is not finite"),
					 errdetail("Peer " INT64_FORMAT " rated peer " INT64_FORMAT " with %s.",
							   src, dst, isnan(w) ? "NaN" : (w > 0 ? "Infinity" : "-Infinity"))));
		r->bsrc[r->nbatch] = src;
		r->bdst[r->nbatch] = dst;
		r->bw[r->nbatch] = w;
		if (++r->nbatch == ET_BATCH)
			et_flush(r);
	}
	else
	{
		int64		peer = et_get_id(v[0], r->types[0]);
		double		w = et_get_score(r, v[1], r->types[1]);

		if (!isfinite(w) || w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("pretrust_sql returned a %s weight",
							isfinite(w) ? "negative" : "non-finite"),
					 errdetail("Peer " INT64_FORMAT " has weight %s.", peer,
							   float8out_internal(w)),
					 errhint("Pre-trust weights must be finite and zero or more.")));
		if (w > 0)
			r->any_positive = true;
		if (mpc_et_add_pretrust(r->et, peer, w, &err) != MPC_OK)
			mpc_raise(&err, "eigentrust");
	}
	return true;
}

static void
et_shutdown(DestReceiver *self)
{
}

static void
et_destroy(DestReceiver *self)
{
}

/*
 * A table name where a query belongs ("ratings", "public.ratings", a quoted
 * name) is a syntax error that says nothing useful; catch it before parsing.
 */
static bool
et_is_bare_name(const char *sql)
{
	const char *s = sql;
	const char *first;
	bool		any = false;

	while (isspace((unsigned char) *s))
		s++;
	first = s;
	for (; *s && !isspace((unsigned char) *s) && *s != ';'; s++)
	{
		if (!(isalnum((unsigned char) *s) || *s == '_' || *s == '.' || *s == '"' ||
			  *s == '$' || IS_HIGHBIT_SET(*s)))
			return false;
		any = true;
	}
	while (isspace((unsigned char) *s) || *s == ';')
		s++;
	return any && *s == '\0' && !isdigit((unsigned char) *first);
}

/*
 * Run one input query read-only, feeding its rows to the core.  Only a
 * single plain SELECT (or VALUES, or TABLE) is accepted, and it runs as in a
 * read-only transaction: a function it calls that writes to a table (other
 * than a temporary one) or a sequence is refused with 25006.
 */
void
et_run_query(const char *sql, et_receiver *r)
{
	SPIPrepareOptions popts;
	SPIExecuteOptions eopts;
	SPIPlanPtr	plan;
	List	   *sources;
	CachedPlanSource *ps;
	ListCell   *lc;
	int			rc;
	bool		was_read_only;

	if (et_is_bare_name(sql))
	{
		const char *b = sql + strspn(sql, " \t\r\n\f\v");
		char	   *name = pnstrdup(b, strcspn(b, " \t\r\n\f\v;"));

		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("%s must be a query, not a table name", r->argname),
				 errdetail("%s is \"%s\".", r->argname, name),
				 r->kind == ET_EDGES
				 ? errhint("Pass a query whose first three columns are truster, trustee and score, e.g. 'SELECT truster, trustee, score FROM %s'.", name)
				 : errhint("Pass a query whose first two columns are peer and weight, e.g. 'SELECT peer, weight FROM %s'.", name)));
	}

	memset(&popts, 0, sizeof(popts));
	popts.cursorOptions = CURSOR_OPT_PARALLEL_OK;
	plan = SPI_prepare_extended(sql, &popts);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare_extended failed for %s: %s",
			 r->argname, SPI_result_code_string(SPI_result));

	sources = SPI_plan_get_plan_sources(plan);
	if (list_length(sources) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a single query", r->argname),
				 errdetail("It holds %d statements.", list_length(sources))));
	ps = linitial(sources);
	foreach(lc, ps->query_list)
	{
		Query	   *q = lfirst_node(Query, lc);

		if (q->commandType != CMD_SELECT || q->utilityStmt != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a read-only query that returns rows", r->argname),
					 errdetail("The statement is %s; only SELECT, VALUES and TABLE are allowed.",
							   GetCommandTagName(ps->commandTag))));
		if (q->hasModifyingCTE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a read-only query that returns rows", r->argname),
					 errdetail("The query has a data-modifying WITH clause.")));
		if (q->rowMarks != NIL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a read-only query that returns rows", r->argname),
					 errdetail("SELECT FOR UPDATE and FOR SHARE lock rows.")));
	}

	memset(&eopts, 0, sizeof(eopts));
	eopts.read_only = true;
	eopts.dest = &r->pub;
	/*
	 * read_only only fixes the snapshot; functions the query calls could
	 * still write.  XactReadOnly makes the executor refuse that (writes to
	 * temporary tables excepted), and the query cannot turn it off again:
	 * transaction_read_only refuses read-write after the first snapshot.
	 */
	was_read_only = XactReadOnly;
	XactReadOnly = true;
	PG_TRY();
	{
		rc = SPI_execute_plan_extended(plan, &eopts);
	}
	PG_FINALLY();
	{
		XactReadOnly = was_read_only;
	}
	PG_END_TRY();
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan_extended failed for %s: %s",
			 r->argname, SPI_result_code_string(rc));
	et_flush(r);
	if (!r->started)
		elog(ERROR, "%s returned no row description", r->argname);
	SPI_freeplan(plan);
}

void
et_init_receiver(et_receiver *r, mpc_et *et, et_kind kind, MemoryContext parent)
{
	memset(r, 0, sizeof(*r));
	r->pub.receiveSlot = et_receive;
	r->pub.rStartup = et_startup;
	r->pub.rShutdown = et_shutdown;
	r->pub.rDestroy = et_destroy;
	r->pub.mydest = DestNone;
	r->et = et;
	r->kind = kind;
	r->argname = kind == ET_EDGES ? "edges_sql" : "pretrust_sql";
	r->ncols = kind == ET_EDGES ? 3 : 2;
	r->rowcxt = AllocSetContextCreate(parent, "eigentrust row", ALLOCSET_SMALL_SIZES);
	if (kind == ET_EDGES)
	{
		r->bsrc = MemoryContextAlloc(parent, ET_BATCH * sizeof(int64));
		r->bdst = MemoryContextAlloc(parent, ET_BATCH * sizeof(int64));
		r->bw = MemoryContextAlloc(parent, ET_BATCH * sizeof(double));
	}
}
