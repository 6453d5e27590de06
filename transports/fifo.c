/*
 * fifo.c - named pipes (FIFOs): a pipe that unrelated processes reach by a
 * path in the file system; the pipe itself is as in pipe.c.  fifo_explain
 * below is the lesson `ipcbench explain fifo` prints.  The code makes two
 * FIFOs in the case's private directory, opens them in an order that cannot
 * deadlock (fifo_open()), and removes the names as soon as both sides are
 * in, so that no one else can join.
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

static const struct transport_explain fifo_explain = {
	.pick = "unrelated processes, one way, a path to meet at",
	.mechanism =
		"mkfifo() (or the mkfifo command) creates a special file.  "
		"Opening it attaches the process to a pipe object, created at "
		"the first open and freed at the last close; from then on "
		"reads and writes are exactly a pipe's (`ipcbench explain "
		"pipe`).  The file only names the meeting point: no data ever "
		"goes to the disk.  One FIFO carries bytes one way, so a "
		"conversation needs two.",
	.cost =
		"As a pipe: write() copies into the pipe's pages, read() "
		"copies out: 2 system calls and 2 copies per message one way.  "
		"The open() costs a path lookup once, nothing per message.",
	.blocking =
		"Reads and writes block as a pipe's do: an empty FIFO puts "
		"the reader to sleep until a write wakes it, a full one the "
		"writer.  In addition open() blocks until the other end is "
		"opened too: a reader waits for a writer and a writer for a "
		"reader.  With O_NONBLOCK a reader's open() returns at once "
		"and a writer's fails with ENXIO while there is no reader.  "
		"Two processes that each open their read end first wait for "
		"each other forever: agree on one order.",
	.boundaries =
		"A byte stream, as a pipe: writes of at most PIPE_BUF (4096) "
		"bytes are atomic, larger ones may be split, so frame "
		"messages and loop over short reads.  Reliable and in order.  "
		"When every writer has closed, the reader gets end of file "
		"and must open again to wait for the next writer.",
	.persistence =
		"The name stays in the file system until unlink(), like a "
		"file, even after every process has closed it; the data does "
		"not: what is unread when the last descriptor closes is "
		"discarded.  A stale name makes the next mkfifo() fail with "
		"EEXIST: remove it, or make FIFOs in a fresh directory.",
	.limits =
		"- Buffer: as a pipe's, 64 KiB by default, up to "
		"fs.pipe-max-size (1 MiB) with fcntl(F_SETPIPE_SZ), which "
		"needs an open descriptor: the buffer exists only while the "
		"FIFO is open.\n"
		"- Access: the file's mode decides who may open it (0600: its "
		"owner only).  fs.protected_fifos (1 where systemd sets it; "
		"`sysctl fs.protected_fifos`) refuses O_CREAT opens of another "
		"user's FIFO in a world-writable sticky directory such as "
		"/tmp.\n"
		"- The path: at most PATH_MAX (4096) bytes, 255 per name.",
	.choose =
		"Unrelated processes on one host that agree on a path; "
		"one-way streams; shell scripts (mkfifo, then redirect into "
		"it); a daemon's simple command channel.  As fast as a pipe.  "
		"For several clients that need answers, or to know who is "
		"on the other end, a Unix socket is the better tool.",
	.pitfalls =
		"- The open() rendezvous: a wrong order deadlocks, and a peer "
		"that never comes leaves open() waiting forever.\n"
		"- Several writers share one stream: their messages interleave "
		"beyond PIPE_BUF and the reader cannot tell who wrote what.\n"
		"- A stale FIFO after a crash; SIGPIPE, as with any pipe.\n"
		"- open() with O_RDWR never blocks on Linux, but POSIX leaves "
		"it undefined: it is not portable.",
};

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

/*
 * What the kernel grants for pipe_size, learnt on a short-lived open.  A
 * FIFO's buffer exists only while it is open, so the writer of each FIFO
 * sizes it in open(), before the first byte; this probe only tells t->info.
 */
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

/*
 * Opening.  open() of a FIFO blocks until the other end is opened too.  Two
 * processes that each opened their read end first would wait for each
 * other forever, so both open c2s first (client to write, server to read),
 * then s2c.  If the peer dies before opening, open() waits until the
 * supervisor's deadline.
 *
 * Strangers.  The FIFOs are 0600 in a 0700 directory: other users cannot
 * open them.  A process of the same user that opens one before the case
 * starts reads or writes bytes of its own, which the receiver's sequence
 * and cookie checks catch: the case fails loudly.  Once a side has both its
 * ends open, the other side has too (each open() waited for its peer), so
 * it unlinks both names: from then on no one can join, and teardown()
 * removes them only if a side never got that far.
 */
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

	return transport_stream_send(t, p->wr, buf, t->msg_size);
}

static int fifo_recv(struct transport *t, void *buf)
{
	struct fifo_priv *p = t->priv;

	return transport_stream_recv(t, p->rd, buf);
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
	.explain = &fifo_explain,
	.setup = fifo_setup,
	.open = fifo_open,
	.send = fifo_send,
	.recv = fifo_recv,
	.close = fifo_close,
	.teardown = fifo_teardown,
};
