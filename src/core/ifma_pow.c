/*
 * ifma_pow.c: fixed-window exponentiation on the IFMA product (ifma.c),
 * constant time in the exponent, and mpc_powm_sec, which takes it when the
 * CPU has IFMA and GMP's mpz_powm_sec / mpn_sec_powm otherwise (see ifma.h).
 */
#include "ifma.h"

#include "ct.h"
#include "ifma_priv.h"

#include <string.h>

/* window width for an exponent of ebits bits: the one with the fewest
 * products (squarings + one per window + table) */
unsigned
ifma_pow_window(size_t ebits)
{
	unsigned	k,
				best = 1;
	size_t		best_cost = (size_t) -1;

	for (k = 1; k <= 7; k++)
	{
		size_t		cost = ebits + (ebits + k - 1) / k + ((size_t) 1 << k);

		if (cost < best_cost)
		{
			best_cost = cost;
			best = k;
		}
	}
	return best;
}

/* rp[0, nlimbs) = base^e mod N; base[0, bn) < N; e[0, elimbs_in) < 2^ebits */
static void
powm_limbs(const ifma_ctx *c, mp_limb_t *rp, const mp_limb_t *bp, size_t bn,
		   const mp_limb_t *ep, size_t en, size_t ebits)
{
	size_t		D = c->digits,
				count,
				windows,
				elimbs,
				total,
				d;
	unsigned	k;
	mpz_t		scratch;
	uint64_t   *tab,
			   *acc,
			   *sel;
	mp_limb_t  *ebuf;
	long		w;
	mp_limb_t	one_limb = 1;

	k = ifma_pow_window(ebits);
	count = (size_t) 1 << k;
	windows = (ebits + k - 1) / k;
	elimbs = limbs_for_bits(ebits) + 1;
	total = 8 + (count + 2) * D + (elimbs * sizeof(mp_limb_t) + 7) / 8;

	mpz_init(scratch);
	tab = align64(mpz_limbs_write(scratch, (mp_size_t) total));
	acc = tab + count * D;
	sel = acc + D;
	ebuf = (mp_limb_t *) (sel + D);
	memset(ebuf, 0, elimbs * sizeof(mp_limb_t));
	memcpy(ebuf, ep, (en < elimbs ? en : elimbs) * sizeof(mp_limb_t));

	ifma_to_mont_limbs(c, tab, &one_limb, 1);
	ifma_to_mont_limbs(c, tab + D, bp, bn);
	for (d = 2; d < count; d++)
		ifma_mul(c, tab + d * D, tab + (d - 1) * D, tab + D);

	for (w = (long) windows - 1; w >= 0; w--)
	{
		uint64_t	digit = mpc_window_digit(ebuf, (size_t) w * k, k);
		unsigned	s;

		if (w == (long) windows - 1)
		{
			ifma_select(c, acc, tab, count, digit);
			continue;
		}
		for (s = 0; s < k; s++)
			ifma_mul(c, acc, acc, acc);
		ifma_select(c, sel, tab, count, digit);
		ifma_mul(c, acc, acc, sel);
	}
	ifma_from_mont_limbs(c, rp, acc);
	mpc_wipe(tab, (count + 2) * D * sizeof(uint64_t) + elimbs * sizeof(mp_limb_t));
	mpz_clear(scratch);
}

mpc_status
ifma_powm(const ifma_ctx *c, mpz_t out, const mpz_t base, const mpz_t e, size_t ebits,
		  mpc_error *err)
{
	mp_limb_t	r[IFMA_MAX_DIGITS * 52 / 64 + 1];

	if (mpz_sgn(e) < 0 || ebits == 0 || mpc_ct_exceeds_bits(e, ebits))
		return mpc_fail(err, MPC_ERR_ARG, "exponent out of range");
	if (mpz_sgn(base) < 0 || mpz_size(base) > c->nlimbs)
		return mpc_fail(err, MPC_ERR_ARG, "base out of range");
	powm_limbs(c, r, mpz_limbs_read(base), mpz_size(base), mpz_limbs_read(e), mpz_size(e),
			   ebits);
	mpc_ct_mpz_set_limbs(out, r, c->nlimbs);
	mpc_wipe(r, sizeof(r));
	return MPC_OK;
}

mpc_status
ifma_powm_mod(mpz_t out, const mpz_t base, const mpz_t e, size_t ebits, const mpz_t mod,
			  mpc_error *err)
{
	size_t		bytes = ifma_ctx_bytes(mpz_sizeinbase(mod, 2));
	mpz_t		buf;
	mp_limb_t  *mem;
	ifma_ctx	c;
	mpc_status	st;

	if (bytes == 0)
		return mpc_fail(err, MPC_ERR_ARG, "modulus too large for the IFMA path");

	mpz_init(buf);
	mem = mpz_limbs_write(buf, (mp_size_t) (bytes / sizeof(mp_limb_t) + 1));
	st = ifma_ctx_init(&c, mem, bytes, mod, err);
	if (st == MPC_OK)
		st = ifma_powm(&c, out, base, e, ebits, err);
	mpc_wipe(mem, bytes);
	mpz_clear(buf);
	return st;
}

void
mpc_powm_sec(mpz_t out, const mpz_t base, const mpz_t e, size_t ebits, const mpz_t mod)
{
	mpc_error	err;
	mpz_t		b;

	mpz_init(b);
	if (mpz_sgn(base) < 0 || mpz_cmp(base, mod) >= 0)
		mpz_mod(b, base, mod);
	else
		mpz_set(b, base);
	if (mpc_ct_exceeds_bits(e, ebits))
		ebits = mpz_sizeinbase(e, 2);	/* a caller's bug; stay correct */
	/* ifma_powm_mod refuses moduli too large for IFMA; GMP takes those */
	if (!(ifma_available() && ifma_powm_mod(out, b, e, ebits, mod, &err) == MPC_OK))
	{
		if (mpz_sgn(e) == 0)
			mpz_set_ui(out, 1);		/* mpz_powm_sec needs e > 0 */
		else
			mpz_powm_sec(out, b, e, mod);
	}
	mpc_wipe(b->_mp_d, (size_t) b->_mp_alloc * sizeof(mp_limb_t));
	mpz_clear(b);
}

void
mpc_powm_sec_limbs(mp_limb_t *rp, const mp_limb_t *bp, const mp_limb_t *ep, size_t ebits,
				   const mp_limb_t *mp, size_t n, size_t modbits)
{
	size_t		bytes = ifma_ctx_bytes(modbits);
	mpz_t		buf;
	mp_limb_t  *mem;
	ifma_ctx	c;
	mpc_error	err;

	mpz_init(buf);
	if (ifma_available() && bytes != 0)
	{
		mem = mpz_limbs_write(buf, (mp_size_t) (bytes / sizeof(mp_limb_t) + 1));
		if (ifma_ctx_init_limbs(&c, mem, bytes, mp, n, modbits, &err) == MPC_OK)
		{
			powm_limbs(&c, rp, bp, n, ep, (ebits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS, ebits);
			mpc_wipe(mem, bytes);
			mpz_clear(buf);
			return;
		}
	}
	else
	{
		size_t		tn = (size_t) mpn_sec_powm_itch((mp_size_t) n, (mp_bitcnt_t) ebits,
													(mp_size_t) n);

		mem = mpz_limbs_write(buf, (mp_size_t) tn);
		mpn_sec_powm(rp, bp, (mp_size_t) n, ep, (mp_bitcnt_t) ebits, mp, (mp_size_t) n, mem);
		mpc_wipe(mem, tn * sizeof(mp_limb_t));
	}
	mpz_clear(buf);
}
