/*
 * masked.h: private EigenTrust without a key holder (mode 'masked',
 * docs/design.md "Masked mode").
 *
 * Each round every party publishes y_i = u_i + m_i mod 2^64 where u_i[j] is
 * its partial sum sum_{a hosted by i} t_a c_aj (dangling rows: t_a p_j) at
 * decimal scale PET_SCALE_U, and m_i the zero-sum mask
 *   m_i[j] = sum_{k > i} PRG(prg_ik, round, j) - sum_{k < i} PRG(prg_ik, round, j)
 * with prg_ik the pairwise PRG key of authmsg.h.  The masks of all parties
 * cancel, so sum_i y_i = sum_i u_i mod 2^64, exact because the true sum is
 * below 2^63.
 *
 * A round message (kind 1), all integers big-endian:
 *    0  'P' 'E' 'M' 1
 *    4  kind (1: round vector, 2: final confirmation), 3 zero bytes
 *    8  round (int64)
 *   16  sender (uint32, 0-based party index)
 *   20  parties P (uint32)
 *   24  n (uint32, 0 in kind 2)
 *   28  y[n] (uint64 each)
 *   28 + 8n         vtags[P][32]: tag to party k of (round, label "vec") over
 *                   SHA-256 of bytes [0, 28 + 8n); kind 1 only
 *   then            ctags[P][32]: tag to party k of (round - 1, label "confirm")
 *                   over the transcript digest D_{round-1} the sender saw
 * The sender's own slots are zero.  D_0 is the setup digest
 * (pem_setup_digest); D_r the authmsg transcript (round r, label "vec") of
 * the P vector digests in sender order.
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
#define PEM_MAX_PARTIES	1000

/* What a party (or, with no keys, the coordinator) knows of a run. */
typedef struct pem_ctx
{
	const char *run;
	size_t		run_len;
	uint32_t	parties;
	uint32_t	self;			/* the party's index; ignored without keys */
	const uint8_t (*mac)[AM_KEY_LEN];	/* parties entries, or NULL */
	const uint8_t (*prg)[AM_KEY_LEN];
} pem_ctx;

/* Bytes of a message of kind for n peers and P parties. */
size_t		pem_msg_len(int kind, uint32_t n, uint32_t parties);

/*
 * The partial sums of one party: u[j] = round(10^U (sum over kept edges
 * t_i c_ij / 10^T + dmass p_j / 10^(2T))) with dmass the sum of t over the
 * dangling hosted rows (indices dangling[0..ndangling)).  Every t and p entry
 * must be in [0, 10^T].
 */
mpc_status	pem_partial(const pet_edge *e, size_t kept, const uint32_t *dangling,
						size_t ndangling, uint32_t n, const int64_t *t, const int64_t *p,
						uint64_t *u, mpc_error *err);

/* Add the party's zero-sum mask for round to y[0..n) (mod 2^64). */
void		pem_mask(const pem_ctx *c, int64_t round, uint32_t n, uint64_t *y);

/*
 * Build the party's message: kind 1 with y (already masked) or kind 2 with
 * y NULL and n 0; dprev is the digest D_{round-1} it confirms.  out must
 * hold pem_msg_len(kind, n, P) bytes.
 */
mpc_status	pem_msg_build(const pem_ctx *c, int kind, int64_t round, const uint64_t *y,
						  uint32_t n, const uint8_t dprev[AM_DIGEST_LEN], uint8_t *out,
						  mpc_error *err);

/*
 * Check the P messages of one round, msgs[k] from party k: shape, round,
 * sender and kind; with keys also every tag addressed to c->self (the
 * vector tag and the confirmation of dprev).  With sum non-NULL (kind 1)
 * add the y vectors into sum[0..n) mod 2^64.  dround receives the round's
 * transcript digest (kind 1).  Errors name the party and what failed.
 */
mpc_status	pem_inbox(const pem_ctx *c, int kind, int64_t round, uint32_t n,
					  const uint8_t *const *msgs, const size_t *lens,
					  const uint8_t dprev[AM_DIGEST_LEN], uint64_t *sum,
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
