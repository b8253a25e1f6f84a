#!/usr/bin/env bash
# Benchmark of secure_median across 3 party databases over a 32-bit range
# (precision 1: 1 + 32 comparison steps), ROWS values per party (default
# 1,000), 2048-bit run key, in one throwaway cluster.  Reports the wall time
# per step (secure_percentile_log) and the CPU time of the whole cluster
# (the postmaster's own and reaped children's utime + stime, plus live
# backends, from /proc) for the secure median and, in the same run, for
# percentile_disc over the same union in one database (the baseline).
# Usage: bash bench/secure_percentile.sh [ROWS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"
ROWS=${1:-1000}
build_and_stage
export ROWS
export ROOT
in_virtualenv bash "$ROOT/bench/secure-percentile-inner.sh"
