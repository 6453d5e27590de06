"""results.py - one ipcbench results directory, for scripts/charts.

It reads no results file itself: `ipcbench show DIR` (the one reader of a
results directory, in C) prints the run as one JSON document, every field
typed by the published schema (`ipcbench list --columns`), with the
environment, the suite and each case's percentile distribution.  This
module turns that into Case objects and gives each the label, colour,
dash and point type it has in every chart.  It draws and writes nothing.

Stdlib only (run by Debian's /usr/bin/python3).
"""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

# Okabe-Ito, the colour-blind-safe palette, one fixed colour per transport
# by its place in the registry (`ipcbench list`), so that a transport looks
# the same in every chart of every run.  Yellow comes last: it is faint on
# white.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
           "#000000", "#F0E442", "#999999", "#882255", "#44AA99")
# gnuplot filled point types (the open one of each is one less), one a
# transport; a variant of a transport (other options, spin) gets the open
# point and its own dash pattern.
POINTS = (7, 5, 9, 11, 13, 15)


class ResultsError(Exception):
    """The directory cannot be read as results; the message names the path."""


class MissingTool(Exception):
    """ipcbench itself cannot be asked (not built, or it misbehaved)."""


class Case:
    """One case of the run (a row of summary.csv, typed), plus what the
    charts need to draw it."""

    def __init__(self, fields):
        self.row = fields
        self.id = fields["id"]
        self.transport = fields["transport"]
        self.workload = fields["workload"]
        self.placement = fields.get("placement") or ""
        self.status = fields["status"]
        self.size = int(self.num("size_bytes") or 0)
        self.wait = fields.get("wait") or ""
        self.options = fields.get("options") or {}
        self.headline = fields.get("headline") or ""
        # A paced or stalled stream is another experiment than a free one:
        # the charts of free-running cases leave it out (the table keeps it).
        self.paced = (self.num("rate") or 0) > 0 or \
            (self.num("stall_ms") or 0) > 0
        self.hgrm = [(v, inv) for v, _, _, inv in fields.get("hgrm") or []
                     if inv is not None]
        self.label = self.transport
        self.colour = "#000000"
        self.dash = 1
        self.point = 7

    def num(self, column):
        """The column as a float, or None when absent or without a value."""
        v = self.row.get(column)
        return float(v) if isinstance(v, (int, float)) and \
            not isinstance(v, bool) else None

    def text(self, column):
        """The column as text ("" without a value); options as 'k=v k=v'."""
        v = self.row.get(column)
        if isinstance(v, dict):
            return " ".join("%s=%s" % kv for kv in v.items())
        return v if isinstance(v, str) else ""

    @property
    def ok(self):
        return self.status == "ok"


class Results:
    """Everything charts and the report read of one results directory."""

    def __init__(self, path, doc):
        self.path = path
        self.columns = doc.get("columns") or []
        self.env = doc.get("environment") or {}
        self.suite = doc.get("suite") or {}
        self.meta = {"complete": doc.get("complete"),
                     "interrupted": doc.get("interrupted"),
                     "format": doc.get("results_format")}
        self.transports = doc.get("transports") or []
        self.cases = [Case(c) for c in doc.get("cases") or []]
        # Set by charts.py from `ipcbench claims DIR -f json`: the parsed
        # JSON, or None and a sentence saying why there is none.
        self.claims = None
        self.claims_note = ""

    def hgrm(self, case):
        """The case's percentile distribution as (value_us, 1/(1-p)) pairs,
        the p = 1 line left out; [] when it has none."""
        return case.hgrm

    def placement_text(self, placement):
        """Which CPUs a placement means in this run, for titles."""
        a, b = self.env.get("cpu_a"), self.env.get("cpu_b")
        if placement == "same-cpu" and a is not None:
            return "same-cpu (both processes on CPU %s)" % a
        if placement == "cross-cpu" and a is not None and b is not None:
            return "cross-cpu (one process on CPU %s, one on CPU %s)" % (a, b)
        if placement == "unpinned":
            return "unpinned (the scheduler places both processes)"
        return placement


def ipcbench_exe():
    """$IPCBENCH when set (and only it), else build/ipcbench beside scripts/."""
    return os.environ.get("IPCBENCH") or os.path.join(HERE, "..", "build",
                                                      "ipcbench")


def load(path):
    """Read DIR through `ipcbench show`; raise ResultsError with ipcbench's
    one-line message (it names the file) when DIR is not a readable
    results directory, MissingTool when there is no binary to ask."""
    exe = ipcbench_exe()
    if not os.access(exe, os.X_OK):
        raise MissingTool("no ipcbench binary at %s: run `make build` (or set "
                          "IPCBENCH to its path)" % exe)
    try:
        proc = subprocess.run([exe, "show", path], capture_output=True,
                              text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise MissingTool("%s show %s: %s" % (exe, path, e))
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or \
            ["exit status %d" % proc.returncode]
        raise ResultsError(lines[0].replace("ipcbench: show: ", "", 1))
    try:
        doc = json.loads(proc.stdout)
    except ValueError as e:
        raise MissingTool("%s show %s printed no JSON: %s" % (exe, path, e))
    res = Results(path, doc)
    assign_styles(res.cases, res.transports)
    return res


def assign_styles(cases, transports):
    """Label, colour, dash and point of every case.

    A label is the transport plus the options that differ between its
    cases in this run (so shm wait=sem and shm wait=spin are two lines),
    and "(spin)" for a busy-polling case: an option whose value is the
    wait mode is said by that suffix instead.  The colour is the
    transport's place in the registry (transports, in order).
    """
    by_transport = {}
    for c in cases:
        by_transport.setdefault(c.transport, []).append(c)
    unknown = [t for t in by_transport if t not in transports]
    for ti, (transport, group) in enumerate(by_transport.items()):
        keys = []
        for c in group:
            keys += [k for k in c.options if k not in keys]
        varying = [k for k in keys
                   if len({c.options.get(k) for c in group}) > 1]
        place = transports.index(transport) if transport in transports \
            else len(transports) + unknown.index(transport)
        colour = PALETTE[place % len(PALETTE)]
        variants = []
        for c in group:
            words = [transport]
            words += ["%s=%s" % (k, c.options[k]) for k in varying
                      if k in c.options and c.options[k] != c.wait]
            if c.wait == "spin":
                words.append("(spin)")
            c.label = " ".join(words)
            if c.label not in variants:
                variants.append(c.label)
            v = variants.index(c.label)
            c.colour = colour
            c.dash = 1 + v
            c.point = POINTS[ti % len(POINTS)] - (1 if v else 0)


def in_units(v, steps, fmt, small, exact=False):
    """v in the first of steps [(unit, scale)] it reaches (and, if exact,
    divides by), as fmt % (v / scale, unit); else small % v."""
    for unit, scale in steps:
        if v >= scale and (not exact or v % scale == 0):
            return fmt % (v / scale, unit)
    return small % v


def size_text(n):
    """64 -> '64 B', 4096 -> '4 KiB', 1048576 -> '1 MiB'."""
    return in_units(n, (("MiB", 1 << 20), ("KiB", 1 << 10)), "%d %s", "%d B",
                    exact=True)


def size_tag(n):
    """64 -> '64', 4096 -> '4K': the spelling case ids use."""
    return in_units(n, (("M", 1 << 20), ("K", 1 << 10)), "%d%s", "%d",
                    exact=True)


def ns_text(ns):
    """850 -> '850 ns', 2410 -> '2.41 µs', as the terminal table says."""
    if ns is None:
        return "–"
    return in_units(ns, (("s", 1e9), ("ms", 1e6), ("µs", 1e3)), "%.2f %s",
                    "%.0f ns")


def rate_text(v):
    """1234567 -> '1.23 M', 4567 -> '4.57 k'."""
    if v is None:
        return "–"
    return in_units(v, (("M", 1e6), ("k", 1e3)), "%.2f %s", "%.0f")
