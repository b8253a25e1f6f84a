#!/usr/bin/env bash
# postgres_fdw (docs/postgres-fdw.md): eigentrust() over a foreign table
# equals eigentrust() run where the ratings live; with the extension listed in
# the foreign server's `extensions` option, sum(paillier_ciphertext) runs on
# the remote server (EXPLAIN VERBOSE shows it in the remote SQL), without it
# the sum runs locally; both decrypt to the right total.  Two databases in the
# throwaway cluster; the user mapping carries no password (a superuser over
# the local socket).
set -euo pipefail
remote=mpc_fdw_remote
local=mpc_fdw_local
work=$(mktemp -d)
cleanup() { rm -rf "$work"; dropdb --if-exists "$local" >/dev/null 2>&1 || true; dropdb --if-exists "$remote" >/dev/null 2>&1 || true; }
trap cleanup EXIT
dropdb --if-exists "$local" >/dev/null 2>&1 || true; dropdb --if-exists "$remote" >/dev/null 2>&1 || true
createdb "$remote"; createdb "$local"
sock=$(psql -X -At -c "SHOW unix_socket_directories" | cut -d, -f1)
port=$(psql -X -At -c "SHOW port")
q() { local d=$1; shift; psql -X -At -v ON_ERROR_STOP=1 -d "$d" -c "$1"; }
pass=0; fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL: $1: got '$2', want '$3'"; fi; }

psql -X -q -v ON_ERROR_STOP=1 -d "$remote" <<'SQL'
CREATE EXTENSION mpc_eigentrust;
-- a ring of 200 peers plus chords, deterministic
CREATE TABLE ratings (truster bigint, trustee bigint, score int);
INSERT INTO ratings
SELECT i, (i * 7 + k) % 200, 1 + (i * 13 + k) % 5
FROM generate_series(0, 199) i, generate_series(1, 4) k
WHERE (i * 7 + k) % 200 <> i;
CREATE TABLE salaries (name text, salary paillier_ciphertext);
SQL

psql -X -q -v ON_ERROR_STOP=1 -d "$local" <<SQL
CREATE EXTENSION mpc_eigentrust;
CREATE EXTENSION postgres_fdw;
CREATE SERVER ratings_srv FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$sock', port '$port', dbname '$remote', extensions 'mpc_eigentrust');
CREATE SERVER plain_srv FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$sock', port '$port', dbname '$remote');
CREATE USER MAPPING FOR CURRENT_USER SERVER ratings_srv;
CREATE USER MAPPING FOR CURRENT_USER SERVER plain_srv;
CREATE SCHEMA remote;
IMPORT FOREIGN SCHEMA public LIMIT TO (ratings, salaries) FROM SERVER ratings_srv INTO remote;
CREATE SCHEMA plain;
IMPORT FOREIGN SCHEMA public LIMIT TO (salaries) FROM SERVER plain_srv INTO plain;
-- the analyst's key stays here; ciphertexts are written through the foreign table
CREATE TABLE analyst_keys AS SELECT paillier_keygen(2048) AS sk;
INSERT INTO remote.salaries
SELECT name, paillier_encrypt(amount, (SELECT paillier_pubkey(sk) FROM analyst_keys), 2)
FROM (VALUES ('Alice', 4200.50), ('Bob', 3900.00), ('Julia', 5100.25), ('Charles', 4480.75)) v(name, amount);
SQL

# 1. eigentrust() over the foreign table equals eigentrust() where the rows are
q "$remote" "SELECT peer, trust FROM eigentrust('SELECT truster, trustee, score FROM ratings') ORDER BY peer" > "$work/remote"
q "$local" "SELECT peer, trust FROM eigentrust('SELECT truster, trustee, score FROM remote.ratings') ORDER BY peer" > "$work/local"
n=$(wc -l < "$work/local")
check "eigentrust() over a foreign table: peers" "$n" 200
l1=$(paste -d'|' "$work/remote" "$work/local" | awk -F'|' '$1 != $3 { bad = 1 } { d = $2 - $4; s += d < 0 ? -d : d } END { print bad ? "peers differ" : (s < 1e-12 ? "L1 < 1e-12" : "L1 " s) }')
check "eigentrust() over a foreign table equals eigentrust() on the remote" "$l1" "L1 < 1e-12"

# 2. sum(paillier_ciphertext) is pushed down with extensions 'mpc_eigentrust'
plan=$(q "$local" "EXPLAIN (VERBOSE, COSTS OFF) SELECT sum(salary) FROM remote.salaries")
echo "$plan" | sed 's/^/     /'
check "sum() pushed down: one Foreign Scan, no local Aggregate" \
	"$(grep -c 'Aggregate' <<<"$plan" | tr -d ' ')/$(grep -c 'Relations: Aggregate on' <<<"$plan")" "1/1"
check "sum() in the remote SQL" "$(grep -cE 'Remote SQL: SELECT [a-z_.]*sum\(salary\)' <<<"$plan")" 1
check "pushed-down sum decrypts" \
	"$(q "$local" "SELECT paillier_decrypt(sum(salary), (SELECT sk FROM analyst_keys)) FROM remote.salaries")" "17681.50"
plan=$(q "$local" "EXPLAIN (VERBOSE, COSTS OFF) SELECT sum(salary * 1.03 + 100) FROM remote.salaries")
check "sum(salary * 1.03 + 100) pushed down too" "$(grep -cE 'Remote SQL: SELECT [a-z_.]*sum\(' <<<"$plan")" 1
check "... and decrypts" \
	"$(q "$local" "SELECT paillier_decrypt(sum(salary * 1.03 + 100), (SELECT sk FROM analyst_keys)) FROM remote.salaries")" "18611.9450"

# 3. without the extensions option the rows come over and the sum runs here
plan=$(q "$local" "EXPLAIN (VERBOSE, COSTS OFF) SELECT sum(salary) FROM plain.salaries")
check "without extensions: local Aggregate over the Foreign Scan" \
	"$(grep -c '^ *Aggregate' <<<"$plan")/$(grep -c 'Remote SQL: SELECT salary FROM' <<<"$plan")" "1/1"
check "local sum decrypts" \
	"$(q "$local" "SELECT paillier_decrypt(sum(salary), (SELECT sk FROM analyst_keys)) FROM plain.salaries")" "17681.50"

echo "postgres_fdw: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
