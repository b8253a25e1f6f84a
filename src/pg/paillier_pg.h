/*
 * paillier_pg.h: varlena layouts of the Paillier types and the helpers the
 * Paillier glue files share.  Layouts are documented in docs/design.md;
 * multi-byte header fields are in native order on disk and big-endian on the
 * wire (send/recv).  Integers in 'data' are unsigned big-endian.
 */
#ifndef PAILLIER_PG_H
#define PAILLIER_PG_H

#include "postgres.h"

#include <gmp.h>

#include "fmgr.h"

#include "mpc_pg.h"
#include "fixedpoint.h"
#include "paillier.h"

#define PAI_FORMAT_VERSION 1

/* paillier_pubkey: n */
typedef struct PaillierPubkey
{
	int32		vl_len_;
	uint8		version;		/* PAI_FORMAT_VERSION */
	uint8		flags;			/* reserved, 0 */
	uint16		reserved;		/* reserved, 0 */
	uint32		nbytes;			/* length of n */
	uint8		fp[PAI_FP_LEN];	/* SHA-256(n)[0..8) */
	uint8		data[FLEXIBLE_ARRAY_MEMBER];	/* n */
} PaillierPubkey;

/* paillier_privkey: p and q, everything else derives from them */
typedef struct PaillierPrivkey
{
	int32		vl_len_;
	uint8		version;
	uint8		flags;
	uint16		reserved;
	uint32		pbytes;			/* length of p (the larger prime) */
	uint32		qbytes;			/* length of q */
	uint8		fp[PAI_FP_LEN];	/* fingerprint of n = pq */
	uint8		data[FLEXIBLE_ARRAY_MEMBER];	/* p, then q */
} PaillierPrivkey;

/*
 * paillier_ciphertext: modulus, scale, magnitude bound and c, so + and sum()
 * need no key.  Format 2 added 'bound' (fixedpoint.h); format 1 values,
 * stored before, have no bound field (their data starts where 'bound' is)
 * and are read with the documented legacy bound.  Read the fields through
 * the CT_ accessors below, never directly, so both formats work.
 */
#define PAI_CT_VERSION		2
#define PAI_CT_VERSION_V1	1

typedef struct PaillierCiphertext
{
	int32		vl_len_;
	uint8		version;		/* PAI_CT_VERSION (or PAI_CT_VERSION_V1 on disk) */
	uint8		flags;			/* reserved, 0 */
	int16		scale;			/* public: value = plaintext / 10^scale */
	uint32		nbytes;			/* length of n; c takes 2 * nbytes */
	uint8		fp[PAI_FP_LEN];
	uint32		bound;			/* v2 only: |plaintext| <= 2^bound */
	uint8		data[FLEXIBLE_ARRAY_MEMBER];	/* n (nbytes), c (2 nbytes) */
} PaillierCiphertext;

/*
 * paillier_packed: 'slots' signed values of 'slot_bits' bits each in one
 * ciphertext (packing.h).  'terms' packed encryptions have been added up so
 * far; adding past 'max_terms' could overflow a slot and is refused.
 */
typedef struct PaillierPacked
{
	int32		vl_len_;
	uint8		version;
	uint8		flags;			/* reserved, 0 */
	int16		scale;
	uint32		nbytes;			/* length of n; c takes 2 * nbytes */
	uint16		slots;
	uint16		slot_bits;
	uint32		max_terms;
	uint32		terms;			/* 1 <= terms <= max_terms */
	uint8		fp[PAI_FP_LEN];
	uint8		data[FLEXIBLE_ARRAY_MEMBER];	/* n (nbytes), c (2 nbytes) */
} PaillierPacked;

#define PACKED_HDRSZ	offsetof(PaillierPacked, data)
#define PACKED_SIZE(nbytes)	(PACKED_HDRSZ + 3 * (Size) (nbytes))
#define PACKED_N(v)		((v)->data)
#define PACKED_C(v)		((v)->data + (v)->nbytes)
#define DatumGetPaillierPackedP(d)		((PaillierPacked *) PG_DETOAST_DATUM(d))
#define PG_GETARG_PAILLIER_PACKED_P(n)	DatumGetPaillierPackedP(PG_GETARG_DATUM(n))

#define PUBKEY_HDRSZ	offsetof(PaillierPubkey, data)
#define PRIVKEY_HDRSZ	offsetof(PaillierPrivkey, data)
#define CT_HDRSZ		offsetof(PaillierCiphertext, data)
#define CT_V1_HDRSZ		offsetof(PaillierCiphertext, bound)
#define CT_SIZE(nbytes)	(CT_HDRSZ + 3 * (Size) (nbytes))
/* accessors valid for both formats (after mpc_check_ct) */
#define CT_HDRSZ_OF(ct)	((ct)->version == PAI_CT_VERSION_V1 ? CT_V1_HDRSZ : CT_HDRSZ)
#define CT_SCALE(ct)	((int) (ct)->scale)
#define CT_NBYTES(ct)	((Size) (ct)->nbytes)
#define CT_FP(ct)		((ct)->fp)
#define CT_N(ct)		((const uint8 *) (ct) + CT_HDRSZ_OF(ct))
#define CT_C(ct)		(CT_N(ct) + (ct)->nbytes)
/* the bound: stored in format 2, fx_legacy_bound() for format 1 */
uint32		mpc_ct_bound(const PaillierCiphertext *ct);

#define DatumGetPaillierPubkeyP(d)		((PaillierPubkey *) PG_DETOAST_DATUM(d))
#define DatumGetPaillierPrivkeyP(d)		((PaillierPrivkey *) PG_DETOAST_DATUM(d))
#define DatumGetPaillierCiphertextP(d)	((PaillierCiphertext *) PG_DETOAST_DATUM(d))
#define PG_GETARG_PAILLIER_PUBKEY_P(n)	DatumGetPaillierPubkeyP(PG_GETARG_DATUM(n))
#define PG_GETARG_PAILLIER_PRIVKEY_P(n)	DatumGetPaillierPrivkeyP(PG_GETARG_DATUM(n))
#define PG_GETARG_PAILLIER_CT_P(n)		DatumGetPaillierCiphertextP(PG_GETARG_DATUM(n))

/*
 * Validated keys, cached per backend (least recently used evicted).  The
 * returned pointer stays valid until the next cache call; callers copy
 * nothing and must not keep it across calls that may load another key.
 * Both raise an ERROR naming the problem for an invalid key.
 */
const pai_pub *mpc_pubkey_from_n(const uint8 *n, Size nbytes);
const pai_priv *mpc_privkey_get(const PaillierPrivkey *sk);

/* Structural checks of stored values (lengths, version, reserved fields);
 * raise ERRCODE_DATA_CORRUPTED-style errors on failure. */
void		mpc_check_pubkey(const PaillierPubkey *pk);
void		mpc_check_privkey(const PaillierPrivkey *sk);
void		mpc_check_ct(const PaillierCiphertext *ct);

/* The key of a stored value (validated, cached). */
const pai_pub *mpc_ct_key(const PaillierCiphertext *ct);
const pai_pub *mpc_pubkey_key(const PaillierPubkey *pk);

/* Build values. */
PaillierPubkey *mpc_make_pubkey(const pai_pub *pk);
PaillierPrivkey *mpc_make_privkey(const pai_priv *sk);
PaillierCiphertext *mpc_make_ct(const pai_pub *pk, int scale, uint32 bound, const mpz_t c);
/* The same from a core fixed-point value. */
PaillierCiphertext *mpc_make_fx(const pai_pub *pk, const fx_ct *x);
/* Read c out of a ciphertext (no validation beyond the stored layout). */
void		mpc_ct_get(const PaillierCiphertext *ct, mpz_t c);
/* Check a ciphertext and read it into x (c, scale, bound); returns its
 * validated key.  x must be initialised (fx_init). */
const pai_pub *mpc_ct_load(const PaillierCiphertext *ct, fx_ct *x);

/* Raise a core failure; an overflow (22003) gets a hint on how to make the
 * values fit. */
MPC_NORETURN void mpc_raise_fx(const mpc_error *err, const char *what);

/* ERROR 22000 unless both values are under the same key. */
void		mpc_require_same_key(const uint8 *fp_a, const uint8 *n_a, Size nbytes_a,
								 const uint8 *fp_b, const uint8 *n_b, Size nbytes_b,
								 const char *what);

/*
 * Fast paths (paillier_fast.c).  mpc_fast_init registers the GUCs from
 * _PG_init.  mpc_encrypt_pub and mpc_rerandomize_fast follow
 * mpc_eigentrust.encryption_method (DJN with the per-backend table cache, or
 * textbook r^n); mpc_djn_get returns the cached DJN context of a key,
 * building it on first use (valid until the next mpc_djn_get).
 */
struct pai_djn;
void		mpc_fast_init(void);
const struct pai_djn *mpc_djn_get(const pai_pub *pk);
mpc_status	mpc_encrypt_pub(const pai_pub *pk, mpz_t c, const mpz_t m, mpc_error *err);
mpc_status	mpc_rerandomize_fast(const pai_pub *pk, mpz_t out, const mpz_t c, mpc_error *err);

/* Text and binary I/O helpers shared by the types' input functions
 * (paillier_io.c).  Input is never echoed: for a private key it is the
 * secret itself. */
MPC_NORETURN void mpc_bad_text(const char *type, const char *detail);
MPC_NORETURN void mpc_bad_binary(const char *type, const char *detail);
/* Split s in place at ':' into at most maxparts pieces; returns the count
 * (maxparts + 1 when there are more). */
int			mpc_split_colon(char *s, char **parts, int maxparts);
/* base64url of x's minimal big-endian bytes, palloc'd */
char	   *mpc_b64_of(const mpz_t x);
/* the validated, cached key of modulus n */
const pai_pub *mpc_pubkey_from_mpz(const mpz_t n);

/* Signed fixed-point helpers shared by encrypt and decrypt. */
Datum		mpc_numeric_from_scaled(const mpz_t v, int scale);

/* A numeric as an exact integer k and its count of significant fractional
 * digits f (trailing zeros dropped): value = k / 10^f.  NaN and infinities
 * are an ERROR naming 'what'. */
void		mpc_numeric_to_scaled(Datum num, mpz_t k, int *f, const char *what);

/* Multiply a ciphertext by a fresh encryption of zero (the one place that
 * chooses how public-key re-randomisation is done). */
void		mpc_rerandomize(const pai_pub *pk, mpz_t out, const mpz_t in);


#endif
