#!/usr/bin/env bash
# Paper-mode private EigenTrust with a threshold key against the same mode
# with a key holder, in one cluster (docs/performance.md, "Threshold
# Paillier", "In private EigenTrust's paper mode").
#
#   source scripts/common.sh; build_and_stage
#   in_virtualenv bash bench/private-eigentrust-threshold.sh [PEERS...]
#
# For each PEERS (default 12 48): a generated network over 3 parties; 5
# rounds of paper mode with a key holder (2048-bit keys), then 5 rounds with
# the 3 parties as decryptors of a 2-of-3 split of the fixed 2048-bit test
# key a.  Reports the CPU seconds of the whole cluster per round (every
# backend: coordinator, parties, key holder or decryptors; the postmaster's
# reaped children's utime + stime) and the round log's wall seconds per round
# and decryption seconds per round.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/private-eigentrust-lib.sh"
cd "$ROOT"
P=pet_tbench
NP=3
ROUNDS=5
trap 'pet_drop $P $NP' EXIT

cluster_cpu() {
	local dir pid
	dir=$(pet_val postgres "SHOW data_directory")
	pid=$(head -1 "$dir/postmaster.pid")
	awk -v tck="$(getconf CLK_TCK)" '{ printf "%.3f", ($16 + $17) / tck }' "/proc/$pid/stat"
}
cpu_of() {
	local a b
	a=$(cluster_cpu)
	pet_sql "$1" "SET client_min_messages = warning; $2" >/dev/null
	sleep 1
	b=$(cluster_cpu)
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }'
}
last_run() {
	pet_val ${P}_coord "SELECT round(avg(seconds)::numeric, 3) || ' ' || round(avg(decrypt_seconds)::numeric, 3)
		FROM private_eigentrust_log WHERE round > 0
		AND run_id = (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1)"
}

printf 'peers\tmode\tcpu_s_per_round\twall_s_per_round\tdecrypt_wall_s_per_round\n'
for N in "${@:-12 48}"; do
	for n in $N; do
		pet_create $P $NP
		pet_generate $P "$n" 0.31
		pet_split $P $NP
		C=${P}_coord
		PARTIES=$(pet_parties_array $P $NP)
		"${PET_PSQL[@]}" -d $C -f sql/fixtures/test_keys.psql >/dev/null
		pet_sql $C "CREATE TABLE dealt AS SELECT s.i, paillier_keyshare_export(s.share) AS share FROM k,
			paillier_threshold_split(k.sk, 3, 2) WITH ORDINALITY AS s(pubkey, share, i) WHERE k.name = 'a'" >/dev/null
		for k in 1 2 3; do
			s=$(pet_val $C "SELECT share FROM dealt WHERE i = $k")
			pet_sql ${P}_p$k "SET client_min_messages = warning;
				SELECT private_eigentrust_decryptor_setup('$s'::paillier_keyshare, 'pet_coordinator')" >/dev/null
		done
		pet_sql $C "GRANT INSERT ON private_eigentrust_log TO CURRENT_USER" >/dev/null 2>&1 || true
		cpu=$(cpu_of $C "SELECT count(*) FROM eigentrust_private($PARTIES, '$(pet_conn ${P}_kh)', 'paper',
			epsilon => 1e-30, max_iter => $ROUNDS)")
		read -r wall dec <<<"$(last_run)"
		printf '%s\tkey holder\t%s\t%s\t%s\n' "$n" "$(awk -v c="$cpu" -v r=$ROUNDS 'BEGIN { printf "%.2f", c / r }')" "$wall" "$dec"
		cpu=$(cpu_of $C "SELECT count(*) FROM eigentrust_private($PARTIES, mode => 'paper',
			decryptors => ARRAY['$(pet_conn ${P}_p1)', '$(pet_conn ${P}_p2)', '$(pet_conn ${P}_p3)'],
			epsilon => 1e-30, max_iter => $ROUNDS)")
		read -r wall dec <<<"$(last_run)"
		printf '%s\t2-of-3 decryptors\t%s\t%s\t%s\n' "$n" "$(awk -v c="$cpu" -v r=$ROUNDS 'BEGIN { printf "%.2f", c / r }')" "$wall" "$dec"
	done
done
