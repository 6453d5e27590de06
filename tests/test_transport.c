/*
 * test_transport.c - one transport driven through its ops table alone,
 * without the harness runner: `test_transport NAME [key=value ...]`.
 *
 * transport_check() must accept the table, and refuse it once its explain
 * text is missing, has an empty section or too long a pick line.
 *
 * Then, for each message size (16, 64, 4096, 65536 bytes) that check() accepts:
 * setup() in a fresh private directory, fork a client and a server, echo
 * N messages (the server verifies every byte and sends each back, the
 * client verifies the echo), then a one-way burst of N verified messages,
 * then an end marker that the server acknowledges.  A byte stream must then
 * report the client's close as -EPIPE; a lossy transport may lose messages
 * (the echo resends on -ETIMEDOUT, the burst counts loss by sequence
 * number).  After teardown() (twice: it must be idempotent) nothing may be
 * left: the directory is empty, and /dev/shm and /dev/mqueue hold nothing
 * named after the case's tag.  It knows transports only through
 * transport.h, so it runs unchanged for every registered name.  Exit status
 * 0 when every check passed, 77 (skipped) for an unsupported transport.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "transport.h"
#include "util.h"

#define N_MSGS 500u
#define SEQ_DONE UINT64_MAX		/* client: finished; echoed as the ack */
#define CHILD_TIMEOUT_S 30
#define FAILED_GRACE_NS 2000000000LL	/* once one child failed */
#define IO_TIMEOUT_MS 5000
#define PATIENCE_NS 10000000000LL	/* lossy waits give up after this */
#define LINGER_TIMEOUTS 3		/* quiet timeouts before a lossy end */

static const size_t test_sizes[] = { 16, 64, 4096, 65536 };
static const char *const side_names[] = { "client", "server" };

/* One case, as both children see it. */
struct tcase {
	struct transport t;
	unsigned char *out, *in;	/* msg_size bytes each */
	char label[64];			/* "pipe 4096 B" */
};

static void __attribute__((noreturn, format(printf, 2, 3)))
child_die(const struct tcase *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "test_transport: %s: %s: ", c->label,
		side_names[c->t.side]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(1);
}

/* The transport's reason for ret, or strerror when it left none. */
static const char *why(const struct transport *t, int ret)
{
	return t->err[0] ? t->err : strerror(-ret);
}

/* send() and recv() with t->err cleared, so why() never shows a stale one. */
static int tsend(struct transport *t, const void *buf)
{
	t->err[0] = '\0';
	return t->ops->send(t, buf);
}

static int trecv(struct transport *t, void *buf)
{
	t->err[0] = '\0';
	return t->ops->recv(t, buf);
}

/* Payload byte i of message seq: differs by position and by message. */
static unsigned char pattern(uint64_t seq, size_t i)
{
	uint64_t x = (seq + 1) * 0x9e3779b97f4a7c15ull ^
		     (uint64_t)i * 0xff51afd7ed558ccdull;

	return (unsigned char)(x ^ x >> 29);
}

/* Sequence number in the first 8 bytes, the pattern after it. */
static void fill(unsigned char *buf, size_t size, uint64_t seq)
{
	memcpy(buf, &seq, sizeof(seq));
	for (size_t i = sizeof(seq); i < size; i++)
		buf[i] = pattern(seq, i);
}

/* Read the sequence number of buf; check every byte after it. */
static void verify(const struct tcase *c, const unsigned char *buf,
		   uint64_t *seq)
{
	memcpy(seq, buf, sizeof(*seq));
	for (size_t i = sizeof(*seq); i < c->t.msg_size; i++) {
		if (buf[i] != pattern(*seq, i))
			child_die(c, "message %llu: byte %zu is 0x%02x, want 0x%02x",
				  (unsigned long long)*seq, i, buf[i],
				  pattern(*seq, i));
	}
}

/* Send seq and wait for its echo; a lossy transport resends on silence. */
static void client_exchange(struct tcase *c, uint64_t seq)
{
	struct transport *t = &c->t;
	bool lossy = t->ops->flags & TF_LOSSY;
	int64_t give_up = now_ns() + PATIENCE_NS;
	uint64_t got;
	int ret;

	fill(c->out, t->msg_size, seq);
	for (;;) {
		ret = tsend(t, c->out);
		if (ret)
			child_die(c, "send of %llu: %s", (unsigned long long)seq,
				  why(t, ret));
		for (;;) {
			ret = trecv(t, c->in);
			if (ret == -ETIMEDOUT && lossy)
				break;
			if (ret)
				child_die(c, "recv of the echo of %llu: %s",
					  (unsigned long long)seq, why(t, ret));
			verify(c, c->in, &got);
			if (got == seq && !memcmp(c->in, c->out, t->msg_size))
				return;
			/* A late echo of an earlier resend is no error. */
			if (!lossy || got >= seq)
				child_die(c, "the echo of %llu carried %llu",
					  (unsigned long long)seq,
					  (unsigned long long)got);
		}
		if (now_ns() > give_up)
			child_die(c, "no echo of %llu within %lld s",
				  (unsigned long long)seq, PATIENCE_NS / 1000000000);
	}
}

static void client_run(struct tcase *c)
{
	struct transport *t = &c->t;
	int ret;

	for (uint64_t seq = 0; seq < N_MSGS; seq++)
		client_exchange(c, seq);
	for (uint64_t seq = N_MSGS; seq < 2 * N_MSGS; seq++) {
		fill(c->out, t->msg_size, seq);
		ret = tsend(t, c->out);
		if (ret)
			child_die(c, "send of %llu: %s",
				  (unsigned long long)seq, why(t, ret));
	}
	client_exchange(c, SEQ_DONE);
}

/* Receive one message; lossy silence is retried for PATIENCE_NS. */
static uint64_t server_next(struct tcase *c)
{
	struct transport *t = &c->t;
	int64_t give_up = now_ns() + PATIENCE_NS;
	uint64_t seq;
	int ret;

	while ((ret = trecv(t, c->in)) == -ETIMEDOUT &&
	       (t->ops->flags & TF_LOSSY) && now_ns() < give_up)
		;
	if (ret)
		child_die(c, "recv: %s", why(t, ret));
	verify(c, c->in, &seq);
	return seq;
}

/* After the end marker: a stream must see the close; lossy resends acks. */
static void server_finish(struct tcase *c)
{
	struct transport *t = &c->t;
	unsigned quiet = 0;
	uint64_t seq;
	int ret;

	if (t->ops->flags & TF_STREAM) {
		ret = trecv(t, c->in);
		if (ret != -EPIPE)
			child_die(c, "recv after the client closed returned %d (%s), want -EPIPE",
				  ret, ret ? why(t, ret) : "a message");
		return;
	}
	while ((t->ops->flags & TF_LOSSY) && quiet < LINGER_TIMEOUTS) {
		ret = trecv(t, c->in);
		if (ret == -ETIMEDOUT) {
			quiet++;
			continue;
		}
		if (ret == -EPIPE)
			return;
		if (ret)
			child_die(c, "recv after the end: %s", why(t, ret));
		verify(c, c->in, &seq);
		if (seq != SEQ_DONE)
			child_die(c, "message %llu after the end",
				  (unsigned long long)seq);
		ret = tsend(t, c->in);	/* our ack was lost */
		if (ret)
			child_die(c, "send of the ack again: %s", why(t, ret));
	}
}

static void server_run(struct tcase *c)
{
	struct transport *t = &c->t;
	bool lossy = t->ops->flags & TF_LOSSY;
	static bool seen[N_MSGS];
	uint64_t next = 0, seq, arrived = 0, distinct = 0, lost;
	int ret;

	for (;;) {
		seq = server_next(c);
		if (!lossy && seq != (next < 2 * N_MSGS ? next : SEQ_DONE))
			child_die(c, "got message %llu, want %llu",
				  (unsigned long long)seq,
				  (unsigned long long)next);
		next++;
		if (seq < N_MSGS || seq == SEQ_DONE) {
			ret = tsend(t, c->in);	/* echo, or ack */
			if (ret)
				child_die(c, "send of the echo of %llu: %s",
					  (unsigned long long)seq, why(t, ret));
			if (seq == SEQ_DONE)
				break;
		} else if (seq < 2 * N_MSGS) {
			arrived++;
			distinct += !seen[seq - N_MSGS];
			seen[seq - N_MSGS] = true;
		} else {
			child_die(c, "message %llu is out of range",
				  (unsigned long long)seq);
		}
	}
	lost = N_MSGS - distinct;
	if (lossy)
		printf("%s: one-way burst: sent %u, received %llu, lost %llu (%.1f%%)\n",
		       c->label, N_MSGS, (unsigned long long)arrived,
		       (unsigned long long)lost, 100.0 * (double)lost / N_MSGS);
	if (arrived + lost != N_MSGS)
		child_die(c, "burst: received %llu + lost %llu != sent %u (duplicates)",
			  (unsigned long long)arrived, (unsigned long long)lost,
			  N_MSGS);
	server_finish(c);
}

static void __attribute__((noreturn)) child_main(struct tcase *c,
						 enum side side)
{
	struct transport *t = &c->t;
	int ret;

	signal(SIGPIPE, SIG_IGN);	/* as the harness does */
	t->side = side;
	ret = t->ops->open(t);
	if (ret)
		child_die(c, "open: %s", why(t, ret));
	if (side == SIDE_CLIENT)
		client_run(c);
	else
		server_run(c);
	t->ops->close(t);
	fflush(stdout);
	_exit(0);
}

/* Fork both sides and wait for them; kill them after CHILD_TIMEOUT_S. */
static void run_children(struct tcase *c)
{
	int64_t deadline = now_ns() + CHILD_TIMEOUT_S * 1000000000LL;
	pid_t pid[2] = { -1, -1 };
	int status[2] = { 0, 0 };
	bool done[2] = { false, false }, timed_out = false;

	fflush(stdout);
	fflush(stderr);
	for (int s = 0; s < 2; s++) {
		pid[s] = fork();
		if (pid[s] == 0)
			child_main(c, (enum side)s);
		CHECK(pid[s] > 0, "fork: %s", strerror(errno));
		done[s] = pid[s] < 0;
	}
	while (!done[0] || !done[1]) {
		for (int s = 0; s < 2; s++) {
			if (done[s] || waitpid(pid[s], &status[s], WNOHANG) != pid[s])
				continue;
			done[s] = true;
			if (!WIFEXITED(status[s]) || WEXITSTATUS(status[s]))
				deadline = now_ns() + FAILED_GRACE_NS;
		}
		if (!done[0] || !done[1]) {
			if (now_ns() > deadline) {
				timed_out = true;
				break;
			}
			usleep(2000);
		}
	}
	for (int s = 0; s < 2; s++) {
		if (done[s])
			continue;
		kill(pid[s], SIGKILL);
		waitpid(pid[s], &status[s], 0);
		CHECK(!timed_out, "%s: %s still running at the deadline: killed",
		      c->label, side_names[s]);
	}
	for (int s = 0; s < 2; s++) {
		if (pid[s] > 0 && done[s])
			CHECK(WIFEXITED(status[s]) && WEXITSTATUS(status[s]) == 0,
			      "%s: %s failed (%s %d)", c->label, side_names[s],
			      WIFEXITED(status[s]) ? "exit status" : "signal",
			      WIFEXITED(status[s]) ? WEXITSTATUS(status[s]) :
						     WTERMSIG(status[s]));
	}
}

/* After teardown: nothing in dir, nothing named after the tag elsewhere. */
static void check_nothing_left(const struct tcase *c, const char *dir)
{
	char sem[128];
	unsigned n;

	snprintf(sem, sizeof(sem), "sem.%s", c->t.tag);	/* named semaphores */
	n = check_leftovers(dir, "", true);
	CHECK(n == 0, "%s: teardown left %u entries in '%s'", c->label, n, dir);
	CHECK(rmdir(dir) == 0, "%s: rmdir '%s': %s", c->label, dir,
	      strerror(errno));
	n = check_leftovers("/dev/shm", c->t.tag, true) +
	    check_leftovers("/dev/shm", sem, true) +
	    check_leftovers("/dev/mqueue", c->t.tag, true);
	CHECK(n == 0, "%s: teardown left %u objects named '%s...'", c->label,
	      n, c->t.tag);
}

static void run_case(const struct transport_ops *ops, size_t size,
		     const uint64_t *opt)
{
	static unsigned counter;
	const char *tmp = getenv("TMPDIR");
	struct tcase c = { .t = { .ops = ops, .msg_size = size,
				  .placement = PLACE_UNPINNED,
				  .io_timeout_ms = IO_TIMEOUT_MS } };
	char dir[PATH_MAX], tag[64];
	int64_t start = now_ns();
	int ret;

	memcpy(c.t.opt, opt, sizeof(c.t.opt));
	snprintf(c.label, sizeof(c.label), "%s %zu B", ops->name, size);
	if (ops->check && (ret = ops->check(&c.t))) {
		CHECK(ret < 0 && c.t.err[0], "%s: check() refused (%d) without a reason",
		      c.label, ret);
		printf("%s: skipped: %s\n", c.label, c.t.err);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/ipcbench-test.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	snprintf(tag, sizeof(tag), "ipcbench.%d.%u", (int)getpid(), ++counter);
	c.out = malloc(size);
	c.in = malloc(size);
	if (!mkdtemp(dir) || !c.out || !c.in) {
		CHECK(0, "%s: mkdtemp '%s' or malloc: %s", c.label, dir,
		      strerror(errno));
		goto out_free;
	}
	c.t.dir = dir;
	c.t.tag = tag;

	ret = ops->setup(&c.t);
	CHECK(ret == 0, "%s: setup: %s", c.label, why(&c.t, ret));
	if (!ret) {
		CHECK((ops->flags & TF_PATH) || check_leftovers(dir, "", true) == 0,
		      "%s: setup() made files in t->dir without TF_PATH",
		      c.label);
		run_children(&c);
	}
	ops->teardown(&c.t);
	ops->teardown(&c.t);		/* idempotent */
	check_nothing_left(&c, dir);
	printf("%s: done in %.2f s%s%s\n", c.label,
	       (double)(now_ns() - start) / 1e9, c.t.info[0] ? ", " : "",
	       c.t.info);
out_free:
	free(c.out);
	free(c.in);
}

/* "key=value" from the command line into opt; false on a bad one. */
static bool set_option(const struct transport_ops *ops, char *arg,
		       uint64_t *opt)
{
	char *eq = strchr(arg, '='), why_buf[TRANSPORT_ERR_LEN];
	int i;

	if (!eq) {
		fprintf(stderr, "test_transport: '%s' is not key=value\n", arg);
		return false;
	}
	*eq = '\0';
	i = transport_option_index(ops, arg);
	if (i < 0) {
		fprintf(stderr, "test_transport: %s has no option '%s'\n",
			ops->name, arg);
		return false;
	}
	if (transport_option_parse(&ops->options[i], eq + 1, &opt[i], why_buf,
				   sizeof(why_buf))) {
		fprintf(stderr, "test_transport: %s: %s\n", arg, why_buf);
		return false;
	}
	return true;
}

/* transport_check() must refuse the table without its lesson, with any
 * section of it empty, or with an overview line too long to fit. */
static void check_explain_required(const struct transport_ops *ops)
{
	struct transport_ops o = *ops;
	struct transport_explain e = *ops->explain;
	char why[TRANSPORT_ERR_LEN], pick[EXPLAIN_PICK_MAX + 2];

	o.explain = NULL;
	CHECK(transport_check(&o, why, sizeof(why)) == -EINVAL,
	      "%s: accepted without explain text", ops->name);
	o.explain = &e;
	for (unsigned i = 0; i < TRANSPORT_SECTIONS; i++) {
		const char **text = (const char **)((char *)&e +
						    transport_sections[i].offset);
		const char *keep = *text;

		*text = "";
		CHECK(transport_check(&o, why, sizeof(why)) == -EINVAL &&
		      strstr(why, transport_sections[i].heading),
		      "%s: accepted an empty '%s'", ops->name,
		      transport_sections[i].heading);
		*text = keep;
	}
	memset(pick, 'x', sizeof(pick) - 1);
	pick[sizeof(pick) - 1] = '\0';
	e.pick = pick;
	CHECK(transport_check(&o, why, sizeof(why)) == -EINVAL,
	      "%s: accepted a pick line of %zu characters", ops->name,
	      strlen(pick));
}

int main(int argc, char **argv)
{
	const struct transport_ops *ops;
	uint64_t opt[TRANSPORT_MAX_OPTS] = { 0 };
	char why_buf[TRANSPORT_ERR_LEN], name[64];

	if (argc < 2) {
		fprintf(stderr, "usage: test_transport NAME [key=value ...]\n");
		return 2;
	}
	snprintf(name, sizeof(name), "test_transport %s", argv[1]);
	ops = transport_find(argv[1]);
	CHECK(ops != NULL, "no transport is named '%s'", argv[1]);
	if (!ops)
		return check_summary(name);
	CHECK(transport_check(ops, why_buf, sizeof(why_buf)) == 0, "%s", why_buf);
	if (check_failed)
		return check_summary(name);
	check_explain_required(ops);
	if (ops->unsupported) {
		printf("%s: skipped: %s\n", ops->name, ops->unsupported);
		return 77;
	}
	for (int i = 0; ops->options && ops->options[i].key; i++)
		CHECK(transport_option_parse(&ops->options[i],
					     ops->options[i].def, &opt[i],
					     why_buf, sizeof(why_buf)) == 0,
		      "%s: default of %s: %s", ops->name, ops->options[i].key,
		      why_buf);
	for (int i = 2; i < argc; i++) {
		if (!set_option(ops, argv[i], opt))
			return 2;
	}
	for (size_t i = 0; i < ARRAY_SIZE(test_sizes); i++)
		run_case(ops, test_sizes[i], opt);
	return check_summary(name);
}
