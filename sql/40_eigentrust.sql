-- eigentrust(): known answers, input rules, determinism and every error.
-- Floating-point results are compared to exact fractions and printed as
-- booleans, so the expected output does not depend on the last digit.

-- go-eigentrust's README example: ek = 1, sd = 2, vm = 3.
CREATE TABLE et_go (truster int, trustee int, score int);
INSERT INTO et_go VALUES (1, 2, 100), (3, 2, 100), (1, 3, 75);
CREATE TABLE et_go_pre (peer int, weight int);
INSERT INTO et_go_pre VALUES (1, 50), (3, 100);
CREATE TABLE et_go_want (a float8, peer bigint, exact float8);
INSERT INTO et_go_want VALUES
  (0.5,  1, 28/129.0),       (0.5,  2, 13/43.0),       (0.5,  3, 62/129.0),
  (0.15, 1, 2800/16407.0),   (0.15, 2, 2329/5469.0),   (0.15, 3, 6620/16407.0),
  (0.01, 1, 70000/447303.0), (0.01, 2, 69201/149101.0), (0.01, 3, 169700/447303.0);

SELECT w.a, w.peer, abs(e.trust - w.exact) < 1e-9 AS exact
FROM et_go_want AS w,
     LATERAL eigentrust('SELECT * FROM et_go', 'SELECT * FROM et_go_pre',
                        alpha => w.a, epsilon => 1e-14, max_iter => 100000) AS e
WHERE e.peer = w.peer
ORDER BY w.a DESC, w.peer;

-- one function, so named and positional calls are never ambiguous
SELECT count(*) AS functions FROM pg_proc WHERE proname = 'eigentrust';

-- positional arguments, and the sum is 1
SELECT count(*) AS peers, abs(sum(trust) - 1) < 1e-12 AS sums_to_one
FROM eigentrust('SELECT * FROM et_go', 'SELECT * FROM et_go_pre', 0.5, 1e-12, 100);

-- alpha = 1: the pre-trust itself
SELECT peer, abs(trust - CASE peer WHEN 1 THEN 1/3.0 WHEN 2 THEN 0 ELSE 2/3.0 END) < 1e-15 AS is_p
FROM eigentrust('SELECT * FROM et_go', 'SELECT * FROM et_go_pre', alpha => 1);

-- Edge cases, uniform pre-trust, a = 0.5 (worked out by hand: u = 2/17).
-- 1 rates 2 twice (2 + 3), 3 negatively (-4) and itself (ignored); 3 only
-- rates 1 negatively; 4 only itself; 2 rates nobody; 5 <-> 6 is a second
-- component.  Ratings are summed per pair before clipping at 0.
CREATE TABLE et_edges (src bigint, dst bigint, score numeric);
INSERT INTO et_edges VALUES
  (1, 2, 2), (1, 3, -4), (1, 1, 7), (1, 2, 3), (3, 1, -1), (4, 4, 5),
  (5, 6, 1), (6, 5, 1);
SELECT peer, round((trust * 17)::numeric, 9) AS trust_times_17
FROM eigentrust('SELECT src, dst, score FROM et_edges', alpha => 0.5, epsilon => 1e-14);

-- Ratings that sum to a negative score clip the pair to zero, so 1 is
-- dangling: t2 = 0.25 t1 + 0.25, hence t1 = 0.6, t2 = 0.4 (clipping each
-- rating before summing would give 0.5 each).
SELECT peer, round((trust * 5)::numeric, 9) AS trust_times_5
FROM eigentrust($$VALUES (1, 2, 5), (1, 2, -6), (2, 1, 1)$$, alpha => 0.5, epsilon => 1e-15);

-- Distrust: 1 distrusts 3 and 3 distrusts 1, each with all its negative
-- weight, so each loses the other's trust once: t1 = t3 = 2/17 - 2/17.
SELECT peer, round((trust * 17)::numeric, 9) AS trust_times_17
FROM eigentrust('SELECT src, dst, score FROM et_edges', alpha => 0.5, epsilon => 1e-14,
                distrust => true);

-- A pre-trusted peer without edges is a peer; duplicate pre-trust rows add up.
SELECT peer, round(trust::numeric, 9) AS trust
FROM eigentrust('SELECT 1, 2, 1.0', $$VALUES (99, 1), (1, 0), (99, 2)$$);

-- Any integer id type and any numeric score type; extra columns are ignored.
CREATE DOMAIN et_peer_id AS integer CHECK (VALUE > 0);
SELECT count(*) AS peers, abs(sum(trust) - 1) < 1e-12 AS sums_to_one
FROM eigentrust('SELECT 1::smallint, 2::et_peer_id, 1.5::real, ''ignored''::text
                 UNION ALL SELECT 2::smallint, 3::et_peer_id, 2::real, ''x''');
SELECT count(DISTINCT t) AS distinct_results FROM (
  SELECT string_agg(peer || '=' || trust, ',' ORDER BY peer) AS t
  FROM eigentrust('SELECT truster::smallint, trustee::bigint, score::float8 FROM et_go')
  UNION ALL
  SELECT string_agg(peer || '=' || trust, ',' ORDER BY peer)
  FROM eigentrust('SELECT truster::bigint, trustee::int, score::numeric FROM et_go')
  UNION ALL
  SELECT string_agg(peer || '=' || trust, ',' ORDER BY peer)
  FROM eigentrust('SELECT truster, trustee, score::bigint, 0 FROM et_go')) s;

-- Deterministic: the row order of the input does not change a single bit.
CREATE TABLE et_rand AS
  SELECT (i * 7919 % 97)::int AS src, (i * 104729 % 89)::int AS dst,
         ((i * 31 % 23) - 5)::float8 / 7 AS score
  FROM generate_series(1, 3000) AS i;
SELECT count(*) AS differing_rows FROM (
  (SELECT * FROM eigentrust('SELECT * FROM et_rand ORDER BY score, src, dst', distrust => true)
   EXCEPT
   SELECT * FROM eigentrust('SELECT * FROM et_rand ORDER BY dst DESC, score DESC', distrust => true))
  UNION ALL
  (SELECT * FROM eigentrust('SELECT * FROM et_rand ORDER BY dst DESC, score DESC', distrust => true)
   EXCEPT
   SELECT * FROM eigentrust('SELECT * FROM et_rand ORDER BY score, src, dst', distrust => true))) d;

-- Output is ordered by peer; no edges and no pre-trust: no peers.
SELECT array_agg(peer) FROM eigentrust('SELECT * FROM et_rand WHERE src = 3');
SELECT count(*) FROM eigentrust('SELECT * FROM et_rand WHERE false');

-- The go example has no cycle: every peer is exact in one pass.
SELECT count(*) AS peers, abs(sum(trust) - 1) < 1e-12 AS sums_to_one
FROM eigentrust('SELECT * FROM et_go', 'SELECT * FROM et_go_pre', alpha => 0.01, max_iter => 1);

-- No convergence (a 2-cycle takes Gauss-Seidel sweeps): a WARNING with the
-- error bound, and the last iterate.
SELECT count(*) AS peers, abs(sum(trust) - 1) < 1e-12 AS sums_to_one
FROM eigentrust($$VALUES (1, 2, 1), (2, 1, 1)$$, alpha => 0.01, max_iter => 3);

-- The queries run with the caller's privileges.
CREATE ROLE regress_et_reader;
GRANT SELECT ON et_go_pre TO regress_et_reader;
SET ROLE regress_et_reader;
SELECT * FROM eigentrust('SELECT * FROM et_go');
SELECT count(*) FROM eigentrust('SELECT 1, 3, 1', 'SELECT * FROM et_go_pre');
RESET ROLE;
DROP OWNED BY regress_et_reader;
DROP ROLE regress_et_reader;

-- Errors: nulls
SELECT * FROM eigentrust('SELECT NULL::int, 1, 1');
SELECT * FROM eigentrust('SELECT 1, 2, 1 UNION ALL SELECT 1, NULL::int, 1');
SELECT * FROM eigentrust('SELECT 1, 2, NULL::float8');
SELECT * FROM eigentrust('SELECT 1, 2, 1', 'SELECT NULL::int, 1');
SELECT * FROM eigentrust('SELECT 1, 2, 1', 'SELECT 1, NULL::int');
SELECT * FROM eigentrust(NULL);
SELECT * FROM eigentrust('SELECT 1, 2, 1', alpha => NULL);
SELECT * FROM eigentrust('SELECT 1, 2, 1', max_iter => NULL);
-- non-finite scores
SELECT * FROM eigentrust($$SELECT 1, 2, 'NaN'::float8$$);
SELECT * FROM eigentrust($$SELECT 1, 2, 'Infinity'::float8$$);
SELECT * FROM eigentrust($$SELECT 1, 2, '-Infinity'::real$$);
SELECT * FROM eigentrust($$SELECT 1, 2, 'NaN'::numeric$$);
-- pre-trust weights
SELECT * FROM eigentrust('SELECT 1, 2, 1', 'SELECT 1, -0.5');
SELECT * FROM eigentrust('SELECT 1, 2, 1', $$SELECT 1, 'NaN'::float8$$);
SELECT * FROM eigentrust('SELECT 1, 2, 1', 'SELECT 1, 0 UNION ALL SELECT 2, 0');
SELECT * FROM eigentrust('SELECT 1, 2, 1', 'SELECT 1, 1 WHERE false');
-- arguments
SELECT * FROM eigentrust('SELECT 1, 2, 1', alpha => 0);
SELECT * FROM eigentrust('SELECT 1, 2, 1', alpha => 1.5);
SELECT * FROM eigentrust('SELECT 1, 2, 1', alpha => 'NaN');
SELECT * FROM eigentrust('SELECT 1, 2, 1', epsilon => 0);
SELECT * FROM eigentrust('SELECT 1, 2, 1', epsilon => -1e-9);
SELECT * FROM eigentrust('SELECT 1, 2, 1', max_iter => 0);
-- query shapes and column types
SELECT * FROM eigentrust('SELECT 1, 2');
SELECT * FROM eigentrust('SELECT 1, 2, 1', 'SELECT 1');
SELECT * FROM eigentrust('SELECT 1.5, 2, 1');
SELECT * FROM eigentrust('SELECT 1, 2, ''high''::text');
SELECT * FROM eigentrust('SELECT 1, 2, 1', 'SELECT 1, true');
SELECT * FROM eigentrust('SELECT 1, 2, 1; SELECT 2, 3, 1');
SELECT * FROM eigentrust('');
SELECT * FROM eigentrust('INSERT INTO et_go VALUES (7, 8, 9) RETURNING *');
SELECT * FROM eigentrust('WITH d AS (DELETE FROM et_go RETURNING *) SELECT * FROM d');
SELECT * FROM eigentrust('SELECT * FROM et_go FOR UPDATE');
SELECT * FROM eigentrust('CREATE TABLE et_nope (a int)');
SELECT * FROM eigentrust('SELECT * FROM et_no_such_table');
SELECT count(*) AS go_rows_untouched FROM et_go;
-- the queries run read-only: a function they call cannot write either
CREATE FUNCTION et_writer() RETURNS int LANGUAGE plpgsql VOLATILE AS
$$ BEGIN INSERT INTO et_go VALUES (7, 8, 9); RETURN 1; END $$;
CREATE SEQUENCE et_seq;
SELECT * FROM eigentrust('SELECT 1, 2, et_writer()');
SELECT * FROM eigentrust('SELECT 1, 2, 1', 'SELECT 1, et_writer()');
SELECT * FROM eigentrust('SELECT 1, 2, nextval(''et_seq'')');
SELECT * FROM eigentrust('SELECT 1, 2, et_writer() FROM (SELECT set_config(''transaction_read_only'', ''off'', true)) s');
SELECT count(*) AS go_rows_untouched FROM et_go;
-- and the transaction is writable again afterwards
SELECT count(*) AS peers FROM eigentrust('SELECT 1, 2, 1');
INSERT INTO et_go SELECT 7, 8, 9 WHERE false;
DROP FUNCTION et_writer();
DROP SEQUENCE et_seq;
-- overflow of a summed rating
SELECT * FROM eigentrust('SELECT 1, 2, 1e308::float8 UNION ALL SELECT 1, 2, 1e308::float8');

DROP TABLE et_go, et_go_pre, et_go_want, et_edges, et_rand;
DROP DOMAIN et_peer_id;
