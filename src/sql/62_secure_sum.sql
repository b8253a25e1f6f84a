-- Secure sums and averages across databases (docs/secure-sum.md): a
-- coordinator adds the masked values of party databases over dblink.  Double
-- masking after Bonawitz et al. (CCS 2017): pairwise zero-sum masks from
-- per-run Diffie-Hellman keys plus a self-mask per party, both Shamir-shared
-- among the parties at setup (sealed and authenticated with authmsg keys of
-- the parties' long-term identity keys, so the relaying coordinator can
-- neither read nor alter them).  Glue: src/pg/secure_sum.c.

CREATE FUNCTION secure_sum_seal(private_key bytea, self integer, peer integer,
    peer_public_key bytea, run_id text, label text, public_part bytea, secret bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'secure_sum_seal'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_sum_seal(bytea, integer, integer, bytea, text, text, bytea, bytea) IS
'internal to secure sums: encrypt secret for party peer and authenticate it together with public_part, under keys derived (authmsg) from the Diffie-Hellman seed of self''s private key and peer''s public key for run_id and label';

CREATE FUNCTION secure_sum_open(private_key bytea, self integer, peer integer,
    peer_public_key bytea, run_id text, label text, public_part bytea, sealed bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'secure_sum_open'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_sum_open(bytea, integer, integer, bytea, text, text, bytea, bytea) IS
'internal to secure sums: check the tag of a message that party peer sealed for self (with public_part) and decrypt it; a wrong tag is an ERROR';

-- ---- party side -------------------------------------------------------

-- The run row of this party, locked; ERROR when absent.
CREATE FUNCTION secure_sum_party_run(party_schema name, run_id text)
RETURNS record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    n bigint;
BEGIN
    EXECUTE format('SELECT * FROM %I.runs WHERE run_id = $1 FOR UPDATE', party_schema) INTO r USING run_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RAISE EXCEPTION 'secure sum: run % is not known to this party', run_id
            USING ERRCODE = '55000', HINT = 'A run starts with hello.';
    END IF;
    RETURN r;
END
$fn$;
COMMENT ON FUNCTION secure_sum_party_run(name, text) IS
'internal to secure sums: the locked state of one run in a party';

CREATE FUNCTION secure_sum_party_hello(party_schema name, run_id text, self integer, n integer,
    t integer, value_sql text, scale integer)
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    idk record;
    ok boolean;
    ek bytea;
    b numeric;
BEGIN
    IF run_id IS NULL OR self IS NULL OR n IS NULL OR t IS NULL OR value_sql IS NULL OR scale IS NULL THEN
        RAISE EXCEPTION 'secure sum: hello arguments must not be null' USING ERRCODE = '22004';
    END IF;
    IF run_id !~ '^[A-Za-z0-9_-]{1,64}$' THEN
        RAISE EXCEPTION 'secure sum: run id must be 1 to 64 letters, digits, _ or -' USING ERRCODE = '22023';
    END IF;
    IF n < 2 OR n > 10000 OR self < 1 OR self > n OR 2 * t <= n OR t > n THEN
        RAISE EXCEPTION 'secure sum: party % of %, threshold %, is not a valid setting', self, n, t
            USING ERRCODE = '22023',
                  DETAIL = 'A run needs 2 to 10000 parties and a threshold t with n/2 < t <= n.';
    END IF;
    IF scale < 0 OR scale > 38 THEN
        RAISE EXCEPTION 'secure sum: scale must be between 0 and 38, not %', scale USING ERRCODE = '22023';
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.approved_queries q WHERE q.value_sql = $1)', party_schema)
        INTO ok USING value_sql;
    IF NOT ok THEN
        RAISE EXCEPTION 'secure sum: this party has not approved the query %', value_sql
            USING ERRCODE = '42501',
                  HINT = format('The party''s owner approves a query with INSERT INTO %I.approved_queries (value_sql) VALUES (...).',
                                party_schema);
    END IF;
    -- a run that never finished (aborted, or this party dropped out) keeps
    -- its mask key, self-mask and held shares for a day at most: each new
    -- run wipes those of older ones
    EXECUTE format('DELETE FROM %I.held h USING %I.runs r WHERE h.run_id = r.run_id '
                   'AND r.finished IS NULL AND r.started < now() - interval ''1 day''', party_schema, party_schema);
    EXECUTE format('UPDATE %I.runs SET eph_private = NULL, self_mask = NULL, finished = now() '
                   'WHERE finished IS NULL AND started < now() - interval ''1 day''', party_schema);
    EXECUTE format('SELECT private_key, public_key FROM %I.identity', party_schema) INTO STRICT idk;
    ek := @extschema@.zerosum_keygen();
    -- two self-masks (sum, count) packed in one field element: b0 + 2^128 b1
    b := @extschema@.zerosum_random_mask() + @extschema@.zerosum_modulus() * @extschema@.zerosum_random_mask();
    BEGIN
        EXECUTE format('INSERT INTO %I.runs (run_id, self, n, t, value_sql, scale, eph_private, eph_public, self_mask) '
                       'VALUES ($1, $2, $3, $4, $5, $6, $7, @extschema@.zerosum_public_key($7), $8)', party_schema)
            USING run_id, self, n, t, value_sql, scale, ek, b;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'secure sum: run % was started before in this party', run_id
            USING ERRCODE = '55000', DETAIL = 'A run id is used once.';
    END;
    RETURN idk.public_key || @extschema@.zerosum_public_key(ek);
END
$fn$;
COMMENT ON FUNCTION secure_sum_party_hello(name, text, integer, integer, integer, text, integer) IS
'internal to secure sums, party side, step 1: check the settings and that the party approved value_sql, start the run with a fresh mask key pair and self-mask, return the identity public key and the run''s mask public key';

CREATE FUNCTION secure_sum_party_share(party_schema name, run_id text, identities bytea[], ephemerals bytea[])
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    idk record;
    ok boolean;
    out bytea[] := '{}';
    ks @extschema@.shamir_share[];
    ms @extschema@.shamir_share[];
BEGIN
    IF identities IS NULL OR ephemerals IS NULL THEN
        RAISE EXCEPTION 'secure sum: share arguments must not be null' USING ERRCODE = '22004';
    END IF;
    r := @extschema@.secure_sum_party_run(party_schema, run_id);
    IF r.identities IS NOT NULL THEN
        RAISE EXCEPTION 'secure sum: this party has already shared its masks for run %', run_id USING ERRCODE = '55000';
    END IF;
    IF cardinality(identities) <> r.n OR cardinality(ephemerals) <> r.n
       OR array_position(identities, NULL) IS NOT NULL OR array_position(ephemerals, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'secure sum: run % has % parties, so % identity and mask keys are needed', run_id, r.n, r.n
            USING ERRCODE = '22023';
    END IF;
    EXECUTE format('SELECT private_key, public_key FROM %I.identity', party_schema) INTO STRICT idk;
    IF identities[r.self] <> idk.public_key OR ephemerals[r.self] <> r.eph_public THEN
        RAISE EXCEPTION 'secure sum: the keys given for party % are not this party''s', r.self USING ERRCODE = '22023';
    END IF;
    IF (SELECT count(DISTINCT k) FROM unnest(identities) k) <> r.n
       OR (SELECT count(DISTINCT k) FROM unnest(ephemerals) k) <> r.n THEN
        RAISE EXCEPTION 'secure sum: the keys of two parties are equal' USING ERRCODE = '22023';
    END IF;
    -- every other party must be one the owner pinned: the coordinator cannot
    -- slip in a key of its own and read the shares
    FOR j IN 1..r.n LOOP
        CONTINUE WHEN j = r.self;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.known_parties k WHERE k.public_key = $1)', party_schema)
            INTO ok USING identities[j];
        IF NOT ok THEN
            RAISE EXCEPTION 'secure sum: the identity key of party % is not one of this party''s known parties', j
                USING ERRCODE = '28000',
                      HINT = format('The party''s owner pins the other parties'' keys (their %I.public_key()) in %I.known_parties.',
                                    party_schema, party_schema);
        END IF;
    END LOOP;
    SELECT array_agg(s.share ORDER BY s.x) INTO ks FROM @extschema@.zerosum_key_split(r.eph_private, r.n, r.t) s;
    SELECT array_agg(s.share ORDER BY s.x) INTO ms FROM @extschema@.shamir_split(r.self_mask, r.n, r.t) s;
    FOR j IN 1..r.n LOOP
        IF j = r.self THEN
            out := out || NULL::bytea;
            EXECUTE format('INSERT INTO %I.held VALUES ($1, $2, $3, $4)', party_schema)
                USING run_id, j, ks[j], ms[j];
        ELSE
            out := out || @extschema@.secure_sum_seal(idk.private_key, r.self, j, identities[j], run_id, 'share',
                              ephemerals[r.self], convert_to(ks[j]::text || ' ' || ms[j]::text, 'UTF8'));
        END IF;
    END LOOP;
    EXECUTE format('UPDATE %I.runs SET identities = $2, ephemerals = $3 WHERE run_id = $1', party_schema)
        USING run_id, identities, ephemerals;
    RETURN convert_to(out::text, 'UTF8');
END
$fn$;
COMMENT ON FUNCTION secure_sum_party_share(name, text, bytea[], bytea[]) IS
'internal to secure sums, party side, step 2: check every other party''s identity key is pinned, Shamir-share the run''s mask key and self-mask (threshold t), and seal share j for party j alone';

CREATE FUNCTION secure_sum_party_mask(party_schema name, run_id text, inbox bytea[])
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    idk record;
    u1 integer[];
    plain text[];
    ks @extschema@.shamir_share;
    ms @extschema@.shamir_share;
    v numeric;
    c bigint;
    m numeric := @extschema@.zerosum_modulus();
    ids text[];
    pubs bytea[];
    y0 numeric;
    y1 numeric;
BEGIN
    IF inbox IS NULL THEN
        RAISE EXCEPTION 'secure sum: mask needs an inbox' USING ERRCODE = '22004';
    END IF;
    r := @extschema@.secure_sum_party_run(party_schema, run_id);
    IF r.identities IS NULL THEN
        RAISE EXCEPTION 'secure sum: run % has not shared its masks yet', run_id USING ERRCODE = '55000';
    END IF;
    IF r.survivors IS NOT NULL THEN
        -- two values under one mask would reveal their difference
        RAISE EXCEPTION 'secure sum: this party has already sent its masked value for run %', run_id
            USING ERRCODE = '55000';
    END IF;
    IF cardinality(inbox) <> r.n OR inbox[r.self] IS NOT NULL THEN
        RAISE EXCEPTION 'secure sum: the inbox of party % must have % entries, its own null', r.self, r.n
            USING ERRCODE = '22023';
    END IF;
    EXECUTE format('SELECT private_key FROM %I.identity', party_schema) INTO STRICT idk;
    u1 := ARRAY[r.self];
    FOR i IN 1..r.n LOOP
        CONTINUE WHEN i = r.self OR inbox[i] IS NULL;
        plain := string_to_array(convert_from(
            @extschema@.secure_sum_open(idk.private_key, r.self, i, r.identities[i], run_id, 'share',
                                        r.ephemerals[i], inbox[i]), 'UTF8'), ' ');
        ks := plain[1]::@extschema@.shamir_share;
        ms := plain[2]::@extschema@.shamir_share;
        IF @extschema@.shamir_share_x(ks) <> r.self OR @extschema@.shamir_share_x(ms) <> r.self
           OR @extschema@.shamir_share_t(ks) <> r.t OR @extschema@.shamir_share_t(ms) <> r.t THEN
            RAISE EXCEPTION 'secure sum: party % sent shares for the wrong point or threshold', i USING ERRCODE = '22023';
        END IF;
        EXECUTE format('INSERT INTO %I.held VALUES ($1, $2, $3, $4)', party_schema) USING run_id, i, ks, ms;
        u1 := u1 || i;
    END LOOP;
    SELECT array_agg(x ORDER BY x) INTO u1 FROM unnest(u1) x;
    IF cardinality(u1) < r.t THEN
        RAISE EXCEPTION 'secure sum: only % parties shared their masks, the threshold is %', cardinality(u1), r.t
            USING ERRCODE = '22023';
    END IF;
    -- the party's own values, read with the owner's privileges
    EXECUTE format('SELECT sum(round(q.v::numeric, %s)), count(q.v) FROM (%s) AS q(v)', r.scale, r.value_sql)
        INTO v, c;
    v := coalesce(v, 0);
    IF v IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric) THEN
        RAISE EXCEPTION 'secure sum: the values of party % include NaN or an infinity', r.self
            USING ERRCODE = '22003';
    END IF;
    -- no wrap-around mod 2^128: every party's |sum| * n stays below 2^127
    IF abs(v) * power(10::numeric, r.scale) * r.n >= m / 2 THEN
        RAISE EXCEPTION 'secure sum: the sum of party % is out of range', r.self
            USING ERRCODE = '22003',
                  DETAIL = format('Each party''s |sum| * 10^scale times the number of parties (%s) must stay below 2^127.', r.n),
                  HINT = 'Use a smaller scale.';
    END IF;
    SELECT array_agg(x::text ORDER BY x), array_agg(r.ephemerals[x] ORDER BY x) INTO ids, pubs
    FROM unnest(u1) x WHERE x <> r.self;
    y0 := @extschema@.zerosum_mask_value(v,
              mod(@extschema@.zerosum_mask(r.self::text, 0, ids, pubs, r.eph_private) + mod(r.self_mask, m), m), r.scale);
    y1 := @extschema@.zerosum_mask_value(c,
              mod(@extschema@.zerosum_mask(r.self::text, 1, ids, pubs, r.eph_private) + trunc(r.self_mask / m), m), 0);
    EXECUTE format('UPDATE %I.runs SET survivors = $2 WHERE run_id = $1', party_schema) USING run_id, u1;
    RETURN convert_to(y0::text || ' ' || y1::text, 'UTF8');
END
$fn$;
COMMENT ON FUNCTION secure_sum_party_mask(name, text, bytea[]) IS
'internal to secure sums, party side, step 3: open and check the shares sealed for this party, evaluate the approved query, return its sum and count of non-NULL values, each masked by the pairwise masks with the parties that shared and by the self-mask; once per run';

CREATE FUNCTION secure_sum_party_unmask(party_schema name, run_id text, survivors integer[], dropped integer[])
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    prev text;
    kind text;
    out text := '';
    sh @extschema@.shamir_share;
    u integer[];
    i integer;
BEGIN
    IF survivors IS NULL OR dropped IS NULL OR array_position(survivors, NULL) IS NOT NULL
       OR array_position(dropped, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'secure sum: unmask needs survivors and dropped parties, without nulls' USING ERRCODE = '22004';
    END IF;
    r := @extschema@.secure_sum_party_run(party_schema, run_id);
    IF r.survivors IS NULL THEN
        RAISE EXCEPTION 'secure sum: this party has not sent its masked value for run %', run_id
            USING ERRCODE = '55000', DETAIL = 'Only a party whose masked value was counted releases shares.';
    END IF;
    SELECT array_agg(x ORDER BY x) INTO u FROM (SELECT unnest(survivors) UNION ALL SELECT unnest(dropped)) s(x);
    IF NOT r.self = ANY (survivors) OR u IS DISTINCT FROM r.survivors THEN
        RAISE EXCEPTION 'secure sum: survivors and dropped parties must split the % parties that shared, this party among the survivors',
            cardinality(r.survivors) USING ERRCODE = '22023';
    END IF;
    IF cardinality(survivors) < r.t THEN
        RAISE EXCEPTION 'secure sum: % survivors are fewer than the threshold %', cardinality(survivors), r.t
            USING ERRCODE = '22023';
    END IF;
    FOREACH i IN ARRAY u LOOP
        kind := CASE WHEN i = ANY (survivors) THEN 'self_mask' ELSE 'key' END;
        EXECUTE format('SELECT kind FROM %I.released WHERE run_id = $1 AND owner = $2', party_schema)
            INTO prev USING run_id, i;
        -- Bonawitz et al.: never both shares of one party, or its value is open
        IF prev IS NOT NULL AND prev <> kind THEN
            RAISE EXCEPTION 'secure sum: party % has released its % share of party % in run % and will not release its % share',
                r.self, replace(prev, '_', '-'), i, run_id, replace(kind, '_', '-')
                USING ERRCODE = '42501',
                      DETAIL = 'A party releases, for each other party, either the share of its self-mask (it survived) or the share of its mask key (it dropped out), never both.';
        END IF;
        IF prev IS NULL THEN
            EXECUTE format('INSERT INTO %I.released VALUES ($1, $2, $3)', party_schema) USING run_id, i, kind;
        END IF;
        EXECUTE format('SELECT CASE WHEN $3 = ''key'' THEN key_share ELSE mask_share END FROM %I.held '
                       'WHERE run_id = $1 AND owner = $2', party_schema) INTO sh USING run_id, i, kind;
        out := out || i || ' ' || kind || ' ' || sh::text || E'\n';
    END LOOP;
    RETURN convert_to(out, 'UTF8');
END
$fn$;
COMMENT ON FUNCTION secure_sum_party_unmask(name, text, integer[], integer[]) IS
'internal to secure sums, party side, step 4: release the self-mask share of every survivor and the mask-key share of every dropped party, refusing (an ERROR) to release both kinds for one party in a run';

CREATE FUNCTION secure_sum_party_finish(party_schema name, run_id text)
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
BEGIN
    PERFORM @extschema@.secure_sum_party_run(party_schema, run_id);
    EXECUTE format('DELETE FROM %I.held WHERE run_id = $1', party_schema) USING run_id;
    EXECUTE format('UPDATE %I.runs SET eph_private = NULL, self_mask = NULL, finished = now() WHERE run_id = $1',
                   party_schema) USING run_id;
    RETURN '\x01'::bytea;
END
$fn$;
COMMENT ON FUNCTION secure_sum_party_finish(name, text) IS
'internal to secure sums, party side: forget a run''s mask key, self-mask and held shares (the record of released shares stays)';

CREATE FUNCTION secure_sum_party_setup(coordinator_role name, value_sqls text[] DEFAULT '{}',
    party_schema name DEFAULT 'secure_sum_party')
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    -- the wrappers run with this path (pg_temp last), so a caller's temp
    -- table cannot shadow what an approved query reads
    path text := @extschema@.private_eigentrust_wrapper_path();
    fns text[] := ARRAY[
        'hello(run_id text, self integer, n integer, t integer, value_sql text, scale integer)',
        'share(run_id text, identities bytea[], ephemerals bytea[])',
        'mask(run_id text, inbox bytea[])',
        'unmask(run_id text, survivors integer[], dropped integer[])',
        'finish(run_id text)'];
    calls text[] := ARRAY[
        'secure_sum_party_hello(%L, run_id, self, n, t, value_sql, scale)',
        'secure_sum_party_share(%L, run_id, identities, ephemerals)',
        'secure_sum_party_mask(%L, run_id, inbox)',
        'secure_sum_party_unmask(%L, run_id, survivors, dropped)',
        'secure_sum_party_finish(%L, run_id)'];
    q text;
    pub bytea;
BEGIN
    IF coordinator_role IS NULL OR value_sqls IS NULL OR party_schema IS NULL THEN
        RAISE EXCEPTION 'secure_sum_party_setup: arguments must not be null' USING ERRCODE = '22004';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = coordinator_role) THEN
        RAISE EXCEPTION 'secure_sum_party_setup: role "%" does not exist', coordinator_role USING ERRCODE = '42704';
    END IF;
    FOREACH q IN ARRAY value_sqls LOOP
        IF q IS NULL THEN
            RAISE EXCEPTION 'secure_sum_party_setup: an approved query must not be null' USING ERRCODE = '22004';
        END IF;
        -- it must run for its owner and give one column that casts to numeric
        EXECUTE format('SELECT q.v::numeric FROM (%s) AS q(v) LIMIT 0', q);
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = party_schema) THEN
        EXECUTE format('CREATE SCHEMA %I', party_schema);
    END IF;
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.identity (private_key bytea NOT NULL, public_key bytea NOT NULL)', party_schema);
    EXECUTE format('INSERT INTO %I.identity SELECT k, @extschema@.zerosum_public_key(k) '
                   'FROM @extschema@.zerosum_keygen() AS k WHERE NOT EXISTS (SELECT 1 FROM %I.identity)',
                   party_schema, party_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.known_parties (public_key bytea PRIMARY KEY, note text)', party_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.approved_queries (value_sql text PRIMARY KEY, note text)', party_schema);
    EXECUTE format('INSERT INTO %I.approved_queries (value_sql) SELECT DISTINCT unnest($1) ON CONFLICT DO NOTHING', party_schema)
        USING value_sqls;
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.runs (run_id text PRIMARY KEY, started timestamptz NOT NULL DEFAULT now(), '
                   'finished timestamptz, self integer NOT NULL, n integer NOT NULL, t integer NOT NULL, '
                   'value_sql text NOT NULL, scale integer NOT NULL, eph_private bytea, eph_public bytea NOT NULL, '
                   'self_mask numeric, identities bytea[], ephemerals bytea[], survivors integer[])', party_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.held (run_id text NOT NULL, owner integer NOT NULL, '
                   'key_share @extschema@.shamir_share NOT NULL, mask_share @extschema@.shamir_share NOT NULL, '
                   'PRIMARY KEY (run_id, owner))', party_schema);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I.released (run_id text NOT NULL, owner integer NOT NULL, '
                   'kind text NOT NULL CHECK (kind IN (''self_mask'', ''key'')), PRIMARY KEY (run_id, owner))', party_schema);
    EXECUTE format('REVOKE ALL ON %I.identity, %I.known_parties, %I.approved_queries, %I.runs, %I.held, %I.released FROM PUBLIC',
                   party_schema, party_schema, party_schema, party_schema, party_schema, party_schema);
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.public_key() RETURNS bytea '
                   'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
                   format('SELECT public_key FROM %I.identity', party_schema));
    FOR k IN 1..cardinality(fns) LOOP
        EXECUTE format('CREATE OR REPLACE FUNCTION %I.%s RETURNS bytea '
                       'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L',
                       party_schema, fns[k], path, 'SELECT @extschema@.' || format(calls[k], party_schema));
    END LOOP;
    PERFORM @extschema@.private_eigentrust_grant(party_schema, fns, coordinator_role);
    EXECUTE format('SELECT public_key FROM %I.identity', party_schema) INTO pub;
    RETURN pub;
END
$fn$;
COMMENT ON FUNCTION secure_sum_party_setup(name, text[], name) IS
'make this database a secure-sum party: creates, owned by the caller, SECURITY DEFINER functions in party_schema (search_path pinned, pg_temp last) that coordinator_role alone may call and that hand out only masked values and the shares the double-masking rule allows, tables of the party''s identity key, the pinned keys of the other parties (known_parties) and the queries it approves (approved_queries, seeded with value_sqls); returns the identity public key for the other parties to pin';
