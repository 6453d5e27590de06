/*
 * rundir.c - read a results directory back: summary.csv and
 * repetitions.csv through csvread.c, results.json through json-c, and the
 * .hgrm percentile distributions.
 *
 * The columns every reader relies on are required; whatever else a row
 * holds is looked up by name when asked for.  Which column is a case's
 * headline and which way it is better is read from the row (the writer
 * decided it), never worked out again here.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rundir.h"
#include "util.h"

/* What compare, claims and explain read of every case. */
static const char *const required[] = { "id", "transport", "workload",
					"status", "headline",
					"headline_better" };

/* The string member key of results.json's "environment", into out. */
static void env_str(const struct rundir *rd, const char *key, char *out,
		    size_t len)
{
	struct json_object *env, *v;

	out[0] = '\0';
	if (rd->json && json_object_object_get_ex(rd->json, "environment",
						  &env) &&
	    json_object_object_get_ex(env, key, &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(out, len, "%s", json_object_get_string(v));
}

/*
 * results.json: missing leaves rd->json NULL with the reason in json_err
 * (the CSV files are the run's figures; results.json only adds the
 * environment and the suite).  One that exists but is not a JSON object is
 * a damaged run: -EINVAL, with the file named in err.
 */
static int read_json(struct rundir *rd, char *err, size_t len)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/results.json", rd->path);
	if (access(path, F_OK)) {
		snprintf(rd->json_err, sizeof(rd->json_err), "%s: %s", path,
			 strerror(errno));
		return 0;
	}
	rd->json = json_object_from_file(path);
	if (!rd->json || !json_object_is_type(rd->json, json_type_object)) {
		snprintf(err, len, "%s: not a valid results file: %s", path,
			 rd->json ? "not a JSON object" :
			 json_util_get_last_err() ? json_util_get_last_err() :
			 "cannot be read");
		err[strcspn(err, "\n")] = '\0';
		return -EINVAL;
	}
	env_str(rd, "host", rd->host, sizeof(rd->host));
	env_str(rd, "cpu_model", rd->cpu_model, sizeof(rd->cpu_model));
	env_str(rd, "kernel", rd->kernel, sizeof(rd->kernel));
	return 0;
}

static uint64_t num_or_zero(const struct csv *c, unsigned r, const char *col)
{
	double v;

	return csv_get_num(c, r, col, &v) && v >= 0 ? (uint64_t)v : 0;
}

static const char *text_or_empty(const struct csv *c, unsigned r,
				 const char *col)
{
	const char *s = csv_get(c, r, col);

	return s ? s : "";
}

static void fill_case(struct rundir_case *rc, const struct csv *s, unsigned r)
{
	rc->row = r;
	rc->id = csv_get(s, r, "id");
	rc->transport = csv_get(s, r, "transport");
	rc->workload = csv_get(s, r, "workload");
	rc->status = csv_get(s, r, "status");
	rc->placement = text_or_empty(s, r, "placement");
	rc->wait = text_or_empty(s, r, "wait");
	rc->reason = text_or_empty(s, r, "reason");
	rc->size = num_or_zero(s, r, "size_bytes");
	rc->rate = num_or_zero(s, r, "rate");
	rc->stall_ms = num_or_zero(s, r, "stall_ms");
	rc->ok = !strcmp(rc->status, "ok");
	rc->headline = csv_get(s, r, "headline");
	rc->higher_is_better = !strcmp(csv_get(s, r, "headline_better"),
				       "higher");
}

static struct rundir_case *find_case(const struct rundir *rd, const char *id)
{
	for (unsigned i = 0; id && i < rd->n_cases; i++)
		if (!strcmp(rd->cases[i].id, id))
			return &rd->cases[i];
	return NULL;
}

/* Hand each ok row of repetitions.csv to its case. */
static int index_reps(struct rundir *rd)
{
	const struct csv *rp = rd->reps;

	for (unsigned r = 0; r < rp->n_rows; r++) {
		struct rundir_case *c = find_case(rd, csv_get(rp, r, "id"));
		unsigned *rows;

		if (!c || strcmp(csv_get(rp, r, "status"), "ok"))
			continue;
		rows = realloc(c->rep_rows, (c->n_rep_rows + 1) * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		c->rep_rows = rows;
		c->rep_rows[c->n_rep_rows++] = r;
	}
	return 0;
}

/* The required columns of file f (name for messages).  A file with the
 * first ones but not the later is an older ipcbench's. */
static int check_columns(const struct csv *f, const char *name, char *err,
			 size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		if (csv_col(f, required[i]) >= 0)
			continue;
		if (csv_col(f, "id") >= 0 && csv_col(f, "status") >= 0)
			snprintf(err, len, "%s: no column '%s': written by an older ipcbench, which did not record it; run the suite again with this one",
				 name, required[i]);
		else
			snprintf(err, len, "%s: no column '%s': not an ipcbench results file",
				 name, required[i]);
		return -EINVAL;
	}
	return 0;
}

/* Read dir/name into *out; -ENOENT quietly (err untouched) when absent
 * and optional. */
static int read_csv(struct rundir *rd, const char *name, bool optional,
		    struct csv **out, char *err, size_t len)
{
	char path[PATH_MAX + 32];
	struct stat st;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", rd->path, name);
	if (optional && stat(path, &st) && errno == ENOENT)
		return -ENOENT;
	ret = csv_read(path, out, err, len);
	return ret ? ret : check_columns(*out, path, err, len);
}

int rundir_open(const char *dir, struct rundir **out, char *err, size_t len)
{
	struct rundir *rd;
	struct stat st;
	int ret;

	ret = stat(dir, &st) ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (ret) {
		snprintf(err, len, "'%s' is not a results directory: %s", dir,
			 strerror(-ret));
		return ret;
	}
	rd = calloc(1, sizeof(*rd));
	if (!rd) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	snprintf(rd->path, sizeof(rd->path), "%s", dir);
	ret = read_csv(rd, "summary.csv", false, &rd->summary, err, len);
	if (ret)
		goto out_close;
	rd->n_cases = rd->summary->n_rows;
	rd->cases = calloc(rd->n_cases ? rd->n_cases : 1, sizeof(*rd->cases));
	ret = rd->cases ? 0 : -ENOMEM;
	for (unsigned r = 0; !ret && r < rd->n_cases; r++)
		fill_case(&rd->cases[r], rd->summary, r);
	if (!ret) {
		ret = read_csv(rd, "repetitions.csv", true, &rd->reps, err,
			       len);
		if (ret == -ENOENT)
			ret = 0;
		else if (!ret)
			ret = index_reps(rd);
	}
	if (ret == -ENOMEM)
		snprintf(err, len, "out of memory");
	if (!ret)
		ret = read_json(rd, err, len);
	if (ret)
		goto out_close;
	*out = rd;
	return 0;
out_close:
	rundir_close(rd);
	return ret;
}

void rundir_close(struct rundir *rd)
{
	if (!rd)
		return;
	for (unsigned i = 0; rd->cases && i < rd->n_cases; i++)
		free(rd->cases[i].rep_rows);
	free(rd->cases);
	csv_free(rd->summary);
	csv_free(rd->reps);
	if (rd->json)
		json_object_put(rd->json);
	free(rd);
}

const struct rundir_case *rundir_find(const struct rundir *rd,
				      const char *id)
{
	return find_case(rd, id);
}

int rundir_stats(const struct rundir *rd, const struct rundir_case *c,
		 const char *column, struct stats *st)
{
	unsigned n = 0, max = c->n_rep_rows ? c->n_rep_rows : 1;
	double *v = malloc(max * sizeof(*v));

	if (!v) {
		stats_describe(NULL, 0, st);
		return -ENOMEM;
	}
	if (c->n_rep_rows) {
		for (unsigned i = 0; i < c->n_rep_rows; i++)
			n += csv_get_num(rd->reps, c->rep_rows[i], column, &v[n]);
	} else if (c->ok) {
		n += csv_get_num(rd->summary, c->row, column, &v[n]);
	}
	stats_describe(v, n, st);
	free(v);
	return 0;
}

const char *rundir_text(const struct rundir *rd, const struct rundir_case *c,
			const char *column)
{
	return text_or_empty(rd->summary, c->row, column);
}

bool rundir_num(const struct rundir *rd, const struct rundir_case *c,
		const char *column, double *out)
{
	return csv_get_num(rd->summary, c->row, column, out);
}

/* One line of a .hgrm: 4 numbers, the last "inf" on the final line. */
static bool hgrm_line(const char *line, double v[4])
{
	char *end;

	for (int k = 0; k < 4; k++) {
		line += strspn(line, " \t");
		errno = 0;
		v[k] = strtod(line, &end);
		if (end == line || errno)
			return false;
		line = end;
	}
	return line[strspn(line, " \t\r\n")] == '\0';
}

int rundir_hgrm(const struct rundir *rd, const struct rundir_case *c,
		const char *suffix, double **out, unsigned *n, char *err,
		size_t len)
{
	char path[PATH_MAX + 512], line[512];
	unsigned lineno = 0, cap = 0;
	double *v = NULL;
	int ret = 0;
	FILE *f;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/hgrm/%s%s.hgrm", rd->path, c->id,
		 suffix);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t");
		double x[4];

		lineno++;
		/* the header, the column names, the footer ("#[Mean ...") */
		if (*p == '#' || *p == '\n' || *p == '\0' || !strncmp(p, "Value", 5))
			continue;
		if (!hgrm_line(p, x)) {
			snprintf(err, len, "%s:%u: not a line of 4 numbers (value, percentile, count, 1/(1-percentile))",
				 path, lineno);
			ret = -EINVAL;
			break;
		}
		if (*n == cap) {
			double *grown = realloc(v, (cap ? 2 * cap : 64) * 4 *
						   sizeof(*v));

			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			v = grown;
			cap = cap ? 2 * cap : 64;
		}
		memcpy(&v[4 * *n], x, sizeof(x));
		(*n)++;
	}
	fclose(f);
	if (ret) {
		free(v);
		*n = 0;
		return ret;
	}
	*out = v;
	return 0;
}
