/*
 * protocol_masked_sum.c: masked private EigenTrust, the coordinator's view of
 * a round (it holds no keys: it checks shapes and follows t)
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
 * private_eigentrust_masked_sum(msgs bytea[], replies bytea[], round integer,
 *     t bigint[], pretrust bigint[], hosted boolean[], alpha float8,
 *     OUT t_next bigint[], OUT residual float8, OUT parties integer,
 *     OUT answered integer): the coordinator's view of a round: the sum of the
 *     present masked vectors with the self masks and the missing parties'
 *     terms removed through the unmask replies (which is all it can unmask),
 *     and the next t.  It checks shapes, not tags: it holds no keys.
 */
MPC_FUNCTION(private_eigentrust_masked_sum)
{
	const uint8 **msgs,
			  **reps;
	size_t	   *lens,
			   *rlens;
	int			nmsg,
				n;
	int64	   *t,
			   *p,
			   *sums,
			   *tn;
	uint64	   *sum;
	unsigned char *hmask,
			   *active,
			   *present,
			   *answered;
	double		alpha,
				res;
	pem_ctx		c;
	mpc_error	err;
	TupleDesc	td;
	Datum		values[4];
	bool		rn[4] = {false, false, false, false};
	uint8		dround[AM_DIGEST_LEN];
	uint8		dummy[AM_DIGEST_LEN];
	ArrayType  *ma;
	int			first = -1,
				departed = 0,
				npresent = 0,
				nanswered = 0;

	pet_require_args(fcinfo, 7, 1u << 4, "private_eigentrust_masked_sum");
	ma = PG_GETARG_ARRAYTYPE_P(0);
	nmsg = ArrayGetNItems(ARR_NDIM(ma), ARR_DIMS(ma));
	if (nmsg < 2 || nmsg > PEM_MAX_PARTIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_masked_sum: 2 to %d messages are needed", PEM_MAX_PARTIES)));
	pm_bytea_args(ma, nmsg, &msgs, &lens, "private_eigentrust_masked_sum", true);
	pm_bytea_args(PG_GETARG_ARRAYTYPE_P(1), nmsg, &reps, &rlens, "private_eigentrust_masked_sum replies", true);
	t = pet_int8_array(PG_GETARG_ARRAYTYPE_P(3), &n, "t");
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_masked_sum: t is empty")));
	alpha = PG_GETARG_FLOAT8(6);
	if (!(alpha > 0 && alpha <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_masked_sum: alpha must be in (0, 1]")));
	p = palloc(sizeof(int64) * n);
	if (PG_ARGISNULL(4))
		pem_uniform((uint32) n, p);
	else
	{
		int			np;
		int64	   *pre = pet_int8_array(PG_GETARG_ARRAYTYPE_P(4), &np, "pretrust");

		if (np != n)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("private_eigentrust_masked_sum: pretrust has %d entries for %d peers", np, n)));
		memcpy(p, pre, sizeof(int64) * n);
	}
	for (int j = 0; j < n; j++)
		if (t[j] < 0 || t[j] > PET_ONE_T || p[j] < 0 || p[j] > PET_ONE_T)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private_eigentrust_masked_sum: t and pretrust values must be between 0 and 10^12")));
	hmask = pet_bool_array(PG_GETARG_ARRAYTYPE_P(5), n, "hosted");
	/* the round's active set, as the first present vector states it (pem_inbox checks the rest) */
	active = palloc(nmsg);
	for (int k = 0; k < nmsg && first < 0; k++)
		if (msgs[k] != NULL && lens[k] == pem_msg_len(PEM_KIND_ROUND, (uint32) n, (uint32) nmsg))
			first = k;
	if (first < 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private_eigentrust_masked_sum: no well-formed round vector for %d peers and %d parties", n, nmsg)));
	for (int k = 0; k < nmsg; k++)
		active[k] = msgs[first][PEM_HDR + 8 * (Size) n + k] == 1;
	memset(&c, 0, sizeof(c));
	c.run = "coordinator";
	c.run_len = strlen(c.run);
	c.parties = (uint32) nmsg;
	c.self = (uint32) nmsg;		/* no party: no own message, no tags */
	c.active = active;
	memset(dummy, 0, sizeof(dummy));
	sum = palloc(sizeof(uint64) * n);
	sums = palloc(sizeof(int64) * n);
	tn = palloc(sizeof(int64) * n);
	present = palloc(nmsg);
	answered = palloc(nmsg);
	if (pem_inbox(&c, PEM_KIND_ROUND, PG_GETARG_INT32(2), (uint32) n, msgs, lens, dummy, sum, present,
				  NULL, dround, &err) != MPC_OK ||
		pem_recover(&c, PG_GETARG_INT32(2), (uint32) n, present, reps, rlens, dround, sum, answered,
					dummy, &err) != MPC_OK)
		pm_raise(&err, "private_eigentrust_masked_sum");
	for (int k = 0; k < nmsg; k++)
	{
		if (!active[k] || !present[k])
			departed = 1;
		npresent += present[k];
		nanswered += answered[k];
	}
	if (pem_unmask((uint32) n, sum, sums, &err) != MPC_OK ||
		pem_next((uint32) n, sums, t, p, hmask, alpha, departed, tn, &res, &err) != MPC_OK)
		pm_raise(&err, "private_eigentrust_masked_sum");
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	{
		Datum	   *od = palloc(sizeof(Datum) * n);

		for (int j = 0; j < n; j++)
			od[j] = Int64GetDatum(tn[j]);
		values[0] = PointerGetDatum(construct_array(od, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	}
	values[1] = Float8GetDatum(res);
	values[2] = Int32GetDatum(npresent);
	values[3] = Int32GetDatum(nanswered);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, rn)));
}
