/*
 * paillier_io.c: text and binary I/O of the Paillier types, and the JSON
 * formats of python-paillier (JWK keys, {"v", "e"} ciphertexts).
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
#include "utils/jsonb.h"
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
static char *
b64_of_secret(const mpz_t x)
{
	char	   *s = mpc_secret_alloc(b64url_encoded_len(ser_bytes_len(x)) + 1);

	ser_to_b64url(x, s);
	return s;
}

/* "sk1:" p ":" q in a secret buffer */
static char *
privkey_text(const pai_priv *sk)
{
	char	   *p = b64_of_secret(sk->p);
	char	   *q = b64_of_secret(sk->q);
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
static PaillierPrivkey *
privkey_from_pq(const mpz_t p, const mpz_t q)
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
	v = privkey_from_pq(p, q);
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
	v = privkey_from_pq(p, q);
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
 * the one parser of such counts (ciphertext and packed text forms).
 * Returns -1 when s is not one.
 */
long
mpc_text_count(const char *s)
{
	char	   *end;
	long		x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (*s == '\0' || !isdigit((unsigned char) *s) || *end != '\0' || errno != 0 ||
		x > PG_INT32_MAX)
		return -1;
	return x;
}

static long
ct_text_count(const char *s, const char *what)
{
	long		x = mpc_text_count(s);

	if (x < 0)
		mpc_bad_text("paillier_ciphertext", psprintf("The %s is not a non-negative integer.", what));
	return x;
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

/* ---------------------------------------------------------------------
 * JSON: python-paillier's JWK keys and {"v": ..., "e": ...} ciphertexts
 * --------------------------------------------------------------------- */
static Datum
jsonb_from_cstring(const char *s)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(s));
}

static char *
fp_hex(const uint8 *fp)
{
	char	   *s = palloc(PAI_FP_HEX_LEN);

	pai_fingerprint_hex(fp, s);
	return s;
}

static char *
jwk_pub_text(const pai_pub *pk)
{
	return psprintf("{\"kty\": \"DAJ\", \"alg\": \"PAI-GN1\", \"key_ops\": [\"encrypt\"], \"n\": \"%s\", \"kid\": \"paillier %s\"}",
					mpc_b64_of(pk->n), fp_hex(pk->fp));
}

MPC_FUNCTION(paillier_jwk_pub)
{
	const pai_pub *pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));

	PG_RETURN_DATUM(jsonb_from_cstring(jwk_pub_text(pk)));
}

MPC_FUNCTION(paillier_jwk_priv)
{
	const pai_priv *sk = mpc_privkey_get(PG_GETARG_PAILLIER_PRIVKEY_P(0));
	char	   *p = b64_of_secret(sk->p);
	char	   *q = b64_of_secret(sk->q);
	char	   *text = psprintf("{\"kty\": \"DAJ\", \"key_ops\": [\"decrypt\"], \"p\": \"%s\", \"q\": \"%s\", \"pub\": %s, \"kid\": \"paillier %s\"}",
								p, q, jwk_pub_text(&sk->pub), fp_hex(sk->pub.fp));
	Datum		result = jsonb_from_cstring(text);

	mpc_wipe(text, strlen(text));
	mpc_secret_free(p);
	mpc_secret_free(q);
	PG_RETURN_DATUM(result);
}

MPC_NORETURN static void
bad_json(const char *what, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s", what),
			 errdetail("%s", detail)));
}

/* The value of key in a JSON object, or NULL. */
static JsonbValue *
json_get(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), palloc(sizeof(JsonbValue)));
}

static char *
json_get_string(JsonbContainer *obj, const char *key, const char *what, bool required)
{
	JsonbValue *v = json_get(obj, key);

	if (v == NULL)
	{
		if (required)
			bad_json(what, psprintf("The member \"%s\" is missing.", key));
		return NULL;
	}
	if (v->type != jbvString)
		bad_json(what, psprintf("The member \"%s\" is not a string.", key));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

static void
require_object(Jsonb *jb, const char *what)
{
	if (!JB_ROOT_IS_OBJECT(jb))
		bad_json(what, "Expected a JSON object.");
}

static void
jwk_check_kty(JsonbContainer *obj, const char *what)
{
	char	   *kty = json_get_string(obj, "kty", what, true);
	char	   *alg = json_get_string(obj, "alg", what, false);

	if (strcmp(kty, "DAJ") != 0)
		bad_json(what, psprintf("\"kty\" is \"%s\", expected \"DAJ\" (a Paillier key).", kty));
	if (alg != NULL && strcmp(alg, "PAI-GN1") != 0)
		bad_json(what, psprintf("\"alg\" is \"%s\", expected \"PAI-GN1\" (g = n + 1).", alg));
}

static void
jwk_int(mpz_t x, JsonbContainer *obj, const char *key, Size maxbytes, const char *what)
{
	char	   *s = json_get_string(obj, key, what, true);
	mpc_error	err;

	if (ser_from_b64url(x, s, strlen(s), maxbytes, &err) != MPC_OK)
		bad_json(what, psprintf("Member \"%s\": %s.", key, err.msg));
	mpc_wipe(s, strlen(s));
}

/*
 * Only g = n + 1 is supported.  With another g (paillier-bigint's
 * generateRandomKeys(bits) picks a random one) ciphertexts still add up and
 * scale (c^k needs no g), but a plaintext added or encrypted here is encoded
 * with n + 1 and decrypts to garbage there, so where g is given and is not
 * n + 1 the key is refused.
 */
static void
require_g_n_plus_1(const mpz_t g, const mpz_t n, const char *what)
{
	if (!pai_g_is_n_plus_1(g, n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: generator g is not n + 1", what),
				 errdetail("Only Paillier keys with g = n + 1 are supported; with another g, ciphertexts still add up, but a plaintext added here (\"ct + 1\") or encrypted here decrypts to a wrong value there."),
				 errhint("Make the key with g = n + 1 (paillier-bigint: generateRandomKeys(bits, true)), or give only n.")));
}

MPC_FUNCTION(paillier_pubkey_from_jwk)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	mpz_t		n;

	require_object(jb, "JWK public key");
	jwk_check_kty(&jb->root, "JWK public key");
	mpz_init(n);
	jwk_int(n, &jb->root, "n", MAX_NBYTES, "JWK public key");
	if (json_get(&jb->root, "g") != NULL)
	{
		mpz_t		g;

		mpz_init(g);
		jwk_int(g, &jb->root, "g", MAX_NBYTES + 1, "JWK public key");
		require_g_n_plus_1(g, n, "JWK public key");
	}
	PG_RETURN_POINTER(mpc_make_pubkey(mpc_pubkey_from_mpz(n)));
}

/* A decimal or 0x-hexadecimal non-negative integer of at most maxbytes. */
static void
parse_dec_or_hex(mpz_t x, const char *text, Size maxbytes, const char *what, const char *arg)
{
	const char *s = text;
	int			base = 10;
	Size		len;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
	{
		base = 16;
		s += 2;
	}
	len = strlen(s);
	if (len == 0 || len > (base == 16 ? 2 * maxbytes : 3 * maxbytes))
		bad_json(what, psprintf("%s has no digits or too many.", arg));
	for (const char *d = s; *d; d++)
		if (base == 16 ? !isxdigit((unsigned char) *d) : !isdigit((unsigned char) *d))
			bad_json(what, psprintf("%s is not a %s integer.", arg,
									base == 16 ? "0x-hexadecimal" : "decimal"));
	if (mpz_set_str(x, s, base) != 0)
		bad_json(what, psprintf("%s is not an integer.", arg));
}

/* paillier_pubkey_from_n(n text, g text DEFAULT NULL) RETURNS paillier_pubkey */
MPC_FUNCTION(paillier_pubkey_from_n)
{
	const char *what = "Paillier modulus";
	mpz_t		n;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	mpz_init(n);
	parse_dec_or_hex(n, text_to_cstring(PG_GETARG_TEXT_PP(0)), MAX_NBYTES, what, "n");
	if (mpz_sgn(n) == 0)
		bad_json(what, "n is zero.");
	if (!PG_ARGISNULL(1))
	{
		mpz_t		g;

		mpz_init(g);
		parse_dec_or_hex(g, text_to_cstring(PG_GETARG_TEXT_PP(1)), MAX_NBYTES + 1, what, "g");
		require_g_n_plus_1(g, n, "Paillier public key");
	}
	PG_RETURN_POINTER(mpc_make_pubkey(mpc_pubkey_from_mpz(n)));
}

MPC_FUNCTION(paillier_privkey_from_jwk)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	JsonbValue *pub;
	mpz_t		p, q;
	PaillierPrivkey *v;

	require_object(jb, "JWK private key");
	jwk_check_kty(&jb->root, "JWK private key");
	mpz_inits(p, q, NULL);
	jwk_int(p, &jb->root, "p", MAX_NBYTES / 2 + 1, "JWK private key");
	jwk_int(q, &jb->root, "q", MAX_NBYTES / 2 + 1, "JWK private key");
	v = privkey_from_pq(p, q);
	mpz_clears(p, q, NULL);

	/* an embedded public key must be the same key */
	pub = json_get(&jb->root, "pub");
	if (pub != NULL)
	{
		mpz_t		n;
		const pai_priv *sk = mpc_privkey_get(v);

		if (pub->type != jbvBinary || !JsonContainerIsObject(pub->val.binary.data))
			bad_json("JWK private key", "The member \"pub\" is not an object.");
		mpz_init(n);
		jwk_int(n, pub->val.binary.data, "n", MAX_NBYTES, "JWK private key");
		if (mpz_cmp(n, sk->pub.n) != 0)
			bad_json("JWK private key", "The embedded public key \"pub\" does not match p * q.");
	}
	PG_RETURN_POINTER(v);
}

/*
 * python-paillier encodes x as mantissa * 16^e.  We export e = 0 and, for a
 * ciphertext at scale s > 0, an extra member "scale": s (python-paillier
 * ignores unknown members and then reads the integer x * 10^s), and always
 * "bound": the public magnitude bound, so that our own import keeps it.
 */
MPC_FUNCTION(paillier_ciphertext_to_json)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);
	mpz_t		c;
	char	   *dec;

	mpc_ct_key(ct);
	mpz_init(c);
	mpc_ct_get(ct, c);
	dec = mpz_get_str(NULL, 10, c);
	if (CT_SCALE(ct) == 0)
		PG_RETURN_DATUM(jsonb_from_cstring(psprintf("{\"v\": \"%s\", \"e\": 0, \"bound\": %u}",
													dec, mpc_ct_bound(ct))));
	PG_RETURN_DATUM(jsonb_from_cstring(psprintf("{\"v\": \"%s\", \"e\": 0, \"scale\": %d, \"bound\": %u}",
												dec, CT_SCALE(ct), mpc_ct_bound(ct))));
}

/* An integer JSON member (a JSON number without fraction), or default. */
static long
json_get_int(JsonbContainer *obj, const char *key, long dflt, bool *found, const char *what)
{
	JsonbValue *v = json_get(obj, key);
	char	   *s;
	char	   *end;
	long		r;

	*found = v != NULL;
	if (v == NULL)
		return dflt;
	if (v->type != jbvNumeric)
		bad_json(what, psprintf("The member \"%s\" is not a number.", key));
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	r = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || r < -1000000 || r > 1000000)
		bad_json(what, psprintf("The member \"%s\" is not a small integer.", key));
	return r;
}

/*
 * paillier_ciphertext_from_json(key, json, max_abs numeric DEFAULT NULL):
 * not STRICT because of max_abs.  The bound of the result is, in order:
 * the declared max_abs; the "bound" member of our own export; the default
 * range of a numeric (|x| <= 2^128).  None of them can be checked against
 * the encrypted value: they are the importer's declaration.
 */
MPC_FUNCTION(paillier_ciphertext_from_json)
{
	const pai_pub *pk;
	Jsonb	   *jb;
	const char *what = "python-paillier ciphertext";
	JsonbValue *v;
	char	   *digits;
	long		e,
				scale,
				jbound;
	bool		has_e,
				has_scale,
				has_bound;
	fx_ct		x;
	mpc_error	err;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));
	jb = PG_GETARG_JSONB_P(1);
	require_object(jb, what);
	v = json_get(&jb->root, "v");
	if (v == NULL)
		bad_json(what, "The member \"v\" is missing.");
	if (v->type == jbvString)
		digits = pnstrdup(v->val.string.val, v->val.string.len);
	else if (v->type == jbvNumeric)
		digits = DatumGetCString(DirectFunctionCall1(numeric_out,
													 NumericGetDatum(v->val.numeric)));
	else
		bad_json(what, "The member \"v\" is neither a string nor a number.");
	for (char *d = digits; *d; d++)
		if (!isdigit((unsigned char) *d))
			bad_json(what, "The member \"v\" is not a non-negative decimal integer.");
	if (*digits == '\0' || strlen(digits) > 2 * MAX_NBYTES * 3)
		bad_json(what, "The member \"v\" has no digits or too many.");
	e = json_get_int(&jb->root, "e", 0, &has_e, what);
	scale = json_get_int(&jb->root, "scale", 0, &has_scale, what);
	jbound = json_get_int(&jb->root, "bound", 0, &has_bound, what);

	fx_init(&x);
	mpz_set_str(x.c, digits, 10);
	if (pai_check_ciphertext(pk, x.c, 1, &err) != MPC_OK)
		bad_json(what, psprintf("%s.", err.msg));
	if (has_scale)
	{
		/* our own export: e is 0 and the decimal scale is explicit */
		if (e != 0)
			bad_json(what, "A ciphertext with \"scale\" must have \"e\": 0.");
		if (enc_check_scale(scale, &err) != MPC_OK)
			bad_json(what, psprintf("%s.", err.msg));
	}
	else
	{
		if (e > 64)
			bad_json(what, "The exponent \"e\" is larger than 64.");
		if (e < 0 && enc_check_scale(-4 * e, &err) != MPC_OK)
			bad_json(what, psprintf("The exponent \"e\" = %ld needs a decimal scale beyond %d.",
									e, PAI_MAX_SCALE));
		scale = e < 0 ? -4 * e : 0;
	}

	/* the bound first: nothing is computed for a range that does not fit */
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
	{
		mpz_t		max_k;
		int			max_f;

		mpz_init(max_k);
		mpc_numeric_to_scaled(PG_GETARG_DATUM(2), max_k, &max_f,
							  "paillier_ciphertext_from_json: max_abs");
		if (fx_declared_bound(pk, (int) scale, max_k, max_f, &x.bound, &err) != MPC_OK)
			mpc_raise_fx(&err, "paillier_ciphertext_from_json");
	}
	else if (has_bound)
	{
		if (jbound < 0 || jbound > (long) fx_limit(pk))
			bad_json(what, psprintf("The member \"bound\" must be between 0 and %u for this key.",
									fx_limit(pk)));
		x.bound = (uint32) jbound;
	}
	else
	{
		mpz_t		max_k;

		mpz_init(max_k);
		fx_default_max(max_k, FX_DEFAULT_BITS_NUMERIC);
		if (fx_declared_bound(pk, (int) scale, max_k, 0, &x.bound, &err) != MPC_OK)
			mpc_raise_fx(&err, "paillier_ciphertext_from_json");
	}
	x.scale = (int) scale;
	if (!has_scale && fx_from_base16(pk, x.c, e, &x.scale, &err) != MPC_OK)
		mpc_raise(&err, "paillier_ciphertext_from_json");
	PG_RETURN_POINTER(mpc_make_fx(pk, &x));
}
