/*
 * threshold.h: threshold Paillier decryption (t of l), after Shoup (2000) as
 * carried over to Paillier by Damgard-Jurik (2001) and Fouque-Poupard-Stern
 * (2000); FACTS.md §9.
 *
 * A dealer who knows p and q computes d = lambda * (lambda^-1 mod n), so that
 * d = 0 mod lambda and d = 1 mod n, and shares Delta * d (Delta = l!) with a
 * polynomial of degree t - 1 over the integers, its coefficients drawn
 * uniformly from a range 2^128 times wider than anything a shift of the
 * secret could change (integer secret sharing, so the argument does not need
 * the group order and works for split keys whose primes are not safe).
 *
 *   share of steward i          s_i = f(i)
 *   verification keys           v (a random square mod n^2), v_i = v^(Delta s_i)
 *   decryption share            c_i = c^(2 Delta s_i) mod n^2
 *   proof                       log_{c^4}(c_i^2) = log_v(v_i), Chaum-Pedersen,
 *                               Fiat-Shamir with SHA-256, carried as (a, b, z)
 *                               so that the shares of one ciphertext can be
 *                               checked in one batch
 *   combination (set S, |S|=t)  c' = prod c_i^(2 mu_i), mu_i = Delta lambda^S_{0,i}
 *                               = c^(4 Delta^3 d) = 1 + 4 Delta^3 m n
 *                               m = L(c') (4 Delta^3)^-1 mod n
 *
 * Every v_j is bound into a digest that each share carries (SHA-256 of the
 * modulus, t, l, v and SHA-256(v_j) for every j), so a decryption share
 * cannot bring a verification key of its own choosing: combining refuses
 * shares whose digests differ.
 *
 * Serialised forms (big-endian, version byte first) are the types' binary
 * forms; the decoders validate everything before arithmetic.
 */
#ifndef MPC_THRESHOLD_H
#define MPC_THRESHOLD_H

#include <gmp.h>
#include <stdint.h>

#include "fixedbase.h"
#include "mpc_common.h"
#include "paillier.h"

#define THR_FORMAT_VERSION	1
#define THR_MAX_SHARES		64
#define THR_HASH_LEN		32
#define THR_STAT_BITS		128		/* statistical hiding of shares and proofs */
#define THR_CHALLENGE_BITS	256

/* How the key was made: decides whether the proofs are sound (design.md). */
#define THR_KIND_SAFE		1	/* p = 2p'+1, q = 2q'+1 safe primes */
#define THR_KIND_SPLIT		2	/* an existing key whose primes are not both safe */

typedef struct thr_keyshare
{
	pai_pub		pub;
	int			kind;
	int			t;				/* threshold */
	int			l;				/* number of shares */
	int			index;			/* 1..l */
	mpz_t		v;				/* verification base */
	mpz_t		vi;				/* v^(Delta s_i) */
	mpz_t		s;				/* the share: secret */
	uint8_t		digest[THR_HASH_LEN];
	uint8_t		vkh[THR_MAX_SHARES][THR_HASH_LEN];	/* SHA-256(v_j), j = 1..l */
} thr_keyshare;

typedef struct thr_decshare
{
	pai_pub		pub;
	int			kind;
	int			t;
	int			l;
	int			index;
	int			scale;			/* the ciphertext's scale, opaque to the core */
	mpz_t		c;				/* the ciphertext */
	mpz_t		v;
	mpz_t		vi;
	mpz_t		ci;				/* c^(2 Delta s_i) mod n^2 */
	mpz_t		a;				/* proof commitment (c^4)^r */
	mpz_t		b;				/* proof commitment v^r */
	mpz_t		z;				/* proof response r + e Delta s_i */
	uint8_t		digest[THR_HASH_LEN];
	uint8_t		vkh[THR_MAX_SHARES][THR_HASH_LEN];
} thr_decshare;

/* Check 2 <= t <= l <= THR_MAX_SHARES. */
mpc_status	thr_check_params(int l, int t, mpc_error *err);

/* A safe prime p = 2p'+1 of exactly 'bits' bits, top two bits set, from
 * mpc_random_bytes; stops with MPC_ERR_INTERRUPTED when the hook says so. */
mpc_status	thr_safe_prime(mpz_t p, size_t bits, mpc_error *err);
/* pai_keygen with safe primes. */
mpc_status	thr_keygen_safe(pai_priv *sk, size_t bits, size_t min_bits, mpc_error *err);
/* Are both primes of sk safe primes? */
int			thr_key_is_safe(const pai_priv *sk);

/* Deal l shares with threshold t of key sk into shares[0..l-1] (each
 * initialised on success, nothing to clear on failure).  The kind is
 * THR_KIND_SAFE when both primes are safe, else THR_KIND_SPLIT.  Every
 * intermediate secret (d, coefficients) is wiped before return. */
mpc_status	thr_deal(const pai_priv *sk, int l, int t, thr_keyshare *shares, mpc_error *err);
void		thr_keyshare_clear(thr_keyshare *ks);	/* wipes s */
/* Does v^(Delta s) equal v_i?  (One constant-time exponentiation.) */
mpc_status	thr_keyshare_check(const thr_keyshare *ks, mpc_error *err);

/* The decryption share of ciphertext c (0 < c < n^2, a unit) with its
 * proof; 'out' is initialised on success. */
mpc_status	thr_decrypt_share(const thr_keyshare *ks, const mpz_t c, int scale,
							  thr_decshare *out, mpc_error *err);
/* Verify the proof of one decryption share. */
mpc_status	thr_verify(const thr_decshare *ds, mpc_error *err);
/* Verify the proofs of k shares of one ciphertext under one dealing at once
 * (small-exponent batch test: two full exponentiations in all, not 2k).
 * MPC_OK means all are valid except with probability 2^-128; a failure
 * says only that one is not: check them one by one to find it. */
mpc_status	thr_verify_batch(const thr_decshare *const *ds, size_t k, mpc_error *err);
void		thr_decshare_clear(thr_decshare *ds);

/*
 * Combine k decryption shares of one ciphertext into the residue m (0 <= m
 * < n).  All shares must agree on key, digest and ciphertext
 * (MPC_ERR_KEY_MISMATCH), carry distinct indexes and be at least t
 * (MPC_ERR_ARG).  With verify, every proof is checked, extras included (in
 * one batch, then one by one if the batch fails); on a bad proof the status
 * is MPC_ERR_CIPHERTEXT and *bad_index names it.  The
 * first t shares (in the given order) are combined.
 */
mpc_status	thr_combine(const thr_decshare *const *ds, size_t k, int verify, mpz_t m,
						int *bad_index, mpc_error *err);

/*
 * An optional fixed-base table for the verification base v of one dealing
 * (fixedbase.h, 4-bit windows): it makes v^r in a proof and v^(sum) in a
 * batch check about 4 times cheaper.  About 12 MB at 2048 bits; worth it
 * from the third use.  The caller keeps it and must pass it only with shares
 * of the dealing it was built for (same digest).
 */
#define THR_VTABLE_WINDOW 4
size_t		thr_vtable_bytes(const pai_pub *pk, int l, int t);
mpc_status	thr_vtable_init(fb_table *vt, void *buf, size_t buflen, const pai_pub *pk,
							const mpz_t v, int l, int t, mpc_error *err);
/* thr_decrypt_share and thr_combine with an optional table (NULL: none). */
mpc_status	thr_decrypt_share_vt(const thr_keyshare *ks, const mpz_t c, int scale,
								 const fb_table *vt, thr_decshare *out, mpc_error *err);
mpc_status	thr_combine_vt(const thr_decshare *const *ds, size_t k, int verify,
						   const fb_table *vt, mpz_t m, int *bad_index, mpc_error *err);

/* Delta = l! and the integer Lagrange coefficient mu_i of index i in set
 * idx[0..t-1] (exposed for tests). */
void		thr_lagrange(mpz_t mu, const int *idx, int t, int i, int l);

/* Serialised forms: sizes, encoders (out holds exactly *_size bytes) and
 * decoders that validate everything (min_bits as for pai_pub_init).  The
 * keyshare decoder does not run thr_keyshare_check (an exponentiation):
 * callers that take a share from outside call it. */
size_t		thr_keyshare_size(const thr_keyshare *ks);
void		thr_keyshare_encode(const thr_keyshare *ks, uint8_t *out);
mpc_status	thr_keyshare_decode(thr_keyshare *ks, const uint8_t *in, size_t len,
								size_t min_bits, mpc_error *err);
size_t		thr_decshare_size(const thr_decshare *ds);
void		thr_decshare_encode(const thr_decshare *ds, uint8_t *out);
mpc_status	thr_decshare_decode(thr_decshare *ds, const uint8_t *in, size_t len,
								size_t min_bits, mpc_error *err);

/* Bounds on the bit lengths of a share and of a proof response (public). */
size_t		thr_share_bits_max(size_t nbits, int l, int t);
size_t		thr_response_bits_max(size_t nbits, int l, int t);

#endif
