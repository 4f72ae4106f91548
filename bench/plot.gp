# SPDX-License-Identifier: GPL-2.0
# bench/run.sh's plot. Inputs (-e): pps = "case med min max" x (1, 10k, 1M
# flows) in Mpps; tcp = "case conn med min max  req med min max" in
# thousands/s; out = the PNG. Bars are medians, whiskers min..max.
set terminal pngcairo size 1200,500 font ",10" noenhanced
set output out
set multiplot layout 1,2
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.7 border -1
set grid ytics
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
set key top left
set xtics rotate by -20
set title "UDP 64 B through the director, one generator thread"
set ylabel "Mpps (sunk at the real servers)"
plot pps using 2:3:4:xtic(1) title "1 flow", \
     '' using 5:6:7 title "10k flows", \
     '' using 8:9:10 title "1M flows"
set title "TCP to nginx through the director"
set ylabel "thousands per second"
plot tcp using 2:3:4:xtic(1) title "new connections/s", \
     '' using 5:6:7 title "keep-alive requests/s"
unset multiplot
