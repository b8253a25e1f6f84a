#!/usr/bin/env bash
# The average salary of Alice, Bob, Julia and Charles with secure_avg():
# every salary lives only in its owner's database; an aggregator database
# calls secure_avg() and secure_sum() over dblink and sees only masked
# values and the result.  Then Charles drops out in the middle of a run and
# the others' average comes out anyway.  See docs/secure-sum.md.
#
#   bash scripts/secure-sum-demo.sh           build, stage, run in a throwaway cluster
#   bash scripts/secure-sum-demo.sh --inside  run in the cluster that PGHOST/PGPORT/PGUSER
#                                             point at (test/suites/60-secure-sum.sh does this);
#                                             it creates and drops the databases and roles
#                                             alice, bob, julia, charles, aggregator
#
# Exits non-zero unless the results equal the plain averages and every
# forbidden access is refused.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ "${1:-}" != "--inside" ]; then
	cd "$ROOT"
	build_and_stage
	in_virtualenv bash "$ROOT/scripts/secure-sum-demo.sh" --inside
	exit $?
fi

PEOPLE=(alice bob julia charles)
ALL_DBS=("${PEOPLE[@]}" aggregator)
declare -A SALARY=([alice]=4250.00 [bob]=3875.50 [julia]=5120.25 [charles]=2990.75)
PW=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
host=${PGHOST:-localhost}
case $host in /*) host=localhost ;; esac

sql() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@" -f -; }
hr() { printf '\n==== %s\n' "$*"; }
drop_all() {
	for db in "${ALL_DBS[@]}"; do dropdb --if-exists "$db" 2>/dev/null; done
	for r in "${ALL_DBS[@]}"; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" 2>/dev/null; done
}

hr "setup: one database per person, plus an aggregator"
drop_all
for db in "${ALL_DBS[@]}"; do
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $db LOGIN PASSWORD '$PW'"
	createdb -O "$db" "$db"
	sql "$db" <<<"SET client_min_messages = warning; CREATE EXTENSION mpc_eigentrust;
		REVOKE CONNECT, TEMPORARY ON DATABASE $db FROM PUBLIC; GRANT CONNECT ON DATABASE $db TO $db;"
done
sql aggregator <<<"CREATE EXTENSION dblink;"
for p in "${PEOPLE[@]}"; do
	# as the person: the salary table, and the one query the aggregator may sum
	sql "$p" <<-SQL
		GRANT CONNECT ON DATABASE $p TO aggregator;
		SET ROLE $p;
		CREATE TABLE my_salary (amount numeric(12,2));
		INSERT INTO my_salary VALUES (${SALARY[$p]});
		SELECT secure_sum_party_setup('aggregator', ARRAY['SELECT amount FROM my_salary']) \g /dev/null
	SQL
	echo "  $p: salary stored in database $p only; secure_sum_party_setup('aggregator', ...)"
done
# each person pins the others' identity keys (in real life: out of band)
for p in "${PEOPLE[@]}"; do
	key=$(sql "$p" <<<"SELECT encode(secure_sum_party.public_key(), 'hex')")
	for o in "${PEOPLE[@]}"; do
		[ "$o" = "$p" ] && continue
		sql "$o" <<<"SET ROLE $o; INSERT INTO secure_sum_party.known_parties VALUES (decode('$key', 'hex'), '$p');"
	done
done
# the aggregator names the parties by foreign server, logging in as itself
sql aggregator <<-SQL
	$(for p in "${PEOPLE[@]}"; do
		echo "CREATE SERVER $p FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host '$host', port '${PGPORT:-5432}', dbname '$p');"
		echo "CREATE USER MAPPING FOR aggregator SERVER $p OPTIONS (user 'aggregator', password '$PW');"
	done)
	GRANT USAGE ON FOREIGN SERVER alice, bob, julia, charles TO aggregator;
SQL

hr "secure_avg over the four databases"
ALL="ARRAY['alice', 'bob', 'julia', 'charles']"
avg4=$(sql aggregator <<<"SET ROLE aggregator; SELECT secure_avg($ALL, 'SELECT amount FROM my_salary', 2);")
sum4=$(sql aggregator <<<"SET ROLE aggregator; SELECT secure_sum($ALL, 'SELECT amount FROM my_salary', 2);")
printf '  SELECT secure_avg(%s, '"'"'SELECT amount FROM my_salary'"'"', 2);\n  average salary: %s (total %s)\n' "$ALL" "$avg4" "$sum4"

hr "Charles drops out after the others have masked"
# Charles's database ends its own session while it computes its masked value
sql charles <<<"CREATE FUNCTION leave() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS 'SELECT pg_terminate_backend(pg_backend_pid())';
	INSERT INTO secure_sum_party.approved_queries VALUES ('SELECT amount FROM my_salary WHERE public.leave() IS NOT NULL');"
for p in alice bob julia; do
	sql "$p" <<<"CREATE FUNCTION leave() RETURNS boolean LANGUAGE sql AS 'SELECT true';
		INSERT INTO secure_sum_party.approved_queries VALUES ('SELECT amount FROM my_salary WHERE public.leave() IS NOT NULL');"
done
avg3=$(sql aggregator 2>&1 <<<"SET ROLE aggregator; SELECT secure_avg($ALL, 'SELECT amount FROM my_salary WHERE public.leave() IS NOT NULL', 2);")
printf '%s\n' "$avg3" | sed 's/^/  /'
avg3=$(printf '%s\n' "$avg3" | tail -1)

hr "what the roles may not do"
status=0
refused() { # LABEL DB ROLE SQL
	local out
	if out=$(psql -X -At "host=$host port=${PGPORT:-5432} dbname=$2 user=$3 password=$PW" -c "$4" 2>&1); then
		printf '  %-48s ALLOWED\n' "$1:"; status=1
	else
		printf '  %-48s refused: %s\n' "$1:" "$(sed -n 's/.*\(ERROR\|FATAL\): *//p' <<<"$out" | head -1)"
	fi
}
refused "aggregator reads alice.my_salary" alice aggregator "SELECT amount FROM public.my_salary"
refused "aggregator reads alice's identity key" alice aggregator "SELECT private_key FROM secure_sum_party.identity"
refused "aggregator reads alice's held shares" alice aggregator "SELECT * FROM secure_sum_party.held"
refused "aggregator sums a query alice did not approve" aggregator aggregator \
	"SELECT secure_sum(ARRAY['alice', 'bob', 'julia'], 'SELECT amount * 1000 FROM my_salary')"
run=$(sql alice <<<"SELECT run_id FROM secure_sum_party.runs ORDER BY started DESC LIMIT 1")
refused "aggregator asks for both shares of charles" alice aggregator \
	"SELECT secure_sum_party.unmask('$run', '{1,2,3,4}', '{}')"
refused "bob connects to alice" alice bob "SELECT 1"

hr "check"
truth4=$(sql aggregator <<<"SELECT (${SALARY[alice]} + ${SALARY[bob]} + ${SALARY[julia]} + ${SALARY[charles]})::numeric / 4")
truth3=$(sql aggregator <<<"SELECT (${SALARY[alice]} + ${SALARY[bob]} + ${SALARY[julia]})::numeric / 3")
check() {
	if [ -n "$2" ] && [ "$(sql aggregator <<<"SELECT '$2'::numeric = '$3'::numeric")" = t ]; then
		printf '  %-28s %s  ok\n' "$1" "$2"
	else
		printf '  %-28s %s  MISMATCH (want %s)\n' "$1" "$2" "$3"; status=1
	fi
}
check "secure_avg, 4 people" "$avg4" "$truth4"
check "secure_sum, 4 people" "$sum4" "$(sql aggregator <<<"SELECT $truth4 * 4")"
check "secure_avg, Charles gone" "$avg3" "$truth3"

[ "${KEEP_DATABASES:-0}" = 1 ] || drop_all
if [ $status -eq 0 ]; then
	echo "  the results agree and every forbidden access was refused"
else
	echo "  FAILED: a result disagrees or a role overstepped" >&2
fi
exit $status
