/*
 * ifma8.c: eight almost Montgomery products at once, one number per lane
 * (see ifma8.h).
 *
 * The product r = a b / R mod N of every lane, column by column (product
 * scanning): column k collects lo52(a_j b_{k-j}) and lo52(N_j q_{k-j}) of
 * its own pairs and hi52 of the previous column's pairs.  While k < D, q_k =
 * lo52(column * k0) (one vpmadd52luq on the lane's own k0) and N_0 q_k
 * clears the column's low 52 bits; from k = D on, each column's low 52 bits
 * are digit k - D of the result.  The carry out of a column goes into the
 * next.  Four partial sums per column keep four vpmadd52 chains in flight.
 * A column receives at most 4 D values below 2^52 plus a carry, so with D
 * <= IFMA_MAX_DIGITS every lane stays below 2^62.
 *
 * At about 620 lines this file is over the house's 600: it is one kernel
 * (the product, its squaring, the constant-time table selects, the lanes'
 * context and digit conversion) and the four operations built on it, kept in
 * one translation unit so that the kernel stays static and inlinable.
 */
#include "ifma8.h"

#include "ifma.h"
#include "ifma_priv.h"
#include "ct.h"

#include <string.h>

#define L8 IFMA8_LANES

#if defined(MPC_IFMA_EMULATE)
#define IFMA8_X86 1
#include "ifma_emul.h"
#define IFMA_TARGET
#elif defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define IFMA8_X86 1
#include <immintrin.h>
#define IFMA_TARGET __attribute__((target("avx512f,avx512ifma")))
#endif

/* the eight lanes' constants, digit-major (word 8 i + l) */
typedef struct ctx8
{
	size_t		D;
	uint64_t   *n;				/* N */
	uint64_t   *rr;				/* R^2 mod N */
	uint64_t   *one;			/* 1 */
	uint64_t   *k0;				/* -N^-1 mod 2^52, one word per lane */
	mp_limb_t  *nl[L8];			/* N in limbs, per lane (the caller's) */
	size_t		nlimbs;
	uint64_t   *q;				/* scratch: D vectors of q */
} ctx8;

#ifdef IFMA8_X86

#define LD(p) _mm512_loadu_si512(p)
#ifdef MPC_IFMA_EMULATE
#define INREG(x) ((void) 0)
#else
/* keep a loaded operand in a register: folded into both the lo and the hi
 * vpmadd52, it would be loaded twice (the loads, not the multiplies, then
 * bound the loop) */
#define INREG(x) __asm__("" : "+v"(x))
#endif

/*
 * The product (sq = 0) or the square of a (sq = 1, b unused): a square
 * computes each cross product a_j a_i (j < i) once and doubles the column's
 * sum of them, about a quarter fewer vpmadd52 in all.
 */
IFMA_TARGET static inline __attribute__((always_inline)) void
amm8_body(uint64_t *r, const uint64_t *a, const uint64_t *b, const ctx8 *c, const int sq)
{
	const size_t D = c->D;
	const uint64_t *n = c->n;
	uint64_t   *qs = c->q;
	const __m512i zero = _mm512_setzero_si512(),
				mask = _mm512_set1_epi64((long long) MASK52),
				kv = LD(c->k0),
				n0 = LD(n);
	__m512i		c0 = zero, c1 = zero, c2 = zero, c3 = zero,
				h0 = zero, h1 = zero, h2 = zero, h3 = zero,
				cur, q;
	size_t		k, j, jlo, jhi;

	for (k = 0; k < 2 * D; k++)
	{
		jlo = k < D ? 0 : k - D + 1;
		jhi = k < D ? k : D - 1;
		if (sq)
		{
			/* 2 a_j a_{k-j} for j < k - j, then a_{k/2}^2 */
			__m512i		x0 = zero, x1 = zero, y0 = zero, y1 = zero;

			for (j = jlo; j + 1 <= jhi && 2 * (j + 1) < k; j += 2)
			{
				__m512i		a0 = LD(a + 8 * j), b0 = LD(a + 8 * (k - j)),
							a1 = LD(a + 8 * (j + 1)), b1 = LD(a + 8 * (k - j - 1));

				INREG(b0);
				INREG(b1);
				x0 = _mm512_madd52lo_epu64(x0, a0, b0);
				y0 = _mm512_madd52hi_epu64(y0, a0, b0);
				x1 = _mm512_madd52lo_epu64(x1, a1, b1);
				y1 = _mm512_madd52hi_epu64(y1, a1, b1);
			}
			for (; j <= jhi && 2 * j < k; j++)
			{
				__m512i		a0 = LD(a + 8 * j), b0 = LD(a + 8 * (k - j));

				INREG(b0);
				x0 = _mm512_madd52lo_epu64(x0, a0, b0);
				y0 = _mm512_madd52hi_epu64(y0, a0, b0);
			}
			x0 = _mm512_add_epi64(x0, x1);
			y0 = _mm512_add_epi64(y0, y1);
			c0 = _mm512_add_epi64(c0, _mm512_add_epi64(x0, x0));
			h0 = _mm512_add_epi64(h0, _mm512_add_epi64(y0, y0));
			if (k % 2 == 0 && k / 2 >= jlo && k / 2 <= jhi)
			{
				__m512i		a0 = LD(a + 8 * (k / 2));

				c0 = _mm512_madd52lo_epu64(c0, a0, a0);
				h0 = _mm512_madd52hi_epu64(h0, a0, a0);
			}
			goto nq;
		}
		/* a_j b_{k-j} */
		for (j = jlo; j + 3 <= jhi; j += 4)
		{
			__m512i		a0 = LD(a + 8 * j), b0 = LD(b + 8 * (k - j)),
						a1 = LD(a + 8 * (j + 1)), b1 = LD(b + 8 * (k - j - 1)),
						a2 = LD(a + 8 * (j + 2)), b2 = LD(b + 8 * (k - j - 2)),
						a3 = LD(a + 8 * (j + 3)), b3 = LD(b + 8 * (k - j - 3));

			INREG(b0);
			INREG(b1);
			INREG(b2);
			INREG(b3);
			c0 = _mm512_madd52lo_epu64(c0, a0, b0);
			h0 = _mm512_madd52hi_epu64(h0, a0, b0);
			c1 = _mm512_madd52lo_epu64(c1, a1, b1);
			h1 = _mm512_madd52hi_epu64(h1, a1, b1);
			c2 = _mm512_madd52lo_epu64(c2, a2, b2);
			h2 = _mm512_madd52hi_epu64(h2, a2, b2);
			c3 = _mm512_madd52lo_epu64(c3, a3, b3);
			h3 = _mm512_madd52hi_epu64(h3, a3, b3);
		}
		for (; j <= jhi && j < D; j++)
		{
			__m512i		a0 = LD(a + 8 * j), b0 = LD(b + 8 * (k - j));

			INREG(b0);
			c0 = _mm512_madd52lo_epu64(c0, a0, b0);
			h0 = _mm512_madd52hi_epu64(h0, a0, b0);
		}
nq:
		/* N_j q_{k-j}, the q already known: j >= 1 */
		jlo = k < D ? 1 : k - D + 1;
		for (j = jlo; j + 3 <= jhi; j += 4)
		{
			__m512i		a0 = LD(n + 8 * j), b0 = LD(qs + 8 * (k - j)),
						a1 = LD(n + 8 * (j + 1)), b1 = LD(qs + 8 * (k - j - 1)),
						a2 = LD(n + 8 * (j + 2)), b2 = LD(qs + 8 * (k - j - 2)),
						a3 = LD(n + 8 * (j + 3)), b3 = LD(qs + 8 * (k - j - 3));

			INREG(b0);
			INREG(b1);
			INREG(b2);
			INREG(b3);
			c0 = _mm512_madd52lo_epu64(c0, a0, b0);
			h0 = _mm512_madd52hi_epu64(h0, a0, b0);
			c1 = _mm512_madd52lo_epu64(c1, a1, b1);
			h1 = _mm512_madd52hi_epu64(h1, a1, b1);
			c2 = _mm512_madd52lo_epu64(c2, a2, b2);
			h2 = _mm512_madd52hi_epu64(h2, a2, b2);
			c3 = _mm512_madd52lo_epu64(c3, a3, b3);
			h3 = _mm512_madd52hi_epu64(h3, a3, b3);
		}
		for (; j <= jhi && j < D; j++)
		{
			__m512i		a0 = LD(n + 8 * j), b0 = LD(qs + 8 * (k - j));

			INREG(b0);
			c0 = _mm512_madd52lo_epu64(c0, a0, b0);
			h0 = _mm512_madd52hi_epu64(h0, a0, b0);
		}
		cur = _mm512_add_epi64(_mm512_add_epi64(c0, c1), _mm512_add_epi64(c2, c3));
		if (k < D)
		{
			q = _mm512_madd52lo_epu64(zero, cur, kv);
			_mm512_storeu_si512(qs + 8 * k, q);
			cur = _mm512_madd52lo_epu64(cur, n0, q);
			h0 = _mm512_madd52hi_epu64(h0, n0, q);
		}
		else
			_mm512_storeu_si512(r + 8 * (k - D), _mm512_and_si512(cur, mask));
		c0 = _mm512_add_epi64(h0, _mm512_srli_epi64(cur, 52));
		c1 = h1;
		c2 = h2;
		c3 = h3;
		h0 = h1 = h2 = h3 = zero;
	}
}

IFMA_TARGET static void
amm8(uint64_t *r, const uint64_t *a, const uint64_t *b, const ctx8 *c)
{
	amm8_body(r, a, b, c, 0);
}

IFMA_TARGET static void
asqr8(uint64_t *r, const uint64_t *a, const ctx8 *c)
{
	amm8_body(r, a, a, c, 1);
}

/* out = entry idx[l] of the table in every lane l, reading every entry */
IFMA_TARGET static void
select8(uint64_t *out, const uint64_t *tab, size_t count, size_t D, const uint64_t *idx)
{
	__m512i		iv = LD(idx);
	size_t		v,
				j;

	for (v = 0; v < D; v++)
	{
		__m512i		o = _mm512_setzero_si512();

		for (j = 0; j < count; j++)
		{
			__mmask8	m = _mm512_cmpeq_epi64_mask(iv, _mm512_set1_epi64((long long) j));

			o = _mm512_mask_mov_epi64(o, m, LD(tab + (j * D + v) * 8));
		}
		_mm512_storeu_si512(out + 8 * v, o);
	}
}

/* out = entry idx[l] of one shared table row (count entries of D digits,
 * single-buffer layout) in every lane l, reading every entry */
IFMA_TARGET static void
select_shared8(uint64_t *out, const uint64_t *row, size_t count, size_t D, const uint64_t *idx)
{
	__m512i		iv = LD(idx);
	__mmask8	m[256];
	size_t		v,
				j;

	/* count <= 2^8 (fixedbase.h's widest window); the masks once per row */
	for (j = 0; j < count && j < 256; j++)
		m[j] = _mm512_cmpeq_epi64_mask(iv, _mm512_set1_epi64((long long) j));
	for (v = 0; v < D; v++)
	{
		__m512i		o = _mm512_setzero_si512();

		for (j = 0; j < count && j < 256; j++)
			o = _mm512_mask_mov_epi64(o, m[j], _mm512_set1_epi64((long long) row[j * D + v]));
		_mm512_storeu_si512(out + 8 * v, o);
	}
	mpc_wipe(m, sizeof(m));
}

#else

static void
select_shared8(uint64_t *out, const uint64_t *row, size_t count, size_t D, const uint64_t *idx)
{
	memset(out, 0, D * 8 * sizeof(uint64_t));
}

static void
amm8(uint64_t *r, const uint64_t *a, const uint64_t *b, const ctx8 *c)
{
	memset(r, 0, c->D * 8 * sizeof(uint64_t));	/* never called: no IFMA */
}

static void
asqr8(uint64_t *r, const uint64_t *a, const ctx8 *c)
{
	memset(r, 0, c->D * 8 * sizeof(uint64_t));	/* never called: no IFMA */
}

static void
select8(uint64_t *out, const uint64_t *tab, size_t count, size_t D, const uint64_t *idx)
{
	memset(out, 0, D * 8 * sizeof(uint64_t));
}

#endif

/* words of scratch ctx8 needs besides the caller's: n, rr, one, k0, q */
static size_t
ctx8_words(size_t D)
{
	return 8 + 4 * 8 * D + 8;
}

/*
 * Build the lanes' constants in mem (ctx8_words(D) words) from each lane's
 * single-buffer context; a lane whose modulus pointer repeats an earlier
 * one's copies it.
 */
static mpc_status
ctx8_init(ctx8 *c, uint64_t *mem, const mp_limb_t *const mp[L8], size_t n, size_t modbits,
		  mpc_error *err)
{
	size_t		D = ifma_digits(modbits),
				cbytes = ifma_ctx_bytes(modbits),
				l,
				m,
				i;
	mpz_t		buf;
	ifma_ctx	lc;
	mpc_status	st = MPC_OK;

	if (D == 0 || cbytes == 0)
		return mpc_fail(err, MPC_ERR_ARG, "modulus too large for the IFMA path");
	c->D = D;
	c->nlimbs = n;
	c->n = align64(mem);
	c->rr = c->n + 8 * D;
	c->one = c->rr + 8 * D;
	c->q = c->one + 8 * D;
	c->k0 = c->q + 8 * D;
	memset(c->one, 0, 8 * D * sizeof(uint64_t));
	for (l = 0; l < L8; l++)
		c->one[l] = 1;
	mpz_init(buf);
	for (l = 0; l < L8 && st == MPC_OK; l++)
	{
		c->nl[l] = (mp_limb_t *) mp[l];
		for (m = 0; m < l; m++)
			if (mp[m] == mp[l])
				break;
		if (m < l)
		{
			for (i = 0; i < D; i++)
			{
				c->n[8 * i + l] = c->n[8 * i + m];
				c->rr[8 * i + l] = c->rr[8 * i + m];
			}
			c->k0[l] = c->k0[m];
			continue;
		}
		st = ifma_ctx_init_limbs(&lc, mpz_limbs_write(buf, (mp_size_t) (cbytes / 8 + 1)), cbytes,
								 mp[l], n, modbits, err);
		if (st != MPC_OK)
			break;
		for (i = 0; i < D; i++)
		{
			c->n[8 * i + l] = lc.n[i];
			c->rr[8 * i + l] = lc.rr[i];
		}
		c->k0[l] = lc.k0;
		mpc_wipe(lc.n, cbytes - 64);
	}
	mpz_clear(buf);
	return st;
}

/* lanes' limbs into digit-major digits */
static void
digits_in(const ctx8 *c, uint64_t *x, const mp_limb_t *const xp[L8], size_t xn)
{
	uint64_t	d[IFMA_MAX_DIGITS];
	size_t		l,
				i;

	for (l = 0; l < L8; l++)
	{
		ifma_digits_of_limbs(d, c->D, xp[l], xn);
		for (i = 0; i < c->D; i++)
			x[8 * i + l] = d[i];
	}
	mpc_wipe(d, sizeof(d));
}

/* x (digit-major, every lane below 2N) mod N into rp[l][0, n), subtracting
 * N once in constant time */
static void
limbs_out(const ctx8 *c, mp_limb_t *const rp[L8], const uint64_t *x)
{
	uint64_t	d[IFMA_MAX_DIGITS];
	mp_limb_t	v[IFMA_MAX_DIGITS * 52 / 64 + 2],
				w[IFMA_MAX_DIGITS * 52 / 64 + 2],
				borrow,
				top,
				keep;
	size_t		L = c->nlimbs,
				l,
				i;

	for (l = 0; l < L8; l++)
	{
		for (i = 0; i < c->D; i++)
			d[i] = x[8 * i + l];
		ifma_limbs_of_digits(v, L + 1, d, c->D);
		/* below 2N: keep v when v < N, i.e. v[L] == 0 and v - N borrows
		 * (mpn_sub would branch on the borrow; this does not) */
		borrow = mpn_sub_n(w, v, c->nl[l], (mp_size_t) L);
		top = (v[L] | (0 - v[L])) >> (GMP_NUMB_BITS - 1);
		keep = 0 - (borrow & (top ^ 1));
		for (i = 0; i < L; i++)
			rp[l][i] = (v[i] & keep) | (w[i] & ~keep);
	}
	mpc_wipe(d, sizeof(d));
	mpc_wipe(v, sizeof(v));
	mpc_wipe(w, sizeof(w));
}

mpc_status
ifma8_mulmod_limbs(mp_limb_t *const rp[L8], const mp_limb_t *const ap[L8],
				   const mp_limb_t *const bp[L8], const mp_limb_t *const mp[L8], size_t n,
				   size_t modbits, mpc_error *err)
{
	size_t		D = ifma_digits(modbits);
	mpz_t		scratch;
	uint64_t   *mem,
			   *a,
			   *b;
	ctx8		c;
	mpc_status	st;

	if (!ifma_available() || D == 0)
		return mpc_fail(err, MPC_ERR_ARG, "the multi-buffer IFMA path is not available");
	mpz_init(scratch);
	mem = (uint64_t *) mpz_limbs_write(scratch, (mp_size_t) (ctx8_words(D) + 2 * 8 * D + 8));
	st = ctx8_init(&c, mem, mp, n, modbits, err);
	if (st == MPC_OK)
	{
		a = c.k0 + 8;
		b = a + 8 * D;
		digits_in(&c, a, ap, n);
		digits_in(&c, b, bp, n);
		amm8(a, a, b, &c);		/* a b / R */
		amm8(a, a, c.rr, &c);	/* a b */
		limbs_out(&c, rp, a);
	}
	mpc_wipe(mem, (ctx8_words(D) + 2 * 8 * D) * sizeof(uint64_t));
	mpz_clear(scratch);
	return st;
}

mpc_status
ifma8_horner_limbs(mp_limb_t *const rp[L8], const mp_limb_t *const *xp, size_t count, unsigned b,
				   const mp_limb_t *const mp[L8], size_t n, size_t modbits, mpc_error *err)
{
	size_t		D = ifma_digits(modbits),
				words;
	mpz_t		scratch;
	uint64_t   *mem,
			   *acc,
			   *x;
	ctx8		c;
	mpc_status	st;

	if (!ifma_available() || D == 0)
		return mpc_fail(err, MPC_ERR_ARG, "the multi-buffer IFMA path is not available");
	if (count == 0)
		return mpc_fail(err, MPC_ERR_ARG, "nothing to pack");
	words = ctx8_words(D) + 2 * 8 * D + 8;
	mpz_init(scratch);
	mem = (uint64_t *) mpz_limbs_write(scratch, (mp_size_t) words);
	st = ctx8_init(&c, mem, mp, n, modbits, err);
	if (st == MPC_OK)
	{
		acc = c.k0 + 8;
		x = acc + 8 * D;
		for (size_t s = count; s-- > 0;)
		{
			digits_in(&c, x, xp + s * L8, n);
			if (s == count - 1)
			{
				amm8(acc, x, c.rr, &c);	/* x R */
				continue;
			}
			for (unsigned i = 0; i < b; i++)
				asqr8(acc, acc, &c);	/* one slot up */
			amm8(x, x, c.rr, &c);
			amm8(acc, acc, x, &c);
		}
		amm8(acc, acc, c.one, &c);	/* out of Montgomery form: below N + 1 */
		limbs_out(&c, rp, acc);
	}
	mpc_wipe(mem, words * sizeof(uint64_t));
	mpz_clear(scratch);
	return st;
}

mpc_status
ifma8_powm_limbs(mp_limb_t *const rp[L8], const mp_limb_t *const bp[L8],
				 const mp_limb_t *const ep[L8], size_t ebits, const mp_limb_t *const mp[L8],
				 size_t n, size_t modbits, mpc_error *err)
{
	size_t		D = ifma_digits(modbits),
				elimbs = (ebits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS + 1,
				count,
				windows,
				words,
				d,
				l;
	unsigned	k;
	mpz_t		scratch;
	uint64_t   *mem,
			   *tab,
			   *acc,
			   *sel,
			   idx[L8];
	mp_limb_t  *ebuf;
	ctx8		c;
	long		w;
	mpc_status	st;

	if (!ifma_available() || D == 0)
		return mpc_fail(err, MPC_ERR_ARG, "the multi-buffer IFMA path is not available");
	if (ebits == 0)
		return mpc_fail(err, MPC_ERR_ARG, "exponent out of range");
	k = ifma_pow_window(ebits);
	if (k > 5)
		k = 5;					/* the scan of a wider table costs more than it saves */
	count = (size_t) 1 << k;
	windows = (ebits + k - 1) / k;
	words = ctx8_words(D) + (count + 2) * 8 * D + L8 * elimbs + 8;
	mpz_init(scratch);
	mem = (uint64_t *) mpz_limbs_write(scratch, (mp_size_t) words);
	st = ctx8_init(&c, mem, mp, n, modbits, err);
	if (st != MPC_OK)
	{
		mpz_clear(scratch);
		return st;
	}
	tab = c.k0 + 8;
	acc = tab + count * 8 * D;
	sel = acc + 8 * D;
	ebuf = (mp_limb_t *) (sel + 8 * D);
	memset(ebuf, 0, L8 * elimbs * sizeof(mp_limb_t));
	for (l = 0; l < L8; l++)
		memcpy(ebuf + l * elimbs, ep[l], (elimbs - 1) * sizeof(mp_limb_t));

	/* table: 1, b, b^2, ... in Montgomery form */
	amm8(tab, c.one, c.rr, &c);
	digits_in(&c, acc, bp, n);
	amm8(tab + 8 * D, acc, c.rr, &c);
	for (d = 2; d < count; d++)
		amm8(tab + d * 8 * D, tab + (d - 1) * 8 * D, tab + 8 * D, &c);

	for (w = (long) windows - 1; w >= 0; w--)
	{
		unsigned	s;

		for (l = 0; l < L8; l++)
			idx[l] = mpc_window_digit(ebuf + l * elimbs, (size_t) w * k, k);
		if (w == (long) windows - 1)
		{
			select8(acc, tab, count, D, idx);
			continue;
		}
		for (s = 0; s < k; s++)
			asqr8(acc, acc, &c);
		select8(sel, tab, count, D, idx);
		amm8(acc, acc, sel, &c);
	}
	amm8(acc, acc, c.one, &c);	/* out of Montgomery form: below N + 1 */
	limbs_out(&c, rp, acc);
	mpc_wipe(idx, sizeof(idx));
	mpc_wipe(mem, words * sizeof(uint64_t));
	mpz_clear(scratch);
	return MPC_OK;
}

mpc_status
ifma8_table_pow(const ifma_ctx *ic, const uint64_t *rows, size_t windows, unsigned k,
				const mp_limb_t *const ep[L8], mp_limb_t *const rp[L8], mpc_error *err)
{
	size_t		D = ic->digits,
				count = (size_t) 1 << k,
				words = ctx8_words(D) + 2 * 8 * D + 8,
				i,
				l,
				w;
	mpz_t		scratch;
	uint64_t   *mem,
			   *acc,
			   *sel,
			   idx[L8];
	ctx8		c;

	if (!ifma_available() || D == 0)
		return mpc_fail(err, MPC_ERR_ARG, "the multi-buffer IFMA path is not available");
	mpz_init(scratch);
	mem = (uint64_t *) mpz_limbs_write(scratch, (mp_size_t) words);
	/* every lane has the table's modulus */
	c.D = D;
	c.nlimbs = ic->nlimbs;
	c.n = align64(mem);
	c.rr = c.n + 8 * D;			/* unused */
	c.one = c.rr + 8 * D;
	c.q = c.one + 8 * D;
	c.k0 = c.q + 8 * D;
	memset(c.one, 0, 8 * D * sizeof(uint64_t));
	for (l = 0; l < L8; l++)
	{
		c.one[l] = 1;
		c.k0[l] = ic->k0;
		c.nl[l] = ic->nl;
		for (i = 0; i < D; i++)
			c.n[8 * i + l] = ic->n[i];
	}
	acc = c.k0 + 8;
	sel = acc + 8 * D;
	for (w = 0; w < windows; w++)
	{
		for (l = 0; l < L8; l++)
			idx[l] = mpc_window_digit(ep[l], w * k, k);
		select_shared8(w == 0 ? acc : sel, rows + w * count * D, count, D, idx);
		if (w > 0)
			amm8(acc, acc, sel, &c);
	}
	amm8(acc, acc, c.one, &c);	/* out of Montgomery form */
	limbs_out(&c, rp, acc);
	mpc_wipe(idx, sizeof(idx));
	mpc_wipe(mem, words * sizeof(uint64_t));
	mpz_clear(scratch);
	return MPC_OK;
}
