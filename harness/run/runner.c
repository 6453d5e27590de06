/*
 * runner.c - the supervisor: runs one benchmark case in two fresh child
 * processes and always cleans up after it.
 *
 * The parent is never in a timed path.  For each case it creates the
 * transport's named objects, a shared mapping for the children's results and
 * histograms, forks a client and a server, pins them per the placement,
 * releases them together through a start barrier (ready pipe, then closing
 * the go pipe), and sleeps in poll() on a signalfd until they exit, the
 * deadline passes, or a stop signal arrives.  A dead, failed or hung child
 * fails that case only; teardown runs whatever happened.  It does not write
 * results (report.c) or decide what to run (plan.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"
#include "util.h"

#define HIST_LOWEST 1
#define HIST_HIGHEST 10000000000LL	/* 10 s in ns */
#define HIST_SIGFIGS 3
#define LINGER_NS 100000000LL		/* 100 ms: see linger() */

static int sigfd = -1;
static int stop_sig;

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

int runner_init(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return sigfd < 0 ? -errno : 0;
}

void runner_fini(void)
{
	if (sigfd >= 0)
		close(sigfd);
	sigfd = -1;
}

/* Read every pending signal; remember a stop signal.  Nonblocking. */
static void drain_signals(void)
{
	struct signalfd_siginfo si;

	while (sigfd >= 0 && read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGCHLD && !stop_sig)
			stop_sig = (int)si.ssi_signo;
	}
}

int runner_stop_signal(void)
{
	drain_signals();
	return stop_sig;
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

struct child_args {
	struct transport *t;
	const struct case_spec *c;
	struct shared *sh;
	enum side side;
	int cpu;
	int ready_wr, go_rd;
	uint64_t cookie;
	pid_t parent;
};

/* The life of one child: open, wait at the barrier, run its side, exit. */
static void __attribute__((noreturn)) child_main(struct child_args *a)
{
	struct transport *t = a->t;
	struct side_result *res = &a->sh->side[a->side];
	struct wl_ctx ctx = { 0 };
	sigset_t none;
	char b = 'r';
	int ret;

	/* Never outlive the supervisor: a child blocked on a peer that will
	 * never come would hold its IPC objects forever. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != a->parent)
		_exit(1);
	/* ps and /proc/PID/comm tell the two sides apart (15 chars max). */
	prctl(PR_SET_NAME, a->side == SIDE_CLIENT ? "ipcbench:client" :
						    "ipcbench:server");
	sigemptyset(&none);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);	/* a closed peer is -EPIPE, not death */
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(sigfd);

	if (a->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(a->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			snprintf(res->err, sizeof(res->err),
				 "cannot pin to CPU %d: %s", a->cpu,
				 strerror(errno));
			res->status = -errno;
			_exit(1);
		}
	}
	t->side = a->side;
	t->err[0] = '\0';
	ret = t->ops->open(t);
	if (ret) {
		snprintf(res->err, sizeof(res->err), "%s",
			 t->err[0] ? t->err : strerror(-ret));
		res->status = ret;
		_exit(1);
	}
	ctx.t = t;
	ctx.iterations = a->c->iterations;
	ctx.warmup = a->c->warmup;
	ctx.verify = a->c->verify;
	ctx.cookie = a->cookie;
	ctx.rate = a->c->rate;
	ctx.stall_ms = a->c->stall_ms;
	ctx.hist = a->sh->hist[a->side];
	ctx.hist_uncorrected = a->sh->hist_uncorrected;
	ctx.res = res;
	ctx.peer = &a->sh->side[!a->side];
	if (posix_memalign((void **)&ctx.buf, 64, 2 * t->msg_size) ||
	    ((t->ops->flags & TF_LOSSY) &&
	     !(ctx.seen = calloc((ctx.warmup + ctx.iterations + 7) / 8, 1)))) {
		snprintf(res->err, sizeof(res->err), "out of memory for buffers");
		res->status = -ENOMEM;
		_exit(1);
	}
	memset(ctx.buf, 0, 2 * t->msg_size);

	/* Start barrier: say ready, then wait for the go pipe to close. */
	if (write(a->ready_wr, &b, 1) != 1 || read(a->go_rd, &b, 1) != 0)
		_exit(1);
	ret = a->side == SIDE_CLIENT ? a->c->wl->client(&ctx) :
				       a->c->wl->server(&ctx);
	res->cpu = sched_getcpu();
	t->ops->close(t);
	res->done = true;
	_exit(ret ? 1 : 0);
}

struct kid {
	pid_t pid;
	int status;
	bool reaped;
	bool killed;		/* by us, after a failure or the deadline */
};

static const char *const side_names[2] = { "client", "server" };

static void reap(struct kid kids[2], bool block)
{
	for (int i = 0; i < 2; i++) {
		if (kids[i].pid <= 0 || kids[i].reaped)
			continue;
		if (waitpid(kids[i].pid, &kids[i].status, block ? 0 : WNOHANG) ==
		    kids[i].pid)
			kids[i].reaped = true;
	}
}

static void kill_kids(struct kid kids[2])
{
	for (int i = 0; i < 2; i++) {
		if (kids[i].pid > 0 && !kids[i].reaped) {
			kill(kids[i].pid, SIGKILL);
			kids[i].killed = true;
		}
	}
	reap(kids, true);
}

static bool kid_failed(const struct kid *k)
{
	return k->reaped &&
	       !(WIFEXITED(k->status) && WEXITSTATUS(k->status) == 0);
}

/*
 * One child failed: give the other up to LINGER_NS to exit by itself
 * before kill_kids().  A peer killed from outside closes its descriptors
 * (its sibling sees a broken pipe and exits) a moment before it becomes a
 * zombie; killing it in that moment would hide the real cause behind our
 * own SIGKILL.  A sibling that waits on a semaphore or queue stays: killed.
 */
static void linger(struct kid kids[2])
{
	int64_t end = now_ns() + LINGER_NS;

	for (;;) {
		struct pollfd p = { .fd = sigfd, .events = POLLIN };
		int64_t left = end - now_ns();

		drain_signals();
		reap(kids, false);
		if ((kids[0].reaped && kids[1].reaped) || left <= 0)
			return;
		poll(&p, 1, (int)(left / 1000000 + 1));
	}
}

/* Why a child failed, in one line. */
static void describe_failure(const struct kid *k, const struct side_result *res,
			     enum side s, struct case_result *r)
{
	if (WIFSIGNALED(k->status))
		set_reason(r, CASE_FAILED, "%s killed by signal %d (%s)",
			   side_names[s], WTERMSIG(k->status),
			   strsignal(WTERMSIG(k->status)));
	else if (res->err[0])
		set_reason(r, CASE_FAILED, "%s: %s", side_names[s], res->err);
	else
		set_reason(r, CASE_FAILED, "%s exited with status %d",
			   side_names[s], WEXITSTATUS(k->status));
}

/*
 * Sleep until `want` ready bytes arrived (ready_rd >= 0) or both children
 * exited (ready_rd < 0), a child failed, the deadline passed, or a stop
 * signal came.  Returns 0 when the awaited thing happened, else -ETIMEDOUT,
 * -ECHILD (a child failed) or -EINTR (stop signal).
 */
static int supervise(struct kid kids[2], int ready_rd, int64_t deadline)
{
	int got = 0;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = sigfd, .events = POLLIN },
			{ .fd = ready_rd, .events = POLLIN },
		};
		int64_t left = deadline - now_ns();
		char buf[2];

		drain_signals();
		reap(kids, false);
		if (stop_sig)
			return -EINTR;
		if (kid_failed(&kids[0]) || kid_failed(&kids[1]))
			return -ECHILD;
		if (ready_rd < 0 && kids[0].reaped && kids[1].reaped)
			return 0;
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(p, ready_rd >= 0 ? 2 : 1,
			 (int)(left / 1000000 + 1)) < 0 && errno != EINTR)
			return -errno;
		if (ready_rd >= 0 && (p[1].revents & POLLIN)) {
			ssize_t n = read(ready_rd, buf, sizeof(buf));

			if (n > 0 && (got += (int)n) >= 2)
				return 0;
		}
	}
}

/* Fork both children; 0 or -errno (then no child is left running). */
static int spawn(struct child_args args[2], struct kid kids[2], int ready[2],
		 int go[2])
{
	for (int s = 0; s < 2; s++) {
		args[s].ready_wr = ready[1];
		args[s].go_rd = go[0];
		kids[s].pid = fork();
		if (kids[s].pid < 0) {
			int err = -errno;

			kill_kids(kids);
			return err;
		}
		if (kids[s].pid == 0) {
			close(ready[0]);
			close(go[1]);
			child_main(&args[s]);
		}
	}
	return 0;
}

/* Fork, release, wait, reap: everything between setup and teardown. */
static void run_children(const struct case_spec *c, struct transport *t,
			 struct shared *sh, const int cpu[2], uint64_t timeout_s,
			 struct case_result *r)
{
	struct child_args args[2];
	struct kid kids[2] = { { 0 } };
	uint64_t cookie = random_cookie();
	int64_t deadline = now_ns() + (int64_t)timeout_s * 1000000000;
	int ready[2], go[2], ret;

	if (pipe2(ready, O_CLOEXEC)) {
		set_reason(r, CASE_FAILED, "pipe for the start barrier failed: %s",
			   strerror(errno));
		return;
	}
	if (pipe2(go, O_CLOEXEC)) {
		set_reason(r, CASE_FAILED, "pipe for the start barrier failed: %s",
			   strerror(errno));
		close(ready[0]);
		close(ready[1]);
		return;
	}
	for (int s = 0; s < 2; s++)
		args[s] = (struct child_args){ .t = t, .c = c, .sh = sh,
					       .side = (enum side)s,
					       .cpu = cpu[s], .cookie = cookie,
					       .parent = getpid() };
	ret = spawn(args, kids, ready, go);
	close(ready[1]);
	close(go[0]);
	if (ret) {
		set_reason(r, CASE_FAILED, "fork failed: %s", strerror(-ret));
		goto out_close;
	}
	ret = supervise(kids, ready[0], deadline);
	close(go[1]);		/* release both at once (or let them exit) */
	go[1] = -1;
	if (!ret)
		ret = supervise(kids, -1, deadline);
	if (ret == -ETIMEDOUT)
		set_reason(r, CASE_FAILED, "deadline of %llu s passed with the%s%s%s still running (hung or stopped)",
			   (unsigned long long)timeout_s,
			   kids[0].reaped ? "" : " client",
			   !kids[0].reaped && !kids[1].reaped ? " and the" : "",
			   kids[1].reaped ? "" : " server");
	else if (ret == -EINTR) {
		r->interrupted = true;
		set_reason(r, CASE_FAILED, "interrupted by signal %d (%s)",
			   stop_sig, strsignal(stop_sig));
	} else if (ret == -ECHILD) {
		linger(kids);
	}
	kill_kids(kids);
	if (ret == -ETIMEDOUT || ret == -EINTR)
		goto out_close;
	/* The root cause first: a child that died of a signal we did not send
	 * (its peer then only sees a broken pipe), then one that failed for
	 * a reason of its own (a bad message, say: its peer then sees only
	 * the pipe it closed), then one that saw its peer go. */
	for (int s = 0; s < 2; s++) {
		if (kid_failed(&kids[s]) && !kids[s].killed &&
		    WIFSIGNALED(kids[s].status))
			describe_failure(&kids[s], &sh->side[s], (enum side)s, r);
	}
	for (int s = 0; s < 2; s++) {
		if (kid_failed(&kids[s]) && !kids[s].killed &&
		    sh->side[s].status != -EPIPE)
			describe_failure(&kids[s], &sh->side[s], (enum side)s, r);
	}
	for (int s = 0; s < 2; s++) {
		if (kid_failed(&kids[s]) && !kids[s].killed)
			describe_failure(&kids[s], &sh->side[s], (enum side)s, r);
	}
out_close:
	close(ready[0]);
	if (go[1] >= 0)
		close(go[1]);
}

/* Turn the children's raw results into the case's figures. */
static void summarise(const struct case_spec *c, struct shared *sh,
		      struct case_result *r)
{
	enum side ts = c->wl->timer;
	const struct side_result *tr = &sh->side[ts];
	uint64_t sent = sh->side[SIDE_CLIENT].sent;
	bool lossy = c->ops->flags & TF_LOSSY;

	memcpy(r->side, sh->side, sizeof(r->side));
	if (hist_init(HIST_LOWEST, HIST_HIGHEST, HIST_SIGFIGS, &r->hist) == 0)
		hist_merge(r->hist, sh->hist[ts]);
	if (c->rate &&
	    hist_init(HIST_LOWEST, HIST_HIGHEST, HIST_SIGFIGS, &r->hist_uncorrected) == 0)
		hist_merge(r->hist_uncorrected, sh->hist_uncorrected);
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
	size_t hsize = align64(hist_mem_size(HIST_LOWEST, HIST_HIGHEST,
					     HIST_SIGFIGS));
	size_t shsize = align64(sizeof(struct shared)) + SHARED_HISTS * hsize;
	char tag[64], dir[PATH_MAX] = "";
	struct shared *sh;
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
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		set_reason(r, CASE_FAILED, "mmap of %zu bytes for results failed: %s",
			   shsize, strerror(errno));
		goto out_rmdir;
	}
	for (int s = 0; s < SHARED_HISTS; s++) {
		char *mem = (char *)sh + align64(sizeof(*sh)) + (size_t)s * hsize;

		hist_init_in(mem, hsize, HIST_LOWEST, HIST_HIGHEST,
			     HIST_SIGFIGS, s < 2 ? &sh->hist[s] : &sh->hist_uncorrected);
		if (s < 2)
			sh->side[s].cpu = -1;
	}

	ret = c->ops->setup(&t);
	if (ret)
		set_reason(r, CASE_FAILED, "%s", t.err[0] ? t.err :
			   strerror(-ret));
	else
		run_children(c, &t, sh, r->cpu, timeout_s, r);
	snprintf(r->info, sizeof(r->info), "%s", t.info);
	c->ops->teardown(&t);
	summarise(c, sh, r);
	munmap(sh, shsize);
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
