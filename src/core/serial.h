/*
 * serial.h: byte and text encodings shared by the types.
 *
 * - base64url without padding (RFC 4648 §5), as JWK uses for integers;
 * - unsigned big-endian integers <-> mpz, minimal or fixed width.
 */
#ifndef MPC_SERIAL_H
#define MPC_SERIAL_H

#include <stddef.h>
#include <stdint.h>
#include <gmp.h>

#include "mpc_common.h"

/* Characters needed to encode len bytes, not counting a terminator. */
size_t		b64url_encoded_len(size_t len);
/* Upper bound of the bytes that text of textlen characters decodes to. */
size_t		b64url_decoded_max(size_t textlen);
/* Encode; out must hold b64url_encoded_len(len) + 1 bytes.  NUL-terminates. */
void		b64url_encode(const uint8_t *in, size_t len, char *out);
/* Decode exactly textlen characters; rejects padding, stray characters and
 * non-canonical trailing bits.  Sets *outlen. */
mpc_status	b64url_decode(const char *text, size_t textlen, uint8_t *out,
						  size_t *outlen, mpc_error *err);

/* Bytes of the minimal big-endian form of x >= 0 (0 for x = 0). */
size_t		ser_bytes_len(const mpz_t x);
/* Write x >= 0 big-endian into exactly width bytes (zero-padded on the left);
 * fails if it does not fit. */
mpc_status	ser_to_bytes_fixed(const mpz_t x, uint8_t *out, size_t width, mpc_error *err);
/* Read len big-endian bytes. */
void		ser_from_bytes(mpz_t x, const uint8_t *in, size_t len);

/* x as base64url of its minimal big-endian bytes; out must hold
 * b64url_encoded_len(ser_bytes_len(x)) + 1 bytes. */
void		ser_to_b64url(const mpz_t x, char *out);
/* Parse base64url into x >= 1, requiring the minimal form (no leading zero
 * byte), at most maxbytes bytes. */
mpc_status	ser_from_b64url(mpz_t x, const char *text, size_t textlen,
							size_t maxbytes, mpc_error *err);

#endif
