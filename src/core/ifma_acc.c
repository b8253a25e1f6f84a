/*
 * ifma_acc.c: the IFMA product accumulator for sums of ciphertexts and the
 * product of two big-endian numbers (ct + ct), on the product of ifma.c
 * (see ifma.h).  Ciphertexts are public: nothing here is constant time.
 */
#include "ifma.h"

#include "ifma_priv.h"

#include <string.h>

uint64_t
ifma_digits_of_be(const ifma_ctx *c, uint64_t *d, const uint8_t *be, size_t len)
{
	/*
	 * Digit i is bits [52 i, 52 i + 52): the 8 bytes that end 52 i / 8
	 * bytes before the end of the big-endian number, byte-swapped and
	 * shifted by (52 i) mod 8 (0 or 4): one unaligned load, a bswap, a
	 * shift and a mask per digit, straight from the caller's bytes.  Only
	 * the top digits, whose 8 bytes would start before be[0], read a zero-
	 * padded copy of the number's first bytes.
	 */
	uint8_t		top[16];
	uint64_t	any = 0;
	size_t		D = c->digits,
				i;

	if (len > 8 * D)
		len = 8 * D;			/* callers pass len <= 52 D / 8 */
	memset(top, 0, sizeof(top));
	memcpy(top + 8, be, len < 8 ? len : 8);	/* be[k] is top[8 + k], k >= -8 */
	for (i = 0; i < D; i++)
	{
		size_t		bit = 52 * i,
					off = bit / 8;	/* bytes from the end to the load's end */
		uint64_t	w;

		if (off + 8 <= len)
			memcpy(&w, be + len - off - 8, 8);
		else if (off < len)
			memcpy(&w, top + len - off, 8);	/* from be[len - off - 8] */
		else
			w = 0;
		d[i] = (__builtin_bswap64(w) >> (bit % 8)) & MASK52;
		any |= d[i];
	}
	return any;
}

/* out[0, len) = the big-endian bytes of the number with limbs l[0, L),
 * L * 8 >= len; limbs above len are dropped */
static void
be_of_limbs(uint8_t *out, size_t len, const mp_limb_t *l, size_t L)
{
	size_t		j;

	for (j = 0; j < len / 8 && j < L; j++)
	{
		uint64_t	w = __builtin_bswap64((uint64_t) l[j]);

		memcpy(out + len - 8 * (j + 1), &w, 8);
	}
	if (len % 8 != 0)
	{
		mp_limb_t	top = j < L ? l[j] : 0;
		size_t		k;

		for (k = 0; k < len % 8; k++)
			out[len % 8 - 1 - k] = (uint8_t) (top >> (8 * k));
	}
}

void
ifma_mulmod_be(const ifma_ctx *c, uint8_t *out, const uint8_t *a, const uint8_t *b, size_t len)
{
	uint64_t	ad[IFMA_MAX_DIGITS],
				bd[IFMA_MAX_DIGITS];
	mp_limb_t	v[IFMA_MAX_DIGITS * 52 / 64 + 2],
				w[IFMA_MAX_DIGITS * 52 / 64 + 2],
				borrow,
				keep;
	size_t		L = c->nlimbs,
				i;

	ifma_digits_of_be(c, ad, a, len);
	ifma_digits_of_be(c, bd, b, len);
	ifma_mul(c, ad, ad, bd);	/* a b / R, below 2N */
	ifma_mul(c, ad, ad, c->rr);	/* a b, below 2N */
	/* below 2N, which may need a limb more than N: subtract N once if needed */
	ifma_limbs_of_digits(v, L + 1, ad, c->digits);
	borrow = mpn_sub(w, v, (mp_size_t) L + 1, c->nl, (mp_size_t) L);
	keep = 0 - borrow;
	for (i = 0; i < L; i++)
		v[i] = (v[i] & keep) | (w[i] & ~keep);
	be_of_limbs(out, len, v, L);
}

void
ifma_acc_start(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp)
{
	memset(acc, 0, c->digits * sizeof(uint64_t));
	acc[0] = 1;
	*rexp = 0;
}

void
ifma_acc_mul(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp, const uint64_t *x)
{
	ifma_mul(c, acc, acc, x);
	(*rexp)++;
}

void
ifma_acc_merge(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp, const uint64_t *acc2,
			   uint64_t rexp2)
{
	ifma_mul(c, acc, acc, acc2);
	*rexp += rexp2 + 1;
}

void
ifma_acc_get(const ifma_ctx *c, mpz_t out, const uint64_t *acc, uint64_t rexp)
{
	mpz_t		N,
				t,
				e;

	/* acc / R = P R^-(rexp + 1): multiply by R^(rexp + 1) mod N (public) */
	ifma_from_mont(c, out, acc);
	mpz_roinit_n(N, c->nl, (mp_size_t) c->nlimbs);
	mpz_inits(t, e, NULL);
	mpz_setbit(t, 52 * c->digits);
	mpz_mod(t, t, N);
	mpz_import(e, 1, -1, sizeof(rexp), 0, 0, &rexp);
	mpz_add_ui(e, e, 1);
	mpz_powm(t, t, e, N);
	mpz_mul(out, out, t);
	mpz_mod(out, out, N);
	mpz_clears(t, e, NULL);
}

void
ifma_acc_get_mul(const ifma_ctx *c, mpz_t out, const uint64_t *acc, uint64_t rexp,
				 const mpz_t y)
{
	mpz_t		N,
				t;

	mpz_init(t);
	ifma_acc_get(c, t, acc, rexp);
	mpz_roinit_n(N, c->nl, (mp_size_t) c->nlimbs);
	mpz_mul(out, t, y);
	mpz_mod(out, out, N);
	mpz_clear(t);
}

void
ifma_acc_set(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp, const mpz_t x)
{
	ifma_digits_of_limbs(acc, c->digits, mpz_limbs_read(x), mpz_size(x));
	*rexp = 0;
}
