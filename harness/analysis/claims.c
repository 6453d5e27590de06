/*
 * claims.c - the textbook claims and how each is judged from a run's data.
 *
 * A claim is a table entry (struct claim_def): its text, its rule, the
 * cases it needs, and a check function that picks cases from the run,
 * compares them (claim_judge(): ratio of medians, Welch's p) and adds
 * each comparison as a line of evidence that supports the claim,
 * contradicts it, or is not significant; claim_decide() turns the tally
 * into a verdict by one rule for every claim.  Nothing here runs a
 * benchmark or knows a figure in advance: a claim without data is "not
 * measured".  Claims name transports because the textbook does; the
 * harness does not.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "claims_int.h"
#include "transport.h"
#include "util.h"

/* The pingpong case of transport t at a size and placement, or NULL. */
static const struct rundir_case *rtt_case(const struct rundir *rd,
					  const char *t, const struct cell *at,
					  const char *placement,
					  enum spin_filter f)
{
	return claim_pick(rd, t, "pingpong", at->size,
			  placement ? placement : at->placement, f);
}

/* base against each of names, round trip p50 and CPU per message, at each
 * size and placement: the others should cost more. */
static void costs_more(const struct rundir *rd, struct claim_res *r,
		       const char *base, const char *const *names)
{
	struct cell cl[MAX_CELLS];
	unsigned n = claim_cells(rd, "pingpong", cl);

	for (unsigned i = 0; i < n; i++) {
		const struct rundir_case *a =
			rtt_case(rd, base, &cl[i], NULL, SLEEPS);

		for (unsigned k = 0; a && names[k]; k++) {
			const struct rundir_case *b =
				rtt_case(rd, names[k], &cl[i], NULL, SLEEPS);

			claim_judge(r, rd, a, b, "p50_ns", EXPECT_B_HIGHER);
			if (b && b->ok)
				claim_judge(r, rd, a, b, "cpu_ns_per_msg",
					    EXPECT_B_HIGHER);
		}
	}
	claim_decide(r);
}

static void check_sockets(const struct rundir *rd, struct claim_res *r)
{
	static const char *const socks[] = { "uds", "tcp", "udp", NULL };

	costs_more(rd, r, "pipe", socks);
}

static void check_tcp(const struct rundir *rd, struct claim_res *r)
{
	static const char *const tcp[] = { "tcp", NULL };

	costs_more(rd, r, "uds", tcp);
}

static void check_shm(const struct rundir *rd, struct claim_res *r)
{
	struct cell cl[MAX_CELLS];
	unsigned n = claim_cells(rd, "pingpong", cl);

	for (unsigned i = 0; i < n; i++) {
		const struct rundir_case *pipe, *sem, *spin, *best, *other;
		double ms = INFINITY, mp = INFINITY;

		pipe = rtt_case(rd, "pipe", &cl[i], NULL, SLEEPS);
		sem = rtt_case(rd, "shm", &cl[i], NULL, SLEEPS);
		spin = rtt_case(rd, "shm", &cl[i], NULL, SPINS);
		if (!pipe || (!sem && !spin))
			continue;
		if (sem && sem->ok)
			rundir_num(rd, sem, "p50_ns", &ms);
		if (spin && spin->ok)
			rundir_num(rd, spin, "p50_ns", &mp);
		/* the faster mode is the claim's; the other is context */
		best = mp < ms ? spin : sem ? sem : spin;
		other = best == spin ? sem : spin;
		claim_judge(r, rd, pipe, best, "p50_ns", EXPECT_B_LOWER);
		claim_judge(r, rd, pipe, other, "p50_ns", EXPECT_NONE);
		if (sem && spin && sem->ok && spin->ok)
			claim_judge(r, rd, sem, spin, "cpu_ns_per_msg",
				    EXPECT_NONE);
	}
	claim_decide(r);
}

static void check_pipe_cpu(const struct rundir *rd, struct claim_res *r)
{
	struct cell cl[MAX_CELLS];
	unsigned n = claim_cells(rd, "pingpong", cl);

	for (unsigned i = 0; i < n; i++) {
		const struct rundir_case *a =
			rtt_case(rd, "pipe", &cl[i], NULL, SLEEPS);

		for (unsigned k = 0; a && k < rd->n_cases; k++) {
			const struct rundir_case *b = &rd->cases[k];

			if (!b->ok || strcmp(b->workload, "pingpong") ||
			    b->size != a->size || b->rate || b->stall_ms ||
			    strcmp(b->placement, a->placement) ||
			    !strcmp(b->transport, "pipe") ||
			    !strcmp(b->transport, "fifo"))
				continue;
			claim_judge(r, rd, a, b, "cpu_ns_per_msg",
				    EXPECT_B_HIGHER);
		}
	}
	claim_decide(r);
}

static void check_loss(const struct rundir *rd, struct claim_res *r)
{
	unsigned lossy = 0;

	r->unit = "case";
	for (unsigned i = 0; i < rd->n_cases; i++) {
		const struct rundir_case *c = &rd->cases[i];
		const struct transport_ops *t = transport_find(c->transport);
		double lost = 0, sent = 0, missed = 0;
		bool is_lossy;
		char size[32];

		if (!c->stall_ms || strcmp(c->workload, "throughput") || !t)
			continue;
		format_size(c->size, size, sizeof(size));
		if (!c->ok) {
			claim_say(r, CS_CONTEXT, "%s throughput %s %s, %llu ms stall: %s: %s",
				  c->transport, size, c->placement,
				  (unsigned long long)c->stall_ms, c->status,
				  c->reason);
			continue;
		}
		rundir_num(rd, c, "lost", &lost);
		rundir_num(rd, c, "sent", &sent);
		rundir_num(rd, c, "missed_slots", &missed);
		is_lossy = t->flags & TF_LOSSY;
		lossy += is_lossy;
		claim_say(r, (lost > 0) == is_lossy ? CS_SUPPORTS : CS_CONTRADICTS,
			  "%s (%s) throughput %s %s, one %llu ms receiver stall at %llu msg/s: %.0f of %.0f lost (%.1f%%), sender late for %.0f send slots%s",
			  c->transport, is_lossy ? "lossy" : "reliable", size,
			  c->placement, (unsigned long long)c->stall_ms,
			  (unsigned long long)c->rate, lost, sent,
			  sent > 0 ? 100.0 * lost / sent : 0.0, missed,
			  !is_lossy && missed > 0 ?
			  " (it waited for the receiver)" : "");
	}
	claim_decide(r);
	if (!lossy && r->verdict != CV_NOT_MEASURED) {
		r->verdict = CV_NOT_MEASURED;
		snprintf(r->why, sizeof(r->why), "no lossy transport (udp) was measured with a receiver stall");
	}
}

static void check_fifo(const struct rundir *rd, struct claim_res *r)
{
	static const char *const wls[] = { "pingpong", "throughput" };
	struct cell cl[MAX_CELLS];

	for (size_t w = 0; w < ARRAY_SIZE(wls); w++) {
		unsigned n = claim_cells(rd, wls[w], cl);

		for (unsigned i = 0; i < n; i++) {
			const struct rundir_case *a, *b;

			a = claim_pick(rd, "pipe", wls[w], cl[i].size,
				       cl[i].placement, ANY_WAIT);
			b = claim_pick(rd, "fifo", wls[w], cl[i].size,
				       cl[i].placement, ANY_WAIT);
			if (a)
				claim_judge(r, rd, a, b, a->headline,
					    EXPECT_ALIKE);
		}
	}
	claim_decide(r);
}

/* Round trip p50 of transport t in wait mode f, same-cpu (a) against
 * cross-cpu (b), at each size measured across CPUs. */
static void placements(const struct rundir *rd, struct claim_res *r,
		       const char *t, enum spin_filter f)
{
	struct cell cl[MAX_CELLS];
	unsigned n = claim_cells(rd, "pingpong", cl);

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(cl[i].placement, "cross-cpu"))
			claim_judge(r, rd, rtt_case(rd, t, &cl[i], "same-cpu", f),
				    rtt_case(rd, t, &cl[i], NULL, f), "p50_ns",
				    EXPECT_B_LOWER);
}

static void check_place_block(const struct rundir *rd, struct claim_res *r)
{
	placements(rd, r, "pipe", SLEEPS);
	claim_decide(r);
}

static void check_place_spin(const struct rundir *rd, struct claim_res *r)
{
	struct cell cl[MAX_CELLS];
	unsigned n = claim_cells(rd, "pingpong", cl);

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(cl[i].placement, "cross-cpu"))
			claim_judge(r, rd,
				    rtt_case(rd, "shm", &cl[i], NULL, SLEEPS),
				    rtt_case(rd, "shm", &cl[i], NULL, SPINS),
				    "p50_ns", EXPECT_B_LOWER);
	placements(rd, r, "shm", SPINS);
	claim_decide(r);
}

#define NEEDS_DEFAULT "`ipcbench run` (the default suite) measures it"

static const struct claim_def claim_defs[] = {
	{ "sockets-vs-pipes", "Sockets have more overhead than pipes.",
	  "pipe against uds, tcp and udp (pingpong), round trip p50 and CPU time per message, at each size and placement measured.",
	  "pingpong cases of pipe and of uds, tcp or udp at one size and placement: ipcbench run -t pipe,uds,tcp,udp -w pingpong -r 3",
	  check_sockets },
	{ "tcp-vs-uds", "TCP over loopback costs more than local IPC.",
	  "tcp against uds, both stream sockets, so the difference is the TCP/IP stack: round trip p50 and CPU time per message, at each size and placement.",
	  "pingpong cases of uds and tcp: ipcbench run -t uds,tcp -w pingpong -r 3",
	  check_tcp },
	{ "shm-fastest", "Shared memory is the fastest, because nothing is copied through the kernel; but it needs synchronisation.",
	  "per size and placement, the faster shm mode (wait=spin or wait=sem) against pipe, round trip p50; the other mode, and the CPU time spinning costs, are context.",
	  "pingpong cases of pipe and shm (wait=sem, and wait=spin across CPUs) at one size and placement: " NEEDS_DEFAULT,
	  check_shm },
	{ "pipe-low-overhead", "Pipes are simple and have low overhead.",
	  "overhead as CPU time per message (user + system, both processes): pipe against every other transport but fifo (the same kernel object), pingpong, at each size and placement.",
	  "pingpong cases of pipe and other transports: ipcbench run -w pingpong -r 3",
	  check_pipe_cpu },
	{ "mq-persistence", "Message queues decouple sender and receiver: messages wait in the queue after the sender has exited.",
	  "an experiment run now, not the results: a child process opens a new POSIX queue, sends 4 messages, closes it and exits; once it is reaped, the queue must still hold the 4 messages, intact.  A FIFO is tried for contrast.",
	  "POSIX message queues (mq_open) on this system",
	  claims_persistence },
	{ "loss", "Messages can be lost: UDP drops them when the receiver is slow, a POSIX queue or a Unix socket makes the sender wait instead.",
	  "throughput cases with a receiver stall: a lossy transport (udp) supports the claim when it lost messages, a reliable one (mq, uds, ...) when it lost none.",
	  "throughput cases of udp (and mq, uds) with a receiver stall: ipcbench run -t udp,mq,uds -w throughput --rate 20000 --stall-ms 100 -s 4K",
	  check_loss },
	{ "fifo-like-pipe", "Named and anonymous pipes perform alike.",
	  "fifo against pipe on each case's headline figure (p50, or msg/s of a stream): alike when the difference is not significant (p >= 0.05) or the medians are within 10%, else it differs; holds when every comparison is alike.",
	  "cases of pipe and fifo: ipcbench run -t pipe,fifo -r 3",
	  check_fifo },
	{ "placement-blocking", "Blocking IPC is faster with a CPU for each process than with both on one CPU.",
	  "pipe, round trip p50, cross-cpu against same-cpu, per size.",
	  "pipe pingpong on both placements: ipcbench run -t pipe -w pingpong -p same-cpu,cross-cpu -r 3",
	  check_place_block },
	{ "placement-spinning", "Spinning needs a CPU for each process: then it beats sleeping; on one shared CPU it cannot work.",
	  "across CPUs, shm wait=spin against shm wait=sem (round trip p50, spin lower); spin on one CPU against spin across CPUs when it was measured (ipcbench refuses to spin on one CPU: that is reported, not measured).",
	  "shm pingpong with wait=sem and wait=spin across CPUs: " NEEDS_DEFAULT,
	  check_place_spin },
};

int claims_run(const char *dir, enum output_format fmt, FILE *out, char *err,
	       size_t len)
{
	const unsigned n = ARRAY_SIZE(claim_defs);
	struct claim_res *res;
	struct rundir *rd;
	int ret;

	if (fmt == FORMAT_CSV) {
		snprintf(err, len, "--format csv is not supported (table, json)");
		return -EINVAL;
	}
	ret = rundir_open(dir, &rd, err, len);
	if (ret)
		return ret;
	res = calloc(n, sizeof(*res));
	ret = res ? 0 : -ENOMEM;
	for (unsigned i = 0; !ret && i < n; i++) {
		res[i].def = &claim_defs[i];
		claim_defs[i].check(rd, &res[i]);
		ret = res[i].err;
	}
	if (ret)
		snprintf(err, len, "out of memory");
	else if (fmt == FORMAT_JSON)
		claims_print_json(out, rd, res, n);
	else
		claims_print_text(out, rd, res, n);
	for (unsigned i = 0; res && i < n; i++) {
		for (unsigned k = 0; k < res[i].n_lines; k++)
			free(res[i].lines[k].text);
		free(res[i].lines);
		free(res[i].cmps);
	}
	free(res);
	rundir_close(rd);
	return ret;
}
