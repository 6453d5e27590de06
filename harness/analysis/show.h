/*
 * show.h - `ipcbench show [DIR]`: a results directory as one JSON
 * document, read through the one reader (rundir.h) and typed by the
 * schema (columns.h).  scripts/charts draws from it and reads no results
 * file of its own.
 *
 * Conventions: show_run() returns 0 or -errno with a one-line reason in
 * err; it prints nothing on failure.
 */
#ifndef IPCBENCH_SHOW_H
#define IPCBENCH_SHOW_H

#include <stddef.h>
#include <stdio.h>

/*
 * Print dir to out as JSON: {"format": "ipcbench-show-1", "path",
 * "results_format", "complete", "interrupted", "environment", "suite"
 * (results.json's, verbatim, or null), "transports" (the registry's names
 * in order: the order of chart colours), "columns" (summary.csv's names),
 * "cases": [{every column typed by its kind, "hgrm": [[value_us,
 * percentile, total_count, inverse]...], "hgrm_uncorrected": [...]}]}.
 * A missing .hgrm is [], a missing results.json gives nulls and a
 * "results_json_error".  -errno from rundir_open() or a malformed .hgrm.
 */
int show_run(const char *dir, FILE *out, char *err, size_t len);

#endif
