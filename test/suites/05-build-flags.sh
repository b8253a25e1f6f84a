#!/usr/bin/env bash
# A user's plain `make` must not turn warnings into errors (another compiler
# or PostgreSQL version may warn where ours does not); the test command and
# CI build with WERROR=1, which must.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
flags() { env -u WERROR make -C "$root" -n -B "$@" src/pg/module.o 2>/dev/null | grep -o -- ' -Werror\( \|$\)' | head -1 || true; }
plain=$(flags)
strict=$(flags WERROR=1)
if [ -n "$plain" ]; then echo "FAIL: plain make builds with -Werror" >&2; exit 1; fi
if [ -z "$strict" ]; then echo "FAIL: make WERROR=1 does not build with -Werror" >&2; exit 1; fi
echo "build flags: ok (-Werror only with WERROR=1)"
