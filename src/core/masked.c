/*
 * masked.c: the arithmetic and messages of masked private EigenTrust
 * (masked.h).
 */
#include "masked.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char setup_tag[] = "mpc_eigentrust masked setup v1";
static const uint8_t magic[4] = {'P', 'E', 'M', 1};

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t) (v >> 24);
	b[1] = (uint8_t) (v >> 16);
	b[2] = (uint8_t) (v >> 8);
	b[3] = (uint8_t) v;
}

static void
put64(uint8_t *b, uint64_t v)
{
	put32(b, (uint32_t) (v >> 32));
	put32(b + 4, (uint32_t) v);
}

static uint32_t
get32(const uint8_t *b)
{
	return ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16) | ((uint32_t) b[2] << 8) | b[3];
}

static uint64_t
get64(const uint8_t *b)
{
	return ((uint64_t) get32(b) << 32) | get32(b + 4);
}

size_t
pem_msg_len(int kind, uint32_t n, uint32_t parties)
{
	if (kind == PEM_KIND_ROUND)
		return PEM_HDR + 8 * (size_t) n + 2 * (size_t) parties * AM_TAG_LEN;
	return PEM_HDR + (size_t) parties * AM_TAG_LEN;
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
	uint64_t	buf[256];

	for (uint32_t k = 0; k < c->parties; k++)
	{
		if (k == c->self)
			continue;
		for (uint32_t j = 0; j < n; j += 256)
		{
			size_t		cnt = n - j < 256 ? n - j : 256;

			am_prg_fill(c->prg[k], round, 0, j, cnt, buf);
			/* + for peers above self, - for peers below: the masks cancel */
			if (k > c->self)
				for (size_t x = 0; x < cnt; x++)
					y[j + x] += buf[x];
			else
				for (size_t x = 0; x < cnt; x++)
					y[j + x] -= buf[x];
		}
	}
	mpc_wipe(buf, sizeof(buf));
}

mpc_status
pem_msg_build(const pem_ctx *c, int kind, int64_t round, const uint64_t *y, uint32_t n,
			  const uint8_t dprev[AM_DIGEST_LEN], uint8_t *out, mpc_error *err)
{
	uint8_t		dvec[AM_DIGEST_LEN];
	uint8_t    *vt,
			   *ct;
	mpc_status	st;

	if (c->mac == NULL || c->self >= c->parties)
		return mpc_fail(err, MPC_ERR_ARG, "a message needs the party's keys");
	if (kind != PEM_KIND_ROUND && kind != PEM_KIND_FINAL)
		return mpc_fail(err, MPC_ERR_ARG, "unknown message kind %d", kind);
	if (kind == PEM_KIND_FINAL)
		n = 0;
	memcpy(out, magic, 4);
	out[4] = (uint8_t) kind;
	out[5] = out[6] = out[7] = 0;
	put64(out + 8, (uint64_t) round);
	put32(out + 16, c->self);
	put32(out + 20, c->parties);
	put32(out + 24, n);
	for (uint32_t j = 0; j < n; j++)
		put64(out + PEM_HDR + 8 * (size_t) j, y[j]);
	vt = out + PEM_HDR + 8 * (size_t) n;
	ct = kind == PEM_KIND_ROUND ? vt + (size_t) c->parties * AM_TAG_LEN : vt;
	am_digest(out, PEM_HDR + 8 * (size_t) n, dvec);
	for (uint32_t k = 0; k < c->parties; k++)
	{
		if (k == c->self)
		{
			if (kind == PEM_KIND_ROUND)
				memset(vt + (size_t) k * AM_TAG_LEN, 0, AM_TAG_LEN);
			memset(ct + (size_t) k * AM_TAG_LEN, 0, AM_TAG_LEN);
			continue;
		}
		if (kind == PEM_KIND_ROUND)
		{
			st = am_tag(c->mac[k], c->run, c->run_len, round, c->self, k, "vec", dvec,
						vt + (size_t) k * AM_TAG_LEN, err);
			if (st != MPC_OK)
				return st;
		}
		st = am_tag(c->mac[k], c->run, c->run_len, round - 1, c->self, k, "confirm", dprev,
					ct + (size_t) k * AM_TAG_LEN, err);
		if (st != MPC_OK)
			return st;
	}
	return MPC_OK;
}

mpc_status
pem_inbox(const pem_ctx *c, int kind, int64_t round, uint32_t n, const uint8_t *const *msgs,
		  const size_t *lens, const uint8_t dprev[AM_DIGEST_LEN], uint64_t *sum,
		  uint8_t dround[AM_DIGEST_LEN], mpc_error *err)
{
	am_transcript tr;
	uint32_t	nn = kind == PEM_KIND_ROUND ? n : 0;
	size_t		want = pem_msg_len(kind, nn, c->parties);
	mpc_status	st;

	if (kind == PEM_KIND_ROUND)
	{
		st = am_transcript_init(&tr, c->run, c->run_len, round, "vec", err);
		if (st != MPC_OK)
			return st;
	}
	if (sum != NULL)
		memset(sum, 0, sizeof(uint64_t) * nn);
	for (uint32_t k = 0; k < c->parties; k++)
	{
		const uint8_t *m = msgs[k];
		uint8_t		dvec[AM_DIGEST_LEN];

		if (m == NULL || lens[k] != want)
			return mpc_fail(err, MPC_ERR_BINARY, "the message of party %u in round %lld has %zu bytes, not %zu",
							k + 1, (long long) round, m ? lens[k] : (size_t) 0, want);
		if (memcmp(m, magic, 4) != 0 || m[4] != kind)
			return mpc_fail(err, MPC_ERR_BINARY, "the message of party %u in round %lld is not a %s message",
							k + 1, (long long) round, kind == PEM_KIND_ROUND ? "round" : "final");
		if ((int64_t) get64(m + 8) != round)
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"the message of party %u is from round %lld, not round %lld (a replay)",
							k + 1, (long long) (int64_t) get64(m + 8), (long long) round);
		if (get32(m + 16) != k || get32(m + 20) != c->parties || get32(m + 24) != nn)
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"the message in place %u of round %lld names another sender, party count or peer count",
							k + 1, (long long) round);
		am_digest(m, PEM_HDR + 8 * (size_t) nn, dvec);
		if (kind == PEM_KIND_ROUND)
		{
			st = am_transcript_add(&tr, k, dvec, err);
			if (st != MPC_OK)
				return st;
		}
		if (c->mac != NULL && k != c->self)
		{
			const uint8_t *vt = m + PEM_HDR + 8 * (size_t) nn;
			const uint8_t *ct = kind == PEM_KIND_ROUND ? vt + (size_t) c->parties * AM_TAG_LEN : vt;

			if (kind == PEM_KIND_ROUND)
			{
				st = am_verify(c->mac[k], c->run, c->run_len, round, k, c->self, "vec", dvec,
							   vt + (size_t) c->self * AM_TAG_LEN, AM_TAG_LEN, err);
				if (st != MPC_OK)
					return mpc_fail(err, MPC_ERR_CIPHERTEXT,
									"the round %lld vector of party %u fails authentication at party %u (altered or forged)",
									(long long) round, k + 1, c->self + 1);
			}
			st = am_verify(c->mac[k], c->run, c->run_len, round - 1, k, c->self, "confirm", dprev,
						   ct + (size_t) c->self * AM_TAG_LEN, AM_TAG_LEN, err);
			if (st != MPC_OK)
				return mpc_fail(err, MPC_ERR_CIPHERTEXT,
								"party %u saw another transcript of round %lld than this party (equivocation)",
								k + 1, (long long) round - 1);
		}
		if (sum != NULL)
			for (uint32_t j = 0; j < nn; j++)
				sum[j] += get64(m + PEM_HDR + 8 * (size_t) j);
		if (mpc_interrupted())
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
	if (kind == PEM_KIND_ROUND)
		am_transcript_final(&tr, dround);
	return MPC_OK;
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

mpc_status
pem_setup_digest(const char *run, size_t run_len, uint32_t parties, const uint8_t *pubs,
				 uint32_t n, const int64_t *peers, const unsigned char *hosted, const int64_t *p,
				 double alpha, double epsilon, int32_t max_iter, uint8_t out[AM_DIGEST_LEN],
				 mpc_error *err)
{
	sha256_ctx	c;
	uint8_t		b[8];
	uint64_t	bits;

	if (run == NULL || run_len == 0 || run_len > AM_MAX_RUN_LEN)
		return mpc_fail(err, MPC_ERR_ARG, "run id must be 1 to %d bytes", AM_MAX_RUN_LEN);
	sha256_init(&c);
	sha256_update(&c, setup_tag, sizeof(setup_tag) - 1);
	put32(b, (uint32_t) run_len);
	sha256_update(&c, b, 4);
	sha256_update(&c, run, run_len);
	put32(b, parties);
	sha256_update(&c, b, 4);
	sha256_update(&c, pubs, (size_t) parties * ZS_PUB_LEN);
	put32(b, n);
	sha256_update(&c, b, 4);
	for (uint32_t j = 0; j < n; j++)
	{
		put64(b, (uint64_t) peers[j]);
		sha256_update(&c, b, 8);
	}
	sha256_update(&c, hosted, n);
	b[0] = p != NULL;
	sha256_update(&c, b, 1);
	for (uint32_t j = 0; p != NULL && j < n; j++)
	{
		put64(b, (uint64_t) p[j]);
		sha256_update(&c, b, 8);
	}
	memcpy(&bits, &alpha, 8);
	put64(b, bits);
	sha256_update(&c, b, 8);
	memcpy(&bits, &epsilon, 8);
	put64(b, bits);
	sha256_update(&c, b, 8);
	put32(b, (uint32_t) max_iter);
	sha256_update(&c, b, 4);
	sha256_final(&c, out);
	return MPC_OK;
}

void
pem_uniform(uint32_t n, int64_t *p)
{
	int64_t		u = (int64_t) llroundl((long double) PET_ONE_T / (long double) (n ? n : 1));

	for (uint32_t j = 0; j < n; j++)
		p[j] = u;
}
