/*
 * columns.h - the results schema: every column of summary.csv and
 * repetitions.csv, which are also the keys of a case in results.json, with
 * its unit, its type and what it means.
 *
 * This table is the one place a column is written down.  The writers
 * (report.c, report_json.c) produce the CSV header, every CSV row and the
 * JSON keys of a case from it; the reader (rundir.c) types the fields it
 * reads back by it; `ipcbench list --columns` prints it.  A column added
 * here appears everywhere at once; a test checks that the files hold
 * exactly these columns.
 *
 * Conventions: the table ends with name == NULL; lookups return NULL when
 * there is no such column.
 */
#ifndef IPCBENCH_COLUMNS_H
#define IPCBENCH_COLUMNS_H

#include <stdbool.h>
#include <stdio.h>

#include "format.h"

struct view;

/* What a field holds, as text in CSV and as a value in JSON. */
enum column_kind {
	COL_TEXT,		/* a string; "" when there is none */
	COL_INT,		/* an integer; "" / null when there is none */
	COL_REAL,		/* a number; "" / null when it does not exist */
	COL_FLAG,		/* "yes" / "no" ("" unknown); JSON true/false/null */
	COL_OPTIONS,		/* "k=v k=v" in CSV; an object in JSON */
};

/* Where a column appears. */
enum column_scope {
	COL_CASE,		/* what the case is: the same in every
				 * repetition (both CSV files, JSON case) */
	COL_FIGURE,		/* what was measured: per repetition in
				 * repetitions.csv and the JSON runs, across
				 * repetitions in summary.csv and the case */
	COL_SPREAD,		/* across repetitions only: summary.csv and
				 * the JSON case */
	COL_REPETITION,		/* which repetition: repetitions.csv and
				 * the JSON runs only */
};

/* How a figure compares: which way is better, for the headline. */
enum column_better {
	BETTER_NONE = 0,
	BETTER_LOWER,		/* a latency */
	BETTER_HIGHER,		/* a rate */
};

struct column {
	const char *name;		/* CSV column and JSON key */
	const char *unit;		/* "ns", "msgs/s", ... ; "" none */
	enum column_kind kind;
	enum column_scope scope;
	enum column_better better;	/* for figures that can be a headline */
	const char *meaning;		/* one line, for list --columns */
	/* The field of view v as text into buf (CSV spelling; "" when it
	 * has no value).  NULL for `repetition` and `id`, which the writers
	 * place themselves (first and last). */
	void (*get)(const struct view *v, char *buf, size_t len);
};

/* Every column, in the order of summary.csv; ends with name == NULL. */
extern const struct column columns[];

/* The column called name, or NULL. */
const struct column *column_find(const char *name);

/* "text", "int", "real", "flag", "options". */
const char *column_kind_name(enum column_kind k);
/* "case", "figure", "spread", "repetition". */
const char *column_scope_name(enum column_scope s);

/*
 * `ipcbench list --columns`: the schema for people (FORMAT_TABLE) or as
 * JSON (FORMAT_JSON: {"format": ..., "columns": [{name, unit, kind,
 * scope, better, meaning}]}).  FORMAT_CSV prints one row per column.
 */
void columns_print(FILE *f, enum output_format fmt);

#endif
