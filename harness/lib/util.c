/*
 * util.c - small helpers of the harness: sizes, durations and rates for
 * people, JSON string literals, one-line messages, comma lists.
 *
 * The strict number parsers live one layer down, in transports/base.c,
 * because transport options are parsed with them too.  This module prints
 * nothing but what it is asked to format.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static void format_size_unit(uint64_t bytes, char *buf, size_t len,
			     const char *const names[4], const char *sep)
{
	unsigned i = 0;

	while (i < 3 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, len, "%llu%s%s", (unsigned long long)bytes, sep,
		 names[i]);
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const names[4] = { "B", "KiB", "MiB", "GiB" };

	format_size_unit(bytes, buf, len, names, " ");
}

void format_size_short(uint64_t bytes, char *buf, size_t len)
{
	static const char *const names[4] = { "", "K", "M", "G" };

	format_size_unit(bytes, buf, len, names, "");
}

void format_ns(double ns, char *buf, size_t len)
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

void format_rate(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.2f M", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1f k", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

void json_put_str(FILE *f, const char *s)
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

void one_line(char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

int split_list(char *s, char **items, int max)
{
	int n = 0;
	char *save = NULL, *tok;

	if (!*s)
		return -EINVAL;
	/* strtok_r would skip empty items; an empty item is a typo. */
	for (tok = s;; tok = save) {
		save = strchr(tok, ',');
		if (save)
			*save++ = '\0';
		if (!*tok)
			return -EINVAL;
		if (n == max)
			return -E2BIG;
		items[n++] = tok;
		if (!save)
			break;
	}
	return n;
}

static const char *const format_names[] = {
	[FORMAT_TABLE] = "table", [FORMAT_CSV] = "csv", [FORMAT_JSON] = "json",
};

const char *format_name(enum output_format f)
{
	return (unsigned)f < ARRAY_SIZE(format_names) ? format_names[f] : "?";
}

int format_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++)
		if (!strcmp(name, format_names[i]))
			return (int)i;
	return -1;
}
