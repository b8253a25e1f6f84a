/*
 * bench_common.h: what the C benchmarks share: the random source (getrandom,
 * the project's only one outside the server), a monotonic clock, and the
 * calling thread's CPU time (what the benchmarks report: the machine is
 * shared, and time spent preempted is not the code's cost).
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>

static inline int
rng(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0)
	{
		ssize_t		got = getrandom(p, len, 0);

		if (got <= 0)
			return -1;
		p += got;
		len -= (size_t) got;
	}
	return 0;
}

static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* seconds of CPU time used by the calling thread */
static inline double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

#endif
