/*
 * aggregate.h - a case's figures, per repetition and across repetitions.
 *
 * Each repetition of a case is reduced to one set of figures when it ends
 * (percentiles of its histogram, rates, CPU per message, loss).  A case's
 * reported figures are the medians over its successful repetitions, its
 * counts the sums, its min and max the extremes; its histograms are merged
 * for the .hgrm files; the spread of the headline figures (p50, p99 and
 * messages per second) is described by stats.h.  Every output format reads
 * the same struct case_agg, so the table, the CSV and the JSON agree.
 *
 * Conventions: agg_add() returns 0 or -ENOMEM; a case_agg is zeroed to
 * start and agg_free()d at the end.
 */
#ifndef IPCBENCH_AGGREGATE_H
#define IPCBENCH_AGGREGATE_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "runner.h"
#include "stats.h"

/* The figures of one repetition, or of the case across them. */
struct figures {
	uint64_t count;			/* samples in the histogram */
	uint64_t overflow;		/* samples above its range */
	int64_t min, p50, p90, p99, p999, max;
	double mean, stddev;
	double msgs_per_sec, bytes_per_sec;
	int64_t span_ns;
	uint64_t messages, sent, received, lost, duplicated, reordered;
	double cpu_ns[2];		/* per message, by side */
	double cpu_ns_per_msg, vcsw_per_msg, ivcsw_per_msg;
	/* paced: latency from the actual send (coordinated omission hidden) */
	int64_t uncorrected_p50, uncorrected_p99, uncorrected_p999, uncorrected_max;
	uint64_t missed;		/* send slots the sender was late for */
};

/* One repetition as it ended. */
struct rep_result {
	unsigned rep;			/* 1-based */
	struct case_result r;		/* hist and hist_uncorrected are NULL */
	struct figures f;
};

struct case_agg {
	const struct case_spec *c;
	struct rep_result *reps;
	unsigned n_reps, cap;
	unsigned ok;			/* repetitions with status ok */
	enum case_status status;	/* failed if one failed; skipped if all
					 * were skipped; else ok */
	char reason[640];		/* of the first failure or skip */
	enum wait_mode wait;		/* as the transport declares it */
	struct hist *hist, *hist_uncorrected;	/* merged over ok repetitions */
	struct figures f;		/* across ok repetitions */
	struct stats p50, p99, rate;	/* spread across ok repetitions */
	bool noisy;			/* the headline figure's CI is wide */
};

/* The figures of one finished repetition. */
void agg_figures(const struct case_spec *c, const struct case_result *r,
		 struct figures *f);

/* Add repetition rep (1-based, of total) of case c with result r; r keeps
 * its histograms (they are merged, not taken).  0 or -ENOMEM. */
int agg_add(struct case_agg *a, const struct case_spec *c, unsigned rep,
	    unsigned total, const struct case_result *r);

void agg_free(struct case_agg *a);

/* A percentile clamped to the exact min and max (see aggregate.c). */
int64_t agg_percentile(const struct hist *h, double p);

#endif
