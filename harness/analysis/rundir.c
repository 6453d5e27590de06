/*
 * rundir.c - read a results directory back: summary.csv and
 * repetitions.csv through csvread.c, and the three environment strings
 * compare warns about from results.json.
 *
 * results.json is not parsed as a whole (there is no JSON parser here and
 * no need for one): a small scanner walks the members of its top-level
 * "environment" object, skipping any value it does not want, and decodes
 * the few flat strings asked for.  A file it cannot follow leaves them
 * empty, which only silences a warning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rundir.h"
#include "util.h"
#include "workload.h"

static const char *const required[] = { "id", "transport", "workload",
					"status" };

/* The end of the JSON string starting at s (after its opening quote). */
static const char *json_skip_str(const char *s)
{
	for (; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s + 1 : NULL;
}

/* Decode the JSON string at s (after its quote) into out; ASCII escapes
 * only, anything else becomes '?'. */
static void json_decode(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && *s != '"' && n + 1 < len; s++) {
		char ch = *s;

		if (ch == '\\' && s[1]) {
			ch = *++s;
			if (ch == 'u')
				for (int k = 0; k < 4 && s[1]; k++)
					s++;
			ch = strchr("\"\\/", ch) ? ch : ch == 'u' ? '?' : ' ';
		}
		out[n++] = ch;
	}
	out[n] = '\0';
}

/* Skip one JSON value at s: to the ',' or '}' after it; NULL if none. */
static const char *json_skip_value(const char *s)
{
	int depth = 0;

	while (*s) {
		if (*s == '"') {
			s = json_skip_str(s + 1);
			if (!s)
				return NULL;
			continue;
		}
		if (!depth && strchr(",}]", *s))
			return s;
		depth += (*s == '{' || *s == '[') - (*s == '}' || *s == ']');
		s++;
	}
	return NULL;
}

/* The string member key of results.json's "environment", into out. */
static void json_env_str(const char *json, const char *key, char *out,
			 size_t len)
{
	const char *s = strstr(json, "\"environment\":");

	out[0] = '\0';
	if (!s || !(s = strchr(s, '{')))
		return;
	for (s++;;) {
		const char *name, *end;

		s += strspn(s, " \t\r\n,");
		if (*s != '"')
			return;
		name = s + 1;
		end = json_skip_str(name);
		if (!end)
			return;
		s = end + strspn(end, " \t\r\n");
		if (*s++ != ':')
			return;
		s += strspn(s, " \t\r\n");
		if ((size_t)(end - 1 - name) == strlen(key) &&
		    !strncmp(name, key, strlen(key))) {
			if (*s == '"')
				json_decode(s + 1, out, len);
			return;
		}
		s = json_skip_value(s);
		if (!s || *s != ',')
			return;
	}
}

static void read_env(struct rundir *rd)
{
	char path[PATH_MAX + 16], *json;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/results.json", rd->path);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || n > (64L << 20) ||
	    fseek(f, 0, SEEK_SET) || !(json = malloc((size_t)n + 1))) {
		fclose(f);
		return;
	}
	json[fread(json, 1, (size_t)n, f)] = '\0';
	fclose(f);
	json_env_str(json, "host", rd->host, sizeof(rd->host));
	json_env_str(json, "cpu_model", rd->cpu_model, sizeof(rd->cpu_model));
	json_env_str(json, "kernel", rd->kernel, sizeof(rd->kernel));
	free(json);
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
	const struct workload *wl;

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
	wl = workload_find(rc->workload);
	rc->higher_is_better = wl && wl_rate_headline(wl, rc->rate);
	rc->headline = rc->higher_is_better ? "msgs_per_sec" : "p50_ns";
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

/* The required columns of file f (name for messages). */
static int check_columns(const struct csv *f, const char *name, char *err,
			 size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		if (csv_col(f, required[i]) < 0) {
			snprintf(err, len, "%s: no column '%s': not an ipcbench results file",
				 name, required[i]);
			return -EINVAL;
		}
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
	if (ret)
		goto out_close;
	read_env(rd);
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
