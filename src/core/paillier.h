/*
 * paillier.h: Paillier encryption with g = n + 1.
 *
 * Keys are validated on construction (pai_pub_init, pai_priv_init) and every
 * operation on outside data validates it before arithmetic.  All values live
 * mod n^2; plaintexts are residues mod n (see encoding.h for signed values).
 */
#ifndef MPC_PAILLIER_H
#define MPC_PAILLIER_H

#include <gmp.h>

#include "mpc_common.h"

#define PAI_FP_LEN			8		/* key fingerprint: SHA-256(n bytes)[0..8) */
#define PAI_MIN_BITS		2048	/* smallest modulus accepted from SQL */
#define PAI_MAX_BITS		16384	/* largest modulus accepted at all */
#define PAI_KEYGEN_MIN_BITS	2048
#define PAI_KEYGEN_MAX_BITS	8192

typedef struct pai_pub
{
	mpz_t		n;
	mpz_t		n2;				/* n^2 */
	mpz_t		max_int;		/* floor(n/3) - 1: largest |signed value| */
	size_t		nbits;
	size_t		nbytes;			/* bytes of n, big-endian minimal */
	unsigned char fp[PAI_FP_LEN];
} pai_pub;

typedef struct pai_priv
{
	pai_pub		pub;
	mpz_t		p, q;			/* p > q */
	mpz_t		p2, q2;			/* p^2, q^2 */
	mpz_t		pm1, qm1;		/* p - 1, q - 1 (secret exponents) */
	mpz_t		hp, hq;			/* L_p((1+n)^(p-1) mod p^2)^-1 mod p, same for q */
	mpz_t		qinv;			/* q^-1 mod p, for CRT of plaintexts */
	mpz_t		q2inv;			/* q^2^-1 mod p^2, for CRT of ciphertexts */
	mpz_t		ep, eq;			/* n mod p(p-1), n mod q(q-1): r^n by CRT */
} pai_priv;

/* Construct a public key from n, checking it (FACTS.md §1): odd, at least
 * min_bits and at most PAI_MAX_BITS bits, not a perfect square, no prime
 * factor below 2^16.  On failure *pk is left cleared. */
mpc_status	pai_pub_init(pai_pub *pk, const mpz_t n, size_t min_bits, mpc_error *err);
void		pai_pub_clear(pai_pub *pk);
void		pai_pub_copy(pai_pub *dst, const pai_pub *src);

/* Validate p and q as a Paillier key: both probable primes, p != q, equal
 * bit lengths, gcd(n, (p-1)(q-1)) = 1, |p - q| > 2^(bits/2 - 100), and n
 * passes pai_pub_init.  Order of p, q does not matter.  Variable time (the
 * primality tests and the gcd): run once, when a key is generated or
 * imported, never per use. */
mpc_status	pai_priv_check(const mpz_t p, const mpz_t q, size_t min_bits, mpc_error *err);

/* Build the key of p and q that passed pai_priv_check before (a stored
 * key): only cheap shape checks, and the CRT constants in constant time
 * (mpn_sec_*).  A p or q that was never checked gives a key that decrypts
 * wrongly or an error, never a crash. */
mpc_status	pai_priv_setup(pai_priv *sk, const mpz_t p, const mpz_t q, size_t min_bits,
						   mpc_error *err);

/* pai_priv_check, then pai_priv_setup. */
mpc_status	pai_priv_init(pai_priv *sk, const mpz_t p, const mpz_t q, size_t min_bits,
						  mpc_error *err);
void		pai_priv_clear(pai_priv *sk);	/* wipes the secret limbs */

/* Generate a key whose n has exactly 'bits' bits, from mpc_random_bytes.
 * min_bits lets unit tests make small keys; SQL passes PAI_KEYGEN_MIN_BITS. */
mpc_status	pai_keygen(pai_priv *sk, size_t bits, size_t min_bits, mpc_error *err);

/* The one keygen loop: primes of (bits + 1) / 2 and bits / 2 bits from
 * 'prime' until pai_priv_init accepts the pair and n has exactly 'bits' bits,
 * at most 'attempts' times.  pai_keygen and thr_keygen_safe call it. */
typedef mpc_status (*pai_prime_fn) (mpz_t p, size_t bits, mpc_error *err);
mpc_status	pai_keygen_with(pai_priv *sk, size_t bits, size_t min_bits, pai_prime_fn prime,
							int attempts, mpc_error *err);

/* Fingerprint of a modulus: first PAI_FP_LEN bytes of SHA-256 of its
 * minimal big-endian bytes. */
void		pai_fingerprint(const mpz_t n, unsigned char fp[PAI_FP_LEN]);
int			pai_same_key(const pai_pub *a, const pai_pub *b);

/* The one text form of a fingerprint: 2 * PAI_FP_LEN lowercase hex digits
 * and a NUL. */
#define PAI_FP_HEX_LEN		(2 * PAI_FP_LEN + 1)
void		pai_fingerprint_hex(const unsigned char fp[PAI_FP_LEN], char out[PAI_FP_HEX_LEN]);

/* 1 when g = n + 1, the only generator this library encodes plaintexts with. */
int			pai_g_is_n_plus_1(const mpz_t g, const mpz_t n);

/* 1 when gcd(x, n) = 1: with 0 < x < n^2, x is a unit mod n^2. */
int			pai_coprime_to_n(const pai_pub *pk, const mpz_t x);

/* Ciphertext validity: 0 < c < n^2, and with check_gcd also gcd(c, n) = 1. */
mpc_status	pai_check_ciphertext(const pai_pub *pk, const mpz_t c, int check_gcd,
								 mpc_error *err);

/* A uniformly random unit of Z_n (and of Z_n^2 when reduced mod n). */
mpc_status	pai_random_unit(const pai_pub *pk, mpz_t r, mpc_error *err);

/* Textbook encryption c = (1 + m n) r^n mod n^2, 0 <= m < n. */
mpc_status	pai_encrypt(const pai_pub *pk, mpz_t c, const mpz_t m, mpc_error *err);
/* The same with chosen r: for known-answer tests only, never exposed in SQL. */
mpc_status	pai_encrypt_with_r(const pai_pub *pk, mpz_t c, const mpz_t m, const mpz_t r,
							   mpc_error *err);
/* Encryption by the key owner: r^n computed mod p^2 and q^2, combined. */
mpc_status	pai_encrypt_crt(const pai_priv *sk, mpz_t c, const mpz_t m, mpc_error *err);

/* out = (1 + m n) x mod n^2 for 0 <= m < n: the encoding step of every
 * encryption (textbook, CRT, DJN). */
void		pai_mul_one_plus_mn(const pai_pub *pk, mpz_t out, const mpz_t m, const mpz_t x);

/* CRT decryption with constant-time exponentiation; c must be valid. */
mpc_status	pai_decrypt(const pai_priv *sk, mpz_t m, const mpz_t c, mpc_error *err);
/* The same for count ciphertexts c[0, count) into m[0, count): eight at a
 * time on the multi-buffer IFMA exponentiation when the CPU has it.  Every
 * c[i] is checked first; on an error nothing is decrypted. */
mpc_status	pai_decrypt_many(const pai_priv *sk, mpz_t *m, const mpz_t *c, size_t count,
							 mpc_error *err);
/* Textbook decryption m = L(c^lambda mod n^2) mu mod n (benchmarks, tests). */
mpc_status	pai_decrypt_textbook(const pai_priv *sk, mpz_t m, const mpz_t c, mpc_error *err);

/* Homomorphic operations on valid ciphertexts.  'out' may alias inputs. */
void		pai_add(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t b);
mpc_status	pai_neg(const pai_pub *pk, mpz_t out, const mpz_t a, mpc_error *err);
mpc_status	pai_sub(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t b, mpc_error *err);
/* Enc(a) * (1 + k n): adds plaintext k (any sign, reduced mod n). */
void		pai_add_plain(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t k);
/* Enc(a)^k for any signed k; a negative k goes through the inverse. */
mpc_status	pai_mul_scalar(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t k,
						   mpc_error *err);
/* Multiply by a fresh r^n. */
mpc_status	pai_rerandomize(const pai_pub *pk, mpz_t out, const mpz_t a, mpc_error *err);

#endif
