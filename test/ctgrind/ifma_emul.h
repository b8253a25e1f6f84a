/*
 * ifma_emul.h: the AVX-512 intrinsics that src/core/ifma.c uses, in plain C,
 * for the constant-time check only (test/ctgrind).  valgrind cannot run
 * AVX-512 instructions, so the check builds ifma.c against these instead:
 * the ladder's own branches and memory addresses are then what valgrind
 * sees.  Each emulated instruction is straight-line code on all 8 lanes, as
 * the hardware instruction is.
 */
#ifndef IFMA_EMUL_H
#define IFMA_EMUL_H

#include <stdint.h>
#include <string.h>

typedef struct
{
	uint64_t	v[8];
} __m512i;
typedef struct
{
	uint64_t	v[2];
} __m128i;
typedef uint8_t __mmask8;

#define EMUL_MASK52 ((UINT64_C(1) << 52) - 1)

static inline __m512i
_mm512_setzero_si512(void)
{
	__m512i		r;

	memset(&r, 0, sizeof(r));
	return r;
}

static inline __m512i
_mm512_set1_epi64(long long x)
{
	__m512i		r;

	for (int i = 0; i < 8; i++)
		r.v[i] = (uint64_t) x;
	return r;
}

static inline __m512i
_mm512_loadu_si512(const void *p)
{
	__m512i		r;

	memcpy(&r, p, sizeof(r));
	return r;
}

static inline void
_mm512_storeu_si512(void *p, __m512i a)
{
	memcpy(p, &a, sizeof(a));
}

static inline __m512i
_mm512_madd52lo_epu64(__m512i acc, __m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
		acc.v[i] += (uint64_t) ((unsigned __int128) (a.v[i] & EMUL_MASK52) *
								(b.v[i] & EMUL_MASK52)) & EMUL_MASK52;
	return acc;
}

static inline __m512i
_mm512_madd52hi_epu64(__m512i acc, __m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
		acc.v[i] += (uint64_t) (((unsigned __int128) (a.v[i] & EMUL_MASK52) *
								 (b.v[i] & EMUL_MASK52)) >> 52);
	return acc;
}

static inline __m512i
_mm512_add_epi64(__m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
		a.v[i] += b.v[i];
	return a;
}

/* lanes imm.. of the 16-lane concatenation hi:lo */
static inline __m512i
_mm512_alignr_epi64(__m512i hi, __m512i lo, int imm)
{
	uint64_t	cat[16];
	__m512i		r;

	memcpy(cat, lo.v, sizeof(lo.v));
	memcpy(cat + 8, hi.v, sizeof(hi.v));
	memcpy(r.v, cat + imm, sizeof(r.v));
	return r;
}

static inline __m512i
_mm512_mask_add_epi64(__m512i src, __mmask8 k, __m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
	{
		uint64_t	m = 0 - (uint64_t) ((k >> i) & 1);

		src.v[i] = ((a.v[i] + b.v[i]) & m) | (src.v[i] & ~m);
	}
	return src;
}

static inline __m512i
_mm512_and_si512(__m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
		a.v[i] &= b.v[i];
	return a;
}

static inline __m512i
_mm512_or_si512(__m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
		a.v[i] |= b.v[i];
	return a;
}

static inline __m128i
_mm512_castsi512_si128(__m512i a)
{
	__m128i		r = {{a.v[0], a.v[1]}};

	return r;
}

static inline long long
_mm_cvtsi128_si64(__m128i a)
{
	return (long long) a.v[0];
}

static inline __m512i
_mm512_srli_epi64(__m512i a, unsigned int imm)
{
	for (int i = 0; i < 8; i++)
		a.v[i] >>= imm;
	return a;
}

/* bit i set when lane i of a equals lane i of b, without a branch */
static inline __mmask8
_mm512_cmpeq_epi64_mask(__m512i a, __m512i b)
{
	unsigned	m = 0;

	for (int i = 0; i < 8; i++)
	{
		uint64_t	x = a.v[i] ^ b.v[i];

		m |= (unsigned) (((x | (0 - x)) >> 63) ^ 1) << i;
	}
	return (__mmask8) m;
}

/* lane i of a where bit i of k is set, else of src */
static inline __m512i
_mm512_mask_mov_epi64(__m512i src, __mmask8 k, __m512i a)
{
	for (int i = 0; i < 8; i++)
	{
		uint64_t	m = 0 - (uint64_t) ((k >> i) & 1);

		src.v[i] = (a.v[i] & m) | (src.v[i] & ~m);
	}
	return src;
}

#endif
