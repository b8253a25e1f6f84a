/* encoding.c: signed fixed point <-> Paillier plaintext residues. */
#include "encoding.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

mpc_status
enc_check_scale(long scale, mpc_error *err)
{
	if (scale < 0 || scale > PAI_MAX_SCALE)
		return mpc_fail(err, MPC_ERR_ARG, "scale must be between 0 and %d, got %ld",
						PAI_MAX_SCALE, scale);
	return MPC_OK;
}

mpc_status
enc_to_residue(const pai_pub *pk, mpz_t m, const mpz_t v, mpc_error *err)
{
	if (mpz_cmpabs(v, pk->max_int) > 0)
		return mpc_fail(err, MPC_ERR_OVERFLOW,
						"value is out of range for this key: |value * 10^scale| must be at most floor(n/3) - 1 (a %zu-bit number)",
						mpz_sizeinbase(pk->max_int, 2));
	mpz_mod(m, v, pk->n);
	return MPC_OK;
}

mpc_status
enc_from_residue(const pai_pub *pk, mpz_t v, const mpz_t m, mpc_error *err)
{
	mpz_t		neg;
	mpc_status	st = MPC_OK;

	if (mpz_sgn(m) < 0 || mpz_cmp(m, pk->n) >= 0)
		return mpc_fail(err, MPC_ERR_INTERNAL, "residue is not reduced mod n");
	if (mpz_cmp(m, pk->max_int) <= 0)
	{
		mpz_set(v, m);
		return MPC_OK;
	}
	mpz_init(neg);
	mpz_sub(neg, pk->n, m);		/* |v| if v is negative */
	if (mpz_cmp(neg, pk->max_int) <= 0)
		mpz_neg(v, neg);
	else
		st = mpc_fail(err, MPC_ERR_OVERFLOW,
					  "the computation overflowed: the decrypted value lies in the overflow band between n/3 and 2n/3");
	mpz_clear(neg);
	return st;
}

mpc_status
enc_parse_decimal(const char *s, int scale, mpz_t v, mpc_error *err)
{
	const char *ip,
			   *fp = NULL;
	size_t		ilen = 0,
				flen = 0,
				i,
				pos = 0;
	int			neg = 0;
	char	   *buf;
	mpc_status	st;

	if ((st = enc_check_scale(scale, err)) != MPC_OK)
		return st;
	if (*s == '-' || *s == '+')
		neg = (*s++ == '-');
	ip = s;
	while (*s >= '0' && *s <= '9')
		s++, ilen++;
	if (*s == '.')
	{
		fp = ++s;
		while (*s >= '0' && *s <= '9')
			s++, flen++;
	}
	if (*s != '\0' || ilen + flen == 0)
		return mpc_fail(err, MPC_ERR_FORMAT, "value must be a finite decimal number");
	/* GMP never sees more than this many digits */
	if (ilen > ENC_MAX_DIGITS || flen > ENC_MAX_DIGITS)
		return mpc_fail(err, MPC_ERR_OVERFLOW, "value has too many digits");
	/* digits beyond the scale must all be zero: never round silently */
	for (i = (size_t) scale; i < flen; i++)
		if (fp[i] != '0')
		{
			if (scale == 0)
				return mpc_fail(err, MPC_ERR_ARG, "value must be an integer");
			return mpc_fail(err, MPC_ERR_ARG,
							"value has more fractional digits than scale %d allows", scale);
		}

	buf = malloc(ilen + (size_t) scale + 3);
	if (buf == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	if (neg)
		buf[pos++] = '-';
	buf[pos++] = '0';			/* keeps an empty integer part valid */
	memcpy(buf + pos, ip, ilen);
	pos += ilen;
	for (i = 0; i < (size_t) scale; i++)
		buf[pos++] = (i < flen) ? fp[i] : '0';
	buf[pos] = '\0';
	/* digits only, so this cannot fail */
	if (mpz_set_str(v, buf, 10) != 0)
		st = mpc_fail(err, MPC_ERR_INTERNAL, "could not read digits");
	mpc_wipe(buf, pos);			/* the value may be a secret share */
	free(buf);
	return st;
}

size_t
enc_decimal_len(const mpz_t v, int scale)
{
	/* sign + digits (at least scale + 1) + point + NUL */
	return mpz_sizeinbase(v, 10) + (size_t) scale + 4;
}

void
enc_format_decimal(const mpz_t v, int scale, char *out)
{
	char	   *o = out;
	size_t		len,
				pad;

	/* straight into out: no temporary copy of a possibly secret value */
	mpz_get_str(out, 10, v);
	if (*o == '-')
		o++;
	len = strlen(o);
	if (scale > 0)
	{
		/* left-pad with zeros to at least scale + 1 digits */
		if (len < (size_t) scale + 1)
		{
			pad = (size_t) scale + 1 - len;
			memmove(o + pad, o, len + 1);
			memset(o, '0', pad);
			len += pad;
		}
		memmove(o + len - scale + 1, o + len - scale, (size_t) scale + 1);
		o[len - scale] = '.';
	}
}

mpc_status
enc_from_int64(int64_t x, int scale, mpz_t v, mpc_error *err)
{
	uint64_t	a;
	mpz_t		p;
	mpc_status	st;

	if ((st = enc_check_scale(scale, err)) != MPC_OK)
		return st;
	/* through the magnitude as uint64: long may be 32 bits */
	a = x < 0 ? -(uint64_t) x : (uint64_t) x;
	mpz_import(v, 1, 1, sizeof(a), 0, 0, &a);
	if (x < 0)
		mpz_neg(v, v);
	mpz_init(p);
	mpz_ui_pow_ui(p, 10, (unsigned long) scale);
	mpz_mul(v, v, p);
	mpz_clear(p);
	return MPC_OK;
}

mpc_status
enc_from_double(double x, int scale, mpz_t v, mpc_error *err)
{
	int			e;
	double		f;
	mpz_t		num, den, q, r;
	mpc_status	st;

	if ((st = enc_check_scale(scale, err)) != MPC_OK)
		return st;
	if (isnan(x) || isinf(x))
		return mpc_fail(err, MPC_ERR_ARG, "cannot encrypt NaN or infinity");
	if (x == 0.0)
	{
		mpz_set_ui(v, 0);
		return MPC_OK;
	}
	/* x = f * 2^e, 0.5 <= |f| < 1; f * 2^53 is an exact integer */
	f = frexp(x, &e);
	mpz_inits(num, den, q, r, NULL);
	mpz_set_d(num, ldexp(f, 53));
	e -= 53;
	mpz_ui_pow_ui(q, 10, (unsigned long) scale);
	mpz_mul(num, num, q);
	if (e >= 0)
		mpz_mul_2exp(v, num, (mp_bitcnt_t) e);
	else
	{
		/* round |num| / 2^-e half away from zero */
		int			negative = mpz_sgn(num) < 0;

		mpz_abs(num, num);
		mpz_setbit(den, (mp_bitcnt_t) (-e));
		mpz_fdiv_qr(q, r, num, den);
		mpz_mul_2exp(r, r, 1);
		if (mpz_cmp(r, den) >= 0)
			mpz_add_ui(q, q, 1);
		if (negative)
			mpz_neg(q, q);
		mpz_set(v, q);
	}
	mpz_clears(num, den, q, r, NULL);
	return MPC_OK;
}
