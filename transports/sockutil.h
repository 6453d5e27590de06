/*
 * sockutil.h - what the socket transports (uds.c, tcp.c, udp.c) share:
 * buffer sizes asked for and read back, loopback addresses, and the
 * listen/accept/connect dance of a stream socket.  It holds no state of its
 * own; each transport keeps its descriptors in its t->priv.
 *
 * Conventions: functions that act return 0 or -errno with the reason in
 * t->err (transport_fail); descriptors are always close-on-exec.
 */
#ifndef IPCBENCH_SOCKUTIL_H
#define IPCBENCH_SOCKUTIL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "transport.h"

/* The option every socket transport takes, in its table. */
#define SOCK_BUFSIZE_OPTION {						\
	.key = "bufsize", .type = TOPT_SIZE, .def = "0",		\
	.min = 0, .max = 64u << 20,					\
	.help = "SO_SNDBUF and SO_RCVBUF request; the kernel doubles it, capped by net.core.wmem_max/rmem_max; 0 = kernel default" }

/* Close *fd if open and mark it closed (-1). */
void sock_close(int *fd);

/*
 * Ask for send and receive buffers of want bytes on fd (0 keeps the kernel
 * defaults), then read back what was granted into t->info as
 * "sndbuf=N rcvbuf=N".  Linux doubles a request (the extra half is for its
 * bookkeeping) and caps it at net.core.wmem_max / rmem_max silently, so
 * only the read-back is true.
 */
int sock_bufsize_apply(struct transport *t, int fd, uint64_t want);

/*
 * A new AF_INET socket of type (SOCK_STREAM, SOCK_DGRAM) bound to
 * 127.0.0.1 on a port the kernel picks (never a fixed port, never all
 * interfaces); the bound address is returned in *sa, the socket in *fd.
 */
int sock_bind_loopback(struct transport *t, int type, int *fd,
		       struct sockaddr_in *sa);

/* "127.0.0.1:40404" or "'/tmp/ipcbench.x/sock'", for messages. */
const char *sock_addr_name(const struct sockaddr *sa, char *buf, size_t len);

/* connect() that survives EINTR (the attempt goes on in the background). */
int sock_connect(struct transport *t, int fd, const struct sockaddr *sa,
		 socklen_t len);

/*
 * open() of one end of a stream connection whose listener *listen_fd was
 * made in setup() and inherited.  The server waits at most
 * t->io_timeout_ms for its own client and accepts only that one: over
 * AF_INET a connection from the address in *client (where the client
 * published its bound socket's address, in memory only the two share),
 * over AF_UNIX one from a process whose parent is the server's
 * (SO_PEERCRED).  A stranger's connection is closed and the wait goes on.
 * The client connects *fd when it is open (already bound), else a new
 * socket of sa's family.  Both
 * close the listener and apply bufsize (0: kernel default) to their
 * socket, the client before connecting (TCP's window scale is fixed at
 * the handshake).  The connected socket lands in *fd.
 */
int sock_stream_open(struct transport *t, int *listen_fd, int *fd,
		     const struct sockaddr *sa, socklen_t len,
		     uint64_t bufsize, const struct sockaddr_in *client);

#endif
