#!/usr/bin/env bash
# Groups mode of private EigenTrust (docs/performance.md, "Groups mode").
#
#   source scripts/common.sh; build_and_stage
#   in_virtualenv bash bench/private-eigentrust-groups.sh [PEERS] [ROUNDS]
#
# Part 1, groups against paper, in one cluster: a generated network of PEERS
# peers (default 1024) over 16 parties; ROUNDS rounds (default 2) of paper
# mode with a key holder, then of groups mode with k = 4, both with 2048-bit
# keys and a fresh key per round (per group and round in groups mode).
# Reports the whole cluster's CPU seconds per round (every backend:
# coordinator, parties, key holder; the postmaster's reaped children's utime
# + stime) and the round log's wall seconds per round.
#
# Part 2, k-means against random groups: 16 parties in 4 clusters of 4 at
# injected distances (the test-only pg_sleep hook of docs/design.md: a hop
# inside a cluster sleeps INSIDE seconds, default 0.01, between clusters
# BETWEEN, default 0.3), a 64-peer network, k = 4, 3 rounds each with
# placement kmeans and random (seeds 1 and 2).  Reports the slowest chain's
# circulation seconds per round (the round log's chain times), the longest
# chain cycle in the measured round-trip times (the logged matrix) and the
# decisions (the groups).  PEERS=0 skips part 1.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/private-eigentrust-lib.sh"
cd "$ROOT"
P=pet_gbench
NP=16
PEERS=${1:-1024}
ROUNDS=${2:-2}
INSIDE=${INSIDE:-0.01}
BETWEEN=${BETWEEN:-0.3}
trap 'pet_drop $P $NP' EXIT

# cpu_of DB SQL: the cluster's CPU seconds per round while SQL runs
cpu_of() {
	local a b
	a=$(pet_cluster_cpu)
	pet_sql "$1" "SET client_min_messages = warning; $2" >/dev/null
	sleep 1	# the parties' sessions end when the coordinator disconnects
	b=$(pet_cluster_cpu)
	awk -v a="$a" -v b="$b" -v r="$ROUNDS" 'BEGIN { printf "%.2f", (b - a) / r }'
}
last_wall() {
	pet_val ${P}_coord "SELECT round(avg(seconds)::numeric, 2) FROM private_eigentrust_log WHERE round > 0
		AND run_id = (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1)"
}
setup() {
	pet_create $P $NP
	pet_generate $P "$1" 0.29
	PET_MEMBERS=1 pet_split $P $NP
	for k in $(seq 1 $NP); do
		pet_sql ${P}_p$k "SET client_min_messages = warning; SET ROLE pet_owner_$k;
			SELECT private_eigentrust_groups_party_setup('SELECT truster, trustee, score FROM public.ratings', 'pet_coordinator',
		    members_sql => 'SELECT id FROM public.members');
			CREATE TABLE private_eigentrust_party.groups_test_delay (from_party integer, round integer, seconds double precision);" >/dev/null
	done
	pet_sql ${P}_coord "GRANT INSERT ON private_eigentrust_log, private_eigentrust_groups_log TO CURRENT_USER" >/dev/null
	PARTIES=$(pet_parties_array $P $NP)
}

if [ "$PEERS" -gt 0 ]; then
echo "# part 1: $PEERS peers over $NP parties, $ROUNDS rounds, 2048-bit keys"
setup "$PEERS"
KH="'$(pet_conn ${P}_kh)'"
printf 'mode\tcpu_s_per_round\twall_s_per_round\n'
c=$(cpu_of ${P}_coord "SELECT count(*) FROM eigentrust_private($PARTIES, key_holder => $KH, mode => 'paper', max_iter => $ROUNDS)")
printf 'paper\t%s\t%s\n' "$c" "$(last_wall)"
for k in 2 4; do
	c=$(cpu_of ${P}_coord "SELECT count(*) FROM eigentrust_private($PARTIES, mode => 'groups', groups => $k, max_iter => $ROUNDS)")
	printf 'groups k=%s\t%s\t%s\n' "$k" "$c" "$(last_wall)"
done
fi

echo "# part 2: k-means against random groups, $NP parties in 4 clusters ($INSIDE s inside, $BETWEEN s between)"
setup 64
for j in $(seq 1 $NP); do
	pet_sql ${P}_p$j "INSERT INTO private_eigentrust_party.groups_test_delay
		SELECT i, NULL, CASE WHEN (i - 1) / 4 = ($j - 1) / 4 THEN $INSIDE ELSE $BETWEEN END
		FROM generate_series(1, $NP) i WHERE i <> $j" >/dev/null
done
printf 'placement\tseed\tslowest_chain_s_per_round\tlongest_rtt_cycle_s\tgroups\n'
for pl in kmeans random; do
	for seed in 1 2; do
		pet_sql ${P}_coord "SET client_min_messages = warning; SELECT count(*) FROM eigentrust_private_groups($PARTIES,
			groups => 4, max_iter => 3, placement => '$pl', seed => $seed)" >/dev/null
		pet_val ${P}_coord "WITH r AS (SELECT run_id FROM private_eigentrust_groups_log ORDER BY logged_at DESC LIMIT 1)
			SELECT '$pl' || E'\t' || $seed || E'\t' ||
			       (SELECT round(avg(s)::numeric, 3) FROM (SELECT max(seconds) s FROM private_eigentrust_groups_log l, r
			        WHERE l.run_id = r.run_id AND event = 'chain' GROUP BY round) x) || E'\t' ||
			       (SELECT round(max(len)::numeric, 3) FROM (
			            SELECT l.grp, sum(m.rtt[(l.members[i] - 1) * $NP + l.members[i % cardinality(l.members) + 1]]) AS len
			            FROM private_eigentrust_groups_log l, r,
			                 (SELECT detail::float8[] AS rtt FROM private_eigentrust_groups_log x, r
			                  WHERE x.run_id = r.run_id AND x.event = 'rtt') m,
			                 generate_subscripts(l.members, 1) i
			            WHERE l.run_id = r.run_id AND l.event = 'placement' GROUP BY l.grp) c) || E'\t' ||
			       (SELECT string_agg(members::text, ' ' ORDER BY grp) FROM private_eigentrust_groups_log l, r
			        WHERE l.run_id = r.run_id AND event = 'placement')"
	done
done
