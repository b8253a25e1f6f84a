/*
 * mpc_pg.h: the small header every PostgreSQL glue file shares.
 *
 * Glue files convert Datums to core structs, validate, call the core and
 * turn core failures into ERRORs.  They do not call each other's internals
 * except through what is declared here.
 */
#ifndef MPC_PG_H
#define MPC_PG_H

#include "postgres.h"
#include "fmgr.h"
#include "pg_compat.h"

#include "mpc_common.h"

/*
 * Raise the ERROR that matches a core failure.  'what' names the operation
 * for the primary message ("paillier_encrypt", "shamir_split", ...).  The
 * message comes from the core and never holds secret material.
 */
MPC_NORETURN void mpc_raise(const mpc_error *err, const char *what);

/* SQLSTATE for a core status code. */
int			mpc_sqlstate(mpc_status code);

#endif
