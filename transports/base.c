/*
 * base.c - strict parsing of the numbers and sizes users write, for every
 * layer: transport options here, suite keys and flags in the harness.
 *
 * Every number from a suite file or a flag is parsed here, because libcyaml
 * 1.3.1 accepts "64abc" as 64, "010" as 8 and "-1" as 2^64-1.  This module
 * prints nothing: callers add the file, line and key to their messages.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "base.h"

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
