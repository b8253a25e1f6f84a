/*
 * etsolve_priv.h: the solver's state, shared by etsolve.c (the passes) and
 * etorder.c (the ordering and the column layout it builds); nobody else
 * includes it.
 */
#ifndef MPC_ETSOLVE_PRIV_H
#define MPC_ETSOLVE_PRIV_H

#include "etsolve.h"

#define ET_POLL_MASK	0xFFFF	/* poll for interrupts every 65536 items */

struct mpc_ets
{
	mpc_alloc	a;
	int			(*poll) (void *);
	void	   *poll_arg;
	size_t		n;
	const size_t *rptr;			/* only during create */
	const mpc_rating *A;
	const double *p;			/* by peer index */

	uint32_t   *perm;			/* position -> peer index */
	uint32_t   *bstart;			/* nb + 1 component starts (positions) */
	size_t		nb;
	size_t		ncyclic;		/* positions in cyclic components */
	size_t	   *cptr;			/* n + 1, columns by position */
	size_t	   *cin;			/* n: first in-edge from inside the component */
	uint32_t   *crow;			/* row position of each in-edge */
	double	   *cval;			/* its c_ij */
	uint32_t   *bof;			/* by position: its component */
	mpc_et_solver_stats sst;

	double		alpha;
	double		eps;
	double	   *x;				/* by position */
	double	   *bo;				/* by position: p_j + (1 - a) * inflow */
	unsigned char *fin;			/* by position: its component is final */
	uint32_t   *active;			/* cyclic components ready and not final */
	size_t		nactive;
	uint32_t   *bcol;			/* per component: readiness cursor (column) */
	size_t	   *bedge;			/* and edge */
	uint32_t   *whead;			/* per component: first component waiting on it */
	uint32_t   *wnext;			/* per component: next in the same waiting list */
	uint32_t   *cstack;			/* components just made final */
	size_t		ncstack;
	size_t		nwaiting;		/* components waiting for an upstream one */
	int			scanned;		/* the first scan over all components ran */
	double	   *bbound;			/* per component: its last error bound */
	double		final_bound;	/* sum over final components */
	double		xsum;			/* sum(x), a lower bound of the final sum */
	int			done;
};

#define ET_ALLOC(et, n, size, err) mpc_alloc_array(&(et)->a, (n), (size), (err))
#define ET_FREE(et, ptr) MPC_ALLOC_FREE(&(et)->a, ptr)

static inline int
et_poll(const mpc_ets *et)
{
	return et->poll != NULL ? et->poll(et->poll_arg) : 0;
}

static inline mpc_status
et_interrupted(mpc_ets *et, mpc_error *err)
{
	(void) et;
	return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
}

/* Order the peers and build the column layout (etorder.c). */
mpc_status	ets_prepare(mpc_ets *et, mpc_error *err);

#endif
