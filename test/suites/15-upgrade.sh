#!/usr/bin/env bash
# The upgrade path: every release's frozen install script plus the upgrade
# scripts must give exactly the catalog contents of a fresh install of the
# current version, and data stored under an earlier release must still work
# after ALTER EXTENSION ... UPDATE.  Runs inside the throwaway cluster.
#
# The comparison dumps each database with pg_dump --schema-only
# --binary-upgrade, which (unlike a plain dump) lists every member object of
# the extension with its full definition; the OID-pinning calls that mode adds
# differ between any two databases and are dropped before comparing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$ROOT/mpc_eigentrust.control")
work=$(mktemp -d)
fresh=mpc_upgrade_fresh
trap 'rm -rf "$work"; for d in $dbs $fresh; do dropdb --if-exists "$d" >/dev/null 2>&1 || true; done' EXIT
psqlc() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Earlier releases are the frozen install scripts other than the current one.
olds=$(cd "$ROOT/releases" && ls mpc_eigentrust--*.sql | sed -n 's/^mpc_eigentrust--\([0-9.]*\)\.sql$/\1/p' | grep -vx "$current" || true)
dbs=$(for v in $olds; do echo "mpc_upgrade_${v//./_}"; done)
if [ -z "$olds" ]; then
	echo "FAIL: no frozen release script in releases/"
	exit 1
fi

normalise() {
	# drop comments, blank lines, OID pinning and the database's own name
	# (and the xid/OID lines of the pg_class updates that mode writes, and
	# pg_dump's random \restrict keys)
	grep -v -e '^--' -e '^$' -e 'binary_upgrade_' -e '^SELECT pg_catalog.set_config' \
	        -e '^SET ' -e '^\\connect' -e '^\\restrict' -e '^\\unrestrict' \
	        -e "^WHERE oid = '[0-9]*';" -e '^UPDATE pg_catalog.pg_class' "$1" \
	| sed -e "s/$2/DB/g"
}

dropdb --if-exists "$fresh" >/dev/null 2>&1 || true
createdb "$fresh"
psqlc -d "$fresh" -c "CREATE EXTENSION mpc_eigentrust"
pg_dump --schema-only --binary-upgrade --no-owner -d "$fresh" > "$work/fresh.sql"
normalise "$work/fresh.sql" "$fresh" > "$work/fresh.norm"

failed=0
for v in $olds; do
	db="mpc_upgrade_${v//./_}"
	dropdb --if-exists "$db" >/dev/null 2>&1 || true
	createdb "$db"
	echo "-- $v: install, store data, update to $current"
	psqlc -d "$db" <<SQL
CREATE EXTENSION mpc_eigentrust VERSION '$v';
-- data as a user of $v keeps it: keys, ciphertexts at two scales, Shamir shares
CREATE TABLE keys AS SELECT paillier_keygen(2048) AS sk;
CREATE TABLE pub AS SELECT paillier_pubkey(sk) AS pk FROM keys;
CREATE TABLE cts AS
  SELECT g AS id, paillier_encrypt(g::bigint, (SELECT pk FROM pub)) AS c0,
         paillier_encrypt(g / 100.0, (SELECT pk FROM pub), 2) AS c2
  FROM generate_series(1, 50) g;
CREATE TABLE shares AS SELECT * FROM shamir_split(123456789, 5, 3);
-- a key and a ciphertext in the text forms 0.1.0 wrote (Enc(-42.5) at scale 1)
CREATE TABLE v1 (sk paillier_privkey, ct paillier_ciphertext);
INSERT INTO v1 VALUES ('sk1:_241QBzNQ683TlzWhnv-MsT10vRpA4ys_4ERLU7qvbQ3mboRHFmnhNgb214fs0esavbuXU8mRSRyHjUMU3xvS-50xAyMLWmC8ZmyDSSVbUS-Gp00bnW49rzcqBpNg3gPprqp4x3AmQ6nWdeyaurMxFS2sFeseBPNiHqrL9Nfuok:3gg8byHsFWs5mfa7F7XsO6iY-Rf1N4DvAeElzMbs7zuIqWO8m-BOipz9aCLMDvjQlSIOYwuxfB1vxns1aIRKDeq-0AaWL-5quW5Pw0SezDyAXNQ9GZHG38W6rLVhbXgCpkSsYhNtoF5BUdDWubq6vE5MBBPrn6RGuFWffgRmQ30',
  'ct1:1:3YnJ6_oXyH4KBcjo0iDaf2jXQ6oHGsz8jip_ElwB3jgZZItd4Y-2ps70pbmz17u0Gbw3RuTpKx1Z4s-zb3yRgTz048uW7NOgdlHnY49sG2aDHMscfmqaLG2r1PzsGimP7JIOrrGCk1zhOEOFn-Js2D3XOJdLg7ji7LCDwBXJ_O1myeYwdT64xKKXp1MiLl82UzmYAbmEPhw6PNIB6avxvBpHHzNNqOYSy-P14ZVM6pfu0JofwHZgJnpTOzBJRivUYo7AfI5L4ahdYfQGVyHW_8xxWOEw5yttmOG2OWGhlmHaOZq4WtYrRXlQNkLZgyWjAlwfJQ8becSYhLgouiXv5Q:t3eeUXaxXbPNQ07Eu21wq7WKN_9IU_CwfWd8RRj78WbJ37w7xzvNZVCRIKkxP_3VF_yVQA-UTua1VpjtvO2TJGRdUfTOvG9yCYATDHBqpDtM8g2Gcp0T38vPtgWxB5kLny8j2n0WOLkplsMZAIuQhaRAmvahYd_fvcfZwd5BlI5qOettz5539EAbkITE0ASvO3xbCJF_NAkWbWyymTCeCziSLTwxWBG0sgADi58EkyfGOINRTKHQEtKUJ9OfjIB_cotlk8uH_wJd8ttFRubpZ8bZdngUD_mJ3sHADQ3ztd5jjil8kvHP7fSfKTEHXozJIrP2Pj8Yu9YDoashvnTHn0K82NZ3qiWIido0yPOfyHHI6_-y2VLwNJMeDvjcplHawyhAtg8vXCE_7Yv3SQ0NU0DOQkTJfwVJN1e7G-4f6CChgzxNv2eTdHo2tu5evSv-KV5odreni5wNLKTUVpvX71GcqSu60Ww6NFbWAJ_RFj5rsaIG9TlteI2o5CcYD5otVfWObWsF-N4mMSfKUie5yQ8oD3gyPW24q-KgBMb7YVC3JEPVkH4bBchmMX4bX-ojGmvrF-AenXHe_WN0MF3QgJIydMIhS1PXG3d4V99IJTDTaEVuAkVgrTmavUSQwRrWGZ0x9LkpHgot22ZDbaLx7I27zd0JJf9TwgJunwpZPZo');
CREATE TABLE texts AS SELECT (SELECT pk FROM pub)::text AS pk_text, (SELECT c0 FROM cts WHERE id = 7)::text AS ct_text;
SQL
	psqlc -d "$db" -c "ALTER EXTENSION mpc_eigentrust UPDATE TO '$current'"
	got=$(psqlc -d "$db" -At <<'SQL'
SELECT extversion FROM pg_extension WHERE extname = 'mpc_eigentrust';
SELECT paillier_decrypt(sum(c0), (SELECT sk FROM keys)) FROM cts;
SELECT paillier_decrypt(sum(c2) + 1, (SELECT sk FROM keys)) FROM cts;
SELECT paillier_decrypt(c0 * 3, (SELECT sk FROM keys)) FROM cts WHERE id = 7;
SELECT paillier_decrypt(ct_text::paillier_ciphertext, (SELECT sk FROM keys)) FROM texts;
SELECT pk_text::paillier_pubkey::text = pk_text FROM texts;
SELECT shamir_combine(share) FROM (SELECT share FROM shares LIMIT 3) s;
SELECT paillier_decrypt(ct, sk) FROM v1;
SELECT paillier_decrypt(ct * 2 + 1, sk) FROM v1;
SQL
)
	want=$(printf '%s\n' "$current" 1275 13.75 21 7 t 123456789 -42.5 -84.0)
	if [ "$got" != "$want" ]; then
		echo "FAIL: data stored under $v after the update"
		diff <(echo "$want") <(echo "$got") || true
		failed=1
	else
		echo "   data stored under $v works after the update"
	fi
	psqlc -d "$db" -c "DROP TABLE keys, pub, cts, shares, texts, v1"
	pg_dump --schema-only --binary-upgrade --no-owner -d "$db" > "$work/up.sql"
	normalise "$work/up.sql" "$db" > "$work/up.norm"
	if ! diff -u "$work/fresh.norm" "$work/up.norm" > "$work/diff"; then
		echo "FAIL: $v updated to $current differs from a fresh $current install:"
		head -60 "$work/diff"
		failed=1
	else
		echo "   $v updated to $current equals a fresh install ($(wc -l < "$work/fresh.norm") catalog lines)"
	fi
done
exit $failed
