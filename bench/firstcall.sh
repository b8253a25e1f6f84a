#!/usr/bin/env bash
# The cost of the first paillier_encrypt in a fresh backend (issue 18 item 3):
# a one-row INSERT ... paillier_encrypt(...) over a NEW connection each time,
# as applications do, against the same INSERT of a plain bigint, in backend
# CPU time.  Usage: bash bench/firstcall.sh   (REPS=40 connections each)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"
ensure_packages
build_and_stage
in_virtualenv bash "$ROOT/bench/firstcall-inner.sh"
