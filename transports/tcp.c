/*
 * tcp.c - TCP over the loopback interface: the full network stack, with
 * the wire replaced by a function call.  127.0.0.1 only.
 *
 * Mechanism.  setup() makes a socket, binds it to 127.0.0.1 on port 0 (the
 * kernel picks a free port, read back with getsockname(): no fixed port to
 * collide on, and not reachable from other hosts, as a bind to all
 * interfaces would be) and listens; both children inherit the listener.
 * In open() the client binds its socket to 127.0.0.1, writes the address
 * it got into a page shared with the server (mapped in setup(), nameless),
 * and connect()s (a three-way handshake over lo); the server accept()s
 * only a connection from that address.  Anyone on the host may connect to
 * a loopback port: a stranger who does is hung up on instead of being
 * taken for the client (no one else can bind the client's address, and
 * no one else can write the page).  One message, one direction: write()
 * copies user memory into socket buffers, TCP cuts
 * them into segments (at most one MSS, about 64 KiB on lo), adds TCP and IP
 * headers and "transmits" them to the loopback device, which feeds them
 * straight back into the receive path (in a softirq, usually on the same
 * CPU); that queues the data on the receiving socket, wakes the reader and
 * sends an ACK back.  read() copies the data out.  So: 2 syscalls and 2
 * copies, like a pipe, plus the whole TCP/IP path twice and ACK segments
 * (often riding on data going the other way).
 *
 * Semantics.  A byte stream: no message boundaries, so send() and recv()
 * loop over short transfers.  Reliable and in order, with flow control: a
 * writer sleeps when the receiver's window and its own send buffer are
 * full.  When the peer closes, read() returns 0 (-EPIPE here); a reset is
 * ECONNRESET, also -EPIPE.
 *
 * Nagle and delayed ACK.  Nagle's algorithm holds back a segment smaller
 * than the MSS while earlier data is unacknowledged, hoping to merge it
 * with more; the receiver may delay its ACK (up to ~40 ms) hoping to send
 * it with a reply.  When a message is written in two pieces (a header,
 * then the body) and the peer answers only once it has all of it, each
 * waits for the other: the second piece waits for an ACK that waits for a
 * timer.  On this project's VM: ~44 ms per round trip with one side
 * splitting, ~88 ms with both, instead of ~10-40 us.  By default we write
 * each message with one write(); Linux uses Minshall's variant of Nagle (a
 * small segment waits only while an earlier small one is unacknowledged,
 * and one write leaves at most one, its tail); and in ping-pong the reply
 * acknowledges the request.  So nodelay=false alone shows no stall here
 * (none measured with messages up to 300 KB, many segments each).  In
 * one-way streams Nagle merges small messages into fewer segments: more
 * messages per second, each waiting longer.  Option nodelay (default true)
 * sets TCP_NODELAY, turning Nagle off, as latency-sensitive programs do;
 * option split_writes sends each message in two write() calls (first
 * half, then the rest), so that a lab can show the stall with
 * nodelay=false and its cure with nodelay=true.
 *
 * Persistence and limits.  Nothing in the file system; the port is freed
 * when the sockets close (the side that closes first keeps a TIME_WAIT
 * entry for 60 s, harmless with port 0).  Buffers are autotuned between
 * net.ipv4.tcp_wmem / tcp_rmem when option bufsize is 0 (t->info shows the
 * starting sizes); a bufsize request turns autotuning off, is doubled by
 * the kernel and capped at net.core.wmem_max / rmem_max.
 *
 * Pitfalls.  Nagle (above); SIGPIPE on writing to a closed connection (the
 * harness ignores it in its children: EPIPE instead); a fixed port fails
 * when something else holds it; accept() cannot see a client that died
 * before connecting, so its wait is bounded by t->io_timeout_ms.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "sockutil.h"
#include "transport.h"

enum { TCP_OPT_NODELAY, TCP_OPT_SPLIT, TCP_OPT_BUFSIZE };

struct tcp_priv {
	struct sockaddr_in addr;	/* the listener's, port read back */
	struct sockaddr_in *client;	/* shared page: the client's address,
					 * written before it connects */
	int listen_fd;			/* made in setup(), inherited */
	int fd;				/* this side's connected socket */
};

static int tcp_setup(struct transport *t)
{
	struct tcp_priv *p;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return transport_fail(t, ENOMEM, "allocating state failed");
	p->listen_fd = p->fd = -1;
	t->priv = p;
	/* Shared with both children, so the client can tell the server its
	 * address; no name, so no one else can write it. */
	p->client = mmap(NULL, sizeof(*p->client), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->client == MAP_FAILED) {
		p->client = NULL;
		return transport_fail(t, errno, "mmap of a shared page failed");
	}
	ret = sock_bind_loopback(t, SOCK_STREAM, &p->listen_fd, &p->addr);
	if (ret)
		return ret;
	if (listen(p->listen_fd, 8))
		return transport_fail(t, errno, "listen on 127.0.0.1:%u failed",
				      (unsigned)ntohs(p->addr.sin_port));
	/* Accepted sockets inherit the listener's buffer sizes. */
	return sock_bufsize_apply(t, p->listen_fd, t->opt[TCP_OPT_BUFSIZE]);
}

static int tcp_open(struct transport *t)
{
	struct tcp_priv *p = t->priv;
	struct sockaddr_in me;
	int one = 1, ret;

	/* The client binds first and publishes its address: the server
	 * accepts a connection from that address only. */
	if (t->side == SIDE_CLIENT) {
		ret = sock_bind_loopback(t, SOCK_STREAM, &p->fd, &me);
		if (ret)
			return ret;
		*p->client = me;
		__atomic_thread_fence(__ATOMIC_RELEASE);
	}
	ret = sock_stream_open(t, &p->listen_fd, &p->fd,
			       (const struct sockaddr *)&p->addr, sizeof(p->addr),
			       t->opt[TCP_OPT_BUFSIZE], p->client);
	if (ret)
		return ret;
	if (t->opt[TCP_OPT_NODELAY] &&
	    setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))) {
		ret = transport_fail(t, errno, "setsockopt TCP_NODELAY failed");
		sock_close(&p->fd);
	}
	return ret;
}

static int tcp_send(struct transport *t, const void *buf)
{
	struct tcp_priv *p = t->priv;
	size_t first = t->opt[TCP_OPT_SPLIT] ? t->msg_size / 2 : t->msg_size;
	int ret = fd_write_full(p->fd, buf, first);

	if (!ret && first < t->msg_size)
		ret = fd_write_full(p->fd, (const char *)buf + first,
				    t->msg_size - first);
	return ret ? transport_fail(t, ret, "write failed") : 0;
}

static int tcp_recv(struct transport *t, void *buf)
{
	struct tcp_priv *p = t->priv;
	int ret = fd_read_full(p->fd, buf, t->msg_size);

	return ret ? transport_fail(t, ret, "read failed") : 0;
}

static void tcp_close(struct transport *t)
{
	struct tcp_priv *p = t->priv;

	sock_close(&p->fd);
	sock_close(&p->listen_fd);
}

static void tcp_teardown(struct transport *t)
{
	struct tcp_priv *p = t->priv;

	if (!p)
		return;
	tcp_close(t);
	if (p->client)
		munmap(p->client, sizeof(*p->client));
	free(t->priv);
	t->priv = NULL;
}

static const struct transport_option tcp_options[] = {
	[TCP_OPT_NODELAY] = { .key = "nodelay", .type = TOPT_BOOL, .def = "true",
		.help = "TCP_NODELAY: send each write at once (false: Nagle's algorithm batches small segments)" },
	[TCP_OPT_SPLIT] = { .key = "split_writes", .type = TOPT_BOOL, .def = "false",
		.help = "write each message in two write() calls (first half, then the rest): shows Nagle's stall" },
	[TCP_OPT_BUFSIZE] = SOCK_BUFSIZE_OPTION,
	{ .key = NULL },
};

const struct transport_ops transport_tcp = {
	.name = "tcp",
	.summary = "TCP over loopback (127.0.0.1); the full network stack, no wire",
	.flags = TF_STREAM,
	.options = tcp_options,
	.setup = tcp_setup,
	.open = tcp_open,
	.send = tcp_send,
	.recv = tcp_recv,
	.close = tcp_close,
	.teardown = tcp_teardown,
};
