/* djn.c: fixed-base Paillier encryption (see djn.h). */
#include "djn.h"

#include <string.h>

#include "ifma.h"
#include "ifma8.h"
#include "serial.h"
#include "sha256.h"

static const char DJN_LABEL[] = "mpc_eigentrust djn v1";

mpc_status
pai_djn_base(const pai_pub *pk, mpz_t hs, mpc_error *err)
{
	unsigned char nbuf[PAI_MAX_BITS / 8];
	unsigned char xbuf[PAI_MAX_BITS / 8 + 16];
	size_t		xlen = pk->nbytes + 16;
	mpz_t		x, g;
	unsigned	attempt;
	mpc_status	st = MPC_OK;

	if (pk->nbytes > sizeof(nbuf))
		return mpc_fail(err, MPC_ERR_KEY, "modulus too large");
	mpz_export(nbuf, NULL, 1, 1, 1, 0, pk->n);
	mpz_inits(x, g, NULL);
	for (attempt = 0;; attempt++)
	{
		if (attempt == 256)
		{
			st = mpc_fail(err, MPC_ERR_KEY, "no unit found for the DJN base");
			break;
		}
		/* 16 extra bytes make the reduction mod n statistically uniform */
		{
			unsigned char at = (unsigned char) attempt;

			sha256_ctr_expand(DJN_LABEL, sizeof(DJN_LABEL) - 1, &at, 1,
							  nbuf, pk->nbytes, xbuf, xlen);
		}
		ser_from_bytes(x, xbuf, xlen);
		mpz_mod(x, x, pk->n);
		mpz_gcd(g, x, pk->n);
		if (mpz_sgn(x) != 0 && mpz_cmp_ui(g, 1) == 0)
			break;
	}
	if (st == MPC_OK)
	{
		/* h = -x^2 mod n; hs = h^n mod n^2 (all public) */
		mpz_mul(x, x, x);
		mpz_mod(x, x, pk->n);
		mpz_sub(x, pk->n, x);
		/* with IFMA, its fixed-window power is several times faster than
		 * mpz_powm here (the first encryption under a key pays for it) */
		if (ifma_available() && ifma_digits(mpz_sizeinbase(pk->n2, 2)) != 0)
			mpc_powm_sec(hs, x, pk->n, pk->nbits, pk->n2);
		else
			mpz_powm(hs, x, pk->n, pk->n2);
	}
	mpz_clears(x, g, NULL);
	return st;
}

static size_t
djn_abits(const pai_pub *pk)
{
	return (pk->nbits + 1) / 2;
}

size_t
pai_djn_table_bytes(const pai_pub *pk, unsigned window)
{
	return fb_table_bytes(mpz_sizeinbase(pk->n2, 2), djn_abits(pk), window);
}

mpc_status
pai_djn_init(pai_djn *d, const pai_pub *pk, unsigned window, void *buf, size_t buflen,
			 mpc_error *err)
{
	mpc_status	st;

	memset(d, 0, sizeof(*d));
	mpz_init(d->hs);
	d->abits = djn_abits(pk);
	st = pai_djn_base(pk, d->hs, err);
	if (st == MPC_OK && window > 0)
	{
		st = fb_table_init(&d->table, buf, buflen, d->hs, pk->n2, d->abits, window, err);
		d->has_table = (st == MPC_OK);
	}
	if (st != MPC_OK)
		pai_djn_clear(d);
	return st;
}

mpc_status
pai_djn_add_table(pai_djn *d, const pai_pub *pk, unsigned window, void *buf, size_t buflen,
				  mpc_error *err)
{
	mpc_status	st;

	if (d->has_table || window == 0)
		return mpc_fail(err, MPC_ERR_ARG, "the DJN state already has a table, or window is 0");
	st = fb_table_init(&d->table, buf, buflen, d->hs, pk->n2, d->abits, window, err);
	d->has_table = (st == MPC_OK);
	return st;
}

void
pai_djn_clear(pai_djn *d)
{
	mpz_clear(d->hs);
	memset(d, 0, sizeof(*d));
}

/* a = a uniform abits-bit DJN exponent (secret) */
static mpc_status
djn_exponent(const pai_djn *d, mpz_t a, mpc_error *err)
{
	unsigned char buf[PAI_MAX_BITS / 16 + 8];
	size_t		len = (d->abits + 7) / 8;
	mpc_status	st;

	if (len > sizeof(buf))
		return mpc_fail(err, MPC_ERR_ARG, "DJN exponent too large");
	st = mpc_random_bytes(buf, len, err);
	if (st != MPC_OK)
		return st;
	ser_from_bytes(a, buf, len);
	mpc_wipe(buf, len);
	mpz_fdiv_r_2exp(a, a, d->abits);
	return MPC_OK;
}

mpc_status
pai_djn_noise(const pai_pub *pk, const pai_djn *d, mpz_t out, mpc_error *err)
{
	mpz_t		a;
	mpc_status	st;

	mpz_init(a);
	st = djn_exponent(d, a, err);
	if (st != MPC_OK)
		;
	else if (d->has_table)
		st = fb_pow(&d->table, out, a, err);
	else if (mpz_sgn(a) == 0)
		mpz_set_ui(out, 1);		/* probability 2^-abits; powm_sec needs e > 0 */
	else
		mpc_powm_sec(out, d->hs, a, d->abits, pk->n2);
	mpc_wipe(a->_mp_d, (size_t) a->_mp_alloc * sizeof(mp_limb_t));
	mpz_clear(a);
	return st;
}

mpc_status
pai_djn_encrypt(const pai_pub *pk, const pai_djn *d, mpz_t c, const mpz_t m, mpc_error *err)
{
	mpz_t		x;
	mpc_status	st;

	if (mpz_sgn(m) < 0 || mpz_cmp(m, pk->n) >= 0)
		return mpc_fail(err, MPC_ERR_ARG, "plaintext is not in the range 0 <= m < n");
	mpz_init(x);
	st = pai_djn_noise(pk, d, x, err);
	if (st == MPC_OK)
		pai_mul_one_plus_mn(pk, c, m, x);
	mpz_clear(x);
	return st;
}

mpc_status
pai_djn_encrypt_many(const pai_pub *pk, const pai_djn *d, mpz_t *c, const mpz_t *m, size_t count,
					 mpc_error *err)
{
	mpz_t		a[IFMA8_LANES],
				x[IFMA8_LANES];
	size_t		i,
				l;
	mpc_status	st = MPC_OK;

	for (i = 0; i < count; i++)
		if (mpz_sgn(m[i]) < 0 || mpz_cmp(m[i], pk->n) >= 0)
			return mpc_fail(err, MPC_ERR_ARG, "plaintext is not in the range 0 <= m < n");
	i = 0;
	if (d->has_table && d->table.use_ifma && ifma_available())
	{
		for (l = 0; l < IFMA8_LANES; l++)
			mpz_inits(a[l], x[l], NULL);
		/* whole groups of eight, and a last group of at least four (its
		 * spare lanes get exponents of their own, and are dropped) */
		for (; st == MPC_OK && count - i >= 4; i += (count - i < IFMA8_LANES ? count - i : IFMA8_LANES))
		{
			for (l = 0; l < IFMA8_LANES && st == MPC_OK; l++)
				st = djn_exponent(d, a[l], err);
			if (st == MPC_OK)
				st = fb_pow8(&d->table, x, (const mpz_t *) a, err);
			for (l = 0; st == MPC_OK && l < IFMA8_LANES && i + l < count; l++)
				pai_mul_one_plus_mn(pk, c[i + l], m[i + l], x[l]);
		}
		for (l = 0; l < IFMA8_LANES; l++)
		{
			mpc_wipe(a[l]->_mp_d, (size_t) a[l]->_mp_alloc * sizeof(mp_limb_t));
			mpc_wipe(x[l]->_mp_d, (size_t) x[l]->_mp_alloc * sizeof(mp_limb_t));
			mpz_clears(a[l], x[l], NULL);
		}
	}
	for (; st == MPC_OK && i < count; i++)
		st = pai_djn_encrypt(pk, d, c[i], m[i], err);
	return st;
}

mpc_status
pai_djn_rerandomize(const pai_pub *pk, const pai_djn *d, mpz_t out, const mpz_t ct,
					mpc_error *err)
{
	mpz_t		x;
	mpc_status	st = pai_check_ciphertext(pk, ct, 0, err);

	if (st != MPC_OK)
		return st;
	mpz_init(x);
	st = pai_djn_noise(pk, d, x, err);
	if (st == MPC_OK)
	{
		mpz_mul(out, ct, x);
		mpz_mod(out, out, pk->n2);
	}
	mpz_clear(x);
	return st;
}
