/*
 * mq.c - POSIX message queues: the kernel keeps a queue of whole messages
 * under a name.  pmq_explain below is the lesson `ipcbench explain mq`
 * prints.  The code creates two queues, "/<tag>.c2s" and "/<tag>.s2c",
 * before the fork (both children inherit the descriptors), sends everything
 * at priority 0, bounds every wait by t->io_timeout_ms (a queue cannot see
 * its peer die), and reads the kernel's limits in check() so that a case
 * beyond them is skipped, naming the setting to raise: messages are never
 * cut.  (pmq_, not mq_: that prefix belongs to libc.)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base.h"
#include "transport.h"

static const struct transport_explain pmq_explain = {
	.pick = "whole messages, priorities; they outlive the sender",
	.mechanism =
		"mq_open(\"/name\", O_CREAT | ..., mode, &attr) creates a named "
		"queue kept by the kernel, in the mqueue file system; on Linux "
		"the mqd_t it returns is a file descriptor.  mq_send() copies "
		"a message into a kernel buffer attached to the queue; "
		"mq_receive() copies out the oldest message of the highest "
		"priority.  Sender and receiver need not be related, nor even "
		"run at the same time.  A queue carries messages one way in "
		"practice: ipcbench uses two, one per direction.",
	.cost =
		"2 system calls and 2 copies per message one way, both copies "
		"made by the kernel: what a pipe costs, with whole messages "
		"instead of bytes.  mq_timedsend() and mq_timedreceive() are "
		"the same calls with a deadline.",
	.blocking =
		"A full queue puts the sender to sleep, an empty one the "
		"receiver; the kernel wakes the sleeper when the other side "
		"acts, so in ping-pong every message is a sleep and a wake-up, "
		"as with a pipe.  With O_NONBLOCK the calls fail with EAGAIN "
		"instead.  The descriptor works with poll() and epoll on "
		"Linux, and mq_notify() can send a signal or start a thread "
		"when a message arrives in an empty queue.",
	.boundaries =
		"Messages keep their boundaries: one send is one receive, "
		"never merged or split, and the receiver learns each "
		"message's length.  Priorities 0 to 32767 "
		"(sysconf(_SC_MQ_PRIO_MAX)): higher first, first in first out "
		"within a priority.  Reliable: nothing is dropped; a full "
		"queue blocks the sender or refuses it.",
	.persistence =
		"Kernel persistence: a queue and the messages in it live until "
		"mq_unlink() or reboot, even when no process has it open.  A "
		"sender can exit, and a receiver started later still finds "
		"its messages (`ipcbench claims` tests this).  To see queues, "
		"mount the file system once, `mount -t mqueue none "
		"/dev/mqueue`; then `cat /dev/mqueue/NAME` shows QSIZE, the "
		"bytes queued.  Leaked queues count against their owner's "
		"limit until removed (`ipcbench clean` removes those of "
		"crashed runs).",
	.limits =
		"Small by default; mq_open() fails beyond them:\n"
		"- fs.mqueue.msg_max: messages per queue, 10 by default "
		"(EINVAL beyond);\n"
		"- fs.mqueue.msgsize_max: bytes per message, 8192 by default "
		"(EINVAL);\n"
		"- fs.mqueue.queues_max: queues on the system, 256 (ENOSPC);\n"
		"- RLIMIT_MSGQUEUE (`ulimit -q`): bytes that all queues of one "
		"user may hold, 819200 by default (EMFILE).\n"
		"CAP_SYS_RESOURCE lifts the three sysctls (up to fixed hard "
		"limits).  "
		"Read them with `grep . /proc/sys/fs/mqueue/*`; ipcbench skips "
		"a case beyond them and names the setting to raise.",
	.choose =
		"Small, whole messages between unrelated processes; a message "
		"that must wait for a receiver not yet running; urgent "
		"messages that should overtake (priorities); a queue to poll() "
		"beside sockets.  Not for bulk data: a message is at most 8 "
		"KiB by default and every byte is copied twice.",
	.pitfalls =
		"- The defaults are small, a queue of 10 messages of 8 KiB, "
		"and raising them needs root (sysctl).\n"
		"- mq_receive() with a buffer smaller than the queue's "
		"mq_msgsize fails with EMSGSIZE, whatever the size of the "
		"waiting message.\n"
		"- Timeouts of mq_timedsend() and mq_timedreceive() are "
		"absolute CLOCK_REALTIME times: setting the clock moves them.\n"
		"- A receiver waiting without a timeout hangs forever when the "
		"sender died: the queue cannot tell.\n"
		"- Names start with '/' and hold no other '/'.\n"
		"- Leaked queues fill RLIMIT_MSGQUEUE, and later mq_open() "
		"calls fail with EMFILE.",
};

#define PMQ_PROC "/proc/sys/fs/mqueue/"
/* What the kernel charges to RLIMIT_MSGQUEUE per message besides its bytes:
 * a struct msg_msg and a priority tree node, 48 bytes each on x86-64. */
#define PMQ_KERNEL_OVERHEAD 96
#define PMQ_DEFAULT_TIMEOUT_MS 10000

enum { PMQ_OPT_DEPTH };
enum { PMQ_C2S, PMQ_S2C };

struct pmq_priv {
	char name[2][NAME_MAX + 1];	/* by PMQ_C2S, PMQ_S2C */
	mqd_t q[2];			/* (mqd_t)-1 when closed */
	bool created[2];
	unsigned tx, rx;		/* indexes into q[] for this side */
};

/* One decimal number from a /proc file; 0 or -errno. */
static int pmq_read_limit(const char *file, unsigned long long *out)
{
	FILE *f = fopen(file, "r");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%llu", out);
	fclose(f);
	return n == 1 ? 0 : -EINVAL;
}

/* Absolute CLOCK_REALTIME deadline, the clock mq timeouts use. */
static void pmq_deadline(const struct transport *t, struct timespec *ts)
{
	int ms = t->io_timeout_ms > 0 ? t->io_timeout_ms :
					PMQ_DEFAULT_TIMEOUT_MS;

	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int pmq_timed_out(struct transport *t, const char *what)
{
	transport_fail(t, 0, "%s within %d ms (peer gone or stalled?)", what,
		       t->io_timeout_ms > 0 ? t->io_timeout_ms :
					      PMQ_DEFAULT_TIMEOUT_MS);
	return -ETIMEDOUT;
}

/* mq_open() says EMFILE for a full descriptor table and for a used-up
 * RLIMIT_MSGQUEUE alike: tell them apart. */
static bool pmq_fd_table_full(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd < 0 && errno == EMFILE;
}

static int pmq_check(struct transport *t)
{
	unsigned long long size_max, depth_max, depth = t->opt[PMQ_OPT_DEPTH];
	unsigned long long need;
	struct rlimit rl;

	if (pmq_read_limit(PMQ_PROC "msgsize_max", &size_max) ||
	    pmq_read_limit(PMQ_PROC "msg_max", &depth_max))
		return transport_fail(t, ENOSYS, "cannot read the limits in " PMQ_PROC " (kernel without POSIX message queues?)");
	if (t->msg_size > size_max) {
		transport_fail(t, 0, "%zu-byte messages exceed fs.mqueue.msgsize_max = %llu (raise it: sysctl -w fs.mqueue.msgsize_max=%zu)",
			       t->msg_size, size_max, t->msg_size);
		return -EMSGSIZE;
	}
	if (depth > depth_max) {
		transport_fail(t, 0, "queue_depth=%llu exceeds fs.mqueue.msg_max = %llu (raise it: sysctl -w fs.mqueue.msg_max=%llu, or lower queue_depth)",
			       depth, depth_max, depth);
		return -EINVAL;
	}
	need = 2 * depth * (t->msg_size + PMQ_KERNEL_OVERHEAD);
	if (getrlimit(RLIMIT_MSGQUEUE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && need > rl.rlim_cur) {
		transport_fail(t, 0, "two queues of %llu x %zu-byte messages need about %llu bytes, above RLIMIT_MSGQUEUE = %llu (raise it: ulimit -q %llu)",
			       depth, t->msg_size, need,
			       (unsigned long long)rl.rlim_cur, need);
		return -EDQUOT;
	}
	return 0;
}

static int pmq_setup(struct transport *t)
{
	static const char *const suffix[2] = { "c2s", "s2c" };
	struct mq_attr attr = {
		.mq_maxmsg = (long)t->opt[PMQ_OPT_DEPTH],
		.mq_msgsize = (long)t->msg_size,
	};
	struct pmq_priv *p;

	p = calloc(1, sizeof(*p));
	if (!p)
		return transport_fail(t, ENOMEM, "setup");
	t->priv = p;
	p->q[0] = p->q[1] = (mqd_t)-1;
	for (unsigned i = 0; i < 2; i++) {
		const char *hint = "";
		int e;

		if ((size_t)snprintf(p->name[i], sizeof(p->name[i]), "/%s.%s",
				     t->tag, suffix[i]) >= sizeof(p->name[i]))
			return transport_fail(t, ENAMETOOLONG, "name '/%s.%s'",
					      t->tag, suffix[i]);
		p->q[i] = mq_open(p->name[i], O_CREAT | O_EXCL | O_RDWR, 0600,
				  &attr);
		if (p->q[i] != (mqd_t)-1) {
			p->created[i] = true;
			continue;
		}
		e = errno;
		if (e == EMFILE)
			hint = pmq_fd_table_full() ?
			       " (no free file descriptor: ulimit -n)" :
			       " (RLIMIT_MSGQUEUE used up? leaked queues: ipcbench clean)";
		else if (e == EINVAL)
			hint = " (beyond fs.mqueue.msg_max or msgsize_max?)";
		transport_fail(t, 0, "mq_open '%s' failed: %s%s", p->name[i],
			       strerror(e), hint);
		return -e;
	}
	if (mq_getattr(p->q[PMQ_C2S], &attr) == 0)
		snprintf(t->info, sizeof(t->info),
			 "queue_depth=%ld msgsize=%ld", attr.mq_maxmsg,
			 attr.mq_msgsize);
	return 0;
}

/* Each side writes one queue and reads the other, so it keeps both
 * descriptors; they were opened O_RDWR in the parent for that reason. */
static int pmq_open(struct transport *t)
{
	struct pmq_priv *p = t->priv;

	p->tx = t->side == SIDE_CLIENT ? PMQ_C2S : PMQ_S2C;
	p->rx = t->side == SIDE_CLIENT ? PMQ_S2C : PMQ_C2S;
	return 0;
}

static int pmq_send(struct transport *t, const void *buf)
{
	struct pmq_priv *p = t->priv;
	struct timespec ts;

	pmq_deadline(t, &ts);
	while (mq_timedsend(p->q[p->tx], buf, t->msg_size, 0, &ts) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == ETIMEDOUT)
			return pmq_timed_out(t, "queue still full");
		return transport_fail(t, errno, "mq_timedsend to '%s' failed",
				      p->name[p->tx]);
	}
	return 0;
}

static int pmq_recv(struct transport *t, void *buf)
{
	struct pmq_priv *p = t->priv;
	struct timespec ts;
	ssize_t n;

	pmq_deadline(t, &ts);
	while ((n = mq_timedreceive(p->q[p->rx], buf, t->msg_size, NULL,
				    &ts)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == ETIMEDOUT)
			return pmq_timed_out(t, "no message");
		return transport_fail(t, errno,
				      "mq_timedreceive from '%s' failed",
				      p->name[p->rx]);
	}
	if ((size_t)n != t->msg_size) {
		transport_fail(t, 0, "received a %zd-byte message from '%s', expected %zu",
			       n, p->name[p->rx], t->msg_size);
		return -EMSGSIZE;
	}
	return 0;
}

static void pmq_close(struct transport *t)
{
	struct pmq_priv *p = t->priv;

	for (unsigned i = 0; i < 2; i++) {
		if (p->q[i] != (mqd_t)-1)
			mq_close(p->q[i]);
		p->q[i] = (mqd_t)-1;
	}
}

static void pmq_teardown(struct transport *t)
{
	struct pmq_priv *p = t->priv;

	if (!p)
		return;
	pmq_close(t);
	for (unsigned i = 0; i < 2; i++) {
		if (p->created[i])
			mq_unlink(p->name[i]);	/* ENOENT: gone, fine */
	}
	free(p);
	t->priv = NULL;
}

static const struct transport_option pmq_options[] = {
	[PMQ_OPT_DEPTH] = { .key = "queue_depth", .type = TOPT_UINT,
		.def = "10", .min = 1, .max = 65536,
		.help = "messages a queue holds before the sender waits" },
	{ .key = NULL },
};

const struct transport_ops transport_mq = {
	.name = "mq",
	.summary = "POSIX message queues: the kernel copies each message in and out",
	.flags = 0,
	.options = pmq_options,
	.explain = &pmq_explain,
	.check = pmq_check,
	.setup = pmq_setup,
	.open = pmq_open,
	.send = pmq_send,
	.recv = pmq_recv,
	.close = pmq_close,
	.teardown = pmq_teardown,
};
