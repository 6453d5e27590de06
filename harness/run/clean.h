/*
 * clean.h - `ipcbench clean`: remove what runs that died left behind.
 *
 * A run names everything it creates outside its results after itself,
 * "ipcbench.<pid>.<random>": shared memory segments in /dev/shm, POSIX
 * message queues, and private directories (FIFOs, socket files) in $TMPDIR
 * or /tmp.  A run that ends, even by a signal it can catch, removes them;
 * one killed with SIGKILL (or a crash of the machine's power) cannot.  An
 * object is a leftover when its name has that shape, its owner pid no
 * longer exists, and it belongs to the calling user.  Objects of a live
 * pid, or of another user, are never touched.
 *
 * Conventions: clean_leftovers() returns 0 or -errno; what it removed and
 * what it could not do are lines on the streams it is given.
 */
#ifndef IPCBENCH_CLEAN_H
#define IPCBENCH_CLEAN_H

#include <stdbool.h>
#include <stdio.h>

struct clean_stats {
	unsigned removed;	/* leftovers removed */
	unsigned live;		/* ours, kept: their run is still alive */
	unsigned failed;	/* leftovers that could not be removed */
	bool mq_unlisted;	/* the message queues could not be listed */
};

/*
 * Find and remove leftovers in /dev/shm, the POSIX message queue
 * namespace (through /dev/mqueue when mounted, else a private mount of it
 * when the caller may mount one), and $TMPDIR and /tmp.  One line per
 * removal goes to out ("removed shared memory /dev/shm/ipcbench.12.ab.shm
 * (pid 12 is gone)"), or "nothing to clean"; problems and what could not
 * be looked at go to err.  Counts in *st.  Returns 0, or -EIO when a
 * leftover could not be removed.
 */
int clean_leftovers(FILE *out, FILE *err, struct clean_stats *st);

/*
 * Does name have the shape "ipcbench.<pid>.<something>"?  Then the pid is
 * stored in *pid.  Exposed for tests.
 */
bool clean_parse_name(const char *name, int *pid);

#endif
