/*
 * test_paillier.c: Paillier core against known answers and its own laws.
 */
#include "unit.h"
#include "encoding.h"
#include "paillier.h"

/* Read "name = hex" from the ISO/IEC 18033-6 vector file. */
static int
kat_get(const char *path, const char *name, mpz_t out)
{
	FILE	   *f = fopen(path, "r");
	char		line[8192];
	size_t		nlen = strlen(name);
	int			found = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
	{
		if (strncmp(line, name, nlen) == 0 && strncmp(line + nlen, " = ", 3) == 0)
		{
			char	   *v = line + nlen + 3;

			v[strcspn(v, "\r\n")] = '\0';
			found = mpz_set_str(out, v, 16) == 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static void
test_small_vector(void)
{
	pai_priv	sk;
	mpz_t		p, q, m, r, c, want, d;
	mpc_error	err;

	mpz_inits(p, q, m, r, c, want, d, NULL);
	mpz_set_str(p, "23194683100664294251", 10);
	mpz_set_str(q, "11084480205242485763", 10);
	mpz_set_ui(m, 150);
	mpz_set_ui(r, 464682464);
	mpz_set_str(want, "1841450431121342017079889925321805034960817609110249141263892292849164403537", 10);
	CHECK_OK(pai_priv_init(&sk, p, q, 64, &err));
	CHECK_OK(pai_encrypt_with_r(&sk.pub, c, m, r, &err));
	CHECK(mpz_cmp(c, want) == 0);
	CHECK_OK(pai_decrypt(&sk, d, c, &err));
	CHECK(mpz_cmp_ui(d, 150) == 0);
	CHECK_OK(pai_decrypt_textbook(&sk, d, c, &err));
	CHECK(mpz_cmp_ui(d, 150) == 0);
	/* the same key from q, p */
	pai_priv_clear(&sk);
	CHECK_OK(pai_priv_init(&sk, q, p, 64, &err));
	CHECK_OK(pai_decrypt(&sk, d, c, &err));
	CHECK(mpz_cmp_ui(d, 150) == 0);
	pai_priv_clear(&sk);
	mpz_clears(p, q, m, r, c, want, d, NULL);
}

static void
test_iso_vector(void)
{
	/* a copy of the public compliance vector ships in test/vectors/ */
	const char *path = MPC_TEST_VECTORS "/paillier-iso18033-6.txt";
	pai_priv	sk;
	mpz_t		p, q, n, m1, r1, c1, m2, r2, c2, prod, sum, got;
	mpc_error	err;

	mpz_inits(p, q, n, m1, r1, c1, m2, r2, c2, prod, sum, got, NULL);
	CHECK(kat_get(path, "p", p) && kat_get(path, "q", q) && kat_get(path, "n", n));
	CHECK(kat_get(path, "m1", m1) && kat_get(path, "r1", r1) && kat_get(path, "c1", c1));
	CHECK(kat_get(path, "m2", m2) && kat_get(path, "r2", r2) && kat_get(path, "c2", c2));
	CHECK(kat_get(path, "c1_times_c2_mod_n2", prod) && kat_get(path, "m1_plus_m2", sum));
	CHECK_OK(pai_priv_init(&sk, p, q, PAI_MIN_BITS, &err));
	CHECK(mpz_cmp(sk.pub.n, n) == 0);
	CHECK(sk.pub.nbits == 2048);
	CHECK_OK(pai_encrypt_with_r(&sk.pub, got, m1, r1, &err));
	CHECK(mpz_cmp(got, c1) == 0);
	CHECK_OK(pai_encrypt_with_r(&sk.pub, got, m2, r2, &err));
	CHECK(mpz_cmp(got, c2) == 0);
	pai_add(&sk.pub, got, c1, c2);
	CHECK(mpz_cmp(got, prod) == 0);
	CHECK_OK(pai_decrypt(&sk, got, prod, &err));
	CHECK(mpz_cmp(got, sum) == 0);
	CHECK_OK(pai_decrypt_textbook(&sk, got, prod, &err));
	CHECK(mpz_cmp(got, sum) == 0);
	CHECK_OK(pai_decrypt(&sk, got, c1, &err));
	CHECK(mpz_cmp(got, m1) == 0);
	pai_priv_clear(&sk);
	mpz_clears(p, q, n, m1, r1, c1, m2, r2, c2, prod, sum, got, NULL);
}

static void
test_keygen_and_laws(size_t bits)
{
	pai_priv	sk;
	mpz_t		a, b, ca, cb, cs, d, k, t, g;
	mpc_error	err;
	int			i;

	mpz_inits(a, b, ca, cb, cs, d, k, t, g, NULL);
	CHECK_OK(pai_keygen(&sk, bits, 512, &err));
	CHECK(sk.pub.nbits == bits);
	CHECK(mpz_probab_prime_p(sk.p, 30) && mpz_probab_prime_p(sk.q, 30));
	CHECK(mpz_cmp(sk.p, sk.q) != 0);
	mpz_mul(t, sk.p, sk.q);
	CHECK(mpz_cmp(t, sk.pub.n) == 0);
	mpz_sub_ui(t, sk.p, 1);
	mpz_sub_ui(g, sk.q, 1);
	mpz_mul(t, t, g);
	mpz_gcd(g, t, sk.pub.n);
	CHECK(mpz_cmp_ui(g, 1) == 0);

	for (i = 0; i < 20; i++)
	{
		unsigned char buf[16];

		CHECK_OK(mpc_random_bytes(buf, sizeof(buf), &err));
		mpz_import(a, 8, 1, 1, 1, 0, buf);
		mpz_import(b, 8, 1, 1, 1, 0, buf + 8);
		CHECK_OK(pai_encrypt(&sk.pub, ca, a, &err));
		CHECK_OK(pai_encrypt_crt(&sk, cb, b, &err));
		CHECK_OK(pai_check_ciphertext(&sk.pub, ca, 1, &err));
		/* CRT encryption decrypts with the textbook path and vice versa */
		CHECK_OK(pai_decrypt_textbook(&sk, d, cb, &err));
		CHECK(mpz_cmp(d, b) == 0);
		CHECK_OK(pai_decrypt(&sk, d, ca, &err));
		CHECK(mpz_cmp(d, a) == 0);
		/* a + b */
		pai_add(&sk.pub, cs, ca, cb);
		CHECK_OK(pai_decrypt(&sk, d, cs, &err));
		mpz_add(t, a, b);
		CHECK(mpz_cmp(d, t) == 0);
		/* a - b mod n */
		CHECK_OK(pai_sub(&sk.pub, cs, ca, cb, &err));
		CHECK_OK(pai_decrypt(&sk, d, cs, &err));
		mpz_sub(t, a, b);
		mpz_mod(t, t, sk.pub.n);
		CHECK(mpz_cmp(d, t) == 0);
		/* a + k in the clear, k negative */
		mpz_set_si(k, -12345 - i);
		pai_add_plain(&sk.pub, cs, ca, k);
		CHECK_OK(pai_decrypt(&sk, d, cs, &err));
		mpz_add(t, a, k);
		mpz_mod(t, t, sk.pub.n);
		CHECK(mpz_cmp(d, t) == 0);
		/* a * k for k negative */
		CHECK_OK(pai_mul_scalar(&sk.pub, cs, ca, k, &err));
		CHECK_OK(pai_decrypt(&sk, d, cs, &err));
		mpz_mul(t, a, k);
		mpz_mod(t, t, sk.pub.n);
		CHECK(mpz_cmp(d, t) == 0);
		/* rerandomize: a different ciphertext of the same value */
		CHECK_OK(pai_rerandomize(&sk.pub, cs, ca, &err));
		CHECK(mpz_cmp(cs, ca) != 0);
		CHECK_OK(pai_decrypt(&sk, d, cs, &err));
		CHECK(mpz_cmp(d, a) == 0);
	}
	pai_priv_clear(&sk);
	mpz_clears(a, b, ca, cb, cs, d, k, t, g, NULL);
}

static void
test_encoding(void)
{
	pai_priv	sk;
	mpz_t		p, q, v, m, back, c;
	mpc_error	err;
	char		buf[256];

	mpz_inits(p, q, v, m, back, c, NULL);
	mpz_set_str(p, "23194683100664294251", 10);
	mpz_set_str(q, "11084480205242485763", 10);
	CHECK_OK(pai_priv_init(&sk, p, q, 64, &err));

	/* +max and -max round-trip through encryption */
	mpz_set(v, sk.pub.max_int);
	CHECK_OK(enc_to_residue(&sk.pub, m, v, &err));
	CHECK_OK(pai_encrypt(&sk.pub, c, m, &err));
	CHECK_OK(pai_decrypt(&sk, m, c, &err));
	CHECK_OK(enc_from_residue(&sk.pub, back, m, &err));
	CHECK(mpz_cmp(back, v) == 0);
	mpz_neg(v, sk.pub.max_int);
	CHECK_OK(enc_to_residue(&sk.pub, m, v, &err));
	CHECK_OK(enc_from_residue(&sk.pub, back, m, &err));
	CHECK(mpz_cmp(back, v) == 0);
	/* one past max is refused on the way in */
	mpz_add_ui(v, sk.pub.max_int, 1);
	CHECK_STATUS(enc_to_residue(&sk.pub, m, v, &err), MPC_ERR_OVERFLOW);
	mpz_neg(v, v);
	CHECK_STATUS(enc_to_residue(&sk.pub, m, v, &err), MPC_ERR_OVERFLOW);
	/* residues in the band are an overflow on the way out */
	mpz_add_ui(m, sk.pub.max_int, 1);
	CHECK_STATUS(enc_from_residue(&sk.pub, back, m, &err), MPC_ERR_OVERFLOW);
	mpz_fdiv_q_ui(m, sk.pub.n, 2);
	CHECK_STATUS(enc_from_residue(&sk.pub, back, m, &err), MPC_ERR_OVERFLOW);
	mpz_sub(m, sk.pub.n, sk.pub.max_int);
	mpz_sub_ui(m, m, 1);
	CHECK_STATUS(enc_from_residue(&sk.pub, back, m, &err), MPC_ERR_OVERFLOW);
	/* max + max overflows after addition and is detected */
	mpz_set(v, sk.pub.max_int);
	CHECK_OK(enc_to_residue(&sk.pub, m, v, &err));
	CHECK_OK(pai_encrypt(&sk.pub, c, m, &err));
	pai_add(&sk.pub, c, c, c);
	CHECK_OK(pai_decrypt(&sk, m, c, &err));
	CHECK_STATUS(enc_from_residue(&sk.pub, back, m, &err), MPC_ERR_OVERFLOW);

	/* decimals */
	CHECK_OK(enc_parse_decimal("-123.4500", 3, v, &err));
	CHECK(mpz_cmp_si(v, -123450) == 0);
	CHECK_STATUS(enc_parse_decimal("1.2345", 3, v, &err), MPC_ERR_ARG);
	CHECK_STATUS(enc_parse_decimal("1.2.3", 3, v, &err), MPC_ERR_FORMAT);
	CHECK_STATUS(enc_parse_decimal("", 0, v, &err), MPC_ERR_FORMAT);
	CHECK_STATUS(enc_parse_decimal("12", -1, v, &err), MPC_ERR_ARG);
	CHECK_OK(enc_parse_decimal(".5", 1, v, &err));
	CHECK(mpz_cmp_si(v, 5) == 0);
	mpz_set_si(v, -5);
	enc_format_decimal(v, 3, buf);
	CHECK(strcmp(buf, "-0.005") == 0);
	mpz_set_si(v, 123450);
	enc_format_decimal(v, 2, buf);
	CHECK(strcmp(buf, "1234.50") == 0);
	mpz_set_si(v, 0);
	enc_format_decimal(v, 0, buf);
	CHECK(strcmp(buf, "0") == 0);
	/* digits cap and the new messages of the one parser */
	{
		char		big[ENC_MAX_DIGITS + 2];

		memset(big, '7', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CHECK_STATUS(enc_parse_decimal(big, 0, v, &err), MPC_ERR_OVERFLOW);
		big[ENC_MAX_DIGITS] = '\0';
		CHECK_OK(enc_parse_decimal(big, 0, v, &err));
		CHECK(mpz_sizeinbase(v, 10) >= ENC_MAX_DIGITS && mpz_fdiv_ui(v, 10) == 7);
		CHECK_STATUS(enc_parse_decimal("1.5", 0, v, &err), MPC_ERR_ARG);
		CHECK(strcmp(err.msg, "value must be an integer") == 0);
	}
	/* fingerprint text: lowercase hex, two digits a byte */
	{
		const unsigned char fp[PAI_FP_LEN] = {0x00, 0x0f, 0x10, 0x7a, 0x80, 0xab, 0xcd, 0xff};
		char		hex[PAI_FP_HEX_LEN];

		pai_fingerprint_hex(fp, hex);
		CHECK(strcmp(hex, "000f107a80abcdff") == 0);
	}
	/* doubles: exact binary value, ties away from zero */
	CHECK_OK(enc_from_double(2.5, 0, v, &err));
	CHECK(mpz_cmp_si(v, 3) == 0);
	CHECK_OK(enc_from_double(-2.5, 0, v, &err));
	CHECK(mpz_cmp_si(v, -3) == 0);
	CHECK_OK(enc_from_double(0.1, 2, v, &err));
	CHECK(mpz_cmp_si(v, 10) == 0);
	CHECK_OK(enc_from_double(1e20, 0, v, &err));
	mpz_set_str(back, "100000000000000000000", 10);
	CHECK(mpz_cmp(v, back) == 0);
	CHECK_STATUS(enc_from_double(0.0 / 0.0, 0, v, &err), MPC_ERR_ARG);
	CHECK_STATUS(enc_from_double(1.0 / 0.0, 0, v, &err), MPC_ERR_ARG);
	pai_priv_clear(&sk);
	mpz_clears(p, q, v, m, back, c, NULL);
}

static void
test_rejections(void)
{
	pai_priv	sk;
	pai_pub		pk;
	mpz_t		p, q, n, c;
	mpc_error	err;

	mpz_inits(p, q, n, c, NULL);
	mpz_set_str(p, "23194683100664294251", 10);
	mpz_set_str(q, "11084480205242485763", 10);
	CHECK_OK(pai_priv_init(&sk, p, q, 64, &err));

	/* ciphertexts: 0, >= n^2, gcd(c, n) != 1 */
	mpz_set_ui(c, 0);
	CHECK_STATUS(pai_check_ciphertext(&sk.pub, c, 1, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(pai_decrypt(&sk, n, c, &err), MPC_ERR_CIPHERTEXT);
	mpz_set(c, sk.pub.n2);
	CHECK_STATUS(pai_check_ciphertext(&sk.pub, c, 1, &err), MPC_ERR_CIPHERTEXT);
	mpz_mul_ui(c, sk.p, 7);
	CHECK_STATUS(pai_check_ciphertext(&sk.pub, c, 1, &err), MPC_ERR_CIPHERTEXT);
	CHECK_STATUS(pai_neg(&sk.pub, n, c, &err), MPC_ERR_CIPHERTEXT);
	CHECK(strstr(err.msg, "invertible") != NULL);
	mpz_set(n, sk.pub.n);
	pai_priv_clear(&sk);
	{
		pai_priv	again;

		CHECK_OK(pai_priv_init(&again, p, q, 64, &err));
		CHECK(mpz_cmp(again.pub.n, n) == 0);
		mpz_mul(n, again.pub.n, again.pub.n);
		pai_priv_clear(&again);
	}
	CHECK_OK(pai_pub_init(&pk, n, 64, &err) == MPC_ERR_KEY ? MPC_OK : MPC_ERR_INTERNAL);
	CHECK_OK(pai_priv_init(&sk, p, q, 64, &err));

	/* moduli: even, square, small factor, too short */
	mpz_mul(n, sk.pub.n, sk.pub.n);
	CHECK_STATUS(pai_pub_init(&pk, n, 64, &err), MPC_ERR_KEY);	/* square */
	mpz_mul_ui(n, sk.pub.n, 2);
	CHECK_STATUS(pai_pub_init(&pk, n, 64, &err), MPC_ERR_KEY);	/* even */
	mpz_mul_ui(n, sk.pub.n, 65521);
	CHECK_STATUS(pai_pub_init(&pk, n, 64, &err), MPC_ERR_KEY);	/* small factor */
	CHECK_STATUS(pai_pub_init(&pk, sk.pub.n, 2048, &err), MPC_ERR_KEY);	/* short */
	mpz_set_si(n, -7);
	CHECK_STATUS(pai_pub_init(&pk, n, 2, &err), MPC_ERR_KEY);

	/* private keys: p = q, composite, too close */
	CHECK_STATUS(pai_priv_init(&sk, p, p, 64, &err), MPC_ERR_KEY);
	mpz_add_ui(n, p, 2);		/* p + 2 is even + odd... make it composite */
	mpz_mul_ui(n, q, 3);
	CHECK_STATUS(pai_priv_init(&sk, p, n, 64, &err), MPC_ERR_KEY);
	{
		/* 1024-bit primes that are neighbours: Fermat would factor n */
		mpz_t		big, next;

		mpz_inits(big, next, NULL);
		mpz_ui_pow_ui(big, 2, 1023);
		mpz_add(big, big, sk.pub.n2);	/* arbitrary 1024-bit start */
		mpz_nextprime(big, big);
		mpz_nextprime(next, big);
		CHECK_STATUS(pai_priv_init(&sk, big, next, 64, &err), MPC_ERR_KEY);
		CHECK(strstr(err.msg, "close") != NULL);
		mpz_clears(big, next, NULL);
	}
	mpz_set_ui(n, 2);
	CHECK_STATUS(pai_priv_init(&sk, p, n, 64, &err), MPC_ERR_KEY);
	/* keygen refuses sizes outside its range */
	CHECK_STATUS(pai_keygen(&sk, 1024, 2048, &err), MPC_ERR_ARG);
	CHECK_STATUS(pai_keygen(&sk, 9000, 2048, &err), MPC_ERR_ARG);
	/* a plaintext outside [0, n) */
	{
		pai_priv	ok;

		CHECK_OK(pai_priv_init(&ok, p, q, 64, &err));
		CHECK_STATUS(pai_encrypt(&ok.pub, c, ok.pub.n, &err), MPC_ERR_ARG);
		pai_priv_clear(&ok);
	}
	pai_priv_clear(&sk);
	mpz_clears(p, q, n, c, NULL);
}

static int
failing_rng(void *buf, size_t len)
{
	return -1;
}

static void
test_rng_failure(void)
{
	pai_priv	sk;
	mpc_error	err;

	mpc_set_rng(failing_rng);
	CHECK_STATUS(pai_keygen(&sk, 512, 512, &err), MPC_ERR_RNG);
	mpc_set_rng(NULL);
	CHECK_STATUS(pai_keygen(&sk, 512, 512, &err), MPC_ERR_RNG);
	UNIT_INIT();
}

/*
 * pai_priv_check (once, at import) and pai_priv_setup (per cache miss, no
 * primality test): the constant-time constants equal GMP's plain ones, and
 * decryption (constant time) equals textbook decryption.
 */
static void
test_check_and_setup(size_t bits)
{
	pai_priv	sk,
				again;
	mpz_t		t,
				u,
				want,
				m,
				c,
				d1,
				d2;
	mpc_error	err;
	int			i;

	mpz_inits(t, u, want, m, c, d1, d2, NULL);
	CHECK_OK(pai_keygen(&sk, bits, 64, &err));
	CHECK_OK(pai_priv_check(sk.p, sk.q, 64, &err));
	CHECK_OK(pai_priv_setup(&again, sk.q, sk.p, 64, &err));	/* order does not matter */
	CHECK(mpz_cmp(again.p, sk.p) == 0 && mpz_cmp(again.q, sk.q) == 0);
	/* hp = L_p((1+n)^(p-1) mod p^2)^-1 mod p, by plain GMP */
	mpz_add_ui(t, again.pub.n, 1);
	mpz_powm(t, t, again.pm1, again.p2);
	mpz_sub_ui(t, t, 1);
	mpz_tdiv_q(t, t, again.p);
	CHECK(mpz_invert(want, t, again.p) != 0 && mpz_cmp(want, again.hp) == 0);
	mpz_add_ui(t, again.pub.n, 1);
	mpz_powm(t, t, again.qm1, again.q2);
	mpz_sub_ui(t, t, 1);
	mpz_tdiv_q(t, t, again.q);
	CHECK(mpz_invert(want, t, again.q) != 0 && mpz_cmp(want, again.hq) == 0);
	CHECK(mpz_invert(want, again.q, again.p) != 0 && mpz_cmp(want, again.qinv) == 0);
	CHECK(mpz_invert(want, again.q2, again.p2) != 0 && mpz_cmp(want, again.q2inv) == 0);
	mpz_mul(u, again.p, again.pm1);
	mpz_mod(want, again.pub.n, u);
	CHECK(mpz_cmp(want, again.ep) == 0);
	mpz_mul(u, again.q, again.qm1);
	mpz_mod(want, again.pub.n, u);
	CHECK(mpz_cmp(want, again.eq) == 0);
	/* decryption: random plaintexts, 0, 1, n - 1 */
	for (i = 0; i < 40; i++)
	{
		unsigned char buf[1100];

		if (i == 0)
			mpz_set_ui(m, 0);
		else if (i == 1)
			mpz_set_ui(m, 1);
		else if (i == 2)
			mpz_sub_ui(m, again.pub.n, 1);
		else
		{
			unit_getrandom(buf, again.pub.nbytes);
			mpz_import(m, again.pub.nbytes, 1, 1, 0, 0, buf);
			mpz_mod(m, m, again.pub.n);
		}
		CHECK_OK(pai_encrypt(&again.pub, c, m, &err));
		CHECK_OK(pai_decrypt(&again, d1, c, &err));
		CHECK_OK(pai_decrypt_textbook(&again, d2, c, &err));
		CHECK(mpz_cmp(d1, m) == 0 && mpz_cmp(d2, m) == 0);
	}
	pai_priv_clear(&again);
	/* check refuses what setup does not test; setup never crashes on it */
	mpz_mul_ui(t, sk.q, 3);
	CHECK_STATUS(pai_priv_check(sk.p, t, 64, &err), MPC_ERR_KEY);
	mpz_add_ui(t, sk.q, 2);		/* odd, same length, almost surely composite */
	if (!mpz_probab_prime_p(t, 20))
	{
		pai_priv	bad;

		CHECK_STATUS(pai_priv_check(sk.p, t, 64, &err), MPC_ERR_KEY);
		if (pai_priv_setup(&bad, sk.p, t, 64, &err) == MPC_OK)
			pai_priv_clear(&bad);
		CHECK(1);
	}
	/* setup still refuses the shapes the constant-time code relies on */
	mpz_add_ui(t, sk.q, 1);		/* even */
	CHECK_STATUS(pai_priv_setup(&again, sk.p, t, 64, &err), MPC_ERR_KEY);
	mpz_set_ui(t, 65537);		/* far too short */
	CHECK_STATUS(pai_priv_setup(&again, sk.p, t, 64, &err), MPC_ERR_KEY);
	pai_priv_clear(&sk);
	mpz_clears(t, u, want, m, c, d1, d2, NULL);
}

int
main(void)
{
	UNIT_INIT();
	test_small_vector();
	test_iso_vector();
	test_keygen_and_laws(512);
	test_keygen_and_laws(1025);
	test_encoding();
	test_rejections();
	test_rng_failure();
	test_check_and_setup(512);
	test_check_and_setup(1023);
	test_check_and_setup(2048);
	UNIT_DONE("test_paillier");
}
