/*
 * explain.c - `ipcbench explain`: print the lessons the transport modules
 * keep, wrapped for a terminal, and a transport's figures from a finished
 * run.  The text itself lives in each transport's file (transport_explain);
 * this module only lays it out.  It knows transports through the registry
 * alone and measures nothing: figures come from a results directory, read
 * back by rundir.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "rundir.h"
#include "util.h"

#define EXPLAIN_INDENT 2

/* How to choose, whatever the transports are: semantics first, then cost. */
static const char explain_howto[] =
	"Choose by semantics first, then by cost.  Whole messages, or a byte "
	"stream you frame yourself?  May a message be lost?  Must unrelated "
	"processes find each other by a name, and must messages outlive their "
	"sender?  Could the peer one day run on another host?  Then measure "
	"the candidates on your own machine, in the placement you will run "
	"in, and compare within one run: `ipcbench run -t A,B -s 64,4K,64K "
	"-p same-cpu,cross-cpu`; `ipcbench claims` checks textbook claims "
	"against such a run.\n"
	"`ipcbench explain NAME` prints one method's whole lesson; add "
	"`--results DIR` for its figures from a run.";

/* Print n spaces. */
static void pad(FILE *f, unsigned n)
{
	fprintf(f, "%*s", (int)n, "");
}

/* Length of the word at w (before end): up to a space, but a `quoted
 * command` counts as one word, so that it is never broken. */
static unsigned word_len(const char *w, const char *end)
{
	bool quoted = false;
	const char *p;

	for (p = w; p < end && (quoted || *p != ' '); p++)
		quoted ^= *p == '`';
	return (unsigned)(p - w);
}

/*
 * Print one paragraph (up to end) filled to width, starting at column col
 * (already printed), continuation lines at column hang.  Spacing between
 * words is kept (two spaces after a full stop stay two); a word longer than
 * a line gets a line of its own.
 */
static void wrap_para(FILE *f, const char *s, const char *end, unsigned col,
		      unsigned hang, unsigned width)
{
	bool line_start = true;

	while (s < end) {
		const char *w = s;
		unsigned gap, n;

		while (w < end && *w == ' ')
			w++;
		if (w == end)
			break;
		gap = (unsigned)(w - s);
		n = word_len(w, end);
		if (!line_start && col + gap + n > width) {
			fputc('\n', f);
			pad(f, hang);
			col = hang;
			line_start = true;
		}
		if (!line_start) {
			pad(f, gap);
			col += gap;
		}
		fwrite(w, 1, n, f);
		col += n;
		line_start = false;
		s = w + n;
	}
	fputc('\n', f);
}

/*
 * Print text at column indent, filled to EXPLAIN_WIDTH, continuation lines
 * at column hang: each '\n' starts a paragraph, and a paragraph starting
 * with "- " is an item whose lines hang under its first word.
 */
static void wrap(FILE *f, const char *text, unsigned indent, unsigned hang)
{
	while (*text) {
		const char *end = strchr(text, '\n');
		unsigned h = hang + (strncmp(text, "- ", 2) ? 0 : 2);

		if (!end)
			end = text + strlen(text);
		pad(f, indent);
		wrap_para(f, text, end, indent, h, EXPLAIN_WIDTH);
		text = *end ? end + 1 : end;
	}
}

/* "byte stream", "messages" or "messages, lossy". */
static const char *kind(const struct transport_ops *ops)
{
	if (ops->flags & TF_STREAM)
		return "byte stream";
	return ops->flags & TF_LOSSY ? "messages, lossy" : "messages";
}

void explain_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; transport_registry[i] && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 transport_registry[i]->name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void explain_overview(FILE *f)
{
	unsigned n = 0;

	while (transport_registry[n])
		n++;
	fprintf(f, "%u ways for two processes on one Linux host to exchange data:\n\n",
		n);
	fprintf(f, "  %-5s %-15s  %s\n", "name", "kind", "pick it for");
	for (unsigned i = 0; i < n; i++) {
		const struct transport_ops *t = transport_registry[i];

		fprintf(f, "  %-5s %-15s  %s\n", t->name, kind(t),
			t->explain ? t->explain->pick : t->summary);
	}
	fputs("\nHow to pick\n", f);
	wrap(f, explain_howto, EXPLAIN_INDENT, EXPLAIN_INDENT);
}

/* The options the transport takes, as `ipcbench list` has them. */
static void print_options(FILE *f, const struct transport_ops *ops)
{
	const struct transport_option *o = ops->options;
	char line[512];

	if (!o || !o->key)
		return;
	fputs("\nOptions in ipcbench (-O KEY=VALUE, or KEY: VALUE in a suite's run)\n",
	      f);
	for (; o->key; o++) {
		snprintf(line, sizeof(line), "- %s (default %s): %s", o->key,
			 o->def, o->help);
		wrap(f, line, EXPLAIN_INDENT, EXPLAIN_INDENT);
	}
}

/*
 * Into buf, the options of a case (summary.csv's "k=v k=v") that differ
 * from the transport's defaults; "" when none do.
 */
static void changed_options(const struct transport_ops *ops, const char *opts,
			    char *buf, size_t len)
{
	char copy[512], *save = NULL, *kv;
	size_t used = 0;

	buf[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", opts);
	for (kv = strtok_r(copy, " ", &save); kv;
	     kv = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(kv, '='), def[64], why[128];
		uint64_t v;
		int i;

		if (!eq)
			continue;
		*eq = '\0';
		i = transport_option_index(ops, kv);
		if (i >= 0 && !transport_option_parse(&ops->options[i],
						      ops->options[i].def, &v,
						      why, sizeof(why))) {
			transport_option_format(&ops->options[i], v, def,
						sizeof(def));
			if (!strcmp(def, eq + 1))
				continue;
		}
		*eq = '=';
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? " " : "", kv);
	}
}

/* A number column of a case as text, "-" when it has none. */
static void cell(const struct rundir *rd, const struct rundir_case *c,
		 const char *col, char *buf, size_t len)
{
	double v;

	if (!rundir_num(rd, c, col, &v))
		snprintf(buf, len, "-");
	else if (strstr(col, "_ns"))
		format_ns(v, buf, len);
	else if (!strcmp(col, "bytes_per_sec"))
		snprintf(buf, len, "%.1f", v / 1e6);
	else
		format_rate(v, buf, len);
}

/* What is unusual about a case, after its row: options away from the
 * defaults (and what the kernel granted), pacing, a stall, loss, a noisy
 * median. */
static void print_notes(FILE *f, const struct transport_ops *ops,
			const struct rundir *rd, const struct rundir_case *c)
{
	const char *info = rundir_text(rd, c, "info");
	char note[512], opts[256], rate[32], p99[32];
	size_t used = 0;
	double lost, sent;

	changed_options(ops, rundir_text(rd, c, "options"), opts,
			sizeof(opts));
	note[0] = '\0';
	/* With an option away from its default, what the kernel granted. */
	if (opts[0])
		used += (size_t)snprintf(note + used, sizeof(note) - used,
					 "; %s%s%s%s", opts,
					 *info ? " (granted: " : "", info,
					 *info ? ")" : "");
	if (c->rate && used < sizeof(note)) {
		format_rate((double)c->rate, rate, sizeof(rate));
		cell(rd, c, "uncorrected_p99_ns", p99, sizeof(p99));
		used += (size_t)snprintf(note + used, sizeof(note) - used,
					 "; paced %s/s: latency from each slot (p99 from the send: %s)",
					 rate, p99);
	}
	if (c->stall_ms && used < sizeof(note))
		used += (size_t)snprintf(note + used, sizeof(note) - used,
					 "; receiver stalled %llu ms",
					 (unsigned long long)c->stall_ms);
	if ((ops->flags & TF_LOSSY) && rundir_num(rd, c, "lost", &lost) &&
	    rundir_num(rd, c, "sent", &sent) && used < sizeof(note))
		used += (size_t)snprintf(note + used, sizeof(note) - used,
					 "; lost %.0f of %.0f", lost, sent);
	if (!strcmp(rundir_text(rd, c, "noisy"), "yes") &&
	    used < sizeof(note))
		snprintf(note + used, sizeof(note) - used,
			 "; NOISY: 95%% CI wider than +-10%%");
	if (note[0])
		wrap(f, note + 2, 3 * EXPLAIN_INDENT, 3 * EXPLAIN_INDENT);
}

/* One case: its figures, or why it has none. */
static void print_case(FILE *f, const struct transport_ops *ops,
		       const struct rundir *rd, const struct rundir_case *c)
{
	char size[32], p50[16], p99[16], rate[16], mbs[16], cpu[16];
	char line[1024];

	format_size(c->size, size, sizeof(size));
	if (!c->ok) {
		snprintf(line, sizeof(line), "%-7s %-9s %-5s %s: %s", size,
			 c->placement, c->wait, c->status, c->reason);
		wrap(f, line, 2 * EXPLAIN_INDENT, 3 * EXPLAIN_INDENT);
		return;
	}
	cell(rd, c, "p50_ns", p50, sizeof(p50));
	cell(rd, c, "p99_ns", p99, sizeof(p99));
	cell(rd, c, "msgs_per_sec", rate, sizeof(rate));
	cell(rd, c, "bytes_per_sec", mbs, sizeof(mbs));
	cell(rd, c, "cpu_ns_per_msg", cpu, sizeof(cpu));
	fprintf(f, "    %-7s %-9s %-5s %9s %9s %8s %8s %8s\n", size,
		c->placement, c->wait, p50, p99, rate, mbs, cpu);
	print_notes(f, ops, rd, c);
}

/* The cases of ops in rd, one block per workload in the order met. */
static void print_figures(FILE *f, const struct transport_ops *ops,
			  const struct rundir *rd)
{
	const char *done[16];
	unsigned n_done = 0, n = 0;
	double reps;

	for (unsigned i = 0; i < rd->n_cases; i++)
		n += !strcmp(rd->cases[i].transport, ops->name);
	fprintf(f, "\nMeasured in %s", rd->path);
	if (rd->host[0])
		fprintf(f, " on %s", rd->host);
	if (rd->kernel[0])
		fprintf(f, ", %s", rd->kernel);
	fputc('\n', f);
	if (!n) {
		fprintf(f, "  no case of %s in %s/summary.csv\n", ops->name,
			rd->path);
		return;
	}
	for (unsigned i = 0; i < rd->n_cases && n_done < ARRAY_SIZE(done);
	     i++) {
		const struct rundir_case *c = &rd->cases[i];
		const char *lat;
		bool seen = false;

		if (strcmp(c->transport, ops->name))
			continue;
		for (unsigned k = 0; k < n_done; k++)
			seen |= !strcmp(done[k], c->workload);
		if (seen)
			continue;
		done[n_done++] = c->workload;
		lat = rundir_text(rd, c, "latency");
		fprintf(f, "\n  %s: latency is %s", c->workload,
			!strcmp(lat, "rtt") ? "the round trip" :
			!strcmp(lat, "one-way") ? "one way, send to arrival" :
			lat);
		if (rundir_num(rd, c, "repetitions", &reps) && reps > 1)
			fprintf(f, "; medians of %.0f repetitions", reps);
		fputc('\n', f);
		fprintf(f, "    %-7s %-9s %-5s %9s %9s %8s %8s %8s\n", "size",
			"placement", "wait", "p50", "p99", "msg/s", "MB/s",
			"cpu/msg");
		for (unsigned k = i; k < rd->n_cases; k++) {
			if (!strcmp(rd->cases[k].transport, ops->name) &&
			    !strcmp(rd->cases[k].workload, c->workload))
				print_case(f, ops, rd, &rd->cases[k]);
		}
	}
	fputs("\n  msg/s and MB/s count one-way messages where they arrive (a round\n"
	      "  trip is two); cpu/msg is the CPU time of both processes per message.\n",
	      f);
}

int explain_transport(FILE *f, const struct transport_ops *ops,
		      const char *results, char *err, size_t len)
{
	const struct transport_explain *e = ops->explain;
	struct rundir *rd = NULL;
	char line[256];

	/* An unreadable DIR is an error before anything is printed. */
	if (results) {
		int ret = rundir_open(results, &rd, err, len);

		if (ret)
			return ret;
	}
	fprintf(f, "%s - %s\n", ops->name, ops->summary);
	snprintf(line, sizeof(line), "%s%s.  Pick it for: %s.", kind(ops),
		 ops->flags & TF_LOSSY ? "" : ", reliable",
		 e ? e->pick : ops->summary);
	wrap(f, line, 0, 0);
	if (ops->unsupported)
		fprintf(f, "Unsupported here: %s\n", ops->unsupported);
	for (unsigned i = 0; e && i < TRANSPORT_SECTIONS; i++) {
		fprintf(f, "\n%s\n", transport_sections[i].heading);
		wrap(f, transport_section_text(e, i), EXPLAIN_INDENT,
		     EXPLAIN_INDENT);
	}
	print_options(f, ops);
	if (rd) {
		print_figures(f, ops, rd);
		rundir_close(rd);
	}
	return 0;
}
