/*
 * workload.c - pingpong and throughput, the two traffic patterns every
 * transport is driven through, and the message format they share.
 *
 * A message is t->msg_size bytes: [seq ^ cookie][send time in ns][payload]
 * and, from 24 bytes up, [seq ^ cookie] again in its last 8 bytes.  The
 * receiver checks both copies of the sequence number on every message, so
 * loss, reordering, torn and merged messages, and bytes injected by a stranger
 * who does not know the per-case cookie all fail loudly.  The payload is a
 * pattern keyed by the cookie (VERIFY_SEQ) or by the sequence number
 * (VERIFY_FULL); pingpong compares every echo byte for byte outside the timed
 * span.
 *
 * Paced throughput (rate > 0) is an open loop: message i is due at slot
 * start + i / rate, the sender sleeps until then (or sends at once when it
 * is behind, counting a missed slot when it is more than one interval
 * late), and the receiver measures latency from the slot, so a stall that
 * holds the sender back is charged to every message it delayed (no
 * coordinated omission).  The latency from the actual send, which hides
 * that, is kept in a second histogram for comparison.  stall_ms makes the
 * receiver sleep once, half-way through, to show the difference.
 *
 * The timed spans hold nothing but transport calls, clock reads and
 * histogram adds: no logging, allocation or I/O.  This module does not fork,
 * pin or wait: runner.c does that.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include "util.h"
#include "workload.h"

#define HDR_SEQ 0
#define HDR_TS 8
#define HDR_LEN 16
/* How often a lossy client re-sends END before giving up on the ACK. */
#define END_TRIES 50

static inline void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline bool has_trailer(size_t size)
{
	return size >= HDR_LEN + 8;
}

/* Stamp sequence number and send time into a message. */
static inline void msg_stamp(const struct wl_ctx *c, unsigned char *m,
			     uint64_t seq, int64_t ts)
{
	size_t size = c->t->msg_size;

	put64(m + HDR_SEQ, seq ^ c->cookie);
	put64(m + HDR_TS, (uint64_t)ts);
	if (has_trailer(size))
		put64(m + size - 8, seq ^ c->cookie);
}

/* The message's sequence number; fails (false) when the two copies differ. */
static inline bool msg_seq(const struct wl_ctx *c, const unsigned char *m,
			   uint64_t *seq)
{
	size_t size = c->t->msg_size;

	*seq = get64(m + HDR_SEQ) ^ c->cookie;
	return !has_trailer(size) || get64(m + size - 8) == get64(m + HDR_SEQ);
}

/* splitmix64: a cheap, well-mixed word per position. */
static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t pattern_key(const struct wl_ctx *c, uint64_t seq)
{
	return c->verify == VERIFY_FULL ? c->cookie ^ mix64(seq) : c->cookie;
}

/* Fill (or, with check, compare) the payload between header and trailer. */
static bool payload(const struct wl_ctx *c, unsigned char *m, uint64_t key,
		    bool check)
{
	size_t end = c->t->msg_size - (has_trailer(c->t->msg_size) ? 8 : 0);

	for (size_t off = HDR_LEN; off < end; off += 8) {
		uint64_t w = mix64(key + off);
		size_t n = end - off < 8 ? end - off : 8;

		if (!check)
			memcpy(m + off, &w, n);
		else if (memcmp(m + off, &w, n))
			return false;
	}
	return true;
}

static int fail(struct wl_ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct wl_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res->err, sizeof(c->res->err), fmt, ap);
	va_end(ap);
	c->res->status = err < 0 ? err : -err;
	return c->res->status;
}

/* A transport call failed: keep the transport's own reason when it has one. */
static int fail_io(struct wl_ctx *c, int err, const char *what, uint64_t seq)
{
	if (c->t->err[0])
		return fail(c, err, "%s (%s of message %llu)", c->t->err, what,
			    (unsigned long long)seq);
	return fail(c, err, "%s: %s of message %llu failed: %s",
		    c->t->ops->name, what, (unsigned long long)seq,
		    err == -EPIPE ? "peer closed the connection" :
				    strerror(-err));
}

static void span_begin(struct wl_ctx *c, int64_t t0, struct rusage *ru)
{
	c->res->span_start_ns = t0;
	getrusage(RUSAGE_SELF, ru);
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
}

static void span_end(struct wl_ctx *c, int64_t t1, const struct rusage *ru0)
{
	struct rusage ru1;

	c->res->span_end_ns = t1;
	getrusage(RUSAGE_SELF, &ru1);
	c->res->utime_ns = tv_ns(&ru1.ru_utime) - tv_ns(&ru0->ru_utime);
	c->res->stime_ns = tv_ns(&ru1.ru_stime) - tv_ns(&ru0->ru_stime);
	c->res->vcsw = (uint64_t)(ru1.ru_nvcsw - ru0->ru_nvcsw);
	c->res->ivcsw = (uint64_t)(ru1.ru_nivcsw - ru0->ru_nivcsw);
}

/*
 * Close a stream: the client sends END and waits for the server's ACK, so
 * neither side closes its end while the other still has data in flight.  On
 * a lossy transport either datagram may be lost, so END is sent again.
 */
static int end_client(struct wl_ctx *c)
{
	bool lossy = c->t->ops->flags & TF_LOSSY;
	unsigned char *m = c->buf;
	uint64_t seq;
	int ret;

	for (int tries = 0; tries < END_TRIES; tries++) {
		msg_stamp(c, m, SEQ_END, 0);
		ret = c->t->ops->send(c->t, m);
		if (ret)
			return fail_io(c, ret, "send", SEQ_END);
		for (;;) {
			ret = c->t->ops->recv(c->t, m);
			if (ret == -ETIMEDOUT && lossy)
				break;
			if (ret)
				return fail_io(c, ret, "receive", SEQ_ACK);
			if (msg_seq(c, m, &seq) && seq == SEQ_ACK)
				return 0;
			if (!lossy)
				return fail(c, -EPROTO, "expected the end-of-stream acknowledgement, got message %llu",
					    (unsigned long long)seq);
			/* a late echo of a lossy pingpong: keep waiting */
		}
	}
	return fail(c, -ETIMEDOUT, "%s: no end-of-stream acknowledgement after %d tries",
		    c->t->ops->name, END_TRIES);
}

static int end_server(struct wl_ctx *c)
{
	int ret;

	msg_stamp(c, c->buf, SEQ_ACK, 0);
	ret = c->t->ops->send(c->t, c->buf);
	return ret ? fail_io(c, ret, "send", SEQ_ACK) : 0;
}

/*
 * pingpong client: one message in flight; the round trip from just before
 * send() to just after the echo arrived goes into the histogram.
 */
static int pingpong_client(struct wl_ctx *c)
{
	const struct transport_ops *ops = c->t->ops;
	bool lossy = ops->flags & TF_LOSSY;
	uint64_t total = c->warmup + c->iterations;
	unsigned char *out = c->buf, *in = c->buf + c->t->msg_size;
	struct rusage ru0;
	int64_t t0 = 0, t1 = 0;
	int ret;

	payload(c, out, pattern_key(c, 0), false);
	for (uint64_t i = 0; i < total; i++) {
		uint64_t seq;

		if (c->verify == VERIFY_FULL)
			payload(c, out, pattern_key(c, i), false);
		msg_stamp(c, out, i, 0);
		if (i == c->warmup)
			span_begin(c, now_ns(), &ru0);
		t0 = now_ns();
		ret = ops->send(c->t, out);
		if (ret)
			return fail_io(c, ret, "send", i);
		c->res->sent += i >= c->warmup;
		do {
			ret = ops->recv(c->t, in);
			if (ret == -ETIMEDOUT && lossy)
				break;
			if (ret)
				return fail_io(c, ret, "receive", i);
			if (!msg_seq(c, in, &seq))
				return fail(c, -EBADMSG, "echo of message %llu is torn: its two sequence numbers differ",
					    (unsigned long long)i);
			/* On a lossy transport a late echo may arrive. */
		} while (lossy && seq < i);
		t1 = now_ns();
		if (ret == -ETIMEDOUT) {
			c->res->timeouts++;
			c->res->lost += i >= c->warmup;
			continue;
		}
		if (i >= c->warmup) {
			hist_record(c->hist, t1 - t0);
			c->res->received++;
		}
		/* Outside the timed span: the echo must be what was sent. */
		if (memcmp(in, out, c->t->msg_size))
			return fail(c, -EBADMSG, "echo of message %llu differs from what was sent",
				    (unsigned long long)i);
	}
	span_end(c, t1, &ru0);
	return end_client(c);
}

/*
 * The servers' receive step: wait for the next message into c->buf (a
 * lossy transport's timeouts are counted and waited through), stamp its
 * arrival in *t unless t is NULL, and check both copies of its sequence
 * number and its place in the stream.  Returns 1 with *seq for a data
 * message, 0 for END, or the failure (recorded in the side result).
 */
static int recv_data(struct wl_ctx *c, uint64_t *expect, uint64_t *seq,
		     int64_t *t)
{
	const struct transport_ops *ops = c->t->ops;
	bool lossy = ops->flags & TF_LOSSY;
	int ret;

	while ((ret = ops->recv(c->t, c->buf)) == -ETIMEDOUT && lossy)
		c->res->timeouts++;
	if (ret)
		return fail_io(c, ret, "receive", *expect);
	if (t)
		*t = now_ns();
	if (!msg_seq(c, c->buf, seq))
		return fail(c, -EBADMSG, "message %llu is torn: its two sequence numbers differ",
			    (unsigned long long)*expect);
	if (*seq == SEQ_END)
		return 0;
	if (lossy ? *seq >= c->warmup + c->iterations : *seq != *expect)
		return fail(c, -EBADMSG, "message %llu arrived where %llu was expected",
			    (unsigned long long)*seq,
			    (unsigned long long)*expect);
	*expect = *seq + 1;
	return 1;
}

/* pingpong server: echo every message back unchanged until END. */
static int pingpong_server(struct wl_ctx *c)
{
	const struct transport_ops *ops = c->t->ops;
	uint64_t expect = 0, seq;
	unsigned char *m = c->buf;
	bool started = false;
	struct rusage ru0;
	int ret;

	/* No clock read per echo: the client times the round trip. */
	while ((ret = recv_data(c, &expect, &seq, NULL)) > 0) {
		if (!started && seq >= c->warmup) {
			span_begin(c, now_ns(), &ru0);
			started = true;
		}
		c->res->received += seq >= c->warmup;
		ret = ops->send(c->t, m);
		if (ret)
			return fail_io(c, ret, "send", seq);
		c->res->sent += seq >= c->warmup;
	}
	if (ret < 0)
		return ret;
	if (!started)
		span_begin(c, now_ns(), &ru0);
	span_end(c, now_ns(), &ru0);
	return end_server(c);
}

/* When message seq of a paced stream that started at start is due. */
static inline int64_t slot_ns(const struct wl_ctx *c, int64_t start,
			      uint64_t seq)
{
	return start + (int64_t)((double)seq * 1e9 / (double)c->rate);
}

static void sleep_until(int64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000,
			       .tv_nsec = t % 1000000000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* Paced sender: wait for message i's slot; count it missed if far behind. */
static void pace(struct wl_ctx *c, int64_t start, uint64_t i)
{
	int64_t due = slot_ns(c, start, i), now = now_ns();

	if (now < due)
		sleep_until(due);
	else if (i >= c->warmup &&
		 now - due > (int64_t)(1000000000 / c->rate))
		c->res->late++;
}

/*
 * throughput client: send as fast as the transport takes messages, or, with
 * a rate, each message at its slot.
 */
static int throughput_client(struct wl_ctx *c)
{
	const struct transport_ops *ops = c->t->ops;
	uint64_t total = c->warmup + c->iterations;
	unsigned char *m = c->buf;
	int64_t start = now_ns();
	struct rusage ru0;
	int ret;

	payload(c, m, pattern_key(c, 0), false);
	if (c->rate) {
		/* The default 50 us timer slack would make every send late. */
		prctl(PR_SET_TIMERSLACK, 1UL);
		__atomic_store_n(&c->res->sched_start_ns, start,
				 __ATOMIC_RELEASE);
	}
	for (uint64_t i = 0; i < total; i++) {
		if (i == c->warmup)
			span_begin(c, now_ns(), &ru0);
		if (c->verify == VERIFY_FULL)
			payload(c, m, pattern_key(c, i), false);
		if (c->rate)
			pace(c, start, i);
		msg_stamp(c, m, i, now_ns());
		ret = ops->send(c->t, m);
		if (ret)
			return fail_io(c, ret, "send", i);
	}
	c->res->sent = c->iterations;
	span_end(c, now_ns(), &ru0);
	return end_client(c);
}

/*
 * Loss accounting for lossy transports, from a bitmap of the sequence
 * numbers seen.  Returns false for a duplicate.
 */
static bool account(struct wl_ctx *c, uint64_t seq, uint64_t *max_seen)
{
	unsigned char bit = (unsigned char)(1u << (seq & 7));

	if (c->seen[seq >> 3] & bit) {
		c->res->duplicated += seq >= c->warmup;
		return false;
	}
	c->seen[seq >> 3] |= bit;
	if (seq < *max_seen)
		c->res->reordered += seq >= c->warmup;
	else
		*max_seen = seq;
	return true;
}

/*
 * Record one measured arrival at t: latency from the send stamp, or, paced,
 * from the message's slot (and from the send stamp into hist_uncorrected).
 */
static void record_arrival(struct wl_ctx *c, const unsigned char *m,
			   uint64_t seq, int64_t t)
{
	int64_t sent = (int64_t)get64(m + HDR_TS), start;

	if (!c->rate) {
		hist_record(c->hist, t - sent);
		return;
	}
	/* The sender published its start before its first send. */
	start = __atomic_load_n(&c->peer->sched_start_ns, __ATOMIC_ACQUIRE);
	hist_record(c->hist, t - slot_ns(c, start, seq));
	hist_record(c->hist_uncorrected, t - sent);
}

/*
 * throughput server: count and time the stream where it arrives.  The span
 * runs from the arrival of the last warm-up message (or the start, without
 * warm-up) to the arrival of the last measured one; every measured message
 * adds its one-way latency (arrival minus send stamp, one CLOCK_MONOTONIC;
 * paced: arrival minus slot).  With stall_ms the receiver sleeps once, after
 * the middle measured message.
 */
static int throughput_server(struct wl_ctx *c)
{
	bool lossy = c->t->ops->flags & TF_LOSSY;
	uint64_t expect = 0, seq;
	uint64_t max_seen = 0, stall_at = c->warmup + c->iterations / 2;
	unsigned char *m = c->buf;
	int64_t prev = now_ns(), t = prev, last = prev;
	bool started = false, stalled = false;
	struct rusage ru0;
	int ret;

	while ((ret = recv_data(c, &expect, &seq, &t)) > 0) {
		if (lossy && !account(c, seq, &max_seen))
			continue;
		if (seq >= c->warmup) {
			if (!started) {
				span_begin(c, prev, &ru0);
				started = true;
			}
			record_arrival(c, m, seq, t);
			c->res->received++;
			last = t;
			if (c->stall_ms && seq >= stall_at && !stalled) {
				sleep_until(now_ns() +
					    (int64_t)c->stall_ms * 1000000);
				stalled = true;
			}
		}
		prev = t;
		if (c->verify == VERIFY_FULL &&
		    !payload(c, m, pattern_key(c, seq), true))
			return fail(c, -EBADMSG, "payload of message %llu is corrupt",
				    (unsigned long long)seq);
	}
	if (ret < 0)
		return ret;
	if (!started)
		span_begin(c, prev, &ru0);
	span_end(c, last, &ru0);
	c->res->lost = c->iterations - c->res->received;
	return end_server(c);
}

static const struct workload workload_pingpong = {
	.name = "pingpong",
	.summary = "closed loop, one message in flight; the client times each round trip",
	.latency = "rtt",
	.timer = SIDE_CLIENT,
	.msgs_per_sample = 2,
	.client = pingpong_client,
	.server = pingpong_server,
};

static const struct workload workload_throughput = {
	.name = "throughput",
	.summary = "one-way stream, counted and timed at the receiver, with one-way latency",
	.latency = "one-way",
	.timer = SIDE_SERVER,
	.msgs_per_sample = 1,
	.paced = true,
	.rate_headline = true,
	.client = throughput_client,
	.server = throughput_server,
};

const struct workload *const workload_registry[] = {
	&workload_pingpong,
	&workload_throughput,
	NULL,
};

const struct workload *workload_find(const char *name)
{
	for (unsigned i = 0; workload_registry[i]; i++) {
		if (strcmp(workload_registry[i]->name, name) == 0)
			return workload_registry[i];
	}
	return NULL;
}
