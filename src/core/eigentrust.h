/*
 * eigentrust.h: EigenTrust (Kamvar, Schlosser, Garcia-Molina, WWW 2003) on a
 * sparse matrix.
 *
 * One object goes through four phases:
 *
 *   mpc_et_create          empty problem
 *   mpc_et_add_edge(s)     stream ratings (truster, trustee, score) in any order,
 *                          one at a time or in batches
 *   mpc_et_add_pretrust    stream pre-trust weights (peer, weight) in any order
 *   mpc_et_build           map ids to dense indices (ascending id, idmap.h),
 *                          group by truster and apply the row rule (rows.h)
 *   mpc_et_start           order the matrix for the solver (once), x = p
 *   mpc_et_step            one Gauss-Seidel pass; returns an L1 error bound
 *   mpc_et_finish          normalise (and subtract distrust if asked)
 *
 * The fixed point is the paper's t = (1 - a) C^T t + a p with dangling rows
 * replaced by p.  The solver does not iterate that map: it solves the linear
 * system (I - (1 - a) C0^T) x = p, C0 being C with its dangling rows zero, by
 * Gauss-Seidel over the strongly connected components in topological order,
 * and returns t = x / sum(x), which is the same fixed point
 * (docs/design.md, "EigenTrust", explains why and how it stops).
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

#include "idmap.h"
#include "rows.h"
#include "etsolve.h"

typedef mpc_alloc mpc_et_alloc;

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

/*
 * count ratings at once (truster[k], trustee[k], score[k]), the same as count
 * calls of mpc_et_add_edge but faster: the id lookups of the next rows are
 * started while the current one is stored.  Every score is checked before
 * any row is added; after another error (out of memory, too many peers) the
 * rows before the failing one have been added.
 */
mpc_status	mpc_et_add_edges(mpc_et *et, const int64_t *truster, const int64_t *trustee,
							 const double *score, size_t count, mpc_error *err);

/* weight must be finite and >= 0; weights of the same peer are summed. */
mpc_status	mpc_et_add_pretrust(mpc_et *et, int64_t peer, double weight, mpc_error *err);

mpc_status	mpc_et_build(mpc_et *et, mpc_error *err);
void		mpc_et_get_stats(const mpc_et *et, mpc_et_stats *st);

/*
 * alpha in (0, 1]: the weight of pre-trust ("a" in the paper).  epsilon > 0:
 * the L1 distance to the exact fixed point that the result may have.  The
 * first start after the build also orders the matrix for the solver (the
 * strongly connected components, a transposed copy); later starts reuse it.
 */
mpc_status	mpc_et_start(mpc_et *et, double alpha, double epsilon, mpc_error *err);

/*
 * One pass: a Gauss-Seidel sweep over every component that is not yet
 * converged and whose upstream components are.  *residual is a bound on the
 * L1 distance between the normalised result and the exact fixed point (not
 * an estimate: docs/design.md derives it), or infinity while some component
 * has not been swept yet; the solve is done when *residual < epsilon.
 */
mpc_status	mpc_et_step(mpc_et *et, double *residual, mpc_error *err);

/*
 * Rescale t so that it sums to 1 (compensated), then, with distrust, subtract
 * sum_i t_i D_ij once, D the row-normalised negative part.
 */
mpc_status	mpc_et_finish(mpc_et *et, mpc_error *err);

/*
 * start + step until the error bound is below epsilon or max_iter passes ran
 * + finish.  Not converging is not an error: compare *residual to epsilon.
 */
mpc_status	mpc_et_solve(mpc_et *et, double alpha, double epsilon, int max_iter,
						 int *iterations, double *residual, mpc_error *err);

size_t		mpc_et_peer_count(const mpc_et *et);
const int64_t *mpc_et_peer_ids(const mpc_et *et);	/* ascending */
const double *mpc_et_trust(const mpc_et *et);	/* after finish, in peer order */

/* Solver statistics after start (etsolve.h) and its work so far. */
void		mpc_et_get_solver_stats(const mpc_et *et, mpc_et_solver_stats *st);

#endif
