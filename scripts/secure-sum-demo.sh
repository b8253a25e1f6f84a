#!/usr/bin/env bash
# The average salary of Alice, Bob, Julia and Charles, computed three ways:
# Paillier sum, zero-sum masks, Shamir shares.  Every person's salary lives
# only in that person's own database; only ciphertexts, masked values and
# shares travel between databases (through dblink), and each database lets
# the others' roles call only the functions that hand those out.
# See docs/secure-sum.md.
#
#   bash scripts/secure-sum-demo.sh           build, stage, run in a throwaway cluster
#   bash scripts/secure-sum-demo.sh --inside  run in the cluster that PGHOST/PGPORT/PGUSER
#                                             point at (test/suites/60-secure-sum.sh does this);
#                                             it creates and drops the databases and roles
#                                             alice, bob, julia, charles, aggregator, analyst
#
# Exits non-zero unless the methods give the same average.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ "${1:-}" != "--inside" ]; then
	cd "$ROOT"
	build_and_stage
	in_virtualenv bash "$ROOT/scripts/secure-sum-demo.sh" --inside
	exit $?
fi

PEOPLE=(alice bob julia charles)
ALL_DBS=("${PEOPLE[@]}" aggregator analyst)
declare -A SALARY=([alice]=4250.00 [bob]=3875.50 [julia]=5120.25 [charles]=2990.75)
# Shamir points: each person holds the shares at one point.
declare -A POINT=([alice]=1 [bob]=2 [julia]=3 [charles]=4)
PAILLIER_BITS=${PAILLIER_BITS:-2048}

# Every database has a login role of the same name; dblink connects as it,
# over TCP with a password made for this run.
PW=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
host=${PGHOST:-localhost}
case $host in /*) host=localhost ;; esac
BASE="host=$host port=${PGPORT:-5432} password=$PW"

# Run SQL from stdin in database $1 as the cluster's superuser (the owner of
# everything).  In that SQL, "SELECT pg_temp.link('bob', 'alice')" opens a
# dblink connection named bob to database bob, logged in as role alice.
sql() {
	local db=$1
	shift
	psql -X -q -At -v ON_ERROR_STOP=1 -v base="$BASE" -d "$db" "$@" -f -
}
LINKS="SELECT set_config('demo.base', :'base', false) \\g /dev/null
CREATE FUNCTION pg_temp.link(db text, as_role text) RETURNS void LANGUAGE sql AS
\$\$ SELECT dblink_connect(db, format('%s dbname=%s user=%s', current_setting('demo.base'), db, as_role)) \$\$;
-- 'refused: <why>' when the remote side denies the query, else 'ALLOWED'
CREATE FUNCTION pg_temp.refused(conn text, query text) RETURNS text LANGUAGE plpgsql AS
\$\$ BEGIN PERFORM * FROM dblink(conn, query) AS t(v text); RETURN 'ALLOWED';
   EXCEPTION WHEN OTHERS THEN RETURN 'refused: ' || SQLERRM; END \$\$;"

hr() { printf '\n==== %s\n' "$*"; }
drop_all() {
	for db in "${ALL_DBS[@]}"; do dropdb --if-exists "$db" 2>/dev/null; done
	for r in "${ALL_DBS[@]}"; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" 2>/dev/null; done
}

# ---------------------------------------------------------------------------
hr "setup: one database per person, plus an aggregator and an analyst"
drop_all
for db in "${ALL_DBS[@]}"; do
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $db LOGIN PASSWORD '$PW'"
done
for db in "${ALL_DBS[@]}"; do
	createdb "$db"
	sql "$db" <<-SQL
		SET client_min_messages = warning;
		CREATE EXTENSION mpc_eigentrust;
		CREATE EXTENSION dblink;
		REVOKE CONNECT, TEMPORARY ON DATABASE $db FROM PUBLIC;
		-- functions made from here on are callable only by the roles granted
		ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
	SQL
done
# who may log in where: people to each other (to swap shares), the aggregator
# to everyone, people to the analyst (its public key), the analyst to the aggregator
for p in "${PEOPLE[@]}"; do
	sql "$p" <<-SQL
		GRANT CONNECT ON DATABASE $p TO aggregator$(for o in "${PEOPLE[@]}"; do [ "$o" != "$p" ] && printf ', %s' "$o"; done);
		CREATE TABLE my_salary (amount numeric(12,2) NOT NULL);
		INSERT INTO my_salary VALUES (${SALARY[$p]});
	SQL
	echo "  $p: salary stored in database $p only"
done
sql analyst <<<"GRANT CONNECT ON DATABASE analyst TO alice, bob, julia, charles;"
sql aggregator <<<"GRANT CONNECT ON DATABASE aggregator TO analyst;"

have_paillier=$(sql aggregator <<-'SQL'
	SELECT to_regtype('paillier_ciphertext') IS NOT NULL
	   AND EXISTS (SELECT 1 FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	               WHERE p.proname = 'sum'
	                 AND p.proargtypes[0] = to_regtype('paillier_ciphertext'));
SQL
)

# ---------------------------------------------------------------------------
avg_paillier=""
if [ "$have_paillier" = t ]; then
	hr "method 1: Paillier sum (the analyst holds the only private key)"
	sql analyst <<-SQL
		CREATE TABLE pa_key AS SELECT paillier_keygen($PAILLIER_BITS) AS k;
		CREATE FUNCTION pa_public_key() RETURNS text LANGUAGE sql SECURITY DEFINER
		SET search_path = public, pg_temp
		AS \$\$ SELECT paillier_pubkey(k)::text FROM pa_key \$\$;
		GRANT EXECUTE ON FUNCTION pa_public_key() TO alice, bob, julia, charles;
	SQL
	for p in "${PEOPLE[@]}"; do
		# the person fetches the analyst's public key and encrypts locally
		sql "$p" <<-SQL
			$LINKS
			SELECT pg_temp.link('analyst', '$p') \g /dev/null
			CREATE TABLE pa_pub AS
			SELECT pub::paillier_pubkey AS pub
			FROM dblink('analyst', 'SELECT pa_public_key()') AS t(pub text);
			CREATE FUNCTION pa_encrypted_salary() RETURNS text LANGUAGE sql SECURITY DEFINER
			SET search_path = public, pg_temp
			AS \$\$ SELECT paillier_encrypt(amount, (SELECT pub FROM pa_pub), 2)::text FROM my_salary \$\$;
			GRANT EXECUTE ON FUNCTION pa_encrypted_salary() TO aggregator;
		SQL
	done
	# the aggregator collects ciphertexts and adds them; it has no key
	sql aggregator <<-SQL
		$LINKS
		CREATE TABLE pa_in (party text, c paillier_ciphertext);
		$(for p in "${PEOPLE[@]}"; do
			echo "SELECT pg_temp.link('$p', 'aggregator') \\g /dev/null"
			echo "INSERT INTO pa_in SELECT '$p', c::paillier_ciphertext FROM dblink('$p', 'SELECT pa_encrypted_salary()') AS t(c text);"
		done)
		CREATE TABLE pa_total AS SELECT sum(c) AS total, count(*) AS n FROM pa_in;
		CREATE FUNCTION pa_total_for_analyst(OUT total text, OUT n bigint) LANGUAGE sql SECURITY DEFINER
		SET search_path = public, pg_temp
		AS \$\$ SELECT total::text, n FROM pa_total \$\$;
		GRANT EXECUTE ON FUNCTION pa_total_for_analyst() TO analyst;
	SQL
	# the analyst decrypts the sum only
	avg_paillier=$(sql analyst <<-SQL
		$LINKS
		SELECT pg_temp.link('aggregator', 'analyst') \g /dev/null
		SELECT paillier_decrypt(total::paillier_ciphertext, k) / n
		FROM dblink('aggregator', 'SELECT * FROM pa_total_for_analyst()') AS t(total text, n bigint),
		     pa_key;
	SQL
	)
	printf '  average salary: %s\n' "$avg_paillier"
	cat <<-'EOF'

	  | who         | learns                                                         |
	  |-------------|----------------------------------------------------------------|
	  | each person | the analyst's public key; nothing about the other salaries     |
	  | aggregator  | four ciphertexts and their encrypted sum; no salary, no sum    |
	  | analyst     | the sum and the count (so the average); no single salary, as   |
	  |             | long as it never gets a single ciphertext                      |
	  | everyone    | must trust the analyst and the aggregator not to collude: the  |
	  |             | analyst could decrypt any ciphertext the aggregator passed on  |
	EOF
else
	hr "method 1: Paillier sum: SKIPPED (paillier_encrypt and sum(paillier_ciphertext) are not installed)"
fi

# ---------------------------------------------------------------------------
hr "method 2: zero-sum masks (no dealer, no key holder)"
for p in "${PEOPLE[@]}"; do
	sql "$p" <<-SQL
		-- a Diffie-Hellman key pair; the private half never leaves this table
		CREATE TABLE zs_key AS SELECT * FROM zerosum_keypair();
		CREATE FUNCTION zs_public_key() RETURNS bytea LANGUAGE sql SECURITY DEFINER
		SET search_path = public, pg_temp
		AS \$\$ SELECT public_key FROM zs_key \$\$;
		-- the masked salary for a round: salary * 100 + mask, mod 2^128;
		-- at most one answer per round (two values under one mask would leak)
		CREATE TABLE zs_answered (round bigint PRIMARY KEY);
		CREATE FUNCTION zs_masked_salary(round bigint, peer_ids text[], peer_keys bytea[])
		RETURNS numeric LANGUAGE sql SECURITY DEFINER
		SET search_path = public, pg_temp AS \$\$
			INSERT INTO zs_answered VALUES (round);
			SELECT zerosum_mask_value(s.amount,
			           zerosum_mask('$p', round, peer_ids, peer_keys, k.private_key), 2)
			FROM my_salary s, zs_key k
		\$\$;
		-- dropout insurance: a 2-of-3 sharing of the key, one share per other person
		CREATE TABLE zs_key_out (holder text, share shamir_share);
		INSERT INTO zs_key_out
		SELECT ((SELECT array_agg(q ORDER BY q) FROM unnest(ARRAY['alice','bob','julia','charles']) q
		         WHERE q <> '$p'))[ks.x], ks.share
		FROM zs_key, zerosum_key_split(private_key, 3, 2) ks;
		-- each person can fetch only its own share of this key
		CREATE FUNCTION zs_my_key_share() RETURNS text LANGUAGE sql SECURITY DEFINER
		SET search_path = public, pg_temp
		AS \$\$ SELECT share::text FROM zs_key_out WHERE holder = session_user \$\$;
		CREATE TABLE zs_key_held (owner text PRIMARY KEY, share shamir_share);
		CREATE FUNCTION zs_release_share(owner text) RETURNS text LANGUAGE sql SECURITY DEFINER
		SET search_path = public, pg_temp
		AS \$\$ SELECT share::text FROM zs_key_held WHERE zs_key_held.owner = zs_release_share.owner \$\$;
		GRANT EXECUTE ON FUNCTION zs_public_key(), zs_masked_salary(bigint, text[], bytea[]),
		      zs_release_share(text) TO aggregator;
		GRANT EXECUTE ON FUNCTION zs_my_key_share()
		      TO $(for o in "${PEOPLE[@]}"; do [ "$o" != "$p" ] && printf '%s ' "$o"; done | sed 's/ $//; s/ /, /g');
	SQL
done
# each person fetches its share of every other person's key, person to person
for p in "${PEOPLE[@]}"; do
	{
		echo "$LINKS"
		for o in "${PEOPLE[@]}"; do
			[ "$o" = "$p" ] && continue
			echo "SELECT pg_temp.link('$o', '$p') \\g /dev/null"
			echo "INSERT INTO zs_key_held SELECT '$o', s::shamir_share FROM dblink('$o', 'SELECT zs_my_key_share()') AS t(s text);"
		done
	} | sql "$p"
done
# the aggregator gathers the public keys and asks for masked values
MASKED_FN="CREATE FUNCTION pg_temp.masked(p text, round bigint) RETURNS numeric LANGUAGE sql AS \$\$
	SELECT m FROM dblink(p, format('SELECT zs_masked_salary(%s, %L::text[], %L::bytea[])', round,
	        (SELECT array_agg(party ORDER BY party) FROM zs_directory WHERE party <> p),
	        (SELECT array_agg(public_key ORDER BY party) FROM zs_directory WHERE party <> p)))
	       AS t(m numeric)
\$\$;"
sql aggregator <<-SQL
	$LINKS
	CREATE TABLE zs_directory (party text PRIMARY KEY, public_key bytea NOT NULL);
	$MASKED_FN
	$(for p in "${PEOPLE[@]}"; do
		echo "SELECT pg_temp.link('$p', 'aggregator') \\g /dev/null"
		echo "INSERT INTO zs_directory SELECT '$p', k FROM dblink('$p', 'SELECT zs_public_key()') AS t(k bytea);"
	done)
	CREATE TABLE zs_in (round bigint, party text, masked numeric);
	INSERT INTO zs_in SELECT 1, party, pg_temp.masked(party, 1) FROM zs_directory;
SQL
avg_masks=$(sql aggregator <<<"SELECT zerosum_unmask(sum(masked), 2) / count(*) FROM zs_in WHERE round = 1;")
printf '  masked values seen by the aggregator (round 1):\n'
sql aggregator <<<"SELECT '    ' || rpad(party || ':', 9) || masked FROM zs_in WHERE round = 1 ORDER BY party;"
printf '  average salary: %s\n' "$avg_masks"

hr "method 2b: zero-sum masks, Charles drops out in round 2"
avg_dropout=$(sql aggregator <<-SQL
	$LINKS
	$MASKED_FN
	$(for p in "${PEOPLE[@]}"; do echo "SELECT pg_temp.link('$p', 'aggregator') \\g /dev/null"; done)
	INSERT INTO zs_in SELECT 2, party, pg_temp.masked(party, 2) FROM zs_directory
	WHERE party <> 'charles';       -- Charles never answers
	-- two survivors (the threshold) release their shares of Charles's key
	CREATE TEMP TABLE charles_key_shares AS
	SELECT s::shamir_share AS share FROM dblink('alice', \$q\$SELECT zs_release_share('charles')\$q\$) AS t(s text)
	UNION ALL
	SELECT s::shamir_share FROM dblink('julia', \$q\$SELECT zs_release_share('charles')\$q\$) AS t(s text);
	SELECT zerosum_unmask(
	         (SELECT sum(masked) FROM zs_in WHERE round = 2)
	         + zerosum_recover_mask('charles', 2,
	               (SELECT array_agg(party ORDER BY party) FROM zs_directory WHERE party <> 'charles'),
	               (SELECT array_agg(public_key ORDER BY party) FROM zs_directory WHERE party <> 'charles'),
	               (SELECT public_key FROM zs_directory WHERE party = 'charles'),
	               (SELECT array_agg(share) FROM charles_key_shares)),
	         2) / 3;
SQL
)
printf '  average salary of the three who stayed: %s\n' "$avg_dropout"
cat <<-'EOF'

  | who         | learns                                                          |
  |-------------|-----------------------------------------------------------------|
  | each person | the others' public keys; one share of each other person's key   |
  |             | (one share reveals nothing: the threshold is 2)                 |
  | aggregator  | masked values, each uniform mod 2^128 on its own; their sum, so |
  |             | the total and the average; nothing else                         |
  | analyst     | not needed: nobody holds a key that opens a single value        |
  | on dropout  | the aggregator and 2 survivors learn the dropped person's key   |
  |             | (its masks in every round): it must make a new key to rejoin,   |
  |             | and its late masked value, if it arrives, must be thrown away   |
EOF

# ---------------------------------------------------------------------------
hr "method 3: Shamir shares, 3 of 4 (person to person, then any 3 sums)"
for p in "${PEOPLE[@]}"; do
	sql "$p" <<-SQL
		-- salary in cents, split into 4 shares; share x is for the person at point x
		CREATE TABLE sh_points (person text PRIMARY KEY, x integer NOT NULL);
		INSERT INTO sh_points VALUES $(for o in "${PEOPLE[@]}"; do printf "('%s', %d)," "$o" "${POINT[$o]}"; done | sed 's/,$//');
		CREATE TABLE sh_out AS SELECT * FROM shamir_split((SELECT amount * 100 FROM my_salary), 4, 3);
		-- each person can fetch only the share at its own point
		CREATE FUNCTION sh_my_share() RETURNS text LANGUAGE sql SECURITY DEFINER
		SET search_path = public, pg_temp
		AS \$\$ SELECT share::text FROM sh_out JOIN sh_points USING (x) WHERE person = session_user \$\$;
		CREATE TABLE sh_in (sender text PRIMARY KEY, share shamir_share);
		-- what this person publishes: the sum of the four shares it holds
		CREATE FUNCTION sh_total_share() RETURNS text LANGUAGE sql SECURITY DEFINER
		SET search_path = public, pg_temp
		AS \$\$ SELECT CASE WHEN count(*) = 4 THEN sum(share)::text END FROM sh_in \$\$;
		GRANT EXECUTE ON FUNCTION sh_my_share()
		      TO $(for o in "${PEOPLE[@]}"; do [ "$o" != "$p" ] && printf '%s ' "$o"; done | sed 's/ $//; s/ /, /g');
		GRANT EXECUTE ON FUNCTION sh_total_share() TO aggregator;
	SQL
done
for p in "${PEOPLE[@]}"; do
	{
		echo "$LINKS"
		echo "INSERT INTO sh_in SELECT '$p', share FROM sh_out WHERE x = ${POINT[$p]};"
		for o in "${PEOPLE[@]}"; do
			[ "$o" = "$p" ] && continue
			echo "SELECT pg_temp.link('$o', '$p') \\g /dev/null"
			echo "INSERT INTO sh_in SELECT '$o', s::shamir_share FROM dblink('$o', 'SELECT sh_my_share()') AS t(s text);"
		done
	} | sql "$p"
done
avg_shamir=$(sql aggregator <<-SQL
	$LINKS
	CREATE TABLE sh_totals (party text, share shamir_share);
	$(for p in alice bob julia; do   # any 3 of the 4 will do; Charles is not asked
		echo "SELECT pg_temp.link('$p', 'aggregator') \\g /dev/null"
		echo "INSERT INTO sh_totals SELECT '$p', s::shamir_share FROM dblink('$p', 'SELECT sh_total_share()') AS t(s text);"
	done)
	SELECT shamir_combine(share) / 100 / 4 FROM sh_totals;
SQL
)
printf '  average salary: %s\n' "$avg_shamir"
cat <<-'EOF'

  | who         | learns                                                          |
  |-------------|-----------------------------------------------------------------|
  | each person | one share of every other salary, uniformly random on its own;   |
  |             | any 2 shares of a salary reveal nothing (the threshold is 3)    |
  | aggregator  | 3 shares of the total, so the total and the average; no salary  |
  | analyst     | not needed                                                      |
  | collusion   | any 3 people pooling the shares they hold can rebuild a salary  |
EOF

# ---------------------------------------------------------------------------
hr "what the roles may not do"
status=0
refusals=$(
	{
		echo "$LINKS"
		echo "SELECT pg_temp.link('alice', 'aggregator') \\g /dev/null"
		echo "SELECT rpad('aggregator reads alice.my_salary:', 42) || pg_temp.refused('alice', 'SELECT amount::text FROM my_salary');"
		echo "SELECT rpad('aggregator reads alice.zs_key:', 42) || pg_temp.refused('alice', 'SELECT private_key::text FROM zs_key');"
		echo "SELECT rpad('aggregator asks alice for a share:', 42) || pg_temp.refused('alice', 'SELECT sh_my_share()');"
		echo "SELECT rpad('aggregator asks alice for round 1 again:', 42) || pg_temp.refused('alice', \$q\$SELECT zs_masked_salary(1, '{bob}', '{}')::text\$q\$);"
	} | sql aggregator
	{
		echo "$LINKS"
		echo "SELECT pg_temp.link('alice', 'bob') \\g /dev/null"
		echo "SELECT rpad('bob reads alice.sh_out:', 42) || pg_temp.refused('alice', 'SELECT share::text FROM sh_out');"
		echo "SELECT rpad('bob asks alice for a masked salary:', 42) || pg_temp.refused('alice', \$q\$SELECT zs_masked_salary(9, '{bob}', '{}')::text\$q\$);"
	} | sql bob
)
printf '%s\n' "$refusals" | sed 's/^/  /'
if printf '%s\n' "$refusals" | grep -q 'ALLOWED'; then
	echo "  a role could do what it should not" >&2
	status=1
fi

# ---------------------------------------------------------------------------
hr "check"
# For the check only: the average of the plain salaries this script put in
# the four databases (no method reads them).
truth=$(psql -X -At -d aggregator -c \
	"SELECT (${SALARY[alice]} + ${SALARY[bob]} + ${SALARY[julia]} + ${SALARY[charles]})::numeric / 4")
truth3=$(psql -X -At -d aggregator -c \
	"SELECT (${SALARY[alice]} + ${SALARY[bob]} + ${SALARY[julia]})::numeric / 3")

same() { psql -X -At -d aggregator -c "SELECT '$1'::numeric = '$2'::numeric"; }
check() {
	local name=$1 got=$2 want=$3
	if [ -z "$got" ]; then
		printf '  %-28s skipped\n' "$name"
	elif [ "$(same "$got" "$want")" = t ]; then
		printf '  %-28s %s  ok\n' "$name" "$got"
	else
		printf '  %-28s %s  MISMATCH (want %s)\n' "$name" "$got" "$want"
		status=1
	fi
}
echo "  plain average (check only):  $truth"
check "Paillier sum" "$avg_paillier" "$truth"
check "zero-sum masks" "$avg_masks" "$truth"
check "Shamir 3 of 4" "$avg_shamir" "$truth"
check "masks, Charles dropped" "$avg_dropout" "$truth3"

[ "${KEEP_DATABASES:-0}" = 1 ] || drop_all
if [ $status -eq 0 ]; then
	echo "  the methods agree"
else
	echo "  FAILED: the methods disagree or a role overstepped" >&2
fi
exit $status
