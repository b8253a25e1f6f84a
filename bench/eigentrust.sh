#!/usr/bin/env bash
# EigenTrust benchmark, in CPU time: eigentrust()'s solver against igraph's
# PRPACK and networkx, and eigentrust() through SQL against count(*) over its
# own edge query.
#
#   bash bench/eigentrust.sh [--reps R] [--nx-large] [--only NAME]
#
# Graphs: Advogato and Bitcoin Alpha from ../shared/data/trust (skipped with a
# message when absent) and generated power-law graphs of 1M and 10M rows over
# 10^6 ids (truster = floor(10^6 u^2), trustee = floor(10^6 u^3), score
# 1..10; the same generator in C and in SQL, not the same draws).
#
# 1. Core, no server (bench/build/bench_eigentrust): loading, building and
#    solving in thread CPU time, medians of R runs (default 3), and the L1
#    distance of the result at the default epsilon to a run converged to an
#    error bound of 1e-15.
# 2. igraph (python3-igraph, OMP_NUM_THREADS=1) and networkx on the same
#    graph (bench/eigentrust_nx.py, thread CPU time): load and solve apart,
#    and their L1 distance to the same 1e-15 run.  networkx is skipped on the
#    generated graphs unless --nx-large (minutes and GBs at 10M); igraph is
#    skipped with a message when python3-igraph is missing.
# 3. SQL, in a throwaway cluster: the backend's own CPU time (utime + stime
#    from /proc/self/stat, read with pg_read_file, over enough repetitions
#    for the 10 ms tick to be small) of count(*) reading all three values of
#    the edge query, eigentrust() with a one-pass cap (epsilon => 1e300,
#    max_iter => 1: reading, building, ordering, one pass) and eigentrust()
#    itself; and reading plus building alone, as eigentrust(verbose => true)
#    reports it (its backend's CPU time from the start of the call to the end
#    of the build, CLOCK_THREAD_CPUTIME_ID), median of R calls after a
#    warm-up in one session.
#
# Output: a report on stdout and bench/build/eigentrust.tsv, one row per
# graph, tab-separated, with a header line:
#   graph  edges  peers  et_solve_s  et_total_s  networkx_s  igraph_s
#   et_load_build_s  count_values_s  et_one_pass_s  igraph_load_s  nx_load_s
#   et_l1  igraph_l1  nx_l1  et_bound  sql_load_build_s
# edges = rating rows; et_solve_s = the core solve (ordering + passes +
# normalising, as eigentrust() runs it); et_total_s = SELECT count(*) FROM
# eigentrust(...) in the backend; networkx_s / igraph_s = one pagerank call
# (networkx with tol = 1e-10 / N); et_load_build_s = the core's loading plus
# building without PostgreSQL (mpc_et_add_edges in batches of 1024, as
# eigentrust() gives them, then mpc_et_build); sql_load_build_s = reading and
# building inside eigentrust(); *_l1 = L1 distance to the 1e-15 run; NA where
# not measured.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"

REPS=3
NX_LARGE=0
ONLY=
while [ $# -gt 0 ]; do
	case $1 in
		--reps) REPS=$2; shift 2 ;;
		--nx-large) NX_LARGE=1; shift ;;
		--only) ONLY=$2; shift 2 ;;
		*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
export REPS NX_LARGE ONLY

OUT="$ROOT/bench/build"
WORK="${ET_BENCH_WORK:-}"
if [ -z "${ET_BENCH_INSIDE:-}" ]; then
	build_and_stage
	make -s bench/build/bench_eigentrust
	mkdir -p "$OUT"
	WORK=$(mktemp -d /tmp/et_bench.XXXXXX)
	chmod 755 "$WORK"
	trap 'rm -rf "$WORK"' EXIT
	echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	if "$MPC_PYTHON" -c 'import igraph' 2>/dev/null; then
		echo "== igraph $("$MPC_PYTHON" -c 'import igraph; print(igraph.__version__)'), networkx $("$MPC_PYTHON" -c 'import networkx; print(networkx.__version__)')"
	else
		echo "== igraph: skipped, python3-igraph is not installed (scripts/packages.d/solver.txt lists it)"
	fi

	# 1 + 2: core and the Python libraries, graph by graph
	core() {	# NAME ARGS...: bench_eigentrust, then igraph/networkx
		local name=$1; shift
		[ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && return 0
		echo "== $name: core (bench_eigentrust --reps $REPS $*)"
		bench/build/bench_eigentrust --reps "$REPS" --ref "$WORK/$name.ref" "$@" | tee "$WORK/$name.core" | sed 's/^/  /'
		local src=$1 nx=()
		[ "$src" = --file ] && src=$2 || src="$WORK/$name.bin"
		[ "$name" != advogato ] && [ "$name" != bitcoin ] && [ "$NX_LARGE" = 0 ] && nx=(--no-nx)
		echo "== $name: igraph and networkx (eigentrust_nx.py${nx[*]:+ ${nx[*]}})"
		OMP_NUM_THREADS=1 "$MPC_PYTHON" bench/eigentrust_nx.py "$src" 0.15 "$WORK/$name.ref" "${nx[@]}" \
			| tee "$WORK/$name.py" | sed 's/^/  /'
	}
	DATA="$MPC_SHARED_DIR/data/trust"
	if [ -r "$DATA/advogato.tsv" ] && [ -r "$DATA/soc-sign-bitcoinalpha.csv" ]; then
		core advogato --file "$DATA/advogato.tsv"
		core bitcoin --file "$DATA/soc-sign-bitcoinalpha.csv"
	else
		echo "== Advogato and Bitcoin Alpha skipped: $DATA is absent (needs ../shared)"
	fi
	core powerlaw1m --gen 1000000 1000000 --rows "$WORK/powerlaw1m.bin"
	core powerlaw10m --gen 10000000 1000000 --rows "$WORK/powerlaw10m.bin"
	rm -f "$WORK"/*.bin

	# 3: SQL
	ET_BENCH_INSIDE=1 ET_BENCH_WORK="$WORK" in_virtualenv bash "$ROOT/bench/eigentrust.sh" --reps "$REPS" \
		${ONLY:+--only "$ONLY"}

	# the table
	{
		printf 'graph\tedges\tpeers\tet_solve_s\tet_total_s\tnetworkx_s\tigraph_s\tet_load_build_s\tcount_values_s\tet_one_pass_s\tigraph_load_s\tnx_load_s\tet_l1\tigraph_l1\tnx_l1\tet_bound\tsql_load_build_s\n'
		for name in advogato bitcoin powerlaw1m powerlaw10m; do
			[ -r "$WORK/$name.core" ] || continue
			cat "$WORK/$name.core" "$WORK/$name.py" "$WORK/$name.sql" 2>/dev/null | awk -v g="$name" '
				{ v[$1] = $2 }
				function f(k) { return (k in v) ? v[k] : "NA" }
				END {
					lb = ("load_s" in v) ? sprintf("%.6f", v["load_s"] + v["build_s"]) : "NA"
					printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", g, f("rows"), f("peers"),
						f("solve_s"), f("sql_eigentrust_s"), f("nx_solve_s"), f("igraph_solve_s"), lb,
						f("sql_count_values_s"), f("sql_one_pass_s"), f("igraph_load_s"), f("nx_load_s"),
						f("l1_to_ref"), f("igraph_l1"), f("nx_l1"), f("bound"), f("sql_load_build_s") }'
		done
	} > "$OUT/eigentrust.tsv"
	echo "== summary (bench/build/eigentrust.tsv)"
	column -t -s $'\t' "$OUT/eigentrust.tsv" | sed 's/^/  /'
	awk -F'\t' 'NR > 1 {
		if ($7 != "NA") printf "  %s: solve %.4f s vs igraph %.4f s (%.2fx), L1 %s vs %s\n", $1, $4, $7, $4 / $7, $13, $14
		if ($5 != "NA") printf "  %s: eigentrust() %.4f s; one-pass cap %.4f s = %.2fx count(*) reading every value (%.4f s)\n", $1, $5, $10, $10 / $9, $9
		if ($17 != "NA" && $9 != "NA") printf "  %s: reading + building %.4f s = %.2fx count(*) reading every value (target <= 3)\n", $1, $17, $17 / $9 }' "$OUT/eigentrust.tsv"
	exit 0
fi

# ---- inside the throwaway cluster ----
DB=et_bench
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")
"${PSQL[@]}" <<'SQL'
CREATE EXTENSION IF NOT EXISTS mpc_eigentrust;
-- CPU seconds (utime + stime of this backend, 10 ms ticks) per run of q,
-- over at least reps runs and at least 2 s of CPU
CREATE FUNCTION bench_cpu_s(q text, reps int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  s0 text; s1 text; n int := 0; used float8;
BEGIN
  EXECUTE q;  -- warm-up
  s0 := pg_read_file('/proc/self/stat');
  LOOP
    EXECUTE q;
    n := n + 1;
    s1 := pg_read_file('/proc/self/stat');
    used := (split_part(s1, ' ', 14)::bigint + split_part(s1, ' ', 15)::bigint
             - split_part(s0, ' ', 14)::bigint - split_part(s0, ' ', 15)::bigint) / 100.0;
    EXIT WHEN n >= reps AND used >= 2.0;
  END LOOP;
  RETURN round((used / n)::numeric, 6)::float8;
END $$;
SQL
echo "== SQL: PostgreSQL $(psql -XAtc 'SHOW server_version' -d "$DB"), shared_buffers $(psql -XAtc 'SHOW shared_buffers' -d "$DB"), backend CPU time"

sql_graph() {	# NAME TABLE COLS
	local name=$1 tab=$2 cols=$3
	local q="SELECT $cols FROM $tab"
	"${PSQL[@]}" -At -F' ' <<SQL | tee "$ET_BENCH_WORK/$name.sql" | sed "s/^/  $name /"
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = error;
SELECT 'sql_count_values_s', bench_cpu_s('SELECT count(*) FROM ($q) q(a, b, c) WHERE a IS NOT NULL AND b IS NOT NULL AND c IS NOT NULL', $REPS);
SELECT 'sql_one_pass_s', bench_cpu_s('SELECT count(*) FROM eigentrust(''$q'', epsilon => 1e300, max_iter => 1)', $REPS);
SELECT 'sql_eigentrust_s', bench_cpu_s('SELECT count(*) FROM eigentrust(''$q'')', $REPS);
SQL
	# reading + building: eigentrust()'s own CPU figure from its verbose
	# NOTICE, R calls after a warm-up, all in one session; the median
	local cmds=(-c "SET max_parallel_workers_per_gather = 0") i
	for ((i = 0; i <= REPS; i++)); do
		cmds+=(-c "SELECT count(*) FROM eigentrust('$q', epsilon => 1e300, max_iter => 1, verbose => true)")
	done
	"${PSQL[@]}" -At "${cmds[@]}" 2>&1 >/dev/null |
		sed -n 's/.*reading and building: \([0-9.]*\) ms of CPU.*/\1/p' | tail -n +2 | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "sql_load_build_s %.6f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000 }' |
		tee -a "$ET_BENCH_WORK/$name.sql" | sed "s/^/  $name /"
}

want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
DATA="$MPC_SHARED_DIR/data/trust"
if [ -r "$DATA/advogato.tsv" ] && [ -r "$DATA/soc-sign-bitcoinalpha.csv" ]; then
	"${PSQL[@]}" <<SQL
CREATE TABLE adv (src int, dst int, w float8);
\copy adv FROM '$DATA/advogato.tsv' WITH (FORMAT csv, DELIMITER ' ', HEADER true)
CREATE TABLE btc (src int, dst int, rating int, t bigint);
\copy btc FROM '$DATA/soc-sign-bitcoinalpha.csv' WITH (FORMAT csv, HEADER true)
VACUUM (FREEZE, ANALYZE) adv, btc;
SQL
	want advogato && sql_graph advogato adv "src, dst, w"
	want bitcoin && sql_graph bitcoin btc "src, dst, rating"
fi
for spec in powerlaw1m:1000000 powerlaw10m:10000000; do
	name=${spec%%:*} rows=${spec#*:}
	want "$name" || continue
	"${PSQL[@]}" >/dev/null <<SQL
SELECT setseed(0.42);
CREATE TABLE $name (src int, dst int, w float8);
INSERT INTO $name
  SELECT floor(1e6 * random() ^ 2)::int, floor(1e6 * random() ^ 3)::int, 1 + floor(random() * 10)
  FROM generate_series(1, $rows);
VACUUM (FREEZE, ANALYZE) $name;
SQL
	sql_graph "$name" "$name" "src, dst, w"
	"${PSQL[@]}" -c "DROP TABLE $name"
done
dropdb "$DB"
