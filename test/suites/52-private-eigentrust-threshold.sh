#!/usr/bin/env bash
# Paper-mode private EigenTrust with a threshold key instead of a key holder:
# 3 parties that are also the decryptors, each holding one share of a 2-of-3
# split of the fixed test key 'a' (sql/fixtures/test_keys.psql; a split is
# fast, safe-prime keygen is not).  Checks
#   - the result equals eigentrust() over the union (L1 <= 1e-6), with all
#     decryptors and with one of them unreachable
#   - too few decryptors: an ERROR saying how many answered and how many the
#     key needs
#   - a decryptor answering with shares of another ciphertext: refused,
#     naming its share index (ERROR when too few valid shares remain,
#     WARNING when enough do)
#   - decryptors holding shares of different keys: ERROR 22000
#   - the decryptor's round counter (one answer per round, in order), its
#     share table closed to the coordinator, and bad arguments
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/private-eigentrust-lib.sh"
cd "$ROOT"

P=pet_thr
NP=3
trap 'pet_drop $P $NP; dropdb --if-exists ${P}_d4 >/dev/null 2>&1 || true' EXIT
fail=0
ok() { echo "  ok: $*"; }
bad() { echo "  FAIL: $*"; fail=1; }

pet_create $P $NP
pet_generate $P 12 0.31
pet_split $P $NP
C=${P}_coord
PARTIES=$(pet_parties_array $P $NP)
echo "  $(pet_val $C "SELECT count(*) || ' ratings, ' || count(DISTINCT truster) || ' trusters' FROM all_ratings")"

# the dealer: 2-of-3 shares of fixed key a, 2-of-3 shares of fixed key b
"${PET_PSQL[@]}" -d $C -f sql/fixtures/test_keys.psql >/dev/null
"${PET_PSQL[@]}" -d $C >/dev/null <<-SQL
	CREATE TABLE dealt AS
	SELECT k.name, s.i, paillier_keyshare_export(s.share) AS share
	FROM k, paillier_threshold_split(k.sk, 3, 2) WITH ORDINALITY AS s(pubkey, share, i)
	WHERE k.name IN ('a', 'b');
SQL
share() { pet_val $C "SELECT share FROM dealt WHERE name = '$1' AND i = $2"; }
# install: DATABASE KEYNAME INDEX, as the party's owner (the steward)
install() {
	local k=${1##*_p}
	pet_sql "$1" "SET client_min_messages = warning; SET ROLE pet_owner_$k;
		SELECT private_eigentrust_decryptor_setup('$(share "$2" "$3")'::paillier_keyshare, 'pet_coordinator')" >/dev/null
}
for k in 1 2 3; do install ${P}_p$k a $k; done
D1="'$(pet_conn ${P}_p1)'"; D2="'$(pet_conn ${P}_p2)'"; D3="'$(pet_conn ${P}_p3)'"
DOWN="'$(pet_conn ${P}_nonexistent)'"; DOWN2="'$(pet_conn ${P}_nonexistent2)'"

# agree DECRYPTORS LABEL
agree() {
	local decs=$1 label=$2 out l1 rounds
	out=$("${PET_PSQL[@]}" -At -d $C 2>&1 <<-SQL
		CREATE TEMP TABLE priv AS SELECT * FROM eigentrust_private($PARTIES, mode => 'paper',
		    decryptors => ARRAY[$decs], alpha => 0.5, epsilon => 1e-9);
		CREATE TEMP TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings',
		    alpha => 0.5, epsilon => 1e-9);
		SELECT 'L1=' || sum(abs(a.trust - b.trust)) || ' n=' || count(*) || ' plain=' || (SELECT count(*) FROM plain)
		FROM priv a FULL JOIN plain b USING (peer);
		SELECT 'rounds=' || max(round) FROM private_eigentrust_log
		WHERE run_id = (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1);
	SQL
	) || { bad "$label: $out"; return; }
	l1=$(grep -o 'L1=[^ ]*' <<<"$out" | cut -d= -f2)
	rounds=$(grep -o 'rounds=[0-9]*' <<<"$out" | cut -d= -f2)
	if grep -q 'n=12 plain=12' <<<"$out" && awk -v x="$l1" 'BEGIN { exit !(x <= 1e-6) }'; then
		ok "$label: L1 vs eigentrust() = $l1 over 12 peers, $rounds rounds"
	else
		bad "$label: $out"
	fi
}
# expect LABEL SQLSTATE PATTERN SQL (on the coordinator)
expect() {
	local label=$1 st=$2 pat=$3 sql=$4 out
	out=$("${PET_PSQL[@]}" -d $C -v VERBOSITY=verbose -c "$sql" 2>&1 || true)
	if grep -q "ERROR:  $st:" <<<"$out" && grep -q -- "$pat" <<<"$out"; then
		ok "$label: $st"
	else
		bad "$label: want $st /$pat/, got: $out"
	fi
}
leftover() {
	local n
	n=$(pet_val $C "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE '${P}_p%' AND usename = 'pet_coordinator'")
	[ "$n" = 0 ] || bad "$1: $n coordinator sessions left open"
}

echo "-- agreement with eigentrust()"
agree "$D1, $D2, $D3" "2-of-3, all decryptors"
agree "$D1, $DOWN, $D3" "2-of-3, decryptor 2 unreachable"
leftover "after the runs"
echo "  per round at 12 peers (2048-bit key): $(pet_val $C "SELECT round(avg(seconds)::numeric, 3) || ' s, decryption ' ||
	round(avg(decrypt_seconds)::numeric, 3) || ' s' FROM private_eigentrust_log WHERE round > 0 AND mode = 'paper'")"

echo "-- too few decryptors"
expect "1 of 3 reachable" 08006 '1 of 3 decryptors answered, the key needs 2' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D1, $DOWN, $DOWN2])"
leftover "after too few"

echo "-- a decryptor answering with shares of another ciphertext"
pet_sql ${P}_p1 "SET client_min_messages = warning; SET ROLE pet_owner_1;
	CREATE SCHEMA IF NOT EXISTS steward_real; ALTER FUNCTION private_eigentrust_decryptor.decrypt(text, integer, bytea) SET SCHEMA steward_real;
	CREATE FUNCTION private_eigentrust_decryptor.decrypt(run_id text, round integer, vec bytea)
	RETURNS paillier_decshare[] LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS \$\$
	  SELECT ARRAY(SELECT paillier_decrypt_share(c, (SELECT share FROM private_eigentrust_decryptor.keyshare))
	    FROM unnest(private_eigentrust_vector_ciphertexts(paillier_pubkey((SELECT share FROM private_eigentrust_decryptor.keyshare)),
	      private_eigentrust_encrypt_vector(paillier_pubkey((SELECT share FROM private_eigentrust_decryptor.keyshare)),
	        array_fill(0::bigint, ARRAY[(SELECT count FROM private_eigentrust_vector_info(vec))]),
	        (SELECT scale FROM private_eigentrust_vector_info(vec))))) c) \$\$;
	GRANT EXECUTE ON FUNCTION private_eigentrust_decryptor.decrypt(text, integer, bytea) TO pet_coordinator;" >/dev/null
expect "share 1 of another ciphertext, 2 decryptors" 22000 'decryption share 1 is invalid' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D1, $D2], max_iter => 2)"
out=$("${PET_PSQL[@]}" -At -d $C -c "SELECT count(*) FROM eigentrust_private($PARTIES, mode => 'paper',
	decryptors => ARRAY[$D1, $D2, $D3], max_iter => 2)" 2>&1 || true)
if grep -q 'WARNING:  private eigentrust: decryption share 1 was invalid and left out' <<<"$out" && grep -qx 12 <<<"$out"; then
	ok "share 1 of another ciphertext, 3 decryptors: left out with a WARNING, the run goes on"
else
	bad "tampered share with 3 decryptors: $out"
fi
pet_sql ${P}_p1 "SET ROLE pet_owner_1; DROP FUNCTION private_eigentrust_decryptor.decrypt(text, integer, bytea);
	ALTER FUNCTION steward_real.decrypt(text, integer, bytea) SET SCHEMA private_eigentrust_decryptor;" >/dev/null

echo "-- a decryptor answering with a tampered share (the last byte of the proof's response)"
pet_sql ${P}_p1 "SET client_min_messages = warning; SET ROLE pet_owner_1;
	CREATE SCHEMA IF NOT EXISTS steward_real; ALTER FUNCTION private_eigentrust_decryptor.decrypt(text, integer, bytea) SET SCHEMA steward_real;
	CREATE FUNCTION private_eigentrust_decryptor.decrypt(run_id text, round integer, vec bytea)
	RETURNS paillier_decshare[] LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS \$\$
	  SELECT ARRAY(SELECT ('ds1:' || rtrim(translate(replace(encode(
	             set_byte(x.b, length(x.b) - 1, get_byte(x.b, length(x.b) - 1) # 1), 'base64'), E'\\n', ''), '+/', '-_'), '='))::paillier_decshare
	    FROM unnest(steward_real.decrypt(run_id, round, vec)) WITH ORDINALITY u(d, o),
	    LATERAL (SELECT decode(rpad(translate(substr(u.d::text, 5), '-_', '+/'),
	                                (length(u.d::text) - 4 + 3) / 4 * 4, '='), 'base64') AS b) x
	    ORDER BY u.o) \$\$;
	GRANT EXECUTE ON FUNCTION private_eigentrust_decryptor.decrypt(text, integer, bytea) TO pet_coordinator;" >/dev/null
expect "share 1 with a bad proof, 2 decryptors" 22000 'decryption share 1 is invalid' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D2, $D1], max_iter => 2)"
out=$("${PET_PSQL[@]}" -At -d $C -c "SELECT count(*) FROM eigentrust_private($PARTIES, mode => 'paper',
	decryptors => ARRAY[$D1, $D2, $D3], max_iter => 2)" 2>&1 || true)
if grep -q 'WARNING:  private eigentrust: decryption share 1 was invalid and left out' <<<"$out" && grep -qx 12 <<<"$out"; then
	ok "share 1 with a bad proof, 3 decryptors: the failing batch names it, share 3 replaces it"
else
	bad "bad proof with 3 decryptors: $out"
fi
pet_sql ${P}_p1 "SET ROLE pet_owner_1; DROP FUNCTION private_eigentrust_decryptor.decrypt(text, integer, bytea);
	ALTER FUNCTION steward_real.decrypt(text, integer, bytea) SET SCHEMA private_eigentrust_decryptor;" >/dev/null

echo "-- shares of different keys"
install ${P}_p3 b 3
expect "decryptor 3 holds a share of key b" 22000 'decryptor 3 .* holds a share of another key than decryptor 1' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D1, $D2, $D3])"
leftover "after different keys"
install ${P}_p3 a 3
install ${P}_p2 a 3
expect "two decryptors hold share 3" 22023 'holds share 3, as another decryptor does' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D1, $D2, $D3])"
install ${P}_p2 a 2

echo "-- the decryptor"
out=$(psql -X -At "$(pet_conn ${P}_p1)" -c "SELECT count(*) FROM private_eigentrust_decryptor.keyshare" 2>&1 || true)
grep -q 'permission denied' <<<"$out" && ok "the coordinator cannot read the share table" || bad "share table: $out"
out=$(psql -X -At "$(pet_conn ${P}_p1)" -c "SELECT threshold, share_index FROM private_eigentrust_decryptor.info()" 2>&1)
[ "$out" = "2|1" ] && ok "info(): threshold 2, share 1" || bad "info(): $out"
VEC="private_eigentrust_encrypt_vector((SELECT pubkey FROM private_eigentrust_decryptor.info()), '{1,2,3}', 13)"
out=$(psql -X -At "$(pet_conn ${P}_p1)" -v VERBOSITY=sqlstate 2>&1 <<-SQL || true
	SELECT cardinality(private_eigentrust_decryptor.decrypt('t1', 1, $VEC));
	SELECT cardinality(private_eigentrust_decryptor.decrypt('t1', 2, $VEC));
	SELECT private_eigentrust_decryptor.decrypt('t1', 2, $VEC);
	SELECT private_eigentrust_decryptor.decrypt('t1', 5, $VEC);
	SELECT private_eigentrust_decryptor.decrypt('t2', 2, $VEC);
	SELECT private_eigentrust_decryptor.decrypt('t1', 3, private_eigentrust_encrypt_vector((SELECT pubkey FROM private_eigentrust_decryptor.info()), '{1,2}', 13));
	SELECT private_eigentrust_decryptor.decrypt('t3', 1, NULL);
SQL
)
[ "$(tr '\n' ' ' <<<"$out")" = "3 3 ERROR:  55000 ERROR:  55000 ERROR:  55000 ERROR:  22023 ERROR:  22004 " ] \
	&& ok "one answer per round, rounds in order, one vector length per run, NULLs refused" \
	|| bad "round counter: $out"
# the coordinator combines two decryptors' answers to a vector it made
out=$(pet_val $C "SELECT private_eigentrust_threshold_decrypt(x.pk, x.v, a.s || b.s, 2, 13)
	FROM (SELECT paillier_pubkey(sk) AS pk, private_eigentrust_encrypt_vector(paillier_pubkey(sk), '{7,-8,9}', 13) AS v
	      FROM k WHERE name = 'a') x,
	LATERAL dblink('$(pet_conn ${P}_p3)', format('SELECT private_eigentrust_decryptor.decrypt(%L, 1, %L::bytea)', 'c1', x.v)) AS a(s paillier_decshare[]),
	LATERAL dblink('$(pet_conn ${P}_p2)', format('SELECT private_eigentrust_decryptor.decrypt(%L, 1, %L::bytea)', 'c1', x.v)) AS b(s paillier_decshare[])" 2>&1 || true)
[ "$out" = "{7,-8,9}" ] && ok "shares 3 and 2 decrypt {7,-8,9}" || bad "threshold decrypt: $out"

echo "-- bad arguments"
expect "key holder and decryptors" 22023 'needs a key holder or decryptors, not both' \
	"SELECT * FROM eigentrust_private($PARTIES, '$(pet_conn ${P}_kh)', 'paper', decryptors => ARRAY[$D1, $D2])"
expect "neither" 22023 'mode paper needs a key holder or decryptors' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper')"
expect "decryptors in masked mode" 22023 'decryptors are for mode paper' \
	"SELECT * FROM eigentrust_private($PARTIES, decryptors => ARRAY[$D1, $D2])"
expect "a NULL decryptor" 22023 'at least 2 connections, none NULL' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D1, NULL])"
expect "one decryptor" 22023 'at least 2 connections' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D1])"
expect "setup without a share" 22004 'must not be NULL' \
	"SELECT private_eigentrust_decryptor_setup(NULL, 'pet_coordinator')"
expect "setup for an unknown role" 42704 'does not exist' \
	"SELECT private_eigentrust_decryptor_setup((SELECT share FROM dealt WHERE name = 'a' AND i = 1)::paillier_keyshare, 'no_such_role')"
expect "ciphertexts under another key" 22000 'different\|another key\|mismatch' \
	"SELECT private_eigentrust_vector_ciphertexts((SELECT paillier_pubkey(sk) FROM k WHERE name = 'b'),
	   private_eigentrust_encrypt_vector((SELECT paillier_pubkey(sk) FROM k WHERE name = 'a'), '{1}', 12))"
expect "threshold 1" 22023 'threshold must be between 2' \
	"SELECT private_eigentrust_threshold_decrypt(paillier_pubkey(sk), private_eigentrust_encrypt_vector(paillier_pubkey(sk), '{1}', 12), '{}', 1, 12) FROM k WHERE name = 'a'"
expect "too few answers" 22023 '0 answers given, the key needs 2' \
	"SELECT private_eigentrust_threshold_decrypt(paillier_pubkey(sk), private_eigentrust_encrypt_vector(paillier_pubkey(sk), '{1}', 12), '{}', 2, 12) FROM k WHERE name = 'a'"
expect "out_scale beyond the scale" 22023 'out_scale must be between' \
	"SELECT private_eigentrust_threshold_decrypt(paillier_pubkey(sk), private_eigentrust_encrypt_vector(paillier_pubkey(sk), '{1}', 12), '{}', 2, 13) FROM k WHERE name = 'a'"
expect "NULL vector" 22004 'must not be NULL' \
	"SELECT private_eigentrust_threshold_decrypt(paillier_pubkey(sk), NULL, '{}', 2, 12) FROM k WHERE name = 'a'"

exit $fail
