/*
 * udp.c - UDP datagrams over the loopback interface, 127.0.0.1 only: whole
 * messages, no connection, no delivery guarantee.  udp_explain below is the
 * lesson `ipcbench explain udp` prints.  The code binds one socket per side
 * to a port the kernel picks and connect()s each to the other, which on UDP
 * sends nothing but makes the kernel drop datagrams from anyone else (what
 * arrived before is drained).  The transport is TF_LOSSY: recv() waits at
 * most option loss_timeout_ms (SO_RCVTIMEO, no extra system call per
 * message) and then returns -ETIMEDOUT, and the harness counts the loss from
 * sequence numbers (sent = received + lost) instead of hanging or failing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "sockutil.h"
#include "transport.h"

static const struct transport_explain udp_explain = {
	.pick = "messages you may lose: telemetry, media, state",
	.mechanism =
		"Datagrams over the loopback device, without a connection.  "
		"Each side bind()s a socket to 127.0.0.1 and a port; sendto() "
		"names the destination, or connect() sets a default one (and "
		"filters what may arrive).  One send is one datagram: UDP and "
		"IP headers are added and the packet is handed to lo, which "
		"queues it on this CPU's backlog; a softirq then puts it on "
		"the receiving socket's queue and wakes the reader.",
	.cost =
		"2 system calls and 2 copies per message one way, plus the "
		"IP and UDP path: less work than TCP (no ACKs, windows, "
		"retransmission or connection state), more than a Unix "
		"socket.  sendmmsg() and recvmmsg() move several datagrams per "
		"system call.",
	.blocking =
		"A reader with an empty queue sleeps until a datagram arrives.  "
		"Nothing slows a sender down for a slow receiver: on loopback "
		"its send buffer is released as soon as lo takes the packet, "
		"so send() practically never blocks.  A datagram that finds "
		"the receiver's queue full is dropped.",
	.boundaries =
		"Boundaries are kept: one send() is one recv() of the same "
		"length, never merged or split.  A receive buffer shorter than "
		"the datagram truncates it silently; MSG_TRUNC tells the real "
		"length.\n"
		"Not reliable: a datagram is dropped when the receiving socket "
		"already holds SO_RCVBUF bytes or the CPU's backlog holds "
		"net.core.netdev_max_backlog packets, and nothing tells the "
		"sender.  Over real networks datagrams may also be duplicated "
		"or reordered; on loopback they arrive in order or not at all.",
	.persistence =
		"None: no name in the file system, and nothing queued "
		"survives the socket.  The port is free again when the socket "
		"closes.",
	.limits =
		"- A UDP/IPv4 datagram carries at most 65507 bytes: 65535 (the "
		"IP length field) minus 20 bytes of IP and 8 of UDP header "
		"(65527 over IPv6).  A larger send() fails with EMSGSIZE.\n"
		"- Beyond the link's MTU (1500 on most Ethernet, 65536 on lo) "
		"a datagram travels in IP fragments, and losing one fragment "
		"loses it all.\n"
		"- Receive buffer: net.core.rmem_default (212992 bytes); "
		"SO_RCVBUF up to net.core.rmem_max, doubled by the kernel.  It "
		"decides how many datagrams a late reader finds queued.\n"
		"- Count the drops: `nstat -az UdpRcvbufErrors`, or "
		"RcvbufErrors on the Udp: lines of /proc/net/snmp.",
	.choose =
		"When the newest value matters more than every value "
		"(telemetry, audio and video, game state); when a lost message "
		"is cheaper than a late one; for multicast and broadcast; for "
		"request and response protocols that retry on their own (DNS).  "
		"For whole messages that must all arrive on one host, a Unix "
		"datagram socket or a message queue blocks the sender instead "
		"of dropping.",
	.pitfalls =
		"- Loss is silent: sequence numbers notice it; acknowledgements "
		"and retransmission repair it (that is, rebuild part of TCP).\n"
		"- A fast sender and a slow receiver lose most datagrams (98% "
		"in one measurement on a 2-vCPU VM).\n"
		"- Truncation, unless you ask with MSG_TRUNC.\n"
		"- On a connected socket, the ICMP \"port unreachable\" that an "
		"earlier datagram drew makes the next call fail with "
		"ECONNREFUSED.",
};

#define UDP_MAX_PAYLOAD 65507u	/* 65535 - 20 (IPv4 header) - 8 (UDP) */

enum { UDP_OPT_LOSS_TIMEOUT, UDP_OPT_BUFSIZE };

struct udp_priv {
	int fd[2];			/* by enum side; -1 when closed */
	struct sockaddr_in addr[2];	/* bound addresses, by side */
};

static int udp_check(struct transport *t)
{
	if (t->msg_size <= UDP_MAX_PAYLOAD)
		return 0;
	transport_fail(t, 0, "%zu-byte message exceeds the UDP/IPv4 datagram limit of %u bytes",
		       t->msg_size, UDP_MAX_PAYLOAD);
	return -EMSGSIZE;
}

static int udp_setup(struct transport *t)
{
	struct udp_priv *p;
	char junk;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return transport_fail(t, ENOMEM, "allocating state failed");
	p->fd[0] = p->fd[1] = -1;
	t->priv = p;
	for (int s = 0; s < 2; s++) {
		ret = sock_bind_loopback(t, SOCK_DGRAM, &p->fd[s], &p->addr[s]);
		if (!ret)
			ret = sock_bufsize_apply(t, p->fd[s],
						 t->opt[UDP_OPT_BUFSIZE]);
		if (ret)
			return ret;
	}
	for (int s = 0; s < 2; s++) {
		ret = sock_connect(t, p->fd[s], (struct sockaddr *)&p->addr[!s],
				   sizeof(p->addr[!s]));
		if (ret)
			return ret;
		/* connect() filters what comes next, not what is queued. */
		while (recv(p->fd[s], &junk, 1, MSG_DONTWAIT) >= 0 ||
		       errno == EINTR)
			;
	}
	return 0;
}

static int udp_open(struct transport *t)
{
	struct udp_priv *p = t->priv;
	unsigned ms = (unsigned)t->opt[UDP_OPT_LOSS_TIMEOUT];
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (suseconds_t)(ms % 1000) * 1000 };
	int fd = p->fd[t->side];

	sock_close(&p->fd[!t->side]);		/* the peer's socket */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return transport_fail(t, errno, "setsockopt SO_RCVTIMEO failed");
	return 0;
}

/*
 * Sending into a full buffer.  loopback releases the sender's buffer charge
 * as soon as it takes a datagram, so send() on lo practically never waits
 * or fails: loss happens at the receiver.  Should send() fail anyway with
 * ENOBUFS or EAGAIN (the kernel's own "no room"), the datagram is dropped:
 * send() returns 0 and the receiver counts it lost, as it would if the
 * kernel had dropped it one step later.  Retrying would hide a loss the
 * method really has.
 */
static int udp_send(struct transport *t, const void *buf)
{
	struct udp_priv *p = t->priv;
	ssize_t n;

	while ((n = send(p->fd[t->side], buf, t->msg_size, 0)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == ENOBUFS || errno == EAGAIN)
			return 0;		/* dropped: see above */
		return transport_fail(t, errno == ECONNREFUSED ? EPIPE : errno,
				      "send failed");
	}
	if ((size_t)n != t->msg_size)	/* datagrams go whole or not at all */
		return transport_fail(t, EIO, "send took %zd of %zu bytes",
				      n, t->msg_size);
	return 0;
}

static int udp_recv(struct transport *t, void *buf)
{
	struct udp_priv *p = t->priv;
	ssize_t n;

	while ((n = recv(p->fd[t->side], buf, t->msg_size, MSG_TRUNC)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return transport_fail(t, ETIMEDOUT, "no datagram within %llu ms",
					      (unsigned long long)t->opt[UDP_OPT_LOSS_TIMEOUT]);
		return transport_fail(t, errno == ECONNREFUSED ? EPIPE : errno,
				      "recv failed");
	}
	if ((size_t)n != t->msg_size)
		return transport_fail(t, EMSGSIZE, "received a %zd-byte datagram, expected %zu",
				      n, t->msg_size);
	return 0;
}

static void udp_close(struct transport *t)
{
	struct udp_priv *p = t->priv;

	sock_close(&p->fd[0]);
	sock_close(&p->fd[1]);
}

static void udp_teardown(struct transport *t)
{
	if (!t->priv)
		return;
	udp_close(t);
	free(t->priv);
	t->priv = NULL;
}

static const struct transport_option udp_options[] = {
	[UDP_OPT_LOSS_TIMEOUT] = { .key = "loss_timeout_ms", .type = TOPT_UINT,
		.def = "200", .min = 1, .max = 60000,
		.help = "how long recv() waits before it counts a datagram as lost" },
	[UDP_OPT_BUFSIZE] = SOCK_BUFSIZE_OPTION,
	{ .key = NULL },
};

const struct transport_ops transport_udp = {
	.name = "udp",
	.summary = "UDP datagrams over loopback (127.0.0.1); lossy, boundaries kept",
	.flags = TF_LOSSY,
	.options = udp_options,
	.explain = &udp_explain,
	.check = udp_check,
	.setup = udp_setup,
	.open = udp_open,
	.send = udp_send,
	.recv = udp_recv,
	.close = udp_close,
	.teardown = udp_teardown,
};
