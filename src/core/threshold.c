/*
 * threshold.c: threshold Paillier decryption (see threshold.h for the
 * formulas and docs/design.md for the security argument).
 */
#include "threshold.h"

#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "ifma.h"
#include "serial.h"
#include "sha256.h"

#define MAX_NBYTES		(PAI_MAX_BITS / 8)
#define MAX_WIDTH		(2 * MAX_NBYTES)	/* a value mod n^2 */

static const char DIGEST_DOMAIN[] = "mpc_eigentrust threshold paillier key v1";
static const char PROOF_DOMAIN[] = "mpc_eigentrust threshold paillier decryption proof v1";

/* ---------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------- */
static void
wipe_clear(mpz_t z)
{
	mpc_wipe(z->_mp_d, (size_t) z->_mp_alloc * sizeof(mp_limb_t));
	mpz_clear(z);
}

static size_t
bits_of(unsigned long x)
{
	size_t		b = 0;

	while (x)
	{
		b++;
		x >>= 1;
	}
	return b;
}

static size_t
delta_bits(int l)
{
	mpz_t		d;
	size_t		b;

	mpz_init(d);
	mpz_fac_ui(d, (unsigned long) l);
	b = mpz_sizeinbase(d, 2);
	mpz_clear(d);
	return b;
}

/* Bits of the polynomial coefficients: wide enough that shifting the secret
 * by any amount below n^2 moves the distribution of any t - 1 shares by at
 * most 2^-THR_STAT_BITS (design.md, "Threshold decryption"). */
static size_t
coef_bits(size_t nbits, int l, int t)
{
	return 2 * nbits + delta_bits(l) + (size_t) (t - 1) * bits_of((unsigned long) l + 1) +
		bits_of((unsigned long) t) + THR_STAT_BITS;
}

size_t
thr_share_bits_max(size_t nbits, int l, int t)
{
	return coef_bits(nbits, l, t) + bits_of((unsigned long) t) +
		(size_t) (t - 1) * bits_of((unsigned long) l);
}

/* bits of the prover's mask r: |Delta s_i| + challenge + statistical margin */
static size_t
mask_bits(size_t nbits, int l, int t)
{
	return thr_share_bits_max(nbits, l, t) + delta_bits(l) + THR_CHALLENGE_BITS + THR_STAT_BITS;
}

size_t
thr_response_bits_max(size_t nbits, int l, int t)
{
	return mask_bits(nbits, l, t) + 1;
}

/* v-table exponents: masks r (mask_bits) and the batch sum 2 sum rho_j z_j
 * (129-bit weights, at most 2^9 shares) */
static size_t
vtable_maxbits(size_t nbits, int l, int t)
{
	return thr_response_bits_max(nbits, l, t) + 129 + 9 + 1;
}

size_t
thr_vtable_bytes(const pai_pub *pk, int l, int t)
{
	return fb_table_bytes(mpz_sizeinbase(pk->n2, 2), vtable_maxbits(pk->nbits, l, t),
						  THR_VTABLE_WINDOW);
}

mpc_status
thr_vtable_init(fb_table *vt, void *buf, size_t buflen, const pai_pub *pk, const mpz_t v,
				int l, int t, mpc_error *err)
{
	return fb_table_init(vt, buf, buflen, v, pk->n2, vtable_maxbits(pk->nbits, l, t),
						 THR_VTABLE_WINDOW, err);
}

mpc_status
thr_check_params(int l, int t, mpc_error *err)
{
	if (t < 2 || l < t || l > THR_MAX_SHARES)
		return mpc_fail(err, MPC_ERR_ARG,
						"need 2 <= threshold <= shares <= %d, got threshold %d and shares %d",
						THR_MAX_SHARES, t, l);
	return MPC_OK;
}

static mpc_status
rand_bits(mpz_t z, size_t bits, mpc_error *err)
{
	size_t		nbytes = (bits + 7) / 8;
	uint8_t    *buf = malloc(nbytes);
	mpc_status	st;

	if (buf == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	st = mpc_random_bytes(buf, nbytes, err);
	if (st == MPC_OK)
	{
		ser_from_bytes(z, buf, nbytes);
		mpz_fdiv_r_2exp(z, z, bits);
	}
	mpc_wipe(buf, nbytes);
	free(buf);
	return st;
}

/* Exponentiation with a public exponent: the IFMA ladder when the CPU has
 * it (faster than GMP even though constant time is not needed), else GMP's
 * variable-time mpz_powm. */
static void
powm_public(mpz_t out, const mpz_t base, const mpz_t e, const mpz_t mod)
{
	if (mpz_sgn(e) == 0)
		mpz_set_ui(out, 1);		/* the ladders need e > 0 */
	else if (ifma_available())
		mpc_powm_sec(out, base, e, mpz_sizeinbase(e, 2), mod);
	else
		mpz_powm(out, base, e, mod);
}

static void
hash_fixed(sha256_ctx *h, const mpz_t x, size_t width)
{
	uint8_t		buf[MAX_WIDTH];

	/* callers only pass values already checked to fit */
	if (width > sizeof(buf) || ser_to_bytes_fixed(x, buf, width, NULL) != MPC_OK)
		memset(buf, 0, sizeof(buf));
	sha256_update(h, buf, width);
}

static void
hash_u32(sha256_ctx *h, uint32_t v)
{
	uint8_t		b[4] = {(uint8_t) (v >> 24), (uint8_t) (v >> 16), (uint8_t) (v >> 8), (uint8_t) v};

	sha256_update(h, b, 4);
}

static void
vk_hash(const pai_pub *pk, const mpz_t vi, uint8_t out[THR_HASH_LEN])
{
	sha256_ctx	h;

	sha256_init(&h);
	hash_fixed(&h, vi, 2 * pk->nbytes);
	sha256_final(&h, out);
}

static void
key_digest(const pai_pub *pk, int kind, int t, int l, const mpz_t v,
		   const uint8_t vkh[][THR_HASH_LEN], uint8_t out[THR_HASH_LEN])
{
	sha256_ctx	h;
	int			j;

	sha256_init(&h);
	sha256_update(&h, DIGEST_DOMAIN, sizeof(DIGEST_DOMAIN));
	hash_u32(&h, (uint32_t) kind);
	hash_u32(&h, (uint32_t) t);
	hash_u32(&h, (uint32_t) l);
	hash_u32(&h, (uint32_t) pk->nbytes);
	hash_fixed(&h, pk->n, pk->nbytes);
	hash_fixed(&h, v, 2 * pk->nbytes);
	for (j = 0; j < l; j++)
		sha256_update(&h, vkh[j], THR_HASH_LEN);
	sha256_final(&h, out);
}

static void
proof_challenge(const pai_pub *pk, const uint8_t digest[THR_HASH_LEN], int index,
				const mpz_t c, const mpz_t ci, const mpz_t vi, const mpz_t a, const mpz_t b,
				uint8_t out[THR_HASH_LEN])
{
	sha256_ctx	h;
	size_t		w = 2 * pk->nbytes;

	sha256_init(&h);
	sha256_update(&h, PROOF_DOMAIN, sizeof(PROOF_DOMAIN));
	sha256_update(&h, digest, THR_HASH_LEN);
	hash_u32(&h, (uint32_t) index);
	hash_fixed(&h, c, w);
	hash_fixed(&h, ci, w);
	hash_fixed(&h, vi, w);
	hash_fixed(&h, a, w);
	hash_fixed(&h, b, w);
	sha256_final(&h, out);
}

/* ---------------------------------------------------------------------
 * Safe primes
 * --------------------------------------------------------------------- */
#define SIEVE_PRIMES 1500

static unsigned int sieve_primes[SIEVE_PRIMES];

static void
init_sieve_primes(void)
{
	unsigned int x;
	int			n = 0;

	if (sieve_primes[SIEVE_PRIMES - 1] != 0)
		return;
	for (x = 3; n < SIEVE_PRIMES; x += 2)
	{
		int			i,
					prime = 1;

		for (i = 0; i < n && sieve_primes[i] * sieve_primes[i] <= x; i++)
			if (x % sieve_primes[i] == 0)
			{
				prime = 0;
				break;
			}
		if (prime)
			sieve_primes[n++] = x;
	}
}

/* base-2 Fermat test: a cheap filter before Miller-Rabin */
static int
fermat2(const mpz_t x, mpz_t tmp)
{
	mpz_t		two;
	int			ok;

	mpz_init_set_ui(two, 2);
	mpz_sub_ui(tmp, x, 1);
	mpz_powm(tmp, two, tmp, x);
	ok = mpz_cmp_ui(tmp, 1) == 0;
	mpz_clear(two);
	return ok;
}

mpc_status
thr_safe_prime(mpz_t p, size_t bits, mpc_error *err)
{
	size_t		qbits = bits - 1;
	size_t		nbytes;
	uint8_t		buf[PAI_MAX_BITS / 8];
	unsigned int res[SIEVE_PRIMES];
	mpz_t		base, q, tmp;
	mpc_status	st = MPC_OK;

	if (bits < 16 || bits > PAI_MAX_BITS / 2)
		return mpc_fail(err, MPC_ERR_ARG, "safe prime size %zu is out of range", bits);
	nbytes = (qbits + 7) / 8;
	init_sieve_primes();
	mpz_inits(base, q, tmp, NULL);
	for (;;)
	{
		unsigned long delta;
		int			i;

		if (mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			break;
		}
		st = mpc_random_bytes(buf, nbytes, err);
		if (st != MPC_OK)
			break;
		/* q' of qbits bits with its top two bits set, so p = 2q'+1 has
		 * exactly 'bits' bits with the top two set; q' odd */
		ser_from_bytes(base, buf, nbytes);
		mpc_wipe(buf, nbytes);
		mpz_fdiv_r_2exp(base, base, qbits);
		mpz_setbit(base, qbits - 1);
		mpz_setbit(base, qbits - 2);
		mpz_setbit(base, 0);
		for (i = 0; i < SIEVE_PRIMES; i++)
			res[i] = (unsigned int) mpz_fdiv_ui(base, sieve_primes[i]);

		for (delta = 0; delta < (1UL << 24); delta += 2)
		{
			int			ok = 1;

			/* neither q' nor 2q'+1 may have a small factor r:
			 * q' mod r != 0 and q' mod r != (r-1)/2 */
			for (i = 0; i < SIEVE_PRIMES; i++)
			{
				unsigned int r = sieve_primes[i];
				unsigned int m = (unsigned int) ((res[i] + delta) % r);

				if (m == 0 || m == (r - 1) / 2)
				{
					ok = 0;
					break;
				}
			}
			if (!ok)
				continue;
			if (mpc_interrupted())
			{
				st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
				goto done;
			}
			mpz_add_ui(q, base, delta);
			if (mpz_sizeinbase(q, 2) != qbits)
				break;			/* ran past the top: draw again */
			mpz_mul_2exp(p, q, 1);
			mpz_add_ui(p, p, 1);
			if (fermat2(p, tmp) && fermat2(q, tmp) &&
				mpz_probab_prime_p(q, 25) != 0 && mpz_probab_prime_p(p, 25) != 0)
				goto done;
		}
	}
done:
	mpc_wipe(res, sizeof(res));
	wipe_clear(base);
	wipe_clear(q);
	wipe_clear(tmp);
	return st;
}

mpc_status
thr_keygen_safe(pai_priv *sk, size_t bits, size_t min_bits, mpc_error *err)
{
	return pai_keygen_with(sk, bits, min_bits, thr_safe_prime, 20, err);
}

int
thr_key_is_safe(const pai_priv *sk)
{
	mpz_t		h;
	int			safe;

	mpz_init(h);
	mpz_fdiv_q_2exp(h, sk->pm1, 1);
	safe = mpz_probab_prime_p(h, 25) != 0;
	if (safe)
	{
		mpz_fdiv_q_2exp(h, sk->qm1, 1);
		safe = mpz_probab_prime_p(h, 25) != 0;
	}
	wipe_clear(h);
	return safe;
}

/* ---------------------------------------------------------------------
 * Dealing
 * --------------------------------------------------------------------- */
void
thr_keyshare_clear(thr_keyshare *ks)
{
	wipe_clear(ks->s);
	mpz_clear(ks->v);
	mpz_clear(ks->vi);
	pai_pub_clear(&ks->pub);
	mpc_wipe(ks, sizeof(*ks));
}

static void
keyshare_init(thr_keyshare *ks, const pai_pub *pk)
{
	memset(ks, 0, sizeof(*ks));
	pai_pub_copy(&ks->pub, pk);
	mpz_inits(ks->v, ks->vi, ks->s, NULL);
}

/* a random square unit mod n^2 */
static mpc_status
random_square(const pai_pub *pk, mpz_t v, mpc_error *err)
{
	mpz_t		g;
	mpc_status	st = MPC_OK;
	int			tries;

	mpz_init(g);
	for (tries = 0; tries < 64; tries++)
	{
		st = rand_bits(v, 2 * pk->nbits + THR_STAT_BITS, err);
		if (st != MPC_OK)
			break;
		mpz_mod(v, v, pk->n2);
		mpz_gcd(g, v, pk->n);
		if (mpz_sgn(v) != 0 && mpz_cmp_ui(g, 1) == 0)
		{
			mpz_mul(v, v, v);
			mpz_mod(v, v, pk->n2);
			break;
		}
		st = mpc_fail(err, MPC_ERR_RNG, "could not draw a unit mod n^2");
	}
	mpz_clear(g);
	return st;
}

mpc_status
thr_deal(const pai_priv *sk, int l, int t, thr_keyshare *shares, mpc_error *err)
{
	const pai_pub *pk = &sk->pub;
	mpz_t		lambda, d, delta, x, v;
	mpz_t		coef[THR_MAX_SHARES];
	uint8_t		vkh[THR_MAX_SHARES][THR_HASH_LEN];
	uint8_t		digest[THR_HASH_LEN];
	size_t		cbits, xbits;
	int			i, k, done = 0, kind;
	mpc_status	st;

	st = thr_check_params(l, t, err);
	if (st != MPC_OK)
		return st;
	kind = thr_key_is_safe(sk) ? THR_KIND_SAFE : THR_KIND_SPLIT;
	cbits = coef_bits(pk->nbits, l, t);
	xbits = thr_share_bits_max(pk->nbits, l, t) + delta_bits(l);

	mpz_inits(lambda, d, delta, x, v, NULL);
	for (k = 0; k < t; k++)
		mpz_init(coef[k]);

	/* d = lambda (lambda^-1 mod n): 0 mod lambda, 1 mod n */
	mpz_lcm(lambda, sk->pm1, sk->qm1);
	if (mpz_invert(d, lambda, pk->n) == 0)
	{
		st = mpc_fail(err, MPC_ERR_KEY, "lambda is not invertible mod n");
		goto out;
	}
	mpz_mul(d, d, lambda);
	mpz_fac_ui(delta, (unsigned long) l);
	mpz_mul(coef[0], d, delta);	/* the shared secret is Delta d */
	for (k = 1; k < t && st == MPC_OK; k++)
		st = rand_bits(coef[k], cbits, err);
	if (st == MPC_OK)
		st = random_square(pk, v, err);
	if (st != MPC_OK)
		goto out;

	for (i = 1; i <= l; i++)
	{
		thr_keyshare *ks = &shares[i - 1];

		if (mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		keyshare_init(ks, pk);
		done = i;
		/* s_i = f(i) by Horner, over the integers */
		mpz_set(ks->s, coef[t - 1]);
		for (k = t - 2; k >= 0; k--)
		{
			mpz_mul_ui(ks->s, ks->s, (unsigned long) i);
			mpz_add(ks->s, ks->s, coef[k]);
		}
		mpz_mul(x, ks->s, delta);
		mpc_powm_sec(ks->vi, v, x, xbits, pk->n2);
		mpz_set(ks->v, v);
		ks->kind = kind;
		ks->t = t;
		ks->l = l;
		ks->index = i;
		vk_hash(pk, ks->vi, vkh[i - 1]);
	}
	key_digest(pk, kind, t, l, v, (const uint8_t (*)[THR_HASH_LEN]) vkh, digest);
	for (i = 0; i < l; i++)
	{
		memcpy(shares[i].digest, digest, THR_HASH_LEN);
		memcpy(shares[i].vkh, vkh, (size_t) l * THR_HASH_LEN);
	}

out:
	if (st != MPC_OK)
		for (i = 0; i < done; i++)
			thr_keyshare_clear(&shares[i]);
	wipe_clear(lambda);
	wipe_clear(d);
	wipe_clear(x);
	mpz_clear(delta);
	mpz_clear(v);
	for (k = 0; k < t; k++)
		wipe_clear(coef[k]);
	return st;
}

mpc_status
thr_keyshare_check(const thr_keyshare *ks, mpc_error *err)
{
	mpz_t		x, w;
	int			ok;

	mpz_inits(x, w, NULL);
	mpz_fac_ui(x, (unsigned long) ks->l);
	mpz_mul(x, x, ks->s);
	mpc_powm_sec(w, ks->v, x, thr_share_bits_max(ks->pub.nbits, ks->l, ks->t) + delta_bits(ks->l),
				 ks->pub.n2);
	ok = mpz_cmp(w, ks->vi) == 0;
	wipe_clear(x);
	mpz_clear(w);
	if (!ok)
		return mpc_fail(err, MPC_ERR_KEY,
						"the share value does not match its verification key");
	return MPC_OK;
}

/* ---------------------------------------------------------------------
 * Decryption shares and proofs
 * --------------------------------------------------------------------- */
void
thr_decshare_clear(thr_decshare *ds)
{
	mpz_clears(ds->c, ds->v, ds->vi, ds->ci, ds->a, ds->b, ds->z, NULL);
	pai_pub_clear(&ds->pub);
	memset(ds, 0, sizeof(*ds));
}

mpc_status
thr_decrypt_share(const thr_keyshare *ks, const mpz_t c, int scale, thr_decshare *out,
				  mpc_error *err)
{
	return thr_decrypt_share_vt(ks, c, scale, NULL, out, err);
}

mpc_status
thr_decrypt_share_vt(const thr_keyshare *ks, const mpz_t c, int scale, const fb_table *vt,
					 thr_decshare *out, mpc_error *err)
{
	const pai_pub *pk = &ks->pub;
	mpz_t		x, r, e4;
	uint8_t		ebuf[THR_HASH_LEN];
	size_t		xbits = thr_share_bits_max(pk->nbits, ks->l, ks->t) + delta_bits(ks->l);
	size_t		rbits = mask_bits(pk->nbits, ks->l, ks->t);
	mpc_status	st;

	st = pai_check_ciphertext(pk, c, 1, err);
	if (st != MPC_OK)
		return st;
	mpz_inits(x, r, e4, NULL);
	st = rand_bits(r, rbits, err);
	if (st == MPC_OK && mpz_sgn(r) == 0)
		mpz_set_ui(r, 1);		/* probability 2^-rbits; keeps the ladder's exponent positive */
	if (st != MPC_OK)
		goto out;

	memset(out, 0, sizeof(*out));
	pai_pub_copy(&out->pub, pk);
	mpz_inits(out->c, out->v, out->vi, out->ci, out->a, out->b, out->z, NULL);
	out->kind = ks->kind;
	out->t = ks->t;
	out->l = ks->l;
	out->index = ks->index;
	out->scale = scale;
	mpz_set(out->c, c);
	mpz_set(out->v, ks->v);
	mpz_set(out->vi, ks->vi);
	memcpy(out->digest, ks->digest, THR_HASH_LEN);
	memcpy(out->vkh, ks->vkh, sizeof(ks->vkh));

	/* x = Delta s_i; c_i = c^(2x) */
	mpz_fac_ui(x, (unsigned long) ks->l);
	mpz_mul(x, x, ks->s);
	mpz_mul_2exp(e4, x, 1);
	mpc_powm_sec(out->ci, c, e4, xbits + 1, pk->n2);
	/* commitments a = (c^4)^r, b = v^r */
	mpz_mul_2exp(e4, r, 2);
	mpc_powm_sec(out->a, c, e4, rbits + 2, pk->n2);
	if (vt == NULL || fb_pow(vt, out->b, r, err) != MPC_OK)
		mpc_powm_sec(out->b, ks->v, r, rbits, pk->n2);
	proof_challenge(pk, ks->digest, ks->index, c, out->ci, ks->vi, out->a, out->b, ebuf);
	/* z = r + e x over the integers */
	ser_from_bytes(e4, ebuf, THR_HASH_LEN);
	mpz_mul(out->z, e4, x);
	mpz_add(out->z, out->z, r);

out:
	wipe_clear(x);
	wipe_clear(r);
	wipe_clear(e4);
	return st;
}

static mpc_status
check_response(const thr_decshare *ds, mpc_error *err)
{
	if (mpz_sgn(ds->z) <= 0 ||
		mpz_sizeinbase(ds->z, 2) > thr_response_bits_max(ds->pub.nbits, ds->l, ds->t))
		return mpc_fail(err, MPC_ERR_CIPHERTEXT, "the proof response of decryption share %d is out of range",
						ds->index);
	return MPC_OK;
}

static void
challenge_of(const thr_decshare *ds, mpz_t e)
{
	uint8_t		h[THR_HASH_LEN];

	proof_challenge(&ds->pub, ds->digest, ds->index, ds->c, ds->ci, ds->vi, ds->a, ds->b, h);
	ser_from_bytes(e, h, THR_HASH_LEN);
}

/* out = x * y^k mod n^2 */
static void
mul_pow(mpz_t out, const mpz_t x, const mpz_t y, const mpz_t k, const mpz_t n2, mpz_t tmp)
{
	powm_public(tmp, y, k, n2);
	mpz_mul(out, x, tmp);
	mpz_mod(out, out, n2);
}

mpc_status
thr_verify(const thr_decshare *ds, mpc_error *err)
{
	const pai_pub *pk = &ds->pub;
	mpz_t		e, t1, lhs, rhs, ci2;
	mpc_status	st = check_response(ds, err);
	int			ok;

	if (st != MPC_OK)
		return st;
	mpz_inits(e, t1, lhs, rhs, ci2, NULL);
	challenge_of(ds, e);
	/* (c^4)^z = a (c_i^2)^e */
	mpz_mul_2exp(t1, ds->z, 2);
	powm_public(lhs, ds->c, t1, pk->n2);
	mpz_mul(ci2, ds->ci, ds->ci);
	mpz_mod(ci2, ci2, pk->n2);
	mul_pow(rhs, ds->a, ci2, e, pk->n2, t1);
	ok = mpz_cmp(lhs, rhs) == 0;
	/* v^z = b v_i^e */
	if (ok)
	{
		powm_public(lhs, ds->v, ds->z, pk->n2);
		mul_pow(rhs, ds->b, ds->vi, e, pk->n2, t1);
		ok = mpz_cmp(lhs, rhs) == 0;
	}
	if (!ok)
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT, "the proof of decryption share %d does not verify",
					  ds->index);
	mpz_clears(e, t1, lhs, rhs, ci2, NULL);
	return st;
}

/*
 * Small-exponent batch test (Bellare, Garay, Rabin 1998).  With weights
 * rho_j of 128 bits derived from every share's challenge (so no share can
 * choose them), all equations hold iff, except with probability 2^-128,
 *     ((c^4)^(sum rho_j z_j))^2 = (prod a_j^rho_j (c_j^2)^(rho_j e_j))^2
 *     (v^(sum rho_j z_j))^2     = (prod b_j^rho_j v_j^(rho_j e_j))^2
 * The squaring removes elements of order 2, the only small ones a
 * safe-prime key has (design.md discusses split keys).  Requires one c,
 * one v: the caller has checked that the shares agree.
 */
static mpc_status verify_batch(const thr_decshare *const *ds, size_t k, const fb_table *vt,
							   mpc_error *err);

mpc_status
thr_verify_batch(const thr_decshare *const *ds, size_t k, mpc_error *err)
{
	return verify_batch(ds, k, NULL, err);
}

static mpc_status
verify_batch(const thr_decshare *const *ds, size_t k, const fb_table *vt, mpc_error *err)
{
	const pai_pub *pk;
	mpz_t		e, rho, zsum, t1, t2, rc, rv, lhs;
	uint8_t		seed[THR_HASH_LEN];
	sha256_ctx	h;
	size_t		j;
	mpc_status	st = MPC_OK;

	if (k == 0)
		return MPC_OK;
	pk = &ds[0]->pub;
	for (j = 0; j < k; j++)
	{
		st = check_response(ds[j], err);
		if (st != MPC_OK)
			return st;
	}
	mpz_inits(e, rho, zsum, t1, t2, lhs, NULL);
	mpz_init_set_ui(rc, 1);
	mpz_init_set_ui(rv, 1);
	sha256_init(&h);
	sha256_update(&h, "batch", 5);
	for (j = 0; j < k; j++)
	{
		uint8_t		ej[THR_HASH_LEN];

		proof_challenge(&ds[j]->pub, ds[j]->digest, ds[j]->index, ds[j]->c, ds[j]->ci,
						ds[j]->vi, ds[j]->a, ds[j]->b, ej);
		sha256_update(&h, ej, THR_HASH_LEN);
	}
	sha256_final(&h, seed);
	for (j = 0; j < k; j++)
	{
		const thr_decshare *d = ds[j];
		uint8_t		r[THR_HASH_LEN];

		if (mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		sha256_init(&h);
		sha256_update(&h, seed, THR_HASH_LEN);
		hash_u32(&h, (uint32_t) j);
		sha256_final(&h, r);
		ser_from_bytes(rho, r, 16);
		mpz_setbit(rho, 128);	/* nonzero, and one length for all */
		challenge_of(d, e);
		mpz_mul(e, e, rho);		/* rho_j e_j */
		mpz_addmul(zsum, rho, d->z);
		/* rc *= a_j^rho (c_j^2)^(rho e) */
		mul_pow(rc, rc, d->a, rho, pk->n2, t1);
		mpz_mul(t2, d->ci, d->ci);
		mpz_mod(t2, t2, pk->n2);
		mul_pow(rc, rc, t2, e, pk->n2, t1);
		/* rv *= b_j^rho v_j^(rho e) */
		mul_pow(rv, rv, d->b, rho, pk->n2, t1);
		mul_pow(rv, rv, d->vi, e, pk->n2, t1);
	}
	/* (c^(4 zsum))^2 = c^(8 zsum) against rc^2 */
	mpz_mul_2exp(t1, zsum, 3);
	powm_public(lhs, ds[0]->c, t1, pk->n2);
	mpz_mul(rc, rc, rc);
	mpz_mod(rc, rc, pk->n2);
	if (mpz_cmp(lhs, rc) != 0)
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT, "a proof in the batch does not verify");
	if (st == MPC_OK)
	{
		mpz_mul_2exp(t1, zsum, 1);
		if (vt == NULL || mpz_sizeinbase(t1, 2) > vt->maxbits ||
			fb_pow_vartime(vt, lhs, t1, err) != MPC_OK)
			powm_public(lhs, ds[0]->v, t1, pk->n2);
		mpz_mul(rv, rv, rv);
		mpz_mod(rv, rv, pk->n2);
		if (mpz_cmp(lhs, rv) != 0)
			st = mpc_fail(err, MPC_ERR_CIPHERTEXT, "a proof in the batch does not verify");
	}
out:
	mpz_clears(e, rho, zsum, t1, t2, rc, rv, lhs, NULL);
	return st;
}

void
thr_lagrange(mpz_t mu, const int *idx, int t, int i, int l)
{
	mpz_t		den;
	int			k;

	mpz_init_set_ui(den, 1);
	mpz_fac_ui(mu, (unsigned long) l);
	for (k = 0; k < t; k++)
	{
		if (idx[k] == i)
			continue;
		mpz_mul_ui(mu, mu, (unsigned long) idx[k]);
		mpz_mul_si(den, den, (long) idx[k] - i);
	}
	/* an integer: the |j - i| are distinct values among 1..i-1 and
	 * 1..l-i, so their product divides (i-1)! (l-i)!, which divides l! */
	mpz_divexact(mu, mu, den);
	mpz_clear(den);
}

mpc_status
thr_combine(const thr_decshare *const *ds, size_t k, int verify, mpz_t m, int *bad_index,
			mpc_error *err)
{
	return thr_combine_vt(ds, k, verify, NULL, m, bad_index, err);
}

mpc_status
thr_combine_vt(const thr_decshare *const *ds, size_t k, int verify, const fb_table *vt,
			   mpz_t m, int *bad_index, mpc_error *err)
{
	const thr_decshare *d0;
	const pai_pub *pk;
	int			seen[THR_MAX_SHARES + 1];
	int			idx[THR_MAX_SHARES];
	mpz_t		pos, neg, mu, t1;
	size_t		j;
	int			i;
	mpc_status	st = MPC_OK;

	if (bad_index)
		*bad_index = 0;
	if (k == 0)
		return mpc_fail(err, MPC_ERR_ARG, "no decryption shares were given");
	d0 = ds[0];
	pk = &d0->pub;
	memset(seen, 0, sizeof(seen));
	for (j = 0; j < k; j++)
	{
		const thr_decshare *dj = ds[j];

		if (!pai_same_key(&dj->pub, pk))
			return mpc_fail(err, MPC_ERR_KEY_MISMATCH,
							"decryption shares %d and %d belong to different keys",
							d0->index, dj->index);
		if (dj->kind != d0->kind || dj->t != d0->t || dj->l != d0->l ||
			memcmp(dj->digest, d0->digest, THR_HASH_LEN) != 0)
			return mpc_fail(err, MPC_ERR_KEY_MISMATCH,
							"decryption shares %d and %d come from different share sets of the key",
							d0->index, dj->index);
		if (mpz_cmp(dj->c, d0->c) != 0 || dj->scale != d0->scale)
			return mpc_fail(err, MPC_ERR_KEY_MISMATCH,
							"decryption shares %d and %d are of different ciphertexts",
							d0->index, dj->index);
		if (dj->index < 1 || dj->index > d0->l)
			return mpc_fail(err, MPC_ERR_ARG, "share index %d is out of range", dj->index);
		if (seen[dj->index]++)
			return mpc_fail(err, MPC_ERR_ARG, "share index %d appears more than once", dj->index);
	}
	if (k < (size_t) d0->t)
		return mpc_fail(err, MPC_ERR_ARG,
						"%zu decryption share%s given, the key needs %d", k,
						k == 1 ? " was" : "s were", d0->t);
	if (verify)
	{
		st = verify_batch(ds, k, vt, err);
		if (st == MPC_ERR_INTERRUPTED)
			return st;
		/* the batch failed: find the bad share one by one */
		for (j = 0; st != MPC_OK && j < k; j++)
		{
			if (mpc_interrupted())
				return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			if (thr_verify(ds[j], err) != MPC_OK)
			{
				if (bad_index)
					*bad_index = ds[j]->index;
				return MPC_ERR_CIPHERTEXT;
			}
		}
		if (st != MPC_OK)
			return mpc_fail(err, MPC_ERR_INTERNAL,
							"the batch of proofs failed but every proof verifies alone");
	}

	for (i = 0; i < d0->t; i++)
		idx[i] = ds[i]->index;
	mpz_inits(mu, t1, NULL);
	mpz_init_set_ui(pos, 1);
	mpz_init_set_ui(neg, 1);
	for (i = 0; i < d0->t; i++)
	{
		thr_lagrange(mu, idx, d0->t, idx[i], d0->l);
		mpz_mul_2exp(mu, mu, 1);
		if (mpz_sgn(mu) >= 0)
		{
			mpz_powm(t1, ds[i]->ci, mu, pk->n2);
			mpz_mul(pos, pos, t1);
			mpz_mod(pos, pos, pk->n2);
		}
		else
		{
			mpz_neg(mu, mu);
			mpz_powm(t1, ds[i]->ci, mu, pk->n2);
			mpz_mul(neg, neg, t1);
			mpz_mod(neg, neg, pk->n2);
		}
	}
	if (mpz_invert(neg, neg, pk->n2) == 0)
	{
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT, "a decryption share is not invertible");
		goto out;
	}
	mpz_mul(pos, pos, neg);
	mpz_mod(pos, pos, pk->n2);
	/* pos = 1 + 4 Delta^3 m n: anything else means a share was wrong */
	mpz_mod(t1, pos, pk->n);
	if (mpz_cmp_ui(t1, 1) != 0)
	{
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT,
					  "the decryption shares do not combine to a plaintext");
		goto out;
	}
	mpz_sub_ui(pos, pos, 1);
	mpz_divexact(pos, pos, pk->n);
	mpz_fac_ui(mu, (unsigned long) d0->l);
	mpz_pow_ui(mu, mu, 3);
	mpz_mul_2exp(mu, mu, 2);
	if (mpz_invert(mu, mu, pk->n) == 0)
	{
		st = mpc_fail(err, MPC_ERR_KEY, "4 Delta^3 is not invertible mod n");
		goto out;
	}
	mpz_mul(pos, pos, mu);
	mpz_mod(m, pos, pk->n);
out:
	mpz_clears(pos, neg, mu, t1, NULL);
	return st;
}

/* ---------------------------------------------------------------------
 * Serialised forms
 * --------------------------------------------------------------------- */
typedef struct wr
{
	uint8_t    *p;
} wr;

static void
put_u8(wr *w, unsigned v)
{
	*w->p++ = (uint8_t) v;
}

static void
put_u16(wr *w, unsigned v)
{
	put_u8(w, (v >> 8) & 0xff);
	put_u8(w, v & 0xff);
}

static void
put_u32(wr *w, uint32_t v)
{
	put_u16(w, v >> 16);
	put_u16(w, v & 0xffff);
}

static void
put_bytes(wr *w, const uint8_t *b, size_t n)
{
	memcpy(w->p, b, n);
	w->p += n;
}

static void
put_fixed(wr *w, const mpz_t x, size_t width)
{
	ser_to_bytes_fixed(x, w->p, width, NULL);
	w->p += width;
}

static void
put_minimal(wr *w, const mpz_t x)
{
	size_t		n = ser_bytes_len(x);

	put_u32(w, (uint32_t) n);
	put_fixed(w, x, n);
}

typedef struct rd
{
	const uint8_t *p;
	size_t		left;
} rd;

static int
get_bytes(rd *r, const uint8_t **out, size_t n)
{
	if (r->left < n)
		return 0;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return 1;
}

static int
get_u8(rd *r, unsigned *v)
{
	const uint8_t *b;

	if (!get_bytes(r, &b, 1))
		return 0;
	*v = b[0];
	return 1;
}

static int
get_u16(rd *r, unsigned *v)
{
	const uint8_t *b;

	if (!get_bytes(r, &b, 2))
		return 0;
	*v = ((unsigned) b[0] << 8) | b[1];
	return 1;
}

static int
get_u32(rd *r, uint32_t *v)
{
	const uint8_t *b;

	if (!get_bytes(r, &b, 4))
		return 0;
	*v = ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16) | ((uint32_t) b[2] << 8) | b[3];
	return 1;
}

#define TRUNC(err) mpc_fail((err), MPC_ERR_BINARY, "the value is truncated")

/* The header both forms share: version, kind, t, l, index, one reserved
 * byte, a 16-bit field (reserved / scale), fingerprint, digest, n. */
typedef struct common_hdr
{
	unsigned	kind, t, l, index, field16;
	const uint8_t *fp;
	const uint8_t *digest;
	uint32_t	nbytes;
	const uint8_t *n;
} common_hdr;

static mpc_status
get_common(rd *r, common_hdr *h, mpc_error *err)
{
	unsigned	version, reserved;

	if (!get_u8(r, &version))
		return TRUNC(err);
	if (version != THR_FORMAT_VERSION)
		return mpc_fail(err, MPC_ERR_BINARY, "format version %u is not supported (expected %d)",
						version, THR_FORMAT_VERSION);
	if (!get_u8(r, &h->kind) || !get_u8(r, &h->t) || !get_u8(r, &h->l) ||
		!get_u8(r, &h->index) || !get_u8(r, &reserved) || !get_u16(r, &h->field16) ||
		!get_bytes(r, &h->fp, PAI_FP_LEN) || !get_bytes(r, &h->digest, THR_HASH_LEN) ||
		!get_u32(r, &h->nbytes))
		return TRUNC(err);
	if (h->kind != THR_KIND_SAFE && h->kind != THR_KIND_SPLIT)
		return mpc_fail(err, MPC_ERR_BINARY, "unknown key kind %u", h->kind);
	if (reserved != 0)
		return mpc_fail(err, MPC_ERR_BINARY, "a reserved field is not zero");
	if (h->t < 2 || h->l < h->t || h->l > THR_MAX_SHARES)
		return mpc_fail(err, MPC_ERR_BINARY, "threshold %u of %u shares is out of range",
						h->t, h->l);
	if (h->index < 1 || h->index > h->l)
		return mpc_fail(err, MPC_ERR_BINARY, "share index %u is out of range 1..%u",
						h->index, h->l);
	if (h->nbytes == 0 || h->nbytes > MAX_NBYTES)
		return mpc_fail(err, MPC_ERR_BINARY, "modulus length %u is out of range",
						(unsigned) h->nbytes);
	if (!get_bytes(r, &h->n, h->nbytes))
		return TRUNC(err);
	if (h->n[0] == 0)
		return mpc_fail(err, MPC_ERR_BINARY, "the modulus is not minimally encoded");
	return MPC_OK;
}

static mpc_status
make_pub(pai_pub *pk, const common_hdr *h, size_t min_bits, mpc_error *err)
{
	mpz_t		n;
	mpc_status	st;

	mpz_init(n);
	ser_from_bytes(n, h->n, h->nbytes);
	st = pai_pub_init(pk, n, min_bits, err);
	mpz_clear(n);
	if (st != MPC_OK)
		return st;
	if (memcmp(pk->fp, h->fp, PAI_FP_LEN) != 0)
	{
		pai_pub_clear(pk);
		return mpc_fail(err, MPC_ERR_BINARY, "the fingerprint does not match the modulus");
	}
	return MPC_OK;
}

/* a unit mod n^2 at full width */
static mpc_status
get_unit(rd *r, const pai_pub *pk, mpz_t x, const char *what, mpc_error *err)
{
	const uint8_t *b;

	if (!get_bytes(r, &b, 2 * pk->nbytes))
		return TRUNC(err);
	ser_from_bytes(x, b, 2 * pk->nbytes);
	if (mpz_sgn(x) <= 0 || mpz_cmp(x, pk->n2) >= 0)
		return mpc_fail(err, MPC_ERR_BINARY, "%s is not in the range 0 < x < n^2", what);
	{
		mpz_t		g;
		int			ok;

		mpz_init(g);
		mpz_gcd(g, x, pk->n);
		ok = mpz_cmp_ui(g, 1) == 0;
		mpz_clear(g);
		if (!ok)
			return mpc_fail(err, MPC_ERR_BINARY, "%s is not a unit mod n^2", what);
	}
	return MPC_OK;
}

/* a positive integer, minimal, of at most maxbits bits */
static mpc_status
get_minimal(rd *r, mpz_t x, size_t maxbits, const char *what, mpc_error *err)
{
	uint32_t	len;
	const uint8_t *b;

	if (!get_u32(r, &len))
		return TRUNC(err);
	if (len == 0 || len > (maxbits + 7) / 8)
		return mpc_fail(err, MPC_ERR_BINARY, "length of %s (%u) is out of range", what,
						(unsigned) len);
	if (!get_bytes(r, &b, len))
		return TRUNC(err);
	if (b[0] == 0)
		return mpc_fail(err, MPC_ERR_BINARY, "%s is not minimally encoded", what);
	ser_from_bytes(x, b, len);
	if (mpz_sizeinbase(x, 2) > maxbits)
		return mpc_fail(err, MPC_ERR_BINARY, "%s is out of range", what);
	return MPC_OK;
}

static mpc_status
get_vkh_and_check(rd *r, int l, int index, const pai_pub *pk, const mpz_t vi,
				  uint8_t vkh[][THR_HASH_LEN], mpc_error *err)
{
	const uint8_t *b;
	uint8_t		h[THR_HASH_LEN];

	if (!get_bytes(r, &b, (size_t) l * THR_HASH_LEN))
		return TRUNC(err);
	memcpy(vkh, b, (size_t) l * THR_HASH_LEN);
	vk_hash(pk, vi, h);
	if (memcmp(h, vkh[index - 1], THR_HASH_LEN) != 0)
		return mpc_fail(err, MPC_ERR_BINARY,
						"verification key %d does not match the key's list", index);
	return MPC_OK;
}

static mpc_status
check_digest(const pai_pub *pk, int kind, int t, int l, const mpz_t v,
			 const uint8_t vkh[][THR_HASH_LEN], const uint8_t *digest, mpc_error *err)
{
	uint8_t		d[THR_HASH_LEN];

	key_digest(pk, kind, t, l, v, vkh, d);
	if (memcmp(d, digest, THR_HASH_LEN) != 0)
		return mpc_fail(err, MPC_ERR_BINARY, "the key digest does not match the verification keys");
	return MPC_OK;
}

size_t
thr_keyshare_size(const thr_keyshare *ks)
{
	return 52 + ks->pub.nbytes + 4 * ks->pub.nbytes + (size_t) ks->l * THR_HASH_LEN + 4 +
		ser_bytes_len(ks->s);
}

void
thr_keyshare_encode(const thr_keyshare *ks, uint8_t *out)
{
	wr			w = {out};
	size_t		nb = ks->pub.nbytes;

	put_u8(&w, THR_FORMAT_VERSION);
	put_u8(&w, (unsigned) ks->kind);
	put_u8(&w, (unsigned) ks->t);
	put_u8(&w, (unsigned) ks->l);
	put_u8(&w, (unsigned) ks->index);
	put_u8(&w, 0);
	put_u16(&w, 0);
	put_bytes(&w, ks->pub.fp, PAI_FP_LEN);
	put_bytes(&w, ks->digest, THR_HASH_LEN);
	put_u32(&w, (uint32_t) nb);
	put_fixed(&w, ks->pub.n, nb);
	put_fixed(&w, ks->v, 2 * nb);
	put_fixed(&w, ks->vi, 2 * nb);
	put_bytes(&w, (const uint8_t *) ks->vkh, (size_t) ks->l * THR_HASH_LEN);
	put_minimal(&w, ks->s);
}

mpc_status
thr_keyshare_decode(thr_keyshare *ks, const uint8_t *in, size_t len, size_t min_bits,
					mpc_error *err)
{
	rd			r = {in, len};
	common_hdr	h;
	pai_pub		pk;
	mpc_status	st;

	st = get_common(&r, &h, err);
	if (st != MPC_OK)
		return st;
	if (h.field16 != 0)
		return mpc_fail(err, MPC_ERR_BINARY, "a reserved field is not zero");
	st = make_pub(&pk, &h, min_bits, err);
	if (st != MPC_OK)
		return st;
	keyshare_init(ks, &pk);
	pai_pub_clear(&pk);
	ks->kind = (int) h.kind;
	ks->t = (int) h.t;
	ks->l = (int) h.l;
	ks->index = (int) h.index;
	memcpy(ks->digest, h.digest, THR_HASH_LEN);
	st = get_unit(&r, &ks->pub, ks->v, "the verification base v", err);
	if (st == MPC_OK)
		st = get_unit(&r, &ks->pub, ks->vi, "the verification key", err);
	if (st == MPC_OK)
		st = get_vkh_and_check(&r, ks->l, ks->index, &ks->pub, ks->vi, ks->vkh, err);
	if (st == MPC_OK)
		st = get_minimal(&r, ks->s, thr_share_bits_max(ks->pub.nbits, ks->l, ks->t),
						 "the share value", err);
	if (st == MPC_OK && r.left != 0)
		st = mpc_fail(err, MPC_ERR_BINARY, "%zu bytes follow the value", r.left);
	if (st == MPC_OK)
		st = check_digest(&ks->pub, ks->kind, ks->t, ks->l, ks->v,
						  (const uint8_t (*)[THR_HASH_LEN]) ks->vkh, ks->digest, err);
	if (st != MPC_OK)
		thr_keyshare_clear(ks);
	return st;
}

size_t
thr_decshare_size(const thr_decshare *ds)
{
	return 52 + ds->pub.nbytes + 12 * ds->pub.nbytes +
		(size_t) ds->l * THR_HASH_LEN + 4 + ser_bytes_len(ds->z);
}

void
thr_decshare_encode(const thr_decshare *ds, uint8_t *out)
{
	wr			w = {out};
	size_t		nb = ds->pub.nbytes;

	put_u8(&w, THR_FORMAT_VERSION);
	put_u8(&w, (unsigned) ds->kind);
	put_u8(&w, (unsigned) ds->t);
	put_u8(&w, (unsigned) ds->l);
	put_u8(&w, (unsigned) ds->index);
	put_u8(&w, 0);
	put_u16(&w, (unsigned) ds->scale & 0xffff);
	put_bytes(&w, ds->pub.fp, PAI_FP_LEN);
	put_bytes(&w, ds->digest, THR_HASH_LEN);
	put_u32(&w, (uint32_t) nb);
	put_fixed(&w, ds->pub.n, nb);
	put_fixed(&w, ds->c, 2 * nb);
	put_fixed(&w, ds->v, 2 * nb);
	put_fixed(&w, ds->vi, 2 * nb);
	put_fixed(&w, ds->ci, 2 * nb);
	put_fixed(&w, ds->a, 2 * nb);
	put_fixed(&w, ds->b, 2 * nb);
	put_bytes(&w, (const uint8_t *) ds->vkh, (size_t) ds->l * THR_HASH_LEN);
	put_minimal(&w, ds->z);
}

mpc_status
thr_decshare_decode(thr_decshare *ds, const uint8_t *in, size_t len, size_t min_bits,
					mpc_error *err)
{
	rd			r = {in, len};
	common_hdr	h;
	pai_pub		pk;
	int			scale;
	mpc_status	st;

	st = get_common(&r, &h, err);
	if (st != MPC_OK)
		return st;
	scale = (int) (int16_t) (uint16_t) h.field16;
	if (enc_check_scale(scale, err) != MPC_OK)
		return mpc_fail(err, MPC_ERR_BINARY, "scale %d is out of range 0..%d", scale,
						PAI_MAX_SCALE);
	st = make_pub(&pk, &h, min_bits, err);
	if (st != MPC_OK)
		return st;
	memset(ds, 0, sizeof(*ds));
	pai_pub_copy(&ds->pub, &pk);
	pai_pub_clear(&pk);
	mpz_inits(ds->c, ds->v, ds->vi, ds->ci, ds->a, ds->b, ds->z, NULL);
	ds->kind = (int) h.kind;
	ds->t = (int) h.t;
	ds->l = (int) h.l;
	ds->index = (int) h.index;
	ds->scale = scale;
	memcpy(ds->digest, h.digest, THR_HASH_LEN);
	st = get_unit(&r, &ds->pub, ds->c, "the ciphertext", err);
	if (st == MPC_OK)
		st = get_unit(&r, &ds->pub, ds->v, "the verification base v", err);
	if (st == MPC_OK)
		st = get_unit(&r, &ds->pub, ds->vi, "the verification key", err);
	if (st == MPC_OK)
		st = get_unit(&r, &ds->pub, ds->ci, "the decryption share", err);
	if (st == MPC_OK)
		st = get_unit(&r, &ds->pub, ds->a, "the proof commitment a", err);
	if (st == MPC_OK)
		st = get_unit(&r, &ds->pub, ds->b, "the proof commitment b", err);
	if (st == MPC_OK)
		st = get_vkh_and_check(&r, ds->l, ds->index, &ds->pub, ds->vi, ds->vkh, err);
	if (st == MPC_OK)
		st = get_minimal(&r, ds->z, thr_response_bits_max(ds->pub.nbits, ds->l, ds->t),
						 "the proof response", err);
	if (st == MPC_OK && r.left != 0)
		st = mpc_fail(err, MPC_ERR_BINARY, "%zu bytes follow the value", r.left);
	if (st == MPC_OK)
		st = check_digest(&ds->pub, ds->kind, ds->t, ds->l, ds->v,
						  (const uint8_t (*)[THR_HASH_LEN]) ds->vkh, ds->digest, err);
	if (st != MPC_OK)
		thr_decshare_clear(ds);
	return st;
}
