/*
 * fujita_sim.c: the simulation of section 5.1 of the seed paper (Fujita,
 * "Privacy Preserving Reputation Calculation in P2P Systems with
 * Homomorphic Encryption"), Figs 5, 6 and 7 and the MST cycle growth,
 * on the core placement library (src/core/placement.c).
 *
 * The model (docs/fujita.md says why each choice):
 *  - nodes are N points uniform in the unit cube [0,1)^3; the round-trip
 *    time between two nodes is their Euclidean distance;
 *  - a task group's chain visits its members in chain order and returns to
 *    the first; its circulation time is the length of that closed cycle
 *    (the sum of the distances along it);
 *  - the round's aggregation time is the maximum circulation time over the
 *    k groups;
 *  - for Fig 7, node i answers after a time drawn from a geometric
 *    distribution with parameter p (on 1, 2, ...), a group's chain takes
 *    the sum of its members' times, and the round the maximum over groups.
 *
 * Usage: fujita_sim OUTDIR [-i instances] [-n N,N,...] [-s maxsize] [-k k7]
 *                          [-S seed]
 * Writes OUTDIR/figure5.tsv, figure6.tsv, mst.tsv and figure7.tsv.
 * Everything is reproducible from the seed (default 20211130).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "placement.h"

#define MAX_SIZES 16

static uint64_t base_seed = 20211130;

/* A seed for one (figure, N, k, instance): splitmix-style mixing so that
 * instances do not share streams. */
static uint64_t
seed_for(uint64_t fig, uint64_t a, uint64_t b, uint64_t inst)
{
	uint64_t	x = base_seed;
	uint64_t	parts[4] = {fig, a, b, inst};

	for (int i = 0; i < 4; i++)
	{
		x ^= parts[i] + UINT64_C(0x9e3779b97f4a7c15) + (x << 6) + (x >> 2);
		x *= UINT64_C(0xbf58476d1ce4e5b9);
		x ^= x >> 31;
	}
	return x;
}

static void
die(const char *what, mpc_error *err)
{
	fprintf(stderr, "fujita_sim: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, "fujita_sim: out of memory\n");
		exit(1);
	}
	return p;
}

typedef struct group_stats
{
	double		max_mst;		/* max over groups: cycle length, MST order */
	double		max_rand;		/* max over groups: cycle length, random order */
	double		max_avgdist;	/* max over groups: mean pairwise distance */
} group_stats;

/* Statistics of a partition of N points (distance matrix d). */
static void
partition_stats(const double *d, size_t n, size_t k, const size_t *assign,
				placement_prg *g, size_t *members, size_t *count,
				size_t *start, group_stats *out)
{
	mpc_error	err;

	memset(out, 0, sizeof(*out));
	memset(count, 0, k * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		count[assign[i]]++;
	start[0] = 0;
	for (size_t c = 0; c < k; c++)
		start[c + 1] = start[c] + count[c];
	memset(count, 0, k * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		members[start[assign[i]] + count[assign[i]]++] = i;

	for (size_t c = 0; c < k; c++)
	{
		size_t	   *m = members + start[c];
		size_t		sz = count[c];
		double		len,
					sum = 0.0;

		/* mean pairwise distance */
		for (size_t a = 0; a < sz; a++)
			for (size_t b = a + 1; b < sz; b++)
				sum += d[m[a] * n + m[b]];
		if (sz > 1)
		{
			sum /= (double) sz * (double) (sz - 1) / 2.0;
			if (sum > out->max_avgdist)
				out->max_avgdist = sum;
		}
		/* random order: a fresh shuffle of the members */
		placement_prg_shuffle(g, m, sz);
		if (placement_subset_cycle_length(d, n, m, sz, &len, &err) != MPC_OK)
			die("cycle length", &err);
		if (len > out->max_rand)
			out->max_rand = len;
		/* MST order, from the same first member */
		if (placement_order_subset(d, n, m, sz, &err) != MPC_OK)
			die("mst order", &err);
		if (placement_subset_cycle_length(d, n, m, sz, &len, &err) != MPC_OK)
			die("cycle length", &err);
		if (len > out->max_mst)
			out->max_mst = len;
	}
}

static void
figures_5_6(const char *dir, const size_t *sizes, size_t nsizes, int instances)
{
	char		path5[4096],
				path6[4096];
	FILE	   *f5,
			   *f6;

	snprintf(path5, sizeof(path5), "%s/figure5.tsv", dir);
	snprintf(path6, sizeof(path6), "%s/figure6.tsv", dir);
	f5 = fopen(path5, "w");
	f6 = fopen(path6, "w");
	if (f5 == NULL || f6 == NULL)
	{
		perror("fujita_sim: open figure5/6");
		exit(1);
	}
	fprintf(f5, "N\tk\tratio\tratio_random_order\tratio_balanced\tkmeans_max\trandom_max\tbalanced_max\tkmeans_largest_group\n");
	fprintf(f6, "N\tk\tkmeans\trandom\tbalanced\tratio\n");

	for (size_t si = 0; si < nsizes; si++)
	{
		size_t		n = sizes[si];
		double	   *pts = xmalloc(n * 3 * sizeof(double));
		double	   *d = xmalloc(n * n * sizeof(double));
		size_t	   *assign = xmalloc(n * sizeof(size_t));
		size_t	   *members = xmalloc(n * sizeof(size_t));
		size_t	   *count = xmalloc((n + 1) * sizeof(size_t));
		size_t	   *start = xmalloc((n + 2) * sizeof(size_t));

		for (size_t k = 2; k <= 256 && k < n; k *= 2)
		{
			double		r_mst = 0,
						r_rand = 0,
						r_bal = 0,
						km = 0,
						rm = 0,
						bm = 0,
						ka = 0,
						ra = 0,
						ba = 0,
						largest = 0;

			for (int inst = 0; inst < instances; inst++)
			{
				placement_prg g;
				mpc_error	err;
				group_stats sk,
							sr,
							sb;
				size_t		big = 0;

				placement_prg_seed(&g, seed_for(5, n, k, (uint64_t) inst));
				for (size_t i = 0; i < n * 3; i++)
					pts[i] = placement_prg_uniform(&g);
				if (placement_distances(pts, n, d, &err) != MPC_OK)
					die("distances", &err);

				if (placement_kmeans(pts, n, k, placement_prg_next(&g), 0, 100,
									 assign, NULL, NULL, &err) != MPC_OK)
					die("k-means", &err);
				partition_stats(d, n, k, assign, &g, members, count, start, &sk);
				for (size_t c = 0; c < k; c++)
					if (count[c] > big)
						big = count[c];

				if (placement_kmeans(pts, n, k, placement_prg_next(&g), 1, 10,
									 assign, NULL, NULL, &err) != MPC_OK)
					die("balanced k-means", &err);
				partition_stats(d, n, k, assign, &g, members, count, start, &sb);

				if (placement_random_partition(n, k, placement_prg_next(&g), assign, &err) != MPC_OK)
					die("random partition", &err);
				partition_stats(d, n, k, assign, &g, members, count, start, &sr);

				r_mst += sk.max_mst / sr.max_mst;
				r_rand += sk.max_rand / sr.max_rand;
				r_bal += sb.max_mst / sr.max_mst;
				km += sk.max_mst;
				rm += sr.max_mst;
				bm += sb.max_mst;
				ka += sk.max_avgdist;
				ra += sr.max_avgdist;
				ba += sb.max_avgdist;
				largest += (double) big;
			}
			fprintf(f5, "%zu\t%zu\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.1f\n",
					n, k, r_mst / instances, r_rand / instances, r_bal / instances,
					km / instances, rm / instances, bm / instances,
					largest / instances);
			fprintf(f6, "%zu\t%zu\t%.4f\t%.4f\t%.4f\t%.4f\n",
					n, k, ka / instances, ra / instances, ba / instances, ka / ra);
			fflush(f5);
			fflush(f6);
		}
		free(pts);
		free(d);
		free(assign);
		free(members);
		free(count);
		free(start);
	}
	fclose(f5);
	fclose(f6);
}

static void
mst_growth(const char *dir, size_t maxsize, int instances)
{
	char		path[4096];
	FILE	   *f;
	double		prev_rand = 0,
				prev_mst = 0;

	snprintf(path, sizeof(path), "%s/mst.tsv", dir);
	f = fopen(path, "w");
	if (f == NULL)
	{
		perror("fujita_sim: open mst.tsv");
		exit(1);
	}
	fprintf(f, "size\trandom_order\tmst_order\trandom_growth\tmst_growth\n");
	for (size_t s = 4; s <= maxsize; s *= 2)
	{
		double	   *pts = xmalloc(s * 3 * sizeof(double));
		double	   *d = xmalloc(s * s * sizeof(double));
		size_t	   *order = xmalloc(s * sizeof(size_t));
		double		tr = 0,
					tm = 0;

		for (int inst = 0; inst < instances; inst++)
		{
			placement_prg g;
			mpc_error	err;
			double		len;

			placement_prg_seed(&g, seed_for(1, s, 0, (uint64_t) inst));
			for (size_t i = 0; i < s * 3; i++)
				pts[i] = placement_prg_uniform(&g);
			if (placement_distances(pts, s, d, &err) != MPC_OK)
				die("distances", &err);
			/* the points are independent, so index order is a random order */
			for (size_t i = 0; i < s; i++)
				order[i] = i;
			if (placement_cycle_length(d, s, order, &len, &err) != MPC_OK)
				die("cycle length", &err);
			tr += len;
			if (placement_mst_cycle(d, s, order, &err) != MPC_OK)
				die("mst cycle", &err);
			if (placement_cycle_length(d, s, order, &len, &err) != MPC_OK)
				die("cycle length", &err);
			tm += len;
		}
		tr /= instances;
		tm /= instances;
		if (prev_rand > 0)
			fprintf(f, "%zu\t%.4f\t%.4f\t%.4f\t%.4f\n", s, tr, tm, tr / prev_rand, tm / prev_mst);
		else
			fprintf(f, "%zu\t%.4f\t%.4f\tNaN\tNaN\n", s, tr, tm);
		prev_rand = tr;
		prev_mst = tm;
		free(pts);
		free(d);
		free(order);
	}
	fclose(f);
}

static void
figure_7(const char *dir, const size_t *sizes, size_t nsizes, size_t k,
		 int instances)
{
	char		path[4096];
	FILE	   *f;
	static const double ps[5] = {0.1, 0.2, 0.3, 0.4, 0.5};

	snprintf(path, sizeof(path), "%s/figure7.tsv", dir);
	f = fopen(path, "w");
	if (f == NULL)
	{
		perror("fujita_sim: open figure7.tsv");
		exit(1);
	}
	fprintf(f, "N\tp\tspeedup\tgain_pct\tk\trandom_max\tgreedy_max\tspeedup_balanced\n");
	for (size_t si = 0; si < nsizes; si++)
	{
		size_t		n = sizes[si];
		double	   *resp;
		size_t	   *assign;

		if (k > n)
			continue;
		resp = xmalloc(n * sizeof(double));
		assign = xmalloc(n * sizeof(size_t));
		for (int pi = 0; pi < 5; pi++)
		{
			double		sp = 0,
						spb = 0,
						rsum = 0,
						gsum = 0;

			for (int inst = 0; inst < instances; inst++)
			{
				placement_prg g;
				mpc_error	err;
				double		tr,
							tg,
							tb;

				placement_prg_seed(&g, seed_for(7, n, (uint64_t) pi, (uint64_t) inst));
				for (size_t i = 0; i < n; i++)
				{
					uint64_t	x;

					if (placement_prg_geometric(&g, ps[pi], &x, &err) != MPC_OK)
						die("geometric", &err);
					resp[i] = (double) x;
				}
				if (placement_random_partition(n, k, placement_prg_next(&g), assign, &err) != MPC_OK ||
					placement_max_load(resp, n, k, assign, &tr, &err) != MPC_OK)
					die("random partition", &err);
				if (placement_greedy(resp, n, k, 0, assign, &err) != MPC_OK ||
					placement_max_load(resp, n, k, assign, &tg, &err) != MPC_OK)
					die("greedy", &err);
				if (placement_greedy(resp, n, k, 1, assign, &err) != MPC_OK ||
					placement_max_load(resp, n, k, assign, &tb, &err) != MPC_OK)
					die("balanced greedy", &err);
				sp += tr / tg;
				spb += tr / tb;
				rsum += tr;
				gsum += tg;
			}
			sp /= instances;
			spb /= instances;
			fprintf(f, "%zu\t%.1f\t%.4f\t%.2f\t%zu\t%.2f\t%.2f\t%.4f\n",
					n, ps[pi], sp, 100.0 * (sp - 1.0), k,
					rsum / instances, gsum / instances, spb);
		}
		free(resp);
		free(assign);
	}
	fclose(f);
}

int
main(int argc, char **argv)
{
	const char *dir;
	size_t		sizes[MAX_SIZES] = {128, 256, 512, 1024};
	size_t		nsizes = 4,
				maxsize = 1024,
				k7 = 2;
	int			instances = 100,
				instances7 = 1000;
	struct timespec t0,
				t1;

	if (argc < 2)
	{
		fprintf(stderr, "usage: fujita_sim OUTDIR [-i instances] [-j instances7] [-n N,N,...] [-s maxsize] [-k k7] [-S seed]\n");
		return 2;
	}
	dir = argv[1];
	for (int a = 2; a < argc; a += 2)
	{
		char	   *end;

		if (a + 1 >= argc)
		{
			fprintf(stderr, "fujita_sim: option %s needs a value\n", argv[a]);
			return 2;
		}
		if (strcmp(argv[a], "-i") == 0)
			instances = (int) strtol(argv[a + 1], &end, 10);
		else if (strcmp(argv[a], "-j") == 0)
			instances7 = (int) strtol(argv[a + 1], &end, 10);
		else if (strcmp(argv[a], "-s") == 0)
			maxsize = (size_t) strtoul(argv[a + 1], &end, 10);
		else if (strcmp(argv[a], "-k") == 0)
			k7 = (size_t) strtoul(argv[a + 1], &end, 10);
		else if (strcmp(argv[a], "-S") == 0)
			base_seed = (uint64_t) strtoull(argv[a + 1], &end, 10);
		else if (strcmp(argv[a], "-n") == 0)
		{
			char	   *p = argv[a + 1];

			nsizes = 0;
			for (;;)
			{
				if (nsizes == MAX_SIZES)
				{
					fprintf(stderr, "fujita_sim: at most %d sizes\n", MAX_SIZES);
					return 2;
				}
				sizes[nsizes] = (size_t) strtoul(p, &end, 10);
				if (end == p || sizes[nsizes] < 4 || sizes[nsizes] > 8192)
				{
					fprintf(stderr, "fujita_sim: sizes must be integers in [4, 8192]\n");
					return 2;
				}
				nsizes++;
				if (*end != ',')
					break;
				p = end + 1;
			}
		}
		else
		{
			fprintf(stderr, "fujita_sim: unknown option %s\n", argv[a]);
			return 2;
		}
		if (*end != '\0')
		{
			fprintf(stderr, "fujita_sim: bad value for %s: %s\n", argv[a], argv[a + 1]);
			return 2;
		}
	}
	if (instances < 1 || instances7 < 1 || maxsize < 8 || maxsize > 8192 || k7 < 1)
	{
		fprintf(stderr, "fujita_sim: instances >= 1, 8 <= maxsize <= 8192, k7 >= 1\n");
		return 2;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	figures_5_6(dir, sizes, nsizes, instances);
	mst_growth(dir, maxsize, instances);
	figure_7(dir, sizes, nsizes, k7, instances7);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "fujita_sim: done in %.1f s (seed %llu, %d instances, %d for figure 7)\n",
			(double) (t1.tv_sec - t0.tv_sec) + 1e-9 * (double) (t1.tv_nsec - t0.tv_nsec),
			(unsigned long long) base_seed, instances, instances7);
	return 0;
}
