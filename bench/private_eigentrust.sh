#!/usr/bin/env bash
# Private EigenTrust benchmark (docs/performance.md, "Private EigenTrust").
#
#   bash bench/private_eigentrust.sh [PAPER_ROUNDS] [--large | --sweep]
#
# --sweep runs only the masked-mode sweep for docs/perf-private.png: generated
# networks of 1,000, 10,000 and 100,000 peers (about 10 ratings each) over 3,
# 8 and 16 parties, 5 rounds each; seconds per round (wall, the round log's
# mean over the rounds) into bench/build/private-sweep.tsv, then
# bash bench/plots.sh private bench/build/private-sweep.tsv.
#
# 0. masked mode (the default, no key holder) on Bitcoin Alpha over 4
#    parties to convergence against plain eigentrust() in the same cluster,
#    as CPU seconds of every backend involved (the postmaster's reaped
#    children's utime + stime, read from /proc before and after each job) and
#    wall time; bytes each party sends and receives per round (the heads and
#    the exact sum since the sum check: docs/design.md).  With --large
#    also a generated network of 100,000 peers and 2,000,000 ratings over 8
#    parties: runs of 2 and 5 rounds, CPU per round from their difference
#    (and wall seconds per round from the round log).
#
# 1. The privacy cost per round at N = 1024 (bench/bench_privacy_cost.c):
#    textbook Paillier against this implementation, in one process.
# 2. Bitcoin Alpha (../shared/data/trust) split by truster over 4 party
#    databases with a key holder: paper mode for PAPER_ROUNDS rounds (default
#    2) with its per-round breakdown; 0 skips the paper-mode runs.
# 3. The induced Bitcoin Alpha subgraph on its 1024 lowest ids (N = 1024
#    peers): paper mode for PAPER_ROUNDS rounds.  (fast mode is retired.)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"
PAPER_ROUNDS=${1:-2}
LARGE=${2:-}
DATA="$MPC_SHARED_DIR/data/trust/soc-sign-bitcoinalpha.csv"

if [ -z "${PET_BENCH_INNER:-}" ]; then
	cd "$ROOT"
	build_and_stage
	if [ "$LARGE" != --sweep ]; then
		make -s bench/build/bench_privacy_cost
		log "privacy cost per round, N = 1024 (one process)"
		bench/build/bench_privacy_cost 1024
	fi
	if [ "$LARGE" != --sweep ] && [ ! -f "$DATA" ]; then
		echo "skipping the Bitcoin Alpha runs: $DATA not found (set MPC_SHARED_DIR)"
		exit 0
	fi
	PET_BENCH_INNER=1 in_virtualenv bash "$ROOT/bench/private_eigentrust.sh" "$PAPER_ROUNDS" "$LARGE"
	rc=$?
	[ "$LARGE" != --sweep ] || [ $rc -ne 0 ] || bash "$ROOT/bench/plots.sh" private "$ROOT/bench/build/private-sweep.tsv"
	exit $rc
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

# CPU seconds of every backend that exited since the cluster started: the
# postmaster reaps its children, so their times land in its cutime + cstime.
cluster_cpu() {
	local dir pid
	dir=$(pet_val postgres "SHOW data_directory")
	pid=$(head -1 "$dir/postmaster.pid")
	awk -v tck="$(getconf CLK_TCK)" '{ printf "%.3f", ($16 + $17) / tck }' "/proc/$pid/stat"
}
# cpu_of DB SQL: CPU seconds of the whole cluster while SQL runs in its own session
cpu_of() {
	local a b
	a=$(cluster_cpu)
	pet_sql "$1" "SET client_min_messages = warning; $2" >/dev/null
	sleep 1	# the parties' sessions end when the coordinator disconnects
	b=$(cluster_cpu)
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }'
}

# masked_job PREFIX NPARTIES MAXITER: CPU seconds of the whole cluster for one
# masked run (epsilon 1e-12, so it runs MAXITER rounds unless it converges)
masked_job() {
	cpu_of ${1}_coord "DROP TABLE IF EXISTS priv_masked; CREATE TABLE priv_masked AS
		SELECT * FROM eigentrust_private($(pet_parties_array $1 $2), alpha => 0.15, epsilon => $4, max_iter => $3)"
}
last_rounds() {	# DB: rounds of the last run in the round log
	pet_val $1 "SELECT max(round) FROM private_eigentrust_log WHERE run_id = (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1)"
}

# masked_bench PREFIX NPARTIES MAXITER LABEL [SHORT]: with SHORT, also a run of
# SHORT rounds, and the CPU per round is the difference of the two runs over
# the difference of their rounds (setup, reading the ratings and publishing
# cancel); without, the whole run's CPU over its rounds.
masked_bench() {
	local p=$1 np=$2 maxiter=$3 label=$4 short=${5:-} c=${1}_coord t0 wall cpu cpu_s cpu_plain n rounds rounds_s eps msg rep head sum per
	pet_sql $c "GRANT INSERT ON private_eigentrust_log TO CURRENT_USER" >/dev/null
	eps=1e-8
	[ -n "$short" ] && eps=1e-15
	if [ -n "$short" ]; then
		cpu_s=$(masked_job $p $np $short $eps)
		rounds_s=$(last_rounds $c)
	fi
	t0=$(date +%s.%N)
	cpu=$(masked_job $p $np $maxiter $eps)
	wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a - 1 }')
	rounds=$(last_rounds $c)
	cpu_plain=$(cpu_of $c "DROP TABLE IF EXISTS plain_m; CREATE TABLE plain_m AS
		SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings', alpha => 0.15, epsilon => $eps, max_iter => $maxiter)")
	n=$(pet_val $c "SELECT count(*) FROM priv_masked")
	if [ -n "$short" ]; then
		per=$(awk -v a="$cpu_s" -v b="$cpu" -v r1="$rounds_s" -v r2="$rounds" 'BEGIN { printf "%.2f", (b - a) / (r2 - r1) }')
		per="$per CPU s per round ((CPU of $rounds rounds - CPU of $rounds_s) / $((rounds - rounds_s)))"
	else
		per="$(awk -v a="$cpu" -v r="$rounds" 'BEGIN { printf "%.3f", a / r }') CPU s per round (whole run / rounds)"
	fi
	msg=$((28 + 8 * n + 131 * np))	# the double-masked vector (masked.h)
	rep=$((44 + 131 * np))	# the unmask reply with its sum check value
	head=$((60 + 131 * np))	# a vector's head: its values replaced by their digest
	sum=$((28 + 10 * n))	# the exact sum: low words and carries
	echo "  $label: $n peers, $rounds rounds; masked: $cpu CPU s (all backends), $wall s wall; plain eigentrust(): $cpu_plain CPU s; ratio $(awk -v a="$cpu" -v b="$cpu_plain" 'BEGIN { printf "%.0f", a / b }')"
	echo "  $per"
	# a run cut at a few rounds is no fixed point: compare converged runs only
	[ -n "$short" ] || pet_sql $c "SELECT '  L1 vs eigentrust(): ' || sum(abs(a.trust - b.trust)) FROM priv_masked a JOIN plain_m b USING (peer)" | sed -n 3p
	pet_sql $c "SELECT '  seconds per round (wall, round log): avg ' || round(avg(seconds)::numeric, 3) || ', max ' || round(max(seconds)::numeric, 3)
		FROM private_eigentrust_log WHERE round > 0 AND run_id = (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1)" | sed -n 3p
	# on the wire: a party's message leaves as hex in dblink's text result
	# (2 characters a byte); an inbox arrives as base64 (4 characters per 3
	# bytes, a newline every 76) inside the query text
	awk -v m="$msg" -v r="$rep" -v h="$head" -v s="$sum" -v np="$np" 'function b64(x) { c = 4 * int((x + 2) / 3); return c + int((c - 1) / 76) }
		BEGIN { printf "  per party per round, binary: sends %d (vector %d + reply %d), receives %d (%d heads of %d, the sum %d, %d replies of %d)\n", m + r, m, r, np * (h + r) + s, np, h, s, np, r
		        printf "  per party per round, as dblink text: sends %d (hex), receives %d (base64 inside the query text)\n", 2 * (m + r), np * (b64(h) + b64(r)) + b64(s) }'
}

if [ "$LARGE" = --sweep ]; then
	tsv="$ROOT/bench/build/private-sweep.tsv"
	mkdir -p "$(dirname "$tsv")"
	printf '# bash bench/private_eigentrust.sh 0 --sweep, %s\npeers\tparties\tmode\tseconds_per_round\n' "$(date -u +%FT%TZ)" >"$tsv"
	for peers in 1000 10000 100000; do
		for np in 3 8 16; do
			P=psw
			pet_create $P $np
			pet_sql ${P}_coord "CREATE TABLE all_ratings (truster bigint, trustee bigint, score double precision);
				SELECT setseed(0.3);
				INSERT INTO all_ratings SELECT i, 1 + floor($peers * power(random(), 2))::bigint, ceil(10 * random())
				FROM generate_series(1, $peers) i, generate_series(1, 10) d;" >/dev/null
			PET_MEMBERS=1 pet_split $P $np
			pet_sql ${P}_coord "GRANT INSERT ON private_eigentrust_log TO CURRENT_USER;
				SET client_min_messages = warning;
				CREATE TABLE r AS SELECT * FROM eigentrust_private($(pet_parties_array $P $np), alpha => 0.15,
				    epsilon => 1e-12, max_iter => 5)" >/dev/null
			spr=$(pet_val ${P}_coord "SELECT round(avg(seconds)::numeric, 4) FROM private_eigentrust_log WHERE round > 0")
			printf '%s\t%s\tmasked\t%s\n' "$peers" "$np" "$spr" | tee -a "$tsv"
			pet_drop $P $np
		done
	done
	exit 0
fi

log "masked mode: Bitcoin Alpha over $NP parties"
P=pmb
pet_create $P $NP
pet_load_csv $P "$DATA"
PET_MEMBERS=1 pet_split $P $NP
masked_bench $P $NP 1000 "Bitcoin Alpha, to convergence"
pet_drop $P $NP

if [ "$LARGE" = --large ]; then
	log "masked mode: 100,000 peers, 2,000,000 ratings over 8 parties, runs of 2 and 5 rounds"
	P=pml
	pet_create $P 8
	pet_sql ${P}_coord "CREATE TABLE all_ratings (truster bigint, trustee bigint, score double precision);
		SELECT setseed(0.1);
		INSERT INTO all_ratings SELECT i, 1 + floor(100000 * power(random(), 2))::bigint, ceil(10 * random())
		FROM generate_series(1, 100000) i, generate_series(1, 20) d;" >/dev/null
	PET_MEMBERS=1 pet_split $P 8
	masked_bench $P 8 5 "100k peers / 2M ratings" 2
	pet_drop $P 8
fi

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
pet_drop $P $NP
