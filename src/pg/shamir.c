/*
 * shamir.c: SQL glue for the shamir_share type, shamir_split and
 * shamir_combine (src/sql/60_shamir.sql), and the helpers the other
 * sharing glue files use (sharing_glue.h).
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
#include "sharing_glue.h"

/* ---- helpers ---- */

void
sharing_raise_if(mpc_status st, const mpc_error *err, const char *what)
{
	if (st != MPC_OK)
		mpc_raise(err, what);
}

/* A numeric Datum as an integer scaled by 10^scale. */
void
sharing_numeric_to_mpz(Datum num, int scale, mpz_t out, const char *what)
{
	mpc_error	err = {MPC_OK, ""};

	sharing_raise_if(mpc_numeric_at_scale(num, scale, out, &err), &err, what);
}

void
sharing_check_scale(int32 scale, const char *what)
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
	sharing_raise_if(ser_to_bytes_fixed(y, s->y, SHAMIR_Y_BYTES, &err), &err, what);
	return s;
}

/* A stored share must have this version's layout. */
void
sharing_check_layout(const ShamirShare *s)
{
	if (VARSIZE(s) != SHAMIR_SHARE_SIZE || s->version != SHAMIR_SHARE_VERSION ||
		s->reserved != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid shamir_share value"),
				 errdetail("The stored share has an unknown layout or version.")));
}

/* Check the layout of a stored share and unpack it; y must be initialised. */
static void
share_unpack(const ShamirShare *s, int32 *x, int32 *t, mpz_t y)
{
	sharing_check_layout(s);
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
int
sharing_shares_from_array(ArrayType *arr, int32 **xs, int32 **ts, mpz_t **ys,
				  const char *what)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;

	n = mpc_array_elements(arr, &elems, &nulls);
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

void
sharing_free_mpz_array(mpz_t *ys, int n)
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
	sharing_raise_if(enc_parse_decimal(ytext, 0, y, &err), &err, "shamir_share");
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
	sharing_numeric_to_mpz(PG_GETARG_DATUM(2), 0, y, "shamir_share");
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
	sharing_raise_if(shamir_add(x1, t1, y1, x2, t2, y2, sum, &err), &err, "shamir_share +");
	s = share_pack(x1, t1, sum, "shamir_share +");
	mpz_clears(y1, y2, sum, NULL);
	PG_RETURN_POINTER(s);
}

/* ---- split and combine ---- */

void
sharing_emit_shares(FunctionCallInfo fcinfo, int n, int t, mpz_t *ys)
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

void
sharing_check_n_t(int32 n, int32 t, const char *what)
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

	sharing_check_n_t(n, t, "shamir_split");
	mpz_inits(s, f, NULL);
	sharing_numeric_to_mpz(PG_GETARG_DATUM(0), 0, s, "shamir_split");
	sharing_raise_if(shamir_signed_to_field(s, f, &err), &err, "shamir_split");
	ys = palloc(sizeof(mpz_t) * n);
	for (i = 0; i < n; i++)
		mpz_init(ys[i]);
	CORE_CALL(st, shamir_split(f, n, t, ys, &err));
	mpz_clears(s, f, NULL);
	sharing_raise_if(st, &err, "shamir_split");
	sharing_emit_shares(fcinfo, n, t, ys);
	sharing_free_mpz_array(ys, n);
	return (Datum) 0;
}

Datum
sharing_combine_common(int k, int32 *xs, int32 *ts, mpz_t *ys)
{
	mpz_t		f,
				s;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;
	Datum		d;

	mpz_inits(f, s, NULL);
	CORE_CALL(st, shamir_combine(k, xs, ts, ys, f, &err));
	sharing_raise_if(st, &err, "shamir_combine");
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

	k = sharing_shares_from_array(PG_GETARG_ARRAYTYPE_P(0), &xs, &ts, &ys, "shamir_combine");
	d = sharing_combine_common(k, xs, ts, ys);
	sharing_free_mpz_array(ys, k);
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

	k = sharing_shares_from_array(PG_GETARG_ARRAYTYPE_P(1), &xs, &ts, &ys, "shamir_combine");
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
	d = sharing_combine_common(k, xs, ts, ys);
	sharing_free_mpz_array(ys, k);
	PG_RETURN_DATUM(d);
}

