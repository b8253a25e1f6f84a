/*
 * paillier_json.c: the JSON formats of other Paillier libraries:
 * python-paillier's JWK keys (and paillier-bigint's, with g = n + 1) and
 * its {"v": ..., "e": ...} ciphertexts; paillier_pubkey_from_n.
 */
#include "postgres.h"

#include <ctype.h>

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "encoding.h"
#include "paillier_glue.h"
#include "serial.h"

#define MAX_NBYTES (PAI_MAX_BITS / 8)

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
	char	   *p = mpc_b64_of_secret(sk->p);
	char	   *q = mpc_b64_of_secret(sk->q);
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
	v = mpc_privkey_from_pq(p, q);
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
