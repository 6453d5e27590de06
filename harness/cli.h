/*
 * cli.h - the command line: subcommand, flags and the help text.
 *
 * Parsing only records what was written; values are validated by
 * config_override() (which names the flag in its errors) so that a flag and
 * the same key in a suite obey one set of rules.
 *
 * Conventions: cli_parse() returns 0 or -EINVAL with a one-line message.
 */
#ifndef IPCBENCH_CLI_H
#define IPCBENCH_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "format.h"

enum cli_cmd {
	CMD_HELP = 0,
	CMD_VERSION,
	CMD_LIST,
	CMD_RUN,
	CMD_CALIBRATE,
	CMD_CLEAN,
	CMD_COMPARE,
	CMD_CLAIMS,
	CMD_EXPLAIN,
	CMD_SHOW,
};

struct cli {
	enum cli_cmd cmd;
	const char *suite;		/* run: SUITE.yaml, or NULL */
	struct overrides ov;
	const char *output;		/* --output DIR, or NULL */
	enum output_format format;
	bool format_set;		/* -f given */
	bool quiet;
	const char *dirs[2];		/* compare: DIR_A DIR_B; claims: [DIR] */
	unsigned n_dirs;
	const char *topic;		/* explain: TRANSPORT, or NULL */
	const char *results;		/* explain --results DIR, or NULL */
	bool columns;			/* list --columns */
};

/*
 * Parse argv (argv[0] is the program).  0, or -EINVAL with a message such as
 * "unknown flag '--sise' (see ipcbench --help)" in err.  The strings in *c
 * point into argv.
 */
int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t len);

/* The --help text. */
void cli_usage(FILE *f);

#endif
