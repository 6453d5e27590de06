/*
 * shm.c - POSIX shared memory rings: the data never passes through the
 * kernel.  shmring_explain below is the lesson `ipcbench explain shm`
 * prints: the mechanism, the two wait modes (semaphores, spinning), costs,
 * limits and pitfalls.  The code keeps two rings of message slots in one
 * segment, created and mapped before the fork, and bounds every wait by
 * t->io_timeout_ms so that a dead peer cannot hang the other side.
 *
 * Layout.  CPUs hand memory to each other in 64-byte cache lines.  Slots are
 * line-aligned and a sequence word shares its line with the start of the
 * message (a 56-byte message crosses in one line, a 64-byte one needs two);
 * semaphores and the consumer's position each have a line of their own, and
 * the producer reads that position only when its last copy says "full", so
 * no line bounces between the CPUs unless a message does.  Even so a
 * hand-off moves each line of a message twice (the sender takes it back from
 * the receiver that polls it, then the receiver fetches it), where one line
 * shared by both directions moves once: here a round trip costs ~2.5x the
 * spin floor `ipcbench calibrate` measures, and a 64 KiB stream runs at ~40%
 * of one core's memcpy, the rate one core pulls lines out of another's cache.
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

#include "base.h"
#include "transport.h"

static const struct transport_explain shmring_explain = {
	.pick = "fastest, big messages; you do the synchronisation",
	.mechanism =
		"shm_open() creates a named object, a file in /dev/shm (a tmpfs "
		"in RAM); ftruncate() sizes it and mmap(MAP_SHARED) maps it, "
		"so both processes see the same physical pages.  (Related "
		"processes can instead map anonymous shared memory before "
		"fork(), or share a memfd_create() descriptor.)  From then on "
		"the kernel is out of the data path: it is plain memory, and "
		"the processes agree on a layout and on synchronisation "
		"themselves.  ipcbench keeps two rings of message slots, one "
		"per direction, the bounded buffer of your OS course: the "
		"sender copies a message into a free slot and publishes it; "
		"the receiver waits for it, copies it out and hands the slot "
		"back.",
	.cost =
		"2 copies per message, both memcpy() by the processes; the "
		"kernel copies nothing (a sender that builds its message in "
		"the slot and a receiver that reads it there need no copy at "
		"all).  System calls only to wait and to wake: with wait=sem "
		"none while the counts allow, 2 futex() calls (a sleep and a "
		"wake-up) when the receiver must sleep, as it always does in "
		"ping-pong; with wait=spin none at all.  Page faults happen "
		"once, on first touch.",
	.blocking =
		"- wait=sem: two POSIX semaphores per ring, in the segment "
		"(sem_init() with pshared=1): \"free\" counts empty slots, "
		"\"full\" published messages.  glibc builds them on the futex: "
		"sem_wait() and sem_post() are one atomic operation while the "
		"count allows; a waiter that finds 0 sleeps in "
		"futex(FUTEX_WAIT), and sem_post() calls futex(FUTEX_WAKE) "
		"only when it sees a sleeper.  Waking a sleeper on another CPU "
		"takes an interrupt between CPUs: the dear part, especially in "
		"a VM.\n"
		"- wait=spin: the receiver reads a sequence word in a loop "
		"(acquire order, with a pause hint) until the sender's store "
		"(release order) says the message is there.  No system call, "
		"no sleep, no wake-up: only cache lines moving between CPUs.  "
		"The price is a whole CPU burnt by each waiting side.  With "
		"both sides on one CPU the spinner burns its time slice while "
		"the peer that would end the wait cannot run, so ipcbench "
		"refuses spin with same-cpu placement.",
	.boundaries =
		"Whatever the layout says: here one slot is one message, "
		"reliable and in order, and a full ring makes the sender wait.  "
		"Nothing enforces it: a bug or a hostile process can overwrite "
		"the other's data at any time, so shared memory is for "
		"processes that trust each other.",
	.persistence =
		"A named segment has kernel persistence: it outlives every "
		"process until shm_unlink(), a file in /dev/shm holding its "
		"RAM.  Once both sides have mapped it the name can go (the "
		"mappings keep the memory); ipcbench unlinks it at teardown, "
		"and `ipcbench clean` removes the segments of crashed runs.  "
		"Anonymous mappings and memfds vanish with their last user.  "
		"Named semaphores (sem_open()) are files in /dev/shm too, "
		"sem.NAME.",
	.limits =
		"- Size: the free space of /dev/shm, a tmpfs of half the RAM "
		"by default (`df -h /dev/shm`).  Touching a page that a full "
		"tmpfs cannot back raises SIGBUS, so ipcbench reserves every "
		"page up front with posix_fallocate().\n"
		"- The pages count against the memory cgroup of the process "
		"that touched them first.\n"
		"- Names: one leading '/', no other, at most NAME_MAX (255) "
		"bytes.\n"
		"- wait=spin needs a CPU of its own per waiting side; option "
		"slots bounds how far a sender may run ahead.",
	.choose =
		"When latency or throughput matters most; for large messages "
		"(build and read data in place: no copy at all); when both "
		"sides are your own, trusted code.  Wait on semaphores or a "
		"futex when CPUs are shared; spin only on dedicated cores, as "
		"trading systems and DPDK-style programs do.  It is also the "
		"most code to get right: consider a tested library before "
		"writing your own ring.",
	.pitfalls =
		"- Synchronisation is yours: without release and acquire "
		"ordering a reader may see the flag before the data.\n"
		"- A peer that dies leaves the other waiting forever in "
		"sem_wait() or a spin loop: bound every wait "
		"(sem_clockwait(), a deadline), or use robust mutexes "
		"(EOWNERDEAD).\n"
		"- Spinning on a shared CPU measures the scheduler; spinning "
		"at all bills a whole CPU, which cpu/msg shows only when "
		"messages are sparse (a paced stream).\n"
		"- False sharing: two hot variables in one 64-byte cache line "
		"make it bounce between CPUs.\n"
		"- Each process maps the segment at its own address: store "
		"offsets, not pointers.\n"
		"- A leaked segment holds RAM until unlinked or reboot.",
};

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

static enum wait_mode shmring_wait(const uint64_t opt[TRANSPORT_MAX_OPTS])
{
	return opt[SHMRING_OPT_WAIT] == SHMRING_SPIN ? WAIT_SPIN : WAIT_BLOCK;
}

static int shmring_check(struct transport *t)
{
	size_t stride, len;
	struct statvfs sv;

	if (shmring_wait(t->opt) == WAIT_SPIN &&
	    t->placement == PLACE_SAME_CPU) {
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
	.explain = &shmring_explain,
	.wait = shmring_wait,
	.check = shmring_check,
	.setup = shmring_setup,
	.open = shmring_open,
	.send = shmring_send,
	.recv = shmring_recv,
	.close = shmring_close,
	.teardown = shmring_teardown,
};
