-- Secure sums: the coordinator's argument checks (no party is reached: this
-- database has no dblink), the party-side functions driven by hand for three
-- parties in three schemas of this database (sealed shares, tampering, a
-- dropout, the either-or release rule), and the party setup's checks.
-- End to end across databases: test/suites/61-secure-sum-functions.sh.
\set VERBOSITY terse
SET client_min_messages = warning;

-- ---- coordinator arguments: each an ERROR before any connection
SELECT secure_sum(NULL, 'SELECT 1');
SELECT secure_sum(ARRAY['a', 'b', 'c'], NULL);
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1', NULL);
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1', party_schema => NULL);
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1', allow_two_parties => NULL);
SELECT secure_sum(ARRAY['a', NULL, 'c'], 'SELECT 1');
SELECT secure_sum(ARRAY['a', ' ', 'c'], 'SELECT 1');
SELECT secure_sum(ARRAY['a', 'b', 'a'], 'SELECT 1');
SELECT secure_sum(ARRAY['a', 'b'], 'SELECT 1');
SELECT secure_sum('{}', 'SELECT 1');
SELECT secure_sum(ARRAY['a'], 'SELECT 1', allow_two_parties => true);
SELECT secure_sum(ARRAY['a', 'b', 'c'], '  ');
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1', -1);
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1', 39);
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1', threshold => 1);
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1', threshold => 4);
SELECT secure_avg(ARRAY['a', 'b', 'c', 'd'], 'SELECT 1', threshold => 2);
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1', timeout => '0 s');
SELECT secure_avg(ARRAY['a', 'b', 'c'], 'SELECT 1', timeout => '-1 min');
-- valid arguments: without dblink the run stops here
SELECT secure_sum(ARRAY['a', 'b', 'c'], 'SELECT 1');
SELECT secure_avg(ARRAY['a', 'b'], 'SELECT 1', 2, allow_two_parties => true);
SELECT * FROM secure_sum_run(ARRAY['a', 'b', 'c'], 'SELECT 1', threshold => 3, timeout => '10 s');

-- ---- party setup
CREATE ROLE ss_coord;
SELECT secure_sum_party_setup(NULL);
SELECT secure_sum_party_setup('ss_coord', NULL);
SELECT secure_sum_party_setup('ss_no_such_role');
SELECT secure_sum_party_setup('ss_coord', ARRAY[NULL]);
SELECT secure_sum_party_setup('ss_coord', ARRAY['SELECT no_such_column FROM pg_class']);
CREATE TABLE ss_data (party text, v numeric);
INSERT INTO ss_data VALUES ('a', 10.25), ('a', -3), ('a', NULL), ('b', 7.5), ('b', 7.5), ('c', 1000);
SELECT octet_length(secure_sum_party_setup('ss_coord', ARRAY['SELECT v FROM ss_data WHERE party = ''' || p || ''''], 'ss_' || p))
FROM unnest(ARRAY['a', 'b', 'c']) p;
-- the coordinator's role may call the step functions and nothing else
SELECT p.proname, has_function_privilege('ss_coord', p.oid, 'EXECUTE') AS coordinator,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public, p.prosecdef,
       array_to_string(p.proconfig, ',') LIKE '%pg_temp' AS pg_temp_last
FROM pg_proc p WHERE p.pronamespace = 'ss_a'::regnamespace ORDER BY 1;
SELECT c.relname, has_table_privilege('ss_coord', c.oid, 'SELECT') AS coordinator_reads
FROM pg_class c WHERE c.relnamespace = 'ss_a'::regnamespace AND c.relkind = 'r' ORDER BY 1;
-- each party pins the others' identity keys
INSERT INTO ss_a.known_parties SELECT ss_b.public_key(), 'b' UNION ALL SELECT ss_c.public_key(), 'c';
INSERT INTO ss_b.known_parties SELECT ss_a.public_key(), 'a' UNION ALL SELECT ss_c.public_key(), 'c';
INSERT INTO ss_c.known_parties SELECT ss_a.public_key(), 'a';

-- ---- a run by hand: hello
SELECT ss_a.hello('r1', 1, 3, 2, 'SELECT v FROM ss_data', 2);
SELECT ss_a.hello('r1', 1, 3, 1, 'SELECT v FROM ss_data WHERE party = ''a''', 2);
SELECT ss_a.hello('r1', 4, 3, 2, 'SELECT v FROM ss_data WHERE party = ''a''', 2);
SELECT ss_a.hello('r 1', 1, 3, 2, 'SELECT v FROM ss_data WHERE party = ''a''', 2);
SELECT ss_a.hello('r1', 1, 3, 2, 'SELECT v FROM ss_data WHERE party = ''a''', 39);
CREATE TEMP TABLE h AS
SELECT 1 AS k, ss_a.hello('r1', 1, 3, 2, 'SELECT v FROM ss_data WHERE party = ''a''', 2) AS m
UNION ALL SELECT 2, ss_b.hello('r1', 2, 3, 2, 'SELECT v FROM ss_data WHERE party = ''b''', 2)
UNION ALL SELECT 3, ss_c.hello('r1', 3, 3, 2, 'SELECT v FROM ss_data WHERE party = ''c''', 2);
SELECT ss_a.hello('r1', 1, 3, 2, 'SELECT v FROM ss_data WHERE party = ''a''', 2);
SELECT k, octet_length(m) FROM h ORDER BY k;
CREATE TEMP TABLE keys AS
SELECT array_agg(substring(m FROM 1 FOR 384) ORDER BY k) AS ids,
       array_agg(substring(m FROM 385 FOR 384) ORDER BY k) AS ephs FROM h;

-- ---- share: party c has not pinned b, and keys must be the party's own
SELECT ss_c.share('r1', ids, ephs) FROM keys;
INSERT INTO ss_c.known_parties SELECT ss_b.public_key(), 'b';
SELECT ss_a.share('r1', ids[1:2], ephs[1:2]) FROM keys;
SELECT ss_a.share('r1', ARRAY[ids[2], ids[2], ids[3]], ephs) FROM keys;
SELECT ss_a.share('r2', ids, ephs) FROM keys;
CREATE TEMP TABLE boxes AS
SELECT 1 AS k, convert_from(ss_a.share('r1', ids, ephs), 'UTF8')::bytea[] AS b FROM keys
UNION ALL SELECT 2, convert_from(ss_b.share('r1', ids, ephs), 'UTF8')::bytea[] FROM keys
UNION ALL SELECT 3, convert_from(ss_c.share('r1', ids, ephs), 'UTF8')::bytea[] FROM keys;
SELECT ss_a.share('r1', ids, ephs) FROM keys;
-- a sealed share reveals nothing readable and is only for its receiver
SELECT k, b[k] IS NULL AS own_slot_empty, octet_length(b[1 + k % 3]) > 32 AS sealed
FROM boxes ORDER BY k;
CREATE TEMP TABLE inbox AS
SELECT j, array_agg(b[j] ORDER BY k) AS box FROM boxes, generate_series(1, 3) j GROUP BY j;

-- ---- mask: a relaying coordinator that alters a sealed share is caught
SELECT ss_b.mask('r1', ARRAY[overlay(box[1] PLACING '\xff'::bytea FROM 5), NULL, box[3]]) FROM inbox WHERE j = 2;
SELECT ss_b.mask('r1', ARRAY[box[3], NULL, box[1]]) FROM inbox WHERE j = 2;
SELECT ss_b.mask('r1', box) FROM inbox WHERE j = 1;
SELECT ss_a.unmask('r1', '{1,2}', '{3}');
-- a and b send masked values; c drops out before it masks
CREATE TEMP TABLE y AS
SELECT 1 AS k, string_to_array(convert_from(ss_a.mask('r1', box), 'UTF8'), ' ')::numeric[] AS y FROM inbox WHERE j = 1
UNION ALL
SELECT 2, string_to_array(convert_from(ss_b.mask('r1', box), 'UTF8'), ' ')::numeric[] FROM inbox WHERE j = 2;
SELECT ss_a.mask('r1', box) FROM inbox WHERE j = 1;
SELECT bool_and(y[1] >= 0 AND y[1] < zerosum_modulus() AND y[2] >= 0 AND y[2] < zerosum_modulus()) AS masked_in_range FROM y;

-- ---- unmask: a and b release their self-mask shares and c's key share
SELECT ss_a.unmask('r1', '{2}', '{1,3}');
SELECT ss_a.unmask('r1', '{1,2}', '{}');
CREATE TEMP TABLE rel AS
SELECT split_part(l, ' ', 1)::integer AS owner, split_part(l, ' ', 2) AS kind, split_part(l, ' ', 3)::shamir_share AS share
FROM (SELECT ss_a.unmask('r1', '{1,2}', '{3}') AS m UNION ALL SELECT ss_b.unmask('r1', '{1,2}', '{3}')) u,
     unnest(string_to_array(rtrim(convert_from(m, 'UTF8'), E'\n'), E'\n')) l;
SELECT owner, kind, count(*) FROM rel GROUP BY 1, 2 ORDER BY 1, 2;
-- the either-or rule: having released c's key share, a and b refuse c's self-mask share
SELECT octet_length(ss_a.unmask('r1', '{1,2,3}', '{}'));
SELECT octet_length(ss_b.unmask('r1', '{2,1,3}', '{}'));
-- the same release again is allowed
SELECT octet_length(ss_a.unmask('r1', '{1,2}', '{3}')) > 0 AS again;

-- the sum and count of a and b, from their masked values, the self-masks and c's recovered masks
WITH s AS (
    SELECT (SELECT sum(y[1]) FROM y) AS y0, (SELECT sum(y[2]) FROM y) AS y1,
           (SELECT sum(mod(b, zerosum_modulus())) FROM (SELECT shamir_combine(array_agg(share)) AS b FROM rel WHERE kind = 'self_mask' GROUP BY owner) x) AS b0,
           (SELECT sum(trunc(b / zerosum_modulus())) FROM (SELECT shamir_combine(array_agg(share)) AS b FROM rel WHERE kind = 'self_mask' GROUP BY owner) x) AS b1,
           (SELECT zerosum_recover_mask('3', 0, ARRAY['1', '2'], ephs[1:2], ephs[3], (SELECT array_agg(share) FROM rel WHERE kind = 'key')) FROM keys) AS r0,
           (SELECT zerosum_recover_mask('3', 1, ARRAY['1', '2'], ephs[1:2], ephs[3], (SELECT array_agg(share) FROM rel WHERE kind = 'key')) FROM keys) AS r1
)
SELECT zerosum_unmask(mod(mod(y0 - b0 + r0, zerosum_modulus()) + zerosum_modulus(), zerosum_modulus()), 2) AS total,
       zerosum_unmask(mod(mod(y1 - b1 + r1, zerosum_modulus()) + zerosum_modulus(), zerosum_modulus()), 0) AS n,
       (SELECT sum(round(v, 2)) FROM ss_data WHERE party IN ('a', 'b')) AS plain_total,
       (SELECT count(v) FROM ss_data WHERE party IN ('a', 'b')) AS plain_n
FROM s;

-- finish forgets the secrets; c never masked, so it has no survivors
SELECT ss_a.finish('r1') IS NOT NULL AS finished;
SELECT eph_private IS NULL AND self_mask IS NULL AS forgotten, (SELECT count(*) FROM ss_a.held) AS held FROM ss_a.runs;
SELECT ss_c.unmask('r1', '{1,2}', '{3}');
SELECT ss_c.finish('nope');

-- ---- seal and open
SELECT secure_sum_seal(zerosum_keygen(), 1, 1, ss_b.public_key(), 'r', 'x', '', '\x00');
SELECT secure_sum_seal(zerosum_keygen(), 0, 2, ss_b.public_key(), 'r', 'x', '', '\x00');
SELECT secure_sum_seal(zerosum_keygen(), 1, 2, '\x0102', 'r', 'x', '', '\x00');
SELECT secure_sum_seal(zerosum_keygen(), 1, 2, ss_b.public_key(), '', 'x', '', '\x00');
SELECT secure_sum_seal(zerosum_keygen(), 1, 2, ss_b.public_key(), 'r', '', '', '\x00');
SELECT secure_sum_seal('\x01', 1, 2, ss_b.public_key(), 'r', 'x', '', '\x00');
SELECT secure_sum_seal(zerosum_keygen(), 1, 2, ss_b.public_key(), 'r', 'x', '', decode(repeat('00', 4097), 'hex'));
SELECT secure_sum_open(zerosum_keygen(), 1, 2, ss_b.public_key(), 'r', 'x', '', '\x00');
CREATE TEMP TABLE kp AS SELECT zerosum_keygen() AS a, zerosum_keygen() AS b;
SELECT convert_from(secure_sum_open(b, 2, 1, zerosum_public_key(a), 'r', 'x', 'pub',
           secure_sum_seal(a, 1, 2, zerosum_public_key(b), 'r', 'x', 'pub', convert_to('hello', 'UTF8'))), 'UTF8') AS round_trip
FROM kp;
SELECT secure_sum_open(b, 2, 1, zerosum_public_key(a), 'r', 'x', 'other',
           secure_sum_seal(a, 1, 2, zerosum_public_key(b), 'r', 'x', 'pub', convert_to('hello', 'UTF8'))) FROM kp;
SELECT secure_sum_open(b, 2, 1, zerosum_public_key(a), 'r2', 'x', 'pub',
           secure_sum_seal(a, 1, 2, zerosum_public_key(b), 'r', 'x', 'pub', convert_to('hello', 'UTF8'))) FROM kp;
SELECT secure_sum_open(b, 3, 1, zerosum_public_key(a), 'r', 'x', 'pub',
           secure_sum_seal(a, 1, 2, zerosum_public_key(b), 'r', 'x', 'pub', convert_to('hello', 'UTF8'))) FROM kp;

DROP SCHEMA ss_a, ss_b, ss_c CASCADE;
DROP TABLE ss_data;
DROP OWNED BY ss_coord;
DROP ROLE ss_coord;
