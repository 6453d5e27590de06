/*
 * mq.c - POSIX message queues: the kernel keeps a queue of whole messages.
 *
 * Mechanism.  setup() creates two named queues, "/<tag>.c2s" and
 * "/<tag>.s2c", with mq_open(O_CREAT | O_EXCL); the descriptors (on Linux,
 * file descriptors) are inherited by both children across fork.  The client
 * writes c2s and reads s2c, the server the other way round.  mq_timedsend()
 * copies the message from the sender into a kernel buffer attached to the
 * queue; mq_timedreceive() copies the oldest one out to the receiver.  Per
 * message: 2 syscalls and 2 copies, both done by the kernel (shared memory
 * needs neither syscalls nor kernel copies; a pipe needs the same two).
 *
 * Semantics.  Messages keep their boundaries: one send is one receive, never
 * merged or split, and a receiver learns the length of each.  Reliable and
 * in order (within a priority; we send everything at priority 0).  A full
 * queue puts the sender to sleep, an empty one the receiver; the kernel
 * wakes the sleeper when the other side acts, so in ping-pong every message
 * is a sleep and a wake-up, as with a pipe.  Nobody spins.
 *
 * Persistence and limits.  A queue is a kernel object with a name that lives
 * until mq_unlink() even when no process has it open (visible in
 * /dev/mqueue if that file system is mounted; it need not be): teardown()
 * unlinks both, and `ipcbench clean` removes what crashed runs leaked.  The
 * kernel bounds queues by sysctls: fs.mqueue.msgsize_max (largest message,
 * 8192 by default) and fs.mqueue.msg_max (deepest queue, 10 by default);
 * beyond them mq_open() fails with EINVAL unless the process has
 * CAP_SYS_RESOURCE.  All queues of a user together may hold at most
 * RLIMIT_MSGQUEUE bytes (819200 by default, `ulimit -q`), so leaked queues
 * make later runs fail with EMFILE.  check() reads these limits and skips a
 * case beyond them, naming the setting to raise; messages are never cut.
 *
 * Pitfalls.  mq_receive() with a buffer smaller than the queue's message
 * size fails with EMSGSIZE, whatever the size of the waiting message.
 * Timeouts of mq_timedsend/mq_timedreceive are absolute CLOCK_REALTIME
 * times, not intervals and not CLOCK_MONOTONIC.  A blocking wait without a
 * timeout hangs forever if the peer died: every wait here ends after
 * t->io_timeout_ms with -ETIMEDOUT.
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

#include "transport.h"
#include "util.h"

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
	.check = pmq_check,
	.setup = pmq_setup,
	.open = pmq_open,
	.send = pmq_send,
	.recv = pmq_recv,
	.close = pmq_close,
	.teardown = pmq_teardown,
};
