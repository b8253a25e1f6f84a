/*
 * authmsg.c: pairwise MAC keys, message tags, transcripts and a PRG
 * (authmsg.h).
 */
#include "authmsg.h"

#include <string.h>

static const char key_tag[] = "mpc_eigentrust authmsg key v1";
static const char mac_tag[] = "mpc_eigentrust authmsg v1";
static const char transcript_tag[] = "mpc_eigentrust transcript v1";
static const char prg_tag[] = "mpc_eigentrust authmsg prg v1";

static void
be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t) (v >> 24);
	b[1] = (uint8_t) (v >> 16);
	b[2] = (uint8_t) (v >> 8);
	b[3] = (uint8_t) v;
}

static void
be64(uint8_t *b, uint64_t v)
{
	be32(b, (uint32_t) (v >> 32));
	be32(b + 4, (uint32_t) v);
}

static mpc_status
check_run_label(const char *run, size_t run_len, const char *label, mpc_error *err)
{
	if (run == NULL || run_len == 0 || run_len > AM_MAX_RUN_LEN)
		return mpc_fail(err, MPC_ERR_ARG, "run id must be 1 to %d bytes", AM_MAX_RUN_LEN);
	if (label == NULL || label[0] == '\0' || strlen(label) > AM_MAX_LABEL_LEN)
		return mpc_fail(err, MPC_ERR_ARG, "label must be 1 to %d bytes", AM_MAX_LABEL_LEN);
	return MPC_OK;
}

static void
hmac_lp(hmac_sha256_ctx *h, const void *data, size_t len)
{
	uint8_t		l[4];

	be32(l, (uint32_t) len);
	hmac_sha256_update(h, l, 4);
	hmac_sha256_update(h, data, len);
}

mpc_status
am_derive_key(const uint8_t seed[ZS_SEED_LEN], const char *run, size_t run_len,
			  const char *purpose, uint8_t key[AM_KEY_LEN], mpc_error *err)
{
	hmac_sha256_ctx h;
	mpc_status	st = check_run_label(run, run_len, purpose, err);

	if (st != MPC_OK)
		return st;
	hmac_sha256_init(&h, seed, ZS_SEED_LEN);
	hmac_sha256_update(&h, key_tag, sizeof(key_tag) - 1);
	hmac_lp(&h, run, run_len);
	hmac_lp(&h, purpose, strlen(purpose));
	hmac_sha256_final(&h, key);
	mpc_wipe(&h, sizeof(h));
	return MPC_OK;
}

mpc_status
am_pair_key(const uint8_t *priv, size_t priv_len, const char *self_id, size_t self_id_len,
			const zs_party *peer, const char *run, size_t run_len, const char *purpose,
			uint8_t key[AM_KEY_LEN], mpc_error *err)
{
	uint8_t		seed[ZS_SEED_LEN];
	mpc_status	st = check_run_label(run, run_len, purpose, err);

	if (st == MPC_OK)
		st = zs_pair_seed(priv, priv_len, self_id, self_id_len, peer, AM_SEED_ROUND, seed, err);
	if (st == MPC_OK)
		st = am_derive_key(seed, run, run_len, purpose, key, err);
	mpc_wipe(seed, sizeof(seed));
	return st;
}

void
am_digest(const void *payload, size_t len, uint8_t digest[AM_DIGEST_LEN])
{
	sha256(payload, len, digest);
}

mpc_status
am_tag(const uint8_t key[AM_KEY_LEN], const char *run, size_t run_len, int64_t round,
	   uint32_t sender, uint32_t receiver, const char *label,
	   const uint8_t digest[AM_DIGEST_LEN], uint8_t tag[AM_TAG_LEN], mpc_error *err)
{
	hmac_sha256_ctx h;
	uint8_t		b[16];
	mpc_status	st = check_run_label(run, run_len, label, err);

	if (st != MPC_OK)
		return st;
	hmac_sha256_init(&h, key, AM_KEY_LEN);
	hmac_sha256_update(&h, mac_tag, sizeof(mac_tag) - 1);
	hmac_lp(&h, run, run_len);
	be64(b, (uint64_t) round);
	be32(b + 8, sender);
	be32(b + 12, receiver);
	hmac_sha256_update(&h, b, 16);
	hmac_lp(&h, label, strlen(label));
	hmac_sha256_update(&h, digest, AM_DIGEST_LEN);
	hmac_sha256_final(&h, tag);
	mpc_wipe(&h, sizeof(h));
	return MPC_OK;
}

int
am_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a;
	const volatile uint8_t *y = b;
	uint8_t		d = 0;

	for (size_t i = 0; i < len; i++)
		d |= (uint8_t) (x[i] ^ y[i]);
	return (int) (1 & ((uint32_t) (d - 1) >> 8));
}

mpc_status
am_verify(const uint8_t key[AM_KEY_LEN], const char *run, size_t run_len, int64_t round,
		  uint32_t sender, uint32_t receiver, const char *label,
		  const uint8_t digest[AM_DIGEST_LEN], const uint8_t *tag, size_t tag_len,
		  mpc_error *err)
{
	uint8_t		want[AM_TAG_LEN];
	mpc_status	st;
	int			ok;

	if (tag == NULL || tag_len != AM_TAG_LEN)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT,
						"message %s from party %u to party %u in round %lld has no valid tag",
						label ? label : "?", sender, receiver, (long long) round);
	st = am_tag(key, run, run_len, round, sender, receiver, label, digest, want, err);
	if (st != MPC_OK)
		return st;
	ok = am_ct_equal(want, tag, AM_TAG_LEN);
	mpc_wipe(want, sizeof(want));
	if (!ok)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT,
						"message %s from party %u to party %u in round %lld fails authentication",
						label, sender, receiver, (long long) round);
	return MPC_OK;
}

mpc_status
am_transcript_init(am_transcript *t, const char *run, size_t run_len, int64_t round,
				   const char *label, mpc_error *err)
{
	uint8_t		b[8];
	uint8_t		l[4];
	mpc_status	st = check_run_label(run, run_len, label, err);

	if (st != MPC_OK)
		return st;
	sha256_init(&t->c);
	sha256_update(&t->c, transcript_tag, sizeof(transcript_tag) - 1);
	be32(l, (uint32_t) run_len);
	sha256_update(&t->c, l, 4);
	sha256_update(&t->c, run, run_len);
	be64(b, (uint64_t) round);
	sha256_update(&t->c, b, 8);
	be32(l, (uint32_t) strlen(label));
	sha256_update(&t->c, l, 4);
	sha256_update(&t->c, label, strlen(label));
	t->last_sender = -1;
	return MPC_OK;
}

mpc_status
am_transcript_add(am_transcript *t, uint32_t sender, const uint8_t digest[AM_DIGEST_LEN],
				  mpc_error *err)
{
	uint8_t		b[4];

	if ((int64_t) sender <= t->last_sender)
		return mpc_fail(err, MPC_ERR_ARG, "transcript senders must be strictly increasing");
	be32(b, sender);
	sha256_update(&t->c, b, 4);
	sha256_update(&t->c, digest, AM_DIGEST_LEN);
	t->last_sender = sender;
	return MPC_OK;
}

void
am_transcript_final(am_transcript *t, uint8_t out[AM_DIGEST_LEN])
{
	sha256_final(&t->c, out);
}

void
am_prg_fill(const uint8_t key[AM_KEY_LEN], int64_t round, uint64_t tweak, uint64_t first,
			size_t count, uint64_t *out)
{
	sha256_ctx	base,
				c;
	uint8_t		b[16];
	uint8_t		blk[SHA256_DIGEST_LEN];
	uint64_t	block = first / 4;
	size_t		w = (size_t) (first % 4);
	size_t		done = 0;

	/* the prefix is the same for every block: hash it once, copy the state */
	sha256_init(&base);
	sha256_update(&base, prg_tag, sizeof(prg_tag) - 1);
	sha256_update(&base, key, AM_KEY_LEN);
	be64(b, (uint64_t) round);
	be64(b + 8, tweak);
	sha256_update(&base, b, 16);
	while (done < count)
	{
		c = base;
		be64(b, block);
		sha256_update(&c, b, 8);
		sha256_final(&c, blk);
		for (; w < 4 && done < count; w++)
		{
			const uint8_t *p = blk + 8 * w;

			out[done++] = ((uint64_t) p[0] << 56) | ((uint64_t) p[1] << 48) |
				((uint64_t) p[2] << 40) | ((uint64_t) p[3] << 32) |
				((uint64_t) p[4] << 24) | ((uint64_t) p[5] << 16) |
				((uint64_t) p[6] << 8) | (uint64_t) p[7];
		}
		w = 0;
		block++;
	}
	mpc_wipe(blk, sizeof(blk));
	mpc_wipe(&base, sizeof(base));
	mpc_wipe(&c, sizeof(c));
}
