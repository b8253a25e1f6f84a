/*
 * placement.c: MDS, k-means, MST chain order, adaptive split/merge and
 * greedy partitioning for the task groups of the seed paper (section 4.3).
 *
 * Everything is deterministic given its inputs and seed: ties are broken by
 * the lower index, loops run in index order, and the only randomness is the
 * PRG below.  Inputs are validated before any arithmetic; temporary memory
 * is malloc'ed and freed before return.
 */
#include "placement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- PRG */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

void
placement_prg_seed(placement_prg *g, uint64_t seed)
{
	uint64_t	x = seed;

	for (int i = 0; i < 4; i++)
		g->s[i] = splitmix64(&x);
}

uint64_t
placement_prg_next(placement_prg *g)
{
	uint64_t   *s = g->s;
	uint64_t	out = rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double
placement_prg_uniform(placement_prg *g)
{
	return (double) (placement_prg_next(g) >> 11) * 0x1.0p-53;
}

uint64_t
placement_prg_below(placement_prg *g, uint64_t bound)
{
	uint64_t	limit,
				v;

	if (bound == 0)
		return 0;
	/* reject the top partial copy of [0, bound) so every value is equally
	 * likely */
	limit = UINT64_MAX - (UINT64_MAX % bound + 1) % bound;
	do
		v = placement_prg_next(g);
	while (v > limit);
	return v % bound;
}

mpc_status
placement_prg_geometric(placement_prg *g, double p, uint64_t *out,
						mpc_error *err)
{
	double		u;

	if (g == NULL || out == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "placement_prg_geometric: NULL argument");
	if (!(p > 0.0 && p <= 1.0))
		return mpc_fail(err, MPC_ERR_ARG,
						"geometric parameter p must be in (0, 1], not %g", p);
	if (p == 1.0)
	{
		*out = 1;
		return MPC_OK;
	}
	/* inversion: ceil(log(1 - u) / log(1 - p)) with 1 - u in (0, 1] */
	u = 1.0 - placement_prg_uniform(g);
	{
		double		x = ceil(log(u) / log1p(-p));

		if (x < 1.0)
			x = 1.0;
		if (x > 1e18)
			x = 1e18;
		*out = (uint64_t) x;
	}
	return MPC_OK;
}

void
placement_prg_shuffle(placement_prg *g, size_t *a, size_t n)
{
	for (size_t i = n; i > 1; i--)
	{
		size_t		j = (size_t) placement_prg_below(g, i);
		size_t		t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* ----------------------------------------------------------- checks */

static mpc_status
check_n(size_t n, size_t max, const char *what, mpc_error *err)
{
	if (n == 0)
		return mpc_fail(err, MPC_ERR_ARG, "%s: the number of points must be at least 1", what);
	if (n > max)
		return mpc_fail(err, MPC_ERR_ARG, "%s: %zu points is more than the limit of %zu",
						what, n, max);
	return MPC_OK;
}

static mpc_status
check_points(const double *pts, size_t n, const char *what, mpc_error *err)
{
	if (pts == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "%s: NULL points", what);
	for (size_t i = 0; i < n * PLACEMENT_DIM; i++)
		if (!isfinite(pts[i]) || fabs(pts[i]) > 1e150)
			return mpc_fail(err, MPC_ERR_ARG,
							"%s: coordinate %zu of point %zu is not a finite number of sensible size",
							what, i % PLACEMENT_DIM, i / PLACEMENT_DIM);
	return MPC_OK;
}

mpc_status
placement_check_distances(const double *d, size_t n, mpc_error *err)
{
	mpc_status	s;

	if ((s = check_n(n, PLACEMENT_MAX_POINTS, "distance matrix", err)) != MPC_OK)
		return s;
	if (d == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "distance matrix: NULL matrix");
	for (size_t i = 0; i < n; i++)
	{
		if (d[i * n + i] != 0.0)
			return mpc_fail(err, MPC_ERR_ARG,
							"distance matrix: the diagonal entry %zu is %g, not 0", i, d[i * n + i]);
		for (size_t j = 0; j < n; j++)
		{
			double		a = d[i * n + j];

			if (!isfinite(a) || a < 0.0 || a > 1e150)
				return mpc_fail(err, MPC_ERR_ARG,
								"distance matrix: entry (%zu, %zu) is not a finite non-negative number of sensible size",
								i, j);
			if (j > i && fabs(a - d[j * n + i]) > 1e-9 * (1.0 + fabs(a)))
				return mpc_fail(err, MPC_ERR_ARG,
								"distance matrix: entries (%zu, %zu) and (%zu, %zu) differ, it must be symmetric",
								i, j, j, i);
		}
	}
	return MPC_OK;
}

static inline double
dist3(const double *a, const double *b)
{
	double		x = a[0] - b[0],
				y = a[1] - b[1],
				z = a[2] - b[2];

	return sqrt(x * x + y * y + z * z);
}

static inline double
dist3sq(const double *a, const double *b)
{
	double		x = a[0] - b[0],
				y = a[1] - b[1],
				z = a[2] - b[2];

	return x * x + y * y + z * z;
}

mpc_status
placement_distances(const double *pts, size_t n, double *d, mpc_error *err)
{
	mpc_status	s;

	if ((s = check_n(n, PLACEMENT_MAX_POINTS, "distances", err)) != MPC_OK)
		return s;
	if ((s = check_points(pts, n, "distances", err)) != MPC_OK)
		return s;
	if (d == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "distances: NULL output");
	for (size_t i = 0; i < n; i++)
	{
		d[i * n + i] = 0.0;
		for (size_t j = i + 1; j < n; j++)
			d[i * n + j] = d[j * n + i] = dist3(pts + i * 3, pts + j * 3);
	}
	return MPC_OK;
}

/* -------------------------------------------------------------- MDS */

/*
 * Cyclic Jacobi on the symmetric n x n matrix a (destroyed): eigenvalues
 * into w, eigenvectors as columns of v.  Converges for every symmetric
 * matrix; we stop when the off-diagonal mass is negligible.
 */
static mpc_status
jacobi_eigen(double *a, size_t n, double *w, double *v, mpc_error *err)
{
	double		scale = 0.0;

	for (size_t i = 0; i < n * n; i++)
		scale += a[i] * a[i];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			v[i * n + j] = (i == j) ? 1.0 : 0.0;

	for (int sweep = 0; sweep < 100; sweep++)
	{
		double		off = 0.0;

		for (size_t p = 0; p < n; p++)
			for (size_t q = p + 1; q < n; q++)
				off += a[p * n + q] * a[p * n + q];
		if (off <= 1e-22 * scale || off == 0.0)
		{
			for (size_t i = 0; i < n; i++)
				w[i] = a[i * n + i];
			return MPC_OK;
		}
		if (mpc_interrupted())
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "mds: interrupted");

		for (size_t p = 0; p < n; p++)
			for (size_t q = p + 1; q < n; q++)
			{
				double		apq = a[p * n + q],
							theta,
							t,
							c,
							s;

				if (fabs(apq) < 1e-300)
					continue;
				theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
				t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
				c = 1.0 / sqrt(t * t + 1.0);
				s = t * c;
				/* rotate rows and columns p and q */
				for (size_t k = 0; k < n; k++)
				{
					double		akp = a[k * n + p],
								akq = a[k * n + q];

					a[k * n + p] = c * akp - s * akq;
					a[k * n + q] = s * akp + c * akq;
				}
				for (size_t k = 0; k < n; k++)
				{
					double		apk = a[p * n + k],
								aqk = a[q * n + k];

					a[p * n + k] = c * apk - s * aqk;
					a[q * n + k] = s * apk + c * aqk;
				}
				for (size_t k = 0; k < n; k++)
				{
					double		vkp = v[k * n + p],
								vkq = v[k * n + q];

					v[k * n + p] = c * vkp - s * vkq;
					v[k * n + q] = s * vkp + c * vkq;
				}
			}
	}
	return mpc_fail(err, MPC_ERR_INTERNAL, "mds: the eigenvalue iteration did not converge");
}

mpc_status
placement_mds(const double *d, size_t n, double *coords, mpc_error *err)
{
	mpc_status	s;
	double	   *b = NULL,
			   *v = NULL,
			   *w = NULL,
			   *rowmean = NULL;
	double		allmean = 0.0;
	size_t		best[PLACEMENT_DIM];

	if ((s = check_n(n, PLACEMENT_MAX_MDS, "mds", err)) != MPC_OK)
		return s;
	if ((s = placement_check_distances(d, n, err)) != MPC_OK)
		return s;
	if (coords == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "mds: NULL output");

	b = malloc(n * n * sizeof(double));
	v = malloc(n * n * sizeof(double));
	w = malloc(n * sizeof(double));
	rowmean = malloc(n * sizeof(double));
	if (b == NULL || v == NULL || w == NULL || rowmean == NULL)
	{
		s = mpc_fail(err, MPC_ERR_NOMEM, "mds: out of memory for %zu points", n);
		goto out;
	}

	/* double centring of the squared distances (symmetrised) */
	for (size_t i = 0; i < n; i++)
	{
		rowmean[i] = 0.0;
		for (size_t j = 0; j < n; j++)
		{
			double		x = 0.5 * (d[i * n + j] + d[j * n + i]);

			b[i * n + j] = x * x;
			rowmean[i] += x * x;
		}
		rowmean[i] /= (double) n;
		allmean += rowmean[i];
	}
	allmean /= (double) n;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			b[i * n + j] = -0.5 * (b[i * n + j] - rowmean[i] - rowmean[j] + allmean);

	if ((s = jacobi_eigen(b, n, w, v, err)) != MPC_OK)
		goto out;

	/* the three largest eigenvalues, ties to the lower index */
	for (size_t c = 0; c < PLACEMENT_DIM; c++)
	{
		size_t		arg = n;

		for (size_t i = 0; i < n; i++)
		{
			int			used = 0;

			for (size_t e = 0; e < c; e++)
				if (best[e] == i)
					used = 1;
			if (used)
				continue;
			if (arg == n || w[i] > w[arg])
				arg = i;
		}
		best[c] = arg;			/* n when fewer than 3 points */
	}
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < PLACEMENT_DIM; c++)
		{
			size_t		e = best[c];

			if (e >= n || w[e] <= 0.0)
				coords[i * 3 + c] = 0.0;
			else
				coords[i * 3 + c] = v[i * n + e] * sqrt(w[e]);
		}
	/* a fixed sign per axis (first nonzero coordinate positive), so the
	 * output does not depend on the eigen solver's sign choice */
	for (size_t c = 0; c < PLACEMENT_DIM; c++)
		for (size_t i = 0; i < n; i++)
			if (fabs(coords[i * 3 + c]) > 1e-12)
			{
				if (coords[i * 3 + c] < 0)
					for (size_t r = 0; r < n; r++)
						coords[r * 3 + c] = -coords[r * 3 + c];
				break;
			}
	s = MPC_OK;
out:
	free(b);
	free(v);
	free(w);
	free(rowmean);
	return s;
}

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

	if ((s = check_n(n, PLACEMENT_MAX_POINTS, "k-means", err)) != MPC_OK)
		return s;
	if ((s = check_points(pts, n, "k-means", err)) != MPC_OK)
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

	if ((s = check_n(n, PLACEMENT_MAX_POINTS, "random partition", err)) != MPC_OK)
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

	if ((s = check_n(n, PLACEMENT_MAX_POINTS, what, err)) != MPC_OK)
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
