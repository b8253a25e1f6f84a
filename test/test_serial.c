/* test_serial.c: SHA-256 and base64url known answers, integer round trips. */
#include "unit.h"
#include "serial.h"
#include "sha256.h"

static void
hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

int
main(void)
{
	uint8_t		dig[32];
	char		h[65];
	char		b[64];
	uint8_t		raw[16];
	size_t		len;
	mpc_error	err;
	mpz_t		x, y;

	UNIT_INIT();

	/* FIPS 180-4 examples */
	sha256("abc", 3, dig);
	hex(dig, 32, h);
	CHECK(strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
	sha256("", 0, dig);
	hex(dig, 32, h);
	CHECK(strcmp(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
	{
		const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

		sha256(m, strlen(m), dig);
		hex(dig, 32, h);
		CHECK(strcmp(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
	}

	/* RFC 4231 HMAC-SHA256 test cases 1, 2 and 6 (a key longer than a block) */
	{
		uint8_t		key[131];

		memset(key, 0x0b, 20);
		hmac_sha256(key, 20, "Hi There", 8, dig);
		hex(dig, 32, h);
		CHECK(strcmp(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7") == 0);
		hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, dig);
		hex(dig, 32, h);
		CHECK(strcmp(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") == 0);
		memset(key, 0xaa, sizeof(key));
		hmac_sha256(key, sizeof(key), "Test Using Larger Than Block-Size Key - Hash Key First", 54, dig);
		hex(dig, 32, h);
		CHECK(strcmp(h, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54") == 0);
	}

	/* RFC 4648 test vectors, base64url without padding */
	b64url_encode((const uint8_t *) "foobar", 6, b);
	CHECK(strcmp(b, "Zm9vYmFy") == 0);
	b64url_encode((const uint8_t *) "fooba", 5, b);
	CHECK(strcmp(b, "Zm9vYmE") == 0);
	b64url_encode((const uint8_t *) "f", 1, b);
	CHECK(strcmp(b, "Zg") == 0);
	b64url_encode((const uint8_t *) "\xfb\xff", 2, b);
	CHECK(strcmp(b, "-_8") == 0);
	CHECK_OK(b64url_decode("Zm9vYmE", 7, raw, &len, &err));
	CHECK(len == 5 && memcmp(raw, "fooba", 5) == 0);
	CHECK_STATUS(b64url_decode("Zm9=", 4, raw, &len, &err), MPC_ERR_FORMAT);
	CHECK_STATUS(b64url_decode("Zh", 2, raw, &len, &err), MPC_ERR_FORMAT);	/* trailing bits */
	CHECK_STATUS(b64url_decode("Zm9vY", 5, raw, &len, &err), MPC_ERR_FORMAT);	/* length */

	/* integers: 65537 is "AQAB" in JWK */
	mpz_inits(x, y, NULL);
	mpz_set_ui(x, 65537);
	ser_to_b64url(x, b);
	CHECK(strcmp(b, "AQAB") == 0);
	CHECK_OK(ser_from_b64url(y, "AQAB", 4, 8, &err));
	CHECK(mpz_cmp(x, y) == 0);
	CHECK_STATUS(ser_from_b64url(y, "AAEAAQ", 6, 8, &err), MPC_ERR_FORMAT);	/* leading zero */
	CHECK_STATUS(ser_from_b64url(y, "AQAB", 4, 2, &err), MPC_ERR_FORMAT);	/* too long */
	CHECK_STATUS(ser_from_b64url(y, "", 0, 8, &err), MPC_ERR_FORMAT);
	CHECK_OK(ser_to_bytes_fixed(x, raw, 5, &err));
	CHECK(raw[0] == 0 && raw[1] == 0 && raw[2] == 1 && raw[3] == 0 && raw[4] == 1);
	CHECK_STATUS(ser_to_bytes_fixed(x, raw, 2, &err), MPC_ERR_INTERNAL);
	ser_from_bytes(y, raw, 5);
	CHECK(mpz_cmp(x, y) == 0);
	mpz_clears(x, y, NULL);

	UNIT_DONE("test_serial");
}
