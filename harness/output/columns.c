/*
 * columns.c - the results schema, one entry a column: name, unit, type,
 * scope, what it means, and how to get it from a case.  See columns.h.
 *
 * The order is the order of summary.csv.  Columns are only ever added
 * (readers look them up by name); a new column goes before `id`, which
 * stays last.  This module measures nothing and opens no file.
 */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "csvread.h"
#include "report_int.h"
#include "util.h"

/*
 * Getters: each prints one field of a view in its CSV spelling.  The
 * shared ones read the member at col->off of the view's figures, case or
 * aggregate; a real that does not exist (NAN) is "" (JSON null).
 */
static void put_real(char *buf, size_t len, double x, int prec)
{
	if (isfinite(x))
		snprintf(buf, len, "%.*f", prec, x);
	else
		buf[0] = '\0';
}

static const void *member(const void *base, size_t off)
{
	return (const char *)base + off;
}

static void get_fig_u64(const struct column *col, const struct view *v,
			char *buf, size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)
		 *(const uint64_t *)member(v->f, col->off));
}

static void get_fig_i64(const struct column *col, const struct view *v,
			char *buf, size_t len)
{
	snprintf(buf, len, "%lld", (long long)
		 *(const int64_t *)member(v->f, col->off));
}

static void get_fig_real(const struct column *col, const struct view *v,
			 char *buf, size_t len)
{
	put_real(buf, len, *(const double *)member(v->f, col->off), col->prec);
}

/* An uncorrected latency: it exists only for a paced case. */
static void get_paced_i64(const struct column *col, const struct view *v,
			  char *buf, size_t len)
{
	if (v->c->rate)
		get_fig_i64(col, v, buf, len);
	else
		buf[0] = '\0';
}

static void get_case_u64(const struct column *col, const struct view *v,
			 char *buf, size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)
		 *(const uint64_t *)member(v->c, col->off));
}

/* A member of one of the aggregate's struct stats (spread columns). */
static void get_spread(const struct column *col, const struct view *v,
		       char *buf, size_t len)
{
	const struct stats *st = member(v->a, col->off);

	put_real(buf, len, *(const double *)member(st, col->sub), col->prec);
}

static void get_text(char *buf, size_t len, const char *s)
{
	snprintf(buf, len, "%s", s ? s : "");
}

#define TEXT_GETTER(fn, expr)						\
	static void fn(const struct column *col, const struct view *v,	\
		       char *buf, size_t len)				\
	{								\
		(void)col;						\
		get_text(buf, len, (expr));				\
	}

TEXT_GETTER(get_transport, v->c->ops->name)
TEXT_GETTER(get_workload, v->c->wl->name)
TEXT_GETTER(get_placement, placement_name(v->c->placement))
TEXT_GETTER(get_options, v->c->options)
TEXT_GETTER(get_wait, wait_mode_name(v->wait))
TEXT_GETTER(get_status, report_status_names[v->status])
TEXT_GETTER(get_reason, v->reason)
TEXT_GETTER(get_latency, v->c->wl->latency)
TEXT_GETTER(get_latency_from, report_latency_from(v->c))
TEXT_GETTER(get_verify, verify_name(v->c->verify))
TEXT_GETTER(get_info, v->r->info)
TEXT_GETTER(get_id, v->c->id)
TEXT_GETTER(get_headline, column_headline(v->c)->name)
TEXT_GETTER(get_headline_better,
	    column_headline(v->c)->better == BETTER_HIGHER ? "higher" : "lower")
TEXT_GETTER(get_noisy, v->a->ok < 2 ? "" : v->a->noisy ? "yes" : "no")

#undef TEXT_GETTER

static void get_repetition(const struct column *col, const struct view *v,
			   char *buf, size_t len)
{
	(void)col;
	snprintf(buf, len, "%u", v->rep);
}

/* client_cpu, server_cpu: off is the side. */
static void get_side_cpu(const struct column *col, const struct view *v,
			 char *buf, size_t len)
{
	snprintf(buf, len, "%d", v->r->side[col->off].cpu);
}

static void get_floor(const struct column *col, const struct view *v,
		      char *buf, size_t len)
{
	put_real(buf, len, v->floor_ns, col->prec);
}

static void get_p50_per_floor(const struct column *col, const struct view *v,
			      char *buf, size_t len)
{
	put_real(buf, len, v->status == CASE_OK ?
		 (double)v->f->p50 / v->floor_ns : NAN, col->prec);
}

/* repetitions (off 0) and repetitions_ok (off 1) of the aggregate. */
static void get_reps(const struct column *col, const struct view *v,
		     char *buf, size_t len)
{
	snprintf(buf, len, "%u", col->off ? v->a->ok : v->a->n_reps);
}

#define C(n, u, k, s, b, g, m) { .name = n, .unit = u, .kind = k, .scope = s, \
				 .better = b, .get = g, .meaning = m }
#define N BETTER_NONE
#define LO BETTER_LOWER
#define HI BETTER_HIGHER
/* A figure read from struct figures: uint64_t, int64_t or double. */
#define FIG_U(n, u, field, m) { .name = n, .unit = u, .kind = COL_INT, \
	.scope = COL_FIGURE, .better = N, .get = get_fig_u64,	       \
	.off = offsetof(struct figures, field), .meaning = m }
#define FIG_I(n, u, b, field, m) { .name = n, .unit = u, .kind = COL_INT, \
	.scope = COL_FIGURE, .better = b, .get = get_fig_i64,		  \
	.off = offsetof(struct figures, field), .meaning = m }
#define FIG_R(n, u, b, field, p, m) { .name = n, .unit = u,		\
	.kind = COL_REAL, .scope = COL_FIGURE, .better = b,		\
	.get = get_fig_real, .off = offsetof(struct figures, field),	\
	.prec = p, .meaning = m }
/* paced: latency from the actual send; empty unpaced. */
#define PACED_I(n, field, m) { .name = n, .unit = "ns", .kind = COL_INT, \
	.scope = COL_FIGURE, .better = LO, .get = get_paced_i64,	 \
	.off = offsetof(struct figures, field), .meaning = m }
/* A uint64_t of the case's spec. */
#define CASE_U(n, u, field, m) { .name = n, .unit = u, .kind = COL_INT,  \
	.scope = COL_CASE, .better = N, .get = get_case_u64,		  \
	.off = offsetof(struct case_spec, field), .meaning = m }
/* A member of the spread of one headline figure. */
#define SPREAD(n, u, stat, field, m) { .name = n, .unit = u,		\
	.kind = COL_REAL, .scope = COL_SPREAD, .better = N,		\
	.get = get_spread, .off = offsetof(struct case_agg, stat),	\
	.sub = offsetof(struct stats, field), .prec = 1, .meaning = m }

const struct column columns[] = {
	C("repetition", "", COL_INT, COL_REPETITION, N, get_repetition,
	  "which repetition of the case this row is, 1-based"),
	C("transport", "", COL_TEXT, COL_CASE, N, get_transport,
	  "the IPC method (see ipcbench list)"),
	C("workload", "", COL_TEXT, COL_CASE, N, get_workload,
	  "pingpong (closed loop, one message in flight) or throughput (one-way stream)"),
	CASE_U("size_bytes", "bytes", size,
	       "bytes in every message, header included"),
	C("placement", "", COL_TEXT, COL_CASE, N, get_placement,
	  "same-cpu, cross-cpu or unpinned: where the two processes ran"),
	C("options", "", COL_OPTIONS, COL_CASE, N, get_options,
	  "every option of the transport with its resolved value"),
	C("wait", "", COL_TEXT, COL_CASE, N, get_wait,
	  "how the processes wait for a message: block (sleep in the kernel) or spin (busy-poll a CPU)"),
	C("status", "", COL_TEXT, COL_FIGURE, N, get_status,
	  "ok, skipped or failed"),
	C("reason", "", COL_TEXT, COL_FIGURE, N, get_reason,
	  "why the case was skipped or failed; empty when ok"),
	CASE_U("iterations", "msgs", iterations,
	       "measured messages (round trips for pingpong)"),
	CASE_U("warmup", "msgs", warmup, "messages sent first and discarded"),
	C("latency", "", COL_TEXT, COL_CASE, N, get_latency,
	  "what the latency figures are: rtt (round trip) or one-way (send to arrival)"),
	FIG_U("samples", "count", count,
	      "latency samples recorded in the histogram"),
	FIG_I("min_ns", "ns", LO, min, "least latency"),
	FIG_I("p50_ns", "ns", LO, p50, "median latency"),
	FIG_I("p90_ns", "ns", LO, p90, "90th percentile latency"),
	FIG_I("p99_ns", "ns", LO, p99, "99th percentile latency"),
	FIG_I("p999_ns", "ns", LO, p999, "99.9th percentile latency"),
	FIG_I("max_ns", "ns", LO, max, "greatest latency"),
	FIG_R("mean_ns", "ns", LO, mean, 1, "mean latency"),
	FIG_R("stddev_ns", "ns", N, stddev, 1,
	      "standard deviation of the latency"),
	FIG_R("msgs_per_sec", "msgs/s", HI, msgs_per_sec, 1,
	      "one-way messages per second, counted where they arrive (a round trip is two)"),
	FIG_R("bytes_per_sec", "bytes/s", HI, bytes_per_sec, 1,
	      "msgs_per_sec x size_bytes"),
	FIG_I("span_ns", "ns", N, span_ns,
	      "length of the timed span on the side that keeps time"),
	FIG_U("sent", "msgs", sent, "measured data messages the client sent"),
	FIG_U("received", "msgs", received,
	      "distinct measured data messages that arrived"),
	FIG_U("lost", "msgs", lost,
	      "sent but never arrived (lossy transports; else the case fails)"),
	FIG_U("duplicated", "msgs", duplicated, "arrived more than once"),
	FIG_U("reordered", "msgs", reordered, "arrived after a later one"),
	{ .name = "client_cpu", .unit = "cpu", .kind = COL_INT,
	  .scope = COL_FIGURE, .get = get_side_cpu, .off = SIDE_CLIENT,
	  .meaning = "CPU the client ran on at the end (-1 unknown)" },
	{ .name = "server_cpu", .unit = "cpu", .kind = COL_INT,
	  .scope = COL_FIGURE, .get = get_side_cpu, .off = SIDE_SERVER,
	  .meaning = "CPU the server ran on at the end (-1 unknown)" },
	FIG_R("cpu_ns_per_msg", "ns/msg", LO, cpu_ns_per_msg, 1,
	      "user + system CPU time of both processes per message"),
	FIG_R("client_cpu_ns_per_msg", "ns/msg", LO, cpu_ns[SIDE_CLIENT], 1,
	      "the client's user + system CPU time per message"),
	FIG_R("server_cpu_ns_per_msg", "ns/msg", LO, cpu_ns[SIDE_SERVER], 1,
	      "the server's user + system CPU time per message"),
	FIG_R("vcsw_per_msg", "1/msg", N, vcsw_per_msg, 4,
	      "voluntary context switches (sleeps) of both processes per message"),
	FIG_R("ivcsw_per_msg", "1/msg", N, ivcsw_per_msg, 4,
	      "involuntary context switches (preemptions) of both processes per message"),
	CASE_U("rate", "msgs/s", rate,
	       "paced sending rate (open loop); 0 unpaced"),
	CASE_U("stall_ms", "ms", stall_ms,
	       "one receiver stall half-way through; 0 none"),
	C("latency_from", "", COL_TEXT, COL_CASE, N, get_latency_from,
	  "one-way latency counts from: send (the actual send) or slot (the scheduled send time, paced)"),
	FIG_U("missed_slots", "msgs", missed,
	      "paced: messages sent more than one interval after their slot"),
	PACED_I("uncorrected_p50_ns", uncorrected_p50,
	      "paced: median latency from the actual send (coordinated omission not corrected)"),
	PACED_I("uncorrected_p99_ns", uncorrected_p99,
	      "paced: 99th percentile from the actual send"),
	PACED_I("uncorrected_p999_ns", uncorrected_p999,
	      "paced: 99.9th percentile from the actual send"),
	PACED_I("uncorrected_max_ns", uncorrected_max,
	      "paced: greatest latency from the actual send"),
	{ .name = "floor_ns", .unit = "ns", .kind = COL_REAL,
	  .scope = COL_FIGURE, .get = get_floor, .prec = 1,
	  .meaning = "round trips: the calibrated floor of this wait mode and placement (futex or cache-line ping-pong)" },
	{ .name = "p50_per_floor", .unit = "ratio", .kind = COL_REAL,
	  .scope = COL_FIGURE, .better = LO, .get = get_p50_per_floor,
	  .prec = 2,
	  .meaning = "p50_ns / floor_ns: how far above the machine's floor" },
	C("verify", "", COL_TEXT, COL_CASE, N, get_verify,
	  "seq (sequence numbers checked) or full (every payload byte too)"),
	C("info", "", COL_TEXT, COL_FIGURE, N, get_info,
	  "what the kernel granted (buffer sizes and the like)"),
	C("headline", "", COL_TEXT, COL_CASE, N, get_headline,
	  "the column that is this case's main figure: msgs_per_sec for an unpaced stream, else p50_ns"),
	C("headline_better", "", COL_TEXT, COL_CASE, N, get_headline_better,
	  "which way the headline is better: higher (a rate) or lower (a latency)"),
	{ .name = "repetitions", .unit = "count", .kind = COL_INT,
	  .scope = COL_SPREAD, .get = get_reps, .off = 0,
	  .meaning = "repetitions run, each in fresh processes" },
	{ .name = "repetitions_ok", .unit = "count", .kind = COL_INT,
	  .scope = COL_SPREAD, .get = get_reps, .off = 1,
	  .meaning = "repetitions that ended ok; the figures are their medians" },
	SPREAD("p50_ns_min", "ns", p50, min,
	       "least p50_ns of the ok repetitions"),
	SPREAD("p50_ns_max", "ns", p50, max,
	       "greatest p50_ns of the ok repetitions"),
	SPREAD("p50_ns_ci95_lo", "ns", p50, ci_lo,
	       "95% confidence interval of the mean p50_ns (Student t), low end"),
	SPREAD("p50_ns_ci95_hi", "ns", p50, ci_hi,
	       "95% confidence interval of p50_ns, high end"),
	SPREAD("p99_ns_min", "ns", p99, min,
	       "least p99_ns of the ok repetitions"),
	SPREAD("p99_ns_max", "ns", p99, max,
	       "greatest p99_ns of the ok repetitions"),
	SPREAD("p99_ns_ci95_lo", "ns", p99, ci_lo,
	       "95% confidence interval of p99_ns, low end"),
	SPREAD("p99_ns_ci95_hi", "ns", p99, ci_hi,
	       "95% confidence interval of p99_ns, high end"),
	SPREAD("msgs_per_sec_min", "msgs/s", rate, min,
	       "least msgs_per_sec of the ok repetitions"),
	SPREAD("msgs_per_sec_max", "msgs/s", rate, max,
	       "greatest msgs_per_sec of the ok repetitions"),
	SPREAD("msgs_per_sec_ci95_lo", "msgs/s", rate, ci_lo,
	       "95% confidence interval of msgs_per_sec, low end"),
	SPREAD("msgs_per_sec_ci95_hi", "msgs/s", rate, ci_hi,
	       "95% confidence interval of msgs_per_sec, high end"),
	C("noisy", "", COL_FLAG, COL_SPREAD, N, get_noisy,
	  "the headline's 95% CI is wider than +-10% of it (empty with fewer than 2 ok repetitions)"),
	FIG_U("out_of_range", "count", overflow,
	      "latency samples beyond the histogram's range (counted at its top)"),
	FIG_U("messages", "msgs", messages,
	      "one-way messages counted in msgs_per_sec"),
	C("id", "", COL_TEXT, COL_CASE, N, get_id,
	  "the case's unique name: transport-workload-size-placement[-options]; its .hgrm file is hgrm/<id>.hgrm"),
	{ .name = NULL },
};

#undef C
#undef N
#undef LO
#undef HI
#undef FIG_U
#undef FIG_I
#undef FIG_R
#undef CASE_U
#undef PACED_I
#undef SPREAD

const struct column *column_find(const char *name)
{
	for (const struct column *c = columns; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const struct column *column_headline(const struct case_spec *c)
{
	return column_find(wl_rate_headline(c->wl, c->rate) ? "msgs_per_sec" :
			   "p50_ns");
}

bool column_in_summary(const struct column *c)
{
	return c->scope != COL_REPETITION;
}

bool column_in_repetitions(const struct column *c)
{
	return c->scope != COL_SPREAD;
}

bool column_in_run(const struct column *c)
{
	return c->scope == COL_FIGURE || c->scope == COL_REPETITION;
}

void columns_put_header(FILE *f, bool (*in)(const struct column *))
{
	bool first = true;

	for (const struct column *c = columns; c->name; c++) {
		if (!in(c))
			continue;
		fprintf(f, "%s%s", first ? "" : ",", c->name);
		first = false;
	}
	fputc('\n', f);
}

/* Long enough for any field: the longest are reason and info. */
#define FIELD_MAX 1024

void columns_put_csv(FILE *f, const struct view *v,
		     bool (*in)(const struct column *))
{
	const struct column *last = NULL;
	char buf[FIELD_MAX];

	for (const struct column *c = columns; c->name; c++)
		if (in(c))
			last = c;
	for (const struct column *c = columns; c->name; c++) {
		if (!in(c))
			continue;
		c->get(c, v, buf, sizeof(buf));
		csv_put_field(f, buf, c == last);
	}
}

void columns_put_json(FILE *f, const struct view *v,
		      bool (*in)(const struct column *))
{
	bool first = true;
	char buf[FIELD_MAX];

	for (const struct column *c = columns; c->name; c++) {
		if (!in(c))
			continue;
		c->get(c, v, buf, sizeof(buf));
		fputs(first ? "" : ", ", f);
		json_put_str(f, c->name);
		fputs(": ", f);
		column_put_json(f, c, buf);
		first = false;
	}
}

/* "wait=spin slots=8" as {"wait": "spin", "slots": "8"}. */
static void put_options(FILE *f, const char *text)
{
	char *copy = strdup(text), *save = NULL, *word;
	bool first = true;

	fputc('{', f);
	for (word = copy ? strtok_r(copy, " ", &save) : NULL; word;
	     word = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(word, '=');

		if (eq)
			*eq = '\0';
		fputs(first ? "" : ", ", f);
		json_put_str(f, word);
		fputs(": ", f);
		json_put_str(f, eq ? eq + 1 : "");
		first = false;
	}
	fputc('}', f);
	free(copy);
}

/* Whether text is a number as JSON spells it (so a field copied from a
 * file can never make the document invalid). */
static bool is_json_number(const char *s)
{
	s += *s == '-';
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return false;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		s += *s == '+' || *s == '-';
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return !*s;
}

void column_put_json(FILE *f, const struct column *col, const char *text)
{
	switch (col ? col->kind : COL_TEXT) {
	case COL_INT:
	case COL_REAL:
		fputs(is_json_number(text) ? text : "null", f);
		break;
	case COL_FLAG:
		fputs(!strcmp(text, "yes") ? "true" : !strcmp(text, "no") ?
		      "false" : "null", f);
		break;
	case COL_OPTIONS:
		put_options(f, text);
		break;
	case COL_TEXT:
		json_put_str(f, text);
		break;
	}
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
