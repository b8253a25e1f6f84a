/* test_placement.c: MDS, k-means, MST chain order, greedy partitioning and
 * the adaptive split/merge rule (src/core/placement.c). */
#include <math.h>

#include "unit.h"
#include "placement.h"

/* ------------------------------------------------------------ helpers */

static void
random_points(placement_prg *g, double *pts, size_t n)
{
	for (size_t i = 0; i < n * 3; i++)
		pts[i] = placement_prg_uniform(g);
}

static int
is_permutation(const size_t *a, size_t n)
{
	unsigned char seen[64] = {0};

	if (n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
	{
		if (a[i] >= n || seen[a[i]])
			return 0;
		seen[a[i]] = 1;
	}
	return 1;
}

/* next permutation in lexicographic order of a[lo..n); 0 at the end */
static int
next_perm(size_t *a, size_t lo, size_t n)
{
	size_t		i = n - 1,
				j;

	while (i > lo && a[i - 1] >= a[i])
		i--;
	if (i == lo)
		return 0;
	j = n - 1;
	while (a[j] <= a[i - 1])
		j--;
	{
		size_t		t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
	for (size_t l = i, r = n - 1; l < r; l++, r--)
	{
		size_t		t = a[l];

		a[l] = a[r];
		a[r] = t;
	}
	return 1;
}

/* the shortest Hamiltonian cycle by brute force (first vertex fixed) */
static double
brute_tsp(const double *d, size_t n)
{
	size_t		a[PLACEMENT_MAX_BRUTE];
	double		best = INFINITY;

	for (size_t i = 0; i < n; i++)
		a[i] = i;
	do
	{
		double		len = 0.0;

		for (size_t i = 0; i < n; i++)
			len += d[a[i] * n + a[(i + 1) % n]];
		if (len < best)
			best = len;
	} while (n > 1 && next_perm(a, 1, n));
	return n > 1 ? best : 0.0;
}

/* the least max load over all partitions into k groups (balanced: only
 * those with group sizes floor(n/k) or ceil(n/k)) */
static double
brute_partition(const double *resp, size_t n, size_t k, int balanced)
{
	size_t		a[PLACEMENT_MAX_BRUTE] = {0};
	double		best = INFINITY;

	for (;;)
	{
		double		load[PLACEMENT_MAX_BRUTE] = {0};
		size_t		count[PLACEMENT_MAX_BRUTE] = {0};
		double		m = 0.0;
		int			ok = 1;
		size_t		i;

		for (i = 0; i < n; i++)
		{
			load[a[i]] += resp[i];
			count[a[i]]++;
		}
		for (size_t c = 0; c < k; c++)
		{
			if (load[c] > m)
				m = load[c];
			if (balanced && (count[c] < n / k || count[c] > (n + k - 1) / k))
				ok = 0;
		}
		if (ok && m < best)
			best = m;
		/* next assignment in base k */
		for (i = 0; i < n; i++)
		{
			if (++a[i] < k)
				break;
			a[i] = 0;
		}
		if (i == n)
			break;
	}
	return best;
}

/* ---------------------------------------------------------------- PRG */

static void
test_prg(void)
{
	placement_prg a,
				b;
	mpc_error	err;
	uint64_t	x;
	int			same = 1;
	double		sum = 0.0;
	size_t		perm[50];

	placement_prg_seed(&a, 42);
	placement_prg_seed(&b, 42);
	for (int i = 0; i < 100; i++)
		if (placement_prg_next(&a) != placement_prg_next(&b))
			same = 0;
	CHECK(same);
	placement_prg_seed(&b, 43);
	CHECK(placement_prg_next(&a) != placement_prg_next(&b));

	/* below() stays below and hits every value */
	{
		int			hit[7] = {0},
					inrange = 1;

		for (int i = 0; i < 700; i++)
		{
			uint64_t	v = placement_prg_below(&a, 7);

			if (v >= 7)
				inrange = 0;
			else
				hit[v] = 1;
		}
		CHECK(inrange);
		for (int i = 0; i < 7; i++)
			CHECK(hit[i]);
		CHECK(placement_prg_below(&a, 0) == 0);
		CHECK(placement_prg_below(&a, 1) == 0);
	}
	/* uniform in [0, 1) */
	{
		int			ok = 1;

		for (int i = 0; i < 1000; i++)
		{
			double		u = placement_prg_uniform(&a);

			if (!(u >= 0.0 && u < 1.0))
				ok = 0;
		}
		CHECK(ok);
	}

	/* geometric: support {1, 2, ...}, mean 1/p */
	{
		int			ok = 1;

		for (int i = 0; i < 20000; i++)
		{
			CHECK_STATUS(placement_prg_geometric(&a, 0.25, &x, &err), MPC_OK);
			if (x < 1)
				ok = 0;
			sum += (double) x;
		}
		CHECK(ok);
		/* sd of the mean: sqrt((1-p)/p^2 / 20000) = 0.024 */
		CHECK(fabs(sum / 20000.0 - 4.0) < 0.15);
	}
	CHECK_STATUS(placement_prg_geometric(&a, 1.0, &x, &err), MPC_OK);
	CHECK(x == 1);
	CHECK_STATUS(placement_prg_geometric(&a, 0.0, &x, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_prg_geometric(&a, 1.5, &x, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_prg_geometric(&a, NAN, &x, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_prg_geometric(&a, -0.1, &x, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_prg_geometric(&a, 0.5, NULL, &err), MPC_ERR_ARG);

	for (size_t i = 0; i < 50; i++)
		perm[i] = i;
	placement_prg_shuffle(&a, perm, 50);
	CHECK(is_permutation(perm, 50));
	{
		int			moved = 0;

		for (size_t i = 0; i < 50; i++)
			moved += perm[i] != i;
		CHECK(moved > 10);
	}
}

/* ---------------------------------------------------------------- MDS */

static double
max_distance_error(const double *coords, const double *d, size_t n)
{
	double		worst = 0.0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
		{
			double		dx = coords[i * 3] - coords[j * 3],
						dy = coords[i * 3 + 1] - coords[j * 3 + 1],
						dz = coords[i * 3 + 2] - coords[j * 3 + 2],
						e = fabs(sqrt(dx * dx + dy * dy + dz * dz) - d[i * n + j]);

			if (e > worst)
				worst = e;
		}
	return worst;
}

static void
test_mds(void)
{
	placement_prg g;
	mpc_error	err;
	enum
	{
		N = 40
	};
	double		pts[N * 3],
				d[N * N],
				coords[N * 3],
				coords2[N * 3];

	placement_prg_seed(&g, 7);
	for (int trial = 0; trial < 5; trial++)
	{
		random_points(&g, pts, N);
		for (size_t i = 0; i < N * 3; i++)
			pts[i] *= 100.0;	/* RTTs in ms, say */
		CHECK_OK(placement_distances(pts, N, d, &err));
		CHECK_OK(placement_mds(d, N, coords, &err));
		CHECK(max_distance_error(coords, d, N) < 1e-6);
		/* the same input gives the same output, bit for bit */
		CHECK_OK(placement_mds(d, N, coords2, &err));
		CHECK(memcmp(coords, coords2, sizeof(coords)) == 0);
	}

	/* points in a plane: the third axis collapses and distances survive */
	random_points(&g, pts, N);
	for (size_t i = 0; i < N; i++)
		pts[i * 3 + 2] = 0.5;
	CHECK_OK(placement_distances(pts, N, d, &err));
	CHECK_OK(placement_mds(d, N, coords, &err));
	CHECK(max_distance_error(coords, d, N) < 1e-6);
	{
		double		z = 0.0;

		for (size_t i = 0; i < N; i++)
			z = fmax(z, fabs(coords[i * 3 + 2]));
		CHECK(z < 1e-6);
	}

	/* tiny cases */
	{
		double		d1[1] = {0},
					c1[3];
		double		d2[4] = {0, 5, 5, 0},
					c2[6];

		CHECK_OK(placement_mds(d1, 1, c1, &err));
		CHECK(c1[0] == 0 && c1[1] == 0 && c1[2] == 0);
		CHECK_OK(placement_mds(d2, 2, c2, &err));
		CHECK(max_distance_error(c2, d2, 2) < 1e-9);
	}

	/* a non-Euclidean matrix (a 4-cycle metric) still gives an answer */
	{
		double		dc[16] = {0, 1, 2, 1, 1, 0, 1, 2, 2, 1, 0, 1, 1, 2, 1, 0},
					cc[12];

		CHECK_OK(placement_mds(dc, 4, cc, &err));
		CHECK(max_distance_error(cc, dc, 4) < 0.5);
	}

	/* bad inputs */
	{
		double		bad[4] = {0, 1, 2, 0};

		CHECK_STATUS(placement_mds(bad, 2, coords, &err), MPC_ERR_ARG);
		CHECK(strstr(err.msg, "symmetric") != NULL);
		bad[1] = bad[2] = -1;
		CHECK_STATUS(placement_mds(bad, 2, coords, &err), MPC_ERR_ARG);
		bad[1] = bad[2] = NAN;
		CHECK_STATUS(placement_mds(bad, 2, coords, &err), MPC_ERR_ARG);
		bad[1] = bad[2] = INFINITY;
		CHECK_STATUS(placement_mds(bad, 2, coords, &err), MPC_ERR_ARG);
		bad[1] = bad[2] = 1;
		bad[0] = 0.5;
		CHECK_STATUS(placement_mds(bad, 2, coords, &err), MPC_ERR_ARG);
		CHECK(strstr(err.msg, "diagonal") != NULL);
		CHECK_STATUS(placement_mds(NULL, 2, coords, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_mds(d, 0, coords, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_mds(d, PLACEMENT_MAX_MDS + 1, coords, &err), MPC_ERR_ARG);
		bad[0] = 0;
		CHECK_STATUS(placement_mds(bad, 2, NULL, &err), MPC_ERR_ARG);
	}
	{
		double		p1[3] = {0, NAN, 0};

		CHECK_STATUS(placement_distances(p1, 1, d, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_distances(NULL, 1, d, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_distances(pts, 1, NULL, &err), MPC_ERR_ARG);
	}
}

/* ------------------------------------------------------------ k-means */

/* four tight clusters at far corners; sizes given */
static size_t
clustered_points(placement_prg *g, double *pts, const size_t *sizes,
				 size_t nclusters, size_t *truth)
{
	static const double corner[4][3] = {{0, 0, 0}, {10, 0, 0}, {0, 10, 0}, {0, 0, 10}};
	size_t		n = 0;

	for (size_t c = 0; c < nclusters; c++)
		for (size_t i = 0; i < sizes[c]; i++, n++)
		{
			for (int a = 0; a < 3; a++)
				pts[n * 3 + a] = corner[c][a] + placement_prg_uniform(g) - 0.5;
			truth[n] = c;
		}
	return n;
}

/* every true cluster maps to exactly one group, and groups differ */
static int
recovers(const size_t *assign, const size_t *truth, size_t n, size_t k)
{
	size_t		map[4] = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};

	for (size_t i = 0; i < n; i++)
	{
		if (map[truth[i]] == SIZE_MAX)
			map[truth[i]] = assign[i];
		else if (map[truth[i]] != assign[i])
			return 0;
	}
	for (size_t a = 0; a < k; a++)
		for (size_t b = a + 1; b < k; b++)
			if (map[a] == map[b])
				return 0;
	return 1;
}

static void
test_kmeans(void)
{
	placement_prg g;
	mpc_error	err;
	double		pts[200 * 3],
				centres[7 * 3],
				centres2[7 * 3];
	size_t		truth[200],
				assign[200],
				assign2[200];
	unsigned	iters;
	const size_t sizes[4] = {25, 25, 25, 25};
	const size_t uneven[4] = {40, 10, 30, 20};
	size_t		n;

	placement_prg_seed(&g, 11);
	n = clustered_points(&g, pts, sizes, 4, truth);
	for (uint64_t seed = 1; seed <= 20; seed++)
	{
		CHECK_OK(placement_kmeans(pts, n, 4, seed, 0, 0, assign, centres, &iters, &err));
		CHECK(recovers(assign, truth, n, 4));
		CHECK(iters >= 1 && iters <= 100);
		CHECK_OK(placement_kmeans(pts, n, 4, seed, 1, 0, assign, centres, &iters, &err));
		CHECK(recovers(assign, truth, n, 4));
	}
	/* uneven known clusters: plain k-means finds them */
	n = clustered_points(&g, pts, uneven, 4, truth);
	CHECK_OK(placement_kmeans(pts, n, 4, 5, 0, 0, assign, centres, NULL, &err));
	CHECK(recovers(assign, truth, n, 4));
	/* the centres are the cluster means, near the corners */
	for (size_t c = 0; c < 4; c++)
	{
		double		m[3] = {0, 0, 0};
		size_t		cnt = 0;

		for (size_t i = 0; i < n; i++)
			if (assign[i] == c)
			{
				for (int a = 0; a < 3; a++)
					m[a] += pts[i * 3 + a];
				cnt++;
			}
		for (int a = 0; a < 3; a++)
			CHECK(fabs(m[a] / (double) cnt - centres[c * 3 + a]) < 1e-9);
	}
	/* ... and balanced k-means gives 25 each */
	CHECK_OK(placement_kmeans(pts, n, 4, 5, 1, 0, assign, NULL, NULL, &err));
	{
		size_t		cnt[4] = {0};

		for (size_t i = 0; i < n; i++)
			cnt[assign[i]]++;
		for (int c = 0; c < 4; c++)
			CHECK(cnt[c] == 25);
	}

	/* balanced sizes on uniform points, n not a multiple of k */
	random_points(&g, pts, 103);
	for (size_t k = 1; k <= 103; k += 17)
	{
		size_t		cnt[103] = {0};
		int			ok = 1;

		CHECK_OK(placement_kmeans(pts, 103, k, 9, 1, 0, assign, NULL, NULL, &err));
		for (size_t i = 0; i < 103; i++)
			cnt[assign[i]]++;
		for (size_t c = 0; c < k; c++)
			if (cnt[c] != 103 / k && cnt[c] != (103 + k - 1) / k)
				ok = 0;
		CHECK(ok);
	}
	/* plain k-means never leaves a group empty, even for k = n */
	CHECK_OK(placement_kmeans(pts, 103, 103, 3, 0, 0, assign, NULL, NULL, &err));
	{
		size_t		cnt[103] = {0};
		int			ok = 1;

		for (size_t i = 0; i < 103; i++)
			cnt[assign[i]]++;
		for (size_t c = 0; c < 103; c++)
			ok &= cnt[c] == 1;
		CHECK(ok);
	}
	/* duplicate points: still a valid assignment */
	{
		double		same[10 * 3];
		size_t		cnt[3] = {0};

		for (size_t i = 0; i < 30; i++)
			same[i] = 1.0;
		CHECK_OK(placement_kmeans(same, 10, 3, 1, 0, 0, assign, NULL, NULL, &err));
		for (size_t i = 0; i < 10; i++)
			cnt[assign[i]]++;
		CHECK(cnt[0] > 0 && cnt[1] > 0 && cnt[2] > 0);
	}

	/* determinism from the seed */
	random_points(&g, pts, 200);
	CHECK_OK(placement_kmeans(pts, 200, 7, 1234, 0, 0, assign, centres, NULL, &err));
	CHECK_OK(placement_kmeans(pts, 200, 7, 1234, 0, 0, assign2, centres2, NULL, &err));
	CHECK(memcmp(assign, assign2, sizeof(assign)) == 0);
	CHECK(memcmp(centres, centres2, 7 * 3 * sizeof(double)) == 0);
	{
		int			differs = 0;

		for (uint64_t seed = 1235; seed < 1245 && !differs; seed++)
		{
			CHECK_OK(placement_kmeans(pts, 200, 7, seed, 0, 0, assign2, NULL, NULL, &err));
			differs = memcmp(assign, assign2, sizeof(assign)) != 0;
		}
		CHECK(differs);			/* the seed is really used */
	}
	CHECK_OK(placement_random_partition(200, 7, 99, assign, &err));
	CHECK_OK(placement_random_partition(200, 7, 99, assign2, &err));
	CHECK(memcmp(assign, assign2, sizeof(assign)) == 0);
	{
		size_t		cnt[7] = {0};
		int			ok = 1;

		for (size_t i = 0; i < 200; i++)
			cnt[assign[i]]++;
		for (int c = 0; c < 7; c++)
			ok &= cnt[c] == 28 || cnt[c] == 29;
		CHECK(ok);
	}

	/* bad inputs */
	CHECK_STATUS(placement_kmeans(pts, 200, 0, 1, 0, 0, assign, NULL, NULL, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_kmeans(pts, 200, 201, 1, 0, 0, assign, NULL, NULL, &err), MPC_ERR_ARG);
	CHECK(strstr(err.msg, "number of groups") != NULL);
	CHECK_STATUS(placement_kmeans(pts, 0, 1, 1, 0, 0, assign, NULL, NULL, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_kmeans(NULL, 10, 1, 1, 0, 0, assign, NULL, NULL, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_kmeans(pts, 10, 1, 1, 0, 0, NULL, NULL, NULL, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_kmeans(pts, PLACEMENT_MAX_POINTS + 1, 1, 1, 0, 0, assign, NULL, NULL, &err), MPC_ERR_ARG);
	pts[5] = NAN;
	CHECK_STATUS(placement_kmeans(pts, 10, 2, 1, 0, 0, assign, NULL, NULL, &err), MPC_ERR_ARG);
	pts[5] = INFINITY;
	CHECK_STATUS(placement_kmeans(pts, 10, 2, 1, 1, 0, assign, NULL, NULL, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_random_partition(10, 0, 1, assign, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_random_partition(10, 11, 1, assign, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_random_partition(0, 1, 1, assign, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_random_partition(10, 2, 1, NULL, &err), MPC_ERR_ARG);
}

/* ---------------------------------------------------------- MST cycle */

static void
test_mst(void)
{
	placement_prg g;
	mpc_error	err;
	double		pts[PLACEMENT_MAX_BRUTE * 3],
				d[PLACEMENT_MAX_BRUTE * PLACEMENT_MAX_BRUTE];
	size_t		order[PLACEMENT_MAX_BRUTE],
				order2[PLACEMENT_MAX_BRUTE];
	double		worst = 0.0;
	int			within = 1,
				valid = 1,
				atleast = 1;

	placement_prg_seed(&g, 3);
	for (size_t n = 1; n <= 8; n++)
		for (int trial = 0; trial < 30; trial++)
		{
			double		len,
						opt;

			random_points(&g, pts, n);
			if (trial % 2)
			{
				/* an L1 metric: also obeys the triangle inequality */
				for (size_t i = 0; i < n; i++)
					for (size_t j = 0; j < n; j++)
						d[i * n + j] = fabs(pts[i * 3] - pts[j * 3]) +
							fabs(pts[i * 3 + 1] - pts[j * 3 + 1]) +
							fabs(pts[i * 3 + 2] - pts[j * 3 + 2]);
			}
			else
				CHECK_OK(placement_distances(pts, n, d, &err));
			CHECK_OK(placement_mst_cycle(d, n, order, &err));
			if (!is_permutation(order, n) || order[0] != 0)
				valid = 0;
			CHECK_OK(placement_cycle_length(d, n, order, &len, &err));
			opt = brute_tsp(d, n);
			if (len > 2.0 * opt + 1e-12)
				within = 0;
			if (len < opt - 1e-12)
				atleast = 0;
			if (opt > 0 && len / opt > worst)
				worst = len / opt;
			/* deterministic */
			CHECK_OK(placement_mst_cycle(d, n, order2, &err));
			CHECK(memcmp(order, order2, n * sizeof(size_t)) == 0);
		}
	CHECK(valid);
	CHECK(within);
	CHECK(atleast);
	printf("mst cycle: worst ratio to the optimum over 240 cases: %.3f\n", worst);

	/* points on a line in index-scrambled order: the MST walk is the line */
	{
		double		line[5 * 3] = {0};
		const double xs[5] = {0, 3, 1, 4, 2};
		double		len;

		for (int i = 0; i < 5; i++)
			line[i * 3] = xs[i];
		CHECK_OK(placement_distances(line, 5, d, &err));
		CHECK_OK(placement_mst_cycle(d, 5, order, &err));
		/* from 0 the tree is the path 0 - 2 - 4 - 1 - 3 (x = 0,1,2,3,4) */
		CHECK(order[0] == 0 && order[1] == 2 && order[2] == 4 && order[3] == 1 && order[4] == 3);
		CHECK_OK(placement_cycle_length(d, 5, order, &len, &err));
		CHECK(fabs(len - 8.0) < 1e-12);
	}

	/* a subset keeps its first member and its members */
	{
		double		big[20 * 3],
					dbig[20 * 20];
		size_t		mem[6] = {13, 2, 7, 19, 0, 5},
					sorted[6],
					was[6];
		int			same = 1;
		double		before,
					after;

		random_points(&g, big, 20);
		CHECK_OK(placement_distances(big, 20, dbig, &err));
		memcpy(was, mem, sizeof(mem));
		CHECK_OK(placement_subset_cycle_length(dbig, 20, mem, 6, &before, &err));
		CHECK_OK(placement_order_subset(dbig, 20, mem, 6, &err));
		CHECK_OK(placement_subset_cycle_length(dbig, 20, mem, 6, &after, &err));
		CHECK(mem[0] == 13);
		memcpy(sorted, mem, sizeof(mem));
		for (int i = 0; i < 6; i++)
		{
			int			found = 0;

			for (int j = 0; j < 6; j++)
				found |= sorted[j] == was[i];
			same &= found;
		}
		CHECK(same);
		CHECK(after > 0.0);
		/* a bad entry among the members is caught, one elsewhere is not read */
		dbig[mem[1] * 20 + mem[2]] = -1.0;
		CHECK_STATUS(placement_order_subset(dbig, 20, mem, 6, &err), MPC_ERR_ARG);
		dbig[mem[1] * 20 + mem[2]] = NAN;
		CHECK_STATUS(placement_order_subset(dbig, 20, mem, 6, &err), MPC_ERR_ARG);
		dbig[mem[1] * 20 + mem[2]] = dbig[mem[2] * 20 + mem[1]] + 1.0;
		CHECK_STATUS(placement_order_subset(dbig, 20, mem, 6, &err), MPC_ERR_ARG);
		dbig[mem[1] * 20 + mem[2]] = dbig[mem[2] * 20 + mem[1]];
		CHECK_OK(placement_order_subset(dbig, 20, mem, 6, &err));
		mem[1] = 13;
		CHECK_STATUS(placement_order_subset(dbig, 20, mem, 6, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_order_subset(NULL, 20, mem, 6, &err), MPC_ERR_ARG);
		mem[1] = 20;
		CHECK_STATUS(placement_order_subset(dbig, 20, mem, 6, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_subset_cycle_length(dbig, 20, mem, 6, &after, &err), MPC_ERR_ARG);
	}

	/* bad inputs */
	{
		double		asym[9] = {0, 1, 2, 1, 0, 1, 2, 1.5, 0};
		size_t		badorder[3] = {0, 0, 1};
		double		len;

		CHECK_STATUS(placement_mst_cycle(asym, 3, order, &err), MPC_ERR_ARG);
		asym[7] = 1;
		CHECK_OK(placement_mst_cycle(asym, 3, order, &err));
		CHECK_STATUS(placement_mst_cycle(asym, 3, NULL, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_mst_cycle(NULL, 3, order, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_mst_cycle(asym, 0, order, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_cycle_length(asym, 3, badorder, &len, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_cycle_length(asym, 3, NULL, &len, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_cycle_length(asym, 3, order, NULL, &err), MPC_ERR_ARG);
	}
}

/* ------------------------------------------------------------- greedy */

static void
test_greedy(void)
{
	placement_prg g;
	mpc_error	err;
	double		resp[PLACEMENT_MAX_BRUTE];
	size_t		assign[PLACEMENT_MAX_BRUTE],
				assign2[PLACEMENT_MAX_BRUTE];
	int			lower_ok = 1,
				upper_ok = 1,
				blower_ok = 1,
				bsizes_ok = 1;
	double		worst = 1.0,
				bworst = 1.0;

	/* the textbook case where longest-first is not optimal: 7 against 6 */
	{
		const double r[5] = {3, 3, 2, 2, 2};
		double		m;

		CHECK_OK(placement_greedy(r, 5, 2, 0, assign, &err));
		CHECK_OK(placement_max_load(r, 5, 2, assign, &m, &err));
		CHECK(m == 7.0);
		CHECK(brute_partition(r, 5, 2, 0) == 6.0);
		/* ties go to the lower index and the lower group */
		CHECK(assign[0] == 0 && assign[1] == 1 && assign[2] == 0 && assign[3] == 1 && assign[4] == 0);
	}

	placement_prg_seed(&g, 5);
	for (size_t n = 2; n <= 10; n++)
		for (size_t k = 2; k <= 3 && k <= n; k++)
			for (int trial = 0; trial < 20; trial++)
			{
				double		m,
							opt,
							bm,
							bopt;
				size_t		cnt[3] = {0};

				for (size_t i = 0; i < n; i++)
				{
					uint64_t	x;

					CHECK_STATUS(placement_prg_geometric(&g, 0.3, &x, &err), MPC_OK);
					resp[i] = (double) x;
				}
				CHECK_OK(placement_greedy(resp, n, k, 0, assign, &err));
				CHECK_OK(placement_max_load(resp, n, k, assign, &m, &err));
				opt = brute_partition(resp, n, k, 0);
				if (m < opt - 1e-9)
					lower_ok = 0;
				/* Graham's bound for longest processing time first */
				if (m > (4.0 / 3.0 - 1.0 / (3.0 * (double) k)) * opt + 1e-9)
					upper_ok = 0;
				worst = fmax(worst, m / opt);

				CHECK_OK(placement_greedy(resp, n, k, 1, assign, &err));
				CHECK_OK(placement_max_load(resp, n, k, assign, &bm, &err));
				for (size_t i = 0; i < n; i++)
					cnt[assign[i]]++;
				for (size_t c = 0; c < k; c++)
					if (cnt[c] != n / k && cnt[c] != (n + k - 1) / k)
						bsizes_ok = 0;
				bopt = brute_partition(resp, n, k, 1);
				if (bm < bopt - 1e-9)
					blower_ok = 0;
				bworst = fmax(bworst, bm / bopt);

				/* deterministic */
				CHECK_OK(placement_greedy(resp, n, k, 1, assign2, &err));
				CHECK(memcmp(assign, assign2, n * sizeof(size_t)) == 0);
			}
	CHECK(lower_ok);
	CHECK(upper_ok);
	CHECK(blower_ok);
	CHECK(bsizes_ok);
	/* no proven bound for the size-capped variant is used here; it must
	 * at least beat putting everything in one group by a wide margin */
	CHECK(bworst < 1.5);
	printf("greedy: worst ratio to brute force %.3f (free sizes), %.3f (balanced sizes)\n",
		   worst, bworst);

	/* bad inputs */
	resp[0] = -1;
	CHECK_STATUS(placement_greedy(resp, 3, 2, 0, assign, &err), MPC_ERR_ARG);
	resp[0] = NAN;
	CHECK_STATUS(placement_greedy(resp, 3, 2, 0, assign, &err), MPC_ERR_ARG);
	resp[0] = 1;
	CHECK_STATUS(placement_greedy(resp, 3, 0, 0, assign, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_greedy(resp, 3, 4, 0, assign, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_greedy(resp, 0, 1, 0, assign, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_greedy(NULL, 3, 2, 0, assign, &err), MPC_ERR_ARG);
	CHECK_STATUS(placement_greedy(resp, 3, 2, 0, NULL, &err), MPC_ERR_ARG);
	{
		size_t		a[3] = {0, 1, 2};
		double		m;

		CHECK_STATUS(placement_max_load(resp, 3, 2, a, &m, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_max_load(resp, 3, 2, NULL, &m, &err), MPC_ERR_ARG);
	}
}

/* -------------------------------------------------------------- adapt */

static void
test_adapt(void)
{
	mpc_error	err;
	placement_adapt_params p;
	/* chains: {0 1 2 3} slow, {4 5} fast, {6 7} fast, {8 9 10} middling */
	size_t		members[11] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	size_t		offsets[5] = {0, 4, 6, 8, 11};
	double		times[4] = {10, 0.4, 0.4, 3};	/* median 1.7 */
	size_t		om[11],
				oo[9],
				nc;
	int			changed;

	placement_adapt_defaults(&p);
	CHECK(p.split_ratio == 2.0 && p.merge_ratio == 0.5 && p.min_size == 2 && p.max_size == 0);
	CHECK_OK(placement_adapt(members, offsets, 4, times, &p, om, oo, &nc, &changed, &err));
	CHECK(changed);
	CHECK(nc == 4);
	/* {0 1} {2 3} {4 5 6 7} {8 9 10} */
	{
		const size_t wo[5] = {0, 2, 4, 8, 11};
		const size_t wm[11] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

		CHECK(memcmp(oo, wo, sizeof(wo)) == 0);
		CHECK(memcmp(om, wm, sizeof(wm)) == 0);
	}

	/* min_size 3 forbids the split; max_size 3 forbids the merge */
	p.min_size = 3;
	p.max_size = 3;
	CHECK_OK(placement_adapt(members, offsets, 4, times, &p, om, oo, &nc, &changed, &err));
	CHECK(!changed);
	CHECK(nc == 4);
	CHECK(memcmp(oo, offsets, sizeof(offsets)) == 0);

	/* the merge order: the fastest two merge, the second appended to the
	 * first in input order, whatever their positions */
	placement_adapt_defaults(&p);
	{
		double		t2[4] = {3, 0.5, 4, 0.2};	/* median 1.75 */

		CHECK_OK(placement_adapt(members, offsets, 4, t2, &p, om, oo, &nc, &changed, &err));
		CHECK(changed && nc == 3);
		/* {0 1 2 3} {4 5 8 9 10} {6 7} */
		CHECK(oo[1] == 4 && oo[2] == 9 && oo[3] == 11);
		CHECK(om[4] == 4 && om[5] == 5 && om[6] == 8 && om[8] == 10 && om[9] == 6);
	}
	/* one very slow chain: it splits, and the others do not count as fast
	 * (against the mean, 1 would be below half of 3.25) */
	{
		double		t4[4] = {10, 1, 1, 1};

		CHECK_OK(placement_adapt(members, offsets, 4, t4, &p, om, oo, &nc, &changed, &err));
		CHECK(changed && nc == 5);
		CHECK(oo[1] == 2 && oo[2] == 4 && oo[3] == 6 && oo[4] == 8 && oo[5] == 11);
	}
	/* an odd count: the middle value */
	{
		double		t5[3] = {1, 5, 2.4};	/* median 2.4: 5 > 4.8 splits */
		size_t		off3[4] = {0, 4, 8, 11};

		CHECK_OK(placement_adapt(members, off3, 3, t5, &p, om, oo, &nc, &changed, &err));
		CHECK(changed && nc == 4 && oo[2] == 6 && oo[3] == 8);
	}
	/* equal times: nothing happens */
	{
		double		t3[4] = {2, 2, 2, 2};

		CHECK_OK(placement_adapt(members, offsets, 4, t3, &p, om, oo, &nc, &changed, &err));
		CHECK(!changed && nc == 4);
	}

	/* bad inputs */
	{
		size_t		dup[11] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9};
		size_t		badoff[5] = {0, 4, 4, 8, 11};
		double		badt[4] = {1, NAN, 1, 1};

		CHECK_STATUS(placement_adapt(dup, offsets, 4, times, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_adapt(members, badoff, 4, times, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		badoff[0] = 1;
		CHECK_STATUS(placement_adapt(members, badoff, 4, times, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_adapt(members, offsets, 4, badt, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		badt[1] = -1;
		CHECK_STATUS(placement_adapt(members, offsets, 4, badt, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_adapt(members, offsets, 0, times, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_adapt(members, offsets, 4, times, NULL, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		CHECK_STATUS(placement_adapt(members, offsets, 4, times, &p, NULL, oo, &nc, &changed, &err), MPC_ERR_ARG);
		p.split_ratio = 1.0;
		CHECK_STATUS(placement_adapt(members, offsets, 4, times, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		placement_adapt_defaults(&p);
		p.merge_ratio = 1.0;
		CHECK_STATUS(placement_adapt(members, offsets, 4, times, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		placement_adapt_defaults(&p);
		p.min_size = 0;
		CHECK_STATUS(placement_adapt(members, offsets, 4, times, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
		placement_adapt_defaults(&p);
		p.min_size = 3;
		p.max_size = 2;
		CHECK_STATUS(placement_adapt(members, offsets, 4, times, &p, om, oo, &nc, &changed, &err), MPC_ERR_ARG);
	}
}

/* The path the groups mode takes: measured RTTs (distances plus noise,
 * symmetrised) -> MDS -> balanced k-means -> MST chain order per group ->
 * one round of the adaptive rule. */
static void
test_pipeline(void)
{
	placement_prg g;
	mpc_error	err;
	enum
	{
		N = 24, K = 4
	};
	const size_t sizes[4] = {6, 6, 6, 6};
	double		pts[N * 3],
				rtt[N * N],
				coords[N * 3],
				times[K];
	size_t		truth[N],
				assign[N],
				members[N],
				offsets[K + 1],
				om[N],
				oo[2 * K + 1],
				nc;
	int			changed;
	placement_adapt_params p;

	placement_prg_seed(&g, 23);
	clustered_points(&g, pts, sizes, 4, truth);
	CHECK_OK(placement_distances(pts, N, rtt, &err));
	for (size_t i = 0; i < N; i++)
		for (size_t j = i + 1; j < N; j++)
		{
			/* up to 5 % jitter each way, then the average of both ways */
			double		a = rtt[i * N + j] * (1.0 + 0.1 * (placement_prg_uniform(&g) - 0.5)),
						b = rtt[i * N + j] * (1.0 + 0.1 * (placement_prg_uniform(&g) - 0.5));

			rtt[i * N + j] = rtt[j * N + i] = 0.5 * (a + b);
		}
	CHECK_OK(placement_mds(rtt, N, coords, &err));
	CHECK_OK(placement_kmeans(coords, N, K, 77, 1, 0, assign, NULL, NULL, &err));
	CHECK(recovers(assign, truth, N, K));

	/* chains: group by group, each in MST order */
	offsets[0] = 0;
	for (size_t c = 0; c < K; c++)
	{
		size_t		m = 0;

		for (size_t i = 0; i < N; i++)
			if (assign[i] == c)
				members[offsets[c] + m++] = i;
		offsets[c + 1] = offsets[c] + m;
		CHECK_OK(placement_order_subset(rtt, N, members + offsets[c], m, &err));
		CHECK_OK(placement_subset_cycle_length(rtt, N, members + offsets[c], m, &times[c], &err));
	}
	/* similar clusters: nothing to split or merge */
	placement_adapt_defaults(&p);
	CHECK_OK(placement_adapt(members, offsets, K, times, &p, om, oo, &nc, &changed, &err));
	CHECK(!changed && nc == K);
	/* one chain observed 10x slower (a slow link): it is split in two */
	times[2] *= 10.0;
	CHECK_OK(placement_adapt(members, offsets, K, times, &p, om, oo, &nc, &changed, &err));
	CHECK(changed && nc == K + 1);
	CHECK(oo[3] - oo[2] == 3 && oo[4] - oo[3] == 3);
	CHECK(memcmp(om, members, sizeof(members)) == 0);
}

static int
always_interrupt(void)
{
	return 1;
}

/* long loops stop when the embedding program asks */
static void
test_interrupts(void)
{
	placement_prg g;
	mpc_error	err;
	enum
	{
		N = 300
	};
	static double pts[N * 3],
				d[N * N],
				coords[N * 3],
				coords_d[10 * 10];
	static size_t assign[N],
				order[N];

	placement_prg_seed(&g, 17);
	random_points(&g, pts, N);
	CHECK_OK(placement_distances(pts, N, d, &err));
	CHECK_OK(placement_distances(pts, 10, coords_d, &err));
	mpc_set_interrupt(always_interrupt);
	CHECK_STATUS(placement_mds(coords_d, 10, coords, &err), MPC_ERR_INTERRUPTED);
	CHECK_STATUS(placement_kmeans(pts, N, 5, 1, 0, 0, assign, NULL, NULL, &err), MPC_ERR_INTERRUPTED);
	CHECK_STATUS(placement_mst_cycle(d, N, order, &err), MPC_ERR_INTERRUPTED);
	mpc_set_interrupt(NULL);
	CHECK_OK(placement_mst_cycle(d, N, order, &err));
}

int
main(void)
{
	UNIT_INIT();
	test_prg();
	test_mds();
	test_kmeans();
	test_mst();
	test_greedy();
	test_adapt();
	test_pipeline();
	test_interrupts();
	UNIT_DONE("test_placement");
}
