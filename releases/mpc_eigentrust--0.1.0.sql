-- mpc_eigentrust 0.1.0: the install script of release 0.1.0, frozen. Never edit it: later changes go in upgrade scripts.
\echo Use "CREATE EXTENSION mpc_eigentrust" to load this file. \quit

-- ---- src/sql/00_common.sql
-- Common objects.

CREATE FUNCTION mpc_eigentrust_version()
RETURNS text
AS 'MODULE_PATHNAME', 'mpc_eigentrust_version'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mpc_eigentrust_version() IS
'version of the loaded mpc_eigentrust library and of the GMP it runs on';

-- ---- src/sql/10_paillier_types.sql
-- Paillier types: keys and ciphertexts.
-- Ciphertexts have no equality, btree or hash support on purpose: encryption
-- is randomised, so equal plaintexts give different ciphertexts.

CREATE TYPE paillier_pubkey;
CREATE FUNCTION paillier_pubkey_in(cstring) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_pubkey_out(paillier_pubkey) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_pubkey_recv(internal) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_pubkey_send(paillier_pubkey) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE paillier_pubkey (
    INPUT = paillier_pubkey_in, OUTPUT = paillier_pubkey_out,
    RECEIVE = paillier_pubkey_recv, SEND = paillier_pubkey_send,
    INTERNALLENGTH = VARIABLE, STORAGE = external, ALIGNMENT = int4
);
COMMENT ON TYPE paillier_pubkey IS
'Paillier public key (modulus n, g = n + 1); text form pk1:<base64url n>';

CREATE TYPE paillier_privkey;
CREATE FUNCTION paillier_privkey_in(cstring) RETURNS paillier_privkey
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_privkey_out(paillier_privkey) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_privkey_recv(internal) RETURNS paillier_privkey
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_privkey_send(paillier_privkey) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE paillier_privkey (
    INPUT = paillier_privkey_in, OUTPUT = paillier_privkey_out,
    RECEIVE = paillier_privkey_recv, SEND = paillier_privkey_send,
    INTERNALLENGTH = VARIABLE, STORAGE = external, ALIGNMENT = int4
);
COMMENT ON TYPE paillier_privkey IS
'Paillier private key (primes p and q); text form sk1:<base64url p>:<base64url q>. Keep it in a table with restricted privileges, never in a literal';

CREATE TYPE paillier_ciphertext;
CREATE FUNCTION paillier_ciphertext_in(cstring) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_ciphertext_out(paillier_ciphertext) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_ciphertext_recv(internal) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_ciphertext_send(paillier_ciphertext) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE paillier_ciphertext (
    INPUT = paillier_ciphertext_in, OUTPUT = paillier_ciphertext_out,
    RECEIVE = paillier_ciphertext_recv, SEND = paillier_ciphertext_send,
    INTERNALLENGTH = VARIABLE, STORAGE = external, ALIGNMENT = int4
);
COMMENT ON TYPE paillier_ciphertext IS
'Paillier ciphertext carrying its modulus, key fingerprint and public decimal scale; text form ct1:<scale>:<base64url n>:<base64url c>';

-- the I/O functions behind the types
COMMENT ON FUNCTION paillier_pubkey_in(cstring) IS 'text input of paillier_pubkey (validates everything)';
COMMENT ON FUNCTION paillier_pubkey_out(paillier_pubkey) IS 'text output of paillier_pubkey';
COMMENT ON FUNCTION paillier_pubkey_recv(internal) IS 'binary input of paillier_pubkey (validates everything)';
COMMENT ON FUNCTION paillier_pubkey_send(paillier_pubkey) IS 'binary output of paillier_pubkey';
COMMENT ON FUNCTION paillier_privkey_in(cstring) IS 'text input of paillier_privkey (validates everything)';
COMMENT ON FUNCTION paillier_privkey_out(paillier_privkey) IS 'text output of paillier_privkey';
COMMENT ON FUNCTION paillier_privkey_recv(internal) IS 'binary input of paillier_privkey (validates everything)';
COMMENT ON FUNCTION paillier_privkey_send(paillier_privkey) IS 'binary output of paillier_privkey';
COMMENT ON FUNCTION paillier_ciphertext_in(cstring) IS 'text input of paillier_ciphertext (validates everything)';
COMMENT ON FUNCTION paillier_ciphertext_out(paillier_ciphertext) IS 'text output of paillier_ciphertext';
COMMENT ON FUNCTION paillier_ciphertext_recv(internal) IS 'binary input of paillier_ciphertext (validates everything)';
COMMENT ON FUNCTION paillier_ciphertext_send(paillier_ciphertext) IS 'binary output of paillier_ciphertext';

-- ---- src/sql/20_paillier_functions.sql
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

CREATE FUNCTION paillier_encrypt(value bigint, key paillier_pubkey, scale integer DEFAULT 0)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_int8' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(bigint, paillier_pubkey, integer) IS
'encrypt value * 10^scale under a public key';

CREATE FUNCTION paillier_encrypt(value numeric, key paillier_pubkey, scale integer DEFAULT 0)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_numeric' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(numeric, paillier_pubkey, integer) IS
'encrypt value * 10^scale under a public key; non-zero digits beyond the scale are an error';

CREATE FUNCTION paillier_encrypt(value double precision, key paillier_pubkey, scale integer DEFAULT 0)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_float8' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(double precision, paillier_pubkey, integer) IS
'encrypt round(value * 10^scale), ties away from zero, under a public key';

CREATE FUNCTION paillier_encrypt(value bigint, key paillier_privkey, scale integer DEFAULT 0)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_int8_priv' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(bigint, paillier_privkey, integer) IS
'encrypt value * 10^scale as the key owner (CRT, faster)';

CREATE FUNCTION paillier_encrypt(value numeric, key paillier_privkey, scale integer DEFAULT 0)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_numeric_priv' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(numeric, paillier_privkey, integer) IS
'encrypt value * 10^scale as the key owner (CRT, faster)';

CREATE FUNCTION paillier_encrypt(value double precision, key paillier_privkey, scale integer DEFAULT 0)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_float8_priv' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt(double precision, paillier_privkey, integer) IS
'encrypt round(value * 10^scale) as the key owner (CRT, faster)';

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
'python-paillier ciphertext JSON {"v": "<decimal>", "e": 0}, plus "scale" when the scale is not 0';
CREATE FUNCTION paillier_ciphertext_from_json(paillier_pubkey, jsonb) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_ciphertext_from_json' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ciphertext_from_json(paillier_pubkey, jsonb) IS
'import a python-paillier ciphertext {"v", "e"}: a base-16 exponent e < 0 becomes decimal scale -4e exactly';

CREATE FUNCTION paillier_n(paillier_pubkey) RETURNS numeric
AS 'MODULE_PATHNAME', 'paillier_n' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_n(paillier_pubkey) IS 'the public modulus n as a numeric';

-- ---- src/sql/30_paillier_operators.sql
-- Homomorphic operators and the parallel sum() aggregate.

CREATE FUNCTION paillier_ct_add(paillier_ciphertext, paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_add(paillier_ciphertext, paillier_ciphertext) IS
'Enc(a) + Enc(b) = Enc(a + b); the result has the larger scale';
CREATE FUNCTION paillier_ct_sub(paillier_ciphertext, paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_sub(paillier_ciphertext, paillier_ciphertext) IS
'Enc(a) - Enc(b) = Enc(a - b); the result has the larger scale';
CREATE FUNCTION paillier_ct_neg(paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_neg(paillier_ciphertext) IS '-Enc(a) = Enc(-a) (modular inverse)';
CREATE FUNCTION paillier_ct_add_plain(paillier_ciphertext, numeric) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_add_plain(paillier_ciphertext, numeric) IS
'Enc(a) + k = Enc(a + k) without encrypting k (multiplies by 1 + k n)';
CREATE FUNCTION paillier_plain_add_ct(numeric, paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_plain_add_ct(numeric, paillier_ciphertext) IS 'k + Enc(a) = Enc(k + a)';
CREATE FUNCTION paillier_ct_sub_plain(paillier_ciphertext, numeric) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_sub_plain(paillier_ciphertext, numeric) IS 'Enc(a) - k = Enc(a - k)';
CREATE FUNCTION paillier_ct_mul(paillier_ciphertext, numeric) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_ct_mul(paillier_ciphertext, numeric) IS
'Enc(a) * k = Enc(a k); a fractional k adds its digits to the scale';
CREATE FUNCTION paillier_mul_ct(numeric, paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_mul_ct(numeric, paillier_ciphertext) IS 'k * Enc(a) = Enc(k a)';

CREATE FUNCTION paillier_rerandomize(paillier_ciphertext) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_rerandomize(paillier_ciphertext) IS
'a fresh ciphertext of the same value (multiplies by a new encryption of zero)';

CREATE OPERATOR + (LEFTARG = paillier_ciphertext, RIGHTARG = paillier_ciphertext,
                   FUNCTION = paillier_ct_add, COMMUTATOR = +);
COMMENT ON OPERATOR + (paillier_ciphertext, paillier_ciphertext) IS 'homomorphic addition';
CREATE OPERATOR - (LEFTARG = paillier_ciphertext, RIGHTARG = paillier_ciphertext,
                   FUNCTION = paillier_ct_sub);
COMMENT ON OPERATOR - (paillier_ciphertext, paillier_ciphertext) IS 'homomorphic subtraction';
CREATE OPERATOR - (RIGHTARG = paillier_ciphertext, FUNCTION = paillier_ct_neg);
COMMENT ON OPERATOR - (NONE, paillier_ciphertext) IS 'homomorphic negation';
CREATE OPERATOR + (LEFTARG = paillier_ciphertext, RIGHTARG = numeric,
                   FUNCTION = paillier_ct_add_plain, COMMUTATOR = +);
COMMENT ON OPERATOR + (paillier_ciphertext, numeric) IS 'add a plaintext to a ciphertext';
CREATE OPERATOR + (LEFTARG = numeric, RIGHTARG = paillier_ciphertext,
                   FUNCTION = paillier_plain_add_ct, COMMUTATOR = +);
COMMENT ON OPERATOR + (numeric, paillier_ciphertext) IS 'add a plaintext to a ciphertext';
CREATE OPERATOR - (LEFTARG = paillier_ciphertext, RIGHTARG = numeric,
                   FUNCTION = paillier_ct_sub_plain);
COMMENT ON OPERATOR - (paillier_ciphertext, numeric) IS 'subtract a plaintext from a ciphertext';
CREATE OPERATOR * (LEFTARG = paillier_ciphertext, RIGHTARG = numeric,
                   FUNCTION = paillier_ct_mul, COMMUTATOR = *);
COMMENT ON OPERATOR * (paillier_ciphertext, numeric) IS 'scalar multiplication';
CREATE OPERATOR * (LEFTARG = numeric, RIGHTARG = paillier_ciphertext,
                   FUNCTION = paillier_mul_ct, COMMUTATOR = *);
COMMENT ON OPERATOR * (numeric, paillier_ciphertext) IS 'scalar multiplication';

CREATE FUNCTION paillier_sum_transfn(internal, paillier_ciphertext) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_transfn(internal, paillier_ciphertext) IS
'sum(paillier_ciphertext) transition: multiplies the row into the state';
CREATE FUNCTION paillier_sum_combinefn(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_combinefn(internal, internal) IS
'sum(paillier_ciphertext) combine: multiplies two partial states';
CREATE FUNCTION paillier_sum_serialfn(internal) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_serialfn(internal) IS 'sum(paillier_ciphertext) state serializer';
CREATE FUNCTION paillier_sum_deserialfn(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_deserialfn(bytea, internal) IS 'sum(paillier_ciphertext) state deserializer';
CREATE FUNCTION paillier_sum_finalfn(internal) RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION paillier_sum_finalfn(internal) IS
'sum(paillier_ciphertext) final: re-randomises the product once';

CREATE AGGREGATE sum(paillier_ciphertext) (
    SFUNC = paillier_sum_transfn,
    STYPE = internal,
    COMBINEFUNC = paillier_sum_combinefn,
    SERIALFUNC = paillier_sum_serialfn,
    DESERIALFUNC = paillier_sum_deserialfn,
    FINALFUNC = paillier_sum_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE sum(paillier_ciphertext) IS
'encrypted sum: the product of the ciphertexts, re-randomised once; NULLs skipped, no rows gives NULL, scales lifted to the largest';

-- ---- src/sql/35_paillier_fast.sql
-- Fast Paillier: batch decryption, one base with many scalars, packing and
-- the DJN table cache.  Public-key encryption itself is the paillier_encrypt
-- of 20_paillier_functions.sql; the GUC mpc_eigentrust.encryption_method
-- chooses DJN (default) or textbook randomness there.

-- Not an overload of paillier_decrypt: that would make paillier_decrypt('ct1:...', sk)
-- and paillier_decrypt(NULL, sk) ambiguous.
CREATE FUNCTION paillier_decrypt_many(ciphertexts paillier_ciphertext[], key paillier_privkey)
RETURNS numeric[]
AS 'MODULE_PATHNAME', 'paillier_decrypt_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_decrypt_many(paillier_ciphertext[], paillier_privkey) IS
'decrypt every element (CRT); all keys are checked before the first decryption; NULL elements stay NULL; same dimensions as the input';

CREATE FUNCTION paillier_mul_many(ct paillier_ciphertext, scalars numeric[], scale integer DEFAULT 0,
                                  constant_time boolean DEFAULT true)
RETURNS paillier_ciphertext[]
AS 'MODULE_PATHNAME', 'paillier_mul_many' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_mul_many(paillier_ciphertext, numeric[], integer, boolean) IS
'ct * k for every scalar k (fixed point at the given scale; result scale = ct scale + scale) through one fixed-base table; with constant_time (default) the timing does not depend on the magnitudes of the scalars (never on their signs); false is about twice as fast and leaks them through timing; results are not re-randomised';

CREATE FUNCTION paillier_djn_cache(
    OUT fingerprint text, OUT bits integer, OUT window_bits integer,
    OUT table_bytes bigint, OUT recency integer)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'paillier_djn_cache' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION paillier_djn_cache() IS
'the DJN encryption tables this backend holds, most recently used first (recency 1); window_bits 0 means no table';

-- paillier_packed: several values in one ciphertext
CREATE TYPE paillier_packed;
CREATE FUNCTION paillier_packed_in(cstring) RETURNS paillier_packed
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_packed_out(paillier_packed) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_packed_recv(internal) RETURNS paillier_packed
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_packed_send(paillier_packed) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE paillier_packed (
    INPUT = paillier_packed_in, OUTPUT = paillier_packed_out,
    RECEIVE = paillier_packed_recv, SEND = paillier_packed_send,
    INTERNALLENGTH = VARIABLE, STORAGE = external, ALIGNMENT = int4
);
COMMENT ON TYPE paillier_packed IS
'Paillier ciphertext holding several signed fixed-point values in slots; text form pp1:<scale>:<slots>:<slot_bits>:<terms>:<max_terms>:<base64url n>:<base64url c>';

CREATE FUNCTION paillier_encrypt_packed(vals numeric[], key paillier_pubkey, scale integer DEFAULT 0,
                                        slot_bits integer DEFAULT 64, max_terms integer DEFAULT 1024)
RETURNS paillier_packed
AS 'MODULE_PATHNAME', 'paillier_encrypt_packed' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt_packed(numeric[], paillier_pubkey, integer, integer, integer) IS
'encrypt a one-dimensional array into one ciphertext, one value per slot of slot_bits bits, leaving room for max_terms additions: each |value * 10^scale| must be below 2^(slot_bits - 1 - ceil(log2(max_terms)))';

CREATE FUNCTION paillier_decrypt_packed(packed paillier_packed, key paillier_privkey)
RETURNS numeric[]
AS 'MODULE_PATHNAME', 'paillier_decrypt_packed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_decrypt_packed(paillier_packed, paillier_privkey) IS
'decrypt a packed ciphertext (one CRT decryption) into its slots; ERROR 22003 if a slot overflowed';

CREATE FUNCTION paillier_packed_add(paillier_packed, paillier_packed) RETURNS paillier_packed
AS 'MODULE_PATHNAME', 'paillier_packed_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_packed_add(paillier_packed, paillier_packed) IS
'slot-wise sum of two packed ciphertexts of the same key and layout; ERROR 22003 past max_terms terms';
CREATE OPERATOR + (
    LEFTARG = paillier_packed, RIGHTARG = paillier_packed,
    FUNCTION = paillier_packed_add, COMMUTATOR = +
);
COMMENT ON OPERATOR + (paillier_packed, paillier_packed) IS 'slot-wise sum of packed ciphertexts';

CREATE AGGREGATE sum(paillier_packed) (
    SFUNC = paillier_packed_add, STYPE = paillier_packed,
    COMBINEFUNC = paillier_packed_add, PARALLEL = SAFE
);
COMMENT ON AGGREGATE sum(paillier_packed) IS
'slot-wise sum of packed ciphertexts; ERROR 22003 past the layout''s max_terms';

CREATE FUNCTION paillier_pack(cts paillier_ciphertext[], slot_bits integer DEFAULT 64,
                              max_terms integer DEFAULT 1)
RETURNS paillier_packed
AS 'MODULE_PATHNAME', 'paillier_pack' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_pack(paillier_ciphertext[], integer, integer) IS
'pack ciphertexts of one key and scale into one (Horner: (k-1)*slot_bits squarings) so the key holder decrypts once; the caller vouches that every |value * 10^scale| is below 2^(slot_bits - 1 - ceil(log2(max_terms))); not re-randomised';

CREATE FUNCTION paillier_slots(paillier_packed) RETURNS integer
AS 'MODULE_PATHNAME', 'paillier_packed_slots' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_slots(paillier_packed) IS 'number of values in a packed ciphertext';
CREATE FUNCTION paillier_terms(paillier_packed) RETURNS integer
AS 'MODULE_PATHNAME', 'paillier_packed_terms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_terms(paillier_packed) IS
'how many packed encryptions were added up into this value (at most its max_terms)';
CREATE FUNCTION paillier_rerandomize(paillier_packed) RETURNS paillier_packed
AS 'MODULE_PATHNAME', 'paillier_packed_rerandomize' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_rerandomize(paillier_packed) IS
'the same slots under fresh randomness (DJN or textbook per mpc_eigentrust.encryption_method)';

-- the I/O functions behind the type
COMMENT ON FUNCTION paillier_packed_in(cstring) IS 'text input of paillier_packed (validates everything)';
COMMENT ON FUNCTION paillier_packed_out(paillier_packed) IS 'text output of paillier_packed';
COMMENT ON FUNCTION paillier_packed_recv(internal) IS 'binary input of paillier_packed (validates everything)';
COMMENT ON FUNCTION paillier_packed_send(paillier_packed) IS 'binary output of paillier_packed';

-- ---- src/sql/40_eigentrust.sql
-- EigenTrust over any edge query.

CREATE FUNCTION eigentrust(
    edges_sql    text,
    pretrust_sql text             DEFAULT NULL,
    alpha        double precision DEFAULT 0.15,
    epsilon      double precision DEFAULT 1e-10,
    max_iter     integer          DEFAULT 1000,
    distrust     boolean          DEFAULT false,
    verbose      boolean          DEFAULT false)
RETURNS TABLE(peer bigint, trust double precision)
AS 'MODULE_PATHNAME', 'mpc_eigentrust'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
ROWS 1000;
COMMENT ON FUNCTION eigentrust(text, text, double precision, double precision, integer, boolean, boolean) IS
'EigenTrust global trust of every peer: edges_sql gives (truster, trustee, score), pretrust_sql (peer, weight) or NULL for uniform; alpha is the weight of pre-trust (networkx alpha = 1 - alpha); stops when the L1 change is below epsilon';

-- ---- src/sql/50_private_eigentrust.sql
-- Private EigenTrust across databases (docs/design.md, "Private EigenTrust
-- protocol and threat model").  Three roles, each a database with this
-- extension: parties (hold ratings), a coordinator (drives rounds through
-- dblink) and a key holder (decrypts only sums).

-- ---- party ------------------------------------------------------------

CREATE FUNCTION private_eigentrust_party_peers(edges_sql text,
    OUT hosted bigint[], OUT mentioned bigint[])
LANGUAGE plpgsql STABLE STRICT PARALLEL UNSAFE
AS $fn$
BEGIN
    EXECUTE format(
        'WITH e AS (SELECT q.truster::bigint AS a, q.trustee::bigint AS b '
        '           FROM (%s) AS q(truster, trustee, score)) '
        'SELECT coalesce((SELECT array_agg(DISTINCT a ORDER BY a) FROM e), ''{}''), '
        '       coalesce((SELECT array_agg(x ORDER BY x) FROM (SELECT a FROM e UNION SELECT b FROM e) u(x)), ''{}'')',
        edges_sql)
    INTO hosted, mentioned;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_party_peers(text) IS
'party side of private EigenTrust: the trusters a ratings query hosts and every id it mentions (ids are public in the protocol); runs with the caller''s privileges';

CREATE FUNCTION private_eigentrust_party_step(
    edges_sql text, mode text, round integer, key paillier_pubkey,
    peers bigint[], pretrust bigint[], t bigint[], enc_t bytea,
    OUT ciphertexts bytea, OUT encrypt_ms double precision, OUT compute_ms double precision)
AS 'MODULE_PATHNAME', 'private_eigentrust_party_step'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_party_step(text, text, integer, paillier_pubkey, bigint[], bigint[], bigint[], bytea) IS
'party side of one private EigenTrust round: reads the ratings query with the caller''s privileges and returns only ciphertexts under key (fast: packed partial sums of t_i c_ij; paper: Enc(t_i)^c_ij multiplied per trustee, re-randomised); wrap it with private_eigentrust_party_setup';

CREATE FUNCTION private_eigentrust_party_setup(
    edges_sql text, coordinator_role name,
    party_schema name DEFAULT 'private_eigentrust_party')
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
AS $fn$
BEGIN
    -- the query must run for its owner and give (truster, trustee, score)
    EXECUTE format('SELECT q.truster::bigint, q.trustee::bigint, q.score::double precision '
                   'FROM (%s) AS q(truster, trustee, score) LIMIT 0', edges_sql);
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = party_schema) THEN
        EXECUTE format('CREATE SCHEMA %I', party_schema);
    END IF;
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.peers(OUT hosted bigint[], OUT mentioned bigint[]) '
        'LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT '
        'AS %L', party_schema,
        format('SELECT * FROM @extschema@.private_eigentrust_party_peers(%L)', edges_sql));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.step(mode text, round integer, key @extschema@.paillier_pubkey, '
        '    peers bigint[], pretrust bigint[], t bigint[], enc_t bytea, '
        '    OUT ciphertexts bytea, OUT encrypt_ms double precision, OUT compute_ms double precision) '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT '
        'AS %L', party_schema,
        format('SELECT * FROM @extschema@.private_eigentrust_party_step(%L, mode, round, key, peers, pretrust, t, enc_t)',
               edges_sql));
    EXECUTE format('REVOKE ALL ON FUNCTION %I.peers() FROM PUBLIC', party_schema);
    EXECUTE format('REVOKE ALL ON FUNCTION %I.step(text, integer, @extschema@.paillier_pubkey, bigint[], bigint[], bigint[], bytea) FROM PUBLIC',
                   party_schema);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', party_schema, coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.peers() TO %I', party_schema, coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.step(text, integer, @extschema@.paillier_pubkey, bigint[], bigint[], bigint[], bytea) TO %I',
                   party_schema, coordinator_role);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_party_setup(text, name, name) IS
'make this database a private EigenTrust party: creates SECURITY DEFINER functions party_schema.peers() and party_schema.step(...) owned by the caller that read edges_sql (truster, trustee, score) and return only ciphertexts, executable by coordinator_role alone; grant the role nothing on the ratings table';

-- ---- key holder -------------------------------------------------------

CREATE TABLE private_eigentrust_keys (
    run_id     text NOT NULL,
    key_round  integer NOT NULL,
    sk         paillier_privkey NOT NULL,
    created    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, key_round)
);
REVOKE ALL ON private_eigentrust_keys FROM PUBLIC;
COMMENT ON TABLE private_eigentrust_keys IS
'key holder side of private EigenTrust: the private keys of running rounds; readable only by the extension owner, never dumped';

CREATE TABLE private_eigentrust_decrypted (
    run_id text NOT NULL,
    round  integer NOT NULL,
    part   integer NOT NULL,
    PRIMARY KEY (run_id, round, part)
);
REVOKE ALL ON private_eigentrust_decrypted FROM PUBLIC;
COMMENT ON TABLE private_eigentrust_decrypted IS
'key holder side of private EigenTrust: which (round, part) of a run was decrypted, so none is decrypted twice';

CREATE FUNCTION private_eigentrust_key_new(run_id text, key_round integer, bits integer DEFAULT 2048)
RETURNS paillier_pubkey
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, @extschema@
AS $fn$
DECLARE
    k paillier_privkey;
BEGIN
    -- a new key retires the run's older keys: ciphertexts of earlier
    -- rounds can no longer be decrypted
    DELETE FROM @extschema@.private_eigentrust_keys AS x WHERE x.run_id = $1;
    k := @extschema@.paillier_keygen(bits);
    INSERT INTO @extschema@.private_eigentrust_keys (run_id, key_round, sk) VALUES ($1, $2, k);
    RETURN @extschema@.paillier_pubkey(k);
END
$fn$;
REVOKE ALL ON FUNCTION private_eigentrust_key_new(text, integer, integer) FROM PUBLIC;
COMMENT ON FUNCTION private_eigentrust_key_new(text, integer, integer) IS
'key holder side of private EigenTrust: generate and keep the key pair of a run (fast mode) or of a round (paper mode), retiring the run''s older keys; returns the public key';

CREATE FUNCTION private_eigentrust_key_decrypt(run_id text, key_round integer, round integer,
    vec bytea, out_scale integer, part integer DEFAULT 1)
RETURNS bigint[]
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, @extschema@
AS $fn$
DECLARE
    k paillier_privkey;
BEGIN
    SELECT x.sk INTO k
    FROM @extschema@.private_eigentrust_keys AS x
    WHERE x.run_id = $1 AND x.key_round = $2;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'private eigentrust: no key for run % and key round %', $1, $2
            USING ERRCODE = '22023',
                  HINT = 'The key was retired by a newer round or by the end of the run.';
    END IF;
    BEGIN
        INSERT INTO @extschema@.private_eigentrust_decrypted VALUES ($1, $3, $6);
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'private eigentrust: part % of round % of run % was already decrypted', $6, $3, $1
            USING ERRCODE = '55000',
                  DETAIL = 'The key holder decrypts one vector of sums per round.';
    END;
    RETURN @extschema@.private_eigentrust_decrypt_vector(vec, k, out_scale);
END
$fn$;
REVOKE ALL ON FUNCTION private_eigentrust_key_decrypt(text, integer, integer, bytea, integer, integer) FROM PUBLIC;
COMMENT ON FUNCTION private_eigentrust_key_decrypt(text, integer, integer, bytea, integer, integer) IS
'key holder side of private EigenTrust: decrypt one combined vector of sums (or one part of it) per round with the run''s key, rounded to out_scale; ERROR 22000 for a vector under another key, 55000 for a part decrypted before';

CREATE FUNCTION private_eigentrust_key_drop(run_id text)
RETURNS integer
LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, @extschema@
AS $fn$
    DELETE FROM @extschema@.private_eigentrust_decrypted AS x WHERE x.run_id = $1;
    WITH d AS (DELETE FROM @extschema@.private_eigentrust_keys AS x WHERE x.run_id = $1 RETURNING 1)
    SELECT count(*)::integer FROM d;
$fn$;
REVOKE ALL ON FUNCTION private_eigentrust_key_drop(text) FROM PUBLIC;
COMMENT ON FUNCTION private_eigentrust_key_drop(text) IS
'key holder side of private EigenTrust: forget every key of a run; returns how many were dropped';

CREATE FUNCTION private_eigentrust_key_holder_setup(coordinator_role name)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
AS $fn$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION @extschema@.private_eigentrust_key_new(text, integer, integer) TO %I', coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION @extschema@.private_eigentrust_key_decrypt(text, integer, integer, bytea, integer, integer) TO %I', coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION @extschema@.private_eigentrust_key_drop(text) TO %I', coordinator_role);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_key_holder_setup(name) IS
'make this database a private EigenTrust key holder for coordinator_role: grants it the key functions only, never the key table';

CREATE FUNCTION private_eigentrust_decrypt_vector(vec bytea, key paillier_privkey, out_scale integer)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'private_eigentrust_decrypt_vector'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_decrypt_vector(bytea, paillier_privkey, integer) IS
'decrypt every value of a private EigenTrust ciphertext vector (plain or packed), rounded half away from zero to out_scale';

-- ---- coordinator ------------------------------------------------------

CREATE FUNCTION private_eigentrust_encrypt_vector(key paillier_pubkey, vals bigint[], scale integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_encrypt_vector'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_encrypt_vector(paillier_pubkey, bigint[], integer) IS
'encrypt vals[i] / 10^scale, one ciphertext each, into a private EigenTrust vector (fixed-base randomiser, DJN form)';

CREATE FUNCTION private_eigentrust_combine(key paillier_pubkey, vecs bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_combine(paillier_pubkey, bytea[]) IS
'homomorphic slot-wise sum of private EigenTrust vectors of one shape; ERROR 22000 when one is under another key';

CREATE FUNCTION private_eigentrust_next(sums bigint[], t bigint[], pretrust bigint[],
    hosted boolean[], alpha double precision,
    OUT t_next bigint[], OUT residual double precision)
AS 'MODULE_PATHNAME', 'private_eigentrust_next'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_next(bigint[], bigint[], bigint[], boolean[], double precision) IS
'coordinator update of private EigenTrust: t_next = (1 - alpha)(sums + unhosted mass * p) + alpha p at scale 12 from sums at scale 13; residual is the L1 change';

CREATE FUNCTION private_eigentrust_vector_slice(key paillier_pubkey, vec bytea, part integer, parts integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_vector_slice'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_vector_slice(paillier_pubkey, bytea, integer, integer) IS
'part (1-based) of parts nearly equal runs of a private EigenTrust vector''s ciphertexts, a vector itself, so decryption can run on several connections';

CREATE FUNCTION private_eigentrust_vector_info(vec bytea,
    OUT kind text, OUT count integer, OUT ciphertexts integer, OUT scale integer, OUT fingerprint text)
AS 'MODULE_PATHNAME', 'private_eigentrust_vector_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_vector_info(bytea) IS
'the public header of a private EigenTrust ciphertext vector';

CREATE TABLE private_eigentrust_log (
    run_id           text NOT NULL,
    round            integer NOT NULL,
    mode             text NOT NULL,
    parties          integer NOT NULL,
    peers            integer NOT NULL,
    residual         double precision,
    seconds          double precision NOT NULL,
    keygen_seconds   double precision NOT NULL DEFAULT 0,
    encrypt_seconds  double precision NOT NULL DEFAULT 0,
    compute_seconds  double precision NOT NULL DEFAULT 0,
    transfer_seconds double precision NOT NULL DEFAULT 0,
    decrypt_seconds  double precision NOT NULL DEFAULT 0,
    bytes_moved      bigint NOT NULL DEFAULT 0,
    logged_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (run_id, round)
);
SELECT pg_catalog.pg_extension_config_dump('private_eigentrust_log', '');
GRANT SELECT, INSERT ON private_eigentrust_log TO PUBLIC;
COMMENT ON TABLE private_eigentrust_log IS
'coordinator side of private EigenTrust: one row per round of every completed run (round 0 is the setup); a failed run leaves no rows';

-- Run one remote statement, turning any failure into an ERROR that names the
-- party and the round (keeping the remote SQLSTATE).
CREATE FUNCTION private_eigentrust_fail(who text, round integer, state text, msg text, detail text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
BEGIN
    RAISE EXCEPTION 'private eigentrust: % failed in round %: %', who, round, msg
        USING ERRCODE = state, DETAIL = coalesce(detail, '');
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_fail(text, integer, text, text, text) IS
'internal: raise the coordinator''s ERROR naming a party and a round';

CREATE FUNCTION private_eigentrust_display(connstr text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
    SELECT regexp_replace(regexp_replace($1, 'password\s*=\s*(''[^'']*''|\S+)', 'password=***', 'g'),
                          '(://[^:/@]*):[^@/]*@', '\1:***@')
$fn$;
COMMENT ON FUNCTION private_eigentrust_display(text) IS
'a connection string with its password masked, for messages';

CREATE FUNCTION eigentrust_private(
    parties      text[],
    key_holder   text,
    mode         text             DEFAULT 'fast',
    alpha        double precision DEFAULT 0.15,
    epsilon      double precision DEFAULT 1e-8,
    max_iter     integer          DEFAULT 1000,
    pretrust_sql text             DEFAULT NULL,
    key_bits     integer          DEFAULT 2048,
    party_schema name             DEFAULT 'private_eigentrust_party')
RETURNS TABLE(peer bigint, trust double precision)
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
AS $fn$
DECLARE
    dbl       text;
    run       text := substr(md5(random()::text || clock_timestamp()::text), 1, 16);
    np        integer;
    conns     text[] := '{}';
    names     text[] := '{}';
    kh        text;
    khs       text[] := '{}';
    nparts    integer;
    all_ids   bigint[] := '{}';
    hosted_all bigint[] := '{}';
    h         bigint[];
    m         bigint[];
    peers     bigint[];
    hmask     boolean[];
    n         integer;
    p         bigint[];
    t         bigint[];
    tn        bigint[];
    res       double precision := NULL;
    pk        paillier_pubkey;
    enc       bytea;
    vecs      bytea[];
    combined  bytea;
    sums      bigint[];
    r         integer := 0;
    key_round integer;
    sql       text;
    ok        integer;
    ct        bytea;
    e_ms      double precision;
    c_ms      double precision;
    t0        timestamptz;
    t1        timestamptz;
    tp        timestamptz;
    s_keygen  double precision;
    s_enc     double precision;
    s_cmp     double precision;
    s_xfer    double precision;
    s_dec     double precision;
    slowest   double precision;
    bytes     bigint;
    dup       bigint;
    st        text;
    msg       text;
    det       text;
    hnt       text;
    p_lit     text;
BEGIN
    IF parties IS NULL OR key_holder IS NULL OR mode IS NULL OR alpha IS NULL
       OR epsilon IS NULL OR max_iter IS NULL OR key_bits IS NULL OR party_schema IS NULL THEN
        RAISE EXCEPTION 'eigentrust_private: only pretrust_sql may be NULL' USING ERRCODE = '22004';
    END IF;
    IF mode NOT IN ('fast', 'paper') THEN
        RAISE EXCEPTION 'eigentrust_private: unknown mode "%"', mode
            USING ERRCODE = '22023', HINT = 'Use ''fast'' or ''paper''.';
    END IF;
    IF NOT (alpha > 0 AND alpha <= 1) THEN
        RAISE EXCEPTION 'eigentrust_private: alpha must be in (0, 1], got %', alpha USING ERRCODE = '22023';
    END IF;
    IF NOT (epsilon > 0) OR max_iter < 1 THEN
        RAISE EXCEPTION 'eigentrust_private: epsilon must be > 0 and max_iter >= 1' USING ERRCODE = '22023';
    END IF;
    np := coalesce(array_length(parties, 1), 0);
    IF np < 1 THEN
        RAISE EXCEPTION 'eigentrust_private: no parties given' USING ERRCODE = '22023';
    END IF;
    SELECT quote_ident(n.nspname) INTO dbl
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'dblink';
    IF dbl IS NULL THEN
        RAISE EXCEPTION 'eigentrust_private: the dblink extension is not installed in this database'
            USING ERRCODE = '58P01', HINT = 'CREATE EXTENSION dblink';
    END IF;

    BEGIN
        t0 := clock_timestamp();
        -- connect (round 0)
        FOR k IN 1..np LOOP
            names := names || format('party %s (%s)', k, private_eigentrust_display(parties[k]));
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl)
                    USING 'pet_' || run || '_' || k, parties[k];
                conns := conns || ('pet_' || run || '_' || k);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM private_eigentrust_fail(names[k], 0, st, msg, det);
            END;
        END LOOP;
        -- two connections to the key holder, so decryption can use two cores
        FOR k IN 1..2 LOOP
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl)
                    USING 'pet_' || run || '_kh' || k, key_holder;
                khs := khs || ('pet_' || run || '_kh' || k);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM private_eigentrust_fail(format('key holder (%s)', private_eigentrust_display(key_holder)),
                                                0, st, msg, det);
            END;
        END LOOP;
        kh := khs[1];

        -- the public peer set: every id any party mentions, plus pre-trust ids
        FOR k IN 1..np LOOP
            BEGIN
                EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(hosted bigint[], mentioned bigint[])', dbl)
                    INTO h, m USING conns[k], format('SELECT * FROM %I.peers()', party_schema);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM private_eigentrust_fail(names[k], 0, st, msg, det);
            END;
            SELECT x INTO dup FROM unnest(h) x WHERE x = ANY (hosted_all) LIMIT 1;
            IF dup IS NOT NULL THEN
                RAISE EXCEPTION 'eigentrust_private: peer % rates from more than one party (again in %)', dup, names[k]
                    USING ERRCODE = '22023',
                          DETAIL = 'Each truster''s ratings must live in exactly one party, which normalises its row.';
            END IF;
            hosted_all := hosted_all || h;
            all_ids := all_ids || m;
        END LOOP;
        IF pretrust_sql IS NOT NULL THEN
            EXECUTE format('SELECT array_agg(q.peer::bigint) FROM (%s) AS q(peer, weight)', pretrust_sql)
                INTO m;
            all_ids := all_ids || coalesce(m, '{}');
        END IF;
        SELECT array_agg(DISTINCT x ORDER BY x) INTO peers FROM unnest(all_ids) x;
        n := coalesce(array_length(peers, 1), 0);
        IF n = 0 THEN
            RAISE EXCEPTION 'eigentrust_private: the parties hold no ratings' USING ERRCODE = '22023';
        END IF;
        SELECT array_agg(hh.x IS NOT NULL ORDER BY pp.ord) INTO hmask
        FROM unnest(peers) WITH ORDINALITY pp(id, ord)
        LEFT JOIN (SELECT DISTINCT x FROM unnest(hosted_all) x) hh ON hh.x = pp.id;

        -- public pre-trust at scale 12 (NULL: uniform, round(10^12 / n))
        IF pretrust_sql IS NOT NULL THEN
            EXECUTE format(
                'WITH w AS (SELECT q.peer::bigint AS id, sum(q.weight::numeric) AS wt '
                '           FROM (%s) AS q(peer, weight) GROUP BY 1) '
                'SELECT array_agg(coalesce(round(w.wt / nullif((SELECT sum(wt) FROM w), 0) * 1e12), 0)::bigint ORDER BY pp.ord) '
                'FROM unnest($1) WITH ORDINALITY pp(id, ord) LEFT JOIN w USING (id)', pretrust_sql)
                INTO p USING peers;
            IF (SELECT sum(x) FROM unnest(p) x) = 0 THEN
                RAISE EXCEPTION 'eigentrust_private: the pre-trust weights are all zero' USING ERRCODE = '22023';
            END IF;
            IF (SELECT bool_or(x < 0) FROM unnest(p) x) THEN
                RAISE EXCEPTION 'eigentrust_private: pre-trust weights must be >= 0' USING ERRCODE = '22023';
            END IF;
            t := p;
            p_lit := quote_literal(p::text) || '::bigint[]';
        ELSE
            p := NULL;
            t := array_fill(round(1e12 / n)::bigint, ARRAY[n]);
            p_lit := 'NULL';
        END IF;

        s_keygen := 0;
        IF mode = 'fast' THEN
            -- one key pair per run (docs/design.md says why that is enough)
            tp := clock_timestamp();
            BEGIN
                EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(pk paillier_pubkey)', dbl)
                    INTO pk USING kh, format('SELECT private_eigentrust_key_new(%L, 0, %s)', run, key_bits);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM private_eigentrust_fail('key holder', 0, st, msg, det);
            END;
            s_keygen := extract(epoch FROM clock_timestamp() - tp);
        END IF;
        INSERT INTO private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds,
                                            keygen_seconds, bytes_moved)
        VALUES (run, 0, mode, np, n, NULL, extract(epoch FROM clock_timestamp() - t0), s_keygen,
                8 * n * (np + 2));
        RAISE NOTICE 'eigentrust_private: run %, mode %, % parties, % peers (% hosted)',
            run, mode, np, n, (SELECT count(*) FROM unnest(hmask) x WHERE x);

        LOOP
            r := r + 1;
            t0 := clock_timestamp();
            s_keygen := 0; s_enc := 0; s_cmp := 0; s_xfer := 0; s_dec := 0; bytes := 0; slowest := 0;
            enc := NULL;
            IF mode = 'paper' THEN
                -- a fresh key pair every round (the paper's churn resilience)
                tp := clock_timestamp();
                BEGIN
                    EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(pk paillier_pubkey)', dbl)
                        INTO pk USING kh, format('SELECT private_eigentrust_key_new(%L, %s, %s)', run, r, key_bits);
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                    PERFORM private_eigentrust_fail('key holder', r, st, msg, det);
                END;
                s_keygen := extract(epoch FROM clock_timestamp() - tp);
                tp := clock_timestamp();
                enc := private_eigentrust_encrypt_vector(pk, t, 12);
                s_enc := extract(epoch FROM clock_timestamp() - tp);
                sql := format('SELECT * FROM %I.step(%L, %s, %L::paillier_pubkey, %L::bigint[], %s, NULL, %L::bytea)',
                              party_schema, mode, r, pk::text, peers::text, p_lit, enc);
            ELSE
                sql := format('SELECT * FROM %I.step(%L, %s, %L::paillier_pubkey, %L::bigint[], %s, %L::bigint[], NULL)',
                              party_schema, mode, r, pk::text, peers::text, p_lit, t::text);
            END IF;

            -- every party works at once
            tp := clock_timestamp();
            FOR k IN 1..np LOOP
                BEGIN
                    EXECUTE format('SELECT %s.dblink_send_query($1, $2)', dbl) INTO ok USING conns[k], sql;
                    IF ok <> 1 THEN
                        EXECUTE format('SELECT %s.dblink_error_message($1)', dbl) INTO msg USING conns[k];
                        RAISE EXCEPTION '%', msg USING ERRCODE = '08006';
                    END IF;
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                    PERFORM private_eigentrust_fail(names[k], r, st, msg, det);
                END;
                bytes := bytes + octet_length(sql);
            END LOOP;
            vecs := '{}';
            FOR k IN 1..np LOOP
                BEGIN
                    ct := NULL;
                    EXECUTE format('SELECT * FROM %s.dblink_get_result($1) AS r(c bytea, e double precision, m double precision)', dbl)
                        INTO ct, e_ms, c_ms USING conns[k];
                    IF ct IS NULL THEN
                        RAISE EXCEPTION 'no result' USING ERRCODE = '08006';
                    END IF;
                    -- the empty result that ends the query
                    EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1) AS r(c bytea, e double precision, m double precision)', dbl)
                        INTO ok USING conns[k];
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                    PERFORM private_eigentrust_fail(names[k], r, st, msg, det);
                END;
                vecs := vecs || ct;
                s_enc := s_enc + e_ms / 1000;
                s_cmp := s_cmp + c_ms / 1000;
                slowest := greatest(slowest, (e_ms + c_ms) / 1000);
                bytes := bytes + 2 * octet_length(ct) + 40;
            END LOOP;
            s_xfer := greatest(extract(epoch FROM clock_timestamp() - tp) - slowest, 0);

            tp := clock_timestamp();
            BEGIN
                combined := private_eigentrust_combine(pk, vecs);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM private_eigentrust_fail('combining the parties'' ciphertexts', r, st, msg, det);
            END;
            s_cmp := s_cmp + extract(epoch FROM clock_timestamp() - tp);

            key_round := CASE WHEN mode = 'paper' THEN r ELSE 0 END;
            tp := clock_timestamp();
            SELECT x.ciphertexts INTO ok FROM private_eigentrust_vector_info(combined) x;
            nparts := CASE WHEN ok >= 8 THEN 2 ELSE 1 END;
            BEGIN
                FOR k IN 1..nparts LOOP
                    sql := format('SELECT private_eigentrust_key_decrypt(%L, %s, %s, %L::bytea, 13, %s)',
                                  run, key_round, r,
                                  CASE WHEN nparts = 1 THEN combined
                                       ELSE private_eigentrust_vector_slice(pk, combined, k, nparts) END, k);
                    bytes := bytes + octet_length(sql);
                    EXECUTE format('SELECT %s.dblink_send_query($1, $2)', dbl) INTO ok USING khs[k], sql;
                    IF ok <> 1 THEN
                        EXECUTE format('SELECT %s.dblink_error_message($1)', dbl) INTO msg USING khs[k];
                        RAISE EXCEPTION '%', msg USING ERRCODE = '08006';
                    END IF;
                END LOOP;
                sums := '{}';
                FOR k IN 1..nparts LOOP
                    EXECUTE format('SELECT * FROM %s.dblink_get_result($1) AS r(s bigint[])', dbl)
                        INTO tn USING khs[k];
                    EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1) AS r(s bigint[])', dbl)
                        INTO ok USING khs[k];
                    sums := sums || tn;
                END LOOP;
                IF coalesce(cardinality(sums), 0) <> n THEN
                    RAISE EXCEPTION 'the key holder returned % sums for % peers', cardinality(sums), n
                        USING ERRCODE = '08P01';
                END IF;
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM private_eigentrust_fail('key holder', r, st, msg, det);
            END;
            s_dec := extract(epoch FROM clock_timestamp() - tp);
            bytes := bytes + 20 * n;

            tp := clock_timestamp();
            SELECT x.t_next, x.residual INTO tn, res
            FROM private_eigentrust_next(sums, t, p, hmask, alpha) x;
            s_cmp := s_cmp + extract(epoch FROM clock_timestamp() - tp);
            t := tn;

            INSERT INTO private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds,
                keygen_seconds, encrypt_seconds, compute_seconds, transfer_seconds, decrypt_seconds, bytes_moved)
            VALUES (run, r, mode, np, n, res, extract(epoch FROM clock_timestamp() - t0),
                    s_keygen, s_enc, s_cmp, s_xfer, s_dec, bytes);
            RAISE NOTICE 'eigentrust_private: round %, residual %, % s, % bytes',
                r, trim(to_char(res, '9.999EEEE')), round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3), bytes;
            EXIT WHEN res < epsilon OR r >= max_iter;
        END LOOP;

        BEGIN
            EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(d integer)', dbl)
                INTO ok USING kh, format('SELECT private_eigentrust_key_drop(%L)', run);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
            PERFORM private_eigentrust_fail('key holder', r, st, msg, det);
        END;
        FOREACH sql IN ARRAY conns || khs LOOP
            EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING sql;
        END LOOP;
        conns := '{}';
        khs := '{}';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        -- nothing is published: close every connection, retire the run's keys
        -- (a connection may be busy with an unfinished query: try each)
        FOREACH kh IN ARRAY khs LOOP
            BEGIN
                EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(d integer)', dbl)
                    INTO ok USING kh, format('SELECT private_eigentrust_key_drop(%L)', run);
                EXIT;
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END LOOP;
        FOREACH sql IN ARRAY conns || khs LOOP
            BEGIN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING sql;
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END LOOP;
        IF coalesce(hnt, '') = '' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = st, DETAIL = coalesce(det, '');
        END IF;
        RAISE EXCEPTION '%', msg USING ERRCODE = st, DETAIL = coalesce(det, ''), HINT = hnt;
    END;

    IF res IS NULL OR res >= epsilon THEN
        RAISE WARNING 'eigentrust_private: no convergence after % rounds (residual %)', r, res;
    END IF;
    RETURN QUERY
    SELECT z.id, z.v::double precision / s.total
    FROM unnest(peers, t) AS z(id, v)
    CROSS JOIN (SELECT sum(x)::double precision AS total FROM unnest(t) x) s
    ORDER BY z.id;
END
$fn$;
COMMENT ON FUNCTION eigentrust_private(text[], text, text, double precision, double precision, integer, text, integer, name) IS
'private EigenTrust across party databases (connection strings) through dblink: parties return only ciphertexts, the key holder decrypts only sums; mode fast (packed partial sums, default) or paper (Fujita''s baseline, a fresh key every round); a NOTICE and a private_eigentrust_log row per round; the same reputation as eigentrust() over the union of the parties'' ratings';

-- ---- src/sql/60_sharing.sql
-- Secret sharing: Shamir t-of-n over F_P with P = 2^521 - 1, and zero-sum
-- masked sums with pairwise Diffie-Hellman seeds (no dealer, no key holder).

-- ---- the shamir_share type ----

CREATE TYPE shamir_share;

CREATE FUNCTION shamir_share_in(cstring) RETURNS shamir_share
AS 'MODULE_PATHNAME', 'shamir_share_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shamir_share_out(shamir_share) RETURNS cstring
AS 'MODULE_PATHNAME', 'shamir_share_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shamir_share_recv(internal) RETURNS shamir_share
AS 'MODULE_PATHNAME', 'shamir_share_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shamir_share_send(shamir_share) RETURNS bytea
AS 'MODULE_PATHNAME', 'shamir_share_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE shamir_share (
	INPUT = shamir_share_in,
	OUTPUT = shamir_share_out,
	RECEIVE = shamir_share_recv,
	SEND = shamir_share_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = plain
);
COMMENT ON TYPE shamir_share IS
'one Shamir share over the field of the prime 2^521 - 1: the point x, the threshold t and the value f(x); text form (x,t,y)';

COMMENT ON FUNCTION shamir_share_in(cstring) IS 'input function of shamir_share: (x,t,y)';
COMMENT ON FUNCTION shamir_share_out(shamir_share) IS 'output function of shamir_share: (x,t,y)';
COMMENT ON FUNCTION shamir_share_recv(internal) IS 'binary input function of shamir_share';
COMMENT ON FUNCTION shamir_share_send(shamir_share) IS 'binary output function of shamir_share';

CREATE FUNCTION shamir_share(x integer, t integer, y numeric) RETURNS shamir_share
AS 'MODULE_PATHNAME', 'shamir_share_make'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share(integer, integer, numeric) IS
'build a share from its point x >= 1, threshold t and value y in [0, 2^521 - 1)';

CREATE FUNCTION shamir_share_x(share shamir_share) RETURNS integer
AS 'MODULE_PATHNAME', 'shamir_share_x'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share_x(shamir_share) IS 'the point x of a share';

CREATE FUNCTION shamir_share_t(share shamir_share) RETURNS integer
AS 'MODULE_PATHNAME', 'shamir_share_t'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share_t(shamir_share) IS 'the threshold t of a share: how many shares recover the secret';

CREATE FUNCTION shamir_share_y(share shamir_share) RETURNS numeric
AS 'MODULE_PATHNAME', 'shamir_share_y'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share_y(shamir_share) IS 'the value f(x) of a share, in [0, 2^521 - 1)';

CREATE FUNCTION shamir_prime() RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 6864797660130609714981900799081393217269435300143305409394463459185543183397656052122559640661454554977296311391480858037121987999716643812574028291115057151::numeric;
COMMENT ON FUNCTION shamir_prime() IS 'the prime P = 2^521 - 1 of the field Shamir shares live in';

-- ---- linearity: adding shares ----

CREATE FUNCTION shamir_share_add(shamir_share, shamir_share) RETURNS shamir_share
AS 'MODULE_PATHNAME', 'shamir_share_add'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_share_add(shamir_share, shamir_share) IS
'add two shares at the same point and threshold: shares of a plus shares of b are shares of a + b';

CREATE OPERATOR + (
	LEFTARG = shamir_share,
	RIGHTARG = shamir_share,
	FUNCTION = shamir_share_add,
	COMMUTATOR = +
);
COMMENT ON OPERATOR + (shamir_share, shamir_share) IS
'add two shares at the same point and threshold (a share of the sum of the secrets)';

CREATE AGGREGATE sum(shamir_share) (
	SFUNC = shamir_share_add,
	STYPE = shamir_share,
	COMBINEFUNC = shamir_share_add,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE sum(shamir_share) IS
'add shares of many secrets at one point: a share of the sum of the secrets';

-- ---- split and combine ----

CREATE FUNCTION shamir_split(secret numeric, n integer, t integer)
RETURNS TABLE(x integer, share shamir_share)
AS 'MODULE_PATHNAME', 'shamir_split_sql'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION shamir_split(numeric, integer, integer) IS
'split an integer secret with |secret| <= 2^520 - 1 into n shares at x = 1..n, any t of which recover it';

CREATE FUNCTION shamir_combine(shares shamir_share[]) RETURNS numeric
AS 'MODULE_PATHNAME', 'shamir_combine_array'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine(shamir_share[]) IS
'recover the secret from at least t shares by Lagrange interpolation at 0';

CREATE FUNCTION shamir_combine(x integer[], shares shamir_share[]) RETURNS numeric
AS 'MODULE_PATHNAME', 'shamir_combine_xarray'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine(integer[], shamir_share[]) IS
'recover the secret from at least t shares, checking that each share belongs to the point given beside it';

-- The shamir_combine aggregates collect shares in an internal state;
-- the support functions are not meant to be called directly.
CREATE FUNCTION shamir_combine_transfn(internal, shamir_share) RETURNS internal
AS 'MODULE_PATHNAME', 'shamir_combine_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_transfn(internal, shamir_share) IS
'transition function of the shamir_combine(share) aggregate';

CREATE FUNCTION shamir_combine_transfn(internal, integer, shamir_share) RETURNS internal
AS 'MODULE_PATHNAME', 'shamir_combine_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_transfn(internal, integer, shamir_share) IS
'transition function of the shamir_combine(x, share) aggregate';

CREATE FUNCTION shamir_combine_combinefn(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'shamir_combine_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_combinefn(internal, internal) IS
'combine function of the shamir_combine aggregates';

CREATE FUNCTION shamir_combine_serialfn(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'shamir_combine_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_serialfn(internal) IS
'serialisation function of the shamir_combine aggregates';

CREATE FUNCTION shamir_combine_deserialfn(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'shamir_combine_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_deserialfn(bytea, internal) IS
'deserialisation function of the shamir_combine aggregates';

CREATE FUNCTION shamir_combine_finalfn(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'shamir_combine_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shamir_combine_finalfn(internal) IS
'final function of the shamir_combine aggregates: Lagrange interpolation at 0';

CREATE AGGREGATE shamir_combine(share shamir_share) (
	SFUNC = shamir_combine_transfn,
	STYPE = internal,
	FINALFUNC = shamir_combine_finalfn,
	COMBINEFUNC = shamir_combine_combinefn,
	SERIALFUNC = shamir_combine_serialfn,
	DESERIALFUNC = shamir_combine_deserialfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE shamir_combine(shamir_share) IS
'recover the secret from the shares in a group (at least t of them)';

CREATE AGGREGATE shamir_combine(x integer, share shamir_share) (
	SFUNC = shamir_combine_transfn,
	STYPE = internal,
	FINALFUNC = shamir_combine_finalfn,
	COMBINEFUNC = shamir_combine_combinefn,
	SERIALFUNC = shamir_combine_serialfn,
	DESERIALFUNC = shamir_combine_deserialfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE shamir_combine(integer, shamir_share) IS
'recover the secret from the (x, share) rows in a group (at least t of them), checking each share''s point';

-- ---- zero-sum masks ----

CREATE FUNCTION zerosum_keygen() RETURNS bytea
AS 'MODULE_PATHNAME', 'zerosum_keygen'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_keygen() IS
'a fresh Diffie-Hellman private key (32 bytes) for zero-sum masks; keep it in a table only its party can read';

CREATE FUNCTION zerosum_public_key(private_key bytea) RETURNS bytea
AS 'MODULE_PATHNAME', 'zerosum_public_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_public_key(bytea) IS
'the public key 2^x mod p (384 bytes, RFC 3526 group 15) of a zero-sum private key';

CREATE FUNCTION zerosum_keypair(OUT private_key bytea, OUT public_key bytea)
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$ SELECT k, zerosum_public_key(k) FROM zerosum_keygen() AS k $$;
COMMENT ON FUNCTION zerosum_keypair() IS
'a fresh zero-sum key pair: the private key to keep, the public key to publish';

CREATE FUNCTION zerosum_mask(self_id text, round bigint, peer_ids text[],
                             peer_public_keys bytea[], private_key bytea)
RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_mask'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_mask(text, bigint, text[], bytea[], bytea) IS
'this party''s mask in [0, 2^128) for a round against its peers; the masks of all parties sum to 0 mod 2^128';

CREATE FUNCTION zerosum_mask_value(value numeric, mask numeric, scale integer DEFAULT 0)
RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_mask_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_mask_value(numeric, numeric, integer) IS
'(value * 10^scale + mask) mod 2^128: the masked value a party publishes; |value * 10^scale| < 2^127';

CREATE FUNCTION zerosum_unmask(total numeric, scale integer DEFAULT 0) RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_unmask'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_unmask(numeric, integer) IS
'the true sum from the plain sum of all masked values: total mod 2^128, read as signed, divided by 10^scale';

CREATE FUNCTION zerosum_random_mask() RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_random_mask'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_random_mask() IS
'a uniformly random value in [0, 2^128): a self-mask for double masking, to be Shamir-shared with shamir_split';

CREATE FUNCTION zerosum_modulus() RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 340282366920938463463374607431768211456::numeric;
COMMENT ON FUNCTION zerosum_modulus() IS 'the modulus M = 2^128 of zero-sum masks';

CREATE FUNCTION zerosum_key_split(private_key bytea, n integer, t integer)
RETURNS TABLE(x integer, share shamir_share)
AS 'MODULE_PATHNAME', 'zerosum_key_split'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION zerosum_key_split(bytea, integer, integer) IS
'Shamir-share a zero-sum private key among n peers, any t of whom can remove this party''s mask if it drops out';

CREATE FUNCTION zerosum_recover_mask(dropped_id text, round bigint, peer_ids text[],
                                     peer_public_keys bytea[], dropped_public_key bytea,
                                     key_shares shamir_share[])
RETURNS numeric
AS 'MODULE_PATHNAME', 'zerosum_recover_mask'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zerosum_recover_mask(text, bigint, text[], bytea[], bytea, shamir_share[]) IS
'the mask of a dropped party against the survivors, from t shares of its private key; add it to the survivors'' masked sum';
