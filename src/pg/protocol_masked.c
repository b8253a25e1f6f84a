/*
 * protocol_masked.c: private EigenTrust in mode 'masked', the party and
 * coordinator functions (docs/design.md, "Masked mode").
 *
 * A party keeps one run's state in its backend (the coordinator's dblink
 * connection keeps that backend for the whole run): the Diffie-Hellman key,
 * the pairwise MAC and PRG keys, its rows, t and the digest of the last
 * round.  Nothing secret is ever written to a table, a log or a message, and
 * the state is wiped when the run ends, fails or a new run starts; a closed
 * connection ends the backend and the state with it.
 *
 * The party functions read the ratings with the caller's privileges; the
 * party wraps them in SECURITY DEFINER functions (private_eigentrust_party_setup),
 * and the state is bound to the role that created it, so the coordinator
 * calling the raw functions reaches neither the ratings nor the state.
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
#include "protocol_pg.h"
#include "sha256.h"
#include "zerosum.h"


#define PM_MAX_RUN	128
#define PM_NONCE	32
#define PM_HELLO	1
#define PM_RUNNING	2
#define PM_FINAL	3
#define PM_UNMASKED	4			/* the unmask reply of r->round is out */

typedef struct pm_run
{
	MemoryContext cxt;
	char		run[PM_MAX_RUN + 1];
	char		krun[AM_MAX_RUN_LEN + 1];	/* run id and digest of the nonces: what keys and tags bind */
	char	   *edges_sql;
	Oid			owner;
	int			phase;
	uint8		priv[ZS_PRIV_LEN];	/* the party's identity key */
	uint8		pub[ZS_PUB_LEN];
	uint8		nonce[32];		/* this party's fresh contribution to the run's keys */
	uint8	   *known;			/* pinned public keys of the other parties */
	int			nknown;
	/* the ratings as read at hello */
	int64	   *ra,
			   *rb;
	double	   *rs;
	size_t		m;
	int64	   *hosted_ids;		/* trusters and members, ascending */
	int			nhosted;
	/* the run, from setup */
	uint32		parties,
				self,
				n;
	int64	   *peers;
	unsigned char *hmask;
	int64	   *p;
	double		alpha,
				epsilon;
	int32		max_iter;
	uint8		(*mac)[AM_KEY_LEN];
	uint8		(*prg)[AM_KEY_LEN];
	uint8		(*enc)[AM_KEY_LEN];
	unsigned char *active;		/* the parties of the current round */
	unsigned char *present;		/* whose vector of r->round arrived */
	uint8	   *shares;			/* the shares of their self-mask seeds addressed to this party */
	uint8	   *released;		/* per party: PEM_WHAT_SELF or PEM_WHAT_PAIR released, or 0 */
	int64	   *rel_round;		/* ... in that round */
	uint64	   *sum;			/* the sum of the present vectors of r->round */
	uint8		dround[AM_DIGEST_LEN];	/* D_{r->round} */
	pet_edge   *e;
	size_t		kept;
	uint32	   *dang;
	size_t		ndang;
	int64	   *t;
	int64		round;			/* the last round whose vector this party sent */
	uint8		dprev[AM_DIGEST_LEN];	/* D_{round - 1} */
	uint8		mine[AM_DIGEST_LEN];	/* SHA-256 of the last message this party sent */
	uint8		myvec[AM_DIGEST_LEN];	/* SHA-256 of its vector of r->round */
	double		residual;
	int64		dropped;
} pm_run;

static pm_run *cur = NULL;

/* Forget the run, wiping every secret first. */
static void
pm_forget(void)
{
	if (cur == NULL)
		return;
	mpc_wipe(cur->priv, sizeof(cur->priv));
	if (cur->mac)
		mpc_wipe(cur->mac, sizeof(*cur->mac) * cur->parties);
	if (cur->prg)
		mpc_wipe(cur->prg, sizeof(*cur->prg) * cur->parties);
	if (cur->enc)
		mpc_wipe(cur->enc, sizeof(*cur->enc) * cur->parties);
	if (cur->shares)
		mpc_wipe(cur->shares, (Size) cur->parties * PEM_SHARE);
	MemoryContextDelete(cur->cxt);
	cur = NULL;
}

/* The state of run_id for this edges query and role, or ERROR. */
static pm_run *
pm_get(const char *edges_sql, const char *run, int phase, const char *fn)
{
	if (cur == NULL || strcmp(cur->run, run) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s: run \"%s\" is not active in this session", fn, run),
				 errdetail("A run lives in the session that started it and ends with its first error."),
				 errhint("Start a new run.")));
	if (cur->owner != GetUserId() || strcmp(cur->edges_sql, edges_sql) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s: run \"%s\" belongs to another party", fn, run)));
	if (cur->phase != phase && !(phase == PM_RUNNING && cur->phase == PM_UNMASKED &&
								 strcmp(fn, "private_eigentrust_masked_unmask") == 0))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s: run \"%s\" is not at this step", fn, run)));
	return cur;
}

/* bytea[] of exactly want entries, none NULL */
static void
bytea_arg_n(ArrayType *a, int want, const uint8 ***ptrs, size_t **lens, const char *what,
			bool nulls_ok)
{
	Datum	   *d;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	deconstruct_array(a, BYTEAOID, -1, false, TYPALIGN_INT, &d, &nulls, &n);
	if (n != want)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s holds %d messages, not one from each of the %d parties", what, n, want),
				 errdetail("The run is aborted.")));
	*ptrs = palloc(sizeof(uint8 *) * Max(n, 1));
	*lens = palloc(sizeof(size_t) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bytea	   *b;

		if (nulls[i])
		{
			if (!nulls_ok)
				ereport(ERROR,
						(errcode(ERRCODE_PROTOCOL_VIOLATION),
						 errmsg("%s: the message of party %d is missing", what, i + 1),
						 errdetail("The run is aborted.")));
			(*ptrs)[i] = NULL;
			(*lens)[i] = 0;
			continue;
		}
		b = DatumGetByteaPP(d[i]);
		(*ptrs)[i] = (const uint8 *) VARDATA_ANY(b);
		(*lens)[i] = VARSIZE_ANY_EXHDR(b);
	}
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

static int
find_id(const int64 *ids, int n, int64 id)
{
	const int64 *hit = bsearch(&id, ids, n, sizeof(int64), cmp_int64);

	return hit ? (int) (hit - ids) : -1;
}

/* Run a query for int8 columns into palloc'd arrays in cxt. */
static uint64
read_rows(const char *sql, int ncols, MemoryContext cxt, int64 **c1, int64 **c2, double **c3)
{
	uint64		m;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* the owner's query is user code: GMP's allocator is not ours meanwhile */
	MPC_USER_CODE(rc = SPI_execute(sql, true, 0));
	if (rc != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: the ratings and members queries must be SELECTs")));
	m = SPI_processed;
	if (m > (uint64) (MaxAllocHugeSize / sizeof(double)) || m > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("private eigentrust: too many rows")));
	*c1 = MemoryContextAllocHuge(cxt, sizeof(int64) * Max(m, 1));
	if (c2)
		*c2 = MemoryContextAllocHuge(cxt, sizeof(int64) * Max(m, 1));
	if (c3)
		*c3 = MemoryContextAllocHuge(cxt, sizeof(double) * Max(m, 1));
	for (uint64 k = 0; k < m; k++)
	{
		HeapTuple	tup = SPI_tuptable->vals[k];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull[3] = {false, false, false};

		(*c1)[k] = DatumGetInt64(SPI_getbinval(tup, td, 1, &isnull[0]));
		if (ncols > 1)
			(*c2)[k] = DatumGetInt64(SPI_getbinval(tup, td, 2, &isnull[1]));
		if (ncols > 2)
			(*c3)[k] = DatumGetFloat8(SPI_getbinval(tup, td, 3, &isnull[2]));
		if (isnull[0] || isnull[1] || isnull[2])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("private eigentrust: a rating or member row has a NULL")));
		if (ncols > 2 && !isfinite((*c3)[k]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: a rating is not a finite number")));
		if ((k & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	SPI_finish();
	return m;
}

/* A protocol failure: the run is over (the caller's PG_CATCH wipes it). */
static void
pm_raise(const mpc_error *err, const char *fn)
{
	if (err->code == MPC_ERR_CIPHERTEXT || err->code == MPC_ERR_BINARY ||
		err->code == MPC_ERR_OVERFLOW)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: %s", fn, err->msg),
				 errdetail("The run is aborted: a message was altered, replayed, left out or shown differently to different parties.")));
	if (err->code == MPC_ERR_ARG)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: %s", fn, err->msg),
				 errdetail("The run is aborted: an invariant of the trust vector does not hold.")));
	mpc_raise(err, fn);
}

static pem_ctx
pm_ctx(const pm_run *r)
{
	pem_ctx		c;

	c.run = r->krun;
	c.run_len = strlen(r->krun);
	c.parties = r->parties;
	c.self = r->self;
	c.mac = (const uint8_t (*)[AM_KEY_LEN]) r->mac;
	c.prg = (const uint8_t (*)[AM_KEY_LEN]) r->prg;
	c.enc = (const uint8_t (*)[AM_KEY_LEN]) r->enc;
	c.active = r->active;
	return c;
}

/* y = partial sums at t plus this round's mask, as a message */
static bytea *
pm_message(pm_run *r, int64 round, const int64 *t, const uint8 dprev[AM_DIGEST_LEN])
{
	pem_ctx		c = pm_ctx(r);
	uint64	   *y = palloc(sizeof(uint64) * Max(r->n, 1));
	size_t		len = pem_msg_len(PEM_KIND_ROUND, r->n, r->parties);
	bytea	   *out;
	mpc_error	err;

	uint8		b[PEM_SEED_LEN];
	mpc_status	st;

	if (pem_partial(r->e, r->kept, r->dang, r->ndang, r->n, t, r->p, y, &err) != MPC_OK)
		pm_raise(&err, "private eigentrust");
	/* double masking: the pairwise masks and a fresh self mask, shared out */
	pem_mask(&c, round, r->n, y);
	if (mpc_random_bytes(b, sizeof(b), &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	pem_self_mask(b, round, r->n, 1, y);
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	st = pem_msg_build(&c, PEM_KIND_ROUND, round, y, r->n, b, dprev, (uint8 *) VARDATA(out), &err);
	mpc_wipe(b, sizeof(b));
	if (st != MPC_OK)
		pm_raise(&err, "private eigentrust");
	pfree(y);
	am_digest(VARDATA(out), len, r->mine);
	memcpy(r->myvec, r->mine, AM_DIGEST_LEN);
	return out;
}

/* Read the ratings and members, pick the DH key: the body of hello. */
static void
pm_hello(FunctionCallInfo fcinfo, pm_run *r, const char *edges_sql, const char *run)
{
	MemoryContext cxt = r->cxt;
	StringInfoData q;
	int64	   *mem = NULL;
	uint64		nmem = 0;
	int64	   *all;
	int			na = 0;
	mpc_error	err;

	strlcpy(r->run, run, sizeof(r->run));
	r->edges_sql = MemoryContextStrdup(cxt, edges_sql);
	r->owner = GetUserId();
	initStringInfo(&q);
	appendStringInfo(&q,
					 "SELECT e.truster::bigint, e.trustee::bigint, e.score::double precision "
					 "FROM (%s) AS e(truster, trustee, score)", edges_sql);
	r->m = read_rows(q.data, 3, cxt, &r->ra, &r->rb, &r->rs);
	if (!PG_ARGISNULL(1))
	{
		resetStringInfo(&q);
		appendStringInfo(&q, "SELECT q.member::bigint FROM (%s) AS q(member)",
						 text_to_cstring(PG_GETARG_TEXT_PP(1)));
		nmem = read_rows(q.data, 1, CurrentMemoryContext, &mem, NULL, NULL);
	}
	all = MemoryContextAllocHuge(cxt, sizeof(int64) * Max(r->m + nmem, 1));
	for (size_t k = 0; k < r->m; k++)
		all[na++] = r->ra[k];
	for (uint64 k = 0; k < nmem; k++)
		all[na++] = mem[k];
	if (na > 1)
		qsort(all, na, sizeof(int64), cmp_int64);
	r->nhosted = 0;
	for (int k = 0; k < na; k++)
		if (r->nhosted == 0 || all[k] != all[r->nhosted - 1])
			all[r->nhosted++] = all[k];
	r->hosted_ids = all;
	{
		bytea	   *id = PG_GETARG_BYTEA_PP(3);
		ArrayType  *ka = PG_GETARG_ARRAYTYPE_P(4);
		Datum	   *d;
		bool	   *nulls;

		if (zs_check_private((const uint8 *) VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id), &err) != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: the party's identity key is not valid: %s", err.msg)));
		memcpy(r->priv, VARDATA_ANY(id), ZS_PRIV_LEN);
		if (zs_public_key(r->priv, ZS_PRIV_LEN, r->pub, &err) != MPC_OK)
			mpc_raise(&err, "private eigentrust");
		if (ARR_NDIM(ka) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("known_keys must be a one-dimensional array")));
		deconstruct_array(ka, BYTEAOID, -1, false, TYPALIGN_INT, &d, &nulls, &r->nknown);
		r->known = MemoryContextAlloc(cxt, (Size) Max(r->nknown, 1) * ZS_PUB_LEN);
		for (int k = 0; k < r->nknown; k++)
		{
			bytea	   *b;

			if (nulls[k])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("known_keys must not contain NULLs")));
			b = DatumGetByteaPP(d[k]);
			if (zs_check_public((const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &err) != MPC_OK)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("private eigentrust: known party key %d: %s", k + 1, err.msg)));
			memcpy(r->known + (Size) k * ZS_PUB_LEN, VARDATA_ANY(b), ZS_PUB_LEN);
		}
	}
	if (mpc_random_bytes(r->nonce, PM_NONCE, &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	r->phase = PM_HELLO;
}

/*
 * private_eigentrust_masked_hello(edges_sql text, members_sql text, run_id text,
 *     identity bytea, known_keys bytea[],
 *     OUT public_key bytea, OUT nonce bytea, OUT hosted bigint[])
 */
MPC_FUNCTION(private_eigentrust_masked_hello)
{
	char	   *edges_sql,
			   *run;
	MemoryContext cxt;
	pm_run	   *r;
	TupleDesc	td;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	bytea	   *pub,
			   *nonce;
	Datum	   *hd;

	pet_require_args(fcinfo, 5, 1u << 1, "private_eigentrust_masked_hello");
	edges_sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	run = text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (strlen(run) < 1 || strlen(run) > PM_MAX_RUN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: run id must be 1 to %d bytes", PM_MAX_RUN)));
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	/* a new run ends any earlier one of this session */
	pm_forget();
	cxt = AllocSetContextCreate(TopMemoryContext, "mpc_eigentrust masked run",
								ALLOCSET_DEFAULT_SIZES);
	r = MemoryContextAllocZero(cxt, sizeof(pm_run));
	r->cxt = cxt;
	cur = r;
	PG_TRY();
	{
		pm_hello(fcinfo, r, edges_sql, run);
	}
	PG_CATCH();
	{
		pm_forget();
		PG_RE_THROW();
	}
	PG_END_TRY();

	pub = palloc(VARHDRSZ + ZS_PUB_LEN);
	SET_VARSIZE(pub, VARHDRSZ + ZS_PUB_LEN);
	memcpy(VARDATA(pub), r->pub, ZS_PUB_LEN);
	hd = palloc(sizeof(Datum) * Max(r->nhosted, 1));
	for (int k = 0; k < r->nhosted; k++)
		hd[k] = Int64GetDatum(r->hosted_ids[k]);
	nonce = palloc(VARHDRSZ + PM_NONCE);
	SET_VARSIZE(nonce, VARHDRSZ + PM_NONCE);
	memcpy(VARDATA(nonce), r->nonce, PM_NONCE);
	values[0] = PointerGetDatum(pub);
	values[1] = PointerGetDatum(nonce);
	values[2] = PointerGetDatum(construct_array(hd, r->nhosted, INT8OID, 8, FLOAT8PASSBYVAL,
												TYPALIGN_DOUBLE));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}

/* Check the public inputs, derive the pairwise keys and build the rows. */
static void
pm_setup(FunctionCallInfo fcinfo, pm_run *r)
{
	int32		self = PG_GETARG_INT32(2);
	ArrayType  *pka = PG_GETARG_ARRAYTYPE_P(3);
	ArrayType  *noa = PG_GETARG_ARRAYTYPE_P(4);
	int64	   *peers;
	int			n,
				np = 0;
	bool		allow_two = PG_GETARG_BOOL(11);
	int32		min_pretrust = PG_GETARG_INT32(12);
	Datum	   *d;
	bool	   *nulls;
	uint8	   *pubs;
	uint8		d0[AM_DIGEST_LEN];
	mpc_error	err;
	MemoryContext cxt = r->cxt;
	pet_edge   *e;
	uint32	   *rows_hosted;
	unsigned char *rows_dangling;
	size_t		nrows,
				m = 0;
	char		ids[2][16];

	r->alpha = PG_GETARG_FLOAT8(8);
	r->epsilon = PG_GETARG_FLOAT8(9);
	r->max_iter = PG_GETARG_INT32(10);
	if (!(r->alpha > 0 && r->alpha <= 1) || !(r->epsilon > 0) || r->max_iter < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: alpha must be in (0, 1], epsilon > 0 and max_iter >= 1")));

	/* the parties' public keys: this party's own at its place, all valid and distinct */
	if (ARR_NDIM(pka) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("public_keys must be a one-dimensional array")));
	deconstruct_array(pka, BYTEAOID, -1, false, TYPALIGN_INT, &d, &nulls, &np);
	if (np < 2 || np > PEM_MAX_PARTIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: a run needs 3 to %d parties, not %d", PEM_MAX_PARTIES, np)));
	if (np < 3 && !allow_two)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: a run needs at least 3 parties, not %d", np),
				 errdetail("With two parties each learns the other's partial sums from t."),
				 errhint("Pass allow_two_parties => true to accept that.")));
	if (self < 1 || self > np)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: party index %d is outside 1..%d", self, np)));
	pubs = MemoryContextAlloc(cxt, (Size) np * ZS_PUB_LEN);
	for (int k = 0; k < np; k++)
	{
		bytea	   *b;

		if (nulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("private eigentrust: the public key of party %d is NULL", k + 1)));
		b = DatumGetByteaPP(d[k]);
		if (zs_check_public((const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &err) != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: the public key of party %d: %s", k + 1, err.msg)));
		memcpy(pubs + (Size) k * ZS_PUB_LEN, VARDATA_ANY(b), ZS_PUB_LEN);
		for (int x = 0; x < k; x++)
			if (memcmp(pubs + (Size) x * ZS_PUB_LEN, pubs + (Size) k * ZS_PUB_LEN, ZS_PUB_LEN) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("private eigentrust: parties %d and %d have the same public key", x + 1, k + 1)));
	}
	if (memcmp(pubs + (Size) (self - 1) * ZS_PUB_LEN, r->pub, ZS_PUB_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private eigentrust: public key %d is not this party's", self),
				 errdetail("The run is aborted.")));
	for (int k = 0; k < np; k++)
	{
		bool		pinned = false;

		if (k == self - 1)
			continue;
		for (int x = 0; x < r->nknown && !pinned; x++)
			pinned = memcmp(r->known + (Size) x * ZS_PUB_LEN, pubs + (Size) k * ZS_PUB_LEN, ZS_PUB_LEN) == 0;
		if (!pinned)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: the public key offered for party %d is not among this party's known parties", k + 1),
					 errdetail("The run is aborted: keys that reach a party only through the coordinator could be the coordinator's own."),
					 errhint("The party owner adds each other party's key (its masked_public_key()) to masked_known_parties, out of band.")));
	}
	r->parties = (uint32) np;
	r->self = (uint32) (self - 1);

	/* the run's nonces: this party's own at its place; the keys bind them all */
	{
		Datum	   *nd;
		bool	   *nn;
		int			nno;
		sha256_ctx	h;
		uint8		dg[SHA256_DIGEST_LEN];
		char		hex[2 * SHA256_DIGEST_LEN + 1];

		if (ARR_NDIM(noa) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("nonces must be a one-dimensional array")));
		deconstruct_array(noa, BYTEAOID, -1, false, TYPALIGN_INT, &nd, &nn, &nno);
		if (nno != np)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("private eigentrust: %d nonces for %d parties", nno, np)));
		sha256_init(&h);
		for (int k = 0; k < np; k++)
		{
			bytea	   *b;

			if (nn[k] || VARSIZE_ANY_EXHDR(DatumGetByteaPP(nd[k])) != PM_NONCE)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("private eigentrust: the nonce of party %d must be %d bytes", k + 1, PM_NONCE)));
			b = DatumGetByteaPP(nd[k]);
			if (k == self - 1 && memcmp(VARDATA_ANY(b), r->nonce, PM_NONCE) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_PROTOCOL_VIOLATION),
						 errmsg("private eigentrust: nonce %d is not this party's", self),
						 errdetail("The run is aborted.")));
			sha256_update(&h, VARDATA_ANY(b), PM_NONCE);
		}
		sha256_final(&h, dg);
		for (int x = 0; x < SHA256_DIGEST_LEN; x++)
			snprintf(hex + 2 * x, 3, "%02x", dg[x]);
		snprintf(r->krun, sizeof(r->krun), "%s/%s", r->run, hex);
	}

	/* the peer universe: ascending, holding every id this party hosts, marked hosted */
	peers = pet_int8_array(PG_GETARG_ARRAYTYPE_P(5), &n, "peers");
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: the peer list is empty")));
	for (int j = 1; j < n; j++)
		if (peers[j] <= peers[j - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: the peer list must be strictly ascending")));
	r->n = (uint32) n;
	r->peers = MemoryContextAlloc(cxt, sizeof(int64) * n);
	memcpy(r->peers, peers, sizeof(int64) * n);
	{
		unsigned char *hm = pet_bool_array(PG_GETARG_ARRAYTYPE_P(6), n, "hosted");

		r->hmask = MemoryContextAlloc(cxt, n);
		memcpy(r->hmask, hm, n);
	}
	for (int k = 0; k < r->nhosted; k++)
	{
		int			j = find_id(peers, n, r->hosted_ids[k]);

		if (j < 0 || !r->hmask[j])
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: the coordinator's peer list leaves out or does not mark as hosted peer %lld, which this party hosts",
							(long long) r->hosted_ids[k]),
					 errdetail("The run is aborted.")));
	}

	/*
	 * pre-trust: uniform, or weights spread over enough peers.  The measure
	 * is the effective number of peers 1 / sum p_j^2 (m for m equal weights,
	 * about 1 for a vector nearly all on one peer), so a few tiny weights
	 * cannot dress up a one-hot vector.
	 */
	r->p = MemoryContextAlloc(cxt, sizeof(int64) * n);
	if (PG_ARGISNULL(7))
		pem_uniform((uint32) n, r->p);
	else
	{
		int			npre;
		int64	   *pre = pet_int8_array(PG_GETARG_ARRAYTYPE_P(7), &npre, "pretrust");
		long double total = 0,
					sq = 0,
					effective;

		if (npre != n)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("private eigentrust: pretrust has %d entries for %d peers", npre, n)));
		for (int j = 0; j < n; j++)
		{
			if (pre[j] < 0 || pre[j] > PET_ONE_T)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("private eigentrust: pretrust values must be between 0 and 10^12")));
			total += pre[j];
			sq += ((long double) pre[j] / PET_ONE_T) * ((long double) pre[j] / PET_ONE_T);
		}
		if (fabsl(total - (long double) PET_ONE_T) > n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: pretrust must sum to 10^12")));
		effective = sq > 0 ? 1.0L / sq : 0;
		if (effective < (long double) min_pretrust - 1e-6L)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: pre-trust on an effective %.1f peers, this party requires at least %d",
							(double) effective, min_pretrust),
					 errdetail("A pre-trust vector on few peers makes the first rounds' t reveal those peers' ratings."),
					 errhint("The party owner sets the minimum with private_eigentrust_party_setup(min_pretrust_peers => ...).")));
		memcpy(r->p, pre, sizeof(int64) * n);
	}

	/* the setup digest every party confirms to every other */
	if (pem_setup_digest(r->krun, strlen(r->krun), r->parties, pubs, r->n, r->peers, r->hmask,
						 PG_ARGISNULL(7) ? NULL : r->p, r->alpha, r->epsilon, r->max_iter, d0,
						 &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");

	/* pairwise keys: one DH agreement per peer party */
	r->mac = MemoryContextAllocZero(cxt, sizeof(*r->mac) * np);
	r->prg = MemoryContextAllocZero(cxt, sizeof(*r->prg) * np);
	r->enc = MemoryContextAllocZero(cxt, sizeof(*r->enc) * np);
	r->active = MemoryContextAlloc(cxt, np);
	memset(r->active, 1, np);
	r->present = MemoryContextAllocZero(cxt, np);
	r->shares = MemoryContextAllocZero(cxt, (Size) np * PEM_SHARE);
	r->released = MemoryContextAllocZero(cxt, np);
	r->rel_round = MemoryContextAllocZero(cxt, sizeof(int64) * np);
	snprintf(ids[0], sizeof(ids[0]), "%u", r->self + 1);
	for (int k = 0; k < np; k++)
	{
		zs_party	peer;
		uint8		seed[ZS_SEED_LEN];
		mpc_status	st;

		if ((uint32) k == r->self)
			continue;
		snprintf(ids[1], sizeof(ids[1]), "%d", k + 1);
		peer.id = ids[1];
		peer.id_len = strlen(ids[1]);
		peer.pub = pubs + (Size) k * ZS_PUB_LEN;
		peer.pub_len = ZS_PUB_LEN;
		st = zs_pair_seed(r->priv, ZS_PRIV_LEN, ids[0], strlen(ids[0]), &peer, AM_SEED_ROUND,
						  seed, &err);
		if (st == MPC_OK)
			st = am_derive_key(seed, r->krun, strlen(r->krun), "mac", r->mac[k], &err);
		if (st == MPC_OK)
			st = am_derive_key(seed, r->krun, strlen(r->krun), "prg", r->prg[k], &err);
		if (st == MPC_OK)
			st = am_derive_key(seed, r->krun, strlen(r->krun), "enc", r->enc[k], &err);
		mpc_wipe(seed, sizeof(seed));
		if (st != MPC_OK)
			mpc_raise(&err, "private eigentrust");
		CHECK_FOR_INTERRUPTS();
	}
	/* the identity key is not needed any more in this session */
	mpc_wipe(r->priv, sizeof(r->priv));

	/* rows: trusters are hosted, so in the universe; trustees outside it are dropped */
	e = MemoryContextAllocHuge(cxt, sizeof(pet_edge) * Max(r->m, 1));
	r->dropped = 0;
	for (size_t k = 0; k < r->m; k++)
	{
		int			i = find_id(peers, n, r->ra[k]);
		int			j = find_id(peers, n, r->rb[k]);

		if (j < 0)
		{
			r->dropped++;
			continue;
		}
		e[m].i = (uint32) i;
		e[m].j = (uint32) j;
		e[m].w = r->rs[k];
		m++;
	}
	rows_hosted = palloc(sizeof(uint32) * Max(m, 1));
	rows_dangling = palloc(Max(m, 1));
	if (pet_rows_build(e, m, &r->kept, rows_hosted, rows_dangling, &nrows, &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	r->e = e;
	/* dangling: trusters without a positive rating, members without ratings */
	r->dang = MemoryContextAlloc(cxt, sizeof(uint32) * Max(r->nhosted, 1));
	r->ndang = 0;
	{
		size_t		x = 0;

		for (int k = 0; k < r->nhosted; k++)
		{
			uint32		j = (uint32) find_id(peers, n, r->hosted_ids[k]);

			while (x < nrows && rows_hosted[x] < j)
				x++;
			if (x >= nrows || rows_hosted[x] != j || rows_dangling[x])
				r->dang[r->ndang++] = j;
		}
	}
	r->t = MemoryContextAlloc(cxt, sizeof(int64) * n);
	r->sum = MemoryContextAlloc(cxt, sizeof(uint64) * Max(n, 1));
	memcpy(r->t, r->p, sizeof(int64) * n);
	memcpy(r->dprev, d0, AM_DIGEST_LEN);
	mpc_wipe(pubs, (Size) np * ZS_PUB_LEN);
}

/*
 * private_eigentrust_masked_setup(edges_sql text, run_id text, self integer,
 *     public_keys bytea[], nonces bytea[], peers bigint[], hosted boolean[], pretrust bigint[],
 *     alpha float8, epsilon float8, max_iter integer, allow_two_parties boolean,
 *     min_pretrust_peers integer) RETURNS bytea: the party's round 1 message
 */
MPC_FUNCTION(private_eigentrust_masked_setup)
{
	pm_run	   *r;
	bytea	   *volatile out = NULL;

	pet_require_args(fcinfo, 13, 1u << 7, "private_eigentrust_masked_setup");
	r = pm_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
			   PM_HELLO, "private_eigentrust_masked_setup");
	PG_TRY();
	{
		pm_setup(fcinfo, r);
		out = pm_message(r, 1, r->t, r->dprev);
		r->round = 1;
		r->phase = PM_RUNNING;
	}
	PG_CATCH();
	{
		pm_forget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	PG_RETURN_BYTEA_P(out);
}

/*
 * The coordinator must hand a party back its own message unchanged: the
 * party checks no tag on it, so it compares it with what it sent.
 */
static void
pm_check_own(const pm_run *r, const uint8 *const *msgs, const size_t *lens, const uint8 *mine,
			 const char *fn)
{
	uint8		d[AM_DIGEST_LEN];

	am_digest(msgs[r->self], lens[r->self], d);
	if (memcmp(d, mine, AM_DIGEST_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the message in this party's own place (%u) is not the one it sent", fn, r->self + 1),
				 errdetail("The run is aborted: a message was altered, replayed, left out or shown differently to different parties.")));
}

/*
 * Check an inbox of vectors of r->round (NULL for a party that dropped out
 * or left), keep their sum, and answer with the unmask reply: the share of
 * each present party's self-mask seed, the round key with each missing one.
 * The either-or rule: for no party does this party release both in a round,
 * and nothing at all after its round keys with a party were released.
 */
static bytea *
pm_unmask(pm_run *r, int32 round, ArrayType *inbox, const char *fn)
{
	const uint8 **msgs;
	size_t	   *lens;
	pem_ctx		c = pm_ctx(r);
	mpc_error	err;
	size_t		len = pem_msg_len(PEM_KIND_UNMASK, 0, r->parties);
	bytea	   *out;

	if (round != r->round)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: round %d asked for while this party is at round %lld", fn, round, (long long) r->round),
				 errdetail("The run is aborted: rounds are never repeated or skipped.")));
	bytea_arg_n(inbox, (int) r->parties, &msgs, &lens, fn, true);
	if (pem_inbox(&c, PEM_KIND_ROUND, r->round, r->n, msgs, lens, r->dprev, r->sum, r->present,
				  r->shares, r->dround, &err) != MPC_OK)
		pm_raise(&err, fn);
	pm_check_own(r, msgs, lens, r->myvec, fn);
	for (uint32 k = 0; k < r->parties; k++)
	{
		int			want;

		if (k == r->self || !r->active[k])
			continue;
		want = r->present[k] ? PEM_WHAT_SELF : PEM_WHAT_PAIR;
		if (r->released[k] == PEM_WHAT_PAIR ||
			(r->released[k] == PEM_WHAT_SELF && want == PEM_WHAT_PAIR && r->rel_round[k] == round))
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("%s: this party released %s for party %u in round %lld and does not release %s too",
							fn,
							r->released[k] == PEM_WHAT_SELF ? "its share of the self mask" : "its round key",
							k + 1, (long long) r->rel_round[k],
							want == PEM_WHAT_SELF ? "its share of that party's self mask" : "its round key with it"),
					 errdetail("The run is aborted: with both, the coordinator could unmask that party's vector.")));
	}
	for (uint32 k = 0; k < r->parties; k++)
		if (k != r->self && r->active[k])
		{
			r->released[k] = r->present[k] ? PEM_WHAT_SELF : PEM_WHAT_PAIR;
			r->rel_round[k] = round;
		}
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	if (pem_reply_build(&c, round, r->present, r->shares, r->dround, (uint8 *) VARDATA(out), &err) != MPC_OK)
		pm_raise(&err, fn);
	mpc_wipe(r->shares, (Size) r->parties * PEM_SHARE);
	am_digest(VARDATA(out), len, r->mine);
	r->phase = PM_UNMASKED;
	return out;
}

/*
 * Verify the unmask replies of r->round, recover the sum and derive t for
 * the next round: the common part of step and final.  Returns t_next
 * (palloc'd); the active set becomes the parties that answered.
 */
static int64 *
pm_advance(pm_run *r, int32 round, ArrayType *inbox, uint8 dreplies[AM_DIGEST_LEN],
		   double *residual, const char *fn)
{
	const uint8 **msgs;
	size_t	   *lens;
	int64	   *sums,
			   *tn;
	pem_ctx		c = pm_ctx(r);
	mpc_error	err;
	unsigned char *answered = palloc(r->parties);
	int			departed = 0;

	if (round != r->round + 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: round %d asked for after round %lld", fn, round, (long long) r->round),
				 errdetail("The run is aborted: rounds are never repeated or skipped.")));
	bytea_arg_n(inbox, (int) r->parties, &msgs, &lens, fn, true);
	if (msgs[r->self] == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: the unmask reply in this party's own place (%u) is missing", fn, r->self + 1),
				 errdetail("The run is aborted.")));
	pm_check_own(r, msgs, lens, r->mine, fn);
	sums = palloc(sizeof(int64) * r->n);
	tn = palloc(sizeof(int64) * r->n);
	if (pem_recover(&c, r->round, r->n, r->present, msgs, lens, r->dround, r->sum, answered,
					dreplies, &err) != MPC_OK)
		pm_raise(&err, fn);
	for (uint32 k = 0; k < r->parties; k++)
		if (!r->active[k] || !r->present[k])
			departed = 1;
	if (pem_unmask(r->n, r->sum, sums, &err) != MPC_OK ||
		pem_next(r->n, sums, r->t, r->p, r->hmask, r->alpha, departed, tn, residual, &err) != MPC_OK ||
		pem_check_t(r->n, tn, r->p, r->alpha, &err) != MPC_OK)
		pm_raise(&err, fn);
	memcpy(r->active, answered, r->parties);
	pfree(sums);
	return tn;
}

/*
 * private_eigentrust_masked_unmask(edges_sql text, run_id text, round integer,
 *     inbox bytea[]) RETURNS bytea: check round's vectors, return the unmask reply
 */
MPC_FUNCTION(private_eigentrust_masked_unmask)
{
	pm_run	   *r;
	bytea	   *volatile out = NULL;

	pet_require_args(fcinfo, 4, 0, "private_eigentrust_masked_unmask");
	r = pm_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
			   PM_RUNNING, "private_eigentrust_masked_unmask");
	PG_TRY();
	{
		out = pm_unmask(r, PG_GETARG_INT32(2), PG_GETARG_ARRAYTYPE_P(3),
						"private_eigentrust_masked_unmask");
	}
	PG_CATCH();
	{
		pm_forget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	PG_RETURN_BYTEA_P(out);
}

/*
 * private_eigentrust_masked_step(edges_sql text, run_id text, round integer,
 *     inbox bytea[]) RETURNS bytea: verify round - 1's messages, compute t
 *     for this round and return this round's message
 */
MPC_FUNCTION(private_eigentrust_masked_step)
{
	pm_run	   *r;
	int32		round;
	bytea	   *volatile out = NULL;

	pet_require_args(fcinfo, 4, 0, "private_eigentrust_masked_step");
	r = pm_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
			   PM_UNMASKED, "private_eigentrust_masked_step");
	round = PG_GETARG_INT32(2);
	PG_TRY();
	{
		uint8		dround[AM_DIGEST_LEN];
		double		res;
		int64	   *tn;

		if (round > r->max_iter)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private_eigentrust_masked_step: round %d is beyond max_iter %d", round, r->max_iter)));
		tn = pm_advance(r, round, PG_GETARG_ARRAYTYPE_P(3), dround, &res,
						"private_eigentrust_masked_step");
		out = pm_message(r, round, tn, dround);
		memcpy(r->t, tn, sizeof(int64) * r->n);
		memcpy(r->dprev, dround, AM_DIGEST_LEN);
		r->round = round;
		r->residual = res;
		r->phase = PM_RUNNING;
	}
	PG_CATCH();
	{
		pm_forget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	PG_RETURN_BYTEA_P(out);
}

/*
 * private_eigentrust_masked_final(edges_sql text, run_id text, round integer,
 *     inbox bytea[]) RETURNS bytea: verify the last round's messages, check
 *     convergence, return the final confirmation
 */
MPC_FUNCTION(private_eigentrust_masked_final)
{
	pm_run	   *r;
	int32		round;
	bytea	   *volatile out = NULL;

	pet_require_args(fcinfo, 4, 0, "private_eigentrust_masked_final");
	r = pm_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
			   PM_UNMASKED, "private_eigentrust_masked_final");
	round = PG_GETARG_INT32(2);
	PG_TRY();
	{
		uint8		dround[AM_DIGEST_LEN];
		double		res;
		int64	   *tn;
		pem_ctx		c = pm_ctx(r);
		size_t		len = pem_msg_len(PEM_KIND_FINAL, 0, r->parties);
		mpc_error	err;

		tn = pm_advance(r, round, PG_GETARG_ARRAYTYPE_P(3), dround, &res,
						"private_eigentrust_masked_final");
		if (!(res < r->epsilon) && r->round < r->max_iter)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private_eigentrust_masked_final: the run has not converged after round %lld (residual %g)",
							(long long) r->round, res),
					 errdetail("The run is aborted: the coordinator ended it early.")));
		out = palloc(VARHDRSZ + len);
		SET_VARSIZE(out, VARHDRSZ + len);
		c.active = r->active;
		if (pem_msg_build(&c, PEM_KIND_FINAL, round, NULL, 0, NULL, dround, (uint8 *) VARDATA(out), &err) != MPC_OK)
			pm_raise(&err, "private_eigentrust_masked_final");
		am_digest(VARDATA(out), len, r->mine);
		memcpy(r->t, tn, sizeof(int64) * r->n);
		memcpy(r->dprev, dround, AM_DIGEST_LEN);
		r->round = round;
		r->residual = res;
		r->phase = PM_FINAL;
	}
	PG_CATCH();
	{
		pm_forget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	PG_RETURN_BYTEA_P(out);
}

/*
 * private_eigentrust_masked_result(edges_sql text, run_id text, inbox bytea[],
 *     OUT peer bigint, OUT trust float8, OUT dropped_ratings bigint) RETURNS SETOF:
 *     verify every party's final confirmation, return the result and end the run
 */
MPC_FUNCTION(private_eigentrust_masked_result)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	pm_run	   *r;
	TupleDesc	td;
	Tuplestorestate *volatile ts = NULL;
	MemoryContext old;

	pet_require_args(fcinfo, 3, 0, "private_eigentrust_masked_result");
	r = pm_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
			   PM_FINAL, "private_eigentrust_masked_result");
	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) || !(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("private_eigentrust_masked_result must be called in FROM")));
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	PG_TRY();
	{
		const uint8 **msgs;
		size_t	   *lens;
		pem_ctx		c = pm_ctx(r);
		mpc_error	err;
		long double total = 0;

		bytea_arg_n(PG_GETARG_ARRAYTYPE_P(2), (int) r->parties, &msgs, &lens,
					"private_eigentrust_masked_result", true);
		if (pem_inbox(&c, PEM_KIND_FINAL, r->round, 0, msgs, lens, r->dprev, NULL, NULL, NULL, NULL,
					  &err) != MPC_OK)
			pm_raise(&err, "private_eigentrust_masked_result");
		pm_check_own(r, msgs, lens, r->mine, "private_eigentrust_masked_result");
		for (uint32 j = 0; j < r->n; j++)
			total += r->t[j];
		old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
		td = CreateTupleDescCopy(td);
		ts = tuplestore_begin_heap(true, false, work_mem);
		MemoryContextSwitchTo(old);
		for (uint32 j = 0; j < r->n; j++)
		{
			Datum		v[3];
			bool		nl[3] = {false, false, false};

			v[0] = Int64GetDatum(r->peers[j]);
			v[1] = Float8GetDatum((double) ((long double) r->t[j] / total));
			v[2] = Int64GetDatum(r->dropped);
			tuplestore_putvalues(ts, td, v, nl);
		}
	}
	PG_CATCH();
	{
		pm_forget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	pm_forget();
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = ts;
	rsinfo->setDesc = td;
	return (Datum) 0;
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
	bytea_arg_n(ma, nmsg, &msgs, &lens, "private_eigentrust_masked_sum", true);
	bytea_arg_n(PG_GETARG_ARRAYTYPE_P(1), nmsg, &reps, &rlens, "private_eigentrust_masked_sum replies", true);
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
