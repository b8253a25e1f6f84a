/*
 * percentile.c: the secure comparison of percentile.h.
 */
#include <stdlib.h>
#include <string.h>

#include "authmsg.h"
#include "percentile.h"
#include "ifma.h"

size_t
pct_ct_bytes(const pai_pub *pk)
{
	return 2 * pk->nbytes;
}

void
pct_ct_put(const pai_pub *pk, const mpz_t c, uint8_t *out)
{
	size_t		len = pct_ct_bytes(pk);
	size_t		have = (mpz_sizeinbase(c, 2) + 7) / 8;

	memset(out, 0, len);
	if (mpz_sgn(c) != 0)
		mpz_export(out + (len - have), NULL, 1, 1, 1, 0, c);
}

mpc_status
pct_ct_get(const pai_pub *pk, const uint8_t *in, size_t len, mpz_t c, mpc_error *err)
{
	if (len != pct_ct_bytes(pk))
		return mpc_fail(err, MPC_ERR_CIPHERTEXT,
						"a ciphertext has %zu bytes, this key's have %zu", len, pct_ct_bytes(pk));
	mpz_import(c, len, 1, 1, 1, 0, in);
	return pai_check_ciphertext(pk, c, 1, err);
}

int
pct_cmp_len(int lx)
{
	return lx + PCT_SIGMA + 1;
}

static mpc_status
check_lx(const pai_pub *pk, int lx, mpc_error *err)
{
	if (lx < 1 || lx > PCT_MAX_LX)
		return mpc_fail(err, MPC_ERR_ARG, "the bit length of the compared value must be between 1 and %d, not %d",
						PCT_MAX_LX, lx);
	if (pk->nbits < (size_t) pct_cmp_len(lx) + 2)
		return mpc_fail(err, MPC_ERR_KEY, "a %zu-bit key is too small for a %d-bit comparison",
						pk->nbits, pct_cmp_len(lx));
	return MPC_OK;
}

/* A uniform value in [0, 2^bits). */
static mpc_status
random_bits(mpz_t out, int bits, mpc_error *err)
{
	size_t		nb = ((size_t) bits + 7) / 8;
	uint8_t		buf[(PCT_MAX_LX + PCT_SIGMA + 16) / 8 + 1];
	mpc_status	st;

	if (nb > sizeof(buf))
		return mpc_fail(err, MPC_ERR_INTERNAL, "random_bits: %d bits is too many", bits);
	st = mpc_random_bytes(buf, nb, err);
	if (st != MPC_OK)
		return st;
	mpz_import(out, nb, 1, 1, 1, 0, buf);
	mpz_fdiv_r_2exp(out, out, (mp_bitcnt_t) bits);
	mpc_wipe(buf, sizeof(buf));
	return MPC_OK;
}

/* A uniform integer in [0, bound), bound <= 2^32, by rejection. */
static mpc_status
random_below(uint32_t bound, uint32_t *out, mpc_error *err)
{
	uint64_t	limit = ((uint64_t) 1 << 32) - (((uint64_t) 1 << 32) % bound);

	for (;;)
	{
		uint32_t	v;
		mpc_status	st = mpc_random_bytes(&v, sizeof(v), err);

		if (st != MPC_OK)
			return st;
		if ((uint64_t) v < limit)
		{
			*out = (uint32_t) ((uint64_t) v % bound);
			return MPC_OK;
		}
	}
}

mpc_status
pct_mask_sum(const pai_pub *pk, const mpz_t *cts, int ncts, const mpz_t offset, int lx,
			 pct_rerand_fn rerand, mpz_t out, mpz_t R, mpc_error *err)
{
	mpz_t		acc,
				plain;
	mpc_status	st;
	int			i;

	st = check_lx(pk, lx, err);
	if (st != MPC_OK)
		return st;
	if (ncts < 1 || ncts > PCT_MAX_INPUTS)
		return mpc_fail(err, MPC_ERR_ARG, "between 1 and %d ciphertexts are summed, not %d",
						PCT_MAX_INPUTS, ncts);
	for (i = 0; i < ncts; i++)
	{
		st = pai_check_ciphertext(pk, cts[i], 1, err);
		if (st != MPC_OK)
			return st;
	}
	st = random_bits(R, lx + PCT_SIGMA, err);
	if (st != MPC_OK)
		return st;
	mpz_inits(acc, plain, NULL);
	mpz_set(acc, cts[0]);
	for (i = 1; i < ncts; i++)
		pai_add(pk, acc, acc, cts[i]);
	mpz_add(plain, offset, R);
	mpz_mod(plain, plain, pk->n);
	pai_add_plain(pk, acc, acc, plain);
	st = rerand(pk, out, acc, err);
	mpz_clears(acc, plain, NULL);
	return st;
}

mpc_status
pct_cmp_bits(const pai_priv *sk, const mpz_t ct, int lx, pct_encrypt_fn enc, mpz_t *bits,
			 mpc_error *err)
{
	const pai_pub *pk = &sk->pub;
	int			l = pct_cmp_len(lx);
	mpz_t		d,
				b;
	mpc_status	st;
	int			i;

	st = check_lx(pk, lx, err);
	if (st != MPC_OK)
		return st;
	st = pai_check_ciphertext(pk, ct, 1, err);
	if (st != MPC_OK)
		return st;
	mpz_inits(d, b, NULL);
	st = pai_decrypt(sk, d, ct, err);
	if (st == MPC_OK && mpz_sizeinbase(d, 2) > (size_t) l)
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT,
					  "the masked count does not fit the comparison's %d bits", l);
	for (i = 0; st == MPC_OK && i < l; i++)
	{
		mpz_set_ui(b, (unsigned long) mpz_tstbit(d, (mp_bitcnt_t) i));
		st = enc(pk, bits[i], b, err);
		if (st == MPC_OK && mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
	mpz_set_ui(d, 0);
	mpz_clears(d, b, NULL);
	return st;
}

mpc_status
pct_cmp_blind(const pai_pub *pk, const mpz_t *bits, int lx, const mpz_t r,
			  pct_rerand_fn rerand, mpz_t *out, mpc_error *err)
{
	int			l = pct_cmp_len(lx);
	mpz_t		suffix,			/* Enc(sum_{j > i} (d_j XOR r_j)) */
				x,				/* Enc(d_i XOR r_i) */
				e,
				one,
				three,
				rho,
				t;
	mpc_status	st;
	int			i;

	st = check_lx(pk, lx, err);
	if (st != MPC_OK)
		return st;
	if (mpz_sgn(r) < 0 || mpz_sizeinbase(r, 2) > (size_t) l)
		return mpc_fail(err, MPC_ERR_ARG, "the comparison threshold must lie in [0, 2^%d)", l);
	for (i = 0; i < l; i++)
	{
		st = pai_check_ciphertext(pk, bits[i], 1, err);
		if (st != MPC_OK)
			return st;
	}
	mpz_inits(suffix, x, e, one, three, rho, t, NULL);
	mpz_set_ui(three, 3);
	mpz_set_ui(suffix, 1);		/* Enc(0) with r = 1: only ever combined, never sent */
	mpz_set_ui(one, 1);
	for (i = l - 1; i >= 0 && st == MPC_OK; i--)
	{
		int			ri = mpz_tstbit(r, (mp_bitcnt_t) i);

		/* e = d_i - r_i + 1 + 3 * suffix */
		st = pai_mul_scalar(pk, t, suffix, three, err);
		if (st != MPC_OK)
			break;
		pai_add(pk, e, bits[i], t);
		mpz_set_si(t, 1 - ri);
		mpz_mod(t, t, pk->n);
		pai_add_plain(pk, e, e, t);
		/* x = d_i XOR r_i: d_i, or 1 - d_i */
		if (ri)
		{
			st = pai_neg(pk, x, bits[i], err);
			if (st != MPC_OK)
				break;
			pai_add_plain(pk, x, x, one);
		}
		else
			mpz_set(x, bits[i]);
		pai_add(pk, suffix, suffix, x);
		/* blind: e^rho for a uniform unit rho (secret: constant time) */
		st = pai_random_unit(pk, rho, err);
		if (st != MPC_OK)
			break;
		mpc_powm_sec(t, e, rho, pk->nbits, pk->n2);
		st = rerand(pk, out[i], t, err);
		if (st == MPC_OK && mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
	/* Fisher-Yates shuffle of the l ciphertexts */
	for (i = l - 1; i > 0 && st == MPC_OK; i--)
	{
		uint32_t	j;

		st = random_below((uint32_t) i + 1, &j, err);
		if (st == MPC_OK && j != (uint32_t) i)
			mpz_swap(out[i], out[j]);
	}
	mpz_set_ui(rho, 0);
	mpz_clears(suffix, x, e, one, three, rho, t, NULL);
	return st;
}

mpc_status
pct_cmp_open(const pai_priv *sk, const mpz_t *cts, int lx, int *less, mpc_error *err)
{
	const pai_pub *pk = &sk->pub;
	int			l = pct_cmp_len(lx);
	int			zero = 0;
	mpz_t		m;
	mpc_status	st;
	int			i;

	st = check_lx(pk, lx, err);
	if (st != MPC_OK)
		return st;
	for (i = 0; i < l; i++)
	{
		st = pai_check_ciphertext(pk, cts[i], 1, err);
		if (st != MPC_OK)
			return st;
	}
	mpz_init(m);
	for (i = 0; i < l && st == MPC_OK; i++)
	{
		mpz_mod(m, cts[i], sk->p2);
		mpc_powm_sec(m, m, sk->pm1, mpz_sizeinbase(sk->p, 2), sk->p2);
		zero |= (mpz_cmp_ui(m, 1) == 0);
		if (st == MPC_OK && mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
	mpz_set_ui(m, 0);
	mpz_clear(m);
	if (st == MPC_OK)
		*less = zero;
	return st;
}

mpc_status
pct_zero_mask(const pai_pub *pk, const uint8_t *keys, int np, int self, int64_t step,
			  mpz_t mask, mpc_error *err)
{
	size_t		words = (pk->nbits + 64 + 63) / 64;
	uint64_t   *w;
	mpz_t		p;
	int			j;

	if (np < 2 || self < 1 || self > np)
		return mpc_fail(err, MPC_ERR_ARG, "party %d of %d parties: between 1 and the number of parties (at least 2) expected",
						self, np);
	w = malloc(words * sizeof(uint64_t));
	if (w == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	mpz_init(p);
	mpz_set_ui(mask, 0);
	for (j = 1; j <= np; j++)
	{
		if (j == self)
			continue;
		am_prg_fill(keys + (size_t) (j - 1) * AM_KEY_LEN, step, 0, 0, words, w);
		mpz_import(p, words, 1, sizeof(uint64_t), 0, 0, w);
		mpz_mod(p, p, pk->n);
		if (j > self)
			mpz_add(mask, mask, p);
		else
			mpz_sub(mask, mask, p);
	}
	mpz_mod(mask, mask, pk->n);
	mpc_wipe(w, words * sizeof(uint64_t));
	free(w);
	mpz_set_ui(p, 0);
	mpz_clear(p);
	return MPC_OK;
}

mpc_status
pct_encrypt_mod(const pai_pub *pk, pct_encrypt_fn enc, const mpz_t v, mpz_t c, mpc_error *err)
{
	mpz_t		m;
	mpc_status	st;

	mpz_init(m);
	mpz_mod(m, v, pk->n);
	st = enc(pk, c, m, err);
	mpc_wipe(m->_mp_d, (size_t) m->_mp_alloc * sizeof(mp_limb_t));
	mpz_clear(m);
	return st;
}
