/*
 * aggregate.c - reduce each repetition of a case to figures, and the
 * repetitions of a case to medians, sums, extremes, merged histograms and
 * the spread of the headline figures.
 *
 * Medians, not means, are the reported centre: one repetition disturbed by
 * the machine (a noisy neighbour, a migrated vCPU) moves a median little.
 * The 95% interval and the noisy flag come from stats.c.  This module
 * writes nothing; report.c prints what it computes.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "util.h"

/* Figures that are medians across repetitions, by type. */
static const size_t median_i64[] = {
	offsetof(struct figures, p50), offsetof(struct figures, p90),
	offsetof(struct figures, p99), offsetof(struct figures, p999),
	offsetof(struct figures, uncorrected_p50), offsetof(struct figures, uncorrected_p99),
	offsetof(struct figures, uncorrected_p999), offsetof(struct figures, span_ns),
};
static const size_t median_dbl[] = {
	offsetof(struct figures, mean), offsetof(struct figures, stddev),
	offsetof(struct figures, msgs_per_sec),
	offsetof(struct figures, bytes_per_sec),
	offsetof(struct figures, cpu_ns[0]), offsetof(struct figures, cpu_ns[1]),
	offsetof(struct figures, cpu_ns_per_msg),
	offsetof(struct figures, vcsw_per_msg),
	offsetof(struct figures, ivcsw_per_msg),
};
/* Counts, summed. */
static const size_t sum_u64[] = {
	offsetof(struct figures, count), offsetof(struct figures, overflow),
	offsetof(struct figures, messages), offsetof(struct figures, sent),
	offsetof(struct figures, received), offsetof(struct figures, lost),
	offsetof(struct figures, duplicated),
	offsetof(struct figures, reordered), offsetof(struct figures, missed),
};

/*
 * The histogram answers with the top of the bucket (HdrHistogram's
 * convention, kept in the .hgrm), which can exceed the exact largest value;
 * a p99 above the max would only confuse, so it is clamped.
 */
int64_t agg_percentile(const struct hist *h, double p)
{
	int64_t v;

	if (!h || !h->total)
		return 0;
	v = hist_value_at(h, p);
	if (v > h->max)
		v = h->max;
	return v < h->min ? h->min : v;
}

void agg_figures(const struct case_spec *c, const struct case_result *r,
		 struct figures *f)
{
	const struct side_result *tr = &r->side[c->wl->timer];
	double msgs = (double)r->messages;

	memset(f, 0, sizeof(*f));
	if (r->hist && r->hist->total) {
		f->count = r->hist->total;
		f->overflow = r->hist->overflow;
		f->min = r->hist->min;
		f->p50 = agg_percentile(r->hist, 50);
		f->p90 = agg_percentile(r->hist, 90);
		f->p99 = agg_percentile(r->hist, 99);
		f->p999 = agg_percentile(r->hist, 99.9);
		f->max = r->hist->max;
		f->mean = hist_mean(r->hist);
		f->stddev = hist_stddev(r->hist);
	}
	f->msgs_per_sec = r->msgs_per_sec;
	f->bytes_per_sec = r->bytes_per_sec;
	f->span_ns = r->span_ns;
	f->messages = r->messages;
	f->sent = r->side[SIDE_CLIENT].sent;
	f->received = tr->received;
	f->lost = tr->lost;
	f->duplicated = tr->duplicated;
	f->reordered = tr->reordered;
	for (int s = 0; s < 2; s++) {
		const struct side_result *sr = &r->side[s];

		if (!msgs)
			continue;
		f->cpu_ns[s] = (double)(sr->utime_ns + sr->stime_ns) / msgs;
		f->vcsw_per_msg += (double)sr->vcsw / msgs;
		f->ivcsw_per_msg += (double)sr->ivcsw / msgs;
	}
	f->cpu_ns_per_msg = f->cpu_ns[0] + f->cpu_ns[1];
	if (r->hist_uncorrected && r->hist_uncorrected->total) {
		f->uncorrected_p50 = agg_percentile(r->hist_uncorrected, 50);
		f->uncorrected_p99 = agg_percentile(r->hist_uncorrected, 99);
		f->uncorrected_p999 = agg_percentile(r->hist_uncorrected, 99.9);
		f->uncorrected_max = r->hist_uncorrected->max;
	}
	f->missed = r->side[SIDE_CLIENT].late;
}

/* One figure of every ok repetition into tmp; how many. */
static unsigned collect(const struct case_agg *a, size_t off, bool is_double,
			double *tmp)
{
	unsigned n = 0;

	for (unsigned i = 0; i < a->n_reps; i++) {
		const char *f = (const char *)&a->reps[i].f + off;

		if (a->reps[i].r.status != CASE_OK)
			continue;
		tmp[n++] = is_double ? *(const double *)f :
				       (double)*(const int64_t *)f;
	}
	return n;
}

/* The median of one figure over the ok repetitions, into a->f. */
static void median_of(struct case_agg *a, size_t off, bool is_double,
		      double *tmp)
{
	unsigned n = collect(a, off, is_double, tmp);
	struct stats st;

	stats_describe(tmp, n, &st);
	if (is_double)
		*(double *)((char *)&a->f + off) = n ? st.median : 0;
	else
		*(int64_t *)((char *)&a->f + off) = n ? (int64_t)st.median : 0;
}

/* Recompute a's figures and spread from its repetitions. */
static void aggregate(struct case_agg *a, double *tmp)
{
	const struct figures *f;
	unsigned n = 0;

	memset(&a->f, 0, sizeof(a->f));
	for (size_t k = 0; k < ARRAY_SIZE(median_i64); k++)
		median_of(a, median_i64[k], false, tmp);
	for (size_t k = 0; k < ARRAY_SIZE(median_dbl); k++)
		median_of(a, median_dbl[k], true, tmp);
	for (unsigned i = 0; i < a->n_reps; i++) {
		f = &a->reps[i].f;
		if (a->reps[i].r.status != CASE_OK)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(sum_u64); k++)
			*(uint64_t *)((char *)&a->f + sum_u64[k]) +=
				*(const uint64_t *)((const char *)f + sum_u64[k]);
		if (!n++ || f->min < a->f.min)
			a->f.min = f->min;
		if (f->max > a->f.max)
			a->f.max = f->max;
		if (f->uncorrected_max > a->f.uncorrected_max)
			a->f.uncorrected_max = f->uncorrected_max;
	}
	/* The headline figures' spread: one value per ok repetition. */
	stats_describe(tmp, collect(a, offsetof(struct figures, p50), false,
				    tmp), &a->p50);
	stats_describe(tmp, collect(a, offsetof(struct figures, p99), false,
				    tmp), &a->p99);
	stats_describe(tmp, collect(a, offsetof(struct figures, msgs_per_sec),
				    true, tmp), &a->rate);
	a->noisy = wl_rate_headline(a->c->wl, a->c->rate) ? a->rate.noisy :
							   a->p50.noisy;
}

static int merge_into(struct hist **dst, const struct hist *src)
{
	if (!src)
		return 0;
	if (!*dst && hist_init(src->lowest, src->highest, src->sigfigs, dst))
		return -ENOMEM;
	return hist_merge(*dst, src) ? -ENOMEM : 0;
}

int agg_add(struct case_agg *a, const struct case_spec *c, unsigned rep,
	    unsigned total, const struct case_result *r)
{
	struct rep_result *x;
	double *tmp;
	int ret = 0;

	if (a->n_reps == a->cap) {
		unsigned cap = a->cap ? 2 * a->cap : 4;
		struct rep_result *reps = realloc(a->reps, cap * sizeof(*reps));

		if (!reps)
			return -ENOMEM;
		a->reps = reps;
		a->cap = cap;
	}
	tmp = malloc((a->n_reps + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	a->c = c;
	x = &a->reps[a->n_reps++];
	x->rep = rep;
	x->r = *r;
	x->r.hist = x->r.hist_uncorrected = NULL;
	agg_figures(c, r, &x->f);
	a->wait = r->wait;
	if (r->status == CASE_OK) {
		a->ok++;
		ret = merge_into(&a->hist, r->hist);
		if (!ret)
			ret = merge_into(&a->hist_uncorrected, r->hist_uncorrected);
	}
	/* The first failure decides; a skip only while nothing ran. */
	if (r->status == CASE_FAILED && a->status != CASE_FAILED) {
		a->status = CASE_FAILED;
		if (total > 1)
			snprintf(a->reason, sizeof(a->reason),
				 "repetition %u of %u: %s", rep, total,
				 r->reason);
		else
			snprintf(a->reason, sizeof(a->reason), "%s", r->reason);
	} else if (r->status == CASE_SKIPPED && a->n_reps == 1) {
		a->status = CASE_SKIPPED;
		snprintf(a->reason, sizeof(a->reason), "%s", r->reason);
	} else if (r->status == CASE_OK && a->status == CASE_SKIPPED) {
		a->status = CASE_OK;
		a->reason[0] = '\0';
	}
	aggregate(a, tmp);
	free(tmp);
	return ret;
}

void agg_free(struct case_agg *a)
{
	hist_free(a->hist);
	hist_free(a->hist_uncorrected);
	free(a->reps);
	memset(a, 0, sizeof(*a));
}
