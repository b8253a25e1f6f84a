/*
 * module.c: the top of the glue.  PG_MODULE_MAGIC and _PG_init, which
 * installs the core's hooks (pg_strong_random, the interrupt check), the
 * settings (guc.c) and the error-report filter (errors.c).  GMP's memory
 * functions are NOT set here: memory.c puts them in force only while one of
 * our functions runs.
 */
#include "postgres.h"

#include <gmp.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "port.h"
#include "utils/builtins.h"

#include "ifma.h"
#include "mpc_pg.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

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

void
_PG_init(void)
{
	mpc_guc_init();
	mpc_errors_init();
	mpc_set_rng(pg_rng);
	mpc_set_interrupt(pg_interrupt_pending);
}

/* mpc_eigentrust_version() RETURNS text */
MPC_FUNCTION(mpc_eigentrust_version)
{
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("mpc_eigentrust " MPC_EXTVERSION " (GMP %s%s)", gmp_version,
											  ifma_available() ? ", AVX-512 IFMA" : "")));
}
