/*
 * psi.h: the arithmetic of private set intersection by commutative
 * Diffie-Hellman blinding on Curve25519 (X25519 from libsodium).
 *
 * An element x of a party's set becomes a point of Curve25519: SHA-512 of a
 * domain tag, the id's kind and its bytes, reduced mod p = 2^255 - 19 and
 * mapped by Elligator 2 (RFC 9380, section 6.7.1), in constant time on GMP's
 * mpn_sec layer.  Every party applies X25519 with its own fresh secret
 * scalar to every element of every set; clamped scalar multiplication
 * commutes and kills the cofactor, so after all parties have blinded a set an
 * element is the u-coordinate of c_1...c_n H(x) whichever set it came from,
 * and equal ids, and only those, give equal 32-byte values.  Sorting a batch
 * of blinded values is a uniform shuffle as far as anyone without the
 * scalars can tell.  (ristretto255 was measured too: 1.4 times slower here,
 * see docs/psi.md.)
 *
 * A batch on the wire: "PSI1", kind (1 byte), three zero bytes, the count
 * (uint32, big-endian), then count u-coordinates of 32 bytes (little-endian,
 * top bit clear).
 */
#ifndef MPC_PSI_H
#define MPC_PSI_H

#include <stddef.h>
#include <stdint.h>

#include "mpc_common.h"

#define PSI_POINT_LEN	32
#define PSI_SCALAR_LEN	32
#define PSI_HEADER_LEN	12
/* the largest batch: its bytes fit a PostgreSQL bytea (1 GB) */
#define PSI_MAX_COUNT	(1u << 24)

typedef enum psi_kind
{
	PSI_KIND_TEXT = 1,
	PSI_KIND_BIGINT = 2
} psi_kind;

/* A parsed batch: points borrows the message's bytes. */
typedef struct psi_batch
{
	psi_kind	kind;
	size_t		count;
	const uint8_t *points;
} psi_batch;

/* A fresh secret X25519 scalar: 32 bytes from the rng hook (clamped where
 * it is used). */
mpc_status	psi_keygen(uint8_t scalar[PSI_SCALAR_LEN], mpc_error *err);

/* u = H(kind, data[0..len)): the u-coordinate of a Curve25519 point. */
mpc_status	psi_hash_to_curve(uint8_t u[PSI_POINT_LEN], psi_kind kind, const void *data,
							  size_t len, mpc_error *err);

/* out = X25519(scalar, H(kind, data[0..len))). */
mpc_status	psi_hash_blind(uint8_t out[PSI_POINT_LEN], psi_kind kind, const void *data,
						   size_t len, const uint8_t scalar[PSI_SCALAR_LEN], mpc_error *err);

/* X25519 of n u-coordinates in place with scalar; fails on a value with the
 * top bit set or of small order. */
mpc_status	psi_blind(uint8_t *points, size_t n, const uint8_t scalar[PSI_SCALAR_LEN],
					  mpc_error *err);

/* Sort *count encodings in place (the shuffle).  When idx is not NULL it is
 * permuted alongside.  Equal encodings are then dropped (one kept) and
 * *count becomes the number left. */
mpc_status	psi_sort_unique(uint8_t *points, uint32_t *idx, size_t *count, mpc_error *err);

/* Parse and check a batch message; len is its byte length. */
mpc_status	psi_parse(const uint8_t *msg, size_t len, psi_batch *out, mpc_error *err);

/* The header of a batch of count encodings of kind (PSI_HEADER_LEN bytes). */
void		psi_header(uint8_t hdr[PSI_HEADER_LEN], psi_kind kind, size_t count);

/* For every element of batches[target], hit[i] = 1 when it occurs in every
 * other batch, else 0; *common = the number of hits.  All batches must be of
 * one kind.  Scratch memory comes from malloc and is freed. */
mpc_status	psi_match_batches(const psi_batch *batches, int nbatches, int target, uint8_t *hit,
					  size_t *common, mpc_error *err);

#endif
