/*
 * ct.c: constant-time helpers on GMP limbs (ct.h).
 */
#include "ct.h"

#include <string.h>

int
mpc_ct_exceeds_bits(const mpz_t e, size_t bits)
{
	const mp_limb_t *d = mpz_limbs_read(e);
	size_t		n = mpz_size(e),
				i;
	mp_limb_t	acc = 0;
	int			over;

	for (i = 0; i < n; i++)
	{
		size_t		lo = i * GMP_NUMB_BITS;
		mp_limb_t	m;

		/* the mask of limb i's bits at or above 'bits': public positions */
		if (lo >= bits)
			m = ~(mp_limb_t) 0;
		else if (bits - lo >= GMP_NUMB_BITS)
			m = 0;
		else
			m = ~(mp_limb_t) 0 << (bits - lo);
		acc |= d[i] & m;
	}
	over = (int) (((acc | (0 - acc)) >> (GMP_NUMB_BITS - 1)) & 1);
	MPC_CT_DECLASSIFY(&over, sizeof(over));
	return over;
}

void
mpc_ct_mpz_set_limbs(mpz_t out, const mp_limb_t *p, size_t n)
{
	mp_limb_t  *d = mpz_limbs_write(out, (mp_size_t) (n > 0 ? n : 1));
	size_t		size = 0,
				i;

	memcpy(d, p, n * sizeof(mp_limb_t));
	for (i = 0; i < n; i++)
	{
		/* size = i + 1 when limb i is nonzero, without a branch */
		mp_limb_t	nz = (p[i] | (0 - p[i])) >> (GMP_NUMB_BITS - 1);
		size_t		mask = 0 - (size_t) nz;

		size = ((i + 1) & mask) | (size & ~mask);
	}
	MPC_CT_DECLASSIFY(&size, sizeof(size));
	/* mpz_limbs_finish would read the top limb to normalise; the size is
	 * already exact */
	out->_mp_size = (int) size;
}

void
mpc_limbs_of_mpz(mp_limb_t *r, const mpz_t x, size_t n)
{
	size_t		xn = mpz_size(x);

	if (xn > 0)
		memcpy(r, mpz_limbs_read(x), xn * sizeof(mp_limb_t));
	memset(r + xn, 0, (n - xn) * sizeof(mp_limb_t));
}
