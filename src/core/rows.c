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

static inline int
less_dst_w(const mpc_rating *x, const mpc_rating *y)
{
	return x->dst < y->dst || (x->dst == y->dst && x->w < y->w);
}

static inline void
swap_rating(mpc_rating *x, mpc_rating *y)
{
	mpc_rating	t = *x;

	*x = *y;
	*y = t;
}

static void
insertion_sort(mpc_rating *e, size_t n)
{
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

static void
sift_down(mpc_rating *e, size_t root, size_t n)
{
	for (;;)
	{
		size_t		c = 2 * root + 1;

		if (c >= n)
			return;
		if (c + 1 < n && less_dst_w(&e[c], &e[c + 1]))
			c++;
		if (!less_dst_w(&e[root], &e[c]))
			return;
		swap_rating(&e[root], &e[c]);
		root = c;
	}
}

static void
heap_sort(mpc_rating *e, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(e, i, n);
	for (size_t i = n; i-- > 1;)
	{
		swap_rating(&e[0], &e[i]);
		sift_down(e, 0, i);
	}
}

/*
 * Sort one row by (trustee, value): introsort (quicksort on the median of
 * three, heapsort when the partitions go too deep, so crafted input cannot
 * make it quadratic, insertion sort for short ranges; most rows are short).
 * The comparisons are inline: qsort's call per comparison cost more than
 * the sort itself on the large rows of a power-law graph.
 */
static void
sort_row_depth(mpc_rating *e, size_t n, int depth)
{
	while (n > 24)
	{
		mpc_rating *a = &e[0],
				   *b = &e[n / 2],
				   *c = &e[n - 1];
		mpc_rating	pivot;
		size_t		i,
					j;

		if (depth-- == 0)
		{
			heap_sort(e, n);
			return;
		}
		/* median of three to e[n / 2] */
		if (less_dst_w(b, a))
			swap_rating(a, b);
		if (less_dst_w(c, b))
		{
			swap_rating(b, c);
			if (less_dst_w(b, a))
				swap_rating(a, b);
		}
		pivot = *b;
		/* Hoare partition: e[0..j] <= pivot <= e[j + 1..n) */
		i = 0;
		j = n - 1;
		for (;;)
		{
			while (less_dst_w(&e[i], &pivot))
				i++;
			while (less_dst_w(&pivot, &e[j]))
				j--;
			if (i >= j)
				break;
			swap_rating(&e[i], &e[j]);
			i++;
			j--;
		}
		/* recurse into the smaller side, loop on the larger */
		if (j + 1 < n - j - 1)
		{
			sort_row_depth(e, j + 1, depth);
			e += j + 1;
			n -= j + 1;
		}
		else
		{
			sort_row_depth(e + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	insertion_sort(e, n);
}

static void
sort_row(mpc_rating *e, size_t n)
{
	int			depth = 0;

	for (size_t k = n; k > 1; k >>= 1)
		depth += 2;
	sort_row_depth(e, n, depth);
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
	return less_dst_w(y, x) - less_dst_w(x, y);
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

#define ROWS_PREFETCH(p) MPC_PREFETCH(p)

/* how many ratings ahead the renumbering starts loading rank entries */
#define ROWS_AHEAD 16

/* up to 2^ROWS_ONE_PASS_BITS peers the counting sort runs in one pass */
#define ROWS_ONE_PASS_BITS 12

/* One counting pass over the chunks: small n, every table in the cache. */
static mpc_status
rowstore_sort_small(mpc_rowstore *s, const uint32_t *rank, size_t n,
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
	/* shift the ends back into starts */
	for (size_t j = n; j > 0; j--)
		start[j] = start[j - 1];
	start[0] = 0;
	return MPC_OK;
}

/*
 * Many peers: a row cursor per peer would be a table of megabytes written at
 * random, one cache and TLB miss per rating.  Instead, two stable counting
 * passes on the two halves of the row's bits (most significant first):
 *
 *   0. renumber src and dst in place (rank is read at random, so the entries
 *      of the rating ROWS_AHEAD ahead are prefetched) and count the ratings
 *      of each high half;
 *   1. scatter the chunks into out by high half (at most 2^16 buckets, each
 *      written in sequence), freeing each chunk once read;
 *   2. within each bucket, counting sort by low half through a buffer as
 *      large as the largest bucket: a bucket is usually small enough for the
 *      CPU's cache.  Its counts are the row lengths, so start[] comes out of
 *      this pass.
 */
static mpc_status
rowstore_sort_large(mpc_rowstore *s, const uint32_t *rank, size_t n, int bits,
					mpc_rating *out, size_t *start, int (*poll) (void *), void *poll_arg,
					mpc_error *err)
{
	int			lo = bits / 2;
	size_t		nb = (size_t) 1 << (bits - lo),
				nl = (size_t) 1 << lo,
				lmask = nl - 1,
				maxb = 0;
	size_t	   *bstart = mpc_alloc_array(&s->a, 2 * nb + 1, sizeof(size_t), err),
			   *cur,
			   *lcnt = NULL;
	mpc_rating *tmp = NULL;
	mpc_status	st = MPC_OK;

	if (bstart == NULL)
		return err->code;
	cur = bstart + nb + 1;
	memset(bstart, 0, (nb + 1) * sizeof(size_t));

	/* 0: renumber, count per bucket */
	for (mpc_rows_chunk *c = s->head; c != NULL; c = c->next)
	{
		mpc_rating *e = c->e;
		size_t		cn = c->n;

		if (poll != NULL && poll(poll_arg))
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			goto done;
		}
		for (size_t i = 0; i < cn && i < ROWS_AHEAD; i++)
		{
			ROWS_PREFETCH(&rank[e[i].src]);
			ROWS_PREFETCH(&rank[e[i].dst]);
		}
		for (size_t i = 0; i < cn; i++)
		{
			uint32_t	r;

			if (i + ROWS_AHEAD < cn)
			{
				ROWS_PREFETCH(&rank[e[i + ROWS_AHEAD].src]);
				ROWS_PREFETCH(&rank[e[i + ROWS_AHEAD].dst]);
			}
			r = rank[e[i].src];
			e[i].src = r;
			e[i].dst = rank[e[i].dst];
			bstart[(r >> lo) + 1]++;
		}
	}
	for (size_t b = 0; b < nb; b++)
	{
		if (bstart[b + 1] > maxb)
			maxb = bstart[b + 1];
		bstart[b + 1] += bstart[b];
	}
	memcpy(cur, bstart, nb * sizeof(size_t));

	/* 1: scatter by bucket */
	while (s->head != NULL)
	{
		mpc_rows_chunk *c = s->head;
		const mpc_rating *e = c->e;
		size_t		cn = c->n;

		if (poll != NULL && poll(poll_arg))
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			goto done;
		}
		for (size_t i = 0; i < cn; i++)
			out[cur[e[i].src >> lo]++] = e[i];
		s->head = c->next;
		s->a.free(s->a.ctx, c);
	}

	/* 2: each bucket by its low half */
	tmp = mpc_alloc_array(&s->a, maxb, sizeof(mpc_rating), err);
	lcnt = mpc_alloc_array(&s->a, nl, sizeof(size_t), err);
	if (tmp == NULL || lcnt == NULL)
	{
		st = err->code;
		goto done;
	}
	for (size_t b = 0; b < nb; b++)
	{
		size_t		b0 = bstart[b],
					b1 = bstart[b + 1],
					rbase = b << lo,
					pos = b0;

		if (rbase >= n)
			break;
		if ((b & 0xFF) == 0 && poll != NULL && poll(poll_arg))
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			goto done;
		}
		memset(lcnt, 0, nl * sizeof(size_t));
		for (size_t k = b0; k < b1; k++)
			lcnt[out[k].src & lmask]++;
		for (size_t d = 0; d < nl && rbase + d < n; d++)
		{
			size_t		cnt = lcnt[d];

			start[rbase + d] = pos;
			lcnt[d] = pos;
			pos += cnt;
		}
		if (b1 - b0 > 1)
		{
			memcpy(tmp, out + b0, (b1 - b0) * sizeof(mpc_rating));
			for (size_t k = 0; k < b1 - b0; k++)
				out[lcnt[tmp[k].src & lmask]++] = tmp[k];
		}
	}
	start[n] = s->count;

done:
	MPC_ALLOC_FREE(&s->a, tmp);
	MPC_ALLOC_FREE(&s->a, lcnt);
	MPC_ALLOC_FREE(&s->a, bstart);
	return st;
}

mpc_status
mpc_rowstore_sort(mpc_rowstore *s, const uint32_t *rank, size_t n,
				  mpc_rating *out, size_t *start, int (*poll) (void *), void *poll_arg,
				  mpc_error *err)
{
	int			bits = 0;
	mpc_status	st;

	while (bits < 32 && ((uint64_t) 1 << bits) < n)
		bits++;
	if (bits <= ROWS_ONE_PASS_BITS)
		st = rowstore_sort_small(s, rank, n, out, start, poll, poll_arg, err);
	else
		st = rowstore_sort_large(s, rank, n, bits, out, start, poll, poll_arg, err);
	if (st != MPC_OK)
		return st;
	s->tail = NULL;
	s->count = 0;
	return MPC_OK;
}
