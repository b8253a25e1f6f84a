#!/usr/bin/env bash
# Paper-mode private EigenTrust with a threshold key instead of a key holder:
# 3 parties that are also the decryptors, each holding one share of a 2-of-3
# split of the fixed test key 'a' (sql/fixtures/test_keys.psql; a split is
# fast, safe-prime keygen is not).  Checks
#   - the result equals eigentrust() over the union (L1 <= 1e-8), with all
#     decryptors and with one of them unreachable
#   - too few decryptors: an ERROR saying how many answered and how many the
#     key needs
#   - a decryptor answering with a tampered share: the other decryptors skip
#     it (ERROR 08P01 when too few valid shares remain, the run goes on when
#     enough do)
#   - decryptors holding shares of different keys: ERROR 22000
#   - the decryptor is no decryption oracle: it decrypts nothing outside a
#     run (inside one it runs the key holder's checks on the parties' tagged
#     vectors, attacked in 50-private-eigentrust.sh); its share table is
#     closed to the coordinator; bad arguments
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
PET_MEMBERS=1 pet_split $P $NP
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
	# the owners pin the decryptor's key and the parties' keys, out of band
	pet_pin_role $P $NP "$1" private_eigentrust_decryptor
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
	if grep -q 'n=12 plain=12' <<<"$out" && awk -v x="$l1" 'BEGIN { exit !(x <= 1e-8) }'; then
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
	# a closed connection's backend exits asynchronously: allow it a while
	for _ in $(seq 1 60); do
		n=$(pet_val $C "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE '${P}_p%' AND usename = 'pet_coordinator'")
		[ "$n" = 0 ] && break
		sleep 0.5
	done
	[ "$n" = 0 ] || bad "$1: $n coordinator sessions left open"
}

echo "-- agreement with eigentrust()"
agree "$D1, $D2, $D3" "2-of-3, all decryptors"
agree "$D1, $DOWN, $D3" "2-of-3, decryptor 2 unreachable"
leftover "after the runs"
echo "  per round at 12 peers (2048-bit key, wall time on a shared machine): $(pet_val $C "SELECT round(avg(seconds)::numeric, 3) || ' s'
	FROM private_eigentrust_log WHERE round > 0 AND mode = 'paper'")"

echo "-- too few decryptors"
expect "1 of 3 reachable" 08006 '1 of 3 decryptors answered, the key needs 2' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D1, $DOWN, $DOWN2])"
leftover "after too few"

echo "-- a decryptor answering with a tampered share (the last byte of its last share)"
pet_sql ${P}_p1 "SET client_min_messages = warning; SET ROLE pet_owner_1;
	CREATE OR REPLACE FUNCTION private_eigentrust_decryptor.decrypt(run_id text, round integer, vectors bytea[],
	    OUT message bytea, OUT t bigint[], OUT residual double precision)
	LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS \$\$
	  SELECT set_byte(d.message, length(d.message) - 1, get_byte(d.message, length(d.message) - 1) # 1), d.t, d.residual
	  FROM private_eigentrust_paper_decrypt(run_id, round, vectors) d \$\$;" >/dev/null
expect "a tampered share, 2 decryptors" 08P01 'valid decryption shares of ciphertext .* the key needs 2' \
	"SELECT * FROM eigentrust_private($PARTIES, mode => 'paper', decryptors => ARRAY[$D2, $D1], max_iter => 2)"
out=$("${PET_PSQL[@]}" -At -d $C -c "SELECT count(*) FROM eigentrust_private($PARTIES, mode => 'paper',
	decryptors => ARRAY[$D1, $D2, $D3], max_iter => 2)" 2>&1 || true)
if grep -qx 12 <<<"$out"; then
	ok "a tampered share, 3 decryptors: the others skip it and the run goes on"
else
	bad "tampered share with 3 decryptors: $out"
fi
install ${P}_p1 a 1
leftover "after the tampered shares"

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
VEC="private_eigentrust_encrypt_vector((SELECT pubkey FROM private_eigentrust_decryptor.info()), '{1,2,3}', 24)"
out=$(psql -X -At "$(pet_conn ${P}_p1)" -v VERBOSITY=sqlstate 2>&1 <<-SQL || true
	SELECT * FROM private_eigentrust_decryptor.decrypt('t1', 1, ARRAY[$VEC]);
	SELECT * FROM private_eigentrust_decryptor.advance('t1', 1, '{}');
	SELECT private_eigentrust_decryptor.decrypt('t1', 1, $VEC);
SQL
)
[ "$(tr '\n' ' ' <<<"$out")" = "ERROR:  55000 ERROR:  55000 ERROR:  42883 " ] \
	&& ok "no decryption outside a run; the old decrypt(run, round, vec) is gone" \
	|| bad "decryption oracle: $out"

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
