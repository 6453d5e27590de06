/*
 * test_shm_mq.c - the shm and mq transports against known expectations:
 * what check() refuses and why, exact failure messages, bounded waits,
 * nothing left behind, and fork-based exchanges with every byte verified.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "transport.h"

extern const struct transport_ops transport_shm;
extern const struct transport_ops transport_mq;

struct tcase {
	struct transport t;
	char tag[64];
};

/* A case with every option at its default and a fresh tag. */
static void tcase_init(struct tcase *c, const struct transport_ops *ops,
		       size_t size, enum placement pl)
{
	static unsigned n;
	char why[128];

	memset(c, 0, sizeof(*c));
	/* The run's shape, ipcbench.<pid>.<...>: `ipcbench clean` removes what
	 * a crashed test left. */
	snprintf(c->tag, sizeof(c->tag), "ipcbench.%d.test%u", (int)getpid(),
		 n++);
	c->t.ops = ops;
	c->t.msg_size = size;
	c->t.placement = pl;
	c->t.tag = c->tag;
	c->t.dir = "/tmp";
	c->t.io_timeout_ms = 2000;
	for (int i = 0; ops->options[i].key; i++)
		CHECK(transport_option_parse(&ops->options[i], ops->options[i].def,
					     &c->t.opt[i], why, sizeof(why)) == 0,
		      "%s", why);
}

static void tcase_opt(struct tcase *c, const char *key, const char *val)
{
	int i = transport_option_index(c->t.ops, key);
	char why[128];

	CHECK(i >= 0, "no option %s", key);
	if (i >= 0)
		CHECK(transport_option_parse(&c->t.ops->options[i], val,
					     &c->t.opt[i], why, sizeof(why)) == 0,
		      "%s", why);
}

static unsigned long long proc_limit(const char *file)
{
	unsigned long long v = 0;
	FILE *f = fopen(file, "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static bool shm_exists(const char *name)
{
	int fd = shm_open(name, O_RDONLY, 0);

	if (fd >= 0)
		close(fd);
	return fd >= 0 || errno != ENOENT;
}

static bool mq_exists(const char *name)
{
	mqd_t q = mq_open(name, O_RDONLY);

	if (q != (mqd_t)-1)
		mq_close(q);
	return q != (mqd_t)-1 || errno != ENOENT;
}

/* Does any named object of case c exist? */
static bool tcase_leftovers(const struct tcase *c)
{
	static const char *const sfx[] = { "shm", "c2s", "s2c" };
	char name[96];

	for (unsigned i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "/%s.%s", c->tag, sfx[i]);
		if (shm_exists(name) || mq_exists(name))
			return true;
	}
	return false;
}

static void test_tables(void)
{
	char why[256] = "";

	CHECK(transport_check(&transport_shm, why, sizeof(why)) == 0, "%s", why);
	CHECK(transport_check(&transport_mq, why, sizeof(why)) == 0, "%s", why);
}

static void test_shm_check(void)
{
	struct tcase c;
	struct statvfs sv;

	tcase_init(&c, &transport_shm, 64, PLACE_SAME_CPU);
	tcase_opt(&c, "wait", "spin");
	CHECK(c.t.ops->check(&c.t) != 0, "spin on one CPU accepted");
	CHECK_STR_CONTAINS(c.t.err, "same CPU");

	tcase_init(&c, &transport_shm, 64, PLACE_CROSS_CPU);
	tcase_opt(&c, "wait", "spin");
	CHECK(c.t.ops->check(&c.t) == 0, "%s", c.t.err);
	CHECK(transport_wait(c.t.ops, c.t.opt) == WAIT_SPIN,
	      "wait=spin is not declared spin");

	tcase_init(&c, &transport_shm, 64, PLACE_SAME_CPU);
	CHECK(c.t.ops->check(&c.t) == 0, "%s", c.t.err);
	CHECK(transport_wait(c.t.ops, c.t.opt) == WAIT_BLOCK,
	      "wait=sem is not declared block");

	tcase_init(&c, &transport_shm, SIZE_MAX / 4, PLACE_CROSS_CPU);
	tcase_opt(&c, "slots", "1024");
	CHECK(c.t.ops->check(&c.t) == -EFBIG, "overflow accepted: %s", c.t.err);
	CHECK_STR_CONTAINS(c.t.err, "overflow");

	if (statvfs("/dev/shm", &sv) == 0) {
		tcase_init(&c, &transport_shm,
			   (size_t)sv.f_bavail * sv.f_frsize, PLACE_CROSS_CPU);
		CHECK(c.t.ops->check(&c.t) == -ENOSPC, "%s", c.t.err);
		CHECK_STR_CONTAINS(c.t.err, "does not fit in /dev/shm");
	}
}

static void test_mq_check(void)
{
	unsigned long long size_max = proc_limit("/proc/sys/fs/mqueue/msgsize_max");
	unsigned long long depth_max = proc_limit("/proc/sys/fs/mqueue/msg_max");
	struct rlimit rl, low;
	struct tcase c;
	char val[32];

	CHECK(size_max && depth_max, "cannot read /proc/sys/fs/mqueue");
	tcase_init(&c, &transport_mq, size_max < 65536 ? 65536 : size_max + 1,
		   PLACE_CROSS_CPU);
	CHECK(c.t.ops->check(&c.t) == -EMSGSIZE, "%s", c.t.err);
	CHECK_STR_CONTAINS(c.t.err, "fs.mqueue.msgsize_max");

	tcase_init(&c, &transport_mq, 64, PLACE_CROSS_CPU);
	snprintf(val, sizeof(val), "%llu", depth_max + 1);
	tcase_opt(&c, "queue_depth", val);
	CHECK(c.t.ops->check(&c.t) != 0, "queue_depth above msg_max accepted");
	CHECK_STR_CONTAINS(c.t.err, "fs.mqueue.msg_max");

	tcase_init(&c, &transport_mq, 64, PLACE_SAME_CPU);
	CHECK(c.t.ops->check(&c.t) == 0, "%s", c.t.err);
	CHECK(transport_wait(c.t.ops, c.t.opt) == WAIT_BLOCK, "mq spins");

	if (getrlimit(RLIMIT_MSGQUEUE, &rl) == 0) {
		low = rl;
		low.rlim_cur = 1000;
		CHECK(setrlimit(RLIMIT_MSGQUEUE, &low) == 0, "setrlimit");
		CHECK(c.t.ops->check(&c.t) == -EDQUOT, "%s", c.t.err);
		CHECK_STR_CONTAINS(c.t.err, "RLIMIT_MSGQUEUE");
		CHECK(setrlimit(RLIMIT_MSGQUEUE, &rl) == 0, "setrlimit back");
	}
}

/* setup() makes named objects, teardown() removes them, twice is fine. */
static void test_cleanup(const struct transport_ops *ops)
{
	struct tcase c;

	tcase_init(&c, ops, 64, PLACE_CROSS_CPU);
	CHECK(ops->setup(&c.t) == 0, "%s", c.t.err);
	CHECK(tcase_leftovers(&c), "%s: setup created nothing", ops->name);
	CHECK(c.t.info[0], "%s: no info", ops->name);
	ops->teardown(&c.t);
	ops->teardown(&c.t);
	CHECK(!tcase_leftovers(&c), "%s: teardown left objects", ops->name);
}

/* A name that exists already: the message shape, and teardown removes what
 * this case made but not the stranger's object. */
static void test_collision(void)
{
	struct tcase c;
	char name[96], want[160];
	mqd_t q;
	int fd;

	tcase_init(&c, &transport_shm, 64, PLACE_CROSS_CPU);
	snprintf(name, sizeof(name), "/%s.shm", c.tag);
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0, "shm_open %s", name);
	CHECK(transport_shm.setup(&c.t) == -EEXIST, "%s", c.t.err);
	snprintf(want, sizeof(want), "shm: shm_open '%s' failed: File exists",
		 name);
	CHECK(strcmp(c.t.err, want) == 0, "'%s' != '%s'", c.t.err, want);
	transport_shm.teardown(&c.t);
	CHECK(shm_exists(name), "teardown removed a stranger's segment");
	close(fd);
	shm_unlink(name);

	tcase_init(&c, &transport_mq, 64, PLACE_CROSS_CPU);
	snprintf(name, sizeof(name), "/%s.s2c", c.tag);
	q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(q != (mqd_t)-1, "mq_open %s", name);
	CHECK(transport_mq.setup(&c.t) == -EEXIST, "%s", c.t.err);
	snprintf(want, sizeof(want), "mq: mq_open '%s' failed: File exists",
		 name);
	CHECK(strcmp(c.t.err, want) == 0, "'%s' != '%s'", c.t.err, want);
	transport_mq.teardown(&c.t);
	CHECK(mq_exists(name), "teardown removed a stranger's queue");
	mq_close(q);
	mq_unlink(name);
	CHECK(!tcase_leftovers(&c), "mq: half-made setup left objects");
}

/* With no peer, a recv and a send into a full ring end in -ETIMEDOUT. */
static void test_timeouts(const struct transport_ops *ops, const char *key,
			  const char *val, const char *depth_key)
{
	unsigned char buf[64] = { 0 };
	struct tcase c;

	tcase_init(&c, ops, sizeof(buf), PLACE_CROSS_CPU);
	if (key)
		tcase_opt(&c, key, val);
	tcase_opt(&c, depth_key, "1");
	c.t.io_timeout_ms = 100;
	CHECK(ops->setup(&c.t) == 0, "%s", c.t.err);
	c.t.side = SIDE_CLIENT;
	CHECK(ops->open(&c.t) == 0, "%s", c.t.err);
	CHECK(ops->recv(&c.t, buf) == -ETIMEDOUT, "%s %s: recv", ops->name,
	      val ? val : "");
	CHECK_STR_CONTAINS(c.t.err, "100 ms");
	CHECK(ops->send(&c.t, buf) == 0, "%s", c.t.err);
	CHECK(ops->send(&c.t, buf) == -ETIMEDOUT, "%s %s: send into full ring",
	      ops->name, val ? val : "");
	ops->close(&c.t);
	ops->teardown(&c.t);
	CHECK(!tcase_leftovers(&c), "%s: left objects", ops->name);
}

/* mq: a message of another length is -EMSGSIZE, not a short message. */
static void test_mq_wrong_size(void)
{
	unsigned char buf[64];
	char name[96];
	struct tcase c;
	mqd_t q;

	tcase_init(&c, &transport_mq, sizeof(buf), PLACE_CROSS_CPU);
	CHECK(transport_mq.setup(&c.t) == 0, "%s", c.t.err);
	snprintf(name, sizeof(name), "/%s.c2s", c.tag);
	q = mq_open(name, O_WRONLY);
	CHECK(q != (mqd_t)-1 && mq_send(q, "0123456789", 10, 0) == 0,
	      "mq_send to %s", name);
	if (q != (mqd_t)-1)
		mq_close(q);
	c.t.side = SIDE_SERVER;
	CHECK(transport_mq.open(&c.t) == 0, "%s", c.t.err);
	CHECK(transport_mq.recv(&c.t, buf) == -EMSGSIZE, "%s", c.t.err);
	CHECK_STR_CONTAINS(c.t.err, "10-byte");
	transport_mq.close(&c.t);
	transport_mq.teardown(&c.t);
}

static void fill(unsigned char *b, size_t size, uint64_t i, unsigned salt)
{
	for (size_t j = 0; j < size; j++)
		b[j] = (unsigned char)(i * 131 + j * 7 + salt + (j >> 8));
	memcpy(b, &i, sizeof(i) < size ? sizeof(i) : size);
}

static int verify(const unsigned char *b, size_t size, uint64_t i,
		  unsigned salt, unsigned char *want)
{
	fill(want, size, i, salt);
	for (size_t j = 0; j < size; j++) {
		if (b[j] != want[j]) {
			fprintf(stderr, "message %llu byte %zu: 0x%02x, want 0x%02x\n",
				(unsigned long long)i, j, b[j], want[j]);
			return 1;
		}
	}
	return 0;
}

/* One side of an exchange: n one-way messages client -> server (the ring
 * fills and the sender waits), then n round trips, all bytes verified. */
static int side_run(struct transport *t, enum side side, unsigned n)
{
	const struct transport_ops *ops = t->ops;
	unsigned char *buf = malloc(t->msg_size), *want = malloc(t->msg_size);
	int bad = 0, ret;

	alarm(60);
	t->side = side;
	if (!buf || !want || ops->open(t))
		return 2;
	for (uint64_t i = 0; i < n && !bad; i++) {
		if (side == SIDE_CLIENT) {
			fill(buf, t->msg_size, i, 1);
			ret = ops->send(t, buf);
		} else {
			ret = ops->recv(t, buf);
			bad = ret ? 0 : verify(buf, t->msg_size, i, 1, want);
		}
		bad |= ret != 0;
	}
	for (uint64_t i = 0; i < n && !bad; i++) {
		if (side == SIDE_CLIENT) {
			fill(buf, t->msg_size, i, 2);
			ret = ops->send(t, buf);
			ret = ret ? ret : ops->recv(t, buf);
		} else {
			ret = ops->recv(t, buf);
			ret = ret ? ret : ops->send(t, buf);
		}
		bad = ret != 0 || verify(buf, t->msg_size, i, 2, want);
	}
	if (bad && t->err[0])
		fprintf(stderr, "%s\n", t->err);
	ops->close(t);
	free(buf);
	free(want);
	return bad;
}

static void test_exchange(const struct transport_ops *ops, const char *wait,
			  size_t size, const char *slots)
{
	struct tcase c;
	pid_t pid[2];
	int status;

	tcase_init(&c, ops, size, PLACE_CROSS_CPU);
	if (wait)
		tcase_opt(&c, "wait", wait);
	if (slots)
		tcase_opt(&c, "slots", slots);
	CHECK(ops->check(&c.t) == 0, "%s", c.t.err);
	CHECK(ops->setup(&c.t) == 0, "%s", c.t.err);
	for (int s = 0; s < 2; s++) {
		pid[s] = fork();
		if (pid[s] == 0)
			_exit(side_run(&c.t, s ? SIDE_SERVER : SIDE_CLIENT, 300));
	}
	for (int s = 0; s < 2; s++) {
		CHECK(waitpid(pid[s], &status, 0) == pid[s], "waitpid");
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s %s size %zu: %s failed (status 0x%x)", ops->name,
		      wait ? wait : "", size, s ? "server" : "client", status);
	}
	ops->teardown(&c.t);
	CHECK(!tcase_leftovers(&c), "%s: left objects", ops->name);
}

int main(void)
{
	static const size_t sizes[] = { 16, 64, 4096 };

	test_tables();
	test_shm_check();
	test_mq_check();
	test_cleanup(&transport_shm);
	test_cleanup(&transport_mq);
	test_collision();
	test_timeouts(&transport_shm, "wait", "sem", "slots");
	test_timeouts(&transport_shm, "wait", "spin", "slots");
	test_timeouts(&transport_mq, NULL, NULL, "queue_depth");
	test_mq_wrong_size();
	for (unsigned i = 0; i < 3; i++) {
		test_exchange(&transport_shm, "sem", sizes[i], NULL);
		test_exchange(&transport_shm, "spin", sizes[i], NULL);
		test_exchange(&transport_mq, NULL, sizes[i], NULL);
	}
	test_exchange(&transport_shm, "sem", 65536, "1");
	test_exchange(&transport_shm, "spin", 65536, "3");
	test_exchange(&transport_shm, "spin", 100, "1");
	test_exchange(&transport_shm, "sem", 100, "2");
	if (proc_limit("/proc/sys/fs/mqueue/msgsize_max") >= 8192)
		test_exchange(&transport_mq, NULL, 8192, NULL);
	return check_summary("test_shm_mq");
}
