# Private EigenTrust: seconds per round against peers, one line per mode and
# number of parties; drawn by bench/plots.sh private FILE.tsv, which turns
# FILE's rows (peers, parties, mode, seconds_per_round) into one block per
# (mode, parties):
#   "mode, P parties"   (the title line)
#   peers  seconds_per_round
set terminal pngcairo size 900,560 font ",10" noenhanced
set output outfile
set title "Private EigenTrust: seconds per round against peers (log-log; lower is better)"
set xlabel "peers"
set ylabel "seconds per round (log scale)"
set logscale xy
set format x "%.0s%c"
set grid xtics ytics mxtics mytics
set key top left
colors = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 #7f7f7f"
do for [i=1:8] { set linetype i lc rgb word(colors, i) lw 2 pt (i % 5) + 5 ps 1.2 dt 1 + (i > 4) }
stats datafile using 1 nooutput
plot for [i=0:STATS_blocks-1] datafile index i using 1:2 with linespoints lt i+1 title columnheader(1)
