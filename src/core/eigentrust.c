/*
 * eigentrust.c: the EigenTrust problem object, its build, and the solver.
 *
 * Ids are interned by idmap.c and ratings stored and normalised by rows.c;
 * this file keeps the pre-trust, the matrix C as rows (CSR), the solver's
 * ordered copy of C, and the Gauss-Seidel passes.
 *
 * The solver (docs/design.md, "EigenTrust", says why):
 *
 * - With C0 = C with the dangling rows zero, the fixed point t satisfies
 *   t = (1 - a) C0^T t + g p with the scalar g = a + (1 - a) * (dangling
 *   mass), so t is proportional to the solution x of
 *   (I - (1 - a) C0^T) x = p, and t = x / sum(x).  The dangling term
 *   disappears into the normalisation.
 * - The peers are ordered by strongly connected component (Tarjan over the
 *   positive entries of C), components in topological order and, inside a
 *   component, in DFS discovery order, so that most edges point forward.  A
 *   component then depends only on components before it: it is solved once
 *   they are final, a singleton in one update, a cyclic component by
 *   Gauss-Seidel sweeps.  Components that do not depend on each other are
 *   swept in the same pass.
 * - The sweep pulls: x_j = b_j + (1 - a) sum over in-edges (i, j) inside the
 *   component of c_ij x_i, where b_j (pre-trust plus what flows in from
 *   earlier components) is computed once.  Every order is fixed, so the
 *   result is the same on every run, whatever the order of the input rows.
 * - Stopping: after a sweep of component B that changed x by d_B in L1, its
 *   residual is at most (1 - a) d_B; the residuals of all components bound
 *   ||x - x*||_1 by sum / a, and the normalised t is within twice that over
 *   sum(x) of the exact fixed point.  A component stops when its share of
 *   epsilon is met, the solve when the whole bound is below epsilon.
 */
#include "eigentrust.h"

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

	/* the solver's order (built by the first start) */
	int			ordered;
	uint32_t   *perm;			/* position -> peer index */
	uint32_t   *bstart;			/* nb + 1 component starts (positions) */
	size_t		nb;
	size_t		ncyclic;		/* positions in cyclic components */
	size_t	   *cptr;			/* n + 1, columns by position */
	size_t	   *cin;			/* n: first in-edge from inside the component */
	uint32_t   *crow;			/* row position of each in-edge */
	double	   *cval;			/* its c_ij */
	mpc_et_solver_stats sst;

	/* solving */
	double		alpha;
	double		eps;
	double	   *x;				/* by position */
	double	   *bo;				/* by position: p_j + (1 - a) * inflow */
	unsigned char *fin;			/* by position: its component is final */
	uint32_t   *bof;			/* by position: its component */
	uint32_t   *active;			/* cyclic components ready and not final */
	size_t		nactive;
	uint32_t   *bcol;			/* per component: readiness cursor (column) */
	size_t	   *bedge;			/* and edge */
	uint32_t   *whead;			/* per component: first component waiting on it */
	uint32_t   *wnext;			/* per component: next in the same waiting list */
	uint32_t   *cstack;			/* components just made final */
	size_t		ncstack;
	size_t		nwaiting;		/* components waiting for an upstream one */
	int			scanned;		/* the first scan over all components ran */
	double	   *bbound;			/* per component: its last error bound */
	double		final_bound;	/* sum over final components */
	double		xsum;			/* sum(x), a lower bound of the final sum */
	int			done;
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

typedef struct et_sum
{
	double		s;
	double		c;
} et_sum;

static inline void
et_sum_add(et_sum *a, double x)
{
	double		t = a->s + x;

	if (fabs(a->s) >= fabs(x))
		a->c += (a->s - t) + x;
	else
		a->c += (x - t) + a->s;
	a->s = t;
}

static inline double
et_sum_get(const et_sum *a)
{
	return a->s + a->c;
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

static void
et_free_solver(mpc_et *et)
{
	ET_FREE(et, et->perm);
	ET_FREE(et, et->bstart);
	ET_FREE(et, et->cptr);
	ET_FREE(et, et->cin);
	ET_FREE(et, et->crow);
	ET_FREE(et, et->cval);
	ET_FREE(et, et->x);
	ET_FREE(et, et->bo);
	ET_FREE(et, et->fin);
	ET_FREE(et, et->bof);
	ET_FREE(et, et->active);
	ET_FREE(et, et->bcol);
	ET_FREE(et, et->bedge);
	ET_FREE(et, et->whead);
	ET_FREE(et, et->wnext);
	ET_FREE(et, et->cstack);
	ET_FREE(et, et->bbound);
	et->ordered = 0;
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
	et_free_solver(et);
	ET_FREE(et, et->t);
	ET_FREE(et, et->tnext);
	et->a.free(et->a.ctx, et);
}

mpc_status
mpc_et_add_edge(mpc_et *et, int64_t truster, int64_t trustee, double score,
				mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;
	uint32_t	si,
				di;

	if (et == NULL || et->phase != ET_ADDING)
		return mpc_fail(err, MPC_ERR_ARG, "ratings can only be added before the build");
	if (!isfinite(score))
		return mpc_fail(err, MPC_ERR_ARG, "the score of %lld for %lld is not finite",
						(long long) truster, (long long) trustee);
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
	et_sum		total = {0, 0};
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
		et_sum		s = {0, 0};

		while (r < et->npre && et->pre[r].idx == et->pre[k].idx)
			et_sum_add(&s, et->pre[r++].w);
		et->p[et->pre[k].idx] = et_sum_get(&s);
		k = r;
	}
	for (size_t i = 0; i < n; i++)
	{
		et_sum_add(&total, et->p[i]);
		if (et->p[i] > 0)
			et->st.pretrusted++;
	}
	tot = et_sum_get(&total);
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
		*st = et->sst;
}

/* ---- the solver's order ---- */

/*
 * Tarjan's algorithm over the positive entries of C, without recursion.
 * Components come out sinks first; they are placed from the last position
 * backwards, so positions run in topological order, each component's
 * members in discovery order.  Fills perm, bstart, nb.
 */
static mpc_status
et_order(mpc_et *et, uint32_t *pos_of, mpc_error *err)
{
	size_t		n = et->n;
	const size_t *rptr = et->rptr;
	const mpc_rating *A = et->A;
	uint32_t   *num = ET_ALLOC(et, n, sizeof(uint32_t), err);
	uint32_t   *low = ET_ALLOC(et, n, sizeof(uint32_t), err);
	uint32_t   *stk = ET_ALLOC(et, n, sizeof(uint32_t), err);
	uint32_t   *cs_v = ET_ALLOC(et, n, sizeof(uint32_t), err);
	size_t	   *cs_e = ET_ALLOC(et, n, sizeof(size_t), err);
	uint32_t   *bs_rev = ET_ALLOC(et, n + 1, sizeof(uint32_t), err);
	size_t		sp = 0,
				next_pos = n,
				nb = 0,
				visited = 0;
	uint32_t	counter = 0;
	mpc_status	st = MPC_OK;

	et->perm = ET_ALLOC(et, n, sizeof(uint32_t), err);
	if (num == NULL || low == NULL || stk == NULL || cs_v == NULL || cs_e == NULL ||
		bs_rev == NULL || et->perm == NULL)
	{
		st = err->code;
		goto out;
	}
	memset(num, 0, n * sizeof(uint32_t));
	for (size_t v = 0; v < n; v++)
		pos_of[v] = UINT32_MAX;
	for (size_t root = 0; root < n; root++)
	{
		size_t		d = 0;

		if (num[root] != 0)
			continue;
		num[root] = low[root] = ++counter;
		stk[sp++] = (uint32_t) root;
		cs_v[0] = (uint32_t) root;
		cs_e[0] = rptr[root];
		d = 1;
		while (d > 0)
		{
			uint32_t	v = cs_v[d - 1];
			size_t		e = cs_e[d - 1],
						end = rptr[v + 1];
			int			descended = 0;

			for (; e < end; e++)
			{
				uint32_t	w;

				if (!(A[e].w > 0))
					continue;
				w = A[e].dst;
				if (num[w] == 0)
				{
					cs_e[d - 1] = e + 1;
					num[w] = low[w] = ++counter;
					stk[sp++] = w;
					cs_v[d] = w;
					cs_e[d] = rptr[w];
					d++;
					descended = 1;
					break;
				}
				if (pos_of[w] == UINT32_MAX && num[w] < low[v])
					low[v] = num[w];	/* w is on the stack */
			}
			if (descended)
				continue;
			if (low[v] == num[v])
			{
				size_t		k = sp;

				do
					k--;
				while (stk[k] != v);
				next_pos -= sp - k;
				for (size_t q = k; q < sp; q++)
				{
					pos_of[stk[q]] = (uint32_t) (next_pos + q - k);
					et->perm[next_pos + q - k] = stk[q];
				}
				bs_rev[nb++] = (uint32_t) next_pos;
				if (sp - k > 1)
				{
					et->sst.cyclic++;
					et->ncyclic += sp - k;
				}
				if (sp - k > et->sst.largest)
					et->sst.largest = sp - k;
				sp = k;
			}
			d--;
			if (d > 0 && low[v] < low[cs_v[d - 1]])
				low[cs_v[d - 1]] = low[v];
			if ((++visited & ET_POLL_MASK) == 0 && et_poll(et))
			{
				st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
				goto out;
			}
		}
	}
	if (next_pos != 0)
	{
		st = mpc_fail(err, MPC_ERR_INTERNAL, "%zu peers left unordered", next_pos);
		goto out;
	}
	et->bstart = ET_ALLOC(et, nb + 1, sizeof(uint32_t), err);
	if (et->bstart == NULL)
	{
		st = err->code;
		goto out;
	}
	for (size_t b = 0; b < nb; b++)
		et->bstart[b] = bs_rev[nb - 1 - b];
	et->bstart[nb] = (uint32_t) n;
	et->nb = nb;
	et->sst.components = nb;
out:
	ET_FREE(et, num);
	ET_FREE(et, low);
	ET_FREE(et, stk);
	ET_FREE(et, cs_v);
	ET_FREE(et, cs_e);
	ET_FREE(et, bs_rev);
	return st;
}

/*
 * The positive part of C, transposed and renumbered by position: column j
 * lists its in-edges by ascending row position, those from earlier
 * components (cptr[j] .. cin[j]) before those from its own (.. cptr[j+1]).
 */
static mpc_status
et_transpose(mpc_et *et, const uint32_t *pos_of, mpc_error *err)
{
	size_t		n = et->n,
				m = 0;
	const size_t *rptr = et->rptr;
	const mpc_rating *A = et->A;
	uint32_t   *bof = et->bof = ET_ALLOC(et, n, sizeof(uint32_t), err);
	const uint32_t *bstart = et->bstart;
	size_t	   *cur = ET_ALLOC(et, n + 1, sizeof(size_t), err);

	et->cptr = ET_ALLOC(et, n + 1, sizeof(size_t), err);
	et->cin = ET_ALLOC(et, n + 1, sizeof(size_t), err);
	if (bof == NULL || cur == NULL || et->cptr == NULL || et->cin == NULL)
		goto fail;
	for (size_t b = 0; b < et->nb; b++)
		for (uint32_t q = et->bstart[b]; q < et->bstart[b + 1]; q++)
			bof[q] = (uint32_t) b;
	memset(et->cptr, 0, (n + 1) * sizeof(size_t));
	for (size_t k = 0; k < rptr[n]; k++)
		if (A[k].w > 0)
		{
			et->cptr[pos_of[A[k].dst] + 1]++;
			m++;
		}
	for (size_t j = 0; j < n; j++)
		et->cptr[j + 1] += et->cptr[j];
	memcpy(cur, et->cptr, (n + 1) * sizeof(size_t));
	memcpy(et->cin, et->cptr, (n + 1) * sizeof(size_t));
	et->crow = ET_ALLOC(et, m, sizeof(uint32_t), err);
	et->cval = ET_ALLOC(et, m, sizeof(double), err);
	if (et->crow == NULL || et->cval == NULL)
		goto fail;
	for (size_t q = 0; q < n; q++)
	{
		uint32_t	v = et->perm[q];

		if ((q & ET_POLL_MASK) == 0 && et_poll(et))
		{
			mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			goto fail;
		}
		for (size_t k = rptr[v]; k < rptr[v + 1]; k++)
			if (A[k].w > 0)
			{
				uint32_t	c = pos_of[A[k].dst];
				size_t		at = cur[c]++;

				et->crow[at] = (uint32_t) q;
				et->cval[at] = A[k].w;
				if (q < bstart[bof[c]])
					et->cin[c]++;
			}
	}
	ET_FREE(et, cur);
	return MPC_OK;
fail:
	ET_FREE(et, cur);
	return err->code;
}

static mpc_status
et_prepare(mpc_et *et, mpc_error *err)
{
	size_t		n = et->n;
	uint32_t   *pos_of = ET_ALLOC(et, n, sizeof(uint32_t), err);
	size_t		nb;

	if (pos_of == NULL || et_order(et, pos_of, err) != MPC_OK ||
		et_transpose(et, pos_of, err) != MPC_OK)
	{
		ET_FREE(et, pos_of);
		return err->code;
	}
	ET_FREE(et, pos_of);
	nb = et->nb;
	et->x = ET_ALLOC(et, n, sizeof(double), err);
	et->bo = ET_ALLOC(et, n, sizeof(double), err);
	et->fin = ET_ALLOC(et, n, 1, err);
	et->active = ET_ALLOC(et, nb, sizeof(uint32_t), err);
	et->bcol = ET_ALLOC(et, nb, sizeof(uint32_t), err);
	et->bedge = ET_ALLOC(et, nb, sizeof(size_t), err);
	et->whead = ET_ALLOC(et, nb, sizeof(uint32_t), err);
	et->wnext = ET_ALLOC(et, nb, sizeof(uint32_t), err);
	et->cstack = ET_ALLOC(et, nb, sizeof(uint32_t), err);
	et->bbound = ET_ALLOC(et, nb, sizeof(double), err);
	et->t = ET_ALLOC(et, n, sizeof(double), err);
	et->tnext = ET_ALLOC(et, n, sizeof(double), err);
	if (et->x == NULL || et->bo == NULL || et->fin == NULL || et->active == NULL ||
		et->bcol == NULL || et->bedge == NULL || et->whead == NULL || et->wnext == NULL ||
		et->cstack == NULL || et->bbound == NULL ||
		et->t == NULL || et->tnext == NULL)
		return err->code;
	/* the rows stay only for distrust, which reads their negative part */
	if (!et->distrust)
	{
		ET_FREE(et, et->A);
		ET_FREE(et, et->rptr);
	}
	et->ordered = 1;
	return MPC_OK;
}

/* ---- solving ---- */

mpc_status
mpc_et_start(mpc_et *et, double alpha, double epsilon, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;
	size_t		n;

	if (et == NULL || (et->phase != ET_BUILT && et->phase != ET_STARTED))
		return mpc_fail(err, MPC_ERR_ARG, "the problem is not built");
	if (!(alpha > 0 && alpha <= 1))
		return mpc_fail(err, MPC_ERR_ARG, "alpha must be in (0, 1], not %g", alpha);
	if (!(epsilon > 0) || !isfinite(epsilon))
		return mpc_fail(err, MPC_ERR_ARG, "epsilon must be a positive number, not %g", epsilon);
	if (!et->ordered && et_prepare(et, err) != MPC_OK)
		return et_break(et, err);
	n = et->n;
	et->alpha = alpha;
	et->eps = epsilon;
	for (size_t q = 0; q < n; q++)
		et->x[q] = et->p[et->perm[q]];
	memset(et->fin, 0, n);
	for (size_t b = 0; b < et->nb; b++)
	{
		et->bcol[b] = et->bstart[b];
		et->bedge[b] = et->cptr[et->bstart[b]];
		et->whead[b] = UINT32_MAX;
		et->bbound[b] = INFINITY;
	}
	et->nactive = 0;
	et->ncstack = 0;
	et->nwaiting = 0;
	et->scanned = 0;
	et->final_bound = 0;
	et->xsum = 1;
	et->done = n == 0;
	et->sst.updates = 0;
	et->have_t = 0;
	et->phase = ET_STARTED;
	return MPC_OK;
}

/*
 * Advance component b's cursor over its in-edges from earlier components.
 * 1 when every one comes from a final component; else b joins the waiting
 * list of the component it is stuck on, and 0.
 */
static int
et_ready(mpc_et *et, uint32_t b)
{
	uint32_t	col = et->bcol[b],
				end = et->bstart[b + 1];
	size_t		e = et->bedge[b];

	while (col < end)
	{
		size_t		stop = et->cin[col];

		for (; e < stop; e++)
			if (!et->fin[et->crow[e]])
			{
				uint32_t	up = et->bof[et->crow[e]];

				et->bcol[b] = col;
				et->bedge[b] = e;
				et->wnext[b] = et->whead[up];
				et->whead[up] = b;
				et->nwaiting++;
				return 0;
			}
		col++;
		if (col < end)
			e = et->cptr[col];
	}
	et->bcol[b] = col;
	et->bedge[b] = e;
	return 1;
}

/* b_j = p_j + (1 - a) * (inflow from earlier components), once ready. */
static void
et_inflow(mpc_et *et, uint32_t s, uint32_t e, double oma)
{
	const size_t *restrict cptr = et->cptr;
	const size_t *restrict cin = et->cin;
	const uint32_t *restrict crow = et->crow;
	const double *restrict cval = et->cval;
	const double *restrict x = et->x;

	for (uint32_t c = s; c < e; c++)
	{
		double		acc = 0;

		for (size_t k = cptr[c]; k < cin[c]; k++)
			acc += cval[k] * x[crow[k]];
		et->bo[c] = et->p[et->perm[c]] + oma * acc;
		et->sst.updates += cin[c] - cptr[c];
	}
}

/* One Gauss-Seidel sweep over positions [s, e); returns the L1 change. */
static double
et_sweep(mpc_et *et, uint32_t s, uint32_t e, double oma, double *dsum)
{
	const size_t *restrict cptr = et->cptr;
	const size_t *restrict cin = et->cin;
	const uint32_t *restrict crow = et->crow;
	const double *restrict cval = et->cval;
	const double *restrict bo = et->bo;
	double	   *x = et->x;
	double		d = 0,
				ds = 0;

	for (uint32_t c = s; c < e; c++)
	{
		double		a0 = 0,
					a1 = 0,
					v;
		size_t		k = cin[c],
					end = cptr[c + 1];

		et->sst.updates += end - k;

		/* two accumulators: shorter dependency chains, same order every run */
		for (; k + 1 < end; k += 2)
		{
			a0 += cval[k] * x[crow[k]];
			a1 += cval[k + 1] * x[crow[k + 1]];
		}
		if (k < end)
			a0 += cval[k] * x[crow[k]];
		v = bo[c] + oma * (a0 + a1);
		d += fabs(v - x[c]);
		ds += v - x[c];
		x[c] = v;
	}
	*dsum = ds;
	return d;
}

static void
et_final(mpc_et *et, uint32_t b, double bound)
{
	memset(et->fin + et->bstart[b], 1, et->bstart[b + 1] - et->bstart[b]);
	et->bbound[b] = bound;
	et->final_bound += bound;
	et->cstack[et->ncstack++] = b;
}

/*
 * Component b has been found ready: take in its inflow; a singleton is then
 * exact (no self-loops) and final, a cyclic component joins the sweeps.
 */
static void
et_take(mpc_et *et, uint32_t b, double oma)
{
	uint32_t	s = et->bstart[b],
				e = et->bstart[b + 1];

	et_inflow(et, s, e, oma);
	if (e - s == 1)
	{
		et->xsum += et->bo[s] - et->x[s];
		et->x[s] = et->bo[s];
		et_final(et, b, 0);
	}
	else
		et->active[et->nactive++] = b;
}

/* Wake the components waiting on those just made final, transitively. */
static int
et_cascade(mpc_et *et, double oma)
{
	size_t		work = 0;

	while (et->ncstack > 0)
	{
		uint32_t	f = et->cstack[--et->ncstack],
					w = et->whead[f];

		et->whead[f] = UINT32_MAX;
		while (w != UINT32_MAX)
		{
			uint32_t	next = et->wnext[w];

			et->nwaiting--;
			if (et_ready(et, w))
				et_take(et, w, oma);
			w = next;
			if ((++work & ET_POLL_MASK) == 0 && et_poll(et))
				return 1;
		}
	}
	return 0;
}

mpc_status
mpc_et_step(mpc_et *et, double *residual, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;
	double		oma,
				scale,
				total;
	size_t		w = 0,
				snap,
				work = 0;

	if (et == NULL || et->phase != ET_STARTED)
		return mpc_fail(err, MPC_ERR_ARG, "the iteration has not been started");
	if (et_poll(et))
		return et_interrupted(et, err);
	if (et->done)
	{
		if (residual != NULL)
			*residual = et->final_bound;
		return MPC_OK;
	}
	oma = 1.0 - et->alpha;
	if (!et->scanned)
	{
		/* in topological order: most components find their inputs final */
		for (uint32_t b = 0; b < et->nb; b++)
		{
			if ((b & ET_POLL_MASK) == 0 && et_poll(et))
				return et_interrupted(et, err);
			if (et_ready(et, b))
				et_take(et, b, oma);
			if (et_cascade(et, oma))
				return et_interrupted(et, err);
		}
		et->scanned = 1;
	}
	/* component bound = scale * (L1 change of its sweep) / sum(x) */
	scale = 2 * oma / et->alpha;
	total = 0;
	snap = et->nactive;
	for (size_t k = 0; k < snap; k++)
	{
		uint32_t	b = et->active[k],
					s = et->bstart[b],
					e = et->bstart[b + 1];
		double		d,
					ds,
					bound;

		if ((work += e - s) > ET_POLL_MASK)
		{
			work = 0;
			if (et_poll(et))
				return et_interrupted(et, err);
		}
		d = et_sweep(et, s, e, oma, &ds);
		et->xsum += ds;
		bound = scale * d / et->xsum;
		et->bbound[b] = bound;
		if (bound < et->eps * (double) (e - s) / (double) et->ncyclic * (1 - 1e-9))
		{
			et_final(et, b, bound);
			if (et_cascade(et, oma))
				return et_interrupted(et, err);
		}
		else
		{
			total += bound;
			et->active[w++] = b;
		}
	}
	/* components that became ready during this pass: swept from the next */
	if (et->nactive > snap)
		memmove(et->active + w, et->active + snap, (et->nactive - snap) * sizeof(uint32_t));
	et->nactive = w + (et->nactive - snap);
	total += et->final_bound;
	if (et->nactive == 0 && et->nwaiting == 0)
		et->done = 1;
	else if (et->nwaiting == 0 && et->nactive == w && total < et->eps)
		et->done = 1;			/* the whole bound is met before every share is */
	if (et->done)
		et->final_bound = total;
	if (residual != NULL)
		*residual = (et->nwaiting > 0 || et->nactive > w) ? INFINITY : total;
	return MPC_OK;
}

mpc_status
mpc_et_finish(mpc_et *et, mpc_error *err_in)
{
	mpc_error	local_err;
	mpc_error  *err = err_in != NULL ? err_in : &local_err;
	et_sum		total = {0, 0};
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
	for (size_t q = 0; q < n; q++)
		et_sum_add(&total, et->x[q]);
	tot = et_sum_get(&total);
	if (!(tot > 0) || !isfinite(tot))
		return mpc_fail(err, MPC_ERR_INTERNAL, "the trust vector sums to %g", tot);
	for (size_t q = 0; q < n; q++)
		et->t[et->perm[q]] = et->x[q] / tot;

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
