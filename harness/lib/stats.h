/*
 * stats.h - statistics across repetitions of a case: centre, spread,
 * confidence interval, and whether two sets of repetitions differ.
 *
 * A figure of a case (its median round trip, its messages per second) is
 * measured once per repetition, each in fresh processes.  These functions
 * say how much to trust it: the median and range of the repetitions, a 95%
 * confidence interval for their mean (Student's t), a flag when the
 * interval is too wide to trust, and Welch's t-test between two sets.
 * They assume nothing about the latency distribution inside a repetition:
 * they only see one number per repetition.
 *
 * Conventions: pure functions on arrays of doubles; NAN where a figure does
 * not exist (an interval of one repetition).
 */
#ifndef IPCBENCH_STATS_H
#define IPCBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* A relative half-width of the 95% interval above this flags a noisy case. */
#define STATS_NOISY_REL 0.10

struct stats {
	size_t n;
	double median, min, max;
	double mean, sd;		/* sd: sample standard deviation */
	double ci_lo, ci_hi;		/* 95% CI of the mean; NAN when n < 2 */
	double ci_rel;			/* half-width / |mean|; NAN when n < 2 */
	bool noisy;			/* ci_rel > STATS_NOISY_REL */
};

/* Describe the n values v (n may be 0: then every figure is NAN). */
void stats_describe(const double *v, size_t n, struct stats *out);

/* Student's t distribution with df degrees of freedom: P(T <= t). */
double stats_t_cdf(double t, double df);

/* The q quantile (0 < q < 1) of Student's t with df degrees of freedom. */
double stats_t_quantile(double q, double df);

/*
 * Welch's two-sided t-test of "a and b have the same mean".  Returns the
 * p-value, or NAN when either side has fewer than 2 values.  When both
 * sides have no spread at all, p is 0 for different means and 1 for equal.
 */
double stats_welch_p(const struct stats *a, const struct stats *b);

#endif
