/*
 * arrays.c: taking arrays of any element type apart, once for every glue
 * file.
 */
#include "mpc_pg.h"

#include "utils/array.h"
#include "utils/lsyscache.h"

int
mpc_array_elements(ArrayType *arr, Datum **elems, bool **nulls)
{
	Oid			elemtype = ARR_ELEMTYPE(arr);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			n;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, elems, nulls, &n);
	return n;
}
