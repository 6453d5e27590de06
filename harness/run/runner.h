/*
 * runner.h - the supervisor that runs one benchmark case (plan.h says
 * what a case is) in two fresh child processes, and what came of it.
 *
 * Conventions: functions return 0 or -errno; a case's outcome (ok, skipped,
 * failed, with its reason) is data in struct case_result, not an error.
 */
#ifndef IPCBENCH_RUNNER_H
#define IPCBENCH_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "plan.h"
#include "transport.h"
#include "workload.h"

enum case_status {
	CASE_OK = 0,
	CASE_SKIPPED,
	CASE_FAILED,
};

/* What happened: filled by runner_run_case(). */
struct case_result {
	enum case_status status;
	char reason[512];		/* why skipped or failed */
	bool interrupted;		/* SIGINT/SIGTERM arrived during it */
	int cpu[2];			/* CPUs asked for, -1 unpinned */
	enum wait_mode wait;		/* as the transport declares it */
	char info[128];			/* what the kernel granted */
	struct side_result side[2];	/* by enum side */
	struct hist *hist;		/* the workload's timer side; owned */
	struct hist *hist_uncorrected;		/* paced: latency from the actual send
					 * (coordinated omission uncorrected);
					 * owned, NULL when not paced */
	int64_t span_ns;		/* timed span of the timer side */
	uint64_t messages;		/* one-way messages delivered in it */
	double msgs_per_sec;
	double bytes_per_sec;
};

/* The CPUs cases are pinned to; from the process's affinity mask. */
struct cpu_pair {
	int a, b;			/* b == -1 when only one CPU is allowed */
};

/* Pick the CPUs for same-cpu (a) and cross-cpu (a, b).  0 or -errno. */
int runner_pick_cpus(struct cpu_pair *cpus);

/*
 * Run one case: check, make its private directory, setup, fork and pin
 * client and server, release them together, enforce timeout_s, reap them
 * (proc.h; its proc_init() must be in force for Ctrl-C to reach the run),
 * collect their results, teardown, remove the directory.  Never fails as a
 * function: every outcome is in *r (r->hist and r->hist_uncorrected must be
 * hist_free()d).
 */
void runner_run_case(const struct case_spec *c, const struct cpu_pair *cpus,
		     uint64_t timeout_s, struct case_result *r);

/*
 * A name stem for named objects, "ipcbench.<pid>.<6 random letters>":
 * unpredictable, and owned by this pid, so `ipcbench clean` knows whose it
 * is.  len >= 40.
 */
void runner_make_tag(char *buf, size_t len);

/* mkdtemp a private 0700 directory "$TMPDIR/<tag>.XXXXXX" into dir.
 * 0 or -errno. */
int runner_private_dir(const char *tag, char *dir, size_t len);

/*
 * Cost of recording one sample (a clock read and a histogram add), in ns,
 * measured here over n samples: the harness's own overhead.
 */
double runner_sample_overhead_ns(unsigned n);

#endif
