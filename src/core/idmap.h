/*
 * idmap.h: interning of int64 peer ids into dense uint32 indices, and the
 * allocator the EigenTrust modules (idmap, rows, eigentrust) share.
 *
 * Ids get provisional indices in order of arrival (mpc_idmap_intern); at the
 * end mpc_idmap_rank renumbers them by ascending id, so a dense index never
 * depends on the order the rows came in.  Small non-negative ids (the usual
 * serial or identity keys) go through a direct table of at most
 * max(2^20, 8 * peers) entries, all other ids through an open-addressing
 * hash; memory is O(peers) whatever the ids are.
 */
#ifndef MPC_IDMAP_H
#define MPC_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "mpc_common.h"

/* An allocator: NULL from alloc means out of memory. */
typedef struct mpc_alloc
{
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*free) (void *ctx, void *ptr);
	void	   *ctx;
} mpc_alloc;

/* malloc/free */
void		mpc_alloc_default(mpc_alloc *a);

/* nelem * size bytes (at least 1), or NULL with MPC_ERR_NOMEM in err. */
void	   *mpc_alloc_array(const mpc_alloc *a, size_t nelem, size_t size, mpc_error *err);

#define MPC_ALLOC_FREE(a, ptr) \
	do { if ((ptr) != NULL) { (a)->free((a)->ctx, (ptr)); (ptr) = NULL; } } while (0)

#define MPC_IDMAP_MAX	((size_t) UINT32_MAX - 1)

typedef struct mpc_idmap_slot
{
	int64_t		key;
	uint32_t	val;			/* provisional index + 1; 0 = empty slot */
} mpc_idmap_slot;

typedef struct mpc_idmap
{
	mpc_alloc	a;
	uint32_t   *direct;			/* ids in [0, dcap): provisional index + 1 */
	size_t		dcap;
	mpc_idmap_slot *slots;		/* every other id; never an id in [0, dcap) */
	size_t		hcap;			/* power of two */
	size_t		hcount;
	size_t		count;			/* provisional indices handed out */
} mpc_idmap;

void		mpc_idmap_init(mpc_idmap *m, const mpc_alloc *a);
void		mpc_idmap_free(mpc_idmap *m);

static inline uint64_t
mpc_idmap_hash(int64_t key)
{
	uint64_t	x = (uint64_t) key;

	/* splitmix64's finaliser: every input bit reaches every output bit */
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

mpc_status	mpc_idmap_intern_slow(mpc_idmap *m, int64_t id, uint32_t *idx, mpc_error *err);

/* The provisional index of id, a new one (= the count so far) when unseen. */
static inline mpc_status
mpc_idmap_intern(mpc_idmap *m, int64_t id, uint32_t *idx, mpc_error *err)
{
	if (id >= 0 && (uint64_t) id < m->dcap)
	{
		uint32_t	v = m->direct[id];

		if (v != 0)
		{
			*idx = v - 1;
			return MPC_OK;
		}
	}
	return mpc_idmap_intern_slow(m, id, idx, err);
}

/* A hint to the CPU to start loading p into the cache (no effect otherwise). */
#if defined(__GNUC__) || defined(__clang__)
#define MPC_PREFETCH(p) __builtin_prefetch(p)
#else
#define MPC_PREFETCH(p) ((void) (p))
#endif

/* Where id's entry is: its direct entry or its first hash slot (or NULL). */
static inline const void *
mpc_idmap_where(const mpc_idmap *m, int64_t id)
{
	if (id >= 0 && (uint64_t) id < m->dcap)
		return &m->direct[id];
	if (m->hcap > 0)
		return &m->slots[mpc_idmap_hash(id) & (m->hcap - 1)];
	return NULL;
}

/*
 * A hint that id will be interned soon: starts loading its entry into the
 * cache, so that a caller interning a batch overlaps the cache misses of
 * several ids.  A macro: GCC drops a call to an inline function that does
 * nothing but prefetch (it counts as free of side effects).
 */
#define mpc_idmap_prefetch(m, id) MPC_PREFETCH(mpc_idmap_where((m), (id)))

static inline size_t
mpc_idmap_count(const mpc_idmap *m)
{
	return m->count;
}

/*
 * ids[0..count) receives the ids in ascending order and rank[prov] the
 * position of provisional index prov in it.  The tables are freed: the map
 * is empty afterwards.
 */
mpc_status	mpc_idmap_rank(mpc_idmap *m, int64_t *ids, uint32_t *rank, mpc_error *err);

#endif
