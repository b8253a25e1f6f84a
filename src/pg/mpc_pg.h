/*
 * mpc_pg.h: the small header every PostgreSQL glue file shares.
 *
 * Glue files convert Datums to core structs, validate, call the core and
 * turn core failures into ERRORs.  They do not call each other's internals
 * except through what is declared here.
 *
 * THE PATTERN EVERY GLUE FILE FOLLOWS
 *
 * 1. Every SQL-callable C function is defined with MPC_FUNCTION, never with
 *    PG_FUNCTION_INFO_V1 directly:
 *
 *        MPC_FUNCTION(paillier_add)
 *        {
 *            ... the body, exactly as a PG_FUNCTION body ...
 *        }
 *
 *    The wrapper puts the extension's GMP allocator (palloc, wiping, see
 *    memory.c) in force for the body and restores whatever allocator was in
 *    force before (GMP's default, or another GMP user's such as gmpy2) on
 *    every exit, an ERROR included.  Another GMP user in the same backend
 *    therefore never sees our allocator.  Cost: two mp_*_memory_functions
 *    calls and one sigsetjmp per call.  test/suites/15-gmp-coexistence.sh
 *    checks that src/pg has no bare PG_FUNCTION_INFO_V1.
 *
 * 2. Code inside such a body that runs user code (SPI, a call into another
 *    extension) brackets it:
 *
 *        MPC_USER_CODE(SPI_execute(...));      (one statement)
 *    or
 *        mpc_gmp_suspend(); ...; mpc_gmp_resume();
 *
 *    An ERROR in between needs nothing: the wrapper restores.
 *
 * 3. GMP memory that outlives a call (caches in TopMemoryContext) is
 *    allocated and freed only inside such bodies.  Callbacks PostgreSQL runs
 *    outside them (memory-context reset callbacks, DestReceivers, GUC hooks)
 *    must not call GMP, or must bracket themselves with mpc_gmp_enter/leave.
 *
 * 4. Core calls that poll for interrupts run through CORE_CALL (below).
 */
#ifndef MPC_PG_H
#define MPC_PG_H

#include "postgres.h"
#include "fmgr.h"
#include "pg_compat.h"
#include "miscadmin.h"

#include "mpc_common.h"

/* ---- errors.c ---- */

/*
 * Raise the ERROR that matches a core failure.  'what' names the operation
 * for the primary message ("paillier_encrypt", "shamir_split", ...).  The
 * message comes from the core and never holds secret material.
 */
MPC_NORETURN void mpc_raise(const mpc_error *err, const char *what);

/* SQLSTATE for a core status code. */
int			mpc_sqlstate(mpc_status code);

/*
 * Run a core call that polls the interrupt hook, storing its status in st.
 * The hook reports a pending cancel or termination; the core then returns
 * MPC_ERR_INTERRUPTED without side effects beyond its outputs.  Serve the
 * interrupt here (a cancel leaves by longjmp); if it turns out to be nothing
 * (held off, or already served), the call is made again.  The bound only
 * guards against an interrupt that cannot be served here.
 */
#define MPC_MAX_INTERRUPT_RETRIES 100
#define CORE_CALL(st, call) \
	do { \
		int			core_call_tries_ = 0; \
		for (;;) \
		{ \
			(st) = (call); \
			if ((st) != MPC_ERR_INTERRUPTED || \
				++core_call_tries_ > MPC_MAX_INTERRUPT_RETRIES) \
				break; \
			CHECK_FOR_INTERRUPTS(); \
		} \
	} while (0)

/* ERROR 22P03 unless len more bytes are left in a recv buffer. */
struct StringInfoData;
void		mpc_recv_need(struct StringInfoData *buf, Size len, const char *type);
/* A 4-byte length field of a recv buffer, 1 <= len <= max and no more than
 * the bytes left, or ERROR 22P03 naming 'what'.  With mpc_recv_need the one
 * style of binary length checks. */
uint32		mpc_recv_len(struct StringInfoData *buf, uint32 max, const char *type,
						 const char *what);

/* The elements of an array of any element type (deconstruct_array with the
 * type's storage properties); returns how many.  arrays.c. */
struct ArrayType;
int			mpc_array_elements(struct ArrayType *arr, Datum **elems, bool **nulls);

/* ERROR 55000: a protocol run is not active in this session (it lives in
 * the session that started it and ends with its first error). */
void		mpc_run_not_active(const char *fn, const char *run) pg_attribute_noreturn();

/* Install the emit_log_hook that keeps private-key text out of reports. */
void		mpc_errors_init(void);

/* ---- memory.c: the GMP allocator and wiped secret buffers ---- */

typedef struct mpc_gmp_saved
{
	void	   *(*alloc) (size_t);
	void	   *(*realloc) (void *, size_t, size_t);
	void		(*free) (void *, size_t);
	struct mpc_gmp_saved *outer;	/* the foreign functions before this entry */
} mpc_gmp_saved;

void		mpc_gmp_enter(mpc_gmp_saved *saved);
void		mpc_gmp_leave(const mpc_gmp_saved *saved);
void		mpc_gmp_suspend(void);
void		mpc_gmp_resume(void);
Datum		mpc_gmp_call(PGFunction body, FunctionCallInfo fcinfo);

#define MPC_FUNCTION(name) \
	static Datum name##_body(PG_FUNCTION_ARGS); \
	PG_FUNCTION_INFO_V1(name); \
	Datum \
	name(PG_FUNCTION_ARGS) \
	{ \
		return mpc_gmp_call(name##_body, fcinfo); \
	} \
	static Datum \
	name##_body(PG_FUNCTION_ARGS)

#define MPC_USER_CODE(stmt) \
	do { \
		mpc_gmp_suspend(); \
		stmt; \
		mpc_gmp_resume(); \
	} while (0)

/*
 * Buffers for secret bytes that are wiped when freed and also when their
 * memory context is reset or deleted (an ERROR included).  mpc_secret_free
 * wipes and frees at once.
 */
void	   *mpc_secret_alloc(Size size);
void		mpc_secret_free(void *p);
/* A detoasted copy of a varlena that holds secrets, in a secret buffer.  The
 * original is returned unchanged when it needs no copy (it then belongs to
 * the caller's tuple, not to us). */
struct varlena *mpc_detoast_secret(Datum d);

/* ---- guc.c ---- */
void		mpc_guc_init(void);

typedef enum
{
	MPC_ENC_METHOD_DJN,
	MPC_ENC_METHOD_TEXTBOOK
} mpc_enc_method;

extern int	mpc_guc_djn_table_cache_mb;
extern int	mpc_guc_djn_window;
extern int	mpc_guc_encryption_method;

#endif
