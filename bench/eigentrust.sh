#!/usr/bin/env bash
# EigenTrust benchmark: eigentrust() against the cost of only reading its rows,
# against networkx, and the core kernel's edge updates per second.
#
#   bash bench/eigentrust.sh [--edges N] [--reps R] [--nx-large]
#
# Builds and stages the extension, then runs inside a throwaway cluster
# (pg_virtualenv).  Graphs: Advogato from ../shared/data/trust (skipped with a
# message when absent) and a generated power-law graph of N edges (default
# 10,000,000; truster = floor(10^6 u^2), trustee = floor(10^6 u^3), score
# 1..10).  Every SQL figure is the best of R runs (default 3) in the same
# session.  Baselines: count(*) over the query (serial, and with the default
# parallel workers; PostgreSQL then never deforms a tuple) and a serial
# count(*) whose WHERE clause reads all three values of every row.  networkx
# runs on the 10M graph only with --nx-large (it needs several GB of memory
# and minutes).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"

EDGES=10000000
REPS=3
NX_LARGE=0
while [ $# -gt 0 ]; do
	case $1 in
		--edges) EDGES=$2; shift 2 ;;
		--reps) REPS=$2; shift 2 ;;
		--nx-large) NX_LARGE=1; shift ;;
		--inside) shift ;;
		*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done

if [ -z "${ET_BENCH_INSIDE:-}" ]; then
	build_and_stage
	make -s bench >/dev/null 2>&1 || make -s bench
	ET_BENCH_INSIDE=1 in_virtualenv bash "$ROOT/bench/eigentrust.sh" --edges "$EDGES" --reps "$REPS" \
		$([ "$NX_LARGE" = 1 ] && echo --nx-large)
	exit $?
fi

DB=et_bench
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")
"${PSQL[@]}" <<'SQL'
CREATE EXTENSION IF NOT EXISTS mpc_eigentrust;
-- best of reps wall times in ms of a statement, run in this session
CREATE FUNCTION bench_ms(q text, reps int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  best float8 := 'Infinity';
BEGIN
  FOR i IN 1..reps LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  RETURN best;
END $$;
SQL

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== PostgreSQL $(psql -XAtc 'SHOW server_version' -d "$DB"), shared_buffers $(psql -XAtc 'SHOW shared_buffers' -d "$DB")"

# bench_graph NAME TABLE COLS: timings of one graph
bench_graph() {
	local name=$1 tab=$2 cols=$3
	local q="SELECT $cols FROM $tab"
	local out
	out=$("${PSQL[@]}" -At -F' ' <<SQL
SET max_parallel_workers_per_gather = 0;
SELECT 'count_serial_ms', bench_ms('SELECT count(*) FROM ($q) q', $REPS);
RESET max_parallel_workers_per_gather;
SELECT 'count_parallel_ms', bench_ms('SELECT count(*) FROM ($q) q', $REPS);
SET max_parallel_workers_per_gather = 0;
SELECT 'count_values_ms', bench_ms('SELECT count(*) FROM ($q) q(a, b, c) WHERE a IS NOT NULL AND b IS NOT NULL AND c IS NOT NULL', $REPS);
RESET max_parallel_workers_per_gather;
SELECT 'eigentrust_ms', bench_ms('SELECT count(*) FROM eigentrust(''$q'')', $REPS);
SQL
)
	echo "$out" | sed "s/^/  $name /"
	local cs cp cv et
	cs=$(awk '$1=="count_serial_ms"{print $2}' <<<"$out")
	cp=$(awk '$1=="count_parallel_ms"{print $2}' <<<"$out")
	cv=$(awk '$1=="count_values_ms"{print $2}' <<<"$out")
	et=$(awk '$1=="eigentrust_ms"{print $2}' <<<"$out")
	awk -v n="$name" -v cs="$cs" -v cp="$cp" -v cv="$cv" -v et="$et" 'BEGIN {
		printf "  %s ratio eigentrust / count(*) serial: %.2fx; / count(*) with parallel workers: %.2fx; / count(*) reading every value: %.2fx\n", n, et / cs, et / cp, et / cv }'
	echo "  $name breakdown (verbose => true):"
	"${PSQL[@]}" -c "SELECT count(*) FROM eigentrust('$q', verbose => true)" 2>&1 \
		| grep -E 'read|peers,|converged|did not' | sed 's/^NOTICE:  /    /'
	echo "$et" > "$WORK/$name.et_ms"
}

nx_compare() {	# NAME FILE FORMAT
	local name=$1 file=$2 fmt=$3 out
	out=$("$MPC_PYTHON" "$ROOT/bench/eigentrust_nx.py" "$file" "$fmt" 0.15 1e-10)
	echo "$out" | sed "s/^/  $name /"
	awk -v n="$name" -v et="$(cat "$WORK/$name.et_ms")" '
		$1=="nx_load_s"{l=$2} $1=="nx_pagerank_same_tol_s"{p=$2} $1=="nx_pagerank_default_tol_s"{d=$2}
		END { printf "  %s networkx load+pagerank: %.2f s (same stopping rule), %.2f s (networkx default tol); eigentrust() %.3f s: %.1fx / %.1fx faster\n",
			n, l + p, l + d, et / 1000, (l + p) * 1000 / et, (l + d) * 1000 / et }' <<<"$out"
}

ADV="$MPC_SHARED_DIR/data/trust/advogato.tsv"
if [ -r "$ADV" ]; then
	echo "== Advogato ($ADV)"
	"${PSQL[@]}" <<SQL
CREATE TABLE adv (src int, dst int, w float8);
\copy adv FROM '$ADV' WITH (FORMAT csv, DELIMITER ' ', HEADER true)
VACUUM (FREEZE, ANALYZE) adv;
SQL
	bench_graph advogato adv "src, dst, w"
	nx_compare advogato "$ADV" tsv
	echo "  advogato kernel:"
	"$ROOT/bench/build/bench_eigentrust" --file "$ADV" 300 | sed 's/^/    /'
else
	echo "== Advogato skipped: $ADV is absent (needs ../shared)"
fi

echo "== generated power-law graph, $EDGES edges"
start=$(date +%s.%N)
"${PSQL[@]}" <<SQL
SELECT setseed(0.42);
CREATE TABLE pl (src int, dst int, w float8);
INSERT INTO pl
  SELECT floor(1e6 * random() ^ 2)::int, floor(1e6 * random() ^ 3)::int, 1 + floor(random() * 10)
  FROM generate_series(1, $EDGES);
VACUUM (FREEZE, ANALYZE) pl;
SQL
echo "  generated in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e - s}') s, table $(psql -XAtc "SELECT pg_size_pretty(pg_table_size('pl'))" -d "$DB")"
bench_graph powerlaw pl "src, dst, w"
if [ "$NX_LARGE" = 1 ]; then
	"${PSQL[@]}" -c "\\copy pl TO '$WORK/pl.tsv' WITH (FORMAT csv, DELIMITER ' ', HEADER true)"
	nx_compare powerlaw "$WORK/pl.tsv" tsv
else
	echo "  powerlaw networkx: not run (pass --nx-large; needs several GB and minutes)"
fi
echo "  powerlaw kernel (same generator in C, 1e6 peers):"
"$ROOT/bench/build/bench_eigentrust" "$EDGES" 1000000 20 | sed 's/^/    /'
dropdb "$DB"
