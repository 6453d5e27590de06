#!/usr/bin/python3
"""cli_e2e.py - ipcbench as a user runs it.

Usage: cli_e2e.py BUILD/ipcbench TESTS/data

Checks the exit codes (0 ok, 1 a case failed, 2 usage/config, 128+N signal),
that bad input creates nothing, that a run writes summary.csv, results.json
and one .hgrm per case with exactly the measured count, that results/latest
follows the newest run, and that Ctrl-C keeps the finished cases in valid
files and leaves no IPC object behind.  Prints "N passed, N failed".
"""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

EXE, DATA = sys.argv[1], sys.argv[2]
TRANSPORTS = ["pipe", "fifo", "uds", "tcp", "udp", "shm", "mq"]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, file=sys.stderr)


def run(args, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([EXE] + args, capture_output=True, text=True,
                          env=e, timeout=240, **kw)


def leftovers(pid_prefix="ipcbench."):
    found = []
    for d in ("/dev/shm", "/dev/mqueue", os.environ.get("TMPDIR", "/tmp")):
        if os.path.isdir(d):
            found += [os.path.join(d, n) for n in os.listdir(d)
                      if n.startswith(pid_prefix)]
    return found


def hgrm_total(path):
    """TotalCount from the footer of an HdrHistogram .hgrm file."""
    with open(path) as f:
        for line in f:
            if line.startswith("#[Max"):
                return int(line.split("Total count")[1].split("=")[1]
                           .strip().rstrip("]"))
    return None


def test_basics(tmp):
    r = run(["--help"])
    check(r.returncode == 0 and "usage: ipcbench" in r.stdout, "--help")
    r = run(["--version"])
    check(r.returncode == 0 and r.stdout.startswith("ipcbench "), "--version")
    r = run(["list"])
    check(r.returncode == 0, "list exits 0")
    for t in TRANSPORTS:
        check(("  %s " % t) in r.stdout, "list shows " + t)
    for w in ("pingpong", "throughput"):
        check(w in r.stdout, "list shows " + w)


def test_bad_input(tmp):
    """Every bad input: exit 2, one line naming the problem, nothing made."""
    root = os.path.join(tmp, "never")
    env = {"IPCBENCH_RESULTS": root}
    bad = [
        (["run", "-s", "64abc"], "--size: '64abc'"),
        (["run", "-t", "pipez"], "--transport: 'pipez'"),
        (["run", "-p", "same_cpu"], "--placement: 'same_cpu'"),
        (["run", "-n", "0"], "--iterations"),
        (["run", "-O", "wait=spin", "-t", "pipe"], "does not take option 'wait'"),
        (["run", "--bogus"], "unknown flag '--bogus'"),
        (["run", os.path.join(DATA, "no-such-file.yaml")], "no-such-file.yaml"),
        (["frobnicate"], "unknown command 'frobnicate'"),
    ]
    typo = os.path.join(tmp, "typo.yaml")
    with open(typo, "w") as f:
        f.write("iterations: 100\nruns:\n  - transports: [pipe]\n"
                "    sizez: [64]\n")
    bad.append((["run", typo], typo + ":4"))
    badval = os.path.join(tmp, "badval.yaml")
    with open(badval, "w") as f:
        f.write("runs:\n  - transports: [pipe]\n    sizes: [64, 4Q]\n")
    bad.append((["run", badval], badval + ":3"))
    for args, want in bad:
        r = run(args, env)
        line = r.stderr.strip()
        check(r.returncode == 2, "%s: exit %d, want 2" % (args, r.returncode))
        check(want in line, "%s: message %r lacks %r" % (args, line, want))
        check("\n" not in line, "%s: one line, got %r" % (args, line))
    check(not os.path.exists(root), "bad input created " + root)
    nonempty = os.path.join(tmp, "nonempty")
    os.makedirs(nonempty)
    open(os.path.join(nonempty, "keep"), "w").close()
    r = run(["run", "-t", "pipe", "-n", "10", "-o", nonempty])
    check(r.returncode == 2 and "--output" in r.stderr, "non-empty --output")
    check(os.listdir(nonempty) == ["keep"], "non-empty --output untouched")


def test_run(tmp):
    """The issue's acceptance run: pipe, fifo, uds x both workloads."""
    out = os.path.join(tmp, "run")
    n = 20000
    r = run(["run", "-t", "pipe,fifo,uds", "-w", "pingpong,throughput",
             "-s", "64,4K", "-n", str(n), "-o", out, "-q"])
    check(r.returncode == 0, "run exit %d: %s" % (r.returncode, r.stderr))
    with open(os.path.join(out, "summary.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 3 * 2 * 2 * 2, "rows: %d" % len(rows))
    for col in ("transport", "workload", "size_bytes", "placement", "status",
                "iterations", "latency", "min_ns", "p50_ns", "p90_ns",
                "p99_ns", "p999_ns", "max_ns", "mean_ns", "msgs_per_sec",
                "bytes_per_sec"):
        check(col in rows[0], "summary.csv has " + col)
    for row in rows:
        check(row["status"] == "ok", "%s: %s %s" % (row["id"], row["status"],
                                                   row["reason"]))
        want = "rtt" if row["workload"] == "pingpong" else "one-way"
        check(row["latency"] == want, row["id"] + " latency label")
        total = hgrm_total(os.path.join(out, "hgrm", row["id"] + ".hgrm"))
        check(total == n, "%s.hgrm counts %s, want %d" % (row["id"], total, n))
        p = [int(row[k]) for k in ("min_ns", "p50_ns", "p90_ns", "p99_ns",
                                   "p999_ns", "max_ns")]
        check(p == sorted(p) and p[0] > 0, row["id"] + " percentiles ordered")
    with open(os.path.join(out, "results.json")) as f:
        doc = json.load(f)
    check(doc["complete"] is True, "results.json complete")
    check(len(doc["cases"]) == len(rows), "results.json cases")
    env = doc["environment"]
    for key in ("kernel", "cpu_model", "cpus_online", "compiler", "version",
                "time_utc", "sample_overhead_ns"):
        check(key in env, "environment has " + key)
    check(doc["suite"]["runs"][0]["iterations"] == n,
          "resolved suite records the --iterations override")


def test_formats_and_latest(tmp):
    root = os.path.join(tmp, "results")
    env = {"IPCBENCH_RESULTS": root}
    r = run(["run", "-t", "pipe", "-w", "pingpong", "-s", "64", "-p",
             "unpinned", "-n", "100", "-f", "csv", "-q"], env)
    check(r.returncode == 0, "csv run: " + r.stderr)
    rows = list(csv.DictReader(r.stdout.splitlines()))
    check(len(rows) == 1 and rows[0]["status"] == "ok", "csv on stdout")
    r = run(["run", "-t", "uds", "-w", "throughput", "-s", "64", "-p",
             "unpinned", "-n", "100", "-f", "json", "-q"], env)
    check(r.returncode == 0, "json run: " + r.stderr)
    doc = json.loads(r.stdout)
    check(doc["cases"][0]["transport"] == "uds", "json on stdout")
    latest = os.path.join(root, "latest")
    check(os.path.islink(latest), "results/latest is a symlink")
    with open(os.path.join(latest, "results.json")) as f:
        check(json.load(f)["cases"][0]["transport"] == "uds",
              "latest points at the newest run")


def test_suite_file(tmp):
    r = run(["run", os.path.join(DATA, "..", "..", "bench", "quick.yaml"),
             "-o", os.path.join(tmp, "quick"), "-q", "-n", "200"])
    check(r.returncode == 0, "quick.yaml: " + r.stderr)


def test_interrupt(tmp):
    """SIGINT mid-run: finished cases stay, files valid, nothing left."""
    out = os.path.join(tmp, "interrupted")
    e = dict(os.environ)
    p = subprocess.Popen([EXE, "run", "-t", "pipe,uds,shm,mq,fifo", "-s",
                          "64,4K", "-n", "200000", "-o", out, "-q"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=e)
    csvp = os.path.join(out, "summary.csv")
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.path.exists(csvp) and sum(1 for _ in open(csvp)) >= 2:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=60)
    check(p.returncode == 128 + signal.SIGINT,
          "SIGINT exit %d: %s" % (p.returncode, stderr))
    with open(os.path.join(out, "results.json")) as f:
        doc = json.load(f)
    check(doc["interrupted"] is True and doc["complete"] is False,
          "results.json says interrupted")
    with open(csvp) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) >= 1 and rows[0]["status"] == "ok",
          "the finished case is kept")
    check(len(rows) == len(doc["cases"]), "csv and json agree")
    check("stopped by signal 2" in stderr, "says it was stopped")
    left = leftovers("ipcbench.%d." % p.pid)
    check(not left, "left behind: %s" % left)


def main():
    tmp = tempfile.mkdtemp(prefix="ipcbench-cli-test.")
    os.environ["TMPDIR"] = tmp
    try:
        for t in (test_basics, test_bad_input, test_run,
                  test_formats_and_latest, test_suite_file, test_interrupt):
            t(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
