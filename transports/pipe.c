/*
 * pipe.c - anonymous pipes: the oldest Unix IPC, a one-way byte stream
 * between related processes (fifo.c is the named kind).  The lesson comes
 * first: pipe_explain below is what `ipcbench explain pipe` prints, the
 * mechanism, costs, semantics, limits and pitfalls.  The code then follows
 * the textbook, two pipes for two directions, with one twist for a
 * supervisor that outlives its children: see pipe_setup().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pipeutil.h"
#include "transport.h"

static const struct transport_explain pipe_explain = {
	.pick = "parent and child, one way; the simplest, no cleanup",
	.mechanism =
		"pipe() (or pipe2()) returns two file descriptors, a read end "
		"and a write end, of one kernel object: a ring of page-sized "
		"buffers (16 pages, 64 KiB, by default) with a wait queue for "
		"readers and one for writers.  A pipe carries bytes one way, "
		"so a conversation needs two.  It has no name: only processes "
		"that inherit the descriptors across fork() (or receive them "
		"over a Unix socket) can use it.  The shell's `a | b` is one "
		"pipe.",
	.cost =
		"write() copies the message from the sender's memory into the "
		"pipe's pages; read() copies it out into the receiver's: 2 "
		"system calls and 2 copies per message one way, 4 and 4 per "
		"round trip.  A message larger than the free room in the "
		"buffer moves in pieces, each a sleep and a wake-up.  "
		"(vmsplice() and splice() can move pages without copying, "
		"with rules about when the sender may reuse its buffer.)",
	.blocking =
		"A reader that finds the pipe empty sleeps on its wait queue; "
		"the writer's write() wakes it and the scheduler runs it.  A "
		"writer that finds the ring full sleeps until the reader frees "
		"a buffer.  In ping-pong every message is a sleep and a "
		"wake-up: on one CPU a context switch, across CPUs an "
		"interrupt to wake the other CPU, which is dear in a virtual "
		"machine.  With O_NONBLOCK the calls fail with EAGAIN instead "
		"of sleeping, for poll() and epoll loops.",
	.boundaries =
		"A byte stream: the reader gets bytes, not messages.  A write "
		"of at most PIPE_BUF (4096 bytes on Linux) is atomic, never "
		"interleaved with other writers' bytes; a larger one may be "
		"split, and one read() may return part of a message, or the "
		"end of one and the start of the next.  Frame messages "
		"yourself (a fixed size or a length prefix) and loop over "
		"short reads.  Reliable and in order.\n"
		"When every write end is closed, read() returns 0 (end of "
		"file).  Writing when every read end is closed raises SIGPIPE, "
		"which kills by default; with SIGPIPE ignored, write() fails "
		"with EPIPE.",
	.persistence =
		"Nothing to name and nothing to clean up: the pipe lives while "
		"some process holds one of its descriptors, and unread data "
		"goes with it.  A crash leaks nothing.",
	.limits =
		"- Buffer: 64 KiB by default.  fcntl(fd, F_SETPIPE_SZ, n) asks "
		"for another size, rounded up to a power-of-two number of "
		"pages, at most fs.pipe-max-size (1 MiB by default: "
		"`sysctl fs.pipe-max-size`) without CAP_SYS_RESOURCE; "
		"fcntl(fd, F_GETPIPE_SZ) reads what was granted.\n"
		"- Per user: once one user's pipes hold more than "
		"fs.pipe-user-pages-soft pages (16384, 64 MiB), new pipes get "
		"a minimal buffer of 2 pages.\n"
		"- Descriptors: two per pipe, counted against `ulimit -n`.",
	.choose =
		"A parent and the children it forks, or a shell pipeline: the "
		"simplest IPC there is, everywhere, with end of file for free "
		"when the writer exits.  One direction per pipe.  For "
		"unrelated processes take a FIFO or a Unix socket; for whole "
		"messages a message queue or a datagram socket.",
	.pitfalls =
		"- A forgotten copy of a write end (in the parent, or in a "
		"child that did not close it) means the reader never sees end "
		"of file: close the ends you do not use right after fork().\n"
		"- SIGPIPE kills a writer whose reader has gone, unless it is "
		"ignored or handled.\n"
		"- Two processes that each write more than a pipe holds "
		"before reading the other pipe deadlock: the classic trap of "
		"talking both ways to a child.\n"
		"- Several writers on one pipe interleave the pieces of writes "
		"larger than PIPE_BUF.",
};

/* The four ends, in the order pipe2() returns them and they are parked. */
enum { PIPE_C2S_RD, PIPE_C2S_WR, PIPE_S2C_RD, PIPE_S2C_WR, PIPE_ENDS };

struct pipe_priv {
	int park;	/* socket holding one message of ends per child */
	int rd, wr;	/* this side's ends after open(); -1 when closed */
};

/* The ends as one SCM_RIGHTS control message, with one byte of data. */
union pipe_ctl {
	struct cmsghdr align;
	char buf[CMSG_SPACE(sizeof(int) * PIPE_ENDS)];
};

/* Queue one message carrying the four ends on sock. */
static int pipe_park(struct transport *t, int sock, const int ends[PIPE_ENDS])
{
	union pipe_ctl ctl;
	char byte = 'p';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * PIPE_ENDS);
	memcpy(CMSG_DATA(c), ends, sizeof(int) * PIPE_ENDS);
	while (sendmsg(sock, &msg, 0) < 0) {
		if (errno != EINTR)
			return transport_fail(t, errno, "sendmsg of the pipe ends failed");
	}
	return 0;
}

/* Take one message of ends off sock; it must be there already. */
static int pipe_unpark(struct transport *t, int sock, int ends[PIPE_ENDS])
{
	union pipe_ctl ctl;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	ssize_t n;

	while ((n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) < 0) {
		if (errno != EINTR)
			return transport_fail(t, errno, "recvmsg of the pipe ends failed");
	}
	c = CMSG_FIRSTHDR(&msg);
	if (n != 1 || !c || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int) * PIPE_ENDS) ||
	    (msg.msg_flags & MSG_CTRUNC))
		return transport_fail(t, EPROTO, "recvmsg of the pipe ends got no descriptors");
	memcpy(ends, CMSG_DATA(c), sizeof(int) * PIPE_ENDS);
	return 0;
}

/*
 * Why the parent parks the ends.  The textbook pattern is pipe(); fork();
 * then every process closes the ends it does not use, the parent included:
 * a reader sees end of file only when every write end is closed, so one
 * forgotten copy makes it wait forever when its peer dies.  Our parent is a
 * supervisor that forks two children and outlives them, and it gets no call
 * between the forks and teardown().  So setup() sends the four descriptors
 * into a Unix datagram socket as SCM_RIGHTS messages, one per child, and
 * closes its own copies; each child's open() takes one message out, keeps
 * the two ends it uses and closes the other two.  This costs nothing per
 * message; it keeps a peer's exit visible: read() returns 0 (-EPIPE here).
 * The harness ignores SIGPIPE in its children, so a write to a pipe
 * without readers fails with EPIPE instead of killing the writer.
 */
static int pipe_setup(struct transport *t)
{
	int ends[PIPE_ENDS] = { -1, -1, -1, -1 };
	struct pipe_priv *p;
	int sock[2], ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return transport_fail(t, ENOMEM, "allocating state failed");
	p->park = p->rd = p->wr = -1;
	t->priv = p;

	if (pipe2(&ends[PIPE_C2S_RD], O_CLOEXEC) ||
	    pipe2(&ends[PIPE_S2C_RD], O_CLOEXEC)) {
		ret = transport_fail(t, errno, "pipe2 failed");
		goto out_close;
	}
	ret = pipe_size_apply(t, ends[PIPE_C2S_WR], t->opt[PIPE_OPT_SIZE], "c2s");
	if (!ret)
		ret = pipe_size_apply(t, ends[PIPE_S2C_WR],
				      t->opt[PIPE_OPT_SIZE], "s2c");
	if (ret)
		goto out_close;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sock)) {
		ret = transport_fail(t, errno, "socketpair to park the pipe ends failed");
		goto out_close;
	}
	/* One message for each child; whichever comes first takes either. */
	ret = pipe_park(t, sock[0], ends);
	if (!ret)
		ret = pipe_park(t, sock[0], ends);
	close(sock[0]);
	if (ret)
		close(sock[1]);
	else
		p->park = sock[1];
out_close:
	/* Parked (the socket holds them) or failed: either way not ours. */
	for (int i = 0; i < PIPE_ENDS; i++)
		pipe_close_end(&ends[i]);
	return ret;
}

static int pipe_open(struct transport *t)
{
	struct pipe_priv *p = t->priv;
	bool client = t->side == SIDE_CLIENT;
	int ends[PIPE_ENDS], ret;

	ret = pipe_unpark(t, p->park, ends);
	pipe_close_end(&p->park);
	if (ret)
		return ret;
	p->wr = ends[client ? PIPE_C2S_WR : PIPE_S2C_WR];
	p->rd = ends[client ? PIPE_S2C_RD : PIPE_C2S_RD];
	close(ends[client ? PIPE_C2S_RD : PIPE_S2C_RD]);
	close(ends[client ? PIPE_S2C_WR : PIPE_C2S_WR]);
	return 0;
}

static int pipe_send(struct transport *t, const void *buf)
{
	struct pipe_priv *p = t->priv;

	return transport_stream_send(t, p->wr, buf, t->msg_size);
}

static int pipe_recv(struct transport *t, void *buf)
{
	struct pipe_priv *p = t->priv;

	return transport_stream_recv(t, p->rd, buf);
}

static void pipe_close(struct transport *t)
{
	struct pipe_priv *p = t->priv;

	pipe_close_end(&p->rd);
	pipe_close_end(&p->wr);
	pipe_close_end(&p->park);
}

static void pipe_teardown(struct transport *t)
{
	if (!t->priv)
		return;
	pipe_close(t);
	free(t->priv);
	t->priv = NULL;
}

static const struct transport_option pipe_options[] = {
	[PIPE_OPT_SIZE] = PIPE_SIZE_OPTION,
	{ .key = NULL },
};

const struct transport_ops transport_pipe = {
	.name = "pipe",
	.summary = "two anonymous pipes; kernel copies each message in and out",
	.flags = TF_STREAM,
	.options = pipe_options,
	.explain = &pipe_explain,
	.setup = pipe_setup,
	.open = pipe_open,
	.send = pipe_send,
	.recv = pipe_recv,
	.close = pipe_close,
	.teardown = pipe_teardown,
};
