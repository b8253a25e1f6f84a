# Plots for bench/fujita-figures.sh.
# Usage: gnuplot -e "datadir='...'; outfile='...'; fig='figure5'" bench/fujita.gp
set terminal pngcairo size 900,600 font ",10" noenhanced
set output outfile
set datafile separator "\t"
set key top right
set grid
colors = "#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd"
do for [i=1:5] { set linetype i lc rgb word(colors, i) lw 2 pt i + 4 }
Ns = "128 256 512 1024"

if (fig eq 'figure5') {
	set title "Fig 5: max circulation time, k-means / random equal partition (MST chain order, 100 instances)"
	set xlabel "k (number of groups)"
	set ylabel "ratio of maximum circulation time"
	set logscale x 2
	set yrange [0:1.1]
	set key bottom left
	f = datadir.'/figure5.tsv'
	plot for [i=1:4] f using ($1 == word(Ns, i) + 0 ? $2 : 1/0):3 skip 1 with linespoints lt i title 'N = '.word(Ns, i), \
	     for [i=1:4] f using ($1 == word(Ns, i) + 0 ? $2 : 1/0):5 skip 1 with lines lt i dt 2 title 'balanced k-means, N = '.word(Ns, i), \
	     1.0 with lines lc rgb "black" dt 3 notitle, 0.5 with lines lc rgb "gray" dt 3 notitle
}
if (fig eq 'figure6') {
	set title "Fig 6: maximum over groups of the mean distance within a group (unit cube)"
	set xlabel "k (number of groups)"
	set ylabel "max average distance"
	set logscale x 2
	f = datadir.'/figure6.tsv'
	plot for [i=1:4] f using ($1 == word(Ns, i) + 0 ? $2 : 1/0):3 skip 1 with linespoints lt i title 'k-means, N = '.word(Ns, i), \
	     for [i=1:4] f using ($1 == word(Ns, i) + 0 ? $2 : 1/0):4 skip 1 with linespoints lt i dt 2 title 'random, N = '.word(Ns, i)
}
if (fig eq 'mst') {
	set title "Cycle length through a cluster of uniform points in the unit cube"
	set xlabel "cluster size"
	set ylabel "cycle length"
	set logscale xy 2
	f = datadir.'/mst.tsv'
	plot f using 1:2 skip 1 with linespoints lt 1 title 'random order (grows x2 per doubling)', \
	     f using 1:3 skip 1 with linespoints lt 2 title 'MST order', \
	     f using 1:(column(3) * 0 + 1.0 * column(1) ** (2.0 / 3)) skip 1 with lines lt 3 dt 2 title 'size^(2/3) (x1.587 per doubling)'
}
if (fig eq 'figure7') {
	set title "Fig 7: speed-up of greedy over random partitioning (geometric response times, k = 2)"
	set xlabel "p (parameter of the geometric distribution)"
	set ylabel "gain, % (time random / time greedy - 1)"
	set xrange [0.05:0.55]
	set yrange [0:*]
	f = datadir.'/figure7.tsv'
	plot for [i=1:4] f using ($1 == word(Ns, i) + 0 ? $2 : 1/0):4 skip 1 with linespoints lt i title 'N = '.word(Ns, i), \
	     4 with lines lc rgb "gray" dt 3 title '4 %'
}
