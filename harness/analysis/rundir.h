/*
 * rundir.h - a finished (or interrupted) run read back from its results
 * directory, for the commands that judge runs: compare and claims.
 *
 * This is the one reader of a results directory: compare, claims,
 * explain --results and `ipcbench show` (and through it scripts/charts)
 * read runs only through it.  A run is its summary.csv (one row per case,
 * required), its repetitions.csv (one row per repetition, present when the
 * run had several), its results.json (environment, suite; parsed whole
 * with json-c) and hgrm/<id>.hgrm.  Each case is a row of summary.csv; its
 * figures per repetition come from repetitions.csv when it has rows of the
 * case, else from the summary row itself, as one value.  Columns are
 * looked up by name and typed by the schema (columns.h), so newer files
 * with more columns read alike; a file without a column the readers need
 * (an older ipcbench's) is refused with a message naming the column.
 * Nothing here measures or writes.
 *
 * Conventions: rundir_open() returns 0 or -errno with a one-line reason
 * naming the file; lookups return NULL or a count.
 */
#ifndef IPCBENCH_RUNDIR_H
#define IPCBENCH_RUNDIR_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "csvread.h"
#include "stats.h"

struct json_object;

struct rundir_case {
	unsigned row;			/* of summary.csv */
	const char *id, *transport, *workload, *placement, *wait;
	const char *status, *reason;
	uint64_t size, rate, stall_ms;
	bool ok;			/* status "ok" */
	/* The headline figure, as the run recorded it (columns.h). */
	const char *headline;		/* a column: "msgs_per_sec", "p50_ns" */
	bool higher_is_better;		/* headline_better is "higher" */
	unsigned *rep_rows;		/* its ok rows of repetitions.csv */
	unsigned n_rep_rows;
};

struct rundir {
	char path[PATH_MAX];
	struct csv *summary;
	struct csv *reps;		/* NULL without repetitions.csv */
	struct rundir_case *cases;	/* in summary order */
	unsigned n_cases;
	char host[64], cpu_model[128], kernel[200];
	struct json_object *json;	/* results.json, or NULL when missing
					 * (json_err says why) */
	char json_err[PATH_MAX + 256];
};

/*
 * Read the results directory dir.  Errors (err names the path): -ENOENT
 * or -ENOTDIR for a missing directory or summary.csv, -EINVAL for a
 * malformed file (results.json included) or one lacking a required
 * column.  A missing results.json only leaves rd->json NULL and the
 * environment strings empty (rd->json_err says why).
 */
int rundir_open(const char *dir, struct rundir **out, char *err,
		size_t len);

void rundir_close(struct rundir *rd);

/* The case with this id, or NULL. */
const struct rundir_case *rundir_find(const struct rundir *rd,
				      const char *id);

/*
 * Column of case c in each of its ok repetitions, described (median,
 * spread, n).  n is 0 when the case has no value there; rows whose field
 * is empty or not a number are left out.  -ENOMEM, else 0.
 */
int rundir_stats(const struct rundir *rd, const struct rundir_case *c,
		 const char *column, struct stats *st);

/* A field of the case's summary row ("" when the column is missing). */
const char *rundir_text(const struct rundir *rd, const struct rundir_case *c,
			const char *column);

/* A number of the case's summary row (the figure across repetitions). */
bool rundir_num(const struct rundir *rd, const struct rundir_case *c,
		const char *column, double *out);

/*
 * The percentile distribution of case c from hgrm/<id><suffix>.hgrm
 * (suffix "" or ".uncorrected"): for each line, value (us), percentile
 * (0..1), total count and 1/(1-percentile) (INFINITY for the last), into
 * a malloc'ed array of 4 * *n doubles in *out.  -ENOENT when the file is
 * missing (then *n = 0), -EINVAL with err when a line is malformed,
 * -ENOMEM.
 */
int rundir_hgrm(const struct rundir *rd, const struct rundir_case *c,
		const char *suffix, double **out, unsigned *n, char *err,
		size_t len);

#endif
