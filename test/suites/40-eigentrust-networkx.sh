#!/usr/bin/env bash
# eigentrust() against networkx.pagerank on the real networks (FACTS.md
# sections 4 and 7): Advogato and Bitcoin Alpha, uniform and non-uniform
# pre-trust, L1 <= 1e-8.  Skips when ../shared or networkx is absent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"

DATA="$MPC_SHARED_DIR/data/trust"
ADV="$DATA/advogato.tsv"
BTC="$DATA/soc-sign-bitcoinalpha.csv"
if [ ! -r "$ADV" ] || [ ! -r "$BTC" ]; then
	echo "skipped: $DATA is absent; the networkx comparison needs ../shared/data/trust"
	exit 77
fi
if ! "$MPC_PYTHON" -c 'import networkx' 2>/dev/null; then
	echo "skipped: $MPC_PYTHON has no networkx (apt-get install python3-networkx)"
	exit 77
fi

DB=et_networkx
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")

"${PSQL[@]}" <<SQL
CREATE EXTENSION IF NOT EXISTS mpc_eigentrust;
CREATE TABLE adv (src int, dst int, w float8);
\copy adv FROM '$ADV' WITH (FORMAT csv, DELIMITER ' ', HEADER true)
CREATE TABLE btc (src int, dst int, rating int, t bigint);
\copy btc FROM '$BTC' WITH (FORMAT csv, HEADER true)
-- a non-uniform pre-trust: every fifth truster, weights 1..7, some zero
CREATE TABLE adv_pre AS
  SELECT DISTINCT src AS peer, (src % 7)::float8 AS weight FROM adv WHERE src % 5 = 0;
CREATE TABLE btc_pre AS
  SELECT DISTINCT dst AS peer, (dst % 3)::float8 AS weight FROM btc WHERE dst % 4 = 1;
SQL

fail=0
run() {		# name table format a pretrust_table|- [--top5 list]
	local name=$1 tab=$2 fmt=$3 a=$4 pre=$5; shift 5
	local file=$ADV; [ "$tab" = btc ] && file=$BTC
	local cols="src, dst, w"; [ "$tab" = btc ] && cols="src, dst, rating"
	local pre_sql=NULL pre_file=()
	if [ "$pre" != - ]; then
		pre_sql="'SELECT peer, weight FROM $pre'"
		"${PSQL[@]}" -At -F' ' -c "SELECT peer, weight FROM $pre" > "$WORK/$name.pre"
		pre_file=("$WORK/$name.pre")
	fi
	"${PSQL[@]}" -At -F' ' -c "SELECT peer, trust FROM eigentrust('SELECT $cols FROM $tab', $pre_sql,
		alpha => $a, epsilon => 1e-13, max_iter => 100000)" > "$WORK/$name.out"
	if ! "$MPC_PYTHON" "$ROOT/test/eigentrust_nx.py" "$file" "$fmt" "$a" "$WORK/$name.out" \
			"${pre_file[@]}" "$@"; then
		echo "  FAIL: $name"
		fail=1
	fi
}

run adv15 adv tsv 0.15 - --top5 46,30,328,126,719
run btc15 btc csv 0.15 - --top5 1,2,4,3,7
run adv50p adv tsv 0.5 adv_pre
run btc05p btc csv 0.05 btc_pre
# at a = 0.01 networkx's own stopping rule (L1 change < N * tol) leaves it up
# to 99 * N * tol from the fixed point, so it needs a tighter tol
run adv01 adv tsv 0.01 - --tol 1e-15

exit $fail
