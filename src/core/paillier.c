/*
 * paillier.c: keys, encryption, decryption and homomorphic operations for
 * Paillier with g = n + 1 (FACTS.md §1).
 */
#include "paillier.h"

#include <string.h>

#include "ifma.h"
#include "primes.h"
#include "serial.h"
#include "sha256.h"

void
pai_fingerprint(const mpz_t n, unsigned char fp[PAI_FP_LEN])
{
	unsigned char digest[SHA256_DIGEST_LEN];
	size_t		len = ser_bytes_len(n);
	unsigned char stackbuf[2048];
	unsigned char *buf = stackbuf;

	if (len > sizeof(stackbuf))
		len = sizeof(stackbuf);	/* cannot happen: n <= PAI_MAX_BITS */
	mpz_export(buf, NULL, 1, 1, 1, 0, n);
	sha256(buf, len, digest);
	memcpy(fp, digest, PAI_FP_LEN);
}

int
pai_same_key(const pai_pub *a, const pai_pub *b)
{
	return memcmp(a->fp, b->fp, PAI_FP_LEN) == 0 && mpz_cmp(a->n, b->n) == 0;
}

/* ---------------------------------------------------------------------
 * Keys
 * --------------------------------------------------------------------- */
mpc_status
pai_pub_init(pai_pub *pk, const mpz_t n, size_t min_bits, mpc_error *err)
{
	size_t		bits;

	if (mpz_sgn(n) <= 0)
		return mpc_fail(err, MPC_ERR_KEY, "modulus n must be positive");
	bits = mpz_sizeinbase(n, 2);
	if (bits < min_bits || bits > PAI_MAX_BITS)
		return mpc_fail(err, MPC_ERR_KEY, "modulus n has %zu bits, expected %zu to %d",
						bits, min_bits, PAI_MAX_BITS);
	if (mpz_even_p(n))
		return mpc_fail(err, MPC_ERR_KEY, "modulus n is even");
	if (mpz_perfect_square_p(n))
		return mpc_fail(err, MPC_ERR_KEY, "modulus n is a perfect square");
	if (prime_has_small_factor(n))
		return mpc_fail(err, MPC_ERR_KEY, "modulus n has a small prime factor");

	mpz_init_set(pk->n, n);
	mpz_init(pk->n2);
	mpz_mul(pk->n2, n, n);
	mpz_init(pk->max_int);
	mpz_fdiv_q_ui(pk->max_int, n, 3);
	mpz_sub_ui(pk->max_int, pk->max_int, 1);
	pk->nbits = bits;
	pk->nbytes = (bits + 7) / 8;
	pai_fingerprint(n, pk->fp);
	return MPC_OK;
}

void
pai_pub_clear(pai_pub *pk)
{
	mpz_clear(pk->n);
	mpz_clear(pk->n2);
	mpz_clear(pk->max_int);
	memset(pk, 0, sizeof(*pk));
}

void
pai_pub_copy(pai_pub *dst, const pai_pub *src)
{
	mpz_init_set(dst->n, src->n);
	mpz_init_set(dst->n2, src->n2);
	mpz_init_set(dst->max_int, src->max_int);
	dst->nbits = src->nbits;
	dst->nbytes = src->nbytes;
	memcpy(dst->fp, src->fp, PAI_FP_LEN);
}

mpc_status
pai_keygen_with(pai_priv *sk, size_t bits, size_t min_bits, pai_prime_fn prime,
				int attempts, mpc_error *err)
{
	mpz_t		p, q;
	mpc_status	st = MPC_OK;
	int			attempt;

	if (bits < min_bits || bits > PAI_KEYGEN_MAX_BITS)
		return mpc_fail(err, MPC_ERR_ARG, "key size must be between %zu and %d bits, got %zu",
						min_bits, PAI_KEYGEN_MAX_BITS, bits);
	mpz_inits(p, q, NULL);
	for (attempt = 0; attempt < attempts; attempt++)
	{
		st = prime(p, (bits + 1) / 2, err);
		if (st == MPC_OK)
			st = prime(q, bits / 2, err);
		if (st != MPC_OK)
			break;
		/* pai_priv_init rejects the rare bad pair (p = q, too close, ...) */
		st = pai_priv_init(sk, p, q, min_bits, err);
		if (st == MPC_OK && sk->pub.nbits == bits)
			break;
		if (st == MPC_OK)
			pai_priv_clear(sk);
		st = mpc_fail(err, MPC_ERR_INTERNAL, "could not generate a valid key");
	}
	mpc_wipe(p->_mp_d, (size_t) p->_mp_alloc * sizeof(mp_limb_t));
	mpc_wipe(q->_mp_d, (size_t) q->_mp_alloc * sizeof(mp_limb_t));
	mpz_clears(p, q, NULL);
	return st;
}

mpc_status
pai_keygen(pai_priv *sk, size_t bits, size_t min_bits, mpc_error *err)
{
	return pai_keygen_with(sk, bits, min_bits, prime_random, 100, err);
}

/* ---------------------------------------------------------------------
 * Ciphertexts
 * --------------------------------------------------------------------- */
void
pai_fingerprint_hex(const unsigned char fp[PAI_FP_LEN], char out[PAI_FP_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < PAI_FP_LEN; i++)
	{
		out[2 * i] = digits[fp[i] >> 4];
		out[2 * i + 1] = digits[fp[i] & 0x0f];
	}
	out[2 * PAI_FP_LEN] = '\0';
}

int
pai_g_is_n_plus_1(const mpz_t g, const mpz_t n)
{
	mpz_t		n1;
	int			eq;

	mpz_init(n1);
	mpz_add_ui(n1, n, 1);
	eq = mpz_cmp(g, n1) == 0;
	mpz_clear(n1);
	return eq;
}

int
pai_coprime_to_n(const pai_pub *pk, const mpz_t x)
{
	mpz_t		g;
	int			ok;

	mpz_init(g);
	mpz_gcd(g, x, pk->n);
	ok = mpz_cmp_ui(g, 1) == 0;
	mpz_clear(g);
	return ok;
}

mpc_status
pai_check_ciphertext(const pai_pub *pk, const mpz_t c, int check_gcd, mpc_error *err)
{
	if (mpz_sgn(c) <= 0 || mpz_cmp(c, pk->n2) >= 0)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "ciphertext is not in the range 0 < c < n^2");
	if (check_gcd && !pai_coprime_to_n(pk, c))
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "ciphertext is not a unit mod n^2");
	return MPC_OK;
}

mpc_status
pai_random_unit(const pai_pub *pk, mpz_t r, mpc_error *err)
{
	/* 128 extra bits make the reduction mod n statistically uniform */
	unsigned char buf[PAI_MAX_BITS / 8 + 16];
	size_t		len = pk->nbytes + 16;
	mpz_t		g;
	int			tries;
	mpc_status	st = MPC_OK;

	mpz_init(g);
	for (tries = 0; tries < 64; tries++)
	{
		st = mpc_random_bytes(buf, len, err);
		if (st != MPC_OK)
			break;
		ser_from_bytes(r, buf, len);
		mpz_mod(r, r, pk->n);
		mpz_gcd(g, r, pk->n);
		if (mpz_sgn(r) != 0 && mpz_cmp_ui(g, 1) == 0)
			break;
		st = mpc_fail(err, MPC_ERR_RNG, "could not draw a unit mod n");
	}
	mpc_wipe(buf, len);
	mpz_clear(g);
	return st;
}

void
pai_mul_one_plus_mn(const pai_pub *pk, mpz_t out, const mpz_t m, const mpz_t x)
{
	mpz_t		t;

	mpz_init(t);
	mpz_mul(t, m, pk->n);
	mpz_add_ui(t, t, 1);
	mpz_mul(out, t, x);
	mpz_mod(out, out, pk->n2);
	mpz_clear(t);
}

static mpc_status
check_plaintext(const pai_pub *pk, const mpz_t m, mpc_error *err)
{
	if (mpz_sgn(m) < 0 || mpz_cmp(m, pk->n) >= 0)
		return mpc_fail(err, MPC_ERR_ARG, "plaintext is not in the range 0 <= m < n");
	return MPC_OK;
}

mpc_status
pai_encrypt_with_r(const pai_pub *pk, mpz_t c, const mpz_t m, const mpz_t r, mpc_error *err)
{
	mpz_t		x;
	mpc_status	st = check_plaintext(pk, m, err);

	if (st != MPC_OK)
		return st;
	if (mpz_sgn(r) <= 0 || mpz_cmp(r, pk->n) >= 0)
		return mpc_fail(err, MPC_ERR_ARG, "randomness r is not in the range 0 < r < n");
	mpz_init(x);
	mpz_powm(x, r, pk->n, pk->n2);
	pai_mul_one_plus_mn(pk, c, m, x);
	mpz_clear(x);
	return MPC_OK;
}

mpc_status
pai_encrypt(const pai_pub *pk, mpz_t c, const mpz_t m, mpc_error *err)
{
	mpz_t		r;
	mpc_status	st = check_plaintext(pk, m, err);

	if (st != MPC_OK)
		return st;
	mpz_init(r);
	st = pai_random_unit(pk, r, err);
	if (st == MPC_OK)
	{
		/* r is secret: the exponent n is public, but use the
		 * side-channel-silent ladder all the same */
		mpz_t		x;

		mpz_init(x);
		mpc_powm_sec(x, r, pk->n, mpz_sizeinbase(pk->n, 2), pk->n2);
		pai_mul_one_plus_mn(pk, c, m, x);
		mpz_clear(x);
	}
	mpz_clear(r);
	return st;
}

/* r^n mod n^2 for the key owner: exponentiate mod p^2 and q^2, then CRT. */
static void
rn_crt(const pai_priv *sk, mpz_t out, const mpz_t r)
{
	mpz_t		xp, xq;

	mpz_inits(xp, xq, NULL);
	mpz_mod(xp, r, sk->p2);
	mpc_powm_sec(xp, xp, sk->ep, 2 * mpz_sizeinbase(sk->p, 2), sk->p2);
	mpz_mod(xq, r, sk->q2);
	mpc_powm_sec(xq, xq, sk->eq, 2 * mpz_sizeinbase(sk->q, 2), sk->q2);
	/* out = xq + q^2 ((xp - xq) q2inv mod p^2) */
	mpz_sub(xp, xp, xq);
	mpz_mul(xp, xp, sk->q2inv);
	mpz_mod(xp, xp, sk->p2);
	mpz_mul(out, xp, sk->q2);
	mpz_add(out, out, xq);
	mpz_clears(xp, xq, NULL);
}

mpc_status
pai_encrypt_crt(const pai_priv *sk, mpz_t c, const mpz_t m, mpc_error *err)
{
	mpz_t		r, x;
	mpc_status	st = check_plaintext(&sk->pub, m, err);

	if (st != MPC_OK)
		return st;
	mpz_inits(r, x, NULL);
	st = pai_random_unit(&sk->pub, r, err);
	if (st == MPC_OK)
	{
		rn_crt(sk, x, r);
		pai_mul_one_plus_mn(&sk->pub, c, m, x);
	}
	mpz_clears(r, x, NULL);
	return st;
}

/* L_x(u) = (u - 1) / x, variable time: textbook decryption only */
static void
L(mpz_t out, const mpz_t u, const mpz_t x)
{
	mpz_sub_ui(out, u, 1);
	mpz_tdiv_q(out, out, x);
}

mpc_status
pai_decrypt_textbook(const pai_priv *sk, mpz_t m, const mpz_t c, mpc_error *err)
{
	mpz_t		lambda, mu, u;
	mpc_status	st = pai_check_ciphertext(&sk->pub, c, 0, err);

	if (st != MPC_OK)
		return st;
	mpz_inits(lambda, mu, u, NULL);
	mpz_lcm(lambda, sk->pm1, sk->qm1);
	/* with g = n + 1, L(g^lambda mod n^2) = lambda mod n, so mu = lambda^-1 */
	if (mpz_invert(mu, lambda, sk->pub.n) == 0)
		st = mpc_fail(err, MPC_ERR_KEY, "lambda is not invertible mod n");
	else
	{
		mpz_powm(u, c, lambda, sk->pub.n2);
		L(u, u, sk->pub.n);
		mpz_mul(u, u, mu);
		mpz_mod(m, u, sk->pub.n);
	}
	mpz_clears(lambda, mu, u, NULL);
	return st;
}

/* ---------------------------------------------------------------------
 * Homomorphic operations
 * --------------------------------------------------------------------- */
void
pai_add(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t b)
{
	mpz_mul(out, a, b);
	mpz_mod(out, out, pk->n2);
}

mpc_status
pai_neg(const pai_pub *pk, mpz_t out, const mpz_t a, mpc_error *err)
{
	if (mpz_invert(out, a, pk->n2) == 0)
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "ciphertext is not invertible mod n^2");
	return MPC_OK;
}

mpc_status
pai_sub(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t b, mpc_error *err)
{
	mpz_t		inv;
	mpc_status	st;

	mpz_init(inv);
	st = pai_neg(pk, inv, b, err);
	if (st == MPC_OK)
		pai_add(pk, out, a, inv);
	mpz_clear(inv);
	return st;
}

void
pai_add_plain(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t k)
{
	mpz_t		km;

	mpz_init(km);
	mpz_mod(km, k, pk->n);
	pai_mul_one_plus_mn(pk, out, km, a);
	mpz_clear(km);
}

mpc_status
pai_mul_scalar(const pai_pub *pk, mpz_t out, const mpz_t a, const mpz_t k, mpc_error *err)
{
	if (mpz_sgn(k) >= 0)
	{
		mpz_powm(out, a, k, pk->n2);
		return MPC_OK;
	}
	else
	{
		mpz_t		inv, absk;
		mpc_status	st;

		mpz_inits(inv, absk, NULL);
		st = pai_neg(pk, inv, a, err);
		if (st == MPC_OK)
		{
			mpz_neg(absk, k);
			mpz_powm(out, inv, absk, pk->n2);
		}
		mpz_clears(inv, absk, NULL);
		return st;
	}
}

mpc_status
pai_rerandomize(const pai_pub *pk, mpz_t out, const mpz_t a, mpc_error *err)
{
	mpz_t		r;
	mpc_status	st;

	mpz_init(r);
	st = pai_random_unit(pk, r, err);
	if (st == MPC_OK)
	{
		mpc_powm_sec(r, r, pk->n, mpz_sizeinbase(pk->n, 2), pk->n2);
		pai_add(pk, out, a, r);
	}
	mpz_clear(r);
	return st;
}
