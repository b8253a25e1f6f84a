/* packing.c: slots of signed values in one plaintext (see packing.h). */
#include "packing.h"

#include "encoding.h"

unsigned
pack_headroom_bits(unsigned long max_terms)
{
	unsigned	h = 0;

	while (h < 64 && (1UL << h) < max_terms)
		h++;
	return h;
}

size_t
pack_max_slots(const pai_pub *pk, unsigned slot_bits)
{
	if (slot_bits == 0 || pk->nbits < 3)
		return 0;
	return (pk->nbits - 3) / slot_bits;
}

mpc_status
pack_check_layout(const pai_pub *pk, size_t slots, unsigned slot_bits,
				  unsigned long max_terms, mpc_error *err)
{
	size_t		maxk;

	if (slot_bits < PACK_MIN_SLOT_BITS || slot_bits > PACK_MAX_SLOT_BITS)
		return mpc_fail(err, MPC_ERR_ARG, "slot_bits must be between %d and %d, got %u",
						PACK_MIN_SLOT_BITS, PACK_MAX_SLOT_BITS, slot_bits);
	if (max_terms < 1 || max_terms > PACK_MAX_TERMS)
		return mpc_fail(err, MPC_ERR_ARG, "max_terms must be between 1 and %lu, got %lu",
						PACK_MAX_TERMS, max_terms);
	if (pack_headroom_bits(max_terms) + 2 > slot_bits)
		return mpc_fail(err, MPC_ERR_ARG,
						"slot_bits %u leave no room for values with max_terms %lu",
						slot_bits, max_terms);
	maxk = pack_max_slots(pk, slot_bits);
	if (slots < 1 || slots > maxk)
		return mpc_fail(err, MPC_ERR_ARG,
						"%zu slots of %u bits do not fit a %zu-bit key (at most %zu)",
						slots, slot_bits, pk->nbits, maxk);
	return MPC_OK;
}

void
pack_value_bound(mpz_t bound, unsigned slot_bits, unsigned long max_terms)
{
	mpz_set_ui(bound, 0);
	mpz_setbit(bound, slot_bits - 1 - pack_headroom_bits(max_terms));
	mpz_sub_ui(bound, bound, 1);
}

mpc_status
pack_encode(const pai_pub *pk, mpz_t m, const mpz_t *v, size_t slots, unsigned slot_bits,
			unsigned long max_terms, mpc_error *err)
{
	mpz_t		bound,
				acc;
	size_t		j;
	mpc_status	st = pack_check_layout(pk, slots, slot_bits, max_terms, err);

	if (st != MPC_OK)
		return st;
	mpz_inits(bound, acc, NULL);
	pack_value_bound(bound, slot_bits, max_terms);
	for (j = slots; j-- > 0;)
	{
		if (mpz_cmpabs(v[j], bound) > 0)
		{
			st = mpc_fail(err, MPC_ERR_OVERFLOW,
						  "value %zu does not fit its slot: |value * 10^scale| must be at most 2^%u - 1 with slot_bits %u and max_terms %lu",
						  j + 1, slot_bits - 1 - pack_headroom_bits(max_terms), slot_bits,
						  max_terms);
			break;
		}
		mpz_mul_2exp(acc, acc, slot_bits);
		mpz_add(acc, acc, v[j]);
	}
	if (st == MPC_OK)
		st = enc_to_residue(pk, m, acc, err);
	mpz_clears(bound, acc, NULL);
	return st;
}

mpc_status
pack_decode(const pai_pub *pk, mpz_t *v, const mpz_t m, size_t slots, unsigned slot_bits,
			mpc_error *err)
{
	mpz_t		acc;
	size_t		j;
	mpc_status	st;

	if (slot_bits < PACK_MIN_SLOT_BITS || slot_bits > PACK_MAX_SLOT_BITS || slots < 1)
		return mpc_fail(err, MPC_ERR_ARG, "invalid packing layout");
	mpz_init(acc);
	st = enc_from_residue(pk, acc, m, err);
	for (j = 0; st == MPC_OK && j < slots; j++)
	{
		/* balanced digit in [-2^(b-1), 2^(b-1)) */
		mpz_fdiv_r_2exp(v[j], acc, slot_bits);
		if (mpz_tstbit(v[j], slot_bits - 1))
		{
			mpz_t		t;

			mpz_init(t);
			mpz_setbit(t, slot_bits);
			mpz_sub(v[j], v[j], t);
			mpz_clear(t);
		}
		mpz_sub(acc, acc, v[j]);
		mpz_fdiv_q_2exp(acc, acc, slot_bits);	/* exact */
	}
	if (st == MPC_OK && mpz_sgn(acc) != 0)
		st = mpc_fail(err, MPC_ERR_OVERFLOW,
					  "the packed value does not decode into %zu slots of %u bits: a slot overflowed",
					  slots, slot_bits);
	mpz_clear(acc);
	return st;
}

mpc_status
pack_ciphertexts(const pai_pub *pk, mpz_t out, const mpz_t *cts, size_t count,
				 unsigned slot_bits, mpc_error *err)
{
	mpz_t		e,
				acc;
	size_t		j;
	mpc_status	st = MPC_OK;

	if (count < 1)
		return mpc_fail(err, MPC_ERR_ARG, "nothing to pack");
	for (j = 0; j < count && st == MPC_OK; j++)
		st = pai_check_ciphertext(pk, cts[j], 0, err);
	if (st != MPC_OK)
		return st;
	mpz_inits(e, acc, NULL);
	mpz_setbit(e, slot_bits);
	mpz_set(acc, cts[count - 1]);
	for (j = count - 1; j-- > 0;)
	{
		if (mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			break;
		}
		/* acc = acc^(2^b) cts[j]: shift everything one slot up */
		mpz_powm(acc, acc, e, pk->n2);
		mpz_mul(acc, acc, cts[j]);
		mpz_mod(acc, acc, pk->n2);
	}
	if (st == MPC_OK)
		mpz_set(out, acc);
	mpz_clears(e, acc, NULL);
	return st;
}
