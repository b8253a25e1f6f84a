/*
 * packing.h: several signed fixed-point values in one Paillier plaintext.
 *
 * k values v_0..v_(k-1) of a layout with b-bit slots are packed as the signed
 * integer M = sum_j v_j 2^(b j), stored mod n like any signed value
 * (encoding.h).  Adding packed ciphertexts adds M, and since each slot sum
 * stays inside [-(2^(b-1) - 1), 2^(b-1) - 1] the slots come back by balanced
 * base-2^b digits: v_0 = M mods 2^b, M = (M - v_0) / 2^b, and so on.  A
 * negative slot borrows from the next one and the decoding gives it back,
 * so no offsets are needed.
 *
 * Headroom: a layout allows max_terms packed encryptions to be added up;
 * h = ceil(log2(max_terms)) bits are kept free, and each encrypted value must
 * satisfy |v| <= 2^(b - 1 - h) - 1.  Then any sum of up to max_terms
 * encryptions stays inside its slot (max_terms (2^(b-1-h) - 1) < 2^(b-1)).
 * The caller tracks the number of terms and refuses an addition past
 * max_terms.  k b <= |n| - 3 keeps |M| below n/3, so the decryption's
 * overflow band check still applies.
 */
#ifndef MPC_PACKING_H
#define MPC_PACKING_H

#include <gmp.h>

#include "mpc_common.h"
#include "paillier.h"

#define PACK_MIN_SLOT_BITS 8
#define PACK_MAX_SLOT_BITS 4096
#define PACK_MAX_TERMS 1000000000UL

/* ceil(log2(max_terms)), 0 for max_terms = 1. */
unsigned	pack_headroom_bits(unsigned long max_terms);
/* Slots of b bits that fit in one plaintext of this key. */
size_t		pack_max_slots(const pai_pub *pk, unsigned slot_bits);
/* Check a layout: 1 <= slots <= pack_max_slots, slot_bits in range,
 * 1 <= max_terms <= PACK_MAX_TERMS, and at least one value bit left. */
mpc_status	pack_check_layout(const pai_pub *pk, size_t slots, unsigned slot_bits,
							  unsigned long max_terms, mpc_error *err);
/* Largest |value| a slot accepts at encryption: 2^(b - 1 - h) - 1. */
void		pack_value_bound(mpz_t bound, unsigned slot_bits, unsigned long max_terms);

/* m = (sum_j v_j 2^(b j)) mod n; MPC_ERR_OVERFLOW (naming the slot) when a
 * value exceeds pack_value_bound. */
mpc_status	pack_encode(const pai_pub *pk, mpz_t m, const mpz_t *v, size_t slots,
						unsigned slot_bits, unsigned long max_terms, mpc_error *err);
/* The slots of a decrypted residue m; MPC_ERR_OVERFLOW when m is in the
 * overflow band or does not decode into exactly 'slots' slots. */
mpc_status	pack_decode(const pai_pub *pk, mpz_t *v, const mpz_t m, size_t slots,
						unsigned slot_bits, mpc_error *err);

/* Pack existing ciphertexts: out = Enc(sum_j v_j 2^(b j)) from cts[j] =
 * Enc(v_j), by Horner's rule ((count - 1) b squarings).  The caller vouches
 * for |v_j| <= pack_value_bound; out is not re-randomised. */
mpc_status	pack_ciphertexts(const pai_pub *pk, mpz_t out, const mpz_t *cts, size_t count,
							 unsigned slot_bits, mpc_error *err);

#endif
