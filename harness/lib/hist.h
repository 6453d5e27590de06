/*
 * hist.h - HDR-style log-linear latency histogram (our own code, in the
 * scheme and API shape of HdrHistogram_c).
 *
 * Values are non-negative integers (we record nanoseconds).  A histogram
 * covers [lowest, highest] with `sigfigs` significant decimal digits: every
 * recorded value is counted in a bucket whose width is at most
 * 10^-sigfigs of the value, so any reported percentile is within that
 * relative error of the true one.  Values outside the range are counted
 * (hist_overflow()), never dropped silently, and kept out of percentiles.
 *
 * Memory: the struct and its counts live in one block, so a histogram can be
 * placed in a MAP_SHARED mapping made before fork and filled by a child
 * (hist_init_in()).  hist_record() neither allocates nor makes a syscall.
 *
 * Conventions: constructors return 0 or -errno and hand the object back
 * through an out-pointer; predicates return bool.
 */
#ifndef IPCBENCH_HIST_H
#define IPCBENCH_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct hist {
	int64_t lowest;			/* lowest discernible value, >= 1 */
	int64_t highest;		/* highest trackable value */
	int sigfigs;			/* 1..5 */
	int unit_magnitude;		/* floor(log2(lowest)) */
	int sub_bucket_half_count_magnitude;
	int32_t sub_bucket_count;	/* 2^(half magnitude + 1) */
	int32_t sub_bucket_half_count;
	int64_t sub_bucket_mask;
	int32_t bucket_count;
	int32_t counts_len;
	uint64_t total;			/* values recorded in range */
	uint64_t overflow;		/* values above highest */
	uint64_t underflow;		/* values below 0 (never for ns) */
	int64_t min;			/* smallest value recorded, or INT64_MAX */
	int64_t max;			/* largest value recorded, or 0 */
	uint64_t *counts;		/* counts_len entries, inside the block */
};

/* Bytes hist_init_in() needs for this range and precision; 0 if invalid. */
size_t hist_mem_size(int64_t lowest, int64_t highest, int sigfigs);

/*
 * Build a histogram in caller-provided memory mem of len bytes (at least
 * hist_mem_size(), 8-byte aligned).  Nothing is allocated; *out points into
 * mem.  Returns 0, or -EINVAL for a bad range/precision or a short block.
 */
int hist_init_in(void *mem, size_t len, int64_t lowest, int64_t highest,
		 int sigfigs, struct hist **out);

/* Allocate and build a histogram; free it with hist_free(). 0 or -errno. */
int hist_init(int64_t lowest, int64_t highest, int sigfigs, struct hist **out);
void hist_free(struct hist *h);

/* Forget every value, keep the configuration. */
void hist_reset(struct hist *h);

/*
 * Count one value.  Returns true when it is in range; false when it is
 * outside (then it is counted in overflow/underflow and nowhere else).
 */
bool hist_record(struct hist *h, int64_t value);

/* As hist_record() for n occurrences of value. */
bool hist_record_n(struct hist *h, int64_t value, uint64_t n);

/*
 * The value at percentile p (0..100): the highest value equivalent to the
 * smallest recorded value at or below which p percent of the in-range
 * counts fall; for p == 0 (as HdrHistogram) the lowest value equivalent to
 * the smallest recorded value.  0 for an empty histogram.
 */
int64_t hist_value_at(const struct hist *h, double p);

double hist_mean(const struct hist *h);
double hist_stddev(const struct hist *h);

/* Values v and w fall in the same bucket. */
bool hist_equivalent(const struct hist *h, int64_t v, int64_t w);
/* The lowest and highest value that fall in v's bucket. */
int64_t hist_lowest_equivalent(const struct hist *h, int64_t v);
int64_t hist_highest_equivalent(const struct hist *h, int64_t v);

/*
 * Add every count of src to dst (also overflow, min, max).  Returns 0, or
 * -ERANGE when src holds values dst cannot track (those are added to dst's
 * overflow, so totals still add up).
 */
int hist_merge(struct hist *dst, const struct hist *src);

/*
 * Write the percentile distribution in HdrHistogram's text format (the
 * "classic" .hgrm that HdrHistogram's plotter reads): a header line, one
 * line per percentile step with `ticks` steps per halving of the distance to
 * 100%, and the #[Mean ...] #[Max ...] #[Buckets ...] footer.  Values are
 * divided by scale (1000 turns ns into us).  Returns 0 or -errno.
 */
int hist_write_hgrm(const struct hist *h, FILE *f, int ticks, double scale);

#endif
