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
