/*
 * placement_groups.c: balanced k-means (k-means++ seeding) and random
 * partitions of the placement points (see placement.h).  Deterministic
 * given the seed, like everything in placement.c.
 */
#include "placement_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- k-means */

typedef struct pair_dist
{
	double		d;
	size_t		point;
	size_t		centre;
} pair_dist;

static int
pair_cmp(const void *a, const void *b)
{
	const pair_dist *x = a,
			   *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	if (x->point != y->point)
		return x->point < y->point ? -1 : 1;
	return x->centre < y->centre ? -1 : (x->centre > y->centre);
}

/* k-means++: the first centre uniform, each next one with probability
 * proportional to the squared distance to the nearest centre so far. */
static void
kmeanspp(const double *pts, size_t n, size_t k, placement_prg *g,
		 double *centres, double *mind)
{
	size_t		first = (size_t) placement_prg_below(g, n);

	memcpy(centres, pts + first * 3, 3 * sizeof(double));
	for (size_t i = 0; i < n; i++)
		mind[i] = dist3sq(pts + i * 3, centres);
	for (size_t c = 1; c < k; c++)
	{
		double		total = 0.0,
					r,
					acc = 0.0;
		size_t		pick = n;

		for (size_t i = 0; i < n; i++)
			total += mind[i];
		if (total > 0.0)
		{
			r = placement_prg_uniform(g) * total;
			for (size_t i = 0; i < n; i++)
			{
				acc += mind[i];
				if (mind[i] > 0.0 && r < acc)
				{
					pick = i;
					break;
				}
			}
			if (pick == n)		/* rounding at the very end */
				for (size_t i = n; i-- > 0;)
					if (mind[i] > 0.0)
					{
						pick = i;
						break;
					}
		}
		if (pick == n)			/* every point coincides with a centre */
			pick = (size_t) placement_prg_below(g, n);
		memcpy(centres + c * 3, pts + pick * 3, 3 * sizeof(double));
		for (size_t i = 0; i < n; i++)
		{
			double		x = dist3sq(pts + i * 3, centres + c * 3);

			if (x < mind[i])
				mind[i] = x;
		}
	}
}

static size_t
nearest(const double *p, const double *centres, size_t k)
{
	size_t		arg = 0;
	double		best = dist3sq(p, centres);

	for (size_t c = 1; c < k; c++)
	{
		double		x = dist3sq(p, centres + c * 3);

		if (x < best)
		{
			best = x;
			arg = c;
		}
	}
	return arg;
}

/* Balanced assignment.  Each point's BAL_NEAR nearest centres give the
 * candidate pairs; pairs in increasing distance each assign their point to
 * their centre if the point is free and the centre has room.  Capacities
 * are ceil(n/k) until n mod k groups have reached it, floor(n/k) after.
 * A point left over (all its near centres full) goes, in index order, to
 * the nearest centre with room.  Sorting n * BAL_NEAR pairs instead of
 * n * k keeps this cheap for large k. */
#define BAL_NEAR 16

static void
assign_balanced(const double *pts, size_t n, size_t k, const double *centres,
				pair_dist *pairs, size_t *count, size_t *assign)
{
	size_t		lo = n / k,
				extra = n % k,
				full_hi = 0,
				near = k < BAL_NEAR ? k : BAL_NEAR,
				npairs = n * near;

	for (size_t i = 0; i < n; i++)
	{
		pair_dist  *buf = &pairs[i * near];
		size_t		have = 0;

		/* keep the near closest centres, sorted, ties to the lower index */
		for (size_t c = 0; c < k; c++)
		{
			double		x = dist3sq(pts + i * 3, centres + c * 3);
			size_t		b;

			if (have == near && x >= buf[near - 1].d)
				continue;
			b = (have < near) ? have++ : near - 1;
			while (b > 0 && buf[b - 1].d > x)
			{
				buf[b] = buf[b - 1];
				b--;
			}
			buf[b].d = x;
			buf[b].point = i;
			buf[b].centre = c;
		}
	}
	qsort(pairs, npairs, sizeof(pair_dist), pair_cmp);
	for (size_t i = 0; i < n; i++)
		assign[i] = k;
	memset(count, 0, k * sizeof(size_t));
	for (size_t t = 0; t < npairs; t++)
	{
		size_t		i = pairs[t].point,
					c = pairs[t].centre,
					cap = (full_hi < extra) ? lo + 1 : lo;

		if (assign[i] != k || count[c] >= cap)
			continue;
		assign[i] = c;
		if (++count[c] == lo + 1)
			full_hi++;
	}
	for (size_t i = 0; i < n; i++)
	{
		size_t		best = k,
					cap = (full_hi < extra) ? lo + 1 : lo;
		double		bd = 0.0;

		if (assign[i] != k)
			continue;
		for (size_t c = 0; c < k; c++)
		{
			double		x;

			if (count[c] >= cap)
				continue;
			x = dist3sq(pts + i * 3, centres + c * 3);
			if (best == k || x < bd)
			{
				best = c;
				bd = x;
			}
		}
		/* there is always room: fewer than n points are placed */
		assign[i] = best;
		if (++count[best] == lo + 1)
			full_hi++;
	}
}

mpc_status
placement_kmeans(const double *pts, size_t n, size_t k, uint64_t seed,
				 int balanced, unsigned max_iter, size_t *assign,
				 double *centres_out, unsigned *iters, mpc_error *err)
{
	mpc_status	s;
	placement_prg g;
	double	   *centres = NULL,
			   *sums = NULL,
			   *mind = NULL;
	size_t	   *count = NULL,
			   *fresh = NULL;
	pair_dist  *pairs = NULL;
	unsigned	it = 0;

	if ((s = placement_check_n(n, PLACEMENT_MAX_POINTS, "k-means", err)) != MPC_OK)
		return s;
	if ((s = placement_check_points(pts, n, "k-means", err)) != MPC_OK)
		return s;
	if (k < 1 || k > n)
		return mpc_fail(err, MPC_ERR_ARG,
						"k-means: the number of groups must be between 1 and %zu, not %zu", n, k);
	if (assign == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "k-means: NULL output");
	if (max_iter == 0)
		max_iter = 100;

	centres = malloc(k * 3 * sizeof(double));
	sums = malloc(k * 3 * sizeof(double));
	mind = malloc(n * sizeof(double));
	count = malloc(k * sizeof(size_t));
	if (balanced)
	{
		pairs = malloc(n * (k < BAL_NEAR ? k : BAL_NEAR) * sizeof(pair_dist));
		fresh = malloc(n * sizeof(size_t));
	}
	if (centres == NULL || sums == NULL || mind == NULL || count == NULL ||
		(balanced && (pairs == NULL || fresh == NULL)))
	{
		s = mpc_fail(err, MPC_ERR_NOMEM, "k-means: out of memory");
		goto out;
	}

	placement_prg_seed(&g, seed);
	kmeanspp(pts, n, k, &g, centres, mind);
	for (size_t i = 0; i < n; i++)
		assign[i] = k;			/* nothing assigned yet */

	for (it = 1; it <= max_iter; it++)
	{
		int			changed = 0;

		if (mpc_interrupted())
		{
			s = mpc_fail(err, MPC_ERR_INTERRUPTED, "k-means: interrupted");
			goto out;
		}
		/* assignment step */
		if (balanced)
		{
			assign_balanced(pts, n, k, centres, pairs, count, fresh);
			for (size_t i = 0; i < n; i++)
				if (fresh[i] != assign[i])
				{
					assign[i] = fresh[i];
					changed = 1;
				}
		}
		else
		{
			memset(count, 0, k * sizeof(size_t));
			for (size_t i = 0; i < n; i++)
			{
				size_t		c = nearest(pts + i * 3, centres, k);

				if (c != assign[i])
				{
					assign[i] = c;
					changed = 1;
				}
				count[c]++;
			}
			/* an empty group takes the point farthest from its centre
			 * (among groups with more than one member) */
			for (size_t c = 0; c < k; c++)
			{
				size_t		far = n;
				double		fard = -1.0;

				if (count[c] > 0)
					continue;
				for (size_t i = 0; i < n; i++)
				{
					double		x;

					if (count[assign[i]] < 2)
						continue;
					x = dist3sq(pts + i * 3, centres + assign[i] * 3);
					if (x > fard)
					{
						fard = x;
						far = i;
					}
				}
				if (far == n)
				{
					s = mpc_fail(err, MPC_ERR_INTERNAL, "k-means: no point to refill an empty group");
					goto out;
				}
				count[assign[far]]--;
				assign[far] = c;
				count[c] = 1;
				memcpy(centres + c * 3, pts + far * 3, 3 * sizeof(double));
				changed = 1;
			}
		}
		if (!changed && it > 1)
			break;
		/* update step */
		memset(sums, 0, k * 3 * sizeof(double));
		for (size_t i = 0; i < n; i++)
			for (int a = 0; a < 3; a++)
				sums[assign[i] * 3 + a] += pts[i * 3 + a];
		for (size_t c = 0; c < k; c++)
			if (count[c] > 0)
				for (int a = 0; a < 3; a++)
					centres[c * 3 + a] = sums[c * 3 + a] / (double) count[c];
	}
	if (it > max_iter)
		it = max_iter;
	if (centres_out != NULL)
		memcpy(centres_out, centres, k * 3 * sizeof(double));
	if (iters != NULL)
		*iters = it;
	s = MPC_OK;
out:
	free(centres);
	free(sums);
	free(mind);
	free(count);
	free(pairs);
	free(fresh);
	return s;
}

mpc_status
placement_random_partition(size_t n, size_t k, uint64_t seed, size_t *assign,
						   mpc_error *err)
{
	mpc_status	s;
	placement_prg g;
	size_t	   *perm;

	if ((s = placement_check_n(n, PLACEMENT_MAX_POINTS, "random partition", err)) != MPC_OK)
		return s;
	if (k < 1 || k > n)
		return mpc_fail(err, MPC_ERR_ARG,
						"random partition: the number of groups must be between 1 and %zu, not %zu", n, k);
	if (assign == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "random partition: NULL output");
	perm = malloc(n * sizeof(size_t));
	if (perm == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "random partition: out of memory");
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	placement_prg_seed(&g, seed);
	placement_prg_shuffle(&g, perm, n);
	for (size_t i = 0; i < n; i++)
		assign[perm[i]] = i % k;
	free(perm);
	return MPC_OK;
}

