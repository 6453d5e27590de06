#!/usr/bin/python3
"""charts_test.py - scripts/charts on a real run, as a user runs it.

Usage: charts_test.py BUILD/ipcbench SCRIPTS/charts

Runs a small suite (pipe, udp, shm with and without spinning, both
workloads, 64 B and 64 KiB so that udp has skipped cases, both
placements), then checks: the charts expected from summary.csv exist and
no others; each SVG parses as XML and shows its title; each PNG is a real
image; report.html parses strictly, has a row for every case and the
reason of every skipped one, escapes what it reads; a second run writes
the same bytes; a partial results directory gives fewer charts, never
empty ones; a bad DIR exits 2 with one line naming it.  When chromium is
installed it also loads the page headless.  Behaviour only, no timing.
Prints "N passed, N failed".
"""
import csv
import glob
import hashlib
import html.parser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pycheck
from pycheck import check

EXE, CHARTS = sys.argv[1], sys.argv[2]
# charts.py asks this binary for the claims (else it would look for
# build/ipcbench beside scripts/, which may be missing or stale).
os.environ["IPCBENCH"] = EXE
SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SUITE = """name: charts-test
iterations: 300
warmup: 30
timeout_s: 30
runs:
  - transports: [pipe, udp, shm]
    workloads: [pingpong, throughput]
    sizes: [64, 64K]
    placements: [same-cpu, cross-cpu]
  - transports: [shm]
    workloads: [pingpong, throughput]
    sizes: [64]
    placements: [cross-cpu]
    wait: spin
"""


def charts(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([CHARTS] + list(args), capture_output=True,
                          text=True, timeout=120, env=e)


def rows_of(d):
    with open(os.path.join(d, "summary.csv"), newline="") as f:
        return list(csv.DictReader(f))


def tag(n):
    n = int(n)
    for unit, scale in (("M", 1 << 20), ("K", 1 << 10)):
        if n % scale == 0:
            return "%d%s" % (n // scale, unit)
    return str(n)


def expected_charts(rows):
    """The chart names the documented rules give for these rows."""
    names = set()
    for r in rows:
        if r["status"] != "ok":
            continue
        s, p = tag(r["size_bytes"]), r["placement"]
        if r["workload"] == "pingpong":
            names |= {"rtt-bars-" + s, "rtt-spectrum-%s-%s" % (s, p)}
        else:
            names |= {"oneway-spectrum-%s-%s" % (s, p),
                      "throughput-mbps-" + p, "throughput-msgs-" + p}
        if float(r.get("cpu_ns_per_msg") or 0) > 0:
            names.add("cpu-" + s)
        if sum(float(r.get(k) or 0) for k in ("vcsw_per_msg", "ivcsw_per_msg")):
            names.add("csw-" + s)
    return names


def drawn(d):
    return {os.path.basename(p)[:-4] for p in glob.glob(d + "/charts/*.svg")}


def digest(d):
    h = hashlib.sha256()
    for p in sorted(glob.glob(d + "/charts/*")) + [d + "/report.html"]:
        with open(p, "rb") as f:
            h.update(p.encode() + f.read())
    return h.hexdigest()


class Balanced(html.parser.HTMLParser):
    """Every element closed, in order, as XHTML wants (and html.parser
    alone would not complain about)."""
    VOID = {"meta", "img", "br", "hr", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.text = [], [], []

    def handle_starttag(self, t, attrs):
        if t not in self.VOID:
            self.stack.append(t)

    def handle_startendtag(self, t, attrs):
        pass

    def handle_endtag(self, t):
        if not self.stack or self.stack.pop() != t:
            self.errors.append("unbalanced </%s> at %s" % (t, self.getpos()))

    def handle_data(self, data):
        self.text.append(data)


def check_report(d, rows):
    path = os.path.join(d, "report.html")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check(False, "report.html is not well-formed XML: %s" % e)
        return
    check(True, "report.html parses as XML")
    p = Balanced()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    check(not p.errors and not p.stack, "html.parser: %s %s" % (p.errors, p.stack))
    text = " ".join(p.text)
    trs = {tr.get("id"): tr for tr in root.iter(XHTML + "tr") if tr.get("id")}
    for r in rows:
        tr = trs.get("case-" + r["id"])
        cells = [td.text or "" for td in tr] if tr is not None else []
        check(tr is not None and r["transport"] in cells and r["workload"] in cells
              and r["status"] in cells, "report row for " + r["id"])
        if r["status"] != "ok":
            check(r["reason"] and r["reason"] in text,
                  "report gives the reason of " + r["id"])
    claims = [d for d in root.iter(XHTML + "div")
              if (d.get("id") or "").startswith("claim-")]
    verdicts = [s.text for s in root.iter(XHTML + "span")
                if "verdict" in (s.get("class") or "")]
    check(len(claims) == 9 and len(verdicts) == 9 and set(verdicts) <= {
        "holds", "does not hold", "not significant", "not measured"},
        "report shows every claim with its verdict: %s" % verdicts)
    figs = [img.get("src") for img in root.iter(XHTML + "img")]
    check(sorted(figs) == sorted("charts/%s.svg" % n for n in drawn(d)),
          "report shows every chart: %s" % figs)
    for img in root.iter(XHTML + "img"):
        check_svg(os.path.join(d, img.get("src")), img.get("alt"))


def check_svg(path, title):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        check(False, "%s: %s" % (path, e))
        return
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    check(root.tag == SVG + "svg" and title in texts,
          "%s shows its title %r" % (path, title))
    check(root.findtext(SVG + "title") == title, path + " <title>")
    with open(path[:-4] + ".png", "rb") as f:
        png = f.read()
    check(png.startswith(PNG_MAGIC) and len(png) > 10000
          and png[16:24] == (1200).to_bytes(4, "big") + (675).to_bytes(4, "big"),
          path[:-4] + ".png is a 1200x675 PNG")


def test_full_run(tmp):
    d = os.path.join(tmp, "run")
    suite = os.path.join(tmp, "suite.yaml")
    with open(suite, "w") as f:
        f.write(SUITE)
    r = subprocess.run([EXE, "run", suite, "-q", "-o", d], capture_output=True,
                       text=True, timeout=240)
    if not check(r.returncode == 0, "ipcbench run: %s" % r.stderr):
        return None
    rows = rows_of(d)
    check(any(r["status"] == "skipped" for r in rows),
          "the suite has a skipped case")
    r = charts(d)
    check(r.returncode == 0 and r.stderr == "", "charts: %s" % r.stderr)
    want = expected_charts(rows)
    check({"rtt-bars-64", "rtt-spectrum-64-same-cpu",
           "throughput-mbps-cross-cpu", "oneway-spectrum-64-cross-cpu",
           "cpu-64"} <= want, "the run measured what the checks need")
    check(drawn(d) == want, "charts: drawn %s, want %s"
          % (sorted(drawn(d)), sorted(want)))
    check_report(d, rows)
    legend = ET.parse(os.path.join(d, "charts/rtt-spectrum-64-cross-cpu.svg"))
    texts = {"".join(t.itertext()) for t in legend.iter(SVG + "text")}
    check({"shm wait=sem", "shm (spin)", "pipe"} <= texts,
          "a line per transport and per shm variant: %s" % sorted(texts))
    first = digest(d)
    r = charts(d)
    check(r.returncode == 0 and digest(d) == first,
          "a second run writes the same bytes")
    # The charts read the run through `ipcbench show`: no binary, no charts,
    # and the report already there is left as it was.
    nosuch = os.path.join(d, "no-such-ipcbench")
    r = charts(d, env={"IPCBENCH": nosuch})
    check(r.returncode == 1 and r.stderr.count("\n") == 1
          and "no ipcbench binary at %s" % nosuch in r.stderr
          and "make build" in r.stderr and digest(d) == first,
          "without the binary: exit 1, one line, nothing touched: %d %r"
          % (r.returncode, r.stderr))
    return d


def test_partial(tmp, full):
    """Only some cases, no histograms, odd text: fewer charts, none empty."""
    d = os.path.join(tmp, "partial")
    shutil.copytree(full, d)
    shutil.rmtree(os.path.join(d, "charts"))
    shutil.rmtree(os.path.join(d, "hgrm"))
    rows = [r for r in rows_of(d) if r["workload"] == "pingpong"]
    for r in rows:
        if r["status"] != "ok":
            r["reason"] = "odd <b>&amp; \"reason\"</b>"
    cols = list(rows_of(full)[0]) + ["added_later_ns"]
    with open(os.path.join(d, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, cols, restval="7")
        w.writeheader()
        w.writerows(rows)
    r = charts(d)
    check(r.returncode == 0, "partial: %s" % r.stderr)
    want = {n for n in expected_charts(rows) if "spectrum" not in n}
    check(drawn(d) == want,
          "partial: drawn %s, want %s" % (sorted(drawn(d)), sorted(want)))
    check_report(d, rows)
    with open(os.path.join(d, "summary.csv"), "w") as f:
        f.write(",".join(cols) + "\n")
    r = charts(d)
    check(r.returncode == 0 and not drawn(d), "no cases: no charts")
    check_report(d, [])


def test_bad_dir(tmp, full):
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    badjson = os.path.join(tmp, "badjson")
    shutil.copytree(full, badjson)
    with open(os.path.join(badjson, "results.json"), "w") as f:
        f.write("{not json")
    for d, named in ((os.path.join(tmp, "nonexistent"), None),
                     (os.path.join(full, "summary.csv"), None),
                     (empty, None), (badjson, "results.json")):
        r = charts(d)
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and len(lines) == 1 and d in lines[0]
              and (named or "") in lines[0],
              "bad DIR %s: exit %d, %r" % (d, r.returncode, r.stderr))
    check(not os.path.exists(os.path.join(empty, "charts")),
          "bad DIR: nothing written")
    r = charts("--bogus")
    check(r.returncode == 2 and "usage" in r.stderr, "unknown flag: exit 2")


def test_browser(full):
    exe = next(filter(None, map(shutil.which, ("chromium", "chromium-headless",
                                               "chromium-browser"))), None)
    if not exe:
        print("headless browser check skipped: chromium is not installed")
        return
    r = subprocess.run([exe, "--headless", "--disable-gpu", "--no-sandbox",
                        "--dump-dom", "file://" + os.path.join(full, "report.html")],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0 and 'id="cases"' in r.stdout
          and r.stdout.count("<img") == len(drawn(full)),
          "chromium loads report.html: %s" % r.stderr[-500:])


def tests(tmp):
    full = test_full_run(tmp)
    if full:
        test_partial(tmp, full)
        test_bad_dir(tmp, full)
        test_browser(full)


def main():
    if not shutil.which("gnuplot"):
        print("skipped: gnuplot is not installed (scripts/install-deps)")
        return 77  # meson's "skipped"
    return pycheck.main("ipcbench-charts-test.", tests)


if __name__ == "__main__":
    sys.exit(main())
