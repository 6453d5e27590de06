/*
 * shm.c - POSIX shared memory rings: the data never passes through the kernel.
 *
 * Mechanism.  setup() creates a named segment, shm_open("/<tag>.shm"), sizes
 * it and maps it MAP_SHARED before the fork, so both children see the same
 * physical pages.  It holds two rings of message slots, client->server and
 * server->client: the bounded buffer of your OS course.  send() memcpy()s the
 * message into the next free slot and publishes it; recv() waits for the next
 * published slot, memcpy()s the message out and hands the slot back.  Copies
 * per message: 2, both done by the processes; the kernel copies nothing (a
 * pipe: 2 syscalls, 2 copies by the kernel).  Messages keep their boundaries
 * (one slot, one message), arrive in order, are never lost; a full ring makes
 * the sender wait.
 *
 * Waiting, option wait.
 *  sem:  two POSIX semaphores per ring, in the segment (sem_init pshared=1):
 *        "free" counts empty slots, "full" published ones.  glibc does
 *        sem_post/sem_wait as one atomic instruction while the count allows;
 *        only a waiter that finds 0 sleeps in futex(FUTEX_WAIT), and only a
 *        post that sees a sleeper calls futex(FUTEX_WAKE).  So a message costs
 *        0 syscalls when nobody waits, 2 (sleep, wake) when the receiver was
 *        asleep, as it always is in ping-pong.  Waking a sleeper on another
 *        CPU is the dear part: an interrupt between CPUs (~10 us in a VM).
 *  spin: no syscalls at all.  Each slot starts with a sequence word: the
 *        sender writes the data, then the word (release order); the receiver
 *        reads the word in a loop (acquire order, pause hint) until it says
 *        "message pos is here".  Nobody ever sleeps: a waiting side burns a
 *        whole CPU, all the time.  With both sides on one CPU the spinner uses
 *        up its time slice waiting for a peer that cannot run meanwhile, so
 *        check() refuses spin with same-cpu placement.
 *
 * Layout.  CPUs hand memory to each other in 64-byte cache lines.  Slots are
 * line-aligned and a sequence word shares its line with the start of the
 * message (a 56-byte message crosses in one line, a 64-byte one needs two);
 * semaphores and the consumer's position each have a line of their own, and
 * the producer reads that position only when its last copy says "full", so
 * no line bounces between the CPUs unless a message does.
 *
 * Persistence and limits.  The segment is a file in /dev/shm, a tmpfs in RAM,
 * and outlives both processes until shm_unlink(): teardown() unlinks it,
 * `ipcbench clean` removes what crashed runs leaked.  Its size is bounded by
 * the free space of /dev/shm (half the RAM by default).
 *
 * Pitfalls.  A plain sem_wait(), or a naive spin loop, waits forever when the
 * peer died: every wait here ends after t->io_timeout_ms with -ETIMEDOUT.
 * Touching a page that a full tmpfs cannot back kills with SIGBUS.  Spinning
 * on one CPU measures the scheduler.  A leaked segment holds its RAM.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"
#include "util.h"

#define SHMRING_LINE 64			/* cache line */
#define SHMRING_SPINS_PER_CLOCK 4096	/* spins per look at the clock */
#define SHMRING_DEFAULT_TIMEOUT_MS 10000	/* io_timeout_ms unset */
#define SHMRING_DATA 8			/* message offset, after seq */

enum { SHMRING_OPT_WAIT, SHMRING_OPT_SLOTS };
enum { SHMRING_SEM, SHMRING_SPIN };

/*
 * Control block of one ring, in the segment, a line per member.  In spin
 * mode the sequence word of a slot is pos + 1 once message pos is in it
 * (only the producer writes it) and tail counts the messages the consumer is
 * done with (only the consumer writes it).
 */
struct shmring_ctl {
	_Alignas(SHMRING_LINE) sem_t free;	/* sem: empty slots */
	_Alignas(SHMRING_LINE) sem_t full;	/* sem: published messages */
	_Alignas(SHMRING_LINE) _Atomic uint64_t tail;	/* spin */
};

/* One ring as one process sees it: positions are private. */
struct shmring_end {
	struct shmring_ctl *ctl;
	unsigned char *slots;
	uint64_t pos;		/* messages this process moved so far */
	uint64_t tail;		/* producer: consumer's tail, last seen */
	unsigned idx;		/* pos % slots */
};

struct shmring_priv {
	char name[NAME_MAX + 1];
	unsigned char *base;	/* [ctl c2s][ctl s2c][slots c2s][slots s2c] */
	size_t len, stride;
	unsigned slots;
	bool spin, created, sems_ready;
	struct shmring_end tx, rx;
};

static int shmring_timeout_ms(const struct transport *t)
{
	return t->io_timeout_ms > 0 ? t->io_timeout_ms :
				      SHMRING_DEFAULT_TIMEOUT_MS;
}

/* Segment size for this case and the slot stride; 0 when it overflows. */
static size_t shmring_geometry(size_t msg, uint64_t slots, size_t *stride)
{
	size_t rings, len;

	if (msg > SIZE_MAX / 2)
		return 0;
	*stride = (SHMRING_DATA + msg + SHMRING_LINE - 1) &
		  ~(size_t)(SHMRING_LINE - 1);
	if (__builtin_mul_overflow(*stride, 2 * slots, &rings) ||
	    __builtin_add_overflow(rings, 2 * sizeof(struct shmring_ctl),
				   &len) || len > (size_t)INT64_MAX)
		return 0;
	return len;
}

static void shmring_end_init(struct shmring_priv *p, struct shmring_end *e,
			     unsigned ring)
{
	e->ctl = (struct shmring_ctl *)p->base + ring;
	e->slots = p->base + 2 * sizeof(struct shmring_ctl) +
		   (size_t)ring * p->slots * p->stride;
	e->pos = e->tail = 0;
	e->idx = 0;
}

static inline void shmring_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static int shmring_timed_out(struct transport *t, const char *what)
{
	transport_fail(t, 0, "no %s within %d ms (peer gone or stalled?)", what,
		       shmring_timeout_ms(t));
	return -ETIMEDOUT;
}

/* Busy-poll until the counter *w reaches want; *seen gets its value.  The
 * clock is read every few thousand spins only, so a wait that succeeds at
 * once costs one load. */
static int shmring_spin(struct transport *t, _Atomic uint64_t *w,
			uint64_t want, uint64_t *seen, const char *what)
{
	int64_t deadline = 0;
	unsigned n = 0;
	uint64_t v;

	for (;;) {
		v = atomic_load_explicit(w, memory_order_acquire);
		if ((int64_t)(v - want) >= 0) {
			*seen = v;
			return 0;
		}
		shmring_pause();
		if (++n % SHMRING_SPINS_PER_CLOCK)
			continue;
		if (!deadline)
			deadline = now_ns() + shmring_timeout_ms(t) * 1000000LL;
		else if (now_ns() > deadline)
			return shmring_timed_out(t, what);
	}
}

/* Take one unit of s, sleeping at most the io timeout.  The clock is read
 * only when the count is 0 and we are about to sleep anyway. */
static int shmring_sem_wait(struct transport *t, sem_t *s, const char *what)
{
	int ms = shmring_timeout_ms(t);
	struct timespec ts;
	int64_t ns;

	if (sem_trywait(s) == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = ts.tv_nsec + (int64_t)ms * 1000000;
	ts.tv_sec += ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	while (sem_clockwait(s, CLOCK_MONOTONIC, &ts) != 0) {
		if (errno == ETIMEDOUT)
			return shmring_timed_out(t, what);
		if (errno != EINTR)
			return transport_fail(t, errno, "sem_clockwait failed");
	}
	return 0;
}

static int shmring_check(struct transport *t)
{
	bool spin = t->opt[SHMRING_OPT_WAIT] == SHMRING_SPIN;
	size_t stride, len;
	struct statvfs sv;

	t->spins = spin;
	if (spin && t->placement == PLACE_SAME_CPU) {
		transport_fail(t, 0, "wait=spin with both sides on the same CPU measures the scheduler, not IPC (each side spins out its time slice); use cross-cpu or wait=sem");
		return -EINVAL;
	}
	len = shmring_geometry(t->msg_size, t->opt[SHMRING_OPT_SLOTS], &stride);
	if (!len) {
		transport_fail(t, 0, "2 x %llu slots of %zu bytes overflow the size of a mapping",
			       (unsigned long long)t->opt[SHMRING_OPT_SLOTS],
			       t->msg_size);
		return -EFBIG;
	}
	if (statvfs("/dev/shm", &sv) == 0 &&
	    (unsigned long long)sv.f_bavail * sv.f_frsize < len) {
		transport_fail(t, 0, "a segment of %zu bytes does not fit in /dev/shm (%llu bytes free)",
			       len,
			       (unsigned long long)sv.f_bavail * sv.f_frsize);
		return -ENOSPC;
	}
	return 0;
}

static int shmring_setup(struct transport *t)
{
	struct shmring_priv *p;
	int fd, ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return transport_fail(t, ENOMEM, "setup");
	t->priv = p;
	p->spin = t->opt[SHMRING_OPT_WAIT] == SHMRING_SPIN;
	p->slots = (unsigned)t->opt[SHMRING_OPT_SLOTS];
	p->len = shmring_geometry(t->msg_size, p->slots, &p->stride);
	if (!p->len || !p->slots)
		return transport_fail(t, EFBIG, "2 x %u slots of %zu bytes",
				      p->slots, t->msg_size);
	if ((size_t)snprintf(p->name, sizeof(p->name), "/%s.shm", t->tag) >=
	    sizeof(p->name))
		return transport_fail(t, ENAMETOOLONG, "name '/%s.shm'",
				      t->tag);
	fd = shm_open(p->name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		return transport_fail(t, errno, "shm_open '%s' failed",
				      p->name);
	p->created = true;
	/* ftruncate() alone would size the file but reserve nothing, and a full
	 * tmpfs would show as SIGBUS in a child; posix_fallocate() sizes it and
	 * takes every page now, or fails here with ENOSPC. */
	ret = posix_fallocate(fd, 0, (off_t)p->len);
	if (ret) {
		ret = transport_fail(t, ret, "posix_fallocate '%s' of %zu bytes failed",
				     p->name, p->len);
		goto out_close;
	}
	p->base = mmap(NULL, p->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p->base == MAP_FAILED) {
		p->base = NULL;
		ret = transport_fail(t, errno, "mmap '%s' of %zu bytes failed",
				     p->name, p->len);
		goto out_close;
	}
	close(fd);	/* the mapping holds the segment; pages are zero */
	for (unsigned r = 0; r < 2; r++) {
		struct shmring_ctl *c = (struct shmring_ctl *)p->base + r;

		if (sem_init(&c->free, 1, p->slots) || sem_init(&c->full, 1, 0))
			return transport_fail(t, errno, "sem_init failed");
	}
	p->sems_ready = true;
	snprintf(t->info, sizeof(t->info), "wait=%s slots=%u segment=%zu",
		 p->spin ? "spin" : "sem", p->slots, p->len);
	return 0;

out_close:
	close(fd);
	return ret;
}

static int shmring_open(struct transport *t)
{
	struct shmring_priv *p = t->priv;
	unsigned out = t->side == SIDE_CLIENT ? 0 : 1;

	shmring_end_init(p, &p->tx, out);
	shmring_end_init(p, &p->rx, 1 - out);
	/* A child inherits the mapping but not its page tables: fault them in
	 * now, not in the timed span.  Best effort (Linux 5.14+). */
	madvise(p->base, p->len, MADV_POPULATE_WRITE);
	return 0;
}

/* sem_post() cannot fail here: counts never exceed slots. */
static int shmring_send(struct transport *t, const void *buf)
{
	struct shmring_priv *p = t->priv;
	struct shmring_end *e = &p->tx;
	unsigned char *slot = e->slots + (size_t)e->idx * p->stride;
	int ret = 0;

	if (!p->spin)
		ret = shmring_sem_wait(t, &e->ctl->free, "free slot");
	else if (e->pos - e->tail >= p->slots)	/* full when last seen */
		ret = shmring_spin(t, &e->ctl->tail, e->pos - p->slots + 1,
				   &e->tail, "free slot");
	if (ret)
		return ret;
	memcpy(slot + SHMRING_DATA, buf, t->msg_size);
	if (p->spin)
		atomic_store_explicit((_Atomic uint64_t *)slot, e->pos + 1,
				      memory_order_release);
	else
		sem_post(&e->ctl->full);
	e->pos++;
	e->idx = e->idx + 1 == p->slots ? 0 : e->idx + 1;
	return 0;
}

static int shmring_recv(struct transport *t, void *buf)
{
	struct shmring_priv *p = t->priv;
	struct shmring_end *e = &p->rx;
	unsigned char *slot = e->slots + (size_t)e->idx * p->stride;
	uint64_t seen;
	int ret;

	ret = p->spin ? shmring_spin(t, (_Atomic uint64_t *)slot, e->pos + 1,
				     &seen, "message") :
			shmring_sem_wait(t, &e->ctl->full, "message");
	if (ret)
		return ret;
	memcpy(buf, slot + SHMRING_DATA, t->msg_size);
	if (p->spin)
		atomic_store_explicit(&e->ctl->tail, e->pos + 1,
				      memory_order_release);
	else
		sem_post(&e->ctl->free);
	e->pos++;
	e->idx = e->idx + 1 == p->slots ? 0 : e->idx + 1;
	return 0;
}

/* Nothing to release per side: the mapping belongs to setup()/teardown(),
 * and a child's copy of it goes when the child exits. */
static void shmring_close(struct transport *t)
{
	(void)t;
}

static void shmring_teardown(struct transport *t)
{
	struct shmring_priv *p = t->priv;

	if (!p)
		return;
	for (unsigned r = 0; p->sems_ready && r < 2; r++) {
		sem_destroy(&((struct shmring_ctl *)p->base)[r].free);
		sem_destroy(&((struct shmring_ctl *)p->base)[r].full);
	}
	if (p->base)
		munmap(p->base, p->len);
	if (p->created)
		shm_unlink(p->name);	/* ENOENT: already gone, fine */
	free(p);
	t->priv = NULL;
}

static const char *const shmring_waits[] = { "sem", "spin", NULL };

static const struct transport_option shmring_options[] = {
	[SHMRING_OPT_WAIT] = { .key = "wait", .type = TOPT_ENUM, .def = "sem",
		.choices = shmring_waits,
		.help = "sem: sleep on semaphores; spin: busy-poll, burns a CPU" },
	[SHMRING_OPT_SLOTS] = { .key = "slots", .type = TOPT_UINT, .def = "8",
		.min = 1, .max = 1024,
		.help = "messages a ring holds before the sender waits" },
	{ .key = NULL },
};

const struct transport_ops transport_shm = {
	.name = "shm",
	.summary = "POSIX shared memory ring: semaphores or spinning, no syscalls",
	.options = shmring_options,
	.check = shmring_check,
	.setup = shmring_setup,
	.open = shmring_open,
	.send = shmring_send,
	.recv = shmring_recv,
	.close = shmring_close,
	.teardown = shmring_teardown,
};
