/*
 * report.h - results as files and as a table: summary.csv, results.json,
 * hgrm/<case>.hgrm, and the terminal table.
 *
 * Files are written as each repetition of a case finishes: summary.csv and
 * results.json are rewritten whole through a temporary file and rename(),
 * repetitions.csv (with several repetitions) is appended and flushed, the
 * case's merged .hgrm is rewritten, so an interrupted run leaves valid
 * files holding every finished repetition.
 *
 * Conventions: functions return 0 or -errno; report_open() writes a one-line
 * reason into err.
 */
#ifndef IPCBENCH_REPORT_H
#define IPCBENCH_REPORT_H

#include <stdio.h>

#include "calibrate.h"
#include "config.h"
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
	double sample_overhead_ns;	/* clock read + histogram add */
	struct calib calib;		/* a short calibration at the start */
	int calib_err;			/* calib_run()'s result */
	char warnings[512];		/* "; "-separated, "" when none */
};

/* A short calibration: enough for the floors of the table, ~0.4 s. */
#define ENV_CALIB_BUDGET_MS 400

/* Fill e from uname, /proc and /sys, the build, and a short calibration. */
void env_collect(struct env *e, const struct cpu_pair *cpus);

struct report;

/*
 * Create dir (and its parents), its hgrm/ subdirectory and summary.csv with
 * its header.  dir must not exist when fresh, else it may be an empty
 * directory.  err names the problem; -EEXIST when dir is taken.  0 or -errno.
 */
int report_open(const char *dir, bool fresh, const struct suite *s,
		const struct env *e, struct report **out, char *err,
		size_t len);

/*
 * Record repetition rep (1-based) of case c: update the case's aggregate,
 * append to repetitions.csv, rewrite its merged .hgrm, summary.csv and
 * results.json.  0 or -errno (the case stays in memory for the table).
 */
int report_case(struct report *rp, const struct case_spec *c, unsigned rep,
		const struct case_result *r);

/* One progress line for the repetition of c just recorded:
 * "[rep 2/5] [ 3/84] pipe pingpong ...". */
void report_progress(FILE *f, const struct report *rp,
		     const struct case_spec *c, unsigned total);

enum report_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

/* Print every recorded case to f in the given format. */
void report_print(const struct report *rp, FILE *f, enum report_format fmt);

/* Mark the run complete (or interrupted) in results.json and free rp. */
int report_close(struct report *rp, bool interrupted);

/* Directory of the run ("results/20261122-010203-host"). */
const char *report_dir(const struct report *rp);

#endif
