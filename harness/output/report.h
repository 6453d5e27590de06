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

#include "config.h"
#include "env.h"
#include "format.h"
#include "plan.h"
#include "runner.h"

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

/* Print every recorded case to f in the given format. */
void report_print(const struct report *rp, FILE *f, enum output_format fmt);

/* Mark the run complete (or interrupted) in results.json and free rp. */
int report_close(struct report *rp, bool interrupted);

/* Directory of the run ("results/20261122-010203-host"). */
const char *report_dir(const struct report *rp);

#endif
