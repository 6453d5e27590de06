/*
 * claims_judge.c - the means every claim is judged by: picking a run's
 * cases (by transport, workload, size, placement and wait mode), comparing
 * two of them into a line of evidence that supports the claim, contradicts
 * it or is not significant, and the one rule that turns the tally into a
 * verdict.  The claims themselves are in claims.c; this file knows none.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "claims_int.h"
#include "util.h"

const char *const claim_verdict_names[] = {
	[CV_HOLDS] = "holds", [CV_FAILS] = "does not hold",
	[CV_NOT_SIGNIFICANT] = "not significant",
	[CV_NOT_MEASURED] = "not measured",
};

void claim_say(struct claim_res *r, enum claim_side side, const char *fmt,
	       ...)
{
	struct claim_line *lines;
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	lines = n < 0 ? NULL : realloc(r->lines, (r->n_lines + 1) *
					sizeof(*lines));
	if (!lines) {
		if (n >= 0)
			free(s);
		r->err = -ENOMEM;
		return;
	}
	r->lines = lines;
	r->lines[r->n_lines++] = (struct claim_line){ s, side };
	r->tally[side]++;
}

void claim_decide(struct claim_res *r)
{
	unsigned pro = r->tally[CS_SUPPORTS], con = r->tally[CS_CONTRADICTS];
	unsigned total = pro + con + r->tally[CS_NEUTRAL];

	/* Many comparisons at p < 0.05 give a few false ones by chance, so
	 * one exception does not sink a claim: more than a tenth does. */
	if (!total)
		r->verdict = CV_NOT_MEASURED;
	else if (10 * con > total)
		r->verdict = CV_FAILS;
	else if (2 * pro > total)
		r->verdict = CV_HOLDS;
	else
		r->verdict = CV_NOT_SIGNIFICANT;
	if (!total)
		snprintf(r->why, sizeof(r->why), "this run has none of the cases it needs");
	else
		snprintf(r->why, sizeof(r->why), "%u for, %u against, %u not significant (of %u %s%s)",
			 pro, con, r->tally[CS_NEUTRAL], total,
			 r->unit ? r->unit : "comparison", total == 1 ? "" : "s");
}

/* The case busy-polls: its wait column says so, skipped or not. */
static bool spins(const struct rundir_case *c)
{
	return !strcmp(c->wait, "spin");
}

const struct rundir_case *claim_pick(const struct rundir *rd, const char *t,
				     const char *wl, uint64_t size,
				     const char *placement, enum spin_filter f)
{
	const struct rundir_case *best = NULL;

	for (unsigned i = 0; i < rd->n_cases; i++) {
		const struct rundir_case *c = &rd->cases[i];

		if (strcmp(c->transport, t) || strcmp(c->workload, wl) ||
		    c->size != size || strcmp(c->placement, placement) ||
		    c->rate || c->stall_ms ||
		    (f != ANY_WAIT && spins(c) != (f == SPINS)))
			continue;
		if (!best || (c->ok && !best->ok) ||
		    (c->ok == best->ok && strlen(c->id) < strlen(best->id)))
			best = c;
	}
	return best;
}

unsigned claim_cells(const struct rundir *rd, const char *wl,
		     struct cell *out)
{
	unsigned n = 0, k;

	for (unsigned i = 0; i < rd->n_cases && n < MAX_CELLS; i++) {
		const struct rundir_case *c = &rd->cases[i];

		if (strcmp(c->workload, wl) || c->rate || c->stall_ms)
			continue;
		for (k = 0; k < n; k++)
			if (out[k].size == c->size &&
			    !strcmp(out[k].placement, c->placement))
				break;
		if (k == n)
			out[n++] = (struct cell){ c->size, c->placement };
	}
	return n;
}

/* "pipe", "shm wait=spin": the transport and its wait mode, if any. */
static void label(const struct rundir *rd, const struct rundir_case *c,
		  char *buf, size_t len)
{
	const char *o = rundir_text(rd, c, "options");
	const char *w = strstr(o, "wait=");

	if (w && (w == o || w[-1] == ' '))
		snprintf(buf, len, "%s %.*s", c->transport,
			 (int)strcspn(w, " "), w);
	else
		snprintf(buf, len, "%s", c->transport);
}

static const char *figure_text(const char *column, const char *wl)
{
	if (!strcmp(column, "p50_ns"))
		return strcmp(wl, "pingpong") ? "one-way p50" : "round trip p50";
	if (!strcmp(column, "cpu_ns_per_msg"))
		return "CPU per message";
	if (!strcmp(column, "msgs_per_sec"))
		return "msg/s";
	return column;
}

static enum claim_side classify(const struct cmp *m, enum claim_expect ex)
{
	bool up;

	if (ex == EXPECT_NONE)
		return CS_CONTEXT;
	if (ex == EXPECT_ALIKE)
		return m->outcome == CMP_SAME ||
		       fabs(m->ratio - 1.0) <= CLAIMS_ALIKE_TOL ?
		       CS_SUPPORTS : CS_CONTRADICTS;
	if (m->outcome == CMP_SAME)
		return CS_NEUTRAL;
	up = m->outcome == CMP_ONE_RUN ? m->ratio > 1.0 :
					 m->outcome == CMP_B_HIGHER;
	return up == (ex == EXPECT_B_HIGHER) ? CS_SUPPORTS : CS_CONTRADICTS;
}

static const char *side_text(const struct cmp *m, enum claim_side s,
			     enum claim_expect ex)
{
	static const char *const t[] = {
		[CS_SUPPORTS] = "supports", [CS_CONTRADICTS] = "contradicts",
		[CS_NEUTRAL] = "not significant", [CS_CONTEXT] = "context",
	};

	if (ex != EXPECT_ALIKE)
		return t[s];
	if (s == CS_CONTRADICTS)
		return "differs: contradicts";
	return fabs(m->ratio - 1.0) <= CLAIMS_ALIKE_TOL ?
	       "alike (within 10%): supports" :
	       "alike (the difference is not significant): supports";
}

void claim_judge(struct claim_res *r, const struct rundir *rd,
		 const struct rundir_case *a, const struct rundir_case *b,
		 const char *column, enum claim_expect ex)
{
	char what[128], size[32], va[32], vb[32], p[32] = "single run";
	struct claim_cmp k = { .column = column };
	struct claim_cmp *grown;
	bool one_place;

	if (!a || !b)
		return;
	label(rd, a, k.a_label, sizeof(k.a_label));
	label(rd, b, k.b_label, sizeof(k.b_label));
	format_size(a->size, size, sizeof(size));
	one_place = !strcmp(a->placement, b->placement);
	snprintf(what, sizeof(what), "%s %s %s%s%s, %s", a->workload, size,
		 a->placement, one_place ? "" : " vs ",
		 one_place ? "" : b->placement,
		 figure_text(column, a->workload));
	if (!a->ok || !b->ok) {
		const struct rundir_case *x = a->ok ? b : a;

		claim_say(r, CS_CONTEXT, "%s: %s %s: %s: not compared", what,
			  x == a ? k.a_label : k.b_label, x->status,
			  x->reason[0] ? x->reason : "no reason given");
		return;
	}
	if (compare_figure(rd, a, rd, b, column, &k.m)) {
		r->err = -ENOMEM;
		return;
	}
	if (k.m.outcome == CMP_MISSING)
		return;
	k.side = classify(&k.m, ex);
	r->single_run |= k.m.outcome == CMP_ONE_RUN && k.side != CS_CONTEXT;
	compare_format_value(column, k.m.a.median, va, sizeof(va));
	compare_format_value(column, k.m.b.median, vb, sizeof(vb));
	if (!isnan(k.m.p))
		snprintf(p, sizeof(p), k.m.p < 0.001 ? "p<0.001" : "p=%.3f",
			 k.m.p);
	if (one_place)
		claim_say(r, k.side, "%s: %s %s, %s %s; %s/%s %.2f, %s: %s",
			  what, k.a_label, va, k.b_label, vb, k.b_label,
			  k.a_label, k.m.ratio, p, side_text(&k.m, k.side, ex));
	else
		claim_say(r, k.side, "%s: %s %s %s, %s %s; ratio %.2f, %s: %s",
			  what, k.a_label, a->placement, va, b->placement, vb,
			  k.m.ratio, p, side_text(&k.m, k.side, ex));
	grown = realloc(r->cmps, (r->n_cmps + 1) * sizeof(*grown));
	if (!grown) {
		r->err = -ENOMEM;
		return;
	}
	k.a_id = a->id;
	k.b_id = b->id;
	k.line = r->n_lines - 1;
	r->cmps = grown;
	r->cmps[r->n_cmps++] = k;
}
