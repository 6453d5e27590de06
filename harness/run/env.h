/*
 * env.h - where and on what a run happened: the machine, the kernel
 * limits that shape IPC figures, the build, and the run's own short
 * calibration.  Recorded in results.json so that a figure can be judged
 * and reproduced; env.c reads it and changes nothing on the machine.
 */
#ifndef IPCBENCH_ENV_H
#define IPCBENCH_ENV_H

#include <stdbool.h>

#include "calibrate.h"
#include "runner.h"

/* Where and on what a run happened; recorded in results.json. */
struct env {
	char time_utc[32];		/* 2026-11-22T01:02:03Z */
	char host[64];
	char kernel[200];
	char cpu_model[128];
	int cpus_online;
	int cpus_allowed;
	bool virtualized;		/* "hypervisor" CPU flag */
	char smt[16];			/* "on", "off", "unsupported", "unknown" */
	char clocksource[32];
	char governor[32];		/* or "unknown" */
	char compiler[64];
	char build_type[32];
	char build_flags[256];		/* optimisation, sanitizers, c_args */
	char version[64];		/* git describe, "-dirty" when dirty */
	bool dirty;			/* built from a tree with changes */
	long pipe_max_size;		/* -1 when unknown */
	long mq_msg_max, mq_msgsize_max;
	long rmem_max, wmem_max;
	struct cpu_pair cpus;
	double sample_overhead_ns;	/* clock read + histogram add: calib's */
	struct calib calib;		/* a short calibration at the start */
	int calib_err;			/* calib_run()'s result */
	char warnings[512];		/* "; "-separated, "" when none */
};

/* A short calibration: enough for the floors of the table, ~0.4 s. */
#define ENV_CALIB_BUDGET_MS 400

/*
 * Fill e from uname, /proc and /sys, the build, and a short calibration
 * on cpus (whose per-sample overhead is also the run's).
 */
void env_collect(struct env *e, const struct cpu_pair *cpus);

#endif
