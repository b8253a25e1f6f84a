/*
 * bench_ifma8.c: the multi-buffer IFMA exponentiation (eight lanes) against
 * the single-buffer one, and CRT decryption eight at a time
 * (pai_decrypt_many) against one at a time (pai_decrypt), in thread CPU
 * time, beside the IFMA throughput bound.
 *
 * The bound (issue 18): an almost Montgomery product of D digits is
 * D^2 / 2 vpmadd52 instructions per number (4 D^2 52-bit products over 8
 * lanes), at 2 per cycle: D^2 / 4 cycles.  The clock is estimated in the
 * same run from a chain of dependent 64-bit additions (one per cycle).
 * An exponentiation by an e-bit exponent with window k costs e squarings,
 * ceil(e / k) products, 2^k table entries and 3 conversions.
 *
 *   bench/build/bench_ifma8 [bits]     (key size, default 2048)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <immintrin.h>

#include "ifma.h"
#include "ifma8.h"
#include "paillier.h"
#include "djn.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
rng(void *buf, size_t len)
{
	return getrandom(buf, len, 0) == (ssize_t) len ? 0 : -1;
}

/* seconds per cycle: 2e8 dependent additions, best of 3 */
static double
cycle_time(void)
{
	unsigned long x = 0;
	long		i;
	double		t0 = now(),
				best = 1;
	int			r;

	for (r = 0; r < 3; r++)
	{
		t0 = now();
		/* eight dependent additions per iteration: the loop's own branch
		 * does not limit the chain */
		for (i = 0; i < 25000000L; i++)
			__asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
							 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
		if ((now() - t0) / 2e8 < best)
			best = (now() - t0) / 2e8;
	}
	return best;
}

/* vpmadd52luq (zmm) per cycle on this CPU: twelve independent chains */
#define MADD12(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) \
	do { \
		a0 = _mm512_madd52lo_epu64(a0, b, c); a1 = _mm512_madd52lo_epu64(a1, b, c); \
		a2 = _mm512_madd52lo_epu64(a2, b, c); a3 = _mm512_madd52lo_epu64(a3, b, c); \
		a4 = _mm512_madd52lo_epu64(a4, b, c); a5 = _mm512_madd52lo_epu64(a5, b, c); \
		a6 = _mm512_madd52lo_epu64(a6, b, c); a7 = _mm512_madd52lo_epu64(a7, b, c); \
		a8 = _mm512_madd52lo_epu64(a8, b, c); a9 = _mm512_madd52lo_epu64(a9, b, c); \
		a10 = _mm512_madd52lo_epu64(a10, b, c); a11 = _mm512_madd52lo_epu64(a11, b, c); \
	} while (0)

__attribute__((target("avx512f,avx512ifma"))) static double
madd_per_cycle(double cyc)
{
	__m512i		b = _mm512_set1_epi64(12345),
				c = _mm512_set1_epi64(777),
				a0 = b, a1 = c, a2 = b, a3 = c, a4 = b, a5 = c,
				a6 = b, a7 = c, a8 = b, a9 = c, a10 = b, a11 = c;
	long		k,
				N = 20000000L;
	double		t0;

	t0 = now();
	for (k = 0; k < N; k++)
	{
		MADD12(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
		/* opaque to the compiler: no folding of the chains */
		__asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5),
						 "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11), "+v"(b),
						 "+v"(c));
	}
	t0 = now() - t0;
	a0 = _mm512_add_epi64(_mm512_add_epi64(_mm512_add_epi64(a0, a1), _mm512_add_epi64(a2, a3)),
						  _mm512_add_epi64(_mm512_add_epi64(a4, a5), _mm512_add_epi64(a6, a7)));
	a0 = _mm512_add_epi64(a0, _mm512_add_epi64(_mm512_add_epi64(a8, a9), _mm512_add_epi64(a10, a11)));
	if (_mm512_reduce_add_epi64(a0) == 42)
		printf(" ");
	return (12.0 * N) / (t0 / cyc);
}

int
main(int argc, char **argv)
{
	int			bits = argc > 1 ? atoi(argv[1]) : 2048;
	pai_priv	sk;
	mpc_error	err;
	double		cyc,
				t0,
				t1,
				single,
				multi,
				dsingle,
				dmulti;
	size_t		modbits,
				ebits,
				n,
				D,
				en,
				l,
				products;
	unsigned	k;
	mp_limb_t  *mem,
			   *bp[8],
			   *ep[8],
			   *rp[8],
			   *mp[8];
	int			reps = 4,
				r,
				i;
	mpz_t		want,
				got,
				ms[64],
				cs[64],
				outs[64];

	if (!ifma_available())
	{
		printf("no AVX-512 IFMA on this CPU\n");
		return 0;
	}
	mpc_set_rng(rng);
	if (pai_keygen(&sk, (size_t) bits, 512, &err) != MPC_OK)
		return 1;
	cyc = cycle_time();
	modbits = mpz_sizeinbase(sk.p2, 2);
	ebits = mpz_sizeinbase(sk.p, 2);
	n = mpz_size(sk.p2);
	en = (ebits + 63) / 64;
	D = ifma_digits(modbits);
	k = ifma_pow_window(ebits);
	if (k > 5)
		k = 5;
	products = ebits + (ebits + k - 1) / k + ((size_t) 1 << k) + 3;
	mem = calloc(8 * (3 * n + en), sizeof(mp_limb_t));
	mpz_inits(want, got, NULL);
	for (l = 0; l < 8; l++)
	{
		mp[l] = (mp_limb_t *) mpz_limbs_read(sk.p2);
		bp[l] = mem + l * (3 * n + en);
		rp[l] = bp[l] + n;
		ep[l] = rp[l] + 2 * n;
	}
	{
		gmp_randstate_t rs;

		gmp_randinit_default(rs);
		for (l = 0; l < 8; l++)
		{
			mpz_t		b,
						e;

			mpz_inits(b, e, NULL);
			mpz_urandomm(b, rs, sk.p2);
			mpz_urandomb(e, rs, ebits);
			mpz_export(bp[l], NULL, -1, 8, 0, 0, b);
			mpz_export(ep[l], NULL, -1, 8, 0, 0, e);
			mpz_clears(b, e, NULL);
		}
		gmp_randclear(rs);
	}
	/* single buffer: mpc_powm_sec_limbs, one lane at a time */
	single = 1e9;
	multi = 1e9;
	for (r = 0; r < reps; r++)
	{
		t0 = now();
		for (l = 0; l < 8; l++)
			mpc_powm_sec_limbs(rp[l], bp[l], ep[l], ebits, mp[l], n, modbits);
		t1 = now();
		if ((t1 - t0) / 8 < single)
			single = (t1 - t0) / 8;
		t0 = now();
		if (ifma8_powm_limbs(rp, (const mp_limb_t *const *) bp, (const mp_limb_t *const *) ep,
							 ebits, (const mp_limb_t *const *) mp, n, modbits, &err) != MPC_OK)
			return 1;
		t1 = now();
		if ((t1 - t0) / 8 < multi)
			multi = (t1 - t0) / 8;
	}
	/* check one lane against GMP */
	{
		mpz_t		b,
					e;

		mpz_inits(b, e, NULL);
		mpz_import(b, n, -1, 8, 0, 0, bp[3]);
		mpz_import(e, en, -1, 8, 0, 0, ep[3]);
		mpz_powm(want, b, e, sk.p2);
		mpz_import(got, n, -1, 8, 0, 0, rp[3]);
		mpz_clears(b, e, NULL);
	}
	printf("key %d bits: modulus p^2 %zu bits (D = %zu digits), exponent %zu bits, window %u, %zu products; clock %.2f GHz (estimated)\n",
		   bits, modbits, D, ebits, k, products, 1e-9 / cyc);
	printf("measured vpmadd52luq zmm throughput: %.2f per cycle (the bound assumes 2)\n",
		   madd_per_cycle(cyc));
	printf("bound per product: D^2/4 = %zu cycles = %.3f us; per exponentiation %.3f ms\n",
		   D * D / 4, D * D / 4 * cyc * 1e6, products * D * D / 4 * cyc * 1e3);
	printf("exp_single_ms %.3f  (%.2fx the bound)\n", single * 1e3,
		   single / (products * D * D / 4 * cyc));
	printf("exp_8lane_ms %.3f  (%.2fx the bound; %.2fx faster than single) same %d\n", multi * 1e3,
		   multi / (products * D * D / 4 * cyc), single / multi, mpz_cmp(want, got) == 0);

	/* CRT decryption: 64 ciphertexts, one at a time and eight at a time */
	for (i = 0; i < 64; i++)
	{
		mpz_inits(ms[i], cs[i], outs[i], NULL);
		mpz_set_ui(ms[i], 1000u * (unsigned) i + 7);
		if (pai_encrypt(&sk.pub, cs[i], ms[i], &err) != MPC_OK)
			return 1;
	}
	dsingle = dmulti = 1e9;
	for (r = 0; r < 2; r++)
	{
		t0 = now();
		for (i = 0; i < 64; i++)
			if (pai_decrypt(&sk, outs[i], cs[i], &err) != MPC_OK)
				return 1;
		t1 = now();
		if ((t1 - t0) / 64 < dsingle)
			dsingle = (t1 - t0) / 64;
		t0 = now();
		if (pai_decrypt_many(&sk, outs, (const mpz_t *) cs, 64, &err) != MPC_OK)
			return 1;
		t1 = now();
		if ((t1 - t0) / 64 < dmulti)
			dmulti = (t1 - t0) / 64;
	}
	for (i = 0; i < 64; i++)
		if (mpz_cmp(outs[i], ms[i]) != 0)
			return 1;
	printf("decrypt bound (two exponentiations) %.3f ms\n", 2 * products * D * D / 4 * cyc * 1e3);
	printf("decrypt_single_ms %.3f  (%.2fx the bound)\n", dsingle * 1e3,
		   dsingle / (2 * products * D * D / 4 * cyc));
	printf("decrypt_many_ms %.3f  (%.2fx the bound; %.2fx faster than one at a time) all right\n",
		   dmulti * 1e3, dmulti / (2 * products * D * D / 4 * cyc), dsingle / dmulti);

	/* DJN encryption: one at a time on the key's IFMA table (fb_pow) and
	 * eight at a time (pai_djn_encrypt_many: fb_pow8), 64 plaintexts */
	{
		size_t		tb = pai_djn_table_bytes(&sk.pub, 4),
					D2 = ifma_digits(mpz_sizeinbase(sk.pub.n2, 2)),
					wins;
		void	   *tbuf = aligned_alloc(64, (tb + 63) / 64 * 64);
		pai_djn		dj;
		double		esingle = 1e9,
					emulti = 1e9;

		if (pai_djn_init(&dj, &sk.pub, 4, tbuf, tb, &err) != MPC_OK)
			return 1;
		wins = dj.table.windows;
		for (r = 0; r < 2; r++)
		{
			t0 = now();
			for (i = 0; i < 64; i++)
				if (pai_djn_encrypt(&sk.pub, &dj, cs[i], ms[i], &err) != MPC_OK)
					return 1;
			t1 = now();
			if ((t1 - t0) / 64 < esingle)
				esingle = (t1 - t0) / 64;
			t0 = now();
			if (pai_djn_encrypt_many(&sk.pub, &dj, cs, (const mpz_t *) ms, 64, &err) != MPC_OK)
				return 1;
			t1 = now();
			if ((t1 - t0) / 64 < emulti)
				emulti = (t1 - t0) / 64;
		}
		for (i = 0; i < 64; i++)
		{
			if (pai_decrypt(&sk, outs[i], cs[i], &err) != MPC_OK || mpz_cmp(outs[i], ms[i]) != 0)
				return 1;
		}
		/* DJN: windows - 1 products + 1 conversion, modulus n^2 */
		printf("djn: modulus n^2 (D = %zu), exponent %zu bits, window 4, %zu products; bound %.3f ms\n",
			   D2, dj.abits, wins, wins * D2 * D2 / 4 * cyc * 1e3);
		printf("djn_single_ms %.3f  (%.2fx the bound)\n", esingle * 1e3,
			   esingle / (wins * D2 * D2 / 4 * cyc));
		printf("djn_many_ms %.3f  (%.2fx the bound; %.2fx faster than one at a time) all right\n",
			   emulti * 1e3, emulti / (wins * D2 * D2 / 4 * cyc), esingle / emulti);
		pai_djn_clear(&dj);
		free(tbuf);
	}
	return 0;
}
