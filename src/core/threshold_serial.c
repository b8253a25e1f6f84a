/*
 * threshold_serial.c: the serialised forms of key shares and decryption
 * shares (see threshold.h for the layouts).
 */
#include "threshold_priv.h"

#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "ifma.h"
#include "serial.h"
#include "sha256.h"

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
	if (!pai_coprime_to_n(pk, x))
		return mpc_fail(err, MPC_ERR_BINARY, "%s is not a unit mod n^2", what);
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
	thr_vk_hash(pk, vi, h);
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

	thr_key_digest(pk, kind, t, l, v, vkh, d);
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
	thr_keyshare_init(ks, &pk);
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

