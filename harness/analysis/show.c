/*
 * show.c - print a results directory as one JSON document, for the
 * scripts that draw and explain runs (scripts/charts).
 *
 * Everything comes through rundir.c, the one reader, and every field is
 * typed by the schema in columns.c: a number column is a JSON number (its
 * text copied as the run wrote it) or null, a flag true/false/null, the
 * options an object.  A column this ipcbench does not know (a newer
 * writer's) is a string.  It computes no figure: what the charts show is
 * what the run recorded.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "rundir.h"
#include "show.h"
#include "transport.h"
#include "util.h"

/* One field of a summary.csv row as the JSON value its column's kind
 * says. */
static void put_field(FILE *f, const struct rundir *rd, unsigned row,
		      const char *name)
{
	column_put_json(f, column_find(name), csv_get(rd->summary, row, name));
}

/* "key": [[value, percentile, count, inverse], ...]; inf is null. */
static int put_hgrm(FILE *f, const struct rundir *rd,
		    const struct rundir_case *c, const char *key,
		    const char *suffix, char *err, size_t len)
{
	unsigned n = 0;
	double *v;
	int ret = rundir_hgrm(rd, c, suffix, &v, &n, err, len);

	if (ret && ret != -ENOENT)
		return ret;
	fprintf(f, ", \"%s\": [", key);
	for (unsigned i = 0; i < n; i++) {
		const double *x = &v[4 * i];

		fprintf(f, "%s[%.6g, %.6g, %.0f, ", i ? ", " : "", x[0], x[1],
			x[2]);
		if (isfinite(x[3]))
			fprintf(f, "%.6g]", x[3]);
		else
			fputs("null]", f);
	}
	fputc(']', f);
	free(v);
	return 0;
}

/* results.json's member key, verbatim (or null), as "as". */
static void put_json_member(FILE *f, const struct rundir *rd, const char *key,
			    const char *as)
{
	struct json_object *v = NULL;

	fprintf(f, ",\n  \"%s\": ", as);
	if (rd->json && json_object_object_get_ex(rd->json, key, &v))
		fputs(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		      f);
	else
		fputs("null", f);
}

/* The document, to out; 0 or the -errno of a malformed .hgrm. */
static int put_run(FILE *out, const char *dir, const struct rundir *rd,
		   char *err, size_t len)
{
	const struct csv *s = rd->summary;
	int ret = 0;

	fputs("{\n  \"format\": \"ipcbench-show-1\",\n  \"path\": ", out);
	json_put_str(out, dir);
	put_json_member(out, rd, "format", "results_format");
	put_json_member(out, rd, "complete", "complete");
	put_json_member(out, rd, "interrupted", "interrupted");
	put_json_member(out, rd, "environment", "environment");
	put_json_member(out, rd, "suite", "suite");
	if (!rd->json) {
		fputs(",\n  \"results_json_error\": ", out);
		json_put_str(out, rd->json_err);
	}
	fputs(",\n  \"transports\": [", out);
	for (unsigned i = 0; transport_registry[i]; i++) {
		fputs(i ? ", " : "", out);
		json_put_str(out, transport_registry[i]->name);
	}
	fputs("],\n  \"columns\": [", out);
	for (unsigned k = 0; k < s->n_cols; k++) {
		fputs(k ? ", " : "", out);
		json_put_str(out, s->col[k]);
	}
	fputs("],\n  \"cases\": [", out);
	for (unsigned i = 0; !ret && i < rd->n_cases; i++) {
		fputs(i ? ",\n    {" : "\n    {", out);
		for (unsigned k = 0; k < s->n_cols; k++) {
			fputs(k ? ", " : "", out);
			json_put_str(out, s->col[k]);
			fputs(": ", out);
			put_field(out, rd, i, s->col[k]);
		}
		ret = put_hgrm(out, rd, &rd->cases[i], "hgrm", "", err, len);
		if (!ret)
			ret = put_hgrm(out, rd, &rd->cases[i],
				       "hgrm_uncorrected", ".uncorrected", err,
				       len);
		fputc('}', out);
	}
	fputs("\n  ]\n}\n", out);
	return ret;
}

int show_run(const char *dir, FILE *out, char *err, size_t len)
{
	struct rundir *rd;
	char *doc = NULL;
	size_t n = 0;
	FILE *mem;
	int ret;

	ret = rundir_open(dir, &rd, err, len);
	if (ret)
		return ret;
	/* Whole or nothing: a damaged .hgrm found half-way must not leave
	 * half a document on out. */
	mem = open_memstream(&doc, &n);
	if (!mem) {
		ret = -errno;
		snprintf(err, len, "out of memory");
	} else {
		ret = put_run(mem, dir, rd, err, len);
		if (fclose(mem) && !ret) {
			ret = -ENOMEM;
			snprintf(err, len, "out of memory");
		}
	}
	if (!ret && fwrite(doc, 1, n, out) != n) {
		ret = -EIO;
		snprintf(err, len, "cannot write the document: %s",
			 strerror(errno));
	}
	free(doc);
	rundir_close(rd);
	return ret;
}
