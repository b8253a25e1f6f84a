/*
 * paillier_agg.c: sum(paillier_ciphertext), a parallel aggregate.
 *
 * The state keeps the running product mod n^2 as an mpz in the aggregate's
 * memory context, plus a copy of the modulus bytes, so each row costs one
 * key comparison (memcmp), one import of c and one modular multiplication:
 * no key re-parsing or re-validation per row.  The product is re-randomised
 * once, in the final function.  Scales, lifting and the magnitude bound
 * (largest term bound + ceil(log2(rows))) are the core's fx_sum.
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "encoding.h"
#include "paillier_glue.h"
#include "serial.h"


#define SUM_STATE_MAGIC 0x50534d32	/* "PSM2" */

typedef struct SumState
{
	uint32		magic;			/* SUM_STATE_MAGIC: rejects foreign internal states */
	Size		nbytes;
	uint8		fp[PAI_FP_LEN];
	uint8	   *n;				/* modulus bytes, for key comparison */
	mpz_t		n2;				/* n^2: the state must not depend on the key cache */
	fx_sum		sum;			/* product, scale, largest term bound, count */
	mpz_t		c;				/* scratch for the incoming ciphertext */
} SumState;

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fn)));
	return aggcxt;
}

/*
 * The state arrives as 'internal'.  A user-defined aggregate could pair our
 * functions with another aggregate's state; the magic number turns that
 * into an ERROR instead of a crash.
 */
static SumState *
state_arg(FunctionCallInfo fcinfo, int argno, const char *fn)
{
	SumState   *st;

	if (PG_ARGISNULL(argno))
		return NULL;
	st = (SumState *) PG_GETARG_POINTER(argno);
	if (st == NULL)
		return NULL;
	if (st->magic != SUM_STATE_MAGIC)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the aggregate state is not a sum(paillier_ciphertext) state", fn)));
	return st;
}

static SumState *
state_new(const pai_pub *pk, int scale, const uint8 *n, Size nbytes)
{
	SumState   *st = palloc0(sizeof(SumState));

	st->magic = SUM_STATE_MAGIC;
	st->nbytes = nbytes;
	memcpy(st->fp, pk->fp, PAI_FP_LEN);
	st->n = palloc(nbytes);
	memcpy(st->n, n, nbytes);
	mpz_init_set(st->n2, pk->n2);
	fx_sum_init(&st->sum, fx_limit(pk), scale);	/* the empty product: Enc(0), r = 1 */
	mpz_init2(st->c, 2 * 8 * nbytes + 64);
	return st;
}

/* multiply c (count terms at scale, largest bound max_bound) into the state */
static void
state_add(SumState *st, mpz_t c, int scale, uint32 max_bound, uint64 count)
{
	mpc_error	err;

	if (fx_sum_add(&st->sum, st->n2, c, scale, max_bound, count, &err) != MPC_OK)
		mpc_raise_fx(&err, "sum(paillier_ciphertext)");
}

/* paillier_sum_transfn(internal, paillier_ciphertext) RETURNS internal */
MPC_FUNCTION(paillier_sum_transfn)
{
	MemoryContext aggcxt = agg_context(fcinfo, "paillier_sum_transfn");
	SumState   *st = state_arg(fcinfo, 0, "paillier_sum_transfn");
	PaillierCiphertext *ct;
	MemoryContext old;

	if (PG_ARGISNULL(1))
	{
		/* NULLs are skipped; a missing state stays SQL NULL */
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	ct = PG_GETARG_PAILLIER_CT_P(1);
	old = MemoryContextSwitchTo(aggcxt);
	if (st == NULL)
	{
		const pai_pub *pk = mpc_ct_key(ct);

		st = state_new(pk, CT_SCALE(ct), CT_N(ct), CT_NBYTES(ct));
	}
	else
	{
		mpc_check_ct(ct);
		mpc_require_same_key(st->fp, st->n, st->nbytes, CT_FP(ct), CT_N(ct), CT_NBYTES(ct),
							 "sum");
	}
	mpc_ct_get(ct, st->c);
	/* cheap range check: stored values were validated on input */
	if (mpz_sgn(st->c) <= 0 || mpz_cmp(st->c, st->n2) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("sum: corrupted paillier_ciphertext: c is not below n^2")));
	state_add(st, st->c, CT_SCALE(ct), mpc_ct_bound(ct), 1);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

/* paillier_sum_combinefn(internal, internal) RETURNS internal */
MPC_FUNCTION(paillier_sum_combinefn)
{
	MemoryContext aggcxt = agg_context(fcinfo, "paillier_sum_combinefn");
	SumState   *a = state_arg(fcinfo, 0, "paillier_sum_combinefn");
	SumState   *b = state_arg(fcinfo, 1, "paillier_sum_combinefn");
	MemoryContext old;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	old = MemoryContextSwitchTo(aggcxt);
	if (a == NULL)
	{
		/* copy b into the aggregate context */
		a = palloc0(sizeof(SumState));
		a->magic = SUM_STATE_MAGIC;
		a->nbytes = b->nbytes;
		memcpy(a->fp, b->fp, PAI_FP_LEN);
		a->n = palloc(b->nbytes);
		memcpy(a->n, b->n, b->nbytes);
		mpz_init_set(a->n2, b->n2);
		fx_sum_init(&a->sum, b->sum.limit, b->sum.scale);
		mpz_set(a->sum.acc, b->sum.acc);
		a->sum.max_bound = b->sum.max_bound;
		a->sum.count = b->sum.count;
		mpz_init(a->c);
	}
	else
	{
		mpc_require_same_key(a->fp, a->n, a->nbytes, b->fp, b->n, b->nbytes, "sum");
		if (b->sum.count > 0)
		{
			mpz_set(a->c, b->sum.acc);
			state_add(a, a->c, b->sum.scale, b->sum.max_bound, b->sum.count);
		}
	}
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

/*
 * Serialized state: int16 scale, int32 nbytes, fp, n (nbytes), acc
 * (2 nbytes), int64 count, int32 largest term bound.
 */
MPC_FUNCTION(paillier_sum_serialfn)
{
	SumState   *st;
	StringInfoData buf;
	uint8	   *acc;
	mpc_error	err;

	agg_context(fcinfo, "paillier_sum_serialfn");
	st = state_arg(fcinfo, 0, "paillier_sum_serialfn");
	if (st == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("paillier_sum_serialfn: no state to serialize")));
	pq_begintypsend(&buf);
	pq_sendint16(&buf, (uint16) st->sum.scale);
	pq_sendint32(&buf, (uint32) st->nbytes);
	pq_sendbytes(&buf, (const char *) st->fp, PAI_FP_LEN);
	pq_sendbytes(&buf, (const char *) st->n, st->nbytes);
	acc = palloc(2 * st->nbytes);
	if (mpz_to_bytes_fixed(st->sum.acc, acc, 2 * st->nbytes, &err) != MPC_OK)
		mpc_raise(&err, "paillier_sum_serialfn");
	pq_sendbytes(&buf, (const char *) acc, 2 * st->nbytes);
	pq_sendint64(&buf, (int64) st->sum.count);
	pq_sendint32(&buf, st->sum.max_bound);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

MPC_FUNCTION(paillier_sum_deserialfn)
{
	MemoryContext aggcxt = agg_context(fcinfo, "paillier_sum_deserialfn");
	bytea	   *raw = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	int			scale;
	uint32		nbytes;
	const char *fp, *n, *acc;
	const pai_pub *pk;
	SumState   *st;
	MemoryContext old;
	int64		count;
	uint32		max_bound;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw));
	if (buf.len < 2 + 4 + PAI_FP_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sum(paillier_ciphertext) state: too short")));
	scale = (int16) pq_getmsgint(&buf, 2);
	nbytes = pq_getmsgint(&buf, 4);
	if (scale < 0 || scale > PAI_MAX_SCALE || nbytes == 0 || nbytes > PAI_MAX_BITS / 8 ||
		(Size) buf.len != 2 + 4 + PAI_FP_LEN + 3 * (Size) nbytes + 8 + 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sum(paillier_ciphertext) state: bad scale or length")));
	fp = pq_getmsgbytes(&buf, PAI_FP_LEN);
	n = pq_getmsgbytes(&buf, nbytes);
	acc = pq_getmsgbytes(&buf, 2 * nbytes);
	pk = mpc_pubkey_from_n((const uint8 *) n, nbytes);
	if (memcmp(fp, pk->fp, PAI_FP_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sum(paillier_ciphertext) state: fingerprint does not match the modulus")));
	old = MemoryContextSwitchTo(aggcxt);
	st = state_new(pk, scale, (const uint8 *) n, nbytes);
	mpz_from_bytes(st->sum.acc, (const uint8 *) acc, 2 * nbytes);
	count = pq_getmsgint64(&buf);
	max_bound = pq_getmsgint(&buf, 4);
	MemoryContextSwitchTo(old);
	if (mpz_sgn(st->sum.acc) <= 0 || mpz_cmp(st->sum.acc, st->n2) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sum(paillier_ciphertext) state: product is not below n^2")));
	if (count < 0 || max_bound > st->sum.limit ||
		(uint64) max_bound + fx_ceil_log2_u64((uint64) count) > st->sum.limit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sum(paillier_ciphertext) state: count or bound out of range")));
	st->sum.count = (uint64) count;
	st->sum.max_bound = max_bound;
	PG_RETURN_POINTER(st);
}

/* paillier_sum_finalfn(internal) RETURNS paillier_ciphertext */
MPC_FUNCTION(paillier_sum_finalfn)
{
	SumState   *st;
	const pai_pub *pk;
	mpz_t		out;

	agg_context(fcinfo, "paillier_sum_finalfn");
	st = state_arg(fcinfo, 0, "paillier_sum_finalfn");
	if (st == NULL)
		PG_RETURN_NULL();		/* no non-NULL input: NULL, as sum() does */
	pk = mpc_pubkey_from_n(st->n, st->nbytes);
	mpz_init(out);
	/* one re-randomisation for the whole sum, not one per row */
	mpc_rerandomize(pk, out, st->sum.acc);
	PG_RETURN_POINTER(mpc_make_ct(pk, st->sum.scale, fx_sum_bound(&st->sum), out));
}
