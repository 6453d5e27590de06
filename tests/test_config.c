/*
 * test_config.c - suites load with the values they say, every bad suite
 * fails with one line naming its file, line and key, and flags override
 * and fail naming the flag.
 *
 * Usage: test_config FIXTURE_DIR (tests/data; the shipped suites are
 * found at FIXTURE_DIR/../../bench).  Only transport names and option keys
 * the project promises are used, so this runs against the real registry.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "config.h"
#include "transport.h"
#include "util.h"
#include "workload.h"

static const char *dir;
static struct suite s, saved;
static char err[CONFIG_ERR_LEN];

static const char *fixture(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static int load(const char *name)
{
	int ret;

	err[0] = '\0';
	ret = config_load(fixture(name), &s, err, sizeof(err));
	CHECK(ret == 0, "%s: %d: %s", name, ret, err);
	return ret;
}

/* The error of a bad suite: its return and two parts of its one line. */
static void bad(const char *name, int want, const char *where,
		const char *what)
{
	int ret;

	err[0] = '\0';
	ret = config_load(fixture(name), &s, err, sizeof(err));
	CHECK(ret == want, "%s: returned %d, want %d (%s)", name, ret, want, err);
	CHECK_STR_CONTAINS(err, where);
	CHECK_STR_CONTAINS(err, what);
	CHECK(!strchr(err, '\n'), "%s: more than one line: %s", name, err);
}

static unsigned count(const void *const *registry)
{
	unsigned n = 0;

	while (registry[n])
		n++;
	return n;
}

static int option_of(const char *transport, const char *key, const char *text,
		     uint64_t *v)
{
	const struct transport_ops *t = transport_find(transport);
	char why[256];
	int k = t ? transport_option_index(t, key) : -1;

	if (k < 0)
		return -1;
	return transport_option_parse(&t->options[k], text, v, why, sizeof(why)) ?
	       -1 : k;
}

static void test_registry(void)
{
	static const char *const run_keys[] = {
		"transports", "workloads", "sizes", "placements", "iterations",
		"warmup",
	};

	/* An option key equal to a run key could never be written. */
	for (unsigned i = 0; transport_registry[i]; i++) {
		const struct transport_option *o = transport_registry[i]->options;

		for (; o && o->key; o++) {
			for (unsigned k = 0; k < ARRAY_SIZE(run_keys); k++)
				CHECK(strcmp(o->key, run_keys[k]), "%s: option '%s' is a run key",
				      transport_registry[i]->name, o->key);
		}
	}
}

static void test_good(void)
{
	const struct run *r;
	uint64_t v;

	if (load("good_full.yaml") == 0) {
		CHECK(!strcmp(s.name, "full"), "name %s", s.name);
		CHECK(!strcmp(s.description, "a suite that sets everything"), "%s",
		      s.description);
		CHECK_EQ_U64(s.iterations, 20000);
		CHECK_EQ_U64(s.warmup, 500);
		CHECK_EQ_U64(s.timeout_s, 120);
		CHECK_EQ_U64(s.verify, VERIFY_FULL);
		CHECK_EQ_U64(s.n_runs, 2);
		r = &s.runs[0];
		CHECK_EQ_U64(r->index, 1);
		CHECK_EQ_U64(r->line, 9);
		CHECK_EQ_U64(r->n_transports, 2);
		CHECK(r->transports[0] == transport_find("pipe"), "pipe");
		CHECK(r->transports[1] == transport_find("uds"), "uds");
		CHECK_EQ_U64(r->n_workloads, 1);
		CHECK(r->workloads[0] == workload_find("pingpong"), "pingpong");
		CHECK_EQ_U64(r->n_sizes, 3);
		CHECK_EQ_U64(r->sizes[0], 64);
		CHECK_EQ_U64(r->sizes[1], 4096);
		CHECK_EQ_U64(r->sizes[2], 1048576);
		CHECK_EQ_U64(r->n_placements, 1);
		CHECK_EQ_U64(r->placements[0], PLACE_CROSS_CPU);
		CHECK_EQ_U64(r->iterations, 5000);
		CHECK_EQ_U64(r->warmup, 0);
		CHECK_EQ_U64(r->n_options, 0);
		r = &s.runs[1];
		CHECK_EQ_U64(r->index, 2);
		CHECK_EQ_U64(r->line, 15);
		CHECK_EQ_U64(r->n_transports, 1);
		CHECK(r->transports[0] == transport_find("shm"), "shm");
		CHECK_EQ_U64(r->n_workloads,
			     count((const void *const *)workload_registry));
		CHECK_EQ_U64(r->n_sizes, 2);
		CHECK_EQ_U64(r->sizes[0], 16);
		CHECK_EQ_U64(r->sizes[1], 65536);
		CHECK_EQ_U64(r->n_placements, 2);
		CHECK_EQ_U64(r->placements[1], PLACE_UNPINNED);
		CHECK_EQ_U64(r->iterations, 20000);	/* the suite's */
		CHECK_EQ_U64(r->warmup, 500);
		CHECK_EQ_U64(r->n_options, 1);
		CHECK(!strcmp(r->options[0].key, "wait") &&
		      !strcmp(r->options[0].value, "spin"), "option %s=%s",
		      r->options[0].key, r->options[0].value);
		CHECK_EQ_U64(r->options[0].line, 21);
	}
	if (load("good_minimal.yaml") == 0) {
		r = &s.runs[0];
		CHECK(!strcmp(s.name, "") && !strcmp(s.description, ""), "text");
		CHECK_EQ_U64(s.iterations, SUITE_DEFAULT_ITERATIONS);
		CHECK_EQ_U64(s.warmup, SUITE_DEFAULT_WARMUP);
		CHECK_EQ_U64(s.timeout_s, SUITE_DEFAULT_TIMEOUT_S);
		CHECK_EQ_U64(s.verify, VERIFY_SEQ);
		CHECK_EQ_U64(s.n_runs, 1);
		CHECK_EQ_U64(r->line, 2);
		CHECK_EQ_U64(r->n_workloads,
			     count((const void *const *)workload_registry));
		for (unsigned i = 0; i < r->n_workloads; i++)
			CHECK(r->workloads[i] == workload_registry[i], "workload %u", i);
		CHECK_EQ_U64(r->n_sizes, 1);
		CHECK_EQ_U64(r->sizes[0], 64);
		CHECK_EQ_U64(r->n_placements, 2);
		CHECK_EQ_U64(r->placements[0], PLACE_SAME_CPU);
		CHECK_EQ_U64(r->placements[1], PLACE_CROSS_CPU);
		CHECK_EQ_U64(r->iterations, SUITE_DEFAULT_ITERATIONS);
		CHECK_EQ_U64(r->warmup, SUITE_DEFAULT_WARMUP);
	}
	if (load("good_alias.yaml") == 0) {
		r = &s.runs[1];
		CHECK_EQ_U64(s.n_runs, 2);
		CHECK(r->n_transports == 2 && r->transports[0] == transport_find("fifo") &&
		      r->transports[1] == transport_find("mq"), "aliased transports");
		CHECK(r->n_sizes == 2 && r->sizes[0] == 64 && r->sizes[1] == 4096,
		      "aliased sizes");
	}
	/* Resolved options: the table's defaults, then the run's settings. */
	if (load("good_full.yaml") == 0) {
		uint64_t opt[TRANSPORT_MAX_OPTS];
		const struct transport_ops *shm = transport_find("shm");
		const struct transport_ops *pipe = transport_find("pipe");
		int k = option_of("shm", "wait", "spin", &v);

		CHECK(k >= 0, "shm takes wait=spin");
		CHECK(config_resolve_options(&s.runs[1], shm, opt, err,
					     sizeof(err)) == 0, "%s", err);
		CHECK(k >= 0 && opt[k] == v, "wait resolved to spin");
		k = option_of("pipe", "pipe_size", transport_find("pipe")->options[0].def, &v);
		CHECK(config_resolve_options(&s.runs[0], pipe, opt, err,
					     sizeof(err)) == 0, "%s", err);
		CHECK(k >= 0 && opt[k] == v, "pipe_size is its default");
		CHECK(config_resolve_options(&s.runs[1], pipe, opt, err,
					     sizeof(err)) == -EINVAL, "pipe has no wait");
	}
}

static void test_paced(void)
{
	const struct run *r;

	if (load("good_paced.yaml") == 0) {
		CHECK_EQ_U64(s.repetitions, 5);
		CHECK_EQ_U64(s.rate, 0);
		r = &s.runs[0];
		CHECK_EQ_U64(r->rate, 20000);
		CHECK_EQ_U64(r->stall_ms, 100);
		CHECK_EQ_U64(r->n_sizes, 4);	/* the end is included */
		CHECK_EQ_U64(r->sizes[0], 64);
		CHECK_EQ_U64(r->sizes[1], 256);
		CHECK_EQ_U64(r->sizes[2], 1024);
		CHECK_EQ_U64(r->sizes[3], 4096);
		r = &s.runs[1];
		CHECK_EQ_U64(r->rate, 0);
		CHECK_EQ_U64(r->n_sizes, 4);	/* 16, 32, 64 and 1M */
		CHECK_EQ_U64(r->sizes[2], 64);
		CHECK_EQ_U64(r->sizes[3], 1048576);
	}
	bad("bad_paced_pingpong.yaml", -EINVAL, "bad_paced_pingpong.yaml:4: key 'rate': ",
	    "workload 'pingpong' is a closed loop and cannot be paced or stalled");
	bad("bad_size_range.yaml", -EINVAL, "bad_size_range.yaml:3: key 'sizes': ",
	    "'16..256*4' repeats size 64, listed before");
}

static void test_bad(void)
{
	bad("bad_typo_key.yaml", -EINVAL, "bad_typo_key.yaml:3: key 'trasnports': ",
	    "unknown key (valid: transports, workloads, sizes, placements, iterations, warmup, ");
	bad("bad_typo_key.yaml", -EINVAL, ": unknown key", "wait");
	bad("bad_unknown_top.yaml", -EINVAL, "bad_unknown_top.yaml:2: key 'iteration': ",
	    "unknown key (valid: name, description, iterations, warmup, rate, stall_ms, timeout_s, repetitions, verify, runs)");
	bad("bad_size_junk.yaml", -EINVAL, "bad_size_junk.yaml:5: key 'sizes': ",
	    "'64abc' is not a size (examples: 64, 4K, 1M)");
	bad("bad_size_small.yaml", -EINVAL, "bad_size_small.yaml:4: key 'sizes': ",
	    "'8' is too small: a size must be at least 16 bytes, the message header");
	bad("bad_size_fraction.yaml", -EINVAL, "bad_size_fraction.yaml:3: key 'sizes': ",
	    "'1.5' is not a size");
	bad("bad_size_negative.yaml", -EINVAL, "bad_size_negative.yaml:3: key 'sizes': ",
	    "'-1' is not a size");
	bad("bad_size_octal.yaml", -EINVAL, "bad_size_octal.yaml:4: key 'sizes': ",
	    "'010' has a leading zero (some YAML readers take it for octal: write it without)");
	bad("bad_size_large.yaml", -EINVAL, "bad_size_large.yaml:3: key 'sizes': ",
	    "'128M' is out of range (16..67108864)");
	bad("bad_iterations_zero.yaml", -EINVAL,
	    "bad_iterations_zero.yaml:3: key 'iterations': ",
	    "'0' is out of range (1..100000000)");
	bad("bad_warmup_negative.yaml", -EINVAL,
	    "bad_warmup_negative.yaml:2: key 'warmup': ", "'-5' is not a whole number");
	bad("bad_timeout.yaml", -EINVAL, "bad_timeout.yaml:1: key 'timeout_s': ",
	    "'4000' is out of range (1..3600)");
	bad("bad_empty.yaml", -EINVAL, "bad_empty.yaml: ", "the suite is empty");
	bad("bad_comments.yaml", -EINVAL, "bad_comments.yaml: ", "the suite is empty");
	bad("bad_not_yaml.yaml", -EINVAL, "bad_not_yaml.yaml:2: ", "not valid YAML: ");
	bad(".", -EISDIR, "data/.: ", "is a directory");
	bad("does_not_exist.yaml", -ENOENT, "does_not_exist.yaml: ",
	    "No such file or directory");
	bad("bad_transport.yaml", -EINVAL, "bad_transport.yaml:2: key 'transports': ",
	    "'pipez' is not a transport (valid: pipe, fifo, ");
	bad("bad_workload.yaml", -EINVAL, "bad_workload.yaml:3: key 'workloads': ",
	    "'pingpang' is not a workload (valid: ");
	bad("bad_placement.yaml", -EINVAL, "bad_placement.yaml:5: key 'placements': ",
	    "'other-cpu' is not a placement (valid: same-cpu, cross-cpu, unpinned)");
	bad("bad_verify.yaml", -EINVAL, "bad_verify.yaml:2: key 'verify': ",
	    "'bytes' is not a verify mode (valid: seq, full)");
	bad("bad_dup_key.yaml", -EINVAL, "bad_dup_key.yaml:4: key 'sizes': ",
	    "given twice in one mapping (first at line 3)");
	bad("bad_dup_item.yaml", -EINVAL, "bad_dup_item.yaml:5: key 'transports': ",
	    "'pipe' is listed twice");
	bad("bad_dup_size.yaml", -EINVAL, "bad_dup_size.yaml:3: key 'sizes': ",
	    "'4K' is listed twice");
	bad("bad_option_not_taken.yaml", -EINVAL,
	    "bad_option_not_taken.yaml:5: key 'wait': ",
	    "transport 'pipe' does not take option 'wait' (it takes: ");
	bad("bad_option_not_taken.yaml", -EINVAL, "(it takes: ", "pipe_size");
	bad("bad_option_value.yaml", -EINVAL, "bad_option_value.yaml:3: key 'wait': ",
	    "transport 'shm': 'fast' ");
	bad("bad_no_runs.yaml", -EINVAL, "bad_no_runs.yaml:1: key 'runs': ",
	    "missing");
	bad("bad_runs_empty.yaml", -EINVAL, "bad_runs_empty.yaml:2: key 'runs': ",
	    "the list is empty");
	bad("bad_no_transports.yaml", -EINVAL,
	    "bad_no_transports.yaml:3: key 'transports': ", "missing");
	bad("bad_empty_list.yaml", -EINVAL, "bad_empty_list.yaml:3: key 'sizes': ",
	    "the list is empty");
	bad("bad_list_scalar.yaml", -EINVAL, "bad_list_scalar.yaml:3: key 'sizes': ",
	    "expected a list, found a single value");
	bad("bad_run_scalar.yaml", -EINVAL, "bad_run_scalar.yaml:3: key 'runs': ",
	    "expected a mapping");
	bad("bad_two_docs.yaml", -EINVAL, "bad_two_docs.yaml:3: ",
	    "one YAML document");
	bad("bad_tab.yaml", -EINVAL, "bad_tab.yaml:3: ",
	    "not valid YAML: found character that cannot start any token (a tab: YAML indents with spaces)");
	bad("bad_name_long.yaml", -EINVAL, "bad_name_long.yaml:1: key 'name': ",
	    "longer than 63 characters");
	bad("bad_option_empty.yaml", -EINVAL, "bad_option_empty.yaml:4: key 'wait': ",
	    "no value given");
	bad("bad_type_list.yaml", -EINVAL, "bad_type_list.yaml:4: key 'iterations': ",
	    "expected a single value, found a list");
	bad("bad_type_mapping.yaml", -EINVAL, "bad_type_mapping.yaml:2: key 'name': ",
	    "expected a single value, found a mapping of keys");
	bad("bad_iterations_junk.yaml", -EINVAL,
	    "bad_iterations_junk.yaml:1: key 'iterations': ",
	    "'100 junk' is not a whole number");
	bad("bad_timeout_zero.yaml", -EINVAL, "bad_timeout_zero.yaml:1: key 'timeout_s': ",
	    "'0' is out of range (1..3600)");
	bad("bad_option_junk.yaml", -EINVAL, "bad_option_junk.yaml:3: key 'queue_depth': ",
	    "transport 'mq': '10x' is not a whole number");
}

/* config_override on s; its error must contain want (NULL: success). */
static void over(const struct overrides *o, const char *want)
{
	int ret;

	err[0] = '\0';
	memcpy(&saved, &s, sizeof(s));
	ret = config_override(&s, o, err, sizeof(err));
	if (!want) {
		CHECK(ret == 0, "override failed: %s", err);
		return;
	}
	CHECK(ret == -EINVAL, "override returned %d, want -EINVAL (%s)", ret, err);
	CHECK_STR_CONTAINS(err, want);
	CHECK(memcmp(&s, &saved, sizeof(s)) == 0, "a failed override changed s");
}

static void test_defaults_and_overrides(void)
{
	const struct run *r = &s.runs[0];
	unsigned nt = count((const void *const *)transport_registry);

	config_defaults(&s);
	CHECK_EQ_U64(s.n_runs, 1);
	CHECK_EQ_U64(r->n_transports, nt < SUITE_MAX_LIST ? nt : SUITE_MAX_LIST);
	CHECK(r->transports[0] == transport_registry[0], "first transport");
	CHECK_EQ_U64(r->n_workloads, count((const void *const *)workload_registry));
	CHECK(r->n_sizes == 3 && r->sizes[0] == 64 && r->sizes[1] == 4096 &&
	      r->sizes[2] == 65536, "default sizes");
	CHECK(r->n_placements == 2 && r->placements[0] == PLACE_SAME_CPU &&
	      r->placements[1] == PLACE_CROSS_CPU, "default placements");
	CHECK_EQ_U64(r->iterations, SUITE_DEFAULT_ITERATIONS);
	CHECK_EQ_U64(s.timeout_s, SUITE_DEFAULT_TIMEOUT_S);
	CHECK(!strcmp(verify_name(s.verify), "seq"), "verify seq");
	CHECK(!strcmp(verify_name(VERIFY_FULL), "full"), "verify full");

	over(&(struct overrides){ .sizes = "64abc" },
	     "--size: '64abc' is not a size (examples: 64, 4K, 1M)");
	over(&(struct overrides){ .sizes = "64,8" }, "--size: '8' is too small");
	over(&(struct overrides){ .transports = "pipe,pipez" },
	     "--transport: 'pipez' is not a transport (valid: pipe, ");
	over(&(struct overrides){ .transports = "pipe,pipe" },
	     "--transport: 'pipe' is listed twice");
	over(&(struct overrides){ .workloads = "ping" },
	     "--workload: 'ping' is not a workload (valid: ");
	over(&(struct overrides){ .placements = "same-cpu,,cross-cpu" },
	     "--placement: 'same-cpu,,cross-cpu': an item is empty");
	over(&(struct overrides){ .iterations = "0" },
	     "--iterations: '0' is out of range");
	over(&(struct overrides){ .warmup = "1e3" },
	     "--warmup: '1e3' is not a whole number");
	over(&(struct overrides){ .timeout = "0" }, "--timeout: '0' is out of range");
	over(&(struct overrides){ .verify = "all" },
	     "--verify: 'all' is not a verify mode (valid: seq, full)");
	over(&(struct overrides){ .options = { "wait" }, .n_options = 1 },
	     "--option: 'wait' expects KEY=VALUE");
	over(&(struct overrides){ .options = { "nosuch=1" }, .n_options = 1 },
	     "--option nosuch=1: no transport takes option 'nosuch'");
	/* The defaults hold every transport, and pipe comes first. */
	over(&(struct overrides){ .options = { "wait=spin" }, .n_options = 1 },
	     "--option wait=spin: transport 'pipe' does not take option 'wait' (it takes: ");
	over(&(struct overrides){ .transports = "shm",
				  .options = { "wait=fast" }, .n_options = 1 },
	     "--option wait=fast: transport 'shm': 'fast'");

	over(&(struct overrides){ .transports = "shm,uds", .sizes = "4K,64",
				  .placements = "cross-cpu", .iterations = "500",
				  .warmup = "0", .timeout = "5", .verify = "full" },
	     NULL);
	CHECK(r->n_transports == 2 && r->transports[0] == transport_find("shm"),
	      "--transport replaced");
	CHECK(r->n_sizes == 2 && r->sizes[0] == 4096 && r->sizes[1] == 64,
	      "--size replaced");
	CHECK(r->n_placements == 1 && r->placements[0] == PLACE_CROSS_CPU,
	      "--placement replaced");
	CHECK(r->iterations == 500 && s.iterations == 500 && r->warmup == 0,
	      "--iterations, --warmup");
	CHECK(s.timeout_s == 5 && s.verify == VERIFY_FULL, "--timeout, --verify");
	over(&(struct overrides){ .transports = "shm", .options = { "wait=sem",
				  "wait=spin" }, .n_options = 2 }, NULL);
	CHECK(r->n_options == 1 && !strcmp(r->options[0].value, "spin") &&
	      r->options[0].line == 0, "--option replaces the same key");

	/* A suite option orphaned by --transport names its line and the flag. */
	if (load("good_override_option.yaml") == 0) {
		over(&(struct overrides){ .transports = "pipe" },
		     "good_override_option.yaml:5: key 'wait': transport 'pipe' (from --transport) does not take option 'wait'");
		over(&(struct overrides){ .options = { "wait=sem" }, .n_options = 1 },
		     NULL);
		CHECK(s.runs[0].n_options == 1 && !strcmp(s.runs[0].options[0].value, "sem") &&
		      s.runs[0].options[0].line == 0, "flag replaced the suite's wait");
	}
	/* A suite without runs gets the default run. */
	memset(&s, 0, sizeof(s));
	s.iterations = 7;
	over(&(struct overrides){ .transports = "uds" }, NULL);
	CHECK(s.n_runs == 1 && s.runs[0].n_transports == 1 &&
	      s.runs[0].n_sizes == 3 && s.runs[0].iterations == 7,
	      "a run made from flags");
}

static void test_shipped(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/../../bench/default.yaml", dir);
	CHECK(config_load(path, &s, err, sizeof(err)) == 0, "%s", err);
	CHECK(s.n_runs >= 2, "default.yaml has a spin run");
	snprintf(path, sizeof(path), "%s/../../bench/quick.yaml", dir);
	CHECK(config_load(path, &s, err, sizeof(err)) == 0, "%s", err);
	CHECK(s.n_runs == 1 && s.runs[0].iterations == 1000 &&
	      s.runs[0].warmup == 100 && s.runs[0].n_transports == 3,
	      "quick.yaml");
}

static unsigned dir_entries(void)
{
	DIR *d = opendir(dir);
	unsigned n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	unsigned before;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	before = dir_entries();
	CHECK(before > 0, "cannot read %s", dir);
	test_registry();
	test_good();
	test_bad();
	test_paced();
	test_defaults_and_overrides();
	test_shipped();
	CHECK_EQ_U64(dir_entries(), before);	/* loading creates nothing */
	return check_summary("test_config");
}
