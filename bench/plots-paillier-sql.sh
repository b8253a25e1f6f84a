#!/usr/bin/env bash
# Inner part of bench/plots.sh paillier, run inside the throwaway cluster:
# the backend's own CPU time for public-key encryption, decryption and
# sum() through SQL at each key size in $BITS.  Prints TSV rows:
#   mpc_eigentrust (SQL)  op  bits  n  cpu_seconds
# CPU time is the backend's sum_exec_runtime (/proc/self/schedstat, ns)
# before and after the statement, in the same session; least of 3 runs after
# a warm-up.  Every operation's result is checked by decrypting.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=mpc_bench_plots
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
source "$ROOT/bench/lib.sh"
q "CREATE EXTENSION mpc_eigentrust" >/dev/null
q "CREATE FUNCTION bench_cpu_ns() RETURNS bigint LANGUAGE sql
   AS \$\$ SELECT split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint \$\$" >/dev/null
[ "$(q "SELECT bench_cpu_ns() > 0")" = t ] || { echo "no /proc/self/schedstat CPU time" >&2; exit 1; }

# least backend CPU seconds of 3 runs of $1 (after one warm-up), serial plans
cpu() {
	local best="" run ns
	for run in 0 1 2 3; do
		ns=$(psql -X -At -v ON_ERROR_STOP=1 -d "$db" <<SQL | tail -1
SET max_parallel_workers_per_gather = 0;
SELECT bench_cpu_ns() AS t0 \gset
$1
SELECT bench_cpu_ns() - :t0;
SQL
)
		[ "$run" -eq 0 ] && continue
		if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
	done
	awk -v ns="$best" 'BEGIN { printf "%.6f", ns / 1e9 }'
}

for bits in $BITS; do
	# fewer operations at larger keys, so each size takes about as long
	n_enc=$(( 2000 * 2048 ** 3 / bits ** 3 ))
	n_dec=$(( 800 * 2048 ** 3 / bits ** 3 ))
	q "DROP TABLE IF EXISTS keys, vals, cts, rows_ct" >/dev/null 2>&1
	q "CREATE TABLE keys AS SELECT sk, paillier_pubkey(sk) AS pk FROM (SELECT paillier_keygen($bits) AS sk) s" >/dev/null
	q "CREATE TABLE vals AS SELECT g, (random() * 1e6)::bigint AS x FROM generate_series(1, $n_dec) g" >/dev/null
	q "CREATE TABLE cts AS SELECT g, x, paillier_encrypt(x, pk) AS ct FROM vals, keys" >/dev/null
	[ "$(q "SELECT bool_and(paillier_decrypt(ct, sk) = x) FROM cts, keys")" = t ] \
		|| { echo "decryption wrong at $bits bits" >&2; exit 1; }
	# sum(): the fresh encryptions, then c + j homomorphically: SUM_ROWS
	# distinct rows at every key size
	q "CREATE TABLE rows_ct AS SELECT c.x + j AS x, c.ct + j AS ct
	   FROM cts c, generate_series(0, $(( (SUM_ROWS + n_dec - 1) / n_dec - 1 ))) j" >/dev/null
	q "VACUUM ANALYZE rows_ct" >/dev/null
	n_sum=$(q "SELECT count(*) FROM rows_ct")
	[ "$(q "SELECT paillier_decrypt(sum(ct), (SELECT sk FROM keys)) = sum(x) FROM rows_ct")" = t ] \
		|| { echo "sum() decrypts wrong at $bits bits" >&2; exit 1; }

	t=$(cpu "SELECT count(paillier_encrypt(g::bigint, pk)) FROM keys, generate_series(1, $n_enc) g;")
	printf 'mpc_eigentrust (SQL)\tencrypt\t%s\t%s\t%s\n' "$bits" "$n_enc" "$t"
	t=$(cpu "SELECT count(paillier_decrypt(ct, sk)) FROM cts, keys;")
	printf 'mpc_eigentrust (SQL)\tdecrypt\t%s\t%s\t%s\n' "$bits" "$n_dec" "$t"
	t=$(cpu "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
	printf 'mpc_eigentrust (SQL)\tsum\t%s\t%s\t%s\n' "$bits" "$n_sum" "$t"
done
dropdb "$db"
