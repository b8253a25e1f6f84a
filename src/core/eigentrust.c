/*
 * eigentrust.c: the EigenTrust problem object: loading, the build, the
 * pre-trust, normalising the result and distrust.
 *
 * Ids are interned by idmap.c, ratings stored and normalised by rows.c
 * (the row rule), and the fixed point is found by etsolve.c.  The built
 * matrix is C by rows (CSR over mpc_rating: c_ij > 0, -d_ij < 0, and zero
 * sums), in ascending id order, so the result does not depend on the order
 * of the input rows.
 */
#include "eigentrust.h"
#include "etsolve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ET_POLL_MASK	0xFFFF	/* poll for interrupts every 65536 items */

typedef struct et_pre
{
	uint32_t	idx;
	double		w;
} et_pre;

enum et_phase
{
	ET_ADDING, ET_BUILT, ET_STARTED, ET_BROKEN
};

struct mpc_et
{
	mpc_alloc	a;
	int			has_pretrust;
	int			distrust;
	enum et_phase phase;
	mpc_et_stats st;
	mpc_interrupt_fn intr;		/* NULL: the global hook */

	/* loading */
	mpc_idmap	map;
	int64_t		last_id;		/* one-entry cache: rows often share a truster */
	uint32_t	last_idx;
	int			have_last;
	mpc_rowstore rows;
	et_pre	   *pre;
	size_t		npre;
	size_t		pre_cap;

	/* built: C by rows (positive c_ij, negative -d_ij, zero sums) */
	size_t		n;
	int64_t    *ids;
	double	   *p;
	size_t	   *rptr;			/* n + 1 */
	mpc_rating *A;

	/* the solver (made by the first start) */
	mpc_ets    *solver;
	double		alpha;
	double		eps;
	double	   *t;				/* by peer index, after finish */
	double	   *tnext;
	int			have_t;
};

static inline int
et_poll(const mpc_et *et)
{
	return et->intr != NULL ? et->intr() : mpc_interrupted();
}

static int
et_poll_cb(void *arg)
{
	return et_poll((const mpc_et *) arg);
}

#define ET_ALLOC(et, n, size, err) mpc_alloc_array(&(et)->a, (n), (size), (err))
#define ET_FREE(et, ptr) MPC_ALLOC_FREE(&(et)->a, ptr)

/* Fail and poison the object, so a half-built state is never used. */
static mpc_status
et_break(mpc_et *et, mpc_error *err)
{
	et->phase = ET_BROKEN;
	return err != NULL ? err->code : MPC_ERR_INTERNAL;
}

static mpc_status
et_interrupted(mpc_et *et, mpc_error *err)
{
	mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	return et_break(et, err);
}

/* ---- public: loading ---- */

mpc_status
mpc_et_create(const mpc_et_alloc *alloc, int has_pretrust, int distrust,
			  mpc_et **out, mpc_error *err)
{
	mpc_et	   *et;
	mpc_alloc	a;

	if (out == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "no output pointer");
	*out = NULL;
	if (alloc != NULL && (alloc->alloc == NULL || alloc->free == NULL))
		return mpc_fail(err, MPC_ERR_ARG, "allocator without alloc or free function");
	if (alloc != NULL)
		a = *alloc;
	else
		mpc_alloc_default(&a);
	et = a.alloc(a.ctx, sizeof(mpc_et));
	if (et == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	memset(et, 0, sizeof(mpc_et));
	et->a = a;
	et->has_pretrust = has_pretrust ? 1 : 0;
	et->distrust = distrust ? 1 : 0;
	et->phase = ET_ADDING;
	mpc_idmap_init(&et->map, &a);
	mpc_rowstore_init(&et->rows, &a);
	*out = et;
	return MPC_OK;
}

void
mpc_et_set_interrupt(mpc_et *et, mpc_interrupt_fn fn)
{
	if (et != NULL)
		et->intr = fn;
}

void
mpc_et_free(mpc_et *et)
{
	if (et == NULL)
		return;
	mpc_idmap_free(&et->map);
	mpc_rowstore_free(&et->rows);
	ET_FREE(et, et->pre);
	ET_FREE(et, et->ids);
	ET_FREE(et, et->p);
	ET_FREE(et, et->rptr);
	ET_FREE(et, et->A);
	mpc_ets_free(et->solver);
	ET_FREE(et, et->t);
	ET_FREE(et, et->tnext);
	et->a.free(et->a.ctx, et);
}

/* One rating, the phase and the score already checked. */
static inline mpc_status
et_add_one(mpc_et *et, int64_t truster, int64_t trustee, double score, mpc_error *err)
{
	uint32_t	si,
				di;

	if (et->have_last && et->last_id == truster)
		si = et->last_idx;
	else
	{
		if (mpc_idmap_intern(&et->map, truster, &si, err) != MPC_OK)
			return err->code;
		et->last_id = truster;
		et->last_idx = si;
		et->have_last = 1;
	}
	if (mpc_idmap_intern(&et->map, trustee, &di, err) != MPC_OK)
		return err->code;
	et->st.rows++;
	if (si == di)
	{
		et->st.self_rows++;
		return MPC_OK;
	}
	return mpc_rowstore_add(&et->rows, si, di, score, err);
}

mpc_status
mpc_et_add_edge(mpc_et *et, int64_t truster, int64_t trustee, double score,
				mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;

	if (et == NULL || et->phase != ET_ADDING)
		return mpc_fail(err, MPC_ERR_ARG, "ratings can only be added before the build");
	if (!isfinite(score))
		return mpc_fail(err, MPC_ERR_ARG, "the score of %lld for %lld is not finite",
						(long long) truster, (long long) trustee);
	return et_add_one(et, truster, trustee, score, err);
}

/* how many rows ahead mpc_et_add_edges starts loading the ids' entries */
#define ET_PREFETCH_AHEAD 16

mpc_status
mpc_et_add_edges(mpc_et *et, const int64_t *truster, const int64_t *trustee,
				 const double *score, size_t count, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;

	if (et == NULL || et->phase != ET_ADDING)
		return mpc_fail(err, MPC_ERR_ARG, "ratings can only be added before the build");
	if (count > 0 && (truster == NULL || trustee == NULL || score == NULL))
		return mpc_fail(err, MPC_ERR_ARG, "no rating arrays");
	for (size_t k = 0; k < count; k++)
		if (!isfinite(score[k]))
			return mpc_fail(err, MPC_ERR_ARG, "the score of %lld for %lld is not finite",
							(long long) truster[k], (long long) trustee[k]);
	for (size_t k = 0; k < count && k < ET_PREFETCH_AHEAD; k++)
	{
		mpc_idmap_prefetch(&et->map, truster[k]);
		mpc_idmap_prefetch(&et->map, trustee[k]);
	}
	for (size_t k = 0; k < count; k++)
	{
		if (k + ET_PREFETCH_AHEAD < count)
		{
			mpc_idmap_prefetch(&et->map, truster[k + ET_PREFETCH_AHEAD]);
			mpc_idmap_prefetch(&et->map, trustee[k + ET_PREFETCH_AHEAD]);
		}
		if (et_add_one(et, truster[k], trustee[k], score[k], err) != MPC_OK)
			return err->code;
	}
	return MPC_OK;
}

mpc_status
mpc_et_add_pretrust(mpc_et *et, int64_t peer, double weight, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;
	uint32_t	idx;

	if (et == NULL || et->phase != ET_ADDING)
		return mpc_fail(err, MPC_ERR_ARG, "pre-trust can only be added before the build");
	if (!et->has_pretrust)
		return mpc_fail(err, MPC_ERR_ARG, "this problem uses uniform pre-trust");
	if (!isfinite(weight) || weight < 0)
		return mpc_fail(err, MPC_ERR_ARG, "the pre-trust weight of %lld is %g, not a finite number >= 0",
						(long long) peer, weight);
	if (mpc_idmap_intern(&et->map, peer, &idx, err) != MPC_OK)
		return err->code;
	if (et->npre == et->pre_cap)
	{
		size_t		ncap = et->pre_cap ? et->pre_cap * 2 : 256;
		et_pre	   *n = ET_ALLOC(et, ncap, sizeof(et_pre), err);

		if (n == NULL)
			return err->code;
		if (et->npre > 0)
			memcpy(n, et->pre, et->npre * sizeof(et_pre));
		ET_FREE(et, et->pre);
		et->pre = n;
		et->pre_cap = ncap;
	}
	et->pre[et->npre].idx = idx;
	et->pre[et->npre].w = weight;
	et->npre++;
	return MPC_OK;
}

/* ---- build ---- */

static int
cmp_pre(const void *a, const void *b)
{
	const et_pre *x = a;
	const et_pre *y = b;

	if (x->idx != y->idx)
		return (x->idx > y->idx) - (x->idx < y->idx);
	return (x->w > y->w) - (x->w < y->w);
}

static mpc_status
et_build_pretrust(mpc_et *et, const uint32_t *rank, mpc_error *err)
{
	size_t		n = et->n;
	mpc_csum	total = {0, 0};
	double		tot;

	et->p = ET_ALLOC(et, n, sizeof(double), err);
	if (et->p == NULL)
		return err->code;
	if (!et->has_pretrust)
	{
		for (size_t i = 0; i < n; i++)
			et->p[i] = 1.0 / (double) n;
		et->st.pretrusted = n;
		return MPC_OK;
	}
	memset(et->p, 0, n * sizeof(double));
	for (size_t k = 0; k < et->npre; k++)
		et->pre[k].idx = rank[et->pre[k].idx];
	/* by peer, then by value: the sum of a peer's weights is order-free */
	if (et->npre > 1)
		qsort(et->pre, et->npre, sizeof(et_pre), cmp_pre);
	for (size_t k = 0; k < et->npre;)
	{
		size_t		r = k;
		mpc_csum	s = {0, 0};

		while (r < et->npre && et->pre[r].idx == et->pre[k].idx)
			mpc_csum_add(&s, et->pre[r++].w);
		et->p[et->pre[k].idx] = mpc_csum_get(&s);
		k = r;
	}
	for (size_t i = 0; i < n; i++)
	{
		mpc_csum_add(&total, et->p[i]);
		if (et->p[i] > 0)
			et->st.pretrusted++;
	}
	tot = mpc_csum_get(&total);
	if (!isfinite(tot))
		return mpc_fail(err, MPC_ERR_OVERFLOW, "the pre-trust weights sum to more than the largest double");
	if (!(tot > 0))
		return mpc_fail(err, MPC_ERR_ARG, "the pre-trust weights are all zero");
	for (size_t i = 0; i < n; i++)
		et->p[i] /= tot;
	ET_FREE(et, et->pre);
	return MPC_OK;
}

mpc_status
mpc_et_build(mpc_et *et, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;
	size_t		n,
				m = 0;
	uint32_t   *rank = NULL;
	mpc_row_counts rc = {0, 0, 0};

	if (et == NULL || et->phase != ET_ADDING)
		return mpc_fail(err, MPC_ERR_ARG, "the problem is already built");
	n = et->n = mpc_idmap_count(&et->map);
	et->st.peers = n;

	/* dense index = rank of the id */
	et->ids = ET_ALLOC(et, n, sizeof(int64_t), err);
	rank = ET_ALLOC(et, n, sizeof(uint32_t), err);
	if (et->ids == NULL || rank == NULL ||
		mpc_idmap_rank(&et->map, et->ids, rank, err) != MPC_OK ||
		et_build_pretrust(et, rank, err) != MPC_OK)
		goto fail;

	/* group by truster, then the row rule on each row, compacting in place */
	et->rptr = ET_ALLOC(et, n + 1, sizeof(size_t), err);
	et->A = ET_ALLOC(et, et->rows.count, sizeof(mpc_rating), err);
	if (et->rptr == NULL || et->A == NULL ||
		mpc_rowstore_sort(&et->rows, rank, n, et->A, et->rptr, et_poll_cb, et, err) != MPC_OK)
		goto fail;
	ET_FREE(et, rank);
	for (size_t i = 0; i < n; i++)
	{
		size_t		start = et->rptr[i],
					end = et->rptr[i + 1],
					kept;
		int			dangling;

		if ((i & 0x3FF) == 0 && et_poll(et))
			return et_interrupted(et, err);
		if (mpc_row_rule(et->A + start, end - start, 0, &kept, &dangling, &rc, et->ids, err) != MPC_OK)
			goto fail;
		if (m != start && kept > 0)
			memmove(et->A + m, et->A + start, kept * sizeof(mpc_rating));
		et->rptr[i] = m;
		m += kept;
		et->st.dangling += dangling;
	}
	et->rptr[n] = m;
	et->st.pairs = rc.pairs;
	et->st.positive = rc.positive;
	et->st.negative = rc.negative;
	et->phase = ET_BUILT;
	return MPC_OK;

fail:
	ET_FREE(et, rank);
	return et_break(et, err);
}

void
mpc_et_get_stats(const mpc_et *et, mpc_et_stats *st)
{
	if (et != NULL && st != NULL)
		*st = et->st;
}

void
mpc_et_get_solver_stats(const mpc_et *et, mpc_et_solver_stats *st)
{
	if (et != NULL && st != NULL)
	{
		if (et->solver != NULL)
			mpc_ets_get_stats(et->solver, st);
		else
			memset(st, 0, sizeof(*st));
	}
}

/* ---- solving ---- */

mpc_status
mpc_et_start(mpc_et *et, double alpha, double epsilon, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;

	if (et == NULL || (et->phase != ET_BUILT && et->phase != ET_STARTED))
		return mpc_fail(err, MPC_ERR_ARG, "the problem is not built");
	if (!(alpha > 0 && alpha <= 1))
		return mpc_fail(err, MPC_ERR_ARG, "alpha must be in (0, 1], not %g", alpha);
	if (!(epsilon > 0) || !isfinite(epsilon))
		return mpc_fail(err, MPC_ERR_ARG, "epsilon must be a positive number, not %g", epsilon);
	if (et->solver == NULL)
	{
		if (mpc_ets_create(&et->a, et->n, et->rptr, et->A, et->p, et_poll_cb, et,
						   &et->solver, err) != MPC_OK)
			return et_break(et, err);
		et->t = ET_ALLOC(et, et->n, sizeof(double), err);
		et->tnext = ET_ALLOC(et, et->n, sizeof(double), err);
		if (et->t == NULL || et->tnext == NULL)
			return et_break(et, err);
		/* the rows stay only for distrust, which reads their negative part */
		if (!et->distrust)
		{
			ET_FREE(et, et->A);
			ET_FREE(et, et->rptr);
		}
	}
	et->alpha = alpha;
	et->eps = epsilon;
	mpc_ets_start(et->solver, alpha, epsilon);
	et->have_t = 0;
	et->phase = ET_STARTED;
	return MPC_OK;
}

mpc_status
mpc_et_step(mpc_et *et, double *residual, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;

	if (et == NULL || et->phase != ET_STARTED)
		return mpc_fail(err, MPC_ERR_ARG, "the iteration has not been started");
	if (mpc_ets_step(et->solver, residual, err) != MPC_OK)
		return et_break(et, err);
	return MPC_OK;
}

mpc_status
mpc_et_finish(mpc_et *et, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;
	mpc_csum	total = {0, 0};
	double		tot;
	size_t		n;

	if (et == NULL || et->phase != ET_STARTED)
		return mpc_fail(err, MPC_ERR_ARG, "the iteration has not been started");
	n = et->n;
	et->phase = ET_BUILT;		/* a second finish would subtract distrust twice */
	if (n == 0)
	{
		et->have_t = 1;
		return MPC_OK;
	}
	mpc_ets_get_x(et->solver, et->t);
	for (size_t i = 0; i < n; i++)
		mpc_csum_add(&total, et->t[i]);
	tot = mpc_csum_get(&total);
	if (!(tot > 0) || !isfinite(tot))
		return mpc_fail(err, MPC_ERR_INTERNAL, "the trust vector sums to %g", tot);
	for (size_t i = 0; i < n; i++)
		et->t[i] /= tot;

	if (et->distrust)
	{
		/* trust_j = t_j - sum_i t_i d_ij, rows in index order */
		double	   *out = et->tnext;

		memcpy(out, et->t, n * sizeof(double));
		for (size_t i = 0; i < n; i++)
		{
			if ((i & ET_POLL_MASK) == 0 && et_poll(et))
				return et_interrupted(et, err);
			for (size_t k = et->rptr[i]; k < et->rptr[i + 1]; k++)
				if (et->A[k].w < 0)
					out[et->A[k].dst] += et->t[i] * et->A[k].w;
		}
		et->tnext = et->t;
		et->t = out;
	}
	et->have_t = 1;
	return MPC_OK;
}

mpc_status
mpc_et_solve(mpc_et *et, double alpha, double epsilon, int max_iter,
			 int *iterations, double *residual, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;
	double		r = INFINITY;
	int			it = 0;

	if (max_iter < 1)
		return mpc_fail(err, MPC_ERR_ARG, "max_iter must be at least 1, not %d", max_iter);
	if (mpc_et_start(et, alpha, epsilon, err) != MPC_OK)
		return err->code;
	while (it < max_iter)
	{
		if (mpc_et_step(et, &r, err) != MPC_OK)
			return err->code;
		it++;
		if (r < epsilon)
			break;
	}
	if (iterations != NULL)
		*iterations = it;
	if (residual != NULL)
		*residual = r;
	return mpc_et_finish(et, err);
}

size_t
mpc_et_peer_count(const mpc_et *et)
{
	return (et != NULL && et->phase != ET_ADDING && et->phase != ET_BROKEN) ? et->n : 0;
}

const int64_t *
mpc_et_peer_ids(const mpc_et *et)
{
	return (et != NULL && et->phase != ET_ADDING && et->phase != ET_BROKEN) ? et->ids : NULL;
}

const double *
mpc_et_trust(const mpc_et *et)
{
	return (et != NULL && et->have_t && et->phase != ET_BROKEN) ? et->t : NULL;
}
