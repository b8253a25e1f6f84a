/*
 * eigentrust.c: eigentrust(edges_sql, pretrust_sql, alpha, epsilon, max_iter,
 * distrust, verbose), the set-returning function over any edge query.
 *
 * The two input queries run through SPI, read-only and with the caller's
 * privileges (the function is not SECURITY DEFINER).  Their rows go from the
 * executor into the core through a DestReceiver, in batches of ET_BATCH rows
 * (three arrays): no SPI tuple table and no copy of the tuples, so memory is
 * the core's O(peers + edges) and the cost over a plain scan is one slot
 * deform and two id lookups per row, whose cache misses the batch overlaps.
 *
 * The core's memory lives in a private memory context, so an ERROR or a
 * cancel anywhere frees it with the query; the core itself never longjmps.
 * The input side (queries, receiver, column types) is eigentrust_input.c.
 */
#include "postgres.h"

#include <math.h>
#include <time.h>

#include "access/xact.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "mpc_pg.h"
#include "eigentrust.h"
#include "eigentrust_input.h"

/* verbose => true reports an iteration every this many */
#define ET_REPORT_EVERY 10

/* This backend's CPU time in milliseconds (user + system). */
static double
et_cpu_ms(void)
{
	struct timespec ts;

#ifdef CLOCK_THREAD_CPUTIME_ID
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
#endif
	return (double) clock() * 1000.0 / CLOCKS_PER_SEC;
}

static double
et_ms_since(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_MILLISEC(now);
}

static void
et_require_arg(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
}


/*
 * eigentrust(edges_sql text, pretrust_sql text DEFAULT NULL,
 *            alpha float8 DEFAULT 0.15, epsilon float8 DEFAULT 1e-12,
 *            max_iter int DEFAULT 1000, distrust bool DEFAULT false,
 *            verbose bool DEFAULT false)
 * RETURNS TABLE(peer bigint, trust float8)
 */
MPC_FUNCTION(mpc_eigentrust)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *edges_sql;
	char	   *pretrust_sql = NULL;
	double		alpha,
				epsilon;
	int32		max_iter;
	bool		distrust,
				verbose;
	MemoryContext etcxt;
	mpc_et_alloc alloc;
	mpc_et	   *et = NULL;
	mpc_error	err;
	et_receiver edges_r,
				pre_r;
	mpc_et_stats st;
	instr_time	t_start;
	double		cpu_start;
	double		residual = 0;
	int			iter = 0;
	size_t		n;
	const int64_t *ids;
	const double *trust;
	static const char *const argnames[] = {"edges_sql", "pretrust_sql", "alpha",
	"epsilon", "max_iter", "distrust", "verbose"};

	/* every argument but pretrust_sql must be given */
	for (int i = 0; i < lengthof(argnames); i++)
		if (i != 1)
			et_require_arg(fcinfo, i, argnames[i]);
	edges_sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (!PG_ARGISNULL(1))
		pretrust_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	alpha = PG_GETARG_FLOAT8(2);
	epsilon = PG_GETARG_FLOAT8(3);
	max_iter = PG_GETARG_INT32(4);
	distrust = PG_GETARG_BOOL(5);
	verbose = PG_GETARG_BOOL(6);

	/* arguments first, so a bad call fails before reading any rows */
	if (!(alpha > 0 && alpha <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alpha must be in (0, 1]"),
				 errdetail("alpha is %s.", float8out_internal(alpha)),
				 errhint("alpha is the weight of pre-trust (\"a\" in the EigenTrust paper); networkx's alpha is 1 - alpha.")));
	/* networkx and PageRank give the weight of following links, not of
	 * pre-trust: 0.85 there is 0.15 here.  At 0.5 both readings agree, and
	 * 1 (pre-trust only) has no networkx counterpart. */
	if (alpha > 0.5 && alpha < 1)
		ereport(NOTICE,
				(errmsg("alpha => %.15g puts %.15g%% of the weight of every iteration on pre-trust",
						alpha, alpha * 100),
				 errdetail("Here alpha is the weight of pre-trust (\"a\" in Kamvar et al. 2003); networkx.pagerank's alpha is the weight of the links, 1 - alpha."),
				 errhint("To match networkx.pagerank(G, alpha=%.15g), pass alpha => %.15g.",
						 alpha, 1.0 - alpha)));
	if (!(epsilon > 0) || isinf(epsilon))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("epsilon must be a positive finite number"),
				 errdetail("epsilon is %s.", float8out_internal(epsilon))));
	if (max_iter < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be at least 1"),
				 errdetail("max_iter is %d.", max_iter)));

	InitMaterializedSRF(fcinfo, 0);

	INSTR_TIME_SET_CURRENT(t_start);
	cpu_start = et_cpu_ms();
	etcxt = AllocSetContextCreate(CurrentMemoryContext, "eigentrust",
								  ALLOCSET_DEFAULT_SIZES);
	alloc.alloc = et_palloc;
	alloc.free = et_pfree;
	alloc.ctx = etcxt;
	if (mpc_et_create(&alloc, pretrust_sql != NULL, distrust, &et, &err) != MPC_OK)
		mpc_raise(&err, "eigentrust");
	mpc_et_set_interrupt(et, et_cancel_pending);

	/* read */
	et_init_receiver(&edges_r, et, ET_EDGES, etcxt);
	et_init_receiver(&pre_r, et, ET_PRETRUST, etcxt);
	/* user code runs from here to SPI_finish: GMP's allocator is not ours */
	mpc_gmp_suspend();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	et_run_query(edges_sql, &edges_r);
	if (pretrust_sql != NULL)
		et_run_query(pretrust_sql, &pre_r);
	SPI_finish();
	mpc_gmp_resume();

	if (pretrust_sql != NULL && !pre_r.any_positive)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("pre-trust weights are all zero"),
				 errdetail("pretrust_sql returned " UINT64_FORMAT " rows and none has a positive weight.",
						   pre_r.rows),
				 errhint("Give at least one peer a positive weight, or pass NULL for uniform pre-trust.")));
	if (verbose)
		ereport(NOTICE,
				(errmsg("eigentrust: read " UINT64_FORMAT " rating rows and " UINT64_FORMAT " pre-trust rows in %.1f ms (%.1f ms of CPU)",
						edges_r.rows, pre_r.rows, et_ms_since(t_start),
						et_cpu_ms() - cpu_start)));

	/* build */
	CHECK_FOR_INTERRUPTS();
	if (mpc_et_build(et, &err) != MPC_OK)
		mpc_raise(&err, "eigentrust");
	mpc_et_get_stats(et, &st);
	if (verbose)
		ereport(NOTICE,
				(errmsg("eigentrust: " UINT64_FORMAT " peers, " UINT64_FORMAT " rated pairs (" UINT64_FORMAT " positive, " UINT64_FORMAT " negative), " UINT64_FORMAT " dangling peers, built at %.1f ms (reading and building: %.1f ms of CPU)",
						st.peers, st.pairs, st.positive, st.negative, st.dangling,
						et_ms_since(t_start), et_cpu_ms() - cpu_start)));

	/* iterate */
	if (mpc_et_start(et, alpha, epsilon, &err) != MPC_OK)
		mpc_raise(&err, "eigentrust");
	while (iter < max_iter)
	{
		CHECK_FOR_INTERRUPTS();
		if (mpc_et_step(et, &residual, &err) != MPC_OK)
			mpc_raise(&err, "eigentrust");
		iter++;
		if (verbose && (iter == 1 || iter % ET_REPORT_EVERY == 0) && residual >= epsilon)
			ereport(NOTICE,
					(errmsg("eigentrust: iteration %d, L1 error bound %.3e, %.1f ms",
							iter, residual, et_ms_since(t_start))));
		if (residual < epsilon)
			break;
	}
	if (st.peers == 0)
		residual = 0;
	if (residual >= epsilon)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("eigentrust did not converge within %d iterations", max_iter),
				 errdetail("The bound on the L1 error is %.6g; epsilon is %.6g. The last iterate is returned.",
						   residual, epsilon),
				 errhint("Raise max_iter or epsilon, or raise alpha, which makes every iteration contract more.")));
	else if (verbose)
		ereport(NOTICE,
				(errmsg("eigentrust: converged after %d iterations, L1 error bound %.3e, %.1f ms",
						iter, residual, et_ms_since(t_start))));
	if (mpc_et_finish(et, &err) != MPC_OK)
		mpc_raise(&err, "eigentrust");

	/* return in ascending peer order */
	n = mpc_et_peer_count(et);
	ids = mpc_et_peer_ids(et);
	trust = mpc_et_trust(et);
	for (size_t i = 0; i < n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(ids[i]);
		values[1] = Float8GetDatum(trust[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	mpc_et_free(et);
	MemoryContextDelete(etcxt);
	return (Datum) 0;
}
