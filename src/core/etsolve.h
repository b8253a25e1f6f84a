/*
 * etsolve.h: the EigenTrust solver, on the rows of C built by eigentrust.c.
 *
 * It solves (I - (1 - a) C0^T) x = p, C0 being C's positive part with the
 * dangling rows zero; t = x / sum(x) is EigenTrust's fixed point (the
 * dangling term of the paper's iteration only rescales x).  The peers are
 * ordered by strongly connected component (Tarjan), components in
 * topological order, and solved in that order once their inputs are final:
 * a singleton in one update, a cyclic component by Gauss-Seidel sweeps.
 * docs/design.md ("EigenTrust") explains the choice and the stopping bound.
 */
#ifndef MPC_ETSOLVE_H
#define MPC_ETSOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "mpc_common.h"
#include "idmap.h"
#include "rows.h"

typedef struct mpc_ets mpc_ets;

typedef struct mpc_et_solver_stats
{
	uint64_t	components;		/* strongly connected components, singletons included */
	uint64_t	cyclic;			/* components with more than one peer */
	uint64_t	largest;		/* peers in the largest component */
	uint64_t	updates;		/* edge updates done by the passes so far */
	uint64_t	flat;			/* 1: not ordered, one block (few trivial singletons) */
} mpc_et_solver_stats;

/*
 * Order the matrix: n peers, C's rows (row i is A[rptr[i] .. rptr[i + 1]),
 * entries with w > 0 are c_ij, the others are ignored), pre-trust p by peer
 * index (kept by pointer: it must outlive the solver).  A and rptr are only
 * read here.  poll (may be NULL) is called in long loops; nonzero stops with
 * MPC_ERR_INTERRUPTED.
 */
mpc_status	mpc_ets_create(const mpc_alloc *a, size_t n, const size_t *rptr, const mpc_rating *A,
						   const double *p, int (*poll) (void *), void *poll_arg,
						   mpc_ets **out, mpc_error *err);
void		mpc_ets_free(mpc_ets *s);

/* x = p; alpha in (0, 1] and epsilon > 0 are the caller's to check. */
void		mpc_ets_start(mpc_ets *s, double alpha, double epsilon);

/*
 * One pass: a sweep of every cyclic component that is ready and not final.
 * *residual is a bound on the L1 distance of x / sum(x) to the fixed point,
 * infinity while a component has not been swept; done when < epsilon.
 */
mpc_status	mpc_ets_step(mpc_ets *s, double *residual, mpc_error *err);

/* x by peer index (not normalised). */
void		mpc_ets_get_x(const mpc_ets *s, double *x);
void		mpc_ets_get_stats(const mpc_ets *s, mpc_et_solver_stats *st);

#endif
