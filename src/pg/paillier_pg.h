/*
 * paillier_pg.h: varlena layouts of the Paillier types and the macros that
 * read them from Datums.  The functions the Paillier glue files share are
 * declared in paillier_glue.h.  Layouts are documented in docs/design.md;
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
/* a private key's detoasted copy is a wiped secret buffer (memory.c) */
#define DatumGetPaillierPrivkeyP(d)		((PaillierPrivkey *) mpc_detoast_secret(d))
#define DatumGetPaillierCiphertextP(d)	((PaillierCiphertext *) PG_DETOAST_DATUM(d))
#define PG_GETARG_PAILLIER_PUBKEY_P(n)	DatumGetPaillierPubkeyP(PG_GETARG_DATUM(n))
#define PG_GETARG_PAILLIER_PRIVKEY_P(n)	DatumGetPaillierPrivkeyP(PG_GETARG_DATUM(n))
#define PG_GETARG_PAILLIER_CT_P(n)		DatumGetPaillierCiphertextP(PG_GETARG_DATUM(n))

#endif
