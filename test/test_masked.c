/*
 * test_masked.c: masked private EigenTrust messages (masked.h): the masks
 * cancel, every party verifies every message, and replays, forged tags and
 * equivocation are caught; the mask PRG is the documented ChaCha20 stream.
 */
#include <math.h>

#include <gmp.h>
#include <sodium.h>

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
static uint8_t enc[NP][NP][AM_KEY_LEN];

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
			CHECK_OK(am_pair_key(priv[i], ZS_PRIV_LEN, ids[i], strlen(ids[i]), &pk, run,
								 strlen(run), "enc", enc[i][k], &err));
		}
}

static pem_ctx
ctx(int i)
{
	pem_ctx		c = {run, strlen(run), NP, (uint32_t) i,
		(const uint8_t (*)[AM_KEY_LEN]) mac[i], (const uint8_t (*)[AM_KEY_LEN]) prg[i],
	(const uint8_t (*)[AM_KEY_LEN]) enc[i], NULL};

	return c;
}

/*
 * One round with double masking: every party builds its vector (pairwise and
 * self masks, self-mask seed shared), 'sent' says whose vector arrives,
 * 'answers' whose unmask reply.  Every party in 'sent' verifies the inbox,
 * replies, and recovers the sum from the replies; so does the coordinator,
 * without keys.  Returns the status of the first recovery (all must agree).
 */
static uint8_t *msg[NP];
static uint8_t d1[NP][AM_DIGEST_LEN];
static const uint8_t zc[PEM_CHECK];

static mpc_status
one_round(int64_t round, const int *sent, const int *answers, uint64_t u[NP][N], uint64_t *out,
		  mpc_error *err)
{
	size_t		len = pem_msg_len(PEM_KIND_ROUND, N, NP);
	size_t		rlen = pem_msg_len(PEM_KIND_UNMASK, 0, NP);
	const uint8_t *in[NP],
			   *rin[NP];
	uint8_t    *rep[NP];
	size_t		lens[NP],
				rlens[NP];
	uint64_t	y[N],
				sum[N];
	unsigned char present[NP],
				answered[NP];
	uint8_t		shares[NP][NP * PEM_SHARE];
	uint8_t		d0[AM_DIGEST_LEN],
				e[AM_DIGEST_LEN];
	mpc_status	st = MPC_OK,
				first = MPC_OK;
	pem_ctx		coord = {run, strlen(run), NP, NP, NULL, NULL, NULL, NULL};
	static uint64_t ys[NP][N];
	static uint8_t heads[NP * (PEM_HDR + AM_DIGEST_LEN + NP * (1 + PEM_SHARE) + 2 * NP * AM_TAG_LEN)];
	static uint8_t summsg[PEM_HDR + 10 * N];
	static uint8_t dvecs[NP][NP * AM_DIGEST_LEN];
	static uint8_t sigma[NP][PEM_CHECK];
	const uint8_t *hin[NP];
	size_t		hlens[NP];
	uint64_t	sum2[N];

	memset(d0, 7, sizeof(d0));
	for (int i = 0; i < NP; i++)
	{
		pem_ctx		c = ctx(i);
		uint8_t		b[PEM_SEED_LEN];

		free(msg[i]);
		msg[i] = malloc(len);
		memcpy(y, u[i], sizeof(y));
		CHECK_OK(mpc_random_bytes(b, sizeof(b), err));
		pem_mask(&c, round, N, y);
		pem_self_mask(b, round, N, 1, y);
		/* the masks hide the value */
		CHECK(memcmp(y, u[i], sizeof(y)) != 0);
		CHECK_OK(pem_msg_build(&c, PEM_KIND_ROUND, round, y, N, b, d0, msg[i], err));
		memcpy(ys[i], y, sizeof(y));
		in[i] = sent[i] ? msg[i] : NULL;
		lens[i] = len;
	}
	/* the coordinator relays the heads and the exact sum */
	CHECK_OK(pem_relay(&coord, round, N, in, lens, heads, present, summsg, err));
	for (int k = 0; k < NP; k++)
	{
		hin[k] = present[k] ? heads + k * pem_head_len(NP) : NULL;
		hlens[k] = pem_head_len(NP);
	}
	for (int i = 0; i < NP; i++)
	{
		pem_ctx		c = ctx(i);
		uint8_t		vd[AM_DIGEST_LEN],
					check[PEM_CHECK];

		rep[i] = malloc(rlen);
		rin[i] = NULL;
		rlens[i] = rlen;
		if (!sent[i])
			continue;
		/* heads carry no values to sum */
		CHECK_STATUS(pem_inbox_heads(&c, PEM_KIND_ROUND, round, N, hin, hlens, d0, sum, present, NULL,
									 NULL, vd, err), MPC_ERR_BINARY);
		/* the full vectors and the heads give the same transcript */
		CHECK_OK(pem_inbox(&c, PEM_KIND_ROUND, round, N, in, lens, d0, sum, present, shares[i], vd, err));
		CHECK_OK(pem_inbox_heads(&c, PEM_KIND_ROUND, round, N, hin, hlens, d0, NULL, present, shares[i],
								 dvecs[i], d1[i], err));
		CHECK(memcmp(vd, d1[i], AM_DIGEST_LEN) == 0);
		CHECK_OK(pem_inbox_heads(&c, PEM_KIND_ROUND, round, N, hin, hlens, d0, NULL, present, shares[i],
								 dvecs[i], d1[i], err));
		CHECK_OK(pem_sum_open(&c, round, N, summsg, pem_msg_len(PEM_KIND_SUM, N, NP), d1[i], sum2,
							  sigma[i], d1[i], err));
		/* S' mod 2^64 is the sum the full vectors give */
		CHECK(memcmp(sum, sum2, sizeof(sum)) == 0);
		CHECK(memcmp(d1[i], d1[sent[0] ? 0 : 1], AM_DIGEST_LEN) == 0);
		for (int k = 0; k < NP; k++)
			CHECK(present[k] == (sent[k] != 0));
		pem_check_value(d1[i], N, ys[i], check);
		CHECK_OK(pem_reply_build(&c, round, present, shares[i], check, d1[i], rep[i], err));
		if (answers[i])
			rin[i] = rep[i];
	}
	for (int i = 0, seen = 0; i <= NP; i++)
	{
		pem_ctx		c = i < NP ? ctx(i) : coord;

		if (i < NP && !(sent[i] && answers[i]))
			continue;
		CHECK_OK(pem_inbox(&c, PEM_KIND_ROUND, round, N, in, lens, d0, sum, present, NULL, e, err));
		st = pem_recover(&c, round, N, present, rin, rlens, d1[sent[0] ? 0 : 1], sum, answered, e, err);
		if (st == MPC_OK && i < NP)
		{
			const uint8_t *vin[NP];
			size_t		vlens[NP];

			/* the sum check: replies' check values, the full vector of a party without a reply */
			for (int k = 0; k < NP; k++)
			{
				vin[k] = rin[k] ? rin[k] : in[k];
				vlens[k] = rin[k] ? rlen : len;
			}
			CHECK_OK(pem_sum_verify(&c, round, N, present, answered, vin, vlens, dvecs[i], d1[i],
									sigma[i], err));
		}
		if (!seen)
		{
			first = st;
			seen = 1;
			if (st == MPC_OK)
				memcpy(out, sum, sizeof(sum));
		}
		else
		{
			CHECK(st == first);
			if (st == MPC_OK)
				CHECK(memcmp(sum, out, sizeof(sum)) == 0);
		}
	}
	for (int i = 0; i < NP; i++)
		free(rep[i]);
	return first;
}

static void
test_round(void)
{
	size_t		len = pem_msg_len(PEM_KIND_ROUND, N, NP);
	const uint8_t *in[NP];
	size_t		lens[NP];
	uint64_t	u[NP][N],
				sum[N],
				plain[N],
				got[N];
	int64_t		sums[N];
	uint8_t		d0[AM_DIGEST_LEN],
				other[AM_DIGEST_LEN];
	mpc_error	err;
	int			all[NP] = {1, 1, 1, 1};
	int			no3[NP] = {1, 1, 1, 0};
	int			no2[NP] = {1, 1, 0, 1};

	memset(d0, 7, sizeof(d0));
	memset(plain, 0, sizeof(plain));
	for (int i = 0; i < NP; i++)
		for (int j = 0; j < N; j++)
		{
			u[i][j] = (uint64_t) (j * 1000 + i * 17);
			plain[j] += u[i][j];
		}
	CHECK(pem_threshold(2) == 1 && pem_threshold(3) == 2 && pem_threshold(4) == 2 && pem_threshold(8) == 4 && pem_threshold(9) == 5);

	/* everyone: the sum of all, at every party and at the coordinator */
	CHECK_OK(one_round(3, all, all, u, got, &err));
	CHECK(memcmp(got, plain, sizeof(got)) == 0);
	CHECK_OK(pem_unmask(N, got, sums, &err));
	CHECK(sums[5] == (int64_t) plain[5]);

	/* the self masks stay on without the replies: present vectors alone do not unmask */
	{
		pem_ctx		coord = {run, strlen(run), NP, NP, NULL, NULL, NULL, NULL};
		unsigned char present[NP];

		for (int i = 0; i < NP; i++)
		{
			in[i] = msg[i];
			lens[i] = len;
		}
		CHECK_OK(pem_inbox(&coord, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, present, NULL, other, &err));
		CHECK_STATUS(pem_unmask(N, sum, sums, &err), MPC_ERR_OVERFLOW);
	}

	/* party 4 drops out before its vector arrives: the sum of the other three */
	{
		uint64_t	three[N];

		for (int j = 0; j < N; j++)
			three[j] = plain[j] - u[3][j];
		CHECK_OK(one_round(4, no3, no3, u, got, &err));
		CHECK(memcmp(got, three, sizeof(got)) == 0);
	}
	/* party 3 drops out after sending its vector: its self mask comes from shares */
	CHECK_OK(one_round(5, all, no2, u, got, &err));
	CHECK(memcmp(got, plain, sizeof(got)) == 0);
	/* party 4 before and party 3 after: the pair key of 3 and 4 is lost */
	CHECK_STATUS(one_round(6, no3, no2, u, got, &err), MPC_ERR_CIPHERTEXT);
	CHECK(strstr(err.msg, "cannot be recovered") != NULL);
	/* too few shares: only two parties answer, each needs two others' shares */
	{
		int			two[NP] = {1, 1, 0, 0};

		CHECK_STATUS(one_round(7, all, two, u, got, &err), MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "needs 2 shares, 1 parties sent one") != NULL);
	}
	/* a single vector does not make a round */
	{
		pem_ctx		c = ctx(0);
		unsigned char present[NP];

		CHECK_OK(one_round(8, all, all, u, got, &err));
		for (int i = 0; i < NP; i++)
		{
			in[i] = i == 0 ? msg[0] : NULL;
			lens[i] = len;
		}
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 8, N, in, lens, d0, sum, present, NULL, other, &err),
					 MPC_ERR_CIPHERTEXT);
	}
	/* a reply that claims another set of vectors: equivocation */
	{
		pem_ctx		c = ctx(0);
		unsigned char present[NP],
					answered[NP];
		uint8_t		shares[NP * PEM_SHARE];
		uint8_t    *rep[NP];
		const uint8_t *rin[NP];
		size_t		rlens[NP];
		size_t		rlen = pem_msg_len(PEM_KIND_UNMASK, 0, NP);

		for (int i = 0; i < NP; i++)
		{
			in[i] = msg[i];
			lens[i] = len;
		}
		for (int i = 0; i < NP; i++)
		{
			pem_ctx		ci = ctx(i);

			rep[i] = malloc(rlen);
			rlens[i] = rlen;
			rin[i] = rep[i];
			CHECK_OK(pem_inbox(&ci, PEM_KIND_ROUND, 8, N, in, lens, d0, sum, present, shares, d1[i], &err));
			if (i == 2)
				present[3] = 0;	/* party 3 is told party 4 dropped out */
			CHECK_OK(pem_reply_build(&ci, 8, present, shares, zc, d1[i], rep[i], &err));
		}
		CHECK_OK(pem_inbox(&c, PEM_KIND_ROUND, 8, N, in, lens, d0, sum, present, NULL, other, &err));
		CHECK_STATUS(pem_recover(&c, 8, N, present, rin, rlens, d1[0], sum, answered, other, &err),
					 MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "party 3 saw another set of round 8 vectors") != NULL);
		/* an altered share fails its reply's tag */
		CHECK_OK(pem_reply_build(&c, 8, present, shares, zc, d1[0], rep[2], &err));
		{
			pem_ctx		c2 = ctx(2);

			present[3] = 1;
			CHECK_OK(pem_inbox(&c2, PEM_KIND_ROUND, 8, N, in, lens, d0, sum, present, shares, d1[2], &err));
			CHECK_OK(pem_reply_build(&c2, 8, present, shares, zc, d1[2], rep[2], &err));
		}
		rep[2][PEM_HDR + NP + 10] ^= 1;
		CHECK_STATUS(pem_recover(&c, 8, N, present, rin, rlens, d1[0], sum, answered, other, &err),
					 MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "unmask reply of party 3 fails authentication") != NULL);
		for (int i = 0; i < NP; i++)
			free(rep[i]);
	}
	CHECK_OK(one_round(3, all, all, u, got, &err));
	for (int i = 0; i < NP; i++)
	{
		in[i] = msg[i];
		lens[i] = len;
	}

	/* replay: round 3's messages offered as round 4's */
	{
		pem_ctx		c = ctx(1);

		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 4, N, in, lens, d0, sum, NULL, NULL, other, &err), MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "replay") != NULL);
		/* a changed vector entry fails its tag */
		msg[2][PEM_HDR + 3] ^= 1;
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, NULL, NULL, other, &err), MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "vector of party 3 fails authentication at party 2") != NULL);
		msg[2][PEM_HDR + 3] ^= 1;
		/* messages in the wrong places */
		in[0] = msg[1];
		in[1] = msg[0];
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, NULL, NULL, other, &err), MPC_ERR_CIPHERTEXT);
		in[0] = msg[0];
		in[1] = msg[1];
		/* a missing or short message */
		lens[3] = len - 1;
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, d0, sum, NULL, NULL, other, &err), MPC_ERR_BINARY);
		lens[3] = len;
		/* a sender that confirmed another setup digest: equivocation */
		CHECK_STATUS(pem_inbox(&c, PEM_KIND_ROUND, 3, N, in, lens, other, sum, NULL, NULL, d1[1], &err), MPC_ERR_CIPHERTEXT);
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
			CHECK_OK(pem_msg_build(&c, PEM_KIND_FINAL, 4, NULL, 0, NULL, i == 2 ? seen_by_2 : d1[i], fin[i], &err));
			fin_in[i] = fin[i];
			flens[i] = flen;
		}
		{
			pem_ctx		c = ctx(0);

			CHECK_STATUS(pem_inbox(&c, PEM_KIND_FINAL, 4, 0, fin_in, flens, d1[0], NULL, NULL, NULL, NULL, &err),
						 MPC_ERR_CIPHERTEXT);
			CHECK(strstr(err.msg, "party 3 saw another transcript") != NULL);
			c = ctx(2);
			CHECK_STATUS(pem_inbox(&c, PEM_KIND_FINAL, 4, 0, fin_in, flens, seen_by_2, NULL, NULL, NULL, NULL, &err),
						 MPC_ERR_CIPHERTEXT);
		}
		/* without the equivocation every party accepts */
		{
			pem_ctx		c = ctx(2);

			CHECK_OK(pem_msg_build(&c, PEM_KIND_FINAL, 4, NULL, 0, NULL, d1[2], fin[2], &err));
			for (int i = 0; i < NP; i++)
			{
				c = ctx(i);
				CHECK_OK(pem_inbox(&c, PEM_KIND_FINAL, 4, 0, fin_in, flens, d1[i], NULL, NULL, NULL, NULL, &err));
			}
		}
		for (int i = 0; i < NP; i++)
			free(fin[i]);
	}
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

/*
 * The self mask is word j = bytes 8j .. 8j + 7 (little-endian) of the
 * ChaCha20 keystream (RFC 8439) under the seed with nonce be32(1) ||
 * be64(round), as docs/design.md states: checked against libsodium's own
 * keystream over more words than one chunk of mask_add, then removed again.
 */
static void
test_mask_prg(void)
{
	enum
	{
		W = 1200
	};
	static uint64_t y[W];
	static uint8_t ks[8 * W];
	uint8_t		key[PEM_SEED_LEN];
	uint8_t		nonce[12] = {0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
	int			ok = 1;

	for (int i = 0; i < PEM_SEED_LEN; i++)
		key[i] = (uint8_t) i;
	for (int j = 0; j < W; j++)
		y[j] = (uint64_t) j;
	pem_self_mask(key, 0x0102030405060708LL, W, 1, y);
	CHECK(crypto_stream_chacha20_ietf(ks, sizeof(ks), nonce, key) == 0);
	for (int j = 0; j < W && ok; j++)
	{
		uint64_t	w = 0;

		for (int b = 7; b >= 0; b--)
			w = w << 8 | ks[8 * j + b];
		ok = y[j] == (uint64_t) j + w;
	}
	CHECK(ok);
	pem_self_mask(key, 0x0102030405060708LL, W, -1, y);
	for (int j = 0; j < W && ok; j++)
		ok = y[j] == (uint64_t) j;
	CHECK(ok);
	/* another round is another stream */
	pem_self_mask(key, 0x0102030405060709LL, W, 1, y);
	{
		uint64_t	w0 = 0;

		for (int b = 7; b >= 0; b--)
			w0 = w0 << 8 | ks[b];
		CHECK(y[0] != w0);
	}
}

/* <r, v> mod 2^127 - 1 with GMP, r_j from the documented ChaCha20 stream */
static void
gmp_form(const uint8_t dconf[AM_DIGEST_LEN], uint32_t n, const uint64_t *lo, const uint16_t *hi,
		 uint8_t out[PEM_CHECK])
{
	mpz_t		q,
				acc,
				r,
				v;
	uint8_t    *ks = calloc(16, n);
	uint8_t		nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0};
	size_t		cnt;

	mpz_inits(q, acc, r, v, NULL);
	mpz_ui_pow_ui(q, 2, 127);
	mpz_sub_ui(q, q, 1);
	crypto_stream_chacha20_ietf(ks, 16 * (size_t) n, nonce, dconf);
	for (uint32_t j = 0; j < n; j++)
	{
		ks[16 * j] &= 0x7f;
		mpz_import(r, 16, 1, 1, 1, 0, ks + 16 * j);
		mpz_set_ui(v, hi ? hi[j] : 0);
		mpz_mul_2exp(v, v, 64);
		{
			mpz_t		l;

			mpz_init(l);
			mpz_import(l, 1, 1, sizeof(uint64_t), 0, 0, &lo[j]);
			mpz_add(v, v, l);
			mpz_clear(l);
		}
		mpz_addmul(acc, r, v);
	}
	mpz_mod(acc, acc, q);
	memset(out, 0, PEM_CHECK);
	mpz_export(out + PEM_CHECK - mpz_sizeinbase(acc, 256), &cnt, 1, 1, 1, 0, acc);
	mpz_clears(q, acc, r, v, NULL);
	free(ks);
}

/*
 * The relay and the sum check: S' mod 2^64 is the sum, the check values add
 * up to <r, S'> (checked against GMP, with carries), and an S' off by delta
 * in one coordinate, even by a multiple of 2^61 - 1 or 2^64, fails the check.
 */
static void
test_sum_check(void)
{
	enum
	{
		M = 600					/* more than one ChaCha20 chunk of coefficients */
	};
	static uint64_t y[NP][M];
	static uint8_t heads[NP * (PEM_HDR + AM_DIGEST_LEN + NP * (1 + PEM_SHARE) + 2 * NP * AM_TAG_LEN)];
	static uint8_t summsg[PEM_HDR + 10 * M],
				bad[PEM_HDR + 10 * M];
	static uint64_t sum[M];
	static uint16_t carry[M];
	uint8_t    *msgs[NP];
	const uint8_t *in[NP];
	size_t		lens[NP];
	unsigned char present[NP],
				answered[NP] = {1, 1, 1, 1};
	uint8_t		d0[AM_DIGEST_LEN],
				vd[AM_DIGEST_LEN],
				dconf[AM_DIGEST_LEN],
				dbad[AM_DIGEST_LEN],
				sigma[PEM_CHECK],
				want[PEM_CHECK],
				checks[NP][PEM_HDR + NP * (1 + PEM_SHARE) + PEM_CHECK];
	const uint8_t *cin[NP];
	size_t		clens[NP];
	size_t		len = pem_msg_len(PEM_KIND_ROUND, M, NP),
				slen = pem_msg_len(PEM_KIND_SUM, M, NP);
	pem_ctx		coord = {run, strlen(run), NP, NP, NULL, NULL, NULL, NULL};
	pem_ctx		c = ctx(1);
	mpc_error	err;
	const uint64_t deltas[] = {1, UINT64_C(0x1fffffffffffffff), 0};

	CHECK(slen == PEM_HDR + 10 * M);
	memset(d0, 7, sizeof(d0));
	for (int i = 0; i < NP; i++)
	{
		pem_ctx		ci = ctx(i);
		uint8_t		b[PEM_SEED_LEN] = {(uint8_t) i};

		CHECK_OK(mpc_random_bytes(y[i], sizeof(y[i]), &err));
		/* large values: the exact sum carries */
		for (int j = 0; j < 8; j++)
			y[i][j] = UINT64_MAX - (uint64_t) j;
		msgs[i] = malloc(len);
		CHECK_OK(pem_msg_build(&ci, PEM_KIND_ROUND, 2, y[i], M, b, d0, msgs[i], &err));
		in[i] = msgs[i];
		lens[i] = len;
	}
	CHECK_OK(pem_relay(&coord, 2, M, in, lens, heads, present, summsg, &err));
	for (int j = 0; j < M; j++)
	{
		uint64_t	s = 0;
		unsigned	cy = 0;

		for (int i = 0; i < NP; i++)
		{
			s += y[i][j];
			cy += s < y[i][j];
		}
		carry[j] = (uint16_t) cy;
		CHECK(summsg[PEM_HDR + 8 * M + 2 * j + 1] == cy);
	}
	CHECK(carry[0] == NP - 1);
	for (int i = 0; i < NP; i++)
	{
		in[i] = heads + i * pem_head_len(NP);
		lens[i] = pem_head_len(NP);
		CHECK_OK(pem_vec_digest(msgs[i], len, M, NP, vd, &err));
		CHECK_OK(pem_vec_digest(in[i], lens[i], M, NP, dconf, &err));
		CHECK(memcmp(vd, dconf, AM_DIGEST_LEN) == 0);
	}
	CHECK_STATUS(pem_vec_digest(msgs[0], len - 1, M, NP, vd, &err), MPC_ERR_BINARY);
	{
		static uint8_t dvecs[NP * AM_DIGEST_LEN];

		CHECK_OK(pem_inbox_heads(&c, PEM_KIND_ROUND, 2, M, in, lens, d0, NULL, present, NULL, dvecs, vd, &err));
		CHECK_OK(pem_sum_open(&c, 2, M, summsg, slen, vd, sum, sigma, dconf, &err));
		for (int j = 0; j < M; j++)
			CHECK(sum[j] == y[0][j] + y[1][j] + y[2][j] + y[3][j]);
		gmp_form(dconf, M, sum, carry, want);
		CHECK(memcmp(sigma, want, PEM_CHECK) == 0);
		for (int i = 0; i < NP; i++)
		{
			pem_check_value(dconf, M, y[i], checks[i] + PEM_HDR + NP * (1 + PEM_SHARE));
			gmp_form(dconf, M, y[i], NULL, want);
			CHECK(memcmp(checks[i] + PEM_HDR + NP * (1 + PEM_SHARE), want, PEM_CHECK) == 0);
			cin[i] = checks[i];
			clens[i] = sizeof(checks[i]);
		}
		CHECK_OK(pem_sum_verify(&c, 2, M, present, answered, cin, clens, dvecs, dconf, sigma, &err));
		/* party 3 gave no check value: its full vector stands in, not another one */
		answered[2] = 0;
		cin[2] = msgs[2];
		clens[2] = len;
		CHECK_OK(pem_sum_verify(&c, 2, M, present, answered, cin, clens, dvecs, dconf, sigma, &err));
		cin[2] = msgs[3];
		CHECK_STATUS(pem_sum_verify(&c, 2, M, present, answered, cin, clens, dvecs, dconf, sigma, &err),
					 MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "vector of party 3 given for the sum check is not the one it authenticated") != NULL);
		cin[2] = NULL;
		CHECK_STATUS(pem_sum_verify(&c, 2, M, present, answered, cin, clens, dvecs, dconf, sigma, &err),
					 MPC_ERR_CIPHERTEXT);
		CHECK(strstr(err.msg, "neither its check value nor its vector arrived") != NULL);
		answered[2] = 1;
		cin[2] = checks[2];
		clens[2] = sizeof(checks[2]);
		/* a coordinator's S' off by delta at one peer (lo word), or by one carry (2^64) */
		for (int x = 0; x <= 3; x++)
		{
			memcpy(bad, summsg, slen);
			if (x < 3 && deltas[x] != 0)
			{
				uint8_t    *w = bad + PEM_HDR + 8 * 17;
				uint64_t	v = 0;

				for (int b = 0; b < 8; b++)
					v = v << 8 | w[b];
				v += deltas[x];
				for (int b = 7; b >= 0; b--, v >>= 8)
					w[b] = (uint8_t) v;
			}
			else
				bad[PEM_HDR + 8 * M + 2 * 17 + 1] ^= 1;
			CHECK_OK(pem_sum_open(&c, 2, M, bad, slen, vd, sum, sigma, dbad, &err));
			CHECK(memcmp(dbad, dconf, AM_DIGEST_LEN) != 0);
			CHECK_STATUS(pem_sum_verify(&c, 2, M, present, answered, cin, clens, dvecs, dbad, sigma, &err),
						 MPC_ERR_CIPHERTEXT);
			CHECK(strstr(err.msg, "not the sum of the parties' vectors") != NULL);
			/* even with the check values the parties would give under the altered digest */
			for (int i = 0; i < NP; i++)
				pem_check_value(dbad, M, y[i], checks[i] + PEM_HDR + NP * (1 + PEM_SHARE));
			CHECK_STATUS(pem_sum_verify(&c, 2, M, present, answered, cin, clens, dvecs, dbad, sigma, &err),
						 MPC_ERR_CIPHERTEXT);
			for (int i = 0; i < NP; i++)
				pem_check_value(dconf, M, y[i], checks[i] + PEM_HDR + NP * (1 + PEM_SHARE));
		}
		/* a carry of P or more is no sum of P vectors; a short or mislabelled sum message */
		memcpy(bad, summsg, slen);
		bad[PEM_HDR + 8 * M + 1] = NP;
		CHECK_STATUS(pem_sum_open(&c, 2, M, bad, slen, vd, sum, sigma, dbad, &err), MPC_ERR_CIPHERTEXT);
		CHECK_STATUS(pem_sum_open(&c, 2, M, summsg, slen - 1, vd, sum, sigma, dbad, &err), MPC_ERR_BINARY);
		CHECK_STATUS(pem_sum_open(&c, 3, M, summsg, slen, vd, sum, sigma, dbad, &err), MPC_ERR_CIPHERTEXT);
	}
	for (int i = 0; i < NP; i++)
		free(msgs[i]);
}

int
main(void)
{
	UNIT_INIT();
	setup_keys();
	test_mask_prg();
	test_round();
	test_sum_check();
	test_partial_and_checks();
	test_setup_digest();
	UNIT_DONE("test_masked");
}
