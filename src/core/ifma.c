/*
 * ifma.c: almost Montgomery products on AVX-512 IFMA (see ifma.h).
 *
 * The product walks the digits b_i of b; per digit, for every vector v of 8
 * digits of a and N:
 *     acc += lo52(a * b_i);  q = lane0(acc) * k0 mod 2^52;  acc += lo52(N * q)
 *     (lane 0 is now 0 mod 2^52) shift acc down one lane, carrying lane 0's
 *     high bits into the new lane 0;  acc += hi52(a * b_i) + hi52(N * q)
 * The high halves belong one digit up, which is where the shift has just
 * moved the lanes.  A lane receives at most four 52-bit values per step for
 * at most D steps, so with D <= 192 it stays below 2^62 and no carry is lost.
 *
 * This file holds the context and the product; exponentiation is in
 * ifma_pow.c, and the product accumulator for sums and the byte-wise
 * product in ifma_acc.c.
 */
#include "ifma.h"

#include "ct.h"

#include <stdlib.h>
#include <string.h>

#include "ifma_priv.h"

#if defined(MPC_IFMA_EMULATE)
/* test/ctgrind: the same code on plain-C intrinsics that valgrind can run */
#define IFMA_X86 1
#include "ifma_emul.h"
#define IFMA_TARGET
#elif defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define IFMA_X86 1
#include <immintrin.h>
#define IFMA_TARGET __attribute__((target("avx512f,avx512ifma")))
#endif

static int	ifma_enabled = 1;

int
ifma_available(void)
{
#ifdef IFMA_X86
	static int	cpu = -1;

	if (cpu < 0)
	{
		const char *off = getenv("MPC_DISABLE_IFMA");

#ifdef MPC_IFMA_EMULATE
		cpu = 1;
#else
		__builtin_cpu_init();
		cpu = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
#endif
		cpu = cpu && !(off != NULL && off[0] != '\0' && off[0] != '0');
	}
	return cpu && ifma_enabled;
#else
	return 0;
#endif
}

void
ifma_set_enabled(int on)
{
	ifma_enabled = on ? 1 : 0;
}

size_t
ifma_digits(size_t mod_bits)
{
	size_t		d = (mod_bits + 2 + 51) / 52;	/* R = 2^(52 D) > 4N */

	d = (d + 7) & ~(size_t) 7;
	return d <= IFMA_MAX_DIGITS ? d : 0;
}

size_t
ifma_ctx_bytes(size_t mod_bits)
{
	size_t		d = ifma_digits(mod_bits);

	if (d == 0)
		return 0;
	return 64 + 2 * d * sizeof(uint64_t) + limbs_for_bits(mod_bits) * sizeof(mp_limb_t);
}

/* D digits of the number in limbs[0, nl); bits above 52 D are dropped. */
void
ifma_digits_of_limbs(uint64_t *d, size_t D, const mp_limb_t *limbs, size_t nl)
{
	size_t		i;

	for (i = 0; i < D; i++)
	{
		size_t		bit = 52 * i,
					li = bit / 64,
					sh = bit % 64;
		uint64_t	v = 0;

		if (li < nl)
		{
			v = limbs[li] >> sh;
			if (sh > 12 && li + 1 < nl)
				v |= limbs[li + 1] << (64 - sh);
		}
		d[i] = v & MASK52;
	}
}

/* nl limbs of the number in normalised digits d[0, D). */
void
ifma_limbs_of_digits(mp_limb_t *limbs, size_t nl, const uint64_t *d, size_t D)
{
	size_t		j;

	for (j = 0; j < nl; j++)
	{
		size_t		bit = 64 * j,
					i = bit / 52,
					sh = bit % 52;
		uint64_t	v = 0;

		if (i < D)
			v = d[i] >> sh;
		if (i + 1 < D)
			v |= d[i + 1] << (52 - sh);
		if (sh > 40 && i + 2 < D)
			v |= d[i + 2] << (104 - sh);
		limbs[j] = v;
	}
}

mpc_status
ifma_ctx_init(ifma_ctx *c, void *buf, size_t buflen, const mpz_t mod, mpc_error *err)
{
	size_t		bits;

	if (mpz_sgn(mod) <= 0)
		return mpc_fail(err, MPC_ERR_ARG, "IFMA modulus must be odd and greater than 1");
	/* the modulus may be secret (p^2); its bit length is public */
	bits = mpz_sizeinbase(mod, 2);
	MPC_CT_DECLASSIFY(&bits, sizeof(bits));
	return ifma_ctx_init_limbs(c, buf, buflen, mpz_limbs_read(mod), mpz_size(mod), bits, err);
}

mpc_status
ifma_ctx_init_limbs(ifma_ctx *c, void *buf, size_t buflen, const mp_limb_t *mod, size_t L,
					size_t bits, mpc_error *err)
{
	size_t		D = ifma_digits(bits),
				nn,
				i;
	mp_limb_t	inv,
				n0;
	mpz_t		num,
				scratch;
	mp_limb_t  *np,
			   *tp;
	int			bad;

	/* even, or 1: decided without a branch on the (maybe secret) limbs */
	bad = (int) ((~mod[0]) & 1) | ((L == 1) & (mod[0] == 1));
	MPC_CT_DECLASSIFY(&bad, sizeof(bad));
	if (L == 0 || bad)
		return mpc_fail(err, MPC_ERR_ARG, "IFMA modulus must be odd and greater than 1");
	if (D == 0)
		return mpc_fail(err, MPC_ERR_ARG, "modulus too large for the IFMA path");
	if (buf == NULL || buflen < ifma_ctx_bytes(bits))
		return mpc_fail(err, MPC_ERR_ARG, "IFMA context buffer is too small");

	memset(c, 0, sizeof(*c));
	c->digits = D;
	c->nlimbs = L;
	c->n = align64(buf);
	c->rr = c->n + D;
	c->nl = (mp_limb_t *) (c->rr + D);
	memcpy(c->nl, mod, L * sizeof(mp_limb_t));
	ifma_digits_of_limbs(c->n, D, c->nl, L);

	n0 = c->nl[0];
	inv = n0;					/* right to 3 bits for odd n0 */
	for (i = 0; i < 6; i++)
		inv *= 2 - n0 * inv;
	c->k0 = (0 - inv) & MASK52;

	/* R^2 mod N = 2^(104 D) mod N, without a data-dependent division */
	nn = (104 * D) / GMP_NUMB_BITS + 1;
	if (nn < L)
		nn = L;
	mpz_inits(num, scratch, NULL);
	np = mpz_limbs_write(num, (mp_size_t) nn);
	memset(np, 0, nn * sizeof(mp_limb_t));
	np[(104 * D) / GMP_NUMB_BITS] = (mp_limb_t) 1 << ((104 * D) % GMP_NUMB_BITS);
	tp = mpz_limbs_write(scratch, mpn_sec_div_r_itch((mp_size_t) nn, (mp_size_t) L));
	mpn_sec_div_r(np, (mp_size_t) nn, c->nl, (mp_size_t) L, tp);
	ifma_digits_of_limbs(c->rr, D, np, L);
	mpc_wipe(np, nn * sizeof(mp_limb_t));
	mpz_clears(num, scratch, NULL);
	return MPC_OK;
}

#ifdef IFMA_X86

#define MAXV (IFMA_MAX_DIGITS / 8)

/*
 * The product for a fixed number of vectors V: with V a constant the
 * accumulators live in registers.  hi52(a b_i) does not depend on q, so it
 * is computed beside the q chain and added after the shift with hi52(N q).
 */
IFMA_TARGET static inline __attribute__((always_inline)) void
amm_v(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *n, uint64_t k0,
	  const size_t V)
{
	size_t		i,
				v;
	__m512i		acc[MAXV],
				hi[MAXV];
	const __m512i zero = _mm512_setzero_si512();
	uint64_t	n0 = n[0],
				carry;

	_Pragma("GCC unroll 24")
	for (v = 0; v < V; v++)
		acc[v] = zero;
	for (i = 0; i < V * 8; i++)
	{
		__m512i		bi = _mm512_set1_epi64((long long) b[i]),
					qv;
		uint64_t	a0,
					q;

		_Pragma("GCC unroll 24")
		for (v = 0; v < V; v++)
		{
			__m512i		av = _mm512_loadu_si512(a + 8 * v);

			acc[v] = _mm512_madd52lo_epu64(acc[v], av, bi);
			hi[v] = _mm512_madd52hi_epu64(zero, av, bi);
		}
		a0 = (uint64_t) _mm_cvtsi128_si64(_mm512_castsi512_si128(acc[0]));
		q = (a0 * k0) & MASK52;
		qv = _mm512_set1_epi64((long long) q);
		carry = (a0 + ((n0 * q) & MASK52)) >> 52;
		_Pragma("GCC unroll 24")
		for (v = 0; v < V; v++)
		{
			__m512i		nv = _mm512_loadu_si512(n + 8 * v);

			acc[v] = _mm512_madd52lo_epu64(acc[v], nv, qv);
			hi[v] = _mm512_madd52hi_epu64(hi[v], nv, qv);
		}
		_Pragma("GCC unroll 24")
		for (v = 0; v + 1 < V; v++)
			acc[v] = _mm512_add_epi64(_mm512_alignr_epi64(acc[v + 1], acc[v], 1), hi[v]);
		acc[V - 1] = _mm512_add_epi64(_mm512_alignr_epi64(zero, acc[V - 1], 1), hi[V - 1]);
		acc[0] = _mm512_mask_add_epi64(acc[0], 1, acc[0], _mm512_set1_epi64((long long) carry));
	}
	/* normalise in r (a and b are no longer read): one carry pass */
	_Pragma("GCC unroll 24")
	for (v = 0; v < V; v++)
		_mm512_storeu_si512(r + 8 * v, acc[v]);
	carry = 0;
	for (i = 0; i < V * 8; i++)
	{
		uint64_t	t = r[i] + carry;

		r[i] = t & MASK52;
		carry = t >> 52;
	}
}

__attribute__((noinline)) IFMA_TARGET static void
amm_any(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *n, uint64_t k0,
		size_t V)
{
	amm_v(r, a, b, n, k0, V);
}

#define AMM_CASE(k) \
	case k: amm_v(r, a, b, n, k0, k); break

/* Unrolled for the sizes Paillier uses (p^2 and n^2 of 1024-, 2048-, 3072-
 * and 4096-bit keys); any other size takes the same code with V a variable. */
IFMA_TARGET static void
amm(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *n, uint64_t k0, size_t D)
{
	switch (D / 8)
	{
		AMM_CASE(3); AMM_CASE(5); AMM_CASE(8); AMM_CASE(10); AMM_CASE(15); AMM_CASE(20);
		default:
			amm_any(r, a, b, n, k0, D / 8);
	}
}

IFMA_TARGET static void
select_ct(uint64_t *out, const uint64_t *tab, size_t count, size_t D, uint64_t idx)
{
	size_t		V = D / 8,
				v,
				j;

	for (v = 0; v < V; v++)
	{
		__m512i		o = _mm512_setzero_si512();

		for (j = 0; j < count; j++)
		{
			uint64_t	m = mpc_ct_eq_mask((uint64_t) j, idx);

			o = _mm512_or_si512(o, _mm512_and_si512(_mm512_loadu_si512(tab + j * D + 8 * v),
													 _mm512_set1_epi64((long long) m)));
		}
		_mm512_storeu_si512(out + 8 * v, o);
	}
}

#else

static void
amm(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *n, uint64_t k0, size_t D)
{
	memset(r, 0, D * sizeof(uint64_t));	/* never called: ifma_available() is 0 */
}

static void
select_ct(uint64_t *out, const uint64_t *tab, size_t count, size_t D, uint64_t idx)
{
	memset(out, 0, D * sizeof(uint64_t));
}

#endif

void
ifma_mul(const ifma_ctx *c, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
	amm(r, a, b, c->n, c->k0, c->digits);
}

void
ifma_select(const ifma_ctx *c, uint64_t *out, const uint64_t *tab, size_t count, uint64_t idx)
{
	select_ct(out, tab, count, c->digits, idx);
}

void
ifma_to_mont_limbs(const ifma_ctx *c, uint64_t *r, const mp_limb_t *x, size_t xn)
{
	uint64_t	xd[IFMA_MAX_DIGITS];

	ifma_digits_of_limbs(xd, c->digits, x, xn);
	amm(r, xd, c->rr, c->n, c->k0, c->digits);
	mpc_wipe(xd, sizeof(xd));
}

void
ifma_to_mont(const ifma_ctx *c, uint64_t *r, const mpz_t x)
{
	ifma_to_mont_limbs(c, r, mpz_limbs_read(x), mpz_size(x));
}

void
ifma_from_mont_limbs(const ifma_ctx *c, mp_limb_t *rp, const uint64_t *a)
{
	uint64_t	one[IFMA_MAX_DIGITS],
				rd[IFMA_MAX_DIGITS];
	size_t		L = c->nlimbs,
				i;
	mp_limb_t	v[2 * (IFMA_MAX_DIGITS * 52 / 64 + 1)],
			   *w = v + L,
				borrow,
				keep;

	memset(one, 0, c->digits * sizeof(uint64_t));
	one[0] = 1;
	/* a / R mod N is at most N: subtract N once, in constant time */
	amm(rd, a, one, c->n, c->k0, c->digits);
	ifma_limbs_of_digits(v, L, rd, c->digits);
	borrow = mpn_sub_n(w, v, c->nl, (mp_size_t) L);
	keep = 0 - borrow;			/* all ones: v < N, keep v */
	for (i = 0; i < L; i++)
		rp[i] = (v[i] & keep) | (w[i] & ~keep);
	mpc_wipe(rd, sizeof(rd));
	mpc_wipe(v, 2 * L * sizeof(mp_limb_t));
}

void
ifma_from_mont(const ifma_ctx *c, mpz_t out, const uint64_t *a)
{
	mp_limb_t	r[IFMA_MAX_DIGITS * 52 / 64 + 1];

	ifma_from_mont_limbs(c, r, a);
	mpc_ct_mpz_set_limbs(out, r, c->nlimbs);
	mpc_wipe(r, sizeof(r));
}

