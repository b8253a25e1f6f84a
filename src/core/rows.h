/*
 * rows.h: trust ratings between dense peer indices, and the row rule of
 * EigenTrust (FACTS.md section 4) that turns a truster's ratings into its
 * row of the normalised local trust matrix C.
 *
 * The row rule, for the ratings of one truster i:
 *   1. sum the ratings of each pair (i, j), in ascending value order with a
 *      compensated sum, so the result does not depend on the input order;
 *   2. drop j == i (self-ratings are ignored);
 *   3. clip: positive sums form C's row, negative sums the distrust row;
 *   4. normalise: c_ij = s_ij / sum of the positive s_ik, and
 *      -d_ij = s_ij / sum of |negative s_ik|;
 *   5. a row without a positive pair is dangling (it follows pre-trust).
 *
 * Both eigentrust() (through eigentrust.c) and the private protocol's
 * party step use it, so both compute the same C.
 *
 * Ratings stream into an mpc_rowstore (16 bytes each, in 64k chunks), and
 * mpc_rowstore_sort moves them into one array grouped by truster with a
 * counting sort (two passes over the halves of the row number above 4096
 * peers), renumbering the indices on the way.
 */
#ifndef MPC_ROWS_H
#define MPC_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "mpc_common.h"
#include "idmap.h"

typedef struct mpc_rating
{
	uint32_t	src;			/* truster */
	uint32_t	dst;			/* trustee */
	double		w;				/* a score; after the rule c_ij (> 0) or -d_ij (< 0) */
} mpc_rating;

/* ---- compensated sums (Neumaier: also for terms of mixed sign) ---- */

typedef struct mpc_csum
{
	double		s;
	double		c;
} mpc_csum;

static inline void
mpc_csum_add(mpc_csum *a, double x)
{
	double		t = a->s + x;

	if ((a->s >= 0 ? a->s : -a->s) >= (x >= 0 ? x : -x))
		a->c += (a->s - t) + x;
	else
		a->c += (x - t) + a->s;
	a->s = t;
}

static inline double
mpc_csum_get(const mpc_csum *a)
{
	return a->s + a->c;
}

/* ---- the row rule ---- */

/* flags */
#define MPC_ROWS_POSITIVE_ONLY	1	/* keep only c_ij > 0 (drop zero and negative pairs) */

typedef struct mpc_row_counts
{
	size_t		pairs;			/* distinct trustees, self excluded */
	size_t		positive;		/* pairs with a positive sum */
	size_t		negative;		/* pairs with a negative sum */
} mpc_row_counts;

/*
 * Apply the rule to r[0..len), the ratings of one truster (every src equal;
 * scores finite; any order).  The resulting pairs go to r[0..*kept), by
 * ascending dst: all pairs (w > 0: c_ij, w < 0: -d_ij, w == 0: a zero sum),
 * or only the positive ones with MPC_ROWS_POSITIVE_ONLY.  *dangling is 1
 * when no pair is positive.  counts (may be NULL) is incremented.  ids (may
 * be NULL) names the peers in error messages; otherwise indices are used.
 * Errors: MPC_ERR_ARG (mixed trusters, a non-finite score), MPC_ERR_OVERFLOW
 * (sums beyond the range of a double).
 */
mpc_status	mpc_row_rule(mpc_rating *r, size_t len, int flags, size_t *kept, int *dangling,
						 mpc_row_counts *counts, const int64_t *ids, mpc_error *err);

/*
 * The rule on ratings in any order: sorts e[0..m) by truster and applies
 * mpc_row_rule to each truster's ratings.  The pairs kept end up at the front
 * of e (*kept of them, by (src, dst)); hosted[0..*nrows) receives each
 * distinct truster in ascending order (a truster with only self or
 * non-positive ratings still counts) and dangling[k] whether hosted[k] has
 * no positive pair.  hosted and dangling must hold m entries.
 */
mpc_status	mpc_rows_build(mpc_rating *e, size_t m, int flags, size_t *kept, uint32_t *hosted,
						   unsigned char *dangling, size_t *nrows, mpc_error *err);

/* ---- streaming storage ---- */

#define MPC_ROWS_CHUNK	65536

typedef struct mpc_rows_chunk
{
	struct mpc_rows_chunk *next;
	size_t		n;
	mpc_rating	e[MPC_ROWS_CHUNK];
} mpc_rows_chunk;

typedef struct mpc_rowstore
{
	mpc_alloc	a;
	mpc_rows_chunk *head;
	mpc_rows_chunk *tail;
	size_t		count;
} mpc_rowstore;

void		mpc_rowstore_init(mpc_rowstore *s, const mpc_alloc *a);
void		mpc_rowstore_free(mpc_rowstore *s);
mpc_status	mpc_rowstore_grow(mpc_rowstore *s, mpc_error *err);

static inline mpc_status
mpc_rowstore_add(mpc_rowstore *s, uint32_t src, uint32_t dst, double w, mpc_error *err)
{
	mpc_rating *e;

	if (s->tail == NULL || s->tail->n == MPC_ROWS_CHUNK)
	{
		mpc_status	st = mpc_rowstore_grow(s, err);

		if (st != MPC_OK)
			return st;
	}
	e = &s->tail->e[s->tail->n++];
	e->src = src;
	e->dst = dst;
	e->w = w;
	s->count++;
	return MPC_OK;
}

/*
 * Counting sort by truster: every stored rating goes to out[0..count) with
 * src and dst replaced by rank[src] and rank[dst] (rank maps to [0, n)),
 * grouped by src ascending, in storage order within a group.  start[0..n]
 * receives the row boundaries: row i is out[start[i] .. start[i + 1]).  The
 * chunks are freed as they are emptied.  poll (may be NULL) is called once
 * per chunk; nonzero stops with MPC_ERR_INTERRUPTED.
 */
mpc_status	mpc_rowstore_sort(mpc_rowstore *s, const uint32_t *rank, size_t n,
							  mpc_rating *out, size_t *start, int (*poll) (void *),
							  void *poll_arg, mpc_error *err);

#endif
