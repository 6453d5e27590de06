/*
 * pipeutil.c - pipe buffer sizing for pipe.c and fifo.c.
 *
 * F_SETPIPE_SZ takes a request, not an order: the kernel rounds it up to a
 * power-of-two number of pages (100000 -> 131072), refuses more than
 * fs.pipe-max-size (1 MiB by default) without CAP_SYS_RESOURCE, and may
 * refuse when the user's pipes already hold fs.pipe-user-pages-soft pages.
 * So we always read the size back and report what was granted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "pipeutil.h"

int pipe_size_apply(struct transport *t, int fd, uint64_t want,
		    const char *what)
{
	int got;

	if (want && fcntl(fd, F_SETPIPE_SZ, (int)want) < 0) {
		if (errno == EPERM)
			return transport_fail(t, errno, "fcntl F_SETPIPE_SZ %llu on %s (limit: sysctl fs.pipe-max-size, fs.pipe-user-pages-soft) failed",
					      (unsigned long long)want, what);
		return transport_fail(t, errno, "fcntl F_SETPIPE_SZ %llu on %s failed",
				      (unsigned long long)want, what);
	}
	got = fcntl(fd, F_GETPIPE_SZ);
	if (got < 0)
		return transport_fail(t, errno, "fcntl F_GETPIPE_SZ on %s failed",
				      what);
	snprintf(t->info, sizeof(t->info), "pipe_size=%d", got);
	return 0;
}

void pipe_close_end(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
