/*
 * cli.h - the command line: the command table, flags and the help text.
 *
 * Every command is one entry of cli_commands[] (commands.c): its name,
 * handler, help, and the flags, formats and positional arguments it
 * takes.  The parser, the help text, the unknown-command message and the
 * dispatch in main.c all read that table, so a command is added in one
 * place.
 *
 * Parsing only records what was written; values are validated by
 * config_override() (which names the flag in its errors) so that a flag and
 * the same key in a suite obey one set of rules.
 *
 * Conventions: cli_parse() returns 0 or -EINVAL with a one-line message;
 * a handler returns the process exit status.
 */
#ifndef IPCBENCH_CLI_H
#define IPCBENCH_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "format.h"

/* The flags, by index into cli.c's flag table; a command's set of them
 * is a mask of CLI_FLAG() bits. */
enum cli_flag {
	FL_TRANSPORT, FL_WORKLOAD, FL_SIZE, FL_PLACEMENT, FL_ITERATIONS,
	FL_WARMUP, FL_REPETITIONS, FL_RATE, FL_STALL, FL_TIMEOUT, FL_VERIFY,
	FL_OPTION, FL_OUTPUT, FL_FORMAT, FL_QUIET, FL_RESULTS, FL_COLUMNS,
	FL_HELP, FL_VERSION,
	FL_COUNT
};

#define CLI_FLAG(f) (1u << (f))
#define CLI_FORMAT(f) (1u << (f))
#define CLI_MAX_ARGS 2

struct cli;

struct cli_command {
	const char *name;
	int (*run)(const struct cli *c);	/* returns the exit status */
	const char *summary;	/* one line, for `ipcbench --help` */
	const char *usage;	/* after the name: "DIR_A DIR_B [-f table|csv]" */
	const char *details;	/* more for `ipcbench NAME --help`, or NULL */
	unsigned flags;		/* CLI_FLAG() bits; --help, --version always */
	unsigned formats;	/* CLI_FORMAT() bits -f takes; 0: no -f */
	unsigned min_args, max_args;	/* positional arguments */
	const char *args_what;	/* "two results directories", when min_args */
	/* Optional: rules between its flags and arguments that the counts
	 * above cannot say.  0, or -EINVAL with a message in err. */
	int (*check)(const struct cli *c, char *err, size_t len);
};

/* commands.c: every command, in the order of the help text; ends with
 * name == NULL. */
extern const struct cli_command cli_commands[];

struct cli {
	const struct cli_command *cmd;
	const struct cli_command *help_for;	/* help: this command's, or NULL */
	struct overrides ov;
	const char *output;		/* --output DIR, or NULL */
	enum output_format format;
	bool format_set;		/* -f given */
	bool quiet;
	const char *args[CLI_MAX_ARGS];	/* positional, as the command's usage */
	unsigned n_args;
	const char *results;		/* explain --results DIR, or NULL */
	bool columns;			/* list --columns */
};

/*
 * Parse argv (argv[0] is the program).  0, or -EINVAL with a message such as
 * "unknown flag '--sise' (see ipcbench --help)" in err.  The strings in *c
 * point into argv; c->cmd is never NULL on success (no command is help).
 */
int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t len);

/* The command called name, or NULL. */
const struct cli_command *cli_find(const char *name);

/* "unknown command 'NAME' (commands: run, list, ...)" into err. */
void cli_unknown_command(const char *name, char *err, size_t len);

/* The --help text: every command, then the flags of run. */
void cli_usage(FILE *f);

/* `ipcbench NAME --help`: the command's usage, details and flags. */
void cli_command_usage(FILE *f, const struct cli_command *cmd);

#endif
