#!/usr/bin/env bash
# Runs inside pg_virtualenv (see scripts/demo.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/private-eigentrust-lib.sh"

P=demo
NP=4
PEERS=${DEMO_PEERS:-3000}
SLICE=${DEMO_PAPER_PEERS:-200}
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
echo "  ... but it may run the party's step function:"
psql -X -At "$(pet_conn ${P}_p1)" -c "SELECT 'peers(): ' || cardinality(hosted) || ' hosted trusters' FROM private_eigentrust_party.peers()" | sed 's/^/    /'

# run MODE EDGE_FILTER LABEL: private run + plain eigentrust() over the same ratings
run() {
	local mode=$1 filter=$2 label=$3 t0 tp tc
	log "$label"
	pet_sql $C "DROP TABLE IF EXISTS priv, plain" 2>/dev/null || true
	t0=$(date +%s.%N)
	pet_sql $C "SET client_min_messages = warning;
		CREATE TABLE priv AS SELECT * FROM eigentrust_private($(pet_parties_array $P $NP), '$(pet_conn ${P}_kh)',
		    '$mode', alpha => 0.15, epsilon => 1e-8);" >/dev/null
	tp=$(secs "$t0")
	t0=$(date +%s.%N)
	pet_sql $C "CREATE TABLE plain AS SELECT * FROM eigentrust('SELECT truster, trustee, score FROM all_ratings $filter',
		alpha => 0.15, epsilon => 1e-8)" >/dev/null
	tc=$(secs "$t0")
	pet_sql $C "
		WITH last AS (SELECT run_id FROM private_eigentrust_log ORDER BY logged_at DESC LIMIT 1)
		SELECT '$mode' AS mode, max(peers) AS peers, max(round) AS rounds,
		       '$tp s' AS private_time, '$tc s' AS plain_eigentrust_time,
		       round(sum(bytes_moved) / 1e6, 1) AS mbytes_moved,
		       (SELECT to_char(sum(abs(a.trust - b.trust)), '9.99EEEE') FROM priv a JOIN plain b USING (peer)) AS l1_vs_plain
		FROM private_eigentrust_log JOIN last USING (run_id);"
	pet_sql $C "
		SELECT row_number() OVER (ORDER BY a.trust DESC) AS rank, a.peer, round(a.trust::numeric, 6) AS private_trust,
		       round(b.trust::numeric, 6) AS plain_trust
		FROM priv a JOIN plain b USING (peer) ORDER BY a.trust DESC LIMIT 5"
}

run fast "" "fast mode (the default): packed partial sums, one key pair per run"

# paper mode costs N ciphertexts per party per round: show it on a slice
for k in $(seq 1 $NP); do
	pet_sql ${P}_p$k "DELETE FROM ratings WHERE truster > $SLICE OR trustee > $SLICE" >/dev/null
done
run paper "WHERE truster <= $SLICE AND trustee <= $SLICE" \
	"paper mode (Fujita's baseline, a fresh key every round) on the peers 1..$SLICE"

log "round log (private_eigentrust_log), per mode"
pet_sql $C "SELECT mode, count(*) FILTER (WHERE round > 0) AS rounds, max(peers) AS peers,
	round(avg(seconds) FILTER (WHERE round > 0)::numeric, 3) AS s_per_round,
	round(avg(encrypt_seconds) FILTER (WHERE round > 0)::numeric, 3) AS encrypt_s,
	round(avg(compute_seconds) FILTER (WHERE round > 0)::numeric, 3) AS homomorphic_s,
	round(avg(transfer_seconds) FILTER (WHERE round > 0)::numeric, 3) AS transfer_s,
	round(avg(decrypt_seconds) FILTER (WHERE round > 0)::numeric, 3) AS decrypt_s
	FROM private_eigentrust_log GROUP BY mode ORDER BY mode"
pet_drop $P $NP
