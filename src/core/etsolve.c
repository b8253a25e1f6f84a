/*
 * etsolve.c: see etsolve.h.  (About 700 lines: the ordering and the passes
 * share the component layout; apart, that layout would become a header of
 * its own for two files.)
 *
 * - The order: Tarjan over the positive entries of C; components in
 *   topological order and, inside one, in DFS discovery order, so that most
 *   edges point forward and a sweep sees most new values at once.
 * - The sweep pulls: x_j = b_j + (1 - a) sum over in-edges (i, j) inside the
 *   component of c_ij x_i, where b_j (pre-trust plus what flows in from
 *   earlier components) is computed once, when every earlier component it
 *   depends on is final.  Components that do not depend on each other are
 *   swept in the same pass; a component waiting for another sits in that
 *   one's waiting list and costs nothing until it is woken.  Every order is
 *   fixed, so the result is the same on every run.
 * - Stopping: after a sweep of component B that changed x by d_B in L1, its
 *   residual is at most (1 - a) d_B (only the in-edges from later in B saw
 *   old values); the residuals of all components bound ||x - x*||_1 by
 *   sum / a, and t = x / sum(x) is within twice that over sum(x) of the
 *   exact fixed point.  A component stops when its share of epsilon (its
 *   share of the peers in cyclic components) is met.
 */
#include "etsolve.h"

#include <math.h>
#include <string.h>

#define ET_POLL_MASK	0xFFFF	/* poll for interrupts every 65536 items */

struct mpc_ets
{
	mpc_alloc	a;
	int			(*poll) (void *);
	void	   *poll_arg;
	size_t		n;
	const size_t *rptr;			/* only during create */
	const mpc_rating *A;
	const double *p;			/* by peer index */

	uint32_t   *perm;			/* position -> peer index */
	uint32_t   *bstart;			/* nb + 1 component starts (positions) */
	size_t		nb;
	size_t		ncyclic;		/* positions in cyclic components */
	size_t	   *cptr;			/* n + 1, columns by position */
	size_t	   *cin;			/* n: first in-edge from inside the component */
	uint32_t   *crow;			/* row position of each in-edge */
	double	   *cval;			/* its c_ij */
	uint32_t   *bof;			/* by position: its component */
	mpc_et_solver_stats sst;

	double		alpha;
	double		eps;
	double	   *x;				/* by position */
	double	   *bo;				/* by position: p_j + (1 - a) * inflow */
	unsigned char *fin;			/* by position: its component is final */
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
};

#define ET_ALLOC(et, n, size, err) mpc_alloc_array(&(et)->a, (n), (size), (err))
#define ET_FREE(et, ptr) MPC_ALLOC_FREE(&(et)->a, ptr)

static inline int
et_poll(const mpc_ets *et)
{
	return et->poll != NULL ? et->poll(et->poll_arg) : 0;
}

static mpc_status
et_interrupted(mpc_ets *et, mpc_error *err)
{
	(void) et;
	return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
}

/*
 * Tarjan's algorithm over the positive entries of C, without recursion.
 * Components come out sinks first; they are placed from the last position
 * backwards, so positions run in topological order, each component's
 * members in discovery order.  Fills perm, bstart, nb.
 */
static mpc_status
et_order(mpc_ets *et, uint32_t *pos_of, mpc_error *err)
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

	/*
	 * Inside each component, ascending peer index rather than DFS order: the
	 * same number of passes (measured), but sweeps that follow the ids' own
	 * locality (hubs have small ids in most data) run about a third faster.
	 */
	for (size_t b = 0; b < nb; b++)
		for (uint32_t q = et->bstart[b]; q < et->bstart[b + 1]; q++)
			num[q] = (uint32_t) b;
	for (size_t b = 0; b < nb; b++)
		low[b] = et->bstart[b];
	for (size_t v = 0; v < n; v++)
		et->perm[low[num[pos_of[v]]]++] = (uint32_t) v;
	for (size_t q = 0; q < n; q++)
		pos_of[et->perm[q]] = (uint32_t) q;
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
et_transpose(mpc_ets *et, const uint32_t *pos_of, const uint32_t *indeg, mpc_error *err)
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
	et->cptr[0] = 0;
	for (size_t v = 0; v < n; v++)
		et->cptr[pos_of[v] + 1] = indeg[v];
	for (size_t j = 0; j < n; j++)
		et->cptr[j + 1] += et->cptr[j];
	m = et->cptr[n];
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
ets_prepare(mpc_ets *et, mpc_error *err)
{
	size_t		n = et->n;
	uint32_t   *pos_of = ET_ALLOC(et, n, sizeof(uint32_t), err);
	uint32_t   *indeg = ET_ALLOC(et, n, sizeof(uint32_t), err);
	size_t		nb,
				trivial = 0;

	if (pos_of == NULL || indeg == NULL)
		goto fail;
	/*
	 * Peers without a positive in-edge or out-edge are singletons whatever
	 * the rest.  When they are few (under 1/16), the graph is essentially
	 * one component and ordering it would cost more than it saves: the whole
	 * graph is then one block in index order, swept as a whole (the stopping
	 * bound holds for any block).
	 */
	memset(indeg, 0, n * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++)
	{
		int			out = 0;

		for (size_t k = et->rptr[i]; k < et->rptr[i + 1]; k++)
			if (et->A[k].w > 0)
			{
				indeg[et->A[k].dst]++;
				out = 1;
			}
		trivial += !out;
	}
	for (size_t v = 0; v < n; v++)
		trivial += indeg[v] == 0;
	if (n > 1 && trivial * 16 < n)
	{
		et->perm = ET_ALLOC(et, n, sizeof(uint32_t), err);
		et->bstart = ET_ALLOC(et, 2, sizeof(uint32_t), err);
		if (et->perm == NULL || et->bstart == NULL)
			goto fail;
		for (size_t v = 0; v < n; v++)
			et->perm[v] = pos_of[v] = (uint32_t) v;
		et->bstart[0] = 0;
		et->bstart[1] = (uint32_t) n;
		et->nb = 1;
		et->ncyclic = n;
		et->sst.flat = 1;
		et->sst.components = et->sst.cyclic = 1;
		et->sst.largest = n;
	}
	else if (et_order(et, pos_of, err) != MPC_OK)
		goto fail;
	if (et_transpose(et, pos_of, indeg, err) != MPC_OK)
		goto fail;
	ET_FREE(et, pos_of);
	ET_FREE(et, indeg);
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
	if (et->x == NULL || et->bo == NULL || et->fin == NULL || et->active == NULL ||
		et->bcol == NULL || et->bedge == NULL || et->whead == NULL || et->wnext == NULL ||
		et->cstack == NULL || et->bbound == NULL)
		return err->code;
	return MPC_OK;

fail:
	ET_FREE(et, pos_of);
	ET_FREE(et, indeg);
	return err->code;
}

/*
 * Advance component b's cursor over its in-edges from earlier components.
 * 1 when every one comes from a final component; else b joins the waiting
 * list of the component it is stuck on, and 0.
 */
static int
et_ready(mpc_ets *et, uint32_t b)
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
et_inflow(mpc_ets *et, uint32_t s, uint32_t e, double oma)
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
et_sweep(mpc_ets *et, uint32_t s, uint32_t e, double oma, double *dsum)
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
et_final(mpc_ets *et, uint32_t b, double bound)
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
et_take(mpc_ets *et, uint32_t b, double oma)
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
et_cascade(mpc_ets *et, double oma)
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
mpc_ets_step(mpc_ets *et, double *residual, mpc_error *err)
{
	double		oma,
				scale,
				total;
	size_t		w = 0,
				snap,
				work = 0;

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

void
mpc_ets_free(mpc_ets *et)
{
	if (et == NULL)
		return;
	ET_FREE(et, et->perm);
	ET_FREE(et, et->bstart);
	ET_FREE(et, et->cptr);
	ET_FREE(et, et->cin);
	ET_FREE(et, et->crow);
	ET_FREE(et, et->cval);
	ET_FREE(et, et->bof);
	ET_FREE(et, et->x);
	ET_FREE(et, et->bo);
	ET_FREE(et, et->fin);
	ET_FREE(et, et->active);
	ET_FREE(et, et->bcol);
	ET_FREE(et, et->bedge);
	ET_FREE(et, et->whead);
	ET_FREE(et, et->wnext);
	ET_FREE(et, et->cstack);
	ET_FREE(et, et->bbound);
	et->a.free(et->a.ctx, et);
}

mpc_status
mpc_ets_create(const mpc_alloc *a, size_t n, const size_t *rptr, const mpc_rating *A,
			   const double *p, int (*poll) (void *), void *poll_arg,
			   mpc_ets **out, mpc_error *err)
{
	mpc_ets    *et = mpc_alloc_array(a, 1, sizeof(mpc_ets), err);

	*out = NULL;
	if (et == NULL)
		return err->code;
	memset(et, 0, sizeof(*et));
	et->a = *a;
	et->poll = poll;
	et->poll_arg = poll_arg;
	et->n = n;
	et->rptr = rptr;
	et->A = A;
	et->p = p;
	if (ets_prepare(et, err) != MPC_OK)
	{
		mpc_ets_free(et);
		return err->code;
	}
	et->rptr = NULL;
	et->A = NULL;
	*out = et;
	return MPC_OK;
}

void
mpc_ets_start(mpc_ets *et, double alpha, double epsilon)
{
	size_t		n = et->n;

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
}

void
mpc_ets_get_x(const mpc_ets *et, double *x)
{
	for (size_t q = 0; q < et->n; q++)
		x[et->perm[q]] = et->x[q];
}

void
mpc_ets_get_stats(const mpc_ets *et, mpc_et_solver_stats *st)
{
	*st = et->sst;
}
