-- mpc_eigentrust 0.1.0 -> 0.2.0: the DDL changes since 0.1.0.
--
-- The Makefile builds the upgrade script mpc_eigentrust--0.1.0--0.2.0.sql
-- from this file followed by every COMMENT ON statement of src/sql/*.sql, so
-- comments never drift.  test/suites/15-upgrade.sh proves that the result
-- gives the catalog contents of a fresh install, and that data stored under
-- 0.1.0 still works.  When 0.2.0 is released, the built script is frozen into
-- src/sql/history/ and this file starts over for the next version.

-- ---- 14: a public magnitude bound on every ciphertext (format 2); encryption
-- takes the declared range max_abs, JSON import too.  The 0.1.0 signatures
-- are replaced (their C functions read max_abs only when it is passed).
DROP FUNCTION paillier_encrypt(bigint, paillier_pubkey, integer);
DROP FUNCTION paillier_encrypt(numeric, paillier_pubkey, integer);
DROP FUNCTION paillier_encrypt(double precision, paillier_pubkey, integer);
DROP FUNCTION paillier_encrypt(bigint, paillier_privkey, integer);
DROP FUNCTION paillier_encrypt(numeric, paillier_privkey, integer);
DROP FUNCTION paillier_encrypt(double precision, paillier_privkey, integer);
DROP FUNCTION paillier_ciphertext_from_json(paillier_pubkey, jsonb);

CREATE FUNCTION paillier_encrypt(value bigint, key paillier_pubkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_int8' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION paillier_encrypt(value numeric, key paillier_pubkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_numeric' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION paillier_encrypt(value double precision, key paillier_pubkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_float8' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION paillier_encrypt(value bigint, key paillier_privkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_int8_priv' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION paillier_encrypt(value numeric, key paillier_privkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_numeric_priv' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION paillier_encrypt(value double precision, key paillier_privkey, scale integer DEFAULT 0,
                                 max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_encrypt_float8_priv' LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION paillier_bound(paillier_ciphertext) RETURNS integer
AS 'MODULE_PATHNAME', 'paillier_bound' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION paillier_ciphertext_from_json(key paillier_pubkey, json jsonb, max_abs numeric DEFAULT NULL)
RETURNS paillier_ciphertext
AS 'MODULE_PATHNAME', 'paillier_ciphertext_from_json' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- ---- 16: a public key from a bare modulus; helpful errors for swapped arguments and public-key decryption
CREATE FUNCTION paillier_pubkey_from_n(n text, g text DEFAULT NULL) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME', 'paillier_pubkey_from_n' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION paillier_encrypt(key paillier_pubkey, value anyelement, scale integer DEFAULT 0)
RETURNS paillier_ciphertext LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'paillier_encrypt takes the value first and the key second'
        USING ERRCODE = 'undefined_function',
              DETAIL = format('It was called as paillier_encrypt(paillier_pubkey, %s).', pg_typeof(value)),
              HINT = 'Write paillier_encrypt(value, key) or paillier_encrypt(value, key, scale).';
END
$$;

CREATE FUNCTION paillier_encrypt(key paillier_privkey, value anyelement, scale integer DEFAULT 0)
RETURNS paillier_ciphertext LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'paillier_encrypt takes the value first and the key second'
        USING ERRCODE = 'undefined_function',
              DETAIL = format('It was called as paillier_encrypt(paillier_privkey, %s).', pg_typeof(value)),
              HINT = 'Write paillier_encrypt(value, key) or paillier_encrypt(value, key, scale).';
END
$$;

CREATE FUNCTION paillier_decrypt(key paillier_privkey, ciphertext paillier_ciphertext)
RETURNS numeric LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'paillier_decrypt takes the ciphertext first and the private key second'
        USING ERRCODE = 'undefined_function',
              HINT = 'Write paillier_decrypt(ciphertext, private_key).';
END
$$;

CREATE FUNCTION paillier_pubkey_as_privkey(key paillier_pubkey)
RETURNS paillier_privkey LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'a public key cannot be used where a private key is needed'
        USING ERRCODE = 'wrong_object_type',
              DETAIL = 'A public key (paillier_pubkey) encrypts and adds; only the private key (paillier_privkey) decrypts.',
              HINT = 'Decrypt as the holder of the private key: paillier_decrypt(ciphertext, private_key).';
END
$$;

CREATE CAST (paillier_pubkey AS paillier_privkey) WITH FUNCTION paillier_pubkey_as_privkey(paillier_pubkey) AS IMPLICIT;


-- ---- 13: threshold Paillier (the whole of src/sql/70_threshold.sql but its comments)
-- Threshold Paillier: t of l stewards must cooperate to decrypt.

CREATE TYPE paillier_keyshare;
CREATE FUNCTION paillier_keyshare_in(cstring) RETURNS paillier_keyshare
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_keyshare_out(paillier_keyshare) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_keyshare_recv(internal) RETURNS paillier_keyshare
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_keyshare_send(paillier_keyshare) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE paillier_keyshare (
    INPUT = paillier_keyshare_in, OUTPUT = paillier_keyshare_out,
    RECEIVE = paillier_keyshare_recv, SEND = paillier_keyshare_send,
    INTERNALLENGTH = VARIABLE, STORAGE = external, ALIGNMENT = int4
);

CREATE TYPE paillier_decshare;
CREATE FUNCTION paillier_decshare_in(cstring) RETURNS paillier_decshare
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_decshare_out(paillier_decshare) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_decshare_recv(internal) RETURNS paillier_decshare
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION paillier_decshare_send(paillier_decshare) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE paillier_decshare (
    INPUT = paillier_decshare_in, OUTPUT = paillier_decshare_out,
    RECEIVE = paillier_decshare_recv, SEND = paillier_decshare_send,
    INTERNALLENGTH = VARIABLE, STORAGE = external, ALIGNMENT = int4
);


CREATE FUNCTION paillier_keyshare_export(share paillier_keyshare) RETURNS text
AS 'MODULE_PATHNAME', 'paillier_keyshare_export' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION paillier_pubkey(paillier_keyshare) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME', 'paillier_pubkey_of_keyshare' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION paillier_threshold_keygen(bits integer, shares integer, threshold integer)
RETURNS TABLE(pubkey paillier_pubkey, share paillier_keyshare)
AS 'MODULE_PATHNAME', 'paillier_threshold_keygen' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

CREATE FUNCTION paillier_threshold_split(key paillier_privkey, shares integer, threshold integer)
RETURNS TABLE(pubkey paillier_pubkey, share paillier_keyshare)
AS 'MODULE_PATHNAME', 'paillier_threshold_split' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

CREATE FUNCTION paillier_decrypt_share(ciphertext paillier_ciphertext, share paillier_keyshare)
RETURNS paillier_decshare
AS 'MODULE_PATHNAME', 'paillier_decrypt_share' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

CREATE FUNCTION paillier_combine(shares paillier_decshare[]) RETURNS numeric
AS 'MODULE_PATHNAME', 'paillier_combine_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE paillier_combine(paillier_decshare) (
    SFUNC = array_append,
    STYPE = paillier_decshare[],
    FINALFUNC = paillier_combine,
    COMBINEFUNC = array_cat,
    PARALLEL = SAFE
);

-- ---- 14: the memory self-check used by the tests
CREATE FUNCTION _mpc_memory_selftest()
RETURNS boolean
AS 'MODULE_PATHNAME', '_mpc_memory_selftest'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

-- ---- 15: C symbols equal their SQL names where cheap; the old symbol stays
-- in the library for 0.1.0's install script.
CREATE OR REPLACE FUNCTION paillier_decrypt_many(ciphertexts paillier_ciphertext[], key paillier_privkey)
RETURNS numeric[]
AS 'MODULE_PATHNAME', 'paillier_decrypt_many' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
