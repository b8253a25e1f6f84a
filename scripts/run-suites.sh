#!/usr/bin/env bash
# Runs inside pg_virtualenv: pg_regress first, then every test/suites/*.sh.
# A suite exits 0 to pass, 77 to skip (printing why), anything else to fail.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

passed=0; failed=0; skipped=0; failures=()

echo "== pg_regress (make installcheck)"
rm -f regression.diffs regression.out
if make -s installcheck; then
	passed=$((passed + 1))
else
	failed=$((failed + 1)); failures+=("pg_regress")
	[ -f regression.diffs ] && { echo "---- regression.diffs"; cat regression.diffs; }
fi

for s in test/suites/*.sh; do
	[ -e "$s" ] || continue
	echo "== suite $s"
	set +e
	bash "$s"
	rc=$?
	set -e +e
	case $rc in
		0) passed=$((passed + 1)) ;;
		77) skipped=$((skipped + 1)); echo "   (skipped)" ;;
		*) failed=$((failed + 1)); failures+=("$s (exit $rc)") ;;
	esac
done

echo
[ ${#failures[@]} -eq 0 ] || printf 'FAILED: %s\n' "${failures[@]}"
echo "suites: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
