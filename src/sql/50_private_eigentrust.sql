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

CREATE FUNCTION private_eigentrust_masked_sum(msgs bytea[], replies bytea[], round integer, t bigint[],
    pretrust bigint[], hosted boolean[], alpha double precision,
    OUT t_next bigint[], OUT residual double precision, OUT parties integer, OUT answered integer)
AS 'MODULE_PATHNAME', 'private_eigentrust_masked_sum'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_masked_sum(bytea[], bytea[], integer, bigint[], bigint[], boolean[], double precision) IS
'coordinator side of masked private EigenTrust: sum one round''s present masked vectors (NULL for a party that dropped out), remove the self masks and the dropped parties'' pairwise masks through the parties'' unmask replies, and compute the next t at scale 12, the L1 residual, how many vectors and replies arrived';

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
    fns text[] := ARRAY['paper_hello(text)',
        'paper_setup(text, integer, bytea[], bytea[], integer, integer, bigint[], boolean[], bigint[], double precision, boolean)',
        'paper_step(text, integer, bytea[])',
        'masked_hello(text)',
        'masked_setup(text, integer, bytea[], bytea[], bigint[], boolean[], bigint[], double precision, double precision, integer, boolean)',
        'masked_step(text, integer, bytea[])',
        'masked_unmask(text, integer, bytea[])',
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

    FOREACH f IN ARRAY fns LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %I.%s FROM PUBLIC', party_schema, f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.%s TO %I', party_schema, f, coordinator_role);
    END LOOP;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', party_schema, coordinator_role);
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
REVOKE ALL ON private_eigentrust_log FROM PUBLIC;
GRANT SELECT ON private_eigentrust_log TO PUBLIC;
COMMENT ON TABLE private_eigentrust_log IS
'coordinator side of private EigenTrust: one row per round of every completed run (round 0 is the setup); a failed run leaves no rows; PUBLIC may read it, and a run writes it only when its caller was granted INSERT';

CREATE VIEW private_eigentrust_progress AS
SELECT a.pid, a.usename AS role, split_part(a.application_name, ' ', 2) AS run_id,
       split_part(a.application_name, ' ', 3) AS what,
       nullif(split_part(a.application_name, ' ', 5), '')::integer AS round,
       nullif(split_part(a.application_name, ' ', 7), '')::double precision AS residual,
       a.query_start, a.state
FROM pg_catalog.pg_stat_activity a
WHERE a.application_name LIKE 'pet % %';
GRANT SELECT ON private_eigentrust_progress TO PUBLIC;
COMMENT ON VIEW private_eigentrust_progress IS
'private EigenTrust runs in progress as other sessions see them: the coordinator''s session (what = coordinator) and every remote call (what = party<k>) carry application_name ''pet <run> <what> round <r> residual <x>''';

-- Run one remote statement, turning any failure into an ERROR that names the
-- party and the round (keeping the remote SQLSTATE).
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
COMMENT ON FUNCTION private_eigentrust_fail(text, integer, text, text, text) IS
'internal: raise the coordinator''s ERROR naming a party and a round';

CREATE FUNCTION private_eigentrust_display(connstr text)
RETURNS text
AS 'MODULE_PATHNAME', 'private_eigentrust_display'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_display(text) IS
'a party for messages: a connection string or URI parsed by libpq (PQconninfoParse) and rebuilt with its password masked; a foreign server name as given';


-- Send one statement to every party at once and collect one bytea each,
-- turning a failure into an ERROR that names the party and the round.
CREATE FUNCTION private_eigentrust_broadcast(dbl text, conns text[], names text[], sqls text[], round integer)
RETURNS bytea[]
LANGUAGE sql VOLATILE PARALLEL UNSAFE
AS $fn$
    SELECT @extschema@.private_eigentrust_gather(dbl, conns, names, sqls, round, false, NULL)
$fn$;
COMMENT ON FUNCTION private_eigentrust_broadcast(text, text[], text[], text[], integer) IS
'internal: run one statement per party over dblink in parallel and collect one bytea from each';

-- Send one statement to each party that has one (NULL: none) at once and
-- collect one bytea each.  With tolerant, a party whose connection is lost
-- (SQLSTATE class 08, or 57P01..57P03: its backend was ended) has dropped
-- out: its entry is NULL and its connection is closed; any other failure is
-- an ERROR naming the party and the round.
CREATE FUNCTION private_eigentrust_masked_gather(dbl text, conns text[], names text[], sqls text[],
                                                 round integer, tolerant boolean)
RETURNS bytea[]
LANGUAGE sql VOLATILE PARALLEL UNSAFE
AS $fn$
    SELECT @extschema@.private_eigentrust_gather(dbl, conns, names, sqls, round, tolerant, NULL)
$fn$;
COMMENT ON FUNCTION private_eigentrust_masked_gather(text, text[], text[], text[], integer, boolean) IS
'internal: run one statement per party over dblink in parallel and collect one bytea each; with tolerant, a party whose connection is lost gives NULL (a dropout) instead of an ERROR';

-- The statement that runs call (a party function returning bytea) at party k,
-- labelled in application_name with the run, the party and the round.
CREATE FUNCTION private_eigentrust_masked_sql(run text, k integer, label text, call text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$
    SELECT format('SELECT x.a, m.m FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                  'LATERAL (SELECT %s AS m WHERE x.a IS NOT NULL) m',
                  format('pet %s party%s %s', run, k, label), call)
$fn$;
COMMENT ON FUNCTION private_eigentrust_masked_sql(text, integer, text, text) IS
'internal: the statement the masked coordinator sends to party k, naming the run, the party and the round in application_name';

-- One call to every party that has a message in 'has' (or every party with
-- has NULL): call_fmt is formatted with the party schema, the run, the
-- round and the inbox literal.
CREATE FUNCTION private_eigentrust_masked_round(dbl text, conns text[], names text[], run text,
                                                party_schema name, fn text, round integer,
                                                inbox bytea[], has bytea[], tolerant boolean)
RETURNS bytea[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    sqls text[];
    -- the same inbox for every party, built once: ARRAY[decode('<base64>', 'base64'), ...]
    -- costs the party a third fewer bytes than hex and no bytea[] literal parsing (array_in)
    lit  text := (SELECT 'ARRAY[' || string_agg(CASE WHEN m IS NULL THEN 'NULL'
                                                   ELSE 'decode(''' || encode(m, 'base64') || ''', ''base64'')' END,
                                              ', ' ORDER BY o) || ']::bytea[]'
                  FROM unnest(inbox) WITH ORDINALITY u(m, o));
BEGIN
    IF conns IS NULL OR run IS NULL OR party_schema IS NULL OR fn IS NULL OR round IS NULL OR inbox IS NULL
       OR cardinality(inbox) <> cardinality(conns) THEN
        RAISE EXCEPTION 'private_eigentrust_masked_round: every argument but has is needed, with one inbox entry per connection'
            USING ERRCODE = '22004';
    END IF;
    -- in one statement: appending in a loop copied the array of large texts each time
    sqls := ARRAY(SELECT CASE WHEN has IS NOT NULL AND has[k] IS NULL THEN NULL ELSE
                      @extschema@.private_eigentrust_masked_sql(run, k, format('round %s', round),
                          format('%I.%I(%L, %s, %s)', party_schema, fn, run, round, lit)) END
                  FROM generate_series(1, cardinality(conns)) k ORDER BY k);
    RETURN @extschema@.private_eigentrust_masked_gather(dbl, conns, names, sqls, round, tolerant);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_masked_round(text, text[], text[], text, name, text, integer, bytea[], bytea[], boolean) IS
'internal: send one masked-mode party function (unmask, step or final) with one inbox to every party still in the run';

-- Say which parties dropped out in a round, and what happens to their ratings.
CREATE FUNCTION private_eigentrust_masked_dropouts(names text[], round integer, active bytea[],
                                                   vecs bytea[], reps bytea[])
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    gone integer := 0;
BEGIN
    IF names IS NULL OR round IS NULL OR active IS NULL OR vecs IS NULL OR reps IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_masked_dropouts: no argument may be NULL' USING ERRCODE = '22004';
    END IF;
    FOR k IN 1..cardinality(names) LOOP
        IF active[k] IS NOT NULL AND vecs[k] IS NULL THEN
            RAISE NOTICE 'eigentrust_private: % dropped out in round % before its vector arrived; its ratings leave the computation from round % on', names[k], round, round;
            gone := gone + 1;
        ELSIF vecs[k] IS NOT NULL AND reps[k] IS NULL THEN
            RAISE NOTICE 'eigentrust_private: % dropped out in round % after sending its vector (recovered from the others'' shares); its ratings count in round % and leave the computation from round % on', names[k], round, round, round + 1;
            gone := gone + 1;
        END IF;
    END LOOP;
    RETURN gone;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_masked_dropouts(text[], integer, bytea[], bytea[], bytea[]) IS
'internal: raise a NOTICE for each party that dropped out of a masked round and return how many did';

-- Round 0 of a masked run: connect to every party and collect its identity
-- key, nonce and hosted ids; a peer hosted by two parties is an ERROR.  On
-- any failure the connections opened here are closed before the ERROR.
CREATE FUNCTION private_eigentrust_masked_open(dbl text, run text, parties text[], party_schema name,
    OUT conns text[], OUT names text[], OUT pubs bytea[], OUT nonces bytea[], OUT hosted bigint[])
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    h   bigint[];
    pb  bytea;
    nc  bytea;
    dup bigint;
    st  text;
    msg text;
    det text;
    c   text;
BEGIN
    IF dbl IS NULL OR run IS NULL OR parties IS NULL OR party_schema IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_masked_open: no argument may be NULL' USING ERRCODE = '22004';
    END IF;
    conns := '{}'; names := '{}'; pubs := '{}'; nonces := '{}'; hosted := '{}';
    BEGIN
        FOR k IN 1..cardinality(parties) LOOP
            names := names || format('party %s (%s)', k, @extschema@.private_eigentrust_display(parties[k]));
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl) USING 'pet_' || run || '_' || k, parties[k];
                conns := conns || ('pet_' || run || '_' || k);
            EXCEPTION WHEN query_canceled OR others THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail(names[k], 0, st, msg, det);
            END;
        END LOOP;
        FOR k IN 1..cardinality(parties) LOOP
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
            -- grouped, not x = ANY (hosted): that was quadratic in the peers
            SELECT u.x INTO dup
            FROM (SELECT DISTINCT unnest(h) UNION ALL SELECT unnest(hosted)) u(x)
            GROUP BY u.x HAVING count(*) > 1 LIMIT 1;
            IF dup IS NOT NULL THEN
                RAISE EXCEPTION 'eigentrust_private: peer % is hosted by more than one party (again in %)', dup, names[k]
                    USING ERRCODE = '22023',
                          DETAIL = 'Each truster''s ratings and each member must live in exactly one party.';
            END IF;
            hosted := hosted || h;
            pubs := pubs || pb;
            nonces := nonces || nc;
        END LOOP;
    EXCEPTION WHEN query_canceled OR others THEN
        -- closing a connection ends that party's session and its run state
        FOREACH c IN ARRAY conns LOOP
            BEGIN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END LOOP;
        RAISE;
    END;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_masked_open(text, text, text[], name) IS
'internal: round 0 of a masked run: connect to every party, collect its identity key, nonce and hosted ids (a peer hosted twice is an ERROR); closes its connections on any failure';

-- The public peer universe of a masked run: the hosted ids and the pre-trust
-- ids, ascending; which of them are hosted; pre-trust at scale 12 (NULL: uniform).
CREATE FUNCTION private_eigentrust_masked_universe(hosted bigint[], pretrust_sql text,
    OUT peers bigint[], OUT hmask boolean[], OUT p bigint[])
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    h bigint[];
BEGIN
    IF hosted IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_masked_universe: hosted must not be NULL' USING ERRCODE = '22004';
    END IF;
    peers := hosted;
    IF pretrust_sql IS NOT NULL THEN
        EXECUTE format('SELECT array_agg(q.peer::bigint) FROM (%s) AS q(peer, weight)', pretrust_sql) INTO h;
        peers := peers || coalesce(h, '{}');
    END IF;
    SELECT array_agg(DISTINCT x ORDER BY x) INTO peers FROM unnest(peers) x;
    IF coalesce(cardinality(peers), 0) = 0 THEN
        RAISE EXCEPTION 'eigentrust_private: the parties host no peers' USING ERRCODE = '22023';
    END IF;
    -- grouped, not x = ANY (hosted), which scanned hosted once per peer (N^2)
    SELECT array_agg(g.h ORDER BY g.x) INTO hmask
    FROM (SELECT u.x, bool_or(u.h) AS h
          FROM (SELECT unnest(peers), false UNION ALL SELECT unnest(hosted), true) u(x, h)
          GROUP BY u.x) g;
    p := CASE WHEN pretrust_sql IS NULL THEN NULL
              ELSE @extschema@.private_eigentrust_pretrust(pretrust_sql, peers) END;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_masked_universe(bigint[], text) IS
'internal: the public peer universe of a masked run (hosted ids and pre-trust ids, ascending), which of them are hosted, and the pre-trust at scale 12 (NULL for uniform)';

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
    hosted_all bigint[] := '{}';
    peers     bigint[];
    hmask     boolean[];
    n         integer;
    p         bigint[];
    t         bigint[];
    res       double precision := NULL;
    vecs      bytea[];
    reps      bytea[];
    sqls      text[];
    r         integer := 1;
    npresent  integer;
    nanswered integer;
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
        -- round 0: every party's public key, nonce and hosted ids; the public universe
        SELECT * INTO conns, names, pubs, nonces, hosted_all
        FROM @extschema@.private_eigentrust_masked_open(dbl, run, parties, party_schema);
        SELECT * INTO peers, hmask, p FROM @extschema@.private_eigentrust_masked_universe(hosted_all, pretrust_sql);
        n := cardinality(peers);
        IF p IS NOT NULL THEN
            t := p;
            p_lit := quote_literal(p::text) || '::bigint[]';
        ELSE
            t := array_fill(round(1e12 / n)::bigint, ARRAY[n]);
            p_lit := 'NULL';
        END IF;
        IF logging THEN
            INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, seconds, bytes_moved)
            VALUES (run, 0, 'masked', np, n, extract(epoch FROM clock_timestamp() - t0), np * (np * 384 + 8 * n));
        END IF;
        RAISE NOTICE 'eigentrust_private: run %, mode masked, % parties, % peers', run, np, n;

        -- setup and round 1's vectors; a party may drop out from here on
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || @extschema@.private_eigentrust_masked_sql(run, k, 'round 1',
                format('%I.masked_setup(%L, %s, %L::bytea[], %L::bytea[], %L::bigint[], %L::boolean[], %s, %s, %s, %s, %L)',
                       party_schema, run, k, pubs::text, nonces::text, peers::text, hmask::text,
                       p_lit, alpha, epsilon, max_iter, allow_two_parties));
        END LOOP;
        t0 := clock_timestamp();
        vecs := @extschema@.private_eigentrust_masked_gather(dbl, conns, names, sqls, 1, true);
        reps := array_fill('\x'::bytea, ARRAY[np]);   -- who was asked in round 1: everyone
        LOOP
            -- the round's second half: the unmask replies of the parties whose vectors arrived
            PERFORM @extschema@.private_eigentrust_masked_dropouts(names, r, reps, vecs, vecs);
            reps := @extschema@.private_eigentrust_masked_round(dbl, conns, names, run, party_schema,
                                                               'masked_unmask', r, vecs, vecs, true);
            PERFORM @extschema@.private_eigentrust_masked_dropouts(names, r, vecs, vecs, reps);
            SELECT x.t_next, x.residual, x.parties, x.answered INTO t, res, npresent, nanswered
            FROM @extschema@.private_eigentrust_masked_sum(vecs, reps, r, t, p, hmask, alpha) x;
            SELECT coalesce(sum(octet_length(m)), 0) * (np + 1) INTO bytes FROM unnest(vecs || reps) m;
            IF logging THEN
                INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds, bytes_moved)
                VALUES (run, r, 'masked', npresent, n, res, extract(epoch FROM clock_timestamp() - t0), bytes);
            END IF;
            PERFORM set_config('application_name',
                               format('pet %s coordinator round %s residual %s', run, r, trim(to_char(res, '9.99EEEE'))), false);
            RAISE NOTICE 'eigentrust_private: round %, residual %', r, trim(to_char(res, '9.999EEEE'));
            EXIT WHEN res < epsilon OR r >= max_iter;
            r := r + 1;
            t0 := clock_timestamp();
            vecs := @extschema@.private_eigentrust_masked_round(dbl, conns, names, run, party_schema,
                                                               'masked_step', r, reps, reps, true);
        END LOOP;

        -- the last round confirmed by every party still in, then published there
        vecs := @extschema@.private_eigentrust_masked_round(dbl, conns, names, run, party_schema,
                                                           'masked_final', r + 1, reps, reps, false);
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || CASE WHEN vecs[k] IS NULL THEN NULL ELSE
                @extschema@.private_eigentrust_masked_sql(run, k, 'publish',
                    format('int4send(%I.masked_publish(%L, %L::bytea[]))', party_schema, run, vecs::text)) END;
        END LOOP;
        vecs := @extschema@.private_eigentrust_masked_gather(dbl, conns, names, sqls, r + 1, false);
        FOR k IN 1..np LOOP
            IF vecs[k] IS NOT NULL THEN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING conns[k];
            END IF;
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
COMMENT ON FUNCTION private_eigentrust_masked_run(text[], double precision, double precision, integer, text, name, boolean) IS
'internal: the coordinator of masked private EigenTrust (called by eigentrust_private)';

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
COMMENT ON FUNCTION private_eigentrust_pretrust(text, bigint[]) IS
'internal: the public pre-trust vector at scale 12 over peers from a (peer, weight) query';

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
    decryptors   text[]           DEFAULT NULL,
    groups       integer          DEFAULT NULL)
RETURNS TABLE(peer bigint, trust double precision)
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
AS $fn$
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
    IF mode = 'groups' AND key_holder IS NULL AND decryptors IS NULL THEN
        RETURN QUERY SELECT * FROM @extschema@.eigentrust_private_groups(parties, groups, alpha, epsilon, max_iter,
            pretrust_sql, key_bits, party_schema);
        RETURN;
    ELSIF groups IS NOT NULL OR mode = 'groups' THEN
        RAISE EXCEPTION 'eigentrust_private: groups is for mode groups, which takes no key holder or decryptors'
            USING ERRCODE = '22023';
    END IF;
    IF mode NOT IN ('masked', 'paper') THEN
        RAISE EXCEPTION 'eigentrust_private: unknown mode "%"', mode
            USING ERRCODE = '22023', HINT = 'Use ''masked'' (the default), ''paper'' with a key holder or threshold decryptors, or ''groups''.';
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
    RETURN QUERY SELECT * FROM @extschema@.private_eigentrust_paper_run(parties, key_holder, decryptors, alpha,
        epsilon, max_iter, pretrust_sql, key_bits, party_schema, allow_two_parties);
END
$fn$;
COMMENT ON FUNCTION eigentrust_private(text[], text, text, double precision, double precision, integer, text, integer, name, boolean, text[], integer) IS
'private EigenTrust across party databases (foreign servers or connection strings) through dblink; mode masked (default): no key holder, parties exchange authenticated zero-sum-masked partial sums and each derives t itself, the result is stored in every party; mode paper uses a key holder, or decryptors: databases each holding a share of one threshold key (private_eigentrust_decryptor_setup), t of which must answer each round; mode groups (groups => k task groups): the seed paper''s chains and per-group decryptors, see eigentrust_private_groups; at least 3 parties unless allow_two_parties; a NOTICE per round; the same reputation as eigentrust() over the union of the parties'' ratings';
