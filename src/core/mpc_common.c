/*
 * mpc_common.c: error records, the randomness and interrupt hooks, wiping.
 */
#include "mpc_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static mpc_rng_fn rng_hook = NULL;
static mpc_interrupt_fn interrupt_hook = NULL;

mpc_status
mpc_fail(mpc_error *err, mpc_status code, const char *fmt,...)
{
	if (err != NULL)
	{
		va_list		ap;

		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void
mpc_set_rng(mpc_rng_fn fn)
{
	rng_hook = fn;
}

mpc_status
mpc_random_bytes(void *buf, size_t len, mpc_error *err)
{
	if (rng_hook == NULL)
		return mpc_fail(err, MPC_ERR_RNG, "no random source is installed");
	if (rng_hook(buf, len) != 0)
		return mpc_fail(err, MPC_ERR_RNG, "the random source failed");
	return MPC_OK;
}

void
mpc_set_interrupt(mpc_interrupt_fn fn)
{
	interrupt_hook = fn;
}

int
mpc_interrupted(void)
{
	return interrupt_hook != NULL && interrupt_hook();
}

void
mpc_wipe(void *p, size_t len)
{
	/* A volatile function pointer keeps the compiler from proving the
	 * stores dead. */
	static void *(*const volatile memset_v) (void *, int, size_t) = memset;

	if (p != NULL && len > 0)
		memset_v(p, 0, len);
}
