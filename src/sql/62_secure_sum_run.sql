-- Secure sums and averages across databases, the coordinator's side
-- (docs/secure-sum.md): secure_sum_run drives the rounds of double-masked
-- zero-sum masking over dblink through the shared plumbing of
-- 45_coordinator.sql; the parties' side is in 62_secure_sum.sql.

-- ---- coordinator ------------------------------------------------------

CREATE FUNCTION secure_sum_run(parties text[], value_sql text, scale integer DEFAULT 0,
    threshold integer DEFAULT NULL, allow_two_parties boolean DEFAULT false,
    party_schema name DEFAULT 'secure_sum_party', timeout interval DEFAULT NULL,
    OUT total numeric, OUT value_count numeric, OUT parties_counted integer, OUT dropped text[])
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    dbl     text;
    run     text := replace(gen_random_uuid()::text, '-', '');
    np      integer := coalesce(cardinality(parties), 0);
    t       integer := threshold;
    conns   text[] := '{}';
    names   text[] := '{}';
    ids     bytea[] := '{}';
    ephs    bytea[] := '{}';
    boxes   bytea[][];
    rowv    bytea[];
    k       integer;
    msgs    bytea[];
    sqls    text[];
    inbox   bytea[];
    u1      integer[] := '{}';
    u2      integer[] := '{}';
    gone    integer[] := '{}';
    released text[];
    m       numeric := @extschema@.zerosum_modulus();
    y0      numeric := 0;
    y1      numeric := 0;
    b       numeric;
    parts   text[];
    line    text;
    st      text;
    msg     text;
    det     text;
    hnt     text;
    app     text := current_setting('application_name');
    answered integer;
    sh_owner integer[] := '{}';
    sh_kind text[] := '{}';
    sh      @extschema@.shamir_share[] := '{}';
    kshares @extschema@.shamir_share[];
BEGIN
    -- arguments first, before any connection
    IF parties IS NULL OR value_sql IS NULL OR scale IS NULL OR allow_two_parties IS NULL OR party_schema IS NULL THEN
        RAISE EXCEPTION 'secure_sum: only threshold and timeout may be null' USING ERRCODE = '22004';
    END IF;
    IF array_position(parties, NULL) IS NOT NULL OR EXISTS (SELECT 1 FROM unnest(parties) p WHERE btrim(p) = '') THEN
        RAISE EXCEPTION 'secure_sum: a party must be a foreign server name or a connection string, not null or empty'
            USING ERRCODE = '22023';
    END IF;
    IF (SELECT count(DISTINCT p) FROM unnest(parties) p) <> np THEN
        RAISE EXCEPTION 'secure_sum: a party is named twice' USING ERRCODE = '22023',
            DETAIL = 'Each party database takes part once.';
    END IF;
    IF np < 3 AND NOT allow_two_parties THEN
        RAISE EXCEPTION 'secure_sum: % parties given, at least 3 are needed', np
            USING ERRCODE = '22023',
                  DETAIL = 'With two parties, each learns the other''s value from the sum.',
                  HINT = 'Pass allow_two_parties => true to accept that.';
    END IF;
    IF np < 2 THEN
        RAISE EXCEPTION 'secure_sum: at least 2 parties are needed, % given', np USING ERRCODE = '22023';
    END IF;
    IF btrim(value_sql) = '' THEN
        RAISE EXCEPTION 'secure_sum: value_sql is empty' USING ERRCODE = '22023',
            HINT = 'Pass the query each party evaluates, e.g. ''SELECT salary FROM staff''.';
    END IF;
    IF scale < 0 OR scale > 38 THEN
        RAISE EXCEPTION 'secure_sum: scale must be between 0 and 38, not %', scale USING ERRCODE = '22023';
    END IF;
    IF timeout <= interval '0' THEN
        RAISE EXCEPTION 'secure_sum: timeout must be positive' USING ERRCODE = '22023',
            HINT = 'Leave it null to wait for every party.';
    END IF;
    t := coalesce(t, np / 2 + 1);
    IF 2 * t <= np OR t > np THEN
        RAISE EXCEPTION 'secure_sum: threshold % is not valid for % parties', t, np
            USING ERRCODE = '22023',
                  DETAIL = 'The threshold t must satisfy n/2 < t <= n: then the coordinator cannot gather both kinds of shares of one party.',
                  HINT = format('Leave it null for %s, or pass a value from %s to %s.', np / 2 + 1, np / 2 + 1, np);
    END IF;
    dbl := @extschema@.private_eigentrust_dblink('secure_sum');

    BEGIN
        SELECT pc.conns, pc.names INTO conns, names
        FROM @extschema@.private_eigentrust_connect(dbl, parties, 'ssum_' || run || '_') pc;

        -- round 1: identity keys and per-run mask keys
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || @extschema@.private_eigentrust_call_sql(
                format('ssum %s party%s round 1', run, k),
                format('%I.hello(%L, %s, %s, %s, %L, %s)', party_schema, run, k, np, t, value_sql, scale));
        END LOOP;
        msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, 1);
        FOR k IN 1..np LOOP
            IF octet_length(msgs[k]) <> 768 THEN
                RAISE EXCEPTION 'secure_sum: % answered round 1 with % bytes, not 768', names[k], octet_length(msgs[k])
                    USING ERRCODE = '08P01';
            END IF;
            ids := ids || substring(msgs[k] FROM 1 FOR 384);
            ephs := ephs || substring(msgs[k] FROM 385 FOR 384);
        END LOOP;

        -- round 2: every party seals a share of its mask key and self-mask for every other party
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || @extschema@.private_eigentrust_call_sql(
                format('ssum %s party%s round 2', run, k),
                format('%I.share(%L, %L::bytea[], %L::bytea[])', party_schema, run, ids::text, ephs::text));
        END LOOP;
        msgs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, 2);
        boxes := array_fill(NULL::bytea, ARRAY[np, np]);
        FOR k IN 1..np LOOP
            rowv := convert_from(msgs[k], 'UTF8')::bytea[];
            IF cardinality(rowv) <> np THEN
                RAISE EXCEPTION 'secure_sum: % answered round 2 with % sealed shares, not %', names[k], cardinality(rowv), np
                    USING ERRCODE = '08P01';
            END IF;
            FOR j IN 1..np LOOP
                boxes[k][j] := rowv[j];
            END LOOP;
            u1 := u1 || k;
        END LOOP;

        -- round 3: every party opens its shares and sends its masked sum and count
        sqls := '{}';
        FOR j IN 1..np LOOP
            inbox := '{}';
            FOR k IN 1..np LOOP
                inbox := inbox || boxes[k][j];
            END LOOP;
            sqls := sqls || @extschema@.private_eigentrust_call_sql(
                format('ssum %s party%s round 3', run, j),
                format('%I.mask(%L, %L::bytea[])', party_schema, run, inbox::text));
        END LOOP;
        msgs := @extschema@.private_eigentrust_gather(dbl, conns, names, sqls, 3, true, timeout);
        FOR k IN 1..np LOOP
            IF msgs[k] IS NULL THEN
                gone := gone || k;
            ELSE
                parts := string_to_array(convert_from(msgs[k], 'UTF8'), ' ');
                IF cardinality(parts) <> 2 THEN
                    RAISE EXCEPTION 'secure_sum: % answered round 3 with a malformed masked value', names[k]
                        USING ERRCODE = '08P01';
                END IF;
                u2 := u2 || k;
                y0 := y0 + parts[1]::numeric;
                y1 := y1 + parts[2]::numeric;
            END IF;
        END LOOP;
        IF cardinality(u2) < t THEN
            RAISE EXCEPTION 'secure_sum: % of % parties answered round 3, the threshold is %', cardinality(u2), np, t
                USING ERRCODE = '08006',
                      DETAIL = 'Too many parties dropped out to remove the masks; no sum is revealed.';
        END IF;

        -- round 4: survivors release self-mask shares of survivors and
        -- mask-key shares of the dropped parties
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || CASE WHEN k = ANY (u2) THEN @extschema@.private_eigentrust_call_sql(
                format('ssum %s party%s round 4', run, k),
                format('%I.unmask(%L, %L::integer[], %L::integer[])', party_schema, run, u2::text, gone::text)) END;
        END LOOP;
        msgs := @extschema@.private_eigentrust_gather(dbl, conns, names, sqls, 4, true, timeout);
        answered := 0;
        FOR k IN 1..np LOOP
            CONTINUE WHEN msgs[k] IS NULL;
            answered := answered + 1;
            FOREACH line IN ARRAY string_to_array(rtrim(convert_from(msgs[k], 'UTF8'), E'\n'), E'\n') LOOP
                parts := string_to_array(line, ' ');
                sh_owner := sh_owner || parts[1]::integer;
                sh_kind := sh_kind || parts[2];
                sh := sh || parts[3]::@extschema@.shamir_share;
            END LOOP;
        END LOOP;
        IF answered < t THEN
            RAISE EXCEPTION 'secure_sum: % of % survivors released their shares, the threshold is %', answered, cardinality(u2), t
                USING ERRCODE = '08006';
        END IF;
        -- remove the survivors' self-masks ...
        FOREACH k IN ARRAY u2 LOOP
            b := @extschema@.shamir_combine((SELECT array_agg(z.s) FROM unnest(sh_owner, sh_kind, sh) z(o, w, s)
                                             WHERE z.o = k AND z.w = 'self_mask'));
            y0 := y0 - mod(b, m);
            y1 := y1 - trunc(b / m);
        END LOOP;
        -- ... and add back the dropped parties' pairwise masks with the survivors
        FOREACH k IN ARRAY gone LOOP
            released := (SELECT array_agg(x::text ORDER BY x) FROM unnest(u2) x);
            kshares := (SELECT array_agg(z.s) FROM unnest(sh_owner, sh_kind, sh) z(o, w, s) WHERE z.o = k AND z.w = 'key');
            y0 := y0 + @extschema@.zerosum_recover_mask(k::text, 0, released,
                         (SELECT array_agg(ephs[x] ORDER BY x) FROM unnest(u2) x), ephs[k], kshares);
            y1 := y1 + @extschema@.zerosum_recover_mask(k::text, 1, released,
                         (SELECT array_agg(ephs[x] ORDER BY x) FROM unnest(u2) x), ephs[k], kshares);
        END LOOP;
        total := @extschema@.zerosum_unmask(mod(mod(y0, m) + m, m), scale);
        value_count := @extschema@.zerosum_unmask(mod(mod(y1, m) + m, m), 0);
        IF value_count < 0 OR total IS NULL THEN
            RAISE EXCEPTION 'secure_sum: the masks did not cancel' USING ERRCODE = 'XX000';
        END IF;

        -- the survivors forget the run's secrets
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || CASE WHEN k = ANY (u2) THEN @extschema@.private_eigentrust_call_sql(
                format('ssum %s party%s done', run, k),
                format('%I.finish(%L)', party_schema, run)) END;
        END LOOP;
        msgs := @extschema@.private_eigentrust_gather(dbl, conns, names, sqls, 5, true, timeout);
        PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns);
        conns := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        PERFORM @extschema@.private_eigentrust_coordinator_error(dbl, conns, app, 'secure_sum',
            CASE WHEN msg LIKE '%has not approved the query%' THEN
                format('The party''s owner approves a query with INSERT INTO %I.approved_queries (value_sql) VALUES (...).', party_schema)
            ELSE 'Set the party up first: in its database, as the owner of the data, run SELECT secure_sum_party_setup(''<coordinator role>'', ARRAY[''<value_sql>'']), and pin the other parties'' public keys in its known_parties.'
            END, st, msg, det, hnt);
    END;
    PERFORM set_config('application_name', app, false);
    parties_counted := cardinality(u2);
    dropped := (SELECT coalesce(array_agg(names[x] ORDER BY x), '{}') FROM unnest(gone) x);
    IF cardinality(gone) > 0 THEN
        RAISE WARNING 'secure_sum: % of % parties dropped out; the result covers the other % only', cardinality(gone), np, cardinality(u2)
            USING DETAIL = format('Dropped: %s.', array_to_string(dropped, ', '));
    END IF;
END
$fn$;
COMMENT ON FUNCTION secure_sum_run(text[], text, integer, integer, boolean, name, interval) IS
'the sum and the count of the non-NULL values of value_sql over the party databases (foreign server names or connection strings), by double-masked zero-sum masks over dblink: the coordinator learns the total, the count, and which parties dropped out, nothing per party; a party that loses its connection, whose session ends or that misses timeout after the others masked has dropped out, and the result covers the parties whose masked values arrived';

CREATE FUNCTION secure_sum(parties text[], value_sql text, scale integer DEFAULT 0,
    threshold integer DEFAULT NULL, allow_two_parties boolean DEFAULT false,
    party_schema name DEFAULT 'secure_sum_party', timeout interval DEFAULT NULL)
RETURNS numeric
LANGUAGE sql VOLATILE PARALLEL UNSAFE
AS $$ SELECT CASE WHEN r.value_count > 0 THEN r.total END
      FROM @extschema@.secure_sum_run(parties, value_sql, scale, threshold, allow_two_parties, party_schema, timeout) r $$;
COMMENT ON FUNCTION secure_sum(text[], text, integer, integer, boolean, name, interval) IS
'sum(value) over the union of value_sql in every party database, each value rounded to scale decimals, NULLs ignored, NULL when there are no values; no database sees another''s values (see secure_sum_run)';

CREATE FUNCTION secure_avg(parties text[], value_sql text, scale integer DEFAULT 0,
    threshold integer DEFAULT NULL, allow_two_parties boolean DEFAULT false,
    party_schema name DEFAULT 'secure_sum_party', timeout interval DEFAULT NULL)
RETURNS numeric
LANGUAGE sql VOLATILE PARALLEL UNSAFE
AS $$ SELECT CASE WHEN r.value_count > 0 THEN r.total / r.value_count END
      FROM @extschema@.secure_sum_run(parties, value_sql, scale, threshold, allow_two_parties, party_schema, timeout) r $$;
COMMENT ON FUNCTION secure_avg(text[], text, integer, integer, boolean, name, interval) IS
'avg(value) over the union of value_sql in every party database: the secure sum divided by the secure count of non-NULL values, each value rounded to scale decimals; NULL when there are no values';
