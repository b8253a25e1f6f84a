/*
 * test_eigentrust.c: the EigenTrust core without a server.
 *
 * Known answers from go-eigentrust's README example (FACTS.md section 4),
 * hand-computed edge cases, order independence, every argument error, and,
 * when ../shared is present, the Advogato and Bitcoin Alpha top five.
 */
#include <math.h>

#include "unit.h"
#include "eigentrust.h"

typedef struct rating
{
	int64_t		src;
	int64_t		dst;
	double		w;
} rating;

/* Build a problem from arrays; pre may be NULL for uniform pre-trust. */
static mpc_et *
make(const rating *r, size_t nr, const rating *pre, size_t npre, int distrust)
{
	mpc_et	   *et = NULL;
	mpc_error	err;

	if (mpc_et_create(NULL, pre != NULL, distrust, &et, &err) != MPC_OK)
		return NULL;
	for (size_t i = 0; i < nr; i++)
		if (mpc_et_add_edge(et, r[i].src, r[i].dst, r[i].w, &err) != MPC_OK)
			goto fail;
	for (size_t i = 0; i < npre; i++)
		if (mpc_et_add_pretrust(et, pre[i].src, pre[i].w, &err) != MPC_OK)
			goto fail;
	if (mpc_et_build(et, &err) != MPC_OK)
		goto fail;
	return et;
fail:
	fprintf(stderr, "make: %s\n", err.msg);
	mpc_et_free(et);
	return NULL;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a,
				y = *(const int64_t *) b;

	return (x > y) - (x < y);
}

static double
trust_of(const mpc_et *et, int64_t id)
{
	const int64_t *ids = mpc_et_peer_ids(et);
	const double *t = mpc_et_trust(et);

	for (size_t i = 0; i < mpc_et_peer_count(et); i++)
		if (ids[i] == id)
			return t[i];
	return NAN;
}

static double
total(const mpc_et *et)
{
	long double s = 0;

	for (size_t i = 0; i < mpc_et_peer_count(et); i++)
		s += mpc_et_trust(et)[i];
	return (double) s;
}

/* go-eigentrust example: ek = 1, sd = 2, vm = 3 */
static const rating go_r[] = {{1, 2, 100}, {3, 2, 100}, {1, 3, 75}};
static const rating go_p[] = {{1, 0, 50}, {3, 0, 100}};

static void
test_go_example(void)
{
	struct
	{
		double		a,
					ek,
					sd,
					vm;
	}			want[] = {
		{0.5, 28.0 / 129, 13.0 / 43, 62.0 / 129},
		{0.15, 2800.0 / 16407, 2329.0 / 5469, 6620.0 / 16407},
		{0.01, 70000.0 / 447303, 69201.0 / 149101, 169700.0 / 447303},
	};
	mpc_et	   *et = make(go_r, 3, go_p, 2, 0);

	CHECK(et != NULL);
	if (et == NULL)
		return;
	for (int k = 0; k < 3; k++)
	{
		int			it;
		double		res;

		CHECK_OK(mpc_et_solve(et, want[k].a, 1e-14, 100000, &it, &res, &e_));
		CHECK(res < 1e-14);
		CHECK(fabs(trust_of(et, 1) - want[k].ek) < 1e-12);
		CHECK(fabs(trust_of(et, 2) - want[k].sd) < 1e-12);
		CHECK(fabs(trust_of(et, 3) - want[k].vm) < 1e-12);
		CHECK(fabs(total(et) - 1) < 1e-15);
	}
	{
		mpc_et_stats st;

		mpc_et_get_stats(et, &st);
		CHECK(st.peers == 3 && st.pairs == 3 && st.positive == 3 && st.dangling == 1);
		CHECK(st.pretrusted == 2);
	}
	mpc_et_free(et);
}

/*
 * Edge cases with answers worked out by hand.  Uniform pre-trust, a = 0.5.
 * 1 -> 2 (2), 1 -> 2 (3), 1 -> 3 (-4), 1 -> 1 (7): pair sums 5 and -4, the
 * self-rating is ignored, so row 1 is [0, 1, 0].  2 has no out-edges, 3 only
 * a negative one, 4 only a self-rating: all three dangling.  5 <-> 6 is a
 * second component.
 */
static void
test_edge_cases(void)
{
	static const rating r[] = {
		{1, 2, 2}, {1, 3, -4}, {1, 1, 7}, {1, 2, 3}, {3, 1, -1}, {4, 4, 5},
		{5, 6, 1}, {6, 5, 1},
	};
	mpc_et	   *et = make(r, 8, NULL, 0, 0);
	mpc_et_stats st;
	int			it;
	double		res;
	double		t1,
				t2,
				d;

	CHECK(et != NULL);
	if (et == NULL)
		return;
	mpc_et_get_stats(et, &st);
	CHECK(st.rows == 8 && st.self_rows == 2);
	CHECK(st.peers == 6);
	CHECK(st.pairs == 5);		/* 1-2, 1-3, 3-1, 5-6, 6-5 */
	CHECK(st.positive == 3 && st.negative == 2);
	CHECK(st.dangling == 3);	/* 2, 3, 4 */
	CHECK_OK(mpc_et_solve(et, 0.5, 1e-15, 10000, &it, &res, &e_));

	/*
	 * Dangling peers 2, 3, 4 hand their trust out uniformly.  With D =
	 * t2 + t3 + t4 and u = (0.5 D + 0.5) / 6:  t1 = u, t2 = 0.5 t1 + u,
	 * t3 = t4 = u, t5 = 0.5 t6 + u, t6 = 0.5 t5 + u, so t5 = t6 = 2u.
	 * Sum: u + 1.5u + u + u + 2u + 2u = 8.5u = 1, u = 2/17.
	 */
	t1 = 2.0 / 17;
	t2 = 3.0 / 17;
	CHECK(fabs(trust_of(et, 1) - t1) < 1e-13);
	CHECK(fabs(trust_of(et, 2) - t2) < 1e-13);
	CHECK(fabs(trust_of(et, 3) - t1) < 1e-13);
	CHECK(fabs(trust_of(et, 4) - t1) < 1e-13);
	CHECK(fabs(trust_of(et, 5) - 2 * t1) < 1e-13);
	CHECK(fabs(trust_of(et, 6) - 2 * t1) < 1e-13);
	CHECK(fabs(total(et) - 1) < 1e-15);
	mpc_et_free(et);

	/* the same with distrust: 1 distrusts 3 fully, 3 distrusts 1 fully */
	et = make(r, 8, NULL, 0, 1);
	CHECK(et != NULL);
	if (et == NULL)
		return;
	CHECK_OK(mpc_et_solve(et, 0.5, 1e-15, 10000, &it, &res, &e_));
	CHECK(fabs(trust_of(et, 1) - (t1 - t1)) < 1e-13);
	CHECK(fabs(trust_of(et, 3) - (t1 - t1)) < 1e-13);
	CHECK(fabs(trust_of(et, 2) - t2) < 1e-13);
	d = total(et);
	CHECK(fabs(d - (1 - 2 * t1)) < 1e-13);
	mpc_et_free(et);

	/* a pre-trusted peer without edges is a peer, and gets a share */
	{
		static const rating pre[] = {{99, 0, 1}, {1, 0, 0}, {99, 0, 2}};
		static const rating r2[] = {{1, 2, 1}};

		et = make(r2, 1, pre, 3, 0);
		CHECK(et != NULL);
		if (et == NULL)
			return;
		CHECK(mpc_et_peer_count(et) == 3);
		CHECK(mpc_et_peer_ids(et)[2] == 99);
		CHECK_OK(mpc_et_solve(et, 0.15, 1e-15, 10000, &it, &res, &e_));
		/* all of the pre-trust sits on 99, which is dangling: t = p */
		CHECK(fabs(trust_of(et, 99) - 1) < 1e-15);
		CHECK(trust_of(et, 1) == 0 && trust_of(et, 2) == 0);
		mpc_et_free(et);
	}
}

/* Row order and sign of zero weights do not change a single bit. */
static void
test_order_independence(void)
{
	enum
	{
		NR = 3000
	};
	static rating r[NR];
	uint64_t	x = 88172645463325252ULL;
	double		first[200];
	size_t		n1 = 0;

	for (int i = 0; i < NR; i++)
	{
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r[i].src = (int64_t) (x % 150) - 20;
		r[i].dst = (int64_t) ((x >> 20) % 160) - 20;
		r[i].w = (double) ((x >> 40) % 1000) / 37.0 - 5.0;
	}
	for (int round = 0; round < 3; round++)
	{
		mpc_et	   *et = make(r, NR, NULL, 0, 1);
		int			it;
		double		res;

		CHECK(et != NULL);
		if (et == NULL)
			return;
		CHECK_OK(mpc_et_solve(et, 0.15, 1e-13, 1000, &it, &res, &e_));
		if (round == 0)
		{
			n1 = mpc_et_peer_count(et);
			CHECK(n1 <= 200);
			memcpy(first, mpc_et_trust(et), n1 * sizeof(double));
		}
		else
		{
			CHECK(mpc_et_peer_count(et) == n1);
			CHECK(memcmp(first, mpc_et_trust(et), n1 * sizeof(double)) == 0);
		}
		/* ids come out ascending */
		for (size_t i = 1; i < mpc_et_peer_count(et); i++)
			CHECK(mpc_et_peer_ids(et)[i - 1] < mpc_et_peer_ids(et)[i]);
		mpc_et_free(et);
		/* shuffle for the next round */
		for (int i = NR - 1; i > 0; i--)
		{
			rating		tmp;
			int			j;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			j = (int) (x % (uint64_t) (i + 1));
			tmp = r[i];
			r[i] = r[j];
			r[j] = tmp;
		}
	}
}

/*
 * Ids take three paths (a direct table for small non-negative ids, a hash
 * for negative and large ones, and migration from the hash to the table as
 * it grows).  A monotone relabelling of the ids must give the same vector.
 */
static int64_t
relabel(int64_t id, int how)
{
	switch (how)
	{
		case 1:					/* negative and huge ids around a few small ones */
			return id * 1000000007LL - 50000000000LL;
		case 2:					/* every id above the direct table */
			return id + (INT64_C(1) << 40);
		case 3:					/* the extremes */
			return id == 0 ? INT64_MIN : (id == 149 ? INT64_MAX : id);
		default:
			return id;
	}
}

static void
test_id_paths(void)
{
	enum
	{
		NR = 2000
	};
	static rating r[NR];
	double		want[160];
	size_t		nwant = 0;
	uint64_t	x = 0x243F6A8885A308D3ULL;

	for (int i = 0; i < NR; i++)
	{
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r[i].src = (int64_t) (x % 150);
		r[i].dst = (int64_t) ((x >> 20) % 150);
		r[i].w = (double) ((x >> 40) % 9);
	}
	for (int how = 0; how < 4; how++)
	{
		static rating rr[NR];
		mpc_et	   *et;
		int			it;
		double		res;

		for (int i = 0; i < NR; i++)
		{
			rr[i] = r[i];
			rr[i].src = relabel(r[i].src, how);
			rr[i].dst = relabel(r[i].dst, how);
		}
		et = make(rr, NR, NULL, 0, 0);
		CHECK(et != NULL);
		if (et == NULL)
			return;
		CHECK_OK(mpc_et_solve(et, 0.15, 1e-13, 1000, &it, &res, &e_));
		for (size_t i = 1; i < mpc_et_peer_count(et); i++)
			CHECK(mpc_et_peer_ids(et)[i - 1] < mpc_et_peer_ids(et)[i]);
		if (how == 0)
		{
			nwant = mpc_et_peer_count(et);
			memcpy(want, mpc_et_trust(et), nwant * sizeof(double));
		}
		else
		{
			CHECK(mpc_et_peer_count(et) == nwant);
			CHECK(memcmp(want, mpc_et_trust(et), nwant * sizeof(double)) == 0);
		}
		mpc_et_free(et);
	}

	/*
	 * Migration: 2^20 + 5 starts in the hash (the direct table may not yet
	 * grow that far); after 140000 more peers it may, and the id must keep
	 * its index.
	 */
	{
		mpc_et	   *et = NULL;
		mpc_et_stats st;
		const int64_t big = (INT64_C(1) << 20) + 5;

		CHECK_OK(mpc_et_create(NULL, 0, 0, &et, &e_));
		CHECK_OK(mpc_et_add_edge(et, big, -7, 1, &e_));
		{
			int			ok = 1;

			for (int64_t i = 0; i < 140000; i++)
				ok &= mpc_et_add_edge(et, i, i + 1, 1, NULL) == MPC_OK;
			CHECK(ok);
		}
		CHECK_OK(mpc_et_add_edge(et, 3, big, 1, &e_));
		CHECK_OK(mpc_et_add_edge(et, big, -7, 1, &e_));
		CHECK_OK(mpc_et_build(et, &e_));
		mpc_et_get_stats(et, &st);
		CHECK(st.peers == 140001 + 2);
		CHECK(st.pairs == 140000 + 2);	/* big -> -7 twice is one pair */
		CHECK(mpc_et_peer_ids(et)[0] == -7);
		CHECK(mpc_et_peer_ids(et)[1] == 0);
		CHECK(mpc_et_peer_ids(et)[st.peers - 1] == big);
		mpc_et_free(et);
	}
}

static int	stop_now = 0;
static int
interrupt_hook(void)
{
	return stop_now;
}

/*
 * mpc_et_add_edges gives bit for bit what one mpc_et_add_edge per row gives,
 * in batches of every size (ids across the direct table and the hash,
 * self-ratings, duplicates, negatives); a non-finite score anywhere in a
 * batch refuses the whole batch.
 */
static void
test_add_edges(void)
{
	enum
	{
		M = 20000
	};
	static int64_t s[M],
				d[M];
	static double w[M];
	static const size_t batch[] = {1, 7, 1024, M};
	mpc_et	   *one = NULL;
	mpc_error	err;
	int			ok = 1;
	mpc_et_stats st1,
				st2;

	for (int i = 0; i < M; i++)
	{
		uint64_t	u = (uint64_t) i * 0x9E3779B97F4A7C15ULL;

		s[i] = (int64_t) ((u >> 20) % 3000) - (i % 5 == 0 ? 1500 : 0);
		d[i] = (int64_t) ((u >> 40) % 3000) + (i % 7 == 0 ? (INT64_C(1) << 40) : 0);
		w[i] = (double) ((u >> 8) % 11) - 2.0;
	}
	CHECK_OK(mpc_et_create(NULL, 0, 0, &one, &e_));
	for (int i = 0; i < M; i++)
		ok &= mpc_et_add_edge(one, s[i], d[i], w[i], NULL) == MPC_OK;
	CHECK(ok);
	CHECK_OK(mpc_et_build(one, &e_));
	CHECK_OK(mpc_et_solve(one, 0.15, 1e-12, 1000, NULL, NULL, &e_));
	mpc_et_get_stats(one, &st1);
	for (size_t b = 0; b < sizeof(batch) / sizeof(batch[0]); b++)
	{
		mpc_et	   *et = NULL;

		CHECK_OK(mpc_et_create(NULL, 0, 0, &et, &e_));
		for (size_t k = 0; k < M; k += batch[b])
			ok &= mpc_et_add_edges(et, s + k, d + k, w + k,
								   M - k < batch[b] ? M - k : batch[b], NULL) == MPC_OK;
		CHECK(ok);
		CHECK_OK(mpc_et_build(et, &e_));
		CHECK_OK(mpc_et_solve(et, 0.15, 1e-12, 1000, NULL, NULL, &e_));
		mpc_et_get_stats(et, &st2);
		CHECK(st1.rows == st2.rows && st1.self_rows == st2.self_rows && st1.pairs == st2.pairs &&
			  st1.peers == st2.peers && st1.dangling == st2.dangling);
		CHECK(mpc_et_peer_count(et) == mpc_et_peer_count(one));
		for (size_t i = 0; i < mpc_et_peer_count(et) && i < mpc_et_peer_count(one); i++)
			ok &= mpc_et_peer_ids(et)[i] == mpc_et_peer_ids(one)[i] &&
				mpc_et_trust(et)[i] == mpc_et_trust(one)[i];
		CHECK(ok);
		mpc_et_free(et);
	}
	mpc_et_free(one);

	/* a NaN in the last row: nothing of the batch is added */
	{
		mpc_et	   *et = NULL;
		int64_t		bs[3] = {1, 2, 3},
					bd[3] = {2, 3, 1};
		double		bw[3] = {1, 1, NAN};

		CHECK_OK(mpc_et_create(NULL, 0, 0, &et, &e_));
		CHECK_STATUS(mpc_et_add_edges(et, bs, bd, bw, 3, &err), MPC_ERR_ARG);
		CHECK(strstr(err.msg, "not finite") != NULL);
		CHECK_STATUS(mpc_et_add_edges(et, NULL, bd, bw, 3, &err), MPC_ERR_ARG);
		CHECK_OK(mpc_et_add_edges(et, NULL, NULL, NULL, 0, &e_));	/* empty */
		CHECK_OK(mpc_et_build(et, &e_));
		mpc_et_get_stats(et, &st2);
		CHECK(st2.rows == 0 && st2.peers == 0);
		bw[2] = 1;
		CHECK_STATUS(mpc_et_add_edges(et, bs, bd, bw, 3, &err), MPC_ERR_ARG);	/* built */
		mpc_et_free(et);
	}
}

static void
test_errors(void)
{
	mpc_et	   *et = NULL;
	mpc_error	err;
	int			it;
	double		res;

	CHECK_OK(mpc_et_create(NULL, 0, 0, &et, &e_));
	CHECK_STATUS(mpc_et_add_edge(et, 1, 2, NAN, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_add_edge(et, 1, 2, INFINITY, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_add_edge(et, 1, 2, -INFINITY, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_add_pretrust(et, 1, 1, &err), MPC_ERR_ARG);	/* uniform */
	/* a 2-cycle: a component that takes Gauss-Seidel sweeps */
	CHECK_OK(mpc_et_add_edge(et, 1, 2, 1, &e_));
	CHECK_OK(mpc_et_add_edge(et, 2, 1, 1, &e_));
	CHECK_OK(mpc_et_build(et, &e_));
	CHECK(mpc_et_trust(et) == NULL);	/* nothing solved yet */
	CHECK_STATUS(mpc_et_add_edge(et, 1, 2, 1, &err), MPC_ERR_ARG);	/* built */
	CHECK_STATUS(mpc_et_step(et, &res, &err), MPC_ERR_ARG);	/* not started */
	CHECK_STATUS(mpc_et_finish(et, &err), MPC_ERR_ARG);	/* not started */
	CHECK_STATUS(mpc_et_start(et, 0.5, 0, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_start(et, 0.5, INFINITY, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_solve(et, 0, 1e-9, 10, &it, &res, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_solve(et, -0.5, 1e-9, 10, &it, &res, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_solve(et, 1.5, 1e-9, 10, &it, &res, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_solve(et, NAN, 1e-9, 10, &it, &res, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_solve(et, 0.5, 0, 10, &it, &res, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_solve(et, 0.5, -1, 10, &it, &res, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_solve(et, 0.5, NAN, 10, &it, &res, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_solve(et, 0.5, 1e-9, 0, &it, &res, &err), MPC_ERR_ARG);
	/* alpha = 1 is allowed: t = p after one step */
	CHECK_OK(mpc_et_solve(et, 1, 1e-9, 10, &it, &res, &e_));
	CHECK(it == 1 && res == 0);
	/* no convergence is reported through the residual, not an error */
	CHECK_OK(mpc_et_solve(et, 0.01, 1e-300, 3, &it, &res, &e_));
	CHECK(it == 3 && res > 1e-300);
	CHECK(fabs(total(et) - 1) < 1e-15);

	/* interrupts stop the iteration */
	mpc_set_interrupt(interrupt_hook);
	stop_now = 1;
	CHECK_STATUS(mpc_et_solve(et, 0.5, 1e-9, 10, &it, &res, &err), MPC_ERR_INTERRUPTED);
	stop_now = 0;
	mpc_set_interrupt(NULL);
	CHECK(mpc_et_trust(et) == NULL);	/* poisoned */
	mpc_et_free(et);

	/* a per-object poll replaces the global one */
	CHECK_OK(mpc_et_create(NULL, 0, 0, &et, &e_));
	CHECK_OK(mpc_et_add_edge(et, 1, 2, 1, &e_));
	CHECK_OK(mpc_et_build(et, &e_));
	mpc_et_set_interrupt(et, interrupt_hook);
	stop_now = 1;
	CHECK_STATUS(mpc_et_solve(et, 0.5, 1e-9, 10, &it, &res, &err), MPC_ERR_INTERRUPTED);
	stop_now = 0;
	mpc_et_free(et);

	/* pre-trust: negative, not finite, all zero, none at all */
	CHECK_OK(mpc_et_create(NULL, 1, 0, &et, &e_));
	CHECK_STATUS(mpc_et_add_pretrust(et, 1, -1, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_add_pretrust(et, 1, NAN, &err), MPC_ERR_ARG);
	CHECK_STATUS(mpc_et_add_pretrust(et, 1, INFINITY, &err), MPC_ERR_ARG);
	CHECK_OK(mpc_et_add_pretrust(et, 1, 0, &e_));
	CHECK_OK(mpc_et_add_edge(et, 1, 2, 1, &e_));
	CHECK_STATUS(mpc_et_build(et, &err), MPC_ERR_ARG);
	CHECK(strstr(err.msg, "all zero") != NULL);
	mpc_et_free(et);
	CHECK_OK(mpc_et_create(NULL, 1, 0, &et, &e_));
	CHECK_STATUS(mpc_et_build(et, &err), MPC_ERR_ARG);
	mpc_et_free(et);

	/* overflowing sums */
	CHECK_OK(mpc_et_create(NULL, 0, 0, &et, &e_));
	CHECK_OK(mpc_et_add_edge(et, 1, 2, 1e308, &e_));
	CHECK_OK(mpc_et_add_edge(et, 1, 2, 1e308, &e_));
	CHECK_STATUS(mpc_et_build(et, &err), MPC_ERR_OVERFLOW);
	mpc_et_free(et);

	/* an empty problem is fine with uniform pre-trust */
	CHECK_OK(mpc_et_create(NULL, 0, 0, &et, &e_));
	CHECK_OK(mpc_et_build(et, &e_));
	CHECK_OK(mpc_et_solve(et, 0.15, 1e-9, 10, &it, &res, &e_));
	CHECK(mpc_et_peer_count(et) == 0);
	mpc_et_free(et);
	CHECK_STATUS(mpc_et_create(NULL, 0, 0, NULL, &err), MPC_ERR_ARG);
}

/* ---- the solver against a plain power iteration ---- */

/*
 * Reference: the rule and the paper's iteration written out densely in long
 * double, t <- (1 - a) C^T t + a p with dangling rows = p, until the L1
 * change stops shrinking below 1e-19 (or 200000 steps), then distrust.
 */
static void
reference(const rating *r, size_t nr, const rating *pre, size_t npre, int distrust,
		  double a, const int64_t *ids, size_t n, double *out)
{
	long double *S = calloc(n * n, sizeof(long double));
	long double *t = calloc(n, sizeof(long double));
	long double *tn = calloc(n, sizeof(long double));
	long double *p = calloc(n, sizeof(long double));
	long double *pos = calloc(n, sizeof(long double));
	long double *neg = calloc(n, sizeof(long double));
	long double tot = 0;

#define IDX(id) ((size_t) (bsearch(&(id), ids, n, sizeof(int64_t), cmp_i64) - (void *) ids) / sizeof(int64_t))
	for (size_t k = 0; k < nr; k++)
		if (r[k].src != r[k].dst)
			S[IDX(r[k].src) * n + IDX(r[k].dst)] += r[k].w;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
		{
			if (S[i * n + j] > 0)
				pos[i] += S[i * n + j];
			else
				neg[i] -= S[i * n + j];
		}
	if (pre == NULL)
		for (size_t i = 0; i < n; i++)
			p[i] = 1.0L / n;
	else
	{
		for (size_t k = 0; k < npre; k++)
			p[IDX(pre[k].src)] += pre[k].w;
		for (size_t i = 0; i < n; i++)
			tot += p[i];
		for (size_t i = 0; i < n; i++)
			p[i] /= tot;
	}
	memcpy(t, p, n * sizeof(long double));
	for (int it = 0; it < 200000; it++)
	{
		long double dm = 0,
					ch = 0;

		for (size_t i = 0; i < n; i++)
			if (!(pos[i] > 0))
				dm += t[i];
		for (size_t j = 0; j < n; j++)
		{
			long double v = 0;

			for (size_t i = 0; i < n; i++)
				if (S[i * n + j] > 0)
					v += S[i * n + j] / pos[i] * t[i];
			tn[j] = (1 - a) * (v + dm * p[j]) + a * p[j];
			ch += fabsl(tn[j] - t[j]);
		}
		memcpy(t, tn, n * sizeof(long double));
		if (ch < 1e-19L)
			break;
	}
	tot = 0;
	for (size_t i = 0; i < n; i++)
		tot += t[i];
	for (size_t j = 0; j < n; j++)
	{
		long double v = t[j] / tot;

		if (distrust)
			for (size_t i = 0; i < n; i++)
				if (S[i * n + j] < 0)
					v -= t[i] / tot * (-S[i * n + j] / neg[i]);
		out[j] = (double) v;
	}
#undef IDX
	free(S);
	free(t);
	free(tn);
	free(p);
	free(pos);
	free(neg);
}

/*
 * Random graphs of every shape the solver distinguishes: sparse (many
 * singletons, dangling peers, several small cycles), dense (one component),
 * negative ratings, self-ratings, duplicate pairs, odd ids, pre-trust with
 * zeros, distrust, alpha from 0.01 to 1.  The solver's result must be within
 * its bound (epsilon = 1e-13) of the reference, and the bound must hold.
 */
static void
test_solver_random(void)
{
	enum
	{
		MAXR = 2000,
		MAXN = 160
	};
	static rating r[MAXR];
	static rating pre[MAXN + 1];
	static double want[MAXN];
	uint64_t	x = 0x9E3779B97F4A7C15ULL;
	static const double alphas[] = {0.15, 0.5, 0.01, 0.85, 1.0};
	double		worst = 0;
	int			cases = 0,
				flat = 0;

	for (int g = 0; g < 40; g++)
	{
		int			npeer = 2 + (int) (g * 4 % MAXN);
		int			nr = g % 5 == 0 ? npeer / 2 + 1 : (g % 5 == 1 ? npeer * 12 : npeer * 3);
		int			npre = 0;
		int			distrust = g % 3 == 0;
		int			use_pre = g % 4 == 1;
		double		a = alphas[g % 5];
		mpc_et	   *et;
		int			it;
		double		res,
					l1 = 0;

		if (nr > MAXR)
			nr = MAXR;
		for (int k = 0; k < nr; k++)
		{
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			r[k].src = (int64_t) (x % (uint64_t) npeer) * 37 - 500;
			r[k].dst = (int64_t) ((x >> 20) % (uint64_t) npeer) * 37 - 500;
			r[k].w = (double) ((int) ((x >> 40) % 13) - (g % 2 ? 3 : 0)) / 4.0;
			if ((x >> 60) == 0)
				r[k].dst = r[k].src;	/* some self-ratings */
		}
		if (use_pre)
			for (int k = 0; k < nr && npre < MAXN; k += 3)
			{
				pre[npre].src = r[k].src;
				pre[npre].w = (double) (k % 4);
				npre++;
			}
		if (use_pre)
		{
			pre[npre].src = r[0].dst;
			pre[npre].w = 1;	/* at least one positive weight */
			npre++;
		}
		et = make(r, (size_t) nr, use_pre ? pre : NULL, (size_t) npre, distrust);
		CHECK(et != NULL);
		if (et == NULL)
			continue;
		CHECK_OK(mpc_et_solve(et, a, 1e-13, 100000, &it, &res, &e_));
		CHECK(res < 1e-13);
		reference(r, (size_t) nr, use_pre ? pre : NULL, (size_t) npre, distrust, a,
				  mpc_et_peer_ids(et), mpc_et_peer_count(et), want);
		for (size_t i = 0; i < mpc_et_peer_count(et); i++)
			l1 += fabs(mpc_et_trust(et)[i] - want[i]);
		/* the bound, plus the reference's own rounding */
		CHECK(l1 <= 1e-13 + 1e-15);
		if (!(l1 <= 1e-13 + 1e-15))
			fprintf(stderr, "  graph %d (%d peers, %d rows, a = %g, distrust %d): L1 %.3e\n",
					g, npeer, nr, a, distrust, l1);
		if (l1 > worst)
			worst = l1;
		if (!distrust)
			CHECK(fabs(total(et) - 1) < 1e-14);
		{
			mpc_et_solver_stats sst;

			mpc_et_get_solver_stats(et, &sst);
			flat += sst.flat != 0;
		}
		cases++;
		mpc_et_free(et);
	}
	/* both solver layouts ran: ordered by component, and one flat block */
	CHECK(flat > 0 && flat < cases);
	printf("test_eigentrust: %d random graphs (%d as one flat block), worst L1 to the reference %.2e\n",
		   cases, flat, worst);
}

/* A single peer, with only a self-rating; and one peer known only by pre-trust. */
static void
test_single_peer(void)
{
	static const rating self[] = {{42, 42, 5}};
	static const rating pre[] = {{7, 0, 3}};
	mpc_et	   *et = make(self, 1, NULL, 0, 1);
	int			it;
	double		res;

	CHECK(et != NULL);
	if (et == NULL)
		return;
	CHECK_OK(mpc_et_solve(et, 0.15, 1e-12, 10, &it, &res, &e_));
	CHECK(mpc_et_peer_count(et) == 1 && mpc_et_peer_ids(et)[0] == 42);
	CHECK(mpc_et_trust(et)[0] == 1 && it == 1 && res == 0);
	mpc_et_free(et);

	et = make(NULL, 0, pre, 1, 0);
	CHECK(et != NULL);
	if (et == NULL)
		return;
	CHECK_OK(mpc_et_solve(et, 0.5, 1e-12, 10, &it, &res, &e_));
	CHECK(mpc_et_peer_count(et) == 1 && mpc_et_trust(et)[0] == 1);
	mpc_et_free(et);
}

/* ---- the real networks, when ../shared is present ---- */

static mpc_et *
load_file(const char *path, int csv)
{
	FILE	   *f = fopen(path, "r");
	char		line[256];
	mpc_et	   *et = NULL;
	mpc_error	err;

	if (f == NULL)
		return NULL;
	if (mpc_et_create(NULL, 0, 0, &et, &err) != MPC_OK)
	{
		fclose(f);
		return NULL;
	}
	if (fgets(line, sizeof(line), f) == NULL)	/* header */
		goto fail;
	while (fgets(line, sizeof(line), f) != NULL)
	{
		long long	s,
					d;
		double		w;
		int			got = csv ? sscanf(line, "%lld,%lld,%lf", &s, &d, &w)
			: sscanf(line, "%lld %lld %lf", &s, &d, &w);

		if (got != 3 || mpc_et_add_edge(et, s, d, w, &err) != MPC_OK)
			goto fail;
	}
	fclose(f);
	if (mpc_et_build(et, &err) != MPC_OK)
	{
		mpc_et_free(et);
		return NULL;
	}
	return et;
fail:
	fclose(f);
	mpc_et_free(et);
	return NULL;
}

static void
check_top5(mpc_et *et, const int64_t *want)
{
	const double *t = mpc_et_trust(et);
	const int64_t *ids = mpc_et_peer_ids(et);
	size_t		n = mpc_et_peer_count(et);
	size_t		used[5];

	for (int k = 0; k < 5; k++)
	{
		size_t		best = n;

		for (size_t i = 0; i < n; i++)
		{
			int			taken = 0;

			for (int q = 0; q < k; q++)
				taken |= used[q] == i;
			if (!taken && (best == n || t[i] > t[best]))
				best = i;
		}
		used[k] = best;
		CHECK(best < n && ids[best] == want[k]);
		if (best < n && ids[best] != want[k])
			fprintf(stderr, "  top %d: got %lld, want %lld\n", k + 1,
					(long long) ids[best], (long long) want[k]);
	}
}

static void
test_real_networks(void)
{
	const char *dir = unit_shared_dir();
	char		path[4096];
	static const int64_t adv[5] = {46, 30, 328, 126, 719};
	static const int64_t btc[5] = {1, 2, 4, 3, 7};
	mpc_et	   *et;
	int			it;
	double		res;

	if (dir == NULL)
	{
		printf("test_eigentrust: ../shared is absent (MPC_SHARED_DIR), skipping the real networks\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/data/trust/advogato.tsv", dir);
	et = load_file(path, 0);
	CHECK(et != NULL);
	if (et != NULL)
	{
		CHECK_OK(mpc_et_solve(et, 0.15, 1e-12, 1000, &it, &res, &e_));
		CHECK(fabs(total(et) - 1) < 1e-12);
		check_top5(et, adv);
		mpc_et_free(et);
	}
	snprintf(path, sizeof(path), "%s/data/trust/soc-sign-bitcoinalpha.csv", dir);
	et = load_file(path, 1);
	CHECK(et != NULL);
	if (et != NULL)
	{
		CHECK_OK(mpc_et_solve(et, 0.15, 1e-12, 1000, &it, &res, &e_));
		CHECK(fabs(total(et) - 1) < 1e-12);
		check_top5(et, btc);
		mpc_et_free(et);
	}
}

int
main(void)
{
	UNIT_INIT();
	test_go_example();
	test_edge_cases();
	test_order_independence();
	test_id_paths();
	test_add_edges();
	test_errors();
	test_solver_random();
	test_single_peer();
	test_real_networks();
	UNIT_DONE("test_eigentrust");
}
