-- groups mode of private EigenTrust: placement, the decryptor's per-group
-- keys, members' key checks and receipts, and the decryptor's checks (one
-- session plays three parties: 1 and 2 form group 1, party 3 decrypts it)
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- ---- placement ----
-- two clusters of three: {1,2,3} and {4,5,6}, 1 ms inside, 10 ms between
CREATE TEMP TABLE rtt AS
SELECT array_agg(CASE WHEN i = j THEN 0 WHEN (i <= 3) = (j <= 3) THEN 1 ELSE 10 END ORDER BY i, j)::float8[] AS m
FROM generate_series(1, 6) i, generate_series(1, 6) j;
SELECT q.grp[1] = q.grp[2] AND q.grp[2] = q.grp[3] AND q.grp[4] = q.grp[5] AND q.grp[5] = q.grp[6]
       AND q.grp[1] <> q.grp[4] AS clusters_found,
       (SELECT array_agg(x ORDER BY x) FROM unnest(q.pos) x) AS positions, q.changed
FROM rtt, private_eigentrust_groups_place(rtt.m, 2, 'kmeans', 7) q;
-- reproducible from the seed
SELECT (SELECT row(q.*) FROM private_eigentrust_groups_place(m, 2, 'random', 42) q)
     = (SELECT row(q.*) FROM private_eigentrust_groups_place(m, 2, 'random', 42) q) AS same_seed_same_groups,
       (SELECT array_agg(c ORDER BY g) FROM (SELECT g, count(*) c FROM unnest((private_eigentrust_groups_place(m, 2, 'random', 42)).grp) g GROUP BY g) s) AS random_sizes,
       (SELECT array_agg(c ORDER BY g) FROM (SELECT g, count(*) c FROM unnest((private_eigentrust_groups_place(m, 3, 'greedy', 1)).grp) g GROUP BY g) s) AS greedy_sizes
FROM rtt;
-- a 2-D matrix works too
SELECT grp, pos FROM private_eigentrust_groups_place('{{0,1,9,9},{1,0,9,9},{9,9,0,1},{9,9,1,0}}', 2, 'kmeans', 1);
-- bad input
SELECT private_eigentrust_groups_place('{0,1,1}', 1, 'kmeans', 1);
SELECT private_eigentrust_groups_place('{0,-1,-1,0}', 1, 'kmeans', 1);
SELECT private_eigentrust_groups_place('{0,1,2,0}', 1, 'kmeans', 1);
SELECT private_eigentrust_groups_place('{0,1,1,0}', 3, 'kmeans', 1);
SELECT private_eigentrust_groups_place('{0,1,1,0}', 1, 'nearest', 1);
SELECT private_eigentrust_groups_place('{0,1,NULL,0}', 1, 'kmeans', 1);
SELECT private_eigentrust_groups_place(NULL, 1, 'kmeans', 1);

-- adaptive balancing: chain 1 (4 members) took 10 s, chains 2 and 3 1 s each
SELECT * FROM private_eigentrust_groups_adapt('{1,1,1,1,2,2,3,3}', '{1,2,3,4,1,2,1,2}', '{10,1,1}', 2);
-- nothing to do
SELECT * FROM private_eigentrust_groups_adapt('{1,1,2,2}', '{1,2,1,2}', '{1,1}', 2);
-- a party outside every chain (0) stays out
SELECT * FROM private_eigentrust_groups_adapt('{1,0,1,2,2}', '{1,0,2,1,2}', '{1,1}', 2);
-- bad input
SELECT private_eigentrust_groups_adapt('{1,1}', '{1,1}', '{1}', 2);
SELECT private_eigentrust_groups_adapt('{1,2}', '{1,1}', '{1}', 2);
SELECT private_eigentrust_groups_adapt('{1,1}', '{1,2,3}', '{1}', 2);
SELECT private_eigentrust_groups_adapt('{1,1}', '{1,2}', '{1}', 0);
SELECT private_eigentrust_groups_adapt('{1,1}', '{1,2}', '{-1}', 2);
SELECT private_eigentrust_groups_adapt('{1,1}', '{1,2}', NULL, 2);

-- ---- keys, t, receipts, decryption, tagged aggregates ----
CREATE TEMP TABLE ids AS SELECT i, k AS priv, zerosum_public_key(k) AS pub
FROM generate_series(1, 4) i, LATERAL (SELECT zerosum_keygen() AS k WHERE i > 0) z;
SELECT count(DISTINCT pub) AS distinct_identities FROM ids;
CREATE TEMP TABLE run AS SELECT (SELECT array_agg(pub ORDER BY i) FROM ids WHERE i <= 3) AS pubs;
CREATE FUNCTION pg_temp.id(integer) RETURNS bytea LANGUAGE sql AS 'SELECT priv FROM ids WHERE i = $1';
CREATE FUNCTION pg_temp.pub(integer) RETURNS bytea LANGUAGE sql AS 'SELECT pub FROM ids WHERE i = $1';
-- the public inputs (peers 1 and 2, uniform pre-trust, alpha 0.5), and for
-- the decryptor the hosting party of each peer and, in round 1, no previous round
\set pin '''{1,2}''::bigint[], NULL::bigint[], 0.5::float8'
\set r1 '''{1,2}''::bigint[], NULL::bigint[], 0.5::float8, ''{1,2}''::integer[], NULL::bigint[], ''{}''::bytea[]'
-- the decryptor (party 3) makes the key of group 1 = parties 1, 2 in round 1:
-- t is the pre-trust, encrypted by the decryptor
CREATE TEMP TABLE k AS
SELECT q.* FROM run, private_eigentrust_groups_key(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs,
    ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048, :r1) q;
SELECT paillier_bits(key), t, octet_length(enc_t) > 0 AS has_enc_t, cardinality(tags) AS tags,
       octet_length(tags[1]) AS tag_bytes FROM k;
-- each member checks its tag over the key, Enc(t) and the public inputs
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2, k.enc_t, :pin),
       private_eigentrust_groups_check_key(pg_temp.id(2), 'r1', 1, 1, 2, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[2], 2, k.enc_t, :pin)
FROM run, k;
-- the other member's tag, another round, another member list, an unpinned
-- decryptor, a bigger minimum, a key of another group, a group without the
-- decryptor's ..., the wrong self: refused
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[2], 2, k.enc_t, :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 2, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2, k.enc_t, :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{2,1}', k.key, k.tags[1], 2, k.enc_t, :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(2)], 3, '{1,2}', k.key, k.tags[1], 2, k.enc_t, :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 3, k.enc_t, :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 2, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2, k.enc_t, :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,3}', k.key, k.tags[1], 2, k.enc_t, :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 2, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2, k.enc_t, :pin) FROM run, k;
-- a one-hot t under the real key, the same t re-encrypted by someone else,
-- another pre-trust, another alpha: refused before any computation on them
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2,
    private_eigentrust_encrypt_vector(k.key, '{1000000000000,0}', 12), :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2,
    private_eigentrust_encrypt_vector(k.key, k.t, 12), :pin) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2, k.enc_t,
    '{1,2}', '{1000000000000,0}', 0.5) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2, k.enc_t,
    '{1,2}', NULL, 1.0) FROM run, k;
SELECT private_eigentrust_groups_check_key(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, ARRAY[pg_temp.pub(3)], 3, '{1,2}', k.key, k.tags[1], 2, k.enc_t,
    '{1,2}', NULL, 0) FROM run, k;
-- the chain: party 1 adds (1, 2), party 2 adds (30, 40)
CREATE TEMP TABLE chain AS
SELECT k.enc_t,
       private_eigentrust_encrypt_vector(key, '{1,2}', 13) AS m1,
       private_eigentrust_encrypt_vector(key, '{30,40}', 13) AS own2
FROM k;
ALTER TABLE chain ADD m2 bytea;
UPDATE chain SET m2 = private_eigentrust_combine((SELECT key FROM k), ARRAY[m1, own2]);
-- a member's factor: one ciphertext pair per peer; bad arguments refused
SELECT octet_length(private_eigentrust_groups_contribution('SELECT 1::bigint, 2::bigint, 1.0::float8', 'r1',
           k.key, '{1,2}', '{500000000000,500000000000}', chain.enc_t))
       = octet_length(chain.enc_t) AS contribution_has_its_size
FROM k, chain;
SELECT private_eigentrust_groups_contribution(NULL, 'r1', k.key, '{1,2}', '{1,1}', chain.enc_t) FROM k, chain;
SELECT private_eigentrust_groups_contribution('SELECT 1::bigint, 2::bigint, 1.0::float8', 'r1', k.key, '{1,2}', '{1}', chain.enc_t) FROM k, chain;
SELECT private_eigentrust_groups_contribution('SELECT 1::bigint, 2::bigint, 1.0::float8', 'r1', k.key, '{2,1}', NULL, chain.enc_t) FROM k, chain;
SELECT private_eigentrust_groups_contribution('SELECT 1::bigint, 2::bigint, 1.0::float8', 'r1', k.key, '{1,2}', '{1,1}', '\x00') FROM k, chain;
CREATE TEMP TABLE rc AS
SELECT private_eigentrust_groups_receipt(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, 3, '{1,2}', k.key, chain.enc_t, NULL, chain.m1) AS r1,
       private_eigentrust_groups_receipt(pg_temp.id(2), 'r1', 1, 1, 2, run.pubs, 3, '{1,2}', k.key, chain.enc_t, chain.m1, chain.m2) AS r2,
       private_eigentrust_groups_receipt(pg_temp.id(2), 'r1', 1, 1, 2, run.pubs, 3, '{1,2}', k.key,
           private_eigentrust_encrypt_vector(k.key, '{6,6}', 12), chain.m1, chain.m2) AS r2_other_t
FROM run, k, chain;
SELECT octet_length(r1) FROM rc;
-- the decryptor refuses: a missing member, receipts out of order, another
-- Enc(t) than its own, an aggregate that is not the chain's, another group
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[rc.r2], chain.m2) FROM run, rc, chain;
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[rc.r2, rc.r1], chain.m2) FROM run, rc, chain;
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[rc.r1, rc.r2_other_t], chain.m2) FROM run, rc, chain;
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[rc.r1, rc.r2], chain.m1) FROM run, rc, chain;
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 1, 2, 3, run.pubs, ARRAY[rc.r1, rc.r2], chain.m2) FROM run, rc, chain;
-- a forged receipt tag
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs,
    ARRAY[rc.r1, overlay(rc.r2 placing '\x00' from 100)], chain.m2) FROM run, rc, chain;
-- the genuine chain: (1 + 30, 2 + 40), once, with its tagged aggregate
CREATE TEMP TABLE agg1 AS
SELECT d.* FROM run, rc, chain,
    private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[rc.r1, rc.r2], chain.m2) d;
SELECT sums, octet_length(aggregate) AS aggregate_bytes FROM agg1;
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[rc.r1, rc.r2], chain.m2) FROM run, rc, chain;
-- no second aggregate holding party 1 or 2 in round 1 here
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 1, 5, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{2,1}', 2048, :r1)).tags IS NOT NULL FROM run;
-- round 2's t from that aggregate does not sum to 1 (parties 1 and 2 host
-- both peers, but (31, 42) is not what their rows give): refused
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', k.t, ARRAY[agg1.aggregate])).t FROM run, k, agg1;
-- key requests refused: a group of one, the decryptor in its group, an
-- unpinned member, a wrong self, a foreign identity, bad numbers, NULLs
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1)], '{1}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1)], '{1,3}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1)], '{1,2}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 2, run.pubs, ARRAY[pg_temp.pub(1)], '{1,3}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(4), 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,4}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,1}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 0, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 512, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key('\x01', 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1)], '{1,2}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), '', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1)], '{1,2}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, ARRAY['\x01'::bytea], ARRAY[pg_temp.pub(1)], '{1,2}', 2048, :r1)).tags IS NOT NULL;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, run.pubs, NULL, '{1,2}', 2048, :r1)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', NULL, NULL)).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{2,1}', NULL, 0.5, '{1,2}', NULL, '{}')).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 1.5, '{1,2}', NULL, '{}')).tags IS NOT NULL FROM run;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r1', 1, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', '{1,1}', '{}')).tags IS NOT NULL FROM run;
SELECT private_eigentrust_groups_receipt(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, 1, '{1,2}', k.key, '\x00', NULL, '\x00') FROM run, k;
SELECT private_eigentrust_groups_receipt(pg_temp.id(1), 'r1', 1, 1, 1, run.pubs, 3, '{1,2}', k.key, NULL, NULL, '\x00') FROM run, k;
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r1', 2, 1, 3, run.pubs, ARRAY['\x00'::bytea], '\x00') FROM run;

-- ---- a genuine round 1 and the next round's t ----
-- party 1 hosts peer 1 (rates 2), party 2 hosts peer 2 (rates 1)
CREATE TEMP TABLE g AS
SELECT q.* FROM run, private_eigentrust_groups_key(pg_temp.id(3), 'r3', 1, 1, 3, run.pubs,
    ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048, :r1) q;
CREATE TEMP TABLE gc AS
SELECT private_eigentrust_groups_contribution('SELECT 1::bigint, 2::bigint, 1.0::float8', 'r3', g.key, '{1,2}', NULL, g.enc_t) AS m1
FROM g;
ALTER TABLE gc ADD m2 bytea;
UPDATE gc SET m2 = private_eigentrust_combine(g.key, ARRAY[gc.m1,
    private_eigentrust_groups_contribution('SELECT 2::bigint, 1::bigint, 1.0::float8', 'r3', g.key, '{1,2}', NULL, g.enc_t)]) FROM g;
CREATE TEMP TABLE agg3 AS
SELECT d.* FROM run, g, gc,
    private_eigentrust_groups_decrypt(pg_temp.id(3), 'r3', 1, 1, 3, run.pubs, ARRAY[
        private_eigentrust_groups_receipt(pg_temp.id(1), 'r3', 1, 1, 1, run.pubs, 3, '{1,2}', g.key, g.enc_t, NULL, gc.m1),
        private_eigentrust_groups_receipt(pg_temp.id(2), 'r3', 1, 1, 2, run.pubs, 3, '{1,2}', g.key, g.enc_t, gc.m1, gc.m2)], gc.m2) d;
SELECT sums FROM agg3;
-- round 2: the decryptor (again party 3, reading its own tag) derives t
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', g.t, ARRAY[agg3.aggregate])).t AS round2_t FROM run, g, agg3;
-- refused: a forged aggregate, the round-1 aggregate replayed into round 3,
-- no aggregate, the aggregate twice, another previous t, another pre-trust
-- or alpha than its decryptor tagged, a peer's host misnamed (party 2's peer
-- counted as no party's: sum t would be 1.25)
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', g.t, ARRAY[overlay(agg3.aggregate placing '\x01' from 40)])).t FROM run, g, agg3;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 3, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', g.t, ARRAY[agg3.aggregate])).t FROM run, g, agg3;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', g.t, '{}')).t FROM run, g;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', g.t, ARRAY[agg3.aggregate, agg3.aggregate])).t FROM run, g, agg3;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,2}', '{500000000001,499999999999}', ARRAY[agg3.aggregate])).t FROM run, agg3;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', '{2,1}', 0.5, '{1,2}', g.t, ARRAY[agg3.aggregate])).t FROM run, g, agg3;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.25, '{1,2}', g.t, ARRAY[agg3.aggregate])).t FROM run, g, agg3;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,0}', g.t, ARRAY[agg3.aggregate])).t FROM run, g, agg3;
SELECT (private_eigentrust_groups_key(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048,
    '{1,2}', NULL, 0.5, '{1,5}', g.t, ARRAY[agg3.aggregate])).t FROM run, g, agg3;
-- a new run in this session drops the old run's keys (round 2's of r3)
SELECT paillier_bits((private_eigentrust_groups_key(pg_temp.id(3), 'r4', 1, 1, 3, run.pubs, ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048, :r1)).key) FROM run;
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r3', 2, 1, 3, run.pubs, ARRAY[rc.r1, rc.r2], chain.m2) FROM run, rc, chain;

-- ---- releases (run r5, four parties): party 1 contributes to decryptor 3's
-- chain {1,2}; decryptor 4's chain {1,3} is refused until decryptor 3 has
-- released its chain ----
CREATE TEMP TABLE run4 AS SELECT (SELECT array_agg(pub ORDER BY i) FROM ids) AS pubs;
CREATE TEMP TABLE k5 AS
SELECT 3 AS dr, 1 AS g, '{1,2}'::integer[] AS m, q.* FROM run4, private_eigentrust_groups_key(pg_temp.id(3), 'r5', 1, 1, 3, run4.pubs,
    ARRAY[pg_temp.pub(1), pg_temp.pub(2)], '{1,2}', 2048, :r1) q;
INSERT INTO k5
SELECT 4, 2, '{1,3}', q.* FROM run4, private_eigentrust_groups_key(pg_temp.id(4), 'r5', 1, 2, 4, run4.pubs,
    ARRAY[pg_temp.pub(1), pg_temp.pub(3)], '{1,3}', 2048, :r1) q;
SELECT g, private_eigentrust_groups_check_key(pg_temp.id(1), 'r5', 1, g, 1, run4.pubs, ARRAY[pg_temp.pub(dr)], dr, m, key, tags[1], 2, enc_t, :pin)
FROM run4, k5 WHERE g = 1;
SELECT g, private_eigentrust_groups_check_key(pg_temp.id(1), 'r5', 1, g, 1, run4.pubs, ARRAY[pg_temp.pub(dr)], dr, m, key, tags[1], 2, enc_t, :pin)
FROM run4, k5 WHERE g = 2;
-- decryptor 3 releases group 1: its members in chain order, one tag each
CREATE TEMP TABLE rel5 AS SELECT q.* FROM run4, private_eigentrust_groups_release(pg_temp.id(3), 'r5', 1, 1, 3, run4.pubs) q;
SELECT members, cardinality(tags) AS tags, octet_length(tags[1]) AS tag_bytes FROM rel5;
-- asked again: the same releases
SELECT (SELECT tags FROM rel5) = q.tags AS same_releases FROM run4, private_eigentrust_groups_release(pg_temp.id(3), 'r5', 1, 1, 3, run4.pubs) q;
-- refused: a forged release, party 2's release shown by party 1, another
-- round, another group, another member order, another key, another
-- decryptor; party 2, which never contributed; bad arguments
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 3, '{1,2}', k5.key, overlay(rel5.tags[1] placing '\x00' from 1)) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 3, '{1,2}', k5.key, rel5.tags[2]) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 2, 1, 1, run4.pubs, 3, '{1,2}', k5.key, rel5.tags[1]) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 2, 1, run4.pubs, 3, '{1,2}', k5.key, rel5.tags[1]) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 3, '{2,1}', k5.key, rel5.tags[1]) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 3, '{1,2}', k5.key, rel5.tags[1]) FROM run4, k5, rel5 WHERE g = 2;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 4, '{1,2}', k5.key, rel5.tags[1]) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(2), 'r5', 1, 1, 2, run4.pubs, 3, '{1,2}', k5.key, rel5.tags[2]) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 1, '{1,2}', k5.key, rel5.tags[1]) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 3, '{1,1}', k5.key, rel5.tags[1]) FROM run4, k5, rel5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 3, '{1,2}', k5.key, NULL) FROM run4, k5 WHERE g = 1;
SELECT private_eigentrust_groups_released(pg_temp.id(2), 'r5', 1, 1, 1, run4.pubs, 3, '{1,2}', k5.key, rel5.tags[1]) FROM run4, k5, rel5 WHERE g = 1;
-- still refused after those
SELECT g, private_eigentrust_groups_check_key(pg_temp.id(1), 'r5', 1, g, 1, run4.pubs, ARRAY[pg_temp.pub(dr)], dr, m, key, tags[1], 2, enc_t, :pin)
FROM run4, k5 WHERE g = 2;
-- the genuine release: party 1's contribution to {1,2} no longer counts (once)
SELECT private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 3, '{1,2}', k5.key, rel5.tags[1]) AS released,
       private_eigentrust_groups_released(pg_temp.id(1), 'r5', 1, 1, 1, run4.pubs, 3, '{1,2}', k5.key, rel5.tags[1]) AS again
FROM run4, k5, rel5 WHERE g = 1;
SELECT g, private_eigentrust_groups_check_key(pg_temp.id(1), 'r5', 1, g, 1, run4.pubs, ARRAY[pg_temp.pub(dr)], dr, m, key, tags[1], 2, enc_t, :pin)
FROM run4, k5 WHERE g = 2;
-- the released chain is never decrypted; no key for that group or round
-- here, the wrong self, bad arguments
SELECT private_eigentrust_groups_decrypt(pg_temp.id(3), 'r5', 1, 1, 3, run4.pubs, ARRAY['\x00'::bytea], '\x00') FROM run4;
SELECT private_eigentrust_groups_release(pg_temp.id(3), 'r5', 1, 9, 3, run4.pubs) FROM run4;
SELECT private_eigentrust_groups_release(pg_temp.id(3), 'r5', 2, 1, 3, run4.pubs) FROM run4;
SELECT private_eigentrust_groups_release(pg_temp.id(3), 'r5', 1, 1, 2, run4.pubs) FROM run4;
SELECT private_eigentrust_groups_release(pg_temp.id(3), 'r5', 0, 1, 3, run4.pubs) FROM run4;
SELECT private_eigentrust_groups_release(pg_temp.id(3), NULL, 1, 1, 3, run4.pubs) FROM run4;

-- ---- the coordinator's gather on no connections ----
SELECT * FROM private_eigentrust_groups_gather('public', '{}', '{}');
-- a connection that is not there does not answer; releases need every argument
-- and contribution arrays of one length, and with no pending group release nothing
SELECT private_eigentrust_groups_answers('public', NULL), private_eigentrust_groups_answers('public', 'no_such_conn');
SELECT private_eigentrust_groups_answers(NULL, 'c');
SELECT private_eigentrust_groups_release_chains('public', '{}', '{}', 'r1', 1, 1, '{}', '{}', '{}', '{}', '{}',
    '{1,2}', '{1,1}', '{1,1}', '{t,t}', 'private_eigentrust_party', false);
SELECT private_eigentrust_groups_release_chains('public', '{}', '{}', 'r1', 1, 1, '{}', '{}', '{}', '{}', '{}',
    '{1,2}', '{1}', '{1,1}', '{t,t}', 'private_eigentrust_party', false);
SELECT private_eigentrust_groups_release_chains('public', '{}', '{}', NULL, 1, 1, '{}', '{}', '{}', '{}', '{}',
    '{}', '{}', '{}', '{}', 'private_eigentrust_party', false);

-- ---- the options eigentrust_private_groups shares with eigentrust_private ----
-- (two public entry points declare them; their types and defaults must agree)
WITH a AS (
    SELECT f, btrim(x) AS arg
    FROM unnest(ARRAY['eigentrust_private', 'eigentrust_private_groups']) f,
         regexp_split_to_table(pg_get_function_arguments(f::regproc), ',(?![^(]*\))') x)
SELECT count(*) AS shared,
       count(*) FILTER (WHERE g.arg IN (SELECT arg FROM a WHERE f = 'eigentrust_private')) AS same
FROM a g
WHERE g.f = 'eigentrust_private_groups'
  AND split_part(g.arg, ' ', 1) IN ('parties', 'alpha', 'epsilon', 'max_iter', 'pretrust_sql', 'key_bits', 'party_schema');

-- ---- setup and the coordinator's argument checks ----
SELECT private_eigentrust_groups_party_setup(NULL, 'postgres');
SELECT private_eigentrust_groups_party_setup('SELECT 1, 2, 3.0', current_user, min_group_size => 1);
SELECT private_eigentrust_groups_party_setup('SELECT 1, 2, 3.0', current_user, 'no_such_party_schema');
SELECT * FROM eigentrust_private_groups(ARRAY['a', 'b', 'c', 'd'], groups => 1);
SELECT * FROM eigentrust_private_groups(ARRAY['a', 'b', 'c', 'd'], groups => 3);
SELECT * FROM eigentrust_private_groups(ARRAY['a', 'b', 'c', 'd'], placement => 'nearest');
SELECT * FROM eigentrust_private_groups(ARRAY['a', 'b', 'c', 'd'], min_group_size => 1);
SELECT * FROM eigentrust_private_groups(ARRAY['a', 'b', 'c', 'd'], alpha => 0);
SELECT * FROM eigentrust_private_groups(ARRAY['a', NULL, 'c', 'd']);
SELECT * FROM eigentrust_private_groups(ARRAY['a', 'b', 'c', 'd'], seed => NULL);
SELECT * FROM eigentrust_private(ARRAY['a', 'b', 'c', 'd'], mode => 'groups', key_holder => 'kh');
SELECT * FROM eigentrust_private(ARRAY['a', 'b', 'c', 'd'], groups => 2);
-- without dblink: the hint
SELECT * FROM eigentrust_private(ARRAY['a', 'b', 'c', 'd'], mode => 'groups');
