#!/usr/bin/env bash
# Inner part of bench/sum.sh, run inside the throwaway cluster.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=mpc_bench_sum
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
source "$ROOT/bench/lib.sh"
# CPU time (ms) of the backend running statement $2 after setup $1: utime +
# stime of /proc/self/stat read by the backend itself before and after, best
# of 3 after a warm-up.  Serial plans only (workers' CPU is not counted).
cpuq() {
	local best="" run t
	for run in 0 1 2 3; do
		t=$(psql -X -At -v ON_ERROR_STOP=1 -d "$db" <<SQL | tail -1
$1
CREATE TEMP TABLE _t AS SELECT (split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint + split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint) AS t0;
$2
SELECT ((split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint + split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint) - t0) * 1000.0 / $(getconf CLK_TCK) FROM _t;
SQL
)
		[ "$run" -eq 0 ] && continue
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	echo "$best"
}
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
ok_gmp=$(PGOPTIONS="-c mpc_eigentrust.use_avx512=off" psql -X -At -d "$db" -c "SELECT paillier_decrypt(sum(ct), (SELECT sk FROM keys)) = sum(x) FROM rows_ct")
echo "rows: $n ($size), decrypted sum equals the plaintext sum: IFMA path $ok, GMP path $ok_gmp"

ser0="SET max_parallel_workers_per_gather = 0;"
serial=$(cpuq "$ser0" "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
serial_gmp=$(cpuq "$ser0 SET mpc_eigentrust.use_avx512 = off;" "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
count=$(cpuq "$ser0" "SELECT count(ct) FROM rows_ct;")
addct=$(cpuq "$ser0" "SELECT count(ct + ct) FROM rows_ct;")
addct_gmp=$(cpuq "$ser0 SET mpc_eigentrust.use_avx512 = off;" "SELECT count(ct + ct) FROM rows_ct;")
plain=$(cpuq "$ser0" "SELECT sum(x) FROM rows_ct;")
par=$(timeq "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;" "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
serial_wall=$(timeq "$ser0" "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
workers=$(psql -X -At -d "$db" <<'SQL' | grep -oP 'Workers Launched: \K[0-9]+' | head -1
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT sum(ct) FROM rows_ct;
SQL
)
mm=$("$ROOT/bench/build/bench_mulmod" "$n" 2048)
raw=$(echo "$mm" | awk '/^mulmod_ns/ {print $2}')
ifma=$(echo "$mm" | awk '/^ifma_ns/ {print $2}')
addc=$(echo "$mm" | awk '/^ifma_mulmod_be_ns/ {print $2}')
py=$(/usr/bin/python3 "$ROOT/bench/sum_gmpy2.py" "$n" 2048 | awk '{print $2}')

awk -v n="$n" -v s="$serial" -v sg="$serial_gmp" -v c="$count" -v a="$addct" -v ag="$addct_gmp" -v addc="$addc" -v pl="$plain" \
    -v p="$par" -v sw="$serial_wall" -v raw="$raw" -v ifma="$ifma" -v py="$py" -v w="${workers:-?}" 'BEGIN {
  srow = (s - c) * 1e6 / n; sgrow = (sg - c) * 1e6 / n; arow = (a - c) * 1e6 / n; agrow = (ag - c) * 1e6 / n;
  printf "\nCPU time (backend: /proc/self/stat; C loops: CLOCK_THREAD_CPUTIME_ID), %d rows, 2048-bit key\n", n;
  printf "| measure | CPU ms | per row | ratio |\n|---|---|---|---|\n";
  printf "| IFMA product chain (C, ifma_acc_mul) | %.0f | %.3f us | 1.00 (baseline) |\n", ifma * n / 1e6, ifma / 1000;
  printf "| GMP mpz_mul + mpz_mod loop (C) = C core of ct + ct | %.0f | %.3f us | %.2fx IFMA chain |\n", raw * n / 1e6, raw / 1000, raw / ifma;
  printf "| gmpy2 loop a = a * c %% n2 (python-paillier + stand-in) | %.0f | %.3f us | %.2fx IFMA chain |\n", py * n / 1e6, py / 1000, py / ifma;
  printf "| count(ct): reading the rows | %.0f | %.3f us | |\n", c, c * 1e3 / n;
  printf "| sum(ct), IFMA path, minus count(ct) | %.0f | %.3f us | **%.2fx IFMA chain**, **%.2fx faster than gmpy2** |\n", s, srow / 1000, srow / ifma, py / srow;
  printf "| sum(ct), GMP path (use_avx512 = off), minus count(ct) | %.0f | %.3f us | %.2fx GMP loop |\n", sg, sgrow / 1000, sgrow / raw;
  printf "| IFMA a b mod n2 from bytes to bytes (C, ifma_mulmod_be) = C core of ct + ct | %.0f | %.3f us | %.2fx IFMA chain |\n", addc * n / 1e6, addc / 1000, addc / ifma;
  printf "| ct + ct, IFMA path, minus count(ct) | %.0f | %.3f us | **%.2fx its C core** (%.2fx faster than the GMP loop) |\n", a, arow / 1000, arow / addc, raw / arow;
  printf "| ct + ct, GMP path (use_avx512 = off), minus count(ct) | %.0f | %.3f us | %.2fx the GMP loop |\n", ag, agrow / 1000, agrow / raw;
  printf "| sum(numeric) over the plaintexts | %.0f | %.3f us | |\n", pl, pl * 1e3 / n;
  printf "\nWall time (psql \\\\timing, best of 3): sum(ct) 0 workers %.0f ms, 2 workers (%s launched) %.0f ms: %.2fx\n", sw, w, p, sw / p;
}'
