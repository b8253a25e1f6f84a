/*
 * paillier_glue.h: the functions the Paillier glue files share (key cache,
 * value builders, I/O helpers, fast paths).  The layouts they read and
 * write are in paillier_pg.h.
 */
#ifndef PAILLIER_GLUE_H
#define PAILLIER_GLUE_H

#include "ifma.h"
#include "paillier_pg.h"

/*
 * Validated keys, cached per backend (least recently used evicted).  The
 * returned pointer stays valid until the next cache call; callers copy
 * nothing and must not keep it across calls that may load another key.
 * Both raise an ERROR naming the problem for an invalid key.
 */
const pai_pub *mpc_pubkey_from_n(const uint8 *n, Size nbytes);
const pai_priv *mpc_privkey_get(const PaillierPrivkey *sk);

/* Structural checks of stored values (lengths, version, reserved fields);
 * raise ERRCODE_DATA_CORRUPTED-style errors on failure. */
void		mpc_check_pubkey(const PaillierPubkey *pk);
void		mpc_check_privkey(const PaillierPrivkey *sk);
void		mpc_check_ct(const PaillierCiphertext *ct);

/* The key of a stored value (validated, cached). */
const pai_pub *mpc_ct_key(const PaillierCiphertext *ct);
const pai_pub *mpc_pubkey_key(const PaillierPubkey *pk);

/* Build values. */
PaillierPubkey *mpc_make_pubkey(const pai_pub *pk);
PaillierPrivkey *mpc_make_privkey(const pai_priv *sk);
PaillierCiphertext *mpc_make_ct(const pai_pub *pk, int scale, uint32 bound, const mpz_t c);
/* The same with c left zero, for callers that write CT_C themselves. */
PaillierCiphertext *mpc_new_ct(const pai_pub *pk, int scale, uint32 bound);
/* The IFMA context for n^2 of a key returned by mpc_ct_key/mpc_pubkey_key,
 * built once per cached key, and n^2's big-endian bytes (2 nbytes); NULL
 * when IFMA is off or unavailable, or n^2 is too large for it. */
const ifma_ctx *mpc_pub_ifma_n2(const pai_pub *pk, const uint8 **n2be);
/* The same from a core fixed-point value. */
PaillierCiphertext *mpc_make_fx(const pai_pub *pk, const fx_ct *x);
/* Read c out of a ciphertext (no validation beyond the stored layout). */
void		mpc_ct_get(const PaillierCiphertext *ct, mpz_t c);
/* Check a ciphertext and read it into x (c, scale, bound); returns its
 * validated key.  x must be initialised (fx_init). */
const pai_pub *mpc_ct_load(const PaillierCiphertext *ct, fx_ct *x);

/* Raise a core failure; an overflow (22003) gets a hint on how to make the
 * values fit. */
MPC_NORETURN void mpc_raise_fx(const mpc_error *err, const char *what);

/* ERROR 22000 unless both values are under the same key. */
void		mpc_require_same_key(const uint8 *fp_a, const uint8 *n_a, Size nbytes_a,
								 const uint8 *fp_b, const uint8 *n_b, Size nbytes_b,
								 const char *what);

/*
 * Fast paths (paillier_fast.c).  mpc_encrypt_pub and mpc_rerandomize_fast follow
 * mpc_eigentrust.encryption_method (DJN with the per-backend table cache, or
 * textbook r^n); mpc_djn_get returns the cached DJN context of a key,
 * building it on first use (valid until the next mpc_djn_get).
 */
struct pai_djn;
const struct pai_djn *mpc_djn_get(const pai_pub *pk);
/* The same with its table built at once when count >= 4 values will be
 * encrypted under the key (a fresh round key, a vector). */
const struct pai_djn *mpc_djn_get_batch(const pai_pub *pk, size_t count);
mpc_status	mpc_encrypt_pub(const pai_pub *pk, mpz_t c, const mpz_t m, mpc_error *err);
/* The same for m[0, count) into c[0, count): DJN eight at a time on the
 * multi-buffer IFMA products when the key's table is built for them. */
mpc_status	mpc_encrypt_pub_many(const pai_pub *pk, mpz_t *c, const mpz_t *m, size_t count,
								 mpc_error *err);
mpc_status	mpc_rerandomize_fast(const pai_pub *pk, mpz_t out, const mpz_t c, mpc_error *err);

/* Text and binary I/O helpers shared by the types' input functions
 * (paillier_io.c).  Input is never echoed: for a private key it is the
 * secret itself. */
MPC_NORETURN void mpc_bad_text(const char *type, const char *detail);
MPC_NORETURN void mpc_bad_binary(const char *type, const char *detail);
/* Split s in place at ':' into at most maxparts pieces; returns the count
 * (maxparts + 1 when there are more). */
int			mpc_split_colon(char *s, char **parts, int maxparts);
/* A validated private key Datum from its primes (ERROR 22023 if invalid). */
PaillierPrivkey *mpc_privkey_from_pq(const mpz_t p, const mpz_t q);
/* base64url of a secret x, in a secret buffer (mpc_secret_free). */
char	   *mpc_b64_of_secret(const mpz_t x);
/* base64url of x's minimal big-endian bytes, palloc'd */
char	   *mpc_b64_of(const mpz_t x);
/* the validated, cached key of modulus n */
const pai_pub *mpc_pubkey_from_mpz(const mpz_t n);

/* The glue's one numeric <-> integer-scaled-by-10^scale pair (paillier_ops.c). */
/* A non-negative decimal count of a text form (<= INT32_MAX), or ERROR
 * 22P02 for 'type' with 'detail'. */
long		mpc_text_count(const char *s, const char *type, const char *detail);

mpc_status	mpc_numeric_at_scale(Datum num, int scale, mpz_t v, mpc_error *err);
Datum		mpc_numeric_from_scaled(const mpz_t v, int scale);

/* A numeric as an exact integer k and its count of significant fractional
 * digits f (trailing zeros dropped): value = k / 10^f.  NaN and infinities
 * are an ERROR naming 'what'. */
void		mpc_numeric_to_scaled(Datum num, mpz_t k, int *f, const char *what);

/* Multiply a ciphertext by a fresh encryption of zero (the one place that
 * chooses how public-key re-randomisation is done). */
void		mpc_rerandomize(const pai_pub *pk, mpz_t out, const mpz_t in);

#endif
