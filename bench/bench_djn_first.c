/*
 * bench_djn_first.c: the parts of the first DJN encryption under a new key
 * (2048 bits), in thread CPU time: key validation (pai_pub_init), the base
 * hs = h^n mod n^2 (pai_djn_base), the window table (fb_table_init), and one
 * encryption without and with the table.
 *
 *   bench/build/bench_djn_first [bits]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_common.h"
#include "djn.h"
#include "ifma.h"

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	int			bits = argc > 1 ? atoi(argv[1]) : 2048;
	pai_priv	sk;
	pai_pub		pk;
	pai_djn		d0,
				d4;
	mpc_error	err;
	mpz_t		m,
				c;
	double		t0,
				t1,
				t2,
				t3,
				t4,
				t5,
				t6;
	unsigned	w = DJN_DEFAULT_WINDOW;
	size_t		bytes;
	void	   *buf;

	mpc_set_rng(rng);
	if (pai_keygen(&sk, (size_t) bits, 512, &err) != MPC_OK)
		return 1;
	mpz_inits(m, c, NULL);
	mpz_set_ui(m, 42);
	t0 = cpu_ms();
	if (pai_pub_init(&pk, sk.pub.n, 1024, &err) != MPC_OK)
		return 1;
	t1 = cpu_ms();
	if (pai_djn_init(&d0, &pk, 0, NULL, 0, &err) != MPC_OK)
		return 1;
	t2 = cpu_ms();
	if (pai_djn_encrypt(&pk, &d0, c, m, &err) != MPC_OK)
		return 1;
	t3 = cpu_ms();
	bytes = pai_djn_table_bytes(&pk, w);
	buf = malloc(bytes);
	t4 = cpu_ms();
	if (buf == NULL || pai_djn_init(&d4, &pk, w, buf, bytes, &err) != MPC_OK)
		return 1;
	t5 = cpu_ms();
	if (pai_djn_encrypt(&pk, &d4, c, m, &err) != MPC_OK)
		return 1;
	t6 = cpu_ms();
	printf("bits %d ifma %d: validate %.2f ms, base hs %.2f ms, encrypt without table %.2f ms, "
		   "base + table (window %u, %zu KiB) %.2f ms, encrypt with table %.3f ms\n",
		   bits, ifma_available(), t1 - t0, t2 - t1, t3 - t2, w, bytes / 1024, t5 - t4, t6 - t5);
	return 0;
}
