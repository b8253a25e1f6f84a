-- Shamir t-of-n sharing over 2^521 - 1.  Shares are random: every check
-- prints booleans or counts.

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
