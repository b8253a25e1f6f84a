# The part of bench/secure_percentile.sh that runs inside the throwaway cluster.
set -euo pipefail
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/secure-percentile-lib.sh"
P=spc_bench
trap "spc_drop $P 3" EXIT
spc_create $P 3
spc_fill $P 3 "SELECT 1 + (g % 3), floor(random() * 4294967296)::bigint - 2147483648 FROM generate_series(1, 3 * $ROWS) g"
C=${P}_coord
# CPU seconds of every process of the cluster so far (clock ticks / HZ)
cluster_cpu() {
	local pm hz
	hz=$(getconf CLK_TCK)
	pm=$(spc_val postgres "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
	pm=$(awk "{ print \$4 }" /proc/$pm/stat)
	{ awk "{ print \$14 + \$15 + \$16 + \$17 }" /proc/$pm/stat
	  for c in $(pgrep -P $pm); do awk "{ print \$14 + \$15 }" /proc/$c/stat 2>/dev/null || true; done; } |
		awk -v hz=$hz "{ s += \$1 } END { printf \"%.2f\", s / hz }"
}
P3=$(spc_parties $P 1 2 3)
c0=$(cluster_cpu); t0=$(date +%s.%N)
plain=$(spc_val $C "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM all_vals")
c1=$(cluster_cpu); t1=$(date +%s.%N)
secure=$(spc_val $C "SET client_min_messages = warning;
                     SELECT secure_median($P3, 'SELECT v FROM public.vals', -2147483648, 2147483647, 1)")
c2=$(cluster_cpu); t2=$(date +%s.%N)
echo "secure_median over 3 parties x $ROWS values, range [-2^31, 2^31 - 1], precision 1, 2048-bit key"
echo "  result $secure, percentile_disc $plain: $( [ "$secure" = "$plain" ] && echo equal || echo DIFFERENT)"
spc_val $C "SELECT format('  %s steps; wall seconds per step: mean %s, min %s, max %s; bytes relayed per step %s',
                   count(*), round(avg(seconds)::numeric, 3), round(min(seconds)::numeric, 3),
                   round(max(seconds)::numeric, 3), round(avg(bytes_moved)))
            FROM secure_percentile_log"
awk -v a=$t0 -v b=$t1 -v c=$t2 -v ca=$c0 -v cb=$c1 -v cc=$c2 "BEGIN {
  printf \"  secure median: %.1f s wall, %.2f s CPU (all processes of the cluster)\n\", c - b, cc - cb;
  printf \"  baseline percentile_disc over the union in one database: %.3f s wall, %.2f s CPU\n\", b - a, cb - ca }"

