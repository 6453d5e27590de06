"""reader_test.py - the one reader of a results directory, through
`ipcbench show`, which scripts/charts draws from.

Usage: reader_test.py BUILD/ipcbench

A small real run is shown as JSON: every column of summary.csv is there,
typed as `ipcbench list --columns -f json` says, with the value the CSV
holds; each case's percentile distribution matches its .hgrm and its
sample count; the environment and suite are results.json's.  Then what a
reader must refuse or survive: a run written before the headline was
recorded (refused, naming the column), a missing results.json (nulls and
the reason), a missing .hgrm ([]), a malformed one (refused, naming the
file and line).  Prints "N passed, N failed".
"""
import csv
import json
import os
import shutil
import sys

import pycheck
from pycheck import check

EXE = sys.argv[1]


def run(*args):
    return pycheck.run([EXE] + list(args))


def show(d):
    r = run("show", d)
    if not check(r.returncode == 0, "show %s: exit %d %r"
                 % (d, r.returncode, r.stderr)):
        return None
    return json.loads(r.stdout)


def refused(d, want):
    r = run("show", d)
    lines = r.stderr.splitlines()
    check(r.returncode == 2 and len(lines) == 1 and want in lines[0]
          and not r.stdout, "show %s: want exit 2 and %r: %d %r"
          % (d, want, r.returncode, r.stderr))


def schema():
    r = run("list", "--columns", "-f", "json")
    check(r.returncode == 0, "list --columns -f json: %r" % r.stderr)
    return {c["name"]: c for c in json.loads(r.stdout)["columns"]}


TYPES = {"int": (int,), "real": (int, float), "flag": (bool,),
         "options": (dict,), "text": (str,)}


def typed_like(value, text, kind):
    """value is what JSON should hold for the CSV text of a kind."""
    if kind in ("int", "real", "flag") and text == "":
        return value is None
    if not isinstance(value, TYPES[kind]):
        return False
    if kind in ("int", "real"):
        return not isinstance(value, bool) and value == float(text)
    if kind == "flag":
        return value == (text == "yes")
    if kind == "options":
        return " ".join("%s=%s" % kv for kv in value.items()) == text
    return value == text


def hgrm_lines(path):
    out = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 4 and not line.startswith("#") and \
                    fields[0] != "Value":
                out.append([float(x) for x in fields])
    return out


def test_show(tmp):
    d = os.path.join(tmp, "run")
    r = run("run", "-t", "pipe,udp", "-w", "pingpong,throughput", "-s", "64",
            "-p", "same-cpu", "-n", "300", "--warmup", "10", "-r", "2", "-q",
            "-o", d)
    check(r.returncode == 0, "run: %d %r" % (r.returncode, r.stderr))
    doc = show(d)
    if not doc:
        return d
    cols = schema()
    with open(os.path.join(d, "summary.csv"), newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    with open(os.path.join(d, "results.json")) as f:
        results = json.load(f)
    check(doc["format"] == "ipcbench-show-1" and doc["path"] == d,
          "show's own format and path: %r %r" % (doc["format"], doc["path"]))
    check(doc["columns"] == header, "columns are summary.csv's, in order")
    check(header == [n for n, c in cols.items() if c["scope"] != "repetition"],
          "summary.csv holds the schema's columns, in its order")
    with open(os.path.join(d, "repetitions.csv"), newline="") as f:
        reps_header = next(csv.reader(f))
    check(reps_header == [n for n, c in cols.items()
                          if c["scope"] != "spread"],
          "repetitions.csv holds the schema's columns but the spread")
    check(all(list(case)[:len(header)] == header
              for case in results["cases"]),
          "a case in results.json leads with summary.csv's columns")
    check(all(case[n] == shown[n] for case, shown in
              zip(results["cases"], doc["cases"]) for n in header),
          "results.json types a case's columns as show does")
    check(doc["environment"] == results["environment"]
          and doc["suite"] == results["suite"]
          and doc["results_format"] == results["format"]
          and doc["complete"] is True,
          "environment, suite, format and complete are results.json's")
    check({"pipe", "udp"} <= set(doc["transports"]),
          "the registry's transports: %r" % doc["transports"])
    check(len(doc["cases"]) == len(rows) == 4, "every case: %d of %d"
          % (len(doc["cases"]), len(rows)))
    bad = []
    for case, row in zip(doc["cases"], rows):
        for name in header:
            kind = cols[name]["kind"] if name in cols else "text"
            if name not in case or not typed_like(case[name], row[name], kind):
                bad.append((row["id"], name, case.get(name), row[name]))
    check(not bad, "every field typed by the schema, as the CSV has it: %r"
          % bad[:5])
    for case in doc["cases"]:
        want = hgrm_lines(os.path.join(d, "hgrm", case["id"] + ".hgrm"))
        got = case["hgrm"]
        check(len(got) == len(want) and got[-1][3] is None
              and all(g[3] is not None for g in got[:-1])
              and all(abs(g[0] - w[0]) <= 1e-3 * w[0] and g[2] == w[2]
                      for g, w in zip(got, want)),
              "%s: the .hgrm as [value, percentile, count, inverse]"
              % case["id"])
        check(got[-1][2] == case["samples"], "%s: %s samples in the hgrm, "
              "%s in the row" % (case["id"], got[-1][2], case["samples"]))
        check(case["hgrm_uncorrected"] == [], "%s: unpaced, no uncorrected "
              "distribution" % case["id"])
        check(case[case["headline"]] is not None
              and case["headline_better"] in ("higher", "lower"),
              "%s: the headline names a figure of the row" % case["id"])
    return d


def test_older_and_broken(tmp, good):
    older = os.path.join(tmp, "older")
    shutil.copytree(good, older)
    with open(os.path.join(good, "summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(older, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, [c for c in rows[0]
                               if not c.startswith("headline")],
                           extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    refused(older, "summary.csv: no column 'headline': written by an older "
                   "ipcbench")

    nojson = os.path.join(tmp, "nojson")
    shutil.copytree(good, nojson)
    os.remove(os.path.join(nojson, "results.json"))
    doc = show(nojson)
    if doc:
        check(doc["environment"] is None and doc["suite"] is None
              and "results.json" in doc.get("results_json_error", ""),
              "no results.json: nulls and the reason: %r"
              % doc.get("results_json_error"))
        check(len(doc["cases"]) == len(rows), "no results.json: every case")

    nohgrm = os.path.join(tmp, "nohgrm")
    shutil.copytree(good, nohgrm)
    victim = rows[0]["id"]
    os.remove(os.path.join(nohgrm, "hgrm", victim + ".hgrm"))
    doc = show(nohgrm)
    if doc:
        check([c["hgrm"] for c in doc["cases"] if c["id"] == victim] == [[]],
              "a missing .hgrm is []")

    badhgrm = os.path.join(tmp, "badhgrm")
    shutil.copytree(good, badhgrm)
    path = os.path.join(badhgrm, "hgrm", victim + ".hgrm")
    with open(path) as f:
        lines = f.readlines()
    lines[3] = "12.5 0.5 oops 2.0\n"
    with open(path, "w") as f:
        f.writelines(lines)
    refused(badhgrm, "%s:4: not a line of 4 numbers" % path)
    refused(os.path.join(tmp, "nowhere"), "nowhere")


def tests(tmp):
    good = test_show(tmp)
    test_older_and_broken(tmp, good)


if __name__ == "__main__":
    sys.exit(pycheck.main("ipcbench-reader-test.", tests))
