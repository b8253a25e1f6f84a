-- Private set intersection across databases: Diffie-Hellman commutative
-- blinding on Curve25519 (src/core/psi.c, glue src/pg/psi.c).  The
-- coordinator reuses private EigenTrust's dblink helpers (50_*.sql):
-- private_eigentrust_display, _fail and _broadcast.  docs/psi.md says what
-- each role learns.

-- ---- party side --------------------------------------------------------

CREATE FUNCTION psi_ids_kind(ids_sql text)
RETURNS text
AS 'MODULE_PATHNAME', 'psi_ids_kind'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION psi_ids_kind(text) IS
'the kind of ids a query gives for private set intersection, ''text'' (text, varchar) or ''bigint'' (smallint, integer, bigint), or an ERROR naming what is wrong; the query is planned and run with LIMIT 0';

CREATE FUNCTION psi_party_hello(ids_sql text, run_id text, intersection boolean,
                                entitled boolean, allow_intersection boolean)
RETURNS bytea
AS 'MODULE_PATHNAME', 'psi_party_hello'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION psi_party_hello(text, text, boolean, boolean, boolean) IS
'party side of private set intersection, step 1: read the ids (NULLs skipped, duplicates once) with the caller''s privileges, start run_id in this session with a fresh secret scalar, and return the ids hashed to Curve25519 points, blinded by X25519 with the scalar and sorted; an entitled party of an intersection run remembers which id is where';

CREATE FUNCTION psi_party_blind(run_id text, batch bytea, keep_order boolean)
RETURNS bytea
AS 'MODULE_PATHNAME', 'psi_party_blind'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION psi_party_blind(text, bytea, boolean) IS
'party side of private set intersection: blind another party''s batch with this run''s scalar and sort it (keep_order only for an entitled party''s batch in an intersection run)';

CREATE FUNCTION psi_party_reveal(run_id text, positions integer[])
RETURNS text[]
AS 'MODULE_PATHNAME', 'psi_party_reveal'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION psi_party_reveal(text, integer[]) IS
'party side of private set intersection: the own ids at the given positions (increasing, 1-based) of the batch this entitled party sent';

CREATE FUNCTION psi_party_end(run_id text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'psi_party_end'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION psi_party_end(text) IS
'party side of private set intersection: end run_id, wiping its scalar and ids; returns how many distinct ids this party sent';

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
    path text := @extschema@.private_eigentrust_wrapper_path();
    fns text[] := ARRAY['hello(text, text, boolean, boolean)', 'blind(text, bytea, boolean)',
                        'finish(text, bigint, integer, integer[])'];
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

    PERFORM @extschema@.private_eigentrust_grant(party_schema, fns, coordinator_role);
END
$fn$;
COMMENT ON FUNCTION psi_party_setup(text, name, name, boolean) IS
'make this database a private set intersection party: registers ids_sql (one column of text or bigint ids, run with the caller''s privileges) in party_schema.psi_queries and creates SECURITY DEFINER functions hello, blind and finish there, owned by the caller and executable by coordinator_role alone; results go to party_schema.psi_runs and, for an entitled party of a psi_intersection run (only with allow_intersection), party_schema.psi_intersection, readable by the caller alone';

-- ---- coordinator side --------------------------------------------------

CREATE FUNCTION psi_match(batches bytea[], target integer)
RETURNS integer[]
AS 'MODULE_PATHNAME', 'psi_match'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION psi_match(bytea[], integer) IS
'coordinator side of private set intersection: the positions (1-based) of the elements of the fully blinded batches[target] that occur in every other batch';

CREATE FUNCTION psi_run(parties text[], ids_sql text, intersection boolean, entitled integer[],
                        party_schema name, OUT run_id text, OUT cardinality bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    dbl    text := @extschema@.private_eigentrust_dblink('psi');
    run    text := @extschema@.private_eigentrust_run_id();
    np     integer := coalesce(array_length(parties, 1), 0);
    conns  text[];
    names  text[];
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
    app    text := current_setting('application_name');
BEGIN
    BEGIN
        PERFORM set_config('application_name', format('psi %s coordinator', run), false);
        SELECT pc.conns, pc.names INTO conns, names
        FROM @extschema@.private_eigentrust_connect(dbl, parties, 'psi_' || run || '_') pc;

        -- round 1: every party blinds and sorts its own ids, all at once
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || @extschema@.private_eigentrust_call_sql(format('psi %s party%s round 1', run, k),
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
                sqls := sqls || @extschema@.private_eigentrust_call_sql(format('psi %s party%s round %s', run, k, r),
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
            sqls := sqls || @extschema@.private_eigentrust_call_sql(format('psi %s party%s finish', run, k),
                format('%I.finish(%L, %s, %s, %L::integer[])', party_schema, run, card, np,
                       CASE WHEN intersection AND k = ANY (entitled) THEN @extschema@.psi_match(fin, k) END));
        END LOOP;
        PERFORM @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, np + 1);
        PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns);
        conns := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        PERFORM @extschema@.private_eigentrust_coordinator_error(dbl, conns, app, 'psi',
            'Set the party up first: in its database, as the owner of the ids, run SELECT psi_party_setup(''SELECT id FROM ...'', ''<coordinator role>''), and give the coordinator the same query text.',
            st, msg, det, hnt);
    END;
    PERFORM set_config('application_name', app, false);
    run_id := run;
    cardinality := card;
END
$fn$;
COMMENT ON FUNCTION psi_run(text[], text, boolean, integer[], name) IS
'internal: the coordinator of private set intersection (called by psi_cardinality and psi_intersection)';

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
COMMENT ON FUNCTION psi_check_args(text, text[], text, name) IS
'internal: the argument checks shared by psi_cardinality and psi_intersection';

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
COMMENT ON FUNCTION psi_cardinality(text[], text, name) IS
'the number of ids that every party holds, by Diffie-Hellman private set intersection over dblink: each party (a foreign server name or connection string) runs the ids query it registered with psi_party_setup (ids_sql picks it; NULL: its only one) and learns only this number and the other sets'' sizes; no id leaves a party';

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
COMMENT ON FUNCTION psi_intersection(text[], text, integer[], name) IS
'private set intersection over dblink where the entitled parties (numbers into parties, NULL: all) learn the intersection itself: each stores the ids it shares with every other party in its own psi_party.psi_intersection under the returned run_id; the other parties and the coordinator learn only its size; every party must have been set up with allow_intersection';
