/*
 * sharing.c: SQL glue for Shamir sharing and zero-sum masks.
 *
 * The shamir_share type is a varlena: a version byte (1), a reserved byte
 * (0), the threshold t, the point x and the value y as 66 big-endian bytes.
 * Its text form is (x,t,y) with y a decimal in [0, 2^521 - 1).
 * Numbers cross the boundary as decimal text: numeric_out here, exact
 * parsing in the core (enc_parse_decimal), and numeric_in on the way back.
 */
#include "postgres.h"

#include <gmp.h>
#include <limits.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/memutils.h"

#include "mpc_pg.h"
#include "encoding.h"
#include "paillier_glue.h"
#include "serial.h"
#include "sharing.h"
#include "zerosum.h"

typedef struct ShamirShare
{
	int32		vl_len_;		/* varlena header, do not touch directly */
	uint8		version;		/* SHAMIR_SHARE_VERSION */
	uint8		reserved;		/* must be zero */
	uint16		t;				/* threshold, 1..SHAMIR_MAX_N */
	int32		x;				/* point, >= 1 */
	uint8		y[SHAMIR_Y_BYTES];	/* value in [0, P), big-endian */
} ShamirShare;

#define SHAMIR_SHARE_VERSION 1
#define SHAMIR_SHARE_SIZE	((Size) sizeof(ShamirShare))

#define DatumGetShamirShareP(d) ((ShamirShare *) PG_DETOAST_DATUM(d))
#define PG_GETARG_SHAMIR_SHARE_P(n) DatumGetShamirShareP(PG_GETARG_DATUM(n))

/* ---- helpers ---- */

static void
raise_if(mpc_status st, const mpc_error *err, const char *what)
{
	if (st != MPC_OK)
		mpc_raise(err, what);
}

/* A numeric Datum as an integer scaled by 10^scale. */
static void
numeric_to_mpz(Datum num, int scale, mpz_t out, const char *what)
{
	mpc_error	err = {MPC_OK, ""};

	raise_if(mpc_numeric_at_scale(num, scale, out, &err), &err, what);
}

static void
check_scale(int32 scale, const char *what)
{
	if (scale < 0 || scale > PAI_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: scale must be between 0 and %d", what, PAI_MAX_SCALE)));
}

static ShamirShare *
share_pack(int32 x, int32 t, const mpz_t y, const char *what)
{
	ShamirShare *s = palloc0(SHAMIR_SHARE_SIZE);
	mpc_error	err = {MPC_OK, ""};

	SET_VARSIZE(s, SHAMIR_SHARE_SIZE);
	s->version = SHAMIR_SHARE_VERSION;
	s->t = (uint16) t;
	s->x = x;
	raise_if(ser_to_bytes_fixed(y, s->y, SHAMIR_Y_BYTES, &err), &err, what);
	return s;
}

/* Check the layout of a stored share and unpack it; y must be initialised. */
static void
share_unpack(const ShamirShare *s, int32 *x, int32 *t, mpz_t y)
{
	if (VARSIZE(s) != SHAMIR_SHARE_SIZE || s->version != SHAMIR_SHARE_VERSION ||
		s->reserved != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid shamir_share value"),
				 errdetail("The stored share has an unknown layout or version.")));
	*x = s->x;
	*t = s->t;
	ser_from_bytes(y, s->y, SHAMIR_Y_BYTES);
}

static void
check_share_fields(int64 x, int64 t, const mpz_t y, int code, const char *what)
{
	if (x < 1 || x > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(code),
				 errmsg("%s: share point x must be between 1 and %d", what, PG_INT32_MAX)));
	if (t < 1 || t > SHAMIR_MAX_N)
		ereport(ERROR,
				(errcode(code),
				 errmsg("%s: share threshold t must be between 1 and %d", what, SHAMIR_MAX_N)));
	if (!shamir_in_field(y))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: share value is outside the field", what),
				 errdetail("Share values are integers from 0 to 2^521 - 2.")));
}

/* Unpack an array of shares into parallel C arrays; ys are initialised here. */
static int
shares_from_array(ArrayType *arr, int32 **xs, int32 **ts, mpz_t **ys,
				  const char *what)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign,
					  &elems, &nulls, &n);
	if (n > SHAMIR_MAX_N)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: too many shares", what),
				 errdetail("At most %d shares can be combined.", SHAMIR_MAX_N)));
	*xs = palloc(sizeof(int32) * Max(n, 1));
	*ts = palloc(sizeof(int32) * Max(n, 1));
	*ys = palloc(sizeof(mpz_t) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: shares must not be null", what)));
		mpz_init((*ys)[i]);
		share_unpack(DatumGetShamirShareP(elems[i]), &(*xs)[i], &(*ts)[i], (*ys)[i]);
	}
	return n;
}

static void
free_mpz_array(mpz_t *ys, int n)
{
	for (int i = 0; i < n; i++)
		mpz_clear(ys[i]);
	pfree(ys);
}

/* ---- shamir_share type ---- */

/* shamir_share_in(cstring) RETURNS shamir_share: text form (x,t,y) */
MPC_FUNCTION(shamir_share_in)
{
	char	   *str = PG_GETARG_CSTRING(0);
	const char *p = str;	/* not echoed in errors: a share is secret */
	long long	x,
				t;
	char	   *end;
	const char *ystart;
	char	   *ytext;
	size_t		ylen;
	mpz_t		y;
	mpc_error	err = {MPC_OK, ""};
	ShamirShare *s;

#define BAD_SHARE() \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type shamir_share"), \
			 errdetail("A share is written (x,t,y): the point, the threshold and the value, as decimal integers.")))

	while (*p == ' ')
		p++;
	if (*p++ != '(')
		BAD_SHARE();
	if (!(*p >= '0' && *p <= '9'))
		BAD_SHARE();
	errno = 0;
	x = strtoll(p, &end, 10);
	if (errno != 0 || *end != ',' || end - p > 12)
		BAD_SHARE();
	p = end + 1;
	if (!(*p >= '0' && *p <= '9'))
		BAD_SHARE();
	t = strtoll(p, &end, 10);
	if (errno != 0 || *end != ',' || end - p > 12)
		BAD_SHARE();
	p = end + 1;
	ystart = p;
	while (*p >= '0' && *p <= '9')
		p++;
	ylen = p - ystart;
	if (ylen == 0 || *p != ')')
		BAD_SHARE();
	p++;
	while (*p == ' ')
		p++;
	if (*p != '\0')
		BAD_SHARE();
	if (ylen > 200)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("shamir_share: share value is outside the field"),
				 errdetail("Share values are integers from 0 to 2^521 - 2.")));
	ytext = pnstrdup(ystart, ylen);
	mpz_init(y);
	raise_if(enc_parse_decimal(ytext, 0, y, &err), &err, "shamir_share");
	pfree(ytext);
	check_share_fields(x, t, y, ERRCODE_INVALID_TEXT_REPRESENTATION, "shamir_share");
	s = share_pack((int32) x, (int32) t, y, "shamir_share");
	mpz_clear(y);
	PG_RETURN_POINTER(s);
}

/* shamir_share_out(shamir_share) RETURNS cstring */
MPC_FUNCTION(shamir_share_out)
{
	ShamirShare *s = PG_GETARG_SHAMIR_SHARE_P(0);
	int32		x,
				t;
	mpz_t		y;
	char	   *ys;
	char	   *res;

	mpz_init(y);
	share_unpack(s, &x, &t, y);
	ys = palloc(mpz_sizeinbase(y, 10) + 2);
	mpz_get_str(ys, 10, y);
	res = psprintf("(%d,%d,%s)", x, t, ys);
	pfree(ys);
	mpz_clear(y);
	PG_RETURN_CSTRING(res);
}

/* shamir_share_recv(internal) RETURNS shamir_share: version, x, t, y bytes */
MPC_FUNCTION(shamir_share_recv)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int32		x,
				t;
	mpz_t		y;
	ShamirShare *s;

	mpc_recv_need(buf, 1 + 4 + 4 + SHAMIR_Y_BYTES, "shamir_share");
	version = pq_getmsgbyte(buf);
	if (version != SHAMIR_SHARE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("shamir_share: unknown binary format version %d", version)));
	x = pq_getmsgint(buf, 4);
	t = pq_getmsgint(buf, 4);
	mpz_init(y);
	ser_from_bytes(y, (const uint8_t *) pq_getmsgbytes(buf, SHAMIR_Y_BYTES), SHAMIR_Y_BYTES);
	check_share_fields(x, t, y, ERRCODE_INVALID_BINARY_REPRESENTATION, "shamir_share");
	s = share_pack(x, t, y, "shamir_share");
	mpz_clear(y);
	PG_RETURN_POINTER(s);
}

/* shamir_share_send(shamir_share) RETURNS bytea */
MPC_FUNCTION(shamir_share_send)
{
	ShamirShare *s = PG_GETARG_SHAMIR_SHARE_P(0);
	int32		x,
				t;
	mpz_t		y;
	StringInfoData buf;

	mpz_init(y);
	share_unpack(s, &x, &t, y);
	mpz_clear(y);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SHAMIR_SHARE_VERSION);
	pq_sendint32(&buf, x);
	pq_sendint32(&buf, t);
	pq_sendbytes(&buf, (const char *) s->y, SHAMIR_Y_BYTES);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* shamir_share(x integer, t integer, y numeric) RETURNS shamir_share */
MPC_FUNCTION(shamir_share_make)
{
	int32		x = PG_GETARG_INT32(0);
	int32		t = PG_GETARG_INT32(1);
	mpz_t		y;
	ShamirShare *s;

	mpz_init(y);
	numeric_to_mpz(PG_GETARG_DATUM(2), 0, y, "shamir_share");
	check_share_fields(x, t, y, ERRCODE_INVALID_PARAMETER_VALUE, "shamir_share");
	s = share_pack(x, t, y, "shamir_share");
	mpz_clear(y);
	PG_RETURN_POINTER(s);
}

/* shamir_share_x(shamir_share) RETURNS integer */
MPC_FUNCTION(shamir_share_x)
{
	int32		x,
				t;
	mpz_t		y;

	mpz_init(y);
	share_unpack(PG_GETARG_SHAMIR_SHARE_P(0), &x, &t, y);
	mpz_clear(y);
	PG_RETURN_INT32(x);
}

/* shamir_share_t(shamir_share) RETURNS integer */
MPC_FUNCTION(shamir_share_t)
{
	int32		x,
				t;
	mpz_t		y;

	mpz_init(y);
	share_unpack(PG_GETARG_SHAMIR_SHARE_P(0), &x, &t, y);
	mpz_clear(y);
	PG_RETURN_INT32(t);
}

/* shamir_share_y(shamir_share) RETURNS numeric */
MPC_FUNCTION(shamir_share_y)
{
	int32		x,
				t;
	mpz_t		y;
	Datum		d;

	mpz_init(y);
	share_unpack(PG_GETARG_SHAMIR_SHARE_P(0), &x, &t, y);
	d = mpc_numeric_from_scaled(y, 0);
	mpz_clear(y);
	PG_RETURN_DATUM(d);
}

/* shamir_share_add(shamir_share, shamir_share) RETURNS shamir_share: operator + */
MPC_FUNCTION(shamir_share_add)
{
	int32		x1,
				t1,
				x2,
				t2;
	mpz_t		y1,
				y2,
				sum;
	mpc_error	err = {MPC_OK, ""};
	ShamirShare *s;

	mpz_inits(y1, y2, sum, NULL);
	share_unpack(PG_GETARG_SHAMIR_SHARE_P(0), &x1, &t1, y1);
	share_unpack(PG_GETARG_SHAMIR_SHARE_P(1), &x2, &t2, y2);
	raise_if(shamir_add(x1, t1, y1, x2, t2, y2, sum, &err), &err, "shamir_share +");
	s = share_pack(x1, t1, sum, "shamir_share +");
	mpz_clears(y1, y2, sum, NULL);
	PG_RETURN_POINTER(s);
}

/* ---- split and combine ---- */

static void
emit_shares(FunctionCallInfo fcinfo, int n, int t, mpz_t *ys)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = Int32GetDatum(i + 1);
		values[1] = PointerGetDatum(share_pack(i + 1, t, ys[i], "shamir_split"));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

static void
check_n_t(int32 n, int32 t, const char *what)
{
	if (n < 1 || n > SHAMIR_MAX_N)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: n must be between 1 and %d", what, SHAMIR_MAX_N),
				 errdetail("n = %d was given.", n)));
	if (t < 1 || t > n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: t must be between 1 and n", what),
				 errdetail("t = %d and n = %d were given.", t, n)));
}

/* shamir_split(secret numeric, n integer, t integer) RETURNS TABLE(x integer, share shamir_share) */
MPC_FUNCTION(shamir_split_sql)
{
	int32		n = PG_GETARG_INT32(1);
	int32		t = PG_GETARG_INT32(2);
	mpz_t		s,
				f;
	mpz_t	   *ys;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	int			i;

	check_n_t(n, t, "shamir_split");
	mpz_inits(s, f, NULL);
	numeric_to_mpz(PG_GETARG_DATUM(0), 0, s, "shamir_split");
	raise_if(shamir_signed_to_field(s, f, &err), &err, "shamir_split");
	ys = palloc(sizeof(mpz_t) * n);
	for (i = 0; i < n; i++)
		mpz_init(ys[i]);
	CORE_CALL(st, shamir_split(f, n, t, ys, &err));
	mpz_clears(s, f, NULL);
	raise_if(st, &err, "shamir_split");
	emit_shares(fcinfo, n, t, ys);
	free_mpz_array(ys, n);
	return (Datum) 0;
}

static Datum
combine_common(int k, int32 *xs, int32 *ts, mpz_t *ys)
{
	mpz_t		f,
				s;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	Datum		d;

	mpz_inits(f, s, NULL);
	CORE_CALL(st, shamir_combine(k, xs, ts, ys, f, &err));
	raise_if(st, &err, "shamir_combine");
	shamir_field_to_signed(f, s);
	d = mpc_numeric_from_scaled(s, 0);
	mpz_clears(f, s, NULL);
	return d;
}

/* shamir_combine(shares shamir_share[]) RETURNS numeric */
MPC_FUNCTION(shamir_combine_array)
{
	int32	   *xs,
			   *ts;
	mpz_t	   *ys;
	int			k;
	Datum		d;

	k = shares_from_array(PG_GETARG_ARRAYTYPE_P(0), &xs, &ts, &ys, "shamir_combine");
	d = combine_common(k, xs, ts, ys);
	free_mpz_array(ys, k);
	PG_RETURN_DATUM(d);
}

/* shamir_combine(x integer[], shares shamir_share[]) RETURNS numeric */
MPC_FUNCTION(shamir_combine_xarray)
{
	ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(0);
	int32	   *xs,
			   *ts;
	mpz_t	   *ys;
	Datum	   *xe;
	bool	   *xn;
	int			k,
				nx,
				i;
	Datum		d;

	k = shares_from_array(PG_GETARG_ARRAYTYPE_P(1), &xs, &ts, &ys, "shamir_combine");
	deconstruct_array(xa, INT4OID, 4, true, TYPALIGN_INT, &xe, &xn, &nx);
	if (nx != k)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("shamir_combine: the arrays of points and shares differ in length"),
				 errdetail("The array of points has length %d, the array of shares %d.", nx, k)));
	for (i = 0; i < k; i++)
	{
		if (xn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("shamir_combine: points must not be null")));
		if (DatumGetInt32(xe[i]) != xs[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("shamir_combine: share for point x = %d was given with x = %d",
							xs[i], DatumGetInt32(xe[i]))));
	}
	d = combine_common(k, xs, ts, ys);
	free_mpz_array(ys, k);
	PG_RETURN_DATUM(d);
}

/* ---- the shamir_combine aggregates ---- */

/*
 * The transition state collects shares as fixed-size records in the
 * aggregate's memory context (amortised doubling), so a group of k shares
 * costs O(k) to collect.  Serialised for parallel plans as a version byte,
 * a count and the records (x and t as int32, y as 66 bytes).
 */
typedef struct ShareRec
{
	int32		x;
	int32		t;
	uint8		y[SHAMIR_Y_BYTES];
} ShareRec;

#define COMBINE_STATE_MAGIC 0x53434d31	/* "SCM1" */

typedef struct CombineState
{
	uint32		magic;			/* COMBINE_STATE_MAGIC: rejects foreign internal states */
	int			n;
	int			cap;
	ShareRec   *recs;
} CombineState;

#define COMBINE_STATE_VERSION 1
#define SHARE_REC_WIRE (4 + 4 + SHAMIR_Y_BYTES)

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return aggctx;
}

static CombineState *
state_new(MemoryContext ctx)
{
	CombineState *st = MemoryContextAllocZero(ctx, sizeof(CombineState));

	st->magic = COMBINE_STATE_MAGIC;
	st->cap = 8;
	st->recs = MemoryContextAlloc(ctx, sizeof(ShareRec) * st->cap);
	return st;
}

/*
 * The state arrives as 'internal'.  A user-defined aggregate could pair our
 * support functions with another aggregate's state; the magic number turns
 * that into an ERROR instead of a crash.  NULL for a NULL state.
 */
static CombineState *
combine_state_arg(FunctionCallInfo fcinfo, int argno, const char *fn)
{
	CombineState *st;

	if (PG_ARGISNULL(argno))
		return NULL;
	st = (CombineState *) PG_GETARG_POINTER(argno);
	if (st != NULL && st->magic != COMBINE_STATE_MAGIC)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the aggregate state is not a shamir_combine state", fn)));
	return st;
}

static ShareRec *
state_push(CombineState *st, MemoryContext ctx)
{
	if (st->n >= SHAMIR_MAX_N)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("shamir_combine: too many shares"),
				 errdetail("At most %d shares can be combined.", SHAMIR_MAX_N)));
	if (st->n == st->cap)
	{
		MemoryContext old = MemoryContextSwitchTo(ctx);

		st->cap = Min(st->cap * 2, SHAMIR_MAX_N);
		st->recs = repalloc(st->recs, sizeof(ShareRec) * st->cap);
		MemoryContextSwitchTo(old);
	}
	return &st->recs[st->n++];
}

static void
share_check_layout(const ShamirShare *s)
{
	if (VARSIZE(s) != SHAMIR_SHARE_SIZE || s->version != SHAMIR_SHARE_VERSION ||
		s->reserved != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid shamir_share value"),
				 errdetail("The stored share has an unknown layout or version.")));
}

/*
 * shamir_combine_transfn(internal, shamir_share) RETURNS internal
 * shamir_combine_transfn(internal, integer, shamir_share) RETURNS internal
 * NULL shares are skipped; with a point argument, it must match the share's.
 */
MPC_FUNCTION(shamir_combine_transfn)
{
	MemoryContext ctx = agg_context(fcinfo, "shamir_combine_transfn");
	CombineState *st = combine_state_arg(fcinfo, 0, "shamir_combine_transfn");
	int			sarg = PG_NARGS() - 1;
	ShamirShare *share;
	ShareRec   *r;

	if (PG_ARGISNULL(sarg))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	share = PG_GETARG_SHAMIR_SHARE_P(sarg);
	share_check_layout(share);
	if (sarg == 2)
	{
		if (PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("shamir_combine: the point of a share must not be null")));
		if (PG_GETARG_INT32(1) != share->x)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("shamir_combine: share for point x = %d was given with x = %d",
							share->x, PG_GETARG_INT32(1))));
	}
	if (st == NULL)
		st = state_new(ctx);
	r = state_push(st, ctx);
	r->x = share->x;
	r->t = share->t;
	memcpy(r->y, share->y, SHAMIR_Y_BYTES);
	PG_RETURN_POINTER(st);
}

/* shamir_combine_combinefn(internal, internal) RETURNS internal */
MPC_FUNCTION(shamir_combine_combinefn)
{
	MemoryContext ctx = agg_context(fcinfo, "shamir_combine_combinefn");
	CombineState *a = combine_state_arg(fcinfo, 0, "shamir_combine_combinefn");
	CombineState *b = combine_state_arg(fcinfo, 1, "shamir_combine_combinefn");

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = state_new(ctx);
	for (int i = 0; i < b->n; i++)
		*state_push(a, ctx) = b->recs[i];
	PG_RETURN_POINTER(a);
}

/* shamir_combine_serialfn(internal) RETURNS bytea */
MPC_FUNCTION(shamir_combine_serialfn)
{
	CombineState *st;
	StringInfoData buf;

	agg_context(fcinfo, "shamir_combine_serialfn");
	st = combine_state_arg(fcinfo, 0, "shamir_combine_serialfn");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, COMBINE_STATE_VERSION);
	pq_sendint32(&buf, st->n);
	for (int i = 0; i < st->n; i++)
	{
		pq_sendint32(&buf, st->recs[i].x);
		pq_sendint32(&buf, st->recs[i].t);
		pq_sendbytes(&buf, (const char *) st->recs[i].y, SHAMIR_Y_BYTES);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* shamir_combine_deserialfn(bytea, internal) RETURNS internal */
MPC_FUNCTION(shamir_combine_deserialfn)
{
	MemoryContext ctx = agg_context(fcinfo, "shamir_combine_deserialfn");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	CombineState *st;
	int			n;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < 5 || pq_getmsgbyte(&buf) != COMBINE_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shamir_combine: invalid aggregate state")));
	n = pq_getmsgint(&buf, 4);
	if (n < 0 || n > SHAMIR_MAX_N || buf.len - buf.cursor != (int64) n * SHARE_REC_WIRE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shamir_combine: invalid aggregate state")));
	st = state_new(ctx);
	for (int i = 0; i < n; i++)
	{
		ShareRec   *r = state_push(st, ctx);

		r->x = pq_getmsgint(&buf, 4);
		r->t = pq_getmsgint(&buf, 4);
		memcpy(r->y, pq_getmsgbytes(&buf, SHAMIR_Y_BYTES), SHAMIR_Y_BYTES);
	}
	PG_RETURN_POINTER(st);
}

/* shamir_combine_finalfn(internal) RETURNS numeric: NULL when no shares */
MPC_FUNCTION(shamir_combine_finalfn)
{
	CombineState *st;
	int32	   *xs,
			   *ts;
	mpz_t	   *ys;
	Datum		d;

	agg_context(fcinfo, "shamir_combine_finalfn");
	st = combine_state_arg(fcinfo, 0, "shamir_combine_finalfn");
	if (st == NULL)
		PG_RETURN_NULL();
	xs = palloc(sizeof(int32) * st->n);
	ts = palloc(sizeof(int32) * st->n);
	ys = palloc(sizeof(mpz_t) * st->n);
	for (int i = 0; i < st->n; i++)
	{
		xs[i] = st->recs[i].x;
		ts[i] = st->recs[i].t;
		mpz_init(ys[i]);
		ser_from_bytes(ys[i], st->recs[i].y, SHAMIR_Y_BYTES);
	}
	d = combine_common(st->n, xs, ts, ys);
	free_mpz_array(ys, st->n);
	PG_RETURN_DATUM(d);
}

/* ---- zero-sum masks ---- */

static zs_party *
parties_from_arrays(ArrayType *ids, ArrayType *keys, int *np, const char *what)
{
	Datum	   *ie,
			   *ke;
	bool	   *in,
			   *kn;
	int			ni,
				nk,
				i;
	zs_party   *ps;

	deconstruct_array(ids, TEXTOID, -1, false, TYPALIGN_INT, &ie, &in, &ni);
	deconstruct_array(keys, BYTEAOID, -1, false, TYPALIGN_INT, &ke, &kn, &nk);
	if (ni != nk)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: the arrays of peer ids and public keys differ in length", what),
				 errdetail("The array of ids has length %d, the array of public keys %d.", ni, nk)));
	ps = palloc(sizeof(zs_party) * Max(ni, 1));
	for (i = 0; i < ni; i++)
	{
		text	   *id;
		bytea	   *key;

		if (in[i] || kn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: peer ids and public keys must not be null", what)));
		id = DatumGetTextPP(ie[i]);
		key = DatumGetByteaPP(ke[i]);
		ps[i].id = VARDATA_ANY(id);
		ps[i].id_len = VARSIZE_ANY_EXHDR(id);
		ps[i].pub = (const uint8_t *) VARDATA_ANY(key);
		ps[i].pub_len = VARSIZE_ANY_EXHDR(key);
	}
	*np = ni;
	return ps;
}

/* zerosum_keygen() RETURNS bytea: a fresh private key */
MPC_FUNCTION(zerosum_keygen)
{
	bytea	   *res = palloc(VARHDRSZ + ZS_PRIV_LEN);
	mpc_error	err = {MPC_OK, ""};

	SET_VARSIZE(res, VARHDRSZ + ZS_PRIV_LEN);
	raise_if(zs_keygen((uint8_t *) VARDATA(res), &err), &err, "zerosum_keygen");
	PG_RETURN_BYTEA_P(res);
}

/* zerosum_public_key(private_key bytea) RETURNS bytea */
MPC_FUNCTION(zerosum_public_key)
{
	bytea	   *priv = PG_GETARG_BYTEA_PP(0);
	bytea	   *res = palloc(VARHDRSZ + ZS_PUB_LEN);
	mpc_error	err = {MPC_OK, ""};

	SET_VARSIZE(res, VARHDRSZ + ZS_PUB_LEN);
	raise_if(zs_public_key((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv),
						   (uint8_t *) VARDATA(res), &err), &err, "zerosum_public_key");
	PG_RETURN_BYTEA_P(res);
}

static Datum
finish_mask(mpc_status st, mpc_error *err, mpz_t mask, const char *what)
{
	Datum		d;

	raise_if(st, err, what);
	d = mpc_numeric_from_scaled(mask, 0);
	mpz_clear(mask);
	return d;
}

/*
 * zerosum_mask(self_id text, round bigint, peer_ids text[],
 *              peer_public_keys bytea[], private_key bytea) RETURNS numeric
 */
MPC_FUNCTION(zerosum_mask)
{
	text	   *self = PG_GETARG_TEXT_PP(0);
	int64		round = PG_GETARG_INT64(1);
	bytea	   *priv = PG_GETARG_BYTEA_PP(4);
	zs_party   *peers;
	int			np;
	mpz_t		mask;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	peers = parties_from_arrays(PG_GETARG_ARRAYTYPE_P(2), PG_GETARG_ARRAYTYPE_P(3),
								&np, "zerosum_mask");
	mpz_init(mask);
	CORE_CALL(st, zs_mask((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv),
						  VARDATA_ANY(self), VARSIZE_ANY_EXHDR(self), round, peers, np,
						  mask, &err));
	PG_RETURN_DATUM(finish_mask(st, &err, mask, "zerosum_mask"));
}

/* zerosum_mask_value(value numeric, mask numeric, scale integer) RETURNS numeric */
MPC_FUNCTION(zerosum_mask_value)
{
	int32		scale = PG_GETARG_INT32(2);
	mpz_t		v,
				m,
				out;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	Datum		d;

	check_scale(scale, "zerosum_mask_value");
	mpz_inits(v, m, out, NULL);
	numeric_to_mpz(PG_GETARG_DATUM(0), scale, v, "zerosum_mask_value");
	numeric_to_mpz(PG_GETARG_DATUM(1), 0, m, "zerosum_mask_value");
	st = zs_mask_value(v, m, out, &err);
	mpz_clears(v, m, NULL);
	raise_if(st, &err, "zerosum_mask_value");
	d = mpc_numeric_from_scaled(out, 0);
	mpz_clear(out);
	PG_RETURN_DATUM(d);
}

/* zerosum_random_mask() RETURNS numeric: uniform in [0, 2^128) */
MPC_FUNCTION(zerosum_random_mask)
{
	mpz_t		m;
	mpc_error	err = {MPC_OK, ""};
	Datum		d;

	mpz_init(m);
	raise_if(zs_random_mask(m, &err), &err, "zerosum_random_mask");
	d = mpc_numeric_from_scaled(m, 0);
	mpz_clear(m);
	PG_RETURN_DATUM(d);
}

/* zerosum_unmask(total numeric, scale integer) RETURNS numeric */
MPC_FUNCTION(zerosum_unmask)
{
	int32		scale = PG_GETARG_INT32(1);
	mpz_t		total,
				out;
	Datum		d;

	check_scale(scale, "zerosum_unmask");
	mpz_inits(total, out, NULL);
	numeric_to_mpz(PG_GETARG_DATUM(0), 0, total, "zerosum_unmask");
	zs_unmask(total, out);
	d = mpc_numeric_from_scaled(out, scale);
	mpz_clears(total, out, NULL);
	PG_RETURN_DATUM(d);
}

/* zerosum_key_split(private_key bytea, n integer, t integer)
 *   RETURNS TABLE(x integer, share shamir_share) */
MPC_FUNCTION(zerosum_key_split)
{
	bytea	   *priv = PG_GETARG_BYTEA_PP(0);
	int32		n = PG_GETARG_INT32(1);
	int32		t = PG_GETARG_INT32(2);
	mpz_t	   *ys;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	int			i;

	check_n_t(n, t, "zerosum_key_split");
	ys = palloc(sizeof(mpz_t) * n);
	for (i = 0; i < n; i++)
		mpz_init(ys[i]);
	CORE_CALL(st, zs_key_split((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv),
							   n, t, ys, &err));
	raise_if(st, &err, "zerosum_key_split");
	emit_shares(fcinfo, n, t, ys);
	free_mpz_array(ys, n);
	return (Datum) 0;
}

/*
 * zerosum_recover_mask(dropped_id text, round bigint, peer_ids text[],
 *                      peer_public_keys bytea[], dropped_public_key bytea,
 *                      key_shares shamir_share[]) RETURNS numeric
 */
MPC_FUNCTION(zerosum_recover_mask)
{
	text	   *did = PG_GETARG_TEXT_PP(0);
	int64		round = PG_GETARG_INT64(1);
	bytea	   *dpub = PG_GETARG_BYTEA_PP(4);
	zs_party   *peers;
	int			np,
				k;
	int32	   *xs,
			   *ts;
	mpz_t	   *ys;
	mpz_t		mask;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	peers = parties_from_arrays(PG_GETARG_ARRAYTYPE_P(2), PG_GETARG_ARRAYTYPE_P(3),
								&np, "zerosum_recover_mask");
	k = shares_from_array(PG_GETARG_ARRAYTYPE_P(5), &xs, &ts, &ys, "zerosum_recover_mask");
	mpz_init(mask);
	CORE_CALL(st, zs_recover_mask(k, xs, ts, ys, VARDATA_ANY(did), VARSIZE_ANY_EXHDR(did),
								  (const uint8_t *) VARDATA_ANY(dpub), VARSIZE_ANY_EXHDR(dpub),
								  round, peers, np, mask, &err));
	free_mpz_array(ys, k);
	PG_RETURN_DATUM(finish_mask(st, &err, mask, "zerosum_recover_mask"));
}
