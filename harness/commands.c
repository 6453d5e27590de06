/*
 * commands.c - what each ipcbench command does, and cli_commands[], the
 * table of them that parsing, help and dispatch read.
 *
 * `run` validates everything a user wrote before it creates anything, then
 * runs the plan case by case, saving each case as it finishes, and prints the
 * comparison at the end.  The order of work and the exit status live here;
 * the mechanisms live in the modules each handler calls.  Handlers get the
 * command line already checked against their table entry.
 */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "claims.h"
#include "clean.h"
#include "cli.h"
#include "columns.h"
#include "compare.h"
#include "config.h"
#include "explain.h"
#include "proc.h"
#include "report.h"
#include "runner.h"
#include "show.h"
#include "util.h"
#include "version.h"
#include "workload.h"

#define EXIT_FAILED_CASE 1
#define EXIT_USAGE 2

static const char *results_root(void)
{
	const char *r = getenv("IPCBENCH_RESULTS");

	return r && *r ? r : "results";
}

/* A failure of cmd ("explain") that is the user's: one line, exit 2. */
static int usage_error(const char *cmd, char *err)
{
	one_line(err);
	fprintf(stderr, "ipcbench: %s: %s\n", cmd, err);
	return EXIT_USAGE;
}

/* DIR, the first argument, or by default the latest run. */
static void run_dir(const struct cli *cli, char *dir, size_t len)
{
	if (cli->n_args)
		snprintf(dir, len, "%s", cli->args[0]);
	else
		snprintf(dir, len, "%s/latest", results_root());
}

static void list_text(void)
{
	puts("transports:");
	for (unsigned i = 0; transport_registry[i]; i++) {
		const struct transport_ops *t = transport_registry[i];

		printf("  %-6s %s\n", t->name, t->summary);
		printf("         %s, %s%s%s\n",
		       t->flags & TF_STREAM ? "byte stream" : "messages",
		       t->flags & TF_LOSSY ? "may lose messages" : "reliable",
		       t->unsupported ? "; unsupported here: " : "",
		       t->unsupported ? t->unsupported : "");
		for (int k = 0; t->options && t->options[k].key; k++)
			printf("         option %s (default %s): %s\n",
			       t->options[k].key, t->options[k].def,
			       t->options[k].help);
	}
	puts("\nworkloads:");
	for (unsigned i = 0; workload_registry[i]; i++)
		printf("  %-10s %s\n", workload_registry[i]->name,
		       workload_registry[i]->summary);
	printf("\nplacements: %s\n", placement_choices);
}

/* results/<YYYYmmdd-HHMMSS>-<host>, "-<k>" appended for k > 1. */
static void default_output(char *buf, size_t len, const struct env *e,
			   unsigned k)
{
	char stamp[32], suffix[16] = "";
	time_t now = time(NULL);

	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	if (k > 1)
		snprintf(suffix, sizeof(suffix), "-%u", k);
	snprintf(buf, len, "%s/%s-%s%s", results_root(), stamp, e->host,
		 suffix);
}

/* Point results/latest at the run's directory (a relative symlink). */
static void update_latest(const char *dir)
{
	char link[PATH_MAX], tmp[PATH_MAX + 24];
	const char *base = strrchr(dir, '/');

	snprintf(link, sizeof(link), "%s/latest", results_root());
	/* Per process: two runs ending at once must not share it. */
	snprintf(tmp, sizeof(tmp), "%s.new.%d", link, (int)getpid());
	unlink(tmp);
	if (symlink(base ? base + 1 : dir, tmp) || rename(tmp, link)) {
		fprintf(stderr, "ipcbench: cannot update %s: %s\n", link,
			strerror(errno));
		unlink(tmp);
	}
}

static int cmd_run(const struct cli *cli)
{
	static struct suite suite;
	char err[CONFIG_ERR_LEN], dir[PATH_MAX];
	struct case_spec *cases = NULL;
	struct report *rp = NULL;
	struct cpu_pair cpus;
	struct env env;
	unsigned n = 0, failed = 0;
	int stop = 0, ret;

	if (cli->n_args)
		ret = config_load(cli->args[0], &suite, err, sizeof(err));
	else
		(config_defaults(&suite), ret = 0);
	if (!ret)
		ret = config_override(&suite, &cli->ov, err, sizeof(err));
	if (ret) {
		one_line(err);
		fprintf(stderr, "ipcbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (plan_build(&suite, &cases, &n) || runner_pick_cpus(&cpus)) {
		fprintf(stderr, "ipcbench: cannot plan the run: %s\n",
			strerror(errno ? errno : ENOMEM));
		free(cases);
		return EXIT_USAGE;
	}
	/* Signals first: a Ctrl-C from here on is handled, not fatal. */
	ret = proc_init();
	if (ret) {
		fprintf(stderr, "ipcbench: cannot set up signal handling: %s\n",
			strerror(-ret));
		free(cases);
		return EXIT_USAGE;
	}
	env_collect(&env, &cpus);
	if (cli->output)
		snprintf(dir, sizeof(dir), "%s", cli->output);
	else
		default_output(dir, sizeof(dir), &env, 1);
	ret = report_open(dir, !cli->output, &suite, &env, &rp, err,
				  sizeof(err));
	/* Two runs started in one second: the default name takes a suffix. */
	for (unsigned k = 2; ret == -EEXIST && !cli->output && k < 100; k++) {
		default_output(dir, sizeof(dir), &env, k);
		ret = report_open(dir, !cli->output, &suite, &env, &rp, err,
				  sizeof(err));
	}
	if (ret) {
		one_line(err);
		fprintf(stderr, "ipcbench: %s\n", err);
		proc_fini();
		free(cases);
		return EXIT_USAGE;
	}
	if (!cli->quiet) {
		fprintf(stderr, "ipcbench %s: %u cases x %llu repetitions from %s, results in %s\n",
			IPCBENCH_VERSION, n,
			(unsigned long long)suite.repetitions,
			suite.path[0] ? suite.path : "built-in defaults", dir);
		if (env.warnings[0])
			fprintf(stderr, "warning: %s\n", env.warnings);
	}
	/* Repetitions go round robin over the cases, so that drift over the
	 * run (a warming machine, a noisy neighbour) hits every case alike. */
	for (unsigned rep = 1; rep <= suite.repetitions && !stop; rep++) {
		for (unsigned i = 0; i < n && !(stop = proc_stop_signal());
		     i++) {
			struct case_result r;

			runner_run_case(&cases[i], &cpus, suite.timeout_s, &r);
			failed += r.status == CASE_FAILED;
			ret = report_case(rp, &cases[i], rep, &r);
			if (ret)
				fprintf(stderr, "ipcbench: cannot save case %s in %s: %s\n",
					cases[i].id, dir, strerror(-ret));
			if (!cli->quiet)
				report_progress(stderr, rp, &cases[i], n);
			hist_free(r.hist);
			hist_free(r.hist_uncorrected);
		}
	}
	if (!stop)
		stop = proc_stop_signal();
	if (!cli->quiet)
		fputc('\n', stderr);
	report_print(rp, stdout, cli->format);
	if (stop)
		fprintf(stderr, "ipcbench: stopped by signal %d (%s); the finished cases are saved in %s\n",
			stop, strsignal(stop), dir);
	if (report_close(rp, stop != 0))
		fprintf(stderr, "ipcbench: cannot write %s/results.json: %s\n",
			dir, strerror(errno));
	if (!cli->output)
		update_latest(dir);
	proc_fini();
	free(cases);
	if (stop)
		return 128 + stop;
	return failed ? EXIT_FAILED_CASE : 0;
}

/* Measure and print the floors on the CPUs `run` would use. */
static int cmd_calibrate(const struct cli *cli)
{
	struct cpu_pair cpus;
	struct calib cal;
	int ret;

	(void)cli;
	ret = runner_pick_cpus(&cpus);
	if (ret) {
		fprintf(stderr, "ipcbench: calibrate: cannot read the CPUs this process may use: %s\n",
			strerror(-ret));
		return EXIT_FAILED_CASE;
	}
	ret = calib_run(&cpus, CALIB_DEFAULT_BUDGET_MS, &cal);
	calib_print(stdout, &cal);
	if (ret) {
		fprintf(stderr, "ipcbench: calibrate: %s\n",
			cal.err[0] ? cal.err : strerror(-ret));
		return EXIT_FAILED_CASE;
	}
	return 0;
}

/* Remove what killed runs left behind; 1 when something could not be. */
static int cmd_clean(const struct cli *cli)
{
	struct clean_stats st;

	(void)cli;
	return clean_leftovers(stdout, stderr, &st) ? EXIT_FAILED_CASE : 0;
}

/* The lessons: all transports in brief, or one in full (with its figures
 * from a results directory).  2 for an unknown name or unreadable DIR. */
static int cmd_explain(const struct cli *cli)
{
	const struct transport_ops *ops;
	char err[CONFIG_ERR_LEN];

	if (!cli->n_args) {
		explain_overview(stdout);
		return 0;
	}
	ops = transport_find(cli->args[0]);
	if (!ops) {
		explain_names(err, sizeof(err));
		fprintf(stderr, "ipcbench: explain: unknown transport '%s' (transports: %s)\n",
			cli->args[0], err);
		return EXIT_USAGE;
	}
	if (explain_transport(stdout, ops, cli->results, err, sizeof(err)))
		return usage_error("explain", err);
	return 0;
}

/* Run B against run A; 2 when a directory cannot be read. */
static int cmd_compare(const struct cli *cli)
{
	char err[CONFIG_ERR_LEN];

	if (compare_runs(cli->args[0], cli->args[1], cli->format, stdout,
			 stderr, err, sizeof(err)))
		return usage_error("compare", err);
	return 0;
}

/* The textbook claims against DIR, by default the latest run. */
static int cmd_claims(const struct cli *cli)
{
	char err[CONFIG_ERR_LEN], dir[PATH_MAX];

	run_dir(cli, dir, sizeof(dir));
	if (claims_run(dir, cli->format, stdout, err, sizeof(err))) {
		one_line(err);
		fprintf(stderr, "ipcbench: claims: %s%s\n", err,
			cli->n_args ? "" : " (no run yet? try: ipcbench run)");
		return EXIT_USAGE;
	}
	return 0;
}

/* DIR (default: the latest run) as one JSON document. */
static int cmd_show(const struct cli *cli)
{
	char err[CONFIG_ERR_LEN], dir[PATH_MAX];

	run_dir(cli, dir, sizeof(dir));
	if (show_run(dir, stdout, err, sizeof(err)))
		return usage_error("show", err);
	return 0;
}

/* {"name": ..., "summary": ...}, what every listed thing has. */
static struct json_object *json_named(const char *name, const char *summary)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "summary", json_object_new_string(summary));
	return o;
}

static struct json_object *json_transport(const struct transport_ops *t)
{
	struct json_object *o = json_named(t->name, t->summary);
	struct json_object *opts = json_object_new_array();

	json_object_object_add(o, "stream",
			       json_object_new_boolean(t->flags & TF_STREAM));
	json_object_object_add(o, "lossy",
			       json_object_new_boolean(t->flags & TF_LOSSY));
	json_object_object_add(o, "unsupported", t->unsupported ?
			       json_object_new_string(t->unsupported) : NULL);
	for (int k = 0; t->options && t->options[k].key; k++) {
		struct json_object *opt = json_object_new_object();

		json_object_object_add(opt, "key",
				       json_object_new_string(t->options[k].key));
		json_object_object_add(opt, "default",
				       json_object_new_string(t->options[k].def));
		json_object_object_add(opt, "help",
				       json_object_new_string(t->options[k].help));
		json_object_array_add(opts, opt);
	}
	json_object_object_add(o, "options", opts);
	return o;
}

/* What `list` prints, for programs: the tests and scripts take the names
 * of transports from here rather than keeping their own list. */
static int list_json(void)
{
	struct json_object *root = json_object_new_object();
	struct json_object *ts = json_object_new_array();
	struct json_object *ws = json_object_new_array();
	struct json_object *ps = json_object_new_array();
	const char *text;
	int ret = 0;

	for (unsigned i = 0; transport_registry[i]; i++)
		json_object_array_add(ts, json_transport(transport_registry[i]));
	for (unsigned i = 0; workload_registry[i]; i++)
		json_object_array_add(ws, json_named(workload_registry[i]->name,
						     workload_registry[i]->summary));
	for (int p = 0; p < PLACE_COUNT; p++)
		json_object_array_add(ps, json_object_new_string(
					      placement_name((enum placement)p)));
	json_object_object_add(root, "format",
			       json_object_new_string("ipcbench-list-1"));
	json_object_object_add(root, "transports", ts);
	json_object_object_add(root, "workloads", ws);
	json_object_object_add(root, "placements", ps);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED);
	if (text)
		puts(text);
	else
		ret = (fprintf(stderr, "ipcbench: list: out of memory\n"),
		       EXIT_FAILED_CASE);
	json_object_put(root);
	return ret;
}

static int cmd_list(const struct cli *cli)
{
	if (cli->columns)
		columns_print(stdout, cli->format);
	else if (cli->format == FORMAT_JSON)
		return list_json();
	else
		list_text();
	return 0;
}

/* A CSV of three different tables would not be one table. */
static int list_check(const struct cli *cli, char *err, size_t len)
{
	if (cli->format == FORMAT_CSV && !cli->columns) {
		snprintf(err, len, "--format csv: list prints csv only with --columns (see ipcbench list --help)");
		return -EINVAL;
	}
	return 0;
}

/* --results reads that run's figures of one transport. */
static int explain_check(const struct cli *cli, char *err, size_t len)
{
	if (cli->results && !cli->n_args) {
		snprintf(err, len, "--results belongs to explain and needs a transport: ipcbench explain TRANSPORT --results DIR");
		return -EINVAL;
	}
	return 0;
}

static int help_check(const struct cli *cli, char *err, size_t len)
{
	if (cli->n_args && !cli_find(cli->args[0])) {
		cli_unknown_command(cli->args[0], err, len);
		return -EINVAL;
	}
	return 0;
}

/* `ipcbench help [COMMAND]`, `ipcbench [COMMAND] --help`. */
static int cmd_help(const struct cli *cli)
{
	const struct cli_command *about = cli->help_for;

	if (!about && cli->n_args)
		about = cli_find(cli->args[0]);
	if (about)
		cli_command_usage(stdout, about);
	else
		cli_usage(stdout);
	return 0;
}

static int cmd_version(const struct cli *cli)
{
	(void)cli;
	printf("ipcbench %s\n", IPCBENCH_VERSION);
	return 0;
}

#define RUN_FLAGS (CLI_FLAG(FL_TRANSPORT) | CLI_FLAG(FL_WORKLOAD) |	\
		   CLI_FLAG(FL_SIZE) | CLI_FLAG(FL_PLACEMENT) |		\
		   CLI_FLAG(FL_ITERATIONS) | CLI_FLAG(FL_WARMUP) |		\
		   CLI_FLAG(FL_REPETITIONS) | CLI_FLAG(FL_RATE) |		\
		   CLI_FLAG(FL_STALL) | CLI_FLAG(FL_TIMEOUT) |		\
		   CLI_FLAG(FL_VERIFY) | CLI_FLAG(FL_OPTION) |		\
		   CLI_FLAG(FL_OUTPUT) | CLI_FLAG(FL_FORMAT) |		\
		   CLI_FLAG(FL_QUIET))
#define ALL_FORMATS (CLI_FORMAT(FORMAT_TABLE) | CLI_FORMAT(FORMAT_CSV) |	\
		     CLI_FORMAT(FORMAT_JSON))

const struct cli_command cli_commands[] = {
	{
		.name = "run", .run = cmd_run,
		.summary = "run a suite (default: every transport and workload)",
		.usage = "[SUITE.yaml] [flags]",
		.details = "Without SUITE.yaml: every transport and workload, 64 B, 4 KiB, 64 KiB,\n"
			   "same-cpu and cross-cpu.  Each flag replaces that setting in every run\n"
			   "of the suite.",
		.flags = RUN_FLAGS, .formats = ALL_FORMATS, .max_args = 1,
	},
	{
		.name = "list", .run = cmd_list,
		.summary = "transports, their options, workloads, placements",
		.usage = "[--columns] [-f table|csv|json]",
		.details = "With --columns, every column of the results files instead; csv only\n"
			   "with --columns.  -f json is for programs.",
		.flags = CLI_FLAG(FL_COLUMNS) | CLI_FLAG(FL_FORMAT),
		.formats = ALL_FORMATS, .check = list_check,
	},
	{
		.name = "show", .run = cmd_show,
		.summary = "a run as one JSON document (default: the latest)",
		.usage = "[DIR]",
		.max_args = 1,
	},
	{
		.name = "compare", .run = cmd_compare,
		.summary = "run B against run A, case by case",
		.usage = "DIR_A DIR_B [-f table|csv]",
		.details = "For each case: the ratio of the medians and whether the difference is\n"
			   "significant.",
		.flags = CLI_FLAG(FL_FORMAT),
		.formats = CLI_FORMAT(FORMAT_TABLE) | CLI_FORMAT(FORMAT_CSV),
		.min_args = 2, .max_args = 2,
		.args_what = "two results directories",
	},
	{
		.name = "claims", .run = cmd_claims,
		.summary = "check textbook claims about IPC against a run",
		.usage = "[DIR] [-f table|json]",
		.details = "DIR is a results directory; by default the latest run.",
		.flags = CLI_FLAG(FL_FORMAT),
		.formats = CLI_FORMAT(FORMAT_TABLE) | CLI_FORMAT(FORMAT_JSON),
		.max_args = 1,
	},
	{
		.name = "explain", .run = cmd_explain,
		.summary = "how each method works, what it costs, its limits",
		.usage = "[TRANSPORT] [--results DIR]",
		.details = "Without TRANSPORT, every method in brief and how to pick; with one, its\n"
			   "whole lesson and pitfalls; with --results DIR, its figures from that run.",
		.flags = CLI_FLAG(FL_RESULTS), .max_args = 1,
		.check = explain_check,
	},
	{
		.name = "calibrate", .run = cmd_calibrate,
		.summary = "the floors: clock, syscall, spin, futex, memcpy",
		.usage = "",
	},
	{
		.name = "clean", .run = cmd_clean,
		.summary = "remove what killed runs left (shm, queues, /tmp)",
		.usage = "",
	},
	{
		.name = "help", .run = cmd_help,
		.summary = "this text, or one command's (also --help, -h)",
		.usage = "[COMMAND]", .max_args = 1, .check = help_check,
	},
	{
		.name = "version", .run = cmd_version,
		.summary = "the version (also --version)",
		.usage = "",
	},
	{ .name = NULL },
};
