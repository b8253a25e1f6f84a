/*
 * etsolve.c: see etsolve.h.  The passes are here; the ordering and the
 * column layout they run on are in etorder.c, the state both share in
 * etsolve_priv.h.
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
#include "etsolve_priv.h"

#include <math.h>
#include <string.h>

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
