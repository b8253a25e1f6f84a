/*
 * placement.c: placement for the task groups of the seed paper (section
 * 4.3): the PRG, input checks, distances and MDS.  k-means and random
 * partitions are in placement_groups.c; MST chain order, greedy
 * partitioning and adaptive split/merge in placement_order.c.
 *
 * Everything is deterministic given its inputs and seed: ties are broken by
 * the lower index, loops run in index order, and the only randomness is the
 * PRG below.  Inputs are validated before any arithmetic; temporary memory
 * is malloc'ed and freed before return.
 */
#include "placement_priv.h"

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

mpc_status
placement_check_n(size_t n, size_t max, const char *what, mpc_error *err)
{
	if (n == 0)
		return mpc_fail(err, MPC_ERR_ARG, "%s: the number of points must be at least 1", what);
	if (n > max)
		return mpc_fail(err, MPC_ERR_ARG, "%s: %zu points is more than the limit of %zu",
						what, n, max);
	return MPC_OK;
}

mpc_status
placement_check_points(const double *pts, size_t n, const char *what, mpc_error *err)
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

	if ((s = placement_check_n(n, PLACEMENT_MAX_POINTS, "distance matrix", err)) != MPC_OK)
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

mpc_status
placement_distances(const double *pts, size_t n, double *d, mpc_error *err)
{
	mpc_status	s;

	if ((s = placement_check_n(n, PLACEMENT_MAX_POINTS, "distances", err)) != MPC_OK)
		return s;
	if ((s = placement_check_points(pts, n, "distances", err)) != MPC_OK)
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

	if ((s = placement_check_n(n, PLACEMENT_MAX_MDS, "mds", err)) != MPC_OK)
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

