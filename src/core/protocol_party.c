/*
 * protocol_party.c: a party's vector in paper-mode private EigenTrust (see
 * protocol.h): the homomorphic products of Enc(t) with the party's rows,
 * one ciphertext per value (pet_party_vector) or packed into slots
 * (pet_party_vector_packed).  The vector format, encryption, the sum and
 * decryption are in protocol_vec.c.
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
			pet_set_i64(x, (int64_t) cf);
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
				pet_set_i64(x, p[j]);
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
