/*
 * util.c - strict parsing of the numbers and sizes users write, and the
 * names of shared enumerations.
 *
 * Every number from a suite file or a flag is parsed here, because libcyaml
 * 1.3.1 accepts "64abc" as 64, "010" as 8 and "-1" as 2^64-1.  This module
 * prints nothing: callers add the file, line and key to their messages.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {
		{ "", 0 },
		{ "b", 0 },
		{ "k", 10 }, { "kb", 10 }, { "kib", 10 },
		{ "m", 20 }, { "mb", 20 }, { "mib", 20 },
		{ "g", 30 }, { "gb", 30 }, { "gib", 30 },
	};
	const char *p = s;
	uint64_t v = 0;
	size_t i;

	if (!s)
		return -EINVAL;
	/* The digits as parse_u64() reads them, however many (leading
	 * zeros included), then the unit. */
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (p == s)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcasecmp(p, units[i].suffix) == 0)
			break;
	}
	if (i == ARRAY_SIZE(units))
		return -EINVAL;
	if (v > (UINT64_MAX >> units[i].shift))
		return -ERANGE;
	*out = v << units[i].shift;
	return 0;
}

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

static const char *const placement_names[PLACE_COUNT] = {
	[PLACE_SAME_CPU] = "same-cpu",
	[PLACE_CROSS_CPU] = "cross-cpu",
	[PLACE_UNPINNED] = "unpinned",
};

const char placement_choices[] = "same-cpu, cross-cpu, unpinned";

const char *placement_name(enum placement p)
{
	return (unsigned)p < PLACE_COUNT ? placement_names[p] : "?";
}

int placement_parse(const char *name)
{
	for (int i = 0; i < PLACE_COUNT; i++) {
		if (strcmp(name, placement_names[i]) == 0)
			return i;
	}
	return -1;
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
