#!/usr/bin/env bash
# On a CPU with AVX-512 IFMA the main pg_regress pass runs the IFMA products.
# This suite runs the Paillier regression tests again with
# mpc_eigentrust.use_avx512 = off, so GMP's portable constant-time code (what
# every other CPU runs) is checked against the same expected output.
# Skipped, saying so, on a CPU without IFMA: there the main pass already ran
# the portable code.  Runs inside the throwaway cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! grep -qw avx512ifma /proc/cpuinfo 2>/dev/null; then
	echo "SKIP: this CPU has no AVX-512 IFMA; the main pg_regress pass ran the portable path"
	exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$root"
tests="00_setup 10_paillier_types 11_paillier_encrypt 13_paillier_errors 30_paillier_arith 31_paillier_sum 35_paillier_fast"
echo "pg_regress with mpc_eigentrust.use_avx512 = off: $tests"
if PGOPTIONS="-c mpc_eigentrust.use_avx512=off" make -s installcheck REGRESS="$tests" \
	REGRESS_OPTS="--inputdir=. --outputdir=$out --load-extension=mpc_eigentrust --dbname=mpc_portable_regress"; then
	echo "portable path: all $tests passed"
else
	[ -f "$out/regression.diffs" ] && cat "$out/regression.diffs"
	exit 1
fi
