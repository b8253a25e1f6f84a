-- Fast Paillier: batch decryption, one base with many scalars, packing and
-- the DJN table cache.  Public-key encryption itself is the paillier_encrypt
-- of 20_paillier_functions.sql; the GUC mpc_eigentrust.encryption_method
-- chooses DJN (default) or textbook randomness there.

-- Not an overload of paillier_decrypt: that would make paillier_decrypt('ct1:...', sk)
-- and paillier_decrypt(NULL, sk) ambiguous.
CREATE FUNCTION paillier_decrypt_many(ciphertexts paillier_ciphertext[], key paillier_privkey)
RETURNS numeric[]
AS 'MODULE_PATHNAME', 'paillier_decrypt_many' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_decrypt_many(paillier_ciphertext[], paillier_privkey) IS
'decrypt every element (CRT); all keys are checked before the first decryption; NULL elements stay NULL; same dimensions as the input';

CREATE FUNCTION paillier_encrypt_many(vals bigint[], key paillier_pubkey)
RETURNS paillier_ciphertext[]
AS 'MODULE_PATHNAME', 'paillier_encrypt_many' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_encrypt_many(bigint[], paillier_pubkey) IS
'paillier_encrypt(v, key) for every element (scale 0, bound 2^63), eight at a time on the multi-buffer AVX-512 IFMA products when the CPU has them; NULL elements stay NULL; same dimensions as the input';

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
