-- Paper-mode private EigenTrust (docs/design.md, "Paper mode"): parties
-- encrypt their partial sums under a round key that reaches them
-- authenticated by the key holder (or by threshold decryptors), and the key
-- holder decrypts only the product of every party's vector, once per round.
-- Every message between a party and the key holder or a decryptor carries a
-- MAC under a key agreed by Diffie-Hellman between identity keys that each
-- owner pinned out of band; the coordinator relays and cannot forge them.

-- ---- party (wrapped by private_eigentrust_party_setup) ----------------

CREATE FUNCTION private_eigentrust_paper_hello(edges_sql text, members_sql text, run_id text,
    identity bytea, known_keys bytea[], OUT public_key bytea, OUT nonce bytea, OUT hosted bigint[])
AS 'MODULE_PATHNAME', 'private_eigentrust_paper_hello'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_paper_hello(text, text, text, bytea, bytea[]) IS
'party side of paper-mode private EigenTrust, round 0: starts a run in this session, reads the ratings and members with the caller''s privileges and returns the identity public key, a fresh nonce and the hosted ids (trusters and members, never trustees)';

CREATE FUNCTION private_eigentrust_paper_setup(edges_sql text, run_id text, self integer,
    public_keys bytea[], nonces bytea[], parties integer, need integer, peers bigint[],
    hosted boolean[], pretrust bigint[], alpha double precision, allow_two_parties boolean)
RETURNS boolean
AS 'MODULE_PATHNAME', 'private_eigentrust_paper_setup'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_paper_setup(text, text, integer, bytea[], bytea[], integer, integer, bigint[], boolean[], bigint[], double precision, boolean) IS
'party side of paper-mode private EigenTrust: checks the run''s public inputs (every other participant''s key pinned, at least 3 parties unless allow_two_parties), derives a MAC key with the key holder or each decryptor and builds the rows over the peer universe; ERROR 08P01 aborts the run';

CREATE FUNCTION private_eigentrust_paper_step(edges_sql text, run_id text, round integer, inbox bytea[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_paper_step'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_paper_step(text, text, integer, bytea[]) IS
'party side of paper-mode private EigenTrust, round r: accepts the round''s key and Enc(t) (or t) only with valid tags of the key holder (or of enough decryptors) for exactly this run, round and party, and returns Enc(its partial sums) tagged for them; each round once, in order; ERROR 08P01 aborts the run';

-- ---- key holder and decryptors ----------------------------------------

CREATE FUNCTION private_eigentrust_paper_dec_hello(run_id text, identity bytea, known_keys bytea[],
    OUT public_key bytea, OUT nonce bytea)
AS 'MODULE_PATHNAME', 'private_eigentrust_paper_dec_hello'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_paper_dec_hello(text, bytea, bytea[]) IS
'key holder or decryptor side of paper-mode private EigenTrust, round 0: starts a run in this session and returns the identity public key and a fresh nonce';

CREATE FUNCTION private_eigentrust_paper_dec_setup(run_id text, self integer,
    public_keys bytea[], nonces bytea[], parties integer, need integer, peers bigint[],
    hosted boolean[], pretrust bigint[], alpha double precision, allow_two_parties boolean,
    key_bits integer, keyshare paillier_keyshare)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_paper_dec_setup'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_paper_dec_setup(text, integer, bytea[], bytea[], integer, integer, bigint[], boolean[], bigint[], double precision, boolean, integer, paillier_keyshare) IS
'key holder (keyshare NULL: a fresh key_bits key per round, kept in this session only) or decryptor side of paper-mode private EigenTrust: checks the public inputs (every party''s key pinned), sets t_1 = pre-trust and returns round 1''s message, tagged for every party';

CREATE FUNCTION private_eigentrust_paper_decrypt(run_id text, round integer, vectors bytea[],
    OUT message bytea, OUT t bigint[], OUT residual double precision)
AS 'MODULE_PATHNAME', 'private_eigentrust_paper_decrypt'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_paper_decrypt(text, integer, bytea[]) IS
'key holder or decryptor side of paper-mode private EigenTrust, round r: takes exactly one vector from every party, each with its party''s valid tag for this round, and decrypts only their product, once per round; the key holder derives t_{r+1} itself and returns round r+1''s message (a fresh key and Enc(t_{r+1})), t_{r+1} and the residual; a decryptor returns its decryption shares of the product in message; ERROR 08P01 aborts the run';

CREATE FUNCTION private_eigentrust_paper_advance(run_id text, round integer, answers bytea[],
    OUT message bytea, OUT t bigint[], OUT residual double precision)
AS 'MODULE_PATHNAME', 'private_eigentrust_paper_advance'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_paper_advance(text, integer, bytea[]) IS
'decryptor side of paper-mode private EigenTrust, round r: combines the decryptors'' shares of the product it computed itself (proofs checked, bad shares skipped), derives t_{r+1} and returns round r+1''s message (t_{r+1} tagged for every party), t_{r+1} and the residual';

-- The identity key, pinned keys and SECURITY DEFINER wrappers of a key
-- holder or decryptor in role_schema, executable by coordinator_role.
CREATE FUNCTION private_eigentrust_paper_role_setup(role_schema name, coordinator_role name, share_sql text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    path text := 'pg_catalog, @extschema@, pg_temp';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = coordinator_role) THEN
        RAISE EXCEPTION 'private eigentrust: role "%" does not exist', coordinator_role
            USING ERRCODE = '42704', HINT = 'Create the role the coordinator connects as first.';
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', role_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.identity (private_key bytea NOT NULL, public_key bytea NOT NULL)', role_schema);
    EXECUTE format('INSERT INTO %I.identity SELECT k, @extschema@.zerosum_public_key(k) '
                   'FROM @extschema@.zerosum_keygen() AS k WHERE NOT EXISTS (SELECT 1 FROM %I.identity)',
                   role_schema, role_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.known_parties (public_key bytea PRIMARY KEY, note text)', role_schema);
    EXECUTE format('REVOKE ALL ON %I.identity, %I.known_parties FROM PUBLIC', role_schema, role_schema);
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.public_key() RETURNS bytea LANGUAGE sql STABLE SECURITY DEFINER '
                   'SET search_path = %s AS %L', role_schema, path,
                   format('SELECT public_key FROM %I.identity', role_schema));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.hello(run_id text, OUT public_key bytea, OUT nonce bytea) '
                   'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', role_schema, path,
                   format('SELECT * FROM @extschema@.private_eigentrust_paper_dec_hello(run_id, '
                          '(SELECT private_key FROM %I.identity), '
                          '(SELECT coalesce(array_agg(public_key), ''{}'') FROM %I.known_parties))',
                          role_schema, role_schema));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.setup(run_id text, self integer, public_keys bytea[], nonces bytea[], '
                   'parties integer, need integer, peers bigint[], hosted boolean[], pretrust bigint[], '
                   'alpha double precision, allow_two_parties boolean, key_bits integer) RETURNS bytea '
                   'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', role_schema, path,
                   format('SELECT @extschema@.private_eigentrust_paper_dec_setup(run_id, self, public_keys, nonces, '
                          'parties, need, peers, hosted, pretrust, alpha, allow_two_parties, key_bits, (%s))',
                          coalesce(share_sql, 'NULL::@extschema@.paillier_keyshare')));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.decrypt(run_id text, round integer, vectors bytea[], '
                   'OUT message bytea, OUT t bigint[], OUT residual double precision) '
                   'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', role_schema, path,
                   'SELECT * FROM @extschema@.private_eigentrust_paper_decrypt(run_id, round, vectors)');
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.advance(run_id text, round integer, answers bytea[], '
                   'OUT message bytea, OUT t bigint[], OUT residual double precision) '
                   'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', role_schema, path,
                   'SELECT * FROM @extschema@.private_eigentrust_paper_advance(run_id, round, answers)');
    EXECUTE format('REVOKE ALL ON FUNCTION %I.hello(text), %I.setup(text, integer, bytea[], bytea[], integer, integer, '
                   'bigint[], boolean[], bigint[], double precision, boolean, integer), %I.decrypt(text, integer, bytea[]), '
                   '%I.advance(text, integer, bytea[]) FROM PUBLIC', role_schema, role_schema, role_schema, role_schema);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', role_schema, coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.hello(text), %I.setup(text, integer, bytea[], bytea[], integer, integer, '
                   'bigint[], boolean[], bigint[], double precision, boolean, integer), %I.decrypt(text, integer, bytea[]), '
                   '%I.advance(text, integer, bytea[]) TO %I', role_schema, role_schema, role_schema, role_schema,
                   coordinator_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.public_key() TO PUBLIC', role_schema);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_paper_role_setup(name, name, text) IS
'internal: create the identity key, the known_parties table and the SECURITY DEFINER wrappers (hello, setup, decrypt, advance; public_key for everyone) of a paper-mode key holder or decryptor in role_schema, executable by coordinator_role';

CREATE FUNCTION private_eigentrust_key_holder_setup(coordinator_role name)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
AS $fn$
BEGIN
    PERFORM @extschema@.private_eigentrust_paper_role_setup('private_eigentrust_key_holder', coordinator_role, NULL);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_key_holder_setup(name) IS
'make this database a paper-mode private EigenTrust key holder for coordinator_role: an identity key (private_eigentrust_key_holder.public_key() shows its public half), the table private_eigentrust_key_holder.known_parties where the owner pins every party''s public key, and SECURITY DEFINER functions that generate a fresh key per round in the run''s session and decrypt only the authenticated product of every party''s vector, once per round';

-- ---- coordinator ------------------------------------------------------

CREATE FUNCTION private_eigentrust_paper_run(
    dbl text, run text, parties text[], key_holder text, decryptors text[], alpha double precision,
    epsilon double precision, max_iter integer, pretrust_sql text, key_bits integer,
    party_schema name, allow_two_parties boolean,
    OUT peer bigint, OUT trust double precision)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    np        integer := cardinality(parties);
    conns     text[];
    names     text[];
    decs      text[] := '{}';
    dnames    text[] := '{}';
    dschema   text := CASE WHEN decryptors IS NULL THEN 'private_eigentrust_key_holder' ELSE 'private_eigentrust_decryptor' END;
    thr       integer := 1;
    nd        integer;
    pubs      bytea[] := '{}';
    nonces    bytea[] := '{}';
    dpubs     bytea[] := '{}';
    dnonces   bytea[] := '{}';
    pb        bytea;
    nc        bytea;
    h         bigint[];
    hosted_all bigint[] := '{}';
    peers     bigint[];
    hmask     boolean[];
    n         integer;
    p         bigint[];
    p_lit     text;
    inbox     bytea[];
    vecs      bytea[];
    answers   bytea[];
    sqls      text[];
    m         bytea;
    t         bigint[];
    tk        bigint[];
    res       double precision;
    rk        double precision;
    r         integer := 1;
    lit       text;
    t0        timestamptz;
    bytes     bigint;
    logging   boolean := has_table_privilege('@extschema@.private_eigentrust_log', 'INSERT');
    st        text;
    msg       text;
    det       text;
    hnt       text;
BEGIN
    IF dbl IS NULL OR run IS NULL OR np IS NULL THEN
        RAISE EXCEPTION 'private_eigentrust_paper_run: dbl, run and parties must not be NULL' USING ERRCODE = '22004';
    END IF;
    BEGIN
        t0 := clock_timestamp();
        SELECT pc.conns, pc.names INTO conns, names
        FROM @extschema@.private_eigentrust_connect(dbl, parties, 'pet_' || run || '_') pc;
        IF decryptors IS NOT NULL THEN
            SELECT x.conns, x.names, x.threshold INTO decs, dnames, thr
            FROM @extschema@.private_eigentrust_decryptors_open(dbl, run, decryptors) x;
            -- only the decryptors that answered take part
            SELECT array_agg(x ORDER BY o), array_agg(dnames[o] ORDER BY o) INTO decs, dnames
            FROM unnest(decs) WITH ORDINALITY u(x, o) WHERE x IS NOT NULL;
        ELSE
            dnames := ARRAY[format('key holder (%s)', @extschema@.private_eigentrust_display(key_holder))];
            BEGIN
                EXECUTE format('SELECT %s.dblink_connect($1, $2)', dbl) USING 'pet_' || run || '_kh', key_holder;
                decs := ARRAY['pet_' || run || '_kh'];
            EXCEPTION WHEN query_canceled OR others THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
                PERFORM @extschema@.private_eigentrust_fail(dnames[1], 0, st, msg, det);
            END;
        END IF;
        nd := cardinality(decs);

        -- round 0: identity keys, nonces, hosted ids
        FOR k IN 1..np LOOP
            SELECT * INTO pb, nc, h
            FROM @extschema@.private_eigentrust_remote(dbl, conns[k], names[k], 0,
                     format('SELECT * FROM %I.paper_hello(%L)', party_schema, run), 'k bytea, c bytea, h bigint[]')
                 AS x(k bytea, c bytea, h bigint[]);
            PERFORM @extschema@.private_eigentrust_hosted_once(h, hosted_all, names[k]);
            hosted_all := hosted_all || h;
            pubs := pubs || pb;
            nonces := nonces || nc;
        END LOOP;
        FOR k IN 1..nd LOOP
            SELECT * INTO pb, nc
            FROM @extschema@.private_eigentrust_remote(dbl, decs[k], dnames[k], 0,
                     format('SELECT * FROM %I.hello(%L)', dschema, run), 'k bytea, c bytea') AS x(k bytea, c bytea);
            pubs := pubs || pb;
            nonces := nonces || nc;
        END LOOP;

        -- the public peer universe: hosted ids and pre-trust ids
        peers := hosted_all;
        IF pretrust_sql IS NOT NULL THEN
            EXECUTE format('SELECT array_agg(q.peer::bigint) FROM (%s) AS q(peer, weight)', pretrust_sql) INTO h;
            peers := peers || coalesce(h, '{}');
        END IF;
        SELECT array_agg(DISTINCT x ORDER BY x) INTO peers FROM unnest(peers) x;
        n := coalesce(cardinality(peers), 0);
        IF n = 0 THEN
            RAISE EXCEPTION 'eigentrust_private: the parties host no peers' USING ERRCODE = '22023';
        END IF;
        SELECT array_agg(x = ANY (hosted_all) ORDER BY o) INTO hmask FROM unnest(peers) WITH ORDINALITY u(x, o);
        IF pretrust_sql IS NOT NULL THEN
            p := @extschema@.private_eigentrust_pretrust(pretrust_sql, peers);
            p_lit := quote_literal(p::text) || '::bigint[]';
        ELSE
            p_lit := 'NULL';
        END IF;
        IF logging THEN
            INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, seconds, bytes_moved)
            VALUES (run, 0, 'paper', np, n, extract(epoch FROM clock_timestamp() - t0),
                    (np + nd) * (np + nd) * 416 + 8 * n * (np + nd));
        END IF;
        RAISE NOTICE 'eigentrust_private: run %, mode paper, % parties, %, % peers',
            run, np, CASE WHEN decryptors IS NULL THEN 'a key holder' ELSE nd || ' decryptors' END, n;

        -- setup: the key holder or decryptors make round 1's message, the parties check the same inputs
        inbox := '{}';
        FOR k IN 1..nd LOOP
            SELECT x.message INTO m FROM @extschema@.private_eigentrust_remote(dbl, decs[k], dnames[k], 0,
                format('SELECT %I.setup(%L, %s, %L::bytea[], %L::bytea[], %s, %s, %L::bigint[], %L::boolean[], %s, %s, %L, %s), NULL::bigint[], NULL::float8',
                       dschema, run, k, pubs::text, nonces::text, np, thr, peers::text, hmask::text, p_lit,
                       alpha, allow_two_parties, key_bits),
                    'm bytea, t bigint[], x double precision') AS x(message bytea, t bigint[], residual double precision);
            inbox := inbox || m;
        END LOOP;
        sqls := '{}';
        FOR k IN 1..np LOOP
            sqls := sqls || format('SELECT ''x''::text, int4send(%I.paper_setup(%L, %s, %L::bytea[], %L::bytea[], %s, %s, %L::bigint[], %L::boolean[], %s, %s, %L)::integer)',
                                   party_schema, run, k, pubs::text, nonces::text, np, thr, peers::text, hmask::text,
                                   p_lit, alpha, allow_two_parties);
        END LOOP;
        PERFORM @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, 0);

        LOOP
            t0 := clock_timestamp();
            -- every party: its vector for this round's authenticated key and t
            lit := quote_literal(inbox::text);
            sqls := '{}';
            FOR k IN 1..np LOOP
                sqls := sqls || format('SELECT ''x''::text, %I.paper_step(%L, %s, %s::bytea[])', party_schema, run, r, lit);
            END LOOP;
            vecs := @extschema@.private_eigentrust_broadcast(dbl, conns, names, sqls, r);
            SELECT sum(octet_length(x)) INTO bytes FROM unnest(vecs) x;
            bytes := bytes * (1 + nd) + octet_length(lit) * np;
            lit := quote_literal(vecs::text);
            inbox := '{}';
            t := NULL;
            IF decryptors IS NULL THEN
                SELECT x.message, x.t, x.residual INTO m, t, res
                FROM @extschema@.private_eigentrust_remote(dbl, decs[1], dnames[1], r,
                    format('SELECT * FROM %I.decrypt(%L, %s, %s::bytea[])', dschema, run, r, lit),
                    'm bytea, t bigint[], x double precision') AS x(message bytea, t bigint[], residual double precision);
                inbox := ARRAY[m];
            ELSE
                answers := '{}';
                FOR k IN 1..nd LOOP
                    SELECT x.message INTO m FROM @extschema@.private_eigentrust_remote(dbl, decs[k], dnames[k], r,
                        format('SELECT * FROM %I.decrypt(%L, %s, %s::bytea[])', dschema, run, r, lit),
                    'm bytea, t bigint[], x double precision') AS x(message bytea, t bigint[], residual double precision);
                    answers := answers || m;
                END LOOP;
                lit := quote_literal(answers::text);
                FOR k IN 1..nd LOOP
                    SELECT x.message, x.t, x.residual INTO m, tk, rk
                    FROM @extschema@.private_eigentrust_remote(dbl, decs[k], dnames[k], r,
                        format('SELECT * FROM %I.advance(%L, %s, %s::bytea[])', dschema, run, r, lit),
                    'm bytea, t bigint[], x double precision') AS x(message bytea, t bigint[], residual double precision);
                    IF t IS NOT NULL AND t IS DISTINCT FROM tk THEN
                        RAISE EXCEPTION 'eigentrust_private: % derived another t than decryptor 1 in round %', dnames[k], r
                            USING ERRCODE = '08P01';
                    END IF;
                    t := tk;
                    res := rk;
                    inbox := inbox || m;
                END LOOP;
                bytes := bytes + octet_length(lit) * nd;
            END IF;
            bytes := bytes + (SELECT sum(octet_length(x)) FROM unnest(inbox) x) * np;
            IF logging THEN
                INSERT INTO @extschema@.private_eigentrust_log (run_id, round, mode, parties, peers, residual, seconds, bytes_moved)
                VALUES (run, r, 'paper', np, n, res, extract(epoch FROM clock_timestamp() - t0), bytes);
            END IF;
            RAISE NOTICE 'eigentrust_private: round %, residual %', r, trim(to_char(res, '9.999EEEE'));
            EXIT WHEN res < epsilon OR r >= max_iter;
            r := r + 1;
        END LOOP;
        -- closing the sessions ends the run everywhere: the round key dies with the key holder's
        PERFORM @extschema@.private_eigentrust_disconnect(dbl, conns || decs);
        conns := '{}';
        decs := '{}';
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                hnt = PG_EXCEPTION_HINT;
        -- closing the sessions ends the run everywhere
        PERFORM @extschema@.private_eigentrust_coordinator_error(dbl, conns || decs, NULL, 'private eigentrust', NULL,
                                                                 st, msg, det, hnt);
    END;
    RETURN QUERY SELECT * FROM @extschema@.private_eigentrust_finish(peers, t, res, epsilon, r);
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_paper_run(text, text, text[], text, text[], double precision, double precision, integer, text, integer, name, boolean) IS
'internal: the coordinator of paper-mode private EigenTrust (called by eigentrust_private): relays the key holder''s or decryptors'' authenticated round messages to the parties and the parties'' authenticated vectors back; it chooses neither t, nor the key, nor what is decrypted';
