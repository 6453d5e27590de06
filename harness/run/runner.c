/*
 * runner.c - the supervisor: runs one benchmark case in two fresh child
 * processes and always cleans up after it.
 *
 * The parent is never in a timed path.  For each case it creates the
 * transport's named objects, a shared mapping for the children's results and
 * histograms, and runs a client and a server as a group of two (proc.c:
 * pinned per the placement, released together, supervised against the
 * deadline and stop signals, always reaped).  A dead, failed or hung child
 * fails that case only, and the root cause is named; teardown runs whatever
 * happened.  It does not write results (report.c), decide what to run
 * (plan.c) or wait for processes itself (proc.c).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "runner.h"
#include "util.h"

#define HIST_LOWEST 1
#define HIST_HIGHEST 10000000000LL	/* 10 s in ns */
#define HIST_SIGFIGS 3
#define LINGER_NS 100000000LL		/* 100 ms: see proc_group_wait() */

/* The two results and three histograms live in one MAP_SHARED block. */
struct shared {
	struct side_result side[2];
	struct hist *hist[2];
	struct hist *hist_uncorrected;		/* paced receiver: from actual send */
};
#define SHARED_HISTS 3

static size_t align64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

int runner_pick_cpus(struct cpu_pair *cpus)
{
	cpu_set_t set;
	int found = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	cpus->a = cpus->b = -1;
	for (int i = 0; i < CPU_SETSIZE && found < 2; i++) {
		if (!CPU_ISSET(i, &set))
			continue;
		if (found++ == 0)
			cpus->a = i;
		else
			cpus->b = i;
	}
	return cpus->a < 0 ? -ENODEV : 0;
}

void runner_make_tag(char *buf, size_t len)
{
	static const char abc[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[6];
	char s[7];

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		uint64_t x = (uint64_t)now_ns() ^ (uint64_t)getpid() << 32;

		memcpy(rnd, &x, sizeof(rnd));
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		s[i] = abc[rnd[i] % (sizeof(abc) - 1)];
	s[6] = '\0';
	snprintf(buf, len, "ipcbench.%d.%s", (int)getpid(), s);
}

static uint64_t random_cookie(void)
{
	uint64_t c;

	if (getrandom(&c, sizeof(c), 0) != sizeof(c))
		c = (uint64_t)now_ns() * 0x9e3779b97f4a7c15ULL;
	return c;
}

static void set_reason(struct case_result *r, enum case_status st,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_reason(struct case_result *r, enum case_status st,
		       const char *fmt, ...)
{
	va_list ap;

	if (r->status == CASE_FAILED)
		return;		/* keep the first failure */
	r->status = st;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* What one side's process needs; its copy lives on in the child. */
struct side_args {
	struct transport *t;
	const struct case_spec *c;
	struct shared *shared;
	enum side side;
	uint64_t cookie;
	struct wl_ctx ctx;		/* built by side_prepare() */
};

static const char *const side_names[2] = { "client", "server" };

/* Before the barrier: open this side's end and its buffers. */
static int side_prepare(void *arg)
{
	struct side_args *a = arg;
	struct transport *t = a->t;
	struct side_result *res = &a->shared->side[a->side];
	struct wl_ctx *ctx = &a->ctx;
	int ret;

	signal(SIGPIPE, SIG_IGN);	/* a closed peer is -EPIPE, not death */
	t->side = a->side;
	t->err[0] = '\0';
	ret = t->ops->open(t);
	if (ret) {
		snprintf(res->err, sizeof(res->err), "%s",
			 t->err[0] ? t->err : strerror(-ret));
		res->status = ret;
		return ret;
	}
	*ctx = (struct wl_ctx){ .t = t, .iterations = a->c->iterations,
				.warmup = a->c->warmup, .verify = a->c->verify,
				.cookie = a->cookie, .rate = a->c->rate,
				.stall_ms = a->c->stall_ms,
				.hist = a->shared->hist[a->side],
				.hist_uncorrected = a->shared->hist_uncorrected,
				.res = res, .peer = &a->shared->side[!a->side] };
	if (posix_memalign((void **)&ctx->buf, 64, 2 * t->msg_size) ||
	    ((t->ops->flags & TF_LOSSY) &&
	     !(ctx->seen = calloc((ctx->warmup + ctx->iterations + 7) / 8, 1)))) {
		snprintf(res->err, sizeof(res->err), "out of memory for buffers");
		res->status = -ENOMEM;
		return -ENOMEM;
	}
	memset(ctx->buf, 0, 2 * t->msg_size);
	return 0;
}

/* After the barrier: run this side of the workload, close, exit. */
static int side_run(void *arg)
{
	struct side_args *a = arg;
	struct side_result *res = &a->shared->side[a->side];
	int ret;

	ret = a->side == SIDE_CLIENT ? a->c->wl->client(&a->ctx) :
				       a->c->wl->server(&a->ctx);
	res->cpu = sched_getcpu();
	a->t->ops->close(a->t);
	res->done = true;
	return ret ? 1 : 0;
}

/* Why a side failed, in one line: its own words unless a signal. */
static void describe_failure(const struct proc_member *m,
			     const struct side_result *res,
			     struct case_result *r)
{
	char why[256];

	if (!WIFSIGNALED(m->status) && res->err[0]) {
		set_reason(r, CASE_FAILED, "%s: %s", m->name, res->err);
		return;
	}
	proc_member_describe(m, why, sizeof(why));
	set_reason(r, CASE_FAILED, "%s", why);
}

/*
 * The root cause first: a side that died of a signal we did not send (its
 * peer then only sees a broken pipe), then one that failed for a reason of
 * its own (a bad message, say: its peer then sees only the pipe it
 * closed), then one that saw its peer go.
 */
static void blame(const struct proc_member side[2],
		  const struct shared *shared, struct case_result *r)
{
	for (int pass = 0; pass < 3; pass++) {
		for (int s = 0; s < 2; s++) {
			const struct proc_member *m = &side[s];

			if (!proc_member_failed(m) || m->killed ||
			    (pass == 0 && !WIFSIGNALED(m->status)) ||
			    (pass == 1 && shared->side[s].status == -EPIPE))
				continue;
			describe_failure(m, &shared->side[s], r);
		}
	}
}

/* Start, release, wait, reap: everything between setup and teardown. */
static void run_sides(const struct case_spec *c, struct transport *t,
		      struct shared *shared, const int cpu[2],
		      uint64_t timeout_s, struct case_result *r)
{
	struct side_args args[2];
	struct proc_member side[2];
	struct proc_group group = {
		.member = side, .n = 2, .linger_ns = LINGER_NS,
		.timeout_ns = (int64_t)timeout_s * 1000000000,
	};
	uint64_t cookie = random_cookie();
	int ret;

	for (int s = 0; s < 2; s++) {
		args[s] = (struct side_args){ .t = t, .c = c, .shared = shared,
					      .side = (enum side)s,
					      .cookie = cookie };
		side[s] = (struct proc_member){ .name = side_names[s],
						.cpu = cpu[s],
						.prepare = side_prepare,
						.run = side_run,
						.arg = &args[s] };
	}
	ret = proc_group_start(&group);
	if (!ret)
		ret = proc_group_wait(&group);
	if (ret == -EINTR)
		r->interrupted = true;
	if (ret == -ECHILD)
		blame(side, shared, r);
	else if (ret)
		set_reason(r, CASE_FAILED, "%s", group.why);
}

/* Turn the children's raw results into the case's figures. */
static void summarise(const struct case_spec *c, struct shared *shared,
		      struct case_result *r)
{
	enum side ts = c->wl->timer;
	const struct side_result *tr = &shared->side[ts];
	uint64_t sent = shared->side[SIDE_CLIENT].sent;
	bool lossy = c->ops->flags & TF_LOSSY;

	memcpy(r->side, shared->side, sizeof(r->side));
	if (hist_init(HIST_LOWEST, HIST_HIGHEST, HIST_SIGFIGS, &r->hist) == 0)
		hist_merge(r->hist, shared->hist[ts]);
	if (c->rate &&
	    hist_init(HIST_LOWEST, HIST_HIGHEST, HIST_SIGFIGS, &r->hist_uncorrected) == 0)
		hist_merge(r->hist_uncorrected, shared->hist_uncorrected);
	if (r->status != CASE_OK)
		return;
	if (!lossy && tr->received != c->iterations) {
		set_reason(r, CASE_FAILED, "only %llu of %llu messages arrived",
			   (unsigned long long)tr->received,
			   (unsigned long long)c->iterations);
		return;
	}
	if (lossy && tr->received + tr->lost != sent) {
		set_reason(r, CASE_FAILED, "loss accounting does not add up: sent %llu, received %llu, lost %llu",
			   (unsigned long long)sent,
			   (unsigned long long)tr->received,
			   (unsigned long long)tr->lost);
		return;
	}
	r->span_ns = tr->span_end_ns - tr->span_start_ns;
	r->messages = tr->received * c->wl->msgs_per_sample;
	if (r->span_ns > 0) {
		r->msgs_per_sec = (double)r->messages * 1e9 / (double)r->span_ns;
		r->bytes_per_sec = r->msgs_per_sec * (double)c->size;
	}
}

int runner_private_dir(const char *tag, char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(dir, len, "%s/%s.XXXXXX", tmp, tag) >= len)
		return -ENAMETOOLONG;
	return mkdtemp(dir) ? 0 : -errno;
}

void runner_run_case(const struct case_spec *c, const struct cpu_pair *cpus,
		     uint64_t timeout_s, struct case_result *r)
{
	struct transport t = { .ops = c->ops, .msg_size = c->size,
			       .placement = c->placement };
	size_t hist_size = align64(hist_mem_size(HIST_LOWEST, HIST_HIGHEST,
						 HIST_SIGFIGS));
	size_t shared_size = align64(sizeof(struct shared)) +
			     SHARED_HISTS * hist_size;
	char tag[64], dir[PATH_MAX] = "";
	struct shared *shared;
	int ret;

	memset(r, 0, sizeof(*r));
	r->wait = transport_wait(c->ops, c->opt);	/* skipped or not */
	r->cpu[0] = r->cpu[1] = -1;
	if (c->placement == PLACE_SAME_CPU) {
		r->cpu[0] = r->cpu[1] = cpus->a;
	} else if (c->placement == PLACE_CROSS_CPU) {
		r->cpu[0] = cpus->a;
		r->cpu[1] = cpus->b;
	}
	if (c->ops->unsupported) {
		set_reason(r, CASE_SKIPPED, "%s", c->ops->unsupported);
		return;
	}
	if (c->placement == PLACE_CROSS_CPU && cpus->b < 0) {
		set_reason(r, CASE_SKIPPED, "cross-cpu needs two CPUs; this process may run only on CPU %d",
			   cpus->a);
		return;
	}
	memcpy(t.opt, c->opt, sizeof(t.opt));
	t.io_timeout_ms = (int)(timeout_s * 1000);
	ret = c->ops->check ? c->ops->check(&t) : 0;
	if (ret) {
		set_reason(r, CASE_SKIPPED, "%s",
			   t.err[0] ? t.err : strerror(-ret));
		return;
	}

	runner_make_tag(tag, sizeof(tag));
	t.tag = tag;
	if (c->ops->flags & TF_PATH) {
		ret = runner_private_dir(tag, dir, sizeof(dir));
		if (ret) {
			set_reason(r, CASE_FAILED, "cannot make a private directory '%s': %s",
				   dir, strerror(-ret));
			return;
		}
		t.dir = dir;
	}
	shared = mmap(NULL, shared_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		set_reason(r, CASE_FAILED, "mmap of %zu bytes for results failed: %s",
			   shared_size, strerror(errno));
		goto out_rmdir;
	}
	for (int s = 0; s < SHARED_HISTS; s++) {
		char *mem = (char *)shared + align64(sizeof(*shared)) +
			    (size_t)s * hist_size;

		hist_init_in(mem, hist_size, HIST_LOWEST, HIST_HIGHEST,
			     HIST_SIGFIGS, s < 2 ? &shared->hist[s] :
						   &shared->hist_uncorrected);
		if (s < 2)
			shared->side[s].cpu = -1;
	}

	ret = c->ops->setup(&t);
	if (ret)
		set_reason(r, CASE_FAILED, "%s", t.err[0] ? t.err :
			   strerror(-ret));
	else
		run_sides(c, &t, shared, r->cpu, timeout_s, r);
	snprintf(r->info, sizeof(r->info), "%s", t.info);
	c->ops->teardown(&t);
	summarise(c, shared, r);
	munmap(shared, shared_size);
out_rmdir:
	if (dir[0] && rmdir(dir))
		set_reason(r, CASE_FAILED, "%s: teardown left its private directory '%s' behind: %s",
			   c->ops->name, dir, strerror(errno));
}

double runner_sample_overhead_ns(unsigned n)
{
	struct hist *h;
	int64_t t0, t1, prev;

	if (!n || hist_init(HIST_LOWEST, HIST_HIGHEST, HIST_SIGFIGS, &h))
		return 0;
	t0 = prev = now_ns();
	for (unsigned i = 0; i < n; i++) {
		int64_t now = now_ns();

		hist_record(h, now - prev);
		prev = now;
	}
	t1 = now_ns();
	hist_free(h);
	return (double)(t1 - t0) / n;
}
