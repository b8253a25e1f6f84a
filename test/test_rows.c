/*
 * test_rows.c: the id map (idmap.h) and the rating rows with the row rule
 * (rows.h), without the solver.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "rows.h"
#include "unit.h"

static uint64_t xs = 0x853c49e6748fea9bULL;

static uint64_t
next(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return xs;
}

/* Interning is stable, ranks follow ascending ids, every id path is used. */
static void
test_idmap(void)
{
	enum
	{
		N = 30000
	};
	static int64_t ids[N];
	static uint32_t prov[N];
	static int64_t sorted[N];
	static uint32_t rank[N];
	mpc_alloc	a;
	mpc_idmap	m;
	size_t		distinct;
	int			ok = 1;

	mpc_alloc_default(&a);
	mpc_idmap_init(&m, &a);
	for (int i = 0; i < N; i++)
	{
		uint64_t	r = next();

		switch (r % 4)
		{
			case 0:				/* small non-negative: the direct table */
				ids[i] = (int64_t) ((r >> 8) % 5000);
				break;
			case 1:				/* negative: the hash */
				ids[i] = -(int64_t) ((r >> 8) % 3000) - 1;
				break;
			case 2:				/* large: the hash */
				ids[i] = (int64_t) (r >> 2);
				break;
			default:			/* the extremes and a repeat */
				ids[i] = (r >> 8) % 3 == 0 ? INT64_MIN : (r >> 8) % 3 == 1 ? INT64_MAX : ids[i / 2];
		}
		CHECK_OK(mpc_idmap_intern(&m, ids[i], &prov[i], &e_));
	}
	/* the same id, the same provisional index; indices are dense */
	for (int i = 0; i < N; i++)
	{
		uint32_t	again;

		ok &= mpc_idmap_intern(&m, ids[i], &again, NULL) == MPC_OK && again == prov[i];
		ok &= prov[i] < mpc_idmap_count(&m);
	}
	CHECK(ok);
	distinct = mpc_idmap_count(&m);
	CHECK(distinct > 5000 && distinct < N);
	CHECK_OK(mpc_idmap_rank(&m, sorted, rank, &e_));
	CHECK(mpc_idmap_count(&m) == 0);	/* emptied */
	ok = 1;
	for (size_t i = 1; i < distinct; i++)
		ok &= sorted[i - 1] < sorted[i];
	for (int i = 0; i < N; i++)
		ok &= rank[prov[i]] < distinct && sorted[rank[prov[i]]] == ids[i];
	CHECK(ok);
	CHECK(sorted[0] == INT64_MIN && sorted[distinct - 1] == INT64_MAX);
	mpc_idmap_free(&m);

	/* an id first hashed, then inside a grown direct table, keeps its index */
	{
		uint32_t	first,
					again,
					tmp;
		const int64_t big = (INT64_C(1) << 20) + 5;

		mpc_idmap_init(&m, &a);
		CHECK_OK(mpc_idmap_intern(&m, big, &first, &e_));
		ok = 1;
		for (int64_t i = 0; i < 140000; i++)
			ok &= mpc_idmap_intern(&m, i, &tmp, NULL) == MPC_OK;
		CHECK(ok);
		CHECK(m.dcap <= (size_t) big);	/* still hashed */
		CHECK_OK(mpc_idmap_intern(&m, big, &again, &e_));
		CHECK(m.dcap > (size_t) big);	/* the table grew past it, taking it in */
		CHECK(again == first);
		mpc_idmap_free(&m);
	}
}

/* The rule on one row, by hand. */
static void
test_row_rule(void)
{
	/* truster 7: 1 gets 2 + 3, 2 gets -4, 3 gets 1 - 1 = 0, 7 itself 9 (dropped), 4 gets 15 */
	mpc_rating	r[] = {
		{7, 1, 2}, {7, 2, -4}, {7, 7, 9}, {7, 3, 1}, {7, 1, 3}, {7, 3, -1}, {7, 4, 15},
	};
	mpc_rating	r2[7];
	size_t		kept;
	int			dangling;
	mpc_row_counts c = {0, 0, 0};
	mpc_error	err;

	memcpy(r2, r, sizeof(r));
	CHECK_OK(mpc_row_rule(r, 7, 0, &kept, &dangling, &c, NULL, &e_));
	CHECK(kept == 4 && !dangling);
	CHECK(c.pairs == 4 && c.positive == 2 && c.negative == 1);
	CHECK(r[0].dst == 1 && r[0].w == 0.25);
	CHECK(r[1].dst == 2 && r[1].w == -1);
	CHECK(r[2].dst == 3 && r[2].w == 0);
	CHECK(r[3].dst == 4 && r[3].w == 0.75);
	for (size_t k = 0; k < kept; k++)
		CHECK(r[k].src == 7);

	CHECK_OK(mpc_row_rule(r2, 7, MPC_ROWS_POSITIVE_ONLY, &kept, &dangling, NULL, NULL, &e_));
	CHECK(kept == 2 && !dangling);
	CHECK(r2[0].dst == 1 && r2[0].w == 0.25 && r2[1].dst == 4 && r2[1].w == 0.75);

	/* only negative and self ratings: dangling; an empty row too */
	{
		mpc_rating	d[] = {{3, 1, -5}, {3, 3, 2}};

		CHECK_OK(mpc_row_rule(d, 2, 0, &kept, &dangling, NULL, NULL, &e_));
		CHECK(kept == 1 && dangling && d[0].w == -1);
		CHECK_OK(mpc_row_rule(d, 0, 0, &kept, &dangling, NULL, NULL, &e_));
		CHECK(kept == 0 && dangling);
	}

	/* the sum of a pair does not depend on the order of its ratings */
	{
		enum
		{
			M = 64
		};
		mpc_rating	x[M],
					y[M];
		static mpc_rating first[M];
		size_t		k1 = 0,
					k2;
		int			d2;

		for (int i = 0; i < M; i++)
		{
			x[i].src = 0;
			x[i].dst = 1 + (uint32_t) (i % 3);
			x[i].w = ((double) (next() % 100000) - 30000) / 7.0 * pow(10, (double) (i % 9) - 4);
		}
		for (int round = 0; round < 5; round++)
		{
			for (int i = M - 1; i > 0; i--)
			{
				int			j = (int) (next() % (uint64_t) (i + 1));
				mpc_rating	t = x[i];

				x[i] = x[j];
				x[j] = t;
			}
			memcpy(y, x, sizeof(x));
			CHECK_OK(mpc_row_rule(y, M, 0, &k2, &d2, NULL, NULL, &e_));
			if (round == 0)
			{
				memcpy(first, y, sizeof(y));
				k1 = k2;
			}
			else
				CHECK(k2 == k1 && memcmp(first, y, k2 * sizeof(mpc_rating)) == 0);
		}
		CHECK(k1 == 3);
	}

	/* errors */
	{
		mpc_rating	mixed[] = {{1, 2, 1}, {2, 1, 1}};
		mpc_rating	nan[] = {{1, 2, NAN}};
		mpc_rating	big[] = {{1, 2, 1e308}, {1, 2, 1e308}};
		mpc_rating	bigrow[] = {{1, 2, 1e308}, {1, 3, 1e308}};
		int64_t		ids[] = {-10, 100, 200, 300};

		CHECK_STATUS(mpc_row_rule(mixed, 2, 0, &kept, &dangling, NULL, NULL, &err), MPC_ERR_ARG);
		CHECK_STATUS(mpc_row_rule(nan, 1, 0, &kept, &dangling, NULL, NULL, &err), MPC_ERR_ARG);
		CHECK_STATUS(mpc_row_rule(big, 2, 0, &kept, &dangling, NULL, ids, &err), MPC_ERR_OVERFLOW);
		CHECK(strstr(err.msg, "peer 100 for peer 200") != NULL);
		CHECK_STATUS(mpc_row_rule(bigrow, 2, 0, &kept, &dangling, NULL, NULL, &err), MPC_ERR_OVERFLOW);
		CHECK(strstr(err.msg, "given by peer 1 ") != NULL);
	}
}

/* mpc_rows_build: the protocol's view (positive pairs, hosted, dangling). */
static void
test_rows_build(void)
{
	mpc_rating	e[] = {
		{0, 1, 3}, {0, 2, -1}, {3, 1, -5}, {0, 0, 7}, {0, 1, 1}, {5, 5, 2}, {0, 4, 4},
	};
	uint32_t	hosted[7];
	unsigned char dangling[7];
	size_t		kept,
				nrows;
	mpc_error	err;

	CHECK_OK(mpc_rows_build(e, 7, MPC_ROWS_POSITIVE_ONLY, &kept, hosted, dangling, &nrows, &e_));
	CHECK(kept == 2 && nrows == 3);
	CHECK(hosted[0] == 0 && hosted[1] == 3 && hosted[2] == 5);
	CHECK(!dangling[0] && dangling[1] && dangling[2]);
	CHECK(e[0].src == 0 && e[0].dst == 1 && e[0].w == 0.5);
	CHECK(e[1].src == 0 && e[1].dst == 4 && e[1].w == 0.5);
	{
		mpc_rating	bad[] = {{0, 1, INFINITY}};

		CHECK_STATUS(mpc_rows_build(bad, 1, 0, &kept, hosted, dangling, &nrows, &err), MPC_ERR_ARG);
	}
	CHECK_OK(mpc_rows_build(e, 0, 0, &kept, hosted, dangling, &nrows, &e_));
	CHECK(kept == 0 && nrows == 0);
}

static int	polls = 0;
static int
poll_stop_second(void *arg)
{
	(void) arg;
	return ++polls >= 2;
}

/*
 * The chunked store and the counting sort by truster: n = 1000 takes the
 * one-pass sort, n = 100000 (17 bits) the two-pass one (high half, then low
 * half inside each bucket); ranks reversed, so renumbering is visible.
 */
static void
test_rowstore_n(int N, int skew)
{
	enum
	{
		M = 150000				/* three chunks */
	};
	static uint32_t src[M],
				dst[M];
	static mpc_rating out[M];
	size_t	   *start = malloc(((size_t) N + 1) * sizeof(size_t));
	uint32_t   *rank = malloc((size_t) N * sizeof(uint32_t));
	mpc_alloc	a;
	mpc_rowstore s;
	mpc_error	err;
	int			ok = 1;

	CHECK(start != NULL && rank != NULL);
	if (start == NULL || rank == NULL)
		return;
	mpc_alloc_default(&a);
	mpc_rowstore_init(&s, &a);
	for (int i = 0; i < M; i++)
	{
		/* skew: most ratings from a few trusters, so one bucket is large */
		src[i] = (uint32_t) (skew && next() % 4 != 0 ? next() % 5 : next() % (uint64_t) N);
		dst[i] = (uint32_t) (next() % (uint64_t) N);
		ok &= mpc_rowstore_add(&s, src[i], dst[i], (double) i, NULL) == MPC_OK;
	}
	CHECK(ok && s.count == M);
	for (int i = 0; i < N; i++)
		rank[i] = (uint32_t) (N - 1 - i);	/* reversed */
	CHECK_OK(mpc_rowstore_sort(&s, rank, (size_t) N, out, start, NULL, NULL, &e_));
	CHECK(s.count == 0 && s.head == NULL);
	CHECK(start[0] == 0 && start[N] == M);
	ok = 1;
	for (int r = 0; r < N; r++)
	{
		ok &= start[r] <= start[r + 1];
		for (size_t k = start[r]; k < start[r + 1]; k++)
		{
			int			i = (int) out[k].w;	/* the original position */

			ok &= out[k].src == (uint32_t) r;
			ok &= rank[src[i]] == out[k].src && rank[dst[i]] == out[k].dst;
			ok &= k == start[r] || out[k - 1].w < out[k].w;	/* stable */
		}
	}
	CHECK(ok);
	mpc_rowstore_free(&s);

	/* an interrupt stops the sort; freeing afterwards is safe */
	mpc_rowstore_init(&s, &a);
	for (int i = 0; i < M; i++)
		ok &= mpc_rowstore_add(&s, src[i], dst[i], 1, NULL) == MPC_OK;
	for (int i = 0; i < N; i++)
		rank[i] = (uint32_t) i;
	polls = 0;
	CHECK_STATUS(mpc_rowstore_sort(&s, rank, (size_t) N, out, start, poll_stop_second, NULL, &err),
				 MPC_ERR_INTERRUPTED);
	mpc_rowstore_free(&s);
	CHECK(s.head == NULL && s.count == 0);
	free(start);
	free(rank);
}

static void
test_rowstore(void)
{
	test_rowstore_n(1000, 0);
	test_rowstore_n(100000, 0);
	test_rowstore_n(100000, 1);
	test_rowstore_n(4097, 1);	/* the smallest two-pass size */
}

static int
cmp_ref(const void *a, const void *b)
{
	const mpc_rating *x = a,
			   *y = b;

	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	return (x->w > y->w) - (x->w < y->w);
}

/*
 * Long rows (past the insertion sort, so the introsort and, on sorted and
 * equal keys, its heapsort guard run) give the same pairs as sorting with
 * qsort and summing in ascending order, and do not depend on the order.
 */
static void
test_row_rule_long(void)
{
	enum
	{
		L = 5000
	};
	static mpc_rating r[L],
				ref[L],
				again[L];
	int			ok = 1;

	for (int shape = 0; shape < 4; shape++)
	{
		size_t		kept,
					kept2,
					m = 0;
		int			dang;

		for (int i = 0; i < L; i++)
		{
			r[i].src = 7;
			switch (shape)
			{
				case 0:			/* random, many duplicate pairs */
					r[i].dst = (uint32_t) (next() % 300);
					break;
				case 1:			/* ascending */
					r[i].dst = (uint32_t) i;
					break;
				case 2:			/* descending */
					r[i].dst = (uint32_t) (L - i);
					break;
				default:		/* one pair rated L times */
					r[i].dst = 3;
					break;
			}
			r[i].w = (double) (next() % 2001) / 100.0 - 5.0;
		}
		memcpy(ref, r, sizeof(r));
		/* the same ratings in another order */
		for (int i = 0; i < L; i++)
			again[i] = r[(i * 7919) % L];
		qsort(ref, L, sizeof(mpc_rating), cmp_ref);
		CHECK_OK(mpc_row_rule(r, L, 0, &kept, &dang, NULL, NULL, &e_));
		CHECK_OK(mpc_row_rule(again, L, 0, &kept2, &dang, NULL, NULL, &e_));
		ok &= kept == kept2;
		for (size_t q = 0; q < kept && q < kept2; q++)
			ok &= r[q].dst == again[q].dst && r[q].w == again[q].w;
		for (size_t q = 1; q < kept; q++)
			ok &= r[q - 1].dst < r[q].dst;
		/* the pair sums against the qsorted reference */
		for (int k = 0; k < L;)
		{
			int			e = k;
			mpc_csum	sum = {0, 0};

			while (e < L && ref[e].dst == ref[k].dst)
				mpc_csum_add(&sum, ref[e++].w);
			if (ref[k].dst != 7)
			{
				ok &= m < kept && r[m].dst == ref[k].dst;
				/* same sign as the sum (the rule divides by a positive total) */
				if (m < kept)
				{
					double		v = mpc_csum_get(&sum);

					ok &= (v > 0) == (r[m].w > 0) && (v < 0) == (r[m].w < 0);
				}
				m++;
			}
			k = e;
		}
		ok &= m == kept;
	}
	CHECK(ok);
}

int
main(void)
{
	UNIT_INIT();
	test_idmap();
	test_row_rule();
	test_rows_build();
	test_rowstore();
	test_row_rule_long();
	UNIT_DONE("test_rows");
}
