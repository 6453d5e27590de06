/*
 * compare.c - `ipcbench compare`: two results directories, case by case.
 *
 * It reads the two runs' files (rundir.c) and judges each case present in
 * both by its headline figure; it runs nothing.  A verdict says what the
 * figure means for the user ("B faster (lower latency)") and is given
 * only when Welch's test says p < 0.05; otherwise "not significant", said
 * plainly, or "cannot tell" when a side has a single repetition.  Cases
 * present on one side only are listed at the end.  The table prints ratios
 * of medians, never differences of figures from different machines
 * without a warning.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csvread.h"
#include "util.h"

int compare_figure(const struct rundir *ra, const struct rundir_case *ca,
		   const struct rundir *rb, const struct rundir_case *cb,
		   const char *column, struct cmp *out)
{
	memset(out, 0, sizeof(*out));
	out->ratio = out->p = NAN;
	if (rundir_stats(ra, ca, column, &out->a) ||
	    rundir_stats(rb, cb, column, &out->b))
		return -ENOMEM;
	if (!out->a.n || !out->b.n) {
		out->outcome = CMP_MISSING;
		return 0;
	}
	if (out->a.median != 0.0)
		out->ratio = out->b.median / out->a.median;
	out->p = stats_welch_p(&out->a, &out->b);
	if (out->a.n < 2 || out->b.n < 2)
		out->outcome = CMP_ONE_RUN;
	else if (!(out->p < COMPARE_ALPHA))
		out->outcome = CMP_SAME;
	else
		out->outcome = out->b.mean > out->a.mean ? CMP_B_HIGHER :
							   CMP_B_LOWER;
	return 0;
}

void compare_format_value(const char *column, double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (strstr(column, "_ns"))
		format_ns(v, buf, len);
	else if (strstr(column, "_per_sec"))
		format_rate(v, buf, len);
	else
		snprintf(buf, len, "%.2f", v);
}

/* One case present in both runs. */
struct row {
	const struct rundir_case *a, *b;
	struct cmp cmp;
	char verdict[320];
};

static const char *figure_name(const struct rundir_case *c)
{
	return c->higher_is_better ? "msg/s" : "p50";
}

/* The verdict of a row, for people. */
static void verdict(struct row *w)
{
	const struct cmp *m = &w->cmp;
	bool rate = w->a->higher_is_better;
	unsigned n = m->a.n < m->b.n ? (unsigned)m->a.n : (unsigned)m->b.n;

	if (!w->a->ok || !w->b->ok) {
		const struct rundir_case *x = !w->a->ok ? w->a : w->b;

		snprintf(w->verdict, sizeof(w->verdict), "%s %s%s%s%s%s%s",
			 x == w->a ? "A" : "B", x->status,
			 w->a->ok || w->b->ok ? "" : ", B ",
			 w->a->ok || w->b->ok ? "" : w->b->status,
			 x->reason[0] ? " (" : "", x->reason,
			 x->reason[0] ? ")" : "");
		return;
	}
	switch (m->outcome) {
	case CMP_MISSING:
		snprintf(w->verdict, sizeof(w->verdict), "cannot tell (no %s value)",
			 figure_name(w->a));
		break;
	case CMP_ONE_RUN:
		snprintf(w->verdict, sizeof(w->verdict), "cannot tell (%u repetition%s)",
			 n, n == 1 ? "" : "s");
		break;
	case CMP_SAME:
		snprintf(w->verdict, sizeof(w->verdict), "not significant");
		break;
	case CMP_B_HIGHER:
		snprintf(w->verdict, sizeof(w->verdict), "%s",
			 rate ? "B faster (more msg/s)" :
				"B slower (higher latency)");
		break;
	case CMP_B_LOWER:
		snprintf(w->verdict, sizeof(w->verdict), "%s",
			 rate ? "B slower (fewer msg/s)" :
				"B faster (lower latency)");
		break;
	}
}

static void p_text(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", p);
}

static void print_side(FILE *f, const char *name, const struct rundir *rd)
{
	fprintf(f, "%s = %s", name, rd->path);
	if (rd->host[0])
		fprintf(f, " (host %s, %s)", rd->host, rd->kernel);
	fputc('\n', f);
}

static void print_table(FILE *f, const struct rundir *ra,
			const struct rundir *rb, const struct row *rows,
			unsigned n)
{
	int w = 4;
	unsigned count[5] = { 0 };

	for (unsigned i = 0; i < n; i++)
		if ((int)strlen(rows[i].a->id) > w)
			w = (int)strlen(rows[i].a->id);
	print_side(f, "A", ra);
	print_side(f, "B", rb);
	if (!n) {
		fputs("\nno case is in both runs (cases are matched by id).\n", f);
		return;
	}
	fprintf(f, "\n%-*s %-6s %11s %11s %6s %7s  %s\n", w, "case", "figure",
		"A median", "B median", "B/A", "p", "verdict");
	for (unsigned i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		const char *col = r->a->headline;
		char va[32], vb[32], p[16], ratio[16] = "-";

		compare_format_value(col, r->cmp.a.median, va, sizeof(va));
		compare_format_value(col, r->cmp.b.median, vb, sizeof(vb));
		p_text(r->cmp.p, p, sizeof(p));
		if (!isnan(r->cmp.ratio))
			snprintf(ratio, sizeof(ratio), "%.2f", r->cmp.ratio);
		fprintf(f, "%-*s %-6s %11s %11s %6s %7s  %s\n", w, r->a->id,
			figure_name(r->a), va, vb, ratio, p, r->verdict);
		count[r->a->ok && r->b->ok ? r->cmp.outcome : CMP_MISSING]++;
	}
	fprintf(f, "\n%u cases in both runs: %u B faster or slower, %u not significant, %u cannot tell (one repetition), %u not measured on a side.\n",
		n, count[CMP_B_HIGHER] + count[CMP_B_LOWER], count[CMP_SAME],
		count[CMP_ONE_RUN], count[CMP_MISSING]);
	fputs("p50: median latency (round trip for pingpong, one-way for a paced stream), lower is better;\n"
	      "msg/s: messages per second of an unpaced stream, higher is better.\n"
	      "medians across each run's repetitions; B/A: their ratio; p: Welch's t-test on the\n"
	      "repetitions, a difference is called only when p < 0.05.  Compare runs of one machine.\n",
	      f);
}

static void print_csv(FILE *f, const struct row *rows, unsigned n)
{
	fputs("id,figure,a_median,b_median,ratio,p_value,a_repetitions_ok,b_repetitions_ok,a_status,b_status,verdict\n",
	      f);
	for (unsigned i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		csv_put_field(f, r->a->id, false);
		csv_put_field(f, r->a->headline, false);
		fprintf(f, isnan(r->cmp.a.median) ? "," : "%.1f,",
			r->cmp.a.median);
		fprintf(f, isnan(r->cmp.b.median) ? "," : "%.1f,",
			r->cmp.b.median);
		fprintf(f, isnan(r->cmp.ratio) ? "," : "%.4f,", r->cmp.ratio);
		fprintf(f, isnan(r->cmp.p) ? "," : "%.6f,", r->cmp.p);
		fprintf(f, "%zu,%zu,", r->cmp.a.n, r->cmp.b.n);
		csv_put_field(f, r->a->status, false);
		csv_put_field(f, r->b->status, false);
		csv_put_field(f, r->verdict, true);
	}
}

/* The cases of one run that the other lacks, after the table. */
static void print_only(FILE *f, enum output_format fmt, const char *name,
		       const struct rundir *in, const struct rundir *other)
{
	unsigned k = 0;

	for (unsigned i = 0; i < in->n_cases; i++) {
		const struct rundir_case *c = &in->cases[i];

		if (rundir_find(other, c->id))
			continue;
		if (fmt == FORMAT_CSV) {
			csv_put_field(f, c->id, false);
			csv_put_field(f, c->headline, false);
			fprintf(f, ",,,,,,%s,%s,only in %s\n",
				*name == 'A' ? c->status : "absent",
				*name == 'A' ? "absent" : c->status, name);
			continue;
		}
		if (!k++)
			fprintf(f, "\nonly in %s:\n", name);
		fprintf(f, "  %s (%s)\n", c->id, c->status);
	}
}

/* Warn when the runs come from different machines or systems. */
static void check_env(FILE *warn, const struct rundir *ra,
		      const struct rundir *rb)
{
	static const char *const what[] = { "host", "CPU model", "kernel" };
	const char *a[] = { ra->host, ra->cpu_model, ra->kernel };
	const char *b[] = { rb->host, rb->cpu_model, rb->kernel };

	for (size_t i = 0; i < ARRAY_SIZE(what); i++)
		if (a[i][0] && b[i][0] && strcmp(a[i], b[i]))
			fprintf(warn, "ipcbench: compare: warning: the runs differ in %s ('%s' vs '%s'): a difference may come from the machine, not from what you changed\n",
				what[i], a[i], b[i]);
}

int compare_runs(const char *dir_a, const char *dir_b,
		 enum output_format fmt, FILE *out, FILE *warn, char *err,
		 size_t len)
{
	struct rundir *ra = NULL, *rb = NULL;
	struct row *rows = NULL;
	unsigned n = 0;
	int ret;

	if (fmt == FORMAT_JSON) {
		snprintf(err, len, "--format json is not supported (table, csv)");
		return -EINVAL;
	}
	ret = rundir_open(dir_a, &ra, err, len);
	if (!ret)
		ret = rundir_open(dir_b, &rb, err, len);
	if (!ret && !(rows = calloc(ra->n_cases + 1, sizeof(*rows))))
		ret = -ENOMEM;
	for (unsigned i = 0; !ret && i < ra->n_cases; i++) {
		struct row *w = &rows[n];

		w->a = &ra->cases[i];
		w->b = rundir_find(rb, w->a->id);
		if (!w->b)
			continue;
		ret = compare_figure(ra, w->a, rb, w->b, w->a->headline,
				     &w->cmp);
		verdict(w);
		n++;
	}
	if (ret == -ENOMEM)
		snprintf(err, len, "out of memory");
	if (ret)
		goto out;
	check_env(warn, ra, rb);
	if (fmt == FORMAT_CSV)
		print_csv(out, rows, n);
	else
		print_table(out, ra, rb, rows, n);
	print_only(out, fmt, "A", ra, rb);
	print_only(out, fmt, "B", rb, ra);
out:
	free(rows);
	rundir_close(ra);
	rundir_close(rb);
	return ret;
}
