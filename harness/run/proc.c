/*
 * proc.c - the harness's child processes: groups of members forked,
 * pinned, released together, supervised and always reaped; and the
 * signalfd through which SIGCHLD and the stop signals are read.
 *
 * A group's members are forked one by one; each pins itself, runs its
 * prepare() hook, writes a note "ready" into the ready pipe and blocks
 * reading the go pipe.  When every note is in, the parent closes the go
 * pipe and all of them start at once (sched-messaging's ready/wake pipes).
 * The parent then sleeps in poll() on the signalfd until the members exit,
 * one fails, the deadline passes or a stop signal arrives.  Whatever the
 * end, what still runs is SIGKILLed and every member is reaped before the
 * group returns, so no caller ever waits for a child itself.  It knows
 * nothing of transports, workloads or results: a member is a function and
 * an argument.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"

static int sigfd = -1;
static unsigned depth;			/* proc_init() calls not yet finished */
static sigset_t saved_mask;		/* the outermost proc_init() found it */
static int stop_sig;
static bool stop_taken;			/* proc_stop_signal() handed it over */

/* What a member writes into the ready pipe: small enough (<= PIPE_BUF)
 * that notes from several members never interleave. */
struct proc_note {
	unsigned index;
	int pin_err;			/* 0: ready; else pinning failed */
};

static void stop_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int proc_init(void)
{
	sigset_t set;
	int err;

	if (depth++)
		return 0;
	stop_set(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &saved_mask)) {
		err = -errno;
		goto out_depth;
	}
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		err = -errno;
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		goto out_depth;
	}
	stop_sig = 0;
	stop_taken = false;
	return 0;
out_depth:
	depth--;
	return err;
}

void proc_fini(void)
{
	int again;

	if (!depth || --depth)
		return;
	close(sigfd);
	sigfd = -1;
	again = stop_taken ? 0 : stop_sig;
	stop_sig = 0;
	stop_taken = false;
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	if (again)
		raise(again);
}

/* Read every pending signal; remember the first stop signal. */
static void drain_signals(void)
{
	struct signalfd_siginfo si;

	while (sigfd >= 0 && read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGCHLD && !stop_sig)
			stop_sig = (int)si.ssi_signo;
	}
}

int proc_stop_signal(void)
{
	drain_signals();
	if (stop_sig)
		stop_taken = true;
	return stop_sig;
}

int proc_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

bool proc_member_failed(const struct proc_member *m)
{
	return m->reaped &&
	       !(WIFEXITED(m->status) && WEXITSTATUS(m->status) == 0);
}

void proc_member_describe(const struct proc_member *m, char *buf, size_t len)
{
	const char *when = m->ready ? "" : " before reaching the start barrier";

	if (m->pin_err)
		snprintf(buf, len, "%s: cannot pin to CPU %d: %s", m->name,
			 m->cpu, strerror(-m->pin_err));
	else if (WIFSIGNALED(m->status))
		snprintf(buf, len, "%s killed by signal %d (%s)%s", m->name,
			 WTERMSIG(m->status), strsignal(WTERMSIG(m->status)),
			 when);
	else
		snprintf(buf, len, "%s exited with status %d%s", m->name,
			 WEXITSTATUS(m->status), when);
}

static void say(struct proc_group *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct proc_group *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->why, sizeof(g->why), fmt, ap);
	va_end(ap);
}

/* ---- in the member ---------------------------------------------------- */

/* A member starts clean: default stop signals, nothing blocked, none of
 * the parent's descriptors for supervising. */
static void member_reset(void)
{
	sigset_t none;

	sigemptyset(&none);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (sigfd >= 0)
		close(sigfd);
	sigfd = -1;
}

static bool send_note(int ready_wr, const struct proc_note *note)
{
	return write(ready_wr, note, sizeof(*note)) == (ssize_t)sizeof(*note);
}

/* The life of member i: pin, prepare, the barrier, run, exit. */
static void __attribute__((noreturn))
member_main(struct proc_member *m, unsigned i, pid_t parent, int ready_wr,
	    int go_rd)
{
	struct proc_note note = { .index = i };
	char comm[16], b;
	int ret;

	/* Never outlive the supervisor: a member blocked on a peer that
	 * will never come would hold its IPC objects forever. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	/* ps and /proc/PID/comm tell the members apart (15 chars max). */
	snprintf(comm, sizeof(comm), "ipcbench:%s", m->name);
	prctl(PR_SET_NAME, comm);
	member_reset();
	if (m->cpu >= 0) {
		note.pin_err = proc_pin(m->cpu);
		if (note.pin_err) {
			send_note(ready_wr, &note);	/* the parent says why */
			_exit(1);
		}
	}
	if (m->prepare && m->prepare(m->arg))
		_exit(1);
	/* The barrier: say ready, then wait for the go pipe to close. */
	if (!send_note(ready_wr, &note) || read(go_rd, &b, 1) != 0)
		_exit(1);
	ret = m->run(m->arg);
	_exit(ret >= 0 && ret <= 255 ? ret : 1);
}

/* ---- in the parent ---------------------------------------------------- */

/* Reap what has exited (block: everything); the first failure is noted. */
static void reap(struct proc_group *g, bool block)
{
	for (unsigned i = 0; i < g->n; i++) {
		struct proc_member *m = &g->member[i];
		pid_t r;

		if (m->pid <= 0 || m->reaped)
			continue;
		do
			r = waitpid(m->pid, &m->status, block ? 0 : WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			continue;
		if (r < 0)	/* not ours to wait for any more: failed */
			m->status = W_EXITCODE(255, 0);
		m->reaped = true;
		if (g->first < 0 && !m->killed && proc_member_failed(m))
			g->first = (int)i;
	}
}

unsigned proc_group_poll(struct proc_group *g)
{
	unsigned running = 0;

	reap(g, false);
	for (unsigned i = 0; i < g->n; i++)
		running += g->member[i].pid > 0 && !g->member[i].reaped;
	return running;
}

/* Take in the notes members wrote; ready_rd is nonblocking. */
static void read_notes(struct proc_group *g, int ready_rd)
{
	struct proc_note note[16];
	ssize_t got;

	while ((got = read(ready_rd, note, sizeof(note))) > 0) {
		for (size_t k = 0; k < (size_t)got / sizeof(note[0]); k++) {
			struct proc_member *m;

			if (note[k].index >= g->n)
				continue;
			m = &g->member[note[k].index];
			if (note[k].pin_err)
				m->pin_err = note[k].pin_err;
			else
				m->ready = true;
		}
	}
}

static bool all_ready(const struct proc_group *g)
{
	for (unsigned i = 0; i < g->n; i++)
		if (!g->member[i].ready)
			return false;
	return true;
}

/* Sleep in poll() until a signal, a note in ready_rd (if >= 0) or until. */
static void sleep_until(int ready_rd, int64_t until)
{
	struct pollfd p[2] = {
		{ .fd = sigfd, .events = POLLIN },
		{ .fd = ready_rd, .events = POLLIN },
	};
	int64_t ms = (until - now_ns()) / 1000000 + 1;

	/* An error (EINTR) only means: look again. */
	if (ms > 0)
		poll(p, ready_rd >= 0 ? 2 : 1, ms > INT_MAX ? INT_MAX : (int)ms);
}

/*
 * Until every member is ready (ready_rd >= 0) or has exited (ready_rd < 0):
 * 0, or -ECHILD when one failed, -ETIMEDOUT, -EINTR on a stop signal.
 * Signals are drained before reaping, so a member that exits after the
 * reap leaves a SIGCHLD pending and poll() does not sleep through it.
 */
static int supervise(struct proc_group *g, int ready_rd)
{
	for (;;) {
		drain_signals();
		reap(g, false);
		if (ready_rd >= 0)
			read_notes(g, ready_rd);	/* after reap: see below */
		if (stop_sig)
			return -EINTR;
		/* A member reaped without its note died before the barrier
		 * (its note, if it wrote one, was already in the pipe). */
		if (g->first >= 0)
			return -ECHILD;
		if (ready_rd >= 0 ? all_ready(g) : !proc_group_poll(g))
			return 0;
		if (now_ns() >= g->deadline)
			return -ETIMEDOUT;
		sleep_until(ready_rd, g->deadline);
	}
}

/* Give the others up to linger_ns to exit by themselves (proc.h says why). */
static void linger(struct proc_group *g)
{
	int64_t end = now_ns() + g->linger_ns;

	while (proc_group_poll(g) && now_ns() < end) {
		sleep_until(-1, end);
		drain_signals();
	}
}

static void kill_rest(struct proc_group *g)
{
	for (unsigned i = 0; i < g->n; i++) {
		struct proc_member *m = &g->member[i];

		if (m->pid > 0 && !m->reaped) {
			kill(m->pid, SIGKILL);
			m->killed = true;
		}
	}
	reap(g, true);
}

/* "deadline of 2 s passed with the client and the server still running" */
static void say_deadline(struct proc_group *g)
{
	char names[192] = "", span[32];
	unsigned left = proc_group_poll(g), k = 0;
	size_t used = 0;

	for (unsigned i = 0; i < g->n && used < sizeof(names); i++) {
		const struct proc_member *m = &g->member[i];

		if (m->pid <= 0 || m->reaped)
			continue;
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%s", k == 0 ? " the " :
					 k + 1 == left ? " and the " : ", the ",
					 m->name);
		k++;
	}
	if (g->timeout_ns % 1000000000 == 0)
		snprintf(span, sizeof(span), "%lld s",
			 (long long)(g->timeout_ns / 1000000000));
	else
		snprintf(span, sizeof(span), "%lld ms",
			 (long long)(g->timeout_ns / 1000000));
	say(g, "deadline of %s passed with%s still running (hung or stopped)",
	    span, names);
}

/*
 * End the group with ret: say why (a pipe or fork failure has said so
 * already), kill and reap everything, and return ret.
 */
static int group_end(struct proc_group *g, int ret, bool released)
{
	if (ret == -ETIMEDOUT)
		say_deadline(g);
	else if (ret == -EINTR)
		say(g, "interrupted by signal %d (%s)", stop_sig,
		    strsignal(stop_sig));
	else if (ret == -ECHILD && released)
		linger(g);
	kill_rest(g);
	if (ret == -ECHILD)
		proc_member_describe(&g->member[g->first], g->why,
				     sizeof(g->why));
	g->end = !ret ? PROC_DONE : ret == -ECHILD ? PROC_FAILED :
		 ret == -ETIMEDOUT ? PROC_DEADLINE : ret == -EINTR ?
		 PROC_STOPPED : PROC_ERROR;
	g->ret = ret;
	proc_fini();
	return ret;
}

/* Fork every member; -errno when one could not be. */
static int fork_all(struct proc_group *g, const int ready[2], const int go[2])
{
	pid_t parent = getpid();

	for (unsigned i = 0; i < g->n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -errno;
		if (pid == 0) {
			close(ready[0]);
			close(go[1]);
			member_main(&g->member[i], i, parent, ready[1], go[0]);
		}
		g->member[i].pid = pid;
	}
	return 0;
}

static int open_pipes(struct proc_group *g, int ready[2], int go[2])
{
	int err;

	/* Nonblocking: the parent reads notes whenever it looks; a note is
	 * far smaller than the pipe, so no member's write can fail on it. */
	if (pipe2(ready, O_CLOEXEC | O_NONBLOCK))
		goto out_err;
	if (pipe2(go, O_CLOEXEC)) {
		err = errno;
		close(ready[0]);
		close(ready[1]);
		errno = err;
		goto out_err;
	}
	return 0;
out_err:
	err = -errno;
	say(g, "pipe for the start barrier failed: %s", strerror(-err));
	return err;
}

int proc_group_start(struct proc_group *g)
{
	int ready[2], go[2], ret;

	g->end = PROC_RUNNING;
	g->first = -1;
	g->why[0] = '\0';
	g->ret = 0;
	for (unsigned i = 0; i < g->n; i++) {
		struct proc_member *m = &g->member[i];

		m->pid = 0;
		m->status = m->pin_err = 0;
		m->ready = m->reaped = m->killed = false;
	}
	g->deadline = now_ns() + g->timeout_ns;
	ret = proc_init();
	if (ret) {
		g->end = PROC_ERROR;
		say(g, "cannot set up signal handling: %s", strerror(-ret));
		return g->ret = ret;
	}
	ret = open_pipes(g, ready, go);
	if (ret)
		return group_end(g, ret, false);
	ret = fork_all(g, ready, go);
	close(ready[1]);
	close(go[0]);
	if (ret)
		say(g, "fork failed: %s", strerror(-ret));
	else
		ret = supervise(g, ready[0]);
	if (ret)
		group_end(g, ret, false);
	close(ready[0]);
	close(go[1]);		/* the release (or, after an end, nothing) */
	return ret;
}

int proc_group_wait(struct proc_group *g)
{
	if (g->end != PROC_RUNNING)
		return g->ret;
	return group_end(g, supervise(g, -1), true);
}
