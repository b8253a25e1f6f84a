-- The coordinator's plumbing, shared by every cross-database protocol
-- (private EigenTrust's modes, secure_sum, secure_percentile and PSI):
-- finding dblink, connecting to the parties, closing the connections, and
-- raising a caught error again.  Internal; each protocol's own file holds
-- only its messages.  The per-message pieces (private_eigentrust_fail,
-- _display, _broadcast) live beside the masked mode in 50.

-- The search path a party's SECURITY DEFINER wrappers run with: the
-- extension's schema, the caller's schemas, pg_temp last, so that a caller's
-- temp table cannot shadow what the party's queries read.
CREATE FUNCTION private_eigentrust_wrapper_path()
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
SELECT string_agg(quote_ident(x), ', ' ORDER BY i) || ', pg_temp'
FROM unnest(array_prepend('@extschema@'::text, current_schemas(false)::text[])) WITH ORDINALITY AS s(x, i)
$fn$;
COMMENT ON FUNCTION private_eigentrust_wrapper_path() IS
'internal: the search_path of a party''s wrapper functions: the extension''s schema, the caller''s schemas, pg_temp last';

-- The schema of dblink, quoted; ERROR 58P01 naming the caller when dblink is
-- not installed.
CREATE FUNCTION private_eigentrust_dblink(caller text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $fn$
DECLARE
    dbl text;
BEGIN
    SELECT quote_ident(x.nspname) INTO dbl
    FROM pg_extension e JOIN pg_namespace x ON x.oid = e.extnamespace WHERE e.extname = 'dblink';
    IF dbl IS NULL THEN
        RAISE EXCEPTION '%: the dblink extension is not installed in this database', caller
            USING ERRCODE = '58P01', HINT = 'CREATE EXTENSION dblink';
    END IF;
    RETURN dbl;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_dblink(text) IS
'internal: the quoted schema of the dblink extension, or ERROR 58P01 naming the caller';

-- Open one dblink connection per party, named prefix || k.  names gets each
-- party's display name (a password masked by libpq).  A failure closes what
-- was opened and is an ERROR naming the party and round 0.
CREATE FUNCTION private_eigentrust_connect(dbl text, parties text[], prefix text,
                                           OUT conns text[], OUT names text[])
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    st  text;
    msg text;
    det text;
BEGIN
    conns := '{}';
    names := '{}';
    FOR k IN 1..cardinality(parties) LOOP
        names := names || format('party %s (%s)', k, @extschema@.private_eigentrust_display(parties[k]));
        BEGIN
            EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl) USING prefix || k, parties[k];
            conns := conns || (prefix || k);
        EXCEPTION WHEN query_canceled OR others THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
            PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns);
            PERFORM @extschema@.private_eigentrust_fail(names[k], 0, st, msg, det);
        END;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_connect(text, text[], text) IS
'internal: connect to every party over dblink (connections prefix || k) and name each party for messages; a failure closes the opened connections and is an ERROR naming the party';

-- Close connections, ignoring those already gone.  Closing a connection ends
-- that party's session and with it the run's state there.
CREATE FUNCTION private_eigentrust_disconnect(dbl text, conns text[])
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    c text;
BEGIN
    FOREACH c IN ARRAY coalesce(conns, '{}') LOOP
        CONTINUE WHEN c IS NULL;
        BEGIN
            EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
        EXCEPTION WHEN OTHERS THEN NULL;
        END;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_disconnect(text, text[]) IS
'internal: close dblink connections, ignoring those already closed';

-- One remote query on an open connection, its rows typed by coldef (the
-- column definition list, which the caller repeats in its own AS clause); a
-- failure, cancel included, is an ERROR naming who and the round.
CREATE FUNCTION private_eigentrust_remote(dbl text, conn text, who text, round integer, sql text, coldef text)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    st  text;
    msg text;
    det text;
BEGIN
    IF dbl IS NULL OR conn IS NULL OR sql IS NULL OR coldef IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_remote: dbl, conn, sql and coldef must not be null' USING ERRCODE = '22004';
    END IF;
    BEGIN
        RETURN QUERY EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(%s)', dbl, coldef) USING conn, sql;
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
        PERFORM @extschema@.private_eigentrust_fail(who, round, st, msg, det);
    END;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_remote(text, text, text, integer, text, text) IS
'internal: one remote query of a coordinator on an open dblink connection, rows typed by coldef, a failure naming who and the round';

-- Raise a caught error again with its SQLSTATE, and its detail and hint when
-- it had them.
CREATE FUNCTION private_eigentrust_reraise(state text, msg text, detail text, hint text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL SAFE
AS $fn$
BEGIN
    IF coalesce(detail, '') = '' AND coalesce(hint, '') = '' THEN
        RAISE EXCEPTION '%', msg USING ERRCODE = state;
    ELSIF coalesce(hint, '') = '' THEN
        RAISE EXCEPTION '%', msg USING ERRCODE = state, DETAIL = detail;
    ELSIF coalesce(detail, '') = '' THEN
        RAISE EXCEPTION '%', msg USING ERRCODE = state, HINT = hint;
    END IF;
    RAISE EXCEPTION '%', msg USING ERRCODE = state, DETAIL = detail, HINT = hint;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_reraise(text, text, text, text) IS
'internal: raise an ERROR with the given SQLSTATE and message, and the detail and hint when they are not empty';

-- The statement that runs call (an expression giving one bytea) at a party,
-- with application_name set first to label (the run, the party and the
-- step), so that other sessions can follow the run.
CREATE FUNCTION private_eigentrust_call_sql(label text, call text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$
    SELECT format('SELECT x.a, m.m FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                  'LATERAL (SELECT %s AS m WHERE x.a IS NOT NULL) m', label, call)
$fn$;
COMMENT ON FUNCTION private_eigentrust_call_sql(text, text) IS
'internal: the statement a coordinator sends to a party: set application_name to label, then evaluate call (one bytea) as column m';

-- Send one statement to each party that has one (sqls[k] NULL: none) at
-- once, and collect one bytea each.  With tolerant, a party that drops out
-- gets NULL and its connection is closed: its connection failed (SQLSTATE
-- class 08), its session was ended (57P01..57P03), or, with a timeout, it
-- had not answered when the timeout ran out (its statement is cancelled, so
-- its transaction rolls back).  Any other failure, or any failure without
-- tolerant, is an ERROR naming the party and the round.
CREATE FUNCTION private_eigentrust_gather(dbl text, conns text[], names text[], sqls text[],
                                          round integer, tolerant boolean, timeout interval)
RETURNS bytea[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    np       integer := cardinality(conns);
    out      bytea[] := array_fill(NULL::bytea, ARRAY[np]);
    pending  boolean[] := array_fill(false, ARRAY[np]);
    deadline timestamptz := clock_timestamp() + timeout;
    ok       integer;
    busy     integer;
    v        bytea;
    st       text;
    msg      text;
    det      text;
BEGIN
    IF dbl IS NULL OR conns IS NULL OR names IS NULL OR sqls IS NULL OR round IS NULL OR tolerant IS NULL
       OR cardinality(names) <> np OR cardinality(sqls) <> np THEN
        RAISE EXCEPTION 'private_eigentrust_gather: every argument but timeout is needed, with one name and one statement per connection'
            USING ERRCODE = '22004';
    END IF;
    IF timeout <= interval '0' THEN
        RAISE EXCEPTION 'private_eigentrust_gather: timeout must be positive' USING ERRCODE = '22023';
    END IF;
    FOR k IN 1..np LOOP
        CONTINUE WHEN sqls[k] IS NULL;
        BEGIN
            EXECUTE format('SELECT %s.dblink_send_query($1, $2)', dbl) INTO ok USING conns[k], sqls[k];
            IF ok <> 1 THEN
                EXECUTE format('SELECT %s.dblink_error_message($1)', dbl) INTO msg USING conns[k];
                RAISE EXCEPTION '%', msg USING ERRCODE = '08006';
            END IF;
            pending[k] := true;
        EXCEPTION WHEN query_canceled OR others THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
            IF NOT (tolerant AND (st LIKE '08%' OR st IN ('57P01', '57P02', '57P03'))) THEN
                PERFORM @extschema@.private_eigentrust_fail(names[k], round, st, msg, det);
            END IF;
        END;
    END LOOP;
    WHILE true = ANY (pending) LOOP
        FOR k IN 1..np LOOP
            CONTINUE WHEN NOT pending[k];
            BEGIN
                busy := 0;
                IF timeout IS NOT NULL THEN
                    EXECUTE format('SELECT %s.dblink_is_busy($1)', dbl) INTO busy USING conns[k];
                    IF busy = 1 AND clock_timestamp() > deadline THEN
                        EXECUTE format('SELECT %s.dblink_cancel_query($1)', dbl) USING conns[k];
                        pending[k] := false;
                        CONTINUE;
                    END IF;
                END IF;
                CONTINUE WHEN busy = 1;
                pending[k] := false;
                v := NULL;
                EXECUTE format('SELECT r.m FROM %s.dblink_get_result($1) AS r(a text, m bytea)', dbl)
                    INTO v USING conns[k];
                IF v IS NULL THEN
                    RAISE EXCEPTION 'no result' USING ERRCODE = '08006';
                END IF;
                EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1) AS r(a text, m bytea)', dbl)
                    INTO ok USING conns[k];
                out[k] := v;
            EXCEPTION WHEN query_canceled OR others THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                pending[k] := false;
                IF NOT (tolerant AND (st LIKE '08%' OR st IN ('57P01', '57P02', '57P03'))) THEN
                    PERFORM @extschema@.private_eigentrust_fail(names[k], round, st, msg, det);
                END IF;
            END;
        END LOOP;
        IF true = ANY (pending) THEN
            PERFORM pg_sleep(0.005);
        END IF;
    END LOOP;
    -- a party that dropped out: close its connection (its backend is gone,
    -- going, or out of the run)
    PERFORM @extschema@.private_eigentrust_disconnect(dbl,
        (SELECT array_agg(conns[k]) FROM generate_series(1, np) k WHERE sqls[k] IS NOT NULL AND out[k] IS NULL));
    RETURN out;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_gather(text, text[], text[], text[], integer, boolean, interval) IS
'internal: run one statement per party over dblink in parallel and collect one bytea each; with tolerant, a party whose connection is lost, whose session ends or that misses the timeout (NULL: none) has dropped out (NULL, connection closed); any other failure is an ERROR naming the party and the round';

-- The end of a failed run at the coordinator: close every connection (which
-- ends each party's session and the run's state there), restore
-- application_name (NULL: leave it), and raise the caught error again in
-- the protocol's words: private_eigentrust_fail's prefix becomes proto's,
-- and its set-up hint, which names EigenTrust's party set-up, becomes
-- setup_hint.
CREATE FUNCTION private_eigentrust_coordinator_error(dbl text, conns text[], app text, proto text,
    setup_hint text, state text, msg text, detail text, hint text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
BEGIN
    PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns);
    IF app IS NOT NULL THEN
        PERFORM set_config('application_name', app, false);
    END IF;
    msg := regexp_replace(msg, '^private eigentrust: ', proto || ': ');
    IF hint LIKE 'Set the party up first%' AND setup_hint IS NOT NULL THEN
        hint := setup_hint;
    END IF;
    PERFORM @extschema@.private_eigentrust_reraise(state, msg, detail, hint);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_coordinator_error(text, text[], text, text, text, text, text, text, text) IS
'internal: end a failed run at the coordinator: close the connections, restore application_name, and raise the error again with proto''s prefix and set-up hint';

-- A party's wrappers may be run by the coordinator's role only: each
-- signature in fns (name(argument types)) is revoked from PUBLIC and granted
-- to coordinator_role, with USAGE on the party schema.
CREATE FUNCTION private_eigentrust_grant(party_schema name, fns text[], coordinator_role name)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY fns LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %I.%s FROM PUBLIC', party_schema, f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.%s TO %I', party_schema, f, coordinator_role);
    END LOOP;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', party_schema, coordinator_role);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_grant(name, text[], name) IS
'internal: revoke a party''s wrapper functions (signatures name(types)) from PUBLIC and grant them and USAGE on the party schema to the coordinator''s role';

-- A fresh run id: 16 hex digits, distinct for every run (it names sessions'
-- state and the log's rows; it is no secret).
CREATE FUNCTION private_eigentrust_run_id()
RETURNS text
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $fn$ SELECT substr(md5(random()::text || clock_timestamp()::text), 1, 16) $fn$;
COMMENT ON FUNCTION private_eigentrust_run_id() IS
'internal: a fresh 16-hex-digit run id for a cross-database run';

-- The party-count rule of private EigenTrust's modes: fewer than 3 parties
-- is an ERROR unless allow_two_parties (docs/design.md says what each of
-- two learns), fewer than 2 always.  Returns np.
CREATE FUNCTION private_eigentrust_party_count(np integer, allow_two_parties boolean, mode text)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
BEGIN
    IF np IS NULL OR allow_two_parties IS NULL OR mode IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_party_count: no argument may be NULL' USING ERRCODE = '22004';
    END IF;
    IF np < 3 AND NOT allow_two_parties THEN
        RAISE EXCEPTION 'eigentrust_private: % parties given, % mode needs at least 3', np, mode
            USING ERRCODE = '22023',
                  DETAIL = 'With two parties, each learns the other''s partial sums from t.',
                  HINT = 'Pass allow_two_parties => true to accept that (docs/design.md says what each learns).';
    END IF;
    IF np < 2 THEN
        RAISE EXCEPTION 'eigentrust_private: % mode needs at least 2 parties', mode USING ERRCODE = '22023';
    END IF;
    RETURN np;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_party_count(integer, boolean, text) IS
'internal: np, or ERROR 22023 for fewer than 3 parties unless allow_two_parties, and for fewer than 2';

-- The end of a private EigenTrust run at the coordinator: a WARNING when the
-- residual did not fall below epsilon in r rounds, then t (fixed point,
-- any scale) normalised to sum 1, one row per peer in ascending order.
CREATE FUNCTION private_eigentrust_finish(peers bigint[], t bigint[], residual double precision,
    epsilon double precision, rounds integer, OUT peer bigint, OUT trust double precision)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE PARALLEL SAFE
AS $fn$
BEGIN
    IF residual IS NULL OR residual >= epsilon THEN
        RAISE WARNING 'eigentrust_private: no convergence after % rounds (residual %)', rounds, residual;
    END IF;
    RETURN QUERY
    SELECT z.id, z.v::double precision / s.total
    FROM unnest(peers, t) AS z(id, v)
    CROSS JOIN (SELECT sum(x)::double precision AS total FROM unnest(t) x) s
    ORDER BY z.id;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_finish(bigint[], bigint[], double precision, double precision, integer) IS
'internal: the published result of a private EigenTrust run: t normalised to sum 1 per peer, with a WARNING when the residual did not fall below epsilon';

-- The owner's queries of a party must run for their owner and give
-- (truster, trustee, score) and (member); an ERROR from PostgreSQL if not.
CREATE FUNCTION private_eigentrust_check_queries(edges_sql text, members_sql text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
BEGIN
    EXECUTE format('SELECT q.truster::bigint, q.trustee::bigint, q.score::double precision '
                   'FROM (%s) AS q(truster, trustee, score) LIMIT 0', edges_sql);
    IF members_sql IS NOT NULL THEN
        EXECUTE format('SELECT q.member::bigint FROM (%s) AS q(member) LIMIT 0', members_sql);
    END IF;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_check_queries(text, text) IS
'internal: check that a party''s ratings query gives (truster, trustee, score) and its members query (NULL: none) one id column';

-- A peer is hosted (its ratings, or as a member) by one party only: ERROR
-- 22023 when one of h, the ids party who hosts, is in hosted already.
-- Grouped, not x = ANY (hosted), which is quadratic in the peers.
CREATE FUNCTION private_eigentrust_hosted_once(h bigint[], hosted bigint[], who text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
    dup bigint;
BEGIN
    SELECT u.x INTO dup
    FROM (SELECT DISTINCT unnest(h) UNION ALL SELECT unnest(hosted)) u(x)
    GROUP BY u.x HAVING count(*) > 1 LIMIT 1;
    IF dup IS NOT NULL THEN
        RAISE EXCEPTION 'eigentrust_private: peer % is hosted by more than one party (again in %)', dup, who
            USING ERRCODE = '22023',
                  DETAIL = 'Each truster''s ratings and each member must live in exactly one party, which normalises its rows.';
    END IF;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_hosted_once(bigint[], bigint[], text) IS
'internal: ERROR 22023 when a peer of h (hosted by party who) is already hosted by another party';
