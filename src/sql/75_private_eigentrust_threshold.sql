-- Paper-mode private EigenTrust with a threshold key (docs/design.md,
-- "Threshold decryptors"): the decryptor role and the coordinator's helpers.
-- After 70_threshold.sql, whose types they use; eigentrust_private
-- (50_private_eigentrust.sql) calls the helpers.

-- Each decryptor database holds one paillier_keyshare of one key; the
-- coordinator needs t of them to decrypt a round's combined vector.

CREATE FUNCTION private_eigentrust_vector_ciphertexts(key paillier_pubkey, vec bytea)
RETURNS paillier_ciphertext[]
AS 'MODULE_PATHNAME', 'private_eigentrust_vector_ciphertexts'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_vector_ciphertexts(paillier_pubkey, bytea) IS
'the ciphertexts of a private EigenTrust vector under key as paillier_ciphertext values at the vector''s scale, for paillier_decrypt_share; ERROR 22000 when the vector is under another key';

CREATE FUNCTION private_eigentrust_threshold_decrypt(key paillier_pubkey, vec bytea,
    shares paillier_decshare[], threshold integer, out_scale integer)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'private_eigentrust_threshold_decrypt'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_threshold_decrypt(paillier_pubkey, bytea, paillier_decshare[], integer, integer) IS
'coordinator side of threshold paper mode: decrypt every value of vec from decryptors'' answers (shares holds one decryption share per ciphertext per answer, answer after answer); per ciphertext the first threshold shares that are under key, of that very ciphertext and carry a valid proof are combined, an invalid one is skipped with a WARNING naming its index, and ERROR 22000 naming it when fewer than threshold valid ones remain; values rounded to out_scale';

CREATE FUNCTION private_eigentrust_decryptor_setup(share paillier_keyshare, coordinator_role name)
RETURNS void
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
AS $fn$
BEGIN
    IF share IS NULL OR coordinator_role IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_decryptor_setup: share and coordinator_role must not be NULL'
            USING ERRCODE = '22004';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = coordinator_role) THEN
        RAISE EXCEPTION 'private_eigentrust_decryptor_setup: role "%" does not exist', coordinator_role
            USING ERRCODE = '42704', HINT = 'Create the role the coordinator connects as first.';
    END IF;
    CREATE SCHEMA IF NOT EXISTS private_eigentrust_decryptor;
    -- the share, readable by the caller (the steward) alone
    CREATE TABLE IF NOT EXISTS private_eigentrust_decryptor.keyshare (
        share @extschema@.paillier_keyshare NOT NULL,
        installed timestamptz NOT NULL DEFAULT now());
    REVOKE ALL ON private_eigentrust_decryptor.keyshare FROM PUBLIC;
    DELETE FROM private_eigentrust_decryptor.keyshare;
    INSERT INTO private_eigentrust_decryptor.keyshare (share) VALUES (share);

    CREATE OR REPLACE FUNCTION private_eigentrust_decryptor.info(
        OUT pubkey @extschema@.paillier_pubkey, OUT threshold integer, OUT share_index integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, @extschema@, pg_temp
    AS $b$
        SELECT @extschema@.paillier_pubkey(s.share),
               substring(s.share::text FROM '\(threshold ([0-9]+)')::integer,
               substring(s.share::text FROM '^ks1 share ([0-9]+) of')::integer
        FROM private_eigentrust_decryptor.keyshare s
    $b$;
    REVOKE ALL ON FUNCTION private_eigentrust_decryptor.info() FROM PUBLIC;
    -- identity key, pinned parties and the round functions (76_private_eigentrust_paper.sql)
    PERFORM @extschema@.private_eigentrust_paper_role_setup('private_eigentrust_decryptor', coordinator_role,
        '(SELECT k.share FROM private_eigentrust_decryptor.keyshare k LIMIT 1)');
    EXECUTE format('GRANT EXECUTE ON FUNCTION private_eigentrust_decryptor.info() TO %I', coordinator_role);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_decryptor_setup(paillier_keyshare, name) IS
'make this database a threshold decryptor of paper-mode private EigenTrust: stores share in private_eigentrust_decryptor.keyshare (readable by the caller alone, replacing an earlier share) and creates SECURITY DEFINER functions, executable by coordinator_role alone: info() (public key, threshold, share index) and the round functions of private_eigentrust_paper_role_setup, which give decryption shares only of the product of every party''s authenticated vector, once per round; the steward pins every party''s public key in private_eigentrust_decryptor.known_parties';

-- Connect to the decryptors, check they hold shares of one key, return the
-- open connections (NULL for one that did not answer).
CREATE FUNCTION private_eigentrust_decryptors_open(dbl text, run text, decryptors text[],
    OUT conns text[], OUT names text[], OUT key paillier_pubkey, OUT threshold integer)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    pk        @extschema@.paillier_pubkey;
    t         integer;
    idx       integer;
    idxs      integer[] := '{}';
    first     integer;
    answered  integer := 0;
    why       text;
    c         text;
    st        text;
    msg       text;
    det       text;
    hnt       text;
BEGIN
    conns := '{}';
    names := '{}';
    BEGIN
        FOR k IN 1..cardinality(decryptors) LOOP
            names := names || format('decryptor %s (%s)', k, @extschema@.private_eigentrust_display(decryptors[k]));
            c := NULL;
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl) USING 'pet_' || run || '_d' || k, decryptors[k];
                c := 'pet_' || run || '_d' || k;
                conns := conns || c;
                EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(pk @extschema@.paillier_pubkey, t integer, i integer)', dbl)
                    INTO pk, t, idx USING c, 'SELECT * FROM private_eigentrust_decryptor.info()';
                IF pk IS NULL THEN
                    RAISE EXCEPTION 'it holds no key share' USING ERRCODE = '55000';
                END IF;
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                why := coalesce(why || '; ', '') || format('%s: %s', names[k], msg);
                IF c IS NOT NULL THEN
                    PERFORM @extschema@.private_eigentrust_disconnect(dbl, ARRAY[c]);
                    conns[k] := NULL;
                ELSE
                    conns := conns || NULL::text;
                END IF;
                CONTINUE;
            END;
            IF first IS NULL THEN
                first := k;
                key := pk;
                threshold := t;
            ELSIF pk::text <> key::text OR t <> threshold THEN
                RAISE EXCEPTION 'eigentrust_private: % holds a share of another key than %', names[k], names[first]
                    USING ERRCODE = '22000',
                          DETAIL = 'Every decryptor must hold a share of the same threshold key (same public key and threshold).';
            END IF;
            IF idx = ANY (idxs) THEN
                RAISE EXCEPTION 'eigentrust_private: % holds share %, as another decryptor does', names[k], idx
                    USING ERRCODE = '22023', DETAIL = 'Each decryptor must hold a different share of the key.';
            END IF;
            idxs := idxs || idx;
            answered := answered + 1;
        END LOOP;
        IF answered < coalesce(threshold, 2) THEN
            RAISE EXCEPTION 'eigentrust_private: % of % decryptors answered, the key needs %',
                answered, cardinality(decryptors), coalesce(threshold::text, 'at least 2')
                USING ERRCODE = '08006', DETAIL = coalesce(why, ''),
                      HINT = 'Each decryptor must be reachable and set up: as its steward run SELECT private_eigentrust_decryptor_setup(<share>, ''<coordinator role>'').';
        END IF;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
        PERFORM @extschema@.private_eigentrust_coordinator_error(dbl, conns, NULL, 'private eigentrust', NULL,
                                                                 st, msg, det, hnt);
    END;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_decryptors_open(text, text, text[]) IS
'internal: connect the coordinator to the threshold decryptors, check that they hold different shares of one key (22000 otherwise) and that at least its threshold answered (08006 otherwise)';
