/*
 * main.c - the ipcbench command: list, run, calibrate, clean, compare,
 * claims, explain, help, version.
 *
 * `run` validates everything a user wrote before it creates anything, then
 * runs the plan case by case, saving each case as it finishes, and prints the
 * comparison at the end.  The order of work and the exit status live here;
 * the mechanisms live in the modules it calls.
 */
#include <errno.h>
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

static void cmd_list(void)
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

	if (cli->suite)
		ret = config_load(cli->suite, &suite, err, sizeof(err));
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
static int cmd_calibrate(void)
{
	struct cpu_pair cpus;
	struct calib cal;
	int ret;

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
static int cmd_clean(void)
{
	struct clean_stats st;

	return clean_leftovers(stdout, stderr, &st) ? EXIT_FAILED_CASE : 0;
}

/* The lessons: all transports in brief, or one in full (with its figures
 * from a results directory).  2 for an unknown name or unreadable DIR. */
static int cmd_explain(const struct cli *cli)
{
	const struct transport_ops *ops;
	char err[CONFIG_ERR_LEN];

	if (!cli->topic) {
		explain_overview(stdout);
		return 0;
	}
	ops = transport_find(cli->topic);
	if (!ops) {
		explain_names(err, sizeof(err));
		fprintf(stderr, "ipcbench: explain: unknown transport '%s' (transports: %s)\n",
			cli->topic, err);
		return EXIT_USAGE;
	}
	if (explain_transport(stdout, ops, cli->results, err, sizeof(err))) {
		one_line(err);
		fprintf(stderr, "ipcbench: explain: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

/* Run B against run A; 2 when a directory cannot be read. */
static int cmd_compare(const struct cli *cli)
{
	char err[CONFIG_ERR_LEN];

	if (compare_runs(cli->dirs[0], cli->dirs[1], cli->format, stdout,
			 stderr, err, sizeof(err))) {
		one_line(err);
		fprintf(stderr, "ipcbench: compare: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

/* The textbook claims against DIR, by default the latest run. */
static int cmd_claims(const struct cli *cli)
{
	char err[CONFIG_ERR_LEN], dir[PATH_MAX];

	if (cli->n_dirs)
		snprintf(dir, sizeof(dir), "%s", cli->dirs[0]);
	else
		snprintf(dir, sizeof(dir), "%s/latest", results_root());
	if (claims_run(dir, cli->format, stdout, err, sizeof(err))) {
		one_line(err);
		fprintf(stderr, "ipcbench: claims: %s%s\n", err,
			cli->n_dirs ? "" : " (no run yet? try: ipcbench run)");
		return EXIT_USAGE;
	}
	return 0;
}

/* DIR (default: the latest run) as one JSON document. */
static int cmd_show(const struct cli *cli)
{
	char err[CONFIG_ERR_LEN], dir[PATH_MAX];

	if (cli->n_dirs)
		snprintf(dir, sizeof(dir), "%s", cli->dirs[0]);
	else
		snprintf(dir, sizeof(dir), "%s/latest", results_root());
	if (show_run(dir, stdout, err, sizeof(err))) {
		one_line(err);
		fprintf(stderr, "ipcbench: show: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char err[CONFIG_ERR_LEN];
	struct cli cli;

	if (cli_parse(argc, argv, &cli, err, sizeof(err))) {
		one_line(err);
		fprintf(stderr, "ipcbench: %s\n", err);
		return EXIT_USAGE;
	}
	switch (cli.cmd) {
	case CMD_HELP:
		cli_usage(stdout);
		return 0;
	case CMD_VERSION:
		printf("ipcbench %s\n", IPCBENCH_VERSION);
		return 0;
	case CMD_LIST:
		if (cli.columns)
			columns_print(stdout, cli.format);
		else
			cmd_list();
		return 0;
	case CMD_RUN:
		return cmd_run(&cli);
	case CMD_CALIBRATE:
		return cmd_calibrate();
	case CMD_CLEAN:
		return cmd_clean();
	case CMD_EXPLAIN:
		return cmd_explain(&cli);
	case CMD_COMPARE:
		return cmd_compare(&cli);
	case CMD_CLAIMS:
		return cmd_claims(&cli);
	case CMD_SHOW:
		return cmd_show(&cli);
	}
	return EXIT_USAGE;
}
