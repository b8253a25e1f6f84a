#!/usr/bin/env bash
# The average salary of Alice, Bob, Julia and Charles, computed three ways:
# Paillier sum, zero-sum masks, Shamir shares.  Every person's salary lives
# only in that person's own database; only ciphertexts, masked values and
# shares travel between databases (through dblink).  See docs/secure-sum.md.
#
#   bash scripts/secure-sum-demo.sh           build, stage, run in a throwaway cluster
#   bash scripts/secure-sum-demo.sh --inside  run in the cluster that PGHOST/PGPORT/PGUSER
#                                             point at (test/suites/60-secure-sum.sh does this)
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
declare -A SALARY=([alice]=4250.00 [bob]=3875.50 [julia]=5120.25 [charles]=2990.75)
# Shamir points: each person holds the shares at one point.
declare -A POINT=([alice]=1 [bob]=2 [julia]=3 [charles]=4)
PAILLIER_BITS=${PAILLIER_BITS:-2048}

# libpq settings for dblink: the same server, another database.
BASE="host=${PGHOST:-localhost} port=${PGPORT:-5432} user=${PGUSER:-postgres}"
[ -n "${PGPASSWORD:-}" ] && BASE="$BASE password=$PGPASSWORD"

# Run SQL from stdin in database $1.  The psql variable :'base' holds the
# connection settings; 'SELECT link(''bob'')' opens a dblink connection named bob.
sql() {
	local db=$1
	shift
	psql -X -q -At -v ON_ERROR_STOP=1 -v base="$BASE" -d "$db" "$@" -f -
}
LINKS="CREATE OR REPLACE FUNCTION pg_temp.link(db text) RETURNS void LANGUAGE sql AS
\$\$ SELECT dblink_connect(db, current_setting('demo.base') || ' dbname=' || db) \$\$;
SELECT set_config('demo.base', :'base', false) \\g /dev/null"

hr() { printf '\n==== %s\n' "$*"; }

# ---------------------------------------------------------------------------
hr "setup: one database per person, plus an aggregator and an analyst"
for db in "${PEOPLE[@]}" aggregator analyst; do
	dropdb --if-exists "$db" 2>/dev/null
	createdb "$db"
	sql "$db" <<-'SQL'
		SET client_min_messages = warning;
		CREATE EXTENSION mpc_eigentrust;
		CREATE EXTENSION dblink;
	SQL
done
for p in "${PEOPLE[@]}"; do
	sql "$p" <<-SQL
		CREATE TABLE my_salary (amount numeric(12,2) NOT NULL);
		INSERT INTO my_salary VALUES (${SALARY[$p]});
		REVOKE ALL ON my_salary FROM PUBLIC;
	SQL
	echo "  $p: salary stored in database $p only"
done

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
		REVOKE ALL ON pa_key FROM PUBLIC;
	SQL
	for p in "${PEOPLE[@]}"; do
		# the person fetches the analyst's public key and encrypts locally
		sql "$p" <<-SQL
			$LINKS
			SELECT pg_temp.link('analyst') \g /dev/null
			CREATE TABLE pa_pub AS
			SELECT pub::paillier_pubkey AS pub
			FROM dblink('analyst', 'SELECT paillier_pubkey(k)::text FROM pa_key') AS t(pub text);
			CREATE FUNCTION pa_encrypted_salary() RETURNS text
			LANGUAGE sql SECURITY DEFINER AS
			\$\$ SELECT paillier_encrypt(amount, (SELECT pub FROM pa_pub), 2)::text FROM my_salary \$\$;
		SQL
	done
	# the aggregator collects ciphertexts and adds them; it has no key
	sql aggregator <<-SQL
		$LINKS
		CREATE TABLE pa_in (party text, c paillier_ciphertext);
		$(for p in "${PEOPLE[@]}"; do
			echo "SELECT pg_temp.link('$p') \\g /dev/null"
			echo "INSERT INTO pa_in SELECT '$p', c::paillier_ciphertext FROM dblink('$p', 'SELECT pa_encrypted_salary()') AS t(c text);"
		done)
		CREATE TABLE pa_total AS SELECT sum(c) AS total, count(*) AS n FROM pa_in;
	SQL
	# the analyst decrypts the sum only
	avg_paillier=$(sql analyst <<-SQL
		$LINKS
		SELECT pg_temp.link('aggregator') \g /dev/null
		SELECT paillier_decrypt(total::paillier_ciphertext, k) / n
		FROM dblink('aggregator', 'SELECT total::text, n FROM pa_total') AS t(total text, n bigint),
		     pa_key;
	SQL
	)
	printf '  average salary: %s\n' "$avg_paillier"
	cat <<-'EOF'

	  | who         | learns                                                        |
	  |-------------|---------------------------------------------------------------|
	  | each person | the analyst's public key; nothing about the other salaries    |
	  | aggregator  | four ciphertexts and their encrypted sum; no salary, no sum   |
	  | analyst     | the sum and the count (so the average); no single salary,     |
	  |             | as long as it never sees the individual ciphertexts           |
	  | all         | must trust the analyst not to decrypt individual ciphertexts  |
	  |             | (the aggregator must not hand them over)                      |
	EOF
else
	hr "method 1: Paillier sum: SKIPPED (paillier_encrypt and sum(paillier_ciphertext) are not installed)"
fi

# ---------------------------------------------------------------------------
hr "method 2: zero-sum masks (no dealer, no key holder)"
# each person makes a Diffie-Hellman key pair and keeps the private half
for p in "${PEOPLE[@]}"; do
	sql "$p" <<-SQL
		CREATE TABLE zs_key AS SELECT * FROM zerosum_keypair();
		REVOKE ALL ON zs_key FROM PUBLIC;
		CREATE FUNCTION zs_public_key() RETURNS bytea LANGUAGE sql SECURITY DEFINER
		AS \$\$ SELECT public_key FROM zs_key \$\$;
		-- the masked salary for a round: salary * 100 + mask, mod 2^128
		CREATE FUNCTION zs_masked_salary(round bigint, peer_ids text[], peer_keys bytea[])
		RETURNS numeric LANGUAGE sql SECURITY DEFINER AS \$\$
			SELECT zerosum_mask_value(s.amount,
			           zerosum_mask('$p', round, peer_ids, peer_keys, k.private_key), 2)
			FROM my_salary s, zs_key k
		\$\$;
		-- dropout insurance: shares of this person's key for the others
		CREATE TABLE zs_key_out (holder text, share shamir_share);
		REVOKE ALL ON zs_key_out FROM PUBLIC;
		INSERT INTO zs_key_out
		SELECT ((SELECT array_agg(q ORDER BY q) FROM unnest(ARRAY['alice','bob','julia','charles']) q
		         WHERE q <> '$p'))[ks.x], ks.share
		FROM zs_key, zerosum_key_split(private_key, 3, 2) ks;
		CREATE FUNCTION zs_key_share_for(holder text) RETURNS text LANGUAGE sql SECURITY DEFINER
		AS \$\$ SELECT share::text FROM zs_key_out WHERE zs_key_out.holder = zs_key_share_for.holder \$\$;
		CREATE TABLE zs_key_held (owner text PRIMARY KEY, share shamir_share);
		REVOKE ALL ON zs_key_held FROM PUBLIC;
		CREATE FUNCTION zs_release_share(owner text) RETURNS text LANGUAGE sql SECURITY DEFINER
		AS \$\$ SELECT share::text FROM zs_key_held WHERE zs_key_held.owner = zs_release_share.owner \$\$;
	SQL
done
# each person fetches its share of every other person's key, person to person
for p in "${PEOPLE[@]}"; do
	{
		echo "$LINKS"
		for o in "${PEOPLE[@]}"; do
			[ "$o" = "$p" ] && continue
			echo "SELECT pg_temp.link('$o') \\g /dev/null"
			echo "INSERT INTO zs_key_held SELECT '$o', s::shamir_share FROM dblink('$o', \$q\$SELECT zs_key_share_for('$p')\$q\$) AS t(s text);"
		done
	} | sql "$p"
done
# the aggregator publishes the directory of public keys and collects masked values
sql aggregator <<-SQL
	$LINKS
	CREATE TABLE zs_directory (party text PRIMARY KEY, public_key bytea NOT NULL);
	$(for p in "${PEOPLE[@]}"; do
		echo "SELECT pg_temp.link('$p') \\g /dev/null"
		echo "INSERT INTO zs_directory SELECT '$p', k FROM dblink('$p', 'SELECT zs_public_key()') AS t(k bytea);"
	done)
	-- ask one party for its masked value in a round, against the given peers
	CREATE FUNCTION pg_temp.masked(p text, round bigint) RETURNS numeric LANGUAGE sql AS \$\$
		SELECT m FROM dblink(p, format('SELECT zs_masked_salary(%s, %L::text[], %L::bytea[])', round,
		        (SELECT array_agg(party ORDER BY party) FROM zs_directory WHERE party <> p),
		        (SELECT array_agg(public_key ORDER BY party) FROM zs_directory WHERE party <> p)))
		       AS t(m numeric)
	\$\$;
	CREATE TABLE zs_in (round bigint, party text, masked numeric);
	INSERT INTO zs_in SELECT 1, party, pg_temp.masked(party, 1) FROM zs_directory;
SQL
avg_masks=$(sql aggregator <<-'SQL'
	SELECT zerosum_unmask(sum(masked), 2) / count(*) FROM zs_in WHERE round = 1;
SQL
)
printf '  masked values seen by the aggregator (round 1):\n'
sql aggregator <<<"SELECT '    ' || party || ': ' || masked FROM zs_in WHERE round = 1 ORDER BY party;"
printf '  average salary: %s\n' "$avg_masks"

# round 2: Charles drops out after the others have masked against him
hr "method 2b: zero-sum masks, Charles drops out in round 2"
avg_dropout=$(sql aggregator <<-SQL
	$LINKS
	$(for p in "${PEOPLE[@]}"; do echo "SELECT pg_temp.link('$p') \\g /dev/null"; done)
	CREATE FUNCTION pg_temp.masked(p text, round bigint) RETURNS numeric LANGUAGE sql AS \$\$
		SELECT m FROM dblink(p, format('SELECT zs_masked_salary(%s, %L::text[], %L::bytea[])', round,
		        (SELECT array_agg(party ORDER BY party) FROM zs_directory WHERE party <> p),
		        (SELECT array_agg(public_key ORDER BY party) FROM zs_directory WHERE party <> p)))
		       AS t(m numeric)
	\$\$;
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
  | each person | the others' public keys; a share of each other person's key     |
  |             | (one share reveals nothing: the threshold is 2)                 |
  | aggregator  | masked values, uniform mod 2^128 one by one; their sum, so the  |
  |             | total and the average; nothing else                             |
  | analyst     | not needed: nobody holds a key that opens a single value        |
  | dropout     | the aggregator plus 2 survivors learn the dropped person's key  |
  |             | (its masks in every round): it must make a new key to rejoin,   |
  |             | and its late masked value, if it arrives, must be thrown away   |
EOF

# ---------------------------------------------------------------------------
hr "method 3: Shamir shares, 3 of 4 (person to person, then any 3 sums)"
for p in "${PEOPLE[@]}"; do
	sql "$p" <<-SQL
		-- salary in cents, split into 4 shares; share x goes to the person at point x
		CREATE TABLE sh_out AS SELECT * FROM shamir_split((SELECT amount * 100 FROM my_salary)::numeric(20,0), 4, 3);
		REVOKE ALL ON sh_out FROM PUBLIC;
		CREATE FUNCTION sh_share_for(x integer) RETURNS text LANGUAGE sql SECURITY DEFINER
		AS \$\$ SELECT share::text FROM sh_out WHERE sh_out.x = sh_share_for.x \$\$;
		CREATE TABLE sh_in (sender text PRIMARY KEY, share shamir_share);
		REVOKE ALL ON sh_in FROM PUBLIC;
		-- what this person publishes: the sum of the shares it holds
		CREATE FUNCTION sh_total_share() RETURNS text LANGUAGE sql SECURITY DEFINER
		AS \$\$ SELECT CASE WHEN count(*) = 4 THEN sum(share)::text END FROM sh_in \$\$;
	SQL
done
for p in "${PEOPLE[@]}"; do
	{
		echo "$LINKS"
		echo "INSERT INTO sh_in SELECT '$p', share FROM sh_out WHERE x = ${POINT[$p]};"
		for o in "${PEOPLE[@]}"; do
			[ "$o" = "$p" ] && continue
			echo "SELECT pg_temp.link('$o') \\g /dev/null"
			echo "INSERT INTO sh_in SELECT '$o', s::shamir_share FROM dblink('$o', 'SELECT sh_share_for(${POINT[$p]})') AS t(s text);"
		done
	} | sql "$p"
done
avg_shamir=$(sql aggregator <<-SQL
	$LINKS
	CREATE TABLE sh_totals (party text, share shamir_share);
	$(for p in alice bob julia; do   # any 3 of the 4 will do; Charles is not asked
		echo "SELECT pg_temp.link('$p') \\g /dev/null"
		echo "INSERT INTO sh_totals SELECT '$p', s::shamir_share FROM dblink('$p', 'SELECT sh_total_share()') AS t(s text);"
	done)
	SELECT shamir_combine(share) / 100 / 4 FROM sh_totals;
SQL
)
printf '  average salary: %s\n' "$avg_shamir"
cat <<-'EOF'

  | who         | learns                                                          |
  |-------------|-----------------------------------------------------------------|
  | each person | one share of every other salary: uniformly random on its own,   |
  |             | any 2 of them reveal nothing (the threshold is 3)               |
  | aggregator  | 3 shares of the total, so the total and the average; no salary  |
  | analyst     | not needed                                                      |
  | collusion   | any 3 persons together could rebuild any salary from its shares |
EOF

# ---------------------------------------------------------------------------
hr "check"
# For the check only: the average of the plain salaries this script put in
# the four databases (no method reads them).
truth=$(psql -X -At -d aggregator -c \
	"SELECT (${SALARY[alice]} + ${SALARY[bob]} + ${SALARY[julia]} + ${SALARY[charles]})::numeric / 4")
truth3=$(psql -X -At -d aggregator -c \
	"SELECT (${SALARY[alice]} + ${SALARY[bob]} + ${SALARY[julia]})::numeric / 3")

same() { psql -X -At -d aggregator -c "SELECT '$1'::numeric = '$2'::numeric"; }
status=0
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

if [ "${KEEP_DATABASES:-0}" != 1 ]; then
	for db in "${PEOPLE[@]}" aggregator analyst; do dropdb --if-exists "$db"; done
fi
if [ $status -eq 0 ]; then
	echo "  the methods agree"
else
	echo "  the methods DISAGREE" >&2
fi
exit $status
