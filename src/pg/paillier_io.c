/*
 * paillier_io.c: text and binary I/O of the Paillier types, and the JSON
 * formats of python-paillier (JWK keys, {"v", "e"} ciphertexts).
 *
 * Text forms (base64url without padding of minimal big-endian integers):
 *   paillier_pubkey      pk1:<n>
 *   paillier_privkey     sk1:<p>:<q>
 *   paillier_ciphertext  ct1:<scale>:<n>:<c>
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

	if (mpz_from_b64url(x, text, strlen(text), maxbytes, &err) != MPC_OK)
		mpc_bad_text(type, psprintf("Field %s: %s.", what, err.msg));
}

char *
mpc_b64_of(const mpz_t x)
{
	char	   *s = palloc(b64url_encoded_len(mpz_bytes_len(x)) + 1);

	mpz_to_b64url(x, s);
	return s;
}

/* base64url of a secret x in a secret buffer: wiped when freed with
 * mpc_secret_free, or when its memory context goes (an ERROR included) */
static char *
b64_of_secret(const mpz_t x)
{
	char	   *s = mpc_secret_alloc(b64url_encoded_len(mpz_bytes_len(x)) + 1);

	mpz_to_b64url(x, s);
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

static uint32
recv_len(StringInfo buf, uint32 max, const char *type, const char *what)
{
	uint32		len;

	mpc_recv_need(buf, 4, type);
	len = pq_getmsgint(buf, 4);

	if (len == 0 || len > max || len > (uint32) (buf->len - buf->cursor))
		mpc_bad_binary(type, psprintf("Length of %s (%u) is out of range.", what, len));
	return len;
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
	nbytes = recv_len(buf, MAX_NBYTES, "paillier_pubkey", "n");
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
	mpz_from_bytes(p, (const uint8 *) pd, pb);
	mpz_from_bytes(q, (const uint8 *) qd, qb);
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
ct_from_parts(const pai_pub *pk, long scale, const mpz_t c, int sqlstate, const char *type)
{
	mpc_error	err;

	if (enc_check_scale(scale, &err) != MPC_OK ||
		pai_check_ciphertext(pk, c, 1, &err) != MPC_OK)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s", type),
				 errdetail("%s.", err.msg)));
	return mpc_make_ct(pk, (int) scale, c);
}

const pai_pub *
mpc_pubkey_from_mpz(const mpz_t n)
{
	Size		len = mpz_bytes_len(n);
	uint8	   *bytes = palloc(len);

	mpz_export(bytes, NULL, 1, 1, 1, 0, n);
	return mpc_pubkey_from_n(bytes, len);
}

MPC_FUNCTION(paillier_ciphertext_in)
{
	char	   *s = pstrdup(PG_GETARG_CSTRING(0));
	char	   *parts[5];
	char	   *end;
	long		scale;
	mpz_t		n, c;
	const pai_pub *pk;

	if (mpc_split_colon(s, parts, 4) != 4 || strcmp(parts[0], "ct1") != 0)
		mpc_bad_text("paillier_ciphertext",
				 "Expected \"ct1:<scale>:<n>:<c>\" with base64url integers.");
	errno = 0;
	scale = strtol(parts[1], &end, 10);
	if (*parts[1] == '\0' || *end != '\0' || errno != 0 || !isdigit((unsigned char) *parts[1]))
		mpc_bad_text("paillier_ciphertext", "The scale is not a non-negative integer.");
	mpz_inits(n, c, NULL);
	parse_b64_int(n, parts[2], MAX_NBYTES, "paillier_ciphertext", "n");
	pk = mpc_pubkey_from_mpz(n);
	/* c is written at its full width of 2 * nbytes bytes, so a truncated
	 * value is a length error rather than a different valid number */
	{
		Size		width = 2 * pk->nbytes;
		Size		len = 0;
		uint8	   *raw = palloc(b64url_decoded_max(strlen(parts[3])) + 1);
		mpc_error	err;

		if (strlen(parts[3]) != b64url_encoded_len(width))
			mpc_bad_text("paillier_ciphertext",
					 psprintf("Field c must be %zu base64url characters (%zu bytes) for this key, got %zu.",
							  b64url_encoded_len(width), width, strlen(parts[3])));
		if (b64url_decode(parts[3], strlen(parts[3]), raw, &len, &err) != MPC_OK)
			mpc_bad_text("paillier_ciphertext", psprintf("Field c: %s.", err.msg));
		mpz_from_bytes(c, raw, len);
	}
	PG_RETURN_POINTER(ct_from_parts(pk, scale, c, ERRCODE_INVALID_TEXT_REPRESENTATION,
									"input syntax for type paillier_ciphertext"));
}

MPC_FUNCTION(paillier_ciphertext_out)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);
	const pai_pub *pk = mpc_ct_key(ct);
	char	   *c = palloc(b64url_encoded_len(2 * (Size) ct->nbytes) + 1);

	b64url_encode(CT_C(ct), 2 * (Size) ct->nbytes, c);
	PG_RETURN_CSTRING(psprintf("ct1:%d:%s:%s", ct->scale, mpc_b64_of(pk->n), c));
}

MPC_FUNCTION(paillier_ciphertext_send)
{
	PaillierCiphertext *ct = PG_GETARG_PAILLIER_CT_P(0);
	StringInfoData buf;

	mpc_check_ct(ct);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, ct->version);
	pq_sendbyte(&buf, ct->flags);
	pq_sendint16(&buf, (uint16) ct->scale);
	pq_sendint32(&buf, ct->nbytes);
	pq_sendbytes(&buf, (const char *) ct->fp, PAI_FP_LEN);
	pq_sendbytes(&buf, (const char *) ct->data, 3 * ct->nbytes);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

MPC_FUNCTION(paillier_ciphertext_recv)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int16		scale;
	uint32		nbytes;
	const char *fp;
	const char *nd, *cd;
	const pai_pub *pk;
	mpz_t		c;

	recv_header(buf, "paillier_ciphertext");
	mpc_recv_need(buf, 2, "paillier_ciphertext");
	scale = (int16) pq_getmsgint(buf, 2);
	nbytes = recv_len(buf, MAX_NBYTES, "paillier_ciphertext", "n");
	mpc_recv_need(buf, PAI_FP_LEN + 3 * (Size) nbytes, "paillier_ciphertext");
	fp = pq_getmsgbytes(buf, PAI_FP_LEN);
	nd = pq_getmsgbytes(buf, nbytes);
	cd = pq_getmsgbytes(buf, 2 * nbytes);
	if (nd[0] == 0)
		mpc_bad_binary("paillier_ciphertext", "The modulus has a leading zero byte.");
	pk = mpc_pubkey_from_n((const uint8 *) nd, nbytes);
	if (memcmp(fp, pk->fp, PAI_FP_LEN) != 0)
		mpc_bad_binary("paillier_ciphertext", "Fingerprint does not match the modulus.");
	mpz_init(c);
	mpz_from_bytes(c, (const uint8 *) cd, 2 * nbytes);
	PG_RETURN_POINTER(ct_from_parts(pk, scale, c, ERRCODE_INVALID_BINARY_REPRESENTATION,
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
	char	   *s = palloc(2 * PAI_FP_LEN + 1);
	int			i;

	for (i = 0; i < PAI_FP_LEN; i++)
		sprintf(s + 2 * i, "%02x", fp[i]);
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

pg_attribute_noreturn() static void
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

	if (mpz_from_b64url(x, s, strlen(s), maxbytes, &err) != MPC_OK)
		bad_json(what, psprintf("Member \"%s\": %s.", key, err.msg));
	mpc_wipe(s, strlen(s));
}

MPC_FUNCTION(paillier_pubkey_from_jwk)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	mpz_t		n;

	require_object(jb, "JWK public key");
	jwk_check_kty(&jb->root, "JWK public key");
	mpz_init(n);
	jwk_int(n, &jb->root, "n", MAX_NBYTES, "JWK public key");
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
 * ignores unknown members and then reads the integer x * 10^s).
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
	if (ct->scale == 0)
		PG_RETURN_DATUM(jsonb_from_cstring(psprintf("{\"v\": \"%s\", \"e\": 0}", dec)));
	PG_RETURN_DATUM(jsonb_from_cstring(psprintf("{\"v\": \"%s\", \"e\": 0, \"scale\": %d}",
												dec, ct->scale)));
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

MPC_FUNCTION(paillier_ciphertext_from_json)
{
	const pai_pub *pk = mpc_pubkey_key(PG_GETARG_PAILLIER_PUBKEY_P(0));
	Jsonb	   *jb = PG_GETARG_JSONB_P(1);
	const char *what = "python-paillier ciphertext";
	JsonbValue *v;
	char	   *digits;
	long		e,
				scale;
	bool		has_e,
				has_scale;
	mpz_t		c, k;
	mpc_error	err;

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

	mpz_inits(c, k, NULL);
	mpz_set_str(c, digits, 10);
	if (pai_check_ciphertext(pk, c, 1, &err) != MPC_OK)
		bad_json(what, psprintf("%s.", err.msg));
	if (has_scale)
	{
		/* our own export: e is 0 and the decimal scale is explicit */
		if (e != 0)
			bad_json(what, "A ciphertext with \"scale\" must have \"e\": 0.");
		if (enc_check_scale(scale, &err) != MPC_OK)
			bad_json(what, psprintf("%s.", err.msg));
	}
	else if (e >= 0)
	{
		/* mantissa * 16^e: multiply the plaintext by 16^e */
		if (e > 64)
			bad_json(what, "The exponent \"e\" is larger than 64.");
		mpz_ui_pow_ui(k, 16, (unsigned long) e);
		if (pai_mul_scalar(pk, c, c, k, &err) != MPC_OK)
			mpc_raise(&err, "paillier_ciphertext_from_json");
		scale = 0;
	}
	else
	{
		/* m * 16^e = m * 5^s / 10^s with s = -4e: exact at decimal scale s */
		scale = -4 * e;
		if (enc_check_scale(scale, &err) != MPC_OK)
			bad_json(what, psprintf("The exponent \"e\" = %ld needs a decimal scale beyond %d.",
									e, PAI_MAX_SCALE));
		mpz_ui_pow_ui(k, 5, (unsigned long) scale);
		if (pai_mul_scalar(pk, c, c, k, &err) != MPC_OK)
			mpc_raise(&err, "paillier_ciphertext_from_json");
	}
	PG_RETURN_POINTER(mpc_make_ct(pk, (int) scale, c));
}
