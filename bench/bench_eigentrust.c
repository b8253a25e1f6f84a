/*
 * bench_eigentrust.c: the EigenTrust core without a server, in thread CPU
 * time (CLOCK_THREAD_CPUTIME_ID).
 *
 *   bench/build/bench_eigentrust [options] --file F     F: "src dst w" (.tsv,
 *                                                      header line) or
 *                                                      "src,dst,w,..." (.csv)
 *   bench/build/bench_eigentrust [options] --gen EDGES PEERS
 *
 *   --alpha A       default 0.15
 *   --eps E         default 1e-12 (eigentrust()'s default epsilon)
 *   --reps R        default 3: load, build and solve R times, report medians
 *   --ref FILE      write the reference (eps 1e-15) as n records of
 *                   (int64 peer id, float64 trust), for the igraph/networkx
 *                   comparison (bench/eigentrust_nx.py)
 *   --rows FILE     write the rating rows as (int64, int64, float64) records
 *
 * --gen draws a power-law graph: truster = floor(PEERS * u^2), trustee =
 * floor(PEERS * u^3), score 1 + floor(10 u), u uniform (xorshift64*, fixed
 * seed), held in memory before the timed load.
 *
 * Prints "key value" lines: load_s (mpc_et_add_edges of every row, in
 * batches of 1024 as eigentrust() gives them), build_s
 * (mpc_et_build: ids, grouping, the row rule), solve_s (mpc_et_start, which
 * orders the matrix, + passes + mpc_et_finish, as eigentrust() runs it),
 * order_s (of which the first start), passes, bound (the solver's L1 error
 * bound), l1_to_ref (the measured L1 distance to the eps 1e-15 run), and the
 * graph's counts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "eigentrust.h"

typedef struct row
{
	int64_t		s;
	int64_t		d;
	double		w;
} row;

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

static void
die(const char *what, const mpc_error *err)
{
	fprintf(stderr, "bench_eigentrust: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

static row *
read_rows(const char *path, size_t *count)
{
	FILE	   *f = fopen(path, "r");
	char		line[512];
	size_t		n = 0,
				cap = 1 << 16;
	row		   *r = malloc(cap * sizeof(row));
	int			csv = strlen(path) > 4 && strcmp(path + strlen(path) - 4, ".csv") == 0;

	if (f == NULL || r == NULL || fgets(line, sizeof(line), f) == NULL)
		die(path, NULL);
	while (fgets(line, sizeof(line), f) != NULL)
	{
		long long	s,
					d;
		double		w;

		if ((csv ? sscanf(line, "%lld,%lld,%lf", &s, &d, &w)
			 : sscanf(line, "%lld %lld %lf", &s, &d, &w)) != 3)
			continue;
		if (n == cap && (r = realloc(r, (cap *= 2) * sizeof(row))) == NULL)
			die("realloc", NULL);
		r[n].s = s;
		r[n].d = d;
		r[n].w = w;
		n++;
	}
	fclose(f);
	*count = n;
	return r;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
median(double *t, int n)
{
	qsort(t, (size_t) n, sizeof(double), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

#define LOAD_BATCH 1024

static mpc_et *
load(const row *r, size_t n, double *t_load, double *t_build)
{
	static int64_t bs[LOAD_BATCH],
				bd[LOAD_BATCH];
	static double bw[LOAD_BATCH];

	mpc_et	   *et;
	mpc_error	err;
	double		t0;

	if (mpc_et_create(NULL, 0, 0, &et, &err) != MPC_OK)
		die("create", &err);
	t0 = cpu_now();
	/* in batches, as eigentrust() gives them (its receiver's copy is not timed) */
	for (size_t k = 0; k < n; k += LOAD_BATCH)
	{
		size_t		b = n - k < LOAD_BATCH ? n - k : LOAD_BATCH;

		for (size_t i = 0; i < b; i++)
		{
			bs[i] = r[k + i].s;
			bd[i] = r[k + i].d;
			bw[i] = r[k + i].w;
		}
		if (mpc_et_add_edges(et, bs, bd, bw, b, &err) != MPC_OK)
			die("add_edges", &err);
	}
	*t_load = cpu_now() - t0;
	t0 = cpu_now();
	if (mpc_et_build(et, &err) != MPC_OK)
		die("build", &err);
	*t_build = cpu_now() - t0;
	return et;
}

int
main(int argc, char **argv)
{
	const char *file = NULL,
			   *ref_out = NULL,
			   *rows_out = NULL;
	long long	gen_edges = 0,
				gen_peers = 0;
	double		alpha = 0.15,
				eps = 1e-12;
	int			reps = 3;
	row		   *r;
	size_t		nr;
	double		tl[64],
				tb[64],
				ts[64],
				to[64],
				bound = 0,
				l1 = 0;
	int			passes = 0;
	mpc_et_stats st;
	mpc_et_solver_stats sst;
	double	   *result = NULL;
	size_t		n = 0;

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--gen") == 0 && i + 2 < argc)
		{
			gen_edges = atoll(argv[++i]);
			gen_peers = atoll(argv[++i]);
		}
		else if (strcmp(argv[i], "--alpha") == 0 && i + 1 < argc)
			alpha = atof(argv[++i]);
		else if (strcmp(argv[i], "--eps") == 0 && i + 1 < argc)
			eps = atof(argv[++i]);
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--ref") == 0 && i + 1 < argc)
			ref_out = argv[++i];
		else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
			rows_out = argv[++i];
		else
		{
			fprintf(stderr, "usage: %s [--alpha A] [--eps E] [--reps R] [--ref F] [--rows F] "
					"(--file F | --gen EDGES PEERS)\n", argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > 64 || (file == NULL && (gen_edges < 1 || gen_peers < 1)))
	{
		fprintf(stderr, "bench_eigentrust: give --file or --gen EDGES PEERS, reps 1..64\n");
		return 2;
	}
	if (file != NULL)
		r = read_rows(file, &nr);
	else
	{
		nr = (size_t) gen_edges;
		r = malloc(nr * sizeof(row));
		if (r == NULL)
			die("malloc", NULL);
		for (size_t k = 0; k < nr; k++)
		{
			r[k].s = (int64_t) floor((double) gen_peers * pow(uniform(), 2));
			r[k].d = (int64_t) floor((double) gen_peers * pow(uniform(), 3));
			r[k].w = 1 + floor(uniform() * 10);
		}
	}
	if (rows_out != NULL)
	{
		FILE	   *f = fopen(rows_out, "wb");

		if (f == NULL || fwrite(r, sizeof(row), nr, f) != nr || fclose(f) != 0)
			die(rows_out, NULL);
	}

	for (int rep = 0; rep < reps; rep++)
	{
		mpc_et	   *et = load(r, nr, &tl[rep], &tb[rep]);
		mpc_error	err;
		double		t0 = cpu_now(),
					res = INFINITY;
		int			it = 0;

		if (mpc_et_start(et, alpha, eps, &err) != MPC_OK)
			die("start", &err);
		to[rep] = cpu_now() - t0;
		while (it < 100000 && res >= eps)
		{
			if (mpc_et_step(et, &res, &err) != MPC_OK)
				die("step", &err);
			it++;
		}
		if (mpc_et_finish(et, &err) != MPC_OK)
			die("finish", &err);
		ts[rep] = cpu_now() - t0;
		passes = it;
		bound = res;
		mpc_et_get_stats(et, &st);
		mpc_et_get_solver_stats(et, &sst);
		if (rep == reps - 1)
		{
			/* the reference: the same object solved to a bound of 1e-15 */
			const int64_t *ids = mpc_et_peer_ids(et);
			double		rres;
			int			rit;

			n = mpc_et_peer_count(et);
			result = malloc((n ? n : 1) * sizeof(double));
			if (result == NULL)
				die("malloc", NULL);
			memcpy(result, mpc_et_trust(et), n * sizeof(double));
			if (mpc_et_solve(et, alpha, 1e-15, 1000000, &rit, &rres, &err) != MPC_OK)
				die("reference", &err);
			if (!(rres < 1e-15))
				fprintf(stderr, "bench_eigentrust: the reference stopped at a bound of %g\n", rres);
			for (size_t i = 0; i < n; i++)
				l1 += fabs(result[i] - mpc_et_trust(et)[i]);
			printf("ref_passes %d\nref_bound %.3e\n", rit, rres);
			if (ref_out != NULL)
			{
				FILE	   *f = fopen(ref_out, "wb");

				for (size_t i = 0; f != NULL && i < n; i++)
				{
					double		t = mpc_et_trust(et)[i];

					if (fwrite(&ids[i], 8, 1, f) != 1 || fwrite(&t, 8, 1, f) != 1)
						die(ref_out, NULL);
				}
				if (f == NULL || fclose(f) != 0)
					die(ref_out, NULL);
			}
		}
		mpc_et_free(et);
	}
	printf("graph %s\n", file ? file : "generated power law");
	printf("rows %llu\npeers %llu\npositive_pairs %llu\ndangling %llu\n",
		   (unsigned long long) st.rows, (unsigned long long) st.peers,
		   (unsigned long long) st.positive, (unsigned long long) st.dangling);
	printf("flat %llu\ncomponents %llu\ncyclic_components %llu\nlargest_component %llu\n", (unsigned long long) sst.flat,
		   (unsigned long long) sst.components, (unsigned long long) sst.cyclic,
		   (unsigned long long) sst.largest);
	printf("alpha %g\neps %g\nreps %d\n", alpha, eps, reps);
	printf("load_s %.6f\nbuild_s %.6f\nsolve_s %.6f\norder_s %.6f\n",
		   median(tl, reps), median(tb, reps), median(ts, reps), median(to, reps));
	printf("passes %d\nedge_updates %llu\nbound %.3e\nl1_to_ref %.3e\n", passes,
		   (unsigned long long) sst.updates, bound, l1);
	free(result);
	free(r);
	return 0;
}
