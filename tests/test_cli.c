/*
 * test_cli.c - command-line parsing: commands, short and long flags, flag
 * order, repeated --option, and the errors that must name the flag.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "util.h"

#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

static int parse(char **argv, int argc, struct cli *c, char *err)
{
	err[0] = '\0';
	return cli_parse(argc, argv, c, err, CONFIG_ERR_LEN);
}

#define PARSE(c, err, ...)                                                   \
	parse((char *[]){ "ipcbench", __VA_ARGS__, NULL },                   \
	      ARGC(((char *[]){ "ipcbench", __VA_ARGS__, NULL })), c, err)

static void test_commands(void)
{
	char err[CONFIG_ERR_LEN];
	struct cli c;
	char *none[] = { "ipcbench", NULL };

	CHECK(parse(none, 1, &c, err) == 0 && c.cmd == cli_find("help"), "no command");
	CHECK(PARSE(&c, err, "--help") == 0 && c.cmd == cli_find("help"), "--help");
	CHECK(PARSE(&c, err, "-h") == 0 && c.cmd == cli_find("help"), "-h");
	CHECK(PARSE(&c, err, "--version") == 0 && c.cmd == cli_find("version"), "--version");
	CHECK(PARSE(&c, err, "version") == 0 && c.cmd == cli_find("version"), "version");
	CHECK(PARSE(&c, err, "list") == 0 && c.cmd == cli_find("list"), "list");
	CHECK(PARSE(&c, err, "run") == 0 && c.cmd == cli_find("run") && !c.n_args,
	      "run without a suite");
	CHECK(PARSE(&c, err, "run", "--help") == 0 && c.cmd == cli_find("help"),
	      "run --help");

	CHECK(PARSE(&c, err, "rnu") == -EINVAL, "unknown command");
	CHECK_STR_CONTAINS(err, "unknown command 'rnu'");
	CHECK_STR_CONTAINS(err, "run, list");
	CHECK(PARSE(&c, err, "-t", "pipe", "run") == -EINVAL,
	      "a flag before the command");
	CHECK_STR_CONTAINS(err, "must follow a command");
	CHECK(PARSE(&c, err, "list", "-t", "pipe") == -EINVAL, "list takes no flags");
	CHECK_STR_CONTAINS(err, "takes no flags");
}

static void test_run_flags(void)
{
	char err[CONFIG_ERR_LEN];
	struct cli c;

	CHECK(PARSE(&c, err, "run", "bench/quick.yaml", "-t", "pipe,uds", "-w",
		    "pingpong", "-s", "64,4K", "-p", "cross-cpu", "-n", "20000",
		    "--warmup", "10", "-o", "out", "--format", "csv", "-q",
		    "-O", "wait=spin", "--option", "slots=4", "--timeout", "5",
		    "--verify", "full") == 0, "every flag: %s", err);
	CHECK(c.cmd == cli_find("run"), "command");
	CHECK(c.n_args && !strcmp(c.args[0], "bench/quick.yaml"), "suite");
	CHECK(c.ov.transports && !strcmp(c.ov.transports, "pipe,uds"), "-t");
	CHECK(c.ov.workloads && !strcmp(c.ov.workloads, "pingpong"), "-w");
	CHECK(c.ov.sizes && !strcmp(c.ov.sizes, "64,4K"), "-s");
	CHECK(c.ov.placements && !strcmp(c.ov.placements, "cross-cpu"), "-p");
	CHECK(c.ov.iterations && !strcmp(c.ov.iterations, "20000"), "-n");
	CHECK(c.ov.warmup && !strcmp(c.ov.warmup, "10"), "--warmup");
	CHECK(c.ov.timeout && !strcmp(c.ov.timeout, "5"), "--timeout");
	CHECK(c.ov.verify && !strcmp(c.ov.verify, "full"), "--verify");
	CHECK(c.output && !strcmp(c.output, "out"), "-o");
	CHECK(c.format == FORMAT_CSV, "--format csv");
	CHECK(c.quiet, "-q");
	CHECK_EQ_U64(c.ov.n_options, 2);
	CHECK(!strcmp(c.ov.options[0], "wait=spin") &&
	      !strcmp(c.ov.options[1], "slots=4"), "--option order");

	/* The suite may come after the flags; long forms with '='. */
	CHECK(PARSE(&c, err, "run", "--transport=fifo", "--size=1M",
		    "suite.yaml") == 0 && c.n_args &&
	      !strcmp(c.args[0], "suite.yaml") &&
	      !strcmp(c.ov.transports, "fifo") && !strcmp(c.ov.sizes, "1M"),
	      "flags then suite: %s", err);
	CHECK(PARSE(&c, err, "run", "-f", "json") == 0 &&
	      c.format == FORMAT_JSON, "-f json");
	CHECK(PARSE(&c, err, "run") == 0 && c.format == FORMAT_TABLE,
	      "table is the default format");
}

static void test_run_errors(void)
{
	char err[CONFIG_ERR_LEN];
	struct cli c;

	CHECK(PARSE(&c, err, "run", "--sise", "64") == -EINVAL, "unknown long flag");
	CHECK_STR_CONTAINS(err, "unknown flag '--sise'");
	CHECK(PARSE(&c, err, "run", "-x") == -EINVAL, "unknown short flag");
	CHECK_STR_CONTAINS(err, "unknown flag '-x'");
	CHECK(PARSE(&c, err, "run", "-s") == -EINVAL, "missing value");
	CHECK_STR_CONTAINS(err, "'-s' needs a value");
	CHECK(PARSE(&c, err, "run", "--format", "xml") == -EINVAL, "bad format");
	CHECK_STR_CONTAINS(err, "--format: 'xml' is not a format (valid: table, csv, json)");
	CHECK(PARSE(&c, err, "run", "a.yaml", "b.yaml") == -EINVAL,
	      "two suites");
	CHECK_STR_CONTAINS(err, "unexpected argument 'b.yaml'");
}

/* compare takes two directories and -f; claims at most one and -f. */
static void test_compare_claims(void)
{
	char err[CONFIG_ERR_LEN];
	struct cli c;

	CHECK(PARSE(&c, err, "compare", "a", "b", "-f", "csv") == 0 &&
	      c.cmd == cli_find("compare") && c.n_args == 2 &&
	      !strcmp(c.args[0], "a") && !strcmp(c.args[1], "b") &&
	      c.format == FORMAT_CSV,
	      "compare a b -f csv: %s", err);
	CHECK(PARSE(&c, err, "compare", "a") == -EINVAL, "compare one dir");
	CHECK_STR_CONTAINS(err, "compare needs two results directories");
	CHECK(PARSE(&c, err, "compare", "a", "b", "c") == -EINVAL,
	      "compare three dirs");
	CHECK_STR_CONTAINS(err, "unexpected argument 'c'");
	CHECK(PARSE(&c, err, "compare", "a", "b", "-t", "pipe") == -EINVAL,
	      "compare takes no run flags");
	CHECK_STR_CONTAINS(err, "takes no flags");
	CHECK(PARSE(&c, err, "claims") == 0 && c.cmd == cli_find("claims") &&
	      c.n_args == 0, "claims without DIR");
	CHECK(PARSE(&c, err, "claims", "-f", "json", "d") == 0 &&
	      c.n_args == 1 && !strcmp(c.args[0], "d") &&
	      c.format == FORMAT_JSON, "claims -f json d: %s", err);
	CHECK(PARSE(&c, err, "claims", "d", "e") == -EINVAL, "claims two dirs");
	CHECK_STR_CONTAINS(err, "unexpected argument 'e'");
	CHECK(PARSE(&c, err, "compare", "a", "b", "-f", "json") == -EINVAL,
	      "compare -f json");
	CHECK_STR_CONTAINS(err, "--format json: compare prints table or csv");
	CHECK(PARSE(&c, err, "show", "-f", "json") == -EINVAL, "show -f");
	CHECK_STR_CONTAINS(err, "-f belongs to run, list, compare, claims, not show: show takes no flags");
}

/* list: text or JSON; csv only for --columns. */
static void test_list(void)
{
	char err[CONFIG_ERR_LEN];
	struct cli c;

	CHECK(PARSE(&c, err, "list", "-f", "json") == 0 &&
	      c.cmd == cli_find("list") && c.format == FORMAT_JSON,
	      "list -f json: %s", err);
	CHECK(PARSE(&c, err, "list", "--columns", "-f", "csv") == 0 &&
	      c.columns && c.format == FORMAT_CSV,
	      "list --columns -f csv: %s", err);
	CHECK(PARSE(&c, err, "list", "-f", "csv") == -EINVAL,
	      "list -f csv without --columns");
	CHECK_STR_CONTAINS(err, "csv only with --columns");
	CHECK(PARSE(&c, err, "list", "extra") == -EINVAL, "list extra");
	CHECK_STR_CONTAINS(err, "unexpected argument 'extra'");
}

/* help for one command: `help NAME` and `NAME --help`. */
static void test_help(void)
{
	char err[CONFIG_ERR_LEN];
	struct cli c;

	CHECK(PARSE(&c, err, "compare", "--help") == 0 &&
	      c.cmd == cli_find("help") && c.help_for == cli_find("compare"),
	      "compare --help: %s", err);
	CHECK(PARSE(&c, err, "--help") == 0 && !c.help_for, "--help");
	CHECK(PARSE(&c, err, "help", "explain") == 0 &&
	      c.cmd == cli_find("help") && c.n_args == 1, "help explain");
	CHECK(PARSE(&c, err, "help", "rnu") == -EINVAL, "help rnu");
	CHECK_STR_CONTAINS(err, "unknown command 'rnu'");
	for (const struct cli_command *k = cli_commands; k->name; k++)
		CHECK_STR_CONTAINS(err, k->name);
}

/* explain takes one transport name, and --results DIR only with it. */
static void test_explain(void)
{
	char err[CONFIG_ERR_LEN];
	struct cli c;

	CHECK(PARSE(&c, err, "explain") == 0 && c.cmd == cli_find("explain") &&
	      !c.n_args && !c.results, "explain: %s", err);
	CHECK(PARSE(&c, err, "explain", "shm", "--results", "d") == 0 &&
	      !strcmp(c.args[0], "shm") && !strcmp(c.results, "d"),
	      "explain shm --results d: %s", err);
	CHECK(PARSE(&c, err, "explain", "--results", "d", "shm") == 0 &&
	      !strcmp(c.args[0], "shm") && !strcmp(c.results, "d"),
	      "explain --results d shm: %s", err);
	CHECK(PARSE(&c, err, "explain", "--results", "d") == -EINVAL,
	      "explain --results without a transport");
	CHECK_STR_CONTAINS(err, "needs a transport");
	CHECK(PARSE(&c, err, "run", "--results", "d") == -EINVAL,
	      "run --results");
	CHECK_STR_CONTAINS(err, "--results belongs to explain");
	CHECK(PARSE(&c, err, "explain", "shm", "pipe") == -EINVAL,
	      "explain two transports");
	CHECK_STR_CONTAINS(err, "unexpected argument 'pipe'");
	CHECK(PARSE(&c, err, "explain", "shm", "-s", "64") == -EINVAL,
	      "explain takes no run flags");
	CHECK_STR_CONTAINS(err, "takes no flags");
}

/* The help text is the table's: a command's usage names the formats -f
 * takes, and -f appears where the command takes it. */
static void test_usage_formats(void)
{
	for (const struct cli_command *k = cli_commands; k->name; k++) {
		char want[64] = "-f ";

		for (unsigned f = FORMAT_TABLE; f <= FORMAT_JSON; f++) {
			if (!(k->formats & CLI_FORMAT(f)))
				continue;
			if (strlen(want) > 3)
				strcat(want, "|");
			strcat(want, format_name(f));
		}
		CHECK(!(k->flags & CLI_FLAG(FL_FORMAT)) == !k->formats,
		      "%s: -f and its formats go together", k->name);
		if (k->formats && !strstr(k->usage, "[flags]"))
			CHECK_STR_CONTAINS(k->usage, want);
		if (!k->formats)
			CHECK(!strstr(k->usage, "-f"), "%s: usage has no -f",
			      k->name);
		CHECK(!k->min_args || k->args_what, "%s: what it needs",
		      k->name);
	}
}

int main(void)
{
	test_commands();
	test_run_flags();
	test_run_errors();
	test_compare_claims();
	test_explain();
	test_list();
	test_help();
	test_usage_formats();
	return check_summary("test_cli");
}
