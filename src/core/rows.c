/*
 * rows.c: see rows.h.
 *
 * Sums use Neumaier's compensated summation, which also handles terms of
 * mixed sign; a pair's ratings are summed in ascending value order, so the
 * sum is a function of the multiset of ratings, bit for bit.
 */
#include "rows.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_dst_w(const void *a, const void *b)
{
	const mpc_rating *x = a;
	const mpc_rating *y = b;

	if (x->dst != y->dst)
		return (x->dst > y->dst) - (x->dst < y->dst);
	return (x->w > y->w) - (x->w < y->w);
}

static inline int
less_dst_w(const mpc_rating *x, const mpc_rating *y)
{
	return x->dst < y->dst || (x->dst == y->dst && x->w < y->w);
}

/* Sort one row by (trustee, value); most rows are short. */
static void
sort_row(mpc_rating *e, size_t n)
{
	if (n > 24)
	{
		qsort(e, n, sizeof(mpc_rating), cmp_dst_w);
		return;
	}
	for (size_t i = 1; i < n; i++)
	{
		mpc_rating	x = e[i];
		size_t		j = i;

		while (j > 0 && less_dst_w(&x, &e[j - 1]))
		{
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
}

#define PEER(ids, i) ((ids) != NULL ? (long long) (ids)[i] : (long long) (i))

mpc_status
mpc_row_rule(mpc_rating *r, size_t len, int flags, size_t *kept, int *dangling,
			 mpc_row_counts *counts, const int64_t *ids, mpc_error *err)
{
	uint32_t	src;
	size_t		m = 0,
				npos = 0,
				nneg = 0;
	mpc_csum	pos = {0, 0},
				neg = {0, 0};
	double		ps,
				ns;

	*kept = 0;
	*dangling = 1;
	if (len == 0)
		return MPC_OK;
	src = r[0].src;
	for (size_t k = 0; k < len; k++)
	{
		if (r[k].src != src)
			return mpc_fail(err, MPC_ERR_ARG, "a row holds ratings of two trusters");
		if (!isfinite(r[k].w))
			return mpc_fail(err, MPC_ERR_ARG, "the score of %lld for %lld is not finite",
							PEER(ids, src), PEER(ids, r[k].dst));
	}
	sort_row(r, len);
	for (size_t k = 0; k < len;)
	{
		size_t		q = k + 1;
		double		v = r[k].w;

		while (q < len && r[q].dst == r[k].dst)
			q++;
		if (q - k > 1)
		{
			mpc_csum	sum = {0, 0};

			for (size_t x = k; x < q; x++)
				mpc_csum_add(&sum, r[x].w);
			v = mpc_csum_get(&sum);
			if (!isfinite(v))
				return mpc_fail(err, MPC_ERR_OVERFLOW,
								"the ratings of peer %lld for peer %lld sum beyond the range of a double",
								PEER(ids, src), PEER(ids, r[k].dst));
		}
		if (r[k].dst != src)
		{
			if (v > 0)
			{
				mpc_csum_add(&pos, v);
				npos++;
			}
			else if (v < 0)
			{
				mpc_csum_add(&neg, -v);
				nneg++;
			}
			if (v > 0 || !(flags & MPC_ROWS_POSITIVE_ONLY))
			{
				r[m].src = src;
				r[m].dst = r[k].dst;
				r[m].w = v;
				m++;
			}
			if (counts != NULL)
				counts->pairs++;
		}
		k = q;
	}
	ps = mpc_csum_get(&pos);
	ns = mpc_csum_get(&neg);
	if (!isfinite(ps) || !isfinite(ns))
		return mpc_fail(err, MPC_ERR_OVERFLOW,
						"the ratings given by peer %lld sum beyond the range of a double",
						PEER(ids, src));
	for (size_t q = 0; q < m; q++)
	{
		if (r[q].w > 0)
			r[q].w /= ps;
		else if (r[q].w < 0)
			r[q].w /= ns;		/* stays negative: -d_ij */
	}
	if (counts != NULL)
	{
		counts->positive += npos;
		counts->negative += nneg;
	}
	*kept = m;
	*dangling = npos == 0;
	return MPC_OK;
}

static int
cmp_src(const void *a, const void *b)
{
	const mpc_rating *x = a;
	const mpc_rating *y = b;

	if (x->src != y->src)
		return (x->src > y->src) - (x->src < y->src);
	return cmp_dst_w(a, b);
}

mpc_status
mpc_rows_build(mpc_rating *e, size_t m, int flags, size_t *kept, uint32_t *hosted,
			   unsigned char *dangling, size_t *nrows, mpc_error *err)
{
	size_t		out = 0,
				rows = 0;

	*kept = 0;
	*nrows = 0;
	for (size_t k = 0; k < m; k++)
		if (!isfinite(e[k].w))
			return mpc_fail(err, MPC_ERR_ARG, "a rating is not a finite number");
	if (m > 1)
		qsort(e, m, sizeof(mpc_rating), cmp_src);
	for (size_t k = 0; k < m;)
	{
		size_t		q = k + 1,
					got;
		int			dang;
		mpc_status	st;

		while (q < m && e[q].src == e[k].src)
			q++;
		hosted[rows] = e[k].src;
		st = mpc_row_rule(e + k, q - k, flags, &got, &dang, NULL, NULL, err);
		if (st != MPC_OK)
			return st;
		memmove(e + out, e + k, got * sizeof(mpc_rating));
		out += got;
		dangling[rows] = (unsigned char) dang;
		rows++;
		k = q;
	}
	*kept = out;
	*nrows = rows;
	return MPC_OK;
}

/* ---- streaming storage ---- */

void
mpc_rowstore_init(mpc_rowstore *s, const mpc_alloc *a)
{
	memset(s, 0, sizeof(*s));
	s->a = *a;
}

void
mpc_rowstore_free(mpc_rowstore *s)
{
	while (s->head != NULL)
	{
		mpc_rows_chunk *next = s->head->next;

		s->a.free(s->a.ctx, s->head);
		s->head = next;
	}
	s->tail = NULL;
	s->count = 0;
}

mpc_status
mpc_rowstore_grow(mpc_rowstore *s, mpc_error *err)
{
	mpc_rows_chunk *c = mpc_alloc_array(&s->a, 1, sizeof(mpc_rows_chunk), err);

	if (c == NULL)
		return err->code;
	c->next = NULL;
	c->n = 0;
	if (s->tail != NULL)
		s->tail->next = c;
	else
		s->head = c;
	s->tail = c;
	return MPC_OK;
}

mpc_status
mpc_rowstore_sort(mpc_rowstore *s, const uint32_t *rank, size_t n,
				  mpc_rating *out, size_t *start, int (*poll) (void *), void *poll_arg,
				  mpc_error *err)
{
	/* start[i + 1] counts row i, then the prefix sums make it row i's start */
	memset(start, 0, (n + 1) * sizeof(size_t));
	for (mpc_rows_chunk *c = s->head; c != NULL; c = c->next)
		for (size_t i = 0; i < c->n; i++)
			start[rank[c->e[i].src] + 1]++;
	for (size_t j = 0; j < n; j++)
		start[j + 1] += start[j];
	/* scatter with start[i] as row i's cursor; afterwards it is row i's end */
	while (s->head != NULL)
	{
		mpc_rows_chunk *c = s->head;

		if (poll != NULL && poll(poll_arg))
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		for (size_t i = 0; i < c->n; i++)
		{
			uint32_t	r = rank[c->e[i].src];
			mpc_rating *o = &out[start[r]++];

			o->src = r;
			o->dst = rank[c->e[i].dst];
			o->w = c->e[i].w;
		}
		s->head = c->next;
		s->a.free(s->a.ctx, c);
	}
	s->tail = NULL;
	s->count = 0;
	/* shift the ends back into starts */
	for (size_t j = n; j > 0; j--)
		start[j] = start[j - 1];
	start[0] = 0;
	return MPC_OK;
}
