-- Private EigenTrust in mode 'groups', the coordinator's relay: the round log,
-- running one statement on many parties at once, and circulating a round's
-- aggregation messages along every chain (docs/design.md, "Groups mode").
-- The party side is 76_private_eigentrust_groups.sql, the round loop
-- 78_private_eigentrust_groups_run.sql.

-- ---- coordinator ------------------------------------------------------

CREATE TABLE private_eigentrust_groups_log (
    run_id    text NOT NULL,
    round     integer NOT NULL,
    attempt   integer NOT NULL DEFAULT 1,
    event     text NOT NULL,
    grp       integer,
    members   integer[],
    decryptor integer,
    seconds   double precision,
    detail    text,
    logged_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
SELECT pg_catalog.pg_extension_config_dump('private_eigentrust_groups_log', '');
REVOKE ALL ON private_eigentrust_groups_log FROM PUBLIC;
GRANT SELECT ON private_eigentrust_groups_log TO PUBLIC;
COMMENT ON TABLE private_eigentrust_groups_log IS
'coordinator side of groups-mode private EigenTrust: the round log of completed runs: the measured round-trip times (event rtt), every placement decision with its method and seed (placement, adapt), each chain''s members in order, decryptor and circulation time per round (chain), parties that left and what that did (left), chains of a redone round released by their decryptors and the members that accepted the release (release); written when the caller was granted INSERT';

-- Send one statement per connection at once; wait for all; collect one text
-- value each, the seconds each took and the error of each that failed.
CREATE FUNCTION private_eigentrust_groups_gather(dbl text, conns text[], sqls text[],
    OUT vals text[], OUT seconds double precision[], OUT errors text[])
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    n integer := coalesce(cardinality(conns), 0);
    t0 timestamptz[];
    busy boolean[];
    left_ integer := 0;
    ok integer;
    v text;
    msg text;
    progress boolean;
BEGIN
    vals := array_fill(NULL::text, ARRAY[n]);
    seconds := array_fill(NULL::double precision, ARRAY[n]);
    errors := array_fill(NULL::text, ARRAY[n]);
    t0 := array_fill(NULL::timestamptz, ARRAY[n]);
    busy := array_fill(false, ARRAY[n]);
    FOR k IN 1..n LOOP
        t0[k] := clock_timestamp();
        BEGIN
            EXECUTE format('SELECT %s.dblink_send_query($1, $2)', dbl) INTO ok USING conns[k], sqls[k];
            IF ok <> 1 THEN
                EXECUTE format('SELECT %s.dblink_error_message($1)', dbl) INTO msg USING conns[k];
                errors[k] := coalesce(msg, 'could not send');
            ELSE
                busy[k] := true;
                left_ := left_ + 1;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            errors[k] := SQLERRM;
        END;
    END LOOP;
    WHILE left_ > 0 LOOP
        progress := false;
        FOR k IN 1..n LOOP
            CONTINUE WHEN NOT busy[k];
            BEGIN
                EXECUTE format('SELECT %s.dblink_is_busy($1)', dbl) INTO ok USING conns[k];
                IF ok = 0 THEN
                    busy[k] := false;
                    left_ := left_ - 1;
                    seconds[k] := extract(epoch FROM clock_timestamp() - t0[k]);
                    v := NULL;
                    EXECUTE format('SELECT r.v FROM %s.dblink_get_result($1) AS r(v text)', dbl) INTO v USING conns[k];
                    EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1) AS r(v text)', dbl) INTO ok USING conns[k];
                    IF v IS NULL THEN
                        errors[k] := 'no result';
                    END IF;
                    vals[k] := v;
                    progress := true;
                END IF;
            EXCEPTION WHEN OTHERS THEN
                IF busy[k] THEN
                    busy[k] := false;
                    left_ := left_ - 1;
                END IF;
                errors[k] := SQLERRM;
            END;
        END LOOP;
        IF left_ > 0 AND NOT progress THEN
            PERFORM pg_sleep(0.0005);
        END IF;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_groups_gather(text, text[], text[]) IS
'internal: run one statement per dblink connection in parallel and return each one''s text value, seconds and error';

-- The chains of one round, all groups at once: a group's message goes to
-- its next member as soon as the one before answered.
CREATE FUNCTION private_eigentrust_groups_chains(dbl text, conns text[], run text, round integer,
    chain_members integer[], chain_offsets integer[], decs integer[], pubs bytea[], keys text[], tags text[],
    encs bytea[], peers bigint[], p_lit text, alpha double precision, party_schema name,
    OUT msgs bytea[], OUT receipts text[], OUT seconds double precision[], OUT failed integer, OUT failure text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    k integer := cardinality(chain_offsets) - 1;
    pos integer[];
    busy boolean[];
    t0 timestamptz[];
    running integer := 0;
    who integer;
    prev integer;
    m integer;
    ok integer;
    sql text;
    v bytea;
    rc bytea;
    peers_lit text := quote_literal(peers::text) || '::bigint[]';
    pubs_lit text := quote_literal(pubs::text) || '::bytea[]';
    tg bytea[];
    progress boolean;
BEGIN
    msgs := array_fill(NULL::bytea, ARRAY[k]);
    receipts := array_fill('{}'::text, ARRAY[k]);
    seconds := array_fill(0::double precision, ARRAY[k]);
    pos := array_fill(0, ARRAY[k]);
    busy := array_fill(false, ARRAY[k]);
    t0 := array_fill(clock_timestamp(), ARRAY[k]);
    failed := NULL;
    LOOP
        -- start the next step of every idle group that has one
        FOR g IN 1..k LOOP
            CONTINUE WHEN busy[g] OR pos[g] >= chain_offsets[g + 1] - chain_offsets[g];
            pos[g] := pos[g] + 1;
            m := chain_offsets[g + 1] - chain_offsets[g];
            who := chain_members[chain_offsets[g] + pos[g]];
            -- the predecessor on the cycle (the first member gets it back from the last)
            prev := chain_members[chain_offsets[g] + CASE WHEN pos[g] = 1 THEN m ELSE pos[g] - 1 END];
            tg := tags[g]::bytea[];
            sql := format(
                'SELECT m.v FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                'LATERAL (SELECT (s.msg::text || '' '' || s.receipt::text) AS v '
                '         FROM %I.groups_step(%L, %s, %s, %s, %s, %s, %L::integer[], %L::paillier_pubkey, %L::bytea, %L::bytea, '
                '                             %s, %s, %L::float8, %L::bytea, %s) s WHERE x.a IS NOT NULL) m',
                format('pet %s party%s round %s', run, who, round), party_schema, run, round, g, who, decs[g], pubs_lit,
                chain_members[chain_offsets[g] + 1 : chain_offsets[g + 1]]::text, keys[g], tg[pos[g]], encs[g],
                peers_lit, p_lit, alpha, msgs[g], prev);
            BEGIN
                EXECUTE format('SELECT %s.dblink_send_query($1, $2)', dbl) INTO ok USING conns[who], sql;
                IF ok <> 1 THEN
                    EXECUTE format('SELECT %s.dblink_error_message($1)', dbl) INTO failure USING conns[who];
                    failed := who;
                    EXIT;
                END IF;
            EXCEPTION WHEN OTHERS THEN
                failed := who;
                failure := SQLERRM;
                EXIT;
            END;
            busy[g] := true;
            running := running + 1;
        END LOOP;
        EXIT WHEN running = 0 OR failed IS NOT NULL;
        progress := false;
        FOR g IN 1..k LOOP
            CONTINUE WHEN NOT busy[g];
            who := chain_members[chain_offsets[g] + pos[g]];
            BEGIN
                EXECUTE format('SELECT %s.dblink_is_busy($1)', dbl) INTO ok USING conns[who];
                IF ok = 0 THEN
                    sql := NULL;
                    EXECUTE format('SELECT r.v FROM %s.dblink_get_result($1) AS r(v text)', dbl) INTO sql USING conns[who];
                    EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1) AS r(v text)', dbl) INTO ok USING conns[who];
                    IF sql IS NULL THEN
                        RAISE EXCEPTION 'no result' USING ERRCODE = '08006';
                    END IF;
                    v := split_part(sql, ' ', 1)::bytea;
                    rc := split_part(sql, ' ', 2)::bytea;
                    msgs[g] := v;
                    receipts[g] := (receipts[g]::bytea[] || rc)::text;
                    busy[g] := false;
                    running := running - 1;
                    IF pos[g] = chain_offsets[g + 1] - chain_offsets[g] THEN
                        seconds[g] := extract(epoch FROM clock_timestamp() - t0[g]);
                    END IF;
                    progress := true;
                END IF;
            EXCEPTION WHEN OTHERS THEN
                failed := who;
                failure := SQLERRM;
                busy[g] := false;
                EXIT;
            END;
        END LOOP;
        EXIT WHEN failed IS NOT NULL;
        IF running > 0 AND NOT progress THEN
            PERFORM pg_sleep(0.0005);
        END IF;
    END LOOP;
    IF failed IS NOT NULL THEN
        -- let the other chains' steps in flight finish, so their
        -- connections are free for the redone round
        FOR g IN 1..k LOOP
                CONTINUE WHEN NOT busy[g];
                who := chain_members[chain_offsets[g] + pos[g]];
                -- the step's result (or error), then the end of the query
                FOR q IN 1..3 LOOP
                    BEGIN
                        EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1, false) AS r(v text)', dbl)
                            INTO ok USING conns[who];
                    EXCEPTION WHEN OTHERS THEN NULL;
                    END;
                END LOOP;
            END LOOP;
    END IF;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_groups_chains(text, text[], text, integer, integer[], integer[], integer[], bytea[], text[], text[], bytea[], bigint[], text, double precision, name) IS
'internal: circulate one round''s aggregation messages along every group''s chain at once (relayed by the coordinator), returning each group''s final message, its members'' receipts and its circulation time, or the first party that failed';


-- Does the connection still answer?  Reads what is left of a failed query
-- first, then asks SELECT 1; an error anywhere is no.  A party whose
-- connection answers did not leave: it refused, or a check of it failed.
CREATE FUNCTION private_eigentrust_groups_answers(dbl text, conn text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    x integer;
BEGIN
    IF dbl IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_groups_answers: dbl must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF conn IS NULL THEN
        RETURN false;
    END IF;
    FOR q IN 1..3 LOOP
        BEGIN
            EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1, false) AS r(v text)', dbl) INTO x USING conn;
        EXCEPTION WHEN OTHERS THEN NULL;
        END;
    END LOOP;
    BEGIN
        EXECUTE format('SELECT * FROM %s.dblink($1, ''SELECT 1'') AS r(one integer)', dbl) INTO x USING conn;
    EXCEPTION WHEN OTHERS THEN
        RETURN false;
    END;
    RETURN x IS NOT DISTINCT FROM 1;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_groups_answers(text, text) IS
'internal: whether a groups-mode connection still answers after a failed query (what is left of the query read first); false for a NULL or broken connection';

-- A member left mid-chain, so no chain of this attempt was decrypted: the
-- live decryptor of each pending group whose chain got contributions
-- releases it (wipes the chain's key and tags a release for each member), and
-- each live member that contributed accepts its release.  Returns ct_live
-- with the accepted contributions no longer counting; a release refused or
-- not accepted leaves them counting (docs/design.md, "Releases").
CREATE FUNCTION private_eigentrust_groups_release_chains(dbl text, conns text[], dconns text[], run text,
    r integer, attempt integer, pend integer[], decs integer[], alive boolean[], keys text[], pubs bytea[],
    ct_party integer[], ct_grp integer[], ct_att integer[], ct_live boolean[], party_schema name, logging boolean)
RETURNS boolean[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    g      integer;
    x      integer;
    rel_m  integer[];
    rel_t  bytea[];
    rel_ok integer[];
BEGIN
    IF dbl IS NULL OR conns IS NULL OR dconns IS NULL OR run IS NULL OR r IS NULL OR attempt IS NULL
       OR pend IS NULL OR decs IS NULL OR alive IS NULL OR keys IS NULL OR pubs IS NULL OR ct_party IS NULL
       OR ct_grp IS NULL OR ct_att IS NULL OR ct_live IS NULL OR party_schema IS NULL OR logging IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_groups_release_chains: no argument may be NULL' USING ERRCODE = '22004';
    END IF;
    IF cardinality(ct_grp) <> cardinality(ct_party) OR cardinality(ct_att) <> cardinality(ct_party)
       OR cardinality(ct_live) <> cardinality(ct_party) THEN
        RAISE EXCEPTION 'private_eigentrust_groups_release_chains: the contribution arrays differ in length'
            USING ERRCODE = '22023';
    END IF;
    FOR g IN SELECT DISTINCT u FROM unnest(pend) u ORDER BY u LOOP
        CONTINUE WHEN NOT coalesce(alive[decs[g]], false);
        CONTINUE WHEN NOT EXISTS (SELECT 1 FROM unnest(ct_grp, ct_att) u(gg, aa) WHERE gg = g AND aa = attempt);
        BEGIN
            EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(members integer[], tags bytea[])', dbl)
                INTO rel_m, rel_t USING dconns[decs[g]],
                format('SELECT * FROM %I.groups_release(%L, %s, %s, %s, %L::bytea[])',
                       party_schema, run, r, g, decs[g], pubs::text);
        EXCEPTION WHEN OTHERS THEN
            CONTINUE;   -- not released: its members' contributions keep counting
        END;
        rel_ok := '{}';
        FOR i IN 1..cardinality(ct_party) LOOP
            CONTINUE WHEN ct_att[i] <> attempt OR ct_grp[i] <> g OR NOT alive[ct_party[i]]
                OR array_position(rel_m, ct_party[i]) IS NULL;
            BEGIN
                EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(n integer)', dbl) INTO x
                    USING conns[ct_party[i]],
                    format('SELECT %I.groups_released(%L, %s, %s, %s, %s, %L::bytea[], %L::integer[], %L::paillier_pubkey, %L::bytea)',
                           party_schema, run, r, g, ct_party[i], decs[g], pubs::text, rel_m::text, keys[g],
                           rel_t[array_position(rel_m, ct_party[i])]);
                ct_live[i] := false;
                rel_ok := rel_ok || ct_party[i];
            EXCEPTION WHEN OTHERS THEN
                NULL;   -- it keeps counting
            END;
        END LOOP;
        IF logging THEN
            INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, attempt, event, grp, members, decryptor, detail)
            VALUES (run, r, attempt, 'release', g, rel_m, decs[g],
                    format('chain released by its decryptor, accepted by parties %s', rel_ok::text));
        END IF;
    END LOOP;
    RETURN ct_live;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_groups_release_chains(text, text[], text[], text, integer, integer, integer[], integer[], boolean[], text[], bytea[], integer[], integer[], integer[], boolean[], name, boolean) IS
'internal: after a member left mid-chain, ask each live decryptor of a pending group for the release of its chain and hand each release to the live members that contributed; returns which contributions still count';
