-- secure_percentile: the public parameters, the steps of the secure
-- comparison under a fixed key, authenticated messages, party setup and the
-- argument checks of the coordinator.  The runs across databases over
-- dblink are in test/suites/62-secure-percentile.sh.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql

-- parameters: fraction as a reduced ratio, the compared bit length, the grid
SELECT * FROM secure_percentile_params(0.5, -100, 100, 1);
SELECT * FROM secure_percentile_params(0.25, 0, 1, 0.001);
SELECT * FROM secure_percentile_params(0, 0, 0, 1);
SELECT * FROM secure_percentile_params(1, 0, 10, 3);
SELECT * FROM secure_percentile_params(0.123456789012345, -(2::numeric ^ 63), 2::numeric ^ 63 - 1, 1);

-- the comparison end to end under key a: x = sum + offset against L = 2^(lx-1)
CREATE TEMP TABLE cmp AS
SELECT x, L,
       secure_percentile_cmp_open(k.sk,
         secure_percentile_cmp_blind(k.pk,
           secure_percentile_cmp_bits(k.sk, m.masked, 12), m.mask + L, 12), 12) AS less
FROM k, (VALUES (0), (1), (2046), (2047), (2048), (2049), (4095)) v(x),
     LATERAL (SELECT 2048 AS L) l,
     LATERAL secure_percentile_mask_sum(k.pk,
         ARRAY[secure_percentile_encrypt(k.pk, x + 5), secure_percentile_encrypt(k.pk, -7)], 2, 12) m
WHERE k.name = 'a';
SELECT x, less, less = (x < L) AS right FROM cmp ORDER BY x;
-- the mask is below 2^(lx + 40) and the masked sum decrypts to x + mask
SELECT bool_and(m.mask >= 0 AND m.mask < 2::numeric ^ 52) AS mask_in_range
FROM k, generate_series(1, 5) g,
     LATERAL secure_percentile_mask_sum(k.pk, ARRAY[secure_percentile_encrypt(k.pk, g)], 0, 12) m
WHERE k.name = 'a';
SELECT octet_length(secure_percentile_encrypt(pk, 1)) AS ct_bytes,
       octet_length(secure_percentile_cmp_bits(sk, secure_percentile_encrypt(pk, 3), 12)) / 512 AS bits
FROM k WHERE name = 'a';

-- authenticated messages: two parties with fixed identity keys
CREATE TEMP TABLE ids AS
SELECT decode(repeat('11', 32), 'hex') AS a, decode(repeat('22', 32), 'hex') AS b;
CREATE TEMP TABLE macs AS
SELECT secure_percentile_mac_keys(a, 1, ARRAY[zerosum_public_key(a), zerosum_public_key(b)], 'run-1') AS ka,
       secure_percentile_mac_keys(b, 2, ARRAY[zerosum_public_key(a), zerosum_public_key(b)], 'run-1') AS kb
FROM ids;
-- zero-sum masks from the prg keys cancel: 3 + m1 and 4 + m2 add up to 7
CREATE TEMP TABLE prgs AS
SELECT secure_percentile_mac_keys(a, 1, ARRAY[zerosum_public_key(a), zerosum_public_key(b)], 'run-1', 'prg') AS pa,
       secure_percentile_mac_keys(b, 2, ARRAY[zerosum_public_key(a), zerosum_public_key(b)], 'run-1', 'prg') AS pb
FROM ids;
SELECT pa[2] = pb[1] AS same_prg_key, pa[2] <> (SELECT ka[2] FROM macs) AS not_the_mac_key FROM prgs;
SELECT t, secure_percentile_cmp_open(k.sk,
         secure_percentile_cmp_blind(k.pk, secure_percentile_cmp_bits(k.sk, m.masked, 12), m.mask + t, 12), 12) AS seven_below_t
FROM k, prgs, (VALUES (7), (8)) v(t),
     LATERAL secure_percentile_mask_sum(k.pk,
         ARRAY[secure_percentile_encrypt(k.pk, 3 + secure_percentile_zero_mask(pa, 1, 5, k.pk)),
               secure_percentile_encrypt(k.pk, 4 + secure_percentile_zero_mask(pb, 2, 5, k.pk))], 0, 12) m
WHERE k.name = 'a' ORDER BY t;
SELECT secure_percentile_zero_mask(pa, 1, 5, k.pk) > 2::numeric ^ 1900 AS mask_is_large,
       secure_percentile_zero_mask(pa, 1, 5, k.pk) <> secure_percentile_zero_mask(pa, 1, 6, k.pk) AS new_per_step
FROM prgs, k WHERE k.name = 'a';
SELECT ka[2] = kb[1] AS same_pair_key, octet_length(ka[1]) AS own_slot, octet_length(ka[2]) AS key_bytes FROM macs;
SELECT secure_percentile_verify(kb[1], 'run-1', 3, 1, 2, 'bit', '\x01',
         secure_percentile_tag(ka[2], 'run-1', 3, 1, 2, 'bit', '\x01')) AS verified FROM macs;
-- a changed payload, round, direction or run is refused
SELECT secure_percentile_verify(kb[1], 'run-1', 3, 1, 2, 'bit', '\x00',
         secure_percentile_tag(ka[2], 'run-1', 3, 1, 2, 'bit', '\x01')) FROM macs;
\set VERBOSITY sqlstate
SELECT secure_percentile_verify(kb[1], 'run-1', 4, 1, 2, 'bit', '\x01',
         secure_percentile_tag(ka[2], 'run-1', 3, 1, 2, 'bit', '\x01')) FROM macs;
SELECT secure_percentile_verify(kb[1], 'run-1', 3, 2, 1, 'bit', '\x01',
         secure_percentile_tag(ka[2], 'run-1', 3, 1, 2, 'bit', '\x01')) FROM macs;
SELECT secure_percentile_verify(kb[1], 'run-2', 3, 1, 2, 'bit', '\x01',
         secure_percentile_tag(ka[2], 'run-1', 3, 1, 2, 'bit', '\x01')) FROM macs;

-- bad input to the steps
SELECT secure_percentile_mac_keys(a, 1, ARRAY[zerosum_public_key(b), zerosum_public_key(a)], 'r') FROM ids;
SELECT secure_percentile_mac_keys(a, 3, ARRAY[zerosum_public_key(a), zerosum_public_key(b)], 'r') FROM ids;
SELECT secure_percentile_mac_keys(a, 1, ARRAY[zerosum_public_key(a)], 'r') FROM ids;
SELECT secure_percentile_mac_keys(a, 1, ARRAY[zerosum_public_key(a), '\x01'::bytea], 'r') FROM ids;
SELECT secure_percentile_mac_keys('\x00'::bytea, 1, ARRAY[zerosum_public_key(a), zerosum_public_key(b)], 'r') FROM ids;
SELECT secure_percentile_mac_keys(a, 1, ARRAY[zerosum_public_key(a), NULL], 'r') FROM ids;
SELECT secure_percentile_mac_keys(a, 1, ARRAY[zerosum_public_key(a), zerosum_public_key(b)], '') FROM ids;
SELECT secure_percentile_mac_keys(a, 1, ARRAY[zerosum_public_key(a), zerosum_public_key(b)], 'r', 'other') FROM ids;
SELECT secure_percentile_zero_mask(pa, 0, 1, k.pk) FROM prgs, k WHERE k.name = 'a';
SELECT secure_percentile_zero_mask(pa[1:1], 1, 1, k.pk) FROM prgs, k WHERE k.name = 'a';
SELECT secure_percentile_zero_mask(ARRAY[pa[1], NULL], 1, 1, k.pk) FROM prgs, k WHERE k.name = 'a';
SELECT secure_percentile_zero_mask(ARRAY[pa[1], '\x01'::bytea], 1, 1, k.pk) FROM prgs, k WHERE k.name = 'a';
SELECT secure_percentile_tag('\x01', 'r', 1, 1, 2, 'bit', '\x01');
SELECT secure_percentile_tag(ka[2], 'r', 1, 1, 1, 'bit', '\x01') FROM macs;
SELECT secure_percentile_tag(ka[2], 'r', 1, 0, 2, 'bit', '\x01') FROM macs;
SELECT secure_percentile_tag(ka[2], 'r', 1, 1, 2, '', '\x01') FROM macs;
SELECT secure_percentile_tag(ka[2], '', 1, 1, 2, 'bit', '\x01') FROM macs;
SELECT secure_percentile_verify(kb[1], 'r', 1, 1, 2, 'bit', '\x01', '\x00') FROM macs;
SELECT secure_percentile_encrypt(pk, 1.5) FROM k WHERE name = 'a';
SELECT secure_percentile_encrypt(pk, 2::numeric ^ 2200) FROM k WHERE name = 'a';
SELECT secure_percentile_encrypt(pk, 'NaN') FROM k WHERE name = 'a';
SELECT secure_percentile_mask_sum(pk, '{}', 0, 12) FROM k WHERE name = 'a';
SELECT secure_percentile_mask_sum(pk, ARRAY['\x01'::bytea], 0, 12) FROM k WHERE name = 'a';
SELECT secure_percentile_mask_sum(pk, ARRAY[NULL::bytea], 0, 12) FROM k WHERE name = 'a';
SELECT secure_percentile_mask_sum(pk, ARRAY[secure_percentile_encrypt(pk, 1)], 0.5, 12) FROM k WHERE name = 'a';
SELECT secure_percentile_mask_sum(pk, ARRAY[secure_percentile_encrypt(pk, 1)], 0, 0) FROM k WHERE name = 'a';
SELECT secure_percentile_mask_sum(pk, ARRAY[secure_percentile_encrypt(pk, 1)], 0, 257) FROM k WHERE name = 'a';
SELECT secure_percentile_mask_sum(pk, ARRAY[secure_percentile_encrypt(pk, 1)], 2::numeric ^ 300, 12) FROM k WHERE name = 'a';
SELECT secure_percentile_mask_sum(pk, ARRAY[decode(repeat('00', 512), 'hex')], 0, 12) FROM k WHERE name = 'a';
SELECT secure_percentile_cmp_bits(sk, '\x0102', 12) FROM k WHERE name = 'a';
SELECT secure_percentile_cmp_bits(sk, secure_percentile_encrypt(pk, 1), 0) FROM k WHERE name = 'a';
-- a masked value too large for the comparison's bits
SELECT secure_percentile_cmp_bits(sk, secure_percentile_encrypt(pk, 2::numeric ^ 60), 12) FROM k WHERE name = 'a';
SELECT secure_percentile_cmp_blind(pk, secure_percentile_cmp_bits(sk, secure_percentile_encrypt(pk, 1), 12), -1, 12)
FROM k WHERE name = 'a';
SELECT secure_percentile_cmp_blind(pk, secure_percentile_cmp_bits(sk, secure_percentile_encrypt(pk, 1), 12), 2::numeric ^ 53, 12)
FROM k WHERE name = 'a';
SELECT secure_percentile_cmp_blind(pk, secure_percentile_cmp_bits(sk, secure_percentile_encrypt(pk, 1), 12), 1, 13)
FROM k WHERE name = 'a';
SELECT secure_percentile_cmp_open(sk, secure_percentile_encrypt(pk, 1), 12) FROM k WHERE name = 'a';

-- bad parameters
SELECT secure_percentile_params(-0.1, 0, 1, 1);
SELECT secure_percentile_params(1.5, 0, 1, 1);
SELECT secure_percentile_params('NaN', 0, 1, 1);
SELECT secure_percentile_params(NULL, 0, 1, 1);
SELECT secure_percentile_params(0.1234567890123456, 0, 1, 1);
SELECT secure_percentile_params(0.5, 2, 1, 1);
SELECT secure_percentile_params(0.5, 'NaN', 1, 1);
SELECT secure_percentile_params(0.5, '-Infinity', 1, 1);
SELECT secure_percentile_params(0.5, 0, 'Infinity', 1);
SELECT secure_percentile_params(0.5, 0, 1, 0);
SELECT secure_percentile_params(0.5, 0, 1, -1);
SELECT secure_percentile_params(0.5, 0, 1, 'NaN');
SELECT secure_percentile_params(0.5, 0, 2::numeric ^ 70, 1);

-- the coordinator checks every argument before it connects anywhere
SELECT secure_percentile(NULL, 'SELECT 1', 0.5, 0, 1, 1);
SELECT secure_percentile(ARRAY['a'], 'SELECT 1', 0.5, 0, 1, 1);
SELECT secure_percentile(ARRAY['a', NULL], 'SELECT 1', 0.5, 0, 1, 1);
SELECT secure_percentile(ARRAY[['a', 'b'], ['c', 'd']], 'SELECT 1', 0.5, 0, 1, 1);
SELECT secure_percentile(ARRAY['a', 'b'], NULL, 0.5, 0, 1, 1);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 1.01, 0, 1, 1);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', NULL, 0, 1, 1);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 0.5, 1, 0, 1);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 0.5, NULL, 0, 1);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 0.5, 0, NULL, 1);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 0.5, 0, 1, 0);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 0.5, 0, 1, NULL);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 0.5, 0, 1, 1, NULL);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 0.5, 0, 1, 1, key_bits => 1024);
SELECT secure_percentile(ARRAY['a', 'b'], 'SELECT 1', 0.5, 0, 1, 1, key_bits => NULL);
SELECT secure_median(ARRAY['a'], 'SELECT 1', 0, 1, 1);
SELECT secure_median(ARRAY['a', 'b'], 'SELECT 1', 0, 1, -1);
-- good arguments, but no dblink in this database
SELECT secure_median(ARRAY['a', 'b'], 'SELECT 1', 0, 1, 1) WHERE NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'dblink');

-- party setup: SECURITY DEFINER steps for the coordinator role alone
\set VERBOSITY default
CREATE ROLE spc_regress_coord NOLOGIN;
CREATE TABLE spc_vals (v numeric);
SELECT secure_percentile_party_setup('SELECT v FROM spc_vals', 'spc_regress_coord', 'spc_regress_party');
SELECT secure_percentile_party_setup('SELECT v FROM spc_vals WHERE v > 0', 'spc_regress_coord', 'spc_regress_party');
SELECT value_sql FROM spc_regress_party.allowed_queries ORDER BY 1;
SELECT octet_length(spc_regress_party.public_key()) AS public_key_bytes;
SELECT p.proname, p.prosecdef, p.proconfig[1] LIKE '%, pg_temp' AS pg_temp_last,
       has_function_privilege('spc_regress_coord', p.oid, 'EXECUTE') AS coordinator_may,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'spc_regress_party' ORDER BY 1;
SELECT c.relname, has_table_privilege('spc_regress_coord', c.oid, 'SELECT') AS coordinator_reads
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'spc_regress_party' AND c.relkind = 'r' ORDER BY 1;
-- a party refuses a query its owner did not allow, and unpinned parties
SELECT spc_regress_party.join_run('r1', 1, ARRAY[spc_regress_party.public_key(), zerosum_public_key(b)],
                                  'SELECT v FROM other', 0.5, 0, 1, 1, 2048) FROM ids;
SELECT spc_regress_party.join_run('r1', 1, ARRAY[spc_regress_party.public_key(), zerosum_public_key(b)],
                                  'SELECT v FROM spc_vals', 0.5, 0, 1, 1, 2048) FROM ids;
SELECT spc_regress_party.join_run('r1', 2, ARRAY[spc_regress_party.public_key(), zerosum_public_key(b)],
                                  'SELECT v FROM spc_vals', 0.5, 0, 1, 1, 2048) FROM ids;
SELECT spc_regress_party.count('nosuchrun', 0, '\x00');
\set VERBOSITY sqlstate
SELECT secure_percentile_party_setup(NULL, 'spc_regress_coord');
SELECT secure_percentile_party_setup('SELECT 1', NULL);
SELECT secure_percentile_party_setup('SELECT 1', 'spc_regress_coord', NULL);
SELECT secure_percentile_party_setup('SELECT 1', 'spc_no_such_role', 'spc_regress_party');
SELECT secure_percentile_party_setup('SELECT v FROM no_such_table', 'spc_regress_coord', 'spc_regress_party');
SELECT secure_percentile_party_setup('SELECT ''x''::text', 'spc_regress_coord', 'spc_regress_party');
\set VERBOSITY default
DROP SCHEMA spc_regress_party CASCADE;
DROP TABLE spc_vals;
DROP ROLE spc_regress_coord;
