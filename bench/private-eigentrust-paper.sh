#!/usr/bin/env bash
# Paper-mode private EigenTrust on Bitcoin Alpha over 4 parties, to
# convergence (docs/performance.md, "Paper mode on Bitcoin Alpha").
#
#   bash bench/private-eigentrust-paper.sh [MAX_ITER]
#
# (MAX_ITER, default 1000, stops paper mode early: a before/after
# comparison with an older build needs only a few rounds of it.)
#
# 1. bench/bench_paper_round.c: one round with the core functions the SQL
#    roles call (key holder: key, table, Enc(t); each party's vector; the
#    product and its decryption), thread CPU seconds, one ciphertext per
#    value and packed into slots in the same run, both checked against the
#    sums in plain arithmetic.
# 2. In one throwaway cluster: a coordinator, a key holder and 4 party
#    databases (truster mod 4, every id a member of its party), paper mode
#    with alpha 0.5 and epsilon 1e-10 as test/suites/50-private-eigentrust.sh
#    runs it: the whole cluster's CPU seconds (every backend) and wall time,
#    per round, against plain eigentrust() on the union in the same cluster,
#    and the L1 distance between the two.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"
DATA="$MPC_SHARED_DIR/data/trust/soc-sign-bitcoinalpha.csv"
MAX_ITER=${1:-1000}

if [ -z "${PET_BENCH_INNER:-}" ]; then
	cd "$ROOT"
	if [ ! -f "$DATA" ]; then
		echo "skipping: $DATA not found (set MPC_SHARED_DIR)"
		exit 0
	fi
	build_and_stage
	make -s bench/build/bench_paper_round
	log "one round in C (thread CPU seconds)"
	bench/build/bench_paper_round "$DATA" 4
	log "paper mode in SQL, Bitcoin Alpha over 4 parties, to convergence"
	PET_BENCH_INNER=1 in_virtualenv bash "$ROOT/bench/private-eigentrust-paper.sh" "$MAX_ITER"
	exit $?
fi

source "$ROOT/scripts/private-eigentrust-lib.sh"
P=ppb
C=${P}_coord
# cpu_of SQL: the cluster's CPU seconds while SQL runs in its own session
cpu_of() {
	local a b
	a=$(pet_cluster_cpu)
	pet_sql $C "SET client_min_messages = warning; $1" >/dev/null
	sleep 1	# the parties' sessions end when the coordinator disconnects
	b=$(pet_cluster_cpu)
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }'
}
pet_create $P 4
pet_load_csv $P "$DATA"
PET_MEMBERS=1 pet_split $P 4
pet_sql $C "GRANT INSERT ON private_eigentrust_log TO CURRENT_USER" >/dev/null
t0=$(date +%s.%N)
cpu=$(cpu_of "CREATE TABLE priv AS SELECT * FROM eigentrust_private($(pet_parties_array $P 4), '$(pet_conn ${P}_kh)',
	'paper', alpha => 0.5, epsilon => 1e-10, max_iter => $MAX_ITER)")
wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a - 1 }')
cpu_plain=$(cpu_of "CREATE TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings',
	alpha => 0.5, epsilon => 1e-10)")
rounds=$(pet_val $C "SELECT max(round) FROM private_eigentrust_log")
echo "  paper: $rounds rounds, $cpu CPU s (all backends, setup included), $(awk -v c="$cpu" -v r="$rounds" 'BEGIN { printf "%.2f", c / r }') CPU s per round; $wall s wall"
echo "  plain eigentrust() on the union: $cpu_plain CPU s; ratio $(awk -v a="$cpu" -v b="$cpu_plain" 'BEGIN { printf "%.0f", a / (b > 0 ? b : 0.01) }')"
pet_sql $C "SELECT '  L1 vs eigentrust(): ' || sum(abs(a.trust - b.trust)) || ' over ' || count(*) || ' peers'
	FROM priv a FULL JOIN plain b USING (peer)" | sed -n 3p
pet_sql $C "SELECT '  round log: ' || round(avg(seconds)::numeric, 2) || ' s wall per round (max ' || round(max(seconds)::numeric, 2)
	|| '), ' || round(avg(bytes_moved) / 1e6, 2) || ' MB moved per round'
	FROM private_eigentrust_log WHERE round > 0" | sed -n 3p
pet_drop $P 4
