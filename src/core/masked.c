/*
 * masked.c: the messages of masked private EigenTrust (masked.h): build,
 * check, recover; the masks and the arithmetic are in masked_mask.c, the
 * relayed sum and its linear check in masked_check.c.  At about 610 lines it
 * is a little over the house's 600: every function here reads or writes the
 * one message layout, which stays private to this file.
 */
#include "masked_priv.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sha256.h"
#include "sharing.h"

static const char setup_tag[] = "mpc_eigentrust masked setup v1";
static const uint8_t magic[4] = {'P', 'E', 'M', 1};

void
pem_sodium(void)
{
	if (sodium_init() < 0)
	{
		/* the portable implementations run */
	}
}

void
pem_digest(const void *msg, size_t len, uint8_t d[AM_DIGEST_LEN])
{
	pem_sodium();
	crypto_generichash(d, AM_DIGEST_LEN, msg, len, NULL, 0);
}

/* bytes before the tags of a kind 1 or kind 3 message */
static size_t
body_len(int kind, uint32_t n, uint32_t parties)
{
	if (kind == PEM_KIND_ROUND)
		return PEM_HDR + 8 * (size_t) n + (size_t) parties * (1 + PEM_SHARE);
	if (kind == PEM_KIND_UNMASK)
		return PEM_HDR + (size_t) parties * (1 + PEM_SHARE) + PEM_CHECK;
	return PEM_HDR;
}

size_t
pem_msg_len(int kind, uint32_t n, uint32_t parties)
{
	if (kind == PEM_KIND_ROUND)
		return body_len(kind, n, parties) + 2 * (size_t) parties * AM_TAG_LEN;
	if (kind == PEM_KIND_UNMASK)
		return body_len(kind, 0, parties) + 2 * (size_t) parties * AM_TAG_LEN;
	if (kind == PEM_KIND_SUM)
		return PEM_HDR + 10 * (size_t) n;
	return PEM_HDR + (size_t) parties * AM_TAG_LEN;
}

size_t
pem_head_len(uint32_t parties)
{
	return pem_msg_len(PEM_KIND_ROUND, 0, parties) + AM_DIGEST_LEN;
}

/*
 * The vector digest of a kind 1 message (head: y replaced by its digest):
 * BLAKE2b-256(header || BLAKE2b-256(y) || active || shares)
 */
static void
vec_digest(const uint8_t *m, int head, uint32_t n, uint32_t parties, uint8_t d[AM_DIGEST_LEN])
{
	crypto_generichash_state st;
	uint8_t		dy[AM_DIGEST_LEN];
	const uint8_t *tail;

	if (head)
	{
		memcpy(dy, m + PEM_HDR, AM_DIGEST_LEN);
		tail = m + PEM_HDR + AM_DIGEST_LEN;
	}
	else
	{
		pem_digest(m + PEM_HDR, 8 * (size_t) n, dy);
		tail = m + PEM_HDR + 8 * (size_t) n;
	}
	crypto_generichash_init(&st, NULL, 0, AM_DIGEST_LEN);
	crypto_generichash_update(&st, m, PEM_HDR);
	crypto_generichash_update(&st, dy, AM_DIGEST_LEN);
	crypto_generichash_update(&st, tail, (size_t) parties * (1 + PEM_SHARE));
	crypto_generichash_final(&st, d, AM_DIGEST_LEN);
}

mpc_status
pem_vec_digest(const uint8_t *msg, size_t len, uint32_t n, uint32_t parties,
			   uint8_t d[AM_DIGEST_LEN], mpc_error *err)
{
	if (len == pem_msg_len(PEM_KIND_ROUND, n, parties))
		vec_digest(msg, 0, n, parties, d);
	else if (len == pem_head_len(parties))
		vec_digest(msg, 1, n, parties, d);
	else
		return mpc_fail(err, MPC_ERR_BINARY, "a round vector for %u peers and %u parties has %zu or %zu bytes, not %zu",
						n, parties, pem_msg_len(PEM_KIND_ROUND, n, parties), pem_head_len(parties), len);
	return MPC_OK;
}

/* the keystream that hides the share from 'sender' to 'receiver' */
static void
share_pad(const uint8_t key[AM_KEY_LEN], int64_t round, uint32_t sender, uint8_t pad[PEM_SHARE])
{
	uint64_t	w[(PEM_SHARE + 7) / 8];

	am_prg_fill(key, round, TW_SHARE(sender), 0, (PEM_SHARE + 7) / 8, w);
	for (int x = 0; x < PEM_SHARE; x++)
		pad[x] = (uint8_t) (w[x / 8] >> (56 - 8 * (x % 8)));
	mpc_wipe(w, sizeof(w));
}

/* mpz_clear does not wipe outside the server's allocator: wipe first */
static void
wipe_clear(mpz_t x)
{
	mpc_wipe(x->_mp_d, sizeof(mp_limb_t) * (size_t) x->_mp_alloc);
	mpz_clear(x);
}

static void
put_header(const pem_ctx *c, int kind, int64_t round, uint32_t n, uint8_t *out)
{
	memcpy(out, magic, 4);
	out[4] = (uint8_t) kind;
	out[5] = out[6] = out[7] = 0;
	put64(out + 8, (uint64_t) round);
	put32(out + 16, c->self);
	put32(out + 20, c->parties);
	put32(out + 24, n);
}

/* vtags (label, round) over the body's digest and ctags (clabel, cround) over dconf */
static mpc_status
put_tags(const pem_ctx *c, uint8_t *vt, const char *label, int64_t round,
		 const uint8_t dbody[AM_DIGEST_LEN], uint8_t *ct, int64_t cround,
		 const uint8_t dconf[AM_DIGEST_LEN], mpc_error *err)
{
	mpc_status	st;

	for (uint32_t k = 0; k < c->parties; k++)
	{
		if (k == c->self || !is_active(c, k))
		{
			if (vt)
				memset(vt + (size_t) k * AM_TAG_LEN, 0, AM_TAG_LEN);
			memset(ct + (size_t) k * AM_TAG_LEN, 0, AM_TAG_LEN);
			continue;
		}
		if (vt)
		{
			st = am_tag(c->mac[k], c->run, c->run_len, round, c->self, k, label, dbody,
						vt + (size_t) k * AM_TAG_LEN, err);
			if (st != MPC_OK)
				return st;
		}
		st = am_tag(c->mac[k], c->run, c->run_len, cround, c->self, k, "confirm", dconf,
					ct + (size_t) k * AM_TAG_LEN, err);
		if (st != MPC_OK)
			return st;
	}
	return MPC_OK;
}

/* Shamir-share the seed b to the active parties, each share under its pad */
static mpc_status
put_shares(const pem_ctx *c, int64_t round, const uint8_t *b, uint8_t *out, mpc_error *err)
{
	mpz_t		secret;
	mpz_t	   *ys;
	mpc_status	st;
	uint8_t		pad[PEM_SHARE];
	int			np = (int) c->parties;

	memset(out, 0, (size_t) c->parties * PEM_SHARE);
	ys = calloc(c->parties, sizeof(mpz_t));
	if (ys == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	mpz_init(secret);
	mpz_import(secret, PEM_SEED_LEN, 1, 1, 1, 0, b);
	for (int k = 0; k < np; k++)
		mpz_init(ys[k]);
	st = shamir_split(secret, np, (int) pem_threshold(c->parties), ys, err);
	for (uint32_t k = 0; st == MPC_OK && k < c->parties; k++)
	{
		uint8_t    *dst = out + (size_t) k * PEM_SHARE;
		size_t		cnt;

		if (k == c->self || !is_active(c, k))
			continue;
		mpz_export(dst + PEM_SHARE - (mpz_sizeinbase(ys[k], 256)), &cnt, 1, 1, 1, 0, ys[k]);
		share_pad(c->enc[k], round, c->self, pad);
		for (int x = 0; x < PEM_SHARE; x++)
			dst[x] ^= pad[x];
	}
	mpc_wipe(pad, sizeof(pad));
	for (int k = 0; k < np; k++)
	{
		wipe_clear(ys[k]);
	}
	wipe_clear(secret);
	free(ys);
	return st;
}

mpc_status
pem_msg_build(const pem_ctx *c, int kind, int64_t round, const uint64_t *y, uint32_t n,
			  const uint8_t *b, const uint8_t dprev[AM_DIGEST_LEN], uint8_t *out, mpc_error *err)
{
	uint8_t		dvec[AM_DIGEST_LEN];
	size_t		blen;
	uint8_t    *vt;
	mpc_status	st;

	if (c->mac == NULL || c->self >= c->parties)
		return mpc_fail(err, MPC_ERR_ARG, "a message needs the party's keys");
	if (kind != PEM_KIND_ROUND && kind != PEM_KIND_FINAL)
		return mpc_fail(err, MPC_ERR_ARG, "unknown message kind %d", kind);
	if (kind == PEM_KIND_ROUND && (b == NULL || c->enc == NULL))
		return mpc_fail(err, MPC_ERR_ARG, "a round message needs a self-mask seed and share keys");
	if (kind == PEM_KIND_FINAL)
		n = 0;
	put_header(c, kind, round, n, out);
	if (kind == PEM_KIND_FINAL)
		return put_tags(c, NULL, NULL, 0, NULL, out + PEM_HDR, round - 1, dprev, err);
	for (uint32_t j = 0; j < n; j++)
		put64(out + PEM_HDR + 8 * (size_t) j, y[j]);
	for (uint32_t k = 0; k < c->parties; k++)
		out[PEM_HDR + 8 * (size_t) n + k] = is_active(c, k) ? 1 : 0;
	st = put_shares(c, round, b, out + PEM_HDR + 8 * (size_t) n + c->parties, err);
	if (st != MPC_OK)
		return st;
	blen = body_len(kind, n, c->parties);
	vec_digest(out, 0, n, c->parties, dvec);
	vt = out + blen;
	return put_tags(c, vt, "vec", round, dvec, vt + (size_t) c->parties * AM_TAG_LEN,
					round - 1, dprev, err);
}

mpc_status
pem_reply_build(const pem_ctx *c, int64_t round, const unsigned char *present,
				const uint8_t *shares, const uint8_t check[PEM_CHECK],
				const uint8_t dround[AM_DIGEST_LEN], uint8_t *out, mpc_error *err)
{
	size_t		blen = body_len(PEM_KIND_UNMASK, 0, c->parties);
	uint8_t    *what = out + PEM_HDR;
	uint8_t    *vals = what + c->parties;
	uint8_t		d[AM_DIGEST_LEN];

	if (c->mac == NULL || c->prg == NULL || c->self >= c->parties)
		return mpc_fail(err, MPC_ERR_ARG, "a reply needs the party's keys");
	put_header(c, PEM_KIND_UNMASK, round, 0, out);
	memset(what, 0, (size_t) c->parties * (1 + PEM_SHARE));
	for (uint32_t k = 0; k < c->parties; k++)
	{
		if (k == c->self || !is_active(c, k))
			continue;
		if (present[k])
		{
			what[k] = PEM_WHAT_SELF;
			memcpy(vals + (size_t) k * PEM_SHARE, shares + (size_t) k * PEM_SHARE, PEM_SHARE);
		}
		else
		{
			what[k] = PEM_WHAT_PAIR;
			pem_round_key(c->prg[k], round, vals + (size_t) k * PEM_SHARE);
		}
	}
	memcpy(vals + (size_t) c->parties * PEM_SHARE, check, PEM_CHECK);
	pem_digest(out, blen, d);
	return put_tags(c, out + blen, "unmask", round, d,
					out + blen + (size_t) c->parties * AM_TAG_LEN, round, dround, err);
}

mpc_status
pem_inbox(const pem_ctx *c, int kind, int64_t round, uint32_t n, const uint8_t *const *msgs,
		  const size_t *lens, const uint8_t dprev[AM_DIGEST_LEN], uint64_t *sum,
		  unsigned char *present, uint8_t *shares, uint8_t dround[AM_DIGEST_LEN],
		  mpc_error *err)
{
	return pem_inbox_heads(c, kind, round, n, msgs, lens, dprev, sum, present, shares, NULL, dround,
						   err);
}

mpc_status
pem_inbox_heads(const pem_ctx *c, int kind, int64_t round, uint32_t n, const uint8_t *const *msgs,
				const size_t *lens, const uint8_t dprev[AM_DIGEST_LEN], uint64_t *sum,
				unsigned char *present, uint8_t *shares, uint8_t *dvecs,
				uint8_t dround[AM_DIGEST_LEN], mpc_error *err)
{
	am_transcript tr;
	uint32_t	nn = kind == PEM_KIND_ROUND ? n : 0;
	size_t		want = pem_msg_len(kind, nn, c->parties);
	size_t		hlen = pem_head_len(c->parties);
	uint32_t	got = 0;
	mpc_status	st;

	if (kind == PEM_KIND_ROUND)
	{
		st = am_transcript_init(&tr, c->run, c->run_len, round, "vec", err);
		if (st != MPC_OK)
			return st;
	}
	if (sum != NULL)
		memset(sum, 0, sizeof(uint64_t) * nn);
	if (shares != NULL)
		memset(shares, 0, (size_t) c->parties * PEM_SHARE);
	for (uint32_t k = 0; k < c->parties; k++)
	{
		const uint8_t *m = msgs[k];
		uint8_t		dvec[AM_DIGEST_LEN];
		int			head;
		size_t		ylen,
					blen;

		if (present != NULL)
			present[k] = 0;
		if (m == NULL && (!is_active(c, k) || (present != NULL && k != c->self)))
			continue;			/* not in this round, or dropped out */
		if (m != NULL && !is_active(c, k))
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"round %lld holds a message of party %u, which left the run",
							(long long) round, k + 1);
		head = kind == PEM_KIND_ROUND && sum == NULL && m != NULL && lens[k] == hlen && hlen != want;
		if (m == NULL || (lens[k] != want && !head))
			return mpc_fail(err, MPC_ERR_BINARY, "the message of party %u in round %lld has %zu bytes, not %zu",
							k + 1, (long long) round, m ? lens[k] : (size_t) 0, want);
		/* where y ends (or its digest, in a head) and the tags begin */
		ylen = kind != PEM_KIND_ROUND ? 0 : head ? AM_DIGEST_LEN : 8 * (size_t) nn;
		blen = body_len(kind, 0, c->parties) + ylen;
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
		if (kind == PEM_KIND_ROUND)
			for (uint32_t x = 0; x < c->parties; x++)
				if (m[PEM_HDR + ylen + x] != (is_active(c, x) ? 1 : 0))
					return mpc_fail(err, MPC_ERR_CIPHERTEXT,
									"party %u masked round %lld with another set of parties than this party (equivocation)",
									k + 1, (long long) round);
		if (kind == PEM_KIND_ROUND)
		{
			vec_digest(m, head, nn, c->parties, dvec);
			if (dvecs != NULL)
				memcpy(dvecs + (size_t) k * AM_DIGEST_LEN, dvec, AM_DIGEST_LEN);
			st = am_transcript_add(&tr, k, dvec, err);
			if (st != MPC_OK)
				return st;
		}
		else
			pem_digest(m, blen, dvec);
		if (c->mac != NULL && k != c->self)
		{
			const uint8_t *vt = m + blen;
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
			if (shares != NULL && c->enc != NULL)
			{
				uint8_t		pad[PEM_SHARE];
				const uint8_t *src = m + PEM_HDR + ylen + c->parties +
					(size_t) c->self * PEM_SHARE;

				share_pad(c->enc[k], round, k, pad);
				for (int x = 0; x < PEM_SHARE; x++)
					shares[(size_t) k * PEM_SHARE + x] = src[x] ^ pad[x];
				mpc_wipe(pad, sizeof(pad));
			}
		}
		if (sum != NULL)
			for (uint32_t j = 0; j < nn; j++)
				sum[j] += get64(m + PEM_HDR + 8 * (size_t) j);
		if (present != NULL)
			present[k] = 1;
		got++;
		if (mpc_interrupted())
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
	if (got < 2)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "round %lld holds %u messages: a sum needs at least 2",
						(long long) round, got);
	if (kind == PEM_KIND_ROUND)
		am_transcript_final(&tr, dround);
	return MPC_OK;
}

/* b_k from the shares in the replies of the parties in 'from' */
static mpc_status
rebuild_seed(const pem_ctx *c, uint32_t k, const uint8_t *const *replies, const unsigned char *from,
			 uint8_t b[PEM_SEED_LEN], mpc_error *err)
{
	uint32_t	t = pem_threshold(c->parties);
	int32_t    *xs = calloc(c->parties, sizeof(int32_t));
	int32_t    *ts = calloc(c->parties, sizeof(int32_t));
	mpz_t	   *ys = calloc(c->parties, sizeof(mpz_t));
	mpz_t		secret;
	int			cnt = 0;
	mpc_status	st = MPC_OK;

	if (xs == NULL || ts == NULL || ys == NULL)
	{
		free(xs);
		free(ts);
		free(ys);
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	}
	mpz_init(secret);
	for (uint32_t j = 0; j < c->parties; j++)
	{
		if (!from[j] || j == k)
			continue;
		ts[cnt] = (int32_t) t;
		mpz_init(ys[cnt]);
		mpz_import(ys[cnt], PEM_SHARE, 1, 1, 1, 0,
				   replies[j] + PEM_HDR + c->parties + (size_t) k * PEM_SHARE);
		xs[cnt] = (int32_t) j + 1;
		cnt++;
	}
	if ((uint32_t) cnt < t)
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT,
					  "the self mask of party %u in this round needs %u shares, %d parties sent one",
					  k + 1, t, cnt);
	if (st == MPC_OK && shamir_combine(cnt, xs, ts, ys, secret, err) != MPC_OK)
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT,
					  "the shares of party %u's self mask do not agree (altered)", k + 1);
	if (st == MPC_OK && mpz_sizeinbase(secret, 2) > 8 * PEM_SEED_LEN)
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT, "the shares of party %u's self mask are not a seed", k + 1);
	if (st == MPC_OK)
	{
		size_t		w;

		memset(b, 0, PEM_SEED_LEN);
		if (mpz_sgn(secret) != 0)
			mpz_export(b + PEM_SEED_LEN - mpz_sizeinbase(secret, 256), &w, 1, 1, 1, 0, secret);
	}
	for (int x = 0; x < cnt; x++)
		wipe_clear(ys[x]);
	wipe_clear(secret);
	free(xs);
	free(ts);
	free(ys);
	return st;
}

mpc_status
pem_recover(const pem_ctx *c, int64_t round, uint32_t n, const unsigned char *present,
			const uint8_t *const *replies, const size_t *lens, const uint8_t dround[AM_DIGEST_LEN],
			uint64_t *sum, unsigned char *answered, uint8_t dreplies[AM_DIGEST_LEN], mpc_error *err)
{
	size_t		want = pem_msg_len(PEM_KIND_UNMASK, 0, c->parties);
	size_t		blen = body_len(PEM_KIND_UNMASK, 0, c->parties);
	am_transcript tr;
	uint8_t		b[PEM_SEED_LEN];
	mpc_status	st;

	st = am_transcript_init(&tr, c->run, c->run_len, round, "unmask", err);
	if (st != MPC_OK)
		return st;
	for (uint32_t k = 0; k < c->parties; k++)
	{
		const uint8_t *m = replies[k];
		uint8_t		d[AM_DIGEST_LEN];

		answered[k] = 0;
		if (m == NULL)
			continue;
		if (!present[k])
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"round %lld holds an unmask reply of party %u, whose vector is missing",
							(long long) round, k + 1);
		if (lens[k] != want || memcmp(m, magic, 4) != 0 || m[4] != PEM_KIND_UNMASK)
			return mpc_fail(err, MPC_ERR_BINARY, "the unmask reply of party %u in round %lld is malformed",
							k + 1, (long long) round);
		if ((int64_t) get64(m + 8) != round)
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"the unmask reply of party %u is from round %lld, not round %lld (a replay)",
							k + 1, (long long) (int64_t) get64(m + 8), (long long) round);
		if (get32(m + 16) != k || get32(m + 20) != c->parties || get32(m + 24) != 0)
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"the unmask reply in place %u of round %lld names another sender or party count",
							k + 1, (long long) round);
		for (uint32_t x = 0; x < c->parties; x++)
		{
			int			w = x == k || !is_active(c, x) ? 0 : present[x] ? PEM_WHAT_SELF : PEM_WHAT_PAIR;

			if (m[PEM_HDR + x] != w)
				return mpc_fail(err, MPC_ERR_CIPHERTEXT,
								"party %u saw another set of round %lld vectors than this party (equivocation)",
								k + 1, (long long) round);
		}
		pem_digest(m, blen, d);
		st = am_transcript_add(&tr, k, d, err);
		if (st != MPC_OK)
			return st;
		if (c->mac != NULL && k != c->self)
		{
			st = am_verify(c->mac[k], c->run, c->run_len, round, k, c->self, "unmask", d,
						   m + blen + (size_t) c->self * AM_TAG_LEN, AM_TAG_LEN, err);
			if (st != MPC_OK)
				return mpc_fail(err, MPC_ERR_CIPHERTEXT,
								"the round %lld unmask reply of party %u fails authentication at party %u (altered or forged)",
								(long long) round, k + 1, c->self + 1);
			st = am_verify(c->mac[k], c->run, c->run_len, round, k, c->self, "confirm", dround,
						   m + blen + (size_t) (c->parties + c->self) * AM_TAG_LEN, AM_TAG_LEN, err);
			if (st != MPC_OK)
				return mpc_fail(err, MPC_ERR_CIPHERTEXT,
								"party %u saw another transcript of round %lld than this party (equivocation)",
								k + 1, (long long) round);
		}
		answered[k] = 1;
	}
	am_transcript_final(&tr, dreplies);
	/* a missing vector: every present party's term with it, from its round key */
	for (uint32_t k = 0; k < c->parties; k++)
	{
		if (!is_active(c, k) || present[k])
			continue;
		for (uint32_t j = 0; j < c->parties; j++)
			if (present[j] && !answered[j])
				return mpc_fail(err, MPC_ERR_CIPHERTEXT,
								"round %lld cannot be recovered: party %u dropped out and party %u, which masked with it, did not answer",
								(long long) round, k + 1, j + 1);
		for (uint32_t j = 0; j < c->parties; j++)
			if (present[j])
				pem_pair_term(replies[j] + PEM_HDR + c->parties + (size_t) k * PEM_SHARE, round, j, k,
						  n, -1, sum);
	}
	/* a present vector: its self mask, rebuilt from the others' shares */
	for (uint32_t k = 0; k < c->parties; k++)
	{
		if (!present[k])
			continue;
		st = rebuild_seed(c, k, replies, answered, b, err);
		if (st != MPC_OK)
			return st;
		pem_self_mask(b, round, n, -1, sum);
		mpc_wipe(b, sizeof(b));
		if (mpc_interrupted())
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
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
