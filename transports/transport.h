/*
 * transport.h - the interface every IPC method implements.
 *
 * A transport moves whole, fixed-size messages between two processes, the
 * client and the server of one benchmark case.  The harness drives every
 * transport through the same lifecycle and never looks at its name:
 *
 *   parent (supervisor)      check()    may this case run here? (else skipped)
 *                            setup()    create named objects, before fork
 *   each child after fork    open(side) take its end: connect, accept, open
 *                            send()/recv() whole messages, timed by the harness
 *                            close()
 *   parent, always           teardown() remove every named object, even when a
 *                                       child crashed or setup half failed
 *
 * Conventions: hooks that act return 0 or -errno.  A failing hook writes a
 * one-line reason into t->err with transport_fail(), in the shape
 * "fifo: mkfifo '/tmp/ipcbench.x1/c2s' failed: File exists".  Private state
 * hangs off t->priv, which nobody else reads.  Differences between methods are
 * flags and options, never a test of the name.
 */
#ifndef IPCBENCH_TRANSPORT_H
#define IPCBENCH_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which end of a case a process is.  The client starts every exchange. */
enum side {
	SIDE_CLIENT = 0,
	SIDE_SERVER = 1,
};

/* Where the two processes of a case run. */
enum placement {
	PLACE_SAME_CPU = 0,	/* both pinned to one CPU */
	PLACE_CROSS_CPU,	/* client on one CPU, server on another */
	PLACE_UNPINNED,		/* the scheduler decides */
	PLACE_COUNT
};

/* Placement names: "same-cpu", "cross-cpu", "unpinned". */
const char *placement_name(enum placement p);
/* -1 when name is not a placement. */
int placement_parse(const char *name);
/* "same-cpu, cross-cpu, unpinned": for error messages. */
extern const char placement_choices[];

/*
 * How the processes of a case wait for a message: the `wait` column of
 * every row.  A transport declares it from its options alone (ops->wait),
 * before any check, so a skipped case says it as truly as one that ran.
 */
enum wait_mode {
	WAIT_BLOCK = 0,		/* sleep in the kernel until the peer wakes it */
	WAIT_SPIN,		/* busy-poll memory: a whole CPU while waiting */
	WAIT_COUNT
};

/* "block", "spin". */
const char *wait_mode_name(enum wait_mode w);

/* Capability flags: how a method differs, as facts the harness can act on. */
enum {
	/* Byte stream: the module loops over short reads and writes so that
	 * send() and recv() still move whole messages. */
	TF_STREAM = 1u << 0,
	/* Delivery is not guaranteed: recv() may return -ETIMEDOUT after the
	 * transport's own loss timeout, and the harness counts the loss instead
	 * of failing the case. */
	TF_LOSSY = 1u << 1,
	/* Creates file-system objects in the case's private directory. */
	TF_PATH = 1u << 2,
};

/* The type of a transport option's value. */
enum topt_type {
	TOPT_BOOL,	/* true/false, yes/no, on/off, 1/0 -> 1 or 0 */
	TOPT_UINT,	/* decimal integer in [min, max] */
	TOPT_SIZE,	/* byte count, 64 / 4K / 1M, in [min, max] */
	TOPT_ENUM,	/* one of choices[] -> its index */
};

/*
 * One option a transport takes.  In a suite it is a flat key of a run
 * ("wait: spin"); on the command line "--option wait=spin".  The resolved
 * value lands in t->opt[i], where i is the option's index in the table.
 */
struct transport_option {
	const char *key;
	enum topt_type type;
	const char *def;		/* default value, as text */
	const char *const *choices;	/* TOPT_ENUM: NULL-terminated */
	uint64_t min, max;		/* TOPT_UINT and TOPT_SIZE */
	const char *help;		/* one line for --help and list */
};

/*
 * The lesson of one method, as `ipcbench explain NAME` prints it: one
 * section per member, in this order, each plain text that the printer
 * wraps (a '\n' starts a new paragraph; one starting with "- " is an item).
 * Every member is required (transport_check).  It lives at the top of the
 * transport's file so that the file reads as the lesson first.
 */
#define EXPLAIN_PICK_MAX 51
struct transport_explain {
	const char *pick;		/* one line for the overview: when to
					 * pick it, EXPLAIN_PICK_MAX at most */
	const char *mechanism;		/* the kernel objects and the path of
					 * one message */
	const char *cost;		/* system calls and copies per message */
	const char *blocking;		/* who blocks, how the peer is woken */
	const char *boundaries;		/* message boundaries and delivery */
	const char *persistence;	/* names, lifetime, cleanup */
	const char *limits;		/* sizes and sysctls, how to read them */
	const char *choose;		/* when to choose it */
	const char *pitfalls;
};

/* The sections of a transport_explain after pick, in order: heading and
 * where its text is.  `ipcbench explain` prints them; transport_check()
 * requires every one. */
struct transport_section {
	const char *heading;		/* "Mechanism" */
	size_t offset;			/* offsetof(struct transport_explain, .) */
};
#define TRANSPORT_SECTIONS 8
extern const struct transport_section transport_sections[TRANSPORT_SECTIONS];

/* The text of section i of e. */
static inline const char *transport_section_text(
	const struct transport_explain *e, unsigned i)
{
	return *(const char *const *)((const char *)e +
				      transport_sections[i].offset);
}

#define TRANSPORT_MAX_OPTS 8
#define TRANSPORT_ERR_LEN 256

/* One transport instance: one case, seen from the parent or one child. */
struct transport {
	const struct transport_ops *ops;
	size_t msg_size;		/* bytes in every message of the case */
	enum placement placement;
	enum side side;			/* set by the harness before open() */
	const char *dir;		/* private 0700 directory of the case */
	const char *tag;		/* unique name stem for named objects
					 * outside dir, e.g. "ipcbench.1234.k3Xa9";
					 * POSIX names are "/" + tag + suffix */
	int io_timeout_ms;		/* bound on any single blocking wait of a
					 * transport that cannot see its peer die
					 * (semaphores, queues); then -ETIMEDOUT */
	uint64_t opt[TRANSPORT_MAX_OPTS];	/* resolved options, by index */
	char info[128];			/* set by setup(): what the kernel
					 * granted, "sndbuf=... rcvbuf=...";
					 * reported with the case */
	char err[TRANSPORT_ERR_LEN];	/* reason of the last failure */
	void *priv;
};

struct transport_ops {
	const char *name;		/* short, lower case: "pipe" */
	const char *summary;		/* one line for `ipcbench list` */
	unsigned flags;			/* TF_* */
	/* Non-NULL when the method cannot run on this platform: every case
	 * of it is reported "skipped: <unsupported>". */
	const char *unsupported;
	const struct transport_option *options;	/* ends with key == NULL */
	const struct transport_explain *explain;	/* the lesson */

	/* Optional: how a case with these resolved options waits; NULL
	 * means WAIT_BLOCK.  A pure function of opt, asked before check(). */
	enum wait_mode (*wait)(const uint64_t opt[TRANSPORT_MAX_OPTS]);
	/* Optional.  0 when this case (t->msg_size, t->placement, t->opt)
	 * can run here; otherwise -errno and the reason in t->err, and the
	 * case is reported skipped.  Runs in the parent and creates
	 * nothing. */
	int (*check)(struct transport *t);
	/* Parent, before fork: create the named objects and descriptors both
	 * children inherit. */
	int (*setup)(struct transport *t);
	/* Child, after fork: take the end of t->side. */
	int (*open)(struct transport *t);
	/* Send one whole message of t->msg_size bytes. */
	int (*send)(struct transport *t, const void *buf);
	/* Receive one whole message of t->msg_size bytes into buf.  Returns 0,
	 * -EPIPE when the peer has gone, -ETIMEDOUT when nothing arrived in
	 * time (loss for TF_LOSSY, a failure otherwise), -EMSGSIZE when a
	 * message of another size arrived, or another -errno. */
	int (*recv)(struct transport *t, void *buf);
	/* Child: release its end.  Must not fail. */
	void (*close)(struct transport *t);
	/* Parent, always after setup() was called, whether it succeeded or
	 * not: remove every named object, close, free t->priv.  Idempotent. */
	void (*teardown)(struct transport *t);
};

/* registry.c: the one list of transports, NULL-terminated. */
extern const struct transport_ops *const transport_registry[];

/* Look a transport up by name; NULL if there is none. */
const struct transport_ops *transport_find(const char *name);

/*
 * Validate an ops table (required hooks present, options well formed, flags
 * known).  Returns 0, or -EINVAL with the first problem in why.
 */
int transport_check(const struct transport_ops *ops, char *why, size_t len);

/* How a case of ops with options opt waits (ops->wait, else block). */
enum wait_mode transport_wait(const struct transport_ops *ops,
			      const uint64_t opt[TRANSPORT_MAX_OPTS]);

/* Index of option key in ops->options, or -1. */
int transport_option_index(const struct transport_ops *ops, const char *key);

/*
 * Parse text as a value of option o into *out.  Returns 0, or -EINVAL with
 * a message naming the valid values in why.
 */
int transport_option_parse(const struct transport_option *o, const char *text,
			   uint64_t *out, char *why, size_t len);

/* Format the value v of option o as text ("spin", "1", "4096"). */
void transport_option_format(const struct transport_option *o, uint64_t v,
			     char *buf, size_t len);

/*
 * Record a failure reason in t->err as "<name>: <fmt...>" and return -err.
 * When err is non-zero its strerror() is appended after ": ".
 */
int transport_fail(struct transport *t, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The send and recv of a stream transport on descriptor fd: len bytes
 * out (whole messages: len = t->msg_size, or part of one), or one whole
 * message in, looping over short transfers and EINTR.  0, or -errno with "write failed" / "read failed" in t->err
 * (-EPIPE when the peer has gone).
 */
int transport_stream_send(struct transport *t, int fd, const void *buf,
			  size_t len);
int transport_stream_recv(struct transport *t, int fd, void *buf);

#endif
