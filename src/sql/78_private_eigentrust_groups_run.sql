-- Private EigenTrust in mode 'groups', the coordinator: placement, the round
-- loop and churn (docs/design.md, "Groups mode").  The party side is
-- 76_private_eigentrust_groups.sql, the relay 77_private_eigentrust_groups_relay.sql.

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
    run       text := @extschema@.private_eigentrust_run_id();
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
    t_prev    bigint[];                 -- the t of the previous round
    aggs      bytea[] := '{}';          -- its group aggregates, tagged by their decryptors
    naggs     bytea[];
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
    keep      boolean;                  -- redo only the groups not decrypted yet
    pend      integer[];                -- the groups this attempt runs
    gres      text[];                   -- each group's decrypted sums and tagged aggregate
    csec      double precision[];       -- each group's circulation time
    cm2       integer[];
    co2       integer[];
    gset      text;
    req       integer;
    ct_party  integer[];                -- this round's contributions (a member that answered
    ct_dec    integer[];                -- or was sent its step): the member, the chain's
    ct_grp    integer[];                -- decryptor, group, member set and attempt, whether
    ct_set    text[];                   -- it still counts (not released) and whether the
    ct_att    integer[];                -- member's receipt came back
    ct_live   boolean[];
    ct_rc     boolean[];
    c_dec     integer[];                -- per party, from its contributions that count: the
    c_set     text[];                   -- first one's decryptor and member set, and whether
    c_sd      boolean[];                -- all have that decryptor / that member set (what
    c_ss      boolean[];                -- the member itself enforces)
    phase     text;
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
    t0        timestamptz;
    tr        timestamptz;
    st        text;
    msg       text;
    det       text;
    hnt       text;
    logging   boolean := has_table_privilege('@extschema@.private_eigentrust_groups_log', 'INSERT');
    logging0  boolean := has_table_privilege('@extschema@.private_eigentrust_log', 'INSERT');
    app       text := current_setting('application_name');
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
    dbl := @extschema@.private_eigentrust_dblink('eigentrust_private');

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
            PERFORM @extschema@.private_eigentrust_hosted_once(h, hosted_all, names[i]);
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
            keep := false;
            c_dec := array_fill(0, ARRAY[np]);
            c_set := array_fill(NULL::text, ARRAY[np]);
            c_sd := array_fill(true, ARRAY[np]);
            c_ss := array_fill(true, ARRAY[np]);
            ct_party := '{}'; ct_dec := '{}'; ct_grp := '{}'; ct_set := '{}'; ct_att := '{}';
            ct_live := '{}'; ct_rc := '{}';
            <<attempts>>
            LOOP
                attempt := attempt + 1;
                IF NOT keep THEN
                    -- the chains from the placement: flat list, offsets
                    k := (SELECT max(g) FROM unnest(g_of) g);
                    cm := '{}';
                    co := ARRAY[0];
                    FOR g IN 1..k LOOP
                        cm := cm || ARRAY(SELECT o FROM unnest(g_of, g_pos) WITH ORDINALITY u(gg, pp, o)
                                          WHERE gg = g ORDER BY pp);
                        co := co || cardinality(cm);
                    END LOOP;
                    gres := array_fill(NULL::text, ARRAY[k]);
                    csec := array_fill(0::double precision, ARRAY[k]);
                    decs := array_fill(0, ARRAY[k]);
                END IF;
                pend := ARRAY(SELECT g FROM generate_series(1, k) g WHERE gres[g] IS NULL);
                IF (r = 1 AND attempt = 1 OR attempt > 1) AND NOT keep THEN
                    IF logging THEN
                        INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, attempt, event, grp, members, detail)
                        SELECT run, r, attempt, 'placement', g, cm[co[g] + 1 : co[g + 1]],
                               format('method %s, seed %s, %s groups', placement, seed, k)
                        FROM generate_series(1, k) g;
                    END IF;
                END IF;
                -- decryptors: alive, outside the group, one group each, rotating
                -- every round, never twice in a round.  A member takes a second
                -- chain of a round only for the decryptor of its first, or for
                -- the same member set: a group re-formed after its members
                -- contributed keeps its decryptor
                FOR g IN 1..k LOOP
                    CONTINUE WHEN NOT (g = ANY (pend));
                    decs[g] := 0;
                END LOOP;
                FOR g IN 1..k LOOP
                    CONTINUE WHEN NOT (g = ANY (pend));
                    gset := (SELECT array_agg(q ORDER BY q) FROM unnest(cm[co[g] + 1 : co[g + 1]]) q)::text;
                    req := NULL;
                    FOREACH x IN ARRAY cm[co[g] + 1 : co[g + 1]] LOOP
                        CONTINUE WHEN c_dec[x] = 0 OR (c_ss[x] AND c_set[x] = gset);
                        IF NOT c_sd[x] OR (req IS NOT NULL AND req <> c_dec[x]) THEN
                            RAISE EXCEPTION 'eigentrust_private: group % of round % cannot be re-formed as %: its members contributed to chains of other decryptors and member sets', g, r, gset
                                USING ERRCODE = '55000',
                                      DETAIL = 'In one round a member contributes only to one decryptor''s chains, or only to one member set; a group merged after its members contributed to two decryptors cannot be decrypted without revealing a difference.';
                        END IF;
                        req := c_dec[x];
                    END LOOP;
                    IF req IS NOT NULL THEN
                        IF NOT alive[req] OR req = ANY (cm[co[g] + 1 : co[g + 1]]) OR req = ANY (decs) OR req = ANY (used) THEN
                            RAISE EXCEPTION 'eigentrust_private: group % of round % cannot be re-formed as %: its members contributed to a chain of party %, which cannot decrypt it', g, r, gset, req
                                USING ERRCODE = '55000',
                                      DETAIL = 'A member re-formed into another group in one round contributes only to the decryptor of its first chain.';
                        END IF;
                        decs[g] := req;
                    END IF;
                END LOOP;
                FOR g IN 1..k LOOP
                    CONTINUE WHEN NOT (g = ANY (pend));
                    CONTINUE WHEN decs[g] <> 0;
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
                    decs[g] := cand;
                END LOOP;
                -- per group and round, its decryptor derives t from the previous
                -- round's tagged aggregates, makes a fresh key and encrypts t
                sqls := '{}';
                FOR g IN 1..k LOOP
                    CONTINUE WHEN NOT (g = ANY (pend));
                    sqls := sqls || format(
                        'SELECT m.v FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                        'LATERAL (SELECT json_build_object(''key'', q.key::text, ''enc_t'', q.enc_t::text, ''t'', q.t::text, '
                        '                                  ''tags'', q.tags::text)::text AS v '
                        '         FROM %I.groups_key(%L, %s, %s, %s, %L::bytea[], %L::integer[], %s, '
                        '                            %L::bigint[], %s, %L::float8, %L::integer[], %L::bigint[], %L::bytea[]) q '
                        '         WHERE x.a IS NOT NULL) m',
                        format('pet %s decryptor%s round %s', run, decs[g], r), party_schema, run, r, g, decs[g], pubs::text,
                        cm[co[g] + 1 : co[g + 1]]::text, key_bits,
                        peers::text, p_lit, alpha, owner_::text, t_prev::text, aggs::text);
                END LOOP;
                SELECT q.vals, q.seconds, q.errors INTO gv, gs, ge
                FROM @extschema@.private_eigentrust_groups_gather(dbl, ARRAY(SELECT dconns[decs[g]] FROM unnest(pend) g), sqls) q;
                gone := NULL;
                phase := 'key';
                FOR i IN 1..cardinality(pend) LOOP
                    IF ge[i] IS NOT NULL THEN
                        gone := decs[pend[i]]; why := ge[i]; who_role := format('the decryptor of group %s', pend[i]);
                        gconn := dconns[gone];
                        EXIT;
                    END IF;
                END LOOP;
                IF gone IS NULL THEN
                    keys := array_fill(NULL::text, ARRAY[k]);
                    tags := array_fill(NULL::text, ARRAY[k]);
                    encs := array_fill(NULL::bytea, ARRAY[k]);
                    FOR i IN 1..cardinality(pend) LOOP
                        j := gv[i]::json;
                        -- the decryptors derive t themselves; the same t as here
                        IF (j->>'t')::bigint[] IS DISTINCT FROM t THEN
                            RAISE EXCEPTION 'private eigentrust: the decryptor of group % derived another t in round % than the coordinator', pend[i], r
                                USING ERRCODE = '08P01';
                        END IF;
                        keys[pend[i]] := j->>'key';
                        tags[pend[i]] := j->>'tags';
                        encs[pend[i]] := (j->>'enc_t')::bytea;
                    END LOOP;
                    -- the chains (a group not in pend: an empty chain)
                    cm2 := '{}';
                    co2 := ARRAY[0];
                    FOR g IN 1..k LOOP
                        IF g = ANY (pend) THEN
                            cm2 := cm2 || cm[co[g] + 1 : co[g + 1]];
                        END IF;
                        co2 := co2 || cardinality(cm2);
                    END LOOP;
                    SELECT * INTO ch FROM @extschema@.private_eigentrust_groups_chains(dbl, conns, run, r, cm2, co2, decs, pubs,
                        keys, tags, encs, peers, p_lit, alpha, party_schema) q;
                    phase := 'chain';
                    -- who may have contributed, to which decryptor and member set:
                    -- the members that answered and the one asked next
                    FOR g IN 1..k LOOP
                    CONTINUE WHEN NOT (g = ANY (pend));
                        csec[g] := ch.seconds[g];
                        gset := (SELECT array_agg(q ORDER BY q) FROM unnest(cm[co[g] + 1 : co[g + 1]]) q)::text;
                        FOR i IN 1..least(co[g + 1] - co[g], coalesce(cardinality(ch.receipts[g]::bytea[]), 0) + 1) LOOP
                            ct_party := ct_party || cm[co[g] + i];
                            ct_dec := ct_dec || decs[g];
                            ct_grp := ct_grp || g;
                            ct_set := ct_set || gset;
                            ct_att := ct_att || attempt;
                            ct_live := ct_live || true;
                            ct_rc := ct_rc || (i <= coalesce(cardinality(ch.receipts[g]::bytea[]), 0));
                        END LOOP;
                    END LOOP;
                    IF ch.failed IS NOT NULL THEN
                        gone := ch.failed; why := ch.failure; who_role := 'a member of its chain';
                        gconn := conns[gone];
                    END IF;
                END IF;
                IF gone IS NULL THEN
                    -- hand-off: each group's aggregate to its decryptor
                    sqls := '{}';
                    phase := 'decrypt';
                    FOR g IN 1..k LOOP
                    CONTINUE WHEN NOT (g = ANY (pend));
                        sqls := sqls || format(
                            'SELECT m.v FROM (SELECT set_config(''application_name'', %L, false) AS a OFFSET 0) x, '
                            'LATERAL (SELECT d.sums::text || '' '' || d.aggregate::text AS v '
                            '         FROM %I.groups_decrypt(%L, %s, %s, %s, %L::bytea[], %L::bytea[], %L::bytea) d '
                            '         WHERE x.a IS NOT NULL) m',
                            format('pet %s decryptor%s round %s', run, decs[g], r), party_schema, run, r, g, decs[g],
                            pubs::text, ch.receipts[g], ch.msgs[g]);
                        used := used || decs[g];
                        last_dec[decs[g]] := r;
                    END LOOP;
                    SELECT q.vals, q.seconds, q.errors INTO gv, gs, ge
                    FROM @extschema@.private_eigentrust_groups_gather(dbl, ARRAY(SELECT dconns[decs[g]] FROM unnest(pend) g), sqls) q;
                    FOR i IN 1..cardinality(pend) LOOP
                        IF ge[i] IS NOT NULL THEN
                            IF gone IS NULL THEN
                                gone := decs[pend[i]]; why := ge[i]; who_role := format('the decryptor of group %s', pend[i]);
                                gconn := dconns[gone];
                            END IF;
                        ELSE
                            gres[pend[i]] := gv[i];
                        END IF;
                    END LOOP;
                END IF;
                EXIT attempts WHEN gone IS NULL;

                -- churn: a party whose connection still answers did not leave: it
                -- refused or a check failed, and that ends the run
                IF @extschema@.private_eigentrust_groups_answers(dbl, gconn) THEN
                    RAISE EXCEPTION 'private eigentrust: % failed in round % (as %): %', names[gone], r, who_role, why
                        USING ERRCODE = '08P01';
                END IF;
                alive[gone] := false;
                PERFORM @extschema@.private_eigentrust_disconnect(dbl, ARRAY[conns[gone], dconns[gone]]);
                -- a member that left mid-chain: no chain of this attempt was
                -- decrypted; their decryptors release them (docs/design.md, "Releases")
                IF phase = 'chain' THEN
                    ct_live := @extschema@.private_eigentrust_groups_release_chains(dbl, conns, dconns, run, r, attempt,
                                   pend, decs, alive, keys, pubs, ct_party, ct_grp, ct_att, ct_live, party_schema, logging);
                END IF;
                -- what binds each party now: its contributions that count
                SELECT array_agg(coalesce(f.d, 0) ORDER BY q.q), array_agg(f.s ORDER BY q.q),
                       array_agg(coalesce(f.sd, true) ORDER BY q.q), array_agg(coalesce(f.ss, true) ORDER BY q.q)
                INTO c_dec, c_set, c_sd, c_ss
                FROM generate_series(1, np) q(q)
                LEFT JOIN LATERAL (SELECT (array_agg(u.d ORDER BY u.o))[1] AS d, (array_agg(u.s ORDER BY u.o))[1] AS s,
                                          count(DISTINCT u.d) <= 1 AS sd, count(DISTINCT u.s) <= 1 AS ss
                                   FROM unnest(ct_party, ct_dec, ct_set, ct_live) WITH ORDINALITY u(pa, d, s, l, o)
                                   WHERE u.pa = q.q AND u.l) f ON true;
                -- a decryptor that left after the chains: the groups decrypted
                -- stand (its own contribution in its group's with them), only
                -- its group is redone, for the same members; the groups are
                -- re-formed without it from the next round on
                keep := (phase = 'decrypt');
                x := g_of[gone];
                g_of[gone] := 0;
                -- the rest of its chain closes up
                g_pos := ARRAY(SELECT CASE WHEN gg = x AND pp > g_pos[gone] THEN pp - 1
                                           WHEN o = gone THEN 0 ELSE pp END
                               FROM unnest(g_of, g_pos) WITH ORDINALITY u(gg, pp, o) ORDER BY o);
                -- a group left too small joins the smallest other group with which
                -- the members that contributed this round keep their decryptor
                -- (one decryptor for all, alive, outside the merged group, that
                -- decrypted nothing this round); else the smallest, and the
                -- redo ends the run
                IF (SELECT count(*) FROM unnest(g_of) gg WHERE gg = x) < min_group_size THEN
                    SELECT z.gg INTO cand
                    FROM (SELECT DISTINCT gg FROM unnest(g_of) gg WHERE gg > 0 AND gg <> x) z(gg)
                    ORDER BY (keep OR coalesce((
                                 SELECT bool_and(c_sd[o]) AND count(DISTINCT c_dec[o]) <= 1
                                        AND bool_and(alive[c_dec[o]] AND NOT (g_of[c_dec[o]] IN (z.gg, x))
                                                     AND NOT (c_dec[o] = ANY (used)))
                                 FROM unnest(g_of) WITH ORDINALITY u(q, o) WHERE q IN (z.gg, x) AND c_dec[o] <> 0), true)) DESC,
                             (SELECT count(*) FROM unnest(g_of) q WHERE q = z.gg), z.gg
                    LIMIT 1;
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
                IF keep THEN
                    RAISE NOTICE 'eigentrust_private: % left in round % (as %): %; its ratings (% hosted peers) leave the computation from round % on, the groups already decrypted stand and round % is redone for group(s) % only',
                        names[gone], r, who_role, why, x, r + 1, r,
                        array_to_string(ARRAY(SELECT g FROM generate_series(1, k) g WHERE gres[g] IS NULL), ', ');
                ELSE
                    RAISE NOTICE 'eigentrust_private: % left in round % (as %): %; its ratings (% hosted peers) leave the computation from round % on, its group''s chain is re-formed without it and round % is redone',
                        names[gone], r, who_role, why, x, r, r;
                END IF;
                IF logging THEN
                    INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, attempt, event, detail, decryptor)
                    VALUES (run, r, attempt, 'left',
                            format('%s left as %s: its %s hosted peers'' ratings leave from round %s on; round redone%s',
                                   names[gone], who_role, x, r + keep::integer,
                                   CASE WHEN keep THEN ' for the groups not decrypted' ELSE '' END),
                            CASE WHEN who_role LIKE 'the decryptor%' THEN gone END);
                END IF;
            END LOOP;

            -- the coordinator adds the k group aggregates; their tagged forms go
            -- to the next round's decryptors
            sums := NULL;
            naggs := '{}';
            FOR g IN 1..k LOOP
                naggs := naggs || split_part(gres[g], ' ', 2)::bytea;
                gres[g] := split_part(gres[g], ' ', 1);
                IF coalesce(cardinality(gres[g]::bigint[]), -1) <> n THEN
                    RAISE EXCEPTION 'private eigentrust: the decryptor of group % returned % sums for % peers', g,
                        cardinality(gres[g]::bigint[]), n USING ERRCODE = '08P01';
                END IF;
                sums := CASE WHEN sums IS NULL THEN gres[g]::bigint[]
                             ELSE ARRAY(SELECT a + b FROM unnest(sums, gres[g]::bigint[]) WITH ORDINALITY u(a, b, o) ORDER BY o) END;
            END LOOP;
            aggs := naggs;
            t_prev := t;
            -- the ratings of parties no aggregate of this round covers are gone:
            -- their peers are unhosted now (as the decryptors derive it)
            hm_r := ARRAY(SELECT w > 0 AND w = ANY (cm) FROM unnest(owner_) WITH ORDINALITY u(w, o) ORDER BY o);
            SELECT q.t_next, q.residual INTO tn, res FROM @extschema@.private_eigentrust_next(sums, t, p, hm_r, alpha) q;
            t := tn;
            IF logging THEN
                INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, attempt, event, grp, members, decryptor, seconds)
                SELECT run, r, attempt, 'chain', g, cm[co[g] + 1 : co[g + 1]], decs[g], csec[g]
                FROM generate_series(1, k) g;
            END IF;
            IF logging0 THEN
                INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds)
                VALUES (run, r, 'groups', (SELECT count(*) FROM unnest(alive) a WHERE a), n, res,
                        extract(epoch FROM clock_timestamp() - tr));
            END IF;
            RAISE NOTICE 'eigentrust_private: round %, residual %, slowest chain % s', r,
                trim(to_char(res, '9.999EEEE')), round((SELECT max(s) FROM unnest(csec) s)::numeric, 3);
            EXIT WHEN res < epsilon OR r >= max_iter;
            -- adaptive balancing from the chains' circulation times
            IF adapt THEN
                DECLARE
                    ng integer[];
                    npos integer[];
                    chg boolean;
                BEGIN
                    SELECT q.grp, q.pos, q.changed INTO ng, npos, chg
                    FROM @extschema@.private_eigentrust_groups_adapt(g_of, g_pos, csec, min_group_size) q;
                    IF chg AND (SELECT count(DISTINCT gg) FROM unnest(ng) gg WHERE gg > 0) >= 2 THEN
                        g_of := ng;
                        g_pos := npos;
                        IF logging THEN
                            INSERT INTO @extschema@.private_eigentrust_groups_log (run_id, round, event, grp, members, detail)
                            SELECT run, r, 'adapt', g,
                                   ARRAY(SELECT o FROM unnest(g_of, g_pos) WITH ORDINALITY u(gg, pp, o) WHERE gg = g ORDER BY pp),
                                   format('from chain times %s', csec::text)
                            FROM generate_series(1, (SELECT max(gg) FROM unnest(g_of) gg)) g;
                        END IF;
                    END IF;
                END;
            END IF;
        END LOOP;
        PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns || dconns);
        conns := '{}';
        dconns := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        -- closing a connection ends that party's session and the keys it held
        PERFORM @extschema@.private_eigentrust_coordinator_error(dbl, conns || dconns, app, 'private eigentrust', NULL,
                                                               st, msg, det, hnt);
    END;
    RETURN QUERY SELECT * FROM @extschema@.private_eigentrust_finish(peers, t, res, epsilon, r);
END
$fn$;
COMMENT ON FUNCTION eigentrust_private_groups(text[], integer, double precision, double precision, integer, text, integer, name, text, bigint, boolean, integer) IS
'private EigenTrust in the seed paper''s groups mode (also eigentrust_private(mode => ''groups'', groups => k)): the parties, placed by measured round-trip times into groups (default greatest(2, parties / 4)) by k-means, random or greedy placement from seed, chains ordered by the MST cycle; per round each group''s aggregation message circulates along its chain, relayed by the coordinator, and goes to a decryptor in another group with a fresh key per group and round; a party that leaves is dropped with its ratings and the round redone; the same reputation as eigentrust() over the union of the ratings';
