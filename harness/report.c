/*
 * report.c - write results as they arrive: summary.csv (one row per case,
 * units in column names), results.json (environment, resolved suite, every
 * case), hgrm/<case>.hgrm (HdrHistogram percentile distribution, values in
 * microseconds), and the terminal table.
 *
 * Each case is reduced to a row of figures once, when it finishes; every
 * output format prints those rows, so the table, the CSV and the JSON always
 * agree.  This module runs nothing and measures nothing.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

struct row {
	const struct case_spec *c;
	struct case_result r;		/* hist is not kept: NULL */
	uint64_t count;			/* samples in the histogram */
	uint64_t overflow;		/* samples above its range */
	int64_t min, p50, p90, p99, p999, max;
	double mean, stddev;
	uint64_t sent, received, lost;
	double cpu_ns[2], cpu_ns_per_msg, vcsw_per_msg, ivcsw_per_msg;
};

struct report {
	char dir[PATH_MAX];
	const struct suite *s;
	const struct env *e;
	FILE *csv;
	struct row *rows;
	unsigned n, cap;
};

static const char *const status_names[] = {
	[CASE_OK] = "ok", [CASE_SKIPPED] = "skipped", [CASE_FAILED] = "failed",
};

static const char csv_header[] =
	"transport,workload,size_bytes,placement,options,wait,status,reason,"
	"iterations,warmup,latency,samples,min_ns,p50_ns,p90_ns,p99_ns,"
	"p999_ns,max_ns,mean_ns,stddev_ns,msgs_per_sec,bytes_per_sec,"
	"span_ns,sent,received,lost,duplicated,reordered,client_cpu,"
	"server_cpu,cpu_ns_per_msg,client_cpu_ns_per_msg,"
	"server_cpu_ns_per_msg,vcsw_per_msg,ivcsw_per_msg,verify,info,id\n";

/* True when dir is a directory with nothing in it. */
static bool dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool empty = d != NULL;

	while (d && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = false;
			break;
		}
	}
	if (d)
		closedir(d);
	return empty;
}

/*
 * mkdir -p.  The leaf must be new when fresh (so two runs can never share
 * one directory), or else new or empty.
 */
static int make_out_dir(const char *dir, bool fresh, char *err, size_t len)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		snprintf(err, len, "--output: '%s' is not a usable path", dir);
		return -EINVAL;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST && !fresh && dir_is_empty(path))
		return 0;
	if (errno == EEXIST) {
		snprintf(err, len, "--output: '%s' exists and is not empty (choose a new directory)",
			 dir);
		return -EEXIST;
	}
fail:
	snprintf(err, len, "--output: cannot create '%s': %s", path,
		 strerror(errno));
	return -errno;
}

int report_open(const char *dir, bool fresh, const struct suite *s,
		const struct env *e, struct report **out, char *err, size_t len)
{
	struct report *rp;
	char path[PATH_MAX + 16];
	int ret;

	rp = calloc(1, sizeof(*rp));
	if (!rp) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	ret = make_out_dir(dir, fresh, err, len);
	if (ret)
		goto out_free;
	snprintf(rp->dir, sizeof(rp->dir), "%s", dir);
	rp->s = s;
	rp->e = e;
	snprintf(path, sizeof(path), "%s/hgrm", dir);
	if (mkdir(path, 0755)) {
		ret = -errno;
		snprintf(err, len, "cannot create '%s': %s", path, strerror(errno));
		goto out_free;
	}
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	rp->csv = fopen(path, "we");
	if (!rp->csv || fputs(csv_header, rp->csv) < 0 || fflush(rp->csv)) {
		ret = -errno;
		snprintf(err, len, "cannot write '%s': %s", path, strerror(errno));
		if (rp->csv)
			fclose(rp->csv);
		goto out_free;
	}
	*out = rp;
	return 0;
out_free:
	free(rp);
	return ret;
}

const char *report_dir(const struct report *rp)
{
	return rp->dir;
}

static void make_row(struct row *w, const struct case_spec *c,
		     const struct case_result *r)
{
	const struct side_result *cl = &r->side[SIDE_CLIENT];
	const struct side_result *tr = &r->side[c->wl->timer];
	double msgs = (double)r->messages;

	memset(w, 0, sizeof(*w));
	w->c = c;
	w->r = *r;
	w->r.hist = NULL;
	if (r->hist) {
		w->count = r->hist->total;
		w->overflow = r->hist->overflow;
		w->min = r->hist->total ? r->hist->min : 0;
		w->p50 = hist_value_at(r->hist, 50);
		w->p90 = hist_value_at(r->hist, 90);
		w->p99 = hist_value_at(r->hist, 99);
		w->p999 = hist_value_at(r->hist, 99.9);
		w->max = r->hist->max;
		w->mean = hist_mean(r->hist);
		w->stddev = hist_stddev(r->hist);
	}
	w->sent = cl->sent;
	w->received = tr->received;
	w->lost = tr->lost;
	for (int s = 0; s < 2; s++) {
		const struct side_result *sr = &r->side[s];

		w->cpu_ns[s] = msgs ? (double)(sr->utime_ns + sr->stime_ns) / msgs : 0;
		w->vcsw_per_msg += msgs ? (double)sr->vcsw / msgs : 0;
		w->ivcsw_per_msg += msgs ? (double)sr->ivcsw / msgs : 0;
	}
	w->cpu_ns_per_msg = w->cpu_ns[0] + w->cpu_ns[1];
}

/* A CSV field, quoted when it needs to be. */
static void csv_field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s == '\n' ? ' ' : *s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static const char *wait_name(const struct row *w)
{
	return w->r.spins ? "spin" : "block";
}

static void write_csv_row(FILE *f, const struct row *w)
{
	const struct case_spec *c = w->c;
	const struct case_result *r = &w->r;

	csv_field(f, c->ops->name, false);
	csv_field(f, c->wl->name, false);
	fprintf(f, "%llu,", (unsigned long long)c->size);
	csv_field(f, placement_name(c->placement), false);
	csv_field(f, c->options, false);
	csv_field(f, wait_name(w), false);
	csv_field(f, status_names[r->status], false);
	csv_field(f, r->reason, false);
	fprintf(f, "%llu,%llu,", (unsigned long long)c->iterations,
		(unsigned long long)c->warmup);
	csv_field(f, c->wl->latency, false);
	fprintf(f, "%llu,%lld,%lld,%lld,%lld,%lld,%lld,%.1f,%.1f,%.1f,%.1f,%lld,",
		(unsigned long long)w->count, (long long)w->min,
		(long long)w->p50, (long long)w->p90, (long long)w->p99,
		(long long)w->p999, (long long)w->max, w->mean, w->stddev,
		r->msgs_per_sec, r->bytes_per_sec, (long long)r->span_ns);
	fprintf(f, "%llu,%llu,%llu,%llu,%llu,%d,%d,%.1f,%.1f,%.1f,%.4f,%.4f,",
		(unsigned long long)w->sent, (unsigned long long)w->received,
		(unsigned long long)w->lost,
		(unsigned long long)r->side[c->wl->timer].duplicated,
		(unsigned long long)r->side[c->wl->timer].reordered,
		r->side[SIDE_CLIENT].cpu, r->side[SIDE_SERVER].cpu,
		w->cpu_ns_per_msg, w->cpu_ns[SIDE_CLIENT],
		w->cpu_ns[SIDE_SERVER], w->vcsw_per_msg, w->ivcsw_per_msg);
	csv_field(f, verify_name(c->verify), false);
	csv_field(f, r->info, false);
	csv_field(f, c->id, true);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void json_kv_str(FILE *f, const char *key, const char *v, bool comma)
{
	fprintf(f, "\"%s\": ", key);
	json_str(f, v);
	fputs(comma ? ", " : "", f);
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
	json_kv_str(f, "clocksource", e->clocksource, true);
	json_kv_str(f, "cpufreq_governor", e->governor, true);
	json_kv_str(f, "compiler", e->compiler, true);
	json_kv_str(f, "build_type", e->build_type, true);
	json_kv_str(f, "version", e->version, true);
	fprintf(f, "\"limits\": {\"pipe_max_size_bytes\": %ld, \"mq_msg_max\": %ld, \"mq_msgsize_max_bytes\": %ld, \"rmem_max_bytes\": %ld, \"wmem_max_bytes\": %ld}, ",
		e->pipe_max_size, e->mq_msg_max, e->mq_msgsize_max,
		e->rmem_max, e->wmem_max);
	fprintf(f, "\"cpu_a\": %d, \"cpu_b\": %d, \"sample_overhead_ns\": %.1f, ",
		e->cpus.a, e->cpus.b, e->sample_overhead_ns);
	json_kv_str(f, "warnings", e->warnings, false);
	fputs("},\n", f);
}

static void json_suite(FILE *f, const struct suite *s)
{
	fputs("  \"suite\": {", f);
	json_kv_str(f, "path", s->path, true);
	json_kv_str(f, "name", s->name, true);
	fprintf(f, "\"iterations\": %llu, \"warmup\": %llu, \"timeout_s\": %llu, ",
		(unsigned long long)s->iterations,
		(unsigned long long)s->warmup,
		(unsigned long long)s->timeout_s);
	json_kv_str(f, "verify", verify_name(s->verify), true);
	fputs("\"runs\": [", f);
	for (unsigned i = 0; i < s->n_runs; i++) {
		const struct run *r = &s->runs[i];

		fprintf(f, "%s\n    {\"transports\": [", i ? "," : "");
		for (unsigned k = 0; k < r->n_transports; k++) {
			fputs(k ? ", " : "", f);
			json_str(f, r->transports[k]->name);
		}
		fputs("], \"workloads\": [", f);
		for (unsigned k = 0; k < r->n_workloads; k++) {
			fputs(k ? ", " : "", f);
			json_str(f, r->workloads[k]->name);
		}
		fputs("], \"sizes_bytes\": [", f);
		for (unsigned k = 0; k < r->n_sizes; k++)
			fprintf(f, "%s%llu", k ? ", " : "",
				(unsigned long long)r->sizes[k]);
		fputs("], \"placements\": [", f);
		for (unsigned k = 0; k < r->n_placements; k++) {
			fputs(k ? ", " : "", f);
			json_str(f, placement_name(r->placements[k]));
		}
		fprintf(f, "], \"iterations\": %llu, \"warmup\": %llu, \"options\": {",
			(unsigned long long)r->iterations,
			(unsigned long long)r->warmup);
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

static void json_case(FILE *f, const struct row *w)
{
	const struct case_spec *c = w->c;
	const struct case_result *r = &w->r;
	const struct side_result *tr = &r->side[c->wl->timer];

	fputs("    {", f);
	json_kv_str(f, "id", c->id, true);
	json_kv_str(f, "transport", c->ops->name, true);
	json_kv_str(f, "workload", c->wl->name, true);
	fprintf(f, "\"size_bytes\": %llu, ", (unsigned long long)c->size);
	json_kv_str(f, "placement", placement_name(c->placement), true);
	fprintf(f, "\"cpus_asked\": [%d, %d], \"options\": {", r->cpu[0],
		r->cpu[1]);
	for (int i = 0; c->ops->options && c->ops->options[i].key; i++) {
		char v[64];

		transport_option_format(&c->ops->options[i], c->opt[i], v,
					sizeof(v));
		fputs(i ? ", " : "", f);
		json_kv_str(f, c->ops->options[i].key, v, false);
	}
	fputs("}, ", f);
	json_kv_str(f, "wait", wait_name(w), true);
	json_kv_str(f, "status", status_names[r->status], true);
	json_kv_str(f, "reason", r->reason, true);
	json_kv_str(f, "info", r->info, true);
	json_kv_str(f, "verify", verify_name(c->verify), true);
	fprintf(f, "\"iterations\": %llu, \"warmup\": %llu, ",
		(unsigned long long)c->iterations, (unsigned long long)c->warmup);
	json_kv_str(f, "latency", c->wl->latency, true);
	fprintf(f, "\"samples\": %llu, \"out_of_range\": %llu, \"min_ns\": %lld, \"p50_ns\": %lld, \"p90_ns\": %lld, \"p99_ns\": %lld, \"p999_ns\": %lld, \"max_ns\": %lld, \"mean_ns\": %.1f, \"stddev_ns\": %.1f, ",
		(unsigned long long)w->count,
		(unsigned long long)w->overflow,
		(long long)w->min, (long long)w->p50, (long long)w->p90,
		(long long)w->p99, (long long)w->p999, (long long)w->max,
		w->mean, w->stddev);
	fprintf(f, "\"span_ns\": %lld, \"messages\": %llu, \"msgs_per_sec\": %.1f, \"bytes_per_sec\": %.1f, ",
		(long long)r->span_ns, (unsigned long long)r->messages,
		r->msgs_per_sec, r->bytes_per_sec);
	fprintf(f, "\"sent\": %llu, \"received\": %llu, \"lost\": %llu, \"duplicated\": %llu, \"reordered\": %llu, ",
		(unsigned long long)w->sent, (unsigned long long)w->received,
		(unsigned long long)w->lost,
		(unsigned long long)tr->duplicated,
		(unsigned long long)tr->reordered);
	fprintf(f, "\"cpu_ns_per_msg\": %.1f, \"vcsw_per_msg\": %.4f, \"ivcsw_per_msg\": %.4f, ",
		w->cpu_ns_per_msg, w->vcsw_per_msg, w->ivcsw_per_msg);
	json_side(f, "client", &r->side[SIDE_CLIENT], w->cpu_ns[SIDE_CLIENT],
		  true);
	json_side(f, "server", &r->side[SIDE_SERVER], w->cpu_ns[SIDE_SERVER],
		  false);
	fputs("}", f);
}

static void write_json(FILE *f, const struct report *rp, bool complete,
		       bool interrupted)
{
	fputs("{\n  \"format\": \"ipcbench-results-1\",\n", f);
	fprintf(f, "  \"complete\": %s,\n  \"interrupted\": %s,\n",
		complete ? "true" : "false", interrupted ? "true" : "false");
	json_env(f, rp->e);
	json_suite(f, rp->s);
	fputs("  \"cases\": [", f);
	for (unsigned i = 0; i < rp->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_case(f, &rp->rows[i]);
	}
	fputs("\n  ]\n}\n", f);
}

/* Rewrite results.json whole: temporary file, fsync, rename. */
static int save_json(const struct report *rp, bool complete, bool interrupted)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 32];
	FILE *f;
	int ret = 0;

	snprintf(tmp, sizeof(tmp), "%s/.results.json.tmp", rp->dir);
	snprintf(path, sizeof(path), "%s/results.json", rp->dir);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	write_json(f, rp, complete, interrupted);
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int save_hgrm(const struct report *rp, const struct case_spec *c,
		     const struct hist *h)
{
	char path[PATH_MAX + 256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/hgrm/%s.hgrm", rp->dir, c->id);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	ret = hist_write_hgrm(h, f, 5, 1000.0);
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

int report_case(struct report *rp, const struct case_spec *c,
		const struct case_result *r)
{
	struct row *w;
	int ret = 0;

	if (rp->n == rp->cap) {
		unsigned cap = rp->cap ? 2 * rp->cap : 64;
		struct row *rows = realloc(rp->rows, cap * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		rp->rows = rows;
		rp->cap = cap;
	}
	w = &rp->rows[rp->n++];
	make_row(w, c, r);
	write_csv_row(rp->csv, w);
	if (fflush(rp->csv))
		ret = -errno;
	if (r->status == CASE_OK && r->hist) {
		int err = save_hgrm(rp, c, r->hist);

		ret = ret ? ret : err;
	}
	{
		int err = save_json(rp, false, false);

		ret = ret ? ret : err;
	}
	return ret;
}

/* "850 ns", "2.41 us", "1.23 ms", "2.00 s". */
static void fmt_ns(double ns, char *buf, size_t len)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

/* "1.23 M", "456.7 k", "89". */
static void fmt_rate(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.2f M", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1f k", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

static void print_table_row(FILE *f, const struct row *w)
{
	const struct case_spec *c = w->c;
	char size[32], p50[16], p99[16], p999[16], max[16], rate[16], mbs[16];
	char cpu[16];

	format_size(c->size, size, sizeof(size));
	fprintf(f, "%-6s %-10s %-8s %-9s %-5s %-7s ", c->ops->name,
		c->wl->name, size, placement_name(c->placement), wait_name(w),
		c->wl->latency);
	if (w->r.status != CASE_OK) {
		fprintf(f, "%s: %s\n", status_names[w->r.status], w->r.reason);
		return;
	}
	fmt_ns((double)w->p50, p50, sizeof(p50));
	fmt_ns((double)w->p99, p99, sizeof(p99));
	fmt_ns((double)w->p999, p999, sizeof(p999));
	fmt_ns((double)w->max, max, sizeof(max));
	fmt_rate(w->r.msgs_per_sec, rate, sizeof(rate));
	snprintf(mbs, sizeof(mbs), "%.1f", w->r.bytes_per_sec / 1e6);
	fmt_ns(w->cpu_ns_per_msg, cpu, sizeof(cpu));
	fprintf(f, "%9s %9s %9s %9s %9s %9s %9s", p50, p99, p999, max, rate,
		mbs, cpu);
	if (w->lost || w->r.side[c->wl->timer].duplicated ||
	    w->r.side[c->wl->timer].reordered || (c->ops->flags & TF_LOSSY))
		fprintf(f, "  lost %llu/%llu (%.2f%%)",
			(unsigned long long)w->lost,
			(unsigned long long)w->sent,
			w->sent ? 100.0 * (double)w->lost / (double)w->sent : 0);
	fputc('\n', f);
}

static void print_table(const struct report *rp, FILE *f)
{
	fprintf(f, "%-6s %-10s %-8s %-9s %-5s %-7s %9s %9s %9s %9s %9s %9s %9s\n",
		"method", "workload", "size", "placement", "wait", "latency",
		"p50", "p99", "p99.9", "max", "msg/s", "MB/s", "cpu/msg");
	for (unsigned i = 0; i < rp->n; i++)
		print_table_row(f, &rp->rows[i]);
	fputs("\nrtt = round trip (pingpong; msg/s counts both directions); one-way = send to arrival under load (throughput).\n"
	      "msg/s and MB/s are counted where messages arrive; cpu/msg is user+system CPU of both processes per message.\n",
	      f);
	fprintf(f, "placement: same-cpu = both on CPU %d, cross-cpu = CPU %d and %d; wait: block = sleeps in the kernel, spin = busy-polls a CPU.\n",
		rp->e->cpus.a, rp->e->cpus.a, rp->e->cpus.b);
	fprintf(f, "harness overhead: %.1f ns per sample (clock read + histogram add); results in %s\n",
		rp->e->sample_overhead_ns, rp->dir);
}

void report_print(const struct report *rp, FILE *f, enum report_format fmt)
{
	switch (fmt) {
	case FORMAT_TABLE:
		print_table(rp, f);
		break;
	case FORMAT_CSV:
		fputs(csv_header, f);
		for (unsigned i = 0; i < rp->n; i++)
			write_csv_row(f, &rp->rows[i]);
		break;
	case FORMAT_JSON:
		write_json(f, rp, true, false);
		break;
	}
}

void report_progress(FILE *f, const struct case_spec *c,
		     const struct case_result *r, unsigned total)
{
	struct row w;
	int width = snprintf(NULL, 0, "%u", total);

	make_row(&w, c, r);
	fprintf(f, "[%*u/%u] ", width, c->index, total);
	print_table_row(f, &w);
}

int report_close(struct report *rp, bool interrupted)
{
	int ret = save_json(rp, !interrupted, interrupted);

	if (fclose(rp->csv) && !ret)
		ret = -errno;
	free(rp->rows);
	free(rp);
	return ret;
}
