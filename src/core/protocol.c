/*
 * protocol.c: see protocol.h.
 */
#include "protocol.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "packing.h"

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
	if (h->kind == PET_KIND_PACKED)
		return mpc_fail(err, MPC_ERR_BINARY,
						"packed ciphertext vectors (the retired fast mode) are no longer supported");
	if (h->kind != PET_KIND_PLAIN && h->kind != PET_KIND_SLOTS)
		return mpc_fail(err, MPC_ERR_BINARY, "unknown ciphertext vector kind %d", h->kind);
	if (h->scale < 0 || h->scale > 1000)
		return mpc_fail(err, MPC_ERR_BINARY, "ciphertext vector scale %d out of range", h->scale);
	if (pk != NULL)
	{
		if (memcmp(h->fp, pk->fp, PAI_FP_LEN) != 0 || h->nbytes != pk->nbytes)
			return mpc_fail(err, MPC_ERR_KEY_MISMATCH,
							"ciphertext vector was encrypted under a different key than this round's");
	}
	if (h->kind == PET_KIND_PLAIN && (h->slot_bits != 0 || h->nct != h->count))
		return mpc_fail(err, MPC_ERR_BINARY, "plain ciphertext vector with inconsistent counts");
	if (h->kind == PET_KIND_SLOTS)
	{
		/* S = ceil(count / nct) slots a ciphertext, the last one not empty */
		uint64_t	slots;

		if (h->slot_bits < PACK_MIN_SLOT_BITS || h->count == 0 || h->nct == 0 || h->nct > h->count)
			return mpc_fail(err, MPC_ERR_BINARY, "slot ciphertext vector with an invalid layout");
		slots = ((uint64_t) h->count + h->nct - 1) / h->nct;
		if ((uint64_t) (h->nct - 1) * slots >= h->count)
			return mpc_fail(err, MPC_ERR_BINARY, "slot ciphertext vector with an empty ciphertext");
		if (pk != NULL && slots > pack_max_slots(pk, (unsigned) h->slot_bits))
			return mpc_fail(err, MPC_ERR_BINARY, "%llu slots of %d bits do not fit this key",
							(unsigned long long) slots, h->slot_bits);
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
	const long double su = (long double) PET_ONE_U;
	const long double st = (long double) PET_ONE_T;

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

