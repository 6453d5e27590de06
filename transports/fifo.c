/*
 * fifo.c - named pipes (FIFOs): a pipe that unrelated processes reach by a
 * path in the file system.  The pipe itself is as in pipe.c.
 *
 * Mechanism.  setup() creates two FIFOs with mkfifo(): <dir>/c2s (client to
 * server) and <dir>/s2c.  The name is only a meeting point: when a process
 * open()s it, the kernel attaches it to the FIFO's pipe object (created on
 * the first open, freed when the last descriptor closes), and from then on
 * every read and write is exactly a pipe's.  One message, one direction:
 * write() copies user memory into the pipe's pages and read() copies it out:
 * 2 syscalls, 2 copies.  A reader with nothing to read sleeps on the pipe's
 * wait queue until the writer's write() wakes it; a writer sleeps while the
 * buffer is full.
 *
 * Semantics.  A byte stream without message boundaries (writes up to
 * PIPE_BUF = 4096 bytes are atomic), so send() and recv() loop over short
 * transfers.  Reliable and in order.  When the writer closes, the reader
 * gets end of file (-EPIPE here).
 *
 * Opening.  open() of a FIFO blocks until the other end is opened too: a
 * reader waits for a writer and a writer for a reader.  Two processes that
 * each open their read end first would wait for each other forever, so
 * both open c2s first (client to write, server to read), then s2c.  If the
 * peer dies before opening, open() waits until the supervisor's deadline.
 *
 * Strangers.  The FIFOs are 0600 in a 0700 directory: other users cannot
 * open them.  A process of the same user that opens one before the case
 * starts reads or writes bytes of its own, which the receiver's sequence
 * and cookie checks catch: the case fails loudly.  Once a side has both its
 * ends open, the other side has too (each open() waited for its peer), so
 * it unlinks both names: from then on no one can join.
 *
 * Persistence and limits.  The pipe's data is gone when the last descriptor
 * closes, but the name stays in the file system until unlink(), like a
 * file: open() removes both once they are open, teardown() if a side never
 * got that far.  The buffer is 64 KiB by default; option pipe_size asks
 * for another (rounded up to a power of two pages, at most
 * sysctl fs.pipe-max-size = 1 MiB unprivileged).  A FIFO's buffer exists
 * only while it is open, so the writer of each FIFO sizes it in open(),
 * before the first byte; setup() sizes a probe open to learn what the
 * kernel grants and reports that in t->info.
 *
 * Pitfalls.  The open() rendezvous above; SIGPIPE on writing without a
 * reader (the harness ignores SIGPIPE in its children, so write() fails
 * with EPIPE); a FIFO left behind after a crash still blocks the next
 * mkfifo() with EEXIST, which is why every case has a fresh directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeutil.h"
#include "transport.h"

enum { FIFO_C2S, FIFO_S2C };
static const char *const fifo_names[] = { [FIFO_C2S] = "c2s", [FIFO_S2C] = "s2c" };

struct fifo_priv {
	char path[2][PATH_MAX];		/* by FIFO_C2S, FIFO_S2C */
	bool made[2];			/* mkfifo() succeeded: ours to unlink */
	int rd, wr;			/* this side's ends; -1 when closed */
};

/* open() of one FIFO by path; blocks until the other end opens it too. */
static int fifo_open_path(struct transport *t, unsigned which, int flags,
			  int *fd)
{
	static const char *const modes[] = { [O_RDONLY] = "reading",
		[O_WRONLY] = "writing", [O_RDWR] = "reading and writing" };
	struct fifo_priv *p = t->priv;

	while ((*fd = open(p->path[which], flags | O_CLOEXEC)) < 0) {
		if (errno != EINTR)
			return transport_fail(t, errno, "open '%s' for %s failed",
					      p->path[which],
					      modes[flags & O_ACCMODE]);
	}
	return 0;
}

/* What the kernel grants for pipe_size, learnt on a short-lived open. */
static int fifo_probe_size(struct transport *t)
{
	int fd, ret;

	/* O_RDWR (Linux) opens a FIFO without waiting for a peer. */
	ret = fifo_open_path(t, FIFO_C2S, O_RDWR | O_NONBLOCK, &fd);
	if (ret)
		return ret;
	ret = pipe_size_apply(t, fd, t->opt[PIPE_OPT_SIZE], fifo_names[FIFO_C2S]);
	close(fd);
	return ret;
}

static int fifo_setup(struct transport *t)
{
	struct fifo_priv *p;
	int n;

	p = calloc(1, sizeof(*p));
	if (!p)
		return transport_fail(t, ENOMEM, "allocating state failed");
	p->rd = p->wr = -1;
	t->priv = p;
	for (unsigned i = 0; i < 2; i++) {
		n = snprintf(p->path[i], sizeof(p->path[i]), "%s/%s", t->dir,
			     fifo_names[i]);
		if (n < 0 || (size_t)n >= sizeof(p->path[i]))
			return transport_fail(t, ENAMETOOLONG, "path '%s/%s' is too long",
					      t->dir, fifo_names[i]);
		if (mkfifo(p->path[i], 0600))
			return transport_fail(t, errno, "mkfifo '%s' failed",
					      p->path[i]);
		p->made[i] = true;
	}
	return fifo_probe_size(t);
}

static int fifo_open(struct transport *t)
{
	struct fifo_priv *p = t->priv;
	uint64_t size = t->opt[PIPE_OPT_SIZE];
	int ret;

	/* Both sides open c2s first: see "Opening" above. */
	if (t->side == SIDE_CLIENT) {
		ret = fifo_open_path(t, FIFO_C2S, O_WRONLY, &p->wr);
		if (!ret)
			ret = pipe_size_apply(t, p->wr, size, fifo_names[FIFO_C2S]);
		if (!ret)
			ret = fifo_open_path(t, FIFO_S2C, O_RDONLY, &p->rd);
	} else {
		ret = fifo_open_path(t, FIFO_C2S, O_RDONLY, &p->rd);
		if (!ret)
			ret = fifo_open_path(t, FIFO_S2C, O_WRONLY, &p->wr);
		if (!ret)
			ret = pipe_size_apply(t, p->wr, size, fifo_names[FIFO_S2C]);
	}
	if (ret) {
		pipe_close_end(&p->rd);
		pipe_close_end(&p->wr);
		return ret;
	}
	/* Both ends of both FIFOs are open now: the names have served, and
	 * without them no one else can join (see "Strangers" above). */
	for (unsigned i = 0; i < 2; i++)
		unlink(p->path[i]);	/* the peer's unlink may come first */
	return 0;
}

static int fifo_send(struct transport *t, const void *buf)
{
	struct fifo_priv *p = t->priv;
	int ret = fd_write_full(p->wr, buf, t->msg_size);

	return ret ? transport_fail(t, ret, "write failed") : 0;
}

static int fifo_recv(struct transport *t, void *buf)
{
	struct fifo_priv *p = t->priv;
	int ret = fd_read_full(p->rd, buf, t->msg_size);

	return ret ? transport_fail(t, ret, "read failed") : 0;
}

static void fifo_close(struct transport *t)
{
	struct fifo_priv *p = t->priv;

	pipe_close_end(&p->rd);
	pipe_close_end(&p->wr);
}

static void fifo_teardown(struct transport *t)
{
	struct fifo_priv *p = t->priv;

	if (!p)
		return;
	fifo_close(t);
	for (unsigned i = 0; i < 2; i++) {
		if (p->made[i])
			unlink(p->path[i]);	/* ENOENT: already gone, fine */
	}
	free(p);
	t->priv = NULL;
}

static const struct transport_option fifo_options[] = {
	[PIPE_OPT_SIZE] = PIPE_SIZE_OPTION,
	{ .key = NULL },
};

const struct transport_ops transport_fifo = {
	.name = "fifo",
	.summary = "two named pipes (mkfifo); kernel copies each message in and out",
	.flags = TF_STREAM | TF_PATH,
	.options = fifo_options,
	.setup = fifo_setup,
	.open = fifo_open,
	.send = fifo_send,
	.recv = fifo_recv,
	.close = fifo_close,
	.teardown = fifo_teardown,
};
