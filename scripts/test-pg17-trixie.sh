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
SUITE=${MPC_DEB_SUITE:-trixie}
PGV=${MPC_PG_MAJOR:-17}
CACHE=${MPC_DEB_CACHE:-/var/tmp/mpc-$SUITE}
PKGS=(postgresql-$PGV postgresql-server-dev-$PGV libgmp-dev build-essential)
BASE=$CACHE/base-pg$PGV.tar
ROOT=$CACHE/root
MOUNTS=(proc sys dev dev/pts dev/shm)

say() { printf '\n==> %s\n' "$*"; }
[ "$(id -u)" = 0 ] || { echo "test-pg17-trixie: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || {
	apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
mkdir -p "$CACHE"

umount_all() {
	local dir=$1 i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		mountpoint -q "$dir/${MOUNTS[i]}" && umount "$dir/${MOUNTS[i]}"
	done
	# never delete a root that still has the host's /dev or /proc mounted in it
	! grep -q " $dir/" /proc/mounts
}
mount_all() {
	local m
	for m in "${MOUNTS[@]}"; do mount --bind "/$m" "$1/$m"; done
	cp /etc/resolv.conf "$1/etc/resolv.conf"
}
in_root() {
	chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive bash -c "$2" </dev/null
}

if [ ! -s "$BASE" ]; then
	build=$CACHE/build
	umount_all "$build"
	rm -rf "$build"
	say "debootstrap $SUITE (once; kept in $BASE)"
	debootstrap --variant=minbase "$SUITE" "$build" http://deb.debian.org/debian \
		>"$CACHE/debootstrap.log" 2>&1 || { tail -20 "$CACHE/debootstrap.log"; exit 2; }
	if [ "$SUITE" = sid ] || [ "$SUITE" = unstable ]; then
		echo "deb http://deb.debian.org/debian $SUITE main" >"$build/etc/apt/sources.list"
	else
		cat >"$build/etc/apt/sources.list" <<-EOF
			deb http://deb.debian.org/debian $SUITE main
			deb http://deb.debian.org/debian $SUITE-updates main
			deb http://deb.debian.org/debian-security $SUITE-security main
		EOF
	fi
	# no services started in the root, and no default cluster: the tests make
	# their own with pg_virtualenv
	printf '#!/bin/sh\nexit 101\n' >"$build/usr/sbin/policy-rc.d"
	chmod 755 "$build/usr/sbin/policy-rc.d"
	mkdir -p "$build/etc/postgresql-common/createcluster.d"
	echo "create_main_cluster = false" >"$build/etc/postgresql-common/createcluster.d/no-main.conf"
	mount_all "$build"
	say "installing ${PKGS[*]} in the $SUITE root"
	in_root "$build" "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${PKGS[*]} >/dev/null" \
		|| { umount_all "$build"; exit 2; }
	umount_all "$build"
	tar -C "$build" -cf "$BASE.part" . && mv "$BASE.part" "$BASE" && rm -rf "$build"
fi

trap 'umount_all "$ROOT" || echo "test-pg17-trixie: mounts left under $ROOT" >&2' EXIT
umount_all "$ROOT"
rm -rf "$ROOT"
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$BASE"
mkdir -p "$ROOT/work/project"
git -C "$PROJECT" archive HEAD | tar -C "$ROOT/work/project" -x
git -C "$PROJECT" status --porcelain | grep -q . \
	&& echo "test-pg17-trixie: note: uncommitted changes are not part of this run"
mount_all "$ROOT"

say "PostgreSQL $PGV on Debian $SUITE: $(in_root "$ROOT" "/usr/lib/postgresql/$PGV/bin/pg_config --version; gcc --version | head -1" | tr '\n' ' ')"
rc=0
in_root "$ROOT" "cd /work/project && export MPC_PG_MAJOR=$PGV && source scripts/common.sh &&
	build_and_stage && log 'core unit tests' && make -s unittest &&
	log 'pg_regress against a throwaway PostgreSQL $PGV' &&
	in_virtualenv make -s installcheck ||
	{ rc=\$?; [ -f regression.diffs ] && cat regression.diffs; exit \$rc; }" || rc=$?
if [ $rc -eq 0 ]; then
	say "PostgreSQL $PGV on Debian $SUITE: build (-Werror), unit tests and pg_regress passed"
else
	say "PostgreSQL $PGV on Debian $SUITE: FAILED (exit $rc)"
fi
exit $rc
