/*
 * csvread.c - a strict reader for the CSV files report.c writes, and the
 * one quoting rule both sides share (csv_put_field).
 *
 * The whole file is read into memory and unquoted in place: a field never
 * grows when its quotes are removed, so each field is written over the
 * text it came from and ends with a NUL.  Rows are addressed by column
 * name.  This module knows nothing of cases or results; rundir.c does.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

/* Our files are a few MB at most; this only stops a wrong path early. */
#define CSV_MAX_BYTES (256u << 20)

struct parser {
	const char *name;
	char *p, *end;			/* reading */
	char *w;			/* writing, never ahead of p */
	unsigned line;			/* of p, 1-based */
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, unsigned line, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%u: %s", ps->name, line, what);
	return -EINVAL;
}

static bool at_crlf(const struct parser *ps)
{
	return ps->p + 1 < ps->end && ps->p[0] == '\r' && ps->p[1] == '\n';
}

/* One field into ps->w; *term: ',', '\n', or 0 at the end of the text. */
static int parse_field(struct parser *ps, int *term)
{
	if (ps->p < ps->end && *ps->p == '"') {
		unsigned line0 = ps->line;

		for (ps->p++;; ps->p++) {
			if (ps->p == ps->end)
				return fail(ps, line0, "a quoted field is not closed");
			if (*ps->p == '"') {
				if (ps->p + 1 == ps->end || ps->p[1] != '"')
					break;
				ps->p++;	/* "" is one quote */
			}
			if (*ps->p == '\0')
				return fail(ps, ps->line, "a NUL byte");
			ps->line += *ps->p == '\n';
			*ps->w++ = *ps->p;
		}
		ps->p++;		/* the closing quote */
	} else {
		for (; ps->p < ps->end && *ps->p != ',' && *ps->p != '\n' &&
		       !at_crlf(ps); ps->p++) {
			if (*ps->p == '"')
				return fail(ps, ps->line, "a quote inside an unquoted field");
			if (*ps->p == '\0')
				return fail(ps, ps->line, "a NUL byte");
			*ps->w++ = *ps->p;
		}
	}
	if (ps->p == ps->end) {
		*term = 0;
	} else if (*ps->p == ',' || *ps->p == '\n' || at_crlf(ps)) {
		*term = *ps->p == ',' ? ',' : '\n';
		ps->p += at_crlf(ps) ? 2 : 1;
		ps->line += *term == '\n';
	} else {
		return fail(ps, ps->line, "text after a closing quote");
	}
	*ps->w++ = '\0';
	return 0;
}

/* Append v to a growing array of n items of size sz. */
static int push(void **arr, size_t *cap, size_t n, size_t sz, const void *v)
{
	if (n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		void *a = realloc(*arr, ncap * sz);

		if (!a)
			return -ENOMEM;
		*arr = a;
		*cap = ncap;
	}
	memcpy((char *)*arr + n * sz, v, sz);
	return 0;
}

/* The header: names present and unique. */
static int check_header(struct parser *ps, struct csv *c)
{
	for (unsigned i = 0; i < c->n_cols; i++) {
		if (!c->col[i][0])
			return fail(ps, 1, "column %u of the header has no name",
				    i + 1);
		for (unsigned k = 0; k < i; k++)
			if (!strcmp(c->col[i], c->col[k]))
				return fail(ps, 1, "column '%s' appears twice in the header",
					    c->col[i]);
	}
	return 0;
}

static int parse_records(struct parser *ps, struct csv *c)
{
	size_t n = 0, cap = 0, lines = 0, lcap = 0;
	char **cells = NULL;
	int term = 0, ret = 0;

	while (!ret && ps->p < ps->end) {
		unsigned line0 = ps->line;
		size_t first = n;

		do {
			char *field = ps->w;

			ret = parse_field(ps, &term);
			if (!ret)
				ret = push((void **)&cells, &cap, n++, sizeof(*cells),
					   &field);
		} while (!ret && term == ',');
		if (ret)
			break;
		if (!first) {
			c->n_cols = (unsigned)n;
			continue;
		}
		if (n - first != c->n_cols)
			ret = fail(ps, line0, "%zu fields, the header has %u",
				   n - first, c->n_cols);
		else
			ret = push((void **)&c->line, &lcap, lines++,
				   sizeof(*c->line), &line0);
	}
	if (!ret && !n)
		ret = fail(ps, 1, "empty file: no header");
	c->col = cells;
	c->cell = cells ? cells + c->n_cols : NULL;
	c->n_rows = (unsigned)lines;
	return ret ? ret : check_header(ps, c);
}

int csv_parse(const char *name, const char *text, size_t len,
	      struct csv **out, char *err, size_t errlen)
{
	struct parser ps = { .name = name, .line = 1, .err = err,
			     .errlen = errlen };
	struct csv *c = calloc(1, sizeof(*c));
	int ret;

	if (!c || !(c->name = strdup(name)) || !(c->text = malloc(len + 1))) {
		csv_free(c);
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	ps.p = ps.w = c->text;
	ps.end = c->text + len;
	ret = parse_records(&ps, c);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", name);
	if (ret) {
		csv_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int csv_read(const char *path, struct csv **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int ret = 0;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", path,
			 strerror(errno));
		return ret;
	}
	while (!ret) {
		size_t got;

		if (cap - len < 65536) {
			char *b = cap >= CSV_MAX_BYTES ? NULL :
				  realloc(buf, cap ? 2 * cap : 65536);

			if (!b) {
				ret = cap >= CSV_MAX_BYTES ? -EFBIG : -ENOMEM;
				snprintf(err, errlen, "cannot read '%s': %s",
					 path, strerror(-ret));
				break;
			}
			buf = b;
			cap = cap ? 2 * cap : 65536;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0 && ferror(f)) {
			ret = -EIO;
			snprintf(err, errlen, "cannot read '%s': %s", path,
				 strerror(EIO));
		} else if (got == 0) {
			break;
		}
	}
	fclose(f);
	if (!ret)
		ret = csv_parse(path, buf ? buf : "", len, out, err, errlen);
	free(buf);
	return ret;
}

void csv_free(struct csv *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->text);
	free(c->col);
	free(c->line);
	free(c);
}

int csv_col(const struct csv *c, const char *name)
{
	for (unsigned i = 0; i < c->n_cols; i++)
		if (!strcmp(c->col[i], name))
			return (int)i;
	return -1;
}

const char *csv_get(const struct csv *c, unsigned r, const char *name)
{
	int i = csv_col(c, name);

	if (i < 0 || r >= c->n_rows)
		return NULL;
	return c->cell[(size_t)r * c->n_cols + (unsigned)i];
}

bool csv_get_num(const struct csv *c, unsigned r, const char *name,
		 double *out)
{
	const char *s = csv_get(c, r, name);
	char *end;
	double v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

void csv_put_field(FILE *f, const char *s, bool last)
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
