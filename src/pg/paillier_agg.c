/*
 * paillier_agg.c: sum(paillier_ciphertext), a parallel aggregate.
 *
 * The state keeps the running product mod n^2 as an mpz in the aggregate's
 * memory context, plus a copy of the modulus bytes, so each row costs one
 * key comparison (memcmp), one import of c and one modular multiplication:
 * no key re-parsing or re-validation per row.  The product is re-randomised
 * once, in the final function.  Scales, lifting and the magnitude bound
 * (largest term bound + ceil(log2(rows))) are the core's fx_sum.
 *
 * With AVX-512 IFMA (ifma_available()), the product lives in an IFMA
 * accumulator instead (ifma_acc_*): each row is read from its big-endian
 * bytes a word at a time and costs one almost-Montgomery product, and the
 * powers of R the products leave behind are put back once, when the state
 * is serialized or finalised.  fx_sum still does all the bookkeeping (scale,
 * bound, count) for every row: its own product is then 1 x 1.  A row at
 * another scale (rare) folds the accumulator back into fx_sum, takes the
 * GMP path, and restarts the accumulator from the result.
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "encoding.h"
#include "ifma.h"
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
	/* IFMA path (ictx.digits != 0): the product is sum.acc (then 1) x iacc */
	ifma_ctx	ictx;			/* for n^2 */
	uint64	   *iacc;			/* P R^-rexp mod n^2 */
	uint64	   *ix;				/* scratch: the incoming ciphertext */
	uint64		rexp;
	uint8	   *n2be;			/* n^2, big-endian, 2 nbytes: the range check */
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

/* set up the IFMA accumulator when the CPU has IFMA and n^2 fits */
static void
state_ifma_init(SumState *st)
{
	size_t		bits = mpz_sizeinbase(st->n2, 2);
	size_t		bytes;
	void	   *buf;
	mpc_error	err;

	st->ictx.digits = 0;
	if (!ifma_available() || ifma_digits(bits) == 0 || 2 * st->nbytes > 8 * ifma_digits(bits))
		return;
	bytes = ifma_ctx_bytes(bits);
	buf = palloc(bytes);
	if (ifma_ctx_init(&st->ictx, buf, bytes, st->n2, &err) != MPC_OK)
	{
		st->ictx.digits = 0;	/* n^2 is odd and > 1: not reached */
		return;
	}
	st->iacc = palloc(st->ictx.digits * sizeof(uint64));
	st->ix = palloc(st->ictx.digits * sizeof(uint64));
	st->n2be = palloc(2 * st->nbytes);
	if (ser_to_bytes_fixed(st->n2, st->n2be, 2 * st->nbytes, &err) != MPC_OK)
		mpc_raise(&err, "sum(paillier_ciphertext)");
	ifma_acc_start(&st->ictx, st->iacc, &st->rexp);
	/* the whole product is in iacc from now on; sum.acc stays 1 */
	ifma_acc_set(&st->ictx, st->iacc, &st->rexp, st->sum.acc);
	mpz_set_ui(st->sum.acc, 1);
}

/* out = the whole product, without changing the state; out may be sum.acc */
static void
state_product(const SumState *st, mpz_t out)
{
	if (st->ictx.digits == 0)
	{
		mpz_set(out, st->sum.acc);
		return;
	}
	ifma_acc_get_mul(&st->ictx, out, st->iacc, st->rexp, st->sum.acc);
}

/* IFMA path: move the whole product into sum.acc (iacc becomes 1) */
static void
state_fold(SumState *st)
{
	if (st->ictx.digits == 0)
		return;
	state_product(st, st->sum.acc);
	ifma_acc_start(&st->ictx, st->iacc, &st->rexp);
}

/* IFMA path: move sum.acc into iacc (sum.acc becomes 1); after state_fold */
static void
state_unfold(SumState *st)
{
	if (st->ictx.digits == 0)
		return;
	ifma_acc_set(&st->ictx, st->iacc, &st->rexp, st->sum.acc);
	mpz_set_ui(st->sum.acc, 1);
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
	state_ifma_init(st);
	return st;
}

/* multiply c (count terms at scale, largest bound max_bound) into the state */
static void
state_add(SumState *st, mpz_t c, int scale, uint32 max_bound, uint64 count)
{
	mpc_error	err;

	state_fold(st);
	if (fx_sum_add(&st->sum, st->n2, c, scale, max_bound, count, &err) != MPC_OK)
		mpc_raise_fx(&err, "sum(paillier_ciphertext)");
	state_unfold(st);
}

/*
 * IFMA path, a term at the state's scale: fx_sum does the bookkeeping and
 * checks the bound (fx_sum_account: its product is not touched); the caller then
 * multiplies the term into iacc.
 */
static void
state_account(SumState *st, uint32 max_bound, uint64 count)
{
	mpc_error	err;

	if (fx_sum_account(&st->sum, st->sum.scale, max_bound, count, &err) != MPC_OK)
		mpc_raise_fx(&err, "sum(paillier_ciphertext)");
}

/* is the big-endian c (2 nbytes) nonzero (any: the OR of its digits) and
 * below n^2? (public data) */
static bool
ct_in_range(const SumState *st, const uint8 *c, uint64 any)
{
	return any != 0 && memcmp(c, st->n2be, 2 * st->nbytes) < 0;
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
	if (st->ictx.digits != 0 && CT_SCALE(ct) == st->sum.scale)
	{
		uint64		any = ifma_digits_of_be(&st->ictx, st->ix, CT_C(ct), 2 * st->nbytes);

		/* cheap range check: stored values were validated on input */
		if (!ct_in_range(st, CT_C(ct), any))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("sum: corrupted paillier_ciphertext: c is not below n^2")));
		state_account(st, mpc_ct_bound(ct), 1);
		ifma_acc_mul(&st->ictx, st->iacc, &st->rexp, st->ix);
		MemoryContextSwitchTo(old);
		PG_RETURN_POINTER(st);
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
		state_product(b, a->sum.acc);
		a->sum.max_bound = b->sum.max_bound;
		a->sum.count = b->sum.count;
		mpz_init(a->c);
		state_ifma_init(a);
	}
	else
	{
		mpc_require_same_key(a->fp, a->n, a->nbytes, b->fp, b->n, b->nbytes, "sum");
		if (b->sum.count > 0)
		{
			state_product(b, a->c);
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
	mpz_t		prod;
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
	mpz_init(prod);
	state_product(st, prod);	/* the serialized product is plain */
	acc = palloc(2 * st->nbytes);
	if (ser_to_bytes_fixed(prod, acc, 2 * st->nbytes, &err) != MPC_OK)
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
	ser_from_bytes(st->sum.acc, (const uint8 *) acc, 2 * nbytes);
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
	state_unfold(st);
	PG_RETURN_POINTER(st);
}

/* paillier_sum_finalfn(internal) RETURNS paillier_ciphertext */
MPC_FUNCTION(paillier_sum_finalfn)
{
	SumState   *st;
	const pai_pub *pk;
	mpz_t		out,
				prod;

	agg_context(fcinfo, "paillier_sum_finalfn");
	st = state_arg(fcinfo, 0, "paillier_sum_finalfn");
	if (st == NULL)
		PG_RETURN_NULL();		/* no non-NULL input: NULL, as sum() does */
	pk = mpc_pubkey_from_n(st->n, st->nbytes);
	mpz_init(prod);
	state_product(st, prod);
	mpz_init(out);
	/* one re-randomisation for the whole sum, not one per row */
	mpc_rerandomize(pk, out, prod);
	PG_RETURN_POINTER(mpc_make_ct(pk, st->sum.scale, fx_sum_bound(&st->sum), out));
}
