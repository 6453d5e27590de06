/*
 * test_e2e.c - every registered transport through every workload, through
 * the real plan and supervisor, with every message verified byte for byte;
 * then the supervisor's failure paths with transports made to fail; and
 * after all of it, nothing named left behind.
 *
 * Cases run in a private TMPDIR so that leftovers are ours to count.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "proc.h"
#include "runner.h"
#include "util.h"

static struct cpu_pair cpus;

static bool is_lossy(const struct case_spec *c)
{
	return c->ops->flags & TF_LOSSY;
}

/* What must hold of a case that ran. */
static void check_ok_case(const struct case_spec *c, const struct case_result *r)
{
	const struct side_result *tr = &r->side[c->wl->timer];

	CHECK(r->hist != NULL, "%s: no histogram", c->id);
	if (!r->hist)
		return;
	if (is_lossy(c)) {
		CHECK_EQ_U64(tr->received + tr->lost, r->side[SIDE_CLIENT].sent);
		CHECK_EQ_U64(r->hist->total + r->hist->overflow, tr->received);
		if (tr->lost)
			printf("  %s: %llu of %llu lost\n", c->id,
			       (unsigned long long)tr->lost,
			       (unsigned long long)r->side[SIDE_CLIENT].sent);
	} else {
		CHECK_EQ_U64(r->hist->total, c->iterations);
		CHECK_EQ_U64(tr->received, c->iterations);
		CHECK_EQ_U64(r->side[SIDE_CLIENT].sent, c->iterations);
	}
	CHECK(r->span_ns > 0 && r->msgs_per_sec > 0, "%s: no rate", c->id);
	CHECK_EQ_U64(r->messages, tr->received * c->wl->msgs_per_sample);
	CHECK(r->hist->min > 0 && r->hist->max >= r->hist->min,
	      "%s: latencies %lld..%lld", c->id, (long long)r->hist->min,
	      (long long)r->hist->max);
}

/* The whole matrix, through config_defaults + overrides + plan. */
static void test_matrix(void)
{
	static struct suite s;
	struct overrides ov = {
		.sizes = "16,64,4K,64K",
		.iterations = "300",
		.warmup = "20",
		.verify = "full",
		.timeout = "60",
		.placements = cpus.b >= 0 ? "cross-cpu" : "same-cpu",
	};
	char err[CONFIG_ERR_LEN];
	struct case_spec *cases;
	unsigned n, ok = 0, skipped = 0;

	config_defaults(&s);
	CHECK(config_override(&s, &ov, err, sizeof(err)) == 0, "override: %s", err);
	CHECK(plan_build(&s, &cases, &n) == 0, "plan");
	for (unsigned i = 0; i < n; i++) {
		struct case_result r;

		runner_run_case(&cases[i], &cpus, s.timeout_s, &r);
		if (r.status == CASE_OK) {
			ok++;
			check_ok_case(&cases[i], &r);
		} else if (r.status == CASE_SKIPPED) {
			skipped++;
			printf("  %s: skipped: %s\n", cases[i].id, r.reason);
			CHECK(r.reason[0] != '\0', "%s: skipped without a reason",
			      cases[i].id);
		} else {
			CHECK(false, "%s failed: %s", cases[i].id, r.reason);
		}
		hist_free(r.hist);
		hist_free(r.hist_uncorrected);
	}
	printf("matrix: %u cases, %u ok, %u skipped\n", n, ok, skipped);
	CHECK(ok + skipped == n && ok > n / 2, "most cases run");
	free(cases);
}

/* A size beyond a transport's limit is skipped with the reason (mq, udp). */
static void test_limits_skip(void)
{
	static struct suite s;
	struct overrides ov = { .transports = "mq,udp", .sizes = "128K",
				.workloads = "pingpong", .placements = "unpinned",
				.iterations = "10" };
	char err[CONFIG_ERR_LEN];
	struct case_spec *cases;
	unsigned n;

	config_defaults(&s);
	CHECK(config_override(&s, &ov, err, sizeof(err)) == 0, "override: %s", err);
	CHECK(plan_build(&s, &cases, &n) == 0 && n == 2, "plan of 2");
	for (unsigned i = 0; i < n; i++) {
		struct case_result r;

		runner_run_case(&cases[i], &cpus, 10, &r);
		CHECK(r.status == CASE_SKIPPED, "%s: status %d: %s", cases[i].id,
		      r.status, r.reason);
		if (!strcmp(cases[i].ops->name, "mq"))
			CHECK_STR_CONTAINS(r.reason, "fs.mqueue.msgsize_max");
		else
			CHECK_STR_CONTAINS(r.reason, "65507");
		hist_free(r.hist);
		hist_free(r.hist_uncorrected);
	}
	free(cases);
}

/*
 * Transports made to misbehave, to test the supervisor: one whose client
 * cannot open, one whose server crashes, one that never answers.  They wrap
 * the real pipe transport for everything else.
 */
static const struct transport_ops *real_pipe;

static int bad_open(struct transport *t)
{
	if (t->side == SIDE_CLIENT)
		return transport_fail(t, EACCES, "open of the test's client end");
	return real_pipe->open(t);
}

static int crash_recv(struct transport *t, void *buf)
{
	if (t->side == SIDE_SERVER)
		abort();
	return real_pipe->recv(t, buf);
}

static int hang_recv(struct transport *t, void *buf)
{
	(void)t;
	(void)buf;
	for (;;)
		pause();
	return 0;
}

static void run_bad(struct transport_ops *ops, const char *want)
{
	struct case_spec c = { .index = 1, .ops = ops,
			       .wl = workload_find("pingpong"), .size = 64,
			       .placement = PLACE_UNPINNED, .iterations = 100,
			       .warmup = 0 };
	struct case_result r;

	snprintf(c.id, sizeof(c.id), "%s", ops->name);
	runner_run_case(&c, &cpus, 2, &r);
	CHECK(r.status == CASE_FAILED, "%s: status %d", ops->name, r.status);
	CHECK_STR_CONTAINS(r.reason, want);
	hist_free(r.hist);
	hist_free(r.hist_uncorrected);
}

static void test_failures(void)
{
	struct transport_ops ops;

	real_pipe = transport_find("pipe");
	ops = *real_pipe;
	ops.name = "badopen";
	ops.open = bad_open;
	run_bad(&ops, "client: badopen: open of the test's client end: Permission denied");

	ops = *real_pipe;
	ops.name = "crash";
	ops.recv = crash_recv;
	run_bad(&ops, "server killed by signal 6");

	ops = *real_pipe;
	ops.name = "hang";
	ops.recv = hang_recv;
	run_bad(&ops, "deadline of 2 s passed");

}

/* After failures, a good case still runs. */
static void test_after_failures(void)
{
	struct case_spec c = { .index = 1, .ops = transport_find("pipe"),
			       .wl = workload_find("throughput"), .size = 64,
			       .placement = PLACE_UNPINNED, .iterations = 100 };
	struct case_result r;

	snprintf(c.id, sizeof(c.id), "pipe-after-failures");
	runner_run_case(&c, &cpus, 10, &r);
	CHECK(r.status == CASE_OK, "a case after failures: %s", r.reason);
	hist_free(r.hist);
	hist_free(r.hist_uncorrected);
}

int main(void)
{
	char tmp[] = "/tmp/ipcbench-e2e.XXXXXX", prefix[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
	setenv("TMPDIR", tmp, 1);
	CHECK(proc_init() == 0, "proc_init");
	CHECK(runner_pick_cpus(&cpus) == 0, "cpus");

	test_matrix();
	test_limits_skip();
	test_failures();
	test_after_failures();

	snprintf(prefix, sizeof(prefix), "ipcbench.%d.", (int)getpid());
	CHECK(check_leftovers(tmp, "ipcbench", false) == 0,
	      "private directories left in %s", tmp);
	CHECK(check_leftovers("/dev/shm", prefix, false) == 0,
	      "shm segments left");
	CHECK(check_leftovers("/dev/mqueue", prefix, false) == 0,
	      "queues left");
	CHECK(rmdir(tmp) == 0, "%s is not empty", tmp);
	proc_fini();
	return check_summary("test_e2e");
}
