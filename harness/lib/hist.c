/*
 * hist.c - HDR-style log-linear latency histogram, our own code in the scheme
 * of HdrHistogram_c.  Values in [0, 2 * sub_bucket_count << unit_magnitude)
 * land in bucket 0 at unit resolution; each later bucket covers twice the
 * range of the previous one with half its resolution and only uses its upper
 * half of sub-buckets, so the relative width of any slot stays below
 * 10^-sigfigs.  A counts index therefore maps to exactly one value range and
 * back, with shifts only.  This module counts and reports; it does not time
 * anything, is not thread-safe (one writer per histogram, merge afterwards),
 * and does not do coordinated-omission correction or the .hlog format.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

/* Counts start 64 bytes in: their own cache line in a page-aligned block. */
#define HIST_HEADER	((sizeof(struct hist) + 63) & ~(size_t)63)

/* Fill the layout fields of h, the HdrHistogram bucket configuration. */
static int hist_layout(struct hist *h, int64_t lowest, int64_t highest,
		       int sigfigs)
{
	int64_t single_unit = 2, untrackable;
	int magnitude = 0, half, unit, i;

	if (lowest < 1 || sigfigs < 1 || sigfigs > 5 || lowest > highest / 2)
		return -EINVAL;

	/* Enough sub-buckets that 2 * 10^sigfigs values get unit resolution. */
	for (i = 0; i < sigfigs; i++)
		single_unit *= 10;
	while ((INT64_C(1) << magnitude) < single_unit)
		magnitude++;
	half = (magnitude > 1 ? magnitude : 1) - 1;
	/* floor(log2(lowest)), exact where log() would round near 2^k. */
	unit = 63 - __builtin_clzll((uint64_t)lowest);
	if (unit + half > 61)
		return -EINVAL;

	memset(h, 0, sizeof(*h));
	h->lowest = lowest;
	h->highest = highest;
	h->sigfigs = sigfigs;
	h->unit_magnitude = unit;
	h->sub_bucket_half_count_magnitude = half;
	h->sub_bucket_count = INT32_C(1) << (half + 1);
	h->sub_bucket_half_count = INT32_C(1) << half;
	h->sub_bucket_mask = ((int64_t)h->sub_bucket_count - 1) << unit;
	h->min = INT64_MAX;

	/* Double the covered range until it reaches past highest. */
	untrackable = INT64_C(1) << (unit + half + 1);
	h->bucket_count = 1;
	while (untrackable <= highest) {
		h->bucket_count++;
		if (untrackable > INT64_MAX / 2)
			break;
		untrackable <<= 1;
	}
	h->counts_len = (h->bucket_count + 1) << half;
	return 0;
}

size_t hist_mem_size(int64_t lowest, int64_t highest, int sigfigs)
{
	struct hist cfg;

	if (hist_layout(&cfg, lowest, highest, sigfigs))
		return 0;
	return HIST_HEADER + (size_t)cfg.counts_len * sizeof(uint64_t);
}

/*
 * Build a histogram in caller memory (see hist.h).  The block is zeroed here,
 * so a fresh MAP_SHARED mapping or a reused buffer both start empty.
 * Returns 0, or -EINVAL for a bad range, a NULL or misaligned block, or a
 * block shorter than hist_mem_size().
 */
int hist_init_in(void *mem, size_t len, int64_t lowest, int64_t highest,
		 int sigfigs, struct hist **out)
{
	struct hist cfg, *h = mem;
	size_t need;
	int err;

	if (!mem || !out || ((uintptr_t)mem & 7))
		return -EINVAL;
	err = hist_layout(&cfg, lowest, highest, sigfigs);
	if (err)
		return err;
	need = HIST_HEADER + (size_t)cfg.counts_len * sizeof(uint64_t);
	if (len < need)
		return -EINVAL;

	memset(mem, 0, need);
	*h = cfg;
	h->counts = (uint64_t *)((char *)mem + HIST_HEADER);
	*out = h;
	return 0;
}

/*
 * Allocate one block holding struct and counts.  Returns 0, -EINVAL for a
 * bad range/precision, or -ENOMEM.  Free with hist_free() (never a
 * histogram from hist_init_in(): its memory belongs to the caller).
 */
int hist_init(int64_t lowest, int64_t highest, int sigfigs, struct hist **out)
{
	size_t len = hist_mem_size(lowest, highest, sigfigs);
	void *mem;
	int err;

	if (!len || !out)
		return -EINVAL;
	mem = malloc(len);
	if (!mem)
		return -ENOMEM;
	err = hist_init_in(mem, len, lowest, highest, sigfigs, out);
	if (err)
		goto out_free;
	return 0;

out_free:
	free(mem);
	return err;
}

/* Release a histogram from hist_init(); NULL is a no-op. */
void hist_free(struct hist *h)
{
	free(h);
}

/* Zero every count, including overflow and underflow; keep the layout. */
void hist_reset(struct hist *h)
{
	memset(h->counts, 0, (size_t)h->counts_len * sizeof(uint64_t));
	h->total = 0;
	h->overflow = 0;
	h->underflow = 0;
	h->min = INT64_MAX;
	h->max = 0;
}

/* Bucket of a value v >= 0: how many halvings of resolution it lies above 0. */
static inline int bucket_of(const struct hist *h, int64_t v)
{
	uint64_t u = (uint64_t)v | (uint64_t)h->sub_bucket_mask;
	int bits = 64 - __builtin_clzll(u);

	return bits - h->unit_magnitude - 1 -
	       h->sub_bucket_half_count_magnitude;
}

static inline int32_t index_of(const struct hist *h, int64_t v)
{
	int b = bucket_of(h, v);
	int32_t sub = (int32_t)(v >> (b + h->unit_magnitude));

	return ((b + 1) << h->sub_bucket_half_count_magnitude) + sub -
	       h->sub_bucket_half_count;
}

/*
 * Lowest value counted at index i, plus `part` of the slot: 0 for the lowest,
 * 1 for the middle (HdrHistogram's median equivalent), 2 for the highest.
 * low + (width - 1) cannot overflow even in the top slot below INT64_MAX.
 */
static int64_t index_value(const struct hist *h, int32_t i, int part)
{
	int32_t half = h->sub_bucket_half_count;
	int b = (i >> h->sub_bucket_half_count_magnitude) - 1;
	int64_t sub = (i & (half - 1)) + half, width;

	if (b < 0) {
		sub -= half;
		b = 0;
	}
	width = INT64_C(1) << (b + h->unit_magnitude);
	if (part == 2)
		return sub * width + (width - 1);
	return sub * width + (part == 1 ? width / 2 : 0);
}

/*
 * Count n occurrences of value.  The timed path: a compare, a clz, shifts
 * and three stores.  Out-of-range values go to underflow/overflow only.
 */
bool hist_record_n(struct hist *h, int64_t value, uint64_t n)
{
	if (__builtin_expect(value < 0, 0)) {
		h->underflow += n;
		return false;
	}
	if (__builtin_expect(value > h->highest, 0)) {
		h->overflow += n;
		return false;
	}
	h->counts[index_of(h, value)] += n;
	h->total += n;
	if (__builtin_expect(value < h->min, 0))
		h->min = value;
	if (__builtin_expect(value > h->max, 0))
		h->max = value;
	return true;
}

/* Count one value; see hist_record_n(). */
bool hist_record(struct hist *h, int64_t value)
{
	return hist_record_n(h, value, 1);
}

/*
 * HdrHistogram's getValueAtPercentile: the count to reach is
 * ceil(p% of total), taken one ulp low so that 99.99% of 10000 does not
 * round up into the next slot, and at least 1.  p == 0 reports the lowest
 * equivalent of the smallest value, every other p the highest equivalent.
 */
int64_t hist_value_at(const struct hist *h, double p)
{
	double req = nextafter(p, -INFINITY);
	uint64_t want, seen = 0;
	int32_t i;

	if (!h->total)
		return 0;
	if (!(req > 0.0))
		req = 0.0;
	if (req > 100.0)
		req = 100.0;
	want = (uint64_t)ceil(req * (double)h->total / 100.0);
	if (want < 1)
		want = 1;
	if (want > h->total)
		want = h->total;

	for (i = 0; i < h->counts_len; i++) {
		seen += h->counts[i];
		if (seen >= want)
			break;
	}
	if (i == h->counts_len)
		i--;
	if (p <= 0.0)
		return index_value(h, i, 0);
	return index_value(h, i, 2);
}

/* Mean of the in-range values, each taken at its slot's middle; 0 if empty. */
double hist_mean(const struct hist *h)
{
	double sum = 0.0;
	int32_t i;

	if (!h->total)
		return 0.0;
	for (i = 0; i < h->counts_len; i++)
		if (h->counts[i])
			sum += (double)h->counts[i] *
			       (double)index_value(h, i, 1);
	return sum / (double)h->total;
}

/* Population standard deviation, on the same slot middles; 0 if empty. */
double hist_stddev(const struct hist *h)
{
	double mean = hist_mean(h), sum = 0.0, dev;
	int32_t i;

	if (!h->total)
		return 0.0;
	for (i = 0; i < h->counts_len; i++) {
		if (!h->counts[i])
			continue;
		dev = (double)index_value(h, i, 1) - mean;
		sum += dev * dev * (double)h->counts[i];
	}
	return sqrt(sum / (double)h->total);
}

/*
 * Lowest value in v's slot.  Defined for any v >= 0, also above highest
 * (the slot it would have); a negative v belongs to no slot and is returned
 * unchanged.
 */
int64_t hist_lowest_equivalent(const struct hist *h, int64_t v)
{
	int shift;

	if (v < 0)
		return v;
	shift = bucket_of(h, v) + h->unit_magnitude;
	return (v >> shift) << shift;
}

/* Highest value in v's slot; same domain as hist_lowest_equivalent(). */
int64_t hist_highest_equivalent(const struct hist *h, int64_t v)
{
	if (v < 0)
		return v;
	return hist_lowest_equivalent(h, v) +
	       ((INT64_C(1) << (bucket_of(h, v) + h->unit_magnitude)) - 1);
}

/* True when v and w share a slot. */
bool hist_equivalent(const struct hist *h, int64_t v, int64_t w)
{
	return hist_lowest_equivalent(h, v) == hist_lowest_equivalent(h, w);
}

/*
 * Add src into dst (see hist.h).  Same slot layout and a range that fits:
 * add the arrays.  Otherwise re-record each of src's slots at its lowest
 * value (as HdrHistogram's hdr_add does); what dst cannot hold lands in its
 * overflow and the call reports -ERANGE.  min and max stay exact whenever
 * src's true extremes are trackable by dst.
 */
int hist_merge(struct hist *dst, const struct hist *src)
{
	int64_t old_min = dst->min, old_max = dst->max;
	int err = 0;
	int32_t i;

	dst->overflow += src->overflow;
	dst->underflow += src->underflow;
	if (!src->total)
		return 0;

	if (dst->unit_magnitude == src->unit_magnitude &&
	    dst->sub_bucket_half_count_magnitude ==
	    src->sub_bucket_half_count_magnitude &&
	    src->highest <= dst->highest) {
		for (i = 0; i < src->counts_len; i++)
			dst->counts[i] += src->counts[i];
		dst->total += src->total;
		if (src->min < dst->min)
			dst->min = src->min;
		if (src->max > dst->max)
			dst->max = src->max;
		return 0;
	}

	for (i = 0; i < src->counts_len; i++) {
		if (!src->counts[i])
			continue;
		if (!hist_record_n(dst, index_value(src, i, 0),
				   src->counts[i]))
			err = -ERANGE;
	}
	if (src->min <= dst->highest)
		dst->min = src->min < old_min ? src->min : old_min;
	if (src->max <= dst->highest)
		dst->max = src->max > old_max ? src->max : old_max;
	return err;
}

/* Next percentile level: ticks steps per halving of the distance to 100. */
static double next_level(double level, int ticks)
{
	double next;
	int64_t halvings;

	if (level >= 100.0)
		return level;
	halvings = (int64_t)(log(100.0 / (100.0 - level)) / log(2)) + 1;
	next = level + 100.0 / ((double)ticks * ldexp(1.0, (int)halvings));
	return next > level ? next : nextafter(level, 200.0);
}

/*
 * Write the .hgrm text of HdrHistogram_c's hdr_percentiles_print (CLASSIC),
 * which follows HdrHistogram's percentile iterator: a line whenever the
 * cumulative count first reaches the next level, only one line for the slot
 * that completes the total, then a closing 100% line whose 1/(1-p) is "inf".
 * An empty histogram gets the header and a zero footer, no data lines (as
 * the Java original).  Returns 0, -EINVAL for bad arguments, -EIO when a
 * write fails.
 */
int hist_write_hgrm(const struct hist *h, FILE *f, int ticks, double scale)
{
	double mean = 0.0, stddev = 0.0, max = 0.0, level = 0.0, pct;
	uint64_t seen = 0;
	int32_t i, last = 0;
	int sf = h ? h->sigfigs : 0;

	if (!h || !f || ticks < 1 || !(scale > 0.0))
		return -EINVAL;
	if (fprintf(f, "%12s %12s %12s %12s\n\n", "Value", "Percentile",
		    "TotalCount", "1/(1-Percentile)") < 0)
		return -EIO;

	for (i = 0; i < h->counts_len && seen < h->total; i++) {
		if (!h->counts[i])
			continue;
		seen += h->counts[i];
		last = i;
		pct = (100.0 * (double)seen) / (double)h->total;
		while (level <= pct) {
			if (fprintf(f, "%12.*f %12f %12" PRIu64 " %12.2f\n", sf,
				    (double)index_value(h, i, 2) / scale,
				    level / 100.0, seen,
				    1.0 / (1.0 - level / 100.0)) < 0)
				return -EIO;
			level = next_level(level, ticks);
			if (seen == h->total)
				break;
		}
	}
	if (h->total) {
		if (fprintf(f, "%12.*f %12f %12" PRIu64 " %12s\n", sf,
			    (double)index_value(h, last, 2) / scale, 1.0,
			    seen, "inf") < 0)
			return -EIO;
		mean = hist_mean(h) / scale;
		stddev = hist_stddev(h) / scale;
		if (h->max)
			max = hist_highest_equivalent(h, h->max) / scale;
	}
	if (fprintf(f, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n"
		    "#[Max     = %12.3f, Total count    = %12" PRIu64 "]\n"
		    "#[Buckets = %12d, SubBuckets     = %12d]\n",
		    mean, stddev, max, h->total, (int)h->bucket_count,
		    (int)h->sub_bucket_count) < 0 || ferror(f))
		return -EIO;
	return 0;
}
