/*
 * protocol_masked_setup.c: masked private EigenTrust, step 2 at a party: check the
 * public inputs, agree the pairwise keys, send the round 1 vector
 * (docs/design.md, "Masked mode")
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
		int			j = pm_find_id(peers, n, r->hosted_ids[k]);

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
		int			i = pm_find_id(peers, n, r->ra[k]);
		int			j = pm_find_id(peers, n, r->rb[k]);

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
			uint32		j = (uint32) pm_find_id(peers, n, r->hosted_ids[k]);

			while (x < nrows && rows_hosted[x] < j)
				x++;
			if (x >= nrows || rows_hosted[x] != j || rows_dangling[x])
				r->dang[r->ndang++] = j;
		}
	}
	r->t = MemoryContextAlloc(cxt, sizeof(int64) * n);
	r->sum = MemoryContextAlloc(cxt, sizeof(uint64) * Max(n, 1));
	r->myy = MemoryContextAlloc(cxt, sizeof(uint64) * Max(n, 1));
	r->dvecs = MemoryContextAllocZero(cxt, (Size) r->parties * AM_DIGEST_LEN);
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
static Datum
pm_setup_guarded(FunctionCallInfo fcinfo, void *state)
{
	pm_run	   *r = state;
	bytea	   *out;

	pm_setup(fcinfo, r);
	out = pm_message(r, 1, r->t, r->dprev);
	r->round = 1;
	r->phase = PM_RUNNING;
	PG_RETURN_BYTEA_P(out);
}

MPC_FUNCTION(private_eigentrust_masked_setup)
{
	pm_run	   *r;

	pet_require_args(fcinfo, 13, 1u << 7, "private_eigentrust_masked_setup");
	r = pm_get(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
			   PM_HELLO, "private_eigentrust_masked_setup");
	return pet_guarded(pm_setup_guarded, fcinfo, r, pm_forget);
}

