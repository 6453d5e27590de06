#!/usr/bin/python3
"""faults_test.py - ipcbench when things go wrong around it.

Usage: faults_test.py BUILD/ipcbench

For every transport (and shm with wait=spin): SIGKILL the client of one
case and the server of the next, mid-run; the two cases fail naming the
dead side and the signal, the cases before and after are ok, both results
files stay valid, the exit status is 1.  SIGSTOP a peer past a short
timeout: "deadline ... passed".  SIGINT to the process group (Ctrl-C) and
SIGTERM to ipcbench: exit 128+N, files valid, results.json says
interrupted.  Exhaustion: a tiny RLIMIT_NOFILE, a full /dev/shm (a tiny
tmpfs in a private mount namespace), RLIMIT_MSGQUEUE too small for the
queues or used up: cases skipped or failed with the reason, never a crash
or a hang.  After each run nothing named after it is left: /dev/shm,
message queues (listed through an mqueue mount in a private namespace when
/dev/mqueue is not mounted), and private directories in a fresh TMPDIR.
Prints "N passed, N failed" (and SKIP lines for what this machine cannot
do).
"""
import csv
import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from pycheck import check, listing, summary

EXE = sys.argv[1]
# Every transport, and each that can spin again with wait=spin.
TRANSPORTS = [(t["name"], o) for t in listing(EXE)["transports"]
              for o in [{}] + [{"wait": "spin"} for k in t["options"]
                               if k["key"] == "wait"]]
TMP = None


def skip(what):
    print("SKIP: " + what)


# --- what a run leaves ------------------------------------------------------

MQ_LIST = None


def mq_names():
    """Names in the POSIX message queue namespace, or None if unlistable."""
    global MQ_LIST
    if os.path.ismount("/dev/mqueue"):
        return os.listdir("/dev/mqueue")
    if MQ_LIST is None:
        # A private mount namespace: the mount is seen by no one else.
        d = tempfile.mkdtemp(prefix="mq.", dir=TMP)
        r = subprocess.run(["unshare", "-m", "sh", "-c",
                            'mount -t mqueue none "$0" && ls -a "$0"', d],
                           capture_output=True, text=True)
        MQ_LIST = r.returncode == 0
        if not MQ_LIST:
            skip("cannot list message queues (no /dev/mqueue, no unshare -m):"
                 " queues are not checked for leftovers")
        os.rmdir(d)
    if not MQ_LIST:
        return None
    d = tempfile.mkdtemp(prefix="mq.", dir=TMP)
    r = subprocess.run(["unshare", "-m", "sh", "-c",
                        'mount -t mqueue none "$0" && ls -a "$0"', d],
                       capture_output=True, text=True)
    os.rmdir(d)
    return r.stdout.split()


def leftovers(pid, tmpdir):
    """Everything named after run pid: segments, queues, directories."""
    prefix = "ipcbench.%d." % pid
    found = ["/dev/shm/" + n for n in os.listdir("/dev/shm")
             if n.startswith(prefix)]
    found += ["mq:/" + n for n in (mq_names() or []) if n.startswith(prefix)]
    found += [os.path.join(tmpdir, n) for n in os.listdir(tmpdir)]
    return found


# --- running ipcbench -------------------------------------------------------

def suite_file(name, transport, opts, runs, timeout_s=20):
    """A suite of runs [(iterations, warmup)], each one pingpong case."""
    path = os.path.join(TMP, name + ".yaml")
    with open(path, "w") as f:
        f.write("timeout_s: %d\nruns:\n" % timeout_s)
        for n, w in runs:
            f.write("  - transports: [%s]\n    workloads: [pingpong]\n"
                    "    sizes: [64]\n    placements: [unpinned]\n"
                    "    iterations: %d\n    warmup: %d\n" % (transport, n, w))
            for k, v in opts.items():
                f.write("    %s: %s\n" % (k, v))
    return path


def start(args, tmpdir, **kw):
    env = dict(os.environ, TMPDIR=tmpdir)
    return subprocess.Popen([EXE] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)


def rows_of(out):
    path = os.path.join(out, "summary.csv")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def wait_rows(p, out, n, limit=30):
    """Wait until summary.csv holds n rows (or ipcbench ended)."""
    end = time.time() + limit
    while time.time() < end and p.poll() is None:
        if len(rows_of(out)) >= n:
            return True
        time.sleep(0.02)
    return len(rows_of(out)) >= n


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    return s[s.rindex(")") + 2:].split()


def sides(pid):
    """{"client": pid, "server": pid} of ipcbench's current case."""
    found = {}
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = [int(k) for k in f.read().split()]
        for k in kids:
            with open("/proc/%d/comm" % k) as f:
                comm = f.read().strip()
            if comm in ("ipcbench:client", "ipcbench:server"):
                found[comm.split(":")[1]] = k
    except (OSError, ValueError):
        pass
    return found


def under_way(kid):
    """The child has measurably worked: CPU time or context switches."""
    try:
        st = proc_stat(kid)
        ticks = int(st[11]) + int(st[12])           # utime + stime
        with open("/proc/%d/status" % kid) as f:
            sw = sum(int(l.split()[1]) for l in f if "ctxt_switches:" in l)
        return ticks >= 5 or sw >= 300
    except (OSError, ValueError, IndexError):
        return False


def wait_case(p, limit=20):
    """Both children of the running case, once they are under way."""
    end = time.time() + limit
    while time.time() < end and p.poll() is None:
        s = sides(p.pid)
        if len(s) == 2 and under_way(s["client"]) and under_way(s["server"]):
            return s
        time.sleep(0.01)
    return None


def valid_results(out, want_rows, label, interrupted=False):
    """summary.csv and results.json parse and agree; returns the rows."""
    rows = rows_of(out)
    check(len(rows) == want_rows, "%s: %d rows, want %d" %
          (label, len(rows), want_rows))
    try:
        with open(os.path.join(out, "results.json")) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        check(False, "%s: results.json: %s" % (label, e))
        return rows
    check(len(doc["cases"]) == len(rows), label + ": csv and json agree")
    check(doc["interrupted"] is interrupted and
          doc["complete"] is (not interrupted),
          "%s: complete=%s interrupted=%s" %
          (label, doc["complete"], doc["interrupted"]))
    for r, c in zip(rows, doc["cases"]):
        check(r["status"] == c["status"], label + ": statuses agree")
    return rows


def finish(p, label, limit=60):
    try:
        out, err = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        check(False, label + ": ipcbench hung")
    return err


# --- the tests --------------------------------------------------------------

def test_kill_peers():
    """SIGKILL the client of case 2 and the server of case 3."""
    for name, opts in TRANSPORTS:
        label = name + "".join(" %s=%s" % kv for kv in opts.items())
        tmpdir = tempfile.mkdtemp(prefix="tmp.", dir=TMP)
        out = os.path.join(TMP, "kill-" + label.replace(" ", "-"))
        suite = suite_file("kill", name, opts, [(100, 0), (10**8, 100),
                                                (10**8, 100), (100, 0)])
        p = start(["run", suite, "-o", out, "-q"], tmpdir)
        for n, victim in ((1, "client"), (2, "server")):
            s = wait_rows(p, out, n) and wait_case(p)
            if check(s, "%s: case %d never got under way" % (label, n + 1)):
                os.kill(s[victim], signal.SIGKILL)
                wait_rows(p, out, n + 1)
        err = finish(p, label)
        check(p.returncode == 1, "%s: exit %d, want 1: %s" %
              (label, p.returncode, err))
        rows = valid_results(out, 4, label)
        if len(rows) == 4:
            st = [r["status"] for r in rows]
            check(st == ["ok", "failed", "failed", "ok"],
                  "%s: statuses %s" % (label, st))
            for r, side in ((rows[1], "client"), (rows[2], "server")):
                want = "%s killed by signal 9" % side
                check(want in r["reason"], "%s: reason %r lacks %r" %
                      (label, r["reason"], want))
        left = leftovers(p.pid, tmpdir)
        check(not left, "%s: left behind: %s" % (label, left))


def test_stop_peer():
    """SIGSTOP a peer: the deadline fails the case, nothing is left."""
    for name, victim in (("pipe", "server"), ("shm", "client")):
        label = "SIGSTOP %s %s" % (name, victim)
        tmpdir = tempfile.mkdtemp(prefix="tmp.", dir=TMP)
        out = os.path.join(TMP, "stop-" + name)
        suite = suite_file("stop", name, {}, [(100, 0), (10**8, 100)],
                           timeout_s=2)
        p = start(["run", suite, "-o", out, "-q"], tmpdir)
        s = wait_rows(p, out, 1) and wait_case(p)
        if check(s, label + ": the case never got under way"):
            os.kill(s[victim], signal.SIGSTOP)
        err = finish(p, label)
        check(p.returncode == 1, "%s: exit %d: %s" %
              (label, p.returncode, err))
        rows = valid_results(out, 2, label)
        if len(rows) == 2:
            r = rows[1]["reason"]
            check(rows[1]["status"] == "failed" and
                  "deadline of 2 s passed" in r and victim in r,
                  "%s: %s %r" % (label, rows[1]["status"], r))
        left = leftovers(p.pid, tmpdir)
        check(not left, "%s: left behind: %s" % (label, left))


def test_stop_run():
    """Ctrl-C (SIGINT to the process group) and SIGTERM to ipcbench."""
    for sig, name, group in ((signal.SIGINT, "mq", True),
                             (signal.SIGTERM, "shm", False),
                             (signal.SIGHUP, "uds", False)):
        label = "%s during %s" % (sig.name, name)
        tmpdir = tempfile.mkdtemp(prefix="tmp.", dir=TMP)
        out = os.path.join(TMP, "sig-" + sig.name)
        suite = suite_file("sig", name, {}, [(100, 0), (10**8, 100),
                                             (100, 0)])
        p = start(["run", suite, "-o", out, "-q"], tmpdir,
                  start_new_session=True)
        if check(wait_rows(p, out, 1) and wait_case(p),
                 label + ": the case never got under way"):
            if group:
                os.killpg(p.pid, sig)
            else:
                os.kill(p.pid, sig)
        err = finish(p, label)
        check(p.returncode == 128 + sig, "%s: exit %d, want %d: %s" %
              (label, p.returncode, 128 + sig, err))
        check("stopped by signal %d" % sig in err, label + ": says so")
        rows = valid_results(out, 2, label, interrupted=True)
        if len(rows) == 2:
            check(rows[0]["status"] == "ok", label + ": first case kept")
            check(rows[1]["status"] == "failed" and
                  "interrupted by signal %d" % sig in rows[1]["reason"],
                  "%s: %r" % (label, rows[1]["reason"]))
        left = leftovers(p.pid, tmpdir)
        check(not left, "%s: left behind: %s" % (label, left))


def run_limited(label, args, preexec=None, wrap=None, limit=120):
    """Run to the end under a limit; ok, skipped or failed, never a crash."""
    tmpdir = tempfile.mkdtemp(prefix="tmp.", dir=TMP)
    env = dict(os.environ, TMPDIR=tmpdir)
    p = subprocess.Popen((wrap or []) + [EXE] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env,
                         preexec_fn=preexec)
    try:
        p.stdout_text, p.stderr = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        check(False, label + ": hung")
        return None, []
    check(p.returncode in (0, 1, 2), "%s: exit %d: %s" %
          (label, p.returncode, p.stderr[-2000:]))
    check("AddressSanitizer" not in p.stderr and
          "runtime error" not in p.stderr, label + ": sanitizer report")
    left = leftovers(p.pid, tmpdir)
    check(not left, "%s: left behind: %s" % (label, left))
    return p, rows_of(args[args.index("-o") + 1])


def test_emfile():
    """A tiny RLIMIT_NOFILE: exit 2 before anything exists, or reasons."""
    seen_reason = False
    names = ",".join(dict.fromkeys(t for t, _ in TRANSPORTS))
    for n in (4, 5, 6, 7, 8, 10, 12):
        label = "nofile=%d" % n
        out = os.path.join(TMP, "emfile-%d" % n)
        lim = (lambda n=n: resource.setrlimit(resource.RLIMIT_NOFILE, (n, n)))
        r, rows = run_limited(label, ["run", "-t", names,
                                      "-w", "pingpong", "-s", "64",
                                      "-p", "unpinned", "-n", "100", "-o",
                                      out, "-q"], preexec=lim)
        if r is None:
            continue
        if r.returncode == 2:
            check(not os.path.exists(out), label + ": exit 2 created " + out)
            check(r.stderr.count("\n") == 1 and
                  "Too many open files" in r.stderr,
                  "%s: %r" % (label, r.stderr))
            continue
        valid_results(out, 7, label)
        for row in rows:
            check(row["status"] == "ok" or row["reason"],
                  "%s: %s %s without a reason" % (label, row["id"],
                                                  row["status"]))
            seen_reason |= "Too many open files" in row["reason"]
    check(seen_reason, "no case failed for lack of descriptors")


def test_full_shm():
    """/dev/shm almost full (a 1 MiB tmpfs in a private mount namespace)."""
    wrap = None
    for w in (["unshare", "-m"], ["unshare", "-rm"]):
        probe = subprocess.run(w + ["sh", "-c", "mount -t tmpfs -o size=1m "
                                    "none /dev/shm"], capture_output=True)
        if probe.returncode == 0:
            wrap = w + ["sh", "-c", 'mount -t tmpfs -o size=1m none /dev/shm'
                        ' && exec "$@"', "sh"]
            break
    if not wrap:
        skip("full /dev/shm: cannot mount a private tmpfs (unshare -m)")
        return
    out = os.path.join(TMP, "fullshm")
    r, rows = run_limited("full /dev/shm", ["run", "-t", "shm", "-w",
                          "pingpong", "-s", "64,64K,1M", "-p", "unpinned",
                          "-n", "100", "-o", out, "-q"], wrap=wrap)
    if r is None:
        return
    st = {row["size_bytes"]: (row["status"], row["reason"]) for row in rows}
    check(st.get("64", ("",))[0] == "ok", "full /dev/shm: 64 B %s" %
          (st.get("64"),))
    big = st.get(str(1 << 20), ("", ""))
    check(big[0] in ("skipped", "failed") and "/dev/shm" in big[1],
          "full /dev/shm: 1 MiB %s" % (big,))


class MqAttr(ctypes.Structure):
    _fields_ = [("mq_flags", ctypes.c_long), ("mq_maxmsg", ctypes.c_long),
                ("mq_msgsize", ctypes.c_long), ("mq_curmsgs", ctypes.c_long),
                ("pad", ctypes.c_long * 4)]


def test_mq_limits():
    """RLIMIT_MSGQUEUE below two queues: skipped; used up: failed."""
    out = os.path.join(TMP, "mq-small")
    lim = (lambda: resource.setrlimit(resource.RLIMIT_MSGQUEUE, (1000, 1000)))
    r, rows = run_limited("RLIMIT_MSGQUEUE=1000", ["run", "-t", "mq", "-w",
                          "pingpong", "-s", "64", "-p", "unpinned", "-n",
                          "100", "-o", out, "-q"], preexec=lim)
    if r is not None:
        check(r.returncode == 0 and len(rows) == 1 and
              rows[0]["status"] == "skipped" and
              "RLIMIT_MSGQUEUE" in rows[0]["reason"],
              "RLIMIT_MSGQUEUE=1000: %s" % [(x["status"], x["reason"])
                                            for x in rows])
    # Hold one queue like those the second would need, then allow only
    # what two need: the second mq_open finds the limit used up.
    libc = ctypes.CDLL(None, use_errno=True)
    name = ("/ipcbench-faults-test-%d" % os.getpid()).encode()
    attr = MqAttr(0, 10, 4096, 0)
    q = libc.mq_open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600,
                     ctypes.byref(attr))
    if q < 0:
        skip("mq_open for the used-up limit: %s" %
             os.strerror(ctypes.get_errno()))
        return
    try:
        need = 2 * 10 * (4096 + 96)         # what mq.c's check() asks for
        out = os.path.join(TMP, "mq-used")
        lim = (lambda: resource.setrlimit(resource.RLIMIT_MSGQUEUE,
                                          (need, need)))
        r, rows = run_limited("RLIMIT_MSGQUEUE used up", ["run", "-t", "mq",
                              "-w", "pingpong", "-s", "4K", "-p", "unpinned",
                              "-n", "100", "-o", out, "-q"], preexec=lim)
        if r is not None:
            check(len(rows) == 1 and rows[0]["status"] == "failed" and
                  "RLIMIT_MSGQUEUE" in rows[0]["reason"],
                  "RLIMIT_MSGQUEUE used up: %s" %
                  [(x["status"], x["reason"]) for x in rows])
    finally:
        libc.mq_close(q)
        libc.mq_unlink(name)


def main():
    global TMP
    TMP = tempfile.mkdtemp(prefix="ipcbench-faults.")
    t0 = time.time()
    try:
        for t in (test_kill_peers, test_stop_peer, test_stop_run,
                  test_emfile, test_full_shm, test_mq_limits):
            t1 = time.time()
            t()
            print("%s: %.1f s" % (t.__name__, time.time() - t1))
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("total %.1f s" % (time.time() - t0))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
