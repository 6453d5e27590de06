/*
 * cli.c - parse `ipcbench COMMAND [flags] [ARGS]` with getopt_long against
 * the command table, and print the help text from it.
 *
 * Records flags as text for config_override(); checks only what belongs to
 * the command line itself: known flags, flags and formats the command
 * takes, how many arguments it takes, and its own check() rules.  It knows
 * no command by name but help and version, which every command's --help
 * and --version turn into.  It prints nothing but the help text.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

#define OPT_LONG_ONLY 256	/* getopt val of a flag without a letter: + id */
#define HELP_COL 28		/* where help text starts after a flag or usage */
#define FEW_FLAGS 3		/* a reject message lists this many at most */

struct flag_def {
	const char *name;	/* long name, without "--" */
	char letter;		/* short name, or 0 */
	const char *arg;	/* value placeholder, NULL when it takes none */
	/* Help, '\n' between lines; NULL for -f, whose formats are the
	 * command's. */
	const char *help;
};

static const struct flag_def flags[FL_COUNT] = {
	[FL_TRANSPORT] = { "transport", 't', "LIST",
		"e.g. pipe,uds,shm (see `ipcbench list`)" },
	[FL_WORKLOAD] = { "workload", 'w', "LIST", "pingpong, throughput" },
	[FL_SIZE] = { "size", 's', "LIST",
		"message sizes: 64, 4K, 64K, 1M (16 B at least), or\n"
		"a range 64..1M*4 = 64, 256, 1K ... 1M" },
	[FL_PLACEMENT] = { "placement", 'p', "LIST",
		"same-cpu, cross-cpu, unpinned" },
	[FL_ITERATIONS] = { "iterations", 'n', "N",
		"measured messages per case" },
	[FL_WARMUP] = { "warmup", 0, "N",
		"messages sent first and discarded" },
	[FL_REPETITIONS] = { "repetitions", 'r', "N",
		"run each case N times in fresh processes,\n"
		"interleaved; report median, range and 95% CI" },
	[FL_RATE] = { "rate", 0, "N",
		"throughput only: send N messages/s on a fixed\n"
		"schedule (open loop); latency counts from each\n"
		"message's slot, correcting coordinated omission" },
	[FL_STALL] = { "stall-ms", 0, "N",
		"throughput only: the receiver stalls once for N ms\n"
		"half-way through (shows coordinated omission)" },
	[FL_TIMEOUT] = { "timeout", 0, "SECONDS",
		"deadline of one case (default 60)" },
	[FL_VERIFY] = { "verify", 0, "seq|full",
		"check sequence numbers of every message (seq), or\n"
		"also every payload byte (full; inside the timed\n"
		"span for throughput)" },
	[FL_OPTION] = { "option", 'O', "KEY=VALUE",
		"a transport option, e.g. wait=spin (repeatable)" },
	[FL_OUTPUT] = { "output", 'o', "DIR",
		"results directory (default results/DATE-HOST,\n"
		"with results/latest pointing at it)" },
	[FL_FORMAT] = { "format", 'f', "FMT", NULL },
	[FL_QUIET] = { "quiet", 'q', NULL, "no progress lines" },
	[FL_RESULTS] = { "results", 0, "DIR",
		"add the transport's figures from that run" },
	[FL_COLUMNS] = { "columns", 0, NULL,
		"every column of the results files instead" },
	[FL_HELP] = { "help", 'h', NULL, "this text" },
	[FL_VERSION] = { "version", 'V', NULL, "the version" },
};

const struct cli_command *cli_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* "-t" or "--warmup": how help and messages name a flag. */
static const char *flag_name(unsigned id, char *buf, size_t len)
{
	if (flags[id].letter)
		snprintf(buf, len, "-%c", flags[id].letter);
	else
		snprintf(buf, len, "--%s", flags[id].name);
	return buf;
}

/* Append s to buf, after sep unless buf is empty. */
static void append(char *buf, size_t len, const char *sep, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? sep : "", s);
}

/* The flag ids in mask, named and joined by ", "; their count. */
static unsigned flag_names(unsigned mask, char *buf, size_t len)
{
	char one[32];
	unsigned n = 0;

	buf[0] = '\0';
	for (unsigned id = 0; id < FL_HELP; id++) {
		if (mask & CLI_FLAG(id)) {
			append(buf, len, ", ", flag_name(id, one, sizeof(one)));
			n++;
		}
	}
	return n;
}

/* The formats in mask: "table, csv or json". */
static void format_names(unsigned mask, char *buf, size_t len)
{
	unsigned left = (unsigned)__builtin_popcount(mask);

	buf[0] = '\0';
	for (unsigned f = FORMAT_TABLE; f <= FORMAT_JSON; f++) {
		if (!(mask & CLI_FORMAT(f)))
			continue;
		append(buf, len, --left ? ", " : " or ", format_name(f));
	}
}

void cli_unknown_command(const char *name, char *err, size_t len)
{
	char names[256] = "";

	for (const struct cli_command *c = cli_commands; c->name; c++)
		append(names, sizeof(names), ", ", c->name);
	snprintf(err, len, "unknown command '%s' (commands: %s)", name, names);
}

/*
 * A flag the command does not take: who takes it, and, when the command
 * takes few, which it does ("-t belongs to run, not list: list takes no
 * flags but --columns, -f").
 */
static int reject_flag(const struct cli_command *cmd, unsigned id,
		       char *err, size_t len)
{
	char owners[128] = "", own[128], tail[192] = "", name[32];
	unsigned n;

	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (c->flags & CLI_FLAG(id))
			append(owners, sizeof(owners), ", ", c->name);
	n = flag_names(cmd->flags, own, sizeof(own));
	if (n <= FEW_FLAGS)
		snprintf(tail, sizeof(tail), ": %s takes no flags%s%s",
			 cmd->name, n ? " but " : "", own);
	snprintf(err, len, "%s belongs to %s, not %s%s (see ipcbench %s --help)",
		 flag_name(id, name, sizeof(name)), owners, cmd->name, tail,
		 cmd->name);
	return -EINVAL;
}

static int set_format(struct cli *c, const char *s, char *err, size_t len)
{
	char valid[64];
	int f = format_parse(s);

	if (f < 0) {
		snprintf(err, len, "--format: '%s' is not a format (valid: table, csv, json)",
			 s);
		return -EINVAL;
	}
	if (!(c->cmd->formats & CLI_FORMAT(f))) {
		format_names(c->cmd->formats, valid, sizeof(valid));
		snprintf(err, len, "--format %s: %s prints %s (see ipcbench %s --help)",
			 s, c->cmd->name, valid, c->cmd->name);
		return -EINVAL;
	}
	c->format = (enum output_format)f;
	c->format_set = true;
	return 0;
}

/* Record the value of flag id. */
static int set_flag(struct cli *c, unsigned id, char *err, size_t len)
{
	struct overrides *ov = &c->ov;
	const char **text[FL_COUNT] = {
		[FL_TRANSPORT] = &ov->transports, [FL_WORKLOAD] = &ov->workloads,
		[FL_SIZE] = &ov->sizes, [FL_PLACEMENT] = &ov->placements,
		[FL_ITERATIONS] = &ov->iterations, [FL_WARMUP] = &ov->warmup,
		[FL_REPETITIONS] = &ov->repetitions, [FL_RATE] = &ov->rate,
		[FL_STALL] = &ov->stall_ms, [FL_TIMEOUT] = &ov->timeout,
		[FL_VERIFY] = &ov->verify, [FL_OUTPUT] = &c->output,
		[FL_RESULTS] = &c->results,
	};

	if (text[id]) {
		*text[id] = optarg;
		return 0;
	}
	switch (id) {
	case FL_FORMAT:
		return set_format(c, optarg, err, len);
	case FL_QUIET:
		c->quiet = true;
		return 0;
	case FL_COLUMNS:
		c->columns = true;
		return 0;
	case FL_OPTION:
		if (ov->n_options == SUITE_MAX_OPTIONS) {
			snprintf(err, len, "--option: at most %d options",
				 SUITE_MAX_OPTIONS);
			return -EINVAL;
		}
		ov->options[ov->n_options++] = optarg;
		return 0;
	}
	return -EINVAL;		/* help and version never get here */
}

/* getopt_long's tables, from flags[]: lead is "+" or ":". */
static void build_opts(struct option *lo, char *shorts, const char *lead)
{
	strcpy(shorts, lead);
	for (unsigned id = 0; id < FL_COUNT; id++) {
		const struct flag_def *d = &flags[id];

		lo[id] = (struct option){ d->name, d->arg ? required_argument :
					  no_argument, NULL,
					  d->letter ? d->letter :
					  OPT_LONG_ONLY + (int)id };
		if (d->letter) {
			shorts += strlen(shorts);
			*shorts++ = d->letter;
			strcpy(shorts, d->arg ? ":" : "");
		}
	}
	lo[FL_COUNT] = (struct option){ NULL, 0, NULL, 0 };
}

/* The flag id getopt_long returned as opt, or -1 for '?' and ':'. */
static int flag_id(int opt)
{
	if (opt >= OPT_LONG_ONLY)
		return opt - OPT_LONG_ONLY;
	for (unsigned id = 0; id < FL_COUNT; id++)
		if (flags[id].letter && flags[id].letter == opt)
			return (int)id;
	return -1;
}

/* --help and --version before or after a command; true when it was one. */
static bool help_or_version(struct cli *c, int id)
{
	if (id == FL_HELP) {
		c->help_for = c->cmd;
		c->cmd = cli_find("help");
	} else if (id == FL_VERSION) {
		c->cmd = cli_find("version");
	}
	return id == FL_HELP || id == FL_VERSION;
}

static int bad_flag(int opt, char **argv, const char *cmd, char *err,
		    size_t len)
{
	if (opt == ':')
		snprintf(err, len, "'%s' needs a value (see ipcbench %s --help)",
			 argv[optind - 1], cmd);
	else if (optopt)
		snprintf(err, len, "unknown flag '-%c' (see ipcbench %s --help)",
			 optopt, cmd);
	else
		snprintf(err, len, "unknown flag '%s' (see ipcbench %s --help)",
			 argv[optind - 1], cmd);
	return -EINVAL;
}

/* Flags after the command, then its positional arguments. */
static int parse_command(int argc, char **argv, struct cli *c, char *err,
			 size_t len)
{
	const struct cli_command *cmd = c->cmd;
	struct option lo[FL_COUNT + 1];
	char shorts[2 * FL_COUNT + 2];
	int opt, id;

	build_opts(lo, shorts, ":");
	optind = 0;
	while ((opt = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		id = flag_id(opt);
		if (id < 0)
			return bad_flag(opt, argv, cmd->name, err, len);
		if (help_or_version(c, id))
			return 0;
		if (!(cmd->flags & CLI_FLAG(id)))
			return reject_flag(cmd, (unsigned)id, err, len);
		if (set_flag(c, (unsigned)id, err, len))
			return -EINVAL;
	}
	while (optind < argc) {
		if (c->n_args == cmd->max_args) {
			snprintf(err, len, "unexpected argument '%s' (see ipcbench %s --help)",
				 argv[optind], cmd->name);
			return -EINVAL;
		}
		c->args[c->n_args++] = argv[optind++];
	}
	if (c->n_args < cmd->min_args) {
		snprintf(err, len, "%s needs %s: ipcbench %s %s", cmd->name,
			 cmd->args_what, cmd->name, cmd->usage);
		return -EINVAL;
	}
	return cmd->check ? cmd->check(c, err, len) : 0;
}

int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t len)
{
	struct option lo[FL_COUNT + 1];
	char shorts[2 * FL_COUNT + 2];
	int opt;

	memset(c, 0, sizeof(*c));
	c->cmd = cli_find("help");
	build_opts(lo, shorts, "+");
	optind = 0;		/* glibc: reinitialise, so tests can parse twice */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		/* flags before the command: only --help and --version */
		if (!help_or_version(c, flag_id(opt))) {
			snprintf(err, len, "'%s' must follow a command, as in: ipcbench run %s",
				 argv[optind - 1], argv[optind - 1]);
			return -EINVAL;
		}
		c->help_for = NULL;
		return 0;
	}
	if (optind >= argc)
		return 0;	/* no command: help */
	c->cmd = cli_find(argv[optind]);
	if (!c->cmd) {
		cli_unknown_command(argv[optind], err, len);
		return -EINVAL;
	}
	return parse_command(argc - optind, argv + optind, c, err, len);
}

/* text at HELP_COL after a left column of used characters; each '\n' in
 * text starts a new line there. */
static void put_help(FILE *f, int used, const char *text)
{
	if (used >= HELP_COL) {
		fputc('\n', f);
		used = 0;
	}
	for (const char *nl; (nl = strchr(text, '\n')); text = nl + 1) {
		fprintf(f, "%*s%.*s\n", HELP_COL - used, "", (int)(nl - text),
			text);
		used = 0;
	}
	fprintf(f, "%*s%s\n", HELP_COL - used, "", text);
}

/* The flags of cmd in mask, one per line with their help. */
static void put_flags(FILE *f, const struct cli_command *cmd, unsigned mask)
{
	char left[64], fmts[64], help[96];

	for (unsigned id = 0; id < FL_COUNT; id++) {
		const struct flag_def *d = &flags[id];

		if (!(mask & CLI_FLAG(id)))
			continue;
		if (d->letter)
			snprintf(left, sizeof(left), "  -%c, --%s%s%s", d->letter,
				 d->name, d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(left, sizeof(left), "      --%s%s%s", d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		if (!d->help) {
			format_names(cmd->formats, fmts, sizeof(fmts));
			snprintf(help, sizeof(help), "what to print: %s", fmts);
		}
		fputs(left, f);
		put_help(f, (int)strlen(left), d->help ? d->help : help);
	}
}

void cli_usage(FILE *f)
{
	const struct cli_command *run = cli_find("run");
	char left[96];

	fputs("usage: ipcbench COMMAND [ARGS]\n"
	      "\n"
	      "Compare Linux IPC methods (pipe, FIFO, Unix socket, TCP, UDP, shared memory,\n"
	      "message queue) under identical pingpong and throughput workloads.\n"
	      "\n"
	      "commands:\n", f);
	for (const struct cli_command *c = cli_commands; c->name; c++) {
		snprintf(left, sizeof(left), "  %s%s%s", c->name,
			 *c->usage ? " " : "", c->usage);
		fputs(left, f);
		put_help(f, (int)strlen(left), c->summary);
	}
	fputs("\nrun flags (each replaces that setting in every run of the suite):\n",
	      f);
	put_flags(f, run, run->flags);
	fputs("\n"
	      "`ipcbench COMMAND --help` for one command's arguments and flags.\n"
	      "\n"
	      "exit status: 0 all cases ok or skipped, 1 a case failed, 2 usage or config\n"
	      "error (nothing is created), 128+N stopped by signal N (finished cases kept).\n",
	      f);
}

void cli_command_usage(FILE *f, const struct cli_command *cmd)
{
	fprintf(f, "usage: ipcbench %s%s%s\n\n%s\n", cmd->name,
		*cmd->usage ? " " : "", cmd->usage, cmd->summary);
	if (cmd->details)
		fprintf(f, "%s\n", cmd->details);
	fputs("\nflags:\n", f);
	put_flags(f, cmd, cmd->flags | CLI_FLAG(FL_HELP));
}
