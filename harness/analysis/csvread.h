/*
 * csvread.h - read ipcbench's own CSV files (summary.csv, repetitions.csv)
 * back, by column name.
 *
 * The dialect is the one report.c writes, which is RFC 4180's: comma
 * separated, one record a line, a field quoted when it holds a comma, a
 * double quote or a line break, "" for a quote inside quotes.  The first
 * record names the columns; callers look columns up by name, so they do
 * not depend on the order and ignore columns they do not know.  Reading is
 * strict: a record with another number of fields than the header, an
 * unterminated quote, text after a closing quote, a duplicate or empty
 * column name are errors that name the file and the line.  It is not a
 * general CSV library: no other separator, no comments, no type guessing.
 *
 * Conventions: functions that act return 0 or -errno and write a one-line
 * reason into err; a struct csv is freed with csv_free().
 */
#ifndef IPCBENCH_CSVREAD_H
#define IPCBENCH_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct csv {
	char *name;		/* file name, as given, for messages */
	char *text;		/* the fields, unquoted, NUL-terminated */
	char **cell;		/* n_rows * n_cols pointers into text */
	unsigned *line;		/* 1-based line each data row starts on */
	char **col;		/* the header's names */
	unsigned n_cols, n_rows;
};

/*
 * Parse len bytes of text (a copy is kept; text need not be terminated).
 * name is used in messages only.  0, -EINVAL for malformed input (err:
 * "summary.csv:7: 12 fields, the header has 13"), or -ENOMEM.
 */
int csv_parse(const char *name, const char *text, size_t len,
	      struct csv **out, char *err, size_t errlen);

/* Read and parse the file at path; -errno of the open or read too. */
int csv_read(const char *path, struct csv **out, char *err, size_t errlen);

void csv_free(struct csv *c);

/* Index of the column called name, or -1. */
int csv_col(const struct csv *c, const char *name);

/* Row r's field in column name; NULL when there is no such column. */
const char *csv_get(const struct csv *c, unsigned r, const char *name);

/*
 * Row r's field in column name as a number: false when the column is
 * missing, the field empty, or not entirely a number.
 */
bool csv_get_num(const struct csv *c, unsigned r, const char *name,
		 double *out);

/* Write s as one field, quoted when it must be, then ',' or '\n' (last).
 * A line break inside becomes a space: our files keep one record a line. */
void csv_put_field(FILE *f, const char *s, bool last);

#endif
