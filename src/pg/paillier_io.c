/*
 * paillier_io.c: text and binary I/O of the Paillier types (the JSON
 * formats of other libraries are in paillier_json.c).
 *
 * Text forms (base64url without padding of minimal big-endian integers):
 *   paillier_pubkey      pk1:<n>
 *   paillier_privkey     sk1:<p>:<q>
 *   paillier_ciphertext  ct2:<scale>:<bound>:<n>:<c>
 *                        (ct1:<scale>:<n>:<c>, format 1, is still read; it
 *                        gets the legacy bound of fixedpoint.h)
 */
#include "postgres.h"

#include <ctype.h>

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "encoding.h"
#include "paillier_glue.h"
#include "serial.h"


#define MAX_NBYTES (PAI_MAX_BITS / 8)

void
mpc_bad_text(const char *type, const char *detail)
{
	/* The input is not echoed: for a private key it is the secret itself. */
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s", type),
			 errdetail("%s", detail)));
}

/* Split s at ':' into at most maxparts pieces; returns the count. */
int
mpc_split_colon(char *s, char **parts, int maxparts)
{
	int			n = 0;

	parts[n++] = s;
	for (; *s; s++)
	{
		if (*s == ':')
		{
			if (n == maxparts)
				return maxparts + 1;
			*s = '\0';
			parts[n++] = s + 1;
		}
	}
	return n;
}

static void
parse_b64_int(mpz_t x, const char *text, Size maxbytes, const char *type, const char *what)
{
	mpc_error	err;

	if (ser_from_b64url(x, text, strlen(text), maxbytes, &err) != MPC_OK)
		mpc_bad_text(type, psprintf("Field %s: %s.", what, err.msg));
}

char *
mpc_b64_of(const mpz_t x)
{
	char	   *s = palloc(b64url_encoded_len(ser_bytes_len(x)) + 1);

	ser_to_b64url(x, s);
	return s;
}

/* base64url of a secret x in a secret buffer: wiped when freed with
 * mpc_secret_free, or when its memory context goes (an ERROR included) */
char *
mpc_b64_of_secret(const mpz_t x)
{
	char	   *s = mpc_secret_alloc(b64url_encoded_len(ser_bytes_len(x)) + 1);

	ser_to_b64url(x, s);
	return s;
}

/* "sk1:" p ":" q in a secret buffer */
static char *
privkey_text(const pai_priv *sk)
{
	char	   *p = mpc_b64_of_secret(sk->p);
	char	   *q = mpc_b64_of_secret(sk->q);
	Size		len = 4 + strlen(p) + 1 + strlen(q) + 1;
	char	   *s = mpc_secret_alloc(len);

	snprintf(s, len, "sk1:%s:%s", p, q);
	mpc_secret_free(p);
	mpc_secret_free(q);
	return s;
}

/* ---------------------------------------------------------------------
 * paillier_pubkey
 * --------------------------------------------------------------------- */
MPC_FUNCTION(paillier_pubkey_in)
{
	char	   *s = pstrdup(PG_GETARG_CSTRING(0));
	char	   *parts[3];
	mpz_t		n;

	if (mpc_split_colon(s, parts, 2) != 2 || strcmp(parts[0], "pk1") != 0)
		mpc_bad_text("paillier_pubkey", "Expected \"pk1:\" followed by the base64url modulus.");
	mpz_init(n);
	parse_b64_int(n, parts[1], MAX_NBYTES, "paillier_pubkey", "n");
	PG_RETURN_POINTER(mpc_make_pubkey(mpc_pubkey_from_mpz(n)));
}

MPC_FUNCTION(paillier_pubkey_out)
{
	PaillierPubkey *v = PG_GETARG_PAILLIER_PUBKEY_P(0);
	const pai_pub *pk = mpc_pubkey_key(v);

	PG_RETURN_CSTRING(psprintf("pk1:%s", mpc_b64_of(pk->n)));
}

MPC_FUNCTION(paillier_pubkey_send)
{
	PaillierPubkey *v = PG_GETARG_PAILLIER_PUBKEY_P(0);
	StringInfoData buf;

	mpc_check_pubkey(v);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, v->version);
	pq_sendbyte(&buf, v->flags);
	pq_sendint16(&buf, v->reserved);
	pq_sendint32(&buf, v->nbytes);
	pq_sendbytes(&buf, (const char *) v->fp, PAI_FP_LEN);
	pq_sendbytes(&buf, (const char *) v->data, v->nbytes);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

void
mpc_bad_binary(const char *type, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary value for type %s", type),
			 errdetail("%s", detail)));
}


static void
recv_header(StringInfo buf, const char *type)
{
	int			version,
				flags;

	mpc_recv_need(buf, 2, type);
	version = pq_getmsgbyte(buf);
	flags = pq_getmsgbyte(buf);

	if (version != PAI_FORMAT_VERSION)
		mpc_bad_binary(type, psprintf("Format version %d is not supported (expected %d).",
								  version, PAI_FORMAT_VERSION));
	if (flags != 0)
		mpc_bad_binary(type, "Reserved flags are not zero.");
}

MPC_FUNCTION(paillier_pubkey_recv)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint32		nbytes;
	const char *fp;
	const char *n;
	const pai_pub *pk;

	recv_header(buf, "paillier_pubkey");
	mpc_recv_need(buf, 2, "paillier_pubkey");
	if (pq_getmsgint(buf, 2) != 0)
		mpc_bad_binary("paillier_pubkey", "Reserved field is not zero.");
	nbytes = mpc_recv_len(buf, MAX_NBYTES, "paillier_pubkey", "n");
	mpc_recv_need(buf, PAI_FP_LEN + (Size) nbytes, "paillier_pubkey");
	fp = pq_getmsgbytes(buf, PAI_FP_LEN);
	n = pq_getmsgbytes(buf, nbytes);
	pk = mpc_pubkey_from_n((const uint8 *) n, nbytes);
	if (memcmp(fp, pk->fp, PAI_FP_LEN) != 0)
		mpc_bad_binary("paillier_pubkey", "Fingerprint does not match the modulus.");
	PG_RETURN_POINTER(mpc_make_pubkey(pk));
}

/* ---------------------------------------------------------------------
 * paillier_privkey
 * --------------------------------------------------------------------- */
PaillierPrivkey *
mpc_privkey_from_pq(const mpz_t p, const mpz_t q)
{
	pai_priv	sk;
	mpc_error	err;
	PaillierPrivkey *v;

	if (pai_priv_init(&sk, p, q, PAI_MIN_BITS, &err) != MPC_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid paillier private key: %s", err.msg)));
	v = mpc_make_privkey(&sk);
	pai_priv_clear(&sk);
	return v;
}

MPC_FUNCTION(paillier_privkey_in)
{
	const char *in = PG_GETARG_CSTRING(0);
	Size		len = strlen(in) + 1;
	char	   *s = mpc_secret_alloc(len);	/* wiped on every exit */
	char	   *parts[4];
	mpz_t		p, q;
	PaillierPrivkey *v;

	memcpy(s, in, len);
	if (strncmp(s, "pk1:", 4) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type paillier_privkey"),
				 errdetail("The value is a public key (\"pk1:...\"); a private key starts with \"sk1:\"."),
				 errhint("Only the private key decrypts: paillier_decrypt(ciphertext, private_key).")));
	if (mpc_split_colon(s, parts, 3) != 3 || strcmp(parts[0], "sk1") != 0)
	{
		mpc_bad_text("paillier_privkey", "Expected \"sk1:\" followed by the base64url primes p and q separated by \":\".");
	}
	mpz_inits(p, q, NULL);
	parse_b64_int(p, parts[1], MAX_NBYTES / 2 + 1, "paillier_privkey", "p");
	parse_b64_int(q, parts[2], MAX_NBYTES / 2 + 1, "paillier_privkey", "q");
	mpc_secret_free(s);
	v = mpc_privkey_from_pq(p, q);
	mpz_clears(p, q, NULL);
	PG_RETURN_POINTER(v);
}

MPC_FUNCTION(paillier_privkey_out)
{
	PaillierPrivkey *v = PG_GETARG_PAILLIER_PRIVKEY_P(0);
	const pai_priv *sk = mpc_privkey_get(v);
	char	   *text = privkey_text(sk);
	char	   *out = pstrdup(text);	/* the caller's: the one copy we cannot wipe */

	mpc_secret_free(text);
	PG_RETURN_CSTRING(out);
}

MPC_FUNCTION(paillier_privkey_send)
{
	PaillierPrivkey *v = PG_GETARG_PAILLIER_PRIVKEY_P(0);
	StringInfoData buf;

	mpc_check_privkey(v);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, v->version);
	pq_sendbyte(&buf, v->flags);
	pq_sendint16(&buf, v->reserved);
	pq_sendint32(&buf, v->pbytes);
	pq_sendint32(&buf, v->qbytes);
	pq_sendbytes(&buf, (const char *) v->fp, PAI_FP_LEN);
	pq_sendbytes(&buf, (const char *) v->data, v->pbytes + v->qbytes);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

MPC_FUNCTION(paillier_privkey_recv)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint32		pb, qb;
	const char *fp;
	const char *pd, *qd;
	mpz_t		p, q;
	PaillierPrivkey *v;

	recv_header(buf, "paillier_privkey");
	mpc_recv_need(buf, 2 + 4 + 4, "paillier_privkey");
	if (pq_getmsgint(buf, 2) != 0)
		mpc_bad_binary("paillier_privkey", "Reserved field is not zero.");
	pb = pq_getmsgint(buf, 4);
	qb = pq_getmsgint(buf, 4);
	if (pb == 0 || qb == 0 || pb > MAX_NBYTES / 2 + 1 || qb > MAX_NBYTES / 2 + 1)
		mpc_bad_binary("paillier_privkey", "Prime lengths are out of range.");
	mpc_recv_need(buf, PAI_FP_LEN + (Size) pb + qb, "paillier_privkey");
	fp = pq_getmsgbytes(buf, PAI_FP_LEN);
	pd = pq_getmsgbytes(buf, pb);
	qd = pq_getmsgbytes(buf, qb);
	mpz_inits(p, q, NULL);
	ser_from_bytes(p, (const uint8 *) pd, pb);
	ser_from_bytes(q, (const uint8 *) qd, qb);
	v = mpc_privkey_from_pq(p, q);
	mpz_clears(p, q, NULL);
	if (memcmp(fp, v->fp, PAI_FP_LEN) != 0)
		mpc_bad_binary("paillier_privkey", "Fingerprint does not match p * q.");
	PG_RETURN_POINTER(v);
}

/* ---------------------------------------------------------------------
 * paillier_ciphertext
 * --------------------------------------------------------------------- */
static PaillierCiphertext *
ct_from_parts(const pai_pub *pk, long scale, long bound, const mpz_t c, int sqlstate,
			  const char *type)
{
	mpc_error	err;
	mpc_status	st;

	if (bound < 0)
		bound = fx_legacy_bound(pk->nbits);	/* format 1 */
	st = enc_check_scale(scale, &err);
	if (st == MPC_OK && bound > (long) fx_limit(pk))
		st = mpc_fail(&err, MPC_ERR_ARG,
					  "the magnitude bound %ld is beyond what a %zu-bit key holds (%u)",
					  bound, pk->nbits, fx_limit(pk));
	if (st == MPC_OK)
		st = pai_check_ciphertext(pk, c, 1, &err);
	if (st != MPC_OK)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s", type),
				 errdetail("%s.", err.msg)));
	return mpc_make_ct(pk, (int) scale, (uint32) bound, c);
}

const pai_pub *
mpc_pubkey_from_mpz(const mpz_t n)
{
	Size		len = ser_bytes_len(n);
	uint8	   *bytes = palloc(len);

	mpz_export(bytes, NULL, 1, 1, 1, 0, n);
	return mpc_pubkey_from_n(bytes, len);
}

/*
 * A non-negative decimal field of a type's text form, at most PG_INT32_MAX:
 * the one parser of such counts (ciphertext and packed text forms), with
 * ERROR 22P02 and the caller's detail otherwise.
 */
long
mpc_text_count(const char *s, const char *type, const char *detail)
{
	char	   *end;
	long		x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (*s == '\0' || !isdigit((unsigned char) *s) || *end != '\0' || errno != 0 ||
		x > PG_INT32_MAX)
		mpc_bad_text(type, detail);
	return x;
}

static long
ct_text_count(const char *s, const char *what)
{
	return mpc_text_count(s, "paillier_ciphertext",
						  psprintf("The %s is not a non-negative integer.", what));
}

MPC_FUNCTION(paillier_ciphertext_in)
{
	char	   *s = pstrdup(PG_GETARG_CSTRING(0));
	char	   *parts[6];
	int			nparts;
	int			v2;
	long		scale,
				bound = -1;
	char	   *nfield,
			   *cfield;
	mpz_t		n, c;
	const pai_pub *pk;

	nparts = mpc_split_colon(s, parts, 5);
	v2 = nparts == 5 && strcmp(parts[0], "ct2") == 0;
	if (!v2 && !(nparts == 4 && strcmp(parts[0], "ct1") == 0))
		mpc_bad_text("paillier_ciphertext",
					 "Expected \"ct2:<scale>:<bound>:<n>:<c>\" (or format 1, \"ct1:<scale>:<n>:<c>\") with base64url integers.");
	scale = ct_text_count(parts[1], "scale");
	if (v2)
		bound = ct_text_count(parts[2], "bound");
	nfield = parts[v2 ? 3 : 2];
	cfield = parts[v2 ? 4 : 3];
	mpz_inits(n, c, NULL);
	parse_b64_int(n, nfield, MAX_NBYTES, "paillier_ciphertext", "n");
	pk = mpc_pubkey_from_mpz(n);
	/* c is written at its full width of 2 * nbytes bytes, so a truncated
	 * value is a length error rather than a different valid number */
	{
		Size		width = 2 * pk->nbytes;
		Size		len = 0;
		uint8	   *raw = palloc(b64url_decoded_max(strlen(cfield)) + 1);
		mpc_error	err;

		if (strlen(cfield) != b64url_encoded_len(width))
			mpc_bad_text("paillier_ciphertext",
					 psprintf("Field c must be %zu base64url characters (%zu bytes) for this key, got %zu.",
							  b64url_encoded_len(width), width, strlen(cfield)));
		if (b64url_decode(cfield, strlen(cfield), raw, &len, &err) != MPC_OK)
			mpc_bad_text("paillier_ciphertext", psprintf("Field c: %s.", err.msg));
		ser_from_bytes(c, raw, len);
	}
	PG_RETURN_POINTER(ct_from_parts(pk, scale, bound, c, ERRCODE_INVALID_TEXT_REPRESENTATION,
									"input syntax for type paillier_ciphertext"));
}

MPC_FUNCTION(paillier_ciphertext_out)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);
	const pai_pub *pk = mpc_ct_key(ct);
	char	   *c = palloc(b64url_encoded_len(2 * CT_NBYTES(ct)) + 1);

	b64url_encode(CT_C(ct), 2 * CT_NBYTES(ct), c);
	PG_RETURN_CSTRING(psprintf("ct2:%d:%u:%s:%s", CT_SCALE(ct), mpc_ct_bound(ct),
							   mpc_b64_of(pk->n), c));
}

/*
 * Binary form: byte version (2), byte flags (0), int16 scale, int32 nbytes,
 * fp, int32 bound, n, c.  Format 1 (no bound) is still received.
 */
MPC_FUNCTION(paillier_ciphertext_send)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);
	StringInfoData buf;

	mpc_check_ct(ct);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PAI_CT_VERSION);
	pq_sendbyte(&buf, 0);
	pq_sendint16(&buf, (uint16) CT_SCALE(ct));
	pq_sendint32(&buf, (uint32) CT_NBYTES(ct));
	pq_sendbytes(&buf, (const char *) CT_FP(ct), PAI_FP_LEN);
	pq_sendint32(&buf, mpc_ct_bound(ct));
	pq_sendbytes(&buf, (const char *) CT_N(ct), 3 * CT_NBYTES(ct));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

MPC_FUNCTION(paillier_ciphertext_recv)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version,
				flags;
	int16		scale;
	uint32		nbytes;
	long		bound = -1;
	const char *fp;
	const char *nd, *cd;
	const pai_pub *pk;
	mpz_t		c;

	mpc_recv_need(buf, 2, "paillier_ciphertext");
	version = pq_getmsgbyte(buf);
	flags = pq_getmsgbyte(buf);
	if (version != PAI_CT_VERSION && version != PAI_CT_VERSION_V1)
		mpc_bad_binary("paillier_ciphertext",
					   psprintf("Format version %d is not supported (expected %d or %d).",
								version, PAI_CT_VERSION, PAI_CT_VERSION_V1));
	if (flags != 0)
		mpc_bad_binary("paillier_ciphertext", "Reserved flags are not zero.");
	mpc_recv_need(buf, 2, "paillier_ciphertext");
	scale = (int16) pq_getmsgint(buf, 2);
	nbytes = mpc_recv_len(buf, MAX_NBYTES, "paillier_ciphertext", "n");
	mpc_recv_need(buf, PAI_FP_LEN, "paillier_ciphertext");
	fp = pq_getmsgbytes(buf, PAI_FP_LEN);
	if (version == PAI_CT_VERSION)
	{
		mpc_recv_need(buf, 4, "paillier_ciphertext");
		bound = (long) pq_getmsgint(buf, 4);
	}
	mpc_recv_need(buf, 3 * (Size) nbytes, "paillier_ciphertext");
	nd = pq_getmsgbytes(buf, nbytes);
	cd = pq_getmsgbytes(buf, 2 * nbytes);
	if (nd[0] == 0)
		mpc_bad_binary("paillier_ciphertext", "The modulus has a leading zero byte.");
	pk = mpc_pubkey_from_n((const uint8 *) nd, nbytes);
	if (memcmp(fp, pk->fp, PAI_FP_LEN) != 0)
		mpc_bad_binary("paillier_ciphertext", "Fingerprint does not match the modulus.");
	mpz_init(c);
	ser_from_bytes(c, (const uint8 *) cd, 2 * nbytes);
	PG_RETURN_POINTER(ct_from_parts(pk, scale, bound, c, ERRCODE_INVALID_BINARY_REPRESENTATION,
									"binary value for type paillier_ciphertext"));
}
