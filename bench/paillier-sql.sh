#!/usr/bin/env bash
# Inner part of bench/paillier.sh, run inside the throwaway cluster: times
# SELECT sum(ct) over ROWS rows (serial plan, best of 3 after a warm-up) at
# 2048 and 3072 bits, with bench_mulmod's raw loop over as many products in
# the same run, and public-key encryption through SQL with DJN and textbook.
# Prints "sql" lines in bench_paillier's tab-separated format.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=mpc_bench_paillier
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
source "$ROOT/bench/lib.sh"
q "CREATE EXTENSION mpc_eigentrust" >/dev/null
for bits in 2048 3072; do
	q "DROP TABLE IF EXISTS keys, base, rows_ct" >/dev/null
	q "CREATE TABLE keys AS SELECT paillier_keygen($bits) AS sk" >/dev/null
	# 1000 fresh encryptions, then c_i + j homomorphically: distinct valid rows
	q "CREATE TABLE base AS SELECT i, (random() * 1e6)::bigint AS x FROM generate_series(1, 1000) i" >/dev/null
	q "ALTER TABLE base ADD COLUMN c0 paillier_ciphertext" >/dev/null
	q "UPDATE base SET c0 = paillier_encrypt(x, (SELECT paillier_pubkey(sk) FROM keys))" >/dev/null
	per=$(( ROWS / 1000 ))
	q "CREATE TABLE rows_ct AS SELECT b.x + j AS x, b.c0 + j AS ct FROM base b, generate_series(0, $per - 1) j" >/dev/null
	q "VACUUM ANALYZE rows_ct" >/dev/null
	n=$(q "SELECT count(*) FROM rows_ct")
	ok=$(q "SELECT paillier_decrypt(sum(ct), (SELECT sk FROM keys)) = sum(x) FROM rows_ct")
	[ "$ok" = "t" ] || { echo "sum() decrypts wrong at $bits bits" >&2; exit 1; }
	sum_ms=$(timeq "SET max_parallel_workers_per_gather = 0;" "SELECT sum(ct) IS NOT NULL FROM rows_ct;")
	raw_ns=$("$ROOT/bench/build/bench_mulmod" "$n" "$bits" | awk '{print $2}')
	awk -v b="$bits" -v n="$n" -v s="$sum_ms" -v r="$raw_ns" 'BEGIN {
		printf "row\t%s\tsum_agg\t%.3f\t%.3f\tsum() aggregate through SQL, per row (%d rows, serial plan)\tC loop of mpz_mul + mpz_mod, per product\n", b, s * 1000 / n, r / 1000, n }'
	# public-key encryption through SQL, 200 values, DJN (default) and textbook
	djn_ms=$(timeq "SET mpc_eigentrust.encryption_method = djn;" \
		"SELECT count(paillier_encrypt(g::bigint, pk)) FROM (SELECT paillier_pubkey(sk) AS pk FROM keys) k, generate_series(1, 200) g;")
	tb_ms=$(timeq "SET mpc_eigentrust.encryption_method = textbook;" \
		"SELECT count(paillier_encrypt(g::bigint, pk)) FROM (SELECT paillier_pubkey(sk) AS pk FROM keys) k, generate_series(1, 200) g;")
	awk -v b="$bits" -v d="$djn_ms" -v t="$tb_ms" 'BEGIN {
		printf "row\t%s\tsql_enc\t%.3f\t%.3f\tpaillier_encrypt(bigint, pubkey) through SQL, DJN (default)\tthe same with encryption_method = textbook\n", b, d * 1000 / 200, t * 1000 / 200 }'
done
dropdb "$db"
