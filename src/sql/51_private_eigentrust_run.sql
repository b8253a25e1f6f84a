-- Private EigenTrust, the coordinator's side: the round log and progress
-- view, the masked-mode coordinator (private_eigentrust_masked_run and its
-- small functions) and eigentrust_private, which dispatches to every mode.
-- The parties' side and the C steps are in 50_private_eigentrust.sql; the
-- plumbing every protocol shares is in 45_coordinator.sql.

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
    SELECT @extschema@.private_eigentrust_call_sql(format('pet %s party%s %s', run, k, label), call)
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
       OR cardinality(inbox) NOT IN (cardinality(conns), cardinality(conns) + 1) THEN
        RAISE EXCEPTION 'private_eigentrust_masked_round: every argument but has is needed, with one inbox entry per connection (and the sum)'
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
BEGIN
    IF dbl IS NULL OR run IS NULL OR parties IS NULL OR party_schema IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_masked_open: no argument may be NULL' USING ERRCODE = '22004';
    END IF;
    conns := '{}'; names := '{}'; pubs := '{}'; nonces := '{}'; hosted := '{}';
    BEGIN
        SELECT pc.conns, pc.names INTO conns, names
        FROM @extschema@.private_eigentrust_connect(dbl, parties, 'pet_' || run || '_') pc;
        FOR k IN 1..cardinality(parties) LOOP
            SELECT x.k, x.c, x.h INTO pb, nc, h
            FROM @extschema@.private_eigentrust_remote(dbl, conns[k], names[k], 0,
                     format('SELECT x.a, h.* FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                            'LATERAL (SELECT * FROM %I.masked_hello(%L) WHERE x.a IS NOT NULL) h',
                            format('pet %s party%s round 0', run, k), party_schema, run),
                     'a text, k bytea, c bytea, h bigint[]') AS x(a text, k bytea, c bytea, h bigint[]);
            PERFORM @extschema@.private_eigentrust_hosted_once(h, hosted, names[k]);
            hosted := hosted || h;
            pubs := pubs || pb;
            nonces := nonces || nc;
        END LOOP;
    EXCEPTION WHEN query_canceled OR others THEN
        -- closing a connection ends that party's session and its run state
        PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns);
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
    dbl text, run text, parties text[], alpha double precision, epsilon double precision, max_iter integer,
    pretrust_sql text, party_schema name, allow_two_parties boolean)
RETURNS TABLE(peer bigint, trust double precision)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    hello     record;                   -- round 0: the parties' keys, nonces, hosted ids
    conns     text[];
    names     text[];
    np        integer := cardinality(parties);
    peers     bigint[];
    hmask     boolean[];
    n         integer;
    p         bigint[];
    t         bigint[];
    res       double precision := NULL;
    vecs      bytea[];
    reps      bytea[];
    rel       bytea[];
    heads     bytea[];
    inbox     bytea[];
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
BEGIN
    IF dbl IS NULL OR run IS NULL OR np IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_masked_run: dbl, run and parties must not be NULL' USING ERRCODE = '22004';
    END IF;
    BEGIN
        t0 := clock_timestamp();
        PERFORM set_config('application_name', format('pet %s coordinator round 0', run), false);
        -- round 0: every party's public key, nonce and hosted ids; the public universe
        SELECT * INTO hello FROM @extschema@.private_eigentrust_masked_open(dbl, run, parties, party_schema);
        conns := hello.conns;
        names := hello.names;
        SELECT * INTO peers, hmask, p FROM @extschema@.private_eigentrust_masked_universe(hello.hosted, pretrust_sql);
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
                       party_schema, run, k, hello.pubs::text, hello.nonces::text, peers::text, hmask::text,
                       p_lit, alpha, epsilon, max_iter, allow_two_parties));
        END LOOP;
        t0 := clock_timestamp();
        vecs := @extschema@.private_eigentrust_masked_gather(dbl, conns, names, sqls, 1, true);
        reps := array_fill('\x'::bytea, ARRAY[np]);   -- who was asked in round 1: everyone
        LOOP
            -- the round's second half: every party gets the vectors' heads and
            -- their exact sum (not the vectors), checks them and answers with
            -- its unmask reply and its check value of the sum
            rel := @extschema@.private_eigentrust_masked_relay(vecs, r);
            heads := rel[1:np];
            PERFORM @extschema@.private_eigentrust_masked_dropouts(names, r, reps, heads, heads);
            reps := @extschema@.private_eigentrust_masked_round(dbl, conns, names, run, party_schema,
                                                               'masked_unmask', r, rel, heads, true);
            PERFORM @extschema@.private_eigentrust_masked_dropouts(names, r, heads, heads, reps);
            SELECT x.t_next, x.residual, x.parties, x.answered INTO t, res, npresent, nanswered
            FROM @extschema@.private_eigentrust_masked_sum(rel, reps, r, t, p, hmask, alpha) x;
            -- the next inbox: the replies, and the vector of a party that sent
            -- one but no reply (the others check the sum against it)
            inbox := CASE WHEN nanswered = npresent THEN reps
                          ELSE ARRAY(SELECT coalesce(u.rp, u.v) FROM unnest(reps, vecs) u(rp, v)) END;
            SELECT coalesce(sum(octet_length(m)), 0) INTO bytes FROM unnest(vecs) m;
            SELECT bytes + np * coalesce(sum(octet_length(m)), 0) INTO bytes FROM unnest(rel) m;
            SELECT bytes + (np + 1) * coalesce(sum(octet_length(m)), 0) INTO bytes FROM unnest(inbox) m;
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
                                                               'masked_step', r, inbox, reps, true);
        END LOOP;

        -- the last round confirmed by every party still in, then published there
        vecs := @extschema@.private_eigentrust_masked_round(dbl, conns, names, run, party_schema,
                                                           'masked_final', r + 1, inbox, reps, false);
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || CASE WHEN vecs[k] IS NULL THEN NULL ELSE
                @extschema@.private_eigentrust_masked_sql(run, k, 'publish',
                    format('int4send(%I.masked_publish(%L, %L::bytea[]))', party_schema, run, vecs::text)) END;
        END LOOP;
        vecs := @extschema@.private_eigentrust_masked_gather(dbl, conns, names, sqls, r + 1, false);
        PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns);
        conns := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        -- closing a connection ends that party's session and its run state
        PERFORM @extschema@.private_eigentrust_coordinator_error(dbl, conns, app, 'private eigentrust', NULL,
                                                               st, msg, det, hnt);
    END;
    PERFORM set_config('application_name', app, false);
    RETURN QUERY SELECT * FROM @extschema@.private_eigentrust_finish(peers, t, res, epsilon, r);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_masked_run(text, text, text[], double precision, double precision, integer, text, name, boolean) IS
'internal: the coordinator of masked private EigenTrust, run run through dblink schema dbl (called by eigentrust_private, which checked the arguments)';

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
DECLARE
    dbl text;
    run text;
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
    IF mode = 'paper' AND (key_holder IS NULL) = (decryptors IS NULL) THEN
        RAISE EXCEPTION 'eigentrust_private: mode % needs %', mode,
            CASE WHEN key_holder IS NULL THEN 'a key holder or decryptors' ELSE 'a key holder or decryptors, not both' END
            USING ERRCODE = '22023',
                  HINT = 'Give key_holder (one database decrypts) or decryptors (databases holding shares of a threshold key).';
    END IF;
    IF decryptors IS NOT NULL AND (array_position(decryptors, NULL) IS NOT NULL OR cardinality(decryptors) < 2) THEN
        RAISE EXCEPTION 'eigentrust_private: decryptors must be at least 2 connections, none NULL' USING ERRCODE = '22023';
    END IF;
    -- the arguments are checked: the party count, dblink and a fresh run id
    -- (eigentrust_private_groups does its own)
    PERFORM @extschema@.private_eigentrust_party_count(coalesce(cardinality(parties), 0), allow_two_parties, mode);
    dbl := @extschema@.private_eigentrust_dblink('eigentrust_private');
    run := @extschema@.private_eigentrust_run_id();
    IF mode = 'masked' THEN
        RETURN QUERY SELECT * FROM @extschema@.private_eigentrust_masked_run(dbl, run, parties, alpha, epsilon,
            max_iter, pretrust_sql, party_schema, allow_two_parties);
    ELSE
        RETURN QUERY SELECT * FROM @extschema@.private_eigentrust_paper_run(dbl, run, parties, key_holder,
            decryptors, alpha, epsilon, max_iter, pretrust_sql, key_bits, party_schema, allow_two_parties);
    END IF;
END
$fn$;
COMMENT ON FUNCTION eigentrust_private(text[], text, text, double precision, double precision, integer, text, integer, name, boolean, text[], integer) IS
'private EigenTrust across party databases (foreign servers or connection strings) through dblink; mode masked (default): no key holder, parties exchange authenticated zero-sum-masked partial sums and each derives t itself, the result is stored in every party; mode paper uses a key holder, or decryptors: databases each holding a share of one threshold key (private_eigentrust_decryptor_setup), t of which must answer each round; mode groups (groups => k task groups): the seed paper''s chains and per-group decryptors, see eigentrust_private_groups; at least 3 parties unless allow_two_parties; a NOTICE per round; the same reputation as eigentrust() over the union of the parties'' ratings';
