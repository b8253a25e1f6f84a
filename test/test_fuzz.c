/*
 * test_fuzz.c: random and mutated inputs to every core parser and validator,
 * under ASan/UBSan.  Nothing may crash, and whatever parses must re-encode to
 * the same bytes (the parsers accept only canonical forms).
 */
#include "unit.h"
#include "encoding.h"
#include "paillier.h"
#include "serial.h"

static unsigned char pool[1 << 16];
static size_t pool_pos = sizeof(pool);

static unsigned int
rnd(unsigned int bound)
{
	unsigned int v;

	if (pool_pos + sizeof(v) > sizeof(pool))
	{
		unit_getrandom(pool, sizeof(pool));
		pool_pos = 0;
	}
	memcpy(&v, pool + pool_pos, sizeof(v));
	pool_pos += sizeof(v);
	return bound ? v % bound : v;
}

static void
fuzz_b64url(int rounds)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .\n";
	char		text[80];
	uint8_t		raw[64];
	char		again[96];
	mpc_error	err;
	mpz_t		x;
	int			i, consistent = 1, parsed = 0;

	mpz_init(x);
	for (i = 0; i < rounds; i++)
	{
		size_t		len = rnd(70), j, outlen = 0;

		for (j = 0; j < len; j++)
			text[j] = rnd(4) ? alphabet[rnd(64)] : alphabet[rnd(sizeof(alphabet) - 1)];
		text[len] = '\0';
		if (b64url_decode(text, len, raw, &outlen, &err) == MPC_OK)
		{
			parsed++;
			b64url_encode(raw, outlen, again);
			if (strcmp(again, text) != 0)
				consistent = 0;
		}
		if (ser_from_b64url(x, text, len, 40, &err) == MPC_OK)
		{
			ser_to_b64url(x, again);
			if (strcmp(again, text) != 0)
				consistent = 0;
		}
	}
	CHECK(consistent);
	CHECK(parsed > 0);
	mpz_clear(x);
}

static void
fuzz_decimal(int rounds)
{
	static const char chars[] = "0123456789.-+e ";
	char		text[64];
	char		out[256];
	mpc_error	err;
	mpz_t		v, w;
	int			i, consistent = 1;

	mpz_inits(v, w, NULL);
	for (i = 0; i < rounds; i++)
	{
		size_t		len = rnd(30), j;
		int			scale = (int) rnd(12) - 1;

		for (j = 0; j < len; j++)
			text[j] = rnd(5) ? chars[rnd(10)] : chars[rnd(sizeof(chars) - 1)];
		text[len] = '\0';
		if (enc_parse_decimal(text, scale, v, &err) == MPC_OK)
		{
			/* printing and re-parsing gives the same integer */
			if (enc_decimal_len(v, scale) > sizeof(out))
				continue;
			enc_format_decimal(v, scale, out);
			if (enc_parse_decimal(out, scale, w, &err) != MPC_OK || mpz_cmp(v, w) != 0)
				consistent = 0;
		}
	}
	CHECK(consistent);
	mpz_clears(v, w, NULL);
}

static void
fuzz_keys_and_ciphertexts(int rounds)
{
	pai_priv	sk;
	pai_pub		pk;
	mpz_t		p, q, n, c, m;
	mpc_error	err;
	int			i, rejected_bad = 1;

	mpz_inits(p, q, n, c, m, NULL);
	mpz_set_str(p, "23194683100664294251", 10);
	mpz_set_str(q, "11084480205242485763", 10);
	CHECK_OK(pai_priv_init(&sk, p, q, 64, &err));
	for (i = 0; i < rounds; i++)
	{
		unsigned char buf[40];
		size_t		len = 1 + rnd(sizeof(buf) - 1);

		unit_getrandom(buf, len);
		/* random moduli: accepted ones must satisfy the documented checks */
		mpz_import(n, len, 1, 1, 1, 0, buf);
		if (pai_pub_init(&pk, n, 64, &err) == MPC_OK)
		{
			if (mpz_even_p(n) || mpz_perfect_square_p(n) || mpz_sizeinbase(n, 2) < 64)
				rejected_bad = 0;
			pai_pub_clear(&pk);
		}
		/* random "ciphertexts" against a real key: validate, then operate */
		mpz_import(c, len, 1, 1, 1, 0, buf);
		if (rnd(4) == 0)
			mpz_mul(c, c, sk.p);	/* shares a factor with n */
		if (pai_check_ciphertext(&sk.pub, c, 1, &err) == MPC_OK)
		{
			if (pai_decrypt(&sk, m, c, &err) != MPC_OK || mpz_cmp(m, sk.pub.n) >= 0)
				rejected_bad = 0;
			if (pai_neg(&sk.pub, m, c, &err) != MPC_OK)
				rejected_bad = 0;
		}
		else
		{
			/* an invalid one may still be decrypted without crashing */
			(void) pai_decrypt(&sk, m, c, &err);
			(void) pai_neg(&sk.pub, m, c, &err);
		}
		/* random primes for private keys: mostly rejected, never a crash */
		mpz_import(p, len / 2 + 1, 1, 1, 1, 0, buf);
		mpz_import(q, len - len / 2, 1, 1, 1, 0, buf + len / 2);
		{
			pai_priv	other;

			if (pai_priv_init(&other, p, q, 64, &err) == MPC_OK)
				pai_priv_clear(&other);
		}
	}
	CHECK(rejected_bad);
	pai_priv_clear(&sk);
	mpz_clears(p, q, n, c, m, NULL);
}

int
main(void)
{
	UNIT_INIT();
	fuzz_b64url(200000);
	fuzz_decimal(200000);
	fuzz_keys_and_ciphertexts(20000);
	UNIT_DONE("test_fuzz");
}
