-- Private EigenTrust across databases (docs/design.md, "Private EigenTrust
-- protocol and threat model").  Three roles, each a database with this
-- extension: parties (hold ratings), a coordinator (drives rounds through
-- dblink) and a key holder (decrypts only sums).

-- ---- party ------------------------------------------------------------

-- ---- masked mode (no key holder): party functions -------------------

CREATE FUNCTION private_eigentrust_masked_hello(edges_sql text, members_sql text, run_id text,
    identity bytea, known_keys bytea[],
    OUT public_key bytea, OUT nonce bytea, OUT hosted bigint[])
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_hello'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_masked_hello(text, text, text, bytea, bytea[]) IS
'party side of masked private EigenTrust, step 1: read the ratings (and members) with the caller''s privileges and start run_id in this session with the party''s identity key (a zerosum private key) and the pinned keys of the other parties; returns the identity public key, a fresh nonce and the ids the party hosts (trusters and members), never trustees';

CREATE FUNCTION private_eigentrust_masked_setup(edges_sql text, run_id text, self integer,
    public_keys bytea[], nonces bytea[], peers bigint[], hosted boolean[], pretrust bigint[],
    alpha double precision, epsilon double precision, max_iter integer,
    allow_two_parties boolean, min_pretrust_peers integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_setup'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_masked_setup(text, text, integer, bytea[], bytea[], bigint[], boolean[], bigint[], double precision, double precision, integer, boolean, integer) IS
'party side of masked private EigenTrust, step 2: check the public inputs (at least 3 parties unless allowed, every other key pinned, own key, nonce and hosted ids present, pre-trust support), agree pairwise keys bound to every nonce, return the authenticated masked round 1 vector';

CREATE FUNCTION private_eigentrust_masked_unmask(edges_sql text, run_id text, round integer, inbox bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_unmask'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_masked_unmask(text, text, integer, bytea[]) IS
'party side of masked private EigenTrust, second half of a round: verify the round''s vectors (NULL for a party that dropped out), keep their sum, and return the authenticated unmask reply: this party''s share of each present party''s self-mask seed, its round key with each missing party; it never releases both for one party (an ERROR ends the run)';

CREATE FUNCTION private_eigentrust_masked_step(edges_sql text, run_id text, round integer, inbox bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_step'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_masked_step(text, text, integer, bytea[]) IS
'party side of masked private EigenTrust, one round: verify the unmask replies of the previous round (tags, round, transcript confirmations), recover the sum, derive t itself, check its invariants, return this round''s authenticated double-masked vector for the parties that answered; any failure ends the run';

CREATE FUNCTION private_eigentrust_masked_final(edges_sql text, run_id text, round integer, inbox bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_final'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_masked_final(text, text, integer, bytea[]) IS
'party side of masked private EigenTrust: verify the last round, check convergence, return the authenticated confirmation of the last round''s transcript';

CREATE FUNCTION private_eigentrust_masked_result(edges_sql text, run_id text, inbox bytea[],
    OUT peer bigint, OUT trust double precision, OUT dropped_ratings bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_result'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 1000;
COMMENT ON FUNCTION private_eigentrust_masked_result(text, text, bytea[]) IS
'party side of masked private EigenTrust: verify every party''s final confirmation and return the result (and how many of the party''s ratings named ids outside the peer universe); ends the run';

CREATE FUNCTION private_eigentrust_masked_relay(msgs bytea[], round integer)
RETURNS bytea[]
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_relay'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_masked_relay(bytea[], integer) IS
'coordinator side of masked private EigenTrust: one round''s masked vectors (NULL for a party that dropped out) as every party receives them: each vector''s head (the vector with its values replaced by their digest; NULL where missing) and, last, the exact sum of the values; checks shapes, round, senders and active sets';

CREATE FUNCTION private_eigentrust_masked_sum(msgs bytea[], replies bytea[], round integer, t bigint[],
    pretrust bigint[], hosted boolean[], alpha double precision,
    OUT t_next bigint[], OUT residual double precision, OUT parties integer, OUT answered integer)
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_sum'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_masked_sum(bytea[], bytea[], integer, bigint[], bigint[], boolean[], double precision) IS
'coordinator side of masked private EigenTrust: sum one round''s present masked vectors (NULL for a party that dropped out; or their relay from private_eigentrust_masked_relay), remove the self masks and the dropped parties'' pairwise masks through the parties'' unmask replies, and compute the next t at scale 12, the L1 residual, how many vectors and replies arrived';

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
    path text := @extschema@.private_eigentrust_wrapper_path();
    fns text[] := ARRAY['paper_hello(text)',
        'paper_setup(text, integer, bytea[], bytea[], integer, integer, bigint[], boolean[], bigint[], double precision, boolean)',
        'paper_step(text, integer, bytea[])',
        'masked_hello(text)',
        'masked_setup(text, integer, bytea[], bytea[], bigint[], boolean[], bigint[], double precision, double precision, integer, boolean)',
        'masked_step(text, integer, bytea[])',
        'masked_unmask(text, integer, bytea[])',
        'masked_final(text, integer, bytea[])',
        'masked_publish(text, bytea[])'];
BEGIN
    IF edges_sql IS NULL OR coordinator_role IS NULL OR party_schema IS NULL OR min_pretrust_peers IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_party_setup: only members_sql may be NULL' USING ERRCODE = '22004';
    END IF;
    IF min_pretrust_peers < 1 THEN
        RAISE EXCEPTION 'private_eigentrust_party_setup: min_pretrust_peers must be at least 1' USING ERRCODE = '22023';
    END IF;
    -- the queries must run for their owner and give (truster, trustee, score) and (member)
    PERFORM @extschema@.private_eigentrust_check_queries(edges_sql, members_sql);
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

    -- paper mode (the pinned keys of masked_known_parties include the key
    -- holder's or the decryptors')
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.paper_hello(run_id text, OUT public_key bytea, OUT nonce bytea, OUT hosted bigint[]) '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT * FROM @extschema@.private_eigentrust_paper_hello(%L, %L, run_id, '
               '(SELECT private_key FROM %I.masked_identity), '
               '(SELECT coalesce(array_agg(public_key), ''{}'') FROM %I.masked_known_parties))',
               edges_sql, members_sql, party_schema, party_schema));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.paper_setup(run_id text, self integer, public_keys bytea[], nonces bytea[], '
        '    parties integer, need integer, peers bigint[], hosted boolean[], pretrust bigint[], '
        '    alpha double precision, allow_two_parties boolean) RETURNS boolean '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT @extschema@.private_eigentrust_paper_setup(%L, run_id, self, public_keys, nonces, parties, need, '
               'peers, hosted, pretrust, alpha, allow_two_parties)', edges_sql));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.paper_step(run_id text, round integer, inbox bytea[]) RETURNS bytea '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT @extschema@.private_eigentrust_paper_step(%L, run_id, round, inbox)', edges_sql));

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
        'CREATE OR REPLACE FUNCTION %I.masked_unmask(run_id text, round integer, inbox bytea[]) RETURNS bytea '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT @extschema@.private_eigentrust_masked_unmask(%L, run_id, round, inbox)', edges_sql));
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

    PERFORM @extschema@.private_eigentrust_grant(party_schema, fns, coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.masked_public_key() TO PUBLIC', party_schema);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_party_setup(text, name, name, text, integer) IS
'make this database a private EigenTrust party: creates SECURITY DEFINER functions in party_schema, owned by the caller, that read edges_sql (truster, trustee, score) and members_sql (member ids hosted without ratings) and return only masked vectors or ciphertexts, executable by coordinator_role alone, and the tables party_schema.eigentrust_private_result and eigentrust_private_runs readable by the caller alone; a party identity key (party_schema.masked_public_key() shows its public half) and party_schema.masked_known_parties, where the owner pins the other parties'' public keys (and, for paper mode, the key holder''s or the decryptors''); a masked run is refused when the pre-trust has fewer than min_pretrust_peers peers';

-- ---- key holder (the roles are in 76_private_eigentrust_paper.sql) -----

CREATE FUNCTION private_eigentrust_decrypt_vector(vec bytea, key paillier_privkey, out_scale integer)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'private_eigentrust_decrypt_vector'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_decrypt_vector(bytea, paillier_privkey, integer) IS
'decrypt every value of a private EigenTrust ciphertext vector, rounded half away from zero to out_scale';

-- ---- coordinator ------------------------------------------------------

CREATE FUNCTION private_eigentrust_encrypt_vector(key paillier_pubkey, vals bigint[], scale integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_encrypt_vector'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_encrypt_vector(paillier_pubkey, bigint[], integer) IS
'encrypt vals[i] / 10^scale, one ciphertext each, into a private EigenTrust vector (DJN encryption of djn.h)';

CREATE FUNCTION private_eigentrust_combine(key paillier_pubkey, vecs bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
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
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_vector_slice(paillier_pubkey, bytea, integer, integer) IS
'part (1-based) of parts nearly equal runs of a private EigenTrust vector''s ciphertexts, a vector itself, so decryption can run on several connections';

CREATE FUNCTION private_eigentrust_vector_info(vec bytea,
    OUT kind text, OUT count integer, OUT ciphertexts integer, OUT scale integer, OUT fingerprint text)
AS 'MODULE_PATHNAME', 'private_eigentrust_vector_info'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_vector_info(bytea) IS
'the public header of a private EigenTrust ciphertext vector';
