#!/usr/bin/env bash
# Inner part of bench/sum.sh, run inside the throwaway cluster.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=mpc_bench_sum
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
source "$ROOT/bench/lib.sh"
q "CREATE EXTENSION mpc_eigentrust" >/dev/null
echo "building $ROWS rows..."
q "CREATE TABLE keys AS SELECT paillier_keygen(2048) AS sk" >/dev/null
q "CREATE TABLE base AS SELECT i, x, paillier_encrypt(x, (SELECT paillier_pubkey(sk) FROM keys)) AS c0
     FROM (SELECT i, (random() * 1e6)::bigint AS x FROM generate_series(1, 1000) i) s" >/dev/null
per=$(( ROWS / 1000 ))
q "CREATE TABLE rows_ct AS SELECT b.x + j AS x, b.c0 + j AS ct FROM base b, generate_series(0, $per - 1) j" >/dev/null
q "VACUUM ANALYZE rows_ct" >/dev/null
n=$(q "SELECT count(*) FROM rows_ct")
size=$(q "SELECT pg_size_pretty(pg_table_size('rows_ct'))")
ok=$(q "SELECT paillier_decrypt(sum(ct), (SELECT sk FROM keys)) = sum(x) FROM rows_ct")
echo "rows: $n ($size), decrypted sum equals the plaintext sum: $ok"

serial=$(timeq "SET max_parallel_workers_per_gather = 0;" "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
par=$(timeq "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;" "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
par_nl=$(timeq "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET parallel_leader_participation = off;" "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
plain=$(timeq "SET max_parallel_workers_per_gather = 0;" "SELECT sum(x) FROM rows_ct;")
count=$(timeq "SET max_parallel_workers_per_gather = 0;" "SELECT count(ct) FROM rows_ct;")
workers=$(psql -X -At -d "$db" <<'SQL' | grep -oP 'Workers Launched: \K[0-9]+' | head -1
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT sum(ct) FROM rows_ct;
SQL
)
raw=$("$ROOT/bench/build/bench_mulmod" "$n" 2048 | awk '{print $2}')

awk -v n="$n" -v s="$serial" -v p="$par" -v pnl="$par_nl" -v pl="$plain" -v c="$count" -v raw="$raw" -v w="${workers:-?}" 'BEGIN {
  ser_ns = s * 1e6 / n; par_ns = p * 1e6 / n;
  printf "\n| measure | total (ms) | per row | rows/s | ratio |\n|---|---|---|---|---|\n";
  printf "| raw GMP mulmod loop (C, same count) | %.0f | %.2f us | %.0f | 1.00 (baseline) |\n", raw * n / 1e6, raw / 1000, 1e9 / raw;
  printf "| sum(paillier_ciphertext), 0 workers | %.0f | %.2f us | %.0f | %.2fx raw loop |\n", s, ser_ns / 1000, n / (s / 1000), ser_ns / raw;
  printf "| sum(paillier_ciphertext), 2 workers (%s launched) | %.0f | %.2f us | %.0f | %.2fx faster than 0 workers |\n", w, p, par_ns / 1000, n / (p / 1000), s / p;
  printf "| sum(paillier_ciphertext), 2 workers, parallel_leader_participation = off | %.0f | %.2f us | %.0f | %.2fx faster than 0 workers |\n", pnl, pnl * 1e3 / n, n / (pnl / 1000), s / pnl;
  printf "| sum(numeric) over the plaintexts | %.0f | %.3f us | %.0f | %.3fx raw loop |\n", pl, pl * 1e6 / n / 1000, n / (pl / 1000), pl * 1e6 / n / raw;
  printf "| count(ct): reading the rows only | %.0f | %.3f us | %.0f | |\n", c, c * 1e6 / n / 1000, n / (c / 1000);
}'
