-- The coordinator plumbing shared by the cross-database protocols
-- (src/sql/45_coordinator.sql): what each helper computes, and its bad inputs.
\set VERBOSITY sqlstate
-- the party-count rule (it returns the count)
SELECT private_eigentrust_party_count(3, false, 'masked');
SELECT private_eigentrust_party_count(2, true, 'paper');
SELECT private_eigentrust_party_count(2, false, 'masked');
SELECT private_eigentrust_party_count(1, true, 'masked');
SELECT private_eigentrust_party_count(NULL, false, 'masked');
SELECT private_eigentrust_party_count(3, NULL, 'masked');
-- a run id: 16 hex digits, fresh every time
SELECT private_eigentrust_run_id() ~ '^[0-9a-f]{16}$' AS hex16, private_eigentrust_run_id() <> private_eigentrust_run_id() AS fresh;
-- each peer hosted by one party
SELECT private_eigentrust_hosted_once('{1,2}', '{3,4}', 'party 2');
SELECT private_eigentrust_hosted_once('{1,2,2}', '{}', 'party 1');
SELECT private_eigentrust_hosted_once('{1,2}', '{2,3}', 'party 2');
-- the published result: t normalised, ascending peers, a WARNING without convergence
SELECT * FROM private_eigentrust_finish('{5,1,3}', '{2,1,1}', 1e-12, 1e-10, 4);
\set VERBOSITY default
SELECT * FROM private_eigentrust_finish('{1,2}', '{1,3}', 0.5, 1e-10, 7);
\set VERBOSITY sqlstate
-- a party's queries
SELECT private_eigentrust_check_queries('SELECT 1::bigint, 2::bigint, 0.5', 'SELECT 7');
SELECT private_eigentrust_check_queries('SELECT 1', NULL);
SELECT private_eigentrust_check_queries('SELECT 1, 2, 3', 'SELECT ''x''::text');
-- the statement sent to a party
SELECT private_eigentrust_call_sql('pet r1 party1 round 2', 'x.step(''r1'')');
-- one remote query: NULL arguments refused, a failure names the party and round
SELECT * FROM private_eigentrust_remote('public', 'c1', 'party 1', 2, 'SELECT 1', NULL) AS x(a int);
SELECT * FROM private_eigentrust_remote('public', NULL, 'party 1', 2, 'SELECT 1', 'a int') AS x(a int);
\set VERBOSITY terse
SELECT * FROM private_eigentrust_remote('pg_catalog', 'c1', 'party 9', 3, 'SELECT 1', 'a int') AS x(a int);
\set VERBOSITY sqlstate
-- the parallel exchange refuses malformed arguments before any connection
SELECT private_eigentrust_gather('public', NULL, '{}', '{}', 1, true, NULL);
SELECT private_eigentrust_gather('public', '{c1}', '{p1}', '{}', 1, true, NULL);
SELECT private_eigentrust_gather('public', '{c1}', '{p1}', '{NULL}', 1, NULL, NULL);
SELECT private_eigentrust_gather('public', '{c1}', '{p1}', '{NULL}', 1, true, '-1 s');
SELECT private_eigentrust_gather('public', '{c1}', '{p1}', '{NULL}', 1, true, NULL);
-- closing nothing, or connections already gone, is no error
SELECT private_eigentrust_disconnect('public', NULL);
SELECT private_eigentrust_disconnect('public', '{NULL}');
-- a caught error raised again, with and without detail and hint
SELECT private_eigentrust_reraise('22023', 'bad thing', '', '');
\set VERBOSITY default
SELECT private_eigentrust_reraise('08P01', 'altered message', 'The run is aborted.', 'Start a new run.');
