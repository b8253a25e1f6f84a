/*
 * protocol.h: the arithmetic of private EigenTrust across parties
 * (docs/design.md, "Private EigenTrust protocol and threat model").
 *
 * - a party's local rows: duplicates summed, self ratings dropped, negative
 *   sums clipped, rows normalised, rows without positive trust marked
 *   dangling (the definitions of plain EigenTrust, FACTS.md §4);
 * (encryption, re-randomisation and fixed-base powers come from the core's
 *   djn.h and fixedbase.h);
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
#define PET_ONE_T		INT64_C(1000000000000)		/* 1 at scale PET_SCALE_T */
#define PET_ONE_C		INT64_C(1000000000000)		/* 1 at scale PET_SCALE_C */
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

/* ---- wire format of a ciphertext vector (big-endian header) ----
 *   0  'P' 'E' 'T' 1        magic and version
 *   4  kind                 1: one value per ciphertext; 3: slots (a paper-mode
 *                           party's partial sums, packing.h layout); 2, the
 *                           retired fast mode's packing, is refused
 *   5  slot_bits            0 (kind 1) or the bits of a slot (kind 3)
 *   6  scale (int16)        decimal scale of the values
 *   8  count (uint32)       number of values
 *  12  nct (uint32)         number of ciphertexts
 *  16  nbytes (uint32)      bytes of n; each ciphertext takes 2 nbytes
 *  20  fp[8]                key fingerprint
 *  28  ciphertexts          nct * 2 nbytes, fixed width
 */
#define PET_VEC_HDR		28
#define PET_KIND_PLAIN	1
#define PET_KIND_PACKED	2		/* the retired fast mode's; refused */
#define PET_KIND_SLOTS	3		/* count values in nct ciphertexts, see below */

/*
 * Kind 3 (slots): value k of the vector sits in slot k mod S of ciphertext
 * k / S, where S = ceil(count / nct) values share one ciphertext (the last
 * holds the rest) as sum_s v_s 2^(slot_bits s) (packing.h: signed slots,
 * decoded by balanced digits).  S slots of slot_bits must fit the key
 * (pack_max_slots).  A party packs its partial sums so that the key holder
 * decrypts S times fewer ciphertexts and the party re-randomises S times
 * fewer.
 */

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

/* ---- vector arithmetic (protocol_vec.c) ----
 * Vectors are byte buffers in the wire format above, of
 * pet_vec_bytes(pk, count) bytes; the caller allocates them.  Every call
 * polls the interrupt hook in its loops (MPC_ERR_INTERRUPTED).
 */
#include "djn.h"
#include "threshold.h"

/* Scale of a party's vector in paper mode: t times c_ij. */
#define PET_SCALE_TC	(PET_SCALE_T + PET_SCALE_C)

/* Bytes of a plain vector of count values under pk (0 when too large). */
size_t		pet_vec_bytes(const pai_pub *pk, uint32_t count);
/* Write the header of a plain vector of count values at scale under pk. */
void		pet_vec_init(unsigned char *v, const pai_pub *pk, int scale, uint32_t count);
/* Ciphertext k of a vector whose header is h. */
void		pet_vec_get(const unsigned char *v, const pet_vec_hdr *h, uint32_t k, mpz_t c);
mpc_status	pet_vec_put(unsigned char *v, const pai_pub *pk, uint32_t k, const mpz_t c,
						mpc_error *err);

/* x = v, an int64 as a signed mpz. */
void		pet_set_i64(mpz_t x, int64_t v);

/* Encrypt vals[0..n) / 10^scale into v (DJN encryption with table djn). */
mpc_status	pet_vec_encrypt(const pai_pub *pk, const pai_djn *djn, const int64_t *vals,
							uint32_t n, int scale, unsigned char *v, mpc_error *err);

/* The ciphertext-wise product (homomorphic sum) of k vectors of one shape
 * (kind, slots, count, scale) under pk into out (as large as each); every
 * ciphertext is checked. */
mpc_status	pet_vec_product(const pai_pub *pk, const unsigned char *const *vecs,
							const size_t *lens, int k, unsigned char *out, mpc_error *err);

/* Decrypt every value of v (kind 1 or 3), rounded half away from zero to
 * out_scale. */
mpc_status	pet_vec_decrypt(const pai_priv *sk, const unsigned char *v, size_t len,
							int out_scale, int64_t *vals, mpc_error *err);

/*
 * Threshold decryption of v from m answers of nct decryption shares each
 * (ds[a * nct + q] is answer a's share of ciphertext q, NULL for none),
 * rounded to out_scale.  Per ciphertext the first thr shares that are under
 * pk, of that ciphertext and of one dealing are combined after their proofs
 * are checked; a share that fails is skipped.  *nbad counts the skipped
 * ones, *first_bad names the first; MPC_ERR_CIPHERTEXT when fewer than thr
 * good shares of a ciphertext remain (*bad_ct is its 0-based index).
 */
mpc_status	pet_vec_thr_decrypt(const pai_pub *pk, const unsigned char *v, size_t len,
								thr_decshare *ds, int m, int thr, int out_scale,
								int64_t *vals, int *first_bad, int *nbad, uint32_t *bad_ct,
								mpc_error *err);

/*
 * A party's paper-mode vector: for every j, the product over its rows of
 * Enc(t_i)^(c_ij) (c_ij at scale PET_SCALE_C, constant-time fixed-base
 * powers) times Enc(sum of its dangling t_i)^(p_j), re-randomised, into out
 * (pet_vec_bytes(pk, n) bytes).  e[0..kept) are the kept entries sorted by
 * truster (pet_rows_build), hosted/dangling its rows, enc_t Enc(t) under pk
 * at scale PET_SCALE_T.
 */
mpc_status	pet_party_vector(const pai_pub *pk, const pai_djn *djn, const pet_edge *e,
							 size_t kept, const uint32_t *hosted, const unsigned char *dangling,
							 size_t nrows, const unsigned char *enc_t, size_t enc_len,
							 const int64_t *p, uint32_t n, unsigned char *out, mpc_error *err);

/*
 * Paper-mode slot layout for np parties: a party's partial sum at scale
 * PET_SCALE_TC is at most (sum of its trusters' t) * PET_ONE_C < 2^80 (t
 * sums to 1 at scale PET_SCALE_T, c_ij and p_j are at most 1 at scale
 * PET_SCALE_C), so a slot holds 80 value bits, a sign bit and
 * ceil(log2(np)) bits of headroom for the sum over the parties
 * (packing.h's bound for np terms).
 */
#define PET_SLOT_VALUE_BITS	80
unsigned	pet_slot_bits(uint32_t np);
/* Bytes of a kind-3 vector of count values in slots of slot_bits under pk
 * (0 when no slot fits or too large); *nct receives its ciphertexts. */
size_t		pet_slots_bytes(const pai_pub *pk, uint32_t count, unsigned slot_bits, uint32_t *nct);

/*
 * The same vector as pet_party_vector, packed: kind 3 with pet_slot_bits(np)
 * bits a slot (pet_slots_bytes(pk, n, pet_slot_bits(np)) bytes into out),
 * each ciphertext re-randomised once.  The slots are filled by Horner's rule
 * on the ciphertexts (eight at a time on the multi-buffer IFMA products
 * where the CPU has them).
 */
mpc_status	pet_party_vector_packed(const pai_pub *pk, const pai_djn *djn, const pet_edge *e,
									size_t kept, const uint32_t *hosted,
									const unsigned char *dangling, size_t nrows,
									const unsigned char *enc_t, size_t enc_len, const int64_t *p,
									uint32_t n, uint32_t np, unsigned char *out, mpc_error *err);

#endif
