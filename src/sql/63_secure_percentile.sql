-- The k-th ranked value (median, percentiles) across databases, by
-- bisection with a secure comparison (docs/secure-sum.md, "The median and
-- other percentiles").  Parties hold values; a coordinator drives the steps
-- through dblink and sees only ciphertexts, tags and the published bits.

-- ---- C steps (src/pg/secure_percentile.c) --------------------------------

CREATE FUNCTION secure_percentile_mac_keys(private_key bytea, self integer, public_keys bytea[], run_id text,
                                           purpose text DEFAULT 'mac')
RETURNS bytea[]
AS 'MODULE_PATHNAME', 'secure_percentile_mac_keys'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_mac_keys(bytea, integer, bytea[], text, text) IS
'internal: the authmsg keys (purpose mac: message tags; prg: zero-sum masks) of party self with every party of a secure_percentile run (Diffie-Hellman with each public key; its own slot empty)';

CREATE FUNCTION secure_percentile_zero_mask(prg_keys bytea[], self integer, step bigint, key paillier_pubkey)
RETURNS numeric
AS 'MODULE_PATHNAME', 'secure_percentile_zero_mask'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_zero_mask(bytea[], integer, bigint, paillier_pubkey) IS
'internal: party self''s zero-sum mask mod n for one step (the masks of all parties sum to 0 mod n), from the pairwise prg keys';

CREATE FUNCTION secure_percentile_tag(key bytea, run_id text, round bigint, sender integer, receiver integer,
                                      label text, payload bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'secure_percentile_tag'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_tag(bytea, text, bigint, integer, integer, text, bytea) IS
'internal: the 32-byte authmsg tag of a message from sender to receiver (src/core/authmsg.h)';

CREATE FUNCTION secure_percentile_verify(key bytea, run_id text, round bigint, sender integer, receiver integer,
                                         label text, payload bytea, tag bytea)
RETURNS boolean
AS 'MODULE_PATHNAME', 'secure_percentile_verify'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_verify(bytea, text, bigint, integer, integer, text, bytea, bytea) IS
'internal: true when tag authenticates the message, else ERROR 22000';

CREATE FUNCTION secure_percentile_encrypt(key paillier_pubkey, value numeric)
RETURNS bytea
AS 'MODULE_PATHNAME', 'secure_percentile_encrypt'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_encrypt(paillier_pubkey, numeric) IS
'internal: a fixed-width Paillier ciphertext of an integer reduced mod n (any sign, |value| < 2^(key bits + 128)) for secure_percentile';

CREATE FUNCTION secure_percentile_mask_sum(key paillier_pubkey, ciphertexts bytea[], "offset" numeric, lx integer,
                                           OUT masked bytea, OUT mask numeric)
RETURNS record
AS 'MODULE_PATHNAME', 'secure_percentile_mask_sum'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_mask_sum(paillier_pubkey, bytea[], numeric, integer) IS
'internal: Enc(sum + offset + mask) with a fresh mask uniform in [0, 2^(lx+40)), and the mask';

CREATE FUNCTION secure_percentile_cmp_bits(key paillier_privkey, masked bytea, lx integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'secure_percentile_cmp_bits'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_cmp_bits(paillier_privkey, bytea, integer) IS
'internal: decrypt a masked value and encrypt its lx+41 bits (the comparer''s step of the secure comparison)';

CREATE FUNCTION secure_percentile_cmp_blind(key paillier_pubkey, bits bytea, threshold numeric, lx integer)
RETURNS bytea
AS 'MODULE_PATHNAME', 'secure_percentile_cmp_blind'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_cmp_blind(paillier_pubkey, bytea, numeric, integer) IS
'internal: the blinded, shuffled DGK terms comparing encrypted bits with threshold';

CREATE FUNCTION secure_percentile_cmp_open(key paillier_privkey, blinded bytea, lx integer)
RETURNS boolean
AS 'MODULE_PATHNAME', 'secure_percentile_cmp_open'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION secure_percentile_cmp_open(paillier_privkey, bytea, integer) IS
'internal: true when one blinded term decrypts to 0 (the masked value is below the threshold)';

-- ---- public parameters, derived alike by every party and the coordinator

CREATE FUNCTION secure_percentile_params(fraction numeric, lower numeric, upper numeric, "precision" numeric,
    OUT a numeric, OUT b numeric, OUT lx integer, OUT m numeric)
RETURNS record
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
    g numeric;
BEGIN
    IF fraction IS NULL OR lower IS NULL OR upper IS NULL OR "precision" IS NULL THEN
        RAISE EXCEPTION 'secure_percentile: fraction, lower, upper and precision must not be null' USING ERRCODE = '22004';
    END IF;
    IF fraction = 'NaN' OR fraction < 0 OR fraction > 1 THEN
        RAISE EXCEPTION 'secure_percentile: fraction must lie between 0 and 1'
            USING ERRCODE = '22003', DETAIL = format('fraction was %s.', fraction);
    END IF;
    IF scale(fraction) > 15 THEN
        RAISE EXCEPTION 'secure_percentile: fraction may have at most 15 decimal digits'
            USING ERRCODE = '22023', DETAIL = format('fraction was %s.', fraction);
    END IF;
    IF lower = 'NaN' OR upper = 'NaN' OR lower::text LIKE '%Infinity' OR upper::text LIKE '%Infinity' OR lower > upper THEN
        RAISE EXCEPTION 'secure_percentile: lower must be a finite number not above upper'
            USING ERRCODE = '22023', DETAIL = format('lower was %s, upper %s.', lower, upper);
    END IF;
    IF "precision" = 'NaN' OR "precision"::text LIKE '%Infinity' OR "precision" <= 0 THEN
        RAISE EXCEPTION 'secure_percentile: precision must be a positive number'
            USING ERRCODE = '22023', DETAIL = format('precision was %s.', "precision");
    END IF;
    m := ceil((upper - lower) / "precision");
    IF m > 18446744073709551615 THEN
        RAISE EXCEPTION 'secure_percentile: the range holds more than 2^64 steps of precision'
            USING ERRCODE = '22023',
                  DETAIL = format('(upper - lower) / precision is about %s.', round(m, 0)),
                  HINT = 'Narrow the range or coarsen the precision.';
    END IF;
    b := 10::numeric ^ scale(fraction);
    a := fraction * b;
    g := gcd(trunc(a), trunc(b));
    IF g > 0 THEN
        a := trunc(a) / g;
        b := trunc(b) / g;
    END IF;
    a := trunc(a);
    b := trunc(b);
    -- |sum y| <= b * N < 2^(32 + bits(b)), so x = sum y - t + 2^(lx-1) lies in [0, 2^lx)
    lx := 33 + length(trim(leading '0' from b::bigint::bit(64)::text));
END
$fn$;
COMMENT ON FUNCTION secure_percentile_params(numeric, numeric, numeric, numeric) IS
'internal: the public parameters of a secure_percentile run: fraction as a reduced ratio a/b, the compared bit length lx and the grid size m = ceil((upper - lower) / precision); ERROR for bad arguments';

-- ---- party -----------------------------------------------------------

-- The step functions below run inside the SECURITY DEFINER wrappers that
-- secure_percentile_party_setup makes; party_schema names the tables.

CREATE FUNCTION secure_percentile_party_join(party_schema name, run_id text, self integer, public_keys bytea[],
    value_sql text, fraction numeric, lower numeric, upper numeric, "precision" numeric, key_bits integer)
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    np integer := coalesce(cardinality(public_keys), 0);
    p record;
    me bytea;
    priv bytea;
    unknown integer;
    macs bytea[];
    prgs bytea[];
    sk @extschema@.paillier_privkey;
    payload bytea;
    msg bytea := '';
BEGIN
    IF run_id IS NULL OR self IS NULL OR value_sql IS NULL OR key_bits IS NULL THEN
        RAISE EXCEPTION 'secure_percentile: a party was asked to join with a null argument' USING ERRCODE = '22004';
    END IF;
    IF np < 2 OR self < 1 OR self > np THEN
        RAISE EXCEPTION 'secure_percentile: party % of % parties: at least 2 are needed', self, np USING ERRCODE = '22023';
    END IF;
    EXECUTE format('SELECT 1 FROM %I.allowed_queries WHERE value_sql = $1', party_schema) INTO unknown USING value_sql;
    IF unknown IS NULL THEN
        RAISE EXCEPTION 'secure_percentile: this party does not allow the query %', value_sql
            USING ERRCODE = '42501',
                  HINT = 'The party''s owner allows a query with secure_percentile_party_setup(value_sql, coordinator_role).';
    END IF;
    p := @extschema@.secure_percentile_params(fraction, lower, upper, "precision");
    EXECUTE format('SELECT private_key, public_key FROM %I.identity', party_schema) INTO priv, me;
    IF public_keys[self] IS DISTINCT FROM me THEN
        RAISE EXCEPTION 'secure_percentile: position % of the party list does not hold this party''s key', self
            USING ERRCODE = '22023';
    END IF;
    EXECUTE format('SELECT count(*) FROM unnest($1) WITH ORDINALITY u(k, o) '
                   'WHERE o <> $2 AND NOT EXISTS (SELECT 1 FROM %I.known_parties kp WHERE kp.public_key = u.k)',
                   party_schema) INTO unknown USING public_keys, self;
    IF unknown > 0 THEN
        RAISE EXCEPTION 'secure_percentile: % of the other parties'' public keys are not pinned here', unknown
            USING ERRCODE = '42501',
                  HINT = format('Insert the other parties'' public keys (their %I.public_key()) into %I.known_parties.',
                                party_schema, party_schema);
    END IF;
    IF (SELECT count(DISTINCT k) FROM unnest(public_keys) k) <> np THEN
        RAISE EXCEPTION 'secure_percentile: a public key appears twice in the party list' USING ERRCODE = '22023';
    END IF;
    macs := @extschema@.secure_percentile_mac_keys(priv, self, public_keys, run_id, 'mac');
    prgs := @extschema@.secure_percentile_mac_keys(priv, self, public_keys, run_id, 'prg');
    IF self = 1 THEN
        sk := @extschema@.paillier_keygen(key_bits);
        payload := convert_to(@extschema@.paillier_pubkey(sk)::text, 'UTF8');
        msg := payload;
        FOR j IN 1..np LOOP
            msg := msg || CASE WHEN j = self THEN '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
                               ELSE @extschema@.secure_percentile_tag(macs[j], run_id, -1, self, j, 'key', payload) END;
        END LOOP;
    END IF;
    EXECUTE format('DELETE FROM %I.runs WHERE started < now() - interval ''1 day''', party_schema);
    EXECUTE format('INSERT INTO %I.runs (run_id, self, np, macs, prgs, value_sql, a, b, lx, lower, prec, m, lo, hi, step, priv) '
                   'VALUES ($1, $2, $3, $4, $13, $5, $6, $7, $8, $9, $10, $11, 0, $11, 0, $12)', party_schema)
        USING run_id, self, np, macs, value_sql, p.a, p.b, p.lx, lower, "precision", p.m, sk, prgs;
    RETURN msg;
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_join(name, text, integer, bytea[], text, numeric, numeric, numeric, numeric, integer) IS
'internal: a party joins a secure_percentile run (checks the query is allowed and every other key pinned; party 1 makes the run''s Paillier key)';

-- Move the bisection interval by the published bit of 'step'.
CREATE FUNCTION secure_percentile_party_move(party_schema name, run_id text, step integer, cond boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
BEGIN
    IF step = 0 THEN
        EXECUTE format('UPDATE %I.runs SET done = (NOT $2) OR lo = hi, empty = NOT $2 WHERE run_id = $1', party_schema)
            USING run_id, cond;
    ELSE
        EXECUTE format('UPDATE %I.runs SET lo = CASE WHEN $2 THEN lo ELSE floor((lo + hi) / 2) + 1 END, '
                       'hi = CASE WHEN $2 THEN floor((lo + hi) / 2) ELSE hi END WHERE run_id = $1', party_schema)
            USING run_id, cond;
        EXECUTE format('UPDATE %I.runs SET done = (lo = hi) WHERE run_id = $1', party_schema) USING run_id;
    END IF;
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_move(name, text, integer, boolean) IS
'internal: a party moves its bisection interval by the bit published for a step';

-- Apply the bit A published for step 'step' (tags checked), advancing lo/hi.
CREATE FUNCTION secure_percentile_party_apply(party_schema name, run_id text, step integer, msg bytea)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    plen integer;
    payload bytea;
BEGIN
    EXECUTE format('SELECT * FROM %I.runs WHERE run_id = $1', party_schema) INTO r USING run_id;
    IF r IS NULL THEN
        RAISE EXCEPTION 'secure_percentile: this party has not joined run %', run_id USING ERRCODE = '22023';
    END IF;
    IF r.self = 1 THEN
        RETURN;     -- the comparer applied its own bit when it learnt it
    END IF;
    IF r.step <> step + 1 OR r.done THEN
        RAISE EXCEPTION 'secure_percentile: a bit for step % arrived out of order', step USING ERRCODE = '22023';
    END IF;
    plen := octet_length(msg) - 32 * r.np;
    IF msg IS NULL OR plen <> 1 THEN
        RAISE EXCEPTION 'secure_percentile: a malformed bit message for step %', step USING ERRCODE = '22P03';
    END IF;
    payload := substr(msg, 1, 1);
    PERFORM @extschema@.secure_percentile_verify(r.macs[1], run_id, step, 1, r.self, 'bit', payload,
                                                 substr(msg, 2 + 32 * (r.self - 1), 32));
    PERFORM @extschema@.secure_percentile_party_move(party_schema, run_id, step, get_byte(payload, 0) = 1);
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_apply(name, text, integer, bytea) IS
'internal: a party checks the comparer''s tag on a published bit and moves its bisection interval';

CREATE FUNCTION secure_percentile_party_count(party_schema name, run_id text, step integer, msg bytea)
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    plen integer;
    payload bytea;
    probe numeric;
    c bigint;
    n bigint;
    y numeric;
    ct bytea;
BEGIN
    EXECUTE format('SELECT * FROM %I.runs WHERE run_id = $1', party_schema) INTO r USING run_id;
    IF r IS NULL THEN
        RAISE EXCEPTION 'secure_percentile: this party has not joined run %', run_id USING ERRCODE = '22023';
    END IF;
    IF step = 0 THEN
        IF r.step <> 0 OR r.pub IS NOT NULL THEN
            RAISE EXCEPTION 'secure_percentile: step 0 asked twice' USING ERRCODE = '22023';
        END IF;
        -- the comparer's public key, authenticated by its tag
        plen := octet_length(msg) - 32 * r.np;
        IF msg IS NULL OR plen < 1 THEN
            RAISE EXCEPTION 'secure_percentile: a malformed key message' USING ERRCODE = '22P03';
        END IF;
        payload := substr(msg, 1, plen);
        IF r.self <> 1 THEN
            PERFORM @extschema@.secure_percentile_verify(r.macs[1], run_id, -1, 1, r.self, 'key', payload,
                                                         substr(msg, plen + 1 + 32 * (r.self - 1), 32));
            EXECUTE format('UPDATE %I.runs SET pub = convert_from($2, ''UTF8'')::@extschema@.paillier_pubkey WHERE run_id = $1',
                           party_schema) USING run_id, payload;
        ELSE
            EXECUTE format('UPDATE %I.runs SET pub = @extschema@.paillier_pubkey(priv) WHERE run_id = $1',
                           party_schema) USING run_id;
        END IF;
    ELSE
        PERFORM @extschema@.secure_percentile_party_apply(party_schema, run_id, step - 1, msg);
    END IF;
    EXECUTE format('SELECT * FROM %I.runs WHERE run_id = $1', party_schema) INTO r USING run_id;
    IF r.step <> step OR r.done THEN
        RAISE EXCEPTION 'secure_percentile: step % was not expected', step USING ERRCODE = '22023';
    END IF;
    -- step 0 asks whether the union is empty (top of the range, all values);
    -- later steps probe the middle of the interval
    probe := CASE WHEN step = 0 THEN r.hi ELSE floor((r.lo + r.hi) / 2) END;
    EXECUTE format('SELECT count(*) FILTER (WHERE q.v <= $1), count(q.v) FROM (%s) AS q(v)', r.value_sql)
        INTO c, n USING r.lower + probe * r.prec;
    IF n::numeric * r.np >= 4294967296 THEN
        RAISE EXCEPTION 'secure_percentile: a party holds too many values (at most 2^32 in all)' USING ERRCODE = '54000';
    END IF;
    -- values above upper count at the top of the grid: they are clamped to it
    IF probe >= r.m THEN
        c := n;
    END IF;
    y := CASE WHEN step = 0 OR r.a = 0 THEN c ELSE r.b * c - r.a * n END;
    -- masked with this party's zero-sum mask: one term alone is uniform mod n
    -- even to the comparer, only the sum of all terms means something
    ct := @extschema@.secure_percentile_encrypt(r.pub,
              y + @extschema@.secure_percentile_zero_mask(r.prgs, r.self, step, r.pub));
    EXECUTE format('UPDATE %I.runs SET step = step + 1 WHERE run_id = $1', party_schema) USING run_id;
    IF r.self = 2 THEN
        EXECUTE format('UPDATE %I.runs SET own_ct = $2 WHERE run_id = $1', party_schema) USING run_id, ct;
        RETURN ct || '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    END IF;
    RETURN ct || @extschema@.secure_percentile_tag(r.macs[2], run_id, step, r.self, 2, 'count', ct);
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_count(name, text, integer, bytea) IS
'internal: a party checks the comparer''s key or last bit, derives the next probe itself and returns its encrypted, tagged count term for the second party';

-- The run row of a party that must play 'role' (1 = comparer A, 2 = B).
CREATE FUNCTION secure_percentile_party_row(party_schema name, run_id text, role integer, step integer)
RETURNS record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
BEGIN
    EXECUTE format('SELECT * FROM %I.runs WHERE run_id = $1', party_schema) INTO r USING run_id;
    IF r IS NULL OR r.self <> role THEN
        RAISE EXCEPTION 'secure_percentile: this party is not party % of run %', role, run_id USING ERRCODE = '22023';
    END IF;
    IF r.step <> step + 1 OR r.done THEN
        RAISE EXCEPTION 'secure_percentile: step % was not expected', step USING ERRCODE = '22023';
    END IF;
    RETURN r;
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_row(name, text, integer, integer) IS
'internal: the run state of a party, checked to play the given role in the given step';

-- B: check every party's tag, add up, mask.
CREATE FUNCTION secure_percentile_party_combine(party_schema name, run_id text, step integer, msgs bytea[])
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    cts bytea[] := '{}';
    w integer;
    ct bytea;
    t integer;
    ms record;
BEGIN
    r := @extschema@.secure_percentile_party_row(party_schema, run_id, 2, step);
    IF cardinality(msgs) IS DISTINCT FROM r.np THEN
        RAISE EXCEPTION 'secure_percentile: % count messages for % parties', coalesce(cardinality(msgs), 0), r.np
            USING ERRCODE = '22023';
    END IF;
    FOR k IN 1..r.np LOOP
        w := octet_length(msgs[k]) - 32;
        IF w IS NULL OR w < 1 THEN
            RAISE EXCEPTION 'secure_percentile: a malformed count message from party %', k USING ERRCODE = '22P03';
        END IF;
        ct := substr(msgs[k], 1, w);
        IF k = 2 AND ct IS DISTINCT FROM r.own_ct THEN
            RAISE EXCEPTION 'secure_percentile: the second party''s own count message was altered' USING ERRCODE = '22000';
        ELSIF k <> 2 THEN
            PERFORM @extschema@.secure_percentile_verify(r.macs[k], run_id, step, k, 2, 'count', ct,
                                                         substr(msgs[k], w + 1, 32));
        END IF;
        cts := cts || ct;
    END LOOP;
    t := CASE WHEN step = 0 OR r.a = 0 THEN 1 ELSE 0 END;
    ms := @extschema@.secure_percentile_mask_sum(r.pub, cts, 2::numeric ^ (r.lx - 1) - t, r.lx);
    EXECUTE format('UPDATE %I.runs SET mask = $2 WHERE run_id = $1', party_schema) USING run_id, ms.mask;
    RETURN ms.masked || @extschema@.secure_percentile_tag(r.macs[1], run_id, step, 2, 1, 'masked', ms.masked);
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_combine(name, text, integer, bytea[]) IS
'internal: the second party checks every count message''s tag, adds them under encryption and masks the sum for the comparer';

-- A: decrypt the masked sum, return its encrypted bits.
CREATE FUNCTION secure_percentile_party_bits(party_schema name, run_id text, step integer, msg bytea)
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    w integer := octet_length(msg) - 32;
    ct bytea;
    b bytea;
BEGIN
    r := @extschema@.secure_percentile_party_row(party_schema, run_id, 1, step);
    IF w IS NULL OR w < 1 THEN
        RAISE EXCEPTION 'secure_percentile: a malformed masked sum' USING ERRCODE = '22P03';
    END IF;
    ct := substr(msg, 1, w);
    PERFORM @extschema@.secure_percentile_verify(r.macs[2], run_id, step, 2, 1, 'masked', ct, substr(msg, w + 1, 32));
    b := @extschema@.secure_percentile_cmp_bits(r.priv, ct, r.lx);
    RETURN b || @extschema@.secure_percentile_tag(r.macs[2], run_id, step, 1, 2, 'bits', b);
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_bits(name, text, integer, bytea) IS
'internal: the comparer decrypts the masked sum and returns its bits encrypted';

-- B: the blinded comparison terms.
CREATE FUNCTION secure_percentile_party_blind(party_schema name, run_id text, step integer, msg bytea)
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    w integer := octet_length(msg) - 32;
    b bytea;
    e bytea;
BEGIN
    r := @extschema@.secure_percentile_party_row(party_schema, run_id, 2, step);
    IF w IS NULL OR w < 1 OR r.mask IS NULL THEN
        RAISE EXCEPTION 'secure_percentile: a malformed or unexpected bits message' USING ERRCODE = '22P03';
    END IF;
    b := substr(msg, 1, w);
    PERFORM @extschema@.secure_percentile_verify(r.macs[1], run_id, step, 1, 2, 'bits', b, substr(msg, w + 1, 32));
    e := @extschema@.secure_percentile_cmp_blind(r.pub, b, r.mask + 2::numeric ^ (r.lx - 1), r.lx);
    EXECUTE format('UPDATE %I.runs SET mask = NULL WHERE run_id = $1', party_schema) USING run_id;
    RETURN e || @extschema@.secure_percentile_tag(r.macs[1], run_id, step, 2, 1, 'blinded', e);
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_blind(name, text, integer, bytea) IS
'internal: the second party forms the blinded, shuffled comparison terms (its mask is forgotten afterwards)';

-- A: the bit, tagged for every party.
CREATE FUNCTION secure_percentile_party_open_bit(party_schema name, run_id text, step integer, msg bytea)
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    w integer := octet_length(msg) - 32;
    e bytea;
    cond boolean;
    payload bytea;
    out bytea;
BEGIN
    r := @extschema@.secure_percentile_party_row(party_schema, run_id, 1, step);
    IF w IS NULL OR w < 1 THEN
        RAISE EXCEPTION 'secure_percentile: a malformed blinded message' USING ERRCODE = '22P03';
    END IF;
    e := substr(msg, 1, w);
    PERFORM @extschema@.secure_percentile_verify(r.macs[2], run_id, step, 2, 1, 'blinded', e, substr(msg, w + 1, 32));
    cond := NOT @extschema@.secure_percentile_cmp_open(r.priv, e, r.lx);
    PERFORM @extschema@.secure_percentile_party_move(party_schema, run_id, step, cond);
    payload := CASE WHEN cond THEN '\x01'::bytea ELSE '\x00'::bytea END;
    out := payload;
    FOR j IN 1..r.np LOOP
        out := out || CASE WHEN j = 1 THEN '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
                           ELSE @extschema@.secure_percentile_tag(r.macs[j], run_id, step, 1, j, 'bit', payload) END;
    END LOOP;
    RETURN out;
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_open_bit(name, text, integer, bytea) IS
'internal: the comparer opens the comparison and publishes the single bit [count >= k], tagged for every party';

-- Every party: apply the last bit, publish the result, forget the run.
CREATE FUNCTION secure_percentile_party_finish(party_schema name, run_id text, step integer, msg bytea)
RETURNS bytea
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    r record;
    res numeric;
BEGIN
    PERFORM @extschema@.secure_percentile_party_apply(party_schema, run_id, step - 1, msg);
    EXECUTE format('SELECT * FROM %I.runs WHERE run_id = $1', party_schema) INTO r USING run_id;
    IF r IS NULL OR NOT r.done THEN
        RAISE EXCEPTION 'secure_percentile: run % is not finished at step %', run_id, step USING ERRCODE = '22023';
    END IF;
    res := CASE WHEN r.empty THEN NULL ELSE r.lower + r.lo * r.prec END;
    EXECUTE format('INSERT INTO %I.results (run_id, value_sql, result, steps) VALUES ($1, $2, $3, $4)', party_schema)
        USING run_id, r.value_sql, res, step;
    EXECUTE format('DELETE FROM %I.runs WHERE run_id = $1', party_schema) USING run_id;
    RETURN convert_to(coalesce(res::text, 'NULL'), 'UTF8');
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_finish(name, text, integer, bytea) IS
'internal: a party applies the last published bit, stores the result in party_schema.results and forgets the run''s keys';

CREATE FUNCTION secure_percentile_party_setup(value_sql text, coordinator_role name,
    party_schema name DEFAULT 'secure_percentile_party')
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    -- the wrappers run with this path (pg_temp last), so a caller's temp
    -- table cannot shadow what value_sql reads
    path text := @extschema@.private_eigentrust_wrapper_path();
    ops text[] := ARRAY['count', 'bits', 'blind', 'open_bit', 'finish'];
    f text;
BEGIN
    IF value_sql IS NULL OR coordinator_role IS NULL OR party_schema IS NULL THEN
        RAISE EXCEPTION 'secure_percentile_party_setup: no argument may be null' USING ERRCODE = '22004';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = coordinator_role) THEN
        RAISE EXCEPTION 'secure_percentile_party_setup: role % does not exist', coordinator_role USING ERRCODE = '42704';
    END IF;
    -- the query must give one column that reads as numeric
    EXECUTE format('SELECT q.v::numeric FROM (%s) AS q(v) LIMIT 0', value_sql);
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = party_schema) THEN
        EXECUTE format('CREATE SCHEMA %I', party_schema);
    END IF;
    IF to_regclass(format('%I.identity', party_schema)) IS NULL THEN
        EXECUTE format('CREATE TABLE %I.identity (private_key bytea NOT NULL, public_key bytea NOT NULL)', party_schema);
        EXECUTE format('INSERT INTO %I.identity SELECT k, @extschema@.zerosum_public_key(k) '
                       'FROM @extschema@.zerosum_keygen() AS k', party_schema);
        EXECUTE format('CREATE TABLE %I.known_parties (public_key bytea PRIMARY KEY, note text)', party_schema);
        EXECUTE format('CREATE TABLE %I.allowed_queries (value_sql text PRIMARY KEY)', party_schema);
        EXECUTE format('CREATE TABLE %I.runs (run_id text PRIMARY KEY, started timestamptz NOT NULL DEFAULT now(), '
                       'self integer NOT NULL, np integer NOT NULL, macs bytea[] NOT NULL, prgs bytea[] NOT NULL, value_sql text NOT NULL, '
                       'a numeric NOT NULL, b numeric NOT NULL, lx integer NOT NULL, lower numeric NOT NULL, prec numeric NOT NULL, '
                       'm numeric NOT NULL, lo numeric NOT NULL, hi numeric NOT NULL, step integer NOT NULL, '
                       'done boolean NOT NULL DEFAULT false, empty boolean NOT NULL DEFAULT false, '
                       'pub @extschema@.paillier_pubkey, priv @extschema@.paillier_privkey, mask numeric, own_ct bytea)', party_schema);
        EXECUTE format('CREATE TABLE %I.results (run_id text PRIMARY KEY, finished timestamptz NOT NULL DEFAULT now(), '
                       'value_sql text NOT NULL, result numeric, steps integer NOT NULL)', party_schema);
    END IF;
    EXECUTE format('INSERT INTO %I.allowed_queries VALUES ($1) ON CONFLICT DO NOTHING', party_schema) USING value_sql;
    EXECUTE format('REVOKE ALL ON %I.identity, %I.known_parties, %I.allowed_queries, %I.runs, %I.results FROM PUBLIC',
                   party_schema, party_schema, party_schema, party_schema, party_schema);
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.public_key() RETURNS bytea '
                   'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
                   format('SELECT public_key FROM %I.identity', party_schema));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.join_run(run_id text, self integer, public_keys bytea[], value_sql text, '
                   'fraction numeric, lower numeric, upper numeric, "precision" numeric, key_bits integer) RETURNS bytea '
                   'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
                   format('SELECT @extschema@.secure_percentile_party_join(%L, run_id, self, public_keys, value_sql, '
                          'fraction, lower, upper, "precision", key_bits)', party_schema));
    EXECUTE format('CREATE OR REPLACE FUNCTION %I.combine(run_id text, step integer, msgs bytea[]) RETURNS bytea '
                   'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
                   format('SELECT @extschema@.secure_percentile_party_combine(%L, run_id, step, msgs)', party_schema));
    FOREACH f IN ARRAY ops LOOP
        EXECUTE format('CREATE OR REPLACE FUNCTION %I.%I(run_id text, step integer, msg bytea) RETURNS bytea '
                       'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, f, path,
                       format('SELECT @extschema@.secure_percentile_party_%s(%L, run_id, step, msg)', f, party_schema));
    END LOOP;
    PERFORM @extschema@.private_eigentrust_grant(party_schema,
        ARRAY['join_run(text, integer, bytea[], text, numeric, numeric, numeric, numeric, integer)',
              'combine(text, integer, bytea[])']
        || (SELECT array_agg(format('%I(text, integer, bytea)', o)) FROM unnest(ops) o), coordinator_role);
    -- anyone may read the party's public identity key
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.public_key() TO PUBLIC', party_schema);
END
$fn$;
COMMENT ON FUNCTION secure_percentile_party_setup(text, name, name) IS
'make this database a secure_percentile party, or allow one more query: party_schema gets SECURITY DEFINER step functions (search_path pinned, pg_temp last) executable by coordinator_role alone, the tables allowed_queries (value_sql is added; a run with another query is refused), known_parties (pin the other parties'' public_key() here), runs and results (owner only), and an identity key whose public half public_key() shows';
