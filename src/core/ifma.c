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
 */
#include "ifma.h"

#include "ct.h"

#include <stdlib.h>
#include <string.h>

#define MASK52 ((UINT64_C(1) << 52) - 1)

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

static size_t
limbs_for_bits(size_t bits)
{
	return (bits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS;
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

static uint64_t *
align64(void *p)
{
	return (uint64_t *) (((uintptr_t) p + 63) & ~(uintptr_t) 63);
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

static void
to_mont_limbs(const ifma_ctx *c, uint64_t *r, const mp_limb_t *x, size_t xn)
{
	uint64_t	xd[IFMA_MAX_DIGITS];

	ifma_digits_of_limbs(xd, c->digits, x, xn);
	amm(r, xd, c->rr, c->n, c->k0, c->digits);
	mpc_wipe(xd, sizeof(xd));
}

void
ifma_to_mont(const ifma_ctx *c, uint64_t *r, const mpz_t x)
{
	to_mont_limbs(c, r, mpz_limbs_read(x), mpz_size(x));
}

/* rp[0, nlimbs) = a / R mod N, fully reduced */
static void
from_mont_limbs(const ifma_ctx *c, mp_limb_t *rp, const uint64_t *a)
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

	from_mont_limbs(c, r, a);
	mpc_ct_mpz_set_limbs(out, r, c->nlimbs);
	mpc_wipe(r, sizeof(r));
}

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

	to_mont_limbs(c, tab, &one_limb, 1);
	to_mont_limbs(c, tab + D, bp, bn);
	for (d = 2; d < count; d++)
		amm(tab + d * D, tab + (d - 1) * D, tab + D, c->n, c->k0, D);

	for (w = (long) windows - 1; w >= 0; w--)
	{
		uint64_t	digit = mpc_window_digit(ebuf, (size_t) w * k, k);
		unsigned	s;

		if (w == (long) windows - 1)
		{
			select_ct(acc, tab, count, D, digit);
			continue;
		}
		for (s = 0; s < k; s++)
			amm(acc, acc, acc, c->n, c->k0, D);
		select_ct(sel, tab, count, D, digit);
		amm(acc, acc, sel, c->n, c->k0, D);
	}
	from_mont_limbs(c, rp, acc);
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

void
ifma_digits_of_be(const ifma_ctx *c, uint64_t *d, const uint8_t *be, size_t len)
{
	/*
	 * Digit i is bits [52 i, 52 i + 52): the 8 bytes that end 52 i / 8
	 * bytes before the end of the big-endian number, byte-swapped and
	 * shifted by (52 i) mod 8 (0 or 4).  The number is copied behind enough
	 * zero bytes that every such load is inside the buffer, so the loop is
	 * one unaligned load, a bswap, a shift and a mask per digit.
	 */
	uint8_t		buf[8 * IFMA_MAX_DIGITS + 16];
	size_t		D = c->digits,
				need = (52 * D) / 8 + 8,	/* bytes the loads can reach */
				pad,
				i;

	if (len > 8 * D)
		len = 8 * D;			/* callers pass len <= 52 D / 8 */
	pad = need > len ? need - len : 0;
	memset(buf, 0, pad);
	memcpy(buf + pad, be, len);
	for (i = 0; i < D; i++)
	{
		size_t		bit = 52 * i;
		uint64_t	w;

		memcpy(&w, buf + pad + len - bit / 8 - 8, 8);
		d[i] = (__builtin_bswap64(w) >> (bit % 8)) & MASK52;
	}
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
	amm(ad, ad, bd, c->n, c->k0, c->digits);	/* a b / R, below 2N */
	amm(ad, ad, c->rr, c->n, c->k0, c->digits);	/* a b, below 2N */
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
	amm(acc, acc, x, c->n, c->k0, c->digits);
	(*rexp)++;
}

void
ifma_acc_merge(const ifma_ctx *c, uint64_t *acc, uint64_t *rexp, const uint64_t *acc2,
			   uint64_t rexp2)
{
	amm(acc, acc, acc2, c->n, c->k0, c->digits);
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
