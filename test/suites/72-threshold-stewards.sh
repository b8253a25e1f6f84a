#!/usr/bin/env bash
# The steward workflow of docs/reference.md ("Steward workflow in psql"), run
# as written: a dealer makes a 3-of-5 key and writes one file per steward;
# five steward databases load their share into a locked table behind a
# SECURITY DEFINER function; a coordinator database sums encrypted salaries
# and decrypts each department's total with shares collected over dblink,
# with a steward missing, and is refused with only two.  The coordinator's
# role must not be able to read any steward's share.
set -euo pipefail
work=$(mktemp -d)
chmod 755 "$work"
dbs="thr_coord $(echo thr_steward{1..5})"
cleanup() {
	rm -rf "$work"
	for d in $dbs; do dropdb --if-exists "$d" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
cleanup; work=$(mktemp -d); chmod 755 "$work"
PW=thr-coordinator-test-only
P=(psql -X -q -v ON_ERROR_STOP=1)
val() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
conn() { printf 'host=%s port=%s dbname=%s user=thr_coordinator password=%s' "${PGHOST:-localhost}" "${PGPORT:-5432}" "$1" "$PW"; }
"${P[@]}" -d postgres -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'thr_coordinator') THEN
    CREATE ROLE thr_coordinator LOGIN PASSWORD '$PW';
  END IF; END \$\$" >/dev/null
for d in $dbs; do createdb "$d"; val "$d" "CREATE EXTENSION mpc_eigentrust" >/dev/null; done

# 1. the dealer
"${P[@]}" -d thr_coord <<SQL
CREATE TEMP TABLE dealt AS
SELECT row_number() OVER () AS steward, pubkey, share
FROM paillier_threshold_keygen(2048, 5, 3);
\copy (SELECT pubkey FROM dealt LIMIT 1) TO '$work/pubkey.txt'
\copy (SELECT paillier_keyshare_export(share) FROM dealt WHERE steward = 1) TO '$work/share-1.txt'
\copy (SELECT paillier_keyshare_export(share) FROM dealt WHERE steward = 2) TO '$work/share-2.txt'
\copy (SELECT paillier_keyshare_export(share) FROM dealt WHERE steward = 3) TO '$work/share-3.txt'
\copy (SELECT paillier_keyshare_export(share) FROM dealt WHERE steward = 4) TO '$work/share-4.txt'
\copy (SELECT paillier_keyshare_export(share) FROM dealt WHERE steward = 5) TO '$work/share-5.txt'
DROP TABLE dealt;
SQL

# 2. each steward
for k in 1 2 3 4 5; do
	"${P[@]}" -d "thr_steward$k" <<SQL
CREATE TABLE my_share (share paillier_keyshare NOT NULL);
REVOKE ALL ON my_share FROM PUBLIC;
\copy my_share FROM '$work/share-$k.txt'
CREATE FUNCTION decryption_share(ct paillier_ciphertext) RETURNS paillier_decshare
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
\$\$ SELECT paillier_decrypt_share(ct, share) FROM my_share \$\$;
REVOKE ALL ON FUNCTION decryption_share FROM PUBLIC;
GRANT EXECUTE ON FUNCTION decryption_share TO thr_coordinator;
SQL
	rm "$work/share-$k.txt"
done

pass=0; fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: got '$2', want '$3'"; fi; }
check "steward 4 sees its share, redacted" "$(val thr_steward4 "SELECT share FROM my_share")" \
	"ks1 share 4 of 5 (threshold 3) key $(val thr_coord "SELECT paillier_fingerprint('$(cat "$work/pubkey.txt")'::paillier_pubkey)") [share value redacted]"

# 3. anyone encrypts with the public key and adds up; 4. the coordinator
"${P[@]}" -d thr_coord <<SQL
CREATE EXTENSION dblink;
CREATE TABLE keys (pubkey paillier_pubkey);
\copy keys FROM '$work/pubkey.txt'
CREATE TABLE raw_salaries (dept text, amount numeric);
INSERT INTO raw_salaries
SELECT CASE WHEN g % 3 = 0 THEN 'ops' ELSE 'research' END, 3000 + g * 12.34 FROM generate_series(1, 30) g;
CREATE TABLE salaries (dept text, salary paillier_ciphertext);
INSERT INTO salaries
SELECT dept, paillier_encrypt(amount, (SELECT pubkey FROM keys), 2) FROM raw_salaries;
CREATE TABLE totals AS SELECT dept, sum(salary) AS total FROM salaries GROUP BY dept;
CREATE TABLE stewards (name text, conn text);
INSERT INTO stewards VALUES
 ('steward1', '$(conn thr_steward1)'), ('steward2', '$(conn thr_steward2)'),
 ('steward3', '$(conn thr_steward3)'), ('steward4', '$(conn thr_steward4)'),
 ('steward5', '$(conn thr_steward5)'), ('gone', '$(conn thr_steward_gone)');
CREATE FUNCTION ask_steward(name text, conn text, ct paillier_ciphertext) RETURNS paillier_decshare
LANGUAGE plpgsql AS \$\$
BEGIN
  RETURN (SELECT ds FROM dblink(conn, format('SELECT decryption_share(%L::paillier_ciphertext)::text', ct))
                         AS d(ds paillier_decshare));
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'steward % did not answer: %', name, SQLERRM;
  RETURN NULL;   -- paillier_combine skips NULLs
END \$\$;
SQL
want=$(val thr_coord "SELECT string_agg(dept || '=' || s, ' ' ORDER BY dept) FROM (SELECT dept, sum(amount) AS s FROM raw_salaries GROUP BY dept) x")
combine() {   # which stewards
	val thr_coord "SELECT string_agg(dept || '=' || total, ' ' ORDER BY dept) FROM (
	  SELECT t.dept, paillier_combine(d.ds ORDER BY s.name) AS total
	  FROM totals t
	  CROSS JOIN (SELECT * FROM stewards WHERE name IN ($1)) s
	  CROSS JOIN LATERAL dblink(s.conn,
	      format('SELECT decryption_share(%L::paillier_ciphertext)::text', t.total))
	      AS d(ds paillier_decshare)
	  GROUP BY t.dept) x" 2>/dev/null
}
check "stewards 1, 3, 4 over dblink" "$(combine "'steward1', 'steward3', 'steward4'")" "$want"
got=$(val thr_coord "SELECT string_agg(dept || '=' || total, ' ' ORDER BY dept) FROM (
  SELECT t.dept, paillier_combine(ask_steward(s.name, s.conn, t.total)) AS total
  FROM totals t CROSS JOIN (SELECT * FROM stewards WHERE name IN ('steward2', 'gone', 'steward5', 'steward4')) s
  GROUP BY t.dept) x" 2>/dev/null)
check "stewards 2, 5, 4 and one that is gone" "$got" "$want"
got=$(psql -X -At -d thr_coord -v VERBOSITY=verbose -c "SELECT paillier_combine(d.ds) FROM totals t
	CROSS JOIN (SELECT * FROM stewards WHERE name IN ('steward2', 'steward5')) s
	CROSS JOIN LATERAL dblink(s.conn, format('SELECT decryption_share(%L::paillier_ciphertext)::text', t.total)) AS d(ds paillier_decshare)
	GROUP BY t.dept" 2>&1 || true)
if grep -q 'ERROR:  22023: paillier_combine: 2 decryption shares were given, the key needs 3' <<<"$got"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: two stewards: $got"; fi
# the coordinator's role cannot read a share, only ask for decryption shares
got=$(val thr_coord "SELECT * FROM dblink('$(conn thr_steward1)', 'SELECT paillier_keyshare_export(share) FROM my_share') AS d(x text)" 2>&1 || true)
if grep -q 'permission denied for table my_share' <<<"$got"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: coordinator read a share: $got"; fi
echo "threshold stewards over dblink: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
