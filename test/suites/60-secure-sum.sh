#!/usr/bin/env bash
# The secure-sum demo (docs/secure-sum.md) inside the test cluster: the
# average salary by Paillier (when installed), zero-sum masks (with a
# dropout) and Shamir shares, each person in its own database.  The demo
# exits non-zero when the methods disagree.
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
printf '%s\n' "$out" | grep -q "the methods agree" || exit 1
