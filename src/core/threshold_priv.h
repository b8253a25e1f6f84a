/*
 * threshold_priv.h: what the threshold files share (threshold.c: helpers,
 * safe primes, dealing; threshold_decrypt.c: decryption shares, proofs,
 * combining; threshold_serial.c: the serialised forms).  Private to the core.
 */
#ifndef MPC_THRESHOLD_PRIV_H
#define MPC_THRESHOLD_PRIV_H

#include "threshold.h"
#include "sha256.h"

#define MAX_NBYTES		(PAI_MAX_BITS / 8)
#define MAX_WIDTH		(2 * MAX_NBYTES)	/* a value mod n^2 */

void		thr_wipe_clear(mpz_t z);
size_t		thr_delta_bits(int l);
size_t		thr_mask_bits(size_t nbits, int l, int t);
mpc_status	thr_rand_bits(mpz_t z, size_t bits, mpc_error *err);
void		thr_powm_public(mpz_t out, const mpz_t base, const mpz_t e, const mpz_t mod);
void		thr_proof_challenge(const pai_pub *pk, const uint8_t digest[THR_HASH_LEN], int index,
								const mpz_t c, const mpz_t ci, const mpz_t vi, const mpz_t a,
								const mpz_t b, uint8_t out[THR_HASH_LEN]);
void		thr_vk_hash(const pai_pub *pk, const mpz_t vi, uint8_t out[THR_HASH_LEN]);
void		thr_key_digest(const pai_pub *pk, int kind, int t, int l, const mpz_t v,
						   const uint8_t vkh[][THR_HASH_LEN], uint8_t out[THR_HASH_LEN]);
void		thr_hash_u32(sha256_ctx *h, uint32_t v);
void		thr_keyshare_init(thr_keyshare *ks, const pai_pub *pk);

#endif
