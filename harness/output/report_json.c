/*
 * report_json.c - results.json: the environment, the resolved suite, and
 * every case with its figures, the spread across repetitions and each
 * repetition's own figures.  Keys name their units (p99_ns, bytes_per_sec).
 * The schema is "ipcbench-results-2"; readers must ignore keys they do not
 * know, so keys may be added without a new format name.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "columns.h"
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

/* What only results.json holds of a view: the CPUs asked for and each
 * side's own counts. */
static void json_sides(FILE *f, const struct view *v)
{
	const struct case_result *r = v->r;

	fputs(", ", f);
	json_side(f, "client", &r->side[SIDE_CLIENT], v->f->cpu_ns[SIDE_CLIENT],
		  true);
	json_side(f, "server", &r->side[SIDE_SERVER], v->f->cpu_ns[SIDE_SERVER],
		  false);
}

/* A case: its summary.csv columns, typed, then its repetitions. */
static void json_case(FILE *f, const struct report *rp,
		      const struct case_agg *a)
{
	struct view v;

	report_view_case(rp, a, &v);
	fputs("    {", f);
	columns_put_json(f, &v, column_in_summary);
	fprintf(f, ", \"cpus_asked\": [%d, %d]", v.r->cpu[0], v.r->cpu[1]);
	json_sides(f, &v);
	fputs(", \"runs\": [", f);
	for (unsigned i = 0; i < a->n_reps; i++) {
		report_view_rep(rp, a, i, &v);
		fputs(i ? ",\n      {" : "\n      {", f);
		columns_put_json(f, &v, column_in_run);
		json_sides(f, &v);
		fputs("}", f);
	}
	fputs("]}", f);
}

void report_write_json(FILE *f, const struct report *rp, bool complete,
		       bool interrupted)
{
	bool first = true;

	fputs("{\n  \"format\": \"ipcbench-results-2\",\n", f);
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
