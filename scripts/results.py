"""results.py - read one ipcbench results directory, for scripts/charts.

Reads summary.csv (one row per case; columns are looked up by name, so
added columns are harmless and a missing optional one reads as "no
value"), results.json (environment and suite) and hgrm/<id>.hgrm.  Gives
each case the label, colour, dash and point type it has in every chart.
It draws nothing and writes nothing; it never runs ipcbench.

Stdlib only (run by Debian's /usr/bin/python3).
"""
import csv
import json
import os

REQUIRED = ("id", "transport", "workload", "size_bytes", "placement", "status")

# Okabe-Ito, the colour-blind-safe palette, one fixed colour per transport
# so that a transport looks the same in every chart of every run.  Yellow
# is kept for a transport not listed here: it is faint on white.
COLOURS = {"pipe": "#E69F00", "fifo": "#56B4E9", "uds": "#009E73",
           "tcp": "#0072B2", "udp": "#D55E00", "shm": "#CC79A7",
           "mq": "#000000"}
SPARE_COLOURS = ("#F0E442", "#999999", "#882255", "#44AA99")
# gnuplot filled point types (the open one of each is one less), one a
# transport; a variant of a transport (other options, spin) gets the open
# point and its own dash pattern.
POINTS = (7, 5, 9, 11, 13, 15)


class ResultsError(Exception):
    """The directory cannot be read as results; the message names the path."""


class Case:
    """One row of summary.csv, plus what the charts need to draw it."""

    def __init__(self, row):
        self.row = row
        self.id = row["id"]
        self.transport = row["transport"]
        self.workload = row["workload"]
        self.placement = row["placement"]
        self.status = row["status"]
        self.size = int(num_or(row["size_bytes"], 0))
        self.wait = row.get("wait") or ""
        self.options = parse_options(row.get("options") or "")
        # A paced or stalled stream is another experiment than a free one:
        # the charts of free-running cases leave it out (the table keeps it).
        self.paced = (num_or(row.get("rate"), 0) > 0 or
                      num_or(row.get("stall_ms"), 0) > 0)
        self.label = self.transport
        self.colour = "#000000"
        self.dash = 1
        self.point = 7

    def num(self, column):
        """The column as a float, or None when absent, empty or not a number."""
        return num_or(self.row.get(column), None)

    def text(self, column):
        return self.row.get(column) or ""

    @property
    def ok(self):
        return self.status == "ok"


class Results:
    """Everything charts and the report read from one results directory."""

    def __init__(self, path):
        self.path = path
        self.columns = []
        self.cases = []
        self.meta = {}
        self.env = {}
        self.suite = {}
        self._hgrm = {}
        # Set by charts.py from `ipcbench claims DIR -f json`: the parsed
        # JSON, or None and a sentence saying why there is none.
        self.claims = None
        self.claims_note = ""

    def hgrm(self, case):
        """The case's percentile distribution as (value_us, 1/(1-p)) pairs,
        the p = 1 line left out; [] when the file is missing or empty."""
        if case.id not in self._hgrm:
            self._hgrm[case.id] = read_hgrm(
                os.path.join(self.path, "hgrm", case.id + ".hgrm"))
        return self._hgrm[case.id]

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


def num_or(text, default):
    try:
        return float(text)
    except (TypeError, ValueError):
        return default


def parse_options(text):
    """'wait=spin slots=8' -> {'wait': 'spin', 'slots': '8'}, in order."""
    opts = {}
    for word in text.split():
        key, _, value = word.partition("=")
        opts[key] = value
    return opts


def read_hgrm(path):
    points = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                fields = line.split()
                if len(fields) != 4 or line.startswith("#"):
                    continue
                value, inv = num_or(fields[0], None), num_or(fields[3], None)
                if value is not None and inv is not None and inv != float("inf"):
                    points.append((value, inv))
    except OSError:
        return []
    return points


def load(path):
    """Read DIR; raise ResultsError with a one-line message naming the
    file when it is not a readable ipcbench results directory."""
    res = Results(path)
    if not os.path.isdir(path):
        raise ResultsError("'%s' is not a directory" % path)
    csv_path = os.path.join(path, "summary.csv")
    json_path = os.path.join(path, "results.json")
    try:
        with open(csv_path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            res.columns = reader.fieldnames or []
            rows = list(reader)
    except OSError as e:
        raise ResultsError("'%s': %s (not an ipcbench results directory?)"
                           % (csv_path, e.strerror))
    except (csv.Error, UnicodeDecodeError) as e:
        raise ResultsError("'%s': not a CSV file: %s" % (csv_path, e))
    missing = [c for c in REQUIRED if c not in res.columns]
    if missing:
        raise ResultsError("'%s': no column %s" % (csv_path, ", ".join(missing)))
    try:
        with open(json_path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise ResultsError("'%s': %s" % (json_path, e.strerror))
    except (ValueError, UnicodeDecodeError) as e:
        raise ResultsError("'%s': not JSON: %s" % (json_path, e))
    if not isinstance(doc, dict):
        raise ResultsError("'%s': not an ipcbench results file" % json_path)
    res.env = doc.get("environment") or {}
    res.suite = doc.get("suite") or {}
    res.meta = {k: v for k, v in doc.items() if not isinstance(v, (dict, list))}
    res.cases = [Case(r) for r in rows]
    assign_styles(res.cases)
    return res


def assign_styles(cases):
    """Label, colour, dash and point of every case.

    A label is the transport plus the options that differ between its
    cases in this run (so shm wait=sem and shm wait=spin are two lines),
    and "(spin)" for a busy-polling case: an option whose value is the
    wait mode is said by that suffix instead.
    """
    by_transport = {}
    for c in cases:
        by_transport.setdefault(c.transport, []).append(c)
    spare = iter(SPARE_COLOURS * (1 + len(by_transport)))
    for ti, (transport, group) in enumerate(by_transport.items()):
        keys = []
        for c in group:
            keys += [k for k in c.options if k not in keys]
        varying = [k for k in keys
                   if len({c.options.get(k) for c in group}) > 1]
        colour = COLOURS.get(transport) or next(spare)
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
