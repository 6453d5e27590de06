/*
 * test_hist.c - golden-value tests for harness/hist.c.
 *
 * Expected slot edges are worked out by hand from the scheme (lowest 1,
 * 3 significant figures: 2048 sub-buckets, values below 2048 exact, then
 * width 2, 4, 8, ... per doubling); the percentile and layout figures for
 * highest 3600e6 are the ones HdrHistogram_c's own test_histogram.c asserts.
 * This file tests the histogram only, not the clock or any transport.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "hist.h"

#define TEN_S	INT64_C(10000000000)	/* 10 s in ns */
#define HOUR_US	(INT64_C(3600) * 1000 * 1000)

static bool near(double got, double want, double rel)
{
	return fabs(got - want) <= fabs(want) * rel;
}

static void test_config(void)
{
	struct hist *h = NULL;
	static const int32_t subs[] = { 32, 256, 2048, 32768, 262144 };
	char buf[4096] __attribute__((aligned(8)));
	size_t len;
	int sf;

	CHECK(hist_init(0, 64 * 1024, 2, &h) == -EINVAL, "lowest 0");
	CHECK(hist_init(80, 110, 5, &h) == -EINVAL, "lowest*2 > highest");
	CHECK(hist_init(1, 36000000, 0, &h) == -EINVAL, "sigfigs 0");
	CHECK(hist_init(1, 36000000, 6, &h) == -EINVAL, "sigfigs 6");
	CHECK(hist_init(INT64_C(1) << 60, INT64_MAX, 3, &h) == -EINVAL,
	      "unit + sub-bucket magnitude > 61");
	CHECK(h == NULL, "no histogram on error");
	CHECK_EQ_U64(hist_mem_size(0, 100, 3), 0);
	CHECK(hist_init_in(buf, sizeof(buf), 1, TEN_S, 3, &h) == -EINVAL,
	      "short block");
	CHECK(hist_init_in(buf + 4, sizeof(buf) - 4, 1, 100, 1, &h) == -EINVAL,
	      "misaligned block");

	/* HdrHistogram_c test_create: 1..3600e6, 3 figures -> 23552 counts. */
	CHECK(hist_init(1, HOUR_US, 3, &h) == 0, "init");
	CHECK_EQ_U64(h->counts_len, 23552);
	CHECK_EQ_U64(h->bucket_count, 22);
	CHECK_EQ_U64(h->sub_bucket_count, 2048);
	CHECK_EQ_U64(h->unit_magnitude, 0);
	len = hist_mem_size(1, HOUR_US, 3);
	CHECK(len >= sizeof(struct hist) + 23552 * 8 &&
	      len <= sizeof(struct hist) + 23552 * 8 + 64, "mem size %zu", len);
	CHECK((char *)h->counts >= (char *)h + sizeof(*h) &&
	      (uintptr_t)h->counts % 8 == 0, "counts follow the struct");
	hist_free(h);

	/* 10 s in ns: 2048 << 23 > 1e10 > 2048 << 22, so 24 buckets. */
	CHECK(hist_init(1, TEN_S, 3, &h) == 0, "init 10s");
	CHECK_EQ_U64(h->bucket_count, 24);
	CHECK_EQ_U64(h->counts_len, 25 * 1024);
	hist_free(h);

	for (sf = 1; sf <= 5; sf++) {
		CHECK(hist_init(1, TEN_S, sf, &h) == 0, "init sf %d", sf);
		if (!h)
			continue;
		CHECK_EQ_U64(h->sub_bucket_count, subs[sf - 1]);
		hist_free(h);
		h = NULL;
	}

	CHECK(hist_init(1000, HOUR_US, 3, &h) == 0, "init lowest 1000");
	CHECK_EQ_U64(h->unit_magnitude, 9);
	/* Unit 512: 0..511 is one slot, 1000 lies in 512..1023. */
	CHECK_EQ_U64(hist_highest_equivalent(h, 0), 511);
	CHECK_EQ_U64(hist_lowest_equivalent(h, 1000), 512);
	CHECK_EQ_U64(hist_highest_equivalent(h, 1000), 1023);
	hist_free(h);
}

static void test_edges(void)
{
	static const struct {
		int64_t v, lo, hi;
	} e[] = {
		{ 0, 0, 0 },
		{ 1, 1, 1 },
		{ 2047, 2047, 2047 },
		{ 2048, 2048, 2049 },
		{ 2049, 2048, 2049 },
		{ 4095, 4094, 4095 },
		{ 4096, 4096, 4099 },
		{ 1000000, 999936, 1000447 },		/* width 512 */
		{ 100000000, 99942400, 100007935 },	/* width 65536 */
		{ 1000000000, 999817216, 1000341503 },	/* width 524288 */
	};
	struct hist *h;
	size_t i;

	if (hist_init(1, TEN_S, 3, &h)) {
		CHECK(0, "init");
		return;
	}
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		CHECK(hist_lowest_equivalent(h, e[i].v) == e[i].lo,
		      "lowest(%" PRId64 ") = %" PRId64 ", want %" PRId64,
		      e[i].v, hist_lowest_equivalent(h, e[i].v), e[i].lo);
		CHECK(hist_highest_equivalent(h, e[i].v) == e[i].hi,
		      "highest(%" PRId64 ") = %" PRId64 ", want %" PRId64,
		      e[i].v, hist_highest_equivalent(h, e[i].v), e[i].hi);
		/* 3 figures: a slot is narrower than 1/1000 of its values. */
		CHECK((double)(e[i].hi - e[i].lo + 1) <= 1.0 + e[i].lo / 1000.0,
		      "slot of %" PRId64 " too wide", e[i].v);
	}
	CHECK(hist_equivalent(h, 2048, 2049), "2048 ~ 2049");
	CHECK(!hist_equivalent(h, 2047, 2048), "2047 !~ 2048");
	CHECK(hist_equivalent(h, 4096, 4099), "4096 ~ 4099");
	CHECK(!hist_equivalent(h, 4099, 4100), "4099 !~ 4100");
	hist_free(h);

	/* The top slot of a full int64 range ends exactly at INT64_MAX. */
	if (hist_init(1, INT64_MAX, 3, &h)) {
		CHECK(0, "init INT64_MAX");
		return;
	}
	CHECK_EQ_U64(h->bucket_count, 53);
	CHECK(hist_lowest_equivalent(h, INT64_MAX) ==
	      INT64_MAX - ((INT64_C(1) << 52) - 1), "lowest(INT64_MAX)");
	CHECK(hist_highest_equivalent(h, INT64_MAX) == INT64_MAX,
	      "highest(INT64_MAX)");
	CHECK(hist_record(h, INT64_MAX), "record INT64_MAX");
	CHECK(hist_value_at(h, 100.0) == INT64_MAX, "p100 INT64_MAX");
	hist_free(h);
}

/* The data set of HdrHistogram_c's test_histogram.c (raw histogram). */
static void test_hdr_reference(void)
{
	struct hist *h, *s, *big;
	double m, want_sd;
	int i;

	if (hist_init(1, HOUR_US, 3, &h) ||
	    hist_init(1000, HOUR_US * 512, 3, &s)) {
		CHECK(0, "init");
		return;
	}
	for (i = 0; i < 10000; i++) {
		hist_record(h, 1000);
		hist_record(s, 1000 * 512);
	}
	CHECK(hist_record(h, 100000000), "record 1e8");
	CHECK(hist_record(s, INT64_C(100000000) * 512), "record 1e8*512");

	CHECK_EQ_U64(h->total, 10001);
	CHECK_EQ_U64(h->min, 1000);
	CHECK_EQ_U64(h->max, 100000000);
	CHECK_EQ_U64(hist_value_at(h, 0.0), 1000);
	CHECK_EQ_U64(hist_value_at(h, 30.0), 1000);
	CHECK_EQ_U64(hist_value_at(h, 99.0), 1000);
	CHECK_EQ_U64(hist_value_at(h, 99.99), 1000);
	CHECK_EQ_U64(hist_value_at(h, 99.999), 100007935);
	CHECK_EQ_U64(hist_value_at(h, 100.0), 100007935);
	CHECK_EQ_U64(hist_value_at(h, 250.0), 100007935);
	CHECK(near((double)hist_value_at(h, 99.999), 1e8, 0.001), "~1e8");

	/* Slot middles: 1000 exact, 1e8 -> 99942400 + 65536/2. */
	m = (10000.0 * 1000 + 99975168.0) / 10001;
	want_sd = sqrt((10000.0 * (1000 - m) * (1000 - m) +
			(99975168.0 - m) * (99975168.0 - m)) / 10001);
	CHECK(near(hist_mean(h), m, 1e-12), "mean %f want %f", hist_mean(h), m);
	CHECK(near(hist_stddev(h), want_sd, 1e-12), "stddev %f want %f",
	      hist_stddev(h), want_sd);

	/*
	 * test_scaling_equivalence: scaling by 512 = 2^9 scales the slots;
	 * the means differ by the half-unit (256) slot middle of 512000.
	 */
	CHECK(near(hist_mean(h) * 512, hist_mean(s), 1e-4), "scaled mean");
	CHECK_EQ_U64(s->total, h->total);
	CHECK(hist_lowest_equivalent(h, hist_value_at(h, 99.0) * 512) ==
	      hist_lowest_equivalent(s, hist_value_at(s, 99.0)), "scaled p99");

	/* test_create_with_large_values, with the ceil() count rule. */
	if (hist_init(20000000, 100000000, 5, &big) == 0) {
		hist_record(big, 100000000);
		hist_record(big, 20000000);
		hist_record(big, 30000000);
		CHECK(hist_equivalent(big, 20000000, hist_value_at(big, 50.0)),
		      "p50");
		CHECK(hist_equivalent(big, 30000000, hist_value_at(big, 66.66)),
		      "p66.66");
		CHECK(hist_equivalent(big, 100000000,
				      hist_value_at(big, 66.67)), "p66.67");
		CHECK(hist_equivalent(big, 100000000, hist_value_at(big, 99.0)),
		      "p99");
		hist_free(big);
	} else {
		CHECK(0, "init large values");
	}

	hist_reset(h);
	CHECK_EQ_U64(h->total, 0);
	CHECK_EQ_U64(hist_value_at(h, 99.0), 0);
	CHECK_EQ_U64(h->min, INT64_MAX);
	CHECK_EQ_U64(h->max, 0);
	CHECK(hist_mean(h) == 0.0 && hist_stddev(h) == 0.0, "empty moments");
	hist_free(h);
	hist_free(s);
}

static void test_uniform(void)
{
	const int64_t n = 1000000;
	struct hist *h;
	int64_t v, want, prev = 0;
	double p;

	if (hist_init(1, TEN_S, 3, &h)) {
		CHECK(0, "init");
		return;
	}
	for (v = 1; v <= n; v++)
		hist_record(h, v);
	CHECK_EQ_U64(h->total, n);
	CHECK_EQ_U64(hist_value_at(h, 0.0), 1);
	CHECK_EQ_U64(hist_value_at(h, 25.0), 250111);	/* 249984 + 127 */
	CHECK_EQ_U64(hist_value_at(h, 50.0), 500223);	/* 499968 + 255 */
	CHECK_EQ_U64(hist_value_at(h, 99.0), 990207);	/* 989696 + 511 */
	CHECK_EQ_U64(hist_value_at(h, 99.9), 999423);	/* 998912 + 511 */
	CHECK_EQ_U64(hist_value_at(h, 100.0), 1000447);
	CHECK(near(hist_mean(h), 500000.5, 1e-3), "mean %f", hist_mean(h));
	CHECK(near(hist_stddev(h), n / sqrt(12.0), 1e-3), "stddev %f",
	      hist_stddev(h));

	/* Every percentile: at or above the exact one, within 1/1024 of it. */
	for (p = 0.5; p <= 100.0; p += 0.5) {
		v = hist_value_at(h, p);
		want = (int64_t)ceil(p * n / 100.0);
		CHECK(v >= want && v - want <= want / 1024 && v >= prev,
		      "p%.1f = %" PRId64 ", exact %" PRId64, p, v, want);
		prev = v;
	}
	hist_free(h);
}

static void test_out_of_range(void)
{
	struct hist *h;

	/* HdrHistogram_c test_out_of_range_values. */
	if (hist_init(1, 1000, 4, &h) == 0) {
		CHECK(hist_record(h, 1000), "1000 in range");
		CHECK(!hist_record(h, 1001), "1001 out of range");
		CHECK_EQ_U64(h->total, 1);
		CHECK_EQ_U64(h->overflow, 1);
		hist_free(h);
	} else {
		CHECK(0, "init");
	}

	if (hist_init(1, TEN_S, 3, &h)) {
		CHECK(0, "init");
		return;
	}
	CHECK(!hist_record(h, -1), "negative");
	CHECK(hist_record(h, TEN_S), "highest itself");
	CHECK(!hist_record(h, TEN_S + 1), "highest + 1");
	CHECK(!hist_record_n(h, INT64_MAX, 5), "INT64_MAX");
	CHECK(hist_record_n(h, 100, 3), "record_n");
	CHECK_EQ_U64(h->underflow, 1);
	CHECK_EQ_U64(h->overflow, 6);
	CHECK_EQ_U64(h->total, 4);
	CHECK_EQ_U64(h->max, TEN_S);
	CHECK_EQ_U64(h->min, 100);
	CHECK_EQ_U64(hist_value_at(h, 75.0), 100);
	CHECK(hist_equivalent(h, hist_value_at(h, 100.0), TEN_S), "p100");
	hist_free(h);
}

static void test_merge(void)
{
	struct hist *a, *b, *small, *coarse;
	int64_t v;

	if (hist_init(1, TEN_S, 3, &a) || hist_init(1, TEN_S, 3, &b) ||
	    hist_init(1, 1000000, 3, &small) ||
	    hist_init(1, TEN_S, 2, &coarse)) {
		CHECK(0, "init");
		return;
	}

	/* Same layout: counts add index by index. */
	for (v = 1; v <= 1000; v++)
		hist_record(a, v);
	for (v = 1001; v <= 2000; v++)
		hist_record(b, v);
	hist_record(b, TEN_S + 1);
	CHECK(hist_merge(a, b) == 0, "same config");
	CHECK_EQ_U64(a->total, 2000);
	CHECK_EQ_U64(a->overflow, 1);
	CHECK_EQ_U64(a->min, 1);
	CHECK_EQ_U64(a->max, 2000);
	CHECK_EQ_U64(hist_value_at(a, 50.0), 1000);
	CHECK_EQ_U64(hist_value_at(a, 100.0), 2000);
	CHECK_EQ_U64(b->total, 1000);

	/* dst cannot hold 5e9: those 3 go to its overflow, -ERANGE. */
	hist_reset(b);
	hist_record_n(b, 500000, 10);
	hist_record_n(b, 5000000000, 3);
	CHECK(hist_merge(small, b) == -ERANGE, "narrower dst");
	CHECK_EQ_U64(small->total, 10);
	CHECK_EQ_U64(small->overflow, 3);
	CHECK_EQ_U64(hist_value_at(small, 100.0), 500223);
	CHECK(hist_equivalent(small, small->max, 500000), "max slot");
	CHECK_EQ_U64(small->total + small->overflow, b->total);

	/*
	 * 2 figures into 3: each coarse slot arrives at its lowest value.
	 * The 50% count (5000) is reached in coarse slot 4992..5023, which
	 * lands in the fine slot 4992..4995; 10000's slot starts at 9984.
	 */
	for (v = 1; v <= 10000; v++)
		hist_record(coarse, v);
	hist_reset(b);
	CHECK(hist_merge(b, coarse) == 0, "finer dst");
	CHECK_EQ_U64(b->total, 10000);
	CHECK_EQ_U64(b->min, 1);
	CHECK_EQ_U64(b->max, 10000);
	CHECK_EQ_U64(hist_value_at(b, 50.0), 4995);
	CHECK_EQ_U64(hist_value_at(b, 100.0), 9991);

	/* And back: 3 figures into 2, totals add up. */
	CHECK(hist_merge(coarse, a) == 0, "coarser dst");
	CHECK_EQ_U64(coarse->total, 12000);
	CHECK_EQ_U64(coarse->overflow, 1);
	/* 6000th of 1..2000 twice + 2001..10000: 4000, slot 4000..4015. */
	CHECK_EQ_U64(hist_value_at(coarse, 50.0), 4015);

	/* An empty src only brings its out-of-range counts. */
	hist_reset(b);
	hist_record(b, -5);
	CHECK(hist_merge(a, b) == 0, "empty src");
	CHECK_EQ_U64(a->total, 2000);
	CHECK_EQ_U64(a->underflow, 1);

	hist_free(a);
	hist_free(b);
	hist_free(small);
	hist_free(coarse);
}

/* A child fills a histogram in a MAP_SHARED block; the parent reads it. */
static void test_shared_fork(void)
{
	size_t len = hist_mem_size(1, TEN_S, 3);
	struct hist *h;
	int status = -1;
	void *mem;
	pid_t pid;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		CHECK(0, "mmap failed");
		return;
	}
	CHECK(hist_init_in(mem, len, 1, TEN_S, 3, &h) == 0, "init_in");
	CHECK((void *)h == mem, "struct at start of block");
	CHECK((char *)h->counts > (char *)mem &&
	      (char *)(h->counts + h->counts_len) <= (char *)mem + len,
	      "counts inside block");

	pid = fork();
	if (pid == 0) {
		int64_t v;

		for (v = 1; v <= 1000; v++)
			hist_record(h, v);
		hist_record(h, TEN_S * 2);
		_exit(0);
	}
	CHECK(pid > 0, "fork");
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status");
	CHECK_EQ_U64(h->total, 1000);
	CHECK_EQ_U64(h->overflow, 1);
	CHECK_EQ_U64(h->min, 1);
	CHECK_EQ_U64(h->max, 1000);
	CHECK_EQ_U64(hist_value_at(h, 50.0), 500);
	CHECK_EQ_U64(hist_value_at(h, 99.9), 999);
	munmap(mem, len);
}

struct hgrm {
	int lines, data, footer;
	int bad;		/* lines that fit no expected shape */
	double pct[512];	/* the first 512 data lines */
	double value[512];
	uint64_t count[512];
	double last_value, last_pct;
	uint64_t last_count, footer_total;
	char last_inv[16];
	int buckets, subbuckets;
	double mean, max;
};

/* Split a .hgrm text into its parts; shape errors land in r->bad. */
static void parse_hgrm(char *text, struct hgrm *r)
{
	double v, p, prev_v = -1, prev_p = -1, sd;
	char *line, *save = NULL, inv[16];
	uint64_t c, prev_c = 0;

	memset(r, 0, sizeof(*r));
	if (strncmp(text, "       Value   Percentile   TotalCount "
		    "1/(1-Percentile)\n\n", 57) != 0)
		r->bad++;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		r->lines++;
		if (r->lines == 1)
			continue;
		if (line[0] == '#') {
			r->footer++;
			if (sscanf(line, "#[Mean    = %lf, StdDeviation   = %lf]",
				   &r->mean, &sd) == 2 ||
			    sscanf(line, "#[Max     = %lf, Total count    = %" SCNu64 "]",
				   &r->max, &r->footer_total) == 2 ||
			    sscanf(line, "#[Buckets = %d, SubBuckets     = %d]",
				   &r->buckets, &r->subbuckets) == 2)
				continue;
			r->bad++;
			continue;
		}
		if (r->footer || sscanf(line, "%lf %lf %" SCNu64 " %15s",
					&v, &p, &c, inv) != 4) {
			r->bad++;
			continue;
		}
		if (v < prev_v || p < prev_p || c < prev_c)
			r->bad++;
		if (r->data < 512) {
			r->pct[r->data] = p;
			r->value[r->data] = v;
			r->count[r->data] = c;
		}
		r->data++;
		prev_v = r->last_value = v;
		prev_p = r->last_pct = p;
		prev_c = r->last_count = c;
		memcpy(r->last_inv, inv, sizeof(inv));
	}
}

static char *write_hgrm(const struct hist *h, int ticks, double scale)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	CHECK(hist_write_hgrm(h, f, ticks, scale) == 0, "write_hgrm");
	fclose(f);
	return buf;
}

static void test_hgrm(void)
{
	/* ticks 5: 10 steps to 50%, then 10 per halving of what is left. */
	static const double levels[] = {
		0, .1, .2, .3, .4, .5, .55, .6, .65, .7, .75,
		.775, .8, .825, .85, .875, .8875, .9, .9125,
	};
	struct hist *h, *r;
	struct hgrm g;
	FILE *ro;
	char *text;
	size_t i;
	int64_t v;

	if (hist_init(1, TEN_S, 3, &h) || hist_init(1, HOUR_US, 3, &r)) {
		CHECK(0, "init");
		return;
	}
	for (v = 1; v <= 100000; v++)
		hist_record(h, v);
	text = write_hgrm(h, 5, 1.0);
	if (text) {
		parse_hgrm(text, &g);
		CHECK_EQ_U64(g.bad, 0);
		CHECK(g.data == 61, "%d data lines", g.data);
		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
			CHECK(fabs(g.pct[i] - levels[i]) < 1e-9,
			      "level %zu = %f, want %f", i, g.pct[i],
			      levels[i]);
		/* 0%: value 1 seen once; 10%: 10000 in slot 10000..10007. */
		CHECK(g.value[0] == 1.0 && g.count[0] == 1, "0%% line");
		CHECK(g.value[1] == 10007.0 && g.count[1] == 10007,
		      "10%% line");
		CHECK(g.last_pct == 1.0, "last percentile %f", g.last_pct);
		CHECK_EQ_U64(g.last_count, 100000);
		CHECK(strcmp(g.last_inv, "inf") == 0, "last 1/(1-p) '%s'",
		      g.last_inv);
		CHECK(g.last_value == 100031.0, "last value %f", g.last_value);
		CHECK_EQ_U64(g.footer, 3);
		CHECK_EQ_U64(g.footer_total, 100000);
		CHECK_EQ_U64(g.buckets, 24);
		CHECK_EQ_U64(g.subbuckets, 2048);
		CHECK(g.max == 100031.0, "footer max %f", g.max);
		CHECK(near(g.mean, hist_mean(h), 1e-6), "mean %f", g.mean);
		free(text);
	}

	/* HdrHistogram_c's data in us: 1.000 up to 10000, then 1e8. */
	for (v = 0; v < 10000; v++)
		hist_record(r, 1000);
	hist_record(r, 100000000);
	text = write_hgrm(r, 5, 1000.0);
	if (text) {
		CHECK_STR_CONTAINS(text, "       1.000     0.000000        10000         1.00\n");
		CHECK_STR_CONTAINS(text, "  100007.935     1.000000        10001          inf\n");
		CHECK_STR_CONTAINS(text, "#[Max     =   100007.935, Total count    =        10001]\n");
		CHECK_STR_CONTAINS(text, "#[Buckets =           22, SubBuckets     =         2048]\n");
		parse_hgrm(text, &g);
		CHECK_EQ_U64(g.bad, 0);
		CHECK(g.data >= 3 && g.data < 512 &&
		      g.value[g.data - 2] == 100007.935 &&
		      g.count[g.data - 3] == 10000, "one line for 1e8");
		CHECK(near(g.mean, (1e7 + 99975168.0) / 10001 / 1000, 1e-4),
		      "mean %f", g.mean);
		free(text);
	}

	ro = fopen("/dev/null", "r");
	if (ro) {
		CHECK(hist_write_hgrm(h, ro, 5, 1.0) == -EIO, "read-only");
		fclose(ro);
	}
	CHECK(hist_write_hgrm(h, stdout, 0, 1.0) == -EINVAL, "ticks 0");
	CHECK(hist_write_hgrm(h, stdout, 5, 0.0) == -EINVAL, "scale 0");
	hist_free(h);
	hist_free(r);
}

static void test_hgrm_empty(void)
{
	static const char want[] =
		"       Value   Percentile   TotalCount 1/(1-Percentile)\n\n"
		"#[Mean    =        0.000, StdDeviation   =        0.000]\n"
		"#[Max     =        0.000, Total count    =            0]\n"
		"#[Buckets =           24, SubBuckets     =         2048]\n";
	struct hist *h;
	char *text;

	if (hist_init(1, TEN_S, 3, &h)) {
		CHECK(0, "init");
		return;
	}
	hist_record(h, TEN_S + 1);	/* overflow only: still empty */
	text = write_hgrm(h, 5, 1000.0);
	CHECK(text && strcmp(text, want) == 0, "empty .hgrm:\n%s",
	      text ? text : "");
	free(text);
	hist_free(h);
}

int main(void)
{
	test_config();
	test_edges();
	test_hdr_reference();
	test_uniform();
	test_out_of_range();
	test_merge();
	test_shared_fork();
	test_hgrm();
	test_hgrm_empty();
	return check_summary("test_hist");
}
