/*
 * claims_exp.c - the property experiment behind the claim "message queues
 * decouple sender and receiver: messages wait in the queue after the
 * sender has exited".
 *
 * A speed can be read from a run's results; a property like this one
 * cannot, so it is shown on the spot.  A POSIX queue is created with a
 * unique, unpredictable name (O_EXCL, 0600, named like a run's objects so
 * that `ipcbench clean` would know it) and closed again; a child process
 * opens it, sends a few messages, closes it and exits; once the child is
 * reaped and nobody holds the queue open, it is opened again and must
 * hold every message, intact.  For contrast a FIFO is tried the same way:
 * a writer cannot even open one without a reader, and what was written is
 * gone once the last end is closed.  Every wait is bounded (the sender is
 * a group of one, proc.c); the queue, the FIFO and its directory are
 * removed on every path, and stop signals are held off until they are.  This is a demonstration, not a benchmark:
 * it times nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "claims_int.h"
#include "proc.h"
#include "runner.h"
#include "util.h"

#define EXP_MSGS 4
#define EXP_MSG_SIZE 64
#define EXP_SEND_S 2			/* the sender's bound on each send */
#define EXP_SENDER_S 5			/* the parent's bound on the sender */

/* Message i: its text names the run's tag, so it cannot be a stranger's. */
static void fill_msg(char *buf, const char *tag, unsigned i)
{
	memset(buf, 0, EXP_MSG_SIZE);
	snprintf(buf, EXP_MSG_SIZE, "%.40s message %u of %u", tag, i + 1,
		 EXP_MSGS);
}

/* What the sender needs: the queue's name and the run's tag. */
struct sender_args {
	const char *name, *tag;
};

/* The child: open, send every message, close.  Its exit status. */
static int sender(void *arg)
{
	const struct sender_args *a = arg;
	const char *name = a->name, *tag = a->tag;
	char msg[EXP_MSG_SIZE];
	struct timespec dl;
	mqd_t q = mq_open(name, O_WRONLY);

	if (q == (mqd_t)-1)
		return 1;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += EXP_SEND_S;
	for (unsigned i = 0; i < EXP_MSGS; i++) {
		fill_msg(msg, tag, i);
		if (mq_timedsend(q, msg, sizeof(msg), 0, &dl)) {
			mq_close(q);
			return 2;
		}
	}
	return mq_close(q) ? 3 : 0;
}

/* Receive what the queue holds; say what arrived.  true when all did. */
static bool drain(struct claim_res *r, const char *name, const char *tag)
{
	char msg[EXP_MSG_SIZE], want[EXP_MSG_SIZE];
	unsigned got = 0, intact = 0;
	struct mq_attr at;
	mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);

	if (q == (mqd_t)-1) {
		claim_say(r, CS_CONTRADICTS, "the queue could not be opened again: mq_open '%s' failed: %s",
			  name, strerror(errno));
		return false;
	}
	if (!mq_getattr(q, &at))
		claim_say(r, CS_CONTEXT, "with the sender gone and nobody holding the queue open, mq_getattr counted %ld message%s waiting",
			  (long)at.mq_curmsgs, at.mq_curmsgs == 1 ? "" : "s");
	while (got <= EXP_MSGS &&
	       mq_receive(q, msg, sizeof(msg), NULL) == EXP_MSG_SIZE) {
		fill_msg(want, tag, got++);
		intact += !memcmp(msg, want, sizeof(msg));
	}
	mq_close(q);
	claim_say(r, got == EXP_MSGS && intact == EXP_MSGS ? CS_SUPPORTS :
		  CS_CONTRADICTS,
		  "a new reader received %u of the %u messages, %u intact and in order",
		  got, EXP_MSGS, intact);
	return got == EXP_MSGS && intact == EXP_MSGS;
}

/* The queue: 0 when the experiment ran (r says how it went), or -errno
 * when it could not be set up (r->why says why). */
static int queue_part(struct claim_res *r, const char *tag)
{
	struct mq_attr at = { .mq_maxmsg = EXP_MSGS,
			      .mq_msgsize = EXP_MSG_SIZE };
	char name[NAME_MAX + 1];
	struct sender_args args = { .name = name, .tag = tag };
	struct proc_member child = { .name = "sender", .cpu = -1,
				     .run = sender, .arg = &args };
	struct proc_group group = { .member = &child, .n = 1,
				    .timeout_ns = EXP_SENDER_S * 1000000000LL };
	int ret;
	mqd_t q;

	snprintf(name, sizeof(name), "/%s.claims", tag);
	q = mq_open(name, O_CREAT | O_EXCL | O_RDONLY | O_NONBLOCK, 0600, &at);
	if (q == (mqd_t)-1) {
		ret = -errno;
		snprintf(r->why, sizeof(r->why), "POSIX message queues are not usable here: mq_open '%s' failed: %s",
			 name, strerror(-ret));
		return ret;
	}
	mq_close(q);		/* from now on nobody holds it open */
	ret = proc_group_start(&group);
	if (!ret)
		ret = proc_group_wait(&group);
	if (group.end == PROC_ERROR) {
		snprintf(r->why, sizeof(r->why), "cannot fork the sender: %s",
			 strerror(-ret));
		goto out_unlink;
	}
	if (ret) {
		char how[32];

		if (group.end == PROC_DEADLINE)
			snprintf(how, sizeof(how), "killed after %d s",
				 EXP_SENDER_S);
		else
			snprintf(how, sizeof(how), "%s",
				 group.end == PROC_STOPPED ? "interrupted" :
				 "exit status not 0");
		snprintf(r->why, sizeof(r->why), "the sender process failed (%s): nothing to judge",
			 how);
		ret = -EIO;
		goto out_unlink;
	}
	/* no pid or name here: the same system gives the same lines */
	claim_say(r, CS_CONTEXT, "a child process opened a new queue (mode 0600, a unique name), sent %u messages of %u bytes, closed it and exited with status 0",
		  EXP_MSGS, EXP_MSG_SIZE);
	drain(r, name, tag);
out_unlink:
	mq_unlink(name);
	return ret;
}

/* The contrast: a FIFO in a private directory.  Context lines only. */
static void fifo_part(struct claim_res *r, const char *tag)
{
	char dir[PATH_MAX], path[PATH_MAX + 8], msg[EXP_MSG_SIZE] = "x";
	int rfd, wfd, err;
	ssize_t n = -1;

	if (runner_private_dir(tag, dir, sizeof(dir)))
		return;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600))
		goto out_rmdir;
	wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	err = errno;
	if (wfd >= 0)
		close(wfd);
	claim_say(r, CS_CONTEXT, "contrast, a FIFO: opening it to write with no reader (O_WRONLY|O_NONBLOCK) %s%s",
		  wfd >= 0 ? "succeeded" : "failed: ",
		  wfd >= 0 ? "" : strerror(err));
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	for (unsigned i = 0; rfd >= 0 && wfd >= 0 && i < EXP_MSGS; i++)
		if (write(wfd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
			break;
	if (wfd >= 0)
		close(wfd);
	if (rfd >= 0)
		close(rfd);
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rfd >= 0) {
		n = read(rfd, msg, sizeof(msg));
		close(rfd);
	}
	claim_say(r, CS_CONTEXT, "contrast, a FIFO: with a reader present a writer wrote %u messages, then both ends closed; a new reader found %zd bytes: a FIFO holds data only while it is open",
		  EXP_MSGS, n < 0 ? (ssize_t)0 : n);
	unlink(path);
out_rmdir:
	rmdir(dir);
}

void claims_persistence(const struct rundir *rd, struct claim_res *r)
{
	char tag[64];
	int ret;

	(void)rd;		/* a property: shown now, not read from a run */
	/* Stop signals wait until the queue is gone (proc_fini raises them). */
	ret = proc_init();
	if (ret) {
		snprintf(r->why, sizeof(r->why), "cannot hold off stop signals: %s",
			 strerror(-ret));
		r->verdict = CV_NOT_MEASURED;
		return;
	}
	runner_make_tag(tag, sizeof(tag));
	ret = queue_part(r, tag);
	if (!ret)
		fifo_part(r, tag);
	proc_fini();
	if (ret) {
		r->verdict = CV_NOT_MEASURED;
		return;
	}
	claim_decide(r);
	snprintf(r->why, sizeof(r->why), "%s",
		 r->verdict == CV_HOLDS ?
		 "every message outlived its sender and arrived intact" :
		 "the messages did not all survive their sender");
}
