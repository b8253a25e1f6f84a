/*
 * psi.c: private set intersection arithmetic over Curve25519 (see psi.h).
 *
 * Scalars come from the rng hook (pg_strong_random in the server), never
 * from libsodium's generator; every scalar, hash and field buffer is wiped
 * with sodium_memzero before it goes out of scope.
 */
#include "psi.h"

#include <stdlib.h>
#include <string.h>

#include <gmp.h>
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
	static const uint8_t zero[PSI_SCALAR_LEN];
	mpc_status	st;

	if ((st = psi_ready(err)) != MPC_OK)
		return st;
	/* an X25519 scalar: 32 random bytes, clamped by crypto_scalarmult */
	if ((st = mpc_random_bytes(scalar, PSI_SCALAR_LEN, err)) != MPC_OK)
	{
		sodium_memzero(scalar, PSI_SCALAR_LEN);
		return st;
	}
	if (sodium_memcmp(scalar, zero, PSI_SCALAR_LEN) == 0)
	{
		sodium_memzero(scalar, PSI_SCALAR_LEN);
		return mpc_fail(err, MPC_ERR_RNG, "the random source gave 32 zero bytes");
	}
	return MPC_OK;
}

/*
 * Field arithmetic modulo p = 2^255 - 19 on GMP's mpn layer, side-channel
 * silent (mpn_sec_*, mpn_cnd_*): the hashed id is as secret as the id.
 */
#define FE_LIMBS	(256 / GMP_NUMB_BITS)
#define FE_BYTES_PER_LIMB (GMP_NUMB_BITS / 8)

typedef struct
{
	mp_limb_t	p[FE_LIMBS];
	mp_limb_t	pm2[FE_LIMBS];	/* p - 2: inversion */
	mp_limb_t	pm1h[FE_LIMBS];	/* (p - 1) / 2: Euler's criterion */
	mp_limb_t	a[FE_LIMBS];	/* Curve25519's A = 486662 */
	mp_limb_t  *scratch;
	size_t		scratch_limbs;
} fe_ctx;

static void
fe_from_bytes(mp_limb_t *r, int nlimbs, const uint8_t *b, size_t nbytes)
{
	memset(r, 0, sizeof(mp_limb_t) * nlimbs);
	for (size_t i = 0; i < nbytes; i++)
		r[i / FE_BYTES_PER_LIMB] |= (mp_limb_t) b[i] << (8 * (i % FE_BYTES_PER_LIMB));
}

static void
fe_to_bytes(uint8_t out[32], const mp_limb_t *a)
{
	for (size_t i = 0; i < 32; i++)
		out[i] = (uint8_t) (a[i / FE_BYTES_PER_LIMB] >> (8 * (i % FE_BYTES_PER_LIMB)));
}

static int
fe_init(fe_ctx *f)
{
	uint8_t		b[32];
	mp_size_t	itch;

	/* p = 2^255 - 19, little-endian */
	memset(b, 0xff, 32);
	b[0] = 0xed;
	b[31] = 0x7f;
	fe_from_bytes(f->p, FE_LIMBS, b, 32);
	b[0] = 0xeb;
	fe_from_bytes(f->pm2, FE_LIMBS, b, 32);
	/* (p - 1) / 2 = 2^254 - 10 */
	memset(b, 0xff, 32);
	b[0] = 0xf6;
	b[31] = 0x3f;
	fe_from_bytes(f->pm1h, FE_LIMBS, b, 32);
	memset(b, 0, 32);
	b[0] = 486662 & 0xff;
	b[1] = (486662 >> 8) & 0xff;
	b[2] = 486662 >> 16;
	fe_from_bytes(f->a, FE_LIMBS, b, 32);
	itch = mpn_sec_powm_itch(FE_LIMBS, 255, FE_LIMBS);
	if (mpn_sec_mul_itch(FE_LIMBS, FE_LIMBS) > itch)
		itch = mpn_sec_mul_itch(FE_LIMBS, FE_LIMBS);
	if (mpn_sec_div_r_itch(2 * FE_LIMBS, FE_LIMBS) > itch)
		itch = mpn_sec_div_r_itch(2 * FE_LIMBS, FE_LIMBS);
	if (mpn_sec_sub_1_itch(FE_LIMBS) > itch)
		itch = mpn_sec_sub_1_itch(FE_LIMBS);
	f->scratch_limbs = (size_t) itch;
	f->scratch = malloc(sizeof(mp_limb_t) * (size_t) itch);
	return f->scratch != NULL;
}

static void
fe_done(fe_ctx *f)
{
	if (f->scratch)
	{
		sodium_memzero(f->scratch, sizeof(mp_limb_t) * f->scratch_limbs);
		free(f->scratch);
	}
}

/* r = a * b mod p */
static void
fe_mul(fe_ctx *f, mp_limb_t *r, const mp_limb_t *a, const mp_limb_t *b)
{
	mp_limb_t	t[2 * FE_LIMBS];

	mpn_sec_mul(t, a, FE_LIMBS, b, FE_LIMBS, f->scratch);
	mpn_sec_div_r(t, 2 * FE_LIMBS, f->p, FE_LIMBS, f->scratch);
	memcpy(r, t, sizeof(mp_limb_t) * FE_LIMBS);
	sodium_memzero(t, sizeof(t));
}

/* r = a + b mod p, for a, b < p */
static void
fe_add(fe_ctx *f, mp_limb_t *r, const mp_limb_t *a, const mp_limb_t *b)
{
	mp_limb_t	t[FE_LIMBS];
	mp_limb_t	borrow;

	mpn_add_n(r, a, b, FE_LIMBS);	/* < 2p < 2^256: no carry out */
	borrow = mpn_sub_n(t, r, f->p, FE_LIMBS);
	mpn_cnd_sub_n(borrow ^ 1, r, r, f->p, FE_LIMBS);
	sodium_memzero(t, sizeof(t));
}

/* r = -a mod p, for a < p (0 stays p, which no caller meets: see below) */
static void
fe_neg(fe_ctx *f, mp_limb_t *r, const mp_limb_t *a)
{
	mpn_sub_n(r, f->p, a, FE_LIMBS);
}

static void
fe_pow(fe_ctx *f, mp_limb_t *r, const mp_limb_t *a, const mp_limb_t *e)
{
	mpn_sec_powm(r, a, FE_LIMBS, e, 255, f->p, FE_LIMBS, f->scratch);
}

/*
 * Elligator 2 onto Curve25519 (RFC 9380, section 6.7.1, Z = 2), in
 * straight-line code: u = -A / (1 + 2 r^2) when u^3 + A u^2 + u is a square,
 * else -u - A.  1 + 2 r^2 is never 0 (-1/2 is not a square mod p), nor is u.
 */
static void
elligator2(fe_ctx *f, uint8_t out[32], const mp_limb_t *r)
{
	mp_limb_t	one[FE_LIMBS] = {1},
				d[FE_LIMBS],
				x1[FE_LIMBS],
				x2[FE_LIMBS],
				g[FE_LIMBS],
				t[FE_LIMBS];
	mp_limb_t	sq;

	fe_mul(f, d, r, r);
	fe_add(f, d, d, d);
	fe_add(f, d, d, one);			/* 1 + 2 r^2 */
	fe_pow(f, t, d, f->pm2);		/* 1 / d */
	fe_mul(f, x1, f->a, t);
	fe_neg(f, x1, x1);				/* x1 = -A / d */
	fe_add(f, g, x1, f->a);
	fe_mul(f, g, g, x1);
	fe_add(f, g, g, one);
	fe_mul(f, g, g, x1);			/* x1^3 + A x1^2 + x1 */
	fe_pow(f, t, g, f->pm1h);		/* 1 when a square, p - 1 when not */
	(void) mpn_sec_sub_1(t, t, FE_LIMBS, 1, f->scratch);	/* t >= 1: no borrow */
	sq = 0;
	for (int i = 0; i < FE_LIMBS; i++)
		sq |= t[i];
	/* sq = 1 when t was 1 (a square), without a branch */
	sq = ((sq | (0 - sq)) >> (GMP_NUMB_BITS - 1)) ^ 1;
	fe_add(f, x2, x1, f->a);
	fe_neg(f, x2, x2);				/* x2 = -x1 - A */
	mpn_cnd_swap(sq ^ 1, x1, x2, FE_LIMBS);
	fe_to_bytes(out, x1);
	sodium_memzero(d, sizeof(d));
	sodium_memzero(x1, sizeof(x1));
	sodium_memzero(x2, sizeof(x2));
	sodium_memzero(g, sizeof(g));
	sodium_memzero(t, sizeof(t));
}

mpc_status
psi_hash_to_curve(uint8_t u[PSI_POINT_LEN], psi_kind kind, const void *data, size_t len,
				  mpc_error *err)
{
	crypto_hash_sha512_state h;
	uint8_t		digest[crypto_hash_sha512_BYTES];
	uint8_t		tag = (uint8_t) kind;
	mp_limb_t	wide[2 * FE_LIMBS];
	fe_ctx		f;
	mpc_status	st;

	if (kind != PSI_KIND_TEXT && kind != PSI_KIND_BIGINT)
		return mpc_fail(err, MPC_ERR_ARG, "unknown id kind %d", (int) kind);
	if (data == NULL && len > 0)
		return mpc_fail(err, MPC_ERR_ARG, "no id bytes");
	if ((st = psi_ready(err)) != MPC_OK)
		return st;
	if (!fe_init(&f))
		return mpc_fail(err, MPC_ERR_NOMEM, "out of memory");
	/* the domain tag (with its NUL) and the kind keep text '1' and bigint 1 apart */
	crypto_hash_sha512_init(&h);
	crypto_hash_sha512_update(&h, (const uint8_t *) psi_domain, sizeof(psi_domain));
	crypto_hash_sha512_update(&h, &tag, 1);
	if (len > 0)
		crypto_hash_sha512_update(&h, data, len);
	crypto_hash_sha512_final(&h, digest);
	/* 512 bits mod p: the bias is below 2^-256 */
	fe_from_bytes(wide, 2 * FE_LIMBS, digest, sizeof(digest));
	mpn_sec_div_r(wide, 2 * FE_LIMBS, f.p, FE_LIMBS, f.scratch);
	elligator2(&f, u, wide);
	sodium_memzero(&h, sizeof(h));
	sodium_memzero(digest, sizeof(digest));
	sodium_memzero(wide, sizeof(wide));
	fe_done(&f);
	return MPC_OK;
}

mpc_status
psi_hash_blind(uint8_t out[PSI_POINT_LEN], psi_kind kind, const void *data, size_t len,
			   const uint8_t scalar[PSI_SCALAR_LEN], mpc_error *err)
{
	uint8_t		u[PSI_POINT_LEN];
	mpc_status	st;

	if ((st = psi_hash_to_curve(u, kind, data, len, err)) != MPC_OK)
		return st;
	st = psi_blind(u, 1, scalar, err);
	if (st == MPC_OK)
		memcpy(out, u, PSI_POINT_LEN);
	sodium_memzero(u, sizeof(u));
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
		uint8_t    *pt = points + i * PSI_POINT_LEN;

		if ((i & 1023) == 0 && mpc_interrupted())
			return mpc_fail(err, MPC_ERR_INTERRUPTED, "interrupted");
		/* X25519 ignores the top bit: a batch never sets it.  The scalar
		 * multiplication fails on a point of small order (an all-zero
		 * result), which a hashed id is with negligible probability. */
		if ((pt[31] & 0x80) != 0 || crypto_scalarmult_curve25519(tmp, scalar, pt) != 0)
		{
			sodium_memzero(tmp, sizeof(tmp));
			return mpc_fail(err, MPC_ERR_CIPHERTEXT,
							"element %zu of the batch is not a Curve25519 u-coordinate of large order", i + 1);
		}
		memcpy(pt, tmp, PSI_POINT_LEN);
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
