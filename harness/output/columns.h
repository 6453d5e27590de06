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

struct case_spec;
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
	/* The field of view v as text into buf, in its CSV spelling ("" when
	 * it has no value).  Most columns share a getter that reads the
	 * member at offset off (and sub, inside a struct stats) and prints a
	 * real with prec decimals. */
	void (*get)(const struct column *col, const struct view *v, char *buf,
		    size_t len);
	size_t off, sub;
	int prec;
};

/* Every column, in the order of summary.csv; ends with name == NULL. */
extern const struct column columns[];

/* The column called name, or NULL. */
const struct column *column_find(const char *name);

/* Whether column c is a field of summary.csv (else of repetitions.csv);
 * both hold every case and figure column. */
bool column_in_summary(const struct column *c);
bool column_in_repetitions(const struct column *c);
/* Whether c is a field of each repetition in results.json's "runs". */
bool column_in_run(const struct column *c);

/* The column that is case c's headline figure: msgs_per_sec for an
 * unpaced stream, else p50_ns (workload.h, wl_rate_headline). */
const struct column *column_headline(const struct case_spec *c);

/*
 * Write the fields of view v for the columns of one file, in table order:
 * as a CSV row (with its newline), or as the members of a JSON object
 * ("name": value, comma-separated, without braces), each typed by its
 * kind (see column_put_json).  in says which columns belong to the file.
 */
void columns_put_csv(FILE *f, const struct view *v,
		     bool (*in)(const struct column *));
void columns_put_json(FILE *f, const struct view *v,
		      bool (*in)(const struct column *));
/* The CSV header of the same columns. */
void columns_put_header(FILE *f, bool (*in)(const struct column *));

/*
 * A field's CSV text as the JSON value its column's kind says: a number
 * column's text as written (null when empty or not a number), a flag
 * true/false/null, the options "k=v k=v" an object of strings, anything
 * else (and any field of a column this ipcbench does not know, col NULL)
 * a string.
 */
void column_put_json(FILE *f, const struct column *col, const char *text);

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
