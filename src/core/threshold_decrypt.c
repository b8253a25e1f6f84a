/*
 * threshold_decrypt.c: threshold Paillier decryption shares, their proofs
 * (single and batch verification) and combining (see threshold.h).
 */
#include "threshold_priv.h"

#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "ifma.h"
#include "serial.h"
#include "sha256.h"

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
	size_t		xbits = thr_share_bits_max(pk->nbits, ks->l, ks->t) + thr_delta_bits(ks->l);
	size_t		rbits = thr_mask_bits(pk->nbits, ks->l, ks->t);
	mpc_status	st;

	st = pai_check_ciphertext(pk, c, 1, err);
	if (st != MPC_OK)
		return st;
	mpz_inits(x, r, e4, NULL);
	st = thr_rand_bits(r, rbits, err);
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
	thr_proof_challenge(pk, ks->digest, ks->index, c, out->ci, ks->vi, out->a, out->b, ebuf);
	/* z = r + e x over the integers */
	ser_from_bytes(e4, ebuf, THR_HASH_LEN);
	mpz_mul(out->z, e4, x);
	mpz_add(out->z, out->z, r);

out:
	thr_wipe_clear(x);
	thr_wipe_clear(r);
	thr_wipe_clear(e4);
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

	thr_proof_challenge(&ds->pub, ds->digest, ds->index, ds->c, ds->ci, ds->vi, ds->a, ds->b, h);
	ser_from_bytes(e, h, THR_HASH_LEN);
}

/* out = x * y^k mod n^2 */
static void
mul_pow(mpz_t out, const mpz_t x, const mpz_t y, const mpz_t k, const mpz_t n2, mpz_t tmp)
{
	thr_powm_public(tmp, y, k, n2);
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
	thr_powm_public(lhs, ds->c, t1, pk->n2);
	mpz_mul(ci2, ds->ci, ds->ci);
	mpz_mod(ci2, ci2, pk->n2);
	mul_pow(rhs, ds->a, ci2, e, pk->n2, t1);
	ok = mpz_cmp(lhs, rhs) == 0;
	/* v^z = b v_i^e */
	if (ok)
	{
		thr_powm_public(lhs, ds->v, ds->z, pk->n2);
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

		thr_proof_challenge(&ds[j]->pub, ds[j]->digest, ds[j]->index, ds[j]->c, ds[j]->ci,
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
		thr_hash_u32(&h, (uint32_t) j);
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
	thr_powm_public(lhs, ds[0]->c, t1, pk->n2);
	mpz_mul(rc, rc, rc);
	mpz_mod(rc, rc, pk->n2);
	if (mpz_cmp(lhs, rc) != 0)
		st = mpc_fail(err, MPC_ERR_CIPHERTEXT, "a proof in the batch does not verify");
	if (st == MPC_OK)
	{
		mpz_mul_2exp(t1, zsum, 1);
		if (vt == NULL || mpz_sizeinbase(t1, 2) > vt->maxbits ||
			fb_pow_vartime(vt, lhs, t1, err) != MPC_OK)
			thr_powm_public(lhs, ds[0]->v, t1, pk->n2);
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

