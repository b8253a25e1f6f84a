/*
 * paillier_fast.c: the fast paths of Paillier in SQL.
 *
 * - DJN encryption (djn.h) for public-key encryption and re-randomisation,
 *   with one window table per key cached per backend under a memory budget
 *   (GUC mpc_eigentrust.djn_table_cache_mb), least recently used evicted;
 * - the setting mpc_eigentrust.encryption_method = djn | textbook (guc.c);
 * - paillier_mul_many: one ciphertext raised to many scalars through one
 *   fixed-base table;
 * - paillier_djn_cache(): what the cache holds, for tests and tuning.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "djn.h"
#include "encoding.h"
#include "fixedbase.h"
#include "paillier_glue.h"

/* ---------------------------------------------------------------------
 * The DJN cache
 * --------------------------------------------------------------------- */
#define DJN_CACHE_ENTRIES 32

typedef struct DjnEntry
{
	bool		used;
	uint64		last_use;
	unsigned	window;			/* 0: no table */
	unsigned	wanted;			/* the window asked for (differs after OOM) */
	bool		deferred;		/* table not built yet: the key was used once */
	Size		table_bytes;
	pai_pub		key;			/* own copy: n, n^2, fingerprint */
	void	   *table;
	pai_djn		djn;
} DjnEntry;

static MemoryContext djn_cxt = NULL;
static DjnEntry djn_cache[DJN_CACHE_ENTRIES];
static uint64 djn_clock = 0;

static void
djn_evict(DjnEntry *e)
{
	if (!e->used)
		return;
	pai_djn_clear(&e->djn);
	pai_pub_clear(&e->key);
	if (e->table)
		pfree(e->table);
	memset(e, 0, sizeof(*e));
}

static Size
djn_cached_bytes(void)
{
	Size		total = 0;
	int			i;

	for (i = 0; i < DJN_CACHE_ENTRIES; i++)
		if (djn_cache[i].used)
			total += djn_cache[i].table_bytes;
	return total;
}

/* The least recently used entry other than 'keep', or NULL. */
static DjnEntry *
djn_lru(const DjnEntry *keep)
{
	DjnEntry   *victim = NULL;
	int			i;

	for (i = 0; i < DJN_CACHE_ENTRIES; i++)
		if (djn_cache[i].used && &djn_cache[i] != keep &&
			(victim == NULL || djn_cache[i].last_use < victim->last_use))
			victim = &djn_cache[i];
	return victim;
}

/* Evict least recently used entries (never 'keep') until 'extra' more bytes
 * fit the budget; the budget may have shrunk since they were built. */
static void
djn_trim(Size budget, Size extra, const DjnEntry *keep)
{
	DjnEntry   *e;

	while (djn_cached_bytes() + extra > budget && (e = djn_lru(keep)) != NULL)
		djn_evict(e);
}

/* build the deferred table of entry e (bytes for its window); without the
 * memory it stays without a table */
static void
djn_grow(DjnEntry *e, Size budget, Size bytes)
{
	mpc_error	err;
	mpc_status	st;
	void	   *table;
	MemoryContext old;

	e->deferred = false;
	djn_trim(budget, bytes, e);
	table = MemoryContextAllocExtended(djn_cxt, bytes, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
	if (table == NULL)
		return;					/* out of memory: still DJN, without a table */
	old = MemoryContextSwitchTo(djn_cxt);	/* as the state's own allocations */
	st = pai_djn_add_table(&e->djn, &e->key, e->wanted, table, bytes, &err);
	MemoryContextSwitchTo(old);
	if (st != MPC_OK)
	{
		pfree(table);
		mpc_raise(&err, "paillier_encrypt");
	}
	e->table = table;
	e->window = e->wanted;
	e->table_bytes = bytes;
}

const pai_djn *
mpc_djn_get(const pai_pub *pk)
{
	Size		budget = (Size) mpc_guc_djn_table_cache_mb * 1024 * 1024;
	unsigned	window = (unsigned) mpc_guc_djn_window;
	Size		bytes;
	DjnEntry   *e = NULL;
	MemoryContext old;
	mpc_error	err;
	mpc_status	st;
	int			i;

	bytes = pai_djn_table_bytes(pk, window);
	if (bytes == 0 || bytes > budget || bytes > MaxAllocHugeSize / 2)
	{
		window = 0;				/* no table fits: DJN by one powm_sec */
		bytes = 0;
	}
	for (i = 0; i < DJN_CACHE_ENTRIES; i++)
	{
		DjnEntry   *c = &djn_cache[i];

		if (c->used && pai_same_key(&c->key, pk))
		{
			if (c->wanted == window)
			{
				c->last_use = ++djn_clock;
				if (c->deferred)
					djn_grow(c, budget, bytes);
				djn_trim(budget, 0, c);
				return &c->djn;
			}
			djn_evict(c);		/* the settings changed: rebuild */
			break;
		}
	}
	/* make room: a free slot and the budget, least recently used first */
	djn_trim(budget, bytes, NULL);
	for (i = 0; i < DJN_CACHE_ENTRIES && e == NULL; i++)
		if (!djn_cache[i].used)
			e = &djn_cache[i];
	if (e == NULL)
	{
		e = djn_lru(NULL);
		djn_evict(e);
	}

	if (djn_cxt == NULL)
		djn_cxt = AllocSetContextCreate(TopMemoryContext, "mpc_eigentrust DJN tables",
										ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(djn_cxt);
	pai_pub_copy(&e->key, pk);
	e->table = NULL;
	e->wanted = window;
	/*
	 * The first use of a key encrypts without a table (one constant-time
	 * power, about 3x an encryption with the table but 5-10x cheaper than
	 * building it); the table is built when the key is used again.  A
	 * backend that encrypts one value per connection never pays for it.
	 */
	e->deferred = window > 0;
	window = 0;
	bytes = 0;
	st = pai_djn_init(&e->djn, pk, window, e->table, bytes, &err);
	MemoryContextSwitchTo(old);
	if (st != MPC_OK)
	{
		pai_pub_clear(&e->key);
		if (e->table)
			pfree(e->table);
		memset(e, 0, sizeof(*e));
		mpc_raise(&err, "paillier_encrypt");
	}
	e->window = window;
	e->table_bytes = bytes;
	e->used = true;
	e->last_use = ++djn_clock;
	return &e->djn;
}

/*
 * The DJN context for count encryptions under pk: a key's first use has no
 * table (it comes with the second use), but count >= 4 values are worth
 * the table at once.
 */
const pai_djn *
mpc_djn_get_batch(const pai_pub *pk, size_t count)
{
	const pai_djn *d = mpc_djn_get(pk);

	if (!d->has_table && count >= 4)
		d = mpc_djn_get(pk);
	return d;
}

mpc_status
mpc_encrypt_pub(const pai_pub *pk, mpz_t c, const mpz_t m, mpc_error *err)
{
	if (mpc_guc_encryption_method == MPC_ENC_METHOD_TEXTBOOK)
		return pai_encrypt(pk, c, m, err);
	return pai_djn_encrypt(pk, mpc_djn_get(pk), c, m, err);
}

mpc_status
mpc_encrypt_pub_many(const pai_pub *pk, mpz_t *c, const mpz_t *m, size_t count, mpc_error *err)
{
	const pai_djn *d;
	size_t		i;
	mpc_status	st = MPC_OK;

	if (mpc_guc_encryption_method == MPC_ENC_METHOD_TEXTBOOK)
	{
		for (i = 0; i < count && st == MPC_OK; i++)
			st = pai_encrypt(pk, c[i], m[i], err);
		return st;
	}
	d = mpc_djn_get_batch(pk, count);
	return pai_djn_encrypt_many(pk, d, c, m, count, err);
}

mpc_status
mpc_rerandomize_fast(const pai_pub *pk, mpz_t out, const mpz_t c, mpc_error *err)
{
	if (mpc_guc_encryption_method == MPC_ENC_METHOD_TEXTBOOK)
		return pai_rerandomize(pk, out, c, err);
	return pai_djn_rerandomize(pk, mpc_djn_get(pk), out, c, err);
}


/* paillier_djn_cache() RETURNS TABLE (fingerprint text, bits integer,
 *   window_bits integer, table_bytes bigint, recency integer) */
MPC_FUNCTION(paillier_djn_cache)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			order[DJN_CACHE_ENTRIES];
	int			n = 0,
				i,
				j;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < DJN_CACHE_ENTRIES; i++)
		if (djn_cache[i].used)
			order[n++] = i;
	/* most recently used first */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && djn_cache[order[j]].last_use > djn_cache[order[j - 1]].last_use; j--)
		{
			int			t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < n; i++)
	{
		DjnEntry   *e = &djn_cache[order[i]];
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		char		hex[PAI_FP_HEX_LEN];

		pai_fingerprint_hex(e->key.fp, hex);
		values[0] = CStringGetTextDatum(hex);
		values[1] = Int32GetDatum((int32) e->key.nbits);
		values[2] = Int32GetDatum((int32) e->window);
		values[3] = Int64GetDatum((int64) e->table_bytes);
		values[4] = Int32GetDatum(i + 1);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * paillier_mul_many
 * --------------------------------------------------------------------- */

#define MUL_MANY_MAX_TABLE_BYTES ((Size) 64 * 1024 * 1024)


/* paillier_mul_many(ct paillier_ciphertext, scalars numeric[], scale integer DEFAULT 0,
 *   constant_time boolean DEFAULT true) RETURNS paillier_ciphertext[]
 *
 * The base is public; the scalars are the caller's secrets.  With
 * constant_time the table lookups scan every entry and the products use
 * mpn_sec_mul (time independent of the magnitudes); without it, a direct
 * index and Karatsuba products: about twice as fast, but timing and memory
 * accesses depend on the scalars.  Signs are never hidden. */
MPC_FUNCTION(paillier_mul_many)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int32		scale = PG_GETARG_INT32(2);
	bool		ct_mode = PG_GETARG_BOOL(3);
	const pai_pub *pk;
	pai_pub		key;
	Datum	   *elems;
	bool	   *nulls;
	unsigned char *skip;
	int			nelems,
				i,
				count = 0;
	mpz_t	   *k,
			   *r;
	size_t		maxbits = 1;
	fx_ct		x;
	int			rscale;
	uint32		rbound;
	unsigned	window;
	Size		bytes;
	void	   *buf = NULL;
	mpc_error	err;
	mpc_status	st;
	Datum	   *out;
	ArrayType  *result;

	if (enc_check_scale(scale, &err) != MPC_OK)
		mpc_raise(&err, "paillier_mul_many");
	if (CT_SCALE(ct) + scale > PAI_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("paillier_mul_many: result scale %d exceeds %d",
						CT_SCALE(ct) + scale, PAI_MAX_SCALE)));
	fx_init(&x);
	pk = mpc_ct_load(ct, &x);
	pai_pub_copy(&key, pk);		/* the cache may move on while we work */

	deconstruct_array(arr, NUMERICOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
	k = palloc(sizeof(mpz_t) * Max(nelems, 1));
	r = palloc(sizeof(mpz_t) * Max(nelems, 1));
	skip = palloc(Max(nelems, 1));
	for (i = 0; i < nelems; i++)
	{
		Numeric		num;

		mpz_init(k[i]);
		mpz_init(r[i]);
		skip[i] = nulls[i];
		if (nulls[i])
			continue;
		num = DatumGetNumeric(elems[i]);
		if (numeric_is_nan(num) || numeric_is_inf(num))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("paillier_mul_many: scalar %d is NaN or infinity", i + 1)));
		if (mpc_numeric_at_scale(NumericGetDatum(num), scale, k[i], &err) != MPC_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("paillier_mul_many: scalar %d: %s", i + 1, err.msg),
					 errhint("Pass a larger scale, or round the scalars first.")));
		if (mpz_cmpabs(k[i], key.max_int) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("paillier_mul_many: scalar %d is out of range for this key", i + 1)));
		maxbits = Max(maxbits, mpz_sizeinbase(k[i], 2));
		count++;
	}
	/*
	 * Every result gets the bound of the largest scalar, so that the bounds
	 * reveal no more about each scalar than the table's size (and, without
	 * constant_time, the timing) already does.
	 */
	if (fx_mul_result(&key, &x, (uint32) maxbits, scale, &rscale, &rbound, &err) != MPC_OK)
		mpc_raise_fx(&err, "paillier_mul_many");

	bytes = fx_mul_many_bytes(&key, maxbits, (size_t) count, ct_mode,
							  MUL_MANY_MAX_TABLE_BYTES, &window);
	if (bytes > 0)
		buf = MemoryContextAllocExtended(CurrentMemoryContext, bytes, MCXT_ALLOC_HUGE);
	CORE_CALL(st, fx_mul_many(&key, x.c, (const mpz_t *) k, skip, (size_t) nelems, ct_mode,
							  buf, bytes, window, maxbits, r, &err));
	if (st != MPC_OK)
		mpc_raise(&err, "paillier_mul_many");
	if (buf)
		pfree(buf);

	out = palloc(sizeof(Datum) * Max(nelems, 1));
	for (i = 0; i < nelems; i++)
	{
		if (!nulls[i])
			out[i] = PointerGetDatum(mpc_make_ct(&key, rscale, rbound, r[i]));
		mpc_wipe(k[i]->_mp_d, (size_t) k[i]->_mp_alloc * sizeof(mp_limb_t));
		mpz_clear(k[i]);
		mpz_clear(r[i]);
	}

	{
		Oid			ct_type = get_fn_expr_rettype(fcinfo->flinfo);
		int16		typlen;
		bool		typbyval;
		char		typalign;

		ct_type = get_element_type(ct_type);
		if (!OidIsValid(ct_type))
			elog(ERROR, "paillier_mul_many: cannot determine the ciphertext type");
		get_typlenbyvalalign(ct_type, &typlen, &typbyval, &typalign);
		if (nelems == 0)
			result = construct_empty_array(ct_type);
		else
			result = construct_md_array(out, nulls, ARR_NDIM(arr), ARR_DIMS(arr),
										ARR_LBOUND(arr), ct_type, typlen, typbyval,
										typalign);
	}
	pai_pub_clear(&key);
	PG_RETURN_ARRAYTYPE_P(result);
}
