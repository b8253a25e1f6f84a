/*
 * mpc_common.h: what every core module shares.
 *
 * The core is plain C99 + GMP.  It never includes postgres.h, never calls
 * palloc or ereport, and never aborts: every failure is a status code plus a
 * message in an mpc_error that the caller owns.  Randomness and interrupt
 * checks come through hooks that the embedding program installs.
 *
 * Names: every public core symbol starts with its module's prefix, never
 * with a library's own (mpz_ belongs to GMP):
 *   mpc_     this file and ct.c (shared helpers, constant-time arithmetic)
 *   pai_     paillier.c, paillier_priv.c, djn.c     thr_    threshold*.c
 *   fb_      fixedbase.c        ifma_   ifma.c      enc_    encoding.c
 *   fx_      fixedpoint.c       pack_   packing.c   et_     eigentrust.c
 *   pet_     protocol.c         placement_ placement*.c
 *   shamir_  sharing.c          zs_     zerosum.c
 *   ser_, b64url_  serial.c     sha256_, hmac_sha256_  sha256.c
 * Static helpers carry no prefix.  Types are <prefix>_<noun>, macros are
 * the prefix in capitals.
 */
#ifndef MPC_COMMON_H
#define MPC_COMMON_H

#include <stddef.h>
#include <stdint.h>

typedef enum mpc_status
{
	MPC_OK = 0,
	MPC_ERR_ARG,			/* an argument is out of its documented range */
	MPC_ERR_FORMAT,			/* text that does not parse */
	MPC_ERR_BINARY,			/* bytes that do not parse */
	MPC_ERR_KEY,			/* a key that fails validation */
	MPC_ERR_CIPHERTEXT,		/* a ciphertext that fails validation */
	MPC_ERR_KEY_MISMATCH,	/* values under different keys */
	MPC_ERR_OVERFLOW,		/* a value outside the representable range */
	MPC_ERR_RNG,			/* the random source failed or is missing */
	MPC_ERR_INTERRUPTED,	/* the interrupt hook asked us to stop */
	MPC_ERR_NOMEM,			/* an allocation outside GMP failed */
	MPC_ERR_INTERNAL		/* a broken invariant: a bug */
} mpc_status;

#define MPC_ERRMSG_LEN 256

typedef struct mpc_error
{
	mpc_status	code;
	char		msg[MPC_ERRMSG_LEN];	/* never holds secret material */
} mpc_error;

/* Record a failure in err (which may be NULL) and return its code. */
mpc_status	mpc_fail(mpc_error *err, mpc_status code, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 3, 4)))
#endif
			;

/* The random source: fill buf with len cryptographically strong bytes,
 * return 0 on success.  Inside PostgreSQL this is pg_strong_random; in the
 * standalone tests and tools it is getrandom(2). */
typedef int (*mpc_rng_fn) (void *buf, size_t len);
void		mpc_set_rng(mpc_rng_fn fn);
mpc_status	mpc_random_bytes(void *buf, size_t len, mpc_error *err);

/* The interrupt hook: long loops call it and stop with MPC_ERR_INTERRUPTED
 * when it returns nonzero.  It must not longjmp.  NULL means never. */
typedef int (*mpc_interrupt_fn) (void);
void		mpc_set_interrupt(mpc_interrupt_fn fn);
int			mpc_interrupted(void);

/* All ones when a == b, else 0, without a branch (for constant-time table
 * scans). */
static inline uint64_t
mpc_ct_eq_mask(uint64_t a, uint64_t b)
{
	uint64_t	x = a ^ b;
	uint64_t	m = ((x | (0 - x)) >> 63) - 1;	/* x != 0 gives 1 - 1 */

#if defined(__GNUC__) || defined(__clang__)
	/* hide the value from the optimiser so it cannot become a branch */
	__asm__ volatile ("" : "+r" (m));
#endif
	return m;
}

/*
 * Mark a value computed from secrets as public by design (a bit length, a
 * result the caller is meant to learn).  A no-op except in the ctgrind
 * build (test/ctgrind), where it tells valgrind the bytes are defined, so
 * branching on them is not reported.  Every use is a documented decision.
 */
#ifdef MPC_CTGRIND
#include <valgrind/memcheck.h>
#define MPC_CT_DECLASSIFY(p, len) ((void) VALGRIND_MAKE_MEM_DEFINED((p), (len)))
#else
#define MPC_CT_DECLASSIFY(p, len) ((void) 0)
#endif

/* Zero memory in a way the compiler may not elide. */
void		mpc_wipe(void *p, size_t len);

#endif
