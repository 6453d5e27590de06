/*
 * report_json.c - results.json: the environment, the resolved suite, and
 * every case with its figures, the spread across repetitions and each
 * repetition's own figures.  Keys name their units (p99_ns, bytes_per_sec).
 * The schema is "ipcbench-results-1"; readers must ignore keys they do not
 * know, so keys may be added without a new format name.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"
#include "util.h"

static void json_kv_str(FILE *f, const char *key, const char *v, bool comma)
{
	fprintf(f, "\"%s\": ", key);
	json_put_str(f, v);
	fputs(comma ? ", " : "", f);
}

/* "key": number, or null when it does not exist (NAN). */
static void json_num(FILE *f, const char *key, double v, bool comma)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "\"%s\": null%s", key, comma ? ", " : "");
	else
		fprintf(f, "\"%s\": %.1f%s", key, v, comma ? ", " : "");
}

/* The short calibration of the run: the floors of its figures. */
static void json_calib(FILE *f, const struct calib *c, int err)
{
	fprintf(f, "\"calibration\": {\"budget_ms\": %u, \"batches\": %u, \"cpu_a\": %d, \"cpu_b\": %d, ",
		c->budget_ms, c->batches, c->cpu_a, c->cpu_b);
	json_kv_str(f, "error", err ? strerror(-err) : "", true);
	for (const struct calib_field *k = calib_fields; k->key; k++)
		json_num(f, k->key, calib_get(c, k), k[1].key != NULL);
	fputs("}", f);
}

static void json_env(FILE *f, const struct env *e)
{
	fputs("  \"environment\": {", f);
	json_kv_str(f, "time_utc", e->time_utc, true);
	json_kv_str(f, "host", e->host, true);
	json_kv_str(f, "kernel", e->kernel, true);
	json_kv_str(f, "cpu_model", e->cpu_model, true);
	fprintf(f, "\"cpus_online\": %d, \"cpus_allowed\": %d, \"virtualized\": %s, ",
		e->cpus_online, e->cpus_allowed, e->virtualized ? "true" : "false");
	json_kv_str(f, "smt", e->smt, true);
	json_kv_str(f, "clocksource", e->clocksource, true);
	json_kv_str(f, "cpufreq_governor", e->governor, true);
	json_kv_str(f, "compiler", e->compiler, true);
	json_kv_str(f, "build_type", e->build_type, true);
	json_kv_str(f, "build_flags", e->build_flags, true);
	json_kv_str(f, "version", e->version, true);
	fprintf(f, "\"dirty\": %s, ", e->dirty ? "true" : "false");
	fprintf(f, "\"limits\": {\"pipe_max_size_bytes\": %ld, \"mq_msg_max\": %ld, \"mq_msgsize_max_bytes\": %ld, \"rmem_max_bytes\": %ld, \"wmem_max_bytes\": %ld}, ",
		e->pipe_max_size, e->mq_msg_max, e->mq_msgsize_max,
		e->rmem_max, e->wmem_max);
	fprintf(f, "\"cpu_a\": %d, \"cpu_b\": %d, \"sample_overhead_ns\": %.1f, ",
		e->cpus.a, e->cpus.b, e->sample_overhead_ns);
	json_kv_str(f, "warnings", e->warnings, true);
	json_calib(f, &e->calib, e->calib_err);
	fputs("},\n", f);
}

static void json_suite(FILE *f, const struct suite *s)
{
	fputs("  \"suite\": {", f);
	json_kv_str(f, "path", s->path, true);
	json_kv_str(f, "name", s->name, true);
	json_kv_str(f, "description", s->description, true);
	fprintf(f, "\"iterations\": %llu, \"warmup\": %llu, \"rate\": %llu, \"stall_ms\": %llu, \"timeout_s\": %llu, \"repetitions\": %llu, ",
		(unsigned long long)s->iterations,
		(unsigned long long)s->warmup, (unsigned long long)s->rate,
		(unsigned long long)s->stall_ms,
		(unsigned long long)s->timeout_s,
		(unsigned long long)s->repetitions);
	json_kv_str(f, "verify", verify_name(s->verify), true);
	fputs("\"runs\": [", f);
	for (unsigned i = 0; i < s->n_runs; i++) {
		const struct run *r = &s->runs[i];

		fprintf(f, "%s\n    {\"transports\": [", i ? "," : "");
		for (unsigned k = 0; k < r->n_transports; k++) {
			fputs(k ? ", " : "", f);
			json_put_str(f, r->transports[k]->name);
		}
		fputs("], \"workloads\": [", f);
		for (unsigned k = 0; k < r->n_workloads; k++) {
			fputs(k ? ", " : "", f);
			json_put_str(f, r->workloads[k]->name);
		}
		fputs("], \"sizes_bytes\": [", f);
		for (unsigned k = 0; k < r->n_sizes; k++)
			fprintf(f, "%s%llu", k ? ", " : "",
				(unsigned long long)r->sizes[k]);
		fputs("], \"placements\": [", f);
		for (unsigned k = 0; k < r->n_placements; k++) {
			fputs(k ? ", " : "", f);
			json_put_str(f, placement_name(r->placements[k]));
		}
		fprintf(f, "], \"iterations\": %llu, \"warmup\": %llu, \"rate\": %llu, \"stall_ms\": %llu, \"options\": {",
			(unsigned long long)r->iterations,
			(unsigned long long)r->warmup,
			(unsigned long long)r->rate,
			(unsigned long long)r->stall_ms);
		for (unsigned k = 0; k < r->n_options; k++)
			json_kv_str(f, r->options[k].key, r->options[k].value,
				    k + 1 < r->n_options);
		fputs("}}", f);
	}
	fputs("\n  ]},\n", f);
}

static void json_side(FILE *f, const char *name, const struct side_result *s,
		      double cpu_ns_per_msg, bool comma)
{
	fprintf(f, "\"%s\": {\"cpu\": %d, \"sent\": %llu, \"received\": %llu, \"timeouts\": %llu, \"user_cpu_ns\": %llu, \"system_cpu_ns\": %llu, \"cpu_ns_per_msg\": %.1f, \"vcsw\": %llu, \"ivcsw\": %llu}%s",
		name, s->cpu, (unsigned long long)s->sent,
		(unsigned long long)s->received,
		(unsigned long long)s->timeouts,
		(unsigned long long)s->utime_ns,
		(unsigned long long)s->stime_ns, cpu_ns_per_msg,
		(unsigned long long)s->vcsw, (unsigned long long)s->ivcsw,
		comma ? ", " : "");
}

static void json_stats(FILE *f, const char *key, const struct stats *st,
		       bool comma)
{
	fprintf(f, "\"%s\": {", key);
	json_num(f, "median", st->median, true);
	json_num(f, "min", st->min, true);
	json_num(f, "max", st->max, true);
	json_num(f, "ci95_lo", st->ci_lo, true);
	json_num(f, "ci95_hi", st->ci_hi, false);
	fprintf(f, "}%s", comma ? ", " : "");
}

/* The figures of a view: the case's, or one repetition's. */
static void json_figures(FILE *f, const struct view *v)
{
	const struct figures *x = v->f;
	const struct case_result *r = v->r;

	json_kv_str(f, "status", report_status_names[v->status], true);
	json_kv_str(f, "reason", v->reason, true);
	fprintf(f, "\"samples\": %llu, \"out_of_range\": %llu, \"min_ns\": %lld, \"p50_ns\": %lld, \"p90_ns\": %lld, \"p99_ns\": %lld, \"p999_ns\": %lld, \"max_ns\": %lld, \"mean_ns\": %.1f, \"stddev_ns\": %.1f, ",
		(unsigned long long)x->count, (unsigned long long)x->overflow,
		(long long)x->min, (long long)x->p50, (long long)x->p90,
		(long long)x->p99, (long long)x->p999, (long long)x->max,
		x->mean, x->stddev);
	fprintf(f, "\"span_ns\": %lld, \"messages\": %llu, \"msgs_per_sec\": %.1f, \"bytes_per_sec\": %.1f, ",
		(long long)x->span_ns, (unsigned long long)x->messages,
		x->msgs_per_sec, x->bytes_per_sec);
	fprintf(f, "\"sent\": %llu, \"received\": %llu, \"lost\": %llu, \"duplicated\": %llu, \"reordered\": %llu, ",
		(unsigned long long)x->sent, (unsigned long long)x->received,
		(unsigned long long)x->lost, (unsigned long long)x->duplicated,
		(unsigned long long)x->reordered);
	fprintf(f, "\"cpu_ns_per_msg\": %.1f, \"vcsw_per_msg\": %.4f, \"ivcsw_per_msg\": %.4f, ",
		x->cpu_ns_per_msg, x->vcsw_per_msg, x->ivcsw_per_msg);
	if (v->c->rate)
		fprintf(f, "\"missed_slots\": %llu, \"uncorrected\": {\"p50_ns\": %lld, \"p99_ns\": %lld, \"p999_ns\": %lld, \"max_ns\": %lld}, ",
			(unsigned long long)x->missed, (long long)x->uncorrected_p50,
			(long long)x->uncorrected_p99, (long long)x->uncorrected_p999,
			(long long)x->uncorrected_max);
	json_kv_str(f, "info", r->info, true);
	json_side(f, "client", &r->side[SIDE_CLIENT], x->cpu_ns[SIDE_CLIENT],
		  true);
	json_side(f, "server", &r->side[SIDE_SERVER], x->cpu_ns[SIDE_SERVER],
		  false);
}

static void json_case(FILE *f, const struct report *rp,
		      const struct case_agg *a)
{
	const struct case_spec *c = a->c;
	struct view v;

	report_view_case(rp, a, &v);
	fputs("    {", f);
	json_kv_str(f, "id", c->id, true);
	json_kv_str(f, "transport", c->ops->name, true);
	json_kv_str(f, "workload", c->wl->name, true);
	fprintf(f, "\"size_bytes\": %llu, ", (unsigned long long)c->size);
	json_kv_str(f, "placement", placement_name(c->placement), true);
	fprintf(f, "\"cpus_asked\": [%d, %d], \"options\": {", v.r->cpu[0],
		v.r->cpu[1]);
	for (int i = 0; c->ops->options && c->ops->options[i].key; i++) {
		char val[64];

		transport_option_format(&c->ops->options[i], c->opt[i], val,
					sizeof(val));
		fputs(i ? ", " : "", f);
		json_kv_str(f, c->ops->options[i].key, val, false);
	}
	fputs("}, ", f);
	json_kv_str(f, "wait", report_wait(&v), true);
	json_kv_str(f, "verify", verify_name(c->verify), true);
	fprintf(f, "\"iterations\": %llu, \"warmup\": %llu, \"rate\": %llu, \"stall_ms\": %llu, ",
		(unsigned long long)c->iterations, (unsigned long long)c->warmup,
		(unsigned long long)c->rate, (unsigned long long)c->stall_ms);
	json_kv_str(f, "latency", c->wl->latency, true);
	json_kv_str(f, "latency_from", report_latency_from(c), true);
	json_num(f, "floor_ns", v.floor_ns, true);
	json_num(f, "p50_per_floor", v.status == CASE_OK ?
		 (double)v.f->p50 / v.floor_ns : NAN, true);
	fprintf(f, "\"repetitions\": %u, \"repetitions_ok\": %u, \"noisy\": %s, \"spread\": {",
		a->n_reps, a->ok, a->ok > 1 && a->noisy ? "true" : "false");
	json_stats(f, "p50_ns", &a->p50, true);
	json_stats(f, "p99_ns", &a->p99, true);
	json_stats(f, "msgs_per_sec", &a->rate, false);
	fputs("}, ", f);
	json_figures(f, &v);
	fputs(", \"runs\": [", f);
	for (unsigned i = 0; i < a->n_reps; i++) {
		report_view_rep(rp, a, i, &v);
		fprintf(f, "%s\n      {\"repetition\": %u, ", i ? "," : "", v.rep);
		json_figures(f, &v);
		fputs("}", f);
	}
	fputs("]}", f);
}

void report_write_json(FILE *f, const struct report *rp, bool complete,
		       bool interrupted)
{
	bool first = true;

	fputs("{\n  \"format\": \"ipcbench-results-1\",\n", f);
	fprintf(f, "  \"complete\": %s,\n  \"interrupted\": %s,\n",
		complete ? "true" : "false", interrupted ? "true" : "false");
	json_env(f, rp->e);
	json_suite(f, rp->s);
	fputs("  \"cases\": [", f);
	for (unsigned i = 0; i < rp->n_aggs; i++) {
		if (!rp->aggs[i].n_reps)
			continue;
		fputs(first ? "\n" : ",\n", f);
		json_case(f, rp, &rp->aggs[i]);
		first = false;
	}
	fputs("\n  ]\n}\n", f);
}
