/*
 * djn.h: Paillier encryption with a fixed base (Damgard-Jurik-Nielsen).
 *
 * c = (1 + m n) hs^a mod n^2, with hs = h^n mod n^2, h = -x^2 mod n and a
 * random exponent a of ceil(|n| / 2) bits.  hs^a = (h^a)^n, so c is an
 * ordinary Paillier ciphertext with r = h^a: any standard decryption (ours,
 * python-paillier's, paillier-bigint's) decrypts it.  Security rests on DCR
 * and, in addition, on the assumption that hs^a with a short a is
 * indistinguishable from a uniform n-th residue (the DJN small-exponent
 * assumption); docs/design.md ("DJN") states it.
 *
 * x is not secret: it is derived from n alone by hashing (a public,
 * nothing-up-my-sleeve base), so every party computes the same hs from a key
 * that publishes only n, and nothing needs storing beside the key.
 */
#ifndef MPC_DJN_H
#define MPC_DJN_H

#include <gmp.h>

#include "fixedbase.h"
#include "mpc_common.h"
#include "paillier.h"

/* The window width that measured fastest: 4 with the IFMA products, whose
 * multiplications are cheap enough that the scan of a wider window costs
 * more than it saves; 6 on the portable path (docs/performance.md). */
#define DJN_DEFAULT_WINDOW_IFMA 4
#define DJN_DEFAULT_WINDOW_GMP 6
#define DJN_DEFAULT_WINDOW (ifma_available() ? DJN_DEFAULT_WINDOW_IFMA : DJN_DEFAULT_WINDOW_GMP)

typedef struct pai_djn
{
	mpz_t		hs;				/* h^n mod n^2 */
	size_t		abits;			/* bits of the random exponent a */
	int			has_table;
	fb_table	table;			/* hs^(d 2^(k w)), when has_table */
} pai_djn;

/* hs from n: x = SHA-256 counter expansion of "mpc_eigentrust djn v1" ||
 * attempt || counter || n, reduced mod n (the first unit found). */
mpc_status	pai_djn_base(const pai_pub *pk, mpz_t hs, mpc_error *err);

/* Buffer bytes of the window table for this key (0: out of range). */
size_t		pai_djn_table_bytes(const pai_pub *pk, unsigned window);

/* Derive hs and, with window > 0, build its table in buf.  window 0 means
 * no table: encryption then costs one mpz_powm_sec(hs, a). */
mpc_status	pai_djn_init(pai_djn *d, const pai_pub *pk, unsigned window, void *buf,
						 size_t buflen, mpc_error *err);
/* Build the window table of a state made with window 0 (from its hs): the
 * SQL cache encrypts the first value under a key without a table and builds
 * the table when the key is used again. */
mpc_status	pai_djn_add_table(pai_djn *d, const pai_pub *pk, unsigned window, void *buf,
							  size_t buflen, mpc_error *err);
void		pai_djn_clear(pai_djn *d);

/* hs^a mod n^2 for a fresh random a (constant time in a). */
mpc_status	pai_djn_noise(const pai_pub *pk, const pai_djn *d, mpz_t out, mpc_error *err);
/* c = (1 + m n) hs^a mod n^2, 0 <= m < n. */
mpc_status	pai_djn_encrypt(const pai_pub *pk, const pai_djn *d, mpz_t c, const mpz_t m,
							mpc_error *err);
/* The same for count plaintexts m[0, count) into c[0, count): eight at a
 * time on the multi-buffer IFMA products (fb_pow8, each lane with its own
 * random exponent) when the state has an IFMA table, else one by one.
 * Every m[i] is checked first. */
mpc_status	pai_djn_encrypt_many(const pai_pub *pk, const pai_djn *d, mpz_t *c, const mpz_t *m,
								 size_t count, mpc_error *err);
/* out = ct hs^a mod n^2 for a valid ciphertext ct. */
mpc_status	pai_djn_rerandomize(const pai_pub *pk, const pai_djn *d, mpz_t out,
								const mpz_t ct, mpc_error *err);

#endif
