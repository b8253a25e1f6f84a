/*
 * paillier_keys.c: building, checking and caching Paillier key values.
 *
 * Validating a modulus costs a trial division by every prime below 2^16, so
 * each backend keeps the last few keys (with their CRT constants) in a
 * private memory context.  A private key is validated once, when it enters
 * the database (input, binary input, JWK import, keygen: pai_priv_init);
 * a stored key on a cache miss only gets its shape checked and its
 * constants built in constant time (pai_priv_setup), and its fingerprint
 * compared with the stored one.  The primality tests and the gcd, which
 * take time that depends on p and q, never run per use.  Entries are matched on the full modulus (and p, q for private
 * keys), never on the fingerprint alone.  Evicted private keys are wiped.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "encoding.h"
#include "ifma.h"
#include "paillier_glue.h"
#include "serial.h"
#include "sha256.h"

#define PUB_CACHE_SIZE	16
#define PRIV_CACHE_SIZE	8

typedef struct PubEntry
{
	bool		used;
	uint64		last_use;
	Size		nbytes;
	uint8	   *n;				/* copy of the modulus bytes */
	pai_pub		key;
	/* IFMA context for n^2, built on first use by mpc_pub_ifma_n2 */
	bool		ifma_tried;
	void	   *ifma_buf;		/* NULL: none (IFMA off or n^2 too large) */
	ifma_ctx	ictx;
	uint8	   *n2be;			/* n^2, big-endian, 2 nbytes */
} PubEntry;

typedef struct PrivEntry
{
	bool		used;
	uint64		last_use;
	uint8		digest[SHA256_DIGEST_LEN];	/* of the stored p, q bytes */
	Size		len;
	uint8	   *bytes;			/* copy of p || q, wiped on eviction */
	pai_priv	key;
} PrivEntry;

static MemoryContext cache_cxt = NULL;
static PubEntry pub_cache[PUB_CACHE_SIZE];
static PrivEntry priv_cache[PRIV_CACHE_SIZE];
static uint64 use_clock = 0;

static MemoryContext
get_cache_cxt(void)
{
	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(TopMemoryContext, "mpc_eigentrust key cache",
										  ALLOCSET_DEFAULT_SIZES);
	return cache_cxt;
}

void
mpc_check_pubkey(const PaillierPubkey *pk)
{
	if (pk->version != PAI_FORMAT_VERSION || pk->flags != 0 || pk->reserved != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported paillier_pubkey format version %d", pk->version)));
	if (pk->nbytes == 0 || pk->nbytes > PAI_MAX_BITS / 8 ||
		VARSIZE(pk) != PUBKEY_HDRSZ + pk->nbytes)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_pubkey: length %u does not match its header",
						(unsigned) VARSIZE(pk))));
}

void
mpc_check_privkey(const PaillierPrivkey *sk)
{
	if (sk->version != PAI_FORMAT_VERSION || sk->flags != 0 || sk->reserved != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported paillier_privkey format version %d", sk->version)));
	if (sk->pbytes == 0 || sk->qbytes == 0 || sk->pbytes > PAI_MAX_BITS / 16 + 1 ||
		sk->qbytes > PAI_MAX_BITS / 16 + 1 ||
		VARSIZE(sk) != PRIVKEY_HDRSZ + sk->pbytes + sk->qbytes)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_privkey: lengths do not match its header")));
}

void
mpc_check_ct(const PaillierCiphertext *ct)
{
	Size		hdr;

	if ((ct->version != PAI_CT_VERSION && ct->version != PAI_CT_VERSION_V1) || ct->flags != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported paillier_ciphertext format version %d", ct->version)));
	hdr = CT_HDRSZ_OF(ct);
	if (ct->nbytes == 0 || ct->nbytes > PAI_MAX_BITS / 8 ||
		VARSIZE(ct) != hdr + 3 * (Size) ct->nbytes || ct->scale < 0 || ct->scale > PAI_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_ciphertext: length %u does not match its header",
						(unsigned) VARSIZE(ct))));
	if (ct->version == PAI_CT_VERSION &&
		ct->bound > fx_limit_bits(8 * (Size) ct->nbytes))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_ciphertext: magnitude bound %u is beyond the key's range",
						ct->bound)));
}

/* Bits of a big-endian modulus without a leading zero byte. */
static size_t
n_bits(const uint8 *n, Size nbytes)
{
	size_t		bits = 8 * nbytes;
	uint8		top = n[0];

	while (bits > 0 && (top & 0x80) == 0)
	{
		top <<= 1;
		bits--;
	}
	return bits;
}

uint32
mpc_ct_bound(const PaillierCiphertext *ct)
{
	if (ct->version == PAI_CT_VERSION_V1)
		return fx_legacy_bound(n_bits(CT_N(ct), ct->nbytes));
	return ct->bound;
}

const pai_pub *
mpc_pubkey_from_n(const uint8 *n, Size nbytes)
{
	int			i,
				victim = 0;
	PubEntry   *e;
	MemoryContext old;
	mpz_t		nz;
	mpc_error	err;
	mpc_status	st;

	for (i = 0; i < PUB_CACHE_SIZE; i++)
	{
		e = &pub_cache[i];
		if (e->used && e->nbytes == nbytes && memcmp(e->n, n, nbytes) == 0)
		{
			e->last_use = ++use_clock;
			return &e->key;
		}
		if (!e->used || (pub_cache[victim].used && e->last_use < pub_cache[victim].last_use))
			victim = i;
	}

	/* Validate in the caller's context first, so a bad key caches nothing. */
	if (nbytes == 0 || n[0] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid paillier key: modulus n is zero or not minimally encoded")));
	e = &pub_cache[victim];
	if (e->used)
	{
		pai_pub_clear(&e->key);
		pfree(e->n);
		if (e->ifma_buf != NULL)
		{
			pfree(e->ifma_buf);
			pfree(e->n2be);
		}
		e->ifma_buf = NULL;
		e->n2be = NULL;
		e->ifma_tried = false;
		e->used = false;
	}
	old = MemoryContextSwitchTo(get_cache_cxt());
	mpz_init(nz);
	ser_from_bytes(nz, n, nbytes);
	st = pai_pub_init(&e->key, nz, PAI_MIN_BITS, &err);
	mpz_clear(nz);
	if (st == MPC_OK)
	{
		e->n = palloc(nbytes);
		memcpy(e->n, n, nbytes);
	}
	MemoryContextSwitchTo(old);
	if (st != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid paillier key: %s", err.msg)));
	e->nbytes = nbytes;
	e->used = true;
	e->last_use = ++use_clock;
	return &e->key;
}

const ifma_ctx *
mpc_pub_ifma_n2(const pai_pub *pk, const uint8 **n2be)
{
	PubEntry   *e = NULL;
	int			i;

	if (!ifma_available())
		return NULL;
	for (i = 0; i < PUB_CACHE_SIZE; i++)
		if (pub_cache[i].used && &pub_cache[i].key == pk)
			e = &pub_cache[i];
	if (e == NULL)
		return NULL;			/* not a cached public key */
	if (!e->ifma_tried)
	{
		size_t		bits = mpz_sizeinbase(pk->n2, 2),
					bytes = ifma_ctx_bytes(bits);
		mpc_error	err;

		e->ifma_tried = true;
		if (bytes == 0 || 2 * e->nbytes > 8 * ifma_digits(bits))
			return NULL;
		e->ifma_buf = MemoryContextAlloc(get_cache_cxt(), bytes);
		e->n2be = MemoryContextAlloc(get_cache_cxt(), 2 * e->nbytes);
		if (ifma_ctx_init(&e->ictx, e->ifma_buf, bytes, pk->n2, &err) != MPC_OK ||
			ser_to_bytes_fixed(pk->n2, e->n2be, 2 * e->nbytes, &err) != MPC_OK)
		{
			pfree(e->ifma_buf);	/* n^2 is odd, > 1 and fits: not reached */
			pfree(e->n2be);
			e->ifma_buf = NULL;
			e->n2be = NULL;
			return NULL;
		}
	}
	if (e->ifma_buf == NULL)
		return NULL;
	*n2be = e->n2be;
	return &e->ictx;
}

const pai_priv *
mpc_privkey_get(const PaillierPrivkey *sk)
{
	uint8		digest[SHA256_DIGEST_LEN];
	Size		len = sk->pbytes + sk->qbytes;
	int			i,
				victim = 0;
	PrivEntry  *e;
	MemoryContext old;
	mpz_t		p, q;
	mpc_error	err;
	mpc_status	st;

	mpc_check_privkey(sk);
	sha256(sk->data, len, digest);
	for (i = 0; i < PRIV_CACHE_SIZE; i++)
	{
		e = &priv_cache[i];
		if (e->used && e->len == len && memcmp(e->digest, digest, sizeof(digest)) == 0 &&
			memcmp(e->bytes, sk->data, len) == 0)
		{
			e->last_use = ++use_clock;
			return &e->key;
		}
		if (!e->used || (priv_cache[victim].used && e->last_use < priv_cache[victim].last_use))
			victim = i;
	}
	e = &priv_cache[victim];
	if (e->used)
	{
		pai_priv_clear(&e->key);
		mpc_wipe(e->bytes, e->len);
		pfree(e->bytes);
		e->used = false;
	}
	old = MemoryContextSwitchTo(get_cache_cxt());
	mpz_inits(p, q, NULL);
	ser_from_bytes(p, sk->data, sk->pbytes);
	ser_from_bytes(q, sk->data + sk->pbytes, sk->qbytes);
	st = pai_priv_setup(&e->key, p, q, PAI_MIN_BITS, &err);
	mpz_clears(p, q, NULL);		/* the allocator wipes the limbs */
	if (st == MPC_OK)
	{
		e->bytes = palloc(len);
		memcpy(e->bytes, sk->data, len);
	}
	MemoryContextSwitchTo(old);
	if (st != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid paillier private key: %s", err.msg)));
	if (memcmp(e->key.pub.fp, sk->fp, PAI_FP_LEN) != 0)
	{
		pai_priv_clear(&e->key);
		mpc_wipe(e->bytes, len);
		pfree(e->bytes);
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_privkey: stored fingerprint does not match p * q")));
	}
	memcpy(e->digest, digest, sizeof(digest));
	e->len = len;
	e->used = true;
	e->last_use = ++use_clock;
	return &e->key;
}

const pai_pub *
mpc_ct_key(const PaillierCiphertext *ct)
{
	const pai_pub *pk;

	mpc_check_ct(ct);
	pk = mpc_pubkey_from_n(CT_N(ct), ct->nbytes);
	if (memcmp(pk->fp, ct->fp, PAI_FP_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_ciphertext: stored fingerprint does not match its modulus")));
	return pk;
}

const pai_pub *
mpc_pubkey_key(const PaillierPubkey *pkv)
{
	const pai_pub *pk;

	mpc_check_pubkey(pkv);
	pk = mpc_pubkey_from_n(pkv->data, pkv->nbytes);
	if (memcmp(pk->fp, pkv->fp, PAI_FP_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted paillier_pubkey: stored fingerprint does not match its modulus")));
	return pk;
}

PaillierPubkey *
mpc_make_pubkey(const pai_pub *pk)
{
	PaillierPubkey *v = palloc0(PUBKEY_HDRSZ + pk->nbytes);
	mpc_error	err;

	SET_VARSIZE(v, PUBKEY_HDRSZ + pk->nbytes);
	v->version = PAI_FORMAT_VERSION;
	v->nbytes = (uint32) pk->nbytes;
	memcpy(v->fp, pk->fp, PAI_FP_LEN);
	if (ser_to_bytes_fixed(pk->n, v->data, pk->nbytes, &err) != MPC_OK)
		mpc_raise(&err, "paillier_pubkey");
	return v;
}

PaillierPrivkey *
mpc_make_privkey(const pai_priv *sk)
{
	Size		pb = ser_bytes_len(sk->p);
	Size		qb = ser_bytes_len(sk->q);
	PaillierPrivkey *v = palloc0(PRIVKEY_HDRSZ + pb + qb);
	mpc_error	err;

	SET_VARSIZE(v, PRIVKEY_HDRSZ + pb + qb);
	v->version = PAI_FORMAT_VERSION;
	v->pbytes = (uint32) pb;
	v->qbytes = (uint32) qb;
	memcpy(v->fp, sk->pub.fp, PAI_FP_LEN);
	if (ser_to_bytes_fixed(sk->p, v->data, pb, &err) != MPC_OK ||
		ser_to_bytes_fixed(sk->q, v->data + pb, qb, &err) != MPC_OK)
		mpc_raise(&err, "paillier_privkey");
	return v;
}

/*
 * x into out[0, width) big-endian, a limb at a time when width is a whole
 * number of limbs (ciphertexts at the usual key sizes), else byte-wise.
 */
static void
bytes_of_mpz(const mpz_t x, uint8 *out, Size width, const char *what)
{
	mpc_error	err;
	Size		nl = mpz_size(x),
				i;

	if (width % 8 == 0 && sizeof(mp_limb_t) == 8 && mpz_sgn(x) >= 0 && nl * 8 <= width)
	{
		const mp_limb_t *l = mpz_limbs_read(x);

		for (i = 0; i < nl; i++)
		{
			uint64		w = __builtin_bswap64((uint64) l[i]);

			memcpy(out + width - 8 * (i + 1), &w, 8);
		}
		memset(out, 0, width - 8 * nl);
		return;
	}
	if (ser_to_bytes_fixed(x, out, width, &err) != MPC_OK)
		mpc_raise(&err, what);
}

PaillierCiphertext *
mpc_make_ct(const pai_pub *pk, int scale, uint32 bound, const mpz_t c)
{
	PaillierCiphertext *v = mpc_new_ct(pk, scale, bound);

	bytes_of_mpz(c, (uint8 *) CT_C(v), 2 * pk->nbytes, "paillier_ciphertext");
	return v;
}

PaillierCiphertext *
mpc_new_ct(const pai_pub *pk, int scale, uint32 bound)
{
	PaillierCiphertext *v = palloc0(CT_SIZE(pk->nbytes));

	if (bound > fx_limit(pk))
		elog(ERROR, "paillier_ciphertext: bound %u beyond the key's range", bound);
	SET_VARSIZE(v, CT_SIZE(pk->nbytes));
	v->version = PAI_CT_VERSION;
	v->scale = (int16) scale;
	v->nbytes = (uint32) pk->nbytes;
	v->bound = bound;
	memcpy(v->fp, pk->fp, PAI_FP_LEN);
	bytes_of_mpz(pk->n, (uint8 *) CT_N(v), pk->nbytes, "paillier_ciphertext");
	return v;
}

PaillierCiphertext *
mpc_make_fx(const pai_pub *pk, const fx_ct *x)
{
	return mpc_make_ct(pk, x->scale, x->bound, x->c);
}

void
mpc_ct_get(const PaillierCiphertext *ct, mpz_t c)
{
	Size		len = 2 * (Size) ct->nbytes;

	/* a word at a time (big-endian words of big-endian bytes) when it can */
	if (len % 8 == 0)
		mpz_import(c, len / 8, 1, 8, 1, 0, CT_C(ct));
	else
		ser_from_bytes(c, CT_C(ct), len);
}

const pai_pub *
mpc_ct_load(const PaillierCiphertext *ct, fx_ct *x)
{
	const pai_pub *pk = mpc_ct_key(ct);

	mpc_ct_get(ct, x->c);
	x->scale = CT_SCALE(ct);
	x->bound = mpc_ct_bound(ct);
	return pk;
}

void
mpc_raise_fx(const mpc_error *err, const char *what)
{
	if (err->code == MPC_ERR_OVERFLOW)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s", what, err->msg),
				 errdetail("Every ciphertext carries a public bound on |value * 10^scale|; a result whose bound could pass n/3 would decrypt to a wrong number."),
				 errhint("Use a smaller scale, a larger key, or a smaller max_abs when encrypting.")));
	mpc_raise(err, what);
}

void
mpc_require_same_key(const uint8 *fp_a, const uint8 *n_a, Size nbytes_a,
					 const uint8 *fp_b, const uint8 *n_b, Size nbytes_b,
					 const char *what)
{
	if (nbytes_a != nbytes_b || memcmp(fp_a, fp_b, PAI_FP_LEN) != 0 ||
		memcmp(n_a, n_b, nbytes_a) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s: values are encrypted under different Paillier keys", what),
				 errdetail("Key fingerprints differ. Values under different keys cannot be combined.")));
}
