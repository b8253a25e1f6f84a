/*
 * protocol_groups_place.c: the SQL face of the placement core (placement.h)
 * for groups-mode private EigenTrust (docs/design.md, "Groups mode"):
 * forming the task groups from round-trip times and section 4.3's adaptive
 * balancing of the chains.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "mpc_pg.h"
#include "placement.h"
#include "protocol_groups.h"
#include "protocol_pg.h"

static double *
rtt_matrix(ArrayType *a, int *n, const char *fn)
{
	Datum	   *d;
	bool	   *nulls;
	int			cnt;
	double	   *m;
	int			side;
	mpc_error	err;

	deconstruct_array(a, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &d, &nulls, &cnt);
	side = (int) floor(sqrt((double) cnt) + 0.5);
	if (cnt < 1 || side * side != cnt || (ARR_NDIM(a) == 2 && ARR_DIMS(a)[0] != side))
		groups_bad(fn, "rtt must be a square matrix (n x n, or n * n values row by row)");
	m = palloc(sizeof(double) * cnt);
	for (int k = 0; k < cnt; k++)
	{
		if (nulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: rtt must not contain NULLs", fn)));
		m[k] = DatumGetFloat8(d[k]);
	}
	if (placement_check_distances(m, (size_t) side, &err) != MPC_OK)
		mpc_raise(&err, fn);
	*n = side;
	return m;
}

static Datum
int4_array(const int32 *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int k = 0; k < n; k++)
		d[k] = Int32GetDatum(v[k]);
	return PointerGetDatum(construct_array(d, n, INT4OID, 4, true, TYPALIGN_INT));
}

/* groups and chain positions (both 1-based) from chains as placement.h's flat list */
static void
chains_to_columns(const size_t *members, const size_t *offsets, size_t nchains,
				  int32 *grp, int32 *pos)
{
	for (size_t c = 0; c < nchains; c++)
		for (size_t q = offsets[c]; q < offsets[c + 1]; q++)
		{
			grp[members[q]] = (int32) c + 1;
			pos[members[q]] = (int32) (q - offsets[c]) + 1;
		}
}

static Datum
two_columns(FunctionCallInfo fcinfo, const int32 *grp, const int32 *pos, int n, bool flag)
{
	TupleDesc	td;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = int4_array(grp, n);
	values[1] = int4_array(pos, n);
	values[2] = BoolGetDatum(flag);
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(td), values, nulls));
}

/*
 * private_eigentrust_groups_place(rtt double precision[], k integer,
 *     method text, seed bigint, OUT grp integer[], OUT pos integer[])
 * Task groups of the parties from their round-trip times: method 'kmeans'
 * (classical MDS to 3-D, balanced k-means), 'random' (a random equal
 * partition) or 'greedy' (by each party's mean round-trip time, longest
 * first to the least loaded group); then each chain ordered by the MST
 * cycle.  grp[i] and pos[i] are party i's group and place in its chain.
 */
MPC_FUNCTION(private_eigentrust_groups_place)
{
	const char *fn = "private_eigentrust_groups_place";
	int			n;
	double	   *d;
	int32		k;
	char	   *method;
	uint64		seed;
	size_t	   *assign,
			   *members,
			   *offsets;
	int32	   *grp,
			   *pos;
	mpc_error	err;
	mpc_status	st;

	pet_require_args(fcinfo, 4, 0, fn);
	d = rtt_matrix(PG_GETARG_ARRAYTYPE_P(0), &n, fn);
	k = PG_GETARG_INT32(1);
	method = text_to_cstring(PG_GETARG_TEXT_PP(2));
	seed = (uint64) PG_GETARG_INT64(3);
	if (k < 1 || k > n)
		groups_bad(fn, "k must be between 1 and the number of parties");
	if (n > PLACEMENT_MAX_MDS)
		groups_bad(fn, "too many parties for placement");
	assign = palloc(sizeof(size_t) * n);
	if (strcmp(method, "kmeans") == 0)
	{
		double	   *pts = palloc(sizeof(double) * PLACEMENT_DIM * n);

		st = placement_mds(d, (size_t) n, pts, &err);
		if (st == MPC_OK)
			st = placement_kmeans(pts, (size_t) n, (size_t) k, seed, 1, 0, assign, NULL, NULL, &err);
	}
	else if (strcmp(method, "random") == 0)
		st = placement_random_partition((size_t) n, (size_t) k, seed, assign, &err);
	else if (strcmp(method, "greedy") == 0)
	{
		double	   *resp = palloc0(sizeof(double) * n);

		for (int i = 0; i < n; i++)
		{
			for (int j = 0; j < n; j++)
				resp[i] += d[i * n + j];
			resp[i] /= Max(n - 1, 1);
		}
		st = placement_greedy(resp, (size_t) n, (size_t) k, 1, assign, &err);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: unknown method \"%s\"", fn, method),
				 errhint("Use 'kmeans', 'random' or 'greedy'.")));
	if (st != MPC_OK)
		mpc_raise(&err, fn);
	/* members by group (ascending party number), then each chain MST-ordered */
	members = palloc(sizeof(size_t) * n);
	offsets = palloc0(sizeof(size_t) * (k + 1));
	for (int c = 0, q = 0; c < k; c++)
	{
		offsets[c] = q;
		for (int i = 0; i < n; i++)
			if (assign[i] == (size_t) c)
				members[q++] = (size_t) i;
		offsets[c + 1] = q;
		if (offsets[c + 1] > offsets[c] &&
			placement_order_subset(d, (size_t) n, members + offsets[c], offsets[c + 1] - offsets[c],
								   &err) != MPC_OK)
			mpc_raise(&err, fn);
	}
	grp = palloc0(sizeof(int32) * n);
	pos = palloc0(sizeof(int32) * n);
	chains_to_columns(members, offsets, (size_t) k, grp, pos);
	PG_RETURN_DATUM(two_columns(fcinfo, grp, pos, n, false));
}

/*
 * private_eigentrust_groups_adapt(grp integer[], pos integer[],
 *     seconds double precision[], min_size integer,
 *     OUT grp integer[], OUT pos integer[], OUT changed boolean)
 * Section 4.3's adaptive rule (placement_adapt, split 2x and merge 0.5x
 * the median) on the chains of the last round: grp/pos as from
 * private_eigentrust_groups_place (0 = not placed), seconds[c] the
 * circulation time of chain c.  Parties with group 0 stay out.
 */
MPC_FUNCTION(private_eigentrust_groups_adapt)
{
	const char *fn = "private_eigentrust_groups_adapt";
	int			n,
				n2,
				nc;
	int64	   *g64,
			   *p64;
	Datum	   *td;
	bool	   *tn;
	double	   *times;
	size_t	   *members,
			   *offsets,
			   *om,
			   *oo,
				onc;
	int			changed;
	int		   *comp,
			   *placed,
				nplaced = 0;
	int32	   *grp,
			   *pos;
	placement_adapt_params prm;
	mpc_error	err;
	ArrayType  *ga,
			   *pa;

	pet_require_args(fcinfo, 4, 0, fn);
	ga = PG_GETARG_ARRAYTYPE_P(0);
	pa = PG_GETARG_ARRAYTYPE_P(1);
	{
		Datum	   *d;
		bool	   *nl;

		deconstruct_array(ga, INT4OID, 4, true, TYPALIGN_INT, &d, &nl, &n);
		g64 = palloc(sizeof(int64) * Max(n, 1));
		for (int i = 0; i < n; i++)
		{
			if (nl[i])
				groups_bad(fn, "grp must not contain NULLs");
			g64[i] = DatumGetInt32(d[i]);
		}
		deconstruct_array(pa, INT4OID, 4, true, TYPALIGN_INT, &d, &nl, &n2);
		p64 = palloc(sizeof(int64) * Max(n2, 1));
		for (int i = 0; i < n2; i++)
		{
			if (nl[i])
				groups_bad(fn, "pos must not contain NULLs");
			p64[i] = DatumGetInt32(d[i]);
		}
	}
	if (n != n2 || n < 1)
		groups_bad(fn, "grp and pos must have one entry per party");
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &td, &tn, &nc);
	if (nc < 1)
		groups_bad(fn, "seconds must have one entry per chain");
	times = palloc(sizeof(double) * nc);
	for (int c = 0; c < nc; c++)
	{
		if (tn[c])
			groups_bad(fn, "seconds must not contain NULLs");
		times[c] = DatumGetFloat8(td[c]);
	}
	/* the chains as a flat list, checking grp/pos describe them exactly;
	 * the placed parties are numbered 0..placed-1 for the core */
	members = palloc0(sizeof(size_t) * n);
	comp = palloc0(sizeof(int) * n);
	placed = palloc0(sizeof(int) * n);
	for (int i = 0; i < n; i++)
		if (g64[i] > 0)
		{
			comp[i] = nplaced;
			placed[nplaced++] = i;
		}
	offsets = palloc0(sizeof(size_t) * (nc + 1));
	for (int i = 0; i < n; i++)
	{
		if (g64[i] < 0 || g64[i] > nc)
			groups_bad(fn, "every grp entry must be 0 or a chain number with a time in seconds");
		if (g64[i] > 0)
			offsets[g64[i]]++;
	}
	for (int c = 0; c < nc; c++)
	{
		if (offsets[c + 1] == 0)
			groups_bad(fn, "every chain must have a member");
		offsets[c + 1] += offsets[c];
	}
	{
		for (int i = 0; i < n; i++)
		{
			size_t		c,
						sz;

			if (g64[i] == 0)
				continue;
			c = (size_t) g64[i] - 1;
			sz = offsets[c + 1] - offsets[c];
			if (p64[i] < 1 || (size_t) p64[i] > sz || members[offsets[c] + p64[i] - 1] != 0)
				groups_bad(fn, "pos must number each chain's members 1..size, each once");
			members[offsets[c] + p64[i] - 1] = (size_t) comp[i] + 1;	/* +1: 0 marks free */
		}
		for (size_t q = 0; q < offsets[nc]; q++)
		{
			if (members[q] == 0)
				groups_bad(fn, "pos must number each chain's members 1..size, each once");
			members[q]--;
		}
	}
	placement_adapt_defaults(&prm);
	if (PG_GETARG_INT32(3) < 1)
		groups_bad(fn, "min_size must be at least 1");
	prm.min_size = (size_t) PG_GETARG_INT32(3);
	om = palloc(sizeof(size_t) * Max(offsets[nc], 1));
	oo = palloc(sizeof(size_t) * (2 * nc + 1));
	if (placement_adapt(members, offsets, (size_t) nc, times, &prm, om, oo, &onc, &changed, &err) != MPC_OK)
		mpc_raise(&err, fn);
	for (size_t q = 0; q < oo[onc]; q++)
		om[q] = (size_t) placed[om[q]];
	grp = palloc0(sizeof(int32) * n);
	pos = palloc0(sizeof(int32) * n);
	chains_to_columns(om, oo, onc, grp, pos);
	PG_RETURN_DATUM(two_columns(fcinfo, grp, pos, n, changed != 0));
}
