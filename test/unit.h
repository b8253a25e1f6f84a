/*
 * unit.h: a tiny assertion harness for the core unit tests.
 * Each test binary ends with UNIT_DONE(), which prints
 * "<name>: N passed, N failed" and exits non-zero on any failure.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "mpc_common.h"

static int unit_passed = 0;
static int unit_failed = 0;

#define CHECK(cond) \
	do { \
		if (cond) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
	} while (0)

#define CHECK_OK(call) \
	do { \
		mpc_error e_ = {MPC_OK, ""}; \
		mpc_status s_ = (call); \
		(void) e_; \
		if (s_ == MPC_OK) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "%s:%d: %s returned %d\n", __FILE__, __LINE__, #call, (int) s_); } \
	} while (0)

#define CHECK_STATUS(call, want) \
	do { \
		mpc_status s_ = (call); \
		if (s_ == (want)) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "%s:%d: %s returned %d, want %d\n", __FILE__, __LINE__, #call, (int) s_, (int) (want)); } \
	} while (0)

static inline int
unit_getrandom(void *buf, size_t len)
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

/* The directory holding ../shared, or NULL (tests that need it skip). */
static inline const char *
unit_shared_dir(void)
{
	const char *d = getenv("MPC_SHARED_DIR");
	static char probe[4096];

	if (d == NULL)
		return NULL;
	snprintf(probe, sizeof(probe), "%s/FACTS.md", d);
	FILE	   *f = fopen(probe, "r");

	if (f == NULL)
		return NULL;
	fclose(f);
	return d;
}

#define UNIT_INIT() mpc_set_rng(unit_getrandom)

#define UNIT_DONE(name) \
	do { \
		printf("%s: %d passed, %d failed\n", (name), unit_passed, unit_failed); \
		return unit_failed == 0 ? 0 : 1; \
	} while (0)

#endif
