/*
 * workload.h - the traffic patterns every transport is driven through.
 *
 * A workload is a pair of functions, one per side, run in the two child
 * processes of a case after the start barrier.  Both use only the transport's
 * send() and recv(), so every transport meets identical traffic.  Every
 * message starts with a header (sequence number XORed with the run's cookie,
 * send timestamp); messages of 24 bytes or more repeat the sequence number
 * in their last 8 bytes, so torn or merged messages are caught.
 *
 * Conventions: side functions return 0 or -errno and leave a one-line reason
 * in their side result on failure.
 */
#ifndef IPCBENCH_WORKLOAD_H
#define IPCBENCH_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "hist.h"
#include "transport.h"

/* Sequence numbers that are not data. */
#define SEQ_END UINT64_MAX		/* client -> server: no more data */
#define SEQ_ACK (UINT64_MAX - 1)	/* server -> client: end seen */

/* What one side of a case reports to the supervisor (in shared memory). */
struct side_result {
	int status;			/* 0, or -errno of the failure */
	bool done;			/* the side function returned */
	char err[TRANSPORT_ERR_LEN];	/* one line when status != 0 */
	uint64_t sent;			/* data messages sent (measured ones) */
	uint64_t received;		/* distinct data messages received */
	uint64_t lost;			/* sent - received, lossy transports */
	uint64_t duplicated;		/* received again */
	uint64_t reordered;		/* arrived after a later one */
	uint64_t timeouts;		/* waits that ended in -ETIMEDOUT */
	uint64_t late;			/* paced sender: measured messages sent
					 * more than one interval after their
					 * slot (missed send slots) */
	int64_t sched_start_ns;		/* paced sender: when slot 0 was due;
					 * read by the receiver (atomic) */
	int64_t span_start_ns;		/* the timed span of this side */
	int64_t span_end_ns;
	/* CPU this process used in its timed span (getrusage). */
	uint64_t utime_ns, stime_ns, vcsw, ivcsw;
	int cpu;			/* CPU it ran on at the end, -1 unknown */
};

/* Everything a side function needs; filled by the runner in the child. */
struct wl_ctx {
	struct transport *t;
	uint64_t iterations;		/* measured messages */
	uint64_t warmup;		/* discarded messages before them */
	enum verify_mode verify;
	uint64_t cookie;		/* per case; XORed into sequence numbers */
	uint64_t rate;			/* paced workloads: messages/s, 0 none */
	uint64_t stall_ms;		/* paced workloads: one receiver stall */
	struct hist *hist;		/* this side's histogram (shared) */
	struct hist *hist_uncorrected;		/* paced receiver: latency from the
					 * actual send, not the slot (shared) */
	struct side_result *res;	/* this side's result (shared) */
	struct side_result *peer;	/* the other side's, read-only */
	unsigned char *buf;		/* 2 * msg_size bytes: out, in */
	unsigned char *seen;		/* (warmup+iterations) bits, lossy only */
};

struct workload {
	const char *name;
	const char *summary;		/* one line for `ipcbench list` */
	const char *latency;		/* what its histogram holds */
	enum side timer;		/* whose histogram is the case's */
	unsigned msgs_per_sample;	/* one-way messages per recorded sample:
					 * 2 for a round trip, 1 for one way */
	bool paced;			/* takes rate and stall_ms */
	bool rate_headline;		/* its main figure is messages per
					 * second (unless paced), else the
					 * median latency */
	int (*client)(struct wl_ctx *c);
	int (*server)(struct wl_ctx *c);
};

extern const struct workload *const workload_registry[];

/* Look a workload up by name; NULL if there is none. */
const struct workload *workload_find(const char *name);

/*
 * Whether a case's headline figure is its messages per second (an unpaced
 * stream) rather than its median latency: the figure whose spread flags a
 * case as noisy, and the one `ipcbench compare` judges.
 */
static inline bool wl_rate_headline(const struct workload *wl, uint64_t rate)
{
	return wl->rate_headline && !rate;
}

#endif
