/*
 * format.h - the output formats a command can print in (-f/--format):
 * the terminal table, CSV or JSON.  Which command takes which is the
 * command table's business (cli.c); this is only the vocabulary.
 */
#ifndef IPCBENCH_FORMAT_H
#define IPCBENCH_FORMAT_H

enum output_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

/* "table", "csv", "json"; implemented in util.c. */
const char *format_name(enum output_format f);
/* The format called name, or -1. */
int format_parse(const char *name);

#endif
