-- sum(paillier_ciphertext): exact over 10,000 rows, serial and parallel,
-- with GROUP BY, NULLs and no rows.  The 10,000 rows are built
-- homomorphically from 100 encryptions (c_i + j in the clear), which is
-- exact and fast; each row is still a distinct valid ciphertext.
\set VERBOSITY default
\i sql/fixtures/test_keys.psql
SELECT setseed(0.31);
CREATE TABLE sum_base AS
SELECT i, round(((random() - 0.5) * 2e9)::numeric, 3) AS x FROM generate_series(1, 100) i;
CREATE TABLE sum_rows AS
SELECT b.i * 100 + j AS id, b.i % 7 AS grp, b.x + j AS x, c.ct + j AS ct
FROM sum_base b
JOIN LATERAL (SELECT paillier_encrypt(b.x, pk, 3) AS ct FROM k WHERE name = 'a') c ON true,
     generate_series(0, 99) j;
ANALYZE sum_rows;
SELECT count(*) AS rows, count(DISTINCT ct::text) AS distinct_ciphertexts FROM sum_rows;

-- serial
SET max_parallel_workers_per_gather = 0;
SELECT paillier_decrypt(sum(ct), (SELECT sk FROM k WHERE name = 'a')) = sum(x) AS serial_exact,
       paillier_scale(sum(ct)) AS scale
FROM sum_rows;
-- the bound: each row is Enc(x) + j, numeric default at scale 3
-- (128 + 10 bits) plus one for the addition; 10,000 rows add 14 bits
SELECT max(paillier_bound(ct)) AS row_bound, paillier_bound(sum(ct)) AS sum_bound FROM sum_rows;

-- parallel: the plan has a Partial Aggregate and the result is the same
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT sum(ct) FROM sum_rows;
SELECT paillier_decrypt(sum(ct), (SELECT sk FROM k WHERE name = 'a')) = sum(x) AS parallel_exact,
       paillier_bound(sum(ct)) AS parallel_bound
FROM sum_rows;
EXPLAIN (COSTS OFF) SELECT paillier_bound(sum(ct)) FROM sum_rows;
-- GROUP BY, also in parallel
EXPLAIN (COSTS OFF) SELECT grp, sum(ct) FROM sum_rows GROUP BY grp;
SELECT grp, paillier_decrypt(sum(ct), (SELECT sk FROM k WHERE name = 'a')) = sum(x) AS group_exact
FROM sum_rows GROUP BY grp ORDER BY grp;
-- the bound is checked in every worker and when partial sums combine:
-- rows bounded by 2^2032 (the budget 2045 minus 13) add up to 8,192 rows
-- but not 10,000, serial or parallel, and the refusal comes before any
-- product could wrap
CREATE TABLE sum_big AS
SELECT id, x, paillier_ciphertext_from_json(pk, paillier_ciphertext_to_json(ct) || '{"bound": 2032}') AS ct
FROM sum_rows, k WHERE name = 'a';
ANALYZE sum_big;
CREATE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $f$;
SELECT paillier_decrypt(sum(ct), (SELECT sk FROM k WHERE name = 'a')) = sum(x) AS parallel_8192_exact,
       paillier_bound(sum(ct)) AS bound
FROM sum_big WHERE id < 100 + 8192;
SELECT pg_temp.sqlstate_of('SELECT sum(ct) FROM sum_big') AS parallel_10000;
SET max_parallel_workers_per_gather = 0;
SELECT pg_temp.sqlstate_of('SELECT sum(ct) FROM sum_big') AS serial_10000;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- NULLs are skipped; no rows (or only NULLs) gives NULL
SELECT paillier_decrypt(sum(c), (SELECT sk FROM k WHERE name = 'a')) AS with_nulls
FROM k, LATERAL (VALUES (paillier_encrypt(5::bigint, pk)), (NULL), (paillier_encrypt(-2::bigint, pk)), (NULL)) v(c)
WHERE name = 'a';
SELECT sum(ct) IS NULL AS empty_is_null FROM sum_rows WHERE false;
SELECT sum(c) IS NULL AS only_nulls_is_null FROM (VALUES (NULL::paillier_ciphertext)) v(c);
-- different scales are lifted to the largest
SELECT paillier_decrypt(sum(c), (SELECT sk FROM k WHERE name = 'a')) AS mixed_scales, paillier_scale(sum(c)) AS scale
FROM k, LATERAL (VALUES (paillier_encrypt(1.5, pk, 1)), (paillier_encrypt(2::bigint, pk)), (paillier_encrypt(0.125, pk, 3))) v(c)
WHERE name = 'a';
-- the sum is re-randomised: two sums of the same rows differ as ciphertexts
SELECT (SELECT sum(ct)::text FROM sum_rows WHERE id < 300) <> (SELECT sum(ct)::text FROM sum_rows WHERE id < 300) AS rerandomised;

-- errors: different keys, directly called support functions
SELECT sum(c) FROM k, LATERAL (SELECT paillier_encrypt(1::bigint, pk) AS c) e;
-- (support functions take 'internal', so SQL cannot call them directly; a
-- user-defined aggregate can still hand them a foreign state)
CREATE AGGREGATE confused_sum(numeric) (SFUNC = numeric_avg_accum, STYPE = internal,
                                        FINALFUNC = paillier_sum_finalfn);
SELECT confused_sum(x) FROM (VALUES (1::numeric), (2)) v(x);
DROP AGGREGATE confused_sum(numeric);
-- the support functions take their state as 'internal', a type SQL cannot
-- build, so only an aggregate calls them; a group with no rows gives NULL
SELECT oid::regprocedure AS support_function FROM pg_proc
 WHERE proname LIKE 'paillier\_sum\_%' ORDER BY 1::text;
SELECT sum(ct) IS NULL AS empty_sum_is_null FROM sum_rows WHERE false;
DROP TABLE sum_rows, sum_base, sum_big;
