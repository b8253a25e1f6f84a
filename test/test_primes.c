/*
 * test_primes.c: the base-2 Fermat test of candidates eight at a time
 * (prime_fermat2_many) against mpz_powm on random and edge candidates, on
 * the multi-buffer IFMA path and on the GMP path; random primes and keys on
 * both paths, and the same prime from the same random bytes whatever the
 * batch.
 */
#include <gmp.h>

#include "ifma.h"
#include "paillier.h"
#include "primes.h"
#include "threshold.h"
#include "unit.h"

/* 2^(x-1) mod x == 1, by GMP's variable-time mpz_powm */
static int
fermat_ref(const mpz_t x)
{
	mpz_t		two,
				e,
				r;
	int			ok;

	mpz_inits(two, e, r, NULL);
	mpz_set_ui(two, 2);
	mpz_sub_ui(e, x, 1);
	mpz_powm(r, two, e, x);
	ok = mpz_cmp_ui(r, 1) == 0;
	mpz_clears(two, e, r, NULL);
	return ok;
}

static void
random_odd(mpz_t x, size_t bits)
{
	unsigned char buf[1024];
	size_t		len = (bits + 7) / 8;

	if (unit_getrandom(buf, len) != 0)
		abort();
	mpz_import(x, len, 1, 1, 0, 0, buf);
	mpz_fdiv_r_2exp(x, x, bits);
	mpz_setbit(x, bits - 1);
	mpz_setbit(x, 0);
}

/* count candidates of 'bits' bits: random odd ones, every third a prime */
static void
check_random(size_t bits, size_t count)
{
	mpz_t		x[20];
	int			passes[20],
				ok = 1;
	size_t		i;

	for (i = 0; i < count; i++)
	{
		mpz_init(x[i]);
		random_odd(x[i], bits);
		if (i % 3 == 1)
		{
			mpz_nextprime(x[i], x[i]);
			if (mpz_sizeinbase(x[i], 2) != bits)
				random_odd(x[i], bits);
		}
	}
	CHECK_OK(prime_fermat2_many(passes, (const mpz_t *) x, count, &e_));
	for (i = 0; i < count; i++)
	{
		ok &= passes[i] == fermat_ref(x[i]);
		mpz_clear(x[i]);
	}
	if (!ok)
		fprintf(stderr, "Fermat verdicts differ from mpz_powm at %zu bits, %zu candidates\n",
				bits, count);
	CHECK(ok);
}

/* candidates given in decimal, all of one bit length; want: the verdicts */
static void
check_edge(const char *const *dec, size_t count, const int *want)
{
	mpz_t		x[8];
	int			passes[8];
	size_t		i;

	for (i = 0; i < count; i++)
		mpz_init_set_str(x[i], dec[i], 10);
	CHECK_OK(prime_fermat2_many(passes, (const mpz_t *) x, count, &e_));
	for (i = 0; i < count; i++)
	{
		CHECK(passes[i] == want[i]);
		CHECK(passes[i] == fermat_ref(x[i]));
		mpz_clear(x[i]);
	}
}

static void
test_fermat(void)
{
	static const size_t sizes[] = {16, 61, 64, 65, 256, 511, 1024, 2048};
	size_t		s,
				count;
	mpc_error	err;
	int			passes[4];
	mpz_t		x[3];

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (count = 1; count <= 17; count += (count < 3 ? 1 : count < 9 ? 6 : 8))
			check_random(sizes[s], count);

	/* base-2 pseudoprimes pass, as they must: 341 = 11 31, 387 = 9 43 (no),
	 * 511 = 7 73 (no), 257 (prime); 9 bits each */
	{
		const char *const c9[] = {"341", "387", "511", "257", "509", "271", "289", "481", "431"};
		const int	w9[] = {1, 0, 0, 1, 1, 1, 0, 0, 1};

		check_edge(c9, 8, w9);
		check_edge(c9 + 8, 1, w9 + 8);
	}
	/* Carmichael 561 and 645 (base-2 pseudoprime), 10 bits */
	{
		const char *const c10[] = {"561", "645", "1023", "523", "775"};
		const int	w10[] = {1, 1, 0, 1, 0};

		check_edge(c10, 5, w10);
	}
	/* 2^61 - 1 (prime) and 2^64 - 1, 2^127 - 1, 2^128 - 1 ... : moduli 2^k - 1 */
	{
		const char *const m61[] = {"2305843009213693951"};
		const char *const m64[] = {"18446744073709551615"};
		const char *const m127[] = {"170141183460469231731687303715884105727"};
		const char *const m128[] = {"340282366920938463463374607431768211455",
			"340282366920938463463374607431768211297"};	/* 2^128 - 159: prime */
		const int	one[] = {1},
					zero[] = {0},
					w128[] = {0, 1};

		check_edge(m61, 1, one);
		check_edge(m64, 1, zero);
		check_edge(m127, 1, one);
		check_edge(m128, 2, w128);
	}
	/* 5 and 7 (three bits), the smallest candidates accepted */
	{
		const char *const c3[] = {"5", "7"};
		const int	w3[] = {1, 1};

		check_edge(c3, 2, w3);
	}

	/* bad candidates are refused before any arithmetic */
	mpz_init_set_ui(x[0], 1001);
	mpz_init_set_ui(x[1], 1000);
	mpz_init_set_ui(x[2], 3);
	CHECK_STATUS(prime_fermat2_many(passes, (const mpz_t *) x, 2, &err), MPC_ERR_ARG);	/* even */
	CHECK_STATUS(prime_fermat2_many(passes, (const mpz_t *) x + 2, 1, &err), MPC_ERR_ARG);	/* 3 */
	mpz_set_ui(x[1], 2047);
	CHECK_STATUS(prime_fermat2_many(passes, (const mpz_t *) x, 2, &err), MPC_ERR_ARG);	/* lengths */
	mpz_set_si(x[1], -1001);
	CHECK_STATUS(prime_fermat2_many(passes, (const mpz_t *) x + 1, 1, &err), MPC_ERR_ARG);
	CHECK_OK(prime_fermat2_many(passes, (const mpz_t *) x, 0, &e_));
	mpz_clears(x[0], x[1], x[2], NULL);
}

/* a reproducible random source: SHA-like mixing of a counter (splitmix64) */
static unsigned long long det_state;

static int
det_rng(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0)
	{
		unsigned long long z = (det_state += 0x9E3779B97F4A7C15ULL);

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		z ^= z >> 31;
		for (int i = 0; i < 8 && len > 0; i++, len--)
			*p++ = (unsigned char) (z >> (8 * i));
	}
	return 0;
}

static void
test_random_primes(void)
{
	static const size_t sizes[] = {16, 100, 512, 768};
	size_t		s;
	int			seed,
				batch;
	mpz_t		p,
				first;
	mpc_error	err;

	mpz_inits(p, first, NULL);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (seed = 1; seed <= 2; seed++)
		{
			/* the same random bytes give the same prime for every batch */
			for (batch = 1; batch <= 8; batch += (batch == 1 ? 2 : 5))
			{
				det_state = (unsigned long long) seed * 1000003ULL + sizes[s];
				mpc_set_rng(det_rng);
				CHECK_OK(prime_random_batch(p, sizes[s], batch, &e_));
				CHECK(mpz_probab_prime_p(p, 30) != 0);
				CHECK(mpz_sizeinbase(p, 2) == sizes[s]);
				CHECK(mpz_tstbit(p, sizes[s] - 2) == 1);
				if (batch == 1)
					mpz_set(first, p);
				else
					CHECK(mpz_cmp(p, first) == 0);
			}
		}
	UNIT_INIT();
	CHECK_STATUS(prime_random_batch(p, 8, 8, &err), MPC_ERR_ARG);
	CHECK_STATUS(prime_random_batch(p, 512, 9, &err), MPC_ERR_ARG);
	CHECK_STATUS(prime_random_batch(p, 512, 0, &err), MPC_ERR_ARG);
	mpz_clears(p, first, NULL);
}

/* the one table of small primes, as the sieves read it */
static void
test_small_table(void)
{
	const unsigned int *odd = prime_small_odd(1500);
	mpz_t		x;

	CHECK(odd != NULL && odd[0] == 3 && odd[1] == 5 && odd[2] == 7 && odd[3] == 11);
	CHECK(odd != NULL && odd[1499] == 12569);	/* the 1,501st prime */
	CHECK(prime_small_odd(6541) != NULL && prime_small_odd(6541)[6540] == 65521);
	CHECK(prime_small_odd(6542) == NULL);
	mpz_init_set_ui(x, 65521UL * 65519UL);
	CHECK(prime_has_small_factor(x) == 1);
	mpz_set_ui(x, 65537UL * 65539UL);
	CHECK(prime_has_small_factor(x) == 0);
	mpz_clear(x);
}

/* the threshold scheme's safe primes: the same p = 2q + 1 from the same
 * random bytes on the multi-buffer path and on the one-at-a-time path */
static void
test_safe_primes(void)
{
	static const size_t sizes[] = {16, 64, 200, 256};
	size_t		s;
	mpz_t		p,
				first,
				q;
	int			path;

	mpz_inits(p, first, q, NULL);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
	{
		for (path = 0; path <= 1; path++)
		{
			ifma_set_enabled(path);
			det_state = 77 + sizes[s];
			mpc_set_rng(det_rng);
			CHECK_OK(thr_safe_prime(p, sizes[s], &e_));
			mpz_fdiv_q_2exp(q, p, 1);
			CHECK(mpz_probab_prime_p(p, 30) != 0 && mpz_probab_prime_p(q, 30) != 0);
			CHECK(mpz_sizeinbase(p, 2) == sizes[s]);
			if (path == 0)
				mpz_set(first, p);
			else
				CHECK(mpz_cmp(p, first) == 0);
		}
	}
	UNIT_INIT();
	mpz_clears(p, first, q, NULL);
}

/* prime_probable and its Miller-Rabin rounds against GMP */
static void
test_probable(int ifma)
{
	mpz_t		x,
				f;
	unsigned long k;
	int			i;

	mpz_inits(x, f, NULL);
	/* primes of several sizes, and their neighbours' products */
	for (i = 0; i < 12; i++)
	{
		size_t		bits = i < 4 ? 40 + 20 * i : 128 * i;

		random_odd(x, bits);
		mpz_nextprime(x, x);
		CHECK(prime_probable(x) == 1);
		CHECK(prime_miller_rabin8(x) == (ifma && mpz_sizeinbase(x, 2) >= 64 ? 1 : -1));
		mpz_nextprime(f, x);
		mpz_mul(x, x, f);
		CHECK(prime_probable(x) == 0);
		CHECK(prime_miller_rabin8(x) == (ifma && mpz_sizeinbase(x, 2) >= 64 ? 0 : -1));
	}
	/* a Carmichael number (6k+1)(12k+1)(18k+1) of about 94 bits: every base
	 * coprime to it is a Fermat liar, Miller-Rabin must still see it */
	for (k = (1UL << 30) + 1;; k++)
	{
		mpz_t		a,
					b,
					c;

		mpz_inits(a, b, c, NULL);
		mpz_set_ui(a, 6 * k + 1);
		mpz_set_ui(b, 12 * k + 1);
		mpz_set_ui(c, 18 * k + 1);
		if (mpz_probab_prime_p(a, 30) && mpz_probab_prime_p(b, 30) && mpz_probab_prime_p(c, 30))
		{
			int			passes;
			const mpz_t *xs;

			mpz_mul(x, a, b);
			mpz_mul(x, x, c);
			xs = (const mpz_t *) &x;
			CHECK_OK(prime_fermat2_many(&passes, xs, 1, &e_));
			CHECK(passes == 1);	/* a Fermat liar, as it must be */
			CHECK(prime_probable(x) == 0);
			CHECK(prime_miller_rabin8(x) == (ifma ? 0 : -1));
			mpz_clears(a, b, c, NULL);
			break;
		}
		mpz_clears(a, b, c, NULL);
	}
	/* small, even and negative ones go to GMP */
	mpz_set_str(x, "-340282366920938463463374607431768211297", 10);	/* -(2^128 - 159) */
	CHECK(prime_probable(x) == 1);	/* GMP tests |x| */
	CHECK(prime_miller_rabin8(x) == -1);
	mpz_set_ui(x, 3215031751UL);	/* strong pseudoprime to bases 2, 3, 5, 7 */
	CHECK(prime_probable(x) == 0);
	CHECK(prime_miller_rabin8(x) == -1);
	mpz_set_ui(x, 1000);
	CHECK(prime_probable(x) == 0);
	mpz_set_ui(x, 2);
	CHECK(prime_probable(x) == 1);
	mpz_clears(x, f, NULL);
}

/* keys from pai_keygen: proven primes of the right sizes */
static void
test_keys(size_t bits)
{
	pai_priv	sk;

	CHECK_OK(pai_keygen(&sk, bits, 512, &e_));
	CHECK(mpz_probab_prime_p(sk.p, 40) != 0 && mpz_probab_prime_p(sk.q, 40) != 0);
	CHECK(sk.pub.nbits == bits);
	CHECK(mpz_sizeinbase(sk.p, 2) + mpz_sizeinbase(sk.q, 2) == bits);
	pai_priv_clear(&sk);
}

int
main(void)
{
	int			path;

	UNIT_INIT();
	test_small_table();
	for (path = 1; path >= 0; path--)
	{
		ifma_set_enabled(path);
		if (path == 1 && !ifma_available())
		{
			printf("note: no AVX-512 IFMA on this CPU; the multi-buffer path is not run\n");
			continue;
		}
		printf("path: %s\n", path ? "multi-buffer IFMA" : "GMP");
		test_fermat();
		test_random_primes();
		test_probable(path);
		if (path == 1)
			test_safe_primes();	/* both paths, from the same bytes */
		ifma_set_enabled(path);
		test_keys(1024);
		test_keys(1025);
	}
	UNIT_DONE("test_primes");
}
