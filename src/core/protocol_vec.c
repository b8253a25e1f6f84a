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
static void
set_i64(mpz_t x, int64_t v)
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
			set_i64(x, vals[i0 + j]);
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

/* c_ij at scale PET_SCALE_C */
static uint64_t
c_fixed(double w)
{
	return (uint64_t) llround(w * (double) PET_ONE_C);
}

/* A fixed-base table for base and count exponents below 2^ebits in *tbuf
 * (grown as needed, 64-byte aligned). */
static mpc_status
row_table(const pai_pub *pk, const mpz_t base, unsigned ebits, size_t count, void **tbuf,
		  size_t *tbuf_len, fb_table *fbt, mpc_error *err)
{
	unsigned	w = fb_best_window(ebits, count, 8, 0.05);
	size_t		tb = fb_table_bytes(mpz_sizeinbase(pk->n2, 2), ebits, w);

	if (tb == 0)
		return mpc_fail(err, MPC_ERR_ARG, "no fixed-base table for %u-bit exponents", ebits);
	if (tb > *tbuf_len)
	{
		free(*tbuf);
		*tbuf = aligned_alloc(64, (tb + 63) & ~(size_t) 63);
		*tbuf_len = *tbuf ? tb : 0;
		if (*tbuf == NULL)
			return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	}
	return fb_table_init(fbt, *tbuf, *tbuf_len, base, pk->n2, ebits, w, err);
}

static unsigned
bits_of(uint64_t v)
{
	unsigned	b = 1;

	while (b < 64 && (v >> b) != 0)
		b++;
	return b;
}

/* acc[j] = acc[j] x mod n^2, or x when has[j] is still 0 */
static void
acc_mul(const pai_pub *pk, mpz_t *acc, unsigned char *has, uint32_t j, const mpz_t x)
{
	if (has[j])
	{
		mpz_mul(acc[j], acc[j], x);
		mpz_mod(acc[j], acc[j], pk->n2);
	}
	else
	{
		mpz_set(acc[j], x);
		has[j] = 1;
	}
}

/*
 * A party's products before re-randomisation: acc[j] (has[j] = 1) is the
 * product over its rows of Enc(t_i)^(c_ij) times Enc(its dangling mass)^(p_j);
 * has[j] = 0 where the product is empty (acc[j] then stays 0).
 */
static mpc_status
party_products(const pai_pub *pk, const pet_edge *e, size_t kept, const uint32_t *hosted,
			   const unsigned char *dangling, size_t nrows, const unsigned char *enc_t,
			   size_t enc_len, const int64_t *p, uint32_t n, mpz_t *acc, unsigned char *has,
			   mpc_error *err)
{
	pet_vec_hdr h;
	mpz_t		base,
				tmp,
				x,
				dct;
	int			any_dangling = 0;
	void	   *tbuf = NULL;
	size_t		tbuf_len = 0;
	fb_table	fbt;
	mpc_status	st;

	if ((st = pet_vec_read_hdr(&h, enc_t, enc_len, pk, err)) != MPC_OK)
		return st;
	if (h.kind != PET_KIND_PLAIN || h.count != n || h.scale != PET_SCALE_T)
		return mpc_fail(err, MPC_ERR_ARG, "the encrypted trust vector must hold %u values at scale %d",
						n, PET_SCALE_T);
	mpz_inits(base, tmp, x, dct, NULL);
	mpz_set_ui(dct, 1);
	/* edges are sorted by truster: one constant-time fixed-base table per
	 * Enc(t_i) serves its row (the exponents c_ij are the party's secrets) */
	for (size_t a = 0; a < kept && st == MPC_OK;)
	{
		uint32_t	i = e[a].i;
		size_t		end = a;
		uint64_t	maxc = 0;

		while (end < kept && e[end].i == i)
		{
			uint64_t	cf = c_fixed(e[end].w);

			maxc = maxc > cf ? maxc : cf;
			end++;
		}
		pet_vec_get(enc_t, &h, i, base);
		if ((st = pai_check_ciphertext(pk, base, 1, err)) != MPC_OK ||
			(st = row_table(pk, base, bits_of(maxc), end - a, &tbuf, &tbuf_len, &fbt, err)) != MPC_OK)
			break;
		for (; a < end && st == MPC_OK; a++)
		{
			uint64_t	cf = c_fixed(e[a].w);

			if (cf == 0)
				continue;
			set_i64(x, (int64_t) cf);
			if ((st = fb_pow(&fbt, tmp, x, err)) != MPC_OK)
				break;
			acc_mul(pk, acc, has, e[a].j, tmp);
		}
		if (st == MPC_OK && mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
	/* dangling hosted rows: Enc(sum t_i)^(p_j) */
	for (size_t r = 0; r < nrows && st == MPC_OK; r++)
		if (dangling[r])
		{
			pet_vec_get(enc_t, &h, hosted[r], base);
			if ((st = pai_check_ciphertext(pk, base, 1, err)) != MPC_OK)
				break;
			mpz_mul(dct, dct, base);
			mpz_mod(dct, dct, pk->n2);
			any_dangling = 1;
		}
	if (any_dangling && st == MPC_OK)
	{
		/* p is public: one table for Enc(dangling mass), and a power is
		 * reused while p_j repeats (uniform pre-trust: one power) */
		uint64_t	maxp = 0;
		size_t		count = 0;
		int64_t		last = 0;

		for (uint32_t j = 0; j < n; j++)
			if (p[j] > 0)
			{
				maxp = maxp > (uint64_t) p[j] ? maxp : (uint64_t) p[j];
				count++;
			}
		if (count > 0)
			st = row_table(pk, dct, bits_of(maxp), count, &tbuf, &tbuf_len, &fbt, err);
		for (uint32_t j = 0; j < n && st == MPC_OK; j++)
		{
			if (p[j] <= 0)
				continue;
			if (p[j] != last)
			{
				set_i64(x, p[j]);
				if ((st = fb_pow(&fbt, base, x, err)) != MPC_OK)
					break;
				last = p[j];
			}
			acc_mul(pk, acc, has, j, base);
			if ((j & 63) == 0 && mpc_interrupted())
				st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		}
	}
	free(tbuf);
	mpz_clears(base, tmp, x, dct, NULL);
	return st;
}

/* acc[0..n) and has[0..n) for party_products, or NULL */
static mpz_t *
acc_alloc(uint32_t n, unsigned char **has)
{
	mpz_t	   *acc = calloc(n ? n : 1, sizeof(mpz_t));

	*has = calloc(n ? n : 1, 1);
	if (acc == NULL || *has == NULL)
	{
		free(acc);
		free(*has);
		return NULL;
	}
	for (uint32_t j = 0; j < n; j++)
		mpz_init(acc[j]);
	return acc;
}

static void
acc_free(mpz_t *acc, unsigned char *has, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++)
		mpz_clear(acc[j]);
	free(acc);
	free(has);
}

mpc_status
pet_party_vector(const pai_pub *pk, const pai_djn *djn, const pet_edge *e, size_t kept,
				 const uint32_t *hosted, const unsigned char *dangling, size_t nrows,
				 const unsigned char *enc_t, size_t enc_len, const int64_t *p, uint32_t n,
				 unsigned char *out, mpc_error *err)
{
	unsigned char *has;
	mpz_t	   *acc = acc_alloc(n, &has);
	mpz_t		tmp;
	mpc_status	st;

	if (acc == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	st = party_products(pk, e, kept, hosted, dangling, nrows, enc_t, enc_len, p, n, acc, has, err);
	mpz_init(tmp);
	/* one re-randomisation per j, so untouched columns leave as fresh Enc(0) */
	if (st == MPC_OK)
		pet_vec_init(out, pk, PET_SCALE_TC, n);
	for (uint32_t j = 0; j < n && st == MPC_OK; j++)
	{
		if ((st = pai_djn_noise(pk, djn, tmp, err)) != MPC_OK)
			break;
		if (has[j])
		{
			mpz_mul(tmp, tmp, acc[j]);
			mpz_mod(tmp, tmp, pk->n2);
		}
		st = pet_vec_put(out, pk, j, tmp, err);
		if (st == MPC_OK && (j & 15) == 0 && mpc_interrupted())
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
	}
	mpz_clear(tmp);
	acc_free(acc, has, n);
	return st;
}

unsigned
pet_slot_bits(uint32_t np)
{
	return PET_SLOT_VALUE_BITS + 1 + pack_headroom_bits(np ? np : 1);
}

size_t
pet_slots_bytes(const pai_pub *pk, uint32_t count, unsigned slot_bits, uint32_t *nct)
{
	size_t		smax = pack_max_slots(pk, slot_bits);

	*nct = 0;
	if (smax == 0 || count == 0 || slot_bits > 255)
		return 0;
	*nct = (uint32_t) (((uint64_t) count + smax - 1) / smax);
	return pet_vec_bytes(pk, *nct);
}

/*
 * out[q] = prod_s x[q S + s]^(2^(b s)) mod n^2 for q < nct, an x[j] with
 * j >= count or has[j] = 0 counting as 1: Horner's rule, one slot shift
 * (b squarings) and one product per value.  Eight ciphertexts at a time on
 * the multi-buffer IFMA products where the CPU has them (ifma8_horner_limbs;
 * b and the layout are public), else GMP.
 */
static mpc_status
slots_horner(const pai_pub *pk, mpz_t *x, const unsigned char *has, uint32_t count, uint32_t S,
			 uint32_t nct, unsigned b, mpz_t *out, mpc_error *err)
{
	size_t		nl = mpz_size(pk->n2),
				nbits = mpz_sizeinbase(pk->n2, 2);
	int			fast = ifma_available() && ifma_digits(nbits) != 0;
	mp_limb_t  *buf = NULL;
	const mp_limb_t **xp = NULL;
	mp_limb_t  *rp[IFMA8_LANES];
	const mp_limb_t *mp[IFMA8_LANES];
	mpz_t		shift;
	mpc_status	st = MPC_OK;

	if (fast)
	{
		/* S x 8 zero-padded inputs, 8 results, and the number 1 */
		buf = calloc(((size_t) S + 1) * IFMA8_LANES * nl + nl, sizeof(mp_limb_t));
		xp = calloc((size_t) S * IFMA8_LANES, sizeof(*xp));
		if (buf == NULL || xp == NULL)
		{
			free(buf);
			free(xp);
			return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
		}
		buf[((size_t) S + 1) * IFMA8_LANES * nl] = 1;
		for (int l = 0; l < IFMA8_LANES; l++)
		{
			rp[l] = buf + ((size_t) S * IFMA8_LANES + l) * nl;
			mp[l] = mpz_limbs_read(pk->n2);
		}
	}
	mpz_init(shift);
	mpz_setbit(shift, b);
	for (uint32_t q0 = 0; q0 < nct && st == MPC_OK; q0 += IFMA8_LANES)
	{
		uint32_t	lanes = nct - q0 < IFMA8_LANES ? nct - q0 : IFMA8_LANES;

		if (mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			break;
		}
		if (fast && lanes >= 4)
		{
			const mp_limb_t *one = buf + ((size_t) S + 1) * IFMA8_LANES * nl;

			/* spare lanes repeat lane 0 and are dropped */
			for (uint32_t s = 0; s < S; s++)
				for (uint32_t l = 0; l < IFMA8_LANES; l++)
				{
					uint64_t	j = (uint64_t) (q0 + (l < lanes ? l : 0)) * S + s;
					mp_limb_t  *xl = buf + ((size_t) s * IFMA8_LANES + l) * nl;

					if (j < count && has[j])
					{
						mpc_limbs_of_mpz(xl, x[j], nl);
						xp[s * IFMA8_LANES + l] = xl;
					}
					else
						xp[s * IFMA8_LANES + l] = one;
				}
			st = ifma8_horner_limbs(rp, xp, S, b, mp, nl, nbits, err);
			for (uint32_t l = 0; l < lanes && st == MPC_OK; l++)
				mpc_ct_mpz_set_limbs(out[q0 + l], rp[l], nl);
			continue;
		}
		for (uint32_t l = 0; l < lanes; l++)
		{
			mpz_set_ui(out[q0 + l], 1);
			for (uint32_t s = S; s-- > 0;)
			{
				uint64_t	j = (uint64_t) (q0 + l) * S + s;

				if (s + 1 < S)
					mpz_powm(out[q0 + l], out[q0 + l], shift, pk->n2);
				if (j < count && has[j])
				{
					mpz_mul(out[q0 + l], out[q0 + l], x[j]);
					mpz_mod(out[q0 + l], out[q0 + l], pk->n2);
				}
			}
		}
	}
	mpz_clear(shift);
	free(buf);
	free(xp);
	return st;
}

mpc_status
pet_party_vector_packed(const pai_pub *pk, const pai_djn *djn, const pet_edge *e, size_t kept,
						const uint32_t *hosted, const unsigned char *dangling, size_t nrows,
						const unsigned char *enc_t, size_t enc_len, const int64_t *p, uint32_t n,
						uint32_t np, unsigned char *out, mpc_error *err)
{
	unsigned	b = pet_slot_bits(np);
	uint32_t	nct,
				S;
	unsigned char *has;
	mpz_t	   *acc,
			   *packed;
	mpz_t		tmp;
	pet_vec_hdr h;
	mpc_status	st;

	if (pet_slots_bytes(pk, n, b, &nct) == 0)
		return mpc_fail(err, MPC_ERR_ARG, "no slot layout of %u-bit slots for %u values under this key",
						b, n);
	S = (uint32_t) (((uint64_t) n + nct - 1) / nct);
	if ((acc = acc_alloc(n, &has)) == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	packed = calloc(nct, sizeof(mpz_t));
	if (packed == NULL)
	{
		acc_free(acc, has, n);
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	}
	for (uint32_t q = 0; q < nct; q++)
		mpz_init(packed[q]);
	mpz_init(tmp);
	st = party_products(pk, e, kept, hosted, dangling, nrows, enc_t, enc_len, p, n, acc, has, err);
	if (st == MPC_OK)
		st = slots_horner(pk, acc, has, n, S, nct, b, packed, err);
	if (st == MPC_OK)
	{
		memset(&h, 0, sizeof(h));
		h.kind = PET_KIND_SLOTS;
		h.slot_bits = (int) b;
		h.scale = PET_SCALE_TC;
		h.count = n;
		h.nct = nct;
		h.nbytes = (uint32_t) pk->nbytes;
		memcpy(h.fp, pk->fp, PAI_FP_LEN);
		pet_vec_write_hdr(&h, out);
	}
	/* one re-randomisation per ciphertext: each leaves as a fresh encryption */
	for (uint32_t q = 0; q < nct && st == MPC_OK; q++)
	{
		if ((st = pai_djn_noise(pk, djn, tmp, err)) != MPC_OK)
			break;
		mpz_mul(tmp, tmp, packed[q]);
		mpz_mod(tmp, tmp, pk->n2);
		st = pet_vec_put(out, pk, q, tmp, err);
	}
	mpz_clear(tmp);
	for (uint32_t q = 0; q < nct; q++)
		mpz_clear(packed[q]);
	free(packed);
	acc_free(acc, has, n);
	return st;
}
