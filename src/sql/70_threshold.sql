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
COMMENT ON TYPE paillier_keyshare IS
'one steward''s share of a threshold Paillier key; displayed redacted, moved with paillier_keyshare_export() (text ks1:<base64url>) or COPY BINARY. Keep it in a table only its steward can read';

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
COMMENT ON TYPE paillier_decshare IS
'one steward''s decryption share of one ciphertext, with a zero-knowledge proof that it was computed correctly; public; text form ds1:<base64url>';

COMMENT ON FUNCTION paillier_keyshare_in(cstring) IS 'text input of paillier_keyshare: the ks1: form of paillier_keyshare_export (validates everything, checks the share against its verification key)';
COMMENT ON FUNCTION paillier_keyshare_out(paillier_keyshare) IS 'text output of paillier_keyshare: index, threshold and key, never the share value';
COMMENT ON FUNCTION paillier_keyshare_recv(internal) IS 'binary input of paillier_keyshare (validates everything)';
COMMENT ON FUNCTION paillier_keyshare_send(paillier_keyshare) IS 'binary output of paillier_keyshare (carries the share value)';
COMMENT ON FUNCTION paillier_decshare_in(cstring) IS 'text input of paillier_decshare (validates everything but the proof, which paillier_combine checks)';
COMMENT ON FUNCTION paillier_decshare_out(paillier_decshare) IS 'text output of paillier_decshare';
COMMENT ON FUNCTION paillier_decshare_recv(internal) IS 'binary input of paillier_decshare (validates everything but the proof)';
COMMENT ON FUNCTION paillier_decshare_send(paillier_decshare) IS 'binary output of paillier_decshare';

CREATE FUNCTION paillier_keyshare_export(share paillier_keyshare) RETURNS text
AS 'MODULE_PATHNAME', 'paillier_keyshare_export' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_keyshare_export(paillier_keyshare) IS
'the full text form ks1:<base64url> of a key share, share value included: the one way to print it';

CREATE FUNCTION paillier_pubkey(paillier_keyshare) RETURNS paillier_pubkey
AS 'MODULE_PATHNAME', 'paillier_pubkey_of_keyshare' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_pubkey(paillier_keyshare) IS 'the public key a key share belongs to';

CREATE FUNCTION paillier_threshold_keygen(bits integer, shares integer, threshold integer)
RETURNS TABLE(pubkey paillier_pubkey, share paillier_keyshare)
AS 'MODULE_PATHNAME', 'paillier_threshold_keygen' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_threshold_keygen(integer, integer, integer) IS
'trusted-dealer threshold key: safe primes (bits 2048 to 8192), one row per share (2 <= threshold <= shares <= 64); the dealer''s secrets are wiped before return; cancellable';

CREATE FUNCTION paillier_threshold_split(key paillier_privkey, shares integer, threshold integer)
RETURNS TABLE(pubkey paillier_pubkey, share paillier_keyshare)
AS 'MODULE_PATHNAME', 'paillier_threshold_split' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_threshold_split(paillier_privkey, integer, integer) IS
'deal threshold shares of an existing key, so its ciphertexts stay decryptable; its primes are usually not safe primes, which weakens the proofs (see the docs); destroy the private key afterwards';

CREATE FUNCTION paillier_decrypt_share(ciphertext paillier_ciphertext, share paillier_keyshare)
RETURNS paillier_decshare
AS 'MODULE_PATHNAME', 'paillier_decrypt_share' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_decrypt_share(paillier_ciphertext, paillier_keyshare) IS
'a steward''s decryption share of a ciphertext with its proof (constant-time exponentiations); ERROR 22000 for another key';

CREATE FUNCTION paillier_combine(shares paillier_decshare[]) RETURNS numeric
AS 'MODULE_PATHNAME', 'paillier_combine_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION paillier_combine(paillier_decshare[]) IS
'decrypt from at least threshold decryption shares of one ciphertext, at its scale; every proof is checked (22000 naming the bad share); other keys or ciphertexts 22000; too few 22023; NULL elements are skipped';

CREATE AGGREGATE paillier_combine(paillier_decshare) (
    SFUNC = array_append,
    STYPE = paillier_decshare[],
    FINALFUNC = paillier_combine,
    COMBINEFUNC = array_cat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE paillier_combine(paillier_decshare) IS
'decrypt from the decryption shares in a group of rows: paillier_combine(array_agg(share)); NULL for no rows';
