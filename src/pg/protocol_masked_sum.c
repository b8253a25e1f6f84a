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
 * private_eigentrust_masked_relay(msgs bytea[], round integer) RETURNS bytea[]:
 * the round as the coordinator sends it to every party: each vector's head
 * (NULL where msgs has none) and, last, the exact sum of the vectors.  It
 * checks shapes, rounds, senders and active sets (no tags: it holds no keys).
 */
MPC_FUNCTION(private_eigentrust_masked_relay)
{
	const uint8 **msgs;
	size_t	   *lens;
	int			nmsg;
	uint32		n;
	size_t		hl,
				sl;
	uint8	   *heads,
			   *summsg;
	unsigned char *present;
	Datum	   *out;
	bool	   *nulls;
	pem_ctx		c;
	mpc_error	err;
	ArrayType  *ma;
	int			dims[1],
				lbs[1] = {1};

	pet_require_args(fcinfo, 2, 0, "private_eigentrust_masked_relay");
	ma = PG_GETARG_ARRAYTYPE_P(0);
	nmsg = ArrayGetNItems(ARR_NDIM(ma), ARR_DIMS(ma));
	if (nmsg < 2 || nmsg > PEM_MAX_PARTIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_masked_relay: 2 to %d messages are needed, got %d", PEM_MAX_PARTIES, nmsg)));
	pm_bytea_args(ma, nmsg, &msgs, &lens, "private_eigentrust_masked_relay", true);
	/* n and the active set from the first vector (pem_relay checks the rest against them) */
	{
		int			first = -1;

		for (int k = 0; k < nmsg && first < 0; k++)
			if (msgs[k] != NULL && lens[k] >= pem_msg_len(PEM_KIND_ROUND, 0, (uint32) nmsg) &&
				(lens[k] - pem_msg_len(PEM_KIND_ROUND, 0, (uint32) nmsg)) % 8 == 0)
				first = k;
		if (first < 0)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private_eigentrust_masked_relay: no well-formed round vector for %d parties", nmsg)));
		n = (uint32) ((lens[first] - pem_msg_len(PEM_KIND_ROUND, 0, (uint32) nmsg)) / 8);
		memset(&c, 0, sizeof(c));
		c.run = "coordinator";
		c.run_len = strlen(c.run);
		c.parties = (uint32) nmsg;
		c.self = (uint32) nmsg;
		c.active = palloc(nmsg);
		for (int k = 0; k < nmsg; k++)
			((unsigned char *) c.active)[k] = msgs[first][PEM_HDR + 8 * (Size) n + k] == 1;
	}
	hl = pem_head_len((uint32) nmsg);
	sl = pem_msg_len(PEM_KIND_SUM, n, (uint32) nmsg);
	heads = palloc((Size) nmsg * hl);
	present = palloc(nmsg);
	out = palloc(sizeof(Datum) * (nmsg + 1));
	nulls = palloc0(sizeof(bool) * (nmsg + 1));
	{
		bytea	   *sb = palloc(VARHDRSZ + sl);

		SET_VARSIZE(sb, VARHDRSZ + sl);
		summsg = (uint8 *) VARDATA(sb);
		if (pem_relay(&c, PG_GETARG_INT32(1), n, msgs, lens, heads, present, summsg, &err) != MPC_OK)
			pm_raise(&err, "private_eigentrust_masked_relay");
		out[nmsg] = PointerGetDatum(sb);
	}
	for (int k = 0; k < nmsg; k++)
	{
		bytea	   *h;

		if (!present[k])
		{
			nulls[k] = true;
			out[k] = (Datum) 0;
			continue;
		}
		h = palloc(VARHDRSZ + hl);
		SET_VARSIZE(h, VARHDRSZ + hl);
		memcpy(VARDATA(h), heads + (Size) k * hl, hl);
		out[k] = PointerGetDatum(h);
	}
	dims[0] = nmsg + 1;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, nulls, 1, dims, lbs, BYTEAOID, -1, false, TYPALIGN_INT));
}

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
	const uint8 *summsg = NULL;
	size_t		sumlen = 0;
	int			first = -1,
				departed = 0,
				npresent = 0,
				nanswered = 0;

	pet_require_args(fcinfo, 7, 1u << 4, "private_eigentrust_masked_sum");
	ma = PG_GETARG_ARRAYTYPE_P(0);
	nmsg = ArrayGetNItems(ARR_NDIM(ma), ARR_DIMS(ma));
	if (nmsg < 2 || nmsg > PEM_MAX_PARTIES + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_masked_sum: 2 to %d messages are needed", PEM_MAX_PARTIES)));
	pm_bytea_args(ma, nmsg, &msgs, &lens, "private_eigentrust_masked_sum", true);
	/* the relayed form (private_eigentrust_masked_relay): the heads, then the sum */
	if (msgs[nmsg - 1] != NULL && lens[nmsg - 1] > 4 && msgs[nmsg - 1][4] == PEM_KIND_SUM)
	{
		summsg = msgs[nmsg - 1];
		sumlen = lens[nmsg - 1];
		nmsg--;
	}
	else if (nmsg > PEM_MAX_PARTIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_masked_sum: 2 to %d messages are needed", PEM_MAX_PARTIES)));
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
		if (msgs[k] != NULL && lens[k] == (summsg ? pem_head_len((uint32) nmsg) :
										   pem_msg_len(PEM_KIND_ROUND, (uint32) n, (uint32) nmsg)))
			first = k;
	if (first < 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private_eigentrust_masked_sum: no well-formed round vector for %d peers and %d parties", n, nmsg)));
	for (int k = 0; k < nmsg; k++)
		active[k] = msgs[first][PEM_HDR + (summsg ? AM_DIGEST_LEN : 8 * (Size) n) + k] == 1;
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
	if (pem_inbox_heads(&c, PEM_KIND_ROUND, PG_GETARG_INT32(2), (uint32) n, msgs, lens, dummy,
						summsg ? NULL : sum, present, NULL, NULL, dround, &err) != MPC_OK ||
		(summsg && pem_sum_open(&c, PG_GETARG_INT32(2), (uint32) n, summsg, sumlen, dround, sum, NULL,
								dround, &err) != MPC_OK) ||
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
