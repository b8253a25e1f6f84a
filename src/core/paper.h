/*
 * paper.h: the authenticated messages of paper-mode private EigenTrust
 * (docs/design.md, "Paper mode").  Parties are numbered 1..np, the key
 * holder or the threshold decryptors np+1..np+nd; the pairwise MAC keys come
 * from authmsg.h (Diffie-Hellman of zerosum.h between pinned identity keys).
 *
 * Run key id: krun = run || "/" || hex(SHA-256(nonce_1 || ... || nonce_{np+nd})),
 * every participant contributing a fresh 32-byte nonce, so no tag of one
 * run is valid in another.
 *
 * Setup digest S: SHA-256 over "mpc_eigentrust paper setup v1", krun, np, nd,
 * need, every identity public key, n, the peers (be64), the hosted mask, the
 * pre-trust (be64), alpha (IEEE bits) and allow_two.  Every tag covers
 * SHA-256(S || body), so a participant that was shown other public inputs
 * than the key holder rejects the key holder's first message.
 *
 * Envelope (big-endian):
 *   0  'P' 'P' 'M' 1    magic, version
 *   4  kind             PP_ROUND (decryptor to parties) or PP_VECTOR (party to decryptors)
 *   5  sender (u32)     participant number
 *   9  round (i64)
 *  17  first (u32)      number of the first receiver
 *  21  ntags (u32)      receivers first .. first + ntags - 1
 *  25  blen (u32)       body length
 *  29  body, then ntags tags of AM_TAG_LEN bytes
 * Tag for receiver x: am_tag(k_{sender,x}, krun, round, sender, x, label, SHA-256(S || body))
 * with label "paper round" or "paper vector".
 */
#ifndef MPC_PAPER_H
#define MPC_PAPER_H

#include <stddef.h>
#include <stdint.h>

#include "authmsg.h"
#include "mpc_common.h"
#include "zerosum.h"
#include "protocol.h"

#define PP_NONCE_LEN	32
#define PP_HDR			29
#define PP_ROUND		1
#define PP_VECTOR		2
#define PP_MAX_PARTS	4096	/* parties plus decryptors */

/* krun from run and nonces[0..count) of PP_NONCE_LEN bytes each. */
mpc_status	pp_krun(const char *run, const uint8_t *nonces, int count,
					char out[AM_MAX_RUN_LEN + 1], mpc_error *err);

typedef struct pp_setup
{
	const char *krun;
	uint32_t	np;				/* parties */
	uint32_t	nd;				/* decryptors (1: a key holder) */
	uint32_t	need;			/* decryptor messages a party needs each round */
	const uint8_t *pubs;		/* (np + nd) * ZS_PUB_LEN identity keys */
	uint32_t	n;				/* peers */
	const int64_t *peers;
	const unsigned char *hmask;
	const int64_t *p;			/* pre-trust at scale PET_SCALE_T */
	double		alpha;
	int			allow_two;
} pp_setup;

void		pp_setup_digest(const pp_setup *s, uint8_t out[AM_DIGEST_LEN]);

/* The pairwise MAC key of participant 'self' (1-based) with 'peer'. */
mpc_status	pp_pair_key(const uint8_t *priv, uint32_t self, uint32_t peer, const uint8_t *pubs,
						const char *krun, uint8_t key[AM_KEY_LEN], mpc_error *err);

size_t		pp_env_size(size_t blen, uint32_t ntags);
/* Write an envelope into out (pp_env_size bytes): header, body and a tag
 * for each receiver first..first+ntags-1 under keys[x - first]. */
mpc_status	pp_env_build(unsigned char *out, int kind, uint32_t sender, int64_t round,
						 uint32_t first, uint32_t ntags, const unsigned char *body, size_t blen,
						 const uint8_t (*keys)[AM_KEY_LEN], const char *krun,
						 const uint8_t setup[AM_DIGEST_LEN], mpc_error *err);

typedef struct pp_env
{
	int			kind;
	uint32_t	sender;
	int64_t		round;
	uint32_t	first;
	uint32_t	ntags;
	const unsigned char *body;
	size_t		blen;
	const unsigned char *tags;
} pp_env;

/*
 * Parse an envelope of 'kind' for 'round' and check the tag for receiver
 * 'self' under key (the key shared with e->sender, looked up by the caller
 * through pp_env_peek).  MPC_ERR_CIPHERTEXT names what is wrong.
 */
mpc_status	pp_env_peek(pp_env *e, const unsigned char *in, size_t len, mpc_error *err);
mpc_status	pp_env_check(const pp_env *e, int kind, int64_t round, uint32_t self,
						 const uint8_t key[AM_KEY_LEN], const char *krun,
						 const uint8_t setup[AM_DIGEST_LEN], mpc_error *err);

/*
 * The body of a round message (decryptor to parties):
 *   kind (1 byte)     PP_BODY_ENC: Enc(t) under a fresh round key (key holder);
 *                     PP_BODY_PLAIN: t in the clear (threshold decryptors)
 *   nlen (u32), n     the round's public key
 *   PP_BODY_ENC:      a ciphertext vector (protocol.h) of Enc(t) at scale PET_SCALE_T
 *   PP_BODY_PLAIN:    count t values, be64 each, at scale PET_SCALE_T
 */
#define PP_BODY_ENC		1
#define PP_BODY_PLAIN	2

typedef struct pp_body
{
	int			kind;
	mpz_t		n;				/* initialised by pp_body_read on success */
	const unsigned char *enc_t;
	size_t		enc_len;
} pp_body;

size_t		pp_body_size(const pai_pub *pk, uint32_t count, int kind);
/* enc_t (PP_BODY_ENC, pet_vec_bytes(pk, count) bytes) or t (PP_BODY_PLAIN) */
mpc_status	pp_body_write(unsigned char *out, const pai_pub *pk, int kind,
						  const unsigned char *enc_t, const int64_t *t, uint32_t count,
						  mpc_error *err);
/* Parse a body of count values; t receives them for PP_BODY_PLAIN. */
mpc_status	pp_body_read(pp_body *b, const unsigned char *in, size_t len, uint32_t count,
						 int64_t *t, mpc_error *err);

#endif
