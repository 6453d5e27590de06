#!/usr/bin/python3
"""labs_test.py - the lab suites run and their worksheets say only true things.

Usage: labs_test.py BUILD/ipcbench SOURCE_ROOT

Every bench/labs/NAME.yaml runs to the end (fast: -n 50 --warmup 5 -r 1
-q, every case ok or skipped) and has a worksheet NAME.md with the
sections Goal, Predict, Run, Look, Explain and For teachers.  Every command
in a worksheet's ```sh blocks is checked and run as a student would, from
a scratch directory laid out like the repository (build/ipcbench, bench/,
scripts/; results/latest appears there): ipcbench's command must exist and
every flag be in `ipcbench --help`, every -O key be an option of the
transports named, a suite file must exist; `run` gets the same fast
overrides appended; each command must exit 0.  A claim the worksheet names
(the claim "Some words") must be a claim `ipcbench claims` prints.
Prints "N passed, N failed".
"""
import glob
import os
import re
import shlex
import shutil
import sys

from pycheck import check, listing, main, run as pyrun

EXE = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
LABS = os.path.join(SRC, "bench", "labs")
FAST = ["-n", "50", "--warmup", "5", "-r", "1", "-q"]
SECTIONS = ["Goal", "Predict", "Run", "Look", "Explain", "For teachers"]
# What a worksheet may ask a student to run besides ipcbench.
OTHER_COMMANDS = {"scripts/charts"}


def run(args):
    """args from the current directory, results in its results/."""
    return pyrun(args, env={"IPCBENCH_RESULTS": ""})


def help_words():
    """Commands and flags `ipcbench --help` documents."""
    text = run([EXE, "--help"]).stdout
    cmds = set(re.findall(r"^  ([a-z]+)\b", text, re.M))
    flags = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", text))
    return cmds, flags


def transport_options():
    """{transport: {option keys}} from `ipcbench list -f json`."""
    return {t["name"]: {o["key"] for o in t["options"]}
            for t in listing(EXE)["transports"]}


def statuses(results):
    with open(os.path.join(results, "summary.csv")) as f:
        head = f.readline().strip().split(",")
        col = head.index("status")
        return [line.split(",")[col] for line in f if line.strip()]


def test_suite(yaml, tmp):
    name = os.path.basename(yaml)
    out = os.path.join(tmp, "suite-" + name)
    r = run([EXE, "run", yaml] + FAST + ["-o", out])
    check(r.returncode == 0, "%s: exit %d: %s" % (name, r.returncode,
                                                  r.stderr[-2000:]))
    if os.path.exists(os.path.join(out, "summary.csv")):
        st = statuses(out)
        check(st and all(s in ("ok", "skipped") for s in st),
              "%s: case statuses %r" % (name, sorted(set(st))))
        check("ok" in st, "%s: no case ran" % name)


def commands(md):
    """The command lines of the ```sh blocks, continuations joined."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", md, re.S):
        block = block.replace("\\\n", " ")
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def check_ipcbench(words, cmds, flags, opts, name):
    """The words of one ipcbench command line against the help text."""
    if not check(len(words) > 1 and words[1] in cmds,
                 "%s: `%s`: no such command" % (name, " ".join(words))):
        return
    transports = []
    for i, w in enumerate(words[2:], 2):
        if w.startswith("-"):
            check(w.split("=")[0] in flags,
                  "%s: `%s`: flag %s is not in ipcbench --help" %
                  (name, " ".join(words), w))
        if words[i - 1] in ("-t", "--transport"):
            transports = w.split(",")
        if words[i - 1] in ("-O", "--option"):
            key = w.split("=")[0]
            check(transports and all(key in opts.get(t, ()) for t in
                                     transports),
                  "%s: `%s`: option %s is not an option of %s" %
                  (name, " ".join(words), key, transports))
        if w.endswith(".yaml"):
            check(os.path.exists(os.path.join(SRC, w)),
                  "%s: `%s`: no file %s" % (name, " ".join(words), w))


def sandbox(tmp):
    """A directory laid out like the repository, for worksheet commands."""
    box = os.path.join(tmp, "box")
    os.makedirs(os.path.join(box, "build"))
    os.symlink(EXE, os.path.join(box, "build", "ipcbench"))
    for d in ("bench", "scripts"):
        os.symlink(os.path.join(SRC, d), os.path.join(box, d))
    return box


def test_worksheet(md_path, box, cmds, flags, opts, claims_seen):
    name = os.path.basename(md_path)
    with open(md_path) as f:
        md = f.read()
    heads = re.findall(r"^#+ (?:\d\. )?(.*)$", md, re.M)
    for s in SECTIONS:
        check(any(h.startswith(s) or ("**%s.**" % s) in md for h in heads),
              "%s: no section '%s'" % (name, s))
    lines = commands(md)
    check(any(re.search(r"run bench/labs/%s\.yaml" %
                        re.escape(name[:-3]), l) for l in lines),
          "%s: does not run its own suite" % name)
    for line in lines:
        words = shlex.split(line)
        if words[0] == "build/ipcbench":
            check_ipcbench(words, cmds, flags, opts, name)
            if words[1] == "run":
                words += FAST
        elif not check(words[0] in OTHER_COMMANDS,
                       "%s: `%s`: not a command a worksheet may use" %
                       (name, line)):
            continue
        if words[0] == "scripts/charts" and not shutil.which("gnuplot"):
            continue
        os.chdir(box)
        r = run(words)
        check(r.returncode == 0, "%s: `%s`: exit %d: %s" %
              (name, " ".join(words), r.returncode, r.stderr[-1500:]))
        if words[:2] == ["build/ipcbench", "claims"]:
            claims_seen.append(r.stdout)
    return md


def body(tmp):
    cmds, flags = help_words()
    opts = transport_options()
    yamls = sorted(glob.glob(os.path.join(LABS, "*.yaml")))
    mds = sorted(glob.glob(os.path.join(LABS, "*.md")))
    check(len(yamls) >= 5, "%d lab suites in bench/labs" % len(yamls))
    check([y[:-5] for y in yamls] == [m[:-3] for m in mds],
          "every lab suite has a worksheet and every worksheet a suite: "
          "%r vs %r" % ([os.path.basename(y) for y in yamls],
                        [os.path.basename(m) for m in mds]))
    for y in yamls:
        test_suite(y, tmp)
    box = sandbox(tmp)
    claims_seen, texts = [], []
    for m in mds:
        texts.append((m, test_worksheet(m, box, cmds, flags, opts,
                                        claims_seen)))
    os.chdir(tmp)
    said = " ".join(" ".join(c.split()) for c in claims_seen)
    for m, md in texts:
        for claim in re.findall(r'claim\s+"([^"]+)"', md):
            claim = " ".join(claim.split())
            check(claims_seen and claim in said,
                  "%s: the claim \"%s\" is not one `ipcbench claims` "
                  "prints" % (os.path.basename(m), claim))


if __name__ == "__main__":
    sys.exit(main("ipcbench-labs.", body))
