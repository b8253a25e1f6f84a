-- Paillier keys, encryption, decryption, metadata and python-paillier JSON.

CREATE FUNCTION paillier_keygen(bits integer DEFAULT 3072) RETURNS paillier_privkey
AS 'MODULE_PATHNAME', 'paillier_keygen' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_keygen(integer) IS
'generate a Paillier private key with an n of the given bits (2048 to 8192) from pg_strong_random';

CREATE FUNCTION paillier_pubkey(paillier_privkey) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME', 'paillier_pubkey_of_priv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_pubkey(paillier_privkey) IS 'the public key of a private key';

CREATE FUNCTION paillier_pubkey(paillier_ciphertext) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME', 'paillier_pubkey_of_ct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_pubkey(paillier_ciphertext) IS 'the public key a ciphertext was made under';

CREATE FUNCTION paillier_encrypt(value bigint, key paillier_pubkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_int8' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(bigint, paillier_pubkey, integer, numeric) IS
'encrypt value * 10^scale under a public key; the public magnitude bound comes from max_abs (default 2^63), never from the value';

CREATE FUNCTION paillier_encrypt(value numeric, key paillier_pubkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_numeric' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(numeric, paillier_pubkey, integer, numeric) IS
'encrypt value * 10^scale under a public key; non-zero digits beyond the scale are an error; the public magnitude bound comes from max_abs (default 2^128), never from the value';

CREATE FUNCTION paillier_encrypt(value double precision, key paillier_pubkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_float8' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(double precision, paillier_pubkey, integer, numeric) IS
'encrypt round(value * 10^scale), ties away from zero, under a public key; the public magnitude bound comes from max_abs (default 2^128)';

CREATE FUNCTION paillier_encrypt(value bigint, key paillier_privkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_int8_priv' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(bigint, paillier_privkey, integer, numeric) IS
'encrypt value * 10^scale as the key owner (CRT, faster); max_abs as with a public key (default 2^63)';

CREATE FUNCTION paillier_encrypt(value numeric, key paillier_privkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_numeric_priv' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(numeric, paillier_privkey, integer, numeric) IS
'encrypt value * 10^scale as the key owner (CRT, faster); max_abs as with a public key (default 2^128)';

CREATE FUNCTION paillier_encrypt(value double precision, key paillier_privkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_float8_priv' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(double precision, paillier_privkey, integer, numeric) IS
'encrypt round(value * 10^scale) as the key owner (CRT, faster); max_abs as with a public key (default 2^128)';

CREATE FUNCTION paillier_decrypt(ciphertext paillier_ciphertext, key paillier_privkey)
RETURNS numeric
AS 'MODULE_PATHNAME', 'paillier_decrypt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_decrypt(paillier_ciphertext, paillier_privkey) IS
'decrypt (CRT, constant-time exponentiation) to a numeric at the ciphertext''s scale; ERROR 22003 in the overflow band, 22000 for another key';

CREATE FUNCTION paillier_fingerprint(paillier_pubkey) RETURNS text
AS 'MODULE_PATHNAME', 'paillier_fingerprint_pub' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_fingerprint(paillier_pubkey) IS
'key fingerprint: hex of the first 8 bytes of SHA-256 of n';
CREATE FUNCTION paillier_fingerprint(paillier_privkey) RETURNS text
AS 'MODULE_PATHNAME', 'paillier_fingerprint_priv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_fingerprint(paillier_privkey) IS
'fingerprint of the key''s public modulus';
CREATE FUNCTION paillier_fingerprint(paillier_ciphertext) RETURNS text
AS 'MODULE_PATHNAME', 'paillier_fingerprint_ct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_fingerprint(paillier_ciphertext) IS
'fingerprint of the key a ciphertext was made under';

CREATE FUNCTION paillier_bits(paillier_pubkey) RETURNS integer
AS 'MODULE_PATHNAME', 'paillier_bits' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_bits(paillier_pubkey) IS 'bit length of the modulus n';

CREATE FUNCTION paillier_scale(paillier_ciphertext) RETURNS integer
AS 'MODULE_PATHNAME', 'paillier_scale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_scale(paillier_ciphertext) IS
'the public decimal scale s: the ciphertext holds value * 10^s';

CREATE FUNCTION paillier_bound(paillier_ciphertext) RETURNS integer
AS 'MODULE_PATHNAME', 'paillier_bound' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_bound(paillier_ciphertext) IS
'the public magnitude bound B: |value * 10^scale| <= 2^B, from the declared range and the operations since; results past the key''s budget are refused';

CREATE FUNCTION paillier_jwk(paillier_pubkey) RETURNS jsonb
AS 'MODULE_PATHNAME', 'paillier_jwk_pub' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_jwk(paillier_pubkey) IS
'the public key as a python-paillier JWK ({"kty": "DAJ", "alg": "PAI-GN1", "n": ...})';
CREATE FUNCTION paillier_jwk(paillier_privkey) RETURNS jsonb
AS 'MODULE_PATHNAME', 'paillier_jwk_priv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_jwk(paillier_privkey) IS
'the private key as a python-paillier JWK ({"kty": "DAJ", "p": ..., "q": ..., "pub": {...}})';
CREATE FUNCTION paillier_pubkey_from_jwk(jsonb) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME', 'paillier_pubkey_from_jwk' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_pubkey_from_jwk(jsonb) IS 'import a python-paillier JWK public key';
CREATE FUNCTION paillier_privkey_from_jwk(jsonb) RETURNS paillier_privkey
AS 'MODULE_PATHNAME', 'paillier_privkey_from_jwk' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_privkey_from_jwk(jsonb) IS 'import a python-paillier JWK private key';
CREATE FUNCTION paillier_ciphertext_to_json(paillier_ciphertext) RETURNS jsonb
AS 'MODULE_PATHNAME', 'paillier_ciphertext_to_json' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ciphertext_to_json(paillier_ciphertext) IS
'python-paillier ciphertext JSON {"v": "<decimal>", "e": 0, "bound": <magnitude bound>}, plus "scale" when the scale is not 0';
CREATE FUNCTION paillier_ciphertext_from_json(key paillier_pubkey, document jsonb, max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_ciphertext_from_json' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ciphertext_from_json(paillier_pubkey, jsonb, numeric) IS
'import a python-paillier ciphertext {"v", "e"}: a base-16 exponent e < 0 becomes decimal scale -4e exactly; the magnitude bound is the declared max_abs, else the JSON''s "bound", else that of |value| <= 2^128';

CREATE FUNCTION paillier_n(paillier_pubkey) RETURNS numeric
AS 'MODULE_PATHNAME', 'paillier_n' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_n(paillier_pubkey) IS 'the public modulus n as a numeric';

CREATE FUNCTION paillier_pubkey_from_n(n text, g text DEFAULT NULL) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME', 'paillier_pubkey_from_n' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION paillier_pubkey_from_n(text, text) IS
'a public key from its modulus n in decimal or 0x-hexadecimal, as most client libraries give it; a g other than n + 1 is refused';

-- Arguments in the wrong order, or the wrong key, are common first mistakes;
-- without these PostgreSQL says only "function ... does not exist".
CREATE FUNCTION paillier_encrypt(key paillier_pubkey, value anyelement, scale integer DEFAULT 0)
RETURNS paillier_ciphertext LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'paillier_encrypt takes the value first and the key second'
        USING ERRCODE = 'undefined_function',
              DETAIL = format('It was called as paillier_encrypt(paillier_pubkey, %s).', pg_typeof(value)),
              HINT = 'Write paillier_encrypt(value, key) or paillier_encrypt(value, key, scale).';
END
$$;
COMMENT ON FUNCTION paillier_encrypt(paillier_pubkey, anyelement, integer) IS
'always an ERROR whose hint gives the right order: paillier_encrypt(value, key, scale)';

CREATE FUNCTION paillier_encrypt(key paillier_privkey, value anyelement, scale integer DEFAULT 0)
RETURNS paillier_ciphertext LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'paillier_encrypt takes the value first and the key second'
        USING ERRCODE = 'undefined_function',
              DETAIL = format('It was called as paillier_encrypt(paillier_privkey, %s).', pg_typeof(value)),
              HINT = 'Write paillier_encrypt(value, key) or paillier_encrypt(value, key, scale).';
END
$$;
COMMENT ON FUNCTION paillier_encrypt(paillier_privkey, anyelement, integer) IS
'always an ERROR whose hint gives the right order: paillier_encrypt(value, key, scale)';

CREATE FUNCTION paillier_decrypt(key paillier_privkey, ciphertext paillier_ciphertext)
RETURNS numeric LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'paillier_decrypt takes the ciphertext first and the private key second'
        USING ERRCODE = 'undefined_function',
              HINT = 'Write paillier_decrypt(ciphertext, private_key).';
END
$$;
COMMENT ON FUNCTION paillier_decrypt(paillier_privkey, paillier_ciphertext) IS
'always an ERROR whose hint gives the right order: paillier_decrypt(ciphertext, private_key)';

-- A public key where a private key belongs (paillier_decrypt(ct, pk), ...):
-- an implicit cast that raises.  An overload paillier_decrypt(ciphertext,
-- paillier_pubkey) would make paillier_decrypt(ct, $1) with an untyped
-- parameter ambiguous; a cast adds no candidate function.
CREATE FUNCTION paillier_pubkey_as_privkey(key paillier_pubkey)
RETURNS paillier_privkey LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'a public key cannot be used where a private key is needed'
        USING ERRCODE = 'wrong_object_type',
              DETAIL = 'A public key (paillier_pubkey) encrypts and adds; only the private key (paillier_privkey) decrypts.',
              HINT = 'Decrypt as the holder of the private key: paillier_decrypt(ciphertext, private_key).';
END
$$;
COMMENT ON FUNCTION paillier_pubkey_as_privkey(paillier_pubkey) IS
'always an ERROR: the implicit cast from paillier_pubkey to paillier_privkey, so that paillier_decrypt(ct, public_key) says what is wrong';
CREATE CAST (paillier_pubkey AS paillier_privkey) WITH FUNCTION paillier_pubkey_as_privkey(paillier_pubkey) AS IMPLICIT;
COMMENT ON CAST (paillier_pubkey AS paillier_privkey) IS
'always an ERROR saying that decryption needs the private key';
