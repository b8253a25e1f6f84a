#!/usr/bin/env bash
# Threshold Paillier through SQL, beside paillier_decrypt in the same
# session: N aggregates (default 300) of a 3-of-5 key at 2048 bits.  CPU time
# of the backend (utime + stime from /proc/<pid>/stat, 10 ms ticks), so the
# load of the shared machine does not count.  Run it inside a throwaway
# cluster:
#   source scripts/common.sh; build_and_stage; in_virtualenv bash bench/threshold-sql.sh [N]
set -euo pipefail
N=${1:-300}
db=mpc_bench_threshold
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
psql -X -At -v ON_ERROR_STOP=1 -v N="$N" -d "$db" <<'SQL' | awk '
	/_start / { t[$1] = $2 } /_end / { sub(/_end/, "", $1); d[$1] = $2 - t[$1 "_start"] }
	/^wrong / { wrong = $2 }
	END {
		if (wrong != 0) { print "WRONG RESULTS: " wrong; exit 1 }
		n = '"$N"'; hz = 100
		printf "%d aggregates, 2048 bits, 3-of-5 (split key), backend CPU time:\n", n
		printf "  paillier_decrypt (CRT)        %8.2f ms each  (%.2f s)\n", d["crt"] * 1000 / hz / n, d["crt"] / hz
		printf "  paillier_decrypt_share x 3    %8.2f ms each  (%.2f s)  %.1fx CRT\n", d["share"] * 1000 / hz / (3 * n), d["share"] / hz, d["share"] / 3 / d["crt"]
		printf "  paillier_combine (3, proofs)  %8.2f ms each  (%.2f s)  %.1fx CRT\n", d["combine"] * 1000 / hz / n, d["combine"] / hz, d["combine"] / d["crt"]
		printf "  all, per aggregate            %8.2f ms  = %.1fx CRT; 10,000 aggregates: %.0f s\n", (d["share"] + d["combine"]) * 1000 / hz / n, (d["share"] + d["combine"]) / d["crt"], (d["share"] + d["combine"]) / hz * 10000 / n
	}'
\set QUIET on
CREATE EXTENSION mpc_eigentrust;
SELECT pg_backend_pid() AS pid \gset
\setenv BENCH_PID :pid
CREATE TABLE sk AS SELECT paillier_keygen(2048) AS sk;
CREATE TABLE dealt AS SELECT row_number() OVER () AS i, share
  FROM sk, paillier_threshold_split(sk, 5, 3);
CREATE TABLE cts AS SELECT g, paillier_encrypt(g * 1000 + 7, paillier_pubkey(sk), 0) AS ct
  FROM sk, generate_series(1, :N) g;
-- warm the key caches
SELECT count(paillier_decrypt(ct, sk)) FROM cts, sk WHERE g <= 3;
\! echo "crt_start $(awk '{print $14 + $15}' /proc/$BENCH_PID/stat)"
SELECT count(paillier_decrypt(ct, sk)) FROM cts, sk;
\! echo "crt_end $(awk '{print $14 + $15}' /proc/$BENCH_PID/stat)"
\! echo "share_start $(awk '{print $14 + $15}' /proc/$BENCH_PID/stat)"
CREATE TABLE ds AS SELECT c.g, d.i, paillier_decrypt_share(c.ct, d.share) AS ds
  FROM cts c, dealt d WHERE d.i IN (1, 3, 5);
\! echo "share_end $(awk '{print $14 + $15}' /proc/$BENCH_PID/stat)"
\! echo "combine_start $(awk '{print $14 + $15}' /proc/$BENCH_PID/stat)"
CREATE TABLE out AS SELECT g, paillier_combine(ds ORDER BY i) AS v FROM ds GROUP BY g;
\! echo "combine_end $(awk '{print $14 + $15}' /proc/$BENCH_PID/stat)"
SELECT 'wrong ' || count(*) FROM out WHERE v <> g * 1000 + 7;
SQL
