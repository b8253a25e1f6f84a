#!/usr/bin/env bash
# Runs inside pg_virtualenv (see scripts/demo.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/private-eigentrust-lib.sh"

P=demo
NP=4
PEERS=${DEMO_PEERS:-3000}

C=${P}_coord
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

log "a generated trust network of $PEERS peers, split by truster over $NP party databases"
pet_create $P $NP
pet_generate $P "$PEERS" 0.2026
pet_split $P $NP
pet_sql $C "SELECT count(*) AS ratings, count(DISTINCT truster) AS trusters,
	count(*) FILTER (WHERE score < 0) AS negative FROM all_ratings"
for k in $(seq 1 $NP); do echo "  party $k (database ${P}_p$k): $(pet_val ${P}_p$k "SELECT count(*) FROM ratings") ratings"; done
echo "  the coordinator's role in a party database:"
psql -X -At "$(pet_conn ${P}_p1)" -c "SELECT count(*) FROM ratings" 2>&1 | sed 's/^/    /' || true
echo "  ... but it may call the party's protocol functions, which return only masked vectors:"
psql -X -At "$(pet_conn ${P}_p1)" -c "SELECT 'masked_public_key(): ' || octet_length(private_eigentrust_party.masked_public_key()) || ' bytes'" | sed 's/^/    /'

# run MODE LABEL: private run + plain eigentrust() over the same ratings
run() {
	local mode=$1 label=$2 t0 tp tc
	log "$label"
	pet_sql $C "DROP TABLE IF EXISTS priv, plain" 2>/dev/null || true
	t0=$(date +%s.%N)
	pet_sql $C "SET client_min_messages = warning;
		CREATE TABLE priv AS SELECT * FROM eigentrust_private($(pet_parties_array $P $NP),
		    mode => '$mode', alpha => 0.15, epsilon => 1e-8);" >/dev/null
	tp=$(secs "$t0")
	t0=$(date +%s.%N)
	pet_sql $C "CREATE TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings',
		alpha => 0.15, epsilon => 1e-8)" >/dev/null
	tc=$(secs "$t0")
	pet_sql $C "
		WITH last AS (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1)
		SELECT '$mode' AS mode, max(parties) AS parties, max(peers) AS peers, max(round) AS rounds,
		       '$tp s' AS private_time, '$tc s' AS plain_eigentrust_time,
		       round(avg(bytes_moved) FILTER (WHERE round > 0) / 1e6, 2) AS mbytes_per_round,
		       (SELECT to_char(sum(abs(a.trust - b.trust)), '9.99EEEE') FROM priv a JOIN plain b USING (peer)) AS l1_vs_plain
		FROM private_eigentrust_log JOIN last USING (run_id);"
	pet_sql $C "
		SELECT row_number() OVER (ORDER BY a.trust DESC) AS rank, a.peer, round(a.trust::numeric, 6) AS private_trust,
		       round(b.trust::numeric, 6) AS plain_trust
		FROM priv a JOIN plain b USING (peer) ORDER BY a.trust DESC LIMIT 5"
}

run masked "masked mode (the default): no key holder; each party derives t from authenticated, zero-sum-masked partial sums"

log "the result is stored in every party, readable by the party's owner only"
for k in $(seq 1 $NP); do
	echo "  party $k: $(pet_val ${P}_p$k "SELECT count(*) || ' rows, dropped ratings ' || max(dropped_ratings)
		FROM private_eigentrust_party.eigentrust_private_result r
		JOIN private_eigentrust_party.eigentrust_private_runs USING (run_id)")"
done
echo "  the coordinator's role reading party 1's stored result:"
psql -X -At "$(pet_conn ${P}_p1)" -c "SELECT count(*) FROM private_eigentrust_party.eigentrust_private_result" 2>&1 | sed 's/^/    /' || true
pet_drop $P $NP
