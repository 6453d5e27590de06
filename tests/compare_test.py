#!/usr/bin/python3
"""compare_test.py - `ipcbench compare DIR_A DIR_B` as a user runs it.

Usage: compare_test.py BUILD/ipcbench

On synthetic results (files written here, so the statistics are known):
a clear difference is called in the right direction with what it means
for the figure, a small one is "not significant", one repetition is
"cannot tell", skipped cases and cases on one side only are listed,
columns are found by name whatever their order, a different host warns.
On two real runs of one small suite with -r 3: the structure, the ratio
against the medians of repetitions.csv, and a run against itself is "not
significant" with ratio 1.00 everywhere (a real run against another is
not asserted to be: this machine is noisy).  Bad directories exit 2 with
one line naming the path.  Prints "N passed, N failed".
"""
import csv
import json
import os
import shutil
import statistics
import sys

import pycheck
from pycheck import check

EXE = sys.argv[1]
VERDICTS = ("B faster (lower latency)", "B slower (higher latency)",
            "B faster (more msg/s)", "B slower (fewer msg/s)",
            "not significant")


def run(*args):
    return pycheck.run([EXE] + list(args))


# Synthetic cases: id -> (workload, status, reason, A values, B values).
# Columns deliberately in an order of their own, plus one unknown column.
COLS = ["id", "status", "p50_ns", "workload", "transport", "size_bytes",
        "placement", "rate", "msgs_per_sec", "reason", "future_col",
        "headline", "headline_better"]
CASES = {
    "slow-pp": ("pingpong", "ok", "", [1000, 1010, 990, 1005, 995],
                [2000, 2020, 1980, 2010, 1990]),
    "fast-tp": ("throughput", "ok", "", [1e6, 1.01e6, 0.99e6],
                [2e6, 2.02e6, 1.98e6]),
    "same-pp": ("pingpong", "ok", "", [1000, 1100, 900], [1010, 1090, 910]),
    "one-pp": ("pingpong", "ok", "", [1000], [3000, 3010, 2990]),
    "skip-pp": ("pingpong", "skipped", "too big, \"sorry\"", [], []),
}


def write_run(d, side, host, only=None, reps=True):
    """A results directory: summary.csv (medians), repetitions.csv."""
    os.makedirs(d)
    ids = dict(CASES)
    if only:
        ids[only] = ("pingpong", "ok", "", [500, 510], [500, 510])
    summary, rows = [], []
    for cid, (wl, status, reason, a, b) in ids.items():
        vals = a if side == "A" else b
        if cid == "skip-pp" and side == "A":
            status, reason, vals = "ok", "", [700, 710, 705]
        col = "msgs_per_sec" if wl == "throughput" else "p50_ns"
        base = {"id": cid, "status": status, "workload": wl,
                "transport": "pipe", "size_bytes": "64",
                "placement": "same-cpu", "rate": "0", "reason": reason,
                "future_col": "x", "p50_ns": "", "msgs_per_sec": "",
                "headline": col,
                "headline_better": "higher" if col == "msgs_per_sec"
                                   else "lower"}
        s = dict(base)
        if vals:
            s[col] = "%.1f" % statistics.median(vals)
        summary.append(s)
        for v in vals:
            r = dict(base)
            r[col] = "%.1f" % v
            rows.append(r)
    with open(os.path.join(d, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, COLS, lineterminator="\n")
        w.writeheader()
        w.writerows(summary)
    if reps:
        with open(os.path.join(d, "repetitions.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, ["repetition"] + COLS[::-1],
                               lineterminator="\n", extrasaction="ignore")
            w.writeheader()
            for i, r in enumerate(rows):
                r["repetition"] = i + 1
                w.writerow(r)
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump({"schema": "ipcbench-results-1",
                   "environment": {"time_utc": "x", "limits": {"a": 1},
                                   "host": host, "kernel": "Linux 6",
                                   "cpu_model": "cpu \"X\""}}, f)


def csv_rows(text):
    return {r["id"]: r for r in csv.DictReader(text.splitlines())}


def test_synthetic(tmp):
    a, b = os.path.join(tmp, "sa"), os.path.join(tmp, "sb")
    write_run(a, "A", "hostA", only="a-only")
    write_run(b, "B", "hostB", only="b-only")
    r = run("compare", a, b, "-f", "csv")
    check(r.returncode == 0, "synthetic: exit %d %s" % (r.returncode, r.stderr))
    check("warning: the runs differ in host ('hostA' vs 'hostB')" in r.stderr,
          "different hosts warn: %r" % r.stderr)
    check("cpu_model" not in r.stderr and "CPU model" not in r.stderr,
          "the same CPU model does not warn: %r" % r.stderr)
    rows = csv_rows(r.stdout)
    want = {"slow-pp": "B slower (higher latency)",
            "fast-tp": "B faster (more msg/s)",
            "same-pp": "not significant",
            "one-pp": "cannot tell (1 repetition)",
            "a-only": "only in A", "b-only": "only in B"}
    for cid, verdict in want.items():
        got = rows.get(cid, {}).get("verdict")
        check(got == verdict, "%s: verdict %r, want %r" % (cid, got, verdict))
    skip = rows.get("skip-pp", {}).get("verdict", "")
    check(skip.startswith("B skipped") and 'too big, "sorry"' in skip,
          "skipped case with its reason: %r" % skip)
    check(abs(float(rows["slow-pp"]["ratio"]) - 2.0) < 1e-4,
          "ratio of the medians: %s" % rows["slow-pp"]["ratio"])
    check(float(rows["slow-pp"]["p_value"]) < 0.001
          and float(rows["same-pp"]["p_value"]) > 0.5, "p-values")
    check(rows["fast-tp"]["figure"] == "msgs_per_sec"
          and rows["slow-pp"]["figure"] == "p50_ns", "headline figures")
    check(rows["one-pp"]["a_repetitions_ok"] == "1"
          and rows["one-pp"]["p_value"] == "", "one repetition: no p")
    r = run("compare", a, b)
    check(r.returncode == 0 and "B/A" in r.stdout
          and "only in A:\n  a-only (ok)" in r.stdout
          and "only in B:\n  b-only (ok)" in r.stdout
          and "slow-pp" in r.stdout and "2.00" in r.stdout,
          "table: %s" % r.stdout)
    # Without repetitions.csv a run is one value a case: nothing is called.
    c = os.path.join(tmp, "sc")
    write_run(c, "B", "hostA", reps=False)
    r = run("compare", a, c, "-f", "csv")
    rows = csv_rows(r.stdout)
    check(r.returncode == 0 and r.stderr == "", "no repetitions.csv: %s" % r.stderr)
    check(all(rows[k]["verdict"] == "cannot tell (1 repetition)"
              for k in ("slow-pp", "fast-tp", "same-pp")),
          "summary only: cannot tell: %s" % r.stdout)


def test_bad(tmp, good):
    missing = os.path.join(tmp, "missing")
    nosum = os.path.join(tmp, "nosummary")
    os.makedirs(nosum)
    bad = os.path.join(tmp, "malformed")
    shutil.copytree(good, bad)
    with open(os.path.join(bad, "summary.csv"), "a") as f:
        f.write('x,ok,"unterminated\n')
    # A run written before the headline was recorded.
    old = os.path.join(tmp, "older")
    os.makedirs(old)
    with open(os.path.join(good, "summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(old, "summary.csv"), "w", newline="") as f:
        cols = [c for c in rows[0] if not c.startswith("headline")]
        w = csv.DictWriter(f, cols, extrasaction="ignore",
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    nocol = os.path.join(tmp, "nocol")
    os.makedirs(nocol)
    with open(os.path.join(nocol, "summary.csv"), "w") as f:
        f.write("a,b\n1,2\n")
    for args, want in (([missing, good], missing),
                       ([good, missing], missing),
                       ([nosum, good], nosum + "/summary.csv"),
                       ([good, bad], bad + "/summary.csv:"),
                       ([nocol, good], "no column 'id'"),
                       ([old, good], "no column 'headline': written by an "
                                     "older ipcbench"),
                       ([good], "needs two results directories"),
                       ([good, good, "-f", "json"], "--format json")):
        r = run("compare", *args)
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and len(lines) == 1 and want in lines[0],
              "compare %s: exit %d, %r" % (args, r.returncode, r.stderr))


def medians(d):
    """id -> median of the headline figure over ok repetitions."""
    vals = {}
    with open(os.path.join(d, "repetitions.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["status"] != "ok":
                continue
            vals.setdefault(r["id"], []).append(float(r[r["headline"]]))
    return {k: statistics.median(v) for k, v in vals.items()}


def test_real(tmp):
    dirs = []
    for name in ("ra", "rb"):
        d = os.path.join(tmp, name)
        r = run("run", "-t", "pipe,uds", "-w", "pingpong,throughput",
                "-s", "64", "-p", "same-cpu,cross-cpu", "-n", "2000",
                "--warmup", "200", "-r", "3", "-q", "-o", d)
        if not check(r.returncode == 0, "run %s: %s" % (name, r.stderr)):
            return None
        dirs.append(d)
    a, b = dirs
    r = run("compare", a, b, "-f", "csv")
    check(r.returncode == 0 and r.stderr == "", "real: %s" % r.stderr)
    rows = csv_rows(r.stdout)
    ma, mb = medians(a), medians(b)
    check(set(rows) == set(ma) and len(rows) == 8, "every case: %s" % sorted(rows))
    for cid, row in rows.items():
        check(row["verdict"] in VERDICTS, "%s: verdict %r" % (cid, row["verdict"]))
        check(abs(float(row["a_median"]) - ma[cid]) <= 0.05 + 1e-9 * ma[cid]
              and abs(float(row["b_median"]) - mb[cid]) <= 0.05 + 1e-9 * mb[cid],
              "%s: medians %s %s, want %s %s" % (cid, row["a_median"],
                                                  row["b_median"], ma[cid], mb[cid]))
        check(abs(float(row["ratio"]) - mb[cid] / ma[cid]) < 1e-3,
              "%s: ratio %s, want %.4f" % (cid, row["ratio"], mb[cid] / ma[cid]))
        check(row["a_repetitions_ok"] == "3" and row["b_repetitions_ok"] == "3",
              "%s: 3 repetitions a side" % cid)
    r = run("compare", a, a, "-f", "csv")
    rows = csv_rows(r.stdout)
    check(r.returncode == 0 and rows and all(
        x["verdict"] == "not significant" and x["ratio"] == "1.0000"
        for x in rows.values()), "a run against itself: %s" % r.stdout)
    r = run("compare", a, a)
    check(r.returncode == 0 and "8 cases in both runs: 0 B faster or slower, 8 not significant" in r.stdout,
          "table of a run against itself: %s" % r.stdout)
    return a


def tests(tmp):
    test_synthetic(tmp)
    good = test_real(tmp)
    if good:
        test_bad(tmp, good)


if __name__ == "__main__":
    sys.exit(pycheck.main("ipcbench-compare-test.", tests))
