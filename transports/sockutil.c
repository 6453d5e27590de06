/*
 * sockutil.c - socket plumbing shared by uds.c, tcp.c and udp.c.
 *
 * Only what is the same for every socket transport lives here: buffer
 * sizes, loopback addresses, accepting and connecting.  What makes a
 * method itself (TCP_NODELAY, datagram sizes, loss) stays in its file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockutil.h"
#include "base.h"

void sock_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int sock_get_int(int fd, int opt, int *out)
{
	socklen_t len = sizeof(*out);

	return getsockopt(fd, SOL_SOCKET, opt, out, &len);
}

int sock_bufsize_apply(struct transport *t, int fd, uint64_t want)
{
	int v = (int)want, snd, rcv;

	if (want && (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) ||
		     setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v))))
		return transport_fail(t, errno, "setsockopt SO_SNDBUF/SO_RCVBUF %llu failed",
				      (unsigned long long)want);
	if (sock_get_int(fd, SO_SNDBUF, &snd) || sock_get_int(fd, SO_RCVBUF, &rcv))
		return transport_fail(t, errno, "getsockopt SO_SNDBUF/SO_RCVBUF failed");
	snprintf(t->info, sizeof(t->info), "sndbuf=%d rcvbuf=%d", snd, rcv);
	return 0;
}

int sock_bind_loopback(struct transport *t, int type, int *fd,
		       struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int ret = 0;

	*fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return transport_fail(t, errno, "socket failed");
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa->sin_port = 0;			/* the kernel picks a free one */
	if (bind(*fd, (struct sockaddr *)sa, sizeof(*sa)))
		ret = transport_fail(t, errno, "bind to 127.0.0.1:0 failed");
	else if (getsockname(*fd, (struct sockaddr *)sa, &len))
		ret = transport_fail(t, errno, "getsockname failed");
	if (ret)
		sock_close(fd);
	return ret;
}

const char *sock_addr_name(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
	char ip[INET_ADDRSTRLEN];

	if (sa->sa_family == AF_UNIX)
		snprintf(buf, len, "'%s'", ((const struct sockaddr_un *)sa)->sun_path);
	else if (sa->sa_family == AF_INET &&
		 inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip)))
		snprintf(buf, len, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
	else
		snprintf(buf, len, "an address of family %d", (int)sa->sa_family);
	return buf;
}

int sock_connect(struct transport *t, int fd, const struct sockaddr *sa,
		 socklen_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	char name[160];
	int err = 0;

	if (connect(fd, sa, len) == 0)
		return 0;
	err = errno;
	if (err == EINTR) {
		/* Calling connect() again would say EALREADY: wait instead. */
		while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
		if (sock_get_int(fd, SO_ERROR, &err))
			err = errno;
		if (!err)
			return 0;
	}
	return transport_fail(t, err, "connect to %s failed",
			      sock_addr_name(sa, name, sizeof(name)));
}

/* Is the process that connected fd (AF_UNIX) our sibling, the client
 * forked by the same supervisor? */
static bool sock_peer_is_sibling(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char path[64], buf[512], *end;
	int ppid = -1;
	FILE *f;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)cred.pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	/* "pid (comm) state ppid ...": comm may hold spaces and parens. */
	if (fgets(buf, sizeof(buf), f) && (end = strrchr(buf, ')')))
		sscanf(end + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid == (int)getppid();
}

/* Is the connection on fd, from peer, the one the server waits for? */
static bool sock_is_client(int fd, const struct sockaddr_storage *peer,
			   const struct sockaddr_in *client)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)peer;

	if (peer->ss_family == AF_UNIX)
		return sock_peer_is_sibling(fd);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* *client is shared */
	return client && peer->ss_family == AF_INET &&
	       in->sin_addr.s_addr == client->sin_addr.s_addr &&
	       in->sin_port == client->sin_port;
}

/* The server's half of sock_stream_open(). */
static int sock_accept_client(struct transport *t, int *listen_fd, int *fd,
			      const struct sockaddr_in *client)
{
	struct pollfd pfd = { .fd = *listen_fd, .events = POLLIN };
	int ms = t->io_timeout_ms > 0 ? t->io_timeout_ms : -1;
	int64_t end = now_ns() + (int64_t)ms * 1000000;
	struct sockaddr_storage peer;
	unsigned strangers = 0;
	char name[160];
	socklen_t len;
	int n;

	/* The parent keeps the listener open until teardown, so a client that
	 * died before connecting is invisible here: bound the wait. */
	for (;;) {
		if (ms >= 0 && (n = (int)((end - now_ns()) / 1000000)) <= 0)
			break;
		n = poll(&pfd, 1, ms >= 0 ? n : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return transport_fail(t, errno, "poll for a connection failed");
		if (n == 0)
			break;
		len = sizeof(peer);
		*fd = accept4(*listen_fd, (struct sockaddr *)&peer, &len,
			      SOCK_CLOEXEC);
		if (*fd < 0 && (errno == EINTR || errno == ECONNABORTED))
			continue;
		if (*fd < 0)
			return transport_fail(t, errno, "accept failed");
		if (sock_is_client(*fd, &peer, client))
			return 0;
		strangers++;		/* not ours: hang up, wait on */
		sock_close(fd);
	}
	if (strangers)
		return transport_fail(t, ETIMEDOUT, "no connection from the client within %d ms (refused %u from %s)",
				      t->io_timeout_ms, strangers,
				      sock_addr_name((struct sockaddr *)&peer,
						     name, sizeof(name)));
	return transport_fail(t, ETIMEDOUT, "no connection within %d ms",
			      t->io_timeout_ms);
}

int sock_stream_open(struct transport *t, int *listen_fd, int *fd,
		     const struct sockaddr *sa, socklen_t len,
		     uint64_t bufsize, const struct sockaddr_in *client)
{
	int ret;

	if (t->side == SIDE_SERVER) {
		sock_close(fd);		/* the client's, if setup() made it */
		ret = sock_accept_client(t, listen_fd, fd, client);
		sock_close(listen_fd);	/* one connection per case */
		if (!ret)
			ret = sock_bufsize_apply(t, *fd, bufsize);
	} else {
		sock_close(listen_fd);	/* the server's, not ours */
		if (*fd < 0)
			*fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (*fd < 0)
			return transport_fail(t, errno, "socket failed");
		ret = sock_bufsize_apply(t, *fd, bufsize);
		if (!ret)
			ret = sock_connect(t, *fd, sa, len);
	}
	if (ret)
		sock_close(fd);
	return ret;
}
