#!/usr/bin/python3
"""clean_test.py - `ipcbench clean` removes what dead runs left, only that.

Usage: clean_test.py BUILD/ipcbench

Makes real leftovers by SIGKILLing ipcbench itself mid-case (shm, mq,
fifo, uds: a segment, two queues, private directories), and plants fake
ones named for a dead pid, for a live pid, for another user, and with
names that are not ours.  `ipcbench clean` as another user (nobody)
removes nothing of ours; as us it lists and removes exactly the dead runs'
objects, keeps the others, and a second time says "nothing to clean".
Prints "N passed, N failed".
"""
import ctypes
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

from pycheck import check, summary

EXE = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)


def mq_create(name):
    q = libc.mq_open(name.encode(), os.O_CREAT | os.O_EXCL | os.O_RDWR,
                     0o600, None)
    if q >= 0:
        libc.mq_close(q)
    return q >= 0


def mq_exists(name):
    q = libc.mq_open(name.encode(), os.O_RDONLY)
    if q >= 0:
        libc.mq_close(q)
    return q >= 0


def mq_list():
    """Queue names, through /dev/mqueue or a private mount; None if not."""
    if os.path.ismount("/dev/mqueue"):
        return os.listdir("/dev/mqueue")
    d = tempfile.mkdtemp(prefix="mq.")
    r = subprocess.run(["unshare", "-m", "sh", "-c",
                        'mount -t mqueue none "$0" && ls -a "$0"', d],
                       capture_output=True, text=True)
    os.rmdir(d)
    return r.stdout.split() if r.returncode == 0 else None


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def plant(pid, tmpdir, tag):
    """A fake segment, queue and private directory of run pid."""
    name = "ipcbench.%d.%s" % (pid, tag)
    shm = "/dev/shm/%s.shm" % name
    with open(shm, "w") as f:
        f.write("x")
    os.chmod(shm, 0o600)
    d = os.path.join(tmpdir, name + ".Ab12Cd")
    os.mkdir(d, 0o700)
    os.mkfifo(os.path.join(d, "c2s"), 0o600)
    open(os.path.join(d, "junk"), "w").close()
    q = "/%s.c2s" % name
    return {"shm": shm, "dir": d, "mq": q if mq_create(q) else None}


def kill_run(transport, tmpdir, out):
    """Start a run and SIGKILL ipcbench itself once its case is going."""
    env = dict(os.environ, TMPDIR=tmpdir)
    p = subprocess.Popen([EXE, "run", "-t", transport, "-w", "pingpong",
                          "-s", "64", "-p", "unpinned", "-n", "100000000",
                          "-o", out, "-q"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.time() + 20
    while time.time() < end:
        try:
            with open("/proc/%d/task/%d/children" % (p.pid, p.pid)) as f:
                if len(f.read().split()) == 2:
                    break
        except OSError:
            pass
        time.sleep(0.01)
    time.sleep(0.2)
    p.send_signal(signal.SIGKILL)
    p.wait()
    time.sleep(0.2)         # the children die of PR_SET_PDEATHSIG
    return p.pid


def as_nobody():
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


def main():
    tmp = tempfile.mkdtemp(prefix="ipcbench-clean.")
    tmpdir = os.path.join(tmp, "tmp")
    os.mkdir(tmpdir)
    env = dict(os.environ, TMPDIR=tmpdir)
    live = subprocess.Popen(["sleep", "120"])
    dead, alive, planted = {}, {}, []
    try:
        # Real leftovers: runs killed with SIGKILL.
        # Queues we cannot list, clean cannot remove either: then no mq.
        qs = mq_list()
        killed = {t: kill_run(t, tmpdir, os.path.join(tmp, "out-" + t))
                  for t in ("shm", "mq", "fifo", "uds")
                  if t != "mq" or qs is not None}
        real = [n for n in os.listdir("/dev/shm")
                if n.startswith("ipcbench.%d." % killed["shm"])]
        check(len(real) == 1, "SIGKILL of a shm run left %s" % real)
        if qs is None:
            print("SKIP: cannot list message queues: no mq run is killed")
        else:
            real_q = [n for n in mq_list()
                      if n.startswith("ipcbench.%d." % killed["mq"])]
            check(len(real_q) == 2, "SIGKILL of an mq run left %s" % real_q)
        dirs = sorted(os.listdir(tmpdir))
        check(len(dirs) == 2, "SIGKILL of fifo and uds runs left %s" % dirs)

        # Fakes.
        dead = plant(dead_pid(), tmpdir, "dead01")
        alive = plant(live.pid, tmpdir, "live01")
        # Another user's: only root can make one.
        root = os.getuid() == 0
        others = ["/dev/shm/ipcbench.%d.other1.shm" % dead_pid()] if root \
            else []
        not_ours = ["/dev/shm/ipcbench.x12.abc.shm", "/dev/shm/ipcbench.12",
                    "/dev/shm/ipcbench.12.", "/dev/shm/xipcbench.1.abc"]
        planted += [alive["shm"]] + others + not_ours
        for n in others + not_ours:
            open(n, "w").close()
        for n in others:
            os.chown(n, 4242, 4242)     # neither ours nor nobody's
        target = os.path.join(tmp, "target")
        os.mkdir(target)
        open(os.path.join(target, "keep"), "w").close()
        link = os.path.join(tmpdir, "ipcbench.%d.link01" % dead_pid())
        os.symlink(target, link)

        # Another user removes nothing of ours.
        if not root:
            print("SKIP: not root: clean as another user is not tried")
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        exe = os.path.join(bindir, "ipcbench")
        shutil.copy(EXE, exe)
        for d in (tmp, bindir):
            os.chmod(d, 0o755)
        os.chmod(exe, 0o755)
        r = subprocess.run([exe, "clean"], capture_output=True, text=True,
                           env=env, preexec_fn=as_nobody) if root else None
        check(not r or (r.returncode == 0 and "removed" not in r.stdout),
              "clean as nobody: exit %d: %s %s" %
              (r.returncode, r.stdout, r.stderr) if r else "")
        check(os.path.exists(dead["shm"]) and os.path.exists(dead["dir"]),
              "clean as nobody removed root's leftovers")

        # Ours.
        r = subprocess.run([EXE, "clean"], capture_output=True, text=True,
                           env=env)
        out = r.stdout
        print(out, end="")
        check(r.returncode == 0, "clean: exit %d: %s" %
              (r.returncode, r.stderr))
        check("AddressSanitizer" not in r.stderr and
              "runtime error" not in r.stderr, "sanitizer report")
        for what in (dead["shm"], dead["dir"], "/dev/shm/" + real[0]
                     if real else "-"):
            check(("removed %s%s" % ("shared memory " if what.startswith(
                "/dev/shm") else "directory ", what)) in out,
                "clean does not list %s" % what)
            check(not os.path.exists(what), "clean left " + what)
        for d in dirs:
            check(("directory %s/%s" % (tmpdir, d)) in out,
                  "clean does not list the killed run's %s" % d)
        check(sorted(os.listdir(tmpdir)) ==
              sorted([os.path.basename(alive["dir"]),
                      os.path.basename(link)]),
              "TMPDIR after clean: %s" % os.listdir(tmpdir))
        if "cannot list POSIX message queues" in r.stderr:
            print("SKIP: clean cannot list message queues here: %s" %
                  r.stderr.strip())
        elif dead["mq"]:
            check("removed message queue %s " % dead["mq"] in out,
                  "clean does not list " + dead["mq"])
            check(not mq_exists(dead["mq"]), "clean left " + dead["mq"])
        if "mq" in killed:
            check(all(n.split(".")[1] != str(killed["mq"])
                      for n in (mq_list() or [])), "the killed run's queues")
        for what in [alive["shm"], alive["dir"], target, link,
                     os.path.join(target, "keep")] + others + not_ours:
            check(os.path.lexists(what), "clean removed " + what)
        if alive["mq"]:
            check(mq_exists(alive["mq"]), "clean removed " + alive["mq"])
        check(sorted(os.listdir(alive["dir"])) == ["c2s", "junk"],
              "a live run's directory was emptied")
        check("left alone:" in out, "clean does not mention live runs")

        # Again: nothing of ours is left to clean.
        r = subprocess.run([EXE, "clean"], capture_output=True, text=True,
                           env=env)
        ours = [l for l in r.stdout.splitlines()
                if tmp in l or "dead01" in l or
                any(".%d." % pid in l for pid in killed.values())]
        check(r.returncode == 0 and not ours, "second clean: %s" % ours)
        check("removed" in r.stdout or "nothing to clean" in r.stdout,
              "second clean says nothing: %r" % r.stdout)
    finally:
        live.kill()
        live.wait()
        for n in planted:
            if os.path.lexists(n):
                os.unlink(n)
        for q in (dead.get("mq"), alive.get("mq")):
            if q:
                libc.mq_unlink(q.encode())
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
