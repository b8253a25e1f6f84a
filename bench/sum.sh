#!/usr/bin/env bash
# Benchmark of sum(paillier_ciphertext) and ct + ct over ROWS ciphertexts (default
# 200,000) at 2048 bits, in CPU time, beside the IFMA product chain, a raw GMP
# mulmod loop, a gmpy2 loop (python-paillier stand-in) and sum(numeric), all
# in one run.  Usage: bash bench/sum.sh [ROWS]
#
# Input shortcut (documented): 1,000 values are encrypted, and the table's
# rows are c_i + j computed homomorphically (one multiplication by 1 + j n
# each), so every row is a distinct valid ciphertext of a known value.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"
ROWS=${1:-200000}
ensure_packages python3-gmpy2
build_and_stage
make -s bench/build/bench_mulmod
export ROWS
in_virtualenv -o shared_buffers=1GB bash "$ROOT/bench/sum-inner.sh"
