/*
 * eigentrust.h: EigenTrust (Kamvar, Schlosser, Garcia-Molina, WWW 2003) on a
 * sparse matrix.
 *
 * One object goes through four phases:
 *
 *   mpc_et_create          empty problem
 *   mpc_et_add_edge        stream ratings (truster, trustee, score) in any order
 *   mpc_et_add_pretrust    stream pre-trust weights (peer, weight) in any order
 *   mpc_et_build           map ids to dense indices (ascending id), sum
 *                          duplicate pairs, clip, normalise rows, transpose
 *   mpc_et_start           t = p
 *   mpc_et_step            one power iteration; returns the L1 change
 *   mpc_et_finish          renormalise (and subtract distrust if asked)
 *
 * mpc_et_solve runs start/step/finish in one call for standalone users.
 * Results are read with mpc_et_peer_count / mpc_et_peer_ids / mpc_et_trust,
 * in ascending peer id order.
 *
 * Memory is O(peers + edges) and comes from the allocator given to
 * mpc_et_create (NULL means malloc/free), so an embedding program can put it
 * in its own arena.  Every loop longer than a few thousand elements polls
 * mpc_interrupted() and returns MPC_ERR_INTERRUPTED.
 */
#ifndef MPC_EIGENTRUST_H
#define MPC_EIGENTRUST_H

#include <stddef.h>
#include <stdint.h>

#include "mpc_common.h"

typedef struct mpc_et_alloc
{
	void	   *(*alloc) (void *ctx, size_t size);	/* NULL when out of memory */
	void		(*free) (void *ctx, void *ptr);
	void	   *ctx;
} mpc_et_alloc;

typedef struct mpc_et mpc_et;

/* Counts after mpc_et_build, for progress reports and tests. */
typedef struct mpc_et_stats
{
	uint64_t	rows;			/* rating rows given */
	uint64_t	self_rows;		/* of which self-ratings (ignored) */
	uint64_t	pairs;			/* distinct (truster, trustee) pairs, no self */
	uint64_t	positive;		/* pairs whose summed score is > 0 */
	uint64_t	negative;		/* pairs whose summed score is < 0 */
	uint64_t	peers;
	uint64_t	dangling;		/* peers without positive outgoing trust */
	uint64_t	pretrusted;		/* peers with a positive pre-trust weight */
} mpc_et_stats;

/*
 * has_pretrust: 0 means uniform pre-trust over all peers (mpc_et_add_pretrust
 * is then refused); 1 means the weights given with mpc_et_add_pretrust, which
 * must not all be zero.  distrust: 1 keeps the negative part and subtracts
 * it once after convergence (see mpc_et_finish).
 */
mpc_status	mpc_et_create(const mpc_et_alloc *alloc, int has_pretrust, int distrust,
						  mpc_et **out, mpc_error *err);
void		mpc_et_free(mpc_et *et);

/*
 * The interrupt poll for this object, instead of the global mpc_interrupted()
 * (NULL restores that).  An interruption poisons the object, so an embedder
 * whose global hook also reports interrupts that do not cancel should give a
 * hook here that reports only real cancellations.
 */
void		mpc_et_set_interrupt(mpc_et *et, mpc_interrupt_fn fn);

/* score must be finite.  A self-rating still makes the id a peer. */
mpc_status	mpc_et_add_edge(mpc_et *et, int64_t truster, int64_t trustee, double score,
							mpc_error *err);

/* weight must be finite and >= 0; weights of the same peer are summed. */
mpc_status	mpc_et_add_pretrust(mpc_et *et, int64_t peer, double weight, mpc_error *err);

mpc_status	mpc_et_build(mpc_et *et, mpc_error *err);
void		mpc_et_get_stats(const mpc_et *et, mpc_et_stats *st);

/* alpha in (0, 1]: the weight of pre-trust ("a" in the paper). */
mpc_status	mpc_et_start(mpc_et *et, double alpha, mpc_error *err);

/* One iteration t <- (1-a) C^T t + a p; *residual = ||t_new - t_old||_1. */
mpc_status	mpc_et_step(mpc_et *et, double *residual, mpc_error *err);

/*
 * Rescale t so that it sums to 1 (compensated), then, with distrust, subtract
 * sum_i t_i D_ij once, D the row-normalised negative part.
 */
mpc_status	mpc_et_finish(mpc_et *et, mpc_error *err);

/*
 * start + step until the L1 change is below epsilon or max_iter steps ran +
 * finish.  Not converging is not an error: compare *residual to epsilon.
 */
mpc_status	mpc_et_solve(mpc_et *et, double alpha, double epsilon, int max_iter,
						 int *iterations, double *residual, mpc_error *err);

size_t		mpc_et_peer_count(const mpc_et *et);
const int64_t *mpc_et_peer_ids(const mpc_et *et);	/* ascending */
const double *mpc_et_trust(const mpc_et *et);	/* after start: the current iterate */

#endif
