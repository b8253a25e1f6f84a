#!/usr/bin/env bash
# The test command: installs what it needs, builds, runs the core unit tests,
# then every suite against a throwaway PostgreSQL.  Exits non-zero on failure.
#
#   bash scripts/test.sh            everything
#   bash scripts/test.sh --quick    skip the package check (for a dev loop)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

[ "${1:-}" = "--quick" ] || ensure_packages
build_and_stage

log "core unit tests (no server)"
make -s unittest

log "constant-time check (valgrind, secrets marked undefined)"
if command -v valgrind >/dev/null; then
	make -s ctgrind
elif [ "${CI:-}" = true ]; then
	echo "valgrind is required (scripts/packages.d/ctgrind.txt)" >&2
	exit 1
else
	echo "skipped: valgrind is not installed"
fi

log "suites against a throwaway PostgreSQL"
in_virtualenv bash "$ROOT/scripts/run-suites.sh"
