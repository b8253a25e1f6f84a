/*
 * module.c: load-time setup shared by every glue file.
 *
 * - GMP allocates through palloc, so memory held by a query that ERRORs is
 *   released with its memory context (no leak), and an allocation failure is
 *   an ERROR instead of GMP's abort().  Every block GMP frees or shrinks is
 *   zeroed first, so secret limbs do not linger in freed memory.
 * - The core's random source is pg_strong_random.
 * - The core's interrupt hook reports a pending cancel or termination; the
 *   glue then calls CHECK_FOR_INTERRUPTS() itself, outside the core.
 */
#include "postgres.h"

#include <gmp.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "port.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "ifma.h"
#include "mpc_pg.h"
#include "paillier_pg.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

static void *
gmp_palloc(size_t size)
{
	return MemoryContextAllocExtended(CurrentMemoryContext, size, MCXT_ALLOC_HUGE);
}

static void *
gmp_repalloc(void *ptr, size_t old_size, size_t new_size)
{
	void	   *p;

	/*
	 * Always move: repalloc may shrink or grow in place, and in-place
	 * shrinking would leave the tail unwiped.  Allocating in the context of
	 * the old chunk keeps long-lived values long-lived.
	 */
	p = MemoryContextAllocExtended(GetMemoryChunkContext(ptr), new_size,
								   MCXT_ALLOC_HUGE);
	memcpy(p, ptr, Min(old_size, new_size));
	mpc_wipe(ptr, old_size);
	pfree(ptr);
	return p;
}

static void
gmp_pfree(void *ptr, size_t size)
{
	mpc_wipe(ptr, size);
	pfree(ptr);
}

static int
pg_rng(void *buf, size_t len)
{
	return pg_strong_random(buf, len) ? 0 : -1;
}

/*
 * Only a cancel or a termination stops the core.  InterruptPending alone is
 * also set by harmless events (a parallel worker's message, a config
 * reload), for which CHECK_FOR_INTERRUPTS() returns normally; stopping on
 * those would turn them into spurious ERRORs.
 */
static int
pg_interrupt_pending(void)
{
	return (QueryCancelPending || ProcDiePending) ? 1 : 0;
}

static bool use_avx512 = true;

static void
assign_use_avx512(bool newval, void *extra)
{
	ifma_set_enabled(newval ? 1 : 0);
}

void
_PG_init(void)
{
	DefineCustomBoolVariable("mpc_eigentrust.use_avx512",
							 "Use the AVX-512 IFMA products for modular exponentiation when the CPU has them.",
							 "Off runs GMP's portable constant-time code instead (the same results, slower). "
							 "Fixed-base tables already built keep the form they were built in.",
							 &use_avx512, true, PGC_USERSET, 0,
							 NULL, assign_use_avx512, NULL);
	mp_set_memory_functions(gmp_palloc, gmp_repalloc, gmp_pfree);
	mpc_set_rng(pg_rng);
	mpc_set_interrupt(pg_interrupt_pending);
	mpc_fast_init();
}

int
mpc_sqlstate(mpc_status code)
{
	switch (code)
	{
		case MPC_ERR_ARG:
		case MPC_ERR_KEY:
		case MPC_ERR_CIPHERTEXT:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case MPC_ERR_FORMAT:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case MPC_ERR_BINARY:
			return ERRCODE_INVALID_BINARY_REPRESENTATION;
		case MPC_ERR_KEY_MISMATCH:
			return ERRCODE_DATA_EXCEPTION;
		case MPC_ERR_OVERFLOW:
			return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
		case MPC_ERR_RNG:
			return ERRCODE_SYSTEM_ERROR;
		case MPC_ERR_INTERRUPTED:
			return ERRCODE_QUERY_CANCELED;
		case MPC_ERR_NOMEM:
			return ERRCODE_OUT_OF_MEMORY;
		case MPC_ERR_INTERNAL:
		case MPC_OK:
			break;
	}
	return ERRCODE_INTERNAL_ERROR;
}

void
mpc_raise(const mpc_error *err, const char *what)
{
	if (err->code == MPC_ERR_INTERRUPTED)
	{
		/* Let PostgreSQL report the cancel or termination itself. */
		CHECK_FOR_INTERRUPTS();
	}
	ereport(ERROR,
			(errcode(mpc_sqlstate(err->code)),
			 errmsg("%s: %s", what,
					err->msg[0] ? err->msg : "operation failed")));
}

PG_FUNCTION_INFO_V1(mpc_eigentrust_version);

/* mpc_eigentrust_version() RETURNS text */
Datum
mpc_eigentrust_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("mpc_eigentrust " MPC_EXTVERSION " (GMP %s%s)", gmp_version,
											  ifma_available() ? ", AVX-512 IFMA" : "")));
}
