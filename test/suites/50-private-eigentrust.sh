#!/usr/bin/env bash
# Private EigenTrust across databases in the legacy paper mode: 3 parties, a
# key holder and a coordinator in the throwaway cluster (masked mode, the
# default, is 51-private-eigentrust-masked.sh).  Checks
#   - paper mode agrees with plain eigentrust() over the union (L1 <= 1e-6),
#     also with pre-trust; a NOTICE and a log row per round
#   - isolation: the coordinator's role can run the step functions but not
#     read a party's ratings or the key holder's keys (42501)
#   - faults: an unreachable party and a party that fails in round 2 stop the
#     run with an ERROR naming the party and the round, publish nothing,
#     leave no connection or key behind, and a rerun succeeds
#   - ciphertexts under another round's key are rejected (22000)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/private-eigentrust-lib.sh"

P=pet_suite
NP=3
trap 'pet_drop $P $NP; dropdb --if-exists ${P}_nodblink >/dev/null 2>&1 || true' EXIT
fail=0
ok() { echo "  ok: $*"; }
bad() { echo "  FAIL: $*"; fail=1; }

pet_create $P $NP
pet_generate $P 250 0.17
pet_split $P $NP
C=${P}_coord
PARTIES=$(pet_parties_array $P $NP)
KH="'$(pet_conn ${P}_kh)'"
echo "  $(pet_val $C "SELECT count(*) || ' ratings, ' || count(DISTINCT truster) || ' trusters' FROM all_ratings")"

# agree: MODE ALPHA PRETRUST_SQL(or NULL) LABEL
agree() {
	local mode=$1 alpha=$2 pre=$3 label=$4 out l1 rounds
	out=$("${PET_PSQL[@]}" -At -d $C 2>&1 <<-SQL
		CREATE TEMP TABLE priv AS SELECT * FROM eigentrust_private($PARTIES, $KH, '$mode',
		    alpha => $alpha, epsilon => 1e-9, pretrust_sql => $pre);
		CREATE TEMP TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings',
		    $pre, alpha => $alpha, epsilon => 1e-9);
		SELECT 'L1=' || sum(abs(a.trust - b.trust)) || ' n=' || count(*) || ' plain=' || (SELECT count(*) FROM plain)
		FROM priv a FULL JOIN plain b USING (peer);
		SELECT 'rounds=' || max(round) FROM private_eigentrust_log
		WHERE run_id = (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1);
	SQL
	) || { bad "$label: $out"; return; }
	l1=$(grep -o 'L1=[^ ]*' <<<"$out" | cut -d= -f2)
	rounds=$(grep -o 'rounds=[0-9]*' <<<"$out" | cut -d= -f2)
	if grep -q 'n=250 plain=250' <<<"$out" && awk -v x="$l1" 'BEGIN { exit !(x <= 1e-6) }'; then
		ok "$label: L1 vs eigentrust() = $l1 over 250 peers, $rounds rounds"
	else
		bad "$label: $out"
	fi
	grep -q 'NOTICE:  eigentrust_private: round 1, residual' <<<"$out" || bad "$label: no round NOTICE"
}

echo "-- agreement with eigentrust()"
agree paper 0.5 NULL "paper, alpha 0.5"
agree paper 0.5 "'SELECT g, g FROM generate_series(1, 5) g'" "paper, weighted pre-trust"
n=$(pet_val $C "SELECT count(*) FROM private_eigentrust_log WHERE round > 0 AND residual IS NOT NULL
	AND seconds > 0 AND bytes_moved > 0 AND mode = 'paper'")
[ "$n" -gt 20 ] && ok "round log: $n round rows with residual, seconds and bytes" || bad "round log has $n rows"

echo "-- isolation"
for k in $(seq 1 $NP); do
	err=$(psql -X -At "$(pet_conn ${P}_p$k)" -c "SELECT count(*) FROM ratings" 2>&1 || true)
	grep -q 'permission denied for table ratings' <<<"$err" && ok "party $k: coordinator cannot SELECT ratings" \
		|| bad "party $k: coordinator read ratings: $err"
	st=$(psql -X -At "$(pet_conn ${P}_p$k)" -v VERBOSITY=sqlstate -c "SELECT count(*) FROM ratings" 2>&1 || true)
	grep -q '42501' <<<"$st" || bad "party $k: SQLSTATE $st, want 42501"
	err=$(psql -X -At "$(pet_conn ${P}_p$k)" -c "SELECT * FROM private_eigentrust_party_step(
		'SELECT truster, trustee, score FROM ratings', 'fast', 1, NULL, '{1}', NULL, '{1}', NULL)" 2>&1 || true)
	grep -q 'must not be NULL\|permission denied' <<<"$err" || bad "party $k: raw step: $err"
	err=$(psql -X -At "$(pet_conn ${P}_p$k)" -c "SELECT * FROM private_eigentrust_party_step(
		'SELECT truster, trustee, score FROM ratings', 'fast', 1,
		(SELECT paillier_pubkey(paillier_keygen(2048))), '{1,2}', NULL, '{1,2}', NULL)" 2>&1 || true)
	grep -q 'permission denied for table ratings' <<<"$err" && ok "party $k: the unwrapped step runs with the coordinator's rights" \
		|| bad "party $k: unwrapped step: $err"
	out=$(psql -X -At "$(pet_conn ${P}_p$k)" -c "SELECT cardinality(hosted) > 0 FROM private_eigentrust_party.peers()" 2>&1)
	[ "$out" = t ] && ok "party $k: coordinator can execute the step functions" || bad "party $k: peers(): $out"
done
err=$(psql -X -At "$(pet_conn ${P}_kh)" -c "SELECT count(*) FROM private_eigentrust_keys" 2>&1 || true)
grep -q 'permission denied' <<<"$err" && ok "key holder: coordinator cannot read the key table" || bad "key table: $err"
err=$(psql -X -At "$(pet_conn ${P}_kh)" -c "SELECT private_eigentrust_keys.sk FROM private_eigentrust_keys" 2>&1 || true)
grep -q 'permission denied' <<<"$err" || bad "key table column: $err"

echo "-- faults"
log_rows() { pet_val $C "SELECT count(*) FROM private_eigentrust_log"; }
before=$(log_rows)
BADPORT="ARRAY['$(pet_conn ${P}_p1)', 'host=${PGHOST:-localhost} port=1 dbname=nowhere user=pet_coordinator password=secret-word', '$(pet_conn ${P}_p3)']"
err=$("${PET_PSQL[@]}" -d $C -c "SELECT count(*) FROM eigentrust_private($BADPORT, $KH, 'paper')" 2>&1 || true)
echo "$err" | grep ERROR | sed 's/^/    /'
grep -q 'ERROR:  private eigentrust: party 2 (.*dbname=nowhere.*port=1.*) failed in round 0' <<<"$err" \
	&& ok "unreachable party: ERROR names party 2 and round 0" || bad "unreachable: $err"
grep -q 'secret-word' <<<"$err" && bad "the password appears in the message"
[ "$(log_rows)" = "$before" ] || bad "a failed run left log rows"

# party 2 fails in its third call: peers() in round 0, step in round 1, step in round 2
pet_sql ${P}_p2 "CREATE SEQUENCE fault_seq;
	CREATE FUNCTION fault_gate() RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER AS \$\$
	BEGIN
	  IF nextval('fault_seq') >= 3 THEN RAISE EXCEPTION 'injected fault: ratings unavailable'; END IF;
	  RETURN true;
	END \$\$;
	SET ROLE pet_owner_2;
	SELECT private_eigentrust_party_setup('WITH g AS MATERIALIZED (SELECT public.fault_gate() AS ok)
	  SELECT truster, trustee, score FROM public.ratings, g WHERE g.ok', 'pet_coordinator');" >/dev/null
err=$("${PET_PSQL[@]}" -d $C -c "SELECT count(*) FROM eigentrust_private($PARTIES, $KH, 'paper')" 2>&1 || true)
echo "$err" | grep ERROR | sed 's/^/    /'
grep -q 'ERROR:  private eigentrust: party 2 (.*dbname=pet_suite_p2.*) failed in round 2: injected fault' <<<"$err" \
	&& ok "party failing mid-run: ERROR names party 2 and round 2" || bad "mid-run: $err"
grep -q 'password=\*\*\*' <<<"$err" || bad "password not masked: $err"
[ "$(log_rows)" = "$before" ] || bad "a failed run left log rows"
[ "$(pet_val ${P}_kh "SELECT count(*) FROM private_eigentrust_keys")" = 0 ] && ok "no key left at the key holder" \
	|| bad "keys left at the key holder"
conns=$(pet_val $C "SELECT count(*) FROM pg_stat_activity WHERE usename = 'pet_coordinator'")
[ "$conns" = 0 ] && ok "no connection left open" || bad "$conns connections left open"
pet_sql ${P}_p2 "SET ROLE pet_owner_2;
	SELECT private_eigentrust_party_setup('SELECT truster, trustee, score FROM public.ratings', 'pet_coordinator');" >/dev/null
out=$("${PET_PSQL[@]}" -At -d $C -c "SET client_min_messages = warning" -c "SELECT count(*), round(sum(trust)::numeric, 9) FROM eigentrust_private($PARTIES, $KH, 'paper')" 2>&1)
[ "$out" = "250|1.000000000" ] && ok "rerun after the fault succeeds" || bad "rerun: $out"

# a truster whose ratings are split over two parties
pet_sql ${P}_p2 "INSERT INTO ratings VALUES (3, 5, 1)"   # truster 3 lives in party 1 (3 mod 3 = 0)
err=$("${PET_PSQL[@]}" -d $C -c "SELECT count(*) FROM eigentrust_private($PARTIES, $KH)" 2>&1 || true)
grep -q 'peer 3 is hosted by more than one party' <<<"$err" && ok "split truster rejected" || bad "split: $err"
pet_sql ${P}_p2 "DELETE FROM ratings WHERE truster = 3"

# no dblink in the coordinator database
createdb ${P}_nodblink
pet_sql ${P}_nodblink "CREATE EXTENSION mpc_eigentrust" >/dev/null
err=$("${PET_PSQL[@]}" -d ${P}_nodblink -c "SELECT count(*) FROM eigentrust_private(ARRAY['x', 'y', 'z'], 'k')" 2>&1 || true)
grep -q 'HINT:  CREATE EXTENSION dblink' <<<"$err" && ok "missing dblink: ERROR with hint" || bad "nodblink: $err"

err=$("${PET_PSQL[@]}" -d $C -v VERBOSITY=verbose -c "SELECT count(*) FROM eigentrust_private($PARTIES, $KH, 'fast')" 2>&1 || true)
grep -q 'ERROR:  0A000: eigentrust_private: mode "fast" was retired' <<<"$err" && ok "mode fast: retired (0A000)" || bad "fast: $err"

echo "-- keys of another round"
out=$("${PET_PSQL[@]}" -At "$(pet_conn ${P}_kh)" 2>&1 <<-'SQL'
	\set VERBOSITY sqlstate
	\set ON_ERROR_STOP 0
	CREATE TEMP TABLE k AS SELECT private_eigentrust_key_new('wrongkey', 1) AS pk1;
	ALTER TABLE k ADD pk2 paillier_pubkey;
	UPDATE k SET pk2 = private_eigentrust_key_new('wrongkey', 2);
	-- round 1's vector sent to round 2's key
	SELECT 'a', private_eigentrust_key_decrypt('wrongkey', 2, 2, private_eigentrust_encrypt_vector(pk1, '{1,2}', 14), 14) FROM k;
	-- round 1's key was retired by round 2's
	SELECT 'b', private_eigentrust_key_decrypt('wrongkey', 1, 1, private_eigentrust_encrypt_vector(pk1, '{1,2}', 14), 14) FROM k;
	SELECT 'c', private_eigentrust_key_decrypt('wrongkey', 2, 2, private_eigentrust_encrypt_vector(pk2, '{1,-2}', 14), 14) FROM k;
	-- one decryption per round
	SELECT 'd', private_eigentrust_key_decrypt('wrongkey', 2, 2, private_eigentrust_encrypt_vector(pk2, '{1,2}', 14), 14) FROM k;
	SELECT 'e', private_eigentrust_combine(pk2, ARRAY[private_eigentrust_encrypt_vector(pk1, '{1}', 14),
	                                                  private_eigentrust_encrypt_vector(pk2, '{1}', 14)]) IS NULL FROM k;
	SELECT 'f', private_eigentrust_key_drop('wrongkey');
SQL
)
echo "$out" | sed 's/^/    /'
[ "$(grep -c '^ERROR:  22000' <<<"$out")" = 2 ] && ok "vectors under another round's key: 22000 (key holder and combine)" \
	|| bad "wrong key not rejected twice with 22000"
grep -q '^ERROR:  22023' <<<"$out" && ok "a retired round key cannot decrypt (22023)" || bad "retired key"
grep -q '^c|{1,-2}' <<<"$out" && ok "the right key decrypts" || bad "right key"
grep -q '^ERROR:  55000' <<<"$out" && ok "a second decryption of a round is refused (55000)" || bad "second decryption"

# a party given a trust vector under one key and asked to use another
err=$(psql -X -At "$(pet_conn ${P}_p1)" -v VERBOSITY=sqlstate -c "
	WITH k AS (SELECT paillier_pubkey(paillier_keygen(2048)) AS a, paillier_pubkey(paillier_keygen(2048)) AS b)
	SELECT length(ciphertexts) FROM k, private_eigentrust_party.step('paper', 2, k.b,
		(SELECT mentioned FROM private_eigentrust_party.peers()), NULL, NULL,
		private_eigentrust_encrypt_vector(k.a, array_fill(1::bigint, ARRAY[cardinality((SELECT mentioned FROM private_eigentrust_party.peers()))]), 12))" 2>&1 || true)
[ "$err" = "ERROR:  22000" ] && ok "party rejects Enc(t) under another key (22000)" || bad "party wrong key: $err"

exit $fail
