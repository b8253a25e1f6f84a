#!/usr/bin/env bash
# Builds the Debian package postgresql-15-mpc-eigentrust from the committed
# tree with Debian's pg_buildext (debian/), then installs it in a second, fresh
# root and checks that CREATE EXTENSION works from it and that a Paillier
# round trip decrypts right.
#
#   sudo bash scripts/build-deb.sh [OUTDIR]
#   MPC_DEB_SUITE=trixie bash scripts/build-deb.sh      postgresql-17-mpc-eigentrust
#   DEB_BUILD_OPTIONS=nocheck bash scripts/build-deb.sh  skip pg_regress in the build
#
# Both steps run in minimal Debian roots made with debootstrap (cached in
# $MPC_DEB_CACHE, default /var/tmp/mpc-deb-<suite>), so the build proves that
# debian/control's Build-Depends are complete and the install proves that the
# package's Depends are: nothing is built or installed on this machine, and
# nothing is written into the tree. The .deb is copied to OUTDIR (default: a
# new directory under /tmp, printed at the end). Needs root and the archive.
set -euo pipefail
PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$PROJECT/scripts/debroot.sh"
SUITE=${MPC_DEB_SUITE:-bookworm}
CACHE=${MPC_DEB_CACHE:-/var/tmp/mpc-deb-$SUITE}
OUT=${1:-$(mktemp -d /tmp/mpc-deb.XXXXXX)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
say() { printf '\n==> %s\n' "$*"; }

# The version lives in the Makefile (EXTVERSION); the other copies must agree.
bash "$PROJECT/test/suites/70-packaging.sh"

VERSION=$(sed -n 's/^EXTVERSION *= *//p' "$PROJECT/Makefile")
DEBVERSION=$(cd "$PROJECT" && dpkg-parsechangelog -S Version 2>/dev/null ||
	sed -n '1s/.*(\(.*\)).*/\1/p' debian/changelog)
# debian/control's Build-Depends, to be installed in the build root;
# dpkg-buildpackage checks them again (dpkg-checkbuilddeps).
BUILD_PKGS=(build-essential dpkg-dev debhelper libgmp-dev libsodium-dev postgresql-all postgresql-server-dev-all)
BROOT=$CACHE/root-build
IROOT=$CACHE/root-install
debroot_lock "$CACHE"
trap 'debroot_cleanup "$BROOT"; debroot_cleanup "$IROOT"' EXIT

# ---- build ----
debroot_make "$SUITE" "$CACHE" build "${BUILD_PKGS[@]}"
SRC=/work/mpc-eigentrust-$VERSION
mkdir -p "$BROOT$SRC"
git -C "$PROJECT" archive HEAD | tar -C "$BROOT$SRC" -x
if git -C "$PROJECT" status --porcelain | grep -q .; then
	echo "build-deb: note: uncommitted changes are not part of this build"
fi
say "dpkg-buildpackage in a $SUITE root (pg_buildext; pg_regress unless DEB_BUILD_OPTIONS=nocheck)"
# debian/control is generated for Debian 12 (PostgreSQL 15); for another
# release it is generated again from control.in first, as for backports.
update=true
[ "$SUITE" = bookworm ] || update="pg_buildext updatecontrol"
debroot_run "$BROOT" "cd $SRC && $update && export DEB_BUILD_OPTIONS='${DEB_BUILD_OPTIONS:-}' &&
	dpkg-buildpackage -b -us -uc" \
	>"$OUT/build.log" 2>&1 || { tail -60 "$OUT/build.log"; echo "build-deb: build failed; log: $OUT/build.log"; exit 1; }
grep -E "^# [0-9]+: make|installcheck|tests passed|^ok " "$OUT/build.log" | tail -30 || true
cp "$BROOT"/work/postgresql-*-mpc-eigentrust_"${DEBVERSION}"_*.deb "$OUT/"
DEB=$(cd "$OUT" && ls postgresql-*-mpc-eigentrust_"${DEBVERSION}"_*.deb | grep -v dbgsym | head -1)
PKG=${DEB%%_*}
PGV=$(echo "$PKG" | sed 's/^postgresql-\([0-9]*\)-.*/\1/')
say "built $OUT/$DEB"
dpkg-deb -c "$OUT/$DEB" | awk '{print "   " $6}' | grep -E "\.so$|\.control$|\.sql$"

# ---- install into a fresh root: only what the package's Depends pull in ----
debroot_make "$SUITE" "$CACHE" install
mkdir -p "$IROOT/work"
cp "$OUT/$DEB" "$IROOT/work/"
say "apt-get install ./$DEB in a fresh $SUITE root"
debroot_run "$IROOT" "apt-get update -qq && apt-get install -y -qq --no-install-recommends ./work/$DEB >/dev/null"

say "CREATE EXTENSION from the package and a Paillier round trip"
cat >"$IROOT/work/check.sql" <<'EOF'
\set ON_ERROR_STOP on
CREATE EXTENSION mpc_eigentrust;
SELECT extversion FROM pg_extension WHERE extname = 'mpc_eigentrust' \gset
SELECT setting AS libdir FROM pg_config WHERE name = 'PKGLIBDIR' \gset
CREATE TABLE k AS SELECT paillier_keygen(2048) AS sk;
CREATE TABLE c AS
SELECT paillier_encrypt(v, (SELECT paillier_pubkey(sk) FROM k)) AS ct
FROM (VALUES (12345), (-345), (1000)) t(v);
SELECT paillier_decrypt(sum(ct) * 2 + 1, (SELECT sk FROM k)) AS total FROM c \gset
\echo extversion=:extversion libdir=:libdir total=:total
EOF
result=$(debroot_run "$IROOT" "cd /work && pg_virtualenv -v $PGV psql -X -q -f check.sql" | grep '^extversion=')
echo "   $result"
owner=$(debroot_run "$IROOT" "dpkg -S /usr/lib/postgresql/$PGV/lib/mpc_eigentrust.so /usr/share/postgresql/$PGV/extension/mpc_eigentrust--$VERSION.sql" | cut -d: -f1 | sort -u | tr '\n' ' ')
echo "   installed files owned by: $owner"
expect="extversion=$VERSION libdir=/usr/lib/postgresql/$PGV/lib total=26001"
if [ "$result" != "$expect" ] || [ "$owner" != "$PKG " ]; then
	echo "build-deb: FAILED: expected '$expect' from package $PKG" >&2
	exit 1
fi
say "ok: $PKG $DEBVERSION installs, CREATE EXTENSION works, (12345 - 345 + 1000) * 2 + 1 = 26001 decrypts right"
echo "   $OUT/$DEB"
