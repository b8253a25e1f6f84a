#!/usr/bin/env bash
# Every pg_regress file runs alone, in a database of its own, and gives its
# expected output: no file depends on objects another file made (shared
# objects come from sql/fixtures/).  Runs inside the throwaway cluster.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=$(mktemp -d)
trap 'rm -rf "$out"; dropdb --if-exists mpc_regress_alone >/dev/null 2>&1 || true' EXIT
failed=()
n=0
for f in sql/*.sql; do
	t=$(basename "$f" .sql)
	n=$((n + 1))
	if ! make -s installcheck REGRESS="$t" \
		REGRESS_OPTS="--inputdir=. --outputdir=$out --load-extension=mpc_eigentrust --dbname=mpc_regress_alone" \
		>"$out/log" 2>&1; then
		failed+=("$t")
		cat "$out/regression.diffs" 2>/dev/null | head -40
	fi
done
echo "regression files run alone: $((n - ${#failed[@]})) of $n pass"
[ ${#failed[@]} -eq 0 ] || { printf 'FAIL: %s does not run alone\n' "${failed[@]}"; exit 1; }
