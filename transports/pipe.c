/*
 * pipe.c - anonymous pipes: the oldest Unix IPC, a one-way byte stream
 * between related processes.  Not a named object: see fifo.c for that.
 *
 * Mechanism.  pipe2() returns two descriptors, a read end and a write end,
 * of one kernel object: a ring of page-sized buffers (16 pages = 64 KiB by
 * default) with a wait queue for readers and one for writers.  A pipe goes
 * one way, so a conversation needs two: c2s (client to server) and s2c.
 * Only processes that inherit the descriptors can use a pipe; it has no
 * name.  One message, one direction: write() copies user memory into the
 * pipe's pages, read() copies them out to the reader: 2 syscalls, 2 copies.
 * A reader with nothing to read sleeps on the pipe's wait queue; the
 * writer's write() wakes it and the scheduler runs it (in ping-pong that is
 * one sleep and one wake-up per message, the main cost across CPUs).  A
 * writer that finds the ring full sleeps until the reader frees room, so a
 * message larger than the buffer costs several such hand-overs.
 *
 * Semantics.  A byte stream: no message boundaries.  A write of at most
 * PIPE_BUF (4096) bytes is atomic; a larger one may be read in pieces, so
 * send() and recv() loop over short transfers (fd_write_full and
 * fd_read_full).  Reliable and in order.
 *
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
 *
 * Persistence and limits.  Gone when the last descriptor closes; nothing to
 * clean up.  Option pipe_size asks for another buffer (F_SETPIPE_SZ): the
 * kernel rounds up to a power of two pages and refuses more than sysctl
 * fs.pipe-max-size (1 MiB) without privilege; t->info says what it granted.
 *
 * Pitfalls.  write() into a pipe without readers raises SIGPIPE, which kills
 * by default; the harness ignores SIGPIPE in its children, so write() fails
 * with EPIPE instead.  Several writers on one pipe interleave the pieces of
 * messages larger than PIPE_BUF (each of our pipes has one writer).
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
	int ret = fd_write_full(p->wr, buf, t->msg_size);

	return ret ? transport_fail(t, ret, "write failed") : 0;
}

static int pipe_recv(struct transport *t, void *buf)
{
	struct pipe_priv *p = t->priv;
	int ret = fd_read_full(p->rd, buf, t->msg_size);

	return ret ? transport_fail(t, ret, "read failed") : 0;
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
	.setup = pipe_setup,
	.open = pipe_open,
	.send = pipe_send,
	.recv = pipe_recv,
	.close = pipe_close,
	.teardown = pipe_teardown,
};
