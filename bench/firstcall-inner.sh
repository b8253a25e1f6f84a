#!/usr/bin/env bash
# Inner part of bench/firstcall.sh, run inside the throwaway cluster.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=mpc_bench_first
REPS=${REPS:-40}
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE EXTENSION mpc_eigentrust;
CREATE TABLE k AS SELECT paillier_pubkey(paillier_keygen(2048)) AS pk;
CREATE TABLE t_ct (v paillier_ciphertext);
CREATE TABLE t_plain (v bigint);
SQL
# backend CPU ms (utime + stime, /proc/self/stat read by the backend) of one
# statement in a NEW connection; the connection's start-up is excluded, the
# extension's library load (the first call of any of its functions) is not.
one() {
	psql -X -At -v ON_ERROR_STOP=1 -d "$db" <<SQL | tail -1
${2:-}
CREATE TEMP TABLE _t AS SELECT split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint + split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint AS t0;
$1
SELECT ((split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint + split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint) - t0) * 1000.0 / $(getconf CLK_TCK) FROM _t;
SQL
}
# /proc/self/stat counts whole clock ticks, each charged to the task running
# when it fires: over many connections the mean is an unbiased estimate of
# the CPU time, with a resolution of about tick / sqrt(REPS).
mean() { awk '{s += $1} END {printf "%.1f", s / NR}'; }
run() {
	local i
	for i in $(seq "$REPS"); do one "$1" "${2:-}"; done | mean
}
plain=$(run "INSERT INTO t_plain VALUES (42);")
enc=$(run "INSERT INTO t_ct SELECT paillier_encrypt(42::bigint, pk) FROM k;")
enc2=$(run "INSERT INTO t_ct SELECT paillier_encrypt(42::bigint, pk) FROM k; INSERT INTO t_ct SELECT paillier_encrypt(43::bigint, pk) FROM k;")
lib=$(run "SELECT paillier_bits(pk) FROM k;")
echo "mean of $REPS new connections, backend CPU ms (clock ticks of $((1000 / $(getconf CLK_TCK))) ms):"
echo "| statement in a new connection | CPU ms |"
echo "|---|---|"
echo "| INSERT of a plain bigint | $plain |"
echo "| SELECT paillier_bits(pk): library load + key parse | $lib |"
echo "| INSERT ... paillier_encrypt(42, pk) | $enc |"
echo "| two such INSERTs | $enc2 |"
awk -v e="$enc" -v p="$plain" 'BEGIN { printf "first encryption minus the plain INSERT: %.1f ms\n", e - p }'
