/*
 * threshold.c: threshold Paillier decryption (see threshold.h for the
 * formulas and docs/design.md for the security argument): shared helpers,
 * safe primes and dealing.  Decryption shares, proofs and combining are in
 * threshold_decrypt.c, the serialised forms in threshold_serial.c.
 */
#include "threshold_priv.h"

#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "ifma.h"
#include "ifma8.h"
#include "primes.h"
#include "serial.h"
#include "sha256.h"


static const char DIGEST_DOMAIN[] = "mpc_eigentrust threshold paillier key v1";
static const char PROOF_DOMAIN[] = "mpc_eigentrust threshold paillier decryption proof v1";

/* ---------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------- */
void
thr_wipe_clear(mpz_t z)
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

size_t
thr_delta_bits(int l)
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
	return 2 * nbits + thr_delta_bits(l) + (size_t) (t - 1) * bits_of((unsigned long) l + 1) +
		bits_of((unsigned long) t) + THR_STAT_BITS;
}

size_t
thr_share_bits_max(size_t nbits, int l, int t)
{
	return coef_bits(nbits, l, t) + bits_of((unsigned long) t) +
		(size_t) (t - 1) * bits_of((unsigned long) l);
}

/* bits of the prover's mask r: |Delta s_i| + challenge + statistical margin */
size_t
thr_mask_bits(size_t nbits, int l, int t)
{
	return thr_share_bits_max(nbits, l, t) + thr_delta_bits(l) + THR_CHALLENGE_BITS + THR_STAT_BITS;
}

size_t
thr_response_bits_max(size_t nbits, int l, int t)
{
	return thr_mask_bits(nbits, l, t) + 1;
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

mpc_status
thr_rand_bits(mpz_t z, size_t bits, mpc_error *err)
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
void
thr_powm_public(mpz_t out, const mpz_t base, const mpz_t e, const mpz_t mod)
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

void
thr_hash_u32(sha256_ctx *h, uint32_t v)
{
	uint8_t		b[4] = {(uint8_t) (v >> 24), (uint8_t) (v >> 16), (uint8_t) (v >> 8), (uint8_t) v};

	sha256_update(h, b, 4);
}

void
thr_vk_hash(const pai_pub *pk, const mpz_t vi, uint8_t out[THR_HASH_LEN])
{
	sha256_ctx	h;

	sha256_init(&h);
	hash_fixed(&h, vi, 2 * pk->nbytes);
	sha256_final(&h, out);
}

void
thr_key_digest(const pai_pub *pk, int kind, int t, int l, const mpz_t v,
		   const uint8_t vkh[][THR_HASH_LEN], uint8_t out[THR_HASH_LEN])
{
	sha256_ctx	h;
	int			j;

	sha256_init(&h);
	sha256_update(&h, DIGEST_DOMAIN, sizeof(DIGEST_DOMAIN));
	thr_hash_u32(&h, (uint32_t) kind);
	thr_hash_u32(&h, (uint32_t) t);
	thr_hash_u32(&h, (uint32_t) l);
	thr_hash_u32(&h, (uint32_t) pk->nbytes);
	hash_fixed(&h, pk->n, pk->nbytes);
	hash_fixed(&h, v, 2 * pk->nbytes);
	for (j = 0; j < l; j++)
		sha256_update(&h, vkh[j], THR_HASH_LEN);
	sha256_final(&h, out);
}

void
thr_proof_challenge(const pai_pub *pk, const uint8_t digest[THR_HASH_LEN], int index,
				const mpz_t c, const mpz_t ci, const mpz_t vi, const mpz_t a, const mpz_t b,
				uint8_t out[THR_HASH_LEN])
{
	sha256_ctx	h;
	size_t		w = 2 * pk->nbytes;

	sha256_init(&h);
	sha256_update(&h, PROOF_DOMAIN, sizeof(PROOF_DOMAIN));
	sha256_update(&h, digest, THR_HASH_LEN);
	thr_hash_u32(&h, (uint32_t) index);
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
#define SIEVE_PRIMES 1500			/* the odd primes 3 .. 12,569 */

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
	unsigned int res[SIEVE_PRIMES];
	const unsigned int *sieve_primes = prime_small_odd(SIEVE_PRIMES);
	mpz_t		base, tmp, qs[IFMA8_LANES], ps[IFMA8_LANES];
	int			passes[IFMA8_LANES],
				batch,
				found = 0,
				i;
	mpc_status	st = MPC_OK;

	if (bits < 16 || bits > PAI_MAX_BITS / 2)
		return mpc_fail(err, MPC_ERR_ARG, "safe prime size %zu is out of range", bits);
	/* with IFMA, eight sieved candidates p = 2q'+1 per base-2 Fermat call
	 * (constant time in them); without, one at a time as before */
	batch = ifma_available() ? IFMA8_LANES : 1;
	mpz_inits(base, tmp, NULL);
	for (i = 0; i < batch; i++)
		mpz_inits(qs[i], ps[i], NULL);
	while (!found && st == MPC_OK)
	{
		unsigned long delta = 0;
		int			top = 0;

		/* q' of qbits bits with its top two bits set, so p = 2q'+1 has
		 * exactly 'bits' bits with the top two set; q' odd */
		st = prime_random_start(base, qbits, err);
		if (st != MPC_OK)
			break;
		for (i = 0; i < SIEVE_PRIMES; i++)
			res[i] = (unsigned int) mpz_fdiv_ui(base, sieve_primes[i]);

		while (!found && !top && delta < (1UL << 24) && st == MPC_OK)
		{
			int			nc = 0;

			for (; nc < batch && delta < (1UL << 24); delta += 2)
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
				mpz_add_ui(qs[nc], base, delta);
				if (mpz_sizeinbase(qs[nc], 2) != qbits)
				{
					top = 1;	/* ran past the top: draw again */
					break;
				}
				mpz_mul_2exp(ps[nc], qs[nc], 1);
				mpz_add_ui(ps[nc], ps[nc], 1);
				nc++;
			}
			if (mpc_interrupted())
			{
				st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
				break;
			}
			if (batch == 1)
				passes[0] = nc == 1 && fermat2(ps[0], tmp);
			else if ((st = prime_fermat2_many(passes, (const mpz_t *) ps, (size_t) nc, err)) != MPC_OK)
				break;
			for (i = 0; i < nc && !found && st == MPC_OK; i++)
			{
				int			qpass = 0;

				if (!passes[i])
					continue;
				if (batch == 1)
					qpass = fermat2(qs[i], tmp);
				else
					st = prime_fermat2_many(&qpass, (const mpz_t *) &qs[i], 1, err);
				if (st == MPC_OK && qpass &&
					mpz_probab_prime_p(qs[i], 25) != 0 && mpz_probab_prime_p(ps[i], 25) != 0)
				{
					mpz_set(p, ps[i]);
					found = 1;
				}
			}
		}
	}
	mpc_wipe(res, sizeof(res));
	thr_wipe_clear(base);
	thr_wipe_clear(tmp);
	for (i = 0; i < batch; i++)
	{
		thr_wipe_clear(qs[i]);
		thr_wipe_clear(ps[i]);
	}
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
	thr_wipe_clear(h);
	return safe;
}

/* ---------------------------------------------------------------------
 * Dealing
 * --------------------------------------------------------------------- */
void
thr_keyshare_clear(thr_keyshare *ks)
{
	thr_wipe_clear(ks->s);
	mpz_clear(ks->v);
	mpz_clear(ks->vi);
	pai_pub_clear(&ks->pub);
	mpc_wipe(ks, sizeof(*ks));
}

void
thr_keyshare_init(thr_keyshare *ks, const pai_pub *pk)
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
		st = thr_rand_bits(v, 2 * pk->nbits + THR_STAT_BITS, err);
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
	xbits = thr_share_bits_max(pk->nbits, l, t) + thr_delta_bits(l);

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
		st = thr_rand_bits(coef[k], cbits, err);
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
		thr_keyshare_init(ks, pk);
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
		thr_vk_hash(pk, ks->vi, vkh[i - 1]);
	}
	thr_key_digest(pk, kind, t, l, v, (const uint8_t (*)[THR_HASH_LEN]) vkh, digest);
	for (i = 0; i < l; i++)
	{
		memcpy(shares[i].digest, digest, THR_HASH_LEN);
		memcpy(shares[i].vkh, vkh, (size_t) l * THR_HASH_LEN);
	}

out:
	if (st != MPC_OK)
		for (i = 0; i < done; i++)
			thr_keyshare_clear(&shares[i]);
	thr_wipe_clear(lambda);
	thr_wipe_clear(d);
	thr_wipe_clear(x);
	mpz_clear(delta);
	mpz_clear(v);
	for (k = 0; k < t; k++)
		thr_wipe_clear(coef[k]);
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
	mpc_powm_sec(w, ks->v, x, thr_share_bits_max(ks->pub.nbits, ks->l, ks->t) + thr_delta_bits(ks->l),
				 ks->pub.n2);
	ok = mpz_cmp(w, ks->vi) == 0;
	thr_wipe_clear(x);
	mpz_clear(w);
	if (!ok)
		return mpc_fail(err, MPC_ERR_KEY,
						"the share value does not match its verification key");
	return MPC_OK;
}

