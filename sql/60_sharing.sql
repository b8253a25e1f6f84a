-- Secret sharing: Shamir t-of-n and zero-sum masks.
-- Shares, keys and masks are random: every check prints booleans or counts.

-- ================= Shamir =================

SELECT shamir_prime() = 2::numeric ^ 521 - 1 AS prime_is_2_521_minus_1;

-- Exact round trips over many random secrets, small and huge, signed,
-- each from a random subset of exactly t of its n shares.
CREATE TEMP TABLE secrets AS
SELECT i,
       (CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END) * d.digits::numeric AS s,
       2 + i % 7 AS n
FROM generate_series(1, 300) AS i,
     LATERAL (SELECT string_agg(floor(random() * 10)::int::text, '')
              FROM generate_series(0, i % 156) WHERE i > 0) AS d(digits);
INSERT INTO secrets VALUES (301, 2::numeric ^ 520 - 1, 4), (302, -(2::numeric ^ 520 - 1), 4),
                           (303, 0, 1), (304, 1, 3), (305, -1, 3);
CREATE TEMP TABLE split AS
SELECT i, s, n, 1 + i % n AS t, sp.x, sp.share
FROM secrets, LATERAL shamir_split(s, n, 1 + i % n) AS sp;

SELECT count(DISTINCT i) AS secrets,
       bool_and(shamir_share_t(share) = t) AS thresholds_stored,
       bool_and(shamir_share_x(share) = x) AS points_stored,
       count(*) = (SELECT sum(n) FROM secrets) AS all_shares
FROM split;

SELECT count(*) AS secrets,
       count(*) FILTER (WHERE got = s) AS exact
FROM (SELECT s.i, s.s,
             (SELECT shamir_combine(q.share)
              FROM (SELECT share FROM split p WHERE p.i = s.i ORDER BY random()
                    LIMIT (SELECT max(t) FROM split p2 WHERE p2.i = s.i)) AS q) AS got
      FROM secrets s) AS r;

-- the array form and the (x, share) aggregate agree; all n shares also work
SELECT bool_and(a = s AND b = s AND c = s) AS all_forms_exact
FROM (SELECT i, s,
             shamir_combine(array_agg(share)) AS a,
             shamir_combine(array_agg(x), array_agg(share)) AS b,
             shamir_combine(x, share) AS c
      FROM split GROUP BY i, s) AS r;

-- Thresholds: every subset of exactly t = 3 of 5 shares succeeds,
-- every subset of t - 1 = 2 fails.
CREATE TEMP TABLE sh AS SELECT * FROM shamir_split(-987654321987654321, 5, 3);
SELECT count(*) AS subsets_of_3,
       count(*) FILTER (WHERE shamir_combine(ARRAY[a.share, b.share, c.share]) = -987654321987654321) AS exact
FROM sh a JOIN sh b ON a.x < b.x JOIN sh c ON b.x < c.x;
CREATE FUNCTION pg_temp.combine_fails(shares shamir_share[]) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM shamir_combine(shares);
	RETURN 'succeeded';
EXCEPTION WHEN invalid_parameter_value THEN
	RETURN SQLERRM;
END $$;
SELECT pg_temp.combine_fails(ARRAY[a.share, b.share]) AS two_shares, count(*)
FROM sh a JOIN sh b ON a.x < b.x GROUP BY 1;
SELECT shamir_combine(share) FROM sh WHERE x IN (2, 5);
SELECT shamir_combine(x, share) FROM sh WHERE x = 4;
-- NULL shares are skipped by the aggregate; no rows give NULL
SELECT shamir_combine(CASE WHEN x <= 3 THEN share END) = -987654321987654321 AS nulls_skipped FROM sh;
SELECT shamir_combine(share) IS NULL AS empty_is_null FROM sh WHERE false;

-- Linearity: shares of a plus shares of b are shares of a + b.
CREATE TEMP TABLE sa AS SELECT * FROM shamir_split(123456789012345678901234567890, 4, 2);
CREATE TEMP TABLE sb AS SELECT * FROM shamir_split(-23456789012345678901234567891, 4, 2);
SELECT shamir_combine(sa.share + sb.share) = 123456789012345678901234567890 - 23456789012345678901234567891
       AS linear
FROM sa JOIN sb USING (x) WHERE x IN (1, 4);
-- and for many secrets at once: sum(shamir_share) per point, then combine
-- (the 43 secrets with n = 7 all have t = 6)
SELECT shamir_combine(x, total) = (SELECT sum(s) FROM secrets WHERE n = 7) AS sum_of_43_secrets
FROM (SELECT x, sum(share) AS total FROM split WHERE n = 7 GROUP BY x) AS per_point
WHERE x IN (1, 2, 3, 5, 6, 7);

-- text and binary forms round-trip
SELECT bool_and(share::text::shamir_share::text = share::text) AS text_round_trip,
       bool_and(length(shamir_share_send(share)) = 75) AS binary_size
FROM split;
CREATE TEMP TABLE bin_in (share shamir_share);
DO $$
DECLARE f text := '/tmp/mpc_sharing_regress_' || pg_backend_pid() || '.bin';
BEGIN
	EXECUTE format('COPY (SELECT share FROM split ORDER BY i, x) TO %L (FORMAT binary)', f);
	EXECUTE format('COPY bin_in FROM PROGRAM %L (FORMAT binary)', format('cat %s && rm -f %s', f, f));
END $$;
SELECT (SELECT array_agg(share::text) FROM bin_in)
       = (SELECT array_agg(share::text ORDER BY i, x) FROM split) AS binary_round_trip;
SELECT '(3,2,17)'::shamir_share AS share, shamir_share(3, 2, 17)::text = '(3,2,17)' AS built;
SELECT shamir_combine(ARRAY['(1,2,5)', '(2,2,7)']::shamir_share[]) AS line_through_5_7_at_0;
-- more than t shares must lie on one polynomial: a bad one is caught
SELECT shamir_combine(ARRAY['(1,2,5)', '(2,2,7)', '(3,2,9)']::shamir_share[]) AS consistent;
SELECT shamir_combine(ARRAY['(1,2,5)', '(2,2,7)', '(3,2,10)']::shamir_share[]);
SELECT count(*) AS tampered_subsets_of_4, count(*) FILTER (WHERE r LIKE '%inconsistent%') AS caught
FROM (SELECT pg_temp.combine_fails(ARRAY(SELECT CASE WHEN x = bad THEN share + shamir_share(x, 3, 1) ELSE share END
                                         FROM sh WHERE x <> skip ORDER BY x)) AS r
      FROM generate_series(1, 5) AS bad, generate_series(1, 5) AS skip WHERE bad <> skip) AS q;

-- Errors
SELECT * FROM shamir_split(1, 3, 4);
SELECT * FROM shamir_split(1, 3, 0);
SELECT * FROM shamir_split(1, 0, 1);
SELECT * FROM shamir_split(1, -2, -3);
SELECT * FROM shamir_split(1, 10001, 2);
SELECT * FROM shamir_split(2::numeric ^ 520, 3, 2);
SELECT * FROM shamir_split(-(2::numeric ^ 520), 3, 2);
SELECT * FROM shamir_split(1.5, 3, 2);
SELECT * FROM shamir_split('NaN', 3, 2);
SELECT shamir_combine(ARRAY[(SELECT share FROM sh WHERE x = 1), (SELECT share FROM sh WHERE x = 1),
                            (SELECT share FROM sh WHERE x = 2)]);
SELECT shamir_combine(ARRAY['(1,2,5)', '(2,3,7)', '(3,3,9)']::shamir_share[]);
SELECT shamir_combine(ARRAY[]::shamir_share[]);
SELECT shamir_combine(ARRAY['(1,1,5)', NULL]::shamir_share[]);
SELECT shamir_combine(ARRAY[1, 3], ARRAY['(1,2,5)', '(2,2,7)']::shamir_share[]);
SELECT shamir_combine(ARRAY[1], ARRAY['(1,2,5)', '(2,2,7)']::shamir_share[]);
SELECT shamir_combine(x + 1, share) FROM sh;
SELECT '(1,2,6864797660130609714981900799081393217269435300143305409394463459185543183397656052122559640661454554977296311391480858037121987999716643812574028291115057151)'::shamir_share;
SELECT shamir_share(1, 2, 2::numeric ^ 521 - 1);
SELECT shamir_share(1, 2, -1);
SELECT shamir_share(0, 2, 1);
SELECT shamir_share(1, 0, 1);
SELECT '(1,2)'::shamir_share;
SELECT '(1,2,x)'::shamir_share;
SELECT '(-1,2,3)'::shamir_share;
SELECT '(1,2,3) junk'::shamir_share;
SELECT '(99999999999,2,3)'::shamir_share;
SELECT '(1,10001,3)'::shamir_share;
SELECT ' (1,2,3) '::shamir_share AS spaces_around_ok;
SELECT '(1,2,5)'::shamir_share + '(2,2,5)'::shamir_share;
SELECT '(1,2,5)'::shamir_share + '(1,3,5)'::shamir_share;

-- the share aggregates run in parallel (partial and combine steps)
CREATE TABLE par_shares AS
SELECT g, s.x, s.share FROM generate_series(1, 4000) AS g, LATERAL shamir_split(g, 5, 3) AS s;
ANALYZE par_shares;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT x, sum(share) FROM par_shares GROUP BY x;
SELECT shamir_combine(x, total) = 4000 * 4001 / 2 AS parallel_sums_exact
FROM (SELECT x, sum(share) AS total FROM par_shares GROUP BY x) AS q WHERE x <> 2;
EXPLAIN (COSTS OFF) SELECT shamir_combine(share) FROM par_shares;
SELECT count(*) FILTER (WHERE c = g) AS parallel_combines_exact
FROM (SELECT g, shamir_combine(x, share) AS c FROM par_shares GROUP BY g) AS q;
-- one secret in 3000 shares: workers' partial states are serialised and combined
CREATE TABLE par_one AS SELECT * FROM shamir_split(-777, 3000, 5);
ANALYZE par_one;
EXPLAIN (COSTS OFF) SELECT shamir_combine(x, share) FROM par_one;
SELECT shamir_combine(x, share) AS parallel_whole_table FROM par_one;
DROP TABLE par_one;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
DROP TABLE par_shares;

-- the support functions refuse another aggregate's internal state
CREATE AGGREGATE confused_combine(numeric) (SFUNC = numeric_avg_accum, STYPE = internal,
                                            FINALFUNC = shamir_combine_finalfn);
SELECT confused_combine(x) FROM (VALUES (1::numeric), (2)) v(x);
DROP AGGREGATE confused_combine(numeric);

-- the SQLSTATE of each kind of error
\set VERBOSITY sqlstate
SELECT * FROM shamir_split(1, 3, 4);                              -- t > n
SELECT * FROM shamir_split(2::numeric ^ 520, 3, 2);               -- secret outside the field
SELECT * FROM shamir_split(0.5, 3, 2);                            -- not an integer
SELECT * FROM shamir_split('NaN', 3, 2);                          -- not a number
SELECT shamir_combine(ARRAY['(1,2,5)']::shamir_share[]);          -- fewer than t
SELECT shamir_combine(ARRAY['(1,2,5)', '(1,2,6)']::shamir_share[]); -- duplicate x
SELECT '(1,2,x)'::shamir_share;                                   -- malformed text
SELECT '(1,2,6864797660130609714981900799081393217269435300143305409394463459185543183397656052122559640661454554977296311391480858037121987999716643812574028291115057151)'::shamir_share;
SELECT shamir_share(1, 2, -1);                                    -- share outside the field
SELECT '(1,2,5)'::shamir_share + '(2,2,5)'::shamir_share;         -- different points
SELECT shamir_combine(ARRAY['(1,1,5)', NULL]::shamir_share[]);    -- null share
SELECT shamir_combine(ARRAY[1], ARRAY['(1,2,5)', '(2,2,7)']::shamir_share[]); -- lengths
\set VERBOSITY default

-- ================= zero-sum masks =================

SELECT zerosum_modulus() = 2::numeric ^ 128 AS modulus_is_2_128;

CREATE TEMP TABLE party AS
SELECT id, k.private_key, k.public_key
FROM unnest(ARRAY['alice', 'bob', 'julia', 'charles', 'dave']) AS id,
     LATERAL zerosum_keypair() AS k;
SELECT count(*) AS parties,
       bool_and(length(private_key) = 32 AND length(public_key) = 384) AS key_sizes,
       bool_and(zerosum_public_key(private_key) = public_key) AS public_derives
FROM party;

-- a party's mask against all the others, for a round
CREATE FUNCTION pg_temp.mask_of(me text, rnd bigint) RETURNS numeric
LANGUAGE sql AS $$
	SELECT zerosum_mask(me, rnd,
	                    array_agg(p.id ORDER BY p.id), array_agg(p.public_key ORDER BY p.id),
	                    (SELECT private_key FROM party WHERE id = me))
	FROM party p WHERE p.id <> me
$$;

-- masks sum to 0 mod M in every round, and differ between rounds
CREATE TEMP TABLE masks AS
SELECT r AS round, id, pg_temp.mask_of(id, r) AS mask
FROM generate_series(1, 40) AS r, party;
SELECT count(DISTINCT round) AS rounds,
       bool_and(total % zerosum_modulus() = 0) AS masks_sum_to_zero
FROM (SELECT round, sum(mask) AS total FROM masks GROUP BY round) AS t;
SELECT count(DISTINCT mask) = count(*) AS masks_all_distinct,
       bool_and(mask >= 0 AND mask < zerosum_modulus()) AS masks_in_range
FROM masks;

-- exact sums over many random values: the plain sum of masked values,
-- reduced mod M, is the true sum (signed, at scales 0 and 2)
CREATE TEMP TABLE vals AS
SELECT round, id, mask,
       (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END) * trunc(random()::numeric * 10::numeric ^ (round % 30)) AS v0,
       round((random()::numeric - 0.5) * 10::numeric ^ (round % 25), 2) AS v2
FROM masks;
SELECT count(*) AS rounds,
       count(*) FILTER (WHERE zerosum_unmask(m0) = true0) AS exact_scale_0,
       count(*) FILTER (WHERE zerosum_unmask(m2, 2) = true2) AS exact_scale_2
FROM (SELECT round, sum(zerosum_mask_value(v0, mask)) AS m0, sum(v0) AS true0,
             sum(zerosum_mask_value(v2, mask, 2)) AS m2, sum(v2) AS true2
      FROM vals GROUP BY round) AS t;
-- for non-negative values, plain sum mod M is already the total
SELECT count(*) FILTER (WHERE mod(m, zerosum_modulus()) = t) AS plain_sum_mod_m_exact
FROM (SELECT round, sum(zerosum_mask_value(abs(v0), mask)) AS m, sum(abs(v0)) AS t
      FROM vals GROUP BY round) AS q;
-- extremes: |value * 10^scale| < 2^127
SELECT zerosum_unmask(zerosum_mask_value(2::numeric ^ 127 - 1, 5) - 5) = 2::numeric ^ 127 - 1 AS max_ok,
       zerosum_unmask(zerosum_mask_value(-(2::numeric ^ 127 - 1), 5) - 5) = -(2::numeric ^ 127 - 1) AS min_ok,
       zerosum_unmask(zerosum_mask_value(-12.34, 0, 2), 2) AS scaled;

-- dropout: dave's key is 3-of-4 shared among the others; he drops after
-- the others masked with him; 3 survivors remove his masks
CREATE TEMP TABLE dave_shares AS
SELECT ks.x, ks.share FROM party, LATERAL zerosum_key_split(private_key, 4, 3) AS ks
WHERE id = 'dave';
CREATE TEMP TABLE survivors AS SELECT * FROM vals WHERE round = 7 AND id <> 'dave';
SELECT zerosum_unmask(sum(zerosum_mask_value(v0, mask))) = sum(v0) AS exact_without_recovery
FROM survivors;
SELECT zerosum_unmask(
         (SELECT sum(zerosum_mask_value(v0, mask)) FROM survivors)
         + zerosum_recover_mask('dave', 7,
               (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'dave'),
               (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'dave'),
               (SELECT public_key FROM party WHERE id = 'dave'),
               (SELECT array_agg(share) FROM dave_shares WHERE x IN (1, 2, 4))))
       = (SELECT sum(v0) FROM survivors) AS exact_after_recovery;
-- two dropouts (dave and julia): each one's mask against the same survivors
CREATE TEMP TABLE julia_shares AS
SELECT ks.x, ks.share FROM party, LATERAL zerosum_key_split(private_key, 4, 3) AS ks
WHERE id = 'julia';
SELECT zerosum_unmask(
         (SELECT sum(zerosum_mask_value(v0, mask)) FROM vals WHERE round = 8 AND id NOT IN ('dave', 'julia'))
         + zerosum_recover_mask('dave', 8,
               (SELECT array_agg(id ORDER BY id) FROM party WHERE id NOT IN ('dave', 'julia')),
               (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id NOT IN ('dave', 'julia')),
               (SELECT public_key FROM party WHERE id = 'dave'),
               (SELECT array_agg(share) FROM dave_shares WHERE x IN (2, 3, 4)))
         + zerosum_recover_mask('julia', 8,
               (SELECT array_agg(id ORDER BY id) FROM party WHERE id NOT IN ('dave', 'julia')),
               (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id NOT IN ('dave', 'julia')),
               (SELECT public_key FROM party WHERE id = 'julia'),
               (SELECT array_agg(share) FROM julia_shares WHERE x IN (1, 2, 3))))
       = (SELECT sum(v0) FROM vals WHERE round = 8 AND id NOT IN ('dave', 'julia')) AS two_dropouts_exact;
-- two shares are not enough, a tampered share is caught
SELECT zerosum_recover_mask('dave', 7,
           (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'dave'),
           (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'dave'),
           (SELECT public_key FROM party WHERE id = 'dave'),
           (SELECT array_agg(share) FROM dave_shares WHERE x IN (1, 2)));
SELECT zerosum_recover_mask('dave', 7,
           (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'dave'),
           (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'dave'),
           (SELECT public_key FROM party WHERE id = 'dave'),
           (SELECT array_agg(CASE WHEN x = 2 THEN share + shamir_share(2, 3, 1) ELSE share END)
            FROM dave_shares WHERE x IN (1, 2, 4)));

-- double masking (Bonawitz et al.): each party also adds a random
-- self-mask b and Shamir-shares b as well as its key.  For a survivor the
-- others release shares of b, for a dropped party shares of its key, never
-- both, so a party's key alone no longer opens its masked value.
CREATE TEMP TABLE dm AS
SELECT id, zerosum_random_mask() AS b, trunc(random()::numeric * 1e9) AS v FROM party;
SELECT bool_and(b >= 0 AND b < zerosum_modulus()) AS self_masks_in_range,
       count(DISTINCT b) = 5 AS self_masks_distinct
FROM dm;
CREATE TEMP TABLE dm_b_shares AS
SELECT id AS owner, s.x, s.share FROM dm, LATERAL shamir_split(b, 4, 3) AS s;
CREATE TEMP TABLE dm_k_shares AS
SELECT id AS owner, s.x, s.share FROM party, LATERAL zerosum_key_split(private_key, 4, 3) AS s;
CREATE TEMP TABLE dm_in AS      -- dave's masked value never arrives
SELECT id, zerosum_mask_value(v, mod(pg_temp.mask_of(id, 9) + b, zerosum_modulus())) AS masked
FROM dm WHERE id <> 'dave';
SELECT zerosum_unmask(
         (SELECT sum(masked) FROM dm_in)
         - (SELECT sum(b_back) FROM (SELECT shamir_combine(x, share) AS b_back FROM dm_b_shares
                                     WHERE owner <> 'dave' AND x IN (1, 3, 4) GROUP BY owner) AS q)
         + zerosum_recover_mask('dave', 9,
               (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'dave'),
               (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'dave'),
               (SELECT public_key FROM party WHERE id = 'dave'),
               (SELECT array_agg(share) FROM dm_k_shares WHERE owner = 'dave' AND x IN (2, 3, 4))))
       = (SELECT sum(v) FROM dm WHERE id <> 'dave') AS double_masking_exact;
-- alice's pairwise mask (what her key would give) does not open her value
SELECT zerosum_unmask((SELECT masked FROM dm_in WHERE id = 'alice') - pg_temp.mask_of('alice', 9))
       <> (SELECT v FROM dm WHERE id = 'alice') AS key_alone_does_not_unmask;

-- Errors (no key material in any message)
SELECT zerosum_public_key('\x01'::bytea);
SELECT zerosum_public_key(decode(repeat('00', 32), 'hex'));
SELECT zerosum_mask('alice', 1, ARRAY['bob'], ARRAY['\x02'::bytea], (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY['bob'], ARRAY[decode(repeat('00', 383) || '01', 'hex')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY['alice'], ARRAY[(SELECT public_key FROM party WHERE id = 'bob')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY['bob', 'bob'],
                    (SELECT array_agg(public_key) FROM party WHERE id IN ('bob', 'julia')),
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY['bob', 'julia'], ARRAY[(SELECT public_key FROM party WHERE id = 'bob')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('alice', 1, ARRAY[]::text[], ARRAY[]::bytea[], (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask('', 1, ARRAY['bob'], ARRAY[(SELECT public_key FROM party WHERE id = 'bob')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask_value(2::numeric ^ 127, 0);
SELECT zerosum_mask_value(1.5, 0);
SELECT zerosum_mask_value(1.505, 0, 2);
SELECT zerosum_mask_value(1, 2::numeric ^ 128);
SELECT zerosum_mask_value(1, -1);
SELECT zerosum_mask_value('Infinity', 0);
SELECT zerosum_mask_value(1, 0, -1);
SELECT zerosum_unmask(1.5);
SELECT * FROM zerosum_key_split('\x00'::bytea, 3, 2);
SELECT * FROM zerosum_key_split((SELECT private_key FROM party WHERE id = 'alice'), 3, 4);
\set VERBOSITY sqlstate
SELECT zerosum_public_key('\x01'::bytea);                        -- bad private key
SELECT zerosum_mask('alice', 1, ARRAY['bob'], ARRAY['\x02'::bytea], (SELECT private_key FROM party WHERE id = 'alice'));
SELECT zerosum_mask_value(2::numeric ^ 127, 0);                   -- value out of range
SELECT zerosum_mask_value(1.505, 0, 2);                           -- too many decimals
SELECT zerosum_mask('alice', 1, ARRAY['bob', 'julia'], ARRAY[(SELECT public_key FROM party WHERE id = 'bob')],
                    (SELECT private_key FROM party WHERE id = 'alice'));
\set VERBOSITY default
