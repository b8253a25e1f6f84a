#!/usr/bin/env bash
# Private set intersection benchmark (docs/performance.md, "Private set
# intersection").
#
#   bash bench/psi.sh [N] [KIND]      # N ids per party (default 100000), KIND bigint|text
#
# Two party databases of N ids each (half of them shared) and a coordinator
# in one throwaway cluster.  psi_cardinality over dblink against a plain SQL
# join of the same ids in one database, in the same run:
#   - wall time of each;
#   - CPU seconds of every backend involved (the postmaster's cutime + cstime
#     grow by each backend's utime + stime when it exits);
#   - CPU seconds of the coordinator's backend and of each party's alone,
#     sampled from /proc/<pid>/stat every 0.1 s while the run goes (so each
#     misses at most its last 0.1 s).
# It prints the micro-costs of the primitives too (bench/bench_psi.c, one
# process): ristretto255 hash-to-group and scalar multiplication against
# mpz_powm_sec at 2048 and 3072 bits.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"
N=${1:-100000}
KIND=${2:-bigint}

if [ -z "${PSI_BENCH_INNER:-}" ]; then
	cd "$ROOT"
	build_and_stage
	make -s bench/build/bench_psi
	log "primitives (one process, thread CPU time)"
	bench/build/bench_psi
	log "psi_cardinality, 2 parties x $N $KIND ids"
	PSI_BENCH_INNER=1 in_virtualenv bash "$ROOT/bench/psi.sh" "$N" "$KIND"
	exit
fi

PW=psi-bench-only
Q=(psql -X -q -v ON_ERROR_STOP=1)
val() { "${Q[@]}" -At -d "$1" -c "$2"; }
conn() { printf 'host=%s port=%s dbname=%s user=psi_bench password=%s' "${PGHOST:-localhost}" "${PGPORT:-5432}" "$1" "$PW"; }
val postgres "CREATE ROLE psi_bench LOGIN PASSWORD '$PW'" >/dev/null
col="g::bigint"; [ "$KIND" = text ] && col="'customer-' || g"
for d in psi_bc psi_b1 psi_b2; do createdb "$d"; val "$d" "CREATE EXTENSION mpc_eigentrust" >/dev/null; done
val psi_bc "CREATE EXTENSION dblink" >/dev/null
# party 1: ids 1..N, party 2: ids N/2+1..3N/2; shared: N/2
val psi_b1 "CREATE TABLE ids AS SELECT $col AS id FROM generate_series(1, $N) g;
	SET client_min_messages = warning; SELECT psi_party_setup('SELECT id FROM ids', 'psi_bench')" >/dev/null
val psi_b2 "CREATE TABLE ids AS SELECT $col AS id FROM generate_series($N / 2 + 1, $N / 2 + $N) g;
	SET client_min_messages = warning; SELECT psi_party_setup('SELECT id FROM ids', 'psi_bench')" >/dev/null
# the baseline: the same two sets in one database
val psi_bc "CREATE TABLE a AS SELECT $col AS id FROM generate_series(1, $N) g;
	CREATE TABLE b AS SELECT $col AS id FROM generate_series($N / 2 + 1, $N / 2 + $N) g; ANALYZE a, b" >/dev/null

cluster_cpu() {
	local pid
	pid=$(head -1 "$(val postgres "SHOW data_directory")/postmaster.pid")
	awk -v tck="$(getconf CLK_TCK)" '{ printf "%.3f", ($16 + $17) / tck }' "/proc/$pid/stat"
}
# sample LOGFILE STOPFILE: until STOPFILE exists, record "pid role
# cpu_seconds" of the coordinator's and every party's backend every 0.1 s
# (the last line per pid wins), through one psql session so that sampling
# adds no backends of its own
sample() {
	local tck; tck=$(getconf CLK_TCK)
	{ while [ ! -e "$2" ]; do
		echo "SELECT pid || ' ' || split_part(application_name, ' ', 3) FROM pg_stat_activity WHERE application_name LIKE 'psi % %';"
		sleep 0.1
	  done; } | psql -X -At -d postgres 2>/dev/null |
	while read -r pid who; do
		[ -r "/proc/$pid/stat" ] && awk -v p="$pid" -v w="$who" -v t="$tck" '{ printf "%s %s %.2f\n", p, w, ($14 + $15) / t }' "/proc/$pid/stat" 2>/dev/null || true
	done >>"$1"
}
run() {	# run LABEL SQL -> "wall cpu"
	local a b t0 t1
	a=$(cluster_cpu); t0=$(date +%s.%N)
	val psi_bc "$2" >/tmp/psi_bench_out.$$
	t1=$(date +%s.%N); sleep 1; b=$(cluster_cpu)
	awk -v t0="$t0" -v t1="$t1" -v a="$a" -v b="$b" 'BEGIN { printf "%.2f %.2f\n", t1 - t0, b - a }'
}

want=$((N / 2))
read -r jwall jcpu < <(run join "SELECT count(*) FROM a JOIN b USING (id)")
jn=$(cat /tmp/psi_bench_out.$$)
SAMPLES=/tmp/psi_bench_samples.$$
STOP=/tmp/psi_bench_stop.$$
: >"$SAMPLES"
rm -f "$STOP"
sample "$SAMPLES" "$STOP" &
SPID=$!
read -r pwall pcpu < <(run psi "SELECT psi_cardinality(ARRAY['$(conn psi_b1)', '$(conn psi_b2)'])")
touch "$STOP"
wait "$SPID" 2>/dev/null || true
rm -f "$STOP"
pn=$(cat /tmp/psi_bench_out.$$)
per=$(awk '{ cpu[$2] = $3 } END { for (w in cpu) printf "%s %s s, ", w, cpu[w] }' "$SAMPLES")
rm -f "$SAMPLES" /tmp/psi_bench_out.$$
[ "$pn" = "$want" ] && [ "$jn" = "$want" ] || { echo "wrong result: psi $pn, join $jn, want $want"; exit 1; }
echo "  plain SQL join:   |A ∩ B| = $jn in $jwall s wall, $jcpu CPU s (all backends)"
echo "  psi_cardinality:  |A ∩ B| = $pn in $pwall s wall, $pcpu CPU s (all backends: coordinator and parties)"
echo "  per backend (sampled): ${per%, }"
echo "  ratio psi / join: $(awk -v a="$pwall" -v b="$jwall" 'BEGIN { printf "%.0f", a / b }')x wall, $(awk -v a="$pcpu" -v b="$jcpu" 'BEGIN { printf "%.0f", a / b }')x CPU"
