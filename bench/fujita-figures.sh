#!/usr/bin/env bash
# The seed paper's evaluation (Fujita, section 5.1: Figs 5, 6, 7 and the MST
# cycle growth) by simulation on the core placement library; see
# docs/fujita.md for the model and the results beside the paper's.
#
#   bash bench/fujita-figures.sh            full run: docs/fujita/*.tsv and *.png
#   bash bench/fujita-figures.sh --quick DIR   tiny run into DIR, no plots
#                                              (seconds; used by the tests)
# Extra arguments after the mode go to bench/fujita_sim.c (e.g. -S SEED).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

mode=full
OUT="$ROOT/docs/fujita"
if [ "${1:-}" = "--quick" ]; then
	mode=quick
	OUT=${2:?usage: fujita-figures.sh --quick DIR}
	shift 2
fi
mkdir -p "$OUT" bench/build

# The simulation needs only the placement core and libm.
BIN=bench/build/fujita_sim
if [ ! -x "$BIN" ] || [ -n "$(find bench/fujita_sim.c src/core/placement*.c src/core/placement*.h src/core/mpc_common.c src/core/mpc_common.h -newer "$BIN" 2>/dev/null)" ]; then
	${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
		-Isrc/core -o "$BIN" bench/fujita_sim.c src/core/placement*.c src/core/mpc_common.c -lm
fi

if [ "$mode" = quick ]; then
	"$BIN" "$OUT" -i 3 -j 50 -n 32,64 -s 64 "$@"
	exit 0
fi

source "$ROOT/scripts/common.sh"
ensure_packages gnuplot-nox
"$BIN" "$OUT" "$@"
for fig in figure5 figure6 mst figure7; do
	gnuplot -e "datadir='$OUT'; outfile='$OUT/$fig.png'; fig='$fig'" bench/fujita.gp
done
echo "wrote $OUT/{figure5,figure6,mst,figure7}.{tsv,png}"
