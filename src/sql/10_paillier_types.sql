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
'Paillier ciphertext carrying its modulus, key fingerprint, public decimal scale and public magnitude bound; text form ct2:<scale>:<bound>:<base64url n>:<base64url c> (format 1, ct1:<scale>:<base64url n>:<base64url c>, is still read)';

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
