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

CREATE FUNCTION paillier_ciphertext_from_json(key paillier_pubkey, document jsonb, max_abs numeric DEFAULT NULL)
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


-- ---- 18: eigentrust()'s epsilon is now a proven L1 bound, default 1e-12
CREATE OR REPLACE FUNCTION eigentrust(
    edges_sql    text,
    pretrust_sql text             DEFAULT NULL,
    alpha        double precision DEFAULT 0.15,
    epsilon      double precision DEFAULT 1e-12,
    max_iter     integer          DEFAULT 1000,
    distrust     boolean          DEFAULT false,
    verbose      boolean          DEFAULT false)
RETURNS TABLE(peer bigint, trust double precision)
AS 'MODULE_PATHNAME', 'mpc_eigentrust'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
ROWS 1000;


-- ---- 11: private EigenTrust's masked mode (no key holder), fast mode
-- retired, hardened party functions.  Every function of 0.1.0's protocol is
-- replaced; the tables are kept (parties rerun private_eigentrust_party_setup,
-- see the README's "Upgrading").
DROP FUNCTION private_eigentrust_party_peers(text);
DROP FUNCTION private_eigentrust_party_step(text, text, integer, paillier_pubkey, bigint[], bigint[], bigint[], bytea);
DROP FUNCTION private_eigentrust_party_setup(text, name, name);
DROP FUNCTION private_eigentrust_key_new(text, integer, integer);
DROP FUNCTION private_eigentrust_key_decrypt(text, integer, integer, bytea, integer, integer);
DROP FUNCTION private_eigentrust_key_drop(text);
DROP FUNCTION private_eigentrust_key_holder_setup(name);
DROP FUNCTION private_eigentrust_decrypt_vector(bytea, paillier_privkey, integer);
DROP FUNCTION private_eigentrust_encrypt_vector(paillier_pubkey, bigint[], integer);
DROP FUNCTION private_eigentrust_combine(paillier_pubkey, bytea[]);
DROP FUNCTION private_eigentrust_next(bigint[], bigint[], bigint[], boolean[], double precision);
DROP FUNCTION private_eigentrust_vector_slice(paillier_pubkey, bytea, integer, integer);
DROP FUNCTION private_eigentrust_vector_info(bytea);
DROP FUNCTION private_eigentrust_fail(text, integer, text, text, text);
DROP FUNCTION private_eigentrust_display(text);
DROP FUNCTION eigentrust_private(text[], text, text, double precision, double precision, integer, text, integer, name);
-- the log was writable by PUBLIC in 0.1.0
REVOKE INSERT ON private_eigentrust_log FROM PUBLIC;

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

CREATE FUNCTION private_eigentrust_party_step(
    edges_sql text, mode text, round integer, key paillier_pubkey,
    peers bigint[], pretrust bigint[], t bigint[], enc_t bytea,
    OUT ciphertexts bytea, OUT encrypt_ms double precision, OUT compute_ms double precision)
AS 'MODULE_PATHNAME', 'private_eigentrust_party_step'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION private_eigentrust_masked_hello(edges_sql text, members_sql text, run_id text,
    identity bytea, known_keys bytea[],
    OUT public_key bytea, OUT nonce bytea, OUT hosted bigint[])
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_hello'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION private_eigentrust_masked_setup(edges_sql text, run_id text, self integer,
    public_keys bytea[], nonces bytea[], peers bigint[], hosted boolean[], pretrust bigint[],
    alpha double precision, epsilon double precision, max_iter integer,
    allow_two_parties boolean, min_pretrust_peers integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_setup'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION private_eigentrust_masked_step(edges_sql text, run_id text, round integer, inbox bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_step'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION private_eigentrust_masked_final(edges_sql text, run_id text, round integer, inbox bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_final'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION private_eigentrust_masked_result(edges_sql text, run_id text, inbox bytea[],
    OUT peer bigint, OUT trust double precision, OUT dropped_ratings bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_result'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 1000;

CREATE FUNCTION private_eigentrust_masked_sum(msgs bytea[], round integer, t bigint[],
    pretrust bigint[], hosted boolean[], alpha double precision,
    OUT t_next bigint[], OUT residual double precision)
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_sum'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION private_eigentrust_party_setup(
    edges_sql text, coordinator_role name,
    party_schema name DEFAULT 'private_eigentrust_party',
    members_sql text DEFAULT NULL,
    min_pretrust_peers integer DEFAULT 10)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    -- the wrappers run with this path (pg_temp last), so a caller's temp
    -- table cannot shadow what edges_sql reads
    path text := (SELECT string_agg(quote_ident(x), ', ')
                  FROM unnest(array_prepend('@extschema@'::text, current_schemas(false)::text[])) x)
                 || ', pg_temp';
    fns text[] := ARRAY['peers()',
        'step(text, integer, @extschema@.paillier_pubkey, bigint[], bigint[], bigint[], bytea)',
        'masked_hello(text)',
        'masked_setup(text, integer, bytea[], bytea[], bigint[], boolean[], bigint[], double precision, double precision, integer, boolean)',
        'masked_step(text, integer, bytea[])',
        'masked_final(text, integer, bytea[])',
        'masked_publish(text, bytea[])'];
    f text;
BEGIN
    IF edges_sql IS NULL OR coordinator_role IS NULL OR party_schema IS NULL OR min_pretrust_peers IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_party_setup: only members_sql may be NULL' USING ERRCODE = '22004';
    END IF;
    IF min_pretrust_peers < 1 THEN
        RAISE EXCEPTION 'private_eigentrust_party_setup: min_pretrust_peers must be at least 1' USING ERRCODE = '22023';
    END IF;
    -- the queries must run for their owner and give (truster, trustee, score) and (member)
    EXECUTE format('SELECT q.truster::bigint, q.trustee::bigint, q.score::double precision '
                   'FROM (%s) AS q(truster, trustee, score) LIMIT 0', edges_sql);
    IF members_sql IS NOT NULL THEN
        EXECUTE format('SELECT q.member::bigint FROM (%s) AS q(member) LIMIT 0', members_sql);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = party_schema) THEN
        EXECUTE format('CREATE SCHEMA %I', party_schema);
    END IF;
    -- the published results, readable by the party's owner only
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.eigentrust_private_result ('
                   'run_id text NOT NULL, peer bigint NOT NULL, trust double precision NOT NULL, '
                   'PRIMARY KEY (run_id, peer))', party_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.eigentrust_private_runs ('
                   'run_id text PRIMARY KEY, finished timestamptz NOT NULL DEFAULT now(), '
                   'peers integer NOT NULL, dropped_ratings bigint NOT NULL)', party_schema);
    EXECUTE format('REVOKE ALL ON %I.eigentrust_private_result, %I.eigentrust_private_runs FROM PUBLIC',
                   party_schema, party_schema);
    -- the party's identity key and the pinned keys of the other parties
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.masked_identity (private_key bytea NOT NULL, public_key bytea NOT NULL)',
                   party_schema);
    EXECUTE format('INSERT INTO %I.masked_identity SELECT k, @extschema@.zerosum_public_key(k) '
                   'FROM @extschema@.zerosum_keygen() AS k '
                   'WHERE NOT EXISTS (SELECT 1 FROM %I.masked_identity)', party_schema, party_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.masked_known_parties (public_key bytea PRIMARY KEY, note text)',
                   party_schema);
    EXECUTE format('REVOKE ALL ON %I.masked_identity, %I.masked_known_parties FROM PUBLIC', party_schema, party_schema);
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.masked_public_key() RETURNS bytea '
        'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT public_key FROM %I.masked_identity', party_schema));

    -- legacy Paillier modes
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.peers(OUT hosted bigint[], OUT mentioned bigint[]) '
        'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %s '
        'AS %L', party_schema, path,
        format('SELECT * FROM @extschema@.private_eigentrust_party_peers(%L)', edges_sql));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.step(mode text, round integer, key @extschema@.paillier_pubkey, '
        '    peers bigint[], pretrust bigint[], t bigint[], enc_t bytea, '
        '    OUT ciphertexts bytea, OUT encrypt_ms double precision, OUT compute_ms double precision) '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s '
        'AS %L', party_schema, path,
        format('SELECT * FROM @extschema@.private_eigentrust_party_step(%L, mode, round, key, peers, pretrust, t, enc_t)',
               edges_sql));

    -- masked mode
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.masked_hello(run_id text, OUT public_key bytea, OUT nonce bytea, OUT hosted bigint[]) '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT * FROM @extschema@.private_eigentrust_masked_hello(%L, %L, run_id, '
               '(SELECT private_key FROM %I.masked_identity), '
               '(SELECT coalesce(array_agg(public_key), ''{}'') FROM %I.masked_known_parties))',
               edges_sql, members_sql, party_schema, party_schema));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.masked_setup(run_id text, self integer, public_keys bytea[], nonces bytea[], '
        '    peers bigint[], hosted boolean[], pretrust bigint[], alpha double precision, '
        '    epsilon double precision, max_iter integer, allow_two_parties boolean) RETURNS bytea '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT @extschema@.private_eigentrust_masked_setup(%L, run_id, self, public_keys, nonces, peers, hosted, '
               'pretrust, alpha, epsilon, max_iter, allow_two_parties, %s)', edges_sql, min_pretrust_peers));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.masked_step(run_id text, round integer, inbox bytea[]) RETURNS bytea '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT @extschema@.private_eigentrust_masked_step(%L, run_id, round, inbox)', edges_sql));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.masked_final(run_id text, round integer, inbox bytea[]) RETURNS bytea '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT @extschema@.private_eigentrust_masked_final(%L, run_id, round, inbox)', edges_sql));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.masked_publish(run_id text, inbox bytea[]) RETURNS integer '
        'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    k integer;
BEGIN
    DELETE FROM %I.eigentrust_private_result r WHERE r.run_id = masked_publish.run_id;
    DELETE FROM %I.eigentrust_private_runs r WHERE r.run_id = masked_publish.run_id;
    WITH res AS MATERIALIZED (
             SELECT * FROM @extschema@.private_eigentrust_masked_result(%L, masked_publish.run_id, inbox)),
         ins AS (INSERT INTO %I.eigentrust_private_result
                 SELECT masked_publish.run_id, x.peer, x.trust FROM res x RETURNING 1)
    INSERT INTO %I.eigentrust_private_runs (run_id, peers, dropped_ratings)
    SELECT masked_publish.run_id, (SELECT count(*) FROM ins), coalesce(max(x.dropped_ratings), 0) FROM res x;
    SELECT r.peers INTO k FROM %I.eigentrust_private_runs r WHERE r.run_id = masked_publish.run_id;
    RETURN k;
END
$b$, party_schema, party_schema, edges_sql, party_schema, party_schema, party_schema));

    FOREACH f IN ARRAY fns LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %I.%s FROM PUBLIC', party_schema, f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.%s TO %I', party_schema, f, coordinator_role);
    END LOOP;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', party_schema, coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.masked_public_key() TO PUBLIC', party_schema);
END
$fn$;

REVOKE ALL ON private_eigentrust_keys FROM PUBLIC;

REVOKE ALL ON private_eigentrust_decrypted FROM PUBLIC;

CREATE FUNCTION private_eigentrust_key_new(run_id text, key_round integer, bits integer DEFAULT 2048)
RETURNS paillier_pubkey
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, @extschema@, pg_temp
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

CREATE FUNCTION private_eigentrust_key_decrypt(run_id text, key_round integer, round integer,
    vec bytea, out_scale integer, part integer DEFAULT 1)
RETURNS bigint[]
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, @extschema@, pg_temp
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

CREATE FUNCTION private_eigentrust_key_drop(run_id text)
RETURNS integer
LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, @extschema@, pg_temp
AS $fn$
    DELETE FROM @extschema@.private_eigentrust_decrypted AS x WHERE x.run_id = $1;
    WITH d AS (DELETE FROM @extschema@.private_eigentrust_keys AS x WHERE x.run_id = $1 RETURNING 1)
    SELECT count(*)::integer FROM d;
$fn$;

REVOKE ALL ON FUNCTION private_eigentrust_key_drop(text) FROM PUBLIC;

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

CREATE FUNCTION private_eigentrust_decrypt_vector(vec bytea, key paillier_privkey, out_scale integer)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'private_eigentrust_decrypt_vector'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION private_eigentrust_encrypt_vector(key paillier_pubkey, vals bigint[], scale integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_encrypt_vector'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION private_eigentrust_combine(key paillier_pubkey, vecs bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION private_eigentrust_next(sums bigint[], t bigint[], pretrust bigint[],
    hosted boolean[], alpha double precision,
    OUT t_next bigint[], OUT residual double precision)
AS 'MODULE_PATHNAME', 'private_eigentrust_next'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION private_eigentrust_vector_slice(key paillier_pubkey, vec bytea, part integer, parts integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_vector_slice'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION private_eigentrust_vector_info(vec bytea,
    OUT kind text, OUT count integer, OUT ciphertexts integer, OUT scale integer, OUT fingerprint text)
AS 'MODULE_PATHNAME', 'private_eigentrust_vector_info'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

REVOKE ALL ON private_eigentrust_log FROM PUBLIC;

GRANT SELECT ON private_eigentrust_log TO PUBLIC;

CREATE VIEW private_eigentrust_progress AS
SELECT a.pid, a.usename AS role, split_part(a.application_name, ' ', 2) AS run_id,
       split_part(a.application_name, ' ', 3) AS what,
       nullif(split_part(a.application_name, ' ', 5), '')::integer AS round,
       nullif(split_part(a.application_name, ' ', 7), '')::double precision AS residual,
       a.query_start, a.state
FROM pg_catalog.pg_stat_activity a
WHERE a.application_name LIKE 'pet % %';

GRANT SELECT ON private_eigentrust_progress TO PUBLIC;

CREATE FUNCTION private_eigentrust_fail(who text, round integer, state text, msg text, detail text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
    hint text;
BEGIN
    -- a party or key holder that was never set up (or did not grant the
    -- coordinator's role) shows as a missing schema or function, or a refusal
    IF state IN ('3F000', '42883', '42P01', '42501') THEN
        hint := CASE WHEN who LIKE 'key holder%' THEN
            'Set the key holder up first: in its database run SELECT private_eigentrust_key_holder_setup(''<coordinator role>'').'
        ELSE
            'Set the party up first: in its database, as the owner of the ratings, run SELECT private_eigentrust_party_setup(''SELECT truster, trustee, score FROM ratings'', ''<coordinator role>''), and pin the other parties'' public keys in its masked_known_parties.'
        END;
        RAISE EXCEPTION 'private eigentrust: % failed in round %: %', who, round, msg
            USING ERRCODE = state, DETAIL = coalesce(detail, ''), HINT = hint;
    END IF;
    RAISE EXCEPTION 'private eigentrust: % failed in round %: %', who, round, msg
        USING ERRCODE = state, DETAIL = coalesce(detail, '');
END
$fn$;

CREATE FUNCTION private_eigentrust_display(connstr text)
RETURNS text
AS 'MODULE_PATHNAME', 'private_eigentrust_display'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION private_eigentrust_broadcast(dbl text, conns text[], names text[], sqls text[], round integer)
RETURNS bytea[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    out bytea[] := '{}';
    ok integer;
    v bytea;
    st text;
    msg text;
    det text;
BEGIN
    FOR k IN 1..cardinality(conns) LOOP
        BEGIN
            EXECUTE format('SELECT %s.dblink_send_query($1, $2)', dbl) INTO ok USING conns[k], sqls[k];
            IF ok <> 1 THEN
                EXECUTE format('SELECT %s.dblink_error_message($1)', dbl) INTO msg USING conns[k];
                RAISE EXCEPTION '%', msg USING ERRCODE = '08006';
            END IF;
        EXCEPTION WHEN query_canceled OR others THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
            PERFORM @extschema@.private_eigentrust_fail(names[k], round, st, msg, det);
        END;
    END LOOP;
    FOR k IN 1..cardinality(conns) LOOP
        BEGIN
            v := NULL;
            EXECUTE format('SELECT r.m FROM %s.dblink_get_result($1) AS r(a text, m bytea)', dbl)
                INTO v USING conns[k];
            IF v IS NULL THEN
                RAISE EXCEPTION 'no result' USING ERRCODE = '08006';
            END IF;
            EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1) AS r(a text, m bytea)', dbl)
                INTO ok USING conns[k];
        EXCEPTION WHEN query_canceled OR others THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
            PERFORM @extschema@.private_eigentrust_fail(names[k], round, st, msg, det);
        END;
        out := out || v;
    END LOOP;
    RETURN out;
END
$fn$;

CREATE FUNCTION private_eigentrust_masked_run(
    parties text[], alpha double precision, epsilon double precision, max_iter integer,
    pretrust_sql text, party_schema name, allow_two_parties boolean,
    OUT peer bigint, OUT trust double precision)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    dbl       text;
    run       text := substr(md5(random()::text || clock_timestamp()::text), 1, 16);
    np        integer := coalesce(cardinality(parties), 0);
    conns     text[] := '{}';
    names     text[] := '{}';
    pubs      bytea[] := '{}';
    nonces    bytea[] := '{}';
    nc        bytea;
    hosted_all bigint[] := '{}';
    h         bigint[];
    pb        bytea;
    peers     bigint[];
    hmask     boolean[];
    n         integer;
    p         bigint[];
    t         bigint[];
    res       double precision := NULL;
    msgs      bytea[];
    sqls      text[];
    r         integer := 1;
    dup       bigint;
    st        text;
    msg       text;
    det       text;
    hnt       text;
    p_lit     text;
    t0        timestamptz;
    bytes     bigint;
    logging   boolean := has_table_privilege('@extschema@.private_eigentrust_log', 'INSERT');
    app       text := current_setting('application_name');
    c         text;
    lit       text;
BEGIN
    IF np < 3 AND NOT allow_two_parties THEN
        RAISE EXCEPTION 'eigentrust_private: % parties given, masked mode needs at least 3', np
            USING ERRCODE = '22023',
                  DETAIL = 'With two parties, each learns the other''s partial sums from t.',
                  HINT = 'Pass allow_two_parties => true to accept that (docs/design.md says what each learns).';
    END IF;
    IF np < 2 THEN
        RAISE EXCEPTION 'eigentrust_private: masked mode needs at least 2 parties' USING ERRCODE = '22023';
    END IF;
    SELECT quote_ident(x.nspname) INTO dbl
    FROM pg_extension e JOIN pg_namespace x ON x.oid = e.extnamespace WHERE e.extname = 'dblink';
    IF dbl IS NULL THEN
        RAISE EXCEPTION 'eigentrust_private: the dblink extension is not installed in this database'
            USING ERRCODE = '58P01', HINT = 'CREATE EXTENSION dblink';
    END IF;

    BEGIN
        t0 := clock_timestamp();
        PERFORM set_config('application_name', format('pet %s coordinator round 0', run), false);
        FOR k IN 1..np LOOP
            names := names || format('party %s (%s)', k, @extschema@.private_eigentrust_display(parties[k]));
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl) USING 'pet_' || run || '_' || k, parties[k];
                conns := conns || ('pet_' || run || '_' || k);
            EXCEPTION WHEN query_canceled OR others THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail(names[k], 0, st, msg, det);
            END;
        END LOOP;

        -- round 0: every party's public key and hosted ids
        FOR k IN 1..np LOOP
            BEGIN
                EXECUTE format('SELECT r.k, r.c, r.h FROM %s.dblink($1, $2) AS r(a text, k bytea, c bytea, h bigint[])', dbl)
                    INTO pb, nc, h USING conns[k],
                    format('SELECT x.a, h.* FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                           'LATERAL (SELECT * FROM %I.masked_hello(%L) WHERE x.a IS NOT NULL) h',
                           format('pet %s party%s round 0', run, k), party_schema, run);
            EXCEPTION WHEN query_canceled OR others THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail(names[k], 0, st, msg, det);
            END;
            SELECT x INTO dup FROM unnest(h) x WHERE x = ANY (hosted_all) LIMIT 1;
            IF dup IS NOT NULL THEN
                RAISE EXCEPTION 'eigentrust_private: peer % is hosted by more than one party (again in %)', dup, names[k]
                    USING ERRCODE = '22023',
                          DETAIL = 'Each truster''s ratings and each member must live in exactly one party.';
            END IF;
            hosted_all := hosted_all || h;
            pubs := pubs || pb;
            nonces := nonces || nc;
        END LOOP;

        -- the public peer universe: hosted ids and pre-trust ids
        peers := hosted_all;
        IF pretrust_sql IS NOT NULL THEN
            EXECUTE format('SELECT array_agg(q.peer::bigint) FROM (%s) AS q(peer, weight)', pretrust_sql) INTO h;
            peers := peers || coalesce(h, '{}');
        END IF;
        SELECT array_agg(DISTINCT x ORDER BY x) INTO peers FROM unnest(peers) x;
        n := coalesce(cardinality(peers), 0);
        IF n = 0 THEN
            RAISE EXCEPTION 'eigentrust_private: the parties host no peers' USING ERRCODE = '22023';
        END IF;
        SELECT array_agg(x = ANY (hosted_all) ORDER BY o) INTO hmask FROM unnest(peers) WITH ORDINALITY u(x, o);
        IF pretrust_sql IS NOT NULL THEN
            p := @extschema@.private_eigentrust_pretrust(pretrust_sql, peers);
            t := p;
            p_lit := quote_literal(p::text) || '::bigint[]';
        ELSE
            p := NULL;
            t := array_fill(round(1e12 / n)::bigint, ARRAY[n]);
            p_lit := 'NULL';
        END IF;
        IF logging THEN
            INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, seconds, bytes_moved)
            VALUES (run, 0, 'masked', np, n, extract(epoch FROM clock_timestamp() - t0), np * (np * 384 + 8 * n));
        END IF;
        RAISE NOTICE 'eigentrust_private: run %, mode masked, % parties, % peers', run, np, n;

        -- setup and round 1
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || format(
                'SELECT x.a, m.m FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                'LATERAL (SELECT %I.masked_setup(%L, %s, %L::bytea[], %L::bytea[], %L::bigint[], %L::boolean[], %s, %s, %s, %s, %L) AS m WHERE x.a IS NOT NULL) m',
                format('pet %s party%s round 1', run, k), party_schema, run, k, pubs::text, nonces::text, peers::text, hmask::text,
                p_lit, alpha, epsilon, max_iter, allow_two_parties);
        END LOOP;
        msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, 1);

        LOOP
            t0 := clock_timestamp();
            SELECT x.t_next, x.residual INTO t, res
            FROM @extschema@.private_eigentrust_masked_sum(msgs, r, t, p, hmask, alpha) x;
            bytes := 0;
            SELECT sum(octet_length(m)) * (np + 1) INTO bytes FROM unnest(msgs) m;
            PERFORM set_config('application_name',
                               format('pet %s coordinator round %s residual %s', run, r, trim(to_char(res, '9.99EEEE'))), false);
            RAISE NOTICE 'eigentrust_private: round %, residual %', r, trim(to_char(res, '9.999EEEE'));
            EXIT WHEN res < epsilon OR r >= max_iter;
            r := r + 1;
            sqls := '{}';
            lit := quote_literal(msgs::text);   -- the same inbox for every party: quote it once
            FOR k IN 1..np LOOP
                sqls := sqls || format(
                    'SELECT x.a, m.m FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                'LATERAL (SELECT %I.masked_step(%L, %s, %s::bytea[]) AS m WHERE x.a IS NOT NULL) m',
                    format('pet %s party%s round %s', run, k, r), party_schema, run, r, lit);
            END LOOP;
            msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, r);
            IF logging THEN
                INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds, bytes_moved)
                VALUES (run, r - 1, 'masked', np, n, res, extract(epoch FROM clock_timestamp() - t0), bytes);
            END IF;
        END LOOP;
        IF logging THEN
            INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds, bytes_moved)
            VALUES (run, r, 'masked', np, n, res, extract(epoch FROM clock_timestamp() - t0), bytes);
        END IF;

        -- the last round confirmed by every party, then published in every party
        sqls := '{}';
        lit := quote_literal(msgs::text);
        FOR k IN 1..np LOOP
            sqls := sqls || format(
                'SELECT x.a, m.m FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                'LATERAL (SELECT %I.masked_final(%L, %s, %s::bytea[]) AS m WHERE x.a IS NOT NULL) m',
                format('pet %s party%s round %s', run, k, r + 1), party_schema, run, r + 1, lit);
        END LOOP;
        msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, r + 1);
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || format(
                'SELECT x.a, m.m FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                'LATERAL (SELECT int4send(%I.masked_publish(%L, %L::bytea[])) AS m WHERE x.a IS NOT NULL) m',
                format('pet %s party%s publish', run, k), party_schema, run, msgs::text);
        END LOOP;
        msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, r + 1);
        FOREACH c IN ARRAY conns LOOP
            EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
        END LOOP;
        conns := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        -- closing a connection ends that party's session and its run state
        FOREACH c IN ARRAY conns LOOP
            BEGIN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END LOOP;
        PERFORM set_config('application_name', app, false);
        IF coalesce(det, '') = '' AND coalesce(hnt, '') = '' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = st;
        ELSIF coalesce(hnt, '') = '' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = st, DETAIL = det;
        ELSIF coalesce(det, '') = '' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = st, HINT = hnt;
        END IF;
        RAISE EXCEPTION '%', msg USING ERRCODE = st, DETAIL = det, HINT = hnt;
    END;
    PERFORM set_config('application_name', app, false);
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

CREATE FUNCTION private_eigentrust_pretrust(pretrust_sql text, peers bigint[])
RETURNS bigint[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    p bigint[];
BEGIN
    EXECUTE format(
        'WITH w AS (SELECT q.peer::bigint AS id, sum(q.weight::numeric) AS wt '
        '           FROM (%s) AS q(peer, weight) GROUP BY 1) '
        'SELECT array_agg(coalesce(round(w.wt / nullif((SELECT sum(wt) FROM w), 0) * 1e12), 0)::bigint ORDER BY pp.ord) '
        'FROM unnest($1) WITH ORDINALITY pp(id, ord) LEFT JOIN w USING (id)', pretrust_sql)
        INTO p USING peers;
    IF coalesce((SELECT sum(x) FROM unnest(p) x), 0) = 0 THEN
        RAISE EXCEPTION 'eigentrust_private: the pre-trust weights are all zero' USING ERRCODE = '22023';
    END IF;
    IF (SELECT bool_or(x < 0) FROM unnest(p) x) THEN
        RAISE EXCEPTION 'eigentrust_private: pre-trust weights must be >= 0' USING ERRCODE = '22023';
    END IF;
    RETURN p;
END
$fn$;



-- ---- zerosum_keypair works when the extension's schema is not on search_path
CREATE OR REPLACE FUNCTION zerosum_keypair(OUT private_key bytea, OUT public_key bytea)
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$ SELECT k, @extschema@.zerosum_public_key(k) FROM @extschema@.zerosum_keygen() AS k $$;

-- ---- 15: C symbols equal their SQL names where cheap; the old symbol stays
-- in the library for 0.1.0's install script.
CREATE OR REPLACE FUNCTION paillier_decrypt_many(ciphertexts paillier_ciphertext[], key paillier_privkey)
RETURNS numeric[]
AS 'MODULE_PATHNAME', 'paillier_decrypt_many' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---- 13: paper-mode private EigenTrust with a threshold key (decryptors);
-- eigentrust_private gains decryptors text[]
CREATE FUNCTION private_eigentrust_vector_ciphertexts(key paillier_pubkey, vec bytea)
RETURNS paillier_ciphertext[]
AS 'MODULE_PATHNAME', 'private_eigentrust_vector_ciphertexts'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

CREATE FUNCTION private_eigentrust_threshold_decrypt(key paillier_pubkey, vec bytea,
    shares paillier_decshare[], threshold integer, out_scale integer)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'private_eigentrust_threshold_decrypt'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

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
    -- the round counter: one answer per round of a run, rounds in order
    CREATE TABLE IF NOT EXISTS private_eigentrust_decryptor.runs (
        run_id text PRIMARY KEY,
        peers integer NOT NULL,
        last_round integer NOT NULL,
        answered timestamptz NOT NULL DEFAULT now());
    REVOKE ALL ON private_eigentrust_decryptor.keyshare, private_eigentrust_decryptor.runs FROM PUBLIC;
    DELETE FROM private_eigentrust_decryptor.keyshare;
    DELETE FROM private_eigentrust_decryptor.runs;
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
    CREATE OR REPLACE FUNCTION private_eigentrust_decryptor.decrypt(run_id text, round integer, vec bytea)
    RETURNS @extschema@.paillier_decshare[]
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, @extschema@, pg_temp
    AS $b$
    DECLARE
        s @extschema@.paillier_keyshare;
        n integer;
        known integer;
        last integer;
    BEGIN
        IF decrypt.run_id IS NULL OR decrypt.round IS NULL OR decrypt.vec IS NULL THEN
            RAISE EXCEPTION 'private eigentrust decryptor: run_id, round and vec must not be NULL' USING ERRCODE = '22004';
        END IF;
        SELECT x.share INTO s FROM private_eigentrust_decryptor.keyshare x LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'private eigentrust decryptor: this database holds no key share' USING ERRCODE = '55000',
                HINT = 'Run SELECT private_eigentrust_decryptor_setup(<share>, ''<coordinator role>'') as the steward.';
        END IF;
        SELECT x.count INTO n FROM @extschema@.private_eigentrust_vector_info(decrypt.vec) x;
        SELECT r.peers, r.last_round INTO known, last
        FROM private_eigentrust_decryptor.runs r WHERE r.run_id = decrypt.run_id FOR UPDATE;
        IF FOUND THEN
            IF decrypt.round <> last + 1 THEN
                RAISE EXCEPTION 'private eigentrust decryptor: round % of run % refused, round % was the last answered',
                    decrypt.round, decrypt.run_id, last
                    USING ERRCODE = '55000', DETAIL = 'A decryptor answers once per round, rounds in order.';
            END IF;
            IF n <> known THEN
                RAISE EXCEPTION 'private eigentrust decryptor: a vector of % values refused for run % of % peers',
                    n, decrypt.run_id, known USING ERRCODE = '22023';
            END IF;
            UPDATE private_eigentrust_decryptor.runs r SET last_round = decrypt.round, answered = now()
            WHERE r.run_id = decrypt.run_id;
        ELSE
            IF decrypt.round <> 1 THEN
                RAISE EXCEPTION 'private eigentrust decryptor: run % must start at round 1, not %', decrypt.run_id, decrypt.round
                    USING ERRCODE = '55000';
            END IF;
            INSERT INTO private_eigentrust_decryptor.runs (run_id, peers, last_round) VALUES (decrypt.run_id, n, 1);
        END IF;
        RETURN ARRAY(SELECT @extschema@.paillier_decrypt_share(u.c, s)
                     FROM unnest(@extschema@.private_eigentrust_vector_ciphertexts(@extschema@.paillier_pubkey(s), decrypt.vec))
                          WITH ORDINALITY u(c, o)
                     ORDER BY u.o);
    END
    $b$;
    REVOKE ALL ON FUNCTION private_eigentrust_decryptor.info(), private_eigentrust_decryptor.decrypt(text, integer, bytea) FROM PUBLIC;
    EXECUTE format('GRANT USAGE ON SCHEMA private_eigentrust_decryptor TO %I', coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION private_eigentrust_decryptor.info(), '
                   'private_eigentrust_decryptor.decrypt(text, integer, bytea) TO %I', coordinator_role);
END
$fn$;

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
                    BEGIN
                        EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
                    EXCEPTION WHEN OTHERS THEN NULL;
                    END;
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
        FOREACH c IN ARRAY conns LOOP
            CONTINUE WHEN c IS NULL;
            BEGIN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END LOOP;
        RAISE EXCEPTION '%', msg USING ERRCODE = st, DETAIL = coalesce(det, ''), HINT = coalesce(hnt, '');
    END;
END
$fn$;

-- Ask every live decryptor for the decryption shares of one combined
-- vector at once, and combine the first threshold valid ones.
CREATE FUNCTION private_eigentrust_decryptors_decrypt(dbl text, conns text[], names text[], run text,
    round integer, key paillier_pubkey, threshold integer, vec bytea,
    OUT sums bigint[], OUT live text[])
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    sql      text := format('SELECT private_eigentrust_decryptor.decrypt(%L, %s, %L::bytea)', run, round, vec);
    sent     boolean[] := '{}';
    ok       integer;
    ds       @extschema@.paillier_decshare[];
    shares   @extschema@.paillier_decshare[] := '{}';
    answered integer := 0;
    why      text;
    msg      text;
BEGIN
    live := conns;
    FOR k IN 1..cardinality(conns) LOOP
        sent := sent || false;
        CONTINUE WHEN conns[k] IS NULL;
        BEGIN
            EXECUTE format('SELECT %s.dblink_send_query($1, $2)', dbl) INTO ok USING conns[k], sql;
            IF ok <> 1 THEN
                EXECUTE format('SELECT %s.dblink_error_message($1)', dbl) INTO msg USING conns[k];
                RAISE EXCEPTION '%', msg USING ERRCODE = '08006';
            END IF;
            sent[k] := true;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            why := coalesce(why || '; ', '') || format('%s: %s', names[k], msg);
            live[k] := NULL;
        END;
    END LOOP;
    FOR k IN 1..cardinality(conns) LOOP
        CONTINUE WHEN NOT sent[k];
        BEGIN
            ds := NULL;
            EXECUTE format('SELECT * FROM %s.dblink_get_result($1) AS r(s @extschema@.paillier_decshare[])', dbl)
                INTO ds USING conns[k];
            EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1) AS r(s @extschema@.paillier_decshare[])', dbl)
                INTO ok USING conns[k];
            IF ds IS NULL THEN
                RAISE EXCEPTION 'no result' USING ERRCODE = '08006';
            END IF;
            shares := shares || ds;
            answered := answered + 1;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            why := coalesce(why || '; ', '') || format('%s: %s', names[k], msg);
            -- a decryptor that failed a round is not asked again in this run
            BEGIN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING conns[k];
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
            live[k] := NULL;
        END;
    END LOOP;
    IF answered < threshold THEN
        RAISE EXCEPTION 'eigentrust_private: % of % decryptors answered in round %, the key needs %',
            answered, cardinality(conns), round, threshold
            USING ERRCODE = '08006', DETAIL = coalesce(why, '');
    END IF;
    sums := @extschema@.private_eigentrust_threshold_decrypt(key, vec, shares, threshold, 13);
END
$fn$;

CREATE FUNCTION eigentrust_private(
    parties      text[],
    key_holder   text             DEFAULT NULL,
    mode         text             DEFAULT 'masked',
    alpha        double precision DEFAULT 0.15,
    epsilon      double precision DEFAULT 1e-8,
    max_iter     integer          DEFAULT 1000,
    pretrust_sql text             DEFAULT NULL,
    key_bits     integer          DEFAULT 2048,
    party_schema name             DEFAULT 'private_eigentrust_party',
    allow_two_parties boolean     DEFAULT false,
    decryptors   text[]           DEFAULT NULL)
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
    pk        @extschema@.paillier_pubkey;
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
    decs      text[] := '{}';
    dnames    text[];
    thr       integer;
BEGIN
    IF parties IS NULL OR mode IS NULL OR alpha IS NULL OR allow_two_parties IS NULL
       OR epsilon IS NULL OR max_iter IS NULL OR key_bits IS NULL OR party_schema IS NULL THEN
        RAISE EXCEPTION 'eigentrust_private: only key_holder, pretrust_sql and decryptors may be NULL' USING ERRCODE = '22004';
    END IF;
    IF mode = 'fast' THEN
        RAISE EXCEPTION 'eigentrust_private: mode "fast" was retired' USING ERRCODE = '0A000',
            DETAIL = 'It let the coordinator choose t and the key holder decrypt what the coordinator asked for.',
            HINT = 'Use mode ''masked'' (the default); see Upgrading in the README.';
    END IF;
    IF mode NOT IN ('masked', 'paper') THEN
        RAISE EXCEPTION 'eigentrust_private: unknown mode "%"', mode
            USING ERRCODE = '22023', HINT = 'Use ''masked'' (the default), or ''paper'' with a key holder or threshold decryptors.';
    END IF;
    IF NOT (alpha > 0 AND alpha <= 1) THEN
        RAISE EXCEPTION 'eigentrust_private: alpha must be in (0, 1], got %', alpha USING ERRCODE = '22023';
    END IF;
    IF NOT (epsilon > 0) OR max_iter < 1 THEN
        RAISE EXCEPTION 'eigentrust_private: epsilon must be > 0 and max_iter >= 1' USING ERRCODE = '22023';
    END IF;
    IF array_position(parties, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'eigentrust_private: parties must not contain NULLs' USING ERRCODE = '22004';
    END IF;
    IF decryptors IS NOT NULL AND mode <> 'paper' THEN
        RAISE EXCEPTION 'eigentrust_private: decryptors are for mode paper, not %', mode USING ERRCODE = '22023';
    END IF;
    IF mode = 'masked' THEN
        RETURN QUERY SELECT * FROM @extschema@.private_eigentrust_masked_run(parties, alpha, epsilon, max_iter,
            pretrust_sql, party_schema, allow_two_parties);
        RETURN;
    END IF;
    IF (key_holder IS NULL) = (decryptors IS NULL) THEN
        RAISE EXCEPTION 'eigentrust_private: mode % needs %', mode,
            CASE WHEN key_holder IS NULL THEN 'a key holder or decryptors' ELSE 'a key holder or decryptors, not both' END
            USING ERRCODE = '22023',
                  HINT = 'Give key_holder (one database decrypts) or decryptors (databases holding shares of a threshold key).';
    END IF;
    IF decryptors IS NOT NULL AND (array_position(decryptors, NULL) IS NOT NULL OR cardinality(decryptors) < 2) THEN
        RAISE EXCEPTION 'eigentrust_private: decryptors must be at least 2 connections, none NULL' USING ERRCODE = '22023';
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
            names := names || format('party %s (%s)', k, @extschema@.private_eigentrust_display(parties[k]));
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl)
                    USING 'pet_' || run || '_' || k, parties[k];
                conns := conns || ('pet_' || run || '_' || k);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail(names[k], 0, st, msg, det);
            END;
        END LOOP;
        -- the threshold decryptors: their common public key serves every round
        IF decryptors IS NOT NULL THEN
            SELECT x.conns, x.names, x.key, x.threshold INTO decs, dnames, pk, thr
            FROM @extschema@.private_eigentrust_decryptors_open(dbl, run, decryptors) x;
        END IF;
        -- two connections to the key holder, so decryption can use two cores
        FOR k IN 1..CASE WHEN decryptors IS NULL THEN 2 ELSE 0 END LOOP
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl)
                    USING 'pet_' || run || '_kh' || k, key_holder;
                khs := khs || ('pet_' || run || '_kh' || k);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail(format('key holder (%s)', @extschema@.private_eigentrust_display(key_holder)),
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
                PERFORM @extschema@.private_eigentrust_fail(names[k], 0, st, msg, det);
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
                PERFORM @extschema@.private_eigentrust_fail('key holder', 0, st, msg, det);
            END;
            s_keygen := extract(epoch FROM clock_timestamp() - tp);
        END IF;
        IF has_table_privilege('@extschema@.private_eigentrust_log', 'INSERT') THEN
            INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds,
                                                keygen_seconds, bytes_moved)
            VALUES (run, 0, mode, np, n, NULL, extract(epoch FROM clock_timestamp() - t0), s_keygen,
                    8 * n * (np + 2));
        END IF;
        RAISE NOTICE 'eigentrust_private: run %, mode %, % parties, % peers (% hosted)',
            run, mode, np, n, (SELECT count(*) FROM unnest(hmask) x WHERE x);

        LOOP
            r := r + 1;
            t0 := clock_timestamp();
            s_keygen := 0; s_enc := 0; s_cmp := 0; s_xfer := 0; s_dec := 0; bytes := 0; slowest := 0;
            enc := NULL;
            IF mode = 'paper' AND decryptors IS NOT NULL THEN
                -- the threshold key serves every round
                tp := clock_timestamp();
                enc := @extschema@.private_eigentrust_encrypt_vector(pk, t, 12);
                s_enc := extract(epoch FROM clock_timestamp() - tp);
                sql := format('SELECT * FROM %I.step(%L, %s, %L::paillier_pubkey, %L::bigint[], %s, NULL, %L::bytea)',
                              party_schema, mode, r, pk::text, peers::text, p_lit, enc);
            ELSIF mode = 'paper' THEN
                -- a fresh key pair every round (the paper's churn resilience)
                tp := clock_timestamp();
                BEGIN
                    EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(pk paillier_pubkey)', dbl)
                        INTO pk USING kh, format('SELECT private_eigentrust_key_new(%L, %s, %s)', run, r, key_bits);
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                    PERFORM @extschema@.private_eigentrust_fail('key holder', r, st, msg, det);
                END;
                s_keygen := extract(epoch FROM clock_timestamp() - tp);
                tp := clock_timestamp();
                enc := @extschema@.private_eigentrust_encrypt_vector(pk, t, 12);
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
                    PERFORM @extschema@.private_eigentrust_fail(names[k], r, st, msg, det);
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
                    PERFORM @extschema@.private_eigentrust_fail(names[k], r, st, msg, det);
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
                combined := @extschema@.private_eigentrust_combine(pk, vecs);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail('combining the parties'' ciphertexts', r, st, msg, det);
            END;
            s_cmp := s_cmp + extract(epoch FROM clock_timestamp() - tp);

            key_round := CASE WHEN mode = 'paper' THEN r ELSE 0 END;
            tp := clock_timestamp();
            SELECT x.ciphertexts INTO ok FROM @extschema@.private_eigentrust_vector_info(combined) x;
            nparts := CASE WHEN ok >= 8 THEN 2 ELSE 1 END;
            IF decryptors IS NOT NULL THEN
                nparts := 0;
                SELECT x.sums, x.live INTO sums, decs
                FROM @extschema@.private_eigentrust_decryptors_decrypt(dbl, decs, dnames, run, r, pk, thr, combined) x;
                bytes := bytes + octet_length(combined) * cardinality(decs);
            END IF;
            BEGIN
                FOR k IN 1..nparts LOOP
                    sql := format('SELECT private_eigentrust_key_decrypt(%L, %s, %s, %L::bytea, 13, %s)',
                                  run, key_round, r,
                                  CASE WHEN nparts = 1 THEN combined
                                       ELSE @extschema@.private_eigentrust_vector_slice(pk, combined, k, nparts) END, k);
                    bytes := bytes + octet_length(sql);
                    EXECUTE format('SELECT %s.dblink_send_query($1, $2)', dbl) INTO ok USING khs[k], sql;
                    IF ok <> 1 THEN
                        EXECUTE format('SELECT %s.dblink_error_message($1)', dbl) INTO msg USING khs[k];
                        RAISE EXCEPTION '%', msg USING ERRCODE = '08006';
                    END IF;
                END LOOP;
                IF nparts > 0 THEN
                    sums := '{}';
                END IF;
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
                PERFORM @extschema@.private_eigentrust_fail('key holder', r, st, msg, det);
            END;
            s_dec := extract(epoch FROM clock_timestamp() - tp);
            bytes := bytes + 20 * n;

            tp := clock_timestamp();
            SELECT x.t_next, x.residual INTO tn, res
            FROM @extschema@.private_eigentrust_next(sums, t, p, hmask, alpha) x;
            s_cmp := s_cmp + extract(epoch FROM clock_timestamp() - tp);
            t := tn;

            IF has_table_privilege('@extschema@.private_eigentrust_log', 'INSERT') THEN
                INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds,
                    keygen_seconds, encrypt_seconds, compute_seconds, transfer_seconds, decrypt_seconds, bytes_moved)
                VALUES (run, r, mode, np, n, res, extract(epoch FROM clock_timestamp() - t0),
                        s_keygen, s_enc, s_cmp, s_xfer, s_dec, bytes);
            END IF;
            RAISE NOTICE 'eigentrust_private: round %, residual %, % s, % bytes',
                r, trim(to_char(res, '9.999EEEE')), round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3), bytes;
            EXIT WHEN res < epsilon OR r >= max_iter;
        END LOOP;

        IF decryptors IS NULL THEN
            BEGIN
                EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(d integer)', dbl)
                    INTO ok USING kh, format('SELECT private_eigentrust_key_drop(%L)', run);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail('key holder', r, st, msg, det);
            END;
        END IF;
        FOREACH sql IN ARRAY conns || khs || decs LOOP
            CONTINUE WHEN sql IS NULL;
            EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING sql;
        END LOOP;
        conns := '{}';
        khs := '{}';
        decs := '{}';
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
        FOREACH sql IN ARRAY conns || khs || decs LOOP
            CONTINUE WHEN sql IS NULL;
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

-- ---- issue 17: private set intersection (src/sql/64_psi.sql)
-- ---- party side --------------------------------------------------------

CREATE FUNCTION psi_ids_kind(ids_sql text)
RETURNS text
AS 'MODULE_PATHNAME', 'psi_ids_kind'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE FUNCTION psi_party_hello(ids_sql text, run_id text, intersection boolean,
                                entitled boolean, allow_intersection boolean)
RETURNS bytea
AS 'MODULE_PATHNAME', 'psi_party_hello'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION psi_party_blind(run_id text, batch bytea, keep_order boolean)
RETURNS bytea
AS 'MODULE_PATHNAME', 'psi_party_blind'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE FUNCTION psi_party_reveal(run_id text, positions integer[])
RETURNS text[]
AS 'MODULE_PATHNAME', 'psi_party_reveal'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE FUNCTION psi_party_end(run_id text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'psi_party_end'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE FUNCTION psi_party_setup(
    ids_sql text, coordinator_role name,
    party_schema name DEFAULT 'psi_party',
    allow_intersection boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    -- the wrappers run with this path (pg_temp last), so a caller's temp
    -- table cannot shadow what ids_sql reads
    path text := (SELECT string_agg(quote_ident(x), ', ')
                  FROM unnest(array_prepend('@extschema@'::text, current_schemas(false)::text[])) x)
                 || ', pg_temp';
    fns text[] := ARRAY['hello(text, text, boolean, boolean)', 'blind(text, bytea, boolean)',
                        'finish(text, bigint, integer, integer[])'];
    f text;
BEGIN
    IF ids_sql IS NULL OR coordinator_role IS NULL OR party_schema IS NULL OR allow_intersection IS NULL THEN
        RAISE EXCEPTION 'psi_party_setup: no argument may be NULL' USING ERRCODE = '22004';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = coordinator_role) THEN
        RAISE EXCEPTION 'psi_party_setup: role "%" does not exist', coordinator_role USING ERRCODE = '42704',
            HINT = 'Create the role the coordinator connects as (its USER MAPPING or connection string names it).';
    END IF;
    -- one column of text or bigint, readable by the caller (else an ERROR here)
    PERFORM @extschema@.psi_ids_kind(ids_sql);
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = party_schema) THEN
        EXECUTE format('CREATE SCHEMA %I', party_schema);
    END IF;
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.psi_queries (ids_sql text PRIMARY KEY, '
                   'allow_intersection boolean NOT NULL, registered timestamptz NOT NULL DEFAULT now())',
                   party_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.psi_runs (run_id text PRIMARY KEY, '
                   'finished timestamptz NOT NULL DEFAULT now(), parties integer NOT NULL, '
                   'own_ids bigint NOT NULL, cardinality bigint NOT NULL, intersection_ids bigint)',
                   party_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.psi_intersection (run_id text NOT NULL, id text NOT NULL, '
                   'PRIMARY KEY (run_id, id))', party_schema);
    EXECUTE format('REVOKE ALL ON %I.psi_queries, %I.psi_runs, %I.psi_intersection FROM PUBLIC',
                   party_schema, party_schema, party_schema);
    EXECUTE format('INSERT INTO %I.psi_queries (ids_sql, allow_intersection) VALUES ($1, $2) '
                   'ON CONFLICT (ids_sql) DO UPDATE SET allow_intersection = EXCLUDED.allow_intersection',
                   party_schema) USING ids_sql, allow_intersection;

    -- only a query the owner registered runs: NULL picks the only one
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.hello(run_id text, ids_sql text, intersection boolean, entitled boolean) '
        'RETURNS bytea LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT @extschema@.psi_party_hello(q.ids_sql, run_id, intersection, entitled, '
               'coalesce(q.allow_intersection, false)) '
               'FROM (SELECT NULL) d LEFT JOIN %I.psi_queries q ON q.ids_sql = coalesce(hello.ids_sql, '
               '(SELECT min(x.ids_sql) FROM %I.psi_queries x HAVING count(*) = 1))',
               party_schema, party_schema));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.blind(run_id text, batch bytea, keep_order boolean) '
        'RETURNS bytea LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        'SELECT @extschema@.psi_party_blind(run_id, batch, keep_order)');
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.finish(run_id text, cardinality bigint, parties integer, positions integer[]) '
        'RETURNS bytea LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    k bigint := NULL;
BEGIN
    IF positions IS NOT NULL THEN
        INSERT INTO %I.psi_intersection (run_id, id)
        SELECT finish.run_id, x FROM unnest(@extschema@.psi_party_reveal(finish.run_id, positions)) x;
        GET DIAGNOSTICS k = ROW_COUNT;
    END IF;
    INSERT INTO %I.psi_runs (run_id, parties, own_ids, cardinality, intersection_ids)
    VALUES (finish.run_id, parties, @extschema@.psi_party_end(finish.run_id), cardinality, k);
    RETURN int8send(coalesce(k, cardinality));
END
$b$, party_schema, party_schema));

    FOREACH f IN ARRAY fns LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %I.%s FROM PUBLIC', party_schema, f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.%s TO %I', party_schema, f, coordinator_role);
    END LOOP;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', party_schema, coordinator_role);
END
$fn$;

-- ---- coordinator side --------------------------------------------------

CREATE FUNCTION psi_match(batches bytea[], target integer)
RETURNS integer[]
AS 'MODULE_PATHNAME', 'psi_match'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION psi_run(parties text[], ids_sql text, intersection boolean, entitled integer[],
                        party_schema name, OUT run_id text, OUT cardinality bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    dbl    text;
    run    text := substr(md5(random()::text || clock_timestamp()::text), 1, 16);
    np     integer := coalesce(array_length(parties, 1), 0);
    conns  text[] := '{}';
    names  text[] := '{}';
    cur    bytea[];
    nxt    bytea[];
    orig   integer[];
    norig  integer[];
    fin    bytea[];
    sqls   text[];
    prev   integer;
    kinds  integer[];
    card   bigint;
    st     text;
    msg    text;
    det    text;
    hnt    text;
    c      text;
    app    text := current_setting('application_name');
    -- every remote call first names itself in the party's pg_stat_activity
    call   text := 'SELECT x.a, m.m FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                   'LATERAL (SELECT %s AS m WHERE x.a IS NOT NULL) m';
BEGIN
    SELECT quote_ident(x.nspname) INTO dbl
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace x ON x.oid = e.extnamespace
    WHERE e.extname = 'dblink';
    IF dbl IS NULL THEN
        RAISE EXCEPTION 'psi: the dblink extension is not installed in this database'
            USING ERRCODE = '58P01', HINT = 'CREATE EXTENSION dblink';
    END IF;
    BEGIN
        PERFORM set_config('application_name', format('psi %s coordinator', run), false);
        FOR k IN 1..np LOOP
            names := names || format('party %s (%s)', k, @extschema@.private_eigentrust_display(parties[k]));
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl) USING 'psi_' || run || '_' || k, parties[k];
                conns := conns || ('psi_' || run || '_' || k);
            EXCEPTION WHEN query_canceled OR others THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail(names[k], 0, st, msg, det);
            END;
        END LOOP;

        -- round 1: every party blinds and sorts its own ids, all at once
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || format(call, format('psi %s party%s round 1', run, k),
                format('%I.hello(%L, %L, %L, %L)', party_schema, run, ids_sql, intersection,
                       intersection AND k = ANY (entitled)));
        END LOOP;
        cur := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, 1);
        SELECT array_agg(get_byte(m, 4) ORDER BY o) INTO kinds FROM unnest(cur) WITH ORDINALITY u(m, o);
        IF (SELECT count(DISTINCT x) FROM unnest(kinds) x) > 1 THEN
            RAISE EXCEPTION 'psi: the parties'' ids are of different types'
                USING ERRCODE = '42804',
                      DETAIL = format('Party k holds %s (1 = text, 2 = bigint).', kinds::text),
                      HINT = 'Cast the ids to one type in every party''s registered query.';
        END IF;
        orig := (SELECT array_agg(g ORDER BY g) FROM generate_series(1, np) g);

        -- rounds 2..np: each batch moves one party on around the ring and is
        -- blinded there; every party works on one batch in each round
        FOR r IN 2..np LOOP
            sqls := '{}';
            norig := '{}';
            FOR k IN 1..np LOOP
                prev := CASE WHEN k = 1 THEN np ELSE k - 1 END;
                norig := norig || orig[prev];
                sqls := sqls || format(call, format('psi %s party%s round %s', run, k, r),
                    format('%I.blind(%L, %L::bytea, %L)', party_schema, run, cur[prev],
                           intersection AND orig[prev] = ANY (entitled)));
            END LOOP;
            nxt := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, r);
            FOR k IN 1..np LOOP
                prev := CASE WHEN k = 1 THEN np ELSE k - 1 END;
                IF octet_length(nxt[k]) <> octet_length(cur[prev]) THEN
                    RAISE EXCEPTION 'psi: % returned a batch of another size in round %', names[k], r
                        USING ERRCODE = '08P01';
                END IF;
            END LOOP;
            cur := nxt;
            orig := norig;
        END LOOP;

        -- every batch now carries every party's scalar: match them, by origin
        fin := array_fill(NULL::bytea, ARRAY[np]);
        FOR k IN 1..np LOOP
            fin[orig[k]] := cur[k];
        END LOOP;
        card := cardinality(@extschema@.psi_match(fin, 1));

        -- the result to every party; the entitled ones get their matched positions
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || format(call, format('psi %s party%s finish', run, k),
                format('%I.finish(%L, %s, %s, %L::integer[])', party_schema, run, card, np,
                       CASE WHEN intersection AND k = ANY (entitled) THEN @extschema@.psi_match(fin, k) END));
        END LOOP;
        PERFORM @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, np + 1);
        FOREACH c IN ARRAY conns LOOP
            EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
        END LOOP;
        conns := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        -- closing a connection ends that party's session and its run state
        FOREACH c IN ARRAY conns LOOP
            BEGIN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END LOOP;
        PERFORM set_config('application_name', app, false);
        -- private_eigentrust_fail names the party and the round in EigenTrust's words
        msg := regexp_replace(msg, '^private eigentrust: ', 'psi: ');
        IF hnt LIKE 'Set the party up first%' THEN
            hnt := 'Set the party up first: in its database, as the owner of the ids, run SELECT psi_party_setup(''SELECT id FROM ...'', ''<coordinator role>''), and give the coordinator the same query text.';
        END IF;
        RAISE EXCEPTION '%', msg USING ERRCODE = st, DETAIL = coalesce(det, ''), HINT = coalesce(hnt, '');
    END;
    PERFORM set_config('application_name', app, false);
    run_id := run;
    cardinality := card;
END
$fn$;

CREATE FUNCTION psi_check_args(fn text, parties text[], ids_sql text, party_schema name)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
BEGIN
    IF parties IS NULL OR party_schema IS NULL THEN
        RAISE EXCEPTION '%: parties and party_schema must not be NULL', fn USING ERRCODE = '22004';
    END IF;
    IF array_ndims(parties) > 1 THEN
        RAISE EXCEPTION '%: parties must be a one-dimensional array', fn USING ERRCODE = '2202E';
    END IF;
    IF array_position(parties, NULL) IS NOT NULL THEN
        RAISE EXCEPTION '%: parties must not contain NULLs', fn USING ERRCODE = '22004';
    END IF;
    IF coalesce(array_length(parties, 1), 0) < 2 THEN
        RAISE EXCEPTION '%: % parties given, at least 2 are needed', fn, coalesce(array_length(parties, 1), 0)
            USING ERRCODE = '22023',
                  HINT = 'Give each party as a foreign server name (with a USER MAPPING) or a connection string.';
    END IF;
    IF ids_sql IS NOT NULL AND btrim(ids_sql) = '' THEN
        RAISE EXCEPTION '%: ids_sql is empty', fn USING ERRCODE = '22023',
            HINT = 'Give the query text the parties registered with psi_party_setup, or NULL for each party''s only one.';
    END IF;
END
$fn$;

CREATE FUNCTION psi_cardinality(parties text[], ids_sql text DEFAULT NULL,
                                party_schema name DEFAULT 'psi_party')
RETURNS bigint
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
AS $fn$
BEGIN
    PERFORM @extschema@.psi_check_args('psi_cardinality', parties, ids_sql, party_schema);
    RETURN (SELECT r.cardinality FROM @extschema@.psi_run(parties, ids_sql, false, '{}', party_schema) r);
END
$fn$;

CREATE FUNCTION psi_intersection(parties text[], ids_sql text DEFAULT NULL,
                                 entitled integer[] DEFAULT NULL,
                                 party_schema name DEFAULT 'psi_party')
RETURNS TABLE(run_id text, cardinality bigint)
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
AS $fn$
DECLARE
    np integer;
    ent integer[] := entitled;
BEGIN
    PERFORM @extschema@.psi_check_args('psi_intersection', parties, ids_sql, party_schema);
    np := array_length(parties, 1);
    IF ent IS NULL THEN
        ent := (SELECT array_agg(g ORDER BY g) FROM generate_series(1, np) g);
    END IF;
    IF array_position(ent, NULL) IS NOT NULL OR coalesce(array_length(ent, 1), 0) = 0
       OR EXISTS (SELECT 1 FROM unnest(ent) x WHERE x < 1 OR x > np)
       OR (SELECT count(DISTINCT x) FROM unnest(ent) x) <> array_length(ent, 1) THEN
        RAISE EXCEPTION 'psi_intersection: entitled must list distinct party numbers between 1 and %', np
            USING ERRCODE = '22023', DETAIL = format('Got %s.', entitled::text),
                  HINT = 'Number the parties by their place in parties; NULL entitles every party.';
    END IF;
    RETURN QUERY SELECT r.run_id, r.cardinality FROM @extschema@.psi_run(parties, ids_sql, true, ent, party_schema) r;
END
$fn$;
