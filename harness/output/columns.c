/*
 * columns.c - the results schema, one entry a column: name, unit, type,
 * scope, what it means, and how to get it from a case.  See columns.h.
 *
 * The order is the order of summary.csv.  Columns are only ever added
 * (readers look them up by name); a new column goes before `id`, which
 * stays last.  This module measures nothing and opens no file.
 */
#include <stddef.h>
#include <string.h>

#include "columns.h"
#include "csvread.h"
#include "util.h"

#define C(n, u, k, s, b, m) { .name = n, .unit = u, .kind = k, .scope = s, \
			      .better = b, .meaning = m }
#define N BETTER_NONE
#define LO BETTER_LOWER
#define HI BETTER_HIGHER

const struct column columns[] = {
	C("repetition", "", COL_INT, COL_REPETITION, N,
	  "which repetition of the case this row is, 1-based"),
	C("transport", "", COL_TEXT, COL_CASE, N,
	  "the IPC method (see ipcbench list)"),
	C("workload", "", COL_TEXT, COL_CASE, N,
	  "pingpong (closed loop, one message in flight) or throughput (one-way stream)"),
	C("size_bytes", "bytes", COL_INT, COL_CASE, N,
	  "bytes in every message, header included"),
	C("placement", "", COL_TEXT, COL_CASE, N,
	  "same-cpu, cross-cpu or unpinned: where the two processes ran"),
	C("options", "", COL_OPTIONS, COL_CASE, N,
	  "every option of the transport with its resolved value"),
	C("wait", "", COL_TEXT, COL_CASE, N,
	  "how the processes wait for a message: block (sleep in the kernel) or spin (busy-poll a CPU)"),
	C("status", "", COL_TEXT, COL_FIGURE, N,
	  "ok, skipped or failed"),
	C("reason", "", COL_TEXT, COL_FIGURE, N,
	  "why the case was skipped or failed; empty when ok"),
	C("iterations", "msgs", COL_INT, COL_CASE, N,
	  "measured messages (round trips for pingpong)"),
	C("warmup", "msgs", COL_INT, COL_CASE, N,
	  "messages sent first and discarded"),
	C("latency", "", COL_TEXT, COL_CASE, N,
	  "what the latency figures are: rtt (round trip) or one-way (send to arrival)"),
	C("samples", "count", COL_INT, COL_FIGURE, N,
	  "latency samples recorded in the histogram"),
	C("min_ns", "ns", COL_INT, COL_FIGURE, LO, "least latency"),
	C("p50_ns", "ns", COL_INT, COL_FIGURE, LO, "median latency"),
	C("p90_ns", "ns", COL_INT, COL_FIGURE, LO, "90th percentile latency"),
	C("p99_ns", "ns", COL_INT, COL_FIGURE, LO, "99th percentile latency"),
	C("p999_ns", "ns", COL_INT, COL_FIGURE, LO, "99.9th percentile latency"),
	C("max_ns", "ns", COL_INT, COL_FIGURE, LO, "greatest latency"),
	C("mean_ns", "ns", COL_REAL, COL_FIGURE, LO, "mean latency"),
	C("stddev_ns", "ns", COL_REAL, COL_FIGURE, N,
	  "standard deviation of the latency"),
	C("msgs_per_sec", "msgs/s", COL_REAL, COL_FIGURE, HI,
	  "one-way messages per second, counted where they arrive (a round trip is two)"),
	C("bytes_per_sec", "bytes/s", COL_REAL, COL_FIGURE, HI,
	  "msgs_per_sec x size_bytes"),
	C("span_ns", "ns", COL_INT, COL_FIGURE, N,
	  "length of the timed span on the side that keeps time"),
	C("sent", "msgs", COL_INT, COL_FIGURE, N,
	  "measured data messages the client sent"),
	C("received", "msgs", COL_INT, COL_FIGURE, N,
	  "distinct measured data messages that arrived"),
	C("lost", "msgs", COL_INT, COL_FIGURE, N,
	  "sent but never arrived (lossy transports; else the case fails)"),
	C("duplicated", "msgs", COL_INT, COL_FIGURE, N,
	  "arrived more than once"),
	C("reordered", "msgs", COL_INT, COL_FIGURE, N,
	  "arrived after a later one"),
	C("client_cpu", "cpu", COL_INT, COL_FIGURE, N,
	  "CPU the client ran on at the end (-1 unknown)"),
	C("server_cpu", "cpu", COL_INT, COL_FIGURE, N,
	  "CPU the server ran on at the end (-1 unknown)"),
	C("cpu_ns_per_msg", "ns/msg", COL_REAL, COL_FIGURE, LO,
	  "user + system CPU time of both processes per message"),
	C("client_cpu_ns_per_msg", "ns/msg", COL_REAL, COL_FIGURE, LO,
	  "the client's user + system CPU time per message"),
	C("server_cpu_ns_per_msg", "ns/msg", COL_REAL, COL_FIGURE, LO,
	  "the server's user + system CPU time per message"),
	C("vcsw_per_msg", "1/msg", COL_REAL, COL_FIGURE, N,
	  "voluntary context switches (sleeps) of both processes per message"),
	C("ivcsw_per_msg", "1/msg", COL_REAL, COL_FIGURE, N,
	  "involuntary context switches (preemptions) of both processes per message"),
	C("rate", "msgs/s", COL_INT, COL_CASE, N,
	  "paced sending rate (open loop); 0 unpaced"),
	C("stall_ms", "ms", COL_INT, COL_CASE, N,
	  "one receiver stall half-way through; 0 none"),
	C("latency_from", "", COL_TEXT, COL_CASE, N,
	  "one-way latency counts from: send (the actual send) or slot (the scheduled send time, paced)"),
	C("missed_slots", "msgs", COL_INT, COL_FIGURE, N,
	  "paced: messages sent more than one interval after their slot"),
	C("uncorrected_p50_ns", "ns", COL_INT, COL_FIGURE, LO,
	  "paced: median latency from the actual send (coordinated omission not corrected)"),
	C("uncorrected_p99_ns", "ns", COL_INT, COL_FIGURE, LO,
	  "paced: 99th percentile from the actual send"),
	C("uncorrected_p999_ns", "ns", COL_INT, COL_FIGURE, LO,
	  "paced: 99.9th percentile from the actual send"),
	C("uncorrected_max_ns", "ns", COL_INT, COL_FIGURE, LO,
	  "paced: greatest latency from the actual send"),
	C("floor_ns", "ns", COL_REAL, COL_FIGURE, N,
	  "round trips: the calibrated floor of this wait mode and placement (futex or cache-line ping-pong)"),
	C("p50_per_floor", "ratio", COL_REAL, COL_FIGURE, LO,
	  "p50_ns / floor_ns: how far above the machine's floor"),
	C("verify", "", COL_TEXT, COL_CASE, N,
	  "seq (sequence numbers checked) or full (every payload byte too)"),
	C("info", "", COL_TEXT, COL_FIGURE, N,
	  "what the kernel granted (buffer sizes and the like)"),
	C("headline", "", COL_TEXT, COL_CASE, N,
	  "the column that is this case's main figure: msgs_per_sec for an unpaced stream, else p50_ns"),
	C("headline_better", "", COL_TEXT, COL_CASE, N,
	  "which way the headline is better: higher (a rate) or lower (a latency)"),
	C("repetitions", "count", COL_INT, COL_SPREAD, N,
	  "repetitions run, each in fresh processes"),
	C("repetitions_ok", "count", COL_INT, COL_SPREAD, N,
	  "repetitions that ended ok; the figures are their medians"),
	C("p50_ns_min", "ns", COL_REAL, COL_SPREAD, N,
	  "least p50_ns of the ok repetitions"),
	C("p50_ns_max", "ns", COL_REAL, COL_SPREAD, N,
	  "greatest p50_ns of the ok repetitions"),
	C("p50_ns_ci95_lo", "ns", COL_REAL, COL_SPREAD, N,
	  "95% confidence interval of the median p50_ns (Student t), low end"),
	C("p50_ns_ci95_hi", "ns", COL_REAL, COL_SPREAD, N,
	  "95% confidence interval of p50_ns, high end"),
	C("p99_ns_min", "ns", COL_REAL, COL_SPREAD, N,
	  "least p99_ns of the ok repetitions"),
	C("p99_ns_max", "ns", COL_REAL, COL_SPREAD, N,
	  "greatest p99_ns of the ok repetitions"),
	C("p99_ns_ci95_lo", "ns", COL_REAL, COL_SPREAD, N,
	  "95% confidence interval of p99_ns, low end"),
	C("p99_ns_ci95_hi", "ns", COL_REAL, COL_SPREAD, N,
	  "95% confidence interval of p99_ns, high end"),
	C("msgs_per_sec_min", "msgs/s", COL_REAL, COL_SPREAD, N,
	  "least msgs_per_sec of the ok repetitions"),
	C("msgs_per_sec_max", "msgs/s", COL_REAL, COL_SPREAD, N,
	  "greatest msgs_per_sec of the ok repetitions"),
	C("msgs_per_sec_ci95_lo", "msgs/s", COL_REAL, COL_SPREAD, N,
	  "95% confidence interval of msgs_per_sec, low end"),
	C("msgs_per_sec_ci95_hi", "msgs/s", COL_REAL, COL_SPREAD, N,
	  "95% confidence interval of msgs_per_sec, high end"),
	C("noisy", "", COL_FLAG, COL_SPREAD, N,
	  "the headline's 95% CI is wider than +-10% of it (empty with fewer than 2 ok repetitions)"),
	C("id", "", COL_TEXT, COL_CASE, N,
	  "the case's unique name: transport-workload-size-placement[-options]; its .hgrm file is hgrm/<id>.hgrm"),
	{ .name = NULL },
};

#undef C
#undef N
#undef LO
#undef HI

const struct column *column_find(const char *name)
{
	for (const struct column *c = columns; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const char *column_kind_name(enum column_kind k)
{
	static const char *const names[] = {
		[COL_TEXT] = "text", [COL_INT] = "int", [COL_REAL] = "real",
		[COL_FLAG] = "flag", [COL_OPTIONS] = "options",
	};

	return (unsigned)k < ARRAY_SIZE(names) ? names[k] : "?";
}

const char *column_scope_name(enum column_scope s)
{
	static const char *const names[] = {
		[COL_CASE] = "case", [COL_FIGURE] = "figure",
		[COL_SPREAD] = "spread", [COL_REPETITION] = "repetition",
	};

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

static const char *better_name(enum column_better b)
{
	return b == BETTER_LOWER ? "lower" : b == BETTER_HIGHER ? "higher" :
	       "";
}

void columns_print(FILE *f, enum output_format fmt)
{
	const struct column *c;

	if (fmt == FORMAT_JSON) {
		fputs("{\"format\": \"ipcbench-columns-1\", \"columns\": [", f);
		for (c = columns; c->name; c++) {
			fputs(c == columns ? "\n  {\"name\": " : ",\n  {\"name\": ",
			      f);
			json_put_str(f, c->name);
			fputs(", \"unit\": ", f);
			json_put_str(f, c->unit);
			fprintf(f, ", \"kind\": \"%s\", \"scope\": \"%s\", \"better\": \"%s\", \"meaning\": ",
				column_kind_name(c->kind),
				column_scope_name(c->scope),
				better_name(c->better));
			json_put_str(f, c->meaning);
			fputc('}', f);
		}
		fputs("\n]}\n", f);
		return;
	}
	if (fmt == FORMAT_CSV) {
		fputs("name,unit,kind,scope,better,meaning\n", f);
		for (c = columns; c->name; c++) {
			csv_put_field(f, c->name, false);
			csv_put_field(f, c->unit, false);
			csv_put_field(f, column_kind_name(c->kind), false);
			csv_put_field(f, column_scope_name(c->scope), false);
			csv_put_field(f, better_name(c->better), false);
			csv_put_field(f, c->meaning, true);
		}
		return;
	}
	fputs("columns of summary.csv and repetitions.csv (= the keys of a case in results.json):\n",
	      f);
	for (c = columns; c->name; c++)
		fprintf(f, "  %-22s %-8s %-7s %-10s %s\n", c->name,
			c->unit[0] ? c->unit : "-", column_kind_name(c->kind),
			column_scope_name(c->scope), c->meaning);
	fputs("scope: case = what the case is; figure = measured (per repetition in repetitions.csv, their median in summary.csv);\n"
	      "spread = across repetitions (summary.csv only); repetition = repetitions.csv only.\n",
	      f);
}
