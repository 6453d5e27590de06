# bars.gp - the bar chart of scripts/charts: bars by transport in
# panels (one a placement), each bar in its transport's colour.
#
# scripts/charts.py writes, before loading this: the title, the axes,
# the x tics (transport labels), panel captions and separators, the
# "skipped" marks, and
#   $data        one index block per fill style, drawn in order,
#                rows "x y xlow xhigh ylow yhigh colour"
#   ns           the number of fill styles
#   dens[i]      fill density of style i (1 solid, less is paler)
#   skey[i]      what style i means, for the key (drawn in grey)
# This file only draws.

set key below horizontal samplen 2 spacing 1.3 width 2
set grid ytics mytics lc rgb '#dddddd' lw 1, lc rgb '#f0f0f0' lw 1
set border 3 lc rgb '#444444'
set tics nomirror out
set xtics scale 0

# (A colour after "border" would colour the border only: it comes first.)
plot for [i=1:ns] $data index (i-1) using 1:2:3:4:5:6:7 with boxxyerror \
	lc rgb variable lw 1.5 fs transparent solid dens[i] border notitle, \
	for [i=1:ns] NaN with boxes lc rgb '#555555' lw 1.5 \
	fs transparent solid dens[i] border title skey[i]
