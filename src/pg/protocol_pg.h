/*
 * protocol_pg.h: argument helpers shared by the private EigenTrust glue
 * files (protocol.c, protocol_masked.c).
 */
#ifndef MPC_PROTOCOL_PG_H
#define MPC_PROTOCOL_PG_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"

/* ERROR 22004 when one of the first nargs arguments is NULL, except those
 * whose bit (1 << k for argument k, 0-based) is set in nullable. */
void		pet_require_args(FunctionCallInfo fcinfo, int nargs, uint32 nullable, const char *fn);
/* A one-dimensional bigint[] without NULLs, as a palloc'd array. */
int64	   *pet_int8_array(ArrayType *a, int *n, const char *what);
/* A one-dimensional boolean[] of exactly n entries without NULLs, as 0/1 bytes. */
unsigned char *pet_bool_array(ArrayType *a, int n, const char *what);

#endif
