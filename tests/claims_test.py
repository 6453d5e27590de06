#!/usr/bin/python3
"""claims_test.py - `ipcbench claims [DIR]` as a user runs it.

Usage: claims_test.py BUILD/ipcbench

On a quick real run (pipe, fifo, uds, tcp, shm with semaphores and
spinning, udp/mq/uds with a receiver stall; -r 3): every claim prints a
verdict from the allowed set, the message-queue experiment holds, the
numbers of each comparison are the medians of repetitions.csv and their
ratio, the JSON says what the text says, and the experiment leaves
nothing in /dev/shm, the mq namespace (when /dev/mqueue is mounted) or
$TMPDIR.  A run without data gives "not measured" with the command to
run; one without repetitions says its verdicts rest on a single run; the
default DIR follows $IPCBENCH_RESULTS/latest; a bad DIR exits 2 with one
line.  Verdicts themselves are not asserted (the machine decides them),
except the experiment's.  Prints "N passed, N failed".
"""
import csv
import json
import os
import re
import shutil
import statistics
import sys

import pycheck
from pycheck import check

EXE = sys.argv[1]
VERDICTS = ("holds", "does not hold", "not significant", "not measured")
N_CLAIMS = 9
SUITE = """name: claims-test
iterations: 1000
warmup: 100
repetitions: 3
timeout_s: 30
runs:
  - transports: [pipe, fifo, uds, tcp, shm]
    workloads: [pingpong, throughput]
    sizes: [64]
    placements: [same-cpu, cross-cpu]
  - transports: [shm]
    workloads: [pingpong]
    sizes: [64]
    placements: [same-cpu, cross-cpu]
    wait: spin
  - transports: [udp, mq, uds]
    workloads: [throughput]
    sizes: [4K]
    placements: [cross-cpu]
    iterations: 4000
    rate: 20000
    stall_ms: 100
"""


def run(*args, env=None):
    return pycheck.run([EXE] + list(args), env)


def named_objects():
    found = set()
    for d in ("/dev/shm", "/dev/mqueue", os.environ.get("TMPDIR") or "/tmp"):
        if os.path.isdir(d):
            found |= {os.path.join(d, n) for n in os.listdir(d)
                      if n.startswith("ipcbench.")}
    return found


def verdicts(text):
    """[(claim number, verdict)] from the text output."""
    return re.findall(r"^(\d+)\. .*\n   verdict: (holds|does not hold|"
                      r"not significant|not measured): ", text, re.M)


def rep_values(d):
    vals = {}
    with open(os.path.join(d, "repetitions.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["status"] == "ok":
                vals.setdefault(r["id"], []).append(r)
    return vals


def check_numbers(d, data):
    """Each comparison's medians are those of repetitions.csv."""
    reps = rep_values(d)
    n = 0
    for c in data["claims"]:
        for k in c["comparisons"]:
            col = k["figure"]
            a = statistics.median(float(r[col]) for r in reps[k["a_id"]])
            b = statistics.median(float(r[col]) for r in reps[k["b_id"]])
            ok = (abs(k["a_median"] - a) <= 0.05 + 1e-9 * a
                  and abs(k["b_median"] - b) <= 0.05 + 1e-9 * b
                  and (a == 0 or abs(k["ratio"] - b / a) < 1e-3)
                  and k["a_n"] == len(reps[k["a_id"]]))
            check(ok, "%s: %s vs %s %s: %r, want %s %s" % (
                c["key"], k["a_id"], k["b_id"], col, k, a, b))
            line = c["evidence"][k["evidence_line"]]
            check(k["a_label"] in line and k["b_label"] in line,
                  "evidence line of a comparison: %r" % line)
            n += 1
    check(n >= 10, "the run gave comparisons: %d" % n)


def test_real(tmp):
    d = os.path.join(tmp, "run")
    suite = os.path.join(tmp, "suite.yaml")
    with open(suite, "w") as f:
        f.write(SUITE)
    r = run("run", suite, "-q", "-o", d)
    if not check(r.returncode == 0, "ipcbench run: %s" % r.stderr):
        return None
    before = named_objects()
    r = run("claims", d)
    after = named_objects()
    check(r.returncode == 0 and r.stderr == "", "claims: %s" % r.stderr)
    found = verdicts(r.stdout)
    check(len(found) == N_CLAIMS and all(v in VERDICTS for _, v in found),
          "a verdict for every claim: %s\n%s" % (found, r.stdout))
    check("Message queues decouple" in r.stdout and re.search(
        r"Message queues decouple.*\n   verdict: holds: ", r.stdout),
        "the mq experiment holds: %s" % r.stdout)
    check("4 of the 4 messages, 4 intact" in r.stdout, "all 4 messages back")
    check("No such device or address" in r.stdout,
          "a FIFO without a reader: ENXIO")
    check(after <= before, "claims left objects: %s" % sorted(after - before))
    j = run("claims", d, "-f", "json")
    try:
        data = json.loads(j.stdout)
    except ValueError as e:
        check(False, "claims -f json: %s: %r" % (e, j.stdout[:300]))
        return d
    check(j.returncode == 0 and data["schema"] == "ipcbench-claims-1"
          and data["repetitions"] == 3, "json header")
    cl = data["claims"]
    check(len(cl) == N_CLAIMS and len({c["key"] for c in cl}) == N_CLAIMS,
          "json: %d claims with unique keys" % len(cl))
    check([c["verdict"] for c in cl] == [v for _, v in found],
          "json and text agree: %s" % [c["verdict"] for c in cl])
    for c in cl:
        check(c["verdict"] in VERDICTS and c["claim"] and c["rule"]
              and c["why"], "json claim %s" % c["key"])
        check(len(c["evidence_bears"]) == len(c["evidence"]) and set(
            c["evidence_bears"]) <= {"supports", "contradicts",
                                     "not significant", "context"},
            "%s: how each line bears on the claim" % c["key"])
        if c["verdict"] != "not measured" and c["key"] != "mq-persistence":
            check(c["evidence"], "%s: a verdict with evidence" % c["key"])
    byk = {c["key"]: c for c in cl}
    check(byk["mq-persistence"]["verdict"] == "holds", "json: mq holds")
    check(any("lost" in e for e in byk["loss"]["evidence"]),
          "the loss claim read the stalled cases: %s" % byk["loss"])
    check(any("wait=spin" in e for e in byk["placement-spinning"]["evidence"]),
          "the spinning claim read the spin cases")
    check_numbers(d, data)
    return d


def test_no_data(tmp, full):
    """A run with no cases: not measured, with the command to run."""
    d = os.path.join(tmp, "nodata")
    os.makedirs(d)
    with open(os.path.join(full, "summary.csv")) as f:
        header = f.readline()
    with open(os.path.join(d, "summary.csv"), "w") as f:
        f.write(header)
    r = run("claims", d)
    found = dict(verdicts(r.stdout))
    check(r.returncode == 0 and len(found) == N_CLAIMS, "no data: %s" % r.stdout)
    check(list(found.values()).count("not measured") == N_CLAIMS - 1
          and found.get("5") == "holds",
          "no data: every claim but the experiment not measured: %s" % found)
    check(r.stdout.count("   needs: ") == N_CLAIMS - 1
          and "needs: throughput cases of udp (and mq, uds) with a receiver stall: "
              "ipcbench run -t udp,mq,uds -w throughput --rate 20000 --stall-ms 100 -s 4K"
          in r.stdout, "no data: the commands that measure them")


def test_single_run(tmp, full):
    d = os.path.join(tmp, "single")
    os.makedirs(d)
    for name in ("summary.csv", "results.json"):
        shutil.copy(os.path.join(full, name), d)
    r = run("claims", d)
    check(r.returncode == 0 and "one repetition each" in r.stdout
          and "rests on a single run" in r.stdout, "single run: %s" % r.stdout)


def test_default_and_bad(tmp, full):
    root = os.path.join(tmp, "root")
    os.makedirs(root)
    r = run("claims", env={"IPCBENCH_RESULTS": root})
    lines = r.stderr.splitlines()
    check(r.returncode == 2 and len(lines) == 1 and root + "/latest" in lines[0]
          and "ipcbench run" in lines[0], "no latest: %r" % r.stderr)
    os.symlink(full, os.path.join(root, "latest"))
    r = run("claims", env={"IPCBENCH_RESULTS": root})
    check(r.returncode == 0 and len(verdicts(r.stdout)) == N_CLAIMS,
          "default DIR is $IPCBENCH_RESULTS/latest: %s" % r.stderr)
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    with open(os.path.join(bad, "summary.csv"), "w") as f:
        f.write('id,transport,workload,status\nx,pipe,"pingpong\n')
    for args, want in ((["claims", os.path.join(tmp, "nope")], "nope"),
                       (["claims", bad], bad + "/summary.csv:2"),
                       (["claims", full, "-f", "csv"], "--format csv"),
                       (["claims", full, full], "unexpected argument")):
        r = run(*args)
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and len(lines) == 1 and want in lines[0],
              "%s: exit %d, %r" % (args, r.returncode, r.stderr))


def tests(tmp):
    full = test_real(tmp)
    if full:
        test_no_data(tmp, full)
        test_single_run(tmp, full)
        test_default_and_bad(tmp, full)


if __name__ == "__main__":
    sys.exit(pycheck.main("ipcbench-claims-test.", tests))
