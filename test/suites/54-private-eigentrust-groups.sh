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
#     that refuses connections (the first of its chain, k = 4), a party
#     terminated after its chain's first member contributed (k = 4: the
#     survivor's chain is released by its decryptor and it joins another
#     group), a decryptor terminated before the chains and one while it
#     decrypts: the run completes, the NOTICE and the round log say who
#     left, and the result equals eigentrust() over the remaining parties'
#     ratings
#   - bad arguments and a tampered key tag / receipt refused
#   - a deviating coordinator, with its own role: a one-hot or re-encrypted
#     Enc(t), another group's Enc(t), and replayed, forged, untagged,
#     repeated or left-out group aggregates are refused with an ERROR; within
#     a round, a chain over a decrypted group's members (relabelled, or
#     part of it) at its decryptor and a smaller set for another decryptor
#     at the members are refused; a redo over identical members is not;
#     a release of a decrypted chain, a decryption after a release, and
#     forged, misdirected, other-round or other-key releases are refused
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
# wait_app PATTERN [CONDITION]: the pid and application_name of the first
# active backend whose application_name matches (and CONDITION holds), up to 60 s
wait_app() {
	local row
	for _ in $(seq 1 150); do
		row=$(pet_val postgres "SELECT pid || ' ' || application_name FROM pg_stat_activity
			WHERE application_name LIKE '$1' AND state = 'active' AND (${2:-true}) ORDER BY backend_start LIMIT 1")
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
# terminated in round 4.  LEAVER = first / second: every step of round 2 is
# slow and the party that leaves is one whose step is the first of its chain
# (nobody else in its chain contributed yet) / the second of its chain
# (after every chain's first member contributed: with k = 4 its group is
# left with one member, whose contribution ties it to its chain; that
# chain's decryptor releases it, and the survivor joins another group;
# docs/design.md, "Releases")
churn() {
	local k=$1 leaver=$2 how=$3 row dec j label run_id
	nodelay
	case $leaver in
	first | second) for j in $(seq 1 $NP); do delay $j -1 2 4; done ;;
	*) delay $leaver -1 2 4 ;;
	esac
	for j in $(seq 1 $NP); do delay $j 0 4 3; done
	run res_churn$k "eigentrust_private($PARTIES, mode => 'groups', groups => $k, alpha => 0.5,
		epsilon => 1e-10, pretrust_sql => $PRE, key_bits => $KB)" &
	local bg=$!
	if [ "$leaver" = first ] || [ "$leaver" = second ]; then
		# the first steps of round 2 start together; a second step starts
		# when its chain's first one (4 s) is done
		row=$(wait_app "pet % party% round 2") || { wait $bg; bad "k=$k: no party reached round 2: $(cat "$OUTF")"; return; }
		if [ "$leaver" = second ]; then
			local t1
			t1=$(pet_val postgres "SELECT extract(epoch FROM query_start) FROM pg_stat_activity WHERE pid = ${row%% *}")
			row=$(wait_app "pet % party% round 2" "extract(epoch FROM query_start) > $t1 + 2") ||
				{ wait $bg; bad "k=$k: no second step in round 2: $(cat "$OUTF")"; return; }
		fi
		leaver=$(sed -E 's/.*party([0-9]+) .*/\1/' <<<"$row")
		label="k=$k, party $leaver leaves ($how) in round 2, a decryptor in round 4"
	else
		label="k=$k, party $leaver leaves ($how) in round 2, a decryptor in round 4"
		row=$(wait_app "pet % party$leaver round 2") || { wait $bg; bad "$label: party $leaver never reached round 2: $(cat "$OUTF")"; return; }
	fi
	if [ "$how" = refuse ]; then
		pet_sql postgres "ALTER DATABASE ${P}_p$leaver ALLOW_CONNECTIONS false;
			SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${P}_p$leaver'" >/dev/null
	else
		pet_sql postgres "SELECT pg_terminate_backend(${row%% *})" >/dev/null
	fi
	if [ "$2" = first ] || [ "$2" = second ]; then
		# the other parties' steps of the redone round 2 need not be slow
		for j in $(seq 1 $NP); do
			[ "$j" = "$leaver" ] && continue
			pet_sql ${P}_p$j "DELETE FROM private_eigentrust_party.groups_test_delay WHERE round = 2" >/dev/null
		done
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
	if [ "$2" = second ]; then
		# its chain was released by its decryptor (and accepted by the member
		# left alone), and round 2 completed with that member in another group
		row=$(pet_val $C "SELECT count(*) FILTER (WHERE event = 'release' AND $leaver = ANY (members) AND detail ~ 'accepted by parties \{[0-9]') || ' release, ' ||
			count(*) FILTER (WHERE event = 'chain') || ' chains in round 2, ' ||
			count(*) FILTER (WHERE event = 'chain' AND cardinality(members) = 3) || ' merged'
			FROM private_eigentrust_groups_log WHERE run_id = '$run_id' AND round = 2")
		[ "$row" = "1 release, $((k - 1)) chains in round 2, 1 merged" ] && ok "$label: round log: $row" || bad "$label: round log: $row"
		row=$(pet_val $C "SELECT array_position(members, $leaver) FROM private_eigentrust_groups_log
			WHERE run_id = '$run_id' AND event = 'placement' AND round = 1 AND $leaver = ANY (members)")
		[ "$row" = 2 ] && ok "$label: party $leaver was second in its chain" || bad "$label: party $leaver was at place '$row' of its chain"
	fi
}
churn 2 3 terminate
churn 4 first refuse
churn 4 second terminate

# a decryptor terminated while it decrypts (after the chains) in round 3: the
# groups already decrypted stand, only its group is redone for the same
# members by another decryptor (the member rule allows the identical set)
churn_dec() {
	local k=$1 row dec label="k=$1, a decryptor leaves while it decrypts in round 3"
	nodelay
	for j in $(seq 1 $NP); do delay $j 0 3 3; done
	run res_cdec$k "eigentrust_private($PARTIES, mode => 'groups', groups => $k, alpha => 0.5,
		epsilon => 1e-10, pretrust_sql => $PRE, key_bits => $KB)" &
	local bg=$!
	row=
	for _ in $(seq 1 300); do
		row=$(pet_val postgres "SELECT pid || ' ' || application_name FROM pg_stat_activity
			WHERE application_name LIKE 'pet % decryptor% round 3' AND state = 'active' AND query LIKE '%groups_decrypt(%'
			ORDER BY backend_start LIMIT 1")
		[ -n "$row" ] && break
		sleep 0.2
	done
	[ -n "$row" ] || { wait $bg; bad "$label: no decryptor decrypted in round 3: $(cat "$OUTF")"; return; }
	dec=$(sed -E 's/.*decryptor([0-9]+) .*/\1/' <<<"$row")
	pet_sql postgres "SELECT pg_terminate_backend(${row%% *})" >/dev/null
	if ! wait $bg; then
		bad "$label: $(cat "$OUTF")"
		return
	fi
	check "$label (decryptor $dec left)" res_cdec$k "$dec" || true
	if grep -q "party $dec (.*) left in round 3 (as the decryptor of group [0-9]*).*leave the computation from round 4 on, the groups already decrypted stand and round 3 is redone for group(s) [0-9]* only" "$OUTF"; then
		ok "$label: NOTICE: only its group is redone"
	else
		bad "$label: NOTICEs: $(grep -i left "$OUTF")"
	fi
}
churn_dec 2
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

# ---- a deviating coordinator, with its own role, against the party functions ----
# Round 1: group 1 = {1,2} decrypted by 3, group 2 = {4,5} by 6; round 2:
# party 7 decrypts {1,2}.  Every attack must end in an ERROR that names what
# is inconsistent; the genuine messages pass (the controls).
attack=$("${PET_PSQL[@]}" -At -d $C 2>&1 <<-SQL
	CREATE TEMP TABLE att_pub AS
	SELECT i, c, dblink_connect('att' || i, c) AS ok,
	       (SELECT pk FROM dblink(c, 'SELECT private_eigentrust_party.masked_public_key()') r(pk bytea)) AS pk,
	       (SELECT h FROM dblink(c, 'SELECT private_eigentrust_party.groups_hosted()') r(h bigint[])) AS h
	FROM unnest($PARTIES) WITH ORDINALITY u(c, i);
	CREATE TEMP TABLE att AS
	SELECT (SELECT array_agg(pk ORDER BY i) FROM att_pub) AS pubs,
	       (SELECT array_agg(DISTINCT id ORDER BY id) FROM att_pub, unnest(h) id) AS peers;
	ALTER TABLE att ADD owner integer[];
	UPDATE att SET owner = ARRAY(SELECT coalesce((SELECT max(i) FROM att_pub WHERE id = ANY (h)), 0)::integer
	                             FROM unnest(peers) WITH ORDINALITY u(id, o) ORDER BY o);
	-- a party function through the coordinator's connection: its text, or its ERROR
	CREATE FUNCTION pg_temp.q(who integer, sql text) RETURNS text LANGUAGE plpgsql AS \$f\$
	DECLARE v text;
	BEGIN
	    SELECT r.v INTO v FROM dblink('att' || who, sql) r(v text);
	    RETURN v;
	EXCEPTION WHEN OTHERS THEN
	    RETURN 'ERROR: ' || SQLERRM;
	END \$f\$;
	CREATE FUNCTION pg_temp.ja(j json) RETURNS bigint[] LANGUAGE sql AS
	    'SELECT array_agg(x::bigint ORDER BY o) FROM json_array_elements_text(j) WITH ORDINALITY e(x, o)';
	-- the decryptor's key, Enc(t), t and tags (json), round r
	CREATE FUNCTION pg_temp.key(dr integer, r integer, g integer, m integer[], prev_t bigint[], prev bytea[],
	    own integer[] DEFAULT NULL) RETURNS text LANGUAGE sql AS \$f\$
	    SELECT pg_temp.q(dr, format('SELECT row_to_json(x)::text FROM private_eigentrust_party.groups_key(''att'', %s, %s, %s, '
	        '%L::bytea[], %L::integer[], $KB, %L::bigint[], NULL, 0.5, %L::integer[], %L::bigint[], %L::bytea[]) x',
	        r, g, dr, pubs::text, m::text, peers::text, coalesce(own, owner)::text, prev_t::text, prev::text))
	    FROM att \$f\$;
	-- a member's chain step in round 1: its message and receipt, space-separated
	CREATE FUNCTION pg_temp.step(who integer, g integer, dr integer, m integer[], k json, tag text, enc text, msg_in bytea,
	    r integer DEFAULT 1) RETURNS text LANGUAGE sql AS \$f\$
	    SELECT pg_temp.q(who, format('SELECT s.msg::text || '' '' || s.receipt::text FROM private_eigentrust_party.groups_step(''att'', %s, '
	        '%s, %s, %s, %L::bytea[], %L::integer[], %L::paillier_pubkey, %L::bytea, %L::bytea, %L::bigint[], NULL, 0.5, %L::bytea, 0) s',
	        r, g, who, dr, pubs::text, m::text, k->>'key', tag, enc, peers::text, msg_in::text))
	    FROM att \$f\$;
	CREATE TEMP TABLE k1 AS
	SELECT g, dr, m, pg_temp.key(dr, 1, g, m, NULL, '{}')::json AS k
	FROM (VALUES (1, 3, '{1,2}'::integer[]), (2, 6, '{4,5}'::integer[])) v(g, dr, m);
	-- (a) a one-hot Enc(t) under the real group key; (b) the decryptor's t
	-- re-encrypted by the coordinator; (b') group 2's genuine Enc(t) and tag
	-- shown to a member of group 1
	SELECT 'a|' || pg_temp.step(1, 1, 3, m, k, (k->'tags'->>0),
	    private_eigentrust_encrypt_vector((k->>'key')::paillier_pubkey,
	        ARRAY(SELECT CASE WHEN o = 1 THEN 1000000000000 ELSE 0 END FROM generate_series(1, cardinality(att.peers)) o), 12)::text, NULL)
	FROM k1, att WHERE g = 1;
	SELECT 'b|' || pg_temp.step(1, 1, 3, m, k, (k->'tags'->>0),
	    private_eigentrust_encrypt_vector((k->>'key')::paillier_pubkey, pg_temp.ja(k->'t'), 12)::text, NULL)
	FROM k1 WHERE g = 1;
	SELECT 'b2|' || pg_temp.step(1, 1, 3, k1.m, k2.k, (k2.k->'tags'->>0), k2.k->>'enc_t', NULL)
	FROM k1, k1 k2 WHERE k1.g = 1 AND k2.g = 2;
	-- the genuine chains and decryptions (controls)
	CREATE TEMP TABLE s1 AS
	SELECT g, dr, m, k, pg_temp.step(m[1], g, dr, m, k, (k->'tags'->>0), k->>'enc_t', NULL) AS s FROM k1;
	CREATE TEMP TABLE s2 AS
	SELECT g, dr, m, k, s AS s1, pg_temp.step(m[2], g, dr, m, k, (k->'tags'->>1), k->>'enc_t', split_part(s, ' ', 1)::bytea) AS s
	FROM s1;
	SELECT 'steps|' || string_agg(left(s, 6), ',' ORDER BY g) FROM s2;
	CREATE TEMP TABLE d1 AS
	SELECT g, pg_temp.q(dr, format('SELECT d.sums::text || '' '' || d.aggregate::text FROM private_eigentrust_party.groups_decrypt('
	    '''att'', 1, %s, %s, %L::bytea[], %L::bytea[], %L::bytea) d', g, dr, att.pubs::text,
	    ARRAY[split_part(s1, ' ', 2)::bytea, split_part(s, ' ', 2)::bytea]::text, split_part(s, ' ', 1))) AS d,
	    pg_temp.ja(k->'t') AS t1
	FROM s2, att;
	SELECT 'decrypt|' || string_agg(left(d, 6), ',' ORDER BY g) FROM d1;
	CREATE TEMP TABLE r2 AS
	SELECT (SELECT t1 FROM d1 WHERE g = 1) AS t1,
	       ARRAY(SELECT split_part(d, ' ', 2)::bytea FROM d1 ORDER BY g) AS aggs,
	       (SELECT array_agg(g) FROM d1 WHERE d LIKE 'ERROR%') AS failed;
	-- round 2's t, derived by decryptor 7, against the coordinator's own update
	SELECT 'r2|' || CASE WHEN pg_temp.ja(pg_temp.key(7, 2, 1, '{1,2}', t1, aggs)::json->'t')
	    = (SELECT q.t_next FROM att, private_eigentrust_next(
	          ARRAY(SELECT sum(v)::bigint FROM d1, unnest(split_part(d, ' ', 1)::bigint[]) WITH ORDINALITY u(v, o) GROUP BY o ORDER BY o),
	          r2.t1, NULL, ARRAY(SELECT w IN (1, 2, 4, 5) FROM unnest(att.owner) WITH ORDINALITY u(w, o) ORDER BY o), 0.5) q)
	    THEN 'same t' ELSE 'another t: ' || pg_temp.key(7, 2, 1, '{1,2}', t1, aggs) END
	FROM r2;
	-- (c) round 1's aggregates replayed into round 3; one forged; one without
	-- its tags; group 2's left out while its peers stay hosted (named as party
	-- 1's); group 2 left out and its member 4 brought back
	SELECT 'c1|' || pg_temp.key(7, 3, 1, '{1,2}', t1, aggs) FROM r2;
	SELECT 'c2|' || pg_temp.key(7, 2, 1, '{1,2}', t1, ARRAY[aggs[1], overlay(aggs[2] placing '\x07' from 60)]) FROM r2;
	SELECT 'c3|' || pg_temp.key(7, 2, 1, '{1,2}', t1, ARRAY[aggs[1], substr(aggs[2], 1, octet_length(aggs[2]) - 32)]) FROM r2;
	SELECT 'c4|' || pg_temp.key(7, 2, 1, '{1,2}', t1, ARRAY[aggs[1]],
	    ARRAY(SELECT CASE WHEN w IN (4, 5) THEN 1 ELSE w END FROM unnest(att.owner) WITH ORDINALITY u(w, o) ORDER BY o)) FROM r2, att;
	SELECT 'c5|' || pg_temp.key(7, 2, 1, '{1,4}', t1, ARRAY[aggs[1]]) FROM r2;
	SELECT 'c6|' || pg_temp.key(7, 2, 1, '{1,2}', t1, ARRAY[aggs[1], aggs[1]]) FROM r2;
	-- (d) differencing within a round: after decryptor 3 decrypted {1,2},
	-- a chain holding 1 or 2 under another group number; decryptor 8 keys
	-- {3,6,7} as group 5 and as group 6 (relabelled) and decryptor 4 as
	-- group 8 (a redo with the identical members); members asked for a
	-- smaller set {6,7} for decryptor 2
	SELECT 'e1|' || pg_temp.key(3, 1, 3, '{1,2}', NULL, '{}');
	SELECT 'e2|' || pg_temp.key(3, 1, 4, '{2,8}', NULL, '{}');
	-- a whole chain in round 1: the last message and the receipts, or the first ERROR
	CREATE FUNCTION pg_temp.chain(g integer, dr integer, m integer[], k json) RETURNS text LANGUAGE plpgsql AS \$f\$
	DECLARE s text; msg bytea := NULL; rc bytea[] := '{}';
	BEGIN
	    FOR i IN 1..cardinality(m) LOOP
	        s := pg_temp.step(m[i], g, dr, m, k, k->'tags'->>(i - 1), k->>'enc_t', msg);
	        IF s IS NULL OR s LIKE 'ERROR%' THEN RETURN s; END IF;
	        msg := split_part(s, ' ', 1)::bytea;
	        rc := rc || split_part(s, ' ', 2)::bytea;
	    END LOOP;
	    RETURN msg::text || ' ' || rc::text;
	END \$f\$;
	CREATE FUNCTION pg_temp.dec(dr integer, g integer, ch text) RETURNS text LANGUAGE sql AS \$f\$
	    SELECT pg_temp.q(dr, format('SELECT d.sums::text || '' '' || d.aggregate::text FROM private_eigentrust_party.groups_decrypt('
	        '''att'', 1, %s, %s, %L::bytea[], %L::bytea[], %L::bytea) d', g, dr, pubs::text, split_part(ch, ' ', 2), split_part(ch, ' ', 1)))
	    FROM att \$f\$;
	CREATE TEMP TABLE k5 AS
	SELECT g, dr, m, pg_temp.key(dr, 1, g, m, NULL, '{}')::json AS k
	FROM (VALUES (5, 8, '{3,6,7}'::integer[]), (6, 8, '{7,3,6}'::integer[]), (8, 4, '{3,6,7}'::integer[])) v(g, dr, m);
	CREATE TEMP TABLE c5 AS SELECT g, pg_temp.chain(g, dr, m, k) AS ch FROM k5;
	SELECT 'f0|' || string_agg(g || ':' || left(ch, 6), ',' ORDER BY g) FROM c5;
	CREATE TEMP TABLE dd AS SELECT 'f1' AS l, pg_temp.dec(4, 8, ch) AS d FROM c5 WHERE g = 8;
	INSERT INTO dd SELECT 'f2', pg_temp.dec(8, 5, ch) FROM c5 WHERE g = 5;
	INSERT INTO dd SELECT 'f3', pg_temp.dec(8, 6, ch) FROM c5 WHERE g = 6;
	SELECT l || '|' || d FROM dd ORDER BY l;
	SELECT 'f12|' || CASE WHEN (SELECT split_part(d, ' ', 1) FROM dd WHERE l = 'f1') = (SELECT split_part(d, ' ', 1) FROM dd WHERE l = 'f2')
	    THEN 'same sums' ELSE 'other sums' END;
	SELECT 'f4|' || pg_temp.chain(7, 2, '{6,7}', pg_temp.key(2, 1, 7, '{6,7}', NULL, '{}')::json);
	-- (e) releases, in round 2: party 1 adds its step to decryptor 7's chain
	-- {1,2}, then is asked for decryptor 8's chain {1,4} (refused until
	-- decryptor 7 released its chain); forged, misdirected, other-round and
	-- other-key releases change nothing
	CREATE FUNCTION pg_temp.rel(who integer, r integer, g integer, dr integer, m integer[], key text, tag text)
	    RETURNS text LANGUAGE sql AS \$f\$
	    SELECT pg_temp.q(who, format('SELECT private_eigentrust_party.groups_released(''att'', %s, %s, %s, %s, %L::bytea[], '
	        '%L::integer[], %L::paillier_pubkey, %L::bytea)::text', r, g, who, dr, pubs::text, m::text, key, tag))
	    FROM att \$f\$;
	CREATE TEMP TABLE g2 AS
	SELECT pg_temp.key(7, 2, 1, '{1,2}', t1, aggs)::json AS k, pg_temp.key(8, 2, 2, '{1,4}', t1, aggs)::json AS k8 FROM r2;
	ALTER TABLE g2 ADD s text;
	UPDATE g2 SET s = pg_temp.step(1, 1, 7, '{1,2}', k, k->'tags'->>0, k->>'enc_t', NULL, 2);
	SELECT 'g0|' || left(s, 6) FROM g2;
	SELECT 'g1|' || pg_temp.step(1, 2, 8, '{1,4}', k8, k8->'tags'->>0, k8->>'enc_t', NULL, 2) FROM g2;
	SELECT 'g2|' || pg_temp.q(3, format('SELECT row_to_json(x)::text FROM private_eigentrust_party.groups_release(''att'', 1, 1, 3, %L::bytea[]) x',
	    pubs::text)) FROM att;
	CREATE TEMP TABLE rel AS
	SELECT pg_temp.q(7, format('SELECT row_to_json(x)::text FROM private_eigentrust_party.groups_release(''att'', 2, 1, 7, %L::bytea[]) x',
	    pubs::text)) AS j FROM att;
	SELECT 'g3|' || CASE WHEN j LIKE 'ERROR%' THEN j ELSE (j::json->'members')::text END FROM rel;
	SELECT 'g4|' || pg_temp.rel(1, 2, 1, 7, '{1,2}', k->>'key', overlay((j::json->'tags'->>0)::bytea placing '\x00' from 7)::text) FROM g2, rel;
	SELECT 'g5|' || pg_temp.rel(1, 2, 1, 7, '{1,2}', k->>'key', j::json->'tags'->>1) FROM g2, rel;
	SELECT 'g6|' || pg_temp.rel(1, 3, 1, 7, '{1,2}', k->>'key', j::json->'tags'->>0) FROM g2, rel;
	SELECT 'g7|' || pg_temp.rel(1, 2, 2, 7, '{1,4}', k8->>'key', j::json->'tags'->>0) FROM g2, rel;
	SELECT 'g8|' || pg_temp.step(1, 2, 8, '{1,4}', k8, k8->'tags'->>0, k8->>'enc_t', NULL, 2) FROM g2;
	SELECT 'g9|' || pg_temp.rel(2, 2, 1, 7, '{1,2}', k->>'key', j::json->'tags'->>1) FROM g2, rel;
	SELECT 'g10|' || pg_temp.rel(1, 2, 1, 7, '{1,2}', k->>'key', j::json->'tags'->>0) FROM g2, rel;
	SELECT 'g11|' || pg_temp.rel(1, 2, 1, 7, '{1,2}', k->>'key', j::json->'tags'->>0) FROM g2, rel;
	SELECT 'g12|' || left(pg_temp.step(1, 2, 8, '{1,4}', k8, k8->'tags'->>0, k8->>'enc_t', NULL, 2), 6) FROM g2;
	SELECT 'g13|' || pg_temp.q(7, format('SELECT d.sums::text FROM private_eigentrust_party.groups_decrypt(''att'', 2, 1, 7, %L::bytea[], %L::bytea[], %L::bytea) d',
	    pubs::text, ARRAY[split_part(s, ' ', 2)::bytea]::text, split_part(s, ' ', 1))) FROM g2, att;
SQL
) || true
# expect LABEL PATTERN WHAT
expect() {
	local line
	line=$(grep "^$1|" <<<"$attack" | head -1) || true
	if grep -qE "$2" <<<"$line"; then ok "$3: ${line#*|}" | cut -c1-300; else bad "$3: '$line' ($(grep -v '^[a-z0-9]*|' <<<"$attack" | head -5 || true))"; fi
}
expect a "^a\|ERROR: .*not authenticated by decryptor 3" "(a) a one-hot Enc(t) under the real group key refused by the member"
expect b "^b\|ERROR: .*not authenticated by decryptor 3" "(b) t re-encrypted by the coordinator refused by the member"
expect b2 "^b2\|ERROR: .*not authenticated by decryptor 3" "(b) another group's Enc(t) and tag refused by the member"
expect steps "^steps\|\\\\x[0-9a-f]{4},\\\\x[0-9a-f]{4}$" "control: the genuine Enc(t) passes both chains"
expect decrypt "^decrypt\|\{[0-9,-]{5},\{[0-9,-]{5}$" "control: both group aggregates decrypted and tagged"
expect r2 "^r2\|same t$" "control: round 2's decryptor derives the coordinator's t from the tagged aggregates"
expect c1 "^c1\|ERROR: .*is for round 1, not round 2" "(c) round 1's aggregates replayed into round 3 refused"
expect c2 "^c2\|ERROR: .*aggregate 2 of round 1 does not verify" "(c) a forged aggregate refused"
expect c3 "^c3\|ERROR: .*aggregate 2 of the previous round is not a tagged group aggregate" "(c) an aggregate without its tags refused"
expect c4 "^c4\|ERROR: .*t derived from round 1's aggregates fails its check: t sums to" "(c) a group left out while its peers stay hosted refused"
expect c5 "^c5\|ERROR: .*party 4 is in no group aggregate of round 1" "(c) a party of a left-out group brought back refused"
expect c6 "^c6\|ERROR: .*repeats a group" "(c) one group's aggregate given twice refused"
expect e1 "^e1\|ERROR: .*party 1's contribution to round 1 was already decrypted here \(group 1\)" "(d) the decrypted group again under another group number refused by its decryptor"
expect e2 "^e2\|ERROR: .*party 2's contribution to round 1 was already decrypted here \(group 1\)" "(d) a chain over part of a decrypted group (relabelled) refused by its decryptor"
expect f0 "^f0\|5:\\\\x[0-9a-f]{4},6:\\\\x[0-9a-f]{4},8:\\\\x[0-9a-f]{4}$" "control: members add to a second chain of the same decryptor, and to another decryptor's chain over the same members"
expect f1 "^f1\|\{[0-9,-]{5}" "control: a redo by another decryptor over the identical members decrypted"
expect f2 "^f2\|\{[0-9,-]{5}" "control: the first chain of decryptor 8 decrypted"
expect f12 "^f12\|same sums$" "control: both decryptors of the identical members got the same sums"
expect f3 "^f3\|ERROR: .*party 3's contribution to round 1 was already decrypted here \(group 5\)" "(d) decryptor 8's second, relabelled chain over the same members refused at decryption"
expect f4 "^f4\|ERROR: .*party 6 already contributed to round 1 for decryptor 8 with members \{3,6,7\}; refusing a chain for decryptor 2 with members \{6,7\}" "(d) a smaller member set for another decryptor refused by the member"
expect g0 "^g0\|\\\\x[0-9a-f]{4}$" "control: party 1 adds its step to decryptor 7's chain {1,2} of round 2"
expect g1 "^g1\|ERROR: .*party 1 already contributed to round 2 for decryptor 7 with members \{1,2\}; refusing a chain for decryptor 8 with members \{1,4\}" "(e) before any release, another decryptor's chain over another set refused by the member"
expect g2 "^g2\|ERROR: .*group 1 of round 1 was already decrypted here; its chain cannot be released" "(e) a release of a decrypted chain refused by its decryptor"
expect g3 "^g3\|\[1,2\]$" "control: decryptor 7 releases its chain {1,2} of round 2"
expect g4 "^g4\|ERROR: .*release of group 1 of round 2 is not authenticated by decryptor 7" "(e) a forged release refused by the member"
expect g5 "^g5\|ERROR: .*release of group 1 of round 2 is not authenticated by decryptor 7" "(e) party 2's release replayed to party 1 refused"
expect g6 "^g6\|ERROR: .*release of group 1 of round 3 is not authenticated by decryptor 7" "(e) a release replayed into another round refused"
expect g7 "^g7\|ERROR: .*release of group 2 of round 2 is not authenticated by decryptor 7" "(e) a release replayed for another chain's key refused"
expect g8 "^g8\|ERROR: .*party 1 already contributed to round 2 for decryptor 7" "(e) after those, party 1 still refuses the other chain"
expect g9 "^g9\|ERROR: .*party 2 holds no contribution to round 2 under that key of decryptor 7" "(e) a release for a party that never contributed to that chain refused"
expect g10 "^g10\|1$" "control: party 1 accepts the genuine release"
expect g11 "^g11\|0$" "control: the same release again releases nothing more"
expect g12 "^g12\|\\\\x[0-9a-f]{4}$" "control: once released, party 1 adds its step to decryptor 8's chain {1,4}"
expect g13 "^g13\|ERROR: .*the chain of group 1 of round 2 was released here" "(e) decryptor 7 refuses to decrypt the chain it released"

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
