/*
 * idmap.c: see idmap.h.
 */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

static void *
sys_alloc(void *ctx, size_t size)
{
	(void) ctx;
	return malloc(size);
}

static void
sys_free(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

void
mpc_alloc_default(mpc_alloc *a)
{
	a->alloc = sys_alloc;
	a->free = sys_free;
	a->ctx = NULL;
}

void *
mpc_alloc_array(const mpc_alloc *a, size_t nelem, size_t size, mpc_error *err)
{
	void	   *p;

	if (size != 0 && nelem > SIZE_MAX / size)
	{
		mpc_fail(err, MPC_ERR_NOMEM, "allocation of %zu elements of %zu bytes overflows", nelem, size);
		return NULL;
	}
	p = a->alloc(a->ctx, nelem * size > 0 ? nelem * size : 1);
	if (p == NULL)
		mpc_fail(err, MPC_ERR_NOMEM, "out of memory allocating %zu bytes", nelem * size);
	return p;
}

void
mpc_idmap_init(mpc_idmap *m, const mpc_alloc *a)
{
	memset(m, 0, sizeof(*m));
	m->a = *a;
}

void
mpc_idmap_free(mpc_idmap *m)
{
	MPC_ALLOC_FREE(&m->a, m->direct);
	MPC_ALLOC_FREE(&m->a, m->slots);
	m->dcap = m->hcap = m->hcount = m->count = 0;
}

/* Rebuild the hash with capacity ncap, moving ids now in [0, dcap) to direct. */
static mpc_status
idmap_rehash(mpc_idmap *m, size_t ncap, mpc_error *err)
{
	mpc_idmap_slot *ns = mpc_alloc_array(&m->a, ncap, sizeof(mpc_idmap_slot), err);

	if (ns == NULL)
		return err->code;
	memset(ns, 0, ncap * sizeof(mpc_idmap_slot));
	for (size_t i = 0; i < m->hcap; i++)
	{
		mpc_idmap_slot sl = m->slots[i];

		if (sl.val == 0)
			continue;
		if (sl.key >= 0 && (uint64_t) sl.key < m->dcap)
		{
			m->direct[sl.key] = sl.val;
			m->hcount--;
		}
		else
		{
			size_t		h = (size_t) mpc_idmap_hash(sl.key) & (ncap - 1);

			while (ns[h].val != 0)
				h = (h + 1) & (ncap - 1);
			ns[h] = sl;
		}
	}
	MPC_ALLOC_FREE(&m->a, m->slots);
	m->slots = ns;
	m->hcap = ncap;
	return MPC_OK;
}

/* The direct table may grow to max(2^20, 8 * peers) entries: O(peers). */
static inline uint64_t
idmap_direct_limit(const mpc_idmap *m)
{
	uint64_t	lim = 8 * ((uint64_t) m->count + 1);

	return lim > (UINT64_C(1) << 20) ? lim : (UINT64_C(1) << 20);
}

static mpc_status
idmap_direct_grow(mpc_idmap *m, int64_t id, mpc_error *err)
{
	size_t		ncap = m->dcap ? m->dcap : 4096;
	uint32_t   *nd;

	while (ncap <= (uint64_t) id)
		ncap *= 2;
	nd = mpc_alloc_array(&m->a, ncap, sizeof(uint32_t), err);
	if (nd == NULL)
		return err->code;
	if (m->dcap > 0)
		memcpy(nd, m->direct, m->dcap * sizeof(uint32_t));
	memset(nd + m->dcap, 0, (ncap - m->dcap) * sizeof(uint32_t));
	MPC_ALLOC_FREE(&m->a, m->direct);
	m->direct = nd;
	m->dcap = ncap;
	if (m->hcount > 0)
		return idmap_rehash(m, m->hcap, err);
	return MPC_OK;
}

static mpc_status
idmap_new(mpc_idmap *m, uint32_t *idx, mpc_error *err)
{
	if (m->count >= MPC_IDMAP_MAX)
		return mpc_fail(err, MPC_ERR_OVERFLOW, "more than %zu distinct peers", MPC_IDMAP_MAX);
	*idx = (uint32_t) m->count++;
	return MPC_OK;
}

mpc_status
mpc_idmap_intern_slow(mpc_idmap *m, int64_t id, uint32_t *idx, mpc_error *err)
{
	size_t		h;
	mpc_idmap_slot *sl;

	if (id >= 0 && (uint64_t) id >= m->dcap && (uint64_t) id < idmap_direct_limit(m) &&
		idmap_direct_grow(m, id, err) != MPC_OK)
		return err->code;
	if (id >= 0 && (uint64_t) id < m->dcap)
	{
		uint32_t	v = m->direct[id];

		if (v != 0)
		{
			*idx = v - 1;
			return MPC_OK;
		}
		if (idmap_new(m, idx, err) != MPC_OK)
			return err->code;
		m->direct[id] = *idx + 1;
		return MPC_OK;
	}

	if (2 * (m->hcount + 1) > m->hcap &&
		idmap_rehash(m, m->hcap ? m->hcap * 2 : 1024, err) != MPC_OK)
		return err->code;
	sl = m->slots;
	h = (size_t) mpc_idmap_hash(id) & (m->hcap - 1);
	while (sl[h].val != 0)
	{
		if (sl[h].key == id)
		{
			*idx = sl[h].val - 1;
			return MPC_OK;
		}
		h = (h + 1) & (m->hcap - 1);
	}
	if (idmap_new(m, idx, err) != MPC_OK)
		return err->code;
	sl[h].key = id;
	sl[h].val = *idx + 1;
	m->hcount++;
	return MPC_OK;
}

typedef struct idpos
{
	int64_t		id;
	uint32_t	prov;
} idpos;

static int
cmp_idpos(const void *a, const void *b)
{
	int64_t		x = ((const idpos *) a)->id;
	int64_t		y = ((const idpos *) b)->id;

	return (x > y) - (x < y);
}

/*
 * Sort (id, provisional index) pairs by id: LSD radix sort on 16-bit digits
 * of the id with its sign bit flipped, skipping digits all ids share.
 */
static mpc_status
sort_idpos(const mpc_alloc *al, idpos *a, size_t n, mpc_error *err)
{
	idpos	   *tmp,
			   *src = a,
			   *dst;
	size_t	   *cnt;

	if (n < 256)
	{
		if (n > 1)
			qsort(a, n, sizeof(idpos), cmp_idpos);
		return MPC_OK;
	}
	tmp = mpc_alloc_array(al, n, sizeof(idpos), err);
	if (tmp == NULL)
		return err->code;
	cnt = mpc_alloc_array(al, 65536, sizeof(size_t), err);
	if (cnt == NULL)
	{
		al->free(al->ctx, tmp);
		return err->code;
	}
	dst = tmp;
	for (int shift = 0; shift < 64; shift += 16)
	{
		size_t		sum = 0;
		int			skip = 0;

		memset(cnt, 0, 65536 * sizeof(size_t));
		for (size_t i = 0; i < n; i++)
			cnt[(((uint64_t) src[i].id ^ (UINT64_C(1) << 63)) >> shift) & 0xFFFF]++;
		for (size_t d = 0; d < 65536; d++)
		{
			size_t		c = cnt[d];

			if (c == n)
				skip = 1;
			cnt[d] = sum;
			sum += c;
		}
		if (skip)
			continue;
		for (size_t i = 0; i < n; i++)
			dst[cnt[(((uint64_t) src[i].id ^ (UINT64_C(1) << 63)) >> shift) & 0xFFFF]++] = src[i];
		{
			idpos	   *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != a)
		memcpy(a, src, n * sizeof(idpos));
	al->free(al->ctx, cnt);
	al->free(al->ctx, tmp);
	return MPC_OK;
}

mpc_status
mpc_idmap_rank(mpc_idmap *m, int64_t *ids, uint32_t *rank, mpc_error *err)
{
	size_t		n = m->count,
				nh = 0,
				h = 0,
				r = 0;
	idpos	   *order = mpc_alloc_array(&m->a, m->hcount, sizeof(idpos), err);

	if (order == NULL)
		return err->code;
	for (size_t i = 0; i < m->hcap; i++)
		if (m->slots[i].val != 0)
		{
			order[nh].id = m->slots[i].key;
			order[nh].prov = m->slots[i].val - 1;
			nh++;
		}
	if (sort_idpos(&m->a, order, nh, err) != MPC_OK)
	{
		m->a.free(m->a.ctx, order);
		return err->code;
	}
	/* negative ids (hashed), the direct table in index order, large ids */
	for (; h < nh && order[h].id < 0; h++, r++)
	{
		ids[r] = order[h].id;
		rank[order[h].prov] = (uint32_t) r;
	}
	for (size_t d = 0; d < m->dcap; d++)
		if (m->direct[d] != 0)
		{
			ids[r] = (int64_t) d;
			rank[m->direct[d] - 1] = (uint32_t) r;
			r++;
		}
	for (; h < nh; h++, r++)
	{
		ids[r] = order[h].id;
		rank[order[h].prov] = (uint32_t) r;
	}
	m->a.free(m->a.ctx, order);
	mpc_idmap_free(m);
	if (r != n)
		return mpc_fail(err, MPC_ERR_INTERNAL, "%zu peers ranked, %zu expected", r, n);
	return MPC_OK;
}
