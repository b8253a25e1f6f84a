/*
 * protocol_pg.h: argument helpers and run plumbing shared by the private
 * EigenTrust glue files (protocol*.c).
 */
#ifndef MPC_PROTOCOL_PG_H
#define MPC_PROTOCOL_PG_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"

#include "mpc_common.h"
#include "protocol.h"
#include "zerosum.h"

/* ERROR 22004 when one of the first nargs arguments is NULL, except those
 * whose bit (1 << k for argument k, 0-based) is set in nullable. */
void		pet_require_args(FunctionCallInfo fcinfo, int nargs, uint32 nullable, const char *fn);
/* A one-dimensional bigint[] without NULLs, as a palloc'd array. */
int64	   *pet_int8_array(ArrayType *a, int *n, const char *what);
/* A one-dimensional boolean[] of exactly n entries without NULLs, as 0/1 bytes. */
unsigned char *pet_bool_array(ArrayType *a, int n, const char *what);
ArrayType  *pet_int8_array_build(const int64 *v, int n);
/* A one-dimensional bytea[]: pointers and lengths (NULL entries stay NULL). */
int			pet_bytea_array(ArrayType *a, const uint8 ***ptrs, size_t **lens, const char *what);
bytea	   *pet_bytea(const void *data, size_t len);
/* pre-trust at scale PET_SCALE_T: given (checked) or uniform */
int64	   *pet_pretrust(ArrayType *pa, int n);
/* ERROR 22023 unless strictly ascending and not empty */
void		pet_check_peers(const int64 *peers, int n);
int			pet_peer_index(const int64 *peers, int n, int64 id);

/* A run id (1 to PET_MAX_RUN bytes) */
#define PET_MAX_RUN 64
char	   *pet_run_arg(text *t);
/* Random bytes from pg_strong_random, or ERROR. */
void		pet_random(void *buf, size_t len);
/* The start of every session role's run state (protocol_paper*.c): a run
 * lives in one session, in its own context, for the role that started it. */
typedef struct pet_session
{
	MemoryContext cxt;
	char		run[PET_MAX_RUN + 1];
	Oid			owner;
	int			phase;
} pet_session;
/* A zeroed state of size bytes that starts with a pet_session, in a new
 * context under TopMemoryContext, for run and the current user. */
void	   *pet_session_new(Size size, const char *run);
/* ERROR unless s is run 'run' of the current user at 'phase' (0: any). */
void		pet_session_check(const pet_session *s, const char *run, int phase, const char *fn);
/* body(fcinfo, state); on ERROR forget() the run first. */
typedef Datum (*pet_body_fn) (FunctionCallInfo fcinfo, void *state);
Datum		pet_guarded(pet_body_fn body, FunctionCallInfo fcinfo, void *state, void (*forget) (void));

/* A core failure of a protocol check: ERROR 08P01 that aborts the run. */
void		pet_protocol_raise(const mpc_error *err, const char *fn);

/* A participant's identity key (zerosum.h) and the keys its owner pinned. */
void		pet_identity(bytea *priv, uint8 priv_out[ZS_PRIV_LEN], uint8 pub_out[ZS_PUB_LEN]);
typedef struct pet_known
{
	uint8	   *keys;			/* n * ZS_PUB_LEN */
	int			n;
} pet_known;
void		pet_known_keys(ArrayType *a, MemoryContext cxt, pet_known *k);

/* A party's ratings and hosted ids (trusters and members, ascending). */
typedef struct pet_ratings
{
	int64	   *ra,
			   *rb;
	double	   *rs;
	size_t		m;
	int64	   *hosted;
	int			nhosted;
} pet_ratings;
void		pet_read_ratings(const char *edges_sql, const char *members_sql, MemoryContext cxt,
							 pet_ratings *rt);

/* The rows of a party over a public peer list (trustees outside it dropped). */
typedef struct pet_rows
{
	pet_edge   *e;
	size_t		kept;
	uint32	   *hosted;
	unsigned char *dangling;
	size_t		nrows;
	int64		dropped;
} pet_rows;
void		pet_rows_over(const pet_ratings *rt, const int64 *peers, uint32 n, MemoryContext cxt,
						  pet_rows *rows);

/* The public inputs of a paper-mode run, as every participant receives them:
 * arguments first .. first + 8 of a function are public_keys bytea[],
 * nonces bytea[], parties integer, need integer, peers bigint[], hosted
 * boolean[], pretrust bigint[] (NULL: uniform), alpha float8,
 * allow_two_parties boolean. */
typedef struct pet_public
{
	const char *run;
	uint32		np,
				nd,
				need,
				n;
	uint8	   *pubs;
	uint8	   *nonces;
	int64	   *peers;
	unsigned char *hmask;
	int64	   *p;
	double		alpha;
	bool		allow_two;
} pet_public;
void		pet_public_args(FunctionCallInfo fcinfo, int first, const char *run, pet_public *pub,
							const char *fn);
/* ERROR unless participant self's key and nonce are the caller's own. */
void		pet_check_self(const pet_public *pub, uint32 self, const uint8 *mypub, const uint8 *mynonce);
/* ERROR unless the keys of participants first..last are all pinned. */
void		pet_check_pinned(const pet_public *pub, uint32 first, uint32 last, const pet_known *known);
/* krun (AM_MAX_RUN_LEN + 1 bytes) and the setup digest. */
void		pet_setup_digest(const pet_public *pub, char *krun, uint8 *setup);

#endif
