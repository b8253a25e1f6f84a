/*
 * bench_psi.c: the per-element cost of private set intersection's blinding:
 * what src/core/psi.c uses (Elligator 2 onto Curve25519 on GMP's mpn_sec
 * layer, then X25519 from libsodium), ristretto255 from libsodium
 * (crypto_core_ristretto255_from_hash, crypto_scalarmult_ristretto255), and
 * the classic choice, exponentiation modulo a 2048- or 3072-bit prime with
 * mpz_powm_sec (a 256-bit exponent, as short-exponent DH would use, and a
 * full one).  Thread CPU time, microseconds per element.
 */
#include <gmp.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "bench_common.h"
#include "mpc_common.h"
#include "psi.h"

int
main(void)
{
	enum { N = 4000, M = 100 };
	uint8_t		s[PSI_SCALAR_LEN],
				pts[PSI_HEADER_LEN + N * PSI_POINT_LEN];
	mpc_error	err;
	double		t0,
				hash_us,
				mul_us;

	mpc_set_rng(rng);
	if (psi_keygen(s, &err) != MPC_OK)
		return 1;
	t0 = cpu_now();
	for (int i = 0; i < N; i++)
	{
		uint64_t	id = (uint64_t) i * 2654435761u;

		if (psi_hash_blind(pts + i * PSI_POINT_LEN, PSI_KIND_BIGINT, &id, 8, s, &err) != MPC_OK)
			return 1;
	}
	hash_us = (cpu_now() - t0) / N * 1e6;
	t0 = cpu_now();
	if (psi_blind(pts, N, s, &err) != MPC_OK)
		return 1;
	mul_us = (cpu_now() - t0) / N * 1e6;
	printf("Curve25519 (psi.c): hash to the curve and blind %.1f us, blind again %.1f us, "
		   "so %.1f us per element and party (100,000 x 100,000: %.1f CPU s per party)\n",
		   hash_us, mul_us, hash_us + mul_us, (hash_us + mul_us) * 1e5 / 1e6);
	{
		uint8_t		wide[64],
					rs[32],
					pt[32],
					q[32];
		double		rh,
					rm;

		randombytes_buf(wide, sizeof(wide));
		crypto_core_ristretto255_scalar_reduce(rs, wide);
		t0 = cpu_now();
		for (int i = 0; i < N; i++)
		{
			wide[0] = (uint8_t) i;
			wide[1] = (uint8_t) (i >> 8);
			crypto_hash_sha512(wide, wide, sizeof(wide));
			crypto_core_ristretto255_from_hash(pt, wide);
			if (crypto_scalarmult_ristretto255(q, rs, pt) != 0)
				return 1;
		}
		rh = (cpu_now() - t0) / N * 1e6;
		t0 = cpu_now();
		for (int i = 0; i < N; i++)
		{
			if (crypto_scalarmult_ristretto255(pt, rs, q) != 0)
				return 1;
			memcpy(q, pt, 32);
		}
		rm = (cpu_now() - t0) / N * 1e6;
		printf("ristretto255: hash to the group and blind %.1f us, blind again %.1f us, "
			   "so %.1f us per element and party (%.2fx Curve25519; 100,000 x 100,000: %.1f CPU s per party)\n",
			   rh, rm, rh + rm, (rh + rm) / (hash_us + mul_us), (rh + rm) * 1e5 / 1e6);
		sodium_memzero(rs, sizeof(rs));
	}

	{
		gmp_randstate_t st;
		mpz_t		p, g, e, o;

		gmp_randinit_default(st);
		gmp_randseed_ui(st, 17);
		mpz_inits(p, g, e, o, NULL);
		for (int bits = 2048; bits <= 3072; bits += 1024)
		{
			int			ebits[2] = {256, bits};

			/* an odd modulus of the size: the cost does not depend on primality */
			mpz_urandomb(p, st, bits);
			mpz_setbit(p, bits - 1);
			mpz_setbit(p, 0);
			mpz_urandomm(g, st, p);
			for (int k = 0; k < 2; k++)
			{
				double		us;

				mpz_urandomb(e, st, ebits[k]);
				mpz_setbit(e, ebits[k] - 1);
				t0 = cpu_now();
				for (int i = 0; i < M; i++)
				{
					mpz_powm_sec(o, g, e, p);
					mpz_set(g, o);
				}
				us = (cpu_now() - t0) / M * 1e6;
				printf("mpz_powm_sec %d-bit modulus, %4d-bit exponent: %.0f us per exponentiation (%.0fx X25519)\n",
					   bits, ebits[k], us, us / mul_us);
			}
		}
		mpz_clears(p, g, e, o, NULL);
		gmp_randclear(st);
	}
	return 0;
}
