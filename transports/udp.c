/*
 * udp.c - UDP datagrams over the loopback interface, 127.0.0.1 only: whole
 * messages, no connection, no delivery guarantee.
 *
 * Mechanism.  setup() makes two datagram sockets, one per side, each bound
 * to 127.0.0.1 on a port the kernel picks, and connect()s each to the
 * other.  On UDP connect() sends nothing: it sets the default destination
 * and makes the kernel drop datagrams from any other address, so a
 * stranger on the host cannot inject messages (what arrived between bind()
 * and connect() is drained).  Each child keeps its socket and closes the
 * other's.  One message: send() copies it into one socket buffer, adds UDP
 * and IP headers and hands it to the loopback device, which queues it on
 * this CPU's backlog; a softirq then puts it on the receiving socket's
 * queue and wakes the reader; recv() copies it out.  2 syscalls, 2 copies,
 * less protocol work than TCP: no ACKs, no windows, no retransmission.
 *
 * Semantics.  Message boundaries are kept: one send() is one recv() of the
 * same length, never merged or split; a datagram of another length is
 * -EMSGSIZE here (recv() with MSG_TRUNC tells the real length).  Not
 * reliable: nothing tells the sender whether a datagram arrived, and
 * nothing slows it down for a slow receiver.  On loopback a datagram is
 * dropped, silently, when the receiver's queue already holds SO_RCVBUF
 * bytes or the CPU's backlog holds net.core.netdev_max_backlog packets
 * (the drops are counted in /proc/net/snmp, Udp: RcvbufErrors).  A fast
 * sender and a slow receiver lose most datagrams (98% in one measurement
 * here).  So this transport is TF_LOSSY: recv() waits at most option
 * loss_timeout_ms (SO_RCVTIMEO, no extra syscall per message) and then
 * returns -ETIMEDOUT; the harness counts the loss from sequence numbers
 * (sent = received + lost) instead of hanging or failing.
 *
 * Sending into a full buffer.  loopback releases the sender's buffer charge
 * as soon as it takes a datagram, so send() on lo practically never waits
 * or fails: loss happens at the receiver.  Should send() fail anyway with
 * ENOBUFS or EAGAIN (the kernel's own "no room"), we treat the datagram as
 * dropped: send() returns 0 and the receiver counts it lost, as it would
 * if the kernel had dropped it one step later.  Retrying would hide a loss
 * the method really has.
 *
 * Limits.  A UDP/IPv4 datagram holds at most 65507 bytes (65535, the IP
 * length field, minus 20 bytes of IP and 8 of UDP header): check() skips
 * larger messages instead of cutting them.  Buffers default to
 * net.core.rmem_default (208 KiB here); option bufsize asks for SO_SNDBUF
 * and SO_RCVBUF (doubled by the kernel, capped at net.core.rmem_max), which
 * decides how many datagrams a late receiver finds still queued.
 *
 * Pitfalls.  Silent loss; a short buffer truncates a datagram silently
 * unless one asks (MSG_TRUNC); after a datagram to a closed port, the next
 * call on a connected socket fails with ECONNREFUSED (the ICMP "port
 * unreachable" coming back), -EPIPE here.  Persistence: none, the ports are
 * freed when the sockets close.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "sockutil.h"
#include "transport.h"

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

static int udp_send(struct transport *t, const void *buf)
{
	struct udp_priv *p = t->priv;
	ssize_t n;

	while ((n = send(p->fd[t->side], buf, t->msg_size, 0)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == ENOBUFS || errno == EAGAIN)
			return 0;		/* dropped: see the head comment */
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
	.check = udp_check,
	.setup = udp_setup,
	.open = udp_open,
	.send = udp_send,
	.recv = udp_recv,
	.close = udp_close,
	.teardown = udp_teardown,
};
