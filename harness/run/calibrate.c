/*
 * calibrate.c - `ipcbench calibrate`: the floors under every figure.
 *
 * Before comparing IPC methods, know what the machine itself charges: a
 * clock read, the harness's own cost per sample, entering the kernel, a
 * cache line handed between two spinning processes, a futex hand-off between
 * two sleeping ones, a memcpy.  No transport can beat the floor of its kind
 * (shm wait=spin moves at least one cache line each way; any blocking IPC
 * does at least one wake-up each way), so a result reads best as a multiple
 * of these.  Everything runs on the CPUs the cases use, as the median of a
 * few short batches, each batch timed as a whole (no clock read per round).
 *
 * It is not a transport and not a case: no named objects (the ping-pong word
 * lives in an anonymous shared mapping made before fork), no results files.
 * Its waits are bounded by a deadline on both sides; its child is a group
 * of one (proc.c): it dies with the parent and is always reaped.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "proc.h"
#include "util.h"

#define CALIB_BATCHES 7			/* odd: the median is one batch */
#define CALIB_MIN_BUDGET_MS 100
#define CALIB_SPINS_PER_CLOCK 4096	/* spins per look at the clock */
#define CALIB_SLEEP_SLICE_NS 20000000	/* longest single FUTEX_WAIT */
#define CALIB_STOP UINT32_MAX		/* ball value: child, exit */
#define CALIB_GRACE_NS 1000000000LL	/* child after parent, reap after child */

/* The shared page of a ping-pong: the ball alone in its cache line. */
struct calib_shm {
	_Alignas(64) _Atomic uint32_t ball;	/* odd: child's turn */
	int64_t deadline;			/* child gives up then */
	bool sleep;				/* futex; else spin */
};

/* The parent's end of a ping-pong. */
struct calib_pair {
	struct calib_shm *s;
	struct proc_group *child;	/* a group of one */
	bool sleep;		/* futex; else spin */
	uint32_t ball;		/* last value the parent saw */
	int64_t deadline;
};

struct calib_copy {
	unsigned char *src, *dst;
	size_t len;
};

typedef int (*calib_fn)(void *ctx, uint64_t n);

#define CALIB_FIELD(k, l, u, w, what) \
	{ #k, l, u, w, what, offsetof(struct calib, k) }

#define NS CALIB_NS
#define BPS CALIB_BYTES_PER_SEC
const struct calib_field calib_fields[] = {
	CALIB_FIELD(clock_read_ns, "clock read", NS, CALIB_ONE_CPU,
		    "one CLOCK_MONOTONIC read (now_ns): the price of a timestamp"),
	CALIB_FIELD(clock_resolution_ns, "clock resolution", NS, CALIB_ONE_CPU,
		    "least nonzero step between two successive reads"),
	CALIB_FIELD(sample_overhead_ns, "per-sample overhead", NS, CALIB_ONE_CPU,
		    "clock read + histogram add: the harness's cost per recorded sample"),
	CALIB_FIELD(syscall_ns, "null syscall", NS, CALIB_ONE_CPU,
		    "syscall(SYS_getppid): into the kernel and back"),
	CALIB_FIELD(spin_rtt_cross_ns, "spin round trip", NS, CALIB_CROSS_CPU,
		    "one cache line there and back between two spinning processes: floor of any spin hand-off"),
	CALIB_FIELD(futex_rtt_same_ns, "futex round trip", NS, CALIB_SAME_CPU,
		    "FUTEX_WAKE + FUTEX_WAIT there and back between processes: floor of any blocking IPC"),
	CALIB_FIELD(futex_rtt_cross_ns, "futex round trip", NS, CALIB_CROSS_CPU,
		    "the same across CPUs: each hand-off wakes a sleeping CPU"),
	CALIB_FIELD(memcpy_64k_bytes_per_sec, "memcpy 64 KiB", BPS, CALIB_ONE_CPU,
		    "one core copying 64 KiB blocks, warm caches: bytes copied per second"),
	CALIB_FIELD(memcpy_1m_bytes_per_sec, "memcpy 1 MiB", BPS, CALIB_ONE_CPU,
		    "one core copying 1 MiB blocks, warm caches: bytes copied per second"),
	{ .key = NULL },
};
#undef NS
#undef BPS

double calib_get(const struct calib *c, const struct calib_field *f)
{
	double v;

	memcpy(&v, (const char *)c + f->off, sizeof(v));
	return v;
}

static inline void calib_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of CALIB_BATCHES figures (sorts v). */
static double calib_middle(double *v)
{
	qsort(v, CALIB_BATCHES, sizeof(v[0]), cmp_double);
	return v[CALIB_BATCHES / 2];
}

/*
 * Median time of one round of fn, in ns, over CALIB_BATCHES batches that
 * together take about slice_ns.  Batches are sized by doubling first, which
 * also warms caches and wakes the CPUs up.  0 or fn's -errno.
 */
static int calib_median(calib_fn fn, void *ctx, int64_t slice_ns, double *out)
{
	int64_t target = slice_ns / (CALIB_BATCHES + 1), t0, dt;
	double per[CALIB_BATCHES];
	uint64_t n = 1;
	int ret;

	*out = NAN;
	for (;;) {
		t0 = now_ns();
		ret = fn(ctx, n);
		if (ret)
			return ret;
		dt = now_ns() - t0;
		if (dt >= target / 4 || n >= UINT64_C(1) << 40)
			break;
		n *= dt < target / 64 ? 8 : 2;
	}
	if (dt > 0)
		n = (uint64_t)fmax(1.0, (double)n * (double)target / (double)dt);
	for (int b = 0; b < CALIB_BATCHES; b++) {
		t0 = now_ns();
		ret = fn(ctx, n);
		if (ret)
			return ret;
		per[b] = (double)(now_ns() - t0) / (double)n;
	}
	*out = calib_middle(per);
	return 0;
}

/* Where clock reads go, so the compiler cannot drop them (unsigned: it
 * may wrap). */
static volatile uint64_t calib_sink;

static int calib_clock_rounds(void *ctx, uint64_t n)
{
	(void)ctx;
	for (uint64_t i = 0; i < n; i++)
		calib_sink += (uint64_t)now_ns();
	return 0;
}

static int calib_syscall_rounds(void *ctx, uint64_t n)
{
	(void)ctx;
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_getppid);	/* getpid() may be cached by libc */
	return 0;
}

static int calib_copy_rounds(void *ctx, uint64_t n)
{
	struct calib_copy *c = ctx;

	for (uint64_t i = 0; i < n; i++) {
		memcpy(c->dst, c->src, c->len);
		/* the copy is used: the compiler may not drop it */
		__asm__ __volatile__("" : : "r"(c->dst) : "memory");
	}
	return 0;
}

/* Least nonzero difference between successive clock reads in slice_ns. */
static double calib_resolution(int64_t slice_ns)
{
	int64_t prev = now_ns(), end = prev + slice_ns, least = INT64_MAX;

	while (prev < end) {
		int64_t t = now_ns();

		if (t != prev && t - prev < least)
			least = t - prev;
		prev = t;
	}
	return least == INT64_MAX ? NAN : (double)least;
}

/* runner_sample_overhead_ns() times itself; take the median of batches. */
static double calib_sample_overhead(int64_t slice_ns)
{
	double per[CALIB_BATCHES];
	/* ~50 ns a sample: size each batch to its share of the slice */
	int64_t n = slice_ns / (CALIB_BATCHES + 1) / 50;

	n = n < 1000 ? 1000 : n > 10000000 ? 10000000 : n;
	runner_sample_overhead_ns((unsigned)n);		/* warm-up */
	for (int b = 0; b < CALIB_BATCHES; b++)
		per[b] = runner_sample_overhead_ns((unsigned)n);
	return calib_middle(per);
}

/* Bytes copied per second by one core, blocks of len bytes. */
static int calib_memcpy(size_t len, int64_t slice_ns, double *out)
{
	struct calib_copy c = { .len = len };
	unsigned char *mem;
	double ns;
	int ret;

	*out = NAN;
	if (posix_memalign((void **)&mem, 64, 2 * len))
		return -ENOMEM;
	c.src = mem;
	c.dst = mem + len;
	memset(c.src, 0x5a, len);	/* warm: every page mapped, in cache */
	memset(c.dst, 0xa5, len);
	ret = calib_median(calib_copy_rounds, &c, slice_ns, &ns);
	if (!ret && ns > 0)
		*out = (double)len * 1e9 / ns;
	free(mem);
	return ret;
}

static long calib_futex(_Atomic uint32_t *w, int op, uint32_t val,
			const struct timespec *ts)
{
	return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

/*
 * Wait until *w is no longer old and put its value in *seen: busy-poll with
 * a pause hint, or sleep in FUTEX_WAIT (not FUTEX_PRIVATE: two processes)
 * for at most a slice at a time.  The clock and the peer are looked at only
 * when a wait is long, so a hand-off that succeeds at once costs one load.
 * 0, -ETIMEDOUT at the deadline, -ECHILD when peer (if not NULL) has
 * exited.
 */
static int calib_wait(_Atomic uint32_t *w, uint32_t old, bool sleep,
		      struct proc_group *peer, int64_t deadline, uint32_t *seen)
{
	const struct timespec slice = { 0, CALIB_SLEEP_SLICE_NS };
	unsigned n = 0;
	uint32_t v;

	for (;;) {
		v = atomic_load_explicit(w, memory_order_acquire);
		if (v != old)
			break;
		if (sleep) {
			calib_futex(w, FUTEX_WAIT, old, &slice);
			if (atomic_load_explicit(w, memory_order_relaxed) != old)
				continue;	/* woken: no clock read */
		} else {
			calib_pause();
			if (++n % CALIB_SPINS_PER_CLOCK)
				continue;
		}
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		if (peer && proc_group_poll(peer) < peer->n)
			return -ECHILD;
	}
	*seen = v;
	return 0;
}

static void calib_post(_Atomic uint32_t *w, uint32_t v, bool sleep)
{
	atomic_store_explicit(w, v, memory_order_release);
	if (sleep)
		calib_futex(w, FUTEX_WAKE, INT_MAX, NULL);
}

/* The child of a ping-pong: return every ball until told to stop. */
static int calib_child(void *arg)
{
	struct calib_shm *s = arg;
	uint32_t v = 0;

	for (;;) {
		if (calib_wait(&s->ball, v, s->sleep, NULL, s->deadline, &v))
			return 1;
		if (v == CALIB_STOP)
			return 0;
		calib_post(&s->ball, ++v, s->sleep);
	}
}

/* n round trips: the parent throws (odd), the child returns (even). */
static int calib_pair_rounds(void *ctx, uint64_t n)
{
	struct calib_pair *p = ctx;
	uint32_t seen;
	int ret;

	for (uint64_t i = 0; i < n; i++) {
		uint32_t v = p->ball + 1;

		calib_post(&p->s->ball, v, p->sleep);
		ret = calib_wait(&p->s->ball, v, p->sleep, p->child,
				 p->deadline, &seen);
		if (ret)
			return ret;
		if (seen != v + 1)
			return -EPROTO;
		p->ball = seen;
	}
	return 0;
}

/*
 * Round trip of a ping-pong between this process (already on its CPU) and
 * a child on cpu, spinning or sleeping, into *rtt (NAN on failure).
 */
static int calib_pingpong(int cpu, bool sleep, int64_t slice_ns, double *rtt)
{
	struct calib_pair p = { .sleep = sleep };
	struct proc_member child = { .name = "calib", .cpu = cpu,
				     .run = calib_child };
	/* The parent gives up first, the child a grace later; the group is
	 * killed a grace after that. */
	int64_t parent_ns = 3 * slice_ns + 2000000000LL;
	struct proc_group group = { .member = &child, .n = 1,
				    .timeout_ns = parent_ns + 2 * CALIB_GRACE_NS };
	int ret, ret2;

	*rtt = NAN;
	p.s = mmap(NULL, sizeof(*p.s), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p.s == MAP_FAILED)
		return -errno;
	p.deadline = now_ns() + parent_ns;
	p.s->deadline = p.deadline + CALIB_GRACE_NS;
	p.s->sleep = sleep;
	child.arg = p.s;
	/* The barrier sleeps, not spins, until the child is pinned: it may
	 * share our CPU. */
	ret = proc_group_start(&group);
	if (ret) {
		if (ret == -ECHILD && child.pin_err)
			ret = child.pin_err;
		goto out_unmap;
	}
	p.child = &group;
	ret = calib_median(calib_pair_rounds, &p, slice_ns, rtt);
	calib_post(&p.s->ball, CALIB_STOP, true);
	ret2 = proc_group_wait(&group);
	if (!ret)
		ret = ret2;
	if (ret)
		*rtt = NAN;
out_unmap:
	munmap(p.s, sizeof(*p.s));
	return ret;
}

/* Remember the first failure, in words, for the figure named what. */
static void calib_keep(struct calib *c, int *first, int ret, const char *what)
{
	if (!ret || *first)
		return;
	*first = ret;
	snprintf(c->err, sizeof(c->err), "%s: %s", what,
		 ret == -ETIMEDOUT ? "no answer before the deadline (a process stopped or starved?)" :
		 ret == -ECHILD ? "the child process died" :
		 ret == -EINVAL ? "a process cannot be pinned to that CPU" :
		 strerror(-ret));
}

int calib_run(const struct cpu_pair *cpus, unsigned budget_ms,
	      struct calib *out)
{
	bool two = cpus->b >= 0;
	cpu_set_t saved;
	int64_t ms;
	int first = 0;

	if (budget_ms < CALIB_MIN_BUDGET_MS)
		budget_ms = CALIB_MIN_BUDGET_MS;
	*out = (struct calib){ .cpu_a = cpus->a, .cpu_b = cpus->b,
			       .budget_ms = budget_ms,
			       .batches = CALIB_BATCHES };
	for (const struct calib_field *f = calib_fields; f->key; f++) {
		double nan = NAN;

		memcpy((char *)out + f->off, &nan, sizeof(nan));
	}
	if (sched_getaffinity(0, sizeof(saved), &saved))
		return -errno;
	if (proc_pin(cpus->a)) {
		snprintf(out->err, sizeof(out->err), "cannot pin this process to CPU %d",
			 cpus->a);
		return -EINVAL;
	}
	/* Shares of the budget, in thousandths. */
	ms = (int64_t)budget_ms * 1000;		/* ns per thousandth */
	calib_median(calib_clock_rounds, NULL, 50 * ms, &out->clock_read_ns);
	out->clock_resolution_ns = calib_resolution(20 * ms);
	out->sample_overhead_ns = calib_sample_overhead(50 * ms);
	calib_median(calib_syscall_rounds, NULL, 50 * ms, &out->syscall_ns);
	if (two)
		calib_keep(out, &first, calib_pingpong(cpus->b, false, 180 * ms,
						       &out->spin_rtt_cross_ns),
			   "spin round trip, cross-cpu");
	calib_keep(out, &first, calib_pingpong(cpus->a, true, 180 * ms,
					       &out->futex_rtt_same_ns),
		   "futex round trip, same-cpu");
	if (two)
		calib_keep(out, &first, calib_pingpong(cpus->b, true, 220 * ms,
						       &out->futex_rtt_cross_ns),
			   "futex round trip, cross-cpu");
	calib_keep(out, &first, calib_memcpy(64 << 10, 120 * ms,
					     &out->memcpy_64k_bytes_per_sec),
		   "memcpy 64 KiB");
	calib_keep(out, &first, calib_memcpy(1 << 20, 130 * ms,
					     &out->memcpy_1m_bytes_per_sec),
		   "memcpy 1 MiB");
	if (sched_setaffinity(0, sizeof(saved), &saved))
		calib_keep(out, &first, -errno, "restoring the CPU affinity");
	return first;
}

void calib_print(FILE *f, const struct calib *c)
{
	char val[32], where[32];

	fprintf(f, "calibration on the CPUs cases use, each figure the median of %u batches:\n",
		c->batches);
	for (const struct calib_field *k = calib_fields; k->key; k++) {
		double v = calib_get(c, k);

		if (k->where == CALIB_ONE_CPU)
			snprintf(where, sizeof(where), "CPU %d", c->cpu_a);
		else if (k->where == CALIB_SAME_CPU)
			snprintf(where, sizeof(where), "same-cpu %d", c->cpu_a);
		else
			snprintf(where, sizeof(where), "cross-cpu %d,%d",
				 c->cpu_a, c->cpu_b);
		if (isnan(v))
			snprintf(val, sizeof(val), "-");
		else if (k->unit == CALIB_BYTES_PER_SEC)
			snprintf(val, sizeof(val), "%.1f GB/s", v / 1e9);
		else
			format_ns(v, val, sizeof(val));
		fprintf(f, "  %-20s %11s  %-14s %s\n", k->label, val, where,
			k->what);
		if (isnan(v) && k->where == CALIB_CROSS_CPU && c->cpu_b < 0)
			fprintf(f, "%50s not measured: this process may run on one CPU only\n",
				"");
		else if (isnan(v))
			fprintf(f, "%50s not measured, it failed: %s\n", "",
				c->err[0] ? c->err : "see above");
	}
	fputs("spin round trip, same-cpu: not measured, it is meaningless: a spinner burns its time slice while the peer it waits for cannot run.\n"
	      "round trip = two one-way hand-offs (one way is about half); GB/s = 10^9 bytes copied per second.\n"
	      "A pingpong round-trip sample also holds about one clock read (it runs from inside one read to inside the next).\n",
	      f);
}
