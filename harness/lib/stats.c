/*
 * stats.c - statistics across repetitions: median and range, Student's t
 * confidence interval, Welch's t-test.
 *
 * Student's t distribution is computed from the regularised incomplete beta
 * function, evaluated by its continued fraction (modified Lentz method);
 * quantiles by bisection on the CDF.  Accuracy is far beyond what a handful
 * of benchmark repetitions can use.  This module knows nothing of cases,
 * transports or files.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define CF_MAX_TERMS 300
#define CF_EPS 1e-14
#define CF_TINY 1e-300

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void stats_describe(const double *v, size_t n, struct stats *out)
{
	double sum = 0.0, ss = 0.0, *s;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->median = out->min = out->max = out->mean = out->sd = NAN;
	out->ci_lo = out->ci_hi = out->ci_rel = NAN;
	if (!n || !(s = malloc(n * sizeof(*s))))
		return;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	out->min = s[0];
	out->max = s[n - 1];
	out->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	out->mean = sum / (double)n;
	free(s);
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - out->mean) * (v[i] - out->mean);
	out->sd = sqrt(ss / (double)(n - 1));
	{
		double half = stats_t_quantile(0.975, (double)(n - 1)) *
			      out->sd / sqrt((double)n);

		out->ci_lo = out->mean - half;
		out->ci_hi = out->mean + half;
		out->ci_rel = out->mean != 0.0 ? half / fabs(out->mean) :
						 (half > 0.0 ? INFINITY : 0.0);
		out->noisy = out->ci_rel > STATS_NOISY_REL;
	}
}

/* One step of the modified Lentz method: the factor it applies to h. */
static double lentz_step(double num, double *c, double *d)
{
	*d = 1.0 + num * *d;
	*c = 1.0 + num / *c;
	if (fabs(*d) < CF_TINY)
		*d = CF_TINY;
	if (fabs(*c) < CF_TINY)
		*c = CF_TINY;
	*d = 1.0 / *d;
	return *d * *c;
}

/* Continued fraction of the incomplete beta function (Lentz). */
static double beta_cf(double a, double b, double x)
{
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;

	if (fabs(d) < CF_TINY)
		d = CF_TINY;
	d = 1.0 / d;
	h = d;
	for (int m = 1; m <= CF_MAX_TERMS; m++) {
		double m2 = 2.0 * m, delta;

		/* even step, then odd step */
		h *= lentz_step(m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
				&c, &d);
		delta = lentz_step(-(a + m) * (a + b + m) * x /
				   ((a + m2) * (a + m2 + 1.0)), &c, &d);
		h *= delta;
		if (fabs(delta - 1.0) < CF_EPS)
			break;
	}
	return h;
}

/* Regularised incomplete beta function I_x(a, b), 0 <= x <= 1. */
static double beta_inc(double a, double b, double x)
{
	double front;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		    b * log1p(-x));
	/* The fraction converges fast on this side of the mean of B(a, b). */
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double stats_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || !(df > 0.0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1.0 : 0.0;
	/* P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2) */
	tail = beta_inc(df / 2.0, 0.5, df / (df + t * t));
	return t > 0 ? 1.0 - tail / 2.0 : tail / 2.0;
}

double stats_t_quantile(double q, double df)
{
	double lo = -1e3, hi = 1e3;

	if (!(q > 0.0 && q < 1.0) || !(df > 0.0))
		return NAN;
	for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
		double mid = (lo + hi) / 2.0;

		if (stats_t_cdf(mid, df) < q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2.0;
}

double stats_welch_p(const struct stats *a, const struct stats *b)
{
	double va, vb, se2, t, df;

	if (a->n < 2 || b->n < 2)
		return NAN;
	va = a->sd * a->sd / (double)a->n;
	vb = b->sd * b->sd / (double)b->n;
	se2 = va + vb;
	if (se2 == 0.0)
		return a->mean == b->mean ? 1.0 : 0.0;
	t = (a->mean - b->mean) / sqrt(se2);
	/* Welch-Satterthwaite degrees of freedom */
	df = se2 * se2 / (va * va / (double)(a->n - 1) +
			  vb * vb / (double)(b->n - 1));
	return 2.0 * stats_t_cdf(-fabs(t), df);
}
