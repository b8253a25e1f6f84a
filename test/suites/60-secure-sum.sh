#!/usr/bin/env bash
# The secure-sum demo (docs/secure-sum.md) inside the test cluster: the
# average salary by secure_avg() over four person databases, with and
# without a dropout; the demo exits non-zero when a result is wrong or a
# forbidden access succeeds.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if [ ! -f "$(pg_config --sharedir)/extension/dblink.control" ]; then
	echo "skip: the dblink extension is not installed"
	exit 77
fi
out=$(bash "$ROOT/scripts/secure-sum-demo.sh" --inside 2>&1)
rc=$?
printf '%s\n' "$out" | sed -n '/==== what the roles/,$p'
if [ $rc -ne 0 ]; then
	printf '%s\n' "$out"
	exit 1
fi
printf '%s\n' "$out" | grep -q "the results agree and every forbidden access was refused" || exit 1
