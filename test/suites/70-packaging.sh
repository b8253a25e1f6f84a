#!/usr/bin/env bash
# Packaging metadata agrees with the build: the version is the control file's
# default_version (the one place it is set; the Makefile reads it from there)
# everywhere else it appears (META.json, debian/changelog), META.json is a valid PGXN spec 1.0.0 document, LICENSE is
# the PostgreSQL licence, and debian/control is what pg_buildext generates from
# debian/control.in. No server needed. scripts/build-deb.sh runs it first.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" mpc_eigentrust.control)
[ -n "$version" ] || bad "no default_version in mpc_eigentrust.control"
grep -q '^EXTVERSION *= *$(shell .*$(EXTENSION).control)' Makefile || bad "the Makefile does not read EXTVERSION from the control file"
deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)
[ "${deb%-*}" = "$version" ] || bad "debian/changelog version '$deb' is not the version '$version'-N"

/usr/bin/python3 - "$version" <<'PY' || fail=1
import json, sys
version = sys.argv[1]
m = json.load(open("META.json"))
errors = []
for key in ("name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"):
    if key not in m:
        errors.append("META.json lacks the mandatory field %r" % key)
if m.get("meta-spec", {}).get("version") != "1.0.0":
    errors.append("META.json meta-spec version is not 1.0.0")
if m.get("version") != version:
    errors.append("META.json version %r is not the version %r" % (m.get("version"), version))
p = m.get("provides", {}).get("mpc_eigentrust", {})
if p.get("version") != version:
    errors.append("META.json provides.mpc_eigentrust.version %r is not %r" % (p.get("version"), version))
import os
for f in (p.get("file"), p.get("docfile")):
    if f and not os.path.exists(f):
        errors.append("META.json names %s, which does not exist" % f)
if m.get("license") != "postgresql":
    errors.append("META.json license is not postgresql")
for e in errors:
    print("FAIL: " + e)
sys.exit(1 if errors else 0)
PY

grep -q "^PostgreSQL License" LICENSE && grep -q "Permission to use, copy, modify, and distribute" LICENSE \
	|| bad "LICENSE is not the PostgreSQL licence"

if command -v pg_buildext >/dev/null; then
	# checkcontrol exits non-zero, and changes nothing, when debian/control is
	# not what debian/control.in gives for this machine's PostgreSQL versions
	# (compared by checksum: a tarball or a CI root may have no git)
	before=$(sha256sum debian/control)
	out=$(PG_UPDATECONTROL=no pg_buildext checkcontrol 2>&1) || bad "debian/control is out of date: $out"
	[ "$(sha256sum debian/control)" = "$before" ] || bad "pg_buildext checkcontrol changed debian/control"
elif [ "${CI:-}" = true ]; then
	bad "pg_buildext is missing (postgresql-server-dev-all, scripts/packages.d/packaging.txt)"
else
	echo "note: pg_buildext missing, debian/control not checked against debian/control.in"
fi

[ $fail -eq 0 ] && echo "packaging metadata: version $version everywhere, META.json, LICENSE, debian/control ok"
exit $fail
