#!/usr/bin/env bash
# Builds the committed tree against PostgreSQL 17 inside a fresh Debian 13
# (trixie) root made with debootstrap, with -Werror, runs the core unit tests
# and every pg_regress suite against a throwaway PostgreSQL 17 (pg_virtualenv).
#
#   sudo bash scripts/test-pg17-trixie.sh
#   MPC_DEB_SUITE=sid MPC_PG_MAJOR=18 bash scripts/test-pg17-trixie.sh   another pair
#
# Needs root and the Debian archive. The first run makes the root (debootstrap
# plus the packages, a few minutes) and keeps it as a tarball in
# $MPC_DEB_CACHE (default /var/tmp/mpc-<suite>); later runs unpack that copy.
# Only committed files are tested (git archive HEAD). Not part of
# scripts/test.sh: it takes several minutes and needs the network.
set -euo pipefail
PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$PROJECT/scripts/debroot.sh"
SUITE=${MPC_DEB_SUITE:-trixie}
PGV=${MPC_PG_MAJOR:-17}
CACHE=${MPC_DEB_CACHE:-/var/tmp/mpc-$SUITE}
ROOT=$CACHE/root-pg$PGV

debroot_lock "$CACHE"
trap 'debroot_cleanup "$ROOT" || echo "test-pg17-trixie: mounts left under $ROOT" >&2' EXIT
debroot_make "$SUITE" "$CACHE" "pg$PGV" \
	postgresql-$PGV postgresql-server-dev-$PGV libgmp-dev libsodium-dev build-essential
mkdir -p "$ROOT/work/project"
git -C "$PROJECT" archive HEAD | tar -C "$ROOT/work/project" -x
if git -C "$PROJECT" status --porcelain | grep -q .; then
	echo "test-pg17-trixie: note: uncommitted changes are not part of this run"
fi

printf '\n==> PostgreSQL %s on Debian %s: %s\n' "$PGV" "$SUITE" \
	"$(debroot_run "$ROOT" "/usr/lib/postgresql/$PGV/bin/pg_config --version; gcc --version | head -1" | tr '\n' ' ')"
rc=0
debroot_run "$ROOT" "cd /work/project && export MPC_PG_MAJOR=$PGV && source scripts/common.sh &&
	build_and_stage && log 'core unit tests' && make -s unittest &&
	log 'pg_regress against a throwaway PostgreSQL $PGV' &&
	in_virtualenv make -s installcheck ||
	{ rc=\$?; [ -f regression.diffs ] && cat regression.diffs; exit \$rc; }" || rc=$?
if [ $rc -eq 0 ]; then
	printf '\n==> PostgreSQL %s on Debian %s: build (-Werror), unit tests and pg_regress passed\n' "$PGV" "$SUITE"
else
	printf '\n==> PostgreSQL %s on Debian %s: FAILED (exit %s)\n' "$PGV" "$SUITE" "$rc"
fi
exit $rc
