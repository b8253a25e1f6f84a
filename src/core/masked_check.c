/*
 * masked_check.c: the coordinator's relay of a masked round (each vector's
 * head and the exact sum) and the parties' check of that sum (masked.h):
 * a random linear form mod q = 2^127 - 1 whose coefficients come from the
 * confirmed digest D_r, so that a party never needs the other vectors.
 */
#include "masked_priv.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static const char sum_tag[] = "mpc_eigentrust masked sum v1";

/* ---- arithmetic mod q = 2^127 - 1 on two 64-bit words (hi < 2^63) ---- */

typedef struct
{
	uint64_t	hi,
				lo;
} u127;

#define HI63	UINT64_C(0x7fffffffffffffff)

/* a * b as hi:lo, portable (no 128-bit integer type needed) */
static void
mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t	a0 = a & 0xffffffffu,
				a1 = a >> 32,
				b0 = b & 0xffffffffu,
				b1 = b >> 32;
	uint64_t	p00 = a0 * b0,
				p01 = a0 * b1,
				p10 = a1 * b0,
				p11 = a1 * b1;
	uint64_t	mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);

	*lo = (mid << 32) | (p00 & 0xffffffffu);
	*hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* hi:lo (any 128-bit value) mod q, as a reduced u127 */
static u127
red128(uint64_t hi, uint64_t lo)
{
	u127		x;
	uint64_t	top = hi >> 63;	/* 2^127 = 1 mod q */

	x.hi = hi & HI63;
	x.lo = lo + top;
	if (x.lo < top)
		x.hi++;
	/* x <= q + 1: fold once more */
	if (x.hi >> 63)
	{
		x.hi &= HI63;
		x.lo++;
		if (x.lo == 0)
			x.hi++;
	}
	if (x.hi == HI63 && x.lo == UINT64_MAX)
		x.hi = x.lo = 0;
	return x;
}

static u127
add127(u127 a, u127 b)
{
	uint64_t	lo = a.lo + b.lo;

	return red128(a.hi + b.hi + (lo < a.lo), lo);
}

/* a * v mod q for a reduced a and a 64-bit v */
static u127
mul127(u127 a, uint64_t v)
{
	uint64_t	h0,
				l0,
				h1,
				l1,
				mid,
				carry;

	/* a.lo v + a.hi v 2^64 = l0 + (h0 + l1) 2^64 + h1 2^128, 2^128 = 2 mod q */
	mul64(a.lo, v, &h0, &l0);
	mul64(a.hi, v, &h1, &l1);
	mid = h0 + l1;
	carry = mid < h0;
	/* h1 < 2^63: 2 (h1 + carry) fits a word */
	return add127(red128(mid, l0), red128(0, 2 * (h1 + carry)));
}

/* x 2^64 mod q */
static u127
shift64(u127 x)
{
	/* x.hi 2^128 + x.lo 2^64 = 2 x.hi + x.lo 2^64 */
	return add127(red128(x.lo, 0), red128(0, 2 * x.hi));
}

static void
put127(uint8_t out[PEM_CHECK], u127 x)
{
	put64(out, x.hi);
	put64(out + 8, x.lo);
}

static u127
get127(const uint8_t in[PEM_CHECK])
{
	u127		x;

	x.hi = get64(in);
	x.lo = get64(in + 8);
	return x;
}

static int
is_reduced(u127 x)
{
	return x.hi < HI63 || (x.hi == HI63 && x.lo < UINT64_MAX);
}

#define R_CHUNK	256				/* coefficients per ChaCha20 call */

/*
 * <r, v> mod q, v_j = hi[j] 2^64 + lo[j] (hi NULL: 0), r_j the 16 bytes
 * 16j .. 16j + 15 of the ChaCha20 keystream under dconf (nonce zero), read
 * as a big-endian 128-bit number with its top bit cleared.
 */
static u127
form(const uint8_t dconf[AM_DIGEST_LEN], uint32_t n, const uint64_t *lo, const uint16_t *hi)
{
	uint8_t		buf[16 * R_CHUNK];
	uint8_t		nonce[crypto_stream_chacha20_ietf_NONCEBYTES];
	u127		acc = {0, 0},
				acch = {0, 0};

	pem_sodium();
	memset(nonce, 0, sizeof(nonce));
	for (uint32_t j = 0; j < n; j += R_CHUNK)
	{
		uint32_t	cnt = n - j < R_CHUNK ? n - j : R_CHUNK;

		memset(buf, 0, 16 * (size_t) cnt);
		crypto_stream_chacha20_ietf_xor_ic(buf, buf, 16 * (size_t) cnt, nonce, j / 4, dconf);
		for (uint32_t x = 0; x < cnt; x++)
		{
			u127		r = red128(get64(buf + 16 * x) & HI63, get64(buf + 16 * x + 8));

			acc = add127(acc, mul127(r, lo[j + x]));
			if (hi != NULL && hi[j + x] != 0)
				acch = add127(acch, mul127(r, hi[j + x]));
		}
	}
	return add127(acc, shift64(acch));
}

void
pem_check_value(const uint8_t dconf[AM_DIGEST_LEN], uint32_t n, const uint64_t *y,
				uint8_t a[PEM_CHECK])
{
	put127(a, form(dconf, n, y, NULL));
}

mpc_status
pem_relay(const pem_ctx *c, int64_t round, uint32_t n, const uint8_t *const *msgs,
		  const size_t *lens, uint8_t *heads, unsigned char *present, uint8_t *summsg,
		  mpc_error *err)
{
	size_t		hlen = pem_head_len(c->parties);
	size_t		tail = hlen - PEM_HDR - AM_DIGEST_LEN;
	uint8_t		dround[AM_DIGEST_LEN];
	uint8_t		zero[AM_DIGEST_LEN];
	uint8_t    *lo = summsg + PEM_HDR;
	uint8_t    *cy = lo + 8 * (size_t) n;
	mpc_status	st;

	memset(zero, 0, sizeof(zero));
	/* shapes, rounds, senders and active sets, as every party checks them */
	st = pem_inbox_heads(c, PEM_KIND_ROUND, round, n, msgs, lens, zero, NULL, present, NULL, NULL,
						 dround, err);
	if (st != MPC_OK)
		return st;
	memcpy(summsg, "PEM\1", 4);
	summsg[4] = PEM_KIND_SUM;
	summsg[5] = summsg[6] = summsg[7] = 0;
	put64(summsg + 8, (uint64_t) round);
	put32(summsg + 16, PEM_FROM_COORD);
	put32(summsg + 20, c->parties);
	put32(summsg + 24, n);
	for (uint32_t j = 0; j < n; j++)
	{
		uint64_t	s = 0;
		uint32_t	carry = 0;

		for (uint32_t k = 0; k < c->parties; k++)
			if (present[k])
			{
				uint64_t	v = get64(msgs[k] + PEM_HDR + 8 * (size_t) j);

				s += v;
				carry += s < v;
			}
		put64(lo + 8 * (size_t) j, s);
		cy[2 * (size_t) j] = (uint8_t) (carry >> 8);
		cy[2 * (size_t) j + 1] = (uint8_t) carry;
	}
	for (uint32_t k = 0; k < c->parties; k++)
	{
		uint8_t    *h = heads + (size_t) k * hlen;

		if (!present[k])
			continue;
		memcpy(h, msgs[k], PEM_HDR);
		pem_digest(msgs[k] + PEM_HDR, 8 * (size_t) n, h + PEM_HDR);
		memcpy(h + PEM_HDR + AM_DIGEST_LEN, msgs[k] + PEM_HDR + 8 * (size_t) n, tail);
	}
	return MPC_OK;
}

mpc_status
pem_sum_open(const pem_ctx *c, int64_t round, uint32_t n, const uint8_t *msg, size_t len,
			 const uint8_t vdigest[AM_DIGEST_LEN], uint64_t *sum, uint8_t *sigma,
			 uint8_t dconf[AM_DIGEST_LEN], mpc_error *err)
{
	crypto_generichash_state st;
	uint8_t		dm[AM_DIGEST_LEN];
	uint16_t   *carry;

	if (msg == NULL || len != pem_msg_len(PEM_KIND_SUM, n, c->parties) || memcmp(msg, "PEM\1", 4) != 0 ||
		msg[4] != PEM_KIND_SUM)
		return mpc_fail(err, MPC_ERR_BINARY, "the round %lld sum is not a sum message for %u peers",
						(long long) round, n);
	if ((int64_t) get64(msg + 8) != round || get32(msg + 16) != PEM_FROM_COORD ||
		get32(msg + 20) != c->parties || get32(msg + 24) != n)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT,
						"the sum message of round %lld names another round, sender, party count or peer count",
						(long long) round);
	carry = malloc(sizeof(uint16_t) * (n ? n : 1));
	if (carry == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	for (uint32_t j = 0; j < n; j++)
	{
		const uint8_t *cy = msg + PEM_HDR + 8 * (size_t) n + 2 * (size_t) j;

		sum[j] = get64(msg + PEM_HDR + 8 * (size_t) j);
		carry[j] = (uint16_t) (cy[0] << 8 | cy[1]);
		if (carry[j] >= c->parties)
		{
			free(carry);
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"the round %lld sum carries %u at peer %u: a sum of %u vectors carries less than %u",
							(long long) round, (unsigned) (cy[0] << 8 | cy[1]), j + 1, c->parties, c->parties);
		}
	}
	pem_digest(msg, len, dm);
	crypto_generichash_init(&st, NULL, 0, AM_DIGEST_LEN);
	crypto_generichash_update(&st, (const uint8_t *) sum_tag, sizeof(sum_tag) - 1);
	crypto_generichash_update(&st, vdigest, AM_DIGEST_LEN);
	crypto_generichash_update(&st, dm, AM_DIGEST_LEN);
	crypto_generichash_final(&st, dconf, AM_DIGEST_LEN);
	if (sigma != NULL)
		put127(sigma, form(dconf, n, sum, carry));
	free(carry);
	return MPC_OK;
}

mpc_status
pem_sum_verify(const pem_ctx *c, int64_t round, uint32_t n, const unsigned char *present,
			   const unsigned char *answered, const uint8_t *const *msgs, const size_t *lens,
			   const uint8_t *dvecs, const uint8_t dconf[AM_DIGEST_LEN],
			   const uint8_t sigma[PEM_CHECK], mpc_error *err)
{
	size_t		vlen = pem_msg_len(PEM_KIND_ROUND, n, c->parties);
	size_t		coff = PEM_HDR + (size_t) c->parties * (1 + PEM_SHARE);
	u127		acc = {0, 0};

	for (uint32_t k = 0; k < c->parties; k++)
	{
		const uint8_t *m = msgs[k];

		if (!present[k])
			continue;
		if (answered[k])
		{
			u127		a = get127(m + coff);

			if (!is_reduced(a))
				return mpc_fail(err, MPC_ERR_CIPHERTEXT,
								"the round %lld check value of party %u is out of range", (long long) round, k + 1);
			acc = add127(acc, a);
		}
		else if (m != NULL && lens[k] == vlen && m[4] == PEM_KIND_ROUND)
		{
			uint8_t		d[AM_DIGEST_LEN];
			uint64_t   *y;
			mpc_status	st = pem_vec_digest(m, lens[k], n, c->parties, d, err);

			if (st != MPC_OK)
				return st;
			if (sodium_memcmp(d, dvecs + (size_t) k * AM_DIGEST_LEN, AM_DIGEST_LEN) != 0)
				return mpc_fail(err, MPC_ERR_CIPHERTEXT,
								"the round %lld vector of party %u given for the sum check is not the one it authenticated (altered)",
								(long long) round, k + 1);
			y = malloc(sizeof(uint64_t) * (n ? n : 1));
			if (y == NULL)
				return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
			for (uint32_t j = 0; j < n; j++)
				y[j] = get64(m + PEM_HDR + 8 * (size_t) j);
			acc = add127(acc, form(dconf, n, y, NULL));
			free(y);
		}
		else
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"the round %lld sum cannot be checked: party %u's vector is in it, and neither its check value nor its vector arrived",
							(long long) round, k + 1);
	}
	if (acc.hi != get127(sigma).hi || acc.lo != get127(sigma).lo)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT,
						"the round %lld sum from the coordinator is not the sum of the parties' vectors: their check values disagree with it (altered)",
						(long long) round);
	return MPC_OK;
}
