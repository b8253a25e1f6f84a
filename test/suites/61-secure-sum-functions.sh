#!/usr/bin/env bash
# secure_sum() and secure_avg() across real databases: 3 and 5 party
# databases and a coordinator in the throwaway cluster.  Checks
#   - agreement with plain SQL over the union on random data with ties,
#     negative values, NULLs and a party with no rows; numeric, bigint and
#     double precision inputs; parties named by connection string and by
#     foreign server (dblink_fdw + user mapping)
#   - dropout: a party whose backend is terminated after the others have
#     masked, or that misses the timeout, is recovered and the result equals
#     plain SQL over the survivors; too many dropouts is an ERROR
#   - the either-or rule: a party that released a dropped party's key share
#     refuses its self-mask share in the same run (ERROR 42501)
#   - remote bad input: an unapproved query, an unpinned key, a party never
#     set up, an overflowing sum, NaN, a non-numeric query
#   - leakage: the coordinator's tables and server log hold no per-party sum
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if [ ! -f "$(pg_config --sharedir)/extension/dblink.control" ]; then
	if [ "${CI:-}" = true ]; then echo "FAIL: dblink is not installed"; exit 1; fi
	echo "skip: the dblink extension is not installed"
	exit 77
fi

P=ssum
NP=5
PW=ssum-coordinator-test-only
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
sqlc() { "${PSQL[@]}" -d "$1" -c "$2"; }
val() { "${PSQL[@]}" -At -d "$1" -c "$2"; }
conn() { printf 'host=%s port=%s dbname=%s user=ssum_coordinator password=%s' "${PGHOST:-localhost}" "${PGPORT:-5432}" "$1" "$PW"; }
fail=0
ok() { echo "  ok: $*"; }
bad() { echo "  FAIL: $*"; fail=1; }
drop_all() {
	for db in ${P}_coord $(seq -f "${P}_p%g" 1 $NP); do dropdb --if-exists "$db" >/dev/null 2>&1 || true; done
}
trap drop_all EXIT
drop_all
C=${P}_coord

"${PSQL[@]}" -d postgres >/dev/null <<-SQL
	DO \$\$ BEGIN
	  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ssum_coordinator') THEN
	    CREATE ROLE ssum_coordinator LOGIN PASSWORD '$PW';
	  END IF;
	END \$\$;
SQL
createdb $C
sqlc $C "CREATE EXTENSION mpc_eigentrust; CREATE EXTENSION dblink;" >/dev/null
# the reference data, for the checks only: party k's rows; party 3 has none;
# values from a small set (ties), negative ones, NULLs
sqlc $C "SELECT setseed(0.42);
	CREATE TABLE all_vals AS
	SELECT 1 + (g % $NP) AS party,
	       CASE WHEN random() < 0.1 THEN NULL
	            WHEN random() < 0.3 THEN (ARRAY[-17.5, 0, 42.25, 1000])[1 + floor(random() * 4)::int]
	            ELSE round((random() * 2e6 - 1e6)::numeric, 4) END AS v
	FROM generate_series(1, 700) g;
	DELETE FROM all_vals WHERE party = 3;" >/dev/null

APPROVED="ARRAY['SELECT v FROM public.data', 'SELECT v FROM public.data WHERE public.ssum_hook()',
	'SELECT v::double precision FROM public.data', 'SELECT trunc(v)::bigint FROM public.data',
	'SELECT 1e37::numeric', 'SELECT v FROM public.data WHERE v IS NULL', 'SELECT ''NaN''::numeric', 'SELECT v::text || ''x'' FROM public.data']"
for k in $(seq 1 $NP); do
	"${PSQL[@]}" -d postgres >/dev/null <<-SQL
		DO \$\$ BEGIN
		  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ssum_owner_$k') THEN
		    CREATE ROLE ssum_owner_$k NOLOGIN;
		  END IF;
		END \$\$;
	SQL
	createdb ${P}_p$k
	sqlc ${P}_p$k "CREATE EXTENSION mpc_eigentrust;
		GRANT CREATE ON DATABASE ${P}_p$k TO ssum_owner_$k;
		CREATE TABLE data (v numeric);
		ALTER TABLE data OWNER TO ssum_owner_$k;
		REVOKE ALL ON data FROM PUBLIC;
		-- a test hook in the approved query: true, or (to test dropout) the end of this backend
		CREATE FUNCTION ssum_hook() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS 'SELECT true';" >/dev/null
	"${PSQL[@]}" -d $C -c "\\copy (SELECT v FROM all_vals WHERE party = $k) TO STDOUT" |
		"${PSQL[@]}" -d ${P}_p$k -c "\\copy data FROM STDIN"
	sqlc ${P}_p$k "SET ROLE ssum_owner_$k; SELECT secure_sum_party_setup('ssum_coordinator', $APPROVED)" >/dev/null
done
# each owner pins the others' identity keys
for k in $(seq 1 $NP); do
	key=$(val ${P}_p$k "SELECT encode(secure_sum_party.public_key(), 'hex')")
	for j in $(seq 1 $NP); do
		[ $j = $k ] && continue
		sqlc ${P}_p$j "INSERT INTO secure_sum_party.known_parties VALUES (decode('$key', 'hex'), 'party $k')" >/dev/null
	done
done
parties() { # parties FIRST LAST -> text[] literal
	local out="ARRAY[" k
	for k in $(seq $1 $2); do [ $k -gt $1 ] && out+=", "; out+="'$(conn ${P}_p$k)'"; done
	printf '%s]' "$out"
}
P3=$(parties 1 3)
P5=$(parties 1 5)

# same LABEL GOT WANT
same() {
	if [ -n "$2" ] && [ "$(val $C "SELECT '$2'::numeric = '$3'::numeric")" = t ]; then ok "$1: $2"; else bad "$1: got '$2', want '$3'"; fi
}

echo "-- agreement with plain SQL"
for np in 3 5; do
	PA=$(parties 1 $np)
	for scale in 0 2; do
		got=$(val $C "SELECT secure_sum($PA, 'SELECT v FROM public.data', $scale)")
		want=$(val $C "SELECT sum(round(v, $scale)) FROM all_vals WHERE party <= $np")
		same "$np parties, sum at scale $scale" "$got" "$want"
	done
	got=$(val $C "SELECT round(secure_avg($PA, 'SELECT v FROM public.data', 4), 10)")
	want=$(val $C "SELECT round(avg(round(v, 4)), 10) FROM all_vals WHERE party <= $np")
	same "$np parties, avg at scale 4" "$got" "$want"
	got=$(val $C "SELECT value_count || '/' || parties_counted || '/' || cardinality(dropped) FROM secure_sum_run($PA, 'SELECT v FROM public.data')")
	want=$(val $C "SELECT count(v) || '/$np/0' FROM all_vals WHERE party <= $np")
	[ "$got" = "$want" ] && ok "$np parties: count/parties/dropped $got" || bad "$np parties: count/parties/dropped $got, want $want"
done
got=$(val $C "SELECT secure_sum($P5, 'SELECT v::double precision FROM public.data', 3)")
want=$(val $C "SELECT sum(round(v::double precision::numeric, 3)) FROM all_vals")
same "double precision input, scale 3" "$got" "$want"
got=$(val $C "SELECT secure_sum($P3, 'SELECT trunc(v)::bigint FROM public.data')")
want=$(val $C "SELECT sum(trunc(v)::bigint) FROM all_vals WHERE party <= 3")
same "bigint input" "$got" "$want"
# no non-NULL value in any party: NULL, like sum() and avg() over no rows
got=$(val $C "SELECT coalesce(secure_sum($P3, 'SELECT v FROM public.data WHERE v IS NULL')::text, 'null') || ' '
	|| coalesce(secure_avg($P3, 'SELECT v FROM public.data WHERE v IS NULL')::text, 'null') || ' '
	|| (SELECT value_count FROM secure_sum_run($P3, 'SELECT v FROM public.data WHERE v IS NULL'))")
[ "$got" = "null null 0" ] && ok "only NULLs: secure_sum and secure_avg are NULL, the count 0" || bad "only NULLs: $got"
got=$(val $C "SELECT coalesce(secure_sum(ARRAY['$(conn ${P}_p3)', '$(conn ${P}_p3)'], 'SELECT v FROM public.data', allow_two_parties => true)::text, 'null')" 2>&1 || true)
grep -q 'named twice' <<<"$got" && ok "the same party twice is refused" || bad "the same party twice: $got"

echo "-- foreign servers (dblink_fdw) as parties"
for k in 1 2 3; do
	sqlc $C "CREATE SERVER ssum_srv_$k FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host '${PGHOST:-localhost}', port '${PGPORT:-5432}', dbname '${P}_p$k');
		CREATE USER MAPPING FOR CURRENT_USER SERVER ssum_srv_$k OPTIONS (user 'ssum_coordinator', password '$PW');" >/dev/null
done
got=$(val $C "SELECT secure_sum(ARRAY['ssum_srv_1', 'ssum_srv_2', 'ssum_srv_3'], 'SELECT v FROM public.data', 2)")
want=$(val $C "SELECT sum(round(v, 2)) FROM all_vals WHERE party <= 3")
same "3 foreign servers" "$got" "$want"

echo "-- dropout"
DROPHOOK="CREATE OR REPLACE FUNCTION ssum_hook() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS 'SELECT pg_terminate_backend(pg_backend_pid())'"
sqlc ${P}_p5 "$DROPHOOK" >/dev/null
out=$("${PSQL[@]}" -At -d $C -c "SELECT total || ' ' || value_count || ' ' || parties_counted || ' ' || array_to_string(dropped, ';')
	FROM secure_sum_run($P5, 'SELECT v FROM public.data WHERE public.ssum_hook()', 2)" 2>&1) || true
want=$(val $C "SELECT sum(round(v, 2)) || ' ' || count(v) || ' 4 party 5' FROM all_vals WHERE party <= 4")
if [ "$(grep -v WARNING <<<"$out" | grep -v DETAIL | cut -d' ' -f1-5)" = "$want" ] && grep -q 'WARNING:  secure_sum: 1 of 5 parties dropped out' <<<"$out"; then
	ok "party 5 terminated in round 3: recovered, sum over parties 1-4 = $(cut -d' ' -f1 <<<"$want")"
else
	bad "one dropout: $out (want $want ...)"
fi
run=$(val ${P}_p1 "SELECT run_id FROM secure_sum_party.runs ORDER BY started DESC LIMIT 1")
# the either-or rule, asked by the coordinator's own role
out=$(psql -X -At "$(conn ${P}_p1)" -c "SELECT secure_sum_party.unmask('$run', '{1,2,3,4,5}', '{}')" 2>&1 || true)
if grep -q 'released its key share of party 5 .* will not release its self-mask share' <<<"$out"; then
	ok "either-or: party 1 refuses party 5's self-mask share after releasing its key share"
else
	bad "either-or: $out"
fi
out=$(psql -X -At -v VERBOSITY=verbose "$(conn ${P}_p2)" -c "SELECT secure_sum_party.unmask('$run', '{1,2,3,4,5}', '{}')" 2>&1 || true)
grep -q 'ERROR:  42501' <<<"$out" && ok "either-or: the refusal is SQLSTATE 42501" || bad "either-or SQLSTATE: $out"
sqlc ${P}_p4 "$DROPHOOK" >/dev/null
got=$(val $C "SELECT secure_sum($P5, 'SELECT v FROM public.data WHERE public.ssum_hook()', 1)" 2>/dev/null)
want=$(val $C "SELECT sum(round(v, 1)) FROM all_vals WHERE party <= 3")
same "parties 4 and 5 dropped (threshold 3 of 5)" "$got" "$want"
sqlc ${P}_p1 "$DROPHOOK" >/dev/null
out=$("${PSQL[@]}" -At -v VERBOSITY=verbose -d $C -c "SELECT secure_sum($P5, 'SELECT v FROM public.data WHERE public.ssum_hook()')" 2>&1 || true)
grep -q 'ERROR:  08006: secure_sum: 2 of 5 parties answered round 3, the threshold is 3' <<<"$out" \
	&& ok "three dropouts of five: ERROR 08006, no sum" || bad "three dropouts: $out"
for k in 1 4 5; do sqlc ${P}_p$k "CREATE OR REPLACE FUNCTION ssum_hook() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS 'SELECT true'" >/dev/null; done
# a party that does not answer in time: cancelled at the deadline, dropped, recovered
sqlc ${P}_p2 "CREATE OR REPLACE FUNCTION ssum_hook() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS 'SELECT pg_sleep(120) IS NOT NULL'" >/dev/null
t0=$(date +%s)
got=$(val $C "SELECT secure_sum($P5, 'SELECT v FROM public.data WHERE public.ssum_hook()', 2, timeout => '15 s')" 2>/dev/null)
t1=$(date +%s)
want=$(val $C "SELECT sum(round(v, 2)) FROM all_vals WHERE party <> 2")
same "party 2 silent past the 15 s timeout, dropped after $((t1 - t0)) s" "$got" "$want"
[ $((t1 - t0)) -lt 90 ] || bad "the timeout did not cut the wait: $((t1 - t0)) s"
for k in 2; do sqlc ${P}_p$k "CREATE OR REPLACE FUNCTION ssum_hook() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS 'SELECT true'" >/dev/null; done

echo "-- the secrets of runs that never finished"
stale=$(val ${P}_p2 "SELECT count(*) FROM secure_sum_party.runs WHERE finished IS NULL AND eph_private IS NOT NULL")
[ "${stale:-0}" -ge 1 ] && ok "party 2 holds the mask key of $stale run(s) it dropped out of" || bad "no unfinished run at party 2: $stale"
sqlc ${P}_p2 "UPDATE secure_sum_party.runs SET started = started - interval '2 days' WHERE finished IS NULL" >/dev/null
val $C "SELECT secure_sum($P3, 'SELECT v FROM public.data')" >/dev/null
left=$(val ${P}_p2 "SELECT count(*) FROM secure_sum_party.runs r WHERE started < now() - interval '1 day'
	AND (eph_private IS NOT NULL OR self_mask IS NOT NULL OR EXISTS (SELECT 1 FROM secure_sum_party.held h WHERE h.run_id = r.run_id))")
[ "$left" = 0 ] && ok "the next run wipes the mask keys, self-masks and held shares of runs unfinished after a day" \
	|| bad "$left runs older than a day keep their secrets"

echo "-- remote bad input"
# expect LABEL SQLSTATE PATTERN SQL
expect() {
	local out
	out=$("${PSQL[@]}" -At -v VERBOSITY=verbose -d $C -c "$4" 2>&1 || true)
	if grep -q "ERROR:  $2: .*$3" <<<"$out"; then ok "$1: $2"; else bad "$1: $out"; fi
}
expect "a query the parties did not approve" 42501 "has not approved the query" \
	"SELECT secure_sum($P3, 'SELECT v FROM public.data WHERE v > 0')"
out=$("${PSQL[@]}" -At -d $C -c "SELECT secure_sum($P3, 'SELECT v FROM public.data WHERE v > 0')" 2>&1 || true)
grep -q 'HINT:  The party.s owner approves a query with INSERT INTO secure_sum_party.approved_queries' <<<"$out" \
	&& ok "... with a hint to approve it" || bad "approval hint: $out"
expect "a party's sum out of range" 22003 "out of range" "SELECT secure_sum($P3, 'SELECT 1e37::numeric', 2)"
expect "NaN" 22003 "NaN" "SELECT secure_sum($P3, 'SELECT ''NaN''::numeric')"
expect "a non-numeric query" 22P02 "invalid input syntax" "SELECT secure_sum($P3, 'SELECT v::text || ''x'' FROM public.data')"
expect "a party never set up" 3F000 "party 1" \
	"SELECT secure_sum($P3, 'SELECT v FROM public.data', party_schema => 'nowhere')"
out=$("${PSQL[@]}" -At -d $C -c "SELECT secure_sum($P3, 'SELECT v FROM public.data', party_schema => 'nowhere')" 2>&1 || true)
grep -q 'HINT:  Set the party up first: .*secure_sum_party_setup' <<<"$out" && ok "... with a hint to run secure_sum_party_setup" || bad "setup hint: $out"
expect "a party that cannot be reached" 08001 "secure_sum: party 2 (.*) failed in round 0" \
	"SELECT secure_sum(ARRAY['$(conn ${P}_p1)', 'host=${PGHOST:-localhost} port=${PGPORT:-5432} dbname=${P}_nosuchdb user=ssum_coordinator password=secret-pw', '$(conn ${P}_p3)'], 'SELECT v FROM public.data')"
out=$("${PSQL[@]}" -At -d $C -c "SELECT secure_sum(ARRAY['$(conn ${P}_p1)', 'host=${PGHOST:-localhost} port=${PGPORT:-5432} dbname=${P}_nosuchdb user=ssum_coordinator password=secret-pw', '$(conn ${P}_p3)'], 'SELECT v FROM public.data')" 2>&1 || true)
grep -q 'secret-pw' <<<"$out" && bad "a password shows in the error: $out" || ok "the password is masked in the error"
sqlc ${P}_p2 "DELETE FROM secure_sum_party.known_parties WHERE note = 'party 1'" >/dev/null
expect "an unpinned identity key" 28000 "identity key of party 1 is not one of" \
	"SELECT secure_sum($P3, 'SELECT v FROM public.data')"
key=$(val ${P}_p1 "SELECT encode(secure_sum_party.public_key(), 'hex')")
sqlc ${P}_p2 "INSERT INTO secure_sum_party.known_parties VALUES (decode('$key', 'hex'), 'party 1')" >/dev/null

echo "-- what the coordinator holds"
n=$(val $C "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relname <> 'all_vals'
	  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')")
[ "$n" = 0 ] && ok "no table in the coordinator's database besides the test's reference data" || bad "$n tables in the coordinator"
for tbl in identity known_parties approved_queries runs held released; do
	out=$(psql -X -At "$(conn ${P}_p1)" -c "SELECT count(*) FROM secure_sum_party.$tbl" 2>&1 || true)
	grep -q 'permission denied' <<<"$out" || bad "the coordinator reads party 1's $tbl: $out"
done
ok "the coordinator's role reads none of a party's tables"
# the server log of a run with every statement logged holds no party's partial sum
sqlc $C "ALTER DATABASE $C SET log_statement = 'all'; ALTER DATABASE $C SET log_min_messages = 'debug1'" >/dev/null
logfile=$(val $C "SELECT pg_current_logfile()" 2>/dev/null || true)
[ -n "$logfile" ] && [ "${logfile#/}" = "$logfile" ] && logfile="$(val $C "SHOW data_directory")/$logfile"
# pg_virtualenv keeps the server log beside its PGSYSCONFDIR
[ -z "$logfile" ] && [ -n "${PGSYSCONFDIR:-}" ] && logfile=$(ls -t "${PGSYSCONFDIR%/*}"/log/*.log 2>/dev/null | head -1 || true)
out=$("${PSQL[@]}" -At -d $C -c "SET client_min_messages = debug1; SELECT secure_sum($P3, 'SELECT v FROM public.data WHERE public.ssum_hook()', 4)" 2>&1 || true)
want=$(val $C "SELECT sum(round(v, 4)) FROM all_vals WHERE party <= 3")
leaks=0
[ "$(tail -1 <<<"$out")" = "$want" ] || { bad "the logged run did not give the sum: $(tail -3 <<<"$out")"; leaks=1; }
for k in 1 2 3; do
	s=$(val $C "SELECT coalesce(sum(round(v, 4)), 0) FROM all_vals WHERE party = $k")
	si=$(val $C "SELECT coalesce(sum(round(v, 4)) * 10000, 0)::numeric(60,0) FROM all_vals WHERE party = $k")
	for pat in "$s" "$si"; do
		[ "$pat" = 0 ] || [ "$pat" = 0.0000 ] && continue
		grep -qF -- "$pat" <<<"$out" && { bad "party $k's sum $pat in the coordinator's messages"; leaks=1; }
		[ -n "$logfile" ] && [ -r "$logfile" ] && grep -qF -- "$pat" "$logfile" && { bad "party $k's sum $pat in the server log"; leaks=1; }
	done
done
if [ $leaks = 0 ]; then
	if [ -n "$logfile" ] && [ -r "$logfile" ]; then ok "no party's sum in the coordinator's messages or the server log ($logfile)"
	else ok "no party's sum in the coordinator's messages (server log not readable here)"; fi
fi

exit $fail
