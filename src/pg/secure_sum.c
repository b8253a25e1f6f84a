/*
 * secure_sum.c: SQL glue for the sealed messages of secure sums
 * (src/sql/62_secure_sum.sql).
 *
 * At setup each party of a secure sum hands every other party Shamir shares
 * of its per-run mask key and self-mask.  They travel through the
 * coordinator, which must neither read nor alter them.  A sealed message from
 * party 'self' to party 'peer' is
 *
 *   E || tag,   E = secret XOR am_prg(k_enc),  tag = am_tag(k_mac, digest(public || E))
 *
 * with k_enc and k_mac derived (authmsg.h) from the Diffie-Hellman seed of
 * the two parties' long-term identity keys for the run, 'public' a part the
 * receiver already has (the sender's per-run public key) that the tag binds,
 * and the stream tweak the direction (sender, receiver).  One label is
 * sealed once per direction and run, so a key stream is never reused.
 */
#include "postgres.h"

#include <string.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "mpc_pg.h"
#include "authmsg.h"
#include "zerosum.h"

#define SS_MAX_SECRET 4096		/* bytes of a sealed secret */

typedef struct ss_keys
{
	uint8_t		mac[AM_KEY_LEN];
	uint8_t		enc[AM_KEY_LEN];
} ss_keys;

static void
ss_check_index(int32 v, const char *what, const char *name)
{
	if (v < 1 || v > ZS_MAX_PARTIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %s must be between 1 and %d, not %d", what, name,
						ZS_MAX_PARTIES, v)));
}

/* The run id and label as C strings, checked. */
static char *
ss_label(text *t, const char *what)
{
	char	   *s = text_to_cstring(t);

	if (s[0] == '\0' || strlen(s) > AM_MAX_LABEL_LEN - 16)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: label must be 1 to %d bytes", what, AM_MAX_LABEL_LEN - 16)));
	return s;
}

/* MAC and stream keys of the pair (self, peer) for run and label. */
static void
ss_derive(bytea *priv, int32 self, int32 peer, bytea *peer_pub, text *run,
		  const char *label, ss_keys *keys, const char *what)
{
	char		self_id[16],
				peer_id[16],
				purpose[AM_MAX_LABEL_LEN + 1];
	zs_party	p;
	uint8_t		seed[ZS_SEED_LEN];
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	ss_check_index(self, what, "self");
	ss_check_index(peer, what, "peer");
	if (self == peer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a party does not seal messages to itself", what)));
	if (VARSIZE_ANY_EXHDR(run) == 0 || VARSIZE_ANY_EXHDR(run) > AM_MAX_RUN_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: run id must be 1 to %d bytes", what, AM_MAX_RUN_LEN)));
	snprintf(self_id, sizeof(self_id), "%d", self);
	snprintf(peer_id, sizeof(peer_id), "%d", peer);
	p.id = peer_id;
	p.id_len = strlen(peer_id);
	p.pub = (const uint8_t *) VARDATA_ANY(peer_pub);
	p.pub_len = VARSIZE_ANY_EXHDR(peer_pub);
	CORE_CALL(st, zs_pair_seed((const uint8_t *) VARDATA_ANY(priv), VARSIZE_ANY_EXHDR(priv),
							   self_id, strlen(self_id), &p, AM_SEED_ROUND, seed, &err));
	if (st == MPC_OK)
	{
		snprintf(purpose, sizeof(purpose), "ssum mac %s", label);
		st = am_derive_key(seed, VARDATA_ANY(run), VARSIZE_ANY_EXHDR(run), purpose,
						   keys->mac, &err);
	}
	if (st == MPC_OK)
	{
		snprintf(purpose, sizeof(purpose), "ssum enc %s", label);
		st = am_derive_key(seed, VARDATA_ANY(run), VARSIZE_ANY_EXHDR(run), purpose,
						   keys->enc, &err);
	}
	mpc_wipe(seed, sizeof(seed));
	if (st != MPC_OK)
	{
		mpc_wipe(keys, sizeof(*keys));
		mpc_raise(&err, what);
	}
}

/* XOR len bytes of buf with the stream of key for direction (sender, receiver). */
static void
ss_stream(const uint8_t key[AM_KEY_LEN], int32 sender, int32 receiver, uint8_t *buf, size_t len)
{
	size_t		words = (len + 7) / 8,
				i;
	uint64_t   *ks = mpc_secret_alloc(words * sizeof(uint64_t));

	am_prg_fill(key, 0, ((uint64_t) (uint32_t) sender << 32) | (uint32_t) receiver, 0, words, ks);
	for (i = 0; i < len; i++)
		buf[i] ^= (uint8_t) (ks[i / 8] >> (56 - 8 * (i % 8)));
	mpc_secret_free(ks);
}

/* SHA-256 of public || body. */
static void
ss_digest(bytea *pub, const uint8_t *body, size_t len, uint8_t digest[AM_DIGEST_LEN])
{
	sha256_ctx	c;

	sha256_init(&c);
	sha256_update(&c, VARDATA_ANY(pub), VARSIZE_ANY_EXHDR(pub));
	sha256_update(&c, body, len);
	sha256_final(&c, digest);
}

/*
 * secure_sum_seal(private_key bytea, self integer, peer integer,
 *                 peer_public_key bytea, run_id text, label text,
 *                 public_part bytea, secret bytea) RETURNS bytea
 */
MPC_FUNCTION(secure_sum_seal)
{
	bytea	   *priv = PG_GETARG_BYTEA_PP(0);
	int32		self = PG_GETARG_INT32(1);
	int32		peer = PG_GETARG_INT32(2);
	bytea	   *peer_pub = PG_GETARG_BYTEA_PP(3);
	text	   *run = PG_GETARG_TEXT_PP(4);
	char	   *label = ss_label(PG_GETARG_TEXT_PP(5), "secure_sum_seal");
	bytea	   *pub = PG_GETARG_BYTEA_PP(6);
	bytea	   *secret = PG_GETARG_BYTEA_PP(7);
	size_t		len = VARSIZE_ANY_EXHDR(secret);
	ss_keys		keys;
	uint8_t		digest[AM_DIGEST_LEN];
	bytea	   *res;
	uint8_t    *body;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	if (len > SS_MAX_SECRET)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("secure_sum_seal: a secret may have at most %d bytes, not %zu",
						SS_MAX_SECRET, len)));
	ss_derive(priv, self, peer, peer_pub, run, label, &keys, "secure_sum_seal");
	res = palloc(VARHDRSZ + len + AM_TAG_LEN);
	SET_VARSIZE(res, VARHDRSZ + len + AM_TAG_LEN);
	body = (uint8_t *) VARDATA(res);
	memcpy(body, VARDATA_ANY(secret), len);
	ss_stream(keys.enc, self, peer, body, len);
	ss_digest(pub, body, len, digest);
	st = am_tag(keys.mac, VARDATA_ANY(run), VARSIZE_ANY_EXHDR(run), 0, (uint32_t) self,
				(uint32_t) peer, label, digest, body + len, &err);
	mpc_wipe(&keys, sizeof(keys));
	if (st != MPC_OK)
		mpc_raise(&err, "secure_sum_seal");
	PG_RETURN_BYTEA_P(res);
}

/*
 * secure_sum_open(private_key bytea, self integer, peer integer,
 *                 peer_public_key bytea, run_id text, label text,
 *                 public_part bytea, sealed bytea) RETURNS bytea
 *
 * self is the receiver, peer the sender.
 */
MPC_FUNCTION(secure_sum_open)
{
	bytea	   *priv = PG_GETARG_BYTEA_PP(0);
	int32		self = PG_GETARG_INT32(1);
	int32		peer = PG_GETARG_INT32(2);
	bytea	   *peer_pub = PG_GETARG_BYTEA_PP(3);
	text	   *run = PG_GETARG_TEXT_PP(4);
	char	   *label = ss_label(PG_GETARG_TEXT_PP(5), "secure_sum_open");
	bytea	   *pub = PG_GETARG_BYTEA_PP(6);
	bytea	   *sealed = PG_GETARG_BYTEA_PP(7);
	size_t		total = VARSIZE_ANY_EXHDR(sealed),
				len;
	const uint8_t *in = (const uint8_t *) VARDATA_ANY(sealed);
	ss_keys		keys;
	uint8_t		digest[AM_DIGEST_LEN];
	bytea	   *res;
	mpc_error	err = {MPC_OK, ""};
	mpc_status	st;

	if (total < AM_TAG_LEN || total > SS_MAX_SECRET + AM_TAG_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("secure_sum_open: a sealed message from party %d has %zu bytes", peer, total),
				 errdetail("A sealed message has %d to %d bytes.", AM_TAG_LEN,
						   SS_MAX_SECRET + AM_TAG_LEN)));
	len = total - AM_TAG_LEN;
	ss_derive(priv, self, peer, peer_pub, run, label, &keys, "secure_sum_open");
	ss_digest(pub, in, len, digest);
	/* the tag was made by peer for self */
	st = am_verify(keys.mac, VARDATA_ANY(run), VARSIZE_ANY_EXHDR(run), 0, (uint32_t) peer,
				   (uint32_t) self, label, digest, in + len, AM_TAG_LEN, &err);
	if (st != MPC_OK)
	{
		mpc_wipe(&keys, sizeof(keys));
		mpc_raise(&err, "secure_sum_open");
	}
	res = palloc(VARHDRSZ + len);
	SET_VARSIZE(res, VARHDRSZ + len);
	memcpy(VARDATA(res), in, len);
	ss_stream(keys.enc, peer, self, (uint8_t *) VARDATA(res), len);
	mpc_wipe(&keys, sizeof(keys));
	PG_RETURN_BYTEA_P(res);
}
