/*
 * uds.c - Unix domain stream sockets: a connection between two processes
 * on one host, met at a path in the file system.  No network stack.
 *
 * Mechanism.  setup() makes a socket(AF_UNIX, SOCK_STREAM), binds it to
 * <dir>/sock (which creates a socket file there) and listens; both children
 * inherit the listener.  In open() the server accept()s and the client
 * connect()s to the path; the kernel pairs two sockets, one per process,
 * and the listener is closed.  The server takes only a connection made by
 * its sibling, the client forked by the same supervisor (SO_PEERCRED
 * tells who connected); the file's mode 0600 keeps other users out
 * anyway.  One message, one direction: write() copies
 * user memory into a socket buffer (an skb) and appends it directly to the
 * peer's receive queue; read() copies it out and frees it: 2 syscalls, 2
 * copies, and no protocol work (no headers, checksums, ACKs or windows, as
 * TCP needs).  A reader with nothing queued sleeps on the socket's wait
 * queue; the writer's write() wakes it and the scheduler runs it.  The
 * sender is charged for what it has queued and not yet read; past its
 * SO_SNDBUF it sleeps until the reader catches up.  So nothing is dropped:
 * a slow reader slows the writer down (compare udp.c).
 *
 * Semantics.  SOCK_STREAM is a byte stream: no message boundaries (a long
 * write may arrive in pieces, and two writes may be read as one), so send()
 * and recv() loop over short transfers.  Reliable and in order.  When the
 * peer closes, read() returns 0 (-EPIPE here).  (SOCK_SEQPACKET would keep
 * boundaries; this transport measures the common stream kind.)
 *
 * Persistence and limits.  The connection is gone when both descriptors
 * close, but the socket file stays until unlink(), like a file, and a
 * later bind() to it fails with EADDRINUSE: teardown() removes it.  The
 * path must fit sun_path, 108 bytes with its NUL; setup() checks.
 * Connecting needs write permission on the socket file: it is 0600, in a
 * 0700 directory.  Buffers default to net.core.wmem_default (208 KiB
 * here); option bufsize asks for SO_SNDBUF and SO_RCVBUF, which Linux
 * doubles and caps at net.core.wmem_max; t->info says what it granted.
 * For a stream socket only the sender's SO_SNDBUF bounds the data in
 * flight; SO_RCVBUF is not used.
 *
 * Pitfalls.  write() to a socket whose peer has gone raises SIGPIPE (the
 * harness ignores it in its children: EPIPE instead).  A stale socket file
 * makes bind() fail.  accept() cannot see a client that died before
 * connecting (the parent still holds the listener): its wait is bounded by
 * t->io_timeout_ms.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockutil.h"
#include "transport.h"

enum { UDS_OPT_BUFSIZE };

struct uds_priv {
	struct sockaddr_un addr;
	bool bound;		/* the socket file exists: ours to unlink */
	int listen_fd;		/* made in setup(), inherited; -1 when closed */
	int fd;			/* this side's connected socket */
};

static int uds_setup(struct transport *t)
{
	struct uds_priv *p;
	int n;

	p = calloc(1, sizeof(*p));
	if (!p)
		return transport_fail(t, ENOMEM, "allocating state failed");
	p->listen_fd = p->fd = -1;
	t->priv = p;
	p->addr.sun_family = AF_UNIX;
	n = snprintf(p->addr.sun_path, sizeof(p->addr.sun_path), "%s/sock",
		     t->dir);
	if (n < 0 || (size_t)n >= sizeof(p->addr.sun_path))
		return transport_fail(t, ENAMETOOLONG, "socket path '%s/sock' does not fit sun_path (%zu bytes with its NUL)",
				      t->dir, sizeof(p->addr.sun_path));

	p->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->listen_fd < 0)
		return transport_fail(t, errno, "socket failed");
	if (bind(p->listen_fd, (struct sockaddr *)&p->addr, sizeof(p->addr)))
		return transport_fail(t, errno, "bind to '%s' failed",
				      p->addr.sun_path);
	p->bound = true;
	/* bind() applied the umask; say exactly who may connect. */
	if (chmod(p->addr.sun_path, 0600))
		return transport_fail(t, errno, "chmod '%s' failed",
				      p->addr.sun_path);
	if (listen(p->listen_fd, 1))
		return transport_fail(t, errno, "listen on '%s' failed",
				      p->addr.sun_path);
	/* What the children's sockets will get for the same request. */
	return sock_bufsize_apply(t, p->listen_fd, t->opt[UDS_OPT_BUFSIZE]);
}

static int uds_open(struct transport *t)
{
	struct uds_priv *p = t->priv;

	return sock_stream_open(t, &p->listen_fd, &p->fd,
				(const struct sockaddr *)&p->addr,
				sizeof(p->addr), t->opt[UDS_OPT_BUFSIZE], NULL);
}

static int uds_send(struct transport *t, const void *buf)
{
	struct uds_priv *p = t->priv;
	int ret = fd_write_full(p->fd, buf, t->msg_size);

	return ret ? transport_fail(t, ret, "write failed") : 0;
}

static int uds_recv(struct transport *t, void *buf)
{
	struct uds_priv *p = t->priv;
	int ret = fd_read_full(p->fd, buf, t->msg_size);

	return ret ? transport_fail(t, ret, "read failed") : 0;
}

static void uds_close(struct transport *t)
{
	struct uds_priv *p = t->priv;

	sock_close(&p->fd);
	sock_close(&p->listen_fd);
}

static void uds_teardown(struct transport *t)
{
	struct uds_priv *p = t->priv;

	if (!p)
		return;
	uds_close(t);
	if (p->bound)
		unlink(p->addr.sun_path);	/* ENOENT: already gone, fine */
	free(p);
	t->priv = NULL;
}

static const struct transport_option uds_options[] = {
	[UDS_OPT_BUFSIZE] = SOCK_BUFSIZE_OPTION,
	{ .key = NULL },
};

const struct transport_ops transport_uds = {
	.name = "uds",
	.summary = "Unix domain stream socket; kernel copies, no network stack",
	.flags = TF_STREAM | TF_PATH,
	.options = uds_options,
	.setup = uds_setup,
	.open = uds_open,
	.send = uds_send,
	.recv = uds_recv,
	.close = uds_close,
	.teardown = uds_teardown,
};
