-- Private EigenTrust building blocks in one database: vectors, combine,
-- slices, the coordinator's update, the party wrapper's privileges, the
-- coordinator's checks.
-- The multi-database runs are in test/suites/50-private-eigentrust.sh.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql
CREATE TEMP TABLE pk AS
SELECT name, sk, paillier_pubkey(sk) AS pk FROM test_keys WHERE name IN ('a', 'b');

-- a vector of 4 values, its public header, and back
CREATE TEMP TABLE v AS
SELECT name, private_eigentrust_encrypt_vector(pk, '{0, 1, -5, 1000000000000}', 12) AS vec FROM pk;
SELECT name, (i).kind, (i).count, (i).ciphertexts, (i).scale,
       (i).fingerprint = paillier_fingerprint(pk) AS fp_ok,
       octet_length(vec) AS bytes
FROM (SELECT name, pk, vec, private_eigentrust_vector_info(vec) AS i FROM v JOIN pk USING (name)) s
ORDER BY name;
SELECT name, private_eigentrust_decrypt_vector(vec, sk, 12) AS exact,
       private_eigentrust_decrypt_vector(vec, sk, 11) AS rounded
FROM v JOIN pk USING (name) ORDER BY name;
-- rounding half away from zero
SELECT private_eigentrust_decrypt_vector(private_eigentrust_encrypt_vector(pk, '{149, 150, -150, -149}', 2), sk, 0)
FROM pk WHERE name = 'a';

-- combine adds element-wise; slices cover the vector in order
SELECT private_eigentrust_decrypt_vector(private_eigentrust_combine(pk, ARRAY[vec, vec, vec]), sk, 12) AS times3
FROM v JOIN pk USING (name) WHERE name = 'a';
SELECT private_eigentrust_decrypt_vector(private_eigentrust_vector_slice(pk, vec, 1, 3), sk, 12) AS part1,
       private_eigentrust_decrypt_vector(private_eigentrust_vector_slice(pk, vec, 2, 3), sk, 12) AS part2,
       private_eigentrust_decrypt_vector(private_eigentrust_vector_slice(pk, vec, 3, 3), sk, 12) AS part3
FROM v JOIN pk USING (name) WHERE name = 'a';

-- vectors under another key are refused (22000)
SELECT private_eigentrust_combine(a.pk, ARRAY[va.vec, vb.vec])
FROM pk a, pk b, v va, v vb WHERE a.name = 'a' AND b.name = 'b' AND va.name = 'a' AND vb.name = 'b';
SELECT private_eigentrust_decrypt_vector(vb.vec, a.sk, 12)
FROM pk a, v vb WHERE a.name = 'a' AND vb.name = 'b';
SELECT private_eigentrust_vector_info('\x00'::bytea);
SELECT private_eigentrust_vector_slice(pk, vec, 5, 5) FROM v JOIN pk USING (name) WHERE name = 'a';

-- kind 3 (slots, a paper-mode party's packed partial sums): the same
-- ciphertexts relabelled as one slot of 83 bits each decode alike; such a
-- vector is not sliced (0A000), and a layout that leaves a ciphertext
-- empty is refused
CREATE TEMP TABLE vs AS
SELECT name, set_byte(set_byte(vec, 4, 3), 5, 83) AS vec FROM v WHERE name = 'a';
SELECT (private_eigentrust_vector_info(vec)).kind, (private_eigentrust_vector_info(vec)).ciphertexts,
       private_eigentrust_decrypt_vector(vec, sk, 12) AS slots
FROM vs JOIN pk USING (name);
SELECT private_eigentrust_vector_slice(pk, vec, 1, 2) FROM vs JOIN pk USING (name);
SELECT private_eigentrust_vector_info(overlay(vec PLACING '\x00000003'::bytea FROM 13)) FROM vs;
SELECT private_eigentrust_combine(pk, ARRAY[vs.vec, v.vec]) FROM vs JOIN v USING (name) JOIN pk USING (name);

-- the coordinator's update: peers 1, 2 hosted, 3 not
SELECT * FROM private_eigentrust_next('{3000000000000, 5000000000000, 0}', '{500000000000, 300000000000, 200000000000}',
                                      NULL, '{t, t, f}', 0.15);
SELECT * FROM private_eigentrust_next('{1}', '{1, 2}', NULL, '{t}', 0.15);

-- ratings for the party wrapper
CREATE TABLE pet_ratings (truster bigint, trustee bigint, score double precision);
INSERT INTO pet_ratings VALUES (1, 2, 2), (1, 2, 1), (1, 3, 1), (2, 3, -1), (3, 3, 5);
-- (the paper-mode party, key holder and decryptor sessions: 52_private_eigentrust_paper)

-- the wrapper: SECURITY DEFINER, executable by the coordinator role only
CREATE ROLE pet_regress_coord;
CREATE ROLE pet_regress_other;
SELECT private_eigentrust_party_setup('SELECT truster, trustee, score FROM pet_ratings', 'pet_regress_coord', 'pet_regress_party');
SELECT p.proname, p.prosecdef,
       has_function_privilege('pet_regress_coord', p.oid, 'EXECUTE') AS coord_exec,
       has_function_privilege('pet_regress_other', p.oid, 'EXECUTE') AS other_exec
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'pet_regress_party' ORDER BY 1;
SET ROLE pet_regress_coord;
SELECT hosted FROM pet_regress_party.paper_hello('r0');
SELECT count(*) FROM pet_ratings;
RESET ROLE;
SELECT private_eigentrust_party_setup('SELECT nothing FROM nowhere', 'pet_regress_coord', 'pet_regress_party');
DROP SCHEMA pet_regress_party CASCADE;
DROP ROLE pet_regress_coord;
DROP ROLE pet_regress_other;

-- key holder functions are not for PUBLIC
SELECT p.proname, p.prosecdef, has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec
FROM pg_proc p WHERE p.proname LIKE 'private_eigentrust_key%' ORDER BY 1;

-- the coordinator
SELECT private_eigentrust_display('host=a port=1 password=s3cret dbname=x');
SELECT private_eigentrust_display('postgresql://coord:s3cret@a:5432/x');
SELECT private_eigentrust_display('party_a') AS server_name, private_eigentrust_display('host=a password=''s3 cret'' port') AS broken,
       private_eigentrust_display(NULL) IS NULL AS null_in_null_out;
SELECT * FROM eigentrust_private(ARRAY['dbname=x'], 'dbname=y', 'slow');
SELECT * FROM eigentrust_private(ARRAY['dbname=x'], 'dbname=y', alpha => 0);
SELECT * FROM eigentrust_private(ARRAY['dbname=x'], 'dbname=y');
DROP TABLE pet_ratings;

-- NULL and malformed input: clean ERRORs, never a crash
\set VERBOSITY sqlstate
SELECT * FROM private_eigentrust_next(NULL, '{1}', NULL, '{t}', 0.5);
SELECT * FROM private_eigentrust_next('{1}', NULL, NULL, '{t}', 0.5);
SELECT * FROM private_eigentrust_next('{1}', '{1}', NULL, NULL, 0.5);
SELECT * FROM private_eigentrust_next('{1}', '{1}', NULL, '{t}', NULL);
SELECT * FROM private_eigentrust_next('{1}', '{1}', NULL, '{NULL}', 0.5);
SELECT * FROM private_eigentrust_next('{NULL}', '{1}', NULL, '{t}', 0.5);
SELECT * FROM private_eigentrust_next('{{1}}', '{1}', NULL, '{t}', 0.5);
SELECT * FROM private_eigentrust_next('{1}', '{1}', NULL, '{{t}}', 0.5);
SELECT * FROM private_eigentrust_next('{1}', '{1}', NULL, '{t}', 'NaN');
SELECT * FROM private_eigentrust_next('{1}', '{-1}', NULL, '{t}', 0.5);
SELECT * FROM private_eigentrust_next('{-1}', '{1}', NULL, '{t}', 0.5);
SELECT * FROM private_eigentrust_next('{}', '{}', NULL, '{}', 0.5);
SELECT * FROM private_eigentrust_next('{1}', '{1}', '{-1}', '{t}', 0.5);
SELECT private_eigentrust_encrypt_vector(NULL, '{1}', 12);
SELECT private_eigentrust_encrypt_vector(pk, NULL, 12) FROM pk WHERE name = 'a';
SELECT private_eigentrust_encrypt_vector(pk, '{1}', NULL) FROM pk WHERE name = 'a';
SELECT private_eigentrust_encrypt_vector(pk, '{NULL}', 12) FROM pk WHERE name = 'a';
SELECT private_eigentrust_encrypt_vector(pk, '{1}', -1) FROM pk WHERE name = 'a';
SELECT private_eigentrust_combine(NULL, ARRAY[vec]) FROM v WHERE name = 'a';
SELECT private_eigentrust_combine(pk, NULL) FROM pk WHERE name = 'a';
SELECT private_eigentrust_combine(pk, '{}') FROM pk WHERE name = 'a';
SELECT private_eigentrust_combine(pk, ARRAY[NULL::bytea]) FROM pk WHERE name = 'a';
SELECT private_eigentrust_combine(pk, ARRAY[ARRAY[vec]]) FROM v JOIN pk USING (name) WHERE name = 'a';
SELECT private_eigentrust_combine(pk, ARRAY['\x50455401'::bytea]) FROM pk WHERE name = 'a';
SELECT private_eigentrust_decrypt_vector(NULL, sk, 12) FROM pk WHERE name = 'a';
SELECT private_eigentrust_decrypt_vector(vec, NULL, 12) FROM v WHERE name = 'a';
SELECT private_eigentrust_decrypt_vector(vec, sk, NULL) FROM v JOIN pk USING (name) WHERE name = 'a';
SELECT private_eigentrust_decrypt_vector(vec, sk, 13) FROM v JOIN pk USING (name) WHERE name = 'a';
SELECT private_eigentrust_decrypt_vector('\x'::bytea, sk, 12) FROM pk WHERE name = 'a';
SELECT private_eigentrust_decrypt_vector(substr(vec, 1, 40), sk, 12) FROM v JOIN pk USING (name) WHERE name = 'a';
SELECT private_eigentrust_vector_info(NULL);
SELECT private_eigentrust_vector_info(substr(vec, 1, 27)) FROM v WHERE name = 'a';
SELECT private_eigentrust_vector_slice(NULL, vec, 1, 1) FROM v WHERE name = 'a';
SELECT private_eigentrust_vector_slice(pk, NULL, 1, 1) FROM pk WHERE name = 'a';
SELECT private_eigentrust_vector_slice(pk, vec, NULL, 1) FROM v JOIN pk USING (name) WHERE name = 'a';
SELECT private_eigentrust_vector_slice(pk, vec, 1, NULL) FROM v JOIN pk USING (name) WHERE name = 'a';
SELECT private_eigentrust_vector_slice(pk, vec, 0, 1) FROM v JOIN pk USING (name) WHERE name = 'a';
\set VERBOSITY default

-- masked mode, one party's view: hello, then every bad input to setup
CREATE TABLE pet_m (truster bigint, trustee bigint, score double precision);
INSERT INTO pet_m VALUES (1, 2, 1), (1, 3, 1), (2, 1, 1), (2, 99, 4);
-- the identity of this party and the pinned keys of two others
CREATE TEMP TABLE ident AS SELECT * FROM zerosum_keypair();
CREATE TEMP TABLE known AS SELECT ARRAY[(SELECT public_key FROM zerosum_keypair()), decode(repeat('00', 383) || '04', 'hex')] AS k;
CREATE TEMP TABLE hello AS
SELECT * FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r1', (SELECT private_key FROM ident), (SELECT k FROM known));
SELECT octet_length(public_key) AS key_bytes, hosted FROM hello;
CREATE TEMP TABLE others AS
SELECT k[1] AS k FROM known, private_eigentrust_masked_hello('SELECT 1, 2, 3', NULL, 'other', (SELECT private_key FROM zerosum_keypair()), '{}');
-- that second hello ended run r1 of this session
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r1', 1, ARRAY[h.public_key, o.k, o.k], ARRAY[h.nonce, decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')],
    '{1, 2, 3, 7}', '{t, t, f, t}', NULL, 0.15, 1e-8, 100, false, 1) FROM hello h, others o;
SELECT octet_length(public_key) FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r2', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
-- two parties without allow_two_parties; a duplicate key; our key elsewhere; a peer list without our ids
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r2', 1, ARRAY[o.k, o.k], ARRAY[decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')],
    '{1, 2, 3, 7}', '{t, t, f, t}', NULL, 0.15, 1e-8, 100, false, 1) FROM others o;
\set VERBOSITY sqlstate
SELECT octet_length(public_key) FROM private_eigentrust_masked_hello(NULL, NULL, 'r3', (SELECT private_key FROM ident), '{}');
SELECT octet_length(public_key) FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', NULL, NULL, (SELECT private_key FROM ident), '{}');
SELECT octet_length(public_key) FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', NULL, '', (SELECT private_key FROM ident), '{}');
SELECT octet_length(public_key) FROM private_eigentrust_masked_hello('SELECT 1, NULL::bigint, 1', NULL, 'r3', (SELECT private_key FROM ident), '{}');
SELECT octet_length(public_key) FROM private_eigentrust_masked_hello('SELECT 1, 2, ''NaN''::float8', NULL, 'r3', (SELECT private_key FROM ident), '{}');
SELECT octet_length(public_key) FROM private_eigentrust_masked_hello('SELECT 1, 2', NULL, 'r3', (SELECT private_key FROM ident), '{}');
SELECT octet_length(public_key) FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT NULL::bigint', 'r3', (SELECT private_key FROM ident), '{}');
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r3', 1, NULL, NULL, '{1}', '{t}', NULL, 0.15, 1e-8, 100, false, 1);
SELECT nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r4', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r4', 1, ARRAY[o.k, o.k], ARRAY[:'mynonce'::bytea, decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')], '{1, 2, 3, 7}', '{t, t, f, t}', NULL, 0.15, 1e-8, 100, true, 1) FROM others o;
SELECT nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r4', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r4', 1, ARRAY['\x00'::bytea, o.k, o.k], ARRAY[:'mynonce'::bytea, decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')], '{1, 2, 3, 7}', '{t, t, f, t}', NULL, 0.15, 1e-8, 100, false, 1) FROM others o;
\set VERBOSITY default
-- a well-formed setup returns the round 1 message: 28 + 8 * 4 peers + 2 * 3 tags of 32
SELECT public_key AS mine, nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r5', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT octet_length(private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r5', 1, ARRAY[:'mine'::bytea, o.k, decode(repeat('00', 383) || '04', 'hex')], ARRAY[:'mynonce'::bytea, decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')], '{1, 2, 3, 7}', '{t, t, f, t}', NULL, 0.15, 1e-8, 100, false, 1)) FROM others o;
-- this party's key offered at another place
SELECT public_key AS mine, nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r6', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r6', 1, ARRAY[o.k, :'mine'::bytea, decode(repeat('00', 383) || '04', 'hex')], ARRAY[:'mynonce'::bytea, decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')], '{1, 2, 3, 7}', '{t, t, f, t}', NULL, 0.15, 1e-8, 100, false, 1) FROM others o;
-- a peer this party hosts marked as not hosted
SELECT public_key AS mine, nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r7', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r7', 1, ARRAY[:'mine'::bytea, o.k, decode(repeat('00', 383) || '04', 'hex')], ARRAY[:'mynonce'::bytea, decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')], '{1, 2, 3, 7}', '{t, t, t, f}', NULL, 0.15, 1e-8, 100, false, 1) FROM others o;
-- pre-trust on one peer while the party asks for two (the one-hot t through pre-trust)
SELECT public_key AS mine, nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r8', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r8', 1, ARRAY[:'mine'::bytea, o.k, decode(repeat('00', 383) || '04', 'hex')], ARRAY[:'mynonce'::bytea, decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')], '{1, 2, 3, 7}', '{t, t, f, t}', '{1000000000000, 0, 0, 0}', 0.15, 1e-8, 100, false, 2) FROM others o;
-- a key that this party has not pinned (the coordinator's own key in place of party 3's)
SELECT public_key AS mine, nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r10', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r10', 1, ARRAY[:'mine'::bytea, o.k, (SELECT public_key FROM zerosum_keypair())], ARRAY[:'mynonce'::bytea, decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')], '{1, 2, 3, 7}', '{t, t, f, t}', NULL, 0.15, 1e-8, 100, false, 1) FROM others o;
-- another nonce in this party's place
SELECT public_key AS mine, nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r11', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT private_eigentrust_masked_setup('SELECT * FROM pet_m', 'r11', 1, ARRAY[:'mine'::bytea, o.k, decode(repeat('00', 383) || '04', 'hex')], ARRAY[decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex'), decode(repeat('ab', 32), 'hex')], '{1, 2, 3, 7}', '{t, t, f, t}', NULL, 0.15, 1e-8, 100, false, 1) FROM others o;
\set VERBOSITY sqlstate
-- steps of a run that is not active, and of another party
SELECT private_eigentrust_masked_step('SELECT * FROM pet_m', 'r8', 2, '{}');
SELECT private_eigentrust_masked_final('SELECT * FROM pet_m', 'r8', 2, '{}');
SELECT * FROM private_eigentrust_masked_result('SELECT * FROM pet_m', 'r8', '{}');
SELECT private_eigentrust_masked_unmask('SELECT * FROM pet_m', 'r8', 1, '{}');
SELECT public_key AS mine, nonce AS mynonce FROM private_eigentrust_masked_hello('SELECT * FROM pet_m', 'SELECT 7', 'r9', (SELECT private_key FROM ident), (SELECT k FROM known)) \gset
SELECT private_eigentrust_masked_step('SELECT 1, 2, 3', 'r9', 2, '{}');
SELECT private_eigentrust_masked_step('SELECT * FROM pet_m', 'r9', 2, '{}');
SELECT private_eigentrust_masked_step(NULL, 'r9', 2, '{}');
SELECT private_eigentrust_masked_unmask('SELECT * FROM pet_m', 'r9', 1, '{}');
SELECT private_eigentrust_masked_unmask('SELECT * FROM pet_m', 'r9', NULL, '{}');
SELECT private_eigentrust_masked_final('SELECT * FROM pet_m', 'r9', NULL, '{}');
SELECT * FROM private_eigentrust_masked_result('SELECT * FROM pet_m', NULL, '{}');
-- the coordinator's sum
SELECT * FROM private_eigentrust_masked_sum(NULL, '{NULL, NULL}', 1, '{1}', NULL, '{t}', 0.15);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00", "\\x00"}', '{NULL, NULL}', 1, '{1}', NULL, '{t}', 0.15);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00"}', '{NULL, NULL}', 1, '{1}', NULL, '{t}', 0.15);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00", "\\x00"}', '{NULL, NULL}', 1, '{1}', NULL, '{t}', 2);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00", "\\x00"}', '{NULL, NULL}', 1, '{-1}', NULL, '{t}', 0.15);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00", "\\x00"}', '{NULL, NULL}', 1, '{1}', NULL, '{t, f}', 0.15);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00", NULL}', '{NULL, NULL}', 1, '{1}', NULL, '{t}', 0.15);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00", "\\x00"}', '{NULL, NULL}', 1, '{1}', NULL, NULL, 0.15);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00", "\\x00"}', NULL, 1, '{1}', NULL, '{t}', 0.15);
SELECT * FROM private_eigentrust_masked_sum('{"\\x00", "\\x00"}', '{NULL}', 1, '{1}', NULL, '{t}', 0.15);
-- the coordinator's relay: heads and the exact sum (lo 1, carry 1 here)
CREATE TEMP TABLE pet_relay AS
SELECT k, decode('50454d0101000000' || '0000000000000001' || lpad(to_hex(k), 8, '0') || '00000002' || '00000001'
                 || CASE k WHEN 0 THEN 'ffffffffffffffff' ELSE '0000000000000002' END || '0101'
                 || repeat('00', 132 + 128), 'hex') AS v
FROM generate_series(0, 1) k;
SELECT cardinality(r), octet_length(r[1]), octet_length(r[2]), encode(r[3], 'hex')
FROM (SELECT private_eigentrust_masked_relay(array_agg(v ORDER BY k), 1) r FROM pet_relay) x;
SELECT cardinality(r), r[1] IS NULL, octet_length(r[2])
FROM (SELECT private_eigentrust_masked_relay(ARRAY[NULL, v], 1) r FROM pet_relay WHERE k = 1) x;
SELECT private_eigentrust_masked_relay(array_agg(v ORDER BY k), 2) FROM pet_relay;
SELECT private_eigentrust_masked_relay(array_agg(v ORDER BY k DESC), 1) FROM pet_relay;
SELECT private_eigentrust_masked_relay(NULL, 1);
SELECT private_eigentrust_masked_relay('{"\\x00", "\\x00"}', NULL);
SELECT private_eigentrust_masked_relay('{"\\x00"}', 1);
SELECT private_eigentrust_masked_relay('{"\\x00", "\\x00"}', 1);
-- the masked coordinator's helpers
SELECT private_eigentrust_masked_gather('public', NULL, '{}', '{}', 1, true);
SELECT private_eigentrust_masked_gather('public', '{c1}', '{p1}', '{}', 1, true);
SELECT private_eigentrust_masked_gather('public', '{c1, c2}', '{p1, p2}', '{NULL, NULL}', 1, true);
SELECT private_eigentrust_masked_round('public', '{c1}', '{p1}', 'r', 's', 'masked_step', 2, NULL, NULL, true);
SELECT private_eigentrust_masked_round('public', '{c1}', '{p1}', 'r', 's', 'masked_step', 2, '{}', NULL, true);
SELECT private_eigentrust_masked_dropouts(NULL, 1, '{}', '{}', '{}');
SELECT * FROM private_eigentrust_masked_open(NULL, 'r', '{dbname=x}', 's');
SELECT * FROM private_eigentrust_masked_universe(NULL, NULL);
SELECT * FROM private_eigentrust_masked_universe('{}', NULL);
\set VERBOSITY default
SELECT private_eigentrust_masked_sql('r1', 2, 'round 3', 's.masked_step(''r1'', 3, ''{}''::bytea[])');
SELECT * FROM private_eigentrust_masked_universe('{5, 3}', 'SELECT 7, 1 UNION ALL SELECT 3, 3');
SELECT * FROM private_eigentrust_masked_universe('{5, 3}', NULL);
SELECT private_eigentrust_masked_dropouts(ARRAY['party 1', 'party 2', 'party 3'], 4, ARRAY['\x', '\x', '\x']::bytea[],
       ARRAY['\x01', NULL, '\x01']::bytea[], ARRAY['\x01', NULL, NULL]::bytea[]) AS gone;
-- the party count rule at the coordinator
SELECT * FROM eigentrust_private(ARRAY['dbname=x', 'dbname=y']);
SELECT * FROM eigentrust_private(ARRAY['dbname=x', NULL, 'dbname=z']);
SELECT * FROM eigentrust_private(ARRAY['dbname=x', 'dbname=y', 'dbname=z'], mode => 'paper');
DROP TABLE pet_m;
