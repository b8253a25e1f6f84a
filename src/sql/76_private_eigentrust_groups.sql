-- Private EigenTrust in mode 'groups': the seed paper's task groups, chains,
-- delegated decryption with per-group keys, churn and placement
-- (docs/design.md, "Groups mode").  Parties only: no key holder.

-- ---- party and decryptor primitives (C) -------------------------------

CREATE FUNCTION private_eigentrust_groups_key(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], known_keys bytea[], members integer[], bits integer,
    OUT key paillier_pubkey, OUT tags bytea[])
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_key'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_key(bytea, text, integer, integer, integer, bytea[], bytea[], integer[], integer) IS
'decryptor side of groups-mode private EigenTrust: a fresh Paillier key for one group and round, the private half kept in this session only (bound to the calling role), and for each member a tag (authmsg MAC over the pairwise Diffie-Hellman seed) over the group, its chain and the public key; refuses a group of fewer than 2, one the decryptor belongs to, an unpinned member, and a group it already decrypted this round';

CREATE FUNCTION private_eigentrust_groups_check_key(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], known_keys bytea[], decryptor integer, members integer[],
    key paillier_pubkey, tag bytea, min_group integer)
RETURNS boolean
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_check_key'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_check_key(bytea, text, integer, integer, integer, bytea[], bytea[], integer, integer[], paillier_pubkey, bytea, integer) IS
'member side of groups-mode private EigenTrust: before encrypting under key, check that the decryptor is pinned and outside the group, that this party is a member, that the group has at least max(2, min_group) members and that tag is the decryptor''s; true or ERROR';

CREATE FUNCTION private_eigentrust_groups_receipt(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], decryptor integer, members integer[], key paillier_pubkey,
    enc_t bytea, msg_in bytea, msg_out bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_receipt'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_receipt(bytea, text, integer, integer, integer, bytea[], integer, integer[], paillier_pubkey, bytea, bytea, bytea) IS
'member side of groups-mode private EigenTrust: the receipt of one chain step for the decryptor: SHA-256 of the message received (NULL: none), of the message passed on and of Enc(t), and their tag';

CREATE FUNCTION private_eigentrust_groups_contribution(edges_sql text, key paillier_pubkey, peers bigint[],
    pretrust bigint[], enc_t bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_contribution'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION private_eigentrust_groups_decrypt(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], receipts bytea[], msg bytea)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_decrypt'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_decrypt(bytea, text, integer, integer, integer, bytea[], bytea[], bytea) IS
'decryptor side of groups-mode private EigenTrust: verify every member''s receipt, that they link into one chain ending in msg and share one Enc(t), then decrypt msg (sums at scale 13) and wipe the key: once per group and round';

CREATE FUNCTION private_eigentrust_groups_place(rtt double precision[], k integer, method text, seed bigint,
    OUT grp integer[], OUT pos integer[], OUT changed boolean)
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_place'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_groups_place(double precision[], integer, text, bigint) IS
'placement of groups mode: k task groups of the parties from their round-trip times (an n x n matrix): method kmeans (classical MDS to 3-D, balanced k-means seeded by seed), random (a random equal partition) or greedy (by mean round-trip time, longest first); each chain ordered by the MST cycle; grp[i] and pos[i] are party i''s group and place in its chain; changed is false';

CREATE FUNCTION private_eigentrust_groups_adapt(grp integer[], pos integer[], seconds double precision[],
    min_size integer, OUT grp integer[], OUT pos integer[], OUT changed boolean)
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_adapt'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION private_eigentrust_groups_adapt(integer[], integer[], double precision[], integer) IS
'adaptive balancing of groups mode (the seed paper''s section 4.3): from each chain''s circulation time, split chains slower than twice the median and merge pairs of chains faster than half of it, never below min_size members; grp 0 marks a party outside every chain';

-- ---- party setup ------------------------------------------------------

CREATE FUNCTION private_eigentrust_groups_party_setup(edges_sql text, coordinator_role name,
    party_schema name DEFAULT 'private_eigentrust_party', min_group_size integer DEFAULT 2,
    members_sql text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    path text := (SELECT string_agg(quote_ident(x), ', ')
                  FROM unnest(array_prepend('@extschema@'::text, current_schemas(false)::text[])) x)
                 || ', pg_temp';
    ident text;
    known text;
    hook text;
    fns text[] := ARRAY['groups_hosted()', 'groups_probe(text, integer, integer)',
        'groups_key(text, integer, integer, integer, bytea[], integer[], integer)',
        'groups_step(text, integer, integer, integer, integer, bytea[], integer[], @extschema@.paillier_pubkey, bytea, bytea, bigint[], bigint[], bytea, integer)',
        'groups_decrypt(text, integer, integer, integer, bytea[], bytea[], bytea)'];
    f text;
BEGIN
    IF edges_sql IS NULL OR coordinator_role IS NULL OR party_schema IS NULL OR min_group_size IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_groups_party_setup: no argument may be NULL' USING ERRCODE = '22004';
    END IF;
    IF min_group_size < 2 THEN
        RAISE EXCEPTION 'private_eigentrust_groups_party_setup: min_group_size must be at least 2, got %', min_group_size
            USING ERRCODE = '22023',
                  DETAIL = 'A decryptor of a group of one would see that party''s contributions.';
    END IF;
    IF to_regclass(format('%I.masked_identity', party_schema)) IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_groups_party_setup: schema % has no party identity', party_schema
            USING ERRCODE = '55000',
                  HINT = 'Run private_eigentrust_party_setup first (as the owner of the ratings), then pin the other parties'' keys.';
    END IF;
    EXECUTE format('SELECT q.truster::bigint, q.trustee::bigint, q.score::double precision '
                   'FROM (%s) AS q(truster, trustee, score) LIMIT 0', edges_sql);
    IF members_sql IS NOT NULL THEN
        EXECUTE format('SELECT q.member::bigint FROM (%s) AS q(member) LIMIT 0', members_sql);
    END IF;
    -- the ids this party hosts (its trusters and members): the only ids it
    -- publishes; its trustee sets never leave it
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_hosted() RETURNS bigint[] '
        'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT coalesce(array_agg(DISTINCT x ORDER BY x), ''{}'') FROM ('
               'SELECT q.truster::bigint FROM (%s) AS q(truster, trustee, score)%s) AS u(x) WHERE x IS NOT NULL',
               edges_sql,
               CASE WHEN members_sql IS NULL THEN ''
                    ELSE format(' UNION SELECT m.member::bigint FROM (%s) AS m(member)', members_sql) END));
    ident := format('(SELECT private_key FROM %I.masked_identity)', party_schema);
    known := format('(SELECT coalesce(array_agg(public_key), ''{}'') FROM %I.masked_known_parties)', party_schema);
    -- the test-only delay hook: when the owner creates
    -- party_schema.groups_test_delay(from_party integer, round integer, seconds double precision),
    -- a call sleeps the seconds of rows whose from_party is the caller's
    -- predecessor (-1: any; 0: the decryptor's work) and whose round is this
    -- round or NULL.  Without the table nothing sleeps.
    hook := format($h$
    IF to_regclass('%I.groups_test_delay') IS NOT NULL THEN
        EXECUTE 'SELECT coalesce(sum(seconds), 0) FROM %I.groups_test_delay WHERE from_party = ANY ($1) AND (round IS NULL OR round = $2)'
            INTO secs USING froms, rnd;
        IF secs > 0 THEN PERFORM pg_sleep(secs); END IF;
    END IF;$h$, party_schema, party_schema);

    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_probe(run_id text, round integer, from_party integer) RETURNS integer '
        'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    secs double precision;
    froms integer[] := ARRAY[from_party, -1];
    rnd integer := round;
BEGIN
    %s
    RETURN 1;
END
$b$, hook));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_key(run_id text, round integer, grp integer, self integer, '
        '    public_keys bytea[], members integer[], bits integer, OUT key @extschema@.paillier_pubkey, OUT tags bytea[]) '
        'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    secs double precision;
    froms integer[] := ARRAY[0];
    rnd integer := round;
BEGIN
    %s
    SELECT x.key, x.tags INTO key, tags
    FROM @extschema@.private_eigentrust_groups_key(%s, run_id, round, grp, self, public_keys, %s, members, bits) x;
END
$b$, hook, ident, known));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_step(run_id text, round integer, grp integer, self integer, decryptor integer, '
        '    public_keys bytea[], members integer[], key @extschema@.paillier_pubkey, key_tag bytea, enc_t bytea, '
        '    peers bigint[], pretrust bigint[], msg_in bytea, from_party integer, OUT msg bytea, OUT receipt bytea) '
        'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    secs double precision;
    froms integer[] := ARRAY[from_party, -1];
    rnd integer := round;
    own bytea;
BEGIN
    %s
    -- nothing is encrypted under a key the decryptor did not authenticate
    PERFORM @extschema@.private_eigentrust_groups_check_key(%s, run_id, round, grp, self, public_keys, %s,
        decryptor, members, key, key_tag, %s);
    own := @extschema@.private_eigentrust_groups_contribution(%L, key, peers, pretrust, enc_t);
    msg := CASE WHEN msg_in IS NULL THEN own
                ELSE @extschema@.private_eigentrust_combine(key, ARRAY[msg_in, own]) END;
    receipt := @extschema@.private_eigentrust_groups_receipt(%s, run_id, round, grp, self, public_keys,
        decryptor, members, key, enc_t, msg_in, msg);
END
$b$, hook, ident, known, min_group_size, edges_sql, ident));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_decrypt(run_id text, round integer, grp integer, self integer, '
        '    public_keys bytea[], receipts bytea[], msg bytea) RETURNS bigint[] '
        'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    secs double precision;
    froms integer[] := ARRAY[0];
    rnd integer := round;
BEGIN
    %s
    RETURN @extschema@.private_eigentrust_groups_decrypt(%s, run_id, round, grp, self, public_keys, receipts, msg);
END
$b$, hook, ident));
    FOREACH f IN ARRAY fns LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %I.%s FROM PUBLIC', party_schema, f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.%s TO %I', party_schema, f, coordinator_role);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_groups_party_setup(text, name, name, integer, text) IS
'make a private EigenTrust party (set up by private_eigentrust_party_setup, other parties'' keys pinned) take part in groups mode: SECURITY DEFINER functions groups_hosted, groups_probe, groups_key, groups_step and groups_decrypt in party_schema for coordinator_role; the party publishes only the ids it hosts (trusters and members_sql''s ids) and refuses to add its ratings to a group of fewer than min_group_size members';

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
'coordinator side of groups-mode private EigenTrust: the round log of completed runs: the measured round-trip times (event rtt), every placement decision with its method and seed (placement, adapt), each chain''s members in order, decryptor and circulation time per round (chain), parties that left and what that did (left), redone rounds (redo); written when the caller was granted INSERT';

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
    encs bytea[], peers bigint[], p_lit text, party_schema name,
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
                '                             %s, %s, %L::bytea, %s) s WHERE x.a IS NOT NULL) m',
                format('pet %s party%s round %s', run, who, round), party_schema, run, round, g, who, decs[g], pubs_lit,
                chain_members[chain_offsets[g] + 1 : chain_offsets[g + 1]]::text, keys[g], tg[pos[g]], encs[g],
                peers_lit, p_lit, msgs[g], prev);
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
COMMENT ON FUNCTION private_eigentrust_groups_chains(text, text[], text, integer, integer[], integer[], integer[], bytea[], text[], text[], bytea[], bigint[], text, name) IS
'internal: circulate one round''s aggregation messages along every group''s chain at once (relayed by the coordinator), returning each group''s final message, its members'' receipts and its circulation time, or the first party that failed';

CREATE FUNCTION eigentrust_private_groups(
    parties        text[],
    groups         integer          DEFAULT NULL,
    alpha          double precision DEFAULT 0.15,
    epsilon        double precision DEFAULT 1e-8,
    max_iter       integer          DEFAULT 1000,
    pretrust_sql   text             DEFAULT NULL,
    key_bits       integer          DEFAULT 2048,
    party_schema   name             DEFAULT 'private_eigentrust_party',
    placement      text             DEFAULT 'kmeans',
    seed           bigint           DEFAULT 1,
    adapt          boolean          DEFAULT false,
    min_group_size integer          DEFAULT 2)
RETURNS TABLE(peer bigint, trust double precision)
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
AS $fn$
DECLARE
    dbl       text;
    run       text := substr(md5(random()::text || clock_timestamp()::text), 1, 16);
    np        integer;
    k         integer;
    conns     text[] := '{}';
    dconns    text[] := '{}';
    names     text[] := '{}';
    alive     boolean[];
    pubs      bytea[] := '{}';
    pb        bytea;
    h         bigint[];
    mm        bigint[];
    hosted_all bigint[] := '{}';
    all_ids   bigint[] := '{}';
    hosts     integer[] := '{}';
    peers     bigint[];
    owner_    integer[];
    hmask     boolean[];
    hm_r      boolean[];
    n         integer;
    p         bigint[];
    p_lit     text;
    t         bigint[];
    tn        bigint[];
    res       double precision := NULL;
    r         integer := 0;
    attempt   integer;
    rtt       double precision[];
    g_of      integer[];
    g_pos     integer[];
    cm        integer[];
    co        integer[];
    decs      integer[];
    used      integer[];
    last_dec  integer[];
    gconn     text;
    keys      text[];
    tags      text[];
    encs      bytea[];
    sqls      text[];
    gv        text[];
    gs        double precision[];
    ge        text[];
    ch        record;
    sums      bigint[];
    j         json;
    gone      integer;
    why       text;
    who_role  text;
    cand      integer;
    sql       text;
    dup       bigint;
    t0        timestamptz;
    tr        timestamptz;
    st        text;
    msg       text;
    det       text;
    hnt       text;
    logging   boolean := has_table_privilege('@extschema@.private_eigentrust_groups_log', 'INSERT');
    logging0  boolean := has_table_privilege('@extschema@.private_eigentrust_log', 'INSERT');
    app       text := current_setting('application_name');
    c         text;
    x         integer;
BEGIN
    IF parties IS NULL OR alpha IS NULL OR epsilon IS NULL OR max_iter IS NULL OR key_bits IS NULL
       OR party_schema IS NULL OR placement IS NULL OR seed IS NULL OR adapt IS NULL OR min_group_size IS NULL THEN
        RAISE EXCEPTION 'eigentrust_private: only groups and pretrust_sql may be NULL in mode groups' USING ERRCODE = '22004';
    END IF;
    IF array_position(parties, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'eigentrust_private: parties must not contain NULLs' USING ERRCODE = '22004';
    END IF;
    np := coalesce(cardinality(parties), 0);
    IF NOT (alpha > 0 AND alpha <= 1) THEN
        RAISE EXCEPTION 'eigentrust_private: alpha must be in (0, 1], got %', alpha USING ERRCODE = '22023';
    END IF;
    IF NOT (epsilon > 0) OR max_iter < 1 THEN
        RAISE EXCEPTION 'eigentrust_private: epsilon must be > 0 and max_iter >= 1' USING ERRCODE = '22023';
    END IF;
    IF placement NOT IN ('kmeans', 'random', 'greedy') THEN
        RAISE EXCEPTION 'eigentrust_private: unknown placement "%"', placement
            USING ERRCODE = '22023', HINT = 'Use ''kmeans'' (the default), ''random'' or ''greedy''.';
    END IF;
    IF min_group_size < 2 THEN
        RAISE EXCEPTION 'eigentrust_private: min_group_size must be at least 2, got %', min_group_size
            USING ERRCODE = '22023', DETAIL = 'A decryptor of a group of one would see that party''s contributions.';
    END IF;
    -- the default: groups of about four parties, at least two groups
    k := coalesce(groups, greatest(2, np / 4));
    IF k < 2 THEN
        RAISE EXCEPTION 'eigentrust_private: mode groups needs at least 2 groups, got %', k
            USING ERRCODE = '22023', DETAIL = 'Each group''s decryptor belongs to another group.';
    END IF;
    IF np < k * min_group_size THEN
        RAISE EXCEPTION 'eigentrust_private: % parties cannot form % groups of at least % members', np, k, min_group_size
            USING ERRCODE = '22023', HINT = 'Give fewer groups, or more parties.';
    END IF;
    SELECT quote_ident(ns.nspname) INTO dbl
    FROM pg_extension e JOIN pg_namespace ns ON ns.oid = e.extnamespace WHERE e.extname = 'dblink';
    IF dbl IS NULL THEN
        RAISE EXCEPTION 'eigentrust_private: the dblink extension is not installed in this database'
            USING ERRCODE = '58P01', HINT = 'CREATE EXTENSION dblink';
    END IF;

    BEGIN
        t0 := clock_timestamp();
        -- two connections per party: its chain steps, and its decryptor work
        FOR i IN 1..np LOOP
            names := names || format('party %s (%s)', i, @extschema@.private_eigentrust_display(parties[i]));
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl) USING 'pgc_' || run || '_' || i, parties[i];
                conns := conns || ('pgc_' || run || '_' || i);
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl) USING 'pgd_' || run || '_' || i, parties[i];
                dconns := dconns || ('pgd_' || run || '_' || i);
                EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(pk bytea)', dbl)
                    INTO pb USING conns[i], format('SELECT %I.masked_public_key()', party_schema);
                EXECUTE format('SELECT * FROM %s.dblink($1, $2) AS r(hosted bigint[])', dbl)
                    INTO h USING conns[i], format('SELECT %I.groups_hosted()', party_schema);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail(names[i], 0, st, msg, det);
            END;
            IF pb IS NULL OR pb = ANY (pubs) THEN
                RAISE EXCEPTION 'eigentrust_private: % has no identity key, or the same as another party', names[i]
                    USING ERRCODE = '22023';
            END IF;
            pubs := pubs || pb;
            SELECT y INTO dup FROM unnest(h) y WHERE y = ANY (hosted_all) LIMIT 1;
            IF dup IS NOT NULL THEN
                RAISE EXCEPTION 'eigentrust_private: peer % rates from more than one party (again in %)', dup, names[i]
                    USING ERRCODE = '22023',
                          DETAIL = 'Each truster''s ratings must live in exactly one party, which normalises its row.';
            END IF;
            hosted_all := hosted_all || h;
            hosts := hosts || array_fill(i, ARRAY[coalesce(cardinality(h), 0)]);
            all_ids := all_ids || h;
        END LOOP;
        alive := array_fill(true, ARRAY[np]);
        last_dec := array_fill(0, ARRAY[np]);   -- the round each party last decrypted in
        IF pretrust_sql IS NOT NULL THEN
            EXECUTE format('SELECT array_agg(q.peer::bigint) FROM (%s) AS q(peer, weight)', pretrust_sql) INTO mm;
            all_ids := all_ids || coalesce(mm, '{}');
        END IF;
        SELECT array_agg(DISTINCT y ORDER BY y) INTO peers FROM unnest(all_ids) y;
        n := coalesce(cardinality(peers), 0);
        IF n = 0 THEN
            RAISE EXCEPTION 'eigentrust_private: the parties hold no ratings' USING ERRCODE = '22023';
        END IF;
        SELECT array_agg(coalesce(hh.w, 0) ORDER BY pp.ord) INTO owner_
        FROM unnest(peers) WITH ORDINALITY pp(id, ord)
        LEFT JOIN unnest(hosted_all, hosts) hh(id, w) ON hh.id = pp.id;
        hmask := ARRAY(SELECT w > 0 FROM unnest(owner_) WITH ORDINALITY u(w, o) ORDER BY o);
        IF pretrust_sql IS NOT NULL THEN
            p := @extschema@.private_eigentrust_pretrust(pretrust_sql, peers);
            t := p;
            p_lit := quote_literal(p::text) || '::bigint[]';
        ELSE
            p := NULL;
            t := array_fill(round(1e12 / n)::bigint, ARRAY[n]);
            p_lit := 'NULL';
        END IF;

        -- round-trip times between parties through the real connections: the
        -- time party j takes to answer a probe relayed from party i
        rtt := array_fill(0::double precision, ARRAY[np * np]);
        FOR i IN 1..np LOOP
            sqls := '{}';
            FOR jj IN 1..np LOOP
                sqls := sqls || format('SELECT %I.groups_probe(%L, 0, %s)::text', party_schema, run, i);
            END LOOP;
            SELECT q.vals, q.seconds, q.errors INTO gv, gs, ge
            FROM @extschema@.private_eigentrust_groups_gather(dbl, conns, sqls) q;
            FOR jj IN 1..np LOOP
                IF ge[jj] IS NOT NULL THEN
                    PERFORM @extschema@.private_eigentrust_fail(names[jj], 0, '08006', ge[jj], NULL);
                END IF;
                IF jj <> i THEN
                    rtt[(i - 1) * np + jj] := rtt[(i - 1) * np + jj] + gs[jj] / 2;
                    rtt[(jj - 1) * np + i] := rtt[(jj - 1) * np + i] + gs[jj] / 2;
                END IF;
            END LOOP;
        END LOOP;
        SELECT q.grp, q.pos INTO g_of, g_pos FROM @extschema@.private_eigentrust_groups_place(rtt, k, placement, seed) q;
        IF logging THEN
            INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, event, detail)
            VALUES (run, 0, 'rtt', rtt::text);
        END IF;

        IF logging0 THEN
            INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, seconds, bytes_moved)
            VALUES (run, 0, 'groups', np, n, extract(epoch FROM clock_timestamp() - t0), 8 * n * np);
        END IF;
        RAISE NOTICE 'eigentrust_private: run %, mode groups, % parties in % groups (placement %, seed %), % peers',
            run, np, k, placement, seed, n;

        LOOP
            r := r + 1;
            tr := clock_timestamp();
            used := '{}';
            attempt := 0;
            <<attempts>>
            LOOP
                attempt := attempt + 1;
                -- the chains from the placement: flat list, offsets
                k := (SELECT max(g) FROM unnest(g_of) g);
                cm := '{}';
                co := ARRAY[0];
                FOR g IN 1..k LOOP
                    cm := cm || ARRAY(SELECT o FROM unnest(g_of, g_pos) WITH ORDINALITY u(gg, pp, o)
                                      WHERE gg = g ORDER BY pp);
                    co := co || cardinality(cm);
                END LOOP;
                IF r = 1 AND attempt = 1 OR attempt > 1 THEN
                    IF logging THEN
                        INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, attempt, event, grp, members, detail)
                        SELECT run, r, attempt, 'placement', g, cm[co[g] + 1 : co[g + 1]],
                               format('method %s, seed %s, %s groups', placement, seed, k)
                        FROM generate_series(1, k) g;
                    END IF;
                END IF;
                -- decryptors: alive, outside the group, one group each, rotating
                -- every round, never twice for the same group in a round
                decs := '{}';
                FOR g IN 1..k LOOP
                    SELECT q INTO cand
                    FROM generate_series(1, np) q
                    WHERE alive[q] AND NOT (q = ANY (cm[co[g] + 1 : co[g + 1]])) AND NOT (q = ANY (decs))
                      AND NOT (q = ANY (used))
                    ORDER BY last_dec[q], (q - 1 - r - g + 1000 * np) % np
                    LIMIT 1;
                    IF cand IS NULL THEN
                        RAISE EXCEPTION 'eigentrust_private: no party is left to decrypt group % in round %', g, r
                            USING ERRCODE = '55000',
                                  DETAIL = format('%s parties are left; each group needs a decryptor outside it that has not decrypted it this round.',
                                                  (SELECT count(*) FROM unnest(alive) a WHERE a));
                    END IF;
                    decs := decs || cand;
                END LOOP;
                -- per group and round, a fresh key from its decryptor
                sqls := '{}';
                FOR g IN 1..k LOOP
                    sqls := sqls || format(
                        'SELECT m.v FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                        'LATERAL (SELECT json_build_object(''key'', q.key::text, ''tags'', q.tags::text)::text AS v '
                        '         FROM %I.groups_key(%L, %s, %s, %s, %L::bytea[], %L::integer[], %s) q WHERE x.a IS NOT NULL) m',
                        format('pet %s decryptor%s round %s', run, decs[g], r), party_schema, run, r, g, decs[g], pubs::text,
                        cm[co[g] + 1 : co[g + 1]]::text, key_bits);
                END LOOP;
                SELECT q.vals, q.seconds, q.errors INTO gv, gs, ge
                FROM @extschema@.private_eigentrust_groups_gather(dbl, ARRAY(SELECT dconns[d] FROM unnest(decs) d), sqls) q;
                gone := NULL;
                FOR g IN 1..k LOOP
                    IF ge[g] IS NOT NULL THEN
                        gone := decs[g]; why := ge[g]; who_role := format('the decryptor of group %s', g);
                        gconn := dconns[gone];
                        EXIT;
                    END IF;
                END LOOP;
                IF gone IS NULL THEN
                    keys := '{}'; tags := '{}'; encs := '{}';
                    FOR g IN 1..k LOOP
                        j := gv[g]::json;
                        keys := keys || (j->>'key');
                        tags := tags || (j->>'tags');
                        encs := encs || @extschema@.private_eigentrust_encrypt_vector((j->>'key')::@extschema@.paillier_pubkey, t, 12);
                    END LOOP;
                    -- the chains
                    SELECT * INTO ch FROM @extschema@.private_eigentrust_groups_chains(dbl, conns, run, r, cm, co, decs, pubs,
                        keys, tags, encs, peers, p_lit, party_schema) q;
                    IF ch.failed IS NOT NULL THEN
                        gone := ch.failed; why := ch.failure; who_role := 'a member of its chain';
                        gconn := conns[gone];
                    END IF;
                END IF;
                IF gone IS NULL THEN
                    -- hand-off: each group's aggregate to its decryptor
                    sqls := '{}';
                    FOR g IN 1..k LOOP
                        sqls := sqls || format(
                            'SELECT m.v FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                            'LATERAL (SELECT %I.groups_decrypt(%L, %s, %s, %s, %L::bytea[], %L::bytea[], %L::bytea)::text AS v '
                            '         WHERE x.a IS NOT NULL) m',
                            format('pet %s decryptor%s round %s', run, decs[g], r), party_schema, run, r, g, decs[g],
                            pubs::text, ch.receipts[g], ch.msgs[g]);
                        used := used || decs[g];
                        last_dec[decs[g]] := r;
                    END LOOP;
                    SELECT q.vals, q.seconds, q.errors INTO gv, gs, ge
                    FROM @extschema@.private_eigentrust_groups_gather(dbl, ARRAY(SELECT dconns[d] FROM unnest(decs) d), sqls) q;
                    FOR g IN 1..k LOOP
                        IF ge[g] IS NOT NULL THEN
                            gone := decs[g]; why := ge[g]; who_role := format('the decryptor of group %s', g);
                            EXIT;
                        END IF;
                    END LOOP;
                END IF;
                EXIT attempts WHEN gone IS NULL;

                -- churn: a party whose connection still answers did not leave: it
                -- refused or a check failed, and that ends the run
                FOR q IN 1..3 LOOP    -- what is left of the failed query
                    BEGIN
                        EXECUTE format('SELECT count(*) FROM %s.dblink_get_result($1, false) AS r(v text)', dbl)
                            INTO x USING gconn;
                    EXCEPTION WHEN OTHERS THEN NULL;
                    END;
                END LOOP;
                BEGIN
                    EXECUTE format('SELECT * FROM %s.dblink($1, ''SELECT 1'') AS r(one integer)', dbl) INTO x USING gconn;
                EXCEPTION WHEN OTHERS THEN
                    x := NULL;
                END;
                IF x = 1 THEN
                    RAISE EXCEPTION 'private eigentrust: % failed in round % (as %): %', names[gone], r, who_role, why
                        USING ERRCODE = '08P01';
                END IF;
                alive[gone] := false;
                FOREACH c IN ARRAY ARRAY[conns[gone], dconns[gone]] LOOP
                    BEGIN
                        EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
                    EXCEPTION WHEN OTHERS THEN NULL;
                    END;
                END LOOP;
                x := g_of[gone];
                g_of[gone] := 0;
                -- the rest of its chain closes up
                g_pos := ARRAY(SELECT CASE WHEN gg = x AND pp > g_pos[gone] THEN pp - 1
                                           WHEN o = gone THEN 0 ELSE pp END
                               FROM unnest(g_of, g_pos) WITH ORDINALITY u(gg, pp, o) ORDER BY o);
                -- a group left too small joins the smallest other group
                IF (SELECT count(*) FROM unnest(g_of) gg WHERE gg = x) < min_group_size THEN
                    SELECT gg INTO cand FROM unnest(g_of) gg WHERE gg > 0 AND gg <> x
                    GROUP BY gg ORDER BY count(*), gg LIMIT 1;
                    IF cand IS NULL THEN
                        RAISE EXCEPTION 'eigentrust_private: too few parties are left to form groups (round %)', r
                            USING ERRCODE = '55000';
                    END IF;
                    g_pos := ARRAY(SELECT CASE WHEN gg = x THEN pp + (SELECT count(*) FROM unnest(g_of) z WHERE z = cand)
                                               ELSE pp END
                                   FROM unnest(g_of, g_pos) WITH ORDINALITY u(gg, pp, o) ORDER BY o);
                    g_of := ARRAY(SELECT CASE WHEN gg = x THEN cand - (cand > x)::integer
                                              WHEN gg > x THEN gg - 1 ELSE gg END
                                  FROM unnest(g_of) WITH ORDINALITY u(gg, o) ORDER BY o);
                END IF;
                IF (SELECT count(DISTINCT gg) FROM unnest(g_of) gg WHERE gg > 0) < 2 THEN
                    RAISE EXCEPTION 'eigentrust_private: too few parties are left to form two groups (round %)', r
                        USING ERRCODE = '55000';
                END IF;
                x := (SELECT count(*) FROM unnest(owner_) w WHERE w = gone);
                RAISE NOTICE 'eigentrust_private: % left in round % (as %): %; its ratings (% hosted peers) leave the computation from round % on, its group''s chain is re-formed without it and round % is redone',
                    names[gone], r, who_role, why, x, r, r;
                IF logging THEN
                    INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, attempt, event, detail, decryptor)
                    VALUES (run, r, attempt, 'left',
                            format('%s left as %s: its %s hosted peers'' ratings leave from round %s on; round redone',
                                   names[gone], who_role, x, r),
                            CASE WHEN who_role LIKE 'the decryptor%' THEN gone END);
                END IF;
            END LOOP;

            -- the coordinator adds the k group aggregates
            sums := NULL;
            FOR g IN 1..k LOOP
                IF coalesce(cardinality(gv[g]::bigint[]), -1) <> n THEN
                    RAISE EXCEPTION 'private eigentrust: the decryptor of group % returned % sums for % peers', g,
                        cardinality(gv[g]::bigint[]), n USING ERRCODE = '08P01';
                END IF;
                sums := CASE WHEN sums IS NULL THEN gv[g]::bigint[]
                             ELSE ARRAY(SELECT a + b FROM unnest(sums, gv[g]::bigint[]) WITH ORDINALITY u(a, b, o) ORDER BY o) END;
            END LOOP;
            -- the ratings of parties that left are gone: their peers are unhosted now
            hm_r := ARRAY(SELECT w > 0 AND alive[w] FROM unnest(owner_) WITH ORDINALITY u(w, o) ORDER BY o);
            SELECT q.t_next, q.residual INTO tn, res FROM @extschema@.private_eigentrust_next(sums, t, p, hm_r, alpha) q;
            t := tn;
            IF logging THEN
                INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, attempt, event, grp, members, decryptor, seconds)
                SELECT run, r, attempt, 'chain', g, cm[co[g] + 1 : co[g + 1]], decs[g], ch.seconds[g]
                FROM generate_series(1, k) g;
            END IF;
            IF logging0 THEN
                INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds)
                VALUES (run, r, 'groups', (SELECT count(*) FROM unnest(alive) a WHERE a), n, res,
                        extract(epoch FROM clock_timestamp() - tr));
            END IF;
            RAISE NOTICE 'eigentrust_private: round %, residual %, slowest chain % s', r,
                trim(to_char(res, '9.999EEEE')), round((SELECT max(s) FROM unnest(ch.seconds) s)::numeric, 3);
            EXIT WHEN res < epsilon OR r >= max_iter;
            -- adaptive balancing from the chains' circulation times
            IF adapt THEN
                DECLARE
                    ng integer[];
                    npos integer[];
                    chg boolean;
                BEGIN
                    SELECT q.grp, q.pos, q.changed INTO ng, npos, chg
                    FROM @extschema@.private_eigentrust_groups_adapt(g_of, g_pos, ch.seconds, min_group_size) q;
                    IF chg AND (SELECT count(DISTINCT gg) FROM unnest(ng) gg WHERE gg > 0) >= 2 THEN
                        g_of := ng;
                        g_pos := npos;
                        IF logging THEN
                            INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, event, grp, members, detail)
                            SELECT run, r, 'adapt', g,
                                   ARRAY(SELECT o FROM unnest(g_of, g_pos) WITH ORDINALITY u(gg, pp, o) WHERE gg = g ORDER BY pp),
                                   format('from chain times %s', ch.seconds::text)
                            FROM generate_series(1, (SELECT max(gg) FROM unnest(g_of) gg)) g;
                        END IF;
                    END IF;
                END;
            END IF;
        END LOOP;
        FOREACH c IN ARRAY conns || dconns LOOP
            BEGIN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END LOOP;
        conns := '{}';
        dconns := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        -- closing a connection ends that party's session and the keys it held
        FOREACH c IN ARRAY conns || dconns LOOP
            BEGIN
                EXECUTE format('SELECT %s.dblink_disconnect($1)', dbl) USING c;
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END LOOP;
        PERFORM set_config('application_name', app, false);
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
    CROSS JOIN (SELECT sum(y)::double precision AS total FROM unnest(t) y) s
    ORDER BY z.id;
END
$fn$;
COMMENT ON FUNCTION eigentrust_private_groups(text[], integer, double precision, double precision, integer, text, integer, name, text, bigint, boolean, integer) IS
'private EigenTrust in the seed paper''s groups mode (also eigentrust_private(mode => ''groups'', groups => k)): the parties, placed by measured round-trip times into groups (default greatest(2, parties / 4)) by k-means, random or greedy placement from seed, chains ordered by the MST cycle; per round each group''s aggregation message circulates along its chain, relayed by the coordinator, and goes to a decryptor in another group with a fresh key per group and round; a party that leaves is dropped with its ratings and the round redone; the same reputation as eigentrust() over the union of the ratings';

COMMENT ON FUNCTION private_eigentrust_groups_contribution(text, paillier_pubkey, bigint[], bigint[], bytea) IS
'Internal (groups mode): a member''s factor of its group''s aggregation message, Enc(t_i)^(c_ij) over its hosted trusters, re-randomised; called by the party''s groups_step after the decryptor''s key tag checked.';
