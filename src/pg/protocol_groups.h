/*
 * protocol_groups.h: what the glue files of groups-mode private EigenTrust
 * share (protocol_groups.c: arguments, pairwise keys, digests and the
 * member's side; protocol_groups_dec.c: the decryptor's keys and decryption;
 * protocol_groups_agg.c: the tagged group aggregates and the decryptor's t;
 * protocol_groups_place.c: placement).
 * docs/design.md, "Groups mode".
 */
#ifndef MPC_PROTOCOL_GROUPS_H
#define MPC_PROTOCOL_GROUPS_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"

#include "authmsg.h"
#include "paillier_pg.h"
#include "zerosum.h"

#define PG_GROUPS_MIN		2	/* no decryptor ever sees fewer parties' sum */
#define PG_GROUPS_MAX_RUN	128
#define PG_RECEIPT_LEN		(3 * AM_DIGEST_LEN + AM_TAG_LEN)
#define PG_LABEL_KEY		"groups key"
#define PG_LABEL_STEP		"groups step"

/* the arguments every groups-mode party function starts with */
typedef struct groups_ctx
{
	const char *run;
	char		krun[PG_GROUPS_MAX_RUN + 8];
	int32		round;
	int32		grp;
	int32		self;			/* 1-based */
	int			np;
	uint8	   *pubs;			/* np * ZS_PUB_LEN */
	uint8		priv[ZS_PRIV_LEN];
} groups_ctx;

/* ERROR 22023 "fn: msg" */
void		groups_bad(const char *fn, const char *msg) pg_attribute_noreturn();
/* bytea[] without NULLs, each exactly len bytes, as one buffer */
uint8	   *groups_bytea_list(ArrayType *a, int *n, size_t len, const char *what, const char *fn);
/* int[] without NULLs, each in 1..np, distinct */
int32	   *groups_member_list(ArrayType *a, int *n, int np, const char *fn);
/*
 * identity bytea, run text, round int, grp int, self int, pubs bytea[] at
 * arguments a0..a0+5; checks that pubs[self] is the public half of identity.
 */
void		groups_args(FunctionCallInfo fcinfo, int a0, groups_ctx *c, const char *fn);
/* ERROR unless party k's key is one the owner pinned */
void		groups_require_pinned(groups_ctx *c, ArrayType *known, int k, const char *fn);
/* the MAC key this party shares with party k (k == self: its own) */
void		groups_pair_key(groups_ctx *c, int k, uint8 key[AM_KEY_LEN], const char *fn);

/*
 * The public inputs every decryptor and member must agree on, as a digest:
 * SHA-256("mpc_eigentrust groups public v1" || krun || np || the identity
 * keys || n || peers || pre-trust || alpha).
 */
typedef struct groups_public
{
	int64	   *peers;
	int			n;
	int64	   *p;				/* at scale PET_SCALE_T; uniform when not given */
	double		alpha;
	uint8		digest[AM_DIGEST_LEN];
} groups_public;
/* peers bigint[], pretrust bigint[] (NULL: uniform), alpha at a0..a0+2;
 * after groups_args (wipes c->priv when it refuses one) */
void		groups_public_args(FunctionCallInfo fcinfo, int a0, groups_ctx *c,
							   groups_public *gp, const char *fn);

/* the group, its chain and the public key */
void		groups_key_digest(int32 grp, const int32 *members, int nm, const PaillierPubkey *pk,
							  uint8 out[AM_DIGEST_LEN]);
/* what the decryptor's tag for a member covers: the key digest, Enc(t) and
 * the public inputs */
void		groups_t_digest(const uint8 kd[AM_DIGEST_LEN], const uint8 dt[AM_DIGEST_LEN],
							const uint8 pd[AM_DIGEST_LEN], uint8 out[AM_DIGEST_LEN]);
/* what a member's receipt tag covers */
void		groups_step_digest(const uint8 kd[AM_DIGEST_LEN], const uint8 *din, const uint8 *dout,
							   const uint8 *dt, uint8 out[AM_DIGEST_LEN]);
/* SHA-256 of a bytea (NULL: of nothing) */
void		groups_bytea_digest(bytea *b, uint8 out[AM_DIGEST_LEN]);
/* SHA-256 of t as be64 values */
void		groups_t_values_digest(const int64 *t, int n, uint8 out[AM_DIGEST_LEN]);

/* ---- the tagged group aggregate (protocol_groups_agg.c) ----
 * Body (big-endian): grp (u32), nm (u32), the members in chain order (u32
 * each), td = SHA-256 of the t it was computed under, n (u32), the n sums at
 * scale PET_SCALE_U (i64 each), palloc'd. */
uint8	   *groups_agg_body(int32 grp, const int32 *members, int nm, const uint8 td[AM_DIGEST_LEN],
							int n, const int64 *sums, size_t *blen);
/*
 * t for this round (palloc'd, n values): the public pre-trust in round 1,
 * else from prev (the previous round's tagged aggregates), prev_t and owner
 * (each peer's hosting party, 0: none).  present[1..np] receives the
 * parties those aggregates cover.  ERROR 08P01 naming what is inconsistent.
 */
int64	   *groups_derive_t(groups_ctx *c, const groups_public *gp, ArrayType *known, ArrayType *owner,
							ArrayType *prev_t, ArrayType *prev, bool *present, const char *fn);

#endif
