# eigentrust() time against the number of edges, beside other tools measured
# in the same run; drawn by bench/plots.sh eigentrust FILE.tsv, which turns
# FILE's rows (edges, tool, seconds) into one block per tool:
#   "tool"        (the title line)
#   edges  seconds
set terminal pngcairo size 900,560 font ",10" noenhanced
set output outfile
set title "EigenTrust: CPU seconds to compute trust against edges (log-log; lower is better)"
set xlabel "edges"
set ylabel "CPU seconds (log scale)"
set logscale xy
set format x "%.0s%c"
set grid xtics ytics mxtics mytics
set key top left
colors = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b"
do for [i=1:6] { set linetype i lc rgb word(colors, i) lw 2 pt (i % 5) + 5 ps 1.2 }
stats datafile using 1 nooutput
plot for [i=0:STATS_blocks-1] datafile index i using 1:2 with linespoints lt i+1 title columnheader(1)
