# Time per Paillier operation against key size, from bench/paillier.sh.
# Usage: gnuplot -e "datafile='...'; outfile='...'" bench/paillier.gp
set terminal pngcairo size 1000,650 font ",10" noenhanced
set output outfile
set title "mpc_eigentrust: time per Paillier operation (one core; lines: ours, dashed: raw GMP textbook baseline)"
set xlabel "key size (bits of n)"
set ylabel "time per operation (microseconds, log scale)"
set logscale y
set xrange [1900:3250]
set xtics (2048, 3072)
set key outside right top
set grid ytics
# eleven distinguishable colours (the default cycle has eight)
colors = "#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf #000000"
do for [i=1:11] { set linetype i lc rgb word(colors, i) lw 2 pt (i % 7) + 4 }
stats datafile using 1 nooutput
nblocks = STATS_blocks
plot for [i=0:nblocks-1] datafile index i using 1:2 with linespoints lt i+1 title columnheader(1), \
     for [i=0:nblocks-1] datafile index i using 1:3 with lines lt i+1 lw 1 dt 2 notitle
