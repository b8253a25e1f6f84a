/*
 * protocol_masked.h: what the glue files of masked private EigenTrust
 * (protocol_masked*.c) share: a party's run state and its helpers.
 */
#ifndef MPC_PROTOCOL_MASKED_H
#define MPC_PROTOCOL_MASKED_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"

#include "authmsg.h"
#include "masked.h"
#include "protocol.h"
#include "zerosum.h"

#define PM_MAX_RUN	128
#define PM_NONCE	32
#define PM_HELLO	1
#define PM_RUNNING	2
#define PM_FINAL	3
#define PM_UNMASKED	4			/* the unmask reply of r->round is out */

typedef struct pm_run
{
	MemoryContext cxt;
	char		run[PM_MAX_RUN + 1];
	char		krun[AM_MAX_RUN_LEN + 1];	/* run id and digest of the nonces: what keys and tags bind */
	char	   *edges_sql;
	Oid			owner;
	int			phase;
	uint8		priv[ZS_PRIV_LEN];	/* the party's identity key */
	uint8		pub[ZS_PUB_LEN];
	uint8		nonce[32];		/* this party's fresh contribution to the run's keys */
	uint8	   *known;			/* pinned public keys of the other parties */
	int			nknown;
	/* the ratings as read at hello */
	int64	   *ra,
			   *rb;
	double	   *rs;
	size_t		m;
	int64	   *hosted_ids;		/* trusters and members, ascending */
	int			nhosted;
	/* the run, from setup */
	uint32		parties,
				self,
				n;
	int64	   *peers;
	unsigned char *hmask;
	int64	   *p;
	double		alpha,
				epsilon;
	int32		max_iter;
	uint8		(*mac)[AM_KEY_LEN];
	uint8		(*prg)[AM_KEY_LEN];
	uint8		(*enc)[AM_KEY_LEN];
	unsigned char *active;		/* the parties of the current round */
	unsigned char *present;		/* whose vector of r->round arrived */
	uint8	   *shares;			/* the shares of their self-mask seeds addressed to this party */
	uint8	   *released;		/* per party: PEM_WHAT_SELF or PEM_WHAT_PAIR released, or 0 */
	int64	   *rel_round;		/* ... in that round */
	uint64	   *sum;			/* the sum of the present vectors of r->round */
	uint64	   *myy;			/* this party's masked vector of r->round */
	uint8	   *dvecs;			/* the digests of the present vectors of r->round */
	uint8		sigma[PEM_CHECK];	/* <r, S'> of the round's sum, checked at the next step */
	uint8		dround[AM_DIGEST_LEN];	/* D_{r->round}, which covers the sum */
	pet_edge   *e;
	size_t		kept;
	uint32	   *dang;
	size_t		ndang;
	int64	   *t;
	int64		round;			/* the last round whose vector this party sent */
	uint8		dprev[AM_DIGEST_LEN];	/* D_{round - 1} */
	uint8		mine[AM_DIGEST_LEN];	/* SHA-256 of the last message this party sent */
	uint8		myvec[AM_DIGEST_LEN];	/* the vector digest of its vector of r->round */
	double		residual;
	int64		dropped;
} pm_run;

/* Forget the run, wiping every secret first. */
void		pm_forget(void);
/* The state of run_id for this edges query and role at phase, or ERROR. */
pm_run	   *pm_get(const char *edges_sql, const char *run, int phase, const char *fn);
/* A bytea[] of exactly want entries (NULL entries only with nulls_ok), or ERROR. */
void		pm_bytea_args(ArrayType *a, int want, const uint8 ***ptrs, size_t **lens, const char *what,
						  bool nulls_ok);
/* The index of id in the ascending ids, or -1. */
int			pm_find_id(const int64 *ids, int n, int64 id);
/* A protocol failure: ERROR, the run is over (the caller's PG_CATCH wipes it). */
void		pm_raise(const mpc_error *err, const char *fn) pg_attribute_noreturn();
pem_ctx		pm_ctx(const pm_run *r);
/* y = partial sums at t plus this round's masks, as the round's message */
bytea	   *pm_message(pm_run *r, int64 round, const int64 *t, const uint8 dprev[AM_DIGEST_LEN]);

#endif
