/*
 * test_stats.c - statistics across repetitions against known values:
 * Student's t quantiles from printed tables, a hand-worked confidence
 * interval, and Welch's test on sets that do and do not differ.
 */
#include <math.h>

#include "check.h"
#include "stats.h"

#define CHECK_NEAR(got, want, tol)                                           \
	do {                                                                 \
		double g_ = (got), w_ = (want);                              \
		CHECK(fabs(g_ - w_) <= (tol), "%s = %.9g, want %.9g",        \
		      #got, g_, w_);                                         \
	} while (0)

static void test_t_distribution(void)
{
	/* two-sided 95% critical values, as printed in any t table */
	static const struct { double df, t; } table[] = {
		{ 1, 12.7062 }, { 2, 4.3027 }, { 4, 2.7764 }, { 9, 2.2622 },
		{ 10, 2.2281 }, { 30, 2.0423 }, { 1000, 1.9623 },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		CHECK_NEAR(stats_t_quantile(0.975, table[i].df), table[i].t,
			   5e-4);
	CHECK_NEAR(stats_t_cdf(0.0, 3), 0.5, 1e-12);
	/* df = 1 is the Cauchy distribution: P(T <= 1) = 3/4 */
	CHECK_NEAR(stats_t_cdf(1.0, 1), 0.75, 1e-9);
	CHECK_NEAR(stats_t_cdf(-1.0, 1), 0.25, 1e-9);
	/* df = 2 has a closed form: 1/2 + t / (2 sqrt(2 + t^2)) */
	CHECK_NEAR(stats_t_cdf(1.5, 2), 0.5 + 1.5 / (2 * sqrt(2 + 2.25)), 1e-9);
	CHECK_NEAR(stats_t_quantile(0.5, 7), 0.0, 1e-6);
	CHECK(isnan(stats_t_quantile(1.0, 3)), "q = 1 has no quantile");
	CHECK(isnan(stats_t_cdf(1.0, 0)), "df = 0 is not a distribution");
}

static void test_describe(void)
{
	const double v[] = { 5, 1, 4, 2, 3 };
	const double even[] = { 10, 40, 20, 30 };
	const double flat[] = { 7, 7, 7 };
	struct stats s;

	stats_describe(v, 5, &s);
	CHECK_EQ_U64(s.n, 5);
	CHECK_NEAR(s.median, 3, 0);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 5, 0);
	CHECK_NEAR(s.mean, 3, 1e-12);
	CHECK_NEAR(s.sd, sqrt(2.5), 1e-12);
	/* 3 -+ t(0.975, 4) * sqrt(2.5) / sqrt(5) */
	CHECK_NEAR(s.ci_lo, 3 - 2.776445 * sqrt(0.5), 1e-5);
	CHECK_NEAR(s.ci_hi, 3 + 2.776445 * sqrt(0.5), 1e-5);
	CHECK(s.noisy, "a spread of 1..5 around 3 is noisy");
	CHECK_NEAR(v[0], 5, 0);		/* the input is not reordered */

	stats_describe(even, 4, &s);
	CHECK_NEAR(s.median, 25, 0);

	stats_describe(flat, 3, &s);
	CHECK_NEAR(s.ci_lo, 7, 0);
	CHECK_NEAR(s.ci_hi, 7, 0);
	CHECK(!s.noisy, "identical repetitions are not noisy");

	stats_describe(v, 1, &s);
	CHECK_NEAR(s.median, 5, 0);
	CHECK(isnan(s.ci_lo) && isnan(s.sd) && !s.noisy,
	      "one repetition has no interval and no noise verdict");

	stats_describe(v, 0, &s);
	CHECK(s.n == 0 && isnan(s.median), "no repetitions: NAN");
}

static void test_welch(void)
{
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
	const double c[] = { 1.1, 2.1, 2.9, 4.2, 4.9 };
	const double k1[] = { 3, 3 }, k2[] = { 4, 4 };
	struct stats sa, sb, sc, s1, s2;

	stats_describe(a, 5, &sa);
	stats_describe(b, 5, &sb);
	stats_describe(c, 5, &sc);
	/* t = -5 with 8 degrees of freedom: p = 0.001052... */
	CHECK_NEAR(stats_welch_p(&sa, &sb), 0.0010528, 2e-6);
	CHECK(stats_welch_p(&sa, &sc) > 0.9, "nearly equal sets: p = %g",
	      stats_welch_p(&sa, &sc));
	CHECK_NEAR(stats_welch_p(&sa, &sb), stats_welch_p(&sb, &sa), 1e-15);
	stats_describe(k1, 2, &s1);
	stats_describe(k2, 2, &s2);
	CHECK_NEAR(stats_welch_p(&s1, &s2), 0, 0);
	CHECK_NEAR(stats_welch_p(&s1, &s1), 1, 0);
	stats_describe(a, 1, &s1);
	CHECK(isnan(stats_welch_p(&s1, &sb)), "one repetition: no test");
}

int main(void)
{
	test_t_distribution();
	test_describe();
	test_welch();
	return check_summary("test_stats");
}
