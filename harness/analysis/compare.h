/*
 * compare.h - `ipcbench compare DIR_A DIR_B`: is run B faster or slower
 * than run A, case by case, and can the repetitions tell?
 *
 * Cases are matched by id.  For each, the headline figure (aggregate.c's
 * rule: messages per second for an unpaced stream, else the median
 * latency p50) of every ok repetition on each side is compared: the ratio
 * of the medians B/A, and Welch's t-test (stats.c) for the p-value.  A
 * difference is called only when p < COMPARE_ALPHA; with fewer than two
 * ok repetitions on a side nothing can be called, and the output says so.
 * compare_figure() is the same judgement on any column of any two cases,
 * which `ipcbench claims` uses.
 *
 * Conventions: 0 or -errno with a one-line reason in err.
 */
#ifndef IPCBENCH_COMPARE_H
#define IPCBENCH_COMPARE_H

#include <stdio.h>

#include "format.h"
#include "rundir.h"
#include "stats.h"

#define COMPARE_ALPHA 0.05

enum cmp_outcome {
	CMP_MISSING = 0,	/* a side has no value (not ok, or no column) */
	CMP_ONE_RUN,		/* a side has one value: no test possible */
	CMP_SAME,		/* p >= COMPARE_ALPHA: not significant */
	CMP_B_HIGHER,		/* significantly */
	CMP_B_LOWER,
};

struct cmp {
	struct stats a, b;	/* over the ok repetitions of each side */
	double ratio;		/* median b / median a; NAN when unknown */
	double p;		/* Welch's two-sided p; NAN below 2 values */
	enum cmp_outcome outcome;
};

/* Compare column of case ca in run ra with that of cb in rb.  0 or
 * -ENOMEM. */
int compare_figure(const struct rundir *ra, const struct rundir_case *ca,
		   const struct rundir *rb, const struct rundir_case *cb,
		   const char *column, struct cmp *out);

/* Human text of a column's value: "2.41 us" for durations (names with
 * "_ns"), "1.23 M" for rates ("_per_sec"), "0.25" otherwise. */
void compare_format_value(const char *column, double v, char *buf,
			  size_t len);

/*
 * The command: print the comparison of dir_a and dir_b to out as a table
 * or CSV (FORMAT_JSON is refused with -EINVAL); warnings (different
 * machines) go to warn.  0, or -errno when a directory cannot be read.
 */
int compare_runs(const char *dir_a, const char *dir_b,
		 enum output_format fmt, FILE *out, FILE *warn, char *err,
		 size_t len);

#endif
