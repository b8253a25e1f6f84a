/*
 * masked_mask.c: the masks and the arithmetic of masked private EigenTrust
 * (masked.h): the pairwise and self masks, the partial sums, the next t and
 * its invariants.
 */
#include "masked_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sha256.h"

uint32_t
pem_threshold(uint32_t parties)
{
	uint32_t	t = (parties + 1) / 2;

	/* two parties (allow_two_parties): the one other party holds the seed */
	if (parties <= 2)
		return 1;
	return t < 2 ? 2 : t;
}

void
pem_round_key(const uint8_t prg[AM_KEY_LEN], int64_t round, uint8_t rk[PEM_SEED_LEN])
{
	static const char tag[] = "mpc_eigentrust masked round key v1";
	uint8_t		buf[sizeof(tag) - 1 + 8];

	memcpy(buf, tag, sizeof(tag) - 1);
	put64(buf + sizeof(tag) - 1, (uint64_t) round);
	hmac_sha256(prg, AM_KEY_LEN, buf, sizeof(buf), rk);
}

#define MASK_CHUNK	512			/* words per ChaCha20 call: 64 blocks */

/*
 * y +/-= the mask stream of (key, round, tweak), mod 2^64: word j is bytes
 * 8j .. 8j + 7 (little-endian) of the ChaCha20 keystream (RFC 8439, 32-bit
 * block counter from 0) under key with nonce be32(tweak) || be64(round).
 * libsodium's ChaCha20 (vectorised where the CPU allows) is some 40 times
 * faster than the SHA-256 counter mode of am_prg_fill, which kept a 100,000
 * peer round busy for seconds (docs/performance.md).
 */
static void
mask_add(const uint8_t key[PEM_SEED_LEN], int64_t round, uint32_t tweak, uint32_t n, int sign,
		 uint64_t *y)
{
	uint8_t		buf[8 * MASK_CHUNK];
	uint8_t		nonce[crypto_stream_chacha20_ietf_NONCEBYTES];

	pem_sodium();
	put32(nonce, tweak);
	put64(nonce + 4, (uint64_t) round);
	for (uint32_t j = 0; j < n; j += MASK_CHUNK)
	{
		size_t		cnt = n - j < MASK_CHUNK ? n - j : MASK_CHUNK;

		memset(buf, 0, 8 * cnt);
		crypto_stream_chacha20_ietf_xor_ic(buf, buf, 8 * cnt, nonce, j / 8, key);
		for (size_t x = 0; x < cnt; x++)
		{
			const uint8_t *b = buf + 8 * x;
			uint64_t	w = (uint64_t) b[0] | (uint64_t) b[1] << 8 | (uint64_t) b[2] << 16 |
				(uint64_t) b[3] << 24 | (uint64_t) b[4] << 32 | (uint64_t) b[5] << 40 |
				(uint64_t) b[6] << 48 | (uint64_t) b[7] << 56;

			y[j + x] += sign > 0 ? w : -w;
		}
	}
	sodium_memzero(buf, sizeof(buf));
}

void
pem_self_mask(const uint8_t b[PEM_SEED_LEN], int64_t round, uint32_t n, int sign, uint64_t *y)
{
	mask_add(b, round, TW_SELF, n, sign, y);
}

void
pem_pair_term(const uint8_t rk[PEM_SEED_LEN], int64_t round, uint32_t of, uint32_t with,
		  uint32_t n, int sign, uint64_t *y)
{
	/* + for peers above 'of', - for peers below: the masks cancel */
	mask_add(rk, round, TW_PAIR, n, with < of ? -sign : sign, y);
}

mpc_status
pem_partial(const pet_edge *e, size_t kept, const uint32_t *dangling, size_t ndangling,
			uint32_t n, const int64_t *t, const int64_t *p, uint64_t *u, mpc_error *err)
{
	long double *acc;
	long double dmass = 0;
	const long double up = powl(10.0L, PET_SCALE_U - PET_SCALE_T);
	const long double down = powl(10.0L, 2 * PET_SCALE_T - PET_SCALE_U);
	const int64_t one = PET_ONE_T;

	for (uint32_t j = 0; j < n; j++)
		if (t[j] < 0 || t[j] > one || p[j] < 0 || p[j] > one)
			return mpc_fail(err, MPC_ERR_ARG, "trust and pre-trust values must be between 0 and 10^%d",
							PET_SCALE_T);
	for (size_t x = 0; x < kept; x++)
		if (e[x].i >= n || e[x].j >= n || !(e[x].w >= 0 && e[x].w <= 1))
			return mpc_fail(err, MPC_ERR_ARG, "a local row entry is out of range");
	for (size_t x = 0; x < ndangling; x++)
		if (dangling[x] >= n)
			return mpc_fail(err, MPC_ERR_ARG, "a dangling row index is out of range");
	acc = calloc(n ? n : 1, sizeof(long double));
	if (acc == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	for (size_t x = 0; x < kept; x++)
		acc[e[x].j] += (long double) t[e[x].i] * (long double) e[x].w;
	for (size_t x = 0; x < ndangling; x++)
		dmass += (long double) t[dangling[x]];
	for (uint32_t j = 0; j < n; j++)
	{
		/* t c at scale T -> U; dmass p at scale 2T -> U */
		long double v = roundl(acc[j] * up + dmass * (long double) p[j] / down);

		u[j] = (uint64_t) v;
	}
	free(acc);
	return MPC_OK;
}

void
pem_mask(const pem_ctx *c, int64_t round, uint32_t n, uint64_t *y)
{
	uint8_t		rk[PEM_SEED_LEN];

	for (uint32_t k = 0; k < c->parties; k++)
	{
		if (k == c->self || !is_active(c, k))
			continue;
		pem_round_key(c->prg[k], round, rk);
		pem_pair_term(rk, round, c->self, k, n, 1, y);
	}
	mpc_wipe(rk, sizeof(rk));
}

mpc_status
pem_unmask(uint32_t n, const uint64_t *sum, int64_t *sums, mpc_error *err)
{
	const int64_t lim = 2 * PET_ONE_U;

	for (uint32_t j = 0; j < n; j++)
	{
		int64_t		v = (int64_t) sum[j];

		if (v < 0 || v > lim)
			return mpc_fail(err, MPC_ERR_OVERFLOW,
							"the sum of the masked vectors is not a vector of partial sums (entry %u)", j + 1);
		sums[j] = v;
	}
	return MPC_OK;
}

mpc_status
pem_next(uint32_t n, int64_t *sums, const int64_t *t, const int64_t *p,
		 const unsigned char *hosted, double alpha, int departed, int64_t *tn,
		 double *residual, mpc_error *err)
{
	if (departed)
	{
		/* the rows that arrived carry sum_i t_i (scale T -> U); the rest is missing */
		long double missing = 0;

		for (uint32_t j = 0; j < n; j++)
		{
			if (hosted[j])
				missing += (long double) t[j] * (long double) (PET_ONE_U / PET_ONE_T);
			missing -= (long double) sums[j];
		}
		if (missing < 0)
			missing = 0;
		for (uint32_t j = 0; j < n; j++)
			sums[j] += (int64_t) roundl(missing * (long double) p[j] / (long double) PET_ONE_T);
	}
	return pet_next(n, sums, t, p, hosted, alpha, tn, residual, err);
}

mpc_status
pem_check_t(uint32_t n, const int64_t *t, const int64_t *p, double alpha, mpc_error *err)
{
	long double total = 0;
	long double tol;

	if (!(alpha > 0 && alpha <= 1))
		return mpc_fail(err, MPC_ERR_ARG, "alpha must be in (0, 1]");
	/* rounding: half a unit per entry per round, amplified by at most 1/alpha */
	tol = (long double) n * (2.0L + 2.0L / alpha);
	for (uint32_t j = 0; j < n; j++)
	{
		if (t[j] < 0 || (long double) t[j] < (long double) alpha * (long double) p[j] - 1)
			return mpc_fail(err, MPC_ERR_ARG, "t[%u] is below alpha times its pre-trust", j + 1);
		total += (long double) t[j];
	}
	if (fabsl(total - (long double) PET_ONE_T) > tol)
		return mpc_fail(err, MPC_ERR_ARG, "t sums to %.12Lf, not 1", total / (long double) PET_ONE_T);
	return MPC_OK;
}

void
pem_uniform(uint32_t n, int64_t *p)
{
	int64_t		u = (int64_t) llroundl((long double) PET_ONE_T / (long double) (n ? n : 1));

	for (uint32_t j = 0; j < n; j++)
		p[j] = u;
}
