/*
 * eigentrust_input.h: the input side of eigentrust() (eigentrust_input.c):
 * the two queries run through SPI into a DestReceiver that feeds the core,
 * and the core's allocator and interrupt poll.  Only eigentrust.c includes it.
 */
#ifndef MPC_EIGENTRUST_INPUT_H
#define MPC_EIGENTRUST_INPUT_H

#include "postgres.h"

#include "tcop/dest.h"

#include "eigentrust.h"

/*
 * Ratings go to the core in batches of this many rows: the core then starts
 * the id lookups of the next rows while it stores the current one, instead of
 * waiting for one cache miss after another between the executor's tuples.
 */
#define ET_BATCH 1024

typedef enum et_kind
{
	ET_EDGES,
	ET_PRETRUST
} et_kind;

typedef struct et_receiver
{
	DestReceiver pub;
	mpc_et	   *et;
	et_kind		kind;
	const char *argname;
	int			ncols;			/* columns used: 3 for edges, 2 for pre-trust */
	Oid			types[3];		/* base types of those columns */
	bool		started;
	bool		any_positive;	/* pre-trust: some weight > 0 */
	uint64		rows;
	MemoryContext rowcxt;		/* for numeric conversion garbage */
	/* edges: rows not yet given to the core */
	int			nbatch;
	int64	   *bsrc;
	int64	   *bdst;
	double	   *bw;
} et_receiver;

/* the core's allocator on a memory context (ctx) and its interrupt poll */
void	   *et_palloc(void *ctx, size_t size);
void		et_pfree(void *ctx, void *ptr);
int			et_cancel_pending(void);

/* a receiver of edges or pre-trust rows for et, its memory under parent */
void		et_init_receiver(et_receiver *r, mpc_et *et, et_kind kind, MemoryContext parent);

/* run the read-only query sql (or a bare table name) into r */
void		et_run_query(const char *sql, et_receiver *r);

#endif
