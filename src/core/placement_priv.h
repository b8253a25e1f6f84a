/*
 * placement_priv.h: what the placement files share (placement.c,
 * placement_groups.c, placement_order.c).  Private to the core.
 */
#ifndef MPC_PLACEMENT_PRIV_H
#define MPC_PLACEMENT_PRIV_H

#include "placement.h"

/* n in 1..max points, else MPC_ERR_ARG naming 'what' */
mpc_status	placement_check_n(size_t n, size_t max, const char *what, mpc_error *err);
/* every coordinate finite and of sensible size */
mpc_status	placement_check_points(const double *pts, size_t n, const char *what,
								   mpc_error *err);

static inline double
dist3sq(const double *a, const double *b)
{
	double		x = a[0] - b[0],
				y = a[1] - b[1],
				z = a[2] - b[2];

	return x * x + y * y + z * z;
}

#endif
