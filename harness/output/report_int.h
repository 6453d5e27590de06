/*
 * report_int.h - what the parts of the report share: report.c (files),
 * report_json.c (results.json) and report_table.c (the terminal).  Not for
 * use outside them.
 */
#ifndef IPCBENCH_REPORT_INT_H
#define IPCBENCH_REPORT_INT_H

#include <limits.h>
#include <stdio.h>

#include "aggregate.h"
#include "report.h"

struct report {
	char dir[PATH_MAX];
	const struct suite *s;
	const struct env *e;
	unsigned total_reps;		/* the suite's repetitions */
	FILE *reps_csv;			/* repetitions.csv, when total_reps > 1 */
	struct case_agg *aggs;		/* by case index - 1 */
	unsigned n_aggs, cap;
};

/* One line of output: a case across its repetitions (a != NULL), or one
 * repetition of it (a == NULL, rep > 0). */
struct view {
	const struct case_spec *c;
	const struct case_agg *a;
	unsigned rep;
	enum case_status status;
	const char *reason;
	const struct case_result *r;	/* info, CPUs: the latest repetition */
	const struct figures *f;
	enum wait_mode wait;
	double floor_ns;		/* round trips: the calibrated floor of
					 * this wait mode and placement, or NAN */
};

extern const char *const report_status_names[];

/* The view of case aggregate a, or of its repetition i. */
void report_view_case(const struct report *rp, const struct case_agg *a,
		      struct view *v);
void report_view_rep(const struct report *rp, const struct case_agg *a,
		     unsigned i, struct view *v);

static inline const char *report_wait(const struct view *v)
{
	return wait_mode_name(v->wait);
}

/* What a case's one-way latency is measured from. */
static inline const char *report_latency_from(const struct case_spec *c)
{
	return c->rate ? "slot" : "send";
}

/* results.json, whole, to f. */
void report_write_json(FILE *f, const struct report *rp, bool complete,
		       bool interrupted);

/* The comparison table, and one progress line. */
void report_print_table(const struct report *rp, FILE *f);
void report_print_line(FILE *f, const struct view *v, unsigned total_reps);

#endif
