/*
 * test_masked.c: masked private EigenTrust messages (masked.h): the masks
 * cancel, every party verifies every message, and replays, forged tags and
 * equivocation are caught.
 */
#include <math.h>

#include "masked.h"
#include "unit.h"

#define NP 4
#define N 37

static const char run[] = "masked-test";
static uint8_t priv[NP][ZS_PRIV_LEN];
static uint8_t pubs[NP][ZS_PUB_LEN];
static char ids[NP][16];
static uint8_t mac[NP][NP][AM_KEY_LEN];
static uint8_t prg[NP][NP][AM_KEY_LEN];

static void
setup_keys(void)
{
	mpc_error	err;

	for (int i = 0; i < NP; i++)
	{
		CHECK_OK(zs_keygen(priv[i], &err));
		CHECK_OK(zs_public_key(priv[i], ZS_PRIV_LEN, pubs[i], &err));
		snprintf(ids[i], sizeof(ids[i]), "%d", i);
	}
	for (int i = 0; i < NP; i++)
		for (int k = 0; k < NP; k++)
		{
			zs_party	pk = {ids[k], strlen(ids[k]), pubs[k], ZS_PUB_LEN};

			if (k == i)
				continue;
			CHECK_OK(am_pair_key(priv[i], ZS_PRIV_LEN, ids[i], strlen(ids[i]), &pk, run,
								 strlen(run), "mac", mac[i][k], &err));
			CHECK_OK(am_pair_key(priv[i], ZS_PRIV_LEN, ids[i], strlen(ids[i]), &pk, run,
								 strlen(run), "prg", prg[i][k], &err));
		}
}

static uint64_t
get_y(const uint8_t *m, int j)
{
	uint64_t	v = 0;

	for (int b = 0; b < 8; b++)
		v = (v << 8) | m[PEM_HDR + 8 * j + b];
	return v;
}

static pem_ctx
ctx(int i)
{
	pem_ctx		c = {run, strlen(run), NP, (uint32_t) i,
		(const uint8_t (*)[AM_KEY_LEN]) mac[i], (const uint8_t (*)[AM_KEY_LEN]) prg[i]};

	return c;
}

static void
test_round(void)
{
	size_t		len = pem_msg_len(PEM_KIND_ROUND, N, NP);
	uint8_t    *msg[NP];
	const uint8_t *in[NP];
	size_t		lens[NP];
	uint64_t	u[NP][N],
				y[N],
				sum[N],
				plain[N];
	int64_t		sums[N];
	uint8_t		d0[AM_DIGEST_LEN],
				d1[NP][AM_DIGEST_LEN],
				other[AM_DIGEST_LEN];
	mpc_error	err;
	pem_ctx		coord = {run, strlen(run), NP, 0, NULL, NULL};

	memset(d0, 7, sizeof(d0));
	memset(plain, 0, sizeof(plain));
	for (int i = 0; i < NP; i++)
	{
		pem_ctx		c = ctx(i);

		msg[i] = malloc(len);
		for (int j = 0; j < N; j++)
		{
			u[i][j] = (uint64_t) (j * 1000 + i * 17);
			plain[j] += u[i][j];
			y[j] = u[i][j];
		}
		pem_mask(&c, 3, N, y);
		/* the mask hides the value */
		CHECK(memcmp(y, u[i], sizeof(y)) != 0);
		CHECK_OK(pem_msg_build(&c, PEM_KIND_ROUND, 3, y, N, d0, msg[i], &err));
		in[i] = msg[i];
		lens[i] = len;
	}
	/* every party verifies and gets the plain sum and the same digest */
	for (int i = 0; i < NP; i++)
	{
		pem_ctx		c = ctx(i);

		CHECK_OK(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, d1[i], &err));
		CHECK(memcmp(sum, plain, sizeof(sum)) == 0);
		CHECK(memcmp(d1[i], d1[0], AM_DIGEST_LEN) == 0);
	}
	CHECK_OK(pem_unmask(N, sum, sums, &err));
	CHECK(sums[5] == (int64_t) plain[5]);
	/* the coordinator, without keys, gets the sum too */
	CHECK_OK(pem_inbox(&coord, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, other, &err));
	CHECK(memcmp(sum, plain, sizeof(sum)) == 0);
	/* a subset of parties does not unmask */
	CHECK_OK(pem_inbox(&coord, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, other, &err));
	{
		uint64_t	partial[N];

		memset(partial, 0, sizeof(partial));
		for (int i = 0; i < NP - 1; i++)
			for (int j = 0; j < N; j++)
				partial[j] += get_y(msg[i], j);
		CHECK_STATUS(pem_unmask(N, partial, sums, &err), MPC_ERR_OVERFLOW);
	}

	/* replay: round 3's messages offered as round 4's */
	{
		pem_ctx		c = ctx(1);

		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 4, N, in, lens, d0, sum, other, &err), MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "replay") != NULL);
		/* a changed vector entry fails its tag */
		msg[2][PEM_HDR + 3] ^= 1;
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, other, &err), MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "vector of party 3 fails authentication at party 2") != NULL);
		msg[2][PEM_HDR + 3] ^= 1;
		/* messages in the wrong places */
		in[0] = msg[1];
		in[1] = msg[0];
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, other, &err), MPC_ERR_CIPHERTEXT);
		in[0] = msg[0];
		in[1] = msg[1];
		/* a missing or short message */
		lens[3] = len - 1;
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, other, &err), MPC_ERR_BINARY);
		lens[3] = len;
		/* a sender that confirmed another setup digest: equivocation */
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, other, sum, d1[1], &err), MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "equivocation") != NULL);
	}

	/*
	 * Equivocation: party 0's message differs for parties 1 and 2 (the relay
	 * cannot forge tags, so it can only show party 2 an old message of party
	 * 0's with valid tags, here one made for another round; or drop it).
	 * Final confirmations catch any difference in what the parties saw.
	 */
	{
		uint8_t    *fin[NP];
		const uint8_t *fin_in[NP];
		size_t		flen = pem_msg_len(PEM_KIND_FINAL, 0, NP);
		size_t		flens[NP];
		uint8_t		seen_by_2[AM_DIGEST_LEN];

		memcpy(seen_by_2, d1[0], AM_DIGEST_LEN);
		seen_by_2[0] ^= 1;
		for (int i = 0; i < NP; i++)
		{
			pem_ctx		c = ctx(i);

			fin[i] = malloc(flen);
			CHECK_OK(pem_msg_build(&c, PEM_KIND_FINAL, 4, NULL, 0, i == 2 ? seen_by_2 : d1[i], fin[i], &err));
			fin_in[i] = fin[i];
			flens[i] = flen;
		}
		{
			pem_ctx		c = ctx(0);

			CHECK_STATUS(pem_inbox(&c, PEM_KIND_FINAL, 4, 0, fin_in, flens, d1[0], NULL, NULL, &err),
						 MPC_ERR_CIPHERTEXT);
			CHECK(strstr(err.msg, "party 3 saw another transcript") != NULL);
			c = ctx(2);
			CHECK_STATUS(pem_inbox(&c, PEM_KIND_FINAL, 4, 0, fin_in, flens, seen_by_2, NULL, NULL, &err),
						 MPC_ERR_CIPHERTEXT);
		}
		/* without the equivocation every party accepts */
		{
			pem_ctx		c = ctx(2);

			CHECK_OK(pem_msg_build(&c, PEM_KIND_FINAL, 4, NULL, 0, d1[2], fin[2], &err));
			for (int i = 0; i < NP; i++)
			{
				c = ctx(i);
				CHECK_OK(pem_inbox(&c, PEM_KIND_FINAL, 4, 0, fin_in, flens, d1[i], NULL, NULL, &err));
			}
		}
		for (int i = 0; i < NP; i++)
			free(fin[i]);
	}
	for (int i = 0; i < NP; i++)
		free(msg[i]);
}

static void
test_partial_and_checks(void)
{
	/* rows: 0 -> 1 (0.25), 0 -> 2 (0.75); 1 -> 0 (1); 2 dangling */
	pet_edge	e[] = {{0, 1, 0.25}, {0, 2, 0.75}, {1, 0, 1}};
	uint32_t	dangling[] = {2};
	int64_t		t[3] = {500000000000, 300000000000, 200000000000};
	int64_t		p[3];
	uint64_t	u[3];
	int64_t		tn[3];
	double		res;
	mpc_error	err;

	pem_uniform(3, p);
	CHECK(p[0] == 333333333333);
	CHECK_OK(pem_partial(e, 3, dangling, 1, 3, t, p, u, &err));
	/* u0 = 0.3 + 0.2/3, u1 = 0.125 + 0.2/3, u2 = 0.375 + 0.2/3 at scale 13 */
	CHECK(u[0] == 3666666666666);
	CHECK(u[1] == 1916666666666);
	CHECK(u[2] == 4416666666666);
	CHECK_OK(pem_check_t(3, t, p, 0.15, &err));
	{
		int64_t		s[3] = {(int64_t) u[0], (int64_t) u[1], (int64_t) u[2]};
		unsigned char hosted[3] = {1, 1, 1};

		CHECK_OK(pet_next(3, s, t, p, hosted, 0.15, tn, &res, &err));
		CHECK_OK(pem_check_t(3, tn, p, 0.15, &err));
	}
	/* a one-hot t breaks the pre-trust floor */
	{
		int64_t		onehot[3] = {PET_ONE_T, 0, 0};

		CHECK_STATUS(pem_check_t(3, onehot, p, 0.15, &err), MPC_ERR_ARG);
	}
	/* mass missing */
	{
		int64_t		low[3] = {300000000000, 300000000000, 200000000000};

		CHECK_STATUS(pem_check_t(3, low, p, 0.15, &err), MPC_ERR_ARG);
	}
	t[1] = -1;
	CHECK_STATUS(pem_partial(e, 3, dangling, 1, 3, t, p, u, &err), MPC_ERR_ARG);
	t[1] = 300000000000;
	dangling[0] = 3;
	CHECK_STATUS(pem_partial(e, 3, dangling, 1, 3, t, p, u, &err), MPC_ERR_ARG);
}

static void
test_setup_digest(void)
{
	int64_t		peers[3] = {1, 5, 9};
	unsigned char hosted[3] = {1, 1, 0};
	int64_t		p[3] = {1, 2, 3};
	uint8_t		a[AM_DIGEST_LEN],
				b[AM_DIGEST_LEN];
	mpc_error	err;

	CHECK_OK(pem_setup_digest(run, strlen(run), NP, &pubs[0][0], 3, peers, hosted, NULL, 0.15, 1e-8, 100, a, &err));
	CHECK_OK(pem_setup_digest(run, strlen(run), NP, &pubs[0][0], 3, peers, hosted, p, 0.15, 1e-8, 100, b, &err));
	CHECK(memcmp(a, b, AM_DIGEST_LEN) != 0);
	hosted[2] = 1;
	CHECK_OK(pem_setup_digest(run, strlen(run), NP, &pubs[0][0], 3, peers, hosted, NULL, 0.15, 1e-8, 100, b, &err));
	CHECK(memcmp(a, b, AM_DIGEST_LEN) != 0);
	hosted[2] = 0;
	CHECK_OK(pem_setup_digest(run, strlen(run), NP, &pubs[0][0], 3, peers, hosted, NULL, 0.16, 1e-8, 100, b, &err));
	CHECK(memcmp(a, b, AM_DIGEST_LEN) != 0);
	CHECK_OK(pem_setup_digest(run, strlen(run), NP, &pubs[0][0], 3, peers, hosted, NULL, 0.15, 1e-8, 100, b, &err));
	CHECK(memcmp(a, b, AM_DIGEST_LEN) == 0);
	CHECK_STATUS(pem_setup_digest(run, 0, NP, &pubs[0][0], 3, peers, hosted, NULL, 0.15, 1e-8, 100, b, &err), MPC_ERR_ARG);
}

int
main(void)
{
	UNIT_INIT();
	setup_keys();
	test_round();
	test_partial_and_checks();
	test_setup_digest();
	UNIT_DONE("test_masked");
}
