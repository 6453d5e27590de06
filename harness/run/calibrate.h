/*
 * calibrate.h - the floors under every figure ipcbench reports, measured on
 * the CPUs the cases use: what a clock read, a sample, a syscall, a cache
 * line hand-off, a futex hand-off and a memcpy cost here, now.
 *
 * A result is a flat struct of doubles, each named by calib_fields[] with
 * its unit in the key, so it prints as a table and stores as JSON without
 * knowing the members one by one.  A figure that cannot be measured here
 * (cross-cpu with one CPU) or whose measurement failed is NAN.
 *
 * Conventions: calib_run() returns 0 or -errno; it never leaves a child
 * process or a named object behind.
 */
#ifndef IPCBENCH_CALIBRATE_H
#define IPCBENCH_CALIBRATE_H

#include <stddef.h>
#include <stdio.h>

#include "runner.h"

/* Default budget of `ipcbench calibrate`: a few seconds. */
#define CALIB_DEFAULT_BUDGET_MS 3000

struct calib {
	int cpu_a, cpu_b;		/* as runner_pick_cpus(); b -1: one CPU */
	unsigned budget_ms;		/* what calib_run() was given */
	unsigned batches;		/* each figure: median of this many */
	double clock_read_ns;		/* one now_ns(), CPU a */
	double clock_resolution_ns;	/* least nonzero step seen, CPU a */
	double sample_overhead_ns;	/* runner_sample_overhead_ns(), CPU a */
	double syscall_ns;		/* syscall(SYS_getppid), CPU a */
	double spin_rtt_cross_ns;	/* cache-line ping-pong, a <-> b */
	double futex_rtt_same_ns;	/* futex ping-pong, both on a */
	double futex_rtt_cross_ns;	/* futex ping-pong, a <-> b */
	double memcpy_64k_bytes_per_sec;	/* one core, CPU a */
	double memcpy_1m_bytes_per_sec;
	char err[160];			/* first failure in words, "" none */
};

enum calib_unit { CALIB_NS, CALIB_BYTES_PER_SEC };

/* Where a figure was measured. */
enum calib_where {
	CALIB_ONE_CPU,		/* one process on CPU a */
	CALIB_SAME_CPU,		/* two processes, both on CPU a */
	CALIB_CROSS_CPU,	/* two processes, on CPU a and CPU b */
};

/* One figure of struct calib: its key (unit in the name), label, meaning. */
struct calib_field {
	const char *key;		/* "futex_rtt_cross_ns": JSON and CSV */
	const char *label;		/* "futex round trip" */
	enum calib_unit unit;
	enum calib_where where;
	const char *what;		/* one line: what it is a floor of */
	size_t off;			/* offsetof(struct calib, <key>) */
};

/* Every double of struct calib, in print order; ends with key == NULL. */
extern const struct calib_field calib_fields[];

/* The value of field f in c. */
double calib_get(const struct calib *c, const struct calib_field *f);

/*
 * Measure every figure into *out, spending about budget_ms in total (at
 * least 100), each the median of out->batches short batches so that a noisy
 * moment does not dominate.  The caller is pinned to cpus->a while it runs
 * and gets its own affinity back.  Ping-pongs run between the caller and a
 * forked child pinned to cpus->a or cpus->b; every wait on either side ends
 * at a deadline, the child dies with its parent (PR_SET_PDEATHSIG) and is
 * always reaped.  Returns 0, -EINVAL when cpus->a is not allowed, or the
 * first failure of a ping-pong (-ETIMEDOUT, -ECHILD when the child died, the
 * child's -errno), described in out->err; figures that failed are NAN and
 * the others are still measured.
 */
int calib_run(const struct cpu_pair *cpus, unsigned budget_ms,
	      struct calib *out);

/* Print c for people: each figure with its unit, CPUs and meaning. */
void calib_print(FILE *f, const struct calib *c);

#endif
