/*
 * psi.c: SQL glue of private set intersection (src/sql/64_psi.sql).
 *
 * Party side: psi_party_hello reads the owner's ids, draws this run's secret
 * scalar (pg_strong_random through the core's rng hook) and returns the
 * party's own blinded, sorted batch; psi_party_blind applies the scalar to
 * another party's batch; psi_party_reveal maps matched positions back to the
 * party's own ids (intersection runs only); psi_party_end wipes the run.
 * The run lives in the session that started it (the coordinator's dblink
 * connection) and ends with its first error.
 *
 * Coordinator side: psi_match finds which elements of one fully blinded batch
 * occur in all the others.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "mpc_pg.h"
#include "psi.h"

#define PSI_MAX_RUN 64

typedef struct psi_run
{
	MemoryContext cxt;
	char		run[PSI_MAX_RUN + 1];
	Oid			owner;
	char	   *ids_sql;
	bool		intersection;	/* a run of psi_intersection */
	bool		keep_ids;		/* this party is entitled to the intersection */
	uint8	   *scalar;			/* secret buffer: wiped with cxt */
	size_t		count;			/* distinct own ids sent */
	char	  **ids;			/* keep_ids: own ids in the order sent */
	size_t	   *id_lens;
} psi_run;

static psi_run *cur = NULL;

static void
psi_forget(void)
{
	if (cur == NULL)
		return;
	if (cur->ids)
		for (size_t i = 0; i < cur->count; i++)
			mpc_wipe(cur->ids[i], cur->id_lens[i]);
	MemoryContextDelete(cur->cxt);	/* wipes the scalar */
	cur = NULL;
}

static void
psi_check_run_id(const char *run)
{
	size_t		len = strlen(run);

	if (len < 1 || len > PSI_MAX_RUN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi: run id must be 1 to %d bytes, got %zu", PSI_MAX_RUN, len)));
}

static psi_run *
psi_get(const char *run, const char *fn)
{
	if (cur == NULL || strcmp(cur->run, run) != 0)
		mpc_run_not_active(fn, run);
	if (cur->owner != GetUserId())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s: run \"%s\" belongs to another party", fn, run)));
	return cur;
}

/* A core failure ends the run, then raises. */
static void
psi_fail(const mpc_error *err, const char *fn)
{
	psi_forget();
	mpc_raise(err, fn);
}

/* The kind of ids a query's result has, or ERROR. */
static psi_kind
psi_kind_of(TupleDesc td)
{
	Oid			typ;

	if (td->natts != 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("psi: the ids query must return one column, it returns %d", td->natts)));
	typ = SPI_gettypeid(td, 1);
	if (typ == INT2OID || typ == INT4OID || typ == INT8OID)
		return PSI_KIND_BIGINT;
	if (typ == TEXTOID || typ == VARCHAROID)
		return PSI_KIND_TEXT;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("psi: ids must be text or bigint, the query returns %s", format_type_be(typ)),
			 errhint("Cast the column in the ids query, e.g. SELECT id::text FROM ...")));
	return PSI_KIND_TEXT;		/* not reached */
}

static void
psi_hello(psi_run *r, MemoryContext caller, bytea **out)
{
	int			rc;
	uint64		m;
	TupleDesc	td;
	Oid			typ;
	psi_kind	kind;
	uint8	   *pts;
	uint32	   *idx = NULL;
	char	  **ids = NULL;
	size_t	   *lens = NULL;
	size_t		n = 0;
	mpc_error	err = {MPC_OK, ""};
	bytea	   *res;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* the owner's query is user code: GMP's allocator is not ours meanwhile */
	MPC_USER_CODE(rc = SPI_execute(r->ids_sql, true, 0));
	if (rc != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi: the ids query must be a SELECT")));
	td = SPI_tuptable->tupdesc;
	typ = SPI_gettypeid(td, 1);
	kind = psi_kind_of(td);
	m = SPI_processed;
	if (m > PSI_MAX_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("psi: the ids query returned %llu rows, the limit is %u",
						(unsigned long long) m, PSI_MAX_COUNT)));
	pts = MemoryContextAllocHuge(caller, PSI_HEADER_LEN + Max(m, 1) * PSI_POINT_LEN);
	if (r->keep_ids)
	{
		idx = MemoryContextAllocHuge(caller, sizeof(uint32) * Max(m, 1));
		ids = MemoryContextAllocHuge(r->cxt, sizeof(char *) * Max(m, 1));
		lens = MemoryContextAllocHuge(r->cxt, sizeof(size_t) * Max(m, 1));
	}
	for (uint64 k = 0; k < m; k++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[k], td, 1, &isnull);
		uint8		be[8];
		const void *data;
		size_t		len;
		text	   *t = NULL;
		int64		v = 0;

		if (isnull)
			continue;			/* NULLs are no ids */
		if (kind == PSI_KIND_BIGINT)
		{
			v = typ == INT8OID ? DatumGetInt64(d) :
				typ == INT4OID ? (int64) DatumGetInt32(d) : (int64) DatumGetInt16(d);
			for (int b = 0; b < 8; b++)
				be[b] = (uint8) ((uint64) v >> (56 - 8 * b));
			data = be;
			len = 8;
		}
		else
		{
			t = DatumGetTextPP(d);
			data = VARDATA_ANY(t);
			len = VARSIZE_ANY_EXHDR(t);
		}
		if (psi_hash_blind(pts + PSI_HEADER_LEN + n * PSI_POINT_LEN, kind, data, len, r->scalar, &err) != MPC_OK)
			psi_fail(&err, "psi_party_hello");
		if (r->keep_ids)
		{
			/* the id as text, as the party will read it back */
			char	   *s;

			if (kind == PSI_KIND_BIGINT)
				s = MemoryContextStrdup(r->cxt,
										DatumGetCString(DirectFunctionCall1(int8out, Int64GetDatum(v))));
			else
			{
				s = MemoryContextAlloc(r->cxt, len + 1);
				memcpy(s, data, len);
				s[len] = '\0';
			}
			ids[n] = s;
			lens[n] = strlen(s);
			idx[n] = (uint32) n;
		}
		n++;
		if ((k & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	SPI_finish();

	/* sorting is the shuffle; equal ids give equal points and one is kept */
	{
		size_t		before = n;

		if (psi_sort_unique(pts + PSI_HEADER_LEN, idx, &n, &err) != MPC_OK)
			psi_fail(&err, "psi_party_hello");
		if (r->keep_ids)
		{
			char	  **sorted_ids = MemoryContextAllocHuge(r->cxt, sizeof(char *) * Max(n, 1));
			size_t	   *sorted_lens = MemoryContextAllocHuge(r->cxt, sizeof(size_t) * Max(n, 1));
			bool	   *used = palloc0(sizeof(bool) * Max(before, 1));

			for (size_t i = 0; i < n; i++)
			{
				sorted_ids[i] = ids[idx[i]];
				sorted_lens[i] = lens[idx[i]];
				used[idx[i]] = true;
			}
			/* duplicates dropped: wipe their copies now */
			for (size_t i = 0; i < before; i++)
				if (!used[i])
					mpc_wipe(ids[i], lens[i]);
			r->ids = sorted_ids;
			r->id_lens = sorted_lens;
		}
	}
	r->count = n;
	psi_header(pts, kind, n);
	res = MemoryContextAllocHuge(caller, VARHDRSZ + PSI_HEADER_LEN + n * PSI_POINT_LEN);
	SET_VARSIZE(res, VARHDRSZ + PSI_HEADER_LEN + n * PSI_POINT_LEN);
	memcpy(VARDATA(res), pts, PSI_HEADER_LEN + n * PSI_POINT_LEN);
	pfree(pts);
	*out = res;
}

/*
 * psi_party_hello(ids_sql text, run_id text, intersection boolean,
 *                 entitled boolean, allow_intersection boolean) RETURNS bytea
 */
MPC_FUNCTION(psi_party_hello)
{
	char	   *run;
	bool		intersection,
				entitled,
				allow;
	MemoryContext cxt,
				caller = CurrentMemoryContext;
	psi_run    *r;
	bytea	   *out = NULL;
	mpc_error	err = {MPC_OK, ""};

	for (int a = 1; a < 5; a++)
		if (PG_ARGISNULL(a))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("psi_party_hello: argument %d must not be NULL", a + 1)));
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("psi: this ids query is not registered in this party"),
				 errdetail("A party runs only the ids queries its owner registered with psi_party_setup."),
				 errhint("As the owner of the ids, run SELECT psi_party_setup('SELECT id FROM ...', '<coordinator role>') in this database, and give the coordinator the same query text.")));
	run = text_to_cstring(PG_GETARG_TEXT_PP(1));
	psi_check_run_id(run);
	intersection = PG_GETARG_BOOL(2);
	entitled = PG_GETARG_BOOL(3);
	allow = PG_GETARG_BOOL(4);
	if (entitled && !intersection)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi: a cardinality run has no entitled parties")));
	if (intersection && !allow)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("psi: this party does not take part in psi_intersection runs"),
				 errdetail("Its owner set it up for psi_cardinality only."),
				 errhint("The owner can rerun psi_party_setup with allow_intersection => true.")));

	/* a new run ends any earlier one of this session */
	psi_forget();
	cxt = AllocSetContextCreate(TopMemoryContext, "mpc_eigentrust psi run", ALLOCSET_DEFAULT_SIZES);
	r = MemoryContextAllocZero(cxt, sizeof(psi_run));
	r->cxt = cxt;
	strlcpy(r->run, run, sizeof(r->run));
	r->owner = GetUserId();
	r->ids_sql = MemoryContextStrdup(cxt, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	r->intersection = intersection;
	r->keep_ids = entitled;
	cur = r;
	PG_TRY();
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		r->scalar = mpc_secret_alloc(PSI_SCALAR_LEN);
		MemoryContextSwitchTo(old);
		if (psi_keygen(r->scalar, &err) != MPC_OK)
			psi_fail(&err, "psi_party_hello");
		psi_hello(r, caller, &out);
	}
	PG_CATCH();
	{
		psi_forget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	PG_RETURN_BYTEA_P(out);
}

/* psi_party_blind(run_id text, batch bytea, keep_order boolean) RETURNS bytea */
MPC_FUNCTION(psi_party_blind)
{
	char	   *run = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bytea	   *msg = PG_GETARG_BYTEA_PP(1);
	bool		keep = PG_GETARG_BOOL(2);
	psi_run    *r = psi_get(run, "psi_party_blind");
	psi_batch	b;
	mpc_error	err = {MPC_OK, ""};
	bytea	   *res;
	uint8	   *pts;
	size_t		n;

	if (keep && !r->intersection)
	{
		psi_forget();
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("psi_party_blind: run \"%s\" counts only: every batch is shuffled", run),
				 errdetail("Keeping a batch's order is for the entitled parties of an intersection run. The run is ended.")));
	}
	if (psi_parse((const uint8 *) VARDATA_ANY(msg), VARSIZE_ANY_EXHDR(msg), &b, &err) != MPC_OK)
		psi_fail(&err, "psi_party_blind");
	res = palloc(VARHDRSZ + PSI_HEADER_LEN + b.count * PSI_POINT_LEN);
	SET_VARSIZE(res, VARHDRSZ + PSI_HEADER_LEN + b.count * PSI_POINT_LEN);
	pts = (uint8 *) VARDATA(res) + PSI_HEADER_LEN;
	memcpy(pts, b.points, b.count * PSI_POINT_LEN);
	if (psi_blind(pts, b.count, r->scalar, &err) != MPC_OK)
		psi_fail(&err, "psi_party_blind");
	n = b.count;
	if (!keep)
	{
		if (psi_sort_unique(pts, NULL, &n, &err) != MPC_OK)
			psi_fail(&err, "psi_party_blind");
		if (n != b.count)
		{
			psi_forget();
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("psi_party_blind: the batch holds an element twice"),
					 errdetail("Every party sends each of its ids once. The run is ended.")));
		}
	}
	psi_header((uint8 *) VARDATA(res), b.kind, n);
	PG_RETURN_BYTEA_P(res);
}

/* psi_party_reveal(run_id text, positions integer[]) RETURNS text[] */
MPC_FUNCTION(psi_party_reveal)
{
	char	   *run = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(1);
	psi_run    *r = psi_get(run, "psi_party_reveal");
	Datum	   *d,
			   *out;
	bool	   *nulls;
	int			n;
	int32		last = 0;

	if (!r->keep_ids)
	{
		psi_forget();
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("psi_party_reveal: this party is not entitled to the intersection in run \"%s\"", run),
				 errdetail("The run is ended.")));
	}
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("psi_party_reveal: positions must be a one-dimensional array")));
	deconstruct_array(a, INT4OID, 4, true, TYPALIGN_INT, &d, &nulls, &n);
	out = palloc(sizeof(Datum) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		int32		p = nulls[i] ? 0 : DatumGetInt32(d[i]);

		if (nulls[i] || p <= last || p > (int64) r->count)
		{
			psi_forget();
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("psi_party_reveal: positions must be increasing, between 1 and %zu", r->count),
					 errdetail("The run is ended.")));
		}
		last = p;
		out[i] = PointerGetDatum(cstring_to_text_with_len(r->ids[p - 1], r->id_lens[p - 1]));
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(out, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* psi_party_end(run_id text) RETURNS bigint: the number of distinct own ids */
MPC_FUNCTION(psi_party_end)
{
	char	   *run = text_to_cstring(PG_GETARG_TEXT_PP(0));
	psi_run    *r = psi_get(run, "psi_party_end");
	int64		n = (int64) r->count;

	psi_forget();
	PG_RETURN_INT64(n);
}

/* psi_match(batches bytea[], target integer) RETURNS integer[] */
MPC_FUNCTION(psi_match)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	int32		target = PG_GETARG_INT32(1);
	Datum	   *d,
			   *out;
	bool	   *nulls;
	int			n,
				k = 0;
	psi_batch  *b;
	uint8	   *hit;
	size_t		common;
	mpc_error	err = {MPC_OK, ""};

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("psi_match: batches must be a one-dimensional array")));
	deconstruct_array(a, BYTEAOID, -1, false, TYPALIGN_INT, &d, &nulls, &n);
	if (n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi_match: need the batches of at least 2 parties, got %d", n)));
	if (target < 1 || target > n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi_match: target must be between 1 and %d, got %d", n, target)));
	b = palloc(sizeof(psi_batch) * n);
	for (int i = 0; i < n; i++)
	{
		bytea	   *m;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("psi_match: batch %d is NULL", i + 1)));
		m = DatumGetByteaPP(d[i]);
		if (psi_parse((const uint8 *) VARDATA_ANY(m), VARSIZE_ANY_EXHDR(m), &b[i], &err) != MPC_OK)
			ereport(ERROR,
					(errcode(mpc_sqlstate(err.code)),
					 errmsg("psi_match: batch %d: %s", i + 1, err.msg)));
	}
	hit = palloc(Max(b[target - 1].count, 1));
	if (psi_match_batches(b, n, target - 1, hit, &common, &err) != MPC_OK)
		mpc_raise(&err, "psi_match");
	out = palloc(sizeof(Datum) * Max(common, 1));
	for (size_t i = 0; i < b[target - 1].count; i++)
		if (hit[i])
			out[k++] = Int32GetDatum((int32) (i + 1));
	PG_RETURN_ARRAYTYPE_P(construct_array(out, k, INT4OID, 4, true, TYPALIGN_INT));
}

/* psi_ids_kind(ids_sql text) RETURNS text: 'text' or 'bigint', or ERROR */
MPC_FUNCTION(psi_ids_kind)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int			rc;
	psi_kind	kind;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MPC_USER_CODE(rc = SPI_execute(psprintf("SELECT * FROM (%s) AS psi_ids LIMIT 0", sql), true, 0));
	if (rc != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("psi: the ids query must be a SELECT")));
	kind = psi_kind_of(SPI_tuptable->tupdesc);
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(kind == PSI_KIND_TEXT ? "text" : "bigint"));
}
