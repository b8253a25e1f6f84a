/*
 * etorder.c: the solver's ordering (see etsolve.h and etsolve.c): Tarjan
 * over the positive entries of C, components in topological order, and the
 * matrix transposed into columns by position, in-edges from inside each
 * component last, for the pulling sweeps of etsolve.c.
 */
#include "etsolve_priv.h"

#include <string.h>

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

mpc_status
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
