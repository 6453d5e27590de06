"""charts.py - the charts and report.html of one ipcbench results directory.

Usage: charts.py [DIR]   (default: $IPCBENCH_RESULTS/latest, else results/latest)

Reads DIR through `ipcbench show DIR` (results.py; $IPCBENCH, else
build/ipcbench beside scripts/), writes DIR/charts/*.svg and *.png with
gnuplot, then DIR/report.html.  It runs no benchmark and draws no chart
without data.  For the report's claims it asks `ipcbench claims DIR -f
json`.  The same files and binary give byte-identical output.  Exit 0
done, 1 no ipcbench binary or gnuplot failed, 2 DIR is not a results
directory (one line on stderr naming the path).

A chart kind is one function below that yields Chart objects, drawn by
one of the templates in scripts/gnuplot/; KINDS lists them in report
order.  Stdlib only, run by Debian's /usr/bin/python3 (scripts/charts).
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import report
import results
from results import size_tag, size_text

HERE = os.path.dirname(os.path.abspath(__file__))
TERMINALS = (
    ("svg", "set terminal svg size 1200,675 font 'sans-serif,17' "
            "noenhanced background '#ffffff'"),
    ("png", "set terminal pngcairo size 1200,675 font 'Sans,15' "
            "noenhanced background '#ffffff'"),
)
SPIN_NOTE = ("A transport marked (spin) busy-polls instead of sleeping: it "
             "keeps a whole CPU 100% busy while it waits, which is why it is "
             "fast and why it is run only across CPUs.")
PLACEMENT_NOTE = ("Placement matters: on one CPU every message is a context "
                  "switch; across two CPUs it is a wake-up of the other CPU, "
                  "which costs far more on a virtual machine.")


class Chart:
    """One chart: what it shows (for the report) and how to draw it."""

    def __init__(self, name, section, title, subtitle, note, template):
        self.name = name
        self.section = section
        self.title = title
        self.subtitle = subtitle  # lines under the title
        self.note = note          # how to read it, for the report
        self.template = template  # scripts/gnuplot/<template>.gp
        self.ylabel = ""          # value axis of a bar chart,
        self.ylog = None          # log scale: True, False, None = if wide
        self.setup = []           # gnuplot commands: axes, tics, labels
        self.arrays = []          # (name, [values]) for the template
        self.blocks = []          # the datablock, one list of rows a block


def gq(s):
    """A gnuplot string literal: single quotes take nothing but ''."""
    return "'" + str(s).replace("'", "''").replace("\n", " ") + "'"


def ordered(values):
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def file_tag(s):
    return re.sub(r"[^A-Za-z0-9_.=-]", "_", s)


def decades(lo, hi):
    """A log axis range: whole decades around [lo, hi], at least one."""
    a = 10.0 ** math.floor(math.log10(lo))
    b = 10.0 ** math.ceil(math.log10(hi))
    return (a, b * 10) if b <= a else (a, b)


def value_axis(ch, values, label, log=None):
    """Set the y axis: log in decades when asked or when the values span
    more than 20x, else linear from 0.  Returns the base bars start from."""
    lo, hi = min(values), max(values)
    if lo > 0 and (log or (log is None and hi / lo > 20)):
        a, b = decades(lo, hi)
        # 100k, 1M, 10M for rates; 0.1, 1, 10 for microseconds.
        fmt = "%.0s%c" if lo >= 1 and hi >= 1e5 else "%g"
        ch.setup += ["set logscale y 10", "set yrange [%g:%g]" % (a, b),
                     "set format y %s" % gq(fmt),
                     "set ylabel %s" % gq(label + ", log scale")]
        return a
    ch.setup += ["set yrange [0:%g]" % (hi * 1.15 if hi > 0 else 1),
                 "set ylabel %s" % gq(label)]
    return 0.0


def line_chart(ch, series, every_pt):
    """Fill a 'lines' chart from [(case, [(x, y), ...]), ...]."""
    ch.blocks = [["%.6g %.6g" % p for p in pts] for _, pts in series]
    cases = [c for c, _ in series]
    ch.arrays = [("lbl", [gq(c.label) for c in cases]),
                 ("col", [gq(c.colour) for c in cases]),
                 ("dash", [str(c.dash) for c in cases]),
                 ("pt_", [str(c.point) for c in cases])]
    ch.setup += ["n = %d" % len(series), "every_pt = %d" % every_pt]
    return ch


# Texts of the latency charts, by workload: what is timed, and how to read it.
LATENCY = {
    "pingpong": dict(
        tag="rtt", kind="Round-trip latency", axis="round trip (µs)",
        timed="Timed: send until the echo is back (pingpong, one message "
              "in flight). A round trip, not one-way latency.",
        note="Each line is one transport's round-trip distribution: how "
             "long the fastest messages took (left) and how much slower the "
             "slow ones were (right: at 99% one round trip in a hundred was "
             "slower). A round trip is two one-way trips and two wake-ups; "
             "halving it does not give one-way latency. A line that climbs "
             "steeply at the right has a tail: preemption, an idle CPU "
             "waking up, the hypervisor. "),
    "throughput": dict(
        tag="oneway", kind="One-way latency under streaming",
        axis="one-way latency (µs)",
        timed="Timed: from the send time carried in each message to its "
              "arrival, while the sender streams as fast as it can.",
        note="Each line is one transport's one-way latency while the sender "
             "streams without pause. It is mostly queueing: a message waits "
             "behind those already in the buffer, so a bigger buffer shows "
             "here as higher latency (and usually as higher throughput). It "
             "is not the cost of one message sent alone: for that, see the "
             "round trips. A transport that loses messages (udp) shows only "
             "those that arrived: see the lost column of the table. "),
}


def percentile_tics(max_inv):
    """The x range end and tics of a percentile spectrum: 50%, 90%,
    99%, 99.9%, ... as far as the data goes."""
    top = max(max_inv * 1.5, 100)
    tics = [("50%", 2)] + [("%g%%" % (100 - 100 / 10 ** k), 10 ** k)
                           for k in range(1, 1 + int(math.log10(top)))]
    return top, tic_list(tics)


def tic_list(tics):
    """set xtics (...) from [(text, x)]; gnuplot reads a tic text as a format."""
    return ", ".join("%s %g" % (gq(t.replace("%", "%%")), x) for t, x in tics)


def spectrum_charts(res, workload):
    text = LATENCY[workload]
    cases = [c for c in charted(res) if c.ok and c.workload == workload]
    for placement in ordered(c.placement for c in cases):
        for size in sorted({c.size for c in cases if c.placement == placement}):
            series = [(c, [(inv, v) for v, inv in res.hgrm(c) if v > 0])
                      for c in cases
                      if c.placement == placement and c.size == size]
            series = [s for s in series if s[1]]
            if not series:
                continue
            ch = Chart("%s-spectrum-%s-%s" % (text["tag"], size_tag(size),
                                              file_tag(placement)),
                       text["kind"], "%s by percentile: %s messages, %s"
                       % (text["kind"], size_text(size), placement),
                       [text["timed"], "Placement: " +
                        res.placement_text(placement)],
                       text["note"] + SPIN_NOTE, "lines")
            xs = [x for _, pts in series for x, _ in pts]
            ys = [y for _, pts in series for _, y in pts]
            top, tics = percentile_tics(max(xs))
            value_axis(ch, ys, text["axis"])
            ch.setup += ["set logscale x 10", "set xrange [1:%g]" % top,
                         "set xtics (%s)" % tics,
                         "set xlabel %s" % gq("percentile: share of messages "
                                              "faster than this (log scale "
                                              "of 1/(1-p))")]
            yield line_chart(ch, series, 6)


def rtt_spectra(res):
    return spectrum_charts(res, "pingpong")


def oneway_spectra(res):
    return spectrum_charts(res, "throughput")


RATES = (("mbps", "bytes_per_sec", 1e6, "MB/s", "throughput (MB/s = 10^6 bytes/s)"),
         ("msgs", "msgs_per_sec", 1.0, "messages/s", "messages per second"))


def rate_charts(res):
    cases = [c for c in charted(res) if c.ok and c.workload == "throughput"]
    for tag, column, scale, unit, ylabel in RATES:
        for placement in ordered(c.placement for c in cases):
            series = {}
            for c in cases:
                v = c.num(column)
                if c.placement == placement and v:
                    pts = series.setdefault(c.label, (c, {}))[1]
                    pts.setdefault(c.size, v / scale)
            if not series:
                continue
            ch = Chart("throughput-%s-%s" % (tag, file_tag(placement)),
                       "Throughput", "One-way stream throughput in %s by "
                       "message size, %s" % (unit, placement),
                       ["Counted where messages arrive while the sender "
                        "streams as fast as it can (throughput workload).",
                        "Placement: " + res.placement_text(placement)],
                       "Higher is better. Each line is one transport across "
                       "message sizes, both axes logarithmic. Small messages "
                       "measure the fixed cost of each message (system calls, "
                       "wake-ups): messages/s is the number to read. Large "
                       "messages measure copying: MB/s is the number to read, "
                       "and it flattens where the memory copies dominate. "
                       + PLACEMENT_NOTE + " " + SPIN_NOTE, "lines")
            sizes = sorted({s for _, pts in series.values() for s in pts})
            ch.setup += ["set logscale x 2",
                         "set xrange [%g:%g]" % (sizes[0] / 2, sizes[-1] * 2),
                         "set xtics (%s)" % tic_list([(size_text(s), s)
                                                      for s in sizes]),
                         "set xlabel 'message size (bytes, log scale)'"]
            value_axis(ch, [v for _, pts in series.values()
                            for v in pts.values()], ylabel, log=True)
            yield line_chart(ch, [(c, sorted(pts.items()))
                                  for c, pts in series.values()], 1)


def charted(res):
    """The cases the charts draw: every one but paced or stalled streams,
    whose figures answer another question (see Case.paced)."""
    return [c for c in res.cases if not c.paced]


def bar_chart(ch, res, cases, styles, value, overlay):
    """Fill a 'bars' chart: panels by placement, a slot per label in each,
    and in a slot one bar per style (side by side, or overlaid from wide
    to narrow).  value(case) -> number or None; styles: [(workload or
    None, density, key title)]."""
    panels = ordered(c.placement for c in cases)
    labels = ordered(c.label for c in cases)
    found = {}
    for c in cases:
        for si, (workload, _, _) in enumerate(styles):
            v = value(c, si) if c.ok and workload in (None, c.workload) else None
            if v is not None:
                found.setdefault((c.label, c.placement, si), (c, v))
    if not found:
        return None
    base = value_axis(ch, [v for _, v in found.values() if v > 0] or [1],
                      ch.ylabel, log=ch.ylog)
    blocks = [[] for _ in styles]
    marks, tics = [], []
    k = len(styles)
    for pi, placement in enumerate(panels):
        for li, label in enumerate(labels):
            x = pi * (len(labels) + 1) + li
            tics.append((label, x))
            slot = [(si, found[(label, placement, si)]) for si in range(k)
                    if (label, placement, si) in found]
            for si, (c, v) in slot:
                w = 0.7 - 0.3 * si if overlay else 0.8 / k
                mid = x if overlay else x - 0.4 + w * (si + 0.5)
                blocks[si].append("%g %g %g %g %g %g %d" % (
                    mid, v, mid - w / 2, mid + w / 2, base, max(v, base),
                    int(c.colour[1:], 16)))
            if not slot:
                here = [c.status for c in cases
                        if (c.label, c.placement) == (label, placement)]
                why = ordered(s for s in here if s != "ok")
                marks.append((x, "/".join(why) or ("0" if here else "not run")))
        if pi:
            sep = pi * (len(labels) + 1) - 1
            ch.setup.append("set arrow from %g, graph 0 to %g, graph 1 nohead "
                            "dt 2 lc rgb '#888888'" % (sep, sep))
        mid = pi * (len(labels) + 1) + (len(labels) - 1) / 2
        ch.setup.append("set label %s at %g, graph 1.04 center font ',14'"
                        % (gq(res.placement_text(placement)), mid))
    for x, why in marks:
        ch.setup.append("set label %s at %g, graph 0.02 left rotate by 90 "
                        "font ',12' tc rgb '#555555'" % (gq(why), x))
    used = [si for si in range(k) if blocks[si]]
    ch.blocks = [blocks[si] for si in used]
    ch.arrays = [("dens", [str(styles[si][1]) for si in used]),
                 ("skey", [gq(styles[si][2]) for si in used])]
    rotate = " rotate by 40 right" if len(tics) > 6 else ""
    last = len(panels) * (len(labels) + 1) - 2
    pad = max(0, 4 - last) / 2  # keep a lone bar from filling the chart
    ch.setup += ["ns = %d" % len(used),
                 "set xrange [%g:%g]" % (-0.7 - pad, last + 0.7 + pad),
                 "set xtics (%s)%s" % (tic_list(tics), rotate)]
    return ch


def rtt_bars(res):
    if "p50_ns" not in res.columns or "p99_ns" not in res.columns:
        return
    cases = [c for c in charted(res) if c.workload == "pingpong"]
    styles = [(None, 0.3, "p99: 1 round trip in 100 is slower"),
              (None, 1.0, "p50: the median round trip")]
    for size in sorted({c.size for c in cases}):
        ch = Chart("rtt-bars-%s" % size_tag(size), "Round-trip latency",
                   "Round trip by transport, p50 and p99: %s messages"
                   % size_text(size),
                   ["Timed: send until the echo is back (pingpong), one "
                    "message in flight. Panels: placement."],
                   "Solid bar: the median round trip (p50), half of them were "
                   "faster. Pale bar behind it: p99, one round trip in a "
                   "hundred was slower than its top. Compare bars within a "
                   "panel; compare the panels to see what placement does. "
                   + PLACEMENT_NOTE + " " + SPIN_NOTE, "bars")
        ch.ylabel = "round trip (µs)"
        column = ("p99_ns", "p50_ns")
        if bar_chart(ch, res, [c for c in cases if c.size == size], styles,
                     lambda c, si: positive(c.num(column[si]), 1e3),
                     overlay=True):
            yield ch


def positive(v, scale=1.0):
    return v / scale if v and v > 0 else None


COSTS = (
    ("cpu", None, "CPU time per message", "CPU per message (µs)",
     lambda c: positive(c.num("cpu_ns_per_msg"), 1e3),
     "user + system CPU time of both processes per message moved (a round "
     "trip moves two)",
     "Lower is cheaper. This is CPU time spent, not time waited: a blocking "
     "transport costs system calls and wake-ups; a spinning one (spin) "
     "burns its CPU for the whole wait, so its cost is at least its "
     "latency. Solid: round trips; pale: one-way stream, where batching in "
     "the buffer spreads the wake-ups over many messages. "),
    ("csw", False, "Context switches per message", "context switches per message",
     lambda c: positive((c.num("vcsw_per_msg") or 0)
                        + (c.num("ivcsw_per_msg") or 0)),
     "voluntary (blocked waiting) + involuntary (preempted) switches of both "
     "processes per message moved",
     "A voluntary switch means a process slept waiting for its peer; an "
     "involuntary one, that it was preempted (on one CPU, by the peer it "
     "just woke). About one per message means every message put someone to "
     "sleep and woke them; a spinning transport makes none. Solid: round "
     "trips; pale: one-way stream. The table gives the two kinds apart. "),
)


def cost_bars(res):
    workloads = [("pingpong", 1.0, "pingpong (round trips)"),
                 ("throughput", 0.35, "throughput (one-way stream)")]
    for tag, log, what, ylabel, value, timed, note in COSTS:
        for size in sorted({c.size for c in charted(res)}):
            ch = Chart("%s-%s" % (tag, size_tag(size)), "Cost per message",
                       "%s by transport: %s messages" % (what, size_text(size)),
                       ["Measured: " + timed + ". Panels: placement."],
                       note + PLACEMENT_NOTE, "bars")
            ch.ylabel, ch.ylog = ylabel, log
            if bar_chart(ch, res, [c for c in charted(res) if c.size == size],
                         workloads, lambda c, si: value(c), overlay=False):
                yield ch


# In report order.  A new chart kind: a function yielding Charts, one line here.
KINDS = (rtt_bars, rtt_spectra, rate_charts, oneway_spectra, cost_bars)


def chart_script(ch, outdir):
    """The gnuplot commands that draw one chart as SVG and PNG."""
    # Title and subtitle lines are labels, so that they stack top down.
    out = ["reset", "$data << EOD",
           "\n\n\n".join("\n".join(rows) for rows in ch.blocks), "EOD",
           "set label 100 %s at screen 0.5, screen 0.955 center font ',20'"
           % gq(ch.title)]
    y = 0.955 - 0.015
    for i, line in enumerate(ch.subtitle):
        y -= 0.04
        out.append("set label %d %s at screen 0.5, screen %g center font ',13' "
                   "tc rgb '#333333'" % (101 + i, gq(line), y))
    panels = 0.05 if ch.template == "bars" else 0
    out.append("set tmargin at screen %g" % (y - 0.035 - panels))
    out += ch.setup
    for name, values in ch.arrays:
        out.append("array %s[%d] = [%s]" % (name, len(values), ", ".join(values)))
    for i, (ext, terminal) in enumerate(TERMINALS):
        out += [terminal, "set output %s" % gq(os.path.join(
                    outdir, ch.name + "." + ext)),
                "load %s" % gq(os.path.join(HERE, "gnuplot", ch.template + ".gp"))
                if i == 0 else "replot", "unset output"]
    return "\n".join(out) + "\n"


def draw(charts, outdir):
    """Run gnuplot once for every chart; titles go into the SVGs' <title>."""
    script = "set encoding utf8\n" + "".join(chart_script(c, outdir) for c in charts)
    # From a file, not stdin: gnuplot then stops at the first error.
    with tempfile.NamedTemporaryFile("w", suffix=".gp", encoding="utf-8") as f:
        f.write(script)
        f.flush()
        proc = subprocess.run(["gnuplot", f.name], capture_output=True,
                              text=True)
    if proc.returncode != 0 or proc.stderr.strip():
        sys.stderr.write("".join("charts: gnuplot: " + line + "\n"
                                 for line in proc.stderr.splitlines()))
    if proc.returncode != 0:
        return False
    for c in charts:
        path = os.path.join(outdir, c.name + ".svg")
        with open(path, encoding="utf-8") as f:
            svg = f.read()
        svg = svg.replace("<title>Gnuplot</title>",
                          "<title>%s</title>" % report.esc(c.title), 1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(svg)
    return True


def load_claims(res):
    """The claims of the run from `ipcbench claims DIR -f json`, into
    res.claims; when that fails, res.claims_note says why and what to run.
    The report stays whole either way."""
    exe = results.ipcbench_exe()
    hint = "Run `ipcbench claims %s` to check them against this run." % res.path
    try:
        proc = subprocess.run([exe, "claims", res.path, "-f", "json"],
                              capture_output=True, text=True, timeout=120)
        if proc.returncode == 0:
            res.claims = json.loads(proc.stdout)
            return
        why = (proc.stderr.strip().splitlines() or ["exit %d" % proc.returncode])[0]
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        why = str(e)
    res.claims_note = "The textbook claims could not be checked (%s). %s" % (
        why, hint)


USAGE = "usage: scripts/charts [DIR]   (default: results/latest)\n"


def main(argv):
    if argv[1:] in (["-h"], ["--help"]):
        sys.stdout.write(USAGE)
        return 0
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        sys.stderr.write(USAGE)
        return 2
    root = os.environ.get("IPCBENCH_RESULTS") or "results"
    path = argv[1] if len(argv) == 2 else os.path.join(root, "latest")
    try:
        res = results.load(path)
    except results.MissingTool as e:
        sys.stderr.write("charts: %s\n" % e)
        return 1
    except results.ResultsError as e:
        hint = ("" if len(argv) == 2 or os.path.exists(path)
                else " (no run yet? try: make bench)")
        sys.stderr.write("charts: %s%s\n" % (e, hint))
        return 2
    charts = [ch for kind in KINDS for ch in kind(res)]
    load_claims(res)
    outdir = os.path.join(path, "charts")
    try:
        os.makedirs(outdir, exist_ok=True)
        for name in sorted(os.listdir(outdir)):
            if name.endswith((".svg", ".png")):
                os.remove(os.path.join(outdir, name))
        if charts and not draw(charts, outdir):
            return 1
        report.write(res, charts, os.path.join(path, "report.html"))
    except OSError as e:
        sys.stderr.write("charts: cannot write '%s': %s\n"
                         % (e.filename or path, e.strerror))
        return 1
    print("charts: %d charts and report.html in %s" % (len(charts), path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
