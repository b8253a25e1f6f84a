#!/usr/bin/env bash
# eigentrust() at run time: verbose progress NOTICEs, and a cancel (here a
# statement_timeout) that stops both the loading and the iteration promptly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"

DB=et_runtime
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")
"${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS mpc_eigentrust"
fail=0

# verbose: a NOTICE for loading, building, iteration 1 and every 10th, and the end
# (a 50-cycle with all pre-trust on peer 0 takes about 60 Gauss-Seidel passes
# at alpha 0.01: each pass goes once round the cycle, which keeps 0.99^50 of
# the error)
out=$("${PSQL[@]}" -c "SELECT count(*) FROM eigentrust(
	'SELECT i, (i + 1) % 50, 1 FROM generate_series(0, 49) i', 'SELECT 0, 1',
	alpha => 0.01, verbose => true)" 2>&1)
echo "$out" | sed -n '/NOTICE/p' | sed 's/^/  /' | head -6
for want in 'NOTICE:  eigentrust: read 50 rating rows and 1 pre-trust rows in' \
            'NOTICE:  eigentrust: 50 peers, 50 rated pairs (50 positive, 0 negative), 0 dangling peers, built at' \
            'NOTICE:  eigentrust: iteration 1, L1 error bound' \
            'NOTICE:  eigentrust: iteration 10, L1 error bound' \
            'NOTICE:  eigentrust: converged after '; do
	if ! grep -qF "$want" <<<"$out"; then
		echo "  FAIL: no line starting '$want'"
		fail=1
	fi
done
if "${PSQL[@]}" -c "SELECT count(*) FROM eigentrust('SELECT 1, 2, 1')" 2>&1 | grep -q NOTICE; then
	echo "  FAIL: NOTICEs without verbose"
	fail=1
fi

# cancel while loading (the query would read 10^9 rows)
start=$(date +%s%N)
err=$("${PSQL[@]}" -c "SET statement_timeout = '300ms'" -c "SELECT count(*) FROM eigentrust(
	'SELECT i % 1000, (i * 7) % 1000, 1 FROM generate_series(1, 1000000000) i')" 2>&1 || true)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "  cancel while loading: ${ms} ms: $(grep ERROR <<<"$err")"
grep -q 'canceling statement due to statement timeout' <<<"$err" || { echo "  FAIL: no cancel"; fail=1; }
[ "$ms" -lt 5000 ] || { echo "  FAIL: cancel took ${ms} ms"; fail=1; }

# cancel while iterating: on a path of 200000 peers rating both neighbours,
# fed at one end, trust diffuses one peer per Gauss-Seidel pass backwards, so
# the error bound stays large for hundreds of thousands of passes
start=$(date +%s%N)
err=$("${PSQL[@]}" -c "SET statement_timeout = '1s'" -c "SELECT count(*) FROM eigentrust(
	'SELECT i, i + 1, 1 FROM generate_series(0, 199998) i UNION ALL SELECT i + 1, i, 1 FROM generate_series(0, 199998) i',
	'SELECT 0, 1',
	alpha => 0.0001, epsilon => 1e-300, max_iter => 2000000000)" 2>&1 || true)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "  cancel while iterating: ${ms} ms: $(grep ERROR <<<"$err")"
grep -q 'canceling statement due to statement timeout' <<<"$err" || { echo "  FAIL: no cancel"; fail=1; }
[ "$ms" -lt 5000 ] || { echo "  FAIL: cancel took ${ms} ms"; fail=1; }

# the backend is still healthy afterwards
"${PSQL[@]}" -At -c "SELECT count(*) FROM eigentrust('SELECT 1, 2, 1')" | grep -qx 2 || { echo "  FAIL: backend"; fail=1; }
exit $fail
