# lines.gp - the line chart of scripts/charts: one line per series.
#
# scripts/charts.py writes, before loading this: the title, the axes
# (ranges, log scales, tics, labels) and
#   $data        one index block per series, rows "x y"
#   n            the number of series
#   lbl[i], col[i], dash[i], pt_[i]   key title, colour, dash, point type
#   every_pt     draw a point every this many rows (the lines are dense)
# This file only draws.

set key outside right top vertical Left reverse samplen 3 spacing 1.3 width 1
set grid xtics ytics mxtics mytics lc rgb '#dddddd' lw 1, lc rgb '#f0f0f0' lw 1
set border 3 lc rgb '#444444'
set tics nomirror out

plot for [i=1:n] $data index (i-1) using 1:2 with linespoints \
	lw 2.5 lc rgb col[i] dt dash[i] pt pt_[i] ps 1.3 pi every_pt title lbl[i]
