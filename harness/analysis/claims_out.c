/*
 * claims_out.c - print the judged claims: a text block per claim for
 * people, or JSON ("ipcbench-claims-1") for scripts/report.py, which puts
 * them in report.html.  Both print the same verdicts, reasons and lines;
 * the JSON adds the numbers of each comparison.  Readers of the JSON must
 * ignore keys they do not know.
 */
#include <math.h>
#include <stdio.h>

#include "claims_int.h"
#include "util.h"

static const char general_rule[] =
	"A comparison supports or contradicts a claim when Welch's t-test across the repetitions gives p < 0.05, else it is not significant; with a single repetition its direction alone decides, and the verdict says it rests on a single run.  A claim holds when more than half of its comparisons support it and at most a tenth contradict it (among many comparisons at p < 0.05 a few go the wrong way by chance: they are listed), does not hold when more than a tenth contradict it, and is otherwise not significant.";

/* The most ok repetitions any case has; 1 without repetitions.csv. */
static unsigned repetitions(const struct rundir *rd)
{
	unsigned n = 1;

	for (unsigned i = 0; i < rd->n_cases; i++)
		if (rd->cases[i].n_rep_rows > n)
			n = rd->cases[i].n_rep_rows;
	return n;
}

static const char single_run_note[] =
	"this verdict rests on a single run: no significance test was possible (measure with -r 3 or more)";

void claims_print_text(FILE *f, const struct rundir *rd,
		       const struct claim_res *res, unsigned n)
{
	unsigned reps = repetitions(rd);

	fprintf(f, "Claims checked against %s", rd->path);
	if (rd->host[0])
		fprintf(f, " (host %s)", rd->host);
	fprintf(f, ": %u cases, ", rd->n_cases);
	if (reps > 1)
		fprintf(f, "up to %u repetitions each.\n", reps);
	else
		fputs("one repetition each: verdicts rest on single runs.\n", f);
	fprintf(f, "%s\n", general_rule);
	for (unsigned i = 0; i < n; i++) {
		const struct claim_res *r = &res[i];

		fprintf(f, "\n%u. %s\n", i + 1, r->def->text);
		fprintf(f, "   verdict: %s: %s\n",
			claim_verdict_names[r->verdict], r->why);
		if (r->verdict == CV_NOT_MEASURED)
			fprintf(f, "   needs: %s\n", r->def->needs);
		if (r->single_run)
			fprintf(f, "   note: %s\n", single_run_note);
		fprintf(f, "   rule: %s\n", r->def->rule);
		for (unsigned k = 0; k < r->n_lines; k++)
			fprintf(f, "   - %s\n", r->lines[k].text);
	}
}

/* "key": number, or null when it does not exist. */
static void json_num(FILE *f, const char *key, double v, const char *fmt)
{
	fprintf(f, "\"%s\": ", key);
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, fmt, v);
}

static void json_kv(FILE *f, const char *key, const char *v)
{
	fprintf(f, "\"%s\": ", key);
	json_put_str(f, v);
}

static const char *const sides[] = {
	[CS_SUPPORTS] = "supports", [CS_CONTRADICTS] = "contradicts",
	[CS_NEUTRAL] = "not significant", [CS_CONTEXT] = "context",
};

static void json_cmp(FILE *f, const struct claim_cmp *k)
{
	fputs("{", f);
	json_kv(f, "figure", k->column);
	fputs(", ", f);
	json_kv(f, "a_id", k->a_id);
	fputs(", ", f);
	json_kv(f, "b_id", k->b_id);
	fputs(", ", f);
	json_kv(f, "a_label", k->a_label);
	fputs(", ", f);
	json_kv(f, "b_label", k->b_label);
	fputs(", ", f);
	json_num(f, "a_median", k->m.a.median, "%.1f");
	fputs(", ", f);
	json_num(f, "b_median", k->m.b.median, "%.1f");
	fputs(", ", f);
	json_num(f, "ratio", k->m.ratio, "%.4f");
	fputs(", ", f);
	json_num(f, "p_value", k->m.p, "%.6f");
	fprintf(f, ", \"a_n\": %zu, \"b_n\": %zu, ", k->m.a.n, k->m.b.n);
	json_kv(f, "bears", sides[k->side]);
	fprintf(f, ", \"evidence_line\": %u}", k->line);
}

void claims_print_json(FILE *f, const struct rundir *rd,
		       const struct claim_res *res, unsigned n)
{
	fputs("{\"schema\": \"ipcbench-claims-1\", ", f);
	json_kv(f, "dir", rd->path);
	fprintf(f, ", \"cases\": %u, \"repetitions\": %u, ", rd->n_cases,
		repetitions(rd));
	json_kv(f, "rule", general_rule);
	fputs(",\n \"claims\": [", f);
	for (unsigned i = 0; i < n; i++) {
		const struct claim_res *r = &res[i];

		fprintf(f, "%s\n  {", i ? "," : "");
		json_kv(f, "key", r->def->key);
		fputs(", ", f);
		json_kv(f, "claim", r->def->text);
		fputs(", ", f);
		json_kv(f, "verdict", claim_verdict_names[r->verdict]);
		fputs(", ", f);
		json_kv(f, "why", r->why);
		fputs(", ", f);
		json_kv(f, "rule", r->def->rule);
		fputs(", ", f);
		json_kv(f, "needs", r->def->needs);
		fputs(", ", f);
		json_kv(f, "note", r->single_run ? single_run_note : "");
		fputs(",\n   \"evidence\": [", f);
		for (unsigned k = 0; k < r->n_lines; k++) {
			fputs(k ? ", " : "", f);
			json_put_str(f, r->lines[k].text);
		}
		fputs("],\n   \"evidence_bears\": [", f);
		for (unsigned k = 0; k < r->n_lines; k++) {
			fputs(k ? ", " : "", f);
			json_put_str(f, sides[r->lines[k].side]);
		}
		fputs("],\n   \"comparisons\": [", f);
		for (unsigned k = 0; k < r->n_cmps; k++) {
			fputs(k ? ",\n     " : "", f);
			json_cmp(f, &r->cmps[k]);
		}
		fputs("]}", f);
	}
	fputs("\n]}\n", f);
}
