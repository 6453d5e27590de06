/*
 * test_csvread.c - the CSV reader on known inputs: lookup by column name,
 * quoting as report.c writes it (commas, quotes, line breaks inside
 * quotes), CRLF, numbers, and every malformed input it must refuse with
 * the file and line in the message.  Also: what csv_put_field writes
 * reads back the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "csvread.h"

static struct csv *parse(const char *text, char *err, size_t len, int *ret)
{
	struct csv *c = NULL;

	*ret = csv_parse("t.csv", text, strlen(text), &c, err, len);
	return c;
}

static void test_plain(void)
{
	char err[256] = "";
	int ret;
	struct csv *c = parse("id,p50_ns,extra\na,100,x\nb,250.5,\n", err,
			      sizeof(err), &ret);
	double v = 0;

	CHECK(ret == 0 && c, "parse: %d %s", ret, err);
	if (!c)
		return;
	CHECK_EQ_U64(c->n_cols, 3);
	CHECK_EQ_U64(c->n_rows, 2);
	CHECK(csv_col(c, "p50_ns") == 1, "column index");
	CHECK(csv_col(c, "nope") == -1, "missing column");
	CHECK(!strcmp(csv_get(c, 1, "id"), "b"), "get by name");
	CHECK(csv_get(c, 0, "nope") == NULL, "get of a missing column");
	CHECK(csv_get(c, 2, "id") == NULL, "get past the last row");
	CHECK(csv_get_num(c, 1, "p50_ns", &v) && v == 250.5, "number %g", v);
	CHECK(!csv_get_num(c, 1, "extra", &v), "an empty field is no number");
	CHECK(!csv_get_num(c, 0, "extra", &v), "'x' is no number");
	CHECK_EQ_U64(c->line[0], 2);
	CHECK_EQ_U64(c->line[1], 3);
	csv_free(c);
}

static void test_quoted(void)
{
	char err[256] = "";
	int ret;
	/* a comma, a doubled quote, a line break inside quotes, CRLF, an
	 * empty quoted field, and a last line without its newline */
	struct csv *c = parse("id,reason,info\r\n"
			      "a,\"shm: x, y\",\"say \"\"hi\"\"\"\r\n"
			      "b,\"two\nlines\",\"\"\n"
			      "c,plain,last", err, sizeof(err), &ret);

	CHECK(ret == 0 && c, "parse: %d %s", ret, err);
	if (!c)
		return;
	CHECK_EQ_U64(c->n_rows, 3);
	CHECK(!strcmp(csv_get(c, 0, "reason"), "shm: x, y"), "comma: '%s'",
	      csv_get(c, 0, "reason"));
	CHECK(!strcmp(csv_get(c, 0, "info"), "say \"hi\""), "quotes: '%s'",
	      csv_get(c, 0, "info"));
	CHECK(!strcmp(csv_get(c, 1, "reason"), "two\nlines"), "line break");
	CHECK(!strcmp(csv_get(c, 1, "info"), ""), "empty quoted field");
	CHECK(!strcmp(csv_get(c, 2, "info"), "last"), "no final newline");
	CHECK_EQ_U64(c->line[1], 3);
	CHECK_EQ_U64(c->line[2], 5);	/* the quoted line break counts */
	csv_free(c);
}

static void expect_error(const char *text, const char *want)
{
	char err[256] = "";
	int ret;
	struct csv *c = parse(text, err, sizeof(err), &ret);

	CHECK(ret == -EINVAL && !c, "'%s' must be refused", text);
	CHECK_STR_CONTAINS(err, want);
	csv_free(c);
}

static void test_malformed(void)
{
	expect_error("", "t.csv:1: empty file");
	expect_error("a,b\n1,2\n3\n", "t.csv:3: 1 fields, the header has 2");
	expect_error("a,b\n1,2,3\n", "t.csv:2: 3 fields, the header has 2");
	expect_error("a,b\n1,\"open\n2,3\n", "t.csv:2: a quoted field is not closed");
	expect_error("a,b\n1,\"x\"y\n", "t.csv:2: text after a closing quote");
	expect_error("a,b\n1,x\"y\n", "t.csv:2: a quote inside an unquoted field");
	expect_error("a,a\n1,2\n", "t.csv:1: column 'a' appears twice");
	expect_error("a,,c\n1,2,3\n", "t.csv:1: column 2 of the header has no name");
	expect_error("a,b\n1,2\n\n", "t.csv:3: 1 fields");
}

/* csv_put_field's output reads back as the same fields, one record a
 * line (a line break inside a field is written as a space). */
static void test_round_trip(void)
{
	static const char *const fields[] = {
		"plain", "with, comma", "a \"quote\"", "", "line\nbreak",
	};
	static const char *const back[] = {
		"plain", "with, comma", "a \"quote\"", "", "line break",
	};
	char err[256] = "", *buf = NULL;
	size_t len = 0, lines = 0;
	FILE *f = open_memstream(&buf, &len);
	struct csv *c = NULL;
	int ret;

	fputs("c0,c1,c2,c3,c4\n", f);
	for (size_t i = 0; i < 5; i++)
		csv_put_field(f, fields[i], i == 4);
	fclose(f);
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	CHECK_EQ_U64(lines, 2);
	ret = csv_parse("rt.csv", buf, len, &c, err, sizeof(err));
	CHECK(ret == 0 && c && c->n_rows == 1, "round trip: %s", err);
	for (size_t i = 0; c && i < 5; i++) {
		char name[8];

		snprintf(name, sizeof(name), "c%zu", i);
		CHECK(!strcmp(csv_get(c, 0, name), back[i]), "field %zu: '%s'",
		      i, csv_get(c, 0, name));
	}
	csv_free(c);
	free(buf);
}

static void test_file(void)
{
	char path[] = "/tmp/test_csvread.XXXXXX", err[512] = "";
	struct csv *c = NULL;
	int fd = mkstemp(path), ret;

	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	CHECK(write(fd, "id,x\nq,1\n", 9) == 9, "write");
	close(fd);
	ret = csv_read(path, &c, err, sizeof(err));
	CHECK(ret == 0 && c && c->n_rows == 1, "read a file: %s", err);
	csv_free(c);
	unlink(path);
	ret = csv_read(path, &c, err, sizeof(err));
	CHECK(ret == -ENOENT, "missing file: %d", ret);
	CHECK_STR_CONTAINS(err, path);
}

int main(void)
{
	test_plain();
	test_quoted();
	test_malformed();
	test_round_trip();
	test_file();
	return check_summary("csvread");
}
