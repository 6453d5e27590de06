"""report.py - write report.html of one ipcbench results directory.

One static page that opens offline: no script, no external style or font;
the charts are referenced relatively (charts/*.svg, beside the page).
Everything that comes from the results files is HTML-escaped, and the
markup is XHTML-compatible (every element closed, only XML's entities),
so an XML parser reads it.  No generation time is written: the same files
give the same page.

The page is a list of sections (SECTIONS below), each a function of the
results and the charts returning its HTML; another section is one more
function and one more entry.  The claims section shows what charts.py got
from `ipcbench claims DIR -f json` (res.claims), or how to get it.
Stdlib only.
"""
import html
import os

from results import ns_text, rate_text, size_text

STYLE = """
body { font-family: sans-serif; margin: 1.5em auto; max-width: 80em;
       padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; white-space: nowrap; }
tr.skipped td, tr.failed td { color: #777; background: #fafafa; }
tr.failed td.status { color: #b00; font-weight: bold; }
.wide { overflow-x: auto; }
.warn { border-left: 4px solid #D55E00; background: #fff5ee; padding: 0.5em 1em; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { max-width: 60em; font-size: 0.95em; }
nav li { display: inline; margin-right: 1em; }
.claim { margin: 1em 0 1.5em 0; }
.claim p { margin: 0.3em 0; }
.claim ul { margin: 0.3em 0; font-size: 0.9em; }
.verdict { display: inline-block; min-width: 8em; padding: 0.1em 0.5em;
           margin-right: 0.5em; font-weight: bold; text-align: center;
           border-radius: 3px; color: #fff; }
.v-holds { background: #009E73; }
.v-does-not-hold { background: #D55E00; }
.v-not-significant { background: #0072B2; }
.v-not-measured { background: #999999; }
li.context { color: #666; }
.rule { color: #555; font-size: 0.9em; }
"""


def esc(value):
    return html.escape(str(value), quote=True)


def anchor(text):
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())


def tag(name, body, cls=None, **attrs):
    if cls:
        attrs["class"] = cls
    a = "".join(' %s="%s"' % (k, esc(v)) for k, v in attrs.items())
    return "<%s%s>%s</%s>" % (name, a, body, name)


def table(head, rows, cls=None):
    """head: column titles; rows: (row class, row id, [(text, cell
    class)]), None where there is none.  Texts are escaped here."""
    out = [tag("tr", "".join(tag("th", esc(h)) for h in head))]
    for row_cls, row_id, cells in rows:
        out.append(tag("tr", "".join(tag("td", esc(t), c) for t, c in cells),
                       row_cls, **({"id": row_id} if row_id else {})))
    return tag("div", tag("table", "\n".join(out)), cls or "wide")


def pct(part, whole):
    return " (%.1f%%)" % (100.0 * part / whole) if whole else ""


def lost_text(c):
    lost = c.num("lost")
    if lost is None or not c.ok:
        return "–"
    return "%d%s" % (lost, pct(lost, c.num("sent")) if lost else "")


def note_text(c):
    if not c.ok:
        return c.text("reason")
    extra = ["%s %d" % (k, c.num(k)) for k in ("duplicated", "reordered")
             if c.num(k)]
    return "; ".join([c.text("info")] + extra)


def measured(fn):
    """A table cell that has a value only for a measured case."""
    return lambda c: fn(c) if c.ok else "–"


def mbps(c):
    v = c.num("bytes_per_sec")
    return "–" if v is None else "%.1f" % (v / 1e6)


def per_msg(column):
    return lambda c: "–" if c.num(column) is None else "%.2f" % c.num(column)


# The case table: (title, cell, class).  A new column is one line here.
CASE_COLUMNS = (
    ("transport", lambda c: c.transport, None),
    ("options", lambda c: c.text("options"), None),
    ("workload", lambda c: c.workload, None),
    ("size", lambda c: size_text(c.size), "num"),
    ("placement", lambda c: c.placement, None),
    ("wait", lambda c: c.wait, None),
    ("status", lambda c: c.status, "status"),
    ("latency", measured(lambda c: c.text("latency")), None),
    ("p50", measured(lambda c: ns_text(c.num("p50_ns"))), "num"),
    ("p99", measured(lambda c: ns_text(c.num("p99_ns"))), "num"),
    ("p99.9", measured(lambda c: ns_text(c.num("p999_ns"))), "num"),
    ("msgs/s", measured(lambda c: rate_text(c.num("msgs_per_sec"))), "num"),
    ("MB/s", measured(mbps), "num"),
    ("lost", lost_text, "num"),
    ("CPU/msg", measured(lambda c: ns_text(c.num("cpu_ns_per_msg"))), "num"),
    ("vol. csw/msg", measured(per_msg("vcsw_per_msg")), "num"),
    ("invol. csw/msg", measured(per_msg("ivcsw_per_msg")), "num"),
    ("note", note_text, None),
)

ENV_NAMES = (
    ("time_utc", "run started (UTC)"), ("host", "host"), ("kernel", "kernel"),
    ("cpu_model", "CPU"), ("cpus_online", "CPUs online"),
    ("cpus_allowed", "CPUs allowed to ipcbench"),
    ("virtualized", "virtualised"), ("clocksource", "clocksource"),
    ("cpufreq_governor", "cpufreq governor"), ("compiler", "compiler"),
    ("build_type", "build type"), ("version", "ipcbench version"),
    ("cpu_a", "CPU A (placements)"), ("cpu_b", "CPU B (placements)"),
    ("sample_overhead_ns", "timing overhead per sample (ns)"),
    ("warnings", "warnings"),
)


def flat(d, prefix=""):
    """{'limits': {'mq_msg_max': 10}} -> [('limits.mq_msg_max', 10)]."""
    out = []
    for k, v in d.items():
        if isinstance(v, dict):
            out += flat(v, prefix + k + ".")
        else:
            out.append((prefix + k, v))
    return out


def value_text(key, v):
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(value_text(key, x) for x in v)
    if isinstance(v, dict):
        return " ".join("%s=%s" % (k, value_text(k, x))
                        for k, x in v.items()) or "–"
    if key.endswith("_bytes") and isinstance(v, int):
        return size_text(v)
    return "–" if v is None or v == "" else str(v)


def key_value_table(pairs):
    """pairs: (key, shown name, value)."""
    return table(("name", "value"),
                 [(None, None, [(name, None), (value_text(key, v), None)])
                  for key, name, v in pairs])


def env_rows(env):
    names = dict(ENV_NAMES)
    keys = [k for k, _ in ENV_NAMES if k in env]
    rest = [(k, v) for k, v in flat(env) if k not in names]
    return [(k, names[k], env[k]) for k in keys] + [(k, k, v) for k, v in rest]


def sec_overview(res, charts):
    cases = res.cases
    counts = {}
    for c in cases:
        counts[c.status] = counts.get(c.status, 0) + 1
    env = res.env
    out = [tag("p", esc(
        "Suite %s, run %s on %s (%s, %s CPUs%s): %d cases, %s." % (
            res.suite.get("name", "?"), env.get("time_utc", "?"),
            env.get("host", "?"), env.get("kernel", "?"),
            env.get("cpus_online", "?"),
            ", virtual machine" if env.get("virtualized") else "",
            len(cases), ", ".join("%d %s" % (n, s) for s, n in counts.items()))))]
    if res.suite.get("description"):
        out.append(tag("p", esc(res.suite["description"])))
    warnings = [env["warnings"]] if env.get("warnings") else []
    if res.meta.get("interrupted") or res.meta.get("complete") is False:
        warnings.insert(0, "This run did not finish: only the cases it "
                           "finished are here.")
    out += [tag("p", esc("Warning: " + w), "warn") for w in warnings]
    out.append(tag("p", esc(
        "How to read: rtt (round trip, pingpong) is the time from sending a "
        "message until its echo is back, with one message in flight; it is "
        "not one-way latency. one-way (throughput) is the time from send to "
        "arrival while the sender streams as fast as it can, so it includes "
        "queueing. msgs/s and MB/s are counted where messages arrive (a "
        "round trip counts two messages; MB = 10^6 bytes). Placement: "
        "same-cpu puts both processes on one CPU, cross-cpu on two; wait: "
        "block sleeps in the kernel until woken, spin busy-polls and keeps a "
        "CPU busy. CPU/msg is the user + system CPU time of both processes "
        "per message. In the charts a transport keeps one colour; its line "
        "or bar is labelled with the options that differ between its cases "
        "(as in shm wait=sem), and marked (spin) when it busy-polls.")))
    return [(None, "\n".join(out))]


def sec_charts(res, charts):
    if not charts:
        return [("Charts", tag("p", "No measured case to draw."))]
    out = []
    for name in dict.fromkeys(ch.section for ch in charts):
        figs = []
        for ch in (c for c in charts if c.section == name):
            src = "charts/%s.svg" % ch.name
            img = '<img src="%s" alt="%s" width="1200" height="675" />' % (
                esc(src), esc(ch.title))
            links = ' <a href="%s">SVG</a> · <a href="%s">PNG</a>' % (
                esc(src), esc("charts/%s.png" % ch.name))
            figs.append(tag("figure", img + tag("figcaption", tag(
                "strong", esc(ch.title)) + ". " + esc(ch.note) + links),
                id="chart-" + ch.name))
        out.append((name, "\n".join(figs)))
    return out


def sec_cases(res, charts):
    rows = []
    for c in res.cases:
        rows.append((c.status, "case-" + c.id,
                     [(fn(c), cls) for _, fn, cls in CASE_COLUMNS]))
    return [("Cases", tag("p", esc(
        "One row per case, in the order they ran; summary.csv has every "
        "column.")) + table([t for t, _, _ in CASE_COLUMNS], rows))]


def sec_not_measured(res, charts):
    bad = [c for c in res.cases if not c.ok]
    if not bad:
        return []
    items = "\n".join(tag("li", esc("%s %s %s %s: %s: %s" % (
        c.label, c.workload, size_text(c.size), c.placement, c.status,
        c.text("reason") or "no reason given"))) for c in bad)
    return [("Not measured", tag("p", esc(
        "These cases are in no chart.")) + tag("ul", items))]


CLAIMS_INTRO = (
    "Textbook claims about IPC, checked against this run's data by "
    "`ipcbench claims` (never written in advance). Verdicts: holds, does not "
    "hold, not significant (the repetitions cannot tell a difference from "
    "noise), not measured (the run lacks the cases; the claim says which). "
    "Each evidence line compares two cases: their medians, the ratio, and "
    "Welch's p across repetitions.")


def claim_html(c):
    verdict = c.get("verdict", "?")
    head = tag("p", tag("span", esc(verdict), "verdict v-" + anchor(verdict))
               + tag("strong", esc(c.get("claim", ""))))
    body = [head, tag("p", esc("Why: " + c.get("why", "")))]
    if verdict == "not measured" and c.get("needs"):
        body.append(tag("p", esc("Needs: " + c["needs"])))
    if c.get("note"):
        body.append(tag("p", esc("Note: " + c["note"])))
    body.append(tag("p", esc("Rule: " + c.get("rule", "")), "rule"))
    bears = c.get("evidence_bears", [])
    items = [tag("li", esc(line), "context" if i < len(bears)
                 and bears[i] == "context" else None)
             for i, line in enumerate(c.get("evidence", []))]
    if items:
        body.append(tag("ul", "\n".join(items)))
    return tag("div", "\n".join(body), "claim",
               id="claim-" + anchor(c.get("key", "")))


def sec_claims(res, charts):
    data = res.claims
    if not data:
        note = res.claims_note or \
            "Run `ipcbench claims DIR` to check the textbook claims."
        return [("Claims", tag("p", esc(note)))]
    out = [tag("p", esc(CLAIMS_INTRO)), tag("p", esc(data.get("rule", "")), "rule")]
    out += [claim_html(c) for c in data.get("claims", [])]
    return [("Claims", "\n".join(out))]


def sec_environment(res, charts):
    return [("Environment", key_value_table(env_rows(res.env)))]


def sec_suite(res, charts):
    suite = res.suite
    scalars = [(k, k, v) for k, v in suite.items() if k != "runs"]
    runs = suite.get("runs") or []
    head = list(dict.fromkeys(k for r in runs for k in r))
    rows = [(None, None, [(value_text(k, r.get(k)), None) for k in head])
            for r in runs]
    body = key_value_table(scalars)
    if runs:
        body += tag("p", esc("Runs: each is the cross product of its lists.")) \
            + table(head, rows)
    return [("Suite", body)]


# In page order; each returns [(heading or None, HTML)].
SECTIONS = (sec_overview, sec_charts, sec_claims, sec_cases, sec_not_measured,
            sec_environment, sec_suite)


def write(res, charts, path):
    """Write the page to path (through a temporary file and a rename)."""
    title = "ipcbench report: %s" % res.suite.get("name", os.path.basename(path))
    parts = [p for s in SECTIONS for p in s(res, charts)]
    nav = tag("nav", tag("ul", "".join(
        tag("li", '<a href="#%s">%s</a>' % (anchor(h), esc(h)))
        for h, _ in parts if h)))
    body = [(tag("h2", esc(h), id=anchor(h)) + "\n" if h else "") + b
            for h, b in parts]
    page = ('<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">\n<head>\n'
            '<meta charset="utf-8" />\n<title>%s</title>\n<style>%s</style>\n'
            '</head>\n<body>\n<h1>%s</h1>\n%s\n%s\n</body>\n</html>\n'
            % (esc(title), STYLE, esc(title), nav,
               "\n".join(body)))
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, path)
