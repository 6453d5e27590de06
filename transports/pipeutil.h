/*
 * pipeutil.h - what pipe.c and fifo.c share: the pipe_size option and
 * resizing a pipe's buffer.  An anonymous pipe and a FIFO are the same
 * kernel object (a ring of page-sized buffers with two wait queues); only
 * the way the two processes reach it differs.
 *
 * Conventions: functions return 0 or -errno, with the reason in t->err.
 */
#ifndef IPCBENCH_PIPEUTIL_H
#define IPCBENCH_PIPEUTIL_H

#include <stdint.h>

#include "transport.h"

/* The option both take; put it at index PIPE_OPT_SIZE of their table. */
enum { PIPE_OPT_SIZE };
#define PIPE_SIZE_OPTION {						\
	.key = "pipe_size", .type = TOPT_SIZE, .def = "0",		\
	.min = 0, .max = 1u << 20,					\
	.help = "pipe buffer in bytes, rounded up by the kernel; 0 = kernel default (64K)" }

/*
 * Ask for a buffer of want bytes on the pipe behind fd (either end; 0 keeps
 * what it has), read back what the kernel granted and record it in t->info
 * as "pipe_size=N".  what names the pipe in messages ("c2s").  Shrinking
 * fails with EBUSY while more data is queued than fits: resize a pipe
 * before the first write.
 */
int pipe_size_apply(struct transport *t, int fd, uint64_t want,
		    const char *what);

/* Close the pipe end *fd if open and mark it closed (-1). */
void pipe_close_end(int *fd);

#endif
