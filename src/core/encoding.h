/*
 * encoding.h: signed fixed-point values in Paillier plaintexts.
 *
 * A value x at scale s is the integer v = x * 10^s.  v is stored mod n:
 * v >= 0 as v, v < 0 as n + v.  Only |v| <= max_int = floor(n/3) - 1 is
 * valid (python-paillier's convention); a decrypted residue in the band
 * (max_int, n - max_int) is an overflow.  The band alone cannot catch a
 * product or rescale that wraps around n: fixedpoint.h bounds every value
 * before it is computed, so no overflow becomes a silently wrong number.
 */
#ifndef MPC_ENCODING_H
#define MPC_ENCODING_H

#include <gmp.h>
#include <stdint.h>

#include "mpc_common.h"
#include "paillier.h"

#define PAI_MAX_SCALE 1000

mpc_status	enc_check_scale(long scale, mpc_error *err);

/* signed v -> residue m; MPC_ERR_OVERFLOW when |v| > max_int */
mpc_status	enc_to_residue(const pai_pub *pk, mpz_t m, const mpz_t v, mpc_error *err);
/* residue m -> signed v; MPC_ERR_OVERFLOW inside the overflow band */
mpc_status	enc_from_residue(const pai_pub *pk, mpz_t v, const mpz_t m, mpc_error *err);

/*
 * The one numeric -> scaled integer parser.  Reads "[+-]digits[.digits]"
 * (what numeric_out prints) into v = value * 10^scale.  Non-zero digits
 * beyond the scale are MPC_ERR_ARG (nothing is rounded); NaN, Infinity,
 * exponents and junk are MPC_ERR_FORMAT; more than ENC_MAX_DIGITS digits on
 * either side of the point are MPC_ERR_OVERFLOW, refused before GMP sees them.
 */
#define ENC_MAX_DIGITS 2000
mpc_status	enc_parse_decimal(const char *s, int scale, mpz_t v, mpc_error *err);
/* Characters needed to print v at scale (sign, point, NUL included). */
size_t		enc_decimal_len(const mpz_t v, int scale);
/* The one scaled integer -> decimal text formatter: v / 10^scale exactly,
 * with exactly 'scale' fractional digits, into enc_decimal_len bytes. */
void		enc_format_decimal(const mpz_t v, int scale, char *out);

/* v = x * 10^scale for an integer x. */
mpc_status	enc_from_int64(int64_t x, int scale, mpz_t v, mpc_error *err);

/* v = round(x * 10^scale), ties away from zero, computed exactly from the
 * binary value of x.  NaN and infinities are errors. */
mpc_status	enc_from_double(double x, int scale, mpz_t v, mpc_error *err);

#endif
