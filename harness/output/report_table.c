/*
 * report_table.c - the comparison table on the terminal, and the progress
 * line of each finished repetition.  Fixed columns, units in the cells,
 * and a footer that says what the columns mean and where each process ran.
 */
#include <math.h>
#include <stdio.h>

#include "report_int.h"
#include "util.h"

/* A floor in us, or why there is none (one CPU allowed: no cross-cpu). */
static void put_floor_us(FILE *f, double ns, const char *where)
{
	if (isfinite(ns))
		fprintf(f, "%.2f us %s", ns / 1e3, where);
	else
		fprintf(f, "not measured %s", where);
}

/* What the placements and the floors of this run were. */
static void print_placement_legend(FILE *f, const struct env *e)
{
	const struct calib *cal = &e->calib;

	if (e->cpus.b >= 0)
		fprintf(f, "placement: same-cpu = both on CPU %d, cross-cpu = CPU %d and %d",
			e->cpus.a, e->cpus.a, e->cpus.b);
	else
		fprintf(f, "placement: same-cpu = both on CPU %d, cross-cpu = not possible (one CPU allowed)",
			e->cpus.a);
	fputs("; wait: block = sleeps in the kernel, spin = busy-polls a CPU.\n"
	      "floor = p50 round trip / its calibrated floor: futex ping-pong ",
	      f);
	put_floor_us(f, cal->futex_rtt_same_ns, "same-cpu, ");
	put_floor_us(f, cal->futex_rtt_cross_ns, "cross-cpu (blocking); ");
	fputs("cache-line ping-pong ", f);
	put_floor_us(f, cal->spin_rtt_cross_ns, "cross-cpu (spin).\n");
}

/* The headline figure's spread: "n=5 +-1.2%", "NOISY n=5 +-23%". */
static void print_spread(FILE *f, const struct case_agg *a)
{
	const struct stats *st = wl_rate_headline(a->c->wl, a->c->rate) ?
				 &a->rate : &a->p50;

	if (a->ok < 2 || isnan(st->ci_rel))
		return;
	fprintf(f, "  %sn=%u %s 95%% CI +-%.1f%%", a->noisy ? "NOISY " : "",
		a->ok, st == &a->rate ? "msg/s" : "p50", 100.0 * st->ci_rel);
}

void report_print_line(FILE *f, const struct view *v, unsigned total_reps)
{
	const struct case_spec *c = v->c;
	const struct figures *x = v->f;
	char size[32], p50[16], p99[16], p999[16], max[16], rate[16], mbs[16];
	char cpu[16], floor[16] = "-";

	format_size(c->size, size, sizeof(size));
	fprintf(f, "%-6s %-10s %-8s %-9s %-5s %-7s ", c->ops->name,
		c->wl->name, size, placement_name(c->placement), report_wait(v),
		c->wl->latency);
	if (v->status != CASE_OK) {
		fprintf(f, "%s: %s\n", report_status_names[v->status],
			v->reason);
		return;
	}
	format_ns((double)x->p50, p50, sizeof(p50));
	format_ns((double)x->p99, p99, sizeof(p99));
	format_ns((double)x->p999, p999, sizeof(p999));
	format_ns((double)x->max, max, sizeof(max));
	format_rate(x->msgs_per_sec, rate, sizeof(rate));
	snprintf(mbs, sizeof(mbs), "%.1f", x->bytes_per_sec / 1e6);
	format_ns(x->cpu_ns_per_msg, cpu, sizeof(cpu));
	if (!isnan(v->floor_ns))
		snprintf(floor, sizeof(floor), "%.1fx", (double)x->p50 /
			 v->floor_ns);
	fprintf(f, "%9s %9s %9s %9s %9s %9s %9s %6s", p50, p99, p999, max,
		rate, mbs, cpu, floor);
	if (x->lost || x->duplicated || x->reordered ||
	    (c->ops->flags & TF_LOSSY))
		fprintf(f, "  lost %llu/%llu (%.2f%%)",
			(unsigned long long)x->lost,
			(unsigned long long)x->sent,
			x->sent ? 100.0 * (double)x->lost / (double)x->sent : 0);
	if (c->rate) {
		format_ns((double)x->uncorrected_p99, p99, sizeof(p99));
		format_rate((double)c->rate, rate, sizeof(rate));
		fprintf(f, "  paced %s/s: p99 from send %s; %llu slots missed",
			rate, p99, (unsigned long long)x->missed);
	}
	if (v->a && total_reps > 1)
		print_spread(f, v->a);
	fputc('\n', f);
}

void report_print_table(const struct report *rp, FILE *f)
{
	struct view v;

	fprintf(f, "%-6s %-10s %-8s %-9s %-5s %-7s %9s %9s %9s %9s %9s %9s %9s %6s\n",
		"method", "workload", "size", "placement", "wait", "latency",
		"p50", "p99", "p99.9", "max", "msg/s", "MB/s", "cpu/msg",
		"floor");
	for (unsigned i = 0; i < rp->n_aggs; i++) {
		if (!rp->aggs[i].n_reps)
			continue;
		report_view_case(rp, &rp->aggs[i], &v);
		report_print_line(f, &v, rp->total_reps);
	}
	fputs("\nrtt = round trip (pingpong; msg/s counts both directions); one-way = send to arrival under load (throughput);\n"
	      "paced (--rate): one-way from each message's scheduled slot, which counts the delay a stall causes (no coordinated omission).\n"
	      "msg/s and MB/s are counted where messages arrive; cpu/msg is user+system CPU of both processes per message.\n",
	      f);
	if (rp->total_reps > 1)
		fprintf(f, "each figure is the median of %u repetitions in fresh processes; n=, 95%% CI: of the headline figure (p50, or msg/s for unpaced throughput); NOISY: CI wider than +-%.0f%%.\n",
			rp->total_reps, 100.0 * STATS_NOISY_REL);
	print_placement_legend(f, rp->e);
	fprintf(f, "harness: recording a sample (clock read + histogram add) costs %.1f ns, outside the timed span but for one clock read (%.1f ns); results in %s\n",
		rp->e->sample_overhead_ns, rp->e->calib.clock_read_ns,
		rp->dir);
}
