/*
 * report.c - write results as they arrive: summary.csv (one row per case,
 * units in column names, with the spread across repetitions),
 * repetitions.csv (one row per repetition, when there are several),
 * results.json (report_json.c), hgrm/<case>.hgrm (HdrHistogram percentile
 * distribution in microseconds, merged over repetitions).  The terminal
 * table is report_table.c.
 *
 * Every finished repetition updates its case's aggregate (aggregate.c) and
 * every output is printed from those aggregates, so the table, the CSV and
 * the JSON always agree.  summary.csv and results.json are rewritten whole
 * through a temporary file and rename(), so an interrupted run leaves valid
 * files.  This module runs nothing and measures nothing.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "columns.h"
#include "report_int.h"
#include "util.h"

const char *const report_status_names[] = {
	[CASE_OK] = "ok", [CASE_SKIPPED] = "skipped", [CASE_FAILED] = "failed",
};

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

/* What the output directory is called in messages. */
static void out_dir_fail(char *err, size_t len, bool fresh, const char *what,
			 const char *path)
{
	if (fresh)
		snprintf(err, len, "cannot create the results directory: %s '%s': %s (set IPCBENCH_RESULTS or use --output)",
			 what, path, strerror(errno));
	else
		snprintf(err, len, "--output: %s '%s': %s", what, path,
			 strerror(errno));
}

/*
 * mkdir -p.  The leaf must be new when fresh (so two runs can never share
 * one directory), or else new or empty.  *made is set to the length of the
 * shallowest directory this call created (0: none), for out_dir_undo().
 */
static int make_out_dir(const char *dir, bool fresh, size_t *made, char *err,
			size_t len)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	*made = 0;
	if (n == 0 || n >= sizeof(path)) {
		snprintf(err, len, "--output: '%s' is not a usable path", dir);
		return -EINVAL;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) == 0) {
			if (!*made)
				*made = (size_t)(p - path);
		} else if (errno != EEXIST) {
			goto fail;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) == 0) {
		if (!*made)
			*made = n;
		return 0;
	}
	if (errno == EEXIST && !fresh && dir_is_empty(path))
		return 0;
	if (errno == EEXIST) {
		snprintf(err, len, "--output: '%s' exists and is not empty (choose a new directory)",
			 dir);
		return -EEXIST;
	}
fail:
	n = (size_t)errno;
	out_dir_fail(err, len, fresh, "cannot create", path);
	return -(int)n;
}

/*
 * Undo report_open() after a failure: remove the files it made in dir,
 * then the directories make_out_dir() created, deepest first, so that a
 * failed start leaves nothing behind.
 */
static void out_dir_undo(const char *dir, size_t made)
{
	static const char *const files[] = {
		"summary.csv", "repetitions.csv", ".summary.csv.tmp",
		".results.json.tmp", "results.json", "hgrm",
	};
	char path[PATH_MAX + 32];
	size_t n = strlen(dir);

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (unlink(path) && errno == EISDIR)
			rmdir(path);
	}
	if (!made || n >= sizeof(path))
		return;
	memcpy(path, dir, n + 1);
	for (size_t i = n; i >= made; i--) {
		if (i < n && path[i] != '/')
			continue;
		path[i] = '\0';
		if (rmdir(path))
			return;
	}
}

static int save_json(const struct report *rp, bool complete, bool interrupted);
static int save_csv(const struct report *rp);

int report_open(const char *dir, bool fresh, const struct suite *s,
		const struct env *e, struct report **out, char *err, size_t len)
{
	struct report *rp;
	char path[PATH_MAX + 16];
	size_t made;
	int ret;

	rp = calloc(1, sizeof(*rp));
	if (!rp) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	ret = make_out_dir(dir, fresh, &made, err, len);
	if (ret)
		goto out_free;
	snprintf(rp->dir, sizeof(rp->dir), "%s", dir);
	rp->s = s;
	rp->e = e;
	snprintf(path, sizeof(path), "%s/hgrm", dir);
	if (mkdir(path, 0755)) {
		ret = -errno;
		out_dir_fail(err, len, fresh, "cannot create", path);
		goto out_undo;
	}
	rp->total_reps = s->repetitions ? (unsigned)s->repetitions : 1;
	ret = save_csv(rp);
	if (ret) {
		errno = -ret;
		snprintf(path, sizeof(path), "%s/summary.csv", dir);
		out_dir_fail(err, len, fresh, "cannot write", path);
		goto out_undo;
	}
	if (rp->total_reps > 1) {
		snprintf(path, sizeof(path), "%s/repetitions.csv", dir);
		rp->reps_csv = fopen(path, "we");
		if (rp->reps_csv)
			columns_put_header(rp->reps_csv, column_in_repetitions);
		if (!rp->reps_csv || ferror(rp->reps_csv) ||
		    fflush(rp->reps_csv)) {
			ret = -errno;
			out_dir_fail(err, len, fresh, "cannot write", path);
			goto out_undo;
		}
	}
	/* A valid results.json from the start, and proof that it can be
	 * written before any case runs. */
	ret = save_json(rp, false, false);
	if (ret) {
		errno = -ret;
		snprintf(path, sizeof(path), "%s/results.json", dir);
		out_dir_fail(err, len, fresh, "cannot write", path);
		goto out_undo;
	}
	*out = rp;
	return 0;
out_undo:
	if (rp->reps_csv)
		fclose(rp->reps_csv);
	out_dir_undo(dir, made);
out_free:
	free(rp);
	return ret;
}

const char *report_dir(const struct report *rp)
{
	return rp->dir;
}

/*
 * The floor under a round trip of this wait mode and placement, from the
 * run's calibration: a bare cache-line ping-pong for a spinning method, a
 * bare futex ping-pong for a blocking one.  NAN for one-way figures and
 * unpinned cases, whose floor is unknown.
 */
static double floor_of(const struct report *rp, const struct view *v)
{
	const struct calib *cal = &rp->e->calib;

	if (v->c->wl->msgs_per_sample != 2)
		return NAN;
	if (v->c->placement == PLACE_CROSS_CPU)
		return v->wait == WAIT_SPIN ? cal->spin_rtt_cross_ns :
				  cal->futex_rtt_cross_ns;
	if (v->c->placement == PLACE_SAME_CPU && v->wait != WAIT_SPIN)
		return cal->futex_rtt_same_ns;
	return NAN;
}

void report_view_case(const struct report *rp, const struct case_agg *a,
		      struct view *v)
{
	*v = (struct view){ .c = a->c, .a = a, .status = a->status,
			    .reason = a->reason, .f = &a->f, .wait = a->wait,
			    .r = &a->reps[a->n_reps - 1].r };
	v->floor_ns = floor_of(rp, v);
}

void report_view_rep(const struct report *rp, const struct case_agg *a,
		     unsigned i, struct view *v)
{
	const struct rep_result *x = &a->reps[i];

	*v = (struct view){ .c = a->c, .rep = x->rep, .status = x->r.status,
			    .reason = x->r.reason, .r = &x->r, .f = &x->f,
			    .wait = x->r.wait };
	v->floor_ns = floor_of(rp, v);
}

/* summary.csv: the header and one row per case that has run. */
static void write_csv(FILE *f, const struct report *rp)
{
	struct view v;

	columns_put_header(f, column_in_summary);
	for (unsigned i = 0; i < rp->n_aggs; i++) {
		if (!rp->aggs[i].n_reps)
			continue;
		report_view_case(rp, &rp->aggs[i], &v);
		columns_put_csv(f, &v, column_in_summary);
	}
}

/* Write dir/name whole: a temporary file, fsync, rename. */
static int save_file(const struct report *rp, const char *name,
		     void (*write)(FILE *, const struct report *, bool, bool),
		     bool complete, bool interrupted)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 32];
	FILE *f;
	int ret = 0;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", rp->dir, name);
	snprintf(path, sizeof(path), "%s/%s", rp->dir, name);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	write(f, rp, complete, interrupted);
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

static void write_csv_file(FILE *f, const struct report *rp, bool complete,
			   bool interrupted)
{
	(void)complete;
	(void)interrupted;
	write_csv(f, rp);
}

static int save_csv(const struct report *rp)
{
	return save_file(rp, "summary.csv", write_csv_file, false, false);
}

static int save_json(const struct report *rp, bool complete, bool interrupted)
{
	return save_file(rp, "results.json", report_write_json, complete,
			 interrupted);
}

/* hgrm/<id><suffix>.hgrm */
static int save_hgrm(const struct report *rp, const struct case_spec *c,
		     const char *suffix, const struct hist *h)
{
	char path[PATH_MAX + 256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/hgrm/%s%s.hgrm", rp->dir, c->id,
		 suffix);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	ret = hist_write_hgrm(h, f, 5, 1000.0);
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* The aggregate of case c, made when its first repetition arrives. */
static struct case_agg *agg_of(struct report *rp, const struct case_spec *c)
{
	if (c->index > rp->cap) {
		unsigned cap = rp->cap ? 2 * rp->cap : 64;
		struct case_agg *aggs;

		while (cap < c->index)
			cap *= 2;
		aggs = realloc(rp->aggs, cap * sizeof(*aggs));
		if (!aggs)
			return NULL;
		memset(aggs + rp->cap, 0, (cap - rp->cap) * sizeof(*aggs));
		rp->aggs = aggs;
		rp->cap = cap;
	}
	if (c->index > rp->n_aggs)
		rp->n_aggs = c->index;
	return &rp->aggs[c->index - 1];
}

static int keep_first(int ret, int err)
{
	return ret ? ret : err;
}

int report_case(struct report *rp, const struct case_spec *c, unsigned rep,
		const struct case_result *r)
{
	struct case_agg *a = agg_of(rp, c);
	struct view v;
	int ret;

	if (!a)
		return -ENOMEM;
	ret = agg_add(a, c, rep, rp->total_reps, r);
	if (rp->reps_csv) {
		report_view_rep(rp, a, a->n_reps - 1, &v);
		columns_put_csv(rp->reps_csv, &v, column_in_repetitions);
		if (fflush(rp->reps_csv))
			ret = keep_first(ret, -errno);
	}
	if (a->hist && r->status == CASE_OK)
		ret = keep_first(ret, save_hgrm(rp, c, "", a->hist));
	if (a->hist_uncorrected && r->status == CASE_OK)
		ret = keep_first(ret, save_hgrm(rp, c, ".uncorrected",
						a->hist_uncorrected));
	ret = keep_first(ret, save_csv(rp));
	return keep_first(ret, save_json(rp, false, false));
}

void report_progress(FILE *f, const struct report *rp,
		     const struct case_spec *c, unsigned total)
{
	const struct case_agg *a = &rp->aggs[c->index - 1];
	int width = snprintf(NULL, 0, "%u", total);
	struct view v;

	report_view_rep(rp, a, a->n_reps - 1, &v);
	if (rp->total_reps > 1)
		fprintf(f, "[rep %u/%u] ", v.rep, rp->total_reps);
	fprintf(f, "[%*u/%u] ", width, c->index, total);
	report_print_line(f, &v, 1);
}

void report_print(const struct report *rp, FILE *f, enum output_format fmt)
{
	switch (fmt) {
	case FORMAT_TABLE:
		report_print_table(rp, f);
		break;
	case FORMAT_CSV:
		write_csv(f, rp);
		break;
	case FORMAT_JSON:
		report_write_json(f, rp, true, false);
		break;
	}
}

int report_close(struct report *rp, bool interrupted)
{
	int ret = save_json(rp, !interrupted, interrupted);

	if (rp->reps_csv && fclose(rp->reps_csv) && !ret)
		ret = -errno;
	for (unsigned i = 0; i < rp->n_aggs; i++)
		agg_free(&rp->aggs[i]);
	free(rp->aggs);
	free(rp);
	return ret;
}
