#!/usr/bin/env bash
# Paillier benchmark: every operation at 2048 and 3072 bits beside raw GMP in
# the same run (bench/bench_paillier.c), sum() through SQL beside a raw GMP
# mulmod loop, then the tables go into docs/performance.md (between the
# bench_paillier markers); the picture is bench/plots.sh's.
# The C figures are thread CPU time (CLOCK_THREAD_CPUTIME_ID), the median of
# many short batches alternating with the baseline; the SQL figures are
# psql's \timing, best of 3.
#
#   bash bench/paillier.sh [ROWS]     ROWS for the sum() timing, default 100000
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"
ROWS=${1:-100000}
ensure_packages
build_and_stage
make -s bench/build/bench_paillier bench/build/bench_mulmod
OUT="$ROOT/bench/build"
mkdir -p "$OUT"

log "machine"
{ echo "$(uptime | sed 's/^ *//'); AVX-512 IFMA: $(grep -qw avx512ifma /proc/cpuinfo && echo yes || echo no)"; nproc; grep -m1 'model name' /proc/cpuinfo || true; } | tee "$OUT/paillier-machine.txt"

log "core operations (bench_paillier 2048 3072)"
bench/build/bench_paillier 2048 3072 | tee "$OUT/paillier.tsv"

log "sum() through SQL, $ROWS rows per key size"
export ROWS OUT
in_virtualenv bash "$ROOT/bench/paillier-sql.sh" | tee -a "$OUT/paillier.tsv"

log "tables"
"$MPC_PYTHON" "$ROOT/bench/paillier-report.py" "$OUT/paillier.tsv" "$ROOT/docs/performance.md" \
	"$(cat "$OUT/paillier-machine.txt" | head -1)"
echo "wrote docs/performance.md"
