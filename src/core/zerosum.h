/*
 * zerosum.h: sums without a dealer or key holder, by zero-sum masks.
 *
 * Each party i holds a Diffie-Hellman key pair in the RFC 3526 3072-bit
 * MODP group (group 15, generator 2, a safe prime p = 2q + 1; 2 generates
 * the subgroup of order q).  Private keys are 256-bit exponents (128-bit
 * security, like the group), public keys are g^x mod p, 384 bytes
 * big-endian.
 *
 * For parties i and j the pairwise seed is
 *   s_ij = SHA-256("mpc_eigentrust zerosum seed v1" || lp(id_lo) || lp(id_hi)
 *                  || z_ij || round)
 * with z_ij = y_j^{x_i} mod p = y_i^{x_j} mod p as 384 bytes, id_lo < id_hi
 * the two party ids in byte order, lp(s) a 4-byte big-endian length then the
 * bytes, and round an 8-byte big-endian signed integer.  The PRG is SHA-256
 * in counter mode:
 *   PRG(s)_k = SHA-256("mpc_eigentrust zerosum prg v1" || s || k), k = 0, 1, ...
 * truncated to the 16 bytes a mask element needs (so only k = 0 is used).
 *
 * Masks live mod M = 2^128:
 *   mask_i = sum_{j: id_j > id_i} PRG(s_ij) - sum_{j: id_j < id_i} PRG(s_ij)
 * so the masks of all parties sum to 0 mod M.  A value v at scale k is the
 * integer V = v * 10^k with |V| < 2^127; the masked value is (V + mask) mod M,
 * and the plain sum of all masked values, reduced mod M and read as a signed
 * number, is the exact sum of the V (as long as |sum V| < 2^127).
 */
#ifndef MPC_ZEROSUM_H
#define MPC_ZEROSUM_H

#include <stddef.h>
#include <stdint.h>
#include <gmp.h>

#include "mpc_common.h"

#define ZS_PRIV_LEN			32		/* private exponent, big-endian */
#define ZS_PUB_LEN			384		/* public value, big-endian, fixed width */
#define ZS_MODULUS_BITS		128		/* M = 2^128 */
#define ZS_MAX_ID_LEN		1024	/* bytes of a party id */
#define ZS_MAX_PARTIES		10000	/* peers in one mask */

typedef struct zs_party
{
	const char *id;				/* party id, any bytes but not empty */
	size_t		id_len;
	const uint8_t *pub;			/* public key bytes */
	size_t		pub_len;
} zs_party;

/* The group prime p (for documentation, tests and benchmarks). */
void		zs_group_prime(mpz_t p);

/* A fresh private key: 32 random bytes whose value is at least 2. */
mpc_status	zs_keygen(uint8_t priv[ZS_PRIV_LEN], mpc_error *err);
/* Check a private key's length and value; len is the caller's byte count. */
mpc_status	zs_check_private(const uint8_t *priv, size_t len, mpc_error *err);
/* g^x mod p for the private key priv. */
mpc_status	zs_public_key(const uint8_t *priv, size_t len,
						  uint8_t pub[ZS_PUB_LEN], mpc_error *err);
/* Check a public key: 384 bytes, 1 < y < p - 1, y in the order-q subgroup. */
mpc_status	zs_check_public(const uint8_t *pub, size_t len, mpc_error *err);

/*
 * The mask of party 'self' (whose private key is priv) for 'round' against
 * the npeers other parties.  Ids must be non-empty, distinct from each other
 * and from self's.  mask gets a value in [0, M).
 */
mpc_status	zs_mask(const uint8_t *priv, size_t priv_len, const char *self_id,
					size_t self_id_len, int64_t round, const zs_party *peers,
					int npeers, mpz_t mask, mpc_error *err);

/*
 * The pairwise seed s_ij (the formula above) of party 'self' with one peer,
 * for 'round', as 32 bytes: what src/core/authmsg.h derives its MAC and PRG
 * keys from.  Fails for a bad key or id, or a peer id equal to self's.
 */
#define ZS_SEED_LEN 32
mpc_status	zs_pair_seed(const uint8_t *priv, size_t priv_len, const char *self_id,
						 size_t self_id_len, const zs_party *peer, int64_t round,
						 uint8_t seed[ZS_SEED_LEN], mpc_error *err);

/* (V + mask) mod M with V the value already scaled to an integer; fails when
 * |V| >= 2^127 or the mask is outside [0, M). */
mpc_status	zs_mask_value(const mpz_t value, const mpz_t mask, mpz_t out,
						  mpc_error *err);

/* A uniform value in [0, M) from the random source: a self-mask for
 * Bonawitz-style double masking (see docs/design.md). */
mpc_status	zs_random_mask(mpz_t out, mpc_error *err);

/* total mod M read as a signed integer in [-2^127, 2^127). */
void		zs_unmask(const mpz_t total, mpz_t out);

/*
 * Dropout recovery.  zs_key_split Shamir-shares a private key (as a field
 * element of sharing.h) into n shares with threshold t; ys as for
 * shamir_split.  zs_recover_mask combines k shares of the key of the dropped
 * party (id dropped_id, public key dropped_pub), checks that the result is
 * the private key of dropped_pub, and returns the dropped party's mask
 * against the given peers (the survivors) for 'round'.  Adding it to the sum
 * of the survivors' masked values cancels their masks with the dropped party.
 */
mpc_status	zs_key_split(const uint8_t *priv, size_t priv_len, int n, int t,
						 mpz_t *ys, mpc_error *err);
mpc_status	zs_recover_mask(int k, const int32_t *xs, const int32_t *ts, mpz_t *ys,
							const char *dropped_id, size_t dropped_id_len,
							const uint8_t *dropped_pub, size_t dropped_pub_len,
							int64_t round, const zs_party *peers, int npeers,
							mpz_t mask, mpc_error *err);

#endif
