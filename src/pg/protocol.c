/*
 * protocol.c: private EigenTrust across databases, the C parts of the three
 * roles (docs/design.md, "Private EigenTrust protocol and threat model").
 *
 *   party        private_eigentrust_party_step: reads the party's ratings
 *                with the caller's privileges (the party wraps it in a
 *                SECURITY DEFINER function), returns only ciphertexts
 *   coordinator  private_eigentrust_encrypt_vector, _combine, _next
 *   key holder   private_eigentrust_decrypt_vector (wrapped by the
 *                SECURITY DEFINER private_eigentrust_key_decrypt)
 *
 * Ciphertext vectors travel as bytea in the layout of protocol.h.  The
 * network is PostgreSQL's own: the coordinator calls these through dblink.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "libpq-fe.h"

#include "djn.h"
#include "encoding.h"
#include "fixedbase.h"
#include "paillier_glue.h"
#include "protocol.h"
#include "protocol_pg.h"
#include "serial.h"
#include "threshold.h"

/* ---------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------- */

static void
raise_core(const mpc_error *err, const char *what)
{
	mpc_raise(err, what);
}

/* ERROR 22004 when any of the first nargs arguments is NULL, except those
 * whose bit is set in nullable (argument k is bit k). */
void
pet_require_args(FunctionCallInfo fcinfo, int nargs, uint32 nullable, const char *fn)
{
	for (int a = 0; a < nargs; a++)
		if (PG_ARGISNULL(a) && !(nullable & (1u << a)))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: argument %d must not be NULL", fn, a + 1)));
}

/* bigint[] without NULLs -> palloc'd int64 array */
int64 *
pet_int8_array(ArrayType *a, int *n, const char *what)
{
	Datum	   *d;
	bool	   *nulls;
	int64	   *out;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	deconstruct_array(a, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &d, &nulls, n);
	out = palloc(sizeof(int64) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULLs", what)));
		out[i] = DatumGetInt64(d[i]);
	}
	return out;
}

/* boolean[] of exactly n entries without NULLs -> palloc'd 0/1 bytes */
unsigned char *
pet_bool_array(ArrayType *a, int n, const char *what)
{
	Datum	   *d;
	bool	   *nulls;
	int			nh;
	unsigned char *out;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	deconstruct_array(a, BOOLOID, 1, true, TYPALIGN_CHAR, &d, &nulls, &nh);
	if (nh != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("private eigentrust: %s has %d entries for %d peers", what, nh, n)));
	out = palloc(Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULLs", what)));
		out[i] = DatumGetBool(d[i]) ? 1 : 0;
	}
	return out;
}

static ArrayType *
int8_array_build(const int64 *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = Int64GetDatum(v[i]);
	return construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

static double
ms_since(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_MILLISEC(now);
}

static void
mpz_set_u64(mpz_t x, uint64 v)
{
	mpz_set_ui(x, (unsigned long) (v >> 32));
	mpz_mul_2exp(x, x, 32);
	mpz_add_ui(x, x, (unsigned long) (v & 0xffffffffu));
}

/* Serve a pending interrupt between two big-number operations. */
#define PET_CFI() CHECK_FOR_INTERRUPTS()

/* Peers must be strictly ascending: that is how ids map to indices. */
static void
check_peers(const int64 *peers, int n)
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

static int
peer_index(const int64 *peers, int n, int64 id)
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

/* ---------------------------------------------------------------------
 * Vectors
 * --------------------------------------------------------------------- */

static bytea *
vec_alloc(const pai_pub *pk, int kind, int slot_bits, int scale, uint32 count, uint32 nct)
{
	Size		len = PET_VEC_HDR + (Size) nct * 2 * pk->nbytes;
	bytea	   *v;
	pet_vec_hdr h;

	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("private eigentrust: ciphertext vector of %u values is too large", count)));
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	memset(&h, 0, sizeof(h));
	h.kind = kind;
	h.slot_bits = slot_bits;
	h.scale = scale;
	h.count = count;
	h.nct = nct;
	h.nbytes = (uint32) pk->nbytes;
	memcpy(h.fp, pk->fp, PAI_FP_LEN);
	pet_vec_write_hdr(&h, (unsigned char *) VARDATA(v));
	return v;
}

static void
vec_put(bytea *v, const pai_pub *pk, uint32 k, const mpz_t c)
{
	mpc_error	err;
	unsigned char *p = (unsigned char *) VARDATA(v) + PET_VEC_HDR + (Size) k * 2 * pk->nbytes;

	if (ser_to_bytes_fixed(c, p, 2 * pk->nbytes, &err) != MPC_OK)
		raise_core(&err, "private eigentrust");
}

static void
vec_get(const bytea *v, const pet_vec_hdr *h, uint32 k, mpz_t c)
{
	const unsigned char *p = (const unsigned char *) VARDATA_ANY(v) + PET_VEC_HDR +
		(Size) k * 2 * h->nbytes;

	ser_from_bytes(c, p, 2 * (Size) h->nbytes);
}

/* Parse a vector's header against a key; a foreign key is ERROR 22000. */
static void
vec_read(const bytea *v, const pai_pub *pk, pet_vec_hdr *h, const char *what)
{
	mpc_error	err;

	if (pet_vec_read_hdr(h, (const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
						 pk, &err) != MPC_OK)
	{
		if (err.code == MPC_ERR_KEY_MISMATCH)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s: %s", what, err.msg),
					 errdetail("Each round's ciphertexts must be under that round's public key.")));
		raise_core(&err, what);
	}
}

/* ---------------------------------------------------------------------
 * Party
 * --------------------------------------------------------------------- */

typedef struct party_rows
{
	pet_edge   *e;				/* kept positive entries, c_ij in w */
	size_t		kept;
	uint32	   *hosted;
	unsigned char *dangling;
	size_t		nrows;
} party_rows;

static void
party_read(const char *edges_sql, const int64 *peers, int n, party_rows *r)
{
	StringInfoData q;
	uint64		m;
	mpc_error	err;
	int			rc;
	MemoryContext outer = CurrentMemoryContext;

	initStringInfo(&q);
	appendStringInfo(&q,
					 "SELECT e.truster::bigint, e.trustee::bigint, e.score::double precision "
					 "FROM (%s) AS e(truster, trustee, score)", edges_sql);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MPC_USER_CODE(rc = SPI_execute(q.data, true, 0));
	if (rc != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: the ratings query must be a SELECT")));
	m = SPI_processed;
	if (m > (uint64) (MaxAllocHugeSize / sizeof(pet_edge)) || m > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("private eigentrust: too many rating rows")));
	/* SPI_finish frees everything allocated since SPI_connect */
	r->e = MemoryContextAllocHuge(outer, sizeof(pet_edge) * Max(m, 1));
	r->hosted = MemoryContextAllocHuge(outer, sizeof(uint32) * Max(m, 1));
	r->dangling = MemoryContextAllocHuge(outer, Max(m, 1));
	for (uint64 k = 0; k < m; k++)
	{
		HeapTuple	tup = SPI_tuptable->vals[k];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		n1,
					n2,
					n3;
		int64		a = DatumGetInt64(SPI_getbinval(tup, td, 1, &n1));
		int64		b = DatumGetInt64(SPI_getbinval(tup, td, 2, &n2));
		double		s = DatumGetFloat8(SPI_getbinval(tup, td, 3, &n3));
		int			ia,
					ib;

		if (n1 || n2 || n3)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("private eigentrust: a rating row has a NULL")));
		ia = peer_index(peers, n, a);
		ib = peer_index(peers, n, b);
		if (ia < 0 || ib < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private eigentrust: peer %lld is not in the coordinator's peer list",
							(long long) (ia < 0 ? a : b)),
					 errhint("The ratings changed since the run started; run again.")));
		r->e[k].i = (uint32) ia;
		r->e[k].j = (uint32) ib;
		r->e[k].w = s;
		if ((k & 0xffff) == 0)
			PET_CFI();
	}
	SPI_finish();
	if (pet_rows_build(r->e, (size_t) m, &r->kept, r->hosted, r->dangling, &r->nrows, &err) != MPC_OK)
		raise_core(&err, "private eigentrust");
}

/* p_j at scale PET_SCALE_T: given, or uniform round(10^12 / n) */
static int64 *
pretrust_vector(ArrayType *pa, int n)
{
	int64	   *p;

	if (pa != NULL)
	{
		int			np;

		p = pet_int8_array(pa, &np, "pretrust");
		if (np != n)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("private eigentrust: pretrust has %d entries for %d peers", np, n)));
		for (int j = 0; j < n; j++)
			if (p[j] < 0 || p[j] > 1000000000000LL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("private eigentrust: pretrust values must be between 0 and 10^12")));
	}
	else
	{
		int64		u = (int64) llround(1e12 / (double) n);

		p = palloc(sizeof(int64) * n);
		for (int j = 0; j < n; j++)
			p[j] = u;
	}
	return p;
}

/*
 * paper: for every j, prod over hosted rows of Enc(t_i)^(c_ij) (c_ij at scale
 * PET_SCALE_C; dangling rows use p_j), re-randomised once, for all n.
 */
static bytea *
party_paper(const pai_pub *pk, const party_rows *r, const bytea *enc_t, const int64 *p,
			bool uniform, int n, double *enc_ms, double *hom_ms)
{
	pet_vec_hdr h;
	mpz_t	   *acc;
	bool	   *has;
	mpz_t		base,
				tmp,
				e,
				dct;
	bool		any_dangling = false;
	instr_time	start;
	bytea	   *out;
	mpc_error	err;
	const pai_djn *djn;
	fb_table	fbt;
	void	   *tbuf = NULL;
	size_t		tbuf_len = 0;

	vec_read(enc_t, pk, &h, "private eigentrust");
	if (h.kind != PET_KIND_PLAIN || h.count != (uint32) n || h.scale != PET_SCALE_T)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: the encrypted trust vector must hold %d values at scale %d",
						n, PET_SCALE_T)));

	INSTR_TIME_SET_CURRENT(start);
	acc = palloc(sizeof(mpz_t) * n);
	has = palloc0(sizeof(bool) * n);
	mpz_inits(base, tmp, e, dct, NULL);
	mpz_set_ui(dct, 1);
	for (int j = 0; j < n; j++)
		mpz_init(acc[j]);
	/* edges are sorted by truster: one constant-time fixed-base table per
	 * Enc(t_i) serves its row (the exponents c_ij are the party's secrets) */
	for (size_t x = 0; x < r->kept;)
	{
		uint32		i = r->e[x].i;
		size_t		end = x;
		uint64		maxc = 0;
		unsigned	ebits = 1;

		while (end < r->kept && r->e[end].i == i)
		{
			uint64		cf = (uint64) llround(r->e[end].w * 1e12);

			maxc = Max(maxc, cf);
			end++;
		}
		while (ebits < 64 && (maxc >> ebits) != 0)
			ebits++;
		vec_get(enc_t, &h, i, base);
		if (pai_check_ciphertext(pk, base, 1, &err) != MPC_OK)
			raise_core(&err, "private eigentrust");
		{
			unsigned	w = fb_best_window(ebits, end - x, 8, 0.05);
			size_t		tb = fb_table_bytes(mpz_sizeinbase(pk->n2, 2), ebits, w);

			if (tb == 0)
				elog(ERROR, "private eigentrust: no fixed-base table for %u-bit exponents", ebits);
			if (tbuf == NULL || tb > tbuf_len)
			{
				if (tbuf)
					pfree(tbuf);
				tbuf = MemoryContextAllocHuge(CurrentMemoryContext, tb);
				tbuf_len = tb;
			}
			if (fb_table_init(&fbt, tbuf, tbuf_len, base, pk->n2, ebits, w, &err) != MPC_OK)
				raise_core(&err, "private eigentrust");
		}
		for (; x < end; x++)
		{
			const pet_edge *ed = &r->e[x];
			uint64		cf = (uint64) llround(ed->w * 1e12);

			if (cf == 0)
				continue;
			mpz_set_u64(e, cf);
			if (fb_pow(&fbt, tmp, e, &err) != MPC_OK)
				raise_core(&err, "private eigentrust");
			if (has[ed->j])
			{
				mpz_mul(acc[ed->j], acc[ed->j], tmp);
				mpz_mod(acc[ed->j], acc[ed->j], pk->n2);
			}
			else
			{
				mpz_set(acc[ed->j], tmp);
				has[ed->j] = true;
			}
		}
		PET_CFI();
	}
	if (tbuf)
		pfree(tbuf);
	/* dangling hosted rows: Enc(sum t_i)^(p_j) */
	for (size_t x = 0; x < r->nrows; x++)
		if (r->dangling[x])
		{
			vec_get(enc_t, &h, r->hosted[x], base);
			if (pai_check_ciphertext(pk, base, 1, &err) != MPC_OK)
				raise_core(&err, "private eigentrust");
			mpz_mul(dct, dct, base);
			mpz_mod(dct, dct, pk->n2);
			any_dangling = true;
		}
	if (any_dangling)
	{
		for (int j = 0; j < n; j++)
		{
			if (p[j] == 0)
				continue;
			if (!uniform || j == 0)
			{
				mpz_set_u64(e, (uint64) p[j]);
				mpz_powm_sec(base, dct, e, pk->n2);
			}
			if (has[j])
			{
				mpz_mul(acc[j], acc[j], base);
				mpz_mod(acc[j], acc[j], pk->n2);
			}
			else
			{
				mpz_set(acc[j], base);
				has[j] = true;
			}
			if ((j & 63) == 0)
				PET_CFI();
		}
	}
	*hom_ms += ms_since(start);

	/* one re-randomisation per j, so untouched columns leave as fresh Enc(0) */
	INSTR_TIME_SET_CURRENT(start);
	djn = mpc_djn_get(pk);
	out = vec_alloc(pk, PET_KIND_PLAIN, 0, PET_SCALE_T + PET_SCALE_C, (uint32) n, (uint32) n);
	for (int j = 0; j < n; j++)
	{
		if (pai_djn_noise(pk, djn, tmp, &err) != MPC_OK)
			raise_core(&err, "private eigentrust");
		if (has[j])
		{
			mpz_mul(tmp, tmp, acc[j]);
			mpz_mod(tmp, tmp, pk->n2);
		}
		vec_put(out, pk, (uint32) j, tmp);
		mpz_clear(acc[j]);
		if ((j & 15) == 0)
			PET_CFI();
	}
	mpz_clears(base, tmp, e, dct, NULL);
	*enc_ms += ms_since(start);
	return out;
}

/*
 * private_eigentrust_party_step(edges_sql text, mode text, round integer,
 *     key paillier_pubkey, peers bigint[], pretrust bigint[], t bigint[],
 *     enc_t bytea, OUT ciphertexts bytea, OUT encrypt_ms float8,
 *     OUT compute_ms float8)
 */
MPC_FUNCTION(private_eigentrust_party_step)
{
	text	   *sqlt;
	char	   *mode;
	const pai_pub *pkc;
	pai_pub		pk;
	int64	   *peers;
	int			n;
	int64	   *p;
	party_rows	rows;
	double		enc_ms = 0,
				hom_ms = 0;
	instr_time	start;
	bytea	   *out;
	TupleDesc	td;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	pet_require_args(fcinfo, 5, 0, "private_eigentrust_party_step");
	sqlt = PG_GETARG_TEXT_PP(0);
	mode = text_to_cstring(PG_GETARG_TEXT_PP(1));
	pkc = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(3));
	/* the key cache may evict: keep our own copy for the whole step */
	pai_pub_copy(&pk, pkc);
	peers = pet_int8_array(PG_GETARG_ARRAYTYPE_P(4), &n, "peers");
	check_peers(peers, n);
	p = pretrust_vector(PG_ARGISNULL(5) ? NULL : PG_GETARG_ARRAYTYPE_P(5), n);
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	INSTR_TIME_SET_CURRENT(start);
	party_read(text_to_cstring(sqlt), peers, n, &rows);
	hom_ms += ms_since(start);

	if (strcmp(mode, "fast") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("private eigentrust: mode \"fast\" was retired"),
				 errhint("Use mode 'masked' (docs/design.md).")));
	if (strcmp(mode, "paper") == 0)
	{
		if (PG_ARGISNULL(7))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("private_eigentrust_party_step: paper mode needs the encrypted trust vector")));
		out = party_paper(&pk, &rows, PG_GETARG_BYTEA_PP(7), p, PG_ARGISNULL(5), n,
						  &enc_ms, &hom_ms);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private eigentrust: unknown mode \"%s\"", mode),
				 errhint("Use 'paper' here; 'masked' has its own functions.")));
	pai_pub_clear(&pk);

	values[0] = PointerGetDatum(out);
	values[1] = Float8GetDatum(enc_ms);
	values[2] = Float8GetDatum(hom_ms);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}

/* ---------------------------------------------------------------------
 * Coordinator
 * --------------------------------------------------------------------- */

/* private_eigentrust_encrypt_vector(key paillier_pubkey, vals bigint[], scale integer) RETURNS bytea */
MPC_FUNCTION(private_eigentrust_encrypt_vector)
{
	pai_pub		pk;
	int			n;
	int64	   *v;
	int32		scale;
	const pai_djn *djn;
	bytea	   *out;
	mpz_t		x,
				m,
				c;
	mpc_error	err;

	pet_require_args(fcinfo, 3, 0, "private_eigentrust_encrypt_vector");
	v = pet_int8_array(PG_GETARG_ARRAYTYPE_P(1), &n, "vals");
	scale = PG_GETARG_INT32(2);
	pai_pub_copy(&pk, mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0)));
	if (enc_check_scale(scale, &err) != MPC_OK)
		raise_core(&err, "private_eigentrust_encrypt_vector");
	djn = mpc_djn_get(&pk);
	/* a key's first use has no table yet (it comes with the second use):
	 * a vector is worth the table at once */
	if (!djn->has_table && n >= 4)
		djn = mpc_djn_get(&pk);
	out = vec_alloc(&pk, PET_KIND_PLAIN, 0, scale, (uint32) n, (uint32) n);
	mpz_inits(x, m, c, NULL);
	/* groups of 64: pai_djn_encrypt_many runs them eight at a time on the
	 * multi-buffer IFMA products */
	for (int i0 = 0; i0 < n; i0 += 64)
	{
		int			k = Min(64, n - i0);
		mpz_t		ms[64],
					cs[64];

		for (int j = 0; j < k; j++)
		{
			int64		vi = v[i0 + j];

			mpz_inits(ms[j], cs[j], NULL);
			mpz_set_si(x, 0);
			if (vi < 0)
			{
				mpz_set_u64(x, (uint64) (-(vi + 1)) + 1);
				mpz_neg(x, x);
			}
			else
				mpz_set_u64(x, (uint64) vi);
			if (enc_to_residue(&pk, ms[j], x, &err) != MPC_OK)
				raise_core(&err, "private_eigentrust_encrypt_vector");
		}
		if (pai_djn_encrypt_many(&pk, djn, cs, (const mpz_t *) ms, (size_t) k, &err) != MPC_OK)
			raise_core(&err, "private_eigentrust_encrypt_vector");
		for (int j = 0; j < k; j++)
		{
			vec_put(out, &pk, (uint32) (i0 + j), cs[j]);
			mpc_wipe(ms[j]->_mp_d, (size_t) ms[j]->_mp_alloc * sizeof(mp_limb_t));
			mpz_clears(ms[j], cs[j], NULL);
		}
		PET_CFI();
	}
	mpz_clears(x, m, c, NULL);
	pai_pub_clear(&pk);
	PG_RETURN_BYTEA_P(out);
}

/* private_eigentrust_combine(key paillier_pubkey, vecs bytea[]) RETURNS bytea:
 * the slot-wise homomorphic sum of vectors of the same shape under key */
MPC_FUNCTION(private_eigentrust_combine)
{
	pai_pub		pk;
	ArrayType  *arr;
	Datum	   *d;
	bool	   *nulls;
	int			nv;
	pet_vec_hdr h0,
				h;
	bytea	   *out;
	mpz_t	   *acc;
	mpz_t		c;
	mpc_error	err;

	pet_require_args(fcinfo, 2, 0, "private_eigentrust_combine");
	arr = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("private_eigentrust_combine: vecs must be a one-dimensional array")));
	pai_pub_copy(&pk, mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0)));
	deconstruct_array(arr, BYTEAOID, -1, false, TYPALIGN_INT, &d, &nulls, &nv);
	if (nv < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_combine: no vectors to combine")));
	for (int k = 0; k < nv; k++)
		if (nulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("private_eigentrust_combine: vector %d is NULL", k + 1)));
	vec_read(DatumGetByteaPP(d[0]), &pk, &h0, "private_eigentrust_combine");
	acc = palloc(sizeof(mpz_t) * Max(h0.nct, 1));
	mpz_init(c);
	for (uint32 q = 0; q < h0.nct; q++)
		mpz_init_set_ui(acc[q], 1);
	for (int k = 0; k < nv; k++)
	{
		bytea	   *v = DatumGetByteaPP(d[k]);

		vec_read(v, &pk, &h, "private_eigentrust_combine");
		if (h.kind != h0.kind || h.slot_bits != h0.slot_bits || h.scale != h0.scale ||
			h.count != h0.count)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private_eigentrust_combine: vector %d has another shape than vector 1", k + 1)));
		for (uint32 q = 0; q < h.nct; q++)
		{
			vec_get(v, &h, q, c);
			if (pai_check_ciphertext(&pk, c, 0, &err) != MPC_OK)
				raise_core(&err, "private_eigentrust_combine");
			mpz_mul(acc[q], acc[q], c);
			mpz_mod(acc[q], acc[q], pk.n2);
		}
		PET_CFI();
	}
	out = vec_alloc(&pk, h0.kind, h0.slot_bits, h0.scale, h0.count, h0.nct);
	for (uint32 q = 0; q < h0.nct; q++)
	{
		vec_put(out, &pk, q, acc[q]);
		mpz_clear(acc[q]);
	}
	mpz_clear(c);
	pai_pub_clear(&pk);
	PG_RETURN_BYTEA_P(out);
}

/*
 * private_eigentrust_next(sums bigint[], t bigint[], pretrust bigint[],
 *     hosted boolean[], alpha float8, OUT t bigint[], OUT residual float8)
 */
MPC_FUNCTION(private_eigentrust_next)
{
	int			n,
				nt,
				nh;
	int64	   *sums;
	int64	   *t;
	int64	   *p;
	ArrayType  *ha;
	double		alpha;
	Datum	   *d;
	bool	   *nulls;
	unsigned char *hosted;
	int64	   *tn;
	double		residual;
	mpc_error	err;
	TupleDesc	td;
	Datum		values[2];
	bool		rnulls[2] = {false, false};

	/* pretrust (argument 3) may be NULL: uniform */
	pet_require_args(fcinfo, 5, 1u << 2, "private_eigentrust_next");
	sums = pet_int8_array(PG_GETARG_ARRAYTYPE_P(0), &n, "sums");
	t = pet_int8_array(PG_GETARG_ARRAYTYPE_P(1), &nt, "t");
	ha = PG_GETARG_ARRAYTYPE_P(3);
	alpha = PG_GETARG_FLOAT8(4);
	if (ARR_NDIM(ha) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("hosted must be a one-dimensional array")));
	deconstruct_array(ha, BOOLOID, 1, true, TYPALIGN_CHAR, &d, &nulls, &nh);
	if (nt != n || nh != n || n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("private_eigentrust_next: sums, t and hosted must have the same length")));
	if (!(alpha > 0 && alpha <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_next: alpha must be in (0, 1]")));
	for (int i = 0; i < n; i++)
		if (t[i] < 0 || t[i] > 1000000000000LL || sums[i] < 0 || sums[i] > 100000000000000LL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("private_eigentrust_next: t values must be between 0 and 10^12 and sums between 0 and 10^14")));
	p = pretrust_vector(PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2), n);
	hosted = palloc(n);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("hosted must not contain NULLs")));
		hosted[i] = DatumGetBool(d[i]);
	}
	tn = palloc(sizeof(int64) * n);
	if (pet_next((size_t) n, sums, t, p, hosted, alpha, tn, &residual, &err) != MPC_OK)
		raise_core(&err, "private_eigentrust_next");
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = PointerGetDatum(int8_array_build(tn, n));
	values[1] = Float8GetDatum(residual);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, rnulls)));
}

/* private_eigentrust_vector_info(vec bytea, OUT kind text, OUT count integer,
 *     OUT ciphertexts integer, OUT scale integer, OUT fingerprint text) */
MPC_FUNCTION(private_eigentrust_vector_info)
{
	bytea	   *v;
	pet_vec_hdr h;
	mpc_error	err;
	TupleDesc	td;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	char		fp[2 * PAI_FP_LEN + 1];

	pet_require_args(fcinfo, 1, 0, "private_eigentrust_vector_info");
	v = PG_GETARG_BYTEA_PP(0);
	if (pet_vec_read_hdr(&h, (const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
						 NULL, &err) != MPC_OK)
		raise_core(&err, "private_eigentrust_vector_info");
	pai_fingerprint_hex(h.fp, fp);
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = CStringGetTextDatum(h.kind == PET_KIND_PACKED ? "packed" : "plain");
	values[1] = Int32GetDatum((int32) h.count);
	values[2] = Int32GetDatum((int32) h.nct);
	values[3] = Int32GetDatum(h.scale);
	values[4] = CStringGetTextDatum(fp);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls)));
}

/* private_eigentrust_vector_slice(key paillier_pubkey, vec bytea, part integer,
 *     parts integer) RETURNS bytea */
MPC_FUNCTION(private_eigentrust_vector_slice)
{
	const pai_pub *pk;
	bytea	   *v;
	int32		part;
	int32		parts;
	pet_vec_hdr h;
	uint32		q0,
				q1,
				per,
				count;
	Size		csz,
				len;
	bytea	   *out;

	pet_require_args(fcinfo, 4, 0, "private_eigentrust_vector_slice");
	pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));
	v = PG_GETARG_BYTEA_PP(1);
	part = PG_GETARG_INT32(2);
	parts = PG_GETARG_INT32(3);
	vec_read(v, pk, &h, "private_eigentrust_vector_slice");
	if (parts < 1 || part < 1 || part > parts || (uint32) parts > Max(h.nct, 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_vector_slice: part must be between 1 and parts, and parts at most the number of ciphertexts")));
	q0 = (uint32) (((uint64) h.nct * (part - 1)) / parts);
	q1 = (uint32) (((uint64) h.nct * part) / parts);
	/* packed: every ciphertext but the last holds a full set of slots */
	per = 1;
	count = q1 == h.nct ? h.count - q0 * per : (q1 - q0) * per;
	csz = 2 * (Size) h.nbytes;
	len = PET_VEC_HDR + (q1 - q0) * csz;
	out = palloc(VARHDRSZ + len);
	SET_VARSIZE(out, VARHDRSZ + len);
	h.count = count;
	h.nct = q1 - q0;
	pet_vec_write_hdr(&h, (unsigned char *) VARDATA(out));
	memcpy(VARDATA(out) + PET_VEC_HDR, VARDATA_ANY(v) + PET_VEC_HDR + q0 * csz, (q1 - q0) * csz);
	PG_RETURN_BYTEA_P(out);
}

/* ---------------------------------------------------------------------
 * Key holder
 * --------------------------------------------------------------------- */

/* private_eigentrust_decrypt_vector(vec bytea, key paillier_privkey,
 *     out_scale integer) RETURNS bigint[]: every value, rounded half away
 *     from zero to out_scale */
MPC_FUNCTION(private_eigentrust_decrypt_vector)
{
	bytea	   *v;
	const pai_priv *skc;
	int32		out_scale;
	pet_vec_hdr h;
	int64	   *vals;
	mpz_t		c,
				m,
				s,
				div,
				half;
	mpc_error	err;

	pet_require_args(fcinfo, 3, 0, "private_eigentrust_decrypt_vector");
	v = PG_GETARG_BYTEA_PP(0);
	skc = mpc_privkey_get(PG_GETARG_PAILLIER_PRIVKEY_P(1));
	out_scale = PG_GETARG_INT32(2);
	vec_read(v, &skc->pub, &h, "private_eigentrust_decrypt_vector");
	if (out_scale < 0 || out_scale > h.scale)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_decrypt_vector: out_scale must be between 0 and the vector's scale %d",
						h.scale)));
	vals = palloc(sizeof(int64) * Max(h.count, 1));
	mpz_inits(c, m, s, div, half, NULL);
	mpz_ui_pow_ui(div, 10, (unsigned long) (h.scale - out_scale));
	mpz_fdiv_q_2exp(half, div, 1);
	/* groups of 64: pai_decrypt_many runs them eight at a time on the
	 * multi-buffer IFMA products.  The private key may be evicted from the
	 * cache by nothing here: this loop loads no other key. */
	for (uint32 q0 = 0; q0 < h.nct; q0 += 64)
	{
		uint32		k = Min(64, h.nct - q0);
		mpz_t		cs[64],
					ms[64];

		for (uint32 j = 0; j < k; j++)
		{
			mpz_inits(cs[j], ms[j], NULL);
			vec_get(v, &h, q0 + j, cs[j]);
			if (pai_check_ciphertext(&skc->pub, cs[j], 1, &err) != MPC_OK)
				raise_core(&err, "private_eigentrust_decrypt_vector");
		}
		if (pai_decrypt_many(skc, ms, (const mpz_t *) cs, k, &err) != MPC_OK)
			raise_core(&err, "private_eigentrust_decrypt_vector");
		for (uint32 j = 0; j < k; j++)
		{
			if (enc_from_residue(&skc->pub, s, ms[j], &err) != MPC_OK)
				raise_core(&err, "private_eigentrust_decrypt_vector");
			/* round half away from zero */
			if (mpz_sgn(s) >= 0)
				mpz_add(s, s, half);
			else
				mpz_sub(s, s, half);
			mpz_tdiv_q(s, s, div);
			if (!mpz_fits_slong_p(s) || sizeof(long) < 8)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("private_eigentrust_decrypt_vector: a value does not fit in bigint")));
			vals[q0 + j] = (int64) mpz_get_si(s);
			mpz_clears(cs[j], ms[j], NULL);
		}
		PET_CFI();
	}
	mpz_clears(c, m, s, div, half, NULL);
	PG_RETURN_ARRAYTYPE_P(int8_array_build(vals, (int) h.count));
}

/* ---------------------------------------------------------------------
 * Messages
 * --------------------------------------------------------------------- */

/*
 * private_eigentrust_display(conn text) RETURNS text: a party named in a
 * message.  A connection string (or URI) is parsed by libpq itself and
 * rebuilt with every password replaced by ***; anything libpq does not
 * parse (a foreign server name) is returned as given, unless it holds an
 * '=' or '@', when only "(unparsable connection string)" is shown.
 */
MPC_FUNCTION(private_eigentrust_display)
{
	char	   *s;
	char	   *errmsg = NULL;
	PQconninfoOption *opts;
	StringInfoData out;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (strchr(s, '=') == NULL && strstr(s, "://") == NULL)
		PG_RETURN_TEXT_P(cstring_to_text(s));
	opts = PQconninfoParse(s, &errmsg);
	if (errmsg)
		PQfreemem(errmsg);
	if (opts == NULL)
		PG_RETURN_TEXT_P(cstring_to_text("(unparsable connection string)"));
	initStringInfo(&out);
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
	{
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		if (out.len > 0)
			appendStringInfoChar(&out, ' ');
		if (strcmp(o->keyword, "password") == 0)
			appendStringInfo(&out, "%s=***", o->keyword);
		else
			appendStringInfo(&out, "%s=%s", o->keyword, o->val);
	}
	PQconninfoFree(opts);
	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}

/* ---------------------------------------------------------------------
 * Threshold decryptors
 * --------------------------------------------------------------------- */

/*
 * private_eigentrust_vector_ciphertexts(key paillier_pubkey, vec bytea)
 *     RETURNS paillier_ciphertext[]: the vector's ciphertexts as ordinary
 *     ciphertexts at the vector's scale, so threshold decryption
 *     (paillier_decrypt_share, paillier_combine) can work on them.
 */
MPC_FUNCTION(private_eigentrust_vector_ciphertexts)
{
	const pai_pub *pk;
	bytea	   *v;
	pet_vec_hdr h;
	Oid			rettype,
				elemtype;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	mpz_t		c;
	mpc_error	err;

	pet_require_args(fcinfo, 2, 0, "private_eigentrust_vector_ciphertexts");
	pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));
	v = PG_GETARG_BYTEA_PP(1);
	vec_read(v, pk, &h, "private_eigentrust_vector_ciphertexts");
	if (h.kind != PET_KIND_PLAIN || h.nct != h.count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_vector_ciphertexts: only plain vectors (one value per ciphertext) are supported")));
	rettype = get_fn_expr_rettype(fcinfo->flinfo);
	elemtype = OidIsValid(rettype) ? get_element_type(rettype) : InvalidOid;
	if (!OidIsValid(elemtype))
		elog(ERROR, "private_eigentrust_vector_ciphertexts: cannot determine the element type");
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	elems = palloc(sizeof(Datum) * Max(h.nct, 1));
	mpz_init(c);
	for (uint32 q = 0; q < h.nct; q++)
	{
		vec_get(v, &h, q, c);
		if (pai_check_ciphertext(pk, c, 1, &err) != MPC_OK)
			raise_core(&err, "private_eigentrust_vector_ciphertexts");
		elems[q] = PointerGetDatum(mpc_make_ct(pk, h.scale, fx_limit(pk), c));
	}
	mpz_clear(c);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int) h.nct, elemtype, typlen, typbyval, typalign));
}

/*
 * private_eigentrust_threshold_decrypt(key paillier_pubkey, vec bytea,
 *     shares paillier_decshare[], threshold integer, out_scale integer)
 *     RETURNS bigint[]
 *
 * shares holds m answers of nct decryption shares each, answer after
 * answer (m = cardinality / nct).  For every ciphertext the shares are
 * taken in answer order: each must be under key and of exactly that
 * ciphertext, and its proof must verify; a share that fails is skipped
 * and named, and the first `threshold` good ones are combined.  Fewer than
 * threshold good shares is ERROR 22000 naming a bad share.
 */
MPC_FUNCTION(private_eigentrust_threshold_decrypt)
{
	const pai_pub *pk;
	bytea	   *v;
	ArrayType  *arr;
	int32		thr,
				out_scale;
	pet_vec_hdr h;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				m,
				first_bad = 0,
				nbad = 0;
	thr_decshare *ds;
	const thr_decshare **sel;
	int64	   *vals;
	mpz_t		c,
				pm,
				s,
				div,
				half;
	mpc_error	err;
	mpc_status	st;

	pet_require_args(fcinfo, 5, 0, "private_eigentrust_threshold_decrypt");
	pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));
	v = PG_GETARG_BYTEA_PP(1);
	arr = PG_GETARG_ARRAYTYPE_P(2);
	thr = PG_GETARG_INT32(3);
	out_scale = PG_GETARG_INT32(4);
	vec_read(v, pk, &h, "private_eigentrust_threshold_decrypt");
	if (h.kind != PET_KIND_PLAIN || h.nct != h.count || h.nct == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: only non-empty plain vectors (one value per ciphertext) are supported")));
	if (thr < 2 || thr > THR_MAX_SHARES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: threshold must be between 2 and %d, got %d",
						THR_MAX_SHARES, thr)));
	if (out_scale < 0 || out_scale > h.scale)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: out_scale must be between 0 and the vector's scale %d",
						h.scale)));
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("private_eigentrust_threshold_decrypt: shares must be a one-dimensional array")));
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &elems, &nulls, &nelems);
	if (nelems % h.nct != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: %d shares given for %u ciphertexts", nelems, h.nct),
				 errdetail("Each answer must hold one decryption share per ciphertext.")));
	m = nelems / (int) h.nct;
	if (m < thr)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("private_eigentrust_threshold_decrypt: %d answers given, the key needs %d", m, thr)));
	ds = palloc0(sizeof(thr_decshare) * m);
	sel = palloc0(sizeof(thr_decshare *) * m);
	vals = palloc(sizeof(int64) * h.nct);
	mpz_inits(c, pm, s, div, half, NULL);
	mpz_ui_pow_ui(div, 10, (unsigned long) (h.scale - out_scale));
	mpz_fdiv_q_2exp(half, div, 1);
	for (uint32 q = 0; q < h.nct; q++)
	{
		int			good = 0,
					bad = 0,
					k = 0;

		vec_get(v, &h, q, c);
		for (;;)
		{
			int			bad_index = 0;

			/* take answers in order until threshold candidates pass the
			 * checks that need no proof: the key, its dealing, this very
			 * ciphertext, a new share index */
			while (good < thr && k < m)
			{
				Datum		d = elems[(Size) k * h.nct + q];
				bytea	   *b;
				thr_decshare *x = &ds[k];
				bool		fits;

				if (nulls[(Size) k * h.nct + q])
				{
					k++;
					continue;
				}
				b = DatumGetByteaPP(d);
				if (thr_decshare_decode(x, (const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b),
										PAI_MIN_BITS, &err) != MPC_OK)
					ereport(ERROR,
							(errcode(ERRCODE_DATA_CORRUPTED),
							 errmsg("private_eigentrust_threshold_decrypt: corrupted paillier_decshare in answer %d", k + 1),
							 errdetail("%s", err.msg)));
				fits = pai_same_key(&x->pub, pk) && x->t == thr && mpz_cmp(x->c, c) == 0 &&
					(good == 0 || (memcmp(x->digest, sel[0]->digest, THR_HASH_LEN) == 0 &&
								   x->l == sel[0]->l && x->kind == sel[0]->kind));
				for (int j = 0; fits && j < good; j++)
					if (sel[j]->index == x->index)
						fits = false;
				k++;
				if (!fits)
				{
					bad = x->index;
					nbad++;
					if (!first_bad)
						first_bad = bad;
					thr_decshare_clear(x);
					continue;
				}
				sel[good++] = x;
			}
			if (good < thr)
				break;
			/* every proof checked in one batch; a failing batch names the
			 * bad share, which is replaced by the next answer */
			CORE_CALL(st, thr_combine((const thr_decshare *const *) sel, (size_t) good, 1,
									  pm, &bad_index, &err));
			if (st == MPC_OK)
				break;
			if (st != MPC_ERR_CIPHERTEXT || bad_index <= 0)
				raise_core(&err, "private_eigentrust_threshold_decrypt");
			bad = bad_index;
			nbad++;
			if (!first_bad)
				first_bad = bad;
			for (int j = 0; j < good; j++)
				if (sel[j]->index == bad_index)
				{
					thr_decshare_clear((thr_decshare *) sel[j]);
					memmove(&sel[j], &sel[j + 1], sizeof(sel[0]) * (good - j - 1));
					good--;
					break;
				}
		}
		if (good < thr)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("private eigentrust: decryption share %d is invalid", bad ? bad : first_bad),
					 errdetail("Only %d valid decryption shares of ciphertext %u were given, the key needs %d; a share is refused when it is under another key or another dealing of it, of another ciphertext, or its proof fails.",
							   good, q + 1, thr),
					 errhint("Check the decryptor holding share %d.", bad ? bad : first_bad)));
		if (enc_from_residue(pk, s, pm, &err) != MPC_OK)
			raise_core(&err, "private_eigentrust_threshold_decrypt");
		if (mpz_sgn(s) >= 0)
			mpz_add(s, s, half);
		else
			mpz_sub(s, s, half);
		mpz_tdiv_q(s, s, div);
		if (!mpz_fits_slong_p(s) || sizeof(long) < 8)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("private_eigentrust_threshold_decrypt: a value does not fit in bigint")));
		vals[q] = (int64) mpz_get_si(s);
		for (int j = 0; j < good; j++)
			thr_decshare_clear((thr_decshare *) sel[j]);
		PET_CFI();
	}
	if (nbad > 0)
		ereport(WARNING,
				(errmsg("private eigentrust: decryption share %d was invalid and left out", first_bad),
				 errdetail("%d invalid decryption shares were skipped; enough valid ones remained.", nbad)));
	mpz_clears(c, pm, s, div, half, NULL);
	PG_RETURN_ARRAYTYPE_P(int8_array_build(vals, (int) h.nct));
}
