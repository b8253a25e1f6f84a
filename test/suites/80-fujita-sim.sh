#!/usr/bin/env bash
# The seed paper's placement simulation (bench/fujita-figures.sh) at a tiny
# size: the four TSV files have the documented columns and rows, the
# numbers are finite, the paper's qualitative results hold (k-means beats
# random partitions, MST order beats random order and grows sub-linearly,
# greedy beats random partitioning), and the run is reproducible from its
# seed.  No server and no gnuplot needed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

bash "$ROOT/bench/fujita-figures.sh" --quick "$TMP/a" || fail "the quick simulation did not run"
bash "$ROOT/bench/fujita-figures.sh" --quick "$TMP/b" || fail "the second quick run did not run"
bash "$ROOT/bench/fujita-figures.sh" --quick "$TMP/c" -S 7 || fail "the run with another seed did not run"

# shape: header, then rows with the right count and all-numeric fields
check_shape() {  # file header rows
	local f=$TMP/a/$1
	[ -f "$f" ] || fail "$1 was not written"
	[ "$(head -1 "$f")" = "$2" ] || fail "$1 header is '$(head -1 "$f")', want '$2'"
	[ "$(($(wc -l < "$f") - 1))" -eq "$3" ] || fail "$1 has $(($(wc -l < "$f") - 1)) rows, want $3"
	awk -F'\t' -v f="$1" 'NR > 1 { for (i = 1; i <= NF; i++)
		if ($i !~ /^-?[0-9]+(\.[0-9]+)?$/ && !(f == "mst.tsv" && NR == 2 && $i == "NaN")) {
			print "FAIL: " f " line " NR " field " i " is not a finite number: " $i; exit 1 } }' "$f" || exit 1
}
# N = 32: k = 2..16 (4 rows); N = 64: k = 2..32 (5 rows)
check_shape figure5.tsv "$(printf 'N\tk\tratio\tratio_random_order\tratio_balanced\tkmeans_max\trandom_max\tbalanced_max\tkmeans_largest_group')" 9
check_shape figure6.tsv "$(printf 'N\tk\tkmeans\trandom\tbalanced\tratio')" 9
check_shape mst.tsv "$(printf 'size\trandom_order\tmst_order\trandom_growth\tmst_growth')" 5
check_shape figure7.tsv "$(printf 'N\tp\tspeedup\tgain_pct\tk\trandom_max\tgreedy_max\tspeedup_balanced')" 10

# k < N on every row, and the k values are the powers of two
awk -F'\t' 'function pow2(x) { while (x > 1 && x % 2 == 0) x /= 2; return x == 1 }
	NR > 1 && ($2 >= $1 || !pow2($2) || $2 < 2) { print "FAIL: figure5 row " NR ": k = " $2 ", N = " $1; exit 1 }' "$TMP/a/figure5.tsv" || exit 1

# sanity: k-means beats random equal partitions on every row and clearly on
# average; its groups are closer together too
awk -F'\t' 'NR > 1 { if ($3 >= 1.0) { print "FAIL: figure5 ratio " $3 " >= 1 at N=" $1 " k=" $2; exit 1 } s += $3; n++ }
	END { if (s / n > 0.8) { print "FAIL: figure5 mean ratio " s / n " > 0.8"; exit 1 } }' "$TMP/a/figure5.tsv" || exit 1
awk -F'\t' 'NR > 1 && $3 >= $4 { print "FAIL: figure6 k-means distance " $3 " >= random " $4 " at N=" $1 " k=" $2; exit 1 }' "$TMP/a/figure6.tsv" || exit 1
# MST order is shorter than random order and grows by less than x2 per doubling
awk -F'\t' 'NR > 1 && $3 >= $2 { print "FAIL: mst order " $3 " >= random order " $2 " at size " $1; exit 1 }
	NR > 2 && ($5 < 1.2 || $5 > 1.9 || $4 < 1.6 || $4 > 2.4) { print "FAIL: growth random " $4 " mst " $5 " at size " $1; exit 1 }' "$TMP/a/mst.tsv" || exit 1
# greedy is never slower than random partitioning on average
awk -F'\t' 'NR > 1 && ($3 < 1.0 || $7 > $6) { print "FAIL: figure7 speedup " $3 " at N=" $1 " p=" $2; exit 1 }' "$TMP/a/figure7.tsv" || exit 1

# reproducible from the seed; another seed gives other numbers
for f in figure5.tsv figure6.tsv mst.tsv figure7.tsv; do
	cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "$f differs between two runs with the same seed"
done
cmp -s "$TMP/a/figure5.tsv" "$TMP/c/figure5.tsv" && fail "figure5.tsv is the same under another seed"
echo "fujita simulation: shapes, sanity properties and reproducibility ok"
exit 0
