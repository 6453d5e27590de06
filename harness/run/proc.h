/*
 * proc.h - child processes for the harness: a group of N members forked
 * together, optionally pinned, released together through a start barrier,
 * supervised against a deadline and stop signals, and killed and reaped
 * whatever happens; and the signal descriptor that all of this, and a
 * Ctrl-C between steps, is read through.
 *
 * Conventions: functions that act return 0 or -errno.  How a group ended
 * is also data in struct proc_group: which member failed first and why,
 * in words ready to print.
 */
#ifndef IPCBENCH_PROC_H
#define IPCBENCH_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Block SIGINT, SIGTERM, SIGHUP and SIGCHLD and read them through a file
 * descriptor poll() sleeps on, so that a stop signal is handled between
 * steps and never tears a results file.  Nests: only the outermost
 * proc_init() blocks, and only the outermost proc_fini() closes the
 * descriptor and restores the signal mask.  A stop signal that arrived
 * meanwhile and that nobody took with proc_stop_signal() is raised again
 * then, as if it had been held off.  0 or -errno.
 */
int proc_init(void);
void proc_fini(void);

/* The stop signal (SIGINT, SIGTERM, SIGHUP) that has arrived, or 0.
 * Nonblocking; the caller takes it over (proc_fini() will not raise it). */
int proc_stop_signal(void);

/* Pin the calling process to cpu.  0, -EINVAL (no such CPU) or -errno. */
int proc_pin(int cpu);

/* One member of a group: what it runs and where, then what became of it. */
struct proc_member {
	/* set by the caller */
	const char *name;		/* "client": messages; "ipcbench:client" in ps */
	int cpu;			/* pinned to it first; -1 unpinned */
	int (*prepare)(void *arg);	/* optional, before the barrier: 0, or
					 * the member exits with status 1 */
	int (*run)(void *arg);		/* after the barrier: the exit status
					 * (0..255; anything else is 1) */
	void *arg;
	/* set by proc */
	pid_t pid;
	int status;			/* wait status, once reaped */
	int pin_err;			/* -errno when pinning to cpu failed */
	bool ready;			/* reached the start barrier */
	bool reaped;
	bool killed;			/* SIGKILLed by proc: after a failure,
					 * at the deadline, or on a stop */
};

/* How a group ended. */
enum proc_end {
	PROC_RUNNING = 0,		/* not ended yet */
	PROC_DONE,			/* every member exited with status 0 */
	PROC_FAILED,			/* a member failed: first */
	PROC_DEADLINE,			/* members still ran at the deadline */
	PROC_STOPPED,			/* a stop signal arrived */
	PROC_ERROR,			/* could not start (pipe, fork) */
};

struct proc_group {
	/* set by the caller */
	struct proc_member *member;
	unsigned n;
	int64_t timeout_ns;		/* start to deadline, for the whole life */
	int64_t linger_ns;		/* after a failure: see proc_group_wait() */
	/* set by proc */
	enum proc_end end;
	int first;			/* member that failed first, or -1 */
	char why[256];			/* the end in words; "" for PROC_DONE */
	int64_t deadline;		/* now_ns() clock */
	int ret;			/* what the ending call returned */
};

/*
 * Fork every member (each pins itself, runs prepare(), says it is ready
 * and waits), wait until all are ready, then release them at once.
 * 0 when they run; else the group has ended, every member is killed and
 * reaped, g->end and g->why say why, and it returns -ECHILD (a member
 * died before the barrier: g->first), -ETIMEDOUT, -EINTR (a stop signal)
 * or -errno (pipe or fork failed).  A child never returns from here.
 */
int proc_group_start(struct proc_group *g);

/*
 * Reap the members that have exited, without blocking: for a parent that
 * works beside its members.  Returns how many are still running.
 */
unsigned proc_group_poll(struct proc_group *g);

/*
 * After a successful proc_group_start() (and it must follow one), sleep
 * until every member has exited, one fails, the deadline passes or a stop
 * signal arrives; kill what still runs and reap every member.  After a
 * failure the others get up to g->linger_ns to exit by themselves first:
 * a member killed from outside closes its descriptors (its peer sees a
 * broken pipe and exits) a moment before it becomes a zombie, and killing
 * the peer then would hide the real cause behind our own SIGKILL.
 * Returns 0 (all exited with status 0), -ECHILD, -ETIMEDOUT or -EINTR,
 * as proc_group_start().
 */
int proc_group_wait(struct proc_group *g);

/* m has been reaped and did not exit with status 0. */
bool proc_member_failed(const struct proc_member *m);

/* Why m failed, in one line: "server killed by signal 6 (Aborted)". */
void proc_member_describe(const struct proc_member *m, char *buf, size_t len);

#endif
