/*
 * test_protocol.c: the core of private EigenTrust (protocol.h): local rows,
 * the vector header and the coordinator's update, checked against plain
 * computations (encryption and fixed-base powers are djn.h's and
 * fixedbase.h's, tested with them).
 */
#include <math.h>

#include "protocol.h"
#include "serial.h"
#include "unit.h"

static void
test_rows(void)
{
	/* truster 0: two ratings of 1 (summed: 3 + 1 = 4), one of 2 (-1: clipped), a self rating;
	 * truster 3: only negative -> dangling; truster 5: only a self rating -> dangling */
	pet_edge	e[] = {
		{0, 1, 3}, {0, 2, -1}, {3, 1, -5}, {0, 0, 7}, {0, 1, 1}, {5, 5, 2}, {0, 4, 4},
	};
	uint32_t	hosted[7];
	unsigned char dangling[7];
	size_t		kept,
				nrows;
	mpc_error	err;

	CHECK_OK(pet_rows_build(e, 7, &kept, hosted, dangling, &nrows, &err));
	CHECK(kept == 2);
	CHECK(nrows == 3);
	CHECK(hosted[0] == 0 && hosted[1] == 3 && hosted[2] == 5);
	CHECK(!dangling[0] && dangling[1] && dangling[2]);
	CHECK(e[0].i == 0 && e[0].j == 1 && fabs(e[0].w - 0.5) < 1e-15);
	CHECK(e[1].i == 0 && e[1].j == 4 && fabs(e[1].w - 0.5) < 1e-15);

	pet_edge	bad[] = {{0, 1, NAN}};

	CHECK_STATUS(pet_rows_build(bad, 1, &kept, hosted, dangling, &nrows, &err), MPC_ERR_ARG);
}

static void
test_crypto(void)
{
	pai_priv	sk;
	mpc_error	err;

	CHECK_OK(pai_keygen(&sk, 1024, 512, &err));

	/* vector header: round trip, foreign key, truncation */
	{
		unsigned char buf[PET_VEC_HDR + 2 * 128];
		pet_vec_hdr h = {PET_KIND_PLAIN, 0, 24, 1, 1, (uint32_t) sk.pub.nbytes, {0}};
		pet_vec_hdr g;
		pai_priv	other;

		memcpy(h.fp, sk.pub.fp, PAI_FP_LEN);
		CHECK(sk.pub.nbytes == 128);
		pet_vec_write_hdr(&h, buf);
		CHECK_OK(pet_vec_read_hdr(&g, buf, sizeof(buf), &sk.pub, &err));
		CHECK(g.kind == PET_KIND_PLAIN && g.scale == 24 && g.count == 1 && g.nct == 1);
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf) - 1, &sk.pub, &err), MPC_ERR_BINARY);
		CHECK_OK(pai_keygen(&other, 1024, 512, &err));
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf), &other.pub, &err), MPC_ERR_KEY_MISMATCH);
		/* the retired fast mode's packed vectors are refused */
		buf[4] = PET_KIND_PACKED;
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf), NULL, &err), MPC_ERR_BINARY);
		CHECK(strstr(err.msg, "retired") != NULL);
		buf[4] = PET_KIND_PLAIN;
		buf[0] = 'X';
		CHECK_STATUS(pet_vec_read_hdr(&g, buf, sizeof(buf), NULL, &err), MPC_ERR_BINARY);
		pai_priv_clear(&other);
	}

	pai_priv_clear(&sk);
}

static void
test_next(void)
{
	/* 3 peers, 0 and 1 hosted; sums at scale 13; uniform p at scale 12 */
	int64_t		t[3] = {500000000000LL, 300000000000LL, 200000000000LL};
	int64_t		p[3] = {333333333333LL, 333333333333LL, 333333333333LL};
	unsigned char hosted[3] = {1, 1, 0};
	/* hosted rows: 0 -> 1 fully, 1 -> 0 fully: sums = (0.3, 0.5, 0) */
	int64_t		sums[3] = {3000000000000LL, 5000000000000LL, 0};
	int64_t		tn[3];
	double		res;
	mpc_error	err;

	CHECK_OK(pet_next(3, sums, t, p, hosted, 0.15, tn, &res, &err));
	/* unhosted mass 0.2 spread by p: each + 0.0666..; then (1-a) x + a p */
	for (int j = 0; j < 3; j++)
	{
		double		x = (double) sums[j] / 1e13 + 0.2 * (double) p[j] / 1e12;
		double		want = 0.85 * x + 0.15 * (double) p[j] / 1e12;

		CHECK(llabs(tn[j] - (int64_t) llround(want * 1e12)) <= 1);
	}
	CHECK(res > 0 && res < 1);
	CHECK_STATUS(pet_next(3, sums, t, p, hosted, 0, tn, &res, &err), MPC_ERR_ARG);
}

/* Random and mutated headers never crash the parser, and whatever it
 * accepts is self-consistent. */
static void
test_hdr_fuzz(void)
{
	unsigned char buf[PET_VEC_HDR + 64];
	pet_vec_hdr h,
				g;
	mpc_error	err;
	int			accepted = 0;

	memset(&h, 0, sizeof(h));
	h.kind = PET_KIND_PLAIN;
	h.scale = 12;
	h.count = 1;
	h.nct = 1;
	h.nbytes = 32;
	for (int it = 0; it < 20000; it++)
	{
		size_t		len = (size_t) (it % (int) sizeof(buf));

		pet_vec_write_hdr(&h, buf);
		if (unit_getrandom(buf + (it % 7 == 0 ? 0 : 4), 8) != 0)
			break;
		if (pet_vec_read_hdr(&g, buf, len, NULL, &err) == MPC_OK)
		{
			accepted++;
			CHECK((g.kind == PET_KIND_PLAIN || g.kind == PET_KIND_SLOTS) &&
				  g.scale >= 0 && g.scale <= 1000 && g.nbytes > 0 &&
				  PET_VEC_HDR + (uint64_t) g.nct * 2 * g.nbytes == len);
		}
	}
	CHECK(accepted >= 0);
}

int
main(void)
{
	UNIT_INIT();
	test_rows();
	test_crypto();
	test_next();
	test_hdr_fuzz();
	UNIT_DONE("test_protocol");
}
