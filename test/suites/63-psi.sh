#!/usr/bin/env bash
# Private set intersection across real databases (docs/psi.md): parties and
# a coordinator in the throwaway cluster, the coordinator reaching the parties
# over dblink as a login role that may only EXECUTE their SECURITY DEFINER
# wrappers.  Checks
#   - psi_cardinality against plain SQL INTERSECT over 2, 3 and 5 parties, with
#     bigint and text ids, duplicates and NULLs within a set, an empty set,
#     disjoint sets, parties named by foreign server or connection string
#   - psi_intersection: the entitled parties, and only they, store exactly
#     the intersection; a party that did not allow it refuses
#   - failures: mixed id types, an unregistered query, a party never set up
#   - leakage: no raw id in the coordinator's database (pg_dump) or in the
#     server log at log_statement = all, log_min_messages = debug1
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/scripts/common.sh"

if [ ! -f "$(pg_config --sharedir)/extension/dblink.control" ]; then
	if [ "${CI:-}" = true ]; then echo "FAIL: the dblink extension is not installed"; exit 1; fi
	echo "skip: the dblink extension is not installed"
	exit 77
fi

so="${STAGE:-}$(pg_config --pkglibdir)/mpc_eigentrust.so"; [ -f "$so" ] || so="$(pg_config --pkglibdir)/mpc_eigentrust.so"
if ldd "$so" | grep -q 'libsodium\.so'; then echo "  ok: $so links libsodium"; else echo "  FAIL: $so does not link libsodium"; exit 1; fi

PW=psi-coordinator-test-only
Q=(psql -X -q -v ON_ERROR_STOP=1)
val() { "${Q[@]}" -At -d "$1" -c "$2"; }
conn() { printf 'host=%s port=%s dbname=%s user=psi_coordinator password=%s' "${PGHOST:-localhost}" "${PGPORT:-5432}" "$1" "$PW"; }
DBS="psi_coord psi_ref psi_p1 psi_p2 psi_p3 psi_p4 psi_p5"
cleanup() { for d in $DBS; do dropdb --if-exists "$d" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
fail=0
ok() { echo "  ok: $*"; }
bad() { echo "  FAIL: $*"; fail=1; }

cleanup
"${Q[@]}" -d postgres >/dev/null <<-SQL
	DO \$\$ BEGIN
	  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'psi_coordinator') THEN
	    CREATE ROLE psi_coordinator LOGIN PASSWORD '$PW';
	  END IF;
	  FOR k IN 1..5 LOOP
	    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'psi_owner_' || k) THEN
	      EXECUTE format('CREATE ROLE %I NOLOGIN', 'psi_owner_' || k);
	    END IF;
	  END LOOP;
	END \$\$;
SQL
for d in $DBS; do createdb "$d"; done
val psi_coord "CREATE EXTENSION mpc_eigentrust; CREATE EXTENSION dblink;" >/dev/null

# The reference data, in its own database (a real coordinator never has it):
# ids(party, set, id) for several named test sets.  Unique markers in the
# text ids let the leakage checks grep for them.
val psi_ref "CREATE TABLE ids (party int, tag text, big bigint, txt text);
SELECT setseed(0.42);
-- 'main': random overlaps, duplicates and NULLs; 3 parties
INSERT INTO ids SELECT p, 'main', x, 'acct-' || md5('psi' || x) FROM generate_series(1, 3) p,
    LATERAL (SELECT (random() * 3000)::bigint AS x FROM generate_series(1, 1500) WHERE p > 0) r;
INSERT INTO ids SELECT p, 'main', NULL, NULL FROM generate_series(1, 3) p;
-- 'disjoint': odd ids in party 1, even in party 2
INSERT INTO ids SELECT 1, 'disjoint', 2 * g + 1, 'd' || (2 * g + 1) FROM generate_series(1, 500) g;
INSERT INTO ids SELECT 2, 'disjoint', 2 * g, 'd' || (2 * g) FROM generate_series(1, 500) g;
-- 'empty': party 1 has ids, party 2 none
INSERT INTO ids SELECT 1, 'empty', g, 'e' || g FROM generate_series(1, 100) g;
-- 'five': 5 parties, negative and positive ids, ties within a set, a
-- common core -5..5 and random others
INSERT INTO ids SELECT p, 'five', g, 'f' || g FROM generate_series(1, 5) p, generate_series(-5, 5) g;
INSERT INTO ids SELECT p, 'five', x, 'f' || x FROM generate_series(1, 5) p,
    LATERAL (SELECT (random() * 120 - 60)::bigint AS x FROM generate_series(1, 80) WHERE p > 0) r;" >/dev/null
expect() {	# expect TAG NPARTIES COLUMN -> |∩| by plain SQL INTERSECT
	local tag=$1 np=$2 col=$3 q="" k
	for k in $(seq 1 "$np"); do
		[ "$k" -gt 1 ] && q+=" INTERSECT "
		q+="SELECT $col FROM ids WHERE party = $k AND tag = '$tag' AND $col IS NOT NULL"
	done
	val psi_ref "SELECT count(*) FROM ($q) s"
}

for k in 1 2 3 4 5; do
	val psi_p$k "CREATE EXTENSION mpc_eigentrust;
		GRANT CREATE ON DATABASE psi_p$k TO psi_owner_$k;
		CREATE TABLE ids (tag text, big bigint, txt text);
		ALTER TABLE ids OWNER TO psi_owner_$k;
		REVOKE ALL ON ids FROM PUBLIC;" >/dev/null
	psql -X -q -d psi_ref -c "COPY (SELECT tag, big, txt FROM ids WHERE party = $k) TO STDOUT" \
		| psql -X -q -d psi_p$k -c "COPY ids FROM STDIN"
done
# each owner registers its queries; party 3 does not allow intersection runs
setup() {	# setup K SQL ALLOW
	val psi_p$1 "SET ROLE psi_owner_$1; SET client_min_messages = warning;
		SELECT psi_party_setup(\$q\$$2\$q\$, 'psi_coordinator', allow_intersection => $3);" >/dev/null
}
for k in 1 2 3; do
	allow=true; [ "$k" = 3 ] && allow=false
	for t in main disjoint empty five; do
		setup $k "SELECT big FROM ids WHERE tag = '$t'" $allow
		setup $k "SELECT txt FROM ids WHERE tag = '$t'" $allow
	done
done
for k in 4 5; do
	setup $k "SELECT big FROM ids WHERE tag = 'five'" false
	setup $k "SELECT txt FROM ids WHERE tag = 'five'" false
done
P2="ARRAY['$(conn psi_p1)', '$(conn psi_p2)']"
P3="ARRAY['$(conn psi_p1)', '$(conn psi_p2)', '$(conn psi_p3)']"
P5="ARRAY['$(conn psi_p1)', '$(conn psi_p2)', '$(conn psi_p3)', '$(conn psi_p4)', '$(conn psi_p5)']"

# from here on, the server logs every statement
LOGFILE="$(dirname "${PG_CLUSTER_CONF_ROOT:-/nonexistent/x}")/log/postgresql-${PGVERSION:-15}-regress.log"
"${Q[@]}" -d postgres -c "ALTER SYSTEM SET log_min_messages = debug1" -c "ALTER SYSTEM SET log_statement = 'all'" \
	-c "SELECT pg_reload_conf()" >/dev/null
LOG_FROM=$( [ -f "$LOGFILE" ] && wc -l <"$LOGFILE" || echo 0 )
val psi_ref "SELECT 'psi-log-control-marker'" >/dev/null	# the log does catch statements

echo "-- psi_cardinality against plain SQL INTERSECT"
card() {	# card LABEL PARTIES NP TAG COL
	local label=$1 parties=$2 np=$3 tag=$4 col=$5 want got
	want=$(expect "$tag" "$np" "$col")
	got=$(val psi_coord "SELECT psi_cardinality($parties, \$q\$SELECT $col FROM ids WHERE tag = '$tag'\$q\$)" 2>&1) || true
	[ "$got" = "$want" ] && ok "$label: $got = INTERSECT" || bad "$label: psi $got, INTERSECT $want"
}
card "2 parties, bigint, duplicates and NULLs" "$P2" 2 main big
card "2 parties, text" "$P2" 2 main txt
card "3 parties, bigint" "$P3" 3 main big
card "3 parties, text" "$P3" 3 main txt
card "disjoint sets" "$P2" 2 disjoint big
card "5 parties, bigint, negative ids and ties" "$P5" 5 five big
card "5 parties, text" "$P5" 5 five txt
[ "$(expect five 5 big)" -ge 11 ] && ok "the 5-party data has its common core" || bad "5-party data: $(expect five 5 big)"
card "an empty set" "$P2" 2 empty txt
[ "$(expect main 3 big)" -gt 0 ] && [ "$(expect main 2 big)" -gt "$(expect main 3 big)" ] \
	&& ok "the test data has a non-trivial intersection" || bad "test data: intersections $(expect main 2 big), $(expect main 3 big)"
for k in 1 2 3; do
	got=$(val psi_p$k "SELECT cardinality || '/' || parties FROM psi_party.psi_runs WHERE parties = 3 ORDER BY finished DESC LIMIT 1")
	[ "$got" = "$(expect main 3 txt)/3" ] && ok "party $k recorded the 3-party result" || bad "party $k psi_runs: $got"
done

echo "-- parties by foreign server and USER MAPPING"
for k in 1 2 3; do
	val psi_coord "CREATE SERVER psi_fs_$k FOREIGN DATA WRAPPER dblink_fdw
		OPTIONS (host '${PGHOST:-localhost}', port '${PGPORT:-5432}', dbname 'psi_p$k');
		CREATE USER MAPPING FOR CURRENT_USER SERVER psi_fs_$k OPTIONS (user 'psi_coordinator', password '$PW');" >/dev/null
done
card "3 foreign servers, bigint" "ARRAY['psi_fs_1', 'psi_fs_2', 'psi_fs_3']" 3 main big

echo "-- psi_intersection"
want=$(val psi_ref "SELECT md5(string_agg(txt, ',' ORDER BY txt)) FROM (SELECT txt FROM ids WHERE party = 1 AND tag = 'main'
	INTERSECT SELECT txt FROM ids WHERE party = 2 AND tag = 'main') s")
run=$(val psi_coord "SELECT run_id || ' ' || cardinality FROM psi_intersection($P2, \$q\$SELECT txt FROM ids WHERE tag = 'main'\$q\$, entitled => ARRAY[1])")
rid=${run% *}
got=$(val psi_p1 "SELECT md5(string_agg(id, ',' ORDER BY id)) FROM psi_party.psi_intersection WHERE run_id = '$rid'")
n2=$(val psi_p2 "SELECT count(*) FROM psi_party.psi_intersection WHERE run_id = '$rid'")
[ "$got" = "$want" ] && [ "${run#* }" = "$(expect main 2 txt)" ] && ok "entitled party 1 holds exactly the intersection (${run#* } ids)" \
	|| bad "party 1 intersection $got vs $want (run $run)"
[ "$n2" = 0 ] && ok "party 2, not entitled, stores no ids" || bad "party 2 stored $n2 ids"
run=$(val psi_coord "SELECT run_id FROM psi_intersection($P2, \$q\$SELECT big FROM ids WHERE tag = 'main'\$q\$)")
a=$(val psi_p1 "SELECT md5(string_agg(id, ',' ORDER BY id::bigint)) FROM psi_party.psi_intersection WHERE run_id = '$run'")
b=$(val psi_p2 "SELECT md5(string_agg(id, ',' ORDER BY id::bigint)) FROM psi_party.psi_intersection WHERE run_id = '$run'")
w=$(val psi_ref "SELECT md5(string_agg(big::text, ',' ORDER BY big)) FROM (SELECT big FROM ids WHERE party = 1 AND tag = 'main'
	INTERSECT SELECT big FROM ids WHERE party = 2 AND big IS NOT NULL AND tag = 'main') s")
[ "$a" = "$w" ] && [ "$b" = "$w" ] && ok "both parties entitled, bigint ids: both hold the intersection" || bad "bigint intersection: $a $b vs $w"
err=$(val psi_coord "SELECT * FROM psi_intersection($P3, \$q\$SELECT big FROM ids WHERE tag = 'main'\$q\$)" 2>&1 || true)
grep -q "party 3 .* failed in round 1: psi: this party does not take part in psi_intersection runs" <<<"$err" \
	&& ok "a party set up without allow_intersection refuses the run" || bad "party 3 intersection: $err"

echo "-- failures"
vv() { "${Q[@]}" -d psi_coord -c "\\set VERBOSITY verbose" -c "$1" 2>&1 || true; }
setup 1 "SELECT big FROM ids WHERE tag = 'only1'" false
err=$(vv "SELECT psi_cardinality($P2, \$q\$SELECT big FROM ids WHERE tag = 'only1'\$q\$)")
grep -q "ERROR:  42501: psi: party 2 .* failed in round 1: psi: this ids query is not registered in this party" <<<"$err" \
	&& grep -q "HINT:  Set the party up first: .*psi_party_setup" <<<"$err" \
	&& ok "a query one party did not register: 42501, naming the party, with a hint" || bad "unregistered: $err"
err=$(vv "SELECT psi_cardinality($P2)")
grep -q "ERROR:  42501: psi: party 1 .* failed in round 1: psi: this ids query is not registered" <<<"$err" \
	&& ok "ids_sql NULL where a party registered several queries: 42501" || bad "NULL ids_sql: $err"
for k in 1 2; do
	col=big; [ "$k" = 2 ] && col=txt
	val psi_p$k "SET ROLE psi_owner_$k; CREATE VIEW psi_party.mixed AS SELECT $col AS x FROM ids WHERE tag = 'main'" >/dev/null
	setup $k "SELECT x FROM psi_party.mixed" false
done
err=$(vv "SELECT psi_cardinality($P2, 'SELECT x FROM psi_party.mixed')")
grep -q "ERROR:  42804: psi: the parties' ids are of different types" <<<"$err" && ok "bigint ids against text ids: 42804" || bad "types: $err"
err=$(vv "SELECT psi_cardinality(ARRAY['$(conn psi_p1)', '$(conn psi_coord)'], \$q\$SELECT big FROM ids WHERE tag = 'main'\$q\$)")
grep -q "ERROR:  3F000: psi: party 2 .* failed in round 1" <<<"$err" && grep -q "HINT:  Set the party up first" <<<"$err" \
	&& ok "a database that is no party: 3F000 naming it, with a hint" || bad "no party: $err"
err=$(vv "SELECT psi_cardinality(ARRAY['$(conn psi_p1)', 'host=${PGHOST:-localhost} port=${PGPORT:-5432} dbname=psi_p2 user=psi_coordinator password=wrong-psi-pw'])")
grep -q "psi: party 2 (.*password=\*\*\*.*) failed in round 0" <<<"$err" && ok "a wrong password: ERROR names the party, password masked" || bad "wrong password: $err"
err=$(vv "SELECT psi_cardinality(ARRAY['$(conn psi_p1)', '$(conn psi_p2)'], 'SELECT big FROM ids')")
grep -q "42501" <<<"$err" && ok "an ids query no party registered: 42501" || bad "unregistered everywhere: $err"
sleep 0.5
left=$(val psi_p1 "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'psi %'")
[ "$left" = 0 ] && ok "no party session left behind after the failed runs" || bad "$left party sessions left"

echo "-- leakage"
sleep 1
markers=$(val psi_ref "SELECT string_agg(txt, ' ') FROM (SELECT DISTINCT txt FROM ids WHERE tag = 'main' AND txt IS NOT NULL ORDER BY 1 LIMIT 40) s")
pg_dump psi_coord >/tmp/psi_coord_dump.$$ 2>/dev/null
hits=0
for m in $markers; do grep -qF "$m" /tmp/psi_coord_dump.$$ && hits=$((hits + 1)); done
rm -f /tmp/psi_coord_dump.$$
[ "$hits" = 0 ] && ok "the coordinator's database (pg_dump) holds none of 40 sampled ids" || bad "$hits ids in the coordinator's dump"
if [ -f "$LOGFILE" ]; then
	tail -n +"$((LOG_FROM + 1))" "$LOGFILE" >/tmp/psi_log.$$
	stm=$(grep -c "statement: .*psi_cardinality\|statement: .*blind(" /tmp/psi_log.$$ || true)
	grep -q "psi-log-control-marker" /tmp/psi_log.$$ || stm=0
	hits=0
	for m in $markers; do grep -qF "$m" /tmp/psi_log.$$ && hits=$((hits + 1)); done
	rm -f /tmp/psi_log.$$
	[ "$hits" = 0 ] && [ "$stm" -gt 0 ] && ok "server log of the runs ($stm logged psi statements, debug1): none of 40 sampled ids" \
		|| bad "server log: $hits ids, $stm psi statements"
else
	bad "server log $LOGFILE not found"
fi
"${Q[@]}" -d postgres -c "ALTER SYSTEM RESET log_min_messages" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
exit $fail
