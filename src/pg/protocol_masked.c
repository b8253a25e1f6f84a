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
#include "mpc_pg.h"
#include "protocol.h"
#include "protocol_masked.h"
#include "protocol_pg.h"
#include "sha256.h"
#include "zerosum.h"

static pm_run *cur = NULL;

/* Forget the run, wiping every secret first. */
void
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
pm_run *
pm_get(const char *edges_sql, const char *run, int phase, const char *fn)
{
	if (cur == NULL || strcmp(cur->run, run) != 0)
		mpc_run_not_active(fn, run);
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
void
pm_bytea_args(ArrayType *a, int want, const uint8 ***ptrs, size_t **lens, const char *what,
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

int
pm_find_id(const int64 *ids, int n, int64 id)
{
	const int64 *hit = bsearch(&id, ids, n, sizeof(int64), cmp_int64);

	return hit ? (int) (hit - ids) : -1;
}

/* A protocol failure: the run is over (the caller's PG_CATCH wipes it). */
void
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

pem_ctx
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
bytea *
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
	if (st != MPC_OK ||
		pem_vec_digest((uint8 *) VARDATA(out), len, r->n, r->parties, r->myvec, &err) != MPC_OK)
		pm_raise(&err, "private eigentrust");
	/* kept for the sum check value of the round */
	memcpy(r->myy, y, sizeof(uint64) * r->n);
	pfree(y);
	pem_digest(VARDATA(out), len, r->mine);
	return out;
}

/* Read the ratings and members, pick the DH key: the body of hello. */
static void
pm_hello(FunctionCallInfo fcinfo, pm_run *r, const char *edges_sql, const char *run)
{
	pet_ratings rt;
	mpc_error	err;

	strlcpy(r->run, run, sizeof(r->run));
	r->edges_sql = MemoryContextStrdup(r->cxt, edges_sql);
	r->owner = GetUserId();
	pet_read_ratings(edges_sql, PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1)),
					 r->cxt, &rt);
	r->ra = rt.ra;
	r->rb = rt.rb;
	r->rs = rt.rs;
	r->m = rt.m;
	r->hosted_ids = rt.hosted;
	r->nhosted = rt.nhosted;
	{
		pet_known	known;

		pet_identity(PG_GETARG_BYTEA_PP(3), r->priv, r->pub);
		pet_known_keys(PG_GETARG_ARRAYTYPE_P(4), r->cxt, &known);
		r->known = known.keys;
		r->nknown = known.n;
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
