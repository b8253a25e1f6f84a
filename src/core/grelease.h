/*
 * grelease.h: the member's contribution rule of groups-mode private
 * EigenTrust and the decryptor's release (docs/design.md, "Groups mode",
 * "Within-run differencing" and "Releases").
 *
 * In one run and round a member's contributions that can still be decrypted
 * all go to one decryptor, or all have one member set: two decryptors'
 * aggregates over different sets holding the member would differ by its
 * vector.  A contribution stops counting once the decryptor of its chain
 * has released that chain: the decryptor wiped the chain's private key
 * (it held it in memory only) and tags, for each member,
 *
 *   tag = am_tag(k_dm, run, round, sender = decryptor, receiver = member,
 *                "groups release", SHA-256("mpc_eigentrust groups release v1" || kd))
 *
 * where kd is the digest the decryptor's key tag covered (the group, its
 * members in chain order and the chain's public key), so a release names
 * exactly one key of one round, from one decryptor, for one member.
 */
#ifndef MPC_GRELEASE_H
#define MPC_GRELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "authmsg.h"
#include "mpc_common.h"

#define GR_LABEL_RELEASE	"groups release"

/* one contribution of a member in the round it records */
typedef struct gr_contrib
{
	uint32_t	dec;			/* the chain's decryptor */
	uint32_t	nm;
	const int32_t *members;		/* the chain's member set, sorted ascending */
	uint8_t		kd[AM_DIGEST_LEN];	/* the key digest of the chain */
	int			released;		/* its decryptor released it */
} gr_contrib;

/*
 * May a member whose contributions of the round are c[0..n) contribute to a
 * chain of decryptor dec over the member set members[0..nm) (sorted)?  Yes
 * (-1) when the unreleased ones and the new one all have one decryptor or
 * all have one member set.  Otherwise the index of the unreleased
 * contribution to name in the refusal: the first that differs from the new
 * one in both decryptor and set, else the first unreleased one.
 */
int			gr_conflict(const gr_contrib *c, size_t n, uint32_t dec, const int32_t *members, uint32_t nm);

/* What a release tag covers, from the key digest. */
void		gr_release_digest(const uint8_t kd[AM_DIGEST_LEN], uint8_t out[AM_DIGEST_LEN]);

/* The decryptor's release of the chain with key digest kd for one member. */
mpc_status	gr_release_tag(const uint8_t key[AM_KEY_LEN], const char *run, size_t run_len, int64_t round,
						   uint32_t dec, uint32_t member, const uint8_t kd[AM_DIGEST_LEN],
						   uint8_t tag[AM_TAG_LEN], mpc_error *err);

/* MPC_OK when tag is that release, else MPC_ERR_CIPHERTEXT (am_verify). */
mpc_status	gr_release_verify(const uint8_t key[AM_KEY_LEN], const char *run, size_t run_len, int64_t round,
							  uint32_t dec, uint32_t member, const uint8_t kd[AM_DIGEST_LEN],
							  const uint8_t *tag, size_t tag_len, mpc_error *err);

/*
 * Mark released every contribution of c[0..n) to decryptor dec under key
 * digest kd (after its release verified).  Returns how many it marked now
 * (0: released already), or -1 when the member never contributed under that
 * key to that decryptor.
 */
int			gr_release_apply(gr_contrib *c, size_t n, uint32_t dec, const uint8_t kd[AM_DIGEST_LEN]);

#endif
