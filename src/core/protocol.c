/*
 * protocol.c: see protocol.h.
 */
#include "protocol.h"
#include "ifma.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * A party's local rows
 * --------------------------------------------------------------------- */
static int
cmp_edge(const void *a, const void *b)
{
	const pet_edge *x = a;
	const pet_edge *y = b;

	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	if (x->j != y->j)
		return x->j < y->j ? -1 : 1;
	/* by value too, so the duplicate sum does not depend on input order */
	if (x->w != y->w)
		return x->w < y->w ? -1 : 1;
	return 0;
}

mpc_status
pet_rows_build(pet_edge *e, size_t m, size_t *kept, uint32_t *hosted,
			   unsigned char *dangling, size_t *nrows, mpc_error *err)
{
	size_t		out = 0,
				rows = 0,
				k = 0;

	for (size_t x = 0; x < m; x++)
		if (!isfinite(e[x].w))
			return mpc_fail(err, MPC_ERR_ARG, "a rating is not a finite number");
	if (m > 1)
		qsort(e, m, sizeof(pet_edge), cmp_edge);
	while (k < m)
	{
		uint32_t	i = e[k].i;
		size_t		row_start = out;
		double		total = 0;

		/* one truster: sum each (i, j) group, keep positive sums */
		while (k < m && e[k].i == i)
		{
			uint32_t	j = e[k].j;
			double		s = 0;

			while (k < m && e[k].i == i && e[k].j == j)
				s += e[k++].w;
			if (j != i && s > 0)
			{
				e[out].i = i;
				e[out].j = j;
				e[out].w = s;
				out++;
				total += s;
			}
		}
		if (!isfinite(total))
			return mpc_fail(err, MPC_ERR_OVERFLOW, "a truster's ratings sum to more than the largest double");
		for (size_t x = row_start; x < out; x++)
			e[x].w /= total;
		hosted[rows] = i;
		dangling[rows] = out == row_start;
		rows++;
	}
	*kept = out;
	*nrows = rows;
	return MPC_OK;
}

/* ---------------------------------------------------------------------
 * Fixed-base randomiser
 * --------------------------------------------------------------------- */
#define PET_MAX_W 8

size_t
pet_rand_entries(size_t nbits, size_t uses, unsigned *w_out)
{
	size_t		ebits = (nbits + 1) / 2;
	unsigned	best = 1;
	double		best_cost = -1;

	for (unsigned w = 1; w <= PET_MAX_W; w++)
	{
		double		windows = (double) ((ebits + w - 1) / w);
		double		cost = windows * ((double) (1u << w) - 2 + w) + (double) uses * windows;

		if (best_cost < 0 || cost < best_cost)
		{
			best_cost = cost;
			best = w;
		}
	}
	*w_out = best;
	return ((ebits + best - 1) / best) << best;
}

mpc_status
pet_rand_init(pet_rand *r, const pai_pub *pk, mpz_t *tab, unsigned w, mpc_error *err)
{
	size_t		ebits = (pk->nbits + 1) / 2;
	size_t		windows,
				per;
	mpz_t		x;
	mpc_status	st;

	if (w < 1 || w > PET_MAX_W)
		return mpc_fail(err, MPC_ERR_ARG, "window width must be between 1 and %d", PET_MAX_W);
	windows = (ebits + w - 1) / w;
	per = (size_t) 1 << w;
	mpz_init_set(r->n2, pk->n2);
	r->tab = tab;
	r->windows = windows;
	r->w = w;
	r->ebits = ebits;
	for (size_t k = 0; k < windows * per; k++)
		mpz_init(tab[k]);

	/* hs = h^n with h = -x^2 mod n: an encryption of 0 whose randomness
	 * generates the subgroup that DJN draws from */
	mpz_init(x);
	st = pai_random_unit(pk, x, err);
	if (st == MPC_OK)
	{
		mpz_mul(x, x, x);
		mpz_mod(x, x, pk->n);
		mpz_sub(x, pk->n, x);
		mpc_powm_sec(tab[1], x, pk->n, mpz_sizeinbase(pk->n, 2), pk->n2);
	}
	mpz_clear(x);
	if (st != MPC_OK)
	{
		pet_rand_clear(r);
		return st;
	}
	for (size_t k = 0; k < windows; k++)
	{
		mpz_t	   *row = tab + k * per;

		mpz_set_ui(row[0], 1);
		if (k > 0)
		{
			/* row[1] = previous row's base^(2^w) */
			mpz_t	   *prev = tab + (k - 1) * per;

			mpz_set(row[1], prev[1]);
			for (unsigned s = 0; s < w; s++)
			{
				mpz_mul(row[1], row[1], row[1]);
				mpz_mod(row[1], row[1], pk->n2);
			}
		}
		for (size_t d = 2; d < per; d++)
		{
			mpz_mul(row[d], row[d - 1], row[1]);
			mpz_mod(row[d], row[d], pk->n2);
		}
		if (mpc_interrupted())
		{
			pet_rand_clear(r);
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		}
	}
	return MPC_OK;
}

void
pet_rand_clear(pet_rand *r)
{
	size_t		per = (size_t) 1 << r->w;

	if (r->tab != NULL)
		for (size_t k = 0; k < r->windows * per; k++)
			mpz_clear(r->tab[k]);
	r->tab = NULL;
	mpz_clear(r->n2);
}

mpc_status
pet_rand_zero(const pet_rand *r, mpz_t out, mpc_error *err)
{
	unsigned char a[PAI_MAX_BITS / 16 + 8];
	size_t		abytes = (r->ebits + 7) / 8;
	size_t		per = (size_t) 1 << r->w;
	int			first = 1;
	mpc_status	st;

	st = mpc_random_bytes(a, abytes, err);
	if (st != MPC_OK)
		return st;
	/* a is read little-endian bit by bit; window k covers bits [k w, k w + w) */
	for (size_t k = 0; k < r->windows; k++)
	{
		unsigned	d = 0;

		for (unsigned b = 0; b < r->w; b++)
		{
			size_t		bit = k * r->w + b;

			if (bit < r->ebits && (a[bit / 8] >> (bit % 8)) & 1)
				d |= 1u << b;
		}
		if (d == 0)
			continue;
		if (first)
		{
			mpz_set(out, r->tab[k * per + d]);
			first = 0;
		}
		else
		{
			mpz_mul(out, out, r->tab[k * per + d]);
			mpz_mod(out, out, r->n2);
		}
	}
	if (first)
		mpz_set_ui(out, 1);		/* a = 0: probability 2^-1024 */
	mpc_wipe(a, abytes);
	return MPC_OK;
}

mpc_status
pet_encrypt(const pai_pub *pk, const pet_rand *r, mpz_t c, const mpz_t m, mpc_error *err)
{
	mpz_t		x,
				t;
	mpc_status	st;

	if (mpz_sgn(m) < 0 || mpz_cmp(m, pk->n) >= 0)
		return mpc_fail(err, MPC_ERR_ARG, "plaintext is not in the range 0 <= m < n");
	if (mpz_cmp(r->n2, pk->n2) != 0)
		return mpc_fail(err, MPC_ERR_KEY_MISMATCH, "randomiser table belongs to another key");
	mpz_inits(x, t, NULL);
	st = pet_rand_zero(r, x, err);
	if (st == MPC_OK)
	{
		mpz_mul(t, m, pk->n);
		mpz_add_ui(t, t, 1);
		mpz_mul(c, t, x);
		mpz_mod(c, c, pk->n2);
	}
	mpz_clears(x, t, NULL);
	return st;
}

/* ---------------------------------------------------------------------
 * One base, many exponents
 * --------------------------------------------------------------------- */
mpc_status
pet_pow_prepare(pet_pow *pw, const pai_pub *pk, mpz_t *tab, const mpz_t base,
				unsigned ebits, size_t uses, mpc_error *err)
{
	unsigned	best = 1;
	double		best_cost = -1;
	size_t		per;

	if (ebits < 1 || ebits > 64)
		return mpc_fail(err, MPC_ERR_ARG, "exponent width must be between 1 and 64 bits");
	for (unsigned w = 1; w <= 4; w++)
	{
		double		windows = (double) ((ebits + w - 1) / w);
		double		cost = windows * ((double) w + (double) (1u << w) - 2) + (double) uses * windows;

		if (best_cost < 0 || cost < best_cost)
		{
			best_cost = cost;
			best = w;
		}
	}
	pw->tab = tab;
	pw->w = best;
	pw->ebits = ebits;
	pw->windows = (ebits + best - 1) / best;
	per = (size_t) 1 << best;
	for (size_t k = 0; k < pw->windows; k++)
	{
		mpz_t	   *row = tab + k * per;

		mpz_set_ui(row[0], 1);
		if (k == 0)
			mpz_mod(row[1], base, pk->n2);
		else
		{
			mpz_t	   *prev = tab + (k - 1) * per;

			mpz_set(row[1], prev[1]);
			for (unsigned s = 0; s < best; s++)
			{
				mpz_mul(row[1], row[1], row[1]);
				mpz_mod(row[1], row[1], pk->n2);
			}
		}
		for (size_t d = 2; d < per; d++)
		{
			mpz_mul(row[d], row[d - 1], row[1]);
			mpz_mod(row[d], row[d], pk->n2);
		}
	}
	return MPC_OK;
}

mpc_status
pet_pow_get(const pet_pow *pw, const pai_pub *pk, mpz_t out, uint64_t e, mpc_error *err)
{
	size_t		per = (size_t) 1 << pw->w;
	int			first = 1;

	if (pw->ebits < 64 && (e >> pw->ebits) != 0)
		return mpc_fail(err, MPC_ERR_ARG, "exponent wider than the table");
	for (size_t k = 0; k < pw->windows; k++)
	{
		unsigned	d = (unsigned) ((e >> (k * pw->w)) & (per - 1));

		if (d == 0)
			continue;
		if (first)
		{
			mpz_set(out, pw->tab[k * per + d]);
			first = 0;
		}
		else
		{
			mpz_mul(out, out, pw->tab[k * per + d]);
			mpz_mod(out, out, pk->n2);
		}
	}
	if (first)
		mpz_set_ui(out, 1);
	return MPC_OK;
}

/* ---------------------------------------------------------------------
 * Packing
 * --------------------------------------------------------------------- */
size_t
pet_slots(size_t nbits, unsigned slot_bits)
{
	if (slot_bits == 0 || nbits < 3)
		return 0;
	return (nbits - 2) / slot_bits;
}

mpc_status
pet_pack(mpz_t m, const uint64_t *v, size_t k, unsigned slot_bits, mpc_error *err)
{
	mpz_t		part;

	if (slot_bits < 1 || slot_bits > 63)
		return mpc_fail(err, MPC_ERR_ARG, "slot width must be between 1 and 63 bits");
	for (size_t x = 0; x < k; x++)
		if (v[x] >> slot_bits)
			return mpc_fail(err, MPC_ERR_OVERFLOW, "a value does not fit in a %u-bit slot", slot_bits);
	mpz_set_ui(m, 0);
	mpz_init(part);
	for (size_t x = k; x-- > 0;)
	{
		mpz_mul_2exp(m, m, slot_bits);
		/* two halves: unsigned long may be 32 bits */
		mpz_set_ui(part, (unsigned long) (v[x] >> 32));
		mpz_mul_2exp(part, part, 32);
		mpz_add_ui(part, part, (unsigned long) (v[x] & 0xffffffffu));
		mpz_add(m, m, part);
	}
	mpz_clear(part);
	return MPC_OK;
}

mpc_status
pet_unpack(const mpz_t m, uint64_t *v, size_t k, unsigned slot_bits, mpc_error *err)
{
	mpz_t		r,
				s;

	if (slot_bits < 1 || slot_bits > 63)
		return mpc_fail(err, MPC_ERR_ARG, "slot width must be between 1 and 63 bits");
	if (mpz_sgn(m) < 0 || mpz_sizeinbase(m, 2) > slot_bits * k + (mpz_sgn(m) == 0))
		return mpc_fail(err, MPC_ERR_OVERFLOW, "packed value has more bits than its slots");
	mpz_inits(r, s, NULL);
	mpz_set(r, m);
	for (size_t x = 0; x < k; x++)
	{
		uint64_t	val = 0;

		mpz_fdiv_r_2exp(s, r, slot_bits);
		/* 16 bits at a time: unsigned long may be 32 bits */
		for (int sh = 0; sh < 64 && mpz_sgn(s) != 0; sh += 16)
		{
			val |= (uint64_t) mpz_fdiv_ui(s, 1ul << 16) << sh;
			mpz_fdiv_q_2exp(s, s, 16);
		}
		v[x] = val;
		mpz_fdiv_q_2exp(r, r, slot_bits);
	}
	mpz_clears(r, s, NULL);
	return MPC_OK;
}

/* ---------------------------------------------------------------------
 * Wire format
 * --------------------------------------------------------------------- */
static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char) (v >> 24);
	p[1] = (unsigned char) (v >> 16);
	p[2] = (unsigned char) (v >> 8);
	p[3] = (unsigned char) v;
}

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

void
pet_vec_write_hdr(const pet_vec_hdr *h, unsigned char *out)
{
	uint16_t	sc = (uint16_t) (int16_t) h->scale;

	out[0] = 'P';
	out[1] = 'E';
	out[2] = 'T';
	out[3] = 1;
	out[4] = (unsigned char) h->kind;
	out[5] = (unsigned char) h->slot_bits;
	out[6] = (unsigned char) (sc >> 8);
	out[7] = (unsigned char) sc;
	put32(out + 8, h->count);
	put32(out + 12, h->nct);
	put32(out + 16, h->nbytes);
	memcpy(out + 20, h->fp, PAI_FP_LEN);
}

mpc_status
pet_vec_read_hdr(pet_vec_hdr *h, const unsigned char *in, size_t len,
				 const pai_pub *pk, mpc_error *err)
{
	uint64_t	want;

	if (len < PET_VEC_HDR || in[0] != 'P' || in[1] != 'E' || in[2] != 'T')
		return mpc_fail(err, MPC_ERR_BINARY, "not a ciphertext vector");
	if (in[3] != 1)
		return mpc_fail(err, MPC_ERR_BINARY, "unsupported ciphertext vector version %d", in[3]);
	h->kind = in[4];
	h->slot_bits = in[5];
	h->scale = (int16_t) (((uint16_t) in[6] << 8) | in[7]);
	h->count = get32(in + 8);
	h->nct = get32(in + 12);
	h->nbytes = get32(in + 16);
	memcpy(h->fp, in + 20, PAI_FP_LEN);
	if (h->kind != PET_KIND_PLAIN && h->kind != PET_KIND_PACKED)
		return mpc_fail(err, MPC_ERR_BINARY, "unknown ciphertext vector kind %d", h->kind);
	if (h->scale < 0 || h->scale > 1000)
		return mpc_fail(err, MPC_ERR_BINARY, "ciphertext vector scale %d out of range", h->scale);
	if (pk != NULL)
	{
		if (memcmp(h->fp, pk->fp, PAI_FP_LEN) != 0 || h->nbytes != pk->nbytes)
			return mpc_fail(err, MPC_ERR_KEY_MISMATCH,
							"ciphertext vector was encrypted under a different key than this round's");
		if (h->kind == PET_KIND_PLAIN && (h->slot_bits != 0 || h->nct != h->count))
			return mpc_fail(err, MPC_ERR_BINARY, "plain ciphertext vector with inconsistent counts");
		if (h->kind == PET_KIND_PACKED)
		{
			size_t		k = pet_slots(pk->nbits, (unsigned) h->slot_bits);

			if (h->slot_bits < 1 || h->slot_bits > 63 || k == 0 ||
				h->nct != (h->count + k - 1) / k)
				return mpc_fail(err, MPC_ERR_BINARY, "packed ciphertext vector with inconsistent counts");
		}
	}
	want = PET_VEC_HDR + (uint64_t) h->nct * 2 * h->nbytes;
	if (h->nbytes == 0 || want != len)
		return mpc_fail(err, MPC_ERR_BINARY, "ciphertext vector length does not match its header");
	return MPC_OK;
}

/* ---------------------------------------------------------------------
 * The coordinator's update
 * --------------------------------------------------------------------- */
mpc_status
pet_next(size_t n, const int64_t *sums, const int64_t *t, const int64_t *p,
		 const unsigned char *hosted, double alpha, int64_t *t_next,
		 double *residual, mpc_error *err)
{
	long double unhosted = 0;
	long double res = 0;
	const long double su = powl(10.0L, PET_SCALE_U);
	const long double st = 1e12L;	/* 10^PET_SCALE_T */

	if (!(alpha > 0 && alpha <= 1))
		return mpc_fail(err, MPC_ERR_ARG, "alpha must be in (0, 1]");
	for (size_t i = 0; i < n; i++)
		if (!hosted[i])
			unhosted += (long double) t[i];
	for (size_t j = 0; j < n; j++)
	{
		/* everything as a fraction, then back to scale PET_SCALE_T */
		long double x = (long double) sums[j] / su + unhosted * (long double) p[j] / (st * st);
		long double y = (1.0L - (long double) alpha) * x + (long double) alpha * (long double) p[j] / st;
		long double v = roundl(y * st);

		if (!(v >= 0 && v < 9.2e18L))
			return mpc_fail(err, MPC_ERR_OVERFLOW, "trust value out of range (%Lg)", y);
		t_next[j] = (int64_t) v;
		res += fabsl((long double) t_next[j] - (long double) t[j]);
	}
	*residual = (double) (res / st);
	return MPC_OK;
}
