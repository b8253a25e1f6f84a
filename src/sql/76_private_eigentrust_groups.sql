-- Private EigenTrust in mode 'groups': the seed paper's task groups, chains,
-- delegated decryption with per-group keys, churn and placement
-- (docs/design.md, "Groups mode").  Parties only: no key holder.

-- ---- party and decryptor primitives (C) -------------------------------

CREATE FUNCTION private_eigentrust_groups_key(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], known_keys bytea[], members integer[], bits integer,
    peers bigint[], pretrust bigint[], alpha double precision, owner integer[], prev_t bigint[], previous bytea[],
    OUT key paillier_pubkey, OUT enc_t bytea, OUT t bigint[], OUT tags bytea[])
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_key'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_key(bytea, text, integer, integer, integer, bytea[], bytea[], integer[], integer, bigint[], bigint[], double precision, integer[], bigint[], bytea[]) IS
'decryptor side of groups-mode private EigenTrust: derives the round''s t itself (round 1: the pre-trust, NULL for uniform; later: from previous, every group aggregate of the previous round tagged for this party by its decryptor, and prev_t, with the peers whose owner no aggregate covers unhosted; sum t = 1 and t_j >= alpha p_j checked), makes a fresh Paillier key for one group and round (the private half kept in this session only, bound to the calling role), encrypts t under it, and for each member tags (authmsg MAC over the pairwise Diffie-Hellman seed) the group, its chain, the key, Enc(t) and the public inputs; refuses a group of fewer than 2, one the decryptor belongs to, an unpinned member or sender, a member no previous aggregate covers, and (08P01) a chain holding a member whose contribution to this round it already decrypted, under any group number';

CREATE FUNCTION private_eigentrust_groups_check_key(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], known_keys bytea[], decryptor integer, members integer[],
    key paillier_pubkey, tag bytea, min_group integer, enc_t bytea, peers bigint[], pretrust bigint[],
    alpha double precision)
RETURNS boolean
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_check_key'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_check_key(bytea, text, integer, integer, integer, bytea[], bytea[], integer, integer[], paillier_pubkey, bytea, integer, bytea, bigint[], bigint[], double precision) IS
'member side of groups-mode private EigenTrust: before computing on Enc(t), check that the decryptor is pinned and outside the group, that this party is a member, that the group has at least max(2, min_group) members and that tag is the decryptor''s over the group, its chain, key, enc_t and the public inputs (peers, pretrust, alpha), and (08P01) that this party''s earlier chains of the round in this session all had this decryptor or all had this member set; true or ERROR';

CREATE FUNCTION private_eigentrust_groups_receipt(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], decryptor integer, members integer[], key paillier_pubkey,
    enc_t bytea, msg_in bytea, msg_out bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_receipt'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_receipt(bytea, text, integer, integer, integer, bytea[], integer, integer[], paillier_pubkey, bytea, bytea, bytea) IS
'member side of groups-mode private EigenTrust: the receipt of one chain step for the decryptor: SHA-256 of the message received (NULL: none), of the message passed on and of Enc(t), and their tag';

CREATE FUNCTION private_eigentrust_groups_contribution(edges_sql text, run_id text, key paillier_pubkey,
    peers bigint[], pretrust bigint[], enc_t bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_contribution'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION private_eigentrust_groups_decrypt(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], receipts bytea[], msg bytea, OUT sums bigint[], OUT aggregate bytea)
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_decrypt'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_decrypt(bytea, text, integer, integer, integer, bytea[], bytea[], bytea) IS
'decryptor side of groups-mode private EigenTrust: verify every member''s receipt, that they link into one chain ending in msg and all name the Enc(t) this decryptor made, then decrypt msg (sums at scale 13) and wipe the key: once per group and round, and (08P01) never a second chain holding a member whose contribution to the round it decrypted, under any group number; aggregate is the sums with the group, its chain and a digest of the t they were computed under, tagged for every party (for the next round''s decryptors)';

CREATE FUNCTION private_eigentrust_groups_release(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], OUT members integer[], OUT tags bytea[])
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_release'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_release(bytea, text, integer, integer, integer, bytea[]) IS
'decryptor side of groups-mode private EigenTrust: give up the chain of one group and round whose key this session made: the private key is wiped and that chain is never decrypted here (its decryption is refused with 08P01); members is the chain in order and tags[k] the release for members[k], an authmsg MAC over the group, its members and the key under the pairwise key, which lets that member contribute to another decryptor''s chain with another member set in the same round; refuses (08P01) a chain it decrypted';

CREATE FUNCTION private_eigentrust_groups_released(identity bytea, run_id text, round integer, grp integer,
    self integer, public_keys bytea[], decryptor integer, members integer[], key paillier_pubkey, release bytea)
RETURNS integer
AS 'MODULE_PATHNAME', 'private_eigentrust_groups_released'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION private_eigentrust_groups_released(bytea, text, integer, integer, integer, bytea[], integer, integer[], paillier_pubkey, bytea) IS
'member side of groups-mode private EigenTrust: accept the decryptor''s release of one chain (group, members in chain order, key) of a round, after its tag verifies (XX001 otherwise): this party''s contribution to that chain, recorded in this session, no longer restricts its other chains of the round; returns how many contributions it released now (0: already released), 08P01 when this session holds no contribution of this party under that key';

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
    path text := @extschema@.private_eigentrust_wrapper_path();
    ident text;
    known text;
    hook text;
    fns text[] := ARRAY['groups_hosted()', 'groups_probe(text, integer, integer)',
        'groups_key(text, integer, integer, integer, bytea[], integer[], integer, bigint[], bigint[], double precision, integer[], bigint[], bytea[])',
        'groups_step(text, integer, integer, integer, integer, bytea[], integer[], @extschema@.paillier_pubkey, bytea, bytea, bigint[], bigint[], double precision, bytea, integer)',
        'groups_decrypt(text, integer, integer, integer, bytea[], bytea[], bytea)',
        'groups_release(text, integer, integer, integer, bytea[])',
        'groups_released(text, integer, integer, integer, integer, bytea[], integer[], @extschema@.paillier_pubkey, bytea)'];
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
    PERFORM @extschema@.private_eigentrust_check_queries(edges_sql, members_sql);
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
        '    public_keys bytea[], members integer[], bits integer, peers bigint[], pretrust bigint[], alpha double precision, '
        '    owner integer[], prev_t bigint[], previous bytea[], '
        '    OUT key @extschema@.paillier_pubkey, OUT enc_t bytea, OUT t bigint[], OUT tags bytea[]) '
        'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    secs double precision;
    froms integer[] := ARRAY[0];
    rnd integer := round;
BEGIN
    %s
    SELECT x.key, x.enc_t, x.t, x.tags INTO key, enc_t, t, tags
    FROM @extschema@.private_eigentrust_groups_key(%s, run_id, round, grp, self, public_keys, %s, members, bits,
        peers, pretrust, alpha, owner, prev_t, previous) x;
END
$b$, hook, ident, known));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_step(run_id text, round integer, grp integer, self integer, decryptor integer, '
        '    public_keys bytea[], members integer[], key @extschema@.paillier_pubkey, key_tag bytea, enc_t bytea, '
        '    peers bigint[], pretrust bigint[], alpha double precision, msg_in bytea, from_party integer, '
        '    OUT msg bytea, OUT receipt bytea) '
        'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    secs double precision;
    froms integer[] := ARRAY[from_party, -1];
    rnd integer := round;
    own bytea;
BEGIN
    %s
    -- nothing is computed on a key and Enc(t) the decryptor did not authenticate
    PERFORM @extschema@.private_eigentrust_groups_check_key(%s, run_id, round, grp, self, public_keys, %s,
        decryptor, members, key, key_tag, %s, enc_t, peers, pretrust, alpha);
    own := @extschema@.private_eigentrust_groups_contribution(%L, run_id, key, peers, pretrust, enc_t);
    msg := CASE WHEN msg_in IS NULL THEN own
                ELSE @extschema@.private_eigentrust_combine(key, ARRAY[msg_in, own]) END;
    receipt := @extschema@.private_eigentrust_groups_receipt(%s, run_id, round, grp, self, public_keys,
        decryptor, members, key, enc_t, msg_in, msg);
END
$b$, hook, ident, known, min_group_size, edges_sql, ident));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_decrypt(run_id text, round integer, grp integer, self integer, '
        '    public_keys bytea[], receipts bytea[], msg bytea, OUT sums bigint[], OUT aggregate bytea) '
        'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format($b$
DECLARE
    secs double precision;
    froms integer[] := ARRAY[0];
    rnd integer := round;
BEGIN
    %s
    SELECT x.sums, x.aggregate INTO sums, aggregate
    FROM @extschema@.private_eigentrust_groups_decrypt(%s, run_id, round, grp, self, public_keys, receipts, msg) x;
END
$b$, hook, ident));
    -- a decryptor's release of a chain it will never decrypt, and a member's
    -- acceptance of one (docs/design.md, "Releases")
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_release(run_id text, round integer, grp integer, self integer, '
        '    public_keys bytea[], OUT members integer[], OUT tags bytea[]) '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT x.members, x.tags FROM @extschema@.private_eigentrust_groups_release(%s, run_id, round, grp, self, public_keys) x',
               ident));
    EXECUTE format(
        'CREATE OR REPLACE FUNCTION %I.groups_released(run_id text, round integer, grp integer, self integer, decryptor integer, '
        '    public_keys bytea[], members integer[], key @extschema@.paillier_pubkey, release bytea) RETURNS integer '
        'LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %s AS %L', party_schema, path,
        format('SELECT @extschema@.private_eigentrust_groups_released(%s, run_id, round, grp, self, public_keys, decryptor, members, key, release)',
               ident));
    FOREACH f IN ARRAY fns LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %I.%s FROM PUBLIC', party_schema, f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %I.%s TO %I', party_schema, f, coordinator_role);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION private_eigentrust_groups_party_setup(text, name, name, integer, text) IS
'make a private EigenTrust party (set up by private_eigentrust_party_setup, other parties'' keys pinned) take part in groups mode: SECURITY DEFINER functions groups_hosted, groups_probe, groups_key, groups_step, groups_decrypt, groups_release and groups_released in party_schema for coordinator_role; the party publishes only the ids it hosts (trusters and members_sql''s ids) and refuses to add its ratings to a group of fewer than min_group_size members';

COMMENT ON FUNCTION private_eigentrust_groups_contribution(text, text, paillier_pubkey, bigint[], bigint[], bytea) IS
'Internal (groups mode): a member''s factor of its group''s aggregation message, Enc(t_i)^(c_ij) over its hosted trusters, re-randomised, from rows built on the run''s first call and kept in the session; called by the party''s groups_step after the decryptor''s tag over the key and Enc(t) checked.';
