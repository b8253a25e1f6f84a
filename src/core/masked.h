/*
 * masked.h: private EigenTrust without a key holder (mode 'masked',
 * docs/design.md "Masked mode").
 *
 * Each round every party publishes y_i = u_i + m_i mod 2^64 where u_i[j] is
 * its partial sum sum_{a hosted by i} t_a c_aj (dangling rows: t_a p_j) at
 * decimal scale PET_SCALE_U, and m_i the zero-sum mask
 *   m_i[j] = sum_{k > i} PRG(prg_ik, round, j) - sum_{k < i} PRG(prg_ik, round, j)
 * with prg_ik the pairwise PRG key of authmsg.h (the PRG: ChaCha20, see
 * mask_add in masked_mask.c).  The masks of all parties
 * cancel, so sum_i y_i = sum_i u_i mod 2^64, exact because the true sum is
 * below 2^63.
 *
 * Double masking (Bonawitz et al., CCS 2017) makes a dropout recoverable:
 * besides the pairwise masks (over the round's active parties only, from the
 * round key rk_ik = HMAC(prg_ik, "round key" || round)), each party adds a
 * self mask PRG(b_i, round) with b_i fresh each round, and Shamir-shares b_i
 * (threshold pem_threshold(P)) inside its round message, each share
 * encrypted to its recipient.  After the round's vectors, each party answers
 * with an unmask reply (kind 3): for every other party k whose vector it saw,
 * its share of b_k; for every active party k whose vector is missing, its own
 * round key rk_ik with k.  Never both for one k (the glue enforces it per
 * run).  The sum of the present vectors minus the rebuilt self masks minus
 * the survivors' terms with the missing parties is the sum of the present
 * parties' partial sums.
 *
 * Messages, all integers big-endian; every header is
 *    0  'P' 'E' 'M' 1
 *    4  kind (1: round vector, 2: final confirmation, 3: unmask reply), 3 zero bytes
 *    8  round (int64)
 *   16  sender (uint32, 0-based party index)
 *   20  parties P (uint32)
 *   24  n (uint32, 0 in kinds 2 and 3)
 * kind 1:
 *   28  y[n] (uint64 each)
 *       active[P]: 1 for the parties the sender masked with (its view of the
 *       round's active set), else 0
 *       shares[P][PEM_SHARE]: share k of b_sender, XOR a keystream of the pair
 *       key enc_{sender,k} (zero for the sender and inactive parties)
 *       vtags[P][32]: tag to party k of (round, label "vec") over the vector
 *       digest (pem_vec_digest) of everything above
 *       ctags[P][32]: tag to party k of (round - 1, label "confirm") over the
 *       digest the sender saw last (D_0 in round 1, then E_{round-1})
 * kind 3:
 *   28  what[P]: 0 nothing, 1 a share of b_k, 2 the round key with k
 *       vals[P][PEM_SHARE]: the share, or the key then zeros
 *       check[16]: a_sender = <r, y_sender> mod 2^127 - 1 (big-endian), the
 *       sum check below
 *       vtags[P][32]: (round, label "unmask") over pem_digest of the above
 *       ctags[P][32]: (round, label "confirm") over D_round
 * kind 2: ctags[P][32]: (round - 1, label "confirm") over E_{round-1}
 * The sender's own slots are zero.  D_0 is the setup digest
 * (pem_setup_digest); E_r the transcript (round r, label "unmask") of the
 * replies.
 *
 * The digest a vector tag covers is BLAKE2b-256(header || BLAKE2b-256(y) ||
 * active || shares) (pem_vec_digest), so that a vector's head (kind 1
 * with y replaced by its 32-byte digest: pem_head_len bytes) carries
 * everything a party checks but y.  The coordinator relays each round as the
 * P heads and one sum message (kind 4, sender 0xffffffff, n peers):
 *   28  lo[n] (uint64 each), then carry[n] (uint16 each)
 * where S'_j = carry_j 2^64 + lo_j = sum of the present y_i[j], exact (each
 * carry below P).  A party takes lo = S' mod 2^64 as the masked sum, but only
 * after the sum check: D_r = BLAKE2b-256("mpc_eigentrust masked sum v1" ||
 * V_r || BLAKE2b-256(sum message)) with V_r the authmsg transcript (round r,
 * label "vec") of the present vectors' digests in sender order; r_j (127
 * bits each) is the ChaCha20 keystream under D_r; every party confirms D_r in
 * its reply, states a_i = <r, y_i> over its own vector, and checks
 * sum_i a_i = <r, S'> mod 2^127 - 1 before it derives t.  A wrong S' (every
 * |S'_j - sum y_ij| < 2^75 < q) passes with probability 2^-127.
 */
#ifndef MPC_MASKED_H
#define MPC_MASKED_H

#include <stddef.h>
#include <stdint.h>

#include "authmsg.h"
#include "mpc_common.h"
#include "protocol.h"

#define PEM_HDR			28
#define PEM_KIND_ROUND	1
#define PEM_KIND_FINAL	2
#define PEM_KIND_UNMASK	3
#define PEM_KIND_SUM	4		/* the coordinator's exact sum of a round */
#define PEM_CHECK		16		/* a sum check value mod 2^127 - 1 */
#define PEM_FROM_COORD	0xffffffffu	/* the sender of a sum message */
#define PEM_MAX_PARTIES	1000
#define PEM_SHARE		66		/* SHAMIR_Y_BYTES: one share of a self-mask seed */
#define PEM_SEED_LEN	32		/* a self-mask seed b_i, a round key rk_ik */
#define PEM_WHAT_SELF	1
#define PEM_WHAT_PAIR	2

/* What a party (or, with no keys, the coordinator) knows of a run. */
typedef struct pem_ctx
{
	const char *run;
	size_t		run_len;
	uint32_t	parties;
	uint32_t	self;			/* the party's index; ignored without keys */
	const uint8_t (*mac)[AM_KEY_LEN];	/* parties entries, or NULL */
	const uint8_t (*prg)[AM_KEY_LEN];
	const uint8_t (*enc)[AM_KEY_LEN];	/* share encryption keys, or NULL */
	const unsigned char *active;	/* parties entries: the round's active set; NULL: all */
} pem_ctx;

/*
 * The Shamir threshold of the self-mask shares for P parties:
 * max(2, ceil(P / 2)), and 1 for P = 2 (where each party learns the other's
 * partial sums anyway).  Rebuilding b_k needs that many shares from parties
 * other than k; a coalition of fewer parties learns nothing of b_k.
 */
uint32_t	pem_threshold(uint32_t parties);

/* rk = HMAC-SHA256(prg, "mpc_eigentrust masked round key v1" || be64(round)) */
void		pem_round_key(const uint8_t prg[AM_KEY_LEN], int64_t round, uint8_t rk[PEM_SEED_LEN]);

/* y += PRG(b, round) (sign > 0) or y -= it (sign < 0), mod 2^64; the mask
 * PRG is ChaCha20 (masked_mask.c, docs/design.md) */
void		pem_self_mask(const uint8_t b[PEM_SEED_LEN], int64_t round, uint32_t n, int sign,
						  uint64_t *y);

/*
 * The digest of a message or message body that tags and transcripts cover:
 * BLAKE2b-256 (libsodium's crypto_generichash, no key), about 4 times the
 * speed of the core's SHA-256 on the 800 kB vectors of a 100,000-peer round.
 */
void		pem_digest(const void *msg, size_t len, uint8_t d[AM_DIGEST_LEN]);

/* Bytes of a message of kind for n peers and P parties (kind 4: the sum). */
size_t		pem_msg_len(int kind, uint32_t n, uint32_t parties);

/* Bytes of a vector's head: kind 1 with y replaced by its digest. */
size_t		pem_head_len(uint32_t parties);

/*
 * The digest a kind 1 message's tags cover, from the message (len
 * pem_msg_len) or its head (len pem_head_len); MPC_ERR_BINARY for any other
 * length.
 */
mpc_status	pem_vec_digest(const uint8_t *msg, size_t len, uint32_t n, uint32_t parties,
						   uint8_t d[AM_DIGEST_LEN], mpc_error *err);

/*
 * The coordinator's relay of a round (c without keys): check the vectors'
 * shapes as pem_inbox does, write the head of each present vector to
 * heads + k * pem_head_len(P), present[k], and the sum message (kind 4,
 * pem_msg_len(PEM_KIND_SUM, n, P) bytes) to summsg.
 */
mpc_status	pem_relay(const pem_ctx *c, int64_t round, uint32_t n, const uint8_t *const *msgs,
					  const size_t *lens, uint8_t *heads, unsigned char *present, uint8_t *summsg,
					  mpc_error *err);

/*
 * Read the sum message of round: sum[j] = S'_j mod 2^64, dconf the digest
 * D_round the parties confirm (from vdigest, the transcript of the vectors'
 * digests), and, with sigma non-NULL, sigma = <r, S'> mod 2^127 - 1.
 */
mpc_status	pem_sum_open(const pem_ctx *c, int64_t round, uint32_t n, const uint8_t *msg, size_t len,
						 const uint8_t vdigest[AM_DIGEST_LEN], uint64_t *sum, uint8_t *sigma,
						 uint8_t dconf[AM_DIGEST_LEN], mpc_error *err);

/* A party's check value a = <r, y> mod 2^127 - 1, r expanded from dconf. */
void		pem_check_value(const uint8_t dconf[AM_DIGEST_LEN], uint32_t n, const uint64_t *y,
							uint8_t a[PEM_CHECK]);

/*
 * The sum check of round, after pem_recover: for each present party k, its
 * check value from its reply (answered[k]) or, when it sent no reply, from
 * its full vector in msgs[k], which must have the digest dvecs[k] it
 * authenticated; their sum must be sigma.  MPC_ERR_CIPHERTEXT otherwise.
 */
mpc_status	pem_sum_verify(const pem_ctx *c, int64_t round, uint32_t n, const unsigned char *present,
						   const unsigned char *answered, const uint8_t *const *msgs,
						   const size_t *lens, const uint8_t *dvecs,
						   const uint8_t dconf[AM_DIGEST_LEN], const uint8_t sigma[PEM_CHECK],
						   mpc_error *err);

/*
 * The partial sums of one party: u[j] = round(10^U (sum over kept edges
 * t_i c_ij / 10^T + dmass p_j / 10^(2T))) with dmass the sum of t over the
 * dangling hosted rows (indices dangling[0..ndangling)).  Every t and p entry
 * must be in [0, 10^T].
 */
mpc_status	pem_partial(const pet_edge *e, size_t kept, const uint32_t *dangling,
						size_t ndangling, uint32_t n, const int64_t *t, const int64_t *p,
						uint64_t *u, mpc_error *err);

/* Add the party's zero-sum mask for round, over the active parties of c, to
 * y[0..n) (mod 2^64). */
void		pem_mask(const pem_ctx *c, int64_t round, uint32_t n, uint64_t *y);

/*
 * Build the party's message: kind 1 with y (already masked with pem_mask and
 * pem_self_mask(b)) and b, which it Shamir-shares to the active parties; or
 * kind 2 with y and b NULL and n 0; dprev is the digest it confirms.  out
 * must hold pem_msg_len(kind, n, P) bytes.
 */
mpc_status	pem_msg_build(const pem_ctx *c, int kind, int64_t round, const uint64_t *y,
						  uint32_t n, const uint8_t *b, const uint8_t dprev[AM_DIGEST_LEN],
						  uint8_t *out, mpc_error *err);

/*
 * Build the party's unmask reply for round: for each active k != self with
 * present[k], shares[k] (the share of b_k this party decrypted); for each
 * active k with !present[k], the round key with k.  dround is D_round.
 */
mpc_status	pem_reply_build(const pem_ctx *c, int64_t round, const unsigned char *present,
							const uint8_t *shares, const uint8_t check[PEM_CHECK],
							const uint8_t dround[AM_DIGEST_LEN], uint8_t *out, mpc_error *err);

/*
 * Check the replies of round (NULL where a party did not answer), fold them
 * into sum (the sum of the present vectors): rebuild each present party's
 * self mask from pem_threshold(P) shares and subtract it, subtract every
 * present party's pairwise term with each missing one.  With keys, every tag
 * to c->self and every confirmation of dround is checked.  answered gets the
 * parties that replied; dreplies the transcript E_round.  Fails when a
 * reply contradicts present, or too few parties answered to recover.
 */
mpc_status	pem_recover(const pem_ctx *c, int64_t round, uint32_t n, const unsigned char *present,
						const uint8_t *const *replies, const size_t *lens,
						const uint8_t dround[AM_DIGEST_LEN], uint64_t *sum,
						unsigned char *answered, uint8_t dreplies[AM_DIGEST_LEN], mpc_error *err);

/*
 * pet_next after a departure: when departed, the t mass of rows no present
 * party sent (their host left) goes to pre-trust like a dangling row's, so
 * the result is EigenTrust over the remaining parties' ratings.
 */
mpc_status	pem_next(uint32_t n, int64_t *sums, const int64_t *t, const int64_t *p,
					 const unsigned char *hosted, double alpha, int departed, int64_t *tn,
					 double *residual, mpc_error *err);

/*
 * Check the P messages of one round, msgs[k] from party k (NULL for a party
 * outside c->active, and with present non-NULL also for a missing vector):
 * shape, round, sender, kind and the sender's active set; with keys also
 * every tag addressed to c->self (the vector tag and the confirmation of
 * dprev).  With sum non-NULL (kind 1) add the y vectors into sum[0..n) mod
 * 2^64; present gets which vectors are there; with shares non-NULL and
 * c->enc the share of each sender's b addressed to c->self is decrypted
 * into shares[k * PEM_SHARE].  dround receives the round's transcript digest
 * (kind 1).  Errors name the party and what failed.
 */
mpc_status	pem_inbox(const pem_ctx *c, int kind, int64_t round, uint32_t n,
					  const uint8_t *const *msgs, const size_t *lens,
					  const uint8_t dprev[AM_DIGEST_LEN], uint64_t *sum,
					  unsigned char *present, uint8_t *shares,
					  uint8_t dround[AM_DIGEST_LEN], mpc_error *err);

/*
 * pem_inbox that takes heads (pem_head_len) as well as vectors (heads only
 * with sum NULL) and writes the digest of each present vector to
 * dvecs + k * AM_DIGEST_LEN (dvecs may be NULL); dround is then the
 * transcript V_round of these digests.
 */
mpc_status	pem_inbox_heads(const pem_ctx *c, int kind, int64_t round, uint32_t n,
							const uint8_t *const *msgs, const size_t *lens,
							const uint8_t dprev[AM_DIGEST_LEN], uint64_t *sum,
							unsigned char *present, uint8_t *shares, uint8_t *dvecs,
							uint8_t dround[AM_DIGEST_LEN], mpc_error *err);

/*
 * The summed vector as partial sums: each entry read as a signed 64-bit
 * number must be in [0, 2 * 10^U] (a probability vector's image), else
 * MPC_ERR_OVERFLOW: masks did not cancel.
 */
mpc_status	pem_unmask(uint32_t n, const uint64_t *sum, int64_t *sums, mpc_error *err);

/*
 * The invariants every party checks every round: sum t = 10^T within n
 * units of rounding, and t_j >= alpha p_j - 1 for every j.
 */
mpc_status	pem_check_t(uint32_t n, const int64_t *t, const int64_t *p, double alpha,
						mpc_error *err);

/* The digest D_0 of a run's public inputs (pretrust p may be NULL: uniform). */
mpc_status	pem_setup_digest(const char *run, size_t run_len, uint32_t parties,
							 const uint8_t *pubs, uint32_t n, const int64_t *peers,
							 const unsigned char *hosted, const int64_t *p, double alpha,
							 double epsilon, int32_t max_iter, uint8_t out[AM_DIGEST_LEN],
							 mpc_error *err);

/* Uniform pre-trust at scale T: round(10^T / n) each. */
void		pem_uniform(uint32_t n, int64_t *p);

#endif
