/*
 * protocol_common.c: see protocol_pg.h.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "masked.h"
#include "mpc_pg.h"
#include "paper.h"
#include "protocol_pg.h"

void
pet_require_args(FunctionCallInfo fcinfo, int nargs, uint32 nullable, const char *fn)
{
	for (int a = 0; a < nargs; a++)
		if (PG_ARGISNULL(a) && !(nullable & (1u << a)))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: argument %d must not be NULL", fn, a + 1)));
}

static void
one_dim(ArrayType *a, const char *what)
{
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
}

static void
no_null(bool isnull, const char *what)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain NULLs", what)));
}

int64 *
pet_int8_array(ArrayType *a, int *n, const char *what)
{
	Datum	   *d;
	bool	   *nulls;
	int64	   *out;

	one_dim(a, what);
	deconstruct_array(a, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &d, &nulls, n);
	out = palloc(sizeof(int64) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		no_null(nulls[i], what);
		out[i] = DatumGetInt64(d[i]);
	}
	return out;
}

unsigned char *
pet_bool_array(ArrayType *a, int n, const char *what)
{
	Datum	   *d;
	bool	   *nulls;
	int			nh;
	unsigned char *out;

	one_dim(a, what);
	deconstruct_array(a, BOOLOID, 1, true, TYPALIGN_CHAR, &d, &nulls, &nh);
	if (nh != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("private eigentrust: %s has %d entries for %d peers", what, nh, n)));
	out = palloc(Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		no_null(nulls[i], what);
		out[i] = DatumGetBool(d[i]) ? 1 : 0;
	}
	return out;
}

ArrayType *
pet_int8_array_build(const int64 *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = Int64GetDatum(v[i]);
	return construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

int
pet_bytea_array(ArrayType *a, const uint8 ***ptrs, size_t **lens, const char *what)
{
	Datum	   *d;
	bool	   *nulls;
	int			n;

	one_dim(a, what);
	deconstruct_array(a, BYTEAOID, -1, false, TYPALIGN_INT, &d, &nulls, &n);
	*ptrs = palloc0(sizeof(uint8 *) * Max(n, 1));
	*lens = palloc0(sizeof(size_t) * Max(n, 1));
	for (int i = 0; i < n; i++)
		if (!nulls[i])
		{
			bytea	   *b = DatumGetByteaPP(d[i]);

			(*ptrs)[i] = (const uint8 *) VARDATA_ANY(b);
			(*lens)[i] = VARSIZE_ANY_EXHDR(b);
		}
	return n;
}

bytea *
pet_bytea(const void *data, size_t len)
{
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), data, len);
	return b;
}

int64 *
pet_pretrust(ArrayType *pa, int n)
{
	int64	   *p;

	if (pa == NULL)
	{
		p = palloc(sizeof(int64) * Max(n, 1));
		pem_uniform((uint32_t) n, p);
		return p;
	}
	{
		int			np;
		int64		sum = 0;

		p = pet_int8_array(pa, &np, "pretrust");
		if (np != n)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("private eigentrust: pretrust has %d entries for %d peers", np, n)));
		for (int j = 0; j < n; j++)
		{
			if (p[j] < 0 || p[j] > PET_ONE_T)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("private eigentrust: pretrust values must be between 0 and 10^12")));
			sum += p[j];
		}
		if (sum == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: the pre-trust weights are all zero")));
	}
	return p;
}

void
pet_check_peers(const int64 *peers, int n)
{
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: the peer list is empty")));
	for (int i = 1; i < n; i++)
		if (peers[i] <= peers[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: the peer list must be strictly ascending")));
}

int
pet_peer_index(const int64 *peers, int n, int64 id)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (peers[mid] == id)
			return mid;
		if (peers[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

char *
pet_run_arg(text *t)
{
	char	   *run = text_to_cstring(t);

	if (strlen(run) < 1 || strlen(run) > PET_MAX_RUN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: run id must be 1 to %d bytes", PET_MAX_RUN)));
	return run;
}

void
pet_random(void *buf, size_t len)
{
	if (!pg_strong_random(buf, len))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("private eigentrust: could not generate random bytes")));
}

void *
pet_session_new(Size size, const char *run)
{
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext, "mpc_eigentrust paper run",
											  ALLOCSET_DEFAULT_SIZES);
	pet_session *s = MemoryContextAllocZero(cxt, size);

	s->cxt = cxt;
	strlcpy(s->run, run, sizeof(s->run));
	s->owner = GetUserId();
	return s;
}

void
pet_session_check(const pet_session *s, const char *run, int phase, const char *fn)
{
	if (s == NULL || strcmp(s->run, run) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s: run \"%s\" is not active in this session", fn, run),
				 errdetail("A run lives in the session that started it and ends with its first error."),
				 errhint("Start a new run.")));
	if (s->owner != GetUserId())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s: run \"%s\" belongs to another role", fn, run)));
	if (phase != 0 && s->phase != phase)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s: run \"%s\" is not at this step", fn, run)));
}

Datum
pet_guarded(pet_body_fn body, FunctionCallInfo fcinfo, void *state, void (*forget) (void))
{
	Datum		d = (Datum) 0;

	PG_TRY();
	{
		d = body(fcinfo, state);
	}
	PG_CATCH();
	{
		forget();
		PG_RE_THROW();
	}
	PG_END_TRY();
	return d;
}

void
pet_protocol_raise(const mpc_error *err, const char *fn)
{
	if (err->code == MPC_ERR_CIPHERTEXT || err->code == MPC_ERR_BINARY ||
		err->code == MPC_ERR_KEY_MISMATCH || err->code == MPC_ERR_ARG)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("%s: %s", fn, err->msg),
				 errdetail("The run is aborted: a message was forged, altered, replayed, left out or shown differently to different participants.")));
	mpc_raise(err, fn);
}

void
pet_identity(bytea *priv, uint8 priv_out[ZS_PRIV_LEN], uint8 pub_out[ZS_PUB_LEN])
{
	mpc_error	err;

	if (zs_check_private((const uint8 *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv), &err) != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: the identity key is invalid: %s", err.msg)));
	memcpy(priv_out, VARDATA_ANY(priv), ZS_PRIV_LEN);
	if (zs_public_key(priv_out, ZS_PRIV_LEN, pub_out, &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
}

void
pet_known_keys(ArrayType *a, MemoryContext cxt, pet_known *k)
{
	const uint8 **ptrs;
	size_t	   *lens;
	mpc_error	err;

	k->n = pet_bytea_array(a, &ptrs, &lens, "known_keys");
	k->keys = MemoryContextAlloc(cxt, (Size) Max(k->n, 1) * ZS_PUB_LEN);
	for (int i = 0; i < k->n; i++)
	{
		if (ptrs[i] == NULL || zs_check_public(ptrs[i], lens[i], &err) != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: pinned key %d is not a valid public key", i + 1)));
		memcpy(k->keys + (Size) i * ZS_PUB_LEN, ptrs[i], ZS_PUB_LEN);
	}
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* Run a query of 1 or 3 columns (bigint[, bigint, float8]) into cxt. */
static size_t
query_rows(const char *sql, int ncols, MemoryContext cxt, int64 **a, int64 **b, double **s)
{
	uint64		m;
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MPC_USER_CODE(rc = SPI_execute(sql, true, 0));
	if (rc != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: the ratings and members queries must be SELECTs")));
	m = SPI_processed;
	if (m > (uint64) (MaxAllocHugeSize / sizeof(pet_edge)) || m > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("private eigentrust: too many rows")));
	*a = MemoryContextAllocHuge(cxt, sizeof(int64) * Max(m, 1));
	if (ncols == 3)
	{
		*b = MemoryContextAllocHuge(cxt, sizeof(int64) * Max(m, 1));
		*s = MemoryContextAllocHuge(cxt, sizeof(double) * Max(m, 1));
	}
	for (uint64 k = 0; k < m; k++)
	{
		HeapTuple	tup = SPI_tuptable->vals[k];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		isnull[3] = {false, false, false};

		(*a)[k] = DatumGetInt64(SPI_getbinval(tup, td, 1, &isnull[0]));
		if (ncols == 3)
		{
			(*b)[k] = DatumGetInt64(SPI_getbinval(tup, td, 2, &isnull[1]));
			(*s)[k] = DatumGetFloat8(SPI_getbinval(tup, td, 3, &isnull[2]));
			if (!isnull[2] && !isfinite((*s)[k]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("private eigentrust: a rating is not a finite number")));
		}
		if (isnull[0] || isnull[1] || isnull[2])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("private eigentrust: a rating or member row has a NULL")));
		if ((k & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	SPI_finish();
	return (size_t) m;
}

void
pet_read_ratings(const char *edges_sql, const char *members_sql, MemoryContext cxt,
				 pet_ratings *rt)
{
	StringInfoData q;
	int64	   *mem = NULL;
	size_t		nmem = 0,
				na = 0;
	int64	   *all;

	initStringInfo(&q);
	appendStringInfo(&q, "SELECT e.truster::bigint, e.trustee::bigint, e.score::double precision "
					 "FROM (%s) AS e(truster, trustee, score)", edges_sql);
	rt->m = query_rows(q.data, 3, cxt, &rt->ra, &rt->rb, &rt->rs);
	if (members_sql != NULL)
	{
		resetStringInfo(&q);
		appendStringInfo(&q, "SELECT q.member::bigint FROM (%s) AS q(member)", members_sql);
		nmem = query_rows(q.data, 1, CurrentMemoryContext, &mem, NULL, NULL);
	}
	all = MemoryContextAllocHuge(cxt, sizeof(int64) * Max(rt->m + nmem, 1));
	memcpy(all, rt->ra, sizeof(int64) * rt->m);
	if (nmem > 0)
		memcpy(all + rt->m, mem, sizeof(int64) * nmem);
	na = rt->m + nmem;
	if (na > 1)
		qsort(all, na, sizeof(int64), cmp_int64);
	rt->nhosted = 0;
	for (size_t k = 0; k < na; k++)
		if (rt->nhosted == 0 || all[k] != all[rt->nhosted - 1])
			all[rt->nhosted++] = all[k];
	rt->hosted = all;
}

void
pet_rows_over(const pet_ratings *rt, const int64 *peers, uint32 n, MemoryContext cxt,
			  pet_rows *rows)
{
	size_t		m = 0;
	mpc_error	err;

	rows->e = MemoryContextAllocHuge(cxt, sizeof(pet_edge) * Max(rt->m, 1));
	rows->hosted = MemoryContextAllocHuge(cxt, sizeof(uint32) * Max(rt->m, 1));
	rows->dangling = MemoryContextAllocHuge(cxt, Max(rt->m, 1));
	rows->dropped = 0;
	for (size_t k = 0; k < rt->m; k++)
	{
		int			i = pet_peer_index(peers, (int) n, rt->ra[k]);
		int			j = pet_peer_index(peers, (int) n, rt->rb[k]);

		if (i < 0 || j < 0)
		{
			/* a trustee outside the public universe: dropped (the owner sees the count) */
			rows->dropped++;
			continue;
		}
		rows->e[m].i = (uint32) i;
		rows->e[m].j = (uint32) j;
		rows->e[m].w = rt->rs[k];
		m++;
	}
	if (pet_rows_build(rows->e, m, &rows->kept, rows->hosted, rows->dangling, &rows->nrows,
					   &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
}

/* bytea[] of count fixed-width entries into one palloc'd buffer */
static uint8 *
fixed_entries(ArrayType *a, uint32 count, size_t width, const char *what)
{
	const uint8 **ptrs;
	size_t	   *lens;
	uint8	   *out;
	int			n = pet_bytea_array(a, &ptrs, &lens, what);

	if ((uint32) n != count)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("private eigentrust: %s holds %d entries for %u participants", what, n, count)));
	out = palloc(width * count);
	for (uint32 i = 0; i < count; i++)
	{
		if (ptrs[i] == NULL || lens[i] != width)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: entry %u of %s must be %zu bytes", i + 1, what, width)));
		memcpy(out + width * i, ptrs[i], width);
	}
	return out;
}

void
pet_public_args(FunctionCallInfo fcinfo, int first, const char *run, pet_public *pub,
				const char *fn)
{
	int32		np = PG_GETARG_INT32(first + 2);
	int32		need = PG_GETARG_INT32(first + 3);
	ArrayType  *ka = PG_GETARG_ARRAYTYPE_P(first);
	int			nk,
				n;
	mpc_error	err;

	pub->run = run;
	pub->allow_two = PG_GETARG_BOOL(first + 8);
	pub->alpha = PG_GETARG_FLOAT8(first + 7);
	if (np < 2 || (np < 3 && !pub->allow_two))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %d parties, at least 3 are needed", fn, np),
				 errdetail("With two parties, each learns the other's partial sums from t."),
				 errhint("Pass allow_two_parties => true to accept that with two.")));
	nk = ArrayGetNItems(ARR_NDIM(ka), ARR_DIMS(ka));
	if (nk <= np || nk > PP_MAX_PARTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %d public keys for %d parties: the key holder or the decryptors are missing", fn, nk, np)));
	pub->np = (uint32) np;
	pub->nd = (uint32) (nk - np);
	if (need < 1 || (uint32) need > pub->nd)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: need must be between 1 and the number of decryptors %u", fn, pub->nd)));
	pub->need = (uint32) need;
	if (!(pub->alpha > 0 && pub->alpha <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: alpha must be in (0, 1]", fn)));
	pub->pubs = fixed_entries(ka, (uint32) nk, ZS_PUB_LEN, "public_keys");
	pub->nonces = fixed_entries(PG_GETARG_ARRAYTYPE_P(first + 1), (uint32) nk, PP_NONCE_LEN, "nonces");
	for (int i = 0; i < nk; i++)
	{
		if (zs_check_public(pub->pubs + (Size) i * ZS_PUB_LEN, ZS_PUB_LEN, &err) != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: public key %d: %s", fn, i + 1, err.msg)));
		for (int x = 0; x < i; x++)
			if (memcmp(pub->pubs + (Size) x * ZS_PUB_LEN, pub->pubs + (Size) i * ZS_PUB_LEN, ZS_PUB_LEN) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: participants %d and %d have the same public key", fn, x + 1, i + 1)));
	}
	pub->peers = pet_int8_array(PG_GETARG_ARRAYTYPE_P(first + 4), &n, "peers");
	pet_check_peers(pub->peers, n);
	pub->n = (uint32) n;
	pub->hmask = pet_bool_array(PG_GETARG_ARRAYTYPE_P(first + 5), n, "hosted");
	pub->p = pet_pretrust(PG_ARGISNULL(first + 6) ? NULL : PG_GETARG_ARRAYTYPE_P(first + 6), n);
}

void
pet_check_self(const pet_public *pub, uint32 self, const uint8 *mypub, const uint8 *mynonce)
{
	if (memcmp(pub->pubs + (Size) (self - 1) * ZS_PUB_LEN, mypub, ZS_PUB_LEN) != 0 ||
		memcmp(pub->nonces + (Size) (self - 1) * PP_NONCE_LEN, mynonce, PP_NONCE_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("private eigentrust: public key or nonce %u is not this participant's", self),
				 errdetail("The run is aborted.")));
}

void
pet_check_pinned(const pet_public *pub, uint32 first, uint32 last, const pet_known *known)
{
	for (uint32 k = first; k <= last; k++)
	{
		bool		pinned = false;

		for (int x = 0; x < known->n && !pinned; x++)
			pinned = memcmp(known->keys + (Size) x * ZS_PUB_LEN,
							pub->pubs + (Size) (k - 1) * ZS_PUB_LEN, ZS_PUB_LEN) == 0;
		if (!pinned)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("private eigentrust: the public key offered for %s %u is not pinned here",
							k <= pub->np ? "party" : "key holder or decryptor",
							k <= pub->np ? k : k - pub->np),
					 errdetail("The run is aborted: keys that reach a participant only through the coordinator could be the coordinator's own."),
					 errhint("The owner pins each other participant's public key, obtained out of band, in its known-keys table.")));
	}
}

void
pet_setup_digest(const pet_public *pub, char *krun, uint8 *setup)
{
	pp_setup	s;
	mpc_error	err;

	if (pp_krun(pub->run, pub->nonces, (int) (pub->np + pub->nd), krun, &err) != MPC_OK)
		mpc_raise(&err, "private eigentrust");
	s.krun = krun;
	s.np = pub->np;
	s.nd = pub->nd;
	s.need = pub->need;
	s.pubs = pub->pubs;
	s.n = pub->n;
	s.peers = pub->peers;
	s.hmask = pub->hmask;
	s.p = pub->p;
	s.alpha = pub->alpha;
	s.allow_two = pub->allow_two;
	pp_setup_digest(&s, setup);
}
