/* serial.c: base64url and big-endian integer encodings. */
#include "serial.h"

#include <stdlib.h>
#include <string.h>

static const char B64URL[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
b64url_encoded_len(size_t len)
{
	return (len / 3) * 4 + ((len % 3) ? (len % 3) + 1 : 0);
}

size_t
b64url_decoded_max(size_t textlen)
{
	return (textlen / 4) * 3 + 3;
}

void
b64url_encode(const uint8_t *in, size_t len, char *out)
{
	size_t		i = 0;
	char	   *o = out;

	while (i + 3 <= len)
	{
		uint32_t	v = ((uint32_t) in[i] << 16) | ((uint32_t) in[i + 1] << 8) | in[i + 2];

		*o++ = B64URL[(v >> 18) & 63];
		*o++ = B64URL[(v >> 12) & 63];
		*o++ = B64URL[(v >> 6) & 63];
		*o++ = B64URL[v & 63];
		i += 3;
	}
	if (len - i == 1)
	{
		uint32_t	v = (uint32_t) in[i] << 16;

		*o++ = B64URL[(v >> 18) & 63];
		*o++ = B64URL[(v >> 12) & 63];
	}
	else if (len - i == 2)
	{
		uint32_t	v = ((uint32_t) in[i] << 16) | ((uint32_t) in[i + 1] << 8);

		*o++ = B64URL[(v >> 18) & 63];
		*o++ = B64URL[(v >> 12) & 63];
		*o++ = B64URL[(v >> 6) & 63];
	}
	*o = '\0';
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

mpc_status
b64url_decode(const char *text, size_t textlen, uint8_t *out, size_t *outlen,
			  mpc_error *err)
{
	size_t		i,
				o = 0;
	uint32_t	acc = 0;
	int			nbits = 0;

	if (textlen % 4 == 1)
		return mpc_fail(err, MPC_ERR_FORMAT, "base64url text has an impossible length %zu", textlen);
	for (i = 0; i < textlen; i++)
	{
		int			v = b64val(text[i]);

		if (v < 0)
			return mpc_fail(err, MPC_ERR_FORMAT,
							"invalid base64url character at position %zu", i + 1);
		acc = (acc << 6) | (uint32_t) v;
		nbits += 6;
		if (nbits >= 8)
		{
			nbits -= 8;
			out[o++] = (uint8_t) (acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	if (acc != 0)
		return mpc_fail(err, MPC_ERR_FORMAT, "base64url text has non-zero trailing bits");
	*outlen = o;
	return MPC_OK;
}

size_t
ser_bytes_len(const mpz_t x)
{
	if (mpz_sgn(x) == 0)
		return 0;
	return (mpz_sizeinbase(x, 2) + 7) / 8;
}

mpc_status
ser_to_bytes_fixed(const mpz_t x, uint8_t *out, size_t width, mpc_error *err)
{
	size_t		len = ser_bytes_len(x);
	size_t		written = 0;

	if (mpz_sgn(x) < 0 || len > width)
		return mpc_fail(err, MPC_ERR_INTERNAL, "integer does not fit in %zu bytes", width);
	memset(out, 0, width - len);
	if (len > 0)
		mpz_export(out + (width - len), &written, 1, 1, 1, 0, x);
	if (written != len)
		return mpc_fail(err, MPC_ERR_INTERNAL, "integer export wrote %zu bytes, expected %zu",
						written, len);
	return MPC_OK;
}

void
ser_from_bytes(mpz_t x, const uint8_t *in, size_t len)
{
	if (len == 0)
		mpz_set_ui(x, 0);
	else
		mpz_import(x, len, 1, 1, 1, 0, in);
}

void
ser_to_b64url(const mpz_t x, char *out)
{
	size_t		len = ser_bytes_len(x);
	uint8_t		stackbuf[1024];
	uint8_t    *buf = len <= sizeof(stackbuf) ? stackbuf : malloc(len);

	if (buf == NULL || len == 0)
	{
		out[0] = '\0';
		if (buf != NULL && buf != stackbuf)
			free(buf);
		return;
	}
	mpz_export(buf, NULL, 1, 1, 1, 0, x);
	b64url_encode(buf, len, out);
	mpc_wipe(buf, len);
	if (buf != stackbuf)
		free(buf);
}

mpc_status
ser_from_b64url(mpz_t x, const char *text, size_t textlen, size_t maxbytes,
				mpc_error *err)
{
	uint8_t		stackbuf[1024 + 3];
	size_t		cap = b64url_decoded_max(textlen);
	uint8_t    *buf;
	size_t		len = 0;
	mpc_status	st;

	if (textlen == 0)
		return mpc_fail(err, MPC_ERR_FORMAT, "empty integer");
	if (b64url_encoded_len(maxbytes) < textlen)
		return mpc_fail(err, MPC_ERR_FORMAT, "integer is longer than %zu bytes", maxbytes);
	buf = cap <= sizeof(stackbuf) ? stackbuf : malloc(cap);
	if (buf == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory decoding base64url");
	st = b64url_decode(text, textlen, buf, &len, err);
	if (st == MPC_OK && (len == 0 || buf[0] == 0))
		st = mpc_fail(err, MPC_ERR_FORMAT,
					  "integer is zero or has a leading zero byte (not minimal)");
	if (st == MPC_OK && len > maxbytes)
		st = mpc_fail(err, MPC_ERR_FORMAT, "integer is longer than %zu bytes", maxbytes);
	if (st == MPC_OK)
		ser_from_bytes(x, buf, len);
	mpc_wipe(buf, len);
	if (buf != stackbuf)
		free(buf);
	return st;
}
