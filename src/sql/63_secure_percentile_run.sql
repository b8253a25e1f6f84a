-- The k-th ranked value across databases, the coordinator's side
-- (docs/secure-sum.md, "The median and other percentiles"): the step log,
-- secure_percentile and secure_median; the parties' side is in
-- 63_secure_percentile.sql.

-- ---- coordinator ------------------------------------------------------

CREATE TABLE secure_percentile_log (
    run_id      text NOT NULL,
    step        integer NOT NULL,
    probe       numeric,
    at_least_k  boolean,
    seconds     double precision NOT NULL,
    bytes_moved bigint NOT NULL,
    logged_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (run_id, step)
);
COMMENT ON TABLE secure_percentile_log IS
'one row per secure_percentile step at the coordinator: the probe, the published bit (step 0: whether any value exists), seconds and bytes relayed; never a count';
REVOKE ALL ON secure_percentile_log FROM PUBLIC;

CREATE FUNCTION secure_percentile(parties text[], value_sql text, fraction numeric,
    lower numeric, upper numeric, "precision" numeric,
    party_schema name DEFAULT 'secure_percentile_party', key_bits integer DEFAULT 2048)
RETURNS numeric
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    np     integer := coalesce(cardinality(parties), 0);
    p      record;
    dbl    text;
    run    text := @extschema@.private_eigentrust_run_id();
    conns  text[];
    names  text[];
    msgs   bytea[];
    sqls   text[];
    keys   bytea[];
    prev   bytea;
    one    bytea[];
    cond   boolean;
    lo     numeric := 0;
    hi     numeric;
    probe  numeric;
    step   integer := 0;
    done   boolean := false;
    empty  boolean := false;
    res    text;
    t0     timestamptz;
    bytes  bigint;
    logging boolean := has_table_privilege('@extschema@.secure_percentile_log', 'INSERT');
    st     text;
    msg    text;
    det    text;
    hnt    text;
BEGIN
    IF parties IS NULL OR value_sql IS NULL OR party_schema IS NULL OR key_bits IS NULL THEN
        RAISE EXCEPTION 'secure_percentile: parties, value_sql, party_schema and key_bits must not be null'
            USING ERRCODE = '22004';
    END IF;
    IF np < 2 OR array_ndims(parties) > 1 OR array_position(parties, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'secure_percentile: at least 2 parties are needed, none of them null'
            USING ERRCODE = '22023', DETAIL = format('%s parties were given.', np),
                  HINT = 'Pass a one-dimensional text[] of foreign server names or connection strings.';
    END IF;
    IF key_bits < 2048 OR key_bits > 8192 THEN
        RAISE EXCEPTION 'secure_percentile: key_bits must be between 2048 and 8192'
            USING ERRCODE = '22023', DETAIL = format('key_bits was %s.', key_bits);
    END IF;
    p := @extschema@.secure_percentile_params(fraction, lower, upper, "precision");
    hi := p.m;
    dbl := @extschema@.private_eigentrust_dblink('secure_percentile');

    BEGIN
        t0 := clock_timestamp();
        SELECT pc.conns, pc.names INTO conns, names
        FROM @extschema@.private_eigentrust_connect(dbl, parties, 'spc_' || run || '_') pc;
        -- every party's identity key, then the run's parameters; party 1
        -- (the comparer) answers with its fresh Paillier key, tagged
        sqls := array_fill(format('SELECT ''k''::text, %I.public_key()', party_schema), ARRAY[np]);
        keys := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, 0);
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || format('SELECT ''j''::text, %I.join_run(%L, %s, %L::bytea[], %L, %s, %s, %s, %s, %s)',
                                   party_schema, run, k, keys::text, value_sql, fraction, lower, upper, "precision", key_bits);
        END LOOP;
        msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, 0);
        prev := msgs[1];
        LOOP
            t0 := clock_timestamp();
            probe := CASE WHEN step = 0 THEN hi ELSE floor((lo + hi) / 2) END;
            sqls := array_fill(format('SELECT ''c''::text, %I.count(%L, %s, %L::bytea)', party_schema, run, step, prev::text),
                               ARRAY[np]);
            msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, step);
            bytes := (SELECT sum(octet_length(m)) FROM unnest(msgs) m) + octet_length(prev) * np;
            one := @extschema@.private_eigentrust_broadcast(dbl, conns[2:2], names[2:2],
                       ARRAY[format('SELECT ''m''::text, %I.combine(%L, %s, %L::bytea[])', party_schema, run, step, msgs::text)], step);
            bytes := bytes + octet_length(one[1]);
            one := @extschema@.private_eigentrust_broadcast(dbl, conns[1:1], names[1:1],
                       ARRAY[format('SELECT ''b''::text, %I.bits(%L, %s, %L::bytea)', party_schema, run, step, one[1]::text)], step);
            bytes := bytes + octet_length(one[1]);
            one := @extschema@.private_eigentrust_broadcast(dbl, conns[2:2], names[2:2],
                       ARRAY[format('SELECT ''e''::text, %I.blind(%L, %s, %L::bytea)', party_schema, run, step, one[1]::text)], step);
            bytes := bytes + octet_length(one[1]);
            one := @extschema@.private_eigentrust_broadcast(dbl, conns[1:1], names[1:1],
                       ARRAY[format('SELECT ''o''::text, %I.open_bit(%L, %s, %L::bytea)', party_schema, run, step, one[1]::text)], step);
            prev := one[1];
            bytes := bytes + octet_length(prev);
            cond := get_byte(prev, 0) = 1;
            IF logging THEN
                INSERT INTO @extschema@.secure_percentile_log (run_id, step, probe, at_least_k, seconds, bytes_moved)
                VALUES (run, step, lower + probe * "precision", cond, extract(epoch FROM clock_timestamp() - t0), bytes);
            END IF;
            IF step = 0 THEN
                empty := NOT cond;
                done := empty OR lo = hi;
            ELSE
                IF cond THEN hi := probe; ELSE lo := probe + 1; END IF;
                done := lo = hi;
            END IF;
            step := step + 1;
            EXIT WHEN done;
        END LOOP;
        sqls := array_fill(format('SELECT ''f''::text, %I.finish(%L, %s, %L::bytea)', party_schema, run, step, prev::text),
                           ARRAY[np]);
        msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, step);
        res := CASE WHEN empty THEN 'NULL' ELSE (lower + lo * "precision")::text END;
        FOR k IN 1..np LOOP
            IF convert_from(msgs[k], 'UTF8') <> res THEN
                RAISE EXCEPTION 'secure_percentile: % published another result', names[k] USING ERRCODE = 'XX000';
            END IF;
        END LOOP;
        PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns);
        conns := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        -- private_eigentrust_fail names the party and the step ("round")
        PERFORM @extschema@.private_eigentrust_coordinator_error(dbl, conns, NULL, 'secure_percentile',
            format('In the party''s database, as the owner of the values, run SELECT secure_percentile_party_setup(%L, ''<coordinator role>''), and pin the other parties'' public keys in %I.known_parties.',
                   value_sql, party_schema),
            st, msg, det, hnt);
    END;
    RAISE NOTICE 'secure_percentile: run %, % parties, steps: %', run, np, step;
    RETURN CASE WHEN empty THEN NULL ELSE lower + lo * "precision" END;
END
$fn$;
COMMENT ON FUNCTION secure_percentile(text[], text, numeric, numeric, numeric, numeric, name, integer) IS
'the k-th smallest value (k = max(1, ceil(fraction * N)), percentile_disc) of value_sql over the union of the parties (foreign server names or connection strings, over dblink), rounded up to the grid lower + j * precision and clamped to [lower, upper], found by bisection in which each step publishes only whether count(value <= probe) >= k; the counts stay secret (docs/secure-sum.md); NULL when no party has a non-NULL value';

CREATE FUNCTION secure_median(parties text[], value_sql text, lower numeric, upper numeric, "precision" numeric,
    party_schema name DEFAULT 'secure_percentile_party', key_bits integer DEFAULT 2048)
RETURNS numeric
LANGUAGE sql VOLATILE PARALLEL UNSAFE
AS $$ SELECT @extschema@.secure_percentile(parties, value_sql, 0.5, lower, upper, "precision", party_schema, key_bits) $$;
COMMENT ON FUNCTION secure_median(text[], text, numeric, numeric, numeric, name, integer) IS
'secure_percentile with fraction 0.5: the lower median (percentile_disc(0.5)) across databases';
