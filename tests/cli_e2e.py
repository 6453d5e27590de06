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
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from pycheck import check, listing, summary

EXE, DATA = sys.argv[1], sys.argv[2]
LIST = listing(EXE)
TRANSPORTS = [t["name"] for t in LIST["transports"]]
WORKLOADS = [w["name"] for w in LIST["workloads"]]


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
    for w in WORKLOADS:
        check(w in r.stdout, "list shows " + w)
    check(("placements: %s\n" % ", ".join(LIST["placements"])) in r.stdout,
          "list and list -f json: the same placements")
    check(LIST["format"] == "ipcbench-list-1" and
          all(t["summary"] in r.stdout for t in LIST["transports"]),
          "list -f json: the transports' summaries of list")


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
        (["run", "--rate", "1000", "-w", "pingpong"],
         "--rate: workload 'pingpong' is a closed loop"),
        (["run", "-w", "throughput", "--stall-ms", "5x"], "--stall-ms: '5x'"),
        (["run", "-s", "64..1M*1"], "--size: '64..1M*1': the step"),
        (["run", "-s", "1M..64"], "--size: '1M..64': the range ends below"),
        (["run", "-r", "0"], "--repetitions: '0' is out of range"),
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


# Where each bad fixture must be blamed: line and key (None: no key, the
# file itself).  A fixture not listed here still needs FILE:LINE.
BAD_AT = {
    "bad_typo_key": (3, "trasnports"), "bad_unknown_top": (2, "iteration"),
    "bad_size_junk": (5, "sizes"), "bad_size_small": (4, "sizes"),
    "bad_size_fraction": (3, "sizes"), "bad_size_negative": (3, "sizes"),
    "bad_size_octal": (4, "sizes"), "bad_size_large": (3, "sizes"),
    "bad_iterations_zero": (3, "iterations"),
    "bad_iterations_junk": (1, "iterations"),
    "bad_warmup_negative": (2, "warmup"), "bad_timeout": (1, "timeout_s"),
    "bad_timeout_zero": (1, "timeout_s"), "bad_not_yaml": (2, None),
    "bad_transport": (2, "transports"), "bad_workload": (3, "workloads"),
    "bad_placement": (5, "placements"), "bad_verify": (2, "verify"),
    "bad_dup_key": (4, "sizes"), "bad_dup_item": (5, "transports"),
    "bad_dup_size": (3, "sizes"), "bad_option_not_taken": (5, "wait"),
    "bad_option_value": (3, "wait"), "bad_option_junk": (3, "queue_depth"),
    "bad_option_empty": (4, "wait"), "bad_no_runs": (1, "runs"),
    "bad_runs_empty": (2, "runs"), "bad_no_transports": (3, "transports"),
    "bad_empty_list": (3, "sizes"), "bad_list_scalar": (3, "sizes"),
    "bad_run_scalar": (3, "runs"), "bad_type_list": (4, "iterations"),
    "bad_type_mapping": (2, "name"), "bad_two_docs": (3, None),
    "bad_tab": (3, None), "bad_name_long": (1, "name"),
    "bad_empty": (0, None), "bad_comments": (0, None),
}
# Closed sets: the message lists the valid choices.
BAD_CHOICES = {"bad_transport": "valid: " + ", ".join(TRANSPORTS),
               "bad_workload": "valid: " + ", ".join(WORKLOADS),
               "bad_placement": "valid: " + ", ".join(LIST["placements"]),
               "bad_verify": "valid: seq, full",
               "bad_typo_key": "valid: transports, workloads, sizes",
               "bad_option_not_taken": "it takes: pipe_size"}


def as_nobody():
    import pwd
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


def created_by(pid, tmp, before):
    """What a run made: IPC objects named after pid, new TMPDIR entries."""
    made = [n for n in os.listdir("/dev/shm")
            if n.startswith("ipcbench.%d." % pid)]
    return made + sorted(set(os.listdir(tmp)) - before)


def test_bad_input_everywhere(tmp):
    """Every item of the bad-input list against the binary: exit 2, one
    line "ipcbench: FILE:LINE: key 'KEY': ..." (or the flag), nothing made."""
    root = os.path.join(tmp, "never2")
    env = dict(os.environ, IPCBENCH_RESULTS=root)
    fixtures = sorted(f for f in os.listdir(DATA) if f.startswith("bad_"))
    check(len(fixtures) >= len(BAD_AT), "fixtures missing in " + DATA)

    def bad(args, pattern, label, preexec=None, exe=EXE):
        before = set(os.listdir(tmp))
        p = subprocess.Popen([exe] + args, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env,
                             preexec_fn=preexec)
        out, err = p.communicate(timeout=60)
        check(p.returncode == 2, "%s: exit %d, want 2: %s" %
              (label, p.returncode, err))
        check(re.fullmatch(pattern, err, re.S) is not None,
              "%s: %r does not match %r" % (label, err, pattern))
        check(err.count("\n") == 1 and out == "",
              "%s: not one line: %r %r" % (label, out, err))
        made = created_by(p.pid, tmp, before)
        check(not made, "%s: created %s" % (label, made))
        return err

    for f in fixtures:
        path = os.path.join(DATA, f)
        line, key = BAD_AT.get(f[:-5], (-1, None))
        if line == 0:
            pat = re.escape(path) + ": the suite is empty"
        else:
            pat = re.escape(path) + ":" + (str(line) if line > 0 else
                                           r"[1-9][0-9]*") + ": "
            pat += ("key '%s': " % re.escape(key)) if key else ""
            pat += ".+" if line > 0 else r"(key '[^']+': )?.+"
        err = bad(["run", path], "ipcbench: " + pat + "\n", f)
        if f[:-5] in BAD_CHOICES:
            check(BAD_CHOICES[f[:-5]] in err, "%s: %r lacks the choices %r" %
                  (f, err, BAD_CHOICES[f[:-5]]))

    missing = os.path.join(tmp, "missing.yaml")
    bad(["run", missing], "ipcbench: %s: .*No such file or directory\n" %
        re.escape(missing), "missing file")
    bad(["run", tmp], "ipcbench: %s: is a directory, not a suite file\n" %
        re.escape(tmp), "a directory")
    notfile = os.path.join(tmp, "afile")
    open(notfile, "w").close()
    bad(["run", "-t", "pipe", "-n", "10", "-o", os.path.join(notfile, "x")],
        "ipcbench: --output: cannot create '%s': Not a directory\n" %
        re.escape(os.path.join(notfile, "x")), "--output under a file")
    env2 = dict(env, IPCBENCH_RESULTS=os.path.join(notfile, "r"))
    p = subprocess.run([EXE, "run", "-t", "pipe", "-n", "10"], env=env2,
                       capture_output=True, text=True)
    check(p.returncode == 2 and re.fullmatch(
        r"ipcbench: cannot create the results directory: cannot create '%s': "
        r"Not a directory \(set IPCBENCH_RESULTS or use --output\)\n" %
        re.escape(os.path.join(notfile, "r")), p.stderr) is not None,
        "unwritable IPCBENCH_RESULTS: %d %r" % (p.returncode, p.stderr))
    for args, flag in ((["-s", "64abc"], "--size: '64abc'"),
                       (["-s", "0"], "--size: '0' is too small"),
                       (["-s", "128M"], "--size: '128M' is out of range"),
                       (["-n", "-5"], "--iterations: '-5' is not a whole"),
                       (["-n", "0"], "--iterations: '0' is out of range"),
                       (["-n", "1e3"], "--iterations: '1e3' is not a whole"),
                       (["--warmup", "10x"], "--warmup: '10x'"),
                       (["--timeout", "0"], "--timeout: '0' is out of range"),
                       (["-t", "pipe,pipe"], "--transport: 'pipe' is listed twice"),
                       (["-w", "ping"], "--workload: 'ping' is not a workload (valid: pingpong, throughput)"),
                       (["-p", "other"], "--placement: 'other' is not a placement (valid: same-cpu, cross-cpu, unpinned)"),
                       (["-t", "udp", "-O", "pipe_size=4K"], "--option pipe_size=4K: transport 'udp' does not take option 'pipe_size'"),
                       (["-t", "mq", "-O", "queue_depth=0"], "--option queue_depth=0: transport 'mq': 0 is out of range"),
                       (["-f", "xml"], "--format: 'xml' is not a format (valid: table, csv, json)"),
                       (["-o", ""], "--output: '' is not a usable path"),
                       (["-s", "64\nx"], "--size: '64?x' is not a size")):
        bad(["run"] + args, "ipcbench: " + re.escape(flag) + ".*\n",
            " ".join(args))
    check(not os.path.exists(root), "bad input created " + root)

    # Root reads every file: a user who cannot, as nobody.
    if os.getuid() != 0:
        unreadable = os.path.join(tmp, "unreadable.yaml")
        shutil.copy(os.path.join(DATA, "good_minimal.yaml"), unreadable)
        os.chmod(unreadable, 0)
        bad(["run", unreadable], "ipcbench: %s: .*Permission denied\n" %
            re.escape(unreadable), "unreadable file")
        return
    pub = tempfile.mkdtemp(prefix="ipcbench-cli-nobody.")
    try:
        os.chmod(pub, 0o755)
        exe = os.path.join(pub, "ipcbench")
        shutil.copy(EXE, exe)
        os.chmod(exe, 0o755)
        unreadable = os.path.join(pub, "unreadable.yaml")
        shutil.copy(os.path.join(DATA, "good_minimal.yaml"), unreadable)
        os.chmod(unreadable, 0o600)
        bad(["run", unreadable], "ipcbench: %s: .*Permission denied\n" %
            re.escape(unreadable), "unreadable file (as nobody)",
            preexec=as_nobody, exe=exe)
        locked = os.path.join(pub, "locked", "out")
        os.mkdir(os.path.dirname(locked), 0o755)
        bad(["run", "-t", "pipe", "-n", "10", "-o", locked],
            "ipcbench: --output: cannot create '%s': Permission denied\n" %
            re.escape(locked), "unwritable --output (as nobody)",
            preexec=as_nobody, exe=exe)
        check(os.listdir(os.path.dirname(locked)) == [],
              "unwritable --output: something was made")
    finally:
        shutil.rmtree(pub, ignore_errors=True)


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


def test_open_loop(tmp):
    """A paced stream with one receiver stall: latency from the slot shows
    the stall in every delayed message; latency from the send hides it."""
    out = os.path.join(tmp, "paced")
    r = run(["run", "-t", "mq", "-w", "throughput", "-s", "4K", "-p",
             "cross-cpu", "--rate", "20000", "--stall-ms", "100", "-n",
             "10000", "--warmup", "500", "-o", out, "-q", "-f", "csv"])
    check(r.returncode == 0, "paced run exit %d: %s" % (r.returncode,
                                                       r.stderr))
    with open(os.path.join(out, "summary.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 1 and rows[0]["status"] == "ok", "paced case ok")
    row = rows[0]
    check(row["latency_from"] == "slot" and row["rate"] == "20000",
          "paced row says what latency counts from")
    corrected, raw = int(row["p99_ns"]), int(row["uncorrected_p99_ns"])
    # 100 ms at 20000/s holds ~2000 messages back: p99 from the slot is tens
    # of ms; the queue holds 10, so p99 from the send stays far below.
    check(corrected > 10 * raw and corrected > 10000000,
          "corrected p99 %d ns, uncorrected %d ns" % (corrected, raw))
    check(int(row["missed_slots"]) > 0, "missed slots counted")
    check(os.path.exists(os.path.join(out, "hgrm", row["id"] +
                                      ".uncorrected.hgrm")),
          "uncorrected histogram saved")
    steps = [int(x["size_bytes"]) for x in
             csv.DictReader(run(["run", "-t", "pipe", "-w", "pingpong", "-p",
                                 "same-cpu", "-s", "64..1K*4", "-n", "10",
                                 "--warmup", "0", "-q", "-f", "csv", "-o",
                                 os.path.join(tmp, "range")]).stdout
                            .splitlines())]
    check(steps == [64, 256, 1024], "size range 64..1K*4 gives %s" % steps)


def test_repetitions(tmp):
    """-r 3: each case three times, round robin; medians and spread in
    summary.csv, every repetition in repetitions.csv and results.json, the
    histograms merged."""
    out = os.path.join(tmp, "reps")
    n = 2000
    r = run(["run", "-t", "pipe,uds", "-w", "pingpong", "-s", "64", "-p",
             "same-cpu", "-n", str(n), "-r", "3", "-o", out, "-q"])
    check(r.returncode == 0, "reps run exit %d: %s" % (r.returncode,
                                                      r.stderr))
    with open(os.path.join(out, "repetitions.csv")) as f:
        reps = list(csv.DictReader(f))
    order = [(x["repetition"], x["transport"]) for x in reps]
    check(order == [("1", "pipe"), ("1", "uds"), ("2", "pipe"), ("2", "uds"),
                    ("3", "pipe"), ("3", "uds")],
          "repetitions interleaved round robin: %s" % order)
    with open(os.path.join(out, "summary.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 2, "one summary row per case")
    for row in rows:
        mine = sorted(int(x["p50_ns"]) for x in reps
                      if x["id"] == row["id"])
        check(row["repetitions"] == "3" and row["repetitions_ok"] == "3",
              row["id"] + " counts its repetitions")
        check(int(row["p50_ns"]) == mine[1],
              "%s p50 %s is the median of %s" % (row["id"], row["p50_ns"],
                                                 mine))
        check(float(row["p50_ns_min"]) == mine[0] and
              float(row["p50_ns_max"]) == mine[2], row["id"] + " range")
        lo, hi = float(row["p50_ns_ci95_lo"]), float(row["p50_ns_ci95_hi"])
        check(lo <= sum(mine) / 3.0 <= hi, row["id"] + " CI holds the mean")
        check(row["noisy"] in ("yes", "no"), row["id"] + " noisy flag")
        total = hgrm_total(os.path.join(out, "hgrm", row["id"] + ".hgrm"))
        check(total == 3 * n, "%s merged hgrm counts %s" % (row["id"], total))
    with open(os.path.join(out, "results.json")) as f:
        doc = json.load(f)
    check(doc["suite"]["repetitions"] == 3, "suite records repetitions")
    for case in doc["cases"]:
        check(len(case["runs"]) == 3 and case["repetitions_ok"] == 3,
              case["id"] + " lists its repetitions")
        spread = [k for k in case if k.endswith(("_min", "_max", "_ci95_lo",
                                                 "_ci95_hi"))]
        check(len(spread) == 12 and all(case[k] is not None for k in spread),
              case["id"] + " spread of p50, p99 and msg/s: %r" % spread)
        check(all(run["repetition"] == i + 1 and "p50_ns" in run
                  and "client" in run for i, run in enumerate(case["runs"])),
              case["id"] + " runs carry their figures")


def main():
    tmp = tempfile.mkdtemp(prefix="ipcbench-cli-test.")
    os.environ["TMPDIR"] = tmp
    try:
        for t in (test_basics, test_bad_input, test_bad_input_everywhere,
                  test_run,
                  test_formats_and_latest, test_suite_file, test_interrupt,
                  test_open_loop, test_repetitions):
            t(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
