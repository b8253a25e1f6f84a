/*
 * bench_eigentrust.c: the EigenTrust core without a server.
 *
 *   bench/build/bench_eigentrust [edges [peers [iterations]]]
 *   bench/build/bench_eigentrust --file advogato.tsv [iterations]
 *
 * Generates a power-law graph (truster = floor(peers * u^2), trustee =
 * floor(peers * u^3), u uniform: rank-frequency exponents 1/2 and 2/3) or
 * reads a whitespace-separated "src dst w" file with a header line, builds
 * the matrix, then times a fixed number of iterations.  Prints the build
 * time and the kernel's edge updates per second (positive edges times
 * iterations over the iteration time), beside the baseline of the COST paper
 * (10^8 per second per core for single-threaded PageRank).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eigentrust.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static double
uniform(void)
{
	/* xorshift64*: fast and good enough for a benchmark graph */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double) ((rng_state * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

int
main(int argc, char **argv)
{
	long long	edges = 10000000,
				peers = 1000000;
	int			iters = 20;
	const char *file = NULL;
	mpc_et	   *et;
	mpc_error	err;
	mpc_et_stats st;
	double		t0,
				t1,
				t2,
				t3,
				res = 0,
				best = INFINITY;

	if (argc > 2 && strcmp(argv[1], "--file") == 0)
	{
		file = argv[2];
		if (argc > 3)
			iters = atoi(argv[3]);
	}
	else
	{
		if (argc > 1)
			edges = atoll(argv[1]);
		if (argc > 2)
			peers = atoll(argv[2]);
		if (argc > 3)
			iters = atoi(argv[3]);
	}
	if (iters < 1 || edges < 1 || peers < 1)
	{
		fprintf(stderr, "usage: %s [edges [peers [iterations]]] | --file F [iterations]\n", argv[0]);
		return 2;
	}
	if (mpc_et_create(NULL, 0, 0, &et, &err) != MPC_OK)
	{
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}

	t0 = now();
	if (file != NULL)
	{
		FILE	   *f = fopen(file, "r");
		char		line[256];

		if (f == NULL || fgets(line, sizeof(line), f) == NULL)
		{
			fprintf(stderr, "cannot read %s\n", file);
			return 1;
		}
		while (fgets(line, sizeof(line), f) != NULL)
		{
			long long	s,
						d;
			double		w;

			if (sscanf(line, "%lld %lld %lf", &s, &d, &w) == 3 &&
				mpc_et_add_edge(et, s, d, w, &err) != MPC_OK)
			{
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
		}
		fclose(f);
	}
	else
	{
		for (long long k = 0; k < edges; k++)
		{
			int64_t		s = (int64_t) floor((double) peers * pow(uniform(), 2));
			int64_t		d = (int64_t) floor((double) peers * pow(uniform(), 3));
			double		w = 1 + floor(uniform() * 10);

			if (mpc_et_add_edge(et, s, d, w, &err) != MPC_OK)
			{
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
		}
	}
	t1 = now();
	if (mpc_et_build(et, &err) != MPC_OK || mpc_et_start(et, 0.15, &err) != MPC_OK)
	{
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	t2 = now();
	mpc_et_get_stats(et, &st);
	for (int i = 0; i < iters; i++)
	{
		double		a = now();

		if (mpc_et_step(et, &res, &err) != MPC_OK)
		{
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		a = now() - a;
		if (a < best)
			best = a;
	}
	t3 = now();

	printf("graph: %s, %llu rows, %llu peers, %llu positive edges, %llu dangling\n",
		   file ? file : "generated power law", (unsigned long long) st.rows,
		   (unsigned long long) st.peers, (unsigned long long) st.positive,
		   (unsigned long long) st.dangling);
	printf("add rows: %.3f s (%.0f ns/row); build: %.3f s (%.0f ns/row)\n",
		   t1 - t0, (t1 - t0) * 1e9 / (double) st.rows,
		   t2 - t1, (t2 - t1) * 1e9 / (double) st.rows);
	printf("iterations: %d in %.3f s, %.2f ms each (best %.2f ms), last L1 change %.3e\n",
		   iters, t3 - t2, (t3 - t2) * 1e3 / iters, best * 1e3, res);
	printf("kernel: %.3g edge updates/s (mean), %.3g (best iteration); "
		   "COST baseline 1e8/s per core: %.1fx\n",
		   (double) st.positive * iters / (t3 - t2), (double) st.positive / best,
		   (double) st.positive * iters / (t3 - t2) / 1e8);
	mpc_et_free(et);
	return 0;
}
