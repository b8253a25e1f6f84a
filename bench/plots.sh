#!/usr/bin/env bash
# The pictures of docs/performance.md, drawn with gnuplot from measured data.
#
#   bash bench/plots.sh paillier [BITS...]   measure, then draw docs/perf-paillier.png
#   bash bench/plots.sh paillier --replot    draw it again from the last measurement
#   bash bench/plots.sh eigentrust FILE.tsv  draw docs/perf-eigentrust.png from FILE
#   bash bench/plots.sh private FILE.tsv     draw docs/perf-private.png from FILE
#
# paillier: throughput (operations per CPU second) of public-key encryption,
# decryption and sum() against key size (default 2048 3072 4096; the
# extension's keys start at 2048 bits), through SQL in a throwaway cluster
# (bench/plots-paillier-sql.sh), beside python-paillier's algorithm measured
# in the same run (bench/plots_phe.py, a stand-in: python-paillier is not in
# Debian).  The measured rows are kept in bench/build/plots-paillier.tsv (a
# "# machine" line, a header line, then rows):
#   impl  op  bits  n  cpu_seconds       (op: encrypt, decrypt, sum)
#
# eigentrust and private draw what another benchmark measured.  Their TSV
# files have one header line, '#' comment lines, and tab-separated columns:
#   eigentrust:  edges  tool  seconds   (or bench/eigentrust.sh's own table,
#                bench/build/eigentrust.tsv, which is converted)
#       edges: number of edges of the graph; tool: the label of a line, e.g.
#       "eigentrust()", "networkx", "igraph"; seconds: CPU seconds of one
#       complete computation of the trust vector from the same edges (say in
#       the benchmark what each tool's time includes).
#   private:     peers  parties  mode  seconds_per_round
#       peers: number of peers; parties: number of party databases; mode:
#       "fast" or "paper"; seconds_per_round: seconds of one protocol round
#       (mean over the run's rounds).  One line is drawn per (mode, parties).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"
what=${1:-}
shift || true

need_gnuplot() {
	command -v gnuplot >/dev/null || ensure_packages gnuplot-nox
}

case $what in
	paillier)
		OUT="$ROOT/bench/build"
		tsv="$OUT/plots-paillier.tsv"
		if [ "${1:-}" != --replot ]; then
			BITS=${*:-2048 3072 4096}
			ensure_packages gnuplot-nox python3-gmpy2
			build_and_stage
			mkdir -p "$OUT"
			machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), AVX-512 IFMA: $(grep -qw avx512ifma /proc/cpuinfo && echo yes || echo no); $(date -u '+%Y-%m-%d')"
			printf '# %s\nimpl\top\tbits\tn\tcpu_seconds\n' "$machine" >"$tsv"
			log "mpc_eigentrust through SQL, bits: $BITS"
			BITS="$BITS" SUM_ROWS=${SUM_ROWS:-50000} in_virtualenv bash "$ROOT/bench/plots-paillier-sql.sh" |
				grep --line-buffered '^mpc_eigentrust (SQL)' | tee -a "$tsv"
			log "python-paillier's algorithm (stand-in, gmpy2), bits: $BITS"
			"$MPC_PYTHON" "$ROOT/bench/plots_phe.py" $BITS | tee -a "$tsv"
		fi
		need_gnuplot
		# one block per operation: bits, ours and python-paillier's operations per CPU second
		for op in encrypt decrypt sum; do
			awk -F'\t' -v op="$op" '$2 == op { r[$3, ($1 ~ /^mpc/)] = $4 / $5; b[$3] = 1 }
				END { for (k in b) printf "%d\t%.3f\t%.3f\n", k, r[k, 1], r[k, 0] }' "$tsv" | sort -n
			printf '\n\n'
		done >"$OUT/plots-paillier.dat"
		machine=$(sed -n '1s/^# //p' "$tsv")
		gnuplot -e "datafile='$OUT/plots-paillier.dat'; outfile='$ROOT/docs/perf-paillier.png'; machine='$machine'" \
			"$ROOT/bench/plots-paillier.gp"
		log "throughput (operations per CPU second), from $tsv"
		awk -F'\t' 'NF == 5 && $3 ~ /^[0-9]+$/ { printf "%-28s %-8s %5d  %10.1f /s\n", $1, $2, $3, $4 / $5 }' "$tsv"
		echo "wrote docs/perf-paillier.png"
		;;
	eigentrust | private)
		[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: bash bench/plots.sh $what FILE.tsv" >&2; exit 2; }
		need_gnuplot
		png="$ROOT/docs/perf-$what.png"
		[ -z "${MPC_PLOT_OUT:-}" ] || png=$MPC_PLOT_OUT
		dat=$(mktemp /tmp/mpc-plot.XXXXXX)
		src=$1
		if [ "$what" = eigentrust ] && head -1 "$1" | grep -q '^graph	edges'; then
			# bench/eigentrust.sh's own table (bench/build/eigentrust.tsv): one
			# complete computation per tool, loading included (eigentrust():
			# the SQL call; igraph and networkx: reading the edges, then solving)
			src=$(mktemp /tmp/mpc-plot-in.XXXXXX)
			awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "edges\ttool\tseconds"; next }
				{ print $c["edges"] "\teigentrust()\t" $c["et_total_s"]
				  if ($c["igraph_s"] != "NA") print $c["edges"] "\tigraph (PRPACK)\t" $c["igraph_s"] + $c["igraph_load_s"]
				  if ($c["networkx_s"] != "NA") print $c["edges"] "\tnetworkx\t" $c["networkx_s"] + $c["nx_load_s"] }' "$1" |
				{ IFS= read -r h; echo "$h"; sort -n; } >"$src"
		fi
		# one block per line of the plot, in order of first appearance, each
		# headed by its title: the tool, or "mode, P parties"
		awk -F'\t' -v what="$what" '
			/^#/ || !header++ { next }
			{ key = what == "eigentrust" ? $2 : sprintf("%s, %d parties", $3, $2)
			  if (!(key in seen)) { seen[key] = ++n; name[n] = key }
			  row[key] = row[key] sprintf("%s\t%s\n", $1, what == "eigentrust" ? $3 : $4) }
			END { for (i = 1; i <= n; i++) printf "%s\"%s\"\n%s", (i > 1 ? "\n\n" : ""), name[i], row[name[i]] }' "$src" >"$dat"
		gnuplot -e "datafile='$dat'; outfile='$png'" "$ROOT/bench/plots-$what.gp"
		rm -f "$dat"
		[ "$src" = "$1" ] || rm -f "$src"
		echo "wrote $png from $1"
		;;
	*)
		sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 2
		;;
esac
