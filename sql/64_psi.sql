-- Private set intersection: the party-side steps in one session, the
-- coordinator's matching, the party setup and every argument's bad input.
-- Scalars are fresh per run, so checks print sizes, booleans and counts.
-- Runs across databases over dblink are in test/suites/63-psi.sh.

-- an ERROR as its SQLSTATE and message
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE psi_ids (id bigint, name text, x double precision);
INSERT INTO psi_ids SELECT g, 'cust-' || g, g FROM generate_series(1, 50) g;
INSERT INTO psi_ids VALUES (7, 'cust-7', 7), (NULL, NULL, NULL);   -- a duplicate and a NULL

-- kinds of ids
SELECT psi_ids_kind('SELECT id FROM psi_ids') AS bigint_ids,
       psi_ids_kind('SELECT id::integer FROM psi_ids') AS integer_ids,
       psi_ids_kind('SELECT name FROM psi_ids') AS text_ids,
       psi_ids_kind('SELECT name::varchar FROM psi_ids') AS varchar_ids;
SELECT pg_temp.err($q$SELECT psi_ids_kind('SELECT x FROM psi_ids')$q$);
SELECT pg_temp.err($q$SELECT psi_ids_kind('SELECT id, name FROM psi_ids')$q$);
SELECT pg_temp.err($q$SELECT psi_ids_kind('SELECT nothing FROM psi_ids')$q$);
SELECT pg_temp.err($q$SELECT psi_ids_kind('DELETE FROM psi_ids')$q$);
SELECT psi_ids_kind(NULL) IS NULL AS strict;

-- step 1: 50 distinct ids (the duplicate once, the NULL skipped), 12 + 32 bytes each, sorted
CREATE TEMP TABLE b1 AS SELECT psi_party_hello('SELECT id FROM psi_ids', 'run1', false, false, false) AS m;
SELECT octet_length(m) AS bytes, substr(m, 1, 4) = 'PSI1'::bytea AS magic, get_byte(m, 4) AS kind,
       (get_byte(m, 10) << 8) + get_byte(m, 11) AS count
FROM b1;
SELECT bool_and(substr(m, 13 + 32 * i, 32) < substr(m, 13 + 32 * (i + 1), 32)) AS sorted_distinct
FROM b1, generate_series(0, 48) i;
-- blinding keeps the size, changes every element, and sorts
CREATE TEMP TABLE b2 AS SELECT psi_party_blind('run1', m, false) AS m FROM b1;
SELECT octet_length(b2.m) = octet_length(b1.m) AS same_size,
       NOT EXISTS (SELECT 1 FROM generate_series(0, 49) i, generate_series(0, 49) j
                   WHERE substr(b1.m, 13 + 32 * i, 32) = substr(b2.m, 13 + 32 * j, 32)) AS all_changed
FROM b1, b2;
-- the coordinator's match: a batch against itself matches all, against one
-- blinded again (another scalar) nothing
SELECT cardinality(psi_match(ARRAY[m, m], 1)) AS self_matches FROM b2;
SELECT cardinality(psi_match(ARRAY[b1.m, b2.m], 1)) AS cross_matches FROM b1, b2;
SELECT cardinality(psi_match(ARRAY[m, m, substr(m, 1, 8) || int4send(10) || substr(m, 13, 320)], 2)) AS three_batches FROM b1;
-- keeping the order needs an intersection run; this ends the run
SELECT pg_temp.err($q$SELECT psi_party_blind('run1', (SELECT m FROM b1), true)$q$);
SELECT pg_temp.err($q$SELECT psi_party_end('run1')$q$);

-- an entitled party of an intersection run gets its own ids back by position
CREATE TEMP TABLE b3 AS SELECT psi_party_hello('SELECT name FROM psi_ids WHERE id <= 5', 'run2', true, true, true) AS m;
SELECT octet_length(m) AS bytes, get_byte(m, 4) AS kind FROM b3;
SELECT (SELECT array_agg(x ORDER BY x) FROM unnest(psi_party_reveal('run2', ARRAY[1, 2, 3, 4, 5])) x) AS all_five;
SELECT cardinality(psi_party_reveal('run2', ARRAY[2, 4])) AS two;
SELECT octet_length(psi_party_blind('run2', m, true)) AS kept_order_bytes FROM b3;
SELECT pg_temp.err($q$SELECT psi_party_reveal('run2', ARRAY[3, 2])$q$);
SELECT pg_temp.err($q$SELECT psi_party_end('run2')$q$);

-- an empty set is a batch of 0 elements
SELECT octet_length(psi_party_hello('SELECT id FROM psi_ids WHERE false', 'run3', false, false, false)) AS empty_bytes;
SELECT psi_party_end('run3') AS ended_with;

-- bad input to the party steps
SELECT pg_temp.err($q$SELECT psi_party_hello(NULL, 'r', false, false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT id FROM psi_ids', NULL, false, false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT id FROM psi_ids', '', false, false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT id FROM psi_ids', repeat('r', 65), false, false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT id FROM psi_ids', 'r', NULL, false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT id FROM psi_ids', 'r', false, NULL, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT id FROM psi_ids', 'r', false, false, NULL)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT id FROM psi_ids', 'r', false, true, true)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT id FROM psi_ids', 'r', true, false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('SELECT x FROM psi_ids', 'r', false, false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_hello('not sql', 'r', false, false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party_blind('nope', '\x00'::bytea, false)$q$);
SELECT psi_party_hello('SELECT id FROM psi_ids', 'run4', false, false, false) IS NOT NULL AS started;
SELECT pg_temp.err($q$SELECT psi_party_blind('run4', '\x00'::bytea, false)$q$);
SELECT psi_party_hello('SELECT id FROM psi_ids', 'run4', false, false, false) IS NOT NULL AS restarted;
SELECT pg_temp.err($q$SELECT psi_party_blind('run4', '\x5053493102000000000000010000000000000000000000000000000000000000000000000000000000000000'::bytea, false)$q$);
SELECT psi_party_hello('SELECT id FROM psi_ids', 'run4', false, false, false) IS NOT NULL AS restarted;
SELECT pg_temp.err($q$SELECT psi_party_blind('run4', '\x505349310300000000000000'::bytea, false)$q$);
SELECT psi_party_hello('SELECT id FROM psi_ids', 'run4', true, true, true) IS NOT NULL AS restarted;
SELECT pg_temp.err($q$SELECT psi_party_reveal('run4', ARRAY[0])$q$);
SELECT psi_party_hello('SELECT id FROM psi_ids', 'run4', true, true, true) IS NOT NULL AS restarted;
SELECT pg_temp.err($q$SELECT psi_party_reveal('run4', ARRAY[51])$q$);
SELECT psi_party_hello('SELECT id FROM psi_ids', 'run4', true, true, true) IS NOT NULL AS restarted;
SELECT pg_temp.err($q$SELECT psi_party_reveal('run4', ARRAY[1, NULL])$q$);
SELECT psi_party_hello('SELECT id FROM psi_ids', 'run4', true, true, true) IS NOT NULL AS restarted;
SELECT pg_temp.err($q$SELECT psi_party_reveal('run4', ARRAY[[1], [2]])$q$);
SELECT psi_party_hello('SELECT id FROM psi_ids', 'run4', true, false, true) IS NOT NULL AS restarted;
SELECT pg_temp.err($q$SELECT psi_party_reveal('run4', ARRAY[1])$q$);
SELECT psi_party_blind(NULL, NULL, NULL) IS NULL AS blind_strict,
       psi_party_reveal(NULL, NULL) IS NULL AS reveal_strict,
       psi_party_end(NULL) IS NULL AS end_strict;

-- bad input to the coordinator's match
SELECT pg_temp.err($q$SELECT psi_match(ARRAY[(SELECT m FROM b1)], 1)$q$);
SELECT pg_temp.err($q$SELECT psi_match(ARRAY[(SELECT m FROM b1), (SELECT m FROM b2)], 3)$q$);
SELECT pg_temp.err($q$SELECT psi_match(ARRAY[(SELECT m FROM b1), (SELECT m FROM b2)], 0)$q$);
SELECT pg_temp.err($q$SELECT psi_match(ARRAY[(SELECT m FROM b1), NULL], 1)$q$);
SELECT pg_temp.err($q$SELECT psi_match(ARRAY[(SELECT m FROM b1), (SELECT m FROM b3)], 1)$q$);
SELECT pg_temp.err($q$SELECT psi_match(ARRAY[(SELECT m FROM b1), '\x505349'::bytea], 1)$q$);
SELECT pg_temp.err($q$SELECT psi_match(ARRAY[(SELECT m FROM b1), substr((SELECT m FROM b1), 1, 40)], 1)$q$);
SELECT pg_temp.err($q$SELECT psi_match(ARRAY[[(SELECT m FROM b1)], [(SELECT m FROM b1)]], 1)$q$);
SELECT psi_match(NULL, 1) IS NULL AND psi_match(ARRAY['\x00'::bytea], NULL) IS NULL AS match_strict;

-- party setup: SECURITY DEFINER wrappers for the coordinator's role only,
-- search_path pinned with pg_temp last, tables for the owner only
CREATE ROLE psi_regress_coord;
SELECT psi_party_setup('SELECT id FROM psi_ids', 'psi_regress_coord');
SELECT p.proname, p.prosecdef AS security_definer,
       (SELECT c FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%') LIKE '%, pg_temp' AS pg_temp_last,
       has_function_privilege('psi_regress_coord', p.oid, 'EXECUTE') AS coordinator_may,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'psi_party' ORDER BY p.proname;
SELECT c.relname, has_table_privilege('psi_regress_coord', c.oid, 'SELECT') AS coordinator_reads
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'psi_party' AND c.relkind = 'r' ORDER BY c.relname;
SELECT ids_sql, allow_intersection FROM psi_party.psi_queries;
-- the wrapper runs only a registered query; NULL picks the only one
SELECT octet_length(psi_party.hello('run5', NULL, false, false)) AS registered_default_bytes;
SELECT octet_length(psi_party.hello('run5', 'SELECT id FROM psi_ids', false, false)) AS registered_bytes;
SELECT pg_temp.err($q$SELECT psi_party.hello('run5', 'SELECT name FROM psi_ids', false, false)$q$);
SELECT pg_temp.err($q$SELECT psi_party.hello('run5', NULL, true, true)$q$);
SELECT octet_length(psi_party.hello('run5', NULL, false, false)) AS bytes_again;
SELECT encode(psi_party.finish('run5', 3, 2, NULL), 'hex') AS finish_reply;
SELECT parties, own_ids, cardinality, intersection_ids FROM psi_party.psi_runs WHERE run_id = 'run5';
-- a second query, allowed for intersection runs: NULL is now ambiguous
SELECT psi_party_setup('SELECT name FROM psi_ids', 'psi_regress_coord', allow_intersection => true);
SELECT pg_temp.err($q$SELECT psi_party.hello('run6', NULL, false, false)$q$);
SELECT octet_length(psi_party.hello('run6', 'SELECT name FROM psi_ids', true, true)) AS entitled_bytes;
SELECT encode(psi_party.finish('run6', 2, 2, ARRAY[1, 2]), 'hex') AS finish_reply;
SELECT parties, own_ids, cardinality, intersection_ids,
       (SELECT count(*) FROM psi_party.psi_intersection i WHERE i.run_id = 'run6') AS stored
FROM psi_party.psi_runs WHERE run_id = 'run6';
SELECT bool_and(id LIKE 'cust-%') AS stored_ids_are_own FROM psi_party.psi_intersection;
-- the coordinator's role cannot use a party's run that the wrapper did not start
SELECT psi_party.hello('run7', 'SELECT id FROM psi_ids', false, false) IS NOT NULL AS started;
SET ROLE psi_regress_coord;
SELECT pg_temp.err($q$SELECT psi_party_end('run7')$q$);
SELECT pg_temp.err($q$SELECT * FROM psi_party.psi_runs$q$);
RESET ROLE;

-- bad input to setup
SELECT pg_temp.err($q$SELECT psi_party_setup(NULL, 'psi_regress_coord')$q$);
SELECT pg_temp.err($q$SELECT psi_party_setup('SELECT id FROM psi_ids', NULL)$q$);
SELECT pg_temp.err($q$SELECT psi_party_setup('SELECT id FROM psi_ids', 'psi_regress_coord', NULL)$q$);
SELECT pg_temp.err($q$SELECT psi_party_setup('SELECT id FROM psi_ids', 'psi_regress_coord', 'psi_party', NULL)$q$);
SELECT pg_temp.err($q$SELECT psi_party_setup('SELECT id FROM psi_ids', 'no_such_role_psi')$q$);
SELECT pg_temp.err($q$SELECT psi_party_setup('SELECT x FROM psi_ids', 'psi_regress_coord')$q$);
SELECT pg_temp.err($q$SELECT psi_party_setup('SELECT id FROM no_such_table', 'psi_regress_coord')$q$);

-- bad input to the coordinator functions (checked before any connection)
SELECT pg_temp.err($q$SELECT psi_cardinality(NULL)$q$);
SELECT pg_temp.err($q$SELECT psi_cardinality(ARRAY['a'])$q$);
SELECT pg_temp.err($q$SELECT psi_cardinality('{}')$q$);
SELECT pg_temp.err($q$SELECT psi_cardinality(ARRAY['a', NULL])$q$);
SELECT pg_temp.err($q$SELECT psi_cardinality(ARRAY[['a', 'b'], ['c', 'd']])$q$);
SELECT pg_temp.err($q$SELECT psi_cardinality(ARRAY['a', 'b'], ' ')$q$);
SELECT pg_temp.err($q$SELECT psi_cardinality(ARRAY['a', 'b'], party_schema => NULL)$q$);
SELECT pg_temp.err($q$SELECT psi_intersection(NULL)$q$);
SELECT pg_temp.err($q$SELECT psi_intersection(ARRAY['a'])$q$);
SELECT pg_temp.err($q$SELECT psi_intersection(ARRAY['a', 'b'], ids_sql => '')$q$);
SELECT pg_temp.err($q$SELECT psi_intersection(ARRAY['a', 'b'], entitled => ARRAY[3])$q$);
SELECT pg_temp.err($q$SELECT psi_intersection(ARRAY['a', 'b'], entitled => ARRAY[1, 1])$q$);
SELECT pg_temp.err($q$SELECT psi_intersection(ARRAY['a', 'b'], entitled => ARRAY[NULL]::integer[])$q$);
SELECT pg_temp.err($q$SELECT psi_intersection(ARRAY['a', 'b'], entitled => '{}')$q$);
SELECT pg_temp.err($q$SELECT psi_intersection(ARRAY['a', 'b'], party_schema => NULL)$q$);

DROP SCHEMA psi_party CASCADE;
DROP TABLE psi_ids;
DROP ROLE psi_regress_coord;
