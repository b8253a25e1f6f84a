/*
 * psi.c: private set intersection arithmetic over ristretto255 (see psi.h).
 *
 * Scalars come from the rng hook (pg_strong_random in the server), never
 * from libsodium's generator; every scalar and hash buffer is wiped with
 * sodium_memzero before it goes out of scope.
 */
#include "psi.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static const char psi_domain[] = "mpc_eigentrust psi v1";

static mpc_status
psi_ready(mpc_error *err)
{
	/* idempotent; libsodium picks its fastest implementations here */
	if (sodium_init() < 0)
		return mpc_fail(err, MPC_ERR_INTERNAL, "libsodium failed to initialise");
	return MPC_OK;
}

mpc_status
psi_keygen(uint8_t scalar[PSI_SCALAR_LEN], mpc_error *err)
{
	uint8_t		wide[64];
	static const uint8_t zero[PSI_SCALAR_LEN];
	mpc_status	st;

	if ((st = psi_ready(err)) != MPC_OK)
		return st;
	for (int tries = 0; tries < 4; tries++)
	{
		if ((st = mpc_random_bytes(wide, sizeof(wide), err)) != MPC_OK)
			break;
		/* 512 bits reduced mod l: the bias is below 2^-259 */
		crypto_core_ristretto255_scalar_reduce(scalar, wide);
		sodium_memzero(wide, sizeof(wide));
		if (sodium_memcmp(scalar, zero, PSI_SCALAR_LEN) != 0)
			return MPC_OK;
	}
	sodium_memzero(wide, sizeof(wide));
	sodium_memzero(scalar, PSI_SCALAR_LEN);
	return st != MPC_OK ? st : mpc_fail(err, MPC_ERR_RNG, "the random source gave a zero scalar four times");
}

mpc_status
psi_hash_blind(uint8_t out[PSI_POINT_LEN], psi_kind kind, const void *data, size_t len,
			   const uint8_t scalar[PSI_SCALAR_LEN], mpc_error *err)
{
	crypto_hash_sha512_state h;
	uint8_t		digest[crypto_hash_sha512_BYTES];
	uint8_t		point[PSI_POINT_LEN];
	uint8_t		tag = (uint8_t) kind;
	mpc_status	st = MPC_OK;

	if (kind != PSI_KIND_TEXT && kind != PSI_KIND_BIGINT)
		return mpc_fail(err, MPC_ERR_ARG, "unknown id kind %d", (int) kind);
	if (data == NULL && len > 0)
		return mpc_fail(err, MPC_ERR_ARG, "no id bytes");
	if ((st = psi_ready(err)) != MPC_OK)
		return st;
	/* the domain tag (with its NUL) and the kind keep text '1' and bigint 1 apart */
	crypto_hash_sha512_init(&h);
	crypto_hash_sha512_update(&h, (const uint8_t *) psi_domain, sizeof(psi_domain));
	crypto_hash_sha512_update(&h, &tag, 1);
	if (len > 0)
		crypto_hash_sha512_update(&h, data, len);
	crypto_hash_sha512_final(&h, digest);
	crypto_core_ristretto255_from_hash(point, digest);
	if (crypto_scalarmult_ristretto255(out, scalar, point) != 0)
		st = mpc_fail(err, MPC_ERR_INTERNAL, "blinding a hashed id gave the identity");
	sodium_memzero(&h, sizeof(h));
	sodium_memzero(digest, sizeof(digest));
	sodium_memzero(point, sizeof(point));
	return st;
}

mpc_status
psi_blind(uint8_t *points, size_t n, const uint8_t scalar[PSI_SCALAR_LEN], mpc_error *err)
{
	uint8_t		tmp[PSI_POINT_LEN];
	mpc_status	st;

	if (n > 0 && points == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "no points");
	if ((st = psi_ready(err)) != MPC_OK)
		return st;
	for (size_t i = 0; i < n; i++)
	{
		if ((i & 1023) == 0 && mpc_interrupted())
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		/* fails on a non-canonical or invalid encoding, and on the identity */
		if (crypto_scalarmult_ristretto255(tmp, scalar, points + i * PSI_POINT_LEN) != 0)
		{
			sodium_memzero(tmp, sizeof(tmp));
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"element %zu of the batch is not a ristretto255 element other than the identity", i + 1);
		}
		memcpy(points + i * PSI_POINT_LEN, tmp, PSI_POINT_LEN);
	}
	sodium_memzero(tmp, sizeof(tmp));
	return MPC_OK;
}

typedef struct
{
	uint8_t		p[PSI_POINT_LEN];
	uint32_t	idx;
} psi_rec;

static int
cmp_point(const void *a, const void *b)
{
	return memcmp(a, b, PSI_POINT_LEN);
}

static int
cmp_rec(const void *a, const void *b)
{
	return memcmp(((const psi_rec *) a)->p, ((const psi_rec *) b)->p, PSI_POINT_LEN);
}

mpc_status
psi_sort_unique(uint8_t *points, uint32_t *idx, size_t *count, mpc_error *err)
{
	size_t		n = *count,
				m = 0;

	if (n == 0)
		return MPC_OK;
	if (points == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "no points");
	if (idx == NULL)
	{
		qsort(points, n, PSI_POINT_LEN, cmp_point);
		for (size_t i = 0; i < n; i++)
			if (m == 0 || memcmp(points + (m - 1) * PSI_POINT_LEN, points + i * PSI_POINT_LEN, PSI_POINT_LEN) != 0)
			{
				if (m != i)
					memcpy(points + m * PSI_POINT_LEN, points + i * PSI_POINT_LEN, PSI_POINT_LEN);
				m++;
			}
		*count = m;
		return MPC_OK;
	}
	else
	{
		psi_rec    *r = malloc(sizeof(psi_rec) * n);

		if (r == NULL)
			return mpc_fail(err, MPC_ERR_NOMEM, "out of memory sorting %zu elements", n);
		for (size_t i = 0; i < n; i++)
		{
			memcpy(r[i].p, points + i * PSI_POINT_LEN, PSI_POINT_LEN);
			r[i].idx = idx[i];
		}
		qsort(r, n, sizeof(psi_rec), cmp_rec);
		for (size_t i = 0; i < n; i++)
			if (m == 0 || memcmp(r[m - 1].p, r[i].p, PSI_POINT_LEN) != 0)
				r[m++] = r[i];
		for (size_t i = 0; i < m; i++)
		{
			memcpy(points + i * PSI_POINT_LEN, r[i].p, PSI_POINT_LEN);
			idx[i] = r[i].idx;
		}
		sodium_memzero(r, sizeof(psi_rec) * n);
		free(r);
		*count = m;
		return MPC_OK;
	}
}

void
psi_header(uint8_t hdr[PSI_HEADER_LEN], psi_kind kind, size_t count)
{
	memcpy(hdr, "PSI1", 4);
	hdr[4] = (uint8_t) kind;
	hdr[5] = hdr[6] = hdr[7] = 0;
	hdr[8] = (uint8_t) (count >> 24);
	hdr[9] = (uint8_t) (count >> 16);
	hdr[10] = (uint8_t) (count >> 8);
	hdr[11] = (uint8_t) count;
}

mpc_status
psi_parse(const uint8_t *msg, size_t len, psi_batch *out, mpc_error *err)
{
	size_t		count;

	if (msg == NULL || len < PSI_HEADER_LEN || memcmp(msg, "PSI1", 4) != 0)
		return mpc_fail(err, MPC_ERR_BINARY, "not a PSI batch (no PSI1 header)");
	if ((msg[4] != PSI_KIND_TEXT && msg[4] != PSI_KIND_BIGINT) || msg[5] || msg[6] || msg[7])
		return mpc_fail(err, MPC_ERR_BINARY, "PSI batch header has an unknown kind or reserved bytes set");
	count = ((size_t) msg[8] << 24) | ((size_t) msg[9] << 16) | ((size_t) msg[10] << 8) | msg[11];
	if (count > PSI_MAX_COUNT)
		return mpc_fail(err, MPC_ERR_BINARY, "PSI batch claims %zu elements, the limit is %u", count, PSI_MAX_COUNT);
	if (len != PSI_HEADER_LEN + count * PSI_POINT_LEN)
		return mpc_fail(err, MPC_ERR_BINARY, "PSI batch of %zu elements has %zu bytes, expected %zu",
						count, len, PSI_HEADER_LEN + count * PSI_POINT_LEN);
	out->kind = (psi_kind) msg[4];
	out->count = count;
	out->points = msg + PSI_HEADER_LEN;
	return MPC_OK;
}

mpc_status
psi_match_batches(const psi_batch *batches, int nbatches, int target, uint8_t *hit, size_t *common,
		  mpc_error *err)
{
	uint8_t   **sorted;
	mpc_status	st = MPC_OK;
	size_t		c = 0;

	if (nbatches < 2 || target < 0 || target >= nbatches || batches == NULL || common == NULL)
		return mpc_fail(err, MPC_ERR_ARG, "need at least 2 batches and a target among them");
	for (int b = 1; b < nbatches; b++)
		if (batches[b].kind != batches[0].kind)
			return mpc_fail(err, MPC_ERR_KEY_MISMATCH,
							"batch %d holds %s ids, batch 1 %s ids", b + 1,
							batches[b].kind == PSI_KIND_TEXT ? "text" : "bigint",
							batches[0].kind == PSI_KIND_TEXT ? "text" : "bigint");
	sorted = calloc(nbatches, sizeof(uint8_t *));
	if (sorted == NULL)
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	for (int b = 0; b < nbatches; b++)
	{
		size_t		bytes = batches[b].count * PSI_POINT_LEN;

		if (b == target || bytes == 0)
			continue;
		sorted[b] = malloc(bytes);
		if (sorted[b] == NULL)
		{
			st = mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
			goto done;
		}
		memcpy(sorted[b], batches[b].points, bytes);
		qsort(sorted[b], batches[b].count, PSI_POINT_LEN, cmp_point);
	}
	for (size_t i = 0; i < batches[target].count; i++)
	{
		const uint8_t *p = batches[target].points + i * PSI_POINT_LEN;
		int			in_all = 1;

		if ((i & 4095) == 0 && mpc_interrupted())
		{
			st = mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
			goto done;
		}
		for (int b = 0; b < nbatches && in_all; b++)
			if (b != target)
				in_all = sorted[b] != NULL &&
					bsearch(p, sorted[b], batches[b].count, PSI_POINT_LEN, cmp_point) != NULL;
		if (hit)
			hit[i] = (uint8_t) in_all;
		c += in_all;
	}
	*common = c;
done:
	for (int b = 0; b < nbatches; b++)
		free(sorted[b]);
	free(sorted);
	return st;
}
