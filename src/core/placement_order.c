/*
 * placement_order.c: the MST chain order of a group, greedy partitioning
 * by responsibility, and the adaptive split/merge rule (see placement.h).
 */
#include "placement_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------- MST cycle */

/* The preorder walk of a Prim MST over the m members of an n x n matrix
 * (members NULL: all n, in order).  order gets positions 0..m-1 into the
 * member list. */
static mpc_status
mst_preorder(const double *d, size_t n, const size_t *members, size_t m,
			 size_t *order, mpc_error *err)
{
	double	   *key = malloc(m * sizeof(double));
	size_t	   *parent = malloc(m * sizeof(size_t));
	unsigned char *in = calloc(m, 1);
	size_t	   *stack = malloc(m * sizeof(size_t));
	size_t	   *kids = malloc(m * sizeof(size_t));
	size_t	   *kidstart = calloc(m + 1, sizeof(size_t));
	size_t	   *fill = calloc(m, sizeof(size_t));
	size_t		top = 0,
				out = 0;
	mpc_status	s = MPC_OK;

#define MEM(i) (members ? members[i] : (i))
#define DD(a, b) d[MEM(a) * n + MEM(b)]

	if (!key || !parent || !in || !stack || !kids || !kidstart || !fill)
	{
		s = mpc_fail(err, MPC_ERR_NOMEM, "mst: out of memory for %zu members", m);
		goto done;
	}
	/* Prim from member 0; ties to the lower index */
	for (size_t i = 0; i < m; i++)
	{
		key[i] = INFINITY;
		parent[i] = m;
	}
	key[0] = 0.0;
	for (size_t step = 0; step < m; step++)
	{
		size_t		u = m;

		if ((step & 255) == 255 && mpc_interrupted())
		{
			s = mpc_fail(err, MPC_ERR_INTERRUPTED, "mst: interrupted");
			goto done;
		}

		for (size_t i = 0; i < m; i++)
			if (!in[i] && (u == m || key[i] < key[u]))
				u = i;
		in[u] = 1;
		for (size_t i = 0; i < m; i++)
			if (!in[i] && DD(u, i) < key[i])
			{
				key[i] = DD(u, i);
				parent[i] = u;
			}
	}
	/* children lists, each sorted by edge length then index */
	for (size_t i = 1; i < m; i++)
		kidstart[parent[i] + 1]++;
	for (size_t i = 0; i < m; i++)
		kidstart[i + 1] += kidstart[i];
	for (size_t i = 1; i < m; i++)
	{
		size_t		p = parent[i];

		kids[kidstart[p] + fill[p]++] = i;
	}
	for (size_t p = 0; p < m; p++)
		for (size_t a = kidstart[p] + 1; a < kidstart[p + 1]; a++)
		{
			size_t		x = kids[a],
						b = a;

			/* insertion sort: key[x] is the edge length to the parent */
			while (b > kidstart[p] &&
				   (key[kids[b - 1]] > key[x] ||
					(key[kids[b - 1]] == key[x] && kids[b - 1] > x)))
			{
				kids[b] = kids[b - 1];
				b--;
			}
			kids[b] = x;
		}
	/* preorder with an explicit stack: push children in reverse */
	stack[top++] = 0;
	while (top > 0)
	{
		size_t		u = stack[--top];

		order[out++] = u;
		for (size_t a = kidstart[u + 1]; a-- > kidstart[u];)
			stack[top++] = kids[a];
	}
	if (out != m)
		s = mpc_fail(err, MPC_ERR_INTERNAL, "mst: the walk visited %zu of %zu members", out, m);
#undef MEM
#undef DD
done:
	free(key);
	free(parent);
	free(in);
	free(stack);
	free(kids);
	free(kidstart);
	free(fill);
	return s;
}

mpc_status
placement_mst_cycle(const double *d, size_t n, size_t *order, mpc_error *err)
{
	mpc_status	s;

	if ((s = placement_check_distances(d, n, err)) != MPC_OK)
		return s;
	if (order == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "mst: NULL output");
	return mst_preorder(d, n, NULL, n, order, err);
}

static mpc_status
check_members(size_t n, const size_t *members, size_t m, const char *what,
			  mpc_error *err)
{
	unsigned char *seen;

	if (members == NULL && m > 0)
		return mpc_fail(err, MPC_ERR_ARG, "%s: NULL member list", what);
	if (m > n)
		return mpc_fail(err, MPC_ERR_ARG, "%s: %zu members of %zu points", what, m, n);
	seen = calloc(n ? n : 1, 1);
	if (seen == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "%s: out of memory", what);
	for (size_t i = 0; i < m; i++)
	{
		if (members[i] >= n || seen[members[i]])
		{
			free(seen);
			return mpc_fail(err, MPC_ERR_ARG,
							"%s: member %zu (%zu) is out of range or repeated", what, i, members[i]);
		}
		seen[members[i]] = 1;
	}
	free(seen);
	return MPC_OK;
}

mpc_status
placement_subset_cycle_length(const double *d, size_t n, const size_t *members,
							  size_t m, double *len, mpc_error *err)
{
	mpc_status	s;
	double		t = 0.0;

	if (d == NULL || len == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "cycle length: NULL argument");
	if (n == 0 || n > PLACEMENT_MAX_POINTS)
		return mpc_fail(err, MPC_ERR_ARG, "cycle length: %zu points is out of range", n);
	if ((s = check_members(n, members, m, "cycle length", err)) != MPC_OK)
		return s;
	for (size_t i = 0; m > 1 && i < m; i++)
	{
		double		x = d[members[i] * n + members[(i + 1) % m]];

		if (!isfinite(x) || x < 0.0)
			return mpc_fail(err, MPC_ERR_ARG, "cycle length: a distance is not finite and non-negative");
		t += x;
	}
	*len = t;
	return MPC_OK;
}

mpc_status
placement_cycle_length(const double *d, size_t n, const size_t *order,
					   double *len, mpc_error *err)
{
	if (order == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "cycle length: NULL order");
	return placement_subset_cycle_length(d, n, order, n, len, err);
}

mpc_status
placement_order_subset(const double *d, size_t n, size_t *members, size_t m,
					   mpc_error *err)
{
	mpc_status	s;
	size_t	   *pos,
			   *copy;

	if (d == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "order subset: NULL matrix");
	if (n == 0 || n > PLACEMENT_MAX_POINTS)
		return mpc_fail(err, MPC_ERR_ARG, "order subset: %zu points is out of range", n);
	if ((s = check_members(n, members, m, "order subset", err)) != MPC_OK)
		return s;
	/* only the entries among the members are read: check those (the whole
	 * matrix would cost O(n^2) per group) */
	for (size_t a = 0; a < m; a++)
		for (size_t b = 0; b < m; b++)
		{
			double		x = d[members[a] * n + members[b]];

			if (!isfinite(x) || x < 0.0 || x > 1e150 || (a == b && x != 0.0) ||
				(b > a && fabs(x - d[members[b] * n + members[a]]) > 1e-9 * (1.0 + fabs(x))))
				return mpc_fail(err, MPC_ERR_ARG,
								"order subset: the distances between members %zu and %zu are not a valid symmetric, non-negative, zero-diagonal pair",
								members[a], members[b]);
		}
	if (m <= 2)
		return MPC_OK;
	pos = malloc(m * sizeof(size_t));
	copy = malloc(m * sizeof(size_t));
	if (pos == NULL || copy == NULL)
	{
		free(pos);
		free(copy);
		return mpc_fail(err, MPC_ERR_NOMEM, "order subset: out of memory");
	}
	memcpy(copy, members, m * sizeof(size_t));
	s = mst_preorder(d, n, copy, m, pos, err);
	if (s == MPC_OK)
		for (size_t i = 0; i < m; i++)
			members[i] = copy[pos[i]];
	free(pos);
	free(copy);
	return s;
}

/* ----------------------------------------------------------- greedy */

typedef struct resp_idx
{
	double		r;
	size_t		i;
} resp_idx;

/* decreasing response time, then increasing index: a total order, so the
 * sort is deterministic whatever qsort does with equal keys */
static int
resp_desc_cmp(const void *a, const void *b)
{
	const resp_idx *x = a,
			   *y = b;

	if (x->r != y->r)
		return x->r > y->r ? -1 : 1;
	return x->i < y->i ? -1 : (x->i > y->i);
}

static mpc_status
check_resp(const double *resp, size_t n, size_t k, const char *what,
		   mpc_error *err)
{
	mpc_status	s;

	if ((s = placement_check_n(n, PLACEMENT_MAX_POINTS, what, err)) != MPC_OK)
		return s;
	if (resp == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "%s: NULL response times", what);
	if (k < 1 || k > n)
		return mpc_fail(err, MPC_ERR_ARG,
						"%s: the number of groups must be between 1 and %zu, not %zu", what, n, k);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(resp[i]) || resp[i] < 0.0 || resp[i] > 1e150)
			return mpc_fail(err, MPC_ERR_ARG,
							"%s: response time %zu is not a finite non-negative number of sensible size",
							what, i);
	return MPC_OK;
}

mpc_status
placement_greedy(const double *resp, size_t n, size_t k, int balanced,
				 size_t *assign, mpc_error *err)
{
	mpc_status	s;
	resp_idx   *idx;
	size_t	   *count;
	double	   *load;
	size_t		lo,
				extra,
				full_hi = 0;

	if ((s = check_resp(resp, n, k, "greedy", err)) != MPC_OK)
		return s;
	if (assign == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "greedy: NULL output");
	idx = malloc(n * sizeof(resp_idx));
	count = calloc(k, sizeof(size_t));
	load = calloc(k, sizeof(double));
	if (idx == NULL || count == NULL || load == NULL)
	{
		free(idx);
		free(count);
		free(load);
		return mpc_fail(err, MPC_ERR_NOMEM, "greedy: out of memory");
	}
	for (size_t i = 0; i < n; i++)
	{
		idx[i].r = resp[i];
		idx[i].i = i;
	}
	qsort(idx, n, sizeof(resp_idx), resp_desc_cmp);

	lo = n / k;
	extra = n % k;
	for (size_t t = 0; t < n; t++)
	{
		size_t		i = idx[t].i,
					best = k;

		for (size_t c = 0; c < k; c++)
		{
			if (balanced)
			{
				size_t		cap = (full_hi < extra) ? lo + 1 : lo;

				if (count[c] >= cap)
					continue;
			}
			if (best == k || load[c] < load[best])
				best = c;
		}
		if (best == k)
		{
			s = mpc_fail(err, MPC_ERR_INTERNAL, "greedy: no group has room");
			break;
		}
		assign[i] = best;
		load[best] += resp[i];
		count[best]++;
		if (balanced && extra > 0 && count[best] == lo + 1)
			full_hi++;
	}
	free(idx);
	free(count);
	free(load);
	return s;
}

mpc_status
placement_max_load(const double *resp, size_t n, size_t k,
				   const size_t *assign, double *max_load, mpc_error *err)
{
	mpc_status	s;
	double	   *load;
	double		m = 0.0;

	if ((s = check_resp(resp, n, k, "max load", err)) != MPC_OK)
		return s;
	if (assign == NULL || max_load == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "max load: NULL argument");
	for (size_t i = 0; i < n; i++)
		if (assign[i] >= k)
			return mpc_fail(err, MPC_ERR_ARG, "max load: member %zu is in group %zu of %zu",
							i, assign[i], k);
	load = calloc(k, sizeof(double));
	if (load == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "max load: out of memory");
	for (size_t i = 0; i < n; i++)
		load[assign[i]] += resp[i];
	for (size_t c = 0; c < k; c++)
		if (load[c] > m)
			m = load[c];
	free(load);
	*max_load = m;
	return MPC_OK;
}

/* ------------------------------------------------- adaptive balancing */

static int
double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

void
placement_adapt_defaults(placement_adapt_params *p)
{
	p->split_ratio = 2.0;
	p->merge_ratio = 0.5;
	p->min_size = 2;
	p->max_size = 0;
}

mpc_status
placement_adapt(const size_t *members, const size_t *offsets, size_t nchains,
				const double *times, const placement_adapt_params *params,
				size_t *out_members, size_t *out_offsets, size_t *out_nchains,
				int *changed, mpc_error *err)
{
	size_t		total;
	double		ref;
	double	   *sorted = NULL;
	size_t	   *partner = NULL,	/* merged into: index, or nchains */
			   *fast = NULL;
	unsigned char *absorbed = NULL,
			   *seen = NULL;
	size_t		nfast = 0,
				oc = 0,
				om = 0;
	int			any = 0;
	mpc_status	s = MPC_OK;

	if (members == NULL || offsets == NULL || times == NULL || params == NULL ||
		out_members == NULL || out_offsets == NULL || out_nchains == NULL ||
		changed == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "adapt: NULL argument");
	if (nchains < 1 || nchains > PLACEMENT_MAX_POINTS)
		return mpc_fail(err, MPC_ERR_ARG, "adapt: %zu chains is out of range", nchains);
	if (!(params->split_ratio > 1.0) || !isfinite(params->split_ratio))
		return mpc_fail(err, MPC_ERR_ARG, "adapt: split_ratio must be a finite number above 1");
	if (!(params->merge_ratio >= 0.0 && params->merge_ratio < 1.0))
		return mpc_fail(err, MPC_ERR_ARG, "adapt: merge_ratio must be in [0, 1)");
	if (params->min_size < 1)
		return mpc_fail(err, MPC_ERR_ARG, "adapt: min_size must be at least 1");
	if (params->max_size != 0 && params->max_size < params->min_size)
		return mpc_fail(err, MPC_ERR_ARG, "adapt: max_size must be 0 or at least min_size");
	if (offsets[0] != 0)
		return mpc_fail(err, MPC_ERR_ARG, "adapt: offsets[0] must be 0");
	for (size_t c = 0; c < nchains; c++)
	{
		if (offsets[c + 1] <= offsets[c])
			return mpc_fail(err, MPC_ERR_ARG, "adapt: chain %zu is empty or offsets decrease", c);
		if (!isfinite(times[c]) || times[c] < 0.0 || times[c] > 1e150)
			return mpc_fail(err, MPC_ERR_ARG,
							"adapt: the time of chain %zu is not a finite non-negative number", c);
	}
	total = offsets[nchains];
	if (total > PLACEMENT_MAX_POINTS)
		return mpc_fail(err, MPC_ERR_ARG, "adapt: %zu members is more than the limit", total);

	/* the reference is the median time: one slow chain must not make all
	 * the others look fast */
	sorted = malloc(nchains * sizeof(double));
	if (sorted == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "adapt: out of memory");
	memcpy(sorted, times, nchains * sizeof(double));
	qsort(sorted, nchains, sizeof(double), double_cmp);
	ref = (nchains % 2) ? sorted[nchains / 2]
		: 0.5 * (sorted[nchains / 2 - 1] + sorted[nchains / 2]);
	free(sorted);

	partner = malloc(nchains * sizeof(size_t));
	fast = malloc(nchains * sizeof(size_t));
	absorbed = calloc(nchains, 1);
	seen = calloc(total, 1);
	if (!partner || !fast || !absorbed || !seen)
	{
		s = mpc_fail(err, MPC_ERR_NOMEM, "adapt: out of memory");
		goto out;
	}
	/* the chains must partition 0 .. total - 1 */
	for (size_t t = 0; t < total; t++)
	{
		if (members[t] >= total || seen[members[t]])
		{
			s = mpc_fail(err, MPC_ERR_ARG,
						 "adapt: member %zu is out of range or appears twice, the chains must partition 0 .. %zu",
						 members[t], total - 1);
			goto out;
		}
		seen[members[t]] = 1;
	}

	/* merge candidates: fast chains, by increasing time then index */
	for (size_t c = 0; c < nchains; c++)
	{
		partner[c] = nchains;
		if (times[c] < params->merge_ratio * ref)
		{
			size_t		b = nfast;

			while (b > 0 && (times[fast[b - 1]] > times[c]))
			{
				fast[b] = fast[b - 1];
				b--;
			}
			fast[b] = c;
			nfast++;
		}
	}
	for (size_t a = 0; a + 1 < nfast; a += 2)
	{
		size_t		x = fast[a],
					y = fast[a + 1],
					first = x < y ? x : y,
					second = x < y ? y : x,
					size = (offsets[x + 1] - offsets[x]) + (offsets[y + 1] - offsets[y]);

		if (times[x] + times[y] > ref)
			break;				/* later pairs are slower still */
		if (params->max_size != 0 && size > params->max_size)
			continue;
		partner[first] = second;
		absorbed[second] = 1;
	}

	out_offsets[0] = 0;
	for (size_t c = 0; c < nchains; c++)
	{
		size_t		m = offsets[c + 1] - offsets[c];
		const size_t *src = members + offsets[c];

		if (absorbed[c])
			continue;
		if (partner[c] != nchains)
		{
			size_t		o = partner[c];
			size_t		m2 = offsets[o + 1] - offsets[o];

			memcpy(out_members + om, src, m * sizeof(size_t));
			memcpy(out_members + om + m, members + offsets[o], m2 * sizeof(size_t));
			om += m + m2;
			out_offsets[++oc] = om;
			any = 1;
		}
		else if (times[c] > params->split_ratio * ref && m >= 2 * params->min_size)
		{
			size_t		h = (m + 1) / 2;

			memcpy(out_members + om, src, m * sizeof(size_t));
			out_offsets[++oc] = om + h;
			om += m;
			out_offsets[++oc] = om;
			any = 1;
		}
		else
		{
			memcpy(out_members + om, src, m * sizeof(size_t));
			om += m;
			out_offsets[++oc] = om;
		}
	}
	if (om != total)
	{
		s = mpc_fail(err, MPC_ERR_INTERNAL, "adapt: %zu members out of %zu", om, total);
		goto out;
	}
	*out_nchains = oc;
	*changed = any;
out:
	free(partner);
	free(fast);
	free(absorbed);
	free(seen);
	return s;
}

