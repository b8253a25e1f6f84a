/*
 * memory.c: GMP's memory inside the server, and wiped secret buffers.
 *
 * While one of our SQL functions runs (MPC_FUNCTION in mpc_pg.h), GMP
 * allocates through palloc in CurrentMemoryContext:
 * - memory held by a query that ERRORs is released with its memory context
 *   (no leak), and an allocation failure is an ERROR instead of abort();
 * - every block is wiped when GMP frees or moves it, and every block still
 *   held when its memory context is reset or deleted (an ERROR, the end of
 *   a row or a query) is wiped then, by a reset callback on that context.
 *
 * The allocator is in force only inside our functions: on entry we read the
 * functions in force (GMP's defaults, or another GMP user's such as gmpy2's)
 * and restore them on every exit, and around user code we run (SPI).  GMP
 * keeps one process-wide set of memory functions, so another GMP user in the
 * backend would otherwise free its own blocks with pfree, or ours with free.
 *
 * Each block carries a small header linking it into the list of its memory
 * context's tracker; the tracker is created on the first block in a context
 * and registered as the context's reset callback.
 */
#include "postgres.h"

#include <gmp.h>

#include "lib/ilist.h"
#include "utils/memutils.h"

#include "mpc_pg.h"

typedef struct Tracker
{
	MemoryContextCallback cb;
	MemoryContext cxt;
	dlist_head	blocks;
	struct Tracker *next;		/* live trackers */
} Tracker;

typedef struct Block
{
	dlist_node	node;
	Size		size;			/* usable bytes after the header */
	Tracker    *owner;
} Block;

StaticAssertDecl(sizeof(Block) % MAXIMUM_ALIGNOF == 0, "Block keeps alignment");

static Tracker *live = NULL;
static Tracker *last = NULL;

static void
tracker_reset(void *arg)
{
	Tracker    *t = (Tracker *) arg;
	Tracker   **pp;
	dlist_iter	it;

	dlist_foreach(it, &t->blocks)
	{
		Block	   *b = dlist_container(Block, node, it.cur);

		mpc_wipe(b + 1, b->size);
	}
	for (pp = &live; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t)
		{
			*pp = t->next;
			break;
		}
	if (last == t)
		last = NULL;
}

static Tracker *
tracker_for(MemoryContext cxt)
{
	Tracker    *t;

	if (last != NULL && last->cxt == cxt)
		return last;
	for (t = live; t != NULL; t = t->next)
		if (t->cxt == cxt)
			return last = t;
	t = MemoryContextAlloc(cxt, sizeof(Tracker));
	t->cxt = cxt;
	dlist_init(&t->blocks);
	t->cb.func = tracker_reset;
	t->cb.arg = t;
	MemoryContextRegisterResetCallback(cxt, &t->cb);
	t->next = live;
	live = t;
	return last = t;
}

static void *
block_alloc(MemoryContext cxt, Size size)
{
	Tracker    *t = tracker_for(cxt);
	Block	   *b;

	b = MemoryContextAllocExtended(cxt, sizeof(Block) + size, MCXT_ALLOC_HUGE);
	b->size = size;
	b->owner = t;
	dlist_push_head(&t->blocks, &b->node);
	return b + 1;
}

static void
block_free(void *p)
{
	Block	   *b = ((Block *) p) - 1;

	dlist_delete(&b->node);
	mpc_wipe(p, b->size);
	pfree(b);
}

static void *
gmp_alloc(size_t size)
{
	return block_alloc(CurrentMemoryContext, size);
}

/* Always move: shrinking in place would leave the tail unwiped.  The new
 * block lives in the old one's context, so long-lived values stay so. */
static void *
gmp_realloc(void *ptr, size_t old_size, size_t new_size)
{
	Block	   *b = ((Block *) ptr) - 1;
	void	   *p = block_alloc(b->owner->cxt, new_size);

	memcpy(p, ptr, Min(b->size, new_size));
	block_free(ptr);
	return p;
}

static void
gmp_free(void *ptr, size_t size)
{
	block_free(ptr);
}

void *
mpc_secret_alloc(Size size)
{
	return block_alloc(CurrentMemoryContext, size);
}

void
mpc_secret_free(void *p)
{
	if (p != NULL)
		block_free(p);
}

struct varlena *
mpc_detoast_secret(Datum d)
{
	struct varlena *orig = (struct varlena *) DatumGetPointer(d);
	struct varlena *v = pg_detoast_datum(orig);
	struct varlena *copy;

	if (v == orig)
		return v;
	copy = mpc_secret_alloc(VARSIZE(v));
	memcpy(copy, v, VARSIZE(v));
	mpc_wipe(v, VARSIZE(v));
	pfree(v);
	return copy;
}

/* ---- bracketing ---- */

/* The functions that were in force when our outermost active call began. */
static mpc_gmp_saved *foreign = NULL;

static inline bool
is_ours(void *(*a) (size_t))
{
	return a == gmp_alloc;
}

void
mpc_gmp_enter(mpc_gmp_saved *saved)
{
	mp_get_memory_functions(&saved->alloc, &saved->realloc, &saved->free);
	saved->outer = foreign;
	if (!is_ours(saved->alloc))
	{
		foreign = saved;
		mp_set_memory_functions(gmp_alloc, gmp_realloc, gmp_free);
	}
}

void
mpc_gmp_leave(const mpc_gmp_saved *saved)
{
	foreign = saved->outer;
	mp_set_memory_functions(saved->alloc, saved->realloc, saved->free);
}

void
mpc_gmp_suspend(void)
{
	if (foreign != NULL)
		mp_set_memory_functions(foreign->alloc, foreign->realloc, foreign->free);
	else
		mp_set_memory_functions(NULL, NULL, NULL);
}

void
mpc_gmp_resume(void)
{
	mp_set_memory_functions(gmp_alloc, gmp_realloc, gmp_free);
}

Datum
mpc_gmp_call(PGFunction body, FunctionCallInfo fcinfo)
{
	mpc_gmp_saved saved;
	volatile Datum result = (Datum) 0;

	mpc_gmp_enter(&saved);
	PG_TRY();
	{
		result = body(fcinfo);
	}
	PG_FINALLY();
	{
		mpc_gmp_leave(&saved);
	}
	PG_END_TRY();
	return result;
}

/* ---- self-check ---- */

typedef struct WipeProbe
{
	MemoryContextCallback cb;
	const unsigned char *spots[3];
	Size		lens[3];
	bool		wiped;
} WipeProbe;

/* Runs after the tracker's callback (callbacks run in reverse order of
 * registration, and the probe registered first), before the memory is
 * released: every secret byte must be zero by then. */
static void
probe_check(void *arg)
{
	WipeProbe  *probe = (WipeProbe *) arg;

	probe->wiped = true;
	for (int i = 0; i < 3; i++)
		for (Size j = 0; j < probe->lens[i]; j++)
			if (probe->spots[i][j] != 0)
				probe->wiped = false;
}

/*
 * _mpc_memory_selftest() RETURNS boolean: true when GMP limbs and secret
 * buffers that are still allocated when their memory context goes away
 * (as on an ERROR) are wiped first.  A GMP value, a secret buffer and a
 * secret buffer abandoned by an ERROR are left in a context, which is then
 * deleted.
 */
MPC_FUNCTION(_mpc_memory_selftest)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "mpc_eigentrust selftest",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old;
	WipeProbe  *probe = palloc0(sizeof(WipeProbe));
	mpz_t		x;
	unsigned char *volatile buf2 = NULL;
	unsigned char *buf;

	probe->cb.func = probe_check;
	probe->cb.arg = probe;
	MemoryContextRegisterResetCallback(cxt, &probe->cb);

	old = MemoryContextSwitchTo(cxt);
	mpz_init_set_str(x, "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5", 16);
	buf = mpc_secret_alloc(64);
	memset(buf, 0x5a, 64);
	PG_TRY();
	{
		buf2 = mpc_secret_alloc(32);
		memset(buf2, 0x3c, 32);
		elog(ERROR, "abandoned");
	}
	PG_CATCH();
	{
		FlushErrorState();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	probe->spots[0] = (const unsigned char *) x->_mp_d;
	probe->lens[0] = (Size) x->_mp_alloc * sizeof(mp_limb_t);
	probe->spots[1] = buf;
	probe->lens[1] = 64;
	probe->spots[2] = buf2;
	probe->lens[2] = 32;
	/* no mpz_clear, no mpc_secret_free: the context takes them */
	MemoryContextDelete(cxt);
	PG_RETURN_BOOL(probe->wiped);
}
