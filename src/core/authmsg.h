/*
 * authmsg.h: authenticated messages between parties that talk through a
 * relay (a coordinator) they do not trust.
 *
 * Every pair of parties (i, j) shares a seed s_ij from zerosum.h's
 * Diffie-Hellman agreement (zs_pair_seed).  From it, per run, two keys:
 *
 *   k_ij  = HMAC-SHA256(s_ij, "mpc_eigentrust authmsg key v1" || lp(run) || lp(purpose))
 *
 * with purpose "mac" for message authentication and "prg" for mask
 * expansion (am_prg_*), and lp(x) a 4-byte big-endian length then the bytes.
 * Both parties of a pair derive the same key; the relay cannot.
 *
 * A message from 'sender' to 'receiver' carries
 *
 *   tag = HMAC-SHA256(k_ij, "mpc_eigentrust authmsg v1" || lp(run) || be64(round)
 *                     || be32(sender) || be32(receiver) || lp(label) || digest)
 *
 * with digest = SHA-256(payload).  Hashing the payload once lets a party tag
 * one large payload for many receivers cheaply.  Binding the run, round,
 * direction and label means a tag cannot be replayed into another run,
 * round, direction or message kind.  Tags are checked in constant time.
 *
 * The transcript digest of a round is SHA-256 over
 *   "mpc_eigentrust transcript v1" || lp(run) || be64(round) || lp(label)
 *   || for each message in sender order: be32(sender) || SHA-256(payload)
 * Parties confirm it to each other (a message with label "confirm" whose
 * payload is the digest), so a relay that showed two parties different
 * messages is caught.
 *
 * This API is stable: other modules (secure sums, PSI) build on it.
 */
#ifndef MPC_AUTHMSG_H
#define MPC_AUTHMSG_H

#include <stddef.h>
#include <stdint.h>

#include "mpc_common.h"
#include "sha256.h"
#include "zerosum.h"

#define AM_KEY_LEN		32
#define AM_TAG_LEN		32
#define AM_DIGEST_LEN	32
#define AM_MAX_RUN_LEN	256		/* bytes of a run id */
#define AM_MAX_LABEL_LEN 64		/* bytes of a label */

/* The round of zs_pair_seed that authmsg keys are derived from: seeds are
 * agreed once per run, rounds are bound into each tag instead. */
#define AM_SEED_ROUND	(-1)

/*
 * k_ij for run 'run' and 'purpose' ("mac" or "prg", or another short word)
 * from the pairwise seed.  Both parties of the pair get the same key.
 */
mpc_status	am_derive_key(const uint8_t seed[ZS_SEED_LEN], const char *run, size_t run_len,
						  const char *purpose, uint8_t key[AM_KEY_LEN], mpc_error *err);

/*
 * The same from a private key and the peer's id and public key: runs the
 * Diffie-Hellman agreement of zerosum.h (round AM_SEED_ROUND) and derives.
 */
mpc_status	am_pair_key(const uint8_t *priv, size_t priv_len, const char *self_id,
						size_t self_id_len, const zs_party *peer, const char *run,
						size_t run_len, const char *purpose, uint8_t key[AM_KEY_LEN],
						mpc_error *err);

/* SHA-256 of a payload (what tags and transcripts cover). */
void		am_digest(const void *payload, size_t len, uint8_t digest[AM_DIGEST_LEN]);

/* The tag of a message whose payload has SHA-256 'digest'. */
mpc_status	am_tag(const uint8_t key[AM_KEY_LEN], const char *run, size_t run_len,
				   int64_t round, uint32_t sender, uint32_t receiver, const char *label,
				   const uint8_t digest[AM_DIGEST_LEN], uint8_t tag[AM_TAG_LEN],
				   mpc_error *err);

/*
 * MPC_OK when tag is the tag of that message, else MPC_ERR_CIPHERTEXT with
 * a message naming the sender, receiver, round and label (never the key or
 * the tag).  The comparison runs in constant time.
 */
mpc_status	am_verify(const uint8_t key[AM_KEY_LEN], const char *run, size_t run_len,
					  int64_t round, uint32_t sender, uint32_t receiver, const char *label,
					  const uint8_t digest[AM_DIGEST_LEN], const uint8_t *tag, size_t tag_len,
					  mpc_error *err);

/* 1 when a[0..len) == b[0..len), in time that depends on len only. */
int			am_ct_equal(const void *a, const void *b, size_t len);

/* Transcript digest of one round, messages added in sender order. */
typedef struct am_transcript
{
	sha256_ctx	c;
	int64_t		last_sender;
} am_transcript;

mpc_status	am_transcript_init(am_transcript *t, const char *run, size_t run_len,
							   int64_t round, const char *label, mpc_error *err);
/* Senders must come in strictly increasing order. */
mpc_status	am_transcript_add(am_transcript *t, uint32_t sender,
							  const uint8_t digest[AM_DIGEST_LEN], mpc_error *err);
void		am_transcript_final(am_transcript *t, uint8_t out[AM_DIGEST_LEN]);

/*
 * A PRG of 64-bit words: word k of stream (key, round, tweak) is read from
 * SHA-256("mpc_eigentrust authmsg prg v1" || key || be64(round) || be64(tweak)
 * || be64(k / 4)), bytes 8 (k mod 4) .. +8, big-endian.  am_prg_fill writes
 * words first .. first + count - 1.
 */
void		am_prg_fill(const uint8_t key[AM_KEY_LEN], int64_t round, uint64_t tweak,
						uint64_t first, size_t count, uint64_t *out);

#endif
