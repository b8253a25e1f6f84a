/*
 * placement.h: where the parties of the seed paper's task groups go
 * (Fujita, "Privacy Preserving Reputation Calculation in P2P Systems with
 * Homomorphic Encryption", section 4.3).
 *
 * Pure C, no GMP, no PostgreSQL.  Every function validates its inputs and
 * returns an mpc_status; none aborts.  Nothing here is secret: placement is
 * public, so the randomness is a documented, seeded PRG and every decision
 * is reproducible from the seed (the protocol logs the seed).
 *
 * The pieces, in the order the `groups` mode uses them:
 *   1. placement_mds: round-trip times (an n x n matrix) to 3-D coordinates
 *      by classical multidimensional scaling;
 *   2. placement_kmeans: k groups by k-means (k-means++ seeding), plain or
 *      with balanced sizes (floor(n/k) or ceil(n/k) members each);
 *   3. placement_mst_cycle: each group's chain order, a preorder walk of a
 *      minimum spanning tree (at most twice the shortest cycle when the
 *      times obey the triangle inequality);
 *   4. placement_adapt: after a round, split chains that were slow and merge
 *      chains that were fast, from their observed circulation times;
 *   5. placement_greedy: the alternative to 2, groups by observed response
 *      time (longest first, to the least loaded group).
 *
 * Matrices are row-major doubles: d[i * n + j].  Points are n x 3 doubles.
 * Group assignments are arrays of n group numbers in [0, k).
 */
#ifndef MPC_PLACEMENT_H
#define MPC_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "mpc_common.h"

#define PLACEMENT_DIM			3		/* coordinates per point */
#define PLACEMENT_MAX_POINTS	65536	/* parties or simulated nodes */
#define PLACEMENT_MAX_MDS		2048	/* MDS is O(n^3): keep it bounded */
#define PLACEMENT_MAX_BRUTE		12		/* exhaustive helpers (tests only) */

/*
 * The PRG: xoshiro256** (Blackman and Vigna, 2018) whose 256-bit state is
 * filled from the 64-bit seed by splitmix64.  Not cryptographic, and not
 * meant to be: it only makes placement reproducible.
 */
typedef struct placement_prg
{
	uint64_t	s[4];
} placement_prg;

void		placement_prg_seed(placement_prg *g, uint64_t seed);
uint64_t	placement_prg_next(placement_prg *g);
/* Uniform in [0, 1), 53 bits. */
double		placement_prg_uniform(placement_prg *g);
/* Uniform in [0, bound) without modulo bias; bound 0 gives 0. */
uint64_t	placement_prg_below(placement_prg *g, uint64_t bound);
/* Geometric on {1, 2, ...}: the number of Bernoulli(p) trials up to and
 * including the first success, mean 1/p.  0 < p <= 1. */
mpc_status	placement_prg_geometric(placement_prg *g, double p, uint64_t *out,
									mpc_error *err);
/* A uniformly random permutation of a[0..n) (Fisher-Yates). */
void		placement_prg_shuffle(placement_prg *g, size_t *a, size_t n);

/*
 * A distance (round-trip time) matrix is valid when n >= 1, every entry is
 * finite and >= 0, the diagonal is 0 and d[i][j] == d[j][i] within
 * 1e-9 * (1 + |d[i][j]|).
 */
mpc_status	placement_check_distances(const double *d, size_t n, mpc_error *err);
/* Euclidean distances between n points in 3-D into d (n x n). */
mpc_status	placement_distances(const double *pts, size_t n, double *d,
								mpc_error *err);

/*
 * Classical MDS: B = -1/2 J D^2 J with J = I - 11'/n, the three largest
 * eigenpairs of B (cyclic Jacobi), coords[i][c] = v_c[i] * sqrt(max(l_c, 0)).
 * The result is unique up to rotation, reflection and translation; for
 * distances that come from points in 3-D it reproduces them exactly (up to
 * rounding).  n <= PLACEMENT_MAX_MDS.  coords is n x 3.
 */
mpc_status	placement_mds(const double *d, size_t n, double *coords,
						  mpc_error *err);

/*
 * k-means (Lloyd) of n points in 3-D into k groups, 1 <= k <= n, seeded by
 * k-means++ from placement_prg(seed).  Ties go to the lower index.  A group
 * that empties takes the point farthest from its own centre.
 * balanced != 0: every group gets floor(n/k) or ceil(n/k) members (the
 * assignment step then takes the pairs (point, one of its 16 nearest
 * centres) in increasing distance and gives each free point to the centre
 * if it has room; a point left over goes to the nearest centre with room).
 * Stops when no assignment changes or after max_iter rounds (0 means 100).
 * assign: n group numbers; centres (k x 3) may be NULL; iters may be NULL.
 */
mpc_status	placement_kmeans(const double *pts, size_t n, size_t k,
							 uint64_t seed, int balanced, unsigned max_iter,
							 size_t *assign, double *centres, unsigned *iters,
							 mpc_error *err);

/* A random equal partition: a shuffled 0..n-1 dealt round-robin, so group
 * sizes are floor(n/k) or ceil(n/k).  1 <= k <= n. */
mpc_status	placement_random_partition(size_t n, size_t k, uint64_t seed,
									   size_t *assign, mpc_error *err);

/*
 * The chain order of a group: Prim's minimum spanning tree of the complete
 * graph on d (n x n), rooted at member 0, then a preorder walk visiting
 * children in increasing distance (then index).  order gets a permutation
 * of 0..n-1 with order[0] = 0; the chain is order[0] -> ... -> order[n-1]
 * -> order[0].  When d is a metric, its length is at most twice the
 * shortest Hamiltonian cycle.
 */
mpc_status	placement_mst_cycle(const double *d, size_t n, size_t *order,
								mpc_error *err);
/* The closed length sum d[order[i]][order[i+1]] + d[order[n-1]][order[0]]
 * (0 for n <= 1).  order must be a permutation of 0..n-1. */
mpc_status	placement_cycle_length(const double *d, size_t n,
								   const size_t *order, double *len,
								   mpc_error *err);
/* The same for a subset: members[0..m) index into the n x n matrix d. */
mpc_status	placement_subset_cycle_length(const double *d, size_t n,
										  const size_t *members, size_t m,
										  double *len, mpc_error *err);
/* Reorder members[0..m) (indexes into the n x n matrix d) by
 * placement_mst_cycle, keeping members[0] first. */
mpc_status	placement_order_subset(const double *d, size_t n, size_t *members,
								   size_t m, mpc_error *err);

/*
 * Greedy partitioning by response time (longest processing time first):
 * members in decreasing resp (ties: lower index first) each go to the group
 * with the least total so far (ties: lower group number).  balanced != 0
 * caps each group at ceil(n/k) members and guarantees floor(n/k) each.
 * resp: n finite values >= 0.  1 <= k <= n.
 */
mpc_status	placement_greedy(const double *resp, size_t n, size_t k,
							 int balanced, size_t *assign, mpc_error *err);
/* max over groups of the sum of resp in the group (the round's time when a
 * chain is as slow as the sum of its members' response times). */
mpc_status	placement_max_load(const double *resp, size_t n, size_t k,
							   const size_t *assign, double *max_load,
							   mpc_error *err);

/*
 * Chains as a flat list: chain c is members[offsets[c] .. offsets[c+1]),
 * in chain order; offsets has nchains + 1 entries, offsets[0] = 0,
 * offsets[nchains] = number of members.
 */
typedef struct placement_adapt_params
{
	double		split_ratio;	/* split a chain slower than this x median; > 1 */
	double		merge_ratio;	/* merge chains faster than this x median; < 1 */
	size_t		min_size;		/* never make a chain smaller than this; >= 1 */
	size_t		max_size;		/* never make a chain larger; 0 = no limit */
} placement_adapt_params;

/* split 2.0, merge 0.5, min 2, no max. */
void		placement_adapt_defaults(placement_adapt_params *p);

/*
 * The adaptive rule of section 4.3, as a pure function of the last round:
 * with ref = the median of times[0..nchains) (the mean of the two middle
 * values for an even count; a median so that one slow chain does not make
 * every other chain look fast),
 *  - a chain whose time exceeds split_ratio * ref, and that has at least
 *    2 * min_size members, is split into two consecutive halves of its
 *    order (the first ceil(m/2) members, then the rest);
 *  - chains whose time is below merge_ratio * ref are merged in pairs,
 *    fastest with next fastest, if their times add up to at most ref and
 *    their sizes to at most max_size; the second is appended to the first.
 * Chains not touched keep their order.  Output chains are in the order:
 * every input chain's result in input order (a split chain yields two
 * consecutive chains, a merged pair sits where its first member was).
 * out_members has room for every member, out_offsets for 2 * nchains + 1
 * entries.  *out_nchains gets the new count, *changed whether any chain
 * split or merged.  times: finite, >= 0.
 */
mpc_status	placement_adapt(const size_t *members, const size_t *offsets,
							size_t nchains, const double *times,
							const placement_adapt_params *params,
							size_t *out_members, size_t *out_offsets,
							size_t *out_nchains, int *changed,
							mpc_error *err);

#endif
