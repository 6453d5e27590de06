/*
 * tcp.c - TCP over the loopback interface: the full network stack, with
 * the wire replaced by a function call; 127.0.0.1 only.  tcp_explain below
 * is the lesson `ipcbench explain tcp` prints.  The code binds a listener to
 * 127.0.0.1 on port 0 (the kernel picks a free port: nothing to collide
 * on, and unreachable from other hosts) before the fork.  Anyone on the
 * host may connect to a loopback port, so the client binds first and
 * publishes its address in a nameless shared page, and the server accepts
 * only that address (tcp_open(), sock_stream_open()).  Option nodelay
 * (default true) sets TCP_NODELAY, as latency-sensitive programs do;
 * split_writes writes each message in two calls, so that a lab can show
 * Nagle's stall with nodelay=false and its cure with nodelay=true.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "sockutil.h"
#include "transport.h"

static const struct transport_explain tcp_explain = {
	.pick = "a peer that is, or may one day be, on another host",
	.mechanism =
		"The whole TCP/IP stack, with the wire replaced by the "
		"loopback device.  The server bind()s to 127.0.0.1 and a port, "
		"listen()s and accept()s; the client connect()s (a three-way "
		"handshake).  A write() cuts the data into segments of at most "
		"one MSS (about 64 KiB on lo, whose MTU is 65536), adds TCP "
		"and IP headers and transmits them to lo, which feeds them "
		"straight back into the receive path in a softirq, usually on "
		"the sender's CPU.  That queues the data on the receiving "
		"socket, wakes the reader and sends an ACK back.",
	.cost =
		"2 system calls and 2 copies per message one way, as a pipe, "
		"plus the TCP/IP path on both ends: segmentation, headers, "
		"connection state, ACK segments (often riding on replies), "
		"flow and congestion control.  Between two processes of one "
		"host a Unix socket does the same job with far less code in "
		"the kernel.",
	.blocking =
		"A reader with nothing queued sleeps on the socket; the "
		"softirq that delivers a segment wakes it.  A writer sleeps "
		"when its send buffer is full: the receiver is not reading "
		"(its advertised window is closed) or the data still awaits "
		"acknowledgement.  Nothing is lost on loopback: a slow reader "
		"slows the writer down.",
	.boundaries =
		"A byte stream: no message boundaries.  One write() may be "
		"read in several pieces and several writes as one, so frame "
		"messages (a length prefix) and loop over short reads and "
		"writes.  Reliable and in order.\n"
		"The peer's close() is end of file (read() returns 0); a reset "
		"is ECONNRESET; writing after the peer closed raises SIGPIPE "
		"(with MSG_NOSIGNAL: EPIPE).",
	.persistence =
		"Nothing in the file system.  A listening port is free again "
		"when its socket closes.  The side that closes a connection "
		"first keeps it in TIME_WAIT for 60 s, which is why servers "
		"set SO_REUSEADDR before bind().  Binding to port 0 lets the "
		"kernel pick a free port (getsockname() tells which).",
	.limits =
		"- Buffers: autotuned between the three values (min, default, "
		"max) of net.ipv4.tcp_wmem and net.ipv4.tcp_rmem.  Setting "
		"SO_SNDBUF or SO_RCVBUF turns autotuning off; the request is "
		"doubled and capped at net.core.wmem_max / rmem_max.\n"
		"- Segment size: the MSS follows the MTU (`ip link show lo`: "
		"65536 on loopback; 1500 on most Ethernet).\n"
		"- Ports for outgoing connections: "
		"net.ipv4.ip_local_port_range; pending connections: the "
		"listen() backlog, capped at net.core.somaxconn.\n"
		"- Watch a connection: `ss -tmi` shows its buffers, RTT and "
		"window.",
	.choose =
		"When the peer is, or may become, another machine; when a "
		"protocol already runs over TCP (HTTP, gRPC, databases); when "
		"network tools matter (`tcpdump -i lo`, proxies, TLS).  Between "
		"processes that will always share a host, a Unix socket offers "
		"the same API for less; for the lowest latency, shared memory.",
	.pitfalls =
		"- Nagle and delayed ACK.  Nagle's algorithm holds back a "
		"small segment while earlier data is unacknowledged; the "
		"receiver delays its ACK (40 ms at least on Linux, up to 200 "
		"ms) hoping to send it with a reply.  A message written in two "
		"pieces (a header, then the body) whose answer waits for all "
		"of it then stalls for a delayed ACK on every exchange.  "
		"Cures: one write per message (writev() for pieces), or "
		"TCP_NODELAY; TCP_CORK batches on purpose.  Linux's variant "
		"of Nagle lets one write per message through without a "
		"stall.\n"
		"- Byte stream framing; SIGPIPE.\n"
		"- Binding to 0.0.0.0 instead of 127.0.0.1 opens the port to "
		"the network, and anyone on the host can connect to a "
		"loopback port: authenticate the peer.\n"
		"- A fixed port collides with another program; TIME_WAIT "
		"blocks a quick restart without SO_REUSEADDR.",
};

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
	int ret = transport_stream_send(t, p->fd, buf, first);

	if (!ret && first < t->msg_size)
		ret = transport_stream_send(t, p->fd, (const char *)buf + first,
					    t->msg_size - first);
	return ret;
}

static int tcp_recv(struct transport *t, void *buf)
{
	struct tcp_priv *p = t->priv;

	return transport_stream_recv(t, p->fd, buf);
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
	.explain = &tcp_explain,
	.setup = tcp_setup,
	.open = tcp_open,
	.send = tcp_send,
	.recv = tcp_recv,
	.close = tcp_close,
	.teardown = tcp_teardown,
};
