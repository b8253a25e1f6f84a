# Throughput of Paillier operations against key size, ours beside
# python-paillier's algorithm; drawn by bench/plots.sh paillier.
# datafile: blocks 0, 1, 2 (encrypt, decrypt, sum), columns
#   bits  ours_ops_per_cpu_s  phe_ops_per_cpu_s
set terminal pngcairo size 1200,470 font ",10" noenhanced
set output outfile
set multiplot layout 1,3 title "Paillier throughput against key size (higher is better): mpc_eigentrust through SQL beside python-paillier's algorithm (gmpy2),\nmeasured in the same run; labels: ours / python-paillier.  ".machine
set logscale y
set format y "%.0s%c"
set xrange [1800:4350]
set xtics (2048, 3072, 4096)
set xlabel "key size (bits of n)"
set grid ytics mytics
set key bottom left Left reverse
set linetype 1 lc rgb "#1f77b4" lw 2 pt 7 ps 1.2
set linetype 2 lc rgb "#d62728" lw 2 pt 5 ps 1.2 dt 2
ratio(x) = x >= 9.95 ? sprintf("%.0f×", x) : x >= 1 ? sprintf("%.1f×", x) : sprintf("%.2f×", x)
names = "encrypt decrypt sum()"
ylabels = "encryptions decryptions ciphertexts"
do for [i=0:2] {
	set title word(names, i + 1) eq "sum()" ? "sum() per row (serial plan)" : word(names, i + 1)." (".(i == 0 ? "public key" : "private key, CRT").")"
	set ylabel word(ylabels, i + 1)." per CPU second (log scale)"
	plot datafile index i using 1:2 with linespoints lt 1 title "mpc_eigentrust (SQL)", \
	     ''       index i using 1:3 with linespoints lt 2 title "python-paillier (stand-in)", \
	     ''       index i using 1:2:(ratio($2 / $3)) with labels offset 0,-1.3 tc rgb "#1f77b4" notitle
}
unset multiplot
