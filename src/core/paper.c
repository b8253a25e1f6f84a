/*
 * paper.c: see paper.h.
 */
#include "paper.h"

#include <stdio.h>
#include <string.h>

#include "serial.h"
#include "sha256.h"

static void
put32(unsigned char *p, uint32_t v)
{
	for (int k = 3; k >= 0; k--, v >>= 8)
		p[k] = (unsigned char) v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int k = 7; k >= 0; k--, v >>= 8)
		p[k] = (unsigned char) v;
}

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

static uint64_t
get64(const unsigned char *p)
{
	return ((uint64_t) get32(p) << 32) | get32(p + 4);
}

static void
hash32(sha256_ctx *h, uint32_t v)
{
	unsigned char b[4];

	put32(b, v);
	sha256_update(h, b, 4);
}

static void
hash64(sha256_ctx *h, uint64_t v)
{
	unsigned char b[8];

	put64(b, v);
	sha256_update(h, b, 8);
}

mpc_status
pp_krun(const char *run, const uint8_t *nonces, int count, char out[AM_MAX_RUN_LEN + 1],
		mpc_error *err)
{
	sha256_ctx	h;
	uint8_t		d[SHA256_DIGEST_LEN];
	size_t		rl = strlen(run);

	if (rl < 1 || rl + 1 + 2 * SHA256_DIGEST_LEN > AM_MAX_RUN_LEN)
		return mpc_fail(err, MPC_ERR_ARG, "run id must be 1 to %d bytes",
						AM_MAX_RUN_LEN - 1 - 2 * SHA256_DIGEST_LEN);
	sha256_init(&h);
	sha256_update(&h, nonces, (size_t) count * PP_NONCE_LEN);
	sha256_final(&h, d);
	memcpy(out, run, rl);
	out[rl] = '/';
	for (int k = 0; k < SHA256_DIGEST_LEN; k++)
		snprintf(out + rl + 1 + 2 * k, 3, "%02x", d[k]);
	return MPC_OK;
}

void
pp_setup_digest(const pp_setup *s, uint8_t out[AM_DIGEST_LEN])
{
	static const char tag[] = "mpc_eigentrust paper setup v1";
	sha256_ctx	h;
	uint64_t	ab;

	sha256_init(&h);
	sha256_update(&h, tag, sizeof(tag) - 1);
	hash32(&h, (uint32_t) strlen(s->krun));
	sha256_update(&h, s->krun, strlen(s->krun));
	hash32(&h, s->np);
	hash32(&h, s->nd);
	hash32(&h, s->need);
	sha256_update(&h, s->pubs, (size_t) (s->np + s->nd) * ZS_PUB_LEN);
	hash32(&h, s->n);
	for (uint32_t j = 0; j < s->n; j++)
		hash64(&h, (uint64_t) s->peers[j]);
	sha256_update(&h, s->hmask, s->n);
	for (uint32_t j = 0; j < s->n; j++)
		hash64(&h, (uint64_t) s->p[j]);
	memcpy(&ab, &s->alpha, sizeof(ab));
	hash64(&h, ab);
	hash32(&h, (uint32_t) (s->allow_two != 0));
	sha256_final(&h, out);
}

mpc_status
pp_pair_key(const uint8_t *priv, uint32_t self, uint32_t peer, const uint8_t *pubs,
			const char *krun, uint8_t key[AM_KEY_LEN], mpc_error *err)
{
	char		sid[12],
				pid[12];
	zs_party	other;

	snprintf(sid, sizeof(sid), "%u", self);
	snprintf(pid, sizeof(pid), "%u", peer);
	other.id = pid;
	other.id_len = strlen(pid);
	other.pub = pubs + (size_t) (peer - 1) * ZS_PUB_LEN;
	other.pub_len = ZS_PUB_LEN;
	return am_pair_key(priv, ZS_PRIV_LEN, sid, strlen(sid), &other, krun, strlen(krun),
					   "paper mac", key, err);
}

static void
env_digest(const uint8_t setup[AM_DIGEST_LEN], const unsigned char *body, size_t blen,
		   uint8_t d[AM_DIGEST_LEN])
{
	sha256_ctx	h;

	sha256_init(&h);
	sha256_update(&h, setup, AM_DIGEST_LEN);
	sha256_update(&h, body, blen);
	sha256_final(&h, d);
}

static const char *
env_label(int kind)
{
	return kind == PP_ROUND ? "paper round" : "paper vector";
}

size_t
pp_env_size(size_t blen, uint32_t ntags)
{
	return PP_HDR + blen + (size_t) ntags * AM_TAG_LEN;
}

mpc_status
pp_env_build(unsigned char *out, int kind, uint32_t sender, int64_t round, uint32_t first,
			 uint32_t ntags, const unsigned char *body, size_t blen,
			 const uint8_t (*keys)[AM_KEY_LEN], const char *krun,
			 const uint8_t setup[AM_DIGEST_LEN], mpc_error *err)
{
	uint8_t		d[AM_DIGEST_LEN];
	unsigned char *tags = out + PP_HDR + blen;

	if (blen > UINT32_MAX)
		return mpc_fail(err, MPC_ERR_ARG, "message body too large");
	memcpy(out, "PPM\1", 4);
	out[4] = (unsigned char) kind;
	put32(out + 5, sender);
	put64(out + 9, (uint64_t) round);
	put32(out + 17, first);
	put32(out + 21, ntags);
	put32(out + 25, (uint32_t) blen);
	memcpy(out + PP_HDR, body, blen);
	env_digest(setup, body, blen, d);
	for (uint32_t x = 0; x < ntags; x++)
	{
		mpc_status	st = am_tag(keys[x], krun, strlen(krun), round, sender, first + x,
								env_label(kind), d, tags + (size_t) x * AM_TAG_LEN, err);

		if (st != MPC_OK)
			return st;
	}
	return MPC_OK;
}

mpc_status
pp_env_peek(pp_env *e, const unsigned char *in, size_t len, mpc_error *err)
{
	if (len < PP_HDR || memcmp(in, "PPM\1", 4) != 0)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "not a paper-mode message");
	e->kind = in[4];
	e->sender = get32(in + 5);
	e->round = (int64_t) get64(in + 9);
	e->first = get32(in + 17);
	e->ntags = get32(in + 21);
	e->blen = get32(in + 25);
	if (e->ntags > PP_MAX_PARTS ||
		(uint64_t) len != PP_HDR + (uint64_t) e->blen + (uint64_t) e->ntags * AM_TAG_LEN)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "paper-mode message length does not match its header");
	e->body = in + PP_HDR;
	e->tags = in + PP_HDR + e->blen;
	return MPC_OK;
}

mpc_status
pp_env_check(const pp_env *e, int kind, int64_t round, uint32_t self,
			 const uint8_t key[AM_KEY_LEN], const char *krun,
			 const uint8_t setup[AM_DIGEST_LEN], mpc_error *err)
{
	uint8_t		d[AM_DIGEST_LEN];

	if (e->kind != kind)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "message from participant %u is a %s, not a %s",
						e->sender, env_label(e->kind == PP_ROUND ? PP_ROUND : PP_VECTOR),
						env_label(kind));
	if (e->round != round)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT,
						"message from participant %u is for round %lld, not round %lld",
						e->sender, (long long) e->round, (long long) round);
	if (self < e->first || self - e->first >= e->ntags)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT,
						"message from participant %u carries no tag for participant %u",
						e->sender, self);
	env_digest(setup, e->body, e->blen, d);
	return am_verify(key, krun, strlen(krun), round, e->sender, self, env_label(kind), d,
					 e->tags + (size_t) (self - e->first) * AM_TAG_LEN, AM_TAG_LEN, err);
}

size_t
pp_body_size(const pai_pub *pk, uint32_t count, int kind)
{
	size_t		rest = kind == PP_BODY_ENC ? pet_vec_bytes(pk, count) : (size_t) count * 8;

	return 1 + 4 + pk->nbytes + rest;
}

mpc_status
pp_body_write(unsigned char *out, const pai_pub *pk, int kind, const unsigned char *enc_t,
			  const int64_t *t, uint32_t count, mpc_error *err)
{
	mpc_status	st;

	out[0] = (unsigned char) kind;
	put32(out + 1, (uint32_t) pk->nbytes);
	if ((st = ser_to_bytes_fixed(pk->n, out + 5, pk->nbytes, err)) != MPC_OK)
		return st;
	out += 5 + pk->nbytes;
	if (kind == PP_BODY_ENC)
		memcpy(out, enc_t, pet_vec_bytes(pk, count));
	else
		for (uint32_t j = 0; j < count; j++)
			put64(out + 8 * (size_t) j, (uint64_t) t[j]);
	return MPC_OK;
}

mpc_status
pp_body_read(pp_body *b, const unsigned char *in, size_t len, uint32_t count, int64_t *t,
			 mpc_error *err)
{
	uint32_t	nlen;
	size_t		rest;

	if (len < 5 || (in[0] != PP_BODY_ENC && in[0] != PP_BODY_PLAIN))
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "malformed round message body");
	b->kind = in[0];
	nlen = get32(in + 1);
	if (nlen == 0 || nlen > len - 5)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "malformed round message body");
	rest = len - 5 - nlen;
	if (b->kind == PP_BODY_PLAIN && rest != (size_t) count * 8)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "the round message holds %zu bytes of t for %u peers",
						rest, count);
	mpz_init(b->n);
	ser_from_bytes(b->n, in + 5, nlen);
	b->enc_t = in + 5 + nlen;
	b->enc_len = rest;
	if (b->kind == PP_BODY_PLAIN)
		for (uint32_t j = 0; j < count; j++)
			t[j] = (int64_t) get64(b->enc_t + 8 * (size_t) j);
	return MPC_OK;
}
