/*
 * protocol_vec.c: the Paillier arithmetic of paper-mode private EigenTrust
 * on ciphertext vectors (see protocol.h): encryption, the homomorphic sum,
 * a party's vector, decryption by one key or by threshold shares.
 */
#include "protocol.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "encoding.h"
#include "fixedbase.h"
#include "ifma8.h"
#include "packing.h"
#include "serial.h"

size_t
pet_vec_bytes(const pai_pub *pk, uint32_t count)
{
	uint64_t	len = PET_VEC_HDR + (uint64_t) count * 2 * pk->nbytes;

	return len > (uint64_t) (SIZE_MAX / 2) ? 0 : (size_t) len;
}

void
pet_vec_init(unsigned char *v, const pai_pub *pk, int scale, uint32_t count)
{
	pet_vec_hdr h;

	memset(&h, 0, sizeof(h));
	h.kind = PET_KIND_PLAIN;
	h.scale = scale;
	h.count = count;
	h.nct = count;
	h.nbytes = (uint32_t) pk->nbytes;
	memcpy(h.fp, pk->fp, PAI_FP_LEN);
	pet_vec_write_hdr(&h, v);
}

void
pet_vec_get(const unsigned char *v, const pet_vec_hdr *h, uint32_t k, mpz_t c)
{
	ser_from_bytes(c, v + PET_VEC_HDR + (size_t) k * 2 * h->nbytes, 2 * (size_t) h->nbytes);
}

mpc_status
pet_vec_put(unsigned char *v, const pai_pub *pk, uint32_t k, const mpz_t c, mpc_error *err)
{
	return ser_to_bytes_fixed(c, v + PET_VEC_HDR + (size_t) k * 2 * pk->nbytes,
							  2 * pk->nbytes, err);
}

/* An int64 as a signed mpz. */
void
pet_set_i64(mpz_t x, int64_t v)
{
	uint64_t	u = v < 0 ? (uint64_t) (-(v + 1)) + 1 : (uint64_t) v;

	mpz_set_ui(x, (unsigned long) (u >> 32));
	mpz_mul_2exp(x, x, 32);
	mpz_add_ui(x, x, (unsigned long) (u & 0xffffffffu));
	if (v < 0)
		mpz_neg(x, x);
}

/* Batches of PET_BATCH: pai_djn_encrypt_many and pai_decrypt_many run them
 * eight at a time on the multi-buffer IFMA products where the CPU has them. */
#define PET_BATCH 64

mpc_status
pet_vec_encrypt(const pai_pub *pk, const pai_djn *djn, const int64_t *vals, uint32_t n,
				int scale, unsigned char *v, mpc_error *err)
{
	mpz_t		x,
				ms[PET_BATCH],
				cs[PET_BATCH];
	mpc_status	st = MPC_OK;

	if ((st = enc_check_scale(scale, err)) != MPC_OK)
		return st;
	pet_vec_init(v, pk, scale, n);
	mpz_init(x);
	for (int j = 0; j < PET_BATCH; j++)
		mpz_inits(ms[j], cs[j], NULL);
	for (uint32_t i0 = 0; i0 < n && st == MPC_OK; i0 += PET_BATCH)
	{
		uint32_t	k = n - i0 < PET_BATCH ? n - i0 : PET_BATCH;

		if (mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		for (uint32_t j = 0; j < k && st == MPC_OK; j++)
		{
			pet_set_i64(x, vals[i0 + j]);
			st = enc_to_residue(pk, ms[j], x, err);
		}
		if (st == MPC_OK)
			st = pai_djn_encrypt_many(pk, djn, cs, (const mpz_t *) ms, (size_t) k, err);
		for (uint32_t j = 0; j < k && st == MPC_OK; j++)
			st = pet_vec_put(v, pk, i0 + j, cs[j], err);
	}
	for (int j = 0; j < PET_BATCH; j++)
	{
		mpc_wipe(ms[j]->_mp_d, (size_t) ms[j]->_mp_alloc * sizeof(mp_limb_t));
		mpz_clears(ms[j], cs[j], NULL);
	}
	mpz_clear(x);
	return st;
}

mpc_status
pet_vec_product(const pai_pub *pk, const unsigned char *const *vecs, const size_t *lens,
				int k, unsigned char *out, mpc_error *err)
{
	pet_vec_hdr h0,
				h;
	mpz_t		acc,
				c;
	mpc_status	st;

	if (k < 1)
		return mpc_fail(err, MPC_ERR_ARG, "no vectors to combine");
	if ((st = pet_vec_read_hdr(&h0, vecs[0], lens[0], pk, err)) != MPC_OK)
		return st;
	for (int a = 1; a < k; a++)
	{
		if ((st = pet_vec_read_hdr(&h, vecs[a], lens[a], pk, err)) != MPC_OK)
			return st;
		if (h.kind != h0.kind || h.slot_bits != h0.slot_bits || h.scale != h0.scale ||
			h.count != h0.count || h.nct != h0.nct)
			return mpc_fail(err, MPC_ERR_ARG, "vector %d has another shape than vector 1", a + 1);
	}
	pet_vec_write_hdr(&h0, out);
	mpz_inits(acc, c, NULL);
	for (uint32_t q = 0; q < h0.nct && st == MPC_OK; q++)
	{
		if ((q & 15) == 0 && mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		mpz_set_ui(acc, 1);
		for (int a = 0; a < k && st == MPC_OK; a++)
		{
			pet_vec_get(vecs[a], &h0, q, c);
			st = pai_check_ciphertext(pk, c, 0, err);
			mpz_mul(acc, acc, c);
			mpz_mod(acc, acc, pk->n2);
		}
		if (st == MPC_OK)
			st = pet_vec_put(out, pk, q, acc, err);
	}
	mpz_clears(acc, c, NULL);
	return st;
}

/* A signed value at scale as an int64 at out_scale: round half away from
 * zero (s is overwritten). */
static mpc_status
round_value(mpz_t s, int scale, int out_scale, int64_t *out, mpc_error *err)
{
	mpz_t		div,
				half;
	mpc_status	st = MPC_OK;

	mpz_inits(div, half, NULL);
	mpz_ui_pow_ui(div, 10, (unsigned long) (scale - out_scale));
	mpz_fdiv_q_2exp(half, div, 1);
	if (mpz_sgn(s) >= 0)
		mpz_add(s, s, half);
	else
		mpz_sub(s, s, half);
	mpz_tdiv_q(s, s, div);
	if (!mpz_fits_slong_p(s) || sizeof(long) < 8)
		st = mpc_fail(err, MPC_ERR_OVERFLOW, "a value does not fit in bigint");
	else
		*out = (int64_t) mpz_get_si(s);
	mpz_clears(div, half, NULL);
	return st;
}

/* The values of decrypted ciphertext q (residue m) of a vector with header
 * h, at out_scale, into vals (indexed by value): one value (kind 1) or the
 * ciphertext's slots (kind 3). */
static mpc_status
ct_values(const pai_pub *pk, const pet_vec_hdr *h, uint32_t q, const mpz_t m, int out_scale,
		  int64_t *vals, mpc_error *err)
{
	uint32_t	S = h->kind == PET_KIND_SLOTS ? (h->count + h->nct - 1) / h->nct : 1,
				first = q * S,
				k = h->count - first < S ? h->count - first : S;
	mpz_t	   *v = calloc(k, sizeof(mpz_t));
	mpc_status	st;

	if (v == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	for (uint32_t s = 0; s < k; s++)
		mpz_init(v[s]);
	if (h->kind == PET_KIND_SLOTS)
		st = pack_decode(pk, v, m, k, (unsigned) h->slot_bits, err);
	else
		st = enc_from_residue(pk, v[0], m, err);
	for (uint32_t s = 0; s < k && st == MPC_OK; s++)
		st = round_value(v[s], h->scale, out_scale, &vals[first + s], err);
	for (uint32_t s = 0; s < k; s++)
		mpz_clear(v[s]);
	free(v);
	return st;
}

mpc_status
pet_vec_decrypt(const pai_priv *sk, const unsigned char *v, size_t len, int out_scale,
				int64_t *vals, mpc_error *err)
{
	pet_vec_hdr h;
	mpz_t		cs[PET_BATCH],
				ms[PET_BATCH];
	mpc_status	st;

	if ((st = pet_vec_read_hdr(&h, v, len, &sk->pub, err)) != MPC_OK)
		return st;
	if (out_scale < 0 || out_scale > h.scale)
		return mpc_fail(err, MPC_ERR_ARG,
						"out_scale must be between 0 and the vector's scale %d", h.scale);
	for (int j = 0; j < PET_BATCH; j++)
		mpz_inits(cs[j], ms[j], NULL);
	for (uint32_t q0 = 0; q0 < h.nct && st == MPC_OK; q0 += PET_BATCH)
	{
		uint32_t	k = h.nct - q0 < PET_BATCH ? h.nct - q0 : PET_BATCH;

		if (mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		for (uint32_t j = 0; j < k && st == MPC_OK; j++)
		{
			pet_vec_get(v, &h, q0 + j, cs[j]);
			st = pai_check_ciphertext(&sk->pub, cs[j], 1, err);
		}
		if (st == MPC_OK)
			st = pai_decrypt_many(sk, ms, (const mpz_t *) cs, (size_t) k, err);
		for (uint32_t j = 0; j < k && st == MPC_OK; j++)
			st = ct_values(&sk->pub, &h, q0 + j, ms[j], out_scale, vals, err);
	}
	for (int j = 0; j < PET_BATCH; j++)
	{
		mpc_wipe(ms[j]->_mp_d, (size_t) ms[j]->_mp_alloc * sizeof(mp_limb_t));
		mpz_clears(cs[j], ms[j], NULL);
	}
	return st;
}

mpc_status
pet_vec_thr_decrypt(const pai_pub *pk, const unsigned char *v, size_t len, thr_decshare *ds,
					int m, int thr, int out_scale, int64_t *vals, int *first_bad, int *nbad,
					uint32_t *bad_ct, mpc_error *err)
{
	pet_vec_hdr h;
	const thr_decshare **sel;
	mpz_t		c,
				pm;
	mpc_status	st;

	*first_bad = 0;
	*nbad = 0;
	if ((st = pet_vec_read_hdr(&h, v, len, pk, err)) != MPC_OK)
		return st;
	if (h.nct == 0)
		return mpc_fail(err, MPC_ERR_ARG, "only non-empty vectors can be decrypted");
	if (out_scale < 0 || out_scale > h.scale)
		return mpc_fail(err, MPC_ERR_ARG,
						"out_scale must be between 0 and the vector's scale %d", h.scale);
	if (m < thr)
		return mpc_fail(err, MPC_ERR_ARG, "%d answers given, the key needs %d", m, thr);
	sel = calloc((size_t) m, sizeof(*sel));
	if (sel == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	mpz_inits(c, pm, NULL);
	for (uint32_t q = 0; q < h.nct && st == MPC_OK; q++)
	{
		int			good = 0,
					k = 0;

		pet_vec_get(v, &h, q, c);
		for (;;)
		{
			int			bad_index = 0;

			/* candidates in answer order that pass the checks needing no
			 * proof: the key, its dealing, this very ciphertext, a new index */
			while (good < thr && k < m)
			{
				const thr_decshare *x = &ds[(size_t) k * h.nct + q];
				int			fits = x->index > 0 && pai_same_key(&x->pub, pk) && x->t == thr &&
					mpz_cmp(x->c, c) == 0 &&
					(good == 0 || (memcmp(x->digest, sel[0]->digest, THR_HASH_LEN) == 0 &&
								   x->l == sel[0]->l && x->kind == sel[0]->kind));

				for (int j = 0; fits && j < good; j++)
					if (sel[j]->index == x->index)
						fits = 0;
				k++;
				if (!fits)
				{
					if (x->index > 0)
					{
						(*nbad)++;
						if (!*first_bad)
							*first_bad = x->index;
					}
					continue;
				}
				sel[good++] = x;
			}
			if (good < thr)
				break;
			st = thr_combine(sel, (size_t) good, 1, pm, &bad_index, err);
			if (st != MPC_ERR_CIPHERTEXT || bad_index <= 0)
				break;
			st = MPC_OK;
			(*nbad)++;
			if (!*first_bad)
				*first_bad = bad_index;
			for (int j = 0; j < good; j++)
				if (sel[j]->index == bad_index)
				{
					memmove(&sel[j], &sel[j + 1], sizeof(sel[0]) * (size_t) (good - j - 1));
					good--;
					break;
				}
		}
		if (st != MPC_OK)
			break;
		if (good < thr)
		{
			*bad_ct = q;
			st = mpc_fail(err, MPC_ERR_CIPHERTEXT,
						  "%d valid decryption shares of ciphertext %u were given, the key needs %d",
						  good, q + 1, thr);
			break;
		}
		st = ct_values(pk, &h, q, pm, out_scale, vals, err);
		if (st == MPC_OK && mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
	mpz_clears(c, pm, NULL);
	free(sel);
	return st;
}
