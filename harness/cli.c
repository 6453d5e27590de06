/*
 * cli.c - parse `ipcbench COMMAND [flags]` with getopt_long.
 *
 * Records flags as text for config_override(); checks only what belongs to
 * the command line itself (known flags, the command, --format, arguments
 * present).  It prints nothing but the help text.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

enum {
	OPT_WARMUP = 256,
	OPT_TIMEOUT,
	OPT_VERIFY,
	OPT_RATE,
	OPT_STALL,
	OPT_RESULTS,
	OPT_COLUMNS,
};

static const struct option long_opts[] = {
	{ "transport", required_argument, NULL, 't' },
	{ "workload", required_argument, NULL, 'w' },
	{ "size", required_argument, NULL, 's' },
	{ "placement", required_argument, NULL, 'p' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "repetitions", required_argument, NULL, 'r' },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "stall-ms", required_argument, NULL, OPT_STALL },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "option", required_argument, NULL, 'O' },
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "results", required_argument, NULL, OPT_RESULTS },
	{ "columns", no_argument, NULL, OPT_COLUMNS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(FILE *f)
{
	fputs("usage: ipcbench COMMAND [ARGS]\n"
	      "\n"
	      "Compare Linux IPC methods (pipe, FIFO, Unix socket, TCP, UDP, shared memory,\n"
	      "message queue) under identical pingpong and throughput workloads.\n"
	      "\n"
	      "commands:\n"
	      "  run [SUITE.yaml] [flags]  run a suite (default: every transport and workload,\n"
	      "                            64 B, 4 KiB, 64 KiB, same-cpu and cross-cpu)\n"
	      "  list [--columns [-f table|csv|json]]\n"
	      "                            transports, their options, and workloads; with\n"
	      "                            --columns, every column of the results files\n"
	      "  calibrate                 the floors: clock, syscall, spin, futex, memcpy\n"
	      "  clean                     remove what killed runs left (/dev/shm, queues, /tmp)\n"
	      "  compare DIR_A DIR_B [-f table|csv]\n"
	      "                            run B against run A, case by case: ratio of the\n"
	      "                            medians and whether the difference is significant\n"
	      "  claims [DIR] [-f table|json]\n"
	      "                            check textbook claims about IPC against a run's\n"
	      "                            data (default: the latest run)\n"
	      "  explain [TRANSPORT] [--results DIR]\n"
	      "                            how each method works, what it costs, its limits\n"
	      "                            and pitfalls; with DIR, its figures from that run\n"
	      "  help, --help, -h          this text\n"
	      "  version, --version        the version\n"
	      "\n"
	      "run flags (each replaces that setting in every run of the suite):\n"
	      "  -t, --transport LIST      e.g. pipe,uds,shm (see `ipcbench list`)\n"
	      "  -w, --workload LIST       pingpong, throughput\n"
	      "  -s, --size LIST           message sizes: 64, 4K, 64K, 1M (16 B at least), or\n"
	      "                            a range 64..1M*4 = 64, 256, 1K ... 1M\n"
	      "  -p, --placement LIST      same-cpu, cross-cpu, unpinned\n"
	      "  -n, --iterations N        measured messages per case\n"
	      "      --warmup N            messages sent first and discarded\n"
	      "  -r, --repetitions N       run each case N times in fresh processes,\n"
	      "                            interleaved; report median, range and 95% CI\n"
	      "      --rate N              throughput only: send N messages/s on a fixed\n"
	      "                            schedule (open loop); latency counts from each\n"
	      "                            message's slot, correcting coordinated omission\n"
	      "      --stall-ms N          throughput only: the receiver stalls once for N ms\n"
	      "                            half-way through (shows coordinated omission)\n"
	      "      --timeout SECONDS     deadline of one case (default 60)\n"
	      "      --verify seq|full     check sequence numbers of every message (seq), or\n"
	      "                            also every payload byte (full; inside the timed\n"
	      "                            span for throughput)\n"
	      "  -O, --option KEY=VALUE    a transport option, e.g. wait=spin (repeatable)\n"
	      "  -o, --output DIR          results directory (default results/DATE-HOST,\n"
	      "                            with results/latest pointing at it)\n"
	      "  -f, --format FMT          what to print at the end: table, csv or json\n"
	      "  -q, --quiet               no progress lines\n"
	      "\n"
	      "exit status: 0 all cases ok or skipped, 1 a case failed, 2 usage or config\n"
	      "error (nothing is created), 128+N stopped by signal N (finished cases kept).\n",
	      f);
}

static int set_command(struct cli *c, const char *name, char *err, size_t len)
{
	static const struct {
		const char *name;
		enum cli_cmd cmd;
	} cmds[] = {
		{ "run", CMD_RUN }, { "list", CMD_LIST },
		{ "help", CMD_HELP }, { "version", CMD_VERSION },
		{ "calibrate", CMD_CALIBRATE }, { "clean", CMD_CLEAN },
		{ "compare", CMD_COMPARE }, { "claims", CMD_CLAIMS },
		{ "explain", CMD_EXPLAIN }, { "show", CMD_SHOW },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (strcmp(name, cmds[i].name) == 0) {
			c->cmd = cmds[i].cmd;
			return 0;
		}
	}
	snprintf(err, len, "unknown command '%s' (commands: run, list, calibrate, clean, compare, claims, explain, help, version)",
		 name);
	return -EINVAL;
}

static int parse_format(const char *s, enum output_format *out, char *err,
			size_t len)
{
	int f = format_parse(s);

	if (f < 0) {
		snprintf(err, len, "--format: '%s' is not a format (valid: table, csv, json)",
			 s);
		return -EINVAL;
	}
	*out = (enum output_format)f;
	return 0;
}

int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t len)
{
	bool run_flags = false;
	int opt;

	memset(c, 0, sizeof(*c));
	c->cmd = CMD_HELP;
	optind = 0;		/* glibc: reinitialise, so tests can parse twice */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+t:w:s:p:n:r:O:o:f:qhV", long_opts,
				  NULL)) != -1) {
		/* flags before the command: only --help and --version */
		switch (opt) {
		case 'h':
			c->cmd = CMD_HELP;
			return 0;
		case 'V':
			c->cmd = CMD_VERSION;
			return 0;
		default:
			snprintf(err, len, "'%s' must follow a command, as in: ipcbench run %s",
				 argv[optind - 1], argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind >= argc)
		return 0;	/* no command: help */
	if (set_command(c, argv[optind], err, len))
		return -EINVAL;

	argv += optind;
	argc -= optind;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":t:w:s:p:n:r:O:o:f:qhV", long_opts,
				  NULL)) != -1) {
		run_flags |= opt != 'h' && opt != 'V' && opt != '?' &&
			     opt != ':' && opt != 'f' && opt != OPT_RESULTS &&
			     opt != OPT_COLUMNS;
		switch (opt) {
		case 't': c->ov.transports = optarg; break;
		case 'w': c->ov.workloads = optarg; break;
		case 's': c->ov.sizes = optarg; break;
		case 'p': c->ov.placements = optarg; break;
		case 'n': c->ov.iterations = optarg; break;
		case OPT_WARMUP: c->ov.warmup = optarg; break;
		case 'r': c->ov.repetitions = optarg; break;
		case OPT_RATE: c->ov.rate = optarg; break;
		case OPT_STALL: c->ov.stall_ms = optarg; break;
		case OPT_TIMEOUT: c->ov.timeout = optarg; break;
		case OPT_VERIFY: c->ov.verify = optarg; break;
		case 'o': c->output = optarg; break;
		case 'q': c->quiet = true; break;
		case OPT_RESULTS: c->results = optarg; break;
		case OPT_COLUMNS: c->columns = true; break;
		case 'f':
			if (parse_format(optarg, &c->format, err, len))
				return -EINVAL;
			c->format_set = true;
			break;
		case 'O':
			if (c->ov.n_options == SUITE_MAX_OPTIONS) {
				snprintf(err, len, "--option: at most %d options",
					 SUITE_MAX_OPTIONS);
				return -EINVAL;
			}
			c->ov.options[c->ov.n_options++] = optarg;
			break;
		case 'h':
			c->cmd = CMD_HELP;
			return 0;
		case 'V':
			c->cmd = CMD_VERSION;
			return 0;
		case ':':
			snprintf(err, len, "'%s' needs a value (see ipcbench --help)",
				 argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt)
				snprintf(err, len, "unknown flag '-%c' (see ipcbench --help)",
					 optopt);
			else
				snprintf(err, len, "unknown flag '%s' (see ipcbench --help)",
					 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (c->cmd == CMD_RUN && optind < argc)
		c->suite = argv[optind++];
	if (c->cmd == CMD_EXPLAIN && optind < argc)
		c->topic = argv[optind++];
	if (c->results && (c->cmd != CMD_EXPLAIN || !c->topic)) {
		snprintf(err, len, "--results belongs to explain and needs a transport: ipcbench explain TRANSPORT --results DIR");
		return -EINVAL;
	}
	/* compare takes two directories, claims one at most */
	while (optind < argc && c->n_dirs < (c->cmd == CMD_COMPARE ? 2u :
					     (c->cmd == CMD_CLAIMS || c->cmd == CMD_SHOW) ? 1u : 0u))
		c->dirs[c->n_dirs++] = argv[optind++];
	if (c->cmd == CMD_COMPARE && c->n_dirs < 2) {
		snprintf(err, len, "compare needs two results directories: ipcbench compare DIR_A DIR_B");
		return -EINVAL;
	}
	if (optind < argc) {
		snprintf(err, len, "unexpected argument '%s' (see ipcbench --help)",
			 argv[optind]);
		return -EINVAL;
	}
	if (c->columns && c->cmd != CMD_LIST) {
		snprintf(err, len, "--columns belongs to list: ipcbench list --columns");
		return -EINVAL;
	}
	if (c->format_set && c->cmd != CMD_RUN && c->cmd != CMD_COMPARE &&
	    c->cmd != CMD_CLAIMS && !c->columns)
		run_flags = true;
	if (c->cmd != CMD_RUN && run_flags) {
		snprintf(err, len, "'%s' takes no flags (see ipcbench --help)",
			 argv[0]);
		return -EINVAL;
	}
	return 0;
}
