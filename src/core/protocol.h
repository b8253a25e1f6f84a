/*
 * protocol.h: the arithmetic of private EigenTrust across parties
 * (docs/design.md, "Private EigenTrust protocol and threat model").
 *
 * - a party's local rows: duplicates summed, self ratings dropped, negative
 *   sums clipped, rows normalised, rows without positive trust marked
 *   dangling (the definitions of plain EigenTrust, FACTS.md §4);
 * - a fixed-base randomiser hs^a with hs = (-x^2)^n mod n^2 (the DJN form),
 *   so that encryption and re-randomisation cost one table walk instead of
 *   a full r^n;
 * - packing of small non-negative integers into one plaintext;
 * - the ciphertext-vector wire format the parties, the coordinator and the
 *   key holder exchange;
 * - the coordinator's fixed-point update of t.
 *
 * Nothing here allocates behind the caller's back except GMP limbs: tables
 * and arrays are passed in by the caller.
 */
#ifndef MPC_PROTOCOL_H
#define MPC_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <gmp.h>

#include "mpc_common.h"
#include "paillier.h"

/* Fixed-point scales (decimal digits), documented in docs/design.md. */
#define PET_SCALE_T		12		/* t and pre-trust p */
#define PET_SCALE_C		12		/* c_ij as exponents in paper mode */
#define PET_SCALE_U		13		/* partial sums and totals: t scale + 1 guard digit */
#define PET_SLOT_BITS	44		/* fast mode slot: 10^13 < 2^43.2, 0.8 bit of headroom */
#define PET_ONE_T		INT64_C(1000000000000)		/* 1 at scale PET_SCALE_T */
#define PET_ONE_U		INT64_C(10000000000000)		/* 1 at scale PET_SCALE_U */

/* ---- a party's local rows ---- */
typedef struct pet_edge
{
	uint32_t	i;				/* truster index into the public peer list */
	uint32_t	j;				/* trustee index */
	double		w;				/* in: summed score; out: c_ij in (0, 1] */
} pet_edge;

/*
 * Sort e[0..m) by (i, j), sum duplicates, drop i == j, keep only positive
 * sums and divide each by its row's positive total.  *kept receives the
 * number of entries left at the front of e.  hosted[0..*nrows) receives the
 * distinct trusters (ascending; a row with only self or non-positive ratings
 * still counts) and dangling[k] is 1 when hosted[k] has no positive entry.
 * hosted and dangling must hold m entries.  Scores must be finite.
 */
mpc_status	pet_rows_build(pet_edge *e, size_t m, size_t *kept, uint32_t *hosted,
						   unsigned char *dangling, size_t *nrows, mpc_error *err);

/* ---- fixed-base randomiser: hs^a mod n^2, a uniform of |n|/2 bits ---- */
typedef struct pet_rand
{
	mpz_t		n2;
	mpz_t	   *tab;			/* windows * 2^w entries, caller's storage */
	size_t		windows;
	unsigned	w;
	size_t		ebits;
} pet_rand;

/* Window width and table entries for a key of nbits and an expected number
 * of uses: the width that minimises build + uses * per-use multiplications,
 * at most 8 bits (16 MiB at 2048 bits). */
size_t		pet_rand_entries(size_t nbits, size_t uses, unsigned *w);

/* Draw x, set hs = (-x^2 mod n)^n mod n^2 and fill the table (tab must have
 * pet_rand_entries(pk->nbits, uses, &w) entries; they are mpz_init'ed here). */
mpc_status	pet_rand_init(pet_rand *r, const pai_pub *pk, mpz_t *tab, unsigned w,
						  mpc_error *err);
void		pet_rand_clear(pet_rand *r);	/* mpz_clear of every entry */

/* out = hs^a mod n^2 for a fresh uniform a: an encryption of 0. */
mpc_status	pet_rand_zero(const pet_rand *r, mpz_t out, mpc_error *err);

/* c = (1 + m n) hs^a mod n^2, 0 <= m < n. */
mpc_status	pet_encrypt(const pai_pub *pk, const pet_rand *r, mpz_t c, const mpz_t m,
						mpc_error *err);

/* ---- one base, many small exponents (paper mode: Enc(t_i)^c_ij) ----
 * A windowed table of base^(d 2^(w k)) serves every exponent of one base;
 * the width minimises table + uses * windows multiplications.  tab must hold
 * PET_POW_TAB mpz_t's, initialised by the caller, for exponents < 2^64.
 * The arithmetic is plain GMP: its timing depends on the exponent bits
 * (docs/design.md discusses this local side channel). */
#define PET_POW_TAB 256

typedef struct pet_pow
{
	mpz_t	   *tab;
	unsigned	w;
	unsigned	ebits;
	size_t		windows;
} pet_pow;

mpc_status	pet_pow_prepare(pet_pow *pw, const pai_pub *pk, mpz_t *tab, const mpz_t base,
							unsigned ebits, size_t uses, mpc_error *err);
/* out = base^e mod n^2 for e < 2^ebits (e = 0 gives 1) */
mpc_status	pet_pow_get(const pet_pow *pw, const pai_pub *pk, mpz_t out, uint64_t e,
						mpc_error *err);

/* ---- packing ---- */
/* Slots of slot_bits in one plaintext of an nbits modulus (the packed value
 * stays below 2^(nbits-2) < n/3, so it is never read as negative). */
size_t		pet_slots(size_t nbits, unsigned slot_bits);
/* m = sum v[i] 2^(slot_bits i); every v[i] < 2^slot_bits, slot_bits <= 63 */
mpc_status	pet_pack(mpz_t m, const uint64_t *v, size_t k, unsigned slot_bits, mpc_error *err);
/* the inverse; m must be < 2^(slot_bits k) */
mpc_status	pet_unpack(const mpz_t m, uint64_t *v, size_t k, unsigned slot_bits, mpc_error *err);

/* ---- wire format of a ciphertext vector (big-endian header) ----
 *   0  'P' 'E' 'T' 1        magic and version
 *   4  kind                 1: one value per ciphertext, 2: packed
 *   5  slot_bits            packed: bits per slot; else 0
 *   6  scale (int16)        decimal scale of the values
 *   8  count (uint32)       number of values
 *  12  nct (uint32)         number of ciphertexts
 *  16  nbytes (uint32)      bytes of n; each ciphertext takes 2 nbytes
 *  20  fp[8]                key fingerprint
 *  28  ciphertexts          nct * 2 nbytes, fixed width
 */
#define PET_VEC_HDR		28
#define PET_KIND_PLAIN	1
#define PET_KIND_PACKED	2

typedef struct pet_vec_hdr
{
	int			kind;
	int			slot_bits;
	int			scale;
	uint32_t	count;
	uint32_t	nct;
	uint32_t	nbytes;
	unsigned char fp[PAI_FP_LEN];
} pet_vec_hdr;

void		pet_vec_write_hdr(const pet_vec_hdr *h, unsigned char *out);
/* Parse and check a header against its total length and a key. */
mpc_status	pet_vec_read_hdr(pet_vec_hdr *h, const unsigned char *in, size_t len,
							 const pai_pub *pk, mpc_error *err);

/* ---- the coordinator's update ----
 * sums[j] (scale PET_SCALE_U) are the decrypted totals sum_i t_i c_ij over
 * hosted, non-dangling rows plus the hosted dangling mass times p_j.  Peers
 * no party hosts are dangling in public: their mass U = sum t_i times p_j is
 * added here.  t_next_j = round((1 - a)(sums_j + U p_j) + a p_j) at scale
 * PET_SCALE_T; *residual = ||t_next - t||_1 as a fraction.
 */
mpc_status	pet_next(size_t n, const int64_t *sums, const int64_t *t, const int64_t *p,
					 const unsigned char *hosted, double alpha, int64_t *t_next,
					 double *residual, mpc_error *err);

#endif
