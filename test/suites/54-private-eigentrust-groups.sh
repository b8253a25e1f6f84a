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
PET_MEMBERS=1 pet_split $P $NP
C=${P}_coord
for k in $(seq 1 $NP); do
	pet_sql ${P}_p$k "SET client_min_messages = warning; SET ROLE pet_owner_$k;
		SELECT private_eigentrust_groups_party_setup('SELECT truster, trustee, score FROM public.ratings', 'pet_coordinator',
		    members_sql => 'SELECT id FROM public.members');
		CREATE TABLE private_eigentrust_party.groups_test_delay (from_party integer, round integer, seconds double precision);
		GRANT SELECT ON private_eigentrust_party.groups_test_delay TO pet_owner_$k;" >/dev/null
done
pet_sql $C "GRANT INSERT ON private_eigentrust_log, private_eigentrust_groups_log TO CURRENT_USER;
	CREATE TABLE all_ids AS SELECT DISTINCT x AS id FROM all_ratings, LATERAL (VALUES (truster), (trustee)) v(x);" >/dev/null
PARTIES=$(pet_parties_array $P $NP)
echo "  $(pet_val $C "SELECT count(*) || ' ratings, ' || count(DISTINCT truster) || ' trusters' FROM all_ratings")"
KB=2048
PRE="'SELECT id, 1 FROM all_ids'"

OUTF=$(mktemp)
trap 'pet_drop $P $NP; rm -f "$OUTF"' EXIT
# run TABLE CALL: the coordinator's result into TABLE, its output into $OUTF
run() {
	"${PET_PSQL[@]}" -At -d $C -c "DROP TABLE IF EXISTS $1; CREATE TABLE $1 AS SELECT * FROM $2" >"$OUTF" 2>&1
}
# check LABEL TABLE EXCLUDED_PARTIES ("" = none, else "3,5"): L1 against
# eigentrust() over the remaining parties' ratings <= 1e-8
check() {
	local label=$1 tab=$2 ex=$3 out l1 where=""
	[ -n "$ex" ] && where="WHERE (truster % $NP) + 1 NOT IN ($ex)"
	out=$("${PET_PSQL[@]}" -At -d $C 2>&1 <<-SQL
		CREATE TEMP TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings $where',
		    $PRE, alpha => 0.5, epsilon => 1e-12);
		SELECT 'L1=' || sum(abs(coalesce(a.trust, 0) - coalesce(b.trust, 0))) || ' n=' || count(*)
		FROM $tab a FULL JOIN plain b USING (peer);
	SQL
	) || { bad "$label: $out"; return 1; }
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
	if run res_k$k "eigentrust_private($PARTIES, mode => 'groups', groups => $k, alpha => 0.5, epsilon => 1e-10,
		pretrust_sql => $PRE, key_bits => $KB)"; then
		check "k=$k" res_k$k "" || true
	else
		bad "k=$k: $(cat "$OUTF")"
	fi
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

# ---- churn ----
# wait_app PATTERN: the pid and application_name of the first active backend
# whose application_name matches (up to 60 s)
wait_app() {
	local row
	for _ in $(seq 1 150); do
		row=$(pet_val postgres "SELECT pid || ' ' || application_name FROM pg_stat_activity
			WHERE application_name LIKE '$1' AND state = 'active' ORDER BY backend_start LIMIT 1")
		[ -n "$row" ] && { echo "$row"; return 0; }
		sleep 0.2
	done
	return 1
}
delay() { pet_sql ${P}_p$1 "INSERT INTO private_eigentrust_party.groups_test_delay VALUES ($2, $3, $4)" >/dev/null; }
nodelay() { local i; for i in $(seq 1 $NP); do pet_sql ${P}_p$i "TRUNCATE private_eigentrust_party.groups_test_delay" >/dev/null; done; }

# churn K LEAVER HOW: party LEAVER leaves in round 2 (HOW = terminate: its
# chain backend is terminated; refuse: its database stops accepting
# connections and its backends are terminated), then a decryptor is
# terminated in round 4
churn() {
	local k=$1 leaver=$2 how=$3 row dec j label="k=$1, party $2 leaves ($3) in round 2, a decryptor in round 4" run_id
	nodelay
	delay $leaver -1 2 4
	for j in $(seq 1 $NP); do delay $j 0 4 3; done
	run res_churn$k "eigentrust_private($PARTIES, mode => 'groups', groups => $k, alpha => 0.5,
		epsilon => 1e-10, pretrust_sql => $PRE, key_bits => $KB)" &
	local bg=$!
	row=$(wait_app "pet % party$leaver round 2") || { wait $bg; bad "$label: party $leaver never reached round 2: $(cat "$OUTF")"; return; }
	if [ "$how" = refuse ]; then
		pet_sql postgres "ALTER DATABASE ${P}_p$leaver ALLOW_CONNECTIONS false;
			SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${P}_p$leaver'" >/dev/null
	else
		pet_sql postgres "SELECT pg_terminate_backend(${row%% *})" >/dev/null
	fi
	row=$(wait_app "pet % decryptor% round 4") || { wait $bg; bad "$label: no decryptor reached round 4: $(cat "$OUTF")"; return; }
	dec=$(sed -E 's/.*decryptor([0-9]+) .*/\1/' <<<"$row")
	pet_sql postgres "SELECT pg_terminate_backend(${row%% *})" >/dev/null
	if ! wait $bg; then
		bad "$label: $(cat "$OUTF")"
		return
	fi
	[ "$how" = refuse ] && pet_sql postgres "ALTER DATABASE ${P}_p$leaver ALLOW_CONNECTIONS true" >/dev/null
	check "$label (decryptor $dec left)" res_churn$k "$leaver,$dec" || true
	# the NOTICEs and the round log say who left and what it did
	if grep -q "party $leaver (.*) left in round 2 (as a member of its chain).*leave the computation from round 2 on" "$OUTF" &&
	   grep -q "party $dec (.*) left in round 4 (as the decryptor of group [0-9]*).*round 4 is redone" "$OUTF"; then
		ok "$label: NOTICEs name both departures"
	else
		bad "$label: NOTICEs: $(grep -i left "$OUTF")"
	fi
	run_id=$(lastrun)
	row=$(pet_val $C "SELECT string_agg(round || ':' || coalesce(decryptor::text, '-'), ' ' ORDER BY round)
		FROM private_eigentrust_groups_log WHERE run_id = '$run_id' AND event = 'left'")
	if [ "$row" = "2:- 4:$dec" ]; then
		ok "$label: round log: left $row"
	else
		bad "$label: round log: left '$row'"
	fi
	row=$(pet_val $C "SELECT bool_and(NOT ($leaver = ANY (members)) AND decryptor <> $leaver) FROM private_eigentrust_groups_log
		WHERE run_id = '$run_id' AND event = 'chain' AND round >= 2")
	[ "$row" = t ] && ok "$label: party $leaver in no chain from round 2 on" || bad "$label: party $leaver still in a chain"
}
churn 2 3 terminate
churn 4 6 refuse
nodelay

# ---- placement from measured round-trip times ----
# parties 1-4 and 5-8 are two clusters: a hop between them sleeps 80 ms
for j in $(seq 1 $NP); do
	pet_sql ${P}_p$j "INSERT INTO private_eigentrust_party.groups_test_delay
		SELECT i, NULL, CASE WHEN (i <= 4) = ($j <= 4) THEN 0 ELSE 0.08 END FROM generate_series(1, $NP) i WHERE i <> $j" >/dev/null
done
if run res_place "eigentrust_private_groups($PARTIES, groups => 2, max_iter => 2, seed => 11, key_bits => $KB)"; then
	run_id=$(lastrun)
	row=$(pet_val $C "SELECT string_agg((SELECT array_agg(x ORDER BY x) FROM unnest(members) x)::text, ' ' ORDER BY members[1] <= 4 DESC)
		FROM private_eigentrust_groups_log WHERE run_id = '$run_id' AND event = 'placement'")
	[ "$row" = "{1,2,3,4} {5,6,7,8}" ] && ok "k-means groups from measured RTTs: $row" || bad "k-means groups: '$row'"
	# the logged decisions are reproducible from the logged matrix and seed
	row=$(pet_val $C "WITH m AS (SELECT detail::float8[] AS rtt FROM private_eigentrust_groups_log WHERE run_id = '$run_id' AND event = 'rtt'),
		q AS (SELECT p.* FROM m, private_eigentrust_groups_place(m.rtt, 2, 'kmeans', 11) p),
		again AS (SELECT g, array_agg(o::integer ORDER BY pp) AS members FROM q, unnest(q.grp, q.pos) WITH ORDINALITY u(g, pp, o) GROUP BY g)
		SELECT count(*) FILTER (WHERE a.members = l.members) || '/' || count(*)
		FROM private_eigentrust_groups_log l JOIN again a ON a.g = l.grp
		WHERE l.run_id = '$run_id' AND l.event = 'placement'" 2>&1) || true
	[ "$row" = "2/2" ] && ok "placement reproduced from the logged RTTs and seed ($row chains)" || bad "placement not reproduced: $row"
	row=$(pet_val $C "SELECT count(*) || ' chains timed, max ' || round(max(seconds)::numeric, 2) || ' s, cross-cluster hops ' ||
		count(*) FILTER (WHERE (SELECT bool_or(x <= 4) AND bool_or(x > 4) FROM unnest(members) x))
		FROM private_eigentrust_groups_log WHERE run_id = '$run_id' AND event = 'chain'")
	grep -q "^4 chains timed, .* cross-cluster hops 0$" <<<"$row" && ok "round log: $row" || bad "round log: $row"
else
	bad "placement run: $(cat "$OUTF")"
fi
nodelay

# ---- a refusal that is not a departure ends the run ----
pet_sql ${P}_p2 "DELETE FROM private_eigentrust_party.masked_known_parties" >/dev/null
if run res_bad "eigentrust_private($PARTIES, mode => 'groups', groups => 2, max_iter => 1, key_bits => $KB)"; then
	bad "a party that pins no keys did not stop the run"
elif grep -q "failed in round 1.*not pinned" "$OUTF"; then
	ok "a party that pins no keys stops the run: $(grep -o 'private eigentrust: party 2.*failed in round 1' "$OUTF" | head -1)"
else
	bad "unpinned keys: $(cat "$OUTF")"
fi

exit $fail
