#!/usr/bin/python3
"""explain_test.py - `ipcbench explain` as a user runs it.

Usage: explain_test.py BUILD/ipcbench

Without an argument: one line for every registered transport (names from
`ipcbench list`) and how to pick.  For each transport: exit 0, every
section heading in order, its options, no line wider than 76 columns.  An
unknown name, --results without a name, an unreadable directory and stray
arguments: exit 2 with the reason on stderr and nothing on stdout.  With
--results on a tiny real run: every case of the transport appears, an ok
case with exactly the p50, p99, msg/s, MB/s and cpu/msg of its
summary.csv row (formatted as the table formats them), a skipped one with
its reason.  Prints "N passed, N failed".
"""
import csv
import re
import sys

from pycheck import check, listing, main, run as pyrun

EXE = sys.argv[1]
WIDTH = 76
HEADINGS = ["Mechanism", "Per message: system calls and copies",
            "Who waits, and how the peer is woken",
            "Message boundaries and delivery", "Names, lifetime and cleanup",
            "Limits, and how to read them", "When to choose it", "Pitfalls"]


def run(*args):
    return pyrun([EXE] + list(args), timeout=120)


def transports():
    """Names and option keys, from `ipcbench list -f json`."""
    ts = listing(EXE)["transports"]
    return ([t["name"] for t in ts],
            {t["name"]: [o["key"] for o in t["options"]] for t in ts})


def fmt_ns(ns):
    """harness/util.c format_ns()."""
    if ns < 1e3:
        return "%.0f ns" % ns
    if ns < 1e6:
        return "%.2f us" % (ns / 1e3)
    if ns < 1e9:
        return "%.2f ms" % (ns / 1e6)
    return "%.2f s" % (ns / 1e9)


def fmt_rate(v):
    """harness/util.c format_rate()."""
    if v >= 1e6:
        return "%.2f M" % (v / 1e6)
    if v >= 1e3:
        return "%.1f k" % (v / 1e3)
    return "%.0f" % v


def fmt_size(b):
    """harness/util.c format_size()."""
    for unit in ("B", "KiB", "MiB"):
        if b < 1024 or b % 1024:
            return "%d %s" % (b, unit)
        b //= 1024
    return "%d GiB" % b


def expect_usage_error(args, needle):
    r = run(*args)
    check(r.returncode == 2, "explain %s: exit %d, want 2" %
          (" ".join(args), r.returncode))
    check(r.stdout == "", "explain %s printed to stdout: %r" %
          (" ".join(args), r.stdout[:200]))
    check(needle in r.stderr, "explain %s: %r not in stderr %r" %
          (" ".join(args), needle, r.stderr))


def test_overview(names):
    r = run("explain")
    check(r.returncode == 0, "explain: exit %d" % r.returncode)
    lines = r.stdout.splitlines()
    for n in names:
        check(any(re.match(r"  %s\s" % re.escape(n), l) for l in lines),
              "explain: no overview line for %s" % n)
    check("How to pick" in r.stdout, "explain: no 'How to pick'")
    wide = [l for l in lines if len(l) > WIDTH]
    check(not wide, "explain: lines wider than %d: %r" % (WIDTH, wide))


def test_lesson(name, options):
    r = run("explain", name)
    check(r.returncode == 0, "explain %s: exit %d" % (name, r.returncode))
    lines = r.stdout.splitlines()
    check(lines and lines[0].startswith(name + " - "),
          "explain %s: first line %r" % (name, lines[:1]))
    at = [lines.index(h) if h in lines else -1 for h in HEADINGS]
    check(all(i > 0 for i in at), "explain %s: missing headings %r" %
          (name, [h for h, i in zip(HEADINGS, at) if i < 0]))
    check(at == sorted(at), "explain %s: headings out of order" % name)
    for i in at:
        if i > 0:
            check(i + 1 < len(lines) and lines[i + 1].startswith("  ") and
                  lines[i + 1].strip(),
                  "explain %s: section %r is empty" % (name, lines[i]))
    for key in options:
        check(re.search(r"^  - %s \(default " % re.escape(key), r.stdout,
                        re.M),
              "explain %s: option %s not listed" % (name, key))
    wide = [l for l in lines if len(l) > WIDTH]
    check(not wide, "explain %s: lines wider than %d: %r" %
          (name, WIDTH, wide))


def test_results(tmp):
    out = tmp + "/run"
    r = run("run", "-t", "pipe,udp", "-w", "pingpong,throughput",
            "-s", "64,64K", "-p", "same-cpu,cross-cpu", "-n", "200",
            "--warmup", "10", "-r", "2", "-q", "-o", out)
    if not check(r.returncode == 0, "tiny run: exit %d: %s" %
                 (r.returncode, r.stderr)):
        return
    with open(out + "/summary.csv") as f:
        rows = list(csv.DictReader(f))
    for name in ("pipe", "udp"):
        r = run("explain", name, "--results", out)
        check(r.returncode == 0, "explain %s --results: exit %d: %s" %
              (name, r.returncode, r.stderr))
        text = r.stdout
        check(("Measured in " + out) in text,
              "explain %s --results: no 'Measured in' header" % name)
        mine = [row for row in rows if row["transport"] == name]
        check(len(mine) == 8, "%s: %d cases in summary.csv" %
              (name, len(mine)))
        for row in mine:
            size, place = fmt_size(int(row["size_bytes"])), row["placement"]
            start = r"    %s\s+%s\s+%s\s" % (re.escape(size),
                                             re.escape(place), row["wait"])
            # both workloads have a row of this size and placement: take
            # the one under this workload's heading
            block = text.split("\n  %s: " % row["workload"], 1)
            if not check(len(block) == 2, "%s: no %s block" %
                         (name, row["workload"])):
                continue
            found = [l for l in block[1].split("\n\n")[0].splitlines()
                     if re.match(start, l)]
            if not check(len(found) == 1, "%s %s: %d lines for %s %s" %
                         (name, row["workload"], len(found), size, place)):
                continue
            line = found[0]
            if row["status"] != "ok":
                check(("%s: %s" % (row["status"], row["reason"][:30]))
                      in line,
                      "%s: skipped case %s without its reason: %r" %
                      (name, row["id"], line))
                continue
            want = [fmt_ns(float(row["p50_ns"])),
                    fmt_ns(float(row["p99_ns"])),
                    fmt_rate(float(row["msgs_per_sec"])),
                    "%.1f" % (float(row["bytes_per_sec"]) / 1e6),
                    fmt_ns(float(row["cpu_ns_per_msg"]))]
            cells = re.findall(r"\d+(?:\.\d+)?(?: (?:ns|us|ms|s|k|M)\b)?",
                               line[re.match(start, line).end():])
            check(cells == want, "%s %s: figures %r, summary.csv has %r" %
                  (name, row["id"], cells, want))
    expect_usage_error(["explain", "pipe", "--results", tmp],
                       "summary.csv")


def body(tmp):
    names, opts = transports()
    check(len(names) >= 7, "ipcbench list shows %d transports" % len(names))
    test_overview(names)
    for n in names:
        test_lesson(n, opts[n])
    expect_usage_error(["explain", "no-such-thing"], ", ".join(names))
    expect_usage_error(["explain", "--results", "/tmp"], "needs a transport")
    expect_usage_error(["explain", "pipe", "extra"], "unexpected argument")
    expect_usage_error(["explain", "pipe", "-n", "5"], "takes no flags")
    expect_usage_error(["run", "--results", "/tmp"], "belongs to explain")
    expect_usage_error(["explain", "pipe", "--results", "/nonexistent/x"],
                       "/nonexistent/x")
    test_results(tmp)


if __name__ == "__main__":
    sys.exit(main("ipcbench-explain.", body))
