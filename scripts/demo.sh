#!/usr/bin/env bash
# The README's main command: private EigenTrust across databases.
# Installs what it needs, builds, and runs scripts/demo-inner.sh inside a
# throwaway PostgreSQL cluster holding a coordinator, a key holder and four
# party databases.  Nothing is written outside the repository and /tmp.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

[ "${1:-}" = "--quick" ] || ensure_packages
build_and_stage
log "private EigenTrust demo in a throwaway cluster"
in_virtualenv bash "$ROOT/scripts/demo-inner.sh"
