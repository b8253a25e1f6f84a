#!/usr/bin/env bash
# Private EigenTrust benchmark (docs/performance.md, "Private EigenTrust").
#
#   bash bench/private_eigentrust.sh [PAPER_ROUNDS]
#
# 1. The privacy cost per round at N = 1024 (bench/bench_privacy_cost.c):
#    textbook Paillier against this implementation, in one process.
# 2. Bitcoin Alpha (../shared/data/trust) split by truster over 4 party
#    databases in a throwaway cluster: fast mode to convergence (time, rounds,
#    agreement with eigentrust(), per-round breakdown from the round log) and
#    paper mode for PAPER_ROUNDS rounds (default 2) with its per-round
#    breakdown; 0 skips the paper-mode runs.
# 3. The induced Bitcoin Alpha subgraph on its 1024 lowest ids (N = 1024
#    peers): paper mode for PAPER_ROUNDS rounds, fast mode to convergence.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"
PAPER_ROUNDS=${1:-2}
DATA="$MPC_SHARED_DIR/data/trust/soc-sign-bitcoinalpha.csv"

if [ -z "${PET_BENCH_INNER:-}" ]; then
	cd "$ROOT"
	build_and_stage
	make -s bench/build/bench_privacy_cost
	log "privacy cost per round, N = 1024 (one process)"
	bench/build/bench_privacy_cost 1024 4
	if [ ! -f "$DATA" ]; then
		echo "skipping the Bitcoin Alpha runs: $DATA not found (set MPC_SHARED_DIR)"
		exit 0
	fi
	PET_BENCH_INNER=1 in_virtualenv bash "$ROOT/bench/private_eigentrust.sh" "$PAPER_ROUNDS"
	exit $?
fi

source "$ROOT/scripts/private-eigentrust-lib.sh"
NP=4

breakdown() {	# DB MODE: averages over the rounds of the last run of MODE
	pet_sql "$1" "
		WITH last AS (SELECT run_id FROM private_eigentrust_log WHERE mode = '$2' ORDER BY logged_at DESC LIMIT 1)
		SELECT mode, count(*) AS rounds,
		       round(avg(seconds)::numeric, 3) AS round_s,
		       round(avg(keygen_seconds)::numeric, 3) AS keygen_s,
		       round(avg(encrypt_seconds)::numeric, 3) AS encrypt_s,
		       round(avg(compute_seconds)::numeric, 3) AS homomorphic_s,
		       round(avg(transfer_seconds)::numeric, 3) AS transfer_s,
		       round(avg(decrypt_seconds)::numeric, 3) AS decrypt_s,
		       round(avg(bytes_moved) / 1e6, 2) AS mbytes
		FROM private_eigentrust_log JOIN last USING (run_id) WHERE round > 0 GROUP BY mode;
		SELECT 'setup (round 0): ' || round(seconds::numeric, 3) || ' s' FROM private_eigentrust_log
		WHERE round = 0 AND run_id = (SELECT run_id FROM private_eigentrust_log WHERE mode = '$2'
		                              ORDER BY logged_at DESC LIMIT 1);"
}

# run DB MODE MAXITER PRETRUST: time a run, compare with eigentrust()
run() {
	local db=$1 mode=$2 maxiter=$3 pre=$4 t0 t1
	t0=$(date +%s.%N)
	pet_sql "$db" "SET client_min_messages = warning;
		DROP TABLE IF EXISTS priv_$mode;
		CREATE TABLE priv_$mode AS SELECT * FROM eigentrust_private($(pet_parties_array "${db%_coord}" $NP),
		    '$(pet_conn "${db%_coord}_kh")', '$mode', alpha => 0.15, epsilon => 1e-8, max_iter => $maxiter,
		    pretrust_sql => $pre);" >/dev/null
	t1=$(date +%s.%N)
	echo "  $mode: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s wall for the whole run (max_iter $maxiter)"
	pet_sql "$db" "SELECT '  L1 vs eigentrust(): ' || sum(abs(a.trust - b.trust)) || ' over ' || count(*) || ' peers'
		FROM priv_$mode a JOIN plain b USING (peer);" | sed -n 3p
	breakdown "$db" "$mode"
}

log "Bitcoin Alpha over $NP parties"
P=pba
pet_create $P $NP
pet_load_csv $P "$DATA"
pet_split $P $NP
C=${P}_coord
pet_sql $C "SELECT count(*) AS ratings, count(DISTINCT truster) AS trusters FROM all_ratings"
for k in $(seq 1 $NP); do echo "  party $k: $(pet_val ${P}_p$k "SELECT count(*) FROM ratings") ratings"; done
pet_sql $C "CREATE TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings',
	alpha => 0.15, epsilon => 1e-8);" >/dev/null
t0=$(date +%s.%N)
pet_sql $C "CREATE TEMP TABLE x AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings', alpha => 0.15, epsilon => 1e-8)" >/dev/null
echo "  plain eigentrust(): $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }') s"
run $C fast 1000 NULL
pet_sql $C "SELECT peer, round(trust::numeric, 6) AS trust FROM priv_fast ORDER BY trust DESC LIMIT 5"
[ "$PAPER_ROUNDS" -gt 0 ] && run $C paper "$PAPER_ROUNDS" NULL
pet_drop $P $NP

log "Bitcoin Alpha induced on its 1024 lowest ids, $NP parties"
P=pb1
pet_create $P $NP
pet_load_csv $P "$DATA"
C=${P}_coord
pet_sql $C "CREATE TABLE ids AS SELECT id FROM (SELECT truster AS id FROM all_ratings UNION SELECT trustee FROM all_ratings) u
	ORDER BY id LIMIT 1024;
	DELETE FROM all_ratings WHERE truster NOT IN (SELECT id FROM ids) OR trustee NOT IN (SELECT id FROM ids);
	SELECT count(*) AS ratings FROM all_ratings;"
pet_split $P $NP
# pre-trust uniform over the 1024 ids makes every one of them a peer
pet_sql $C "CREATE TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings',
	'SELECT id, 1 FROM ids', alpha => 0.15, epsilon => 1e-8);" >/dev/null
[ "$PAPER_ROUNDS" -gt 0 ] && run $C paper "$PAPER_ROUNDS" "'SELECT id, 1 FROM ids'"
run $C fast 1000 "'SELECT id, 1 FROM ids'"
pet_drop $P $NP
