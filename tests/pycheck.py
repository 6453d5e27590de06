"""pycheck.py - the minimal helper of the Python tests, as check.h is of
the C ones: check() counts and reports a failed expectation and keeps
going; run() runs a command with extra environment; main() runs the
test's body in a fresh temporary directory, removes it, prints
"N passed, N failed" and returns the exit status (1 when something
failed, or when nothing was checked).  listing() and transports() read
`ipcbench list -f json`, so that no test keeps its own list of names.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

tally = {"passed": 0, "failed": 0}


def check(cond, what):
    tally["passed" if cond else "failed"] += 1
    if not cond:
        print("FAIL: " + what, file=sys.stderr)
    return cond


def run(argv, env=None, timeout=300):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, env=e)


def listing(exe):
    """`ipcbench list -f json`: transports (name, summary, options, ...),
    workloads and placements, as the registry has them."""
    r = run([exe, "list", "-f", "json"], timeout=60)
    if r.returncode != 0:
        raise RuntimeError("%s list -f json: exit %d: %s"
                           % (exe, r.returncode, r.stderr))
    return json.loads(r.stdout)


def transports(exe):
    """The names of the registered transports, in registry order."""
    return [t["name"] for t in listing(exe)["transports"]]


def summary():
    """Print "N passed, N failed"; the exit status: 1 when something
    failed, or when nothing was checked."""
    print("%d passed, %d failed" % (tally["passed"], tally["failed"]))
    return 1 if tally["failed"] or not tally["passed"] else 0


def main(prefix, body):
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        body(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()
