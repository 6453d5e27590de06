/*
 * runner.h - benchmark cases: the plan that expands a suite into cases, and
 * the supervisor that runs one case in two fresh child processes.
 *
 * Conventions: functions return 0 or -errno; a case's outcome (ok, skipped,
 * failed, with its reason) is data in struct case_result, not an error.
 */
#ifndef IPCBENCH_RUNNER_H
#define IPCBENCH_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "hist.h"
#include "transport.h"
#include "workload.h"

/* One cell of the cross product: what to run. */
struct case_spec {
	unsigned index;			/* 1-based, in plan order */
	const struct run *run;
	const struct transport_ops *ops;
	const struct workload *wl;
	uint64_t size;
	enum placement placement;
	uint64_t iterations;
	uint64_t warmup;
	uint64_t rate;			/* paced workloads: messages/s, 0 none */
	uint64_t stall_ms;		/* paced workloads: one receiver stall */
	enum verify_mode verify;
	uint64_t opt[TRANSPORT_MAX_OPTS];
	char options[160];		/* "wait=spin slots=8", "" without */
	char id[224];			/* unique, file-name safe */
};

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
	bool spins;			/* the transport busy-polls */
	char info[128];			/* what the kernel granted */
	struct side_result side[2];	/* by enum side */
	struct hist *hist;		/* the workload's timer side; owned */
	struct hist *hist_raw;		/* paced: latency from the actual send
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

/*
 * Expand suite s into cases, in run order: transports x workloads x sizes x
 * placements.  *out is malloc'ed; free() it.  0 or -ENOMEM.
 */
int plan_build(const struct suite *s, struct case_spec **out, unsigned *n);

/* Pick the CPUs for same-cpu (a) and cross-cpu (a, b).  0 or -errno. */
int runner_pick_cpus(struct cpu_pair *cpus);

/*
 * Block SIGINT, SIGTERM, SIGHUP and SIGCHLD for the whole run and open the
 * signalfd the supervisor waits on, so a Ctrl-C is handled between steps
 * and never tears a results file.  0 or -errno.
 */
int runner_init(void);
void runner_fini(void);

/* A stop signal (SIGINT, SIGTERM, SIGHUP) has arrived; its number or 0. */
int runner_stop_signal(void);

/*
 * Run one case: check, make its private directory, setup, fork and pin
 * client and server, release them together, enforce timeout_s, reap them,
 * collect their results, teardown, remove the directory.  Never fails as a
 * function: every outcome is in *r (r->hist and r->hist_raw must be
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
