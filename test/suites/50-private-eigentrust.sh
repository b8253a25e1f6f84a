#!/usr/bin/env bash
# Private EigenTrust across databases in paper mode: 3 parties (each hosting
# every id it owns as a member), a key holder and a coordinator in the
# throwaway cluster (masked mode, the default, is 51-private-eigentrust-masked.sh).
# Checks
#   - paper mode agrees with plain eigentrust() over the union (L1 <= 1e-8),
#     also with pre-trust, and on Bitcoin Alpha over 4 parties when
#     ../shared/data is present; a NOTICE and a log row per round
#   - isolation: the coordinator's role can run the wrappers but not read a
#     party's ratings or identity key, nor the key holder's identity key
#   - faults: an unreachable party and a party that fails in round 2 stop the
#     run with an ERROR naming the party and the round, publish nothing and
#     leave no connection behind, and a rerun succeeds
#   - attacks by the coordinator with its own role (each must ERROR 08P01):
#     a one-hot t, a key of its own choosing, a second decryption of a round
#     under another round label, a single party vector, replays of an
#     earlier round's or another run's message, and public inputs shown
#     differently to the key holder than to the parties
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
PET_MEMBERS=1 pet_split $P $NP
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
	if grep -q 'n=250 plain=250' <<<"$out" && awk -v x="$l1" 'BEGIN { exit !(x <= 1e-8) }'; then
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
	err=$(psql -X -At "$(pet_conn ${P}_p$k)" -c "SELECT count(*) FROM private_eigentrust_party.masked_identity" 2>&1 || true)
	grep -q 'permission denied' <<<"$err" && ok "party $k: coordinator cannot read the identity key" \
		|| bad "party $k: identity: $err"
	err=$(psql -X -At "$(pet_conn ${P}_p$k)" -c "SELECT * FROM private_eigentrust_paper_hello(
		'SELECT truster, trustee, score FROM ratings', NULL, 'x', '\\x00', '{}')" 2>&1 || true)
	grep -q 'identity key is invalid\|permission denied' <<<"$err" && ok "party $k: the unwrapped hello needs the identity the coordinator lacks" \
		|| bad "party $k: unwrapped hello: $err"
	out=$(psql -X -At "$(pet_conn ${P}_p$k)" -c "SELECT has_function_privilege('private_eigentrust_party.paper_step(text, integer, bytea[])', 'EXECUTE')" 2>&1)
	[ "$out" = t ] && ok "party $k: coordinator can execute the step wrapper" || bad "party $k: paper_step: $out"
done
err=$(psql -X -At "$(pet_conn ${P}_kh)" -c "SELECT count(*) FROM private_eigentrust_key_holder.identity" 2>&1 || true)
grep -q 'permission denied' <<<"$err" && ok "key holder: coordinator cannot read its identity key" || bad "identity table: $err"
err=$(psql -X -At "$(pet_conn ${P}_kh)" -c "SELECT private_eigentrust_key_decrypt('r', 1, 1, '\\x00', 13)" 2>&1 || true)
grep -q 'does not exist' <<<"$err" && ok "key holder: the old decrypt-on-request function is gone" || bad "key_decrypt: $err"

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

# party 2 fails in round 2: its owner wraps the step
pet_sql ${P}_p2 "SET ROLE pet_owner_2;
	CREATE OR REPLACE FUNCTION private_eigentrust_party.paper_step(run_id text, round integer, inbox bytea[])
	RETURNS bytea LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS \$\$
	BEGIN
	  IF round = 2 THEN RAISE EXCEPTION 'injected fault: ratings unavailable'; END IF;
	  RETURN private_eigentrust_paper_step('SELECT truster, trustee, score FROM public.ratings', run_id, round, inbox);
	END \$\$;" >/dev/null
err=$("${PET_PSQL[@]}" -d $C -c "SELECT count(*) FROM eigentrust_private($PARTIES, $KH, 'paper')" 2>&1 || true)
echo "$err" | grep ERROR | sed 's/^/    /'
grep -q 'ERROR:  private eigentrust: party 2 (.*dbname=pet_suite_p2.*) failed in round 2: injected fault' <<<"$err" \
	&& ok "party failing mid-run: ERROR names party 2 and round 2" || bad "mid-run: $err"
grep -q 'password=\*\*\*' <<<"$err" || bad "password not masked: $err"
[ "$(log_rows)" = "$before" ] || bad "a failed run left log rows"
# a closed connection's backend exits asynchronously: allow it a few seconds
for _ in $(seq 1 60); do
	conns=$(pet_val $C "SELECT count(*) FROM pg_stat_activity WHERE usename = 'pet_coordinator'")
	[ "$conns" = 0 ] && break
	sleep 0.5
done
[ "$conns" = 0 ] && ok "no connection left open" || bad "$conns connections left open"
pet_sql ${P}_p2 "SET ROLE pet_owner_2;
	SELECT private_eigentrust_party_setup('SELECT truster, trustee, score FROM public.ratings', 'pet_coordinator',
	    members_sql => 'SELECT id FROM public.members');" >/dev/null
out=$("${PET_PSQL[@]}" -At -d $C -c "SET client_min_messages = warning" -c "SELECT count(*), round(sum(trust)::numeric, 9) FROM eigentrust_private($PARTIES, $KH, 'paper')" 2>&1)
[ "$out" = "250|1.000000000" ] && ok "rerun after the fault succeeds" || bad "rerun: $out"

# a truster whose ratings are split over two parties
pet_sql ${P}_p2 "INSERT INTO ratings VALUES (3, 5, 1)"   # truster 3 lives in party 1 (3 mod 3 = 0)
err=$("${PET_PSQL[@]}" -d $C -c "SELECT count(*) FROM eigentrust_private($PARTIES, $KH, 'paper')" 2>&1 || true)
grep -q 'peer 3 is hosted by more than one party' <<<"$err" && ok "split truster rejected" || bad "split: $err"
pet_sql ${P}_p2 "DELETE FROM ratings WHERE truster = 3"

# no dblink in the coordinator database
createdb ${P}_nodblink
pet_sql ${P}_nodblink "CREATE EXTENSION mpc_eigentrust" >/dev/null
err=$("${PET_PSQL[@]}" -d ${P}_nodblink -c "SELECT count(*) FROM eigentrust_private(ARRAY['x', 'y', 'z'], 'k')" 2>&1 || true)
grep -q 'HINT:  CREATE EXTENSION dblink' <<<"$err" && ok "missing dblink: ERROR with hint" || bad "nodblink: $err"

err=$("${PET_PSQL[@]}" -d $C -v VERBOSITY=verbose -c "SELECT count(*) FROM eigentrust_private($PARTIES, $KH, 'fast')" 2>&1 || true)
grep -q 'ERROR:  0A000: eigentrust_private: mode "fast" was retired' <<<"$err" && ok "mode fast: retired (0A000)" || bad "fast: $err"

echo "-- attacks by the coordinator, with its own role"
# The coordinator drives the protocol by hand through dblink as pet_coordinator
# (exactly the rights eigentrust_private has) and deviates.
"${PET_PSQL[@]}" -d $C -f sql/fixtures/test_keys.psql >/dev/null
"${PET_PSQL[@]}" -d $C >/dev/null <<-'SQL'
	CREATE FUNCTION atk_open(run text, kh_alpha float8 DEFAULT 0.5) RETURNS bytea LANGUAGE plpgsql AS $$
	DECLARE
	    pubs bytea[] := '{}'; nonces bytea[] := '{}'; hosted bigint[] := '{}';
	    pb bytea; nc bytea; h bigint[]; peers bigint[]; hm boolean[]; m bytea;
	BEGIN
	    FOR k IN 1..3 LOOP
	        SELECT * INTO pb, nc, h FROM dblink('p' || k, format('SELECT * FROM private_eigentrust_party.paper_hello(%L)', run))
	            AS x(a bytea, b bytea, c bigint[]);
	        pubs := pubs || pb; nonces := nonces || nc; hosted := hosted || h;
	    END LOOP;
	    SELECT * INTO pb, nc FROM dblink('kh', format('SELECT * FROM private_eigentrust_key_holder.hello(%L)', run)) AS x(a bytea, b bytea);
	    pubs := pubs || pb; nonces := nonces || nc;
	    SELECT array_agg(DISTINCT x ORDER BY x) INTO peers FROM unnest(hosted) x;
	    hm := array_fill(true, ARRAY[cardinality(peers)]);
	    SELECT x.m INTO m FROM dblink('kh', format('SELECT private_eigentrust_key_holder.setup(%L, 1, %L, %L, 3, 1, %L, %L, NULL, %s, false, 2048)',
	        run, pubs, nonces, peers, hm, kh_alpha)) AS x(m bytea);
	    FOR k IN 1..3 LOOP
	        PERFORM * FROM dblink('p' || k, format('SELECT private_eigentrust_party.paper_setup(%L, %s, %L, %L, 3, 1, %L, %L, NULL, 0.5, false)',
	            run, k, pubs, nonces, peers, hm)) AS x(ok boolean);
	    END LOOP;
	    RETURN m;
	END $$;
	CREATE FUNCTION atk_step(k integer, run text, r integer, inbox bytea[]) RETURNS bytea LANGUAGE sql AS $$
	    SELECT x.v FROM dblink('p' || k, format('SELECT private_eigentrust_party.paper_step(%L, %s, %L::bytea[])', run, r, inbox)) AS x(v bytea) $$;
	CREATE FUNCTION atk_decrypt(run text, r integer, vecs bytea[], OUT m bytea, OUT t bigint[], OUT res float8) LANGUAGE sql AS $$
	    SELECT * FROM dblink('kh', format('SELECT * FROM private_eigentrust_key_holder.decrypt(%L, %s, %L::bytea[])', run, r, vecs))
	        AS x(m bytea, t bigint[], res float8) $$;
	-- an envelope with m's header and tags around another body
	CREATE FUNCTION atk_forge(m bytea, body bytea) RETURNS bytea LANGUAGE sql AS $$
	    SELECT substr(m, 1, 25) || int4send(octet_length(body)) || body || substr(m, octet_length(m) - 95) $$;
	-- the number of peers of a key holder's round message
	CREATE FUNCTION atk_n(m bytea) RETURNS integer LANGUAGE sql AS $$
	    SELECT (private_eigentrust_vector_info(substr(m, 30 + 5 + 256, octet_length(m) - 29 - 5 - 256 - 96))).count $$;
	CREATE FUNCTION atk_onehot(n integer) RETURNS bigint[] LANGUAGE sql AS $$
	    SELECT array_agg(CASE WHEN i = 1 THEN 1000000000000 ELSE 0 END::bigint ORDER BY i) FROM generate_series(1, n) i $$;
SQL
out=$("${PET_PSQL[@]}" -d $C -o /dev/null -v ON_ERROR_STOP=0 -v VERBOSITY=verbose 2>&1 <<-SQL
	SELECT dblink_connect('p1', '$(pet_conn ${P}_p1)'), dblink_connect('p2', '$(pet_conn ${P}_p2)'),
	       dblink_connect('p3', '$(pet_conn ${P}_p3)'), dblink_connect('kh', '$(pet_conn ${P}_kh)');
	\\warn == one-hot t under the round key
	SELECT atk_open('a1') AS m1 \\gset
	SELECT atk_step(1, 'a1', 1, ARRAY[atk_forge(:'m1', '\\x02'::bytea || substr(:'m1'::bytea, 30 + 1, 4 + 256)
	    || (SELECT string_agg(int8send(x), ''::bytea ORDER BY o) FROM unnest(atk_onehot(atk_n(:'m1'))) WITH ORDINALITY u(x, o)))]) IS NULL;
	\\warn == a key of the coordinator
	SELECT atk_open('a2') AS m1 \\gset
	SELECT atk_step(1, 'a2', 1, ARRAY[atk_forge(:'m1', '\\x01'::bytea || int4send(256) || substr(paillier_pubkey_send(pk), 17)
	    || private_eigentrust_encrypt_vector(pk, atk_onehot(atk_n(:'m1')), 12))]) IS NULL
	FROM (SELECT paillier_pubkey(sk) AS pk FROM test_keys WHERE name = 'a') k;
	\\warn == an honest round 1
	SELECT atk_open('a3') AS m1 \\gset
	SELECT atk_step(1, 'a3', 1, ARRAY[:'m1'::bytea]) AS v1, atk_step(2, 'a3', 1, ARRAY[:'m1'::bytea]) AS v2,
	       atk_step(3, 'a3', 1, ARRAY[:'m1'::bytea]) AS v3 \\gset
	\\warn == a single party vector
	SELECT count(*) FROM atk_decrypt('a3', 1, ARRAY[:'v1'::bytea]);
	SELECT atk_open('a4') AS m1 \\gset
	SELECT atk_step(1, 'a4', 1, ARRAY[:'m1'::bytea]) AS v1, atk_step(2, 'a4', 1, ARRAY[:'m1'::bytea]) AS v2,
	       atk_step(3, 'a4', 1, ARRAY[:'m1'::bytea]) AS v3 \\gset
	\\warn == one party vector three times
	SELECT count(*) FROM atk_decrypt('a4', 1, ARRAY[:'v1'::bytea, :'v1', :'v1']);
	SELECT atk_open('a5') AS m1 \\gset
	SELECT atk_step(1, 'a5', 1, ARRAY[:'m1'::bytea]) AS v1, atk_step(2, 'a5', 1, ARRAY[:'m1'::bytea]) AS v2,
	       atk_step(3, 'a5', 1, ARRAY[:'m1'::bytea]) AS v3 \\gset
	\\warn == the honest decryption
	SELECT m AS m2, cardinality(t) > 0 AS got_t FROM atk_decrypt('a5', 1, ARRAY[:'v1'::bytea, :'v2', :'v3']) \\gset
	\\warn got_t :got_t
	\\warn == a second decryption of round 1
	SELECT count(*) FROM atk_decrypt('a5', 1, ARRAY[:'v1'::bytea, :'v2', :'v3']);
	SELECT atk_open('a6') AS m1 \\gset
	SELECT atk_step(1, 'a6', 1, ARRAY[:'m1'::bytea]) AS v1, atk_step(2, 'a6', 1, ARRAY[:'m1'::bytea]) AS v2,
	       atk_step(3, 'a6', 1, ARRAY[:'m1'::bytea]) AS v3 \\gset
	SELECT m AS m2 FROM atk_decrypt('a6', 1, ARRAY[:'v1'::bytea, :'v2', :'v3']) \\gset
	\\warn == the round 1 vectors under the label of round 2
	SELECT count(*) FROM atk_decrypt('a6', 2, ARRAY[:'v1'::bytea, :'v2', :'v3']);
	SELECT atk_open('a7') AS m1 \\gset
	SELECT atk_step(1, 'a7', 1, ARRAY[:'m1'::bytea]) AS v1, atk_step(2, 'a7', 1, ARRAY[:'m1'::bytea]) AS v2,
	       atk_step(3, 'a7', 1, ARRAY[:'m1'::bytea]) AS v3 \\gset
	SELECT m AS m2 FROM atk_decrypt('a7', 1, ARRAY[:'v1'::bytea, :'v2', :'v3']) \\gset
	\\warn == replay of the round 1 message in round 2
	SELECT atk_step(1, 'a7', 2, ARRAY[:'m1'::bytea]) IS NULL;
	\\warn == replay of the round 1 message in round 1 again
	SELECT atk_step(2, 'a7', 1, ARRAY[:'m1'::bytea]) IS NULL;
	\\warn == the honest round 2
	SELECT octet_length(atk_step(3, 'a7', 2, ARRAY[:'m2'::bytea])) > 0 AS round2_ok \\gset
	\\warn round2 :round2_ok
	\\warn == replay of a message of another run
	SELECT atk_open('a8') AS m8 \\gset
	SELECT atk_step(1, 'a8', 1, ARRAY[:'m1'::bytea]) IS NULL;
	\\warn == the key holder shown another alpha than the parties
	SELECT atk_open('a9', 0.4) AS m1 \\gset
	SELECT atk_step(1, 'a9', 1, ARRAY[:'m1'::bytea]) IS NULL;
	\\warn == end
SQL
)
# attack LABEL: the first line after "== LABEL" must be an 08P01 ERROR (no
# quote in a label: psql's \\warn would take it as the start of a literal)
attack() {
	local got
	got=$(awk -v l="== $1" '$0 == l { f = 1; next } f { print; exit }' <<<"$out")
	if grep -q '^ERROR:  08P01: ' <<<"$got"; then
		ok "$1: refused ($(sed 's/^ERROR:  08P01: //' <<<"$got" | cut -c1-110))"
	else
		bad "$1: not refused with 08P01: $got"
	fi
}
attack "one-hot t under the round key"
attack "a key of the coordinator"
attack "a single party vector"
attack "one party vector three times"
attack "a second decryption of round 1"
attack "the round 1 vectors under the label of round 2"
attack "replay of the round 1 message in round 2"
attack "replay of the round 1 message in round 1 again"
attack "replay of a message of another run"
attack "the key holder shown another alpha than the parties"
grep -q '^got_t t' <<<"$out" && ok "the honest decryption of every authenticated party vector works" || bad "honest decryption: $out"
grep -q '^round2 t' <<<"$out" && ok "party 3, not attacked, accepts the honest round 2 message" || bad "honest round 2: $out"
if grep -q 'ERROR' <<<"$(grep -B1 '== one-hot t' <<<"$out")"; then bad "attack setup failed: $out"; fi

echo "-- Bitcoin Alpha over 4 parties"
DATA="$MPC_SHARED_DIR/data/trust/soc-sign-bitcoinalpha.csv"
if [ -f "$DATA" ]; then
	# 3783 peers, 2048-bit keys (the minimum the parties accept), a fresh
	# key per round: the parties' partial sums travel packed into slots
	trap 'pet_drop $P $NP; pet_drop pet_pba 4; dropdb --if-exists ${P}_nodblink >/dev/null 2>&1 || true' EXIT
	pet_create pet_pba 4
	pet_load_csv pet_pba "$DATA"
	PET_MEMBERS=1 pet_split pet_pba 4
	t0=$(date +%s)
	out=$("${PET_PSQL[@]}" -At -d pet_pba_coord 2>&1 <<-SQL
		SET client_min_messages = warning;
		CREATE TEMP TABLE priv AS SELECT * FROM eigentrust_private($(pet_parties_array pet_pba 4), '$(pet_conn pet_pba_kh)', 'paper',
		    alpha => 0.5, epsilon => 1e-10);
		CREATE TEMP TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings', alpha => 0.5, epsilon => 1e-10);
		SELECT 'L1=' || sum(abs(a.trust - b.trust)) || ' n=' || count(*) || ' plain=' || (SELECT count(*) FROM plain)
		FROM priv a FULL JOIN plain b USING (peer);
		SELECT 'rounds=' || max(round) FROM private_eigentrust_log
		WHERE run_id = (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1);
	SQL
	) || true
	secs=$(( $(date +%s) - t0 ))
	l1=$(grep -o 'L1=[^ ]*' <<<"$out" | cut -d= -f2)
	if grep -q 'n=3783 plain=3783' <<<"$out" && [ -n "$l1" ] && awk -v x="$l1" 'BEGIN { exit !(x <= 1e-8) }'; then
		ok "paper, Bitcoin Alpha, 4 parties: L1 vs eigentrust() = $l1 over 3783 peers, $(grep -o 'rounds=[0-9]*' <<<"$out" | cut -d= -f2) rounds, ${secs} s"
	else
		bad "paper, Bitcoin Alpha: $out"
	fi
	pet_drop pet_pba 4
else
	echo "  SKIP: paper mode on Bitcoin Alpha ($DATA not found; the rest of this suite ran)"
fi

exit $fail
