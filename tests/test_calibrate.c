/*
 * test_calibrate.c - calib_run() and calib_print() by behaviour, never by
 * speed: every figure it can measure here is finite and positive, the
 * cross-cpu ones are NAN (and said to be) with one CPU, a child that cannot
 * start fails its figure without hanging the rest, the caller's affinity
 * comes back, no child process is left behind, and the command line takes
 * `calibrate` with no flags but --help.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "calibrate.h"
#include "check.h"
#include "cli.h"

#define BUDGET_MS 300

static bool is_cross(const struct calib_field *f)
{
	return f->where == CALIB_CROSS_CPU;
}

static void check_no_child(const char *when)
{
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	      "a child is left after %s", when);
}

static void check_fields_named(void)
{
	unsigned n = 0;

	for (const struct calib_field *f = calib_fields; f->key; f++, n++) {
		size_t len = strlen(f->key);
		bool ns = len > 3 && strcmp(f->key + len - 3, "_ns") == 0;
		bool bps = len > 14 &&
			   strcmp(f->key + len - 14, "_bytes_per_sec") == 0;

		CHECK(ns == (f->unit == CALIB_NS) &&
		      bps == (f->unit == CALIB_BYTES_PER_SEC),
		      "key %s does not name its unit", f->key);
		CHECK(f->off + sizeof(double) <= sizeof(struct calib) &&
		      f->off % sizeof(double) == 0, "offset of %s", f->key);
		CHECK(f->label && *f->label && f->what && *f->what,
		      "%s has a label and a meaning", f->key);
		for (const struct calib_field *g = calib_fields; g != f; g++)
			CHECK(strcmp(g->key, f->key) && g->off != f->off,
			      "%s twice", f->key);
	}
	CHECK(n >= 9, "only %u figures", n);
}

/* Every figure is measured (finite, > 0) unless it is cross-cpu and
 * cross_ok is false, when it must be NAN. */
static void check_figures(const struct calib *c, bool cross_ok,
			  const char *what)
{
	for (const struct calib_field *f = calib_fields; f->key; f++) {
		double v = calib_get(c, f);

		if (is_cross(f) && !cross_ok)
			CHECK(isnan(v), "%s: %s = %g, want NAN", what, f->key, v);
		else
			CHECK(isfinite(v) && v > 0, "%s: %s = %g, want > 0",
			      what, f->key, v);
	}
	CHECK(c->batches >= 3 && c->batches % 2 == 1, "%s: %u batches", what,
	      c->batches);
}

/* `ipcbench calibrate` takes no flags but --help. */
static void check_cli(void)
{
	char *ok[] = { "ipcbench", "calibrate", NULL };
	char *help[] = { "ipcbench", "calibrate", "--help", NULL };
	char *flag[] = { "ipcbench", "calibrate", "-q", NULL };
	char *arg[] = { "ipcbench", "calibrate", "x.yaml", NULL };
	char *typo[] = { "ipcbench", "calibrat", NULL };
	char err[CONFIG_ERR_LEN];
	struct cli c;

	CHECK(cli_parse(2, ok, &c, err, sizeof(err)) == 0 &&
	      c.cmd == cli_find("calibrate"), "calibrate: %s", err);
	CHECK(cli_parse(3, help, &c, err, sizeof(err)) == 0 &&
	      c.cmd == cli_find("help"), "calibrate --help");
	CHECK(cli_parse(3, flag, &c, err, sizeof(err)) == -EINVAL,
	      "calibrate -q");
	CHECK_STR_CONTAINS(err, "takes no flags");
	CHECK(cli_parse(3, arg, &c, err, sizeof(err)) == -EINVAL,
	      "calibrate x.yaml");
	CHECK(cli_parse(2, typo, &c, err, sizeof(err)) == -EINVAL, "calibrat");
	CHECK_STR_CONTAINS(err, "calibrate");
}

static char *print_to_string(const struct calib *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	calib_print(f, c);
	fclose(f);
	return text;
}

/* A CPU this process may not run on, or -1 when it may run on all. */
static int forbidden_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (int i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, &set))
			return i;
	}
	return -1;
}

int main(void)
{
	struct cpu_pair cpus, one, bad;
	cpu_set_t before, after;
	struct calib c;
	char *text;
	int ret, nope;

	check_fields_named();
	check_cli();
	CHECK(runner_pick_cpus(&cpus) == 0, "runner_pick_cpus");
	CHECK(sched_getaffinity(0, sizeof(before), &before) == 0,
	      "sched_getaffinity");

	/* The CPUs ipcbench uses: all figures, or all but cross-cpu. */
	ret = calib_run(&cpus, BUDGET_MS, &c);
	CHECK(ret == 0, "calib_run: %s", strerror(-ret));
	CHECK(c.cpu_a == cpus.a && c.cpu_b == cpus.b, "CPUs recorded");
	check_figures(&c, cpus.b >= 0, "default CPUs");
	check_no_child("calib_run");
	CHECK(sched_getaffinity(0, sizeof(after), &after) == 0 &&
	      CPU_EQUAL(&before, &after), "affinity restored");
	text = print_to_string(&c);
	CHECK(text != NULL, "open_memstream");
	for (const struct calib_field *f = calib_fields; text && f->key; f++)
		CHECK_STR_CONTAINS(text, f->label);
	CHECK_STR_CONTAINS(text, "round trip");
	CHECK_STR_CONTAINS(text, " ns ");
	CHECK_STR_CONTAINS(text, "GB/s");
	CHECK_STR_CONTAINS(text, "same-cpu");
	CHECK_STR_CONTAINS(text, "spin round trip, same-cpu: not measured");
	if (cpus.b >= 0)
		CHECK_STR_CONTAINS(text, "cross-cpu");
	free(text);

	/* One CPU: cross-cpu figures are NAN and say why; not an error. */
	one = (struct cpu_pair){ .a = cpus.a, .b = -1 };
	ret = calib_run(&one, BUDGET_MS, &c);
	CHECK(ret == 0, "calib_run on one CPU: %s", strerror(-ret));
	check_figures(&c, false, "one CPU");
	check_no_child("calib_run on one CPU");
	text = print_to_string(&c);
	CHECK_STR_CONTAINS(text, "not measured: this process may run on one CPU only");
	free(text);

	/* A child that cannot start (its CPU is forbidden) fails the
	 * cross-cpu figures with its reason, bounded, and is reaped. */
	nope = forbidden_cpu();
	if (nope >= 0) {
		bad = (struct cpu_pair){ .a = cpus.a, .b = nope };
		ret = calib_run(&bad, BUDGET_MS, &c);
		CHECK(ret == -EINVAL, "child on forbidden CPU %d: %d, want -EINVAL",
		      nope, ret);
		CHECK(isnan(c.spin_rtt_cross_ns) && isnan(c.futex_rtt_cross_ns),
		      "cross-cpu figures NAN");
		CHECK(isfinite(c.futex_rtt_same_ns) && c.futex_rtt_same_ns > 0,
		      "same-cpu figure still measured");
		check_no_child("a child on a forbidden CPU");
		text = print_to_string(&c);
		CHECK_STR_CONTAINS(text, "not measured, it failed: spin round trip, cross-cpu: a process cannot be pinned to that CPU");
		free(text);

		/* The caller itself on a forbidden CPU: nothing measured. */
		bad = (struct cpu_pair){ .a = nope, .b = -1 };
		ret = calib_run(&bad, BUDGET_MS, &c);
		CHECK(ret == -EINVAL, "caller on forbidden CPU %d: %d", nope,
		      ret);
		CHECK(isnan(c.clock_read_ns), "nothing measured");
		CHECK_STR_CONTAINS(c.err, "cannot pin this process to CPU");
	}
	CHECK(sched_getaffinity(0, sizeof(after), &after) == 0 &&
	      CPU_EQUAL(&before, &after), "affinity restored at the end");
	check_no_child("every run");
	return check_summary("calibrate");
}
