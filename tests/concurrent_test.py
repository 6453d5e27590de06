#!/usr/bin/python3
"""concurrent_test.py - two ipcbench runs at once on one machine.

Usage: concurrent_test.py BUILD/ipcbench

Twice two runs of every transport, both workloads, two sizes and both
placements, started together with one TMPDIR: first both with default
output directories under one IPCBENCH_RESULTS root (they start in the same
second, so one takes the "-2" name), then with distinct --output.  Both
must exit 0 with every row ok in their own directory, results/latest must
point at one of them, and nothing named after either may be left.  Prints
"N passed, N failed".
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

from pycheck import check, summary, transports

EXE = sys.argv[1]
TRANSPORTS = transports(EXE)
ARGS = ["run", "-t", ",".join(TRANSPORTS), "-s", "64,4K",
        "-n", "1000", "--warmup", "100", "-q"]
CASES = len(TRANSPORTS) * 2 * 2 * 2  # workloads, sizes, placements


def run_pair(extra, env):
    procs = [subprocess.Popen([EXE] + ARGS + e, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, env=env)
             for e in extra]
    for p in procs:
        try:
            p.err = p.communicate(timeout=240)[1]
        except subprocess.TimeoutExpired:
            p.kill()
            p.err = p.communicate()[1]
    return procs


def check_run(out, label):
    with open(os.path.join(out, "summary.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == CASES, "%s: %d rows, want %d" % (label, len(rows),
                                                        CASES))
    for r in rows:
        check(r["status"] == "ok", "%s: %s %s: %s" % (label, r["id"],
                                                      r["status"],
                                                      r["reason"]))
    with open(os.path.join(out, "results.json")) as f:
        doc = json.load(f)
    check(doc["complete"] is True and len(doc["cases"]) == CASES,
          label + ": results.json complete")


def leftovers(pids, tmpdir):
    found = list(os.listdir(tmpdir))
    for pid in pids:
        found += [n for n in os.listdir("/dev/shm")
                  if n.startswith("ipcbench.%d." % pid)]
    return found


def main():
    tmp = tempfile.mkdtemp(prefix="ipcbench-concurrent.")
    tmpdir = os.path.join(tmp, "tmp")
    os.mkdir(tmpdir)
    root = os.path.join(tmp, "results")
    env = dict(os.environ, TMPDIR=tmpdir, IPCBENCH_RESULTS=root)
    try:
        procs = run_pair([[], []], env)
        for i, p in enumerate(procs):
            check(p.returncode == 0, "default output run %d: exit %d: %s" %
                  (i, p.returncode, p.err[-2000:]))
        runs = sorted(n for n in os.listdir(root) if n != "latest")
        check(len(runs) == 2, "two run directories: %s" % runs)
        for n in runs:
            check_run(os.path.join(root, n), n)
        latest = os.path.join(root, "latest")
        check(os.path.islink(latest) and os.readlink(latest) in runs,
              "results/latest -> %s" % (os.path.islink(latest) and
                                        os.readlink(latest)))
        check(not [n for n in os.listdir(root) if ".new" in n],
              "a temporary latest link is left")
        left = leftovers([p.pid for p in procs], tmpdir)
        check(not left, "left behind: %s" % left)

        outs = [os.path.join(tmp, "a"), os.path.join(tmp, "b")]
        procs = run_pair([["-o", outs[0]], ["-o", outs[1]]], env)
        for out, p in zip(outs, procs):
            check(p.returncode == 0, "%s: exit %d: %s" %
                  (out, p.returncode, p.err[-2000:]))
            check_run(out, out)
        left = leftovers([p.pid for p in procs], tmpdir)
        check(not left, "left behind: %s" % left)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
