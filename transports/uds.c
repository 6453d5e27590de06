/*
 * uds.c - Unix domain stream sockets: a connection between two processes
 * on one host, met at a path in the file system, with no network stack.
 * uds_explain below is the lesson `ipcbench explain uds` prints.  The code
 * binds a listener to <dir>/sock (0600, in the case's 0700 directory)
 * before the fork; the server accepts only its sibling client, told apart
 * by SO_PEERCRED, and waits for it at most t->io_timeout_ms, since accept()
 * cannot see a client that died before connecting (sock_stream_open() in
 * sockutil.c).  SOCK_SEQPACKET would keep message boundaries; this
 * transport measures the common stream kind.
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

static const struct transport_explain uds_explain = {
	.pick = "local client/server, both ways; peer credentials",
	.mechanism =
		"socket(AF_UNIX, SOCK_STREAM, 0) on both sides.  The server "
		"bind()s to a path, which creates a socket file, then "
		"listen()s and accept()s; the client connect()s to the path "
		"and the kernel pairs two connected sockets, one per process.  "
		"Related processes can skip the name with socketpair().  Linux "
		"also has an abstract namespace (sun_path starting with a NUL "
		"byte): no file at all.  One socket carries data both ways.  "
		"There is no protocol: a write() puts the data straight on "
		"the peer's receive queue.",
	.cost =
		"write() allocates a socket buffer (an skb), copies the data "
		"into it and queues it on the peer's socket; read() copies it "
		"out and frees it: 2 system calls and 2 copies per message one "
		"way, as a pipe, plus the skb bookkeeping, which often makes "
		"small messages dearer than through a pipe.  No headers, "
		"checksums, acknowledgements or windows, as TCP needs.",
	.blocking =
		"A reader with nothing queued sleeps on the socket's wait "
		"queue; the writer's write() wakes it.  The writer is charged "
		"for the data it queued until the reader takes it: beyond its "
		"send buffer (SO_SNDBUF) it sleeps until the reader catches "
		"up.  Nothing is ever dropped: a slow reader slows the writer "
		"down.",
	.boundaries =
		"SOCK_STREAM is a byte stream: a long write may arrive in "
		"pieces and two writes may be read as one, so frame messages "
		"and loop.  SOCK_SEQPACKET keeps boundaries on a connection, "
		"SOCK_DGRAM without one; unlike UDP, Unix datagrams are "
		"reliable and block the sender when the receiver's queue is "
		"full.  Every kind delivers in order.\n"
		"When the peer closes, read() returns 0.  Writing to a closed "
		"peer raises SIGPIPE; send() with MSG_NOSIGNAL fails with "
		"EPIPE instead.",
	.persistence =
		"The connection lives while both sockets are open.  The "
		"socket file stays after the server exits, like a file, and a "
		"later bind() to it fails with EADDRINUSE: unlink() it before "
		"bind() and after use.  An abstract name disappears with its "
		"last socket.",
	.limits =
		"- The path must fit sun_path: 108 bytes with its NUL.\n"
		"- Buffers: net.core.wmem_default (212992 bytes by default).  "
		"The kernel doubles an SO_SNDBUF request and caps it at "
		"net.core.wmem_max; getsockopt() reads back what was "
		"granted.\n"
		"- Pending connections: the listen() backlog, capped at "
		"net.core.somaxconn (4096 since Linux 5.4).\n"
		"- Datagram sockets queue at most net.unix.max_dgram_qlen "
		"datagrams (10 in the kernel, 512 where systemd raises it).\n"
		"- Read any of them with `sysctl NAME`, for example `sysctl "
		"net.core.wmem_max`.",
	.choose =
		"A local server with many clients that talks both ways: "
		"databases, the X server, D-Bus, Docker and systemd all listen "
		"on one.  It can tell who connected (SO_PEERCRED: the peer's "
		"pid, uid and gid), pass open file descriptors (SCM_RIGHTS), "
		"and uses file permissions for access control.  Its API is "
		"TCP's, so moving to another host later is a small change.",
	.pitfalls =
		"- A stale socket file makes bind() fail; a long path does not "
		"fit sun_path.\n"
		"- A stream has no boundaries: framing is your job.\n"
		"- SIGPIPE on writing to a closed connection.\n"
		"- SO_PEERCRED tells who connected at connect() time; by the "
		"time you act on the pid, that process may have exited and "
		"the pid been reused.\n"
		"- SO_RCVBUF does nothing for a stream socket: only the "
		"sender's SO_SNDBUF bounds the data in flight.",
};

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

	return transport_stream_send(t, p->fd, buf, t->msg_size);
}

static int uds_recv(struct transport *t, void *buf)
{
	struct uds_priv *p = t->priv;

	return transport_stream_recv(t, p->fd, buf);
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
	.explain = &uds_explain,
	.setup = uds_setup,
	.open = uds_open,
	.send = uds_send,
	.recv = uds_recv,
	.close = uds_close,
	.teardown = uds_teardown,
};
