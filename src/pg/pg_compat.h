/*
 * pg_compat.h: the differences between the PostgreSQL major versions this
 * extension builds against (15, 16, 17 and 18), in one place.
 *
 * Glue code uses the project's names below instead of the version-specific
 * server API.  Checked against each version by scripts/test-pg17-trixie.sh
 * (MPC_DEB_SUITE / MPC_PG_MAJOR select the Debian release and version).
 *
 * What the glue uses and since when it exists, so that a new use is checked
 * here first:
 *   InitMaterializedSRF            15 (SetSingleFuncCall in 15 beta only)
 *   MarkGUCPrefixReserved          15 (EmitWarningsOnPlaceholders before)
 *   SPI_prepare_extended           14
 *   pg_strong_random               every supported version
 *   VARDATA_ANY, VARSIZE_ANY_EXHDR, ...  in postgres.h up to 15; in varatt.h,
 *                                  which postgres.h no longer includes, from 16
 *   pg_attribute_noreturn()        up to 17; removed in 18 (pg_noreturn, a
 *                                  prefix, replaces it): use MPC_NORETURN
 */
#ifndef MPC_PG_COMPAT_H
#define MPC_PG_COMPAT_H

#include "postgres.h"

#if PG_VERSION_NUM < 150000
#error "mpc_eigentrust needs PostgreSQL 15 or later (InitMaterializedSRF, MarkGUCPrefixReserved)"
#endif

#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * A function that does not return (it always raises an ERROR).  Written
 * before the declaration: MPC_NORETURN void f(...);  PostgreSQL 18 has
 * pg_noreturn (C11 _Noreturn), which must come first; before 18,
 * pg_attribute_noreturn() is a GCC attribute, which may come first too.
 */
#if PG_VERSION_NUM >= 180000
#define MPC_NORETURN pg_noreturn
#else
#define MPC_NORETURN pg_attribute_noreturn()
#endif

#endif							/* MPC_PG_COMPAT_H */
